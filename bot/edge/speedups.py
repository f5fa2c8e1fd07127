"""Small, behaviour-preserving fixes for hot spots in the final (4.17.1) Bot Framework SDK's dependencies."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from botframework.connector.auth._connector_factory_impl import _ConnectorFactoryImpl
from msrest.universal_http.requests import ClientRetryPolicy

# Teams uses a handful of service URLs (one per region); more than this means something odd, so old ones go.
MAX_CONNECTOR_CLIENTS = 32


def install_sdk_speedups() -> None:
    """Make msrest's retry policy cheap to build, and reuse connector clients across turns; idempotent."""
    # `ClientRetryPolicy.__init__` computes `[i for i in range(999) if i not in self.safe_codes]` with a
    # 501-item list: ~500,000 comparisons, about a third of the bot's CPU per turn. A frozenset gives the
    # same retry codes in the same order; nothing else reads `safe_codes`.
    codes = getattr(ClientRetryPolicy, "safe_codes")  # noqa: B009 - msrest's stubs type it as a list
    if not isinstance(codes, frozenset):
        setattr(ClientRetryPolicy, "safe_codes", frozenset(codes))  # noqa: B010
    if not getattr(_ConnectorFactoryImpl.create, "reuses_clients", False):
        _ConnectorFactoryImpl.create = _reusing(_ConnectorFactoryImpl.create)


def _reusing(create: Any) -> Any:
    """The SDK builds a new ConnectorClient for every turn: configuration, pipeline, retry policy, a requests
    session and a new TCP connection each time (~12 % of a turn's CPU in the profile). A client is only
    configuration plus per-thread sessions, and its credentials refresh their own token, so one client per
    service URL, audience and identity serves every turn and keeps its connections alive."""
    clients: OrderedDict[tuple[object, ...], Any] = OrderedDict()

    async def create_or_reuse(self: _ConnectorFactoryImpl, service_url: str, audience: str | None = None) -> Any:
        key = (
            self._credential_factory, self._app_id, self._to_channel_from_bot_oauth_scope, self._login_endpoint,
            self._validate_authority, self._connector_client_configuration, service_url, audience,
        )
        client = clients.get(key)
        if client is None:
            client = await create(self, service_url, audience)
            clients[key] = client
            while len(clients) > MAX_CONNECTOR_CLIENTS:
                clients.popitem(last=False)
        else:
            clients.move_to_end(key)
        return client

    create_or_reuse.reuses_clients = True  # type: ignore[attr-defined]
    return create_or_reuse
