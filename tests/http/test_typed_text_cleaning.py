"""Typed text and display names reach other people's cards cleaned (issue 19, item 5), over HTTP."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app import SERVICES
from tests.http.test_permission_flow import form
from tests.support.activities import CARYS, SIAN, card_action, message
from tests.support.connector import Connector

SIAN_CHAT = "a:personal-29:sian"
INVISIBLE = "\u061c\u2028\u2029\ufeff\u2060\u00ad\U000e0041\U000e007f\u202e\ue000"


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def _invisible(card: dict[str, Any]) -> list[str]:
    return [text for text in _strings(card)
            if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Zl", "Zp") and ch not in "\n\t" for ch in text)]


async def test_the_requesters_name_on_the_pending_list_is_cleaned(client: TestClient, connector: Connector) -> None:
    carys = {**CARYS, "name": f"Carys{INVISIBLE} Jenkins"}
    for person in (carys, SIAN):
        await client.post("/api/messages", json=message(person, "hi", connector.url))
    await client.post("/api/messages", json=card_action(carys, "permission.submit", form(
        purpose=f"Field trip{INVISIBLE} photos"), connector.url))
    await client.app[SERVICES].deliverer.drain()

    await client.post("/api/messages", json=message(SIAN, "pending requests", connector.url))
    pending = connector.cards(SIAN_CHAT)[-1]

    assert "Jenkins" in json.dumps(pending) and "Field trip" in json.dumps(pending)
    assert _invisible(pending) == []
    assert _invisible(connector.cards(SIAN_CHAT)[-2]) == []  # the request card itself


@pytest.mark.parametrize("locale", ["en-GB", "cy-GB"])
@pytest.mark.parametrize("blank", ["\u200b\u200b", "\u3164", "\u2800\u2800", "\u115f\u1160", "\u00ad \u034f"])
async def test_a_display_name_that_shows_as_nothing_is_named_from_the_staff_list(
        staffed: TestClient, connector: Connector, blank: str, locale: str) -> None:
    """A member of staff whose Teams name is only invisible or blank-looking characters (zero-width spaces, the
    Hangul filler, blank Braille) sends a request: the head's card names her as the staff list does, as it does when
    Teams gives no name. Before, the head read "asks to start a new Instagram account for parents" (or a blank before
    it), with nobody named, on the card and on her phone's lock screen."""
    carys = {**CARYS, "name": blank}
    for person in (carys, SIAN):
        await staffed.post("/api/messages", json=message(person, "hi", connector.url, locale=locale))
    await staffed.post("/api/messages", json=card_action(carys, "permission.submit", form(), connector.url,
                                                         locale=locale))
    await staffed.app[SERVICES].deliverer.drain()

    to_head = connector.cards(SIAN_CHAT)[-1]
    assert "Carys Jenkins" in to_head["fallbackText"]
    assert "Carys Jenkins" in json.dumps(to_head["body"][0], ensure_ascii=False)
