"""Every card the bot can send, in English and Welsh, passes the official renderer and Teams' own limits."""

from __future__ import annotations

import json
from dataclasses import replace

from playwright.sync_api import Page

from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy
from cards.gallery import BILINGUAL, gallery
from tests.cards.renderer import validate_cards


def test_every_gallery_card_renders_without_findings(card_page: Page) -> None:
    cards = gallery()

    findings = validate_cards(list(cards.values()), card_page)

    problems = {name: found for name, found in zip(cards, findings, strict=True) if found}
    assert len(cards) >= 90
    assert problems == {}


def test_every_card_exists_in_both_languages() -> None:
    names = [name.rsplit(".", 1) for name in gallery()]

    english = {name for name, lang in names if lang == "en"}
    welsh = {name for name, lang in names if lang == "cy"}
    assert english == welsh and english


def test_welsh_cards_are_not_english_cards() -> None:
    cards = gallery()

    same = [name[:-3] for name in cards if name.endswith(".en") and
            json.dumps(cards[name]) == json.dumps(cards[name[:-3] + ".cy"])]

    assert sorted(same) == sorted(BILINGUAL)  # only those posted for everyone in both languages


def test_another_documents_gallery_quotes_only_that_document() -> None:
    """A technician checks a new document's cards: no disclaimer or photo checklist it does not give."""
    shipped = load_policy(DEFAULT_POLICY_FILE)
    untagged = replace(shipped, sections=tuple(
        replace(s, passages=tuple(replace(p, next_steps=()) for p in s.passages)) for s in shipped.sections))
    disclaimer = shipped.disclaimer()

    assert disclaimer is not None and "views" in disclaimer[0]
    assert disclaimer[0] in json.dumps(gallery()["blog-disclaimer.en"], ensure_ascii=False)
    assert {"blog-disclaimer.en", "photo-checklist.cy"} & set(gallery(policy=untagged)) == set()
