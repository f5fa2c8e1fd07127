"""What the people who hold a report read on its card: written for the one reading it, in the report's state, with
what is urgent first, and rows of buttons Teams can show whole (it never wraps a row: microsoft/AdaptiveCards#6880)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.concerns import About, ConcernReport, Note, NoteKind, ReportKind, Route
from bot.domain.people import Lang, Person, StaffContact
from cards import concerns
from cards.common import VERB_CONCERN_FORM
from cards.gallery import gallery
from cards.i18n import load_catalogue
from dialogs.phrases import read_phrases
from tests.support.cards import actions, verb_data

STRINGS = load_catalogue()
SENT = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
CARYS = Person("tenant", "a1", "Carys Jenkins")
GARETH, AS_GARETH = StaffContact("a4", "Gareth Hughes"), Person("tenant", "a4", "Gareth Hughes")
SIAN, AS_SIAN = StaffContact("a3", "Mrs Siân Roberts"), Person("tenant", "a3", "Mrs Siân Roberts")
HUW = StaffContact("a6", "Mr Huw Davies")
WHAT = "A colleague keeps sending me messages about my lessons late at night."
# The request to acknowledge, and the old heading of a report passed on, in each language.
PLEASE_ACKNOWLEDGE = {Lang.EN: "Please acknowledge it", Lang.CY: "Cydnabyddwch yr adroddiad"}
PASSED_ON_TO_YOU = {Lang.EN: "passed on to you", Lang.CY: "wedi'i drosglwyddo i chi"}


def _report(**changes: Any) -> ConcernReport:
    """Carys's report to her line manager Gareth (then the head, then the chair): urgent, and she'd like a meeting."""
    report = ConcernReport(
        reference="C-4QX9TB", reporter=CARYS, what=WHAT, since="September", where="Teams chat", who="",
        evidence="Screenshots saved on my phone", wants_meeting=True, urgent=True, submitted_at=SENT,
        chain=(GARETH, SIAN, HUW), route=Route.LINE_MANAGER, about=About.SOMEONE_ELSE.value)
    return replace(report, **changes)


def _said(card: dict[str, Any]) -> str:
    """The card's body as one string, in the order it reads."""
    return json.dumps(card["body"], ensure_ascii=False)


def _rows(node: Any) -> list[list[dict[str, Any]]]:
    """Every row of buttons on a card: its own actions, and each ActionSet wherever it sits."""
    found: list[list[dict[str, Any]]] = []
    if isinstance(node, dict):
        if node.get("actions") and node.get("type") in {"AdaptiveCard", "ActionSet"}:
            found.append(node["actions"])
        for value in node.values():
            found += _rows(value)
    elif isinstance(node, list):
        for value in node:
            found += _rows(value)
    return found


@pytest.mark.parametrize("lang", list(Lang))
def test_the_manager_who_passed_a_report_on_reads_that_it_left_him_and_has_nothing_to_do(lang: Lang) -> None:
    passed = _report().acknowledged(AS_GARETH, SENT).escalated(AS_GARETH, "Second time this term.", SENT)

    card = concerns.holder_card(STRINGS, lang, passed, AS_GARETH)
    heads_copy = concerns.holder_card(STRINGS, lang, passed, AS_SIAN)

    assert PASSED_ON_TO_YOU[lang] not in _said(card)
    assert PLEASE_ACKNOWLEDGE[lang] not in _said(card)
    assert STRINGS.text("concern.passed_on", lang, holder="Mrs Siân Roberts") in _said(card)
    assert actions(card) == []
    # The headteacher it was passed to still reads it was passed to her, and is asked to acknowledge it.
    assert PASSED_ON_TO_YOU[lang] in _said(heads_copy) and PLEASE_ACKNOWLEDGE[lang] in _said(heads_copy)


@pytest.mark.parametrize("lang", list(Lang))
def test_the_request_to_acknowledge_goes_once_the_report_is_acknowledged_or_closed(lang: Lang) -> None:
    acknowledged = _report().acknowledged(AS_GARETH, SENT)
    closed = acknowledged.closed(AS_GARETH, "Spoke to both; the messages have stopped.", shared=False, now=SENT)
    outside = _report(kind=ReportKind.NOT_COLLEAGUE, chain=(SIAN, HUW), route=Route.NOT_COLLEAGUE, about="")

    assert PLEASE_ACKNOWLEDGE[lang] in _said(concerns.holder_card(STRINGS, lang, _report(), AS_GARETH))
    assert PLEASE_ACKNOWLEDGE[lang] in _said(concerns.holder_card(STRINGS, lang, outside, AS_SIAN))
    assert PLEASE_ACKNOWLEDGE[lang] not in _said(concerns.holder_card(STRINGS, lang, acknowledged, AS_GARETH))
    assert PLEASE_ACKNOWLEDGE[lang] not in _said(concerns.holder_card(STRINGS, lang, closed, AS_GARETH))
    assert PLEASE_ACKNOWLEDGE[lang] not in _said(concerns.holder_card(
        STRINGS, lang, outside.acknowledged(AS_SIAN, SENT), AS_SIAN))


@pytest.mark.parametrize(("lang", "unseen_list"), [(Lang.EN, "not on this list"), (Lang.CY, "nad yw ar y rhestr hon")])
def test_who_it_is_about_reads_right_to_a_manager_who_never_saw_the_forms_list(lang: Lang, unseen_list: str) -> None:
    for about in (About.SOMEONE_ELSE, About.RATHER_NOT_SAY):
        card = concerns.holder_card(STRINGS, lang, _report(about=about.value), AS_GARETH)

        assert unseen_list not in _said(card)
        assert STRINGS.text(f"concern.about.{about.value}", lang) not in _said(card)
        assert STRINGS.text(f"concern.about_shown.{about.value}", lang) in _said(card)


@pytest.mark.parametrize(("lang", "about_her"), [
    (Lang.EN, ("the reporter", "The reporter", "Added by Carys")),
    (Lang.CY, ("sawl a'i anfonodd", "Carys Jenkins a ychwanegodd")),
])
def test_the_reporter_reads_her_own_report_said_to_her_not_about_her(lang: Lang, about_her: tuple[str, ...]) -> None:
    notes = (Note(NoteKind.ADDED, "It happened again on Friday.", 0, SENT),
             Note(NoteKind.NOT_RESOLVED, "The messages started again.", 0, SENT))
    for about in (About.SOMEONE_ELSE, About.RATHER_NOT_SAY):
        report = _report(about=about.value, involves_manager=True, notes=notes)

        said = _said(concerns.reporter_card(STRINGS, lang, report))

        assert "It happened again on Friday." in said and "The messages started again." in said
        assert not [words for words in about_her if words in said]
        # The holder's card of the same report still says whose it is.
        assert any(words in _said(concerns.holder_card(STRINGS, lang, report, AS_GARETH)) for words in about_her)


@pytest.mark.parametrize("lang", list(Lang))
def test_the_holder_reads_that_the_report_waits_for_him_and_the_reporter_reads_his_name(lang: Lang) -> None:
    passed = _report().escalated(AS_GARETH, "", SENT)
    waiting = {Lang.EN: "Waiting for you to acknowledge it", Lang.CY: "Yn aros i chi ei gydnabod"}[lang]

    holders = concerns.holder_card(STRINGS, lang, _report(), AS_GARETH)
    reminder = concerns.reminder_card(STRINGS, lang, _report(), passed_up_at=SENT)
    heads = concerns.holder_card(STRINGS, lang, passed, AS_SIAN)
    reporters = concerns.reporter_card(STRINGS, lang, _report())

    assert waiting in _said(holders) and waiting in _said(reminder) and waiting.lower() in _said(heads).lower()
    assert "Gareth Hughes" not in _said(holders)
    assert STRINGS.text("concern.state.open", lang, name="Gareth Hughes", when="24/11/2026 09:30") in _said(reporters)


@pytest.mark.parametrize("lang", list(Lang))
def test_urgent_and_a_meeting_are_read_before_the_description(lang: Lang) -> None:
    long = _report(what=WHAT * 40, evidence="Screenshots saved on my phone, dated; " * 50)

    for card in (concerns.holder_card(STRINGS, lang, long, AS_GARETH),
                 concerns.reminder_card(STRINGS, lang, long, passed_up_at=SENT)):
        said = _said(card)

        assert said.index(STRINGS.text("concern.flag.urgent", lang)) < said.index(WHAT)
        assert said.index(STRINGS.text("concern.flag.meeting", lang)) < said.index(WHAT)


def _concern_cards() -> dict[str, dict[str, Any]]:
    return {name: card for name, card in gallery().items() if name.startswith(("concern-", "my-reports"))}


def test_no_row_of_buttons_on_a_report_card_holds_more_than_two() -> None:
    crowded = {name: [a["title"] for a in row] for name, card in _concern_cards().items()
               for row in _rows(card) if len(row) > 2}

    assert crowded == {}


@pytest.mark.parametrize("lang", list(Lang))
def test_the_holders_buttons_send_what_they_always_sent_and_the_name_is_in_the_sentence(lang: Lang) -> None:
    card = concerns.reminder_card(STRINGS, lang, _report(), passed_up_at=SENT)

    sent = sorted((a["verb"], a["data"], a.get("associatedInputs", "")) for a in actions(card))
    titles = [a["title"] for a in actions(card)]

    assert sent == [("concern.acknowledge", {"ref": "C-4QX9TB"}, ""), ("concern.close", {"ref": "C-4QX9TB"}, ""),
                    ("concern.escalate", {"ref": "C-4QX9TB"}, "auto")]
    assert not any("Siân" in title for title in titles)
    assert STRINGS.text("concern.escalate_offer", lang, name="Mrs Siân Roberts") in _said(card)
    assert '"id": "note"' in _said(card)


@pytest.mark.parametrize("lang", list(Lang))
def test_someone_with_no_reports_can_report_a_concern_from_the_empty_list(lang: Lang) -> None:
    card = concerns.my_reports_card(STRINGS, lang, [])

    assert verb_data(card, VERB_CONCERN_FORM) == {}
    assert STRINGS.text("button.concern", lang) in [a["title"] for a in actions(card)]


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
def test_the_holders_card_says_how_to_list_every_report_waiting_for_them(lang: Lang) -> None:
    """A line manager reaches a report through the card it came on; the card says what to type for all of them, and
    what it says to type is a phrase the bot takes as that command."""
    said = _said(concerns.holder_card(STRINGS, lang, _report(), AS_GARETH))
    typed = {Lang.EN: "reports for me", Lang.CY: "adroddiadau i mi"}[lang]
    quoted = json.dumps(f'"{typed}"', ensure_ascii=False)[1:-1]  # as it sits in the card's JSON
    assert quoted in said
    assert typed in read_phrases("concern-held-reports.txt")
    passed_on = concerns.holder_card(STRINGS, lang, _report(level=1), AS_GARETH)  # no longer his to act on
    assert quoted not in _said(passed_on)


@pytest.mark.parametrize(("name", "box", "problem"), [
    ("concern-form-error", "what", "concern.required"),
    ("concern-closing", "outcome", "concern.outcome_required"),
    ("concern-closing-too-long", "outcome", "concern.too_long_for_box")])
@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
def test_a_refused_box_is_told_so_once_at_it(name: str, box: str, problem: str, lang: Lang) -> None:
    """The reporter's form sent with nothing in "What has been happening", and the holder's outcome left empty or too
    long: the red line saying so was at the foot of the form, under the last tick box ("urgent", "share the outcome"),
    and a screen reader, which names a box by its label, never said it at the box. Then it was under the box and in
    its label both, seen twice and read twice. It is said once, in the box's label."""
    card = gallery()[f"{name}.{lang.value}"]
    said = STRINGS.text(problem, lang, length=546, limit=500)
    body = card["body"]

    [refused] = [element for element in body if element.get("id") == box]

    assert refused["label"].endswith(f" — {said}")
    assert said not in _said({"body": [element for element in body if element is not refused]})
