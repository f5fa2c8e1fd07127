"""Questions that cite a clause by its number ("What does paragraph 5.2 say?", "beth mae 4.2 yn ei ddweud?"): the
policy's own cross-references ("see paragraph 4.2") send staff there, and the words of the question do not."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

# A clause number, not part of a date ("12.10.2022") or a version ("version 2.1", "v2.1", "fersiwn 2.1").
_CITED = re.compile(r"(?<![\w.])(?<!version )(?<!fersiwn )(?<!ver )(?<!v)(\d{1,3}(?:\.\d{1,3})+)(?!\.?\d)",
                    re.IGNORECASE)
# How many passages of one clause an answer quotes (a clause is a paragraph, quoted a sentence or two at a time).
MOST_PASSAGES = 3


def clause_cited(question: str, clauses: Mapping[str, Sequence[int]]) -> str | None:
    """The one clause of the policy a question cites by number, else None (none, or two different ones)."""
    cited = {number for number in _CITED.findall(question) if number in clauses}
    return cited.pop() if len(cited) == 1 else None
