"""Composition root: builds the web application from settings. Nothing is built at import time."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

import aiohttp
from aiohttp import web
from azure.core.exceptions import AzureError
from azure.identity import ManagedIdentityCredential as SyncManagedIdentityCredential
from azure.identity.aio import DefaultAzureCredential, ManagedIdentityCredential
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from opentelemetry.sdk.trace.export import SpanExporter

from bot.domain.errors import RecordNotFound, StorageUnavailable
from bot.domain.federation import Federation
from bot.domain.live_policy import LivePolicy
from bot.domain.outbox import Notifier
from bot.domain.policy_copy import PolicyCopy
from bot.domain.profiles import UserProfiles
from bot.domain.questions import forget_old_questions
from bot.edge.admission import TurnGate
from bot.edge.auth import install_nonblocking_openid_metadata
from bot.edge.delivery import Deliverer, OutboxNotifier
from bot.edge.downloads import HttpDownloads
from bot.edge.teams import TeamsBot
from bot.edge.telemetry import azure_monitor_exporter, connection_string_problem, telemetry
from bot.edge.web import Admission, MessagesHandler, TurnLogics
from bot.graph.client import GraphLineManagers, GraphTokens, IdentityTokens, SecretTokens
from bot.jobs import Job, running
from bot.logs import configure_logging
from bot.policy import PolicyIndex, load_policy
from bot.policy.documents import MAX_DOCUMENT_BYTES
from bot.policy.index import answer_index
from bot.policy.index_cache import IndexCache
from bot.policy.loader import (
    PolicyFileError,
    PolicyFileUnreadable,
    load_policy_data,
    policy_from_data,
    readable_policy_file,
)
from bot.policy.model import Policy
from bot.policy.retrieval import shared_sentences
from bot.policy.sentence import ModelMissing
from bot.settings import (
    AppEnv,
    AppType,
    Settings,
    UnsafeSettings,
    graph_credentials,
    graph_managed_identity,
    load_federation_settings,
    load_settings,
    managed_identity,
)
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.policy_reads import TablePolicyReads
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.questions import TableQuestionLog
from bot.storage.tables import TableStore, TenantWatch, one_turn, service_client
from bot.storage.users import TableUserProfiles
from cards.i18n import Catalogue, load_catalogue
from dialogs.ask import STAFF_LIST_KEPT, AskFlow
from dialogs.base import Flow, KeptFromMessages, Router
from dialogs.concerns import ConcernFlow, offensive_comments_guidance
from dialogs.figures import FiguresFlow
from dialogs.home import HomeFlow
from dialogs.permission_requests import PermissionFlow
from dialogs.policy_reads import ReadingFlow, StillToRead
from dialogs.publishing import PublishingFlow

log = logging.getLogger("app")

TABLES = ("users", "outbox", "outboxsent", "questions", "permissions", "permissionindex", "reports", "audit",
          "directory", "ratelimits", "policies", "policyreads")
READY_TIMEOUT_SECONDS = 3.0
# What a token for Table storage is asked for.
STORAGE_SCOPE = "https://storage.azure.com/.default"
# A file the policy owner sends: Teams' pre-authorised URL, fetched within this time.
DOWNLOAD_TIMEOUT_SECONDS = 30.0
# The Application Insights exporter's own statistics (to Microsoft and to our resource) and its remote settings:
# off, so the bot sends nothing but its turn spans.
SDK_SELF_REPORTING = ("APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL", "APPLICATIONINSIGHTS_SDKSTATS_DISABLED",
                      "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED")


@dataclass(frozen=True)
class Services:
    """What the composition root built, for the handlers and tests."""

    store: TableStore
    bot: TeamsBot
    router: Router
    deliverer: Deliverer
    adapter: CloudAdapter
    messages: Callable[[web.Request], Awaitable[web.StreamResponse]]


class Readiness:
    """Whether storage answers, for `/readyz`: one check of storage at a time, whose answer every readiness request
    made meanwhile shares. `/readyz` takes no token, and when each request asked storage itself, a burst of them from
    anyone held the connections to storage that people's turns wait for."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._checking: asyncio.Task[str] | None = None

    async def problem(self) -> str:
        """Why storage is not ready ("" when it answered within `READY_TIMEOUT_SECONDS`)."""
        if self._checking is None or self._checking.done():
            self._checking = asyncio.create_task(self._check(), name="readiness")
        # Shielded: a caller that goes away does not end the check the others wait for.
        return await asyncio.shield(self._checking)

    async def close(self) -> None:
        """Stop a check still waiting for storage (the bot is stopping)."""
        if self._checking is not None and not self._checking.done():
            self._checking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checking

    async def _check(self) -> str:
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS):
                missing = await self._store.missing_tables(TABLES)
        except (StorageUnavailable, TimeoutError) as error:
            why = str(error) or f"no answer within {READY_TIMEOUT_SECONDS:g} s"
            # Why, for whoever checks readiness and then the Log stream (README step 6): once a check, not a request.
            log.warning("readiness: storage unavailable (%s)", why)
            return why
        if missing:
            # Storage answers, but every turn needing these tables would be told it cannot be reached: not ready until
            # they are made again (the account replaced, its tables deleted, or not made yet since storage came back):
            # the store has them made, as for a turn that finds one missing.
            why = f"{len(missing)} of the bot's tables missing ({', '.join(missing)})"
            log.warning("readiness: storage unavailable (%s); making them", why)
            return why
        return ""


SETTINGS = web.AppKey("settings", Settings)
FEDERATION = web.AppKey("federation", Federation)
STRINGS = web.AppKey("strings", Catalogue)
STORE = web.AppKey("store", TableStore)
SERVICES = web.AppKey("services", Services)
HTTP = web.AppKey("http", aiohttp.ClientSession)
READINESS = web.AppKey("readiness", Readiness)
# The bot's clock (a test's own; else the wall clock): when a turn or a sender reads the time.
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")


class _SdkConfiguration:
    """The attribute bag botbuilder's configuration classes read."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password.get_secret_value()
        self.APP_TYPE = settings.app_type.value
        self.APP_TENANTID = settings.app_tenant_id
        if settings.openid_metadata_url:
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = settings.openid_metadata_url
        if settings.token_issuer:
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = settings.token_issuer


@dataclass(frozen=True)
class FlowParts:
    """What flows are built from."""

    settings: Settings
    store: TableStore
    strings: Catalogue
    federation: Federation
    notifier: Notifier
    profiles: UserProfiles
    home: HomeFlow
    http: aiohttp.ClientSession
    graph: GraphLineManagers | None
    live: LivePolicy[PolicyIndex]


@dataclass(frozen=True)
class Flows:
    """The conversation flows, in the order typed text is offered to them, and the background jobs they run."""

    flows: list[Flow]
    jobs: list[Job]
    # What is kept from a person's Teams messages (the questions asked in them), by the message's id.
    kept_from_messages: KeptFromMessages | None = None


def build_flows(parts: FlowParts) -> Flows:
    """Every conversation flow (the catch-all question flow last) and their jobs, each at its setting's interval."""
    limiter, questions = TableRateLimiter(parts.store), TableQuestionLog(parts.store)
    directory = TableStaffDirectory(parts.store)
    ask = AskFlow(strings=parts.strings, federation=parts.federation, in_force=parts.live.current,
                  questions=questions, notifier=parts.notifier, profiles=parts.profiles,
                  limiter=limiter, question_limit=parts.settings.question_limit_per_day,
                  reply_limit=parts.settings.reply_limit_per_day, policy_version=_earlier_policy(parts),
                  shipped=_shipped_policy(parts.settings), staff=directory, refresh=parts.live.refresh,
                  question_retention_months=parts.settings.question_retention_months,
                  typed_question_limit=parts.settings.typed_question_limit_per_day,
                  records_wait_seconds=parts.settings.storage_timeout_seconds / 2)
    concerns = ConcernFlow(strings=parts.strings, federation=parts.federation,
                           reports=TableConcernReports(parts.store), directory=directory,
                           managers=[parts.graph, directory] if parts.graph else [directory], notifier=parts.notifier,
                           profiles=parts.profiles, limiter=limiter,
                           report_limit=parts.settings.report_limit_per_day,
                           escalation_limit=parts.settings.escalation_limit_per_day,
                           guidance=lambda: offensive_comments_guidance(parts.live.current().policy),
                           question=ask.ask,
                           check_interval=parts.settings.report_check_interval_seconds)
    permissions = PermissionFlow(strings=parts.strings, federation=parts.federation,
                                 requests=TablePermissionRequests(parts.store), notifier=parts.notifier,
                                 profiles=parts.profiles, directory=directory, limiter=limiter,
                                 request_limit=parts.settings.permission_limit_per_day, policy_question=ask.ask,
                                 questions_for_review=ask.review,
                                 reports_held=concerns.held_if_any)
    months, question_months = parts.settings.report_retention_months, parts.settings.question_retention_months

    async def apply_retention() -> int:
        deleted = len(await concerns.purge(months=months))
        if deleted:
            log.info("retention: deleted %d concern report(s) %d months after closure", deleted, months)
        forgotten = len(await forget_old_questions(questions, now=datetime.now(UTC), months=question_months,
                                                   policy_owner=parts.federation.policy_owner))
        if forgotten:
            log.info("retention: deleted %d question(s) %d months after they were asked or answered", forgotten,
                     question_months)
        return deleted + forgotten

    reading, publishing = _policy_versions(parts, directory)
    settings = parts.settings
    jobs = [Job("concern-reminders", settings.report_check_interval_seconds, concerns.check_reports),
            Job("permission-catch-up", settings.catch_up_interval_seconds, permissions.catch_up),
            Job("permission-waiting", settings.catch_up_interval_seconds, permissions.see_to_waiting),
            Job("retention", settings.retention_interval_seconds, apply_retention),
            Job("policy-version-poll", settings.policy_poll_seconds, parts.live.refresh),
            Job("policy-campaigns", settings.campaign_check_interval_seconds, reading.check_campaigns),
            Job("staff-list", STAFF_LIST_KEPT.total_seconds(), ask.keep_staff_list)]
    figures = FiguresFlow(strings=parts.strings, federation=parts.federation,
                          requests=TablePermissionRequests(parts.store), versions=TablePolicyVersions(parts.store),
                          reads=TablePolicyReads(parts.store), directory=directory,
                          reports=TableConcernReports(parts.store), notifier=parts.notifier, profiles=parts.profiles)
    # Reading before home: "Thanks, I've read it" is someone saying they read the policy, not a thanks alone.
    return Flows([publishing, reading, parts.home, concerns, permissions, figures, ask], jobs, ask)


def _shipped_policy(settings: Settings) -> Policy | None:
    """The shipped policy file, whose ids buttons posted before a version was published name; None when unreadable
    (those buttons then open what their ids still name)."""
    try:
        return load_policy(settings.policy_file)
    except PolicyFileError as error:
        log.warning("the shipped policy file is unreadable: %s", error.problems[:3])
        return None


def _earlier_policy(parts: FlowParts) -> Callable[[str], Awaitable[Policy | None]]:
    """A version by its number, stored or shipped, for answers given before the version in force came in."""
    versions = TablePolicyVersions(parts.store)

    async def policy(version: str) -> Policy | None:
        shipped = load_policy(parts.settings.policy_file)
        if shipped.details.version == version:
            return shipped
        try:
            return policy_from_data(await versions.get_policy_data(version), f"stored version {version}")
        except (RecordNotFound, PolicyFileError):
            return None

    return policy


def _policy_versions(parts: FlowParts, directory: TableStaffDirectory) -> tuple[ReadingFlow, PublishingFlow]:
    versions = TablePolicyVersions(parts.store)
    reading = ReadingFlow(strings=parts.strings, federation=parts.federation, versions=versions,
                          reads=TablePolicyReads(parts.store), directory=directory, notifier=parts.notifier,
                          profiles=parts.profiles, in_force=parts.live.current)
    downloads = HttpDownloads(parts.http, max_bytes=MAX_DOCUMENT_BYTES, timeout=DOWNLOAD_TIMEOUT_SECONDS,
                              allow_http=parts.settings.app_env is AppEnv.LOCAL)
    publishing = PublishingFlow(strings=parts.strings, federation=parts.federation, versions=versions,
                                reading=reading, directory=directory,
                                shipped=lambda: load_policy_data(parts.settings.policy_file), downloads=downloads,
                                refresh=parts.live.refresh)
    return reading, publishing


def index_cache_upkeep(settings: Settings) -> IndexCache | None:
    """The upkeep of INDEX_CACHE_FOLDER (None when the index is kept beside the model: the package's own files). A
    file another instance uses is marked by its every retention pass, so `grace` spans three of them, and a day at
    least."""
    folder = shared_sentences().cache_folder
    if folder is None:
        return None
    grace = max(timedelta(days=1).total_seconds(), 3 * settings.retention_interval_seconds)
    return IndexCache(folder, keep_for=max(settings.index_cache_keep_days * 86_400.0, grace),
                      max_bytes=settings.index_cache_max_mb * 1_000_000, grace=grace)


def graph_line_managers(settings: Settings, session: aiohttp.ClientSession) -> GraphLineManagers | None:
    """Graph for line managers: an app registration's secret (msal), else the bot's managed identity
    (azure-identity); None without either (locally the staff list answers alone)."""
    client_id, secret = graph_credentials(settings)
    tokens: GraphTokens
    if client_id:
        tokens = SecretTokens(authority_host=settings.graph_authority_host, base_url=settings.graph_base_url,
                              client_id=client_id, client_secret=secret)
    elif identity := graph_managed_identity(settings):
        tokens = IdentityTokens(ManagedIdentityCredential(client_id=identity), base_url=settings.graph_base_url)
    else:
        return None
    return GraphLineManagers(session, base_url=settings.graph_base_url, tokens=tokens)


async def _create_tables(store: TableStore, said: str, *, retry_seconds: float = 5.0) -> None:
    """Keep trying until the tables exist, saying so when the reason storage gives changes, and when it answers."""
    while True:
        try:
            await store.ensure_tables(TABLES)
            log.info("storage answers now; the tables are ready")
            return
        except StorageUnavailable as error:
            if str(error) != said:
                said = str(error)
                log.warning("storage still unavailable (%s); will keep trying to create the tables", said)
            await asyncio.sleep(retry_seconds)


StorageCredential = DefaultAzureCredential | ManagedIdentityCredential


def storage_credential(settings: Settings) -> StorageCredential | None:
    """How the bot signs in to Table storage: no credential with a connection string; as its own managed identity when
    it runs as one (the identity MicrosoftAppId names, as for Teams, Graph and telemetry, so AZURE_CLIENT_ID missing or
    naming another identity cannot shut it out); else azure-identity's chain (AZURE_CLIENT_ID, an Azure CLI sign-in)."""
    if settings.storage_connection_string.get_secret_value():
        return None
    if identity := managed_identity(settings):
        return ManagedIdentityCredential(client_id=identity)
    return DefaultAzureCredential()


async def _unavailable_at_start(settings: Settings, credential: StorageCredential | None,
                               error: StorageUnavailable) -> str:
    """The start-up line's reason; when the bot's managed identity gets no token, that and the setting naming it (the
    identity endpoint's refusal, such as 400 for an identity the web app does not have, reads like storage's own)."""
    if not isinstance(credential, ManagedIdentityCredential):
        return str(error)
    try:
        async with asyncio.timeout(settings.storage_timeout_seconds * 5):
            await credential.get_token(STORAGE_SCOPE)
    except AzureError as failure:
        said = (str(failure).strip().splitlines() or [""])[0][:200]
        return (f"{error}: the managed identity MicrosoftAppId names got no token ({type(failure).__name__}: {said}); "
                "MicrosoftAppId must be the client id of the web app's user-assigned identity, as the deployment "
                "sets it")
    except TimeoutError:
        pass
    return str(error)


async def _storage(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    credential = storage_credential(settings)
    sign_in = TenantWatch(credential) if credential is not None else None
    service = service_client(
        connection_string=settings.storage_connection_string.get_secret_value(),
        endpoint=settings.storage_table_endpoint, credential=sign_in,
        timeout=settings.storage_timeout_seconds)
    async with service:
        store = TableStore(service, prefix=settings.table_prefix, timeout=settings.storage_timeout_seconds,
                           sign_in=sign_in)
        app[STORE] = store
        app[READINESS] = Readiness(store)
        creating: asyncio.Task[None] | None = None

        def make_tables_again() -> None:
            nonlocal creating
            if creating is None or creating.done():
                log.warning("storage has lost a table of the bot's; making the tables again")
                creating = asyncio.create_task(_create_tables(store, ""), name="create-tables")

        try:
            await store.ensure_tables(TABLES)
        except StorageUnavailable as error:
            # Start even when storage is down: /readyz says so, turns explain it, tables appear when it is back.
            # The reason (e.g. 403 AuthorizationPermissionMismatch: the data role is still applying) is the IT
            # technician's clue in the Log stream (README step 6).
            log.warning("storage unavailable at start-up (%s); will keep trying to create the tables",
                        await _unavailable_at_start(settings, credential, error))
            creating = asyncio.create_task(_create_tables(store, str(error)), name="create-tables")
        # A table gone while the bot runs (deleted, the account replaced, or not made yet when storage came back)
        # is a storage fault to people, and the tables are made again.
        store.when_a_table_is_missing(make_tables_again)
        yield
        await app[READINESS].close()
        if creating is not None:
            creating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await creating
    if credential is not None:
        await credential.close()


@contextlib.contextmanager
def monitor_exporter(settings: Settings) -> Iterator[SpanExporter | None]:
    """The Application Insights exporter the settings ask for, or None; with the bot's managed identity, it sends
    with that identity's Entra token (the deployment turns Application Insights' local auth off)."""
    connection_string = settings.applicationinsights_connection_string.get_secret_value()
    if not connection_string:
        yield None
        return
    for switch in SDK_SELF_REPORTING:
        os.environ.setdefault(switch, "true")  # read by the exporter when it is built
    identity = managed_identity(settings)
    credential = SyncManagedIdentityCredential(client_id=identity) if identity else None
    try:
        yield azure_monitor_exporter(connection_string, credential=credential)
    finally:
        if credential is not None:
            credential.close()


def _telemetry(exporter: SpanExporter | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        if exporter is not None:  # a test's own
            async with telemetry(exporter):
                yield
            return
        with monitor_exporter(app[SETTINGS]) as configured:
            async with telemetry(configured):
                yield

    return context


async def _bot(app: web.Application) -> AsyncIterator[None]:
    settings, store, strings, federation = app[SETTINGS], app[STORE], app[STRINGS], app[FEDERATION]
    install_nonblocking_openid_metadata()
    auth = ConfigurationBotFrameworkAuthentication(_SdkConfiguration(settings))
    adapter = CloudAdapter(auth)
    profiles = TableUserProfiles(store)
    outbox = TableOutbox(store)
    deliverer = Deliverer(adapter, app_id=settings.app_id, outbox=outbox, profiles=profiles,
                          lease=timedelta(seconds=settings.outbox_lease_seconds),
                          still_owed=StillToRead(TablePolicyReads(store), TablePolicyVersions(store),
                                                 TableStaffDirectory(store)),
                          calendar=federation.calendar,
                          calendar_for=federation.calendar_for, clock=app[CLOCK])
    home = HomeFlow(strings, federation)
    upkeep = index_cache_upkeep(settings)
    copy_path = settings.policy_copy_path
    live = LivePolicy(TablePolicyVersions(store), default=lambda: load_policy(settings.policy_file),
                      build_index=upkeep.building(answer_index) if upkeep else answer_index,
                      copy=PolicyCopy(copy_path, tenant_ids=federation.tenant_ids) if copy_path else None)
    await live.start()
    graph = graph_line_managers(settings, app[HTTP])
    parts = FlowParts(settings=settings, store=store, strings=strings, federation=federation,
                      notifier=OutboxNotifier(outbox, deliverer), profiles=profiles, home=home, http=app[HTTP],
                      graph=graph, live=live)
    built = build_flows(parts)
    router = Router(built.flows, fallback=home.help, unknown_verb=home.unknown_verb,
                    invalid_data=home.invalid_card)
    bot = TeamsBot(router=router, profiles=profiles, deliverer=deliverer, federation=federation, strings=strings,
                   agents_playground=settings.agents_playground, kept_from_messages=built.kept_from_messages,
                   clock=app[CLOCK])
    admission = Admission(TurnGate(settings.turns_at_once), click_wait=settings.click_queue_seconds,
                          message_wait=settings.message_queue_seconds)
    async def turn(context: TurnContext) -> None:
        with one_turn():  # storage found hung costs the turn one budget, not one a call
            await bot.on_turn(context)

    handler = MessagesHandler(adapter, auth, TurnLogics(run=turn, busy=bot.on_busy, queued=bot.on_queued),
                              admission=admission, session=app[HTTP], credentials_configured=bool(settings.app_id),
                              own_tenant=settings.app_tenant_id)
    app[SERVICES] = Services(store=store, bot=bot, router=router, deliverer=deliverer, adapter=adapter,
                             messages=handler)
    jobs = [Job("outbox-sender", settings.delivery_interval_seconds, deliverer.deliver_due), *built.jobs]
    if upkeep is not None:
        jobs.append(Job("index-cache", settings.retention_interval_seconds, partial(asyncio.to_thread, upkeep.prune)))
    async with running(jobs):
        yield
    await handler.drain()
    await deliverer.close()
    if graph is not None:
        await graph.close()


async def _http(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[HTTP] = session
        yield


async def _settle_heap(app: web.Application) -> None:
    """What start-up built (the SDKs, the answer index, the clients) lives as long as the process. Python's cyclic
    collector walks every object it tracks in each full collection, and under load it ran one every few seconds,
    each stopping the event loop, and every turn in it, for 60-90 ms (the approve bench's p99). Start-up's garbage is
    collected once here, then the rest is kept out of those walks (`gc.freeze`); what turns create is collected as
    before. Objects frozen here that become cyclic garbage later (an old policy index's few) wait for shutdown. Under
    `python app.py` the imports' objects were frozen before start-up began (`main`): this collection walks only what
    start-up built after them (about 5,000 objects, against 117,000)."""
    gc.collect()
    gc.freeze()


async def _unsettle_heap(app: web.Application) -> None:
    """On shutdown (and after each test's app), what start-up froze can be collected again."""
    gc.unfreeze()


async def messages(request: web.Request) -> web.StreamResponse:
    """Activities from Teams, handled by the handler the bot context built."""
    return await request.app[SERVICES].messages(request)


async def healthz(request: web.Request) -> web.Response:
    """The process is alive."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Storage answers within a bounded time (the log says why not; the answer itself says no more)."""
    if await request.app[READINESS].problem():
        return web.json_response({"status": "storage unavailable"}, status=503)
    return web.json_response({"status": "ready"})


def create_app(settings: Settings, *, federation: Federation | None = None,
               span_exporter: SpanExporter | None = None,
               clock: Callable[[], datetime] | None = None) -> web.Application:
    """Build the application; clients open in `cleanup_ctx` when it starts and close when it stops (`clock`: a
    test's own, for school hours; else the wall clock)."""
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    app[CLOCK] = clock or (lambda: datetime.now(UTC))
    app[FEDERATION] = federation or load_federation_settings(settings)
    app[STRINGS] = load_catalogue()
    app.cleanup_ctx.append(_telemetry(span_exporter))
    app.cleanup_ctx.append(_http)
    app.cleanup_ctx.append(_storage)
    app.cleanup_ctx.append(_bot)
    app.on_startup.append(_settle_heap)  # after the contexts above have started
    app.on_cleanup.append(_unsettle_heap)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


def usable_policy_file(settings: Settings) -> None:
    """Raise `UnsafeSettings`, in one line naming it, for a policy file the bot cannot use: it answers from it while
    storage holds no published version (or cannot be read) and quotes it for answers given before one."""
    try:
        readable_policy_file()  # POLICY_FILE as the settings read it, worded as every command words it
        load_policy_data(settings.policy_file)
    except PolicyFileUnreadable as error:
        raise UnsafeSettings(str(error)) from None
    except PolicyFileError as error:
        more = f"; and {len(error.problems) - 3} more" if len(error.problems) > 3 else ""
        raise UnsafeSettings(f"the policy file {error.path} cannot be used: {'; '.join(error.problems[:3])}{more} "
                             f"(python -m bot validate-policy lists every problem)") from None


def usable_telemetry(settings: Settings) -> None:
    """Raise `UnsafeSettings`, in one line naming it, for an Application Insights connection string the exporter
    would refuse once the bot had started."""
    connection_string = settings.applicationinsights_connection_string.get_secret_value()
    if connection_string and (problem := connection_string_problem(connection_string)):
        raise UnsafeSettings(f"APPLICATIONINSIGHTS_CONNECTION_STRING is not an Application Insights connection string "
                             f"({problem}): copy it whole from the resource's Overview page")


def listening_socket(settings: Settings) -> socket.socket:
    """The socket the bot answers on, bound before anything starts: an address or port it cannot have is one line
    (`UnsafeSettings`), with nothing started."""
    host, port = settings.host, settings.port
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                                flags=socket.AI_PASSIVE)[0]
        listener = socket.socket(family, kind, protocol)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp's own site does
            listener.bind(address)
        except OSError:
            listener.close()
            raise
    except OSError as error:
        raise UnsafeSettings(f"cannot listen on {host}:{port} (BIND_HOST, PORT): {error.strerror or error}") from None
    return listener


def command_line() -> argparse.ArgumentParser:
    """`python app.py` takes no arguments (its settings come from the environment): `--help` says so, and anything
    else is refused with the usage, exit 2."""
    return argparse.ArgumentParser(
        prog="python app.py",
        description="Run the Policy Helper bot: it answers Teams at POST /api/messages on BIND_HOST:PORT (default "
                    "port 3978). It takes no arguments: every setting is read from the environment (README.md, "
                    '"Settings"). The command-line tools are listed by python -m bot --help.')


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bot: `python app.py`. `--help`, or an argument it does not take, is answered (exit 0 or 2) before
    anything is read or loaded."""
    command_line().parse_args(argv)
    # What the imports built (modules, classes, functions: about 112,000 objects) lives as long as the process, and
    # held no garbage once they were done: kept out of the cyclic collector's walks from here, so start-up's own
    # collections, and the one `_settle_heap` makes at its end, walk only what start-up builds after this.
    gc.freeze()
    try:
        settings = load_settings()
        federation = load_federation_settings(settings)
        usable_policy_file(settings)
        usable_telemetry(settings)
        listener = listening_socket(settings)
    except UnsafeSettings as error:
        print(f"refusing to start: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    if settings.app_type is AppType.USER_ASSIGNED_MSI:
        log.info("bot identity: user-assigned managed identity")
    try:
        shared_sentences()  # loaded here, once, so a model that was never built is a one-line reason
        app = create_app(settings, federation=federation)
    except (ModelMissing, UnsafeSettings) as error:
        listener.close()
        print(f"refusing to start: {error}", file=sys.stderr)
        return 2
    app.on_startup.append(partial(_started, f"http://{settings.host}:{settings.port}"))
    app.on_shutdown.append(_stopping)
    web.run_app(app, sock=listener, print=None, shutdown_timeout=10.0)
    log.info("stopped")
    return 0


async def _started(address: str, app: web.Application) -> None:
    """One line once start-up is done: on App Service's Log stream it tells a bot that started from one that did not
    get that far (before, a bot that started said nothing)."""
    log.info("started: answering Teams at %s/api/messages (health /healthz, readiness /readyz)", address)


async def _stopping(app: web.Application) -> None:
    """One line when the bot is asked to stop (App Service's SIGTERM, Ctrl-C), and `stopped` once it has: a restart
    mid-morning is then told apart on the Log stream from a crash, which says neither (before, both said nothing)."""
    log.info("stopping: finishing the turns in progress and the messages held, for up to 10 s (App Service stops an "
             "instance so to restart or deploy it)")


if __name__ == "__main__":
    sys.exit(main())
