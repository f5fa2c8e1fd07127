"""The long runs (`make test-long`): many people at once against real bot processes, Azurite and a connector.

No timing is asserted: the load test's own exit code says whether any turn failed, any error card (storage
unavailable, busy) was shown, any turn ended badly in the bot's log, any notification went missing or was sent
twice, or the bot logged a problem; its figures are printed for the notes. `LOAD_RUNS=10 make test-long` runs the
200-conversation test ten times in a row.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

RUNS = int(os.environ.get("LOAD_RUNS", "1"))


def _load_test(*arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench.load_test", *arguments, "--max-seconds", "60"],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("run", range(1, RUNS + 1))
def test_two_hundred_conversations_lose_nothing(run: int) -> None:
    figures = _load_test("--conversations", "200")

    assert "errors: non-2xx 0, replies missing 0" in figures
    assert "error cards shown to people: 0" in figures


def test_five_hundred_conversations_on_two_instances_lose_nothing() -> None:
    figures = _load_test("--conversations", "500", "--bots", "2")

    assert "against 2 bot processes" in figures
    assert "errors: non-2xx 0, replies missing 0" in figures
    assert "error cards shown to people: 0" in figures
