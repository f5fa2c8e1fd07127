"""`python -m bench.load_test --conversations N`: mixed load (questions, requests, decisions) on loopback, bounded."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench import load, procs
from bench.load import Driver, Outcome, Stats

STRINGS = procs.REPO / "cards" / "strings" / "common.json"


def _error_title() -> str:
    strings: dict[str, dict[str, str]] = json.loads(STRINGS.read_text(encoding="utf-8"))
    return strings["error.title"]["en"]


def _is_error_card(card: Any, title: str) -> bool:
    if isinstance(card, dict):
        if card.get("type") == "TextBlock" and card.get("text") == title:
            return True
        return any(_is_error_card(value, title) for value in card.values())
    if isinstance(card, list):
        return any(_is_error_card(item, title) for item in card)
    return False


@dataclass
class Budget:
    """Bounds the run in time and in requests."""

    deadline: float
    requests_left: int
    stopped: Counter[str] = field(default_factory=Counter)

    def take(self) -> bool:
        """True if one more request may be sent."""
        if time.perf_counter() >= self.deadline:
            self.stopped["time"] += 1
            return False
        if self.requests_left <= 0:
            self.stopped["requests"] += 1
            return False
        self.requests_left -= 1
        return True


# The headteacher answers every question passed on, but she is one person: a few presses at once (a laptop, a phone),
# never two hundred. The bot refuses a person's 17th turn at once as busy (bot/edge/admission.py, PER_SENDER), and a
# run that had her press every Reply the moment it was asked had her told so dozens of times.
HEAD_PRESSES_AT_ONCE = 4


async def conversation(driver: Driver, index: int, turns: int, stats: Stats, budget: Budget, title: str,
                       head: asyncio.Semaphore) -> None:
    """One member of staff: greeting, a question and its feedback, a request and its decision (the headteacher's
    reply, `head` limiting how many she presses at once), the menu."""
    person = load.user(index)
    done = 0

    async def turn(outcome_coroutine: Any) -> Outcome | None:
        nonlocal done
        if done >= turns or not budget.take():
            outcome_coroutine.close()
            return None
        done += 1
        outcome: Outcome = stats.add(await outcome_coroutine)
        if outcome.ok and _is_error_card(outcome.card, title):
            stats.labels[f"error card shown: {outcome.kind}"] += 1
        return outcome

    while done < turns:
        started = done
        await turn(driver.say("greeting", person, "hi"))
        asked = await turn(driver.say("question", person, load.ANSWERED[(index + done) % len(load.ANSWERED)]))
        feedback = load.verb_data(asked.card, "ask.feedback") if asked and asked.ok else None
        if feedback is not None:
            await turn(driver.click("feedback click", person, "ask.feedback", feedback))
        request = await turn(driver.say("request: not-covered question", person,
                                        load.UNANSWERED[(index + done) % len(load.UNANSWERED)]))
        data = load.verb_data(request.card, "ask.escalate") if request and request.ok else None
        if data is not None:
            escalated = await turn(driver.click("request: escalate click", person, "ask.escalate", data))
            if escalated and escalated.ok:
                async with head:  # her wait for a free hand is not the bot's: the latency is from the press
                    await turn(driver.click("decision: headteacher reply click", load.decider(), "ask.reply",
                                            {"q": data["q"], "reply": f"Decision for request {index}: yes."}))
        await turn(driver.say("menu: policy sections", person, "policy"))
        if done == started:
            break


# Turn outcomes the bot logs that mean a person was let down: any of them fails the run.
FAILED_OUTCOMES = frozenset({"storage-unavailable", "busy", "error", "reply-not-delivered"})


async def run(args: argparse.Namespace) -> int:
    """Start what is needed, run the conversations, print the figures; 1 if anything failed."""
    title = _error_title()
    async with AsyncExitStack() as stack:
        sync = stack.enter_context(ExitStack())
        connector = await stack.enter_async_context(load.run_connector())
        bots: list[procs.BotProcess] = []
        urls = [args.url] if args.url else []
        if not urls:
            workdir = Path(sync.enter_context(tempfile.TemporaryDirectory(prefix="load-test-")))
            azurite_port = sync.enter_context(procs.azurite())
            prefix = "load" + uuid.uuid4().hex[:8]  # every instance shares the tables, as in Azure
            for number in range(args.bots):
                port = procs.free_port()
                log_path = workdir / f"bot{number}.log"
                if args.log:
                    log_path = args.log if args.bots == 1 else args.log.with_name(f"{args.log.stem}.{number + 1}.log")
                bots.append(await procs.start_bot(f"this bot ({number + 1})", ["app.py"],
                                                  procs.bot_env(azurite_port, port, prefix=prefix,
                                                                extra=procs.UNLIMITED), port, log_path))
            urls = [bot.url for bot in bots]
        session = await stack.enter_async_context(aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=args.conversations + 10),
            timeout=aiohttp.ClientTimeout(total=load.REPLY_TIMEOUT + 30)))
        driver = Driver(session, urls[0], connector, more_bots=urls[1:])
        for decider in (load.SIAN, load.FFION):
            # Deciders must have opened the bot once to be notified; not part of the measured load.
            if not (await driver.say("warm-up", decider, "hi")).ok:
                print("the bot did not answer the warm-up turn", file=sys.stderr)
                return 1
        stats = Stats()
        budget = Budget(time.perf_counter() + args.max_seconds, args.max_requests)
        cpu_before = sum(procs.cpu_seconds(bot.pid) for bot in bots)
        started = time.perf_counter()
        head = asyncio.Semaphore(HEAD_PRESSES_AT_ONCE)
        await asyncio.gather(*(conversation(driver, 1000 + i, args.turns, stats, budget, title, head)
                               for i in range(args.conversations)))
        seconds = time.perf_counter() - started
        cpu = sum(procs.cpu_seconds(bot.pid) for bot in bots) - cpu_before
        expected = sum(1 for o in stats.outcomes if o.ok and o.kind.endswith("click") and "feedback" not in o.kind)
        waited = time.perf_counter()
        await connector.wait_proactive(expected, args.notify_within)
        notified, notify_wait = len(connector.proactive), time.perf_counter() - waited
        peak = max((procs.peak_memory_mb(bot.pid) for bot in bots), default=0.0)
        for bot in bots:
            procs.stop_bot(bot)
        problems = [line for bot in bots for line in bot.log_problems()]
        outcomes_logged = sum((_turn_outcomes(bot) for bot in bots), Counter[str]())
        duplicates = len(connector.proactive) - len({json.dumps(a, sort_keys=True) for a in connector.proactive})
        print(_report(args, stats, seconds, cpu, peak, budget, (notified, expected, notify_wait, duplicates), problems,
                      outcomes_logged, connector.typing, not bots))
        failed = sum(stats.errors().values()) + len(problems) + max(expected - notified, 0) + duplicates + sum(
            n for label, n in stats.labels.items() if label.startswith("error card")) + sum(
            n for outcome, n in outcomes_logged.items() if outcome in FAILED_OUTCOMES)
        return 1 if failed else 0


def _turn_outcomes(bot: procs.BotProcess | None) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    if bot is None or bot.log_path is None or not bot.log_path.exists():
        return outcomes
    for line in bot.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("message") == "turn":
            outcomes[str(record.get("outcome"))] += 1
    return outcomes


def _report(args: argparse.Namespace, stats: Stats, seconds: float, cpu: float, peak: float, budget: Budget,
            notifications: tuple[int, int, float, int], problems: Sequence[str], logged: Counter[str], typing: int,
            external: bool) -> str:
    latencies = stats.latencies()
    errors = stats.errors()
    non_2xx = sum(n for reason, n in errors.items() if reason.startswith("http "))
    missing = errors["reply missing"]
    notified, expected, waited, duplicates = notifications
    instances = "an external bot" if external else f"{args.bots} bot process{'es' if args.bots > 1 else ''}"
    lines = [
        f"== load test: {args.conversations} concurrent conversations, up to {args.turns} turns each, against "
        f"{instances} (bounds: {args.max_seconds:g} s, {args.max_requests} requests; stopped early by: "
        f"{dict(budget.stopped) or 'nothing'}) ==",
        f"turns: {len(stats.outcomes)} in {seconds:.2f} s = {len(stats.outcomes) / seconds:.1f} turns/s",
        f"latency (all turns): p50 {load.percentile(latencies, 50) * 1000:.1f} ms, "
        f"p95 {load.percentile(latencies, 95) * 1000:.1f} ms, p99 {load.percentile(latencies, 99) * 1000:.1f} ms",
    ]
    for kind in stats.kinds():
        values = stats.latencies(kind)
        lines.append(f"  {kind:36} n={len(values):5d}  p50 {load.percentile(values, 50) * 1000:7.1f}  "
                     f"p95 {load.percentile(values, 95) * 1000:7.1f}  p99 {load.percentile(values, 99) * 1000:7.1f} ms")
    if not external:
        lines.append(f"bot process{'es' if args.bots > 1 else ''}: {cpu:.2f} CPU s "
                     f"({cpu / max(len(stats.outcomes), 1) * 1000:.2f} ms/turn), peak memory {peak:.1f} MB")
    error_cards = {label: n for label, n in stats.labels.items() if label.startswith("error card")}
    lines += [
        f"errors: non-2xx {non_2xx}, replies missing {missing}, other client errors "
        f"{sum(errors.values()) - non_2xx - missing} {dict(errors) if errors else ''}".rstrip(),
        f"error cards shown to people: {sum(error_cards.values())} {error_cards or ''}".rstrip(),
        f"messages acknowledged before their turn came (shown as typing, answered later): {typing}",
        f"notifications delivered (escalations to the decider, decisions to the asker): {notified}/{expected} "
        f"within {waited:.1f} s of the load ending; sent twice: {duplicates}",
    ]
    if external:
        lines.append("bot log: not checked (--url: the bot was started elsewhere)")
    else:
        lines.append(f"exceptions/ERROR lines in the bot log: {len(problems)}"
                     + (f"; first: {problems[0][:300]}" if problems else ""))
        lines.append(f"turn outcomes logged by the bot: {dict(sorted(logged.items()))}"
                     f" (failing ones: {sum(n for o, n in logged.items() if o in FAILED_OUTCOMES)})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the bounds and run."""
    parser = argparse.ArgumentParser(prog="python -m bench.load_test", description=__doc__)
    parser.add_argument("--conversations", type=int, default=50, help="concurrent conversations (distinct people)")
    parser.add_argument("--turns", type=int, default=7, help="turns per conversation (7 = one of each kind)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="stop sending after this long")
    parser.add_argument("--max-requests", type=int, default=5000, help="stop sending after this many requests")
    parser.add_argument("--notify-within", type=float, default=20.0, help="wait this long for notifications")
    parser.add_argument("--log", type=Path, help="keep the bot's log (JSON lines) here (FILE.N.log with --bots)")
    parser.add_argument("--bots", type=int, default=1, help="bot processes sharing one Azurite (requests alternate)")
    parser.add_argument("--url", default="", help="an already running local bot (http://127.0.0.1:PORT)")
    args = parser.parse_args(argv)
    if not 1 <= args.conversations <= 1000 or args.max_requests < 1 or args.max_seconds <= 0:
        parser.error("--conversations must be 1..1000; the bounds must be positive")
    if not 1 <= args.bots <= 8 or (args.url and args.bots != 1):
        parser.error("--bots must be 1..8, and 1 with --url")
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--url must be on loopback")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
