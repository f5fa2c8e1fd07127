"""Small builders for Adaptive Card parts, so every card is data with the same safe defaults."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from bot.domain.text import clean_user_text

Card = dict[str, Any]
Element = dict[str, Any]

CARD_VERSION = "1.5"
MAX_CARD_BYTES = 28 * 1024  # Teams refuses a message over about 28 KB
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
Row = TypeVar("Row")


# The renderer reads "{{DATE(...)}}" and "{{TIME(...)}}" in any text it draws (a TextBlock's or TextRun's, an input's
# label and error, a toggle's or choice's title, a fact) and draws a date or time in the reader's own format. The bot's
# own words never use them, and a name or typed words reach many of those places, often inside the bot's own sentences
# ("Waiting for {name}…", "Note for {name}"): so every card, as a whole, has a combining grapheme joiner between two
# braces (drawn as nothing, and no format character, which cleaning drops), and typed words show as typed. An input's
# value and a button's data are left exactly as they are: they come back to the bot.
_TWO_BRACES = re.compile(r"\{(?=\{)")
_DRAWN = frozenset({"text", "title", "label", "errorMessage"})


def _drawn_as_typed(node: Any, *, fact: bool = False) -> Any:
    if isinstance(node, list):
        return [_drawn_as_typed(item, fact=fact) for item in node]
    if not isinstance(node, dict):
        return node
    drawn = _DRAWN | {"value"} if fact else _DRAWN
    return {key: _TWO_BRACES.sub("{\u034f", value) if isinstance(value, str) and key in drawn
            else value if key == "data" else _drawn_as_typed(value, fact=key == "facts")
            for key, value in node.items()}


NOTIFICATION_LIMIT = 150  # what Teams' activity feed and a phone's lock screen show of a message, about


def _own_words(element: Element) -> str:
    """The words of a TextBlock, or of a RichTextBlock's runs."""
    if element.get("type") == "TextBlock":
        return str(element.get("text", "")).strip()
    if element.get("type") == "RichTextBlock":
        return "".join(str(run.get("text", "")) for run in element.get("inlines", []) if isinstance(run, dict)).strip()
    return ""


def _first_words(body: Sequence[Element]) -> str:
    """What a card is, in a line: its heading (a TextBlock styled as one, or a title kept as a bold TextRun), else its
    first line of words, looking inside containers."""
    shown: list[Element] = []

    def walk(items: Sequence[Any]) -> None:
        for item in items:
            if isinstance(item, dict):
                shown.append(item)
                walk(item.get("items", []))
    walk(body)
    titles = [e for e in shown if e.get("style") == "heading" or (
        e.get("type") == "RichTextBlock" and any(isinstance(run, dict) and run.get("size") == "Medium"
                                                  for run in e.get("inlines", [])))]
    return next((words for e in (*titles, *shown) if (words := _own_words(e))), "")


def notification_line(words: str) -> str:
    """`words` on one line, without the bot's bold marks, cut at a word to what a notification shows."""
    line = " ".join(words.replace("**", "").split())
    if len(line) <= NOTIFICATION_LIMIT:
        return line
    return line[:NOTIFICATION_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"


def card(body: Sequence[Element], actions: Sequence[Element] = (), *, notification: str = "") -> Card:
    """A version 1.5 card with the given body and actions, none of whose words the renderer reads as a date or time
    function (see `_drawn_as_typed`). Its `fallbackText` is `notification`, or else its heading (its first line of
    words): the line Teams' activity feed and a phone's lock screen show for the message (the edge sends it as the
    activity's `summary`), where there was only "Sent a card"."""
    result: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": CARD_VERSION,
                    "body": _drawn_as_typed(list(body))}
    if actions:
        result["actions"] = _drawn_as_typed(list(actions))
    if line := notification_line(notification or _first_words(body)):
        result["fallbackText"] = line
    return result


def card_bytes(value: Card) -> int:
    """The size Teams counts: the card as compact UTF-8 JSON."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def paged(body: Sequence[Element], rows: Sequence[Row], start: int, *, entry: Callable[[Row], Element],
          count: Callable[[int, int], Element], more: Callable[[int, Row], Element], most: int,
          footer: Sequence[Element] = (), notification: str = "") -> Card:
    """A list card from the `start`th row, as many entries as fit Teams' 28 KB (`most` at most); when it does not
    begin at the first or end at the last, `count(start, shown)` under `body`, and `more(place, last row shown)`
    below the entries, which opens the next ones."""
    start = min(max(start, 0), max(len(rows) - 1, 0))
    entries: list[Element] = []
    for row in rows[start:]:
        item = entry(row)
        shown = len(entries) + 1
        if entries and (len(entries) >= most or card_bytes(card(
                [*body, count(start, shown), *entries, item, action_set([more(start + shown, row)])],
                footer)) > MAX_CARD_BYTES):
            break
        entries.append(item)
    shown = len(entries)
    if start or start + shown < len(rows):
        body = [*body, count(start, shown)]
        if start + shown < len(rows):
            entries.append(action_set([more(start + shown, rows[start + shown - 1])]))
    return card([*body, *entries], footer, notification=notification)


def heading(text: str) -> Element:
    """A card title."""
    return {"type": "TextBlock", "text": text, "weight": "Bolder", "size": "Medium", "wrap": True,
            "style": "heading"}


def sub_heading(value: str, *, color: str = "Default") -> Element:
    """A few bold words naming the part of a long card under them: a heading a screen reader's list of headings finds,
    the size of the text round it (a heading's own style would be larger)."""
    block = {**heading(value), "size": "Default"}
    if color != "Default":
        block["color"] = color
    return block


def text(value: str, *, subtle: bool = False, size: str = "Default", weight: str = "Default",
         color: str = "Default") -> Element:
    """A paragraph of the bot's own words (may use the small markdown Teams supports)."""
    block: Element = {"type": "TextBlock", "text": value, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    for key, chosen in (("size", size), ("weight", weight), ("color", color)):
        if chosen != "Default":
            block[key] = chosen
    return block


def plain_text(value: str, *, size: str = "Default", weight: str = "Default", color: str = "Default",
               subtle: bool = False) -> Element:
    """A sentence that carries a display name or other typed words: one cleaned TextRun, so none of it renders
    as markdown (a name like "**x** [y](z)" shows as typed)."""
    run: Element = {"type": "TextRun", "text": clean_user_text(value, limit=4000)}
    for key, chosen in (("size", size), ("weight", weight), ("color", color)):
        if chosen != "Default":
            run[key] = chosen
    if subtle:
        run["isSubtle"] = True
    return {"type": "RichTextBlock", "inlines": [run]}


# Characters markdown, autolinks and mentions do nothing with, besides letters, digits and single spaces: a title
# made of only these shows as written in a TextBlock too. (A colon only before a space or at the end: ":x:" may be an
# emoji.)
_INERT_PUNCTUATION = frozenset(" '’-–,·()?")


def _inert_as_markdown(value: str) -> bool:
    return value[:1].isalpha() and "  " not in value and all(
        ch.isalnum() or unicodedata.category(ch)[0] == "M" or ch in _INERT_PUNCTUATION
        or (ch == ":" and value[i + 1:i + 2] in ("", " ")) for i, ch in enumerate(value))


def plain_heading(value: str) -> Element:
    """A card title that carries a display name or a reference. Only a TextBlock can be a heading (the one a screen
    reader's list of headings finds) and a TextBlock reads markdown, so it is one only when the title is letters,
    digits and a few marks no markdown uses (every ordinary name); anything else stays a cleaned TextRun (see
    `plain_text`), shown as typed."""
    cleaned = clean_user_text(value, limit=4000)
    if _inert_as_markdown(cleaned):
        return heading(cleaned)
    return plain_text(cleaned, size="Medium", weight="Bolder")


def labelled(label: str, value: str, *, limit: int = 200) -> Element:
    """A label and a value as cleaned TextRuns: whatever a person typed in either stays inert."""
    return {"type": "RichTextBlock", "inlines": [
        {"type": "TextRun", "text": f"{clean_user_text(label, limit=100)}: ", "weight": "Bolder"},
        {"type": "TextRun", "text": clean_user_text(value, limit=limit) or "—"}]}


def user_text(value: str, *, limit: int = 2000, italic: bool = False) -> Element:
    """Text a person typed, shown inert: a TextRun renders no markdown, links or mentions."""
    run: Element = {"type": "TextRun", "text": clean_user_text(value, limit=limit) or "—"}
    if italic:
        run["italic"] = True
    return {"type": "RichTextBlock", "inlines": [run]}


def quote(value: str) -> Element:
    """The policy's own words, set apart and shown verbatim (no markdown processing)."""
    return {
        "type": "Container",
        "style": "emphasis",
        "items": [{"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": value, "italic": True}]}],
    }


def refused(box: Element, problem: str) -> list[Element]:
    """A box the bot refused, with what is wrong with it said once, in its label: "What it is for — Say what the
    account is for.". A screen reader names a box by its label alone (the renderer ties only its own `errorMessage`
    to it, never a line the bot sent), and a red line under the box as well was seen twice and read twice."""
    return [{**box, "label": f"{box.get('label') or box['title']} — {problem}"}]


def facts(pairs: Sequence[tuple[str, str]]) -> Element:
    """Label/value pairs; values are the bot's own or already cleaned."""
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def execute(title: str, verb: str, data: Mapping[str, Any] | None = None, *, style: str = "default",
            associated_inputs: str | None = None) -> Element:
    """An `Action.Execute` button: card data carries ids only, never identity."""
    action: Element = {"type": "Action.Execute", "title": title, "verb": verb, "data": dict(data or {})}
    if style != "default":
        action["style"] = style
    if associated_inputs:
        action["associatedInputs"] = associated_inputs
    return action


def action_set(actions: Sequence[Element]) -> Element:
    """A row of buttons inside the body."""
    return {"type": "ActionSet", "actions": list(actions)}


# Teams never wraps a row of buttons (microsoft/AdaptiveCards#6880): a title too long for its share of the row is cut
# off. Two buttons share a row only when both titles fit a phone's card (340 px wide), by an estimate of each title's
# width in pixels (Teams' bold 14 px buttons, from the widest font it may fall back to).
_ROW_WIDTH = 290  # two buttons' widths on a 340 px card: its padding and the gap between them taken off
_BUTTON_PADDING = 26
_CHAR_WIDTHS = {**dict.fromkeys("ijlI.,;:'’!|", 3.7), **dict.fromkeys("ft-/()", 4.5), "r": 5.3, " ": 3.9,
                **dict.fromkeys("mwŵMWŴ", 12.5)}


def title_width(title: str) -> float:
    """About how wide a button with this title is, in pixels."""
    return _BUTTON_PADDING + sum(_CHAR_WIDTHS.get(ch, 10.2 if ch.isupper() else 8.3) for ch in title)


def button_rows(actions: Sequence[Element]) -> list[Element]:
    """The buttons in order, in rows of one or two: two where both titles fit side by side on a phone."""
    rows: list[list[Element]] = []
    for action in actions:
        last = rows[-1] if rows else []
        if len(last) == 1 and title_width(last[0]["title"]) + title_width(action["title"]) <= _ROW_WIDTH:
            last.append(action)
        else:
            rows.append([action])
    return [action_set(row) for row in rows]


def separator() -> Element:
    """A thin line between parts of a card."""
    return {"type": "TextBlock", "text": " ", "separator": True, "spacing": "Medium"}
