"""No English left on Welsh cards: every gallery card, rendered in Welsh, is read word by word against English
dictionaries. The English half of a card posted for everyone in Welsh and English (its container `en`) is left
out. The policy's own words (quoted passages, the English headings given so a reader can find them) and
what people typed are shown as written, so they are left out; so are people's and platforms' names."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from english_words import get_english_words_set

from bot.domain.text import clean_user_text
from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy
from cards.gallery import SAMPLE_CHANGES, SAMPLE_TYPED, gallery

# Welsh words that English dictionaries also list ("mae", "dim", "beth"), and English words Welsh uses as they
# are. Add a word here only when it is the Welsh word, written in Welsh, on the card where the test found it.
WELSH_HOMOGRAPHS = frozenset({
    "air", "all", "allan", "arni", "ati", "bai", "banc", "barn", "ben", "beth", "bob", "bod", "bot", "byth", "chi",
    "cymraeg", "dal", "dan", "darn", "data", "daw", "dim", "dod", "does", "ers", "felly", "fod", "gael", "gall",
    "galla", "gan", "gau", "gen", "goll", "hir", "hon", "hun", "mae", "mater", "math", "mis", "mor", "nad", "neb",
    "nid", "nod", "nodi", "oes", "olaf", "pam", "pan", "pen", "person", "pob", "roi", "staff", "syth", "tan", "union",
    "unman", "wag", "weld", "well",
    "haf",  # "Tymor yr Haf", the summer term
    "ail",  # "yr ail nodyn atgoffa", the second reminder
})
# What a Welsh card rightly shows as it is and a dictionary also lists: the command "help", the button "English",
# names of people (in the sample data and the policy's details) and of platforms.
NAMES = frozenset({
    "help", "english", "mrs", "carys", "jenkins", "roberts", "hughes", "davies", "evans", "daniel", "owen", "lloyd",
    "teams", "twitter", "seesaw",
})
_WORD = re.compile(r"[^\W\d_]+")
# A command the IT technician types, quoted as it is in either language.
_COMMAND = re.compile(r"python -m bot [a-z-]+(?: --[a-z-]+)*")
# What the policy owner is told to type, quoted as typed: an English heading beside its Welsh ("Purpose / Diben"), or
# a policy file's key ("heading_cy").
_TO_TYPE = re.compile(r'"(?:[A-Z][a-z]+(?: [a-z]+)* / [A-Z][^"/]+|heading_cy)"')
# An email address, shown as the federation's settings give it.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Fields of a card a person reads; an input's "value" is what they typed.
_READ = ("text", "title", "label", "placeholder", "errorMessage")


@cache
def _english() -> frozenset[str]:
    return frozenset(get_english_words_set(["web2", "gcide"], lower=True))


def is_english(word: str) -> bool:
    """True when `word`, or its stem before an English ending (-s, -es, -ies, -ed, -ing, -ly), is in an English
    dictionary; dictionaries list headwords, so "approved" is found as "approve"."""
    word = word.casefold()
    forms = {word}
    if len(word) > 4:
        endings = {"s": ("",), "es": ("",), "ies": ("y",), "ed": ("", "e"), "ing": ("", "e"), "ly": ("",)}
        forms |= {word[: -len(end)] + add for end, adds in endings.items() if word.endswith(end) for add in adds}
    return bool(forms & _english())


def _read(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        if node.get("id") == "en":  # the English half of a card for everyone, in Welsh and English
            return
        yield from (node[key] for key in _READ if isinstance(node.get(key), str))
        for fact in node.get("facts", []):
            yield from (fact["title"], fact["value"])
        for choice in node.get("choices", []):
            yield choice["title"]
        for value in node.values():
            if isinstance(value, (list, Mapping)):
                yield from _read(value)
    elif isinstance(node, list):
        for value in node:
            yield from _read(value)


def _shown_as_written() -> list[str]:
    policy = load_policy(DEFAULT_POLICY_FILE)
    quoted = [p.text for p in policy.all_passages()] + [s.heading_en for s in policy.sections]
    # A sample new version's English headings (no Welsh yet); the policy check's problems are said in Welsh.
    quoted += [h for c in SAMPLE_CHANGES.sections for h in (c.heading_en, c.was_en) if h]
    typed = [clean_user_text(text, limit=4000) for text in SAMPLE_TYPED]
    return sorted({*quoted, *typed}, key=len, reverse=True)


def _cut_short(text: str, written: list[str]) -> bool:
    """True for the start of something shown as written, cut short to fit a card ("Share Year 9 geography…")."""
    start = text.removesuffix("…").rstrip()
    return text.endswith("…") and len(start) >= 20 and any(" ".join(w.split()).startswith(start) for w in written)


def english_on(cards: Mapping[str, Any], *, allowed: frozenset[str] = WELSH_HOMOGRAPHS | NAMES) -> dict[str, list[str]]:
    """English words on each card, outside the policy's words and what people typed."""
    leave_out = _shown_as_written()
    found: dict[str, set[str]] = defaultdict(set)
    for name, card in cards.items():
        for text in _read(card):
            if _cut_short(text, leave_out):
                continue
            for passage in leave_out:
                text = text.replace(passage, " ")
            text = _TO_TYPE.sub(" ", _ADDRESS.sub(" ", _COMMAND.sub(" ", text)))
            found[name] |= {w for w in _WORD.findall(text)
                            if len(w) > 2 and w.casefold() not in allowed and is_english(w)}
    return {name: sorted(words) for name, words in found.items() if words}


def test_welsh_cards_have_no_english_left_on_them() -> None:
    welsh = {name: card for name, card in gallery().items() if name.endswith(".cy")}

    assert len(welsh) > 50
    assert english_on(welsh) == {}


def test_english_left_on_a_welsh_card_is_found() -> None:
    english = {name: card for name, card in gallery().items() if name.endswith(".en")}
    card = {"type": "AdaptiveCard", "body": [
        {"type": "FactSet", "facts": [{"title": "Cytunwyd gan", "value": "Governing Body"}]},
        {"type": "TextBlock", "text": "Mae'r polisi'n dal mewn grym. Reviewed Autumn 2024."},
        {"type": "Input.Text", "id": "x", "label": "Pwy sy'n gysylltiedig", "value": "typed by a person"}]}

    assert english_on({"about.cy": card}) == {"about.cy": ["Autumn", "Body", "Governing", "Reviewed"]}
    assert len(english_on(english)) > 0.9 * len(english)  # the English cards read as English
