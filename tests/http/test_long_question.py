"""A long message (a parent's email pasted in, then "what do I do?") is echoed shortened on the asker's cards, and kept
and passed to the headteacher whole."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import SERVICES
from tests.support.activities import CARYS, SIAN, card_action, message
from tests.support.cards import verb_data
from tests.support.connector import Connector

EMAIL = {
    "en-GB": ("Tomos Evans's mum emailed me this morning. She writes that her son has been upset all week, that "
              "she has asked the office twice about the dates of the school holidays and how many days of annual "
              "leave staff take in term time, and that nobody has answered her, so she wants a meeting with me "
              "before half term and has copied in two other parents from the class. She ends by saying that she "
              "will keep writing until somebody tells her the dates. Leave dates for staff: what do I do now"),
    "cy-GB": ("Anfonodd mam Tomos Evans e-bost ata i y bore 'ma. Mae hi'n dweud bod ei mab wedi bod yn drist drwy'r "
              "wythnos, ei bod wedi gofyn i'r swyddfa ddwywaith am ddyddiadau gwyliau'r ysgol a faint o ddyddiau o "
              "wyliau blynyddol mae staff yn eu cymryd yn ystod y tymor, a does neb wedi ateb, felly mae hi eisiau "
              "cyfarfod gyda fi cyn hanner tymor ac mae hi wedi anfon copi at ddau riant arall o'r dosbarth. Mae hi'n "
              "gorffen drwy ddweud y bydd hi'n dal i ysgrifennu nes bydd rhywun yn dweud y dyddiadau wrthi. "
              "Dyddiadau gwyliau staff: beth ddylwn i ei wneud nawr"),
}
LABEL = {"en-GB": ("Your question", "The start of your question"),
         "cy-GB": ("Eich cwestiwn", "Dechrau eich cwestiwn")}


def _echoed(card: dict[str, Any], labels: tuple[str, ...]) -> str:
    """The words shown under the card's "Your question" label."""
    body = card["body"]
    for i, block in enumerate(body):
        if block.get("type") == "TextBlock" and block.get("text") in labels:
            return "".join(run["text"] for run in body[i + 1]["inlines"])
    raise AssertionError(f"no {labels} on the card")


@pytest.mark.parametrize("locale", ["en-GB", "cy-GB"])
async def test_a_pasted_email_is_shortened_on_the_askers_cards_and_kept_and_passed_on_whole(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str) -> None:
    email = EMAIL[locale]
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))

    await client.post("/api/messages", json=message(CARYS, email, connector.url, locale=locale))
    not_covered = connector.cards("a:personal-29:carys")[-1]
    await client.post("/api/messages", json=card_action(CARYS, "ask.escalate", verb_data(not_covered, "ask.escalate"),
                                                        connector.url, locale=locale))
    await client.app[SERVICES].deliverer.drain()
    head_card = connector.cards("a:personal-29:sian")[-1]
    await client.post("/api/messages", json=card_action(
        SIAN, "ask.reply", {"q": verb_data(head_card, "ask.reply")["q"], "reply": "Send her to the office."},
        connector.url))
    await client.app[SERVICES].deliverer.drain()
    reply = connector.cards("a:personal-29:carys")[-1]

    for card in (not_covered, reply):
        shown = _echoed(card, LABEL[locale])
        assert shown.endswith("…") and len(shown) <= 201
        assert email.startswith(shown[:-1]) and email[len(shown) - 1] == " "  # cut between words
        assert "what do I do" not in shown and "beth ddylwn" not in shown
    assert LABEL[locale][1] in json.dumps(not_covered, ensure_ascii=False)
    assert email in json.dumps(head_card, ensure_ascii=False)
    async with TableClient.from_connection_string(azurite, table_prefix + "questions") as table:
        [row] = [dict(row) async for row in table.list_entities()]
    assert row["Text"] == email


async def test_a_short_question_is_echoed_whole_under_its_usual_label(client: TestClient,
                                                                     connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "How many days of annual leave do I get?", connector.url))

    card = connector.cards()[-1]

    assert _echoed(card, ("Your question",)) == "How many days of annual leave do I get?"
