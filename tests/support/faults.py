"""Faults injected at the storage adapter's edge, for the moments a stopped Azurite cannot be timed to hit."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.domain.errors import StorageUnavailable
from bot.domain.outbox import OutboundMessage
from bot.storage.outbox import TableOutbox


def fail_next_enqueue(monkeypatch: pytest.MonkeyPatch, *, about: str = "") -> None:
    """The next write to the outbox (with `about`: the next one with a message id containing it) fails as if
    storage had gone away; other writes reach Azurite. `about` keeps a background write (a card refreshed after
    delivery, say) from taking the fault meant for a flow's own write on a busy machine."""
    real_enqueue = TableOutbox.enqueue
    failing = {"left": 1}

    async def enqueue_failing_once(outbox: TableOutbox, messages: Sequence[OutboundMessage]) -> None:
        if failing["left"] and any(about in m.message_id for m in messages):
            failing["left"] -= 1
            raise StorageUnavailable("injected")
        await real_enqueue(outbox, messages)

    monkeypatch.setattr(TableOutbox, "enqueue", enqueue_failing_once)
