"""Two bot processes against one Azurite: any step of a conversation may land on either, nothing is doubled."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from azure.data.tables.aio import TableClient

from tests.support.activities import CARYS, OWAIN, SIAN, card_action, message
from tests.support.cards import verb_data
from tests.support.connector import Connector
from tests.support.http import post_activity, wait_ready

REPO = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _bot_process(connection_string: str, prefix: str) -> Iterator[str]:
    port = _port()
    env = {**os.environ, "APP_ENV": "local", "PORT": str(port), "AZURE_STORAGE_CONNECTION_STRING": connection_string,
           "TABLE_PREFIX": prefix, "DELIVERY_INTERVAL_SECONDS": "0.5", "LOG_LEVEL": "WARNING",
           # On the wall clock: outside school hours a request's card to the head is held for the morning.
           "SCHOOL_HOURS": "any"}
    process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        returncode = process.wait(timeout=15)
    # SIGTERM is how App Service stops an instance: in-flight turns finish, background senders stop, exit 0.
    assert returncode == 0


@pytest.fixture
async def two_bots(azurite: str, table_prefix: str) -> AsyncIterator[tuple[str, str]]:
    with _bot_process(azurite, table_prefix) as first, _bot_process(azurite, table_prefix) as second:
        await wait_ready(first)
        await wait_ready(second)
        yield first, second


async def test_a_conversation_alternating_between_instances(two_bots: tuple[str, str], connector: Connector) -> None:
    first, second = two_bots
    await post_activity(first, message(SIAN, "hi", connector.url))
    await post_activity(second, message(CARYS, "How much annual leave do I get?", connector.url))
    question = verb_data(connector.cards("a:personal-29:carys")[-1], "ask.escalate")

    await post_activity(first, card_action(CARYS, "ask.escalate", question, connector.url))
    await connector.wait_for_cards("a:personal-29:sian", 2)
    head_card = connector.cards("a:personal-29:sian")[-1]
    await post_activity(second, card_action(SIAN, "ask.reply", {**verb_data(head_card, "ask.reply"),
                                                        "reply": "Ask the office for the leave policy."},
                                    connector.url))
    await connector.wait_for_cards("a:personal-29:carys", 2)
    await asyncio.sleep(2)  # both instances' background senders run several times more

    sian = [json.dumps(card) for card in connector.cards("a:personal-29:sian")]
    carys = [json.dumps(card) for card in connector.cards("a:personal-29:carys")]
    assert sum("annual leave" in card for card in sian) == 1
    assert sum("Ask the office for the leave policy." in card for card in carys) == 1


async def test_request_on_one_instance_approved_on_the_other(two_bots: tuple[str, str], connector: Connector) -> None:
    first, second = two_bots
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    form = {"school": "high", "platform": "facebook", "account_kind": "new", "purpose": "Sports day news",
            "audience": "parents", "pupil_content": "none", "moderator": "Carys", "moderation": "daily",
            "start": tomorrow, "ongoing": "true", "confirm": "true"}
    await post_activity(first, message(SIAN, "hi", connector.url))
    await post_activity(second, message(CARYS, "hi", connector.url))

    status = await post_activity(first, card_action(CARYS, "permission.submit", form, connector.url))
    request_id = verb_data(status["value"], "permission.withdraw")["id"]
    await connector.wait_for_cards("a:personal-29:sian", 2)
    decided = await post_activity(second, card_action(SIAN, "permission.approve", {"id": request_id}, connector.url))
    await connector.wait_for_cards("a:personal-29:carys", 2)
    await asyncio.sleep(2)  # both instances' background senders run several times more

    assert "Approved by" in json.dumps(decided, ensure_ascii=False)
    carys = [json.dumps(card) for card in connector.cards("a:personal-29:carys")]
    assert sum(f"Your request {request_id} was approved" in card for card in carys) == 1
    sian = [json.dumps(card) for card in connector.cards("a:personal-29:sian")]
    assert sum(f"Request {request_id}" in card for card in sian) == 1


async def _questions_asked(connection_string: str, prefix: str) -> list[str]:
    async with TableClient.from_connection_string(connection_string, prefix + "questions") as table:
        return [str(row["Text"]) async for row in table.list_entities()]


@pytest.mark.parametrize(("person", "question", "follow_up"), [
    (CARYS, "Can I friend a parent on Facebook?", "what about Instagram?"),
    (OWAIN, "Ga i fod yn ffrindiau efo rhiant ar Facebook?", "a beth am Instagram?"),
])
async def test_a_follow_up_reaching_the_other_instance_is_asked_with_the_question_it_follows(
        two_bots: tuple[str, str], connector: Connector, azurite: str, table_prefix: str, person: dict[str, str],
        question: str, follow_up: str) -> None:
    """Not "what about Instagram?" answered bare (the policy's scope sentence) because the question it follows was
    answered by the other instance."""
    first, second = two_bots
    await post_activity(first, message(person, question, connector.url))

    await post_activity(second, message(person, follow_up, connector.url))

    await connector.wait_for_cards(f"a:personal-{person['id']}", 2)
    assert sorted(await _questions_asked(azurite, table_prefix)) == sorted([question, f"{question} {follow_up}"])
