"""requirements.txt (what App Service installs) stays in step with pyproject.toml and the tested venv."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from scripts import requirements
from scripts.requirements import REQUIREMENTS, declared, drift, installed_closure, read_pins


def test_requirements_txt_pins_exactly_what_pyproject_needs_at_the_tested_versions() -> None:
    roots = declared()

    assert drift(read_pins(), roots, installed_closure(roots)) == []


def test_drift_is_caught(tmp_path: Path) -> None:
    roots = declared()
    closure = installed_closure(roots)
    pins = read_pins()
    narrowed = [Requirement("aiohttp>=99") if r.name == "aiohttp" else r for r in roots]

    added = drift(pins, [*roots, Requirement("Pillow")], installed_closure([*roots, Requirement("Pillow")]))
    outside = drift(pins, narrowed, closure)
    stale = drift({**pins, "aiohttp": Version("3.0.0")}, roots, closure)
    extra = drift({**pins, "pillow": Version("1.0")}, roots, closure)

    assert "Pillow is a dependency in pyproject.toml but not pinned in requirements.txt" in added
    assert any("aiohttp==" in p and "outside pyproject.toml's >=99" in p for p in outside)
    assert any(p.startswith("aiohttp is pinned at 3.0.0 but") for p in stale)
    assert extra == ["pillow is pinned but nothing in pyproject.toml's dependencies needs it"]


def test_pinning_again_with_nothing_changed_leaves_the_file_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The Makefile reinstalls the venv and rebuilds the sentence model whenever requirements.txt is newer than its
    stamp: `make requirements` rewriting the same pins made the next `make bench` or `make run` do both again."""
    pinned = tmp_path / "requirements.txt"
    pinned.write_text(REQUIREMENTS.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(pinned, (1_000_000_000, 1_000_000_000))
    monkeypatch.setattr(requirements, "REQUIREMENTS", pinned)

    code = requirements.main([])

    assert code == 0
    assert pinned.stat().st_mtime == 1_000_000_000
    assert pinned.read_text(encoding="utf-8") == REQUIREMENTS.read_text(encoding="utf-8")
    assert "already" in capsys.readouterr().out
