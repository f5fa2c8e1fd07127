"""Times on cards and in the governors' decision export are UK times: staff in Wales read 09:30 for a request sent
at 08:30 UTC in July (BST)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from botbuilder.schema import Activity

from bot.domain.people import Lang
from bot.domain.permission_requests import PermissionRequest, RequestState
from bot.domain.uk_time import clocks_differ_from_uk, uk_today
from bot.edge.teams import _time_zone
from bot.export import decisions_csv, uk_time
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


# Sunday 25 October 2026: the clocks go back at 02:00 BST, so 01:00-01:59 comes twice, first in BST, then in GMT.
FIRST_HALF_PAST_ONE = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
SECOND_HALF_PAST_ONE = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_in_the_hour_the_clocks_go_back_a_time_says_which_of_the_two_it_is() -> None:
    """Two moments an hour apart both read "25/10/2026 01:30": a card or an export could not say which came first."""
    assert when(FIRST_HALF_PAST_ONE) == "25/10/2026 01:30 BST"
    assert when(SECOND_HALF_PAST_ONE) == "25/10/2026 01:30 GMT"
    assert uk_time(FIRST_HALF_PAST_ONE) == "2026-10-25 01:30 BST"
    assert uk_time(SECOND_HALF_PAST_ONE) == "2026-10-25 01:30 GMT"


def test_a_time_that_happens_once_carries_no_zone() -> None:
    """Every other time of the year is one moment: no label, as before (nor in the hour the clocks go forward)."""
    for moment, shown in ((datetime(2026, 10, 24, 23, 59, tzinfo=UTC), "25/10/2026 00:59"),
                          (datetime(2026, 10, 25, 2, 0, tzinfo=UTC), "25/10/2026 02:00"),
                          (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29/03/2026 00:59"),
                          (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29/03/2026 02:00"),
                          (JULY_MORNING, "15/07/2026 09:30"), (JANUARY_MORNING, "15/01/2026 08:30")):
        assert when(moment) == shown


def test_a_request_sent_and_decided_in_the_repeated_hour_reads_in_order_on_both_languages_cards() -> None:
    request = replace(_sample_request(RequestState.APPROVED), submitted_at=FIRST_HALF_PAST_ONE,
                      decided_at=SECOND_HALF_PAST_ONE)

    for lang in Lang:
        shown = json.dumps(permission.decision_card(load_catalogue(), lang, request, school="Llanidloes High School"),
                           ensure_ascii=False)
        assert "25/10/2026 01:30 BST" in shown and "25/10/2026 01:30 GMT" in shown


@pytest.mark.parametrize(("zone", "moment", "differ"), [
    ("Europe/Madrid", datetime(2026, 12, 10, 8, 0, tzinfo=UTC), True),  # 09:00 in Madrid
    ("America/New_York", datetime(2026, 7, 10, 7, 0, tzinfo=UTC), True),
    ("Europe/London", datetime(2026, 7, 10, 7, 0, tzinfo=UTC), False),
    ("Europe/Lisbon", datetime(2026, 7, 10, 7, 0, tzinfo=UTC), False),  # Lisbon's clocks are UK clocks
    ("Africa/Accra", datetime(2026, 12, 10, 8, 0, tzinfo=UTC), False),  # GMT all year: the same hour in winter...
    ("Africa/Accra", datetime(2026, 7, 10, 7, 0, tzinfo=UTC), True),  # ... not in summer (BST)
    ("", datetime(2026, 12, 10, 8, 0, tzinfo=UTC), False),  # not told
    ("Not/AZone", datetime(2026, 12, 10, 8, 0, tzinfo=UTC), False),
])
def test_a_time_on_uk_clocks_says_uk_time_only_to_a_reader_whose_clocks_show_another_hour(
        zone: str, moment: datetime, differ: bool) -> None:
    assert clocks_differ_from_uk(zone, moment) is differ


def test_the_edge_reads_the_readers_time_zone_from_teams_client_info() -> None:
    """Teams sends the time zone of the person's client in the activity's clientInfo entity (`localTimezone`)."""
    activity = Activity().deserialize({"type": "message", "entities": [
        {"type": "mention", "text": "<at>bot</at>"},
        {"type": "clientInfo", "locale": "en-GB", "country": "ES", "platform": "Android",
         "timezone": "Europe/Madrid", "localTimezone": "Europe/Madrid"}]})
    assert _time_zone(activity) == "Europe/Madrid"
    assert _time_zone(Activity().deserialize({"type": "message"})) == ""
