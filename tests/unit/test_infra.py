"""The Bicep parses, holds the resources the bot needs, and the README names only what exists in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.bicep import INFRA, parse

REQUIRED_TYPES = {"Microsoft.Web/sites", "Microsoft.Web/serverfarms", "Microsoft.BotService/botServices",
                  "Microsoft.BotService/botServices/channels", "Microsoft.Storage/storageAccounts",
                  "Microsoft.Insights/components", "Microsoft.OperationalInsights/workspaces",
                  "Microsoft.ManagedIdentity/userAssignedIdentities"}


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


def test_every_checkov_skip_sits_in_a_resource_and_says_why() -> None:
    lines = (INFRA / "main.bicep").read_text(encoding="utf-8").splitlines()
    skips = [(number, line.strip()) for number, line in enumerate(lines) if "checkov:skip" in line]
    opened = [max(n for n in range(number) if lines[n].startswith("resource ")) for number, _ in skips]

    assert skips
    assert [line for _, line in skips if not re.fullmatch(r"// checkov:skip=CKV2?_[A-Z]+_\d+:\S.{30,}", line)] == []
    assert all(lines[n].rstrip().endswith("{") for n in opened)  # the comment is inside that resource's block


def test_the_tenant_comes_from_the_identity_and_global_names_are_unique() -> None:
    tree = parse(INFRA / "main.bicep")
    text = (INFRA / "main.bicep").read_text(encoding="utf-8")

    assert "tenantId" not in tree["parameters"] and "subscription().tenantId" not in text
    assert "uniqueString(resourceGroup().id)" in text
    for name in ("storageName", "webAppName", "botName"):
        assert "suffix" in str(tree["variables"][name]), name
