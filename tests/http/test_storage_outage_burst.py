"""Storage stops in the middle of a morning's burst (questions, concern reports, permission requests from thirty
people at once) and comes back: everyone is told plainly what happened to what they sent, nobody is told "nothing was
changed" about something that was kept, everything kept reaches the person it is for, and pressing Send again
afterwards makes nothing twice."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from app import SERVICES, STORE, create_app
from bot.domain.directory import read_staff_csv
from bot.settings import Settings
from bot.storage.directory import TableStaffDirectory
from tests.support.activities import GARETH, SIAN, card_action, message
from tests.support.concerns import GARETH_CHAT, REPO, SIAN_CHAT
from tests.support.connector import Connector
from tests.support.outage import storage_outage
from tests.support.policies import FIXTURE_POLICY_FILE
from tests.support.tables import every_row

PEOPLE = 30
QUESTION = "Can I be friends with pupils on Facebook?"
REPORT = re.compile(r"report number (\d+)\b")
REQUEST = re.compile(r"trip number (\d+)\b")


def _person(i: int) -> dict[str, str]:
    return {"id": f"29:p{i}", "name": f"Person {i:02d}", "aadObjectId": f"c1000000-0000-4000-8000-{i:012d}"}


def _chat(i: int) -> str:
    return f"a:personal-29:p{i}"


def _staff_list() -> str:
    rows = [f"Person {i:02d},p{i}@llanidloes.example.cymru,high,Teacher,gareth.hughes@llanidloes.example.cymru,"
            f"c1000000-0000-4000-8000-{i:012d}" for i in range(PEOPLE)]
    return (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8").strip() + "\n" + "\n".join(rows) + "\n"


# Whom each person's form says a report goes to (`goes_to`), as one opened now does: Gareth Hughes, the head, the chair.
_TO_GARETH = ("a1000000-0000-4000-8000-000000000004 a1000000-0000-4000-8000-000000000003 "
              "a1000000-0000-4000-8000-000000000006")


def _sent(i: int, connector_url: str) -> dict[str, Any]:
    """What person i sends: a question, a concern report or a permission request, each from its own form."""
    form = f"F-{i:016d}"
    if i % 3 == 0:
        return message(_person(i), QUESTION, connector_url)
    if i % 3 == 1:
        return card_action(_person(i), "concern.submit", {
            "what": f"Someone keeps sending me nasty messages, report number {i}", "since": "September",
            "where": "Teams chat", "who": "", "evidence": "", "meeting": "false", "urgent": "false", "form": form,
            "goes_to": _TO_GARETH}, connector_url)
    start = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    return card_action(_person(i), "permission.submit", {
        "school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
        "existing_account": "", "purpose": f"Share the Year 9 trip number {i} with parents.", "audience": "parents",
        "pupil_content": "work", "consent": "Only work, no names; parents opted in.", "moderator": f"Person {i:02d}",
        "moderation": "daily", "start": start, "end": "", "ongoing": "true", "confirm": "true", "form": form},
        connector_url)


def _heard(text: str) -> str:
    """What the person was told, in a word."""
    if "Something went wrong" in text:
        return "error"
    if "can't tell whether" in text:
        return "not sure"
    if "is saved, but" in text:
        return "saved, not sent yet"
    if "couldn't reach the bot's records" in text:
        return "nothing changed"
    if "Lots of staff are asking" in text:
        return "busy"
    return "done"


async def _send_all(client: TestClient, connector: Connector, people: list[int], *,
                    as_they_finish: Callable[[int], Awaitable[None]] | None = None) -> dict[int, str]:
    """Everyone in `people` sends at once; what each was told (the click's answer, or the reply in their chat)."""
    before = {i: len(connector.cards(_chat(i))) for i in people}

    async def one(i: int) -> tuple[int, aiohttp.ClientResponse, Any]:
        response = await client.post("/api/messages", json=_sent(i, connector.url))
        body = await response.json() if response.content_length else None
        return i, response, body

    answers: dict[int, Any] = {}
    finished = 0
    for done in asyncio.as_completed([one(i) for i in people]):
        i, response, body = await done
        assert response.status == 200, (i, response.status)
        answers[i] = body
        finished += 1
        if as_they_finish is not None:
            await as_they_finish(finished)
    await client.app[SERVICES].deliverer.drain()
    told = {}
    for i in people:
        said = [json.dumps(answers[i]["value"])] if answers[i] else []
        said += [json.dumps(card) for card in connector.cards(_chat(i))[before[i]:]]
        assert len(said) == 1, (i, said)  # one answer each: never silence, never two
        told[i] = _heard(said[0])
    return told


async def _stored(azurite: str, prefix: str) -> set[int]:
    """Whose report or request storage holds now (read from Azurite itself, not through the outage)."""
    rows = await every_row(azurite, prefix)
    text = json.dumps([rows.get(prefix + "reports", []), rows.get(prefix + "permissions", [])])
    return {int(n) for n in REPORT.findall(text) + REQUEST.findall(text)}


def _kept(cards: list[dict[str, Any]], pattern: re.Pattern[str], record: re.Pattern[str]) -> dict[int, set[str]]:
    """Whose report or request reached the holder, and under which references."""
    found: dict[int, set[str]] = {}
    for card in cards:
        text = json.dumps(card)
        for number in set(pattern.findall(text)):
            found.setdefault(int(number), set()).update(record.findall(text))
    return found


async def test_a_storage_outage_in_the_middle_of_a_burst_loses_nothing_and_everyone_is_told_plainly(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    async with storage_outage(azurite) as outage:
        settings = Settings.model_validate({
            "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": outage.connection_string,
            "TABLE_PREFIX": table_prefix, "POLICY_FILE": str(FIXTURE_POLICY_FILE), "STORAGE_TIMEOUT_SECONDS": 1,
            "DELIVERY_INTERVAL_SECONDS": 1, "CATCH_UP_INTERVAL_SECONDS": 1, "REPORT_CHECK_INTERVAL_SECONDS": 1,
            "OUTBOX_LEASE_SECONDS": 2,
            # Requests sent outside school hours wait for the morning; this burst is a school morning's.
            "SCHOOL_HOURS": "any"})
        client: TestClient = await aiohttp_client(create_app(settings))
        await TableStaffDirectory(client.app[STORE]).replace_all(
            read_staff_csv(_staff_list(), schools=["high", "primary"]).staff)
        for person in [GARETH, SIAN, *(_person(i) for i in range(PEOPLE))]:
            await client.post("/api/messages", json=message(person, "hi", connector.url))
        await client.app[SERVICES].deliverer.drain()

        async def storage_stops_then_comes_back(finished: int) -> None:
            if finished == PEOPLE // 5:
                await outage.down()
            elif finished == PEOPLE * 2 // 3:
                await outage.up()

        told = await _send_all(client, connector, list(range(PEOPLE)), as_they_finish=storage_stops_then_comes_back)
        await outage.up()  # (if the burst finished first)
        health = await client.get("/healthz")
        kept_then = await _stored(azurite, table_prefix)

        # Those told nothing changed, or that the bot can't tell, press Send (or ask) again once storage is back.
        again = [i for i, heard in told.items() if heard in {"nothing changed", "not sure"}]
        told_again = await _send_all(client, connector, again)

        # Everything kept reaches the line manager and the headteacher: the background passes send what is owed.
        reports = [i for i in range(PEOPLE) if i % 3 == 1]
        requests = [i for i in range(PEOPLE) if i % 3 == 2]
        async with asyncio.timeout(120):
            while not (set(reports) <= _kept(connector.cards(GARETH_CHAT), REPORT, re.compile(r"C-[A-Z0-9]{6}")).keys()
                       and set(requests) <= _kept(connector.cards(SIAN_CHAT), REQUEST,
                                                  re.compile(r"P-[A-Z0-9]{6}")).keys()):
                connector.event.clear()
                await connector.event.wait()  # the next card sent
        ready = await client.get("/readyz")

    assert health.status == 200
    assert ready.status == 200
    assert "nothing changed" in told.values(), told  # the outage was in the middle of the burst
    assert "done" in told.values(), told
    assert {"error", "busy"}.isdisjoint(told.values()), told
    assert set(told_again.values()) == {"done"}, told_again
    sent = {i: heard for i, heard in told.items() if i % 3}
    assert {i for i, heard in sent.items() if heard == "nothing changed"} & kept_then == set()
    assert {i for i, heard in sent.items() if heard in {"done", "saved, not sent yet"}} <= kept_then
    # Nobody told "nothing was changed" had their report or request kept then; each is kept once, under one reference.
    at_gareth = _kept(connector.cards(GARETH_CHAT), REPORT, re.compile(r"C-[A-Z0-9]{6}"))
    at_sian = _kept(connector.cards(SIAN_CHAT), REQUEST, re.compile(r"P-[A-Z0-9]{6}"))
    assert {i: len(refs) for i, refs in {**at_gareth, **at_sian}.items() if len(refs) != 1} == {}
    assert sorted(at_gareth) == reports and sorted(at_sian) == requests
