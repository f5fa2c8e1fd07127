"""Rate-limit counters in the `ratelimits` table, so every instance counts the same uses.

PartitionKey = limit name (`reports`, `escalations`, ...), RowKey = the person's key (`tenant|object id`): one
row per person and limit, holding when their current window started and how many uses it has seen. A use is
an etag-conditional write, so two instances counting at once cannot both take the last use; a window that
has ended is started afresh by overwriting the row, so rows never pile up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.limits import Limit, counted
from bot.storage.tables import TableStore, entity_etag, entity_time, safe_key

TABLE = "ratelimits"
# Each retry follows a write another instance made in the meantime, so this is only reached under a storm.
_ATTEMPTS = 20


class TableRateLimiter:
    """`RateLimiter` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)

    async def take(self, limit: Limit, who: str, now: datetime) -> None:
        """Count one use, or raise `RateLimited` (counting nothing) when the window's uses are spent."""
        keys = {"PartitionKey": safe_key(limit.name), "RowKey": safe_key(who)}
        for _ in range(_ATTEMPTS):
            try:
                await self._count(limit, keys, now)
                return
            except (ConcurrentChange, RecordExists):
                continue  # another instance counted first: read again
        raise ConcurrentChange(f"{limit.name}: too many simultaneous uses")

    async def _count(self, limit: Limit, keys: dict[str, str], now: datetime) -> None:
        try:
            async with self._store.call():
                row: dict[str, Any] | None = await self._table.get_entity(keys["PartitionKey"], keys["RowKey"])
        except RecordNotFound:
            row = None
        started = entity_time(row, "Start") if row is not None else None
        start, count = counted(limit, started, int(row.get("Count") or 0) if row is not None else 0, now)
        async with self._store.call():
            if row is None:
                await self._table.create_entity({**keys, "Start": start, "Count": count})
            else:
                await self._table.update_entity({**keys, "Start": start, "Count": count}, mode=UpdateMode.REPLACE,
                                                etag=entity_etag(row), match_condition=MatchConditions.IfNotModified)
