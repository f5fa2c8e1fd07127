"""The long run (`make test-long`): 200 people at once against the real bot process, Azurite and a connector.

No timing is asserted: the load test's own exit code says whether any turn failed, any error card was shown,
any notification went missing or the bot logged a problem; its figures are printed for the notes.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_two_hundred_conversations_lose_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.load_test", "--conversations", "200", "--max-seconds", "60"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )
    print(result.stdout)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "errors: non-2xx 0, replies missing 0" in result.stdout
