"""Telemetry: one span per turn with its outcome, and never the words people typed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app import SDK_SELF_REPORTING, create_app, monitor_exporter
from bot.settings import Settings
from tests.support.activities import CARYS, TENANT, message
from tests.support.connector import Connector
from tests.support.fake_graph import IDENTITY_CLIENT_ID, run_fake_graph
from tests.support.fake_monitor import run_fake_monitor

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


async def test_with_the_managed_identity_telemetry_is_sent_with_its_entra_token(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with run_fake_graph(tmp_path / "entra") as entra, \
            run_fake_monitor(tmp_path / "monitor", accept_token=entra.issued) as monitor:
        for name, value in {**entra.identity_environment(), "REQUESTS_CA_BUNDLE": str(monitor.ca_file)}.items():
            monkeypatch.setenv(name, value)  # App Service's managed-identity endpoint; trust for the stand-in
        for switch in SDK_SELF_REPORTING:
            monkeypatch.delenv(switch, raising=False)  # the app turns them off itself (monkeypatch restores them)
        settings = Settings.model_validate({
            "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": "UseDevelopmentStorage=true",
            "MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppId": IDENTITY_CLIENT_ID,
            "MicrosoftAppTenantId": TENANT, "APPLICATIONINSIGHTS_CONNECTION_STRING": monitor.connection_string})

        def one_turn() -> None:
            with monitor_exporter(settings) as exporter:
                assert exporter is not None
                provider = TracerProvider()
                provider.add_span_processor(SimpleSpanProcessor(exporter))
                with provider.get_tracer("test").start_as_current_span("turn") as span:
                    span.set_attribute("turn.outcome", "message:text")
                provider.shutdown()

        await asyncio.to_thread(one_turn)  # the exporter is synchronous; the stand-ins answer on this loop

    spans = [item["data"]["baseData"]["name"] for item in monitor.items if item["data"]["baseType"] != "MetricData"]
    metrics = {metric["name"] for item in monitor.items if item["data"]["baseType"] == "MetricData"
               for metric in item["data"]["baseData"]["metrics"]}
    assert spans == ["turn"]
    assert metrics <= {"_OTELRESOURCE_"}  # the service's name at most; no statistics about the exporter itself
    assert monitor.authorizations and all(a.removeprefix("Bearer ") in entra.issued for a in monitor.authorizations)
    assert [(q["resource"], q["client_id"]) for q in entra.identity_requests] == [
        ("https://monitor.azure.com/", IDENTITY_CLIENT_ID)]
