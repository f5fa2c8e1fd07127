"""Settings, read once from the environment."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from azure.data.tables import TableServiceClient
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.federation import Federation, FederationConfigError, load_federation, parse_federation
from bot.domain.limits import TYPED_QUESTION_LIMIT
from bot.domain.school_calendar import SchoolHours
from bot.policy.loader import DEFAULT_POLICY_FILE, policy_file
from bot.policy.notes import Note, note

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_FEDERATION = REPO_ROOT / "config" / "federation.local.json"
# POLICY_COPY_FILE when it is empty on App Service: /home is kept across restarts (and shared by the instances).
APP_SERVICE_POLICY_COPY = "/home/data/policy-in-force.json"
# The levels LOG_LEVEL may name, in any case: a misspelt one is refused with these listed.
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
# The settings only a tool that reads or writes storage uses.
STORAGE_FIELDS = ("storage_connection_string", "storage_table_endpoint", "table_prefix", "storage_timeout_seconds")


class AppEnv(StrEnum):
    """Where the bot runs: `local` allows running without Bot Framework credentials."""

    LOCAL = "local"
    PRODUCTION = "production"


class AppType(StrEnum):
    """The Bot Framework identity kinds the SDK supports."""

    MULTI_TENANT = "MultiTenant"
    SINGLE_TENANT = "SingleTenant"
    USER_ASSIGNED_MSI = "UserAssignedMSI"


class UnsafeSettings(ValueError):
    """The settings would run the bot unsafely; the message says why in one line (`setting`: the one it names, when it
    is one setting's value), and `note` says it in the string tables' words (`settings.*`), for a command's `--lang`."""

    def __init__(self, message: str, *, setting: str = "", said: Note | None = None) -> None:
        super().__init__(message)
        self.setting = setting
        self.note = said


class Settings(BaseSettings):
    """Every setting the bot reads; see the README's settings table."""

    # No inf or nan: DELIVERY_INTERVAL_SECONDS=inf was taken, and owed messages were never retried.
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True, allow_inf_nan=False)

    app_id: str = Field(default="", alias="MicrosoftAppId")
    app_password: SecretStr = Field(default=SecretStr(""), alias="MicrosoftAppPassword")
    app_type: AppType = Field(default=AppType.MULTI_TENANT, alias="MicrosoftAppType")
    app_tenant_id: str = Field(default="", alias="MicrosoftAppTenantId")
    storage_connection_string: SecretStr = Field(default=SecretStr(""), alias="AZURE_STORAGE_CONNECTION_STRING")
    storage_table_endpoint: str = Field(default="", alias="AZURE_STORAGE_TABLE_ENDPOINT")
    table_prefix: str = Field(default="", alias="TABLE_PREFIX", pattern=r"^([A-Za-z][A-Za-z0-9]{0,19})?$")
    storage_timeout_seconds: float = Field(default=2.0, alias="STORAGE_TIMEOUT_SECONDS", gt=0, le=30)
    # Admission control: turns run at once, and how long a card click and a message may wait for a place
    # (Teams expects a click's answer within about 5 s; a message is acknowledged after 5 s and answered later).
    turns_at_once: int = Field(default=32, alias="TURNS_AT_ONCE", ge=1, le=1000)
    click_queue_seconds: float = Field(default=3.0, alias="CLICK_QUEUE_SECONDS", gt=0, le=10)
    message_queue_seconds: float = Field(default=120.0, alias="MESSAGE_QUEUE_SECONDS", gt=0, le=600)
    port: int = Field(default=3978, alias="PORT", ge=1, le=65535)
    # Empty: loopback only when APP_ENV=local (a laptop's network must not reach a bot that checks no tokens),
    # every interface in production (App Service forwards to the container's port).
    bind_host: str = Field(default="", alias="BIND_HOST")
    app_env: AppEnv = Field(default=AppEnv.PRODUCTION, alias="APP_ENV")
    # The Agents Playground leaves the conversation type out of its 1:1 chats; with this set (local only), a
    # conversation without a type counts as a 1:1 chat. Otherwise it is not private (Teams always sends one).
    agents_playground: bool = Field(default=False, alias="AGENTS_PLAYGROUND")
    # The federation's settings as JSON (in Azure, an app setting from the deployment), or a file holding them.
    # Neither given: the fictional federation of config/federation.local.json, which only APP_ENV=local accepts.
    federation_json: str = Field(default="", alias="FEDERATION_JSON")
    federation_config: Path | None = Field(default=None, alias="FEDERATION_CONFIG")
    policy_file: Path = Field(default=DEFAULT_POLICY_FILE, alias="POLICY_FILE")
    # Where the bot keeps a copy of the policy version in force, to answer from when it starts while storage is down.
    # Empty: APP_SERVICE_POLICY_COPY on App Service (which sets WEBSITE_SITE_NAME and keeps /home), else no copy.
    policy_copy_file: str = Field(default="", alias="POLICY_COPY_FILE")
    website_site_name: str = Field(default="", alias="WEBSITE_SITE_NAME")
    max_body_bytes: int = Field(default=256 * 1024, alias="MAX_BODY_BYTES", ge=4096)
    log_level: LogLevel = Field(default="INFO", alias="LOG_LEVEL")
    delivery_interval_seconds: float = Field(default=30.0, alias="DELIVERY_INTERVAL_SECONDS", gt=0)
    # How long a sender holds a message before another instance may take it over (e.g. after a crash).
    outbox_lease_seconds: float = Field(default=60.0, alias="OUTBOX_LEASE_SECONDS", ge=1, le=3600)
    graph_authority_host: str = Field(default="https://login.microsoftonline.com", alias="GRAPH_AUTHORITY_HOST")
    graph_base_url: str = Field(default="https://graph.microsoft.com", alias="GRAPH_BASE_URL")
    graph_client_id: str = Field(default="", alias="GRAPH_CLIENT_ID")
    graph_client_secret: SecretStr = Field(default=SecretStr(""), alias="GRAPH_CLIENT_SECRET")
    report_check_interval_seconds: float = Field(default=900.0, alias="REPORT_CHECK_INTERVAL_SECONDS", gt=0)
    # How often notifications left owed by a storage fault are queued again.
    catch_up_interval_seconds: float = Field(default=60.0, alias="CATCH_UP_INTERVAL_SECONDS", gt=0)
    # How often each instance looks for a newly published policy version (it answers from it within this, plus
    # the seconds it takes to build the new version's answer index).
    policy_poll_seconds: float = Field(default=30.0, alias="POLICY_POLL_SECONDS", gt=0, le=3600)
    # How often owed read-and-confirm campaigns, staff new to the list and reminders are seen to.
    campaign_check_interval_seconds: float = Field(default=900.0, alias="CAMPAIGN_CHECK_INTERVAL_SECONDS", gt=0)
    # When automatic reminders and escalations may reach staff, on UK clocks (see "Working days" in the README).
    school_hours: str = Field(default="08:00-17:00", alias="SCHOOL_HOURS")
    report_retention_months: int = Field(default=24, alias="REPORT_RETENTION_MONTHS", ge=1, le=120)
    # The question log holds each asker's name, Entra id and words: kept this long after asking (or the reply).
    question_retention_months: int = Field(default=12, alias="QUESTION_RETENTION_MONTHS", ge=1, le=120)
    retention_interval_seconds: float = Field(default=3600.0, alias="RETENTION_INTERVAL_SECONDS", gt=0)
    # INDEX_CACHE_FOLDER's upkeep (every retention pass): files no instance used for this long go, and the least
    # lately used while the folder holds more than its size.
    index_cache_keep_days: int = Field(default=30, alias="INDEX_CACHE_KEEP_DAYS", ge=1, le=3650)
    index_cache_max_mb: int = Field(default=500, alias="INDEX_CACHE_MAX_MB", ge=50, le=100_000)
    # Per person, per 24 hours from their first use; counted in Table storage, so every instance shares them.
    report_limit_per_day: int = Field(default=5, alias="REPORT_LIMIT_PER_DAY", ge=1, le=100)
    escalation_limit_per_day: int = Field(default=10, alias="ESCALATION_LIMIT_PER_DAY", ge=1, le=100)
    permission_limit_per_day: int = Field(default=10, alias="PERMISSION_LIMIT_PER_DAY", ge=1, le=100)
    question_limit_per_day: int = Field(default=10, alias="QUESTION_LIMIT_PER_DAY", ge=1, le=100)
    reply_limit_per_day: int = Field(default=50, alias="REPLY_LIMIT_PER_DAY", ge=1, le=1000)
    typed_question_limit_per_day: int = Field(default=TYPED_QUESTION_LIMIT, alias="TYPED_QUESTION_LIMIT_PER_DAY", ge=1,
                                              le=1000)
    # Read by the SDK's ConfigurationBotFrameworkAuthentication; set only to test token validation offline.
    openid_metadata_url: str = Field(default="", alias="TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL")
    token_issuer: str = Field(default="", alias="TO_BOT_FROM_CHANNEL_TOKEN_ISSUER")
    applicationinsights_connection_string: SecretStr = Field(
        default=SecretStr(""), alias="APPLICATIONINSIGHTS_CONNECTION_STRING"
    )

    @field_validator("school_hours")
    @classmethod
    def _school_hours(cls, value: str) -> str:
        try:
            return str(SchoolHours.parse(value))
        except ValueError:
            raise UnsafeSettings(f"SCHOOL_HOURS is {value!r}: it takes two 24-hour times, the start first, as "
                                 "08:00-17:00, or any (nothing kept back)", setting="SCHOOL_HOURS",
                                 said=note("settings.school_hours", value=repr(value))) from None

    @field_validator("policy_file", mode="before")
    @classmethod
    def _policy_file(cls, value: object) -> Path:
        # The same rule as every command's: an empty POLICY_FILE means the shipped file.
        return policy_file(str(value) if value is not None else None, environ={})

    @field_validator("storage_connection_string")
    @classmethod
    def _storage_connection_string(cls, value: SecretStr) -> SecretStr:
        # Read as the storage client will read it, so a pasted fragment stops the start, not the first turn.
        if text := value.get_secret_value():
            try:
                client = TableServiceClient.from_connection_string(text)
            except ValueError as error:  # the SDK's reason never repeats the string (it may hold the account key)
                raise UnsafeSettings(
                    f"AZURE_STORAGE_CONNECTION_STRING is not a storage connection string ({error}): it is "
                    "AccountName, AccountKey and TableEndpoint, each as name=value, separated by semicolons, as "
                    "Azurite gives it, or leave it empty and set AZURE_STORAGE_TABLE_ENDPOINT",
                    setting="AZURE_STORAGE_CONNECTION_STRING",
                    said=note("settings.not_connection_string", error=str(error))) from None
            with client:
                _refuse_other_storage_service("AZURE_STORAGE_CONNECTION_STRING", client.url)
        return value

    @field_validator("app_id")
    @classmethod
    def _app_id(cls, value: str) -> str:
        # Every token Teams sends is made out to this id exactly: one pasted with a space or quotes, or the bot's name,
        # would start a bot that refuses every message (401).
        if value and not _GUID.match(value):
            raise UnsafeSettings(f"MicrosoftAppId is not an app id, such as 00000000-0000-0000-0000-000000000000 "
                                 f"(the Azure Bot's Microsoft App ID, or the managed identity's client id; it is "
                                 f"{value!r})", setting="MicrosoftAppId",
                                 said=note("settings.not_app_id", value=repr(value)))
        return value

    @field_validator("storage_table_endpoint")
    @classmethod
    def _storage_table_endpoint(cls, value: str) -> str:
        # The bot signs in to it with its identity's token, which the storage client sends over HTTPS only.
        if value and not _web_address(value, schemes=("https",)):
            raise UnsafeSettings(f"AZURE_STORAGE_TABLE_ENDPOINT is not an https:// address such as "
                                 f"https://ACCOUNT.table.core.windows.net (it is {value!r})",
                                 setting="AZURE_STORAGE_TABLE_ENDPOINT",
                                 said=note("settings.endpoint_not_https", value=repr(value)))
        _refuse_other_storage_service("AZURE_STORAGE_TABLE_ENDPOINT", value)
        return value

    @field_validator("graph_base_url", "graph_authority_host", "openid_metadata_url")
    @classmethod
    def _web_addresses(cls, value: str, info: ValidationInfo) -> str:
        if value and not _web_address(value, schemes=("https", "http")):
            field = cls.model_fields[info.field_name or ""]
            example = f" such as {field.default}" if field.default else ""
            said = note("settings.not_web_address_such_as", setting=field.alias, example=field.default,
                        value=repr(value)) if field.default else \
                note("settings.not_web_address", setting=field.alias, value=repr(value))
            raise UnsafeSettings(f"{field.alias} is not a web address{example} (it is {value!r})",
                                 setting=field.alias or "", said=said)
        return value

    @field_validator("policy_copy_file")
    @classmethod
    def _policy_copy_file(cls, value: str) -> str:
        text = value.strip()
        if text and not Path(text).expanduser().is_absolute():
            raise UnsafeSettings(f"POLICY_COPY_FILE is not a full path such as {APP_SERVICE_POLICY_COPY} (it is "
                                 f"{text!r})", setting="POLICY_COPY_FILE")
        return text

    @property
    def policy_copy_path(self) -> Path | None:
        """The copy of the policy in force (POLICY_COPY_FILE; on App Service by default under /home); None: none."""
        if self.policy_copy_file:
            return Path(self.policy_copy_file).expanduser()
        return Path(APP_SERVICE_POLICY_COPY) if self.website_site_name else None

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        for problem in self._problems():
            raise problem
        return self

    def _problems(self) -> Iterator[UnsafeSettings]:
        if self.app_env is AppEnv.PRODUCTION:
            yield from self._identity_problems()
            if self.agents_playground:
                yield UnsafeSettings("AGENTS_PLAYGROUND is for local testing with the Agents Playground only "
                                     "(APP_ENV=local)", said=note("settings.playground_local"))
            if _plain_http_elsewhere(self.openid_metadata_url):
                # The keys the bot checks Teams' tokens with: fetched in the clear, anyone on the way could swap in
                # their own and sign tokens the bot accepts.
                yield UnsafeSettings(
                    "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL is for testing only: in production it must be an "
                    "https:// address (or this computer's, for a test), or unset for the Bot Framework's own "
                    f"(it is {self.openid_metadata_url!r})",
                    said=note("settings.openid_plain_http", value=repr(self.openid_metadata_url)))
            if not self.federation_json and self.federation_config is None:
                yield UnsafeSettings("APP_ENV=production needs the federation's settings: FEDERATION_JSON (the "
                                     "deployment sets it) or FEDERATION_CONFIG (a file); config/federation.local.json "
                                     "is fictional", said=note("settings.production_federation"))
        yield from self._storage_problems()

    def _storage_problems(self) -> Iterator[UnsafeSettings]:
        if not self.storage_connection_string.get_secret_value() and not self.storage_table_endpoint:
            yield UnsafeSettings("storage is not configured: set AZURE_STORAGE_CONNECTION_STRING or "
                                 "AZURE_STORAGE_TABLE_ENDPOINT", said=note("settings.no_storage"))

    def _identity_problems(self) -> Iterator[UnsafeSettings]:
        if not self.app_id:
            yield UnsafeSettings("APP_ENV=production needs MicrosoftAppId (the bot's app registration id)",
                                 said=note("settings.production_app_id"))
        if self.app_type is not AppType.USER_ASSIGNED_MSI and not self.app_password.get_secret_value():
            yield UnsafeSettings("APP_ENV=production needs MicrosoftAppPassword unless "
                                 "MicrosoftAppType=UserAssignedMSI", said=note("settings.production_password"))
        if self.app_type is not AppType.MULTI_TENANT and not self.app_tenant_id:
            yield UnsafeSettings(f"MicrosoftAppType={self.app_type} needs MicrosoftAppTenantId",
                                 said=note("settings.needs_tenant", type=str(self.app_type)))

    @property
    def host(self) -> str:
        """The address the web server binds."""
        return self.bind_host or ("127.0.0.1" if self.app_env is AppEnv.LOCAL else "0.0.0.0")


def _web_address(value: str, *, schemes: tuple[str, ...]) -> bool:
    """Whether `value` is a whole address with one of `schemes` and a host (no spaces, as pasted from a page)."""
    try:
        parts = urlsplit(value)
        _ = parts.port  # a port that is not a number raises
    except ValueError:
        return False
    return parts.scheme in schemes and bool(parts.hostname) and not any(c.isspace() for c in value)


def _plain_http_elsewhere(address: str) -> bool:
    """Whether `address` is an http:// address of another computer than this one."""
    parts = urlsplit(address)
    return parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "::1", "localhost")


_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# A storage account's other services, whose endpoints sit beside its table endpoint in the portal (`ACCOUNT.blob.
# core.windows.net`): none has tables, so the bot would start and every turn would fail.
_OTHER_STORAGE_SERVICES = ("blob", "queue", "file", "dfs", "web")


def _refuse_other_storage_service(setting: str, address: str) -> None:
    """`UnsafeSettings` naming `setting` when `address` is a storage account's endpoint for another service than
    tables, with the table endpoint of the same account to use instead."""
    try:
        host = urlsplit(address).hostname or ""
    except ValueError:
        return
    account, _, rest = host.partition(".")
    service, _, cloud = rest.partition(".")
    if service in _OTHER_STORAGE_SERVICES and cloud.startswith("core."):
        use = f"https://{account}.table.{cloud}"
        raise UnsafeSettings(f"{setting} is the storage account's {service} endpoint, not its table endpoint: use "
                             f"{use} (it is {address!r})", setting=setting,
                             said=note("settings.other_service", setting=setting, service=service, use=use,
                                       value=repr(address)))


class ToolSettings(Settings):
    """Settings of the command-line tools: they read and write storage, never act as the bot, so they need
    no Bot Framework identity (the technician's own Azure sign-in reaches storage)."""

    def _identity_problems(self) -> Iterator[UnsafeSettings]:
        return iter(())

    def _storage_problems(self) -> Iterator[UnsafeSettings]:
        # Both left in one terminal (Azurite's connection string from trying the tools, the Azure endpoint of step
        # 8), the connection string would win: an import, restore or erasure meant for Azure would go to Azurite.
        if self.storage_connection_string.get_secret_value() and self.storage_table_endpoint:
            yield UnsafeSettings("AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_TABLE_ENDPOINT are both set, so "
                                 "which storage is meant is not clear: unset the one you do not mean (for the Azure "
                                 f"tables of {self.storage_table_endpoint}: unset AZURE_STORAGE_CONNECTION_STRING)",
                                 said=note("settings.both_storage", endpoint=self.storage_table_endpoint))
        yield from super()._storage_problems()


class FileCheckSettings(ToolSettings):
    """Settings of a tool that only checks a file against the federation (a dry run): it reads no storage, so it
    neither needs nor reads the storage settings (a malformed one does not stop it)."""

    @model_validator(mode="before")
    @classmethod
    def _without_storage(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        unread = {name.lower() for field in STORAGE_FIELDS
                  for name in (field, cls.model_fields[field].alias or field)}
        return {key: value for key, value in data.items() if str(key).lower() not in unread}

    def _storage_problems(self) -> Iterator[UnsafeSettings]:
        return iter(())


def load_federation_settings(settings: Settings) -> Federation:
    """The federation from FEDERATION_JSON, else FEDERATION_CONFIG, else the fictional local file; raise
    `UnsafeSettings` when it is unusable or does not serve the bot's own tenant."""
    try:
        if settings.federation_json:
            try:
                raw = json.loads(settings.federation_json)
            except json.JSONDecodeError as error:
                raise FederationConfigError(f"not JSON ({error.msg} at line {error.lineno})",
                                            note("federation.not_json", message=error.msg, line=error.lineno)) from None
            federation = parse_federation(raw)
        else:
            federation = load_federation(settings.federation_config or LOCAL_FEDERATION)
    except FederationConfigError as error:
        source = "FEDERATION_JSON" if settings.federation_json else \
            f"FEDERATION_CONFIG: {settings.federation_config or LOCAL_FEDERATION}"
        raise UnsafeSettings(f"{source}: {error}", said=note("settings.federation", source=source,
                                                             error=error.note or str(error))) from None
    tenant = settings.app_tenant_id
    if settings.app_env is AppEnv.PRODUCTION and tenant and not federation.serves_tenant(tenant):
        source = "FEDERATION_JSON" if settings.federation_json else "FEDERATION_CONFIG"
        raise UnsafeSettings(f"{source}: the federation's tenant_ids do not include the bot's own tenant {tenant} "
                             "(MicrosoftAppTenantId, on Azure the tenant of the subscription it was deployed in): "
                             "nobody could use the bot",
                             said=note("settings.tenant_not_served", source=source, tenant=tenant))
    return dataclasses.replace(federation, school_hours=SchoolHours.parse(settings.school_hours))


def graph_credentials(settings: Settings) -> tuple[str, str]:
    """The Graph app id and secret: GRAPH_CLIENT_* if set, else the bot's own; empty when there are none."""
    client_id = settings.graph_client_id or settings.app_id
    secret = settings.graph_client_secret.get_secret_value() or settings.app_password.get_secret_value()
    return (client_id, secret) if client_id and secret else ("", "")


def managed_identity(settings: Settings) -> str:
    """The client id of the user-assigned managed identity the bot runs as, or empty when it has none."""
    return settings.app_id if settings.app_type is AppType.USER_ASSIGNED_MSI else ""


def graph_managed_identity(settings: Settings) -> str:
    """The managed identity Graph tokens are asked for, when there is no Graph secret (the documented deployment)."""
    if graph_credentials(settings)[0]:
        return ""
    return (settings.graph_client_id or settings.app_id) if managed_identity(settings) else ""


# The unit a numeric setting counts in, by the end of its name.
_UNITS = {"SECONDS": "seconds", "MONTHS": "months", "DAYS": "days", "MB": "MB", "BYTES": "bytes"}


def _number_wanted(alias: str) -> tuple[str, Note] | None:
    """What the numeric setting named `alias` takes, from its bounds ("a whole number of months from 1 to 120"), in
    English and as a note, or None when it is not a numeric setting."""
    field = next((f for f in Settings.model_fields.values() if f.alias == alias), None)
    if field is None or field.annotation not in (int, float):
        return None
    bounds = {kind: getattr(limit, kind) for limit in field.metadata for kind in ("ge", "gt", "le")
              if hasattr(limit, kind)}
    ge, gt, le = bounds.get("ge"), bounds.get("gt"), bounds.get("le")
    span_note: Note | str
    if ge is not None:
        span, span_note = (f" from {ge} to {le}", note("settings.span.from_to", start=ge, end=le)) if le is not None \
            else (f", at least {ge}", note("settings.span.at_least", start=ge))
    elif gt is not None:
        span, span_note = (f" above {gt} and at most {le}", note("settings.span.above_at_most", n=gt, end=le)) \
            if le is not None else (f" above {gt}", note("settings.span.above", n=gt))
    else:
        span, span_note = (f", at most {le}", note("settings.span.at_most", end=le)) if le is not None else ("", "")
    unit = _UNITS.get(alias.rsplit("_", 1)[-1], "")
    kind = "whole" if field.annotation is int else "number"
    english = ("a whole number" if kind == "whole" else "a number") + (f" of {unit}" if unit else "") + span
    return english, note("settings.wanted", number=note(f"settings.wanted.{kind}"),
                         unit=note(f"settings.unit.{unit}") if unit else "", span=span_note)


# What pydantic says of a value none of whose choices it is ("Input should be 'local' or 'production'").
_CHOICES = ("enum", "literal_error")
_NOT_BOOLEAN = "Input should be a valid boolean, unable to interpret input"


def _refusal(item: Mapping[str, Any]) -> UnsafeSettings:
    """One of pydantic's errors, as the tools say it: a numeric setting with what it takes, a choice with the choices,
    any other as pydantic said it."""
    loc = ".".join(str(part) for part in item.get("loc", ()))
    value = item.get("input")
    if wanted := _number_wanted(loc):
        shown = "empty" if isinstance(value, str) and not value.strip() else repr(value)
        said = note("settings.number_empty", setting=loc, wanted=wanted[1]) if shown == "empty" else \
            note("settings.number_given", setting=loc, value=shown, wanted=wanted[1])
        return UnsafeSettings(f"{loc} is {shown}: it takes {wanted[0]}", setting=loc, said=said)
    message = str(item.get("msg"))
    expected = (item.get("ctx") or {}).get("expected")
    if item.get("type") in _CHOICES and " or " in str(expected) and message == f"Input should be {expected}":
        first, _, last = str(expected).rpartition(" or ")
        said = note("settings.one_of", setting=loc, expected=note("settings.choices", first=first, last=last))
    elif message == _NOT_BOOLEAN:
        said = note("settings.not_boolean", setting=loc)
    else:
        said = note("settings.as_said", setting=loc or "?", said=message)
    return UnsafeSettings(f"setting {loc or '?'}: {message}", setting=loc, said=said)


def load_settings(*, tool: bool = False, storage: bool = True) -> Settings:
    """Read settings from the environment (`tool`: for a command-line tool; without `storage`, for one that reads
    none), raising `UnsafeSettings` with a one-line reason."""
    try:
        if tool:
            return ToolSettings() if storage else FileCheckSettings()
        return Settings()
    except UnsafeSettings:
        raise
    except ValueError as error:
        # pydantic wraps validator errors; surface our one-line reason when it is ours.
        cause = getattr(error, "errors", None)
        if callable(cause):
            for item in cause():
                ctx = item.get("ctx") or {}
                inner = ctx.get("error")
                if isinstance(inner, UnsafeSettings):
                    raise inner from None
                raise _refusal(item) from None
        raise UnsafeSettings(str(error).splitlines()[0]) from None
