"""Times as staff in Wales read them: UK time (GMT in winter, BST in summer), whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# The zone database comes from the system, or from the `tzdata` package where the system has none.
UK = ZoneInfo("Europe/London")


def in_uk(moment: datetime) -> datetime:
    """The same instant on UK clocks; a naive time is taken as UTC (how the records store it)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UK)


def uk_today(now: datetime) -> date:
    """The date on UK calendars at this instant (after midnight BST it is already tomorrow, though not in UTC)."""
    return in_uk(now).date()


def uk_clock(moment: datetime, pattern: str) -> str:
    """A moment as UK clocks showed it, in a strftime `pattern`; in the hour the clocks go back (late October), when
    UK clocks show every time twice, followed by which of the two it was: " BST" (the first), " GMT" (the second).
    Every other time is one moment and carries no zone."""
    local = in_uk(moment)
    shown = local.strftime(pattern)
    twice = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    return f"{shown} {local.tzname()}" if twice else shown
