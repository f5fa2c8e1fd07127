"""Reading cards the bot sent: buttons and their data, wherever they sit."""

from __future__ import annotations

from typing import Any


def actions(element: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action in a card or element, including those in ActionSets nested in containers."""
    found: list[dict[str, Any]] = list(element.get("actions", []))
    for key in ("body", "items"):
        for child in element.get(key, []):
            if isinstance(child, dict):
                found.extend(actions(child))
    return found


def verb_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    """The data of the first button with this verb; fails when the card has none."""
    for action in actions(card):
        if action.get("verb") == verb:
            return dict(action.get("data", {}))
    raise AssertionError(f"no {verb} button on the card")
