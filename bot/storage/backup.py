"""A copy of the decision record outside Azure: tables to JSON-lines files and back, every property with its type.

One file per table (`<table>.jsonl`, one entity a line) and `backup.json` saying what was taken, when and how many
rows. Values JSON has no type for are tagged: `{"$type": "datetime", "value": "2026-11-23T09:00:00+00:00"}`, and
likewise `binary` (base64), `guid` and any Edm type the service returned (`Edm.Int64`). A restore goes into empty
tables, or finishes a restore of the same backup that stopped part-way (tables holding only rows of that backup, as
the backup holds them), so it can never mix an old record with a newer one.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azure.data.tables import EdmType, EntityProperty

from bot.storage.tables import TableStore

# The permission requests with their audit trails, the lists derived from them, and what retention deleted.
# Concern reports are left out on purpose: a backup would outlive their retention period.
RECORD_TABLES = ("permissions", "permissionindex", "audit")


class BackupError(ValueError):
    """A backup folder is missing, incomplete or not one of ours; the message says which file and why."""


def encode(value: Any) -> Any:
    """A property value as JSON, tagged when JSON cannot say its type."""
    if isinstance(value, EntityProperty):
        edm = value.edm_type.value if isinstance(value.edm_type, EdmType) else str(value.edm_type)
        return {"$type": edm, "value": str(value.value) if edm == EdmType.INT64.value else encode(value.value)}
    if isinstance(value, datetime):
        return {"$type": "datetime", "value": value.isoformat()}
    if isinstance(value, bytes):
        return {"$type": "binary", "value": base64.b64encode(value).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return {"$type": "guid", "value": str(value)}
    return value


def decode(value: Any) -> Any:
    """The property value an encoded one stands for."""
    if not isinstance(value, dict):
        return value
    kind, raw = value.get("$type"), value.get("value")
    if isinstance(kind, str) and kind.startswith("Edm.") and kind != EdmType.INT64.value:
        return EntityProperty(decode(raw), EdmType(kind))
    if not isinstance(raw, str):
        raise BackupError(f"a {kind} value must be written as text, not {raw!r}")
    if kind == "datetime":
        return datetime.fromisoformat(raw)
    if kind == "binary":
        return base64.b64decode(raw)
    if kind == "guid":
        return uuid.UUID(raw)
    if kind == EdmType.INT64.value:
        return EntityProperty(int(raw), EdmType.INT64)
    raise BackupError(f"unknown value type {kind!r}")


async def read_tables(store: TableStore, tables: Iterable[str] = RECORD_TABLES) -> dict[str, list[str]]:
    """Every row of the tables, encoded one JSON line each."""
    read: dict[str, list[str]] = {}
    for table in tables:
        rows = read[table] = []
        async with store.call():
            async for entity in store.table(table).list_entities():
                rows.append(json.dumps({name: encode(value) for name, value in entity.items()}, ensure_ascii=False))
    return read


def write_backup(folder: Path, tables: dict[str, list[str]]) -> dict[str, int]:
    """Write the encoded rows into `folder`; return the row count of each table."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        (folder / f"{table}.jsonl").write_text("".join(f"{row}\n" for row in rows), encoding="utf-8")
    counts = {table: len(rows) for table, rows in tables.items()}
    summary = {"taken_at": datetime.now(UTC).isoformat(timespec="seconds"), "rows": counts}
    (folder / "backup.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return counts


def read_backup(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in a backup folder, checked against its `backup.json`."""
    try:
        summary = json.loads((folder / "backup.json").read_text(encoding="utf-8"))
        counts = summary["rows"]
        tables = {table: [{name: decode(value) for name, value in json.loads(line).items()}
                          for line in (folder / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]
                  for table in counts}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{folder} is not a complete backup: {error}") from None
    for table, rows in tables.items():
        if len(rows) != counts[table]:
            raise BackupError(f"{table}.jsonl has {len(rows)} rows; backup.json says {counts[table]}")
    return tables


@dataclass(frozen=True)
class Restored:
    """What a restore put back, per table: every row of the backup, and how many of them a run before had written."""

    rows: dict[str, int]
    already: dict[str, int]


async def restore(store: TableStore, tables: dict[str, list[dict[str, Any]]]) -> Restored:
    """Put a backup (`read_backup`) into empty tables, or finish a restore of the same backup that stopped part-way.

    Tables holding any row the backup does not hold, or holds otherwise, are refused before anything is written: old
    rows mixed with newer ones could bring back what was since removed. Rows a run before wrote are left as they are.
    """
    await store.ensure_tables(tables)
    already: dict[str, set[tuple[str, str]]] = {}
    occupied = []
    for table, rows in tables.items():
        backed_up = {(row["PartitionKey"], row["RowKey"]): row for row in rows}
        already[table] = set()
        async with store.call():
            async for entity in store.table(table).list_entities():
                key = (entity["PartitionKey"], entity["RowKey"])
                if backed_up.get(key) != dict(entity):
                    occupied.append(table)
                    break
                already[table].add(key)
    if occupied:
        raise BackupError(f"{', '.join(occupied)} already hold rows that are not in this backup: restore into empty "
                          "tables (a new storage account, or TABLE_PREFIX set to a new prefix)")
    for table, rows in tables.items():
        client = store.table(table)
        for row in rows:
            if (row["PartitionKey"], row["RowKey"]) not in already[table]:
                async with store.call():
                    await client.create_entity(row)
    return Restored(rows={table: len(rows) for table, rows in tables.items()},
                    already={table: len(keys) for table, keys in already.items()})
