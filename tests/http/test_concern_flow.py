"""Private reports at HTTP level and in the background task, against Azurite."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

import dialogs.concerns as concerns_dialog
from app import SERVICES, STORE, create_app
from bot.domain.concerns import route
from bot.domain.errors import StorageUnavailable
from bot.domain.outbox import OutboundMessage
from bot.domain.people import Lang, Person
from bot.settings import Settings
from bot.storage.concerns import TableConcernReports
from bot.storage.outbox import TableOutbox
from bot.storage.tables import TableStore, service_client
from dialogs.base import Scope, Turn
from tests.support.activities import CARYS, GARETH, GUEST, OWAIN, SIAN, TENANT, as_a_member, card_action, message
from tests.support.cards import actions, inputs, verb_data
from tests.support.concerns import (
    CARYS_CHAT,
    GARETH_CHAT,
    SIAN_CHAT,
    concern_flow,
    import_staff,
    reference_in,
    say_hi,
    send_as_she_would,
    send_report,
)
from tests.support.connector import Connector
from tests.support.faults import fail_next_enqueue, second_press_during_first_write
from tests.support.tables import every_row

SECRET = "Dafydd from the science department keeps sending me nasty direct messages about my lessons"


async def _report(client: TestClient, connector: Connector, user: dict[str, str] = CARYS,
                  **fields: str) -> dict[str, Any]:
    values = {"what": SECRET, "who": "Dafydd", "meeting": "true", **fields}
    return await send_report(client, connector, user, **values)


async def test_report_reaches_the_line_manager_who_acknowledges(staffed: TestClient, connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS, GARETH)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url))
    form = json.dumps(connector.cards(CARYS_CHAT)[-1])

    receipt = await _report(staffed, connector)
    holder = connector.cards(GARETH_CHAT)[-1]
    acknowledged = await staffed.post("/api/messages", json=card_action(
        GARETH, "concern.acknowledge", verb_data(holder, "concern.acknowledge"), connector.url))
    await staffed.app[SERVICES].deliverer.drain()

    assert "Who will see it: your line manager, Gareth Hughes." in form
    assert "It went to Gareth Hughes." in json.dumps(receipt) and "is your line manager" in json.dumps(receipt)
    assert SECRET in json.dumps(holder)
    assert "Acknowledged" in json.dumps(await acknowledged.json())
    assert "was acknowledged" in json.dumps(connector.cards(CARYS_CHAT)[-1])


@pytest.mark.parametrize(("locale", "told"), [("en-GB", "Teams shows you as a guest"),
                                               ("cy-GB", "Yn ôl Teams, rydych chi'n westai")])
async def test_a_guest_in_the_school_tenant_cannot_send_a_report(staffed: TestClient, connector: Connector,
                                                                 azurite: str, table_prefix: str, locale: str,
                                                                 told: str) -> None:
    """A guest from another organisation is told, in her language and below the form as she left it, to contact the
    school; no report is stored and nobody is sent anything."""
    connector.members[GUEST["id"]] = as_a_member(GUEST, "guest")
    await say_hi(staffed, connector, GUEST, GARETH, SIAN)
    sent = len(connector.sent)

    refused = await send_report(staffed, connector, GUEST, locale=locale)

    assert told in json.dumps(refused, ensure_ascii=False)
    assert {a["conversation"]["id"] for a in connector.sent[sent:] + connector.updated} == {"a:personal-29:guest"}
    for table in ("reports", "ratelimits"):
        async with TableClient.from_connection_string(azurite, table_prefix + table) as rows:
            assert [row async for row in rows.list_entities()] == [], table


async def test_started_in_a_group_it_leaks_nothing_there(staffed: TestClient, connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS)

    said = await staffed.post("/api/messages", json=message(
        CARYS, "<at>Policy Helper</at> a colleague keeps messaging me", connector.url, conversation_type="groupChat"))
    clicked = await staffed.post("/api/messages", json=card_action(
        CARYS, "concern.submit", {"what": SECRET}, connector.url, conversation_type="groupChat"))
    await staffed.app[SERVICES].deliverer.drain()

    assert said.status == 200 and clicked.status == 200
    assert [a for a in connector.sent + connector.updated if a.get("conversation", {}).get("id") == "19:group"] == []
    assert SECRET not in json.dumps(await clicked.json())
    assert "Tell us privately" in json.dumps(connector.cards(CARYS_CHAT)[-1])


@pytest.mark.parametrize("said", ["Mae cydweithiwr yn dal i anfon negeseuon ata i gyda'r nos",
                                  "Mae aelod o staff yn dal i bostio amdana i ar Facebook"])
async def test_started_in_welsh_in_a_group_it_leaks_nothing_there(staffed: TestClient, connector: Connector,
                                                                  said: str) -> None:
    """As "a colleague keeps messaging me" does: not a policy quote about being pestered in front of the group."""
    await say_hi(staffed, connector, CARYS)

    await staffed.post("/api/messages", json=message(CARYS, f"<at>Policy Helper</at> {said}", connector.url,
                                                      conversation_type="groupChat", locale="cy-GB"))
    await staffed.app[SERVICES].deliverer.drain()

    assert [a for a in connector.sent + connector.updated if a.get("conversation", {}).get("id") == "19:group"] == []
    assert "Dywedwch wrthym yn breifat" in json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)


STRANGERS_PRESS = ("concern.show", "concern.acknowledge", "concern.escalate", "concern.close", "concern.reopen")


async def test_a_stranger_learns_nothing(staffed: TestClient, connector: Connector, azurite: str,
                                         table_prefix: str, caplog: pytest.LogCaptureFixture) -> None:
    """Each press is logged as refused, as the permission flow's are (before, these were logged as answered)."""
    await say_hi(staffed, connector, CARYS, GARETH)
    receipt = await _report(staffed, connector)
    reference = json.dumps(receipt).split("Your report ")[1].split()[0]
    caplog.set_level("INFO", logger="bot.edge.teams")

    answers = []
    # Owain is a stranger; Siân is the escalation contact, who may not see it before it is escalated.
    for person in (OWAIN, SIAN):
        for verb in STRANGERS_PRESS:
            for ref in (reference, "C-ZZZZZZ"):
                reply = await staffed.post("/api/messages", json=card_action(person, verb, {"ref": ref, "note": "x"},
                                                                             connector.url))
                answers.append((await reply.json())["value"])

    assert all(answer == answers[0] for answer in answers)
    assert SECRET not in json.dumps(answers) and reference not in json.dumps(answers)
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as reports:
        record = await reports.get_entity(reference, "report")
        audit = [row async for row in reports.query_entities("PartitionKey eq @pk and RowKey ne 'report'",
                                                             parameters={"pk": reference})]
    assert record["State"] == "open" and record.get("AcknowledgedAt") is None
    assert [row["Action"] for row in audit] == ["submitted"]
    outcomes = [getattr(r, "outcome", "") for r in caplog.records if r.getMessage() == "turn"]
    assert outcomes[-len(answers):] == [f"invoke:{verb}:refused" for _ in (OWAIN, SIAN) for verb in STRANGERS_PRESS
                                        for _ in range(2)]


async def test_headteachers_report_goes_to_the_chair(staffed: TestClient, connector: Connector) -> None:
    await staffed.post("/api/messages", json=message(SIAN, "report a concern", connector.url))
    form = json.dumps(connector.cards("a:personal-29:sian")[-1])
    receipt = await _report(staffed, connector, SIAN)

    assert "Who will see it: the chair of governors, Mr Huw Davies, and nobody else." in form
    assert ("You are the headteacher, so your report goes to Mr Huw Davies, the chair of governors."
            in json.dumps(receipt))


async def test_no_manager_known_goes_to_the_headteacher(client: TestClient, connector: Connector) -> None:
    receipt = await _report(client, connector, OWAIN)

    assert "couldn't find your line manager, so it went to Mrs Siân Roberts" in json.dumps(receipt,
                                                                                            ensure_ascii=False)


async def test_report_text_never_reaches_the_logs(staffed: TestClient, connector: Connector,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    await staffed.post("/api/messages", json=message(CARYS, "a colleague keeps messaging me", connector.url))
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url,
                                                     conversation_type="groupChat"))

    await _report(staffed, connector, evidence="Screenshots of Dafydd's messages")
    holder = connector.cards(GARETH_CHAT)[-1]
    for verb, extra in (("concern.acknowledge", {}), ("concern.escalate", {"note": "Escalating: Dafydd again"})):
        await staffed.post("/api/messages", json=card_action(GARETH, verb, {**verb_data(holder, verb), **extra},
                                                             connector.url))
    await staffed.app[SERVICES].deliverer.drain()
    escalated = connector.cards(SIAN_CHAT)[-1]
    for verb in ("concern.acknowledge", "concern.close"):
        await staffed.post("/api/messages", json=card_action(SIAN, verb, {**verb_data(escalated, verb),
                                                                          "outcome": "Dafydd spoken to"},
                                                             connector.url))
    await staffed.post("/api/messages", json=card_action(OWAIN, "concern.acknowledge", verb_data(escalated,
                                                         "concern.acknowledge"), connector.url))
    await staffed.app[SERVICES].deliverer.drain()

    assert caplog.records, "logging was not captured, so this test would prove nothing"
    assert any(SECRET in json.dumps(card) for card in connector.cards(SIAN_CHAT)), "the report did travel"
    assert not any("Dafydd" in record.getMessage() or "Dafydd" in str(record.__dict__) for record in caplog.records)


@pytest.mark.parametrize(("said", "locale", "title"), [
    ("a colleague keeps messaging me", "en-GB", "Tell us privately"),
    ("I'm being targeted", "en-GB", "Tell us privately"),
    ("Report a concern", "en-GB", "Tell us privately"),
    ("rhoi gwybod am bryder", "cy-GB", "Dywedwch wrthym yn breifat"),
])
async def test_typing_about_it_opens_the_form_in_the_persons_language(staffed: TestClient, connector: Connector,
                                                                      said: str, locale: str, title: str) -> None:
    await staffed.post("/api/messages", json=message(CARYS, said, connector.url, locale=locale))

    form = json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)
    assert title in form and "concern.submit" in form and "Gareth Hughes" in form


async def test_a_form_clicked_in_a_group_arrives_privately(staffed: TestClient, connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS)

    clicked = await staffed.post("/api/messages", json=card_action(CARYS, "concern.form", {}, connector.url,
                                                                   conversation_type="groupChat"))
    await staffed.app[SERVICES].deliverer.drain()

    reply = json.dumps(await clicked.json()).lower()
    assert connector.cards("19:group") == [] and connector.updated == []
    assert not any(word in reply for word in ("concern", "report", "pryder", "adroddiad", "private", "breifat"))
    assert "Tell us privately" in json.dumps(connector.cards(CARYS_CHAT)[-1])


async def test_a_report_naming_the_manager_goes_to_the_headteacher_and_says_why(staffed: TestClient,
                                                                                connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = json.dumps(await _report(staffed, connector, who="gareth"), ensure_ascii=False)

    assert "It went to Mrs Siân Roberts." in receipt and "is about your line manager" in receipt
    assert not any(SECRET in json.dumps(card) for card in connector.cards(GARETH_CHAT))
    assert SECRET in json.dumps(connector.cards(SIAN_CHAT)[-1])


async def test_a_report_about_the_head_goes_straight_to_the_chair(staffed: TestClient, connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = json.dumps(await _report(staffed, connector, who="Mrs Roberts"), ensure_ascii=False)

    # Neither the headteacher nor the line manager who reports to her sees it; the chair has not opened the bot,
    # so his card waits for him.
    assert not any(SECRET in json.dumps(card) for card in connector.cards(SIAN_CHAT) + connector.cards(GARETH_CHAT))
    assert "It went to Mr Huw Davies." in receipt and "is about the headteacher" in receipt
    assert "Mrs Siân Roberts will not see it." in receipt
    chair = Person(TENANT, "a1000000-0000-4000-8000-000000000006")
    waiting = await TableOutbox(staffed.app[STORE]).list_for_recipient(chair)
    assert [m.message_id.split("|")[1] for m in waiting] == ["to-holder"] and SECRET in json.dumps(waiting[0].card)


async def test_a_double_click_on_send_files_one_report(staffed: TestClient, connector: Connector, azurite: str,
                                                      table_prefix: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url))
    form = verb_data(connector.cards(CARYS_CHAT)[-1], "concern.submit")

    first, second = await asyncio.gather(_report(staffed, connector, **form), _report(staffed, connector, **form))
    # Someone else's form token is theirs alone (less whom Carys's form said it goes to, which his would not say).
    forged = await _report(staffed, connector, OWAIN, **{k: v for k, v in form.items() if k != "goes_to"})

    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as reports:
        records = [row async for row in reports.query_entities("RowKey eq 'report'")]
    assert reference_in(first) == reference_in(second) != reference_in(forged)
    assert sorted(r["ReporterName"] for r in records) == ["Carys Jenkins", "Owain Pritchard"]
    assert len([c for c in connector.cards(GARETH_CHAT) if SECRET in json.dumps(c)]) == 1


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["reports", "audit", "outbox", "outboxsent", "users", "directory", "ratelimits"])
        await import_staff(tables)
        yield tables


async def test_reminder_then_escalation_run_twice_at_once_send_once(store: TableStore) -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    carys = Person(TENANT, CARYS["aadObjectId"], "Carys Jenkins")
    await send_as_she_would(concern_flow(store, monday), Turn(actor=carys, lang=Lang.EN, scope=Scope.PERSONAL,
                                           verb="concern.submit", data={"what": "unkind messages"}, is_invoke=True))
    outbox = TableOutbox(store)
    gareth = Person(TENANT, GARETH["aadObjectId"])
    sian = Person(TENANT, SIAN["aadObjectId"])

    tuesday = concern_flow(store, monday + timedelta(days=1))  # one working day: too early
    thursday = concern_flow(store, monday + timedelta(days=3))  # two working days: remind
    friday = concern_flow(store, monday + timedelta(days=4))  # one working day after the reminder: too early
    next_monday = concern_flow(store, monday + timedelta(days=7))  # two working days after it (weekend skipped)
    early = await tuesday.check_reports()
    reminded = await asyncio.gather(thursday.check_reports(), thursday.check_reports())
    not_yet = await friday.check_reports()
    escalated = await asyncio.gather(next_monday.check_reports(), next_monday.check_reports())

    assert early == 0 and sorted(reminded) == [0, 1] and not_yet == 0 and sorted(escalated) == [0, 1]
    to_gareth = [m.message_id for m in await outbox.list_for_recipient(gareth)]
    to_sian = [m.message_id for m in await outbox.list_for_recipient(sian)]
    to_carys = [m.message_id for m in await outbox.list_for_recipient(carys)]
    assert sum(m.endswith("|reminder") for m in to_gareth) == 1
    assert sum(m.endswith("|escalated") for m in to_sian) == 1
    assert sum(m.endswith("|escalated-reporter") for m in to_carys) == 1


class _RefusingNotifier:
    """A notifier whose outbox is unreachable."""

    async def notify(self, messages: Sequence[OutboundMessage]) -> None:
        """Refuse, as the outbox would when storage is down."""
        raise StorageUnavailable("outbox down")

    async def recall(self, card_key: str, *, keep: Iterable[Person]) -> None:
        """Refuse, as the outbox would when storage is down."""
        raise StorageUnavailable("outbox down")

    async def take_back(self, messages: Sequence[OutboundMessage]) -> bool:
        """Refuse, as the outbox would when storage is down."""
        raise StorageUnavailable("outbox down")


async def test_a_reminder_that_cannot_be_queued_is_not_marked_as_sent(store: TableStore) -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    carys = Person(TENANT, CARYS["aadObjectId"], "Carys Jenkins")
    await send_as_she_would(concern_flow(store, monday), Turn(actor=carys, lang=Lang.EN, scope=Scope.PERSONAL,
                                           verb="concern.submit", data={"what": "unkind messages"}, is_invoke=True))
    thursday = monday + timedelta(days=3)
    broken = concern_flow(store, thursday, _RefusingNotifier())

    with pytest.raises(StorageUnavailable):
        await broken.check_reports()
    [after_failure] = await TableConcernReports(store).list_open()
    retried = await concern_flow(store, thursday).check_reports()

    assert after_failure.reminded_at is None and retried == 1
    gareth = Person(TENANT, GARETH["aadObjectId"])
    assert [m.message_id.split("|")[1] for m in await TableOutbox(store).list_for_recipient(gareth)] == [
        "to-holder", "reminder"]


async def test_purge_deletes_expired_reports_and_keeps_a_trace(store: TableStore, azurite: str,
                                                              table_prefix: str) -> None:
    then = datetime(2023, 1, 9, 9, 0, tzinfo=UTC)
    reports = TableConcernReports(store)
    carys = Person(TENANT, CARYS["aadObjectId"], "Carys Jenkins")
    await send_as_she_would(concern_flow(store, then), Turn(actor=carys, lang=Lang.EN, scope=Scope.PERSONAL,
                                                            verb="concern.submit", data={"what": "old matter"},
                                                            is_invoke=True))
    [old] = await reports.list_all()
    await reports.save(replace(old, state=old.state.CLOSED, closed_at=then + timedelta(days=3)), "closed", "test",
                       at=then + timedelta(days=3))

    kept = await concern_flow(store, then + timedelta(days=300)).purge(months=24)
    deleted = await concern_flow(store, datetime(2025, 6, 1, tzinfo=UTC)).purge(months=24)

    assert kept == [] and deleted == [old.reference]
    assert await reports.list_all() == []
    async with TableClient.from_connection_string(azurite, table_prefix + "audit") as audit:
        [trace] = [row async for row in audit.list_entities()]
    assert trace["Reference"] == old.reference and "old matter" not in json.dumps(trace, default=str)



async def test_retention_takes_the_report_off_the_card_the_line_manager_was_sent_in_teams(
        staffed: TestClient, connector: Connector) -> None:
    """Two years after Gareth closed it, retention deletes the report: the card in his Teams chat that showed the whole
    report now says, in place, that the report was deleted under the records retention rule, and nothing more."""
    await say_hi(staffed, connector, CARYS, GARETH)
    await _report(staffed, connector)
    [posted] = [a for a in connector.sent
                if a.get("conversation", {}).get("id") == GARETH_CHAT and SECRET in json.dumps(a)]
    holder = connector.cards(GARETH_CHAT)[-1]
    await staffed.post("/api/messages", json=card_action(
        GARETH, "concern.close", {**verb_data(holder, "concern.close"), "outcome": "Spoke to Dafydd"}, connector.url))
    deliverer = staffed.app[SERVICES].deliverer
    await deliverer.drain()
    [closed] = await TableConcernReports(staffed.app[STORE]).list_all()
    assert closed.closed_at is not None
    updates_before = len(connector.updated)

    deleted = await concern_flow(staffed.app[STORE], closed.closed_at + timedelta(days=740)).purge(months=24)
    await deliverer.deliver_to(Person(TENANT, GARETH["aadObjectId"]))

    assert deleted == [closed.reference]
    [replaced] = [a for a in connector.updated[updates_before:] if a["id"] == posted["id"]]
    card = json.dumps(replaced, ensure_ascii=False)
    assert "deleted under the records retention rule" in card and closed.reference in card
    assert SECRET not in card and "Spoke to Dafydd" not in card and "Carys" not in card


async def test_a_report_that_could_not_be_sent_says_so_and_send_again_sends_it_once(
        staffed: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    await say_hi(staffed, connector, CARYS, GARETH)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url))
    form = verb_data(connector.cards(CARYS_CHAT)[-1], "concern.submit")

    fail_next_enqueue(monkeypatch)
    not_sent = await _report(staffed, connector, **form)
    again = await _report(staffed, connector, **verb_data(not_sent, "concern.submit"))

    assert "could not be sent to Gareth Hughes just now" in json.dumps(not_sent)
    assert f'"value": {json.dumps(SECRET)}' in json.dumps(not_sent)  # what they typed is still in the form
    assert verb_data(not_sent, "concern.submit") == form
    assert f"Your report {reference_in(again)} has been sent" in json.dumps(again)
    assert len([c for c in connector.cards(GARETH_CHAT) if SECRET in json.dumps(c)]) == 1


@pytest.mark.parametrize("refused_first", [False, True])
async def test_an_escalation_undone_by_a_storage_fault_never_reaches_the_headteacher(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch, refused_first: bool) -> None:
    """Storage refuses the escalation's note to Carys while Siân's copy is written (before the refusal, or landing
    after it): Gareth is told nothing was changed, so nothing may bring Siân the report or change his card."""
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    reference = reference_in(await _report(staffed, connector))
    real, refused = TableOutbox._create_together, {"left": 1}

    async def create_together(outbox: TableOutbox, messages: list[OutboundMessage]) -> None:
        if refused["left"] and any(m.message_id.endswith("|escalated-reporter") for m in messages):
            refused["left"] -= 1
            await asyncio.sleep(0 if refused_first else 0.05)
            raise StorageUnavailable("injected")
        await asyncio.sleep(0.05 if refused_first else 0)
        await real(outbox, messages)

    monkeypatch.setattr(TableOutbox, "_create_together", create_together)
    answer = await staffed.post("/api/messages", json=card_action(
        GARETH, "concern.escalate", {"ref": reference, "note": "Please take this"}, connector.url))
    shown = json.dumps(await answer.json(), ensure_ascii=False)
    await staffed.app[SERVICES].deliverer.drain()
    await staffed.app[SERVICES].deliverer.deliver_due()  # the next delivery pass
    await staffed.app[SERVICES].deliverer.drain()

    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        record = await table.get_entity(reference, "report")
    assert "nothing was changed" in shown and record["State"] == "open"
    assert not [c for c in connector.cards(SIAN_CHAT) if SECRET in json.dumps(c)], "Siân was sent the report"
    assert not [c for c in connector.cards(CARYS_CHAT) if "has been passed to" in json.dumps(c)]
    assert not any("There is nothing more for you to do" in json.dumps(a, ensure_ascii=False)
                   for a in connector.updated if a.get("conversation", {}).get("id") == GARETH_CHAT)


async def test_a_report_saved_but_not_queued_is_sent_by_the_next_check(store: TableStore) -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    carys = Person(TENANT, CARYS["aadObjectId"], "Carys Jenkins")
    submitted = await send_as_she_would(concern_flow(store, monday, _RefusingNotifier()), Turn(
        actor=carys, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.submit", data={"what": "unkind messages"},
        is_invoke=True))
    gareth = Person(TENANT, GARETH["aadObjectId"])
    outbox = TableOutbox(store)
    owed_before = await outbox.list_for_recipient(gareth)

    await concern_flow(store, monday + timedelta(minutes=15)).check_reports()
    await concern_flow(store, monday + timedelta(minutes=30)).check_reports()

    assert submitted.card is not None and "could not be sent" in json.dumps(submitted.card)
    assert owed_before == []
    assert [m.message_id.split("|")[1] for m in await outbox.list_for_recipient(gareth)] == ["to-holder"]


def _reports_written(monkeypatch: pytest.MonkeyPatch, *, refused: int = 0, answered_late: int = 0) -> None:
    """Storage refuses the next `refused` reports (nothing written), then writes the next `answered_late` but answers
    after the time budget (written, yet the call fails as a timeout does)."""
    real_create = TableConcernReports.create
    left = {"refused": refused, "late": answered_late}

    async def create(reports: TableConcernReports, report: Any) -> None:
        if left["refused"]:
            left["refused"] -= 1
            raise StorageUnavailable("injected: the write was refused")
        await real_create(reports, report)
        if left["late"]:
            left["late"] -= 1
            raise StorageUnavailable("injected: TimeoutError")

    monkeypatch.setattr(TableConcernReports, "create", create)


async def test_sends_that_storage_refused_do_not_use_up_her_reports_for_the_day(
        staffed: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    await say_hi(staffed, connector, CARYS, GARETH)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url))
    form = verb_data(connector.cards(CARYS_CHAT)[-1], "concern.submit")
    _reports_written(monkeypatch, refused=5)  # as many presses as the day allows

    refused = [await _report(staffed, connector, **form) for _ in range(5)]
    sent = await _report(staffed, connector, **form)

    assert all("couldn't reach the bot's records" in json.dumps(r) for r in refused), refused
    assert "as many reports as" not in json.dumps(sent)
    assert f"Your report {reference_in(sent)} has been sent" in json.dumps(sent)
    assert len([c for c in connector.cards(GARETH_CHAT) if SECRET in json.dumps(c)]) == 1


async def test_a_report_whose_save_answered_late_is_told_as_sent_and_reaches_her_line_manager_once(
        staffed: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    await say_hi(staffed, connector, CARYS, GARETH)
    _reports_written(monkeypatch, answered_late=1)

    told = await _report(staffed, connector)
    await concern_flow(staffed.app[STORE], datetime.now(UTC)).check_reports()  # the background pass, minutes on
    await staffed.app[SERVICES].deliverer.deliver_to(Person(TENANT, GARETH["aadObjectId"]))

    assert "nothing was changed" not in json.dumps(told)
    assert f"Your report {reference_in(told)} has been sent" in json.dumps(told)
    assert len([c for c in connector.cards(GARETH_CHAT) if SECRET in json.dumps(c)]) == 1


async def test_a_line_manager_whose_teams_is_in_welsh_gets_the_report_in_welsh(staffed: TestClient,
                                                                               connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS)
    await staffed.post("/api/messages", json=message(GARETH, "shwmae", connector.url, locale="cy-GB"))

    await _report(staffed, connector)
    await staffed.app[SERVICES].deliverer.drain()

    holder = connector.cards(GARETH_CHAT)[-1]
    buttons = {a.get("verb"): a["title"] for a in actions(holder)}
    assert buttons["concern.acknowledge"] == "Cydnabod" and buttons["concern.escalate"].startswith("Uwchgyfeirio")


async def test_an_escalation_storage_made_but_answered_late_is_not_called_unmade_and_reaches_the_head(
        staffed: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    await _report(staffed, connector)
    holder = connector.cards(GARETH_CHAT)[-1]
    real_save, late = TableConcernReports.save, {"left": 1}

    async def save(reports: TableConcernReports, *args: Any, **kwargs: Any) -> Any:
        saved = await real_save(reports, *args, **kwargs)
        if late["left"]:  # storage made the write; its answer came after the budget
            late["left"] -= 1
            raise StorageUnavailable("injected: TimeoutError")
        return saved

    monkeypatch.setattr(TableConcernReports, "save", save)
    answer = await staffed.post("/api/messages", json=card_action(
        GARETH, "concern.escalate", {**verb_data(holder, "concern.escalate"), "note": "Please take this"},
        connector.url))
    shown = json.dumps(await answer.json(), ensure_ascii=False)
    await staffed.app[SERVICES].deliverer.drain()

    assert "nothing was changed" not in shown and "Passed to Mrs Siân Roberts" in shown
    assert len([c for c in connector.cards(SIAN_CHAT) if SECRET in json.dumps(c)]) == 1
    [report] = await TableConcernReports(staffed.app[STORE]).list_all()
    assert (report.level, report.owed) == (1, "")


async def test_a_double_press_of_send_on_the_days_last_report_is_told_it_was_sent(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Carys's last report of the day (one a day here), Send pressed on her laptop and her phone at once: one press was
    told "this one has not been sent" though Gareth had the report."""
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"report_limit_per_day": 1})))
    await import_staff(client.app[STORE])
    await say_hi(client, connector, CARYS, GARETH)
    await client.post("/api/messages", json=message(CARYS, "report a concern", connector.url))
    token = verb_data(connector.cards(CARYS_CHAT)[-1], "concern.submit")["form"]
    pressed = second_press_during_first_write(monkeypatch, TableConcernReports, "create",
                                              [lambda: _report(client, connector, form=token)] * 2)
    shown = [json.dumps(card) for card in await pressed]
    await client.app[SERVICES].deliverer.drain()

    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        assert len([row async for row in table.query_entities("RowKey eq 'report'")]) == 1
    assert not [s for s in shown if "as many reports as" in s], "a press of the Send that sent it was refused"
    assert all("has been sent" in s for s in shown)
    assert len([c for c in connector.cards(GARETH_CHAT) if SECRET in json.dumps(c)]) == 1


@pytest.mark.parametrize(("locale", "banner"), [("en-GB", "A private message for you: open Teams to read it."),
                                                 ("cy-GB", "Neges breifat i chi: agorwch Teams i'w darllen.")])
async def test_the_line_managers_lock_screen_says_a_private_message_waits_and_nothing_of_the_report(
        staffed: TestClient, connector: Connector, locale: str, banner: str) -> None:
    """Teams shows a message's summary in the notification banner, on a lock screen and in the activity feed; without
    one it said only "Sent a card". The line manager's now says, in his language, that a private message waits, and
    nothing of the report: not who sent it, whom it names, its reference or any of its words."""
    await say_hi(staffed, connector, CARYS)
    await staffed.post("/api/messages", json=message(GARETH, "hi", connector.url, locale=locale))
    await staffed.app[SERVICES].deliverer.drain()

    await _report(staffed, connector)
    await staffed.app[SERVICES].deliverer.drain()
    [activity] = [a for a in connector.sent
                  if a["conversation"]["id"] == GARETH_CHAT and "concern.acknowledge" in json.dumps(a)]

    assert activity.get("summary") == banner
    assert SECRET in json.dumps(activity["attachments"])


@pytest.mark.parametrize(("locale", "banner", "welcome"), [
    ("en-GB", "A private message for you: open Teams to read it.", "Social media policy helper"),
    ("cy-GB", "Neges breifat i chi: agorwch Teams i'w darllen.", "Cynorthwyydd y polisi cyfryngau cymdeithasol")])
async def test_a_reply_in_the_chat_has_a_notification_line_and_a_reports_says_nothing_of_it(
        staffed: TestClient, connector: Connector, locale: str, banner: str, welcome: str) -> None:
    """The bot's replies in the chat carried no summary, so Teams' activity feed and a phone's lock screen (and a screen
    reader reading either) said "Sent a card" for each, whatever it was. A reply now carries its card's heading; the
    report form, which a lock screen would show to anyone near the phone, the private line and nothing more."""
    await staffed.post("/api/messages", json=message(CARYS, "hi", connector.url, locale=locale))
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url, locale=locale))

    hello, form = [a for a in connector.sent if a["conversation"]["id"] == CARYS_CHAT][-2:]

    assert hello.get("summary") == welcome
    assert form.get("summary") == banner and "concern.submit" in json.dumps(form["attachments"])


# A report's buttons, each pressed by whoever might press it on a card forwarded or posted to a group: its holder, its
# reporter, and someone it has nothing to do with.
PRESSED_IN_A_GROUP = [("concern.show", GARETH, {}), ("concern.acknowledge", GARETH, {}),
                      ("concern.escalate", GARETH, {"note": "Second time this term"}),
                      ("concern.close", GARETH, {"outcome": "Spoke to both", "share_outcome": "true"}),
                      ("concern.close", GARETH, {}), ("concern.show", CARYS, {}),
                      ("concern.reopen", CARYS, {"note": "It started again"}), ("concern.acknowledge", OWAIN, {}),
                      ("concern.show", OWAIN, {})]


@pytest.mark.parametrize(("conversation_type", "locale", "told"), [
    ("groupChat", "en-GB", "The buttons on a report's card work only in your own chat with me"),
    ("channel", "cy-GB", "Dim ond yn eich sgwrs eich hun â mi mae botymau cerdyn adroddiad yn gweithio")])
async def test_a_report_card_pressed_in_a_group_says_where_it_works_to_everyone_alike(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str, caplog: pytest.LogCaptureFixture,
        conversation_type: str, locale: str, told: str) -> None:
    """Gareth, who holds the report, and Carys, who sent it, pressing its buttons on a card forwarded to a group were
    told "I can't find that record, or it isn't yours to see": untrue for them. Now every presser, a stranger too, is
    told the same thing (where the card works, nothing of the report), nothing changes, and each press is logged as
    refused."""
    await say_hi(staffed, connector, CARYS, GARETH, SIAN, OWAIN)
    reference = reference_in(await _report(staffed, connector))
    await staffed.app[SERVICES].deliverer.drain()
    before = await every_row(azurite, table_prefix)
    sent = len(connector.sent)
    caplog.set_level("INFO", logger="bot.edge.teams")

    answers = []
    for verb, person, extra in PRESSED_IN_A_GROUP:
        response = await staffed.post("/api/messages", json=card_action(
            person, verb, {"ref": reference, **extra}, connector.url, conversation_type=conversation_type,
            locale=locale))
        answers.append(json.dumps((await response.json())["value"], ensure_ascii=False))
    await staffed.app[SERVICES].deliverer.drain()

    assert told in answers[0] and set(answers) == {answers[0]}
    assert reference not in answers[0] and "Gareth" not in answers[0] and "Dafydd" not in answers[0]
    assert await every_row(azurite, table_prefix) == before
    assert connector.sent[sent:] == []
    outcomes = [getattr(r, "outcome", "") for r in caplog.records if r.getMessage() == "turn"]
    assert outcomes == [f"invoke:{verb}:refused" for verb, _, _ in PRESSED_IN_A_GROUP]


@pytest.mark.parametrize("field", ["what", "since", "where", "who", "evidence"])
async def test_a_form_over_its_lengths_is_refused_before_its_words_are_read_for_names(
        staffed: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch, field: str) -> None:
    """Teams' form keeps each box to its length, but a client that ignores it can send 250 KB a box: reading that for
    the names, initials and posts of everyone on the staff list held the event loop, and every turn, for up to 5 s a
    press, only to say it was too long."""
    read: list[int] = []
    real_route = route

    def reading(person: Person, subject: Any, *args: Any) -> Any:
        read.append(max((len(text) for text in subject.typed), default=0))
        return real_route(person, subject, *args)

    monkeypatch.setattr(concerns_dialog, "route", reading)
    await say_hi(staffed, connector, CARYS)

    form = await send_report(staffed, connector, CARYS, **{field: "Mr Hughes, the head, my line manager " * 5000})

    assert " — That is too long (" in {box["id"]: box for box in inputs(form)}[field]["label"]
    assert [length for length in read if length > 3000] == []
    assert connector.cards(GARETH_CHAT) == []


async def test_a_close_that_meets_the_same_managers_acknowledge_from_his_phone_is_made_not_dropped_unsaid(
        staffed: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    """Gareth presses Acknowledge on his phone as he closes the report on his laptop with an outcome typed; the
    phone's write lands between the laptop's read and its write (an etag conflict). Before, the close was not made
    and the laptop showed the report acknowledged and still open, the outcome gone, with no word that nothing was
    closed; now the close is made on the report as it then is."""
    await say_hi(staffed, connector, CARYS, GARETH)
    await _report(staffed, connector)
    holder = connector.cards(GARETH_CHAT)[-1]
    real_save, acknowledged = TableConcernReports.save, asyncio.Event()

    async def phone_first(reports: TableConcernReports, report: Any, action: str, actor: str, *,
                          at: datetime) -> Any:
        if action == "closed" and not acknowledged.is_set():
            await acknowledged.wait()  # the laptop read the report before the phone's Acknowledge was written
        saved = await real_save(reports, report, action, actor, at=at)
        if action == "acknowledged":
            acknowledged.set()
        return saved

    monkeypatch.setattr(TableConcernReports, "save", phone_first)
    outcome = "Spoke to Dafydd and his head of department; the messages have stopped."
    laptop, phone = await asyncio.gather(
        staffed.post("/api/messages", json=card_action(GARETH, "concern.close", {
            **verb_data(holder, "concern.acknowledge"), "outcome": outcome, "share_outcome": "false"},
            connector.url)),
        staffed.post("/api/messages", json=card_action(GARETH, "concern.acknowledge",
                                                       verb_data(holder, "concern.acknowledge"), connector.url)))
    await staffed.app[SERVICES].deliverer.drain()

    [report] = await TableConcernReports(staffed.app[STORE]).list_by_reporter(
        Person(TENANT, CARYS["aadObjectId"], CARYS["name"]))
    assert (laptop.status, phone.status) == (200, 200)
    assert report.state.value == "closed" and [n.text for n in report.notes] == [outcome]
    assert "Closed" in json.dumps(await laptop.json())


@pytest.mark.parametrize("locale", ["en-GB", "cy-GB"])
@pytest.mark.parametrize("name", ["", "\u200b\u200b", "\u3164", "\u2800\u2800"])
async def test_a_report_from_someone_teams_names_as_nothing_names_her_as_the_staff_list_does(
        staffed: TestClient, connector: Connector, name: str, locale: str) -> None:
    """Teams gives the reporter no name, or one of only invisible or blank-looking characters: the line manager's card
    names her as the staff list does, as a permission request's card does. Before, he read "Private report C-… from"
    and "has sent you this report", with nobody named, and could not know whom to talk to."""
    carys = {**CARYS, "name": name}
    for person in (carys, GARETH):
        await staffed.post("/api/messages", json=message(person, "hi", connector.url, locale=locale))
    await staffed.app[SERVICES].deliverer.drain()

    await send_report(staffed, connector, carys, what=SECRET, locale=locale)

    holder = connector.cards(GARETH_CHAT)[-1]
    assert SECRET in json.dumps(holder) and "Carys Jenkins" in json.dumps(holder["body"][:2], ensure_ascii=False)
