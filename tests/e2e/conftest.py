"""End-to-end fixtures: Azurite, the real bot process, Agents Playgrounds per identity, headless Chromium."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.ui import COMPOSE
from tests.support.processes import REPO, import_staff, start_azurite, start_bot, start_playground

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "build" / "e2e-artifacts"
PLAYGROUND = REPO / "playground"
# Identity files by role, and the people they sign in as (the older tests name people).
IDENTITIES = {"staff": "staff", "head": "head", "manager": "manager", "primary": "primary",
              "carys": "staff", "sian": "head", "gareth": "manager", "owain": "primary"}


@pytest.fixture(scope="session")
def bot_endpoint() -> Iterator[str]:
    """The real bot (`python app.py`) on an in-memory Azurite, as `make run` starts it."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `apt-get install chromium` (.ci/run does this)")
    with start_azurite(in_memory=True) as (_, connection_string), start_bot({
        "APP_ENV": "local", "AGENTS_PLAYGROUND": "true", "AZURE_STORAGE_CONNECTION_STRING": connection_string,
        "FEDERATION_CONFIG": str(REPO / "config" / "federation.local.json"),
        "DELIVERY_INTERVAL_SECONDS": "1", "LOG_LEVEL": "WARNING", "SCHOOL_HOURS": "any"},  # on the wall clock
            ready_path="/readyz") as (_, base_url):
        # The fictional staff list, as `make run` imports it: Carys's line manager is Gareth.
        import_staff(connection_string)
        yield f"{base_url}/api/messages"


@pytest.fixture(scope="session")
def playground(bot_endpoint: str) -> Iterator[Callable[[str], str]]:
    """Start (once each) a Playground signed in as `staff`, `head`, `manager` or `primary`; its URL."""
    running: dict[str, str] = {}
    with ExitStack() as stack:

        def open_as(identity: str) -> str:
            name = IDENTITIES[identity]
            if name not in running:
                started = start_playground(PLAYGROUND / f"{name}.yml", bot_endpoint)
                _, running[name] = stack.enter_context(started)
            return running[name]

        yield open_as


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser).

    Module-scoped: Playwright's sync API keeps an event loop running in this thread while it is open,
    which the asyncio tests that run after these cannot share.
    """
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def pages(browser: Browser, playground: Callable[[str], str],
          request: pytest.FixtureRequest) -> Iterator[Callable[[str], Page]]:
    """Open a Teams client page as an identity; screenshots of every page are kept when a test fails."""
    opened: list[tuple[str, Page]] = []

    def open_page(identity: str) -> Page:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(playground(identity))
        page.locator(COMPOSE).wait_for(timeout=30_000)
        opened.append((identity, page))
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    for identity, page in opened:
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{identity}.png"), full_page=True)
        page.close()


Report = Generator[None, pytest.TestReport, pytest.TestReport]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Report:
    """Remember each phase's report on the test, for the screenshot-on-failure above."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
