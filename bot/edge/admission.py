"""Admission control: a bounded number of turns run at once; the rest wait at the edge, card clicks first.

One event loop serves every turn. Started all at once, a burst of turns shares the loop: each turn's steps wait
behind every other turn's, so every turn is slow, clicks miss Teams' few seconds and nobody is answered sooner.
Admitted a few at a time, each turn runs at nearly full speed and the others wait here, in arrival order, where
the wait is visible. How many is "a few" depends on the machine and on how long storage and Teams take to answer,
so under a fixed ceiling the gate watches the loop (`LoopLag`): while it keeps up, one more turn may run at each
tick; while it runs late, a fifth fewer, down to a floor.

Places are shared between people, not only between turns: a place that frees goes to the person with the fewest turns
running (of those, the one let in longest ago), so one person's burst of clicks (a script, a stuck key) never holds a
colleague back behind it; and one person holds at most `PER_SENDER` turns, running or waiting: the rest are refused at
once, as a turn that waited too long is.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.loop_lag import LoopLag

# Turns that may always run, however late the loop: progress even on a machine whose CPUs are all taken.
FLOOR = 4
# The loop's lateness the gate aims to stay under: each step of a running turn waits about this long at most.
LAG_TARGET_SECONDS = 0.05
# Turns one person may hold at once, running or waiting: more than anyone presses by hand (a double press, two
# devices, Teams refreshing the cards in view), far fewer than a script sends.
PER_SENDER = 16


@dataclass(eq=False)
class _Waiting:
    """A turn waiting for a place, and who sent it."""

    sender: str
    place: asyncio.Future[None]


Waiters = deque[_Waiting]


class Busy(Exception):
    """No place came free for a turn within its longest wait; the turn was not started."""


class TurnGate:
    """At most `limit` turns at once, fewer while the loop runs late; waiting clicks go before waiting messages, and
    a place goes to whoever has the fewest turns running."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._floor = min(FLOOR, limit)
        self._allowed = self._floor
        self._running = 0
        self._clicks: Waiters = deque()
        self._messages: Waiters = deque()
        self._lag: LoopLag | None = None
        self._held: Counter[str] = Counter()  # by sender: turns running or waiting
        self._running_by: Counter[str] = Counter()
        self._let_in = 0  # places given so far, to tell who was let in longest ago
        self._last_let_in: dict[str, int] = {}  # by sender, while they hold a turn

    @property
    def running(self) -> int:
        """Turns running now."""
        return self._running

    @property
    def allowed(self) -> int:
        """Turns that may run at once now (between the floor and the limit, as the loop keeps up or not)."""
        return self._allowed

    @property
    def waiting(self) -> int:
        """Turns waiting for a place now."""
        return sum(1 for queue in (self._clicks, self._messages) for turn in queue if not turn.place.done())

    @asynccontextmanager
    async def admitted(self, *, click: bool, within: float, sender: str = "") -> AsyncIterator[None]:
        """Run the enclosed turn once a place is free; raise `Busy` if none frees within `within` seconds, or at once
        when `sender` (who sent it, as Teams names them) holds `PER_SENDER` turns already."""
        if self._lag is None:
            self._lag = LoopLag.of_running_loop()
            self._lag.on_tick(self._adjust)
        if self._held[sender] >= PER_SENDER:
            raise Busy(f"{PER_SENDER} turns of one sender held already")
        self._held[sender] += 1
        try:
            if self.has_room():
                self._start(sender)
            else:
                await self._wait(self._clicks if click else self._messages, sender, within)
            try:
                yield
            finally:
                self._finish(sender)
        finally:
            self._held[sender] -= 1
            if not self._held[sender]:
                del self._held[sender]
                self._last_let_in.pop(sender, None)

    def has_room(self) -> bool:
        """Whether a turn arriving now would start at once."""
        return self._may_start() and not _waiting(self._clicks) and not _waiting(self._messages)

    def _may_start(self) -> bool:
        return self._running < self._allowed

    def _adjust(self) -> None:
        """At each tick of the loop's clock: allow one more turn if the loop keeps up and turns wait, or a fifth
        fewer if it runs late."""
        if self._lag is not None and self._lag.now() > LAG_TARGET_SECONDS:
            self._allowed = max(self._floor, self._allowed * 4 // 5)
        elif self._running >= self._allowed and (_waiting(self._clicks) or _waiting(self._messages)):
            self._allowed = min(self._limit, self._allowed + 1)
        self._admit_waiting()

    async def _wait(self, queue: Waiters, sender: str, within: float) -> None:
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append(_Waiting(sender, place))
        try:
            async with asyncio.timeout(within):
                await place
        except BaseException as error:
            if place.done() and not place.cancelled():
                self._finish(sender)  # the place was given just as this turn gave up: pass it on
            place.cancel()  # a cancelled turn left in the queue is dropped by `_waiting`
            if isinstance(error, TimeoutError):
                raise Busy(f"no place within {within:g} s") from None
            raise

    def _start(self, sender: str) -> None:
        self._running += 1
        self._running_by[sender] += 1
        self._let_in += 1
        self._last_let_in[sender] = self._let_in

    def _finish(self, sender: str) -> None:
        self._running -= 1
        self._running_by[sender] -= 1
        if not self._running_by[sender]:
            del self._running_by[sender]
        self._admit_waiting()

    def _admit_waiting(self) -> None:
        while self._may_start():
            queue = self._clicks if _waiting(self._clicks) else self._messages
            if not _waiting(queue):
                return
            turn = self._next(queue)
            turn.place.set_result(None)
            self._start(turn.sender)

    def _next(self, queue: Waiters) -> _Waiting:
        """The waiting turn a free place goes to: of whoever has the fewest turns running, and of those who was let in
        longest ago, the one that came first."""
        turn = min((t for t in queue if not t.place.done()),
                   key=lambda t: (self._running_by[t.sender], self._last_let_in.get(t.sender, 0)))
        queue.remove(turn)
        return turn


def _waiting(queue: Waiters) -> bool:
    """Whether a turn still waits in the queue (those that gave up are dropped from its front)."""
    while queue and queue[0].place.done():
        queue.popleft()
    return bool(queue)
