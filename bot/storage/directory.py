"""The staff list in the `directory` table: PartitionKey `staff`, RowKey = email (lower case), escaped as every key
is (`safe_key`: an ordinary email is its own key; one with a '#' or '/' gets a key of its own, never another's).

A federation has about a hundred staff: one partition, read whole for a lookup by object id, is simpler
than a second index and still one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.directory import StaffMember, line_manager_in, member_for
from bot.domain.people import Person, StaffContact
from bot.storage.tables import TableStore, entity_text, key_value, safe_key

TABLE = "directory"
PARTITION = "staff"


def _member(entity: dict[str, Any]) -> StaffMember:
    return StaffMember(entity_text(entity, "Name"), key_value(entity_text(entity, "RowKey")),
                       entity_text(entity, "School"), entity_text(entity, "Role"), entity_text(entity, "ManagerEmail"),
                       entity_text(entity, "ObjectId"))


class TableStaffDirectory:
    """`StaffDirectory` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)

    async def _rows(self) -> dict[str, StaffMember]:
        """Everyone on the list, by the row key they are stored under."""
        rows: dict[str, StaffMember] = {}
        async with self._store.call():
            async for entity in self._table.query_entities("PartitionKey eq @pk", parameters={"pk": PARTITION}):
                rows[entity_text(entity, "RowKey")] = _member(entity)
        return rows

    async def _all(self) -> list[StaffMember]:
        return list((await self._rows()).values())

    async def replace_all(self, staff: Sequence[StaffMember]) -> None:
        """Write the new list, then remove people no longer on it (a validated file only)."""
        keep = {safe_key(m.email) for m in staff}
        existing = await self._rows()
        operations: list[tuple[str, dict[str, Any]]] = [
            ("upsert", {"PartitionKey": PARTITION, "RowKey": safe_key(m.email), "Name": m.name, "School": m.school,
                        "Role": m.role, "ManagerEmail": m.line_manager_email, "ObjectId": m.aad_object_id})
            for m in staff]
        # By the key each row is stored under: a row written under an older key goes too.
        operations += [("delete", {"PartitionKey": PARTITION, "RowKey": key})
                       for key in existing if key not in keep]
        async with self._store.call():
            for start in range(0, len(operations), 100):
                await self._table.submit_transaction(operations[start:start + 100])

    async def list_members(self) -> list[StaffMember]:
        """Everyone on the list."""
        return await self._all()

    async def get_member(self, person: Person) -> StaffMember | None:
        """The person's row, matched by Entra object id."""
        return member_for(await self._all(), person)

    async def line_manager_of(self, person: Person) -> StaffContact | None:
        """The line manager on the staff list, if they and their manager are on it with object ids."""
        return line_manager_in(await self._all(), person)
