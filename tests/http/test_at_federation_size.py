"""The heads' lists at the size of a federation after a year or two, through the real app over Azurite: every card
stays within Teams' 28 KB and nobody on the list is out of reach."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app import STORE
from bot.domain.federation import load_federation
from bot.domain.people import Lang, Person
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState, decide
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.tables import TableStore, service_client
from cards.elements import MAX_CARD_BYTES, card_bytes
from tests.support.activities import CARYS, SIAN, TENANT, card_action
from tests.support.cards import press
from tests.support.connector import Connector

REPO = Path(__file__).resolve().parents[2]
FEDERATION = load_federation(REPO / "config" / "federation.local.json")
FIRST = ["Angharad", "Bethan", "Carys", "Dafydd", "Elinor", "Ffion", "Gwenllian", "Hywel", "Llŷr", "Siân", "Rhodri",
         "Alexandra-Louise"]
LAST = ["Davies", "Llewellyn-Jones", "Vaughan-Thomas", "Prys-Griffiths", "Hughes", "Ap Gwilym-Roberts", "Pritchard"]
REQUEST_ID = re.compile(r"P-[A-Z0-9]{6}")
LOCALES = {Lang.EN: "en-GB", Lang.CY: "cy-GB"}


def _staff(count: int) -> list[Person]:
    names = itertools.islice(itertools.cycle(itertools.product(FIRST, LAST)), count)
    return [Person(TENANT, f"c{n:07d}-0000-4000-8000-000000000000", f"{first} {last}")
            for n, (first, last) in enumerate(names)]


async def _approved_accounts(client: TestClient, count: int) -> set[str]:
    """`count` approved permissions still in force, each with an account name and purpose of a usual length; their
    notifications were sent at the time (none owed: the bot's delivery pass would otherwise send 300 cards while the
    test reads the head's list)."""
    store = TablePermissionRequests(client.app[STORE])
    head = Person(TENANT, SIAN["aadObjectId"], SIAN["name"])
    asked = datetime.now(UTC) - timedelta(days=400)
    ids = []
    for n, person in enumerate(_staff(count)):
        request = PermissionRequest(
            request_id=f"P-{n:06d}", requester=person, school_id="high" if n % 3 else "primary",
            platform="instagram" if n % 2 else "facebook", platform_other="", account_kind="existing",
            existing_account=f"@Llanidloes{person.name.split()[-1].replace('-', '')}Class{n}",
            purpose="Share the class's work and trips with parents, weekly, photos without names.",
            audiences=("parents",), pupil_content=("work",), consent="Parents opted in on the annual form.",
            moderator=person.name, moderation="weekly", start=date.today() - timedelta(days=30), end=None,
            submitted_at=asked + timedelta(minutes=n))
        approved = decide(request, head, FEDERATION, approve=True, reason="", comment="Go ahead",
                          now=asked + timedelta(minutes=n, seconds=30))
        ids.append((approved, AuditEntry(approved.request_id, "approved", head.aad_object_id, head.name,
                                         approved.submitted_at)))
    for at in range(0, len(ids), 25):
        await asyncio.gather(*(store.create(request, audit) for request, audit in ids[at:at + 25]))
        await asyncio.gather(*(store.queued(request.request_id, request.state) for request, _ in ids[at:at + 25]))
    return {request.request_id for request, _ in ids}


@pytest.fixture
async def forty_of_carys(azurite: str, table_prefix: str) -> AsyncIterator[set[str]]:
    """40 requests by Carys over the years, stored before the bot starts (the ids)."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["permissions", "permissionindex"])
        yield await _one_persons_requests(TablePermissionRequests(tables), 40)


async def _one_persons_requests(store: TablePermissionRequests, count: int) -> set[str]:
    """`count` requests by Carys over the years, one in four still waiting, the rest decided; their notifications were
    sent at the time (none owed, so none arrives while the test reads her list)."""
    carys, head = Person(TENANT, CARYS["aadObjectId"], CARYS["name"]), Person(TENANT, SIAN["aadObjectId"], SIAN["name"])
    asked = datetime.now(UTC) - timedelta(days=800)
    made = []
    for n in range(count):
        request = PermissionRequest(
            request_id=f"P-C{n:05d}", requester=carys, school_id="high", platform="instagram",
            platform_other="", account_kind="new", existing_account="",
            purpose=f"Share Year {7 + n % 5} trip {n} with parents, photos without names, weekly.",
            audiences=("parents",), pupil_content=("work",), consent="Parents opted in on the annual form.",
            moderator=carys.name, moderation="weekly", start=date.today() + timedelta(days=30), end=None,
            submitted_at=asked + timedelta(days=20 * n))
        if n % 4:
            request = decide(request, head, FEDERATION, approve=bool(n % 2), reason="" if n % 2 else "Not for now",
                             comment="", now=request.submitted_at + timedelta(hours=1))
        made.append((request, AuditEntry(request.request_id, "submitted", carys.aad_object_id, carys.name,
                                         request.submitted_at)))
    for at in range(0, len(made), 20):
        await asyncio.gather(*(store.create(request, audit) for request, audit in made[at:at + 20]))
        await asyncio.gather(*(store.queued(request.request_id, request.state) for request, _ in made[at:at + 20]))
    assert sum(request.state is RequestState.PENDING for request, _ in made) == count // 4
    return {request.request_id for request, _ in made}


def _pressable(card: dict[str, Any], verb: str) -> dict[str, Any] | None:
    found = [node for node in _nodes(card) if node.get("type") == "Action.Execute" and node.get("verb") == verb]
    return found[0].get("data", {}) if found else None


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *itertools.chain.from_iterable(_nodes(value) for value in node.values())]
    if isinstance(node, list):
        return list(itertools.chain.from_iterable(_nodes(value) for value in node))
    return []


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_official_accounts_list_pages_through_300_accounts_within_28_kb(
        client: TestClient, connector: Connector, lang: Lang) -> None:
    """300 approved accounts made one card of about 150 KB, which Teams refuses: the headteacher saw nothing. Now
    each card shows as many as fit, says how many there are, and 'Show more' opens the next, until every one has
    been shown once."""
    every = await _approved_accounts(client, 300)

    pages = [await press(client, connector, card_action(SIAN, "permission.register", {}, connector.url,
                                                        locale=LOCALES[lang]))]
    while (more := _pressable(pages[-1], "permission.register")) and len(pages) < 40:
        pages.append(await press(client, connector, card_action(SIAN, "permission.register", more, connector.url,
                                                                locale=LOCALES[lang])))

    shown = [REQUEST_ID.findall(json.dumps(page, ensure_ascii=False)) for page in pages]
    assert all(card_bytes(page) <= MAX_CARD_BYTES for page in pages)
    assert sorted(itertools.chain.from_iterable(shown)) == sorted(every)  # each once, none left out
    assert len(pages) > 1 and "300" in json.dumps(pages[0], ensure_ascii=False)
    more_title = {Lang.EN: "Show more", Lang.CY: "Dangos rhagor"}[lang]
    assert all(more_title in json.dumps(page, ensure_ascii=False) for page in pages[:-1])


@pytest.mark.parametrize("lang", list(Lang))
async def test_my_requests_pages_through_40_requests(forty_of_carys: set[str], client: TestClient,
                                                     connector: Connector, lang: Lang) -> None:
    """A member of staff with 40 requests saw the newest 20 and "20 more (older) not shown here", with no way to
    reach the older ones. Now the list says how many there are and 'Show more' opens the next, newest first, until
    every one has been shown once."""
    every = forty_of_carys

    pages = [await press(client, connector, card_action(CARYS, "permission.mine", {}, connector.url,
                                                        locale=LOCALES[lang]))]
    while (more := _pressable(pages[-1], "permission.mine")) and len(pages) < 10:
        pages.append(await press(client, connector, card_action(CARYS, "permission.mine", more, connector.url,
                                                                locale=LOCALES[lang])))

    shown = [list(dict.fromkeys(REQUEST_ID.findall(json.dumps(page, ensure_ascii=False)))) for page in pages]
    assert all(card_bytes(page) <= MAX_CARD_BYTES for page in pages)
    assert sorted(itertools.chain.from_iterable(shown)) == sorted(every)  # each once, none out of reach
    assert list(itertools.chain.from_iterable(shown)) == sorted(every, reverse=True)  # newest first
    assert len(pages) > 1 and "40" in json.dumps(pages[0], ensure_ascii=False)
    more_title = {Lang.EN: "Show more", Lang.CY: "Dangos rhagor"}[lang]
    assert all(more_title in json.dumps(page, ensure_ascii=False) for page in pages[:-1])
