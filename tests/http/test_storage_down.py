"""When storage stops, people get a clear message (not silence, not a 500) and readiness says so."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient

from app import create_app
from bot.settings import Settings
from tests.conftest import running_azurite
from tests.support.activities import CARYS, card_action, message
from tests.support.connector import Connector


async def test_storage_stopped_gives_a_plain_message(aiohttp_client: Any, connector: Connector) -> None:
    with running_azurite() as connection_string:
        settings = Settings.model_validate({"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": connection_string,
                                            "DELIVERY_INTERVAL_SECONDS": 3600, "STORAGE_TIMEOUT_SECONDS": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        before = await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    # Azurite is stopped now.

    said = await client.post("/api/messages", json=message(CARYS, "Cymraeg", connector.url))
    clicked = await client.post("/api/messages", json=card_action(CARYS, "language.set", {"lang": "cy"}, connector.url))
    ready = await client.get("/readyz")

    assert before.status == 200
    assert said.status == 200
    assert "couldn't reach the bot's records" in json.dumps(connector.cards()[-1])
    assert clicked.status == 200
    assert "couldn't reach the bot's records" in json.dumps(await clicked.json())
    assert ready.status == 503
