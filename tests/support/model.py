"""A private copy of the built sentence model (linked, not copied), so tests can write beside it freely."""

from __future__ import annotations

from pathlib import Path

from bot.policy.sentence import (
    MODEL_FILE,
    PIECES_FILE,
    QUESTION_MODEL_FILE,
    ROWS,
    SOURCE_FILE,
    TOKENIZER_FILE,
    default_folder,
)


def linked_model(folder: Path, *, with_rows: bool = False) -> Path:
    """Link the model's files into `folder`; `with_rows` also links the kept vectors (saves ~5 s a policy; a write
    replaces a link, never the file it points to)."""
    for name in (MODEL_FILE, QUESTION_MODEL_FILE, PIECES_FILE, TOKENIZER_FILE, SOURCE_FILE):
        (folder / name).symlink_to(default_folder() / name)
    if with_rows:
        for kept in default_folder().glob(f"{ROWS}-*.npz"):
            (folder / kept.name).symlink_to(kept)
    return folder
