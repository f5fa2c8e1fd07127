"""Text normalising shared by every measure: folding, words, a light English stemmer and phrase joining."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = (
    "ities",
    "ity",
    "ings",
    "ing",
    "ions",
    "ion",
    "ness",
    "ers",
    "er",
    "edly",
    "ed",
    "ies",
    "ied",
    "ly",
    "es",
    "s",
)
# Words the stemmer leaves whole ("former" is not "form"); part of what names results worked out from the word
# measure, so that a change here is not read from an older cache.
NOT_STEMMED = frozenset(
    {"news", "always", "wales", "status", "bus", "gross", "across", "its", "this", "his", "hwb", "twitter", "former"}
)


def fold(text: str) -> str:
    """Lower case without accents, so "Caniatâd" and "caniatad" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return _WORD.findall(fold(text))


def stem(word: str) -> str:
    """A light English stem: enough to make "sharing", "shared" and "share" one term."""
    if len(word) <= 3 or word.isdigit() or word in NOT_STEMMED:
        return word
    stripped = word
    for suffix in _SUFFIXES:
        if not word.endswith(suffix):
            continue
        base = word[: -len(suffix)]
        if len(base) < 3 or (suffix == "s" and word.endswith(("ss", "us", "is"))):
            continue
        if suffix == "ly" and (len(base) < 4 or base[-1] in "aeiou"):
            continue
        stripped = base + "y" if suffix in ("ies", "ied") else base
        if (
            suffix in ("ing", "ed", "er", "ers")
            and len(stripped) > 3
            and stripped[-1] == stripped[-2]
            and stripped[-1] not in "lsfz"
        ):
            stripped = stripped[:-1]
        break
    if stripped.endswith("e") and len(stripped) > 3:
        stripped = stripped[:-1]
    return stripped


def phrase_pieces(
    pieces: Sequence[tuple[str, bool]],
    phrases: dict[tuple[str, ...], str],
    first_forms: Callable[[str], Sequence[str]] | None = None,
) -> list[tuple[str, bool]]:
    """Phrases replaced by their English; each piece says whether it is a phrase's English already, so that is
    never read again as Welsh ("o gwbl" is "at all", and "all" must not become "gall", can). `first_forms` gives
    the forms a phrase's first word may stand for (a Welsh mutation undone: "ngham drin" is "cam drin")."""
    longest = max(len(key) for key in phrases)
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(pieces):
        for size in range(longest, 1, -1):
            span = pieces[i : i + size]
            replacement = None
            if len(span) == size and not any(english for _, english in span):
                rest = tuple(w for w, _ in span[1:])
                for first in first_forms(span[0][0]) if first_forms else (span[0][0],):
                    if (replacement := phrases.get((first, *rest))) is not None:
                        break
            if replacement is not None:
                out.extend((word, True) for word in replacement.split())
                i += size
                break
        else:
            out.append(pieces[i])
            i += 1
    return out


def apply_phrases(tokens: list[str], phrases: dict[tuple[str, ...], str]) -> list[str]:
    """The tokens with each known run of words replaced by what it means."""
    return [word for word, _ in phrase_pieces([(token, False) for token in tokens], phrases)]


# What a council's or trust's model policy leaves for the school to fill in or delete: "[School name]", "[insert
# name]", "delete as appropriate", "Guidance note for schools: ...".
_TEMPLATE_LEFTOVER = re.compile(
    r"\[[^\]\n]{1,40}\]|<<[^>\n]{1,40}>>|\bdelete as (?:appropriate|applicable)\b|\bguidance notes? for schools\b|"
    r"\b(?:insert|add) (?:the )?(?:name|date|school)\b", re.IGNORECASE)


def template_leftover(text: str) -> str:
    """The first thing in a passage that a model policy left to fill in or delete, or ''."""
    found = _TEMPLATE_LEFTOVER.search(text)
    return found.group() if found else ""
