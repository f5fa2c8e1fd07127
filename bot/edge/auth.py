"""Bot Framework token checks that never block the event loop and never turn bad tokens into 500s."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import datetime
from typing import Any

import jwt
import requests
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication
from botframework.connector.auth.jwt_token_extractor import _OpenIdConfig, _OpenIdMetadata
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)

METADATA_TIMEOUT_SECONDS = 5.0
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_refresh_locks: dict[int, asyncio.Lock] = {}


class AuthenticationFailed(Exception):
    """The request is not from the Bot Framework service for this bot."""


async def _refresh_off_loop(self: Any) -> None:
    # The SDK fetches OpenID metadata with blocking `requests` and no timeout; do it in a thread, bounded,
    # and let one caller refresh while the others wait for its result.
    lock = _refresh_locks.setdefault(id(self), asyncio.Lock())
    async with lock:
        if self.keys and (datetime.now() - self.last_updated).total_seconds() < 60:
            return

        def fetch() -> list[dict[str, Any]]:
            response = requests.get(self.url, timeout=METADATA_TIMEOUT_SECONDS)
            response.raise_for_status()
            keys_response = requests.get(response.json()["jwks_uri"], timeout=METADATA_TIMEOUT_SECONDS)
            keys_response.raise_for_status()
            keys = keys_response.json()["keys"]
            if not isinstance(keys, list):
                raise ValueError("jwks keys is not a list")
            return keys

        self.keys = await asyncio.to_thread(fetch)
        self.last_updated = datetime.now()


def _find_or_none(self: Any, key_id: str) -> Any:
    # The SDK's version raises IndexError for an unknown key id, which the stock path turns into a 500.
    for key in self.keys or []:
        if key.get("kid") == key_id:
            return _OpenIdConfig(RSAAlgorithm.from_jwk(json.dumps(key)), key.get("endorsements", []))
    return None


def install_nonblocking_openid_metadata() -> None:
    """Patch the final (4.17.1) SDK's OpenID key cache to fetch off the event loop with a timeout."""
    setattr(_OpenIdMetadata, "_refresh", _refresh_off_loop)  # noqa: B010
    setattr(_OpenIdMetadata, "_find", _find_or_none)  # noqa: B010


def precheck(auth_header: str) -> None:
    """`AuthenticationFailed` unless the header holds a well-formed RS256 bearer token (checked before the body)."""
    scheme, _, token = auth_header.partition(" ")
    if scheme != "Bearer" or not token:
        raise AuthenticationFailed("no bearer token")
    try:
        header = jwt.get_unverified_header(token)
        jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise AuthenticationFailed(f"malformed token: {type(error).__name__}") from None
    if header.get("alg") != "RS256" or not header.get("kid"):
        raise AuthenticationFailed("token is not signed with a published RS256 key")


async def verify_before_body(auth: BotFrameworkAuthentication, auth_header: str, *, channel_id: str,
                             own_tenant: str = "") -> None:
    """`AuthenticationFailed` unless the token passes every check botbuilder makes that needs no activity: its
    signature by a published key endorsed for `channel_id`, its issuer, audience (this bot's app id) and times. So
    nobody without a token the Bot Framework signed for this bot makes the bot read or parse a body. What needs the
    activity (the `serviceurl` claim matching its serviceUrl) is checked by `authenticate` once it is parsed."""
    # botbuilder skips the serviceurl check when the activity has no serviceUrl, and reads nothing else of it
    # when a header is given: an activity naming the channel alone runs exactly its token checks.
    await authenticate(auth, Activity(channel_id=channel_id, service_url=None), auth_header,
                       credentials_configured=True, own_tenant=own_tenant)


def _other_tenant(auth_header: str, own_tenant: str) -> str:
    """The Entra tenant a refused token says it is from (`tid`, unverified), when that is a tenant id and not the
    bot's own; else empty. Never any other part of the token."""
    if not own_tenant:
        return ""
    try:
        tenant = jwt.decode(auth_header.partition(" ")[2], options={"verify_signature": False}).get("tid")
    except jwt.PyJWTError:
        return ""
    if isinstance(tenant, str) and _GUID.match(tenant) and tenant.lower() != own_tenant.lower():
        return tenant.lower()
    return ""


async def authenticate(auth: BotFrameworkAuthentication, activity: Activity, auth_header: str, *,
                       credentials_configured: bool, own_tenant: str = "") -> AuthenticateRequestResult:
    """Validate the request's token; raise `AuthenticationFailed` for every kind of bad token (with credentials
    configured, the caller has already turned away a header that is no well-formed bearer token: `precheck`). A
    token Entra issued in another tenant than `own_tenant` (MicrosoftAppTenantId) is logged naming both."""
    try:
        result: AuthenticateRequestResult = await auth.authenticate_request(activity, auth_header)
    except Exception as error:  # the SDK raises bare Exception, PermissionError and jwt errors alike
        if other := _other_tenant(auth_header, own_tenant):
            log.warning("authentication failed: the token is from tenant %s, not the bot's tenant %s "
                        "(MicrosoftAppTenantId); Teams sends the Bot Framework's own token", other, own_tenant.lower())
        else:
            log.warning("authentication failed: %s", type(error).__name__)
        raise AuthenticationFailed(type(error).__name__) from None
    if result is None or result.claims_identity is None:
        raise AuthenticationFailed("no identity")
    if credentials_configured and not result.claims_identity.is_authenticated:
        raise AuthenticationFailed("not authenticated")
    return result
