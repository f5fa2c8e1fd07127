"""Reading cards the bot sent: buttons and their data, wherever they sit."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from app import SERVICES
from tests.support.connector import Connector


def actions(element: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action in a card or element, including those in ActionSets nested in containers and in a Show card's own
    card (Withdraw's question, with the button that withdraws)."""
    found: list[dict[str, Any]] = list(element.get("actions", []))
    for action in element.get("actions", []):
        if isinstance(action.get("card"), dict):
            found.extend(actions(action["card"]))
    for key in ("body", "items"):
        for child in element.get(key, []):
            if isinstance(child, dict):
                found.extend(actions(child))
    return found


def inputs(node: object) -> list[dict[str, Any]]:
    """Every input in a card or element, wherever it sits (containers, columns, a Show card's own card)."""
    if isinstance(node, list):
        return [found for item in node for found in inputs(item)]
    if not isinstance(node, dict):
        return []
    here = [node] if str(node.get("type", "")).startswith("Input.") else []
    return here + [found for value in node.values() for found in inputs(value)]


def verb_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    """The data of the first button with this verb; fails when the card has none."""
    for action in actions(card):
        if action.get("verb") == verb:
            return dict(action.get("data", {}))
    raise AssertionError(f"no {verb} button on the card")


async def press(client: TestClient, connector: Connector, activity: dict[str, Any]) -> dict[str, Any]:
    """Post a card click (an `adaptiveCard/action` invoke) and deliver what it caused; the card the person then sees:
    the card that replaced the clicked one, or, for a button that opens something (the clicked card stays and the
    invoke answers with a message), the card that came below it."""
    chat = f"a:personal-{activity['from']['id']}" if activity["conversation"]["conversationType"] == "personal" \
        else activity["conversation"]["id"]
    before = len(connector.cards(chat))
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200
    await client.app[SERVICES].deliverer.drain()
    body: dict[str, Any] | str = (await response.json())["value"]
    if isinstance(body, dict):
        return body
    opened = connector.cards(chat)[before:]
    return opened[0] if opened else {"message": body}


def elements(node: object, kind: str) -> list[dict[str, Any]]:
    """Every element of a type ("FactSet", "RichTextBlock", "Input.ChoiceSet") in a card, wherever it sits, in order."""
    if isinstance(node, list):
        return [found for item in node for found in elements(item, kind)]
    if not isinstance(node, dict):
        return []
    here = [node] if node.get("type") == kind else []
    return here + [found for value in node.values() for found in elements(value, kind)]


def facts(card: object) -> dict[str, str]:
    """The figures a card's fact sets show, by their label."""
    return {str(f["title"]): str(f["value"]) for fact_set in elements(card, "FactSet") for f in fact_set["facts"]}
