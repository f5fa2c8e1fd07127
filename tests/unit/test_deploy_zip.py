"""What goes into build/bot.zip: the app and what it reads, requirements.txt, and no personal data."""

from __future__ import annotations

from pathlib import Path

from scripts.deploy_zip import contents

REPO = Path(__file__).resolve().parents[2]


def test_the_zip_holds_the_app_its_data_and_requirements_but_no_people_or_pyproject() -> None:
    names = {path.as_posix() for path in contents()}

    assert {"app.py", "requirements.txt", "bot/policy/sentence_model/encoder-int8.onnx",
            "bot/policy/sentence_model/question-encoder-int8.onnx",
            "bot/policy/data/social-media-policy.json", "cards/strings/concerns.json"} <= names
    assert not [n for n in names if n.startswith(("config/", "tests/", "playground/")) or n.endswith(".csv")]
    assert "pyproject.toml" not in names  # App Service's build would take it for a Poetry project
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_federations_real_settings_are_never_committed() -> None:
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()

    assert "config/federation.json" in ignored
