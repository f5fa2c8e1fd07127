"""Card data is checked by type where it enters, against one model per verb (issue 19, item 4): a wrong type
gets "that card is out of date or not valid" and changes nothing; unknown fields are ignored; every field a
card sends is one its verb's model reads."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app import SERVICES
from cards.gallery import gallery
from tests.support.activities import CARYS, SIAN, card_action, message
from tests.support.cards import actions
from tests.support.connector import Connector
from tests.support.tables import every_row

INVALID = "That card is out of date or not valid"
WRONG_TYPES: list[Any] = [["cy"], {"lang": "cy"}, 42, 1.5, True]


async def _click(client: TestClient, connector: Connector, verb: str, data: dict[str, Any],
                 user: dict[str, str] = CARYS) -> str:
    response = await client.post("/api/messages", json=card_action(user, verb, data, connector.url))
    assert response.status == 200
    await client.app[SERVICES].deliverer.drain()
    return json.dumps(await response.json(), ensure_ascii=False)


async def test_a_language_of_the_wrong_type_is_refused_plainly(client: TestClient, connector: Connector,
                                                              azurite: str, table_prefix: str,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    before = await every_row(azurite, table_prefix)

    answer = await _click(client, connector, "language.set", {"lang": ["cy"]})

    assert INVALID in answer and "Something went wrong" not in answer
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert await every_row(azurite, table_prefix) == before


async def test_an_old_style_submit_of_the_wrong_type_is_refused_the_same_way(client: TestClient,
                                                                             connector: Connector) -> None:
    activity = message(CARYS, "", connector.url)
    activity["value"] = {"verb": "language.set", "lang": {"code": "cy"}}

    await client.post("/api/messages", json=activity)

    assert INVALID in json.dumps(connector.cards()[-1])


async def test_unknown_fields_are_ignored(client: TestClient, connector: Connector) -> None:
    answer = await _click(client, connector, "language.set", {"lang": "cy", "theme": ["dark"], "x": {"y": 1}})

    assert INVALID not in answer and "Helo" in answer


async def test_every_verb_refuses_every_field_of_the_wrong_type_and_changes_nothing(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        caplog: pytest.LogCaptureFixture) -> None:
    await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    router = client.app[SERVICES].router
    before = await every_row(azurite, table_prefix)
    accepted = []
    checked = 0

    for verb in router.verbs():
        fields = [f.alias or name for name, f in router.data_model(verb).model_fields.items()]
        for field in fields:
            for wrong in WRONG_TYPES:
                for user in (CARYS, SIAN):
                    answer = await _click(client, connector, verb, {field: wrong}, user)
                    checked += 1
                    if INVALID not in answer:
                        accepted.append(f"{verb} {field}={wrong!r}")

    assert checked > 300  # every verb with data was tried
    assert accepted == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert await every_row(azurite, table_prefix) == before


def _inputs(element: Any) -> list[str]:
    if isinstance(element, dict):
        own = [element["id"]] if str(element.get("type", "")).startswith("Input.") and "id" in element else []
        return own + [i for value in element.values() for i in _inputs(value)]
    if isinstance(element, list):
        return [i for value in element for i in _inputs(value)]
    return []


async def test_every_field_a_card_sends_is_one_its_verb_reads(client: TestClient) -> None:
    router = client.app[SERVICES].router
    unread = []
    for name, card in gallery().items():
        inputs = _inputs(card)
        for action in actions(card):
            if action.get("type") != "Action.Execute":  # e.g. showing the rest of a section: nothing is sent
                continue
            model = router.data_model(action["verb"])
            known = {f.alias or field for field, f in model.model_fields.items()}
            sent = set(action.get("data", {}))
            if action["verb"].endswith(".submit"):  # a form: every input is an answer the flow reads
                sent |= set(inputs)
            unread += [f"{name}: {action['verb']} sends {key}" for key in sorted(sent - known)]
            # The card's own values, inputs as text, pass the model.
            model.model_validate({**action.get("data", {}), **{i: "" for i in inputs}})

    assert unread == []
