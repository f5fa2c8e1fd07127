"""Storage by managed identity, as deployed on App Service: no connection string, a bearer token from the App
Service identity endpoint, Table storage over HTTPS. Azurite plays the Table service (HTTPS, OAuth checked: issuer,
audience, lifetime); the identity endpoint, which cannot be reached from here, is a local HTTP server speaking its
protocol (api-version 2019-08-01, the X-IDENTITY-HEADER secret). The bot runs as a process, as App Service runs it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from azure.core.credentials import AzureNamedKeyCredential
from azure.data.tables.aio import TableServiceClient

from tests.support.activities import SIAN, TENANT, message
from tests.support.connector import run_connector
from tests.support.fake_graph import entra_shaped_token, self_signed
from tests.support.processes import AZURITE_KEY, free_port, start_azurite, start_bot

STORAGE = "https://storage.azure.com"
IDENTITY_SECRET = "identity-header-for-this-test"
PREFIX = "mi"


@dataclass(frozen=True)
class Certificates:
    """A throw-away certificate for 127.0.0.1 (its own authority) and its key."""

    authority: Path
    key: Path

    @property
    def certificate(self) -> Path:
        return self.authority


@dataclass
class IdentityEndpoint:
    """The App Service identity endpoint: what it was asked, and the audience of the tokens it hands out."""

    audience: str = STORAGE
    asked: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@contextmanager
def identity_endpoint() -> Iterator[IdentityEndpoint]:
    """Serve `GET /msi/token?api-version=2019-08-01&resource=...` with the identity header checked."""
    endpoint = IdentityEndpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            query = parse_qs(urlparse(self.path).query)
            endpoint.asked.append({"path": urlparse(self.path).path, "query": query,
                                   "secret": self.headers.get("X-IDENTITY-HEADER")})
            if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_SECRET or "resource" not in query:
                self._answer(400, {"error": "invalid_request"})
                return
            self._answer(200, {"access_token": entra_shaped_token(endpoint.audience),
                               "expires_on": str(int(time.time()) + 3600), "resource": query["resource"][0],
                               "token_type": "Bearer"})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}/msi/token"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return Certificates(*self_signed(tmp_path_factory.mktemp("tls")))


@contextmanager
def deployed(certificates: Certificates, identity: IdentityEndpoint) -> Iterator[tuple[str, str]]:
    """Azurite over HTTPS with OAuth, and the bot configured as on App Service but for the endpoints; yields the
    bot's URL and the table endpoint."""
    port = free_port()
    tls = ["--cert", str(certificates.certificate), "--key", str(certificates.key), "--oauth", "basic"]
    with start_azurite(port=port, extra=tls):
        endpoint = f"https://127.0.0.1:{port}/devstoreaccount1"
        env = {"AZURE_STORAGE_TABLE_ENDPOINT": endpoint, "AZURE_STORAGE_CONNECTION_STRING": "",
               "TABLE_PREFIX": PREFIX, "IDENTITY_ENDPOINT": identity.url, "IDENTITY_HEADER": IDENTITY_SECRET,
               # The bot trusts the test's authority as it trusts Azure's: through the system's CA file.
               "SSL_CERT_FILE": str(certificates.authority)}
        with start_bot(env) as (_, url):
            yield url, endpoint


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


async def test_the_bot_reads_and_writes_its_tables_with_a_token_from_its_managed_identity(
        certificates: Certificates) -> None:
    with identity_endpoint() as identity, deployed(certificates, identity) as (url, endpoint):
        assert await _ready(url) == 200

        async with run_connector() as connector, aiohttp.ClientSession() as session:
            async with session.post(url + "/api/messages", json=message(SIAN, "hello", connector.url)) as response:
                assert response.status in (200, 201, 202)
            await connector.wait_for(1, within=15)

        # What the turn wrote (Siân's profile, by the lean table client) is in the Table service.
        shared_key = AzureNamedKeyCredential("devstoreaccount1", AZURITE_KEY)
        async with TableServiceClient(endpoint, credential=shared_key,
                                      connection_verify=str(certificates.authority)) as service:
            users = service.get_table_client(PREFIX + "users")
            row = await users.get_entity(TENANT, SIAN["aadObjectId"])
        assert SIAN["name"] in row["Name"] and row["ConversationRef"]
    assert identity.asked, "the bot never asked its identity endpoint for a token"
    assert all(ask["secret"] == IDENTITY_SECRET and ask["query"]["resource"] == [STORAGE]
               and ask["query"]["api-version"] == ["2019-08-01"] for ask in identity.asked)


async def test_a_token_for_another_audience_leaves_the_bot_up_and_not_ready(certificates: Certificates) -> None:
    with identity_endpoint() as identity:
        identity.audience = "https://graph.microsoft.com"
        with deployed(certificates, identity) as (url, _):
            assert await _ready(url, within=3.0) == 503
            async with aiohttp.ClientSession() as session, session.get(url + "/healthz") as response:
                assert response.status == 200
    assert identity.asked
