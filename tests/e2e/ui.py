"""Driving the Agents Playground's Teams UI."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

TIMEOUT_MS = 20_000


def send(page: Page, text: str) -> None:
    """Type a message in the compose box and send it."""
    box = page.locator('div[contenteditable="true"][role="textbox"]')
    box.click()
    box.type(text)
    box.press("Enter")


def card_with(page: Page, text: str) -> Locator:
    """The newest Adaptive Card that shows `text`, once it appears."""
    card = page.locator(".ac-adaptiveCard", has_text=text).last
    card.wait_for(timeout=TIMEOUT_MS)
    return card


def click(card: Locator, name: str) -> None:
    """Click a card button by its title."""
    card.get_by_role("button", name=name, exact=True).click()
