"""Read-and-confirm campaigns in the `policyreads` table: PartitionKey = `v|<version key>`, one partition per
version, so "who has read version 2" is one partition query.

RowKeys: `asked|<email>` for each member of staff the campaign reached (name, school and object id as the staff
list had them then; when they were last reminded, how many reminders they were sent, `Reminders`, and when each was,
`ReminderTimes`, JSON, null for one from before each was kept; `asked|<email>|<object id>` for a new starter given the
address of someone asked before), `read|<tenant>|<object id>` for each "I have read it", created once (a second click
finds it and changes nothing) and never updated, and `withheld|<tenant>|<object id>|<number>` for each card of the
version not sent because, by the time it was to go, its recipient had confirmed the version, the version was no
longer in force or they had left the staff list (`Because`; 0 their card, then each reminder by number), created once;
`OwedAgainAt` when the card was owed to them again (put back on the staff list), and then replaced should it be withheld
again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.people import Person
from bot.domain.policy_reads import AlreadyConfirmed, AskedStaff, Confirmation, Withheld, WithheldBecause
from bot.domain.policy_versions import version_key
from bot.storage.tables import NAME_CHARS, TableStore, entity_etag, entity_text, entity_time, safe_key, utc_now

TABLE = "policyreads"


def _partition(version: str) -> str:
    return f"v|{version_key(version)}"


def _withheld_key(withheld: Withheld) -> str:
    person = withheld.person
    return safe_key(f"withheld|{person.tenant_id}|{person.aad_object_id}|{withheld.number}")


def _asked_entity(version: str, asked: AskedStaff) -> dict[str, Any]:
    return {"PartitionKey": _partition(version), "RowKey": asked.row or safe_key(f"asked|{asked.email}"),
            "Email": asked.email,
            "Name": asked.name[:NAME_CHARS], "School": asked.school, "ObjectId": asked.object_id,
            "AskedAt": asked.asked_at, "RemindedAt": asked.reminded_at, "Reminders": asked.reminders,
            "ReminderTimes": json.dumps([t.isoformat() if t else None for t in asked.each_reminder()])}


def _times(entity: dict[str, Any]) -> tuple[datetime | None, ...]:
    """`ReminderTimes` as written (none for a row from before it was kept, or one that is not readable)."""
    try:
        stored = json.loads(entity_text(entity, "ReminderTimes") or "[]")
    except json.JSONDecodeError:
        return ()
    if not isinstance(stored, list):
        return ()
    times: list[datetime | None] = []
    for value in stored:
        try:
            times.append(datetime.fromisoformat(value) if isinstance(value, str) else None)
        except ValueError:
            times.append(None)
    return tuple(times)


def _asked(entity: dict[str, Any]) -> AskedStaff:
    reminded_at = entity_time(entity, "RemindedAt")
    counted = entity.get("Reminders")
    # A row from before the head could remind again has its one reminder in RemindedAt alone.
    reminders = counted if isinstance(counted, int) and counted >= 0 else 1 if reminded_at else 0
    return AskedStaff(email=entity_text(entity, "Email"), name=entity_text(entity, "Name"),
                      school=entity_text(entity, "School"), object_id=entity_text(entity, "ObjectId"),
                      asked_at=entity_time(entity, "AskedAt") or utc_now(), reminded_at=reminded_at,
                      etag=entity_etag(entity), row=entity_text(entity, "RowKey"), reminders=reminders,
                      reminder_times=_times(entity))


def _confirmation(entity: dict[str, Any]) -> Confirmation:
    return Confirmation(Person(entity_text(entity, "TenantId"), entity_text(entity, "ObjectId"),
                               entity_text(entity, "Name")), entity_time(entity, "ReadAt") or utc_now())


def _because(entity: dict[str, Any]) -> WithheldBecause:
    try:
        return WithheldBecause(entity_text(entity, "Because"))
    except ValueError:
        return WithheldBecause.CONFIRMED


class TablePolicyReads:
    """`PolicyReads` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)

    async def _query(self, version: str, low: str, high: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        async with self._store.call():
            async for entity in self._table.query_entities(
                    "PartitionKey eq @pk and RowKey ge @low and RowKey lt @high",
                    parameters={"pk": _partition(version), "low": low, "high": high}):
                rows.append(entity)
        return rows

    async def list_asked(self, version: str) -> list[AskedStaff]:
        """Everyone the campaign reached."""
        return [_asked(e) for e in await self._query(version, "asked|", "asked}")]

    async def add_asked(self, version: str, asked: AskedStaff) -> None:
        """Record one person as asked; already recorded is left alone (their first time stands), unless that row
        has no object id and this one has: it was written before the bot could reach them, so this is their
        first time."""
        entity = _asked_entity(version, asked)
        try:
            async with self._store.call():
                await self._table.create_entity(entity)
            return
        except RecordExists:
            if not asked.object_id:
                return
        async with self._store.call():
            first = await self._table.get_entity(entity["PartitionKey"], entity["RowKey"])
        if was := entity_text(first, "ObjectId"):
            if was.lower() != asked.object_id.lower():
                await self._add_for_another_person(entity, asked)
            return
        try:
            async with self._store.call():
                await self._table.update_entity(entity, mode=UpdateMode.REPLACE, etag=entity_etag(first),
                                                match_condition=MatchConditions.IfNotModified)
        except ConcurrentChange:
            return  # another instance recorded it first

    async def _add_for_another_person(self, entity: dict[str, Any], asked: AskedStaff) -> None:
        """A leaver's address given to a new starter: they are another person, asked on a row of their own (else they
        would never count as asked, and never be reminded)."""
        entity["RowKey"] = safe_key(f"asked|{asked.email}|{asked.object_id.lower()}")
        try:
            async with self._store.call():
                await self._table.create_entity(entity)
        except RecordExists:
            return  # their first time stands

    async def mark_reminded(self, version: str, asked: AskedStaff, at: datetime) -> None:
        """Note the reminder and its time, only if nobody changed the row since it was read."""
        entity = _asked_entity(version, replace(asked, reminded_at=at, reminders=asked.reminders + 1,
                                                reminder_times=(*asked.each_reminder(), at)))
        async with self._store.call():
            await self._table.update_entity(entity, mode=UpdateMode.REPLACE, etag=asked.etag,
                                            match_condition=MatchConditions.IfNotModified)

    async def confirm(self, version: str, person: Person, at: datetime) -> Confirmation:
        """Create the confirmation; `AlreadyConfirmed` with the first one when it exists."""
        row = safe_key(f"read|{person.tenant_id}|{person.aad_object_id}")
        entity = {"PartitionKey": _partition(version), "RowKey": row, "TenantId": person.tenant_id,
                  "ObjectId": person.aad_object_id, "Name": person.name[:NAME_CHARS], "ReadAt": at}
        try:
            async with self._store.call():
                await self._table.create_entity(entity)
        except RecordExists:
            async with self._store.call():
                first = await self._table.get_entity(_partition(version), row)
            raise AlreadyConfirmed(_confirmation(first)) from None
        return _confirmation(entity)

    async def list_confirmed(self, version: str) -> list[Confirmation]:
        """Every confirmation, oldest first."""
        rows = [_confirmation(e) for e in await self._query(version, "read|", "read}")]
        return sorted(rows, key=lambda c: c.read_at)

    async def get_confirmation(self, version: str, person: Person) -> Confirmation:
        """The confirmation, by its key; `RecordNotFound` when there is none."""
        async with self._store.call():
            entity = await self._table.get_entity(
                _partition(version), safe_key(f"read|{person.tenant_id}|{person.aad_object_id}"))
        return _confirmation(entity)

    async def add_withheld(self, version: str, withheld: Withheld) -> None:
        """Create the record of a card withheld; one there already stands, unless it was owed again since (they were
        put back on the staff list): then it is replaced by this one, as it stood before (etag-conditional)."""
        person = withheld.person
        entity = {"PartitionKey": _partition(version), "RowKey": _withheld_key(withheld),
                  "TenantId": person.tenant_id, "ObjectId": person.aad_object_id, "Name": person.name[:NAME_CHARS],
                  "Reminder": withheld.number, "MessageId": withheld.message_id, "WithheldAt": withheld.at,
                  "Because": withheld.because.value}
        try:
            async with self._store.call():
                await self._table.create_entity(entity)
        except RecordExists:
            async with self._store.call():
                kept = await self._table.get_entity(_partition(version), _withheld_key(withheld))
            if entity_time(kept, "OwedAgainAt") is None:
                return
            try:
                async with self._store.call():
                    await self._table.update_entity(entity, mode=UpdateMode.REPLACE, etag=entity_etag(kept),
                                                    match_condition=MatchConditions.IfNotModified)
            except (ConcurrentChange, RecordNotFound):
                return  # withheld again by another sender at the same moment: theirs stands

    async def owe_again(self, version: str, withheld: Withheld, at: datetime) -> None:
        """Mark the card withheld as owed again (`OwedAgainAt`); a row gone is no matter."""
        try:
            async with self._store.call():
                await self._table.update_entity({"PartitionKey": _partition(version),
                                                 "RowKey": _withheld_key(withheld), "OwedAgainAt": at},
                                                mode=UpdateMode.MERGE)  # only where it is
        except RecordNotFound:
            return

    async def list_withheld(self, version: str) -> list[Withheld]:
        """Every card of the version withheld, oldest first."""
        rows = [Withheld(Person(entity_text(e, "TenantId"), entity_text(e, "ObjectId"), entity_text(e, "Name")),
                         number if isinstance(number := e.get("Reminder"), int) else 0,
                         entity_time(e, "WithheldAt") or utc_now(), entity_text(e, "MessageId"), _because(e),
                         entity_time(e, "OwedAgainAt"))
                for e in await self._query(version, "withheld|", "withheld}")]
        return sorted(rows, key=lambda w: w.at)
