"""The turn gate: how many turns run at once, who goes first, who is told the bot is busy; the loop's lag."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.edge.admission import FLOOR, PER_SENDER, Busy, TurnGate
from bot.loop_lag import TICK_SECONDS, LoopLag


async def _hold(gate: TurnGate, name: str, started: list[str], release: asyncio.Event, *, click: bool = False,
                within: float = 5.0) -> str:
    async with gate.admitted(click=click, within=within):
        started.append(name)
        await release.wait()
    return name


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_turns_beyond_the_limit_wait_and_start_in_arrival_order() -> None:
    gate, started, release = TurnGate(2), list[str](), asyncio.Event()

    tasks = [asyncio.create_task(_hold(gate, name, started, release)) for name in "abcd"]
    await _settle()
    running_at_first = list(started)
    release.set()
    await asyncio.gather(*tasks)

    assert running_at_first == ["a", "b"]
    assert started == ["a", "b", "c", "d"]
    assert (gate.running, gate.waiting) == (0, 0)


async def test_a_waiting_click_goes_before_messages_that_arrived_earlier() -> None:
    gate, started, release = TurnGate(1), list[str](), asyncio.Event()
    first = asyncio.create_task(_hold(gate, "first", started, release))
    await _settle()

    later = [asyncio.create_task(_hold(gate, "message 1", started, release)),
             asyncio.create_task(_hold(gate, "message 2", started, release)),
             asyncio.create_task(_hold(gate, "click", started, release, click=True))]
    await _settle()
    release.set()
    await asyncio.gather(first, *later)

    assert started == ["first", "click", "message 1", "message 2"]


async def test_a_turn_that_gets_no_place_in_time_is_busy_and_the_queue_moves_on() -> None:
    gate, started, release = TurnGate(1), list[str](), asyncio.Event()
    first = asyncio.create_task(_hold(gate, "first", started, release))
    await _settle()

    with pytest.raises(Busy):
        await _hold(gate, "impatient", started, release, click=True, within=0.05)
    patient = asyncio.create_task(_hold(gate, "patient", started, release))
    await _settle()
    release.set()
    await asyncio.gather(first, patient)

    assert started == ["first", "patient"]
    assert (gate.running, gate.waiting) == (0, 0)


async def test_a_waiting_turn_cancelled_gives_up_its_place_in_the_queue() -> None:
    gate, started, release = TurnGate(1), list[str](), asyncio.Event()
    first = asyncio.create_task(_hold(gate, "first", started, release))
    await _settle()
    cancelled = asyncio.create_task(_hold(gate, "cancelled", started, release))
    after = asyncio.create_task(_hold(gate, "after", started, release))
    await _settle()

    cancelled.cancel()
    release.set()
    await asyncio.gather(first, after)

    assert started == ["first", "after"]
    assert cancelled.cancelled()
    assert gate.running == 0


async def test_more_turns_run_while_the_loop_keeps_up_and_fewer_once_it_runs_late() -> None:
    limit = FLOOR * 2
    gate, started, release = TurnGate(limit), list[str](), asyncio.Event()
    tasks = [asyncio.create_task(_hold(gate, str(n), started, release)) for n in range(limit + 4)]
    await _settle()
    at_first = len(started)

    async with asyncio.timeout(10):  # one more place at each tick on time, up to the limit
        while len(started) < limit:  # noqa: ASYNC110 - places open with the loop's ticks
            await asyncio.sleep(TICK_SECONDS)
    await asyncio.sleep(TICK_SECONDS * 3)
    when_keeping_up = len(started)
    time.sleep(TICK_SECONDS * 5)  # noqa: ASYNC251 - the point: the loop is blocked, as by a burst of work
    await _settle()  # the next tick sees the loop ran late
    allowed_when_late = gate.allowed
    release.set()
    await asyncio.gather(*tasks)

    assert at_first == FLOOR
    assert when_keeping_up == limit
    assert FLOOR <= allowed_when_late < limit


async def test_the_loop_lag_counts_time_the_loop_was_blocked() -> None:
    lag = LoopLag.of_running_loop()
    await asyncio.sleep(TICK_SECONDS * 2)
    before = lag.total()

    time.sleep(0.2)  # noqa: ASYNC251 - the point: block the loop
    await asyncio.sleep(TICK_SECONDS * 2)

    assert lag.total() - before >= 0.15
    assert LoopLag.of_running_loop() is lag


async def _hold_as(gate: TurnGate, sender: str, name: str, started: list[str], release: asyncio.Event, *,
                   click: bool = True) -> str:
    async with gate.admitted(click=click, within=60.0, sender=sender):
        started.append(name)
        await release.wait()
    return name


async def test_a_colleagues_click_goes_before_the_rest_of_one_persons_burst() -> None:
    gate, started, release = TurnGate(1), list[str](), asyncio.Event()
    burst = [asyncio.create_task(_hold_as(gate, "owain", f"owain {n}", started, release)) for n in range(4)]
    await _settle()
    colleague = asyncio.create_task(_hold_as(gate, "carys", "carys", started, release))
    await _settle()
    release.set()
    await asyncio.gather(*burst, colleague)

    assert started == ["owain 0", "carys", "owain 1", "owain 2", "owain 3"]


async def test_turns_one_person_sends_beyond_their_share_are_refused_at_once_and_others_still_get_in() -> None:
    gate, started, release = TurnGate(1), list[str](), asyncio.Event()
    held = [asyncio.create_task(_hold_as(gate, "owain", f"owain {n}", started, release))
            for n in range(PER_SENDER)]
    await _settle()
    extra = asyncio.create_task(_hold_as(gate, "owain", "owain extra", started, release))
    colleague = asyncio.create_task(_hold_as(gate, "carys", "carys", started, release))
    await _settle()

    assert extra.done() and isinstance(extra.exception(), Busy)  # refused without waiting for a place
    assert not colleague.done()  # waiting for a place, as anyone would
    release.set()
    await asyncio.gather(*held, colleague)
    assert started[:2] == ["owain 0", "carys"] and len(started) == PER_SENDER + 1
    assert (gate.running, gate.waiting) == (0, 0)
