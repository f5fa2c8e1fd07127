"""Ending an approval early, over Azurite: the headteacher (or her delegate) from Official accounts or the request's own
card, the member of staff who asked from her status card or My requests; each asks first, records the ending as a
decision is recorded, and tells the other side. Before, an approval stayed on Official accounts until its end date
(an ongoing one for ever) unless its record was edited by hand, and a leaver's accounts were listed with no mark."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE
from bot.domain.directory import read_staff_csv
from bot.storage.directory import TableStaffDirectory
from tests.http.test_permission_flow import (
    CARYS_CHAT,
    FFION_CHAT,
    REPO,
    SIAN_CHAT,
    _invoke,
    _meet,
    _rows,
    _submit,
    form,
)
from tests.support.activities import CARYS, FFION, OWAIN, SIAN, TENANT, message
from tests.support.cards import actions, verb_data
from tests.support.concerns import import_staff
from tests.support.connector import Connector
from tests.support.tables import every_row


async def _approved(client: TestClient, connector: Connector, **overrides: str) -> str:
    request_id = await _submit(client, connector, **overrides)
    await _invoke(client, SIAN, "permission.approve", {"id": request_id}, connector)
    await client.app[SERVICES].deliverer.drain()
    return request_id


async def _record(azurite: str, table_prefix: str, request_id: str) -> dict[str, Any]:
    [record] = [r for r in await _rows(azurite, table_prefix + "permissions")
                if r["PartitionKey"] == request_id and r["RowKey"] == "request"]
    return record


async def _trail(azurite: str, table_prefix: str, request_id: str) -> list[dict[str, Any]]:
    return [r for r in await _rows(azurite, table_prefix + "permissions")
            if r["PartitionKey"] == request_id and r["RowKey"].startswith("audit|")]


def _text(card: object) -> str:
    return json.dumps(card, ensure_ascii=False)


def _entry_of(card: dict[str, Any], request_id: str) -> str:
    """The register's entry for one request (its container), as text."""
    [entry] = [item for item in card["body"] if item.get("type") == "Container" and request_id in _text(item)]
    return _text(entry)


async def test_the_headteacher_ends_an_approval_from_official_accounts_and_the_member_of_staff_is_told_why(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN, FFION)
    status = await _invoke(client, CARYS, "permission.submit", form(), connector, reply_to_id="status-on-screen")
    await client.app[SERVICES].deliverer.drain()
    request_id = str(verb_data(status, "permission.withdraw")["id"])
    await _invoke(client, SIAN, "permission.approve", {"id": request_id}, connector)
    await client.app[SERVICES].deliverer.drain()
    delegate_card = next(a for a in connector.sent if a["conversation"]["id"] == FFION_CHAT and request_id in _text(a))
    register = await _invoke(client, SIAN, "permission.register", {}, connector)
    end = verb_data(register, "permission.end")
    # It asks first, below the button, with what ending means and a box for the reason.
    [ask] = [a for a in actions(register) if a["type"] == "Action.ShowCard" and request_id in a["title"]]
    assert "comes off Official accounts" in _text(ask["card"]) and f"reason_{request_id}" in _text(ask["card"])
    assert "no longer on the staff list" not in _text(register)  # no staff list imported: nobody has left

    after = await _invoke(client, SIAN, "permission.end",
                          {**end, f"reason_{request_id}": "The account was closed in July."}, connector)
    await client.app[SERVICES].deliverer.drain()

    assert end == {"id": request_id, "from": "register", "lang": "en"}
    assert f"{request_id}: Ended by Mrs Siân Roberts" in _text(after)
    assert "permission.end" not in _text(after) and "No approved accounts yet" in _text(after)
    told = _text(connector.cards(CARYS_CHAT)[-1])
    assert f"Permission for your request {request_id} was ended" in told and "The account was closed in July." in told
    assert "send a new request" in told
    updates = {a["id"]: _text(a) for a in connector.updated}
    assert "Ended by Mrs Siân Roberts" in updates["status-on-screen"]  # her status card, in place
    assert "permission.end" not in updates["status-on-screen"]
    assert "Ended by Mrs Siân Roberts" in updates[delegate_card["id"]]  # the delegate's copy, in place
    record = await _record(azurite, table_prefix, request_id)
    assert (record["State"], record["EndedBy"], record["EndedById"], record["EndReason"]) == (
        "ended", "Mrs Siân Roberts", SIAN["aadObjectId"], "The account was closed in July.")
    assert (record["DecidedBy"], record["DecidedById"]) == ("Mrs Siân Roberts", SIAN["aadObjectId"])  # the approval
    [ended] = [r for r in await _trail(azurite, table_prefix, request_id) if r["Action"] == "ended"]
    assert (ended["ActorId"], ended["Detail"]) == (SIAN["aadObjectId"], "The account was closed in July.")


async def test_the_member_of_staff_ends_her_own_approval_and_whoever_decides_it_is_told_in_their_language(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    await client.post("/api/messages", json=message(FFION, "shwmae", connector.url, locale="cy-GB"))
    request_id = await _approved(client, connector)
    decided_before = len(connector.cards(CARYS_CHAT))
    status = await _invoke(client, CARYS, "permission.open", {"id": request_id}, connector)
    [ask] = [a for a in actions(status) if a["type"] == "Action.ShowCard" and a["title"] == "End permission"]
    assert "ask again" in _text(ask["card"]) or "new request" in _text(ask["card"])

    after = await _invoke(client, CARYS, "permission.end", verb_data(status, "permission.end"), connector)
    await client.app[SERVICES].deliverer.drain()

    assert "Ended by Carys Jenkins" in _text(after) and "permission.end" not in _text(after)
    assert "send a new request" in _text(after)
    head_told, delegate_told = connector.cards(SIAN_CHAT)[-1], connector.cards(FFION_CHAT)[-1]
    assert f"Carys Jenkins ended permission {request_id}" in _text(head_told)
    assert f"Mae Carys Jenkins wedi terfynu caniatâd {request_id}" in _text(delegate_told)
    # She ended it herself: no message tells her what she has just done.
    assert "was ended" not in _text(connector.cards(CARYS_CHAT)[decided_before:])
    register = await _invoke(client, SIAN, "permission.register", {}, connector)
    assert request_id not in _text(register)
    [ended] = [r for r in await _trail(azurite, table_prefix, request_id) if r["Action"] == "ended"]
    assert ended["ActorId"] == CARYS["aadObjectId"]
    # To use the account again she asks again: the same request is no longer one approved already.
    again = await _invoke(client, CARYS, "permission.submit", form(), connector)
    assert "Waiting for Mrs Siân Roberts" in _text(again)


async def test_the_member_of_staff_ends_it_from_my_requests(client: TestClient, connector: Connector,
                                                            azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _approved(client, connector)
    mine = await _invoke(client, CARYS, "permission.mine", {}, connector)

    after = await _invoke(client, CARYS, "permission.end", verb_data(mine, "permission.end"), connector)

    assert verb_data(mine, "permission.end") == {"id": request_id, "from": "list", "lang": "en"}
    assert f"{request_id}: Ended by Carys Jenkins" in _text(after) and "Your requests" in _text(after)
    assert (await _record(azurite, table_prefix, request_id))["State"] == "ended"


async def test_the_headteacher_ends_it_from_its_full_card_in_welsh_and_her_first_card_follows(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _approved(client, connector)
    head_card = next(a for a in connector.sent if a["conversation"]["id"] == SIAN_CHAT and request_id in _text(a))
    opened = await _invoke(client, SIAN, "permission.open", {"id": request_id, "lang": "cy"}, connector)
    end = verb_data(opened, "permission.end")

    after = await _invoke(client, SIAN, "permission.end", {**end, "reason": "Mae'r prosiect wedi gorffen."},
                          connector)
    await client.app[SERVICES].deliverer.drain()

    assert end == {"id": request_id, "from": "open", "lang": "cy"}
    assert "Mae Mrs Siân Roberts wedi terfynu'r caniatâd" in _text(after)
    assert "Mae'r prosiect wedi gorffen." in _text(after) and "permission.end" not in _text(after)
    updates = {a["id"]: _text(a) for a in connector.updated}
    assert "Ended by Mrs Siân Roberts" in updates[head_card["id"]]  # the card the request came in, in her language
    assert (await _record(azurite, table_prefix, request_id))["EndReason"] == "Mae'r prosiect wedi gorffen."


async def test_a_double_press_ends_it_once(client: TestClient, connector: Connector, azurite: str,
                                           table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _approved(client, connector)
    data = {"id": request_id, "reason": "Closed."}

    first = await _invoke(client, SIAN, "permission.end", data, connector)
    second = await _invoke(client, SIAN, "permission.end", data, connector)
    await client.app[SERVICES].deliverer.drain()

    for answer in (first, second):
        assert "Ended by Mrs Siân Roberts" in _text(answer) and "permission.end" not in _text(answer)
    assert [r["Action"] for r in await _trail(azurite, table_prefix, request_id)].count("ended") == 1
    told = [c for c in connector.cards(CARYS_CHAT) if f"Permission for your request {request_id} was ended" in _text(c)]
    assert len(told) == 1


async def test_nobody_else_ends_it_and_nothing_not_in_force_is_ended(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        caplog: pytest.LogCaptureFixture) -> None:
    await _meet(client, connector, CARYS, SIAN, OWAIN)
    approved = await _approved(client, connector)
    waiting = await _submit(client, connector, platform="youtube")
    declined = await _submit(client, connector, platform="tiktok")
    await _invoke(client, SIAN, "permission.decline", {"id": declined, "reason": "Not for pupils."}, connector)
    withdrawn = await _submit(client, connector, platform="facebook")
    await _invoke(client, CARYS, "permission.withdraw", {"id": withdrawn}, connector)
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    run_out = await _approved(client, connector, platform="x", end=tomorrow, ongoing="")
    # Its last day was yesterday (the form takes no past dates, so the record is moved back).
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    async with TableClient.from_connection_string(azurite, table_prefix + "permissions") as table:
        await table.update_entity({"PartitionKey": run_out, "RowKey": "request", "Start": yesterday,
                                   "End": yesterday, "ApprovedFrom": yesterday}, mode=UpdateMode.MERGE)
    await client.app[SERVICES].deliverer.drain()
    before = await every_row(azurite, table_prefix)
    caplog.set_level("INFO", logger="bot.edge.teams")

    stranger = await _invoke(client, OWAIN, "permission.end", {"id": approved, "from": "register"}, connector)
    made_up = await _invoke(client, SIAN, "permission.end", {"id": "P-ZZZZZZ"}, connector)
    forged = await _invoke(client, SIAN, "permission.end", {"id": "P-' or 1 eq 1"}, connector)
    not_in_force = [await _invoke(client, person, "permission.end", {"id": request_id}, connector)
                    for person, request_id in ((SIAN, waiting), (CARYS, waiting), (SIAN, declined),
                                               (SIAN, withdrawn))]
    over = await _invoke(client, SIAN, "permission.end", {"id": run_out}, connector)
    await client.app[SERVICES].deliverer.drain()

    assert "Only the member of staff who asked, the headteacher of that school" in _text(stranger)
    assert "geography" not in _text(stranger)
    for response in (made_up, forged):
        assert "can't find that record" in _text(response)
    for response in not_in_force:
        assert "There is no permission in force for this request" in _text(response)
        assert "Nothing was changed" in _text(response) and "permission.end" not in _text(response)
    assert "has run out already" in _text(over) and "permission.end" not in _text(over)
    assert await every_row(azurite, table_prefix) == before
    outcomes = [getattr(r, "outcome", "") for r in caplog.records if r.getMessage() == "turn"]
    assert outcomes == ["invoke:permission.end:refused"] * 8


async def test_official_accounts_marks_an_account_whose_requester_has_left_the_staff_list(
        staffed: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    client = staffed
    await _meet(client, connector, CARYS, OWAIN, SIAN)
    carys_request = await _approved(client, connector)
    owain_status = await _invoke(client, OWAIN, "permission.submit", form(school="primary", moderator="Owain"),
                                 connector)
    owain_request = str(verb_data(owain_status, "permission.withdraw")["id"])
    await _invoke(client, SIAN, "permission.approve", {"id": owain_request}, connector)
    # Carys leaves: the office imports the list without her.
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"]).staff
    await TableStaffDirectory(client.app[STORE]).replace_all([m for m in staff if m.name != "Carys Jenkins"])
    reads = {"staff list": 0}
    real_list = TableStaffDirectory.list_members

    async def counted(directory: TableStaffDirectory) -> Any:
        reads["staff list"] += 1
        return await real_list(directory)

    monkeypatch.setattr(TableStaffDirectory, "list_members", counted)

    register = await _invoke(client, SIAN, "permission.register", {}, connector)
    welsh = await _invoke(client, SIAN, "permission.register", {"lang": "cy"}, connector)

    assert "Carys Jenkins is no longer on the staff list" in _entry_of(register, carys_request)
    assert "no longer on the staff list" not in _entry_of(register, owain_request)
    assert "Dydy Carys Jenkins ddim ar y rhestr staff bellach" in _entry_of(welsh, carys_request)
    assert verb_data(register, "permission.end")["id"] == carys_request  # so she can end it there
    assert reads == {"staff list": 2}  # once a card, however many accounts it lists
    await import_staff(client.app[STORE])  # she is back (the office's mistake)
    assert "no longer on the staff list" not in _text(await _invoke(client, SIAN, "permission.register", {},
                                                                    connector))


@pytest.mark.parametrize(("locale", "title", "told", "not_told"), [
    ("en-GB", "End permission", "whoever decides this request is told", "the headteacher is told"),
    ("cy-GB", "Terfynu'r caniatâd", "bydd pwy bynnag sy'n penderfynu ar y cais hwn yn cael gwybod",
     "bydd y pennaeth yn cael gwybod")])
async def test_a_headteachers_own_end_permission_does_not_say_the_headteacher_is_told(
        client: TestClient, connector: Connector, locale: str, title: str, told: str, not_told: str) -> None:
    """Siân, a headteacher, ends the approval her delegate gave her: the question End permission asks first said "the
    headteacher is told", though the delegate, who decides her requests, is the one told (or, where a school has no
    delegate, the other school's headteacher). It now says whoever decides the request is told."""
    await _meet(client, connector, SIAN, FFION)
    sent = await _invoke(client, SIAN, "permission.submit", form(moderator="Siân"), connector, locale=locale)
    request_id = str(verb_data(sent, "permission.withdraw")["id"])
    await client.app[SERVICES].deliverer.drain()
    await _invoke(client, FFION, "permission.approve", {"id": request_id}, connector)
    await client.app[SERVICES].deliverer.drain()

    status = await _invoke(client, SIAN, "permission.open", {"id": request_id}, connector, locale=locale)

    [ask] = [a for a in actions(status) if a["type"] == "Action.ShowCard" and a["title"] == title]
    assert told in _text(ask["card"]) and not_told not in _text(ask["card"])


@pytest.mark.parametrize(("verb", "data"), [("permission.end", {"reason": "The account was closed."}),
                                            ("permission.approve", {})])
async def test_a_press_on_a_copy_in_a_group_chat_still_updates_her_card_in_her_own_chat(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, verb: str,
        data: dict[str, str]) -> None:
    """The headteacher's card, forwarded to a group chat, pressed there (End, or Approve while it waits): the answer
    goes to her own chat as a new message, and the card the request came in, in her own chat, was left as it was
    (still offering End, or Approve and Decline), as if the press had replaced it. Now it is edited in place."""
    await _meet(client, connector, CARYS, SIAN)
    request_id = await (_approved(client, connector) if verb == "permission.end" else _submit(client, connector))
    head_card = next(a for a in connector.sent if a["conversation"]["id"] == SIAN_CHAT and request_id in _text(a))

    await _invoke(client, SIAN, verb, {"id": request_id, **data}, connector, conversation_type="groupChat")
    await client.app[SERVICES].deliverer.drain()

    state = "ended" if verb == "permission.end" else "approved"
    assert (await _record(azurite, table_prefix, request_id))["State"] == state
    updates = [_text(a) for a in connector.updated if a["id"] == head_card["id"]]
    assert updates and verb not in updates[-1]
    assert ("Ended by" if state == "ended" else "Approved by") + " Mrs Siân Roberts" in updates[-1]


@pytest.mark.parametrize(("ender", "locale", "approved", "ended"), [
    (SIAN, "en-GB", "Your request {id} was approved", "Permission for your request {id} was ended"),
    (CARYS, "cy-GB", "Cafodd eich cais {id} ei gymeradwyo", "Cafodd y caniatâd ar gyfer eich cais {id} ei derfynu")],
    ids=["by-the-headteacher", "by-herself-in-welsh"])
async def test_the_was_approved_message_is_edited_in_place_when_the_approval_ends(
        client: TestClient, connector: Connector, ender: dict[str, str], locale: str, approved: str,
        ended: str) -> None:
    """The message telling her the request was approved kept saying so once the approval was ended (by the head, or by
    herself): only her status card was edited. It is now edited in place, as her status card is, to say it was
    ended, by whom and when, in the language she reads."""
    await _meet(client, connector, SIAN)
    sent = await _invoke(client, CARYS, "permission.submit", form(), connector, locale=locale)
    request_id = str(verb_data(sent, "permission.withdraw")["id"])
    await _invoke(client, SIAN, "permission.approve", {"id": request_id}, connector)
    await client.app[SERVICES].deliverer.drain()
    [decision] = [a for a in connector.sent if a["conversation"]["id"] == CARYS_CHAT
                  and approved.format(id=request_id) in _text(a)]

    await _invoke(client, ender, "permission.end", {"id": request_id, "reason": "Closed."} if ender is SIAN
                  else {"id": request_id}, connector, locale=locale)
    await client.app[SERVICES].deliverer.drain()

    edits = [_text(a) for a in connector.updated if a["id"] == decision["id"]]
    assert edits, "the approval message was not edited"
    assert ended.format(id=request_id) in edits[-1] and approved.format(id=request_id) not in edits[-1]
    assert ("Ended by Mrs Siân Roberts" if ender is SIAN else "Mae Carys Jenkins wedi terfynu'r caniatâd") in edits[-1]


@pytest.mark.parametrize(("ender", "ender_chat", "other", "other_chat", "locale", "told"), [
    (FFION, FFION_CHAT, SIAN, SIAN_CHAT, "en-GB", "Mrs Ffion Morgan ended permission {id}"),
    (SIAN, SIAN_CHAT, FFION, FFION_CHAT, "cy-GB", "Mae Mrs Siân Roberts wedi terfynu caniatâd {id}")],
    ids=["the-delegate-ends-it", "the-head-ends-it-the-delegate-reads-welsh"])
async def test_when_a_decider_ends_an_approval_the_others_who_decide_it_are_told_and_she_is_not(
        client: TestClient, connector: Connector, ender: dict[str, str], ender_chat: str, other: dict[str, str],
        other_chat: str, locale: str, told: str) -> None:
    """Ended by the member of staff, every decider was told in a message of its own; ended by the head (or her
    delegate), the other who may decide it had only her old copy edited, which nobody notices. Now each other decider
    gets the short message too, in her language; whoever ended it is not told what she has just done."""
    await _meet(client, connector, CARYS, ender)
    await client.post("/api/messages", json=message(other, "hi", connector.url, locale=locale))
    await client.app[SERVICES].deliverer.drain()
    request_id = await _approved(client, connector)
    other_copy = next(a for a in connector.sent if a["conversation"]["id"] == other_chat and request_id in _text(a))
    register = await _invoke(client, ender, "permission.register", {}, connector)
    ender_had, other_had = len(connector.cards(ender_chat)), len(connector.cards(other_chat))

    await _invoke(client, ender, "permission.end", {**verb_data(register, "permission.end"),
                                                    f"reason_{request_id}": "The project finished."}, connector)
    await client.app[SERVICES].deliverer.drain()

    [message_to_other] = connector.cards(other_chat)[other_had:]
    assert told.format(id=request_id) in _text(message_to_other)
    assert "The project finished." in _text(message_to_other)
    assert "permission.end" not in _text(message_to_other)
    assert connector.cards(ender_chat)[ender_had:] == []  # the ender is not told what she has just done
    edits = [_text(a) for a in connector.updated if a["id"] == other_copy["id"]]
    assert edits and "permission.end" not in edits[-1]  # the other decider's copy, in place
    assert f"Permission for your request {request_id} was ended" in _text(connector.cards(CARYS_CHAT)[-1])


async def test_a_was_approved_message_whose_place_was_not_kept_is_left_and_nothing_is_posted_for_it(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """A message sent before the bot kept where decision messages are (an earlier release): the edit finds no place,
    posts nothing, and she has the card saying the head ended it, as before."""
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _approved(client, connector)
    [decision] = [a for a in connector.sent if a["conversation"]["id"] == CARYS_CHAT
                  and f"Your request {request_id} was approved" in _text(a)]
    async with TableClient.from_connection_string(azurite, table_prefix + "outbox") as table:
        await table.delete_entity(f"{TENANT}|{CARYS['aadObjectId']}", f"slot|{request_id}|decision")
    had = len(connector.cards(CARYS_CHAT))

    await _invoke(client, SIAN, "permission.end", {"id": request_id, "reason": "Closed."}, connector)
    await client.app[SERVICES].deliverer.drain()

    [told] = connector.cards(CARYS_CHAT)[had:]
    assert f"Permission for your request {request_id} was ended" in _text(told)
    assert [a for a in connector.updated if a["id"] == decision["id"]] == []
