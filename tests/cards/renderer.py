"""Check Adaptive Cards with the official renderer in headless Chromium, plus the rules Teams adds on top."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
PAGE = HERE / "renderer.html"
REPO = HERE.parents[1]
SCRIPTS = [REPO / "node_modules" / "markdown-it" / "dist" / "markdown-it.min.js",
           REPO / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_VERSION = (1, 5)  # Teams renders up to 1.5; a 1.6 card does not display at all
MAX_BYTES = 28 * 1024  # Teams refuses messages over about 28 KB
PHONE_WIDTH = 340  # a card's width in Teams on a phone, in CSS pixels

Card = Mapping[str, Any]


@contextmanager
def renderer_page() -> Iterator[Page]:
    """A headless Chromium page with the renderer loaded; sync Playwright, so never inside a running loop."""
    missing = [str(path) for path in (*SCRIPTS, Path(CHROMIUM)) if not path.exists()]
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)}: run `npm ci` and `apt-get install chromium`")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 480, "height": 800})
            page.goto(PAGE.as_uri())
            page.wait_for_function("typeof AdaptiveCards === 'object' && typeof markdownit === 'function'")
            yield page
        finally:
            browser.close()


def _version(value: Any) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in str(value).split("."))
    except ValueError:
        return None


def _walk(node: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def teams_findings(card: Card) -> list[str]:
    """What Teams needs that the renderer does not check: type, schema, version, verbs, image urls, size."""
    findings: list[str] = []
    if card.get("type") != "AdaptiveCard":
        findings.append(f"Teams: type is {card.get('type')!r}, not 'AdaptiveCard'")
    if card.get("$schema") != SCHEMA:
        findings.append(f"Teams: $schema is {card.get('$schema')!r}, not {SCHEMA!r}")
    version = _version(card.get("version"))
    if version is None or version > MAX_VERSION:
        findings.append(f"Teams: version {card.get('version')!r} is not one Teams renders (at most 1.5)")
    for path, node in _walk(card, "$"):
        kind = node.get("type")
        if kind == "Action.Execute" and not (isinstance(node.get("verb"), str) and node["verb"].strip()):
            findings.append(f"Teams: Action.Execute at {path} has no verb")
        if kind == "Image" and not (isinstance(node.get("url"), str) and node["url"].strip()):
            findings.append(f"Teams: Image at {path} has no url")
    size = len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > MAX_BYTES:
        findings.append(f"Teams: card is {size} bytes, over the {MAX_BYTES}-byte message limit")
    return findings


def renderer_findings(cards: Sequence[Card], page: Page) -> list[list[str]]:
    """Parse events, validateProperties failures and render failures from the official renderer, per card."""
    result: list[list[str]] = page.evaluate("cards => window.checkCards(cards)", list(cards))
    return result


def validate_cards(cards: Sequence[Card], page: Page | None = None) -> list[list[str]]:
    """Every finding for each card (renderer and Teams rules); an empty list means the card is fine."""
    if page is None:
        with renderer_page() as own:
            return validate_cards(cards, own)
    return [rendered + teams_findings(card) for card, rendered in zip(cards, renderer_findings(cards, page),
                                                                        strict=True)]


def cut_buttons(cards: Sequence[Card], page: Page, *, width: int = PHONE_WIDTH) -> list[list[str]]:
    """For each card, the titles of buttons cut off when it is `width` pixels wide and each button row stays on one
    line, as Teams draws them (it never wraps a row: microsoft/AdaptiveCards#6880)."""
    result: list[list[str]] = page.evaluate("([cards, width]) => window.cutButtons(cards, width)",
                                            [list(cards), width])
    return result


def render_cards_to_png(cards: Mapping[str, Card] | Sequence[Card], out_dir: Path,
                        page: Page | None = None) -> list[Path]:
    """Screenshot each card as Teams-like 420px-wide host element into out_dir; returns the files written."""
    if page is None:
        with renderer_page() as own:
            return render_cards_to_png(cards, out_dir, own)
    named = list(cards.items()) if isinstance(cards, Mapping) else [
        (f"card-{index:03d}", card) for index, card in enumerate(cards)]
    out_dir.mkdir(parents=True, exist_ok=True)
    ids: list[str] = page.evaluate("cards => window.renderCards(cards)", [card for _, card in named])
    written: list[Path] = []
    for (name, _), element_id in zip(named, ids, strict=True):
        target = out_dir / f"{name}.png"
        page.locator(f"#{element_id}").screenshot(path=str(target))
        written.append(target)
    return written



def filtered_choices(card: Card, page: Page) -> list[str]:
    """The choices of a card's filtered ChoiceSet as the official renderer draws them: a text box over a datalist of
    the choices' titles, which the browser (as Teams' own list does) filters by the letters typed, accents and all."""
    [host] = page.evaluate("cards => window.renderCards(cards)", [card])
    offered: list[str] = page.eval_on_selector_all(f"#{host} datalist option", "options => options.map(o => o.value)")
    return offered
