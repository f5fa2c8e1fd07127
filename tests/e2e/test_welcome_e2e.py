"""Saying "hi" in a personal chat in a real Teams client (the Agents Playground) shows the welcome card."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.e2e.ui import last_card, send, settle, wait_for_card_text

pytestmark = pytest.mark.e2e


def test_hi_shows_the_welcome_card(pages: Callable[[str], Page]) -> None:
    page = pages("staff")
    # Opening the chat installs the bot, which may already post a welcome: only a card after "hi" counts.
    before = settle(page)

    send(page, "hi")

    card = wait_for_card_text(page, "Social media policy", after=before)
    assert card.locator(".ac-textBlock").first.inner_text().startswith("Social media policy")
    assert last_card(page).inner_text() == card.inner_text()
