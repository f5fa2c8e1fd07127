"""A tiny HTTP proxy in front of Azurite that counts the storage requests the bot makes, by method and table."""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

# Hop-by-hop or recomputed headers are not copied either way.
_SKIP = frozenset({"host", "content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"})
_TABLE = re.compile(r"^/[^/]+/([A-Za-z][A-Za-z0-9]*)")


@dataclass(frozen=True)
class Seen:
    """One request as the proxy saw it (`perf_counter` times), for a timeline."""

    started: float
    ended: float
    method: str
    path: str
    status: int
    body: bytes


@dataclass
class Counts:
    """Requests seen, by "METHOD table", and when the last one finished; with `timeline`, each request as well."""

    by_kind: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    last_done: float = 0.0
    timeline: list[Seen] | None = None

    @property
    def total(self) -> int:
        """All requests seen."""
        return sum(self.by_kind.values())

    def snapshot(self) -> Counter[str]:
        """A copy of the counts so far."""
        return Counter(self.by_kind)

    async def settle(self, quiet: float = 0.3, within: float = 10.0) -> None:
        """Wait until no request has been in flight for `quiet` seconds (background work has finished)."""
        deadline = time.perf_counter() + within
        while time.perf_counter() < deadline:
            if self.in_flight == 0 and time.perf_counter() - max(self.last_done, 0.0) >= quiet:
                return
            await asyncio.sleep(0.05)


def _kind(method: str, path: str, prefix: str) -> str:
    match = _TABLE.match(path)
    table = match.group(1) if match else path
    if table.startswith(prefix):
        table = table[len(prefix):]
    elif table.startswith("Tables"):
        table = "Tables"
    elif table.startswith("$batch"):
        table = "$batch"
    return f"{method} {table}"


@asynccontextmanager
async def counting_proxy(target_port: int, *, prefix: str = "", port: int = 0,
                         slow: tuple[str, float] = ("", 0.0),
                         late: tuple[str, float] = ("", 0.0),
                         timeline: bool = False) -> AsyncIterator[tuple[int, Counts]]:
    """Run the proxy on loopback; yield its port and the live counts. `slow` = (marker, seconds): requests whose
    path and query contain the marker are forwarded only after that many seconds (a slow storage service). `late`
    = (marker, seconds): requests whose method, a space, path and query contain the marker are answered that many
    seconds after the service answered them (an answer slow to come back, to what the service did at once). With
    `timeline`, every request is kept in `counts.timeline` as well."""
    counts = Counts(timeline=[] if timeline else None)
    session = aiohttp.ClientSession(auto_decompress=False, timeout=aiohttp.ClientTimeout(total=30))
    target = f"http://127.0.0.1:{target_port}"

    async def forward(request: web.Request) -> web.Response:
        started = time.perf_counter()
        counts.in_flight += 1
        counts.by_kind[_kind(request.method, request.path, prefix)] += 1
        status = 0
        body = b""
        try:
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _SKIP}
            body = await request.read()
            if slow[0] and slow[0] in request.path_qs:
                await asyncio.sleep(slow[1])
            async with session.request(request.method, target + request.path_qs, headers=headers,
                                       data=body or None, allow_redirects=False) as upstream:
                payload = await upstream.read()
                out = {k: v for k, v in upstream.headers.items() if k.lower() not in _SKIP}
                status = upstream.status
            if late[0] and late[0] in f"{request.method} {request.path_qs}":
                await asyncio.sleep(late[1])
            return web.Response(status=upstream.status, body=payload, headers=out)
        finally:
            counts.in_flight -= 1
            counts.last_done = time.perf_counter()
            if counts.timeline is not None:
                counts.timeline.append(Seen(started, counts.last_done, request.method, request.path_qs, status, body))

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield int(bound), counts
    finally:
        await runner.cleanup()
        await session.close()


async def _serve(target_port: int, port: int) -> None:
    async with counting_proxy(target_port, port=port) as (bound, counts):
        print(f"counting proxy on 127.0.0.1:{bound} -> 127.0.0.1:{target_port}; Ctrl-C prints the counts", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            for kind, count in sorted(counts.by_kind.items()):
                print(f"{count:8d}  {kind}")


def main() -> None:
    """`python -m bench.proxy --target-port AZURITE_PORT [--port PORT]`: run the proxy on its own."""
    parser = argparse.ArgumentParser(prog="python -m bench.proxy")
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--port", type=int, default=10102)
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.target_port, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
