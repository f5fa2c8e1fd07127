"""End-to-end fixtures: Azurite, the real bot process, Agents Playgrounds per identity, headless Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.conftest import running_azurite

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "build" / "e2e-artifacts"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer {url} in 30 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def bot_endpoint() -> Iterator[str]:
    """The real bot (`python app.py`) on Azurite, as `make run` starts it."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `apt-get install chromium` (.ci/run does this)")
    with running_azurite() as connection_string:
        port = _port()
        bot = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, start_new_session=True, env={
            **os.environ, "APP_ENV": "local", "PORT": str(port), "AZURE_STORAGE_CONNECTION_STRING": connection_string,
            "DELIVERY_INTERVAL_SECONDS": "1", "LOG_LEVEL": "WARNING"})
        try:
            _wait(f"http://127.0.0.1:{port}/readyz", bot, "the bot")
            yield f"http://127.0.0.1:{port}/api/messages"
        finally:
            _stop(bot)


@pytest.fixture(scope="session")
def playground(bot_endpoint: str) -> Iterator[Callable[[str], str]]:
    """Start (once) a Playground signed in as a test identity; returns its address."""
    running: dict[str, tuple[subprocess.Popen[bytes], str]] = {}

    def open_as(person: str) -> str:
        if person not in running:
            port = _port()
            process = subprocess.Popen(
                [str(REPO / "node_modules" / ".bin" / "agentsplayground"), "-e", bot_endpoint, "-c", "msteams",
                 "-p", str(port), "--dt"], cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
                env={**os.environ, "TEAMSAPPTESTER_BROWSER": "none",
                     "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(REPO / "config" / "playground" / f"{person}.yml")})
            _wait(f"http://127.0.0.1:{port}/_debug/ping", process, f"the Playground for {person}")
            running[person] = (process, f"http://127.0.0.1:{port}/")
        return running[person][1]

    yield open_as
    for process, _ in running.values():
        _stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser).

    Module-scoped: Playwright's sync API keeps an event loop running in this thread while it is open,
    which the asyncio tests that run after these cannot share.
    """
    with sync_playwright() as driver:
        chromium = _launch(driver)
        yield chromium
        chromium.close()


def _launch(driver: Playwright) -> Browser:
    return driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@pytest.fixture
def pages(browser: Browser, playground: Callable[[str], str],
          request: pytest.FixtureRequest) -> Iterator[Callable[[str], Page]]:
    """Open a Teams client page as a test identity; screenshots of every page are kept when a test fails."""
    opened: list[tuple[str, Page]] = []

    def open_page(person: str) -> Page:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(playground(person))
        page.locator('div[contenteditable="true"][role="textbox"]').wait_for(timeout=30_000)
        opened.append((person, page))
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    for person, page in opened:
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{person}.png"), full_page=True)
        page.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item,
                              call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report on the test, for the screenshot-on-failure above."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
