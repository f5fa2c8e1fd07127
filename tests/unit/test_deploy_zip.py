"""What goes into build/bot.zip: the app and what it reads, requirements.txt, and no personal data."""

from __future__ import annotations

import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from bot.policy.sentence import default_folder
from scripts.deploy_zip import MODEL_FOLDER, contents, shipped_policy_files

REPO = Path(__file__).resolve().parents[2]


def test_the_zip_holds_the_app_its_data_and_requirements_but_no_people_or_pyproject() -> None:
    names = {path.as_posix() for path in contents()}

    assert {"app.py", "requirements.txt", "bot/policy/sentence_model/encoder-int8.onnx",
            "bot/policy/sentence_model/question-encoder-int8.onnx",
            "bot/policy/data/social-media-policy.json", "cards/strings/concerns.json", "dialogs/data/help.txt",
            "dialogs/data/form-platforms.tsv"} <= names
    assert not [n for n in names if n.startswith(("config/", "tests/", "playground/")) or n.endswith(".csv")]
    assert "pyproject.toml" not in names  # App Service's build would take it for a Poetry project
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_of_the_files_worked_out_beside_the_model_only_the_shipped_policy_s_go() -> None:
    stray = default_folder() / "rows-0123456789abcdef.npz"  # as a test, an evaluation or a draft leaves them
    stray.write_bytes(b"not read by the shipped policy")
    try:
        names = {path.as_posix() for path in contents()}
    finally:
        stray.unlink()

    kept = {n for n in names if n.startswith(f"{MODEL_FOLDER.as_posix()}/") and n.endswith(".npz")}
    assert kept == {f"{MODEL_FOLDER.as_posix()}/{name}" for name in shipped_policy_files(default_folder())}
    assert {name.split("/")[-1].split("-")[0] for name in kept} >= {"rows", "classifier"}


def test_the_federations_real_settings_are_never_committed() -> None:
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()

    assert "config/federation.json" in ignored


def test_an_installed_package_carries_every_data_file_the_bot_reads() -> None:
    """`pip install .` copies only the package data pyproject.toml names: a word list it leaves out
    (`bot/policy/data/words/*.tsv`, `dialogs/data/*`) would stop the bot at import."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["*"]
    tracked = subprocess.run(["git", "ls-files", "bot", "dialogs", "cards"], cwd=REPO, check=True, text=True,
                             capture_output=True).stdout.split()

    data = [name for name in tracked if not name.endswith((".py", ".csv"))]
    left_out = [name for name in data if not any(fnmatch(Path(name).name, pattern) for pattern in patterns)]

    assert data and left_out == []
