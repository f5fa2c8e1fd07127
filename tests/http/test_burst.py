"""Under a burst, a turn is served or honestly queued: a click that cannot get a place in time hears that the bot
is busy (and nothing changes); a message that waits is acknowledged, shown as typing and answered later."""

from __future__ import annotations

import asyncio
import gc
import json
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app import create_app
from bench.proxy import counting_proxy
from bot.edge.web import MessagesHandler
from bot.settings import Settings
from tests.conftest import local_settings
from tests.support.activities import CARYS, OWAIN, card_action, message
from tests.support.connector import Connector
from tests.support.policies import FIXTURE_POLICY_FILE
from tests.support.processes import azurite_connection_string

BUSY = "Lots of staff are asking at once"
WELCOME = "Social media policy helper"
OWAINS_CHAT = "a:personal-29:owain"
CARYS_CHAT = "a:personal-29:carys"


async def _one_at_a_time(aiohttp_client: Any, settings: Settings, **more: object) -> TestClient:
    narrow = settings.model_copy(update={"turns_at_once": 1, **more})
    client: TestClient = await aiohttp_client(create_app(narrow))
    return client


async def _hold_the_only_place(client: TestClient, connector: Connector, *, seconds: float) -> asyncio.Task[Any]:
    """Carys says hi and Teams takes `seconds` to accept the welcome card, so her turn holds the only place."""
    connector.hang_next, connector.hang_seconds = 1, seconds
    held = asyncio.create_task(client.post("/api/messages", json=message(CARYS, "hi", connector.url)))
    async with asyncio.timeout(10):
        while connector.hang_next:  # noqa: ASYNC110 - the connector has no event for "a send arrived"
            await asyncio.sleep(0.01)
    return held


async def test_a_click_that_gets_no_place_in_time_hears_the_bot_is_busy_and_nothing_changes(
        aiohttp_client: Any, settings: Settings, connector: Connector) -> None:
    client = await _one_at_a_time(aiohttp_client, settings, click_queue_seconds=0.2)
    held = await _hold_the_only_place(client, connector, seconds=2.0)

    clicked = await client.post("/api/messages", json=card_action(OWAIN, "language.set", {"lang": "cy"},
                                                                  connector.url))
    answer = await clicked.json()
    assert (await held).status == 200
    await client.post("/api/messages", json=message(OWAIN, "hi", connector.url))

    assert clicked.status == 200
    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert BUSY in answer["value"]
    assert connector.cards(OWAINS_CHAT)[-1]["body"][0]["text"] == WELCOME  # still English: the click changed nothing


async def test_someone_who_chose_cymraeg_hears_the_bot_is_busy_in_welsh_though_their_teams_is_in_english(
        aiohttp_client: Any, settings: Settings, connector: Connector) -> None:
    client = await _one_at_a_time(aiohttp_client, settings, click_queue_seconds=0.2)
    await client.post("/api/messages", json=message(OWAIN, "hi", connector.url))
    chose = await client.post("/api/messages", json=card_action(OWAIN, "language.set", {"lang": "cy"}, connector.url))
    assert chose.status == 200
    held = await _hold_the_only_place(client, connector, seconds=1.5)

    clicked = await client.post("/api/messages", json=card_action(OWAIN, "language.set", {"lang": "cy"},
                                                                  connector.url))
    answer = (await clicked.json())["value"]
    await held

    assert "Mae llawer o staff yn holi ar yr un pryd" in answer, answer


async def test_a_message_that_waits_is_acknowledged_shown_typing_and_then_answered(
        aiohttp_client: Any, settings: Settings, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MessagesHandler, "HOLD_SECONDS", 0.2)
    client = await _one_at_a_time(aiohttp_client, settings)
    held = await _hold_the_only_place(client, connector, seconds=1.5)

    said = await client.post("/api/messages", json=message(OWAIN, "hi", connector.url))
    answered_while_held = not held.done()
    assert (await held).status == 200
    await connector.wait_for_cards(OWAINS_CHAT, 1)

    assert said.status == 202  # Teams has its answer and will not send the message again
    assert answered_while_held
    assert [a["type"] for a in connector.sent if a["conversation"]["id"] == OWAINS_CHAT] == ["typing", "message"]
    assert connector.cards(OWAINS_CHAT)[0]["body"][0]["text"] == WELCOME


async def test_a_message_that_waits_too_long_is_told_the_bot_is_busy(
        aiohttp_client: Any, settings: Settings, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MessagesHandler, "HOLD_SECONDS", 0.1)
    client = await _one_at_a_time(aiohttp_client, settings, message_queue_seconds=0.4)
    held = await _hold_the_only_place(client, connector, seconds=2.0)

    said = await client.post("/api/messages", json=message(OWAIN, "hi", connector.url))
    await connector.wait_for_cards(OWAINS_CHAT, 1)
    await held

    assert said.status == 202
    assert BUSY in json.dumps(connector.cards(OWAINS_CHAT)[0])


async def test_one_persons_burst_of_messages_does_not_leave_a_colleague_told_the_bot_is_busy(
        aiohttp_client: Any, settings: Settings, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MessagesHandler, "HOLD_SECONDS", 0.05)
    client = await _one_at_a_time(aiohttp_client, settings, message_queue_seconds=1.75)
    connector.hang_next, connector.hang_seconds = 10_000, 0.5  # Teams takes half a second to take each card
    # Owain's script sends eight messages at once: one runs, the rest wait (Teams is told each arrived).
    running = asyncio.create_task(client.post("/api/messages", json=message(OWAIN, "hi", connector.url)))
    async with asyncio.timeout(10):
        while connector.hang_next == 10_000:  # noqa: ASYNC110 - the connector has no event for "a send arrived"
            await asyncio.sleep(0.01)
    waiting = await asyncio.gather(*(client.post("/api/messages", json=message(OWAIN, f"hi {n}", connector.url))
                                     for n in range(7)))

    said = await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    await connector.wait_for_cards(CARYS_CHAT, 1)
    connector.hang_next = 0

    assert (await running).status == 200 and {r.status for r in waiting} == {202}
    assert said.status == 202  # she waited, behind the turn running
    assert BUSY not in json.dumps(connector.cards(CARYS_CHAT)), "Carys was told the bot is busy behind Owain's burst"
    assert connector.cards(CARYS_CHAT)[0]["body"][0]["text"] == WELCOME


async def test_what_start_up_built_is_kept_out_of_full_collections_until_shutdown(aiohttp_client: Any,
                                                                                   settings: Settings) -> None:
    client: TestClient = await aiohttp_client(create_app(settings))
    frozen = gc.get_freeze_count()
    response = await client.post("/api/messages", json={"type": "message"})  # the app serves as before
    await client.close()

    assert response.status == 400
    assert frozen > 10_000  # the SDKs, the answer index, the clients: not walked by each full collection
    assert gc.get_freeze_count() == 0  # given back to the collector when the app stops


async def test_a_burst_of_readiness_checks_from_outside_asks_storage_one_check_at_a_time(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """/readyz takes no token, so anyone on the internet may ask it as often as they like. Each request asked storage
    itself: 300 at once, with storage taking 0.2 s an answer, held every connection the bot has to storage (100) for
    a second, and a message of Carys's waited behind them (answered in about 1 s instead of 20 ms). Requests made while
    a check waits for storage now share its answer."""
    port = int(re.search(r"127\.0\.0\.1:(\d+)", azurite)[1])  # type: ignore[index]
    async with counting_proxy(port, prefix=table_prefix, late=("GET Tables", 0.2), timeline=True) as (proxy, counts):
        client: TestClient = await aiohttp_client(create_app(local_settings(
            azurite_connection_string(proxy), table_prefix, FIXTURE_POLICY_FILE)))
        await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
        await counts.settle()
        assert counts.timeline is not None
        counts.timeline.clear()

        answered = await asyncio.gather(*(client.get("/readyz") for _ in range(300)))

        checks = [seen for seen in counts.timeline if seen.method == "GET" and "/Tables" in seen.path]
    at_once = max(sum(other.started < seen.ended and seen.started < other.ended for other in checks)
                  for seen in checks)
    assert {response.status for response in answered} == {200}
    assert at_once == 1
    assert len(checks) < 30
