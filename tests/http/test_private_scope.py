"""Lists, and cards that name a person, a request or a question, only in the person's 1:1 chat (issue 19, items
1 and 2). In a group chat or a channel the bot says only that it sent it privately, and sends it there; a
conversation without a known type is never taken for a private chat."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE, create_app
from bot.domain.people import Person
from bot.domain.profiles import UserProfile
from bot.settings import Settings
from bot.storage.users import TableUserProfiles
from tests.support.activities import CARYS, GARETH, SIAN, TENANT, card_action, in_team, installation_update, message
from tests.support.cards import verb_data
from tests.support.concerns import (
    CARYS_CHAT,
    GARETH_CHAT,
    SIAN_CHAT,
    click,
    import_staff,
    reference_in,
    say_hi,
    send_report,
)
from tests.support.connector import Connector

GROUP = "19:group"
SEN = "Class page for pupils with SEN support plans"
TRIP = "Year 9 geography trip page"
QUESTION = "How many days of annual leave does Dafydd Price get?"
REPORT = "Someone keeps sending me nasty messages about my lessons"


# A start the form takes whenever the tests run (more than a year ahead is refused).
_TOMORROW = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()


def _form(purpose: str) -> dict[str, str]:
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": purpose, "audience": "parents", "pupil_content": "work",
            "consent": "Only work, no names.", "moderator": "Carys Jenkins", "moderation": "daily",
            "start": _TOMORROW, "end": "", "ongoing": "true", "confirm": "true"}


@dataclass(frozen=True)
class World:
    """What there is to leak: a pending request, an approved one, a question passed on, a concern report."""

    pending_id: str = ""
    question_id: str = ""
    report: str = ""


async def _prepare(client: TestClient, connector: Connector, need: str) -> World:
    """Only what one case needs (each turn costs time on a shared machine)."""
    await say_hi(client, connector, CARYS, SIAN, GARETH)
    if need == "pending":
        status = await click(client, connector, CARYS, "permission.submit", _form(SEN))
        return World(pending_id=str(verb_data(status, "permission.withdraw")["id"]))
    if need == "approved":
        trip = await click(client, connector, CARYS, "permission.submit", _form(TRIP))
        await click(client, connector, SIAN, "permission.approve", verb_data(trip, "permission.withdraw"))
    elif need in ("asked", "question"):
        await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
        question_id = str(verb_data(connector.cards(CARYS_CHAT)[-1], "ask.escalate")["q"])
        if need == "question":
            await click(client, connector, CARYS, "ask.escalate", {"q": question_id})
        return World(question_id=question_id)
    elif need == "report":
        return World(report=reference_in(await send_report(client, connector, what=REPORT)))
    return World()


def _in_group(connector: Connector) -> str:
    return json.dumps([a for a in connector.sent + connector.updated if a.get("conversation", {}).get("id") == GROUP],
                      ensure_ascii=False)


async def _said_in_group(client: TestClient, connector: Connector, person: dict[str, str], *, text: str = "",
                         verb: str = "", data: dict[str, Any] | None = None, conversation_type: str = "groupChat",
                         locale: str = "en-GB") -> str:
    """What the group saw: everything the bot posted there, and the card that replaced a clicked one."""
    if verb:
        activity = card_action(person, verb, data or {}, connector.url, conversation_type=conversation_type,
                               locale=locale)
    else:
        activity = message(person, f"<at>Policy Helper</at> {text}", connector.url,
                           conversation_type=conversation_type, locale=locale)
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200
    await client.app[SERVICES].deliverer.drain()
    invoked = json.dumps((await response.json())["value"], ensure_ascii=False) if verb else ""
    return _in_group(connector) + invoked


def _assert_sent_privately(seen: str, sent: list[dict[str, Any]], names: list[str]) -> None:
    """The group saw none of the names, only that it was sent privately; the private chat got them all."""
    assert [name for name in names if name in seen] == [], "named in the group"
    assert "sent that to you privately" in seen
    privately = json.dumps(sent, ensure_ascii=False)
    assert [name for name in names if name not in privately] == [], "missing from the private chat"


# What each list or card names, what must exist first, and whose private chat it belongs in.
TYPED = [
    ("pending requests", "pending", SIAN, SIAN_CHAT, [SEN, "Carys Jenkins"]),
    ("questions for review", "question", SIAN, SIAN_CHAT, ["Dafydd Price"]),
    ("official accounts", "approved", SIAN, SIAN_CHAT, [TRIP, "Carys Jenkins"]),
    ("my requests", "pending", CARYS, CARYS_CHAT, [SEN]),
    ("my reports", "report", CARYS, CARYS_CHAT, ["Gareth Hughes"]),
    ("reports for me", "report", GARETH, GARETH_CHAT, ["Waiting for you to acknowledge it"]),
]


@pytest.mark.parametrize("conversation_type", ["groupChat", "channel"])
@pytest.mark.parametrize(("said", "need", "person", "chat", "names"), TYPED, ids=[t[0] for t in TYPED])
async def test_a_list_typed_in_a_group_is_sent_privately(staffed: TestClient, connector: Connector, said: str,
                                                         need: str, person: dict[str, str], chat: str,
                                                         names: list[str], conversation_type: str) -> None:
    await _prepare(staffed, connector, need)
    privately_before = len(connector.cards(chat))

    seen = await _said_in_group(staffed, connector, person, text=said, conversation_type=conversation_type)

    _assert_sent_privately(seen, connector.cards(chat)[privately_before:], names)


CLICKED = [
    ("permission.pending", "pending", SIAN, SIAN_CHAT, [SEN, "Carys Jenkins"]),
    ("permission.register", "approved", SIAN, SIAN_CHAT, [TRIP, "Carys Jenkins"]),
    ("permission.open", "pending", SIAN, SIAN_CHAT, [SEN, "Carys Jenkins"]),
    ("ask.review", "question", SIAN, SIAN_CHAT, ["Dafydd Price"]),
    ("ask.reply", "question", SIAN, SIAN_CHAT, ["Dafydd Price", "Carys Jenkins"]),
    ("ask.escalate", "asked", CARYS, CARYS_CHAT, ["Dafydd Price", "passed your question to Mrs Siân Roberts"]),
    ("permission.mine", "pending", CARYS, CARYS_CHAT, [SEN]),
    ("concern.mine", "report", CARYS, CARYS_CHAT, ["Gareth Hughes"]),
    ("concern.held", "report", GARETH, GARETH_CHAT, ["Waiting for you to acknowledge it"]),
    ("permission.withdraw", "pending", CARYS, CARYS_CHAT, [SEN]),
    ("permission.submit", "", CARYS, CARYS_CHAT, ["Siân Roberts", "choir's concerts"]),
]


@pytest.mark.parametrize(("verb", "need", "person", "chat", "names"), CLICKED, ids=[c[0] for c in CLICKED])
async def test_a_card_clicked_in_a_group_is_answered_privately(staffed: TestClient, connector: Connector, verb: str,
                                                               need: str, person: dict[str, str], chat: str,
                                                               names: list[str]) -> None:
    world = await _prepare(staffed, connector, need)
    data: dict[str, Any] = {"id": world.pending_id, "q": world.question_id, "reply": "", "from": "list"}
    if verb == "permission.submit":
        data = _form("A page for the choir's concerts")
    privately_before = len(connector.cards(chat))

    seen = await _said_in_group(staffed, connector, person, verb=verb, data=data)

    _assert_sent_privately(seen, connector.cards(chat)[privately_before:], names)


# The cards that carry a `refresh` (Teams asks for them again whenever they are shown), and what each names.
REFRESHED = [("permission.pending", "pending", [SEN, "Carys Jenkins"]), ("ask.review", "question", ["Dafydd Price"])]


@pytest.mark.parametrize("conversation_type", ["groupChat", "channel"])
@pytest.mark.parametrize(("verb", "need", "names"), REFRESHED, ids=[r[0] for r in REFRESHED])
async def test_a_private_list_shared_in_a_group_and_refreshed_by_teams_sends_nobody_anything(
        staffed: TestClient, connector: Connector, verb: str, need: str, names: list[str],
        conversation_type: str) -> None:
    """A card with a `refresh` and no `userIds` is refreshed by Teams for everyone who views it in a chat of fewer than
    60 people. The head's pending list (or her questions for review) forwarded to a group was answered for each viewer
    as if they had asked for it: a private message to each (a refusal to staff, her list again to the head) every time
    they looked, and "I've sent that to you privately" in place of the card. Nobody pressed anything: nothing is sent,
    and each viewer's card says it is shown only privately, naming nobody."""
    await _prepare(staffed, connector, need)
    chats = (CARYS_CHAT, GARETH_CHAT, SIAN_CHAT)
    before = {chat: len(connector.cards(chat)) for chat in chats}

    answers = []
    for viewer in (CARYS, GARETH, SIAN):
        refresh = card_action(viewer, verb, {"lang": "en"}, connector.url, conversation_type=conversation_type)
        refresh["value"]["trigger"] = "automatic"
        response = await staffed.post("/api/messages", json=refresh)
        assert response.status == 200
        answers.append(await response.json())
    await staffed.app[SERVICES].deliverer.drain()

    assert {chat: len(connector.cards(chat)) for chat in chats} == before  # nobody was sent anything
    assert _in_group(connector) == "[]"  # nor was anything posted in the group
    for answer in answers:  # each viewer's copy is replaced by a card naming nobody
        assert answer["type"] == "application/vnd.microsoft.card.adaptive"
        shown = json.dumps(answer["value"], ensure_ascii=False)
        assert "only privately" in shown and [name for name in names if name in shown] == []


async def test_in_welsh_the_group_is_told_in_welsh(staffed: TestClient, connector: Connector) -> None:
    await _prepare(staffed, connector, "pending")
    seen = await _said_in_group(staffed, connector, SIAN, text="ceisiadau sy'n aros", locale="cy-GB")

    assert SEN not in seen and "atoch chi'n breifat" in seen
    assert SEN in json.dumps(connector.cards(SIAN_CHAT)[-1], ensure_ascii=False)


async def test_someone_who_never_opened_the_bot_is_told_where_to_find_it(staffed: TestClient,
                                                                         connector: Connector) -> None:
    seen = await _said_in_group(staffed, connector, SIAN, text="pending requests")

    # The pending list is the card headed "Pending requests" (the welcome card has a button of that name).
    assert "Open a chat with me" in seen and '"text": "Pending requests"' not in seen
    await staffed.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await staffed.app[SERVICES].deliverer.drain()
    assert any(c["body"][0].get("text") == "Pending requests" for c in connector.cards(SIAN_CHAT))


async def test_after_removing_the_app_a_group_is_told_where_to_find_it_not_that_it_was_sent(
        staffed: TestClient, connector: Connector) -> None:
    """Carys removed the app; "my requests" in a group said "I've sent that to you privately, in your chat with me",
    a chat the bot can no longer write to. Her list waits for her, and adding the app again brings it."""
    await _prepare(staffed, connector, "pending")
    removed = await staffed.post("/api/messages", json=installation_update(CARYS, connector.url, action="remove"))
    assert removed.status == 200
    privately_before = len(connector.cards(CARYS_CHAT))

    seen = await _said_in_group(staffed, connector, CARYS, text="my requests")

    assert "sent that to you privately" not in seen and "Open a chat with me" in seen and SEN not in seen
    assert connector.cards(CARYS_CHAT)[privately_before:] == []
    await staffed.post("/api/messages", json=installation_update(CARYS, connector.url))
    await staffed.app[SERVICES].deliverer.drain()
    assert SEN in json.dumps(connector.cards(CARYS_CHAT)[privately_before:], ensure_ascii=False)


async def test_removing_the_app_from_a_team_leaves_the_persons_own_chat_as_it_was(staffed: TestClient,
                                                                               connector: Connector) -> None:
    await _prepare(staffed, connector, "pending")
    await staffed.post("/api/messages", json=in_team(installation_update(SIAN, connector.url, action="remove")))

    seen = await _said_in_group(staffed, connector, SIAN, text="pending requests")

    _assert_sent_privately(seen, connector.cards(SIAN_CHAT)[-1:], [SEN])


# Item 2: a conversation whose type is missing or unknown is not a private chat.

def _untyped(activity: dict[str, Any], conversation_type: str | None) -> dict[str, Any]:
    activity["conversation"] = {"id": GROUP, "tenantId": activity["conversation"]["tenantId"]}
    if conversation_type is not None:
        activity["conversation"]["conversationType"] = conversation_type
    return activity


@pytest.mark.parametrize("conversation_type", [None, "", "meeting", "Personal"])
async def test_a_report_never_reaches_a_group_whose_type_was_missing(staffed: TestClient, connector: Connector,
                                                                     conversation_type: str | None) -> None:
    await say_hi(staffed, connector, CARYS, GARETH)
    # Gareth, Carys's line manager, speaks in a group whose activity says nothing (or something odd) of its type.
    said = await staffed.post("/api/messages", json=_untyped(message(GARETH, "hi", connector.url), conversation_type))
    await staffed.app[SERVICES].deliverer.drain()

    await send_report(staffed, connector, what=REPORT)

    assert said.status == 200
    assert REPORT not in _in_group(connector)
    assert REPORT in json.dumps(connector.cards(GARETH_CHAT)[-1])


async def test_no_conversation_reference_is_stored_from_a_conversation_of_unknown_type(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    await staffed.post("/api/messages", json=_untyped(message(CARYS, "hi", connector.url), None))
    await staffed.post("/api/messages", json=_untyped(message(CARYS, "my requests", connector.url), "weird"))
    await staffed.app[SERVICES].deliverer.drain()

    async with TableClient.from_connection_string(azurite, table_prefix + "users") as users:
        rows = [dict(row) async for row in users.list_entities()]
    assert all(not row.get("ConversationRef") for row in rows)
    assert "You haven't asked for permission yet" not in _in_group(connector)
    assert "Open a chat with me" in _in_group(connector)


async def test_a_reference_stored_from_a_group_before_this_check_is_not_used(
        staffed: TestClient, connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS)
    # Gareth's row as the old code wrote it from a group activity that had no conversation type.
    group_reference = json.dumps({"bot": {"id": "28:policy-helper"}, "channelId": "msteams",
                                  "conversation": {"id": GROUP, "tenantId": TENANT},
                                  "serviceUrl": connector.url, "user": {"id": GARETH["id"]}})
    await TableUserProfiles(staffed.app[STORE]).save_profile(UserProfile(
        person=Person(TENANT, GARETH["aadObjectId"], "Gareth Hughes"), conversation_ref=group_reference,
        updated_at=datetime.now(UTC)))

    await send_report(staffed, connector, what=REPORT)

    assert REPORT not in _in_group(connector)
    await say_hi(staffed, connector, GARETH)
    assert REPORT in json.dumps(connector.cards(GARETH_CHAT))


async def test_the_agents_playgrounds_1to1_chat_has_no_type_and_counts_only_when_told(
        aiohttp_client: Any, settings: Settings, connector: Connector) -> None:
    playground = await aiohttp_client(create_app(settings.model_copy(update={"agents_playground": True})))
    await import_staff(playground.app[STORE])
    # As the Playground sends its 1:1 chats: a personal conversation id and no conversation type at all.
    for person in (CARYS, GARETH):
        hello = message(person, "hi", connector.url)
        del hello["conversation"]["conversationType"]
        await playground.post("/api/messages", json=hello)
    await playground.app[SERVICES].deliverer.drain()

    await send_report(playground, connector, what=REPORT)

    assert REPORT in json.dumps(connector.cards(GARETH_CHAT)[-1])
