"""How far behind the event loop runs, so that time the bot was too busy to look is not blamed on storage.

Every turn, storage call and background send shares one event loop. When it is busy (a burst of turns, or a
machine whose CPUs other work is using) every callback runs late: a storage answer that arrived in 10 ms is only
read a second later. A timer that fires every `TICK_SECONDS` measures that lateness as it happens.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable

TICK_SECONDS = 0.02

_WATCHERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopLag] = weakref.WeakKeyDictionary()


class LoopLag:
    """The running loop's lateness: now, and added up since it was first watched."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = weakref.ref(loop)  # the loop holds this watcher's timer; the watcher must not hold the loop
        self._total = 0.0
        self._last = 0.0
        self._due = loop.time() + TICK_SECONDS
        self._listeners: list[Callable[[], None]] = []
        loop.call_at(self._due, self._tick)

    @classmethod
    def of_running_loop(cls) -> LoopLag:
        """The watcher of the running loop, started on first use."""
        loop = asyncio.get_running_loop()
        watcher = _WATCHERS.get(loop)
        if watcher is None:
            watcher = _WATCHERS[loop] = cls(loop)
        return watcher

    def _tick(self) -> None:
        loop = self._loop()
        if loop is None or loop.is_closed():
            return
        now = loop.time()
        self._last = max(0.0, now - self._due)
        self._total += self._last
        self._due = now + TICK_SECONDS
        loop.call_at(self._due, self._tick)
        for listener in self._listeners:
            listener()

    def _overdue(self) -> float:
        loop = self._loop()
        return max(0.0, loop.time() - self._due) if loop is not None else 0.0

    def total(self) -> float:
        """Seconds the loop has run late since it was first watched, counting a tick overdue now."""
        return self._total + self._overdue()

    def now(self) -> float:
        """How late the loop runs now: the last tick's lateness, or more if the next tick is overdue."""
        return max(self._last, self._overdue())

    def on_tick(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every tick (to start work held back while the loop was late)."""
        self._listeners.append(listener)
