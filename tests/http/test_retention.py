"""Retention runs by itself: the running bot deletes concern reports 24 months after closure, on every instance,
each report once, leaving one trace; and questions 12 months after they were asked or answered."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from azure.data.tables.aio import TableClient

from bot.domain.concerns import ConcernReport, ReportState
from bot.domain.federation import load_federation
from bot.domain.limits import Limit
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person
from bot.domain.questions import QuestionRecord, new_question_id
from bot.settings import Settings
from bot.storage.concerns import PURGE_LEASE, TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import SENT_TABLE, TableOutbox
from bot.storage.questions import TableQuestionLog
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from cards.i18n import load_catalogue
from dialogs.base import Scope, Turn
from dialogs.concerns import ConcernFlow
from tests.support.activities import CARYS, OWAIN, TENANT
from tests.support.concerns import send_as_she_would
from tests.support.live import live_bot

REPO = Path(__file__).resolve().parents[2]
WORDS = "the words of an old report that must not outlive its retention"
CLOSED = datetime(2023, 1, 12, 9, 0, tzinfo=UTC)
PAST_RETENTION = datetime(2025, 2, 1, 9, 0, tzinfo=UTC)  # 24 months after CLOSED have passed
# Every daily limit the flows count (the `ratelimits` table's partitions).
DAILY_LIMITS = ("reports", "escalations", "requests", "questions", "replies", "typed")


def _flow(store: TableStore, now: datetime) -> ConcernFlow:
    directory = TableStaffDirectory(store)
    return ConcernFlow(strings=load_catalogue(), federation=load_federation(REPO / "config" / "federation.local.json"),
                       reports=TableConcernReports(store), directory=directory, managers=[directory],
                       notifier=QueueingNotifier(TableOutbox(store)), profiles=TableUserProfiles(store),
                       limiter=TableRateLimiter(store), report_limit=100, escalation_limit=100, clock=lambda: now)


async def _closed_report(store: TableStore, closed: datetime = CLOSED) -> ConcernReport:
    """A report filed and closed at `closed`, its card still in the holder's outbox."""
    reports = TableConcernReports(store)
    before = {r.reference for r in await reports.list_all()}
    carys = Person(TENANT, CARYS["aadObjectId"], "Carys Jenkins")
    # Each report its own words: the same words again within a day of a closed report show her that one instead.
    await send_as_she_would(_flow(store, closed - timedelta(days=2)), Turn(
        actor=carys, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.submit",
        data={"what": f"{WORDS} ({len(before) + 1})"}, is_invoke=True))
    [filed] = [r for r in await reports.list_all() if r.reference not in before]
    return await reports.save(replace(filed, state=ReportState.CLOSED, closed_at=closed), "closed", "test", at=closed)


async def _rows(connection_string: str, table: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(connection_string, table) as client:
        return [dict(row) async for row in client.list_entities()]


async def test_two_instances_purging_at_once_delete_each_report_once(store: TableStore, azurite: str,
                                                                    table_prefix: str) -> None:
    old = [await _closed_report(store) for _ in range(3)]
    recent = await _closed_report(store, closed=PAST_RETENTION - timedelta(days=30))
    assert any(WORDS in json.dumps(row, default=str) for row in await _rows(azurite, table_prefix + "outbox"))

    first, second = await asyncio.gather(_flow(store, PAST_RETENTION).purge(months=24),
                                         _flow(store, PAST_RETENTION).purge(months=24))

    assert sorted(first + second) == sorted(r.reference for r in old)  # every one deleted, each by one instance
    assert [r.reference for r in await TableConcernReports(store).list_all()] == [recent.reference]
    traces = await _rows(azurite, table_prefix + "audit")
    assert sorted(str(t["Reference"]) for t in traces) == sorted(r.reference for r in old)
    rows = await _rows(azurite, table_prefix + "reports")
    assert {str(row["PartitionKey"]) for row in rows if not str(row["PartitionKey"]).startswith("form|")} == {
        recent.reference}
    assert [row.get("Reference") for row in rows if str(row["PartitionKey"]).startswith("form|")] in (
        [], [recent.reference])  # the purged reports' form tokens went with them
    outbox = json.dumps(await _rows(azurite, table_prefix + "outbox"), default=str)
    assert recent.reference in outbox and not any(r.reference in outbox for r in old)


async def test_a_purge_also_forgets_that_the_reports_messages_were_sent(store: TableStore, azurite: str,
                                                                      table_prefix: str) -> None:
    report = await _closed_report(store)
    outbox = TableOutbox(store)
    for message in await outbox.list_due(CLOSED + timedelta(days=1)):
        await outbox.mark_sent(await outbox.claim(message, CLOSED + timedelta(days=1)))
    assert report.reference in json.dumps(await _rows(azurite, table_prefix + SENT_TABLE))

    assert await _flow(store, PAST_RETENTION).purge(months=24) == [report.reference]

    assert report.reference not in json.dumps(await _rows(azurite, table_prefix + SENT_TABLE))


async def test_a_purged_report_leaves_no_row_in_the_daily_limits_saying_who_made_it(
        store: TableStore, azurite: str, table_prefix: str) -> None:
    report = await _closed_report(store)
    assert any(row.get("Use") == report.reference for row in await _rows(azurite, table_prefix + "ratelimits"))

    assert await _flow(store, PAST_RETENTION).purge(months=24, dry_run=True) == [report.reference]
    kept = await _rows(azurite, table_prefix + "ratelimits")  # a dry run changes nothing
    assert await _flow(store, PAST_RETENTION).purge(months=24) == [report.reference]

    assert any(row.get("Use") == report.reference for row in kept)
    rows = json.dumps(await _rows(azurite, table_prefix + "ratelimits"), default=str)
    assert report.reference not in rows and CARYS["aadObjectId"] not in rows


async def _used_every_limit(store: TableStore, who: dict[str, str], at: datetime) -> None:
    limiter = TableRateLimiter(store)
    for name in DAILY_LIMITS:
        await limiter.take(Limit(name, 10), f"{TENANT}|{who['aadObjectId']}", at, use=f"{name}-{at.isoformat()}")


async def test_a_purge_forgets_the_ended_days_of_every_daily_limit_and_keeps_each_running_day(
        store: TableStore, azurite: str, table_prefix: str) -> None:
    """A permission request, a question passed on or a reply left a row naming who used the bot on which day, for
    ever: only the report and escalation limits' ended days were forgotten."""
    await _used_every_limit(store, CARYS, PAST_RETENTION - timedelta(days=2))
    await _used_every_limit(store, OWAIN, PAST_RETENTION - timedelta(hours=1))  # today's: still limits him

    await _flow(store, PAST_RETENTION).purge(months=24)

    rows = await _rows(azurite, table_prefix + "ratelimits")
    assert sorted((str(row["PartitionKey"]), str(row["RowKey"])) for row in rows) == sorted(
        (name, f"{TENANT}|{OWAIN['aadObjectId']}") for name in DAILY_LIMITS)


async def test_a_day_whose_24_hours_ended_before_uk_midnight_is_kept_until_the_uk_day_ends(
        store: TableStore, azurite: str, table_prefix: str) -> None:
    """On the day the clocks go back (26 October 2025: 25 hours) a first use at 00:30 BST ends its 24 hours at 23:30
    GMT the same day: that row is still today's, and kept until the UK day is over."""
    first_use = datetime(2025, 10, 25, 23, 30, tzinfo=UTC)  # 00:30 BST on 26 October
    await _used_every_limit(store, CARYS, first_use)

    await _flow(store, datetime(2025, 10, 26, 23, 45, tzinfo=UTC)).purge(months=24)  # 23:45 GMT, 26 October
    kept = await _rows(azurite, table_prefix + "ratelimits")
    await _flow(store, datetime(2025, 10, 27, 0, 5, tzinfo=UTC)).purge(months=24)  # 00:05 on 27 October

    assert sorted(str(row["PartitionKey"]) for row in kept) == sorted(DAILY_LIMITS)
    assert await _rows(azurite, table_prefix + "ratelimits") == []


async def test_a_purge_that_stopped_half_way_is_finished_once_its_claim_expires(
        store: TableStore, azurite: str, table_prefix: str) -> None:
    report = await _closed_report(store)
    reports = TableConcernReports(store)
    await reports._claim(await reports.get(report.reference), PAST_RETENTION)  # an instance claimed it, then died

    meanwhile = await _flow(store, PAST_RETENTION + PURGE_LEASE / 2).purge(months=24)
    later = await _flow(store, PAST_RETENTION + PURGE_LEASE * 2).purge(months=24)

    assert (meanwhile, later) == ([], [report.reference])
    assert await reports.list_all() == [] and len(await _rows(azurite, table_prefix + "audit")) == 1


async def test_the_running_bot_purges_by_itself(azurite: str, table_prefix: str, store: TableStore) -> None:
    old = await _closed_report(store)
    recent = await _closed_report(store, closed=datetime.now(UTC) - timedelta(days=30))
    await _used_every_limit(store, OWAIN, datetime.now(UTC) - timedelta(days=2))
    await _used_every_limit(store, CARYS, datetime.now(UTC))
    settings = Settings.model_validate({
        "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix,
        "DELIVERY_INTERVAL_SECONDS": 3600, "RETENTION_INTERVAL_SECONDS": 0.2})
    reports = TableConcernReports(store)

    async def limits_used() -> list[tuple[str, str]]:
        return [(str(r["PartitionKey"]), str(r["RowKey"])) for r in await _rows(azurite, table_prefix + "ratelimits")]

    with live_bot(settings):
        for _ in range(200):  # up to 20 s
            if len(await reports.list_all()) == 1 and len(await limits_used()) == len(DAILY_LIMITS):
                break
            await asyncio.sleep(0.1)

    assert [r.reference for r in await reports.list_all()] == [recent.reference]
    assert sorted(await limits_used()) == sorted((name, f"{TENANT}|{CARYS['aadObjectId']}") for name in DAILY_LIMITS)
    [trace] = await _rows(azurite, table_prefix + "audit")
    assert trace["Reference"] == old.reference and WORDS not in json.dumps(trace, default=str)


async def test_the_running_bot_forgets_questions_past_their_retention_by_itself(
        azurite: str, table_prefix: str, store: TableStore) -> None:
    """The question log keeps each asker's name, Entra id and words: gone 12 months on, unless still owed a reply."""
    await store.ensure_tables(["questions"])
    questions = TableQuestionLog(store)
    carys = Person(TENANT, CARYS["aadObjectId"], "Carys Jenkins")
    now = datetime.now(UTC)

    def asked(text: str, at: datetime) -> QuestionRecord:
        return QuestionRecord(question_id=new_question_id(at), asker=carys, text=text, lang=Lang.EN, asked_at=at,
                              answered=False)

    old, recent = asked("asked long ago", CLOSED), asked("asked last month", now - timedelta(days=30))
    waiting = replace(asked("passed on long ago", CLOSED), escalated_at=CLOSED, escalated_to="Mrs Siân Roberts")
    for record in (old, recent, waiting):
        await questions.add(record)
    settings = Settings.model_validate({
        "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix,
        "DELIVERY_INTERVAL_SECONDS": 3600, "RETENTION_INTERVAL_SECONDS": 0.2})

    with live_bot(settings):
        for _ in range(200):  # up to 20 s
            if len(await questions.list_asked_until(now)) == 2:
                break
            await asyncio.sleep(0.1)

    assert sorted(r.text for r in await questions.list_asked_until(now)) == ["asked last month", "passed on long ago"]
