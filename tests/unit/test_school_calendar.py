"""Working days as a school in Wales lives them: Monday to Friday on UK calendars, less the bank holidays of England and
Wales (worked out here, never downloaded) and the school holidays the federation's settings list."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main as bot_main
from bot.domain.federation import FederationConfigError, parse_federation
from bot.domain.school_calendar import SchoolCalendar, SchoolHoliday, SchoolHours, bank_holidays
from bot.domain.uk_time import in_uk
from tests.support.example_federation import besides_the_example

REPO = Path(__file__).resolve().parents[2]
LOCAL = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))

# As GOV.UK publishes them for England and Wales ("UK bank holidays"), the years' moved and extra days included.
PUBLISHED = {
    2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25",
           "2020-12-28"],
    2021: ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27",
           "2021-12-28"],
    2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29",
           "2022-09-19", "2022-12-26", "2022-12-27"],
    2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28",
           "2023-12-25", "2023-12-26"],
    2024: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25",
           "2024-12-26"],
    2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25",
           "2025-12-26"],
    2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25",
           "2026-12-28"],
    2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27",
           "2027-12-28"],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_the_bank_holidays_of_england_and_wales_are_worked_out_as_gov_uk_publishes_them(year: int) -> None:
    assert sorted(day.isoformat() for day in bank_holidays(year)) == PUBLISHED[year]


def test_christmas_and_boxing_day_are_not_working_days_nor_their_substitutes() -> None:
    """Christmas 2026 is a Friday: Boxing Day's holiday is Monday 28th. A report sent on Wednesday 23rd was reminded
    on Christmas Day and passed to the headteacher on the 29th."""
    calendar = SchoolCalendar()
    sent = datetime(2026, 12, 23, 10, 0, tzinfo=UTC)

    assert calendar.add_working_days(sent, 2) == datetime(2026, 12, 29, 10, 0, tzinfo=UTC)
    assert calendar.add_working_days(sent, 4) == datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
    assert calendar.add_working_days(datetime(2026, 12, 31, 10, 0, tzinfo=UTC), 1) == datetime(2027, 1, 4, 10, 0,
                                                                                               tzinfo=UTC)


def test_easter_is_skipped() -> None:
    maundy_thursday = datetime(2027, 3, 25, 9, 0, tzinfo=UTC)  # Good Friday 26 March, Easter Monday 29 March 2027

    assert in_uk(SchoolCalendar().add_working_days(maundy_thursday, 1)).date() == date(2027, 3, 30)


def test_working_days_are_uk_days_so_half_past_midnight_on_a_saturday_in_summer_is_the_weekend() -> None:
    """00:30 BST on Saturday is 23:30 UTC on Friday: counted as Friday, the reminder came a day late."""
    saturday_half_past_midnight = datetime(2026, 10, 9, 23, 30, tzinfo=UTC)

    reminded = SchoolCalendar().add_working_days(saturday_half_past_midnight, 2)

    assert in_uk(reminded) == datetime(2026, 10, 13, 0, 30, tzinfo=in_uk(reminded).tzinfo)  # Tuesday, 00:30 BST


def test_a_working_day_later_is_the_same_time_on_uk_clocks_across_the_clocks_going_back() -> None:
    """Sent at 10:00 BST on the Friday before the clocks go back: two working days on is 10:00 GMT on Tuesday, not
    09:00."""
    friday_ten = datetime(2026, 10, 23, 9, 0, tzinfo=UTC)

    assert SchoolCalendar().add_working_days(friday_ten, 2) == datetime(2026, 10, 27, 10, 0, tzinfo=UTC)


def test_the_school_holidays_are_not_working_days() -> None:
    summer = SchoolCalendar((SchoolHoliday(date(2026, 7, 21), date(2026, 9, 1)),))
    last_day_of_term = datetime(2026, 7, 20, 14, 0, tzinfo=UTC)

    assert not summer.is_working_day(date(2026, 8, 12)) and not summer.is_working_day(date(2026, 8, 31))
    assert summer.is_working_day(date(2026, 7, 20)) and summer.is_working_day(date(2026, 9, 2))
    assert summer.add_working_days(last_day_of_term, 2) == datetime(2026, 9, 3, 14, 0, tzinfo=UTC)


def test_no_working_days_later_is_the_moment_itself() -> None:
    sunday = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

    assert SchoolCalendar().add_working_days(sunday, 0) == sunday


def _federation(holidays: Any) -> dict[str, Any]:
    return {**LOCAL, "school_holidays": holidays}


def test_the_federations_settings_give_the_school_holidays() -> None:
    federation = parse_federation(_federation([
        {"from": "2026-10-26", "to": "2026-10-30", "name": "Half term"},
        {"from": "2026-12-21", "to": "2027-01-01"},
        {"from": "2027-01-04"},  # an INSET day: one day
    ]))

    assert federation.school_holidays == (SchoolHoliday(date(2026, 10, 26), date(2026, 10, 30), "Half term"),
                                          SchoolHoliday(date(2026, 12, 21), date(2027, 1, 1)),
                                          SchoolHoliday(date(2027, 1, 4), date(2027, 1, 4)))
    assert not federation.calendar.is_working_day(date(2027, 1, 4))
    assert federation.calendar.is_working_day(date(2027, 1, 5))


def test_a_federation_without_school_holidays_counts_only_weekends_and_bank_holidays() -> None:
    federation = parse_federation(LOCAL)

    assert federation.school_holidays == ()
    assert federation.calendar.is_working_day(date(2026, 8, 12))
    assert not federation.calendar.is_working_day(date(2026, 8, 31))


@pytest.mark.parametrize(("holidays", "message"), [
    ("summer", "school_holidays: expected a list"),
    (["2026-10-26"], r"school_holidays\[0\]: expected an object with \"from\" and \"to\""),
    ([{"from": "26/10/2026", "to": "30/10/2026"}],
     r"school_holidays\[0\]\.from: '26/10/2026' is not a date written YYYY-MM-DD \(2026-10-26\)"),
    ([{"from": "2026-10-26", "to": "2026-02-30"}],
     r"school_holidays\[0\]\.to: '2026-02-30' is not a date written YYYY-MM-DD \(2026-10-26\)"),
    ([{"to": "2026-10-30"}], r"school_holidays\[0\]\.from: a date written YYYY-MM-DD is required"),
    ([{"from": "2026-10-30", "to": "2026-10-26"}],
     r"school_holidays\[0\]: \"to\" \(2026-10-26\) is before \"from\" \(2026-10-30\)"),
    # The year (or the month) mistyped: every day until then was a day off, so a concern report sent meanwhile was
    # never reminded of nor escalated, and check-federation listed it without a word.
    ([{"from": "2027-02-15", "to": "2028-02-19", "name": "February half term"}],
     r"school_holidays\[0\]: 2027-02-15 to 2028-02-19 is 370 days, longer than any school holiday \(the summer's is "
     r"about six weeks; at most 63 days are taken\): check the year and month of \"from\" and \"to\""),
    ([{"from": "2027-02-15", "to": "2027-04-19"}], r"school_holidays\[0\]: 2027-02-15 to 2027-04-19 is 64 days"),
])
def test_a_mistyped_school_holiday_is_refused_saying_where(holidays: Any, message: str) -> None:
    with pytest.raises(FederationConfigError, match=message):
        parse_federation(_federation(holidays))


def test_check_federation_lists_the_school_holidays_and_warns_when_none_is_still_to_come(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A list of last year's dates would let reminders run through this year's holidays."""
    path = tmp_path / "federation.json"
    old = date.today() - timedelta(days=400)
    path.write_text(json.dumps(_federation([{"from": old.isoformat(), "to": (old + timedelta(days=6)).isoformat()}])),
                    encoding="utf-8")

    code = bot_main(["check-federation", str(path)])

    out, err = capsys.readouterr()
    err = besides_the_example(err)
    assert code == 0 and f"school holidays: 1 listed, {old.isoformat()} to {old + timedelta(days=6)}" in out
    assert err.splitlines() == [
        f"warning: school_holidays: the last one listed ended on {old + timedelta(days=6)}: add the coming school "
        "year's holidays (half terms, Christmas, Easter, summer, INSET days), or concern reminders and escalations "
        "count them as working days"]


def test_a_school_holiday_may_name_the_schools_it_closes_by_id_or_either_name() -> None:
    """An INSET day of one school is not a day off for the other's staff; an entry naming no school closes both, as
    settings written before the field keep meaning."""
    federation = parse_federation(_federation([
        {"from": "2026-12-21", "to": "2027-01-01", "name": "Christmas"},
        {"from": "2027-01-04", "schools": ["Ysgol Gynradd Llanidloes"], "name": "INSET day"},
        {"from": "2027-01-05", "schools": ["high"]},
        {"from": "2027-01-06", "schools": ["llanidloes primary school", "Ysgol Uwchradd Llanidloes"]},
    ]))

    primary, high, both = (federation.calendar_for(schools) for schools in (["primary"], ["high"],
                                                                             ["high", "primary"]))
    assert [h.schools for h in federation.school_holidays] == [(), ("primary",), ("high",), ("primary", "high")]
    assert not primary.is_working_day(date(2027, 1, 4)) and high.is_working_day(date(2027, 1, 4))
    assert primary.is_working_day(date(2027, 1, 5)) and not high.is_working_day(date(2027, 1, 5))
    assert both.is_working_day(date(2027, 1, 4)) and not both.is_working_day(date(2027, 1, 6))
    assert not any(c.is_working_day(date(2026, 12, 23)) for c in (primary, high, both))


@pytest.mark.parametrize(("schools", "message"), [
    (["Ysgol Gynradd"], r"school_holidays\[1\]\.schools\[0\]: 'Ysgol Gynradd' is not a school of the federation: "
                        r"give its id \(high, primary\), English name or Welsh name, as under \"schools\""),
    ("primary", r"school_holidays\[1\]\.schools: expected a list of schools, such as \[\"primary\"\]"),
    ([], r"school_holidays\[1\]\.schools: name at least one school, or leave \"schools\" out for a day every school "
         r"is closed"),
    (["high", 3], r"school_holidays\[1\]\.schools\[1\]: 3 is not a school of the federation"),
])
def test_a_school_holiday_naming_a_school_the_federation_does_not_have_is_refused_saying_where(
        schools: Any, message: str) -> None:
    with pytest.raises(FederationConfigError, match=message):
        parse_federation(_federation([{"from": "2026-10-26", "to": "2026-10-30"},
                                      {"from": "2027-01-04", "schools": schools}]))


def test_check_federation_stops_at_an_unknown_school_and_says_which_holidays_close_one_school(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "federation.json", tmp_path / "mistyped.json"
    coming = date.today() + timedelta(days=30)
    good.write_text(json.dumps(_federation([
        {"from": coming.isoformat(), "to": (coming + timedelta(days=4)).isoformat(), "name": "Half term"},
        {"from": (coming + timedelta(days=7)).isoformat(), "schools": ["primary"], "name": "INSET day"}])),
        encoding="utf-8")
    bad.write_text(json.dumps(_federation([{"from": coming.isoformat(), "schools": ["Ysgol Gynradd"]}])),
                   encoding="utf-8")

    checked = bot_main(["check-federation", str(good)])
    out, err = capsys.readouterr()
    err = besides_the_example(err)
    refused = bot_main(["check-federation", str(bad)])
    _, refusal = capsys.readouterr()

    assert checked == 0 and err == ""
    assert f"  school holidays: 2 listed, {coming} to {coming + timedelta(days=7)}" in out
    assert f"    primary only: {coming + timedelta(days=7)} (INSET day)" in out
    assert refused == 2 and refusal == (
        f"{bad}: school_holidays[0].schools[0]: 'Ysgol Gynradd' is not a school of the federation: give its id (high, "
        'primary), English name or Welsh name, as under "schools"\n')


def test_check_federation_warns_when_one_schools_holidays_have_all_passed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The high school's coming year is listed, the primary's was left at last year's INSET day."""
    path = tmp_path / "federation.json"
    old, coming = date.today() - timedelta(days=400), date.today() + timedelta(days=30)
    path.write_text(json.dumps(_federation([{"from": coming.isoformat(), "schools": ["high"]},
                                            {"from": old.isoformat(), "schools": ["primary"]}])), encoding="utf-8")

    code = bot_main(["check-federation", str(path)])

    _, err = capsys.readouterr()
    err = besides_the_example(err)
    assert code == 0 and err.splitlines() == [
        f"warning: school_holidays: the last one listed for primary (Llanidloes Primary School) ended on {old}: "
        "add the coming school year's holidays (half terms, Christmas, Easter, summer, INSET days), or concern "
        "reminders and escalations count them as working days"]


H = SchoolHours()  # 08:00 to 17:00 UK time, the default


@pytest.mark.parametrize(("due", "goes"), [
    (datetime(2026, 11, 5, 10, 0, tzinfo=UTC), datetime(2026, 11, 5, 10, 0, tzinfo=UTC)),  # Thursday, in hours: then
    (datetime(2026, 11, 5, 6, 30, tzinfo=UTC), datetime(2026, 11, 5, 8, 0, tzinfo=UTC)),  # before them: that morning
    (datetime(2026, 11, 5, 17, 0, tzinfo=UTC), datetime(2026, 11, 6, 8, 0, tzinfo=UTC)),  # from 17:00: next morning
    (datetime(2026, 11, 6, 21, 30, tzinfo=UTC), datetime(2026, 11, 9, 8, 0, tzinfo=UTC)),  # Friday night: Monday
    (datetime(2026, 11, 7, 11, 0, tzinfo=UTC), datetime(2026, 11, 9, 8, 0, tzinfo=UTC)),  # Saturday, in hours: Monday
    (datetime(2026, 12, 24, 21, 0, tzinfo=UTC), datetime(2026, 12, 29, 8, 0, tzinfo=UTC)),  # past Christmas, Boxing Day
    # The clocks go back on Sunday 25 October 2026: Friday 21:30 BST, then Monday 08:00 GMT (08:00 UTC).
    (datetime(2026, 10, 23, 20, 30, tzinfo=UTC), datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
    # They go forward on Sunday 29 March 2026: Friday 21:30 GMT, then Monday 08:00 BST (07:00 UTC).
    (datetime(2026, 3, 27, 21, 30, tzinfo=UTC), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
    (datetime(2026, 3, 30, 7, 30, tzinfo=UTC), datetime(2026, 3, 30, 7, 30, tzinfo=UTC)),  # 08:30 BST: in hours
])
def test_an_automatic_message_goes_in_school_hours_on_a_working_day(due: datetime, goes: datetime) -> None:
    assert SchoolCalendar().in_school_hours(due) == goes
    assert SchoolCalendar().in_school_hours(due.replace(tzinfo=None)) == goes.replace(tzinfo=None)  # as records keep


def test_an_automatic_message_waits_for_the_end_of_a_school_holiday() -> None:
    half_term = SchoolCalendar((SchoolHoliday(date(2026, 10, 26), date(2026, 10, 30)),))

    assert half_term.in_school_hours(datetime(2026, 10, 23, 20, 30, tzinfo=UTC)) == datetime(2026, 11, 2, 8, 0,
                                                                                             tzinfo=UTC)


@pytest.mark.parametrize(("due", "goes"), [
    (datetime(2026, 11, 6, 22, 0, tzinfo=UTC), datetime(2026, 11, 7, 8, 0, tzinfo=UTC)),  # Friday night: Saturday
    (datetime(2026, 11, 7, 11, 0, tzinfo=UTC), datetime(2026, 11, 7, 11, 0, tzinfo=UTC)),  # Saturday in hours: then
    (datetime(2026, 12, 25, 3, 0, tzinfo=UTC), datetime(2026, 12, 25, 8, 0, tzinfo=UTC)),  # Christmas night: morning
])
def test_a_safety_message_waits_one_night_at_most_whatever_the_day(due: datetime, goes: datetime) -> None:
    calendar = SchoolCalendar((SchoolHoliday(date(2026, 12, 21), date(2027, 1, 1)),))

    assert calendar.in_school_hours(due, any_day=True) == goes
    assert goes - due <= timedelta(hours=24) - (datetime.combine(date.min, H.end) - datetime.combine(date.min, H.start))


@pytest.mark.parametrize(("text", "hours"), [("08:00-17:00", SchoolHours()),
                                              (" 08:30 - 16:00 ", SchoolHours(time(8, 30), time(16, 0))),
                                              ("Any", SchoolHours(any_time=True))])
def test_school_hours_are_read_as_two_uk_clock_times(text: str, hours: SchoolHours) -> None:
    assert SchoolHours.parse(text) == hours
    assert SchoolHours.parse(str(hours)) == hours


@pytest.mark.parametrize("due", [datetime(2026, 11, 6, 21, 30, tzinfo=UTC), datetime(2026, 11, 7, 11, 0, tzinfo=UTC),
                                 datetime(2026, 12, 25, 3, 0)])
def test_school_hours_of_any_keep_no_automatic_message_back(due: datetime) -> None:
    """`SCHOOL_HOURS=any`: a federation (or a test on the wall clock) that wants every message sent when it is due."""
    calendar = SchoolCalendar((SchoolHoliday(date(2026, 12, 21), date(2027, 1, 1)),), SchoolHours.parse("any"))

    assert calendar.in_school_hours(due) == due
    assert calendar.in_school_hours(due, any_day=True) == due


@pytest.mark.parametrize("text", ["8 till 5", "17:00-08:00", "08:00-08:00", "08:00", "25:00-26:00"])
def test_school_hours_that_are_not_a_start_before_an_end_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        SchoolHours.parse(text)
