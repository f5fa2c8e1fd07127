"""Telemetry: one span per turn with its outcome, and never the words people typed."""

from __future__ import annotations

import json
from typing import Any

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app import create_app
from bot.settings import Settings
from tests.support.activities import CARYS, message
from tests.support.connector import Connector

SECRET = "my colleague Dafydd keeps sending me horrible messages"


async def test_turn_spans_carry_outcomes_not_text(aiohttp_client: Any, settings: Settings,
                                                  connector: Connector) -> None:
    exporter = InMemorySpanExporter()
    client = await aiohttp_client(create_app(settings, span_exporter=exporter))

    await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    await client.post("/api/messages", json=message(CARYS, SECRET, connector.url))
    await client.close()

    spans = exporter.get_finished_spans()
    assert [span.name for span in spans].count("turn") == 2
    assert {span.attributes["turn.outcome"] for span in spans if span.attributes} == {"message:text"}
    dumped = json.dumps([dict(span.attributes or {}) for span in spans])
    assert "Dafydd" not in dumped and "horrible" not in dumped
