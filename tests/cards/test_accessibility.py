"""Every gallery card, in both languages, as a screen reader, a keyboard or high contrast meets it: each box and
button says what it is for on its own, a card of any length can be found by its heading, each part of a long card by
its sub-heading, and nothing is said by colour alone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.people import Lang
from cards.answer import ReviewItem, review_card
from cards.elements import heading, plain_heading
from cards.gallery import gallery
from cards.i18n import load_catalogue

Node = Mapping[str, Any]


def _nodes(node: Any, *, into_shown_cards: bool = True) -> Iterator[Node]:
    """Every element and action under `node`; a Show card's own card only when `into_shown_cards`. The card's
    `refresh` action is Teams' own, never a button."""
    if isinstance(node, Mapping):
        yield node
        for key, value in node.items():
            if key == "refresh" or (key == "card" and not into_shown_cards):
                continue
            yield from _nodes(value, into_shown_cards=into_shown_cards)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value, into_shown_cards=into_shown_cards)


def _type(node: Node) -> str:
    return str(node.get("type", ""))


def _is_input(node: Node) -> bool:
    return _type(node).startswith("Input.")


def _is_action(node: Node) -> bool:
    return _type(node).startswith("Action.")


def _spoken_name(node: Node) -> str:
    """What a screen reader names a box by: its label, or a tick box's own words."""
    return str(node.get("label") or (node.get("title") if _type(node) == "Input.Toggle" else "") or "")


def _button_scopes(card: Node) -> Iterator[Node]:
    """The card and each Show card's card: the buttons heard together, one list each."""
    yield card
    for node in _nodes(card):
        if _type(node) == "Action.ShowCard" and isinstance(node.get("card"), Mapping):
            yield node["card"]


def _words(node: Node) -> str:
    return " ".join(str(n.get("text", "")) for n in _nodes(node) if _type(n) in ("TextBlock", "TextRun"))


def _children(node: Node) -> list[Node]:
    """The elements shown one under another directly inside `node` (a card's body, a container's or column's items)."""
    return [child for key in ("body", "items") if isinstance(node.get(key), list)
            for child in node[key] if isinstance(child, Mapping)]


def _labels_a_part(block: Node, following: list[Node]) -> bool:
    """A bold TextBlock that names what comes under it: a few words (not a sentence, not a small label of one value)
    with more below it in the same container, like "Check before approving" or "Changes from version 1"."""
    words = str(block.get("text", "")).rstrip()
    return (_type(block) == "TextBlock" and block.get("weight") == "Bolder" and block.get("size") != "Small"
            and bool(words) and not words.endswith((".", ":", "!", "?")) and bool(following))


# Titles a screen reader's list of buttons gives with nothing round them: "Close" what, "Open" what? (the card's own
# dismissals and a page's "Back", "OK" and "Yes" read the same).
_SAYS_NOTHING_ALONE = frozenset({"yes", "no", "ok", "open", "close", "back", "show", "go", "submit", "click here",
                                 "show more", "more", "refresh", "add",
                                 "ie", "do", "na", "naddo", "iawn", "agor", "cau", "yn ôl", "dangos", "cyflwyno",
                                 "dangos rhagor", "rhagor", "adnewyddu", "ychwanegu"})


def _says_what_is_wrong_with(block: Node) -> bool:
    """A red line set right under a box (no space between), the bot's way of saying what is wrong with that box."""
    return _type(block) == "TextBlock" and block.get("color") == "Attention" and block.get("spacing") == "None"


def _first_shown(items: list[Node]) -> Node | None:
    """The first thing read on a card: the first element, looking inside containers."""
    for item in items:
        if _type(item) == "Container":
            inner = _first_shown(list(item.get("items", [])))
            if inner is not None:
                return inner
        else:
            return item
    return None


def _findings(card: Node) -> list[str]:
    found: list[str] = []
    for node in _nodes(card):
        if _is_input(node):
            if not _spoken_name(node).strip():
                found.append(f"box {node.get('id')} has no label (heard as 'edit' alone)")
            if (node.get("isRequired") or node.get("regex")) and not str(node.get("errorMessage", "")).strip():
                found.append(f"box {node.get('id')} can be refused with no message saying why")
            for choice in node.get("choices", []):
                if not str(choice.get("title", "")).strip():
                    found.append(f"box {node.get('id')} has a choice with no words")
            titles = Counter(str(choice.get("title")) for choice in node.get("choices", []))
            found += [f"box {node.get('id')} offers '{title}' twice" for title, n in titles.items() if n > 1]
        if _is_action(node) and not str(node.get("title", "")).strip():
            found.append(f"a {_type(node)} button has no title (heard as 'button' alone)")
        if _is_action(node) and str(node.get("title", "")).strip().lower() in _SAYS_NOTHING_ALONE:
            found.append(f"a button is called '{node.get('title')}', which says nothing heard alone in a list of "
                         "buttons")
        if "selectAction" in node and not str(node["selectAction"].get("title", "")).strip():
            found.append("a tappable part of the card has no title")
        if _type(node) == "Image" and not str(node.get("altText", "")).strip():
            found.append(f"image {node.get('url')} has no altText")
        coloured = node.get("color", "default").lower() not in ("default", "accent") or (
            _type(node) == "Container" and node.get("style", "default") in ("attention", "warning", "good"))
        if coloured and not any(ch.isalpha() for ch in _words(node)):
            found.append(f"a {_type(node)} says something by colour alone")
    for node in _nodes(card):
        children = _children(node)
        for i, child in enumerate(children):
            if _labels_a_part(child, children[i + 1:]) and child.get("style") != "heading":
                found.append(f"'{child.get('text')}' looks like a sub-heading but is not one (the list of headings "
                             "skips it)")
    for node in _nodes(card):
        children = _children(node)
        for box, under in zip(children, children[1:], strict=False):
            if _is_input(box) and _says_what_is_wrong_with(under) and str(under.get("text")) not in _spoken_name(box):
                found.append(f"box {box.get('id')} is refused under it ('{under.get('text')}'), but a screen reader "
                             "does not say so at the box")
    shown = Counter(str(node.get("text", "")).strip() for node in _nodes(card)
                    if _type(node) in ("TextBlock", "TextRun"))
    for node in _nodes(card):
        _, dash, problem = _spoken_name(node).partition(" — ")
        if _is_input(node) and dash and shown[problem.strip()]:
            found.append(f"box {node.get('id')} is refused in its label and again in a line of the card "
                         f"('{problem}'): seen twice, and a screen reader reads it twice")
    labels = Counter(_spoken_name(node) for node in _nodes(card) if _is_input(node))
    found += [f"{n} boxes are all labelled '{label}'" for label, n in labels.items() if n > 1]
    for scope in _button_scopes(card):
        titles = Counter(str(node.get("title")) for node in _nodes(scope, into_shown_cards=False)
                         if _is_action(node) and node is not scope)
        found += [f"{n} buttons are all called '{title}'" for title, n in titles.items() if n > 1]
    body = list(card.get("body", []))
    first = _first_shown(body)
    # A sentence or two with a button needs no heading; anything longer, or with a box to fill in, does.
    needs_heading = len(body) > 2 or any(_is_input(n) for n in _nodes(card))
    if needs_heading and (first is None or first.get("style") != "heading"):
        found.append("the card does not start with a heading (a screen reader's list of headings skips it)")
    return found


def test_every_card_reads_well_with_a_screen_reader_and_a_keyboard() -> None:
    cards = gallery()

    found = {name: findings for name, card in cards.items() if (findings := _findings(card))}

    assert len(cards) >= 200
    assert found == {}


def test_the_check_finds_each_kind_of_defect() -> None:
    """Each defect the gallery check looks for, made on purpose, is found."""
    heading = {"type": "TextBlock", "text": "Pending requests", "style": "heading"}

    def built(*body: Node, actions: tuple[Node, ...] = ()) -> Node:
        return {"type": "AdaptiveCard", "version": "1.5", "body": [heading, *body], "actions": list(actions)}

    button = {"type": "Action.Execute", "title": "Approve", "verb": "x"}
    box = {"type": "Input.Text", "id": "a", "label": "Reason"}

    assert _findings(built(box, actions=(button,))) == []
    assert _findings(built({"type": "Input.Text", "id": "a", "placeholder": "Reason"}))
    assert _findings(built({**box, "isRequired": True}))
    assert _findings(built(box, {**box, "id": "b"}))
    assert _findings(built(actions=(button, button)))
    assert _findings(built(actions=({"type": "Action.Execute", "verb": "x"},)))
    assert _findings(built({"type": "Image", "url": "https://example.org/a.png"}))
    assert _findings(built({"type": "Container", "style": "attention", "items": []}))
    assert _findings(built({"type": "Input.ChoiceSet", "id": "c", "label": "Which", "choices": [
        {"title": "One", "value": "1"}, {"title": "One", "value": "2"}]}))
    assert _findings(built(actions=({**button, "title": "Close"},)))
    assert _findings(built(actions=({**button, "title": "Yn ôl"},)))
    assert _findings(built(actions=({**button, "title": "Show more"},)))
    refused = {"type": "TextBlock", "text": "Say what it is for.", "color": "Attention", "spacing": "None"}
    assert _findings(built(box, refused))
    assert _findings(built({**box, "label": "Reason — Say what it is for."}, refused))
    assert _findings(built({**box, "label": "Reason — Say what it is for."})) == []
    untitled = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Pending"}, box]}
    assert _findings(untitled)
    label = {"type": "TextBlock", "text": "Check before approving", "weight": "Bolder", "wrap": True}
    warning = {"type": "TextBlock", "text": "Checked less than every weekday.", "wrap": True}
    assert _findings(built({"type": "Container", "style": "attention", "items": [label, warning]}))
    assert _findings(built(label, {"type": "Container", "items": [warning]}))
    assert _findings(built({**label, "style": "heading"}, warning)) == []
    assert _findings(built({**label, "text": "The reporter says it is urgent."}, warning)) == []
    assert _findings(built({**label, "size": "Small", "text": "Reason"}, warning)) == []
    assert _findings(built(warning, label)) == []


def test_a_title_with_a_name_is_a_heading_only_while_no_markdown_could_act_in_it() -> None:
    """Titles that carry a display name were bold TextRuns, which a screen reader's list of headings skips: the
    headteacher's request card and the line manager's report card had no heading. An ordinary name now makes a
    heading; a name with anything markdown, a link or a mention could use stays a TextRun, shown as typed."""
    assert plain_heading("Carys Jenkins asks to start a new Instagram account for parents") == heading(
        "Carys Jenkins asks to start a new Instagram account for parents")
    assert plain_heading("Eich adroddiad C-4QX9TB: mae Siân O'Brien-Jones wedi'i dderbyn")["style"] == "heading"
    for name in ("**Carys** [x](https://evil.example)", "<at>Head</at>", "carys.example.com", "- Carys", "1. Carys",
                 "Carys :fire:", "Carys_Jenkins", "Carys\nJenkins", "# Carys", "Carys `x`", "Carys@example.org"):
        title = plain_heading(f"{name} asks to start a new Instagram account")
        assert title["type"] == "RichTextBlock", name
        assert title["inlines"][0]["text"].startswith(name), name


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
def test_a_decline_without_a_reason_is_told_so_once_at_the_reason_box(lang: Lang) -> None:
    """The headteacher pressing Decline with the reason box empty: the card came back with "Please give a reason when
    declining." under the box, but not in its label, so a screen reader never said it at the box; then in both, so
    it was seen twice and read twice. It is said once, in the box's label, which a screen reader says at the box."""
    body = gallery()[f"permission-for-headteacher-error.{lang.value}"]["body"]
    said = load_catalogue().text("perm.reason_required", lang)

    [box] = [element for element in body if element.get("id") == "reason"]

    assert box["label"].endswith(f" — {said}")
    assert said not in _words({"body": [element for element in body if element is not box]})


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
def test_each_reply_on_the_review_list_is_named_for_its_question(lang: Lang) -> None:
    """The head's Questions for review with several questions waiting: a screen reader's list of buttons gave
    "Reply, Reply, Reply" and "Correct my reply" twice, with nothing to say which question each was for."""
    asked = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    items = [ReviewItem(f"Question {n}?", asked, unanswered=True, question_id=f"Q{n}", waiting=True, listed_id=f"Q{n}")
             for n in (1, 2, 3)]
    items += [ReviewItem(f"Question {n}?", asked, unanswered=True, correct_id=f"Q{n}", replied_by="Mrs Siân Roberts",
                         replied_at=asked, listed_id=f"Q{n}") for n in (4, 5)]

    listed = review_card(load_catalogue(), lang, items)

    assert _findings(listed) == []


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
def test_a_decline_without_a_reason_on_the_pending_list_is_told_so_at_that_requests_box(lang: Lang) -> None:
    """The headteacher pressing Decline on the pending list with the reason box empty: the list came back with "Please
    give a reason when declining." in red under the request, but not in its box's label, so a screen reader tabbing to
    the box (the one the list names for the request) never heard why."""
    listed = gallery()[f"pending-requests-error.{lang.value}"]
    said = load_catalogue().text("perm.reason_required", lang)
    [box] = [node for node in _nodes(listed) if node.get("id") == "reason_P-7KX3QD"]
    others = [node for node in _nodes(listed) if _is_input(node) and node is not box]

    assert box["label"].endswith(f" — {said}")
    assert said not in _words(listed)  # the card's lines; a box's label is not one
    assert others and all(said not in node["label"] for node in others)
    assert _findings(listed) == []
