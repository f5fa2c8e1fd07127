"""Asking about the policy at HTTP level: quotes with their source, Welsh, "not covered", the head's reply, feedback."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import SERVICES, create_app
from bot.domain.errors import StorageUnavailable
from bot.domain.outbox import OutboundMessage
from bot.storage.outbox import TableOutbox
from tests.conftest import local_settings
from tests.support.activities import CARYS, FFION, GUEST, OWAIN, SIAN, as_a_member, card_action, message
from tests.support.cards import press, verb_data
from tests.support.connector import Connector
from tests.support.faults import StorageAnswering500, fail_next_enqueue
from tests.support.policies import FIXTURE_POLICY_FILE

POLICY_FILE = Path(__file__).resolve().parents[2] / "bot/policy/data/social-media-policy-2022.txt"
POLICY_TEXT = POLICY_FILE.read_text(encoding="utf-8")


def _quotes(card: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for block in card["body"]:
        if block.get("type") == "Container" and block.get("style") == "emphasis":
            found.extend(run["text"] for item in block["items"] for run in item.get("inlines", []))
    return found


async def _rows(azurite: str, table: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table) as client:
        return [dict(row) async for row in client.list_entities()]


async def test_question_is_answered_with_the_policys_own_words(client: TestClient, connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "Can I be friends with pupils on Facebook?", connector.url))

    [card] = connector.cards()
    quotes = _quotes(card)
    assert quotes and all(q in POLICY_TEXT for q in quotes)
    assert any("friends" in q for q in quotes)
    assert "Social Media Policy, Version 1, 12.10.2022" in json.dumps(card)
    assert verb_data(card, "policy.section")["section"]


async def test_welsh_question_gets_welsh_card_and_english_quote(client: TestClient, connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "Ga i fod yn ffrindiau gyda disgyblion ar Facebook?",
                                                    connector.url))

    [card] = connector.cards()
    assert card["body"][0]["text"].startswith("O'r polisi")
    assert any("friends" in q for q in _quotes(card))
    assert "Defnyddiol" in json.dumps(card, ensure_ascii=False)


async def test_uncovered_question_goes_to_the_head_and_the_reply_comes_back(client: TestClient, connector: Connector,
                                                                          azurite: str, table_prefix: str) -> None:
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await client.post("/api/messages", json=message(CARYS, "How many days of annual leave do I get?", connector.url))
    no_answer = connector.cards()[-1]
    assert "doesn't cover" in json.dumps(no_answer)
    assert _quotes(no_answer) == []

    escalated = await client.post("/api/messages", json=card_action(CARYS, "ask.escalate",
                                                                    verb_data(no_answer, "ask.escalate"),
                                                                    connector.url))
    await client.app[SERVICES].deliverer.drain()
    head_card = connector.cards("a:personal-29:sian")[-1]
    assert "annual leave" in json.dumps(head_card)
    question_id = verb_data(head_card, "ask.reply")["q"]
    replied = await client.post("/api/messages", json=card_action(
        SIAN, "ask.reply", {"q": question_id, "reply": "See the staff handbook, section 4."}, connector.url))
    await client.app[SERVICES].deliverer.drain()

    assert "passed your question to Mrs Siân Roberts" in json.dumps((await escalated.json())["value"],
                                                                     ensure_ascii=False)
    assert "Replied by" in json.dumps((await replied.json())["value"])
    carys_cards = connector.cards("a:personal-29:carys")
    assert "See the staff handbook, section 4." in json.dumps(carys_cards[-1])
    [row] = await _rows(azurite, table_prefix + "questions")
    assert (row["Answered"], row["Reply"]) == (False, "See the staff handbook, section 4.")


@pytest.mark.parametrize(("locale", "told"), [("en-GB", "Teams shows you as a guest"),
                                               ("cy-GB", "Yn ôl Teams, rydych chi'n westai")])
async def test_a_guest_in_the_school_tenant_can_read_the_policy_but_not_pass_a_question_to_the_headteacher(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str, told: str) -> None:
    """A guest from another organisation is refused a request and a report at Send, but "Ask the headteacher" on a
    not-covered answer took her question, with her name, to Siân. Now she is told, in her language and below the answer
    as she left it, to contact the school; nothing is passed on, counted or sent. Teams is asked only at the pass-on."""
    connector.members[GUEST["id"]] = as_a_member(GUEST, "guest")
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await client.post("/api/messages", json=message(GUEST, "How many days of annual leave do I get?", connector.url,
                                                    locale=locale))
    not_covered = connector.cards("a:personal-29:guest")[-1]
    asked = list(connector.member_lookups)
    before = len(connector.cards("a:personal-29:sian"))

    refused = await press(client, connector, card_action(GUEST, "ask.escalate", verb_data(not_covered, "ask.escalate"),
                                                         connector.url, locale=locale))

    assert asked == [] and connector.member_lookups == [GUEST["id"]]
    assert told in json.dumps(refused, ensure_ascii=False) and "Mrs Siân Roberts" not in json.dumps(refused)
    assert connector.cards("a:personal-29:sian")[before:] == []
    [row] = await _rows(azurite, table_prefix + "questions")
    assert row.get("EscalatedAt") is None and row.get("EscalatedTo", "") == ""
    assert [r for r in await _rows(azurite, table_prefix + "ratelimits") if r["PartitionKey"] != "typed"] == []
    assert [r for r in await _rows(azurite, table_prefix + "outbox") if r["RowKey"].startswith("msg|")] == []


async def test_a_member_of_staff_whose_lookup_fails_still_passes_a_question_on(client: TestClient,
                                                                              connector: Connector) -> None:
    connector.members_down = True
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await client.post("/api/messages", json=message(CARYS, "How many days of annual leave do I get?", connector.url))
    not_covered = connector.cards("a:personal-29:carys")[-1]

    passed = await press(client, connector, card_action(CARYS, "ask.escalate", verb_data(not_covered, "ask.escalate"),
                                                        connector.url))

    assert connector.member_lookups == [CARYS["id"]]
    assert "passed your question to Mrs Siân Roberts" in json.dumps(passed, ensure_ascii=False)
    assert "annual leave" in json.dumps(connector.cards("a:personal-29:sian")[-1])


# `ask.reply`: only the person the question was sent to replies, and nobody else reads it (issue 19, item 3).

QUESTION = "How many days of annual leave does Dafydd Price get?"


async def _passed_on(client: TestClient, connector: Connector) -> str:
    """Carys's question, passed to the policy owner (Siân); its id."""
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
    question = str(verb_data(connector.cards("a:personal-29:carys")[-1], "ask.escalate")["q"])
    await client.post("/api/messages", json=card_action(CARYS, "ask.escalate", {"q": question}, connector.url))
    await client.app[SERVICES].deliverer.drain()
    return question


async def _reply(client: TestClient, connector: Connector, person: dict[str, str], question: str,
                 reply: str) -> str:
    response = await client.post("/api/messages", json=card_action(person, "ask.reply",
                                                                   {"q": question, "reply": reply}, connector.url))
    await client.app[SERVICES].deliverer.drain()
    return json.dumps((await response.json())["value"], ensure_ascii=False)


@pytest.mark.parametrize("person", [FFION, OWAIN, CARYS], ids=["the head's named delegate", "a colleague",
                                                                  "the asker"])
async def test_nobody_but_the_person_it_was_sent_to_can_read_or_answer_a_question(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, person: dict[str, str]) -> None:
    question = await _passed_on(client, connector)
    made_up = await _reply(client, connector, person, "Q9999999999999ABCD", "")

    peeked = await _reply(client, connector, person, question, "")
    answered = await _reply(client, connector, person, question, "Twenty-five days.")

    for seen in (peeked, answered):
        assert "Dafydd Price" not in seen and "Carys Jenkins" not in seen
        assert seen == made_up  # the same answer as for a question that does not exist
    [row] = await _rows(azurite, table_prefix + "questions")
    assert row.get("Reply", "") == "" and row.get("RepliedAt") is None
    assert not any("Twenty-five days." in json.dumps(c) for c in connector.cards("a:personal-29:carys"))


async def test_a_question_never_passed_on_cannot_be_read_by_the_policy_owner(client: TestClient,
                                                                            connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
    question = verb_data(connector.cards()[-1], "ask.escalate")["q"]

    peeked = await _reply(client, connector, SIAN, question, "")

    assert "Dafydd Price" not in peeked and "can't find that record" in peeked


async def test_the_person_it_was_sent_to_reads_it_and_replies(client: TestClient, connector: Connector) -> None:
    question = await _passed_on(client, connector)

    empty = await _reply(client, connector, SIAN, question, "")
    sent = await _reply(client, connector, SIAN, question, "Twenty-five days.")

    assert "Dafydd Price" in empty and "Please write a reply" in empty
    assert "Replied by" in sent
    assert "Twenty-five days." in json.dumps(connector.cards("a:personal-29:carys")[-1])


async def test_a_question_passed_on_before_the_recipient_was_kept_goes_to_the_policy_owner(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    question = await _passed_on(client, connector)
    async with TableClient.from_connection_string(azurite, table_prefix + "questions") as table:
        row = await table.get_entity("log", question)
        row["EscalatedToId"] = ""  # as rows written before this change are
        await table.update_entity(row)

    refused = await _reply(client, connector, FFION, question, "Not mine to answer.")
    sent = await _reply(client, connector, SIAN, question, "Twenty-five days.")

    assert "can't find that record" in refused and "Replied by" in sent


async def test_feedback_is_stored_with_the_question_and_passage(client: TestClient, connector: Connector,
                                                                azurite: str, table_prefix: str) -> None:
    await client.post("/api/messages", json=message(CARYS, "can i use the school logo on my own page", connector.url))
    feedback = verb_data(connector.cards()[-1], "ask.feedback")

    rated = await client.post("/api/messages", json=card_action(CARYS, "ask.feedback",
                                                                {**feedback, "value": "not_helpful"}, connector.url))
    again = await client.post("/api/messages", json=card_action(CARYS, "ask.feedback",
                                                                {**feedback, "value": "helpful"}, connector.url))

    assert "Sorry that didn't help" in json.dumps(await rated.json())
    assert "already rated" in json.dumps(await again.json())
    [row] = await _rows(azurite, table_prefix + "questions")
    assert row["Feedback"] == "not_helpful"
    assert row["PassageIds"] and row["Text"] == "can i use the school logo on my own page"


async def test_someone_else_cannot_rate_my_answer(client: TestClient, connector: Connector, azurite: str,
                                                  table_prefix: str) -> None:
    await client.post("/api/messages", json=message(CARYS, "can I post photos of pupils", connector.url))
    feedback = verb_data(connector.cards()[-1], "ask.feedback")

    await client.post("/api/messages", json=card_action(SIAN, "ask.feedback", {**feedback, "value": "not_helpful"},
                                                        connector.url))

    [row] = await _rows(azurite, table_prefix + "questions")
    assert row["Feedback"] == ""


async def test_about_says_the_review_date_has_passed(client: TestClient, connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "about this policy", connector.url))

    about = json.dumps(connector.cards()[-1])
    assert "Autumn 2024" in about and "has passed" in about


async def test_a_question_about_the_document_is_answered_from_its_details(client: TestClient,
                                                                         connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "When is this policy next reviewed?", connector.url))
    await client.post("/api/messages", json=message(CARYS, "Pwy gytunodd ar y polisi?", connector.url))

    english, welsh = connector.cards()[-2:]
    assert "Autumn 2024" in json.dumps(english) and _quotes(english) == []
    assert "doesn't cover" not in json.dumps(english)
    assert "Cytunwyd" in json.dumps(welsh, ensure_ascii=False) and _quotes(welsh) == []


async def test_a_reply_that_could_not_be_queued_can_simply_be_sent_again(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await client.post("/api/messages", json=message(CARYS, "How many days of annual leave do I get?", connector.url))
    question = verb_data(connector.cards()[-1], "ask.escalate")["q"]
    await client.post("/api/messages", json=card_action(CARYS, "ask.escalate", {"q": question}, connector.url))
    reply = card_action(SIAN, "ask.reply", {"q": question, "reply": "See the staff handbook."}, connector.url)

    fail_next_enqueue(monkeypatch, about=f"{question}|reply")
    failed = await (await client.post("/api/messages", json=reply)).json()
    [row_after_fault] = await _rows(azurite, table_prefix + "questions")
    again = await (await client.post("/api/messages", json=reply)).json()
    await client.app[SERVICES].deliverer.drain()

    assert "couldn't reach" in json.dumps(failed["value"]) and "Replied by" not in json.dumps(failed["value"])
    assert row_after_fault.get("Reply", "") == ""
    assert "Replied by" in json.dumps(again["value"])
    told = [c for c in connector.cards("a:personal-29:carys") if "See the staff handbook." in json.dumps(c)]
    assert len(told) == 1


def _outbox_write_lands_but_times_out(monkeypatch: pytest.MonkeyPatch, about: str) -> None:
    """The next outbox write of a message whose id ends with `about` is made, but storage answers after the time
    budget, so the flow is told it failed."""
    real_enqueue, late = TableOutbox.enqueue, {"left": 1}

    async def enqueue(outbox: TableOutbox, messages: Sequence[OutboundMessage]) -> list[OutboundMessage]:
        stored = await real_enqueue(outbox, messages)
        if late["left"] and any(m.message_id.endswith(about) for m in messages):
            late["left"] -= 1
            raise StorageUnavailable("injected: TimeoutError")
        return stored

    monkeypatch.setattr(TableOutbox, "enqueue", enqueue)


@pytest.mark.parametrize("undone", ["pass-on", "reply"])
async def test_a_pass_on_or_reply_undone_by_a_write_that_landed_late_never_reaches_anyone(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch,
        undone: str) -> None:
    """The write of Siân's card (or of her reply to Carys) timed out but was made: the person was told nothing was
    changed and the record was put back, yet the next delivery pass sent the card for what had been undone."""
    if undone == "pass-on":
        await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
        await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
        question = str(verb_data(connector.cards("a:personal-29:carys")[-1], "ask.escalate")["q"])
        press = card_action(CARYS, "ask.escalate", {"q": question}, connector.url)
        recipient, sought, message_id = "a:personal-29:sian", "Dafydd Price", "|to-owner"
    else:
        question = await _passed_on(client, connector)
        press = card_action(SIAN, "ask.reply", {"q": question, "reply": "See the staff handbook."}, connector.url)
        recipient, sought, message_id = "a:personal-29:carys", "See the staff handbook.", "|reply"
    _outbox_write_lands_but_times_out(monkeypatch, message_id)

    failed = await (await client.post("/api/messages", json=press)).json()
    await client.app[SERVICES].deliverer.drain()
    await client.app[SERVICES].deliverer.deliver_due()  # the next delivery pass
    await client.app[SERVICES].deliverer.drain()
    [row] = await _rows(azurite, table_prefix + "questions")
    reached = [c for c in connector.cards(recipient) if sought in json.dumps(c)]
    again = await (await client.post("/api/messages", json=press)).json()
    await client.app[SERVICES].deliverer.drain()

    assert "couldn't reach" in json.dumps(failed["value"])
    assert row.get("EscalatedAt" if undone == "pass-on" else "RepliedAt") is None
    assert reached == [], "a card was sent for what had been undone"
    assert "couldn't reach" not in json.dumps(again["value"])
    assert len([c for c in connector.cards(recipient) if sought in json.dumps(c)]) == 1


async def test_the_reply_comes_in_the_language_the_asker_chose_after_asking(client: TestClient,
                                                                           connector: Connector) -> None:
    """Carys asks in English, then chooses Cymraeg before the headteacher replies."""
    question = await _passed_on(client, connector)
    await client.post("/api/messages", json=message(CARYS, "Cymraeg", connector.url))

    await _reply(client, connector, SIAN, question, "See the staff handbook.")

    reply = json.dumps(connector.cards("a:personal-29:carys")[-1], ensure_ascii=False)
    assert "See the staff handbook." in reply
    assert "replied" not in reply.lower() and "your question" not in reply.lower()


@pytest.mark.parametrize(("asked", "locale", "shown", "not_shown"), [
    ("Faint o ddiwrnodau o wyliau blynyddol sydd gen i?", "en-GB", "wedi ateb eich cwestiwn", "replied"),
    (QUESTION, "cy-GB", "wedi ateb eich cwestiwn", "replied"),
    (QUESTION, "en-GB", "replied to your question", "wedi ateb")])
async def test_the_reply_comes_in_the_language_the_question_was_answered_in(
        client: TestClient, connector: Connector, asked: str, locale: str, shown: str, not_shown: str) -> None:
    """Carys asks in Welsh from a Teams in English (her answer and the pass-on were in Welsh), or in English from a
    Teams in Welsh; Siân replies in English. The reply card came in the language of her Teams, so a question asked
    and passed on in Welsh was answered with an English card."""
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await client.post("/api/messages", json=message(CARYS, asked, connector.url, locale=locale))
    question = str(verb_data(connector.cards("a:personal-29:carys")[-1], "ask.escalate")["q"])
    passed = await press(client, connector, card_action(CARYS, "ask.escalate", {"q": question}, connector.url,
                                                        locale=locale))

    await _reply(client, connector, SIAN, question, "Twenty-five days.")

    reply = json.dumps(connector.cards("a:personal-29:carys")[-1], ensure_ascii=False)
    assert "Twenty-five days." in reply and shown in reply and not_shown not in reply
    in_welsh = shown == "wedi ateb eich cwestiwn"
    assert ("wedi anfon eich cwestiwn" in json.dumps(passed, ensure_ascii=False)) == in_welsh


# Correcting a reply: the person who replied (or whoever holds the role the question went to) corrects a mistake.

CORRECTED = {"en-GB": ("Correct my reply", "Send correction", "corrected the reply to your question"),
             "cy-GB": ("Cywiro fy ateb", "Anfon y cywiriad", "wedi cywiro'r ateb i'ch cwestiwn")}


async def _replied_to(client: TestClient, connector: Connector, locale: str = "en-GB") -> tuple[str, dict[str, Any]]:
    """Carys's question, passed to Siân, who replies "Twenty days."; its id and the card Siân then sees."""
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url, locale=locale))
    await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url, locale=locale))
    question = str(verb_data(connector.cards("a:personal-29:carys")[-1], "ask.escalate")["q"])
    await press(client, connector, card_action(CARYS, "ask.escalate", {"q": question}, connector.url, locale=locale))
    sent = await press(client, connector, card_action(SIAN, "ask.reply", {"q": question, "reply": "Twenty days."},
                                                      connector.url, locale=locale))
    return question, sent


@pytest.mark.parametrize("locale", ["en-GB", "cy-GB"])
async def test_the_headteacher_corrects_her_reply_and_the_asker_gets_the_corrected_words_once(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str) -> None:
    """Siân replied "Twenty days." by mistake: a second Send said "already replied" and Carys only ever had the
    mistake. Now Correct my reply opens the box with her reply in it; the correction reaches Carys once, however many
    times Send correction is pressed, and the record keeps both replies."""
    question, sent = await _replied_to(client, connector, locale)
    button, send, told = CORRECTED[locale]
    [first_row] = await _rows(azurite, table_prefix + "questions")

    opened = await press(client, connector, card_action(SIAN, "ask.correct_reply",
                                                        verb_data(sent, "ask.correct_reply"), connector.url,
                                                        locale=locale))
    correction = {**verb_data(opened, "ask.reply"), "reply": "Twenty-five days, as your contract says."}
    corrected = await press(client, connector, card_action(SIAN, "ask.reply", correction, connector.url,
                                                           locale=locale))
    again = await press(client, connector, card_action(SIAN, "ask.reply", correction, connector.url, locale=locale))

    assert button in json.dumps(sent, ensure_ascii=False)
    box = next(b for b in opened["body"] if b.get("id") == "reply")
    assert box["value"] == "Twenty days." and send in json.dumps(opened, ensure_ascii=False)
    assert "Twenty-five days, as your contract says." in json.dumps(corrected) and button in json.dumps(
        corrected, ensure_ascii=False)
    assert "Nothing was changed" in json.dumps(again) or "Does dim wedi newid" in json.dumps(again, ensure_ascii=False)
    to_carys = [json.dumps(c, ensure_ascii=False) for c in connector.cards("a:personal-29:carys")]
    told_of = [c for c in to_carys if told in c]
    assert len(told_of) == 1 and "Twenty-five days, as your contract says." in told_of[0]
    [row] = await _rows(azurite, table_prefix + "questions")
    assert (row["Reply"], row["FirstReply"], row["CorrectedById"], row["CorrectedBy"]) == (
        "Twenty-five days, as your contract says.", "Twenty days.", SIAN["aadObjectId"], "Mrs Siân Roberts")
    assert row["RepliedAt"] == first_row["RepliedAt"] and row["CorrectedAt"] > row["RepliedAt"]


async def test_an_empty_or_overlong_correction_is_refused_and_changes_nothing(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    question, sent = await _replied_to(client, connector)
    opened = await press(client, connector, card_action(SIAN, "ask.correct_reply",
                                                        verb_data(sent, "ask.correct_reply"), connector.url))
    before = await _rows(azurite, table_prefix + "questions")
    cards_before = len(connector.cards("a:personal-29:carys"))

    empty = await press(client, connector, card_action(SIAN, "ask.reply", {**verb_data(opened, "ask.reply"),
                                                                         "reply": "  "}, connector.url))
    long = await press(client, connector, card_action(SIAN, "ask.reply", {**verb_data(opened, "ask.reply"),
                                                                        "reply": "x" * 2001}, connector.url))

    assert "Please write a reply" in json.dumps(empty) and "Send correction" in json.dumps(empty)
    assert "The reply is too long (2001 characters" in json.dumps(long) and "Send correction" in json.dumps(long)
    assert await _rows(azurite, table_prefix + "questions") == before
    assert len(connector.cards("a:personal-29:carys")) == cards_before


@pytest.mark.parametrize("person", [FFION, OWAIN, CARYS], ids=["the head's named delegate", "a colleague",
                                                                  "the asker"])
async def test_nobody_else_can_open_or_send_a_correction(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, person: dict[str, str]) -> None:
    question, sent = await _replied_to(client, connector)
    opened = await press(client, connector, card_action(SIAN, "ask.correct_reply",
                                                        verb_data(sent, "ask.correct_reply"), connector.url))
    before = await _rows(azurite, table_prefix + "questions")
    peeked = await press(client, connector, card_action(person, "ask.correct_reply", {"q": question}, connector.url))
    sent_by_them = await press(client, connector, card_action(person, "ask.reply", {
        **verb_data(opened, "ask.reply"), "reply": "Thirty days."}, connector.url))

    for seen in (peeked, sent_by_them):
        assert "Twenty days" not in json.dumps(seen) and "Dafydd Price" not in json.dumps(seen)
        assert "can't find that record" in json.dumps(seen)
    assert await _rows(azurite, table_prefix + "questions") == before
    assert not any("Thirty days." in json.dumps(c) for c in connector.cards("a:personal-29:carys"))


async def test_the_review_list_offers_the_person_who_replied_a_correction(client: TestClient,
                                                                         connector: Connector) -> None:
    question, _ = await _replied_to(client, connector)

    listed = await press(client, connector, card_action(SIAN, "ask.review", {}, connector.url))
    opened = await press(client, connector, card_action(SIAN, "ask.correct_reply",
                                                        verb_data(listed, "ask.correct_reply"), connector.url))

    assert verb_data(listed, "ask.correct_reply") == {"q": question}
    assert next(b for b in opened["body"] if b.get("id") == "reply")["value"] == "Twenty days."


# The reply card Carys already has, once the reply is corrected.

CARYS_CHAT = "a:personal-29:carys"
FIXED = "Twenty-five days, as your contract says."
# What the card with the first reply says once it is corrected, in each language.
REPLY_WAS_CORRECTED = {"en": "Mrs Siân Roberts corrected this reply",
                       "cy": "Mae Mrs Siân Roberts wedi cywiro'r ateb hwn"}


def _updated_in(connector: Connector, chat: str) -> list[dict[str, Any]]:
    """The messages edited in place in one chat (Siân's cards of a question are edited too, once she replies)."""
    return [a for a in connector.updated if a["conversation"]["id"] == chat]


def _reply_activity(connector: Connector) -> dict[str, Any]:
    """The message that brought Carys the first reply."""
    [sent] = [a for a in connector.sent if a["conversation"]["id"] == CARYS_CHAT and "Twenty days." in json.dumps(a)]
    return sent


async def _correct(client: TestClient, connector: Connector, sent: dict[str, Any], words: str,
                   locale: str = "en-GB") -> dict[str, Any]:
    """Siân opens Correct my reply on `sent` (the card she replied from) and sends `words`; the card she then sees."""
    opened = await press(client, connector, card_action(SIAN, "ask.correct_reply", verb_data(sent, "ask.correct_reply"),
                                                        connector.url, locale=locale))
    correction = {**verb_data(opened, "ask.reply"), "reply": words}
    return await press(client, connector, card_action(SIAN, "ask.reply", correction, connector.url, locale=locale))


@pytest.mark.parametrize(("locale", "chooses", "sent_in", "told_in"), [
    ("en-GB", "", "en", "en"), ("cy-GB", "", "cy", "cy"), ("en-GB", "Cymraeg", "en", "cy")],
    ids=["English", "Welsh", "chose Welsh after the reply"])
async def test_a_correction_updates_the_reply_card_in_the_askers_chat_in_the_language_it_was_sent_in(
        client: TestClient, connector: Connector, locale: str, chooses: str, sent_in: str, told_in: str) -> None:
    """Siân corrected her reply: Carys got a new card, but the card with the mistake stayed as it was above it, so
    scrolling up she read "Twenty days." as the school's answer. Now that card is updated in place to say it was
    corrected, with the corrected words, in the language it was sent in; and the new card still comes."""
    _, sent = await _replied_to(client, connector, locale)
    first = _reply_activity(connector)
    if chooses:
        await client.post("/api/messages", json=message(CARYS, chooses, connector.url, locale=locale))
    cards_before = len(connector.cards(CARYS_CHAT))

    await _correct(client, connector, sent, FIXED, locale)

    [updated] = [a for a in connector.updated if a["id"] == first["id"]]
    shown = json.dumps(updated["attachments"][0]["content"], ensure_ascii=False)
    assert REPLY_WAS_CORRECTED[sent_in] in shown and FIXED in shown and "Twenty days." not in shown
    assert QUESTION in shown
    [told] = [json.dumps(c, ensure_ascii=False) for c in connector.cards(CARYS_CHAT)[cards_before:]]
    assert CORRECTED["cy-GB" if told_in == "cy" else "en-GB"][2] in told and FIXED in told


async def test_a_second_correction_updates_the_same_card_again_and_the_record_keeps_every_correction(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Only the first reply and the latest correction were kept: a correction in between was lost from the record."""
    _, sent = await _replied_to(client, connector)
    first = _reply_activity(connector)
    corrected = await _correct(client, connector, sent, "Twenty-two days.")

    await _correct(client, connector, corrected, FIXED)

    updates = [json.dumps(a, ensure_ascii=False) for a in connector.updated if a["id"] == first["id"]]
    assert len(updates) == 2 and "Twenty-two days." in updates[0] and FIXED in updates[1]
    assert "Twenty-two days." not in updates[1]
    [row] = await _rows(azurite, table_prefix + "questions")
    kept = json.loads(row["Corrections"])
    assert [(c["Reply"], c["By"], c["ById"]) for c in kept] == [
        ("Twenty-two days.", "Mrs Siân Roberts", SIAN["aadObjectId"]), (FIXED, "Mrs Siân Roberts", SIAN["aadObjectId"])]
    assert kept[0]["At"] < kept[1]["At"] and (row["FirstReply"], row["Reply"]) == ("Twenty days.", FIXED)


@pytest.mark.parametrize("why", ["Teams refuses the update", "no id was kept for the card"])
async def test_when_the_reply_card_cannot_be_updated_the_correction_still_comes_once_and_nothing_else(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, why: str) -> None:
    """The card with the first reply is gone from Teams, or was sent by an earlier release that kept no id for it:
    the new card saying the reply was corrected still comes, once; nothing is posted in place of the update, and
    nothing is left waiting to be tried again."""
    _, sent = await _replied_to(client, connector)
    if why.startswith("Teams"):
        connector.fail_next_update, connector.fail_updates_in = [404], CARYS_CHAT
    else:
        async with TableClient.from_connection_string(azurite, table_prefix + "outbox") as outbox:
            slots = [row async for row in outbox.list_entities() if str(row["RowKey"]).startswith("slot|")
                     and CARYS["aadObjectId"] in str(row["PartitionKey"])]
            assert slots, "the place of Carys's reply card was kept"
            for row in slots:
                await outbox.delete_entity(row["PartitionKey"], row["RowKey"])
    cards_before = len(connector.cards(CARYS_CHAT))

    await _correct(client, connector, sent, FIXED)
    await client.app[SERVICES].deliverer.deliver_due()
    await client.app[SERVICES].deliverer.drain()

    assert _updated_in(connector, CARYS_CHAT) == [] and connector.fail_next_update == []
    [told] = [json.dumps(c, ensure_ascii=False) for c in connector.cards(CARYS_CHAT)[cards_before:]]
    assert CORRECTED["en-GB"][2] in told and FIXED in told
    assert [r for r in await _rows(azurite, table_prefix + "outbox") if r["RowKey"].startswith("msg|")] == []


async def test_a_reply_corrected_before_it_reached_the_asker_is_never_sent_and_the_correction_comes_alone(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Teams refused the reply card, so it waits to be tried again; Siân corrects it meanwhile. Carys gets the
    correction's card only: never the mistake, nor a card posted in place of the update."""
    question = await _passed_on(client, connector)
    connector.fail_next = [503]
    sent = await press(client, connector, card_action(SIAN, "ask.reply", {"q": question, "reply": "Twenty days."},
                                                      connector.url))
    assert connector.fail_next == [] and not [c for c in connector.cards(CARYS_CHAT) if "Twenty days." in json.dumps(c)]

    await _correct(client, connector, sent, FIXED)
    await client.app[SERVICES].deliverer.deliver_due()
    await client.app[SERVICES].deliverer.drain()

    to_carys = [json.dumps(c, ensure_ascii=False) for c in connector.cards(CARYS_CHAT)]
    assert not [c for c in to_carys if "Twenty days." in c or REPLY_WAS_CORRECTED["en"] in c]
    assert len([c for c in to_carys if FIXED in c and CORRECTED["en-GB"][2] in c]) == 1
    assert _updated_in(connector, CARYS_CHAT) == []
    assert [r for r in await _rows(azurite, table_prefix + "outbox") if r["RowKey"].startswith("msg|")] == []


def _sent_now(activity: dict[str, Any], message_id: str) -> dict[str, Any]:
    """The activity as Teams sends a message typed now: its message id, and when the service received it."""
    activity["id"] = message_id
    activity["timestamp"] = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return activity


@pytest.mark.parametrize("typed", [
    "Can I be friends with pupils on Facebook?", "How many days of annual leave do I get?",
    "Can I accept a friend request from a pupil? And can I post trip photos on Instagram?",
], ids=["answered", "not-covered", "two-questions"])
async def test_a_message_teams_sends_again_is_kept_and_answered_once(client: TestClient, connector: Connector,
                                                                     azurite: str, table_prefix: str,
                                                                     typed: str) -> None:
    """Teams sends a message again, the same activity, when its HTTP request was not answered in time (storage slow, an
    instance restarting): it was kept twice and answered twice, a not-covered one listed twice for the head's review."""
    sent = _sent_now(message(CARYS, typed, connector.url), "1764979200123")
    await client.post("/api/messages", json=sent)
    kept, answered = await _rows(azurite, table_prefix + "questions"), len(connector.cards())

    again = await client.post("/api/messages", json=copy.deepcopy(sent))

    assert again.status == 200
    assert len(await _rows(azurite, table_prefix + "questions")) == len(kept)
    assert len(connector.cards()) == answered


async def test_a_follow_up_teams_sends_again_is_kept_and_answered_once(client: TestClient, connector: Connector,
                                                                       azurite: str, table_prefix: str) -> None:
    """A resent follow-up found itself as the question it went on from, and was kept again as asked twice over."""
    await client.post("/api/messages", json=_sent_now(message(CARYS, "Can I friend a parent on Facebook?",
                                                              connector.url), "1764979200126"))
    follow_up = _sent_now(message(CARYS, "And what about Instagram?", connector.url), "1764979200127")
    await client.post("/api/messages", json=follow_up)

    await client.post("/api/messages", json=copy.deepcopy(follow_up))

    kept = sorted(row["Text"] for row in await _rows(azurite, table_prefix + "questions"))
    assert kept == ["Can I friend a parent on Facebook?",
                    "Can I friend a parent on Facebook? And what about Instagram?"]
    assert len(connector.cards()) == 2


async def test_the_same_words_in_another_message_are_kept_and_answered_again(client: TestClient, connector: Connector,
                                                                            azurite: str, table_prefix: str) -> None:
    for message_id in ("1764979200124", "1764979200125"):
        await client.post("/api/messages", json=_sent_now(message(CARYS, "How many days of annual leave do I get?",
                                                                  connector.url), message_id))
    await client.post("/api/messages", json=_sent_now(message(OWAIN, "How many days of annual leave do I get?",
                                                              connector.url), "1764979200124"))

    assert len(await _rows(azurite, table_prefix + "questions")) == 3
    assert len(connector.cards()) == 3


# One question, two cards in the policy owner's chat: the one it came in, and one Questions for review opened.

SIAN_CHAT = "a:personal-29:sian"


def _last_card_activity(connector: Connector, chat: str) -> dict[str, Any]:
    """The last message with a card sent to a chat."""
    return [a for a in connector.sent if a["conversation"]["id"] == chat and a.get("attachments")][-1]


def _updates_of(connector: Connector, activity: dict[str, Any]) -> list[str]:
    """What each edit of one message in place shows, oldest first."""
    return [json.dumps(a["attachments"][0]["content"], ensure_ascii=False) for a in connector.updated
            if a["id"] == activity["id"]]


async def _two_copies(client: TestClient, connector: Connector) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Carys's question passed to Siân, then opened again by Siân from Questions for review: its id, the message it came
    in and the message the list opened."""
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
    question = str(verb_data(connector.cards("a:personal-29:carys")[-1], "ask.escalate")["q"])
    await press(client, connector, card_action(CARYS, "ask.escalate", {"q": question}, connector.url))
    came_in = _last_card_activity(connector, SIAN_CHAT)
    listed = await press(client, connector, card_action(SIAN, "ask.review", {}, connector.url))
    await press(client, connector, card_action(SIAN, "ask.question", verb_data(listed, "ask.question"), connector.url))
    opened = _last_card_activity(connector, SIAN_CHAT)
    assert came_in["id"] != opened["id"] and verb_data(opened["attachments"][0]["content"], "ask.reply")
    return question, came_in, opened


@pytest.mark.parametrize("replied_on", ["the card the list opened", "the card it came in"])
async def test_a_reply_sent_on_one_card_of_a_question_shows_on_the_other(
        client: TestClient, connector: Connector, replied_on: str) -> None:
    """Siân had Carys's question on the card it came in and opened it again from Questions for review (scrolling on her
    phone). She replied on one; the other kept its empty reply box, and Send reply pressed there later replaced the
    question with "Sorry — Mrs Siân Roberts already replied", what she had typed lost. Each card now shows the reply,
    edited in place, with Correct my reply; so does a correction."""
    question, came_in, opened = await _two_copies(client, connector)
    pressed, other = (opened, came_in) if replied_on == "the card the list opened" else (came_in, opened)

    await press(client, connector, card_action(SIAN, "ask.reply", {"q": question, "reply": "Twenty days."},
                                               connector.url, reply_to_id=pressed["id"]))
    await _correct(client, connector, {"body": [], "actions": [
        {"type": "Action.Execute", "verb": "ask.correct_reply", "data": {"q": question}}]}, FIXED)

    [replied, corrected] = _updates_of(connector, other)[-2:]
    for shown, words in ((replied, "Twenty days."), (corrected, FIXED)):
        assert "Replied by Mrs Siân Roberts" in shown and words in shown and "Correct my reply" in shown
        assert '"id": "reply"' not in shown and QUESTION in shown
    assert "Corrected by Mrs Siân Roberts" in corrected and "Twenty days." not in corrected


async def test_a_question_whose_record_storage_kept_but_answered_500_is_still_answered_and_kept_once(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Storage keeps Carys's question and then answers 500 (Azure's front end timing out on a write the table took);
    the storage client tries again and is told the row is there. Before, the bot took that row for Teams sending her
    message again, already answered, and said nothing at all: she never got the answer."""
    async with StorageAnswering500(azurite).running() as storage:
        settings = local_settings(storage.connection_string, table_prefix, FIXTURE_POLICY_FILE)
        client: TestClient = await aiohttp_client(create_app(settings))
        await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
        shown = len(connector.cards())
        storage.fail_next_write(table_prefix + "questions")

        await client.post("/api/messages", json=message(CARYS, "Can I be friends with pupils on Facebook?",
                                                        connector.url))

    answers = connector.cards()[shown:]
    assert storage.failed
    assert len(answers) == 1 and any("friends" in q for q in _quotes(answers[0]))
    assert "ask.feedback" in json.dumps(answers[0])  # kept, so it can be rated
    assert len(await _rows(azurite, table_prefix + "questions")) == 1


async def test_a_question_passed_on_whose_write_storage_made_but_answered_500_reaches_the_head(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Carys presses "Ask the headteacher"; storage records it as passed on and then answers 500, so its client tries
    again and is told the row has changed. Before, the bot took that for another press having passed it on: Carys was
    told it had gone to Mrs Siân Roberts, whose reply would come, and no card ever reached Siân."""
    async with StorageAnswering500(azurite).running() as storage:
        settings = local_settings(storage.connection_string, table_prefix, FIXTURE_POLICY_FILE)
        client: TestClient = await aiohttp_client(create_app(settings))
        for person in (SIAN, CARYS):
            await client.post("/api/messages", json=message(person, "hi", connector.url))
        await client.post("/api/messages", json=message(CARYS, "How many days of annual leave do I get?",
                                                        connector.url))
        asked = verb_data(connector.cards()[-1], "ask.escalate")
        storage.fail_next_write(table_prefix + "questions")

        passed = await press(client, connector, card_action(CARYS, "ask.escalate", asked, connector.url))

    assert storage.failed
    assert "passed this question to Mrs Siân Roberts" in json.dumps(passed, ensure_ascii=False)
    assert len([c for c in connector.cards("a:personal-29:sian") if "annual leave" in json.dumps(c)]) == 1


async def test_the_heads_reply_whose_write_storage_made_but_answered_500_reaches_the_asker(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Siân sends her reply to Carys's question; storage records it and then answers 500, so its client tries again and
    is told the row has changed. Before, the bot took that for someone else having replied first: Siân was told she had
    already replied, and the reply never reached Carys."""
    async with StorageAnswering500(azurite).running() as storage:
        settings = local_settings(storage.connection_string, table_prefix, FIXTURE_POLICY_FILE)
        client: TestClient = await aiohttp_client(create_app(settings))
        for person in (SIAN, CARYS):
            await client.post("/api/messages", json=message(person, "hi", connector.url))
        await client.post("/api/messages", json=message(CARYS, "How many days of annual leave do I get?",
                                                        connector.url))
        await press(client, connector, card_action(CARYS, "ask.escalate",
                                                   verb_data(connector.cards()[-1], "ask.escalate"), connector.url))
        question_id = verb_data(connector.cards("a:personal-29:sian")[-1], "ask.reply")["q"]
        storage.fail_next_write(table_prefix + "questions")

        await press(client, connector, card_action(
            SIAN, "ask.reply", {"q": question_id, "reply": "See the staff handbook, section 4."}, connector.url))

    assert storage.failed
    assert "See the staff handbook, section 4." in json.dumps(connector.cards("a:personal-29:carys")[-1])
