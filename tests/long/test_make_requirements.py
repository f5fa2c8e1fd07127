"""`make requirements` on a clone that was never installed (`make test-long`: each builds a venv, a minute or more).

It ran `.venv/bin/python`, which was not there: `make: *** [Makefile:93: requirements] Error 127`. It now builds
the venv `make install` builds, within requirements.txt's pins, then pins: a venv built from nothing would pin the
newest version of everything.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

# What `make requirements` reads: the Makefile, the project and its pins, the script, and app.py (a module of the
# project, which an editable install needs to find).
FILES = ("Makefile", "pyproject.toml", "requirements.txt", "app.py", "scripts/requirements.py")


def _clone(folder: Path) -> Path:
    """The files `make requirements` uses, as in a fresh clone: no .venv."""
    for name in FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, folder / name)
    return folder


def _make_requirements(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", "requirements"], cwd=folder, capture_output=True,
                          text=True, timeout=1200, check=False)


def test_make_requirements_on_a_clone_never_installed_builds_the_venv_within_the_pins(tmp_path: Path) -> None:
    clone = _clone(tmp_path)

    result = _make_requirements(clone)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (clone / ".venv" / "bin" / "python").exists()
    assert (clone / "requirements.txt").read_text(encoding="utf-8") == \
        (REPO / "requirements.txt").read_text(encoding="utf-8")
    assert "requirements.txt already pins these" in result.stdout


def test_a_clone_whose_pyproject_leaves_the_pins_says_how_to_go_on_in_one_line(tmp_path: Path) -> None:
    clone = _clone(tmp_path)
    pyproject = clone / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('"tzdata>=2024.1"', '"tzdata>=2024.1,<2024.2"'),
                         encoding="utf-8")

    result = _make_requirements(clone)

    assert result.returncode != 0
    [said] = [line for line in result.stderr.splitlines() if line.startswith("make requirements: ")]
    assert "make install" in said and "git stash" in said, said
    assert (clone / "requirements.txt").read_text(encoding="utf-8") == \
        (REPO / "requirements.txt").read_text(encoding="utf-8")
