"""Reads over more than 1,000 rows, over Azurite: the Table service answers a query 1,000 entities a page at most, so
a read that stops at the first page would leave the rest out (and the service may stop a page sooner, at a partition's
edge or after five seconds). Each test stores more than 1,000 and checks that every one is handled."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from azure.data.tables.aio import TableClient

from bot.__main__ import main as bot_main
from bot.domain.concerns import ConcernReport, ReportState, Route
from bot.domain.limits import Limit
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState
from bot.domain.policy_reads import AskedStaff
from bot.domain.policy_versions import PolicyVersion
from bot.domain.questions import QuestionRecord
from bot.policy.loader import DEFAULT_POLICY_FILE
from bot.storage.concerns import TableConcernReports
from bot.storage.limits import TableRateLimiter
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.policy_reads import TablePolicyReads
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.questions import TableQuestionLog
from bot.storage.tables import TableStore, service_client
from tests.support.concerns import concern_flow
from tests.support.counted import counted_store

REPO = Path(__file__).resolve().parents[2]
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PAGE = 1000  # the most entities the Table service returns for one request


async def test_the_retention_pass_forgets_every_ended_day_past_the_first_1000(azurite: str, table_prefix: str) -> None:
    """1,200 people's ended days of one limit, and one day still running: the pass deletes all 1,200, keeps that one."""
    reports = Limit("reports", 3)
    later = NOW + timedelta(days=1, hours=1)
    async with counted_store(azurite, table_prefix, ["ratelimits"]) as (store, _):
        limiter = TableRateLimiter(store)
        await limiter.take(reports, "tenant|running", later)
        await limiter.take(reports, "tenant|ended", NOW)
        async with TableClient.from_connection_string(azurite, table_prefix + "ratelimits") as table:
            ended = dict(await table.get_entity(*[(str(r["PartitionKey"]), str(r["RowKey"]))
                                                  async for r in table.list_entities()
                                                  if r["RowKey"] == "tenant|ended"][0]))
            people = [f"tenant|person-{n:05d}" for n in range(1200)]
            for at in range(0, len(people), 100):  # one partition per limit: transactions of 100
                await table.submit_transaction([("upsert", {**ended, "RowKey": who}) for who in people[at:at + 100]])
            before = [r async for r in table.list_entities()]

            await limiter.forget_ended_days(later + timedelta(hours=1))

            left = sorted([str(r["RowKey"]) async for r in table.list_entities()])
    assert len(before) == 1202 > PAGE
    assert left == ["tenant|running"]


async def _decided_requests(azurite: str, table_prefix: str, count: int) -> set[str]:
    """`count` requests declined in November 2026, each its own partition (so written one by one, 50 at a time)."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=10) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=10)
        await tables.ensure_tables(["permissions", "permissionindex"])
        store = TablePermissionRequests(tables)
        made = []
        for n in range(count):
            requester = Person(TENANT, f"a1000000-0000-4000-8000-{n:012d}", f"Member of staff {n}")
            asked = NOW - timedelta(days=20, minutes=n)
            made.append(PermissionRequest(
                request_id=f"P-{n:06d}", requester=requester, school_id="high", platform="instagram",
                platform_other="", account_kind="new", existing_account="", purpose=f"Class page {n}",
                audiences=("parents",), pupil_content=("none",), consent="", moderator=requester.name,
                moderation="daily", start=date(2026, 12, 1), end=None, submitted_at=asked, state=RequestState.DECLINED,
                decided_by="Siân Roberts", decided_at=asked + timedelta(days=1), reason="Not this term"))
        for at in range(0, count, 50):
            await asyncio.gather(*(store.create(r, AuditEntry(r.request_id, "declined", "head", "Siân Roberts",
                                                              r.decided_at or NOW)) for r in made[at:at + 50]))
    return {r.request_id for r in made}


async def test_export_decisions_writes_every_decision_past_the_first_1000(azurite: str, table_prefix: str,
                                                                            tmp_path: Path) -> None:
    every = await _decided_requests(azurite, table_prefix, 1100)
    out = tmp_path / "decisions.csv"
    env = {**os.environ, "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix}

    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot", "export-decisions", "--from", "2026-11-01", "--to", "2026-11-30",
                         "--out", str(out)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert len(rows) == len(every) > PAGE
    assert {row[0] for row in rows} == every


async def _copies(azurite: str, table: str, row: dict[str, Any], changes: Sequence[dict[str, Any]]) -> None:
    """`row` stored again once per change (its keys and columns replaced by it), 100 to a transaction: each table here
    keeps these rows in one partition."""
    async with TableClient.from_connection_string(azurite, table) as client:
        for at in range(0, len(changes), 100):
            await client.submit_transaction([("upsert", {**row, **change}) for change in changes[at:at + 100]])


async def _raw(azurite: str, table: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table) as client:
        return [dict(row) async for row in client.list_entities()]




async def test_export_acknowledgements_lists_everyone_asked_and_every_confirmation_past_the_first_1000(
        tool_environment: None, azurite: str, table_prefix: str, tmp_path: Path) -> None:
    """1,100 people asked to read version 2 and 1,100 confirmations (staff come and go over the years a version is in
    force): every one is a row of the file, "read", with its email; none is "not on the staff list"."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=10) as service:
        store = TableStore(service, prefix=table_prefix, timeout=10)
        await store.ensure_tables(["policies", "policyreads", "directory"])
        data = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
        await TablePolicyVersions(store).publish(
            PolicyVersion("2", "0" * 64, "Social media policy", NOW, "Mrs Siân Roberts"), data, expected=None)
        reads = TablePolicyReads(store)
        first = Person(TENANT, "a1000000-0000-4000-8000-000000000000", "Member of staff 0")
        await reads.add_asked("2", AskedStaff("staff0@llanidloes.example.cymru", first.name, "high",
                                              first.aad_object_id, NOW))
        await reads.confirm("2", first, NOW + timedelta(hours=1))
    rows = {str(r["RowKey"]).partition("|")[0]: r for r in await _raw(azurite, table_prefix + "policyreads")}
    people = [(f"staff{n}@llanidloes.example.cymru", f"a1000000-0000-4000-8000-{n:012d}", f"Member of staff {n}")
              for n in range(1, 1100)]
    await _copies(azurite, table_prefix + "policyreads", rows["asked"],
                  [{"RowKey": f"asked|{email}", "Email": email, "ObjectId": object_id, "Name": name}
                   for email, object_id, name in people])
    await _copies(azurite, table_prefix + "policyreads", rows["read"],
                  [{"RowKey": f"read|{TENANT}|{object_id}", "ObjectId": object_id, "Name": name}
                   for _, object_id, name in people])
    out = tmp_path / "reads.csv"

    code = await asyncio.to_thread(bot_main, ["export-acknowledgements", "--version", "2", "--out", str(out)])

    assert code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == 1 + len(people) > PAGE
    assert {r["email"] for r in written} == {"staff0@llanidloes.example.cymru", *(email for email, _, _ in people)}
    assert {r["status"] for r in written} == {"read"}


SUBJECT = Person(TENANT, "a1000000-0000-4000-8000-00000000beef", "Carys Jenkins")


async def _questions(azurite: str, table_prefix: str) -> tuple[set[str], set[str]]:
    """1,200 questions kept over the years (one partition), every twelfth asked by `SUBJECT` (100 of them, throughout
    the partition), the rest by colleagues: (hers, theirs) by question id."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=10) as service:
        store = TableStore(service, prefix=table_prefix, timeout=10)
        await store.ensure_tables(["questions", "outbox", "outboxsent", "users", "ratelimits"])
        await TableQuestionLog(store).add(QuestionRecord(
            question_id="Q-00000", asker=SUBJECT, text="How many days of annual leave do I get?", lang=Lang.EN,
            asked_at=datetime.now(UTC) - timedelta(days=30), answered=False))
    [row] = await _raw(azurite, table_prefix + "questions")
    hers = {f"Q-{n:05d}" for n in range(0, 1200, 12)}
    others = {f"Q-{n:05d}" for n in range(1200)} - hers
    colleague = [f"a1000000-0000-4000-8000-{n:012d}" for n in range(1200)]
    await _copies(azurite, table_prefix + "questions", row, [
        {"RowKey": question, "ObjectId": colleague[int(question[2:])], "AskerName": "A colleague"}
        for question in sorted(others)] + [{"RowKey": question} for question in sorted(hers - {"Q-00000"})])
    return hers, others


async def test_export_subject_access_finds_every_question_she_asked_past_the_first_1000(
        tool_environment: None, azurite: str, table_prefix: str, tmp_path: Path) -> None:
    hers, others = await _questions(azurite, table_prefix)
    folder = tmp_path / "sar"

    code = await asyncio.to_thread(bot_main, ["export-subject-access", SUBJECT.aad_object_id, "--out", str(folder)])

    assert code == 0
    records = json.loads((folder / "records.json").read_text(encoding="utf-8"))
    found = {row["reference"] for row in records["rows"] if row["what"] == "question they asked"}
    assert len(hers) + len(others) > PAGE
    assert found == hers


async def test_erase_person_deletes_every_question_she_asked_past_the_first_1000(
        tool_environment: None, azurite: str, table_prefix: str) -> None:
    hers, others = await _questions(azurite, table_prefix)

    code = await asyncio.to_thread(bot_main, ["erase-person", SUBJECT.aad_object_id, "--yes"])

    left = {str(r["RowKey"]) for r in await _raw(azurite, table_prefix + "questions")}
    assert code == 0
    assert len(hers) + len(others) > PAGE
    assert left == others


CLOSED = datetime.now(UTC) - timedelta(days=915)  # 30 months ago: past the 24 months' retention
GARETH = StaffContact("a1000000-0000-4000-8000-000000000004", "Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")


async def test_the_retention_pass_deletes_every_expired_report_past_the_first_1000(
        azurite: str, table_prefix: str) -> None:
    """1,110 concern reports (one partition each), every eighteenth closed 30 months ago (62 of them, spread through
    the table as references are), the rest closed last month: the pass deletes the 62 and keeps the others."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=10) as service:
        store = TableStore(service, prefix=table_prefix, timeout=10)
        await store.ensure_tables(["reports", "audit", "outbox", "outboxsent", "users", "ratelimits"])
        recent = datetime.now(UTC) - timedelta(days=30)
        made = [ConcernReport(
            reference=f"C-{n:06d}", reporter=SUBJECT, what="Messages late at night", since="September",
            where="Teams chat", who="", evidence="", wants_meeting=False, urgent=False,
            submitted_at=(CLOSED if n % 18 == 0 else recent) - timedelta(days=7), chain=(GARETH,),
            route=Route.LINE_MANAGER) for n in range(1110)]
        made = [replace(r, state=ReportState.CLOSED, closed_at=r.submitted_at + timedelta(days=7)) for r in made]
        reports = TableConcernReports(store)
        for at in range(0, len(made), 50):
            await asyncio.gather(*(reports.create(r) for r in made[at:at + 50]))
        expired = {r.reference for r in made if r.closed_at == CLOSED}

        deleted = await concern_flow(store, datetime.now(UTC)).purge(months=24)

        left = {r.reference for r in await reports.list_all()}
    assert len(made) > PAGE
    assert set(deleted) == expired and len(expired) == 62
    assert left == {r.reference for r in made} - expired
