"""The permission store against Tables (Azurite) and memory: audit entries travel with decisions, and stale writes lose.

The derived index and the command-line export exist on Tables only, and are tested there."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ServiceRequestError
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound, StorageUnavailable
from bot.domain.people import Lang, Person
from bot.domain.permission_requests import AuditEntry, PermissionRequest, PermissionRequests, RequestState
from bot.export import decisions_csv
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.table_client import Table
from bot.storage.tables import TableStore, service_client
from tests.storage.conftest import Backend

REPO = Path(__file__).resolve().parents[2]
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
COLUMNS_BEFORE_ENDINGS = [
    "request id", "school", "requester", "platform", "account", "purpose", "submitted at (UK time)", "decision",
    "decided by", "decided at (UK time)", "reason or comment", "approved from (UK date)", "approved to (UK date)",
    "start asked for", "end asked for"]


def _request(request_id: str = "P-ABCDEF", purpose: str = "Class news for parents") -> PermissionRequest:
    return PermissionRequest(
        request_id=request_id, requester=CARYS, school_id="high", platform="facebook", platform_other="",
        account_kind="new", existing_account="", purpose=purpose, audiences=("parents",), pupil_content=("none",),
        consent="", moderator="Carys", moderation="daily", start=date(2026, 12, 1), end=None, submitted_at=NOW)


def _audit(action: str) -> AuditEntry:
    return AuditEntry("P-ABCDEF", action, CARYS.aad_object_id, CARYS.name, NOW)


@pytest.fixture
async def store(backend: Backend) -> PermissionRequests:
    return await backend.permission_requests()


@pytest.fixture
async def table_store(azurite: str, table_prefix: str) -> AsyncIterator[TablePermissionRequests]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["permissions", "permissionindex"])
        yield TablePermissionRequests(tables)


async def test_created_request_reads_back_with_its_audit(store: PermissionRequests) -> None:
    await store.create(_request(), _audit("submitted"))

    loaded = await store.get("P-ABCDEF")

    assert (loaded.purpose, loaded.state, loaded.end) == ("Class news for parents", RequestState.PENDING, None)
    assert [a.action for a in await store.list_audit("P-ABCDEF")] == ["submitted"]
    assert [r.request_id for r in await store.list_by_requester(CARYS)] == ["P-ABCDEF"]
    assert [r.request_id for r in await store.list_pending(["high"])] == ["P-ABCDEF"]


async def test_missing_request_raises(store: PermissionRequests) -> None:
    with pytest.raises(RecordNotFound):
        await store.get("P-NOPE22")


async def test_of_two_writers_from_the_same_read_one_wins_and_only_its_audit_is_kept(
        store: PermissionRequests) -> None:
    await store.create(_request(), _audit("submitted"))
    read = await store.get("P-ABCDEF")
    approve = replace(read, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW)
    decline = replace(read, state=RequestState.DECLINED, decided_by="Ffion", decided_at=NOW, reason="No")

    results = await asyncio.gather(store.save(approve, _audit("approved")), store.save(decline, _audit("declined")),
                                   return_exceptions=True)

    assert sum(isinstance(r, ConcurrentChange) for r in results) == 1
    final = await store.get("P-ABCDEF")
    actions = [a.action for a in await store.list_audit("P-ABCDEF")]
    assert actions.count("approved") + actions.count("declined") == 1
    assert final.state.value in actions
    assert await store.list_pending(["high"]) == []


async def test_export_guards_against_spreadsheet_formulas(store: PermissionRequests) -> None:
    await store.create(_request(purpose='=HYPERLINK("http://evil.example")'), _audit("submitted"))
    read = await store.get("P-ABCDEF")
    await store.save(replace(read, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW), _audit("approved"))

    text = decisions_csv(await store.list_all(), start=date(2026, 11, 1), end=date(2026, 11, 30),
                         school_names={"high": "Llanidloes High School"})

    [header, row] = list(csv.reader(io.StringIO(text)))
    assert header[0] == "request id" and row[0] == "P-ABCDEF"
    assert row[5].startswith("'=") and row[7] == "approved"
    assert decisions_csv(await store.list_all(), start=date(2026, 12, 1), end=date(2026, 12, 31),
                         school_names={}).count("\n") == 1


def test_export_command_refuses_bad_dates(azurite: str) -> None:
    env = {**os.environ, "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite}

    result = subprocess.run([sys.executable, "-m", "bot", "export-decisions", "--from", "24/11/2026", "--to",
                             "2026-12-31"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


async def test_a_stale_write_changes_nothing_and_leaves_no_audit_entry(store: PermissionRequests) -> None:
    await store.create(_request(), _audit("submitted"))
    stale = await store.get("P-ABCDEF")
    await store.save(replace(stale, state=RequestState.WITHDRAWN, decided_by="Carys Jenkins", decided_at=NOW),
                     _audit("withdrawn"))

    with pytest.raises(ConcurrentChange):
        await store.save(replace(stale, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                         _audit("approved"))

    assert (await store.get("P-ABCDEF")).state is RequestState.WITHDRAWN
    assert sorted(a.action for a in await store.list_audit("P-ABCDEF")) == ["submitted", "withdrawn"]


async def test_an_approval_keeps_the_day_its_permission_runs_from_beside_the_dates_asked_for(
        store: PermissionRequests) -> None:
    await store.create(_request(), _audit("submitted"))
    read = await store.get("P-ABCDEF")
    await store.save(replace(read, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW,
                             approved_from=date(2026, 12, 3)), _audit("approved"))

    loaded = await store.get("P-ABCDEF")

    assert (loaded.start, loaded.end, loaded.approved_from) == (date(2026, 12, 1), None, date(2026, 12, 3))
    assert [r.approved_from for r in await store.list_all()] == [date(2026, 12, 3)]


async def test_a_request_row_written_before_approved_from_was_kept_reads_without_it(
        azurite: str, table_prefix: str, table_store: TablePermissionRequests) -> None:
    await table_store.create(_request(), _audit("submitted"))
    async with TableClient.from_connection_string(azurite, table_prefix + "permissions") as table:
        row = dict(await table.get_entity("P-ABCDEF", "request"))
        row.pop("ApprovedFrom", None)
        await table.upsert_entity({**row, "State": "approved", "DecidedAt": datetime(2026, 12, 4, 9, 0, tzinfo=UTC)},
                                  mode=UpdateMode.REPLACE)

    older = await table_store.get("P-ABCDEF")

    assert (older.state, older.approved_from, older.permitted_from) == (RequestState.APPROVED, None, date(2026, 12, 4))


async def test_the_language_a_request_was_sent_in_reads_back_and_stays_through_its_decision(
        store: PermissionRequests) -> None:
    await store.create(replace(_request(), lang=Lang.CY), _audit("submitted"))
    read = await store.get("P-ABCDEF")
    await store.save(replace(read, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW), _audit("approved"))

    assert read.lang is Lang.CY
    assert (await store.get("P-ABCDEF")).lang is Lang.CY
    assert [r.lang for r in await store.list_by_requester(CARYS)] == [Lang.CY]


async def test_a_request_sent_in_place_of_another_keeps_both_links_through_their_changes(
        store: PermissionRequests) -> None:
    """What it replaced, what changed and what waited beside it stay with the new request; the one it replaced keeps
    which request was sent in its place, through its withdrawal."""
    def audit(request_id: str, action: str) -> AuditEntry:
        return AuditEntry(request_id, action, CARYS.aad_object_id, CARYS.name, NOW)

    await store.create(_request("P-OLD001"), audit("P-OLD001", "submitted"))
    old = await store.get("P-OLD001")
    await store.save(replace(old, state=RequestState.WITHDRAWN, decided_by=CARYS.name,
                             decided_by_id=CARYS.aad_object_id, decided_at=NOW, replaced_by="P-NEW001"),
                     audit("P-OLD001", "withdrawn"))
    await store.create(replace(_request("P-NEW001"), replaces="P-OLD001", changed=("audience", "pupil_content"),
                               alongside=("P-FB0001", "P-YT0001")), audit("P-NEW001", "submitted"))
    new = await store.get("P-NEW001")
    await store.save(replace(new, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                     audit("P-NEW001", "approved"))

    assert (await store.get("P-OLD001")).replaced_by == "P-NEW001"
    read = await store.get("P-NEW001")
    assert (read.replaces, read.changed, read.alongside) == ("P-OLD001", ("audience", "pupil_content"),
                                                             ("P-FB0001", "P-YT0001"))
    assert {r.request_id: (r.replaces, r.replaced_by) for r in await store.list_by_requester(CARYS)} == {
        "P-NEW001": ("P-OLD001", ""), "P-OLD001": ("", "P-NEW001")}


async def test_a_request_sent_after_a_decline_keeps_which_one_it_follows(store: PermissionRequests) -> None:
    """Probe 8: the declined request a new one was sent after (`DeclinedBefore`), or the approval in force it asks
    more of (`ApprovedBefore`), and what it changed, stay with it through its decision, for the head's card of it."""
    await store.create(replace(_request("P-AGN001"), declined_before="P-DEC001", changed=("pupil_content",)),
                       AuditEntry("P-AGN001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    sent = await store.get("P-AGN001")
    await store.save(replace(sent, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                     AuditEntry("P-AGN001", "approved", CARYS.aad_object_id, "Siân", NOW))

    read = await store.get("P-AGN001")
    assert (read.declined_before, read.changed) == ("P-DEC001", ("pupil_content",))
    await store.create(replace(_request("P-MOR001"), approved_before="P-APP001", changed=("audience",)),
                       AuditEntry("P-MOR001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    assert ((await store.get("P-MOR001")).approved_before, (await store.get("P-MOR001")).changed) == (
        "P-APP001", ("audience",))


async def test_a_colleagues_approval_of_the_same_account_stays_with_the_request(store: PermissionRequests) -> None:
    """Permission probe 13: another member of staff's approval in force of the same existing account when the request
    was sent (`ColleagueApproved`) stays with it through its decision, for the head's card of it; a record without
    it reads as none."""
    await store.create(replace(_request("P-COL001"), colleague_approved="P-CAR001"),
                       AuditEntry("P-COL001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    sent = await store.get("P-COL001")
    await store.save(replace(sent, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                     AuditEntry("P-COL001", "approved", CARYS.aad_object_id, "Siân", NOW))

    assert (await store.get("P-COL001")).colleague_approved == "P-CAR001"
    await store.create(_request("P-NON001"), AuditEntry("P-NON001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    assert (await store.get("P-NON001")).colleague_approved == ""


async def test_a_decision_by_a_named_delegate_is_kept_as_hers(store: PermissionRequests) -> None:
    """Permission probe 9: that a named delegate, not the headteacher, decided a request (`DecidedAsDelegate`) stays
    with its record, for the member of staff's cards of it; a record without it reads as decided by the head."""
    await store.create(_request("P-DLG001"), AuditEntry("P-DLG001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    sent = await store.get("P-DLG001")
    await store.save(replace(sent, state=RequestState.DECLINED, decided_by="Ffion", decided_at=NOW, reason="No.",
                             decided_as_delegate=True),
                     AuditEntry("P-DLG001", "declined", "a1000000-0000-4000-8000-000000000005", "Ffion", NOW))

    assert (await store.get("P-DLG001")).decided_as_delegate is True
    assert (await store.get("P-DLG001")).state is RequestState.DECLINED


async def test_the_export_says_which_decisions_the_headteachers_named_delegate_made(store: PermissionRequests) -> None:
    """Permission probe 10: Ffion, the named delegate, declined P-DLG001 while Siân was away; Siân approved P-HED001.
    Before, the governors' export named Ffion under "decided by" and nothing said she decided in the headteacher's
    place (the record's `DecidedAsDelegate`), so the governors could not tell a delegate's decision from a head's. Now
    a column at the end says so; every column before it keeps its place."""
    for request_id, by, delegate in (("P-DLG001", "Ffion", True), ("P-HED001", "Siân", False)):
        await store.create(_request(request_id), AuditEntry(request_id, "submitted", CARYS.aad_object_id, "", NOW))
        sent = await store.get(request_id)
        await store.save(replace(sent, state=RequestState.DECLINED if delegate else RequestState.APPROVED,
                                 decided_by=by, decided_at=NOW, reason="No." if delegate else "",
                                 decided_as_delegate=delegate),
                         AuditEntry(request_id, "decided", "someone", by, NOW))

    [header, *rows] = list(csv.reader(io.StringIO(decisions_csv(await store.list_all(), start=date(2026, 11, 1),
                                                                end=date(2026, 11, 30), school_names={}))))

    assert header[:20] == [*COLUMNS_BEFORE_ENDINGS, "ended by", "ended at (UK time)", "reason for ending",
                           "replaced by", "replaced from (UK date)"]
    assert header[20] == "decided by the headteacher's named delegate"
    assert {row[0]: (row[8], row[20]) for row in rows} == {"P-DLG001": ("Ffion", "yes"), "P-HED001": ("Siân", "no")}


async def test_the_export_says_unknown_not_no_for_a_decision_made_before_the_delegate_column_was_kept(
        azurite: str, table_prefix: str, table_store: TablePermissionRequests) -> None:
    """Permission probe 11: Ffion, the named delegate, declined P-OLD001 in September, before the record kept whether
    a delegate decided (its row has no `DecidedAsDelegate`). Before, the governors' export said "no" for it, as if
    Siân had decided it: the record cannot tell. Now it says "unknown", and keeps saying so once the row is written
    again (ended, say); a decision made since reads "yes" or "no" as before."""
    await table_store.create(_request("P-OLD001"), AuditEntry("P-OLD001", "submitted", CARYS.aad_object_id, "", NOW))
    sent = await table_store.get("P-OLD001")
    await table_store.save(replace(sent, state=RequestState.APPROVED, decided_by="Ffion", decided_at=NOW),
                           AuditEntry("P-OLD001", "approved", "someone", "Ffion", NOW))
    async with TableClient.from_connection_string(azurite, table_prefix + "permissions") as table:
        row = dict(await table.get_entity("P-OLD001", "request"))
        row.pop("DecidedAsDelegate")
        await table.upsert_entity(row, mode=UpdateMode.REPLACE)
    await table_store.create(_request("P-NEW001"), AuditEntry("P-NEW001", "submitted", CARYS.aad_object_id, "", NOW))
    sent = await table_store.get("P-NEW001")
    await table_store.save(replace(sent, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                           AuditEntry("P-NEW001", "approved", "someone", "Siân", NOW))

    def delegate_column() -> dict[str, str]:
        [header, *rows] = list(csv.reader(io.StringIO(decisions_csv(
            all_rows, start=date(2026, 11, 1), end=date(2026, 11, 30), school_names={}))))
        return {row[0]: row[header.index("decided by the headteacher's named delegate")] for row in rows}

    all_rows = await table_store.list_all()
    assert delegate_column() == {"P-OLD001": "unknown", "P-NEW001": "no"}
    old = await table_store.get("P-OLD001")
    await table_store.save(replace(old, state=RequestState.ENDED, ended_by="Carys Jenkins", ended_at=NOW),
                           AuditEntry("P-OLD001", "ended", CARYS.aad_object_id, CARYS.name, NOW))
    all_rows = await table_store.list_all()
    assert delegate_column() == {"P-OLD001": "unknown", "P-NEW001": "no"}


async def test_an_approval_replaced_by_a_wider_one_stays_on_record_and_the_export_says_which_replaced_it(
        store: PermissionRequests) -> None:
    """Permission probe 9: an approval a later, wider one for the same account replaces (`SupersededBy`,
    `SupersededFrom`, and `Supersedes` on the wider) stays on record as approved, and the governors' export says which
    one replaced it and from when, in two columns after every earlier one."""
    await store.create(_request("P-NAR001"), AuditEntry("P-NAR001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    sent = await store.get("P-NAR001")
    approved = await store.save(replace(sent, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                                AuditEntry("P-NAR001", "approved", CARYS.aad_object_id, "Siân", NOW))
    await store.save(replace(approved, superseded_by="P-WID001", superseded_from=date(2026, 12, 3),
                             superseded_until=date(2027, 1, 31)),
                     AuditEntry("P-NAR001", "replaced", CARYS.aad_object_id, "Siân", NOW, "by P-WID001"))
    await store.create(replace(_request("P-WID001"), approved_before="P-NAR001", supersedes="P-NAR001"),
                       AuditEntry("P-WID001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))

    read = await store.get("P-NAR001")
    assert (read.state, read.superseded_by, read.superseded_from, read.superseded_until) == (
        RequestState.APPROVED, "P-WID001", date(2026, 12, 3), date(2027, 1, 31))
    assert (await store.get("P-WID001")).supersedes == "P-NAR001"
    [header, row] = list(csv.reader(io.StringIO(decisions_csv(await store.list_all(), start=date(2026, 11, 1),
                                                              end=date(2026, 11, 30), school_names={}))))
    assert header[:18] == [*COLUMNS_BEFORE_ENDINGS, "ended by", "ended at (UK time)", "reason for ending"]
    assert dict(zip(header[18:20], row[18:20], strict=True)) == {"replaced by": "P-WID001",
                                                               "replaced from (UK date)": "2026-12-03"}
    # Permission probe 10: until when (the wider ran to 31 January): after it, the narrower stands again.
    assert dict(zip(header, row, strict=True))["replaced until (UK date)"] == "2027-01-31"


async def test_an_earlier_replacement_of_an_approval_stays_on_record_when_a_later_one_replaces_it_again(
        store: PermissionRequests) -> None:
    """Permission probe 11: P-NAR001 was replaced for November by P-WID001 and, from 3 December, by P-WID002. The
    earlier replacement (`ReplacedEarlier`) reads back beside the one in force, and the export says it in its last
    column; a row from before the column reads none."""
    await store.create(_request("P-NAR001"), AuditEntry("P-NAR001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    sent = await store.get("P-NAR001")
    approved = await store.save(replace(sent, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                                AuditEntry("P-NAR001", "approved", CARYS.aad_object_id, "Siân", NOW))
    assert approved.replaced_earlier == ()
    await store.save(replace(approved, superseded_by="P-WID002", superseded_from=date(2026, 12, 3),
                             replaced_earlier=(("P-WID001", date(2026, 11, 4), date(2026, 11, 30)),)),
                     AuditEntry("P-NAR001", "replaced", CARYS.aad_object_id, "Siân", NOW, "by P-WID002"))

    read = await store.get("P-NAR001")
    assert (read.superseded_by, read.replaced_earlier) == (
        "P-WID002", (("P-WID001", date(2026, 11, 4), date(2026, 11, 30)),))
    [header, row] = list(csv.reader(io.StringIO(decisions_csv(await store.list_all(), start=date(2026, 11, 1),
                                                              end=date(2026, 11, 30), school_names={}))))
    assert (header[-2], row[-2]) == ("replaced earlier", "P-WID001 2026-11-04 to 2026-11-30")


async def test_the_newer_approval_that_keeps_an_approval_replaced_stays_on_record_and_in_the_export(
        store: PermissionRequests) -> None:
    """Permission probe 12: P-NAR001 was replaced by P-WID001 to 30 November, and P-WID002 (ongoing), approved in
    place of P-WID001, keeps it replaced while it stands (one approval of an account at a time). `SupersededThrough`
    reads back, and the export says it in its last column."""
    await store.create(_request("P-NAR001"), AuditEntry("P-NAR001", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    sent = await store.get("P-NAR001")
    approved = await store.save(replace(sent, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                                AuditEntry("P-NAR001", "approved", CARYS.aad_object_id, "Siân", NOW))
    assert approved.superseded_through == ""
    await store.save(replace(approved, superseded_by="P-WID001", superseded_from=date(2026, 11, 4),
                             superseded_until=None, superseded_through="P-WID002"),
                     AuditEntry("P-NAR001", "replaced", CARYS.aad_object_id, "Siân", NOW,
                                "by P-WID002 in turn, which replaced P-WID001: until it ends"))

    read = await store.get("P-NAR001")
    assert (read.superseded_by, read.superseded_until, read.superseded_through) == ("P-WID001", None, "P-WID002")
    [header, row] = list(csv.reader(io.StringIO(decisions_csv(await store.list_all(), start=date(2026, 11, 1),
                                                              end=date(2026, 11, 30), school_names={}))))
    assert (header[-1], row[-1]) == ("replaced in turn by", "P-WID002")
    assert dict(zip(header, row, strict=True))["replaced until (UK date)"] == "ongoing"


async def test_a_request_row_written_before_its_language_was_kept_reads_without_one(
        azurite: str, table_prefix: str, table_store: TablePermissionRequests) -> None:
    await table_store.create(replace(_request(), lang=Lang.CY), _audit("submitted"))
    async with TableClient.from_connection_string(azurite, table_prefix + "permissions") as table:
        row = dict(await table.get_entity("P-ABCDEF", "request"))
        row.pop("Lang")
        await table.upsert_entity(row, mode=UpdateMode.REPLACE)

    assert (await table_store.get("P-ABCDEF")).lang is None


async def test_a_second_request_with_the_same_id_is_refused_whole(store: PermissionRequests) -> None:
    await store.create(_request(), _audit("submitted"))

    with pytest.raises(RecordExists):
        await store.create(_request(purpose="Someone else's"), _audit("submitted"))

    assert (await store.get("P-ABCDEF")).purpose == "Class news for parents"
    assert [a.action for a in await store.list_audit("P-ABCDEF")] == ["submitted"]


async def test_a_stale_index_row_never_shows_a_wrong_state_and_rebuild_repairs_the_index(
        azurite: str, table_prefix: str, table_store: TablePermissionRequests) -> None:
    await table_store.create(_request(), _audit("submitted"))
    read = await table_store.get("P-ABCDEF")
    await table_store.save(replace(read, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                           _audit("approved"))
    async with TableClient.from_connection_string(azurite, table_prefix + "permissionindex") as index:
        await index.upsert_entity({"PartitionKey": "pending|high", "RowKey": "P-ABCDEF"})  # stale
        await index.delete_entity(f"by-requester|{TENANT}|{CARYS.aad_object_id}", "P-ABCDEF")  # lost

    pending_before = await table_store.list_pending(["high"])
    mine_before = await table_store.list_by_requester(CARYS)
    rebuilt = await table_store.rebuild_index()

    assert pending_before == [] and mine_before == []
    assert rebuilt == 2  # the lost row written, the stale one dropped
    assert [r.state for r in await table_store.list_by_requester(CARYS)] == [RequestState.APPROVED]
    async with TableClient.from_connection_string(azurite, table_prefix + "permissionindex") as index:
        assert [e["PartitionKey"] async for e in index.list_entities()] == [
            f"by-requester|{TENANT}|{CARYS.aad_object_id}"]


async def test_a_saved_decision_leaves_the_pending_list_when_it_is_reindexed(
        azurite: str, table_prefix: str, table_store: TablePermissionRequests) -> None:
    """A decision is saved in one write; its list rows follow it (`reindex`, after the click's answer)."""
    await table_store.create(_request(), _audit("submitted"))
    read = await table_store.get("P-ABCDEF")
    saved = await table_store.save(replace(read, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                                   _audit("approved"))

    await table_store.reindex(saved)

    async with TableClient.from_connection_string(azurite, table_prefix + "permissionindex") as index:
        assert [e["PartitionKey"] async for e in index.list_entities()] == [
            f"by-requester|{TENANT}|{CARYS.aad_object_id}"]


async def test_a_request_whose_list_rows_cannot_be_written_is_not_stored(
        table_store: TablePermissionRequests, monkeypatch: pytest.MonkeyPatch) -> None:
    real_upsert = Table.upsert_entity

    async def refused(table: Table, entity: Any, *args: Any, **kwargs: Any) -> Any:
        if table.table_name.endswith("permissionindex"):
            raise ServiceRequestError("injected: connection reset")
        return await real_upsert(table, entity, *args, **kwargs)

    with monkeypatch.context() as storage_blinks:
        storage_blinks.setattr(Table, "upsert_entity", refused)
        with pytest.raises(StorageUnavailable):
            await table_store.create(_request(), _audit("submitted"))
        with pytest.raises(RecordNotFound):
            await table_store.get("P-ABCDEF")
    await table_store.create(_request(), _audit("submitted"))  # sent again

    assert [r.request_id for r in await table_store.list_by_requester(CARYS)] == ["P-ABCDEF"]
    assert [r.request_id for r in await table_store.list_pending(["high"])] == ["P-ABCDEF"]


async def test_rebuilding_the_index_keeps_the_rows_of_a_request_being_sent_and_lists_any_left_off(
        azurite: str, table_prefix: str, table_store: TablePermissionRequests) -> None:
    await table_store.create(_request(), _audit("submitted"))
    async with TableClient.from_connection_string(azurite, table_prefix + "permissionindex") as index:
        # A request stored before list rows were written first, whose rows were lost to a fault...
        await index.delete_entity(f"by-requester|{TENANT}|{CARYS.aad_object_id}", "P-ABCDEF")
        await index.delete_entity("pending|high", "P-ABCDEF")
        # ...and the rows of one being sent at this moment (its rows come first, then its record).
        await index.upsert_entity({"PartitionKey": "pending|high", "RowKey": "P-BBBBBB"})

    await table_store.rebuild_index()

    assert [r.request_id for r in await table_store.list_pending(["high"])] == ["P-ABCDEF"]
    assert [r.request_id for r in await table_store.list_by_requester(CARYS)] == ["P-ABCDEF"]
    async with TableClient.from_connection_string(azurite, table_prefix + "permissionindex") as index:
        assert [e["RowKey"] async for e in index.query_entities("PartitionKey eq 'pending|high'")] == [
            "P-ABCDEF", "P-BBBBBB"]


async def test_lists_keep_people_and_schools_apart(store: PermissionRequests) -> None:
    owain = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
    await store.create(_request("P-AAAAAA"), AuditEntry("P-AAAAAA", "submitted", CARYS.aad_object_id, "", NOW))
    await store.create(replace(_request("P-BBBBBB"), requester=owain, school_id="primary"),
                       AuditEntry("P-BBBBBB", "submitted", owain.aad_object_id, "", NOW))

    assert [r.request_id for r in await store.list_by_requester(owain)] == ["P-BBBBBB"]
    assert [r.request_id for r in await store.list_pending(["high"])] == ["P-AAAAAA"]
    assert sorted(r.request_id for r in await store.list_pending(["high", "primary"])) == ["P-AAAAAA", "P-BBBBBB"]


async def test_export_command_writes_the_decisions_in_range_to_a_file(azurite: str, table_prefix: str,
                                                                      table_store: TablePermissionRequests,
                                                                      tmp_path: Path) -> None:
    await table_store.create(_request(purpose="@SUM(A1:A9)"), _audit("submitted"))
    read = await table_store.get("P-ABCDEF")
    await table_store.save(replace(read, state=RequestState.DECLINED, decided_by="Siân", decided_at=NOW,
                                   reason="-1 for privacy"), _audit("declined"))
    await table_store.create(_request("P-PENDNG"), AuditEntry("P-PENDNG", "submitted", CARYS.aad_object_id, "", NOW))
    env = {**os.environ, "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix}
    out = tmp_path / "decisions.csv"

    result = await asyncio.to_thread(subprocess.run, [
        sys.executable, "-m", "bot", "export-decisions", "--from", "2026-11-01", "--to", "2026-11-30", "--out",
        str(out)], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    [header, row] = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    # The columns governors' spreadsheets already read stay as they were, in their order; new ones come after them.
    assert header[:11] == ["request id", "school", "requester", "platform", "account", "purpose",
                           "submitted at (UK time)", "decision", "decided by", "decided at (UK time)",
                           "reason or comment"]
    assert header[11:] == ["approved from (UK date)", "approved to (UK date)", "start asked for", "end asked for",
                           "ended by", "ended at (UK time)", "reason for ending", "replaced by",
                           "replaced from (UK date)", "decided by the headteacher's named delegate",
                           "replaced until (UK date)", "replaced earlier", "replaced in turn by"]
    assert (row[0], row[1], row[5], row[7], row[10]) == (
        "P-ABCDEF", "Llanidloes High School", "'@SUM(A1:A9)", "declined", "'-1 for privacy")
    # Not approved, ended or replaced.
    assert row[11:] == ["", "", "2026-12-01", "ongoing", "", "", "", "", "", "no", "", "", ""]


async def test_the_export_gives_the_dates_approved_and_the_day_a_late_approval_started(
        store: PermissionRequests) -> None:
    """Asked from 1 December until 31 March, approved on 3 December: the governors read permission from the 3rd."""
    await store.create(replace(_request(), end=date(2027, 3, 31)), _audit("submitted"))
    read = await store.get("P-ABCDEF")
    decided_at = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    await store.save(replace(read, state=RequestState.APPROVED, decided_by="Siân", decided_at=decided_at,
                             approved_from=date(2026, 12, 3)), _audit("approved"))
    await store.create(_request("P-ONGOIN"), AuditEntry("P-ONGOIN", "submitted", CARYS.aad_object_id, "", NOW))
    ongoing = await store.get("P-ONGOIN")
    await store.save(replace(ongoing, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW,
                             approved_from=date(2026, 12, 1)),
                     AuditEntry("P-ONGOIN", "approved", "head", "", NOW))

    text = decisions_csv(await store.list_all(), start=date(2026, 11, 1), end=date(2026, 12, 31), school_names={})

    [header, *rows] = list(csv.reader(io.StringIO(text)))
    dates = {row[0]: dict(zip(header[11:15], row[11:15], strict=True)) for row in rows}
    assert dates["P-ABCDEF"] == {"approved from (UK date)": "2026-12-03", "approved to (UK date)": "2027-03-31",
                                 "start asked for": "2026-12-01", "end asked for": "2027-03-31"}
    assert dates["P-ONGOIN"] == {"approved from (UK date)": "2026-12-01", "approved to (UK date)": "ongoing",
                                 "start asked for": "2026-12-01", "end asked for": "ongoing"}


async def _ended(store: PermissionRequests, *, approved_at: datetime, ended_at: datetime) -> None:
    """P-ABCDEF approved by Siân at `approved_at` and ended by Ffion at `ended_at`, because the account was closed."""
    await store.create(_request(), _audit("submitted"))
    read = await store.get("P-ABCDEF")
    approved = await store.save(replace(read, state=RequestState.APPROVED, decided_by="Siân", decided_by_id="head",
                                        decided_at=approved_at, comment="Go ahead.",
                                        approved_from=date(2026, 12, 1)),
                              AuditEntry("P-ABCDEF", "approved", "head", "Siân", approved_at))
    await store.save(replace(approved, state=RequestState.ENDED, ended_by="Ffion", ended_by_id="delegate",
                             ended_at=ended_at, end_reason="The account was closed."),
                     AuditEntry("P-ABCDEF", "ended", "delegate", "Ffion", ended_at))


async def test_an_ending_reads_back_with_who_when_and_why_beside_the_approval(store: PermissionRequests) -> None:
    ended_at = datetime(2027, 2, 1, 16, 0, tzinfo=UTC)
    await _ended(store, approved_at=NOW + timedelta(hours=1), ended_at=ended_at)

    read = await store.get("P-ABCDEF")

    assert (read.state, read.ended_by, read.ended_by_id, read.ended_at, read.end_reason) == (
        RequestState.ENDED, "Ffion", "delegate", ended_at, "The account was closed.")
    assert (read.decided_by, read.comment, read.permitted_from) == ("Siân", "Go ahead.", date(2026, 12, 1))
    assert [a.action for a in await store.list_audit("P-ABCDEF")] == ["submitted", "approved", "ended"]
    assert [r.request_id for r in await store.list_by_requester(CARYS)] == ["P-ABCDEF"]


async def test_the_export_shows_an_approval_ended_early_in_the_range_of_its_approval_or_of_its_ending(
        store: PermissionRequests) -> None:
    """Approved in November, ended in February: the governors' export of either month has it, with the ending in the
    columns added at the end (earlier columns as they were)."""
    await _ended(store, approved_at=NOW + timedelta(hours=1), ended_at=datetime(2027, 2, 1, 16, 0, tzinfo=UTC))

    requests = await store.list_all()
    november, february, january = (
        list(csv.reader(io.StringIO(decisions_csv(requests, start=first, end=last, school_names={}))))
        for first, last in ((date(2026, 11, 1), date(2026, 11, 30)), (date(2027, 2, 1), date(2027, 2, 28)),
                            (date(2027, 1, 1), date(2027, 1, 31))))

    [header, row] = november
    assert february == november and len(january) == 1
    assert header[:15] == COLUMNS_BEFORE_ENDINGS
    assert dict(zip(header[15:18], row[15:18], strict=True)) == {
        "ended by": "Ffion", "ended at (UK time)": "2027-02-01 16:00", "reason for ending": "The account was closed."}
    assert (row[7], row[8], row[10], row[11]) == ("approved", "Siân", "Go ahead.", "2026-12-01")


def test_export_command_refuses_a_range_that_ends_before_it_starts(azurite: str) -> None:
    env = {**os.environ, "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite}

    result = subprocess.run([sys.executable, "-m", "bot", "export-decisions", "--from", "2026-12-31", "--to",
                             "2026-09-01"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert "before" in result.stderr


async def test_each_saved_state_owes_its_notifications_until_marked_queued(store: PermissionRequests) -> None:
    await store.create(_request(), _audit("submitted"))
    owed_at_submit = await store.owed()
    await store.queued("P-ABCDEF", RequestState.PENDING)
    after_queueing = await store.owed()
    stale = await store.get("P-ABCDEF")
    await store.save(replace(stale, state=RequestState.APPROVED, decided_by="Siân", decided_at=NOW),
                     _audit("approved"))
    with pytest.raises(ConcurrentChange):  # refused whole: owes nothing for a state it did not save
        await store.save(replace(stale, state=RequestState.WITHDRAWN, decided_by="Carys", decided_at=NOW),
                         _audit("withdrawn"))

    assert owed_at_submit == [("P-ABCDEF", RequestState.PENDING)]
    assert after_queueing == []
    assert await store.owed() == [("P-ABCDEF", RequestState.APPROVED)]
    await store.queued("P-ABCDEF", RequestState.APPROVED)
    await store.queued("P-ABCDEF", RequestState.APPROVED)  # twice is harmless
    assert await store.owed() == []
    assert sorted(a.action for a in await store.list_audit("P-ABCDEF")) == ["approved", "submitted"]


async def test_an_audit_entry_marked_queued_with_its_state_is_kept_whether_or_not_the_state_was_still_owed(
        store: PermissionRequests, backend: Backend) -> None:
    await store.create(_request(), _audit("submitted"))
    await store.queued("P-ABCDEF", RequestState.PENDING, audit=_audit("sent to approver"))
    after_first = await store.owed()
    async with backend.other() as other:  # another instance caught the same state up meanwhile: no longer owed
        await (await other.permission_requests()).queued("P-ABCDEF", RequestState.PENDING,
                                                          audit=_audit("sent to approver"))

    assert after_first == [] and await store.owed() == []
    assert sorted(a.action for a in await store.list_audit("P-ABCDEF")) == [
        "sent to approver", "sent to approver", "submitted"]
