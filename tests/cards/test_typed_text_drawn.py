"""Typed words are drawn as typed by the official renderer: its date and time functions, which it reads in a TextRun
as in a TextBlock, stay words. Before, "{{DATE(2026-01-01T00:00:00Z, LONG)}}" in a report was drawn on the line
manager's card as "Thursday, January 1, 2026", and "{{TIME(...)}}" as a time in his own clock's format."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page

from bot.domain.concerns import ConcernReport, Route
from bot.domain.people import Lang, Person, StaffContact
from cards import answer, concerns
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
