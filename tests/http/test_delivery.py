"""Messages owed to people: kept until they can be reached, retried after connector faults, sent once."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from app import SERVICES, STORE, create_app
from bench.proxy import Seen, counting_proxy
from bot.domain.errors import StorageUnavailable
from bot.domain.federation import parse_federation
from bot.domain.outbox import CardSlot, DeliveryState, OutboundMessage, in_school_hours
from bot.domain.people import Person
from bot.domain.school_calendar import SchoolCalendar
from bot.edge import delivery
from bot.edge.delivery import Deliverer, OutboxNotifier
from bot.settings import Settings
from bot.storage.outbox import TableOutbox
from bot.storage.users import TableUserProfiles
from tests.conftest import local_settings
from tests.http.test_permission_flow import form
from tests.support.activities import CARYS, OWAIN, SIAN, TENANT, card_action, message
from tests.support.cards import verb_data
from tests.support.connector import Connector
from tests.support.outage import StorageOutage, storage_outage
from tests.support.policies import FIXTURE_POLICY_FILE, REPO
from tests.support.processes import azurite_connection_string

HEAD = Person(TENANT, SIAN["aadObjectId"], SIAN["name"])
TIMELINE = web.AppKey("timeline", list[Seen])
CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "A request for you"}]}


def _owed(message_id: str = "perm-1|to-head") -> OutboundMessage:
    return OutboundMessage(recipient=HEAD, message_id=message_id, card=CARD, created_at=datetime.now(UTC))


async def test_message_waits_until_the_person_first_talks_to_the_bot(client: TestClient, connector: Connector) -> None:
    services = client.app[SERVICES]
    outbox = TableOutbox(client.app[STORE])
    await OutboxNotifier(outbox, services.deliverer).notify([_owed()])
    await services.deliverer.drain()
    assert connector.sent == []
    assert len(await outbox.list_for_recipient(HEAD)) == 1

    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()

    assert [c["body"][0]["text"] for c in connector.cards()] == ["Social media policy helper", "A request for you"]
    assert await outbox.list_for_recipient(HEAD) == []


async def test_a_message_another_pass_holds_when_the_person_first_talks_is_sent_once_its_lease_ends(
    client: TestClient, connector: Connector
) -> None:
    """The race a killed-and-restarted bot met under load: a pass claims the message, finds no chat for the person
    and parks it for UNREACHABLE_RETRY, while the person opens the bot and their own pass skips the held message.
    Their pass looks again when the lease runs out, so the message is not left for ten minutes."""
    services = client.app[SERVICES]
    outbox = TableOutbox(client.app[STORE])
    await OutboxNotifier(outbox, services.deliverer).notify([_owed()])
    await services.deliverer.drain()
    [queued] = await outbox.list_for_recipient(HEAD)
    now = datetime.now(UTC)
    held = await outbox.claim(queued, now, lease=timedelta(seconds=1))  # the other pass, which found no chat

    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()  # her pass has run, and skipped the held message
    assert [c["body"][0]["text"] for c in connector.cards()] == ["Social media policy helper"]
    await outbox.release(replace(held, state=DeliveryState.PENDING, next_attempt_at=now + delivery.UNREACHABLE_RETRY))

    await connector.wait_for_cards("a:personal-29:sian", 2, within=10.0)
    await services.deliverer.drain()
    assert [c["body"][0]["text"] for c in connector.cards()] == ["Social media policy helper", "A request for you"]
    assert await outbox.list_for_recipient(HEAD) == []


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_connector_fault_is_retried_and_sent_once(client: TestClient, connector: Connector, status: int) -> None:
    services = client.app[SERVICES]
    outbox = TableOutbox(client.app[STORE])
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()  # her own pass, started by her turn, is done: only the notifier's tries it
    connector.fail_next = [status] * 4

    await OutboxNotifier(outbox, services.deliverer).notify([_owed()])
    await services.deliverer.drain()
    [waiting] = await outbox.list_for_recipient(HEAD)
    assert waiting.attempts == 1 and waiting.last_error
    connector.fail_next = []
    sent_now = await services.deliverer.deliver_to(HEAD)
    sent_again = await services.deliverer.deliver_to(HEAD)

    assert (sent_now, sent_again) == (1, 0)
    assert [c["body"][0]["text"] for c in connector.cards()].count("A request for you") == 1


async def test_keyed_card_is_updated_in_place(client: TestClient, connector: Connector) -> None:
    services = client.app[SERVICES]
    notifier = OutboxNotifier(TableOutbox(client.app[STORE]), services.deliverer)
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    first = OutboundMessage(recipient=HEAD, message_id="perm-1|v1", card=CARD, card_key="perm-1|head")
    second = OutboundMessage(recipient=HEAD, message_id="perm-1|v2", card={**CARD, "body": []}, card_key="perm-1|head")

    await notifier.notify([first])
    await services.deliverer.drain()
    await notifier.notify([second])
    await services.deliverer.drain()

    assert len(connector.cards()) == 2  # welcome + the first card
    assert len(connector.updated) == 1


async def test_a_card_replaced_again_before_it_was_sent_is_sent_once_as_it_is_now(
        client: TestClient, connector: Connector) -> None:
    services = client.app[SERVICES]
    outbox = TableOutbox(client.app[STORE])
    started = datetime.now(UTC)
    versions = [OutboundMessage(recipient=HEAD, message_id=f"perm-1|v{n}", card={**CARD, "n": n},
                                card_key="perm-1|head", created_at=started + timedelta(seconds=n)) for n in (1, 2, 3)]
    await outbox.enqueue([*versions, _owed("perm-2|to-head")])  # queued before she could be reached

    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))  # she opens the bot
    await services.deliverer.drain()
    await outbox.enqueue(versions[:2])  # the older versions, queued again by a catch-up pass
    sent_again = await services.deliverer.deliver_to(HEAD)

    [latest] = [c for c in connector.cards() if "n" in c]
    assert latest["n"] == 3 and connector.updated == []  # the card as it is now, posted once
    assert [c["body"][0]["text"] for c in connector.cards()].count("A request for you") == 1 + 1  # + the other
    assert sent_again == 0 and await outbox.list_for_recipient(HEAD) == []  # the older ones count as sent
    assert (await outbox.get_slot(HEAD, "perm-1|head")).activity_id == next(
        a["id"] for a in connector.sent if a["attachments"][0]["content"].get("n") == 3)


async def test_throttled_send_waits_as_long_as_the_connector_asks(client: TestClient, connector: Connector) -> None:
    services = client.app[SERVICES]
    outbox = TableOutbox(client.app[STORE])
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    connector.fail_next, connector.retry_after = [429], "120"
    before = datetime.now(UTC)

    await OutboxNotifier(outbox, services.deliverer).notify([_owed()])
    await services.deliverer.drain()
    [waiting] = await outbox.list_for_recipient(HEAD)

    assert waiting.attempts == 1 and waiting.last_error == "ErrorResponseException"
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at >= before + timedelta(seconds=120)
    assert await services.deliverer.deliver_due() == 0  # not due yet: the wait is honoured
    assert await services.deliverer.deliver_to(HEAD) == 1  # the person opening the bot sends it at once
    assert [c["body"][0]["text"] for c in connector.cards()].count("A request for you") == 1


async def test_a_reminder_kept_back_for_school_hours_is_not_sent_when_the_person_opens_the_bot_at_night(
        client: TestClient, connector: Connector) -> None:
    """The head opens the bot at 21:45 with an automatic reminder queued for her at 21:30 and kept back until 08:00:
    her own turn sends what she is owed at once (a request's card), but not the reminder, nor does the due scan; one
    whose school hours have come goes."""
    services = client.app[SERVICES]
    outbox = TableOutbox(client.app[STORE])
    now = datetime.now(UTC)
    reminder = replace(_owed("perm-2|waiting-reminder"), card={**CARD, "body": [{"type": "TextBlock",
                                                                                 "text": "A reminder"}]},
                       not_before=now + timedelta(hours=10))
    morning = replace(_owed("perm-3|waiting-reminder"), card={**CARD, "body": [{"type": "TextBlock",
                                                                                "text": "Its morning came"}]},
                      not_before=now - timedelta(minutes=1))
    await outbox.enqueue([reminder, morning, _owed()])

    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()
    sent = [c["body"][0]["text"] for c in connector.cards()]

    assert "A request for you" in sent and "Its morning came" in sent and "A reminder" not in sent
    assert await services.deliverer.deliver_to(HEAD) == 0 and await services.deliverer.deliver_due() == 0
    assert [m.message_id for m in await outbox.list_for_recipient(HEAD)] == ["perm-2|waiting-reminder"]


async def test_a_reminder_teams_refused_at_the_end_of_the_school_day_is_tried_again_in_school_hours(
        client: TestClient, connector: Connector) -> None:
    """Friday 13 November, 16:59 GMT: the automatic reminder to the head goes, and Teams, busy, asks for two minutes.
    Before, it was tried again at 17:01, and through the night while Teams refused it: it reached her after hours after
    all. It is tried again at 08:00 on the Monday; not even her opening the bot that evening brings it sooner."""
    services = client.app[SERVICES]
    store = client.app[STORE]
    outbox = TableOutbox(store)
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()
    clock = [datetime(2026, 11, 13, 16, 59, tzinfo=UTC)]
    sender = Deliverer(services.adapter, app_id="", outbox=outbox, profiles=TableUserProfiles(store),
                       clock=lambda: clock[0], calendar=SchoolCalendar())
    reminder = replace(_owed("perm-4|waiting-reminder"), card={**CARD, "body": [{"type": "TextBlock",
                                                                                 "text": "A reminder"}]})
    await outbox.enqueue(in_school_hours([reminder], SchoolCalendar(), clock[0]))
    connector.fail_next, connector.retry_after = [429], "120"

    assert await sender.deliver_to(HEAD) == 0
    [waiting] = await outbox.list_for_recipient(HEAD)
    monday = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    assert waiting.last_error == "ErrorResponseException" and waiting.not_before == monday
    for evening in (datetime(2026, 11, 13, 17, 5, tzinfo=UTC), datetime(2026, 11, 13, 21, 0, tzinfo=UTC)):
        clock[0] = evening
        assert await sender.deliver_due() == 0 and await sender.deliver_to(HEAD) == 0
    assert "A reminder" not in [c["body"][0]["text"] for c in connector.cards()]
    clock[0] = monday
    assert await sender.deliver_to(HEAD) == 1
    assert [c["body"][0]["text"] for c in connector.cards()].count("A reminder") == 1


async def test_a_reminder_teams_refused_is_tried_again_on_its_recipients_school_days_not_the_federations(
        client: TestClient, connector: Connector) -> None:
    """Monday 16 November is an INSET day at the primary school only. Owain's (primary) automatic reminder went at
    16:59 on the Friday and Teams asked for two minutes: it was kept for 08:00 on the Monday, the federation's next
    working day (the high school is open), so it reached him on his school's day off. It keeps the days of the school
    the flow queued it for, and is tried again at 08:00 on the Tuesday."""
    services = client.app[SERVICES]
    store = client.app[STORE]
    outbox = TableOutbox(store)
    owain = Person(TENANT, OWAIN["aadObjectId"], OWAIN["name"])
    await client.post("/api/messages", json=message(OWAIN, "hi", connector.url))
    await services.deliverer.drain()
    raw = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
    federation = parse_federation({**raw, "school_holidays": [
        {"from": "2026-11-16", "to": "2026-11-16", "name": "INSET", "schools": ["primary"]}]})
    clock = [datetime(2026, 11, 13, 16, 59, tzinfo=UTC)]
    sender = Deliverer(services.adapter, app_id="", outbox=outbox, profiles=TableUserProfiles(store),
                       clock=lambda: clock[0], calendar=federation.calendar, calendar_for=federation.calendar_for)
    reminder = OutboundMessage(recipient=owain, message_id="policy|00002|remind|owain", created_at=clock[0],
                               card={**CARD, "body": [{"type": "TextBlock", "text": "A reminder"}]})
    await outbox.enqueue(in_school_hours([reminder], federation.calendar_for(["primary"]), clock[0]))
    connector.fail_next, connector.retry_after = [429], "120"

    assert await sender.deliver_to(owain) == 0
    [waiting] = await outbox.list_for_recipient(owain)
    assert waiting.not_before == datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
    clock[0] = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    assert await sender.deliver_due() == 0
    clock[0] = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
    assert await sender.deliver_to(owain) == 1


async def test_hung_connector_times_out_and_the_message_is_kept(
    client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = client.app[SERVICES]
    outbox = TableOutbox(client.app[STORE])
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    monkeypatch.setattr(delivery, "SEND_TIMEOUT_SECONDS", 0.5)
    connector.hang_next = 1

    await OutboxNotifier(outbox, services.deliverer).notify([_owed()])
    await services.deliverer.drain()
    [waiting] = await outbox.list_for_recipient(HEAD)

    assert waiting.last_error == "TimeoutError" and waiting.attempts == 1
    assert await services.deliverer.deliver_to(HEAD) == 1
    assert [c["body"][0]["text"] for c in connector.cards()].count("A request for you") == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("90", 90),
        ("Fri, 27 Nov 2026 12:01:00 GMT", 60),
        ("Fri, 27 Nov 2026 11:00:00 GMT", 0),
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_header_forms(header: str, seconds: int | None) -> None:
    class Response:
        headers = {"Retry-After": header}

    class Throttled(Exception):
        response = Response()

    wait = delivery.retry_after(Throttled(), datetime(2026, 11, 27, 12, 0, tzinfo=UTC))

    assert wait == (None if seconds is None else timedelta(seconds=seconds))


async def test_a_pass_over_many_messages_reads_the_person_once_not_once_a_message(
        aiohttp_client: Any, settings: Settings, azurite: str, table_prefix: str, connector: Connector) -> None:
    azurite_port = int(re.search(r"127\.0\.0\.1:(\d+)", azurite)[1])  # type: ignore[index]
    async with counting_proxy(azurite_port, prefix=table_prefix) as (port, counts):
        client: TestClient = await aiohttp_client(create_app(settings.model_copy(
            update={"storage_connection_string": SecretStr(azurite_connection_string(port))})))
        services = client.app[SERVICES]
        await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
        await services.deliverer.drain()
        # Saved again on this instance, so the pass cannot take her chat reference from her turn's recent read.
        profiles = services.deliverer._profiles
        await profiles.save_profile(await profiles.get_profile(HEAD))
        outbox = TableOutbox(client.app[STORE])
        await outbox.save_slot(CardSlot(HEAD, "perm-0|head", "sent-1"))  # the welcome card, as if it were one
        await outbox.enqueue([OutboundMessage(recipient=HEAD, message_id=f"perm-{n}|v1", card=CARD,
                                              card_key=f"perm-{n}|head", created_at=datetime.now(UTC))
                              for n in range(20)])
        await counts.settle()
        before = counts.snapshot()

        sent = await services.deliverer.deliver_to(HEAD)
        made = counts.snapshot() - before
        slot = await outbox.get_slot(HEAD, "perm-7|head")
        await client.close()  # while its storage is still there

    assert sent == 20 and len(connector.updated) == 1 and len(connector.cards()) == 1 + 19
    # Her chat reference once, the queue with what was sent of it and where its cards are in a few queries; then
    # for each message its lease, its sent mark and its removal from the queue, and for each card posted anew
    # (not the one updated in place) its new place.
    assert made["GET users"] == 1, made
    assert made["GET outbox"] + made["GET outboxsent"] <= 1 + 2 + 2, made  # 14 keys a query
    assert sum(n for kind, n in made.items() if not kind.startswith("GET")) == 3 * 20 + 19, made
    assert slot.activity_id == connector.sent[-13]["id"]  # the new card's place, kept with its sent mark


async def test_the_chat_reference_is_read_while_the_first_message_is_claimed(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    services = client.app[SERVICES]
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()
    await TableOutbox(client.app[STORE]).enqueue([_owed("perm-1|to-head"), _owed("perm-2|to-head")])
    events: list[str] = []
    outbox, profiles = services.deliverer._outbox, services.deliverer._profiles
    monkeypatch.setattr(outbox, "claim", _noted(events, outbox.claim, "claim", "claimed"))
    monkeypatch.setattr(profiles, "recent_profile", _noted(events, profiles.recent_profile, "read"))
    sent = await services.deliverer.deliver_to(HEAD)

    assert sent == 2
    assert events == ["claim", "read", "claimed", "claim", "claimed"]  # read once, while the first is claimed
    assert [c["body"][0]["text"] for c in connector.cards()][-2:] == ["A request for you"] * 2


async def test_a_queue_s_sent_marks_and_card_places_are_read_side_by_side(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    outbox = TableOutbox(client.app[STORE])
    await outbox.save_slot(CardSlot(HEAD, "perm-1|head", "sent-1"))
    await outbox.enqueue([OutboundMessage(recipient=HEAD, message_id="perm-1|v2", card=CARD, card_key="perm-1|head",
                                          created_at=datetime.now(UTC))])
    events: list[str] = []
    keys_present = outbox._keys_present

    async def looking(table: Any, recipient: Person, row_keys: list[str], select: list[str]) -> Any:
        events.append(f"look {row_keys[0].split('|')[0]}")
        found = await keys_present(table, recipient, row_keys, select)
        events.append("found")
        return found

    monkeypatch.setattr(outbox, "_keys_present", looking)
    owed = await outbox.owed_to(HEAD)

    assert [m.message_id for m in owed.messages] == ["perm-1|v2"]
    assert owed.slots["perm-1|head"].activity_id == "sent-1"
    assert events == ["look msg", "look slot", "found", "found"]


async def test_the_first_message_of_a_pass_is_claimed_while_the_queue_s_sent_marks_and_card_places_are_read(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    """One round trip fewer before a person's first card goes (a requester's status card, the head's request): the
    lease is taken side by side with what the listing leaves to read, and nothing is sent before both are in."""
    services = client.app[SERVICES]
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()
    outbox = services.deliverer._outbox
    await outbox.save_slot(CardSlot(HEAD, "perm-1|head", "sent-1"))
    await outbox.enqueue([OutboundMessage(recipient=HEAD, message_id="perm-1|v2", card=CARD, card_key="perm-1|head",
                                          created_at=datetime.now(UTC)), _owed("perm-2|to-head")])
    events: list[str] = []
    monkeypatch.setattr(outbox, "claim", _noted(events, outbox.claim, "claim", "claimed"))
    monkeypatch.setattr(outbox, "owed_among", _noted(events, outbox.owed_among, "read", "read in"))
    monkeypatch.setattr(services.deliverer, "_send", _noted(events, services.deliverer._send, "send"))
    sent = await services.deliverer.deliver_to(HEAD)

    assert sent == 2
    assert events[:2] == ["read", "claim"] and set(events[2:4]) == {"read in", "claimed"}
    assert events[4:] == ["send", "claim", "claimed", "send"]
    assert [a["id"] for a in connector.updated] == ["sent-1"]  # the first, in place


async def test_a_copy_of_a_message_sent_already_claimed_while_the_sent_marks_were_read_is_never_sent_again(
        client: TestClient, connector: Connector) -> None:
    services = client.app[SERVICES]
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()
    outbox = TableOutbox(client.app[STORE])
    await OutboxNotifier(outbox, services.deliverer).notify([_owed("perm-1|to-head")])
    await services.deliverer.drain()
    sent_before = len(connector.sent)
    await outbox.enqueue([_owed("perm-1|to-head"), _owed("perm-2|to-head")])  # queued again, as a catch-up would

    sent = await services.deliverer.deliver_to(HEAD)

    assert sent == 1 and [a["attachments"][0]["content"] for a in connector.sent[sent_before:]] == [CARD]
    assert await outbox.list_for_recipient(HEAD) == []  # the copy left the queue, unsent, and nothing is held
    assert await services.deliverer.deliver_to(HEAD) == 0


async def test_a_message_claimed_while_storage_failed_to_say_what_was_sent_goes_at_the_next_pass_once(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    services = client.app[SERVICES]
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()
    outbox = services.deliverer._outbox
    await outbox.enqueue([_owed("perm-1|to-head")])
    sent_before = len(connector.sent)

    async def unreadable(*args: Any, **kwargs: Any) -> Any:
        raise StorageUnavailable("injected: the sent marks could not be read")

    with monkeypatch.context() as storage_blinks:
        storage_blinks.setattr(outbox, "owed_among", unreadable)
        first = await services.deliverer.deliver_to(HEAD)
    [waiting] = await outbox.list_for_recipient(HEAD)
    again = await services.deliverer.deliver_to(HEAD)

    assert (first, again) == (0, 1)
    assert waiting.held_until(datetime.now(UTC)) is None  # not held for a lease nobody is using
    assert [a["attachments"][0]["content"] for a in connector.sent[sent_before:]] == [CARD]


async def test_a_first_post_sent_but_not_recorded_as_sent_is_updated_in_place_when_tried_again(
        aiohttp_client: Any, settings: Settings, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"outbox_lease_seconds": 1.0})))
    services = client.app[SERVICES]
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()
    real_move = TableOutbox._move_sent
    failing = {"on": True}

    async def move_failing_for_the_whole_lease(outbox: TableOutbox, sent: OutboundMessage) -> None:
        if failing["on"]:
            raise StorageUnavailable("injected")
        await real_move(outbox, sent)

    monkeypatch.setattr(TableOutbox, "_move_sent", move_failing_for_the_whole_lease)
    await TableOutbox(client.app[STORE]).enqueue([OutboundMessage(
        recipient=HEAD, message_id="P-1|pending|to-head", card=CARD, card_key="P-1|decide",
        created_at=datetime.now(UTC), first_post=True)])

    first = await services.deliverer.deliver_to(HEAD)  # posted, its place kept, but not recorded as sent
    failing["on"] = False
    await asyncio.sleep(1.2)  # its lease runs out
    again = await services.deliverer.deliver_to(HEAD)

    assert (first, again) == (1, 1)
    [posted] = [a for a in connector.sent if a["attachments"][0]["content"] == CARD]
    assert [a["id"] for a in connector.updated] == [posted["id"]]  # the same card again, in place: not posted twice


def _noted(events: list[str], call: Callable[..., Awaitable[Any]], called: str, returned: str | None = None
           ) -> Callable[..., Awaitable[Any]]:
    """`call`, noting `called` in `events` as it starts and `returned`, if given, once it has returned."""
    async def noted(*args: Any, **kwargs: Any) -> Any:
        events.append(called)
        result = await call(*args, **kwargs)
        if returned is not None:
            events.append(returned)
        return result

    return noted


def _chat_as_shown(connector: Connector, chat: str) -> list[dict[str, Any]]:
    """The cards of one chat in the order they were posted, each as its last update left it (what the person sees)."""
    shown = {a["id"]: a["attachments"][0]["content"] for a in connector.sent
             if a["conversation"]["id"] == chat and a.get("attachments")}
    for update in connector.updated:
        if update["id"] in shown and update.get("attachments"):
            shown[update["id"]] = update["attachments"][0]["content"]
    return list(shown.values())


async def _two_instances(aiohttp_client: Any, settings: Settings) -> tuple[TestClient, TestClient]:
    """Two bot instances on one storage (App Service scaled out to two), each with its own process state."""
    first: TestClient = await aiohttp_client(create_app(settings))
    second: TestClient = await aiohttp_client(create_app(settings))
    return first, second


async def _until(check: Callable[[], Awaitable[bool]], *, within: float = 10.0) -> None:
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110 - storage has no event for "a row changed"
            await asyncio.sleep(0.05)


async def _until_on_its_way(outbox: TableOutbox, person: Person) -> None:
    """Wait until a sender holds one of the person's messages (it is with Teams)."""
    async def held() -> bool:
        return any(m.state is DeliveryState.SENDING for m in await outbox.list_for_recipient(person))

    await _until(held, within=5.0)


async def _until_nothing_is_owed(outbox: TableOutbox, person: Person) -> None:
    async def none_left() -> bool:
        return not await outbox.list_for_recipient(person)

    await _until(none_left)


async def test_a_request_withdrawn_on_one_instance_while_the_other_posts_it_ends_as_withdrawn_in_the_head_s_chat(
        aiohttp_client: Any, settings: Settings, connector: Connector) -> None:
    """Scaled out to two: Carys's request reaches the head through one instance, slowly (Teams takes a moment), and
    she withdraws it on the other meanwhile. The card saying so must not be posted before the request's card and
    then sit above it: the head's chat would end with a request offering Approve and Decline."""
    first, second = await _two_instances(aiohttp_client, settings)
    for person in (CARYS, SIAN):
        await first.post("/api/messages", json=message(person, "hi", connector.url))
    await first.app[SERVICES].deliverer.drain()
    connector.hang_next, connector.hang_seconds = 1, 1.5  # the head's card: Teams answers after 1.5 s
    submitted = await first.post("/api/messages", json=card_action(CARYS, "permission.submit", form(), connector.url))
    request_id = verb_data((await submitted.json())["value"], "permission.withdraw")["id"]
    await _until_on_its_way(TableOutbox(first.app[STORE]), HEAD)

    withdrawn = await second.post("/api/messages", json=card_action(CARYS, "permission.withdraw", {"id": request_id},
                                                                    connector.url))
    assert withdrawn.status == 200
    await _until_nothing_is_owed(TableOutbox(first.app[STORE]), HEAD)  # both instances' senders are done
    await first.app[SERVICES].deliverer.drain()
    await second.app[SERVICES].deliverer.drain()

    about = [c for c in _chat_as_shown(connector, "a:personal-29:sian") if request_id in json.dumps(c)]
    assert about, "the head never heard of the request"
    assert "Withdrawn by" in json.dumps(about[-1]), about[-1]
    assert not [c for c in about if "permission.approve" in json.dumps(c)]  # no card left offering a decision


async def test_a_keyed_card_the_due_scan_finds_waits_for_the_first_post_another_sender_has_on_its_way(
        aiohttp_client: Any, settings: Settings, connector: Connector) -> None:
    """The other instance's periodic pass meets the decision's update while the request's card is still with Teams:
    it must go after it, in place, not be posted first and then sit above a card offering Approve."""
    first, second = await _two_instances(aiohttp_client, settings)
    await first.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await first.app[SERVICES].deliverer.drain()
    outbox = TableOutbox(first.app[STORE])
    now = datetime.now(UTC)
    request = OutboundMessage(recipient=HEAD, message_id="P-1|pending|to-head", card={**CARD, "n": 1},
                              card_key="P-1|decide", first_post=True, created_at=now)
    approved = OutboundMessage(recipient=HEAD, message_id="P-1|approved|to-head", card={**CARD, "n": 2},
                               card_key="P-1|decide", created_at=now + timedelta(milliseconds=1))
    connector.hang_next, connector.hang_seconds = 1, 1.5

    await OutboxNotifier(outbox, first.app[SERVICES].deliverer).notify([request])
    await _until_on_its_way(outbox, HEAD)
    await outbox.enqueue([approved])  # queued on the other instance, whose own pass has not run yet
    await second.app[SERVICES].deliverer.deliver_due()
    await _until_nothing_is_owed(outbox, HEAD)
    await first.app[SERVICES].deliverer.drain()
    await second.app[SERVICES].deliverer.drain()

    about = [c for c in _chat_as_shown(connector, "a:personal-29:sian") if "n" in c]
    assert [c["n"] for c in about] == [2], about  # one card, updated in place to the decision


async def _notified(client: TestClient, connector: Connector, messages: list[OutboundMessage]
                    ) -> tuple[list[Any], float]:
    """Queue `messages` as a flow does (`OutboxNotifier.notify`) on an app whose storage calls go through a proxy that
    keeps a timeline; the storage calls the sender's pass made before its first card went out, and when it went."""
    services = client.app[SERVICES]
    sends: list[float] = []
    real_send = services.deliverer._send

    async def send(*args: Any, **kwargs: Any) -> Any:
        sends.append(time.perf_counter())
        return await real_send(*args, **kwargs)

    services.deliverer._send = send
    timeline = client.app[TIMELINE]
    await OutboxNotifier(services.deliverer._outbox, services.deliverer).notify(messages)
    queued = time.perf_counter()  # the pass starts after this: `notify` only asks for it
    await services.deliverer.drain()
    assert sends, "nothing was sent"
    return [c for c in timeline if queued <= c.started < sends[0]], sends[0]


@pytest.fixture
async def timed_client(aiohttp_client: Any, settings: Settings, azurite: str, table_prefix: str
                       ) -> AsyncIterator[TestClient]:
    """The bot, its storage calls through a proxy that keeps a timeline (`client.app[TIMELINE]`)."""
    azurite_port = int(re.search(r"127\.0\.0\.1:(\d+)", azurite)[1])  # type: ignore[index]
    async with counting_proxy(azurite_port, prefix=table_prefix, timeline=True) as (port, counts):
        app = create_app(settings.model_copy(
            update={"storage_connection_string": SecretStr(azurite_connection_string(port))}))
        assert counts.timeline is not None
        app[TIMELINE] = counts.timeline
        client: TestClient = await aiohttp_client(app)
        yield client
        await client.close()  # while its storage is still there


async def test_a_card_a_flow_has_just_queued_goes_after_one_round_trip_of_reads_side_by_side(
        timed_client: TestClient, connector: Connector) -> None:
    """The requester's status card after the head's Approve: the sender's pass knows what the flow just stored, so its
    lease, its sent mark and its card's place are read side by side with the listing of her queue (the place in the
    listing's own query): one round of storage calls before the card goes, where there were two."""
    client = timed_client
    services = client.app[SERVICES]
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await services.deliverer.drain()
    await TableOutbox(client.app[STORE]).save_slot(CardSlot(HEAD, "P-1|status", "form-on-screen"))
    timeline = client.app[TIMELINE]
    timeline.clear()

    before, _ = await _notified(client, connector, [
        OutboundMessage(recipient=HEAD, message_id="P-1|status-approved", card={**CARD, "n": 1},
                        card_key="P-1|status", created_at=datetime.now(UTC)),
        OutboundMessage(recipient=HEAD, message_id="P-1|decision", card={**CARD, "n": 2}, card_key="P-1|decision",
                        first_post=True, created_at=datetime.now(UTC) + timedelta(milliseconds=1))])

    assert before, timeline
    assert max(c.started for c in before) < min(c.ended for c in before), [(c.method, c.path[:70]) for c in before]
    assert [a["id"] for a in connector.updated] == ["form-on-screen"]  # the status card, in place
    assert [c["n"] for c in connector.cards("a:personal-29:sian") if "n" in c] == [2]
    assert await TableOutbox(client.app[STORE]).list_for_recipient(HEAD) == []


@dataclass
class _HeadsChat:
    """Siân has said hi, so messages to her can go: her queue, the sender, and a flow's way of queueing."""
    outbox: TableOutbox
    deliverer: Deliverer
    notifier: OutboxNotifier


@pytest.fixture(name="chat")
async def _heads_chat(client: TestClient, connector: Connector) -> _HeadsChat:
    deliverer = client.app[SERVICES].deliverer
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await deliverer.drain()
    return _HeadsChat(deliverer._outbox, deliverer, OutboxNotifier(deliverer._outbox, deliverer))


async def test_a_just_queued_copy_of_a_message_sent_already_is_never_sent_again(
        chat: _HeadsChat, connector: Connector) -> None:
    await chat.notifier.notify([_owed("perm-1|to-head")])
    await chat.deliverer.drain()
    sent_before = len(connector.sent)

    await chat.notifier.notify([_owed("perm-1|to-head"), _owed("perm-2|to-head")])  # queued again, as a catch-up would
    await chat.deliverer.drain()

    assert len(connector.sent) == sent_before + 1
    assert await chat.outbox.list_for_recipient(HEAD) == []  # the copy left the queue, unsent, and nothing is held


async def test_a_just_queued_message_goes_after_an_older_one_to_the_same_person(
        chat: _HeadsChat, connector: Connector) -> None:
    now = datetime.now(UTC)
    await chat.outbox.enqueue([OutboundMessage(recipient=HEAD, message_id="older", card={**CARD, "n": 1},
                                               created_at=now)])

    await chat.notifier.notify([OutboundMessage(
        recipient=HEAD, message_id="newer", card={**CARD, "n": 2}, created_at=now + timedelta(seconds=1))])
    await chat.deliverer.drain()

    assert [c["n"] for c in connector.cards("a:personal-29:sian") if "n" in c] == [1, 2]
    assert await chat.outbox.list_for_recipient(HEAD) == []


@pytest.mark.parametrize("together", [True, False])
async def test_a_just_queued_card_replaced_again_before_it_goes_reaches_the_person_once_as_it_is_now(
        chat: _HeadsChat, connector: Connector, together: bool) -> None:
    now = datetime.now(UTC)
    first, again = (OutboundMessage(recipient=HEAD, message_id=f"P-1|v{n}", card={**CARD, "n": n}, card_key="P-1|head",
                                    created_at=now + timedelta(milliseconds=n)) for n in (1, 2))
    if together:  # the first just queued is the one replaced
        await chat.notifier.notify([first, again])
    else:  # the one just queued replaces one queued before
        await chat.outbox.enqueue([first])
        await chat.notifier.notify([again])
    await chat.deliverer.drain()

    assert [c["n"] for c in connector.cards("a:personal-29:sian") if "n" in c] == [2]
    assert await chat.outbox.list_for_recipient(HEAD) == []


async def test_a_just_queued_update_of_a_card_another_sender_has_on_its_way_waits_for_it_and_is_not_held(
        chat: _HeadsChat, connector: Connector) -> None:
    now = datetime.now(UTC)
    await chat.outbox.enqueue([OutboundMessage(recipient=HEAD, message_id="P-1|pending", card={**CARD, "n": 1},
                                               card_key="P-1|decide", first_post=True, created_at=now)])
    [on_its_way] = await chat.outbox.list_for_recipient(HEAD)
    await chat.outbox.claim(on_its_way, now)  # another instance's sender has it

    await chat.notifier.notify([OutboundMessage(
        recipient=HEAD, message_id="P-1|approved", card={**CARD, "n": 2}, card_key="P-1|decide",
        created_at=now + timedelta(seconds=1))])
    await chat.deliverer.drain()
    waiting = {m.message_id: m for m in await chat.outbox.list_for_recipient(HEAD)}

    assert [c for c in connector.cards("a:personal-29:sian") if "n" in c] == []  # not before the card on its way
    assert waiting["P-1|approved"].held_until(datetime.now(UTC)) is None  # waits unheld, to go once that has gone
    for timer in list(chat.deliverer._timers):  # the look again it set, not left for after the test
        timer.cancel()


async def test_a_just_queued_message_claimed_while_storage_failed_to_list_the_queue_goes_at_the_next_pass_once(
        chat: _HeadsChat, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    sent_before = len(connector.sent)

    async def unreadable(*args: Any, **kwargs: Any) -> Any:
        raise StorageUnavailable("injected: the queue could not be listed")

    with monkeypatch.context() as storage_blinks:
        for listing in ("listed_with", "list_for_recipient"):
            if hasattr(chat.outbox, listing):
                storage_blinks.setattr(chat.outbox, listing, unreadable)
        await chat.notifier.notify([_owed("perm-1|to-head")])
        await chat.deliverer.drain()
    [waiting] = await chat.outbox.list_for_recipient(HEAD)
    again = await chat.deliverer.deliver_to(HEAD)

    assert waiting.held_until(datetime.now(UTC)) is None  # not held for a lease nobody is using
    assert again == 1
    assert [a["attachments"][0]["content"] for a in connector.sent[sent_before:]] == [CARD]


async def test_a_request_card_teams_took_as_storage_went_down_is_recorded_once_it_is_back_and_never_sent_twice(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Storage goes down the moment Teams takes the head's card (its place and its sent mark cannot be written) and
    is back a second later, well within the sender's lease: the head gets the card once. Before, the sender gave up
    at once ("sent but not recorded as sent"), and the next pass after the lease posted the card to her again."""
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1, "outbox_lease_seconds": 5})
        client: TestClient = await aiohttp_client(create_app(settings))
        services = client.app[SERVICES]
        for person in (CARYS, SIAN):
            await client.post("/api/messages", json=message(person, "hi", connector.url))
        await services.deliverer.drain()
        back: list[asyncio.Task[None]] = []

        async def storage_down_as_the_head_s_card_is_taken(activity: dict[str, Any]) -> None:
            if activity["conversation"]["id"] == "a:personal-29:sian" and "permission.approve" in json.dumps(activity):
                connector.on_send = None
                await outage.down()
                back.append(asyncio.ensure_future(_up_after(outage, 1.0)))

        connector.on_send = storage_down_as_the_head_s_card_is_taken
        await client.post("/api/messages", json=card_action(CARYS, "permission.submit", form(), connector.url))
        await services.deliverer.drain()
        await asyncio.gather(*back)
        await asyncio.sleep(5.5)  # the lease has run out: a message not recorded as sent would go again
        await services.deliverer.deliver_due()
        await services.deliverer.drain()

    to_head = [a for a in connector.sent if a["conversation"]["id"] == "a:personal-29:sian"
               and "permission.approve" in json.dumps(a)]
    assert len(back) == 1 and len(to_head) == 1
    assert [a for a in connector.updated if a["conversation"]["id"] == "a:personal-29:sian"] == []


async def _up_after(outage: StorageOutage, seconds: float) -> None:
    await asyncio.sleep(seconds)
    await outage.up()
