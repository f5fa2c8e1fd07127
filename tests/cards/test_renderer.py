"""The card checker passes a good 1.5 card, and demonstrably fails each kind of bad card."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from cards.gallery import gallery
from tests.cards.renderer import MAX_BYTES, render_cards_to_png, validate_cards

GOOD: dict[str, Any] = {
    "type": "AdaptiveCard",
    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
    "version": "1.5",
    "lang": "en",
    "body": [
        {"type": "TextBlock", "text": "Social media policy", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": "- **Ask** a question\n- Request permission", "wrap": True},
        {"type": "Input.Text", "id": "purpose", "label": "What it is for", "isRequired": True,
         "errorMessage": "Say what the account is for"},
        {"type": "Image", "url": "https://example.com/logo.png", "altText": "Logo"},
        {"type": "ActionSet", "actions": [{"type": "Action.Execute", "title": "Help", "verb": "help"}]},
    ],
    "actions": [{"type": "Action.Execute", "title": "Send", "verb": "send", "data": {"id": "R1"}}],
}


def _with(**changes: Any) -> dict[str, Any]:
    card = copy.deepcopy(GOOD)
    card.update(changes)
    return card


BAD: dict[str, tuple[dict[str, Any], str]] = {
    "unknown element type": (_with(body=[{"type": "FancyBlock", "text": "x"}]), "UnknownElementType"),
    "bad property value": (_with(body=[{"type": "TextBlock", "text": "x", "size": "Huge"}]),
                           "InvalidPropertyValue"),
    "duplicate input ids": (_with(body=[{"type": "Input.Text", "id": "a", "label": "A"},
                                        {"type": "Input.Text", "id": "a", "label": "B"}]), "DuplicateId"),
    "required input without label": (
        _with(body=[{"type": "Input.Text", "id": "a", "isRequired": True, "errorMessage": "Needed"}]),
        "RequiredInputsShouldHaveLabel"),
    "required input without error message": (
        _with(body=[{"type": "Input.Text", "id": "a", "isRequired": True, "label": "A"}]),
        "RequiredInputsShouldHaveErrorMessage"),
    "Action.Execute without verb": (
        _with(actions=[{"type": "Action.Execute", "title": "Send"}]), "has no verb"),
    "nested Action.Execute with empty verb": (
        _with(body=[{"type": "Container", "items": [
            {"type": "ActionSet", "actions": [{"type": "Action.Execute", "title": "Go", "verb": " "}]}]}]),
        "has no verb"),
    "version 1.6": (_with(version="1.6"), "at most 1.5"),
    "Image without url": (_with(body=[{"type": "Image", "altText": "x"}]), "Image at $.body[0] has no url"),
    "not an AdaptiveCard": (_with(type="MessageCard"), "not 'AdaptiveCard'"),
    "over 28 KB": (
        _with(body=[{"type": "TextBlock", "text": "x" * MAX_BYTES, "wrap": True}]), "byte message limit"),
}


def test_a_good_card_has_no_findings(card_page: Page) -> None:
    assert validate_cards([GOOD], card_page) == [[]]


@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_card_is_reported(card_page: Page, case: str) -> None:
    card, expected = BAD[case]

    [findings] = validate_cards([card], card_page)

    assert any(expected in finding for finding in findings), findings


def test_findings_stay_with_their_card(card_page: Page) -> None:
    cards = [GOOD, BAD["duplicate input ids"][0], GOOD]

    findings = validate_cards(cards, card_page)

    assert [bool(f) for f in findings] == [False, True, False]


def test_cards_render_to_png(card_page: Page, tmp_path: Path) -> None:
    written = render_cards_to_png({"good": GOOD, "welcome": gallery()["welcome.en"]}, tmp_path, card_page)

    assert [path.name for path in written] == ["good.png", "welcome.png"]
    for path in written:
        png = path.read_bytes()
        assert png.startswith(b"\x89PNG")
        assert int.from_bytes(png[16:20], "big") == 420  # IHDR width: the Teams-like host's width
