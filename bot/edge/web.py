"""`POST /api/messages`: a thin handler around CloudAdapter that answers bad input with 4xx, never 500."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, InvokeResponse
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication

from bot.edge.admission import Busy, TurnGate
from bot.edge.auth import AuthenticationFailed, authenticate, precheck, verify_before_body
from bot.edge.speedups import install_sdk_speedups, send_with

log = logging.getLogger(__name__)

TurnLogic = Callable[[TurnContext], Awaitable[None]]

# On shutdown, how long the messages still queued may take to be answered before the process stops.
DRAIN_SECONDS = 10.0


# The one channel served: in any other (Web Chat, Direct Line...) the tenant and the sender would be the client's
# to choose, and so would the serviceUrl a reply goes to.
SERVED_CHANNEL = "msteams"
# Teams ids (`29:…`, `a:…`, `19:…@thread.v2`) are printable ASCII; anything else cannot be replied to.
_TEAMS_ID = re.compile(r"^[\x21-\x7e]{1,512}$")
_SERVICE_URL = re.compile(r"^https?://[\x21-\x7e]{1,2000}$")


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


def parse_activity(body: Any) -> Activity:
    """An Activity from a JSON body, or ValueError saying what is missing."""
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    if not isinstance(body.get("type"), str) or not body["type"]:
        raise ValueError("type is required")
    if not isinstance(body.get("serviceUrl"), str) or not _SERVICE_URL.match(body["serviceUrl"]):
        raise ValueError("serviceUrl must be an http(s) URL")
    if not isinstance(body.get("channelId"), str) or not _TEAMS_ID.match(body["channelId"]):
        raise ValueError("channelId is required")
    for key in ("conversation", "from"):
        part = body.get(key)
        if not isinstance(part, dict) or not isinstance(part.get("id"), str) or not _TEAMS_ID.match(part["id"]):
            raise ValueError(f"{key}.id is required and must be a Teams id")
    try:
        activity = Activity().deserialize(body)
    except Exception as error:  # msrest raises several unrelated types for malformed fields
        raise ValueError(f"not an activity: {type(error).__name__}") from None
    if not isinstance(activity, Activity):
        raise ValueError("not an activity")
    return activity


def _serialize(body: Any) -> Any:
    serialize = getattr(body, "serialize", None)
    return serialize() if callable(serialize) else body


@dataclass(frozen=True)
class Admission:
    """Turns admitted a few at a time; how long a card click and a message may wait for their turn."""

    gate: TurnGate
    click_wait: float
    message_wait: float


@dataclass(frozen=True)
class TurnLogics:
    """What the bot does with a turn: run it, say it waited too long, or show it is queued."""

    run: TurnLogic
    busy: TurnLogic
    queued: TurnLogic


class MessagesHandler:
    """The aiohttp handler for activities from Teams (`POST /api/messages`).

    Card clicks wait for a place at most `Admission.click_wait` (Teams gives a click a few seconds) and then run
    while Teams waits. A message is answered through the connector, not in the HTTP answer, so one still waiting
    after `HOLD_SECONDS` is acknowledged (Teams would resend it after 15 s), shown as queued, and run when its turn
    comes; one that has waited `Admission.message_wait` is told the bot is busy instead.
    """

    HOLD_SECONDS = 5.0
    # Teams posts an activity whole, at once. A body still arriving after this is a slow client (slowloris) holding a
    # connection and up to MAX_BODY_BYTES of memory, before its token can be checked: it is answered 408 and closed.
    BODY_SECONDS = 10.0

    def __init__(self, adapter: CloudAdapter, auth: BotFrameworkAuthentication, logics: TurnLogics, *,
                 admission: Admission, session: aiohttp.ClientSession, credentials_configured: bool,
                 own_tenant: str = "") -> None:
        install_sdk_speedups()
        send_with(auth, session)  # replies and proactive messages go to Teams over the app's session
        self._adapter = adapter
        self._auth = auth
        self._logics = logics
        self._admission = admission
        self._credentials_configured = credentials_configured
        self._own_tenant = own_tenant  # MicrosoftAppTenantId: named in the log beside a token from another tenant
        self._queued: set[asyncio.Task[Any]] = set()

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        """Check the request, then run its turn when a place is free."""
        if request.content_type != "application/json":
            return web.json_response({"error": "Content-Type must be application/json"}, status=415)
        if self._credentials_configured:
            try:  # the body of a caller without a token the Bot Framework signed for this bot is never read
                precheck(request.headers.get("Authorization", ""))
                await verify_before_body(self._auth, request.headers.get("Authorization", ""),
                                         channel_id=SERVED_CHANNEL, own_tenant=self._own_tenant)
            except AuthenticationFailed:
                return web.json_response({"error": "unauthorized"}, status=401)
        try:
            async with asyncio.timeout(self.BODY_SECONDS):
                raw = await request.read()
            body = json.loads(raw)
        except TimeoutError:
            return web.json_response({"error": "the body did not arrive in time"}, status=408,
                                     headers={"Connection": "close"})
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"error": "body too large"}, status=413)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep, a number too long to read
            return _bad_request("the body is not JSON")
        try:
            activity = parse_activity(body)
        except ValueError as error:
            return _bad_request(str(error))
        try:
            result = await authenticate(self._auth, activity, request.headers.get("Authorization", ""),
                                        credentials_configured=self._credentials_configured,
                                        own_tenant=self._own_tenant)
        except AuthenticationFailed:
            return web.json_response({"error": "unauthorized"}, status=401)
        if activity.channel_id != SERVED_CHANNEL:
            # Refused before the turn: nothing is stored and nothing is sent to the activity's serviceUrl.
            log.warning("activity refused: not from Microsoft Teams", extra={"channel_id": activity.channel_id[:40]})
            return web.json_response({"error": "only Microsoft Teams is served"}, status=403)
        click = activity.type == ActivityTypes.invoke
        if click or self._admission.gate.has_room():
            return _invoke_answer(await self._turn(result, activity, click=click))
        started = asyncio.Event()
        turn = asyncio.create_task(self._turn(result, activity, click=False, started=started))
        waiting = asyncio.create_task(started.wait())
        await asyncio.wait((turn, waiting), timeout=self.HOLD_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if not started.is_set() and not turn.done():
            shown = asyncio.create_task(self._adapter.process_activity(result, activity, self._logics.queued))
            for task in (turn, shown):
                self._queued.add(task)
                task.add_done_callback(self._finished)
            return web.Response(status=202)
        return _invoke_answer(await turn)

    async def _turn(self, result: AuthenticateRequestResult, activity: Activity, *, click: bool,
                    started: asyncio.Event | None = None) -> InvokeResponse | None:
        admission = self._admission
        try:
            async with admission.gate.admitted(click=click, sender=_sender(activity),
                                               within=admission.click_wait if click else admission.message_wait):
                if started is not None:
                    started.set()
                return await self._adapter.process_activity(result, activity, self._logics.run)
        except Busy:
            # Said plainly now rather than never: Teams would have given up on a click, and on a message long ago.
            return await self._adapter.process_activity(result, activity, self._logics.busy)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._queued.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("queued turn failed", exc_info=task.exception())

    async def drain(self, *, within: float = DRAIN_SECONDS) -> None:
        """On shutdown: answer the messages still queued, giving up on those not answered `within` seconds."""
        if not self._queued:
            return
        _, left = await asyncio.wait(set(self._queued), timeout=within)
        if left:
            # Teams was told they arrived, so it will not send them again: say so where the technician will look.
            log.warning("shutting down with queued messages unanswered", extra={"unanswered": len(left)})
            for task in left:
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)


def _sender(activity: Activity) -> str:
    """Who sent the activity, as Teams names them: only to share the gate's places fairly (the turn itself checks
    who may do what)."""
    sender = activity.from_property
    return str(getattr(sender, "aad_object_id", None) or getattr(sender, "id", None) or "")


def _invoke_answer(invoke_response: InvokeResponse | None) -> web.StreamResponse:
    if invoke_response is not None and invoke_response.status is not None:
        body_out = _serialize(invoke_response.body)
        if body_out is None:
            return web.Response(status=int(invoke_response.status))
        return web.json_response(body_out, status=int(invoke_response.status))
    return web.Response(status=200)
