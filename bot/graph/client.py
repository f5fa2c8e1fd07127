"""Line managers from Microsoft Graph: `GET /v1.0/users/{id}/manager` with an app-only token (User.Read.All).

msal (synchronous) runs in worker threads, one `ConfidentialClientApplication` per tenant so its token cache
is reused; HTTP to the authority and to Graph is bounded by `timeout`. Nothing here logs a token or a name.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
import msal

from bot.domain.people import Person, StaffContact

log = logging.getLogger(__name__)


class GraphLineManagers:
    """`LineManagers` from Graph; answers None (never raises) when Graph cannot say, so the staff list is asked."""

    def __init__(self, session: aiohttp.ClientSession, *, authority_host: str, base_url: str, client_id: str,
                 client_secret: str, timeout: float = 3.0,
                 app_factory: Callable[[str], msal.ConfidentialClientApplication] | None = None) -> None:
        self._session = session
        self._authority_host = authority_host.rstrip("/")
        self._base_url = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._seconds = timeout
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._scope = [f"{self._base_url}/.default"]  # national clouds have their own Graph host and scope
        self._apps: dict[str, msal.ConfidentialClientApplication] = {}
        self._lock = asyncio.Lock()
        self._app_factory = app_factory or self._new_app

    def _new_app(self, tenant_id: str) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(
            self._client_id, client_credential=self._client_secret,
            authority=f"{self._authority_host}/{tenant_id}", instance_discovery=False, timeout=self._seconds)

    async def _token(self, tenant_id: str) -> str:
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

    def close(self) -> None:
        """Close msal's HTTP sessions (one per tenant)."""
        for app in self._apps.values():
            app.http_client.close()
        self._apps.clear()

    async def line_manager_of(self, person: Person) -> StaffContact | None:
        """The manager Graph knows, or None (no manager, Graph unreachable, or not permitted)."""
        try:
            token = await self._token(person.tenant_id)
            url = f"{self._base_url}/v1.0/users/{person.aad_object_id}/manager"
            async with self._session.get(url, headers={"Authorization": f"Bearer {token}"},
                                         params={"$select": "id,displayName,mail,userPrincipalName"},
                                         timeout=self._timeout) as response:
                if response.status == 404:
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
        return StaffContact(object_id, name, email if isinstance(email, str) else "")
