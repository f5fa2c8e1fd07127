"""Storage contract: what every backend of the foundation's ports must do, run against Azurite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import ConcurrentChange, RecordNotFound
from bot.domain.outbox import CardSlot, DeliveryState, OutboundMessage, Outbox
from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfile, UserProfiles
from bot.storage.outbox import TableOutbox
from bot.storage.tables import TableStore, service_client
from bot.storage.users import TableUserProfiles

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
SIAN = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["users", "outbox"])
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
