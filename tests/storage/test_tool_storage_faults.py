"""The technician's tools when storage refuses them (infra/README.md step 8): while the data role she gave her own
sign-in is still applying, storage answers 403 AuthorizationPermissionMismatch, and the README tells her that answer
means "wait and run it again". Each tool says so in one line, with the status and code, and changes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.__main__ import main as bot_main
from bot.settings import LOCAL_FEDERATION
from tests.support.faults import storage_refusing_access
from tests.support.processes import AZURITE_KEY

REPO = Path(__file__).resolve().parents[2]
REFUSED = ("storage refused access (403 AuthorizationPermissionMismatch): your sign-in has no data role on the "
           "tables yet, or it has not applied (a few minutes, sometimes ten): wait and run it again")


@pytest.mark.parametrize("argv", [
    ["import-staff", str(REPO / "config" / "staff.local.csv")],
    ["backup-records", "{tmp}/backup"],
    ["export-decisions", "--from", "2026-09-01", "--to", "2026-12-31"],
    ["purge-reports", "--dry-run", "--months", "24"],
    ["policy-versions"],
], ids=lambda argv: argv[0])
async def test_while_the_data_role_applies_each_tool_says_403_and_to_wait_in_one_line(
        argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    async with storage_refusing_access() as (connection_string, asked):
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string)

        code = await asyncio.to_thread(bot_main, [arg.format(tmp=tmp_path) for arg in argv])

    out, err = capsys.readouterr()
    assert code == 1 and asked and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"{argv[0]}: {REFUSED}"), line
    assert AZURITE_KEY not in err and "AccountKey" not in err and "RequestId" not in err
    assert not (tmp_path / "backup").exists()
