"""Fixtures the HTTP tests share."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from app import STORE
from bot.storage.tables import TableStore, service_client
from tests.support.concerns import import_staff


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    """The concern flow's tables in Azurite, under this test's own prefix."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["reports", "audit", "outbox", "outboxsent", "users", "directory", "ratelimits"])
        yield tables


@pytest.fixture
async def staffed(client: TestClient) -> TestClient:
    """The app with the fictional staff list imported (Carys's line manager is Gareth)."""
    await import_staff(client.app[STORE])
    return client
