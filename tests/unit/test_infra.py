"""The Bicep parses, holds the resources the bot needs, and the README names only what exists in it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pycep import BicepParser

INFRA = Path(__file__).resolve().parents[2] / "infra"
REQUIRED_TYPES = {"Microsoft.Web/sites", "Microsoft.Web/serverfarms", "Microsoft.BotService/botServices",
                  "Microsoft.BotService/botServices/channels", "Microsoft.Storage/storageAccounts",
                  "Microsoft.Insights/components", "Microsoft.OperationalInsights/workspaces",
                  "Microsoft.ManagedIdentity/userAssignedIdentities"}


def parse(path: Path) -> dict[str, Any]:
    """A Bicep file as pycep's JSON tree; raises on a syntax error."""
    tree: Any = BicepParser().parse(text=path.read_text(encoding="utf-8"))
    return dict(tree)


@pytest.mark.parametrize("path", sorted(INFRA.glob("*.bicep")), ids=lambda p: p.name)
def test_bicep_parses(path: Path) -> None:
    tree = parse(path)

    assert tree["resources"]


def test_the_resources_the_bot_needs_exist() -> None:
    tree = parse(INFRA / "main.bicep")

    assert REQUIRED_TYPES <= {resource["type"] for resource in tree["resources"].values()}


def test_the_readme_names_only_parameters_resources_and_outputs_that_exist() -> None:
    tree = parse(INFRA / "main.bicep")
    names = set(tree["parameters"]) | set(tree["resources"]) | set(tree["outputs"])
    readme = (INFRA / "README.md").read_text(encoding="utf-8")

    mentioned = set(re.findall(r"`([a-z][A-Za-z]+)`", readme))

    assert {"namePrefix", "messagingEndpoint", "botAppId", "webApp", "tableAccess"} <= mentioned
    assert sorted(mentioned - names) == []


def test_a_syntax_error_is_caught(tmp_path: Path) -> None:
    broken = tmp_path / "broken.bicep"
    broken.write_text("resource x 'Microsoft.Web/sites@2023-12-01' = {\n  name: \n", encoding="utf-8")

    with pytest.raises(Exception):  # noqa: B017 - pycep raises lark's errors, whose types vary by input
        parse(broken)
