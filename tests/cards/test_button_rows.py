"""Button rows as Teams draws them: never wrapped (microsoft/AdaptiveCards#6880), so a row holds at most two
buttons, and two only where both titles fit a phone's width."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from playwright.sync_api import Page

from cards.gallery import gallery
from tests.cards.renderer import cut_buttons


def _checked() -> dict[str, dict[str, Any]]:
    return gallery()


def _rows(node: Any) -> Iterator[list[Mapping[str, Any]]]:
    """Every row of buttons: the card's own actions and each ActionSet, wherever it sits, a Show card's too."""
    if isinstance(node, Mapping):
        if node.get("type") in ("AdaptiveCard", "ActionSet") and node.get("actions"):
            yield list(node["actions"])
        for key, value in node.items():
            if key != "actions":
                yield from _rows(value)
        for action in node.get("actions", []):  # a Show card's own buttons, opened below it
            if isinstance(action, Mapping):
                yield from _rows(action.get("card"))
    elif isinstance(node, list):
        for value in node:
            yield from _rows(value)


def test_no_row_of_buttons_holds_more_than_two() -> None:
    cards = _checked()

    crowded = {name: [[a["title"] for a in row] for row in _rows(card) if len(row) > 2]
               for name, card in cards.items()}

    assert len(cards) >= 90
    assert {name: rows for name, rows in crowded.items() if rows} == {}


def test_no_button_title_is_cut_off_on_a_phone(card_page: Page) -> None:
    cards = _checked()

    cut = cut_buttons(list(cards.values()), card_page)

    assert {name: titles for name, titles in zip(cards, cut, strict=True) if titles} == {}


def test_a_row_too_wide_for_a_phone_is_found(card_page: Page) -> None:
    row = {"type": "ActionSet", "actions": [
        {"type": "Action.Execute", "title": title, "verb": "x"}
        for title in ("Read the whole section", "Ask to use social media for work")]}
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [row]}

    assert cut_buttons([card], card_page) != [[]]
    assert cut_buttons([card], card_page, width=800) == [[]]
