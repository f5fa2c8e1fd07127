"""Teams throttles a bot that posts fast (HTTP 429: seven posts a second to one chat, fifty a second per app and tenant)
and now and then answers 412, 502 or 504; Microsoft's guidance is to try those again after a pause. An answer to
something a person typed goes straight back to their chat, not through the outbox, so it is tried again in the turn:
a busy staff-room chat, or a morning's burst, still gets every answer, once."""

from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import TestClient

from app import SERVICES
from tests.support.activities import CARYS, OWAIN, message
from tests.support.connector import Connector

QUESTION = "Can I be friends with pupils on Facebook?"
CARYS_CHAT = "a:personal-29:carys"
GROUP_CHAT = "19:group"


def _answers(connector: Connector, chat: str) -> list[str]:
    return [json.dumps(card) for card in connector.cards(chat)]


@pytest.mark.parametrize("status", [429, 412, 502, 504])
async def test_an_answer_teams_refuses_for_a_moment_is_sent_again_and_arrives_once(
        client: TestClient, connector: Connector, status: int) -> None:
    connector.fail_next = [status, status]
    connector.retry_after = "1" if status == 429 else ""

    response = await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))

    assert response.status == 200
    assert connector.fail_next == []
    answers = _answers(connector, CARYS_CHAT)
    assert len(answers) == 1, answers
    assert "Facebook" in answers[0] or "friend" in answers[0].lower()


async def test_a_group_chat_asking_at_once_gets_every_answer_though_teams_throttles_the_chat(
        client: TestClient, connector: Connector) -> None:
    connector.fail_next, connector.retry_after = [429, 429, 429], "1"

    asked = [await client.post("/api/messages", json=message(person, QUESTION, connector.url,
                                                             conversation_type="groupChat"))
             for person in (CARYS, OWAIN)]

    assert [response.status for response in asked] == [200, 200]
    assert len(_answers(connector, GROUP_CHAT)) == 2


async def test_an_answer_teams_will_not_take_is_not_sent_again(client: TestClient, connector: Connector) -> None:
    """403 (the bot was removed from the chat) is Teams' last word: trying again would only be refused again."""
    connector.fail_next = [403, 403]

    response = await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
    await client.app[SERVICES].deliverer.drain()

    assert response.status == 200
    assert connector.fail_next == [403]
    assert _answers(connector, CARYS_CHAT) == []


async def test_teams_asking_for_a_long_pause_is_not_waited_for_in_the_turn(client: TestClient,
                                                                          connector: Connector) -> None:
    """Teams sends a message again if its HTTP request is not answered within 15 s: a turn never waits that long."""
    connector.fail_next, connector.retry_after = [429, 429], "120"

    response = await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))

    assert response.status == 200
    assert connector.fail_next == [429]
