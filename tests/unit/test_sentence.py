"""The sentence model: meaning, determinism, the kept policy vectors, and clear failures."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.policy.sentence import ROWS, SOURCE_FILE, SentenceVectors
from tests.support.model import linked_model


@pytest.fixture(scope="module")
def model() -> SentenceVectors:
    return SentenceVectors()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the built model (linked), so the kept vectors can be written and spoiled freely."""
    return linked_model(tmp_path)


def test_a_paraphrase_is_nearer_than_an_unrelated_question(model: SentenceVectors) -> None:
    asked = model.embed("Can I be friends with pupils on Facebook?")
    paraphrase = model.embed("is it ok to add the kids I teach as mates on social media")
    unrelated = model.embed("where do I park my car")

    assert float(asked @ paraphrase) > float(asked @ unrelated) + 0.3


def test_the_question_encoder_brings_a_staff_question_nearer_the_passage_that_answers_it(
    model: SentenceVectors,
) -> None:
    passages = [model.embed(p) for p in (
        "Contact with pupils. Staff must not accept friend requests from pupils on personal accounts.",
        "Photographs. Photos of pupils may only be taken on school devices.",
        "Reporting. Report any abusive posts about staff to the headteacher.",
    )]
    question = "a year 9 kid sent me a follow request on insta, what do I do"

    asked, plain = model.embed(question, question=True), model.embed(question)

    assert not np.allclose(asked, plain)
    assert abs(float(np.linalg.norm(asked)) - 1.0) < 1e-5
    assert int(np.argmax([p @ asked for p in passages])) == 0
    assert float(passages[0] @ asked) > float(passages[0] @ plain)


def test_a_text_kept_as_a_question_and_as_a_passage_keeps_both_vectors(folder: Path) -> None:
    text = "Can I post photos of the school play on my own Facebook?"
    vectors = SentenceVectors(folder)

    rows = vectors.embed_all([text, text], [True, False])

    assert np.allclose(rows[0], vectors.embed(text, question=True))
    assert np.allclose(rows[1], vectors.embed(text))
    assert not np.allclose(rows[0], rows[1])


def test_vectors_are_unit_length_deterministic_and_zero_for_no_words(model: SentenceVectors) -> None:
    first = model.embed("Do I need the head's permission to run a class Twitter account?")

    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5
    assert np.array_equal(first, model.embed("Do I need the head's permission to run a class Twitter account?"))
    assert not model.embed("   ").any()


def test_a_story_longer_than_the_model_reads_still_gets_a_vector(model: SentenceVectors) -> None:
    story = "I teach year six and a parent sent me a friend request after the concert. " * 30

    assert abs(float(np.linalg.norm(model.embed(story))) - 1.0) < 1e-5


def test_policy_vectors_are_kept_and_reused(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["Staff should not befriend pupils on social media.", "Seek the headteacher's permission."]
    first = SentenceVectors(folder).embed_all(texts)
    assert len(list(folder.glob(f"{ROWS}-*.npz"))) == 1

    again = SentenceVectors(folder)
    monkeypatch.setattr(again, "embed", lambda text, **_: pytest.fail(f"embedded again: {text}"))

    assert np.array_equal(again.embed_all(texts), first)


def test_vectors_kept_by_another_build_of_the_model_are_not_reused(folder: Path) -> None:
    texts = ["Common sense must still be used at all times."]
    SentenceVectors(folder).embed_all(texts)
    (folder / SOURCE_FILE).unlink()
    (folder / SOURCE_FILE).write_text('{"source": "another build"}\n')
    rebuilt = SentenceVectors(folder)
    calls: list[str] = []
    original = rebuilt.embed

    def counted(text: str, *, question: bool = False) -> np.ndarray:
        calls.append(text)
        return original(text, question=question)

    rebuilt.embed = counted  # type: ignore[method-assign]

    rebuilt.embed_all(texts)

    assert calls == texts


def test_worked_out_arrays_are_kept_under_their_key(folder: Path) -> None:
    calls: list[str] = []

    def compute(tag: str) -> dict[str, np.ndarray]:
        calls.append(tag)
        return {"weights": np.full(3, len(calls), dtype=np.float32)}

    first = SentenceVectors(folder).remembered("weights", "key-1", lambda: compute("first"))
    kept = SentenceVectors(folder).remembered("weights", "key-1", lambda: compute("again"))
    other = SentenceVectors(folder).remembered("weights", "key-2", lambda: compute("other key"))

    again = SentenceVectors(folder).remembered("weights", "key-1", lambda: compute("after the other key"))

    assert calls == ["first", "other key"]  # the other key's file did not replace the first's
    assert np.array_equal(kept["weights"], first["weights"]) and np.array_equal(again["weights"], first["weights"])
    assert other["weights"][0] == 2 and len(list(folder.glob("weights-*.npz"))) == 2


def test_a_folder_that_cannot_be_written_still_answers(
    folder: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bot.policy.sentence.tempfile.mkstemp", refused)  # a read-only deployment
    texts = ["Photos of pupils must only be taken on school devices."]

    with caplog.at_level(logging.WARNING):
        rows = SentenceVectors(folder).embed_all(texts)

    assert rows.shape == (1, SentenceVectors.dimensions)
    assert "could not keep" in caplog.text
    assert not list(folder.glob("*.npz"))


def test_a_missing_model_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="make install"):
        SentenceVectors(tmp_path)


def test_an_index_build_reads_only_its_own_kept_vectors(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every set of texts embedded at once is kept apart: a bot reading its policy's rows does not load every other
    version, preview and evaluation embedded before (a single shared file grew to 202 MB and took the bot's peak
    memory from 202 to 374 MB)."""
    vectors = SentenceVectors(folder)
    policy = ["Photos need consent.", "Be courteous online."]
    vectors.embed_all(policy)
    vectors.embed_all(["Report concerns the same day.", "Seek the headteacher's permission."])
    kept = sorted(folder.glob(f"{ROWS}-*.npz"))
    assert len(kept) == 2
    for path in kept:
        with np.load(path) as saved:
            assert saved["vectors"].shape == (2, SentenceVectors.dimensions)

    monkeypatch.setattr(vectors, "embed", lambda text, **_: pytest.fail(f"embedded again: {text}"))
    assert vectors.embed_all(policy).shape == (2, SentenceVectors.dimensions)
