"""A storage outage: a TCP proxy in front of Azurite that goes down (every connection cut, its port closed, so new
ones are refused) and comes back on the same port, as Azure Storage does, with every row still there (restarting
Azurite itself would lose what it had not yet saved to disk)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class StorageOutage:
    """The proxy; `connection_string` reaches Azurite through it."""

    def __init__(self, azurite: str) -> None:
        match = re.search(r"127\.0\.0\.1:(\d+)", azurite)
        if match is None:
            raise ValueError("not a local Azurite connection string")
        self._azurite, self._target = azurite, int(match[1])
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._pipes: set[asyncio.Task[None]] = set()

    @property
    def connection_string(self) -> str:
        """Azurite's connection string, through the proxy."""
        return self._azurite.replace(f"127.0.0.1:{self._target}", f"127.0.0.1:{self.port}")

    async def up(self) -> None:
        """Listen (again, on the same port once it has one); nothing if it is up."""
        if self._server is not None:
            return
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def down(self) -> None:
        """Stop listening and cut every open connection, mid-request or not."""
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._open):
            writer.transport.abort()
        await self._server.wait_closed()
        self._server = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Counted open from the start: a connection still reaching Azurite when the proxy goes down is cut too (else
        # its socket outlived the test, and the garbage collector's warning failed whichever test came next).
        self._open.add(writer)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self._target)
        except OSError:
            writer.transport.abort()
            self._open.discard(writer)
            return
        if writer.transport.is_closing():
            upstream_writer.transport.abort()
            self._open.discard(writer)
            return
        pair = {writer, upstream_writer}
        self._open |= pair
        pipes = [asyncio.ensure_future(_pipe(reader, upstream_writer)), asyncio.ensure_future(_pipe(upstream_reader,
                                                                                                      writer))]
        self._pipes.update(pipes)
        try:
            await asyncio.gather(*pipes)
        finally:
            self._open -= pair
            self._pipes.difference_update(pipes)

    async def close(self) -> None:
        """Down, and every pipe finished."""
        await self.down()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        sink.transport.abort()


@asynccontextmanager
async def storage_outage(azurite: str) -> AsyncIterator[StorageOutage]:
    """The proxy, up, in front of the session's Azurite."""
    outage = StorageOutage(azurite)
    await outage.up()
    try:
        yield outage
    finally:
        with contextlib.suppress(Exception):
            await outage.close()
