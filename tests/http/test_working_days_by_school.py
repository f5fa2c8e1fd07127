"""Whose working days a concern report waits for, and how soon an urgent one is chased: the reminder pass over Azurite
with its clock moved a day at a time, under settings whose school holidays may name the school they close."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from bot.domain.directory import read_staff_csv
from bot.domain.federation import Federation, parse_federation
from bot.domain.people import Lang, Person
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.outbox import TableOutbox
from bot.storage.tables import TableStore
from dialogs.base import Reply, Scope, Turn
from tests.support.activities import CARYS, FFION, GARETH, OWAIN, SIAN, TENANT
from tests.support.concerns import CHAIR_ID, concern_flow, import_staff, send_as_she_would

REPO = Path(__file__).resolve().parents[2]
SETTINGS = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
STAFF_CSV = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # GMT: the UK day is the UTC day
RHYS = {"aad_object_id": "a1000000-0000-4000-8000-000000000007", "name": "Mr Rhys Owen",
        "email": "rhys.owen@llanidloes.example.cymru"}
FFION_ID = FFION["aadObjectId"]


def _settings(*holidays: Mapping[str, Any], primary_head: Mapping[str, str] | None = None) -> Federation:
    """The fictional federation's settings with these school holidays (and, given, a head of its own for the primary
    school instead of the executive head of both)."""
    high, primary = SETTINGS["schools"]
    schools = [high, {**primary, "headteacher": primary_head}] if primary_head else [high, primary]
    return parse_federation({**SETTINGS, "schools": schools, "school_holidays": list(holidays)})


def _person(user: Mapping[str, str]) -> Person:
    return Person(TENANT, user["aadObjectId"], user["name"])


async def _send(store: TableStore, federation: Federation, user: Mapping[str, str], *, lang: Lang = Lang.EN,
                urgent: bool = False) -> Reply:
    return await send_as_she_would(concern_flow(store, MONDAY, federation=federation), Turn(
        actor=_person(user), lang=lang, scope=Scope.PERSONAL, verb="concern.submit", is_invoke=True,
        data={"what": "unkind messages about my lessons", "urgent": "true" if urgent else "false"}))


@dataclass(frozen=True)
class Step:
    """What the reminder pass did to a report on a UK day: "reminded" its holder, or "passed up" to the next."""

    what: str
    day: date
    holder: str


async def _passes(store: TableStore, federation: Federation, last: date) -> dict[str, list[Step]]:
    """The reminder pass once a day at 10:00 from the Tuesday after `MONDAY` to `last`; what it did to each report."""
    reports = TableConcernReports(store)
    steps: dict[str, list[Step]] = {}
    day = MONDAY.date() + timedelta(days=1)
    while day <= last:
        before = {r.reference: r for r in await reports.list_all()}
        await concern_flow(store, datetime.combine(day, time(10, 0), tzinfo=UTC), federation=federation
                           ).check_reports()
        for after in await reports.list_all():
            was = before[after.reference]
            if after.level > was.level:
                steps.setdefault(after.reference, []).append(Step("passed up", day, after.holder.aad_object_id))
            elif after.reminded_at != was.reminded_at:
                steps.setdefault(after.reference, []).append(Step("reminded", day, after.holder.aad_object_id))
        day += timedelta(days=1)
    return steps


def _text(reply: Reply) -> str:
    return json.dumps(reply.card, ensure_ascii=False)


async def _staff_list(store: TableStore, edit: Callable[[str], str] = lambda text: text) -> None:
    await TableStaffDirectory(store).replace_all(read_staff_csv(edit(STAFF_CSV), schools=["high", "primary"]).staff)


async def test_each_line_manager_waits_only_for_his_own_schools_holidays(store: TableStore) -> None:
    """An INSET day of the high school on Tuesday, and of the primary school on Wednesday and Thursday. Before, one
    list served both schools: Gareth (high school) and Ffion (primary) were both reminded on Monday 30th, three
    school days late for Gareth, whose school was open on Wednesday and Thursday. The executive head of both schools
    is at work when either is open: the primary's INSET day on 2 December does not hold her reminder back."""
    await import_staff(store)
    federation = _settings({"from": "2026-11-24", "schools": ["high"], "name": "INSET day"},
                           {"from": "2026-11-25", "to": "2026-11-26", "schools": ["Ysgol Gynradd Llanidloes"]},
                           {"from": "2026-12-02", "schools": ["Llanidloes Primary School"]})
    from_carys = await _send(store, federation, CARYS)
    from_owain = await _send(store, federation, OWAIN)

    steps = await _passes(store, federation, date(2026, 12, 4))

    by_reporter = {r.reporter.aad_object_id: steps[r.reference] for r in await TableConcernReports(store).list_all()}
    assert by_reporter[CARYS["aadObjectId"]][:2] == [Step("reminded", date(2026, 11, 26), GARETH["aadObjectId"]),
                                                    Step("passed up", date(2026, 11, 30), SIAN["aadObjectId"])]
    assert by_reporter[OWAIN["aadObjectId"]] == [Step("reminded", date(2026, 11, 27), FFION_ID),
                                                 Step("passed up", date(2026, 12, 1), SIAN["aadObjectId"]),
                                                 Step("reminded", date(2026, 12, 3), SIAN["aadObjectId"])]
    assert "on Monday 30 November" in _text(from_carys)
    assert "on Tuesday 1 December" in _text(from_owain)


async def test_a_report_passed_up_to_the_head_of_another_school_waits_for_her_schools_days(store: TableStore) -> None:
    """Owain teaches at the primary school and is line managed by Gareth at the high school; the primary has its own
    head, Mr Rhys Owen. The primary's INSET days (Wednesday 25th, Monday 30th) are not Gareth's, so Gareth is reminded
    on Wednesday and the report reaches Mr Owen on Friday; Mr Owen's Monday is an INSET day, so he is reminded on
    Wednesday 2 December, and the chair of governors, who serves both schools, has it on Friday 4th. Before, both
    INSET days stopped everyone's clock: Gareth was reminded on Thursday and the head had it on Tuesday."""
    await _staff_list(store, lambda text: text.replace(
        "primary,Year 3 Teacher,ffion.morgan@", "primary,Year 3 Teacher,gareth.hughes@"))
    federation = _settings({"from": "2026-11-25", "schools": ["primary"]},
                           {"from": "2026-11-30", "schools": ["primary"]}, primary_head=RHYS)
    receipt = await _send(store, federation, OWAIN)

    [steps] = (await _passes(store, federation, date(2026, 12, 4))).values()

    assert steps == [Step("reminded", date(2026, 11, 25), GARETH["aadObjectId"]),
                     Step("passed up", date(2026, 11, 27), RHYS["aad_object_id"]),
                     Step("reminded", date(2026, 12, 2), RHYS["aad_object_id"]),
                     Step("passed up", date(2026, 12, 4), CHAIR_ID)]
    assert "it goes on to Mr Rhys Owen on Friday 27 November" in _text(receipt)


async def test_an_urgent_report_is_reminded_the_next_working_day_and_passed_up_the_day_after(
        store: TableStore) -> None:
    """Before, "This is urgent" changed nothing but a line on the holder's card: Gareth was reminded on Wednesday and
    the headteacher had it on Friday, as for any report."""
    await import_staff(store)
    federation = _settings()
    receipt = await _send(store, federation, CARYS, urgent=True)
    welsh = await _send(store, federation, OWAIN, lang=Lang.CY, urgent=True)

    steps = await _passes(store, federation, date(2026, 11, 27))

    carys = next(r for r in await TableConcernReports(store).list_all() if r.reporter.name == CARYS["name"])
    assert steps[carys.reference] == [Step("reminded", date(2026, 11, 24), GARETH["aadObjectId"]),
                                      Step("passed up", date(2026, 11, 25), SIAN["aadObjectId"]),
                                      Step("reminded", date(2026, 11, 26), SIAN["aadObjectId"]),
                                      Step("passed up", date(2026, 11, 27), CHAIR_ID)]
    assert ("You marked it urgent: if it is still not acknowledged after one working day, Gareth Hughes is reminded, "
            "and after another it goes on to Mrs Siân Roberts on Wednesday 25 November") in _text(receipt)
    assert ("Fe wnaethoch chi nodi ei fod yn fater brys: os nad yw wedi'i gydnabod o hyd ar ôl un diwrnod gwaith, "
            "bydd Mrs Ffion Morgan yn cael nodyn atgoffa, ac ar ôl diwrnod gwaith arall bydd Mrs Siân Roberts yn ei "
            "gael ddydd Mercher 25 Tachwedd") in _text(welsh)
    [reminder] = [m.card for m in await TableOutbox(store).list_for_recipient(_person(GARETH))
                  if m.message_id.endswith("|reminder")]
    assert ("This urgent report has not been acknowledged for a working day. If it is not acknowledged in one more, it "
            "goes to Mrs Siân Roberts on Wednesday 25 November.") in json.dumps(reminder,
                                                                                     ensure_ascii=False)


async def test_an_urgent_report_sent_before_urgent_ones_were_chased_sooner_keeps_the_days_its_receipt_gave(
        store: TableStore, azurite: str, table_prefix: str) -> None:
    """Its receipt said four working days, so it keeps them; one sent now is chased the next working day."""
    await import_staff(store)
    federation = _settings()
    await _send(store, federation, CARYS, urgent=True)
    await _send(store, federation, OWAIN, urgent=True)
    old = next(r for r in await TableConcernReports(store).list_all() if r.reporter.name == OWAIN["name"])
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        row = dict(await table.get_entity(old.reference, "report"))
        stored_before = {key: value for key, value in row.items() if key in _COLUMNS_BEFORE}
        await table.upsert_entity(stored_before, mode=UpdateMode.REPLACE)  # as the release before wrote it

    steps = await _passes(store, federation, date(2026, 11, 27))

    new = next(r for r in await TableConcernReports(store).list_all() if r.reporter.name == CARYS["name"])
    assert steps[old.reference] == [Step("reminded", date(2026, 11, 25), FFION_ID),
                                    Step("passed up", date(2026, 11, 27), SIAN["aadObjectId"])]
    assert steps[new.reference][:2] == [Step("reminded", date(2026, 11, 24), GARETH["aadObjectId"]),
                                        Step("passed up", date(2026, 11, 25), SIAN["aadObjectId"])]
    assert stored_before["Urgent"] is True


# The columns of a report row as the release before urgent reports were chased sooner wrote them.
_COLUMNS_BEFORE = frozenset({
    "PartitionKey", "RowKey", "TenantId", "ReporterId", "ReporterName", "What", "Since", "Where", "Who", "Evidence",
    "WantsMeeting", "Urgent", "SubmittedAt", "Chain", "Level", "Route", "Kind", "About", "AboutName",
    "InvolvesManager", "InvolvedManager", "State", "AcknowledgedAt", "RemindedAt", "EscalatedAt", "ClosedAt",
    "ReopenedAt", "Notes", "FormToken", "Owed"})
