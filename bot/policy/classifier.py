"""Which passage a question is about, learnt from the policy file itself.

Softmax regression over sentence vectors: one class per passage (its text, runs of its words and any wordings
staff use for it) and one for the questions the policy does not cover. Nearest-view similarity rewards one lucky
wording; the regression weighs every text of every passage at once, so it learns what tells two neighbouring
passages apart. Training is deterministic full-batch gradient descent from zero (about 1.6 s for 4,100 texts);
`SentenceVectors.remembered` keeps the result (beside the model, or in INDEX_CACHE_FOLDER), so only a new policy
file pays for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SCALE = 30.0
L2 = 1e-3
STEPS = 300
STEP_SIZE = 0.5

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class PassageClassifier:
    """Weights of the regression: `probabilities` gives one figure per passage, then one for "not covered"."""

    weights: Matrix
    bias: Matrix

    def probabilities(self, vector: Matrix) -> Matrix:
        """How likely the question is about each passage (and, last, about nothing the policy covers)."""
        logits: Matrix = SCALE * (vector @ self.weights) + self.bias
        exp = np.exp(logits - logits.max())
        chances: Matrix = exp / exp.sum()
        return chances


def training_key(rows: Matrix, labels: npt.NDArray[np.intp], classes: int) -> str:
    """Names one training run: the same vectors, labels and settings always give the same weights."""
    digest = hashlib.sha256(f"{classes}|{SCALE}|{L2}|{STEPS}|{STEP_SIZE}|".encode())
    digest.update(np.ascontiguousarray(rows, dtype=np.float32).tobytes())
    digest.update(np.ascontiguousarray(labels, dtype=np.int64).tobytes())
    return digest.hexdigest()


def train(rows: Matrix, labels: npt.NDArray[np.intp], classes: int) -> PassageClassifier:
    """Fit the regression; every class counts equally however many wordings it has (a class with none, e.g. a
    policy file without "not_covered" questions, is never predicted)."""
    x = np.ascontiguousarray(rows, dtype=np.float32)
    counts = np.bincount(labels, minlength=classes).astype(np.float32)
    present = counts > 0
    class_weight = np.where(present, len(labels) / (present.sum() * np.maximum(counts, 1)), 0.0)
    sample_weight = (class_weight[labels] / len(labels)).astype(np.float32)[:, None]
    target = np.eye(classes, dtype=np.float32)[labels]
    weights = np.zeros((x.shape[1], classes), dtype=np.float32)
    bias = np.zeros(classes, dtype=np.float32)
    for _ in range(STEPS):
        logits = SCALE * (x @ weights) + bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        gradient = (exp / exp.sum(axis=1, keepdims=True) - target) * sample_weight
        weights -= STEP_SIZE * (SCALE * (x.T @ gradient) + L2 * weights)
        bias -= STEP_SIZE * gradient.sum(axis=0)
    bias[~present] = -1e4
    return PassageClassifier(weights, bias)
