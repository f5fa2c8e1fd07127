"""Show more on a list card (My requests, Official accounts, My reports, Reports you hold): where the next card begins.

Each Show more sends `after`, the id of the last record its card showed, which the list goes on after, and `start`,
its place then (all that cards posted before `after` existed send, still read by place). Both are optional."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence

from bot.domain.errors import RecordNotFound
from bot.domain.lists import Listed, Order, place_after
from cards.i18n import Catalogue
from dialogs.base import Text, Turn
from dialogs.language import ShownIn


class ListClick(ShownIn):
    """A list's Show more (both optional): `after`, the id of the last record the card showed, which the list goes on
    after; `start`, the place in the list the card begins at (all that cards sent before `after` carry)."""

    start: Text = ""
    after: Text = ""


class ReviewClick(ListClick):
    """The review list's Show more, and its refresh: also `earlier` (optional), the ids of the questions the cards
    before the next one showed, space-separated (its order depends on the whole list, so no one question says where
    it goes on)."""

    earlier: Text = ""


async def goes_on_at(turn: Turn, rows: Sequence[Listed], *, strings: Catalogue, id_of: Callable[[Listed], str],
                     standing: Callable[[Listed], Order], newest_first: bool,
                     stored: Callable[[str], Awaitable[Listed | None]],
                     on_the_list: Callable[[Listed], bool]) -> tuple[int, str]:
    """Where a list card begins, and why when it is not where its Show more asked: after the record `after` names (on
    the list, or, read by `stored`, where it stood before it left: one added or gone between two presses shifts
    nothing); by `start`, the place a card sent before `after` asked for (or a record no longer stored); the top for
    none, or for a record that could never be on this person's list (someone else's card: nothing of it is shown).
    A list with nothing left there begins at the top, and says so."""
    after = str(turn.data.get("after") or "")
    last = next((row for row in rows if id_of(row) == after), None)
    if last is None and after:
        last = await stored(after)
        if last is not None and not on_the_list(last):
            return 0, ""
    if last is not None:
        start = place_after(rows, last, standing=standing, newest_first=newest_first)
    else:
        start = list_start(turn)
    if (last is not None or start) and start >= len(rows):
        return 0, strings.text("list.shorter", turn.lang)
    return start, ""


def stored_if_any(get: Callable[[str], Awaitable[Listed]], *, is_id: Callable[[str], object]
                  ) -> Callable[[str], Awaitable[Listed | None]]:
    """A store's `get` as `goes_on_at` reads a record: None for text that is no id, or a record no longer stored."""
    async def stored(record_id: str) -> Listed | None:
        if not is_id(record_id):
            return None
        with contextlib.suppress(RecordNotFound):
            return await get(record_id)
        return None

    return stored


def list_start(turn: Turn) -> int:
    """Where a list card begins by place: the `start` a Show more sends, 0 when there is none or it is not a small
    number."""
    start = turn.data.get("start")
    return int(start) if isinstance(start, str) and start.isascii() and start.isdecimal() and len(start) < 7 else 0


def listed_ids(turn: Turn, field: str, *, most: int = 5000) -> list[str]:
    """The ids a list's button names in `field`, space-separated (`most` at most; none when there is no such text)."""
    named = turn.data.get(field)
    return named.split()[:most] if isinstance(named, str) else []
