"""Local mode checks no Bot Framework token, so it listens on loopback only unless told otherwise."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from typing import IO

import pytest

from bot.settings import Settings
from tests.support.policies import FIXTURE_POLICY_FILE
from tests.support.processes import REPO, free_port, python, start_bot

# On Linux the whole of 127/8 is loopback, but a server bound to 127.0.0.1 only answers there: 127.0.0.2 stands in
# for "another address of this machine" (a laptop's Wi-Fi address) without needing a network.
OTHER_ADDRESS = "127.0.0.2"


def _answers(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, port)) == 0


@pytest.mark.parametrize(("bind_host", "reachable_elsewhere"), [("", False), ("0.0.0.0", True)])
def test_local_mode_binds_loopback_unless_told_otherwise(azurite: str, bind_host: str,
                                                         reachable_elsewhere: bool) -> None:
    env = {"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "BIND_HOST": bind_host}
    with start_bot(env) as (_, url):
        port = int(url.rsplit(":", 1)[1])

        assert _answers("127.0.0.1", port)
        assert _answers(OTHER_ADDRESS, port) is reachable_elsewhere


def test_production_listens_on_every_interface_as_app_service_needs() -> None:
    production = Settings.model_validate({
        "APP_ENV": "production", "MicrosoftAppType": "UserAssignedMSI",
        "MicrosoftAppId": "33333333-4444-4555-8666-777777777777",
        "MicrosoftAppTenantId": "a-tenant", "AZURE_STORAGE_TABLE_ENDPOINT": "https://x.table.core.windows.net",
        "FEDERATION_JSON": "{}"})

    assert production.host == "0.0.0.0"


def test_a_started_bot_says_where_it_answers_in_one_log_line(azurite: str) -> None:
    """`python app.py` started and said nothing at all: on App Service's Log stream (infra/README.md, step 6) a bot
    that had started could not be told from one that had not got that far, and locally the terminal stayed blank."""
    port = free_port()
    env = {**os.environ, "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "PORT": str(port),
           "POLICY_FILE": str(FIXTURE_POLICY_FILE)}
    with subprocess.Popen([python(), "app.py"], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stderr is not None
            said = [json.loads(line)["message"] for line in _lines_until_answering(process.stderr, port)]
        finally:
            process.terminate()
            process.wait(timeout=30)

    assert said[-1] == (f"started: answering Teams at http://127.0.0.1:{port}/api/messages (health /healthz, "
                        "readiness /readyz)"), said


def _lines_until_answering(stderr: IO[str], port: int) -> list[str]:
    """The bot's log lines until it answers on `port` (or 90 s pass)."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(stderr), daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    while not _answers("127.0.0.1", port) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # a line written as it started is read by now
    return list(lines)


def test_a_bot_asked_to_stop_says_so_in_the_log_before_and_after(azurite: str) -> None:
    """App Service stops an instance with SIGTERM (a deployment, a restart, platform maintenance), and the bot said
    nothing of it: on the Log stream a bot restarted mid-morning looked the same as one that had crashed, so the
    technician could not tell whether it had finished what it was doing (README, "What the logs hold")."""
    port = free_port()
    env = {**os.environ, "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "PORT": str(port),
           "POLICY_FILE": str(FIXTURE_POLICY_FILE)}
    with subprocess.Popen([python(), "app.py"], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True) as process:
        assert process.stderr is not None
        reader = threading.Thread(target=lambda: lines.extend(process.stderr or ()), daemon=True)
        lines: list[str] = []
        reader.start()
        deadline = time.monotonic() + 90
        while not _answers("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.1)
        process.terminate()
        code = process.wait(timeout=30)
        reader.join(timeout=10)
    said = [json.loads(line)["message"] for line in lines]

    assert code == 0
    started = next(n for n, message in enumerate(said) if message.startswith("started: "))
    assert said[started + 1:] == [
        "stopping: finishing the turns in progress and the messages held, for up to 10 s (App Service stops an "
        "instance so to restart or deploy it)",
        "stopped"], said
