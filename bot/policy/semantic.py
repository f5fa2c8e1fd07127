"""Meaning as vectors: the static word-piece embeddings that the `wordllama` package ships (256 numbers a piece, 16 MB).

A text's vector is the mean of its pieces' vectors, scaled to length 1, so two texts' similarity is a dot
product. Only the package's data files are read, from the installed package: nothing is downloaded (the
package's own loader would try Hugging Face for the tokenizer, so it is not used).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

Vector = npt.NDArray[np.float32]

_PACKAGE = "wordllama"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_WEIGHTS = "weights/l2_supercat_256.safetensors"


class WordVectors:
    """Turns texts into unit vectors whose dot product measures how alike their meanings are."""

    def __init__(self) -> None:
        """Read the tokenizer and the embedding table from the installed package."""
        root = _package_folder()
        self._tokenizer = Tokenizer.from_file(str(root / _TOKENIZER))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        table = load_file(str(root / _WEIGHTS))
        # Kept as shipped (float16, 16 MB); only the rows a text uses are widened, so nothing is lost.
        self._table: npt.NDArray[np.floating[Any]] = next(iter(table.values()))
        self.dimensions = int(self._table.shape[1])

    def embed(self, text: str) -> Vector:
        """The unit vector of a text (all zeros when it has no pieces)."""
        ids = self._tokenizer.encode(text, add_special_tokens=False).ids
        if not ids:
            return np.zeros(self.dimensions, dtype=np.float32)
        vector: Vector = self._table[ids].astype(np.float32).mean(axis=0)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_all(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One row per text."""
        return np.stack([self.embed(t) for t in texts]) if texts else np.zeros((0, self.dimensions), np.float32)


def _package_folder() -> Path:
    """Where the package is installed, found without importing it (its import pulls in a web client)."""
    spec = find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {_PACKAGE!r} package is not installed: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations)))
