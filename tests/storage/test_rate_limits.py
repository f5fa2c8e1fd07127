"""Rate-limit contract, run against Tables (Azurite) and memory: what every `RateLimiter` backend must do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from azure.data.tables.aio import TableClient

from bench.proxy import Counts
from bot.domain.errors import StorageUnavailable
from bot.domain.limits import CountedInBlocks, Limit, RateLimited, RateLimiter
from bot.storage.limits import TableRateLimiter
from bot.storage.table_client import Table
from tests.storage.conftest import Backend
from tests.support.counted import counted_store

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
REPORTS = Limit("reports", 3)
CARYS, OWAIN = "tenant|carys", "tenant|owain"


async def _outcomes(limiter: RateLimiter, limit: Limit, who: str, times: int, now: datetime) -> list[bool]:
    taken = []
    for _ in range(times):
        try:
            await limiter.take(limit, who, now)
            taken.append(True)
        except RateLimited:
            taken.append(False)
    return taken


class RateLimiterContract:
    """Subclass and provide `limiter` and `other_instance` (a second client of the same storage)."""

    async def test_uses_up_to_the_limit_then_refuses_until_the_window_ends(self, limiter: RateLimiter) -> None:
        taken = await _outcomes(limiter, REPORTS, CARYS, 4, NOW)

        with pytest.raises(RateLimited) as refused:
            await limiter.take(REPORTS, CARYS, NOW + timedelta(hours=23))

        assert taken == [True, True, True, False]
        assert refused.value.until == NOW + timedelta(days=1)

    async def test_a_new_window_starts_afresh(self, limiter: RateLimiter) -> None:
        await _outcomes(limiter, REPORTS, CARYS, 4, NOW)

        later = await _outcomes(limiter, REPORTS, CARYS, 4, NOW + timedelta(days=1))

        assert later == [True, True, True, False]

    async def test_people_and_limits_are_counted_apart(self, limiter: RateLimiter) -> None:
        await _outcomes(limiter, REPORTS, CARYS, 3, NOW)

        owain = await _outcomes(limiter, REPORTS, OWAIN, 1, NOW)
        escalations = await _outcomes(limiter, Limit("escalations", 1), CARYS, 2, NOW)

        assert owain == [True] and escalations == [True, False]

    async def test_uses_at_the_same_moment_on_two_instances_never_exceed_the_limit(
            self, limiter: RateLimiter, other_instance: RateLimiter) -> None:
        async def one(instance: RateLimiter) -> bool:
            try:
                await instance.take(REPORTS, CARYS, NOW)
                return True
            except RateLimited:
                return False

        results = await asyncio.gather(*(one(limiter if n % 2 else other_instance) for n in range(10)))

        assert sum(results) == 3

    async def test_a_use_given_back_can_be_taken_again(self, limiter: RateLimiter,
                                                       other_instance: RateLimiter) -> None:
        await _outcomes(limiter, REPORTS, CARYS, 3, NOW)

        await limiter.give_back(REPORTS, CARYS, NOW + timedelta(minutes=1))
        again = await _outcomes(other_instance, REPORTS, CARYS, 2, NOW + timedelta(minutes=2))

        assert again == [True, False]

    async def test_nothing_is_given_back_to_a_window_that_has_ended_or_was_never_used(
            self, limiter: RateLimiter) -> None:
        await limiter.give_back(REPORTS, CARYS, NOW)  # never used: no credit for later
        await _outcomes(limiter, REPORTS, CARYS, 3, NOW)
        await limiter.give_back(REPORTS, CARYS, NOW + timedelta(days=1))  # yesterday's window

        taken = await _outcomes(limiter, REPORTS, CARYS, 4, NOW + timedelta(days=1))

        assert taken == [True, True, True, False]


    async def test_a_use_is_not_given_back_to_a_window_that_started_after_it(self, limiter: RateLimiter) -> None:
        await _outcomes(limiter, REPORTS, CARYS, 1, NOW)  # the use that will turn out to have made nothing
        tomorrow = NOW + timedelta(days=1, minutes=1)
        await _outcomes(limiter, REPORTS, CARYS, 3, tomorrow)  # a new window, full

        await limiter.give_back(REPORTS, CARYS, NOW)  # yesterday's use, given back late

        assert await _outcomes(limiter, REPORTS, CARYS, 1, tomorrow) == [False]


    async def test_a_second_press_for_the_same_request_is_not_counted_again(
            self, limiter: RateLimiter, other_instance: RateLimiter) -> None:
        requests = Limit("requests", 1)
        await limiter.take(requests, CARYS, NOW, use="P-FORM01")

        await other_instance.take(requests, CARYS, NOW + timedelta(seconds=1), use="P-FORM01")  # her phone's press
        await limiter.take(requests, CARYS, NOW + timedelta(seconds=2), use="P-FORM01")

        for instance in (limiter, other_instance):
            with pytest.raises(RateLimited):
                await instance.take(requests, CARYS, NOW + timedelta(seconds=3), use="P-FORM02")
        with pytest.raises(RateLimited):
            await limiter.take(requests, CARYS, NOW + timedelta(seconds=3))

    async def test_a_use_given_back_is_counted_again_when_the_same_request_is_sent_again(
            self, limiter: RateLimiter) -> None:
        requests = Limit("requests", 1)
        await limiter.take(requests, CARYS, NOW, use="P-FORM01")
        await limiter.give_back(requests, CARYS, NOW)  # storage refused the request: it made nothing

        await limiter.take(requests, CARYS, NOW + timedelta(minutes=1), use="P-FORM01")  # sent again, and stored

        with pytest.raises(RateLimited):
            await limiter.take(requests, CARYS, NOW + timedelta(minutes=2), use="P-FORM02")

    async def test_a_day_that_has_ended_is_forgotten_and_a_day_still_running_still_stops_a_double_press(
            self, limiter: RateLimiter, other_instance: RateLimiter) -> None:
        reports, requests = Limit("reports", 1), Limit("requests", 1)
        await limiter.take(reports, CARYS, NOW, use="C-OLD")
        await limiter.take(requests, CARYS, NOW, use="P-OLD")
        later = NOW + timedelta(days=1, hours=1)
        await limiter.take(reports, OWAIN, later, use="C-NEW")
        await limiter.take(requests, OWAIN, later, use="P-NEW")

        await other_instance.forget_ended_days(later)

        for limit, use in ((reports, "C-NEW"), (requests, "P-NEW")):
            await limiter.take(limit, OWAIN, later + timedelta(seconds=1), use=use)  # his second press: not counted
            with pytest.raises(RateLimited):
                await limiter.take(limit, OWAIN, later + timedelta(seconds=2), use="OTHER")  # his day is still spent
            assert await _outcomes(limiter, limit, CARYS, 2, later) == [True, False]  # her new day counts afresh


    async def test_a_typed_question_given_back_goes_back_into_the_block_and_a_small_limit_is_counted_exactly(
                self, limiter: RateLimiter, other_instance: RateLimiter) -> None:
        """A message Teams sent again gives its use back to the block; a limit of two (under twenty) is counted a use at
        a time, so two instances share it exactly: the third use is refused wherever it lands."""
        typed = CountedInBlocks(limiter, Limit("typed", 20))
        for _ in range(20):
            await typed.take(CARYS, NOW)
        typed.give_back(CARYS, NOW)
        await typed.take(CARYS, NOW)
        with pytest.raises(RateLimited):
            await typed.take(CARYS, NOW)

        small = Limit("typed-small", 2)
        first, second = CountedInBlocks(limiter, small), CountedInBlocks(other_instance, small)
        await first.take(OWAIN, NOW)
        await second.take(OWAIN, NOW)
        with pytest.raises(RateLimited):
            await first.take(OWAIN, NOW)


class TestRateLimiter(RateLimiterContract):
    @pytest.fixture
    async def limiter(self, backend: Backend) -> RateLimiter:
        return await backend.rate_limiter()

    @pytest.fixture
    async def other_instance(self, backend: Backend) -> AsyncIterator[RateLimiter]:
        async with backend.other() as other:
            yield await other.rate_limiter()


@asynccontextmanager
async def _counted_limiter(azurite: str, table_prefix: str) -> AsyncIterator[tuple[TableRateLimiter, Counts]]:
    """A Table limiter whose calls to Azurite are counted by a proxy."""
    async with counted_store(azurite, table_prefix, ["ratelimits"]) as (store, counts):
        yield TableRateLimiter(store), counts


async def test_a_use_after_one_this_instance_counted_is_one_write(azurite: str, table_prefix: str) -> None:
    async with _counted_limiter(azurite, table_prefix) as (limiter, counts):
        start = counts.snapshot()
        await limiter.take(REPORTS, CARYS, NOW)
        first = counts.snapshot() - start
        await limiter.take(REPORTS, CARYS, NOW)
        second = counts.snapshot() - start - first

    assert first == {"GET ratelimits": 1, "POST ratelimits": 1}  # read (none yet), created
    assert second == {"PUT ratelimits": 1}  # replaced if unchanged since this instance wrote it


async def test_a_row_changed_elsewhere_since_this_instance_counted_is_read_again_and_counts_right(
        azurite: str, table_prefix: str) -> None:
    async with _counted_limiter(azurite, table_prefix) as (here, counts), \
            _counted_limiter(azurite, table_prefix) as (elsewhere, _):
        taken_here = await _outcomes(here, REPORTS, CARYS, 2, NOW)
        taken_elsewhere = await _outcomes(elsewhere, REPORTS, CARYS, 1, NOW)  # the third use, on another instance
        before = counts.snapshot()
        fourth = await _outcomes(here, REPORTS, CARYS, 1, NOW)
        made = counts.snapshot() - before

    assert taken_here == [True, True] and taken_elsewhere == [True] and fourth == [False]
    assert made == {"PUT ratelimits": 1, "GET ratelimits": 1}  # the write as remembered failed; storage said spent


async def test_a_limit_spent_as_this_instance_knows_it_is_read_again_before_it_refuses(
        azurite: str, table_prefix: str) -> None:
    async with _counted_limiter(azurite, table_prefix) as (limiter, _):
        spent = await _outcomes(limiter, REPORTS, CARYS, 3, NOW)
        async with TableClient.from_connection_string(azurite, table_prefix + "ratelimits") as table:
            await table.delete_entity("reports", CARYS)  # the person's uses cleared by hand
        after = await _outcomes(limiter, REPORTS, CARYS, 2, NOW)

    assert spent == [True, True, True] and after == [True, True]


async def test_a_report_made_on_a_day_long_gone_leaves_no_row_naming_it_or_its_reporter(
        azurite: str, table_prefix: str) -> None:
    async with _counted_limiter(azurite, table_prefix) as (limiter, _):
        await limiter.take(REPORTS, CARYS, NOW, use="C-OLD")
        await limiter.take(REPORTS, OWAIN, NOW + timedelta(days=1, hours=1), use="C-NEW")

        await limiter.forget_ended_days(NOW + timedelta(days=1, hours=2))

        async with TableClient.from_connection_string(azurite, table_prefix + "ratelimits") as table:
            rows = [dict(row) async for row in table.list_entities()]
    assert [(row["RowKey"], row["Use"]) for row in rows] == [(OWAIN, "C-NEW")]


async def _limits_used(azurite: str, table_prefix: str) -> list[tuple[str, str]]:
    async with TableClient.from_connection_string(azurite, table_prefix + "ratelimits") as table:
        return sorted([(str(row["PartitionKey"]), str(row["RowKey"])) async for row in table.list_entities()])


DAILY_LIMITS = [Limit(name, 1) for name in ("reports", "escalations", "requests", "questions", "replies")]


async def test_a_pass_stopped_by_a_storage_fault_keeps_every_running_day_and_the_next_pass_finishes(
        azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    later = NOW + timedelta(days=1, hours=1)
    async with _counted_limiter(azurite, table_prefix) as (limiter, _):
        for limit in DAILY_LIMITS:
            await limiter.take(limit, CARYS, NOW)
            await limiter.take(limit, OWAIN, later)
        real_delete, deletes = Table.delete_entity, {"made": 0}

        async def storage_gone_after_two(table: Table, *args: Any, **kwargs: Any) -> None:
            if deletes["made"] == 2:
                raise StorageUnavailable("injected")
            deletes["made"] += 1
            await real_delete(table, *args, **kwargs)

        monkeypatch.setattr(Table, "delete_entity", storage_gone_after_two)
        with pytest.raises(StorageUnavailable):
            await limiter.forget_ended_days(later)
        part_way = await _limits_used(azurite, table_prefix)
        monkeypatch.undo()
        await limiter.forget_ended_days(later)
        his_day = await _outcomes(limiter, DAILY_LIMITS[2], OWAIN, 1, later)

    owain = [(limit.name, OWAIN) for limit in DAILY_LIMITS]
    assert len(part_way) == 2 * len(DAILY_LIMITS) - 2 and set(owain) <= set(part_way)
    assert await _limits_used(azurite, table_prefix) == sorted(owain) and his_day == [False]


async def test_two_instances_forgetting_at_once_each_finish_and_keep_the_running_days(
        azurite: str, table_prefix: str) -> None:
    later = NOW + timedelta(days=1, hours=1)
    async with _counted_limiter(azurite, table_prefix) as (here, _), \
            _counted_limiter(azurite, table_prefix) as (elsewhere, _):
        for limit in DAILY_LIMITS:
            await here.take(limit, CARYS, NOW)
            await here.take(limit, OWAIN, later)

        await asyncio.gather(here.forget_ended_days(later), elsewhere.forget_ended_days(later))

    assert await _limits_used(azurite, table_prefix) == sorted((limit.name, OWAIN) for limit in DAILY_LIMITS)


async def test_typed_questions_are_counted_in_storage_a_block_of_ten_at_a_time_and_refused_at_the_hundred_and_first(
        azurite: str, table_prefix: str) -> None:
    """Counting each typed question made one storage write a question turn (a third round trip, over the bench's
    target of two): a block of ten is counted in one write, the hundred are still all a person may type, and the
    hundred and first is refused with the hundred, not the ten blocks, as what the person is told."""
    async with _counted_limiter(azurite, table_prefix) as (limiter, counts):
        typed = CountedInBlocks(limiter, Limit("typed", 100))
        start = counts.snapshot()
        for _ in range(100):
            await typed.take(CARYS, NOW)
        calls = sum((counts.snapshot() - start).values())
        with pytest.raises(RateLimited) as refused:
            await typed.take(CARYS, NOW + timedelta(hours=1))
        await typed.take(OWAIN, NOW)  # a colleague is not limited by it

    assert calls == 10 + 1  # a write a block, and the read before this instance's first
    assert refused.value.limit == Limit("typed", 100) and refused.value.until == NOW + timedelta(days=1)

