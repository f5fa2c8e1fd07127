"""Background jobs: each runs at its interval, a failed pass is logged and the job runs again, and every job
stops when the bot does."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.domain.errors import StorageUnavailable
from bot.jobs import Job, running


async def test_a_failed_pass_is_logged_and_the_job_runs_again(caplog: pytest.LogCaptureFixture) -> None:
    passes: list[int] = []
    failures = [RuntimeError("boom"), StorageUnavailable("down")]

    async def flaky() -> None:
        passes.append(len(passes))
        if failures:
            raise failures.pop(0)

    with caplog.at_level(logging.WARNING, logger="bot.jobs"):
        async with running([Job("flaky", 0.01, flaky)]):
            for _ in range(500):
                if len(passes) >= 3:
                    break
                await asyncio.sleep(0.01)

    assert len(passes) >= 3
    said = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert ("ERROR", "background job flaky failed") in said
    assert ("WARNING", "background job flaky skipped: storage unavailable") in said


async def test_every_job_is_cancelled_when_the_block_ends() -> None:
    started = asyncio.Event()

    async def long_pass() -> None:
        started.set()
        await asyncio.sleep(3600)

    async with running([Job("long", 3600, long_pass), Job("other", 3600, long_pass)]):
        await started.wait()
        names = {task.get_name() for task in asyncio.all_tasks()}

    assert {"long", "other"} <= names
    assert not {task.get_name() for task in asyncio.all_tasks()} & {"long", "other"}
