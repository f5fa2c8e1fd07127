"""`make deploy-zip`: build/bot.zip, exactly what App Service receives (`az webapp deploy --type zip`).

In it: app.py, the bot's packages with their data (the policy, card strings, the sentence model built by
`make install`) and requirements.txt, from which App Service's build installs the Python packages. Not in it:
pyproject.toml (App Service's build would take it for a Poetry project and fail), tests, tools, and config/,
which holds the federation's people (they reach the server as the FEDERATION_JSON app setting instead).
The archive is the same bytes for the same files (fixed order and timestamps). Of the files worked out beside the
sentence model (`rows-`, `classifier-`, `answered-by-*.npz`), only the shipped policy's go: the others are left by
tests, evaluations and drafts, and the bot would never read them.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bot.policy.loader import load_policy
from bot.policy.retrieval import PolicyIndex
from bot.policy.sentence import SentenceVectors, kept_file

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "build" / "bot.zip"
FILES = ("app.py", "requirements.txt")
PACKAGES = ("bot", "dialogs", "cards")
MODEL_FOLDER = Path("bot/policy/sentence_model")
MODELS = (str(MODEL_FOLDER / "encoder-int8.onnx"), str(MODEL_FOLDER / "question-encoder-int8.onnx"))
# Never shipped, whatever a package folder holds: byte code, and anything that could carry people's details.
NEVER = (".pyc", ".csv")
STAMP = (1980, 1, 1, 0, 0, 0)


class DeployZipError(RuntimeError):
    """The archive cannot be built; the message says what to do."""


def contents(source: Path = REPO) -> Iterator[Path]:
    """The files that go into the archive, relative to `source`, in a fixed order."""
    kept = shipped_policy_files(source / MODEL_FOLDER)
    for name in FILES:
        yield Path(name)
    for package in PACKAGES:
        for path in sorted((source / package).rglob("*")):
            relative = path.relative_to(source)
            if not path.is_file() or "__pycache__" in relative.parts or path.suffix in NEVER:
                continue
            if relative.parent == MODEL_FOLDER and path.suffix == ".npz" and path.name not in kept:
                continue
            yield relative


def shipped_policy_files(folder: Path) -> set[str]:
    """The names of the files beside the model that the shipped policy's index reads (worked out now if missing)."""
    used: set[str] = set()

    class Recording(SentenceVectors):
        def remembered(
            self, name: str, key: str, compute: Callable[[], dict[str, Any]]
        ) -> dict[str, Any]:
            used.add(kept_file(name, key))
            return super().remembered(name, key, compute)

    PolicyIndex(load_policy(), sentences=Recording(folder))
    return used


def build(out: Path = OUT, *, source: Path = REPO) -> Path:
    """Write the archive; raise `DeployZipError` when something it needs is missing."""
    missing = [str(name) for name in (*FILES, *MODELS) if not (source / name).is_file()]
    if missing:
        raise DeployZipError(f"missing {', '.join(missing)}: run `make install` (it builds the sentence model) "
                             "and `make requirements`")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for relative in contents(source):
            info = zipfile.ZipInfo(relative.as_posix(), date_time=STAMP)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (source / relative).read_bytes())
    partial.replace(out)
    return out


def main(argv: list[str]) -> int:
    """Build the archive and say where it is."""
    parser = argparse.ArgumentParser(prog="python scripts/deploy_zip.py")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try:
        path = build(args.out)
    except DeployZipError as error:
        print(f"deploy-zip: {error}", file=sys.stderr)
        return 2
    with zipfile.ZipFile(path) as archive:
        count = len(archive.namelist())
    print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {count} files, "
          f"{path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
