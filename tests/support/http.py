"""Talking to a bot process over real HTTP: wait until it is ready, post an activity."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp


async def wait_ready(url: str, *, within: float = 30) -> None:
    """Wait until `url`/readyz answers 200."""
    async with asyncio.timeout(within), aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"{url}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)


async def post_activity(url: str, activity: dict[str, Any]) -> dict[str, Any]:
    """POST an activity to `url`/api/messages; the invoke response body, or {} for a message."""
    async with aiohttp.ClientSession() as session, session.post(f"{url}/api/messages", json=activity) as response:
        text = await response.text()
        return json.loads(text) if text else {}
