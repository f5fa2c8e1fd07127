"""`POST /api/messages`: a thin handler around CloudAdapter that answers bad input with 4xx, never 500."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import BotFrameworkAuthentication

from bot.edge.auth import AuthenticationFailed, authenticate
from bot.edge.speedups import install_sdk_speedups

log = logging.getLogger(__name__)

TurnLogic = Callable[[TurnContext], Awaitable[None]]


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


def messages_handler(adapter: CloudAdapter, auth: BotFrameworkAuthentication, logic: TurnLogic, *,
                     credentials_configured: bool) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Build the aiohttp handler for activities from Teams."""
    install_sdk_speedups()

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.content_type != "application/json":
            return web.json_response({"error": "Content-Type must be application/json"}, status=415)
        try:
            raw = await request.read()
            body = json.loads(raw)
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"error": "body too large"}, status=413)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _bad_request("the body is not JSON")
        try:
            activity = parse_activity(body)
        except ValueError as error:
            return _bad_request(str(error))
        try:
            result = await authenticate(auth, activity, request.headers.get("Authorization", ""),
                                        credentials_configured=credentials_configured)
        except AuthenticationFailed:
            return web.json_response({"error": "unauthorized"}, status=401)
        if activity.channel_id != SERVED_CHANNEL:
            # Refused before the turn: nothing is stored and nothing is sent to the activity's serviceUrl.
            log.warning("activity refused: not from Microsoft Teams", extra={"channel_id": activity.channel_id[:40]})
            return web.json_response({"error": "only Microsoft Teams is served"}, status=403)
        invoke_response = await adapter.process_activity(result, activity, logic)
        if invoke_response is not None and invoke_response.status is not None:
            body_out = _serialize(invoke_response.body)
            if body_out is None:
                return web.Response(status=int(invoke_response.status))
            return web.json_response(body_out, status=int(invoke_response.status))
        return web.Response(status=200)

    return handle
