"""Every card the bot can send, in every state and both languages: for review, tests and screenshots."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.domain.concerns import (
    ESCALATE_AFTER,
    URGENT_ESCALATE_AFTER,
    About,
    ConcernReport,
    Doubt,
    Naming,
    Pace,
    ReportKind,
    ReportState,
    Role,
    Route,
)
from bot.domain.directory import StaffMember
from bot.domain.federation import Federation, School
from bot.domain.figures import ReadFigures, ReportFigures, RequestFigures, Term, TermName
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import PermissionRequest, RequestState, decide, end_permission, withdraw
from bot.domain.policy_reads import Audience, SchoolReads, read_summary
from bot.domain.policy_versions import BY_COMMAND, DetailChange, PolicyChanges, SectionChange
from bot.policy.details import Detail
from bot.policy.loader import (
    DEFAULT_POLICY_FILE,
    PolicyFileError,
    PolicyFileUnreadable,
    add_policy_option,
    load_policy,
    readable_policy_file,
)
from bot.policy.model import Policy
from bot.policy.notes import Note
from bot.policy.places import PolicyPlace
from cards import answer, common, concerns, figures, publishing
from cards import permission_requests as permission
from cards.elements import Card
from cards.i18n import Catalogue, load_catalogue, note_text

SAMPLE_TIME = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
SAMPLE_LIMIT_ENDS = datetime(2026, 11, 25, 8, 15, tzinfo=UTC)  # when a daily limit lets the person send again
# The sample request asks from 1 December: still waiting on the 3rd (its start passed), approved then (it runs from the
# 3rd), or asked until the 2nd (its dates ended).
SAMPLE_LATE_DAY = date(2026, 12, 3)
SAMPLE_LATE_APPROVAL = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
SAMPLE_ENDED = date(2026, 12, 2)
# When the sample approval is ended early, and why (typed by the headteacher).
SAMPLE_ENDED_EARLY = datetime(2027, 2, 1, 16, 0, tzinfo=UTC)
SAMPLE_END_REASON = "The account was closed at half term. <at>Carys</at>"
SAMPLE_QUESTION = ("Can I post photos from sports day on my own Instagram?\x07\u202e [click](https://evil.example) "
                   "<at>Head</at>")
# The federation as the live bot names it: each card shows the names in the reader's language.
SAMPLE_HEAD = StaffContact("a3", "Mrs Siân Roberts")
SAMPLE_FEDERATION = Federation(
    tenant_ids=("tenant",), name_en="Llanidloes Schools Federation", name_cy="Ffederasiwn Ysgolion Llanidloes",
    schools=(School("high", "Llanidloes High School", "Ysgol Uwchradd Llanidloes", SAMPLE_HEAD),
             School("primary", "Llanidloes Primary School", "Ysgol Gynradd Llanidloes", SAMPLE_HEAD)),
    policy_owner=SAMPLE_HEAD)
# What people typed on the sample cards (and the policy's disclaimer, which is quoted): shown as written in
# either language, so the check for English left on Welsh cards leaves these out.
SAMPLE_DISCLAIMER = ("The views and opinions expressed here are my own and do not necessarily represent those of "
                     "Llanidloes Schools' Federation")
SAMPLE_REPORT_WHAT = "A colleague keeps sending me messages about my lessons late at night.\x00\x1b[31m <at>Head</at>"
SAMPLE_BLOG = "llanidloesgeography.example.blog"
SAMPLE_PURPOSE = "Share Year 9 geography field trip highlights with parents. [click](https://evil.example)"
# Longer than the pending list shows of a purpose: it is cut short there, and decided on its full card.
SAMPLE_LONG_PURPOSE = ("Share Year 9 geography field trip highlights with parents: photos of the river study at Llyn "
                       "Clywedog, pupils' worksheets and short videos, posted after each trip day. ") * 4
SAMPLE_FILE_NAME = "Social Media Policy 2026 [final].docx"
SAMPLE_CORRECTED_REPLY = "Please ask the parents of every pupil first."
# A parent's email pasted into a question (the asker's words, so English on the Welsh card too).
SAMPLE_EMAIL = ("Tomos's mum has sent me a long email about the holiday dates and how much leave staff get, and she "
                "wants a meeting before half term with two other parents from the class. " * 3 + "What do I do?")
# A holder's note for the people above that names the next person up. <at> shows a mention stays inert.
SAMPLE_ESCALATION_NOTE = "Carys tells me Mrs Roberts forwards the messages too. <at>Head</at>"
SAMPLE_TYPED = (
    SAMPLE_FILE_NAME, SAMPLE_EMAIL, "Rhys ap Iorwerth <at>Head</at>", SAMPLE_QUESTION, SAMPLE_DISCLAIMER,
    SAMPLE_REPORT_WHAT,
    SAMPLE_PURPOSE, SAMPLE_LONG_PURPOSE, SAMPLE_BLOG, "How much annual leave?", "Where do I park at the high school?",
    "Please ask parents first. <at>Carys</at>", "Please ask parents first. **Now**", SAMPLE_CORRECTED_REPLY,
    SAMPLE_END_REASON,
    "Work only, no names; parents opted in. <b>ok</b>", "Please use the school page instead. [here](https://evil.example)",
    "Lovely idea. <at>Carys</at>", "September [link](https://evil.example)", "Teams chat", "Google Classroom",
    "A colleague in another department", "Screenshots [link](https://evil.example)",
    "Second time this term. <at>Head</at>", "Spoke to both; the messages have stopped. **Now**",
    "We met and agreed a plan. [link](https://evil.example)", "It started again on Monday. <b>help</b>",
    SAMPLE_ESCALATION_NOTE,
    # Words of a report a receipt quotes, near the name of someone it was kept from.
    "Garth", "Robert", "the wellbeing lead", "my line manager", "Sir",
)

GalleryPart = Callable[[Catalogue, Lang], Iterator[tuple[str, Card]]]
# Cards posted for everyone in a team or group chat, in Welsh and English whatever the language: the same card under
# both names.
BILINGUAL = frozenset({"welcome-team"})


def _common(strings: Catalogue, lang: Lang) -> Iterator[tuple[str, Card]]:
    federation = SAMPLE_FEDERATION.name(lang)
    yield "welcome", common.welcome_card(strings, lang, name="Carys Jenkins", federation=federation)
    # "Cymraeg" / "English" typed: what it did, first under the heading.
    yield "welcome-language-changed", common.welcome_card(
        strings, lang, name="Carys Jenkins", federation=federation, notice=strings.text("language.changed", lang))
    yield "welcome-headteacher", common.welcome_card(strings, lang, name=SAMPLE_HEAD.name, federation=federation,
                                                     decides=True, oversees=True)
    yield "welcome-team", common.everyone_welcome_card(
        strings, federation={each: SAMPLE_FEDERATION.name(each) for each in Lang})
    yield "help", common.help_card(strings, lang)
    yield "help-headteacher", common.help_card(strings, lang, decides=True, oversees=True)
    yield "thanks", common.notice_card(strings.text("home.thanks", lang))
    yield "backed-out", common.notice_card(strings.text("home.backed_out", lang))
    yield "not-answered", common.notice_card(strings.text("home.not_answered", lang))
    yield "why", common.notice_card(strings.text("home.why", lang))
    yield "pardon", common.notice_card(strings.text("home.pardon", lang))
    yield "are-you-sure", common.notice_card(strings.text("home.are_you_sure", lang))
    yield "sworn-at", common.notice_card(strings.text("home.sworn_at", lang))
    yield "picture", common.notice_card(strings.text("home.picture", lang))
    yield "error-storage", common.error_card(strings, lang, "error.storage")
    yield "error-busy", common.error_card(strings, lang, "error.busy")
    yield "error-unknown-action", common.error_card(strings, lang, "error.unknown_action")
    yield "error-invalid-card", common.error_card(strings, lang, "error.invalid_card")
    yield "sent-privately", common.notice_card(strings.text("private.sent", lang))
    yield "waiting-privately", common.notice_card(strings.text("private.waiting", lang))
    yield "refreshed-privately", common.notice_card(strings.text("private.refreshed", lang))
    yield from _figures(strings, lang)


def _figures(strings: Catalogue, lang: Lang) -> Iterator[tuple[str, Card]]:
    schools = [school.name(lang) for school in SAMPLE_FEDERATION.schools]
    term = Term(TermName.AUTUMN, date(2026, 9, 1))
    requests = RequestFigures(approved=7, declined=2, waiting=1)
    yield "figures", figures.figures_card(strings, lang, term=term, schools=schools, requests=requests,
                                          reads=ReadFigures("2", asked=41, confirmed=34),
                                          reports=ReportFigures(received=None, still_open=None))
    yield "figures-nothing-sent-round", figures.figures_card(
        strings, lang, term=Term(TermName.SUMMER, date(2027, 3, 29)), schools=schools[:1], requests=requests,
        reads=None, reports=ReportFigures(received=6, still_open=0))
    yield "figures-only-heads", common.error_card(strings, lang, "figures.only_heads")


def _answers(policy: Policy) -> GalleryPart:
    return lambda strings, lang: _answer_cards(strings, lang, policy)


def _answer_cards(strings: Catalogue, lang: Lang, policy: Policy) -> Iterator[tuple[str, Card]]:
    passages = policy.all_passages()
    shown = next((p for p in passages if p.next_steps), passages[0])
    section = policy.section_of(shown.id)
    view = answer.section_view(section, lang)
    source = policy.details.citation.text(lang.value)
    yield "answer", answer.answer_card(strings, lang, question_id="Q1", section=view, quotes=[shown.text],
                                       source=source, next_steps=shown.next_steps)
    yield "answer-rated", answer.answer_card(strings, lang, question_id="Q1", section=view, quotes=[shown.text],
                                             source=source, next_steps=[], rated=True)
    yield "answer-tentative", answer.answer_card(strings, lang, question_id="Q1", section=view, quotes=[shown.text],
                                                 source=source, next_steps=shown.next_steps, tentative=True)
    # A question about a tool the policy does not name ("can I use Seesaw with my class?"): its rule on permission, as
    # the nearest it comes, saying the policy does not name the tool.
    yield "answer-tool-not-named", answer.answer_card(
        strings, lang, question_id="Q1", section=view, quotes=[shown.text], source=source,
        next_steps=["request_permission"], tentative=True, not_named="Seesaw")
    closest = [answer.section_view(s, lang) for s in policy.sections[:3]]
    yield "answer-not-helpful", answer.answer_card(strings, lang, question_id="Q1", section=view, quotes=[shown.text],
                                                   source=source, next_steps=shown.next_steps, rated=True,
                                                   not_helpful=True, related=closest[:2])
    # Marked not helpful in a group chat or channel: the reply to a question passed on comes to the asker's own chat.
    yield "answer-not-helpful-in-a-group", answer.answer_card(
        strings, lang, question_id="Q1", section=view, quotes=[shown.text], source=source, next_steps=[], rated=True,
        not_helpful=True, related=closest[:1], in_a_group=True)
    # Marked not helpful, a question saying the person questions go to is pestering its asker: not offered to them.
    yield "answer-not-helpful-about-the-owner", answer.answer_card(
        strings, lang, question_id="Q1", section=view, quotes=[shown.text], source=source, next_steps=[], rated=True,
        not_helpful=True, related=closest[:1], about_owner="Mrs Siân Roberts")
    yield "answer-not-helpful-escalated", answer.answer_card(
        strings, lang, question_id="Q1", section=view, quotes=[shown.text], source=source,
        next_steps=shown.next_steps, rated=True, not_helpful=True, escalated_to="Mrs Siân Roberts")
    # The answer to one of several questions a message asked: which one it answers.
    yield "answer-one-of-several", answer.answer_card(strings, lang, question_id="Q1", section=view,
                                                      quotes=[shown.text], source=source, next_steps=shown.next_steps,
                                                      question="Ga i dderbyn cais ffrind gan ddisgybl?"
                                                      if lang is Lang.CY else
                                                      "Can I accept a friend request from a pupil?")
    # Rated once a later version is in force: the card says which version it quotes, and to ask again.
    yield "answer-rated-earlier-version", answer.answer_card(strings, lang, question_id="Q1", section=view,
                                                             quotes=[shown.text], source=source, next_steps=[],
                                                             rated=True, earlier=("1", "2"))
    # Under it, another question of the same message that the same words answer.
    yield "also-answered", answer.also_answered_card(strings, lang, question="Ga i ffrindio disgyblion ar Instagram?"
                                                     if lang is Lang.CY else "Can I friend pupils on Instagram?")
    # Helpful pressed again (a double tap, a copy of the card on another device): the answer as it stands.
    yield "answer-rated-already", answer.answer_card(strings, lang, question_id="Q1", section=view,
                                                     quotes=[shown.text], source=source, next_steps=[], rated=True,
                                                     already_rated=True)
    yield "no-answer", answer.no_answer_card(strings, lang, question_id="Q2", question="How much annual leave?",
                                             closest=closest)
    # A word typed alone ("photos", "lluniau") that the policy does not answer as a question: where it speaks of it.
    yield "speaking-of", answer.speaking_of_card(strings, lang, typed="lluniau" if lang is Lang.CY else "photos",
                                                 sections=closest)
    # Asked in a group chat or channel: the reply to a question passed on comes to the asker's own chat.
    yield "no-answer-in-a-group", answer.no_answer_card(strings, lang, question_id="Q2",
                                                        question="How much annual leave?", closest=closest,
                                                        in_a_group=True)
    # The policy owner's own question: questions are passed to her, so no offer to pass it on to herself.
    yield "no-answer-policy-owner", answer.no_answer_card(strings, lang, question_id="Q2",
                                                          question="How much annual leave?", closest=closest,
                                                          owner_asking=True)
    yield "no-answer-escalated", answer.no_answer_card(strings, lang, question_id="Q2",
                                                       question="How much annual leave?", closest=[],
                                                       escalated_to="Mrs Siân Roberts")
    # Not covered by the version before the one in force, passed on once that one came in.
    yield "no-answer-escalated-earlier-version", answer.no_answer_card(strings, lang, question_id="Q2",
                                                                       question="How much annual leave?", closest=[],
                                                                       escalated_to="Mrs Siân Roberts",
                                                                       earlier=("1", "2"))
    # Ask the headteacher pressed again: the card as it stands, saying when it was passed on.
    yield "no-answer-escalated-already", answer.no_answer_card(strings, lang, question_id="Q2",
                                                               question="How much annual leave?", closest=[],
                                                               escalated_to="Mrs Siân Roberts",
                                                               escalated_before=SAMPLE_TIME)
    # Ask the headteacher pressed again on the card in a group chat: said there, nothing sent again.
    yield "no-answer-escalated-already-in-a-group", answer.passed_on_already_card(strings, lang,
                                                                                  name="Mrs Siân Roberts",
                                                                                  before=SAMPLE_TIME)
    # A parent's email pasted in, then "what do I do?": only its start is echoed.
    yield "no-answer-long-question", answer.no_answer_card(strings, lang, question_id="Q2", question=SAMPLE_EMAIL,
                                                           closest=closest[:1])
    # The question names someone on the staff list ("Has Carys Jenkins posted photos of pupils?").
    yield "no-answer-names-a-colleague", answer.no_answer_card(strings, lang, question_id="Q2",
                                                               question="Ydy Carys Jenkins wedi postio lluniau?"
                                                               if lang is Lang.CY else
                                                               "Has Carys Jenkins posted photos of pupils?",
                                                               closest=closest, names_colleague=True)
    # Not covered, and it may be about the person questions go to ("Is Siân allowed to threaten me…?").
    yield "no-answer-about-the-owner", answer.no_answer_card(strings, lang, question_id="Q2",
                                                             question="Ydy Mrs Roberts yn cael fy mygwth?"
                                                             if lang is Lang.CY else
                                                             "Is Mrs Roberts allowed to threaten me?",
                                                             closest=closest, about_owner="Mrs Siân Roberts")
    # The same question asked in a group chat or channel: the pointer, sent to the asker's own chat.
    yield "colleague-named-in-a-group", answer.colleague_named_card(
        strings, lang, question="Ydy Carys Jenkins wedi postio lluniau?" if lang is Lang.CY else
        "Has Carys Jenkins posted photos of pupils?")
    # A question asked in a group chat or channel that may be about the person questions go to: why it is not passed
    # to her, and Report a concern, sent to the asker's own chat (the card in the group names nobody).
    yield "about-the-owner-in-a-group", answer.about_owner_card(
        strings, lang, question="Ydy Mrs Roberts yn cael fy mygwth?" if lang is Lang.CY else
        "Is Mrs Roberts allowed to threaten me?", name="Mrs Siân Roberts")
    # The question could not be recorded (storage failed just then): nothing to pass on.
    yield "no-answer-not-recorded", answer.no_answer_card(strings, lang, question_id="",
                                                          question="How much annual leave?", closest=closest)
    # A colleague pressed Helpful or Ask the headteacher on someone else's answer in a group chat.
    yield "only-the-asker", common.notice_card(strings.text("ask.only_asker", lang))
    # A message of a link alone (a school post, a tweet): the bot cannot open it.
    yield "link-only", common.notice_card(strings.text("ask.link_only", lang))
    # A question sent with a link: answered from its words, saying the link was not opened.
    yield "answer-link-unread", answer.answer_card(strings, lang, question_id="Q1", section=view, quotes=[shown.text],
                                                   source=source, next_steps=shown.next_steps, link_unread=True)
    # "Are my questions private?": what the bot keeps of a question and who sees it.
    yield "questions-kept", answer.questions_kept_card(strings, lang, owner=SAMPLE_FEDERATION.policy_owner.name,
                                                       months=12)
    # "Oes fersiwn Gymraeg?": the policy document is in English only, or gives its own Welsh.
    yield "policy-in-welsh", common.notice_card(strings.text("ask.policy_in_welsh_english_only", lang,
                                                             owner=SAMPLE_FEDERATION.policy_owner.name))
    yield "policy-in-welsh-translated", common.notice_card(strings.text("ask.policy_in_welsh_translated", lang))
    # "Who is the headteacher?": the asker's school's, as the settings name her; every school's when the staff list
    # does not give the asker's (one of them with no address in the settings).
    head = replace(SAMPLE_HEAD, email="sian.roberts@llanidloes.example.cymru")
    yield "headteacher", answer.headteacher_card(strings, lang, [(SAMPLE_FEDERATION.schools[0].name(lang), head)])
    yield "headteacher-each-school", answer.headteacher_card(strings, lang, [
        (SAMPLE_FEDERATION.schools[0].name(lang), head),
        (SAMPLE_FEDERATION.schools[1].name(lang), StaffContact("a-dewi", "Mr Dewi Lloyd"))])
    # A message of filler alone ("quick one", "sori i boeni"): the question is still to come.
    yield "go-ahead", common.notice_card(strings.text("ask.go_ahead", lang))
    yield "ask-guest", common.error_card(strings, lang, "ask.guest", federation=SAMPLE_FEDERATION.name(lang))
    limited = strings.text("ask.question_limited", lang, count=10, when=answer.when(SAMPLE_LIMIT_ENDS))
    yield "no-answer-limited", answer.no_answer_card(strings, lang, question_id="Q2", question="How much annual leave?",
                                                     closest=closest, notice=limited)
    # Ask the headteacher pressed on an answer marked not helpful, over the day's limit: the answer stays.
    yield "answer-not-helpful-limited", answer.answer_card(
        strings, lang, question_id="Q1", section=view, quotes=[shown.text], source=source,
        next_steps=shown.next_steps, rated=True, not_helpful=True, related=closest[:2], notice=limited)
    yield "section", answer.section_card(strings, lang, answer.section_view(section, lang, full=True), source=source,
                                         next_steps=["request_permission", "report_concern"])
    # Opened at a passage (the not-a-colleague card's guidance button): that passage first, the rest one tap away.
    longest = max(policy.sections, key=lambda s: len(s.passages))
    yield "section-at-passage", answer.section_card(strings, lang, answer.section_view(
        longest, lang, full=True, first=longest.passages[len(longest.passages) // 2].id), source=source)
    yield "sections", answer.sections_card(strings, lang, [answer.section_view(s, lang) for s in policy.sections])
    # A section button posted under an earlier version whose section the version in force no longer has.
    yield "policy-changed", answer.policy_changed_card(strings, lang, [answer.section_view(s, lang)
                                                                        for s in policy.sections])
    # "about" as staff see it today; "about-overdue" with the note a passed review date adds.
    yield "about", answer.about_card(strings, lang, policy.details, overdue=policy.review_overdue(date.today()))
    yield "about-overdue", answer.about_card(strings, lang, policy.details, overdue=True)
    yield "about-author-not-given", answer.about_card(strings, lang, replace(policy.details, author=None),
                                                      overdue=False, asked="author")
    # Only where the policy gives them (a new version's passages are tagged by import-policy when their text is
    # unchanged): a technician checking another document sees what its staff would see.
    if (disclaimer := policy.disclaimer()) is not None:
        text, passage = disclaimer
        yield "blog-disclaimer", answer.disclaimer_card(strings, lang, text, source=source, section=answer.section_view(
            policy.section_of(passage.id), lang))
    if photo_rules := [p.text for p in policy.passages_with("photo_checklist")]:
        yield "photo-checklist", answer.photo_checklist_card(strings, lang, photo_rules)
    yield "question-for-head", answer.head_question_card(strings, lang, question_id="Q2", asker="Carys Jenkins",
                                                         asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION)
    # Not covered by the version before the one in force, and passed on once that one came in.
    yield "question-for-head-earlier-version", answer.head_question_card(
        strings, lang, question_id="Q2", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        earlier=("1", "2"))
    yield "question-for-head-not-helpful", answer.head_question_card(
        strings, lang, question_id="Q1", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        answered_from=view.heading)
    yield "question-for-head-error", answer.head_question_card(
        strings, lang, question_id="Q2", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        error=strings.text("ask.head_reply_required", lang))
    yield "question-for-head-limited", answer.head_question_card(
        strings, lang, question_id="Q2", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        error=strings.text("ask.reply_limited", lang, count=50, when=answer.when(SAMPLE_LIMIT_ENDS)),
        draft="Please ask parents first. [x](https://evil.example)")
    yield "question-for-head-replied", answer.head_question_card(
        strings, lang, question_id="Q2", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        reply="Please ask parents first. <at>Carys</at>", replied_by="Mrs Siân Roberts", replied_at=SAMPLE_TIME)
    yield "question-for-head-correcting", answer.head_question_card(
        strings, lang, question_id="Q2", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        reply="Please ask parents first. <at>Carys</at>", replied_by="Mrs Siân Roberts", replied_at=SAMPLE_TIME,
        correcting="1764930000000")
    yield "question-for-head-corrected", answer.head_question_card(
        strings, lang, question_id="Q2", asker="Carys Jenkins", asked_at=SAMPLE_TIME, question=SAMPLE_QUESTION,
        reply=SAMPLE_CORRECTED_REPLY, replied_by="Mrs Siân Roberts", replied_at=SAMPLE_TIME,
        corrected_by="Mrs Siân Roberts", corrected_at=SAMPLE_TIME)
    yield "reply-to-asker", answer.reply_card(strings, lang, name="Mrs Siân Roberts", question=SAMPLE_QUESTION,
                                              reply="Please ask parents first. **Now**")
    yield "reply-corrected-to-asker", answer.reply_card(strings, lang, name="Mrs Siân Roberts",
                                                        question=SAMPLE_QUESTION, corrected=True,
                                                        reply=SAMPLE_CORRECTED_REPLY)
    yield "reply-to-asker-once-corrected", answer.reply_card_corrected(
        strings, lang, replied_by="Mrs Siân Roberts", question=SAMPLE_QUESTION, reply=SAMPLE_CORRECTED_REPLY,
        corrected_by="Mrs Siân Roberts", corrected_at=SAMPLE_TIME)
    reviewed = [
        answer.ReviewItem("How much annual leave?", SAMPLE_TIME, unanswered=True, question_id="Q2", waiting=True,
                          listed_id="Q2"),
        answer.ReviewItem(SAMPLE_QUESTION, SAMPLE_TIME, unanswered=False, section=section.heading(lang.value),
                          listed_id="Q5"),
        answer.ReviewItem("Where do I park at the high school?", SAMPLE_TIME, unanswered=True,
                          replied_by="Mrs Siân Roberts", replied_at=SAMPLE_TIME, correct_id="Q3", listed_id="Q3"),
        answer.ReviewItem("Where do I park at the high school?", SAMPLE_TIME, unanswered=True, more_from_asker=27,
                          listed_id="Q4")]
    yield "review", answer.review_card(strings, lang, reviewed, left_out=27)
    # The card its Show more opens: the 26th to the 29th, and two more after them.
    yield "review-more", answer.review_card(strings, lang, reviewed, left_out=2, start=25, before="Q25",
                                            earlier=tuple(f"Q{n}" for n in range(1, 26)))
    yield "review-empty", answer.review_card(strings, lang, [])
    # One more question from the same person left off: said of one ("heb ei ddangos").
    yield "review-one-more-from-asker", answer.review_card(strings, lang, [
        replace(reviewed[-1], more_from_asker=1)])
    # A headteacher's list when someone else owns the policy: questions passed on wait for the owner's reply, not hers.
    yield "review-waiting-for-owner", answer.review_card(strings, lang, [
        answer.ReviewItem("How much annual leave?", SAMPLE_TIME, unanswered=True, waiting=True,
                          waiting_for="Mr Gareth Hughes", listed_id="Q2")])


def _sample_request(state: RequestState = RequestState.PENDING, *, decided_at: datetime = SAMPLE_TIME,
                    ended_by_requester: bool = False) -> PermissionRequest:
    """The sample request (from 1 December 2026), waiting or settled as the flows settle it, at `decided_at`; ended,
    approved then and ended early by the headteacher with a reason (or by the member of staff who asked)."""
    request = PermissionRequest(
        request_id="P-7KX3QD", requester=Person("tenant", "a1", "Carys Jenkins"), school_id="high",
        platform="instagram", platform_other="", account_kind="new", existing_account="",
        purpose=SAMPLE_PURPOSE,
        audiences=("parents",), pupil_content=("work",), consent="Work only, no names; parents opted in. <b>ok</b>",
        moderator="Carys Jenkins", moderation="weekly", start=date(2026, 12, 1), end=None, submitted_at=SAMPLE_TIME)
    # Settled as the flows settle it: withdrawn by the person who asked, decided by the headteacher.
    if state is RequestState.WITHDRAWN:
        return withdraw(request, request.requester, decided_at)
    if state is RequestState.PENDING:
        return request
    head = Person("tenant", SAMPLE_HEAD.aad_object_id, SAMPLE_HEAD.name)
    approve = state in (RequestState.APPROVED, RequestState.ENDED)
    note = "Lovely idea. <at>Carys</at>" if approve else "Please use the school page instead. [here](https://evil.example)"
    decided = decide(request, head, SAMPLE_FEDERATION, approve=approve, reason=note, comment=note, now=decided_at)
    if state is not RequestState.ENDED:
        return decided
    if ended_by_requester:
        return end_permission(decided, request.requester, SAMPLE_FEDERATION, reason="", now=SAMPLE_ENDED_EARLY)
    return end_permission(decided, head, SAMPLE_FEDERATION, reason=SAMPLE_END_REASON, now=SAMPLE_ENDED_EARLY)


def _permissions(strings: Catalogue, lang: Lang) -> Iterator[tuple[str, Card]]:
    schools = [(s.school_id, s.name(lang)) for s in SAMPLE_FEDERATION.schools]
    school = schools[0][1]
    today = SAMPLE_TIME.date()
    yield "permission-form", permission.form_card(strings, lang, schools=schools, today=today)
    yield "permission-form-errors", permission.form_card(
        strings, lang, schools=schools, today=today, values={"purpose": "", "platform": "other"},
        errors={"school": "perm.error.school", "platform_other": "perm.error.platform_other",
                "purpose": "perm.error.purpose", "start": "perm.error.start_backdated",
                "end": "perm.error.end_or_ongoing", "confirm": "perm.error.confirm"})
    yield "permission-form-limited", permission.form_card(
        strings, lang, schools=schools, today=today,
        values={"school": "high", "purpose": "Year 9 trip page. <at>Head</at>"},
        notice=strings.text("perm.rate_limited", lang, count=10, when=answer.when(SAMPLE_LIMIT_ENDS)))
    pending = _sample_request()
    yield "permission-pending", permission.status_card(strings, lang, pending, school=school,
                                                       approver="Mrs Siân Roberts", today=today)
    # Her school's headteacher has a named delegate, who may decide it in her place (while she is away).
    yield "permission-pending-with-delegate", permission.status_card(strings, lang, pending, school=school,
                                                                     approver="Mrs Siân Roberts", today=today,
                                                                     also=["Mrs Ffion Evans"])
    yield "permission-pending-undelivered", permission.status_card(strings, lang, pending, school=school,
                                                                   approver="Mrs Siân Roberts", undelivered=True,
                                                                   today=today)
    # A headteacher's own request: her school has no delegate, so the other school's headteacher decides it.
    yield "permission-pending-other-head", permission.status_card(strings, lang, pending, school=school,
                                                                  approver="Mr Gareth Hughes",
                                                                  headteacher_of=schools[1][1], today=today)
    yield "permission-form-nobody-decides", permission.form_card(
        strings, lang, schools=schools, today=today, values={"school": "high", "purpose": "Year 9 trip page."},
        notice=strings.text("perm.nobody_decides_own", lang, school=school))
    yield "permission-guest", common.error_card(strings, lang, "perm.guest", federation=SAMPLE_FEDERATION.name(lang))
    yield "permission-not-on-staff-list", common.error_card(strings, lang, "perm.not_on_staff_list_form",
                                                            federation=SAMPLE_FEDERATION.name(lang))
    yield "permission-for-headteacher", permission.approver_card(strings, lang, pending, school=school, today=today)
    yield "permission-for-headteacher-error", permission.approver_card(
        strings, lang, pending, school=school, today=today, note_error=strings.text("perm.reason_required", lang))
    # Opened from the pending list once the member of staff who asked has left the staff list.
    yield "permission-for-headteacher-left", permission.approver_card(strings, lang, pending, school=school,
                                                                      today=today, opened=True, left=True)
    # Asked by someone Teams gave no name for, whom no staff list names: the card says who by the id IT can look up.
    unnamed = replace(pending, requester=Person("tenant", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", ""))
    yield "permission-for-headteacher-unnamed", permission.approver_card(strings, lang, unnamed, school=school,
                                                                         today=today, opened=True)
    # Still waiting after the start asked for (an approval runs from the day it is given), and after every day asked
    # for (Decline only; Approve pressed on the card as it first came says why nothing changed).
    yield "permission-for-headteacher-start-passed", permission.approver_card(strings, lang, pending, school=school,
                                                                              today=SAMPLE_LATE_DAY)
    ended = replace(pending, request_id="P-3NDD8W", end=SAMPLE_ENDED)
    yield "permission-for-headteacher-dates-ended", permission.approver_card(
        strings, lang, ended, school=school, today=SAMPLE_LATE_DAY,
        error=strings.text("perm.dates_ended_refused", lang))
    for state in (RequestState.APPROVED, RequestState.DECLINED, RequestState.WITHDRAWN, RequestState.ENDED):
        settled = _sample_request(state)
        yield f"permission-{state.value}", permission.status_card(strings, lang, settled, school=school,
                                                                  approver="Mrs Siân Roberts", today=today)
        yield f"permission-{state.value}-headteacher", permission.approver_card(strings, lang, settled, school=school,
                                                                                today=today)
    yield "permission-decision", permission.decision_card(strings, lang, _sample_request(RequestState.APPROVED),
                                                          school=school)
    late = _sample_request(RequestState.APPROVED, decided_at=SAMPLE_LATE_APPROVAL)
    yield "permission-decision-approved-late", permission.decision_card(strings, lang, late, school=school)
    # An approval ended early: by the headteacher (the member of staff is told why, and any other who decides it is
    # told), or by the member of staff who asked (whoever decides it is told); and End pressed where there is nothing
    # to end.
    yield "permission-decision-ended", permission.decision_card(strings, lang, _sample_request(RequestState.ENDED),
                                                                school=school)
    yield "permission-ended-by-requester", permission.ended_by_requester_card(
        strings, lang, _sample_request(RequestState.ENDED, ended_by_requester=True), school=school)
    yield "permission-ended-by-decider", permission.ended_by_decider_card(
        strings, lang, _sample_request(RequestState.ENDED), school=school)
    # What the headteacher missed while her named delegate decided for her ("what did I miss?"): since she last asked,
    # and the first time, this term.
    missed = [(replace(_sample_request(RequestState.DECLINED), request_id="P-9WQ4RT"), school),
              (_sample_request(RequestState.APPROVED), school)]
    yield "permission-missed", permission.missed_card(strings, lang, missed, since=SAMPLE_TIME, first_look=False)
    yield "permission-missed-this-term", permission.missed_card(strings, lang, missed[1:], since=SAMPLE_TIME,
                                                                first_look=True)
    # "What has been decided?": everything decided this term, hers too; and none yet.
    yield "permission-decided-this-term", permission.missed_card(strings, lang, missed, since=SAMPLE_TIME,
                                                                 first_look=True, by_anyone=True)
    yield "permission-decided-none", permission.missed_card(strings, lang, [], since=SAMPLE_TIME, first_look=True,
                                                            by_anyone=True)
    yield "permission-ended-by-requester-status", permission.status_card(
        strings, lang, _sample_request(RequestState.ENDED, ended_by_requester=True), school=school,
        approver="Mrs Siân Roberts", today=today)
    yield "permission-end-not-in-force", permission.end_refused_card(strings, lang, pending)
    yield "permission-end-run-out", permission.end_refused_card(
        strings, lang, replace(_sample_request(RequestState.APPROVED), end=SAMPLE_ENDED))
    yield "permission-not-yours-to-end", common.error_card(strings, lang, "perm.not_yours_to_end")
    # More added to a waiting request: the form offers "Send in place of …"; the head's card of the one sent in its
    # place says what it replaced and what changed, and that another platform's request for the same purpose waits;
    # her status card says what it replaced, and the old one's (and the head's card of it, a tap from the new one) which
    # was sent in its place.
    yield "permission-form-asked-already-changed", permission.form_card(
        strings, lang, schools=schools, today=today, values={"school": "high", "purpose": "Year 9 trip page."},
        notice=strings.text("perm.asked_already_waiting_changed", lang, id=pending.request_id,
                            when=answer.when(SAMPLE_TIME)), form="F-galleryFormTok01", replaces=pending.request_id)
    # A request waiting a school week: whoever decides it is reminded (at a school with no delegate, that IT can name
    # one), and the member of staff told it still waits.
    yield "permission-waiting-reminder", permission.waiting_reminder_card(
        strings, lang, pending, since=answer.when(SAMPLE_TIME), school=school, delegate_named=False)
    yield "permission-still-waiting", permission.still_waiting_card(
        strings, lang, pending, since=answer.when(SAMPLE_TIME), deciders=["Mrs Siân Roberts", "Mr Gareth Hughes"])
    # Still waiting two school weeks on: the second and last reminder, and she is told so.
    yield "permission-waiting-reminder-last", permission.waiting_reminder_card(
        strings, lang, pending, since=answer.when(SAMPLE_TIME), school=school, delegate_named=True, last=True)
    yield "permission-still-waiting-last", permission.still_waiting_card(
        strings, lang, pending, since=answer.when(SAMPLE_TIME), deciders=["Mrs Siân Roberts"], last=True)
    # A platform typed under "Other" that the policy does not name (Google Classroom, email, Seesaw): she is told so
    # before it goes, and its Send (with `anyway`) sends it to the headteacher all the same.
    yield "permission-form-not-named-by-policy", permission.form_card(
        strings, lang, schools=schools, today=today,
        values={"school": "high", "platform": "other", "platform_other": "Google Classroom"},
        notice=strings.text("perm.not_named_by_policy", lang, platform="Google Classroom"), form="F-galleryFormTok02",
        anyway=True)
    in_place = replace(pending, request_id="P-8WPL4C", pupil_content=("photos", "work"),
                       audiences=("parents", "pupils"), replaces=pending.request_id,
                       changed=("audience", "pupil_content"), alongside=("P-2FBK9D",))
    yield "permission-for-headteacher-in-place", permission.approver_card(strings, lang, in_place, school=school,
                                                                          today=today)
    # Asked again after a decline: the head sees which request she declined, and what changed since.
    yield "permission-for-headteacher-after-decline", permission.approver_card(
        strings, lang, replace(in_place, replaces="", alongside=(), declined_before="P-2DCL7Q",
                               changed=("pupil_content",)), school=school, today=today)
    # More asked of an account approved already: the head sees which approval it widens, and what it asks beyond it.
    yield "permission-for-headteacher-more-than-approved", permission.approver_card(
        strings, lang, replace(in_place, replaces="", alongside=(), approved_before="P-2APR7Q",
                               changed=("pupil_content", "consent")), school=school, today=today)
    yield "permission-pending-in-place", permission.status_card(strings, lang, in_place, school=school,
                                                                approver="Mrs Siân Roberts", today=today)
    yield "permission-for-headteacher-withdrawn-in-place", permission.approver_card(
        strings, lang, replace(_sample_request(RequestState.WITHDRAWN), replaced_by=in_place.request_id), school=school,
        today=today)
    yield "permission-withdrawn-in-place", permission.status_card(
        strings, lang, replace(_sample_request(RequestState.WITHDRAWN), replaced_by=in_place.request_id),
        school=school, approver="Mrs Siân Roberts", today=today)
    blog = replace(pending, request_id="P-9RT4MB", requester=Person("tenant", "a2", "Owain Pritchard"),
                   platform="blog", account_kind="existing", existing_account=SAMPLE_BLOG,
                   audiences=("parents", "pupils", "public"), pupil_content=("none",), consent="", moderation="daily")
    yield "permission-for-headteacher-existing-blog", permission.approver_card(strings, lang, blog, school=school,
                                                                               today=today)
    # A person's requests each have their own reference, as their buttons on the list are named for it.
    rows = [(pending, school), *((replace(_sample_request(state), request_id=f"P-{code}"), school) for state, code in (
        (RequestState.APPROVED, "2HW8RC"), (RequestState.DECLINED, "5TQ6LN"), (RequestState.WITHDRAWN, "8MV3JF"),
        (RequestState.ENDED, "6DN4EK")))]
    yield "my-requests", permission.my_requests_card(strings, lang, rows, today=today)
    yield "my-requests-how-to-change", permission.my_requests_card(strings, lang, rows[:2], how_to_change=True,
                                                                   today=today)
    all_mine = [(replace(request, request_id=f"P-{n:06d}"), school) for n, (request, _) in enumerate(rows * 9)]
    yield "my-requests-many", permission.my_requests_card(strings, lang, all_mine, today=today)
    yield "my-requests-empty", permission.my_requests_card(strings, lang, [], today=today)
    yield "pending-requests", permission.pending_card(strings, lang, [(pending, school), (blog, school)], today=today)
    # Decline pressed on the list with the reason box empty: the list again, saying so at that request's box.
    yield "pending-requests-error", permission.pending_card(strings, lang, [(pending, school), (blog, school)],
                                                            today=today, errors={pending.request_id:
                                                                                 "perm.reason_required"})
    yield "pending-requests-typed-decision", permission.pending_card(
        strings, lang, [(pending, school)], today=today, notice=strings.text("perm.typed_decision", lang))
    yield "typed-decision-not-decider", common.notice_card(strings.text("perm.typed_decision_not_decider", lang))
    long = replace(pending, request_id="P-4LNG7Z", purpose=SAMPLE_LONG_PURPOSE)
    yield "pending-requests-shortened", permission.pending_card(strings, lang, [(long, school), (blog, school)],
                                                                today=today)
    # A Show more card Teams refreshed once the list had shrunk to three: it begins after the first.
    yield "pending-requests-later", permission.pending_card(
        strings, lang, [(replace(blog, request_id="P-2FRS7T"), school), (pending, school), (blog, school)],
        today=today, start=1)
    many = [(replace(pending, request_id=f"P-{n:06d}", purpose=pending.purpose * 3), school) for n in range(25)]
    yield "pending-requests-many", permission.pending_card(strings, lang, many, today=today)
    yield "pending-requests-empty", permission.pending_card(strings, lang, [], today=today)
    passed = [(ended, school), (pending, school)]
    yield "pending-requests-dates-passed", permission.pending_card(strings, lang, passed, today=SAMPLE_LATE_DAY)
    # The member of staff who asked is no longer on the staff list: said on the list, in full and as a summary.
    yield "pending-requests-left", permission.pending_card(strings, lang, [(pending, school), (blog, school)],
                                                           today=today, left={pending.request_id})
    yield "pending-requests-many-left", permission.pending_card(strings, lang, many[:5], today=today,
                                                                left={many[0][0].request_id})
    yield "pending-requests-many-dates-passed", permission.pending_card(strings, lang, passed + many[:3],
                                                                        today=SAMPLE_LATE_DAY)
    approved = _sample_request(RequestState.APPROVED)
    # As a headteacher sees it: End on each account she decides.
    yield "register", permission.register_card(strings, lang, [(approved, school)], endable={approved.request_id})
    yield "register-approved-late", permission.register_card(strings, lang, [(late, school)])
    many = [(replace(approved, request_id=f"P-7KX3{n:02d}"), school) for n in range(30)]
    every_id = {request.request_id for request, _ in many}
    yield "register-more", permission.register_card(strings, lang, many, endable=every_id)
    # Its Show more: End there answers with the list from where that card began.
    yield "register-later", permission.register_card(strings, lang, many, start=20, endable=every_id)
    # An account whose member of staff has left the staff list, and after one was ended on the list (as the policy
    # owner, who decides none of them, sees it: no End).
    leaver = replace(approved, request_id="P-4LVR8T", requester=Person("tenant", "a9", "Rhys ap Iorwerth"))
    yield "register-left", permission.register_card(strings, lang, [(approved, school), (leaver, school)],
                                                    endable={approved.request_id, leaver.request_id},
                                                    left={leaver.request_id})
    ended = _sample_request(RequestState.ENDED)
    yield "register-after-ending", permission.register_card(
        strings, lang, [(leaver, school)],
        notice=f"{ended.request_id}: {permission.outcome_sentence(strings, lang, ended)}")
    # An old card's Show more, pressed when nothing is left after where it would go on: the list from the top.
    yield "register-shorter", permission.register_card(strings, lang, many[:3],
                                                       notice=strings.text("list.shorter", lang))


def _concerns(strings: Catalogue, lang: Lang) -> Iterator[tuple[str, Card]]:
    gareth = StaffContact("a4", "Gareth Hughes")
    sian = SAMPLE_HEAD
    huw = StaffContact("a6", "Mr Huw Davies")
    carys = Person("tenant", "a1", "Carys Jenkins")
    as_gareth, as_sian = Person("tenant", "a4", "Gareth Hughes"), Person("tenant", "a3", "Mrs Siân Roberts")
    report = ConcernReport(
        reference="C-4QX9TB", reporter=carys,
        what=SAMPLE_REPORT_WHAT,
        since="September [link](https://evil.example)", where="Teams chat", who="A colleague in another department",
        evidence="Screenshots [link](https://evil.example)", wants_meeting=True, urgent=True,
        submitted_at=SAMPLE_TIME, chain=(gareth, sian, huw), route=Route.LINE_MANAGER,
        about=About.SOMEONE_ELSE.value)
    chain_roles = (Role.LINE_MANAGER, Role.HEADTEACHER, Role.CHAIR)
    # Listed by object id (what the form sends), as the flow lists them; their addresses only tell namesakes apart.
    listed = {"a1000000-0000-4000-8000-000000000007": ("Dafydd Evans", "dafydd.evans@llanidloes.example.cymru"),
              "a1000000-0000-4000-8000-000000000004": ("Gareth Hughes", "gareth.hughes@llanidloes.example.cymru"),
              "a1000000-0000-4000-8000-000000000003": ("Mrs Siân Roberts", "sian.roberts@llanidloes.example.cymru")}
    staff = concerns.staff_choices([(name, key) for key, (name, _) in listed.items()],
                                   addresses={key: address for key, (_, address) in listed.items()})
    view = concerns.FormView(tuple(zip((gareth, sian, huw), chain_roles, strict=True)), "F-sample", staff=staff)
    outside_view = concerns.FormView(((sian, Role.HEADTEACHER), (huw, Role.CHAIR)), "F-sample",
                                     ReportKind.NOT_COLLEAGUE)
    yield "concern-form", concerns.form_card(strings, lang, view)
    yield "concern-form-error", concerns.form_card(strings, lang, view,
                                                    errors={"what": strings.text("concern.required", lang)})
    yield "concern-form-rate-limited", concerns.form_card(
        strings, lang, view, values={"what": report.what}, notice=strings.text("concern.rate_limited", lang, count=5,
                                                                           when=answer.when(SAMPLE_LIMIT_ENDS)))
    # Send pressed on a form forwarded to a group chat: the form again, in her own chat, with what she wrote.
    yield "concern-form-sent-in-a-group", concerns.form_card(
        strings, lang, view, values={"what": report.what, "since": report.since},
        notice=strings.text("concern.not_sent_from_a_group", lang))
    # Send pressed on a report whose words may mean the line manager ("Sir", "Garth"; "my line manager" with none
    # known, the head): nothing is sent until she says whether they may, the form again with what she wrote.
    welsh = lang is Lang.CY

    def typed(english: str, cymraeg: str) -> str:
        return f"{cymraeg} anfon negeseuon cas ataf bob nos" if welsh else \
            f"{english} sending me messages late at night"

    yield "concern-form-doubt-unnamed", concerns.form_card(
        strings, lang, view, values={"what": typed("Sir keeps", "Mae Syr yn")},
        asked=concerns.DoubtAsked(gareth, "Syr" if welsh else "Sir", Route.MANAGER_UNNAMED, sian))
    yield "concern-form-doubt-near-name", concerns.form_card(
        strings, lang, view, values={"what": typed("Garth keeps", "Mae Garth yn")},
        asked=concerns.DoubtAsked(gareth, "Garth", Route.MANAGER_NEAR_NAME, sian))
    yield "concern-form-doubt-post", concerns.form_card(
        strings, lang, view, values={"what": typed("The wellbeing lead keeps", "Mae'r arweinydd lles yn")},
        asked=concerns.DoubtAsked(gareth, "arweinydd lles" if welsh else "The wellbeing lead",
                                  Route.MANAGER_POST_UNCLEAR, sian))
    yield "concern-form-doubt-name-shared", concerns.form_card(
        strings, lang, view, values={"what": typed("Gareth keeps", "Mae Gareth yn")},
        asked=concerns.DoubtAsked(gareth, "Gareth", Route.MANAGER_NAME_SHARED, sian))
    # "Gareth and Siân": she said "Gareth" isn't her line manager, and is asked whether "Siân" may be the head.
    yield "concern-form-doubt-head-after-manager", concerns.form_card(
        strings, lang, view, values={"what": typed("Gareth and Siân keep", "Mae Gareth a Siân yn")},
        asked=concerns.DoubtAsked(sian, "Siân", Route.ABOUT_HEAD, huw, head_doubt=Doubt.NAME_SHARED, then=gareth),
        answered=(concerns.doubt_value(concerns.DOUBT_NOT_THEM, gareth, "4b9aa30438488917"),))
    yield "concern-form-doubt-head", concerns.form_card(
        strings, lang, concerns.FormView(((sian, Role.HEADTEACHER), (huw, Role.CHAIR)), "F-sample", staff=staff),
        values={"what": typed("My line manager keeps", "Mae fy rheolwr llinell yn")},
        asked=concerns.DoubtAsked(sian, "fy rheolwr llinell" if welsh else "My line manager",
                                  Route.HEAD_MAY_BE_MANAGER, huw))
    yield "concern-guest", common.error_card(strings, lang, "concern.guest", federation=SAMPLE_FEDERATION.name(lang))
    yield "concern-not-on-staff-list", common.error_card(strings, lang, "concern.not_on_staff_list_form",
                                                         federation=SAMPLE_FEDERATION.name(lang))
    yield "concern-form-outside", concerns.form_card(strings, lang, outside_view)
    yield "concern-not-colleague", concerns.not_colleague_card(strings, lang, guidance=PolicyPlace(
        "communicating-with-public", "communicating-with-public.12"))
    yield "concern-nobody", concerns.nobody_card(strings, lang)
    yield "concern-no-chair", concerns.nobody_card(strings, lang, no_chair=True)
    calendar = SAMPLE_FEDERATION.calendar

    def receipt(shown: ConcernReport, shown_roles: Sequence[Role], **more: Any) -> Card:
        return concerns.receipt_card(strings, lang, shown, shown_roles, passed_up_at=shown.passed_up_at(calendar),
                                     **more)

    yield "concern-receipt", receipt(report, chain_roles)
    yield "concern-receipt-urgent", receipt(replace(report, pace=Pace.URGENT), chain_roles)
    yield "concern-receipt-manager-involved", receipt(
        replace(report, chain=(sian, huw), route=Route.MANAGER_INVOLVED), chain_roles[1:], left_out=[gareth])
    yield "concern-receipt-manager-near-name", receipt(
        replace(report, chain=(sian, huw), route=Route.MANAGER_NEAR_NAME, involved_manager=gareth), chain_roles[1:],
        left_out=[gareth], namings=[Naming(Doubt.NEAR_NAME, "Garth")])
    yield "concern-receipt-manager-post-unclear", receipt(
        replace(report, chain=(sian, huw), route=Route.MANAGER_POST_UNCLEAR, involved_manager=gareth),
        chain_roles[1:], left_out=[gareth], namings=[Naming(Doubt.POST, "the wellbeing lead")])
    yield "concern-receipt-manager-unnamed", receipt(
        replace(report, chain=(sian, huw), route=Route.MANAGER_UNNAMED, involved_manager=gareth), chain_roles[1:],
        left_out=[gareth], namings=[Naming(Doubt.UNNAMED, "Sir")])
    yield "concern-receipt-manager-name-shared", receipt(
        replace(report, chain=(sian, huw), route=Route.MANAGER_NAME_SHARED, involved_manager=gareth), chain_roles[1:],
        left_out=[gareth], namings=[Naming(Doubt.NAME_SHARED, "Gareth")])
    yield "concern-receipt-head-may-be-manager", receipt(
        replace(report, chain=(huw,), route=Route.HEAD_MAY_BE_MANAGER), chain_roles[2:], left_out=[sian],
        namings=[Naming(Doubt.POST, "my line manager")])
    yield "concern-receipt-head-near-name", receipt(replace(report, chain=(gareth, huw)), chain_roles[::2],
                                                    left_out=[sian], namings=[Naming(Doubt.NEAR_NAME, "Robert")])
    yield "concern-receipt-no-manager", receipt(replace(report, chain=(sian, huw), route=Route.NO_MANAGER),
                                                chain_roles[1:])
    yield "concern-receipt-not-opened", receipt(report, chain_roles, holder_has_opened=False)
    yield "concern-receipt-chair-not-opened", receipt(replace(report, chain=(huw,), route=Route.REPORTER_IS_HEAD),
                                                      chain_roles[2:], holder_has_opened=False)
    yield "concern-for-line-manager", concerns.holder_card(strings, lang, report, as_gareth)
    # Written in Welsh, on a Welsh form: the English card says so (and the Welsh card of the English report above).
    yield "concern-for-line-manager-written-in-welsh", concerns.holder_card(
        strings, lang, replace(report, what="Mae cydweithiwr yn anfon negeseuon ataf am fy ngwersi yn hwyr y nos.",
                               lang=Lang.CY), as_gareth)
    # The head has it because it may be about the reporter's line manager ("Sir…", sent higher): her card says so.
    yield "concern-for-headteacher-instead-of-manager", concerns.holder_card(
        strings, lang, replace(report, chain=(sian, huw), route=Route.MANAGER_UNNAMED, involved_manager=gareth),
        as_sian)
    yield "concern-for-chair-about-head", concerns.holder_card(
        strings, lang, replace(report, chain=(huw,), route=Route.ABOUT_HEAD), Person("tenant", "a6", "Mr Huw Davies"))
    yield "concern-reminder", concerns.reminder_card(strings, lang, report, passed_up_at=calendar.add_working_days(
        SAMPLE_TIME, ESCALATE_AFTER))
    yield "concern-reminder-urgent", concerns.reminder_card(
        strings, lang, replace(report, pace=Pace.URGENT),
        passed_up_at=calendar.add_working_days(SAMPLE_TIME, URGENT_ESCALATE_AFTER))
    acknowledged = replace(report, state=ReportState.ACKNOWLEDGED, acknowledged_at=SAMPLE_TIME)
    yield "concern-acknowledged-manager", concerns.holder_card(strings, lang, acknowledged, as_gareth)
    yield "concern-closing", concerns.holder_card(strings, lang, acknowledged, as_gareth, closing=True,
                                                  error=strings.text("concern.outcome_required", lang))
    # An outcome over its box's 500 characters (a client that let it through): nothing changed, the words kept.
    too_long = "Spoke to both; the messages have stopped. " * 13
    yield "concern-closing-too-long", concerns.holder_card(
        strings, lang, acknowledged, as_gareth, closing=True, draft=too_long,
        error=strings.text("concern.too_long_for_box", lang, length=len(too_long), limit=500))
    escalated = acknowledged.escalated(as_gareth, "Second time this term. <at>Head</at>", SAMPLE_TIME)
    yield "concern-escalated", concerns.holder_card(strings, lang, escalated, as_sian)
    yield "concern-escalated-manager", concerns.holder_card(strings, lang, escalated, as_gareth)
    yield "concern-escalation-limited", concerns.holder_card(
        strings, lang, acknowledged, as_gareth, notice=strings.text("concern.escalation_limited", lang, count=10,
                                                                         when=answer.when(SAMPLE_LIMIT_ENDS)))
    yield "concern-escalate-asked", concerns.holder_card(strings, lang, acknowledged, as_gareth, asked=concerns.Asked(
        sian, huw, SAMPLE_ESCALATION_NOTE))
    yield "concern-escalate-asked-last", concerns.holder_card(
        strings, lang, replace(acknowledged, chain=(gareth, huw)), as_gareth,
        asked=concerns.Asked(huw, None, SAMPLE_ESCALATION_NOTE))
    closed = acknowledged.closed(as_gareth, "Spoke to both; the messages have stopped. **Now**", shared=False,
                                 now=SAMPLE_TIME)
    yield "concern-closed", concerns.holder_card(strings, lang, closed, as_gareth)
    outside = replace(report, kind=ReportKind.NOT_COLLEAGUE, chain=(sian, huw), route=Route.NOT_COLLEAGUE, about="")
    yield "concern-for-headteacher-outside", concerns.holder_card(strings, lang, outside, as_sian)
    yield "concern-acknowledged", concerns.acknowledged_card(strings, lang, acknowledged)
    yield "concern-escalated-reporter", concerns.escalated_for_reporter(strings, lang, escalated)
    yield "concern-passed-on-reporter", concerns.passed_on_for_reporter(strings, lang, escalated)
    yield "concern-closed-reporter", concerns.closed_for_reporter(strings, lang, closed)
    shared = escalated.closed(as_sian, "We met and agreed a plan. [link](https://evil.example)", shared=True,
                              now=SAMPLE_TIME)
    yield "concern-closed-reporter-shared", concerns.closed_for_reporter(
        strings, lang, replace(shared, chain=(gareth, sian)))
    reopened = closed.reopened(carys, "It started again on Monday. <b>help</b>", SAMPLE_TIME)
    yield "concern-reopened-headteacher", concerns.holder_card(strings, lang, reopened, as_sian)
    yield "concern-reporter-status", concerns.reporter_card(strings, lang, reopened)
    yield "my-reports", concerns.my_reports_card(strings, lang, [reopened, replace(acknowledged, reference="C-7PD2KW")])
    yield "my-reports-empty", concerns.my_reports_card(strings, lang, [])
    # A line manager who sent none but holds reports sent to him, typing "my reports" for those: it says where they are.
    yield "my-reports-empty-holding", concerns.my_reports_card(strings, lang, [], holding=True)
    yield "my-line-manager", concerns.line_manager_card(strings, lang, manager="Mr Gareth Hughes")
    yield "my-line-manager-from-staff-list", concerns.line_manager_card(strings, lang, manager="Mr Gareth Hughes",
                                                                        from_staff_list=True)
    yield "my-line-manager-unknown", concerns.line_manager_card(strings, lang, goes_to="Mrs Siân Roberts")
    many = [replace(acknowledged, reference=f"C-7PD{n:03d}") for n in range(30)]
    yield "my-reports-many", concerns.my_reports_card(strings, lang, many)
    # A Show more pressed when nothing is left after where it would go on: the list from the top.
    yield "my-reports-shorter", concerns.my_reports_card(strings, lang, many[:3],
                                                         notice=strings.text("list.shorter", lang))
    # The reports Gareth holds: those waiting for him to acknowledge first, then the oldest first; a card ending on one
    # acknowledged, and one ending on one still waiting (their Show more sends both values of `waiting`).
    waiting = [replace(report, reference=f"C-9WT{n:03d}") for n in range(25)]
    done = [replace(acknowledged, reference=f"C-9AK{n:03d}") for n in range(18)]
    yield "held-reports", concerns.held_reports_card(strings, lang, [report, replace(acknowledged,
                                                                                     reference="C-7PD2KW")], as_gareth)
    yield "held-reports-empty", concerns.held_reports_card(strings, lang, [], as_gareth)
    yield "held-reports-acknowledged-by-typing", concerns.held_reports_card(
        strings, lang, [report], as_gareth, notice=strings.text("concern.typed_acknowledge", lang))
    yield "acknowledged-by-typing-not-holder", concerns.held_reports_card(
        strings, lang, [], as_gareth, notice=strings.text("concern.typed_acknowledge_not_holder", lang))
    yield "held-reports-many", concerns.held_reports_card(strings, lang, [*waiting[:12], *done], as_gareth)
    yield "held-reports-many-waiting", concerns.held_reports_card(strings, lang, [*waiting, *done[:5]], as_gareth)
    yield "concern-deleted", concerns.deleted_card(strings, lang, report.reference, 24)
    # To a holder passed over for what the reporter added (it may be about him): only that it is no longer with him.
    yield "concern-moved-on", concerns.moved_on_card(strings, lang, report.reference)
    # A report's button pressed in a group chat or channel (its card forwarded there), by anyone.
    yield "concern-own-chat-only", common.error_card(strings, lang, "concern.own_chat_only")


# The policy check's findings are written in English (the preview says so in Welsh), like the policy's own words.
SAMPLE_CHECK_PROBLEMS = (Note("import.problem.in_section", {
    "n": 3, "heading": ', "Using social networking for communicating with the public (including pupils)"',
    "passage": Note("import.where.passage_of", {"n": 1}), "field": "",
    "what": Note("import.problem.passage_too_long", {"length": 612, "limit": 600})}),)
SAMPLE_CHECK_NOTES = (Note("import.note.heading_no_welsh", {"count": 1, "total": 8}),)
SAMPLE_CHANGES = PolicyChanges(previous="1", sections=(
    SectionChange("changed", "using-social-networking-personal-use", "Using social networking for personal use",
                  "Defnyddio rhwydweithio cymdeithasol at ddefnydd personol", reworded=1, added=1),
    SectionChange("changed", "school-accounts", "School accounts", "", was_en="Llanidloes High School's social media "
                  "activity", reworded=2, was_cy="Ysgol Uwchradd Llanidloes: cyfryngau cymdeithasol"),
    SectionChange("added", "generative-ai-tools", "Generative AI tools [click](https://evil.example)", "", added=2),
    SectionChange("removed", "mobile-devices", "Use of personal mobile devices at work",
                  "Dyfeisiau symudol personol yn y gwaith", removed=1),
))


def _policy_versions(policy: Policy) -> GalleryPart:
    return lambda strings, lang: _policy_version_cards(strings, lang, policy)


def _policy_version_cards(strings: Catalogue, lang: Lang, policy: Policy) -> Iterator[tuple[str, Card]]:
    new = replace(policy.details, version="2", date_of_issue=date(2026, 9, 1),
                  next_review=Detail("Autumn 2028", "Tymor yr Hydref 2028"))
    high, primary = SAMPLE_FEDERATION.schools
    asked = Audience(53, ((high, 41), (primary, 12)), unreachable=3)
    again = Audience(7, ((high, 5), (primary, 2)))  # made current again: those who have not confirmed it

    def preview(changes: PolicyChanges = SAMPLE_CHANGES, problems: tuple[str, ...] = (),
                refusal: tuple[str, dict[str, str]] | None = None, current: str = "1",
                reinstate: bool = False) -> Card:
        return publishing.preview_card(
            strings, lang, draft_id="D-0123456789abcdef", file_name=SAMPLE_FILE_NAME,
            details=new, current_version=current, sections=8, passages=43, changes=changes, problems=problems,
            notes=[note_text(strings, note, lang) for note in SAMPLE_CHECK_NOTES], refusal=refusal,
            audience=again if reinstate else asked, reinstate=reinstate)

    # Who Publish asks, school by school, before anything goes.
    yield "publish-preview", preview()
    # Version 2 sent again after a rollback to version 1: made current again, those who have not confirmed it asked
    # to read it again.
    yield "publish-preview-reinstated", preview(reinstate=True)
    # Publish pressed on a preview made before the staff list grew: nothing published, who it would ask now.
    yield "publish-audience-changed", publishing.audience_changed_card(
        strings, lang, draft_id="D-0123456789abcdef", version="2", audience=asked, was=5, replaces="1")
    # Version 2 sent while version 3 is current: compared with version 3, and refused.
    yield "publish-preview-refused", preview(replace(SAMPLE_CHANGES, previous="3"), current="3",
                                             refusal=("publish.older", {"version": "2", "current": "3"}))
    problems = tuple(note_text(strings, problem, lang) for problem in SAMPLE_CHECK_PROBLEMS)
    yield "publish-preview-problems", preview(PolicyChanges(), problems=problems)
    # What the policy owner is sent when a document fails the check (the flow shows no preview of it).
    yield "publish-check-failed", common.error_card(strings, lang, "publish.import_refused",
                                                    reason="; ".join(problems))
    yield "publish-done", publishing.published_card(strings, lang, version="2", asked=41, reinstated=False,
                                                    previous="1")
    # Withdraw pressed on it (it asked first): the version it replaced is current again.
    yield "publish-withdrawn", publishing.withdrawn_card(strings, lang, version="3", previous="2", asked_again=True)
    yield "publish-withdrawn-all-read", publishing.withdrawn_card(strings, lang, version="3", previous="2",
                                                                 asked_again=False, all_read=True)
    yield "publish-withdrawn-installed", publishing.withdrawn_card(strings, lang, version="2", previous="1",
                                                                  asked_again=False)
    yield "publish-withdraw-not-in-force", common.error_card(strings, lang, "publish.withdraw_not_in_force",
                                                             version="2", current="3")
    # Withdraw pressed again (on her phone too): Teams shows the last answer in the card's place.
    yield "publish-withdrawn-already", common.error_card(strings, lang, "publish.withdrawn_already", version="3",
                                                         current="2")
    # Withdraw pressed on version 3's first card ("go back to version 2?") after it was sent again in place of 1.
    yield "publish-withdraw-goes-elsewhere", common.error_card(strings, lang, "publish.withdraw_goes_elsewhere",
                                                               version="3", said="2", back="1")
    yield "publish-not-owner-withdraw", common.error_card(strings, lang, "publish.not_owner_withdraw",
                                                          owner="Mrs Siân Roberts")
    yield "publish-done-unreachable", publishing.published_card(strings, lang, version="2", asked=38,
                                                                reinstated=False, unreachable=3)
    yield "publish-done-no-staff", publishing.published_card(strings, lang, version="2", asked=None, reinstated=False)
    yield "publish-done-reinstated", publishing.published_card(strings, lang, version="2", asked=7, reinstated=True,
                                                               by_school=again.schools, previous="1")
    yield "publish-done-later", publishing.published_card(strings, lang, version="2", asked=None, reinstated=False,
                                                          cards_later=True)
    yield "publish-not-owner-typed", common.error_card(strings, lang, "publish.not_owner_typed",
                                                       owner="Mrs Siân Roberts")
    # Publish or Cancel pressed by anyone else (a preview left in a former policy owner's chat).
    yield "publish-not-owner-click", common.error_card(strings, lang, "publish.not_owner_click",
                                                       owner="Mrs Siân Roberts")
    yield "read-request", publishing.read_request_card(strings, lang, details=new, changes=SAMPLE_CHANGES)
    # A correction of the details alone (2.1 gives the next review otherwise): which, and why staff confirm again.
    yield "read-request-details-only", publishing.read_request_card(
        strings, lang, details=replace(new, version="2.1"), changes=PolicyChanges(previous="2", details=(
            DetailChange("next_review", "Autumn 2028", "Summer 2027", "Tymor yr Hydref 2028", "Tymor yr Haf 2027"),)))
    # The same to someone who never confirmed version 2 (behind): the details, without "so the rules are the same".
    yield "read-request-details-only-behind", publishing.read_request_card(
        strings, lang, details=replace(new, version="2.1"), behind="2", changes=PolicyChanges(previous="2", details=(
            DetailChange("next_review", "Autumn 2028", "Summer 2027", "Tymor yr Hydref 2028", "Tymor yr Haf 2027"),)))
    # "I have read it" clicked on version 1's card once version 2 is in force.
    yield "read-request-superseded", publishing.read_request_card(strings, lang, details=new, changes=SAMPLE_CHANGES,
                                                                  superseded="1", recorded_nothing=True)
    # "I have read it" typed, not pressed: the card again, saying the button records it.
    yield "read-request-typed", publishing.read_request_card(strings, lang, details=new, changes=SAMPLE_CHANGES,
                                                             typed=True)
    yield "read-superseded-not-asked", common.error_card(strings, lang, "reads.superseded_not_asked", version="2",
                                                         current="1")
    # Pressed again on version 2's card, confirmed before it was withdrawn: that confirmation stays on record.
    yield "read-superseded-confirmed-not-asked", common.notice_card(strings.text(
        "reads.superseded_confirmed_not_asked", lang, version="2", current="1", when=answer.when(SAMPLE_TIME)))
    yield "read-request-superseded-kept", publishing.read_request_card(strings, lang, details=new,
                                                                       changes=SAMPLE_CHANGES, superseded="3",
                                                                       recorded_nothing=True, kept=SAMPLE_TIME)
    yield "read-not-asked", common.error_card(strings, lang, "reads.not_asked", version="1")
    # I have read it pressed by someone who is not on the staff list (a pupil in the Hwb tenant): nothing kept.
    yield "read-not-on-staff-list", common.error_card(strings, lang, "reads.not_on_staff_list",
                                                      federation=SAMPLE_FEDERATION.name(lang))
    yield "read-reminder", publishing.read_request_card(strings, lang, details=new, changes=SAMPLE_CHANGES,
                                                        reminder=True)
    # To a new starter, asked on a later day than the version was published: the policy in force, not what is new.
    yield "read-request-late", publishing.read_request_card(strings, lang, details=new, changes=SAMPLE_CHANGES,
                                                            late=True)
    yield "read-reminder-late", publishing.read_request_card(strings, lang, details=new, changes=SAMPLE_CHANGES,
                                                             reminder=True, late=True)
    yield "read-confirmed", publishing.read_confirmed_card(strings, lang, version="2", at=SAMPLE_TIME, already=False)
    yield "read-already-confirmed", publishing.read_confirmed_card(strings, lang, version="2", at=SAMPLE_TIME,
                                                                   already=True)
    yield "read-replaced-confirmed", publishing.read_confirmed_card(strings, lang, version="3", at=SAMPLE_TIME,
                                                                    already=True, replaced="2")
    yield "read-summary", publishing.read_summary_card(strings, lang, version="2", schools=[
        SchoolReads(high, 34, 41, ("Gareth Hughes", "Rhys ap Iorwerth <at>Head</at>"), ("Rhys ap Iorwerth",)),
        SchoolReads(primary, 12, 12, ())])
    # Send the reminder pressed on that card: who was reminded, and who was not because they were reminded today.
    yield "read-reminded", publishing.reminded_card(strings, lang, version="2", reminded=[(high, 7), (primary, 0)],
                                                    already=2, asked_today=1)
    yield "read-reminded-none", publishing.reminded_card(strings, lang, version="2",
                                                         reminded=[(high, 0), (primary, 0)], already=7)
    yield "read-remind-not-in-force", common.error_card(strings, lang, "reads.remind_not_in_force", version="2",
                                                        current="3")
    # "who has read it" after rolling back to the version the bot was installed with (nobody is asked to read it).
    yield "read-summary-not-asked", publishing.not_asked_summary_card(strings, lang, version="1", latest="2")
    yield "read-summary-no-staff", publishing.read_summary_card(strings, lang, version="2", schools=[
        SchoolReads(high, 0, 0, ()), SchoolReads(primary, 0, 0, ())], no_staff=True)
    # "who has read it" before any version was published since install: the state, plainly.
    yield "read-summary-nothing-published", common.notice_card(strings.text("reads.no_version", lang))
    # A school of hundreds: the first names, how many more, and Show more; then the card Show more opens.
    many = read_summary([high, primary], [StaffMember(f"Aelod Staff {n:03d}", f"aelod{n:03d}@example.cymru",
                                                      ("high", "primary")[n % 2], "", "", f"oid-{n}")
                                          for n in range(600)], [])
    yield "read-summary-long", publishing.read_summary_card(strings, lang, version="2", schools=many)
    yield "read-not-yet-more", publishing.read_not_yet_card(strings, lang, version="2", schools=many, start=300)
    # One name more than the card holds: said of one ("… un arall heb ei ddangos yma").
    yield "read-summary-one-more", publishing.read_summary_card(strings, lang, version="2", schools=read_summary(
        [high], [StaffMember(f"Aelod Staff {n:03d}", f"aelod{n:03d}@example.cymru", "high", "", "", f"oid-{n}")
                 for n in range(148)], []))
    # One school's own list (its button on the card above, "Llanidloes Primary School only"), and its Show more.
    yield "read-summary-one-school", publishing.read_summary_card(strings, lang, version="2", schools=many[1:],
                                                                  one_school="primary")
    yield "read-not-yet-one-school", publishing.read_not_yet_card(strings, lang, version="2", schools=many[1:],
                                                                  start=150, one_school="primary")
    # A version's own "Who has read it" pressed once a later one is in force: those asked to read it, still on the list.
    yield "read-summary-replaced", publishing.read_summary_card(strings, lang, version="2", schools=[
        SchoolReads(high, 38, 40, ("Gareth Hughes", "Rhys ap Iorwerth")), SchoolReads(primary, 12, 12, ())],
        replaced_by=("3", True))
    # The office's list has nobody at one school yet.
    yield "read-summary-school-empty", publishing.read_summary_card(strings, lang, version="2", schools=[
        SchoolReads(high, 34, 41, ("Gareth Hughes",)), SchoolReads(primary, 0, 0, ())])
    yield "whats-new", publishing.whats_new_card(strings, lang, details=new, changes=SAMPLE_CHANGES,
                                                 published=(SAMPLE_TIME, "Mrs Siân Roberts"))
    yield "whats-new-confirmed", publishing.whats_new_card(strings, lang, details=new, changes=SAMPLE_CHANGES,
                                                           published=(SAMPLE_TIME, "Mrs Siân Roberts"),
                                                           confirmed_at=SAMPLE_TIME)
    yield "whats-new-first", publishing.whats_new_card(strings, lang, details=policy.details, changes=None)
    yield "whats-new-installed-again", publishing.whats_new_card(strings, lang, details=policy.details, changes=None,
                                                                 installed_again=True)
    yield "whats-new-by-command", publishing.whats_new_card(strings, lang, details=new, changes=SAMPLE_CHANGES,
                                                            published=(SAMPLE_TIME, BY_COMMAND))
    yield "about-with-changes", answer.about_card(strings, lang, new, overdue=False,
                                                  changes=publishing.changes_elements(strings, lang, SAMPLE_CHANGES),
                                                  published=publishing.published_text(strings, lang, SAMPLE_TIME,
                                                                                      "Mrs Siân Roberts"))


def gallery(strings: Catalogue | None = None, policy: Policy | None = None) -> dict[str, Card]:
    """Every card by name (`<card>.<lang>`); the answer cards quote `policy` (the shipped one by default)."""
    catalogue = strings or load_catalogue()
    cards: dict[str, Card] = {}
    shown = policy or load_policy(DEFAULT_POLICY_FILE)
    for part in (_common, _answers(shown), _permissions, _concerns, _policy_versions(shown)):
        for lang in Lang:
            for name, card in part(catalogue, lang):
                key = f"{name}.{lang.value}"
                if key in cards:
                    raise ValueError(f"two gallery cards are named {key}")
                cards[key] = card
    return cards


def dump(directory: Path, policy: Policy | None = None) -> int:
    """Write each card as `<card>.<lang>.json`; return how many."""
    directory.mkdir(parents=True, exist_ok=True)
    cards = gallery(policy=policy)
    for name, card in cards.items():
        (directory / f"{name}.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
    return len(cards)


def cards_command(argv: list[str]) -> int:
    """`python -m bot cards --dump DIR [--policy FILE]`."""
    parser = argparse.ArgumentParser(prog="python -m bot cards", description="Write every card the bot can send.")
    parser.add_argument("--dump", type=Path, required=True, metavar="DIR", help="the folder to write the cards to")
    add_policy_option(parser)
    args = parser.parse_args(argv)
    try:
        policy = load_policy(readable_policy_file(args.policy))
    except PolicyFileUnreadable as error:
        print(f"cards: {error}", file=sys.stderr)
        return 2
    except PolicyFileError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        if args.dump.exists() and not args.dump.is_dir():
            print(f"cards: {args.dump} is a file: name a folder to write the cards to; nothing was written",
                  file=sys.stderr)
            return 2
        count = dump(args.dump, policy)
    except OSError as error:  # a folder that cannot be made or written
        print(f"cards: cannot write {error.filename or args.dump}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"wrote {count} cards to {args.dump}")
    return 0
