"""What the command-line tools share: storage from the environment, as the bot reads it, and one way of saying
that a tool could not run."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine, Iterable
from contextlib import asynccontextmanager

from azure.core.exceptions import ClientAuthenticationError

from bot.domain.errors import DomainError, StorageUnavailable
from bot.settings import UnsafeSettings, load_settings
from bot.storage.tables import TableStore, open_store


@asynccontextmanager
async def tool_store(tables: Iterable[str]) -> AsyncIterator[TableStore]:
    """Storage from the environment, with `tables` created if missing."""
    settings = load_settings(tool=True)
    async with open_store(connection_string=settings.storage_connection_string.get_secret_value(),
                          endpoint=settings.storage_table_endpoint, prefix=settings.table_prefix,
                          call_seconds=10) as store:
        await store.ensure_tables(tables)
        yield store


def storage_fault(error: DomainError) -> str:
    """Why storage failed a tool, in the README's words: with the HTTP status and error code when the service
    answered (403 AuthorizationPermissionMismatch: the technician's data role of step 8 has not applied yet), else
    the kind of fault. Never the service's message, a key or a connection string."""
    answer = error.__cause__
    status = getattr(answer, "status_code", None)
    if isinstance(answer, ClientAuthenticationError) and not isinstance(status, int):
        return ("could not sign in to storage (ClientAuthenticationError): sign in with the Azure CLI first "
                "(az login), as someone holding a data role on the tables (infra/README.md, step 8)")
    if not isinstance(status, int):
        # A StorageUnavailable names only the kind of fault (`bot.storage.tables.fault`); other errors may say more.
        kind = str(error) if isinstance(error, StorageUnavailable) and str(error) else type(error).__name__
        return f"storage could not be reached ({kind})"
    code = getattr(answer, "error_code", None)
    code = getattr(code, "value", code)
    said = f"{status} {code}" if code else str(status)
    if code == "AuthorizationPermissionMismatch":
        return (f"storage refused access ({said}): your sign-in has no data role on the tables yet, or it has not "
                "applied (a few minutes, sometimes ten): wait and run it again")
    if status == 403:
        return f"storage refused access ({said})"
    return f"storage answered {said}"


def run_tool(command: str, coroutine: Coroutine[None, None, int]) -> int:
    """Run a tool's work: 2 with the reason for unusable settings, input or an output file it cannot write, 1 with
    `storage_fault`'s when storage failed it."""
    try:
        return asyncio.run(coroutine)
    except (UnsafeSettings, ValueError, OSError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"{command}: {storage_fault(error)}; nothing was changed", file=sys.stderr)
        return 1
