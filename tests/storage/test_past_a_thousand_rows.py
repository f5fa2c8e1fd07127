"""Reads over more than 1,000 rows, over Azurite: the Table service answers a query 1,000 entities a page at most, so
a read that stops at the first page would leave the rest out. Each test stores more than 1,000 and checks that every
one is handled."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from azure.data.tables.aio import TableClient

from bot.domain.limits import Limit
from bot.domain.people import Person
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState
from bot.storage.limits import TableRateLimiter
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.tables import TableStore, service_client
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
