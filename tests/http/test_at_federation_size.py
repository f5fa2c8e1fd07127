"""The heads' lists at the size of a federation after a year or two, through the real app over Azurite: every card
stays within Teams' 28 KB and nobody on the list is out of reach."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableServiceClient

from app import STORE, STRINGS
from bot.domain.concerns import LIMITS, ConcernReport, ReportState, Route
from bot.domain.federation import load_federation
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState, decide
from bot.domain.questions import QuestionRecord, forget_old_questions, new_question_id
from bot.storage.concerns import TableConcernReports
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.questions import TableQuestionLog
from bot.storage.tables import TableStore, service_client
from cards.elements import MAX_CARD_BYTES, card_bytes
from tests.support.activities import CARYS, FFION, GARETH, OWAIN, SIAN, TENANT, card_action
from tests.support.cards import press
from tests.support.concerns import import_staff, reference_in, say_hi, send_report
from tests.support.connector import Connector

REPO = Path(__file__).resolve().parents[2]
FEDERATION = load_federation(REPO / "config" / "federation.local.json")
FIRST = ["Angharad", "Bethan", "Carys", "Dafydd", "Elinor", "Ffion", "Gwenllian", "Hywel", "Llŷr", "Siân", "Rhodri",
         "Alexandra-Louise"]
LAST = ["Davies", "Llewellyn-Jones", "Vaughan-Thomas", "Prys-Griffiths", "Hughes", "Ap Gwilym-Roberts", "Pritchard"]
REQUEST_ID = re.compile(r"P-[A-Z0-9]{6}")
# When the approved accounts of `_approved_accounts` were asked for, a minute apart from this on.
ACCOUNTS_ASKED = datetime.now(UTC) - timedelta(days=400)
LOCALES = {Lang.EN: "en-GB", Lang.CY: "cy-GB"}


def _staff(count: int) -> list[Person]:
    names = itertools.islice(itertools.cycle(itertools.product(FIRST, LAST)), count)
    return [Person(TENANT, f"c{n:07d}-0000-4000-8000-000000000000", f"{first} {last}")
            for n, (first, last) in enumerate(names)]


async def _approved_accounts(client: TestClient, count: int) -> set[str]:
    """`count` approved permissions still in force, each with an account name and purpose of a usual length; their
    notifications were sent at the time (none owed: the bot's delivery pass would otherwise send 300 cards while the
    test reads the head's list)."""
    store = TablePermissionRequests(client.app[STORE])
    head = Person(TENANT, SIAN["aadObjectId"], SIAN["name"])
    asked = ACCOUNTS_ASKED
    ids = []
    for n, person in enumerate(_staff(count)):
        request = _an_account(f"P-{n:06d}", person, n, asked + timedelta(minutes=n))
        approved = decide(request, head, FEDERATION, approve=True, reason="", comment="Go ahead",
                          now=asked + timedelta(minutes=n, seconds=30))
        ids.append((approved, AuditEntry(approved.request_id, "approved", head.aad_object_id, head.name,
                                         approved.submitted_at)))
    for at in range(0, len(ids), 25):
        await asyncio.gather(*(store.create(request, audit) for request, audit in ids[at:at + 25]))
        await asyncio.gather(*(store.queued(request.request_id, request.state) for request, _ in ids[at:at + 25]))
    return {request.request_id for request, _ in ids}


def _an_account(request_id: str, person: Person, n: int, submitted_at: datetime) -> PermissionRequest:
    """A request, still waiting, to use the `n`th class's existing account, with a purpose of a usual length."""
    return PermissionRequest(
        request_id=request_id, requester=person, school_id="high" if n % 3 else "primary",
        platform="instagram" if n % 2 else "facebook", platform_other="", account_kind="existing",
        existing_account=f"@Llanidloes{person.name.split()[-1].replace('-', '')}Class{n}",
        purpose="Share the class's work and trips with parents, weekly, photos without names.",
        audiences=("parents",), pupil_content=("work",), consent="Parents opted in on the annual form.",
        moderator=person.name, moderation="weekly", start=date.today() - timedelta(days=30), end=None,
        submitted_at=submitted_at)


@pytest.fixture
async def forty_of_carys(azurite: str, table_prefix: str) -> AsyncIterator[set[str]]:
    """40 requests by Carys over the years, stored before the bot starts (the ids)."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["permissions", "permissionindex"])
        yield await _one_persons_requests(TablePermissionRequests(tables), 40)


async def _one_persons_requests(store: TablePermissionRequests, count: int) -> set[str]:
    """`count` requests by Carys over the years, one in four still waiting, the rest decided; their notifications were
    sent at the time (none owed, so none arrives while the test reads her list)."""
    carys, head = Person(TENANT, CARYS["aadObjectId"], CARYS["name"]), Person(TENANT, SIAN["aadObjectId"], SIAN["name"])
    asked = datetime.now(UTC) - timedelta(days=800)
    made = []
    for n in range(count):
        request = PermissionRequest(
            request_id=f"P-C{n:05d}", requester=carys, school_id="high", platform="instagram",
            platform_other="", account_kind="new", existing_account="",
            purpose=f"Share Year {7 + n % 5} trip {n} with parents, photos without names, weekly.",
            audiences=("parents",), pupil_content=("work",), consent="Parents opted in on the annual form.",
            moderator=carys.name, moderation="weekly", start=date.today() + timedelta(days=30), end=None,
            submitted_at=asked + timedelta(days=20 * n))
        if n % 4:
            request = decide(request, head, FEDERATION, approve=bool(n % 2), reason="" if n % 2 else "Not for now",
                             comment="", now=request.submitted_at + timedelta(hours=1))
        made.append((request, AuditEntry(request.request_id, "submitted", carys.aad_object_id, carys.name,
                                         request.submitted_at)))
    for at in range(0, len(made), 20):
        await asyncio.gather(*(store.create(request, audit) for request, audit in made[at:at + 20]))
        await asyncio.gather(*(store.queued(request.request_id, request.state) for request, _ in made[at:at + 20]))
    assert sum(request.state is RequestState.PENDING for request, _ in made) == count // 4
    return {request.request_id for request, _ in made}


def _ids(card: dict[str, Any]) -> list[str]:
    """The requests a card names, each once, in the order it first names them (a list's buttons name them again), in
    what it shows: not in its buttons' data (End on a later card of Official accounts says where that card began)."""
    shown = [str(node[key]) for node in _nodes(card) for key in ("text", "title", "label") if key in node]
    return list(dict.fromkeys(REQUEST_ID.findall(" ".join(shown))))


def _pressable(card: dict[str, Any], verb: str) -> dict[str, Any] | None:
    found = [node for node in _nodes(card) if node.get("type") == "Action.Execute" and node.get("verb") == verb]
    return found[0].get("data", {}) if found else None


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *itertools.chain.from_iterable(_nodes(value) for value in node.values())]
    if isinstance(node, list):
        return list(itertools.chain.from_iterable(_nodes(value) for value in node))
    return []


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_official_accounts_list_pages_through_300_accounts_within_28_kb(
        client: TestClient, connector: Connector, lang: Lang) -> None:
    """300 approved accounts made one card of about 150 KB, which Teams refuses: the headteacher saw nothing. Now
    each card shows as many as fit, says how many there are, and 'Show more' opens the next, until every one has
    been shown once."""
    every = await _approved_accounts(client, 300)

    pages = await _every_page(client, connector, SIAN, "permission.register", lang=lang, most=40)

    shown = [_ids(page) for page in pages]
    assert all(card_bytes(page) <= MAX_CARD_BYTES for page in pages)
    assert sorted(itertools.chain.from_iterable(shown)) == sorted(every)  # each once, none left out
    assert len(pages) > 1 and "300" in json.dumps(pages[0], ensure_ascii=False)
    more_title = {Lang.EN: "Show more", Lang.CY: "Dangos rhagor"}[lang]
    assert all(more_title in json.dumps(page, ensure_ascii=False) for page in pages[:-1])


@pytest.mark.parametrize("lang", list(Lang))
async def test_my_requests_pages_through_40_requests(forty_of_carys: set[str], client: TestClient,
                                                     connector: Connector, lang: Lang) -> None:
    """A member of staff with 40 requests saw the newest 20 and "20 more (older) not shown here", with no way to
    reach the older ones. Now the list says how many there are and 'Show more' opens the next, newest first, until
    every one has been shown once."""
    every = forty_of_carys

    pages = await _every_page(client, connector, CARYS, "permission.mine", lang=lang)

    shown = [_ids(page) for page in pages]
    assert all(card_bytes(page) <= MAX_CARD_BYTES for page in pages)
    assert sorted(itertools.chain.from_iterable(shown)) == sorted(every)  # each once, none out of reach
    assert list(itertools.chain.from_iterable(shown)) == sorted(every, reverse=True)  # newest first
    assert len(pages) > 1 and "40" in json.dumps(pages[0], ensure_ascii=False)
    more_title = {Lang.EN: "Show more", Lang.CY: "Dangos rhagor"}[lang]
    assert all(more_title in json.dumps(page, ensure_ascii=False) for page in pages[:-1])


# Show more goes on after the last one shown, whatever changed between the presses

TITLES = {"permission.mine": "perm.mine_title", "permission.register": "perm.register_title",
          "concern.mine": "concern.mine_title", "permission.pending": "perm.pending_title",
          "ask.review": "ask.review_title"}


async def _list(client: TestClient, connector: Connector, user: dict[str, str], verb: str, data: dict[str, Any], *,
                lang: Lang = Lang.EN) -> dict[str, Any]:
    """The list card a press opens below the card pressed (not a card the bot's first catch-up pass, running
    meanwhile, sent the same person about the requests the test stored)."""
    chat = f"a:personal-{user['id']}"
    before = len(connector.cards(chat))
    await press(client, connector, card_action(user, verb, data, connector.url, locale=LOCALES[lang]))
    title = json.dumps(client.app[STRINGS].text(TITLES[verb], lang), ensure_ascii=False)
    [opened] = [c for c in connector.cards(chat)[before:] if title in json.dumps(c, ensure_ascii=False)]
    return opened


async def _every_page(client: TestClient, connector: Connector, user: dict[str, str], verb: str, *, lang: Lang,
                      first: dict[str, Any] | None = None, most: int = 10,
                      more: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None) -> list[dict[str, Any]]:
    """The list `verb` opens, then each card its Show more opens, until a card offers none (at most `most`)."""
    show_more = more or (lambda card: _pressable(card, verb))
    pages = [await _list(client, connector, user, verb, first or {}, lang=lang)]
    while (data := show_more(pages[-1])) and len(pages) < most:
        pages.append(await _list(client, connector, user, verb, data, lang=lang))
    return pages


async def _carys_sends_a_request(client: TestClient, connector: Connector, azurite: str, prefix: str,
                                 shown: list[str]) -> None:
    """Carys sends a new request, on this release's form: the newest, at the top of her list."""
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    status = await press(client, connector, card_action(CARYS, "permission.submit", {
        "school": "high", "platform": "instagram", "account_kind": "new", "audience": "parents",
        "purpose": "Share Year 9 geography field trip highlights with parents.", "pupil_content": "work",
        "consent": "Only work, no names.", "moderator": "Carys Jenkins", "moderation": "daily", "start": tomorrow,
        "ongoing": "true", "confirm": "true", "lang": "en"}, connector.url))
    assert _pressable(status, "permission.withdraw") is not None  # sent


async def _one_is_deleted_by_hand(client: TestClient, connector: Connector, azurite: str, prefix: str,
                                  shown: list[str]) -> None:
    """One the first card showed (not its last) is deleted by hand, the data protection officer's way (README
    Limits): its record and trail, leaving its index row, which lists skip."""
    async with TableServiceClient.from_connection_string(azurite) as service:
        async with service.get_table_client(f"{prefix}permissions") as table:
            async for row in table.query_entities("PartitionKey eq @pk", parameters={"pk": shown[5]}):
                await table.delete_entity(row["PartitionKey"], row["RowKey"])


BETWEEN_MY_PRESSES = {"a request sent": _carys_sends_a_request, "a request deleted": _one_is_deleted_by_hand}


@pytest.mark.parametrize("change", list(BETWEEN_MY_PRESSES))
async def test_show_more_on_my_requests_goes_on_after_the_last_one_shown(
        forty_of_carys: set[str], client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        change: str) -> None:
    """Show more opened the next card by position: a request sent between two presses pushed the list down one, so the
    next card began with the one already seen; one deleted pulled it up one, so the next one was never seen. It now goes
    on after the last one the card showed."""
    first = await _list(client, connector, CARYS, "permission.mine", {})
    shown, more = _ids(first), _pressable(first, "permission.mine")
    assert more is not None
    await BETWEEN_MY_PRESSES[change](client, connector, azurite, table_prefix, shown)

    second = await _list(client, connector, CARYS, "permission.mine", more)

    assert _ids(second) == sorted(forty_of_carys, reverse=True)[len(shown):]


async def test_a_show_more_sent_before_it_went_on_after_the_last_one_still_goes_on_by_position(
        forty_of_carys: set[str], client: TestClient, connector: Connector) -> None:
    """Cards already in chats send only `start`: the list goes on from that place, as it did."""
    seen = await _list(client, connector, CARYS, "permission.mine", {"start": "20", "lang": "en"})

    assert _ids(seen) and _ids(seen) == sorted(forty_of_carys, reverse=True)[20:20 + len(_ids(seen))]


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_show_more_past_the_end_of_a_shorter_list_says_so_and_shows_it_from_the_start(
        client: TestClient, connector: Connector, lang: Lang) -> None:
    """An old card's Show more from the 21st, on a list of four: it showed the last one alone, as if it came after the
    twentieth. Now it says the list is shorter than when the card was sent, and shows it from the start."""
    four = await _one_persons_requests(TablePermissionRequests(client.app[STORE]), 4)

    seen = await _list(client, connector, CARYS, "permission.mine", {"start": "20", "lang": lang.value}, lang=lang)

    assert client.app[STRINGS].text("list.shorter", lang) in json.dumps(seen, ensure_ascii=False)
    assert _ids(seen) == sorted(four, reverse=True)


async def test_someone_elses_show_more_shows_their_own_list(forty_of_carys: set[str], client: TestClient,
                                                             connector: Connector) -> None:
    first = await _list(client, connector, CARYS, "permission.mine", {})
    more = _pressable(first, "permission.mine")
    assert more is not None

    seen = await _list(client, connector, OWAIN, "permission.mine", more)

    assert client.app[STRINGS].text("perm.mine_empty", Lang.EN) in json.dumps(seen, ensure_ascii=False)
    assert _ids(seen) == []


async def _one_asked_early_is_approved(client: TestClient, connector: Connector, azurite: str, prefix: str,
                                       shown: list[str]) -> None:
    """A request asked for between the third and fourth accounts, waiting until now, is approved: it lands among those
    the first card showed."""
    approved = await press(client, connector, card_action(SIAN, "permission.approve",
                                                          {"id": "P-EARLY0", "reason": ""}, connector.url))
    assert "P-EARLY0" in json.dumps(approved)
    assert (await TablePermissionRequests(client.app[STORE]).get("P-EARLY0")).state is RequestState.APPROVED


async def _dates_end(azurite: str, prefix: str, request_ids: list[str]) -> None:
    """The approved dates of these accounts end (yesterday), so they leave the register."""
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    async with TableServiceClient.from_connection_string(azurite) as service:
        async with service.get_table_client(f"{prefix}permissions") as table:
            for request_id in request_ids:
                await table.update_entity({"PartitionKey": request_id, "RowKey": "request", "End": yesterday},
                                          mode=UpdateMode.MERGE)


async def _the_last_one_shown_ends(client: TestClient, connector: Connector, azurite: str, prefix: str,
                                   shown: list[str]) -> None:
    await _dates_end(azurite, prefix, shown[-1:])


BETWEEN_REGISTER_PRESSES = {"an approval": _one_asked_early_is_approved, "an account ended": _the_last_one_shown_ends}


async def _waiting_since_early(client: TestClient) -> None:
    """P-EARLY0, asked for between the third and fourth accounts, still waiting (its card was sent at the time)."""
    store = TablePermissionRequests(client.app[STORE])
    request = _an_account("P-EARLY0", _staff(30)[-1], 30, ACCOUNTS_ASKED + timedelta(minutes=2, seconds=30))
    await store.create(request, AuditEntry(request.request_id, "submitted", request.requester.aad_object_id,
                                           request.requester.name, request.submitted_at))
    await store.queued(request.request_id, request.state)


@pytest.mark.parametrize("change", list(BETWEEN_REGISTER_PRESSES))
async def test_show_more_on_the_official_accounts_goes_on_after_the_last_one_shown(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, change: str) -> None:
    """Show more opened the next card by position: an approval of a request asked for early landed among those shown,
    so the next card began with the one already seen; an account whose dates ended left the list, so the next one was
    never seen. It now goes on after the last one the card showed."""
    every = await _approved_accounts(client, 25)
    await _waiting_since_early(client)
    first = await _list(client, connector, SIAN, "permission.register", {})
    shown, more = _ids(first), _pressable(first, "permission.register")
    assert more is not None and shown == sorted(every)[:len(shown)]
    await BETWEEN_REGISTER_PRESSES[change](client, connector, azurite, table_prefix, shown)

    second = await _list(client, connector, SIAN, "permission.register", more)

    assert _ids(second) == sorted(every)[len(shown):]


@pytest.mark.parametrize("lang", list(Lang))
async def test_show_more_when_every_account_after_the_last_one_shown_has_ended_says_so(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, lang: Lang) -> None:
    """Nothing left after the last one shown: not an empty card, but the list from the start, saying why."""
    every = await _approved_accounts(client, 25)
    first = await _list(client, connector, SIAN, "permission.register", {"lang": lang.value}, lang=lang)
    shown, more = _ids(first), _pressable(first, "permission.register")
    assert more is not None
    await _dates_end(azurite, table_prefix, sorted(every)[len(shown):])

    second = await _list(client, connector, SIAN, "permission.register", more, lang=lang)

    assert client.app[STRINGS].text("list.shorter", lang) in json.dumps(second, ensure_ascii=False)
    assert _ids(second) == shown


# My reports: a long history of concern reports, paged the same way

REPORT_REFERENCE = re.compile(r"C-[A-Z0-9]{6}")
GARETH_HOLDS = StaffContact("a1000000-0000-4000-8000-000000000004", "Gareth Hughes",
                            "gareth.hughes@llanidloes.example.cymru")
SIAN_ABOVE = StaffContact(SIAN["aadObjectId"], "Mrs Siân Roberts")


def _references(card: dict[str, Any]) -> list[str]:
    """The reports a card names, each once, in the order it first names them (each row's Show button names it again)."""
    return list(dict.fromkeys(REPORT_REFERENCE.findall(json.dumps(card, ensure_ascii=False))))


async def _reports_by(client: TestClient, user: dict[str, str], count: int, *, prefix: str = "C-C") -> list[str]:
    """`count` reports `user` sent over the years, each with the longest description the form takes, to her line
    manager, who acknowledged them (every third one closed last week, none due a reminder or retention); the staff
    list is imported so he counts as still there. Their references, newest first."""
    await import_staff(client.app[STORE])
    store = TableConcernReports(client.app[STORE])
    reporter, now = Person(TENANT, user["aadObjectId"], user["name"]), datetime.now(UTC)
    made = []
    for n in range(count):
        sent = now - timedelta(days=1200) + timedelta(days=25 * n)
        report = ConcernReport(
            reference=f"{prefix}{n:05d}", reporter=reporter, what=("Messages late at night about my lessons. " * 80)
            [:LIMITS["what"]], since="September", where="Teams chat", who="", evidence="", wants_meeting=bool(n % 2),
            urgent=False, submitted_at=sent, chain=(GARETH_HOLDS, SIAN_ABOVE), route=Route.LINE_MANAGER,
            state=ReportState.ACKNOWLEDGED, acknowledged_at=sent + timedelta(hours=2))
        if n % 3 == 0:
            report = replace(report, state=ReportState.CLOSED, closed_at=now - timedelta(days=7))
        made.append(report)
    for at in range(0, len(made), 20):
        await asyncio.gather(*(store.create(report) for report in made[at:at + 20]))
    return [report.reference for report in reversed(made)]


@pytest.mark.parametrize("lang", list(Lang))
async def test_my_reports_pages_through_45_reports_within_28_kb(client: TestClient, connector: Connector,
                                                                lang: Lang) -> None:
    """A member of staff with 45 reports over the years saw the newest 20, with no count and no way to reach the
    others. Now the list says how many there are and 'Show more' opens the next, newest first, until every one has
    been shown once, each card within Teams' 28 KB."""
    every = await _reports_by(client, CARYS, 45)

    pages = await _every_page(client, connector, CARYS, "concern.mine", lang=lang)

    shown = [_references(page) for page in pages]
    assert all(card_bytes(page) <= MAX_CARD_BYTES for page in pages)
    assert list(itertools.chain.from_iterable(shown)) == every  # each once, newest first, none out of reach
    count = client.app[STRINGS].text("concern.mine_count", lang, count=45, first=1, last=len(shown[0]))
    assert len(pages) > 1 and count in json.dumps(pages[0], ensure_ascii=False)
    more_title = {Lang.EN: "Show more", Lang.CY: "Dangos rhagor"}[lang]
    assert all(more_title in json.dumps(page, ensure_ascii=False) for page in pages[:-1])


async def _carys_sends_a_report(client: TestClient, connector: Connector, shown: list[str]) -> None:
    """Carys sends a new report: the newest, at the top of her list."""
    await say_hi(client, connector, CARYS, GARETH)
    receipt = await send_report(client, connector)
    assert reference_in(receipt) not in shown


async def _one_shown_is_closed(client: TestClient, connector: Connector, shown: list[str]) -> None:
    """Gareth closes one the first card showed (not its last)."""
    reports = TableConcernReports(client.app[STORE])
    [open_one] = [ref for ref in shown[2:5] if (await reports.get(ref)).state is ReportState.ACKNOWLEDGED][:1]
    await press(client, connector, card_action(GARETH, "concern.close", {"ref": open_one, "outcome": "Spoke to both.",
                                                                         "share_outcome": "false"}, connector.url))
    assert (await reports.get(open_one)).state is ReportState.CLOSED


async def _one_shown_is_deleted(client: TestClient, connector: Connector, shown: list[str]) -> None:
    """One the first card showed (not its last) reaches the end of its retention period and is deleted."""
    reports = TableConcernReports(client.app[STORE])
    await reports.delete(await reports.get(shown[3]), at=datetime.now(UTC))


BETWEEN_MY_REPORTS_PRESSES = {"a report sent": _carys_sends_a_report, "a report closed": _one_shown_is_closed,
                              "a report deleted": _one_shown_is_deleted}


@pytest.mark.parametrize("change", list(BETWEEN_MY_REPORTS_PRESSES))
async def test_show_more_on_my_reports_goes_on_after_the_last_one_shown(client: TestClient, connector: Connector,
                                                                        change: str) -> None:
    """A report sent between two presses would push a list read by position down one (the next card beginning with
    one already seen), and one deleted would pull it up one (the next one never seen): Show more goes on after the
    last one the card showed."""
    every = await _reports_by(client, CARYS, 35)
    first = await _list(client, connector, CARYS, "concern.mine", {})
    shown, more = _references(first), _pressable(first, "concern.mine")
    assert more is not None and shown == every[:len(shown)]
    await BETWEEN_MY_REPORTS_PRESSES[change](client, connector, shown)

    second = await _list(client, connector, CARYS, "concern.mine", more)

    assert _references(second) == every[len(shown):]


@pytest.mark.parametrize("lang", list(Lang))
async def test_show_more_on_my_reports_with_nothing_left_after_the_last_one_says_so(
        client: TestClient, connector: Connector, lang: Lang) -> None:
    """Every report after the last one shown deleted (retention) between the presses: not an empty card, but the list
    from the start, saying why, in the card's language."""
    every = await _reports_by(client, CARYS, 25)
    first = await _list(client, connector, CARYS, "concern.mine", {}, lang=lang)
    shown, more = _references(first), _pressable(first, "concern.mine")
    assert more is not None
    reports = TableConcernReports(client.app[STORE])
    for reference in every[len(shown):]:
        await reports.delete(await reports.get(reference), at=datetime.now(UTC))

    second = await _list(client, connector, CARYS, "concern.mine", more, lang=lang)

    assert client.app[STRINGS].text("list.shorter", lang) in json.dumps(second, ensure_ascii=False)
    assert _references(second) == shown


async def test_someone_elses_show_more_on_my_reports_shows_the_pressers_own_from_the_start(
        client: TestClient, connector: Connector) -> None:
    """Owain presses Show more on Carys's card (forwarded, or sent again by hand): he sees his own reports, from the
    top, with their count, and never one of hers, nor where her list went on."""
    carys = await _reports_by(client, CARYS, 45)
    owain = await _reports_by(client, OWAIN, 30, prefix="C-O")
    first = await _list(client, connector, CARYS, "concern.mine", {})
    more = _pressable(first, "concern.mine")
    assert more is not None

    seen = await _list(client, connector, OWAIN, "concern.mine", more)

    shown = _references(seen)
    assert shown and shown == owain[:len(shown)] and not set(shown) & set(carys)
    count = client.app[STRINGS].text("concern.mine_count", Lang.EN, count=30, first=1, last=len(shown))
    assert count in json.dumps(seen, ensure_ascii=False)


# The pending list at the start of a busy term: more waiting than one card shows


async def _waiting_for_sian(client: TestClient, count: int, *, ffions: int = -1) -> list[str]:
    """`count` requests still waiting for Siân, a minute apart (the ids, oldest first), the `ffions`th by Ffion, her
    named delegate; their cards to her were sent at the time (none owed)."""
    store = TablePermissionRequests(client.app[STORE])
    asked = datetime.now(UTC) - timedelta(days=3)
    staff = _staff(count)
    if ffions >= 0:
        staff[ffions] = Person(TENANT, FFION["aadObjectId"], FFION["name"])
    made = [_an_account(f"P-W{n:05d}", person, n, asked + timedelta(minutes=n)) for n, person in enumerate(staff)]
    await asyncio.gather(*(store.create(request, AuditEntry(request.request_id, "submitted", person.aad_object_id,
                                                            person.name, request.submitted_at))
                           for request, person in ((r, r.requester) for r in made)))
    await asyncio.gather(*(store.queued(request.request_id, request.state) for request in made))
    return [request.request_id for request in made]


def _shown(card: dict[str, Any]) -> dict[str, Any]:
    """A pending list as the decider sees it: not its refresh, which has the same verb and names the request the card
    goes on after."""
    return {key: value for key, value in card.items() if key != "refresh"}


def _show_more(card: dict[str, Any]) -> dict[str, Any] | None:
    return _pressable(_shown(card), "permission.pending")


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_pending_list_pages_through_every_waiting_request(client: TestClient, connector: Connector,
                                                                    lang: Lang) -> None:
    """25 requests waiting: the list showed the oldest ten and "15 more waiting", and the rest could not be reached
    from it. Now Show more opens the next ones, oldest first, until every one has been shown once."""
    every = await _waiting_for_sian(client, 25)

    pages = await _every_page(client, connector, SIAN, "permission.pending", lang=lang, first={"lang": lang.value},
                              more=_show_more)

    shown = [_ids(_shown(page)) for page in pages]
    assert list(itertools.chain.from_iterable(shown)) == every  # each once, oldest first, none out of reach
    assert len(pages) > 1 and all(card_bytes(page) <= MAX_CARD_BYTES for page in pages)
    more_title = client.app[STRINGS].text("list.show_more", lang)
    assert all(more_title in json.dumps(page, ensure_ascii=False) for page in pages[:-1])
    assert more_title not in json.dumps(pages[-1], ensure_ascii=False)


async def _approved(client: TestClient, connector: Connector, request_id: str) -> None:
    await press(client, connector, card_action(SIAN, "permission.approve", {"id": request_id, "reason": ""},
                                               connector.url))
    assert (await TablePermissionRequests(client.app[STORE]).get(request_id)).state is RequestState.APPROVED


@pytest.mark.parametrize("which", ["one in the middle", "the last one shown"])
async def test_show_more_on_the_pending_list_goes_on_after_the_last_one_shown(
        client: TestClient, connector: Connector, which: str) -> None:
    """A request decided between two presses leaves the list: the next card neither shows one already seen nor skips
    one never seen."""
    every = await _waiting_for_sian(client, 25)
    first = await _list(client, connector, SIAN, "permission.pending", {"lang": "en"})
    shown, more = _ids(_shown(first)), _show_more(first)
    assert more is not None and shown == every[:len(shown)]
    await _approved(client, connector, shown[3] if which == "one in the middle" else shown[-1])

    second = await _list(client, connector, SIAN, "permission.pending", more)

    seen = _ids(_shown(second))
    assert seen and seen == every[len(shown):len(shown) + len(seen)]


async def test_someone_elses_show_more_on_the_pending_list_shows_only_their_own(client: TestClient,
                                                                                connector: Connector) -> None:
    """The delegate, who decides the rest but never her own request, sees her own list going on after the last one
    shown, without her own request; a teacher who decides nothing, the refusal the list always gave them."""
    every = await _waiting_for_sian(client, 25, ffions=14)
    first = await _list(client, connector, SIAN, "permission.pending", {"lang": "en"})
    shown, more = _ids(_shown(first)), _show_more(first)
    assert more is not None and every[14] not in shown

    delegates = await _list(client, connector, FFION, "permission.pending", more)
    teachers = json.dumps(await press(client, connector, card_action(OWAIN, "permission.pending", more,
                                                                     connector.url)), ensure_ascii=False)

    theirs = [request_id for request_id in every if request_id != every[14]]
    seen = _ids(_shown(delegates))
    assert seen and seen == theirs[len(shown):len(shown) + len(seen)]
    refusal = json.dumps(client.app[STRINGS].text("perm.only_heads", Lang.EN), ensure_ascii=False)[1:-1]
    assert refusal in teachers and not REQUEST_ID.search(teachers)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_review_list_pages_through_60_questions(client: TestClient, connector: Connector,
                                                          lang: Lang) -> None:
    """Sixty questions the policy did not cover, from three people: the head's review list showed 25 and "More
    questions for review, not shown here: 35." with no way to reach them. Now Show more opens the next ones, until each
    has been shown once, each card within 28 KB and saying which it shows."""
    log, asked_at = TableQuestionLog(client.app[STORE]), datetime.now(UTC) - timedelta(days=1)
    every = [f"Where do I park my car at the high school? {n}" for n in range(60)]
    for n, words in enumerate(every):
        at = asked_at + timedelta(minutes=n)
        await log.add(QuestionRecord(question_id=new_question_id(at), asker=_person((OWAIN, CARYS, GARETH)[n % 3]),
                                     text=words, lang=Lang.EN, asked_at=at, answered=False))

    pages = await _every_page(client, connector, SIAN, "ask.review", lang=lang, more=_review_show_more)

    shown = [re.findall(r"Where do I park my car at the high school\? \d+", json.dumps(page)) for page in pages]
    assert sorted(itertools.chain.from_iterable(shown)) == sorted(every)  # each once, none out of reach
    assert all(card_bytes(page) <= MAX_CARD_BYTES for page in pages) and len(pages) == 3
    count = client.app[STRINGS].text("ask.review_count", lang, count=60, first=26, last=50)
    assert count in json.dumps(pages[1], ensure_ascii=False)


def _review_show_more(card: dict[str, Any]) -> dict[str, Any] | None:
    """The data of the review list's Show more (in the card's body; its refresh carries the same verb)."""
    return _pressable({"body": card["body"]}, "ask.review")


def _person(user: dict[str, str]) -> Person:
    return Person(TENANT, user["aadObjectId"], user["name"])


async def test_show_more_on_the_review_list_repeats_and_skips_none_while_questions_come_and_go(
        client: TestClient, connector: Connector) -> None:
    """The review list takes turns between the people who asked, card by card, and its order was worked out again at
    each press: a question replied to, a new one, or old ones deleted by retention between two presses moved others
    across the point Show more went on from, so the next card showed some again and never showed others. Now each Show
    more goes on with what the same rule shows of the questions the cards before it did not."""
    log, now = TableQuestionLog(client.app[STORE]), datetime.now(UTC)
    sian = StaffContact(SIAN["aadObjectId"], SIAN["name"])
    asked: list[QuestionRecord] = []
    # Carys's four, passed on to Siân and waiting for her reply; Owain's burst of forty; Ffion's eight; Gareth's twelve,
    # over a year old, which retention deletes between the presses.
    people = [(CARYS, 2, 4), (OWAIN, 1, 40), (FFION, 3, 8), (GARETH, 400, 12)]  # who, how many days ago, how many
    for n, (who, days) in enumerate((who, days) for who, days, many in people for _ in range(many)):
        when = now - timedelta(days=days, minutes=-n)
        record = QuestionRecord(question_id=new_question_id(when), asker=_person(who), text=f"Review question {n}.",
                                lang=Lang.EN, asked_at=when, answered=False)
        if who is CARYS:
            record = replace(record, escalated_at=when, escalated_to=sian.name, escalated_to_id=sian.aad_object_id)
        asked.append(record)
    for record in asked:
        await log.add(record)

    async def between_presses(round_: int) -> None:
        for record in asked[round_ * 2:round_ * 2 + 2]:  # two of Carys's are replied to
            stored = await log.get(record.question_id)
            await log.update(replace(stored, reply="Ask the office.", replied_by=sian.name,
                                     replied_by_id=sian.aad_object_id, replied_at=datetime.now(UTC)))
        arrived = datetime.now(UTC)  # someone asks a new one
        await log.add(QuestionRecord(question_id=new_question_id(arrived), asker=_person(FFION),
                                     text=f"New question {round_}.", lang=Lang.EN, asked_at=arrived, answered=False))
        await forget_old_questions(log, now=datetime.now(UTC), months=12, policy_owner=sian)

    pages = [await _list(client, connector, SIAN, "ask.review", {})]
    while (data := _review_show_more(pages[-1])) and len(pages) < 6:
        await between_presses(len(pages) - 1)
        pages.append(await _list(client, connector, SIAN, "ask.review", data))

    shown = list(itertools.chain.from_iterable(re.findall(r"Review question \d+\.", json.dumps(page))
                                               for page in pages))
    still_there = {r.text for r in await log.list_for_review()}
    assert len(pages) >= 3
    assert [text for text, times in Counter(shown).items() if times > 1] == []  # none repeated
    assert sorted({r.text for r in asked} & still_there - set(shown)) == []  # none skipped
