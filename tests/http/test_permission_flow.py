"""Permission requests at HTTP level against Azurite: submit, deliver, decide, notify, and every refusal."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.core.exceptions import ServiceRequestError
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE, create_app
from bot.domain.errors import StorageUnavailable
from bot.domain.people import Person
from bot.domain.permission_requests import PermissionRequest
from bot.settings import Settings
from bot.storage.outbox import TableOutbox
from bot.storage.table_client import Table
from bot.storage.users import TableUserProfiles
from dialogs.permission_requests import PermissionFlow
from tests.support.activities import (
    CARYS,
    FFION,
    GUEST,
    OWAIN,
    SIAN,
    TENANT,
    as_a_member,
    card_action,
    installation_update,
    message,
)
from tests.support.cards import actions, press, verb_data
from tests.support.concerns import import_staff
from tests.support.connector import Connector
from tests.support.faults import fail_next_enqueue, second_press_during_first_write

REPO = Path(__file__).resolve().parents[2]
OTHER_TENANT = "99999999-0000-4000-8000-000000000000"
CARYS_CHAT, SIAN_CHAT, FFION_CHAT = "a:personal-29:carys", "a:personal-29:sian", "a:personal-29:ffion"


def form(**overrides: str) -> dict[str, str]:
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    values = {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
              "existing_account": "", "purpose": "Share Year 9 geography field trip highlights with parents.",
              "audience": "parents", "pupil_content": "work", "consent": "Only work, no names; parents opted in.",
              "moderator": "Carys Jenkins", "moderation": "daily", "start": tomorrow, "end": "", "ongoing": "true",
              "confirm": "true"}
    values.update(overrides)
    return values


async def _rows(azurite: str, table: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table) as client:
        return [dict(row) async for row in client.list_entities()]


async def _invoke(client: TestClient, user: dict[str, str], verb: str, data: dict[str, Any], connector: Connector,
                  **kwargs: Any) -> dict[str, Any]:
    """The card the person sees after the click (see `press`)."""
    return await press(client, connector, card_action(user, verb, data, connector.url, **kwargs))


async def _submit(client: TestClient, connector: Connector, **overrides: str) -> str:
    status = await _invoke(client, CARYS, "permission.submit", form(**overrides), connector)
    await client.app[SERVICES].deliverer.drain()
    return str(verb_data(status, "permission.withdraw")["id"])


async def _meet(client: TestClient, connector: Connector, *people: dict[str, str]) -> None:
    for person in people:
        await client.post("/api/messages", json=message(person, "hi", connector.url))
    await client.app[SERVICES].deliverer.drain()


async def test_submit_deliver_approve_notify(client: TestClient, connector: Connector, azurite: str,
                                             table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN, FFION)

    status = await _invoke(client, CARYS, "permission.submit", form(), connector, reply_to_id="form-on-screen")
    await client.app[SERVICES].deliverer.drain()
    request_id = verb_data(status, "permission.withdraw")["id"]
    head_card = connector.cards(SIAN_CHAT)[-1]
    delegate_card = next(a for a in connector.sent
                         if a["conversation"]["id"] == FFION_CHAT and "permission.approve" in json.dumps(a))
    decided = await _invoke(client, SIAN, "permission.approve", {**verb_data(head_card, "permission.approve"),
                                                                 "reason": "Lovely idea."}, connector)
    await client.app[SERVICES].deliverer.drain()

    assert "Waiting for Mrs Siân Roberts, headteacher of Llanidloes High School" in json.dumps(status,
                                                                                              ensure_ascii=False)
    assert "Approved by Mrs Siân Roberts" in json.dumps(decided, ensure_ascii=False)
    assert "permission.approve" not in json.dumps(decided)
    assert f"Your request {request_id} was approved" in json.dumps(connector.cards(CARYS_CHAT)[-1])
    updates = {a["id"]: json.dumps(a, ensure_ascii=False) for a in connector.updated}
    assert "Approved by Mrs Siân Roberts" in updates[delegate_card["id"]]  # the delegate's copy, in place
    assert "Approved by Mrs Siân Roberts" in updates["form-on-screen"]  # the requester's status card, in place
    assert "Lovely idea." in updates["form-on-screen"]
    audit = [r["Action"] for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] != "request"]
    assert sorted(audit) == ["approved", "sent to approver", "submitted"]


async def test_approve_on_the_heads_card_answers_and_edits_her_copy_and_the_other_copies_are_updated(
        client: TestClient, connector: Connector) -> None:
    await _meet(client, connector, CARYS, SIAN, FFION)
    request_id = await _submit(client, connector)
    head_card, delegate_card = (next(a for a in reversed(connector.sent) if a["conversation"]["id"] == chat)
                                for chat in (SIAN_CHAT, FFION_CHAT))

    # Teams names the clicked message in the invoke and puts the answer's card in its place.
    decided = await _invoke(client, SIAN, "permission.approve",
                            verb_data(head_card["attachments"][0]["content"], "permission.approve"), connector,
                            reply_to_id=head_card["id"])
    await client.app[SERVICES].deliverer.drain()

    assert "Approved by Mrs Siân Roberts" in json.dumps(decided, ensure_ascii=False)
    assert "permission.approve" not in json.dumps(decided)
    # Her other devices: the clicked message edited once, straight away, not queued again.
    [edited] = [a for a in connector.updated if a["conversation"]["id"] == SIAN_CHAT]
    assert edited["id"] == head_card["id"] and "Approved by Mrs Siân Roberts" in json.dumps(edited, ensure_ascii=False)
    assert "permission.approve" not in json.dumps(edited)
    assert [a for a in connector.sent if request_id in json.dumps(a) and a["conversation"]["id"] == SIAN_CHAT] == [
        head_card]  # nor posted anew
    updates = {a["id"]: json.dumps(a, ensure_ascii=False) for a in connector.updated}
    assert "Approved by Mrs Siân Roberts" in updates[delegate_card["id"]]  # the delegate's copy, in place
    slot = await TableOutbox(client.app[STORE]).get_slot(
        Person(TENANT, SIAN["aadObjectId"], SIAN["name"]), f"{request_id}|decide")
    assert slot.activity_id == head_card["id"]  # where the head's copy is, should it change again


async def test_the_heads_approve_is_answered_once_its_messages_are_queued_and_the_records_are_tidied_after(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The decision, its audit entry and its owed row are one write, and the requester's messages and the delegate's
    copy are queued before the answer (a later change's messages come after them). What only keeps the records tidy
    follows the answer, which does not wait for it: the request off the pending list, copies taken back from anyone
    who no longer decides it, and the owed row gone, which until then lets the catch-up pass finish the job."""
    from bot.storage.permission_requests import TablePermissionRequests
    await _meet(client, connector, CARYS, SIAN, FFION)
    request_id = await _submit(client, connector)
    head_card = connector.cards(SIAN_CHAT)[-1]
    real_queued, may_tidy = TablePermissionRequests.queued, asyncio.Event()

    async def queued_once_let(requests: TablePermissionRequests, *args: Any, **kwargs: Any) -> None:
        await may_tidy.wait()
        await real_queued(requests, *args, **kwargs)

    monkeypatch.setattr(TablePermissionRequests, "queued", queued_once_let)
    async with asyncio.timeout(5):  # a click waiting for the tidying would never be answered here
        response = await client.post("/api/messages", json=card_action(
            SIAN, "permission.approve", verb_data(head_card, "permission.approve"), connector.url))
        answered = (await response.json())["value"]
        while f"Your request {request_id} was approved" not in json.dumps(connector.cards(CARYS_CHAT)):
            connector.event.clear()
            await connector.event.wait()
    owed_meanwhile = [r["RowKey"] for r in await _rows(azurite, table_prefix + "permissions")
                      if r["RowKey"].startswith("owed|")]
    may_tidy.set()
    await client.app[SERVICES].deliverer.drain()

    assert "Approved by Mrs Siân Roberts" in json.dumps(answered, ensure_ascii=False)
    assert "Approved by Mrs Siân Roberts" in json.dumps(connector.cards(FFION_CHAT) + connector.updated,
                                                        ensure_ascii=False)
    assert owed_meanwhile == ["owed|approved"]
    assert [r["RowKey"] for r in await _rows(azurite, table_prefix + "permissions")
            if r["RowKey"].startswith("owed|")] == []
    assert [r["PartitionKey"] for r in await _rows(azurite, table_prefix + "permissionindex")] == [
        f"by-requester|{TENANT}|{CARYS['aadObjectId']}"]  # off the pending list


@pytest.mark.parametrize("verb", ["permission.approve", "permission.decline", "permission.open"])
async def test_the_request_a_click_names_is_read_while_the_clicker_s_profile_is(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch, verb: str) -> None:
    """One round trip fewer before the answer and the cards that follow it: the request is named by the click's data
    alone, so it is read side by side with the clicker's profile (identity still comes from the activity, and every
    check is made on the record as before)."""
    from bot.storage.permission_requests import TablePermissionRequests
    await _meet(client, connector, CARYS, SIAN, FFION)
    request_id = await _submit(client, connector)
    events: list[str] = []
    real_profile, real_request = TableUserProfiles.get_profile, TablePermissionRequests.get

    async def profile(profiles: TableUserProfiles, person: Person) -> Any:
        events.append("profile")
        found = await real_profile(profiles, person)
        events.append("profile read")
        return found

    async def request(requests: TablePermissionRequests, wanted: str) -> PermissionRequest:
        events.append("request")
        found = await real_request(requests, wanted)
        events.append("request read")
        return found

    monkeypatch.setattr(TableUserProfiles, "get_profile", profile)
    monkeypatch.setattr(TablePermissionRequests, "get", request)
    shown = await _invoke(client, SIAN, verb, {"id": request_id, "reason": "Not this term."}, connector)
    await client.app[SERVICES].deliverer.drain()

    assert request_id in json.dumps(shown)
    assert events.index("request") < events.index("profile read"), events


async def test_a_click_naming_another_tenant_s_request_or_none_reads_nothing_more_and_is_refused(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    """A click from someone the bot cannot identify starts no read of what its data names; a malformed id none."""
    from bot.storage.permission_requests import TablePermissionRequests
    await _meet(client, connector, CARYS, SIAN, FFION)
    request_id = await _submit(client, connector)
    reads: list[str] = []
    real_request = TablePermissionRequests.get

    async def request(requests: TablePermissionRequests, wanted: str) -> PermissionRequest:
        reads.append(wanted)
        return await real_request(requests, wanted)

    monkeypatch.setattr(TablePermissionRequests, "get", request)
    nobody = {**SIAN, "aadObjectId": ""}  # Teams named nobody the bot can tell apart
    refused = await _invoke(client, nobody, "permission.approve", {"id": request_id}, connector)
    malformed = await _invoke(client, SIAN, "permission.approve", {"id": "P-../../x"}, connector)

    assert reads == []
    assert "permission.approve" not in json.dumps(refused) + json.dumps(malformed)


async def test_decline_without_a_reason_is_refused_and_changes_nothing(client: TestClient, connector: Connector,
                                                                     azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _submit(client, connector)
    sent_to_carys = len(connector.cards(CARYS_CHAT))

    refused = await _invoke(client, SIAN, "permission.decline", {"id": request_id, "reason": "  "}, connector)
    await client.app[SERVICES].deliverer.drain()

    assert "Please give a reason" in json.dumps(refused)
    assert verb_data(refused, "permission.decline")["id"] == request_id  # still decidable
    rows = await _rows(azurite, table_prefix + "permissions")
    [record] = [r for r in rows if r["RowKey"] == "request"]
    assert record["State"] == "pending"
    assert sorted(r["Action"] for r in rows if r["RowKey"] != "request") == ["sent to approver", "submitted"]
    assert len(connector.cards(CARYS_CHAT)) == sent_to_carys


async def test_decline_with_a_reason_tells_the_requester(client: TestClient, connector: Connector, azurite: str,
                                                         table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _submit(client, connector)

    declined = await _invoke(client, SIAN, "permission.decline", {"id": request_id, "reason": "Use the school page."},
                             connector)
    await client.app[SERVICES].deliverer.drain()

    assert "Declined by" in json.dumps(declined)
    assert "Use the school page." in json.dumps(connector.cards(CARYS_CHAT)[-1])
    rows = await _rows(azurite, table_prefix + "permissions")
    [record] = [r for r in rows if r["RowKey"] == "request"]
    assert (record["State"], record["Reason"], record["DecidedBy"]) == ("declined", "Use the school page.",
                                                                        "Mrs Siân Roberts")
    [audit] = [r for r in rows if r["RowKey"] != "request" and r["Action"] == "declined"]
    assert (audit["ActorId"], audit["Detail"]) == (SIAN["aadObjectId"], "Use the school page.")


async def test_withdraw_then_a_click_changes_nothing(client: TestClient, connector: Connector, azurite: str,
                                                     table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _submit(client, connector)

    withdrawn = await _invoke(client, CARYS, "permission.withdraw", {"id": request_id}, connector)
    late = await _invoke(client, SIAN, "permission.approve", {"id": request_id}, connector)

    assert "Withdrawn by" in json.dumps(withdrawn)
    assert "Withdrawn by" in json.dumps(late) and "permission.approve" not in json.dumps(late)
    [record] = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert record["State"] == "withdrawn"


async def test_delivery_waits_until_the_headteacher_appears(client: TestClient, connector: Connector, azurite: str,
                                                            table_prefix: str) -> None:
    await _meet(client, connector, CARYS)

    status = await _invoke(client, CARYS, "permission.submit", form(), connector)
    await client.app[SERVICES].deliverer.drain()
    request_id = verb_data(status, "permission.withdraw")["id"]
    assert "hasn't opened this bot" in json.dumps(status)
    assert connector.cards(SIAN_CHAT) == []
    rows = await _rows(azurite, table_prefix + "permissions")
    assert [r["State"] for r in rows if r["RowKey"] == "request"] == ["pending"]
    [sent] = [r for r in rows if r["RowKey"] != "request" and r["Action"] == "sent to approver"]
    assert "no decider has opened the bot yet" in sent["Detail"]  # neither the head nor her delegate

    await _meet(client, connector, SIAN)

    delivered = connector.cards(SIAN_CHAT)[-1]
    assert f"Request {request_id}" in json.dumps(delivered)
    assert verb_data(delivered, "permission.approve")["id"] == request_id


async def test_a_request_to_a_headteacher_who_removed_the_app_says_it_waits_until_she_adds_it_again(
        client: TestClient, connector: Connector) -> None:
    """Siân removed the app: the request was shown as simply pending with her, and its card went to a chat the bot can
    no longer write to. It now says it waits, and reaches her when she adds the app again."""
    await _meet(client, connector, CARYS, SIAN)
    await client.post("/api/messages", json=installation_update(SIAN, connector.url, action="remove"))
    before = len(connector.cards(SIAN_CHAT))

    status = await _invoke(client, CARYS, "permission.submit", form(), connector)
    await client.app[SERVICES].deliverer.drain()

    assert "hasn't opened this bot" in json.dumps(status)
    assert connector.cards(SIAN_CHAT)[before:] == []
    await client.post("/api/messages", json=installation_update(SIAN, connector.url))
    await client.app[SERVICES].deliverer.drain()
    assert verb_data(connector.cards(SIAN_CHAT)[-1], "permission.approve")["id"] == verb_data(
        status, "permission.withdraw")["id"]


@pytest.mark.parametrize(("locale", "told"), [("en-GB", "Teams shows you as a guest"),
                                               ("cy-GB", "Yn ôl Teams, rydych chi'n westai")])
async def test_a_guest_in_the_school_tenant_cannot_send_the_headteacher_a_request(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str, told: str) -> None:
    """A guest from another organisation (the county's officer, say) sent a request, and the headteacher got Approve /
    Decline for it as for any member of staff. Now the guest is told, in her language, below the form she filled in,
    and nothing is stored or sent."""
    await _send_is_refused(client, connector, GUEST, "guest", locale=locale, told=told, azurite=azurite,
                           table_prefix=table_prefix)


async def _send_is_refused(client: TestClient, connector: Connector, person: dict[str, str], role: str, *,
                           locale: str, told: str, azurite: str, table_prefix: str) -> None:
    """`person` (a Teams member of `role`) sends the request form: told `told` below it, in their language, and
    nothing is stored, counted or sent to the headteacher."""
    connector.members[person["id"]] = as_a_member(person, role)
    await _meet(client, connector, SIAN, person)
    before = len(connector.cards(SIAN_CHAT))

    refused = await _invoke(client, person, "permission.submit", form(), connector, locale=locale)
    await client.app[SERVICES].deliverer.drain()

    assert told in json.dumps(refused, ensure_ascii=False) and "permission.withdraw" not in json.dumps(refused)
    assert connector.cards(SIAN_CHAT)[before:] == []
    for table in ("permissions", "permissionindex", "ratelimits"):
        assert await _rows(azurite, table_prefix + table) == [], table


async def test_a_guest_sending_the_request_form_as_an_old_style_submit_is_refused_like_a_click(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """The same Send arriving as a message with a value (the old-style submit the bot still answers) was never looked
    up, so the headteacher got Approve / Decline for a guest's request. Now Teams is asked, as for a click."""
    connector.members[GUEST["id"]] = as_a_member(GUEST, "guest")
    await _meet(client, connector, SIAN, GUEST)
    before = len(connector.cards(SIAN_CHAT)), len(connector.cards("a:personal-29:guest"))
    submit = message(GUEST, "", connector.url)
    submit["value"] = {"verb": "permission.submit", **form()}

    await client.post("/api/messages", json=submit)
    await client.app[SERVICES].deliverer.drain()

    assert connector.cards(SIAN_CHAT)[before[0]:] == []
    assert "Teams shows you as a guest" in json.dumps(connector.cards("a:personal-29:guest")[before[1]:])
    for table in ("permissions", "permissionindex", "ratelimits"):
        assert await _rows(azurite, table_prefix + table) == [], table


@pytest.mark.parametrize("teams_says", ["user", "nothing"])
async def test_staff_are_looked_up_only_when_they_send_and_a_failed_lookup_loses_no_request(
        client: TestClient, connector: Connector, teams_says: str) -> None:
    """A question is answered without asking Teams who the person is; at Send it is asked once, and when it cannot say
    (down, or no answer) the request goes to the headteacher all the same."""
    if teams_says == "user":
        connector.members[CARYS["id"]] = as_a_member(CARYS, "user")
    else:
        connector.members_down = True
    await _meet(client, connector, CARYS, SIAN)
    await client.post("/api/messages", json=message(CARYS, "Can I be friends with pupils on Facebook?", connector.url))
    asked = list(connector.member_lookups)

    status = await _invoke(client, CARYS, "permission.submit", form(), connector)
    await client.app[SERVICES].deliverer.drain()

    assert asked == [] and connector.member_lookups == [CARYS["id"]]
    assert "Waiting for Mrs Siân Roberts" in json.dumps(status, ensure_ascii=False)
    assert "permission.approve" in json.dumps(connector.cards(SIAN_CHAT)[-1])


async def test_only_the_schools_deciders_may_decide(client: TestClient, connector: Connector, azurite: str,
                                                    table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _submit(client, connector)

    stranger = await _invoke(client, OWAIN, "permission.approve", {"id": request_id}, connector)
    own = await _invoke(client, CARYS, "permission.approve", {"id": request_id}, connector)
    other_tenant = await client.post("/api/messages", json=card_action(
        SIAN, "permission.approve", {"id": request_id}, connector.url, tenant=OTHER_TENANT))
    made_up = await _invoke(client, SIAN, "permission.approve", {"id": "P-ZZZZZZ"}, connector)
    injected = await _invoke(client, SIAN, "permission.approve", {"id": "P-' or 1 eq 1"}, connector)

    assert "Only the headteacher of that school" in json.dumps(stranger)
    assert "Only the headteacher of that school" in json.dumps(own)
    for response in (stranger, own, made_up, injected):
        assert "geography" not in json.dumps(response) and "permission.approve" not in json.dumps(response)
    assert other_tenant.status == 200
    assert "only serves staff" in json.dumps(await other_tenant.json())
    assert "can't find that record" in json.dumps(made_up) and "can't find that record" in json.dumps(injected)
    rows = await _rows(azurite, table_prefix + "permissions")
    [record] = [r for r in rows if r["RowKey"] == "request"]
    assert record["State"] == "pending"
    assert sorted(r["Action"] for r in rows if r["RowKey"] != "request") == ["sent to approver", "submitted"]


async def test_a_headteacher_cannot_decide_their_own_request(client: TestClient, connector: Connector,
                                                             azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, SIAN, FFION)
    status = await _invoke(client, SIAN, "permission.submit", form(moderator="Siân"), connector)
    await client.app[SERVICES].deliverer.drain()
    request_id = verb_data(status, "permission.withdraw")["id"]

    own = await _invoke(client, SIAN, "permission.approve", {"id": request_id}, connector)
    own_list = await _invoke(client, SIAN, "permission.pending", {}, connector)

    assert "can't decide your own request" in json.dumps(own)
    assert request_id not in json.dumps(own_list)
    assert verb_data(connector.cards(FFION_CHAT)[-1], "permission.approve")["id"] == request_id  # the delegate
    assert not any(a.get("verb") == "permission.approve" for c in connector.cards(SIAN_CHAT) for a in actions(c))
    [record] = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert record["State"] == "pending"


async def test_twenty_concurrent_clicks_make_exactly_one_decision(client: TestClient, connector: Connector,
                                                                  azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN, FFION)
    request_id = await _submit(client, connector)
    clicks = [card_action(SIAN if n % 2 else FFION, "permission.approve" if n % 3 else "permission.decline",
                          {"id": request_id, "reason": f"click {n}"}, connector.url) for n in range(20)]

    responses = await asyncio.gather(*(client.post("/api/messages", json=c) for c in clicks))
    await client.app[SERVICES].deliverer.drain()

    assert [r.status for r in responses] == [200] * 20
    rows = await _rows(azurite, table_prefix + "permissions")
    decisions = [r for r in rows if r["RowKey"].startswith("audit|") and r["Action"] in ("approved", "declined")]
    [record] = [r for r in rows if r["RowKey"] == "request"]
    assert len(decisions) == 1
    assert record["State"] == decisions[0]["Action"]
    outcome = f"{record['State'].capitalize()} by {record['DecidedBy']}"
    for response in responses:  # every clicker sees the one decision, who made it, and no buttons
        shown = json.dumps((await response.json())["value"], ensure_ascii=False)
        assert outcome in shown and "permission.approve" not in shown
    assert [json.dumps(c) for c in connector.cards(CARYS_CHAT)].count(
        next(json.dumps(c) for c in connector.cards(CARYS_CHAT) if "Your request" in json.dumps(c))) == 1


async def test_approve_tapped_on_laptop_and_phone_while_storage_answers_the_laptop_late_never_goes_wrong(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await _meet(client, connector, CARYS, SIAN, FFION)
    request_id = await _submit(client, connector)
    # Storage answers the laptop's read of Siân's profile half a second late; her phone's tap (Teams in Welsh, so its
    # turn saves her profile) is read and answered meanwhile.
    real_read, late = TableUserProfiles._read, {"left": 1}

    async def read(profiles: TableUserProfiles, person: Person) -> Any:
        row = await real_read(profiles, person)
        if late["left"]:
            late["left"] -= 1
            await asyncio.sleep(0.5)
        return row

    monkeypatch.setattr(TableUserProfiles, "_read", read)
    laptop = asyncio.create_task(client.post("/api/messages", json=card_action(
        SIAN, "permission.approve", {"id": request_id}, connector.url, locale="en-GB")))
    await asyncio.sleep(0.1)
    phone = await client.post("/api/messages", json=card_action(
        SIAN, "permission.approve", {"id": request_id}, connector.url, locale="cy-GB"))
    answers = [json.dumps((await r.json())["value"], ensure_ascii=False) for r in (await laptop, phone)]
    await client.app[SERVICES].deliverer.drain()

    assert not [a for a in answers if "Something went wrong" in a or "Aeth rhywbeth o'i le" in a], answers
    [record] = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert record["State"] == "approved"


async def test_invalid_form_stores_nothing_and_explains_in_welsh(client: TestClient, connector: Connector,
                                                                 azurite: str, table_prefix: str) -> None:
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    bad = form(school="atlantis", platform="other", purpose="", start=yesterday, ongoing="false", confirm="false",
               pupil_content="photos", consent="")

    shown = await _invoke(client, CARYS, "permission.submit", bad, connector, locale="cy-GB")

    text = json.dumps(shown, ensure_ascii=False)
    for welsh in ("Dewiswch un o ysgolion y ffederasiwn.", "Dywedwch pa blatfform.", "yn y gorffennol",
                  "Rhowch ddyddiad gorffen", "Cadarnhewch", "sut y byddwch chi'n cael cydsyniad"):
        assert welsh in text
    assert await _rows(azurite, table_prefix + "permissions") == []


async def test_typed_text_is_inert_on_the_headteachers_card(client: TestClient, connector: Connector) -> None:
    await _meet(client, connector, CARYS, SIAN)
    nasty = "[Approve here](https://evil.example) <at>Siân Roberts</at> <b>urgent</b>"

    await _submit(client, connector, purpose=nasty)

    head_card = connector.cards(SIAN_CHAT)[-1]
    runs = [b for b in head_card["body"] if b.get("type") == "RichTextBlock"]
    assert any(run["text"] == nasty for block in runs for run in block["inlines"])
    text_blocks = [b["text"] for b in head_card["body"] if b.get("type") == "TextBlock"]
    assert not any("evil.example" in t for t in text_blocks)


async def test_lists_for_staff_and_headteacher(client: TestClient, connector: Connector) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _submit(client, connector)

    await client.post("/api/messages", json=message(CARYS, "my requests", connector.url))
    mine = connector.cards(CARYS_CHAT)[-1]
    await client.post("/api/messages", json=message(SIAN, "pending requests", connector.url))
    pending = connector.cards(SIAN_CHAT)[-1]
    await client.post("/api/messages", json=message(OWAIN, "pending requests", connector.url))
    not_head = connector.cards("a:personal-29:owain")[-1]

    assert request_id in json.dumps(mine) and verb_data(mine, "permission.withdraw")["id"] == request_id
    assert verb_data(pending, "permission.open")["id"] == request_id
    assert "Only headteachers" in json.dumps(not_head)


async def test_typed_request_opens_the_form_but_a_question_is_answered(client: TestClient,
                                                                       connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "I need permission for a class Instagram", connector.url))
    await client.post("/api/messages", json=message(CARYS, "Do I need permission to start a class blog?",
                                                    connector.url))

    first, second = connector.cards(CARYS_CHAT)[-2:]
    assert first["body"][0]["text"] == "Ask the headteacher's permission"
    assert second["body"][0]["text"] != "Ask the headteacher's permission"


async def test_welsh_form_by_typing_and_welsh_errors_keep_the_values(client: TestClient, connector: Connector,
                                                                     azurite: str, table_prefix: str) -> None:
    await client.post("/api/messages", json=message(CARYS, "gofyn caniatâd", connector.url, locale="cy-GB"))
    shown = await _invoke(client, CARYS, "permission.submit", form(purpose="Lluniau'r eisteddfod", moderator=""),
                          connector, locale="cy-GB")

    typed_form = json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)
    for welsh in ("Gofyn caniatâd y pennaeth", "Pa ysgol", "Anfon at y pennaeth"):
        assert welsh in typed_form
    redisplayed = json.dumps(shown, ensure_ascii=False)
    assert "Dywedwch pwy sy'n ei gymedroli." in redisplayed and "does dim wedi'i anfon eto" in redisplayed
    [purpose] = [b for b in shown["body"] if b.get("id") == "purpose"]
    assert purpose["value"] == "Lluniau'r eisteddfod"
    assert await _rows(azurite, table_prefix + "permissions") == []
    assert await _rows(azurite, table_prefix + "permissionindex") == []


async def test_the_headteacher_decides_from_the_pending_list(client: TestClient, connector: Connector,
                                                             azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    first = await _submit(client, connector)
    second = await _submit(client, connector, platform="youtube")
    listed = await _invoke(client, SIAN, "permission.pending", {}, connector)
    approve_first = verb_data(listed, "permission.approve")
    assert approve_first["id"] == first

    refused = await _invoke(client, SIAN, "permission.decline", {"id": second, "from": "list"}, connector)
    after = await _invoke(client, SIAN, "permission.approve", {**approve_first, f"reason_{first}": "Go ahead"},
                          connector)
    await client.app[SERVICES].deliverer.drain()

    assert "Please give a reason" in json.dumps(refused)
    assert f"{first}: Approved by Mrs Siân Roberts" in json.dumps(after, ensure_ascii=False)
    assert verb_data(after, "permission.approve")["id"] == second  # the list, now without the decided one
    first_card = next(a for a in connector.sent if a["conversation"]["id"] == SIAN_CHAT and first in json.dumps(a))
    updates = {a["id"]: json.dumps(a, ensure_ascii=False) for a in connector.updated}
    assert "Approved by Mrs Siân Roberts" in updates[first_card["id"]]  # the card the request came in, in place
    records = {r["PartitionKey"]: r for r in await _rows(azurite, table_prefix + "permissions")
               if r["RowKey"] == "request"}
    assert (records[first]["State"], records[first]["Comment"], records[second]["State"]) == (
        "approved", "Go ahead", "pending")


async def test_the_register_lists_approved_accounts_for_headteachers_only(client: TestClient,
                                                                           connector: Connector) -> None:
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _submit(client, connector, account_kind="existing", existing_account="@LlanidloesHigh")
    await _invoke(client, SIAN, "permission.approve", {"id": request_id}, connector)

    register = await _invoke(client, SIAN, "permission.register", {}, connector)
    refused = await _invoke(client, CARYS, "permission.register", {}, connector)

    assert request_id in json.dumps(register) and "@LlanidloesHigh" in json.dumps(register)
    assert request_id not in json.dumps(refused) and "Only headteachers" in json.dumps(refused)


async def test_withdraw_from_my_requests_updates_the_status_card_and_the_headteachers_card(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    await _meet(client, connector, CARYS, SIAN)
    status = await _invoke(client, CARYS, "permission.submit", form(), connector, reply_to_id="status-on-screen")
    await client.app[SERVICES].deliverer.drain()
    request_id = verb_data(status, "permission.withdraw")["id"]
    head_card = next(a for a in connector.sent if a["conversation"]["id"] == SIAN_CHAT and request_id in json.dumps(a))
    mine = await _invoke(client, CARYS, "permission.mine", {}, connector)

    after = await _invoke(client, CARYS, "permission.withdraw", verb_data(mine, "permission.withdraw"), connector)
    await client.app[SERVICES].deliverer.drain()

    assert f"{request_id}: Withdrawn by Carys Jenkins" in json.dumps(after)
    assert "permission.withdraw" not in json.dumps(after)
    updates = {a["id"]: json.dumps(a) for a in connector.updated}
    assert "Withdrawn by" in updates["status-on-screen"] and "Withdrawn by" in updates[head_card["id"]]
    assert "permission.approve" not in updates[head_card["id"]]
    audit = [r["Action"] for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] != "request"]
    assert sorted(audit) == ["sent to approver", "submitted", "withdrawn"]


async def test_a_request_is_invisible_from_another_federation_tenant(aiohttp_client: Any, settings: Settings,
                                                                     connector: Connector, azurite: str,
                                                                     table_prefix: str, tmp_path: Path) -> None:
    config = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
    config["tenant_ids"].append(OTHER_TENANT)  # a federation spanning two tenants, with the same object ids
    (tmp_path / "federation.json").write_text(json.dumps(config), encoding="utf-8")
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(
        update={"federation_config": tmp_path / "federation.json"})))
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _submit(client, connector)

    clicks = [await press(client, connector, card_action(
        SIAN, verb, {"id": request_id, "reason": "x"}, connector.url, tenant=OTHER_TENANT))
        for verb in ("permission.approve", "permission.decline", "permission.open")]
    withdraw = await press(client, connector, card_action(
        CARYS, "permission.withdraw", {"id": request_id}, connector.url, tenant=OTHER_TENANT))

    for card in (*clicks, withdraw):
        shown = json.dumps(card)
        assert "can't find that record" in shown and "geography" not in shown
    rows = await _rows(azurite, table_prefix + "permissions")
    assert [r["State"] for r in rows if r["RowKey"] == "request"] == ["pending"]
    assert sorted(r["Action"] for r in rows if r["RowKey"] != "request") == ["sent to approver", "submitted"]


async def _app_catching_up_fast(aiohttp_client: Any, settings: Settings) -> TestClient:
    """The app with its catch-up pass every 0.2 s (60 s by default)."""
    fast = settings.model_copy(update={"catch_up_interval_seconds": 0.2})
    client: TestClient = await aiohttp_client(create_app(fast))
    return client

def _record_settled_notices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each attempt to queue a decision's messages ended ("queued" or "failed"), whoever made it."""
    attempts: list[str] = []
    real = PermissionFlow._notify_settled

    async def recording(flow: PermissionFlow, request: PermissionRequest, **kwargs: Any) -> None:
        try:
            await real(flow, request, **kwargs)
        except StorageUnavailable:
            attempts.append("failed")
            raise
        attempts.append("queued")

    monkeypatch.setattr(PermissionFlow, "_notify_settled", recording)
    return attempts


async def test_a_decision_whose_messages_could_not_be_queued_is_caught_up_once(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = _record_settled_notices(monkeypatch)
    client = await _app_catching_up_fast(aiohttp_client, settings)
    await _meet(client, connector, CARYS, SIAN)
    request_id = await _submit(client, connector)
    before = len(connector.cards(CARYS_CHAT))
    # Storage failing between the decision's write and its messages'
    fail_next_enqueue(monkeypatch, about=f"{request_id}|status-approved")
    decided = await _invoke(client, SIAN, "permission.approve", {"id": request_id}, connector)
    await connector.wait_for_cards(CARYS_CHAT, before + 1)
    await asyncio.sleep(0.6)  # several more catch-up passes: nothing is sent twice
    await client.app[SERVICES].deliverer.drain()

    assert "Approved by Mrs Siân Roberts" in json.dumps(decided, ensure_ascii=False)
    # The click's attempt failed and left the messages owed; a catch-up pass queued them, once.
    assert attempts == ["failed", "queued"]
    told = [json.dumps(c) for c in connector.cards(CARYS_CHAT)[before:]]
    assert sum(f"Your request {request_id} was approved" in c for c in told) == 1
    assert [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"].startswith("owed|")] == []


async def test_a_request_whose_card_to_the_head_could_not_be_queued_reaches_them_once(
        aiohttp_client: Any, settings: Settings, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    client = await _app_catching_up_fast(aiohttp_client, settings)
    await _meet(client, connector, CARYS, SIAN)
    fail_next_enqueue(monkeypatch, about="|pending|to-")  # the head's card, not a background write
    before = len(connector.cards(SIAN_CHAT))
    status = await _invoke(client, CARYS, "permission.submit", form(), connector)
    request_id = verb_data(status, "permission.withdraw")["id"]
    await connector.wait_for_cards(SIAN_CHAT, before + 1)
    await asyncio.sleep(0.6)
    await client.app[SERVICES].deliverer.drain()

    to_head = [c for c in connector.cards(SIAN_CHAT)[before:] if request_id in json.dumps(c)]
    assert len(to_head) == 1 and "permission.approve" in json.dumps(to_head[0])


async def test_the_catch_up_pass_leaves_a_decision_its_own_turn_is_still_tidying_to_that_turn(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The catch-up pass (every minute) is for what a fault left owed. A decision's owed row lives from its save until
    its turn's tidying after the answer; a pass meeting it then queued the same messages again beside the turn (and
    read and wrote a dozen rows more while the head's clicks were being answered: the slowest approvals of the bench
    came while it ran). Now it leaves the row to the turn, which removes it; a row whose turn is over (a fault) is
    caught up as before (`test_a_decision_whose_messages_could_not_be_queued_is_caught_up_once`)."""
    from bot.storage.permission_requests import TablePermissionRequests
    await _meet(client, connector, CARYS, SIAN, FFION)
    request_id = await _submit(client, connector)
    head_card = connector.cards(SIAN_CHAT)[-1]
    flow = next(f for f in client.app[SERVICES].router._flows if isinstance(f, PermissionFlow))
    real_queued, real_enqueue, may_tidy = TablePermissionRequests.queued, TableOutbox.enqueue, asyncio.Event()
    queued_by_the_pass: list[str] = []

    async def queued_once_let(requests: TablePermissionRequests, *args: Any, **kwargs: Any) -> None:
        if not catching_up.is_set():  # the turn's tidying waits; the pass's own is not held
            await may_tidy.wait()
        await real_queued(requests, *args, **kwargs)

    async def enqueue(outbox: TableOutbox, messages: Any) -> Any:
        if catching_up.is_set():
            queued_by_the_pass.extend(m.message_id for m in messages)
        return await real_enqueue(outbox, messages)

    catching_up = asyncio.Event()
    monkeypatch.setattr(TablePermissionRequests, "queued", queued_once_let)
    monkeypatch.setattr(TableOutbox, "enqueue", enqueue)
    response = await client.post("/api/messages", json=card_action(
        SIAN, "permission.approve", verb_data(head_card, "permission.approve"), connector.url))
    assert "Approved by" in json.dumps((await response.json())["value"], ensure_ascii=False)
    catching_up.set()
    caught_up = await flow.catch_up()  # the pass, while the turn still tidies
    catching_up.clear()
    may_tidy.set()
    await client.app[SERVICES].deliverer.drain()

    assert (caught_up, queued_by_the_pass) == (0, [])
    assert [r["RowKey"] for r in await _rows(azurite, table_prefix + "permissions")
            if r["RowKey"].startswith("owed|")] == []  # the turn removed it
    assert [json.dumps(c) for c in connector.cards(CARYS_CHAT)].count(
        next(json.dumps(c) for c in connector.cards(CARYS_CHAT) if f"Your request {request_id}" in json.dumps(c))) == 1


async def test_the_catch_up_pass_leaves_a_request_its_own_turn_is_still_sending_to_that_turn(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A new request's owed row lives from its save until its turn has queued the head's card and written "sent to
    approver": a pass meeting it then queued the card again and wrote that audit entry a second time."""
    from bot.storage.permission_requests import TablePermissionRequests
    await _meet(client, connector, CARYS, SIAN, FFION)
    flow = next(f for f in client.app[SERVICES].router._flows if isinstance(f, PermissionFlow))
    real_queued, turn_queueing = TablePermissionRequests.queued, asyncio.Event()
    caught_up: list[int] = []

    async def queued_after_a_pass(requests: TablePermissionRequests, *args: Any, **kwargs: Any) -> None:
        if not turn_queueing.is_set():  # the turn's own: a pass runs first
            turn_queueing.set()
            caught_up.append(await flow.catch_up())
        await real_queued(requests, *args, **kwargs)

    monkeypatch.setattr(TablePermissionRequests, "queued", queued_after_a_pass)
    request_id = await _submit(client, connector)

    audit = [r["Action"] for r in await _rows(azurite, table_prefix + "permissions")
             if r["PartitionKey"] == request_id and r["RowKey"].startswith("audit|")]
    assert caught_up == [0]
    assert sorted(audit) == ["sent to approver", "submitted"]
    assert len([c for c in connector.cards(SIAN_CHAT) if request_id in json.dumps(c)]) == 1


def _list_rows_fail(monkeypatch: pytest.MonkeyPatch, *, times: int) -> None:
    """The next `times` writes of a request's list rows (the `permissionindex` table) fail as a connection reset."""
    real_upsert = Table.upsert_entity
    left = {"times": times}

    async def upsert(table: Table, entity: Any, *args: Any, **kwargs: Any) -> Any:
        if table.table_name.endswith("permissionindex") and left["times"]:
            left["times"] -= 1
            raise ServiceRequestError("injected: connection reset")
        return await real_upsert(table, entity, *args, **kwargs)

    monkeypatch.setattr(Table, "upsert_entity", upsert)


async def test_a_request_is_never_stored_off_the_lists_when_its_list_rows_cannot_be_written(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await _meet(client, connector, CARYS, SIAN)
    await client.post("/api/messages", json=message(CARYS, "request permission", connector.url))
    sent_form = {**form(), "form": verb_data(connector.cards(CARYS_CHAT)[-1], "permission.submit")["form"]}
    heads_cards_before = len(connector.cards(SIAN_CHAT))
    _list_rows_fail(monkeypatch, times=2)  # storage blinks for both list rows of the first press

    failed = await _invoke(client, CARYS, "permission.submit", sent_form, connector)
    stored_after_failure = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    heads_cards_after_failure = len(connector.cards(SIAN_CHAT))
    status = await _invoke(client, CARYS, "permission.submit", sent_form, connector)  # Send, again
    request_id = verb_data(status, "permission.withdraw")["id"]
    await client.post("/api/messages", json=message(SIAN, "pending requests", connector.url))
    await client.post("/api/messages", json=message(CARYS, "my requests", connector.url))

    assert "can't tell whether your request was saved" in json.dumps(failed) and stored_after_failure == []
    assert heads_cards_after_failure == heads_cards_before  # nothing was sent for a request not stored
    assert verb_data(connector.cards(SIAN_CHAT)[-1], "permission.open")["id"] == request_id
    assert verb_data(connector.cards(CARYS_CHAT)[-1], "permission.withdraw")["id"] == request_id
    assert sum(request_id in json.dumps(c) and "permission.approve" in json.dumps(c)
               for c in connector.cards(SIAN_CHAT)) == 2  # her card for it, and the pending list


async def test_a_request_left_off_the_lists_by_an_earlier_fault_is_listed_again_once_the_bot_starts(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str) -> None:
    running = await aiohttp_client(create_app(settings))
    await _meet(running, connector, CARYS, SIAN)
    request_id = await _submit(running, connector)
    async with TableClient.from_connection_string(azurite, table_prefix + "permissionindex") as index:
        # Both list rows lost, as a fault could lose them before rows were written ahead of the record.
        await index.delete_entity(f"by-requester|{TENANT}|{CARYS['aadObjectId']}", request_id)
        await index.delete_entity("pending|high", request_id)

    restarted = await aiohttp_client(create_app(settings))  # its first catch-up pass runs as it starts
    for _ in range(100):
        if len(await _rows(azurite, table_prefix + "permissionindex")) == 2:
            break
        await asyncio.sleep(0.1)
    await restarted.post("/api/messages", json=message(SIAN, "pending requests", connector.url))
    await restarted.post("/api/messages", json=message(CARYS, "my requests", connector.url))

    assert verb_data(connector.cards(SIAN_CHAT)[-1], "permission.open")["id"] == request_id
    assert verb_data(connector.cards(CARYS_CHAT)[-1], "permission.withdraw")["id"] == request_id


async def test_a_headteacher_whose_teams_is_in_welsh_gets_the_request_in_welsh_and_the_requester_the_decision(
        client: TestClient, connector: Connector) -> None:
    """Neither pressed Cymraeg: each one's Teams is in Welsh, and each card reaches them because of the other."""
    for person in (CARYS, SIAN):
        await client.post("/api/messages", json=message(person, "shwmae", connector.url, locale="cy-GB"))
    await client.app[SERVICES].deliverer.drain()

    status = await _invoke(client, CARYS, "permission.submit", form(), connector, locale="cy-GB")
    await client.app[SERVICES].deliverer.drain()
    to_head = connector.cards(SIAN_CHAT)[-1]
    await _invoke(client, SIAN, "permission.approve", verb_data(to_head, "permission.approve"), connector,
                  locale="cy-GB")
    await client.app[SERVICES].deliverer.drain()

    request_id = verb_data(status, "permission.withdraw")["id"]
    [approve, decline] = [a["title"] for a in actions(to_head) if a.get("verb") in ("permission.approve",
                                                                                    "permission.decline")]
    assert "Mae Carys Jenkins yn gofyn am gael dechrau cyfrif Instagram" in json.dumps(to_head, ensure_ascii=False)
    assert (approve, decline) == ("Cymeradwyo", "Gwrthod")
    told = json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)
    assert f"Cafodd eich cais {request_id} ei gymeradwyo" in told and "was approved" not in told


async def test_a_request_written_in_welsh_from_an_english_teams_is_answered_in_welsh_after_an_english_head_decides(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Both Teams in English; Carys asks, and fills the form in, in Welsh. Siân reads her card in English; Carys's
    decision comes in Welsh, from the language kept with the request in Table storage. Before, it came in English."""
    await _meet(client, connector, CARYS, SIAN)
    await client.post("/api/messages", json=message(CARYS, "Dw i angen caniatâd ar gyfer Instagram y dosbarth",
                                                    connector.url))
    welsh_form = connector.cards(CARYS_CHAT)[-1]
    status = await _invoke(client, CARYS, "permission.submit", {**form(), **verb_data(welsh_form, "permission.submit")},
                           connector)
    await client.app[SERVICES].deliverer.drain()
    to_head = connector.cards(SIAN_CHAT)[-1]
    await _invoke(client, SIAN, "permission.decline", {**verb_data(to_head, "permission.decline"),
                                                       "reason": "Please use the school's own page."}, connector)
    await client.app[SERVICES].deliverer.drain()

    request_id = verb_data(status, "permission.withdraw")["id"]
    assert "Carys Jenkins asks to start a new Instagram account" in json.dumps(to_head, ensure_ascii=False)
    told = json.dumps(connector.cards(CARYS_CHAT)[-2:], ensure_ascii=False)
    assert f"Cafodd eich cais {request_id} ei wrthod" in told and "was declined" not in told
    assert "Please use the school's own page." in told
    [row] = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert row["Lang"] == "cy"


async def test_a_decision_storage_made_but_answered_late_is_not_called_unmade(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.storage.permission_requests import TablePermissionRequests
    await _meet(client, connector, CARYS, SIAN, FFION)
    request_id = await _submit(client, connector)
    real_save, late = TablePermissionRequests.save, {"left": 1}

    async def save(requests: TablePermissionRequests, *args: Any) -> PermissionRequest:
        saved = await real_save(requests, *args)
        if late["left"]:  # storage made the write; its answer came after the budget
            late["left"] -= 1
            raise StorageUnavailable("injected: TimeoutError")
        return saved

    monkeypatch.setattr(TablePermissionRequests, "save", save)
    shown = await _invoke(client, SIAN, "permission.approve", {"id": request_id, "reason": "Fine."}, connector)
    await client.app[SERVICES].deliverer.drain()

    [record] = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert record["State"] == "approved"
    assert "nothing was changed" not in json.dumps(shown)
    assert "Approved by Mrs Siân Roberts" in json.dumps(shown, ensure_ascii=False)
    assert f"Your request {request_id} was approved" in json.dumps(connector.cards(CARYS_CHAT), ensure_ascii=False)


async def test_a_double_press_of_send_on_the_days_last_request_is_told_it_was_sent(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Carys's last request of the day (one a day here), Send pressed on her laptop and her phone at once."""
    from bot.storage.permission_requests import TablePermissionRequests
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"permission_limit_per_day": 1})))
    await _meet(client, connector, CARYS, SIAN)
    await client.post("/api/messages", json=message(CARYS, "I need permission for a class Instagram", connector.url))
    token = verb_data(connector.cards(CARYS_CHAT)[-1], "permission.submit")["form"]
    pressed = second_press_during_first_write(
        monkeypatch, TablePermissionRequests, "create",
        [lambda: _invoke(client, CARYS, "permission.submit", {**form(), "form": token}, connector)] * 2)
    shown = [json.dumps(card) for card in await pressed]

    assert len([r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]) == 1
    assert all("permission.withdraw" in s for s in shown), "a press of the Send that made the request was refused"


async def test_the_headteachers_phone_says_a_request_waits_for_her_and_the_requesters_that_it_has_an_answer(
        client: TestClient, connector: Connector) -> None:
    """Teams shows a message's summary in the notification banner and the activity feed; without one the headteacher's
    phone said only "Sent a card". Hers now says a request waits for her decision (in Welsh, as she reads the bot),
    and the requester's that the request has an answer; neither names who asked or what for."""
    await _meet(client, connector, CARYS)
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url, locale="cy-GB"))
    await client.app[SERVICES].deliverer.drain()

    await _submit(client, connector)
    [to_head] = [a for a in connector.sent if a["conversation"]["id"] == SIAN_CHAT and "permission.approve" in
                 json.dumps(a)]
    head_card = to_head["attachments"][0]["content"]
    await _invoke(client, SIAN, "permission.approve", {**verb_data(head_card, "permission.approve"),
                                                       "reason": "Lovely idea."}, connector)
    await client.app[SERVICES].deliverer.drain()
    to_requester = connector.sent[-1]

    assert to_head.get("summary") == ("Mae cais i ddefnyddio'r cyfryngau cymdeithasol ar gyfer gwaith yn aros i chi "
                                      "benderfynu arno.")
    assert "was approved" in json.dumps(to_requester["attachments"])
    assert to_requester.get("summary") == "Your request to use social media for work has an answer."


async def test_approve_and_decline_pressed_on_two_instances_at_once_make_one_decision(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Scaled out to two: the head presses Approve on her laptop and again on her phone while the delegate presses
    Decline, each click landing on either instance."""
    first: TestClient = await aiohttp_client(create_app(settings))
    second: TestClient = await aiohttp_client(create_app(settings))
    await _meet(first, connector, CARYS, SIAN, FFION)
    request_id = await _submit(first, connector)
    before = len(connector.cards(CARYS_CHAT))
    clicks = [(first, card_action(SIAN, "permission.approve", {"id": request_id}, connector.url)),
              (second, card_action(SIAN, "permission.approve", {"id": request_id}, connector.url)),
              (second, card_action(FFION, "permission.decline", {"id": request_id, "reason": "No consent forms."},
                                   connector.url)),
              (first, card_action(FFION, "permission.decline", {"id": request_id, "reason": "No consent forms."},
                                  connector.url))]

    responses = await asyncio.gather(*(bot.post("/api/messages", json=click) for bot, click in clicks))
    await first.app[SERVICES].deliverer.drain()
    await second.app[SERVICES].deliverer.drain()

    rows = await _rows(azurite, table_prefix + "permissions")
    decisions = [r for r in rows if r["RowKey"].startswith("audit|") and r["Action"] in ("approved", "declined")]
    [record] = [r for r in rows if r["RowKey"] == "request"]
    assert len(decisions) == 1 and record["State"] == decisions[0]["Action"]
    outcome = f"{record['State'].capitalize()} by {record['DecidedBy']}"
    for response in responses:  # every press shows the one decision, and no buttons
        shown = json.dumps((await response.json())["value"], ensure_ascii=False)
        assert outcome in shown and "permission.approve" not in shown
    told = [json.dumps(c) for c in connector.cards(CARYS_CHAT)[before:]]
    assert sum(f"Your request {request_id} was {record['State']}" in c for c in told) == 1, told


PUPIL = {"id": "29:pupil", "name": "Elis Pupil (Year 9)", "aadObjectId": "c3000000-0000-4000-8000-0000000000b1"}


@pytest.mark.parametrize(("locale", "told"), [("en-GB", "not on the federation's staff list"),
                                              ("cy-GB", "ddim ar restr staff y ffederasiwn")])
async def test_a_pupil_in_the_hwb_tenant_cannot_send_the_headteacher_a_request(
        staffed: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str, told: str) -> None:
    """Hwb is one tenant for every school in Wales: a pupil (Teams calls them a user, not a guest) who can open the app
    sent Siân a request to approve. With the staff list imported, Send is refused in their language, on the real
    tables; nothing is stored, counted or sent."""
    await _send_is_refused(staffed, connector, PUPIL, "user", locale=locale, told=told, azurite=azurite,
                           table_prefix=table_prefix)


@pytest.mark.parametrize(("locale", "waiting", "approved"), [
    ("en-GB", "You have already asked for this", "You already have permission for this"),
    ("cy-GB", "Rydych chi eisoes wedi gofyn am hyn", "Mae gennych chi ganiatâd ar gyfer hyn eisoes")])
async def test_the_same_request_sent_again_while_one_waits_or_is_approved_reaches_nobody(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str, waiting: str,
        approved: str) -> None:
    """Carys fills in the form again (a new form, so a new token) for the same platform and purpose at the same school
    while her first request waits, then once it is approved. Before, each went to Siân as a request of its own: two
    cards to decide, and two approvals of one account on Official accounts."""
    await _meet(client, connector, CARYS, SIAN)
    first = await _submit(client, connector)
    cards_to_sian = len(connector.cards(SIAN_CHAT))
    same = form(purpose="  share year 9 GEOGRAPHY field trip highlights with parents ")

    while_waiting = json.dumps(await _invoke(client, CARYS, "permission.submit", same, connector, locale=locale),
                               ensure_ascii=False)
    await _invoke(client, SIAN, "permission.approve", {"id": first}, connector)
    once_approved = json.dumps(await _invoke(client, CARYS, "permission.submit", same, connector, locale=locale),
                               ensure_ascii=False)
    await client.app[SERVICES].deliverer.drain()

    assert waiting in while_waiting and first in while_waiting and "permission.withdraw" not in while_waiting
    assert approved in once_approved and first in once_approved and "permission.withdraw" not in once_approved
    assert "permission.submit" in while_waiting and "permission.submit" in once_approved  # the form, as she left it
    assert "GEOGRAPHY" in while_waiting
    requests = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert [r["PartitionKey"] for r in requests] == [first]
    assert len(connector.cards(SIAN_CHAT)) == cards_to_sian  # no new card to decide


async def test_another_platform_audience_purpose_or_school_is_a_request_of_its_own(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Not the same request: what only looks like the first must still reach the headteacher. Another audience for the
    same account, while the first waits, is sent in its place (one press of "Send in place of …"), not beside it."""
    await _meet(client, connector, CARYS, SIAN)
    first = await _submit(client, connector)
    await _invoke(client, CARYS, "permission.withdraw", {"id": first}, connector)
    withdrawn_then_asked_again = await _submit(client, connector)
    others = [await _submit(client, connector, platform="facebook"),
              await _submit(client, connector, purpose="A blog of Year 7's science club."),
              await _submit(client, connector, school="primary")]
    offered = await _invoke(client, CARYS, "permission.submit", form(audience="parents,public"), connector)
    in_place = await _invoke(client, CARYS, "permission.submit",
                             {**form(audience="parents,public"), **verb_data(offered, "permission.submit")}, connector)

    rows = {r["PartitionKey"]: r for r in await _rows(azurite, table_prefix + "permissions")
            if r["RowKey"] == "request"}
    sent_in_place = str(verb_data(in_place, "permission.withdraw")["id"])
    assert set(rows) == {first, withdrawn_then_asked_again, *others, sent_in_place}
    assert (rows[withdrawn_then_asked_again]["State"], rows[withdrawn_then_asked_again]["ReplacedBy"]) == (
        "withdrawn", sent_in_place)
    assert (rows[sent_in_place]["Replaces"], rows[sent_in_place]["Changed"]) == (withdrawn_then_asked_again,
                                                                                 "audience")
    assert rows[others[0]]["Alongside"] == withdrawn_then_asked_again  # Facebook, while the Instagram one waited


@pytest.mark.parametrize(("locale", "told"), [("en-GB", "more than a year away"),
                                              ("cy-GB", "Mae mwy na blwyddyn tan y dyddiad dechrau")])
async def test_a_start_more_than_a_year_away_is_refused_and_nothing_sent(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str, told: str) -> None:
    """A year typed wrong (2062 for 2026, or 9999) went to the headteacher as a request to decide, and approved it
    stood on Official accounts. The latest start the form takes is a year from today, and its picker says so."""
    await _meet(client, connector, CARYS, SIAN)
    today = datetime.now(UTC).date()
    a_year_on = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today + timedelta(366)

    refused = [json.dumps(await _invoke(client, CARYS, "permission.submit", form(start=start, purpose=start),
                                        connector, locale=locale), ensure_ascii=False)
               for start in ("9999-12-31", (a_year_on + timedelta(days=1)).isoformat())]
    latest = await _submit(client, connector, start=a_year_on.isoformat())

    assert all(told in shown and "permission.withdraw" not in shown for shown in refused)
    assert f'"max": "{a_year_on.isoformat()}"' in refused[0]  # the start picker offers no later day
    rows = await _rows(azurite, table_prefix + "permissions")
    assert [r["PartitionKey"] for r in rows if r["RowKey"] == "request"] == [latest]
    assert len([c for c in connector.cards(SIAN_CHAT) if "permission.approve" in json.dumps(c)]) == 1


@pytest.mark.parametrize(("locale", "purpose_told", "moderator_told"), [
    ("en-GB", "Say in words what the account is for", "Say in words who moderates it"),
    ("cy-GB", "Dywedwch mewn geiriau beth yw diben y cyfrif", "Dywedwch mewn geiriau pwy sy'n ei gymedroli")])
async def test_a_purpose_or_moderator_of_emoji_or_marks_alone_is_refused_and_nothing_sent(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str, locale: str, purpose_told: str,
        moderator_told: str) -> None:
    """"🎉🎉🎉" as what the account is for, and "👍" as who moderates it, went to the headteacher as a request to
    decide: she could not tell what she was asked to approve, nor who would look after it."""
    await _meet(client, connector, CARYS, SIAN)

    shown = json.dumps(await _invoke(client, CARYS, "permission.submit", form(purpose="🎉🎉🎉 !!!", moderator="👍"),
                                     connector, locale=locale), ensure_ascii=False)
    sent = await _submit(client, connector, purpose="📸 Year 9's trip, for parents 🎉", moderator="Mr Llŷr Ŵyn")

    assert purpose_told in shown and moderator_told in shown and "permission.withdraw" not in shown
    rows = await _rows(azurite, table_prefix + "permissions")
    assert [r["PartitionKey"] for r in rows if r["RowKey"] == "request"] == [sent]


async def test_a_refused_press_is_told_apart_from_a_decision_in_the_log(
        client: TestClient, connector: Connector, caplog: pytest.LogCaptureFixture) -> None:
    """A forged Approve (Owain, with Carys's request id), Carys approving her own and Owain withdrawing hers each
    logged `invoke:permission.approve` / `…withdraw` as Siân's real approval did: IT reading the log for who tried
    what could not tell a refused press from a decision. A refusal now says so; nothing else changes."""
    await _meet(client, connector, CARYS, SIAN, OWAIN)
    request_id = await _submit(client, connector)
    caplog.set_level("INFO", logger="bot.edge.teams")

    for person, verb in ((OWAIN, "permission.approve"), (CARYS, "permission.approve"), (OWAIN, "permission.withdraw"),
                         (SIAN, "permission.approve")):
        await _invoke(client, person, verb, {"id": request_id, "school": "primary"}, connector)
    await _invoke(client, SIAN, "permission.approve", {"id": "P-ZZZZZZ"}, connector)

    outcomes = [getattr(r, "outcome", "") for r in caplog.records if r.getMessage() == "turn"]
    assert outcomes == ["invoke:permission.approve:refused", "invoke:permission.approve:refused",
                        "invoke:permission.withdraw:refused", "invoke:permission.approve",
                        "invoke:permission.approve:refused"]


@pytest.mark.parametrize("on_the_staff_list", [True, False])
async def test_a_request_sent_from_an_activity_with_no_name_says_on_the_heads_card_who_asked(
        client: TestClient, connector: Connector, on_the_staff_list: bool) -> None:
    """Teams sent no display name, none was kept from before and its member lookup did not know her (404): before, the
    request was stored unnamed and the head's card began "asks to start …". The staff list names her; without one, the
    card gives the Entra object id IT can look her up by."""
    if on_the_staff_list:
        await import_staff(client.app[STORE])
    nameless = {key: value for key, value in CARYS.items() if key != "name"}
    await _meet(client, connector, nameless, SIAN)

    await _invoke(client, nameless, "permission.submit", form(), connector)
    await client.app[SERVICES].deliverer.drain()

    said = json.dumps(connector.cards(SIAN_CHAT)[-1], ensure_ascii=False)
    who = "Carys Jenkins" if on_the_staff_list else ("A member of staff with no name in Teams (IT can see who has "
                                                     "Entra object id a1000000-0000-4000-8000-000000000001)")
    assert f'"text": "{who} asks to start a new Instagram account for parents"' in said


@pytest.mark.parametrize(("locale", "waiting"), [("en-GB", "You have already asked for this"),
                                                 ("cy-GB", "Rydych chi eisoes wedi gofyn am hyn")])
async def test_two_forms_for_one_account_sent_at_the_same_moment_on_two_instances_reach_the_head_once(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str, locale: str,
        waiting: str) -> None:
    """Carys fills in the form on her laptop and again on her phone (two forms, so two tokens) for the same platform and
    purpose, and presses Send on both at the same moment, each press landing on another instance. Before, each found
    nothing waiting and both went to Siân: two cards of one account to decide. One is stored and sent; the other is
    told which request it repeats, as a form sent later is."""
    first: TestClient = await aiohttp_client(create_app(settings))
    second: TestClient = await aiohttp_client(create_app(settings))
    await _meet(first, connector, CARYS, SIAN)
    laptop, phone = "F-laptopAAAAAAAAAAA"[:18], "F-phoneBBBBBBBBBBBB"[:18]
    presses = [(bot, card_action(CARYS, "permission.submit", {**form(), "form": token}, connector.url, locale=locale))
               for bot, token in ((first, laptop), (second, phone), (second, laptop), (first, phone))]

    responses = await asyncio.gather(*(bot.post("/api/messages", json=press) for bot, press in presses))
    await first.app[SERVICES].deliverer.drain()
    await second.app[SERVICES].deliverer.drain()

    assert [r.status for r in responses] == [200] * 4
    [record] = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    shown = [json.dumps((await r.json())["value"], ensure_ascii=False) for r in responses]
    assert all("permission.withdraw" in s or (waiting in s and record["PartitionKey"] in s) for s in shown), shown
    assert sum(record["PartitionKey"] in json.dumps(c) for c in connector.cards(SIAN_CHAT)) == 1


async def test_two_forms_for_two_platforms_sent_at_the_same_moment_are_two_requests(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Instagram on the laptop and Facebook on the phone at the same moment: two accounts, two requests to decide."""
    first: TestClient = await aiohttp_client(create_app(settings))
    second: TestClient = await aiohttp_client(create_app(settings))
    await _meet(first, connector, CARYS, SIAN)
    presses = [(first, card_action(CARYS, "permission.submit", {**form(), "form": "F-laptopAAAAAAAAAAA"[:18]},
                                   connector.url)),
               (second, card_action(CARYS, "permission.submit", {**form(platform="facebook"),
                                                                  "form": "F-phoneBBBBBBBBBBBB"[:18]}, connector.url))]

    responses = await asyncio.gather(*(bot.post("/api/messages", json=press) for bot, press in presses))

    shown = [json.dumps((await r.json())["value"], ensure_ascii=False) for r in responses]
    assert all("permission.withdraw" in s for s in shown), shown
    records = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert sorted(r["Platform"] for r in records) == ["facebook", "instagram"]


async def test_a_send_anyway_replayed_after_she_withdrew_it_even_dated_years_ago_sends_nothing_again(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Hostile probe 5: the second press of a form told the policy does not name Seesaw (`anyway`: yes), captured and
    posted again, as it was (the same activity id) and dated 2019, after Carys withdrew the request it sent: the
    request stays withdrawn, no second request is made, and the head gets no second card."""
    await _meet(client, connector, CARYS, SIAN)
    told = await _invoke(client, CARYS, "permission.submit", form(platform="other", platform_other="Seesaw"), connector)
    anyway = card_action(CARYS, "permission.submit", {**form(platform="other", platform_other="Seesaw"),
                                                      **verb_data(told, "permission.submit")}, connector.url)
    sent = await press(client, connector, anyway)
    request_id = str(verb_data(sent, "permission.withdraw")["id"])
    await _invoke(client, CARYS, "permission.withdraw", {"id": request_id}, connector)
    to_head = len(connector.cards(SIAN_CHAT))

    replies = [await press(client, connector, anyway),
               await press(client, connector, {**anyway, "timestamp": "2019-03-01T09:00:00.000Z"})]

    assert verb_data(told, "permission.submit")["anyway"] == "yes"
    requests = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert [r["State"] for r in requests] == ["withdrawn"]
    assert len(connector.cards(SIAN_CHAT)) == to_head
    assert all("permission.withdraw" not in json.dumps(r) for r in replies)


async def test_replayed_and_old_dated_decision_clicks_and_identity_in_card_data_change_nothing(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Hostile probe 6: Siân's Approve, captured and posted again (the same activity, and dated 2019) after she ended
    the approval; Ffion's Decline replayed; Owain's clicks carrying Siân's identity in the card's data (`from`,
    `aadObjectId`, `actor`, `decided_by`). The approval stays ended by Siân, Carys is told nothing new, and the
    record names only Carys and Siân."""
    await _meet(client, connector, CARYS, SIAN, FFION, OWAIN)
    request_id = await _submit(client, connector)
    approve = card_action(SIAN, "permission.approve", {"id": request_id}, connector.url)
    await press(client, connector, approve)
    await _invoke(client, SIAN, "permission.end", {"id": request_id, "reason": "Account closed."}, connector)
    await client.app[SERVICES].deliverer.drain()
    to_carys = len(connector.cards(CARYS_CHAT))
    forged_identity = {"id": request_id, "from": SIAN["aadObjectId"], "aadObjectId": SIAN["aadObjectId"],
                       "actor": SIAN["aadObjectId"], "decided_by": SIAN["aadObjectId"], "reason": "as Siân"}

    await press(client, connector, approve)
    await press(client, connector, {**approve, "timestamp": "2019-03-01T09:00:00.000Z"})
    await _invoke(client, FFION, "permission.decline", {"id": request_id, "reason": "replayed"}, connector)
    for verb in ("permission.approve", "permission.decline", "permission.end", "permission.withdraw"):
        await _invoke(client, OWAIN, verb, forged_identity, connector)
    await client.app[SERVICES].deliverer.drain()

    [row] = [r for r in await _rows(azurite, table_prefix + "permissions") if r["RowKey"] == "request"]
    assert (row["State"], row["EndedById"]) == ("ended", SIAN["aadObjectId"])
    assert len(connector.cards(CARYS_CHAT)) == to_carys
    actors = {r["ActorId"] for r in await _rows(azurite, table_prefix + "permissions") if "ActorId" in r}
    assert actors == {CARYS["aadObjectId"], SIAN["aadObjectId"]}


async def test_a_request_kept_for_school_hours_is_taken_back_only_by_its_requester_over_azurite(
        aiohttp_client: Any, settings: Settings, connector: Connector, azurite: str, table_prefix: str) -> None:
    """Hostile probe 6, with the outbox in Azurite: Carys's request sent outside school hours waits there for Siân and
    Ffion. Owain's Withdraw and End with her id, and his own request sent in place of hers, leave her cards waiting;
    her own Withdraw takes them back (only the edit of a copy opened from a list, which posts nothing, stays), and
    nothing reaches either of them."""
    from bot.domain.uk_time import in_uk

    hour = in_uk(datetime.now(UTC)).hour  # school hours an hour long, starting two hours from now: not now
    window = f"{hour + 2:02d}:00-{hour + 3:02d}:00" if hour <= 20 else "01:00-02:00"
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={"school_hours": window})))
    await _meet(client, connector, CARYS, SIAN, FFION, OWAIN)
    request_id = await _submit(client, connector)

    async def waiting_for_deciders() -> list[str]:
        rows = await _rows(azurite, table_prefix + "outbox")
        return sorted(r["PartitionKey"] for r in rows if r["RowKey"].startswith("msg|" + request_id)
                      and not r.get("UpdateOnly"))  # an edit of a copy opened from a list posts nothing

    held = await waiting_for_deciders()
    for verb in ("permission.withdraw", "permission.end"):
        await _invoke(client, OWAIN, verb, {"id": request_id}, connector)
    await _invoke(client, OWAIN, "permission.submit", {**form(purpose="Owain's own page."), "replaces": request_id},
                  connector)
    await client.app[SERVICES].deliverer.drain()
    after_owain = await waiting_for_deciders()
    await _invoke(client, CARYS, "permission.withdraw", {"id": request_id}, connector)
    await client.app[SERVICES].deliverer.drain()

    assert len(held) == 2 and after_owain == held
    assert await waiting_for_deciders() == []
    assert not [a for a in connector.sent if request_id in json.dumps(a)
                and a["conversation"]["id"] in (SIAN_CHAT, FFION_CHAT)]
