"""Deployment smoke test: build/bot.zip, installed the way App Service's build installs it and started the way App
Service starts it, with the settings infra/main.bicep gives it, answers /readyz.

Like App Service with build automation, it unpacks the archive into an empty folder that is not the repository
(App Service runs an extracted copy under /tmp, not /home/site/wwwroot), creates a fresh virtual environment
from requirements.txt alone (Oryx's `antenv`), and runs the Bicep's start-up command there. Settings the Bicep
states are used as they are; those Azure computes at deployment are filled in below with what stands in for
Azure here: Azurite for Table storage, a local managed-identity endpoint and Application Insights endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest

from scripts.deploy_zip import build
from tests.support.app_service import install
from tests.support.bicep import app_settings, parse, site_config
from tests.support.fake_graph import IDENTITY_CLIENT_ID, FakeGraph, run_fake_graph, self_signed
from tests.support.fake_monitor import FakeMonitor, run_fake_monitor
from tests.support.processes import free_port, start_azurite, tail

REPO = Path(__file__).resolve().parents[2]
FEDERATION = REPO / "config" / "federation.local.json"
READY_TIMEOUT = 120.0


def _computed(table_endpoint: str, entra: FakeGraph, monitor: FakeMonitor) -> dict[str, str]:
    """What Azure puts into the settings main.bicep computes, as it stands in here."""
    tenant = json.loads(FEDERATION.read_text(encoding="utf-8"))["tenant_ids"][0]
    return {
        "MicrosoftAppId": IDENTITY_CLIENT_ID,  # identity.properties.clientId
        "AZURE_CLIENT_ID": IDENTITY_CLIENT_ID,
        "MicrosoftAppTenantId": tenant,  # identity.properties.tenantId
        "APPLICATIONINSIGHTS_CONNECTION_STRING": monitor.connection_string,
        "FEDERATION_JSON": FEDERATION.read_text(encoding="utf-8"),  # the federationSettings parameter
        # storage.properties.primaryEndpoints.table: Azurite over HTTPS, taking the identity's tokens.
        "AZURE_STORAGE_TABLE_ENDPOINT": table_endpoint,
    }


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The Table service as the bot reaches it on Azure: HTTPS, by the managed identity's token (Azurite checks its
    issuer, audience and lifetime); its endpoint and the certificate to trust."""
    cert, key = self_signed(tmp_path / "storage")
    port = free_port()
    with start_azurite(port=port, extra=["--cert", str(cert), "--key", str(key), "--oauth", "basic"]):
        yield f"https://127.0.0.1:{port}/devstoreaccount1", cert


@pytest.fixture
async def stand_ins(tmp_path: Path) -> AsyncIterator[tuple[FakeGraph, FakeMonitor]]:
    async with run_fake_graph(tmp_path / "entra") as entra, \
            run_fake_monitor(tmp_path / "monitor", accept_token=entra.issued) as monitor:
        yield entra, monitor


@contextmanager
def _outside_the_repository() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="deploy-smoke-") as folder:
        path = Path(folder).resolve()
        assert not path.is_relative_to(REPO)
        yield path


async def _wait_ready(url: str, process: asyncio.subprocess.Process, logs: Path) -> int:
    deadline = time.monotonic() + READY_TIMEOUT
    status = 0
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                pytest.fail(f"the app exited ({process.returncode}) before it was ready:\n{tail(logs / 'app.err')}"
                            f"\n{tail(logs / 'app.out')}")
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                    status = response.status
                    if status == 200:
                        return status
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.25)
    pytest.fail(f"{url} answered {status or 'nothing'} for {READY_TIMEOUT:.0f} s:\n{tail(logs / 'app.err')}")


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM the start-up command's whole process group (as App Service stops it), SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 10)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


async def test_the_deployment_zip_starts_as_app_service_starts_it(
        storage: tuple[str, Path], stand_ins: tuple[FakeGraph, FakeMonitor]) -> None:
    entra, monitor = stand_ins
    tree = parse()
    config = site_config(tree)
    stated, computed = app_settings(tree)
    # The fresh venv is made by this interpreter (its base, not its venv): the version App Service runs.
    assert config["linuxFxVersion"] == f"PYTHON|{sys.version_info.major}.{sys.version_info.minor}"
    table_endpoint, storage_cert = storage
    filled = _computed(table_endpoint, entra, monitor)
    assert sorted(computed - set(filled)) == [], "main.bicep computes these settings: say here what Azure puts there"
    archive = build()

    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        if "requirements.txt" not in names:
            pytest.fail("build/bot.zip has no requirements.txt: App Service's build (Oryx) would not install the "
                        "bot's packages (with only pyproject.toml it runs Poetry, which fails)")
        assert "pyproject.toml" not in names and not [n for n in names if n.startswith("config/")]
        with _outside_the_repository() as root:
            app, logs = root / "app", root / "logs"
            logs.mkdir()
            opened.extractall(app)
            started = time.monotonic()
            await install(root / "antenv", app, logs / "install.log", byte_code=False)
            installed = time.monotonic() - started

            port = free_port()
            env = {"PATH": f"{root / 'antenv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
                   "HOME": str(root), "LANG": "C.UTF-8", **stated,
                   **{name: filled[name] for name in computed}, **entra.identity_environment(),
                   "PORT": str(port), "REQUESTS_CA_BUNDLE": str(monitor.ca_file),
                   # aiohttp (the Table SDK's transport) trusts the system's CA file: here, the storage stand-in's.
                   "SSL_CERT_FILE": str(storage_cert)}
            with (logs / "app.out").open("wb") as out, (logs / "app.err").open("wb") as err:
                process = await asyncio.create_subprocess_exec(
                    "/bin/sh", "-c", config["appCommandLine"], cwd=app, env=env, stdin=subprocess.DEVNULL,
                    stdout=out, stderr=err, start_new_session=True)
            try:
                status = await _wait_ready(f"http://127.0.0.1:{port}/readyz", process, logs)
            finally:
                await _stop(process)
            print(f"\ndeployment smoke: venv and packages {installed:.0f} s, ready {time.monotonic() - started:.0f} s")

    assert status == 200
    # Ready means storage answered the identity's token: asked for the Table service, by the identity's client id.
    assert {"resource": "https://storage.azure.com", "client_id": IDENTITY_CLIENT_ID}.items() <= next(
        (asked.items() for asked in entra.identity_requests if asked.get("resource") == "https://storage.azure.com"),
        {}.items())
