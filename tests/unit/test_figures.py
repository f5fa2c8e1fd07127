"""The figures for the governors: which term a day is in, and how read and confirm is counted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.directory import StaffMember
from bot.domain.figures import TermName, read_figures, shown_count, term_of
from bot.domain.people import Person
from bot.domain.policy_reads import AskedStaff, Confirmation

AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(("day", "name", "starts"), [
    (date(2026, 9, 1), TermName.AUTUMN, date(2026, 9, 1)), (date(2026, 12, 31), TermName.AUTUMN, date(2026, 9, 1)),
    (date(2027, 1, 4), TermName.SPRING, date(2027, 1, 1)), (date(2027, 3, 28), TermName.SPRING, date(2027, 1, 1)),
    # Easter Sunday 2027 is 28 March: the summer term is counted from Easter Monday.
    (date(2027, 3, 29), TermName.SUMMER, date(2027, 3, 29)), (date(2027, 8, 31), TermName.SUMMER, date(2027, 3, 29))])
def test_each_day_falls_in_one_term(day: date, name: TermName, starts: date) -> None:
    assert (term_of(day).name, term_of(day).starts) == (name, starts)


def _member(name: str, school: str, object_id: str) -> StaffMember:
    return StaffMember(name, f"{name}@example.cymru", school, "teacher", "", object_id)


def test_read_and_confirm_counts_the_staff_on_the_list_at_her_schools_who_were_asked() -> None:
    """Asked: on the list at her school and asked (or who confirmed anyway); a leaver, another school's staff and a
    member with no Entra id (never asked) are not counted."""
    staff = [_member("a", "high", "A1"), _member("b", "high", "b2"), _member("c", "high", "c3"),
             _member("d", "primary", "d4"), _member("e", "high", "")]
    asked = [AskedStaff(f"{x}@example.cymru", x, "high", oid, AT) for x, oid in (("a", "a1"), ("b", "b2"), ("z", "z9"))]
    confirmed = [Confirmation(Person("t", oid), AT) for oid in ("a1", "c3", "d4", "z9")]

    figures = read_figures("2", staff=staff, schools={"high"}, asked=asked, confirmed=confirmed)

    assert (figures.asked, figures.confirmed, figures.still_to_read) == (3, 2, 1)


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (12, 12)])
def test_a_count_of_one_to_four_is_not_shown(count: int, shown: int | None) -> None:
    assert shown_count(count) == shown
