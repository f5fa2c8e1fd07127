"""Fixtures the HTTP tests share."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from app import STORE
from tests.support.concerns import import_staff


@pytest.fixture
async def staffed(client: TestClient) -> TestClient:
    """The app with the fictional staff list imported (Carys's line manager is Gareth)."""
    await import_staff(client.app[STORE])
    return client
