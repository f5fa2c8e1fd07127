"""Fixtures every test layer shares: a real Azurite, a local connector, the app on a test server."""

from __future__ import annotations

import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

import app
from app import create_app
from bot.policy import PolicyIndex
from bot.policy.index import answer_index
from bot.policy.model import Policy
from bot.settings import Settings
from tests.support.connector import Connector, run_connector
from tests.support.policies import FIXTURE_POLICY_FILE
from tests.support.processes import start_azurite

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def running_azurite() -> Iterator[str]:
    """Start a real Azurite table service in memory on a free port; yield its connection string."""
    if not (REPO / "node_modules" / ".bin" / "azurite-table").exists():
        pytest.fail("Azurite is not installed: run `make test` (it runs npm ci)")
    with start_azurite(in_memory=True) as (_, connection_string):
        yield connection_string


class SharedIndexes:
    """`answer_index` built once per distinct policy for the whole session: every app a test starts in this process
    asks for the same policy's index, which is read-only once built, and building it takes seconds."""

    def __init__(self) -> None:
        self._built: list[tuple[Policy, PolicyIndex]] = []
        self._lock = threading.Lock()  # LivePolicy builds in a worker thread

    def __call__(self, policy: Policy) -> PolicyIndex:
        """The index of this policy, built the first time it is asked for."""
        with self._lock:
            for known, index in self._built:
                if known == policy:
                    return index
            index = answer_index(policy)
            self._built.append((policy, index))
            return index


@pytest.fixture(scope="session", autouse=True)
def shared_policy_indexes() -> Iterator[SharedIndexes]:
    """Apps started in this process share each policy's index (bots started as processes build their own); so do
    tests that ask for it."""
    indexes = SharedIndexes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app, "answer_index", indexes)
        yield indexes


@pytest.fixture(scope="session", autouse=True)
def no_azure_storage_from_the_shell() -> Iterator[None]:
    """Tests give storage as Azurite's connection string: an Azure table endpoint exported in the shell that runs them
    (infra/README.md, step 8) is taken out, as the tools refuse the two together and no test may reach Azure."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("AZURE_STORAGE_TABLE_ENDPOINT", raising=False)
        yield


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
    return local_settings(azurite, table_prefix, FIXTURE_POLICY_FILE)


def local_settings(azurite: str, table_prefix: str, policy_file: Path) -> Settings:
    """Local settings against the session's Azurite that answer from `policy_file`."""
    return Settings.model_validate({
        "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix,
        "MicrosoftAppId": "", "MicrosoftAppPassword": "", "DELIVERY_INTERVAL_SECONDS": 3600,
        "POLICY_FILE": str(policy_file), "SCHOOL_HOURS": "any",  # on the wall clock: nothing waits for the hours
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
