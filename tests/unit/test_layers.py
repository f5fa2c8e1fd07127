"""Layers point one way: the checks read every module's imports.

From the outside in (README, *Architecture*): app.py, the composition root, may import anything. The shells
(`bot/edge`, the Teams edge; the command-line modules at bot/'s root) call the flows (`dialogs`), which fill cards
(`cards`) from the domain (`bot/domain`, `bot/policy`). The adapters (`bot/storage`, `bot/graph`) implement the
domain's ports, and only app.py and the command-line modules pick them. The shared base modules at bot/'s root
(settings, logs, the loop-lag meter, background jobs) import no shell, flow, card or adapter.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SDKS = ("botbuilder", "botframework", "aiohttp", "azure", "msal", "msrest")
COMMANDS = ("bot.__main__", "bot.concern_commands", "bot.policy_commands", "bot.records_commands",
            "bot.federation_command", "bot.export", "bot.tools", "bot.subject_access_command", "bot.erase_command",
            "bot.import_policy_command", "bot.check_policy_command", "bot.command_lang",
            "bot.validate_policy_command")
BASE = ("bot.settings", "bot.logs", "bot.loop_lag", "bot.jobs")
SHELLS = ("app", "bot.edge", *COMMANDS)
ADAPTERS = ("bot.storage", "bot.graph")

RULES: dict[str, tuple[str, ...]] = {
    "bot/domain": (*SDKS, *SHELLS, *ADAPTERS, *BASE, "dialogs", "cards"),
    "bot/policy": (*SDKS, *SHELLS, *ADAPTERS, *BASE, "dialogs", "cards"),
    "cards": (*SDKS, *SHELLS, *ADAPTERS, *BASE, "dialogs"),
    "dialogs": (*SDKS, *SHELLS, *ADAPTERS, *BASE),
    "bot/storage": ("botbuilder", "botframework", "aiohttp", "msal", *SHELLS, "bot.graph", "dialogs", "cards"),
    "bot/graph": ("botbuilder", "botframework", *SHELLS, "bot.storage", "bot.policy", "dialogs", "cards"),
    "bot/edge": ("app", *COMMANDS, *ADAPTERS),
    **{f"{name.replace('.', '/')}.py": ("app", "bot.edge") for name in COMMANDS},
    **{f"{name.replace('.', '/')}.py": (*SHELLS, *ADAPTERS, "dialogs", "cards") for name in BASE},
    "bot/__init__.py": (*SHELLS, *ADAPTERS, "dialogs", "cards"),
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


def _files(rule: str) -> list[Path]:
    path = REPO / rule
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def _violations(rule: str, forbidden: tuple[str, ...]) -> list[str]:
    problems = []
    for path in _files(rule):
        for module in imported_modules(path):
            if any(module == bad or module.startswith(bad + ".") for bad in forbidden):
                problems.append(f"{path.relative_to(REPO)} imports {module}")
    return problems


@pytest.mark.parametrize("rule", sorted(RULES))
def test_layer_imports_only_downward(rule: str) -> None:
    assert _files(rule)

    assert _violations(rule, RULES[rule]) == []


def test_every_module_of_bot_dialogs_and_cards_has_a_rule() -> None:
    covered = {path for rule in RULES for path in _files(rule)}
    every = {path for folder in ("bot", "dialogs", "cards") for path in (REPO / folder).rglob("*.py")}

    assert sorted(str(p.relative_to(REPO)) for p in every - covered) == []


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from botbuilder.core import TurnContext\nimport azure.data.tables\n", encoding="utf-8")

    assert imported_modules(sneaky) == {"botbuilder.core", "azure.data.tables"}
