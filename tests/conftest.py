"""Fixtures every test layer shares: a real Azurite, a local connector, the app on a test server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from app import create_app
from bot.settings import Settings
from tests.support.connector import Connector, run_connector

REPO = Path(__file__).resolve().parent.parent
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def azurite_connection_string(port: int) -> str:
    """The connection string of an Azurite table service on loopback."""
    return (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
            f"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_azurite() -> Iterator[str]:
    """Start a real Azurite table service in memory on a free port; yield its connection string."""
    port = _free_port()
    binary = REPO / "node_modules" / ".bin" / "azurite-table"
    if not binary.exists():
        pytest.fail("Azurite is not installed: run `make test` (it runs npm ci)")
    process = subprocess.Popen(
        [str(binary), "--tableHost", "127.0.0.1", "--tablePort", str(port), "--inMemoryPersistence",
         "--disableTelemetry", "--silent"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(f"Azurite exited with {process.returncode} before listening")
            if time.monotonic() > deadline:
                pytest.fail("Azurite did not start within 20 s")
            time.sleep(0.05)
        yield azurite_connection_string(port)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def azurite() -> Iterator[str]:
    """A real Azurite for the whole session; tests isolate themselves with `table_prefix`."""
    with running_azurite() as connection_string:
        yield connection_string


@pytest.fixture
def table_prefix() -> str:
    """A fresh table-name prefix, so each test sees empty tables in the shared Azurite."""
    return "t" + uuid.uuid4().hex[:12]


@pytest.fixture
def settings(azurite: str, table_prefix: str) -> Settings:
    """Local settings against the session's Azurite."""
    return Settings.model_validate({
        "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix,
        "MicrosoftAppId": "", "MicrosoftAppPassword": "", "DELIVERY_INTERVAL_SECONDS": 3600,
    })


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    """A local connector capturing what the bot sends."""
    async with run_connector() as running:
        yield running


@pytest.fixture
async def client(aiohttp_client: object, settings: Settings) -> TestClient:
    """The app on a test server."""
    make = aiohttp_client
    return await make(create_app(settings))  # type: ignore[operator,no-any-return]
