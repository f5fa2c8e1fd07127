"""Typo tolerance: the deletion index finds exactly what comparing a typo with every known word finds."""

from __future__ import annotations

import random

from bot.policy.text import words
from bot.policy.typos import (
    LONG_TYPO_LENGTH,
    MIN_TYPO_LENGTH,
    TypoIndex,
    edit_distance,
    is_subsequence,
    plausible_typo,
)
from tests.support.policies import fixture_policy


def test_typo_index_finds_what_a_search_of_every_known_word_finds() -> None:
    # The index keeps two deleted letters only for long words; this checks it loses no correction.
    known = {w for p in fixture_policy().all_passages() for w in words(p.text)}
    typos = TypoIndex(known)
    vocabulary = sorted(w for w in known if len(w) >= MIN_TYPO_LENGTH - 1)
    long_enough = [w for w in vocabulary if len(w) >= 6]
    rng = random.Random(7)
    checked = 0
    while checked < 150:
        word = rng.choice(long_enough)
        i = rng.randrange(1, len(word) - 1)
        edit = rng.choice(("drop", "swap", "change", "add", "drop two"))
        typo = {
            "drop": word[:i] + word[i + 1 :],
            "swap": word[:i] + word[i + 1] + word[i] + word[i + 2 :],
            "change": word[:i] + "q" + word[i + 1 :],
            "add": word[:i] + "k" + word[i:],
            "drop two": word[:i] + word[i + 2 :],
        }[edit]
        if len(typo) < MIN_TYPO_LENGTH or typo in known:
            continue
        checked += 1
        searched = sorted(
            (edit_distance(typo, c), c) for c in vocabulary if abs(len(c) - len(typo)) <= 2 and plausible_typo(typo, c)
        )
        accepted = [
            (d, c)
            for d, c in searched
            if d == 1 or (d == 2 and len(typo) >= LONG_TYPO_LENGTH and is_subsequence(typo, c))
        ]
        assert typos.correct(typo) == (accepted[0][1] if accepted else None), typo


def test_a_common_typo_is_read_as_the_word() -> None:
    typos = TypoIndex(["permission", "headteacher", "photographs"])

    assert typos.correct("permision") == "permission"
    assert typos.correct("headteahcer") == "headteacher"
    assert typos.correct("xylophone") is None
