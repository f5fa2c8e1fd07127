"""Faults injected at the storage adapter's edge, for the moments a stopped Azurite cannot be timed to hit."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import aiohttp
import pytest
import yarl
from aiohttp import web

from bot.domain.errors import StorageUnavailable
from bot.domain.outbox import OutboundMessage
from bot.storage.outbox import TableOutbox
from tests.support.processes import azurite_connection_string
from tests.support.servers import serve


def fail_next_enqueue(monkeypatch: pytest.MonkeyPatch, *, about: str = "") -> None:
    """The next write to the outbox (with `about`: the next one with a message id containing it) fails as if
    storage had gone away; other writes reach Azurite. `about` keeps a background write (a card refreshed after
    delivery, say) from taking the fault meant for a flow's own write on a busy machine."""
    real_enqueue = TableOutbox.enqueue
    failing = {"left": 1}

    async def enqueue_failing_once(outbox: TableOutbox, messages: Sequence[OutboundMessage]) -> list[OutboundMessage]:
        if failing["left"] and any(about in m.message_id for m in messages):
            failing["left"] -= 1
            raise StorageUnavailable("injected")
        return await real_enqueue(outbox, messages)

    monkeypatch.setattr(TableOutbox, "enqueue", enqueue_failing_once)


def second_press_during_first_write(monkeypatch: pytest.MonkeyPatch, store: type, method: str,
                                    presses: Sequence[Callable[[], Awaitable[Any]]]) -> Awaitable[list[Any]]:
    """Two presses of one Send (a laptop and a phone), storage slow with the first press's write (`store.method`):
    it waits until the other press writes too, or is answered without writing. The presses' answers, in order."""
    real, first_writing, second_writing = getattr(store, method), asyncio.Event(), asyncio.Event()
    tasks: list[asyncio.Task[Any]] = []

    async def slow_first(adapter: Any, *args: Any) -> Any:
        if not first_writing.is_set():
            first_writing.set()
            waiting = asyncio.ensure_future(second_writing.wait())
            await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)  # it writes, or is answered
            waiting.cancel()
        else:
            second_writing.set()
        return await real(adapter, *args)

    monkeypatch.setattr(store, method, slow_first)
    tasks.extend(asyncio.ensure_future(press()) for press in presses)
    return asyncio.gather(*tasks)


# What Azure's Table service answers, by error code: while a data role is still applying (README step 6,
# infra/README.md step 8), to a request signed with a wrong account key, and to one signed with any key when the
# account takes none (infra/main.bicep: allowSharedKeyAccess false).
REFUSALS = {
    "AuthorizationPermissionMismatch": "This request is not authorized to perform this operation using this "
                                       "permission.\nRequestId:5b1c7d2e-0002-0041-3e2a-000000000000\n"
                                       "Time:2026-12-05T00:00:00.0000000Z",
    "AuthenticationFailed": "Server failed to authenticate the request. Make sure the value of Authorization header is "
                            "formed correctly including the signature.\nRequestId:5b1c7d2e-0002-0041-3e2a-000000000001",
    "KeyBasedAuthenticationNotPermitted": "Key based authentication is not permitted on this storage account.\n"
                                          "RequestId:5b1c7d2e-0002-0041-3e2a-000000000002",
}


@asynccontextmanager
async def storage_refusing_access(code: str = "AuthorizationPermissionMismatch"
                                  ) -> AsyncIterator[tuple[str, list[str]]]:
    """A table service on a loopback port that answers every call 403 with `code` (one of REFUSALS; by default what
    it answers while a data role is still applying); yields its connection string (Azurite's account and key) and the
    methods it is asked, as they come."""
    asked: list[str] = []
    body = {"odata.error": {"code": code, "message": {"lang": "en-US", "value": REFUSALS[code]}}}

    async def refuse(request: web.Request) -> web.Response:
        asked.append(request.method)
        return web.json_response(body, status=403, headers={"x-ms-error-code": code})

    refusing = web.Application()
    refusing.router.add_route("*", "/{path:.*}", refuse)
    async with serve(refusing) as port:
        yield azurite_connection_string(port), asked


class StorageAnswering500:
    """A proxy in front of Azurite that passes every call on, and answers `fail_next_write` writes 500 after Azurite
    has made them: Azure's answer when its front end times out on a write the table took (the storage client tries
    again, and is then told the row exists, or has changed)."""

    def __init__(self, azurite: str) -> None:
        match = re.search(r"TableEndpoint=(http://127\.0\.0\.1:\d+)", azurite)
        if match is None:
            raise ValueError("not a local Azurite connection string")
        self._azurite, self._target = azurite, match[1]
        self.connection_string = ""
        self.failed: list[str] = []  # the path of each write answered 500
        self._left = 0
        self._table = ""

    def fail_next_write(self, table: str, *, times: int = 1) -> None:
        """The next `times` writes to `table` (its full name, with the prefix) are made, then answered 500."""
        self._table, self._left = table, times

    async def _forward(self, session: aiohttp.ClientSession, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        # As the client signed it: no header aiohttp would add (a content type is in the signature), the path as sent.
        async with session.request(request.method, yarl.URL(self._target + request.raw_path, encoded=True),
                                   headers=headers, data=body or None,
                                   skip_auto_headers=("Content-Type", "Accept-Encoding", "User-Agent")) as answer:
            data = await answer.read()
            passed = {k: v for k, v in answer.headers.items()
                      if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding")}
            status = answer.status
        written = request.method in ("PUT", "MERGE", "PATCH", "POST", "DELETE")
        if self._left and written and self._table in request.path + body.decode("utf-8", "replace"):
            self._left -= 1
            self.failed.append(request.path)
            return web.json_response({"odata.error": {"code": "InternalError", "message": {
                "lang": "en-US", "value": "Server encountered an internal error. Please try again after some time."}}},
                status=500, headers={"x-ms-error-code": "InternalError"})
        return web.Response(body=data, status=status, headers=passed)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[StorageAnswering500]:
        """The proxy, listening; `connection_string` reaches Azurite through it."""
        async with aiohttp.ClientSession(auto_decompress=False) as session:
            proxy = web.Application(client_max_size=64 * 1024 * 1024)
            proxy.router.add_route("*", "/{path:.*}", partial(self._forward, session))
            async with serve(proxy) as port:
                self.connection_string = self._azurite.replace(self._target, f"http://127.0.0.1:{port}")
                yield self
