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


# Zones whose clocks are UK clocks by name (Teams gives the reader's as clientInfo's `localTimezone`).
_UK_ZONES = frozenset({"Europe/London", "GB", "GB-Eire", "Europe/Belfast", "Europe/Guernsey", "Europe/Isle_of_Man",
                       "Europe/Jersey"})


def clocks_differ_from_uk(zone: str, moment: datetime) -> bool:
    """True when a reader in time zone `zone` (an IANA name, as Teams gives it) would not see `moment` at the hour UK
    clocks show it, so a time shown on UK clocks must say it is UK time (a head on a school trip in Spain); False for
    no zone (not told), one the zone database does not know, or one showing UK time then (Lisbon, Dublin)."""
    if not zone or zone in _UK_ZONES:
        return False
    try:
        theirs = ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        return False
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(theirs).utcoffset() != aware.astimezone(UK).utcoffset()


def uk_clock(moment: datetime, pattern: str) -> str:
    """A moment as UK clocks showed it, in a strftime `pattern`; in the hour the clocks go back (late October), when
    UK clocks show every time twice, followed by which of the two it was: " BST" (the first), " GMT" (the second).
    Every other time is one moment and carries no zone."""
    local = in_uk(moment)
    shown = local.strftime(pattern)
    twice = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    return f"{shown} {local.tzname()}" if twice else shown
