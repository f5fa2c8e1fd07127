"""A waiting request's card in the headteacher's (and her delegate's) chat stops offering Approve once the dates
asked for have ended: a pass edits each copy in place, once, to say so and offer Decline only. Against Azurite and
the local connector."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from app import FEDERATION, SERVICES, STORE, create_app
from bot.domain.errors import StorageUnavailable
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person
from bot.domain.uk_time import uk_today
from bot.settings import Settings
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.users import TableUserProfiles
from cards.i18n import load_catalogue
from dialogs.permission_requests import PermissionFlow
from tests.support.activities import CARYS, FFION, SIAN, TENANT, card_action, message
from tests.support.cards import press, verb_data
from tests.support.connector import Connector
from tests.support.faults import fail_next_enqueue

CARYS_CHAT, SIAN_CHAT, FFION_CHAT = "a:personal-29:carys", "a:personal-29:sian", "a:personal-29:ffion"
LOCALES = {Lang.EN: "en-GB", Lang.CY: "cy-GB"}
HEAD = Person(TENANT, SIAN["aadObjectId"], SIAN["name"])
DELEGATE = Person(TENANT, FFION["aadObjectId"], FFION["name"])


def _form(start: date, end: date) -> dict[str, str]:
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": "Share the Year 9 geography field trip with parents.",
            "audience": "parents", "pupil_content": "work", "consent": "Only work, no names; parents opted in.",
            "moderator": "Carys Jenkins", "moderation": "daily", "start": start.isoformat(), "end": end.isoformat(),
            "ongoing": "", "confirm": "true"}


def _in(chat: str, activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in activities if a["conversation"]["id"] == chat]


def _card(activity: dict[str, Any]) -> dict[str, Any]:
    return dict(activity["attachments"][0]["content"])


async def _asked(client: TestClient, connector: Connector, lang: Lang, *, start: date, end: date
                 ) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Carys asks (in English) for `start` to `end`; Siân and Ffion, who decide it, read the bot in `lang`. The
    request's id, and the card each decider got (with Approve)."""
    for person, locale in ((CARYS, "en-GB"), (SIAN, LOCALES[lang]), (FFION, LOCALES[lang])):
        await client.post("/api/messages", json=message(person, "hi", connector.url, locale=locale))
    await client.app[SERVICES].deliverer.drain()
    status = await press(client, connector, card_action(CARYS, "permission.submit", _form(start, end), connector.url))
    await client.app[SERVICES].deliverer.drain()
    request_id = str(verb_data(status, "permission.withdraw")["id"])
    head, delegate = (next(a for a in reversed(connector.sent) if a["conversation"]["id"] == chat
                           and request_id in json.dumps(a)) for chat in (SIAN_CHAT, FFION_CHAT))
    assert "permission.approve" in json.dumps(head) and "permission.approve" in json.dumps(delegate)
    return request_id, head, delegate


def _flow(client: TestClient, now: datetime) -> PermissionFlow:
    """The permission flow of another instance on the same storage, at `now`; it only queues (the apps send)."""
    store = client.app[STORE]
    return PermissionFlow(strings=load_catalogue(), federation=client.app[FEDERATION],
                          requests=TablePermissionRequests(store), notifier=QueueingNotifier(TableOutbox(store)),
                          profiles=TableUserProfiles(store), directory=TableStaffDirectory(store),
                          limiter=TableRateLimiter(store), request_limit=100, clock=lambda: now)


async def _days_gone_by(azurite: str, table_prefix: str, request_id: str) -> date:
    """The request as it is after a few days' wait: the days it asked for are behind us (the last was yesterday,
    which is returned). The running app's clock is the real one."""
    ended = uk_today(datetime.now(UTC)) - timedelta(days=1)
    async with TableClient.from_connection_string(azurite, table_prefix + "permissions") as table:
        await table.update_entity({"PartitionKey": request_id, "RowKey": "request",
                                   "Start": (ended - timedelta(days=2)).isoformat(), "End": ended.isoformat()},
                                  mode=UpdateMode.MERGE)
    return ended


def _after(day: date) -> datetime:
    """09:00 UTC on the day after `day`: every day asked for up to `day` has passed."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_deciders_cards_say_the_dates_have_ended_and_offer_decline_only(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str,
        lang: Lang) -> None:
    """Asked for one day, still waiting when it had passed: the card in Siân's chat (and Ffion's, her delegate) kept
    Approve, which could only be refused, until she pressed it. Now the running bot edits both copies in place, once:
    they say the dates have ended and that Carys can send a new request, and offer Decline (same data) but no
    Approve. Carys is told nothing new; Decline on the edited card still decides it."""
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(
        update={"catch_up_interval_seconds": 0.2})))
    today = uk_today(datetime.now(UTC))
    request_id, head, delegate = await _asked(client, connector, lang, start=today, end=today)
    carys_saw = len(_in(CARYS_CHAT, connector.sent)) + len(_in(CARYS_CHAT, connector.updated))
    updated_before = len(connector.updated)
    ended = await _days_gone_by(azurite, table_prefix, request_id)

    await connector.wait_for(len(connector.sent) + updated_before + 2, within=10.0)
    await asyncio.sleep(1.0)  # several more passes: nothing is edited twice
    await client.app[SERVICES].deliverer.drain()

    strings = load_catalogue()
    says = strings.text("perm.dates_ended", lang, end=f"{ended:%d/%m/%Y}", name=CARYS["name"])
    for chat, sent in ((SIAN_CHAT, head), (FFION_CHAT, delegate)):
        [edited] = _in(chat, connector.updated[updated_before:])
        assert edited["id"] == sent["id"]  # in place, not posted anew
        shown = json.dumps(edited, ensure_ascii=False)
        assert says in shown
        assert "permission.approve" not in shown
        assert verb_data(_card(edited), "permission.decline") == verb_data(_card(sent), "permission.decline")
        assert [a for a in _in(chat, connector.sent) if request_id in json.dumps(a)] == [sent]
    assert len(_in(CARYS_CHAT, connector.sent)) + len(_in(CARYS_CHAT, connector.updated)) == carys_saw

    [edited_for_head] = _in(SIAN_CHAT, connector.updated[updated_before:])
    declined = await press(client, connector, card_action(
        SIAN, "permission.decline", {**verb_data(_card(edited_for_head), "permission.decline"),
                                     "reason": "The trip is over."}, connector.url, reply_to_id=head["id"]))
    stored = await TablePermissionRequests(client.app[STORE]).get(request_id)
    assert stored.state.value == "declined" and stored.reason == "The trip is over."
    assert "permission.approve" not in json.dumps(declined)
    assert "The trip is over." in json.dumps(_in(CARYS_CHAT, connector.sent)[-1], ensure_ascii=False)


async def test_two_instances_at_once_edit_each_copy_once(aiohttp_client: Any, settings: Settings,
                                                         connector: Connector) -> None:
    client: TestClient = await aiohttp_client(create_app(settings))
    other: TestClient = await aiohttp_client(create_app(settings))
    today = uk_today(datetime.now(UTC))
    request_id, head, delegate = await _asked(client, connector, Lang.EN, start=today, end=today)
    later = _after(today)

    queued = await asyncio.gather(_flow(client, later).show_dates_ended(), _flow(other, later).show_dates_ended())
    senders = (client.app[SERVICES].deliverer, other.app[SERVICES].deliverer)
    await asyncio.gather(*(d.deliver_to(p) for d in senders for p in (HEAD, DELEGATE)))
    # Both instances restarted, a day later: their passes look again.
    await asyncio.gather(_flow(client, later + timedelta(days=1)).show_dates_ended(),
                         _flow(other, later + timedelta(days=1)).show_dates_ended())
    await asyncio.gather(*(d.deliver_to(p) for d in senders for p in (HEAD, DELEGATE)))
    await asyncio.gather(*(d.drain() for d in senders))

    assert list(queued) == [1, 1]
    for chat, sent in ((SIAN_CHAT, head), (FFION_CHAT, delegate)):
        [edited] = [a for a in _in(chat, connector.updated) if request_id in json.dumps(a)]
        assert edited["id"] == sent["id"] and "permission.approve" not in json.dumps(edited)
    assert await TableOutbox(client.app[STORE]).list_for_recipient(HEAD) == []


async def test_an_edit_that_could_not_be_queued_or_sent_is_made_later_once(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    today = uk_today(datetime.now(UTC))
    request_id, head, _ = await _asked(client, connector, Lang.EN, start=today, end=today)
    flow, deliverer = _flow(client, _after(today)), client.app[SERVICES].deliverer

    fail_next_enqueue(monkeypatch, about="|dates-ended")  # storage fails under the pass
    with pytest.raises(StorageUnavailable):
        await flow.show_dates_ended()
    queued_later = await flow.show_dates_ended()  # the next pass
    connector.fail_next = [503] * 4  # Teams refuses the edit (and a new post)
    sent_while_refused = await deliverer.deliver_to(HEAD)
    [waiting] = await TableOutbox(client.app[STORE]).list_for_recipient(HEAD)
    connector.fail_next = []
    sent_later = await deliverer.deliver_to(HEAD)  # a later delivery pass
    sent_again = await deliverer.deliver_to(HEAD)

    assert queued_later == 1 and (sent_while_refused, sent_later, sent_again) == (0, 1, 0)
    assert waiting.attempts == 1 and "|dates-ended" in waiting.message_id
    [edited] = [a for a in _in(SIAN_CHAT, connector.updated) if request_id in json.dumps(a)]
    assert edited["id"] == head["id"] and "permission.approve" not in json.dumps(edited)
    assert [a for a in _in(SIAN_CHAT, connector.sent) if request_id in json.dumps(a)] == [head]


async def test_an_edit_still_queued_when_the_head_declines_on_her_card_never_reaches_it(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """The pass's edit waits (Teams refused it) when Siân declines on the card itself: her card shows the decline
    (the click's answer), and the edit, sent later, would have put the waiting request back on it with Decline."""
    today = uk_today(datetime.now(UTC))
    request_id, head, _ = await _asked(client, connector, Lang.EN, start=today, end=today)
    deliverer = client.app[SERVICES].deliverer
    await _days_gone_by(azurite, table_prefix, request_id)
    assert await _flow(client, datetime.now(UTC)).show_dates_ended() == 1
    connector.fail_next = [503] * 4
    await deliverer.deliver_to(HEAD)
    connector.fail_next = []

    await press(client, connector, card_action(SIAN, "permission.decline",
                                               {**verb_data(_card(head), "permission.decline"),
                                                "reason": "The trip is over."}, connector.url,
                                               reply_to_id=head["id"]))
    await deliverer.deliver_to(HEAD)  # a later delivery pass
    await deliverer.drain()

    last = [a for a in _in(SIAN_CHAT, connector.updated) if a["id"] == head["id"]][-1]
    assert "permission.decline" not in json.dumps(last) and "The trip is over." in json.dumps(last)
    assert await TableOutbox(client.app[STORE]).list_for_recipient(HEAD) == []


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_copy_opened_from_the_pending_list_is_edited_too(client: TestClient, connector: Connector,
                                                                  lang: Lang) -> None:
    """Siân opened the request from her pending list ("See … in full") while a day asked for was still ahead: that
    copy kept Approve after the pass edited her card and Ffion's, and pressing it was only refused. Now the pass edits
    the copy she opened too, in place, to say the dates have ended, with Decline (its own data) and no Approve."""
    today = uk_today(datetime.now(UTC))
    request_id, head, _ = await _asked(client, connector, lang, start=today, end=today)
    listed = await press(client, connector, card_action(SIAN, "permission.pending", {}, connector.url,
                                                        locale=LOCALES[lang]))
    opened_activity = await _opened(client, connector, verb_data(listed, "permission.open"), lang)
    opened = _card(opened_activity)
    assert "permission.approve" in json.dumps(opened)
    sent_before, updated_before = len(connector.sent), len(connector.updated)

    assert await _flow(client, _after(today)).show_dates_ended() == 1
    deliverer = client.app[SERVICES].deliverer
    await asyncio.gather(deliverer.deliver_to(HEAD), deliverer.deliver_to(DELEGATE))
    await deliverer.drain()

    says = load_catalogue().text("perm.dates_ended", lang, end=f"{today:%d/%m/%Y}", name=CARYS["name"])
    edits = {a["id"]: a for a in _in(SIAN_CHAT, connector.updated[updated_before:])}
    assert sorted(a["id"] for a in _in(SIAN_CHAT, connector.updated[updated_before:])) == sorted(
        [head["id"], opened_activity["id"]])  # in place, each once
    edited = _card(edits[opened_activity["id"]])
    assert says in json.dumps(edited, ensure_ascii=False) and "permission.approve" not in json.dumps(edited)
    assert verb_data(edited, "permission.decline") == verb_data(opened, "permission.decline")
    assert _in(SIAN_CHAT, connector.sent[sent_before:]) == []  # nothing posted anew


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_copy_opened_once_the_dates_have_ended_offers_decline_only_and_says_why(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, lang: Lang) -> None:
    today = uk_today(datetime.now(UTC))
    request_id, _, _ = await _asked(client, connector, lang, start=today, end=today)
    ended = await _days_gone_by(azurite, table_prefix, request_id)

    opened = _card(await _opened(client, connector, {"id": request_id, "lang": lang.value}, lang))

    says = load_catalogue().text("perm.dates_ended", lang, end=f"{ended:%d/%m/%Y}", name=CARYS["name"])
    assert says in json.dumps(opened, ensure_ascii=False) and "permission.approve" not in json.dumps(opened)
    assert verb_data(opened, "permission.decline")["from"] == "open"


async def _opened(client: TestClient, connector: Connector, data: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """The message "See … in full" posts in Siân's chat, below the list (with its id)."""
    await press(client, connector, card_action(SIAN, "permission.open", data, connector.url, locale=LOCALES[lang]))
    return _in(SIAN_CHAT, connector.sent)[-1]


async def test_a_decision_elsewhere_edits_the_copy_opened_from_the_pending_list(client: TestClient,
                                                                                 connector: Connector) -> None:
    """Ffion approves on her card: the copy Siân opened from her list shows the decision, like her own card, where it
    kept Approve and Decline (pressing them only said it was decided)."""
    today = uk_today(datetime.now(UTC))
    request_id, head, delegate = await _asked(client, connector, Lang.EN, start=today, end=today + timedelta(days=3))
    opened_activity = await _opened(client, connector, {"id": request_id}, Lang.EN)
    updated_before = len(connector.updated)

    await press(client, connector, card_action(FFION, "permission.approve", verb_data(_card(delegate),
                                                                                      "permission.approve"),
                                               connector.url, reply_to_id=delegate["id"]))
    await client.app[SERVICES].deliverer.deliver_to(HEAD)
    await client.app[SERVICES].deliverer.drain()

    edits = [a for a in _in(SIAN_CHAT, connector.updated[updated_before:])]
    assert sorted(a["id"] for a in edits) == sorted([head["id"], opened_activity["id"]])
    for edited in edits:
        assert "permission.approve" not in json.dumps(edited) and "permission.decline" not in json.dumps(edited)
        assert FFION["name"] in json.dumps(edited, ensure_ascii=False)
