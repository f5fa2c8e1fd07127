"""Per-person rate limits, shared by every instance: a port any flow can use (reports, escalations, ...).

Every limit is a day's (the settings are `*_LIMIT_PER_DAY`): at most so many uses in the 24 hours from a person's
first. So retention can forget every limit's ended days in one pass, whatever limits there are: a limit added later
is forgotten too, not left out of a list (three of the five once were, keeping for ever who used the bot when).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.errors import DomainError
from bot.domain.uk_time import uk_today

log = logging.getLogger(__name__)

# Every limit's window: it starts at a person's first use.
DAY = timedelta(days=1)
# Questions one person may type in the 24 hours from their first (TYPED_QUESTION_LIMIT_PER_DAY's default): far more
# than anyone asks of a policy in a day, few enough that nobody can fill the question log or the head's review list.
TYPED_QUESTION_LIMIT = 100


@dataclass(frozen=True)
class Limit:
    """At most `count` uses of `name` by one person in a day (the `DAY` from their first use)."""

    name: str
    count: int


class RateLimited(DomainError):
    """The person has used up a limit; nothing was counted or changed."""

    def __init__(self, limit: Limit, until: datetime) -> None:
        super().__init__(f"{limit.name}: {limit.count} per day")
        self.limit = limit
        self.until = until


def counted(limit: Limit, started: datetime | None, count: int, now: datetime) -> tuple[datetime, int]:
    """A person's window (its start and uses) after one more use: a window that has ended, or never started, starts
    afresh at `now`; `RateLimited`, counting nothing, when the window's uses are spent."""
    if started is None or now >= started + DAY:
        return now, 1
    if count >= limit.count:
        raise RateLimited(limit, started + DAY)
    return started, count + 1


def counted_already(limit: Limit, started: datetime | None, last_use: str, use: str, now: datetime) -> bool:
    """Whether `use` (what a use is for, e.g. the request a form's Send makes) is the use the window counted last and
    the window still runs: a second press of the same Send, which is the same use and is not counted again."""
    return bool(use) and use == last_use and started is not None and started <= now < started + DAY


def day_is_over(started: datetime | None, now: datetime) -> bool:
    """Whether a window that started at `started` is over by `now`, so what is kept of it may go: its 24 hours have
    ended and so has the UK day it started on (never today's: on the day the clocks go back, 24 hours from 00:30 end
    before midnight). One never started is over."""
    return started is None or (now >= started + DAY and uk_today(started) < uk_today(now))


def given_back(limit: Limit, started: datetime | None, count: int, now: datetime) -> int | None:
    """A window's uses after the use taken at `now` is given back (it made nothing); None when that use is not in the
    window (no window, an ended one, or one started after it) or none is used."""
    if started is None or now < started or now >= started + DAY or count <= 0:
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

    async def forget_ended_days(self, now: datetime) -> None:
        """Delete what is kept of every window, of every limit, that is over by `now` (`day_is_over`): it limits
        nobody any more, and would go on saying who used the bot when (and for what: a report, a request). A window
        still running, or counted again while this runs, is kept. Each row goes on its own, so a fault part-way
        leaves only rows the next pass deletes."""
        ...


async def give_back_unused(limiter: RateLimiter, limit: Limit, who: str, now: datetime) -> None:
    """Give back the use taken at `now` by a press that made nothing (a storage fault, someone else's change first).
    When storage refuses even that, the use stays counted: the person can do fewer that day, never more."""
    try:
        await limiter.give_back(limit, who, now)
    except DomainError as error:
        log.warning("a use of the %s limit was not given back: %s", limit.name, type(error).__name__)


def _block_of(count: int) -> int:
    """The uses one storage write counts for a limit of `count`: its largest divisor no more than a tenth of it (1 for
    a limit under 20, so a small limit is counted exactly)."""
    return max(d for d in range(1, max(1, count // 10) + 1) if count % d == 0)


class CountedInBlocks:
    """A daily limit on something as frequent as a typed question, counted in storage a block of uses at a time (ten
    for a hundred): one storage write per block, not one per use. Each instance holds the block it took; a block
    half used on one instance is lost to the person if the next use lands on another, so across instances the limit
    may bite up to a block early per instance, never late. Counted in blocks, `limit.count` must be what the person
    is told."""

    # People whose block is held at most; past this, blocks that have run out or ended are forgotten first.
    HELD = 10_000

    def __init__(self, limiter: RateLimiter, limit: Limit) -> None:
        self.limit = limit
        self._limiter = limiter
        self._block = _block_of(limit.count)
        self._blocks = Limit(limit.name, limit.count // self._block)
        self._held: dict[str, tuple[datetime, int]] = {}  # who -> (block ends, uses left in it)

    async def take(self, who: str, now: datetime) -> None:
        """Count one use: from the block this instance holds, else a new block from storage; `RateLimited` (with
        this limit, counting nothing) when the day's blocks are spent."""
        ends, left = self._held.get(who, (now, 0))
        if now < ends and left > 0:
            self._held[who] = (ends, left - 1)
            return
        try:
            await self._limiter.take(self._blocks, who, now)
        except RateLimited as limited:
            raise RateLimited(self.limit, limited.until) from None
        self._hold(who, now)

    def give_back(self, who: str, now: datetime) -> None:
        """Uncount the use just taken (what it was for was not made): back into the block held."""
        ends, left = self._held.get(who, (now, 0))
        if now < ends:
            self._held[who] = (ends, min(left + 1, self._block))

    def _hold(self, who: str, now: datetime) -> None:
        """Hold a new block for `who`, its first use taken."""
        if len(self._held) >= self.HELD:
            self._held = {w: b for w, b in self._held.items() if b[0] > now and b[1] > 0}
            while len(self._held) >= self.HELD:
                self._held.pop(next(iter(self._held)))
        self._held[who] = (now + DAY, self._block - 1)
