"""What the command-line tools share: storage from the environment, as the bot reads it, and one way of saying
that a tool could not run."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine, Iterable
from contextlib import asynccontextmanager

from bot.domain.errors import DomainError
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


def run_tool(command: str, coroutine: Coroutine[None, None, int]) -> int:
    """Run a tool's work: 2 with the reason for unusable settings, input or an output file it cannot write, 1 when
    storage could not be reached."""
    try:
        return asyncio.run(coroutine)
    except (UnsafeSettings, ValueError, OSError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"{command}: storage could not be reached ({type(error).__name__}); nothing was changed",
              file=sys.stderr)
        return 1
