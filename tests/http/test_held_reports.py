"""The reports a line manager, headteacher or chair holds, listed for them (unacknowledged first, then oldest first),
through the real app over Azurite: exactly the reports the rules let them see as holder, nobody else's, nothing of a
report's text, English and Welsh, paged with Show more."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables import UpdateMode

from app import SERVICES, STORE, STRINGS
from bot.domain.concerns import LIMITS, ConcernReport, Pace, ReportState, Route
from bot.domain.directory import read_staff_csv
from bot.domain.people import Lang, Person, StaffContact
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from cards.elements import MAX_CARD_BYTES, card_bytes
from tests.support.activities import CARYS, FFION, GARETH, OWAIN, SIAN, TENANT, card_action, message
from tests.support.cards import actions, press
from tests.support.concerns import REPO, concern_flow, import_staff, say_hi
from tests.support.connector import Connector

REFERENCE = re.compile(r"C-[A-Z0-9]{6}")
LOCALES = {Lang.EN: "en-GB", Lang.CY: "cy-GB"}
TYPED = {Lang.EN: "reports for me", Lang.CY: "adroddiadau i mi"}
WHAT = "Messages late at night about my lessons. "
GARETH_HOLDS = StaffContact(GARETH["aadObjectId"], "Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")
FFION_HOLDS = StaffContact(FFION["aadObjectId"], "Ffion Morgan", "ffion.morgan@llanidloes.example.cymru")
SIAN_ABOVE = StaffContact(SIAN["aadObjectId"], "Mrs Siân Roberts")


def _references(card: dict[str, Any]) -> list[str]:
    """The reports a card names, each once, in the order it first names them."""
    return list(dict.fromkeys(REFERENCE.findall(json.dumps(card, ensure_ascii=False))))


def _show_more(card: dict[str, Any]) -> dict[str, Any] | None:
    found = [action for action in actions(card) if action.get("verb") == "concern.held"]
    return dict(found[0].get("data", {})) if found else None


def _report(reference: str, reporter: dict[str, str], sent: datetime, chain: tuple[StaffContact, ...], *,
            state: ReportState = ReportState.OPEN, level: int = 0) -> ConcernReport:
    report = ConcernReport(
        reference=reference, reporter=Person(TENANT, reporter["aadObjectId"], reporter["name"]),
        what=(WHAT * 80)[:LIMITS["what"]], since="September", where="Teams chat", who="", evidence="",
        wants_meeting=False, urgent=False, submitted_at=sent, chain=chain, route=Route.LINE_MANAGER)
    if state is ReportState.ACKNOWLEDGED:
        return replace(report, state=state, acknowledged_at=sent + timedelta(hours=2))
    if state is ReportState.CLOSED:
        return replace(report, state=state, acknowledged_at=sent + timedelta(hours=2),
                       closed_at=sent + timedelta(days=1))
    if state is ReportState.ESCALATED:
        return replace(report, state=state, level=level, escalated_at=sent + timedelta(minutes=30))
    return report


async def _store(client: TestClient, reports: list[ConcernReport]) -> None:
    store = TableConcernReports(client.app[STORE])
    for at in range(0, len(reports), 20):
        await asyncio.gather(*(store.create(report) for report in reports[at:at + 20]))


async def _typed(client: TestClient, connector: Connector, user: dict[str, str], text: str, *,
                 lang: Lang = Lang.EN, conversation_type: str = "personal") -> dict[str, Any]:
    """What `user` typed, and the card the bot then sent to their private chat."""
    chat = f"a:personal-{user['id']}"
    before = len(connector.cards(chat))
    await client.post("/api/messages", json=message(user, text, connector.url, locale=LOCALES[lang],
                                                    conversation_type=conversation_type))
    await client.app[SERVICES].deliverer.drain()
    [sent] = connector.cards(chat)[before:]
    return sent


async def _pressed(client: TestClient, connector: Connector, user: dict[str, str], data: dict[str, Any], *,
                   lang: Lang = Lang.EN) -> dict[str, Any]:
    return await press(client, connector, card_action(user, "concern.held", data, connector.url,
                                                      locale=LOCALES[lang]))


async def _federation_of_reports(client: TestClient) -> dict[str, str]:
    """Reports (none yet due a reminder) held by Gareth (Carys's line manager), by Siân (passed up to her) and by Ffion
    (Owain's line manager, and Siân's named delegate for permission requests): their references by what they are."""
    now = datetime.now(UTC)
    gareth_siân = (GARETH_HOLDS, SIAN_ABOVE)
    made = {
        "gareth acknowledged long ago": _report("C-GACK01", CARYS, now - timedelta(days=30), gareth_siân,
                                                state=ReportState.ACKNOWLEDGED),
        "gareth waiting older": _report("C-GOPN01", CARYS, now - timedelta(hours=5), gareth_siân),
        "gareth waiting newer": _report("C-GOPN02", CARYS, now - timedelta(hours=3), gareth_siân),
        "gareth closed": _report("C-GCLS01", CARYS, now - timedelta(days=20), gareth_siân, state=ReportState.CLOSED),
        "passed up to siân": _report("C-SESC01", CARYS, now - timedelta(hours=2), gareth_siân,
                                     state=ReportState.ESCALATED, level=1),
        "owain's to ffion": _report("C-FOPN01", OWAIN, now - timedelta(hours=1), (FFION_HOLDS, SIAN_ABOVE)),
    }
    await _store(client, list(made.values()))
    return {what: report.reference for what, report in made.items()}


async def test_a_holder_sees_exactly_the_reports_they_hold(client: TestClient, connector: Connector) -> None:
    """Gareth saw no list of the reports waiting for him, only each card scrolled back in his chat. Now 'reports for
    me' lists his open ones, unacknowledged first then oldest first: not one he closed, not one passed up from him to
    Siân, not Ffion's; Siân sees the one passed up to her; Ffion (Siân's delegate for permission requests) sees only
    Owain's, which she holds as his line manager. No card shows a report's text; each says whom each report is from,
    and only of the reports its holder holds."""
    await import_staff(client.app[STORE])
    refs = await _federation_of_reports(client)
    await say_hi(client, connector, GARETH, SIAN, FFION)

    gareth = await _typed(client, connector, GARETH, TYPED[Lang.EN])
    siân = await _typed(client, connector, SIAN, TYPED[Lang.EN])
    ffion = await _typed(client, connector, FFION, TYPED[Lang.EN])

    assert _references(gareth) == [refs["gareth waiting older"], refs["gareth waiting newer"],
                                   refs["gareth acknowledged long ago"]]
    assert _references(siân) == [refs["passed up to siân"]]
    assert _references(ffion) == [refs["owain's to ffion"]]
    for card in (gareth, siân, ffion):
        seen = json.dumps(card, ensure_ascii=False)
        assert client.app[STRINGS].text("concern.held_title", Lang.EN) in seen
        assert WHAT.strip() not in seen
    for card, sender, other in ((gareth, "Carys", "Owain"), (siân, "Carys", "Owain"), (ffion, "Owain", "Carys")):
        seen = json.dumps(card, ensure_ascii=False)
        assert f"From: {sender}" in seen and other not in seen
    shows = [action["data"] for action in actions(gareth) if action.get("verb") == "concern.show"]
    assert shows == [{"ref": ref} for ref in _references(gareth)]  # each opens as the holder's own Show does


async def test_a_line_manager_who_has_left_sees_none(client: TestClient, connector: Connector) -> None:
    """Gareth is taken off the staff list: like Show on his old cards, the list gives him nothing of the reports he
    still held (until the next check passes them on); Siân's list is as it was."""
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"]).staff
    await TableStaffDirectory(client.app[STORE]).replace_all([m for m in staff if m.name != "Gareth Hughes"])
    refs = await _federation_of_reports(client)
    await say_hi(client, connector, GARETH, SIAN)

    gareth = await _typed(client, connector, GARETH, TYPED[Lang.EN])
    siân = await _typed(client, connector, SIAN, TYPED[Lang.EN])

    assert _references(gareth) == []
    assert client.app[STRINGS].text("concern.held_empty", Lang.EN) in json.dumps(gareth, ensure_ascii=False)
    # The bot's background check may have passed Gareth's open reports on to Siân meanwhile (he has left): hers
    # then, never the closed one, never Ffion's.
    gareths_open = {refs[k] for k in ("gareth acknowledged long ago", "gareth waiting older", "gareth waiting newer")}
    assert refs["passed up to siân"] in _references(siân)
    assert set(_references(siân)) - {refs["passed up to siân"]} <= gareths_open


@pytest.mark.parametrize("conversation_type", ["groupChat", "channel"])
async def test_asked_for_in_a_group_it_is_sent_privately(client: TestClient, connector: Connector,
                                                         conversation_type: str) -> None:
    """Typed in a group chat or a channel, the group hears only that it was sent privately; the list goes to
    Gareth's 1:1 chat."""
    await import_staff(client.app[STORE])
    refs = await _federation_of_reports(client)
    await say_hi(client, connector, GARETH)
    before = len(connector.cards("19:group"))

    private = await _typed(client, connector, GARETH, TYPED[Lang.EN], conversation_type=conversation_type)

    in_group = json.dumps(connector.cards("19:group")[before:], ensure_ascii=False)
    assert "sent that to you privately" in in_group and not REFERENCE.search(in_group)
    assert refs["gareth waiting older"] in _references(private)


async def test_in_welsh(client: TestClient, connector: Connector) -> None:
    """'adroddiadau i mi' gives the list in Welsh, whatever the Teams it is typed in."""
    await import_staff(client.app[STORE])
    refs = await _federation_of_reports(client)
    await say_hi(client, connector, GARETH)

    gareth = await _typed(client, connector, GARETH, TYPED[Lang.CY])

    seen = json.dumps(gareth, ensure_ascii=False)
    strings = client.app[STRINGS]
    assert strings.text("concern.held_title", Lang.CY) in seen and "Yn aros i chi ei gydnabod" in seen
    assert strings.text("concern.held_title", Lang.EN) not in seen
    assert _references(gareth)[0] == refs["gareth waiting older"]


async def _held_by_gareth(client: TestClient, count: int, *, waiting_every: int = 3) -> list[str]:
    """`count` open reports Gareth holds, sent in the last hour (none due a reminder; every `waiting_every`th not yet
    acknowledged); their references in the order his list gives them."""
    await import_staff(client.app[STORE])
    now = datetime.now(UTC)
    made = [_report(f"C-H{n:05d}", CARYS, now - timedelta(minutes=count - n), (GARETH_HOLDS, SIAN_ABOVE),
                    state=ReportState.OPEN if n % waiting_every == 0 else ReportState.ACKNOWLEDGED)
            for n in range(count)]
    await _store(client, made)
    waiting = [r.reference for r in made if r.acknowledged_at is None]
    return waiting + [r.reference for r in made if r.acknowledged_at is not None]


@pytest.mark.parametrize("lang", list(Lang))
async def test_45_held_reports_page_through_within_28_kb(client: TestClient, connector: Connector,
                                                          lang: Lang) -> None:
    """A head back from a week away holding 45: the list says how many, and Show more opens the next, each shown
    once, unacknowledged first then oldest first, every card within Teams' 28 KB."""
    every = await _held_by_gareth(client, 45)
    await say_hi(client, connector, GARETH)

    pages = [await _typed(client, connector, GARETH, TYPED[lang], lang=lang)]
    while (more := _show_more(pages[-1])) and len(pages) < 10:
        pages.append(await _pressed(client, connector, GARETH, more, lang=lang))

    shown = [_references(page) for page in pages]
    assert all(card_bytes(page) <= MAX_CARD_BYTES for page in pages)
    assert list(itertools.chain.from_iterable(shown)) == every
    count = client.app[STRINGS].text("concern.held_count", lang, count=45, first=1, last=len(shown[0]))
    assert len(pages) > 1 and count in json.dumps(pages[0], ensure_ascii=False)
    more_title = {Lang.EN: "Show more", Lang.CY: "Dangos rhagor"}[lang]
    assert all(more_title in json.dumps(page, ensure_ascii=False) for page in pages[:-1])


async def test_show_more_goes_on_after_the_last_one_shown_though_he_acknowledged_it(
        client: TestClient, connector: Connector) -> None:
    """Gareth opens the last report the card showed and acknowledges it, then presses Show more: the list goes on with
    the unacknowledged ones after it (none skipped), and that one comes again among the acknowledged, where it now
    stands."""
    every = await _held_by_gareth(client, 30, waiting_every=1)
    await say_hi(client, connector, GARETH)
    first = await _typed(client, connector, GARETH, TYPED[Lang.EN])
    shown, more = _references(first), _show_more(first)
    assert more is not None and shown == every[:len(shown)]
    await press(client, connector, card_action(GARETH, "concern.acknowledge", {"ref": shown[-1]}, connector.url))

    second = await _pressed(client, connector, GARETH, more)

    assert _references(second) == [*every[len(shown):], shown[-1]]


async def test_someone_elses_show_more_shows_the_pressers_own_list(client: TestClient, connector: Connector) -> None:
    """Siân presses Show more on Gareth's card (forwarded): she sees the reports she holds, from the top, never his."""
    every = await _held_by_gareth(client, 30)
    refs = await _federation_of_reports(client)
    await say_hi(client, connector, GARETH, SIAN)
    more = _show_more(await _typed(client, connector, GARETH, TYPED[Lang.EN]))
    assert more is not None

    seen = await _pressed(client, connector, SIAN, more)

    assert _references(seen) == [refs["passed up to siân"]] and not set(_references(seen)) & set(every)


def _entry_of(card: dict[str, Any], reference: str) -> str:
    """What a list card says of one report: the text of the entry that names it."""
    [entry] = [item for item in card["body"] if item.get("type") == "Container"
               and reference in json.dumps(item, ensure_ascii=False)]
    return json.dumps(entry, ensure_ascii=False)


async def _without_pace(client: TestClient, reference: str) -> None:
    """The report's row as a bot from before urgent reports were chased sooner wrote it: no `Pace` column."""
    table = client.app[STORE].table("reports")
    row = dict(await table.get_entity(reference, "report"))
    del row["Pace"]
    await table.upsert_entity({k: v for k, v in row.items() if not k.startswith("odata")}, mode=UpdateMode.REPLACE)


@pytest.mark.parametrize("lang", list(Lang))
async def test_each_list_says_whether_a_report_is_urgent(client: TestClient, connector: Connector,
                                                         lang: Lang) -> None:
    """Gareth's list and Carys's 'my reports' gave no sign which reports were urgent (reminded after one working day,
    not two). Each entry now says its pace; a row written before the pace was kept reads as normal, as it is chased."""
    await import_staff(client.app[STORE])
    now = datetime.now(UTC)
    urgent = replace(_report("C-URGNT1", CARYS, now - timedelta(hours=2), (GARETH_HOLDS, SIAN_ABOVE)),
                     urgent=True, pace=Pace.URGENT)
    normal = _report("C-NORML1", CARYS, now - timedelta(hours=1), (GARETH_HOLDS, SIAN_ABOVE))
    older = _report("C-OLDROW", CARYS, now - timedelta(minutes=30), (GARETH_HOLDS, SIAN_ABOVE))
    await _store(client, [urgent, normal, older])
    await _without_pace(client, older.reference)
    await say_hi(client, connector, GARETH, CARYS)
    strings = client.app[STRINGS]
    said = {pace: strings.text(f"concern.pace.{pace.value}", lang) for pace in Pace}

    held = await _typed(client, connector, GARETH, TYPED[lang], lang=lang)
    mine = await _typed(client, connector, CARYS, {Lang.EN: "my reports", Lang.CY: "fy adroddiadau"}[lang], lang=lang)

    for card in (held, mine):
        for report, pace in ((urgent, Pace.URGENT), (normal, Pace.STANDARD), (older, Pace.STANDARD)):
            entry = _entry_of(card, report.reference)
            other = next(each for each in Pace if each is not pace)
            assert said[pace] in entry and said[other] not in entry, (report.reference, pace)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_report_already_acknowledged_is_not_said_to_be_chased_if_not_acknowledged(
        client: TestClient, connector: Connector, lang: Lang) -> None:
    """Gareth acknowledged Carys's report, and both lists still said under "Acknowledged by …" that "if it is not
    acknowledged, a reminder goes after two working days". Once acknowledged (or closed) nothing is chased: a normal
    report says no pace, an urgent one only that it was marked urgent."""
    await import_staff(client.app[STORE])
    now = datetime.now(UTC)
    urgent = replace(_report("C-URGACK", CARYS, now - timedelta(hours=4), (GARETH_HOLDS, SIAN_ABOVE),
                             state=ReportState.ACKNOWLEDGED), urgent=True, pace=Pace.URGENT)
    normal = _report("C-NORACK", CARYS, now - timedelta(hours=3), (GARETH_HOLDS, SIAN_ABOVE),
                     state=ReportState.ACKNOWLEDGED)
    closed = _report("C-NORCLS", CARYS, now - timedelta(days=2), (GARETH_HOLDS, SIAN_ABOVE), state=ReportState.CLOSED)
    waiting = _report("C-NORWAI", CARYS, now - timedelta(hours=1), (GARETH_HOLDS, SIAN_ABOVE))
    await _store(client, [urgent, normal, closed, waiting])
    await say_hi(client, connector, GARETH, CARYS)
    strings = client.app[STRINGS]
    chased = {pace: strings.text(f"concern.pace.{pace.value}", lang) for pace in Pace}

    held = await _typed(client, connector, GARETH, TYPED[lang], lang=lang)
    mine = await _typed(client, connector, CARYS, {Lang.EN: "my reports", Lang.CY: "fy adroddiadau"}[lang], lang=lang)

    for card, settled in ((held, (urgent, normal)), (mine, (urgent, normal, closed))):
        for report in settled:
            entry = _entry_of(card, report.reference)
            assert not any(said in entry for said in chased.values()), report.reference
        assert strings.text("concern.pace_marked.urgent", lang) in _entry_of(card, urgent.reference)
        assert strings.text("concern.pace_marked.urgent", lang) not in _entry_of(card, normal.reference)
        assert chased[Pace.STANDARD] in _entry_of(card, waiting.reference)


def _last_seen(connector: Connector, activity_id: str) -> dict[str, Any]:
    """The card a Teams message shows now: the last update of it, else the card it was posted with."""
    for activity in [*reversed(connector.updated), *connector.sent]:
        if activity.get("id") == activity_id:
            [card] = [a["content"] for a in activity.get("attachments") or []
                      if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]
            return dict(card)
    raise AssertionError(f"no message {activity_id}")


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_card_a_holder_opened_himself_is_replaced_when_the_report_moves_past_him(
        client: TestClient, connector: Connector, lang: Lang) -> None:
    """Gareth opens Carys's report himself three ways: typing its reference in his chat, typing it in a group chat
    (the card comes to his chat), and pressing Show on "reports for me". What Carys then adds names him, so it goes on
    to Siân. Each of those cards in his Teams now says only that the report has moved on, in his language: nothing of
    her words, her name or who has it now. Before, only the cards the bot had posted to him unasked were replaced, and
    these kept showing her report, waiting for him to acknowledge it; nothing of it ever reached the group chat."""
    await import_staff(client.app[STORE])
    report = _report("C-GOPN01", CARYS, datetime.now(UTC) - timedelta(hours=2), (GARETH_HOLDS, SIAN_ABOVE))
    await _store(client, [report])
    await say_hi(client, connector, GARETH, SIAN, CARYS)
    chat, strings = f"a:personal-{GARETH['id']}", client.app[STRINGS]
    word = {Lang.EN: "show", Lang.CY: "dangos"}[lang]

    typed = await _typed(client, connector, GARETH, report.reference, lang=lang)
    typed_id = connector.sent[-1]["id"]
    in_group = await _typed(client, connector, GARETH, f"{word} {report.reference}", lang=lang,
                            conversation_type="groupChat")
    in_group_id = [a for a in connector.sent if a["conversation"]["id"] == chat][-1]["id"]
    listed = await _typed(client, connector, GARETH, TYPED[lang], lang=lang)
    list_id = connector.sent[-1]["id"]
    shown = await press(client, connector, card_action(GARETH, "concern.show", {"ref": report.reference},
                                                       connector.url, locale=LOCALES[lang], reply_to_id=list_id))
    for card in (typed, in_group, shown):
        assert WHAT.strip() in json.dumps(card, ensure_ascii=False)
    assert report.reference in _references(listed)

    note = {Lang.EN: "Gareth is doing it too now.", Lang.CY: "Mae Gareth yn gwneud yr un peth nawr hefyd."}[lang]
    await press(client, connector, card_action(CARYS, "concern.add", {"ref": report.reference, "note": note},
                                               connector.url, locale=LOCALES[lang]))
    await client.app[SERVICES].deliverer.drain()
    await client.app[SERVICES].deliverer.deliver_to(Person(TENANT, GARETH["aadObjectId"], GARETH["name"]))

    stored = await TableConcernReports(client.app[STORE]).get(report.reference)
    assert stored.holder.aad_object_id == SIAN["aadObjectId"]
    for activity_id in (typed_id, in_group_id, list_id):
        now_seen = json.dumps(_last_seen(connector, activity_id), ensure_ascii=False)
        assert strings.text("concern.moved_on_body", lang) in now_seen and report.reference in now_seen
        for secret in (WHAT.strip(), note, "Carys", "Siân", "concern.acknowledge", "concern.close"):
            assert secret not in now_seen
    group = json.dumps([a for a in [*connector.sent, *connector.updated]
                        if a.get("conversation", {}).get("id") == "19:group"], ensure_ascii=False)
    assert not REFERENCE.search(group) and WHAT.strip() not in group and note not in group
    for activity in connector.sent:  # nothing of it on a lock screen
        assert WHAT.strip() not in str(activity.get("summary", "")) + str(activity.get("text", ""))


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_reference_typed_by_someone_not_given_the_report_records_nothing_and_later_tells_them_nothing(
        client: TestClient, connector: Connector, lang: Lang) -> None:
    """Safety review: Owain (a colleague) and Siân (the head, above Gareth, not yet holding it) type Carys's report
    reference, in their own chat and in a group chat, as an insider who saw it over her shoulder. Each gets what a
    made-up reference gets, and no card of theirs is recorded as a card of the report: when what Carys adds passes it
    from Gareth to Siân, and when retention deletes it, nothing of theirs is replaced or sent that says the report
    existed, moved on or was deleted, and nothing of it reaches the group chat."""
    await import_staff(client.app[STORE])
    report = _report("C-GOPN03", CARYS, datetime.now(UTC) - timedelta(hours=2), (GARETH_HOLDS, SIAN_ABOVE))
    await _store(client, [report])
    await say_hi(client, connector, GARETH, SIAN, CARYS, OWAIN)
    word = {Lang.EN: "show", Lang.CY: "dangos"}[lang]
    strings = client.app[STRINGS]

    made_up = await _typed(client, connector, OWAIN, "C-ZZZZZZ", lang=lang)
    typed = {(who["id"], where): await _typed(client, connector, who, f"{word} {report.reference}", lang=lang,
                                              conversation_type=where)
             for who in (OWAIN, SIAN) for where in ("personal", "groupChat")}
    ids = {activity["id"] for who in (OWAIN, SIAN) for activity in connector.sent
           if activity.get("conversation", {}).get("id") == f"a:personal-{who['id']}"}
    for card in typed.values():
        assert card == made_up and strings.text("error.not_found", lang) in json.dumps(card, ensure_ascii=False)

    note = {Lang.EN: "Gareth is doing it too now.", Lang.CY: "Mae Gareth yn gwneud yr un peth nawr hefyd."}[lang]
    await press(client, connector, card_action(CARYS, "concern.add", {"ref": report.reference, "note": note},
                                               connector.url, locale=LOCALES[lang]))
    deliverer = client.app[SERVICES].deliverer
    await deliverer.drain()
    store = TableConcernReports(client.app[STORE])
    moved = await store.get(report.reference)
    assert moved.holder.aad_object_id == SIAN["aadObjectId"]
    slots = await store.list_posted_cards(moved)
    assert not any(slot.recipient.aad_object_id == OWAIN["aadObjectId"] for slot in slots)
    assert not any(slot.recipient.aad_object_id == SIAN["aadObjectId"] and "shown" in slot.card_key for slot in slots)
    closed_at = moved.submitted_at + timedelta(days=1)
    closed = replace(moved, state=ReportState.CLOSED, acknowledged_at=moved.submitted_at, closed_at=closed_at)
    await store.save(closed, "closed", SIAN["aadObjectId"], at=closed_at)
    updates = len(connector.updated)
    assert await concern_flow(client.app[STORE], closed_at + timedelta(days=740)).purge(months=24) == [
        report.reference]
    for who in (OWAIN, SIAN):
        await deliverer.deliver_to(Person(TENANT, who["aadObjectId"], who["name"]))

    # Retention did replace the card Siân was sent when it came to her; none of what either typed.
    assert [a for a in connector.updated[updates:] if a["conversation"]["id"] == f"a:personal-{SIAN['id']}"]
    assert not [a for a in connector.updated if a.get("id") in ids]
    owains = json.dumps([a for a in [*connector.sent, *connector.updated[updates:]]
                         if a.get("conversation", {}).get("id") == f"a:personal-{OWAIN['id']}"], ensure_ascii=False)
    assert report.reference not in owains and WHAT.strip() not in owains and note not in owains
    group = json.dumps([a for a in [*connector.sent, *connector.updated]
                        if a.get("conversation", {}).get("id") == "19:group"], ensure_ascii=False)
    assert report.reference not in group and WHAT.strip() not in group
