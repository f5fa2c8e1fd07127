"""One cleaning for every typed string a card shows or an export writes (issue 19, item 5)."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from datetime import UTC, date, datetime

import pytest

from bot.domain.people import Person
from bot.domain.permission_requests import PermissionRequest, RequestState
from bot.domain.text import _clean_char, clean_user_text, has_visible_text, shortened
from bot.export import decisions_csv

# Named in the security review, then every code point of the categories the cleaning drops.
NAMED = "\u061c\u2028\u2029\ufeff\u2060\u00ad\U000e0001\U000e0041\U000e007f\u202e\u200b\x07\x1b\ue000"
DROPPED = ("Cc", "Cf", "Co", "Zl", "Zp")
EVERY_DROPPED = "".join(ch for ch in map(chr, range(sys.maxunicode + 1))
                        if unicodedata.category(ch) in DROPPED and ch not in "\n\t")


def _shown(text: str) -> set[str]:
    return {unicodedata.category(ch) for ch in text if ch not in "\n\t"}


@pytest.mark.parametrize("ch", list(NAMED))
def test_each_character_the_review_named_is_removed(ch: str) -> None:
    assert clean_user_text(f"Carys{ch}Jenkins", limit=100) in ("CarysJenkins", "Carys\nJenkins")


def test_no_character_of_the_dropped_categories_or_the_tag_block_survives() -> None:
    cleaned = clean_user_text(f"a{EVERY_DROPPED}{''.join(map(chr, range(0xE0000, 0xE0080)))}b", limit=10**7)

    assert len(EVERY_DROPPED) > 1000  # the categories really were enumerated
    assert _shown(cleaned) & set(DROPPED) == set()
    assert not any(0xE0000 <= ord(ch) <= 0xE007F for ch in cleaned)
    assert cleaned.startswith("a") and cleaned.endswith("b")


def test_line_and_paragraph_separators_become_line_breaks_and_text_is_kept() -> None:
    typed = ("Line one\u2028line two\u2029Llinell tri: Siân, ŵyr, ŷd 👩🏽‍🏫 [link](https://x.example) **bold**"
             "\r\nend\ttab")

    cleaned = clean_user_text(typed, limit=500)

    assert cleaned.split("\n")[:2] == ["Line one", "line two"]
    assert cleaned.split("\n")[2] == "Llinell tri: Siân, ŵyr, ŷd 👩🏽‍🏫 [link](https://x.example) **bold**"
    assert cleaned.endswith("end\ttab")


def test_printable_text_which_the_cleaning_keeps_as_it_is_has_no_character_it_would_change() -> None:
    changed = [ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isprintable() and _clean_char(ch) != ch]

    assert changed == []
    assert "Siân, ŵyr: 👩🏽 [link](https://x.example) **bold**".isprintable()  # the shortcut is the usual case


WALES, SCOTLAND, ENGLAND = ("\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in code) + "\U000e007f"
                            for code in ("gbwls", "gbsct", "gbeng"))


@pytest.mark.parametrize("typed", ["Our 👩‍🏫 and 👨🏾‍🏫 on sports day 🏃‍♀️🏃‍♂️ with 👨‍👩‍👧‍👦 families",
                                   f"Dydd Gŵyl Dewi {WALES} a'r Eisteddfod 🏳️‍🌈", f"{SCOTLAND}{ENGLAND} rugby 🏉",
                                   "❤️‍🔥 keycap 1️⃣ flag 🇬🇧"])
def test_an_emoji_made_of_several_is_shown_whole(typed: str) -> None:
    """Emoji staff type are often several characters joined: the teacher (woman, joiner, school), the runner, a family,
    and the flag of Wales (a black flag and tag characters). Before, the joiner and the tags were taken out with every
    other invisible character: the head read a woman and a school building, and a black flag for Wales."""
    assert clean_user_text(typed, limit=500) == typed


@pytest.mark.parametrize(("typed", "shown"), [
    ("Car\u200dys", "Carys"),  # a joiner between letters joins no picture
    ("👩\u200d", "👩"), ("\u200d🏫", "🏫"), ("👩\u200d\u200d🏫", "👩\u200d🏫"),  # a joiner typed twice is one
    ("🏴" + "".join(chr(0xE0000 + ord(c)) for c in "hidden text") + "\U000e007f", "🏴"),  # tags that are no flag
    (f"{WALES[:-1]}", "🏴"),  # a flag's tags without their end
    ("a" + WALES[1:] + "b", "ab"),  # a flag's tags with no black flag before them
])
def test_a_joiner_or_tags_that_make_no_emoji_are_still_taken_out(typed: str, shown: str) -> None:
    """Only the joiner between two pictures, and the tags of the three flags, are kept: tag characters can carry hidden
    words, which no card may hold."""
    assert clean_user_text(typed, limit=500) == shown


def test_long_text_is_cut_with_an_ellipsis() -> None:
    assert clean_user_text("x" * 50, limit=10) == "x" * 9 + "…"


def test_the_export_cleans_with_the_same_function() -> None:
    request = PermissionRequest(
        request_id="P-ABCDEF", requester=Person("t", "a1", f"Carys{NAMED} Jenkins"), school_id="high",
        platform="instagram", platform_other="", account_kind="new", existing_account="",
        purpose=f"Field trip{NAMED}", audiences=("parents",), pupil_content=(), consent="", moderator="Carys",
        moderation="daily", start=date(2026, 12, 1), end=None, submitted_at=datetime(2026, 11, 24, tzinfo=UTC),
        state=RequestState.APPROVED, decided_by="\u202eSiân", decided_at=datetime(2026, 11, 25, tzinfo=UTC))

    [_, row] = list(csv.reader(io.StringIO(decisions_csv([request], start=date(2026, 11, 1),
                                                         end=date(2026, 11, 30), school_names={}))))

    assert (row[2], row[5], row[8]) == ("Carys Jenkins", "Field trip", "Siân")  # one line in a CSV cell
    assert all(_shown(cell) & set(DROPPED) == set() for cell in row)


# Text that shows nothing: spaces and line breaks of every kind, the characters the cleaning drops, and the fillers
# that are letters or symbols by category but draw as blank (Hangul fillers, the blank Braille pattern, the musical
# null notehead; the musical beam, tie, slur and phrase marks are format characters).
SHOWS_NOTHING = ["", "   ", "\n\t", "\u200b\u200b", "\u2028", "\ufeff", "\u00a0\u3000", "\u2060\u00ad\u202e",
                 "\U000e0041\U000e007f", "\u3164\u115f\u1160\uffa0", "\u2800", "\ue000", "\u0301",
                 "\U0001d159\U0001d159", " \U0001d159 ", "".join(map(chr, range(0x1D173, 0x1D17B))),
                 "\U00016fe4\u034f"]


@pytest.mark.parametrize("typed", SHOWS_NOTHING, ids=range(len(SHOWS_NOTHING)))
def test_text_with_no_visible_character_is_empty(typed: str) -> None:
    assert not has_visible_text(typed)


@pytest.mark.parametrize("typed", ["a", " \u200bOK\u200b ", "?", "🙂", "5", "Siân", "ŵ", "—", "\u200b.\u200b",
                                   "\U0001d15f", "\u2801", "\u3164A"])
def test_one_visible_character_is_enough(typed: str) -> None:
    assert has_visible_text(typed)


def test_a_long_text_is_shortened_between_words_and_a_short_one_is_left_whole() -> None:
    words = "Tomos Evans's mum emailed me about the holiday dates again"

    assert shortened(words, limit=len(words)) == words
    assert shortened(words, limit=30) == "Tomos Evans's mum emailed me…"
    assert shortened(words, limit=28) == "Tomos Evans's mum emailed me…"  # the word ends at the limit: kept whole
    assert shortened("x" * 50, limit=20) == "x" * 20 + "…"  # no space to cut at: cut inside the word


@pytest.mark.parametrize("typed", ["Mae'r ŵyl yn y neuadd", "Mae'r w\u0302yl yn y neuadd", "Vie\u0323\u0302t Nam",
                                   "नमस्ते", "Siân", "🏃\u200d♀\ufe0f"])
def test_the_accents_of_every_language_are_kept(typed: str) -> None:
    assert clean_user_text(typed, limit=200) == typed


def test_a_letter_keeps_at_most_four_combining_marks_and_its_neighbours_all_theirs() -> None:
    stacked = "".join(chr(c) for c in range(0x300, 0x36F))  # a hundred and eleven, "Zalgo" text

    cleaned = clean_user_text(f"a{stacked}b{stacked}\u20dd c\u0301", limit=2000)

    assert cleaned == f"a{stacked[:4]}b{stacked[:4]} c\u0301"
