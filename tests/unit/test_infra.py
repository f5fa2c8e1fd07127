"""The Bicep parses, holds the resources the bot needs, and the README names only what exists in it."""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Ge, Le

from bot.policy.sentence import INDEX_CACHE_VARIABLE
from bot.settings import Settings
from bot.storage.backup import RECORD_TABLES
from tests.support.bicep import INFRA, app_settings, parse, setting_parameters

REPO = INFRA.parent
# The settings a school may want other than the code's defaults: how long concern reports and questions are kept, and
# how many reports, escalations, requests, questions and replies one person may send in a day.
SCHOOL_SETTINGS = ("REPORT_RETENTION_MONTHS", "QUESTION_RETENTION_MONTHS",
                   *sorted(field.alias for field in Settings.model_fields.values()
                           if field.alias and field.alias.endswith("_LIMIT_PER_DAY")))

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


def _table_names(node: ast.expr, module: Any) -> set[str]:
    """The table name(s) an argument names: a literal, a list of them, or a module's constant (imported or not)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.List | ast.Tuple):
        return set().union(*(_table_names(item, module) for item in node.elts))
    value = getattr(module, node.id, None) if isinstance(node, ast.Name) else None
    if isinstance(value, str):
        return {value}
    if isinstance(value, tuple | list) and all(isinstance(item, str) for item in value):
        return set(value)
    return set()


def _tables_the_code_uses() -> set[str]:
    """Every table the bot and its tools open (`store.table(...)`) or create (`ensure_tables`, `tool_store`)."""
    used: set[str] = set()
    for path in [REPO / "app.py", *sorted((REPO / "bot").rglob("*.py"))]:
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        module = importlib.import_module(name.removesuffix(".__init__"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called in {"table", "ensure_tables", "tool_store"}:
                    used |= _table_names(node.args[0], module)
    return used


def test_the_deployment_creates_every_table_the_code_uses() -> None:
    """The bot's identity holds a data role only: a table the deployment did not create it must create itself."""
    created = set(parse()["parameters"]["tableNames"]["default"])
    used = _tables_the_code_uses()

    assert {"ratelimits", "policies", "policyreads", "reports", "outbox"} <= used  # the scan finds them
    assert sorted(used - created) == []


def test_the_restore_steps_say_what_each_table_a_backup_leaves_out_needs_after_a_restore() -> None:
    """A restore after the storage account was lost brings back the decision record alone. Before, the steps ended
    with starting the bot: the staff list, the version of the policy in force and the chats the bot knows were gone
    without a word, so the bot answered from the policy it shipped with, knew no line manager, and its cards to
    headteachers and line managers waited for people to open the bot."""
    readme = (INFRA / "README.md").read_text(encoding="utf-8")
    backups = readme.split("**A copy of the decision record, each term.**")[1].split("\n- **")[0]
    left_out = _tables_the_code_uses() - set(RECORD_TABLES)

    assert {"directory", "policies", "users"} <= left_out
    assert [table for table in sorted(left_out) if not re.search(rf"\b{table}\b", backups)] == []
    for needed in ("import-staff", "publish-policy", "send the bot a message"):
        assert needed in backups, needed


def _diagnostic_settings_on_storage(tree: dict[str, Any]) -> list[dict[str, Any]]:
    storage = {name for name, r in tree["resources"].items() if r["type"].startswith("Microsoft.Storage/")}
    return [r["config"] for r in tree["resources"].values()
            if r["type"] == "Microsoft.Insights/diagnosticSettings" and r["config"]["scope"] in storage]


def test_who_read_or_wrote_which_table_row_is_not_logged_unless_a_technician_turns_it_on() -> None:
    """A table request's log entry holds its URL, and the keys in it name staff: `form|<tenant>|<reporter id>`,
    a rate-limit row `<tenant>|<reporter id>`, an outbox row `<tenant>|<recipient id>` / `msg|<report reference>|…`
    (deleted as each message is sent), a filter `ReporterId eq '<id>'`. Logged, anyone who can query the
    workspace would learn who filed a concern report and when."""
    tree = parse()
    switch = tree["parameters"]["tableRequestLogs"]
    [description] = [d["argument"] for d in switch["decorators"] if d["type"] == "description"]
    settings = _diagnostic_settings_on_storage(tree)

    assert switch["type"] == "bool" and switch["default"] is False
    assert "object id" in description and "concern report" in description
    assert settings, "the table service's transactions are still counted (metrics carry no keys)"
    for setting in settings:
        logs = setting["properties"].get("logs", [])
        assert [log for log in logs if log.get("enabled") != "tableRequestLogs" or "categoryGroup" in log] == []
    assert "never the rows' contents" not in (INFRA / "main.bicep").read_text(encoding="utf-8")


def _bounds(alias: str) -> tuple[Any, Any, Any]:
    [field] = [f for f in Settings.model_fields.values() if f.alias == alias]
    ge = next((m.ge for m in field.metadata if isinstance(m, Ge)), None)
    le = next((m.le for m in field.metadata if isinstance(m, Le)), None)
    return field.default, ge, le


@pytest.mark.parametrize("setting", SCHOOL_SETTINGS)
def test_a_setting_a_school_may_change_is_a_parameter_with_the_codes_default(setting: str) -> None:
    """Step 4's redeploy writes every app setting: one changed in the portal would silently go back."""
    tree = parse()
    parameter = setting_parameters(tree).get(setting)
    assert parameter, f"{setting} is not set from a parameter"
    declared = tree["parameters"][parameter]
    decorators = {d["type"]: d["argument"] for d in declared["decorators"]}
    in_file = json.loads((INFRA / "main.parameters.json").read_text(encoding="utf-8"))["parameters"]

    assert (declared["default"], decorators.get("min_value"), decorators.get("max_value")) == _bounds(setting)
    assert in_file[parameter]["value"] == declared["default"]  # where the technician changes it
    assert app_settings(tree)[0][setting] == str(declared["default"])


def test_the_deployment_steps_never_have_a_setting_changed_in_the_app_settings() -> None:
    """Each deployment writes every app setting again (step 4), so a setting changed in the portal goes back without a
    word. Before, the page said so in step 4 and then asked for INDEX_CACHE_KEEP_DAYS and INDEX_CACHE_MAX_MB ("Set
    either in the app's settings") and for a new headteacher ("Change them in the app's settings") to be set there."""
    readme = " ".join((INFRA / "README.md").read_text(encoding="utf-8").split())
    sentences = re.split(r"(?<=[.:;])\s", readme)

    asked = [s for s in sentences if re.search(r"\b(set|change)\b.{0,80}\bin the app's settings\b", s, re.I)]

    assert asked == []


def test_the_parameters_file_names_only_parameters_that_exist() -> None:
    names = set(parse()["parameters"])
    in_file = json.loads((INFRA / "main.parameters.json").read_text(encoding="utf-8"))["parameters"]

    assert sorted(set(in_file) - names) == []


def test_the_readme_documents_every_setting_the_bot_reads_or_the_deployment_gives_it() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("\n## Settings\n")[1].split("\n## ")[0]
    documented = set(re.findall(r"`([A-Za-z_]+)`", "\n".join(
        line.split("|")[1] for line in table.splitlines() if line.startswith("| `"))))
    stated, computed = app_settings(parse())
    app_service_own = {"WEBSITES_PORT", "SCM_DO_BUILD_DURING_DEPLOYMENT"}  # read by App Service, not the bot

    read = {field.alias for field in Settings.model_fields.values() if field.alias}
    assert sorted(read - documented) == []
    assert sorted((set(stated) | computed) - app_service_own - documented) == []


def test_the_bot_keeps_what_it_works_out_for_a_new_policy_in_app_services_persistent_storage() -> None:
    """The package App Service runs from is read-only: without a folder under /home (persistent, writable and shared
    by every instance), each start after a new policy version worked its answer index out again."""
    web_app = parse(INFRA / "main.bicep")["resources"]["webApp"]
    settings = {s["name"]: s["value"] for s in web_app["config"]["properties"]["siteConfig"]["appSettings"]}

    folder = settings.get(INDEX_CACHE_VARIABLE, "")

    assert folder.startswith("/home/") and not folder.startswith("/home/site/wwwroot")
