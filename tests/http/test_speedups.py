"""The SDK fixes in bot/edge/speedups.py keep behaviour: the same replies arrive, built and sent more cheaply."""

from __future__ import annotations

import json
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from aiohttp.test_utils import TestClient
from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Entity
from botframework.connector import models
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from msrest.pipeline import Request
from msrest.serialization import Model, Serializer
from msrest.universal_http import ClientRequest

from bot.edge.speedups import _Authorization, install_sdk_speedups
from cards.gallery import gallery
from tests.support.activities import CARYS, OWAIN, message
from tests.support.connector import Connector


async def test_one_connector_client_serves_every_turn_to_a_service_url(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    original = ConnectorClient.__init__

    def counting(self: ConnectorClient, credentials: Any, base_url: str, *args: Any, **kwargs: Any) -> None:
        built.append(base_url)
        original(self, credentials, base_url, *args, **kwargs)

    monkeypatch.setattr(ConnectorClient, "__init__", counting)
    other_url = connector.url.replace("127.0.0.1", "localhost")
    for person, text, url in ((CARYS, "hi", connector.url), (OWAIN, "help", connector.url),
                              (CARYS, "hi", other_url), (OWAIN, "hi", other_url), (CARYS, "help", connector.url)):
        response = await client.post("/api/messages", json=message(person, text, url))
        assert response.status == 200

    assert len(connector.cards()) == 5
    assert sorted(set(built)) == sorted({connector.url, other_url}) and len(built) <= 2


def test_no_bot_framework_model_has_a_constraint_for_msrest_to_check() -> None:
    """So the connector clients' check of each outgoing activity, turned off, could never have failed."""
    model_classes = [v for v in models.__dict__.values() if isinstance(v, type) and issubclass(v, Model)]
    constrained = [cls.__name__ for cls in model_classes if getattr(cls, "_validation", None)]

    assert len(model_classes) > 50
    assert constrained == []


async def test_the_connector_clients_do_not_check_what_cannot_fail(client: TestClient, connector: Connector,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[ConnectorClient] = []
    original = ConnectorClient.__init__

    def keeping(self: ConnectorClient, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ConnectorClient, "__init__", keeping)
    response = await client.post("/api/messages", json=message(CARYS, "hi", connector.url))

    assert response.status == 200
    assert len(connector.cards()) == 1
    assert built and all(not c._serialize.client_side_validation for c in built)


def _every_kind_of_activity_sent() -> list[Any]:
    """Replies with every gallery card, the same sent proactively (a conversation reference applied) and as an update
    (an id), a typing indicator, a message with what Teams sends (entities, channel data, times), one whose card is not
    plain JSON, and the conversation reference the bot stores."""
    cards = [MessageFactory.attachment(CardFactory.adaptive_card(dict(card))) for card in gallery().values()]
    incoming = Activity().deserialize(message(CARYS, "hi <at>Policy Helper</at>", "http://127.0.0.1:1/"))
    incoming.entities = [Entity(type="mention"), Entity(type="clientInfo")]
    incoming.timestamp = incoming.local_timestamp = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    reference = TurnContext.get_conversation_reference(incoming)
    proactive = [TurnContext.apply_conversation_reference(deepcopy(card), reference) for card in cards]
    updates = [deepcopy(card) for card in proactive]
    for update in updates:
        update.id = "1:update"
    odd = MessageFactory.attachment(CardFactory.adaptive_card(
        {"type": "AdaptiveCard", "when": datetime(2026, 11, 24, 9, 30, tzinfo=UTC), "pair": (1, 2), 3: "x"}))
    typing = TurnContext.apply_conversation_reference(Activity(type=ActivityTypes.typing), reference)
    # Set but false: kept, as msrest keeps them (only unset attributes are left out).
    falsy = Activity(type=ActivityTypes.message, text="", history_disclosed=False, attachments=[], channel_data={},
                     value=0)
    return [*cards, *proactive, *updates, odd, typing, incoming, reference, falsy]


def test_activities_are_serialized_exactly_as_msrest_would(monkeypatch: pytest.MonkeyPatch) -> None:
    install_sdk_speedups()
    msrest_serializer: Any = Serializer  # msrest is untyped
    serializer = msrest_serializer({k: v for k, v in models.__dict__.items() if isinstance(v, type)})
    sent = _every_kind_of_activity_sent()

    def serialized() -> list[str]:
        return [json.dumps(serializer.body(item, type(item).__name__), sort_keys=True) for item in sent] + [
            json.dumps(item.serialize(), sort_keys=True) for item in sent]

    fast = serialized()
    for name in ("serialize_object", "_serialize"):
        monkeypatch.setattr(Serializer, name, getattr(Serializer, name).__wrapped__)
    slow = serialized()

    assert len(sent) > 280
    assert fast == slow
    assert all('"' in text for text in fast)  # nothing came out empty
    assert '"historyDisclosed": false' in fast[len(sent) - 1]


async def test_replies_go_to_teams_without_requests(client: TestClient, connector: Connector,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the connector was called through requests")

    monkeypatch.setattr(requests.Session, "request", refuse)
    response = await client.post("/api/messages", json=message(CARYS, "hi", connector.url))

    assert response.status == 200
    assert len(connector.cards()) == 1


async def test_the_connector_request_carries_the_bot_token_when_the_bot_has_an_identity() -> None:
    class Credentials(MicrosoftAppCredentials):  # type: ignore[misc]
        def get_access_token(self, force_refresh: bool = False) -> str:
            return "token-for-teams"

    class Sent:
        async def send(self, request: Request[Any], **kwargs: Any) -> None:
            return None

    signed, anonymous = Request(ClientRequest("POST", "http://127.0.0.1/")), Request(ClientRequest("POST", "x"))
    for credentials, request in ((Credentials("28:policy-helper", "secret"), signed), (Credentials("", ""), anonymous)):
        policy = _Authorization(credentials)
        policy.next = Sent()  # type: ignore[assignment]
        await policy.send(request)

    assert signed.http_request.headers["Authorization"] == "Bearer token-for-teams"
    assert "Authorization" not in anonymous.http_request.headers
