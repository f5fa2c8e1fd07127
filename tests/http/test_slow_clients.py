"""Slow clients (slowloris) against the real aiohttp server: a body that never finishes arriving is refused with 408
and its connection closed, rather than held for ever; while many slow connections are open, the health check and
everyone else are still answered."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from app import SERVICES
from bot.edge.web import MessagesHandler
from tests.support.activities import CARYS, OWAIN, message
from tests.support.connector import Connector

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


def _request_head(length: int) -> bytes:
    return (b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(length).encode() + b"\r\n\r\n")


async def _open(client: TestClient, sent: bytes) -> Connection:
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(sent)
    await writer.drain()
    return reader, writer


@pytest.fixture
async def slow(client: TestClient) -> AsyncIterator[list[Connection]]:
    """Connections the test leaves hanging; closed at the end."""
    opened: list[Connection] = []
    yield opened
    for _, writer in opened:
        writer.close()
    await asyncio.gather(*(writer.wait_closed() for _, writer in opened), return_exceptions=True)


async def test_a_body_that_never_finishes_arriving_is_refused_and_its_connection_closed(
        client: TestClient, connector: Connector, slow: list[Connection], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MessagesHandler, "BODY_SECONDS", 0.5)
    body = json.dumps(message(CARYS, "hi", connector.url)).encode()
    reader, writer = await _open(client, _request_head(len(body)) + body[:40])
    slow.append((reader, writer))

    async with asyncio.timeout(30):  # before the fix: no answer, ever
        answer = await reader.readuntil(b"\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"\r\nConnection: close\r\n" in answer
    assert connector.sent == []


async def test_slow_connections_leave_the_health_check_and_everyone_else_answered(
        client: TestClient, connector: Connector, slow: list[Connection]) -> None:
    body = json.dumps(message(CARYS, "hi", connector.url)).encode()
    for _ in range(200):  # headers that never end
        slow.append(await _open(client, b"POST /api/messages HTTP/1.1\r\nHost: bot\r\n"))
    for _ in range(100):  # a body that never ends
        slow.append(await _open(client, _request_head(len(body)) + body[:40]))

    health = await client.get("/healthz")
    said = await client.post("/api/messages", json=message(OWAIN, "hi", connector.url))
    await client.app[SERVICES].deliverer.drain()

    assert (health.status, said.status) == (200, 200)
    assert len(connector.cards("a:personal-29:owain")) == 1
