"""Driving the Agents Playground's Teams UI."""

from __future__ import annotations

import time

from playwright.sync_api import Locator, Page

TIMEOUT_MS = 20_000
COMPOSE = 'div[contenteditable="true"][role="textbox"]'
CARD = ".ac-adaptiveCard"


def send(page: Page, text: str) -> None:
    """Type a message in the compose box and send it."""
    box = page.locator(COMPOSE)
    box.click()
    box.press_sequentially(text)
    box.press("Enter")


def card_count(page: Page) -> int:
    """How many Adaptive Cards the chat shows now."""
    return page.locator(CARD).count()


def settle(page: Page, quiet_ms: int = 1_000, timeout_ms: int = 10_000) -> int:
    """Wait until no new card has come for `quiet_ms` (e.g. the install welcome); return the card count."""
    deadline = time.monotonic() + timeout_ms / 1000
    count, since = card_count(page), time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        now = card_count(page)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_ms / 1000:
            break
    return count


def last_card(page: Page) -> Locator:
    """The newest Adaptive Card in the chat."""
    return page.locator(CARD).last


def wait_for_card_text(page: Page, text: str, timeout: float = TIMEOUT_MS, after: int = 0) -> Locator:
    """The newest card showing `text`, waiting until one does among the cards after the first `after`."""
    deadline = time.monotonic() + timeout / 1000
    while not any(text in shown for shown in page.locator(CARD).all_inner_texts()[after:]):
        if time.monotonic() > deadline:
            last = page.locator(CARD).all_inner_texts()[-1:] or ["(no card)"]
            raise AssertionError(f"no card showing {text!r} after the first {after} within "
                                 f"{timeout / 1000:.0f} s; the last card says: {last[0][:300]!r}")
        page.wait_for_timeout(100)
    return page.locator(CARD, has_text=text).last


def click_in_card(card: Locator, name: str) -> None:
    """Click a card button by its exact title."""
    card.get_by_role("button", name=name, exact=True).click()


def card_with(page: Page, text: str) -> Locator:
    """The newest Adaptive Card that shows `text`, once it appears."""
    return wait_for_card_text(page, text)


def click(card: Locator, name: str) -> None:
    """Click a card button by its title (alias of click_in_card)."""
    click_in_card(card, name)
