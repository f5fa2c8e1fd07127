"""The storage calls of one-click approvals, one flow at a time: `python -m bench.trace_approve [--flows N] [--same]
[--pause S]`.

Each flow is a permission request, then the headteacher's Approve on the card that reached her (as
`bench.load.approve_one_click` makes them). Every call to Azurite goes through the counting proxy, which keeps a
timeline; the tool prints, per turn, each call with when it was sent and answered (ms from the click), where the
click was answered and the cards arrived, and the calls by kind and phase: before the answer, between the Approve's
answer and the requester's card, and after. `--same`: one requester for every flow (as the bench's levels reuse
theirs), else a new one each flow; `--pause`: seconds between the warm-up, the request and the Approve (more than
5 leaves no profile read recent, see `bot/storage/users.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from bench import load, procs
from bench.proxy import Counts, Seen, counting_proxy
from bench.run import _session

PREFIX = "trace0000"
_TABLE = re.compile(r"^/[^/]+/([A-Za-z0-9$]+)(.*)$")
_BATCH_PART = re.compile(rb"\r\n(POST|PUT|PATCH|MERGE|DELETE) \S+/([A-Za-z0-9]+)(\S*) HTTP")


def _row_kind(keys: str) -> str:
    """`msg`, `slot`, `request`, ... of a RowKey in a path, or the table's own word for a key without a kind."""
    found = re.search(r"RowKey='([^'|]*)", keys)
    return found.group(1) if found else ""


def describe(seen: Seen) -> str:
    """A call as a kind: method, table (without the run's prefix) and the kind of row, or the query's purpose."""
    path, _, query = seen.path.partition("?")
    matched = _TABLE.match(unquote(path))
    if not matched:
        return f"{seen.method} {path}"
    table, rest = matched.group(1).removeprefix(PREFIX), matched.group(2)
    if table == "$batch":
        parts = [f"{op.decode()} {name.decode().removeprefix(PREFIX)}"
                 for op, name, _ in _BATCH_PART.findall(seen.body)]
        return "transaction [" + ", ".join(parts) + "]"
    if seen.method == "GET" and rest.startswith("()"):
        wanted = unquote(query)
        purpose = "by keys" if " or " in wanted else ("listing" if " ge " in wanted else "query")
        return f"query {table} ({purpose})"
    kind = _row_kind(rest)
    if table in ("users", "ratelimits", "permissionindex"):
        kind = ""
    return f"{seen.method} {table}{':' + kind if kind else ''}"


def _phase(started: float, marks: dict[str, float], order: list[str]) -> str:
    for name in order:
        if started < marks[name]:
            return f"before {name}"
    return "after"


def report(title: str, begun: float, calls: list[Seen], marks: dict[str, float], order: list[str]) -> None:
    """Print one turn's calls in time order with its marks, then the calls by phase and kind."""
    print(f"--- {title}: {len(calls)} storage calls")
    rows = [(c.started, c.ended, f"{describe(c)} -> {c.status}") for c in calls]
    rows += [(when, when, f"*** {name}") for name, when in marks.items()]
    for started, ended, label in sorted(rows):
        print(f"  {1000 * (started - begun):8.1f} {1000 * (ended - begun):8.1f}  {label}")
    by_phase: dict[str, Counter[str]] = {}
    for call in calls:
        by_phase.setdefault(_phase(call.started, marks, order), Counter())[describe(call)] += 1
    for phase in [f"before {name}" for name in order] + ["after"]:
        kinds = by_phase.get(phase, Counter())
        print(f"  {phase}: {sum(kinds.values())}: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))


async def one_flow(driver: load.Driver, counts: Counts, requester: dict[str, str], flow: int, pause: float) -> None:
    """A request, then the head's Approve on her card; each turn's calls printed."""
    assert counts.timeline is not None
    connector = driver.connector
    for person in (requester, load.SIAN, load.FFION):
        await driver.say("warm-up", person, "hi")
    await asyncio.sleep(pause)
    counts.timeline.clear()
    begun = time.perf_counter()
    submitted = await driver.click("c", requester, "permission.submit", load.permission_form(flow),
                                   reply_to=f"form-{flow}")
    answered = time.perf_counter()
    request_id = str((load.verb_data(submitted.card, "permission.withdraw") or {}).get("id", ""))
    reached = await connector.watch(load.conversation_of(load.SIAN), lambda _, text, __: (
        request_id in text and '"permission.approve"' in text))
    await asyncio.sleep(pause)
    print(f"===== flow {flow}: {request_id or 'no request'}")
    report("request", begun, list(counts.timeline), {"its answer": answered, "the head's card": reached},
           ["its answer"])
    [*_, (_, _, card_text, card_message)] = [h for h in connector.heard[load.conversation_of(load.SIAN)]
                                            if request_id in h[2]]
    data = load.verb_data(load.first_card(json.loads(card_text)), "permission.approve") or {}

    def settled(method: str, text: str, _: str = "") -> bool:
        return (method == "PUT" and request_id in text and '"permission.approve"' not in text
                and '"permission.withdraw"' not in text)

    mine = connector.watch(load.conversation_of(requester), settled)
    theirs = connector.watch(load.conversation_of(load.SIAN), lambda method, text, changed: (
        settled(method, text) and changed == card_message))
    counts.timeline.clear()
    begun = time.perf_counter()
    await driver.click("c", load.SIAN, "permission.approve", data, reply_to=card_message)
    marks = {"the answer": time.perf_counter(), "the requester's card": await mine, "the head's card": await theirs}
    await counts.settle(quiet=0.5)
    report("Approve", begun, list(counts.timeline), marks, ["the answer", "the requester's card"])


async def trace(flows: int, same: bool, pause: float) -> None:
    """Run the flows against a bot on a fresh Azurite."""
    with tempfile.TemporaryDirectory(prefix="trace-") as tmp, procs.azurite() as azurite_port:
        async with counting_proxy(azurite_port, prefix=PREFIX, timeline=True) as (proxy_port, counts), \
                load.run_connector() as connector:
            port = procs.free_port()
            env = procs.bot_env(proxy_port, port, prefix=PREFIX, extra={"DELIVERY_INTERVAL_SECONDS": "3600"})
            bot = await procs.start_bot("this bot", ["app.py"], env, port, Path(tmp) / "bot.log")
            try:
                async with _session(4) as session:
                    driver = load.Driver(session, bot.url, connector)
                    for flow in range(flows):
                        await one_flow(driver, counts, load.user(90_001 + (0 if same else flow)), flow, pause)
            finally:
                procs.stop_bot(bot)


def main() -> None:
    """`python -m bench.trace_approve`."""
    parser = argparse.ArgumentParser(prog="python -m bench.trace_approve")
    parser.add_argument("--flows", type=int, default=3)
    parser.add_argument("--same", action="store_true", help="one requester for every flow")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between the warm-up, request and Approve")
    args = parser.parse_args()
    asyncio.run(trace(args.flows, args.same, args.pause))


if __name__ == "__main__":
    main()
