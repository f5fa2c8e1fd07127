"""Private reports at HTTP level and in the background task, against Azurite."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE
from bot.domain.directory import read_staff_csv
from bot.domain.federation import load_federation
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.outbox import TableOutbox
from bot.storage.tables import TableStore, service_client
from bot.storage.users import TableUserProfiles
from cards.i18n import load_catalogue
from dialogs.base import Scope, Turn
from dialogs.concerns import ConcernFlow
from tests.support.activities import CARYS, GARETH, OWAIN, SIAN, TENANT, card_action, message
from tests.support.cards import verb_data
from tests.support.connector import Connector

REPO = Path(__file__).resolve().parents[2]
SECRET = "Dafydd from the science department keeps sending me nasty direct messages about my lessons"
CARYS_CHAT, GARETH_CHAT = "a:personal-29:carys", "a:personal-29:gareth"


async def _import_staff(store: TableStore) -> None:
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"])
    await TableStaffDirectory(store).replace_all(staff.staff)


@pytest.fixture
async def staffed(client: TestClient) -> TestClient:
    await _import_staff(client.app[STORE])
    return client


async def _hi(client: TestClient, connector: Connector, *people: dict[str, str]) -> None:
    for person in people:
        await client.post("/api/messages", json=message(person, "hi", connector.url))
    await client.app[SERVICES].deliverer.drain()


async def _report(client: TestClient, connector: Connector, user: dict[str, str] = CARYS,
                  **fields: str) -> dict[str, Any]:
    values = {"what": SECRET, "since": "September", "where": "Teams chat", "who": "Dafydd", "evidence": "",
              "meeting": "true", "urgent": "false", **fields}
    response = await client.post("/api/messages", json=card_action(user, "concern.submit", values, connector.url))
    await client.app[SERVICES].deliverer.drain()
    body: dict[str, Any] = (await response.json())["value"]
    return body


async def test_report_reaches_the_line_manager_who_acknowledges(staffed: TestClient, connector: Connector) -> None:
    await _hi(staffed, connector, CARYS, GARETH)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url))
    form = json.dumps(connector.cards(CARYS_CHAT)[-1])

    receipt = await _report(staffed, connector)
    holder = connector.cards(GARETH_CHAT)[-1]
    acknowledged = await staffed.post("/api/messages", json=card_action(
        GARETH, "concern.acknowledge", verb_data(holder, "concern.acknowledge"), connector.url))
    await staffed.app[SERVICES].deliverer.drain()

    assert "Only Gareth Hughes will see this report" in form
    assert "It went to Gareth Hughes." in json.dumps(receipt) and "is your line manager" in json.dumps(receipt)
    assert SECRET in json.dumps(holder)
    assert "Acknowledged" in json.dumps(await acknowledged.json())
    assert "was acknowledged" in json.dumps(connector.cards(CARYS_CHAT)[-1])


async def test_started_in_a_group_it_leaks_nothing_there(staffed: TestClient, connector: Connector) -> None:
    await _hi(staffed, connector, CARYS)

    said = await staffed.post("/api/messages", json=message(
        CARYS, "<at>Policy Helper</at> a colleague keeps messaging me", connector.url, conversation_type="groupChat"))
    clicked = await staffed.post("/api/messages", json=card_action(
        CARYS, "concern.submit", {"what": SECRET}, connector.url, conversation_type="groupChat"))
    await staffed.app[SERVICES].deliverer.drain()

    assert said.status == 200 and clicked.status == 200
    assert connector.cards("19:group") == []
    assert SECRET not in json.dumps(await clicked.json())
    assert "Tell us privately" in json.dumps(connector.cards(CARYS_CHAT)[-1])


async def test_a_stranger_learns_nothing(staffed: TestClient, connector: Connector, azurite: str,
                                         table_prefix: str) -> None:
    await _hi(staffed, connector, CARYS, GARETH)
    receipt = await _report(staffed, connector)
    reference = json.dumps(receipt).split("Your report ")[1].split()[0]

    real = await staffed.post("/api/messages", json=card_action(OWAIN, "concern.acknowledge", {"ref": reference},
                                                                connector.url))
    made_up = await staffed.post("/api/messages", json=card_action(OWAIN, "concern.acknowledge", {"ref": "C-ZZZZZZ"},
                                                                   connector.url))

    assert (await real.json())["value"] == (await made_up.json())["value"]
    assert SECRET not in json.dumps(await real.json())
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as reports:
        record = await reports.get_entity(reference, "report")
    assert record["State"] == "open" and record.get("AcknowledgedAt") is None


async def test_headteachers_report_goes_to_the_chair(staffed: TestClient, connector: Connector) -> None:
    receipt = await _report(staffed, connector, SIAN)

    assert "As headteacher, your report goes to Mr Huw Davies." in json.dumps(receipt)


async def test_no_manager_known_goes_to_the_headteacher(client: TestClient, connector: Connector) -> None:
    receipt = await _report(client, connector, OWAIN)

    assert "couldn't find your line manager, so it went to Mrs Siân Roberts" in json.dumps(receipt,
                                                                                            ensure_ascii=False)


async def test_report_text_never_reaches_the_logs(staffed: TestClient, connector: Connector,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await _hi(staffed, connector, CARYS, GARETH)

    await _report(staffed, connector)
    holder = connector.cards(GARETH_CHAT)[-1]
    await staffed.post("/api/messages", json=card_action(GARETH, "concern.escalate",
                                                         {**verb_data(holder, "concern.escalate"),
                                                          "note": "Escalating: Dafydd again"}, connector.url))
    await staffed.app[SERVICES].deliverer.drain()

    assert caplog.records, "logging was not captured, so this test would prove nothing"
    assert not any("Dafydd" in record.getMessage() or "Dafydd" in str(record.__dict__) for record in caplog.records)


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["reports", "audit", "outbox", "users", "directory"])
        await _import_staff(tables)
        yield tables


def _flow(store: TableStore, now: datetime) -> ConcernFlow:
    directory = TableStaffDirectory(store)
    return ConcernFlow(strings=load_catalogue(), federation=load_federation(REPO / "config" / "federation.local.json"),
                       reports=TableConcernReports(store), directory=directory, managers=[directory],
                       notifier=QueueingNotifier(TableOutbox(store)), profiles=TableUserProfiles(store),
                       clock=lambda: now)


async def test_reminder_then_escalation_run_twice_at_once_send_once(store: TableStore) -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    carys = Person(TENANT, CARYS["aadObjectId"], "Carys Jenkins")
    await _flow(store, monday).submit(Turn(actor=carys, lang=Lang.EN, scope=Scope.PERSONAL,
                                           verb="concern.submit", data={"what": "unkind messages"}, is_invoke=True))
    outbox = TableOutbox(store)
    gareth = Person(TENANT, GARETH["aadObjectId"])
    sian = Person(TENANT, SIAN["aadObjectId"])

    tuesday = _flow(store, monday + timedelta(days=1))  # one working day: too early
    thursday = _flow(store, monday + timedelta(days=3))  # two working days: remind
    friday = _flow(store, monday + timedelta(days=4))  # one working day after the reminder: too early
    next_monday = _flow(store, monday + timedelta(days=7))  # two working days after it (weekend skipped): escalate
    early = await tuesday.check_reports()
    reminded = await asyncio.gather(thursday.check_reports(), thursday.check_reports())
    not_yet = await friday.check_reports()
    escalated = await asyncio.gather(next_monday.check_reports(), next_monday.check_reports())

    assert early == 0 and sorted(reminded) == [0, 1] and not_yet == 0 and sorted(escalated) == [0, 1]
    to_gareth = [m.message_id for m in await outbox.list_for_recipient(gareth)]
    to_sian = [m.message_id for m in await outbox.list_for_recipient(sian)]
    assert sum(m.endswith("|reminder") for m in to_gareth) == 1
    assert sum(m.endswith("|escalated") for m in to_sian) == 1


async def test_purge_deletes_expired_reports_and_keeps_a_trace(store: TableStore, azurite: str,
                                                              table_prefix: str) -> None:
    then = datetime(2023, 1, 9, 9, 0, tzinfo=UTC)
    reports = TableConcernReports(store)
    carys = Person(TENANT, CARYS["aadObjectId"], "Carys Jenkins")
    await _flow(store, then).submit(Turn(actor=carys, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.submit",
                                         data={"what": "old matter"}, is_invoke=True))
    [old] = await reports.list_all()
    await reports.save(replace(old, state=old.state.CLOSED, closed_at=then + timedelta(days=3)), "closed", "test")

    kept = await _flow(store, then + timedelta(days=300)).purge(months=24)
    deleted = await _flow(store, datetime(2025, 6, 1, tzinfo=UTC)).purge(months=24)

    assert kept == [] and deleted == [old.reference]
    assert await reports.list_all() == []
    async with TableClient.from_connection_string(azurite, table_prefix + "audit") as audit:
        [trace] = [row async for row in audit.list_entities()]
    assert trace["Reference"] == old.reference and "old matter" not in json.dumps(trace, default=str)

