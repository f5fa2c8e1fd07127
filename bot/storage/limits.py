"""Rate-limit counters in the `ratelimits` table, so every instance counts the same uses.

PartitionKey = limit name (`reports`, `escalations`, ...), RowKey = the person's key (`tenant|object id`): one
row per person and limit, holding when their current window started, how many uses it has seen, and what the last
use was for (`Use`, e.g. the request a form's Send makes: a second press of it is not counted again; absent from
rows written before it was kept). A use is an etag-conditional write, so two instances counting at once cannot both
take the last use; a window that has ended is started afresh by overwriting the row, so rows never pile up, and
`forget_ended_days` (run by retention, for every limit at once) deletes it once its day is over: an ended window
limits nobody, and its row would go on saying who used the bot when, and for what (a report, a request).

A use reads the row, then writes it; but when this instance read or wrote the row last, it writes at once,
conditional on the row being as it left it (one call, not two). A row changed since, by another instance or by
hand, fails that write (or is gone) and the use starts again with a read, as the first would; and a use this
instance's row says is spent is read again before it is refused. So the count is storage's, whatever this
instance remembers.

A use given back (what it was taken for was not made) is a read and a conditional write of the same row, retried
as a use is.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.limits import Limit, RateLimited, counted, counted_already, day_is_over, given_back
from bot.storage.tables import TableStore, entity_etag, entity_text, entity_time, safe_key

TABLE = "ratelimits"
_Row = tuple[datetime | None, int, str, str]
# Each retry follows a write another instance made in the meantime, so this is only reached under a storm.
_ATTEMPTS = 20
# Rows remembered at most (one per person and limit used lately); the least lately used go first.
REMEMBERED = 10_000


class TableRateLimiter:
    """`RateLimiter` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)
        # (limit, person) -> (window start, uses, etag, last use) as this instance last read or wrote the row.
        self._known: OrderedDict[tuple[str, str], _Row] = OrderedDict()

    async def take(self, limit: Limit, who: str, now: datetime, *, use: str = "") -> None:
        """Count one use, or raise `RateLimited` (counting nothing) when the window's uses are spent; `use`, when it
        is the use the row counted last, is not counted again."""
        keys = {"PartitionKey": safe_key(limit.name), "RowKey": safe_key(who)}
        for _ in range(_ATTEMPTS):
            try:
                await self._count(limit, keys, now, use)
                return
            except (ConcurrentChange, RecordExists, RecordNotFound):
                continue  # another instance counted first (or the row went): read again
        raise ConcurrentChange(f"{limit.name}: too many simultaneous uses")

    async def give_back(self, limit: Limit, who: str, now: datetime) -> None:
        """Uncount the use taken at `now`, if its window still runs (read, then write if unchanged)."""
        keys = {"PartitionKey": safe_key(limit.name), "RowKey": safe_key(who)}
        key = (keys["PartitionKey"], keys["RowKey"])
        for _ in range(_ATTEMPTS):
            self._known.pop(key, None)
            try:
                async with self._store.call():
                    row: dict[str, Any] = await self._table.get_entity(keys["PartitionKey"], keys["RowKey"])
            except RecordNotFound:
                return
            started = entity_time(row, "Start")
            count = given_back(limit, started, int(row.get("Count") or 0), now)
            if started is None or count is None:
                return
            try:
                await self._write(key, keys, started, count, etag=entity_etag(row))
                return
            except (ConcurrentChange, RecordNotFound):
                continue  # another instance counted meanwhile: read again
        raise ConcurrentChange(f"{limit.name}: too many simultaneous uses")

    async def forget_ended_days(self, now: datetime) -> None:
        """Delete the rows, of every limit, whose day is over (`day_is_over`), each only if unchanged since read: a
        use counted meanwhile (a new window) is kept."""
        async with self._store.call():
            rows = [row async for row in self._table.list_entities(select=["PartitionKey", "RowKey", "Start"])]
        for row in rows:
            if not day_is_over(entity_time(row, "Start"), now):
                continue
            key = (str(row["PartitionKey"]), str(row["RowKey"]))
            self._known.pop(key, None)
            try:
                async with self._store.call():
                    await self._table.delete_entity(*key, etag=entity_etag(row),
                                                    match_condition=MatchConditions.IfNotModified)
            except ConcurrentChange:
                continue  # counted meanwhile: a window that runs now (one already deleted is no error)

    async def _count(self, limit: Limit, keys: dict[str, str], now: datetime, use: str) -> None:
        key = (keys["PartitionKey"], keys["RowKey"])
        known = self._known.pop(key, None)  # taken out: a write that fails leaves the next attempt to read
        # A use this instance's row says was counted last is looked up in storage (it may have been given back since).
        if known is not None and not (use and use == known[3]):
            try:
                start, count = counted(limit, known[0], known[1], now)
            except RateLimited:
                pass  # refused only on what storage says now: read it
            else:
                await self._write(key, keys, start, count, etag=known[2], use=use)
                return
        try:
            async with self._store.call():
                row: dict[str, Any] | None = await self._table.get_entity(keys["PartitionKey"], keys["RowKey"])
        except RecordNotFound:
            row = None
        started = entity_time(row, "Start") if row is not None else None
        if row is not None and counted_already(limit, started, entity_text(row, "Use"), use, now):
            return
        uses = int(row.get("Count") or 0) if row is not None else 0
        start, count = counted(limit, started, uses, now)
        await self._write(key, keys, start, count, etag=entity_etag(row) if row is not None else None, use=use)

    async def _write(self, key: tuple[str, str], keys: dict[str, str], start: datetime, count: int, *,
                     etag: str | None, use: str = "") -> None:
        """Create the row (`etag` None) or replace it if unchanged since `etag` (`use`: what the use counted last was
        for, "" when none is); remember what was written."""
        row = {**keys, "Start": start, "Count": count, "Use": use}
        async with self._store.call():
            if etag is None:
                written = await self._table.create_entity(row)
            else:
                written = await self._table.update_entity(row, mode=UpdateMode.REPLACE, etag=etag,
                                                          match_condition=MatchConditions.IfNotModified)
        new_etag = written.get("etag")
        if isinstance(new_etag, str) and new_etag:
            self._remember(key, (start, count, new_etag, use))

    def _remember(self, key: tuple[str, str], row: _Row) -> None:
        self._known[key] = row
        self._known.move_to_end(key)
        while len(self._known) > REMEMBERED:
            self._known.popitem(last=False)
