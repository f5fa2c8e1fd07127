"""Concern reports in their own `reports` table, and deletions in the `audit` table.

`reports`: PartitionKey = report reference; RowKey `report` for the record, `audit|<iso time>|<random>` for
each change (action and who, never the report's text). Change + audit go in one transaction. A form's token
(what makes a second press of the same Send the same report) is a row of its own: PartitionKey
`form|<tenant>|<reporter id>`, RowKey = token, holding the reference the server gave it. A change is written with
`Owed` (the action whose messages are still to be queued), cleared once they are: a fault between the two leaves it
for the reminder task to catch up.
`audit`: PartitionKey `reports`, RowKey `<closed at>|<reference>`: what retention deleted, and when (`DeletedAt`).

Lists ("open reports" and "owed" for the reminder task, "open reports" for a holder's list too, "all" for retention,
"mine" for the reporter) filter the `report` rows outside the `form|` partitions (a form's token is the client's:
"report" is a token too): a federation files a handful of reports a year, so a derived index would add a second write
to keep consistent and gain nothing. No column names a report's current holder (`Chain` is JSON, with `Level`), so the
holder's list keeps its own from the open reports in Python; a holder column added now would miss older rows.
A row a list cannot read as a report is left out and logged once (by its keys): one bad row must not stop the
reminders or retention of every other report.
Retention also removes the report's messages from the `outbox` table (their cards carry the report's text) and
their sent marks from `outboxsent`: their message ids all start with the reference (`msg|<reference>|...`, see
bot/storage/outbox.py). Except the messages that replace the report's cards posted in Teams (they hold none of it) and
the places of those cards (`slot|<reference>|...`): they are kept, listed in a row of the report's partition with
RowKey `cards` (recipient, card key and message id of each; `DeletedAt`), until `forget_replaced_cards` removes them.

`School` is the id of the reporter's school when she sent the report (whose head's post it is, once she has left the
staff list); rows written before it existed have none, and go by the staff list, then by the head in their chain.
`Lang` is the language of the form she sent it on (`en`, `cy`), which the news of it reaches her in; rows written
before it existed have none, and reach her in the language the bot writes to her in.
`PassedUp` lists the levels of its chain (`1,2`) the report reached because the holder before did not acknowledge it in
time (the reminder task passed it up), so that holder's card says why it came; rows written before it have none.
`InvolvedManager` (JSON, like a person of `Chain`) is who the reporter's line manager was when she sent a report
that involves him; rows written before it existed have none, read as "not known".
Records written before the chain of holders existed (`AssignedId`, `EscalationId`, `EscalationNote`) are read
as a chain of those two people and one escalation note.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.concerns import (
    CardReplacer,
    ConcernReport,
    Note,
    NoteKind,
    Pace,
    ReportKind,
    ReportState,
    Route,
    listing_order,
    no_cards,
)
from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.outbox import CardSlot
from bot.domain.people import Lang, Person, StaffContact
from bot.storage.outbox import SENT_TABLE as OUTBOX_SENT
from bot.storage.outbox import TABLE as OUTBOX
from bot.storage.table_client import Table
from bot.storage.tables import TableStore, entity_etag, entity_text, entity_time, key_value, safe_key

TABLE = "reports"
AUDIT = "audit"
RECORD = "report"
REPLACED = "cards"  # in a deleted report's partition: what is kept to replace its cards in Teams
FORMS = "form|"  # the start of every form token's partition key
# How long a retention run on one instance holds a report it is deleting before another may take over.
PURGE_LEASE = timedelta(minutes=10)
# The report rows: a report's partition is its reference, never a form token's partition.
_REPORTS = "RowKey eq @rk and ( PartitionKey lt @forms or PartitionKey ge @after )"

log = logging.getLogger(__name__)


def _contact(entity: dict[str, Any], prefix: str) -> StaffContact:
    return StaffContact(entity_text(entity, f"{prefix}Id"), entity_text(entity, f"{prefix}Name"),
                        entity_text(entity, f"{prefix}Email"))


def people_of(report: ConcernReport) -> dict[str, Person]:
    """The reporter and everyone who held or would hold the report, by their key."""
    tenant = report.reporter.tenant_id
    people: dict[str, Person] = {}
    for person in (report.reporter, *(Person(tenant, c.aad_object_id, c.name) for c in report.chain)):
        people.setdefault(person.key, person)
    return people


def _form_partition(reporter: Person) -> str:
    return safe_key(f"{FORMS}{reporter.tenant_id}|{reporter.aad_object_id}")


def _contact_json(contact: StaffContact) -> dict[str, Any]:
    """A person as stored: with every other address Graph knows them by, to tell later whether they are still here."""
    stored: dict[str, Any] = {"id": contact.aad_object_id, "name": contact.name, "email": contact.email}
    if contact.other_addresses:
        stored["other"] = list(contact.other_addresses)
    return stored


def _stored_contact(stored: dict[str, Any]) -> StaffContact:
    return StaffContact(stored["id"], stored["name"], stored.get("email", ""), tuple(stored.get("other", ())))


def _chain_json(chain: tuple[StaffContact, ...]) -> str:
    return json.dumps([_contact_json(c) for c in chain], ensure_ascii=False)


def _notes_json(notes: tuple[Note, ...]) -> str:
    return json.dumps([{"kind": n.kind.value, "text": n.text, "level": n.level, "at": n.at.isoformat(),
                        "shared": n.shared, **({"passed_over": True} if n.passed_over else {})} for n in notes],
                      ensure_ascii=False)


def _to_entity(report: ConcernReport) -> dict[str, Any]:
    return {
        "PartitionKey": safe_key(report.reference), "RowKey": RECORD,
        "TenantId": report.reporter.tenant_id, "ReporterId": report.reporter.aad_object_id,
        "ReporterName": report.reporter.name, "What": report.what, "Since": report.since, "Where": report.where,
        "Who": report.who, "Evidence": report.evidence, "WantsMeeting": report.wants_meeting,
        "Urgent": report.urgent, "SubmittedAt": report.submitted_at, "Chain": _chain_json(report.chain),
        "Level": report.level, "Route": report.route.value, "Kind": report.kind.value, "About": report.about,
        "AboutName": report.about_name, "InvolvesManager": report.involves_manager,
        "InvolvedManager": json.dumps(_contact_json(report.involved_manager), ensure_ascii=False)
        if report.involved_manager is not None else "",
        "State": report.state.value,
        "AcknowledgedAt": report.acknowledged_at, "RemindedAt": report.reminded_at,
        "EscalatedAt": report.escalated_at, "ClosedAt": report.closed_at, "ReopenedAt": report.reopened_at,
        "Notes": _notes_json(report.notes), "FormToken": report.form, "Owed": report.owed, "Pace": report.pace.value,
        "School": report.school, "Lang": report.lang.value if report.lang else "",
        "PassedUp": ",".join(str(level) for level in report.passed_up),
    }


def _lang(value: str) -> Lang | None:
    """The language a report was sent in; none on a row written before it was kept (or not one the bot speaks)."""
    return next((lang for lang in Lang if lang.value == value), None)


def _chain(entity: dict[str, Any]) -> tuple[StaffContact, ...]:
    stored = entity_text(entity, "Chain")
    if stored:
        return tuple(_stored_contact(c) for c in json.loads(stored))
    first, second = _contact(entity, "Assigned"), _contact(entity, "Escalation")
    return (first,) if second.aad_object_id in ("", first.aad_object_id) else (first, second)


def _involved_manager(entity: dict[str, Any]) -> StaffContact | None:
    """Who the line manager a report involves was; None for reports written before it was kept (and those involving
    no known manager), which the domain treats as "might be anyone new"."""
    stored = entity_text(entity, "InvolvedManager")
    return _stored_contact(json.loads(stored)) if stored else None


def _notes(entity: dict[str, Any]) -> tuple[Note, ...]:
    stored = entity_text(entity, "Notes")
    if stored:
        return tuple(Note(NoteKind(n["kind"]), n["text"], int(n["level"]), datetime.fromisoformat(n["at"]),
                          bool(n.get("shared")), bool(n.get("passed_over"))) for n in json.loads(stored))
    old_note, escalated = entity_text(entity, "EscalationNote"), entity_time(entity, "EscalatedAt")
    return (Note(NoteKind.ESCALATION, old_note, 0, escalated),) if old_note and escalated else ()


def _from_entity(entity: dict[str, Any]) -> ConcernReport:
    submitted = entity_time(entity, "SubmittedAt")
    if submitted is None:
        raise ValueError("a report row without SubmittedAt")
    chain = _chain(entity)
    state = ReportState(entity_text(entity, "State"))
    acknowledged = entity_time(entity, "AcknowledgedAt")
    level = entity.get("Level")
    if not isinstance(level, int):  # an older record: escalated means it sits with the second person
        level = 1 if state is ReportState.ESCALATED and len(chain) > 1 else 0
        if state is ReportState.ESCALATED and acknowledged is not None:
            state = ReportState.ACKNOWLEDGED
    return ConcernReport(
        reference=entity_text(entity, "PartitionKey"),
        reporter=Person(entity_text(entity, "TenantId"), entity_text(entity, "ReporterId"),
                        entity_text(entity, "ReporterName")),
        what=entity_text(entity, "What"), since=entity_text(entity, "Since"), where=entity_text(entity, "Where"),
        who=entity_text(entity, "Who"), evidence=entity_text(entity, "Evidence"),
        wants_meeting=bool(entity.get("WantsMeeting")), urgent=bool(entity.get("Urgent")), submitted_at=submitted,
        chain=chain, route=Route(entity_text(entity, "Route")),
        kind=ReportKind(entity_text(entity, "Kind") or ReportKind.COLLEAGUE.value),
        about=entity_text(entity, "About"), about_name=entity_text(entity, "AboutName"),
        involves_manager=bool(entity.get("InvolvesManager")), involved_manager=_involved_manager(entity), state=state,
        level=min(level, len(chain) - 1),
        acknowledged_at=acknowledged, reminded_at=entity_time(entity, "RemindedAt"),
        escalated_at=entity_time(entity, "EscalatedAt"), closed_at=entity_time(entity, "ClosedAt"),
        reopened_at=entity_time(entity, "ReopenedAt"), notes=_notes(entity), form=entity_text(entity, "FormToken"),
        owed=entity_text(entity, "Owed"), etag=entity_etag(entity),
        # A report written before urgent ones were chased sooner keeps the standard pace its receipt gave.
        pace=Pace(entity_text(entity, "Pace") or Pace.STANDARD.value), school=entity_text(entity, "School"),
        lang=_lang(entity_text(entity, "Lang")),
        passed_up=tuple(int(level) for level in entity_text(entity, "PassedUp").split(",") if level.isdigit()))


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
        self._outbox_sent = store.table(OUTBOX_SENT)
        self._unreadable: set[tuple[str, str]] = set()  # rows already logged as unreadable

    async def claim_form(self, reporter: Person, form: str, reference: str) -> str:
        """The reference this reporter's form token stands for: `reference` when the token is new."""
        row = {"PartitionKey": _form_partition(reporter), "RowKey": safe_key(form), "Reference": reference}
        try:
            async with self._store.call():
                await self._table.create_entity(row)
            return reference
        except RecordExists:
            async with self._store.call():
                entity = await self._table.get_entity(row["PartitionKey"], row["RowKey"])
            return entity_text(entity, "Reference")

    async def create(self, report: ConcernReport) -> None:
        """Store the report and its 'submitted' audit entry together."""
        async with self._store.call():
            await self._table.submit_transaction([
                ("create", _to_entity(report)),
                ("create", _audit(report.reference, "submitted", report.reporter.aad_object_id, report.submitted_at))])

    async def get(self, reference: str) -> ConcernReport:
        """The report; `RecordNotFound` when there is none, or retention has claimed it (it is being deleted)."""
        async with self._store.call():
            entity = await self._table.get_entity(safe_key(reference), RECORD)
        if entity_time(entity, "PurgeClaimedAt") is not None:
            raise RecordNotFound(f"report {reference}: being deleted")
        return _from_entity(entity)

    async def save(self, report: ConcernReport, action: str, actor: str, *, at: datetime) -> ConcernReport:
        """Update if unchanged since read (etag), with its audit entry at `at`, all or nothing."""
        async with self._store.call():
            results = await self._table.submit_transaction([
                ("update", _to_entity(report), {"mode": UpdateMode.REPLACE, "etag": report.etag,
                                                "match_condition": MatchConditions.IfNotModified}),
                ("create", _audit(report.reference, action, actor, at))])
        return replace(report, etag=str(results[0].get("etag", "")) if results else "")

    async def _query(self, query: str, parameters: dict[str, Any]) -> list[ConcernReport]:
        """The report rows matching `query` (and `_REPORTS`); a row that is not a readable report is skipped."""
        rows: list[ConcernReport] = []
        bounds = {"rk": RECORD, "forms": FORMS, "after": FORMS[:-1] + chr(ord(FORMS[-1]) + 1)}
        async with self._store.call():
            async for entity in self._table.query_entities(f"{_REPORTS}{query}", parameters={**parameters, **bounds}):
                try:
                    rows.append(_from_entity(entity))
                except (ValueError, KeyError, TypeError) as unreadable:
                    self._skipped(entity, unreadable)
        return rows

    def _skipped(self, entity: dict[str, Any], why: Exception) -> None:
        keys = (entity_text(entity, "PartitionKey"), entity_text(entity, "RowKey"))
        if keys not in self._unreadable:  # by its keys and the kind of fault only: a row may hold a report's text
            self._unreadable.add(keys)
            log.warning("reports table: row %s/%s is not a readable report (%s); left out of every list",
                        *keys, type(why).__name__)

    async def list_open(self) -> list[ConcernReport]:
        """Reports not closed."""
        return await self._query(" and State ne @closed", {"closed": "closed"})

    async def list_owed(self) -> list[ConcernReport]:
        """Reports saved with messages still owed (records written before `Owed` existed have none)."""
        return await self._query(" and Owed gt @none", {"none": ""})

    async def queued(self, report: ConcernReport) -> ConcernReport:
        """Clear `Owed` if unchanged since read (etag); `ConcurrentChange` otherwise."""
        async with self._store.call():
            result = await self._table.update_entity(
                {"PartitionKey": safe_key(report.reference), "RowKey": RECORD, "Owed": ""}, mode=UpdateMode.MERGE,
                etag=report.etag, match_condition=MatchConditions.IfNotModified)
        return replace(report, owed="", etag=str(result.get("etag", "")))

    async def list_all(self) -> list[ConcernReport]:
        """Every report."""
        return await self._query("", {})

    async def list_by_reporter(self, reporter: Person) -> list[ConcernReport]:
        """The reports this person sent, newest first."""
        rows = await self._query(" and ReporterId eq @id and TenantId eq @tenant",
                                 {"id": reporter.aad_object_id, "tenant": reporter.tenant_id})
        return sorted(rows, key=listing_order, reverse=True)

    async def _keys(self, table: Table, partition: str, low: str = "", high: str = "") -> list[str]:
        query, parameters = "PartitionKey eq @pk", {"pk": partition}
        if low:
            query, parameters = query + " and RowKey ge @low and RowKey lt @high", {**parameters, "low": low,
                                                                                     "high": high}
        keys: list[str] = []
        async with self._store.call():
            async for entity in table.query_entities(query, parameters=parameters, select=["RowKey"]):
                keys.append(entity_text(entity, "RowKey"))
        return keys

    async def list_posted_cards(self, report: ConcernReport) -> list[CardSlot]:
        """Where the report's keyed cards were posted (their slots in the `outbox` table, by the reference)."""
        prefix = safe_key(f"slot|{report.reference}|")
        slots: list[CardSlot] = []
        for person in people_of(report).values():
            async with self._store.call():
                async for entity in self._outbox.query_entities(
                        "PartitionKey eq @pk and RowKey ge @low and RowKey lt @high",
                        parameters={"pk": safe_key(person.key), "low": prefix, "high": prefix[:-1] + "}"},
                        select=["RowKey", "ActivityId", "ConversationId"]):
                    card_key = key_value(entity_text(entity, "RowKey")).removeprefix("slot|")
                    slots.append(CardSlot(person, card_key, entity_text(entity, "ActivityId"),
                                          entity_text(entity, "ConversationId")))
        return slots

    async def delete(self, report: ConcernReport, *, at: datetime, replacing: CardReplacer = no_cards) -> None:
        """Claim the record as it was read, have `replacing` queue what replaces its cards, record the deletion
        (reference and dates only), then delete the report's messages and rows, all but the replacing messages and the
        slots of the cards they replace (listed in its `cards` row).

        Safe on several instances at once: the first to claim the record deletes it, the others get
        `ConcurrentChange` (or `RecordNotFound` once it is gone); so does a run whose report was changed since it read
        it. Every step can be repeated, and the record goes last, so a run that stops half way is finished by the next
        one.
        """
        partition = safe_key(report.reference)
        report = await self._claim(report, at)
        replaced = await replacing(report)
        async with self._store.call():
            # One trace per report, whoever writes it and however often (the key holds no instant of this run).
            await self._audit_table.upsert_entity({
                "PartitionKey": "reports",
                "RowKey": f"{(report.closure or report.submitted_at).isoformat()}|{partition}",
                "Action": "deleted after retention", "Reference": report.reference,
                "SubmittedAt": report.submitted_at, "ClosedAt": report.closure, "DeletedAt": at})
        if replaced:
            cards = [[m.recipient.tenant_id, m.recipient.aad_object_id, m.card_key, m.message_id] for m in replaced]
            async with self._store.call():
                await self._table.upsert_entity({"PartitionKey": partition, "RowKey": REPLACED,
                                                 "Cards": json.dumps(cards), "DeletedAt": at})
        if report.form:
            async with self._store.call():
                await self._table.delete_entity(_form_partition(report.reporter), safe_key(report.form))
        kept = {(safe_key(m.recipient.key), key) for m in replaced
                for key in (safe_key("msg|" + m.message_id), safe_key("slot|" + m.card_key))}
        for person in people_of(report).values():
            recipient = safe_key(person.key)
            for table, kind in ((self._outbox, "msg"), (self._outbox, "slot"), (self._outbox_sent, "msg")):
                prefix = safe_key(f"{kind}|{report.reference}|")
                for key in await self._keys(table, recipient, prefix, prefix[:-1] + "}"):
                    if (recipient, key) not in kept:
                        async with self._store.call():
                            await table.delete_entity(recipient, key)
        keys = [key for key in await self._keys(self._table, partition) if key != REPLACED]
        for key in sorted(keys, key=lambda k: k == RECORD):  # the record last
            async with self._store.call():
                await self._table.delete_entity(partition, key)

    async def forget_replaced_cards(self, *, deleted_before: datetime) -> list[str]:
        """Remove the replacing messages, slots and sent marks kept for reports deleted before then; the references of
        those with a replacing message still unsent (given up)."""
        async with self._store.call():
            rows = [dict(entity) async for entity in self._table.query_entities(
                "RowKey eq @rk and DeletedAt lt @before", parameters={"rk": REPLACED, "before": deleted_before})]
        given_up: list[str] = []
        for row in rows:
            unsent = False
            for tenant, object_id, card_key, message_id in json.loads(entity_text(row, "Cards") or "[]"):
                recipient, message = safe_key(Person(tenant, object_id).key), safe_key("msg|" + message_id)
                try:
                    async with self._store.call():
                        await self._outbox.get_entity(recipient, message, select=["RowKey"])
                    unsent = True
                except RecordNotFound:
                    pass
                for table, key in ((self._outbox, message), (self._outbox, safe_key("slot|" + card_key)),
                                   (self._outbox_sent, message)):
                    async with self._store.call():
                        await table.delete_entity(recipient, key)
            async with self._store.call():
                await self._table.delete_entity(entity_text(row, "PartitionKey"), REPLACED)
            if unsent:
                given_up.append(key_value(entity_text(row, "PartitionKey")))
        return given_up

    async def _claim(self, report: ConcernReport, at: datetime) -> ConcernReport:
        """The report marked as being deleted (`PurgeClaimedAt`), if it is as `report` was read: one changed since
        (the reporter's "this isn't resolved") is no longer what the pass judged expired."""
        partition = safe_key(report.reference)
        async with self._store.call():
            entity = await self._table.get_entity(partition, RECORD)
        claimed = entity_time(entity, "PurgeClaimedAt")
        if claimed is not None and timedelta(0) <= at - claimed < PURGE_LEASE:
            raise ConcurrentChange(f"report {partition} is being deleted by another instance")
        async with self._store.call():
            result = await self._table.update_entity(
                {"PartitionKey": partition, "RowKey": RECORD, "PurgeClaimedAt": at}, mode=UpdateMode.MERGE,
                etag=report.etag, match_condition=MatchConditions.IfNotModified)
        return replace(report, etag=str(result.get("etag", "")))
