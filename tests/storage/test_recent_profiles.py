"""Profiles read for messages to someone else may be a few seconds old (`TableUserProfiles.recent_profile`), by a
rule that is checked here against Azurite: the person's own reads are always storage's, a save on this instance is
seen at once (even by a read that was under way), someone with no profile is never remembered as missing, and a
change saved on another instance is seen once `RECENT_SECONDS` have passed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from bench.proxy import Counts
from bot.domain.errors import RecordNotFound
from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfile, preferred_language
from bot.storage.users import RECENT_SECONDS, TableUserProfiles
from tests.support.counted import counted_store

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class Clock:
    """The cache's clock, moved on by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def _instance(azurite: str, table_prefix: str, clock: Clock | None = None, *,
                    late: tuple[str, float] = ("", 0.0)) -> AsyncIterator[tuple[TableUserProfiles, Counts]]:
    """One instance's profiles, its calls to Azurite counted by a proxy (and with `late`, answered late)."""
    async with counted_store(azurite, table_prefix, ["users"], late=late) as (store, counts):
        yield TableUserProfiles(store, clock=clock or Clock()), counts


def _profile(lang: Lang, reference: str = '{"c":1}') -> UserProfile:
    return UserProfile(person=CARYS, language=lang, conversation_ref=reference, updated_at=NOW)


async def test_reads_for_others_soon_after_one_make_no_more_calls_and_reads_at_once_make_one(
        azurite: str, table_prefix: str) -> None:
    async with _instance(azurite, table_prefix) as (profiles, counts):
        await profiles.save_profile(_profile(Lang.CY))
        at_once = await asyncio.gather(*(profiles.recent_profile(CARYS) for _ in range(5)))
        after = [await preferred_language(profiles, CARYS), (await profiles.recent_profile(CARYS)).conversation_ref]
        reads = counts.by_kind["GET users"]

    assert {p.language for p in at_once} == {Lang.CY} and after == [Lang.CY, '{"c":1}']
    assert reads == 1


async def test_the_persons_own_read_is_storages_and_a_change_elsewhere_is_seen_once_recent_seconds_pass(
        azurite: str, table_prefix: str) -> None:
    clock = Clock()
    async with _instance(azurite, table_prefix, clock) as (here, counts), \
            _instance(azurite, table_prefix) as (elsewhere, _):
        await elsewhere.save_profile(_profile(Lang.EN))
        assert (await here.recent_profile(CARYS)).language is Lang.EN
        await elsewhere.save_profile(_profile(Lang.CY, '{"c":2}'))  # she switches to Welsh on another instance

        own = await here.get_profile(CARYS)  # her own next turn here
        clock.now += RECENT_SECONDS - 0.01
        await elsewhere.save_profile(_profile(Lang.EN, '{"c":3}'))  # and back
        within = await here.recent_profile(CARYS)
        clock.now += 0.02
        after = await here.recent_profile(CARYS)

    assert (own.language, own.conversation_ref) == (Lang.CY, '{"c":2}')
    # For a message to her, what her own turn read here stands for RECENT_SECONDS, then storage is read again.
    assert (within.language, within.conversation_ref) == (Lang.CY, '{"c":2}')
    assert (after.language, after.conversation_ref) == (Lang.EN, '{"c":3}')
    assert counts.by_kind["GET users"] == 3


async def test_someone_with_no_profile_is_reached_as_soon_as_another_instance_stores_theirs(
        azurite: str, table_prefix: str) -> None:
    async with _instance(azurite, table_prefix) as (here, _), _instance(azurite, table_prefix) as (elsewhere, _):
        with pytest.raises(RecordNotFound):
            await here.recent_profile(CARYS)
        await elsewhere.save_profile(_profile(Lang.EN))  # she opens the bot, on the other instance

        found = await here.recent_profile(CARYS)

    assert found.conversation_ref == '{"c":1}'


async def test_a_read_under_way_when_this_instance_saves_is_not_kept(azurite: str, table_prefix: str) -> None:
    async with _instance(azurite, table_prefix) as (setup, _):
        await setup.save_profile(_profile(Lang.EN, '{"old":1}'))
    # Reads of her row reach Azurite at once and are answered 0.5 s later; the save is not held up.
    late = (f"GET /devstoreaccount1/{table_prefix}users(", 0.5)
    async with _instance(azurite, table_prefix, late=late) as (profiles, counts):
        reading = asyncio.create_task(profiles.recent_profile(CARYS))
        await asyncio.sleep(0.2)  # the read has reached storage; its answer is on its way
        await profiles.save_profile(_profile(Lang.CY, '{"new":1}'))  # her turn stored a new chat reference
        old = await reading
        later = await profiles.recent_profile(CARYS)

    assert old.conversation_ref == '{"old":1}'  # the read began before the save: what it returned is its own
    assert later.conversation_ref == '{"new":1}'  # ... but was not kept for later reads
    assert counts.by_kind["GET users"] == 2


async def test_a_slow_read_that_finishes_after_a_quicker_one_and_a_save_still_answers(
        azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with _instance(azurite, table_prefix) as (profiles, _):
        await profiles.save_profile(_profile(Lang.EN, '{"old":1}'))
        # Storage answers the first of two reads of her row (her laptop's click) 0.3 s late; the second (her phone's,
        # a moment later) at once, and that turn saves her profile before the first read's answer comes.
        real_read, late = TableUserProfiles._read, {"left": 1}

        async def read(self: TableUserProfiles, person: Person) -> Any:
            row = await real_read(self, person)
            if late["left"]:
                late["left"] -= 1
                await asyncio.sleep(0.3)
            return row

        monkeypatch.setattr(TableUserProfiles, "_read", read)
        laptop = asyncio.create_task(profiles.get_profile(CARYS))
        await asyncio.sleep(0.05)
        phone = await profiles.get_profile(CARYS)
        await profiles.save_profile(_profile(Lang.CY, '{"new":1}'))
        slow = await laptop
        later = await profiles.recent_profile(CARYS)

    assert (phone.conversation_ref, slow.conversation_ref) == ('{"old":1}', '{"old":1}')
    assert later.conversation_ref == '{"new":1}'  # the slow read began before the save: not kept


async def test_a_profile_stored_before_the_teams_language_was_kept_still_reads(azurite: str, table_prefix: str) -> None:
    async with _instance(azurite, table_prefix) as (profiles, _):
        await profiles.save_profile(_profile(Lang.CY))
    async with TableClient.from_connection_string(azurite, table_prefix + "users") as table:
        entity = await table.get_entity(CARYS.tenant_id, CARYS.aad_object_id)
        await table.upsert_entity({k: v for k, v in entity.items() if k != "TeamsLanguage"}, mode=UpdateMode.REPLACE)

    async with _instance(azurite, table_prefix) as (profiles, _):
        loaded = await profiles.get_profile(CARYS)

    assert (loaded.language, loaded.teams_language, loaded.conversation_ref) == (Lang.CY, None, '{"c":1}')
