"""A storage outage: a TCP proxy in front of Azurite that goes down (every connection cut, its port closed, so new
ones are refused) and comes back on the same port, as Azure Storage does, with every row still there (restarting
Azurite itself would lose what it had not yet saved to disk). It can also hang (take connections and requests and
never answer, as a service whose front end is stuck does) and answer slowly."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

_REQUEST_LINE = re.compile(rb"(?:GET|POST|PUT|MERGE|PATCH|DELETE|HEAD) /\S*")


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
        self._hung = False
        self._swallowed: set[asyncio.StreamWriter] = set()  # connections whose requests a hang took and never passed on
        self.delay = 0.0  # seconds each of Azurite's answers is held before it is passed on
        self.unanswered: list[str] = []  # each request taken while hung: its method and path ("GET /account/table...")
        # When set, the proxy hangs once a request holding these bytes has passed: that request reaches Azurite (it may
        # be made) but its answer never comes, nor any other (storage hung mid-way through a turn's writes).
        self.hang_after = b""
        # When set, the proxy goes down once a request holding these bytes has been passed on: that request reaches
        # Azurite (it may be made) and its connection is cut with everything else before the answer comes back.
        self.down_after = b""
        self._passing: set[asyncio.StreamWriter] = set()
        self._last_request = 0.0  # the loop's time when the bot last sent storage anything
        # Each request answered, as its answer was passed back to the bot ("POST /account/table..."), in that order.
        self.answered: list[str] = []
        self._awaiting: dict[asyncio.StreamWriter, list[str]] = {}  # per connection, requests not yet answered

    def hang(self) -> None:
        """From now on every connection, open or new, is kept open and what the bot sends on it goes nowhere: no
        answer, no error, as from a service that has stopped answering but not closed."""
        self._hung = True

    def answer(self) -> None:
        """Answer again; a connection that had a request swallowed is cut (it can never be answered now)."""
        self._hung = False
        self.hang_after = b""
        self._passing.clear()
        for writer in list(self._swallowed):
            writer.transport.abort()
        self._swallowed.clear()

    async def quiet(self, seconds: float = 0.5, most: float = 20.0) -> None:
        """Wait until the bot has sent storage nothing for `seconds` (its background jobs' first passes are done), at
        most `most` seconds: what a hang takes after it is then the turn's."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + most
        while True:
            idle = loop.time() - self._last_request
            if idle >= seconds or loop.time() >= give_up:
                return
            await asyncio.sleep(seconds - idle)

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
        if self._hung:
            await self._swallow(reader, writer)
            return
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
        pipes = [asyncio.ensure_future(self._pipe(reader, upstream_writer, writer)),
                 asyncio.ensure_future(self._pipe(upstream_reader, writer, writer, answers=True))]
        self._pipes.update(pipes)
        try:
            await asyncio.gather(*pipes)
        except asyncio.CancelledError:
            pass  # closed: the pipes were cancelled
        finally:
            self._open -= pair
            self._pipes.difference_update(pipes)

    async def _swallow(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """A connection taken while hung: read and dropped until the bot gives up on it or the proxy answers again."""
        self._swallowed.add(writer)
        try:
            while data := await reader.read(65536):
                self._note(data)
        except OSError:
            pass
        finally:
            writer.transport.abort()
            self._open.discard(writer)
            self._swallowed.discard(writer)

    def _note(self, data: bytes) -> None:
        """Note a request taken while hung, by its request line (a body's later chunks have none)."""
        if found := _REQUEST_LINE.match(data):
            self.unanswered.append(found[0].decode("ascii", "replace"))

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, client: asyncio.StreamWriter, *,
                    answers: bool = False) -> None:
        try:
            while data := await source.read(65536):
                if not answers:
                    self._last_request = asyncio.get_running_loop().time()
                if not answers and self.hang_after and not self._hung and self.hang_after in data:
                    self._hung = True  # this request goes on to Azurite, its answer and everything after are kept
                    self._passing.add(client)
                    self._swallowed.add(client)
                    self._note(data)
                if not answers and self.down_after and self.down_after in data:
                    self.down_after = b""
                    sink.write(data)
                    await sink.drain()
                    await self.down()  # storage stopped mid-way: the request was sent, its answer never comes
                    continue
                if not answers and client in self._passing:
                    sink.write(data)
                    await sink.drain()
                    continue
                if self._hung and not answers:
                    self._swallowed.add(client)  # a request on an open connection, taken and never passed on
                    self._note(data)
                    continue
                if not answers and (found := _REQUEST_LINE.match(data)):
                    self._awaiting.setdefault(client, []).append(found[0].decode("ascii", "replace"))
                if answers and self.delay:
                    await asyncio.sleep(self.delay)
                if client in self._swallowed:
                    continue
                sink.write(data)
                await sink.drain()
                if answers and data.startswith(b"HTTP/") and self._awaiting.get(client):
                    self.answered.append(self._awaiting[client].pop(0))  # one request at a time on a connection
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            sink.transport.abort()
            self._awaiting.pop(client, None)

    async def close(self) -> None:
        """Down, and every pipe finished."""
        self.answer()
        await self.down()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)


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
