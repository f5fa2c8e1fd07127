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


def setting_parameters(tree: dict[str, Any]) -> dict[str, str]:
    """The web app's settings whose value is a parameter (`p` or `string(p)`): setting name -> parameter name."""
    parameters = set(tree.get("parameters", {}))
    found: dict[str, str] = {}
    for setting in site_config(tree)["appSettings"]:
        value = setting["value"]
        if isinstance(value, dict) and value.get("function", {}).get("type") == "string":
            value = value["function"]["parameters"].get("value_to_convert")
        if isinstance(value, str) and value in parameters:
            found[setting["name"]] = value
    return found


def app_settings(tree: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """The web app's settings: those the file states (a parameter's as its default, as the parameters file deploys
    it), and the names of those Azure computes at deployment."""
    stated: dict[str, str] = {}
    computed: set[str] = set()
    from_parameters = setting_parameters(tree)
    for setting in site_config(tree)["appSettings"]:
        name = setting["name"]
        default = tree["parameters"][from_parameters[name]].get("default") if name in from_parameters else None
        if isinstance(default, int | str) and not isinstance(default, bool):
            stated[name] = str(default)
        elif is_expression(setting["value"], tree):
            computed.add(name)
        else:
            stated[name] = setting["value"]
    return stated, computed
