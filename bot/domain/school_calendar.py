"""Working days as a school in Wales lives them: Monday to Friday on UK calendars, less the bank holidays of England and
Wales and the school holidays the federation's settings list (half terms, Christmas, Easter, summer, INSET days).

The bank holidays are worked out from their rules (Easter by the Gregorian computus; a New Year's Day, Christmas Day
or Boxing Day on a weekend moves to the next weekday), never downloaded. A bank holiday moved or added by proclamation
cannot be worked out: those since 2020 are listed below, and one proclaimed later is added to the school holidays."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from bot.domain.uk_time import UK, in_uk

# Proclaimed by the Crown for England and Wales: (a rule's day it replaced or None, the day given).
_PROCLAIMED: dict[int, tuple[tuple[date | None, date], ...]] = {
    2020: ((date(2020, 5, 4), date(2020, 5, 8)),),  # early May moved to VE Day's 75th anniversary
    2022: ((date(2022, 5, 30), date(2022, 6, 2)), (None, date(2022, 6, 3)),  # the Platinum Jubilee
           (None, date(2022, 9, 19))),  # the State Funeral of Queen Elizabeth II
    2023: ((None, date(2023, 5, 8)),),  # the Coronation of King Charles III
}


def easter_sunday(year: int) -> date:
    """Easter Day in the Gregorian calendar (the anonymous computus, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    r = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * r) // 433
    month = (h + r - 7 * m + 90) // 25
    return date(year, month, (h + r - 7 * m + 33 * month + 19) % 32)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _weekday_on_or_after(day: date, taken: set[date]) -> date:
    """The day itself on a weekday, else the first weekday after it that no other holiday has taken."""
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays of England and Wales in a year (substitute days included)."""
    easter = easter_sunday(year)
    days = {_weekday_on_or_after(date(year, 1, 1), set()), easter - timedelta(days=2), easter + timedelta(days=1),
            _monday_on_or_after(date(year, 5, 1)), _last_monday(year, 5), _last_monday(year, 8)}
    christmas = _weekday_on_or_after(date(year, 12, 25), set())
    days |= {christmas, _weekday_on_or_after(date(year, 12, 26), {christmas})}
    for replaced, given in _PROCLAIMED.get(year, ()):
        if replaced is not None:
            days.discard(replaced)
        days.add(given)
    return frozenset(days)


@dataclass(frozen=True)
class SchoolHoliday:
    """Days a school is closed, from `first` to `last` inclusive, as the settings name them; `schools` are the ids of
    the schools it closes, none for every school of the federation."""

    first: date
    last: date
    name: str = ""
    schools: tuple[str, ...] = ()

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def closes_all(self, schools: Iterable[str]) -> bool:
        """True when it closes every one of these schools (by id)."""
        return not self.schools or set(schools) <= set(self.schools)


@dataclass(frozen=True)
class SchoolHours:
    """The hours of a working day an automatic message may reach staff, on UK clocks (`SCHOOL_HOURS`); `any_time`:
    none is kept back ("any")."""

    start: time = time(8, 0)
    end: time = time(17, 0)
    any_time: bool = False

    @classmethod
    def parse(cls, text: str) -> SchoolHours:
        """From "08:00-17:00" (24-hour UK clock times, the start before the end) or "any"; `ValueError` when it is
        neither."""
        if text.strip().lower() == "any":
            return cls(any_time=True)
        first, sep, last = text.strip().partition("-")
        if not sep:
            raise ValueError("school hours are two times, as 08:00-17:00, or any")
        hours = cls(time.fromisoformat(first.strip()), time.fromisoformat(last.strip()))
        if hours.start >= hours.end:
            raise ValueError("school hours start before they end, as 08:00-17:00")
        return hours

    def __str__(self) -> str:
        return "any" if self.any_time else f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class SchoolCalendar:
    """Which days are working days, the moment a number of them after another, and when in them an automatic message
    may go."""

    holidays: tuple[SchoolHoliday, ...] = ()
    hours: SchoolHours = SchoolHours()
    # The schools (ids) whose days these are, kept with a message held for them (a retry keeps the same days); none:
    # the federation's.
    schools: tuple[str, ...] = ()

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, not a bank holiday, not in the school holidays."""
        return day.weekday() < 5 and day not in bank_holidays(day.year) and not any(day in h for h in self.holidays)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same time on UK clocks `days` working days after `start`'s UK day (a naive time is UTC, as records keep
        it; the answer is in UTC, naive when `start` was). A working day is never a Sunday, so never the day the
        clocks change: the time always exists, once."""
        if days <= 0:
            return start
        local = in_uk(start)
        day, remaining = local.date(), days
        while remaining:
            day += timedelta(days=1)
            remaining -= self.is_working_day(day)
        moment = datetime.combine(day, local.time(), tzinfo=UK).astimezone(UTC)
        return moment if start.tzinfo is not None else moment.replace(tzinfo=None)

    def in_school_hours(self, moment: datetime, *, any_day: bool = False) -> datetime:
        """When an automatic message due at `moment` goes: then, within school hours on a working day; else at the
        start of the next working day's school hours, on UK clocks (across the clocks changing). `any_day`: the next
        start of school hours whatever the day (a concern passed up is held overnight, never over a weekend or a
        holiday). A naive time is UTC, and so is the answer."""
        if self.hours.any_time:
            return moment
        local = in_uk(moment)
        day = local.date()
        open_day = any_day or self.is_working_day(day)
        if open_day and self.hours.start <= local.time() < self.hours.end:
            return moment
        if not (open_day and local.time() < self.hours.start):
            day += timedelta(days=1)
            while not (any_day or self.is_working_day(day)):
                day += timedelta(days=1)
        start = datetime.combine(day, self.hours.start, tzinfo=UK).astimezone(UTC)
        return start if moment.tzinfo is not None else start.replace(tzinfo=None)
