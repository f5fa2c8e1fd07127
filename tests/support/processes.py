"""Azurite, the bot and Agents Playgrounds as real processes for tests; each stops its whole process group."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.policies import FIXTURE_POLICY_FILE

REPO = Path(__file__).resolve().parents[2]
NODE_BIN = REPO / "node_modules" / ".bin"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

Process = subprocess.Popen[bytes]


class StartError(RuntimeError):
    """A process exited or did not become ready; the message carries the end of its output."""


def python() -> str:
    """The project's venv Python, or the running interpreter when there is no venv."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something already accepts connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def azurite_connection_string(port: int) -> str:
    """The connection string of an Azurite table service on 127.0.0.1:port (the public emulator key)."""
    return (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
            f"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;")


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, or an empty string when it does not exist."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_group(process: Process, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the process's group, SIGKILL it if it lingers, and reap the process."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    # Kill stragglers too: a group can outlive its leader (node spawns helpers).
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _spawn(command: list[str], logs: Path, name: str, *, cwd: Path = REPO,
           env: Mapping[str, str] | None = None) -> Process:
    with (logs / f"{name}.out").open("wb") as out, (logs / f"{name}.err").open("wb") as err:
        return subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True)


def _output(logs: Path, name: str, *extra: Path) -> str:
    parts = [f"--- {path.name} ---\n{text}" for path in (logs / f"{name}.err", logs / f"{name}.out", *extra)
             if (text := tail(path))]
    return "\n".join(parts) or "(no output)"


def _check_alive(process: Process, what: str, logs: Path, name: str, *extra: Path) -> None:
    if process.poll() is not None:
        raise StartError(f"{what} exited with code {process.returncode}:\n{_output(logs, name, *extra)}")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status) < 400
    except (urllib.error.URLError, OSError):
        return False


def wait_http(url: str, process: Process, what: str, logs: Path, name: str, *extra: Path,
              timeout: float = START_TIMEOUT) -> None:
    """Poll `url` until it answers below 400; raise StartError with output if the process dies or stalls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _check_alive(process, what, logs, name, *extra)
        if _http_ok(url):
            return
        time.sleep(0.05)
    raise StartError(f"{what} did not answer {url} within {timeout:.0f} s:\n{_output(logs, name, *extra)}")


@contextmanager
def _log_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as directory:
        yield Path(directory)


@contextmanager
def start_azurite(in_memory: bool = True, location: Path | None = None, port: int | None = None,
                  extra: Sequence[str] = ()) -> Iterator[tuple[Process, str]]:
    """Run Azurite's table service on 127.0.0.1 (`extra`: more of its options, such as HTTPS and OAuth); yield the
    process and its connection string (plain HTTP's)."""
    port = port or free_port()
    storage = ["--inMemoryPersistence"]
    if not in_memory:
        folder = location or REPO / ".data" / "azurite"
        folder.mkdir(parents=True, exist_ok=True)
        storage = ["--location", str(folder)]
    with _log_dir("azurite-") as logs:
        command = [str(NODE_BIN / "azurite-table"), "--tableHost", "127.0.0.1", "--tablePort", str(port),
                   *storage, "--disableTelemetry", *extra]
        process = _spawn(command, logs, "azurite")
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not port_in_use(port):
                _check_alive(process, "Azurite", logs, "azurite")
                if time.monotonic() > deadline:
                    raise StartError(f"Azurite did not listen on {port}:\n{_output(logs, 'azurite')}")
                time.sleep(0.05)
            yield process, azurite_connection_string(port)
        finally:
            stop_group(process)


@contextmanager
def start_bot(env: Mapping[str, str], ready_path: str = "/healthz") -> Iterator[tuple[Process, str]]:
    """Run `python app.py` with `env` (PORT defaults to a free port; POLICY_FILE to the tests' 2022 policy); yield
    the process and its base URL."""
    port = int(env.get("PORT") or free_port())
    with _log_dir("bot-") as logs:
        process = _spawn([python(), "app.py"], logs, "bot",
                         env={"APP_ENV": "local", "POLICY_FILE": str(FIXTURE_POLICY_FILE), **env,
                              "PORT": str(port)})
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_http(base_url + ready_path, process, "the bot", logs, "bot")
            yield process, base_url
        finally:
            stop_group(process)


LISTENING = re.compile(rb"Listening on (\d+)")


@contextmanager
def start_playground(config_path: Path | str, bot_endpoint: str,
                     port: int | None = None) -> Iterator[tuple[Process, str]]:
    """Run an Agents Playground with this identity file against `bot_endpoint`; yield process and UI URL."""
    port = port or free_port()
    if port_in_use(port):
        # The Playground would silently listen on a random port instead, and /_debug/ping reach the other one.
        raise StartError(f"port {port} is already in use; cannot start a Playground there")
    with _log_dir("playground-") as logs:
        # It writes devTools/m365agentsplayground.log into its working folder (the only place a config error
        # is explained), so run it in the temporary folder rather than the repository.
        devtools_log = logs / "devTools" / "m365agentsplayground.log"
        command = [str(NODE_BIN / "agentsplayground"), "-e", bot_endpoint, "-c", "msteams",
                   "-p", str(port), "--dt"]
        process = _spawn(command, logs, "playground", cwd=logs,
                         env={"TEAMSAPPTESTER_BROWSER": "none",
                              "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(Path(config_path).resolve())})
        try:
            what = f"the Playground for {Path(config_path).name}"
            deadline = time.monotonic() + START_TIMEOUT
            while not (match := LISTENING.search((logs / "playground.out").read_bytes())):
                _check_alive(process, what, logs, "playground", devtools_log)
                if time.monotonic() > deadline:
                    output = _output(logs, "playground", devtools_log)
                    raise StartError(f"{what} did not start listening:\n{output}")
                time.sleep(0.05)
            if int(match.group(1)) != port:
                raise StartError(f"{what} listens on {int(match.group(1))}, not {port} (taken meanwhile?)")
            ui_url = f"http://127.0.0.1:{port}/"
            wait_http(ui_url + "_debug/ping", process, what, logs, "playground", devtools_log)
            yield process, ui_url
        finally:
            stop_group(process)


def import_staff(connection_string: str, csv_file: str = "config/staff.local.csv") -> None:
    """`python -m bot import-staff` into that storage, as `make run` does (the fictional federation's staff)."""
    imported = subprocess.run(
        [python(), "-m", "bot", "import-staff", csv_file], cwd=REPO, capture_output=True, text=True, timeout=60,
        env={**os.environ, "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": connection_string})
    if imported.returncode != 0:
        raise StartError(f"import-staff failed: {imported.stderr}")
