"""`make run`: Azurite, the bot and one Agents Playground per test identity; Ctrl-C stops them all."""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NODE_BIN = REPO / "node_modules" / ".bin"
DATA = REPO / ".data"
AZURITE_DATA = DATA / "azurite"
LOGS = DATA / "logs"
# The public, documented Azurite development key: the only storage key allowed in this repository.
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
PLAYGROUNDS = [("staff", 56150, "Carys Jenkins, teacher, Llanidloes High School"),
               ("head", 56151, "Siân Roberts, executive headteacher of both schools"),
               ("manager", 56152, "Gareth Hughes, head of humanities (Carys's line manager)"),
               ("primary", 56153, "Owain Pritchard, teacher, Ysgol Gynradd Llanidloes")]
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class Stop(Exception):
    """Raised by the signal handler, or when a step fails, to stop everything."""


@dataclass
class Child:
    """A started process, its own process group, and where its output goes."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path | None


def connection_string(port: int) -> str:
    """The connection string of the local Azurite table service."""
    return (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
            f"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;")


def local_storage(port: int) -> dict[str, str]:
    """The settings the bot and the staff import get here: the local Azurite, never an Azure table endpoint left
    exported in this terminal (infra/README.md, step 8), which the tools refuse beside a connection string."""
    return {"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": connection_string(port),
            "AZURE_STORAGE_TABLE_ENDPOINT": "", "FEDERATION_CONFIG": "config/federation.local.json"}


def port_in_use(port: int) -> bool:
    """Whether something already accepts connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def tail(path: Path | None, lines: int = 30) -> str:
    """The last lines of a log file."""
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Supervisor:
    """Starts children in their own process groups and stops them all, newest first."""

    def __init__(self) -> None:
        self.children: list[Child] = []

    def start(self, name: str, command: list[str], *, env: dict[str, str] | None = None, cwd: Path = REPO,
              log: Path | None = None) -> Child:
        """Start a child; its output goes to `log`, or to this terminal when there is none."""
        out = log.open("wb") if log else None
        try:
            process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})},
                                       stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=subprocess.STDOUT if out else None, start_new_session=True)
        finally:
            if out:
                out.close()
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def check(self) -> None:
        """Raise Stop, naming the child, if any child has exited."""
        for child in self.children:
            code = child.process.poll()
            if code is not None:
                detail = tail(child.log)
                where = f"; the end of {child.log}:\n{detail}" if detail and child.log else ""
                raise Stop(f"{child.name} exited with code {code}{where}")

    def stop_all(self) -> None:
        """SIGTERM every group (newest first), then SIGKILL whatever lingers."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in reversed(self.children):
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{child.name} did not stop in {STOP_TIMEOUT:.0f} s; killing it", file=sys.stderr)
            # Helpers a child started stay in its group after it exits: clear the group either way.
            _signal_group(child.process, signal.SIGKILL)
            child.process.wait()

    def wait_until(self, ready: str, what: str, *, url: str | None = None, port: int | None = None) -> None:
        """Wait until `url` answers (any HTTP status below 500) or `port` accepts; stop if any child dies."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self.check()
            if (url and _answers(url)) or (port and port_in_use(port)):
                return
            time.sleep(0.05)
        raise Stop(f"{what} was not {ready} within {START_TIMEOUT:.0f} s")


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status) < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


def _listening_port(log: Path) -> int | None:
    match = re.search(r"Listening on (\d+)", tail(log))
    return int(match.group(1)) if match else None


def run(args: argparse.Namespace, supervisor: Supervisor, started: float) -> None:
    """Start Azurite, the bot and the Playgrounds, print where to go, then watch them until told to stop."""
    playgrounds = [] if args.no_playground else PLAYGROUNDS
    wanted = [(args.azurite_port, "Azurite"), (args.bot_port, "the bot")]
    wanted += [(port, f"the Playground for {name}") for name, port, _ in playgrounds]
    # The Playground silently moves to a random port when its own is taken, so check every port first.
    busy = [f"{port} ({what})" for port, what in wanted if port_in_use(port)]
    if busy:
        raise Stop(f"ports already in use: {', '.join(busy)}. Is another `make run` still going?")
    AZURITE_DATA.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)

    supervisor.start("Azurite", [
        str(NODE_BIN / "azurite-table"), "--tableHost", "127.0.0.1", "--tablePort", str(args.azurite_port),
        "--location", str(AZURITE_DATA), "--disableTelemetry"], log=LOGS / "azurite.log")
    supervisor.wait_until("listening", "Azurite", port=args.azurite_port)

    bot_url = f"http://127.0.0.1:{args.bot_port}"
    supervisor.start("the bot", [python(), "app.py"], env={
        **local_storage(args.azurite_port), "AGENTS_PLAYGROUND": "true", "PORT": str(args.bot_port)})
    supervisor.wait_until("healthy", "the bot", url=f"{bot_url}/healthz")
    # The fictional staff list, so a test report from Carys reaches her line manager, Gareth.
    subprocess.run([python(), "-m", "bot", "import-staff", "config/staff.local.csv"], cwd=REPO, check=False,
                   env={**os.environ, **local_storage(args.azurite_port)})

    for name, port, _ in playgrounds:
        # Its working folder receives devTools/m365agentsplayground.log, where config errors are explained.
        folder = DATA / "playground" / name
        folder.mkdir(parents=True, exist_ok=True)
        log = LOGS / f"playground-{name}.log"
        supervisor.start(f"the Playground for {name}", [
            str(NODE_BIN / "agentsplayground"), "-e", f"{bot_url}/api/messages", "-c", "msteams",
            "-p", str(port), "--dt"], env={"TEAMSAPPTESTER_BROWSER": "none",
                          "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(REPO / "playground" / f"{name}.yml")},
            cwd=folder, log=log)
    for name, port, _ in playgrounds:
        supervisor.wait_until("answering", f"the Playground for {name}", url=f"http://127.0.0.1:{port}/_debug/ping")
        actual = _listening_port(LOGS / f"playground-{name}.log")
        if actual is not None and actual != port:
            raise Stop(f"the Playground for {name} listens on {actual}, not {port}")

    print(f"\nReady in {time.monotonic() - started:.1f} s (cold start).", flush=True)
    print(f"  Bot:     {bot_url}/api/messages   (health {bot_url}/healthz, ready {bot_url}/readyz)")
    print(f"  Storage: Azurite tables on 127.0.0.1:{args.azurite_port}, data in .data/azurite")
    if playgrounds:
        print("Open a Teams client (Agents Playground) as:")
        for name, port, who in playgrounds:
            print(f"  http://127.0.0.1:{port}/   {who}   [playground/{name}.yml]")
    else:
        print("No Playground started (--no-playground).")
    print("Logs of Azurite and the Playgrounds: .data/logs/. Press Ctrl-C to stop everything.\n", flush=True)
    while True:
        supervisor.check()
        time.sleep(0.5)


def python() -> str:
    """The project's venv Python, or this interpreter when there is no venv."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def main(argv: list[str] | None = None) -> int:
    """Run everything until Ctrl-C, SIGTERM, or one part dying; exit 0 only on a requested stop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-playground", action="store_true", help="start only Azurite and the bot")
    parser.add_argument("--bot-port", type=int, default=3978, help="the bot's port (default 3978)")
    parser.add_argument("--azurite-port", type=int, default=10002, help="Azurite table port (default 10002)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    supervisor = Supervisor()
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        if stopping:  # a second Ctrl-C while stopping: let the stop finish
            return
        stopping = True
        raise Stop(f"{signal.Signals(signum).name} received")

    # A shell may start us with SIGINT ignored (a background job); Ctrl-C must still stop everything.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    code = 0
    try:
        run(args, supervisor, started)
    except Stop as reason:
        requested = stopping
        stopping = True
        print(f"\nStopping everything: {reason}", file=sys.stdout if requested else sys.stderr, flush=True)
        code = 0 if requested else 1
    finally:
        stopping = True
        supervisor.stop_all()
    print("Stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
