"""The table service: opening it with bounded timeouts, creating tables, translating errors."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, NoReturn
from urllib.request import getproxies_environment

from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.data.tables import TableTransactionError
from azure.data.tables.aio import TableServiceClient

from bot.domain.errors import (
    ConcurrentChange,
    NoAnswer,
    RecordExists,
    RecordNotFound,
    SignedInToAnotherTenant,
    StorageUnavailable,
)
from bot.loop_lag import LoopLag
from bot.storage.table_client import Table

log = logging.getLogger(__name__)

# What Azure Tables forbids in keys (/ \ # ? and control characters), and the escape character itself: each
# becomes "!" and two hex digits. "!" rather than "%" or "~", which some table clients mishandle in keys.
_ESCAPED_IN_KEYS = re.compile(r"[!/\\#?\x00-\x1f\x7f-\x9f]")
_ESCAPE = re.compile(r"!([0-9A-F]{2})")
# The longest key: the service holds 1 KiB of UTF-16.
KEY_CHARS = 512
# What a row keeps of a person's name (a longer one is cut; every adapter and the memory store cut alike).
NAME_CHARS = 200
# However late the event loop runs, a call gives up after this many budgets of wall-clock time.
WALL_CLOCK_BUDGETS = 4
# A command-line tool's first look at storage: one small request, answered within this many seconds of storage's own
# time (signing in is left out), or the tool says storage could not be reached.
FIRST_ANSWER_SECONDS = 5.0


def safe_key(value: str) -> str:
    """The partition or row key of `value`: two values never share a key, `key_value` gives the value back, and a
    value with none of the escaped characters (every id, every ordinary email) is its own key, as keys always were.
    Raises `ValueError` for a value whose key would be too long (cutting it could make another value's key)."""
    key = _ESCAPED_IN_KEYS.sub(lambda found: f"!{ord(found.group()):02X}", value)
    if len(key) > KEY_CHARS:
        raise ValueError(f"a value of {len(value)} characters is too long for a table key")
    return key


def key_value(key: str) -> str:
    """The value `safe_key` made this key of."""
    return _ESCAPE.sub(lambda found: chr(int(found.group(1), 16)), key)


def utc_now() -> datetime:
    """The current time in UTC (tables store UTC)."""
    return datetime.now(UTC)


def fault(error: BaseException) -> str:
    """What went wrong, in one line with no secret: the kind of error and, when the service answered, its status and
    error code (e.g. `HttpResponseError 403 AuthorizationPermissionMismatch` while a data role is still applying)."""
    kind = type(error).__name__
    status = getattr(error, "status_code", None)
    if not isinstance(error, HttpResponseError) or status is None:
        return kind
    code = getattr(error, "error_code", None)
    code = getattr(code, "value", code)
    return f"{kind} {status} {code}" if code else f"{kind} {status}"


def token_tenant(token: str) -> str:
    """The Entra tenant (`tid`) a token was issued in, read from its claims without checking them; empty when it has
    none (the token itself is never kept or shown)."""
    try:
        claims = token.split(".")[1]
        tenant = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4))).get("tid", "")
    except (IndexError, ValueError, AttributeError, binascii.Error):
        return ""
    return tenant if isinstance(tenant, str) else ""


class TenantWatch(AsyncTokenCredential):
    """An Entra credential for storage that notes the tenant of the last token it gave and the tenant storage asked
    for. Azure Storage answers a token from another tenant 401, its challenge naming its own tenant, and azure-core
    asks the credential again for that tenant (`tenant_id`); a sign-in made in another tenant then fails, or gives the
    same tenant's token again, and the two tenants say what happened where the SDK's error does not."""

    def __init__(self, credential: AsyncTokenCredential) -> None:
        self._credential = credential
        self.signed_in = ""        # the tenant of the last token the credential gave
        self.storage_asked = ""    # the tenant storage's challenge named
        self.signing_in = 0.0      # seconds spent getting tokens, in all (not storage's time)

    async def get_token(self, *scopes: str, claims: str | None = None, tenant_id: str | None = None,
                        enable_cae: bool = False, **kwargs: Any) -> AccessToken:
        """The credential's token, its tenant noted."""
        if tenant_id:
            self.storage_asked = tenant_id
        started = time.monotonic()
        try:
            token = await self._credential.get_token(*scopes, claims=claims, tenant_id=tenant_id,
                                                     enable_cae=enable_cae, **kwargs)
        finally:
            self.signing_in += time.monotonic() - started
        self.signed_in = token_tenant(token.token) or self.signed_in
        return token

    def tenants_differ(self) -> tuple[str, str] | None:
        """(storage's tenant, the sign-in's) when storage asked for a tenant the sign-in's token is not from."""
        if self.storage_asked and self.signed_in and self.storage_asked.lower() != self.signed_in.lower():
            return self.storage_asked, self.signed_in
        return None

    async def close(self) -> None:
        """Close the credential."""
        await self._credential.close()

    async def __aenter__(self) -> TenantWatch:
        return self

    async def __aexit__(self, kind: type[BaseException] | None = None, error: BaseException | None = None,
                        trace: TracebackType | None = None) -> None:
        await self.close()


def table_missing(error: BaseException) -> bool:
    """Whether storage answered that the table itself does not exist (404 TableNotFound), rather than a row."""
    if not isinstance(error, HttpResponseError) or error.status_code != 404:
        return False
    code = getattr(error, "error_code", None)
    response = getattr(error, "response", None)
    header = response.headers.get("x-ms-error-code", "") if response is not None else ""
    return "TableNotFound" in (str(getattr(code, "value", code) or ""), header)


def raise_domain_error(error: BaseException, *, sign_in: TenantWatch | None = None) -> NoReturn:
    """Translate an Azure SDK or timeout error into the domain's error (with `sign_in`, a sign-in refused for being
    made in another tenant than storage's is `SignedInToAnotherTenant`)."""
    if isinstance(error, ResourceModifiedError):
        raise ConcurrentChange(str(error)) from error
    if isinstance(error, ResourceNotFoundError):
        raise RecordNotFound(str(error)) from error
    if isinstance(error, ResourceExistsError):
        raise RecordExists(str(error)) from error
    if isinstance(error, TableTransactionError):
        code = getattr(error, "error_code", None)
        status = getattr(error, "status_code", None)
        if status == 412 or str(code) == "UpdateConditionNotSatisfied":
            raise ConcurrentChange(str(error)) from error
        if status == 409 or str(code) == "EntityAlreadyExists":
            raise RecordExists(str(error)) from error
        if status == 404:
            raise RecordNotFound(str(error)) from error
    if isinstance(error, HttpResponseError) and error.status_code == 412:
        raise ConcurrentChange(str(error)) from error
    if isinstance(error, ClientAuthenticationError) and sign_in and (tenants := sign_in.tenants_differ()):
        raise SignedInToAnotherTenant(fault(error), storage_tenant=tenants[0], signed_in_tenant=tenants[1]) from error
    if isinstance(error, ClientAuthenticationError):
        # What the service or the credential said (no token is in it): the IT technician's first clue.
        said = (str(error).strip().splitlines() or [""])[0][:300]
        log.error("storage refused our credentials (%s: %s)", type(error).__name__, said)
    raise StorageUnavailable(fault(error)) from error


class _Unanswered:
    """Within one turn: when storage last gave up on a call unanswered (timed out, refused the connection), and why."""

    def __init__(self) -> None:
        self.at = float("-inf")
        self.why = ""
        self.over = False


_UNANSWERED: ContextVar[_Unanswered | None] = ContextVar("storage_unanswered_in_this_turn", default=None)


@contextmanager
def one_turn() -> Iterator[None]:
    """One person's turn (and what it starts while it runs): once storage has left a call unanswered, the turn's later
    calls give up at once, until storage answers any call; a hung storage costs a turn one budget, not one for each call
    (a question's day count, its follow-up's log, a not-covered question's staff list). Work the turn leaves to run
    after it ends waits on storage as ever."""
    unanswered = _Unanswered()
    token = _UNANSWERED.set(unanswered)
    try:
        yield
    finally:
        unanswered.over = True
        _UNANSWERED.reset(token)


class TableStore:
    """Owns the table service client; hands out table clients and bounds every call in time."""

    def __init__(self, service: TableServiceClient, *, prefix: str, timeout: float,
                 sign_in: TenantWatch | None = None) -> None:
        self._service = service
        self._prefix = prefix
        self.timeout = timeout
        self._sign_in = sign_in  # the service's credential, when it signs in with Entra
        self._answered_at = float("-inf")  # the loop's time when storage last answered a call, however it answered
        self._table_missing: Callable[[], None] | None = None

    def when_a_table_is_missing(self, make_tables: Callable[[], None]) -> None:
        """From now on a call that storage answers 404 TableNotFound (the tables were deleted, or the account replaced,
        while the bot ran) calls `make_tables` and raises `StorageUnavailable`, which people hear as "try again in a
        minute", instead of `RecordNotFound` ("no such record"), which the tools read as a table never made."""
        self._table_missing = make_tables

    def _signing_in(self) -> float:
        """Seconds spent getting tokens so far (none with a connection string): the identity's time, not storage's."""
        return self._sign_in.signing_in if self._sign_in is not None else 0.0

    async def answers_within(self, seconds: float) -> None:
        """Storage answers one small request (whether the first table exists) within `seconds` of its own time, or
        `StorageUnavailable` says why not: "no answer within 5 s" when it took the connection and said nothing."""
        try:
            async with self.call(budget=seconds):
                async for _ in self._service.query_tables("TableName eq @name",
                                                          parameters={"name": self._prefix + "users"}):
                    pass
        except StorageUnavailable as error:
            if isinstance(error.__cause__, TimeoutError):
                raise NoAnswer(seconds) from error.__cause__
            raise

    def table(self, name: str) -> Table:
        """The client of a table, by its short name (`users`, `outbox`, ...)."""
        return Table(self._service, self._prefix + name)

    @asynccontextmanager
    async def call(self, *, budget: float | None = None) -> AsyncIterator[None]:
        """Run the enclosed storage calls within the time budget (`budget` seconds in place of the store's), raising
        domain errors.

        The budget counts storage's time: wall-clock time less the event loop's lag meanwhile (`LoopLag`), so a
        busy bot does not blame storage. When it runs out, the call gives up if storage has answered nothing
        else for a whole budget (stopped, hung: the user hears so in time); if storage is answering other calls
        it is busy, not failing, and the call waits on, up to `WALL_CLOCK_BUDGETS` budgets of wall-clock time.
        """
        loop = asyncio.get_running_loop()
        unanswered = _UNANSWERED.get()
        if unanswered is not None and not unanswered.over and unanswered.at > self._answered_at:
            raise StorageUnavailable(f"{unanswered.why}, earlier in this turn")
        budget = self.timeout if budget is None else budget
        try:
            async with asyncio.timeout(budget * WALL_CLOCK_BUDGETS) as deadline:
                watch = _BudgetWatch(LoopLag.of_running_loop(), budget, deadline, lambda: self._answered_at,
                                     signing_in=self._signing_in)
                try:
                    yield
                finally:
                    watch.stop()
            self._answered_at = loop.time()
        except HttpResponseError as error:  # an answer, if not the one hoped for (not found, conflict, ...)
            self._answered_at = loop.time()
            if self._table_missing is not None and table_missing(error):
                self._table_missing()
                raise StorageUnavailable(fault(error)) from error
            raise_domain_error(error, sign_in=self._sign_in)
        except (AzureError, TimeoutError, OSError) as error:
            if unanswered is not None and not unanswered.over:
                unanswered.at, unanswered.why = loop.time(), fault(error)
            raise_domain_error(error, sign_in=self._sign_in)

    async def ensure_tables(self, names: Iterable[str]) -> None:
        """Create the tables that do not exist yet."""
        for name in names:
            async with self.call():
                await self._service.create_table_if_not_exists(self._prefix + name)

    async def missing_tables(self, names: Sequence[str]) -> list[str]:
        """The tables of these short names that storage does not have (all there: storage answers and the bot can
        work), or `StorageUnavailable`; any missing is made again as a call finding one missing has it made
        (`when_a_table_is_missing`)."""
        wanted = {f"t{n}": self._prefix + name for n, name in enumerate(names)}
        query = " or ".join(f"TableName eq @{key}" for key in wanted)
        async with self.call():
            found = {table.name async for table in self._service.query_tables(query, parameters=wanted)}
        missing = [name for name, table in zip(names, wanted.values(), strict=True) if table not in found]
        if missing and self._table_missing is not None:
            self._table_missing()
        return missing


class _BudgetWatch:
    """Ends a call (through its `asyncio.Timeout`) once storage's share of its time has run out the budget and
    storage has answered nothing else for a whole budget."""

    def __init__(self, lag: LoopLag, budget: float, deadline: asyncio.Timeout,
                 answered_at: Callable[[], float], *, signing_in: Callable[[], float] = lambda: 0.0) -> None:
        self._loop = asyncio.get_running_loop()
        self._lag = lag
        self._signing_in = signing_in
        self._signing_in_at_start = signing_in()
        self._budget = budget
        self._deadline = deadline
        self._answered_at = answered_at
        self._started = self._loop.time()
        self._lag_at_start = lag.total()
        self._handle = self._loop.call_at(self._started + budget, self._check)

    def spent(self) -> float:
        """Seconds of the call that were neither the event loop running late nor the credential getting a token."""
        return (self._loop.time() - self._started - (self._lag.total() - self._lag_at_start)
                - (self._signing_in() - self._signing_in_at_start))

    def _check(self) -> None:
        left = self._budget - self.spent()
        if left > 0:
            self._handle = self._loop.call_later(left, self._check)
        elif self._loop.time() - self._answered_at() < self._budget:
            self._handle = self._loop.call_later(self._budget / 4, self._check)  # busy, not failing: wait on
        elif not self._deadline.expired():
            self._deadline.reschedule(self._loop.time())

    def stop(self) -> None:
        """The call is over: stop watching."""
        self._handle.cancel()


def service_client(*, connection_string: str, endpoint: str, credential: Any, timeout: float
                   ) -> TableServiceClient:
    """A service client whose transport gives up within the time budget instead of minutes."""
    # Trusting the environment makes aiohttp read ~/.netrc and the proxy variables in a worker thread on every
    # request (a third of a storage call's CPU); only a configured proxy needs it.
    proxied = any(scheme != "no" for scheme in getproxies_environment())
    options: dict[str, Any] = {
        "connection_timeout": timeout,
        # The budget (`TableStore.call`) decides when an answer is too late: it leaves out the event loop's lag and
        # waits on while storage answers other calls. A read timeout of one budget, on the wall clock, cut such a
        # call first (and each retry), telling people storage had failed while it was only busy.
        "read_timeout": timeout * WALL_CLOCK_BUDGETS,
        "use_env_settings": proxied,
        "retry_total": 2,
        "retry_backoff_factor": 0.1,
        "retry_backoff_max": 0.5,
    }
    if connection_string:
        return TableServiceClient.from_connection_string(connection_string, **options)
    return TableServiceClient(endpoint=endpoint, credential=credential, **options)


def entity_text(entity: dict[str, Any], key: str) -> str:
    """A string property, or empty when absent."""
    value = entity.get(key)
    return value if isinstance(value, str) else ""


def entity_time(entity: dict[str, Any], key: str) -> datetime | None:
    """A datetime property as an aware UTC datetime, or None."""
    value = entity.get(key)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def entity_etag(entity: Any) -> str:
    """The etag the service returned with an entity."""
    metadata = getattr(entity, "metadata", {}) or {}
    etag = metadata.get("etag", "")
    return etag if isinstance(etag, str) else ""


@asynccontextmanager
async def open_store(*, connection_string: str, endpoint: str, prefix: str,
                     call_seconds: float) -> AsyncIterator[TableStore]:
    """A store for command-line tools: by connection string, or by managed identity at `endpoint`."""
    credential: TenantWatch | None = None
    if not connection_string:
        from azure.identity.aio import DefaultAzureCredential  # noqa: PLC0415 - only with managed identity

        # Not signed in, its warning lists every way of signing in it tried, a line or more each, above the tool's
        # own line that says what to do; the bot's own error line keeps the credential's reason.
        logging.getLogger("azure.identity").setLevel(logging.ERROR)
        credential = TenantWatch(DefaultAzureCredential())
    try:
        async with service_client(connection_string=connection_string, endpoint=endpoint, credential=credential,
                                  timeout=call_seconds) as service:
            store = TableStore(service, prefix=prefix, timeout=call_seconds * 5, sign_in=credential)
            # A storage that takes the connection and says nothing is told now, not after the transport's read
            # timeout (40 s) or a call's budget (50 s): the technician's command exits 1 within seconds.
            await store.answers_within(FIRST_ANSWER_SECONDS)
            yield store
    finally:
        if credential is not None:
            await credential.close()
