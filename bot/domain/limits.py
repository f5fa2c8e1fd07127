"""Per-person rate limits, shared by every instance: a port any flow can use (reports, escalations, ...)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.errors import DomainError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `count` uses of `name` by one person in any `window` (it starts at their first use)."""

    name: str
    count: int
    window: timedelta = timedelta(days=1)


class RateLimited(DomainError):
    """The person has used up a limit; nothing was counted or changed."""

    def __init__(self, limit: Limit, until: datetime) -> None:
        super().__init__(f"{limit.name}: {limit.count} per {limit.window}")
        self.limit = limit
        self.until = until


def counted(limit: Limit, started: datetime | None, count: int, now: datetime) -> tuple[datetime, int]:
    """A person's window (its start and uses) after one more use: a window that has ended, or never started, starts
    afresh at `now`; `RateLimited`, counting nothing, when the window's uses are spent."""
    if started is None or now >= started + limit.window:
        return now, 1
    if count >= limit.count:
        raise RateLimited(limit, started + limit.window)
    return started, count + 1


def counted_already(limit: Limit, started: datetime | None, last_use: str, use: str, now: datetime) -> bool:
    """Whether `use` (what a use is for, e.g. the request a form's Send makes) is the use the window counted last and
    the window still runs: a second press of the same Send, which is the same use and is not counted again."""
    return bool(use) and use == last_use and started is not None and started <= now < started + limit.window


def has_ended(limit: Limit, started: datetime | None, now: datetime) -> bool:
    """Whether a window that started at `started` has ended by `now` (one never started has)."""
    return started is None or now >= started + limit.window


def given_back(limit: Limit, started: datetime | None, count: int, now: datetime) -> int | None:
    """A window's uses after the use taken at `now` is given back (it made nothing); None when that use is not in the
    window (no window, an ended one, or one started after it) or none is used."""
    if started is None or now < started or now >= started + limit.window or count <= 0:
        return None
    return count - 1


class RateLimiter(Protocol):
    """Port: counts uses per person and limit, in storage every instance shares."""

    async def take(self, limit: Limit, who: str, now: datetime, *, use: str = "") -> None:
        """Count one use by `who` (a stable person key); raise `RateLimited`, counting nothing, when it is used up.
        With `use` (what it is for), one that is the use counted last in the running window is not counted again
        (`counted_already`), even when the window is spent: a second press of the same Send."""
        ...

    async def give_back(self, limit: Limit, who: str, now: datetime) -> None:
        """Uncount the use `who` took at `now` (what it was taken for was not made); nothing happens when its window
        has ended, a later window has started, or it has no use left to give back. The use counted last is forgotten
        with it, so what it was for counts again when it is tried again."""
        ...

    async def forget_ended(self, limit: Limit, now: datetime) -> None:
        """Delete what is kept of every window of `limit` that ended by `now`: it limits nobody any more, and would
        go on saying who used it when (and, for reports, which report). A window still running is kept."""
        ...


async def give_back_unused(limiter: RateLimiter, limit: Limit, who: str, now: datetime) -> None:
    """Give back the use taken at `now` by a press that made nothing (a storage fault, someone else's change first).
    When storage refuses even that, the use stays counted: the person can do fewer that day, never more."""
    try:
        await limiter.give_back(limit, who, now)
    except DomainError as error:
        log.warning("a use of the %s limit was not given back: %s", limit.name, type(error).__name__)
