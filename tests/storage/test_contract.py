"""Storage contract: what every backend of the foundation's ports must do, run against Azurite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import ConcurrentChange, RecordNotFound
from bot.domain.outbox import CardSlot, DeliveryState, OutboundMessage, Outbox
from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfile, UserProfiles
from bot.storage.outbox import SENT_TABLE, TABLE, TableOutbox
from bot.storage.tables import TableStore, service_client
from bot.storage.users import TableUserProfiles

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
SIAN = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["users", "outbox", "outboxsent"])
        yield tables


def _message(message_id: str, *, card_key: str = "", recipient: Person = SIAN) -> OutboundMessage:
    return OutboundMessage(recipient=recipient, message_id=message_id, card={"type": "AdaptiveCard", "n": message_id},
                           card_key=card_key, created_at=NOW)


class UserProfilesContract:
    """Subclass and provide `profiles`."""

    async def test_missing_profile_raises(self, profiles: UserProfiles) -> None:
        with pytest.raises(RecordNotFound):
            await profiles.get_profile(CARYS)

    async def test_saved_profile_reads_back(self, profiles: UserProfiles) -> None:
        saved = UserProfile(person=CARYS, language=Lang.CY, conversation_ref='{"x":1}', updated_at=NOW)

        await profiles.save_profile(saved)
        loaded = await profiles.get_profile(CARYS)

        assert (loaded.person.name, loaded.language, loaded.conversation_ref, loaded.updated_at) == (
            "Carys Jenkins", Lang.CY, '{"x":1}', NOW)


class OutboxContract:
    """Subclass and provide `outbox`."""

    async def test_enqueue_is_idempotent(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1"), _message("m1"), _message("m2")])

        pending = await outbox.list_for_recipient(SIAN)

        assert sorted(m.message_id for m in pending) == ["m1", "m2"]

    async def test_only_one_of_two_senders_claims(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [message] = await outbox.list_for_recipient(SIAN)

        results = await asyncio.gather(outbox.claim(message, NOW), outbox.claim(message, NOW),
                                       return_exceptions=True)

        assert sum(isinstance(r, OutboundMessage) for r in results) == 1
        assert sum(isinstance(r, ConcurrentChange) for r in results) == 1

    async def test_sent_messages_leave_the_queue(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [message] = await outbox.list_for_recipient(SIAN)
        claimed = await outbox.claim(message, NOW)

        await outbox.mark_sent(claimed)

        assert await outbox.list_for_recipient(SIAN) == []
        assert await outbox.list_due(NOW) == []

    async def test_a_message_queued_again_after_it_was_sent_is_not_sent_again(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [message] = await outbox.list_for_recipient(SIAN)
        await outbox.mark_sent(await outbox.claim(message, NOW))

        await outbox.enqueue([_message("m1")])
        again = await outbox.list_for_recipient(SIAN) + await outbox.list_due(NOW)

        for queued in again:
            with pytest.raises(RecordNotFound):
                await outbox.claim(queued, NOW)
        assert await outbox.list_for_recipient(SIAN) == []
        assert await outbox.list_due(NOW) == []

    async def test_released_message_waits_for_its_time(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [message] = await outbox.list_for_recipient(SIAN)
        claimed = await outbox.claim(message, NOW)

        await outbox.release(claimed.retry_later(NOW, "503"))
        [back] = await outbox.list_for_recipient(SIAN)

        assert back.state is DeliveryState.PENDING
        assert back.attempts == 1
        assert await outbox.list_due(NOW) == []
        assert [m.message_id for m in await outbox.list_due(NOW + timedelta(hours=1))] == ["m1"]

    async def test_slots_remember_where_a_card_was_posted(self, outbox: Outbox) -> None:
        with pytest.raises(RecordNotFound):
            await outbox.get_slot(SIAN, "perm-1|head")

        await outbox.save_slot(CardSlot(SIAN, "perm-1|head", "activity-9", "a:conv"))

        assert (await outbox.get_slot(SIAN, "perm-1|head")).activity_id == "activity-9"


class TestTableUserProfiles(UserProfilesContract):
    @pytest.fixture
    def profiles(self, store: TableStore) -> UserProfiles:
        return TableUserProfiles(store)


class TestTableOutbox(OutboxContract):
    @pytest.fixture
    def outbox(self, store: TableStore) -> Outbox:
        return TableOutbox(store)


async def _message_rows(store: TableStore, table: str = TABLE) -> list[str]:
    rows = [str(row["RowKey"]) async for row in store.table(table).list_entities()]
    return [key for key in rows if key.startswith("msg|")]


@pytest.fixture
async def other_instance(azurite: str, table_prefix: str, store: TableStore) -> AsyncIterator[TableOutbox]:
    """A second bot instance: its own client and outbox over the same tables."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        yield TableOutbox(TableStore(service, prefix=table_prefix, timeout=3))


async def test_a_sent_message_leaves_the_table_the_sender_scans(store: TableStore) -> None:
    outbox = TableOutbox(store)
    await outbox.enqueue([_message("m1"), _message("m2")])
    [first, _] = await outbox.list_due(NOW)

    await outbox.mark_sent(await outbox.claim(first, NOW))

    assert await _message_rows(store) == ["msg|m2"]
    assert await _message_rows(store, SENT_TABLE) == ["msg|m1"]


async def test_two_instances_send_each_message_once_even_when_it_is_queued_again(
        store: TableStore, other_instance: TableOutbox) -> None:
    mine = TableOutbox(store)
    await mine.enqueue([_message(f"m{i}") for i in range(6)])
    sent: list[str] = []

    async def sender(outbox: TableOutbox) -> None:
        for message in await outbox.list_due(NOW):
            try:
                claimed = await outbox.claim(message, NOW)
            except (ConcurrentChange, RecordNotFound):
                continue
            sent.append(claimed.message_id)
            await outbox.enqueue([_message(claimed.message_id)])  # a flow queues it again meanwhile: no-op
            await outbox.mark_sent(claimed)

    await asyncio.gather(sender(mine), sender(other_instance))
    await other_instance.enqueue([_message(f"m{i}") for i in range(6)])  # and again, after it was sent
    await asyncio.gather(sender(mine), sender(other_instance))

    assert sorted(sent) == [f"m{i}" for i in range(6)]
    assert await _message_rows(store) == []


async def test_a_message_another_instance_took_over_does_not_vanish_under_it(
        store: TableStore, other_instance: TableOutbox) -> None:
    mine = TableOutbox(store)
    await mine.enqueue([_message("m1")])
    [message] = await mine.list_due(NOW)
    slow = await mine.claim(message, NOW, lease=timedelta(seconds=1))  # its lease runs out before it finishes
    [expired] = await other_instance.list_due(NOW + timedelta(seconds=2))
    taken_over = await other_instance.claim(expired, NOW + timedelta(seconds=2))

    with pytest.raises(ConcurrentChange):
        await mine.mark_sent(slow)

    assert await _message_rows(store) == ["msg|m1"]  # still there for the instance holding it
    await other_instance.mark_sent(taken_over)
    assert await _message_rows(store) == []


async def test_sent_rows_from_before_the_move_leave_on_the_next_scan(store: TableStore) -> None:
    outbox = TableOutbox(store)
    await outbox.enqueue([_message("old"), _message("new")])
    [old] = [m for m in await outbox.list_for_recipient(SIAN) if m.message_id == "old"]
    await outbox.release(replace(old, state=DeliveryState.SENT))  # how a sent row used to be kept

    due = await outbox.list_due(NOW)
    await outbox.enqueue([_message("old")])

    assert [m.message_id for m in due] == ["new"]
    assert await _message_rows(store, SENT_TABLE) == ["msg|old"]
    [queued_again] = [m for m in await outbox.list_for_recipient(SIAN) if m.message_id == "old"]
    with pytest.raises(RecordNotFound):
        await outbox.claim(queued_again, NOW)
