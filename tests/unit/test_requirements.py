"""requirements.txt (what App Service installs) stays in step with pyproject.toml and the tested venv."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

from scripts.requirements import declared, drift, installed_closure, read_pins


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
