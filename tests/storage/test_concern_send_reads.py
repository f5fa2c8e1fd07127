"""Each concern turn reads the staff list from storage once, whatever it then needs of it: a Send (is the sender staff,
the colleague picked, her line manager, the form shown again), a holder's press (may he see it, the reminder still
owed), a reminder pass (every report it checks and reminds); counted by a proxy in front of Azurite."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.federation import load_federation
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from cards.i18n import load_catalogue
from dialogs.base import Scope, Turn
from dialogs.permission_requests import PermissionFlow
from tests.support.concerns import CALENDAR, REPO, concern_flow, import_staff
from tests.support.counted import counted_store

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
TABLES = ["reports", "audit", "directory", "outbox", "outboxsent", "users", "ratelimits", "permissions"]
# As a form opened now sends it, saying whom it goes to (`goes_to`: Gareth Hughes, Mrs Siân Roberts, the chair).
FORM = {"what": "Someone keeps sending me nasty direct messages about my lessons", "since": "September",
        "where": "Teams chat", "who": "", "evidence": "", "meeting": "false", "urgent": "false",
        "goes_to": "a1000000-0000-4000-8000-000000000004 a1000000-0000-4000-8000-000000000003 "
                   "a1000000-0000-4000-8000-000000000006"}


@pytest.mark.parametrize(("fields", "shown"), [
    ({}, "It went to Gareth Hughes."),
    ({"about": "owain.pritchard@llanidloes.example.cymru"}, "It went to Gareth Hughes."),
    ({"what": ""}, "Please tell us what has been happening."),
], ids=["naming nobody", "a colleague picked from the list", "the form again: nothing written"])
async def test_send_reads_the_staff_list_once(fields: dict[str, str], shown: str, azurite: str,
                                             table_prefix: str) -> None:
    async with counted_store(azurite, table_prefix, TABLES) as (store, counts):
        await import_staff(store)
        flow = concern_flow(store, datetime.now(UTC))
        before = counts.snapshot()

        reply = await flow.submit(Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.submit",
                                       data={**FORM, **fields}, is_invoke=True))

        reads = counts.by_kind["GET directory"] - before["GET directory"]
    assert shown in json.dumps(reply.card, ensure_ascii=False)
    assert reads == 1


async def test_opening_the_form_reads_the_staff_list_once(azurite: str, table_prefix: str) -> None:
    """Who the report would go to, and the colleagues to pick from, come from the same read."""
    async with counted_store(azurite, table_prefix, TABLES) as (store, counts):
        await import_staff(store)
        flow = concern_flow(store, datetime.now(UTC))
        before = counts.snapshot()

        reply = await flow.form(Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, text="report a concern"))

        reads = counts.by_kind["GET directory"] - before["GET directory"]
    shown = json.dumps(reply.card, ensure_ascii=False)
    assert "Gareth Hughes" in shown and "Owain Pritchard" in shown  # a colleague listed (by object id, not address)
    assert reads == 1


GARETH = Person(CARYS.tenant_id, "a1000000-0000-4000-8000-000000000004", "Gareth Hughes")


async def _sent_by_carys(store: TableStore, now: datetime, **fields: str) -> str:
    """A report Carys sends (to Gareth, her line manager): its reference."""
    reply = await concern_flow(store, now).submit(Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL,
                                                       verb="concern.submit", data={**FORM, **fields},
                                                       is_invoke=True))
    found = re.search(r"C-[A-Z0-9]{6}", json.dumps(reply.card))
    assert found, "no receipt"
    return found[0]


@pytest.mark.parametrize(("verb", "data", "shown"), [
    ("concern.acknowledge", {}, "Acknowledged"),
    ("concern.escalate", {"note": "Please take this on"}, "Passed to Mrs Siân Roberts"),
    ("concern.show", {}, "Acknowledge"),
], ids=["acknowledge", "pass it up", "show"])
async def test_a_holders_press_reads_the_staff_list_once(verb: str, data: dict[str, str], shown: str, azurite: str,
                                                         table_prefix: str) -> None:
    async with counted_store(azurite, table_prefix, TABLES) as (store, counts):
        await import_staff(store)
        now = datetime.now(UTC)
        reference = await _sent_by_carys(store, now)
        flow = concern_flow(store, now)
        before = counts.snapshot()

        reply = await flow.verbs()[verb].handler(Turn(actor=GARETH, lang=Lang.EN, scope=Scope.PERSONAL, verb=verb,
                                                      data={"ref": reference, **data}, is_invoke=True))

        reads = counts.by_kind["GET directory"] - before["GET directory"]
    assert shown in json.dumps(reply.card, ensure_ascii=False)
    assert reads == 1


async def test_a_reminder_pass_reads_the_staff_list_once(azurite: str, table_prefix: str) -> None:
    """Two reports waiting two working days: each reminded, from one read of the list for the whole pass."""
    async with counted_store(azurite, table_prefix, TABLES) as (store, counts):
        await import_staff(store)
        sent = datetime.now(UTC)
        for what in ("Nasty direct messages about my lessons", "Comments about my appearance in the staff chat"):
            await _sent_by_carys(store, sent, what=what)
        flow = concern_flow(store, CALENDAR.add_working_days(sent, 2) + timedelta(minutes=1))
        before = counts.snapshot()

        done = await flow.check_reports()

        reads = counts.by_kind["GET directory"] - before["GET directory"]
    assert done == 2
    assert reads == 1


async def test_acknowledging_a_report_whose_reminder_is_still_owed_reads_the_staff_list_once(
        azurite: str, table_prefix: str) -> None:
    """The reminder a fault left unqueued goes first (it says when the report is passed up, on the holder's working
    days), from the same read that checked Gareth may see the report."""
    async with counted_store(azurite, table_prefix, TABLES) as (store, counts):
        await import_staff(store)
        now = datetime.now(UTC)
        reference = await _sent_by_carys(store, now)
        reports = TableConcernReports(store)
        sent = await reports.get(reference)
        await reports.save(replace(sent, reminded_at=now, owed="reminded"), "reminded", "task", at=now)
        flow = concern_flow(store, now)
        before = counts.snapshot()

        reply = await flow.acknowledge(Turn(actor=GARETH, lang=Lang.EN, scope=Scope.PERSONAL,
                                            verb="concern.acknowledge", data={"ref": reference}, is_invoke=True))

        reads = counts.by_kind["GET directory"] - before["GET directory"]
        owed = (await reports.get(reference)).owed
    assert "Acknowledged" in json.dumps(reply.card, ensure_ascii=False)
    assert owed == ""
    assert reads == 1


async def test_opening_the_permission_form_reads_the_staff_list_once(azurite: str, table_prefix: str) -> None:
    """Is she staff, and which school to choose first, come from the same read."""
    async with counted_store(azurite, table_prefix, TABLES) as (store, counts):
        await import_staff(store)
        flow = PermissionFlow(strings=load_catalogue(), federation=load_federation(REPO / "config" /
                                                                                   "federation.local.json"),
                              requests=TablePermissionRequests(store), notifier=QueueingNotifier(TableOutbox(store)),
                              profiles=TableUserProfiles(store), directory=TableStaffDirectory(store),
                              limiter=TableRateLimiter(store), request_limit=10, clock=lambda: datetime.now(UTC))
        before = counts.snapshot()

        reply = await flow.form(Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, text="request permission"))

        reads = counts.by_kind["GET directory"] - before["GET directory"]
    assert '"value": "high"' in json.dumps(reply.card, ensure_ascii=False)  # her own school chosen first
    assert reads == 1
