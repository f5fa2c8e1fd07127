"""A local Bot Framework connector: the REST endpoints a bot replies to, capturing every activity."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.servers import serve


@dataclass
class Connector:
    """What the bot sent, by conversation, and knobs to make the connector misbehave."""

    url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    # Conversation members by their Teams id, as `GET /v3/conversations/{id}/members/{member id}` answers (404 for
    # anyone else); the Teams ids looked up, in order; `members_down`: that lookup answers 503.
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    member_lookups: list[str] = field(default_factory=list)
    members_down: bool = False
    fail_next: list[int] = field(default_factory=list)
    fail_next_update: list[int] = field(default_factory=list)  # statuses for the next updates only (sends go on)
    fail_updates_in: str = ""  # with it, `fail_next_update` is for the next updates in this conversation only
    retry_after: str = ""  # the Retry-After header sent with each failure, when set
    hang_next: int = 0  # how many sends to answer only after `hang_seconds` (a connector that times out)
    hang_seconds: float = 3.0
    holding: asyncio.Event = field(default_factory=asyncio.Event)  # set when a send is held for `hang_seconds`
    event: asyncio.Event = field(default_factory=asyncio.Event)
    # Run with each activity posted (not updated), once it is kept and before the bot hears Teams took it.
    on_send: Callable[[dict[str, Any]], Awaitable[None]] | None = None

    def cards(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        """Adaptive Cards sent (not updates), oldest first, optionally for one conversation."""
        found = []
        for activity in self.sent:
            if conversation_id and activity.get("conversation", {}).get("id") != conversation_id:
                continue
            for attachment in activity.get("attachments") or []:
                if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                    found.append(attachment["content"])
        return found

    async def wait_for_cards(self, conversation_id: str, count: int, *, within: float = 10.0) -> None:
        """Wait until at least `count` cards were sent to one conversation."""
        async with asyncio.timeout(within):
            while len(self.cards(conversation_id)) < count:
                self.event.clear()
                await self.event.wait()

    async def wait_for(self, count: int, *, within: float = 5.0) -> None:
        """Wait until at least `count` activities were sent or updated (fails after `within` seconds)."""
        async with asyncio.timeout(within):
            while len(self.sent) + len(self.updated) < count:
                self.event.clear()
                await self.event.wait()


@asynccontextmanager
async def run_connector() -> AsyncIterator[Connector]:
    """Start the connector on a free loopback port."""
    connector = Connector()
    ids = itertools.count(1)

    def _failure() -> web.Response | None:
        if connector.fail_next:
            headers = {"Retry-After": connector.retry_after} if connector.retry_after else None
            return web.json_response(
                {"error": {"code": "Throttled"}}, status=connector.fail_next.pop(0), headers=headers
            )
        return None

    async def send(request: web.Request) -> web.Response:
        if connector.hang_next:
            connector.hang_next -= 1
            connector.holding.set()
            await asyncio.sleep(connector.hang_seconds)
        failure = _failure()
        if failure is not None:
            return failure
        activity = await request.json()
        activity.setdefault("conversation", {"id": request.match_info["conversation_id"]})
        activity["id"] = f"sent-{next(ids)}"
        connector.sent.append(activity)
        connector.event.set()
        if connector.on_send is not None:
            await connector.on_send(activity)
        return web.json_response({"id": activity["id"]})

    async def update(request: web.Request) -> web.Response:
        if connector.fail_next_update and connector.fail_updates_in in ("", request.match_info["conversation_id"]):
            return web.json_response({"error": {"code": "NotFound"}}, status=connector.fail_next_update.pop(0))
        failure = _failure()
        if failure is not None:
            return failure
        activity = await request.json()
        activity["id"] = request.match_info["activity_id"]
        connector.updated.append(activity)
        connector.event.set()
        return web.json_response({"id": activity["id"]})

    async def member(request: web.Request) -> web.Response:
        connector.member_lookups.append(request.match_info["member_id"])
        if connector.members_down:
            return web.json_response({"error": {"code": "ServiceUnavailable"}}, status=503)
        found = connector.members.get(request.match_info["member_id"])
        if found is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(found)

    app = web.Application()
    app.router.add_get("/v3/conversations/{conversation_id}/members/{member_id}", member)
    app.router.add_post("/v3/conversations/{conversation_id}/activities", send)
    app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", send)
    app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", update)
    async with serve(app) as port:
        connector.url = f"http://127.0.0.1:{port}/"
        yield connector
