"""Every card the bot can send, in every state and both languages: for review, tests and screenshots."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from bot.domain.concerns import ConcernReport, ReportState, Route
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import PermissionRequest, RequestState
from bot.policy import load_policy
from bot.policy.loader import DEFAULT_POLICY_FILE
from cards import answer, common, concerns
from cards import permission_requests as permission
from cards.elements import Card
from cards.i18n import Catalogue, load_catalogue

SAMPLE_TIME = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
SAMPLE_QUESTION = ("Can I post photos from sports day on my own Instagram?\x07\u202e [click](https://evil.example) "
                   "<at>Head</at>")

GalleryPart = Callable[[Catalogue, Lang], Iterator[tuple[str, Card]]]


def _common(strings: Catalogue, lang: Lang) -> Iterator[tuple[str, Card]]:
    yield "welcome", common.welcome_card(strings, lang, name="Carys Jenkins",
                                         federation="Llanidloes Schools Federation")
    yield "welcome-headteacher", common.welcome_card(strings, lang, name="Siân Roberts",
                                                     federation="Llanidloes Schools Federation", decides=True)
    yield "help", common.help_card(strings, lang)
    yield "thanks", common.notice_card(strings.text("home.thanks", lang), lang)
    yield "error-storage", common.error_card(strings, lang, "error.storage")
    yield "error-busy", common.error_card(strings, lang, "error.busy")
    yield "error-unknown-action", common.error_card(strings, lang, "error.unknown_action")


def _answers(strings: Catalogue, lang: Lang) -> Iterator[tuple[str, Card]]:
    policy = load_policy(DEFAULT_POLICY_FILE)
    friends = next(p for p in policy.all_passages() if "friends" in p.text)
    section = policy.section_of(friends.id)
    view = answer.SectionView(section.id, section.heading(lang.value))
    yield "answer", answer.answer_card(strings, lang, question_id="Q1", section=view, quotes=[friends.text],
                                       source=policy.source, next_steps=["request_permission"])
    yield "answer-rated", answer.answer_card(strings, lang, question_id="Q1", section=view, quotes=[friends.text],
                                             source=policy.source, next_steps=[], rated=True)
    closest = [answer.SectionView(s.id, s.heading(lang.value)) for s in policy.sections[:3]]
    yield "no-answer", answer.no_answer_card(strings, lang, question_id="Q2", question="How much annual leave?",
                                             closest=closest)
    yield "no-answer-escalated", answer.no_answer_card(strings, lang, question_id="Q2",
                                                       question="How much annual leave?", closest=[],
                                                       escalated_to="Mrs Siân Roberts")
    full = answer.SectionView(section.id, section.heading(lang.value), tuple(p.text for p in section.passages))
    yield "section", answer.section_card(strings, lang, full, source=policy.source,
                                         next_steps=["request_permission", "report_concern"])
    yield "sections", answer.sections_card(strings, lang, [answer.SectionView(s.id, s.heading(lang.value))
                                                           for s in policy.sections])
    yield "about", answer.about_card(strings, lang, title=policy.title_cy if lang is Lang.CY else policy.title_en,
                                     version=policy.version, issued=policy.date_of_issue.strftime("%d.%m.%Y"),
                                     agreed_by=policy.agreed_by, next_review=policy.next_review, overdue=True)
    disclaimer = "The views and opinions expressed here are my own and do not necessarily represent those of " \
                 "Llanidloes Schools' Federation"
    yield "blog-disclaimer", answer.disclaimer_card(strings, lang, disclaimer)
    yield "photo-checklist", answer.photo_checklist_card(strings, lang, [p.text for p in
                                                                         policy.passages_with("photo_checklist")])
    yield "question-for-head", answer.head_question_card(strings, lang, question_id="Q2", asker="Carys Jenkins",
                                                         asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION)
    yield "question-for-head-error", answer.head_question_card(
        strings, lang, question_id="Q2", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        error=strings.text("ask.head_reply_required", lang))
    yield "question-for-head-replied", answer.head_question_card(
        strings, lang, question_id="Q2", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        reply="Please ask parents first. <at>Carys</at>", replied_by="Mrs Siân Roberts", replied_at=SAMPLE_TIME)
    yield "reply-to-asker", answer.reply_card(strings, lang, name="Mrs Siân Roberts", question=SAMPLE_QUESTION,
                                              reply="Please ask parents first. **Now**")
    yield "review", answer.review_card(strings, lang, [
        answer.ReviewItem("How much annual leave?", SAMPLE_TIME, unanswered=True),
        answer.ReviewItem(SAMPLE_QUESTION, SAMPLE_TIME, unanswered=False, section="Using social networking")])
    yield "review-empty", answer.review_card(strings, lang, [])


def _sample_request(state: RequestState = RequestState.PENDING) -> PermissionRequest:
    request = PermissionRequest(
        request_id="P-7KX3QD", requester=Person("tenant", "a1", "Carys Jenkins"), school_id="high",
        platform="instagram", platform_other="", account_kind="new", existing_account="",
        purpose="Share Year 9 geography field trip highlights with parents. [click](https://evil.example)",
        audiences=("parents",), pupil_content=("work",), consent="Work only, no names; parents opted in. <b>ok</b>",
        moderator="Carys Jenkins", moderation="weekly", start=date(2026, 12, 1), end=None, submitted_at=SAMPLE_TIME)
    if state is RequestState.PENDING:
        return request
    declined = state is RequestState.DECLINED
    return replace(request, state=state, decided_by="Siân Roberts", decided_at=SAMPLE_TIME,
                   reason="Please use the school page instead. [here](https://evil.example)" if declined else "",
                   comment="Lovely idea. <at>Carys</at>" if state is RequestState.APPROVED else "")


def _permissions(strings: Catalogue, lang: Lang) -> Iterator[tuple[str, Card]]:
    schools = [("high", "Llanidloes High School"), ("primary", "Ysgol Gynradd Llanidloes")]
    school = schools[0][1]
    yield "permission-form", permission.form_card(strings, lang, schools=schools)
    yield "permission-form-errors", permission.form_card(
        strings, lang, schools=schools, values={"purpose": "", "platform": "other"},
        errors={"school": "perm.error.school", "platform_other": "perm.error.platform_other",
                "purpose": "perm.error.purpose", "end": "perm.error.end_or_ongoing", "confirm": "perm.error.confirm"})
    pending = _sample_request()
    yield "permission-pending", permission.status_card(strings, lang, pending, school=school,
                                                       approver="Mrs Siân Roberts")
    yield "permission-pending-undelivered", permission.status_card(strings, lang, pending, school=school,
                                                                   approver="Mrs Siân Roberts", undelivered=True)
    yield "permission-for-headteacher", permission.approver_card(strings, lang, pending, school=school)
    yield "permission-for-headteacher-error", permission.approver_card(
        strings, lang, pending, school=school, error=strings.text("perm.reason_required", lang))
    for state in (RequestState.APPROVED, RequestState.DECLINED, RequestState.WITHDRAWN):
        settled = _sample_request(state)
        yield f"permission-{state.value}", permission.status_card(strings, lang, settled, school=school,
                                                                  approver="Mrs Siân Roberts")
        yield f"permission-{state.value}-headteacher", permission.approver_card(strings, lang, settled, school=school)
    yield "permission-decision", permission.decision_card(strings, lang, _sample_request(RequestState.APPROVED),
                                                          school=school)
    rows = [(pending, school), (_sample_request(RequestState.APPROVED), school)]
    yield "my-requests", permission.my_requests_card(strings, lang, rows)
    yield "my-requests-empty", permission.my_requests_card(strings, lang, [])
    yield "pending-requests", permission.pending_card(strings, lang, [(pending, school)])
    yield "pending-requests-empty", permission.pending_card(strings, lang, [])
    yield "register", permission.register_card(strings, lang, [(_sample_request(RequestState.APPROVED), school)])


def _concerns(strings: Catalogue, lang: Lang) -> Iterator[tuple[str, Card]]:
    gareth = StaffContact("a4", "Gareth Hughes")
    sian = StaffContact("a3", "Mrs Siân Roberts")
    report = ConcernReport(
        reference="C-4QX9TB", reporter=Person("tenant", "a1", "Carys Jenkins"),
        what="A colleague keeps sending me messages about my lessons late at night.\x00\x1b[31m <at>Head</at>",
        since="September", where="Teams chat", who="A colleague in another department", evidence="Screenshots [link](https://evil.example)",
        wants_meeting=True, urgent=True, submitted_at=SAMPLE_TIME, assigned_to=gareth, route=Route.LINE_MANAGER,
        escalation_contact=sian)
    yield "concern-form", concerns.form_card(strings, lang, manager="Gareth Hughes", contact="Mrs Siân Roberts")
    yield "concern-form-error", concerns.form_card(strings, lang, manager="Gareth Hughes", contact="Mrs Siân Roberts",
                                                   error=strings.text("concern.required", lang))
    yield "concern-receipt", concerns.receipt_card(strings, lang, report)
    yield "concern-receipt-no-manager", concerns.receipt_card(strings, lang, replace(report, assigned_to=sian,
                                                                                      route=Route.NO_MANAGER))
    yield "concern-for-line-manager", concerns.holder_card(strings, lang, report)
    yield "concern-reminder", concerns.reminder_title(strings, lang, report)
    acknowledged = replace(report, state=ReportState.ACKNOWLEDGED, acknowledged_at=SAMPLE_TIME)
    yield "concern-acknowledged-manager", concerns.holder_card(strings, lang, acknowledged)
    escalated = replace(report, state=ReportState.ESCALATED, escalated_at=SAMPLE_TIME,
                        escalation_note="Second time this term. <at>Head</at>")
    yield "concern-escalated", concerns.holder_card(strings, lang, escalated)
    yield "concern-closed", concerns.holder_card(strings, lang, replace(report, state=ReportState.CLOSED,
                                                                         closed_at=SAMPLE_TIME))
    yield "concern-acknowledged", concerns.acknowledged_card(strings, lang, acknowledged, by="Gareth Hughes")


PARTS: list[GalleryPart] = [_common, _answers, _permissions, _concerns]


def gallery(strings: Catalogue | None = None) -> dict[str, Card]:
    """Every card by name (`<card>.<lang>`)."""
    catalogue = strings or load_catalogue()
    cards: dict[str, Card] = {}
    for part in PARTS:
        for lang in Lang:
            for name, card in part(catalogue, lang):
                key = f"{name}.{lang.value}"
                if key in cards:
                    raise ValueError(f"two gallery cards are named {key}")
                cards[key] = card
    return cards


def dump(directory: Path) -> int:
    """Write each card as `<card>.<lang>.json`; return how many."""
    directory.mkdir(parents=True, exist_ok=True)
    cards = gallery()
    for name, card in cards.items():
        (directory / f"{name}.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
    return len(cards)


def cards_command(argv: list[str]) -> int:
    """`python -m bot cards --dump DIR`."""
    if len(argv) != 2 or argv[0] != "--dump":
        print("usage: python -m bot cards --dump DIR")
        return 2
    count = dump(Path(argv[1]))
    print(f"wrote {count} cards to {argv[1]}")
    return 0
