"""The storage time budget counts storage's time: a busy bot is not told that healthy storage failed."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.domain.errors import RecordNotFound, StorageUnavailable
from bot.domain.people import Person
from bot.storage.tables import TableStore, service_client
from bot.storage.users import TableUserProfiles
from tests.support.processes import azurite_connection_string

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
BUDGET = 0.5


async def test_a_storage_call_while_the_bot_is_busy_is_not_a_storage_failure(azurite: str, table_prefix: str) -> None:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=BUDGET) as service:
        store = TableStore(service, prefix=table_prefix, timeout=BUDGET)
        await store.ensure_tables(["users"])
        profiles = TableUserProfiles(store)
        loop = asyncio.get_running_loop()

        read = asyncio.create_task(profiles.get_profile(CARYS))
        # Right after the request goes out, the loop is kept busy for three budgets (as by a burst of turns):
        # Azurite answers within milliseconds, but nobody reads the answer until the loop is free again.
        loop.call_soon(time.sleep, BUDGET * 3)

        with pytest.raises(RecordNotFound):  # storage answered (there is no such profile): not StorageUnavailable
            await read


async def test_storage_that_never_answers_still_runs_out_the_budget(table_prefix: str) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with service_client(connection_string=azurite_connection_string(port), endpoint="", credential=None,
                                  timeout=BUDGET) as service:
            profiles = TableUserProfiles(TableStore(service, prefix=table_prefix, timeout=BUDGET))
            with pytest.raises(StorageUnavailable):
                await profiles.get_profile(CARYS)
    finally:
        for writer in accepted:
            writer.close()
        server.close()
