"""Only Microsoft Teams is served (issue 19, item 9): in any other channel the tenant, the sender and the address
replies go to would be the client's to choose. Anything else is refused with one log line, before the turn."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from tests.support.activities import CARYS, card_action, message
from tests.support.connector import Connector


def _ours(records: list[logging.LogRecord]) -> list[str]:
    return [r.getMessage() for r in records if r.name.split(".")[0] in ("bot", "app", "dialogs", "cards")]


@pytest.mark.parametrize("channel", ["webchat", "directline", "emulator", "slack", "MSTeams", "teams"])
@pytest.mark.parametrize("kind", ["message", "invoke"])
async def test_an_activity_from_another_channel_is_refused_with_one_log_line(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, caplog: pytest.LogCaptureFixture,
        channel: str, kind: str) -> None:
    activity: dict[str, Any] = (message(CARYS, "my requests", connector.url) if kind == "message"
                                else card_action(CARYS, "permission.mine", {}, connector.url))
    activity["channelId"] = channel
    caplog.set_level(logging.DEBUG)

    response = await client.post("/api/messages", json=activity)

    assert response.status == 403
    assert connector.sent == [] and connector.updated == []
    assert _ours(caplog.records) == ["activity refused: not from Microsoft Teams"]
    async with TableClient.from_connection_string(azurite, table_prefix + "users") as users:
        assert [row async for row in users.list_entities()] == []


async def test_teams_is_served(client: TestClient, connector: Connector) -> None:
    response = await client.post("/api/messages", json=message(CARYS, "hi", connector.url))

    assert response.status == 200 and connector.cards()
