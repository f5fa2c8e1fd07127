"""Text-speak spelt out: an English question typed on a phone ("r we allowed 2 use our phones in class??") as the
words it stands for, before the word measure and the sentence model read it; everyday misspellings ("recieve",
"frend") likewise as the words meant. The shorthands and misspellings are plain lists, `data/words/text-speak.tsv` and
`data/words/misspellings.tsv`."""

from __future__ import annotations

import re

from bot.policy.lexicon import MISSPELLINGS, TEXT_SPEAK

# Every shorthand and misspelling, and the words it stands for (a shorthand wins where both list one).
_SPELT = {**MISSPELLINGS, **TEXT_SPEAK}

# A shorthand stands alone: not inside a word, an abbreviation with full stops ("U.K.") or a contraction ("rock 'n'
# roll"). One ending in "/" ("w/parents") may run into the word after it.
_BEFORE = r"(?<![\w'’./])"
_AFTER = r"(?![\w'’/]|\.\w)"
_SHORTHAND = re.compile(
    "|".join(rf"{_BEFORE}{re.escape(key)}{'' if key.endswith('/') else _AFTER}"
             for key in sorted((k for k in _SPELT if not k.isdigit()), key=len, reverse=True)),
    re.IGNORECASE,
)
# "2" and "4" as "to" and "for": only between two words, and never as a count or a name ("year 2", "key stage 2",
# "2 photos", "4 pm").
_DIGIT_WORD = re.compile(r"(?<=[a-z] )([24])(?= ([a-z]+)\b)", re.IGNORECASE)
_COUNTED_AFTER = frozenset({
    "year", "years", "yr", "stage", "ks", "class", "form", "set", "group", "page", "section", "clause", "paragraph",
    "para", "part", "point", "step", "version", "v", "level", "grade", "tier", "room", "block", "number", "no", "top",
    "under", "over", "aged", "age", "only", "just", "about", "around", "than", "or", "and", "of", "the", "a", "every",
    "these", "those", "first", "last", "next", "all", "at", "by", "from", "till", "until", "within", "in", "on",
    "after", "before", "between", "day", "week", "term", "minus", "plus", "times",
})
_UNITS_BEFORE = frozenset({"am", "pm", "of", "or", "and", "to", "more", "less", "times", "hours", "hrs", "mins",
                           "minutes", "days", "weeks", "months", "years", "x", "new", "other", "different", "extra"})


def spelt_out(text: str) -> str:
    """The text with each shorthand replaced by the words it stands for."""
    return _DIGIT_WORD.sub(_digit_as_word, _SHORTHAND.sub(_words_of, text))


# A letter typed alone as a capital after a count or a word that names a grade, a year or a class ("got 3 A's and 2 B",
# "Year R", "a U in maths") is that grade or name, not text-speak, unless the whole message is typed in capitals.
_NAMING = frozenset({"a", "an", "year", "yr", "grade", "grades", "class", "set", "group", "form", "level", "tier",
                     "band", "stage", "ks", "block", "room", "plan", "option", "type", "section", "part"})


def _words_of(found: re.Match[str]) -> str:
    if _a_grade_or_name(found):
        return found.group()
    runs_on = found.group().endswith("/") and found.string[found.end() : found.end() + 1].strip() != ""
    return _SPELT[found.group().lower()] + (" " if runs_on else "")


# What follows a count rather than "to" / "for": a plural ("photos", "A*s", "A's") or a grade ("4 A*", "2 B").
_COUNTED_THING = re.compile(r"\S+[sS]|[A-G][*+]?")
_NO_PLURAL = frozenset({"us", "is", "as", "this", "his", "hers", "its", "was", "has", "does", "yes", "ours", "yours",
                        "theirs", "whose", "across", "unless"})


def _digit_as_word(found: re.Match[str]) -> str:
    before = found.string[: found.start()].split()
    after = found.group(2).lower()
    counted = found.string[found.end():].split(maxsplit=1)[0].rstrip(".,;:!?'\"’”)")
    if (before and before[-1].lower() in _COUNTED_AFTER) or after in _UNITS_BEFORE or (
            _COUNTED_THING.fullmatch(counted) and counted.lower() not in _NO_PLURAL):
        return found.group(1)
    return TEXT_SPEAK[found.group(1)]


def _a_grade_or_name(found: re.Match[str]) -> bool:
    """Whether a shorthand ending in one letter ("r", "u", "2 b") is, as typed, a grade or a name ("2 B", "Year R")."""
    typed = found.group().split()
    if len(typed[-1]) != 1 or not typed[-1].isupper() or not any(ch.islower() for ch in found.string):
        return False
    before = typed[-2] if len(typed) > 1 else next(iter(found.string[: found.start()].split()[-1:]), "")
    before = before.strip(".,;:!?'\"()").lower()
    return before.isdigit() or before in _NAMING
