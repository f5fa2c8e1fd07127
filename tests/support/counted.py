"""A Table store whose calls to the test session's Azurite pass through a counting proxy (bench/proxy.py)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from bench.proxy import Counts, counting_proxy
from bot.storage.tables import TableStore, service_client
from tests.support.processes import azurite_connection_string


@asynccontextmanager
async def counted_store(azurite: str, table_prefix: str, tables: Iterable[str], *,
                        late: tuple[str, float] = ("", 0.0)) -> AsyncIterator[tuple[TableStore, Counts]]:
    """The store with `tables` created, and the counts of the calls it makes (with `late`, some answered late)."""
    match = re.search(r"127\.0\.0\.1:(\d+)", azurite)
    assert match is not None, azurite
    async with counting_proxy(int(match[1]), prefix=table_prefix, late=late) as (port, counts), service_client(
            connection_string=azurite_connection_string(port), endpoint="", credential=None, timeout=5) as service:
        store = TableStore(service, prefix=table_prefix, timeout=5)
        await store.ensure_tables(tables)
        yield store, counts
