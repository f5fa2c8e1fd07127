"""Bad input gets a 4xx or a plain message, never a 500, and changes nothing."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from bot.policy import typos
from tests.support.activities import CARYS, card_action, message
from tests.support.connector import Connector


async def _user_rows(connection_string: str, table_prefix: str) -> int:
    async with TableClient.from_connection_string(connection_string, table_prefix + "users") as users:
        return len([row async for row in users.list_entities()])


async def test_no_content_type_is_415(client: TestClient, connector: Connector) -> None:
    body = json.dumps(message(CARYS, "hi", connector.url)).encode()

    response = await client.post("/api/messages", data=body, headers={"Content-Type": ""})

    assert response.status == 415


async def test_text_body_is_415(client: TestClient) -> None:
    response = await client.post("/api/messages", data="hello", headers={"Content-Type": "text/plain"})

    assert response.status == 415


async def test_malformed_json_is_400(client: TestClient) -> None:
    response = await client.post("/api/messages", data=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status == 400


async def test_non_utf8_body_is_400(client: TestClient) -> None:
    response = await client.post("/api/messages", data=b"\xff\xfe{}", headers={"Content-Type": "application/json"})

    assert response.status == 400


async def test_json_that_is_not_an_activity_is_400(client: TestClient, connector: Connector) -> None:
    bodies: list[object] = [[], "hi", 42, {}, {"type": "message"}, {**message(CARYS, "hi", connector.url), "from": "x"},
                            {**message(CARYS, "hi", connector.url), "conversation": None}]
    statuses = []
    for body in bodies:
        response = await client.post("/api/messages", json=body)
        statuses.append(response.status)

    assert statuses == [400] * len(bodies)
    assert connector.sent == []


async def test_oversized_body_is_413(client: TestClient, connector: Connector) -> None:
    activity = message(CARYS, "x" * (300 * 1024), connector.url)

    response = await client.post("/api/messages", json=activity)

    assert response.status == 413
    assert connector.sent == []


async def test_long_message_gets_a_plain_refusal(client: TestClient, connector: Connector) -> None:
    response = await client.post("/api/messages", json=message(CARYS, "y" * 30_000, connector.url))

    assert response.status == 200
    assert "too long" in json.dumps(connector.cards()[-1])


async def test_a_long_message_typed_in_welsh_is_refused_in_welsh_whatever_the_teams_language(
        client: TestClient, connector: Connector) -> None:
    """As every Welsh message is answered in Welsh, not "That message is too long for me"."""
    welsh = "Ga i bostio lluniau o'r disgyblion ar fy nhudalen Facebook bersonol os yw'r rhieni wedi rhoi caniatâd? "
    english = "Can I post photos of pupils on my own Facebook page if their parents have agreed? "

    for typed in (welsh, english):
        await client.post("/api/messages", json=message(CARYS, (typed * 60)[:4100], connector.url, locale="en-GB"))

    to_welsh, to_english = (json.dumps(card, ensure_ascii=False) for card in connector.cards())
    assert "Mae'r neges honno'n rhy hir i mi (" in to_welsh
    assert "That message is too long for me (" in to_english


async def test_invoke_that_is_not_action_execute_is_400(client: TestClient, connector: Connector) -> None:
    activity = card_action(CARYS, "help.show", {}, connector.url)
    activity["value"] = {"action": {"type": "Action.Submit", "data": {}}}

    response = await client.post("/api/messages", json=activity)

    assert response.status == 400


async def test_unknown_verb_changes_nothing_and_says_so(client: TestClient, connector: Connector) -> None:
    response = await client.post("/api/messages", json=card_action(CARYS, "no.such.verb", {}, connector.url))

    assert response.status == 200
    body = await response.json()
    assert "don't recognise that button" in json.dumps(body["value"])


async def test_other_tenant_is_refused_and_nothing_is_stored(client: TestClient, connector: Connector, azurite: str,
                                                              table_prefix: str) -> None:
    activity = message(CARYS, "hi", connector.url, tenant="99999999-0000-4000-8000-000000000000")

    response = await client.post("/api/messages", json=activity)

    assert response.status == 200
    assert "only serves staff of Llanidloes Schools Federation" in json.dumps(connector.cards()[-1])
    assert await _user_rows(azurite, table_prefix) == 0


@pytest.mark.parametrize("where", ["conversation", "channelData"])
async def test_an_activity_whose_two_tenant_ids_differ_is_refused_and_nothing_is_stored(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, where: str) -> None:
    """Teams names the tenant twice (`conversation.tenantId`, `channelData.tenant.id`), always the same one. Before,
    only channelData's was read (botbuilder maps `conversation.tenantID`, which Teams never sends), so an activity
    naming another tenant in its conversation and the federation's in channelData was served as the federation's.
    One that names two tenants is now refused, whichever is whose, and nothing is stored."""
    activity = message(CARYS, "hi", connector.url)
    other = "99999999-0000-4000-8000-000000000000"
    if where == "conversation":
        activity["conversation"]["tenantId"] = other
    else:
        activity["channelData"]["tenant"]["id"] = other

    response = await client.post("/api/messages", json=activity)

    assert response.status == 200
    assert "can't do that here" in json.dumps(connector.cards()[-1])
    assert await _user_rows(azurite, table_prefix) == 0


async def test_activity_without_entra_identity_is_refused(client: TestClient, connector: Connector, azurite: str,
                                                          table_prefix: str) -> None:
    activity = message({"id": "29:nobody", "name": "Nobody"}, "hi", connector.url)

    response = await client.post("/api/messages", json=activity)

    assert response.status == 200
    assert "can't do that here" in json.dumps(connector.cards()[-1])
    assert await _user_rows(azurite, table_prefix) == 0


async def test_health_and_readiness(client: TestClient) -> None:
    health = await client.get("/healthz")
    ready = await client.get("/readyz")

    assert (health.status, ready.status) == (200, 200)


@pytest.mark.parametrize("body", [
    pytest.param(b"[" * 120_000 + b"]" * 120_000, id="deeply nested"),
    pytest.param(b'{"type": "message", "x": ' + b"9" * 5000 + b"}", id="a 5000-digit number"),
])
async def test_json_the_parser_cannot_take_is_400_not_500(client: TestClient, body: bytes) -> None:
    response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})

    assert response.status == 400


async def test_card_data_nested_too_deep_is_400(client: TestClient, connector: Connector) -> None:
    activity = card_action(CARYS, "ask.feedback", {"q": "@@", "value": "helpful"}, connector.url)
    body = json.dumps(activity).replace('"@@"', "[" * 20_000 + '"x"' + "]" * 20_000)

    response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})

    assert response.status == 400 and connector.sent == []


# Texts whose reading took time growing with the square of their length (the mention and paragraph patterns tried
# every opening tag against the rest of the text): 240 KB of them held the event loop, and so every turn and the
# health check, for one to two minutes; within Teams' own 28 KB, a second or two a message.
SLOW_TO_READ = {
    "mentions never closed": "<at>" * 60_000,
    "paragraph tags never ended after a quote": ('<blockquote itemtype="http://schema.skype.com/Reply"></blockquote>'
                                                 + "<p " * 60_000),
}


@pytest.mark.parametrize("text", SLOW_TO_READ.values(), ids=SLOW_TO_READ.keys())
async def test_a_message_whose_markup_never_closes_is_read_at_once_and_refused_as_too_long(
        client: TestClient, connector: Connector, text: str) -> None:
    # The bound only stops a test that would otherwise hold the machine for minutes; the answer needs milliseconds.
    async with asyncio.timeout(60):
        response = await client.post("/api/messages", json=message(CARYS, text, connector.url))
        health = await client.get("/healthz")

    assert (response.status, health.status) == (200, 200)
    assert "too long" in json.dumps(connector.cards()[-1])


async def test_a_long_run_of_letters_is_not_read_as_a_typo(client: TestClient, connector: Connector,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo is found by dropping up to two letters from the word typed, in every way: for a run of n letters that
    is n squared strings of n letters. 4,000 letters pasted in one run (a code, a blob from an email) took 20 s of the
    event loop when they repeat, and of different letters would have taken 64 GB. No known word is that long, so no
    such run can be a typo of one: it is never spelled out."""
    expanded: list[int] = []
    real_deletions = typos.deletions

    def deletions(word: str, depth: int) -> set[str]:
        expanded.append(len(word))
        return real_deletions(word, depth)

    monkeypatch.setattr(typos, "deletions", deletions)

    response = await client.post("/api/messages", json=message(CARYS, "Can I post this? " + "ab" * 1990, connector.url))

    assert response.status == 200
    assert connector.cards()
    assert [length for length in expanded if length > 100] == []


@pytest.mark.parametrize("zone", ["\ud800", "Europe/London\x00", "../../etc/passwd", "zone.tab", "America",
                                  "Mars/Olympus_Mons", "Etc/GMT+12", "x" * 64, "y" * 5_000, "Europe/\u202eLondon"])
async def test_a_forged_time_zone_breaks_no_turn_of_hers_or_anyone_elses(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, zone: str) -> None:
    """Hostile probe 6: Teams' clientInfo `localTimezone` is the client's word, kept on the profile; a forged one (a
    lone surrogate, a NUL, a path, a file of the zone database that is not a zone, a directory, one that is not, a
    very long one) gives her a plain answer on this turn and the next, and the profile is written and read back."""
    hi = message(CARYS, "hi", connector.url)
    hi["entities"] = [{"type": "clientInfo", "locale": "en-GB", "localTimezone": zone}]
    first = await client.post("/api/messages", json=hi)
    second = await client.post("/api/messages", json=message(CARYS, "Can I use Facebook?", connector.url))

    assert (first.status, second.status) == (200, 200)
    assert "error" not in json.dumps(connector.cards()[-1]).lower()
    assert await _user_rows(azurite, table_prefix) == 1
