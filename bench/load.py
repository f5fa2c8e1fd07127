"""The load generator: many concurrent Teams conversations over HTTP, and a local connector timing each reply."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

from bench.procs import cpu_seconds

TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
BOT_ID = "28:policy-helper"
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
# Longer than the bot keeps a message waiting for a place (MESSAGE_QUEUE_SECONDS, 120 s) plus its turn.
REPLY_TIMEOUT = 150.0
ACTIVITY_PREFIX = "bench-"

# Fictional people of the federation's local config: the policy owner (headteacher) and her delegate.
SIAN = {"id": "29:sian", "name": "Siân Roberts", "aadObjectId": "a1000000-0000-4000-8000-000000000003"}
FFION = {"id": "29:ffion", "name": "Ffion Morgan", "aadObjectId": "a1000000-0000-4000-8000-000000000005"}

ANSWERED = (
    "Can I be friends with pupils on Facebook?",
    "Can I post photos of pupils on my personal Instagram?",
    "Can I accept a friend request from a parent?",
    "Can I use my phone to take pictures on a school trip?",
    "Can I mention the school on my LinkedIn profile?",
    "Is it ok to follow former pupils on Twitter?",
)
UNANSWERED = (
    "Can I use a drone to film sports day?",
    "What is the canteen menu on Friday?",
    "How do I book annual leave?",
    "Can I park in the staff car park at weekends?",
)
QUESTIONS = ANSWERED + UNANSWERED[:2]


def user(index: int) -> dict[str, str]:
    """A fictional member of staff, distinct per index."""
    return {"id": f"29:bench-{index}", "name": f"Staff Member {index}",
            "aadObjectId": f"b0000000-0000-4000-8000-{index:012d}"}


_ids = itertools.count(1)


def _activity(person: dict[str, str], service_url: str) -> dict[str, Any]:
    return {
        "id": f"{ACTIVITY_PREFIX}{next(_ids)}", "channelId": "msteams", "serviceUrl": service_url, "from": dict(person),
        "recipient": {"id": BOT_ID, "name": "Policy Helper"},
        "conversation": {"id": f"a:personal-{person['id']}", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}}, "locale": "en-GB", "timestamp": "2026-11-24T09:00:00.000Z",
    }


def message(person: dict[str, str], text: str, service_url: str) -> dict[str, Any]:
    """A typed message in the person's 1:1 chat."""
    activity = _activity(person, service_url)
    activity.update({"type": "message", "text": text})
    return activity


def card_action(person: dict[str, str], verb: str, data: dict[str, Any], service_url: str, *,
                reply_to: str = "") -> dict[str, Any]:
    """An Action.Execute click, as Teams sends it (`reply_to`: the id of the message whose card was clicked)."""
    activity = _activity(person, service_url)
    if reply_to:
        activity["replyToId"] = reply_to
    activity.update({"type": "invoke", "name": "adaptiveCard/action",
                     "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}})
    return activity


def actions(card: Any) -> Iterator[dict[str, Any]]:
    """Every Action.Execute in a card, however deeply nested."""
    if isinstance(card, dict):
        if card.get("type") == "Action.Execute":
            yield card
        for value in card.values():
            yield from actions(value)
    elif isinstance(card, list):
        for item in card:
            yield from actions(item)


def verb_data(card: Any, verb: str) -> dict[str, Any] | None:
    """The data of the first button with this verb, or None."""
    for action in actions(card):
        if action.get("verb") == verb and isinstance(action.get("data"), dict):
            return dict(action["data"])
    return None


def first_card(activity: dict[str, Any] | None) -> dict[str, Any] | None:
    """The first Adaptive Card attached to an activity."""
    for attachment in (activity or {}).get("attachments") or []:
        if attachment.get("contentType") == ADAPTIVE and isinstance(attachment.get("content"), dict):
            return dict(attachment["content"])
    return None


@dataclass
class Connector:
    """The Bot Framework connector the bots reply to; records when each reply arrives."""

    url: str = ""
    waiting: dict[str, asyncio.Future[tuple[float, dict[str, Any]]]] = field(default_factory=dict)
    proactive: list[dict[str, Any]] = field(default_factory=list)
    updates: int = 0
    extra_replies: int = 0
    typing: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # Every proactive message and card update by conversation: (arrival time, PUT or POST, the activity as JSON, the
    # id of the message it made or changed, which a click on its card names).
    heard: dict[str, list[tuple[float, str, str, str]]] = field(default_factory=dict)
    watchers: list[tuple[Callable[[str, str, str], bool], str, asyncio.Future[float]]] = field(default_factory=list)

    def watch(self, conversation_id: str, matches: Callable[[str, str, str], bool]) -> asyncio.Future[float]:
        """A future resolved with the arrival time of the first proactive message or card update to this conversation
        for which `matches(method, activity_json, message_id)` holds, whether it came already or comes later."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        for arrived, method, text, message_id in self.heard.get(conversation_id, []):
            if matches(method, text, message_id):
                future.set_result(arrived)
                return future
        self.watchers.append((matches, conversation_id, future))
        return future

    def _hear(self, arrived: float, method: str, conversation_id: str, activity: dict[str, Any],
              message_id: str) -> None:
        text = json.dumps(activity, ensure_ascii=False)
        self.heard.setdefault(conversation_id, []).append((arrived, method, text, message_id))
        for watcher in list(self.watchers):
            matches, wanted, future = watcher
            if future.done():
                self.watchers.remove(watcher)
            elif wanted == conversation_id and matches(method, text, message_id):
                future.set_result(arrived)
                self.watchers.remove(watcher)

    async def wait_proactive(self, count: int, within: float) -> None:
        """Wait until at least `count` proactive messages have arrived, or `within` seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while len(self.proactive) < count:
                    self.arrived.clear()
                    await self.arrived.wait()

    def expect(self, activity_id: str) -> asyncio.Future[tuple[float, dict[str, Any]]]:
        """A future resolved with (arrival time, activity) by the first reply to this activity."""
        future: asyncio.Future[tuple[float, dict[str, Any]]] = asyncio.get_running_loop().create_future()
        self.waiting[activity_id] = future
        return future

    def proactive_to(self, conversation_id: str) -> int:
        """Proactive messages (not replies) sent to a conversation."""
        return sum(1 for a in self.proactive if a.get("conversation", {}).get("id") == conversation_id)


@asynccontextmanager
async def run_connector() -> AsyncIterator[Connector]:
    """Start the connector on a free loopback port."""
    connector = Connector()
    ids = itertools.count(1)

    async def send(request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        activity = json.loads(await request.read())
        activity.setdefault("conversation", {"id": request.match_info["conversation_id"]})
        if activity.get("type") == "typing":
            # Not a reply: the bot saying a message is queued (Teams shows "typing" until the answer).
            connector.typing += 1
            return web.json_response({"id": f"sent-{next(ids)}"})
        reply_to = activity.get("replyToId") or request.match_info.get("activity_id")
        future = connector.waiting.pop(reply_to, None) if reply_to else None
        message_id = f"sent-{next(ids)}"
        if future is not None:
            if not future.done():
                future.set_result((arrived, activity))
        elif isinstance(reply_to, str) and reply_to.startswith(ACTIVITY_PREFIX):
            connector.extra_replies += 1
        else:
            # A proactive send replies to the SDK's own continuation activity (a fresh uuid).
            connector.proactive.append(activity)
            connector.arrived.set()
            connector._hear(arrived, "POST", request.match_info["conversation_id"], activity, message_id)
        return web.json_response({"id": message_id})

    async def update(request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        activity = json.loads(await request.read())
        connector.updates += 1
        connector._hear(arrived, "PUT", request.match_info["conversation_id"], activity,
                        request.match_info["activity_id"])
        return web.json_response({"id": request.match_info["activity_id"]})

    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_post("/v3/conversations/{conversation_id}/activities", send)
    app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", send)
    app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", update)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    connector.url = f"http://127.0.0.1:{port}/"
    try:
        yield connector
    finally:
        await runner.cleanup()


@dataclass(frozen=True)
class Outcome:
    """One turn: how long until the reply was posted (message) or returned (invoke), and what came back."""

    kind: str
    latency: float
    status: int
    card: dict[str, Any] | None = None
    reply: dict[str, Any] | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """2xx and a reply."""
        return not self.error


class Driver:
    """Sends activities to one bot and waits for its replies."""

    def __init__(self, session: aiohttp.ClientSession, bot_url: str, connector: Connector, *,
                 more_bots: Sequence[str] = ()) -> None:
        self._session = session
        # With several instances of the bot, every request goes to the next one, as a load balancer would send it.
        self._endpoints = itertools.cycle([url.rstrip("/") + "/api/messages" for url in (bot_url, *more_bots)])
        self.connector = connector

    def _next_endpoint(self) -> str:
        return next(self._endpoints)

    async def say(self, kind: str, person: dict[str, str], text: str) -> Outcome:
        """Type a message; the turn ends when its first reply reaches the connector."""
        activity = message(person, text, self.connector.url)
        replied = self.connector.expect(activity["id"])
        started = time.perf_counter()
        try:
            async with self._session.post(self._next_endpoint(), json=activity) as response:
                await response.read()
                status = response.status
            if status // 100 != 2:
                return Outcome(kind, time.perf_counter() - started, status, error=f"http {status}")
            async with asyncio.timeout(REPLY_TIMEOUT):
                arrived, reply = await replied
        except TimeoutError:
            return Outcome(kind, time.perf_counter() - started, 0, error="reply missing")
        except aiohttp.ClientError as error:
            return Outcome(kind, time.perf_counter() - started, 0, error=type(error).__name__)
        finally:
            self.connector.waiting.pop(activity["id"], None)
        return Outcome(kind, arrived - started, status, card=first_card(reply), reply=reply)

    async def click(self, kind: str, person: dict[str, str], verb: str, data: dict[str, Any], *,
                    reply_to: str = "") -> Outcome:
        """Click an Action.Execute button; the turn ends when the invoke response comes back."""
        activity = card_action(person, verb, data, self.connector.url, reply_to=reply_to)
        started = time.perf_counter()
        try:
            async with self._session.post(self._next_endpoint(), json=activity) as response:
                body = await response.read()
                status = response.status
        except aiohttp.ClientError as error:
            return Outcome(kind, time.perf_counter() - started, 0, error=type(error).__name__)
        latency = time.perf_counter() - started
        if status // 100 != 2:
            return Outcome(kind, latency, status, error=f"http {status}")
        try:
            value = json.loads(body).get("value")
        except (ValueError, AttributeError):
            return Outcome(kind, latency, status, error="reply missing")
        if isinstance(value, str) and value.strip():
            # The edge answers a click with a plain message only when something went wrong.
            return Outcome(kind, latency, status, error="message instead of a card")
        if not isinstance(value, dict):
            return Outcome(kind, latency, status, error="reply missing")
        return Outcome(kind, latency, status, card=value)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Stats:
    """Outcomes of a run."""

    outcomes: list[Outcome] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    flows: int = 0

    def add(self, outcome: Outcome) -> Outcome:
        """Record an outcome and return it."""
        self.outcomes.append(outcome)
        return outcome

    def latencies(self, kind: str | None = None) -> list[float]:
        """Latencies of successful turns (of one kind)."""
        return [o.latency for o in self.outcomes if o.ok and (kind is None or o.kind == kind)]

    def errors(self) -> Counter[str]:
        """Failed turns by reason."""
        return Counter(o.error for o in self.outcomes if not o.ok)

    def kinds(self) -> list[str]:
        """Kinds of turn seen, in first-seen order."""
        return list(dict.fromkeys(o.kind for o in self.outcomes))


@dataclass(frozen=True)
class Level:
    """One load level's figures."""

    concurrency: int
    turns: int
    seconds: float
    cpu_seconds: float
    stats: Stats
    load_cpu_seconds: float = 0.0

    @property
    def throughput(self) -> float:
        """Completed turns per second."""
        return self.turns / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_1000(self) -> float:
        """Bot CPU seconds per 1,000 turns."""
        return self.cpu_seconds / self.turns * 1000 if self.turns else 0.0


Scenario = Callable[[Driver, int, Stats], Awaitable[None]]


async def run_level(driver: Driver, pid: int, concurrency: int, duration: float, scenario: Scenario,
                    *, first_user: int = 0) -> Level:
    """`concurrency` conversations, each repeating the scenario until `duration` has passed."""
    stats = Stats()
    deadline = time.perf_counter() + duration

    async def conversation(index: int) -> None:
        while time.perf_counter() < deadline:
            await scenario(driver, index, stats)

    cpu_before, own_before = cpu_seconds(pid), time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(conversation(first_user + i) for i in range(concurrency)))
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    return Level(concurrency, len(stats.outcomes), seconds, cpu, stats, time.process_time() - own_before)


def _label(card: dict[str, Any] | None) -> str:
    if card is None:
        return "text"
    if verb_data(card, "ask.feedback") is not None:
        return "answer"
    if verb_data(card, "ask.escalate") is not None:
        return "not-covered"
    return "other-card"


async def question_turn(driver: Driver, index: int, stats: Stats) -> None:
    """One typed question from this conversation's person (a different question each time)."""
    question = QUESTIONS[(index + len(stats.outcomes)) % len(QUESTIONS)]
    outcome = stats.add(await driver.say("question", user(index), question))
    if outcome.ok:
        stats.labels[_label(outcome.card)] += 1


async def echo_turn(driver: Driver, index: int, stats: Stats) -> None:
    """The same typed question, to a bot that only echoes."""
    question = QUESTIONS[(index + len(stats.outcomes)) % len(QUESTIONS)]
    outcome = stats.add(await driver.say("question", user(index), question))
    if outcome.ok:
        stats.labels["text" if outcome.card is None else "card"] += 1


def decider() -> dict[str, str]:
    """Who replies to a question passed on: the policy owner, the headteacher. Her delegate decides permission
    requests only; a question's Reply pressed by her is refused (half the flows measured a refusal until 5 December)."""
    return SIAN


async def request_and_decide(driver: Driver, index: int, stats: Stats) -> None:
    """Ask what the policy does not cover, pass it to the headteacher, and have her answer."""
    person = user(index)
    question = UNANSWERED[(index + stats.flows) % len(UNANSWERED)]
    asked = stats.add(await driver.say("flow: not-covered question", person, question))
    data = verb_data(asked.card, "ask.escalate") if asked.ok else None
    if data is None:
        if asked.ok:
            stats.labels["no escalate button"] += 1
        return
    escalated = stats.add(await driver.click("flow: escalate (click)", person, "ask.escalate", data))
    if not escalated.ok:
        return
    answer = f"Please speak to me about it, ref {index}-{stats.flows}."
    decided = stats.add(await driver.click("flow: decide (click)", decider(), "ask.reply",
                                           {"q": data["q"], "reply": answer}))
    if decided.ok and answer in json.dumps(decided.card, ensure_ascii=False):
        stats.flows += 1
    elif decided.ok:
        stats.labels["decision not shown"] += 1


def permission_form(trip: int) -> dict[str, str]:
    """A valid request form, for a trip of its own (the same request sent again reaches nobody), from tomorrow (a
    start more than a year ahead is refused)."""
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": f"Share Year 9 field trip {trip} highlights with parents.",
            "audience": "parents", "pupil_content": "work", "consent": "Only their work, never names.",
            "moderator": "Staff Member", "moderation": "daily", "start": tomorrow, "end": "", "ongoing": "true",
            "confirm": "true"}


# Requests come from this many people in turn (each may send PERMISSION_LIMIT_PER_DAY a day), numbered from here.
REQUESTERS = 100
FIRST_REQUESTER = 10_000
CARD_WAIT = 20.0
_requests_made = itertools.count()


def requesters() -> list[dict[str, str]]:
    """Everyone `approve_one_click` sends requests as (each must have opened the bot, to be sent cards)."""
    return [user(FIRST_REQUESTER + i) for i in range(REQUESTERS)]


def conversation_of(person: dict[str, str]) -> str:
    """The person's 1:1 chat with the bot, as the load's activities name it."""
    return f"a:personal-{person['id']}"


async def _arrival(kind: str, started: float, future: asyncio.Future[float], stats: Stats) -> Outcome:
    try:
        async with asyncio.timeout(CARD_WAIT):
            arrived = await future
    except TimeoutError:
        return stats.add(Outcome(kind, time.perf_counter() - started, 0, error="card not sent"))
    return stats.add(Outcome(kind, arrived - started, 200))


async def approve_one_click(driver: Driver, index: int, stats: Stats) -> None:
    """A member of staff asks permission; the headteacher gets the request's card and approves it with one click.
    Measured from that click: the invoke answer (her card), and the requester's and her own copy of the card
    updated in their chats. The click names the card's message, as Teams does; Teams shows the invoke answer's card
    on the clicking device only, so her copy counts as updated when that message is edited (PUT)."""
    made = next(_requests_made)
    requester = user(FIRST_REQUESTER + made % REQUESTERS)
    # The form's message becomes the request's status card; Teams names it in the click, so it can be updated.
    submitted = stats.add(await driver.click("approve: request sent (click)", requester, "permission.submit",
                                             permission_form(made), reply_to=f"form-{made}"))
    request_id = str((verb_data(submitted.card, "permission.withdraw") or {}).get("id", "")) if submitted.ok else ""
    if not request_id:
        stats.labels["no request made" if submitted.ok else "request failed"] += 1
        return
    head = driver.connector.watch(conversation_of(SIAN), lambda _, text, __: request_id in text
                                  and '"permission.approve"' in text)
    started = time.perf_counter()
    reached = await _arrival("approve: request card reaches the head", started, head, stats)
    if not reached.ok:
        return
    [*_, (_, _, card_text, card_message)] = [h for h in driver.connector.heard[conversation_of(SIAN)]
                                            if request_id in h[2]]
    data = verb_data(first_card(json.loads(card_text)), "permission.approve")
    if data is None:
        stats.labels["no approve button"] += 1
        return

    def settled(method: str, text: str, _: str = "") -> bool:
        """A card put in place of an earlier one, about this request, with nothing left to click about it."""
        return (method == "PUT" and request_id in text and '"permission.approve"' not in text
                and '"permission.withdraw"' not in text)

    requester_copy = driver.connector.watch(conversation_of(requester), settled)
    started = time.perf_counter()
    approved = stats.add(await driver.click("approve: Approve click answered", SIAN, "permission.approve", data,
                                            reply_to=card_message))
    if not approved.ok:
        return
    mine = await _arrival("approve: requester's card updated", started, requester_copy, stats)
    # Her copy on every device: the edit of the clicked message (the invoke's answer shows on the clicking device
    # only). `watch` looks at what arrived already too.
    head_copy = driver.connector.watch(conversation_of(SIAN), lambda method, text, changed: settled(method, text)
                                       and changed == card_message)
    theirs = await _arrival("approve: head's card updated", started, head_copy, stats)
    if mine.ok and theirs.ok:
        stats.add(Outcome("approve: both cards updated", max(mine.latency, theirs.latency), 200))
        stats.flows += 1


async def warm_up(driver: Driver, people: Sequence[dict[str, str]], text: str = "hi") -> list[Outcome]:
    """Each person messages the bot once (a first turn stores their profile), 20 at a time."""
    limit = asyncio.Semaphore(20)

    async def one(person: dict[str, str]) -> Outcome:
        async with limit:
            return await driver.say("warm-up", person, text)

    return list(await asyncio.gather(*(one(p) for p in people)))
