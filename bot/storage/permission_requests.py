"""Permission requests in the `permissions` and `permissionindex` tables.

`permissions`: PartitionKey = request id; RowKey `request` for the record (`Lang`: the language of the form it was sent
on, none on rows from before it was kept; an approval ended early adds `EndedBy`, `EndedById`, `EndedAt` and `EndReason`
beside the approval's own columns; `Replaces`, `Changed`, `ReplacedBy` and `Alongside` link a request sent in place of a
waiting one, or beside one for the same purpose, to it; `DeclinedBefore`, the declined one for the same account it was
sent after, or `ApprovedBefore`, the approval in force it asks more of, with `Changed` then what changed; `Form`, the
token of the form it was sent on; `DecidedAsDelegate`, true when a named delegate of the school, not its headteacher,
approved or declined it (none on rows decided before it was kept: not known); `Supersedes` on an approval of more for an
account, and `SupersededBy` and `SupersededFrom` on the approval it widened, which it replaces from that day,
`SupersededUntil` to which, `ReplacedEarlier` the wider ones that replaced it for a while before, and
`SupersededThrough` the newer one that replaced the wider in turn and keeps it replaced while it stands;
`ColleagueApproved`, another member of staff's approval in force of the same existing account when it was sent) and
`audit|<iso
time>|<random>` for each audit entry. A decision updates the record (etag-conditional) and inserts its audit entry in
one transaction, so there is never a decision without its entry, nor two decisions. The same transaction upserts
`owed|<state>`: that state's notifications are owed until the flow has queued them and deletes the row (a new request's
row in one transaction with its "sent to approver" entry); a catch-up pass queues whatever a fault left owed (message
ids are fixed, so nothing is sent twice).

`permissionindex` (derived, rebuildable): PartitionKey `by-requester|<tenant>|<object id>` or
`pending|<school id>`, RowKey = request id. A new request's two rows are written before its record, so a
request is never stored off the lists: when they cannot be written, nothing is stored and the person is told
so. A decision's rows (the end of its pending row) follow its transaction (`reindex`, after the click's answer),
best effort: a row left behind is only stale, and every list re-reads each request's record, so a stale row can
never show a wrong state (it is just skipped), nor can the rows of a request whose record was then not written.
`rebuild_index()` (each instance's first catch-up pass) writes any row a record lacks, as a fault could leave before
rows came first, and drops rows their record has no need of.

Access patterns: by id (a card click) = one point read; by requester ("My requests") = one index partition
plus a point read per request; pending by school (the head's list) = one index partition per school plus
point reads; the register and the governors' export = one query over `RowKey eq 'request'` (hundreds of
rows, not millions).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.errors import DomainError, RecordNotFound
from bot.domain.people import Lang, Person
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState, listing_order
from bot.storage.tables import TableStore, entity_etag, entity_text, entity_time, safe_key

log = logging.getLogger(__name__)

TABLE = "permissions"
# What an audit row keeps of its detail.
AUDIT_DETAIL_CHARS = 1000
INDEX = "permissionindex"
RECORD = "request"
# A row in the request's own partition, written in the same transaction as the state it is owed for.
OWED = "owed|"


def _requester_partition(person: Person) -> str:
    return safe_key(f"by-requester|{person.tenant_id}|{person.aad_object_id}")


def _pending_partition(school_id: str) -> str:
    return safe_key(f"pending|{school_id}")


def _index_keys(request: PermissionRequest) -> list[tuple[str, str]]:
    """The (partition, row) of each index row the request's record needs: its requester's, and its school's while
    it waits."""
    keys = [(_requester_partition(request.requester), safe_key(request.request_id))]
    if request.state is RequestState.PENDING:
        keys.append((_pending_partition(request.school_id), safe_key(request.request_id)))
    return keys


def _index_rows(request: PermissionRequest) -> list[dict[str, Any]]:
    return [{"PartitionKey": partition, "RowKey": row} for partition, row in _index_keys(request)]


def _to_entity(request: PermissionRequest) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": safe_key(request.request_id), "RowKey": RECORD,
        "TenantId": request.requester.tenant_id, "ObjectId": request.requester.aad_object_id,
        "RequesterName": request.requester.name, "School": request.school_id, "Platform": request.platform,
        "PlatformOther": request.platform_other, "AccountKind": request.account_kind,
        "ExistingAccount": request.existing_account, "Purpose": request.purpose,
        "Audiences": ",".join(request.audiences), "PupilContent": ",".join(request.pupil_content),
        "Consent": request.consent, "Moderator": request.moderator, "Moderation": request.moderation,
        "Start": request.start.isoformat(), "End": request.end.isoformat() if request.end else "",
        "SubmittedAt": request.submitted_at, "State": request.state.value, "DecidedBy": request.decided_by,
        "DecidedById": request.decided_by_id, "DecidedAt": request.decided_at, "Reason": request.reason,
        "Comment": request.comment,
        # Added later: rows approved before it have none (`PermissionRequest.permitted_from` reads them).
        "ApprovedFrom": request.approved_from.isoformat() if request.approved_from else "",
        # Added later: the language of the form it was sent on (rows before it have none, read as not known).
        "Lang": request.lang.value if request.lang else "",
        # Added later (rows before them have none, read as empty): the waiting request this one was sent in place of,
        # what it changed of it, the one sent in place of this, and her requests for the same purpose on other
        # platforms waiting when it was sent (ids, and `CHANGES` keys, comma-separated).
        "Replaces": request.replaces, "ReplacedBy": request.replaced_by, "Changed": ",".join(request.changed),
        "Alongside": ",".join(request.alongside),
        # Added later: the token of the form it was sent on (rows before it have none).
        "Form": request.form,
        # Added later: her declined request for the same account this was sent after (rows before it have none).
        "DeclinedBefore": request.declined_before,
        # Added later: her approval for the same account, in force, that this asks more of (rows before it have none).
        "ApprovedBefore": request.approved_before,
        # Added later: an approval of more for the account replacing the approval it widened (rows before it have
        # none): on the wider, the narrower's id; on the narrower, the wider's id and the day it replaces it from.
        "Supersedes": request.supersedes, "SupersededBy": request.superseded_by,
        "SupersededFrom": request.superseded_from.isoformat() if request.superseded_from else "",
        # Added later: the last day the wider replaces the narrower (rows before it have none, read as while it runs).
        "SupersededUntil": request.superseded_until.isoformat() if request.superseded_until else "",
        # Added later: the wider approvals that replaced it for a while before the one it names now (rows before it
        # have none), `<id>:<first day>:<last day>`, comma-separated, oldest first.
        "ReplacedEarlier": ",".join(f"{by}:{first.isoformat()}:{last.isoformat()}"
                                    for by, first, last in request.replaced_earlier),
        # Added later: the newer approval that replaced the one it names, and keeps it replaced while it stands (rows
        # before it have none).
        "SupersededThrough": request.superseded_through,
        # Added later: another member of staff's approval in force of the same existing account, when this was sent
        # (rows before it have none).
        "ColleagueApproved": request.colleague_approved,
    }
    if request.decided_as_delegate is not None:
        # Added later: decided by a named delegate of the school, not its headteacher (rows decided before it have none,
        # and keep none when written again: the record cannot tell).
        entity["DecidedAsDelegate"] = request.decided_as_delegate
    if request.state is RequestState.ENDED:  # only an ended approval has these columns (rows before them have none)
        entity.update({"EndedBy": request.ended_by, "EndedById": request.ended_by_id, "EndedAt": request.ended_at,
                       "EndReason": request.end_reason})
    return entity


def _replaced_earlier(entity: dict[str, Any]) -> tuple[tuple[str, date, date], ...]:
    """`ReplacedEarlier` read back; a part it cannot read is left out (the audit trail keeps every replacement)."""
    kept: list[tuple[str, date, date]] = []
    for part in entity_text(entity, "ReplacedEarlier").split(","):
        by, _, days = part.partition(":")
        first, _, last = days.partition(":")
        try:
            kept.append((by, date.fromisoformat(first), date.fromisoformat(last)))
        except ValueError:
            continue
    return tuple(kept)


def _from_entity(entity: dict[str, Any]) -> PermissionRequest:
    submitted = entity_time(entity, "SubmittedAt")
    if submitted is None:
        raise RecordNotFound("request row without SubmittedAt")
    end, approved_from = entity_text(entity, "End"), entity_text(entity, "ApprovedFrom")
    superseded_from, superseded_until = entity_text(entity, "SupersededFrom"), entity_text(entity, "SupersededUntil")
    lang = entity_text(entity, "Lang")
    return PermissionRequest(
        request_id=entity_text(entity, "PartitionKey"),
        requester=Person(entity_text(entity, "TenantId"), entity_text(entity, "ObjectId"),
                         entity_text(entity, "RequesterName")),
        school_id=entity_text(entity, "School"), platform=entity_text(entity, "Platform"),
        platform_other=entity_text(entity, "PlatformOther"), account_kind=entity_text(entity, "AccountKind"),
        existing_account=entity_text(entity, "ExistingAccount"), purpose=entity_text(entity, "Purpose"),
        audiences=tuple(a for a in entity_text(entity, "Audiences").split(",") if a),
        pupil_content=tuple(c for c in entity_text(entity, "PupilContent").split(",") if c),
        consent=entity_text(entity, "Consent"), moderator=entity_text(entity, "Moderator"),
        moderation=entity_text(entity, "Moderation"), start=date.fromisoformat(entity_text(entity, "Start")),
        end=date.fromisoformat(end) if end else None, submitted_at=submitted,
        state=RequestState(entity_text(entity, "State")), decided_by=entity_text(entity, "DecidedBy"),
        decided_by_id=entity_text(entity, "DecidedById"), decided_at=entity_time(entity, "DecidedAt"),
        # None for a row from before it was kept (no column), which cannot tell; a decision made now sets it.
        decided_as_delegate=kept if isinstance(kept := entity.get("DecidedAsDelegate"), bool) else None,
        supersedes=entity_text(entity, "Supersedes"), superseded_by=entity_text(entity, "SupersededBy"),
        superseded_from=date.fromisoformat(superseded_from) if superseded_from else None,
        superseded_until=date.fromisoformat(superseded_until) if superseded_until else None,
        replaced_earlier=_replaced_earlier(entity), superseded_through=entity_text(entity, "SupersededThrough"),
        reason=entity_text(entity, "Reason"), comment=entity_text(entity, "Comment"),
        approved_from=date.fromisoformat(approved_from) if approved_from else None,
        ended_by=entity_text(entity, "EndedBy"), ended_by_id=entity_text(entity, "EndedById"),
        ended_at=entity_time(entity, "EndedAt"), end_reason=entity_text(entity, "EndReason"),
        lang=Lang(lang) if lang in tuple(Lang) else None, replaces=entity_text(entity, "Replaces"),
        replaced_by=entity_text(entity, "ReplacedBy"),
        changed=tuple(c for c in entity_text(entity, "Changed").split(",") if c),
        alongside=tuple(a for a in entity_text(entity, "Alongside").split(",") if a), form=entity_text(entity, "Form"),
        declined_before=entity_text(entity, "DeclinedBefore"), approved_before=entity_text(entity, "ApprovedBefore"),
        colleague_approved=entity_text(entity, "ColleagueApproved"), etag=entity_etag(entity))


def _owed_entity(request: PermissionRequest) -> dict[str, Any]:
    return {"PartitionKey": safe_key(request.request_id), "RowKey": f"{OWED}{request.state.value}",
            "RequestId": request.request_id, "State": request.state.value}


def _audit_entity(audit: AuditEntry) -> dict[str, Any]:
    return {
        "PartitionKey": safe_key(audit.request_id),
        "RowKey": f"audit|{audit.at.isoformat()}|{secrets.token_hex(4)}",
        "Action": audit.action, "ActorId": audit.actor_id, "ActorName": audit.actor_name, "At": audit.at,
        "Detail": audit.detail[:AUDIT_DETAIL_CHARS],
    }


class TablePermissionRequests:
    """`PermissionRequests` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)
        self._index = store.table(INDEX)

    async def create(self, request: PermissionRequest, audit: AuditEntry) -> None:
        """List the request, then store it and its audit entry in one transaction (nothing is stored when either
        step fails: lists skip rows without a record)."""
        async with self._store.call():
            # Two partitions, so not one transaction; nor need they wait for each other.
            await asyncio.gather(*(self._index.upsert_entity(row) for row in _index_rows(request)))
        async with self._store.call():
            await self._table.submit_transaction([("create", _to_entity(request)),
                                                  ("create", _audit_entity(audit)),
                                                  ("upsert", _owed_entity(request))])

    async def get(self, request_id: str) -> PermissionRequest:
        """The request; `RecordNotFound` when there is none."""
        async with self._store.call():
            entity = await self._table.get_entity(safe_key(request_id), RECORD)
        return _from_entity(entity)

    async def save(self, request: PermissionRequest, audit: AuditEntry) -> PermissionRequest:
        """Update the record (etag) and append the audit entry, all or nothing; `ConcurrentChange` if stale. Its index
        rows follow with `reindex`."""
        async with self._store.call():
            results = await self._table.submit_transaction([
                ("update", _to_entity(request), {"mode": UpdateMode.REPLACE, "etag": request.etag,
                                                 "match_condition": MatchConditions.IfNotModified}),
                ("create", _audit_entity(audit)),
                ("upsert", _owed_entity(request)),
            ])
        etag = str(results[0].get("etag", "")) if results else ""
        return replace(request, etag=etag)

    async def owed(self) -> list[tuple[str, RequestState]]:
        """Every (request id, state) whose notifications are still owed."""
        query = "RowKey ge @low and RowKey lt @high"
        found: list[tuple[str, RequestState]] = []
        async with self._store.call():
            async for entity in self._table.query_entities(query, parameters={"low": OWED, "high": "owed}"}):
                try:
                    found.append((entity_text(entity, "RequestId"), RequestState(entity_text(entity, "State"))))
                except ValueError:
                    log.warning("owed row with an unknown state skipped")
        return found

    async def queued(self, request_id: str, state: RequestState, *, audit: AuditEntry | None = None) -> None:
        """Remove the owed row (nothing happens when it is already gone); with `audit`, append that entry in the same
        transaction (both rows are in the request's partition), or on its own when the owed row was gone."""
        owed = (safe_key(request_id), f"{OWED}{state.value}")
        if audit is not None:
            try:
                async with self._store.call():
                    await self._table.submit_transaction([
                        ("create", _audit_entity(audit)),
                        ("delete", {"PartitionKey": owed[0], "RowKey": owed[1]})])
                return
            except RecordNotFound:  # another instance caught this state up first: the entry still says what we did
                pass
            async with self._store.call():
                await self._table.create_entity(_audit_entity(audit))
            return
        async with self._store.call():
            await self._table.delete_entity(*owed)

    async def list_audit(self, request_id: str) -> list[AuditEntry]:
        """The request's trail, oldest first."""
        entries: list[AuditEntry] = []
        async with self._store.call():
            async for entity in self._table.query_entities(
                    "PartitionKey eq @pk and RowKey gt 'audit|' and RowKey lt 'audit}'",
                    parameters={"pk": safe_key(request_id)}):
                at = entity_time(entity, "At")
                if at is not None:
                    entries.append(AuditEntry(request_id, entity_text(entity, "Action"),
                                              entity_text(entity, "ActorId"), entity_text(entity, "ActorName"),
                                              at, entity_text(entity, "Detail")))
        return entries

    async def reindex(self, request: PermissionRequest) -> None:
        """The index rows of a saved change: its requester's, and its school's pending row while it waits."""
        # Best effort: the record is the truth (already written), lists re-check it, and its requester's row
        # was written before it, so a failure here leaves only a stale row and must not fail anything.
        pending = {"PartitionKey": _pending_partition(request.school_id), "RowKey": safe_key(request.request_id)}
        try:
            async with self._store.call():
                # Two partitions, so not one transaction; nor need they wait for each other.
                await asyncio.gather(
                    self._index.upsert_entity({"PartitionKey": _requester_partition(request.requester),
                                               "RowKey": safe_key(request.request_id)}),
                    self._index.upsert_entity(pending) if request.state is RequestState.PENDING
                    else self._index.delete_entity(pending["PartitionKey"], pending["RowKey"]))
        except DomainError as error:
            log.warning("permission index not updated for %s: %s", request.request_id, type(error).__name__)

    async def rebuild_index(self) -> int:
        """Write every index row a request record needs and lacks, and drop the rows a record has no need of (a
        decided request's pending row); returns how many rows changed. The rows of an id with no record are kept: they
        may be a request being sent at this moment (its rows come first), and lists skip them."""
        requests = await self.list_all()
        wanted = {row for r in requests for row in _index_keys(r)}
        recorded = {safe_key(r.request_id) for r in requests}
        async with self._store.call():
            existing = {(entity_text(e, "PartitionKey"), entity_text(e, "RowKey"))
                        async for e in self._index.list_entities(select=["PartitionKey", "RowKey"])}
        unneeded = {(partition, row) for partition, row in existing - wanted if row in recorded}
        for partition, row in unneeded:
            async with self._store.call():
                await self._index.delete_entity(partition, row)
        for partition, row in wanted - existing:
            async with self._store.call():
                await self._index.upsert_entity({"PartitionKey": partition, "RowKey": row})
        return len(unneeded) + len(wanted - existing)

    async def _indexed(self, partition: str) -> list[PermissionRequest]:
        ids: list[str] = []
        async with self._store.call():
            async for entity in self._index.query_entities("PartitionKey eq @pk", parameters={"pk": partition}):
                ids.append(entity_text(entity, "RowKey"))
        found: list[PermissionRequest] = []
        for request_id in ids:
            try:
                found.append(await self.get(request_id))
            except RecordNotFound:
                continue
        return found

    async def list_by_requester(self, person: Person) -> list[PermissionRequest]:
        """A person's requests, newest first."""
        rows = await self._indexed(_requester_partition(person))
        mine = [r for r in rows if r.requester.aad_object_id == person.aad_object_id]
        return sorted(mine, key=listing_order, reverse=True)

    async def list_pending(self, school_ids: Sequence[str]) -> list[PermissionRequest]:
        """Requests still waiting at these schools, oldest first."""
        rows: list[PermissionRequest] = []
        for school_id in dict.fromkeys(school_ids):
            rows.extend(r for r in await self._indexed(_pending_partition(school_id))
                        if r.state is RequestState.PENDING and r.school_id == school_id)
        return sorted(rows, key=listing_order)

    async def list_all(self) -> list[PermissionRequest]:
        """Every request record."""
        rows: list[PermissionRequest] = []
        async with self._store.call():
            async for entity in self._table.query_entities("RowKey eq @rk", parameters={"rk": RECORD}):
                rows.append(_from_entity(entity))
        return sorted(rows, key=listing_order)


