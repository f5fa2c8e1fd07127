"""Line managers from Microsoft Graph: `GET /v1.0/users/{id}/manager` with an app-only token (User.Read.All).

The token comes from one of two sources: the bot's user-assigned managed identity (azure-identity; the
documented deployment, no secret anywhere) or an app registration with a secret (msal, synchronous, so it runs in
worker threads with one `ConfidentialClientApplication` per tenant to reuse its token cache). Both cache tokens.
HTTP to the authority and to Graph is bounded by `timeout`. Nothing here logs a token or a name.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import aiohttp
import msal
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import AzureError

from bot.domain.people import Person, StaffContact

log = logging.getLogger(__name__)

# Graph throttles with 429 (or 503) and says in Retry-After how long to wait; a missing or unreadable one waits this
# long, and no wait is longer than the cap (a report's lookup falls back to the staff list meanwhile).
THROTTLED_WAIT_SECONDS = 10.0
THROTTLED_WAIT_CAP_SECONDS = 300.0


class GraphTokens(Protocol):
    """Port: app-only access tokens for Microsoft Graph."""

    async def token(self, tenant_id: str) -> str:
        """A bearer token for Graph in the person's tenant; raise `PermissionError` when none can be had."""
        ...

    async def close(self) -> None:
        """Release the source's HTTP sessions."""
        ...


def graph_scope(base_url: str) -> str:
    """The app-only scope of a Graph host (national clouds have their own)."""
    return f"{base_url.rstrip('/')}/.default"


class SecretTokens:
    """Graph tokens for an app registration with a client secret, from msal."""

    def __init__(self, *, authority_host: str, base_url: str, client_id: str, client_secret: str,
                 timeout: float = 3.0,
                 app_factory: Callable[[str], msal.ConfidentialClientApplication] | None = None) -> None:
        self._authority_host = authority_host.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._seconds = timeout
        self._scope = [graph_scope(base_url)]
        self._apps: dict[str, msal.ConfidentialClientApplication] = {}
        self._lock = asyncio.Lock()
        self._app_factory = app_factory or self._new_app

    def _new_app(self, tenant_id: str) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(
            self._client_id, client_credential=self._client_secret,
            authority=f"{self._authority_host}/{tenant_id}", instance_discovery=False, timeout=self._seconds)

    async def token(self, tenant_id: str) -> str:
        """A token from msal's cache, or a new one from the tenant's authority."""
        # One at a time: two first lookups at once would otherwise both miss the cache and fetch two tokens.
        async with self._lock:
            if tenant_id not in self._apps:
                self._apps[tenant_id] = await asyncio.to_thread(self._app_factory, tenant_id)
            result: dict[str, Any] = await asyncio.to_thread(self._apps[tenant_id].acquire_token_for_client,
                                                             self._scope)
        token = result.get("access_token")
        if not isinstance(token, str):
            raise PermissionError(str(result.get("error", "no token")))
        return token

    async def close(self) -> None:
        """Close msal's HTTP sessions (one per tenant)."""
        for app in self._apps.values():
            app.http_client.close()
        self._apps.clear()


class IdentityTokens:
    """Graph tokens from an azure-identity credential: the bot's managed identity, in its own tenant."""

    def __init__(self, credential: AsyncTokenCredential, *, base_url: str) -> None:
        self._credential = credential
        self._scope = graph_scope(base_url)

    async def token(self, tenant_id: str) -> str:
        """A token for the identity's tenant (the federation serves only that one); azure-identity caches it."""
        try:
            return (await self._credential.get_token(self._scope)).token
        except AzureError as error:  # ClientAuthenticationError, CredentialUnavailableError, transport errors
            raise PermissionError(type(error).__name__) from None

    async def close(self) -> None:
        """Close the credential's HTTP session."""
        await self._credential.close()


class GraphLineManagers:
    """`LineManagers` from Graph; answers None (never raises) when Graph cannot say, so the staff list is asked."""

    def __init__(self, session: aiohttp.ClientSession, *, base_url: str, tokens: GraphTokens,
                 timeout: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._tokens = tokens
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock
        self._quiet_until = 0.0  # Graph asked to be left alone until then (Retry-After)

    async def close(self) -> None:
        """Release the token source."""
        await self._tokens.close()

    async def line_manager_of(self, person: Person) -> StaffContact | None:
        """The manager Graph knows, or None (no manager, Graph unreachable, throttling us, or not permitted)."""
        if self._clock() < self._quiet_until:
            log.info("Graph line manager lookup skipped: Graph asked to wait (Retry-After)")
            return None
        try:
            async with asyncio.timeout(self._timeout.total):
                token = await self._tokens.token(person.tenant_id)
            url = f"{self._base_url}/v1.0/users/{person.aad_object_id}/manager"
            async with self._session.get(url, headers={"Authorization": f"Bearer {token}"},
                                         params={"$select": "id,displayName,mail,userPrincipalName,otherMails,"
                                                            "proxyAddresses"},
                                         timeout=self._timeout) as response:
                if response.status == 404:
                    return None
                if response.status in (429, 503):
                    self._quiet_until = self._clock() + _wait(response.headers.get("Retry-After", ""))
                    log.warning("Graph line manager lookup throttled (%s): not asked again for a while",
                                response.status)
                    return None
                response.raise_for_status()
                body = await response.json()
        except (aiohttp.ClientError, OSError, TimeoutError, PermissionError, ValueError) as error:
            log.warning("Graph line manager lookup failed: %s", type(error).__name__)
            return None
        object_id, name = body.get("id"), body.get("displayName")
        if not isinstance(object_id, str) or not isinstance(name, str):
            return None
        email = body.get("mail") or body.get("userPrincipalName") or ""
        email = email if isinstance(email, str) else ""
        return StaffContact(object_id, name, email, tuple(a for a in _addresses(body) if a != email.strip().lower()))


def _wait(retry_after: str) -> float:
    """The seconds Graph's Retry-After asks for (whole seconds; a date or nothing: the default), within the cap."""
    try:
        seconds = float(int(retry_after.strip()))
    except ValueError:
        seconds = THROTTLED_WAIT_SECONDS
    return min(max(seconds, 0.0), THROTTLED_WAIT_CAP_SECONDS)


def _addresses(body: dict[str, Any]) -> tuple[str, ...]:
    """Every address Graph gives for a user: a report must never reach the person it is about, whichever of them
    the staff list knows him by. Proxy addresses carry their kind ("SMTP:", "smtp:", "sip:"): mail ones are kept."""
    found = [body.get("mail"), body.get("userPrincipalName")]
    others = body.get("otherMails")
    found += others if isinstance(others, list) else []
    proxies = body.get("proxyAddresses")
    for proxy in proxies if isinstance(proxies, list) else []:
        kind, _, address = proxy.partition(":") if isinstance(proxy, str) else ("", "", "")
        found.append(address if kind.lower() == "smtp" else None)
    return tuple(dict.fromkeys(a.strip().lower() for a in found if isinstance(a, str) and "@" in a))
