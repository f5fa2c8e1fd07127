"""Processes the benchmarks start (Azurite, the bots) and what /proc says about them."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import aiohttp

REPO = Path(__file__).resolve().parent.parent
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connection_string(port: int) -> str:
    """The connection string of a table service (Azurite or the counting proxy) on loopback."""
    return (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
            f"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used (from /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rpartition(")")[2].split()
    # After the command name, field 3 (state) is index 0: utime is field 14, stime field 15.
    return (int(fields[11]) + int(fields[12])) / _TICKS


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM) in MB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextmanager
def azurite() -> Iterator[int]:
    """A real Azurite table service in memory on a free port; yields the port."""
    port = free_port()
    binary = REPO / "node_modules" / ".bin" / "azurite-table"
    if not binary.exists():
        raise SystemExit("Azurite is not installed: run `make install` (it runs npm ci)")
    process = subprocess.Popen(
        [str(binary), "--tableHost", "127.0.0.1", "--tablePort", str(port), "--inMemoryPersistence",
         "--disableTelemetry", "--silent"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Azurite did not start")
            time.sleep(0.05)
        yield port
    finally:
        _stop(process)


@dataclass
class BotProcess:
    """A bot running in its own process."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    cold_start: float
    log_path: Path | None

    @property
    def pid(self) -> int:
        """The bot's process id."""
        return self.process.pid

    def log_problems(self) -> list[str]:
        """Log lines at ERROR or above, or with a traceback."""
        if self.log_path is None or not self.log_path.exists():
            return []
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line for line in lines if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line
                or line.startswith("Traceback")]


# The highest each daily limit goes: the benches measure turns, not the limits (README, "Limits"); at the defaults the
# headteacher's 51st reply of a day is refused, and a load test has her reply to every question passed on.
UNLIMITED = {"PERMISSION_LIMIT_PER_DAY": "100", "QUESTION_LIMIT_PER_DAY": "100", "REPLY_LIMIT_PER_DAY": "1000"}


def bot_env(storage_port: int, port: int, *, prefix: str | None = None,
            extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of `python app.py` for a local run against a table service on loopback."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("Microsoft", "AZURE_"))}
    env.update({
        "APP_ENV": "local", "PORT": str(port), "MicrosoftAppId": "", "MicrosoftAppPassword": "",
        "AZURE_STORAGE_CONNECTION_STRING": connection_string(storage_port),
        "TABLE_PREFIX": prefix or "bench" + uuid.uuid4().hex[:8], "LOG_LEVEL": "INFO",
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "", "PYTHONDONTWRITEBYTECODE": "1",
        # A school day's load, whenever it runs: outside school hours a member of staff's request waits for the
        # morning before it reaches the head, so her one-click Approve could not be measured at night.
        "SCHOOL_HOURS": "any",
    })
    env.update(extra or {})
    return env


async def wait_ready(url: str, process: subprocess.Popen[bytes], *, within: float = 30.0) -> None:
    """Poll `url` until it answers 200; raise if the process exits or time runs out."""
    deadline = time.perf_counter() + within
    timeout = aiohttp.ClientTimeout(total=2)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the process exited with {process.returncode} before it was ready")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{url} was not ready within {within:.0f} s")
            await asyncio.sleep(0.01)


def _spawn(argv: list[str], env: Mapping[str, str], log_path: Path | None) -> subprocess.Popen[bytes]:
    log: IO[bytes] | int = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen([sys.executable, *argv], cwd=REPO, env=dict(env), stdout=subprocess.DEVNULL,
                                stderr=log, start_new_session=True)
    finally:
        if not isinstance(log, int):
            log.close()


async def start_bot(name: str, argv: list[str], env: Mapping[str, str], port: int,
                    log_path: Path | None) -> BotProcess:
    """Spawn a bot and time it from spawn to its /readyz answering 200."""
    started = time.perf_counter()
    process = _spawn(argv, env, log_path)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(f"{url}/readyz", process)
    except BaseException:
        _stop(process)
        raise
    return BotProcess(name=name, url=url, process=process, cold_start=time.perf_counter() - started,
                      log_path=log_path)


def stop_bot(bot: BotProcess) -> None:
    """SIGTERM the bot (it drains its deliveries) and wait for it."""
    _stop(bot.process)
