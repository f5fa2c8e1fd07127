"""Replies sent back to the chat a turn came from, tried again when Teams refuses them for a moment.

Teams throttles a bot that posts fast (429: a few posts a second to one chat, about fifty a second per app and
tenant) and now and then answers 412, 502, 503 or 504; Microsoft's guidance is to try again after a pause that grows,
with jitter. Messages to other people go through the outbox, which does that over minutes (`delivery.py`); a reply to
what someone typed goes straight back in the turn, so it is tried again here, for a few seconds only: Teams sends a
message again when its HTTP request is not answered within 15 s, and a turn that waited longer would be answered twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime

import aiohttp
from azure.core.exceptions import AzureError, DeserializationError
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ResourceResponse
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.edge.delivery import retry_after

log = logging.getLogger(__name__)

# What the Bot Framework connector client raises when Teams refuses, fails or cannot be reached.
CONNECTOR_ERRORS: tuple[type[BaseException], ...] = (
    HttpOperationError, ClientRequestError, AzureError, DeserializationError,
    aiohttp.ClientError, TimeoutError)
# Teams' answers that mean "not now" (Microsoft: retry 429, 412, 502 and 504; 503 is the service's own "not now").
NOT_NOW = frozenset({412, 429, 502, 503, 504})
TRIES = 4
FIRST_PAUSE_SECONDS = 0.5
# The most a turn waits between tries, and in all: a Retry-After longer than this is not waited for.
LONGEST_PAUSE_SECONDS = 4.0
PAUSES_IN_ALL_SECONDS = 7.0


def refusal_status(error: BaseException) -> int | None:
    """The HTTP status Teams refused a send with, or None when it gave none (no answer at all)."""
    response = getattr(error, "response", None)
    # aiohttp's response (the app's session: `speedups.py`) says `status`; requests' (the SDK's own) `status_code`.
    status = getattr(response, "status", getattr(response, "status_code", None))
    return status if isinstance(status, int) else None


def _pause(error: BaseException, tried: int) -> float | None:
    """How long to wait before the next try, or None when the refusal is final or asks for too long a wait."""
    if refusal_status(error) not in NOT_NOW:
        return None
    asked = retry_after(error, datetime.now(UTC))
    if asked is not None:
        seconds = asked.total_seconds()
        return seconds if seconds <= LONGEST_PAUSE_SECONDS else None
    grown = min(FIRST_PAUSE_SECONDS * 2 ** tried, LONGEST_PAUSE_SECONDS)
    return random.uniform(grown / 2, grown)  # jitter, so replies refused together are not sent again together


async def send_in_turn(context: TurnContext, activity: Activity) -> ResourceResponse | None:
    """Send `activity` to the turn's conversation; a refusal that means "not now" is tried again, a few times, for a
    few seconds in all. Raises the connector's error when it still cannot be sent."""
    waited = 0.0
    for tried in range(TRIES):
        try:
            return await context.send_activity(activity)
        except CONNECTOR_ERRORS as error:
            pause = _pause(error, tried)
            if pause is None or tried == TRIES - 1 or waited + pause > PAUSES_IN_ALL_SECONDS:
                raise
            log.info("reply refused for now (%s); trying again in %.1f s", refusal_status(error), pause)
            await asyncio.sleep(pause)
            waited += pause
    return None  # not reached: the last try returns or raises
