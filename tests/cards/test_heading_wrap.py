"""Headings as a phone draws them (a card 340 px wide): a line never ends inside a word."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from cards.gallery import gallery
from tests.cards.renderer import split_headings

# A request's or a report's reference broken after its hyphen: "…P-|7KX3QD…".
SPLIT_REFERENCE = re.compile(r"\b[PC]-\|[A-Z0-9]")


def test_no_heading_splits_a_reference_over_two_lines_on_a_phone(card_page: Page) -> None:
    """On a phone the Welsh reminder's title broke its reference at the hyphen, "…mae adroddiad C-" over "4QX9TB yn aros
    amdanoch chi…", and so did the title of an ended permission ("…eich cais P-" over "7KX3QD…") in both languages:
    the reference a line manager or member of staff reads, and types back, was in two halves."""
    cards = gallery()

    split = {name: [line for line in found if SPLIT_REFERENCE.search(line)]
             for name, found in zip(cards, split_headings(list(cards.values()), card_page), strict=True)}

    assert {name: found for name, found in split.items() if found} == {}
