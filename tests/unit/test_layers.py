"""Layers point one way: the checks read every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SDKS = ("botbuilder", "botframework", "aiohttp", "azure", "msal", "msrest")

RULES: dict[str, tuple[str, ...]] = {
    "bot/domain": (*SDKS, "bot.edge", "bot.storage", "bot.graph", "dialogs", "cards", "app"),
    "bot/policy": (*SDKS, "bot.edge", "bot.storage", "bot.graph", "dialogs", "cards", "app"),
    "cards": (*SDKS, "bot.edge", "bot.storage", "bot.graph", "dialogs", "app"),
    "dialogs": (*SDKS, "bot.edge", "bot.storage", "bot.graph", "app"),
    "bot/storage": ("botbuilder", "botframework", "aiohttp", "msal", "bot.edge", "dialogs", "cards", "app"),
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    problems = []
    for path in sorted((REPO / folder).rglob("*.py")):
        for module in imported_modules(path):
            if any(module == bad or module.startswith(bad + ".") for bad in forbidden):
                problems.append(f"{path.relative_to(REPO)} imports {module}")
    return problems


@pytest.mark.parametrize("folder", sorted(RULES))
def test_layer_imports_only_downward(folder: str) -> None:
    assert (REPO / folder).is_dir() or folder == "bot/policy"

    assert _violations(folder, RULES[folder]) == []


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from botbuilder.core import TurnContext\nimport azure.data.tables\n", encoding="utf-8")

    assert imported_modules(sneaky) == {"botbuilder.core", "azure.data.tables"}
