"""Typo tolerance: one slip in a policy word, or two dropped letters in a long one, is read as the word."""

from __future__ import annotations

import pytest

from bot.policy.text import words
from bot.policy.typos import TypoIndex
from tests.support.policies import fixture_policy

# Long policy words, each with one typo of every kind the index must undo; "drop two" is kept only for long words.
POLICY_WORDS = ("photographs", "headteacher", "confidentiality", "professional", "disclaimer", "inappropriate",
                "communication", "safeguarding")
EDITS = ("drop", "swap", "change", "add", "drop two")


def _typo(word: str, edit: str) -> str:
    i = len(word) // 2
    return {"drop": word[:i] + word[i + 1:], "swap": word[:i] + word[i + 1] + word[i] + word[i + 2:],
            "change": word[:i] + "q" + word[i + 1:], "add": word[:i] + "k" + word[i:],
            "drop two": word[:i] + word[i + 2:]}[edit]


@pytest.fixture(scope="module")
def policy_typos() -> TypoIndex:
    return TypoIndex({w for p in fixture_policy().all_passages() for w in words(p.text)})


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("word", POLICY_WORDS)
def test_a_typo_of_a_policy_word_is_read_as_that_word(policy_typos: TypoIndex, word: str, edit: str) -> None:
    typo = _typo(word, edit)

    assert policy_typos.correct(typo) == word, typo


def test_two_dropped_letters_are_undone_only_in_long_words() -> None:
    typos = TypoIndex(["photographs", "policy"])

    assert typos.correct("photoaphs") == "photographs"
    assert typos.correct("pocy") is None


def test_a_common_typo_is_read_as_the_word() -> None:
    typos = TypoIndex(["permission", "headteacher", "photographs"])

    assert typos.correct("permision") == "permission"
    assert typos.correct("headteahcer") == "headteacher"
    assert typos.correct("xylophone") is None


def test_a_word_with_its_last_letter_doubled_or_typed_once_is_read_as_the_word() -> None:
    """ "whatsap" and "instagramm" typed alone were "not covered": a word that is the start of another was never read
    as it, so one typed a letter short or long at its end stayed unknown."""
    typos = TypoIndex(["whatsapp", "instagram", "poster"])

    assert typos.correct("whatsap") == "whatsapp"
    assert typos.correct("instagramm") == "instagram"
    assert typos.correct("posters") is None and typos.correct("poste") is None


def test_a_platforms_name_with_two_letters_dropped_is_read_as_the_name() -> None:
    """ "can I use watsap with parents" was "not covered" where "whatsapp" quoted the answer: two dropped letters were
    undone only in words of seven letters or more. A platform's name is typed as it sounds; an ordinary word is not."""
    names = ["whatsapp", "snapchat", "youtube"]
    typos = TypoIndex([*names, "parents", "policy"], names=names)

    assert typos.correct("watsap") == "whatsapp"
    assert typos.correct("snapcht") == "snapchat"
    assert typos.correct("yutub") == "youtube"
    assert typos.correct("parns") is None and typos.correct("polc") is None
