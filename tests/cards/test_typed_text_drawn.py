"""Typed words are drawn as typed by the official renderer: its date and time functions, which it reads in a TextRun
as in a TextBlock, stay words. Before, "{{DATE(2026-01-01T00:00:00Z, LONG)}}" in a report was drawn on the line
manager's card as "Thursday, January 1, 2026", and "{{TIME(...)}}" as a time in his own clock's format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page

from bot.domain.concerns import ConcernReport, ReportState, Role, Route
from bot.domain.federation import Federation, School
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import PermissionRequest, decide, end_permission
from bot.domain.policy_versions import PolicyChanges, SectionChange
from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy
from cards import answer, common, concerns, publishing
from cards import permission_requests as permission
from cards.elements import Card
from cards.i18n import load_catalogue

STRINGS = load_catalogue()
DATE = "{{DATE(2026-01-01T00:00:00Z, LONG)}}"
TIME = "{{TIME(2026-01-01T09:00:00Z)}}"
TRIPLE = "{{{DATE(2026-01-01T00:00:00Z)}}}"
CARYS = Person("tenant", "a1", f"Carys {DATE}")
GARETH = StaffContact("a4", "Gareth Hughes")


def _holder_card(lang: Lang) -> Card:
    report = ConcernReport(
        reference="C-4QX9TB", reporter=CARYS, what=f"It started on {DATE} {TRIPLE}", since=TIME, where="Teams chat",
        who="", evidence="", wants_meeting=False, urgent=False, submitted_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        chain=(GARETH,), route=Route.LINE_MANAGER)
    return concerns.holder_card(STRINGS, lang, report, Person("tenant", "a4", "Gareth Hughes"))


def _question_card(lang: Lang) -> Card:
    return answer.no_answer_card(STRINGS, lang, question_id="Q1", question=f"Can I post on {DATE} at {TIME}?",
                                 closest=[])


def _drawn(card: Card, page: Page) -> str:
    [host] = page.evaluate("cards => window.renderCards(cards)", [card])
    shown: str = page.inner_text(f"#{host}")
    return shown.replace("\u034f", "")  # the combining grapheme joiner draws nothing


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("build", [_holder_card, _question_card], ids=["holder's card", "question echoed"])
def test_date_and_time_functions_typed_are_drawn_as_typed(card_page: Page, build: object, lang: Lang) -> None:
    assert callable(build)
    drawn = _drawn(build(lang), card_page)

    assert DATE in drawn and TIME in drawn
    assert "January" not in drawn and " AM" not in drawn  # Chromium's own format of the date and the time


# Every other card that carries typed words or a name from Teams, each in the place it is drawn: a list's line, a
# sentence of the bot's own with a name in it, an input's label, a toggle's title, a fact, a button's card.
TYPED = Person("tenant", "a1", f"Carys {DATE}")
REQUEST = PermissionRequest(
    request_id="P-7KX3QD", requester=TYPED, school_id="high", platform="other", platform_other=f"Flickr {DATE}",
    account_kind="existing", existing_account=f"our page {TIME}", purpose=f"Trip photos on {DATE}",
    audiences=("parents",), pupil_content=("work",), consent=f"Parents opted in {TIME}",
    moderator=f"Mr Moderator {DATE}", moderation="weekly", start=date(2026, 12, 1), end=None,
    submitted_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
TODAY = date(2026, 11, 24)
HEAD = Person("tenant", "a3", f"Siân {DATE}")
FEDERATION = Federation(
    tenant_ids=("tenant",), name_en="Llanidloes Schools Federation", name_cy="Ffederasiwn Ysgolion Llanidloes",
    schools=(School("high", "Llanidloes High School", "Ysgol Uwchradd Llanidloes", StaffContact("a3", HEAD.name)),),
    policy_owner=StaffContact("a3", HEAD.name))
APPROVED = decide(REQUEST, HEAD, FEDERATION, approve=True, reason=f"Fine {DATE}", comment="",
                  now=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
ENDED = end_permission(APPROVED, HEAD, FEDERATION, reason=f"Closed {TIME}", now=datetime(2027, 2, 1, 16, 0, tzinfo=UTC))
MANAGER, CHAIR = StaffContact("a4", f"Gareth {DATE}"), StaffContact("a6", f"Huw {TIME}")
REPORT = ConcernReport(
    reference="C-4QX9TB", reporter=TYPED, what="Late messages", since="", where="", who="", evidence="",
    wants_meeting=False, urgent=False, submitted_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
    chain=(MANAGER, CHAIR), route=Route.LINE_MANAGER)
ACKNOWLEDGED = replace(REPORT, state=ReportState.ACKNOWLEDGED, acknowledged_at=datetime(2026, 11, 24, 10, tzinfo=UTC))
AS_MANAGER = Person("tenant", "a4", MANAGER.name)
CHANGES = PolicyChanges(previous="1", sections=(SectionChange("added", "ai", f"AI tools {DATE}", "", added=2),))
CARDS: dict[str, Callable[[Lang], Card]] = {
    "my requests": lambda lang: permission.my_requests_card(STRINGS, lang, [(REQUEST, "High"), (ENDED, "High")],
                                                            today=TODAY),
    "pending list in full": lambda lang: permission.pending_card(STRINGS, lang, [(REQUEST, "High")], today=TODAY),
    "pending list of summaries": lambda lang: permission.pending_card(
        STRINGS, lang, [(replace(REQUEST, request_id=f"P-{n:06d}"), "High") for n in range(5)], today=TODAY),
    "request waiting": lambda lang: permission.status_card(STRINGS, lang, REQUEST, school="High", approver=HEAD.name,
                                                           today=TODAY, undelivered=True),
    "approval ended early": lambda lang: permission.decision_card(STRINGS, lang, ENDED, school="High"),
    "official accounts": lambda lang: permission.register_card(
        STRINGS, lang, [(APPROVED, "High")], endable={APPROVED.request_id}, left={APPROVED.request_id},
        notice=f"{ENDED.request_id}: {permission.outcome_sentence(STRINGS, lang, ENDED)}"),
    "question passed on": lambda lang: answer.no_answer_card(STRINGS, lang, question_id="Q1", question="Leave?",
                                                             closest=[], escalated_to=HEAD.name),
    "reply to the asker": lambda lang: answer.reply_card(STRINGS, lang, name=HEAD.name, question=f"Leave {TIME}?",
                                                         reply=f"Ask the office {DATE}"),
    "concern form": lambda lang: concerns.form_card(STRINGS, lang, concerns.FormView(
        ((MANAGER, Role.LINE_MANAGER), (CHAIR, Role.CHAIR)), "F-1", staff=((f"Dafydd {DATE}", "d@example.cymru"),))),
    "concern for the line manager": lambda lang: concerns.holder_card(STRINGS, lang, ACKNOWLEDGED, AS_MANAGER),
    "concern being closed": lambda lang: concerns.holder_card(STRINGS, lang, ACKNOWLEDGED, AS_MANAGER, closing=True),
    "concern closed, for the reporter": lambda lang: concerns.closed_for_reporter(
        STRINGS, lang, ACKNOWLEDGED.closed(AS_MANAGER, f"Sorted {DATE}", shared=True,
                                           now=datetime(2026, 11, 25, tzinfo=UTC))),
    "not the policy owner": lambda lang: common.error_card(STRINGS, lang, "publish.not_owner_click", owner=HEAD.name),
    "what's new": lambda lang: publishing.whats_new_card(
        STRINGS, lang, details=load_policy(DEFAULT_POLICY_FILE).details, changes=CHANGES,
        published=(datetime(2026, 11, 24, tzinfo=UTC), HEAD.name)),
}


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("name", list(CARDS))
def test_every_card_draws_typed_words_and_names_as_typed(card_page: Page, name: str, lang: Lang) -> None:
    built = CARDS[name](lang)
    [host] = card_page.evaluate("cards => window.renderCards(cards)", [built])
    # All of it, the parts a button opens too (hidden until pressed).
    drawn = card_page.eval_on_selector(f"#{host}", "element => element.textContent").replace("\u034f", "")

    assert DATE in drawn
    assert "January" not in drawn and " AM" not in drawn


# A name with markdown in it (Teams display names are the person's or the tenant's to choose), in a tick box's title:
# the renderer draws those as markdown, unlike an input's label or a TextRun.
MARKDOWN_NAME = "Carys [Jenkins](https://evil.example) **Bold**"
MARKDOWN_MANAGER = StaffContact("a4", "Gareth [Hughes](https://evil.example) **Bold**")
TICK_BOXES: dict[str, Callable[[Lang], Card]] = {
    "concern being closed": lambda lang: concerns.holder_card(
        STRINGS, lang, replace(ACKNOWLEDGED, reporter=Person("tenant", "a1", MARKDOWN_NAME)), AS_MANAGER,
        closing=True),
    "concern form": lambda lang: concerns.form_card(STRINGS, lang, concerns.FormView(
        ((MARKDOWN_MANAGER, Role.LINE_MANAGER), (CHAIR, Role.CHAIR)), "F-1")),
}


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("name", list(TICK_BOXES))
def test_a_name_beside_a_tick_box_is_drawn_as_typed(card_page: Page, name: str, lang: Lang) -> None:
    """Before, the reporter's name beside "share this outcome" on the line manager's card, and the line manager's beside
    "it involves my line manager" on the form, were drawn as a link to evil.example and in bold."""
    [host] = card_page.evaluate("cards => window.renderCards(cards)", [TICK_BOXES[name](lang)])
    links = card_page.eval_on_selector_all(f"#{host} a", "links => links.map(link => link.href)")
    bold = card_page.eval_on_selector_all(f"#{host} strong", "found => found.map(element => element.textContent)")
    drawn = card_page.eval_on_selector(f"#{host}", "element => element.textContent").replace("\u034f", "")

    assert not any("evil.example" in link for link in links)
    assert "Bold" not in " ".join(bold)
    assert "[Jenkins](https://evil.example) **Bold**" in drawn or "[Hughes](https://evil.example) **Bold**" in drawn
