"""build/bot.zip on App Service, as the IT technician deploys it (README "Deploying it", infra/README.md steps 4-6):
unpacked and installed as Oryx does, its folder read-only, /home persistent, started by the Bicep's start-up command
with the Bicep's app settings (tests/support/app_service.py says how each part stands in for App Service's).

What Azure computes at deployment is filled in with what stands in for Azure here: Table storage is Azurite over HTTPS
taking the managed identity's tokens, the identity endpoint, the Bot Framework's token issuer, the Bot Connector and
Application Insights' ingestion endpoint are local servers speaking their protocols. Two settings the Bicep does not
set point the bot at the local token issuer (TO_BOT_FROM_CHANNEL_*, README "Settings": for testing only).
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
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from scripts.deploy_zip import build
from tests.support.activities import CARYS, message
from tests.support.app_service import START_TIME_LIMIT, Running, Site, start, unpack_and_install, wait_for
from tests.support.bicep import app_settings, parse, site_config
from tests.support.connector import Connector
from tests.support.fake_graph import IDENTITY_CLIENT_ID, FakeGraph, run_fake_graph, self_signed
from tests.support.fake_monitor import FakeMonitor, run_fake_monitor
from tests.support.openid import ISSUER, Issuer, run_issuer
from tests.support.policies import write_revised
from tests.support.processes import free_port, start_azurite, tail

REPO = Path(__file__).resolve().parents[2]
FEDERATION = REPO / "config" / "federation.local.json"
QUESTION = "Can I be friends with pupils on Facebook?"
ANOTHER_TENANT = "11111111-2222-4333-8444-555555555555"
ANOTHER_IDENTITY = "44444444-5555-4666-8777-888888888888"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    """build/bot.zip unpacked and installed once for this module's tests; each start gets an empty /home."""
    with tempfile.TemporaryDirectory(prefix="app-service-") as folder:
        yield asyncio.run(unpack_and_install(build(), Path(folder).resolve()))


@pytest.fixture
def fresh_site(site: Site, tmp_path: Path) -> Site:
    """The installed site with a /home of this test's own (App Service's persistent storage, empty at first)."""
    home, logs = tmp_path / "home", tmp_path / "logs"
    home.mkdir()
    logs.mkdir()
    return Site(app=site.app, home=home, logs=logs)


@dataclass
class Azure:
    """What stands in for Azure: storage, the identity endpoint (and Entra), Application Insights, the Bot Framework's
    token issuer."""

    table_endpoint: str
    storage_cert: Path
    entra: FakeGraph
    monitor: FakeMonitor
    issuer: Issuer

    def settings(self, port: int) -> dict[str, str]:
        """The web app's settings as the Bicep writes them, and the variables App Service adds."""
        tree = parse()
        stated, computed = app_settings(tree)
        tenant = json.loads(FEDERATION.read_text(encoding="utf-8"))["tenant_ids"][0]
        filled = {
            "MicrosoftAppId": IDENTITY_CLIENT_ID,  # identity.properties.clientId
            "AZURE_CLIENT_ID": IDENTITY_CLIENT_ID,
            "MicrosoftAppTenantId": tenant,  # identity.properties.tenantId
            "APPLICATIONINSIGHTS_CONNECTION_STRING": self.monitor.connection_string,
            "FEDERATION_JSON": FEDERATION.read_text(encoding="utf-8"),  # string(federationSettings)
            # storage.properties.primaryEndpoints.table, which Azure gives with a trailing slash.
            "AZURE_STORAGE_TABLE_ENDPOINT": self.table_endpoint + "/",
        }
        assert sorted(computed - set(filled)) == [], "main.bicep computes these settings: say here what Azure puts"
        assert stated["PORT"] == stated["WEBSITES_PORT"], "App Service sends requests to WEBSITES_PORT"
        return {**stated, **{name: filled[name] for name in computed}, **self.entra.identity_environment(),
                # A free port rather than the Bicep's 8000, which something on this machine may hold.
                "PORT": str(port), "WEBSITES_PORT": str(port),
                # Trust for the stand-ins' certificates (Application Insights' exporter, then aiohttp for storage).
                "REQUESTS_CA_BUNDLE": str(self.monitor.ca_file), "SSL_CERT_FILE": str(self.storage_cert),
                "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": self.issuer.metadata_url,
                "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": ISSUER}

    def secrets(self) -> list[str]:
        """What must never reach the log: the identity endpoint's secret header, every token, the telemetry key."""
        key = self.monitor.connection_string.split(";")[0].removeprefix("InstrumentationKey=")
        return [self.entra.identity_header, key, *self.entra.issued]


@pytest.fixture
async def azure(tmp_path: Path) -> AsyncIterator[Azure]:
    cert, key = self_signed(tmp_path / "storage-cert")
    port = free_port()
    with start_azurite(in_memory=False, location=tmp_path / "storage-data", port=port,
                       extra=["--cert", str(cert), "--key", str(key), "--oauth", "basic"]):
        async with run_fake_graph(tmp_path / "entra") as entra, \
                run_fake_monitor(tmp_path / "monitor", accept_token=entra.issued) as monitor, run_issuer() as issuer:
            yield Azure(f"https://127.0.0.1:{port}/devstoreaccount1", cert, entra, monitor, issuer)


def command_line() -> str:
    """The web app's start-up command, as main.bicep gives it."""
    command: str = site_config(parse())["appCommandLine"]
    return command


async def ask_as_teams(running: Running, azure: Azure, connector: Connector, text: str = QUESTION,
                       *, token: str | None = None) -> int:
    """Post a typed message to /api/messages as the Bot Connector does (signed token for the bot's app id)."""
    activity = message(CARYS, text, connector.url)
    if token is None:
        token = azure.issuer.token(audience=IDENTITY_CLIENT_ID, service_url=connector.url)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session, \
            session.post(f"{running.url}/api/messages", json=activity, headers=headers) as response:
        return response.status


def log_of(running: Running) -> str:
    return running.err.read_text(errors="replace") + running.out.read_text(errors="replace")


async def test_it_starts_in_time_and_answers_health_checks_and_teams(fresh_site: Site, azure: Azure,
                                                                     connector: Connector) -> None:
    port = free_port()
    async with start(fresh_site, command_line(), azure.settings(port), port=port) as running:
        await wait_for(running, "/readyz", within=30)  # storage answered the identity's token
        refused = await ask_as_teams(running, azure, connector, token="")
        answered = await ask_as_teams(running, azure, connector)
        await connector.wait_for(1, within=20)
        for _ in range(60):  # the exporter sends a batch every few seconds
            if azure.monitor.items:
                break
            await asyncio.sleep(0.5)

    # Within App Service's start-up window (`start` fails the test past it); the figure, for whoever reads the output.
    print(f"\nApp Service start-up: /healthz after {running.seconds_to_ready:.1f} s "
          f"(the window: {START_TIME_LIMIT:.0f} s)")
    assert (refused, answered) == (401, 200)
    [card] = connector.cards()
    assert "friends" in json.dumps(card)
    # The reply was sent with the identity's token for the Bot Framework, and storage and telemetry used it too.
    asked = {(request["resource"], request["client_id"]) for request in azure.entra.identity_requests}
    assert {("https://api.botframework.com", IDENTITY_CLIENT_ID), ("https://storage.azure.com", IDENTITY_CLIENT_ID),
            ("https://monitor.azure.com/", IDENTITY_CLIENT_ID)} <= asked
    assert azure.monitor.items, "no telemetry reached Application Insights"
    assert all(a.removeprefix("Bearer ") in azure.entra.issued for a in azure.monitor.authorizations)
    log = log_of(running)
    assert "could not keep" not in log and "Traceback" not in log, tail(running.err)
    assert [secret for secret in azure.secrets() if secret in log] == []


# How long the bot may take to stop once told to: its own bound for finishing requests (`shutdown_timeout`), with room
# for the queued turns' and the senders' ends, which here have nothing left to wait for.
STOP_WITHIN = 15.0


async def test_app_services_stop_reaches_the_bot_and_it_finishes_the_reply_it_was_sending(
        fresh_site: Site, azure: Azure, connector: Connector) -> None:
    """App Service stops or restarts an instance by sending SIGTERM to the process the start-up command runs as (the
    shell of Oryx's script), and the container ends with it. The bot must get that signal: it then finishes the turns
    it is in (here a reply Teams is slow to take), answers those queued and stops its senders (aiohttp's
    `shutdown_timeout`, `MessagesHandler.drain`). Before, `python app.py` ran as the shell's child: the shell died of
    the signal, the bot never heard it, and what it was doing was lost with the container."""
    port = free_port()
    connector.hang_next, connector.hang_seconds = 1, 3.0  # the reply reaches Teams, which answers 3 s later
    async with start(fresh_site, command_line(), azure.settings(port), port=port) as running:
        await wait_for(running, "/readyz", within=30)
        asked = asyncio.create_task(ask_as_teams(running, azure, connector))
        await asyncio.wait_for(connector.holding.wait(), 20)  # the connector has the reply: the turn is in flight
        os.kill(running.process.pid, signal.SIGTERM)  # as App Service signals it: the top process alone
        try:
            code: int | None = await asyncio.wait_for(running.process.wait(), STOP_WITHIN)
        except TimeoutError:
            code = None
        # The container ends with its top process: whatever else it started ends with it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.process.pid, signal.SIGKILL)
        try:
            answered = await asyncio.wait_for(asked, 10)
        except (aiohttp.ClientError, TimeoutError):
            answered = 0  # the request was cut: the bot ended without answering it

    log = log_of(running)
    assert code == 0, (f"the start-up command's process ended with {code} (None: still running after {STOP_WITHIN:.0f} "
                       f"s; negative: killed by that signal), not the bot's own exit 0:\n{tail(running.err)}")
    assert answered == 200 and len(connector.cards()) == 1, "the reply in flight was not finished"
    assert "Traceback" not in log and "unanswered" not in log, tail(running.err)


def publish(azure: Azure, settings: dict[str, str], source: Path) -> None:
    """`python -m bot publish-policy` from the technician's computer; their sign-in is the identity's here."""
    named = ("AZURE_STORAGE_TABLE_ENDPOINT", "FEDERATION_JSON", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
             "AZURE_CLIENT_ID", "SSL_CERT_FILE")
    done = subprocess.run([sys.executable, "-m", "bot", "publish-policy", "--yes", str(source)], cwd=REPO, text=True,
                          env={**os.environ, **{name: settings[name] for name in named}}, capture_output=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


def kept_in_home(site: Site) -> dict[str, int]:
    """The files under /home/data/index-cache, by name, with their inode (a file written again is a new one)."""
    folder = site.home / "data" / "index-cache"
    return {path.name: path.stat().st_ino for path in folder.iterdir()} if folder.is_dir() else {}


async def test_a_restart_keeps_the_published_policy_and_reads_its_index_back_from_home(
        fresh_site: Site, azure: Azure, connector: Connector, tmp_path: Path) -> None:
    """What is worked out for a version published after deployment is kept in /home (INDEX_CACHE_FOLDER), so only
    the first start after publishing spends the seconds; a restart reads it back and answers from the same version."""
    port = free_port()
    settings = azure.settings(port)
    await asyncio.to_thread(publish, azure, settings, write_revised(tmp_path))

    async with start(fresh_site, command_line(), settings, port=port, name="first") as first:
        assert await ask_as_teams(first, azure, connector) == 200
        await connector.wait_for(1, within=20)
    kept = kept_in_home(fresh_site)
    async with start(fresh_site, command_line(), settings, port=port, name="second") as second:
        assert await ask_as_teams(second, azure, connector) == 200
        await connector.wait_for(2, within=20)

    before, after = connector.cards()
    assert all("Version 2" in json.dumps(card) for card in (before, after))
    assert kept and kept_in_home(fresh_site) == kept  # read back, not worked out again
    for running in (first, second):
        assert "policy version 2 is in force" in log_of(running)


def _without(settings: dict[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in settings.items() if key != name}


# A setting the Bicep writes, missing or wrong (by hand in the portal, or by a deployment into the wrong tenant), and
# what the one line must name.
Change = Callable[[dict[str, str]], dict[str, str]]
REFUSALS: dict[str, tuple[Change, str]] = {
    "no-federation": (lambda s: _without(s, "FEDERATION_JSON"), "FEDERATION_JSON"),
    "federation-not-json": (lambda s: {**s, "FEDERATION_JSON": '{"schools": ['}, "FEDERATION_JSON"),
    # A subscription in another tenant (infra/README, "Before you start" 1): the identity's tenant is not the staff's.
    "identity-in-another-tenant": (lambda s: {**s, "MicrosoftAppTenantId": ANOTHER_TENANT}, "MicrosoftAppTenantId"),
    "no-app-id": (lambda s: _without(s, "MicrosoftAppId"), "MicrosoftAppId"),
    "no-tenant": (lambda s: _without(s, "MicrosoftAppTenantId"), "MicrosoftAppTenantId"),
    "app-type-misspelt": (lambda s: {**s, "MicrosoftAppType": "UserAssignedMsi"}, "MicrosoftAppType"),
    "app-env-misspelt": (lambda s: {**s, "APP_ENV": "Production"}, "APP_ENV"),
    "no-storage": (lambda s: _without(s, "AZURE_STORAGE_TABLE_ENDPOINT"), "AZURE_STORAGE_TABLE_ENDPOINT"),
    "retention-in-words": (lambda s: {**s, "REPORT_RETENTION_MONTHS": "two years"}, "REPORT_RETENTION_MONTHS"),
    "limit-out-of-range": (lambda s: {**s, "REPLY_LIMIT_PER_DAY": "0"}, "REPLY_LIMIT_PER_DAY"),
    "telemetry-cut-short": (lambda s: {**s, "APPLICATIONINSIGHTS_CONNECTION_STRING": s[
        "APPLICATIONINSIGHTS_CONNECTION_STRING"][:30]}, "APPLICATIONINSIGHTS_CONNECTION_STRING"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
async def test_a_missing_or_wrong_setting_stops_it_with_one_line_naming_it(fresh_site: Site, azure: Azure,
                                                                            case: str) -> None:
    """App Service's Log stream shows the start-up command's output: the first line there must say what to fix."""
    change, name = REFUSALS[case]
    port = free_port()
    async with start(fresh_site, command_line(), change(azure.settings(port)), port=port, wait=False) as running:
        try:
            code = await asyncio.wait_for(running.process.wait(), 60)
        except TimeoutError:
            pytest.fail(f"it started instead of refusing:\n{tail(running.err)}")

    log = log_of(running)
    assert code == 2, log
    [line] = log.splitlines()
    assert line.startswith("refusing to start: ") and name in line, line
    assert [secret for secret in azure.secrets() if secret in log] == []


@pytest.mark.parametrize("client_id", ["", ANOTHER_IDENTITY], ids=["missing", "another-identity"])
async def test_storage_is_reached_as_the_bots_own_identity_whatever_azure_client_id_says(
        fresh_site: Site, azure: Azure, connector: Connector, client_id: str) -> None:
    """The bot is one user-assigned identity (MicrosoftAppId), which it used for the Bot Framework, Graph and telemetry
    but for storage only through AZURE_CLIENT_ID: without it, or with another id, it started, /readyz answered 503 for
    ever and the log named neither setting."""
    port = free_port()
    settings = azure.settings(port)
    settings = {**settings, "AZURE_CLIENT_ID": client_id} if client_id else _without(settings, "AZURE_CLIENT_ID")
    async with start(fresh_site, command_line(), settings, port=port) as running:
        await wait_for(running, "/readyz", within=30)
        assert await ask_as_teams(running, azure, connector) == 200
        await connector.wait_for(1, within=20)

    storage = {request["client_id"] for request in azure.entra.identity_requests
               if request["resource"] == "https://storage.azure.com"}
    assert storage == {IDENTITY_CLIENT_ID}


async def test_an_identity_that_is_not_the_web_apps_is_named_in_the_log(fresh_site: Site, azure: Azure) -> None:
    """MicrosoftAppId changed by hand to an id the web app has no identity for: storage cannot be reached (the bot
    keeps running, /readyz 503, as while a data role applies), and the log line says which setting to check."""
    port = free_port()
    settings = {**azure.settings(port), "MicrosoftAppId": ANOTHER_IDENTITY}
    async with start(fresh_site, command_line(), settings, port=port) as running:
        async with aiohttp.ClientSession() as session, session.get(f"{running.url}/readyz") as response:
            status = response.status

    log = log_of(running)
    assert status == 503
    [line] = [line for line in log.splitlines() if "storage unavailable at start-up" in line]
    assert "MicrosoftAppId" in line, line
    assert [secret for secret in azure.secrets() if secret in log] == []
