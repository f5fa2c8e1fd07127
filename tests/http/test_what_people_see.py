"""What staff and the headteacher see (issue 20), through the real app, Azurite and a local connector."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from app import SERVICES
from tests.http.test_permission_flow import form as filled_form
from tests.support.activities import CARYS, OWAIN, SIAN, card_action, install, installation_update, message
from tests.support.cards import press, verb_data
from tests.support.concerns import CARYS_CHAT, OWAIN_CHAT, SIAN_CHAT
from tests.support.connector import Connector

POLICY_TEXT = (Path(__file__).resolve().parents[2] / "bot/policy/data/social-media-policy-2022.txt").read_text(
    encoding="utf-8")


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in _nodes(card) if str(n.get("type", "")).startswith("Input.")}


def _verbs(card: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every Action.Execute anywhere on the card (buttons, tappable rows, refresh), with its data."""
    return [(n["verb"], n.get("data", {})) for n in _nodes(card) if n.get("type") == "Action.Execute"]


async def _say(client: TestClient, connector: Connector, user: dict[str, str], text: str,
               chat: str = CARYS_CHAT) -> dict[str, Any]:
    await client.post("/api/messages", json=message(user, text, connector.url))
    await client.app[SERVICES].deliverer.drain()
    return connector.cards(chat)[-1]


async def test_ask_permission_on_the_welcome_card_sends_the_form_below_it(staffed: TestClient,
                                                                          connector: Connector) -> None:
    welcome = await _say(staffed, connector, CARYS, "hi")
    welcome_id = connector.sent[-1]["id"]

    response = await staffed.post("/api/messages", json=card_action(
        CARYS, "permission.form", verb_data(welcome, "permission.form"), connector.url, reply_to_id=welcome_id))
    await staffed.app[SERVICES].deliverer.drain()

    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"  # the welcome card stays as it is
    assert connector.updated == []
    form = connector.cards(CARYS_CHAT)[-1]
    assert form["body"][0]["text"] == "Ask the headteacher's permission"
    assert _inputs(form)["school"]["value"] == "high"  # Carys's school, from the staff list


async def test_switching_language_still_redraws_the_welcome_card_in_place(client: TestClient,
                                                                           connector: Connector) -> None:
    response = await client.post("/api/messages", json=card_action(CARYS, "language.set", {"lang": "cy"},
                                                                    connector.url))

    title = (await response.json())["value"]["body"][0]["text"]
    assert title.startswith("Cynorthwyydd y polisi cyfryngau cymdeithasol")
    assert connector.cards() == []


async def test_the_blog_disclaimer_comes_below_the_answer_ready_to_copy(client: TestClient,
                                                                         connector: Connector) -> None:
    answer = await _say(client, connector, CARYS, "What disclaimer do I need on my own blog?")
    assert "ask.disclaimer" in [verb for verb, _ in _verbs(answer)]

    response = await client.post("/api/messages", json=card_action(CARYS, "ask.disclaimer", {}, connector.url))
    await client.app[SERVICES].deliverer.drain()

    assert (await response.json())["type"] == "application/vnd.microsoft.activity.message"  # the answer stays
    disclaimer = connector.cards(CARYS_CHAT)[-1]
    copyable = _inputs(disclaimer)["disclaimer"]
    assert copyable["type"] == "Input.Text" and copyable["value"] in POLICY_TEXT
    assert copyable["value"].startswith("The views") and len(copyable["value"]) > 60
    assert "Social Media Policy, Version 1, 12.10.2022" in json.dumps(disclaimer)


async def test_not_helpful_leads_to_other_words_a_related_section_or_the_headteacher(
        client: TestClient, connector: Connector) -> None:
    await _say(client, connector, SIAN, "hi", SIAN_CHAT)
    answer = await _say(client, connector, CARYS, "can i use the school logo on my own page")

    rated = await press(client, connector, card_action(CARYS, "ask.feedback",
                                                       {**verb_data(answer, "ask.feedback"), "value": "not_helpful"},
                                                       connector.url))

    shown = json.dumps(rated, ensure_ascii=False)
    assert "Sorry that didn't help" in shown and "Ask again" in shown
    assert any(verb == "policy.section" and data["section"] != "personal-use" for verb, data in _verbs(rated))
    escalated = await press(client, connector, card_action(CARYS, "ask.escalate", verb_data(rated, "ask.escalate"),
                                                           connector.url))
    assert "passed your question to Mrs Siân Roberts" in json.dumps(escalated, ensure_ascii=False)
    assert "logo" in json.dumps(escalated)  # still the answer card, with its quote
    head_card = json.dumps(connector.cards(SIAN_CHAT)[-1], ensure_ascii=False)
    assert "school logo" in head_card and "they marked it not helpful" in head_card


async def test_a_helpful_answer_is_not_passed_to_the_headteacher(client: TestClient, connector: Connector) -> None:
    answer = await _say(client, connector, CARYS, "can i use the school logo on my own page")
    await press(client, connector, card_action(CARYS, "ask.feedback",
                                               {**verb_data(answer, "ask.feedback"), "value": "helpful"},
                                               connector.url))

    refused = await press(client, connector, card_action(CARYS, "ask.escalate", verb_data(answer, "ask.feedback"),
                                                         connector.url))

    assert "can't find that record" in json.dumps(refused)
    assert connector.cards(SIAN_CHAT) == []


async def test_the_pending_list_refreshes_and_a_withdrawn_request_leaves_it(client: TestClient,
                                                                             connector: Connector) -> None:
    await _say(client, connector, SIAN, "hi", SIAN_CHAT)
    status = await press(client, connector, card_action(CARYS, "permission.submit", filled_form(), connector.url))
    request_id = verb_data(status, "permission.withdraw")["id"]
    listed = await _say(client, connector, SIAN, "pending requests", SIAN_CHAT)
    assert request_id in json.dumps(listed)
    shown = json.dumps(listed, ensure_ascii=False)
    for detail in ("Their work", "Only work, no names; parents opted in.", "Every weekday"):
        assert detail in shown  # pupils' content, consent and moderation, beside Approve / Decline
    refresh = listed["refresh"]["action"]

    await press(client, connector, card_action(CARYS, "permission.withdraw", {"id": request_id}, connector.url))
    automatic = card_action(SIAN, refresh["verb"], refresh.get("data", {}), connector.url)
    automatic["value"]["trigger"] = "automatic"
    response = await client.post("/api/messages", json=automatic)

    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"  # a refresh replaces the list in place
    assert request_id not in json.dumps(body["value"])
    assert "Nothing is waiting" in json.dumps(body["value"])


async def test_the_headteachers_card_says_what_is_asked_and_flags_what_falls_short(client: TestClient,
                                                                                    connector: Connector) -> None:
    await _say(client, connector, SIAN, "hi", SIAN_CHAT)
    await press(client, connector, card_action(CARYS, "permission.submit", filled_form(moderation="weekly"),
                                               connector.url))

    head_card = connector.cards(SIAN_CHAT)[-1]

    title = head_card["body"][0]["text"]
    assert head_card["body"][0]["style"] == "heading"
    assert title == "Carys Jenkins asks to start a new Instagram account for parents"
    [flag] = [n for n in _nodes(head_card) if n.get("style") == "attention"]
    assert "Check before approving" in json.dumps(flag) and "less than every weekday" in json.dumps(flag)


async def test_words_fill_in_the_form(staffed: TestClient, connector: Connector) -> None:
    carys = await _say(staffed, connector, CARYS, "I need permission for a class Instagram")
    owain = await _say(staffed, connector, OWAIN, "we want permission to start a new TikTok", OWAIN_CHAT)

    assert (_inputs(carys)["platform"]["value"], _inputs(carys)["school"]["value"]) == ("instagram", "high")
    assert "value" not in _inputs(carys)["account_kind"]  # the words did not say new or existing
    assert [_inputs(owain)[key]["value"] for key in ("platform", "school", "account_kind")] == [
        "tiktok", "primary", "new"]


async def test_the_concern_form_starts_with_the_words_that_opened_it(staffed: TestClient,
                                                                     connector: Connector) -> None:
    said = "A colleague keeps messaging me late at night about my lessons"
    form = await _say(staffed, connector, CARYS, said)
    outside = "A parent keeps messaging me on Facebook"
    offer = await _say(staffed, connector, CARYS, outside)
    outside_form = await press(staffed, connector, card_action(CARYS, "concern.form",
                                                               verb_data(offer, "concern.form"), connector.url))

    assert _inputs(form)["what"]["value"] == said
    assert verb_data(offer, "concern.form") == {"kind": "outside", "what": outside, "lang": "en"}
    assert _inputs(outside_form)["what"]["value"] == outside


async def test_the_first_greeting_names_the_person_like_every_later_one(client: TestClient,
                                                                        connector: Connector) -> None:
    connector.members["29:carys"] = {"id": "29:carys", "name": "Carys Jenkins",
                                     "aadObjectId": CARYS["aadObjectId"]}

    await client.post("/api/messages", json=installation_update(CARYS, connector.url))
    await client.post("/api/messages", json=install(CARYS, connector.url))
    later = await _say(client, connector, CARYS, "hi")

    first = connector.cards(CARYS_CHAT)[0]
    assert json.dumps(first) == json.dumps(later)
    assert "Hello Carys." in json.dumps(first)


async def test_a_person_has_one_name_on_every_card(client: TestClient, connector: Connector) -> None:
    welcome = await _say(client, connector, SIAN, "hi", SIAN_CHAT)  # Teams calls her "Siân Roberts"
    status = await press(client, connector, card_action(CARYS, "permission.submit", filled_form(), connector.url))
    request_id = verb_data(status, "permission.withdraw")["id"]

    decided = await press(client, connector, card_action(SIAN, "permission.approve", {"id": request_id},
                                                         connector.url))

    assert "Hello Siân." in json.dumps(welcome, ensure_ascii=False)
    assert "Waiting for Mrs Siân Roberts" in json.dumps(status, ensure_ascii=False)
    assert "Approved by Mrs Siân Roberts" in json.dumps(decided, ensure_ascii=False)
    assert "Approved by Mrs Siân Roberts" in json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)
