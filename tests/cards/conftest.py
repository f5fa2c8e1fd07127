"""Fixtures for the Adaptive Cards checks: one headless Chromium page with the official renderer loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.cards.renderer import renderer_page


@pytest.fixture(scope="module")
def card_page() -> Iterator[Page]:
    """The renderer page; module-scoped because Playwright's sync loop must close before asyncio tests run."""
    try:
        with renderer_page() as page:
            yield page
    except RuntimeError as error:
        if "missing" in str(error):
            pytest.fail(str(error))
        raise
