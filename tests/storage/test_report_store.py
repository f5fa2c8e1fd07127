"""Concern reports on Tables (Azurite) and in memory: etag-guarded changes with audit entries, retention deletes.

Reading records in the previous release's Table layout is tested on Tables only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from bot.__main__ import main as bot_main
from bot.domain.concerns import ConcernReport, Note, NoteKind, ReportState, Route
from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.outbox import CardSlot, OutboundMessage
from bot.domain.people import Lang, Person, StaffContact
from bot.settings import LOCAL_FEDERATION
from bot.storage.concerns import TableConcernReports
from bot.storage.tables import TableStore, service_client
from tests.storage.conftest import Backend
from tests.support.concerns import concern_flow
from tests.support.outage import storage_outage

TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
GARETH = StaffContact("a1000000-0000-4000-8000-000000000004", "Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")
SIAN = StaffContact("a1000000-0000-4000-8000-000000000003", "Mrs Siân Roberts")
WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET = "Private words about Dafydd that must go when the report goes"


def _report(reference: str = "C-4QX9TB") -> ConcernReport:
    return ConcernReport(reference=reference, reporter=CARYS, what=SECRET, since="September", where="Teams",
                         who="Dafydd", evidence="screenshots", wants_meeting=True, urgent=False, submitted_at=WHEN,
                         chain=(GARETH, SIAN), route=Route.LINE_MANAGER, form="F-token")


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["reports", "audit", "outbox", "outboxsent"])
        yield tables


async def test_a_report_reads_back_as_written(backend: Backend) -> None:
    reports = await backend.concern_reports()
    await reports.create(_report())

    stored = await reports.get("C-4QX9TB")

    assert replace(stored, etag="") == _report() and stored.etag
    with pytest.raises(RecordExists):
        await reports.create(_report())
    with pytest.raises(RecordNotFound):
        await reports.get("C-ZZZZZZ")


async def test_a_holder_keeps_every_address_graph_knows_him_by(backend: Backend) -> None:
    reports = await backend.concern_reports()
    from_graph = StaffContact(GARETH.aad_object_id, GARETH.name, "HughesG42@hwbcymru.net", (GARETH.email,))
    await reports.create(replace(_report(), chain=(from_graph, SIAN)))

    stored = await reports.get("C-4QX9TB")

    assert stored.holder == from_graph and stored.holder.addresses == {"hughesg42@hwbcymru.net", GARETH.email}


async def test_a_report_involving_the_line_manager_keeps_who_he_was(backend: Backend) -> None:
    reports = await backend.concern_reports()
    await reports.create(replace(_report(), chain=(SIAN,), route=Route.MANAGER_INVOLVED, involves_manager=True,
                                 involved_manager=GARETH))

    stored = await reports.get("C-4QX9TB")

    assert stored.involves_manager and stored.involved_manager == GARETH


async def test_a_report_written_before_the_involved_manager_was_kept_reads_as_not_known(
        store: TableStore, azurite: str, table_prefix: str) -> None:
    reports = TableConcernReports(store)
    await reports.create(replace(_report(), chain=(SIAN,), route=Route.MANAGER_INVOLVED, involves_manager=True))
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        row = dict(await table.get_entity("C-4QX9TB", "report"))
        del row["InvolvedManager"]  # the shape the previous release wrote
        await table.update_entity(row, mode=UpdateMode.REPLACE)

    old = await reports.get("C-4QX9TB")

    assert old.involves_manager and old.involved_manager is None


async def test_the_language_a_report_was_sent_in_reads_back_and_stays_through_its_changes(backend: Backend) -> None:
    reports = await backend.concern_reports()
    await reports.create(replace(_report(), lang=Lang.CY))
    read = await reports.get("C-4QX9TB")
    await reports.save(read.acknowledged(Person(TENANT, GARETH.aad_object_id, GARETH.name), WHEN), "acknowledged",
                       GARETH.aad_object_id, at=WHEN)

    assert read.lang is Lang.CY and (await reports.get("C-4QX9TB")).lang is Lang.CY
    assert [r.lang for r in await reports.list_by_reporter(CARYS)] == [Lang.CY]


async def test_an_addition_that_took_the_report_past_its_holder_reads_back_as_one(backend: Backend) -> None:
    """The note that took it past Gareth (it may be about him) says so when read back, so the head is still told not
    to share it with him; a note written before the mark was kept reads as one that did not."""
    reports = await backend.concern_reports()
    notes = (Note(NoteKind.ADDED, "before", 0, WHEN), Note(NoteKind.ADDED, "Gareth too", 1, WHEN, passed_over=True))
    await reports.create(replace(_report(), level=1, state=ReportState.ESCALATED, escalated_at=WHEN, notes=notes))

    assert [n.passed_over for n in (await reports.get("C-4QX9TB")).notes] == [False, True]


async def test_a_report_the_reminder_task_passed_up_reads_back_as_one(backend: Backend) -> None:
    """Passed up by the reminder task (nobody pressed Escalate), the report says so at that level when read back, so
    the head's card still says why it came to her."""
    reports = await backend.concern_reports()
    await reports.create(_report())
    passed = (await reports.get("C-4QX9TB")).escalated(None, "", WHEN)
    await reports.save(passed, "escalated", "task", at=WHEN)
    read = await reports.get("C-4QX9TB")

    assert (read.level, read.passed_up) == (1, (1,))


async def test_a_report_row_written_before_its_language_was_kept_reads_without_one(
        store: TableStore, azurite: str, table_prefix: str) -> None:
    reports = TableConcernReports(store)
    await reports.create(replace(_report(), lang=Lang.CY))
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        row = dict(await table.get_entity("C-4QX9TB", "report"))
        row.pop("Lang")  # the shape the previous release wrote
        await table.update_entity(row, mode=UpdateMode.REPLACE)

    assert (await reports.get("C-4QX9TB")).lang is None


async def test_a_stale_change_is_refused_and_leaves_no_audit_row(backend: Backend) -> None:
    reports = await backend.concern_reports()
    await reports.create(_report())
    first = await reports.get("C-4QX9TB")
    manager = Person(TENANT, GARETH.aad_object_id)

    await reports.save(first.acknowledged(manager, WHEN + timedelta(hours=1)), "acknowledged", manager.aad_object_id,
                       at=WHEN + timedelta(hours=1))
    with pytest.raises(ConcurrentChange):
        await reports.save(first.closed(manager, "done", shared=False, now=WHEN + timedelta(hours=2)), "closed",
                           manager.aad_object_id, at=WHEN + timedelta(hours=2))

    actions, audit = await backend.report_audit("C-4QX9TB")
    assert sorted(actions) == ["acknowledged", "submitted"]
    assert (await reports.get("C-4QX9TB")).state is ReportState.ACKNOWLEDGED
    assert SECRET not in audit


async def test_open_list_leaves_out_closed_reports(backend: Backend) -> None:
    reports = await backend.concern_reports()
    await reports.create(_report("C-AAAAAA"))
    await reports.create(_report("C-BBBBBB"))
    closing = await reports.get("C-BBBBBB")
    await reports.save(closing.closed(Person(TENANT, GARETH.aad_object_id), "done", shared=False, now=WHEN), "closed",
                       "test", at=WHEN)

    assert [r.reference for r in await reports.list_open()] == ["C-AAAAAA"]
    assert sorted(r.reference for r in await reports.list_all()) == ["C-AAAAAA", "C-BBBBBB"]


async def test_a_change_whose_messages_are_owed_is_listed_until_they_are_queued(backend: Backend) -> None:
    reports = await backend.concern_reports()
    await reports.create(_report("C-AAAAAA"))
    await reports.create(_report("C-BBBBBB"))
    await reports.create(_report("C-CCCCCC"))
    gareth = Person(TENANT, GARETH.aad_object_id)
    a, b, c = [await reports.get(reference) for reference in ("C-AAAAAA", "C-BBBBBB", "C-CCCCCC")]
    escalated = await reports.save(replace(a.escalated(gareth, "", WHEN), owed="escalated"), "escalated", "g", at=WHEN)
    closed = await reports.save(replace(b.closed(gareth, "done", shared=False, now=WHEN), owed="closed"), "closed", "g",
                                at=WHEN)
    await reports.save(c.acknowledged(gareth, WHEN), "acknowledged", "g", at=WHEN)

    owed = await reports.list_owed()
    queued = await reports.queued(escalated)

    assert sorted((r.reference, r.owed) for r in owed) == [("C-AAAAAA", "escalated"), ("C-BBBBBB", "closed")]
    assert queued.owed == "" and replace(queued, etag="") == replace(escalated, owed="", etag="")
    assert (await reports.get("C-AAAAAA")).owed == "" and [r.reference for r in await reports.list_owed()] == [
        "C-BBBBBB"]
    with pytest.raises(ConcurrentChange):  # a later change owes its own messages: a stale clear leaves them owed
        await reports.queued(escalated)
    assert (await reports.get("C-BBBBBB")).owed == "closed" and closed.owed == "closed"


async def test_deleting_removes_every_row_and_its_messages_and_leaves_a_trace(backend: Backend) -> None:
    reports, outbox = await backend.concern_reports(), await backend.outbox()
    await reports.create(_report())
    assert await reports.claim_form(CARYS, "F-token", "C-4QX9TB") == "C-4QX9TB"
    gareth = Person(TENANT, GARETH.aad_object_id, GARETH.name)
    await outbox.enqueue([
        OutboundMessage(gareth, "C-4QX9TB|to-holder", {"body": [{"text": SECRET}]},
                        card_key=f"C-4QX9TB|{gareth.aad_object_id}"),
        OutboundMessage(CARYS, "C-4QX9TB|acknowledged-acknowledged", {"body": [{"text": "ok"}]}),
        OutboundMessage(gareth, "perm-42|to-head", {"body": [{"text": "someone else's"}]})])

    await reports.delete(await reports.get("C-4QX9TB"), at=WHEN + timedelta(days=900))

    assert await reports.list_all() == []
    assert await backend.report_rows() == []
    assert [m.message_id for m in await outbox.list_for_recipient(gareth)] == ["perm-42|to-head"]
    assert await outbox.list_for_recipient(CARYS) == []
    [(reference, trace)] = await backend.retention_log()  # the Table backend checks the row's keys as it reads it
    assert reference == "C-4QX9TB" and SECRET not in trace


async def _posted_to_gareth(backend: Backend) -> tuple[ConcernReport, OutboundMessage]:
    """The report, its card to Gareth posted in Teams (sent, its slot kept), and the message that would replace that
    card, queued."""
    reports, outbox = await backend.concern_reports(), await backend.outbox()
    await reports.create(_report())
    gareth = Person(TENANT, GARETH.aad_object_id, GARETH.name)
    card_key = f"C-4QX9TB|{gareth.aad_object_id}"
    await outbox.enqueue([OutboundMessage(gareth, "C-4QX9TB|to-holder", {"body": [{"text": SECRET}]},
                                          card_key=card_key)])
    [posted] = await outbox.list_for_recipient(gareth)
    await outbox.mark_sent(await outbox.claim(posted, WHEN), slot=CardSlot(gareth, card_key, "activity-1"))
    notice = OutboundMessage(gareth, f"{card_key}|deleted", {"body": [{"text": "deleted"}]}, card_key=card_key)
    await outbox.enqueue([notice])
    return await reports.get("C-4QX9TB"), notice


def _already(*queued: OutboundMessage) -> Callable[[ConcernReport], Awaitable[list[OutboundMessage]]]:
    """What replaces the report's cards: messages queued already."""
    async def replacing(claimed: ConcernReport) -> list[OutboundMessage]:
        return list(queued)
    return replacing


async def test_deleting_keeps_only_the_message_replacing_a_posted_card_and_its_place_until_they_are_forgotten(
        backend: Backend) -> None:
    """Gareth's card was posted in Teams; the message that replaces it, holding nothing of the report, outlives the
    report with the card's place, for as long as it may take to reach him; given up after that, it goes too."""
    reports, outbox = await backend.concern_reports(), await backend.outbox()
    report, notice = await _posted_to_gareth(backend)
    gareth, deleted_at = notice.recipient, WHEN + timedelta(days=900)

    [slot] = await reports.list_posted_cards(report)
    await reports.delete(report, at=deleted_at, replacing=_already(notice))
    owed = await outbox.owed_to(gareth)
    too_soon = await reports.forget_replaced_cards(deleted_before=deleted_at)
    given_up = await reports.forget_replaced_cards(deleted_before=deleted_at + timedelta(days=30))

    assert (slot.recipient.key, slot.card_key, slot.activity_id) == (gareth.key, notice.card_key, "activity-1")
    assert [m.message_id for m in owed.messages] == [notice.message_id]
    assert owed.slots[notice.card_key].activity_id == "activity-1"
    assert await backend.sent_messages() == []  # the report's own sent marks went with it
    assert (too_soon, given_up) == ([], ["C-4QX9TB"])
    assert await backend.queued_messages() == [] and await backend.report_rows() == []
    with pytest.raises(RecordNotFound):
        await outbox.get_slot(gareth, notice.card_key)


async def test_a_replacing_message_that_reached_teams_is_forgotten_with_its_card_place_and_nothing_given_up(
        backend: Backend) -> None:
    reports, outbox = await backend.concern_reports(), await backend.outbox()
    report, notice = await _posted_to_gareth(backend)
    deleted_at = WHEN + timedelta(days=900)
    await reports.delete(report, at=deleted_at, replacing=_already(notice))
    [queued] = await outbox.list_for_recipient(notice.recipient)
    await outbox.mark_sent(await outbox.claim(queued, deleted_at))

    given_up = await reports.forget_replaced_cards(deleted_before=deleted_at + timedelta(days=30))

    assert given_up == [] and await backend.sent_messages() == [] and await backend.report_rows() == []
    with pytest.raises(RecordNotFound):
        await outbox.get_slot(notice.recipient, notice.card_key)


async def test_of_two_retention_runs_at_once_one_deletes_and_the_other_stands_back(backend: Backend) -> None:
    reports = await backend.concern_reports()
    await reports.create(_report())
    report = await reports.get("C-4QX9TB")

    results = await asyncio.gather(reports.delete(report, at=WHEN + timedelta(days=900)),
                                   reports.delete(report, at=WHEN + timedelta(days=900)), return_exceptions=True)

    assert results.count(None) == 1
    assert all(isinstance(r, ConcurrentChange | RecordNotFound) for r in results if r is not None), results
    assert await reports.list_all() == [] and len(await backend.retention_log()) == 1


async def test_a_report_changed_since_the_retention_pass_read_it_is_not_deleted(backend: Backend) -> None:
    """Carys said "this isn't resolved" after the pass listed her closed report as expired: it is hers again."""
    reports = await backend.concern_reports()
    await reports.create(_report())
    read = await reports.get("C-4QX9TB")
    asked_for = []

    async def replacing(claimed: ConcernReport) -> list[OutboundMessage]:
        asked_for.append(claimed)
        return []

    await reports.save(replace(read, state=ReportState.ESCALATED, level=1), "not resolved", CARYS.aad_object_id,
                       at=WHEN + timedelta(days=899))
    with pytest.raises(ConcurrentChange):
        await reports.delete(read, at=WHEN + timedelta(days=900), replacing=replacing)

    assert [(r.reference, r.state) for r in await reports.list_all()] == [("C-4QX9TB", ReportState.ESCALATED)]
    assert asked_for == [] and await backend.retention_log() == []


async def test_a_report_retention_has_claimed_is_found_by_nobody_while_it_is_deleted(backend: Backend) -> None:
    """Once claimed, nobody can open (and so change) it: a click then is answered as for a report that is gone."""
    reports = await backend.concern_reports()
    await reports.create(_report())
    seen: list[str] = []

    async def replacing(claimed: ConcernReport) -> list[OutboundMessage]:
        with pytest.raises(RecordNotFound):
            await reports.get(claimed.reference)
        seen.append(claimed.reference)
        return []

    await reports.delete(await reports.get("C-4QX9TB"), at=WHEN + timedelta(days=900), replacing=replacing)

    assert seen == ["C-4QX9TB"] and await reports.list_all() == []


async def test_a_form_token_stands_for_one_reference_per_reporter(backend: Backend) -> None:
    reports = await backend.concern_reports()
    owain = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")

    first = await reports.claim_form(CARYS, "F-token", "C-AAAAAA")
    again = await reports.claim_form(CARYS, "F-token", "C-BBBBBB")
    someone_else = await reports.claim_form(owain, "F-token", "C-CCCCCC")

    assert (first, again, someone_else) == ("C-AAAAAA", "C-AAAAAA", "C-CCCCCC")


async def test_a_form_sent_with_the_token_report_is_never_read_as_a_report(backend: Backend) -> None:
    # Card data is the client's: "report" passes the token pattern, and is the RowKey a report's own record has.
    reports = await backend.concern_reports()
    await reports.create(_report("C-AAAAAA"))

    claimed = await reports.claim_form(CARYS, "report", "C-BBBBBB")
    again = await reports.claim_form(CARYS, "report", "C-CCCCCC")

    assert (claimed, again) == ("C-BBBBBB", "C-BBBBBB")
    assert [r.reference for r in await reports.list_all()] == ["C-AAAAAA"]
    assert [r.reference for r in await reports.list_open()] == ["C-AAAAAA"]
    assert [r.reference for r in await reports.list_by_reporter(CARYS)] == ["C-AAAAAA"]
    assert await reports.list_owed() == []


async def test_retention_still_deletes_old_reports_after_a_form_token_named_report(store: TableStore) -> None:
    reports = TableConcernReports(store)
    await reports.create(_report("C-AAAAAA"))
    old = await reports.get("C-AAAAAA")
    closed = WHEN + timedelta(days=3)
    await reports.save(old.closed(Person(TENANT, GARETH.aad_object_id), "done", shared=False, now=closed), "closed",
                       "g", at=closed)
    await reports.claim_form(CARYS, "report", "C-BBBBBB")

    deleted = await concern_flow(store, closed + timedelta(days=800)).purge(months=24)

    assert deleted == ["C-AAAAAA"]


@pytest.fixture
def step_8(monkeypatch: pytest.MonkeyPatch, azurite: str, table_prefix: str) -> pytest.MonkeyPatch:
    """The settings of infra/README step 8, as the technician exports them: storage and the federation's file."""
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix)
    monkeypatch.delenv("REPORT_RETENTION_MONTHS", raising=False)
    monkeypatch.delenv("FEDERATION_JSON", raising=False)
    return monkeypatch


async def _closed_30_months_ago(store: TableStore) -> TableConcernReports:
    reports = TableConcernReports(store)
    closed = datetime.now(UTC) - timedelta(days=915)
    await reports.create(replace(_report(), submitted_at=closed, state=ReportState.CLOSED, closed_at=closed))
    return reports


def _purge(*argv: str) -> int:
    return bot_main(["purge-reports", *argv])


@pytest.mark.parametrize("argv", [[], ["--dry-run"]], ids=["purge", "dry run"])
async def test_purge_reports_without_the_schools_retention_period_is_refused_and_deletes_nothing(
        argv: list[str], store: TableStore, step_8: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A school keeping reports 36 months (reportRetentionMonths): purge-reports run with step 8's settings used to
    delete, for good, a report closed 30 months ago under the default 24."""
    reports = await _closed_30_months_ago(store)

    code = await asyncio.to_thread(_purge, *argv)

    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert line.startswith("purge-reports: ") and "REPORT_RETENTION_MONTHS" in line and "--months" in line, line
    assert [r.reference for r in await reports.list_all()] == ["C-4QX9TB"]


async def test_purge_reports_keeps_what_the_schools_period_keeps_and_says_the_period_it_used(
        store: TableStore, step_8: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    reports = await _closed_30_months_ago(store)

    looked = await asyncio.to_thread(_purge, "--dry-run", "--months", "36")
    step_8.setenv("REPORT_RETENTION_MONTHS", "36")
    kept = await asyncio.to_thread(_purge)
    step_8.delenv("REPORT_RETENTION_MONTHS")
    listed = await asyncio.to_thread(_purge, "--dry-run", "--months", "24")
    still_there = [r.reference for r in await reports.list_all()]
    deleted = await asyncio.to_thread(_purge, "--months", "24")

    out = capsys.readouterr().out.splitlines()
    assert (looked, kept, listed, deleted) == (0, 0, 0, 0)
    assert out == ["nothing to delete: no concern report was closed more than 36 months ago (--months)",
                   "nothing to delete: no concern report was closed more than 36 months ago (REPORT_RETENTION_MONTHS)",
                   "would delete 1 report(s) closed more than 24 months ago (--months): C-4QX9TB",
                   "deleted 1 report(s) closed more than 24 months ago (--months): C-4QX9TB"]
    assert still_there == ["C-4QX9TB"] and await reports.list_all() == []


async def test_purge_reports_with_nothing_to_delete_says_so_plainly(
        store: TableStore, step_8: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """With nothing past its period it printed "deleted 0 report(s) closed more than 36 months ago (--months): -",
    ending in a list that is only a dash. A one-month period says "month", not "1 months"."""
    await _closed_30_months_ago(store)

    kept = await asyncio.to_thread(_purge, "--months", "36")
    looked = await asyncio.to_thread(_purge, "--dry-run", "--months", "36")
    listed = await asyncio.to_thread(_purge, "--dry-run", "--months", "1")

    out = capsys.readouterr().out.splitlines()
    assert (kept, looked, listed) == (0, 0, 0)
    assert out == ["nothing to delete: no concern report was closed more than 36 months ago (--months)",
                   "nothing to delete: no concern report was closed more than 36 months ago (--months)",
                   "would delete 1 report(s) closed more than 1 month ago (--months): C-4QX9TB"]


async def test_purge_reports_given_two_different_periods_is_refused(
        store: TableStore, step_8: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    reports = await _closed_30_months_ago(store)
    step_8.setenv("REPORT_RETENTION_MONTHS", "36")

    code = await asyncio.to_thread(_purge, "--months", "24")

    [line] = capsys.readouterr().err.splitlines()
    assert code == 2 and "--months 24" in line and "REPORT_RETENTION_MONTHS 36" in line, line
    assert [r.reference for r in await reports.list_all()] == ["C-4QX9TB"]


async def test_a_row_that_is_not_a_readable_report_is_skipped_and_logged_once(
        store: TableStore, azurite: str, table_prefix: str, caplog: pytest.LogCaptureFixture) -> None:
    reports = TableConcernReports(store)
    await reports.create(_report("C-AAAAAA"))
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        await table.create_entity({"PartitionKey": "C-BROKEN", "RowKey": "report", "What": SECRET, "State": "open"})

    with caplog.at_level(logging.DEBUG, logger="bot.storage.concerns"):
        first, second = await reports.list_all(), await reports.list_open()

    assert [r.reference for r in first] == [r.reference for r in second] == ["C-AAAAAA"]
    [logged] = [r for r in caplog.records if "C-BROKEN" in r.getMessage()]
    assert logged.levelno == logging.WARNING and SECRET not in caplog.text


async def test_the_reporters_list_holds_only_their_reports_newest_first(backend: Backend) -> None:
    reports = await backend.concern_reports()
    owain = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
    await reports.create(_report("C-AAAAAA"))
    await reports.create(replace(_report("C-BBBBBB"), submitted_at=WHEN + timedelta(days=1)))
    await reports.create(replace(_report("C-CCCCCC"), reporter=owain))

    assert [r.reference for r in await reports.list_by_reporter(CARYS)] == ["C-BBBBBB", "C-AAAAAA"]


async def test_a_record_written_before_the_chain_existed_reads_as_two_holders(store: TableStore, azurite: str,
                                                                             table_prefix: str) -> None:
    # The shape the previous release wrote: Assigned*/Escalation* columns, one EscalationNote, no Level or Chain.
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        await table.create_entity({
            "PartitionKey": "C-OLDONE", "RowKey": "report", "TenantId": TENANT, "ReporterId": CARYS.aad_object_id,
            "ReporterName": CARYS.name, "What": SECRET, "Since": "", "Where": "", "Who": "", "Evidence": "",
            "WantsMeeting": False, "Urgent": False, "SubmittedAt": WHEN, "AssignedId": GARETH.aad_object_id,
            "AssignedName": GARETH.name, "AssignedEmail": GARETH.email, "Route": "line_manager",
            "EscalationId": SIAN.aad_object_id, "EscalationName": SIAN.name, "EscalationEmail": "",
            "State": "escalated", "AcknowledgedAt": WHEN + timedelta(days=2), "EscalatedAt": WHEN + timedelta(days=1),
            "EscalationNote": "for the head"})

    old = await TableConcernReports(store).get("C-OLDONE")

    assert old.chain == (GARETH, SIAN) and old.level == 1 and old.holder == SIAN
    assert old.state is ReportState.ACKNOWLEDGED  # the old release kept "escalated" after the head acknowledged
    assert [(n.text, n.level) for n in old.notes] == [("for the head", 0)]
    assert old.notes_for(CARYS) == () and old.notes_for(Person(TENANT, SIAN.aad_object_id)) == old.notes


async def test_purge_reports_that_storage_stopped_part_way_does_not_say_nothing_was_changed(
        store: TableStore, step_8: pytest.MonkeyPatch, azurite: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Storage went away after the first of two reports past the school's period was deleted: the technician was told
    "storage could not be reached (…); nothing was changed", though that report was gone for good (its audit line
    written, its cards in Teams being replaced). She is told what it deleted before it stopped stays deleted, and to
    run it again to finish; running it again deletes the other."""
    reports = TableConcernReports(store)
    closed = datetime.now(UTC) - timedelta(days=915)
    for reference in ("C-AAAAAA", "C-BBBBBB"):
        await reports.create(replace(_report(reference), submitted_at=closed, state=ReportState.CLOSED,
                                     closed_at=closed))
    async with storage_outage(azurite) as outage:
        step_8.setenv("AZURE_STORAGE_CONNECTION_STRING", outage.connection_string)
        outage.down_after = b"C-BBBBBB"

        stopped = await asyncio.to_thread(_purge, "--months", "24")
        first = capsys.readouterr()
        left = [r.reference for r in await reports.list_all()]
        await outage.up()
        again = await asyncio.to_thread(_purge, "--months", "24")
        second = capsys.readouterr()

    assert stopped == 1 and first.out == ""
    [line] = first.err.splitlines()
    assert line.startswith("purge-reports: storage could not be reached ("), line
    assert "nothing was changed" not in line, line
    assert line.endswith("; the reports deleted before it stopped stay deleted: run it again to finish"), line
    assert "C-AAAAAA" not in left
    assert again == 0, second.err
    assert await reports.list_all() == []


async def test_check_reports_that_storage_stopped_part_way_does_not_say_nothing_was_changed(
        store: TableStore, step_8: pytest.MonkeyPatch, azurite: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Storage went away after the first of two reports due a reminder was reminded: the technician was told "storage
    could not be reached (…); nothing was changed", though that report's holder was already reminded (its reminder
    queued, the report marked reminded). She is told what it queued before it stopped stays queued, and to run it
    again to finish; running it again reminds the other, and only the other."""
    reports = TableConcernReports(store)
    sent = datetime.now(UTC) - timedelta(days=60)  # two working days have passed, even across the summer holiday
    for reference in ("C-AAAAAA", "C-BBBBBB"):
        await reports.create(replace(_report(reference), submitted_at=sent))
    async with storage_outage(azurite) as outage:
        step_8.setenv("AZURE_STORAGE_CONNECTION_STRING", outage.connection_string)
        outage.down_after = b"C-BBBBBB"

        stopped = await asyncio.to_thread(bot_main, ["check-reports"])
        first = capsys.readouterr()
        reminded = {r.reference: r.reminded_at is not None for r in await reports.list_all()}
        await outage.up()
        again = await asyncio.to_thread(bot_main, ["check-reports"])
        second = capsys.readouterr()

    assert stopped == 1 and first.out == ""
    [line] = first.err.splitlines()
    assert line.startswith("check-reports: storage could not be reached ("), line
    assert "nothing was changed" not in line, line
    assert line.endswith("; the reminders and escalations queued before it stopped stay queued: run it again to "
                         "finish (nothing is sent twice)"), line
    assert reminded["C-AAAAAA"]
    assert (again, second.out) == (0, "1 reminder(s) or escalation(s) queued\n"), second.err
    assert all(r.reminded_at is not None for r in await reports.list_all())


async def test_with_lang_cy_purge_reports_and_check_reports_say_their_own_lines_in_welsh(
        store: TableStore, step_8: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The technician, who works in Welsh, ran the concern-report tools with `--lang cy`: only a storage fault was in
    Welsh; what they did, the missing or doubled retention period and check-reports' refused dry run were English."""
    reports = await _closed_30_months_ago(store)

    codes = [await asyncio.to_thread(bot_main, [*argv, "--lang", "cy"]) for argv in (
        ["purge-reports"], ["purge-reports", "--months", "36"], ["purge-reports", "--dry-run", "--months", "1"],
        ["check-reports", "--dry-run"], ["check-reports"])]
    step_8.setenv("REPORT_RETENTION_MONTHS", "36")
    codes.append(await asyncio.to_thread(bot_main, ["purge-reports", "--months", "24", "--lang", "cy"]))
    step_8.setenv("REPORT_RETENTION_MONTHS", "")
    codes.append(await asyncio.to_thread(bot_main, ["purge-reports", "--lang", "cy"]))
    step_8.delenv("REPORT_RETENTION_MONTHS")
    codes.append(await asyncio.to_thread(bot_main, ["purge-reports", "--months", "24", "--lang", "cy"]))

    out, err = capsys.readouterr()
    assert codes == [2, 0, 0, 2, 0, 2, 2, 0], err
    assert out.splitlines() == [
        "does dim i'w ddileu: chafodd dim un adroddiad pryder ei gau cyn 36 mis yn ôl (--months)",
        "byddai'n dileu 1 adroddiad a gafodd eu cau cyn 1 mis yn ôl (--months): C-4QX9TB",
        "rhoddwyd 0 nodyn atgoffa neu uwchgyfeiriad yn y ciw",
        "dilëwyd 1 adroddiad a gafodd eu cau cyn 24 mis yn ôl (--months): C-4QX9TB"]
    no_period, no_dry_run, differ, empty = err.splitlines()
    assert no_period.startswith("purge-reports: dywedwch am sawl mis ") and no_period.endswith(
        "chafodd dim byd ei ddileu"), no_period
    assert no_dry_run == ("check-reports: does dim --dry-run: mae'n rhoi'r nodiadau atgoffa a'r uwchgyfeiriadau "
                          "sy'n ddyledus yn y ciw, felly chafodd dim byd ei wneud")
    assert differ == ("purge-reports: mae --months 24 a REPORT_RETENTION_MONTHS 36 yn wahanol: rhowch gyfnod yr ysgol "
                      "unwaith; chafodd dim byd ei ddileu")
    assert empty == ("purge-reports: mae REPORT_RETENTION_MONTHS yn wag: mae'n derbyn rhif cyfan o fisoedd yn yr ystod "
                     "1–120; gosodwch ef i reportRetentionMonths yr ysgol (infra/main.parameters.json), neu "
                     "ddadosodwch ef ac ychwanegwch --months N; chafodd dim byd ei ddileu"), empty
    assert await reports.list_all() == []
