"""What the HTTP tests of publishing share: the app with the federation's staff list, sending an activity and
delivering what it caused, waiting for the bot to switch versions, and the policy commands run as IT runs them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from app import SERVICES, STORE, create_app
from bot.domain.directory import read_staff_csv
from bot.settings import Settings
from bot.storage.directory import TableStaffDirectory

REPO = Path(__file__).resolve().parents[2]


async def app_with_staff_list(aiohttp_client: Any, settings: Settings) -> TestClient:
    """The app, polling for a new current version every half second, with the federation's staff list."""
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"policy_poll_seconds": 0.5})))
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"])
    await TableStaffDirectory(client.app[STORE]).replace_all(staff.staff)
    return client


async def send(bot: TestClient, activity: dict[str, Any]) -> None:
    """Post an activity and deliver what it caused."""
    response = await bot.post("/api/messages", json=activity)
    assert response.status in (200, 201)
    await bot.app[SERVICES].deliverer.drain()


async def delivered(bot: TestClient) -> None:
    """Run a delivery pass and wait for the senders it found already running: a pass skips a person whose sender is
    busy, and that sender's card would otherwise land in the middle of the test's next exchange."""
    await bot.app[SERVICES].deliverer.deliver_due()
    await bot.app[SERVICES].deliverer.drain()


async def until(check: Callable[[], Awaitable[bool]], *, within: float = 30.0) -> None:
    """Wait until `check` holds (fails after `within` seconds)."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not so within {within:.0f} s")
        await asyncio.sleep(0.2)


def bot_command(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with the app's storage and school hours, as the README has IT run it."""
    env = {**os.environ, "APP_ENV": "local", "TABLE_PREFIX": settings.table_prefix,
           "SCHOOL_HOURS": settings.school_hours,
           "AZURE_STORAGE_CONNECTION_STRING": settings.storage_connection_string.get_secret_value()}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
