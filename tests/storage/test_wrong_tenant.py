"""The technician signed in to the wrong tenant (infra/README.md, "Before you start" 1 and step 8): a council's, or a
trial opened with a personal address, where the federation's storage account is in the Hwb tenant. Azure Storage
answers her token 401 InvalidAuthenticationInfo, its challenge naming its own tenant; azure-identity then asks her
sign-in for a token in that tenant, which it cannot give (a sign-in made in one tenant is refused another's), or,
where asking another tenant is switched off, sends the same token again and storage answers 401 once more.

Before, the first was `could not sign in to storage (ClientAuthenticationError): sign in with the Azure CLI first
(az login)` under the credential's own line, though she was signed in, and the second a bare `storage answered 401
InvalidAuthenticationInfo`. Now each is one line naming the tenant storage is in and the one she signed in to, and
nothing is changed. Entra and the storage account are local servers speaking their protocols
(tests/support/tenants.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.settings import LOCAL_FEDERATION
from tests.support.policies import FIXTURE_POLICY_FILE
from tests.support.processes import free_port, python
from tests.support.tenants import APP_SECRET, FEDERATION_TENANT, OTHER_TENANT, Tenants, run_tenants

REPO = Path(__file__).resolve().parents[2]
WRONG_TENANT = (f"signed in to tenant {OTHER_TENANT}, but the federation's storage is in tenant {FEDERATION_TENANT}: "
                f"sign in to that one (az login --tenant {FEDERATION_TENANT}) as someone holding a data role on the "
                f"tables (infra/README.md, step 8)")


@pytest.fixture
async def tenants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Tenants]:
    """The technician's shell, signed in to the other tenant, with the federation's storage endpoint set."""
    async with run_tenants(tmp_path / "tls") as running:
        monkeypatch.setenv("APP_ENV", "local")
        monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
        for name, value in running.signed_in_as_app().items():
            monkeypatch.setenv(name, value)
        yield running


async def _run(argv: list[str]) -> tuple[int, str, str]:
    """The tool as she runs it: its own process (the TLS trust of `SSL_CERT_FILE` is read when Python starts)."""
    tool = await asyncio.create_subprocess_exec(python(), "-m", "bot", *argv, cwd=REPO,
                                                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(tool.communicate(), 60)
    return int(tool.returncode or 0), out.decode(), err.decode()


@pytest.mark.parametrize("argv", [
    ["policy-versions"],
    ["import-staff", str(REPO / "config" / "staff.local.csv")],
    ["backup-records", "{tmp}/backup"],
], ids=lambda argv: argv[0])
@pytest.mark.parametrize("another_tenant", ["asked", "switched-off"])
async def test_a_sign_in_to_another_tenant_names_both_tenants_in_one_line_and_changes_nothing(
        argv: list[str], another_tenant: str, tenants: Tenants, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if another_tenant == "switched-off":
        monkeypatch.setenv("AZURE_IDENTITY_DISABLE_MULTITENANTAUTH", "1")

    code, out, err = await _run([arg.format(tmp=tmp_path) for arg in argv])

    assert tenants.refused, "storage was never shown a token from the other tenant"
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"{argv[0]}: {WRONG_TENANT}"), line
    assert tenants.passed_on == [], "a request reached the tables"
    assert not (tmp_path / "backup").exists()
    assert APP_SECRET not in err and "eyJ" not in err  # no secret, no token


async def test_a_sign_in_to_the_federation_s_tenant_reaches_the_tables(
        tenants: Tenants, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same app registration made in the federation's tenant, and the sign-in made there: storage takes it."""
    tenants.app_tenants = {FEDERATION_TENANT}
    monkeypatch.setenv("AZURE_TENANT_ID", FEDERATION_TENANT)

    code, out, err = await _run(["policy-versions"])

    assert (code, err) == (0, ""), err
    assert out.startswith("no version is stored: the bot answers from")
    assert tenants.refused == 0 and tenants.passed_on


async def test_the_bot_signed_in_to_another_tenant_says_both_tenants_in_its_log_and_is_not_ready(
        tenants: Tenants, tmp_path: Path) -> None:
    """A bot that is not a managed identity signs in to storage with azure-identity's chain, as the tools do: the
    start-up line and each readiness check (infra/README.md, step 6) name the two tenants."""
    port = free_port()
    log = tmp_path / "bot.log"
    with log.open("wb") as written:
        bot = await asyncio.create_subprocess_exec(
            python(), "app.py", cwd=REPO, stdin=asyncio.subprocess.DEVNULL, stdout=written, stderr=written,
            env={**os.environ, "PORT": str(port), "POLICY_FILE": str(FIXTURE_POLICY_FILE),
                 "DELIVERY_INTERVAL_SECONDS": "3600"}, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            for _ in range(600):
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(url + "/healthz") as health:
                        if health.status == 200:
                            break
                assert bot.returncode is None, log.read_text()
                await asyncio.sleep(0.1)
            async with session.get(url + "/readyz") as ready:
                status = ready.status
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(bot.pid, signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 20)

    said = log.read_text()
    assert status == 503 and tenants.refused
    explained = [line for line in said.splitlines() if f"signed in to tenant {OTHER_TENANT}, but the storage account "
                                                       f"is in tenant {FEDERATION_TENANT}" in line]
    assert [("at start-up" in line, "readiness" in line) for line in explained] == [(True, False), (False, True)], said
    assert tenants.passed_on == [] and APP_SECRET not in said and "eyJ" not in said
