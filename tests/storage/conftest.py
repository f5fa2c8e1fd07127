"""The backends every storage contract test runs against: Azure Tables on Azurite, and memory (bot/storage/memory.py).

A contract test asks for `backend` (it runs once with each) and builds the ports it needs on it; `backend.other()` is
a second instance of the bot over the same storage. The rest of a backend looks at what it keeps beyond what the
ports return, to check that nothing is left behind. Tests of the Table layout, the command-line tools and Azurite's
faults run on Tables only; the tools' tests share `tool_environment`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import pytest

from bot.domain.concerns import ConcernReports
from bot.domain.directory import StaffDirectory
from bot.domain.limits import RateLimiter
from bot.domain.outbox import Outbox
from bot.domain.permission_requests import PermissionRequests
from bot.domain.policy_reads import PolicyReads
from bot.domain.policy_versions import PolicyVersions
from bot.domain.profiles import UserProfiles
from bot.domain.questions import QuestionLog
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.memory import (
    MemoryConcernReports,
    MemoryOutbox,
    MemoryPermissionRequests,
    MemoryPolicyReads,
    MemoryPolicyVersions,
    MemoryQuestionLog,
    MemoryRateLimiter,
    MemoryStaffDirectory,
    MemoryStore,
    MemoryUserProfiles,
)
from bot.storage.outbox import TableOutbox
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.policy_reads import TablePolicyReads
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.questions import TableQuestionLog
from bot.storage.tables import TableStore, service_client
from bot.storage.users import TableUserProfiles

BACKENDS = ("table", "memory")
# Seconds one call may take: large enough for a policy version's transaction on a shared machine.
CALL_SECONDS = 10


class Backend(Protocol):
    """One storage: its ports, a second instance over it, and what it keeps beyond what the ports return."""

    name: str

    async def profiles(self) -> UserProfiles: ...
    async def outbox(self) -> Outbox: ...
    async def permission_requests(self) -> PermissionRequests: ...
    async def concern_reports(self) -> ConcernReports: ...
    async def staff_directory(self) -> StaffDirectory: ...
    async def rate_limiter(self) -> RateLimiter: ...
    async def question_log(self) -> QuestionLog: ...
    async def policy_versions(self) -> PolicyVersions: ...
    async def policy_reads(self) -> PolicyReads: ...

    def other(self) -> AbstractAsyncContextManager[Backend]:
        """Another instance of the bot over the same storage (its own client, where there is one)."""
        ...

    async def queued_messages(self) -> list[str]:
        """The ids of the messages in the outbox's queue, in the order the sender scans them."""
        ...

    async def sent_messages(self) -> list[str]:
        """The ids of the messages remembered as sent."""
        ...

    async def report_rows(self) -> list[Any]:
        """Everything kept of concern reports: records, their audit entries, form tokens, what retention keeps to
        replace their cards."""
        ...

    async def report_audit(self, reference: str) -> tuple[list[str], str]:
        """A report's audit entries: their actions, and everything they hold as text."""
        ...

    async def retention_log(self) -> list[tuple[str, str]]:
        """Per report retention deleted: its reference, and everything its trace holds as text."""
        ...

    async def policy_rows(self) -> list[Any]:
        """Everything kept of policy versions and drafts."""
        ...

    async def policy_chunks(self) -> list[bytes]:
        """The pieces the stored versions' policy files are kept in."""
        ...


class TableBackend:
    """The Table adapters over one table prefix in Azurite."""

    name = "table"

    def __init__(self, store: TableStore, azurite: str, prefix: str) -> None:
        self._store = store
        self._azurite = azurite
        self._prefix = prefix

    async def _tables(self, *names: str) -> TableStore:
        await self._store.ensure_tables(names)
        return self._store

    async def profiles(self) -> UserProfiles:
        return TableUserProfiles(await self._tables("users"))

    async def outbox(self) -> Outbox:
        return TableOutbox(await self._tables("outbox", "outboxsent"))

    async def permission_requests(self) -> PermissionRequests:
        return TablePermissionRequests(await self._tables("permissions", "permissionindex"))

    async def concern_reports(self) -> ConcernReports:
        return TableConcernReports(await self._tables("reports", "audit", "outbox", "outboxsent"))

    async def staff_directory(self) -> StaffDirectory:
        return TableStaffDirectory(await self._tables("directory"))

    async def rate_limiter(self) -> RateLimiter:
        return TableRateLimiter(await self._tables("ratelimits"))

    async def question_log(self) -> QuestionLog:
        return TableQuestionLog(await self._tables("questions", "outbox", "outboxsent"))

    async def policy_versions(self) -> PolicyVersions:
        return TablePolicyVersions(await self._tables("policies"))

    async def policy_reads(self) -> PolicyReads:
        return TablePolicyReads(await self._tables("policyreads"))

    @asynccontextmanager
    async def other(self) -> AsyncIterator[Backend]:
        async with opened_tables(self._azurite, self._prefix) as other:
            yield other

    async def _rows(self, table: str) -> list[dict[str, Any]]:
        async with self._store.call():
            return [dict(row) async for row in self._store.table(table).list_entities()]

    async def _message_ids(self, table: str) -> list[str]:
        return [str(row["RowKey"]).removeprefix("msg|") for row in await self._rows(table)
                if str(row["RowKey"]).startswith("msg|")]

    async def queued_messages(self) -> list[str]:
        return await self._message_ids("outbox")

    async def sent_messages(self) -> list[str]:
        return await self._message_ids("outboxsent")

    async def report_rows(self) -> list[Any]:
        return await self._rows("reports")

    async def report_audit(self, reference: str) -> tuple[list[str], str]:
        rows = [row for row in await self._rows("reports")
                if row["PartitionKey"] == reference and str(row["RowKey"]).startswith("audit|")]
        return [str(row["Action"]) for row in rows], json.dumps(rows, default=str, ensure_ascii=False)

    async def retention_log(self) -> list[tuple[str, str]]:
        rows = await self._rows("audit")
        for row in rows:  # one row per report, in the partition the backups read, keyed by closure and reference
            assert row["PartitionKey"] == "reports" and str(row["RowKey"]).endswith(f"|{row['Reference']}")
        return [(str(row["Reference"]), json.dumps(row, default=str, ensure_ascii=False)) for row in rows]

    async def policy_rows(self) -> list[Any]:
        return await self._rows("policies")

    async def policy_chunks(self) -> list[bytes]:
        return [bytes(row["Data"]) for row in await self._rows("policies") if str(row["RowKey"]).startswith("text|")]


class MemoryBackend:
    """The memory ports over one `MemoryStore`."""

    name = "memory"

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    async def profiles(self) -> UserProfiles:
        return MemoryUserProfiles(self.store)

    async def outbox(self) -> Outbox:
        return MemoryOutbox(self.store)

    async def permission_requests(self) -> PermissionRequests:
        return MemoryPermissionRequests(self.store)

    async def concern_reports(self) -> ConcernReports:
        return MemoryConcernReports(self.store)

    async def staff_directory(self) -> StaffDirectory:
        return MemoryStaffDirectory(self.store)

    async def rate_limiter(self) -> RateLimiter:
        return MemoryRateLimiter(self.store)

    async def question_log(self) -> QuestionLog:
        return MemoryQuestionLog(self.store)

    async def policy_versions(self) -> PolicyVersions:
        return MemoryPolicyVersions(self.store)

    async def policy_reads(self) -> PolicyReads:
        return MemoryPolicyReads(self.store)

    @asynccontextmanager
    async def other(self) -> AsyncIterator[Backend]:
        yield MemoryBackend(self.store)

    async def queued_messages(self) -> list[str]:
        return [message_id for _, message_id in sorted(self.store.messages)]

    async def sent_messages(self) -> list[str]:
        return [message_id for _, message_id in sorted(self.store.sent)]

    async def report_rows(self) -> list[Any]:
        return [*self.store.reports.values(), *(a for trail in self.store.report_audit.values() for a in trail),
                *self.store.report_forms.items(), *self.store.purge_claims.items(), *self.store.replaced_cards.items()]

    async def report_audit(self, reference: str) -> tuple[list[str], str]:
        trail = self.store.report_audit.get(reference, [])
        return [entry.action for entry in trail], repr(trail)

    async def retention_log(self) -> list[tuple[str, str]]:
        return [(trace.reference, repr(trace)) for trace in self.store.retention_log.values()]

    async def policy_rows(self) -> list[Any]:
        store = self.store
        return [*([store.pointer] if store.pointer else []), *store.versions.items(), *store.owed_campaigns.items(),
                *store.policy_history, *store.drafts.items()]

    async def policy_chunks(self) -> list[bytes]:
        return [chunk for version in self.store.versions.values() for chunk in version.chunks]


@asynccontextmanager
async def opened_tables(azurite: str, prefix: str) -> AsyncIterator[TableBackend]:
    """The Table backend over `prefix`, with a client of its own."""
    async with service_client(connection_string=azurite, endpoint="", credential=None,
                              timeout=CALL_SECONDS) as service:
        yield TableBackend(TableStore(service, prefix=prefix, timeout=CALL_SECONDS), azurite, prefix)


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    """Each backend in turn, empty (Azurite is started only for the Table one)."""
    if request.param == "memory":
        yield MemoryBackend(MemoryStore())
        return
    azurite, prefix = request.getfixturevalue("azurite"), request.getfixturevalue("table_prefix")
    async with opened_tables(azurite, prefix) as tables:
        yield tables


@pytest.fixture
def tool_environment(azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shell of whoever runs a storage tool: the bot's storage on Azurite, the local federation, the shipped
    policy (nothing left over from the shell running the tests)."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("TABLE_PREFIX", table_prefix)
    for leftover in ("POLICY_FILE", "FEDERATION_CONFIG", "FEDERATION_JSON"):
        monkeypatch.delenv(leftover, raising=False)
