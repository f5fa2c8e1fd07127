"""`python app.py`, as App Service starts it, with a setting the IT technician got wrong: the Log stream shows one line,
"refusing to start: …", naming the setting or file, and the bot exits 2; never a Python traceback."""

from __future__ import annotations

import gc
import socket
import subprocess
from pathlib import Path

import pytest

import app
from bot.policy.sentence import ModelMissing
from tests.support.processes import REPO, azurite_connection_string, free_port, python

START_TIMEOUT = 90


def _start(*arguments: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """The bot started (with `arguments`, if any) with `settings` on top of a local one (no Bot Framework identity;
    storage that is not there, which the bot starts without, so only the setting under test can stop it)."""
    env = {"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite_connection_string(1),
           "PORT": str(free_port()), **settings}
    try:
        return subprocess.run([python(), "app.py", *arguments], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the bot started instead of refusing: {error.stderr!r}"[:2000])


@pytest.mark.parametrize("level", ["verbose", ""])
def test_a_misspelt_or_empty_log_level_is_refused_in_one_line_saying_what_it_may_be(level: str) -> None:
    started = _start(LOG_LEVEL=level)

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith("refusing to start: setting LOG_LEVEL:"), line
    assert all(name in line for name in ("DEBUG", "INFO", "WARNING", "ERROR")), line


def test_a_policy_file_that_is_not_there_is_refused_in_one_line_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "social-media-policy-2026.json"

    started = _start(POLICY_FILE=str(missing))

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line == (f"refusing to start: cannot read {missing}, the policy file named by POLICY_FILE: No such file or "
                    "directory"), line


def test_a_policy_file_that_is_not_a_policy_is_refused_in_one_line_naming_it(tmp_path: Path) -> None:
    staff_list = tmp_path / "staff.json"
    staff_list.write_text('{"staff": []}', encoding="utf-8")

    started = _start(POLICY_FILE=str(staff_list))

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith(f"refusing to start: the policy file {staff_list} cannot be used: $.staff: unknown key"), \
        line


@pytest.mark.parametrize("value", ["garbage", "DefaultEndpointsProtocol=https;AccountName=llanpolicy"],
                         ids=["not-a-connection-string", "no-key-or-endpoint"])
def test_a_storage_connection_string_that_is_not_one_is_refused_in_one_line_naming_it(value: str) -> None:
    """Before: a Python traceback from inside aiohttp, after the model and the app were built."""
    started = _start(AZURE_STORAGE_CONNECTION_STRING=value)

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith("refusing to start: AZURE_STORAGE_CONNECTION_STRING is not a storage connection string"), \
        line
    assert value not in line  # it may hold the account key


@pytest.mark.parametrize("value", ["llanpolicyabc.table.core.windows.net", "http://127.0.0.1:1/devstoreaccount1",
                                   "https://"], ids=["no-scheme", "http", "no-host"])
def test_a_table_endpoint_that_is_not_an_https_address_is_refused_in_one_line_naming_it(value: str) -> None:
    """Before: a traceback (http), or a bot that started and asked Entra for a storage token for ever (no scheme)."""
    started = _start(AZURE_STORAGE_CONNECTION_STRING="", AZURE_STORAGE_TABLE_ENDPOINT=value)

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith("refusing to start: AZURE_STORAGE_TABLE_ENDPOINT is not an https:// address"), line
    assert "https://ACCOUNT.table.core.windows.net" in line


@pytest.mark.parametrize("service", ["blob", "queue", "file", "dfs"])
def test_another_storage_service_given_as_the_table_endpoint_is_refused_in_one_line_naming_it(service: str) -> None:
    """The IT technician copied the storage account's blob (or queue, file, Data Lake) endpoint from the portal: before,
    the bot started and every turn then failed against a service that has no tables. Now it stops at once, in one line
    naming the setting and the table endpoint of the same account."""
    started = _start(AZURE_STORAGE_CONNECTION_STRING="",
                     AZURE_STORAGE_TABLE_ENDPOINT=f"https://llanpolicyabc.{service}.core.windows.net/")

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith(f"refusing to start: AZURE_STORAGE_TABLE_ENDPOINT is the storage account's {service} "
                           "endpoint, not its table endpoint"), line
    assert "https://llanpolicyabc.table.core.windows.net" in line


@pytest.mark.parametrize("name", ["GRAPH_BASE_URL", "GRAPH_AUTHORITY_HOST"])
def test_a_graph_address_that_is_not_a_web_address_is_refused_in_one_line_naming_it(name: str) -> None:
    """Before: the bot started, and every line manager asked of Graph failed quietly to the staff list."""
    started = _start(**{name: "graph.microsoft.com"})

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith(f"refusing to start: {name} is not a web address"), line


def test_a_port_another_program_holds_is_refused_in_one_line_naming_it() -> None:
    """Before: a traceback ending in `OSError: [Errno 98] ... address already in use`."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]

        started = _start(PORT=str(port))

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith(f"refusing to start: cannot listen on 127.0.0.1:{port} (BIND_HOST, PORT): "), line


def test_an_address_this_computer_does_not_have_is_refused_in_one_line_naming_it() -> None:
    started = _start(BIND_HOST="192.0.2.1")  # TEST-NET-1: never one of this computer's addresses

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith("refusing to start: cannot listen on 192.0.2.1:"), line


@pytest.mark.parametrize("value", ["garbage", "InstrumentationKey=not-a-guid"],
                         ids=["not-a-connection-string", "key-not-a-guid"])
def test_an_application_insights_connection_string_that_is_not_one_is_refused_in_one_line_naming_it(value: str
                                                                                                    ) -> None:
    """Before: a traceback from the exporter, raised as the app started."""
    started = _start(APPLICATIONINSIGHTS_CONNECTION_STRING=value)

    assert started.returncode == 2, started.stderr[-1500:]
    [line] = started.stderr.splitlines()
    assert line.startswith("refusing to start: APPLICATIONINSIGHTS_CONNECTION_STRING is not an Application Insights "
                           "connection string"), line
    assert value not in line


@pytest.mark.parametrize("asked", ["--help", "-h"])
def test_help_says_how_to_run_it_and_exits_0_before_reading_a_setting(asked: str) -> None:
    """Before: `python app.py --help` started the bot (here, given a setting it refuses, it refused to start). The
    setting is left wrong to show that nothing is read before the help is printed."""
    started = _start(asked, LOG_LEVEL="verbose")

    assert started.returncode == 0, started.stderr[-1500:]
    assert started.stdout.startswith("usage: python app.py"), started.stdout
    said = " ".join(started.stdout.split())  # as argparse wraps it to the terminal
    assert "every setting is read from the environment" in said and '"Settings"' in said
    assert "python -m bot --help" in said
    assert started.stderr == ""


@pytest.mark.parametrize("given", [["--port", "3979"], ["serve"], ["--hlep"]])
def test_an_argument_it_does_not_take_is_refused_with_the_usage_and_exit_2(given: list[str]) -> None:
    """Before: the bot ignored it and started (or, given a setting it refuses, refused that instead)."""
    started = _start(*given, LOG_LEVEL="verbose")

    assert started.returncode == 2, started.stderr[-1500:]
    assert started.stderr.startswith("usage: python app.py"), started.stderr
    assert f"unrecognized arguments: {' '.join(given)}" in started.stderr
    assert "refusing to start" not in started.stderr and started.stdout == ""


@pytest.mark.parametrize(("given", "code"), [(["--help"], 0), (["--verbose"], 2)])
def test_help_and_an_unknown_argument_read_no_setting_and_load_no_model(
        given: list[str], code: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "load_settings", lambda: pytest.fail("the settings were read"))
    monkeypatch.setattr(app, "shared_sentences", lambda: pytest.fail("the sentence model was loaded"))

    with pytest.raises(SystemExit) as exited:
        app.main(given)

    assert exited.value.code == code


def test_start_up_keeps_what_the_imports_built_out_of_the_collector_before_it_builds_anything(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Cold start: the modules, classes and functions the imports built (about 112,000 objects) live as long as the
    process, so they are kept out of the cyclic collector's walks (`gc.freeze`) before the model is loaded; the
    collection `_settle_heap` makes once start-up is done then walks only what start-up built after them (it walked
    them all too: 110-150 ms of the cold start on the shared two-core machine)."""
    frozen_when_loading: list[int] = []

    def loading() -> None:
        frozen_when_loading.append(gc.get_freeze_count())
        raise ModelMissing("stopped here: the test needs nothing after this")

    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite_connection_string(1))
    monkeypatch.setenv("PORT", str(free_port()))
    monkeypatch.setattr(app, "configure_logging", lambda level: None)
    monkeypatch.setattr(app, "shared_sentences", loading)
    gc.unfreeze()  # nothing frozen by an earlier test's app
    try:
        assert app.main([]) == 2
    finally:
        gc.unfreeze()

    assert frozen_when_loading and frozen_when_loading[0] > 10_000, frozen_when_loading
