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


KEY_ADVICE = ("copy the connection string again, whole (for the Azurite of `make run`, UseDevelopmentStorage=true); "
              "the federation's Azure tables take no key: for them, unset it and set AZURE_STORAGE_TABLE_ENDPOINT "
              "(infra/README.md, step 8)")
TOOLS = [["policy-versions"], ["purge-reports", "--dry-run", "--months", "24"], ["backup-records", "{tmp}/backup"]]


async def _last_line(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = await asyncio.to_thread(bot_main, [arg.format(tmp=tmp_path) for arg in argv])
    out, err = capsys.readouterr()
    assert out == "" and not (tmp_path / "backup").exists()
    assert AZURITE_KEY[:20] not in err and "AccountKey" not in err
    return code, err.splitlines()[-1]


@pytest.mark.parametrize(("key", "said"), [
    (AZURITE_KEY.replace("Eby8", "Xby8"), "storage rejected the key in AZURE_STORAGE_CONNECTION_STRING "
                                          "(403 AuthorizationFailure)"),
    ("wrong", "the key in AZURE_STORAGE_CONNECTION_STRING is not an account key (AzureSigningError)"),
], ids=["wrong-key", "not-a-key"])
@pytest.mark.parametrize("argv", TOOLS, ids=lambda argv: argv[0])
async def test_a_connection_string_with_a_wrong_key_says_so_not_to_sign_in_with_the_azure_cli(
        key: str, said: str, argv: list[str], azurite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A key mistyped (or cut short) in a connection string was answered "sign in with the Azure CLI first (az login)",
    which a key has nothing to do with, or "storage refused access (403 AuthorizationFailure)" with no advice."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.replace(AZURITE_KEY, key))

    code, line = await _last_line(argv, tmp_path, capsys)

    assert code == 1
    assert line.startswith(f"{argv[0]}: {said}: "), line
    assert f"{said}: {KEY_ADVICE}" in line, line
    assert "az login" not in line


@pytest.mark.parametrize(("code", "said"), [
    ("AuthenticationFailed", f"storage rejected the key in AZURE_STORAGE_CONNECTION_STRING (403 AuthenticationFailed): "
                             f"{KEY_ADVICE}; nothing was changed"),
    ("KeyBasedAuthenticationNotPermitted",
     "storage takes no key (403 KeyBasedAuthenticationNotPermitted): unset AZURE_STORAGE_CONNECTION_STRING, set "
     "AZURE_STORAGE_TABLE_ENDPOINT and sign in with the Azure CLI (az login) as someone holding a data role on the "
     "tables (infra/README.md, step 8); nothing was changed"),
])
async def test_azure_refusing_a_connection_strings_key_says_what_to_do_in_one_line(
        code: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """What Azure answers a wrong key, and any key on the federation's storage (allowSharedKeyAccess false)."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    async with storage_refusing_access(code) as (connection_string, asked):
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string)

        exit_code, line = await _last_line(["policy-versions"], tmp_path, capsys)

    assert exit_code == 1 and asked
    assert line == f"policy-versions: {said}"


WELSH_REFUSED = ("gwrthododd y storfa fynediad (403 AuthorizationPermissionMismatch): does dim rôl data ar y tablau "
                 "gan y cyfrif rydych chi wedi mewngofnodi ag ef eto, neu dydy hi ddim wedi dod i rym eto (ychydig "
                 "funudau, weithiau deg): arhoswch, a rhedwch y gorchymyn eto")
PERSON = "a1000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize("argv", [
    ["import-staff", str(REPO / "config" / "staff.local.csv")],
    ["backup-records", "{tmp}/backup"],
    ["export-decisions", "--from", "2026-09-01", "--to", "2026-12-31"],
    ["purge-reports", "--dry-run", "--months", "24"],
    ["check-reports"],
    ["policy-versions"],
    ["rollback-policy", "1", "--yes"],
    ["publish-policy", str(REPO / "bot" / "policy" / "data" / "social-media-policy.json"), "--yes"],
    ["export-acknowledgements", "--version", "1"],
    ["export-subject-access", PERSON, "--out", "{tmp}/backup"],
    ["erase-person", PERSON, "--dry-run"],
], ids=lambda argv: argv[0])
async def test_with_lang_cy_each_tool_says_why_storage_refused_it_and_what_changed_in_welsh(
        argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The school's technician, who works in Welsh, ran the tools with `--lang cy` (`publish-policy` has it) while her
    data role was still applying: most refused `--lang` outright, and `publish-policy`, which took it, said in English
    that storage refused access and that nothing was changed."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    async with storage_refusing_access() as (connection_string, asked):
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string)

        code = await asyncio.to_thread(bot_main, [arg.format(tmp=tmp_path) for arg in [*argv, "--lang", "cy"]])

    out, err = capsys.readouterr()
    assert code == 1 and asked and out == "", err
    [line] = err.splitlines()
    assert line.startswith(f"{argv[0]}: {WELSH_REFUSED}; "), line
    assert "nothing" not in line and "storage" not in line, line
    assert not (tmp_path / "backup").exists()
