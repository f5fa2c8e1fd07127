"""A copy of the decision record outside Azure: tables to JSON-lines files and back, every property with its type.

One file per table (`<table>.jsonl`, one entity a line) and `backup.json` saying what was taken, when and how many
rows, readable by their owner only (they hold staff names, Entra ids, purposes and decline reasons). A row is one line
whatever its text holds: the line breaks Word and PDFs paste (U+2028, U+2029, NEL) are written escaped, and only a
newline ends a row (backups written before they were escaped still read). Values JSON has no type for are tagged:
`{"$type": "datetime", "value": "2026-11-23T09:00:00+00:00"}`, and likewise `binary` (base64), `guid` and any Edm
type the service returned (`Edm.Int64`). A restore goes into empty tables, or finishes a restore of the same backup
that stopped part-way (tables holding only rows of that backup, as the backup holds them), so it can never mix an old
record with a newer one; the whole backup is checked before the first row is written.
"""

from __future__ import annotations

import base64
import json
import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azure.data.tables import EdmType, EntityProperty

from bot.domain.errors import DomainError, RecordExists, RecordNotFound
from bot.policy.notes import Note, note, os_fault
from bot.storage.table_client import Table
from bot.storage.tables import TableStore

# The permission requests with their audit trails, the lists derived from them, and what retention deleted.
# Concern reports are left out on purpose: a backup would outlive their retention period.
RECORD_TABLES = ("permissions", "permissionindex", "audit")


class BackupError(ValueError):
    """A backup folder is missing, incomplete or not one of ours; the message says which file and why, and `note` says
    it in the string tables' words (`records.*`), for the language of a command's `--lang`."""

    def __init__(self, message: str, note: Note) -> None:
        super().__init__(message)
        self.note = note


# What str.splitlines() ends a line at that JSON writes as it is: escaped, so any reader sees one row a line.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})
# What the Table service refuses in a PartitionKey or RowKey.
_NOT_IN_A_KEY = re.compile(r"[/\\#?\x00-\x1f\x7f-\x9f]")
# What a property read back from a table can be, once decoded.
_VALUES = (str, bool, int, float, datetime, bytes, uuid.UUID, EntityProperty)


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
        raise BackupError(f"a {kind} value must be written as text, not {raw!r}",
                          note("records.value_not_text", kind=kind, raw=repr(raw)))
    if kind == "datetime":
        return datetime.fromisoformat(raw)
    if kind == "binary":
        return base64.b64decode(raw)
    if kind == "guid":
        return uuid.UUID(raw)
    if kind == EdmType.INT64.value:
        return EntityProperty(int(raw), EdmType.INT64)
    raise BackupError(f"unknown value type {kind!r}", note("records.unknown_type", kind=repr(kind)))


async def read_tables(store: TableStore, tables: Iterable[str] = RECORD_TABLES) -> dict[str, list[str]]:
    """Every row of the tables, encoded one JSON line each."""
    read: dict[str, list[str]] = {}
    for table in tables:
        rows = read[table] = []
        try:
            async with store.call():
                async for entity in store.table(table).list_entities():
                    row = {name: encode(value) for name, value in entity.items()}
                    rows.append(json.dumps(row, ensure_ascii=False).translate(_LINE_BREAKS))
        except RecordNotFound:
            # The bot makes every table as it starts: none here is another prefix's or another account's storage.
            raise BackupError(f"storage has no {table} table: check TABLE_PREFIX, and that this is the bot's storage "
                              "account (the bot makes its tables when it first starts)",
                              note("records.no_table", table=table)) from None
    return read


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable and writable by its owner only (a file of an earlier backup too)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with open(descriptor, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)


def write_backup(folder: Path, tables: dict[str, list[str]]) -> dict[str, int]:
    """Write the encoded rows into `folder` (created for its owner only); return the row count of each table."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for table, rows in tables.items():
        _write_private(folder / f"{table}.jsonl", "".join(f"{row}\n" for row in rows))
    counts = {table: len(rows) for table, rows in tables.items()}
    summary = {"taken_at": datetime.now(UTC).isoformat(timespec="seconds"), "rows": counts}
    _write_private(folder / "backup.json", json.dumps(summary, indent=2) + "\n")
    return counts


def read_backup(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in a backup folder, all checked before anything is restored: a file cut short, a row
    edited by hand into something no table holds, a row twice or a table backup-records never writes is refused
    with its file and line, so that a bad backup changes nothing."""
    counts = _row_counts(folder)
    tables = {table: _rows(folder, table) for table in counts}
    for table, rows in tables.items():
        if len(rows) != counts[table]:
            raise BackupError(f"{table}.jsonl has {len(rows)} rows; backup.json says {counts[table]}",
                              note("records.count_mismatch", table=table, count=len(rows), said=counts[table]))
    return tables


def _row_counts(folder: Path) -> dict[str, int]:
    """What `backup.json` says each table holds: every record table, no other."""
    try:
        summary = json.loads((folder / "backup.json").read_text(encoding="utf-8"))
    except NotADirectoryError:
        raise BackupError(f"{folder} is a file: name the folder backup-records wrote",
                          note("records.restore_is_a_file", folder=folder)) from None
    except (OSError, ValueError) as error:
        raise _incomplete(folder, "backup.json", error) from None
    counts = summary.get("rows") if isinstance(summary, dict) else None
    if not isinstance(counts, dict) or not all(isinstance(n, int) and n >= 0 for n in counts.values()):
        raise BackupError("backup.json: has no row count for each table", note("records.no_counts"))
    if sorted(counts) != sorted(RECORD_TABLES):
        raise BackupError(f"backup.json: lists {', '.join(counts) or 'no table'}; a backup holds "
                          f"{', '.join(RECORD_TABLES)}",
                          note("records.wrong_tables", listed=", ".join(counts) or note("records.no_table_listed"),
                               tables=", ".join(RECORD_TABLES)))
    return counts


def _rows(folder: Path, table: str) -> list[dict[str, Any]]:
    """A table's rows, each checked as the service would take it; a key seen twice is refused."""
    name = f"{table}.jsonl"
    try:
        text = (folder / name).read_text(encoding="utf-8")
    except (OSError, ValueError) as error:
        raise _incomplete(folder, name, error) from None
    lines = text.split("\n")  # only a newline ends a row: what splitlines() also breaks at may be in the text
    if lines[-1] == "":
        lines.pop()
    rows: list[dict[str, Any]] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, line in enumerate(lines, start=1):
        row = _row(line, name, number)
        key = (row["PartitionKey"], row["RowKey"])
        if key in first_seen:
            raise _at(name, number, f"the same PartitionKey and RowKey as line {first_seen[key]}: a row is in a backup "
                      "once", "records.twice", first=first_seen[key])
        first_seen[key] = number
        rows.append(row)
    return rows


def _incomplete(folder: Path, name: str, error: OSError | ValueError) -> BackupError:
    """A backup whose file could not be read, and why: no folder, no such file, or the reason."""
    said, why = _unreadable(folder, name, error)
    return BackupError(f"{folder} is not a complete backup: {said}", note("records.incomplete", folder=folder, why=why))


def _unreadable(folder: Path, name: str, error: OSError | ValueError) -> tuple[str, Note]:
    """Why a backup's file could not be read, in words (and as a note): no folder, no such file, or the reason."""
    if isinstance(error, FileNotFoundError):
        return ((f"it has no {name}", note("records.no_file", file=name)) if folder.is_dir() else
                ("there is no such folder", note("records.no_folder")))
    if isinstance(error, OSError):
        return f"{name}: {error.strerror or error}", note("records.os", file=name, reason=os_fault(error, reading=True))
    if isinstance(error, UnicodeDecodeError):
        return f"{name} is not text", note("records.not_text", file=name)
    # JSON that does not parse
    return f"{name} is not as backup-records writes it ({error})", note("records.not_as_written", file=name,
                                                                        error=str(error))


def _at(name: str, number: int, reason: str, key: str, /, **values: object) -> BackupError:
    """Line `number` of the backup's file `name` refused, and why (`reason`; as a note, `key` with `values`)."""
    return BackupError(f"{name} line {number}: {reason}",
                       note(key, where=note("records.where", file=name, line=number), **values))


def _row(line: str, name: str, number: int) -> dict[str, Any]:
    """One line as the row it stands for."""
    if not line.strip():
        raise _at(name, number, "empty, not a row", "records.empty")
    try:
        encoded = json.loads(line)
    except json.JSONDecodeError as error:
        raise _at(name, number, f"cut off, or not JSON ({error.msg}, column {error.colno})", "records.cut_off",
                  message=error.msg, column=error.colno) from None
    if not isinstance(encoded, dict):
        raise _at(name, number, f"{line[:40]!r} is not a row (a JSON object)", "records.not_object",
                  start=repr(line[:40]))
    for key in ("PartitionKey", "RowKey"):
        value = encoded.get(key)
        if value is None:
            raise _at(name, number, f"the row has no {key}", "records.no_key", key=key)
        if not isinstance(value, str) or _NOT_IN_A_KEY.search(value):
            raise _at(name, number, f"{key} {value!r} is not a key a table takes", "records.bad_key", key=key,
                      value=repr(value))
    try:
        row = {prop: decode(value) for prop, value in encoded.items()}
    except BackupError as error:
        raise _at(name, number, str(error), "records.bad_value", reason=error.note) from None
    except (ValueError, TypeError) as error:
        raise _at(name, number, str(error), "records.bad_value", reason=str(error)) from None
    for prop, value in row.items():
        if not isinstance(value, _VALUES):
            raise _at(name, number, f"{prop} is {value!r}, which no table holds", "records.no_table_holds",
                      name=prop, value=repr(value))
    return row


async def _create(store: TableStore, client: Table, row: dict[str, Any]) -> None:
    """Write a backup's row into its table. Found there already, as the backup holds it, it is this write's own: storage
    made it and answered too late or 500 (Azure's front end timing out), and the client's try again was told it
    exists. Found there otherwise, `RecordExists`."""
    try:
        async with store.call():
            await client.create_entity(row)
    except RecordExists:
        async with store.call():
            found = await client.get_entity(row["PartitionKey"], row["RowKey"])
        if dict(found) != row:
            raise


class RestoreStopped(Exception):
    """Storage failed a restore part-way through its writes (`fault`): the rows of each table restored by then, this run
    and the runs before (`restored`), of the backup's (`rows`); the row being written as it stopped may be there too."""

    def __init__(self, fault: DomainError, *, restored: dict[str, int], rows: dict[str, int]) -> None:
        super().__init__(str(fault))
        self.fault = fault
        self.restored = restored
        self.rows = rows


@dataclass(frozen=True)
class Restored:
    """What a restore put back, per table: every row of the backup, and how many of them a run before had written."""

    rows: dict[str, int]
    already: dict[str, int]


async def restore(store: TableStore, tables: dict[str, list[dict[str, Any]]]) -> Restored:
    """Put a backup (`read_backup`) into empty tables, or finish a restore of the same backup that stopped part-way.

    Tables holding any row the backup does not hold, or holds otherwise, are refused before anything is written: old
    rows mixed with newer ones could bring back what was since removed. Rows a run before wrote are left as they are.
    Storage failing once rows are being written is `RestoreStopped`, saying how far it got.
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
                          "tables (a new storage account, or TABLE_PREFIX set to a new prefix)",
                          note("records.occupied", tables=", ".join(occupied)))
    restored = {table: len(keys) for table, keys in already.items()}
    try:
        for table, rows in tables.items():
            client = store.table(table)
            for row in rows:
                if (row["PartitionKey"], row["RowKey"]) not in already[table]:
                    await _create(store, client, row)
                    restored[table] += 1
    except DomainError as error:
        raise RestoreStopped(error, restored=restored,
                             rows={table: len(rows) for table, rows in tables.items()}) from error
    return Restored(rows={table: len(rows) for table, rows in tables.items()},
                    already={table: len(keys) for table, keys in already.items()})
