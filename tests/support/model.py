"""A private copy of the built sentence model (linked, not copied), so tests can write beside it freely."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.policy.sentence import (
    MODEL_FILE,
    PIECES_FILE,
    QUESTION_MODEL_FILE,
    ROWS_FILE,
    SOURCE_FILE,
    TOKENIZER_FILE,
    default_folder,
)


def linked_model(folder: Path, *, with_rows: bool = False) -> Path:
    """Link the model's files into `folder`; `with_rows` also copies the kept policy vectors (saves ~5 s)."""
    for name in (MODEL_FILE, QUESTION_MODEL_FILE, PIECES_FILE, TOKENIZER_FILE, SOURCE_FILE):
        (folder / name).symlink_to(default_folder() / name)
    if with_rows and (default_folder() / ROWS_FILE).is_file():
        shutil.copyfile(default_folder() / ROWS_FILE, folder / ROWS_FILE)
    return folder
