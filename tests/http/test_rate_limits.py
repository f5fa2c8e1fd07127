"""Per-person limits on everything that notifies someone else (issue 19, item 7): permission requests, questions
passed to the headteacher and the replies to them. Counted in Table storage, so two instances share them; over
the limit a person gets a kind message, what they wrote stays on the card, and nobody is notified."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import create_app
from bot.settings import Settings
from tests.support.activities import CARYS, SIAN, message
from tests.support.cards import verb_data
from tests.support.concerns import CARYS_CHAT, SIAN_CHAT, click, say_hi
from tests.support.connector import Connector

# A start the form takes whenever the tests run (more than a year ahead is refused).
_TOMORROW = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()


@pytest.fixture
async def two_instances(aiohttp_client: Any, settings: Settings) -> tuple[TestClient, TestClient]:
    limited = settings.model_copy(update={"permission_limit_per_day": 2, "question_limit_per_day": 1,
                                          "reply_limit_per_day": 1})
    return await aiohttp_client(create_app(limited)), await aiohttp_client(create_app(limited))


async def _rows(azurite: str, table: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table) as client:
        return [dict(row) async for row in client.list_entities()]


def _form(purpose: str) -> dict[str, str]:
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": purpose, "audience": "parents", "pupil_content": "work",
            "consent": "Only work, no names.", "moderator": "Carys Jenkins", "moderation": "daily",
            "start": _TOMORROW, "end": "", "ongoing": "true", "confirm": "true"}


async def test_too_many_permission_requests_get_a_kind_message_on_any_instance(
        two_instances: tuple[TestClient, TestClient], connector: Connector, azurite: str, table_prefix: str) -> None:
    first, second = two_instances
    await say_hi(first, connector, CARYS, SIAN)

    answers = [await click(instance, connector, CARYS, "permission.submit", _form(f"Page number {n}"))
               for n, instance in enumerate((first, second, first, second))]

    requests = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert sorted(r["Purpose"] for r in requests) == ["Page number 0", "Page number 1"]
    assert len([c for c in connector.cards(SIAN_CHAT) if "Page number" in json.dumps(c)]) == 2
    for n, answer in enumerate(answers[2:], start=2):
        shown = json.dumps(answer)
        assert "in 24 hours" in shown and "(2, " in shown and f"Page number {n}" in shown  # what they wrote is kept
        assert "permission.submit" in shown


async def _ask_and_pass_on(client: TestClient, connector: Connector, question: str) -> tuple[str, dict[str, Any]]:
    await client.post("/api/messages", json=message(CARYS, question, connector.url))
    question_id = str(verb_data(connector.cards(CARYS_CHAT)[-1], "ask.escalate")["q"])
    return question_id, await click(client, connector, CARYS, "ask.escalate", {"q": question_id})


async def test_too_many_questions_passed_to_the_headteacher_are_kept_back(
        two_instances: tuple[TestClient, TestClient], connector: Connector, azurite: str, table_prefix: str) -> None:
    first, second = two_instances
    await say_hi(first, connector, CARYS, SIAN)

    _, passed = await _ask_and_pass_on(first, connector, "How many days of annual leave do I get?")
    kept_id, kept = await _ask_and_pass_on(second, connector, "Where do I park my car at the high school?")

    assert "passed your question" in json.dumps(passed)
    assert "in 24 hours" in json.dumps(kept) and verb_data(kept, "ask.escalate")["q"] == kept_id  # can try again
    rows = {r["RowKey"]: r for r in await _rows(azurite, table_prefix + "questions")}
    assert rows[kept_id].get("EscalatedAt") is None
    assert not any("park my car" in json.dumps(c) for c in connector.cards(SIAN_CHAT))


async def test_too_many_replies_in_a_day_are_kept_back(two_instances: tuple[TestClient, TestClient],
                                                       connector: Connector, settings: Settings, aiohttp_client: Any,
                                                       azurite: str, table_prefix: str) -> None:
    first, second = two_instances
    # Carys may pass on more questions here; the headteacher's replies are what is limited.
    asking = await aiohttp_client(create_app(settings))
    await say_hi(first, connector, CARYS, SIAN)
    one, _ = await _ask_and_pass_on(asking, connector, "How many days of annual leave do I get?")
    two, _ = await _ask_and_pass_on(asking, connector, "Where do I park my car at the high school?")

    replied = await click(first, connector, SIAN, "ask.reply", {"q": one, "reply": "Twenty-five days."})
    kept = await click(second, connector, SIAN, "ask.reply", {"q": two, "reply": "Behind the sports hall."})

    assert "Replied by" in json.dumps(replied)
    assert "in 24 hours" in json.dumps(kept) and "Behind the sports hall." in json.dumps(kept)  # the draft is kept
    rows = {r["RowKey"]: r for r in await _rows(azurite, table_prefix + "questions")}
    assert rows[two].get("Reply", "") == "" and rows[two].get("RepliedAt") is None
    told = json.dumps(connector.cards(CARYS_CHAT))
    assert "Twenty-five days." in told and "Behind the sports hall." not in told


async def test_typed_questions_past_the_days_limit_are_neither_answered_nor_kept_on_any_instance(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str) -> None:
    """TYPED_QUESTION_LIMIT_PER_DAY counted in the `ratelimits` table, so two instances share it: the third question
    (of a limit of two) is neither answered nor kept, wherever it lands."""
    limited = settings.model_copy(update={"typed_question_limit_per_day": 2})
    first, second = await aiohttp_client(create_app(limited)), await aiohttp_client(create_app(limited))
    await say_hi(first, connector, CARYS)

    for instance, question in ((first, "Can I be friends with pupils on Facebook?"),
                               (second, "Can I post photos of a school trip on Instagram?"),
                               (first, "Can I use WhatsApp with parents?")):
        await instance.post("/api/messages", json=message(CARYS, question, connector.url))

    kept = sorted(r["Text"] for r in await _rows(azurite, table_prefix + "questions"))
    assert kept == ["Can I be friends with pupils on Facebook?", "Can I post photos of a school trip on Instagram?"]
    last = json.dumps(connector.cards(CARYS_CHAT)[-1])
    assert "in 24 hours" in last and "(2, " in last and "not been answered or kept" in last
    assert [r["PartitionKey"] for r in await _rows(azurite, table_prefix + "ratelimits")] == ["typed"]
