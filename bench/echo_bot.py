"""The floor: a bare Bot Framework echo bot (CloudAdapter + a plain aiohttp handler), as the SDK samples write it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity


class _Config:
    """No app id: local, unauthenticated, like `APP_ENV=local` for the real bot."""

    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


class EchoBot(ActivityHandler):  # type: ignore[misc]
    """Replies to every message with one line of text."""

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Echo the text back."""
        await turn_context.send_activity(MessageFactory.text(f"You said: {turn_context.activity.text}"))


def create_app(*, speedups: bool = False) -> web.Application:
    """The echo bot's web application; `speedups` applies this bot's SDK fixes (bot/edge/speedups.py)."""
    auth = ConfigurationBotFrameworkAuthentication(_Config())
    adapter = CloudAdapter(auth)
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        body = await request.json()
        activity = Activity().deserialize(body)
        auth_header = request.headers.get("Authorization", "")
        response = await adapter.process_activity(auth_header, activity, bot.on_turn)
        if response:
            return web.json_response(data=response.body, status=response.status)
        return web.Response(status=201)

    async def readyz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    app = web.Application()
    if speedups:
        from bot.edge.speedups import install_sdk_speedups, send_with  # noqa: PLC0415 - only for the floor

        async def replies_over_aiohttp(app: web.Application) -> AsyncIterator[None]:
            async with aiohttp.ClientSession() as session:
                install_sdk_speedups()
                send_with(auth, session)
                yield

        app.cleanup_ctx.append(replies_over_aiohttp)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/readyz", readyz)
    return app


def main() -> int:
    """`python -m bench.echo_bot --port PORT`."""
    parser = argparse.ArgumentParser(prog="python -m bench.echo_bot")
    parser.add_argument("--port", type=int, default=3979)
    parser.add_argument("--speedups", action="store_true", help="apply bot.edge.speedups (this bot's SDK fixes)")
    args = parser.parse_args()
    web.run_app(create_app(speedups=args.speedups), host="127.0.0.1", port=args.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
