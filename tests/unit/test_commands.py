"""`python -m bot`: the list of commands, and no command that acts on an option it does not know or on `--help`."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NoReturn

import pytest
from aiohttp import web

from bot.__main__ import COMMANDS, resolve
from bot.__main__ import main as bot_main
from bot.domain.people import Lang
from bot.policy.loader import DEFAULT_POLICY_FILE
from bot.settings import LOCAL_FEDERATION, REPO_ROOT, load_settings
from bot.storage.backup import RECORD_TABLES, write_backup
from cards.i18n import load_catalogue
from scripts.dev import local_storage
from tests.support.processes import azurite_connection_string, python
from tests.support.servers import serve


def _valid(name: str, folder: Path) -> list[str]:
    """Arguments each command would run with, so that only the option a test adds can be wrong."""
    out = str(folder / "out")
    return {
        "ask": ["Can I use TikTok with my class?"],
        "validate-policy": [str(DEFAULT_POLICY_FILE)],
        "import-policy": [str(REPO_ROOT / "README.md"), "--out", out],
        "check-policy": [],
        "cards": ["--dump", out],
        "export-decisions": ["--from", "2026-09-01", "--to", "2026-12-31", "--out", out + ".csv"],
        "import-staff": [str(REPO_ROOT / "config" / "staff.local.csv")],
        "check-reports": [],
        "purge-reports": ["--months", "24"],
        "publish-policy": [str(DEFAULT_POLICY_FILE)],
        "policy-versions": [],
        "rollback-policy": ["1"],
        "export-acknowledgements": ["--version", "1", "--out", out + ".csv"],
        "check-federation": [str(LOCAL_FEDERATION)],
        "backup-records": [out],
        "restore-records": [str(folder / "backup")],
        "export-subject-access": ["a1000000-0000-4000-8000-000000000001", "--out", out],
        "erase-person": ["a1000000-0000-4000-8000-000000000001"],
    }[name]


def _run(argv: list[str]) -> int:
    """`python -m bot ARGV`'s exit code (argparse exits by raising SystemExit)."""
    try:
        return bot_main(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 2


@pytest.fixture
async def storage_asked(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[list[str]]:
    """The tools' storage: a server that records every request it gets (and refuses it)."""
    asked: list[str] = []

    async def record(request: web.Request) -> web.Response:
        asked.append(f"{request.method} {request.path_qs}")
        return web.Response(status=500)

    server = web.Application()
    server.router.add_route("*", "/{path:.*}", record)
    async with serve(server) as port:
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite_connection_string(port))
        monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
        monkeypatch.delenv("AZURE_STORAGE_TABLE_ENDPOINT", raising=False)
        yield asked


def test_help_lists_every_command_with_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(["--help"])

    out = capsys.readouterr().out
    assert code == 0
    described = dict(re.findall(r"^  ([a-z-]+) +(\S.*)$", out, flags=re.MULTILINE))
    assert sorted(described) == sorted(COMMANDS)
    assert "queue" in described["check-reports"] and "retention" in described["purge-reports"]


@pytest.mark.parametrize("argv", [[], ["no-such-command"]], ids=["nothing", "unknown"])
def test_no_or_an_unknown_command_shows_the_list_and_fails(argv: list[str], capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    code = _run(argv)

    err = capsys.readouterr().err
    assert code == 2
    assert "check-reports" in err and "import-staff" in err



@pytest.mark.parametrize(("lang", "said"), [
    ("en", "python -m bot ask: this Python lacks the bot's packages (No module named 'numpy'): run .venv/bin/python "
           "-m bot instead (make install makes it), or source .venv/bin/activate first"),
    ("cy", "python -m bot ask: does gan y Python hwn ddim o becynnau'r bot (No module named 'numpy'): rhedwch "
           ".venv/bin/python -m bot yn ei le (mae make install yn ei greu), neu redwch source .venv/bin/activate "
           "yn gyntaf")])
def test_a_command_run_by_a_python_without_the_bots_packages_says_which_python_to_use(lang: str, said: str) -> None:
    """The README's commands say `python -m bot …`; a technician new to the project typed them with the system's
    Python and got a traceback ending `ModuleNotFoundError: No module named 'numpy'`, which says nothing of the
    project's venv. `-S` leaves out site-packages, as the system's Python lacks them."""
    result = subprocess.run([python(), "-S", "-m", "bot", "ask", "--lang", lang, "Can I use TikTok?"], cwd=REPO_ROOT,
                            env={**os.environ, "LANG": "C.UTF-8"}, capture_output=True, text=True, timeout=60,
                            check=False)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [said], result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
async def test_help_on_a_command_shows_its_usage_and_does_nothing(
        name: str, storage_asked: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = await asyncio.to_thread(_run, [name, "--help"])

    out = capsys.readouterr().out
    assert code == 0
    assert f"usage: python -m bot {name}" in out
    assert storage_asked == []
    assert os.listdir(tmp_path) == []  # nothing written


@pytest.mark.parametrize("name", sorted(COMMANDS))
async def test_an_option_a_command_does_not_know_is_refused_and_changes_nothing(
        name: str, storage_asked: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = await asyncio.to_thread(_run, [name, *_valid(name, tmp_path), "--no-such-option"])

    err = capsys.readouterr().err
    assert code == 2
    assert "--no-such-option" in err
    assert storage_asked == []
    assert os.listdir(tmp_path) == []  # nothing written


# The tools that read or write storage (README, "Run it, test it").
STORAGE_TOOLS = ("import-staff", "purge-reports", "check-reports", "export-decisions", "backup-records",
                 "restore-records", "export-subject-access", "erase-person", "publish-policy", "policy-versions",
                 "rollback-policy", "export-acknowledgements")


@pytest.mark.parametrize("name", STORAGE_TOOLS)
async def test_a_storage_tool_refuses_two_storage_settings_and_touches_neither(
        name: str, storage_asked: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The README has the technician export AZURE_STORAGE_CONNECTION_STRING to try the tools on Azurite, and
    AZURE_STORAGE_TABLE_ENDPOINT for Azure (infra/README.md, step 8). Both left in one terminal, a tool used the
    connection string: the staff list, a restore or an erasure went to Azurite, a backup of Azure copied Azurite's
    tables, and each said it had succeeded."""
    monkeypatch.setenv("AZURE_STORAGE_TABLE_ENDPOINT", "https://llanpolicyabc.table.core.windows.net/")
    write_backup(tmp_path / "backup", {table: [] for table in RECORD_TABLES})
    before = sorted(os.listdir(tmp_path))

    code = await asyncio.to_thread(_run, [name, *_valid(name, tmp_path)])

    [line] = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line.startswith(f"{name}: AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_TABLE_ENDPOINT are both set"), \
        line
    assert "unset" in line
    assert storage_asked == []
    assert sorted(os.listdir(tmp_path)) == before  # nothing written


def test_make_run_imports_the_fictional_staff_into_azurite_whatever_the_terminal_exported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` gives the bot and its staff import Azurite's connection string; an Azure endpoint still exported from
    step 8 would make the import refuse the pair, and the Playgrounds' staff would have no line manager."""
    monkeypatch.setenv("AZURE_STORAGE_TABLE_ENDPOINT", "https://llanpolicyabc.table.core.windows.net/")
    for name, value in local_storage(10002).items():
        monkeypatch.setenv(name, value)

    settings = load_settings(tool=True)

    assert settings.storage_table_endpoint == ""
    assert "127.0.0.1:10002" in settings.storage_connection_string.get_secret_value()


async def test_check_reports_refuses_a_dry_run_it_cannot_do_truthfully(
        storage_asked: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """It queues reminders and escalations; a dry run that did so would be a live run."""
    code = await asyncio.to_thread(_run, ["check-reports", "--dry-run"])

    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == ("check-reports: there is no --dry-run: it queues the reminders and escalations that are due, "
                   "so nothing was done")
    assert storage_asked == []


@pytest.mark.parametrize("argv", [["policy-versions"],
                                  ["export-decisions", "--from", "2026-09-01", "--to", "2026-12-31"]],
                         ids=["policy-versions", "export-decisions"])
def test_a_tool_that_cannot_sign_in_to_storage_says_so_and_how_in_its_last_line(argv: list[str]) -> None:
    """Against Azure a tool signs in as the technician (README, "Run it, test it"). Before, not signed in, it printed
    azure-identity's list of every way of signing in it tried (nine lines) and ended `storage could not be reached
    (ClientAuthenticationError)`, which sent people looking at the network."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "APP_ENV": "local",
           "FEDERATION_CONFIG": str(LOCAL_FEDERATION),
           "AZURE_STORAGE_TABLE_ENDPOINT": "https://127.0.0.1:1/devstoreaccount1",
           # An identity endpoint nothing answers: every way of signing in fails at once, here as on a laptop.
           "IDENTITY_ENDPOINT": "http://127.0.0.1:1/msi", "IDENTITY_HEADER": "unused"}

    ran = subprocess.run([python(), "-m", "bot", *argv], cwd=REPO_ROOT, env=env, capture_output=True,
                         text=True, timeout=120)

    lines = ran.stderr.splitlines()
    assert ran.returncode == 1, ran.stderr[-1500:]
    assert len(lines) <= 2, ran.stderr[-1500:]  # the bot's own log line of the credential's reason, then the tool's
    assert lines[-1].startswith(f"{argv[0]}: could not sign in to storage (ClientAuthenticationError): "), lines
    assert "az login" in lines[-1] and "nothing was" in lines[-1]


async def _run_against_hanging_storage(argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> int:
    """The command run in tmp_path against a storage server that takes the connection and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite_connection_string(server.sockets[0].getsockname()[1]))
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.delenv("AZURE_STORAGE_TABLE_ENDPOINT", raising=False)
    monkeypatch.chdir(tmp_path)
    try:
        return await asyncio.to_thread(_run, argv)
    finally:
        for writer in held:
            writer.transport.abort()
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("argv", [["policy-versions"], ["check-reports"],
                                  ["export-decisions", "--from", "2026-09-01", "--to", "2026-12-31"],
                                  ["backup-records", "backup"]],
                         ids=["policy-versions", "check-reports", "export-decisions", "backup-records"])
async def test_a_tool_whose_storage_hangs_says_it_cannot_be_reached_in_one_line(
        argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Storage takes the connection and never answers (a stuck front end, a firewall that holds the connection). The
    technician's command says in one line that storage could not be reached, with no answer in how long, and changes
    or writes nothing. Before, it waited for the storage client's 40 s read timeout (export-decisions for its own 50 s
    budget) and then said `storage could not be reached (ServiceResponseTimeoutError)`, which names no time and reads
    like a network fault."""
    code = await _run_against_hanging_storage(argv, monkeypatch, tmp_path)

    out, err = capsys.readouterr()
    [line] = err.splitlines()
    assert code == 1 and out == ""
    assert line.startswith(f"{argv[0]}: storage could not be reached (no answer within "), line
    # check-reports cannot tell how far it got: it says what it queued before it stopped (here, nothing) stays queued.
    assert line.endswith(("; nothing was changed", "; nothing was written", "; the reminders and escalations queued "
                          "before it stopped stay queued: run it again to finish (nothing is sent twice)")), line
    assert not (tmp_path / "backup").exists() or not any((tmp_path / "backup").iterdir())


@pytest.mark.parametrize("argv", [["policy-versions"], ["backup-records", "backup"]],
                         ids=["policy-versions", "backup-records"])
async def test_with_lang_cy_a_tool_whose_storage_hangs_says_so_in_welsh(
        argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With `--lang cy` the line was Welsh but for how long storage gave no answer: `doedd dim modd cyrraedd y storfa
    (no answer within 5 s)`."""
    code = await _run_against_hanging_storage([*argv, "--lang", "cy"], monkeypatch, tmp_path)

    out, err = capsys.readouterr()
    [line] = err.splitlines()
    assert code == 1 and out == ""
    assert line.startswith(f"{argv[0]}: doedd dim modd cyrraedd y storfa (dim ateb o fewn "), line
    assert "no answer" not in line, line


@pytest.mark.parametrize("value", ["", "24 months"], ids=["empty", "words"])
@pytest.mark.parametrize("months", [[], ["--months", "24"]], ids=["alone", "with-months"])
async def test_purge_reports_refuses_a_retention_setting_that_is_not_a_number_in_one_line_and_deletes_nothing(
        value: str, months: list[str], storage_asked: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`export REPORT_RETENTION_MONTHS=$(az …)` with an `az` that printed nothing: purge-reports said pydantic's
    `Input should be a valid integer, unable to parse string as an integer`, not how many months to give."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("REPORT_RETENTION_MONTHS", value)

    code = await asyncio.to_thread(_run, ["purge-reports", *months])

    out, err = capsys.readouterr()
    [line] = err.splitlines()
    shown = "empty" if not value else repr(value)
    assert code == 2 and out == ""
    assert line == (f"purge-reports: REPORT_RETENTION_MONTHS is {shown}: it takes a whole number of months from 1 to "
                    "120; set it to the school's reportRetentionMonths (infra/main.parameters.json), or unset it and "
                    "add --months N; nothing was deleted")
    assert storage_asked == []


class _Parsed(Exception):
    """Raised in place of parsing, once a command has built its parser."""


def _parser_of(name: str, monkeypatch: pytest.MonkeyPatch) -> argparse.ArgumentParser:
    """The command's parser as the command builds it, taken before it parses anything."""
    parsers: list[argparse.ArgumentParser] = []

    def taken(parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> NoReturn:
        parsers.append(parser)
        raise _Parsed

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", taken)
    monkeypatch.setattr(argparse.ArgumentParser, "parse_known_args", taken)
    with pytest.raises(_Parsed):
        resolve(name)([])
    [parser] = parsers
    return parser


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_argument_of_every_command_says_what_it_is_in_its_help(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`purge-reports --help` listed `--dry-run` with nothing beside it. Each command's parser is taken as the command
    builds it (and parses nothing), so an argument added later without help fails here."""
    parser = _parser_of(name, monkeypatch)
    unexplained = [action.option_strings[0] if action.option_strings else action.dest
                   for action in parser._actions if not (action.help or "").strip()]
    assert unexplained == [], f"{name}: no help for {unexplained}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_s_help_says_what_it_does(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`backup-records --help`, `restore-records --help`, `purge-reports --help`, `export-decisions --help` and
    `check-federation --help` gave the usage and the options alone: nothing said what the command does, that a
    backup leaves concern reports out, or that a restore needs empty tables, which `python -m bot --help` sends the
    technician there to learn. Each command's parser is taken as the command builds it (and parses nothing)."""
    parser = _parser_of(name, monkeypatch)
    assert (parser.description or "").strip(), f"{name}: its --help does not say what it does"


async def test_cards_given_a_file_for_its_folder_says_so_in_one_line_and_leaves_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cards --dump notes.txt` ended in a FileExistsError traceback."""
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")

    code = await asyncio.to_thread(_run, ["cards", "--dump", str(notes)])

    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == f"cards: {notes} is a file: name a folder to write the cards to; nothing was written\n"
    assert notes.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("name", ["export-decisions", "export-acknowledgements"])
@pytest.mark.parametrize("file", ["for-governors.xlsx", "for-governors"], ids=["xlsx", "no-extension"])
async def test_an_export_to_a_file_that_is_not_a_csv_is_refused_before_storage_is_asked(
        name: str, file: str, storage_asked: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`export-decisions … --out decisions.xlsx` wrote CSV text under Excel's workbook name and said it had written
    it; Excel then refused to open the file ("the file format or file extension is not valid")."""
    monkeypatch.setenv("APP_ENV", "local")
    out = tmp_path / file
    argv = [*_valid(name, tmp_path)[:-1], str(out)]

    code = await asyncio.to_thread(_run, [name, *argv])

    stdout, err = capsys.readouterr()
    assert code == 2 and stdout == ""
    assert err == (f"{name}: --out {out} is not a .csv file: the export is CSV, which Excel opens as such only by that "
                   "name (such as governors-2026.csv); nothing was written\n")
    assert storage_asked == []
    assert not out.exists()


# A setting left wrong in the technician's terminal, and the first words of what every storage tool says of it with
# `--lang cy`, in Welsh, naming the setting as it is.
WRONG_SETTINGS = {
    "none": ({"AZURE_STORAGE_CONNECTION_STRING": ""}, "does dim storfa wedi'i gosod: gosodwch "
             "AZURE_STORAGE_CONNECTION_STRING neu AZURE_STORAGE_TABLE_ENDPOINT"),
    "both": ({"AZURE_STORAGE_TABLE_ENDPOINT": "https://llanpolicyabc.table.core.windows.net/"},
             "mae AZURE_STORAGE_CONNECTION_STRING ac AZURE_STORAGE_TABLE_ENDPOINT wedi'u gosod"),
    "fragment": ({"AZURE_STORAGE_CONNECTION_STRING": "AccountName=devstoreaccount1"},
                 "dydy AZURE_STORAGE_CONNECTION_STRING ddim yn llinyn cysylltu storfa"),
    "blob": ({"AZURE_STORAGE_CONNECTION_STRING": "",
              "AZURE_STORAGE_TABLE_ENDPOINT": "https://llanpolicyabc.blob.core.windows.net/"},
             "AZURE_STORAGE_TABLE_ENDPOINT yw pwynt terfyn blob y cyfrif storfa"),
    "hours": ({"SCHOOL_HOURS": "8-5"}, "SCHOOL_HOURS yw '8-5': mae'n derbyn"),
    "number": ({"STORAGE_TIMEOUT_SECONDS": "ten"}, "STORAGE_TIMEOUT_SECONDS yw 'ten': mae'n derbyn rhif"),
    "federation": ({"FEDERATION_CONFIG": "/no/such/federation.json"},
                   "FEDERATION_CONFIG: /no/such/federation.json: does dim modd ei darllen"),
}


# The tools that do not read the federation's settings before storage (backup-records and restore-records never do).
FEDERATION_AFTER_STORAGE = ("check-reports", "purge-reports", "backup-records", "restore-records")


@pytest.mark.parametrize(("name", "wrong"), [(name, wrong) for name in STORAGE_TOOLS for wrong in sorted(WRONG_SETTINGS)
                                             if wrong != "federation" or name not in FEDERATION_AFTER_STORAGE])
async def test_with_lang_cy_a_storage_tool_says_which_setting_is_wrong_and_what_it_takes_in_welsh(
        name: str, wrong: str, storage_asked: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A technician working in Welsh (`--lang cy`) with a setting left wrong in the terminal was told which, and what
    it takes, in English (`UnsafeSettings`), though the rest of the tool's lines were Welsh; and SCHOOL_HOURS=8-5 said
    pydantic's `Value error, Invalid isoformat string: '8'` even in English."""
    settings, said = WRONG_SETTINGS[wrong]
    monkeypatch.setenv("APP_ENV", "local")
    for setting, value in settings.items():
        monkeypatch.setenv(setting, value)
    write_backup(tmp_path / "backup", {table: [] for table in RECORD_TABLES})
    before = sorted(os.listdir(tmp_path))

    code = await asyncio.to_thread(_run, [name, *_valid(name, tmp_path), "--lang", "cy", "--dry-run"]
                                   if name == "purge-reports" else [name, *_valid(name, tmp_path), "--lang", "cy"])

    [line] = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line.startswith(f"{name}: {said}"), line
    assert not re.search(r"\b(is|the|it|not|set|takes)\b", line.removeprefix(f"{name}: ")), line
    assert storage_asked == []
    assert sorted(os.listdir(tmp_path)) == before  # nothing written


def test_school_hours_written_otherwise_than_two_times_says_what_it_takes_in_english(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("SCHOOL_HOURS", "8-5")

    code = _run(["import-staff", str(REPO_ROOT / "config" / "staff.local.csv"), "--dry-run"])

    [line] = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line == ("import-staff: SCHOOL_HOURS is '8-5': it takes two 24-hour times, the start first, as "
                    "08:00-17:00, or any (nothing kept back)")


# The commands that take --lang (ask and cards speak English only: see the README's Limits).
LANG_COMMANDS = tuple(name for name in sorted(COMMANDS) if name not in ("ask", "cards"))


@pytest.mark.parametrize("name", LANG_COMMANDS)
async def test_with_lang_cy_a_mistyped_command_line_is_refused_in_welsh_and_changes_nothing(
        name: str, storage_asked: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """argparse's own lines (the usage line, `error: the following arguments are required`, `unrecognized
    arguments`, `invalid choice`) were English whatever --lang or LANG said, though everything else the command says
    was Welsh."""
    given = [[name, *_valid(name, tmp_path), "--no-such-option", "--lang", "cy"], [name, *_valid(name, tmp_path),
                                                                                  "--lang", "fr"]]
    monkeypatch.setenv("LANG", "cy_GB.UTF-8")
    if any(not action.option_strings and action.nargs is None for action in _parser_of(name, monkeypatch)._actions):
        given.append([name, "--lang", "cy"])
    monkeypatch.undo()
    monkeypatch.setenv("LANG", "cy_GB.UTF-8")

    codes = [await asyncio.to_thread(_run, argv) for argv in given]

    out, err = capsys.readouterr()
    said = [line for line in err.splitlines() if f"python -m bot {name}: " in line]
    assert codes == [2] * len(given) and out == "", err
    assert [line.split(": ", 2)[:2] for line in said] == [[f"python -m bot {name}", "gwall"]] * len(given), err
    assert "--no-such-option" in said[0] and "dydy'r gorchymyn ddim yn adnabod" in said[0], said[0]
    assert said[1].endswith("--lang: dewis annilys: 'fr' (dewiswch un o'r rhain: 'en', 'cy')"), said[1]
    if len(given) == 3:
        assert "mae'r rhain ar goll: " in said[2], said[2]
    assert not re.search(r"\b(usage|error|required|unrecognized|invalid|choose)\b", err), err
    assert err.count("defnydd: python -m bot ") == len(given), err
    assert storage_asked == []
    assert os.listdir(tmp_path) == []  # nothing written


@pytest.mark.parametrize("name", LANG_COMMANDS)
async def test_with_lang_cy_help_on_a_command_is_welsh(
        name: str, storage_asked: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`--help --lang cy` gave argparse's English headings and the command's English description and options."""
    parser = _parser_of(name, monkeypatch)
    english = [parser.description or "", *(action.help or "" for action in parser._actions)]
    monkeypatch.undo()

    code = await asyncio.to_thread(_run, [name, "--help", "--lang", "cy"])

    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert out.startswith(f"defnydd: python -m bot {name} "), out
    assert "opsiynau:" in out and "options:" not in out and "usage:" not in out, out
    assert [said for said in english if " ".join(said.split())[:40] in out] == []
    assert storage_asked == []


@pytest.mark.parametrize("argv", [["--help"], [], ["import-staf"]], ids=["help", "nothing", "mistyped"])
def test_with_a_welsh_system_language_the_list_of_commands_is_welsh(
        argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LANG", "cy_GB.UTF-8")

    code = _run(argv)

    out, err = capsys.readouterr()
    said = out + err
    assert code == (0 if argv == ["--help"] else 2)
    assert said.startswith("python -m bot: does dim gorchymyn 'import-staf'" if argv == ["import-staf"] else
                           "defnydd: python -m bot GORCHYMYN [opsiynau]"), said
    summaries = dict(re.findall(r"^  ([a-z-]+) +(\S.*)$", said, flags=re.MULTILINE))
    assert sorted(summaries) == sorted(COMMANDS)
    assert [name for name, summary in summaries.items() if summary == COMMANDS[name].summary] == []
    # The English of the string tables is each command's own summary, so that the two lists say the same.
    assert {name: load_catalogue().text(f"commands.{name}", Lang.EN) for name in COMMANDS} == {
        name: command.summary for name, command in COMMANDS.items()}


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize(("argv", "left"), [
    (["import-staff", str(REPO_ROOT / "config" / "staff.local.csv")], "import_staff.interrupted"),
    (["policy-versions"], "tool.nothing_changed"),
    (["purge-reports", "--months", "24"], "purge.stopped_part_way")], ids=["import-staff", "policy-versions",
                                                                           "purge-reports"])
async def test_ctrl_c_part_way_is_one_line_saying_what_it_left(
        argv: list[str], left: str, lang: str, tmp_path: Path) -> None:
    """A technician who pressed Ctrl-C while a tool waited on storage got forty lines of Python traceback ending
    `KeyboardInterrupt`, in either language, and no word of whether the staff list or the reports were touched."""
    asked = asyncio.Event()
    held: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        asked.set()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    env = {**os.environ, "APP_ENV": "local", "FEDERATION_CONFIG": str(LOCAL_FEDERATION),
           "AZURE_STORAGE_CONNECTION_STRING": azurite_connection_string(server.sockets[0].getsockname()[1])}
    env.pop("AZURE_STORAGE_TABLE_ENDPOINT", None)
    tool = await asyncio.create_subprocess_exec(
        python(), "-m", "bot", *argv, "--lang", lang, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal's Ctrl-C reaches it
    try:
        await asyncio.wait_for(asked.wait(), 60)  # it is waiting on storage
        tool.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(tool.communicate(), 60)
    finally:
        for writer in held:
            writer.transport.abort()
        server.close()
        await server.wait_closed()

    strings = load_catalogue()
    assert tool.returncode == 130, err.decode()
    assert out == b""
    said = strings.text("tool.interrupted", Lang(lang), left=strings.text(left, Lang(lang)))
    assert err.decode().splitlines() == [f"{argv[0]}: {said}"]


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_an_option_given_before_the_command_is_answered_with_the_line_to_type(
        lang: str, storage_asked: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m bot --lang cy import-staff staff.csv` (the option first, as many tools take it) was answered
    `no command '--lang'` and the whole list of commands, import-staff among them, as if it were not there."""
    code = _run(["--lang", lang, "import-staff", "staff list.csv", "--dry-run"])

    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == ["python -m bot: " + load_catalogue().text(
        "commands.command_first", Lang(lang), line="python -m bot import-staff --lang " + lang +
        " 'staff list.csv' --dry-run")]
    assert storage_asked == []
