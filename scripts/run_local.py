"""`make run`: Azurite, the bot and one Agents Playground per test identity; Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "node_modules" / ".bin"
DATA = REPO / ".data" / "azurite"
AZURITE_PORT = 10002
BOT_PORT = int(os.environ.get("PORT", "3978"))
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
CONNECTION = (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
              f"TableEndpoint=http://127.0.0.1:{AZURITE_PORT}/devstoreaccount1;")
PLAYGROUNDS = [("carys", 56150, "Carys Jenkins, teacher at the high school"),
               ("sian", 56151, "Mrs Siân Roberts, executive headteacher"),
               ("gareth", 56152, "Gareth Hughes, Carys's line manager"),
               ("owain", 56153, "Owain Pritchard, teacher at the primary school")]


def _wait(url: str, what: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with code {process.returncode}; see the lines above")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:  # answering at all (Azurite says 403 to an unsigned request) means it is up
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{what} did not answer {url} within {seconds:.0f} s")


def main() -> int:
    """Start everything, print where to go, and stop everything on Ctrl-C or when any part dies."""
    started = time.monotonic()
    DATA.mkdir(parents=True, exist_ok=True)
    children: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(name: str, command: list[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> None:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, start_new_session=True)
        children.append((name, process))

    def stop(*_args: object) -> None:
        for _name, process in reversed(children):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in children:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    signal.signal(signal.SIGTERM, stop)
    # A shell may start us with SIGINT ignored (background jobs); Ctrl-C must still stop everything.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        start("Azurite", [str(BIN / "azurite-table"), "--tableHost", "127.0.0.1", "--tablePort", str(AZURITE_PORT),
                          "--location", str(DATA), "--disableTelemetry", "--silent"])
        _wait(f"http://127.0.0.1:{AZURITE_PORT}/devstoreaccount1/Tables", "Azurite", children[-1][1])
        start("the bot", [sys.executable, "app.py"], {
            "APP_ENV": "local", "PORT": str(BOT_PORT), "AZURE_STORAGE_CONNECTION_STRING": CONNECTION,
            "FEDERATION_CONFIG": str(REPO / "config" / "federation.local.json"), "DELIVERY_INTERVAL_SECONDS": "5"})
        _wait(f"http://127.0.0.1:{BOT_PORT}/readyz", "the bot", children[-1][1])
        for name, port, _ in PLAYGROUNDS:
            start(f"the Playground for {name}", [
                str(BIN / "agentsplayground"), "-e", f"http://127.0.0.1:{BOT_PORT}/api/messages", "-c", "msteams",
                "-p", str(port), "--dt"], {"TEAMSAPPTESTER_BROWSER": "none",
                                           "M365_AGENTS_PLAYGROUND_CONFIG_PATH":
                                               str(REPO / "config" / "playground" / f"{name}.yml")})
            _wait(f"http://127.0.0.1:{port}/_debug/ping", f"the Playground for {name}", children[-1][1])
        print(f"\nReady in {time.monotonic() - started:.1f} s. Open a Teams client as:", flush=True)
        for _person, port, who in PLAYGROUNDS:
            print(f"  http://127.0.0.1:{port}/   {who}", flush=True)
        print("Press Ctrl-C to stop everything.\n", flush=True)
        while True:
            for name, process in children:
                if process.poll() is not None:
                    print(f"{name} stopped (exit code {process.returncode}); stopping the rest", file=sys.stderr)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
