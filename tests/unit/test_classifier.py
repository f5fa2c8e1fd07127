"""The passage classifier: learns its classes, is deterministic, never predicts a class it has no wording for,
and is trained once per policy file and model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.policy import classifier
from bot.policy.retrieval import PolicyIndex
from bot.policy.sentence import SentenceVectors
from tests.support.model import linked_model
from tests.support.policies import fixture_policy


def _clusters() -> tuple[np.ndarray, np.ndarray]:
    """Three classes of unit vectors around three directions; a fourth class has no rows at all."""
    generator = np.random.default_rng(7)
    centres = np.eye(3, 16, dtype=np.float32)
    rows = np.vstack([centre + 0.2 * generator.standard_normal((20, 16)) for centre in centres]).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows, np.repeat(np.arange(3), 20).astype(np.intp)


def test_each_wording_is_given_its_own_class() -> None:
    rows, labels = _clusters()

    trained = classifier.train(rows, labels, classes=4)
    chances = np.stack([trained.probabilities(row) for row in rows])

    assert np.allclose(chances.sum(axis=1), 1.0, atol=1e-5)
    assert (chances.argmax(axis=1) == labels).all()
    assert chances[:, 3].max() < 1e-6  # the class without wordings


def test_training_is_deterministic_and_named_by_what_it_learnt_from() -> None:
    rows, labels = _clusters()

    first, second = classifier.train(rows, labels, 4), classifier.train(rows, labels, 4)

    assert np.array_equal(first.weights, second.weights) and np.array_equal(first.bias, second.bias)
    assert classifier.training_key(rows, labels, 4) == classifier.training_key(rows.copy(), labels.copy(), 4)
    assert classifier.training_key(rows, labels, 4) != classifier.training_key(rows, labels[::-1].copy(), 4)


def test_the_index_trains_once_per_policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linked_model(tmp_path, with_rows=True)  # the policy's vectors kept, so only the classifier is new here
    policy = fixture_policy()
    first = PolicyIndex(policy, sentences=SentenceVectors(tmp_path))
    monkeypatch.setattr(classifier, "train", lambda *_: pytest.fail("trained again"))

    again = PolicyIndex(policy, sentences=SentenceVectors(tmp_path))

    question = "can I be friends with pupils on facebook"
    assert again.answer(question) == first.answer(question)
