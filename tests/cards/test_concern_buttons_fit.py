"""Every button on a report card reads whole in a narrow Teams column, in English and Welsh.

Teams keeps a row of buttons on one line and cuts each title short with "…" (microsoft/AdaptiveCards#6880), so the
official renderer draws the cards here the same way, 340 px wide (Teams on a phone), and reads which titles are cut."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from cards.gallery import gallery
from tests.cards.renderer import renderer_page

NARROW = 340
# What Teams does that the renderer's own stylesheet does not: one line of buttons, each shrunk and cut with "…".
ONE_LINE = (f".host {{ width: {NARROW}px; }} .ac-actionSet {{ flex-wrap: nowrap !important; overflow: hidden; }} "
            ".ac-pushButton { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; "
            "flex: 0 1 auto !important; } .ac-pushButton > div { overflow: hidden; text-overflow: ellipsis; }")
CUT = """ids => ids.map(id => {
  const host = document.getElementById(id), edge = host.getBoundingClientRect().right;
  return [...host.querySelectorAll('.ac-pushButton')].filter(button => {
    const title = button.querySelector('div') || button;
    return title.scrollWidth > title.clientWidth + 1 || button.scrollWidth > button.clientWidth + 1
      || button.getBoundingClientRect().right > edge - 1;
  }).map(button => button.textContent.trim());
})"""


@pytest.fixture(scope="module")
def one_line_page() -> Iterator[Page]:
    """The renderer page, drawing buttons as Teams does in a phone-wide column (its own page: the style stays)."""
    with renderer_page() as page:
        page.add_style_tag(content=ONE_LINE)
        yield page


def test_no_button_on_a_report_card_is_cut_off_in_a_phone_wide_column(one_line_page: Page) -> None:
    cards = {name: card for name, card in gallery().items() if name.startswith(("concern-", "my-reports"))}

    ids = one_line_page.evaluate("cards => window.renderCards(cards)", list(cards.values()))
    cut: list[list[str]] = one_line_page.evaluate(CUT, ids)

    assert {name: titles for name, titles in zip(cards, cut, strict=True) if titles} == {}
