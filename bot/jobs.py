"""Background jobs: each runs on every instance every so many seconds, from start-up until the bot stops.

A failed pass is logged and the job runs again at its next time. Each job is safe on several instances at once
by itself (etag leases and claims in storage), so nothing here coordinates instances.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.domain.errors import StorageUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One background job: its name (for logs and the task), seconds between passes, and one pass."""

    name: str
    interval: float
    run_once: Callable[[], Awaitable[object]]


async def run_every(job: Job) -> None:
    """Run the job's passes forever, `interval` seconds apart; a failed pass is logged (cancel to stop)."""
    while True:
        try:
            await job.run_once()
        except StorageUnavailable:
            log.warning("background job %s skipped: storage unavailable", job.name)
        except Exception:
            log.exception("background job %s failed", job.name)
        await asyncio.sleep(job.interval)


@contextlib.asynccontextmanager
async def running(jobs: Sequence[Job]) -> AsyncIterator[None]:
    """Run every job in the background while the block runs; cancel them all when it ends."""
    tasks = [asyncio.create_task(run_every(job), name=job.name) for job in jobs]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
