"""Policy versions in the `policies` table, all in one partition (`policy`) so publishing is one transaction.

RowKeys:
- `current`: the pointer to the current version; every instance polls this one small row.
- `version|<key>`: a version's record (number, document sha256, title, who published it and when, what changed);
  `<key>` sorts versions in order ("2.1" -> "00002.00001").
- `text|<key>|<nnn>`: the version's policy file, zlib-compressed JSON cut into binary chunks of 60,000 bytes
  (a property holds at most 64 KiB, an entity 1 MiB).
- `owed|campaign|<key>`: the version's read-and-confirm campaign is owed until it has been fully queued; a version
  made current again (a rollback) owes the same: the cards of other versions still waiting are taken back.
- `history|<time>|<random>`: published, made current again, rolled back (who, when); never updated.
- `draft|<id>` and `drafttext|<id>|<nnn>`: a document the policy owner sent, until they click Publish.

Publishing writes the record, its chunks, the pointer (etag-conditional) and the owed campaign in one transaction
(at most 100 operations and 4 MB, so a version is at most MAX_CHUNKS chunks): a half-written version never
becomes current, and a current version always has its campaign either queued or owed.
"""

from __future__ import annotations

import json
import logging
import secrets
import zlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.errors import RecordNotFound
from bot.domain.policy_versions import (
    CurrentPointer,
    Draft,
    PolicyChanges,
    PolicyTooLarge,
    PolicyVersion,
    version_key,
)
from bot.storage.tables import NAME_CHARS, TableStore, entity_etag, entity_text, entity_time, safe_key, utc_now

log = logging.getLogger(__name__)

TABLE = "policies"
PARTITION = "policy"
CURRENT = "current"
CHUNK_BYTES = 60_000
# Base64 in a batch request grows each chunk by a third: 40 chunks stay well inside a transaction's 4 MB.
MAX_CHUNKS = 40
MAX_CHANGES_CHARS = 30_000
# What a draft row keeps of the import's warnings (as JSON).
DRAFT_WARNINGS_CHARS = 30_000
# Operations in one transaction; publishing adds the pointer, the owed campaign and the history to a version's rows.
TRANSACTION_ROWS = 100
PUBLISH_EXTRA_ROWS = 3


def pack_policy(data: Mapping[str, Any]) -> list[bytes]:
    """A policy file as it is kept: zlib-compressed JSON in chunks; `PolicyTooLarge` beyond MAX_CHUNKS."""
    raw = zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)
    chunks = [raw[start:start + CHUNK_BYTES] for start in range(0, len(raw), CHUNK_BYTES)]
    if len(chunks) > MAX_CHUNKS:
        raise PolicyTooLarge(f"the policy file is {len(raw) // 1024} KB compressed; at most "
                             f"{MAX_CHUNKS * CHUNK_BYTES // 1024} KB can be stored")
    return chunks


def unpack_policy(chunks: list[bytes]) -> dict[str, Any]:
    """The policy file `pack_policy` kept; `ValueError` (or `zlib.error`) when it is damaged."""
    data = json.loads(zlib.decompress(b"".join(chunks)).decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a policy file")
    return data


def _chunk_rows(prefix: str, chunks: list[bytes]) -> list[dict[str, Any]]:
    return [{"PartitionKey": PARTITION, "RowKey": f"{prefix}{n:03d}", "Data": chunk} for n, chunk in enumerate(chunks)]


def changes_json(changes: PolicyChanges) -> str:
    """What changed, as kept: JSON of at most MAX_CHANGES_CHARS, the last sections left out when it is longer."""
    data = changes.as_data()
    text = json.dumps(data, ensure_ascii=False)
    while len(text) > MAX_CHANGES_CHARS and data["sections"]:
        data["sections"] = data["sections"][:-1]  # a property holds 32K characters; the list is for people
        text = json.dumps(data, ensure_ascii=False)
    return text


def _record_entity(record: PolicyVersion, chunks: int) -> dict[str, Any]:
    return {
        "PartitionKey": PARTITION, "RowKey": f"version|{record.key}", "Version": record.version,
        "Sha256": record.sha256, "Title": record.title[:500], "File": record.file[:200],
        "IssuedOn": record.date_of_issue.isoformat() if record.date_of_issue else "",
        "PublishedAt": record.published_at, "PublishedBy": record.published_by[:NAME_CHARS],
        "PublishedById": record.published_by_id, "Changes": changes_json(record.changes), "Chunks": chunks,
        "Campaign": record.campaign,
    }


def _record(entity: Mapping[str, Any]) -> PolicyVersion:
    issued = entity_text(dict(entity), "IssuedOn")
    published = entity_time(dict(entity), "PublishedAt")
    if published is None:
        raise RecordNotFound("version row without PublishedAt")
    try:
        changes = PolicyChanges.from_data(json.loads(entity_text(dict(entity), "Changes") or "{}"))
    except json.JSONDecodeError:
        changes = PolicyChanges()
    return PolicyVersion(
        version=entity_text(dict(entity), "Version"), sha256=entity_text(dict(entity), "Sha256"),
        title=entity_text(dict(entity), "Title"), published_at=published,
        published_by=entity_text(dict(entity), "PublishedBy"),
        published_by_id=entity_text(dict(entity), "PublishedById"), file=entity_text(dict(entity), "File"),
        date_of_issue=date.fromisoformat(issued) if issued else None, changes=changes,
        campaign=entity.get("Campaign") is not False)


def as_stored(record: PolicyVersion) -> PolicyVersion:
    """The record as storage gives it back: texts cut to what a row keeps, the list of changes to MAX_CHANGES_CHARS."""
    return _record(_record_entity(record, 0))


def _history(action: str, version: str, by: str, at: datetime) -> dict[str, Any]:
    return {"PartitionKey": PARTITION, "RowKey": f"history|{at.isoformat()}|{secrets.token_hex(4)}",
            "Action": action, "Version": version, "By": by[:NAME_CHARS], "At": at}


def _pointer_operation(version: str, by: str, at: datetime, expected: CurrentPointer | None,
                       previous: str = "") -> tuple[Any, ...]:
    entity = {"PartitionKey": PARTITION, "RowKey": CURRENT, "Version": version, "Key": version_key(version),
              "ChangedBy": by[:NAME_CHARS], "ChangedAt": at, "Previous": previous}
    if expected is None:
        return ("create", entity)  # fails if another publisher created it meanwhile
    return ("update", entity, {"mode": UpdateMode.REPLACE, "etag": expected.marker,
                               "match_condition": MatchConditions.IfNotModified})


class TablePolicyVersions:
    """`PolicyVersions` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)

    async def get_pointer(self) -> CurrentPointer | None:
        """The pointer row (one point read), or None when no version was ever published."""
        try:
            async with self._store.call():
                entity = await self._table.get_entity(PARTITION, CURRENT, select=["Version", "Previous"])
        except RecordNotFound:
            return None
        return CurrentPointer(entity_text(entity, "Version"), entity_etag(entity), entity_text(entity, "Previous"))

    async def get(self, version: str) -> PolicyVersion:
        """A version's record."""
        async with self._store.call():
            entity = await self._table.get_entity(PARTITION, f"version|{version_key(version)}")
        return _record(entity)

    async def list_versions(self) -> list[PolicyVersion]:
        """Every version, oldest first (their keys sort that way)."""
        found: list[PolicyVersion] = []
        async with self._store.call():
            async for entity in self._table.query_entities(
                    "PartitionKey eq @pk and RowKey gt 'version|' and RowKey lt 'version}'",
                    parameters={"pk": PARTITION}):
                found.append(_record(entity))
        return found

    async def _chunks(self, prefix: str, count: int) -> list[bytes]:
        chunks: list[tuple[str, bytes]] = []
        async with self._store.call():
            async for entity in self._table.query_entities(
                    "PartitionKey eq @pk and RowKey ge @low and RowKey lt @high",
                    parameters={"pk": PARTITION, "low": prefix, "high": prefix[:-1] + "}"}):
                value = entity.get("Data")
                chunks.append((entity_text(entity, "RowKey"), bytes(value) if value is not None else b""))
        if len(chunks) != count:
            raise RecordNotFound(f"{prefix}: {len(chunks)} of {count} chunks")
        return [chunk for _, chunk in sorted(chunks)]

    async def get_policy_data(self, version: str) -> dict[str, Any]:
        """The version's policy file content, reassembled from its chunks."""
        key = version_key(version)
        async with self._store.call():
            entity = await self._table.get_entity(PARTITION, f"version|{key}", select=["Chunks"])
        try:
            return unpack_policy(await self._chunks(f"text|{key}|", int(entity.get("Chunks") or 0)))
        except (zlib.error, ValueError) as error:
            raise RecordNotFound(f"version {version}: damaged ({error})") from error

    async def publish(self, record: PolicyVersion, data: Mapping[str, Any], *, expected: CurrentPointer | None,
                      earlier: tuple[PolicyVersion, Mapping[str, Any]] | None = None) -> None:
        """Record, chunks, pointer, owed campaign and history in one transaction; `earlier` (the version in force
        before the first one was published: the shipped file) is kept in the same transaction, so it can be
        gone back to."""
        operations: list[tuple[Any, ...]] = []
        for kept, content in ([earlier] if earlier else []) + [(record, data)]:
            chunks = pack_policy(content)
            operations.append(("create", _record_entity(kept, len(chunks))))
            operations += [("create", row) for row in _chunk_rows(f"text|{kept.key}|", chunks)]
        if len(operations) + PUBLISH_EXTRA_ROWS > TRANSACTION_ROWS:
            raise PolicyTooLarge(f"{len(operations) + PUBLISH_EXTRA_ROWS} rows are more than one transaction holds")
        operations.append(_pointer_operation(record.version, record.published_by, record.published_at, expected,
                                             record.changes.previous))
        operations.append(("upsert", {"PartitionKey": PARTITION, "RowKey": f"owed|campaign|{record.key}",
                                      "Version": record.version}))
        operations.append(("create", _history("published", record.version, record.published_by,
                                              record.published_at)))
        async with self._store.call():
            await self._table.submit_transaction(operations)

    async def make_current(self, version: str, *, by: str, expected: CurrentPointer | None) -> None:
        """Point at a stored version, with its campaign owed (the cards of the other versions still waiting are taken
        back, and its own sent again where they were), and note it in the history, in one transaction."""
        record = await self.get(version)  # RecordNotFound for a version never stored
        now = utc_now()
        async with self._store.call():
            await self._table.submit_transaction([
                _pointer_operation(version, by, now, expected, expected.version if expected is not None else ""),
                ("upsert", {"PartitionKey": PARTITION, "RowKey": f"owed|campaign|{record.key}",
                            "Version": record.version}),
                ("create", _history("made current", version, by, now))])

    async def list_owed_campaigns(self) -> list[str]:
        """Versions whose campaign is still owed."""
        found: list[str] = []
        async with self._store.call():
            async for entity in self._table.query_entities(
                    "PartitionKey eq @pk and RowKey gt 'owed|campaign|' and RowKey lt 'owed|campaign}'",
                    parameters={"pk": PARTITION}):
                found.append(entity_text(entity, "Version"))
        return found

    async def campaign_queued(self, version: str) -> None:
        """Remove the owed row (already gone is fine)."""
        async with self._store.call():
            await self._table.delete_entity(PARTITION, f"owed|campaign|{version_key(version)}")

    async def save_draft(self, draft: Draft) -> None:
        """The draft's record and chunks, in one transaction."""
        chunks = pack_policy(draft.data)
        key = safe_key(draft.draft_id)
        warnings = json.dumps(list(draft.warnings), ensure_ascii=False)[:DRAFT_WARNINGS_CHARS]
        record = {"PartitionKey": PARTITION, "RowKey": f"draft|{key}", "SentById": draft.sent_by_id,
                  "SentAt": draft.sent_at, "Warnings": warnings, "Chunks": len(chunks)}
        async with self._store.call():
            await self._table.submit_transaction(
                [("create", record), *(("create", row) for row in _chunk_rows(f"drafttext|{key}|", chunks))])

    async def get_draft(self, draft_id: str) -> Draft:
        """A draft and its policy file content."""
        key = safe_key(draft_id)
        async with self._store.call():
            entity = await self._table.get_entity(PARTITION, f"draft|{key}")
        sent_at = entity_time(entity, "SentAt")
        try:
            data = unpack_policy(await self._chunks(f"drafttext|{key}|", int(entity.get("Chunks") or 0)))
            warnings = json.loads(entity_text(entity, "Warnings") or "[]")
        except (zlib.error, ValueError) as error:
            raise RecordNotFound(f"draft {draft_id}: damaged ({error})") from error
        return Draft(draft_id, data, tuple(str(w) for w in warnings), entity_text(entity, "SentById"),
                     sent_at or utc_now())

    async def delete_draft(self, draft_id: str) -> None:
        """Delete a draft's rows (best effort: a leftover draft is harmless)."""
        key = safe_key(draft_id)
        async with self._store.call():
            rows = [entity_text(e, "RowKey") async for e in self._table.query_entities(
                "PartitionKey eq @pk and RowKey ge @low and RowKey lt @high",
                parameters={"pk": PARTITION, "low": f"drafttext|{key}|", "high": f"drafttext|{key}}}"},
                select=["RowKey"])]
            await self._table.delete_entity(PARTITION, f"draft|{key}")  # first, so a half-deleted draft is gone
            for start in range(0, len(rows), 100):
                await self._table.submit_transaction([("delete", {"PartitionKey": PARTITION, "RowKey": row})
                                                      for row in rows[start:start + 100]])
