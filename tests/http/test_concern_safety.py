"""Concern reports stay safe when the line manager (or the headteacher) is the problem: issue 18, over HTTP.

Each test drives the running app against Azurite and the local connector, as Teams would.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE, create_app
from bot.domain.directory import StaffMember
from bot.domain.federation import Federation, parse_federation
from bot.domain.people import Lang, Person
from bot.settings import Settings
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.outbox import TableOutbox
from bot.storage.tables import TableStore
from dialogs.base import Scope, Turn
from tests.support.activities import CARYS, GARETH, OWAIN, SIAN, TENANT, card_action, message
from tests.support.cards import actions, elements, press, verb_data
from tests.support.concerns import (
    CALENDAR,
    CARYS_CHAT,
    CHAIR_ID,
    GARETH_CHAT,
    NAMING_THE_LINE_MANAGER,
    NIGHT,
    REPO,
    SIAN_CHAT,
    click,
    concern_flow,
    import_staff,
    reference_in,
    say_hi,
    send_as_she_would,
    send_report,
    shows,
)
from tests.support.connector import Connector


async def _records(azurite: str, table_prefix: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        return [dict(row) async for row in table.query_entities("RowKey eq 'report'")]


async def _audit(azurite: str, table_prefix: str, reference: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
        return [dict(row) async for row in table.query_entities(
            "PartitionKey eq @pk and RowKey ne 'report'", parameters={"pk": reference})]


def _form(connector: Connector) -> dict[str, Any]:
    return connector.cards(CARYS_CHAT)[-1]


def _choices(card: dict[str, Any], input_id: str) -> dict[str, str]:
    """title -> value of a ChoiceSet, wherever it sits in the card."""
    return {c["title"]: c["value"] for choice_set in elements(card, "Input.ChoiceSet")
            if choice_set.get("id") == input_id for c in choice_set["choices"]}


# 1. A report that names the line manager anywhere never reaches them.

@pytest.mark.parametrize("what", NAMING_THE_LINE_MANAGER)
async def test_free_text_naming_the_line_manager_goes_to_the_head_not_to_him(
        staffed: TestClient, connector: Connector, what: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, who="")

    assert not shows(connector.cards(GARETH_CHAT), what), "the report reached the person it is about"
    assert shows(connector.cards(SIAN_CHAT), what)
    assert "It went to Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


# A short first name mutates after "gan", "i", "o", "â"... as a longer one does: "gan Geri" is Ceri.
@pytest.mark.parametrize(("manager", "what"), [
    ("Ceri Lloyd", "Rwy'n cael negeseuon cas gan Geri bob nos"),
    ("Bryn Owen", "Mae negeseuon cas yn dod gan Fryn yn hwyr y nos"),
    ("Dai Price", "Daeth y negeseuon cas i gyd o Ddai"),
    ("Gwen Ellis", "Rwy'n cael negeseuon cas gan Wen bob nos"),
    ("Mair Rees", "Mae'r sylwadau cas ar fy lluniau i gyd gan Fair"),
    ("Tom Bevan", "Rwy wedi cael llond bol ar y negeseuon â Thom yn y grŵp"),
    ("Ceri Lloyd", "Ceri keeps sending me nasty messages at night"),
    # A first name of two letters is a name, not too short to count: before, "Jo" and "Al" were never checked.
    ("Jo Evans", "Jo keeps sending me nasty messages at night"),
    ("Al Rees", "Mae Al yn anfon negeseuon cas ataf bob nos"),
])
async def test_a_short_name_mutated_in_welsh_still_keeps_the_report_from_him(
        staffed: TestClient, connector: Connector, manager: str, what: str) -> None:
    staff = await TableStaffDirectory(staffed.app[STORE]).list_members()
    await TableStaffDirectory(staffed.app[STORE]).replace_all(
        [replace(m, name=manager) if m.aad_object_id == GARETH["aadObjectId"] else m for m in staff])
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, locale="cy-GB" if "Ceri keeps" not in what else "en-GB")

    assert connector.cards(GARETH_CHAT)[1:] == [], "the report reached the line manager it names"
    assert shows(connector.cards(SIAN_CHAT), what)
    assert "Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


# A name with an invisible character inside (a zero-width space or soft hyphen pasted from a web page or a document,
# or typed on purpose) is the name the holder's card shows: before, it was not found, and the report reached him.
@pytest.mark.parametrize("what", ["Gar\u200beth keeps sending me nasty messages at night",
                                  "Mr Hugh\u00ades keeps sending me nasty messages at night",
                                  "Mae Gare\u2060th yn anfon negeseuon cas ataf bob nos"])
async def test_a_name_with_an_invisible_character_inside_still_keeps_the_report_from_him(
        staffed: TestClient, connector: Connector, what: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    await send_report(staffed, connector, what=what, who="")

    assert connector.cards(GARETH_CHAT)[1:] == [], "the report reached the line manager it names"
    assert len(connector.cards(SIAN_CHAT)) == 2


@pytest.mark.parametrize("field", ["since", "where", "who", "evidence"])
async def test_every_typed_field_is_checked_for_the_managers_name(staffed: TestClient, connector: Connector,
                                                                  field: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    await send_report(staffed, connector, CARYS, **{field: "mr HUGHES"})

    assert connector.cards(GARETH_CHAT)[1:] == [], "something about the report reached Gareth"
    assert len(connector.cards(SIAN_CHAT)) == 2


async def test_choosing_the_line_manager_from_the_staff_list_sends_it_to_the_head(
        staffed: TestClient, connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url))
    people = _choices(_form(connector), "about")

    receipt = await send_report(staffed, connector, about=people["Gareth Hughes"],
                                **verb_data(_form(connector), "concern.submit"))

    # A name with accents is listed with them and without, so typing "sian" finds her.
    assert {"Gareth Hughes", "Mrs Siân Roberts (Sian Roberts)"} <= set(people) or {
        "Gareth Hughes", "Siân Roberts (Sian Roberts)"} <= set(people)
    assert "Carys Jenkins" not in people, "the reporter is offered as the person it is about"
    assert set(people.values()) >= {"someone_else", "rather_not_say", "not_colleague"}
    assert connector.cards(GARETH_CHAT)[1:] == []
    assert shows(connector.cards(SIAN_CHAT), "nasty direct messages")
    assert "It went to Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


async def test_saying_it_involves_the_line_manager_sends_it_to_the_head(staffed: TestClient,
                                                                        connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    await send_report(staffed, connector, involves_manager="true", about="rather_not_say")

    assert connector.cards(GARETH_CHAT)[1:] == []
    assert shows(connector.cards(SIAN_CHAT), "nasty direct messages")


async def test_a_report_about_the_head_goes_to_the_chair_never_to_her(staffed: TestClient,
                                                                      connector: Connector) -> None:
    # Gareth's line manager is the headteacher: a report naming her goes straight to the chair of governors.
    await say_hi(staffed, connector, GARETH, SIAN)

    receipt = await send_report(staffed, connector, GARETH, what="Siân keeps posting about my teaching in the "
                                                                 "staff group chat", who="")

    assert connector.cards(SIAN_CHAT)[1:] == [], "the report reached the headteacher it is about"
    chair = Person(TENANT, CHAIR_ID)
    waiting = await TableOutbox(staffed.app[STORE]).list_for_recipient(chair)
    assert shows([m.card for m in waiting], "staff group chat")
    assert "Mr Huw Davies" in json.dumps(receipt)


async def test_a_report_naming_everyone_it_could_go_to_is_not_sent_and_says_so(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    await say_hi(staffed, connector, GARETH, SIAN)

    answer = await send_report(staffed, connector, GARETH, what="Mrs Roberts and Mr Davies both message me", who="")

    assert connector.cards(SIAN_CHAT)[1:] == []
    assert await _records(azurite, table_prefix) == []
    assert "has not been sent" in json.dumps(answer)


async def test_the_form_and_receipt_say_truthfully_who_will_see_it(staffed: TestClient,
                                                                   connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url))
    form = json.dumps(_form(connector), ensure_ascii=False)

    receipt = json.dumps(await send_report(staffed, connector, what=f"Gareth {NIGHT}"), ensure_ascii=False)

    assert "your line manager, Gareth Hughes" in form and "Mrs Siân Roberts" in form and "Mr Huw Davies" in form
    assert "It went to Mrs Siân Roberts" in receipt and "Gareth Hughes will not see it" in receipt


# 5. Someone who isn't a colleague: not the colleagues route.

@pytest.mark.parametrize("said", ["I'm being targeted by a parent on Facebook",
                                  "A pupil keeps posting nasty things about me on TikTok",
                                  "Mae rhiant yn fy nhargedu ar Facebook"])
async def test_someone_who_is_not_a_colleague_is_offered_the_headteacher_not_the_line_manager(
        staffed: TestClient, connector: Connector, said: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    locale = "cy-GB" if said.startswith("Mae") else "en-GB"

    await staffed.post("/api/messages", json=message(CARYS, said, connector.url, locale=locale))
    offer = _form(connector)
    buttons = [(a["verb"], a.get("data", {})) for a in actions(offer)]

    assert "concern.submit" not in json.dumps(buttons), "the colleagues form was opened"
    assert ("concern.form", {"kind": "outside", "what": said, "lang": locale[:2]}) in buttons
    assert any(v == "policy.section" for v, _ in buttons)
    # A card posted before the form carried the person's words sends {"kind": "outside"} alone: still the form.
    outside_form = await click(staffed, connector, CARYS, "concern.form", {"kind": "outside"})
    receipt = await send_report(staffed, connector, what="A parent comments on my photos",
                                **verb_data(outside_form, "concern.submit"))
    assert verb_data(outside_form, "concern.submit")["kind"] == "outside"
    assert connector.cards(GARETH_CHAT)[1:] == []
    assert shows(connector.cards(SIAN_CHAT), "A parent comments on my photos")
    assert "Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


async def test_a_colleague_asking_for_a_like_is_not_a_report(staffed: TestClient, connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS)

    await staffed.post("/api/messages", json=message(
        CARYS, "a colleague keeps asking me to like the school's Facebook page", connector.url))

    assert "concern.submit" not in json.dumps(_form(connector))


async def test_choosing_not_a_colleague_on_the_form_offers_the_headteacher_route_before_sending(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    answer = await send_report(staffed, connector, about="not_colleague", what="A parent messages me at night")

    assert await _records(azurite, table_prefix) == [] and connector.cards(GARETH_CHAT)[1:] == []
    assert verb_data(answer, "concern.submit")["kind"] == "outside"
    assert "A parent messages me at night" in json.dumps(answer)  # what they typed is kept for them


# 2-4. Closing is a decision; settled reports stay settled; notes reach only the people they are for.

async def _reported(client: TestClient, connector: Connector) -> tuple[str, dict[str, Any]]:
    await say_hi(client, connector, CARYS, GARETH, SIAN)
    receipt = await send_report(client, connector, who="Dafydd")
    return reference_in(receipt), connector.cards(GARETH_CHAT)[-1]


async def test_closing_needs_an_outcome_and_the_reporter_is_told(staffed: TestClient, connector: Connector,
                                                                  azurite: str, table_prefix: str) -> None:
    reference, _ = await _reported(staffed, connector)

    refused = await click(staffed, connector, GARETH, "concern.close", {"ref": reference})
    [open_record] = await _records(azurite, table_prefix)
    closed = await click(staffed, connector, GARETH, "concern.close", {
        "ref": reference, "outcome": "Spoke to Dafydd; OUTCOME-PRIVATE", "share_outcome": "false"})
    [closed_record] = await _records(azurite, table_prefix)
    told = connector.cards(CARYS_CHAT)[-1]

    assert open_record["State"] == "open", "closed without an outcome"
    assert '"id": "outcome"' in json.dumps(refused)
    assert closed_record["State"] == "closed" and "Closed" in json.dumps(closed)
    assert reference in json.dumps(told) and "closed" in json.dumps(told).lower()
    assert "OUTCOME-PRIVATE" not in json.dumps(told), "an outcome the holder kept was shown to the reporter"
    assert verb_data(told, "concern.reopen") == {"ref": reference}


async def test_an_outcome_the_holder_shares_reaches_the_reporter(staffed: TestClient, connector: Connector) -> None:
    reference, _ = await _reported(staffed, connector)

    await click(staffed, connector, GARETH, "concern.close", {
        "ref": reference, "outcome": "Dafydd has apologised SHARED-OUTCOME", "share_outcome": "true"})

    assert "SHARED-OUTCOME" in json.dumps(connector.cards(CARYS_CHAT)[-1])


async def test_this_is_not_resolved_once_sends_it_to_the_next_person_up(staffed: TestClient, connector: Connector,
                                                                         azurite: str, table_prefix: str) -> None:
    reference, _ = await _reported(staffed, connector)
    await click(staffed, connector, GARETH, "concern.close", {"ref": reference, "outcome": "Talked to Dafydd"})
    before = len(connector.cards(SIAN_CHAT))

    reopened = await click(staffed, connector, CARYS, "concern.reopen", {"ref": reference,
                                                                         "note": "STILL-HAPPENING"})
    again = await click(staffed, connector, CARYS, "concern.reopen", {"ref": reference, "note": "twice"})
    [record] = await _records(azurite, table_prefix)
    for_head = connector.cards(SIAN_CHAT)[before:]

    assert len(for_head) == 1 and shows(for_head, "nasty direct messages") and shows(for_head, "STILL-HAPPENING")
    assert shows(for_head, "Talked to Dafydd"), "the next person up does not see what was done"
    assert record["State"] != "closed" and "Mrs Siân Roberts" in json.dumps(reopened, ensure_ascii=False)
    assert "concern.reopen" not in json.dumps(again) and len(connector.cards(SIAN_CHAT)) == before + 1
    assert not shows(connector.cards(GARETH_CHAT), "STILL-HAPPENING"), "the reporter's note reached the closer"


async def test_old_buttons_never_change_a_closed_report_and_show_its_state(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    reference, holder_card = await _reported(staffed, connector)
    await concern_flow(staffed.app[STORE], CALENDAR.add_working_days(datetime.now(UTC), 2)).check_reports()
    gareth = Person(TENANT, GARETH["aadObjectId"])
    reminder = next(dict(m.card) for m in await TableOutbox(staffed.app[STORE]).list_for_recipient(gareth)
                    if m.message_id.endswith("|reminder"))
    await click(staffed, connector, GARETH, "concern.close", {"ref": reference, "outcome": "Resolved"})
    rows_before = await _audit(azurite, table_prefix, reference)

    answers = []
    for card in (holder_card, reminder):
        for verb in ("concern.acknowledge", "concern.escalate", "concern.close"):
            answers.append(await click(staffed, connector, GARETH, verb, {**verb_data(card, verb), "note": "x",
                                                                           "outcome": "again"}))
    [record] = await _records(azurite, table_prefix)

    assert record["State"] == "closed" and record.get("AcknowledgedAt") is None
    assert len(await _audit(azurite, table_prefix, reference)) == len(rows_before)
    assert all("Closed" in json.dumps(answer) for answer in answers)
    assert not any(a.get("verb") in ("concern.acknowledge", "concern.escalate", "concern.close")
                   for answer in answers for a in actions(answer))


async def test_a_manager_who_escalated_can_never_act_on_it_again(staffed: TestClient, connector: Connector,
                                                                  azurite: str, table_prefix: str) -> None:
    reference, _ = await _reported(staffed, connector)
    await click(staffed, connector, GARETH, "concern.escalate", {"ref": reference, "note": "Please take this"})
    await click(staffed, connector, SIAN, "concern.close", {"ref": reference, "outcome": "HEAD-OUTCOME"})

    answers = [await click(staffed, connector, GARETH, verb, {"ref": reference, "note": "n", "outcome": "mine"})
               for verb in ("concern.acknowledge", "concern.close", "concern.escalate")]
    [record] = await _records(azurite, table_prefix)

    assert record["State"] == "closed" and record.get("AcknowledgedAt") is None
    assert not any("HEAD-OUTCOME" in json.dumps(a) for a in answers), "the head's outcome was shown to the manager"
    assert not any(a.get("verb", "").startswith("concern.") for answer in answers for a in actions(answer))


async def test_each_audit_row_keeps_its_own_time(staffed: TestClient, connector: Connector, azurite: str,
                                                 table_prefix: str) -> None:
    reference, _ = await _reported(staffed, connector)
    await click(staffed, connector, GARETH, "concern.escalate", {"ref": reference})
    await click(staffed, connector, SIAN, "concern.acknowledge", {"ref": reference})
    await click(staffed, connector, SIAN, "concern.close", {"ref": reference, "outcome": "Done"})

    rows = sorted(await _audit(azurite, table_prefix, reference), key=lambda row: row["RowKey"])

    assert [row["Action"] for row in rows] == ["submitted", "escalated", "acknowledged", "closed"]
    times = [row["At"] for row in rows]
    assert times == sorted(times) and len(set(times)) == 4, "audit rows do not keep their own times"


async def test_the_reporter_never_sees_a_note_meant_for_the_head(staffed: TestClient, connector: Connector) -> None:
    reference, _ = await _reported(staffed, connector)
    await click(staffed, connector, GARETH, "concern.escalate", {"ref": reference, "note": "NOTE-FOR-HEAD"})

    seen = [await click(staffed, connector, CARYS, verb, {"ref": reference})
            for verb in ("concern.acknowledge", "concern.escalate", "concern.close", "concern.show")]

    assert shows(connector.cards(SIAN_CHAT), "NOTE-FOR-HEAD")
    assert not any("NOTE-FOR-HEAD" in json.dumps(card) for card in seen + connector.cards(CARYS_CHAT))
    assert all(reference in json.dumps(card) and "Mrs Siân Roberts" in json.dumps(card, ensure_ascii=False)
               for card in seen)  # the reporter sees status and who holds it


# 6-7. Typed text is inert; the server assigns references.

def _strings_outside_text_runs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") == "TextRun":
            return
        for key, value in node.items():
            if key != "data" and not (key == "value" and str(node.get("type", "")).startswith("Input.")):
                yield from _strings_outside_text_runs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings_outside_text_runs(item)
    elif isinstance(node, str):
        yield node


INVISIBLE = "\u061c\u2028\u2029\ufeff\u2060\u00ad\U000e0041\U000e007f\u202e\ue000"


async def test_typed_text_and_display_names_are_inert_on_the_holders_card(staffed: TestClient,
                                                                          connector: Connector) -> None:
    carys = {**CARYS, "name": f"Carys **Jenkins** [site](https://evil.example){INVISIBLE}"}
    await say_hi(staffed, connector, carys, GARETH)

    await send_report(staffed, connector, carys, what=f"Messages{INVISIBLE} <at>Dafydd</at>",
                      since="[Open the evidence](https://evil.example)", where=f"**Teams**{INVISIBLE}",
                      who="Dafydd [x](https://evil.example)", evidence="<b>screens</b>")
    card = connector.cards(GARETH_CHAT)[-1]
    shown = list(_strings_outside_text_runs(card))

    assert "Open the evidence" in json.dumps(card) and "Carys" in json.dumps(card)
    assert [s for s in shown if any(m in s for m in ("evil.example", "**", "<at>", "<b>"))] == []
    assert not any(ch in json.dumps(card, ensure_ascii=False) for ch in INVISIBLE)


async def test_the_server_assigns_every_new_reference(staffed: TestClient, connector: Connector, azurite: str,
                                                      table_prefix: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH)

    chosen = await send_report(staffed, connector, ref="C-AAAAAA")
    also = await send_report(staffed, connector, form="C-BBBBBB", what="Another thing")

    references = sorted(r["PartitionKey"] for r in await _records(azurite, table_prefix))
    assert "C-AAAAAA" not in references and "C-BBBBBB" not in references and len(references) == 2
    assert reference_in(chosen) != "C-AAAAAA" and reference_in(also) != "C-BBBBBB"


# 8. "My reports".

@pytest.mark.parametrize(("said", "locale", "title", "status"), [
    ("my reports", "en-GB", "Your reports", "Acknowledged"),
    ("fy adroddiadau", "cy-GB", "Eich adroddiadau", "wedi cydnabod yr adroddiad"),
])
async def test_my_reports_lists_status_and_holder(staffed: TestClient, connector: Connector, said: str, locale: str,
                                                  title: str, status: str) -> None:
    reference, _ = await _reported(staffed, connector)
    await click(staffed, connector, GARETH, "concern.acknowledge", {"ref": reference})
    await send_report(staffed, connector, OWAIN, what="OWAIN-REPORT")

    await staffed.post("/api/messages", json=message(CARYS, said, connector.url, locale=locale))
    mine = json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)

    assert title in mine and reference in mine and "Gareth Hughes" in mine and status in mine
    assert "OWAIN-REPORT" not in mine and "nasty direct messages" not in mine


# Rate limits: counts shared by every instance.

@pytest.fixture
async def two_instances(aiohttp_client: Any, settings: Settings) -> tuple[TestClient, TestClient]:
    limited = settings.model_copy(update={"report_limit_per_day": 2, "escalation_limit_per_day": 1})
    first = await aiohttp_client(create_app(limited))
    second = await aiohttp_client(create_app(limited))
    await import_staff(first.app[STORE])
    return first, second


async def test_too_many_reports_in_a_day_get_a_kind_message_on_any_instance(
        two_instances: tuple[TestClient, TestClient], connector: Connector, azurite: str, table_prefix: str) -> None:
    first, second = two_instances
    await say_hi(first, connector, CARYS, GARETH)

    answers = [await send_report(instance, connector, what=f"Report number {n}")
               for n, instance in enumerate((first, second, first, second))]

    assert len(await _records(azurite, table_prefix)) == 2
    assert len([c for c in connector.cards(GARETH_CHAT) if "Report number" in json.dumps(c)]) == 2
    assert all("Report number" in json.dumps(a) and "in 24 hours" in json.dumps(a) for a in answers[2:])


async def test_escalations_are_limited_too(two_instances: tuple[TestClient, TestClient], connector: Connector,
                                           azurite: str, table_prefix: str) -> None:
    first, second = two_instances
    await say_hi(first, connector, CARYS, GARETH, SIAN)
    one = reference_in(await send_report(first, connector, what="First matter"))
    two = reference_in(await send_report(second, connector, what="Second matter"))

    await click(first, connector, GARETH, "concern.escalate", {"ref": one})
    refused = await click(second, connector, GARETH, "concern.escalate", {"ref": two})

    states = {r["PartitionKey"]: r["State"] for r in await _records(azurite, table_prefix)}
    assert states == {one: "escalated", two: "open"}
    assert "in 24 hours" in json.dumps(refused) and not shows(connector.cards(SIAN_CHAT), "Second matter")


# The fields cards already posted in chats send keep working.

async def test_a_form_posted_before_this_change_still_files_a_report(staffed: TestClient,
                                                                     connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS, GARETH)
    old_fields = {"ref": "C-7KX3QD", "what": "Old form: messages at night", "since": "May", "where": "WhatsApp",
                  "who": "Dafydd", "evidence": "Screenshots", "meeting": "true", "urgent": "true"}

    # It cannot say whom it said it goes to: it comes back once, saying who now, and its Send files the report.
    back = await press(staffed, connector, card_action(CARYS, "concern.submit", old_fields, connector.url))
    assert "This form was opened before forms said whom they go to" in json.dumps(back)
    assert not shows(connector.cards(GARETH_CHAT), "Old form")
    receipt = await click(staffed, connector, CARYS, "concern.submit", {**verb_data(back, "concern.submit"),
                                                                        **old_fields})
    card = json.dumps(connector.cards(GARETH_CHAT)[-1])

    assert "has been sent" in json.dumps(receipt)
    assert all(value in card for key, value in old_fields.items() if key not in ("ref", "meeting", "urgent"))
    assert re.search(r"urgent", card, re.IGNORECASE) and "meeting" in card


# The other school of the federation: a report stays with that school's head, whoever has left.

_SETTINGS = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
RHYS_ID = "a1000000-0000-4000-8000-000000000007"


def _two_heads() -> Federation:
    """The fictional federation with a head of its own for the primary school, Mr Rhys Owen."""
    high, primary = _SETTINGS["schools"]
    rhys = {"aad_object_id": RHYS_ID, "name": "Mr Rhys Owen", "email": "rhys.owen@llanidloes.example.cymru"}
    return parse_federation({**_SETTINGS, "schools": [high, {**primary, "headteacher": rhys}]})


@pytest.mark.parametrize(("lang", "old_row"),  # old_row: written before its school was kept
                         [(Lang.EN, False), (Lang.CY, False), (Lang.EN, True)])
async def test_a_primary_report_stays_with_the_primary_head_after_the_reporter_leaves(
        store: TableStore, azurite: str, table_prefix: str, lang: Lang, old_row: bool) -> None:
    await import_staff(store)
    federation, owain = _two_heads(), Person(TENANT, OWAIN["aadObjectId"], OWAIN["name"])
    sent = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    await send_as_she_would(concern_flow(store, sent, federation=federation), Turn(
        actor=owain, lang=lang, scope=Scope.PERSONAL, verb="concern.submit", is_invoke=True,
        data={"what": "Negeseuon cas" if lang is Lang.CY else "Unkind messages", "involves_manager": "true"}))
    [report] = await TableConcernReports(store).list_all()
    assert [c.aad_object_id for c in report.chain] == [RHYS_ID, CHAIR_ID]  # Ffion, his line manager, is left out
    if old_row:
        async with TableClient.from_connection_string(azurite, table_prefix + "reports") as table:
            row = await table.get_entity(report.reference, "report")
            await table.update_entity({"PartitionKey": row["PartitionKey"], "RowKey": "report", "School": ""},
                                      mode=UpdateMode.MERGE)
    # Owain leaves the school; the report is being dealt with by the primary's head.
    staff = await TableStaffDirectory(store).list_members()
    await TableStaffDirectory(store).replace_all([m for m in staff if m.aad_object_id != owain.aad_object_id])

    await concern_flow(store, CALENDAR.add_working_days(sent, 1), federation=federation).check_reports()

    [after] = await TableConcernReports(store).list_all()
    sian = Person(TENANT, SIAN["aadObjectId"], SIAN["name"])
    assert after.holder.aad_object_id == RHYS_ID, "the report went to the head of the other school"
    assert not any(m.message_id.startswith(report.reference)
                   for m in await TableOutbox(store).list_for_recipient(sian))


# Initials, a login or a name run together, and nicknames: names a reporter writes that no setting, Graph or the staff
# list gives. Before, each of these reached the line manager it names.

async def _line_manager_named(client: TestClient, name: str) -> None:
    """Carys's line manager (Gareth's row of the staff list) goes by `name`."""
    directory = TableStaffDirectory(client.app[STORE])
    staff = await directory.list_members()
    await directory.replace_all([replace(m, name=name) if m.aad_object_id == GARETH["aadObjectId"] else m
                                 for m in staff])


@pytest.mark.parametrize("what", [
    "GH keeps sending me nasty messages at night",
    "G.H. keeps sending me nasty messages at night",
    "g. h. keeps commenting on my photos",
    "Mr H keeps sending me nasty messages at night",
    "Mae Mr H. yn anfon negeseuon cas ataf bob nos",
    "GarethHughes keeps tagging me in memes about my teaching",
    "garethhughes keeps tagging me in memes about my teaching",
    "ghughes keeps tagging me in memes about my teaching",
    "@GarethH keeps replying to everything I post",
    "The messages come from g.hughes23@hwbmail.net late at night",
    "HughesG12 keeps replying to everything I post",
])
async def test_initials_a_login_or_a_name_run_together_keep_the_report_from_him(
        staffed: TestClient, connector: Connector, what: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, who="",
                                locale="cy-GB" if what.startswith("Mae") else "en-GB")

    assert connector.cards(GARETH_CHAT)[1:] == [], "the report reached the line manager it names"
    assert shows(connector.cards(SIAN_CHAT), what)
    assert "Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


# A nickname, English or Welsh, from bot/domain/data/nicknames.txt; either way round (the list may hold the nickname).
@pytest.mark.parametrize(("manager", "what"), [
    ("Gareth Hughes", "Gaz keeps sending me nasty messages at night"),
    ("Gareth Hughes", "Mae Gaz yn anfon negeseuon cas ataf bob nos"),
    ("David Price", "Dai keeps commenting on my photos"),
    ("David Price", "Daeth y negeseuon cas i gyd o Ddai"),
    ("Dai Price", "David keeps commenting on my photos"),
    ("Robert Lloyd", "Bob keeps sending me messages late at night"),
    ("Catherine Ellis", "Cath keeps posting about my lessons in the staff chat"),
    ("Catrin Ellis", "Mae Cadi yn postio am fy ngwersi yn y sgwrs staff o hyd"),
    ("Gruffudd Owen", "Mae Guto yn anfon negeseuon cas ataf bob nos"),
    ("Ifan Jones", "Ianto keeps sending me nasty messages at night"),
    ("Thomas Bevan", "Mae Twm yn anfon negeseuon cas ataf bob nos"),
    ("Elisabeth Parry", "Mae Betsan yn gwneud sylwadau cas am fy lluniau"),
    ("Gwilym Rees", "Wil keeps sending me nasty messages at night"),
    # A first name that is also an everyday word counts written as a name, with its capital.
    ("Di Evans", "Di keeps sending me nasty messages at night"),
])
async def test_a_nickname_keeps_the_report_from_him(staffed: TestClient, connector: Connector, manager: str,
                                                    what: str) -> None:
    await _line_manager_named(staffed, manager)
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, who="",
                                locale="cy-GB" if what.startswith(("Mae", "Daeth")) else "en-GB")

    assert connector.cards(GARETH_CHAT)[1:] == [], "the report reached the line manager it names"
    assert shows(connector.cards(SIAN_CHAT), what)
    assert "Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


# The other side of the trade-off: a school abbreviation or an everyday word that happens to be the line manager's
# initials, login or nickname does not name him, and the report goes to him as the policy says.
@pytest.mark.parametrize(("manager", "what"), [
    ("Paul Evans", "He keeps mocking my PE lessons in the staff group chat"),
    ("Rhys Ellis", "Someone keeps posting about my RE lessons"),
    ("Dafydd Thomas", "A colleague from DT keeps sending me nasty messages"),
    ("Tomos Ashton", "A TA keeps sending me nasty messages at night"),
    ("Siôn Lloyd Thomas", "Someone on SLT keeps commenting on my posts"),
    ("Paul Morgan", "The messages come at 11 p.m. every night"),
    ("Robert Lloyd", "Rwy'n cael negeseuon cas gan rywun bob nos"),
    ("Tom Rees", "Someone keeps posting photos of the trees outside my house"),
    ("Mark Smith", "Someone keeps commenting on the marks I gave"),
])
async def test_a_school_abbreviation_or_everyday_word_still_goes_to_the_line_manager(
        staffed: TestClient, connector: Connector, manager: str, what: str) -> None:
    await _line_manager_named(staffed, manager)
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, who="",
                                locale="cy-GB" if what.startswith("Rwy") else "en-GB")

    assert shows(connector.cards(GARETH_CHAT), what), "the line manager it does not name never got it"
    assert connector.cards(SIAN_CHAT)[1:] == []
    assert manager in json.dumps(receipt, ensure_ascii=False)


async def test_a_report_naming_the_head_by_her_initials_goes_to_the_chair(staffed: TestClient,
                                                                          connector: Connector) -> None:
    await say_hi(staffed, connector, GARETH, SIAN)

    receipt = await send_report(staffed, connector, GARETH, what="SR keeps posting about my teaching in the staff "
                                                                 "group chat", who="")

    assert connector.cards(SIAN_CHAT)[1:] == [], "the report reached the headteacher it is about"
    waiting = await TableOutbox(staffed.app[STORE]).list_for_recipient(Person(TENANT, CHAIR_ID))
    assert shows([m.card for m in waiting], "staff group chat")
    assert "Mr Huw Davies" in json.dumps(receipt)


@pytest.mark.parametrize("note", ["SR said she would deal with it, and it has got worse",
                                  "Mrs R. said she would deal with it, and it has got worse"])
async def test_a_not_resolved_note_naming_the_head_by_initials_passes_her_over(
        staffed: TestClient, connector: Connector, note: str) -> None:
    reference, _ = await _reported(staffed, connector)
    await click(staffed, connector, GARETH, "concern.close", {"ref": reference, "outcome": "Talked to Dafydd"})
    before = len(connector.cards(SIAN_CHAT))

    answer = await click(staffed, connector, CARYS, "concern.reopen", {"ref": reference, "note": note})

    assert len(connector.cards(SIAN_CHAT)) == before, "the reporter's note reached the headteacher it names"
    waiting = await TableOutbox(staffed.app[STORE]).list_for_recipient(Person(TENANT, CHAIR_ID))
    assert shows([m.card for m in waiting], note)
    assert "Mr Huw Davies" in json.dumps(answer)


async def test_a_report_moving_on_to_a_new_head_it_names_by_a_nickname_passes_him_over(store: TableStore) -> None:
    await import_staff(store)
    carys = Person(TENANT, CARYS["aadObjectId"], CARYS["name"])
    sent = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    await send_as_she_would(concern_flow(store, sent), Turn(
        actor=carys, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.submit", is_invoke=True,
        data={"what": "Dafydd keeps sending me nasty messages; Bob has seen them too"}))
    # Mr Robert Owen becomes the headteacher; nobody acknowledges the report, so it is passed up.
    high, primary = _SETTINGS["schools"]
    bob = {"aad_object_id": RHYS_ID, "name": "Mr Robert Owen", "email": "robert.owen@llanidloes.example.cymru"}
    federation = parse_federation({**_SETTINGS, "schools": [{**high, "headteacher": bob},
                                                            {**primary, "headteacher": bob}]})

    for days in (2, 4):
        await concern_flow(store, CALENDAR.add_working_days(sent, days), federation=federation).check_reports()

    [report] = await TableConcernReports(store).list_all()
    assert report.holder.aad_object_id == CHAIR_ID, "the report went on to the head it names"
    assert not any(m.message_id.startswith(report.reference)
                   for m in await TableOutbox(store).list_for_recipient(Person(TENANT, RHYS_ID)))


# A report that calls someone in its chain by their post, not their name ("my line manager", "the head", "y pennaeth",
# "cadeirydd y llywodraethwyr"), or by their title on the staff list ("the Head of Humanities"): before, each of these
# reached the person it describes unless "it involves my line manager" was ticked.

@pytest.mark.parametrize(("what", "locale"), [
    ("My line manager keeps sending me nasty messages at night", "en-GB"),
    ("My manager keeps commenting on my photos in the staff group chat", "en-GB"),
    ("My boss keeps sending me messages late at night about my appearance", "en-GB"),
    ("My HoD keeps posting about my lessons in the staff chat", "en-GB"),
    ("My head of department keeps sending me nasty messages at night", "en-GB"),
    ("The Head of Humanities keeps sending me nasty messages at night", "en-GB"),  # his role on the staff list
    ("Dafydd keeps sending me nasty messages. I told my line manager and he did nothing", "en-GB"),
    ("Mae fy rheolwr llinell yn anfon negeseuon cas ataf bob nos", "cy-GB"),
    ("Mae fy rheolwr yn anfon negeseuon cas ataf bob nos", "cy-GB"),
    ("Mae'r bos yn postio am fy ngwersi yn y sgwrs staff o hyd", "cy-GB"),
    ("Mae fy mos yn anfon negeseuon cas ataf bob nos", "cy-GB"),  # "bos" after "fy": a nasal mutation
    ("Mae fy mhennaeth adran yn postio pethau amdana i o hyd", "cy-GB"),
])
async def test_a_report_calling_the_line_manager_by_his_post_never_reaches_him(
        staffed: TestClient, connector: Connector, what: str, locale: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, who="", locale=locale)

    assert connector.cards(GARETH_CHAT)[1:] == [], "the report reached the line manager it describes"
    assert shows(connector.cards(SIAN_CHAT), what)
    assert "Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


@pytest.mark.parametrize(("field", "said"), [("since", "since my line manager moved into our office"),
                                             ("where", "in my boss's WhatsApp group"),
                                             ("who", "fy rheolwr llinell"),
                                             ("evidence", "screenshots; my HoD saw them too")])
async def test_every_typed_field_is_read_for_the_managers_post(staffed: TestClient, connector: Connector,
                                                               field: str, said: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    await send_report(staffed, connector, CARYS, **{field: said})

    assert connector.cards(GARETH_CHAT)[1:] == [], "something about the report reached Gareth"
    assert len(connector.cards(SIAN_CHAT)) == 2


# Gareth's line manager is the headteacher: a report calling her by her post goes to the chair of governors.
@pytest.mark.parametrize(("what", "locale"), [
    ("The head keeps posting about my teaching in the staff group chat", "en-GB"),
    ("The headteacher keeps posting about my teaching in the staff group chat", "en-GB"),
    ("The head teacher keeps posting about my teaching in the staff group chat", "en-GB"),
    ("The principal keeps posting about my teaching in the staff group chat", "en-GB"),
    ("The executive head keeps posting about my teaching in the staff group chat", "en-GB"),
    ("I've had enough of the head's comments about my teaching in the staff group chat", "en-GB"),
    ("Mae'r pennaeth yn postio am fy addysgu yn y sgwrs grŵp staff", "cy-GB"),
    ("Rwy'n cael negeseuon cas gan y brifathrawes am fy addysgu", "cy-GB"),  # "prifathrawes" after "y"
    ("Mae'r prifathro yn postio am fy addysgu yn y sgwrs grŵp staff", "cy-GB"),
    ("Anfonais y sgrinluniau at y pennaeth gweithredol a does dim wedi newid", "cy-GB"),
])
async def test_a_report_calling_the_head_by_her_post_goes_to_the_chair_never_to_her(
        staffed: TestClient, connector: Connector, what: str, locale: str) -> None:
    await say_hi(staffed, connector, GARETH, SIAN)

    receipt = await send_report(staffed, connector, GARETH, what=what, who="", locale=locale)

    assert connector.cards(SIAN_CHAT)[1:] == [], "the report reached the headteacher it describes"
    waiting = await TableOutbox(staffed.app[STORE]).list_for_recipient(Person(TENANT, CHAIR_ID))
    assert shows([m.card for m in waiting], what)
    assert "Mr Huw Davies" in json.dumps(receipt)


@pytest.mark.parametrize(("what", "locale"), [
    ("The head keeps sending me nasty messages at night", "en-GB"),
    ("Mae'r pennaeth yn anfon negeseuon cas ataf bob nos", "cy-GB"),
])
async def test_a_report_calling_the_head_by_her_post_never_reaches_her_when_passed_up(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str, what: str, locale: str) -> None:
    # Carys's line manager is Gareth: before, the report went to him, and the reminder task passed it up to the head.
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    receipt = await send_report(staffed, connector, what=what, who="", locale=locale)

    for days in (2, 4, 6):
        await concern_flow(staffed.app[STORE], CALENDAR.add_working_days(datetime.now(UTC), days)).check_reports()
    await staffed.app[SERVICES].deliverer.drain()

    sian = Person(TENANT, SIAN["aadObjectId"])
    assert not shows(connector.cards(SIAN_CHAT), what), "the report reached the headteacher it describes"
    assert not any(m.message_id.startswith(reference_in(receipt))
                   for m in await TableOutbox(staffed.app[STORE]).list_for_recipient(sian))
    [record] = await _records(azurite, table_prefix)
    assert SIAN["aadObjectId"] not in record["Chain"] and "Mr Huw Davies" in json.dumps(receipt)


@pytest.mark.parametrize(("what", "locale"), [
    ("The chair of governors keeps messaging me about my appearance", "en-GB"),
    ("Mae cadeirydd y llywodraethwyr yn anfon negeseuon cas ataf bob nos", "cy-GB"),
    ("Rwy wedi cael llond bol ar negeseuon gan gadeirydd y llywodraethwyr", "cy-GB"),  # "cadeirydd" after "gan"
])
async def test_the_heads_report_calling_the_chair_by_his_post_is_not_sent_to_him(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str, what: str, locale: str) -> None:
    await say_hi(staffed, connector, SIAN)

    answer = await send_report(staffed, connector, SIAN, what=what, who="", locale=locale)

    waiting = await TableOutbox(staffed.app[STORE]).list_for_recipient(Person(TENANT, CHAIR_ID))
    assert not shows([m.card for m in waiting], what), "the report reached the chair of governors it describes"
    assert await _records(azurite, table_prefix) == []
    assert "Your report has not been sent" in json.dumps(answer) or "Nid yw eich adroddiad" in json.dumps(
        answer, ensure_ascii=False)


async def test_a_report_calling_the_chair_by_his_post_is_never_passed_up_to_him(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    what = "The chair of governors keeps commenting on my photos"
    await send_report(staffed, connector, what=what, who="")

    for days in (2, 4, 6, 8):
        await concern_flow(staffed.app[STORE], CALENDAR.add_working_days(datetime.now(UTC), days)).check_reports()

    [record] = await _records(azurite, table_prefix)
    waiting = await TableOutbox(staffed.app[STORE]).list_for_recipient(Person(TENANT, CHAIR_ID))
    assert CHAIR_ID not in record["Chain"] and not shows([m.card for m in waiting], what)
    assert shows(connector.cards(GARETH_CHAT), what)  # it names neither the line manager nor the head


@pytest.mark.parametrize(("note", "locale"), [
    ("The head said she would deal with it, and it has got worse", "en-GB"),
    ("Dywedodd y pennaeth y byddai'n delio ag ef, ac mae pethau'n waeth", "cy-GB"),
])
async def test_a_not_resolved_note_calling_the_head_by_her_post_passes_her_over(
        staffed: TestClient, connector: Connector, note: str, locale: str) -> None:
    reference, _ = await _reported(staffed, connector)
    await click(staffed, connector, GARETH, "concern.close", {"ref": reference, "outcome": "Talked to Dafydd"})
    before = len(connector.cards(SIAN_CHAT))

    answer = await click(staffed, connector, CARYS, "concern.reopen", {"ref": reference, "note": note},
                         locale=locale)

    assert len(connector.cards(SIAN_CHAT)) == before, "the reporter's note reached the headteacher it describes"
    waiting = await TableOutbox(staffed.app[STORE]).list_for_recipient(Person(TENANT, CHAIR_ID))
    assert shows([m.card for m in waiting], note)
    assert "Mr Huw Davies" in json.dumps(answer)


# A title on the staff list that no list of posts holds is read too, as the office wrote it, Welsh mutations included.
@pytest.mark.parametrize(("title", "what", "locale"), [
    ("Director of Sixth Form", "The director of sixth form keeps sending me nasty messages", "en-GB"),
    ("SENCo", "The SENCo keeps posting about my lessons in the staff chat", "en-GB"),
    ("Cydlynydd ADY", "Rwy'n cael negeseuon cas gan gydlynydd ADY bob nos", "cy-GB"),
])
async def test_a_report_calling_the_line_manager_by_his_title_on_the_staff_list_never_reaches_him(
        staffed: TestClient, connector: Connector, title: str, what: str, locale: str) -> None:
    directory = TableStaffDirectory(staffed.app[STORE])
    await directory.replace_all([replace(m, role=title) if m.aad_object_id == GARETH["aadObjectId"] else m
                                 for m in await directory.list_members()])
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, who="", locale=locale)

    assert connector.cards(GARETH_CHAT)[1:] == [], "the report reached the line manager it calls by his title"
    assert shows(connector.cards(SIAN_CHAT), what)
    assert "Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


# The other side: words that only look like a post ("the head count", "over my head") describe nobody, and the report
# goes to the line manager as the policy says.
@pytest.mark.parametrize("what", ["Someone keeps mocking the head count I did for the trip in the staff chat",
                                  "Someone keeps posting that I am in over my head with my Year 9 class"])
async def test_words_that_only_look_like_a_post_still_go_to_the_line_manager(
        staffed: TestClient, connector: Connector, what: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, who="")

    assert shows(connector.cards(GARETH_CHAT), what), "the line manager it does not describe never got it"
    assert connector.cards(SIAN_CHAT)[1:] == []
    assert "Gareth Hughes" in json.dumps(receipt, ensure_ascii=False)


# Two members of staff with the same name: the form listed both as "Gareth Hughes", so a reporter meaning her line
# manager could pick his namesake, and the report went to him (the pick told the two apart by object id).
_NAMESAKE = "gareth.hughes2@llanidloes.example.cymru"


@pytest.mark.parametrize("locale", ["en-GB", "cy-GB"])
async def test_a_namesake_of_the_line_manager_is_told_apart_on_the_form_and_picking_him_never_reaches_him(
        staffed: TestClient, connector: Connector, locale: str) -> None:
    directory = TableStaffDirectory(staffed.app[STORE])
    await directory.replace_all([*await directory.list_members(), StaffMember(
        "Gareth Hughes", _NAMESAKE, "primary", "Year 5 Teacher", "", "a1000000-0000-4000-8000-0000000000f1")])
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url, locale=locale))
    form = _form(connector)
    listed = [title for title in _choices(form, "about") if title.startswith("Gareth Hughes")]

    receipt = await send_report(staffed, connector, about=_NAMESAKE, locale=locale, **verb_data(form, "concern.submit"))

    assert len(listed) == 2, f"two people of one name are listed alike: {listed}"
    assert connector.cards(GARETH_CHAT)[1:] == [], "a report about his namesake reached the line manager"
    assert shows(connector.cards(SIAN_CHAT), "nasty direct messages")
    said = json.dumps(receipt, ensure_ascii=False)
    assert ("I couldn't be sure your line manager isn't the colleague you picked" in said if locale == "en-GB" else
            "Allwn i ddim bod yn siŵr nad eich rheolwr llinell yw'r cydweithiwr a ddewisoch chi" in said)


# The staff list changing between the form and Send: the colleague picked is no longer on it under the address the form
# sent (the office corrected his address). Before, the pick was dropped without a word, and the report went to him.
@pytest.mark.parametrize(("locale", "notice"), [
    ("en-GB", "The staff list has changed since this form was opened"),
    ("cy-GB", "Mae'r rhestr staff wedi newid ers i'r ffurflen hon gael ei hagor"),
])
async def test_a_colleague_picked_before_the_staff_list_changed_is_never_dropped_and_the_form_asks_again(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str, notice: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    await staffed.post("/api/messages", json=message(CARYS, "report a concern", connector.url, locale=locale))
    form = _form(connector)
    picked = "gareth.hughes@llanidloes.example.cymru"  # as a form posted before cards listed colleagues by object id
    directory = TableStaffDirectory(staffed.app[STORE])
    moved = "g.hughes@llanidloes.example.cymru"
    await directory.replace_all([
        replace(m, email=moved) if m.aad_object_id == GARETH["aadObjectId"] else
        replace(m, line_manager_email=moved) if m.line_manager_email == picked else m
        for m in await directory.list_members()])

    again = await send_report(staffed, connector, about=picked, locale=locale, what="HE-KEEPS-MESSAGING-ME",
                              **verb_data(form, "concern.submit"))

    assert connector.cards(GARETH_CHAT)[1:] == [], "a report about the line manager reached him"
    assert await _records(azurite, table_prefix) == [], "sent without the colleague it is about"
    shown = json.dumps(again, ensure_ascii=False)
    assert notice in shown and "HE-KEEPS-MESSAGING-ME" in shown
    listed = _choices(again, "about")["Gareth Hughes"]
    assert listed == GARETH["aadObjectId"]
    receipt = await send_report(staffed, connector, about=listed, locale=locale, what="HE-KEEPS-MESSAGING-ME",
                                **verb_data(again, "concern.submit"))
    assert connector.cards(GARETH_CHAT)[1:] == [] and shows(connector.cards(SIAN_CHAT), "HE-KEEPS-MESSAGING-ME")
    assert "Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


async def _questions_kept(azurite: str, table_prefix: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table_prefix + "questions") as table:
        try:
            return [dict(row) async for row in table.list_entities()]
        except ResourceNotFoundError:
            return []


# Typed without the word "colleague", a report naming the colleague, or calling them by their post, was not a report:
# it was asked as a question, kept, and once marked not helpful shown on the headteacher's questions for review, to the
# headteacher it named.
@pytest.mark.parametrize(("said", "locale"), [
    ("Siân keeps sending me messages late at night about my appearance", "en-GB"),
    ("Mr Hughes has been sending me horrible messages", "en-GB"),
    ("The head keeps messaging me at night about my appearance", "en-GB"),
    ("Mae Siân yn anfon negeseuon cas ataf bob nos", "cy-GB"),
    ("Mae'r pennaeth yn fy mwlio yn y sgwrs staff", "cy-GB"),
])
async def test_being_targeted_by_someone_named_opens_the_form_and_is_never_kept_as_a_question(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str, said: str, locale: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    await staffed.post("/api/messages", json=message(CARYS, said, connector.url, locale=locale))
    form = _form(connector)

    assert verb_data(form, "concern.submit"), "the report was answered as a question"
    assert said in json.dumps(form, ensure_ascii=False), "the form does not start with what she typed"
    assert await _questions_kept(azurite, table_prefix) == [], "the report was kept as a question for review"
    assert connector.cards(SIAN_CHAT)[1:] == [] and connector.cards(GARETH_CHAT)[1:] == []


PUPIL = {"id": "29:pupil", "name": "Elis Pupil (Year 9)", "aadObjectId": "c3000000-0000-4000-8000-0000000000b1"}


@pytest.mark.parametrize(("said", "locale", "told"), [
    ("Siân keeps sending me messages late at night about my appearance", "en-GB", "If it can't wait"),
    ("Mae Siân yn anfon negeseuon cas ataf bob nos", "cy-GB", "Os na all aros")])
async def test_someone_not_on_the_staff_list_naming_a_colleague_is_told_at_once_and_sees_no_staff(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str, said: str, locale: str,
        told: str) -> None:
    """A pupil in Hwb saying a member of staff keeps messaging them got the form, listing every member of staff with
    their address in its data. They are told what Send would have told them, and the card names nobody."""
    await say_hi(staffed, connector, PUPIL)

    await staffed.post("/api/messages", json=message(PUPIL, said, connector.url, locale=locale))

    shown = json.dumps(connector.cards("a:personal-29:pupil")[-1], ensure_ascii=False)
    assert told in shown and ("staff list" in shown or "rhestr staff" in shown)
    assert "concern.submit" not in shown and "@" not in shown and "Gareth" not in shown
    assert await _records(azurite, table_prefix) == []


async def test_being_targeted_by_nobody_named_is_still_answered_from_the_policy(
        staffed: TestClient, connector: Connector) -> None:
    await say_hi(staffed, connector, CARYS)

    await staffed.post("/api/messages", json=message(CARYS, "Someone keeps sending me nasty messages at night",
                                                     connector.url))

    answer = json.dumps(_form(connector))
    assert "concern.submit" not in answer and "pestered" in answer and "concern.form" in answer


# Asked as a question ("…, what should I do?"), it gets the policy's words as before; marked not helpful, it is left off
# the questions for review of the headteacher or policy owner it names or calls by their post (others still see it).
@pytest.mark.parametrize(("said", "locale"), [
    ("Siân keeps sending me messages late at night about my appearance, what should I do?", "en-GB"),
    ("The head keeps messaging me at night about my appearance, what do I do?", "en-GB"),
    ("Mae Siân yn anfon negeseuon cas ataf bob nos, beth ddylwn i ei wneud?", "cy-GB"),
])
async def test_a_question_about_being_targeted_by_the_reviewer_is_left_off_her_questions_for_review(
        staffed: TestClient, connector: Connector, said: str, locale: str) -> None:
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    await staffed.post("/api/messages", json=message(CARYS, said, connector.url, locale=locale))
    await click(staffed, connector, CARYS, "ask.feedback",
                {**verb_data(_form(connector), "ask.feedback"), "value": "not_helpful"}, locale=locale)
    # Not covered by the policy, so on the list as it is asked.
    await staffed.post("/api/messages", json=message(CARYS, "Is Siân in school on Friday?", connector.url))

    await staffed.post("/api/messages", json=message(SIAN, "questions for review", connector.url))
    review = connector.cards(SIAN_CHAT)[-1]

    assert not shows([review], said), "a report about the headteacher reached her on her questions for review"
    assert shows([review], "Is Siân in school on Friday?"), "an ordinary question naming her is left off"


# A surname written in its Welsh (or English) form: "Mr Huws" for Mr Hughes, as Welsh speakers say and write it. Before,
# only the form on the staff list was read, and each of these reached the line manager it names.
@pytest.mark.parametrize(("manager", "what", "locale"), [
    ("Gareth Hughes", "Mae Mr Huws yn anfon negeseuon cas ataf bob nos", "cy-GB"),
    ("Dylan Evans", "Rwy'n cael negeseuon cas gan Mr Ifans bob nos", "cy-GB"),
    ("Elin Vaughan", "Mae Mrs Fychan yn postio pethau cas amdana i o hyd", "cy-GB"),
    ("Rhian Price", "Mae Mrs Prys yn anfon negeseuon cas ataf bob nos", "cy-GB"),
    ("Gareth Huws", "Mr Hughes keeps sending me nasty messages at night", "en-GB"),
    ("Dylan Davies", "Mr Davis keeps sending me nasty messages at night", "en-GB"),
])
async def test_a_surname_in_its_welsh_or_english_form_still_keeps_the_report_from_him(
        staffed: TestClient, connector: Connector, manager: str, what: str, locale: str) -> None:
    await _line_manager_named(staffed, manager)
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)

    receipt = await send_report(staffed, connector, what=what, who="", locale=locale)

    assert connector.cards(GARETH_CHAT)[1:] == [], "the report reached the line manager it names"
    assert shows(connector.cards(SIAN_CHAT), what)
    assert "Mrs Siân Roberts" in json.dumps(receipt, ensure_ascii=False)


async def test_the_card_in_teams_of_a_holder_her_note_names_is_replaced_by_one_saying_only_it_has_moved_on(
        staffed: TestClient, connector: Connector) -> None:
    """Gareth's card of Carys's report is in his Teams chat; what she adds names him, so it goes on to the head. His
    card is updated in place to say only that the report is no longer with him, and nothing new is posted to him: not
    her words, her note, who has it now, or why. Before, it still showed her report, waiting for him to acknowledge."""
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    what = "Dafydd keeps sending me nasty direct messages about my lessons"
    await send_report(staffed, connector, what=what)
    reference = reference_in(connector.cards(GARETH_CHAT)[-1])
    posted = len(connector.cards(GARETH_CHAT))
    note = "Gareth has started forwarding them round the department."

    await staffed.post("/api/messages", json=card_action(CARYS, "concern.add", {"ref": reference, "note": note},
                                                         connector.url))
    await staffed.app[SERVICES].deliverer.drain()

    assert len(connector.cards(GARETH_CHAT)) == posted and shows(connector.cards(SIAN_CHAT), note)
    [update] = [a for a in connector.updated if a.get("conversation", {}).get("id") == GARETH_CHAT]
    said = json.dumps(update, ensure_ascii=False)
    assert reference in said and "no longer with you" in said
    for secret in (what, note, "Carys", "Siân", "Roberts", "headteacher"):
        assert secret not in said


@pytest.mark.parametrize(("verb", "extra"), [
    ("concern.close", {"outcome": "Spoke to Dafydd; the messages have stopped.", "share_outcome": "false"}),
    ("concern.acknowledge", {})])
async def test_a_holders_press_that_meets_her_note_naming_him_is_not_made_and_shows_him_nothing(
        staffed: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch, verb: str,
        extra: dict[str, str]) -> None:
    """Gareth presses Close (or Acknowledge) on his card as Carys adds a note naming him; her write lands between his
    press's read and its write (an etag conflict), so the report has gone past him to the head. His press, made again on
    the report as it now is, changes nothing and shows him what a made-up reference would: not the report, nor her
    note. Before, the retry showed him the report (now one that may be about him) and who holds it now."""
    await say_hi(staffed, connector, CARYS, GARETH, SIAN)
    await send_report(staffed, connector, what="Dafydd keeps sending me nasty direct messages about my lessons")
    holder = connector.cards(GARETH_CHAT)[-1]
    reference = reference_in(holder)
    note = "Gareth has started forwarding them round the department."
    real_save, added = TableConcernReports.save, asyncio.Event()

    async def hers_first(reports: TableConcernReports, report: Any, action: str, actor: str, *, at: datetime) -> Any:
        if action != "added" and not added.is_set():
            await added.wait()  # his press read the report before her note was written
        saved = await real_save(reports, report, action, actor, at=at)
        if action == "added":
            added.set()
        return saved

    monkeypatch.setattr(TableConcernReports, "save", hers_first)
    his, hers = await asyncio.gather(
        staffed.post("/api/messages", json=card_action(GARETH, verb, {"ref": reference, **extra}, connector.url)),
        staffed.post("/api/messages", json=card_action(CARYS, "concern.add", {"ref": reference, "note": note},
                                                       connector.url)))
    await staffed.app[SERVICES].deliverer.drain()

    [report] = await TableConcernReports(staffed.app[STORE]).list_by_reporter(
        Person(TENANT, CARYS["aadObjectId"], CARYS["name"]))
    assert (his.status, hers.status) == (200, 200)
    assert (report.level, report.holder.aad_object_id, report.state.value) == (1, SIAN["aadObjectId"], "escalated")
    seen = (await his.json())["value"]
    assert seen == await click(staffed, connector, GARETH, verb, {"ref": "C-ZZZZZZ", **extra})
    assert not shows(connector.cards(GARETH_CHAT), note) and shows(connector.cards(SIAN_CHAT), note)
