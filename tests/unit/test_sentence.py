"""The sentence model: meaning, determinism, the kept policy vectors, and clear failures."""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from bot.policy import classifier
from bot.policy.retrieval import PolicyIndex, shared_sentences
from bot.policy.sentence import (
    INDEX_CACHE_VARIABLE,
    MODEL_FILE,
    PIECES_FILE,
    QUESTION_MODEL_FILE,
    ROWS,
    SOURCE_FILE,
    SentenceVectors,
    default_folder,
    index_cache_folder,
    kept_file,
)
from tests.support.model import linked_model
from tests.support.policies import fixture_policy


@pytest.fixture(scope="module")
def model() -> SentenceVectors:
    return SentenceVectors()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the built model (linked), so the kept vectors can be written and spoiled freely."""
    return linked_model(tmp_path)


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], Path]]:
    """Makes a model folder what App Service runs, a deployed package: nothing can be written in it. The tests run
    as root, whom chmod does not stop, so a new file there is also refused as a read-only file system would."""
    packages: list[Path] = []
    made = tempfile.mkstemp

    def refused(*args: object, dir: str | Path | None = None, **kwargs: object) -> tuple[int, str]:  # noqa: A002
        if dir is not None and Path(dir).resolve() in packages:
            raise OSError(30, "Read-only file system", str(dir))
        return made(*args, dir=dir, **kwargs)  # type: ignore[call-overload, no-any-return]

    def package(folder: Path) -> Path:
        folder.chmod(0o555)
        packages.append(folder.resolve())
        return folder

    monkeypatch.setattr("bot.policy.sentence.tempfile.mkstemp", refused)
    yield package
    for folder in packages:
        folder.chmod(0o755)


class Counted(SentenceVectors):
    """The sentence model, counting the texts it runs the encoders on."""

    def __init__(self, folder: Path, *, cache: Path | None = None) -> None:
        super().__init__(folder, cache=cache)
        self.encoded: list[str] = []

    def embed(self, text: str, *, question: bool = False) -> np.ndarray:
        self.encoded.append(text)
        return super().embed(text, question=question)


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


def test_a_second_start_from_a_read_only_package_reuses_what_the_first_kept_in_the_cache_folder(
    tmp_path: Path, folder: Path, read_only: Callable[[Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """App Service runs the bot from its package: after the headteacher publishes a new version, each restart,
    scale-out or maintenance rebuilt the index before listening (13 s). The cache folder keeps it for every start."""
    package = read_only(folder)
    shipped = {path.name for path in package.glob("*.npz")}
    cache = tmp_path / "home" / "index-cache"
    policy = fixture_policy()
    first = PolicyIndex(policy, sentences=Counted(package, cache=cache))
    assert {path.name for path in package.glob("*.npz")} == shipped
    assert list(cache.glob(f"{ROWS}-*.npz")), "the policy's vectors were not kept"

    again = Counted(package, cache=cache)
    monkeypatch.setattr(classifier, "train", lambda *_: pytest.fail("the classifier was trained again"))
    index = PolicyIndex(policy, sentences=again)

    assert again.encoded == []
    question = "can I be friends with pupils on facebook"
    assert index.answer(question) == first.answer(question)


def test_the_shipped_policys_files_are_read_from_the_package_and_not_copied_to_the_cache_folder(
    tmp_path: Path, folder: Path, read_only: Callable[[Path], Path]
) -> None:
    texts = ["Staff should not befriend pupils on social media.", "Seek the headteacher's permission."]
    shipped = SentenceVectors(folder).embed_all(texts)  # as `make deploy-zip` works them out before packing
    package = read_only(folder)
    cache = tmp_path / "index-cache"

    started = Counted(package, cache=cache)
    rows = started.embed_all(texts)

    assert started.encoded == []
    assert np.array_equal(rows, shipped)
    assert not cache.exists() or not list(cache.iterdir())


def test_the_cache_folder_setting_reaches_the_bots_sentence_model(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "index-cache"
    monkeypatch.setenv(INDEX_CACHE_VARIABLE, str(cache))
    monkeypatch.setattr("bot.policy.sentence.default_folder", lambda: folder)
    shared_sentences.cache_clear()
    try:
        shared_sentences().embed_all(["Report any abusive posts about staff to the headteacher."])
    finally:
        shared_sentences.cache_clear()

    assert len(list(cache.glob(f"{ROWS}-*.npz"))) == 1
    assert not list(folder.glob("*.npz"))


@pytest.mark.parametrize("spoilt", ["half-written", "empty", "not an npz"])
def test_an_unreadable_file_in_the_cache_folder_is_worked_out_again(
    tmp_path: Path, folder: Path, read_only: Callable[[Path], Path], spoilt: str
) -> None:
    texts = ["Photos of pupils must only be taken on school devices.", "Be courteous online."]
    package, cache = read_only(folder), tmp_path / "index-cache"
    kept = Counted(package, cache=cache).embed_all(texts)
    (path,) = cache.glob(f"{ROWS}-*.npz")
    whole = path.read_bytes()
    spoilt_bytes = {"half-written": whole[: len(whole) // 2], "empty": b"", "not an npz": b"\x00garbage" * 50}
    path.write_bytes(spoilt_bytes[spoilt])

    started = Counted(package, cache=cache)
    rows = started.embed_all(texts)

    assert started.encoded == texts
    assert np.array_equal(rows, kept)
    again = Counted(package, cache=cache)
    assert np.array_equal(again.embed_all(texts), kept) and again.encoded == []


def test_instances_keeping_the_same_file_at_once_leave_one_that_reads_whole(tmp_path: Path, folder: Path) -> None:
    """Two instances (after a scale-out) start together and both work out the new version's arrays."""
    cache = tmp_path / "index-cache"
    writers = 6
    together = threading.Barrier(writers)
    big = np.arange(2_000_000, dtype=np.float32)
    torn: list[str] = []
    kept = cache / kept_file("classifier", "same-key")

    def compute() -> dict[str, np.ndarray]:
        together.wait()
        return {"weights": big}

    def keep() -> None:
        SentenceVectors(folder, cache=cache).remembered("classifier", "same-key", compute)

    def watch(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                with np.load(kept) as saved:
                    if not np.array_equal(saved["weights"], big):
                        torn.append("different arrays")
            except FileNotFoundError:
                pass
            except Exception as error:  # noqa: BLE001 - any failure to read is a torn file
                torn.append(repr(error))

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(stop,))
    watcher.start()
    threads = [threading.Thread(target=keep) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    watcher.join()

    assert torn == []
    assert list(cache.iterdir()) == [kept]  # nothing half-written left behind
    reread = SentenceVectors(folder, cache=cache).remembered("classifier", "same-key", lambda: pytest.fail("again"))
    assert np.array_equal(reread["weights"], big)


@pytest.fixture
def with_rows(tmp_path: Path) -> Path:
    """A model folder holding the kept vectors of the tests' policies (linked), so only the rest is worked out."""
    (tmp_path / "package").mkdir()
    return linked_model(tmp_path / "package", with_rows=True)


def test_a_cache_folder_that_cannot_be_written_still_starts_and_says_why_once(
    tmp_path: Path, with_rows: Path, read_only: Callable[[Path], Path], caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "home-not-mounted"
    blocked.write_text("a file where the folder should be")
    vectors = SentenceVectors(read_only(with_rows), cache=blocked / "index-cache")

    with caplog.at_level(logging.WARNING, logger="bot.policy.sentence"):
        index = PolicyIndex(fixture_policy(), sentences=vectors)

    assert index.answer("can I be friends with pupils on facebook").answered
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1, [record.getMessage() for record in warnings]
    assert "home-not-mounted" in warnings[0].getMessage()


def test_a_read_only_model_folder_without_a_cache_folder_says_so_once_and_names_the_setting(
    with_rows: Path, read_only: Callable[[Path], Path], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.policy.sentence"):
        PolicyIndex(fixture_policy(), sentences=SentenceVectors(read_only(with_rows)))

    warnings = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert INDEX_CACHE_VARIABLE in warnings[0]


def rebuild_in_place(folder: Path, name: str) -> None:
    """Replace the model's file `name` in `folder` by one of the same size whose numbers differ, as a rebuild with
    changed build code, quantisation or trained layers makes (the source note left as it was)."""
    original = default_folder() / name
    (folder / name).unlink()
    if name == PIECES_FILE:
        pieces = np.load(original)
        noise = np.random.default_rng(0).normal(0, 0.05, pieces.shape)
        np.save(folder / name, (pieces + noise).astype(pieces.dtype))
    else:
        model = onnx.load(str(original))
        weight = next(t for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8 and t.raw_data)
        weight.CopyFrom(numpy_helper.from_array(-numpy_helper.to_array(weight), weight.name))
        onnx.save(model, str(folder / name))
    assert (folder / name).stat().st_size == original.stat().st_size


@pytest.mark.parametrize("rebuilt", [PIECES_FILE, MODEL_FILE, QUESTION_MODEL_FILE])
def test_a_rebuilt_model_of_the_same_sizes_never_answers_from_the_last_builds_kept_vectors(
    tmp_path: Path, rebuilt: str
) -> None:
    """The cache folder on /home outlives deployments: a package with a rebuilt model must not read the vectors the
    last package's model kept there."""
    texts = ["Report any abusive posts about staff to the headteacher.", "can I post photos of pupils?"]
    asked = [False, True]
    cache = tmp_path / "home-index-cache"
    (tmp_path / "last").mkdir()
    (tmp_path / "new").mkdir()
    last, new = linked_model(tmp_path / "last"), linked_model(tmp_path / "new")
    kept_by_last = SentenceVectors(last, cache=cache).embed_all(texts, asked)
    rebuild_in_place(new, rebuilt)

    started = Counted(new, cache=cache)
    rows = started.embed_all(texts, asked)

    truth = np.stack([SentenceVectors(new).embed(t, question=q) for t, q in zip(texts, asked, strict=True)])
    assert not np.allclose(truth, kept_by_last, atol=1e-3)  # the rebuild does change the vectors
    assert started.encoded == texts
    assert np.allclose(rows, truth, atol=1e-6)
    again = Counted(new, cache=cache)
    assert np.array_equal(again.embed_all(texts, asked), rows) and again.encoded == []  # kept for the new build


def test_vectors_kept_when_texts_were_read_to_another_length_are_not_reused(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = "I teach year six and a parent sent me a friend request after the school concert last week. " * 8
    cache = tmp_path / "index-cache"
    read_to_128 = SentenceVectors(folder, cache=cache).embed_all([story])
    monkeypatch.setattr("bot.policy.sentence.MAX_PIECES", 32)

    shorter = Counted(folder, cache=cache)
    rows = shorter.embed_all([story])

    assert shorter.encoded == [story]
    assert not np.allclose(rows, read_to_128, atol=1e-3)


def test_a_home_relative_cache_folder_is_under_home_never_a_folder_named_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    assert index_cache_folder({INDEX_CACHE_VARIABLE: "~/index-cache"}) == tmp_path / "home" / "index-cache"
    assert index_cache_folder({INDEX_CACHE_VARIABLE: "$DATA/index-cache", "DATA": "/home/data"}) == Path(
        "/home/data/index-cache")
    assert index_cache_folder({INDEX_CACHE_VARIABLE: "${DATA}/cache", "DATA": "/home/data"}) == Path("/home/data/cache")


@pytest.mark.parametrize("setting", ["index-cache", "./data/index-cache", "$NOT_SET/index-cache", "~nobody-here/cache"])
def test_a_cache_folder_that_is_not_a_full_path_is_refused_in_one_line(
    setting: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.policy.sentence"):
        folder = index_cache_folder({INDEX_CACHE_VARIABLE: setting})

    assert folder is None  # beside the model, as when it is not set
    warnings = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1 and INDEX_CACHE_VARIABLE in warnings[0] and setting in warnings[0], warnings
