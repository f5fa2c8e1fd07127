"""The bot's own token for Teams (the connector), from App Service's managed-identity endpoint, fetched off the event
loop: a slow or hung identity endpoint never stops the bot answering anyone else."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app import create_app
from bot.settings import LOCAL_FEDERATION, Settings
from tests.support.activities import CARYS, TENANT, message
from tests.support.connector import Connector
from tests.support.fake_graph import IDENTITY_CLIENT_ID, entra_shaped_token
from tests.support.openid import ISSUER, Issuer, run_issuer

IDENTITY_HEADER = "test-only-identity-header"
# Only so a bot that stops its event loop fails this test rather than hanging it.
GIVE_UP_SECONDS = 15


class IdentityEndpoint:
    """App Service's managed-identity endpoint (api-version 2019-08-01) on its own thread. Before it answers a token
    request it asks the bot's /healthz, and notes whether the bot answered while it waited for its token."""

    def __init__(self) -> None:
        self.bot_url = ""
        self.answered_meanwhile: list[bool] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                try:
                    with urllib.request.urlopen(f"{endpoint.bot_url}/healthz", timeout=GIVE_UP_SECONDS) as answer:
                        endpoint.answered_meanwhile.append(answer.status == 200)
                except OSError:
                    endpoint.answered_meanwhile.append(False)
                body = json.dumps({"access_token": entra_shaped_token("https://api.botframework.com"),
                                   "expires_on": "4102444800", "resource": "https://api.botframework.com",
                                   "token_type": "Bearer", "client_id": IDENTITY_CLIENT_ID}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/msi/token"

    @contextmanager
    def running(self) -> Iterator[IdentityEndpoint]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
async def issuer() -> AsyncIterator[Issuer]:
    async with run_issuer() as running:
        yield running


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[IdentityEndpoint]:
    with IdentityEndpoint().running() as endpoint:
        monkeypatch.setenv("IDENTITY_ENDPOINT", endpoint.url)
        monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_HEADER)
        yield endpoint


async def test_the_bot_answers_others_while_it_fetches_its_token_for_teams(
        aiohttp_client: Any, azurite: str, table_prefix: str, issuer: Issuer, identity: IdentityEndpoint,
        connector: Connector) -> None:
    """msal fetched the token synchronously on the event loop whenever its cache had none (the first reply, then about
    once a day): every turn of every person, and the health check, stopped until the identity endpoint answered, and
    for ever if it never did (no timeout)."""
    settings = Settings.model_validate({
        "APP_ENV": "local", "MicrosoftAppId": IDENTITY_CLIENT_ID, "MicrosoftAppType": "UserAssignedMSI",
        "MicrosoftAppTenantId": TENANT, "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix,
        "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": issuer.metadata_url, "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": ISSUER,
        "DELIVERY_INTERVAL_SECONDS": 3600, "FEDERATION_CONFIG": str(LOCAL_FEDERATION),
    })
    client: TestClient = await aiohttp_client(create_app(settings))
    identity.bot_url = str(client.make_url("")).rstrip("/")

    response = await client.post("/api/messages", json=message(CARYS, "Can I be friends with pupils on Facebook?",
                                                               connector.url),
                                 headers={"Authorization": "Bearer " + issuer.token(audience=IDENTITY_CLIENT_ID,
                                                                                     service_url=connector.url)})

    again = await client.post("/api/messages", json=message(CARYS, "Can I post trip photos on Instagram?",
                                                            connector.url),
                              headers={"Authorization": "Bearer " + issuer.token(audience=IDENTITY_CLIENT_ID,
                                                                                  service_url=connector.url)})

    assert (response.status, again.status) == (200, 200)
    assert identity.answered_meanwhile == [True]  # and the token was kept for the second reply
    first, _ = connector.cards()
    assert "friends" in json.dumps(first)
