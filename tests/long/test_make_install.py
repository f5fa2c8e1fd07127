"""`make install`'s venv on a fresh Debian machine (`make test-long`: it installs the venv, a minute or more).

Debian's Python has no `ensurepip` until its `python3-venv` package is installed: `python3 -m venv .venv` then says
to install it and stops, leaving `.venv/bin/python` without pip. The Makefile took any `.venv/bin/python` for a venv
made, so once the technician had installed the package as told, every `make install` after ended in
`.venv/bin/python: No module named pip`, and only deleting `.venv` by hand got past it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

# What the venv's rule reads: the Makefile, the project and its pins, and app.py (a module of the project, which an
# editable install needs to find).
FILES = ("Makefile", "pyproject.toml", "requirements.txt", "app.py")


def test_a_venv_left_without_pip_is_made_whole_by_the_next_make_install(tmp_path: Path) -> None:
    for name in FILES:
        shutil.copy2(REPO / name, tmp_path / name)
    # What `python3 -m venv .venv` leaves on Debian without python3-venv: the interpreter, no pip.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / ".venv")], check=True)

    result = subprocess.run(["make", "--no-print-directory", ".venv/.installed", f"PYTHON={sys.executable}"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=1200, check=False)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / ".venv" / ".installed").exists()
    assert subprocess.run([str(tmp_path / ".venv" / "bin" / "python"), "-c", "import aiohttp"],
                          check=False).returncode == 0
