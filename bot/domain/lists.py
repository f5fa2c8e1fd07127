"""Where a list that a card shows part of goes on (Show more), whatever was added to it or left it in between."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

Listed = TypeVar("Listed")
# Where a record stands on its lists: when it was made, then (two made in one instant) its id, so every read of a list
# gives one order.
Standing = tuple[datetime, str]
# Where a record stands on a list of what someone holds: whether it has stopped waiting for them (so those still
# waiting, False, come first), then its standing.
WaitingStanding = tuple[bool, datetime, str]
Order = TypeVar("Order", Standing, WaitingStanding)


def place_after(rows: Sequence[Listed], last: Listed, *, standing: Callable[[Listed], Order],
                newest_first: bool) -> int:
    """Where a list of `rows` (in `standing` order, or newest first) goes on after `last`: the place of the first row
    that comes after it, whether `last` is still on the list or has left it (len(rows) when none does)."""
    key = standing(last)
    return next((at for at, row in enumerate(rows) if (standing(row) < key if newest_first else standing(row) > key)),
                len(rows))
