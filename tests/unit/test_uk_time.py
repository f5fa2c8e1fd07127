"""Times on cards and in the governors' decision export are UK times: staff in Wales read 09:30 for a request sent
at 08:30 UTC in July (BST)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

from bot.domain.people import Lang
from bot.domain.permission_requests import PermissionRequest, RequestState
from bot.domain.uk_time import uk_today
from bot.export import decisions_csv
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

    shown = json.dumps(permission.approver_card(load_catalogue(), Lang.EN, request, school="Llanidloes High School",
                                              today=date(2026, 7, 15)),
                       ensure_ascii=False)

    assert "15/07/2026 09:30" in shown and "15/07/2026 14:05" in shown
    assert "08:30" not in shown and "13:05" not in shown


def _decided(submitted_at: datetime, decided_at: datetime) -> PermissionRequest:
    return replace(_sample_request(RequestState.APPROVED), request_id="P-MIDNT1", submitted_at=submitted_at,
                   decided_at=decided_at)


def test_a_decision_just_after_midnight_uk_time_is_in_that_days_export() -> None:
    """The head approved at 00:30 on 1 September (BST), as her card said: the autumn term's export has it."""
    request = _decided(datetime(2026, 8, 31, 20, 0, tzinfo=UTC), datetime(2026, 8, 31, 23, 30, tzinfo=UTC))

    autumn = decisions_csv([request], start=date(2026, 9, 1), end=date(2026, 12, 31), school_names={})
    summer = decisions_csv([request], start=date(2026, 7, 20), end=date(2026, 8, 31), school_names={})

    assert [row[0] for row in csv.reader(io.StringIO(autumn))][1:] == ["P-MIDNT1"]
    assert list(csv.reader(io.StringIO(summer)))[1:] == []


def test_the_decisions_export_gives_uk_times_as_the_cards_showed_them_and_says_so() -> None:
    summer = _decided(JULY_MORNING, datetime(2026, 7, 15, 13, 5, tzinfo=UTC))
    winter = _decided(JANUARY_MORNING, datetime(2026, 1, 15, 13, 5, tzinfo=UTC))

    [header, row] = csv.reader(io.StringIO(decisions_csv([summer], start=date(2026, 7, 1), end=date(2026, 7, 31),
                                                         school_names={})))
    [_, winter_row] = csv.reader(io.StringIO(decisions_csv([winter], start=date(2026, 1, 1), end=date(2026, 1, 31),
                                                           school_names={})))

    times = dict(zip(header, row, strict=True))
    assert times["submitted at (UK time)"] == "2026-07-15 09:30" and times["decided at (UK time)"] == "2026-07-15 14:05"
    assert dict(zip(header, winter_row, strict=True))["decided at (UK time)"] == "2026-01-15 13:05"
