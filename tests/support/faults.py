"""Faults injected at the storage adapter's edge, for the moments a stopped Azurite cannot be timed to hit."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.errors import StorageUnavailable
from bot.storage.outbox import TableOutbox


def fail_next_enqueue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next write to the outbox fails as if storage had gone away; later writes reach Azurite."""
    real_enqueue = TableOutbox.enqueue
    failing = {"left": 1}

    async def enqueue_failing_once(outbox: TableOutbox, messages: Any) -> None:
        if failing["left"]:
            failing["left"] -= 1
            raise StorageUnavailable("injected")
        await real_enqueue(outbox, messages)

    monkeypatch.setattr(TableOutbox, "enqueue", enqueue_failing_once)
