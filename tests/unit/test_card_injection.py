"""Typed text is inert on every card: markdown, links, mentions and HTML typed by a person never render."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from cards.gallery import SAMPLE_QUESTION, gallery

# Each marker appears only in text that a person typed into the bot (the gallery's samples carry them).
MARKERS = ("evil.example", "<at>", "<b>", "**Now**")
CARDS = gallery()
# Invisible or terminal control characters and text-direction overrides (the samples carry some).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _strings(node: Any, *, formatted_only: bool, where: str = "$") -> Iterator[tuple[str, str]]:
    """Every string in a card; with `formatted_only`, only those a renderer could format (TextBlock text, facts,
    titles...), skipping TextRuns, inputs' values and actions' data, which are shown verbatim or not at all."""
    if isinstance(node, dict):
        if formatted_only and node.get("type") == "TextRun":
            return
        for key, value in node.items():
            inert = key == "data" or (key == "value" and str(node.get("type", "")).startswith("Input."))
            if not (formatted_only and inert):
                yield from _strings(value, formatted_only=formatted_only, where=f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _strings(item, formatted_only=formatted_only, where=f"{where}[{i}]")
    elif isinstance(node, str):
        yield where, node


def test_the_samples_carry_typed_markup_into_cards() -> None:
    shown = [name for name, card in CARDS.items() if any(m in str(card) for m in MARKERS)]

    assert len(shown) >= 20  # the test below would pass vacuously if the samples lost their markers


@pytest.mark.parametrize("name", sorted(CARDS))
def test_typed_text_is_only_ever_an_inert_text_run(name: str) -> None:
    formatted = [(where, text) for where, text in _strings(CARDS[name], formatted_only=True)
                 if any(marker in text for marker in MARKERS)]

    assert formatted == []


def test_control_characters_typed_by_people_never_reach_a_card() -> None:
    leaking = [(name, where) for name, card in CARDS.items()
               for where, text in _strings(card, formatted_only=False) if CONTROL.search(text)]

    assert CONTROL.search(SAMPLE_QUESTION)  # the samples do carry them, so the check below can fail
    assert leaking == []
