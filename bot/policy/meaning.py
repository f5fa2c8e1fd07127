"""Scoring by meaning: a sentence model (sentence.py) compares the question with each passage, and a classifier
(classifier.py) learns what tells the passages apart.

- nearest views: each passage is read as "heading. text", a rule under a short label also without its label
  ("Keep it professional: don't use your personal profile…" as "don't use your personal profile…"), and as each of
  its wordings (steering data, when there is any). Questions, wordings and not-covered questions go through the
  question encoder, the passages' own words through the passage encoder (sentence.py). A passage counts its best
  view, tempered by its second best (AGREEMENT), so one lucky view weighs less than two that agree; a passage with
  wordings counts its second best (WORDING_AGREEMENT): among seventy wordings, one near a question says little.
- read after the one before: a sentence that continues a short paragraph (one a card quotes whole) is also read
  after the sentence before it, which may say what it is about ("The school has a Facebook page. These are managed
  by the office manager."). That reading can lift the passage's similarity, tempered toward its own, never lower it,
  and the classifier does not learn from it (it would learn the sentence before's words as this one's).
- the classifier is trained on the same views plus pieces of the passage's own text (runs of 5, 8 and 12 words):
  with no wordings at all it still learns which words belong to which passage and not to its neighbours. A last
  class holds the questions the policy does not cover that are in force (see retrieval.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.policy import classifier
from bot.policy.sentence import SentenceVectors, Vector

# A passage's meaning is its best view's similarity, pulled this far toward its second best's: one lucky wording
# is weaker evidence than two that agree. The nearest not-covered question is tempered the same way.
AGREEMENT = 0.25
WORDING_AGREEMENT = 1.0
# The runs of a passage's own words the classifier learns from, by length in words; each run starts half its
# length after the last.
PIECE_LENGTHS = (5, 8, 12)
_TOKEN = re.compile(r"[^\s]+")
# "Label: the rule", with a label of a few words and a rule of a sentence.
_LABELLED = re.compile(r"^[^:]{3,60}:\s+(.{20,})$", re.DOTALL)


def agreed(best: Vector, second: Vector, agreement: float | Vector = AGREEMENT) -> Vector:
    """The best similarity pulled toward the second best by `agreement`: one lucky view counts for less."""
    pulled: Vector = (best - agreement * (best - second)).astype(np.float32)
    return pulled


def own_views(heading: str, text: str) -> list[str]:
    """How a passage is read in its own words: "heading. text", and a labelled rule also without its label."""
    views = [f"{heading}. {text}"]
    if labelled := _LABELLED.match(text):
        views.append(f"{heading}. {labelled.group(1)}")
    return views


def pieces_of(text: str) -> list[str]:
    """Runs of a passage's words, for the classifier: what each part of the passage is about."""
    tokens = _TOKEN.findall(text)
    found: list[str] = []
    for size in PIECE_LENGTHS:
        if len(tokens) <= size:
            continue
        step = max(2, size // 2)
        found.extend(" ".join(tokens[i : i + size]) for i in range(0, len(tokens) - size + 1, step))
    return list(dict.fromkeys(found))


class MeaningIndex:
    """Sentence vectors of every passage's views, and the passage classifier."""

    def __init__(
        self,
        sentences: SentenceVectors,
        own: Sequence[Sequence[str]],
        wordings: Sequence[Sequence[str]],
        pieces: Sequence[Sequence[str]],
        not_covered: Sequence[str],
        not_covered_lists: Sequence[int],
        after: Sequence[str] = (),
    ) -> None:
        """`own[i]` (its own words, `own_views`, "heading. text" first), `wordings[i]` and `pieces[i]` are passage
        i's texts (views, own and wordings: compared with questions and learnt from; pieces: only learnt from);
        `not_covered` are questions the policy does not answer, and `not_covered_lists` the number of the list each
        comes from (the classifier learns one class per list); `after[i]`, when not empty, is passage i read after
        the one before it."""
        self._sentences = sentences
        views = [[*mine, *asked] for mine, asked in zip(own, wordings, strict=True)]
        self.passages = len(views)
        owners = [i for i, texts in enumerate(views) for _ in texts]
        piece_owners = [i for i, texts in enumerate(pieces) for _ in texts]
        view_texts = [t for texts in views for t in texts]
        piece_texts = [t for texts in pieces for t in texts]
        # One call, so the index's vectors are kept in one file. A passage's own views and its pieces are its own
        # words; its wordings and the not-covered questions are things staff ask, read like their questions.
        self._after_at = np.array([n for n, text in enumerate(after) if text], dtype=np.intp)
        after_texts = [after[n] for n in self._after_at]
        asked = [i >= len(mine) for mine, texts in zip(own, views, strict=True) for i in range(len(texts))]
        asked += [False] * (len(after_texts) + len(piece_texts))
        embedded = sentences.embed_all(
            view_texts + after_texts + piece_texts + list(not_covered), asked + [True] * len(not_covered)
        )
        start = len(view_texts)
        self.view_rows = embedded[:start]
        self._after_rows = embedded[start : start + len(after_texts)]
        start += len(after_texts)
        self.piece_rows = embedded[start : start + len(piece_texts)]
        self.not_covered_rows = embedded[start + len(piece_texts) :]
        self._owners = np.array(owners + piece_owners, dtype=np.intp)
        # Row numbers of each passage's views, padded with len(owners): a slot that reads as -inf. At least two
        # columns, for the second best, even when no passage has more than one view.
        groups: list[list[int]] = [[] for _ in views]
        for row, owner in enumerate(owners):
            groups[owner].append(row)
        self._view_grid = np.full((len(groups), max(2, *map(len, groups))), len(owners), dtype=np.intp)
        for position, rows in enumerate(groups):
            self._view_grid[position, : len(rows)] = rows
        self._own_rows = self.view_rows[[rows[0] for rows in groups]]
        self._agreement = np.array([WORDING_AGREEMENT if asked else AGREEMENT for asked in wordings], np.float32)
        self._lists = np.array(not_covered_lists, dtype=np.intp)
        self.list_count = int(self._lists.max()) + 1 if len(self._lists) else 0
        self._active = np.ones(len(not_covered), dtype=bool)
        self._classifier: classifier.PassageClassifier | None = None

    def embed(self, text: str) -> Vector:
        """The sentence vector of a question's reading (by the question encoder)."""
        return self._sentences.embed(text, question=True)

    def by_passage(self, sentence: Vector) -> Vector:
        """Each passage's similarity over its views: the best, tempered by the second best; lifted by its reading
        after the one before, where that is nearer."""
        similarity = self.view_rows @ sentence
        grid = np.append(similarity, np.float32(-np.inf))[self._view_grid]
        top_two = np.partition(grid, -2, axis=1)[:, -2:]
        second, best = top_two[:, 0], top_two[:, 1]
        second = np.where(np.isfinite(second), second, best)
        meaning = agreed(best, second, self._agreement)
        at = self._after_at
        if len(at):
            read_after = agreed(self._after_rows @ sentence, meaning[at], self._agreement[at])
            meaning[at] = np.maximum(meaning[at], read_after)
        return meaning

    def by_own_text(self, sentence: Vector) -> Vector:
        """Each passage's similarity by its own text ("heading. text", its first view) alone."""
        similarity: Vector = self._own_rows @ sentence
        return similarity

    def use_not_covered(self, active: npt.NDArray[np.bool_]) -> None:
        """Which not-covered questions are in force (the others are answered by a passage), then train the
        classifier on the views, the pieces and those questions (once per set of texts: see classifier.py)."""
        self._active = active
        kept = self.not_covered_rows[active]
        rows = np.vstack([self.view_rows, self.piece_rows, kept])
        labels = np.concatenate([self._owners, self.passages + self._lists[active]])
        classes = self.passages + max(self.list_count, 1)

        def fit() -> dict[str, npt.NDArray[np.float32]]:
            trained = classifier.train(rows, labels, classes)
            return {"weights": trained.weights, "bias": trained.bias}

        saved = self._sentences.remembered("classifier", classifier.training_key(rows, labels, classes), fit)
        self._classifier = classifier.PassageClassifier(saved["weights"], saved["bias"])

    def probabilities(self, sentence: Vector) -> Vector:
        """The classifier's chance for each passage, then for each not-covered list."""
        assert self._classifier is not None, "use_not_covered() trains the classifier first"
        return self._classifier.probabilities(sentence)

    def nearest_not_covered(self, sentence: Vector, lists: npt.NDArray[np.bool_],
                            set_aside: npt.NDArray[np.bool_] | None = None) -> float:
        """How near the question is to the not-covered questions in force in the given lists (a mask by list
        number), but those `set_aside` (a mask by question): the nearest, tempered by the second nearest like a
        passage's views (-1 when there are none)."""
        in_force = self._active & lists[self._lists]
        if set_aside is not None:
            in_force &= ~set_aside
        similarity = (self.not_covered_rows @ sentence)[in_force]
        if len(similarity) < 2:
            return float(similarity.max()) if len(similarity) else -1.0
        second, best = np.partition(similarity, -2)[-2:]
        return float(agreed(best, second))
