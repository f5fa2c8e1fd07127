"""The one cleaning every typed string gets before a card shows it or an export writes it, and the one folding
of typed words for matching."""

from __future__ import annotations

import re
import unicodedata

# Unicode categories that never belong in what a person reads: controls, format characters (text-direction
# marks and overrides, zero-width characters, the soft hyphen, U+061C, U+FEFF, U+2060, tag characters
# U+E0000-E007F), private use and stray surrogates.
_DROPPED = frozenset({"Cc", "Cf", "Co", "Cs"})
_KEPT = frozenset("\n\t")
_TAGS = range(0xE0000, 0xE0080)  # the whole block, including its unassigned code points
# Letters, numbers, punctuation and symbols show; these are letters or symbols by category yet draw as blank
# (Hangul fillers, the blank Braille pattern, the musical null notehead U+1D159), a known way to fill in a required
# field with nothing. (The musical beam, tie, slur and phrase marks U+1D173-1D17A are format characters already.)
_SHOWN = frozenset("LNPS")
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\U0001d159")


# Emoji drawn from several characters, kept whole: a zero-width joiner between two pictures ("👩‍🏫" is a woman, the
# joiner and a school; "🏃‍♀️"), and the flags of Wales, Scotland and England (a black flag, tag characters spelling
# "gbwls", and a cancel tag). Any other joiner or tag is dropped: tags can spell hidden words.
_JOINER = "\u200d"
_FLAGS = re.compile("|".join(re.escape("\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in code) + "\U000e007f")
                             for code in ("gbwls", "gbsct", "gbeng")))


def _picture(ch: str) -> bool:
    """A character a joiner may follow in an emoji: a picture, a skin tone, or the variation selector that draws the
    one before it as a picture (U+FE0F)."""
    return unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f"


def _cleaned(text: str) -> str:
    """`text` without what a card never shows, but the joiners of emoji (`_JOINER`)."""
    kept: list[str] = []
    for place, ch in enumerate(text):
        joins = (ch == _JOINER and bool(kept) and _picture(kept[-1]) and place + 1 < len(text)
                 and unicodedata.category(text[place + 1]) == "So")
        if shown := ch if joins else _clean_char(ch):
            kept.append(shown)
    return "".join(kept)


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category in ("Zl", "Zp"):
        return "\n"  # U+2028, U+2029: a line break, written the way every renderer understands
    if (category in _DROPPED and ch not in _KEPT) or ord(ch) in _TAGS:
        return ""
    return ch


def has_visible_text(value: str) -> bool:
    """True when the text shows at least one character; spaces, line breaks, invisible characters, controls,
    private-use characters and combining marks alone show nothing, so a required field of them is empty."""
    return any(unicodedata.category(ch)[0] in _SHOWN and ch not in _BLANK_LOOKING for ch in value)


def fold(text: str) -> str:
    """Lower case without accents or invisible characters, for matching what people typed ("Caniatâd" and "caniatad"
    match, and so do "Gareth" and a "Gar\u200beth" that shows as it)."""
    return without_accents(visible(text).casefold())


def visible(text: str) -> str:
    """The text without the characters a card never shows (controls but tab and line break, format characters,
    private use, the tag block); a line or paragraph separator becomes a line break."""
    # Printable text (no character of the categories dropped or turned into line breaks, none of the tag block; also
    # no tab, line break or space but U+0020) is kept as it is, without a loop over its characters.
    if text.isprintable():
        return text
    flags = _FLAGS.findall(text)
    parts = [_cleaned(part) for part in _FLAGS.split(text)]
    return "".join(part + flag for part, flag in zip(parts, [*flags, ""], strict=True))


def without_accents(text: str) -> str:
    """The text with its letters' accents taken off, case kept ("Siân" → "Sian", "Llŷr" → "Llyr")."""
    if text.isascii():  # nothing to take off: most of what staff type, read for every name a concern report may hold
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# Combining marks kept on one character: enough for every language's accents (Welsh "ŵ" typed with a separate
# circumflex, Vietnamese "ệ", Hindi's vowel sign and virama), while a letter carrying dozens of them ("Zalgo" text)
# draws far above and below its line, over the lines round it on someone else's card.
MOST_MARKS = 4
_MARKS = frozenset(("Mn", "Me"))


def few_marks(text: str) -> str:
    """`text` with at most `MOST_MARKS` combining marks in a row (a letter's accents); the rest dropped."""
    if text.isascii():
        return text
    kept: list[str] = []
    run = 0
    for ch in text:
        run = run + 1 if unicodedata.category(ch) in _MARKS else 0
        if run <= MOST_MARKS:
            kept.append(ch)
    return "".join(kept)


def clean_user_text(value: str, *, limit: int, one_line: bool = False) -> str:
    """Typed text without invisible or control characters, nor more than `MOST_MARKS` combining marks on a letter,
    trimmed and cut to `limit` characters; with `one_line` (a cell of an export), line breaks and tabs become single
    spaces too.

    Markdown stays as typed: cards make it inert by showing the result only in a `TextRun` (or an input's
    value, a choice's title, a button's data), which render no markdown, links or mentions.
    """
    cleaned = few_marks(visible(value.replace("\r\n", "\n").replace("\r", "\n"))).strip()
    if one_line:
        cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def shortened(value: str, *, limit: int) -> str:
    """`value` whole when it is at most `limit` characters; else its start, cut between words where one ends in the
    second half, and an ellipsis (at most `limit` characters and the ellipsis)."""
    if len(value) <= limit:
        return value
    start = value[:limit + 1]  # one more, so a word ending exactly at the limit is kept whole
    between = max(start.rfind(" "), start.rfind("\n"), start.rfind("\t"))
    return (start[:between] if between > limit // 2 else value[:limit]).rstrip() + "…"
