"""What Teams sends in a group chat or a channel: the @mention as `<at>` tags, then the words as HTML, with a
non-breaking space (`&nbsp;`) after the mention and `&amp;` for "&". The bot answers the words the person typed."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app import SERVICES
from tests.support.activities import CARYS, SIAN, TENANT, message
from tests.support.concerns import CARYS_CHAT, say_hi
from tests.support.connector import Connector

GROUP = "19:group"
TEAM = "19:staffroom@thread.tacv2"
MENTION = "<at>Policy Helper</at>&nbsp;"
# Teams makes a two-word name into one tag per word, each followed by a non-breaking space.
SPLIT_MENTION = "<at>Policy</at>&nbsp;<at>Helper</at>&nbsp;"


def _in_the_staff_room(activity: dict[str, Any]) -> dict[str, Any]:
    """The activity as Teams sends it in a team's General channel."""
    activity = copy.deepcopy(activity)
    activity["conversation"] = {"id": TEAM, "conversationType": "channel", "tenantId": TENANT, "isGroup": True}
    activity["channelData"].update({"team": {"id": TEAM, "name": "Staff room"}, "channel": {"id": TEAM}})
    return activity


def _seen_in(connector: Connector, conversation: str, since: int) -> str:
    return json.dumps([a for a in connector.sent[since:] if a.get("conversation", {}).get("id") == conversation],
                      ensure_ascii=False)


@pytest.mark.parametrize(("mention", "typed", "person", "answered_with"), [
    (MENTION, "help", CARYS, "What I can do"),
    (SPLIT_MENTION, "help", CARYS, "What I can do"),
    (MENTION, "about", CARYS, "About this policy"),
    (MENTION, "pending requests", SIAN, "sent that to you privately"),
    (MENTION, "my reports", CARYS, "sent that to you privately"),
], ids=["help", "help-after-a-split-mention", "about", "pending-requests", "my-reports"])
async def test_a_command_after_the_mention_in_a_group_is_the_command(
        staffed: TestClient, connector: Connector, mention: str, typed: str, person: dict[str, str],
        answered_with: str) -> None:
    """Not "The policy doesn't cover that — Your question: &nbsp;help" in front of the group."""
    await say_hi(staffed, connector, person)
    since = len(connector.sent)

    response = await staffed.post("/api/messages", json=message(person, mention + typed, connector.url,
                                                                 conversation_type="groupChat"))
    await staffed.app[SERVICES].deliverer.drain()

    assert response.status == 200
    seen = _seen_in(connector, GROUP, since)
    assert answered_with in seen
    assert "&nbsp;" not in seen and "The policy doesn't cover that" not in seen


async def test_report_a_concern_after_the_mention_in_the_staff_room_is_answered_only_privately(
        staffed: TestClient, connector: Connector) -> None:
    """Not a public "not covered" card quoting "Abuse of the guidance" in the channel."""
    await say_hi(staffed, connector, CARYS)
    since, privately = len(connector.sent), len(connector.cards(CARYS_CHAT))

    await staffed.post("/api/messages", json=_in_the_staff_room(message(
        CARYS, MENTION + "report a concern", connector.url, conversation_type="channel")))
    await staffed.app[SERVICES].deliverer.drain()

    assert _seen_in(connector, TEAM, since) == "[]", "the channel was answered"
    assert "Tell us privately" in json.dumps(connector.cards(CARYS_CHAT)[privately:])


async def test_an_ampersand_in_a_question_is_shown_as_typed(client: TestClient, connector: Connector) -> None:
    """"Q&A" arrives from Teams as "Q&amp;A"; the question is shown back as the person typed it."""
    await client.post("/api/messages", json=message(
        CARYS, MENTION + "What time is the Q&amp;A evening &amp; who runs it?", connector.url,
        conversation_type="groupChat"))

    seen = json.dumps(connector.cards(GROUP), ensure_ascii=False)
    assert "Q&A evening & who runs it?" in seen
    assert "&amp;" not in seen and "&nbsp;" not in seen
