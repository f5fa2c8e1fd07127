"""How the Table outbox stores and reads messages, against Azurite with its calls counted: one person's messages
queued together are one transaction, one stored already does not keep the others out, and a card posted for the
first time has no place looked up until it has been tried."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bench.proxy import Counts
from bot.domain.outbox import OutboundMessage
from bot.domain.people import Person
from bot.storage.outbox import TableOutbox
from tests.support.counted import counted_store

TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
SIAN = Person(TENANT, "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _message(message_id: str, recipient: Person = CARYS, text: str = "") -> OutboundMessage:
    return OutboundMessage(recipient=recipient, message_id=message_id,
                           card={"type": "AdaptiveCard", "n": text or message_id}, created_at=NOW)


@asynccontextmanager
async def _outbox(azurite: str, table_prefix: str) -> AsyncIterator[tuple[TableOutbox, Counts]]:
    async with counted_store(azurite, table_prefix, ["outbox", "outboxsent"]) as (store, counts):
        yield TableOutbox(store), counts


async def test_one_persons_messages_queued_together_are_one_write(azurite: str, table_prefix: str) -> None:
    async with _outbox(azurite, table_prefix) as (outbox, counts):
        before = counts.snapshot()
        await outbox.enqueue([_message("status"), _message("decision"), _message("copy", SIAN)])
        made = counts.snapshot() - before
        carys = [m.message_id for m in await outbox.list_for_recipient(CARYS)]
        sian = [m.message_id for m in await outbox.list_for_recipient(SIAN)]

    assert made == {"POST /devstoreaccount1/$batch": 1, "POST outbox": 1}
    assert sorted(carys) == ["decision", "status"] and sian == ["copy"]


async def test_a_message_stored_already_is_kept_and_the_others_are_stored(azurite: str, table_prefix: str) -> None:
    async with _outbox(azurite, table_prefix) as (outbox, counts):
        await outbox.enqueue([_message("status", text="first")])
        before = counts.snapshot()
        await outbox.enqueue([_message("status", text="again"), _message("decision"), _message("status")])
        made = counts.snapshot() - before
        cards = {m.message_id: m.card["n"] for m in await outbox.list_for_recipient(CARYS)}

    assert cards == {"status": "first", "decision": "decision"}
    # The transaction refused whole, then one create each (of the two, one finds its message stored).
    assert made == {"POST /devstoreaccount1/$batch": 1, "POST outbox": 2}


async def test_a_first_post_never_tried_has_no_place_looked_up_and_once_tried_it_has(
        azurite: str, table_prefix: str) -> None:
    new_card = replace(_message("P-1|pending|to-sian", SIAN), card_key="P-1|decide", first_post=True)
    async with _outbox(azurite, table_prefix) as (outbox, counts):
        await outbox.enqueue([new_card])
        before = counts.snapshot()
        [listed] = (await outbox.owed_to(SIAN)).messages
        untried = counts.snapshot() - before
        claimed = await outbox.claim(listed, NOW, checked=True)
        await outbox.release(claimed.retry_later(NOW - timedelta(hours=1), "the connector failed"))
        before = counts.snapshot()
        [again] = (await outbox.owed_to(SIAN)).messages
        tried = counts.snapshot() - before

    assert listed.first_post and untried == {"GET outbox": 1, "GET outboxsent": 1}  # the queue, its sent rows
    assert again.first_post and again.attempts == 1
    assert tried == {"GET outbox": 2, "GET outboxsent": 1}  # ... and where its card is, should it be anywhere


async def test_a_reminder_kept_back_for_school_hours_is_stored_so_and_due_only_then(azurite: str,
                                                                                    table_prefix: str) -> None:
    morning = NOW + timedelta(hours=10)
    async with _outbox(azurite, table_prefix) as (outbox, _):
        await outbox.enqueue([replace(_message("reminder"), not_before=morning), _message("status")])
        [listed] = [m for m in await outbox.list_for_recipient(CARYS) if m.message_id == "reminder"]
        due_now = [m.message_id for m in await outbox.list_due(NOW)]
        due_then = [m.message_id for m in await outbox.list_due(morning)]

    assert listed.not_before == morning
    assert due_now == ["status"] and sorted(due_then) == ["reminder", "status"]
