"""Small, behaviour-preserving fixes for hot spots in the final (4.17.1) Bot Framework SDK's dependencies."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import requests
from azure.core.exceptions import SerializationError
from botframework.connector.auth import BotFrameworkAuthentication
from botframework.connector.auth._built_in_bot_framework_authentication import _BuiltinBotFrameworkAuthentication
from botframework.connector.auth._connector_factory_impl import _ConnectorFactoryImpl
from msrest.exceptions import raise_with_traceback
from msrest.pipeline import Request, Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.serialization import Model, Serializer, full_restapi_key_transformer
from msrest.universal_http.aiohttp import AioHttpClientResponse
from msrest.universal_http.requests import ClientRetryPolicy

# Teams uses a handful of service URLs (one per region); more than this means something odd, so old ones go.
MAX_CONNECTOR_CLIENTS = 32
# What `requests` did for the connector (urllib3 retries a refused connection 3 times: at once, 1.6 s, 3.2 s).
CONNECT_RETRY_DELAYS = (0.0, 1.6, 3.2)
# How long a send waits for the bot's token for Teams, and how long before it expires a new one is fetched.
TOKEN_SECONDS = 10.0
TOKEN_KEPT_MARGIN_SECONDS = 300.0

# The aiohttp session each bot's connector clients send with, by the bot's credentials factory.
_SESSIONS: weakref.WeakKeyDictionary[Any, aiohttp.ClientSession] = weakref.WeakKeyDictionary()


def install_sdk_speedups() -> None:
    """Make msrest's retry policy cheap to build, and reuse connector and token clients across turns; idempotent."""
    # `ClientRetryPolicy.__init__` computes `[i for i in range(999) if i not in self.safe_codes]` with a
    # 501-item list: ~500,000 comparisons, about a third of the bot's CPU per turn. A frozenset gives the
    # same retry codes in the same order; nothing else reads `safe_codes`.
    codes = getattr(ClientRetryPolicy, "safe_codes")  # noqa: B009 - msrest's stubs type it as a list
    if not isinstance(codes, frozenset):
        setattr(ClientRetryPolicy, "safe_codes", frozenset(codes))  # noqa: B010
    if not getattr(_ConnectorFactoryImpl.create, "reuses_clients", False):
        _ConnectorFactoryImpl.create = _reusing(_ConnectorFactoryImpl.create)
    if not getattr(Serializer.serialize_object, "passes_plain_json", False):
        setattr(Serializer, "serialize_object", _passing_plain_json(Serializer.serialize_object))  # noqa: B010
    if not getattr(Serializer._serialize, "skips_unset", False):
        setattr(Serializer, "_serialize", _skipping_unset(Serializer._serialize))  # noqa: B010
    user_token_client = _BuiltinBotFrameworkAuthentication.create_user_token_client
    if not getattr(user_token_client, "reuses_clients", False):
        _BuiltinBotFrameworkAuthentication.create_user_token_client = _reusing_token_clients(user_token_client)


def send_with(auth: BotFrameworkAuthentication, session: aiohttp.ClientSession) -> None:
    """Have the connector clients of this bot send over `session`, on the event loop.

    The SDK sends every reply and proactive message with `requests` on a worker thread: a thread hop, a read of
    ~/.netrc and the proxy variables, and Python work competing with the event loop for the GIL, per message.
    """
    factory = getattr(getattr(auth, "_inner", auth), "_credentials_factory", None)
    if factory is not None:
        _SESSIONS[factory] = session


class _RecentClients:
    """The SDK clients built so far, by what they were built for; the least recently used go beyond a few."""

    def __init__(self) -> None:
        self._clients: OrderedDict[tuple[object, ...], Any] = OrderedDict()

    async def get(self, key: tuple[object, ...], build: Callable[[], Awaitable[Any]]) -> Any:
        """The client built for `key`, building it the first time."""
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = await build()
            while len(self._clients) > MAX_CONNECTOR_CLIENTS:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(key)
        return client


def _reusing(create: Any) -> Any:
    """The SDK builds a new ConnectorClient for every turn: configuration, pipeline, retry policy, a requests
    session and a new TCP connection each time (~12 % of a turn's CPU in the profile). A client is only
    configuration plus per-thread sessions, and its credentials refresh their own token, so one client per
    service URL, audience and identity serves every turn and keeps its connections alive."""
    clients = _RecentClients()

    async def create_or_reuse(self: _ConnectorFactoryImpl, service_url: str, audience: str | None = None) -> Any:
        session = _SESSIONS.get(self._credential_factory)

        async def build() -> Any:
            client = await create(self, service_url, audience)
            # msrest checks each outgoing activity, recursively, against its models' constraints before sending;
            # the Bot Framework models declare none (tests/http/test_speedups.py), so the check never fails and
            # only costs (about a tenth of a proactive send's CPU).
            client._serialize.client_side_validation = False
            if session is not None:
                config = client.config
                config.pipeline = AsyncPipeline(
                    [config.user_agent_policy, _Authorization(config.credentials), RawDeserializer(),
                     config.http_logger_policy],
                    _AiohttpSender(session, timeout=float(config.connection.timeout)))
            return client

        return await clients.get((
            self._credential_factory, self._app_id, self._to_channel_from_bot_oauth_scope, self._login_endpoint,
            self._validate_authority, self._connector_client_configuration, service_url, audience, session,
        ), build)

    create_or_reuse.reuses_clients = True  # type: ignore[attr-defined]
    return create_or_reuse


def _reusing_token_clients(create: Any) -> Any:
    """The SDK also builds a user-token client (with its own `requests` session) for every turn, for OAuth
    sign-in, which this bot does not use; one per bot identity is enough."""
    clients = _RecentClients()

    async def create_or_reuse(self: _BuiltinBotFrameworkAuthentication, claims_identity: Any) -> Any:
        return await clients.get((self, _BuiltinBotFrameworkAuthentication.get_app_id(claims_identity)),
                                 lambda: create(self, claims_identity))

    create_or_reuse.reuses_clients = True  # type: ignore[attr-defined]
    return create_or_reuse


class _Authorization(AsyncHTTPPolicy[Any, Any]):
    """The connector credentials' Authorization header, as the SDK's `requests` session would have carried it.

    The credentials get their token from msal, synchronously, over HTTP whenever msal's cache has none (the first send,
    then about once a day). Run on the event loop, that stopped every turn of every person, and the health check, until
    the token endpoint answered, and for ever if it never did (msal's session has no timeout). So the token is fetched
    in a worker thread, one fetch at a time, waited for at most `TOKEN_SECONDS` (a send that gets none fails, and is
    kept and tried again as any failed send is), and its header kept until shortly before the token expires."""

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        # Without an app id (local runs, the Agents Playground) the SDK signs nothing: no thread, no token.
        self._credentials: Any = credentials if getattr(credentials, "microsoft_app_id", None) else None
        self._header = ""
        self._until = 0.0
        self._fetching = asyncio.Lock()

    async def send(self, request: Request[Any], **kwargs: Any) -> Response[Any, Any]:
        """Sign the request, then send it."""
        if self._credentials is not None:
            header = await self._current()
            if header:
                request.http_request.headers["Authorization"] = header
        return await self.next.send(request, **kwargs)  # type: ignore[union-attr]

    async def _current(self) -> str:
        if time.time() < self._until:
            return self._header
        async with self._fetching:
            if time.time() < self._until:  # fetched while this send waited
                return self._header
            signed = await asyncio.wait_for(asyncio.to_thread(self._credentials.signed_session, requests.Session()),
                                            TOKEN_SECONDS)
            header = str(signed.headers.get("Authorization", ""))
            self._header, self._until = header, _expires_at(header) - TOKEN_KEPT_MARGIN_SECONDS
        return header


def _expires_at(header: str) -> float:
    """When the bearer token in the header expires (its `exp`), or 0 when it cannot be read: then it is asked for again
    at the next send, as before."""
    parts = header.removeprefix("Bearer ").split(".")
    if len(parts) != 3:
        return 0.0
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return 0.0
    expiry = claims.get("exp") if isinstance(claims, dict) else None
    return float(expiry) if isinstance(expiry, int | float) and not isinstance(expiry, bool) else 0.0


class _AiohttpSender(AsyncHTTPSender[Any, Any]):
    """msrest's sender interface over the app's aiohttp session (which the app opens and closes)."""

    def __init__(self, session: aiohttp.ClientSession, *, timeout: float) -> None:
        self._session = session
        self._timeout = aiohttp.ClientTimeout(sock_connect=timeout, sock_read=timeout)

    async def __aenter__(self) -> _AiohttpSender:
        return self

    async def __aexit__(self, *exc_details: object) -> None:
        return None

    def build_context(self) -> None:
        """No per-request context."""
        return None

    async def send(self, request: Request[Any], **config: Any) -> Response[Any, Any]:
        """Send the request and read the whole answer."""
        http = request.http_request
        retries = iter(CONNECT_RETRY_DELAYS)
        while True:
            try:
                answer = await self._session.request(http.method, http.url, headers=dict(http.headers),
                                                     data=http.data, timeout=self._timeout, allow_redirects=False)
                break
            except aiohttp.ClientConnectorError:
                delay = next(retries, None)
                if delay is None:
                    raise
            await asyncio.sleep(delay)
        response = AioHttpClientResponse(http, answer)
        await response.load_body()
        return Response(request, response)


def _is_xml_model(model: Any) -> bool:
    return bool(model.is_xml_model())


_serialize_data: Callable[..., Any] = Serializer.serialize_data


def _skipping_unset(msrest_serialize: Any) -> Any:
    """msrest serializes a model (an outgoing Activity and the accounts, conversation and attachments in it)
    attribute by attribute, and most of an Activity's forty-odd attributes are unset: for each it still copies the
    attribute's description, splits its key with a regular expression and raises and catches a ValueError ("No
    value for given attribute") to leave it out. This is msrest's own loop for a JSON model with the default key
    transformer, leaving unset attributes out before that work instead of after it: the same dict, at about half
    the CPU (253 -> 136 us for a card sent proactively). Anything else goes to msrest's own code."""

    def serialize(self: Serializer, target_obj: Any, data_type: Any = None, **kwargs: Any) -> Any:
        if (data_type or not isinstance(target_obj, Model) or kwargs.get("is_xml") or _is_xml_model(target_obj)
                or kwargs.get("key_transformer", self.key_transformer) is not full_restapi_key_transformer):
            return msrest_serialize(self, target_obj, data_type, **kwargs)
        kwargs.setdefault("is_xml", False)
        keep_readonly = kwargs.get("keep_readonly", False)
        serialized: dict[str, Any] = {}
        attr_name = None
        try:
            for attr_name, attr_desc in target_obj._attribute_map.items():
                if not keep_readonly and target_obj._validation.get(attr_name, {}).get("readonly", False):
                    continue
                if attr_name == "additional_properties" and attr_desc["key"] == "":
                    if target_obj.additional_properties is not None:
                        serialized.update(target_obj.additional_properties)
                    continue
                value = getattr(target_obj, attr_name)
                if value is None:
                    continue  # what msrest's serialize_data refuses with a ValueError, and the loop skips
                try:
                    keys, value = full_restapi_key_transformer(attr_name, attr_desc.copy(), value)
                    kwargs["serialization_ctxt"] = attr_desc
                    new_attr = _serialize_data(self, value, attr_desc["type"], **kwargs)
                    for key in reversed(keys):
                        new_attr = {key: new_attr}
                    part, into = new_attr, serialized
                    for key in keys:
                        if key not in into:
                            into.update(part)
                        part, into = part[key], into[key]
                except ValueError as error:
                    if isinstance(error, SerializationError):
                        raise
                    continue
        except (AttributeError, KeyError, TypeError) as error:
            message = f"Attribute {attr_name} in object {target_obj.__class__.__name__} cannot be serialized.\n"
            raise_with_traceback(SerializationError, message + str(target_obj), error)
        return serialized

    serialize.skips_unset = True  # type: ignore[attr-defined]
    serialize.__wrapped__ = msrest_serialize  # type: ignore[attr-defined]
    return serialize


_PLAIN_LEAVES = frozenset({str, int, float, bool, type(None)})


def _plain_json(value: object) -> bool:
    """Made only of dicts with str keys, lists, str, int, float, bool and None (exact types, not subclasses)."""
    kind = type(value)
    if kind is dict:
        return all(type(key) is str and _plain_json(item) for key, item in value.items())  # type: ignore[attr-defined]
    if kind is list:
        return all(_plain_json(item) for item in value)  # type: ignore[attr-defined]
    return kind in _PLAIN_LEAVES


def _passing_plain_json(serialize_object: Any) -> Any:
    """msrest serializes an `object` field (an Adaptive Card in a reply) by rebuilding it node by node, through
    `eval` for every number: about a tenth of a turn's CPU for an answer card. For a tree of plain JSON values
    that rebuild is an identical copy, and the body is only ever dumped to JSON, so the tree itself will do."""

    def serialize(self: Serializer, attr: Any, **kwargs: Any) -> Any:
        if not kwargs.get("is_xml") and "basic_types_serializers" not in kwargs and _plain_json(attr):
            return attr
        return serialize_object(self, attr, **kwargs)

    serialize.passes_plain_json = True  # type: ignore[attr-defined]
    serialize.__wrapped__ = serialize_object  # type: ignore[attr-defined]
    return serialize
