"""The real app served over real HTTP from a background thread, for synchronous tests (hypothesis, browsers)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from app import SERVICES, create_app
from bot.settings import Settings
from tests.support.connector import Connector, run_connector


@dataclass
class LiveBot:
    """A running bot: its URL, its connector, its app (for services) and its loop (to run coroutines on)."""

    url: str
    connector: Connector
    app: web.Application
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Any) -> Any:
        """Run a coroutine on the bot's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    def verbs(self) -> list[str]:
        """Every card verb the running bot routes."""
        return self.app[SERVICES].bot.verbs()


@contextmanager
def live_bot(settings: Settings) -> Iterator[LiveBot]:
    """Serve `create_app(settings)` and a local connector on loopback from a thread of their own."""
    loop = asyncio.new_event_loop()
    ready: Future[LiveBot] = Future()
    stop = asyncio.Event()

    async def serve() -> None:
        try:
            async with run_connector() as connector:
                app = create_app(settings)
                runner = web.AppRunner(app)
                await runner.setup()
                site = web.TCPSite(runner, "127.0.0.1", 0)
                await site.start()
                port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
                ready.set_result(LiveBot(f"http://127.0.0.1:{port}", connector, app, loop))
                await stop.wait()
                await runner.cleanup()
        except BaseException as error:  # surface start-up failures to the waiting test
            if not ready.done():
                ready.set_exception(error)
            raise

    thread = threading.Thread(target=lambda: loop.run_until_complete(serve()), daemon=True)
    thread.start()
    try:
        yield ready.result(timeout=30)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()
