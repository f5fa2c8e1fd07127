"""Reading infra/main.bicep the way Azure would use it: pycep's parse tree, the web app's settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pycep import BicepParser

INFRA = Path(__file__).resolve().parents[2] / "infra"


def parse(path: Path = INFRA / "main.bicep") -> dict[str, Any]:
    """A Bicep file as pycep's JSON tree; raises on a syntax error."""
    tree: Any = BicepParser().parse(text=path.read_text(encoding="utf-8"))
    return dict(tree)


def is_expression(value: Any, tree: dict[str, Any]) -> bool:
    """Whether a property's value is computed at deployment (pycep gives names and quoted text alike as strings)."""
    if not isinstance(value, str):
        return True
    names = set(tree.get("parameters", {})) | set(tree.get("variables", {}))
    return value in names or "${" in value


def site_config(tree: dict[str, Any]) -> dict[str, Any]:
    """The web app's siteConfig."""
    [site] = [r for r in tree["resources"].values() if r["type"] == "Microsoft.Web/sites"]
    config: dict[str, Any] = site["config"]["properties"]["siteConfig"]
    return config


def app_settings(tree: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """The web app's settings: those the file states, and the names of those Azure computes at deployment."""
    stated: dict[str, str] = {}
    computed: set[str] = set()
    for setting in site_config(tree)["appSettings"]:
        if is_expression(setting["value"], tree):
            computed.add(setting["name"])
        else:
            stated[setting["name"]] = setting["value"]
    return stated, computed
