"""Rate-limit contract, run against Tables (Azurite) and memory: what every `RateLimiter` backend must do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.limits import Limit, RateLimited, RateLimiter
from tests.storage.conftest import Backend

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


class TestRateLimiter(RateLimiterContract):
    @pytest.fixture
    async def limiter(self, backend: Backend) -> RateLimiter:
        return await backend.rate_limiter()

    @pytest.fixture
    async def other_instance(self, backend: Backend) -> AsyncIterator[RateLimiter]:
        async with backend.other() as other:
            yield await other.rate_limiter()
