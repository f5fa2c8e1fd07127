"""A local Application Insights ingestion endpoint speaking its real protocol (`POST …/track`), over TLS: the
exporter sends Entra tokens only to https addresses."""

from __future__ import annotations

import gzip
import json
import ssl
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.support.fake_graph import self_signed
from tests.support.servers import serve


@dataclass
class FakeMonitor:
    """The running endpoint: its connection string, the CA file to trust, and what it received."""

    connection_string: str
    ca_file: Path
    authorizations: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)


@asynccontextmanager
async def run_fake_monitor(directory: Path, *, accept_token: set[str] | None = None) -> AsyncIterator[FakeMonitor]:
    """Serve the ingestion endpoint; with `accept_token`, only those bearer tokens are accepted (as with
    local authentication turned off)."""
    cert, key = self_signed(directory)
    fake = FakeMonitor(connection_string="", ca_file=cert)

    async def track(request: web.Request) -> web.Response:
        authorization = request.headers.get("Authorization", "")
        fake.authorizations.append(authorization)
        if accept_token is not None and authorization.removeprefix("Bearer ") not in accept_token:
            return web.json_response({"itemsReceived": 0, "itemsAccepted": 0,
                                      "errors": [{"index": 0, "statusCode": 401, "message": "Unauthorized"}]},
                                     status=401)
        body = await request.read()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        received = json.loads(body)
        fake.items.extend(received)
        return web.json_response({"itemsReceived": len(received), "itemsAccepted": len(received), "errors": []})

    app = web.Application()
    app.router.add_post("/{anything:.*}", track)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    async with serve(app, ssl_context=context) as port:
        # A fresh key each run: the exporter keeps unsent items on disk by key and would send an old run's later.
        fake.connection_string = (f"InstrumentationKey={uuid.uuid4()};"
                                  f"IngestionEndpoint=https://127.0.0.1:{port}/")
        yield fake
