"""Fixtures of the HTTP-level tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.storage.tables import TableStore, service_client


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    """The concern flow's tables in Azurite, under this test's own prefix."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["reports", "audit", "outbox", "users", "directory"])
        yield tables
