"""Reading cards the bot sent: buttons and their data."""

from __future__ import annotations

from typing import Any


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action on a card: its own and those in ActionSets."""
    inline = [a for block in card.get("body", []) if block.get("type") == "ActionSet" for a in block["actions"]]
    return [*card.get("actions", []), *inline]


def verb_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    """The data of the button with this verb; fails when the card has none."""
    for action in actions(card):
        if action.get("verb") == verb:
            return dict(action.get("data", {}))
    raise AssertionError(f"no {verb} button on the card")
