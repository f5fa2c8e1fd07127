"""The SDK fixes in bot/edge/speedups.py keep behaviour: replies still arrive, with fewer clients built."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from botframework.connector.aio import ConnectorClient

from tests.support.activities import CARYS, OWAIN, message
from tests.support.connector import Connector


async def test_one_connector_client_serves_every_turn_to_a_service_url(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    original = ConnectorClient.__init__

    def counting(self: ConnectorClient, credentials: Any, base_url: str, *args: Any, **kwargs: Any) -> None:
        built.append(base_url)
        original(self, credentials, base_url, *args, **kwargs)

    monkeypatch.setattr(ConnectorClient, "__init__", counting)
    other_url = connector.url.replace("127.0.0.1", "localhost")
    for person, text, url in ((CARYS, "hi", connector.url), (OWAIN, "help", connector.url),
                              (CARYS, "hi", other_url), (OWAIN, "hi", other_url), (CARYS, "help", connector.url)):
        response = await client.post("/api/messages", json=message(person, text, url))
        assert response.status == 200

    assert len(connector.cards()) == 5
    assert sorted(set(built)) == sorted({connector.url, other_url}) and len(built) <= 2
