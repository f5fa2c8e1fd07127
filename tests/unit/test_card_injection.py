"""Typed text is inert on every card: markdown, links, mentions and HTML typed by a person never render."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.domain.concerns import ConcernReport, Role, Route
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import PermissionRequest
from cards import common, concerns
from cards.gallery import SAMPLE_QUESTION, gallery
from cards.i18n import load_catalogue
from cards.permission_requests import pending_card

# Each marker appears only in text that a person typed into the bot (the gallery's samples carry them).
MARKERS = ("evil.example", "<at>", "<b>", "**Now**")
CARDS = gallery()
INVISIBLE = "\u061c\u2028\u2029\ufeff\u2060\u00ad\U000e0041\u202e\x07\ue000"
HOSTILE_NAME = f"Carys **Jenkins** [site](https://evil.example) <at>Head</at>{INVISIBLE}"


def _invisible(text: str) -> bool:
    """Controls, format characters (bidi marks, zero-width, soft hyphen, tags), private use, line separators."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Zl", "Zp") and ch not in "\n\t" for ch in text)


def _strings(node: Any, *, formatted_only: bool, where: str = "$") -> Iterator[tuple[str, str]]:
    """Every string in a card; with `formatted_only`, only those a renderer could format (TextBlock text, facts,
    titles, a tick box's title...), skipping TextRuns, inputs' values and labels (the renderer draws a label as a
    TextRun: tests/cards/test_typed_text_drawn.py) and actions' data, which are shown verbatim or not at all."""
    if isinstance(node, dict):
        if formatted_only and node.get("type") == "TextRun":
            return
        for key, value in node.items():
            inert = key == "data" or (key in ("value", "label") and str(node.get("type", "")).startswith("Input."))
            if not (formatted_only and inert):
                yield from _strings(value, formatted_only=formatted_only, where=f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _strings(item, formatted_only=formatted_only, where=f"{where}[{i}]")
    elif isinstance(node, str):
        yield where, node


def test_the_samples_carry_typed_markup_into_cards() -> None:
    shown = [name for name, card in CARDS.items() if any(m in str(card) for m in MARKERS)]

    assert len(shown) >= 20  # the test below would pass vacuously if the samples lost their markers


@pytest.mark.parametrize("name", sorted(CARDS))
def test_typed_text_is_only_ever_an_inert_text_run(name: str) -> None:
    formatted = [(where, text) for where, text in _strings(CARDS[name], formatted_only=True)
                 if any(marker in text for marker in MARKERS)]

    assert formatted == []


def test_control_characters_typed_by_people_never_reach_a_card() -> None:
    leaking = [(name, where) for name, card in CARDS.items()
               for where, text in _strings(card, formatted_only=False) if _invisible(text)]

    assert _invisible(SAMPLE_QUESTION)  # the samples do carry them, so the check below can fail
    assert leaking == []


def _hostile_cards() -> dict[str, dict[str, Any]]:
    """Concern cards and the headteacher's pending list for a person whose Teams display name is hostile."""
    strings, now = load_catalogue(), datetime(2026, 11, 24, tzinfo=UTC)
    reporter = Person("t", "a1", HOSTILE_NAME)
    gareth = StaffContact("a4", f"Gareth{INVISIBLE} Hughes")
    report = ConcernReport(reference="C-4QX9TB", reporter=reporter, what=f"w{INVISIBLE}", since="", where="",
                           who="", evidence="", wants_meeting=False, urgent=False, submitted_at=now,
                           chain=(gareth,), route=Route.LINE_MANAGER)
    holder = Person("t", "a4", "Gareth")
    request = PermissionRequest(
        request_id="P-7KX3QD", requester=reporter, school_id="high", platform="instagram", platform_other="",
        account_kind="new", existing_account="", purpose="Trip", audiences=("parents",), pupil_content=(),
        consent="", moderator="", moderation="daily", start=date(2026, 12, 1), end=None, submitted_at=now)
    closed = report.closed(holder, "done", shared=True, now=now)
    hostile_manager = StaffContact("a4", f"Gareth **Hughes** [site](https://evil.example){INVISIBLE}")
    return {
        "holder": concerns.holder_card(strings, Lang.EN, report, holder),
        # The reporter's name beside the tick box that shares the outcome, and the line manager's on the form's.
        "closing": concerns.holder_card(strings, Lang.CY, report, holder, closing=True),
        "form": concerns.form_card(strings, Lang.EN, concerns.FormView(((hostile_manager, Role.LINE_MANAGER),),
                                                                       "F-1")),
        "reminder": concerns.reminder_card(strings, Lang.EN, report, passed_up_at=now),
        "closed-reporter": concerns.closed_for_reporter(strings, Lang.CY, replace(closed)),
        "acknowledged": concerns.acknowledged_card(strings, Lang.EN, report.acknowledged(holder, now)),
        "pending": pending_card(strings, Lang.EN, [(request, "Llanidloes High School")], today=date(2026, 11, 24)),
        "welcome": common.welcome_card(strings, Lang.CY, name=f"[Carys](https://evil.example){INVISIBLE} Jenkins",
                                       federation="Llanidloes Schools Federation"),
    }


@pytest.mark.parametrize(("name", "card"), sorted(_hostile_cards().items()))
def test_display_names_are_cleaned_and_inert(name: str, card: dict[str, Any]) -> None:
    formatted = [text for _, text in _strings(card, formatted_only=True) if any(m in text for m in MARKERS)]
    every = [text for _, text in _strings(card, formatted_only=False)]

    assert any("Carys" in text or "Gareth" in text for text in every)
    assert formatted == []
    assert not any(_invisible(text) for text in every)
