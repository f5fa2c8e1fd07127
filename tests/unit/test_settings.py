"""Settings a deployment gives the bot: the federation from an app setting, refusals in one line, tools' needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.__main__ import main as bot_main
from bot.settings import (
    LOCAL_FEDERATION,
    Settings,
    ToolSettings,
    UnsafeSettings,
    graph_managed_identity,
    load_federation_settings,
    load_settings,
)
from tests.support.example_federation import besides_the_example
from tests.support.processes import AZURITE_KEY

FEDERATION = LOCAL_FEDERATION.read_text(encoding="utf-8")
TENANT = json.loads(FEDERATION)["tenant_ids"][0]
STORAGE = {"AZURE_STORAGE_TABLE_ENDPOINT": "https://llanpolicyabc.table.core.windows.net/"}
# As infra/main.bicep sets them.
DEPLOYED = {"APP_ENV": "production", "MicrosoftAppType": "UserAssignedMSI",
            "MicrosoftAppId": "33333333-4444-4555-8666-777777777777", "MicrosoftAppTenantId": TENANT,
            "FEDERATION_JSON": FEDERATION, **STORAGE}


def test_the_deployed_settings_give_the_federation_and_graph_through_the_identity() -> None:
    settings = Settings.model_validate(DEPLOYED)

    federation = load_federation_settings(settings)

    assert [school.school_id for school in federation.schools] == ["high", "primary"]
    assert graph_managed_identity(settings) == DEPLOYED["MicrosoftAppId"]
    assert settings.host == "0.0.0.0"


def test_production_refuses_the_fictional_federation() -> None:
    without = {k: v for k, v in DEPLOYED.items() if k != "FEDERATION_JSON"}

    with pytest.raises(ValueError, match="APP_ENV=production needs the federation's settings: FEDERATION_JSON"):
        Settings.model_validate(without)  # load_settings() turns pydantic's wrapping into this one line


@pytest.mark.parametrize(("value", "message"), [
    ("{not json", r"FEDERATION_JSON: not JSON \(Expecting property name enclosed in double quotes at line 1\)"),
    ("{}", "FEDERATION_JSON: tenant_ids: a non-empty list of tenant id strings is required"),
])
def test_a_bad_federation_setting_is_one_line_saying_where(value: str, message: str) -> None:
    settings = Settings.model_validate({**DEPLOYED, "FEDERATION_JSON": value})

    with pytest.raises(UnsafeSettings, match=message):
        load_federation_settings(settings)


def test_the_school_hours_setting_reaches_every_calendar_and_a_wrong_one_is_refused() -> None:
    default = load_federation_settings(Settings.model_validate(DEPLOYED))
    set_ = load_federation_settings(Settings.model_validate({**DEPLOYED, "SCHOOL_HOURS": "08:30-16:00"}))

    assert str(default.calendar_for(["high"]).hours) == "08:00-17:00"
    assert str(set_.calendar_for(["primary"]).hours) == str(set_.calendar.hours) == "08:30-16:00"
    with pytest.raises(ValueError, match="SCHOOL_HOURS"):
        Settings.model_validate({**DEPLOYED, "SCHOOL_HOURS": "16:00-08:30"})


def test_a_federation_that_does_not_serve_the_bots_own_tenant_is_refused() -> None:
    settings = Settings.model_validate({**DEPLOYED, "MicrosoftAppTenantId": "99999999-0000-4000-8000-000000000000"})

    with pytest.raises(UnsafeSettings, match="tenant_ids do not include the bot's own tenant 99999999"):
        load_federation_settings(settings)


def test_tools_need_storage_and_the_federation_but_no_bot_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_STORAGE_TABLE_ENDPOINT", STORAGE["AZURE_STORAGE_TABLE_ENDPOINT"])
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))

    with pytest.raises(UnsafeSettings, match="MicrosoftAppId"):
        load_settings()
    tool = load_settings(tool=True)

    assert isinstance(tool, ToolSettings) and load_federation_settings(tool).tenant_ids == (TENANT,)


@pytest.mark.parametrize(("name", "value"), [
    ("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName=llanpolicy"),
    ("AZURE_STORAGE_TABLE_ENDPOINT", "llanpolicyabc.table.core.windows.net"),
])
def test_a_storage_tool_refuses_a_storage_setting_it_cannot_use_in_one_line_naming_it(
        name: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `Connection string missing required connection details.` without the setting's name, and an endpoint
    without https:// went on to ask every Azure sign-in in turn, fourteen lines of them."""
    for other in ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_TABLE_ENDPOINT"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))

    code = bot_main(["policy-versions"])

    [line] = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line.startswith(f"policy-versions: {name} is not a"), line


# The key is Azurite's public development key (the one of its devstoreaccount1), never a real one.
@pytest.mark.parametrize(("name", "value"), [
    ("AZURE_STORAGE_TABLE_ENDPOINT", "https://llanpolicyabc.blob.core.windows.net"),
    ("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName=llanpolicyabc;"
                                        f"AccountKey={AZURITE_KEY};"
                                        "TableEndpoint=https://llanpolicyabc.blob.core.windows.net/"),
], ids=["endpoint", "connection-string"])
@pytest.mark.parametrize("command", ["check-reports", "policy-versions"])
def test_a_storage_tool_refuses_a_blob_endpoint_as_the_table_endpoint_in_one_line_naming_it(
        command: str, name: str, value: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Before: the blob endpoint was taken, and the command failed later, against a service that has no tables."""
    for other in ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_TABLE_ENDPOINT"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))

    code = bot_main([command])

    [line] = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line.startswith(f"{command}: {name} is the storage account's blob endpoint, not its table endpoint"), line
    assert "https://llanpolicyabc.table.core.windows.net" in line and "a2V5" not in line


@pytest.mark.parametrize("endpoint", ["https://llanpolicyabc.table.core.windows.net/",
                                      "https://llanpolicyabc.table.cosmos.azure.com:443/",
                                      "https://tables.example.cymru/llanpolicy"])
def test_a_table_endpoint_is_still_taken(endpoint: str) -> None:
    settings = Settings.model_validate({"APP_ENV": "local", "AZURE_STORAGE_TABLE_ENDPOINT": endpoint})

    assert settings.storage_table_endpoint == endpoint


def test_tools_against_azure_refuse_the_fictional_federation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_STORAGE_TABLE_ENDPOINT", STORAGE["AZURE_STORAGE_TABLE_ENDPOINT"])

    with pytest.raises(UnsafeSettings, match="federation"):
        load_settings(tool=True)


def test_local_mode_listens_on_loopback_unless_told() -> None:
    local = {"APP_ENV": "local", **STORAGE}

    assert Settings.model_validate(local).host == "127.0.0.1"
    assert Settings.model_validate({**local, "BIND_HOST": "0.0.0.0"}).host == "0.0.0.0"


def test_the_agents_playgrounds_untyped_chats_are_accepted_only_locally() -> None:
    assert Settings.model_validate({"APP_ENV": "local", "AGENTS_PLAYGROUND": "true", **STORAGE}).agents_playground
    assert not Settings.model_validate({"APP_ENV": "local", **STORAGE}).agents_playground

    with pytest.raises(ValueError, match="AGENTS_PLAYGROUND is for local testing"):
        Settings.model_validate({**DEPLOYED, "AGENTS_PLAYGROUND": "true"})


def test_check_federation_reads_the_file_as_the_bot_will(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "federation.json"
    broken.write_text(FEDERATION.replace('"name": "Mr Huw Davies"', '"name": ""'), encoding="utf-8")

    good = bot_main(["check-federation", str(LOCAL_FEDERATION)])
    bad = bot_main(["check-federation", str(broken)])

    out, err = capsys.readouterr()
    assert (good, bad) == (0, 2)
    assert "high: Llanidloes High School / Ysgol Uwchradd Llanidloes; headteacher Mrs Siân Roberts" in out
    assert "chair_of_governors: aad_object_id and name are required strings" in err
    assert "warning" not in err


def test_check_federation_warns_of_a_head_whose_own_requests_nobody_may_decide(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = json.loads(FEDERATION)
    for school in settings["schools"]:
        school["delegates"] = []
    executive_head_alone = tmp_path / "federation.json"
    executive_head_alone.write_text(json.dumps(settings), encoding="utf-8")
    settings["schools"][1]["headteacher"] = {"aad_object_id": "a1000000-0000-4000-8000-000000000004",
                                             "name": "Mr Gareth Hughes"}
    two_heads = tmp_path / "two-heads.json"
    two_heads.write_text(json.dumps(settings), encoding="utf-8")

    alone = bot_main(["check-federation", str(executive_head_alone)])
    _, alone_err = capsys.readouterr()
    heads = bot_main(["check-federation", str(two_heads)])
    heads_out, heads_err = capsys.readouterr()
    alone_err, heads_err = besides_the_example(alone_err), besides_the_example(heads_err)

    assert alone == 0 and "warning: high: nobody may decide the headteacher's own requests" in alone_err
    assert "warning: primary:" in alone_err
    assert heads == 0 and heads_err == ""
    assert "the headteacher's own requests go to Mr Gareth Hughes" in heads_out


def test_check_federation_says_which_school_has_no_delegate_when_the_other_school_names_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Siân heads both schools; the high school names Ffion as delegate, the primary names nobody (or only Siân
    herself): the warning is about the primary alone, and never says no delegate is named anywhere."""
    settings = json.loads(FEDERATION)
    settings["schools"][1]["delegates"] = []
    primary_without = tmp_path / "primary-without.json"
    primary_without.write_text(json.dumps(settings), encoding="utf-8")
    settings["schools"][1]["delegates"] = [settings["schools"][1]["headteacher"]]
    primary_names_its_head = tmp_path / "primary-names-its-head.json"
    primary_names_its_head.write_text(json.dumps(settings), encoding="utf-8")

    without = bot_main(["check-federation", str(primary_without)])
    _, without_err = capsys.readouterr()
    names_head = bot_main(["check-federation", str(primary_names_its_head)])
    _, names_head_err = capsys.readouterr()
    without_err, names_head_err = besides_the_example(without_err), besides_the_example(names_head_err)

    assert (without, names_head) == (0, 0)
    for err in (without_err, names_head_err):
        [warning] = err.splitlines()
        assert warning.startswith("warning: primary: nobody may decide the headteacher's own requests"), warning
        assert "no delegate is named" not in warning and "high" in warning, warning
        assert "Mrs Siân Roberts heads every school, so no other headteacher can take them" in warning, warning
    assert 'school "primary" names no delegate, and' in without_err
    assert 'school "primary" names no delegate but its headteacher, and' in names_head_err


def test_a_log_level_is_read_in_any_case_and_a_misspelt_one_lists_the_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_TABLE_ENDPOINT", STORAGE["AZURE_STORAGE_TABLE_ENDPOINT"])
    monkeypatch.setenv("LOG_LEVEL", " debug")
    lower_case = load_settings().log_level
    monkeypatch.setenv("LOG_LEVEL", "verbose")

    with pytest.raises(UnsafeSettings) as refused:
        load_settings()

    assert lower_case == "DEBUG"
    assert str(refused.value) == "setting LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'"


def test_check_federation_refuses_an_email_where_an_entra_object_id_belongs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Step 2: the technician pastes the head's email, or a half-copied id, into "aad_object_id"; the bot would never
    know her, so the file is refused where the staff list refuses one."""
    settings = json.loads(FEDERATION)
    head = settings["schools"][0]["headteacher"]
    head["aad_object_id"] = head["email"]
    email_as_id = tmp_path / "email.json"
    email_as_id.write_text(json.dumps(settings), encoding="utf-8")
    head["aad_object_id"] = "a1000000-0000-4000-8000-00000000000"
    cut_short = tmp_path / "cut-short.json"
    cut_short.write_text(json.dumps(settings), encoding="utf-8")

    codes = [bot_main(["check-federation", str(path)]) for path in (email_as_id, cut_short)]

    out, err = capsys.readouterr()
    assert codes == [2, 2] and out == ""
    assert err.splitlines() == [
        f"{email_as_id}: schools[0].headteacher.aad_object_id: 'sian.roberts@llanidloes.example.cymru' is not an "
        "Entra object id (az ad user show --id EMAIL --query id -o tsv prints it)",
        f"{cut_short}: schools[0].headteacher.aad_object_id: 'a1000000-0000-4000-8000-00000000000' is not an Entra "
        "object id (az ad user show --id EMAIL --query id -o tsv prints it)"]


def test_check_federation_warns_of_a_tenant_id_that_is_not_one_and_of_no_chair_of_governors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The tenant's domain name where its id belongs, and no chair of governors (step 2 asks for one): the file is
    still usable, but nobody from that "tenant" can use the bot, and a head's own concern report has nobody to go to."""
    settings = json.loads(FEDERATION)
    settings["tenant_ids"] = ["llanidloes.example.cymru"]
    del settings["chair_of_governors"]
    path = tmp_path / "federation.json"
    path.write_text(json.dumps(settings), encoding="utf-8")

    code = bot_main(["check-federation", str(path)])

    out, err = capsys.readouterr()
    tenant, fictional, chair = err.splitlines()  # the people are still the example's (tenant_ids no longer are)
    assert code == 0 and "chair of governors none" in out
    assert tenant == ("warning: tenant_ids: 'llanidloes.example.cymru' is not a tenant id (a GUID: az account show "
                      "--query tenantId -o tsv prints yours): nobody from it can use the bot")
    assert fictional.startswith("warning: still the fictional example's people"), fictional
    assert chair == ('warning: no chair of governors is named: a headteacher\'s own concern report has nobody to go '
                     'to, and one about a headteacher cannot go to the governors; add "chair_of_governors" with its '
                     '"aad_object_id", "name" and "email"')


def test_check_federation_warns_of_the_examples_fictional_people_left_in_a_real_tenants_settings(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Step 2 copies the fictional config/federation.local.json and replaces its people. One left behind (a policy
    owner or chair whose Welsh name looks real enough) passed the check without a word, and the bot sent that role's
    cards to nobody; the example itself, with its fictional tenant, is still checked without a warning."""
    settings = json.loads(FEDERATION)
    settings["tenant_ids"] = ["0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"]
    for school in settings["schools"]:
        school["headteacher"] = {"aad_object_id": "7d9e2f10-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "name": "Mr Rhodri Lewis",
                                 "email": "rhodri.lewis@hwbcymru.net"}
        school["delegates"] = [{"aad_object_id": "6c8d1e0f-2a3b-4b4c-9d5e-6f7a8b9c0d1e", "name": "Ms Nia Price",
                                "email": "nia.price@hwbcymru.net"}]
    path = tmp_path / "federation.json"
    path.write_text(json.dumps(settings), encoding="utf-8")

    code = bot_main(["check-federation", str(path)])
    _, err = capsys.readouterr()
    example = bot_main(["check-federation", str(LOCAL_FEDERATION)])
    _, example_err = capsys.readouterr()

    assert code == 0 and example == 0 and example_err == ""
    [warning] = err.splitlines()
    assert warning.startswith("warning: still the fictional example's people (config/federation.local.json): "
                              "policy owner Mrs Siân Roberts, chair of governors Mr Huw Davies:"), warning
    assert "az ad user show" in warning and "Rhodri" not in warning and "Nia" not in warning


def test_check_federation_warns_of_a_copy_of_the_example_left_as_it_was(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """infra/README.md step 2, as typed: `cp config/federation.local.json config/federation.json`, then check-federation
    on the copy before editing it (or with only the people edited). Before, the copy passed without a word, as the
    example's tenant was taken for the example itself, and the deployment's bot then refused to start on settings
    without its own tenant. Now the copy is warned of its fictional tenant and people; the example itself is not."""
    copy = tmp_path / "federation.json"
    copy.write_text(FEDERATION, encoding="utf-8")

    code = bot_main(["check-federation", str(copy)])
    _, err = capsys.readouterr()
    example = bot_main(["check-federation", str(LOCAL_FEDERATION)])
    _, example_err = capsys.readouterr()

    assert (code, example, example_err) == (0, 0, "")
    tenant, people = err.splitlines()
    fictional = json.loads(FEDERATION)["tenant_ids"][0]
    assert tenant == (f"warning: tenant_ids: {fictional!r} is the fictional example's tenant "
                      "(config/federation.local.json), not yours: put in your tenant id (az account show --query "
                      "tenantId -o tsv prints it); the bot refuses to start on settings without its own tenant")
    assert people.startswith("warning: still the fictional example's people (config/federation.local.json): "
                             "high headteacher Mrs Siân Roberts"), people


def test_check_federation_reads_a_file_notepad_saved_with_a_byte_order_mark_and_names_it_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notepad = tmp_path / "federation.json"
    notepad.write_text(FEDERATION, encoding="utf-8-sig")
    ansi = tmp_path / "ansi.json"
    ansi.write_text(FEDERATION, encoding="cp1252")
    missing = tmp_path / "federaton.json"

    codes = [bot_main(["check-federation", str(path)]) for path in (notepad, ansi, missing)]

    out, err = capsys.readouterr()
    err = besides_the_example(err)
    assert codes == [0, 2, 2] and "headteacher Mrs Siân Roberts" in out
    assert err.splitlines() == [f"{ansi}: not UTF-8 text (byte {FEDERATION.index('â') + 1}): save it as UTF-8",
                                f"{missing}: cannot read it (No such file or directory)"]


# Every numeric setting read from the environment, by the name a deployment or a shell gives it.
NUMERIC_SETTINGS = sorted(field.alias or name for name, field in Settings.model_fields.items()
                          if field.annotation in (int, float))


@pytest.mark.parametrize("value", ["", "  ", "24 months", "inf", "nan"], ids=["empty", "blank", "words", "inf", "nan"])
@pytest.mark.parametrize("name", NUMERIC_SETTINGS)
def test_a_numeric_setting_that_is_empty_or_not_a_number_is_one_line_naming_it_and_what_it_takes(
        name: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An `az` command that printed nothing left REPORT_RETENTION_MONTHS empty: the bot and the tools said pydantic's
    `setting REPORT_RETENTION_MONTHS: Input should be a valid integer, unable to parse string as an integer`, which
    did not say what to give; `inf` was taken (DELIVERY_INTERVAL_SECONDS=inf: owed messages never retried)."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_TABLE_ENDPOINT", STORAGE["AZURE_STORAGE_TABLE_ENDPOINT"])
    monkeypatch.setenv(name, value)

    with pytest.raises(UnsafeSettings) as refused:
        load_settings()

    message = str(refused.value)
    shown = "empty" if not value.strip() else repr(value)
    assert "\n" not in message
    assert message.startswith(f"{name} is {shown}: it takes a "), message
    assert re.search(r"a (whole )?number( of \w+)?( from \d+ to \d+| above 0( and at most \d+)?|, at least \d+)$",
                     message), message
    assert refused.value.setting == name


@pytest.mark.parametrize(("name", "value", "message"), [
    ("REPORT_RETENTION_MONTHS", "0", "REPORT_RETENTION_MONTHS is '0': it takes a whole number of months from 1 to 120"),
    ("STORAGE_TIMEOUT_SECONDS", "60", "STORAGE_TIMEOUT_SECONDS is '60': it takes a number of seconds above 0 and at "
                                      "most 30"),
    ("MAX_BODY_BYTES", "1k", "MAX_BODY_BYTES is '1k': it takes a whole number of bytes, at least 4096"),
    ("PORT", "3978.5", "PORT is '3978.5': it takes a whole number from 1 to 65535"),
])
def test_a_numeric_setting_out_of_range_says_the_range(name: str, value: str, message: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_TABLE_ENDPOINT", STORAGE["AZURE_STORAGE_TABLE_ENDPOINT"])
    monkeypatch.setenv(name, value)

    with pytest.raises(UnsafeSettings) as refused:
        load_settings(tool=True)

    assert str(refused.value) == message


@pytest.mark.parametrize("value", ["33333333-4444-4555-8666-777777777777 ", '"33333333-4444-4555-8666-777777777777"',
                                   "Policy Helper", "28:33333333-4444-4555-8666-777777777777"],
                         ids=["space-after", "quoted", "the-bots-name", "teams-bot-id"])
def test_an_app_id_that_is_not_one_is_refused_in_one_line_naming_it(value: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The IT technician pasted the app id with a space after it, in quotes, the bot's name, or the bot's Teams id:
    before, the bot started, and every token Teams sent (made out to the real id) was refused, 401, for ever."""
    for name, setting in {**DEPLOYED, "MicrosoftAppId": value}.items():
        monkeypatch.setenv(name, setting)

    with pytest.raises(UnsafeSettings) as refused:
        load_settings()

    [line] = str(refused.value).splitlines()
    assert line.startswith("MicrosoftAppId is not an app id"), line
    assert repr(value) in line


def test_an_app_id_in_capitals_is_taken() -> None:
    settings = Settings.model_validate({**DEPLOYED, "MicrosoftAppId": "33333333-4444-4555-8666-77777777777A"})

    assert settings.app_id == "33333333-4444-4555-8666-77777777777A"


def test_a_token_key_address_over_plain_http_to_another_computer_is_refused_in_production(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL (for testing only) left in production as an http:// address of another
    computer: anyone on the way could hand the bot a key of their own and sign tokens it accepts. Before, it was taken;
    now the bot refuses to start, in one line naming it. A local issuer, as the deployment tests run, is still taken."""
    for name, setting in {**DEPLOYED, "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL":
                          "http://tokens.example.cymru/.well-known/openid-configuration"}.items():
        monkeypatch.setenv(name, setting)

    with pytest.raises(UnsafeSettings) as refused:
        load_settings()
    monkeypatch.setenv("TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL", "http://127.0.0.1:8123/x/.well-known/openid-configuration")
    local = load_settings()

    [line] = str(refused.value).splitlines()
    assert line.startswith("TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL is for testing only"), line
    assert local.openid_metadata_url.startswith("http://127.0.0.1:8123/")


# English words of check-federation's own lines, none of which its Welsh lines hold (names, ids and keys aside).
_ENGLISH = re.compile(r"\b(?:the|is|not|no|none|headteacher|delegates?|warning|school holidays|listed|owner|chair|"
                      r"nobody|requests|cannot|read|expected|required|only|still|fictional|put|add)\b")


def _said_in_welsh(line: str) -> bool:
    """A line of check-federation with --lang cy, besides the names, ids, keys and commands it quotes."""
    kept = re.sub(r'"[^"]*"|\([a-z_.]+\)|az [^)]*|config/\S+|infra/\S+|\S+\.json|[A-Z][a-zâ]+(?: [A-Z][a-zâ]+)*'
                  r"|[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)+", "", line)
    return not _ENGLISH.search(kept)


def test_check_federation_with_lang_cy_says_every_line_in_welsh(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The technician, who works in Welsh, checks the federation's settings before deploying them, as she ran the other
    tools with `--lang cy`: check-federation refused `--lang` outright, and said in English who decides for each school,
    each warning (a copy of the example still holding its fictional tenant and people, a head whose own requests
    nobody may decide, no chair of governors) and each mistake in the file."""
    settings = json.loads(FEDERATION)
    for school in settings["schools"]:
        school["delegates"] = []
    del settings["chair_of_governors"]
    copy = tmp_path / "federation.json"
    copy.write_text(json.dumps(settings), encoding="utf-8")
    email_as_id = tmp_path / "email.json"
    email_as_id.write_text(FEDERATION.replace('"a1000000-0000-4000-8000-000000000003"', '"sian@llanidloes.example"', 1),
                           encoding="utf-8")

    codes = [bot_main(["check-federation", str(path), "--lang", "cy"])
             for path in (copy, email_as_id, tmp_path / "federaton.json")]

    out, err = capsys.readouterr()
    assert codes == [0, 2, 2], err
    lines = [*out.splitlines(), *err.splitlines()]
    assert any(line.startswith("rhybudd: ") for line in lines), lines
    assert [line for line in lines if not _said_in_welsh(line)] == []


def test_the_copy_of_the_policy_in_force_is_kept_under_home_on_app_service_and_nowhere_by_default_elsewhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """App Service sets WEBSITE_SITE_NAME and keeps /home across restarts; a laptop or a test keeps no copy unless
    POLICY_COPY_FILE names one."""
    assert Settings.model_validate({**DEPLOYED, "WEBSITE_SITE_NAME": "llan-policy-bot"}).policy_copy_path == \
        Path("/home/data/policy-in-force.json")
    assert Settings.model_validate(DEPLOYED).policy_copy_path is None
    assert Settings.model_validate({**DEPLOYED, "WEBSITE_SITE_NAME": "llan-policy-bot",
                                    "POLICY_COPY_FILE": "/home/site/policy.json"}).policy_copy_path == \
        Path("/home/site/policy.json")
    for name, setting in {**DEPLOYED, "POLICY_COPY_FILE": "policy.json"}.items():
        monkeypatch.setenv(name, setting)
    with pytest.raises(UnsafeSettings) as refused:
        load_settings()
    [line] = str(refused.value).splitlines()
    assert line.startswith("POLICY_COPY_FILE is not a full path such as /home/data/policy-in-force.json"), line
