"""Times on cards are UK times: staff in Wales read 09:30 for a request sent at 08:30 UTC in July (BST)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from bot.domain.people import Lang
from bot.domain.permission_requests import RequestState
from bot.domain.uk_time import uk_today
from cards import permission_requests as permission
from cards.answer import when
from cards.gallery import _sample_request
from cards.i18n import load_catalogue

JULY_MORNING = datetime(2026, 7, 15, 8, 30, tzinfo=UTC)
JANUARY_MORNING = datetime(2026, 1, 15, 8, 30, tzinfo=UTC)


def test_a_july_time_is_shown_in_british_summer_time() -> None:
    assert when(JULY_MORNING) == "15/07/2026 09:30"


def test_a_january_time_is_shown_in_greenwich_mean_time() -> None:
    assert when(JANUARY_MORNING) == "15/01/2026 08:30"


def test_a_naive_time_is_read_as_utc() -> None:
    assert when(JULY_MORNING.replace(tzinfo=None)) == "15/07/2026 09:30"


def test_after_midnight_bst_it_is_already_the_next_day_in_the_uk() -> None:
    assert uk_today(datetime(2026, 7, 15, 23, 30, tzinfo=UTC)) == date(2026, 7, 16)


def test_the_headteachers_card_shows_a_july_decision_in_uk_time() -> None:
    request = replace(_sample_request(RequestState.APPROVED), submitted_at=JULY_MORNING,
                      decided_at=datetime(2026, 7, 15, 13, 5, tzinfo=UTC))

    shown = json.dumps(permission.approver_card(load_catalogue(), Lang.EN, request, school="Llanidloes High School"),
                       ensure_ascii=False)

    assert "15/07/2026 09:30" in shown and "15/07/2026 14:05" in shown
    assert "08:30" not in shown and "13:05" not in shown
