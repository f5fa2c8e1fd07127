"""Concern reports in their own `reports` table, and deletions in the `audit` table.

`reports`: PartitionKey = report reference; RowKey `report` for the record, `audit|<iso time>|<random>` for
each change (action and who, never the report's text). Change + audit go in one transaction.
`audit`: PartitionKey `reports`, RowKey `<closed at>|<reference>`: what retention deleted, and when (`DeletedAt`).

Lists ("open reports" for the reminder task, "all" for retention) filter the `report` rows: a federation files a
handful of reports a year, so a derived index would add a second write to keep consistent and gain nothing.
Retention also removes the report's messages from the `outbox` table (their cards carry the report's text):
their message ids all start with the reference (`msg|<reference>|...`, see bot/storage/outbox.py).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from bot.domain.concerns import ConcernReport, ReportState, Route
from bot.domain.errors import ConcurrentChange
from bot.domain.people import Person, StaffContact
from bot.storage.outbox import TABLE as OUTBOX
from bot.storage.tables import TableStore, entity_etag, entity_text, entity_time, safe_key

TABLE = "reports"
AUDIT = "audit"
RECORD = "report"
# How long a retention run on one instance holds a report it is deleting before another may take over.
PURGE_LEASE = timedelta(minutes=10)


def _contact(entity: dict[str, Any], prefix: str) -> StaffContact:
    return StaffContact(entity_text(entity, f"{prefix}Id"), entity_text(entity, f"{prefix}Name"),
                        entity_text(entity, f"{prefix}Email"))


def _to_entity(report: ConcernReport) -> dict[str, Any]:
    return {
        "PartitionKey": safe_key(report.reference), "RowKey": RECORD,
        "TenantId": report.reporter.tenant_id, "ReporterId": report.reporter.aad_object_id,
        "ReporterName": report.reporter.name, "What": report.what, "Since": report.since, "Where": report.where,
        "Who": report.who, "Evidence": report.evidence, "WantsMeeting": report.wants_meeting,
        "Urgent": report.urgent, "SubmittedAt": report.submitted_at,
        "AssignedId": report.assigned_to.aad_object_id, "AssignedName": report.assigned_to.name,
        "AssignedEmail": report.assigned_to.email, "Route": report.route.value,
        "EscalationId": report.escalation_contact.aad_object_id, "EscalationName": report.escalation_contact.name,
        "EscalationEmail": report.escalation_contact.email, "State": report.state.value,
        "AcknowledgedAt": report.acknowledged_at, "RemindedAt": report.reminded_at,
        "EscalatedAt": report.escalated_at, "EscalationNote": report.escalation_note, "ClosedAt": report.closed_at,
    }


def _from_entity(entity: dict[str, Any]) -> ConcernReport:
    submitted = entity_time(entity, "SubmittedAt")
    assert submitted is not None
    return ConcernReport(
        reference=entity_text(entity, "PartitionKey"),
        reporter=Person(entity_text(entity, "TenantId"), entity_text(entity, "ReporterId"),
                        entity_text(entity, "ReporterName")),
        what=entity_text(entity, "What"), since=entity_text(entity, "Since"), where=entity_text(entity, "Where"),
        who=entity_text(entity, "Who"), evidence=entity_text(entity, "Evidence"),
        wants_meeting=bool(entity.get("WantsMeeting")), urgent=bool(entity.get("Urgent")), submitted_at=submitted,
        assigned_to=_contact(entity, "Assigned"), route=Route(entity_text(entity, "Route")),
        escalation_contact=_contact(entity, "Escalation"), state=ReportState(entity_text(entity, "State")),
        acknowledged_at=entity_time(entity, "AcknowledgedAt"), reminded_at=entity_time(entity, "RemindedAt"),
        escalated_at=entity_time(entity, "EscalatedAt"), escalation_note=entity_text(entity, "EscalationNote"),
        closed_at=entity_time(entity, "ClosedAt"), etag=entity_etag(entity))


def _audit(reference: str, action: str, actor: str, at: datetime) -> dict[str, Any]:
    return {"PartitionKey": safe_key(reference), "RowKey": f"audit|{at.isoformat()}|{secrets.token_hex(4)}",
            "Action": action, "Actor": actor, "At": at}


class TableConcernReports:
    """`ConcernReports` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)
        self._audit_table = store.table(AUDIT)
        self._outbox = store.table(OUTBOX)

    async def create(self, report: ConcernReport) -> None:
        """Store the report and its 'submitted' audit entry together."""
        async with self._store.call():
            await self._table.submit_transaction([
                ("create", _to_entity(report)),
                ("create", _audit(report.reference, "submitted", report.reporter.aad_object_id, report.submitted_at))])

    async def get(self, reference: str) -> ConcernReport:
        """The report; `RecordNotFound` when there is none."""
        async with self._store.call():
            entity = await self._table.get_entity(safe_key(reference), RECORD)
        return _from_entity(entity)

    async def save(self, report: ConcernReport, action: str, actor: str) -> ConcernReport:
        """Update if unchanged since read (etag), with its audit entry, all or nothing."""
        at = report.closed_at or report.escalated_at or report.acknowledged_at or report.reminded_at \
            or report.submitted_at
        async with self._store.call():
            results = await self._table.submit_transaction([
                ("update", _to_entity(report), {"mode": UpdateMode.REPLACE, "etag": report.etag,
                                                "match_condition": MatchConditions.IfNotModified}),
                ("create", _audit(report.reference, action, actor, max(at, report.submitted_at)))])
        return replace(report, etag=str(results[0].get("etag", "")) if results else "")

    async def _query(self, query: str, parameters: dict[str, Any]) -> list[ConcernReport]:
        rows: list[ConcernReport] = []
        async with self._store.call():
            async for entity in self._table.query_entities(query, parameters=parameters):
                rows.append(_from_entity(entity))
        return rows

    async def list_open(self) -> list[ConcernReport]:
        """Reports not closed."""
        return await self._query("RowKey eq @rk and State ne @closed", {"rk": RECORD, "closed": "closed"})

    async def list_all(self) -> list[ConcernReport]:
        """Every report."""
        return await self._query("RowKey eq @rk", {"rk": RECORD})

    async def _keys(self, table: TableClient, partition: str, low: str = "", high: str = "") -> list[str]:
        query, parameters = "PartitionKey eq @pk", {"pk": partition}
        if low:
            query, parameters = query + " and RowKey ge @low and RowKey lt @high", {**parameters, "low": low,
                                                                                     "high": high}
        keys: list[str] = []
        async with self._store.call():
            async for entity in table.query_entities(query, parameters=parameters, select=["RowKey"]):
                keys.append(entity_text(entity, "RowKey"))
        return keys

    async def delete(self, report: ConcernReport, *, at: datetime) -> None:
        """Record the deletion (reference and dates only), then delete the report's messages and rows.

        Safe on several instances at once: the first to claim the record deletes it, the others get
        `ConcurrentChange` (or `RecordNotFound` once it is gone). Every step can be repeated, and the record goes
        last, so a run that stops half way is finished by the next one.
        """
        partition = safe_key(report.reference)
        await self._claim(partition, at)
        async with self._store.call():
            # One trace per report, whoever writes it and however often (the key holds no instant of this run).
            await self._audit_table.upsert_entity({
                "PartitionKey": "reports",
                "RowKey": f"{(report.closure or report.submitted_at).isoformat()}|{partition}",
                "Action": "deleted after retention", "Reference": report.reference,
                "SubmittedAt": report.submitted_at, "ClosedAt": report.closure, "DeletedAt": at})
        people = {report.reporter.aad_object_id, report.assigned_to.aad_object_id,
                  report.escalation_contact.aad_object_id}
        for object_id in people:
            recipient = safe_key(Person(report.reporter.tenant_id, object_id).key)
            for kind in ("msg", "slot"):
                prefix = safe_key(f"{kind}|{report.reference}|")
                for key in await self._keys(self._outbox, recipient, prefix, prefix[:-1] + "}"):
                    async with self._store.call():
                        await self._outbox.delete_entity(recipient, key)
        keys = await self._keys(self._table, partition)
        for key in sorted(keys, key=lambda k: k == RECORD):  # the record last
            async with self._store.call():
                await self._table.delete_entity(partition, key)

    async def _claim(self, partition: str, at: datetime) -> None:
        async with self._store.call():
            entity = await self._table.get_entity(partition, RECORD)
        claimed = entity_time(entity, "PurgeClaimedAt")
        if claimed is not None and timedelta(0) <= at - claimed < PURGE_LEASE:
            raise ConcurrentChange(f"report {partition} is being deleted by another instance")
        async with self._store.call():
            await self._table.update_entity({"PartitionKey": partition, "RowKey": RECORD, "PurgeClaimedAt": at},
                                            mode=UpdateMode.MERGE, etag=entity_etag(entity),
                                            match_condition=MatchConditions.IfNotModified)
