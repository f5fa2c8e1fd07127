"""Typo tolerance for English questions: a word the index does not know is read as a known word one edit away
(two dropped letters in a long word), keeping its first letter."""

from __future__ import annotations

from collections.abc import Iterable

MIN_TYPO_LENGTH = 5
# From this length a typed word may be a known word with two letters dropped ("permision" for "permissions").
LONG_TYPO_LENGTH = 7


class TypoIndex:
    """Known words by their deletions, so a typo's candidates are found without comparing it with every word."""

    def __init__(self, known: Iterable[str], *, names: Iterable[str] = ()) -> None:
        """Index every known word of at least MIN_TYPO_LENGTH - 1 letters. `names` (platforms' names, "whatsapp")
        are read with two letters dropped from MIN_TYPO_LENGTH letters, not only in long words: a name is typed as
        it sounds ("watsap"), and no ordinary word is two letters short of one."""
        self._names = frozenset(names)
        # Tuples, grown in place rather than from lists or sets: most of the index's memory. One deleted letter on
        # each side finds every one-edit typo; two on the known word's side are only needed where `correct`
        # accepts two dropped letters, so shorter words keep one (the same corrections, a third fewer keys).
        self._candidates: dict[str, tuple[str, ...]] = {}
        # A token more than two letters longer than every indexed word is a typo of none: `correct` returns at once
        # (spelling out its deletions costs the square of its length in strings of its length: 64 GB for 4,000 letters).
        self._longest = 0
        for word in sorted(set(known)):
            if len(word) >= MIN_TYPO_LENGTH - 1:
                for variant in deletions(word, 2 if len(word) >= LONG_TYPO_LENGTH + 2 or word in self._names else 1):
                    self._candidates[variant] = self._candidates.get(variant, ()) + (word,)
                self._longest = max(self._longest, len(word))

    def correct(self, token: str) -> str | None:
        """The known word a typo most likely stands for, or None."""
        if len(token) > self._longest + 2:
            return None
        candidates: set[str] = set()
        for variant in deletions(token, 2):
            candidates.update(self._candidates.get(variant, ()))
        scored = sorted((edit_distance(token, c), c) for c in candidates if plausible_typo(token, c))
        scored = [
            (d, c)
            for d, c in scored
            if d == 1 or (d == 2 and (len(token) >= LONG_TYPO_LENGTH or c in self._names) and is_subsequence(token, c))
        ]
        return scored[0][1] if scored else None


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def deletions(word: str, depth: int) -> set[str]:
    """The word with up to `depth` letters deleted."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def plausible_typo(token: str, candidate: str) -> bool:
    """Typos rarely change the first letter; a word that is the start of another is a different word ("post",
    "poster"), unless all that differs is its last letter doubled or typed once ("whatsap", "instagramm")."""
    if token[0] != candidate[0]:
        return False
    return not (candidate.startswith(token) or token.startswith(candidate)) or _last_letter_doubled(token, candidate)


def _last_letter_doubled(token: str, candidate: str) -> bool:
    """True when one word is the other with its last letter typed twice ("instagramm", "whatsap")."""
    shorter, longer = sorted((token, candidate), key=len)
    return longer == shorter + shorter[-1]


def is_subsequence(short: str, long: str) -> bool:
    """True when `long` is `short` with letters added (dropped letters are the common two-edit typo)."""
    letters = iter(long)
    return all(ch in letters for ch in short)



def slipped(typed: str, word: str) -> bool:
    """Whether `typed` is `word` with two letters next to each other swapped ("parnets", "freind"): a slip that
    rarely makes another real word, unlike a letter changed, added or dropped ("messaged", "reposts")."""
    if len(typed) != len(word):
        return False
    differ = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    return (len(differ) == 2 and differ[1] == differ[0] + 1 and typed[differ[0]] == word[differ[1]]
            and typed[differ[1]] == word[differ[0]])
