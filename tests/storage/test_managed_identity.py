"""Storage by managed identity, as deployed on App Service: no connection string, a bearer token from the App
Service identity endpoint, Table storage over HTTPS. Azurite plays the Table service (HTTPS, OAuth checked: issuer,
audience, lifetime); the identity endpoint, which cannot be reached from here, is the Entra stand-in's
(tests/support/fake_graph.py, App Service's protocol). The bot runs as a process, as App Service runs it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiohttp
from azure.core.credentials import AzureNamedKeyCredential
from azure.data.tables.aio import TableServiceClient

from tests.support.activities import SIAN, TENANT, message
from tests.support.connector import run_connector
from tests.support.fake_graph import IDENTITY_CLIENT_ID, FakeGraph, run_fake_graph, self_signed
from tests.support.processes import AZURITE_KEY, free_port, start_azurite, start_bot

STORAGE = "https://storage.azure.com"
PREFIX = "mi"


@asynccontextmanager
async def deployed(folder: Path, identity: FakeGraph) -> AsyncIterator[tuple[str, str, Path]]:
    """Azurite over HTTPS with OAuth, and the bot configured as on App Service but for the endpoints; yields the
    bot's URL, the table endpoint and the certificate the Table service presents."""
    cert, key = self_signed(folder / "storage")
    port = free_port()
    async with AsyncExitStack() as stack:
        stack.enter_context(start_azurite(port=port, extra=["--cert", str(cert), "--key", str(key),
                                                            "--oauth", "basic"]))
        endpoint = f"https://127.0.0.1:{port}/devstoreaccount1"
        env = {"AZURE_STORAGE_TABLE_ENDPOINT": endpoint, "AZURE_STORAGE_CONNECTION_STRING": "", "TABLE_PREFIX": PREFIX,
               "AZURE_CLIENT_ID": IDENTITY_CLIENT_ID, **identity.identity_environment(),
               # The bot trusts the test's certificate as it trusts Azure's: through the system's CA file.
               "SSL_CERT_FILE": str(cert)}
        # Started from a thread: the identity endpoint answers on this loop while the bot starts.
        bot = start_bot(env)
        _, url = await asyncio.to_thread(bot.__enter__)
        stack.push_async_callback(asyncio.to_thread, bot.__exit__, None, None, None)
        yield url, endpoint, cert


async def _ready(url: str, *, within: float = 20.0) -> int:
    """/readyz's status once it says ready, or the last status after `within` seconds."""
    deadline = time.monotonic() + within
    status = 0
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            async with session.get(url + "/readyz") as response:
                status = response.status
            if status == 200:
                break
            await asyncio.sleep(0.2)
    return status


async def test_the_bot_reads_and_writes_its_tables_with_a_token_from_its_managed_identity(tmp_path: Path) -> None:
    async with run_fake_graph(tmp_path / "entra") as identity, deployed(tmp_path, identity) as (url, endpoint, cert):
        assert await _ready(url) == 200

        async with run_connector() as connector, aiohttp.ClientSession() as session:
            async with session.post(url + "/api/messages", json=message(SIAN, "hello", connector.url)) as response:
                assert response.status in (200, 201, 202)
            await connector.wait_for(1, within=15)

        # What the turn wrote (Siân's profile, by the lean table client) is in the Table service.
        shared_key = AzureNamedKeyCredential("devstoreaccount1", AZURITE_KEY)
        async with TableServiceClient(endpoint, credential=shared_key, connection_verify=str(cert)) as service:
            row = await service.get_table_client(PREFIX + "users").get_entity(TENANT, SIAN["aadObjectId"])
        assert SIAN["name"] in row["Name"] and row["ConversationRef"]
    assert identity.identity_requests, "the bot never asked its identity endpoint for a token"
    assert all(asked.get("resource") == STORAGE and asked.get("client_id") == IDENTITY_CLIENT_ID
               for asked in identity.identity_requests)


async def test_a_token_for_another_audience_leaves_the_bot_up_and_not_ready(tmp_path: Path) -> None:
    async with run_fake_graph(tmp_path / "entra") as identity:
        identity.identity_audience = "https://graph.microsoft.com"
        async with deployed(tmp_path, identity) as (url, _, _):
            assert await _ready(url, within=3.0) == 503
            async with aiohttp.ClientSession() as session, session.get(url + "/healthz") as response:
                assert response.status == 200
        assert identity.identity_requests
