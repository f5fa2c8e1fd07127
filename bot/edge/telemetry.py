"""Telemetry to Application Insights through OpenTelemetry: one span per turn, ids and outcomes only, no text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from azure.core.credentials import TokenCredential
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

SERVICE_NAME = "llanidloes-policy-bot"
tracer = trace.get_tracer(SERVICE_NAME)


def azure_monitor_exporter(connection_string: str, *, credential: TokenCredential | None = None) -> SpanExporter:
    """The Application Insights exporter for a connection string, authenticated with `credential` when given."""
    from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter  # noqa: PLC0415 - only when used

    if credential is None:
        exporter: SpanExporter = AzureMonitorTraceExporter(connection_string=connection_string)
    else:
        exporter = AzureMonitorTraceExporter(connection_string=connection_string, credential=credential)
    return exporter


def connection_string_problem(connection_string: str) -> str | None:
    """Why the exporter would refuse `connection_string`, in its own words (they never repeat it), or None."""
    # The exporter's own reading, so the bot refuses at start exactly what the exporter would refuse once running.
    from azure.monitor.opentelemetry.exporter._connection_string_parser import (  # noqa: PLC0415 - only when used
        ConnectionStringParser,
    )

    try:
        ConnectionStringParser(connection_string=connection_string)
    except ValueError as error:
        return str(error)
    return None


@asynccontextmanager
async def telemetry(exporter: SpanExporter | None) -> AsyncIterator[TracerProvider | None]:
    """Send turn spans to the exporter while the app runs; do nothing when there is none."""
    if exporter is None:
        yield None
        return
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    try:
        yield provider
    finally:
        provider.shutdown()
