"""Asking the headteacher's permission, and the decision, on the memory stores: who decides, and only once."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import pytest

from bot.domain.directory import StaffMember, read_staff_csv
from bot.domain.errors import StorageUnavailable
from bot.domain.federation import Federation, parse_federation
from bot.domain.live_policy import PolicyInForce
from bot.domain.outbox import QueueingNotifier, superseded
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState
from bot.domain.profiles import UserProfile
from bot.domain.uk_time import uk_today
from bot.export import decisions_csv
from bot.storage.memory import (
    MemoryOutbox,
    MemoryPermissionRequests,
    MemoryQuestionLog,
    MemoryRateLimiter,
    MemoryStaffDirectory,
    MemoryUserProfiles,
)
from cards.answer import when
from cards.elements import Card
from cards.i18n import Catalogue, load_catalogue
from dialogs.base import Reply, Scope
from dialogs.permission_requests import PermissionFlow
from tests.flows.conftest import (
    CARYS,
    FFION,
    GARETH,
    OWAIN,
    REPO,
    SIAN,
    BotInMemory,
    Clock,
    NoIndex,
    open_bot,
    text_of,
)
from tests.support.activities import TENANT
from tests.support.cards import actions, verb_data
from tests.support.policies import fixture_policy

OTHER_TENANT = "99999999-0000-4000-8000-000000000000"


def _form(**overrides: str) -> dict[str, str]:
    """The request form's values as Teams sends them."""
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": "Share Year 9 geography field trip highlights with parents.",
            "audience": "parents", "pupil_content": "work", "consent": "Only work, no names; parents opted in.",
            "moderator": "Carys Jenkins", "moderation": "daily", "start": tomorrow, "end": "", "ongoing": "true",
            "confirm": "true", **overrides}


_TRIPS = itertools.count(1)


async def _submitted(bot: BotInMemory, person: Person = CARYS) -> str:
    """A request sent by `person`, for a trip of its own (the same request sent again would reach nobody); its id."""
    status = await bot.clicks(person, "permission.submit", _form(
        purpose=f"Share Year 9 geography field trip {next(_TRIPS)} highlights with parents."))
    return str(verb_data(status.card or {}, "permission.withdraw")["id"])


async def _trail(bot: BotInMemory, request_id: str) -> list[tuple[str, str]]:
    return sorted((a.action, a.actor_id) for a in await MemoryPermissionRequests(bot.store).list_audit(request_id))


async def test_a_request_reaches_the_deciders_and_the_approval_reaches_the_requester(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN, FFION)

    status = await bot.clicks(CARYS, "permission.submit", _form())
    request_id = verb_data(status.card or {}, "permission.withdraw")["id"]
    [to_head], [to_delegate] = await bot.cards_for(SIAN), await bot.cards_for(FFION)
    decided = await bot.clicks(SIAN, "permission.approve", {**verb_data(to_head, "permission.approve"),
                                                            "reason": "Lovely idea."})

    assert "Waiting for Mrs Siân Roberts, headteacher of Llanidloes High School" in text_of(status.card)
    assert verb_data(to_delegate, "permission.approve")["id"] == request_id
    assert "Approved by Mrs Siân Roberts" in text_of(decided.card) and "permission.approve" not in text_of(decided.card)
    requests = MemoryPermissionRequests(bot.store)
    stored = await requests.get(request_id)
    assert (stored.state, stored.decided_by_id, stored.comment) == (RequestState.APPROVED, SIAN.aad_object_id,
                                                                    "Lovely idea.")
    assert await _trail(bot, request_id) == [("approved", SIAN.aad_object_id),
                                             ("sent to approver", CARYS.aad_object_id),
                                             ("submitted", CARYS.aad_object_id)]
    told = await bot.cards_for(CARYS)
    assert f"Your request {request_id} was approved" in text_of(told) and "Lovely idea." in text_of(told)
    assert "Approved by Mrs Siân Roberts" in text_of((await bot.cards_for(FFION))[-1])  # the delegate's copy
    assert await requests.owed() == []  # every notification was queued


async def test_deciders_clicking_at_once_make_exactly_one_decision(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN, FFION)
    request_id = await _submitted(bot)

    replies = await asyncio.gather(*(
        bot.clicks(SIAN if n % 2 else FFION, "permission.approve" if n % 3 else "permission.decline",
                   {"id": request_id, "reason": f"click {n}"}) for n in range(10)))

    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    decisions = [action for action, _ in await _trail(bot, request_id) if action in ("approved", "declined")]
    assert decisions == [stored.state.value]
    outcome = f"{stored.state.value.capitalize()} by {stored.decided_by}"
    for reply in replies:  # every clicker sees the one decision, who made it, and no buttons
        assert outcome in text_of(reply.card) and "permission.approve" not in text_of(reply.card)
    assert len([c for c in await bot.cards_for(CARYS) if f"Your request {request_id} was" in text_of(c)]) == 1


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("where", ["card", "list"])
async def test_a_decider_whose_press_comes_after_the_other_deciders_is_told_it_was_not_recorded_with_her_words_back(
        bot: BotInMemory, strings: Catalogue, where: str, lang: Lang) -> None:
    """The headteacher and her delegate decide the same request: the second press changes nothing, and says so, with
    what she wrote, which nobody was sent. Before, her card simply showed the other's decision and her reason was
    gone without a word."""
    await bot.meets(CARYS, SIAN, FFION)
    request_id = await _submitted(bot)
    await bot.clicks(FFION, "permission.decline", {"id": request_id, "reason": "Use the school page instead."})
    words = "Lovely idea, but keep pupils' faces out of it."
    data = {"id": request_id, "reason": words} if where == "card" else {
        "id": request_id, "from": "list", f"reason_{request_id}": words}

    late = await bot.clicks(SIAN, "permission.approve", {**data, "lang": lang.value}, lang=lang)
    again = await bot.clicks(FFION, "permission.decline", {"id": request_id, "reason": "Use the school page instead."})

    said = text_of(late.card)
    assert words in said
    assert strings.text("perm.not_recorded", lang, button=strings.text("perm.approve", lang)) in said
    assert strings.text("perm.not_recorded", Lang.EN, button="Decline") not in text_of(again.card)  # her own decision
    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert (stored.state, stored.decided_by_id, stored.comment) == (RequestState.DECLINED, FFION.aad_object_id, "")


async def test_a_decline_pressed_on_an_old_card_after_the_request_was_withdrawn_says_so_and_gives_back_the_reason(
        bot: BotInMemory, strings: Catalogue) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    await bot.clicks(CARYS, "permission.withdraw", {"id": request_id})

    late = await bot.clicks(SIAN, "permission.decline", {"id": request_id, "reason": "Not for the PTA page."})

    assert "Withdrawn by Carys Jenkins" in text_of(late.card) and "Not for the PTA page." in text_of(late.card)
    assert strings.text("perm.not_recorded", Lang.EN, button="Decline") in text_of(late.card)
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.WITHDRAWN


async def test_of_two_deciders_pressing_at_once_the_one_not_recorded_is_told_and_keeps_her_words(
        bot: BotInMemory, strings: Catalogue) -> None:
    await bot.meets(CARYS, SIAN, FFION)
    request_id = await _submitted(bot)

    sian, ffion = await asyncio.gather(
        bot.clicks(SIAN, "permission.approve", {"id": request_id, "reason": "Siân's comment"}),
        bot.clicks(FFION, "permission.decline", {"id": request_id, "reason": "Ffion's reason"}))

    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    lost, words, button = (ffion, "Ffion's reason", "Decline") if stored.decided_by_id == SIAN.aad_object_id else (
        sian, "Siân's comment", "Approve")
    won = sian if lost is ffion else ffion
    assert words in text_of(lost.card)
    assert strings.text("perm.not_recorded", Lang.EN, button=button) in text_of(lost.card)
    assert "not recorded" not in text_of(won.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_declined_request_tells_her_not_to_use_the_account_and_that_she_may_ask_again(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """Before, the decline she got said the decision and its reason and nothing of what now: an approval says to keep
    to it, an ended permission to stop, but a decline left her to guess whether the account could be used or asked
    for again."""
    await bot.meets(CARYS, SIAN)
    status = await bot.clicks(CARYS, "permission.submit", {**_form(), "lang": lang.value}, lang=lang)
    request_id = verb_data(status.card or {}, "permission.withdraw")["id"]

    await bot.clicks(SIAN, "permission.decline", {"id": request_id, "reason": "Use the school page instead."})

    [told] = [c for c in await bot.cards_for(CARYS)
              if strings.text("perm.decision_title.declined", lang, id=request_id) in text_of(c)]
    assert "permission.form" in text_of(told)
    assert strings.text("perm.declined_next", lang) in text_of(told)


async def test_the_decider_is_who_clicked_whatever_the_card_data_says(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    as_sian = {"aadObjectId": SIAN.aad_object_id, "name": SIAN.name, "tenant": TENANT,
               "decided_by_id": SIAN.aad_object_id}
    as_owain = {"aadObjectId": OWAIN.aad_object_id, "name": OWAIN.name, "decided_by_id": OWAIN.aad_object_id}

    forged = await bot.clicks(OWAIN, "permission.approve", {"id": request_id, **as_sian})
    after_forgery = await MemoryPermissionRequests(bot.store).get(request_id)
    declined = await bot.clicks(SIAN, "permission.decline", {"id": request_id, "reason": "Use the school page.",
                                                             **as_owain})

    assert "Only the headteacher of that school" in text_of(forged.card)
    assert after_forgery.state is RequestState.PENDING
    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert (stored.state, stored.decided_by, stored.decided_by_id, stored.reason) == (
        RequestState.DECLINED, "Mrs Siân Roberts", SIAN.aad_object_id, "Use the school page.")
    assert "Declined by Mrs Siân Roberts" in text_of(declined.card)
    assert ("declined", SIAN.aad_object_id) in await _trail(bot, request_id)
    assert OWAIN.aad_object_id not in {actor for _, actor in await _trail(bot, request_id)}


async def test_nobody_but_the_schools_deciders_decides(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    before = await _trail(bot, request_id)

    teacher = await bot.clicks(OWAIN, "permission.approve", {"id": request_id})
    line_manager = await bot.clicks(GARETH, "permission.approve", {"id": request_id})
    own = await bot.clicks(CARYS, "permission.approve", {"id": request_id})
    other_tenant = await bot.clicks(Person(OTHER_TENANT, SIAN.aad_object_id, SIAN.name), "permission.approve",
                                    {"id": request_id})
    made_up = await bot.clicks(SIAN, "permission.approve", {"id": "P-ZZZZZZ"})
    injected = await bot.clicks(SIAN, "permission.approve", {"id": "P-' or 1 eq 1"})

    for refused in (teacher, line_manager, own):
        assert "Only the headteacher of that school" in text_of(refused.card)
    for unknown in (other_tenant, made_up, injected):
        assert "can't find that record" in text_of(unknown.card)
    for reply in (teacher, line_manager, own, other_tenant, made_up, injected):
        assert "geography" not in text_of(reply.card) and "permission.approve" not in text_of(reply.card)
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.PENDING
    assert await _trail(bot, request_id) == before
    assert not any("was approved" in text_of(card) for card in await bot.cards_for(CARYS))


async def test_a_headteacher_cannot_decide_their_own_request_and_the_delegate_is_asked(bot: BotInMemory) -> None:
    await bot.meets(SIAN, FFION)
    request_id = await _submitted(bot, SIAN)

    own = await bot.clicks(SIAN, "permission.approve", {"id": request_id})

    assert "can't decide your own request" in text_of(own.card)
    assert verb_data((await bot.cards_for(FFION))[-1], "permission.approve")["id"] == request_id
    assert not any(a.get("verb") == "permission.approve" for c in await bot.cards_for(SIAN) for a in actions(c))
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.PENDING


async def test_a_decision_on_the_request_card_replaces_that_card_and_updates_every_other_copy(
        bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN, FFION)
    request_id = await _submitted(bot)
    [to_head] = await bot.cards_for(SIAN)

    decided = await bot.clicks(SIAN, "permission.approve", verb_data(to_head, "permission.approve"))

    # The click's answer is the head's copy (Teams puts it in place of the card clicked): it is remembered as the
    # request's card there, and no second update of it waits in her queue.
    assert "Approved by Mrs Siân Roberts" in text_of(decided.card) and "permission.approve" not in text_of(decided.card)
    assert decided.card_key == f"{request_id}|decide" and not decided.new_message
    assert await bot.cards_for(SIAN) == [to_head]
    delegate_copy = (await bot.cards_for(FFION))[-1]
    assert "Approved by Mrs Siân Roberts" in text_of(delegate_copy) and "permission.approve" not in text_of(
        delegate_copy)
    assert f"Your request {request_id} was approved" in text_of(await bot.cards_for(CARYS))


async def test_a_decision_from_the_pending_list_updates_the_request_card_in_place(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    listed = await bot.clicks(SIAN, "permission.pending", {})

    after = await bot.clicks(SIAN, "permission.approve", {**verb_data(listed.card or {}, "permission.approve"),
                                                          f"reason_{request_id}": "Go ahead"})

    assert f"{request_id}: Approved by Mrs Siân Roberts" in text_of(after.card) and after.card_key == ""
    [_, update] = await _copies(bot, SIAN, f"{request_id}|decide")  # the request's card, then its update, in place
    assert "Approved by Mrs Siân Roberts" in text_of(update) and "permission.approve" not in text_of(update)


async def test_a_decision_on_a_copy_opened_from_the_list_updates_the_request_card_in_place(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id})
    assert verb_data(opened.card or {}, "permission.approve") == {"id": request_id, "from": "open", "lang": "en"}

    missing = await bot.clicks(SIAN, "permission.decline", verb_data(opened.card or {}, "permission.decline"))
    declined = await bot.clicks(SIAN, "permission.decline", {**verb_data(missing.card or {}, "permission.decline"),
                                                             "reason": "Use the school page."})

    assert verb_data(missing.card or {}, "permission.decline") == {"id": request_id, "from": "open", "lang": "en"}
    assert "Declined by Mrs Siân Roberts" in text_of(declined.card) and declined.card_key == ""
    # The card the request came in is not the one clicked: updated too, and so is the copy opened, on her other devices.
    [_, update] = await _copies(bot, SIAN, f"{request_id}|decide")
    [opened_update] = await _copies(bot, SIAN, f"{request_id}|opened", update_only=True)
    for card in (update, opened_update):
        assert "Declined by Mrs Siân Roberts" in text_of(card) and "permission.decline" not in text_of(card)


async def _copies(bot: BotInMemory, person: Person, card_key: str, *, update_only: bool = False) -> list[Card]:
    """The cards owed to a person under one card key (`update_only`: messages that only edit a card kept)."""
    return [dict(m.card) for m in await MemoryOutbox(bot.store).list_for_recipient(person)
            if m.card_key == card_key and m.update_only is update_only]


async def _form_token(bot: BotInMemory, person: Person = CARYS) -> str:
    """The token the request form's Send carries: opened as staff open it, by typing."""
    form = await bot.says(person, "request permission")
    return str(verb_data(form.card or {}, "permission.submit")["form"])


async def test_a_double_press_of_send_makes_one_request(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN, FFION)
    form = {**_form(), "form": await _form_token(bot)}

    first, second = await asyncio.gather(bot.clicks(CARYS, "permission.submit", form),
                                         bot.clicks(CARYS, "permission.submit", form))

    [stored] = await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)
    for reply in (first, second):  # both presses show the one request
        assert verb_data(reply.card or {}, "permission.withdraw")["id"] == stored.request_id
    assert len([c for c in await bot.cards_for(SIAN) if "permission.approve" in text_of(c)]) == 1
    assert [a for a, _ in await _trail(bot, stored.request_id)] == ["sent to approver", "submitted"]


async def test_a_form_sent_again_after_a_mistake_was_corrected_is_still_one_request(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    token = await _form_token(bot)

    corrected = await bot.clicks(CARYS, "permission.submit", {**_form(purpose=""), "form": token})
    sent = await bot.clicks(CARYS, "permission.submit", {**_form(), "form": verb_data(
        corrected.card or {}, "permission.submit")["form"]})
    again = await bot.clicks(CARYS, "permission.submit", {**_form(), "form": token})

    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 1
    assert verb_data(sent.card or {}, "permission.withdraw") == verb_data(again.card or {}, "permission.withdraw")


async def test_forms_posted_before_form_tokens_still_send_a_request_each(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)

    await bot.clicks(CARYS, "permission.submit", _form())
    await bot.clicks(CARYS, "permission.submit", _form(platform="youtube"))

    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 2


async def test_a_headteacher_opening_their_own_request_is_offered_no_decision(bot: BotInMemory) -> None:
    await bot.meets(SIAN, FFION)
    request_id = await _submitted(bot, SIAN)

    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id})

    verbs = {a.get("verb") for a in actions(opened.card or {})}
    assert not verbs & {"permission.approve", "permission.decline"}
    assert verb_data(opened.card or {}, "permission.withdraw")["id"] == request_id  # her own request, to withdraw


async def test_a_headteachers_own_request_says_it_waits_for_her_delegate(bot: BotInMemory) -> None:
    await bot.meets(SIAN, FFION)
    status = await bot.clicks(SIAN, "permission.submit", _form())
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])

    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id})

    for card in (status.card, opened.card):
        assert "Waiting for Mrs Ffion Morgan, the named delegate who decides the headteacher's own" in text_of(card)


GARETH_AS_HEAD = StaffContact(GARETH.aad_object_id, "Mr Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")


def _headed_by(federation: Federation, head: StaffContact, *school_ids: str) -> Federation:
    """The settings naming `head` as the headteacher of these schools, with no named delegate there."""
    return replace(federation, schools=tuple(replace(s, headteacher=head, delegates=()) if s.school_id in school_ids
                                             else s for s in federation.schools))


def _restarted(bot: BotInMemory, federation: Federation) -> BotInMemory:
    """The bot started again on the records it kept, with these settings (the office named a new head)."""
    in_force = PolicyInForce(fixture_policy(), NoIndex())
    return open_bot(load_catalogue(), federation, lambda: in_force, store=bot.store)


async def _decidable_by(bot: BotInMemory, person: Person) -> list[str]:
    """The ids of the requests whose Approve button is on a card owed to the person."""
    return [str(a.get("data", {}).get("id")) for c in await bot.cards_for(person) for a in actions(c)
            if a.get("verb") == "permission.approve"]


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_headteachers_own_request_with_nobody_to_decide_it_is_not_sent_and_she_is_told_why(
        bot: BotInMemory, strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """The executive head of both schools, no delegate named: stored, her request would wait for her for ever."""
    bot = _restarted(bot, _headed_by(federation, federation.school("high").headteacher, "high", "primary"))
    await bot.meets(SIAN, CARYS, GARETH, FFION)

    told = await bot.clicks(SIAN, "permission.submit", _form(), lang=lang)

    said = text_of(told.card)
    assert "Waiting for" not in said and "permission.withdraw" not in said
    assert await MemoryPermissionRequests(bot.store).list_by_requester(SIAN) == []
    assert [await bot.cards_for(p) for p in (SIAN, CARYS, GARETH, FFION)] == [[], [], [], []]
    assert strings.text("perm.nobody_decides_own", lang, school=federation.school("high").name(lang)) in said
    assert ("name a delegate" if lang is Lang.EN else "dirprwy enwebedig") in said
    assert "permission.submit" in said and "Year 9 geography" in said  # her form, as she filled it in


async def test_a_headteachers_own_request_with_no_delegate_goes_to_the_other_schools_headteacher(
        bot: BotInMemory) -> None:
    siân_and_gareth = _headed_by(bot.federation, bot.federation.school("high").headteacher, "high")
    two_heads = _restarted(bot, _headed_by(siân_and_gareth, GARETH_AS_HEAD, "primary"))
    await two_heads.meets(SIAN, GARETH, CARYS)
    status = await two_heads.clicks(SIAN, "permission.submit", _form())
    own = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    carys = await _submitted(two_heads, CARYS)

    pending = await two_heads.says(GARETH, "pending requests")
    not_his = await two_heads.clicks(GARETH, "permission.approve", {"id": carys})
    declined = await two_heads.clicks(GARETH, "permission.decline", {"id": own, "reason": "Use the school page."})

    assert "Waiting for Mr Gareth Hughes, headteacher of Llanidloes Primary School" in text_of(status.card)
    assert await _decidable_by(two_heads, GARETH) == [own]
    assert own in text_of(pending.card) and carys not in text_of(pending.card)
    assert "Only the headteacher of that school" in text_of(not_his.card)
    assert "Declined by Gareth Hughes" in text_of(declined.card)
    assert (await MemoryPermissionRequests(two_heads.store).get(own)).decided_by_id == GARETH.aad_object_id


async def test_a_headteacher_whose_object_id_the_office_wrote_in_capitals_still_gets_and_decides_requests(
        bot: BotInMemory) -> None:
    """The federation settings give Siân's object id (and the tenant's) in capitals, with a space copied in; Teams
    sends them in lower case. Before, Carys was told to wait for Siân, whose card went to nobody Teams knows, and Siân
    was told only headteachers have a list of pending requests."""
    raw = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
    for contact in (*(school["headteacher"] for school in raw["schools"]), raw["policy_owner"]):
        contact["aad_object_id"] = f" {contact['aad_object_id'].upper()}"
    raw["tenant_ids"] = [tenant.upper() for tenant in raw["tenant_ids"]]
    in_capitals = _restarted(bot, parse_federation(raw))
    await in_capitals.meets(CARYS, SIAN)

    request_id = await _submitted(in_capitals)
    pending = await in_capitals.says(SIAN, "pending requests")
    approved = await in_capitals.clicks(SIAN, "permission.approve", {"id": request_id, "reason": ""})

    assert await _decidable_by(in_capitals, SIAN) == [request_id]
    assert request_id in text_of(pending.card) and "Only headteachers" not in text_of(pending.card)
    assert "Approved by Mrs Siân Roberts" in text_of(approved.card)
    assert in_capitals.federation.serves_tenant(TENANT)


async def test_a_new_headteacher_gets_the_requests_that_were_waiting_when_the_head_changed(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN, FFION, GARETH)
    request_id = await _submitted(bot)
    new_head = _headed_by(bot.federation, GARETH_AS_HEAD, "high")

    after = _restarted(bot, new_head)
    await _catching_up(after).catch_up()  # what the restarted bot does within a minute
    [to_gareth] = (await MemoryOutbox(bot.store).owed_to(GARETH)).messages
    await MemoryOutbox(bot.store).mark_sent(to_gareth)  # he has it now
    await _catching_up(_restarted(after, new_head)).catch_up()  # restarted once more

    assert verb_data(dict(to_gareth.card), "permission.approve")["id"] == request_id
    assert (await MemoryOutbox(bot.store).owed_to(GARETH)).messages == []  # never twice
    # Nor is the request's card still owed to the head and delegate who no longer decide it.
    assert request_id not in await _decidable_by(after, SIAN) + await _decidable_by(after, FFION)


async def test_a_new_head_named_by_an_evening_restart_gets_the_waiting_requests_at_the_start_of_school_hours(
        strings: Catalogue, federation: Federation) -> None:
    """IT named Gareth headteacher and restarted the bot at 22:30 on a Monday (a deploy out of hours); the first pass
    brought him the request waiting since the morning at 22:30, though nobody pressed anything. It waits for 08:00 on
    the Tuesday, the school's hours; so does one a member of staff sent him at 22:45 (permission probe 11: before, her
    own press sent it at once, and rang his phone at 22:45)."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # Monday 2 November, 09:00 GMT
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN, FFION, GARETH)
    waiting = await _submitted(bot)
    clock.now = datetime(2026, 11, 2, 22, 30, tzinfo=UTC)
    new_head = _headed_by(federation, GARETH_AS_HEAD, "high")
    after = open_bot(strings, new_head, lambda: PolicyInForce(fixture_policy(), NoIndex()), store=bot.store,
                     clock=clock)

    await _reminding(after, clock).catch_up()  # what the restarted bot does within a minute
    clock.now = datetime(2026, 11, 2, 22, 45, tzinfo=UTC)
    pressed = await _submitted(after)

    def ids(cards: list[Card]) -> list[str]:
        return [str(a["data"]["id"]) for c in cards for a in actions(c) if a.get("verb") == "permission.approve"]
    assert ids(await after.cards_going_to(GARETH, datetime(2026, 11, 2, 22, 45, tzinfo=UTC))) == []
    assert ids(await after.cards_going_to(GARETH, datetime(2026, 11, 3, 7, 59, tzinfo=UTC))) == []
    assert sorted(ids(await after.cards_going_to(GARETH, datetime(2026, 11, 3, 8, 0, tzinfo=UTC)))) == sorted(
        [waiting, pressed])


async def test_a_head_away_with_no_delegate_is_covered_by_naming_one_and_her_waiting_requests_reach_the_delegate(
        bot: BotInMemory) -> None:
    """Probe 8: there is no "away" setting, by choice: marking the head away would decide nothing. While she is away
    (leave, illness) IT names a delegate in the settings; the restarted bot brings every request waiting for her to the
    delegate, who decides it (the head keeps her copy, edited to say so), and the member of staff has the decision."""
    head = bot.federation.schools[0].headteacher
    away = _restarted(bot, _headed_by(bot.federation, head, "high", "primary"))  # no delegate named
    await away.meets(CARYS, SIAN, FFION)
    request_id = await _submitted(away)
    assert request_id not in text_of(await away.cards_for(FFION))

    covered = _restarted(away, bot.federation)  # IT names Mrs Ffion Morgan as the delegate
    await _catching_up(covered).catch_up()
    [to_ffion] = (await MemoryOutbox(bot.store).owed_to(FFION)).messages
    decided = await covered.clicks(FFION, "permission.approve", {"id": request_id})

    assert verb_data(dict(to_ffion.card), "permission.approve")["id"] == request_id
    assert "Approved by Mrs Ffion Morgan" in text_of(decided.card)
    assert "approved" in text_of(await covered.cards_for(CARYS)).lower()
    assert "Approved by Mrs Ffion Morgan" in text_of(await covered.cards_for(SIAN))


@pytest.mark.parametrize("decided", [True, False])
async def test_a_former_head_who_never_opened_the_bot_is_not_later_handed_the_request(bot: BotInMemory,
                                                                                     decided: bool) -> None:
    await bot.meets(CARYS, FFION, GARETH)  # Siân never opened the bot: her card waits in the outbox
    request_id = await _submitted(bot)
    after = _restarted(bot, _headed_by(bot.federation, GARETH_AS_HEAD, "high", "primary"))

    if decided:
        await after.clicks(GARETH, "permission.decline", {"id": request_id, "reason": "Use the school page."})
    else:
        await _catching_up(after).catch_up()

    for former in (SIAN, FFION):  # the requester's details, with Approve and Decline, reach neither
        assert request_id not in text_of(await after.cards_for(former))
    assert request_id in text_of(await after.cards_for(GARETH if not decided else CARYS))


@pytest.mark.parametrize(("opened", "stuck"), [((FFION,), False), ((SIAN,), False), ((), True)])
async def test_the_requester_is_told_her_request_waits_only_when_nobody_who_decides_it_has_opened_the_bot(
        bot: BotInMemory, opened: tuple[Person, ...], stuck: bool) -> None:
    await bot.meets(CARYS, *opened)

    status = await bot.clicks(CARYS, "permission.submit", _form())

    assert ("Mrs Siân Roberts hasn't opened this bot in Teams yet" in text_of(status.card)) is stuck


async def test_the_welsh_status_of_a_heads_own_request_names_the_delegate_not_the_head(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.meets(SIAN)  # her delegate has not opened the bot

    undelivered = await bot.clicks(SIAN, "permission.submit", _form(), lang=Lang.CY)
    with monkeypatch.context() as outbox_down:
        outbox_down.setattr(MemoryOutbox, "enqueue", _refused_by_storage)
        not_queued = await bot.clicks(SIAN, "permission.submit", _form(platform="youtube"), lang=Lang.CY)

    for card in (undelivered.card, not_queued.card):
        said = text_of(card)
        assert "Mrs Ffion Morgan" in said and "pennaeth yn agor" not in said and "at y pennaeth" not in said
    assert "Dydy Mrs Ffion Morgan ddim wedi agor y bot" in text_of(undelivered.card)
    assert "ar restr Mrs Ffion Morgan" in text_of(not_queued.card)


async def _refused_by_storage(self: MemoryPermissionRequests, *args: Any) -> None:
    raise StorageUnavailable("storage refused the write")


async def test_requests_storage_refused_do_not_use_up_the_daily_limit(bot: BotInMemory,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.meets(CARYS, SIAN)
    with monkeypatch.context() as storage_down:
        storage_down.setattr(MemoryPermissionRequests, "create", _refused_by_storage)
        # Each press is told the records could not be reached, and the form stays.
        refused = [await bot.clicks(CARYS, "permission.submit", _form()) for _ in range(10)]

    sent = await bot.clicks(CARYS, "permission.submit", _form())

    assert all("couldn't reach the bot's records" in text_of(r.card) for r in refused)
    assert all("permission.submit" in text_of(r.card) for r in refused)
    assert "permission.withdraw" in text_of(sent.card) and "as many requests" not in text_of(sent.card)
    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 1


def _answered_late(fault: pytest.MonkeyPatch, write: str, *, then_unreadable: bool) -> None:
    """Storage makes the next `write` of a request ("create": a new request; "save": a decision, a withdrawal) but
    answers after the time budget; `then_unreadable`: nor can it be read just after."""
    real_write, real_get = getattr(MemoryPermissionRequests, write), MemoryPermissionRequests.get
    unreadable = {"left": 0}

    async def answered_late(requests: MemoryPermissionRequests, request: PermissionRequest, audit: AuditEntry) -> None:
        await real_write(requests, request, audit)
        unreadable["left"] = int(then_unreadable)
        raise StorageUnavailable("injected: the write answered after the budget")

    async def get(requests: MemoryPermissionRequests, request_id: str) -> PermissionRequest:
        if unreadable["left"]:
            unreadable["left"] -= 1
            raise StorageUnavailable("injected: storage went away")
        return await real_get(requests, request_id)

    fault.setattr(MemoryPermissionRequests, write, answered_late)
    fault.setattr(MemoryPermissionRequests, "get", get)


def _catching_up(bot: BotInMemory) -> PermissionFlow:
    """The permission flow on the bot's stores, for the catch-up pass the bot runs every minute."""
    return PermissionFlow(strings=load_catalogue(), federation=bot.federation,
                          requests=MemoryPermissionRequests(bot.store), notifier=QueueingNotifier(MemoryOutbox(
                              bot.store)), profiles=MemoryUserProfiles(bot.store),
                          directory=MemoryStaffDirectory(bot.store), limiter=MemoryRateLimiter(bot.store),
                          request_limit=10)


async def _cards_to_decide(bot: BotInMemory, person: Person) -> list[Card]:
    return [c for c in await bot.cards_for(person) if "permission.approve" in text_of(c)]


async def test_a_request_whose_save_answered_late_is_shown_as_sent_and_reaches_the_head_once(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.meets(CARYS, SIAN)
    with monkeypatch.context() as fault:
        _answered_late(fault, "create", then_unreadable=False)
        told = await bot.clicks(CARYS, "permission.submit", {**_form(), "form": await _form_token(bot)})
    await _catching_up(bot).catch_up()

    assert "nothing was changed" not in text_of(told.card) and "permission.withdraw" in text_of(told.card)
    assert len(await _cards_to_decide(bot, SIAN)) == 1


async def test_a_request_storage_may_have_saved_is_never_called_unsent_and_reaches_the_head_once(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.meets(CARYS, SIAN)
    form = {**_form(), "form": await _form_token(bot)}
    with monkeypatch.context() as fault:
        _answered_late(fault, "create", then_unreadable=True)
        told = await bot.clicks(CARYS, "permission.submit", form)
    await _catching_up(bot).catch_up()  # a minute later
    again = await bot.clicks(CARYS, "permission.submit", form)

    assert "can't tell whether your request was saved" in text_of(told.card)
    assert "will reach Mrs Siân Roberts within a few minutes" in text_of(told.card)
    assert "nothing was changed" not in text_of(told.card) and "Year 9 geography" in text_of(told.card)
    assert "permission.withdraw" in text_of(again.card)
    assert len(await _cards_to_decide(bot, SIAN)) == 1


@pytest.mark.parametrize("where", ["its card", "the pending list"])
async def test_a_decision_storage_made_but_answered_late_is_shown_as_made_and_reaches_the_requester(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    await bot.meets(CARYS, SIAN, FFION)
    request_id = await _submitted(bot)
    clicked = {"id": request_id, "reason": "Fine.", **({"from": "list"} if where == "the pending list" else {})}

    with monkeypatch.context() as fault:
        _answered_late(fault, "save", then_unreadable=False)
        told = await bot.clicks(SIAN, "permission.approve", clicked)

    assert "nothing was changed" not in text_of(told.card)
    assert "Approved by Mrs Siân Roberts" in text_of(told.card) or f"{request_id}: Approved by" in text_of(told.card)
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.APPROVED
    assert f"Your request {request_id} was approved" in text_of(await bot.cards_for(CARYS))
    assert "Approved by Mrs Siân Roberts" in text_of((await bot.cards_for(FFION))[-1])
    assert await MemoryPermissionRequests(bot.store).owed() == []


async def test_an_approval_whose_tidying_after_the_answer_storage_refuses_loses_nothing(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the answer the owed row goes (the messages were queued before it); storage refusing that leaves the row,
    and the catch-up pass finishes the job without queuing anything twice."""
    await bot.meets(CARYS, SIAN, FFION)
    request_id = await _submitted(bot)

    with monkeypatch.context() as storage_down:
        storage_down.setattr(MemoryPermissionRequests, "queued", _refused_by_storage)
        decided = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "reason": "Fine."})
    owed_after_the_fault = await MemoryPermissionRequests(bot.store).owed()
    await _catching_up(bot).catch_up()  # a minute later

    assert "Approved by Mrs Siân Roberts" in text_of(decided.card)
    assert owed_after_the_fault == [(request_id, RequestState.APPROVED)]
    assert await MemoryPermissionRequests(bot.store).owed() == []
    assert [m.message_id for m in await MemoryOutbox(bot.store).list_for_recipient(CARYS)] == [
        f"{request_id}|status-approved", f"{request_id}|decision"]
    assert "Approved by Mrs Siân Roberts" in text_of((await bot.cards_for(FFION))[-1])


async def test_a_decision_storage_may_have_made_is_never_called_unmade(bot: BotInMemory,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    with monkeypatch.context() as fault:
        _answered_late(fault, "save", then_unreadable=True)
        told = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "reason": "Fine."})
    again = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "reason": "Fine."})

    assert "can't tell whether that was saved" in text_of(told.card)
    assert "nothing was changed" not in text_of(told.card)
    assert "Approved by Mrs Siân Roberts" in text_of(again.card)  # pressed again: the one decision, shown
    assert [a for a, _ in await _trail(bot, request_id)].count("approved") == 1


async def test_a_decision_storage_did_not_make_is_told_nothing_changed(bot: BotInMemory,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    with monkeypatch.context() as storage_down, pytest.raises(StorageUnavailable):  # the edge: "nothing was changed"
        storage_down.setattr(MemoryPermissionRequests, "save", _refused_by_storage)
        await bot.clicks(SIAN, "permission.approve", {"id": request_id, "reason": "Fine."})

    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.PENDING


async def test_a_withdrawal_storage_made_but_answered_late_is_shown_as_made(bot: BotInMemory,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    with monkeypatch.context() as fault:
        _answered_late(fault, "save", then_unreadable=False)
        told = await bot.clicks(CARYS, "permission.withdraw", {"id": request_id})

    assert "nothing was changed" not in text_of(told.card) and "Withdrawn" in text_of(told.card)
    assert "Withdrawn" in text_of((await bot.cards_for(SIAN))[-1])
    assert await MemoryPermissionRequests(bot.store).owed() == []


async def _last_card_about(bot: BotInMemory, person: Person, request_id: str) -> str:
    """The card the sender brings last about the request to a person's chat (a later card replaces one of the same
    key, so only the last one of each reaches Teams)."""
    queued = [m for m in await MemoryOutbox(bot.store).list_for_recipient(person) if request_id in m.card_key]
    return text_of(queued[-1].card) if queued else ""


@pytest.mark.parametrize("pass_", ["catch-up", "first pass"])
async def test_a_decision_made_while_the_catch_up_pass_sends_the_request_leaves_no_live_approve_card(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch, pass_: str) -> None:
    await bot.meets(CARYS, SIAN, FFION)
    catching_up = _catching_up(bot)
    if pass_ == "catch-up":
        await catching_up.catch_up()  # the instance's first pass, before anything was owed
    with monkeypatch.context() as outbox_down:  # the request is stored; its cards to the deciders are owed
        outbox_down.setattr(MemoryOutbox, "enqueue", _refused_by_storage)
        request_id = await _submitted(bot)
    real_get, real_pending = MemoryPermissionRequests.get, MemoryPermissionRequests.list_pending
    decided: list[str] = []

    async def sian_approves_from_her_list() -> None:
        decided.append("clicking")
        reply = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "from": "list"})
        decided.append(text_of(reply.card))

    async def get(requests: MemoryPermissionRequests, wanted: str) -> PermissionRequest:
        read = await real_get(requests, wanted)
        if not decided and read.state is RequestState.PENDING:  # the pass has read it waiting
            await sian_approves_from_her_list()
        return read

    async def list_pending(requests: MemoryPermissionRequests, school_ids: Any) -> list[PermissionRequest]:
        read = await real_pending(requests, school_ids)
        if not decided and read:
            await sian_approves_from_her_list()
        return read

    monkeypatch.setattr(MemoryPermissionRequests, "get", get)
    monkeypatch.setattr(MemoryPermissionRequests, "list_pending", list_pending)
    await catching_up.catch_up()

    assert f"{request_id}: Approved by Mrs Siân Roberts" in decided[-1]
    for person in (SIAN, FFION):
        last = await _last_card_about(bot, person, request_id)
        assert "Approved by Mrs Siân Roberts" in last, f"{person.name}'s last card of the request: {last[:300]}"
        assert "permission.approve" not in last


async def test_a_burst_of_requests_stops_at_the_daily_limit(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)

    replies = await asyncio.gather(*(bot.clicks(CARYS, "permission.submit", _form(purpose=f"Page {n}"))
                                     for n in range(12)))

    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 10
    assert sum("as many requests" in text_of(r.card) for r in replies) == 2
    assert len([c for c in await bot.cards_for(SIAN) if "permission.approve" in text_of(c)]) == 10


async def test_a_second_press_of_the_last_request_allowed_today_shows_that_request(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    for n in range(9):
        await bot.clicks(CARYS, "permission.submit", _form(purpose=f"Page {n}"))
    last = {**_form(), "form": await _form_token(bot)}

    sent = await bot.clicks(CARYS, "permission.submit", last)
    again = await bot.clicks(CARYS, "permission.submit", last)

    assert verb_data(again.card or {}, "permission.withdraw") == verb_data(sent.card or {}, "permission.withdraw")
    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 10


async def test_pressing_send_again_on_an_earlier_request_does_not_use_up_the_days_requests(bot: BotInMemory) -> None:
    """Carys pressed Send again on her first form (still open on her phone) after sending a second: she is shown the
    first request, and the press used to cost one of the day's requests, so her tenth real request was refused."""
    await bot.meets(CARYS, SIAN)
    first = {**_form(purpose="Page R"), "form": await _form_token(bot)}
    second = {**_form(purpose="Page S"), "form": await _form_token(bot)}
    sent = await bot.clicks(CARYS, "permission.submit", first)
    await bot.clicks(CARYS, "permission.submit", second)

    again = await bot.clicks(CARYS, "permission.submit", first)
    for n in range(8):
        await bot.clicks(CARYS, "permission.submit", _form(purpose=f"Page {n}"))

    assert verb_data(again.card or {}, "permission.withdraw") == verb_data(sent.card or {}, "permission.withdraw")
    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 10
    more = await bot.clicks(CARYS, "permission.submit", _form(purpose="One more"))
    assert "as many requests" in text_of(more.card)  # the limit still holds, at ten


@pytest.mark.parametrize("stored_by", ["the first press", "the second press"])
async def test_a_double_press_of_send_on_the_days_last_request_is_told_it_was_sent_and_counts_once(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch, stored_by: str) -> None:
    await bot.meets(CARYS, SIAN)
    for n in range(9):
        await bot.clicks(CARYS, "permission.submit", _form(purpose=f"Page {n}"))
    last = {**_form(), "form": await _form_token(bot)}
    real_create = MemoryPermissionRequests.create
    second_writing, first_stored = asyncio.Event(), asyncio.Event()

    async def until(event: asyncio.Event, task: asyncio.Task[Any]) -> None:
        """Until the event is set or the task is done."""
        waiting = asyncio.ensure_future(event.wait())
        await asyncio.wait([waiting, task], return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()

    async def create(requests: MemoryPermissionRequests, request: PermissionRequest, audit: AuditEntry) -> None:
        if asyncio.current_task() is first:  # the laptop's write is slow: the phone presses meanwhile
            await until(second_writing, second) if stored_by == "the first press" else await asyncio.wait([second])
            await real_create(requests, request, audit)
            first_stored.set()
        else:
            second_writing.set()
            if stored_by == "the first press":
                await first_stored.wait()
            await real_create(requests, request, audit)

    monkeypatch.setattr(MemoryPermissionRequests, "create", create)
    first = asyncio.create_task(bot.clicks(CARYS, "permission.submit", last))  # laptop
    second = asyncio.create_task(bot.clicks(CARYS, "permission.submit", last))  # phone, at the same moment
    presses = await asyncio.gather(first, second)

    assert all("permission.withdraw" in text_of(p.card) for p in presses), [text_of(p.card)[:300] for p in presses]
    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 10
    more = await bot.clicks(CARYS, "permission.submit", _form(purpose="One more"))
    assert "as many requests" in text_of(more.card)  # the double press used the day's last request, once


async def test_a_form_whose_request_id_is_already_someone_elses_still_sends_a_request_of_its_own(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.meets(CARYS, OWAIN, SIAN)
    owains = await _submitted(bot, OWAIN)
    monkeypatch.setattr("dialogs.permission_requests.account_request_id", lambda request, earlier: owains)

    sent = await bot.clicks(CARYS, "permission.submit", {**_form(purpose="Carys's page"), "form": "F-" + "a" * 16})

    [carys] = await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)
    assert carys.request_id != owains and carys.purpose == "Carys's page"
    assert verb_data(sent.card or {}, "permission.withdraw")["id"] == carys.request_id
    assert any(carys.request_id in text_of(c) for c in await bot.cards_for(SIAN))

async def test_a_request_whose_purpose_and_moderator_show_nothing_is_refused_and_nothing_stored(
        bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)

    answer = await bot.clicks(CARYS, "permission.submit", _form(purpose="\u200b\u200b", moderator="\ufeff\u2060"))

    assert "Say what the account is for." in text_of(answer.card) and "Say who moderates it." in text_of(answer.card)
    assert await MemoryPermissionRequests(bot.store).list_by_requester(CARYS) == []
    assert await bot.cards_for(SIAN) == []


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize(("field", "filled", "said"), [
    ("platform_other", {"platform": "other", "platform_other": "🎉🎉"}, "perm.error.platform_other_words"),
    ("existing_account", {"account_kind": "existing", "existing_account": "🙂 👍"},
     "perm.error.existing_account_words"),
    ("consent", {"pupil_content": "photos", "consent": "✅ ..."}, "perm.error.consent_words"),
])
async def test_a_platform_account_or_consent_of_emoji_or_marks_alone_is_refused_and_nothing_sent(
        bot: BotInMemory, strings: Catalogue, lang: Lang, field: str, filled: dict[str, str], said: str) -> None:
    """As for the purpose and the moderator: "Carys Jenkins asks to start a new 🎉🎉 account", an existing account
    "🙂 👍" or consent "✅ ..." tell the headteacher nothing to decide on. Before, each went to her as a request."""
    await bot.meets(CARYS, SIAN)

    answer = await bot.clicks(CARYS, "permission.submit", {**_form(**filled), "lang": lang.value})

    assert strings.text(said, lang) in text_of(answer.card)
    assert [e["id"] for e in _inputs(answer.card or {}) if e.get("value") == filled[field]] == [field]  # kept
    assert await MemoryPermissionRequests(bot.store).list_by_requester(CARYS) == []
    assert await bot.cards_for(SIAN) == []


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("named", ["Microsoft Teams", "Hwb", "hwb / MS Teams", "Teams (through Hwb)", "Hwb a Teams",
                                   "Teams meetings with parents", "a class team on Teams",
                                   "Cyfarfod Teams gyda rhieni",
                                   # Welsh as staff write it: "'r", "i", plurals and mutations ("fy nosbarth")
                                   "Cyfarfodydd Teams gyda'r rhieni", "Teams i'r disgyblion", "Teams i rieni",
                                   "Teams ar gyfer fy nosbarth", "Sianeli Teams y dosbarthiadau",
                                   "Digwyddiad byw ar Teams", "Ap Teams", "Hwb i ddisgyblion"])
async def test_a_request_for_hwb_or_microsoft_teams_is_not_sent_since_the_policy_needs_no_permission_for_them(
        bot: BotInMemory, strings: Catalogue, lang: Lang, named: str) -> None:
    """The policy asks permission for social media "other than via Hwb / Microsoft Teams". Before, "Other: Microsoft
    Teams" went to the headteacher as a request to decide (and, approved, stood on Official accounts)."""
    await bot.meets(CARYS, SIAN)

    answer = await bot.clicks(CARYS, "permission.submit",
                              {**_form(platform="other", platform_other=named), "lang": lang.value})

    assert strings.text("perm.error.platform_allowed", lang) in text_of(answer.card)
    assert "permission.withdraw" not in text_of(answer.card)
    assert await MemoryPermissionRequests(bot.store).list_by_requester(CARYS) == []
    assert await bot.cards_for(SIAN) == []


@pytest.mark.parametrize(("lang", "changed", "told"), [
    (Lang.EN, {"pupil_content": "photos,names", "consent": "Parents sign the photo consent form."},
     "pupils' photos, names or work not approved"),
    (Lang.CY, {"pupil_content": "photos,names", "consent": "Mae rhieni'n llofnodi'r ffurflen ganiatâd."},
     "lluniau, enwau neu waith disgyblion heb eu cymeradwyo"),
    (Lang.EN, {"moderation": "less"}, "checking it less often"),
    (Lang.EN, {"account_kind": "existing", "existing_account": "@ysgol_llani_year10"}, "purpose or account")])
async def test_an_approved_request_asked_for_again_with_more_than_was_approved_goes_to_the_headteacher(
        bot: BotInMemory, lang: Lang, changed: dict[str, str], told: str) -> None:
    """Carys's Instagram for parents was approved with no pupils' photos, names or work, checked every weekday, for
    @ysgol_llani_year9. Asking for the same account's purpose with pupils' photos and names (and how consent is
    handled), checked less often, or for another existing account is asking for something the head never approved.
    Before, the form said "You already have permission for this" and sent nothing: she could take it that the photos
    were approved."""
    await bot.meets(CARYS, SIAN)
    approved = _form(pupil_content="none", consent="", account_kind="existing",
                     existing_account="@ysgol_llani_year9")
    first = await bot.clicks(CARYS, "permission.submit", approved)
    await bot.clicks(SIAN, "permission.approve", {"id": verb_data(first.card or {}, "permission.withdraw")["id"]})
    same_again = await bot.clicks(CARYS, "permission.submit", approved, lang=lang)
    cards_to_sian = len(await bot.cards_for(SIAN))

    more = await bot.clicks(CARYS, "permission.submit", {**approved, **changed}, lang=lang)

    assert "permission.withdraw" not in text_of(same_again.card)  # what was approved, asked again: not sent
    assert told in text_of(same_again.card)  # and what would count as new is said
    assert "permission.withdraw" in text_of(more.card)
    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 2
    [new_card] = (await bot.cards_for(SIAN))[cards_to_sian:]
    assert "permission.approve" in text_of(new_card)


MORE_ADDED = [
    ({"pupil_content": "photos,work", "consent": "Parents opted in to photos; no names."},
     ("pupil_content", "consent"), "pupils' photos, names or work; how consent is handled"),
    ({"audience": "parents,pupils"}, ("audience",), "who it is for"),
]


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize(("added", "changed", "said_changed"), MORE_ADDED, ids=["pupils' photos", "another audience"])
async def test_more_added_to_a_waiting_request_is_sent_in_its_place_and_the_head_is_told_what_changed(
        strings: Catalogue, federation: Federation, lang: Lang, added: dict[str, str], changed: tuple[str, ...],
        said_changed: str) -> None:
    """Her Instagram request waits; she fills the form in again with pupils' photos added (or pupils as well as
    parents). Before, the photos were refused as a repeat ("withdraw it on My requests and send this form again": three
    steps on a phone, and the head's new card then said nothing of the old one), and pupils added went to the head as a
    second request for the same account, beside the first. Now the form offers "Send in place of P-…": one press
    withdraws the waiting request and sends this one, and the head has one request to decide, which says what it
    replaces and what changed; her old card says it was withdrawn and sent again. In school hours, when the head has
    had the first (at night it was still kept for the morning: see the test after the probe 12 one below)."""
    in_force = PolicyInForce(fixture_policy(), NoIndex())
    clock = Clock(datetime(2026, 11, 3, 10, 0, tzinfo=UTC))  # Tuesday 3 November, in school hours
    bot = open_bot(strings, federation, lambda: in_force, clock=clock)
    await bot.meets(CARYS, SIAN, FFION)
    first = await bot.clicks(CARYS, "permission.submit", _form(), lang=lang)
    old_id = str(verb_data(first.card or {}, "permission.withdraw")["id"])

    clock.now = datetime(2026, 11, 3, 10, 5, tzinfo=UTC)
    offered = await bot.clicks(CARYS, "permission.submit", _form(**added), lang=lang)
    cards_before = len(await bot.cards_for(SIAN))
    replaced = await bot.clicks(CARYS, "permission.submit", {**_form(**added),
                                                             **verb_data(offered.card or {}, "permission.submit")})

    assert "permission.withdraw" not in text_of(offered.card)  # nothing sent yet: the form, with the offer
    in_place = [a for a in actions(offered.card or {}) if a.get("data", {}).get("replaces") == old_id]
    assert [a["title"] for a in in_place] == [strings.text("perm.send_in_place", lang, id=old_id)]
    assert json.dumps(strings.text("perm.asked_already_waiting_changed", lang, id=old_id,
                                   when=_on_uk_clocks((await MemoryPermissionRequests(bot.store).get(old_id)
                                                       ).submitted_at)), ensure_ascii=False) in text_of(offered.card)
    requests = MemoryPermissionRequests(bot.store)
    new_id = str(verb_data(replaced.card or {}, "permission.withdraw")["id"])
    old, new = await requests.get(old_id), await requests.get(new_id)
    assert (old.state, old.decided_by_id, old.replaced_by) == (RequestState.WITHDRAWN, CARYS.aad_object_id, new_id)
    assert (new.state, new.replaces, new.changed) == (RequestState.PENDING, old_id, changed)
    assert [r.request_id for r in await requests.list_pending(["high"])] == [new_id]
    after = (await bot.cards_for(SIAN))[cards_before:]  # her card, a copy opened from a list, and the new one
    [new_card] = [c for c in after if "permission.approve" in text_of(c)]  # (queued within the same minute)
    edited_old = [c for c in after if c is not new_card]
    assert edited_old and all(old_id in text_of(c) and "permission.approve" not in text_of(c) for c in edited_old)
    assert new_id in text_of(edited_old)  # the old card points to the one sent in its place
    said = strings.text("perm.sent_in_place", Lang.EN, name=CARYS.name, id=old_id, changed=said_changed)
    assert json.dumps(said, ensure_ascii=False) in text_of(new_card) and "permission.approve" in text_of(new_card)
    assert strings.text("perm.status_in_place", lang, id=old_id) in text_of(replaced.card)
    assert ("withdrawn", CARYS.aad_object_id) in await _trail(bot, old_id)


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize(("changes", "changed"), [
    ({"pupil_content": "none", "consent": ""}, ("pupil_content", "consent")), ({}, ())])
async def test_a_request_asked_again_after_a_decline_tells_the_head_so_and_what_changed(
        strings: Catalogue, federation: Federation, lang: Lang, changes: dict[str, str],
        changed: tuple[str, ...]) -> None:
    """Probe 8: Siân declined Carys's netball club Instagram ("No pupils' work on Instagram, please."), and Carys sent
    it again without pupils' work. Before, the head's new card was a request like any other: nothing said she had
    declined this account before, nor what had changed, so she decided it again from nothing (or, asked again
    unchanged, did not see that nothing had). Now a box says she asked for it before, which request was declined, and
    what the form changed since (or that nothing did), with a way to open the declined one."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    sent = {**_form(purpose="Netball club results and fixtures.", start="2026-11-03"), "lang": lang.value}
    first = await bot.clicks(CARYS, "permission.submit", sent, lang=lang)
    first_id = str(verb_data(first.card or {}, "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.decline", {"id": first_id, "reason": "No pupils' work on Instagram, please."},
                     lang=lang)

    again = await bot.clicks(CARYS, "permission.submit", {**sent, **changes}, lang=lang)

    again_id = str(verb_data(again.card or {}, "permission.withdraw")["id"])
    [to_head] = [c for c in await bot.cards_for(SIAN) if again_id in text_of(c)]
    said = "; ".join(strings.text(f"perm.changed.{c}", lang) for c in changed)
    box = strings.text("perm.declined_before" if changed else "perm.declined_before_unchanged", lang, name=CARYS.name,
                       id=first_id, changed=said)
    assert again_id != first_id and box in text_of(to_head)
    assert {"id": first_id, "lang": lang.value} in [a.get("data") for a in actions(to_head)]
    assert verb_data(to_head, "permission.approve")["id"] == again_id
    # Opened from there, the declined request shows her decision and its reason.
    opened = await bot.clicks(SIAN, "permission.open", {"id": first_id, "lang": lang.value}, lang=lang)
    assert "No pupils' work on Instagram, please." in text_of(opened.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_asking_more_of_an_account_already_approved_tells_the_head_which_approval_it_widens(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Probe 8: Siân approved Carys's netball club Instagram without pupils' photos; Carys then asked for photos.
    Before, the head's card read "asks to start a new Instagram account", nothing saying the account was approved
    already nor that this asked for more than that approval. Now a box says which approval it widens and what it asks
    beyond it, with a way to open that one."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    sent = {**_form(purpose="Netball club results and fixtures.", start="2026-11-03", pupil_content="none",
                    consent=""), "lang": lang.value}
    first = await bot.clicks(CARYS, "permission.submit", sent, lang=lang)
    first_id = str(verb_data(first.card or {}, "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": first_id}, lang=lang)

    more = await bot.clicks(CARYS, "permission.submit",
                            {**sent, "pupil_content": "photos", "consent": "Parents opted in on the form."}, lang=lang)

    more_id = str(verb_data(more.card or {}, "permission.withdraw")["id"])
    [to_head] = [c for c in await bot.cards_for(SIAN) if more_id in text_of(c)]
    said = "; ".join(strings.text(f"perm.changed.{c}", lang) for c in ("pupil_content", "consent"))
    assert strings.text("perm.approved_before", lang, name=CARYS.name, id=first_id, changed=said) in text_of(to_head)
    assert {"id": first_id, "lang": lang.value} in [a.get("data") for a in actions(to_head)]


async def test_a_request_sent_in_place_of_one_the_head_decided_meanwhile_is_not_sent(bot: BotInMemory,
                                                                                     strings: Catalogue) -> None:
    """She presses "Send in place of P-…" after the head approved the waiting one: nothing is withdrawn or sent, and the
    form says what happened to it, to look at before sending again."""
    await bot.meets(CARYS, SIAN)
    old_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", _form())).card or {},
                           "permission.withdraw")["id"])
    more = _form(pupil_content="photos,work", consent="Parents opted in to photos.")
    offered = await bot.clicks(CARYS, "permission.submit", more)
    await bot.clicks(SIAN, "permission.approve", {"id": old_id})
    cards_before = len(await bot.cards_for(SIAN))

    late = await bot.clicks(CARYS, "permission.submit", {**more, **verb_data(offered.card or {}, "permission.submit")})

    requests = MemoryPermissionRequests(bot.store)
    assert (await requests.get(old_id)).state is RequestState.APPROVED
    assert [r.request_id for r in await requests.list_by_requester(CARYS)] == [old_id]
    assert "permission.withdraw" not in text_of(late.card) and "permission.submit" in text_of(late.card)
    assert f"{old_id}: Approved by Mrs Siân Roberts" in text_of(late.card)
    assert len(await bot.cards_for(SIAN)) == cards_before


async def test_send_in_place_pressed_twice_withdraws_once_and_sends_one_request(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    old_id = await _submitted(bot)
    old = await MemoryPermissionRequests(bot.store).get(old_id)
    more = _form(purpose=old.purpose, pupil_content="photos,work", consent="Parents opted in to photos.")
    offered = await bot.clicks(CARYS, "permission.submit", more)
    press = {**more, **verb_data(offered.card or {}, "permission.submit")}

    first, second = await asyncio.gather(bot.clicks(CARYS, "permission.submit", press),
                                         bot.clicks(CARYS, "permission.submit", press))

    requests = MemoryPermissionRequests(bot.store)
    assert [r.state for r in await requests.list_by_requester(CARYS)] == [RequestState.PENDING,
                                                                          RequestState.WITHDRAWN]
    assert [a for a, _ in await _trail(bot, old_id)].count("withdrawn") == 1
    new_id = verb_data(first.card or {}, "permission.withdraw")["id"]
    assert verb_data(second.card or {}, "permission.withdraw")["id"] == new_id


async def test_storage_failing_as_a_request_is_sent_in_place_loses_neither_and_never_leaves_both_waiting(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The withdrawal refused: nothing changes, and the offer stays. The withdrawal made and the new request refused:
    the form stays, and its Send (as "Send in place of …") sends it, still marked as sent in the old one's place."""
    await bot.meets(CARYS, SIAN)
    old_id = await _submitted(bot)
    more = _form(purpose=(await MemoryPermissionRequests(bot.store).get(old_id)).purpose, pupil_content="photos,work",
                 consent="Parents opted in to photos.")
    offered = await bot.clicks(CARYS, "permission.submit", more)
    press = {**more, **verb_data(offered.card or {}, "permission.submit")}
    requests = MemoryPermissionRequests(bot.store)

    with monkeypatch.context() as storage_down, pytest.raises(StorageUnavailable):  # the edge: "nothing was changed",
        storage_down.setattr(MemoryPermissionRequests, "save", _refused_by_storage)  # below the form, which stays
        await bot.clicks(CARYS, "permission.submit", press)
    still_waiting = (await requests.get(old_id)).state
    with monkeypatch.context() as storage_down:
        storage_down.setattr(MemoryPermissionRequests, "create", _refused_by_storage)
        not_sent = await bot.clicks(CARYS, "permission.submit", press)
    withdrawn = await requests.get(old_id)
    sent = await bot.clicks(CARYS, "permission.submit", {**more, **verb_data(not_sent.card or {}, "permission.submit")})

    assert still_waiting is RequestState.PENDING
    assert "couldn't reach the bot's records" in text_of(not_sent.card)
    assert "permission.submit" in text_of(not_sent.card)
    new_id = str(verb_data(sent.card or {}, "permission.withdraw")["id"])
    assert (withdrawn.state, withdrawn.replaced_by) == (RequestState.WITHDRAWN, new_id)
    new = await requests.get(new_id)
    assert (new.replaces, new.changed) == (old_id, ("pupil_content", "consent"))
    assert [r.request_id for r in await requests.list_pending(["high"])] == [new_id]
    assert f"withdrew {old_id} and sent this in its place" in text_of((await bot.cards_for(SIAN))[-1])


async def test_someone_elses_request_named_to_replace_is_left_alone(bot: BotInMemory) -> None:
    """`replaces` is card data: naming a colleague's request withdraws nothing of hers (identity comes from the
    activity); the form is sent as Carys's own request."""
    await bot.meets(CARYS, OWAIN, SIAN)
    owains = await _submitted(bot, OWAIN)

    sent = await bot.clicks(CARYS, "permission.submit", {**_form(), "form": "F-carysFormToken001", "replaces": owains})

    requests = MemoryPermissionRequests(bot.store)
    assert (await requests.get(owains)).state is RequestState.PENDING
    [mine] = await requests.list_by_requester(CARYS)
    assert (mine.state, mine.replaces) == (RequestState.PENDING, "")
    assert "permission.withdraw" in text_of(sent.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_another_platform_for_the_same_purpose_goes_beside_the_waiting_one_and_each_card_says_so(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """Instagram waits; she asks for Facebook too, for the same purpose. Two accounts are two decisions, but before, the
    head got a second card that said nothing of the first: the new one says which of hers waits beside it."""
    await bot.meets(CARYS, SIAN)
    first = await bot.clicks(CARYS, "permission.submit", _form(), lang=lang)
    old_id = str(verb_data(first.card or {}, "permission.withdraw")["id"])

    sent = await bot.clicks(CARYS, "permission.submit", _form(platform="facebook"), lang=lang)

    new_id = str(verb_data(sent.card or {}, "permission.withdraw")["id"])
    requests = MemoryPermissionRequests(bot.store)
    assert (await requests.get(new_id)).alongside == (old_id,)
    assert [r.request_id for r in await requests.list_pending(["high"])] == [old_id, new_id]
    new_card = (await bot.cards_for(SIAN))[-1]
    said = strings.text("perm.also_waiting", Lang.EN, name=CARYS.name, ids=old_id)
    assert new_id in text_of(new_card) and json.dumps(said, ensure_ascii=False) in text_of(new_card)


@pytest.mark.parametrize(("lang", "named"), [
    (Lang.EN, ("another platform", "pupils' photos, names or work", "less often", "days after")),
    (Lang.CY, ("platfform", "lluniau, enwau neu waith disgyblion", "llai aml", "diwrnodau ar ôl"))])
async def test_an_approval_tells_her_everything_that_needs_asking_again(bot: BotInMemory, strings: Catalogue,
                                                                        lang: Lang, named: tuple[str, ...]) -> None:
    """Approved with no pupils' photos, her approval card said "For anything new (another platform, audience or
    purpose), ask again": pupils' photos, checking it less often and days after those approved were not among them,
    though the bot sends each of those to the head as a new request (she could take photos to be covered). The card
    that tells her of the approval, and her status card, now name them."""
    await bot.meets(CARYS, SIAN)
    sent = await bot.clicks(CARYS, "permission.submit", _form(pupil_content="none", consent="", end=(
        uk_today(datetime.now(UTC)) + timedelta(days=30)).isoformat(), ongoing="false"), lang=lang)
    request_id = verb_data(sent.card or {}, "permission.withdraw")["id"]
    await bot.clicks(SIAN, "permission.approve", {"id": request_id})

    told = [c for c in await bot.cards_for(CARYS) if strings.text("perm.approved_next", lang) in text_of(c)]
    next_step = strings.text("perm.approved_next", lang)

    assert len(told) == 2  # the news of the approval, and her status card
    assert [word for word in named if word not in next_step] == []


@pytest.mark.parametrize(("typed", "platform"), [("Instagram", "instagram"), ("  facebook.", "facebook"),
                                                 ("Twitter", "x"), ("X (Twitter)", "x"), ("Tik Tok", "tiktok"),
                                                 ("YouTube", "youtube"),
                                                 # By its web address or its nickname (before, each was a platform
                                                 # of its own, its address the head's card's platform).
                                                 ("https://www.instagram.com/", "instagram"),
                                                 ("instagram.com", "instagram"), ("📸 Insta 📸", "instagram"),
                                                 ("www.facebook.com", "facebook"), ("https://x.com", "x"),
                                                 ("youtube.com/", "youtube"),
                                                 # A slip of one letter in a name of five or more (before, each was
                                                 # a platform of its own, "Instagarm" on the head's card).
                                                 ("Instagarm", "instagram"), ("instgram", "instagram"),
                                                 ("Facebok", "facebook"), ("twiter", "x"), ("Youtub", "youtube"),
                                                 ("TikTock", "tiktok"), ("Tic Tok", "tiktok")])
async def test_a_listed_platform_typed_under_other_is_that_platform_and_repeats_it(
        bot: BotInMemory, typed: str, platform: str) -> None:
    """"Other: Instagram" is the form's Instagram. Before, it was a platform of its own: the same request sent again
    that way passed the check for a repeat, reached the headteacher a second time and, approved, stood twice on
    Official accounts."""
    await bot.meets(CARYS, SIAN)
    first = await bot.clicks(CARYS, "permission.submit", _form(platform=platform))
    cards_to_sian = len(await bot.cards_for(SIAN))

    again = await bot.clicks(CARYS, "permission.submit", _form(platform="other", platform_other=typed))

    assert "permission.withdraw" in text_of(first.card) and "permission.withdraw" not in text_of(again.card)
    assert str(verb_data(first.card or {}, "permission.withdraw")["id"]) in text_of(again.card)  # which it repeats
    assert len(await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)) == 1
    assert len(await bot.cards_for(SIAN)) == cards_to_sian


async def test_a_request_for_a_listed_platform_typed_under_other_is_kept_as_that_platform(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)

    await bot.clicks(CARYS, "permission.submit", _form(platform="other", platform_other="instagram"))

    [stored] = await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)
    assert (stored.platform, stored.platform_other, stored.platform_name) == ("instagram", "", "Instagram")


@pytest.mark.parametrize("named", ["Teams live stream on YouTube", "Padlet", "Hwb blog and Instagram"])
async def test_another_platform_named_beside_hwb_or_teams_still_goes_to_the_headteacher(
        bot: BotInMemory, named: str) -> None:
    await bot.meets(CARYS, SIAN)

    answer = await bot.clicks(CARYS, "permission.submit", _form(platform="other", platform_other=named))

    assert "permission.withdraw" in text_of(answer.card)
    assert named in text_of(await bot.cards_for(SIAN))


@pytest.mark.parametrize(("lang", "named"), [
    (Lang.EN, "Google Classroom"), (Lang.EN, "email to parents"), (Lang.EN, "Seesaw"), (Lang.EN, "ClassDojo"),
    (Lang.EN, "Class Dojo for my class"), (Lang.EN, "E-mail"), (Lang.EN, "text messages to parents"),
    (Lang.EN, "the school website"), (Lang.CY, "Google Classroom i'r dosbarth"), (Lang.CY, "e-bost i rieni"),
    (Lang.CY, "Gwefan yr ysgol"), (Lang.EN, "Tapestry")])
async def test_a_tool_the_policy_does_not_name_says_so_before_it_goes_and_still_goes_when_she_wants(
        bot: BotInMemory, strings: Catalogue, lang: Lang, named: str) -> None:
    """The policy asks permission for social media (its own description: "websites and online tools which allow users
    to interact with each other"), other than via Hwb / Microsoft Teams; it names neither Google Classroom, email,
    Seesaw nor ClassDojo. Before, "Other: Google Classroom" went straight to the headteacher as if it were a social
    network, and Carys was told nothing of that. Now she is told honestly first, and one more press sends it."""
    await bot.meets(CARYS, SIAN)
    sent = {**_form(platform="other", platform_other=named), "lang": lang.value}

    first = await bot.clicks(CARYS, "permission.submit", sent)

    assert text_of(strings.text("perm.not_named_by_policy", lang, platform=named))[1:-1] in text_of(first.card)
    assert await MemoryPermissionRequests(bot.store).list_by_requester(CARYS) == []
    assert await bot.cards_for(SIAN) == []
    anyway = verb_data(first.card or {}, "permission.submit")
    assert anyway["anyway"] == "yes"

    second = await bot.clicks(CARYS, "permission.submit", {**sent, **anyway})

    assert "permission.withdraw" in text_of(second.card)
    assert named in text_of(await bot.cards_for(SIAN))


@pytest.mark.parametrize("named", ["a school website blog", "Seesaw and Instagram", "Padlet", "Google Classroom blog"])
async def test_a_blog_or_a_social_network_beside_such_a_tool_goes_to_the_headteacher_at_once(
        bot: BotInMemory, named: str) -> None:
    """The policy "covers all social media tools including blogs": a blog on the school website is one it names."""
    await bot.meets(CARYS, SIAN)

    answer = await bot.clicks(CARYS, "permission.submit", _form(platform="other", platform_other=named))

    assert "permission.withdraw" in text_of(answer.card)
    assert named in text_of(await bot.cards_for(SIAN))


@pytest.mark.parametrize(("typed", "lang", "named"), [
    ("I need permission to use ClassDojo with my class", Lang.EN, "ClassDojo"),
    ("Dw i angen caniatâd i ddefnyddio Seesaw gyda'r dosbarth", Lang.CY, "Seesaw")])
async def test_asking_permission_for_a_tool_the_policy_does_not_name_says_so_on_the_form(
        bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang, named: str) -> None:
    await bot.meets(CARYS)

    form = (await bot.says(CARYS, typed)).card or {}

    assert text_of(strings.text("perm.not_named_by_policy", lang, platform=named))[1:-1] in text_of(form)


@pytest.mark.parametrize(("typed", "lang", "named"), [
    ("I need permission to use Teams with my class", Lang.EN, "Microsoft Teams"),
    ("I need permission for a Hwb class page", Lang.EN, "Hwb"),
    ("Dw i angen caniatâd i ddefnyddio Teams gyda'r dosbarth", Lang.CY, "Microsoft Teams"),
])
async def test_asking_permission_for_hwb_or_teams_says_at_once_that_none_is_needed(
        bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang, named: str) -> None:
    await bot.meets(CARYS)

    form = (await bot.says(CARYS, typed)).card or {}

    assert strings.text("perm.error.platform_allowed", lang) in text_of(form)
    values = {e["id"]: e.get("value") for e in _inputs(form)}
    assert (values["platform"], values["platform_other"]) == ("other", named)


async def test_a_platform_beside_teams_in_a_typed_request_is_still_chosen(bot: BotInMemory) -> None:
    await bot.meets(CARYS)

    form = (await bot.says(CARYS, "I need permission to share Teams recordings on YouTube")).card or {}

    assert {e["id"]: e.get("value") for e in _inputs(form)}["platform"] == "youtube"
    assert "need no permission" not in text_of(form)


@pytest.mark.parametrize("reason", ["\u200b\u200b", "\u2028", "\ufeff", " \u2060\n"])
@pytest.mark.parametrize("where", ["card", "list"])
async def test_a_decline_whose_reason_shows_nothing_asks_for_one_and_the_requester_hears_nothing(
        bot: BotInMemory, reason: str, where: str) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    told_before = await bot.cards_for(CARYS)
    data = {"id": request_id, "reason": reason} if where == "card" else {
        "id": request_id, "from": "list", f"reason_{request_id}": reason}

    answer = await bot.clicks(SIAN, "permission.decline", data)

    assert "Please give a reason when declining." in text_of(answer.card)
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.PENDING
    assert await bot.cards_for(CARYS) == told_before


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("reason", ["👎", "🙁🙁", "...", "?!", "❌ ✋"])
@pytest.mark.parametrize("where", ["card", "list"])
async def test_a_decline_whose_reason_is_emoji_or_marks_alone_asks_for_it_in_words_and_the_requester_hears_nothing(
        bot: BotInMemory, strings: Catalogue, reason: str, where: str, lang: Lang) -> None:
    """A reason is required to decline because the member of staff is told it: "👎" or "..." tells her nothing. Before,
    it was the decline's reason, and her card read "Reason: 👎"."""
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    told_before = await bot.cards_for(CARYS)
    data = {"id": request_id, "reason": reason} if where == "card" else {
        "id": request_id, "from": "list", f"reason_{request_id}": reason}

    answer = await bot.clicks(SIAN, "permission.decline", {**data, "lang": lang.value})

    assert strings.text("perm.reason_words", lang) in text_of(answer.card)
    assert "permission.decline" in text_of(answer.card)  # to decline again, with words
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.PENDING
    assert await _trail(bot, request_id) == [("sent to approver", CARYS.aad_object_id),
                                             ("submitted", CARYS.aad_object_id)]
    assert await bot.cards_for(CARYS) == told_before


async def test_an_approval_may_still_carry_a_comment_of_emoji_alone(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    await bot.clicks(SIAN, "permission.approve", {"id": request_id, "reason": "👍"})

    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert (stored.state, stored.comment) == (RequestState.APPROVED, "👍")


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("waiting", [1, 5])  # each request in full, or a summary of each
async def test_the_pending_list_and_the_full_request_say_when_the_member_of_staff_has_left_the_staff_list(
        bot: BotInMemory, strings: Catalogue, lang: Lang, waiting: int) -> None:
    """Carys asks, then leaves: the office's next staff list has no row for her. Before, the headteacher's pending list
    and the request opened from it showed her request as any other (only Official accounts marked a leaver, once
    approved): the head could approve an account for someone who had gone."""
    await bot.has_the_staff_list()
    await bot.meets(CARYS, OWAIN, SIAN)
    carys = [await _submitted(bot) for _ in range(waiting)]
    owain = await _submitted(bot, OWAIN)
    directory = MemoryStaffDirectory(bot.store)
    await directory.replace_all([m for m in await directory.list_members()
                                 if m.aad_object_id != CARYS.aad_object_id])
    left = strings.text("perm.pending_left", lang, name=CARYS.name)

    listed = await bot.clicks(SIAN, "permission.pending", {"lang": lang.value})
    opened = await bot.clicks(SIAN, "permission.open", {"id": carys[0], "lang": lang.value})
    owains = await bot.clicks(SIAN, "permission.open", {"id": owain, "lang": lang.value})

    assert text_of(listed.card).count(json.dumps(left, ensure_ascii=False)[1:-1]) == waiting
    assert left in text_of(opened.card) and "permission.decline" in text_of(opened.card)
    assert strings.text("perm.pending_left", lang, name=OWAIN.name) not in text_of([listed.card, owains.card])


async def test_a_leavers_request_shown_whole_after_a_click_on_the_list_still_says_she_has_left(
        bot: BotInMemory, strings: Catalogue) -> None:
    """Approve pressed under a request cut short on the list opens it whole, to read before deciding: that card says
    she has left too."""
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN)
    status = await bot.clicks(CARYS, "permission.submit", _form(purpose=LONG_PURPOSE))
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    directory = MemoryStaffDirectory(bot.store)
    await directory.replace_all([m for m in await directory.list_members()
                                 if m.aad_object_id != CARYS.aad_object_id])

    whole = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "from": "list"})

    assert "Pupils' faces are never shown." in text_of(whole.card)  # the whole request, not decided
    assert strings.text("perm.pending_left", Lang.EN, name=CARYS.name) in text_of(whole.card)
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.PENDING


async def test_nobody_is_marked_as_gone_while_no_staff_list_is_imported(bot: BotInMemory, strings: Catalogue) -> None:
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    listed = await bot.clicks(SIAN, "permission.pending", {})
    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id})

    marked = strings.text("perm.pending_left", Lang.EN, name=CARYS.name)
    assert marked not in text_of(listed.card) and marked not in text_of(opened.card)


async def test_the_pending_list_still_opens_and_decides_when_the_staff_list_cannot_be_read(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a requester has left is a mark on the list: a staff list storage does not give back marks nobody."""
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    async def unreadable(self: MemoryStaffDirectory) -> NoReturn:
        raise StorageUnavailable("the directory table did not answer")

    monkeypatch.setattr(MemoryStaffDirectory, "list_members", unreadable)

    listed = await bot.clicks(SIAN, "permission.pending", {})
    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id})
    decided = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "from": "list"})

    assert "permission.approve" in text_of(listed.card) and "permission.approve" in text_of(opened.card)
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.APPROVED
    assert "no longer on the staff list" not in text_of([listed.card, opened.card, decided.card])


# Someone Teams sends no display name for (none kept from before, and Teams' member lookup failing), whom no staff list
# names either: the edge hands the flow a person with no name.
NAMELESS = Person(TENANT, "a1000000-0000-4000-8000-0000000000ff", "")
UNNAMED = {Lang.EN: "A member of staff with no name in Teams (IT can see who has Entra object id "
                    "a1000000-0000-4000-8000-0000000000ff)",
           Lang.CY: "aelod o staff heb enw yn Teams (gall y tîm TG weld pwy sydd â'r ID gwrthrych Entra "
                    "a1000000-0000-4000-8000-0000000000ff)"}


async def test_a_request_from_someone_teams_gave_no_name_is_named_from_the_staff_list(bot: BotInMemory) -> None:
    """Before, her request was stored with no name and the headteacher's card began " asks to start …": the staff list
    knows her by her Entra object id."""
    await bot.has_the_staff_list()
    carys = replace(CARYS, name="")
    await bot.meets(carys, SIAN)

    status = await bot.clicks(carys, "permission.submit", _form())
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    [to_head] = await bot.cards_for(SIAN)

    assert "Carys Jenkins asks to start a new Instagram account for parents" in text_of(to_head)
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).requester.name == "Carys Jenkins"
    assert [a.actor_name for a in await MemoryPermissionRequests(bot.store).list_audit(request_id)
            if a.action == "submitted"] == ["Carys Jenkins"]


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_from_someone_nobody_names_says_who_asked_by_the_id_it_can_be_looked_up_by(
        bot: BotInMemory, lang: Lang) -> None:
    """No name from Teams and no staff list: before, the head's card, her pending list and Official accounts named
    nobody (" asks to start …", " · Instagram"). Each says who asked by the Entra object id IT can look up, in the
    reader's language, and the request is decided and ended as any other."""
    await bot.meets(NAMELESS, SIAN)
    status = await bot.clicks(NAMELESS, "permission.submit", _form())
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    [to_head] = await bot.cards_for(SIAN)

    listed = await bot.clicks(SIAN, "permission.pending", {"lang": lang.value})
    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id, "lang": lang.value})
    decided = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "lang": lang.value})
    register = await bot.clicks(SIAN, "permission.register", {"lang": lang.value})
    ended = await bot.clicks(NAMELESS, "permission.end", {"id": request_id, "lang": lang.value})

    assert UNNAMED[Lang.EN] + " asks to start a new Instagram account" in text_of(to_head)
    shown = [listed.card, opened.card, decided.card, register.card]
    assert [UNNAMED[lang][1:] in text_of(card) for card in shown] == [True] * len(shown)  # "A member", "(a member"
    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert stored.state is RequestState.ENDED
    assert "permission.end" not in text_of(ended.card)
    today = uk_today(datetime.now(UTC))
    [_, exported] = csv.reader(io.StringIO(decisions_csv([stored], start=today - timedelta(days=1),
                                                         end=today + timedelta(days=1), school_names={})))
    assert exported[2] == "(no name in Teams: Entra object id a1000000-0000-4000-8000-0000000000ff)"
    nobody = re.compile(r'"text": "(?:asks |· )|  |\(\)')  # a sentence, line or bracket naming nobody where a name goes
    assert nobody.findall(text_of([to_head, *shown, *(await bot.cards_for(SIAN))])) == []


@pytest.mark.parametrize(("lang", "renamed", "named_since"), [
    (Lang.EN, "Carys Morgan (Carys Jenkins when the request was sent)",
     "Carys Jenkins (no name in Teams when the request was sent)"),
    (Lang.CY, "Carys Morgan (Carys Jenkins oedd yr enw pan anfonwyd y cais)",
     "Carys Jenkins (heb enw yn Teams pan anfonwyd y cais)")])
async def test_a_request_waiting_names_its_member_of_staff_as_teams_names_her_now(
        bot: BotInMemory, lang: Lang, renamed: str, named_since: str) -> None:
    """Carys Jenkins marries while her request waits, and Teams now calls her Carys Morgan; a colleague Teams gave no
    name at Send has one since. Before, the head's pending list and the request's card kept the name of the moment it
    was sent: a name Teams no longer shows her by, and "a member of staff with no name in Teams" for someone the bot
    can now name. Both are shown as Teams names them now, with the name the request was sent under; the record keeps
    what was sent."""
    await bot.meets(CARYS, NAMELESS, SIAN)
    carys = await _submitted(bot)
    nameless = await _submitted(bot, NAMELESS)
    # Each writes to the bot again, and the edge keeps the name Teams gives them now (as on every activity).
    await bot.meets(replace(CARYS, name="Carys Morgan"), replace(NAMELESS, name="Carys Jenkins"))

    listed = await bot.clicks(SIAN, "permission.pending", {"lang": lang.value})
    opened = [await bot.clicks(SIAN, "permission.open", {"id": request_id, "lang": lang.value})
              for request_id in (carys, nameless)]

    assert renamed in text_of(listed.card) and named_since in text_of(listed.card)
    assert renamed in text_of(opened[0].card) and named_since in text_of(opened[1].card)
    assert UNNAMED[lang][1:] not in text_of([listed.card, opened[1].card])
    requests = MemoryPermissionRequests(bot.store)
    assert [(await requests.get(r)).requester.name for r in (carys, nameless)] == ["Carys Jenkins", ""]


@pytest.mark.parametrize(("sent_as", "now"), [
    ("Siân Jenkins", "Sian Jenkins"), ("Carys Jenkins", "Jenkins, Carys"), ("Carys Jenkins", "Carys M. Jenkins"),
    ("Carys Jenkins", "CARYS JENKINS")])
@pytest.mark.parametrize("lang", list(Lang))
async def test_a_name_teams_spells_another_way_since_is_not_shown_as_a_change_of_name(
        bot: BotInMemory, strings: Catalogue, lang: Lang, sent_as: str, now: str) -> None:
    """Teams (or another client of it) gives her name without its accent, surname first, with a middle initial or in
    capitals: the same name, not a new one. Before, the head read "Sian Jenkins (Siân Jenkins when the request was
    sent)", as if she had changed her name."""
    carys = replace(CARYS, name=sent_as)
    await bot.meets(carys, SIAN)
    request_id = await _submitted(bot, carys)
    await bot.meets(replace(CARYS, name=now))

    listed = await bot.clicks(SIAN, "permission.pending", {"lang": lang.value})
    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id, "lang": lang.value})

    renamed = strings.text("perm.requester_renamed", lang, name=now, sent_as=sent_as)
    for shown in (text_of(listed.card), text_of(opened.card)):
        assert renamed not in shown and sent_as in shown


def _drawn_as_markdown(node: object) -> list[str]:
    """The text of every TextBlock on a card, which Teams draws as markdown (links, bold), wherever it sits."""
    if isinstance(node, list):
        return [text for item in node for text in _drawn_as_markdown(item)]
    if not isinstance(node, dict):
        return []
    own = [str(node["text"])] if node.get("type") == "TextBlock" else []
    return own + [text for value in node.values() for text in _drawn_as_markdown(value)]


LINKED = "[Carys Jenkins](https://evil.example/login)"


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("then", ["withdrawn, then approved on the pending list",
                                  "ended by her, then on Official accounts", "withdrawn on My requests"])
async def test_a_display_name_in_the_line_saying_what_happened_is_shown_as_typed_not_as_a_link(
        bot: BotInMemory, then: str, lang: Lang) -> None:
    """The line over a list saying what a press did ("P-7KX3QD: Withdrawn by …") names whoever made the change, as
    Teams gives the name. Before, it was drawn as markdown: a display name written as a link showed the headteacher a
    link on her own pending list and Official accounts."""
    carys = replace(CARYS, name=LINKED)
    await bot.meets(carys, SIAN)
    request_id = await _submitted(bot, carys)
    if then.startswith("withdrawn, then"):
        await bot.clicks(carys, "permission.withdraw", {"id": request_id})
        answer = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "from": "list", "lang": lang.value})
    elif then.startswith("ended"):
        await bot.clicks(SIAN, "permission.approve", {"id": request_id})
        await bot.clicks(carys, "permission.end", {"id": request_id})
        answer = await bot.clicks(SIAN, "permission.end", {"id": request_id, "from": "register", "lang": lang.value})
    else:
        answer = await bot.clicks(carys, "permission.withdraw", {"id": request_id, "from": "list", "lang": lang.value})

    assert f"{request_id}: " in text_of(answer.card) and LINKED in text_of(answer.card)
    assert not any("evil.example" in shown for shown in _drawn_as_markdown(answer.card))


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_her_own_approval_ended_with_data_naming_official_accounts_shows_her_it_ended(
        bot: BotInMemory, lang: Lang) -> None:
    """End permission pressed by the member of staff who asked, with data saying it was pressed on Official accounts
    (a list she cannot see: no card of hers sends that, so a forged press or another client's). Her permission was
    ended, and she was told "Sorry — only headteachers, their delegates and the policy owner see the register", as if
    nothing had happened. Now she sees her request, ended by her."""
    strings = load_catalogue()
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot, CARYS)
    await bot.clicks(SIAN, "permission.approve", {"id": request_id})

    answer = await bot.clicks(CARYS, "permission.end", {"id": request_id, "from": "register", "lang": lang.value})

    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.ENDED
    assert strings.text("perm.only_heads_register", lang) not in text_of(answer.card)
    assert strings.text("perm.status_title", lang, id=request_id) in text_of(answer.card)
    assert "Carys Jenkins" in text_of(answer.card)


def _inputs(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every input on a card, wherever it sits."""
    found = [e for e in card.get("body", []) if str(e.get("type", "")).startswith("Input.")]
    for element in card.get("body", []):
        found += _inputs({"body": element.get("items", [])})
    return found


LONG_PURPOSE = ("Share Year 9 geography field trip highlights with parents, with photos of the river study at Llyn "
                "Clywedog. " * 8 + "Pupils' faces are never shown.")


async def test_a_request_cut_short_on_the_pending_list_is_decided_only_on_its_full_card(bot: BotInMemory) -> None:
    await bot.meets(CARYS, OWAIN, SIAN)
    long_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", _form(purpose=LONG_PURPOSE))).card or {},
                            "permission.withdraw")["id"])
    short_id = await _submitted(bot, OWAIN)

    listed = (await bot.clicks(SIAN, "permission.pending", {})).card or {}
    opened = await bot.clicks(SIAN, "permission.open", verb_data(listed, "permission.open"))

    on_list = {(a["verb"], a["data"].get("id")): a["title"] for a in actions(listed)}
    # The long request's last words are not on the list: no decision there, only the way to the whole request.
    assert "Pupils' faces are never shown." not in text_of(listed)
    assert on_list[("permission.open", long_id)] == f"See {long_id} in full"
    assert ("permission.approve", long_id) not in on_list and ("permission.decline", long_id) not in on_list
    assert f"reason_{long_id}" not in {i["id"] for i in _inputs(listed)}
    # Shown whole, the other keeps its decision on the list.
    assert {("permission.approve", short_id), ("permission.decline", short_id)} <= set(on_list)
    assert "Pupils' faces are never shown." in text_of(opened.card)
    assert verb_data(opened.card or {}, "permission.approve") == {"id": long_id, "from": "open", "lang": "en"}


async def test_a_long_pending_list_summarises_each_request_and_says_how_many_wait(bot: BotInMemory) -> None:
    await bot.meets(CARYS, OWAIN, SIAN)
    sent = [await _submitted(bot, CARYS if n % 2 else OWAIN) for n in range(12)]

    listed = (await bot.clicks(SIAN, "permission.pending", {})).card or {}
    opened = await bot.clicks(SIAN, "permission.open", {"id": sent[-1]})

    assert "Waiting for a decision: 12." in text_of(listed)
    opens = [a["data"] for a in actions(listed) if a["verb"] == "permission.open"]
    assert opens == [{"id": i, "lang": "en"} for i in sent[:10]]
    assert not {"permission.approve", "permission.decline"} & {a["verb"] for a in actions(listed)}
    assert _inputs(listed) == []
    assert "Carys Jenkins · Instagram" in text_of(listed) and "Only work, no names" not in text_of(listed)
    assert "2 more waiting" in text_of(listed)
    assert verb_data(opened.card or {}, "permission.approve") == {"id": sent[-1], "from": "open", "lang": "en"}


async def test_the_requester_is_told_where_the_decision_comes_and_to_wait_for_it(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)

    status = await bot.clicks(CARYS, "permission.submit", _form())
    request_id = verb_data(status.card or {}, "permission.withdraw")["id"]
    await bot.clicks(SIAN, "permission.approve", {"id": request_id})

    assert "The decision will come back to you here, in this chat." in text_of(status.card)
    assert "don't start using the account until the request is approved" in text_of(status.card)
    [_, decision] = [c for c in await bot.cards_for(CARYS) if "was approved" in text_of(c) or "Approved" in text_of(c)]
    assert "Keep to what was approved" in text_of(decision) and "ask again" in text_of(decision)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_end_date_asks_for_what_the_form_accepts(bot: BotInMemory, strings: Catalogue,
                                                           lang: Lang) -> None:
    await bot.meets(CARYS, SIAN)

    refused = await bot.clicks(CARYS, "permission.submit", _form(end="", ongoing="false"), lang=lang)

    inputs = {i["id"]: i for i in _inputs(refused.card or {})}
    error = strings.text("perm.error.end_or_ongoing", lang)
    [ongoing] = re.findall(r'"([^"]+)"', error)  # the box the error asks to tick, by its name
    assert inputs["end"]["label"].endswith(f" — {error}")
    assert inputs["ongoing"]["title"].startswith(ongoing) and f'"{ongoing}"' in inputs["end"]["label"]
    assert await MemoryPermissionRequests(bot.store).list_by_requester(CARYS) == []


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_consent_box_says_when_it_must_be_filled_in(bot: BotInMemory, strings: Catalogue,
                                                              lang: Lang) -> None:
    await bot.meets(CARYS, SIAN)

    refused = await bot.clicks(CARYS, "permission.submit", _form(pupil_content="photos", consent=""), lang=lang)

    when_needed = {Lang.EN: "pupils' photos, names or work", Lang.CY: "lluniau, enwau neu waith disgyblion"}[lang]
    label = {i["id"]: i for i in _inputs(refused.card or {})}["consent"]["label"]
    assert when_needed in label.lower() and when_needed in strings.text("perm.error.consent", lang).lower()
    assert label.endswith(f' — {strings.text("perm.error.consent", lang)}')


def _ongoing_and_an_end_date() -> dict[str, str]:
    return _form(end=(datetime.now(UTC).date() + timedelta(days=30)).isoformat(), ongoing="true")


@pytest.mark.parametrize("lang", list(Lang))
async def test_ongoing_ticked_with_an_end_date_is_refused_and_the_form_kept(bot: BotInMemory, lang: Lang) -> None:
    await bot.meets(CARYS, SIAN)
    sent = _ongoing_and_an_end_date()

    refused = await bot.clicks(CARYS, "permission.submit", sent, lang=lang)

    inputs = {i["id"]: i for i in _inputs(refused.card or {})}
    said = {Lang.EN: "not both", Lang.CY: "nid y ddau"}[lang]
    assert said in text_of(refused.card)
    assert (inputs["end"]["value"], inputs["ongoing"]["value"]) == (sent["end"], "true")
    assert await MemoryPermissionRequests(bot.store).list_by_requester(CARYS) == []
    assert await bot.cards_for(SIAN) == []


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("verb", ["permission.approve", "permission.decline"])
async def test_a_decision_clicked_on_the_list_under_a_request_cut_short_decides_nothing_and_shows_it_whole(
        bot: BotInMemory, verb: str, lang: Lang) -> None:
    """A list card posted before the list stopped offering it (or one Teams has not refreshed) still has Approve and
    Decline under a request cut short: the click shows the whole request instead of deciding it unread."""
    await bot.meets(CARYS, SIAN)
    long_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", _form(purpose=LONG_PURPOSE))).card or {},
                            "permission.withdraw")["id"])
    told_before, trail_before = await bot.cards_for(CARYS), await _trail(bot, long_id)

    answer = await bot.clicks(SIAN, verb, {"id": long_id, "from": "list", f"reason_{long_id}": "Looks fine"},
                              lang=lang)

    assert (await MemoryPermissionRequests(bot.store).get(long_id)).state is RequestState.PENDING
    assert await _trail(bot, long_id) == trail_before and await bot.cards_for(CARYS) == told_before
    said = {Lang.EN: "Not decided yet", Lang.CY: "Heb benderfynu eto"}[lang]
    assert said in text_of(answer.card) and "Pupils' faces are never shown." in text_of(answer.card)
    assert verb_data(answer.card or {}, verb) == {"id": long_id, "from": "open", "lang": lang.value}
    assert {i["id"]: i.get("value") for i in _inputs(answer.card or {})} == {"reason": "Looks fine"}
    assert answer.new_message  # as "See full request" opens it: the list clicked stays to come back to


async def test_a_reasonless_decline_from_a_list_grown_long_since_asks_for_the_reason_on_the_full_request(
        bot: BotInMemory) -> None:
    await bot.meets(CARYS, OWAIN, SIAN)
    for _ in range(3):
        await _submitted(bot, OWAIN)
    short = (await bot.clicks(SIAN, "permission.pending", {})).card or {}
    await _submitted(bot)
    await _submitted(bot)  # five wait now: the list is a summary, with no reason boxes
    clicked = verb_data(short, "permission.decline")

    answer = await bot.clicks(SIAN, "permission.decline", {**clicked, f"reason_{clicked['id']}": ""})

    assert "Please give a reason when declining." in text_of(answer.card)
    assert [i["id"] for i in _inputs(answer.card or {})] == ["reason"]
    assert verb_data(answer.card or {}, "permission.decline") == {"id": clicked["id"], "from": "open", "lang": "en"}
    assert (await MemoryPermissionRequests(bot.store).get(clicked["id"])).state is RequestState.PENDING


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_long_pending_list_says_to_open_each_request_to_decide_it(bot: BotInMemory, lang: Lang) -> None:
    await bot.meets(CARYS, OWAIN, SIAN)
    for n in range(12):
        await _submitted(bot, CARYS if n % 2 else OWAIN)

    listed = text_of((await bot.clicks(SIAN, "permission.pending", {}, lang=lang)).card)

    decide_these_first, open_each = {Lang.EN: ("Decide these first", "Open each request above to decide it"),
                                     Lang.CY: ("Penderfynwch ar y rhain yn gyntaf",
                                               "Agorwch bob cais uchod i benderfynu arno")}[lang]
    assert open_each in listed and decide_these_first not in listed


def _title(card: Card | None) -> str:
    return str((card or {}).get("body", [{}])[0].get("text", ""))


async def _kept(bot: BotInMemory) -> list[str]:
    """The words of each question the bot kept (asked of the policy)."""
    asked = await MemoryQuestionLog(bot.store).list_asked_until(datetime.now(UTC) + timedelta(minutes=1))
    return [q.text for q in asked]


ABOUT_MY_REQUEST = [
    ("what happened to my request", Lang.EN),
    ("has my request been approved?", Lang.EN),
    ("check my request", Lang.EN),
    ("Why was my request declined?", Lang.EN),
    ("Any news on my permission request?", Lang.EN),
    ("where are my requests", Lang.EN),
    ("Any update on my request?", Lang.EN),
    ("Beth ddigwyddodd i fy nghais?", Lang.CY),
    ("fy nghais", Lang.CY),
    ("Ydy fy nghais wedi cael ei gymeradwyo?", Lang.CY),
    ("Pam cafodd fy nghais ei wrthod?", Lang.CY),
    ("fy ngheisiadau", Lang.CY),
    ("Be ddigwyddodd i cais fi?", Lang.CY),
    # What the request was for may name followers, friends or other people: it is still the person's own request.
    ("Has my request for a class Instagram that parents can follow been approved?", Lang.EN),
    ("Why was my request for a Facebook page for the Friends of the School declined?", Lang.EN),
    ("Is my request to set up a class blog still pending?", Lang.EN),
    ("Has the head seen my request yet?", Lang.EN),
    ("I sent my request to Mrs Roberts last week, has she decided?", Lang.EN),
    ("What happened to my request from last week?", Lang.EN),
    ("Ydy fy nghais am dudalen Facebook i ffrindiau'r ysgol wedi cael ei gymeradwyo?", Lang.CY),
    ("Ydy fy nghais am gyfrif i ddilynwyr yr ysgol yn dal i aros?", Lang.CY),
    ("Ble mae fy nghais i ddefnyddio Instagram?", Lang.CY),
    ("Unrhyw newyddion am fy nghais i'r pennaeth?", Lang.CY),
    # "fy nghais i" then "ddim", "heb", "sy'n": "my" said twice, not "to"; the head "agreeing" is approving.
    ("Dydy fy nghais i ddim wedi cael ateb eto", Lang.CY),
    ("Mae fy nghais i heb gael ei ateb", Lang.CY),
    ("Ydy fy nghais i sy'n aros wedi cael ei weld?", Lang.CY),
    ("Ydy'r pennaeth wedi cytuno i fy nghais?", Lang.CY),
    # Named by its platform, as the Welsh "fy nghais Instagram" always was (before, English got a policy quote).
    ("Has my Instagram request been approved?", Lang.EN),
    ("any news on my insta request", Lang.EN),
    ("Is my class Instagram page request still pending?", Lang.EN),
    ("Ydy fy nghais Instagram wedi'i gymeradwyo?", Lang.CY),
    # ... and named by its platform alone, the Welsh after the noun (before: a policy quote on being friends with
    # students, or "the policy doesn't cover that").
    ("fy nghais insta", Lang.CY),
    ("Fy nghais Instagram", Lang.CY),
    ("fy nghais i am insta", Lang.CY),
    ("fy nghais insta plis", Lang.CY),
    ("'y nghais insta i", Lang.CY),
    ("my insta request", Lang.EN),
    ("my Instagram request please", Lang.EN),
    # The head's yes in other words, "i'm cais" for "i fy nghais", and a request named without "my" (before: a policy
    # quote on personal use, or "the policy doesn't cover that").
    ("Has the head said yes to my request?", Lang.EN),
    ("Has Mrs Roberts agreed to my request yet?", Lang.EN),
    ("Any word on my request?", Lang.EN),
    ("Any news on the request I sent?", Lang.EN),
    ("any news on my request?", Lang.EN),
    ("Ydy'r pennaeth wedi cytuno i'm cais?", Lang.CY),
    ("Ydy'r pennaeth wedi dweud ie i fy nghais?", Lang.CY),
    ("Unrhyw newyddion am y cais wnes i ei anfon?", Lang.CY),
    # The headteacher (or her delegate) by her first or whole name, with or without accents (before, a policy quote on
    # the headteacher's permission).
    ("Did Siân say yes to my request?", Lang.EN),
    ("did sian say yes to my request", Lang.EN),
    ("Has Siân Roberts agreed to my request?", Lang.EN),
    ("Did Ffion give me the go ahead for my Instagram?", Lang.EN),
    ("Has Sian said yes to my request yet?", Lang.EN),
    ("Wnaeth Siân gytuno i fy nghais?", Lang.CY),
    ("Ydy Sian wedi dweud ie i'm cais?", Lang.CY),
    ("Ydy Mrs Siân Roberts wedi cytuno i fy nghais?", Lang.CY),
    # Her no, her ok, and whether she has it, with the head named by name or post (before, each a policy quote).
    ("Did Siân say no to my request?", Lang.EN),
    ("Did the head say no to my request?", Lang.EN),
    ("Did Sian turn down my request?", Lang.EN),
    ("did sian ok my request", Lang.EN),
    ("Did Siân get my request?", Lang.EN),
    ("Has Siân replied to my request?", Lang.EN),
    ("Is my request with Siân?", Lang.EN),
    # By her title and surname, as staff most often name her (before, each a policy quote).
    ("Is my request with Mrs Roberts?", Lang.EN),
    ("Did Mrs Roberts get my request?", Lang.EN),
    ("Has Mrs Morgan got my request?", Lang.EN),
    ("Ydy Mrs Roberts wedi cael fy nghais?", Lang.CY),
    # Whether the head has it, by her post (before, each a policy quote).
    ("Did the head get my request?", Lang.EN),
    ("Has the headteacher received my request yet?", Lang.EN),
    ("Is my request with the head?", Lang.EN),
    ("Ydy'r pennaeth wedi cael fy nghais?", Lang.CY),
    ("Ydy fy nghais gyda'r pennaeth?", Lang.CY),
    ("Wnaeth y pennaeth ddweud na i fy nghais?", Lang.CY),
    # Taking it back or putting it right in other words (before, a policy quote on friends, or "the policy doesn't
    # cover that").
    ("delete my request", Lang.EN),
    ("Can I remove my request?", Lang.EN),
    ("I made a mistake in my request", Lang.EN),
    ("There's a typo in my request", Lang.EN),
    ("Dw i eisiau dileu fy nghais", Lang.CY),
    ("Mae camgymeriad yn fy nghais", Lang.CY),
    # As staff say it in a corridor, and "request status" typed as a command (before, a policy quote on personal use,
    # or "the policy doesn't cover that").
    ("any joy with my request?", Lang.EN),
    ("when will I hear about my request?", Lang.EN),
    ("who is dealing with my request?", Lang.EN),
    ("is anyone looking at my request", Lang.EN),
    ("request status", Lang.EN),
    ("Unrhyw lwc gyda fy nghais?", Lang.CY),
    ("Pwy sy'n delio gyda fy nghais?", Lang.CY),
    ("statws cais", Lang.CY),
    # Whether it went, and how long it takes (before, a quote on personal use, or "the policy doesn't cover that").
    ("did my request send?", Lang.EN),
    ("Has my request arrived?", Lang.EN),
    ("has my request worked?", Lang.EN),
    ("how long will my request take?", Lang.EN),
    ("How long does my request usually take?", Lang.EN),
    ("what happens next with my request?", Lang.EN),
    ("Ydy fy nghais wedi cyrraedd?", Lang.CY),
    ("Faint o amser fydd fy nghais yn ei gymryd?", Lang.CY),
    ("Pa mor hir fydd fy nghais?", Lang.CY),
    ("Beth sy'n digwydd nesaf i fy nghais?", Lang.CY),
    # Withdrawing it named without "my", as most type it (before, "the policy doesn't cover that").
    ("tynnu cais yn ôl", Lang.CY),
    ("tynnu'r cais yn ôl", Lang.CY),
    ("Dwi isio tynnu'r cais yn ôl plîs", Lang.CY),
    ("tynnu'r cais nôl", Lang.CY),
    ("withdraw request", Lang.EN),
    ("withdraw the request", Lang.EN),
    # "The request" without "my", asked whether it was decided or for its news (before, a policy quote or "the policy
    # doesn't cover that").
    ("ydy'r cais wedi cael ei gymeradwyo?", Lang.CY),
    ("Ydy'r cais wedi'i gymeradwyo eto?", Lang.CY),
    ("odi'r cais wedi mynd trwodd?", Lang.CY),
    ("Unrhyw newyddion am y cais?", Lang.CY),
    ("be sy 'di digwydd i'r cais?", Lang.CY),
    ("oes ateb i'r cais eto?", Lang.CY),
    ("has the request been approved?", Lang.EN),
    ("Any news on the request?", Lang.EN),
]


async def _her_requests_shown_for(bot: BotInMemory, strings: Catalogue, typed: str, *, sent_in: Lang,
                                  shown_in: Lang) -> None:
    """Carys, with a request waiting, types `typed` from a Teams in `sent_in`: her requests come back, in `shown_in`."""
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    reply = await bot.says(CARYS, typed, lang=sent_in)

    assert _title(reply.card) == strings.text("perm.mine_title", shown_in)
    assert request_id in text_of(reply.card)


@pytest.mark.parametrize(("typed", "lang"), ABOUT_MY_REQUEST, ids=[t for t, _ in ABOUT_MY_REQUEST])
async def test_a_requester_asking_about_their_request_in_their_own_words_is_shown_it(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang) -> None:
    """Not a quote of the policy about being friends with students, nor "the policy doesn't cover that"."""
    await _her_requests_shown_for(answering_bot, strings, typed, sent_in=lang, shown_in=lang)


FRIEND_REQUESTS = ["can I accept a friend request from a parent?", "Should I accept friend requests from pupils?",
                   "A parent sent me a friend request on Facebook, what should I do?",
                   "What should I do about my requests from pupils to follow me?",
                   "Ga i dderbyn cais ffrind gan riant?",
                   "Derbyniodd disgybl fy nghais i ddilyn ei gyfrif Instagram. Beth ddylwn i ei wneud?",
                   # "my request" to someone other than the headteacher: what to do about them is the policy's.
                   "A parent ignored my request to stop messaging me on Facebook. What should I do?",
                   "My request to remove a photo of me from the PTA Facebook page was ignored, what can I do?",
                   "My request to the parent to take the photo down was declined, what now?",
                   "A pupil accepted my request on Instagram by mistake, what should I do?",
                   "Anwybyddodd rhiant fy nghais i stopio anfon negeseuon ata i. Beth ddylwn i ei wneud?",
                   "Gwrthodwyd fy nghais i dynnu'r llun i lawr gan y rhiant. Beth nawr?",
                   "Mae rhiant wedi gwrthod fy nghais ffrind ar Facebook, beth ddylwn i ei wneud?",
                   # A platform she never asked the headteacher about: a friend request there.
                   "A parent declined my Facebook request, what should I do?",
                   "Mae rhiant wedi gwrthod fy nghais Facebook, beth ddylwn i ei wneud?",
                   # Adding someone, not adding to her request.
                   "Should I add a parent who accepted my request?",
                   # What a request should say, not what became of hers (from the evaluation's questions).
                   "what do I need to put in my request to the head for a new work account?",
                   # Talking it over with the head, not whether she has it.
                   "Should I discuss my request with the head first?",
                   "Does the head have to get my request before I set the page up?",
                   # "The request" without "my" that is a friend or follow request, or one to be approved by others.
                   "Should I accept the request?", "Ddylwn i dderbyn y cais?",
                   "A pupil sent me a follow request, should the request be approved by the head?",
                   "Mae rhiant wedi anfon cais ffrind, ydy'r cais ffrind yn iawn?"]


@pytest.mark.parametrize("typed", FRIEND_REQUESTS)
async def test_a_policy_question_that_mentions_a_request_is_answered_from_the_policy(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    await answering_bot.meets(CARYS, SIAN)
    await _submitted(answering_bot)

    reply = await answering_bot.says(CARYS, typed)

    assert _title(reply.card) not in {strings.text("perm.mine_title", lang) for lang in Lang}
    assert await _kept(answering_bot) == [typed]  # answered from the policy (or said honestly that it does not say)


@pytest.mark.parametrize(("typed", "lang"), [("{id}", Lang.EN), ("What's happening with {id}?", Lang.EN),
                                             ("any update on {lower}", Lang.EN), ("{lower}?", Lang.EN),
                                             ("Beth sy'n digwydd gyda {id}?", Lang.CY)])
async def test_her_requests_reference_typed_opens_it_for_her_and_for_whoever_decides_it(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang) -> None:
    """Every card names a request by its reference ("Request P-7KX3QD"), so staff type it back. Before, Carys typing
    her own reference, and the head typing it, were told "The policy doesn't cover that"."""
    await answering_bot.meets(CARYS, SIAN)
    request_id = await _submitted(answering_bot)
    said = typed.format(id=request_id, lower=request_id.lower())

    hers, heads = await answering_bot.says(CARYS, said), await answering_bot.says(SIAN, said)

    assert _title(hers.card) == strings.text("perm.status_title", lang).format(id=request_id)
    assert "permission.withdraw" in text_of(hers.card)
    assert verb_data(heads.card or {}, "permission.approve")["id"] == request_id
    assert await _kept(answering_bot) == []  # not passed to the policy as a question


@pytest.mark.parametrize("typed", ["Can Mr P follow me on Instagram?", "Mrs P posted a photo of my class, is that ok?"])
async def test_a_letter_p_before_a_word_of_six_letters_is_no_reference(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    """Only "P-" with its dash and six letters or digits of a reference is one: "Mr P follow…" is a question."""
    await answering_bot.meets(CARYS, SIAN)
    await _submitted(answering_bot)

    await answering_bot.says(CARYS, typed)

    assert await _kept(answering_bot) == [typed]


async def test_someone_elses_request_reference_typed_shows_nothing_of_it(answering_bot: BotInMemory) -> None:
    await answering_bot.meets(CARYS, SIAN, OWAIN)
    request_id = await _submitted(answering_bot)

    reply = await answering_bot.says(OWAIN, f"what's happening with {request_id}?")

    assert "isn't yours to see" in text_of(reply.card)
    assert "Carys" not in text_of(reply.card) and "geography" not in text_of(reply.card)


@pytest.mark.parametrize(("typed", "lang"), [("approved accounts", Lang.EN), ("Approved accounts?", Lang.EN),
                                             ("list of approved accounts", Lang.EN),
                                             ("cyfrifon wedi'u cymeradwyo", Lang.CY)])
async def test_approved_accounts_typed_by_the_head_shows_official_accounts(
        bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang) -> None:
    """What the register holds, in the head's words. Before, "approved accounts" was searched as a question and quoted
    the policy's rule on seeking permission."""
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    await bot.clicks(SIAN, "permission.approve", {"id": request_id})

    reply = await bot.says(SIAN, typed)

    assert _title(reply.card) == strings.text("perm.register_title", lang)
    assert request_id in text_of(reply.card)


def _delegate_named(federation: Federation, name: str) -> Federation:
    """The settings with the high school's named delegate called `name` (Ffion's object id kept)."""
    delegate = replace(federation.school("high").delegates[0], name=name)
    return replace(federation, schools=tuple(replace(s, delegates=(delegate,)) if s.school_id == "high" else s
                                             for s in federation.schools))


@pytest.mark.parametrize("typed", [
    "A pupil accepted my request on Instagram by mistake, will I get in trouble?",
    "A parent ignored my request, will that count as harassment?",
    "If a pupil accepts my request will I be in trouble?",
    "A parent ignored my request. Will that count as harassment?",
])
async def test_a_delegates_first_name_that_is_an_everyday_word_is_not_read_in_its_everyday_use(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[Any], typed: str) -> None:
    """A delegate named Will: "will" written as the word (small, or a sentence's first word) is not her name, so a
    question for the policy that says "my request" is not read as asking Will about hers. Before, Carys, with an
    Instagram request waiting, got her list in place of the policy's answer."""
    bot = open_bot(strings, _delegate_named(federation, "Mr Will Evans"), lambda: policy_in_force)
    await bot.meets(CARYS, SIAN)
    await _submitted(bot)

    reply = await bot.says(CARYS, typed)

    assert _title(reply.card) not in {strings.text("perm.mine_title", lang) for lang in Lang}
    assert await _kept(bot) == [typed]


@pytest.mark.parametrize("typed", ["Did Will get my request?", "Is my request with Will?",
                                   "Has Will Evans replied to my request?", "did will evans get my request",
                                   "Has Mr Will Evans seen my request?"])
async def test_a_delegates_first_name_that_is_an_everyday_word_written_as_a_name_is_her(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[Any], typed: str) -> None:
    """With its capital inside a sentence, with the surname or after a title, "Will" is the delegate."""
    bot = open_bot(strings, _delegate_named(federation, "Mr Will Evans"), lambda: policy_in_force)
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    reply = await bot.says(CARYS, typed)

    assert _title(reply.card) == strings.text("perm.mine_title", Lang.EN)
    assert request_id in text_of(reply.card)


@pytest.mark.parametrize("typed", ["Has my request been approved?", "Ydy fy nghais wedi cael ei gymeradwyo?",
                                   "A parent declined my request, what should I do?"])
async def test_someone_who_has_never_asked_permission_is_answered_from_the_policy(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    """With no request of theirs, "my request" is not one to the headteacher: an empty list would answer nothing."""
    await answering_bot.meets(CARYS, SIAN)

    reply = await answering_bot.says(CARYS, typed)

    assert _title(reply.card) not in {strings.text("perm.mine_title", lang) for lang in Lang}
    assert await _kept(answering_bot) == [typed]


ABOUT_MY_ACCOUNT = [
    ("has the head approved my Instagram yet?", Lang.EN),
    ("Has Mrs Roberts approved my insta?", Lang.EN),
    ("Is my Instagram approved yet", Lang.EN),
    ("Has my class Instagram page been approved?", Lang.EN),
    ("any news on my instagram?", Lang.EN),
    ("Has the head okayed my Instagram?", Lang.EN),
    ("Was my Instagram declined?", Lang.EN),
    ("Can I start using my Instagram yet?", Lang.EN),
    ("Ydy'r pennaeth wedi cymeradwyo fy Instagram eto?", Lang.CY),
    ("Ydy fy Instagram wedi cael ei gymeradwyo?", Lang.CY),
    ("Ydy fy Instagram wedi'i gymeradwyo?", Lang.CY),
    ("Unrhyw newyddion am fy Instagram?", Lang.CY),
    ("Ydy'r pennaeth wedi cymeradwyo fy nghyfrif Instagram?", Lang.CY),
    ("Ydy fy Instagram yn dal i aros?", Lang.CY),
    ("Gafodd fy Instagram ei wrthod?", Lang.CY),
    # The head's yes said in other words, and her account named without "my" (before, each got a policy quote or "the
    # policy doesn't cover that").
    ("Did the head say yes to my Instagram?", Lang.EN),
    ("Did Mrs Roberts say yes to my Instagram?", Lang.EN),
    ("Did the head agree to my Instagram?", Lang.EN),
    ("Has the headteacher given the go-ahead for my class Instagram?", Lang.EN),
    ("Has the head given me permission for my Instagram?", Lang.EN),
    ("Has my Instagram been OK'd?", Lang.EN),
    ("Has the PE Instagram been approved?", Lang.EN),
    ("Is the PE Instagram approved yet?", Lang.EN),
    ("Has the class Instagram page been approved?", Lang.EN),
    ("Was our department Insta declined?", Lang.EN),
    ("Ydy'r pennaeth wedi dweud ie i fy Instagram?", Lang.CY),
    ("Ydy'r pennaeth wedi cytuno i fy Instagram?", Lang.CY),
    ("Wnaeth y pennaeth gytuno i fy nghyfrif Instagram?", Lang.CY),
    ("Ydy'r pennaeth wedi rhoi caniatâd i fy Instagram?", Lang.CY),
    ("Ydy Instagram AG wedi cael ei gymeradwyo?", Lang.CY),
    ("Ydy cyfrif Instagram y dosbarth wedi'i gymeradwyo eto?", Lang.CY),
]


@pytest.mark.parametrize(("typed", "lang"), ABOUT_MY_ACCOUNT, ids=[t for t, _ in ABOUT_MY_ACCOUNT])
async def test_asking_whether_the_head_approved_her_account_without_the_word_request_shows_her_requests(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang) -> None:
    """ "Has the head approved my Instagram yet?" got a quote of the policy's rule on permission (the words name no
    "request"), though "Has my Instagram request been approved?" opened her requests: a platform she asked for, after
    "my" / "fy", with what one asks of a decision, is her request too, typed in English or in Welsh from an English
    Teams."""
    await _her_requests_shown_for(answering_bot, strings, typed, sent_in=Lang.EN, shown_in=lang)


@pytest.mark.parametrize("typed", [
    "Has the head approved my Facebook yet?",  # she asked for Instagram only
    "Ydy'r pennaeth wedi cymeradwyo fy Facebook eto?",
    "Should I decline friend requests from parents on my Instagram?",
    "Am I allowed to post photos of pupils on my Instagram?",
    "Does the head need to approve my Instagram posts?",
    "Is my Instagram account private enough for school news?",
    # From the evaluation's questions: the words of a decision, said of something else.
    "Is it ok to post a selfie of me and my TA in the classroom on my own insta if she says yes?",
    "can i DM a pupil from my department insta if it hasn't been approved?",
    "should my insta be locked so only people I approve can see it?",
    "Mae'r rhieni wedi cytuno. Ga i roi llun o'r dosbarth ar fy Instagram i?",
    # The head's yes asked of what the rules require, or of an account she never asked for; the parents' yes.
    "Does the head have to say yes to my Instagram?",
    "Will the head say yes to my Instagram if I keep it private?",
    "Did the parents say yes to my Instagram?",
    "Does the PE Instagram need to be approved?",
    "Has the PE Facebook page been approved?",
    "Has the head approved the use of Instagram in school?",
    "Oes rhaid i'r pennaeth gytuno i fy Instagram?",
    "Oes angen i Instagram yr adran gael ei gymeradwyo?",
    "Ydy Facebook AG wedi cael ei gymeradwyo?",
])
async def test_an_account_she_never_asked_for_or_a_question_about_using_it_is_answered_from_the_policy(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    await answering_bot.meets(CARYS, SIAN)
    await _submitted(answering_bot)

    reply = await answering_bot.says(CARYS, typed)

    assert _title(reply.card) not in {strings.text("perm.mine_title", lang) for lang in Lang}
    assert await _kept(answering_bot) == [typed]


@pytest.mark.parametrize("typed", ["my requests", "fy nghais", "Fy ngheisiadau"])
async def test_my_requests_asked_for_by_name_shows_the_list_even_when_it_is_empty(
        bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    await bot.meets(CARYS, SIAN)

    reply = await bot.says(CARYS, typed)

    assert _title(reply.card) in {strings.text("perm.mine_title", lang) for lang in Lang}
    assert any(strings.text("perm.mine_empty", lang) in text_of(reply.card) for lang in Lang)


@pytest.mark.parametrize(("typed", "lang", "withdraw_and_ask_again"), [
    ("I want to change my request", Lang.EN, "Send in place of"),
    ("How do I edit my request?", Lang.EN, "Send in place of"),
    ("Dw i eisiau newid fy nghais", Lang.CY, "Anfon yn lle"),
    ("Alla i olygu fy nghais?", Lang.CY, "Anfon yn lle"),
    # Adding to it is changing it: before, a quote of the policy on personal use, or "the policy doesn't cover that".
    ("Can I add pupils' photos to my request?", Lang.EN, "Send in place of"),
    ("I want to add Facebook to my request", Lang.EN, "Send in place of"),
    ("Dw i eisiau ychwanegu lluniau at fy nghais", Lang.CY, "Anfon yn lle"),
])
async def test_asking_to_change_a_request_says_to_withdraw_it_and_ask_again(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang, withdraw_and_ask_again: str) -> None:
    """There is no editing a request once it is sent: the list says how, beside the request's Withdraw. Before, it said
    to withdraw it and ask again, which the head then read as two requests that said nothing of each other: it says to
    fill the form in again and send it in place of the waiting one."""
    await answering_bot.meets(CARYS, SIAN)
    request_id = await _submitted(answering_bot)

    reply = await answering_bot.says(CARYS, typed, lang=lang)

    assert _title(reply.card) == strings.text("perm.mine_title", lang)
    assert withdraw_and_ask_again in text_of(reply.card)
    assert verb_data(reply.card or {}, "permission.withdraw") == {"id": request_id, "from": "list", "lang": lang.value}
    plain = await answering_bot.says(CARYS, "my requests", lang=lang)
    assert withdraw_and_ask_again not in text_of(plain.card)


@pytest.mark.parametrize("typed", ["Beth mae 'Yn aros' yn ei olygu ar fy nghais?", "Ydy fy nghais wedi newid?",
                                   "Beth mae hyn yn golygu i fy nghais?", "Beth mae hynny'n golygu i fy nghais?"])
async def test_asking_what_a_request_means_or_whether_it_changed_is_not_asking_to_change_it(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    """ "golygu" is to edit and to mean, "newid" to change and, after "wedi", changed: only asking to change a request
    is told to withdraw it and ask again."""
    await answering_bot.meets(CARYS, SIAN)
    await _submitted(answering_bot)

    reply = await answering_bot.says(CARYS, typed, lang=Lang.CY)

    assert _title(reply.card) == strings.text("perm.mine_title", Lang.CY)
    assert strings.text("perm.mine_change", Lang.CY) not in text_of(reply.card)


def _on_uk_clocks(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(ZoneInfo("Europe/London")).strftime("%d/%m/%Y %H:%M")


@pytest.mark.parametrize(("lang", "declined_by"), [(Lang.EN, "Declined by Mrs Siân Roberts"),
                                                   (Lang.CY, "Mae Mrs Siân Roberts wedi gwrthod y cais")])
async def test_my_requests_says_who_declined_a_request_when_and_why(bot: BotInMemory, lang: Lang,
                                                                     declined_by: str) -> None:
    await bot.meets(CARYS, SIAN, FFION)
    declined_id, approved_id = await _submitted(bot), await _submitted(bot)
    await bot.clicks(SIAN, "permission.decline", {"id": declined_id, "reason": "Use the school's own page instead."})
    await bot.clicks(FFION, "permission.approve", {"id": approved_id, "reason": "Keep it to the trip."})

    mine = text_of((await bot.says(CARYS, "my requests", lang=lang)).card)

    declined = await MemoryPermissionRequests(bot.store).get(declined_id)
    assert f"{declined_by}, {_on_uk_clocks(declined.decided_at)}" in mine or (
        f"{declined_by} ({_on_uk_clocks(declined.decided_at)})" in mine)
    assert "Use the school's own page instead." in mine
    assert "Mrs Ffion Morgan" in mine and "Keep it to the trip." in mine


async def test_my_requests_says_how_many_more_there_are_than_it_shows(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    first = await MemoryPermissionRequests(bot.store).get(await _submitted(bot))
    requests = MemoryPermissionRequests(bot.store)
    for n in range(1, 30):
        older = replace(first, request_id=f"P-OLD{n:03d}", submitted_at=first.submitted_at - timedelta(days=n))
        await requests.create(older, AuditEntry(older.request_id, "submitted", CARYS.aad_object_id, CARYS.name,
                                                older.submitted_at))

    mine = (await bot.says(CARYS, "my requests")).card or {}

    shown = len(set(re.findall(r'"(P-[0-9A-Z]{6})"', text_of(mine))))
    assert 0 < shown < 30
    assert f"Your requests: 30. This card shows 1–{shown}" in text_of(mine)
    # Show more: the older ones, after the last one shown (its place too, as cards sent before `after` carried)
    assert verb_data(mine, "permission.mine") == {"start": str(shown), "after": f"P-OLD{shown - 1:03d}", "lang": "en"}
    assert first.request_id in text_of(mine)  # the newest first


@pytest.mark.parametrize("lang", list(Lang))
async def test_each_request_on_my_requests_opens_its_own_card_with_withdraw_while_it_waits(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """My requests listed each request with no way to open it: a teacher (who decides nothing) could only read the
    list. Each now opens its own status card below the list, with Withdraw only while it waits, in the list's
    language; a colleague's request is not theirs to open."""
    await bot.meets(CARYS, SIAN)
    waiting_id, declined_id = await _submitted(bot), await _submitted(bot)
    await bot.clicks(SIAN, "permission.decline", {"id": declined_id, "reason": "Use the school's own page instead."})
    listed = (await bot.says(CARYS, "my requests", lang=lang)).card or {}

    opens = {a["data"]["id"]: a for a in actions(listed) if a.get("verb") == "permission.open"}
    assert set(opens) == {waiting_id, declined_id}
    # Each named for its request: a screen reader lists the buttons without the rows they sit in.
    assert {request_id: a["title"] for request_id, a in opens.items()} == {
        request_id: strings.text("perm.open", lang, id=request_id) for request_id in (waiting_id, declined_id)}
    for request_id, withdraw in ((waiting_id, True), (declined_id, False)):
        opened = await bot.clicks(CARYS, "permission.open", opens[request_id]["data"], lang=Lang.EN)
        assert opened.new_message  # the list stays to come back to
        assert _title(opened.card) == strings.text("perm.status_title", lang, id=request_id)
        assert ("permission.withdraw" in {a.get("verb") for a in actions(opened.card or {})}) is withdraw
    someone_elses = await bot.clicks(OWAIN, "permission.open", opens[waiting_id]["data"], lang=lang)
    assert waiting_id not in text_of(someone_elses.card) and not actions(someone_elses.card or {})


@pytest.mark.parametrize(("typed", "teams", "title"), [
    ("Dw i angen caniatâd ar gyfer Instagram y dosbarth", Lang.EN, "Gofyn caniatâd y pennaeth"),
    ("gofyn caniatâd", Lang.EN, "Gofyn caniatâd y pennaeth"),
    ("I need permission for a class Instagram", Lang.CY, "Gofyn caniatâd y pennaeth"),
    ("I need permission for a class Instagram", Lang.EN, "Ask the headteacher's permission"),
])
async def test_a_request_typed_in_welsh_gets_the_form_in_welsh_whatever_the_teams_language(
        bot: BotInMemory, typed: str, teams: Lang, title: str) -> None:
    """As a Welsh question gets a Welsh answer: Welsh words choose Welsh; English words keep the person's language."""
    await bot.meets(CARYS)

    reply = await bot.says(CARYS, typed, lang=teams)

    assert _title(reply.card) == title


@pytest.mark.parametrize(("english", "welsh"), [
    ("I need permission to post photos of the trip", "Mae angen caniatâd arna i i bostio lluniau o'r trip"),
    ("I need permission to post photos of the trip", "Mae arna i angen caniatâd i bostio lluniau o'r trip"),
    ("I need permission to make a class page", "Dw i angen caniatâd i greu tudalen i'r dosbarth"),
    ("We need permission to start a PE Instagram", "Mae angen caniatâd arnon ni i ddechrau Instagram Addysg Gorfforol"),
])
async def test_i_need_permission_to_opens_the_form_in_english_and_in_welsh(
        bot: BotInMemory, strings: Catalogue, english: str, welsh: str) -> None:
    """ "Mae angen caniatâd arna i i …" says what "I need permission to …" says: the form, in the words' language."""
    await bot.meets(CARYS)

    titles = [_title((await bot.says(CARYS, typed, lang=Lang.EN)).card) for typed in (english, welsh)]

    assert titles == [strings.text("perm.form_title", Lang.EN), strings.text("perm.form_title", Lang.CY)]


WANTING_IT = [
    # "Want" and "need" as they are said north and south, and "plis" first (before, each a quote of the policy's rule
    # on seeking permission).
    ("dw i isie caniatâd", Lang.CY, None),
    ("dwi ishe caniatad", Lang.CY, None),
    ("Rwy'n moyn caniatâd", Lang.CY, None),
    ("Dwi'n moyn gofyn am ganiatâd", Lang.CY, None),
    ("Rwy'n eisiau caniatâd ar gyfer blog y dosbarth", Lang.CY, "blog"),
    ("plis dwi angen caniatâd i ddefnyddio tiktok", Lang.CY, "tiktok"),
    ("please I need permission to use TikTok", Lang.EN, "tiktok"),
    # An account for work wanted, without the word "permission" (before, the policy's rule, not the form).
    ("dwi isio cyfrif tiktok i'r dosbarth", Lang.CY, "tiktok"),
    ("Dwi moyn tudalen Facebook i'r adran", Lang.CY, "facebook"),
    ("dw i isie cyfrif insta i flwyddyn 6", Lang.CY, "instagram"),
    ("Rwy'n moyn cyfrif Twitter i'r ysgol plîs", Lang.CY, "x"),
    ("Dwi angen cyfrif YouTube ar gyfer y clwb drama", Lang.CY, "youtube"),
    # "Hoffwn i greu …" (I'd like to create …) and the north's "cychwyn" (start): before, the policy's rule.
    ("Hoffwn i greu tudalen Facebook i'r ysgol", Lang.CY, "facebook"),
    ("dwi isio cychwyn cyfrif TikTok i'r ysgol", Lang.CY, "tiktok"),
    ("Hoffwn ddechrau cyfrif Instagram ar gyfer yr adran", Lang.CY, "instagram"),
    ("I want a tiktok account for my class", Lang.EN, "tiktok"),
    ("We'd like a Facebook page for the PE department", Lang.EN, "facebook"),
    ("I need a class Instagram account", Lang.EN, "instagram"),
]


@pytest.mark.parametrize(("typed", "lang", "platform"), WANTING_IT, ids=[t for t, _, _ in WANTING_IT])
async def test_wanting_permission_or_an_account_for_work_in_everyday_words_opens_the_form(
        bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang, platform: str | None) -> None:
    """ "Dwi isio cyfrif TikTok i'r dosbarth": the form, in the words' language, with the platform they name chosen."""
    await bot.meets(CARYS)

    form = (await bot.says(CARYS, typed, lang=Lang.EN)).card

    assert _title(form) == strings.text("perm.form_title", lang)
    assert {e["id"]: e.get("value") for e in _inputs(form or {})}["platform"] == platform


@pytest.mark.parametrize("typed", ["I want an Instagram account", "Dwi isio cyfrif Instagram fy hun",
                                   "I need a Facebook account to see my son's photos",
                                   "Dwi isio tudalen Facebook i fi"])
async def test_wanting_an_account_not_said_to_be_for_work_is_a_question_for_the_policy(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    """One's own account needs no permission: without a class, school or department named, it is not the form."""
    reply = await answering_bot.says(CARYS, typed, lang=Lang.EN)

    assert _title(reply.card) not in {strings.text("perm.form_title", lang) for lang in Lang}


@pytest.mark.parametrize(("typed", "lang"), [("I need permision for a class instagram", Lang.EN),
                                             ("i need permisson for a trip blog", Lang.EN),
                                             ("We'd like premission for a PE twitter", Lang.EN),
                                             ("I need aproval for a drama club TikTok", Lang.EN),
                                             ("Dwi angen permision i Instagram dosbarth", Lang.CY)])
async def test_asking_for_permission_spelt_wrong_opens_the_form(
        bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang) -> None:
    """Typed in a hurry on a phone, "permision" is still asking for the form. Before, each of these was searched as a
    question and quoted the policy's rule on seeking permission."""
    await bot.meets(CARYS)

    reply = await bot.says(CARYS, typed, lang=Lang.EN)

    assert _title(reply.card) == strings.text("perm.form_title", lang)


@pytest.mark.parametrize("welsh", ["Dwi angen permission i Instagram dosbarth",
                                   "Dw i eisiau gofyn am permission i ddechrau blog",
                                   "Hoffwn i gael permission ar gyfer tudalen Facebook yr adran",
                                   "Mae angen permission arna i i greu tudalen i'r dosbarth"])
async def test_asking_for_permission_in_welsh_with_the_english_word_opens_the_welsh_form(
        bot: BotInMemory, strings: Catalogue, welsh: str) -> None:
    """Many Welsh speakers type the English word in a Welsh sentence: "Dwi angen permission i Instagram dosbarth" was
    searched as a question (and quoted the rule on seeking permission), while "Dwi angen caniatâd …" opened the form."""
    await bot.meets(CARYS)

    reply = await bot.says(CARYS, welsh, lang=Lang.EN)

    assert _title(reply.card) == strings.text("perm.form_title", Lang.CY)


FOR_A_COLLEAGUE = [
    ("can I ask for Dewi to run the PE Twitter?", Lang.EN),
    ("Can I ask permission on behalf of a colleague?", Lang.EN),
    ("I want to ask permission for Dewi to use Twitter for PE", Lang.EN),
    ("I need permission for Owain's class blog", Lang.EN),
    ("Can I request approval for Mr Evans to set up a PE Instagram?", Lang.EN),
    ("I'd like permission on behalf of my colleague for a Facebook page", Lang.EN),
    ("Ga i ofyn am ganiatâd ar ran Dewi i redeg Twitter AG?", Lang.CY),
    ("Ga i ofyn am ganiatâd i Dewi redeg Twitter Addysg Gorfforol?", Lang.CY),
    ("Dw i eisiau gwneud cais ar gyfer fy nghydweithiwr am dudalen Facebook", Lang.CY),
]


@pytest.mark.parametrize(("typed", "lang"), FOR_A_COLLEAGUE, ids=[t for t, _ in FOR_A_COLLEAGUE])
async def test_asking_for_a_colleague_says_the_request_is_the_senders_and_the_colleague_asks_himself(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang) -> None:
    """"Can I ask for Dewi to run the PE Twitter?" got a quote of the policy, and "I need permission for Owain's class
    blog" a form that said nothing of whose request it would be. A request is whoever sends it (identity comes from the
    activity): the form opens saying that the headteacher's card, the decision and Official accounts would name her and
    the rules are hers to confirm, so a colleague who will run the account asks himself; sent, it is hers, and the
    headteacher's card names her."""
    await answering_bot.meets(CARYS, SIAN)

    reply = await answering_bot.says(CARYS, typed, lang=Lang.EN)
    sent = await answering_bot.clicks(CARYS, "permission.submit", _form(moderator="Dewi Evans"), lang=lang)

    assert _title(reply.card) == strings.text("perm.form_title", lang)
    assert json.dumps(strings.text("perm.for_a_colleague", lang), ensure_ascii=False) in text_of(reply.card)
    assert "permission.withdraw" in text_of(sent.card)
    [stored] = await MemoryPermissionRequests(answering_bot.store).list_by_requester(CARYS)
    assert stored.requester == CARYS
    [to_head] = await answering_bot.cards_for(SIAN)
    assert "Carys Jenkins asks to start a new Instagram account" in text_of(to_head)
    assert "Dewi Evans" in text_of(to_head)  # who moderates it, as she wrote it


def _values(card: Card | None) -> dict[str, str]:
    """What the form's boxes hold, by input id."""
    return {str(box["id"]): str(box["value"]) for box in _inputs(card or {}) if "value" in box}


@pytest.mark.parametrize(("typed", "lang"), [
    ("I need permission for https://www.instagram.com/llanidloes_pe", Lang.EN),
    ("Dw i angen caniatâd ar gyfer https://www.instagram.com/llanidloes_pe", Lang.CY)])
async def test_an_accounts_web_address_in_the_words_asking_for_the_form_fills_in_the_account(
        bot: BotInMemory, typed: str, lang: Lang) -> None:
    """The address names the platform, and the account she means: before, the form chose Instagram and left "New or
    existing" and the account for her to type again."""
    await bot.meets(CARYS, SIAN)

    reply = await bot.says(CARYS, typed, lang=lang)

    assert {key: value for key, value in _values(reply.card).items() if key in (
        "platform", "account_kind", "existing_account")} == {
        "platform": "instagram", "account_kind": "existing",
        "existing_account": "https://www.instagram.com/llanidloes_pe"}


@pytest.mark.parametrize("typed", ["I need permission for a class Instagram", "I need permission for my class's blog",
                                   "I need permission for the school's Facebook page",
                                   "Dw i angen caniatâd i ddefnyddio Instagram y dosbarth"])
async def test_asking_for_ones_own_or_the_schools_account_says_nothing_of_a_colleague(
        bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    await bot.meets(CARYS, SIAN)

    reply = await bot.says(CARYS, typed)

    assert _title(reply.card) in {strings.text("perm.form_title", lang) for lang in Lang}
    assert not any(strings.text("perm.for_a_colleague", lang) in text_of(reply.card) for lang in Lang)


@pytest.mark.parametrize("typed", ["Can I post on behalf of the school?", "I need to ask for a colleague's advice",
                                   "Can I post on behalf of Dewi while he is off?",
                                   "How far ahead do I need to ask Mrs Price for approval to stream the eisteddfod?",
                                   "Sut mae gwneud cais gwrthrych am wybodaeth (SAR) ar ran rhiant?",
                                   "Can I ask a colleague to take down a photo of me?"])
async def test_acting_for_the_school_or_asking_a_colleague_something_is_not_a_request_for_them(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    await answering_bot.meets(CARYS, SIAN)

    reply = await answering_bot.says(CARYS, typed)

    assert _title(reply.card) not in {strings.text("perm.form_title", lang) for lang in Lang}


@pytest.mark.parametrize(("english", "welsh"), [
    ("Do I need permission to post photos?", "Oes angen caniatâd i bostio lluniau?"),
    ("Do I need permission to post photos?", "Oes angen caniatâd arna i i bostio lluniau?"),
    ("Permission is needed to post photos", "Mae angen caniatâd i bostio lluniau"),
])
async def test_asking_whether_permission_is_needed_is_answered_from_the_policy_in_english_and_in_welsh(
        answering_bot: BotInMemory, strings: Catalogue, english: str, welsh: str) -> None:
    """Whether permission is needed is the policy's to say, in either language: no form for either."""
    await answering_bot.meets(CARYS, SIAN)

    titles = [_title((await answering_bot.says(CARYS, typed)).card) for typed in (english, welsh)]

    assert not set(titles) & {strings.text("perm.form_title", lang) for lang in Lang}
    assert sorted(await _kept(answering_bot)) == sorted([english, welsh])  # both asked of the policy


@pytest.mark.parametrize("verb", ["permission.form", "permission.mine", "permission.pending", "permission.register",
                                  "concern.mine", "ask.review"])
async def test_a_button_clicked_on_a_card_in_a_group_leaves_that_card_in_place(bot: BotInMemory, verb: str) -> None:
    """"Ask to use social media" under the bot's answer in a department chat: the answer stays, and the word that the
    form went to the private chat comes below it (an answer that is not a new message replaces the card clicked)."""
    await bot.meets(CARYS, SIAN)
    person = SIAN if verb in ("permission.pending", "permission.register", "ask.review") else CARYS
    before = len(await bot.cards_for(person))

    clicked = await bot.clicks(person, verb, {}, scope=Scope.GROUP)

    assert "sent that to you privately" in text_of(clicked.card) and clicked.new_message
    assert len(await bot.cards_for(person)) == before + 1  # the card itself, in the private chat


async def test_a_form_typed_for_in_welsh_is_answered_in_welsh_when_sent(bot: BotInMemory) -> None:
    """Teams in English, the form asked for in Welsh: its mistakes and the request's status come back in Welsh too."""
    await bot.meets(CARYS, SIAN)
    form = (await bot.says(CARYS, "Dw i angen caniatâd ar gyfer Instagram y dosbarth", lang=Lang.EN)).card or {}
    sent = verb_data(form, "permission.submit")

    mistaken = await bot.clicks(CARYS, "permission.submit", {**_form(purpose=""), **sent}, lang=Lang.EN)
    status = await bot.clicks(CARYS, "permission.submit", {**_form(), **sent}, lang=Lang.EN)

    assert _title(mistaken.card) == "Gofyn caniatâd y pennaeth"
    assert "Yn aros: Mrs Siân Roberts" in text_of(status.card)


async def _sent_in_welsh(bot: BotInMemory) -> Card:
    """Teams in English, the request asked for and sent in Welsh: its Welsh status card."""
    form = (await bot.says(CARYS, "Dw i angen caniatâd ar gyfer Instagram y dosbarth", lang=Lang.EN)).card or {}
    status = await bot.clicks(CARYS, "permission.submit", {**_form(), **verb_data(form, "permission.submit")},
                              lang=Lang.EN)
    return status.card or {}


async def test_a_welsh_request_stays_welsh_when_withdrawn_from_its_status_card(bot: BotInMemory) -> None:
    """ "Tynnu'n ôl" on the Welsh status card answered in English, for someone whose Teams is in English."""
    await bot.meets(CARYS, SIAN)
    status = await _sent_in_welsh(bot)

    withdrawn = await bot.clicks(CARYS, "permission.withdraw", verb_data(status, "permission.withdraw"), lang=Lang.EN)

    assert _title(withdrawn.card).startswith("Cais ") and "wedi tynnu'r cais yn ôl" in text_of(withdrawn.card)
    # The same card in the chat's other places (another device) is updated in Welsh too, not turned English.
    [in_the_chat] = [c for c in await bot.cards_for(CARYS) if "tynnu'r cais" in text_of(c) or "Withdrawn" in text_of(c)]
    assert "wedi tynnu'r cais yn ôl" in text_of(in_the_chat)


@pytest.mark.parametrize(("verb", "data", "title"), [
    ("permission.approve", {"reason": "Great idea."}, "Cafodd eich cais {id} ei gymeradwyo"),
    ("permission.decline", {"reason": "Use the school page instead."}, "Cafodd eich cais {id} ei wrthod"),
])
async def test_a_request_sent_in_welsh_is_answered_in_welsh_when_an_english_speaking_head_decides_it(
        bot: BotInMemory, strings: Catalogue, verb: str, data: dict[str, str], title: str) -> None:
    """Carys's Teams is in English but she asked, and filled the form in, in Welsh; Siân reads English. Each reads
    their own language: before, the decision reached Carys in English and turned her Welsh status card English."""
    await bot.meets(CARYS, SIAN)
    status = await _sent_in_welsh(bot)
    request_id = str(verb_data(status, "permission.withdraw")["id"])
    [to_head] = await bot.cards_for(SIAN)

    decided = await bot.clicks(SIAN, verb, {**verb_data(to_head, verb), **data})

    assert _title(to_head).startswith("Carys Jenkins asks") and _title(decided.card).startswith("Carys Jenkins asks")
    told = [c for c in await bot.cards_for(CARYS) if request_id in text_of(c)]
    assert [_title(c) for c in told] == [f"Cais {request_id}", title.format(id=request_id)]
    assert data["reason"] in text_of(told)  # what the head typed, as typed


async def test_an_approval_of_a_welsh_request_ended_by_the_head_is_told_in_welsh(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    status = await _sent_in_welsh(bot)
    request_id = str(verb_data(status, "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": request_id})
    told_before = len(await bot.cards_for(CARYS))

    await bot.clicks(SIAN, "permission.end", {"id": request_id, "reason": "The account was closed."})

    told = (await bot.cards_for(CARYS))[told_before:]
    assert told and all(_title(c) in (f"Cais {request_id}",
                                      f"Cafodd y caniatâd ar gyfer eich cais {request_id} ei derfynu") for c in told)


async def test_my_requests_from_a_welsh_status_card_is_welsh(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    status = await _sent_in_welsh(bot)

    mine = await bot.clicks(CARYS, "permission.mine", verb_data(status, "permission.mine"), lang=Lang.EN)
    form = await bot.clicks(CARYS, "permission.form", verb_data(mine.card or {}, "permission.form"), lang=Lang.EN)

    assert _title(mine.card) == "Eich ceisiadau"
    assert _title(form.card) == "Gofyn caniatâd y pennaeth"


async def test_my_requests_asked_for_in_welsh_stays_welsh_when_a_request_is_withdrawn_from_it(
        bot: BotInMemory) -> None:
    """ "fy nghais" shows the Welsh list to someone whose Teams is in English; its "Tynnu'n ôl" answered with the
    list in English."""
    await bot.meets(CARYS, SIAN)
    await _submitted(bot)
    listed = await bot.says(CARYS, "Beth ddigwyddodd i fy nghais?", lang=Lang.EN)

    after = await bot.clicks(CARYS, "permission.withdraw", verb_data(listed.card or {}, "permission.withdraw"),
                             lang=Lang.EN)

    assert _title(after.card) == "Eich ceisiadau" and "wedi tynnu'r cais yn ôl" in text_of(after.card)


async def test_the_pending_list_asked_for_in_welsh_stays_welsh_when_a_request_is_decided_on_it(
        bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    await _submitted(bot)
    listed = (await bot.says(SIAN, "Ceisiadau sy'n aros", lang=Lang.EN)).card or {}
    assert _title(listed) == "Ceisiadau sy'n aros"

    opened = await bot.clicks(SIAN, "permission.open", verb_data(listed, "permission.open"), lang=Lang.EN)
    after = await bot.clicks(SIAN, "permission.approve", verb_data(listed, "permission.approve"), lang=Lang.EN)
    register = await bot.clicks(SIAN, "permission.register", verb_data(after.card or {}, "permission.register"),
                                lang=Lang.EN)

    assert "Cymeradwyo" in text_of(opened.card)
    assert _title(after.card) == "Ceisiadau sy'n aros" and "wedi cymeradwyo'r cais" in text_of(after.card)
    assert _title(register.card) == "Cyfrifon cyfryngau cymdeithasol swyddogol"
    assert verb_data(register.card or {}, "permission.pending")["lang"] == "cy"


async def test_a_headteachers_welsh_request_card_stays_welsh_when_she_decides_it(bot: BotInMemory) -> None:
    """Her card came in Welsh (her Teams was in Welsh then); the click comes from a Teams in English."""
    await bot.meets(CARYS, SIAN)
    await MemoryUserProfiles(bot.store).save_profile(UserProfile(person=SIAN, teams_language=Lang.CY,
                                                                 conversation_ref='{"user": "Siân"}'))
    await _submitted(bot)
    [to_head] = await bot.cards_for(SIAN)

    decided = await bot.clicks(SIAN, "permission.decline", {**verb_data(to_head, "permission.decline"),
                                                            "reason": "Defnyddiwch dudalen yr ysgol."}, lang=Lang.EN)

    assert "wedi gwrthod y cais" in text_of(decided.card)


@pytest.mark.parametrize(("lang", "approved", "ongoing"), [(Lang.EN, "approved", "ongoing"),
                                                            (Lang.CY, "cymeradwywyd", "parhaus")])
async def test_the_official_accounts_say_when_each_was_approved_and_for_how_long(
        bot: BotInMemory, lang: Lang, approved: str, ongoing: str) -> None:
    """The register showed "P-BWH3MF · Llanidloes High School · 05/12/2026 14:48": a bare time (sent? approved?), and
    nothing of the dates the headteacher approved, so an account approved until the summer looked permanent."""
    await bot.meets(CARYS, SIAN)
    until_summer = (datetime.now(UTC).date() + timedelta(days=200))
    for overrides in ({}, {"end": until_summer.isoformat(), "ongoing": "", "purpose": "Year 9's trip to Iceland."}):
        status = await bot.clicks(CARYS, "permission.submit", _form(**overrides))
        await bot.clicks(SIAN, "permission.approve", verb_data(status.card or {}, "permission.withdraw"))
    decided = [r for r in bot.store.requests.values() if r.decided_at]
    start = decided[0].start

    register = text_of((await bot.says(SIAN, "official accounts", lang=lang)).card)

    for request in decided:
        assert f"{approved} {_on_uk_clocks(request.decided_at)}" in register
    assert f"{start:%d/%m/%Y} – {ongoing}" in register
    assert f"{start:%d/%m/%Y} – {until_summer:%d/%m/%Y}" in register


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_date_pickers_offer_no_day_the_bot_would_refuse(bot: BotInMemory, lang: Lang) -> None:
    """The form's pickers offered past start dates, which the bot then refused on Send: today (on UK calendars) is
    the first day either picker offers, on the form and on the form given back with a problem."""
    await bot.meets(CARYS, SIAN)
    today = uk_today(datetime.now(UTC)).isoformat()

    opened = await bot.clicks(CARYS, "permission.form", {}, lang=lang)
    refused = await bot.clicks(CARYS, "permission.submit", _form(purpose=""), lang=lang)

    for form in (opened.card or {}, refused.card or {}):
        inputs = {i["id"]: i for i in _inputs(form)}
        assert (inputs["start"].get("min"), inputs["end"].get("min")) == (today, today)


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_end_date_more_than_three_years_away_is_refused_and_nothing_sent(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """The end date had no latest day, as the start has: "31/12/9999", or 2062 typed for 2026, went to the headteacher
    as dates to approve (a date she may not read closely), and approved stood on Official accounts until then, as an
    ongoing one would, though the form asked for an end. The latest end the form takes is three years from today (a
    longer permission is "Ongoing", which is then said plainly), and its picker says so."""
    await bot.meets(CARYS, SIAN)
    today = uk_today(datetime.now(UTC))
    latest = today.replace(year=today.year + 3) if (today.month, today.day) != (2, 29) else today + timedelta(1096)

    refused = [await bot.clicks(CARYS, "permission.submit", _form(end=end, ongoing="false", purpose=f"Trip {end}"),
                                lang=lang)
               for end in ("9999-12-31", (latest + timedelta(days=1)).isoformat())]
    sent = await bot.clicks(CARYS, "permission.submit", _form(end=latest.isoformat(), ongoing="false"), lang=lang)

    told = f' — {strings.text("perm.error.end_too_far", lang)}'
    assert all({i["id"]: i for i in _inputs(r.card or {})}["end"]["label"].endswith(told)
               and "permission.withdraw" not in text_of(r.card) for r in refused)
    for form in (refused[0].card or {}, (await bot.clicks(CARYS, "permission.form", {}, lang=lang)).card or {}):
        assert {i["id"]: i for i in _inputs(form)}["end"].get("max") == latest.isoformat()
    assert [r.end for r in await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)] == [latest]
    assert "permission.withdraw" in text_of(sent.card)
    assert len([c for c in await bot.cards_for(SIAN) if "permission.approve" in text_of(c)]) == 1


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_account_running_since_september_asks_from_today_and_is_told_why_not_before(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """An account already running asks permission after the fact: the headteacher's permission runs from when it is
    given, never backdated, so a start in the past is refused with why (not "can't be in the past" alone), and the
    same request from today is sent."""
    await bot.meets(CARYS, SIAN)
    running = {"account_kind": "existing", "existing_account": "@llanidloes_geog, since September"}
    months_ago = (uk_today(datetime.now(UTC)) - timedelta(days=90)).isoformat()

    refused = await bot.clicks(CARYS, "permission.submit", _form(**running, start=months_ago), lang=lang)
    sent = await bot.clicks(CARYS, "permission.submit", _form(**running, start=uk_today(datetime.now(UTC)).isoformat()),
                            lang=lang)

    assert {i["id"]: i for i in _inputs(refused.card or {})}["start"]["label"].endswith(
        f' — {strings.text("perm.error.start_backdated", lang)}')
    assert [r.state for r in await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)] == [
        RequestState.PENDING]
    assert "permission.withdraw" in text_of(sent.card)


def _shown_at_first(element: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons a card shows before anything on it is pressed: not those inside a Show card still closed."""
    found: list[dict[str, Any]] = list(element.get("actions", []))
    for key in ("body", "items"):
        for child in element.get(key, []):
            found += _shown_at_first(child)
    return found


@pytest.mark.parametrize("lang", list(Lang))
async def test_withdraw_asks_are_you_sure_before_a_request_leaves_the_headteachers_list(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """Withdraw took the request back on the first touch (next to My requests, on a phone): a request withdrawn is
    off the headteacher's list for good, and asking again is the whole form again. Withdraw now opens a line saying
    so, with the button that withdraws, on the status card and on My requests."""
    await bot.meets(CARYS, SIAN)
    status = await bot.clicks(CARYS, "permission.submit", _form(), lang=lang)
    listed = await bot.clicks(CARYS, "permission.mine", verb_data(status.card or {}, "permission.mine"), lang=lang)

    request_id = verb_data(status.card or {}, "permission.withdraw")["id"]
    for card, title in ((status.card or {}, strings.text("perm.withdraw", lang)),
                        (listed.card or {}, strings.text("perm.withdraw_listed", lang, id=request_id))):
        first = _shown_at_first(card)
        [opens] = [a for a in first if a["title"] == title]
        assert opens["type"] == "Action.ShowCard" and "permission.withdraw" not in {a.get("verb") for a in first}
        assert json.dumps(strings.text("perm.withdraw_confirm", lang), ensure_ascii=False) in text_of(opens["card"])
        assert [(a["title"], a["verb"]) for a in actions(opens["card"])] == [
            (strings.text("perm.withdraw_yes", lang), "permission.withdraw")]


# Hwb is one tenant for every maintained school in Wales, staff and pupils: the staff list says who is the federation's

PUPIL = Person(TENANT, "c3000000-0000-4000-8000-0000000000b1", "Elis Pupil (Year 9)")


@pytest.mark.parametrize(("lang", "said"), [(Lang.EN, "staff list"), (Lang.CY, "rhestr staff")])
async def test_a_pupil_in_the_hwb_tenant_cannot_send_the_headteacher_a_request(
        bot: BotInMemory, strings: Catalogue, lang: Lang, said: str) -> None:
    """A pupil (or a teacher at another Powys school) opens the app in Hwb: not on the federation's staff list, so
    Send is refused, below the form, in their language; nothing is stored, counted or sent."""
    await bot.has_the_staff_list()
    await bot.meets(PUPIL, SIAN, FFION)

    sent = await bot.clicks(PUPIL, "permission.submit", _form(), lang=lang)

    assert sent.new_message
    assert strings.text("perm.not_on_staff_list", lang, federation=bot.federation.name(lang)) in text_of(sent.card)
    assert said in text_of(sent.card)
    assert bot.store.requests == {} and bot.store.use_windows == {}
    assert await bot.cards_for(SIAN) == [] and await bot.cards_for(FFION) == []


FORM_OPENED_BY = {"typed": ("I need permission for a class Instagram", None),
                  "typed in Welsh": ("Dw i angen caniatâd ar gyfer Instagram y dosbarth", None),
                  "the button": ("", {}), "an answer's button": ("", {"lang": "en"})}


async def _opens_the_form(bot: BotInMemory, person: Person, route: str, lang: Lang) -> Reply:
    typed, data = FORM_OPENED_BY[route]
    if data is None:
        return await bot.says(person, typed, lang=lang)
    return await bot.clicks(person, "permission.form", data, lang=lang)


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("route", list(FORM_OPENED_BY))
async def test_someone_not_on_the_staff_list_is_told_on_opening_the_form_not_after_filling_it_in(
        bot: BotInMemory, strings: Catalogue, lang: Lang, route: str) -> None:
    """A pupil in Hwb filled in the whole request form and learned only at Send that it would not go. Opening it now
    says at once what Send would have said, in their language, and shows no form."""
    await bot.has_the_staff_list()
    await bot.meets(PUPIL, SIAN)
    shown_in = Lang.CY if route.endswith("in Welsh") else Lang.EN if route == "an answer's button" else lang

    opened = await _opens_the_form(bot, PUPIL, route, lang)

    said = text_of(opened.card)
    assert strings.text("perm.not_on_staff_list_form", shown_in, federation=bot.federation.name(shown_in)) in said
    assert strings.text("perm.form_title", shown_in) not in said and "permission.submit" not in said
    assert bot.store.requests == {} and bot.store.use_windows == {}


@pytest.mark.parametrize("route", list(FORM_OPENED_BY))
async def test_staff_on_the_list_and_anyone_before_a_complete_list_still_get_the_request_form(
        bot: BotInMemory, route: str) -> None:
    await bot.meets(PUPIL, CARYS)

    before_the_list = await _opens_the_form(bot, PUPIL, route, Lang.EN)
    await MemoryStaffDirectory(bot.store).replace_all([*read_staff_csv(
        (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
        schools=[s.school_id for s in bot.federation.schools]).staff, StaffMember(
        name="Nia Newydd", email="nia.newydd@llanidloes.example.cymru", school="high", role="Teacher",
        line_manager_email="", aad_object_id="")])
    a_row_without_an_id = await _opens_the_form(bot, PUPIL, route, Lang.EN)
    await bot.has_the_staff_list()
    on_the_list = await _opens_the_form(bot, CARYS, route, Lang.EN)

    for opened in (before_the_list, a_row_without_an_id, on_the_list):
        assert "permission.submit" in text_of(opened.card)


async def test_while_a_staff_row_has_no_object_id_nobody_is_turned_away_as_not_staff(bot: BotInMemory) -> None:
    """The office's export often lacks the Entra id column (the import warns and accepts it): a row without one may be
    the person asking, so a member of staff is never refused for it; the list says "not staff" only when complete."""
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=[s.school_id for s in bot.federation.schools]).staff
    await MemoryStaffDirectory(bot.store).replace_all([*staff, StaffMember(
        name="Nia Newydd", email="nia.newydd@llanidloes.example.cymru", school="high", role="Teacher",
        line_manager_email="sian.roberts@llanidloes.example.cymru", aad_object_id="")])
    await bot.meets(PUPIL, SIAN, FFION)

    sent = await bot.clicks(PUPIL, "permission.submit", _form())

    assert len(bot.store.requests) == 1 and "permission.withdraw" in json.dumps(sent.card)


async def test_before_the_staff_list_is_imported_anyone_in_the_tenant_can_still_send_a_request(
        bot: BotInMemory) -> None:
    await bot.meets(PUPIL, SIAN, FFION)

    await _submitted(bot, PUPIL)

    [request] = bot.store.requests.values()
    assert request.requester == PUPIL and len(await bot.cards_for(SIAN)) == 1


async def test_the_chair_of_governors_named_in_the_settings_but_not_on_the_staff_list_can_send_a_request(
        bot: BotInMemory) -> None:
    chair = Person(TENANT, "a1000000-0000-4000-8000-000000000006", "Mr Huw Davies")
    await bot.has_the_staff_list()
    await bot.meets(chair, SIAN, FFION)

    await _submitted(bot, chair)

    assert len(bot.store.requests) == 1 and len(await bot.cards_for(SIAN)) == 1


async def test_a_member_of_staff_is_not_locked_out_when_the_staff_list_cannot_be_read(
        bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a failed guest lookup counts as staff: the list unreadable at Send says nothing against her."""
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN, FFION)

    async def unreadable(self: MemoryStaffDirectory) -> NoReturn:
        raise StorageUnavailable("the directory table did not answer")

    monkeypatch.setattr(MemoryStaffDirectory, "list_members", unreadable)

    await _submitted(bot, CARYS)

    assert len(bot.store.requests) == 1 and len(await bot.cards_for(SIAN)) == 1


async def _late_bot(strings: Catalogue, federation: Federation, clock: Clock, lang: Lang) -> BotInMemory:
    """The bot at the clock's time; Carys and Siân read it in `lang`."""
    in_force = PolicyInForce(fixture_policy(), NoIndex())
    bot = open_bot(strings, federation, lambda: in_force, clock=clock)
    profiles = MemoryUserProfiles(bot.store)
    for person in (CARYS, SIAN):
        await profiles.save_profile(UserProfile(person=person, teams_language=lang,
                                                conversation_ref=f'{{"user": "{person.name}"}}'))
    return bot


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_whose_dates_have_ended_is_not_approved_and_can_still_be_declined(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Asked for 2 to 6 November and still waiting on the 9th: Approve gave permission for a week already over, and
    nothing on the head's card or list said the dates had gone. Now both say so, Approve (on the card the request came
    in, posted while the dates were ahead) changes nothing and says why, and Decline still decides it."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-11-02", end="2026-11-06", ongoing=""),
                              lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    [to_head] = await bot.cards_for(SIAN)
    before = await _trail(bot, request_id)

    clock.now = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)
    listed = await bot.clicks(SIAN, "permission.pending", {}, lang=lang)
    approved = await bot.clicks(SIAN, "permission.approve", {**verb_data(to_head, "permission.approve"),
                                                             "reason": "Fine"})
    # A list card shown while the dates were ahead, clicked now.
    on_an_old_list = await bot.clicks(SIAN, "permission.approve", {"id": request_id, "from": "list",
                                                                   "lang": lang.value})
    unchanged = await MemoryPermissionRequests(bot.store).get(request_id)
    trail_after_approve = await _trail(bot, request_id)
    declined = await bot.clicks(SIAN, "permission.decline", {**verb_data(to_head, "permission.decline"),
                                                             "reason": "The trip is over."})

    ended = strings.text("perm.dates_ended", lang, end="06/11/2026", name=CARYS.name)
    assert ended in text_of(listed.card) and ended in text_of(approved.card)
    assert strings.text("perm.dates_ended_refused", lang) in text_of(approved.card)
    assert strings.text("perm.dates_ended_refused", lang) in text_of(on_an_old_list.card)
    # Nobody is offered a button that cannot work: Decline only, on the list and on the card.
    assert "permission.approve" not in text_of(listed.card) and "permission.approve" not in text_of(approved.card)
    assert "permission.decline" in text_of(listed.card) and "permission.decline" in text_of(approved.card)
    assert (unchanged.state, unchanged.approved_from) == (RequestState.PENDING, None)
    assert trail_after_approve == before
    decided = await MemoryPermissionRequests(bot.store).get(request_id)
    assert (decided.state, decided.reason) == (RequestState.DECLINED, "The trip is over.")
    assert (decided.start, decided.end) == (date(2026, 11, 2), date(2026, 11, 6))
    assert strings.text("perm.decision_title.declined", lang, id=request_id) in text_of(await bot.cards_for(CARYS))
    assert strings.text("perm.decision_title.approved", lang, id=request_id) not in text_of(
        await bot.cards_for(CARYS))
    assert "permission.approve" not in text_of(declined.card)


async def test_clicks_at_once_on_a_request_whose_dates_have_ended_make_one_decision_a_decline(
        strings: Catalogue, federation: Federation) -> None:
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    await bot.meets(FFION)
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-11-02", end="2026-11-06", ongoing=""))
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    clock.now = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)

    await asyncio.gather(*(
        bot.clicks(SIAN if n % 2 else FFION, "permission.decline" if n % 3 == 2 else "permission.approve",
                   {"id": request_id, "reason": f"click {n}"}) for n in range(10)))

    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    decisions = [action for action, _ in await _trail(bot, request_id) if action in ("approved", "declined")]
    assert decisions == ["declined"] and stored.state is RequestState.DECLINED


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_approval_after_the_start_date_runs_from_the_uk_day_it_is_given(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Asked from Monday 6 July and approved at 00:30 BST on Thursday 9 July (still the 8th in UTC): the official
    accounts showed permission from the 6th, three days before anyone gave it. Now the head's card says the start has
    passed and from when an approval runs, and the approval runs from the 9th: on her card, Carys's decision card, the
    official accounts and the record, which still keeps the dates asked for."""
    clock = Clock(datetime(2026, 7, 6, 8, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-07-06"), lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    [to_head] = await bot.cards_for(SIAN)

    clock.now = datetime(2026, 7, 8, 23, 30, tzinfo=UTC)
    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id}, lang=lang)
    approved = await bot.clicks(SIAN, "permission.approve", verb_data(to_head, "permission.approve"))
    register = text_of((await bot.clicks(SIAN, "permission.register", {}, lang=lang)).card)
    told = text_of(await bot.cards_for(CARYS))

    assert strings.text("perm.start_passed", lang, start="06/07/2026", today="09/07/2026") in text_of(opened.card)
    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert (stored.state, stored.start, stored.end, stored.approved_from) == (
        RequestState.APPROVED, date(2026, 7, 6), None, date(2026, 7, 9))
    runs = strings.text("perm.approved_from_later", lang, start="06/07/2026", day="09/07/2026")
    assert runs in text_of(approved.card) and runs in told
    ongoing = strings.text("perm.ongoing", lang)
    assert f"09/07/2026 – {ongoing}" in register and f"06/07/2026 – {ongoing}" not in register


async def test_an_approval_before_the_start_date_runs_from_the_start_asked_for(
        strings: Catalogue, federation: Federation) -> None:
    clock = Clock(datetime(2026, 7, 6, 8, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-07-10"))
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])

    opened = await bot.clicks(SIAN, "permission.open", {"id": request_id})
    approved = await bot.clicks(SIAN, "permission.approve", {"id": request_id})

    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert stored.approved_from == date(2026, 7, 10)
    for card in (opened.card, approved.card):
        assert "has passed" not in text_of(card) and "have ended" not in text_of(card)
    assert "runs from" not in text_of(await bot.cards_for(CARYS))


@pytest.mark.parametrize("verb", ["permission.approve", "permission.decline"])
async def test_a_decision_on_a_later_pending_card_answers_with_the_list_from_where_that_card_began(
        bot: BotInMemory, verb: str) -> None:
    """Three wait, and Siân's card begins after the first (a Show more card Teams refreshed once the list had shrunk):
    it shows the second and third with their own buttons. Deciding the second answered with the list from the top (the
    first and the third); now it answers with the card as it was, from after the first: the third alone."""
    await bot.meets(CARYS, SIAN)
    first, second, third = [await _submitted(bot) for _ in range(3)]
    later = await bot.clicks(SIAN, "permission.pending", {"after": first, "start": "1"})
    shown = [str(a["data"]["id"]) for a in actions(later.card or {}) if a.get("verb") == verb]
    assert shown == [second, third]

    after = await bot.clicks(SIAN, verb, {**verb_data(later.card or {}, verb), f"reason_{second}": "Not now."})

    listed = [str(a["data"]["id"]) for a in actions(after.card or {}) if a.get("verb") == "permission.decline"]
    assert listed == [third] and f"{second}: " in text_of(after.card)
    stored = await MemoryPermissionRequests(bot.store).get(second)
    assert stored.state is not RequestState.PENDING


async def test_a_missing_reason_on_a_later_pending_card_is_shown_where_it_was_clicked(bot: BotInMemory) -> None:
    await bot.meets(CARYS, SIAN)
    first, second, third = [await _submitted(bot) for _ in range(3)]
    later = await bot.clicks(SIAN, "permission.pending", {"after": first, "start": "1"})

    missing = await bot.clicks(SIAN, "permission.decline", verb_data(later.card or {}, "permission.decline"))

    listed = [str(a["data"]["id"]) for a in actions(missing.card or {}) if a.get("verb") == "permission.decline"]
    assert listed == [second, third]
    assert load_catalogue().text("perm.reason_required", Lang.EN) in text_of(missing.card)


@pytest.fixture
def answering(strings: Catalogue, federation: Federation,
              policy_in_force: PolicyInForce[Any]) -> BotInMemory:
    """The bot answering questions from the 2022 policy: typed words it does not know are asked of the policy."""
    return open_bot(strings, federation, lambda: policy_in_force)


@pytest.mark.parametrize(("said", "lang"), [("approve", Lang.EN), ("Approve {id}", Lang.EN), ("decline", Lang.EN),
                                            ("decline {id} please", Lang.EN), ("cymeradwyo", Lang.CY),
                                            ("Gwrthod {id}", Lang.CY)])
async def test_the_head_typing_approve_or_decline_is_shown_her_pending_list_and_nothing_is_decided(
        answering: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Siân typed "approve" on her phone under a request card: it was searched as a question ("the policy doesn't
    cover that") and kept on her own questions for review. Typed words never decide a request: she is pointed to the
    buttons, on her list of requests waiting."""
    await answering.meets(CARYS, SIAN)
    request_id = await _submitted(answering)

    reply = await answering.says(SIAN, said.format(id=request_id), lang=Lang.EN)

    assert answering.store.questions == {}
    assert (await MemoryPermissionRequests(answering.store).get(request_id)).state is RequestState.PENDING
    shown = text_of(reply.card)
    assert strings.text("perm.typed_decision", lang) in shown
    assert strings.text("perm.pending_title", lang) in shown and request_id in shown


@pytest.mark.parametrize(("said", "lang"), [("approve", Lang.EN), ("cymeradwyo", Lang.CY)])
async def test_anyone_else_typing_approve_is_told_how_requests_are_decided(
        answering: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    reply = await answering.says(CARYS, said, lang=Lang.EN)

    assert answering.store.questions == {}
    assert strings.text("perm.typed_decision_not_decider", lang) in text_of(reply.card)


@pytest.mark.parametrize(("said", "lang"), [
    ("decline the Instagram one", Lang.EN), ("Approve Carys's request", Lang.EN), ("approve them all", Lang.EN),
    ("Yes approve it", Lang.EN), ("Decline - we already have a school page", Lang.EN),
    ("decline, no pupil photos please", Lang.EN), ("ok approve {id} and the YouTube one", Lang.EN),
    ("Gwrthod yr un Instagram", Lang.CY), ("Cymeradwyo cais Carys", Lang.CY),
    ("gwrthod hwn - mae gennym ni dudalen yn barod", Lang.CY)])
async def test_the_head_typing_a_decision_in_her_own_words_is_shown_her_pending_list_and_nothing_is_decided(
        answering: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Siân on her phone typed "decline the Instagram one" or "Decline - we already have a school page": only the
    listed ways ("decline", "decline this") were read as a decision, so hers went to the policy ("the policy doesn't
    cover that", or a quote about seeking permission, or for "Yes approve it" the About card) and was kept as her own
    question for review, with nothing saying the request was still waiting. A decider's message that opens with the
    word of a decision is read as one: nothing decided, her list with the buttons to use."""
    await answering.meets(CARYS, SIAN)
    request_id = await _submitted(answering)

    reply = await answering.says(SIAN, said.format(id=request_id), lang=Lang.EN)

    assert answering.store.questions == {}
    assert (await MemoryPermissionRequests(answering.store).get(request_id)).state is RequestState.PENDING
    shown = text_of(reply.card)
    assert strings.text("perm.typed_decision", lang) in shown
    assert strings.text("perm.pending_title", lang) in shown and request_id in shown


@pytest.mark.parametrize("said", ["Can I decline a parent's friend request?", "decline friend requests from pupils",
                                  "Should I approve a colleague's post about the trip?"])
async def test_a_decider_asking_the_policy_about_declining_or_approving_is_still_answered_from_it(
        answering: BotInMemory, strings: Catalogue, said: str) -> None:
    await answering.meets(CARYS, SIAN)
    await _submitted(answering)

    reply = await answering.says(SIAN, said)

    assert strings.text("perm.typed_decision", Lang.EN) not in text_of(reply.card)
    assert [record.text for record in answering.store.questions.values()] == [said]


WHAT_WAITS = [("anything waiting for me?", Lang.EN), ("What's outstanding?", Lang.EN),
              ("have I got anything to sign off?", Lang.EN), ("ok, anything waiting for me today? thanks", Lang.EN),
              ("show me the pending ones", Lang.EN), ("Any new requests?", Lang.EN),
              ("unrhyw beth yn aros amdana i?", Lang.CY), ("Beth sy'n aros?", Lang.CY),
              ("Oes 'na rywbeth i mi ei gymeradwyo heddiw?", Lang.CY),
              # Opened with a greeting, as a message to a colleague is.
              ("Morning! Anything for me?", Lang.EN), ("Bore da, oes rhywbeth yn aros amdana i?", Lang.CY),
              # The south's "'da fi" and "gyda fi" for "gen i", and "i" for "i'w" (before, "not covered", kept).
              ("Oes 'da fi rywbeth i gymeradwyo?", Lang.CY), ("Oes gyda fi unrhyw beth yn aros?", Lang.CY),
              ("Be sy 'da fi i'w gymeradwyo?", Lang.CY)]


@pytest.mark.parametrize(("said", "lang"), WHAT_WAITS, ids=[said for said, _ in WHAT_WAITS])
async def test_the_head_asking_what_waits_for_her_in_her_own_words_is_shown_her_pending_list(
        answering: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Siân between lessons typed "anything waiting for me?" or "beth sy'n aros?": only "pending requests" and the
    listed ways opened her list, so hers went to the policy ("the policy doesn't cover that", or a quote on being
    pestered by colleagues for "beth sy'n aros?") and was kept on her own questions for review. Whoever decides
    requests gets her list for them, in the words' language, nothing kept."""
    await answering.meets(CARYS, SIAN)
    request_id = await _submitted(answering)

    reply = await answering.says(SIAN, said, lang=Lang.EN)

    assert answering.store.questions == {}
    assert _title(reply.card) == strings.text("perm.pending_title", lang)
    assert request_id in text_of(reply.card)


async def test_the_named_delegate_asking_what_waits_is_shown_the_list_she_decides(
        answering: BotInMemory, strings: Catalogue) -> None:
    """Ffion acting for the head, in Welsh: the requests she may decide, as "ceisiadau sy'n aros" shows them."""
    await answering.meets(CARYS, SIAN, FFION)
    request_id = await _submitted(answering)

    reply = await answering.says(FFION, "oes rhywbeth yn aros amdana i?", lang=Lang.CY)

    assert _title(reply.card) == strings.text("perm.pending_title", Lang.CY) and request_id in text_of(reply.card)
    assert answering.store.questions == {}


@pytest.mark.parametrize(("said", "lang"), [("anything waiting for me?", Lang.EN), ("Beth sy'n aros?", Lang.CY)])
async def test_staff_asking_what_waits_for_them_get_their_own_requests_never_the_heads_list(
        answering: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """The same words from a member of staff: her own requests, saying requests wait for the headteacher; from
    someone who has asked nothing, the same card saying so. Never the head's list, nor a question kept."""
    await answering.meets(CARYS, OWAIN, SIAN)
    request_id = await _submitted(answering)

    hers = await answering.says(CARYS, said)
    his = await answering.says(OWAIN, said)

    for reply in (hers, his):
        assert _title(reply.card) == strings.text("perm.mine_title", lang)
        assert strings.text("perm.waiting_not_decider", lang) in text_of(reply.card)
        assert strings.text("perm.pending_title", lang) not in text_of(reply.card)
    assert request_id in text_of(hers.card) and request_id not in text_of(his.card)
    assert strings.text("perm.mine_empty", lang) in text_of(his.card)
    assert answering.store.questions == {}


@pytest.mark.parametrize("said", ["Is anything outstanding in the policy about parents' comments?",
                                  "What is waiting time for a reply from the head?",
                                  "any requests from parents to follow me should be declined?"])
async def test_a_question_that_goes_on_past_what_waits_is_still_asked_of_the_policy(
        answering: BotInMemory, strings: Catalogue, said: str) -> None:
    await answering.meets(CARYS, SIAN)
    await _submitted(answering)

    reply = await answering.says(SIAN, said)

    assert _title(reply.card) != strings.text("perm.pending_title", Lang.EN)
    assert [record.text for record in answering.store.questions.values()] == [said]


@pytest.mark.parametrize("lang", list(Lang))
async def test_approve_pressed_on_a_request_sent_again_in_its_place_leads_to_the_new_one(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """Siân on her phone pressed Approve on Carys's card, which Carys had meanwhile sent again with pupils' photos
    added: the card said "Sent again, with changes, as P-…" and nothing more, so she scrolled the chat for the new
    card. The card of a request sent again (her press's answer, and her card edited when it was withdrawn) now has
    "See P-… in full", which opens the new request with Approve and Decline; nothing of either is decided."""
    await bot.meets(CARYS, SIAN, FFION)
    await MemoryUserProfiles(bot.store).save_profile(
        UserProfile(person=SIAN, language=lang, conversation_ref='{"user": "Siân"}'))
    first = await bot.clicks(CARYS, "permission.submit", _form())
    old_id = str(verb_data(first.card or {}, "permission.withdraw")["id"])
    [her_card] = await bot.cards_for(SIAN)
    added = {"pupil_content": "photos,work", "consent": "Parents opted in to photos; no names."}
    offered = await bot.clicks(CARYS, "permission.submit", _form(**added))
    sent = await bot.clicks(CARYS, "permission.submit", {**_form(**added),
                                                         **verb_data(offered.card or {}, "permission.submit")})
    new_id = str(verb_data(sent.card or {}, "permission.withdraw")["id"])

    pressed = await bot.clicks(SIAN, "permission.approve", verb_data(her_card, "permission.approve"))
    edited = [c for c in await bot.cards_for(SIAN) if old_id in text_of(c) and "permission.approve" not in text_of(c)]
    opened = await bot.clicks(SIAN, "permission.open", verb_data(pressed.card or {}, "permission.open"))

    requests = MemoryPermissionRequests(bot.store)
    assert [(await requests.get(i)).state for i in (old_id, new_id)] == [RequestState.WITHDRAWN, RequestState.PENDING]
    for card in (pressed.card or {}, *edited):
        assert strings.text("perm.replaced_by", lang, id=new_id) in text_of(card)
        assert verb_data(card, "permission.open")["id"] == new_id
        assert [a["title"] for a in actions(card) if a.get("verb") == "permission.open"] == [
            strings.text("perm.open", lang, id=new_id)]
    assert edited
    assert verb_data(opened.card or {}, "permission.approve")["id"] == new_id


@pytest.mark.parametrize(("said", "lang"), [("anything waiting for me?", Lang.EN), ("Beth sy'n aros?", Lang.CY)])
async def test_the_head_asking_what_waits_is_shown_the_question_waiting_for_her_reply_too(
        answering: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """With no request waiting and Carys's question passed to her, "anything waiting for me?" answered only "Nothing
    is waiting for a decision", and Siân took it that nothing waited. Whoever sees the questions for review gets that
    list below her pending requests; the named delegate, who stands in on requests only, and staff do not."""
    await answering.meets(CARYS, SIAN, FFION)
    no_answer = await answering.says(CARYS, "How many days of annual leave do I get?")
    await answering.clicks(CARYS, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"))
    kept = dict(answering.store.questions)

    hers = await answering.says(SIAN, said)
    delegates = await answering.says(FFION, said)
    carys = await answering.says(CARYS, said)

    assert _title(hers.card) == strings.text("perm.pending_title", lang)
    assert strings.text("perm.pending_empty", lang) in text_of(hers.card)
    [questions] = hers.more
    assert _title(questions) == strings.text("ask.review_title", lang)
    assert "annual leave" in text_of(questions) and "ask.question" in text_of(questions)  # her Reply
    assert _title(delegates.card) == strings.text("perm.pending_title", lang) and delegates.more == []
    assert carys.more == [] and "annual leave" not in text_of([delegates.card, carys.card])
    assert answering.store.questions == kept


@pytest.mark.parametrize("typed", ["Tynnu nghais i nôl", "Isio tynnu fy nghais i nôl plis",
                                   "Dw i moyn tynnu nghais i 'nôl"])
async def test_withdrawing_her_request_said_with_nol_shows_her_requests_in_welsh(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    """ "Tynnu nghais i nôl" ("nôl", as "yn ôl" is said) read "i nôl" as a request to someone else, "nôl", so Carys got
    a quote of the policy on personal use (kept for the head's review) where "Tynnu fy nghais yn ôl" gets her list,
    with Withdraw on each."""
    await _her_requests_shown_for(answering_bot, strings, typed, sent_in=Lang.EN, shown_in=Lang.CY)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_the_waiting_card_names_the_delegate_who_may_decide_as_well_as_the_head(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """Siân is away and Ffion, her named delegate, decides requests meanwhile. Carys's card said only "Waiting for Mrs
    Siân Roberts, headteacher of Llanidloes High School": she chased Siân, who was away, and was surprised when Ffion
    decided. It now names the delegate too, as someone who may decide it instead."""
    await bot.meets(CARYS, SIAN, FFION)

    status = await bot.clicks(CARYS, "permission.submit", _form(), lang=lang)

    assert SIAN.name in text_of(status.card)
    assert strings.text("perm.status_pending_also", lang, delegates=FFION.name) in text_of(status.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_refused_decision_on_the_pending_list_keeps_the_reasons_typed(bot: BotInMemory, strings: Catalogue,
                                                                              lang: Lang) -> None:
    """The headteacher typed a reason under one request and a comment under another, then pressed Decline on a third
    with its box empty: the list came back saying a reason is needed, with every box empty, so what she had typed (and,
    with a screen reader or large text, found her way back to) was gone. The boxes keep what she typed."""
    await bot.meets(CARYS, SIAN)
    first, second, third = [await _submitted(bot) for _ in range(3)]
    listed = await bot.clicks(SIAN, "permission.pending", {}, lang=lang)
    typed = {f"reason_{first}": "Not this term, sorry.", f"reason_{second}": "Fine, keep it to the trip."}

    again = await bot.clicks(SIAN, "permission.decline", {
        **verb_data(listed.card or {}, "permission.decline"), "id": third, **typed, f"reason_{third}": ""}, lang=lang)

    boxes = {box["id"]: box for box in _inputs(again.card or {})}
    assert {key: boxes[key].get("value") for key in typed} == typed
    assert "value" not in boxes[f"reason_{third}"]
    assert boxes[f"reason_{third}"]["label"].endswith(strings.text("perm.reason_required", lang))
    assert [r.state for r in await MemoryPermissionRequests(bot.store).list_by_requester(CARYS)] == [
        RequestState.PENDING] * 3


@pytest.mark.parametrize(("lang", "yours", "about_her"), [
    (Lang.EN, "You asked to start a new Instagram account for", "Carys Jenkins asks"),
    (Lang.CY, "Gofynnoch chi am gael dechrau cyfrif Instagram newydd ar gyfer", "Mae Carys Jenkins yn gofyn"),
])
async def test_the_requester_reads_her_own_request_said_to_her(bot: BotInMemory, lang: Lang, yours: str,
                                                               about_her: str) -> None:
    """Her status card and the decision she is sent said "Carys Jenkins asks to start …", the head's words about her;
    the head's card still does."""
    await bot.meets(CARYS, SIAN)
    form = (await bot.says(CARYS, "request permission", lang=lang)).card or {}
    status = await bot.clicks(CARYS, "permission.submit", {**_form(), **verb_data(form, "permission.submit")},
                              lang=lang)
    [to_head] = await bot.cards_for(SIAN)

    await bot.clicks(SIAN, "permission.decline", {**verb_data(to_head, "permission.decline"), "reason": "Not now."})

    [decided] = [c for c in await bot.cards_for(CARYS) if c is not status.card][-1:]
    for card in (status.card, decided):
        assert yours in text_of(card) and about_her not in text_of(card)
    assert "Carys Jenkins asks" in text_of(to_head)


# Every combining mark Unicode has from U+0300 to U+036E on each of three letters ("Zalgo" text): a hundred marks
# stacked on one letter draw far above and below its line, over the card's own words.
_STACKED = "".join(chr(c) for c in range(0x300, 0x36F))
ZALGO = "".join(f"{letter}{_STACKED}" for letter in "abc")


def _longest_run_of_marks(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if unicodedata.category(ch) in ("Mn", "Me") else 0
        longest = max(longest, run)
    return longest


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_marks_stacked_on_a_letter_cannot_draw_over_the_heads_card(bot: BotInMemory, lang: Lang) -> None:
    """A purpose and a display name of letters each carrying hundreds of combining marks (a hostile member of staff,
    or a pupil with a teacher's phone): the renderer draws them far above and below their line, over the head's own
    lines on her card ("Check before approving", the request's other details). Before, every mark reached her card
    (111 on one letter); now a letter keeps at most four, enough for any language's accents (Welsh "ŵ" written with
    a separate circumflex, Vietnamese "ệ")."""
    carys = replace(CARYS, name=f"Carys {ZALGO}")
    await bot.meets(carys, SIAN)
    await bot.clicks(carys, "permission.submit", _form(purpose=f"Class blog {ZALGO} ŵ ệ",
                                                       lang=lang.value), lang=lang)
    [to_head] = await bot.cards_for(SIAN)

    shown = text_of(to_head)
    assert "Class blog abc ŵ ệ" in "".join(ch for ch in shown if unicodedata.category(ch) != "Mn")
    assert _longest_run_of_marks(text_of(to_head)) <= 4



@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
@pytest.mark.parametrize("typed", ["✅ Approved by Mrs Siân Roberts", "✅ Cymeradwywyd gan Mrs Siân Roberts",
                                   "Approved by Mrs Siân Roberts {id}\nReason: Lovely idea.", "✅ approve {id}"])
async def test_a_message_typed_to_look_like_the_heads_decision_decides_nothing(answering_bot: BotInMemory, lang: Lang,
                                                                                typed: str) -> None:
    """A member of staff (or a pupil with her phone) types what the head's approval looks like, with or without the
    request's reference, and the head's own words typed with a tick: the request still waits for the head, nobody is
    told it was decided, and the trail has no decision; she is never offered Approve. (Held before this test.)"""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)
    sent_before = len(await bot.cards_for(CARYS))

    hers = await bot.says(CARYS, typed.format(id=request_id), lang=lang)
    heads = await bot.says(SIAN, typed.format(id=request_id), lang=lang)

    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert stored.state is RequestState.PENDING and stored.decided_by_id == ""
    assert await _trail(bot, request_id) == [("sent to approver", CARYS.aad_object_id),
                                             ("submitted", CARYS.aad_object_id)]
    assert len(await bot.cards_for(CARYS)) == sent_before
    assert "permission.approve" not in text_of(hers.card) and heads.card is not None


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_requests_reference_typed_in_a_group_chat_shows_the_group_nothing_of_it(
        answering_bot: BotInMemory, lang: Lang) -> None:
    """The head (or a pupil with her phone) types a request's reference in a staff group chat, @mentioning the bot,
    and so does the member of staff who asked: the group reads neither her name nor what she asked for, and no
    decision is offered there. (Held before this test.)"""
    await answering_bot.meets(CARYS, SIAN)
    request_id = await _submitted(answering_bot)

    heads = await answering_bot.says(SIAN, f"{request_id}?", lang=lang, scope=Scope.GROUP)
    hers = await answering_bot.says(CARYS, f"what's happening with {request_id}", lang=lang, scope=Scope.GROUP)

    for there in (text_of(heads.card), text_of(hers.card)):
        assert "Carys" not in there and "geography" not in there and "permission.approve" not in there
        assert "permission.withdraw" not in there


@pytest.mark.parametrize(("said", "lang"), [("Sut mae tynnu'n ôl?", Lang.CY), ("sut mae tynnu cais nôl?", Lang.CY),
                                            ("How do I withdraw?", Lang.EN), ("how can I withdraw it", Lang.EN)])
async def test_asking_how_to_withdraw_shows_her_requests_with_the_withdraw_button(
        bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Carys, her request waiting, typed "Sut mae tynnu'n ôl?" (how do I withdraw?): it was "not covered", offered to
    the headteacher and kept for her review. She gets her requests, the waiting one with its Withdraw button, in the
    words' language, and nothing is kept."""
    await bot.meets(CARYS, SIAN)
    request_id = await _submitted(bot)

    reply = await bot.says(CARYS, said, lang=Lang.EN)

    assert strings.text("perm.mine_title", lang) in text_of(reply.card)
    assert verb_data(reply.card or {}, "permission.withdraw")["id"] == request_id
    assert bot.store.questions == {}


def _reminding(bot: BotInMemory, clock: Clock) -> PermissionFlow:
    """The permission flow on the bot's stores at the clock's time, for the pass the bot runs every minute."""
    return PermissionFlow(strings=load_catalogue(), federation=bot.federation,
                          requests=MemoryPermissionRequests(bot.store), notifier=QueueingNotifier(MemoryOutbox(
                              bot.store)), profiles=MemoryUserProfiles(bot.store),
                          directory=MemoryStaffDirectory(bot.store), limiter=MemoryRateLimiter(bot.store),
                          request_limit=10, clock=clock)


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("with_delegate", [True, False])
async def test_a_request_left_waiting_a_school_week_reminds_whoever_decides_it_and_tells_her_so(
        strings: Catalogue, federation: Federation, lang: Lang, with_delegate: bool) -> None:
    """The head is away and no delegate is named: before, nothing chased the request and Carys heard nothing, however
    long it waited. Now, five school days after it was sent, whoever decides it is reminded once (with the way to open
    it, and, where no delegate is named, that IT can name one) and Carys is told it still waits, and what to do if it
    cannot wait."""
    head = federation.schools[0].headteacher
    settings = federation if with_delegate else _headed_by(federation, head, "high", "primary")
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday
    bot = await _late_bot(strings, settings, clock, lang)
    await bot.meets(FFION)
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-11-03"), lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    owed = {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)}

    clock.now = datetime(2026, 11, 6, 9, 0, tzinfo=UTC)  # four school days on: nothing yet
    assert await _reminding(bot, clock).see_to_waiting() == 0
    assert {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)} == owed

    clock.now = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)  # five school days on
    reminded = await _reminding(bot, clock).see_to_waiting()
    again = await _reminding(bot, clock).see_to_waiting()  # the next pass, or another instance

    assert (reminded, again) == (1, 1)  # each pass looks; nothing is queued twice
    [to_head] = (await bot.cards_for(SIAN))[owed[SIAN.aad_object_id]:]
    since = _on_uk_clocks(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    assert strings.text("perm.waiting_reminder", lang, id=request_id, name=CARYS.name, when=since) in text_of(to_head)
    assert verb_data(to_head, "permission.open")["id"] == request_id
    no_delegate = strings.text("perm.waiting_reminder_no_delegate", lang,
                               school=settings.schools[0].name(lang))
    assert (no_delegate in text_of(to_head)) is not with_delegate
    [to_carys] = (await bot.cards_for(CARYS))[owed[CARYS.aad_object_id]:]
    assert strings.text("perm.waiting_told", lang, when=since) in text_of(to_carys)
    assert request_id in text_of(to_carys)
    to_ffion = (await bot.cards_for(FFION))[owed[FFION.aad_object_id]:]
    assert len(to_ffion) == (1 if with_delegate else 0)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_still_waiting_a_second_school_week_is_brought_once_more_as_the_last_reminder(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Probe 8: the head, busy, let the school week's reminder slip by; before, the bot never raised the request again,
    and Carys, told once to ask the office, never heard that it still waited. Ten school days after it was sent, the
    head and her delegate are brought it once more, as the last reminder, and Carys is told so (a second and last
    time); then nothing more, however long it waits: a head back from a long absence is not met by a reminder a week
    for each request."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION)
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-20"), lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    clock.now = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)  # five school days on: the first reminder
    await _reminding(bot, clock).see_to_waiting()
    owed = {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)}

    clock.now = datetime(2026, 11, 13, 9, 0, tzinfo=UTC)  # nine school days on: nothing new yet
    await _reminding(bot, clock).see_to_waiting()
    assert {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)} == owed
    clock.now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # ten school days on
    reminded = await _reminding(bot, clock).see_to_waiting()
    again = await _reminding(bot, clock).see_to_waiting()  # the next pass, or another instance
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # four school weeks on
    later = await _reminding(bot, clock).see_to_waiting()

    assert (reminded, again, later) == (1, 1, 1)  # each pass looks; nothing is queued twice
    since = _on_uk_clocks(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    new = {p.aad_object_id: (await bot.cards_for(p))[owed[p.aad_object_id]:] for p in (CARYS, SIAN, FFION)}
    [to_head], [to_ffion], [to_carys] = new[SIAN.aad_object_id], new[FFION.aad_object_id], new[CARYS.aad_object_id]
    for decider, read_in in ((to_head, lang), (to_ffion, Lang.EN)):  # each in her own language
        assert strings.text("perm.waiting_reminder", read_in, id=request_id, name=CARYS.name, when=since) in text_of(
            decider)
        assert strings.text("perm.waiting_reminder_last", read_in) in text_of(decider)
        assert verb_data(decider, "permission.open")["id"] == request_id
    assert strings.text("perm.waiting_told_last", lang, when=since) in text_of(to_carys)
    assert request_id in text_of(to_carys)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_sent_on_a_friday_evening_is_reminded_of_on_the_next_school_morning_not_at_night(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Carys sent her request at 17:30 on a Friday, after school. Before, five school days on the head and Carys were
    reminded at 17:30 on the Friday, and ten on, again on a Friday evening: the weekend's edge. Each reminder is due
    as before (the pass queues it then, once), but goes at 08:00 UK time on the Monday, the next working day's school
    hours (SCHOOL_HOURS); Carys's own Send reached the head at 08:00 on the first Monday (permission probe 11: before,
    at once, at 17:30 on the Friday)."""
    sent = datetime(2026, 11, 6, 17, 30, tzinfo=UTC)  # Friday 6 November, 17:30 GMT
    clock = Clock(sent)
    bot = await _late_bot(strings, federation, clock, lang)
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-20"), lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    assert not await bot.cards_going_to(SIAN, sent)  # her request waits for school hours
    first_monday = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
    assert await bot.cards_going_to(SIAN, first_monday)
    first = {p.aad_object_id: len(await bot.cards_going_to(p, first_monday)) for p in (CARYS, SIAN)}
    since = _on_uk_clocks(sent)

    for due, monday, key in ((datetime(2026, 11, 13, 17, 30, tzinfo=UTC), datetime(2026, 11, 16, 8, 0, tzinfo=UTC),
                              "perm.waiting_reminder"),
                             (datetime(2026, 11, 20, 17, 30, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
                              "perm.waiting_reminder_last")):
        clock.now = due
        assert await _reminding(bot, clock).see_to_waiting() == 1
        for moment in (due, due + timedelta(hours=14), monday - timedelta(minutes=1)):  # the night, the weekend
            assert {p.aad_object_id: len(await bot.cards_going_to(p, moment)) for p in (CARYS, SIAN)} == first
        to_head = [c for c in await bot.cards_going_to(SIAN, monday) if c not in await bot.cards_going_to(SIAN, due)]
        to_carys = [c for c in await bot.cards_going_to(CARYS, monday)
                    if c not in await bot.cards_going_to(CARYS, due)]
        assert len(to_head) == 1 and len(to_carys) == 1
        assert strings.text("perm.waiting_reminder", lang, id=request_id, name=CARYS.name, when=since) in text_of(
            to_head)
        assert (strings.text("perm.waiting_reminder_last", lang) in text_of(to_head)) is (
            key == "perm.waiting_reminder_last")
        told = "perm.waiting_told_last" if key == "perm.waiting_reminder_last" else "perm.waiting_told"
        assert strings.text(told, lang, when=since) in text_of(to_carys)
        first = {p.aad_object_id: len(await bot.cards_going_to(p, monday)) for p in (CARYS, SIAN)}


@dataclass(frozen=True)
class _KeptForMonday:
    """A request and its first reminder, kept back to `monday` morning: `reminder` the head's words, `told` Carys's."""

    bot: BotInMemory
    clock: Clock
    request_id: str
    monday: datetime
    reminder: str
    told: str


async def _reminder_kept_for_monday(strings: Catalogue, federation: Federation, lang: Lang,
                                    form: dict[str, str]) -> _KeptForMonday:
    """Carys sends the request (this form) at 17:30 on Friday 6 November; the pass at 17:30 on Friday 13, when its
    reminder is due, queues it once, kept back to 08:00 on Monday 16, the next school morning."""
    sent = datetime(2026, 11, 6, 17, 30, tzinfo=UTC)  # Friday 6 November, 17:30 GMT
    clock = Clock(sent)
    bot = await _late_bot(strings, federation, clock, lang)
    status = await bot.clicks(CARYS, "permission.submit", form, lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    clock.now = datetime(2026, 11, 13, 17, 30, tzinfo=UTC)
    assert await _reminding(bot, clock).see_to_waiting() == 1
    monday = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    since = _on_uk_clocks(sent)
    reminder = strings.text("perm.waiting_reminder", lang, id=request_id, name=CARYS.name, when=since)
    told = strings.text("perm.waiting_told", lang, when=since)
    assert reminder in text_of(await bot.cards_going_to(SIAN, monday))  # kept back, as it was
    return _KeptForMonday(bot, clock, request_id, monday, reminder, told)


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("verb", ["permission.approve", "permission.decline", "permission.withdraw"])
async def test_a_reminder_waiting_for_monday_morning_never_goes_once_the_request_is_settled_at_the_weekend(
        strings: Catalogue, federation: Federation, lang: Lang, verb: str) -> None:
    """Carys's request, sent at 17:30 on a Friday, is due its reminder at 17:30 the next Friday, kept back to 08:00 on
    Monday. On Saturday morning Siân approves or declines it from her phone (or Carys withdraws it). Before, on Monday
    morning Siân was still reminded that the request waited for her decision and Carys was told it still waited,
    though it was settled two days before: the reminders are taken back with the decision or the withdrawal."""
    kept = await _reminder_kept_for_monday(strings, federation, lang, _form(start="2026-12-20"))
    assert kept.told in text_of(await kept.bot.cards_going_to(CARYS, kept.monday))

    kept.clock.now = datetime(2026, 11, 14, 10, 0, tzinfo=UTC)  # Saturday morning
    settled = await kept.bot.clicks(CARYS if verb == "permission.withdraw" else SIAN, verb,
                                    {"id": kept.request_id, "reason": "Use the school's own page instead."}, lang=lang)
    assert not settled.refused

    assert kept.reminder not in text_of(await kept.bot.cards_going_to(SIAN, kept.monday))
    assert kept.told not in text_of(await kept.bot.cards_going_to(CARYS, kept.monday))


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_reminder_waiting_for_monday_morning_never_goes_once_the_days_asked_for_ended_at_the_weekend(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Carys asked on a Friday evening for an account for the weekend's sports tournament (Saturday 14 and Sunday 15
    November). Its reminder, due at 17:30 on Friday 13, is kept back to 08:00 on Monday 16; by then the days asked for
    have ended, and Siân's card says so. Before, on Monday morning Siân was still asked to decide it and Carys told it
    still waited, for days gone by (what a reminder pass never says of a request whose dates have ended)."""
    kept = await _reminder_kept_for_monday(strings, federation, lang,
                                           _form(start="2026-11-14", end="2026-11-15", ongoing="false"))

    kept.clock.now = datetime(2026, 11, 16, 0, 30, tzinfo=UTC)  # the night's pass after the last day asked for
    assert await _reminding(kept.bot, kept.clock).show_dates_ended() == 1

    assert kept.reminder not in text_of(await kept.bot.cards_going_to(SIAN, kept.monday))
    assert kept.told not in text_of(await kept.bot.cards_going_to(CARYS, kept.monday))


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_whose_dates_ended_is_not_brought_back_a_school_week_on(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Hostile probe 5: Carys asked for one trip on 3 and 4 November and the head, away, never answered. Her days
    over, the dates-ended pass has told the head (Decline only, as an approval would be refused) and Carys was told
    nothing new. Before, a school week on the reminder brought the head a request for days gone by as still waiting
    for her decision, and told Carys it still waits and to ask the office who is acting as headteacher "if it cannot
    wait": for a trip already over. A request whose dates have ended is not reminded of."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION)
    await bot.clicks(CARYS, "permission.submit", _form(start="2026-11-03", end="2026-11-04", ongoing=""), lang=lang)
    clock.now = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)  # five school days on, the trip three days over
    await _reminding(bot, clock).show_dates_ended()
    owed = {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)}

    reminded = await _reminding(bot, clock).remind_waiting()

    assert reminded == 0
    assert {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)} == owed


async def test_a_waiting_reminder_cannot_be_aimed_at_anyone_by_a_colleague_or_the_requester(
        strings: Catalogue, federation: Federation) -> None:
    """Hostile probe 5: the reminder is the bot's own pass, with ids it makes: a colleague pressing See in full with the
    reminded request's id (copied from a phone he picked up) reads none of it (he is told only the head or her
    delegate decides it), and a request Carys withdrew before the week was up brings nobody a reminder of it."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    await bot.meets(FFION, OWAIN)
    kept = await bot.clicks(CARYS, "permission.submit", _form(start="2026-11-20"))
    kept_id = str(verb_data(kept.card or {}, "permission.withdraw")["id"])
    gone = await bot.clicks(CARYS, "permission.submit", _form(start="2026-11-20", platform="facebook"))
    gone_id = str(verb_data(gone.card or {}, "permission.withdraw")["id"])
    await bot.clicks(CARYS, "permission.withdraw", {"id": gone_id})
    clock.now = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)
    owed = {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)}

    assert await _reminding(bot, clock).remind_waiting() == 1
    seen = await bot.clicks(OWAIN, "permission.open", {"id": kept_id})
    made_up = await bot.clicks(OWAIN, "permission.open", {"id": "P-ZZZZZZ"})

    assert "Share Year 9" not in text_of(seen.card) and CARYS.name not in text_of(seen.card)
    assert "Share Year 9" not in text_of(made_up.card)
    reminders = {p.aad_object_id: (await bot.cards_for(p))[owed[p.aad_object_id]:] for p in (CARYS, SIAN, FFION)}
    assert [len(c) for c in reminders.values()] == [1, 1, 1]
    assert kept_id in text_of(reminders) and gone_id not in text_of(reminders)
    assert await bot.cards_for(OWAIN) == []


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_forged_anyway_neither_sends_what_needs_no_permission_nor_sends_as_someone_else(
        bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """Hostile probe 5, the form's `anyway` (yes once she is told the policy does not name the tool): set by hand on
    the first press it only skips that notice for her own request; it never sends a request for Hwb or Teams, which
    need no permission; a colleague pressing her form's Send (anyway and all) sends a request in his own name, never
    hers; `anyway` as a list is an invalid card, nothing stored."""
    await bot.meets(CARYS, OWAIN, SIAN)
    hwb = {**_form(platform="other", platform_other="Hwb"), "lang": lang.value, "anyway": "yes"}
    listed = {**_form(platform="other", platform_other="Seesaw"), "lang": lang.value, "anyway": ["yes"]}

    for_hwb = await bot.clicks(CARYS, "permission.submit", hwb, lang=lang)
    as_a_list = await bot.clicks(CARYS, "permission.submit", listed, lang=lang)

    assert strings.text("perm.error.platform_allowed", lang, platform="Hwb")[:30] in text_of(for_hwb.card)
    assert strings.text("error.invalid_card", lang) in text_of(as_a_list.card)
    assert await MemoryPermissionRequests(bot.store).list_by_requester(CARYS) == []
    assert await bot.cards_for(SIAN) == []

    seesaw = {**_form(platform="other", platform_other="Seesaw"), "lang": lang.value}
    told = await bot.clicks(CARYS, "permission.submit", seesaw, lang=lang)
    by_owain = await bot.clicks(OWAIN, "permission.submit",
                                {**seesaw, **verb_data(told.card or {}, "permission.submit")}, lang=lang)

    assert await MemoryPermissionRequests(bot.store).list_by_requester(CARYS) == []
    [owains] = await MemoryPermissionRequests(bot.store).list_by_requester(OWAIN)
    assert owains.requester.aad_object_id == OWAIN.aad_object_id and "permission.withdraw" in text_of(by_owain.card)
    assert OWAIN.name in text_of(await bot.cards_for(SIAN))  # (Carys is named on it only as the moderator he typed)


def _markdown_blocks(card: object) -> list[str]:
    """The text of every TextBlock (the element Teams reads markdown in) anywhere in a card."""
    found: list[str] = []
    if isinstance(card, dict):
        if card.get("type") == "TextBlock":
            found.append(str(card.get("text", "")))
        for value in card.values():
            found += _markdown_blocks(value)
    elif isinstance(card, list):
        for value in card:
            found += _markdown_blocks(value)
    return found


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_display_name_written_as_markdown_shows_as_typed_on_the_waiting_reminder(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Hostile probe 5: a member of staff whose display name is markdown ("**URGENT** [Siân, approve here]
    (https://evil.example/approve)"), or a pupil on a phone signed in so, sends a request and waits a school week.
    Every card to the head names her in a cleaned TextRun, shown as typed; before, the reminder card's sentence
    carrying her name was a TextBlock, which Teams reads as markdown: the head saw a bold URGENT and a link."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday
    bot = await _late_bot(strings, federation, clock, lang)
    hostile = replace(CARYS, name="**URGENT** [Siân, approve here](https://evil.example/approve)")
    await bot.meets(hostile)
    await bot.clicks(hostile, "permission.submit", _form(start="2026-11-20"), lang=lang)
    owed = len(await bot.cards_for(SIAN))
    clock.now = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)

    assert await _reminding(bot, clock).remind_waiting() == 1

    [reminder] = (await bot.cards_for(SIAN))[owed:]
    assert "evil.example" in text_of(reminder)  # her name is on it, as typed
    assert not [t for t in _markdown_blocks(reminder) if "evil.example" in t or "URGENT" in t]


@pytest.mark.parametrize(("typed", "lang"), [
    ("Still waiting for a decision: {id}", Lang.EN), ("Yn dal i aros am benderfyniad: {id}", Lang.CY),
    ("Your request {id} is still waiting", Lang.EN), ("Mae eich cais {id} yn dal i aros", Lang.CY),
    ("Carys Jenkins sent request {id}, which has waited for a decision since 02/11/2026 09:00. Open it to approve or "
     "decline it.", Lang.EN)])
async def test_the_waiting_reminder_typed_by_a_colleague_shows_and_sends_nothing_of_the_request(
        answering_bot: BotInMemory, typed: str, lang: Lang) -> None:
    """Hostile probe 5: Owain types the reminder's words with Carys's real request reference (seen over her shoulder),
    in his own chat or in a group with the head, as if he were the bot: he reads nothing of her request (not her
    purpose, not that it waits), the group sees nothing of it, nothing is decided, and nobody else is sent anything.
    (Held.)"""
    bot = answering_bot
    await bot.meets(CARYS, SIAN, OWAIN, FFION)
    request_id = await _submitted(bot)
    owed = {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION, OWAIN)}

    alone = await bot.says(OWAIN, typed.format(id=request_id), lang=lang)
    in_group = await bot.says(OWAIN, typed.format(id=request_id), lang=lang, scope=Scope.GROUP)

    for shown in (alone, in_group):
        seen = text_of([shown.card, *shown.more])
        assert "field trip" not in seen and "permission.approve" not in seen and "permission.withdraw" not in seen
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.PENDING
    assert {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)} == {
        p.aad_object_id: owed[p.aad_object_id] for p in (CARYS, SIAN, FFION)}
    # What the group chat's turn had for him went to his own chat: that he cannot see it, as alone.
    [to_owain] = (await bot.cards_for(OWAIN))[owed[OWAIN.aad_object_id]:]
    assert text_of(to_owain) == text_of(alone.card)


@pytest.mark.parametrize(("typed", "lang", "named"), [
    ("I need permission to use ClassDojo with my class", Lang.EN, "ClassDojo"),
    ("Dw i angen caniatâd i ddefnyddio Seesaw gyda'r dosbarth", Lang.CY, "Seesaw")])
async def test_a_form_that_said_the_policy_does_not_name_the_tool_sends_it_on_its_send(
        bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang, named: str) -> None:
    """Probe 5: the form opened by "I need permission to use ClassDojo" already says the policy does not name it and
    that pressing Send sends it to the headteacher. Its Send must do so, not say the same again and wait for a second
    press."""
    await bot.meets(CARYS, SIAN)
    form = (await bot.says(CARYS, typed)).card or {}
    values = {**_form(platform="other", platform_other=named), "lang": lang.value}

    sent = await bot.clicks(CARYS, "permission.submit", {**values, **verb_data(form, "permission.submit")}, lang=lang)

    assert "permission.withdraw" in text_of(sent.card)
    assert named in text_of(await bot.cards_for(SIAN))


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("approve", [True, False])
async def test_the_member_of_staff_is_told_when_the_headteachers_named_delegate_decided_her_request(
        bot: BotInMemory, strings: Catalogue, lang: Lang, approve: bool) -> None:
    """Permission probe 9: Ffion, the headteacher's named delegate, decided Carys's request while Siân was away. Before,
    Carys's status card and the message with the decision read "Approved by Ffion Morgan", nothing saying who Ffion is
    nor that she decides in the headteacher's place, so Carys went to Siân to ask whether it really was approved. Now
    both say Ffion decided it as the headteacher's named delegate; a decision by the head reads as before."""
    await bot.meets(CARYS, SIAN, FFION)
    status = await bot.clicks(CARYS, "permission.submit", {**_form(), "lang": lang.value}, lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])

    await bot.clicks(FFION, "permission.approve" if approve else "permission.decline",
                     {"id": request_id, "reason": "Use the school page too."}, lang=lang)

    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    state = "approved" if approve else "declined"
    said = strings.text(f"perm.status_{state}_delegate", lang, name=stored.decided_by, when=when(stored.decided_at))
    told = [c for c in await bot.cards_for(CARYS) if request_id in text_of(c)]
    [decision] = [c for c in told if strings.text(f"perm.decision_title.{state}", lang, id=request_id) in text_of(c)]
    [status_now] = [c for c in told if strings.text("perm.status_title", lang, id=request_id) in text_of(c)][-1:]
    assert said in text_of(decision) and said in text_of(status_now)
    # The head's own decision reads as before.
    other = str(verb_data((await bot.clicks(CARYS, "permission.submit", {**_form(purpose="Year 9 trip news."),
                                                                          "lang": lang.value}, lang=lang)).card or {},
                          "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": other}, lang=lang)
    by_head = await MemoryPermissionRequests(bot.store).get(other)
    head_said = strings.text("perm.status_approved", lang, name=by_head.decided_by, when=when(by_head.decided_at))
    assert head_said in text_of([c for c in await bot.cards_for(CARYS) if other in text_of(c)][-1])


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_approval_that_widens_an_earlier_one_replaces_it_and_the_earlier_stays_on_record(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 9: Siân approved Carys's netball club Instagram without pupils' photos (from 3 November), then
    approved Carys's request asking for photos too (`ApprovedBefore`, from 4 November). Before, both stood as live
    approvals of one account: Official accounts listed the Instagram twice, and Carys's first approval said nothing of
    the second. Now the wider replaces the narrower from its first day: the narrower stays on record (with an audit
    entry, and both say so on their cards), and from that day only the wider is on Official accounts."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, more_id = await _approved_then_more_asked(bot, lang)
    [to_head] = [c for c in await bot.cards_for(SIAN) if more_id in text_of(c)]
    assert strings.text("perm.approved_before_replaces", lang, id=first_id) in text_of(to_head)

    await bot.clicks(SIAN, "permission.approve", {"id": more_id}, lang=lang)

    requests = MemoryPermissionRequests(bot.store)
    narrower, wider = await requests.get(first_id), await requests.get(more_id)
    assert (narrower.state, narrower.superseded_by, narrower.superseded_from) == (
        RequestState.APPROVED, more_id, date(2026, 11, 4))
    assert wider.supersedes == first_id
    assert ("replaced", SIAN.aad_object_id) in await _trail(bot, first_id)
    day = "04/11/2026"
    to_carys = [c for c in await bot.cards_for(CARYS)]
    [first_status] = [c for c in to_carys if strings.text("perm.status_title", lang, id=first_id) in text_of(c)][-1:]
    assert strings.text("perm.superseded", lang, id=more_id, day=day) in text_of(first_status)
    [told] = [c for c in to_carys
              if strings.text("perm.decision_title.approved", lang, id=more_id) in text_of(c)]
    assert strings.text("perm.supersedes", lang, id=first_id, day=day) in text_of(told)
    # Until the wider one's first day the narrower still stands (no day without permission); from it, only the wider.
    register = text_of((await bot.clicks(SIAN, "permission.register", {"lang": lang.value}, lang=lang)).card)
    assert first_id in register and more_id in register
    clock.now = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
    register = text_of((await bot.clicks(SIAN, "permission.register", {"lang": lang.value}, lang=lang)).card)
    # Listed is endable there (its End names it); the wider's End says the narrower would stand again.
    assert strings.text("perm.end_listed", lang, id=more_id) in register
    assert strings.text("perm.end_listed", lang, id=first_id) not in register
    mine = text_of((await bot.clicks(CARYS, "permission.mine", {"lang": lang.value}, lang=lang)).card)
    assert first_id in mine and strings.text("perm.status_label.superseded", lang) in mine
    # Its End, on a card sent before, says which approval to end instead, and changes nothing.
    ended = await bot.clicks(SIAN, "permission.end", {"id": first_id, "lang": lang.value}, lang=lang)
    assert strings.text("perm.end_superseded", lang, id=more_id, day=day) in text_of(ended.card)
    assert (await requests.get(first_id)).state is RequestState.APPROVED


async def _approved_then_more_asked(bot: BotInMemory, lang: Lang = Lang.EN) -> tuple[str, str]:
    """Carys's netball club Instagram approved by Siân without pupils' photos (from 3 November), then asked for again
    with photos (from 4 November): the ids of the approval and of the request that asks more of it."""
    sent = {**_form(purpose="Netball club results and fixtures.", start="2026-11-03", pupil_content="none",
                    consent=""), "lang": lang.value}
    first_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", sent, lang=lang)).card or {},
                             "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": first_id}, lang=lang)
    more = await bot.clicks(CARYS, "permission.submit", {**sent, "start": "2026-11-04", "pupil_content": "photos",
                                                         "consent": "Parents opted in on the form."}, lang=lang)
    return first_id, str(verb_data(more.card or {}, "permission.withdraw")["id"])


async def test_an_approval_the_member_of_staff_ended_before_the_wider_one_was_approved_is_not_marked_replaced(
        strings: Catalogue, federation: Federation) -> None:
    """Permission probe 9, hostile order: Carys ended her first approval herself while the wider request waited. The
    wider one's approval then replaces nothing: the ended one keeps its ending, and no card says it was replaced."""
    bot = await _late_bot(strings, federation, Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)), Lang.EN)
    first_id, more_id = await _approved_then_more_asked(bot)
    await bot.clicks(CARYS, "permission.end", {"id": first_id})

    await bot.clicks(SIAN, "permission.approve", {"id": more_id})

    requests = MemoryPermissionRequests(bot.store)
    narrower, wider = await requests.get(first_id), await requests.get(more_id)
    assert (narrower.state, narrower.superseded_by, wider.state, wider.supersedes) == (
        RequestState.ENDED, "", RequestState.APPROVED, "")
    assert "replaced" not in [action for action, _ in await _trail(bot, first_id)]
    assert "Replaced" not in text_of(await bot.cards_for(CARYS))


async def test_an_approval_whose_replacing_storage_refused_is_replaced_by_the_catch_up_pass(
        strings: Catalogue, federation: Federation, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission probe 9: the narrower approval is another record than the decision, so a second write. Storage
    refusing it leaves the decision made and shown, and its messages owed: the catch-up pass replaces the narrower
    then, once, and her first approval's card says so once."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    first_id, more_id = await _approved_then_more_asked(bot)
    real_save = MemoryPermissionRequests.save

    async def refusing_the_narrower(requests: MemoryPermissionRequests, request: PermissionRequest,
                                    audit: AuditEntry) -> PermissionRequest:
        if request.superseded_by:
            raise StorageUnavailable("injected: storage went away after the decision")
        return await real_save(requests, request, audit)

    with monkeypatch.context() as fault:
        fault.setattr(MemoryPermissionRequests, "save", refusing_the_narrower)
        decided = await bot.clicks(SIAN, "permission.approve", {"id": more_id})
    requests = MemoryPermissionRequests(bot.store)
    assert "Approved by" in text_of(decided.card) and (await requests.get(first_id)).superseded_by == ""

    await _catching_up(bot).catch_up()
    await _catching_up(bot).catch_up()

    assert (await requests.get(first_id)).superseded_by == more_id
    assert [a for a, _ in await _trail(bot, first_id)].count("replaced") == 1
    said = strings.text("perm.superseded", Lang.EN, id=more_id, day="04/11/2026")
    assert len([c for c in await bot.cards_for(CARYS) if said in text_of(c)]) == 2  # her status card and decision
    assert await requests.owed() == []


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_wider_approval_ended_before_its_first_day_leaves_the_approval_it_was_to_replace_standing(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 9: Siân approved the photos request (from 4 November) that was to replace Carys's first
    approval, then, on 2 November, thought better of photos and ended it. The first approval stands on, as if the wider
    had never been approved: on Official accounts from the 4th too, and her first approval's card no longer says it is
    replaced. Without this, the account would have lost its permission on the 4th without anyone ending it."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, more_id = await _approved_then_more_asked(bot, lang)
    await bot.clicks(SIAN, "permission.approve", {"id": more_id}, lang=lang)

    await bot.clicks(SIAN, "permission.end", {"id": more_id, "reason": "No photos after all.", "lang": lang.value},
                     lang=lang)

    narrower = await MemoryPermissionRequests(bot.store).get(first_id)
    assert (narrower.state, narrower.superseded_from) == (RequestState.APPROVED, None)
    assert "replacement undone" in [action for action, _ in await _trail(bot, first_id)]
    clock.now = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
    register = text_of((await bot.clicks(SIAN, "permission.register", {"lang": lang.value}, lang=lang)).card)
    assert strings.text("perm.end_listed", lang, id=first_id) in register
    assert strings.text("perm.end_listed", lang, id=more_id) not in register
    [status] = [c for c in await bot.cards_for(CARYS)
                if strings.text("perm.status_title", lang, id=first_id) in text_of(c)][-1:]
    assert strings.text("perm.superseded", lang, id=more_id, day="04/11/2026") not in text_of(status)


async def test_a_wider_request_approved_by_both_deciders_at_once_replaces_the_narrower_once_and_a_colleague_not_at_all(
        strings: Catalogue, federation: Federation) -> None:
    """Permission probe 9, hostile: Gareth, a colleague, presses Approve on Carys's photos request (forwarded to him),
    then Siân and Ffion press it at the same moment. Gareth changes nothing; of the two, one decision is recorded, and
    the first approval is replaced once, with one audit entry."""
    bot = await _late_bot(strings, federation, Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)), Lang.EN)
    await bot.meets(FFION, GARETH)
    first_id, more_id = await _approved_then_more_asked(bot)

    refused = await bot.clicks(GARETH, "permission.approve", {"id": more_id})
    requests = MemoryPermissionRequests(bot.store)
    assert refused.refused and (await requests.get(first_id)).superseded_by == ""
    await asyncio.gather(*(bot.clicks(person, "permission.approve", {"id": more_id}) for person in (SIAN, FFION)))

    assert (await requests.get(first_id)).superseded_by == more_id
    assert [a for a, _ in await _trail(bot, first_id)].count("replaced") == 1
    assert [a for a, _ in await _trail(bot, more_id)].count("approved") == 1


async def _approved_then_more_for_a_while(bot: BotInMemory, clock: Clock, lang: Lang = Lang.EN) -> tuple[str, str]:
    """Carys's netball club Instagram approved, ongoing, without pupils' photos (from 3 November); then, an hour later,
    photos asked for the tournament only, 4 to 30 November, and approved by Siân: the ids of the two approvals."""
    sent = {**_form(purpose="Netball club results and fixtures.", start="2026-11-03", pupil_content="none",
                    consent=""), "lang": lang.value}
    first_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", sent, lang=lang)).card or {},
                             "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": first_id}, lang=lang)
    clock.now += timedelta(hours=1)
    more = await bot.clicks(CARYS, "permission.submit", {
        **sent, "start": "2026-11-04", "end": "2026-11-30", "ongoing": "false", "pupil_content": "photos",
        "consent": "Parents opted in on the form."}, lang=lang)
    more_id = str(verb_data(more.card or {}, "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": more_id}, lang=lang)
    return first_id, more_id


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_approval_of_more_for_a_while_gives_the_account_back_to_the_approval_it_replaced_when_it_runs_out(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 10: Carys's netball Instagram is approved, ongoing, without photos; Siân then approved photos
    for the November tournament only (4 to 30 November), which replaced the first approval from the 4th. Before, on
    1 December the account had no permission at all: the first approval stayed replaced for ever and the photos one had
    run out, so Official accounts no longer listed the netball Instagram, though nobody had ended anything and Siân had
    only added photos for a month. Now the first approval stands again once the photos one has run out, and both cards
    say so from the day the photos one was approved."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, more_id = await _approved_then_more_for_a_while(bot, clock, lang)
    # Siân read, before she approved it, that it replaces the first only until its own last day.
    to_decide = next(c for c in await bot.cards_for(SIAN) if more_id in text_of(c))
    assert strings.text("perm.approved_before_replaces_for_a_while", lang, id=first_id) in text_of(to_decide)

    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    register = text_of((await bot.clicks(SIAN, "permission.register", {"lang": lang.value}, lang=lang)).card)
    assert strings.text("perm.end_listed", lang, id=first_id) in register
    assert strings.text("perm.end_listed", lang, id=more_id) not in register
    mine = text_of((await bot.clicks(CARYS, "permission.mine", {"lang": lang.value}, lang=lang)).card)
    assert f'· {strings.text("perm.status_label.superseded", lang)}"' not in mine  # on her list, no longer "Replaced"
    [first_status] = [c for c in await bot.cards_for(CARYS)
                      if strings.text("perm.status_title", lang, id=first_id) in text_of(c)][-1:]
    assert strings.text("perm.superseded_until", lang, id=more_id, day="04/11/2026", until="30/11/2026",
                        back="01/12/2026") in text_of(first_status)
    # Still hers to end, as any approval in force.
    await bot.clicks(CARYS, "permission.end", {"id": first_id, "lang": lang.value}, lang=lang)
    assert (await MemoryPermissionRequests(bot.store).get(first_id)).state is RequestState.ENDED


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_approval_of_more_ended_after_its_first_day_gives_the_account_back_to_the_approval_it_replaced(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 10: on 10 November, a parent having complained, Siân ended the photos approval that had
    replaced Carys's first (no photos) approval on the 4th. Before, the account was left with no permission at all
    (the first approval stayed replaced for ever), though Siân ended only the photos; and nothing before her press
    said what would become of the first. Now her End says, before she presses it, that the approval it replaced stands
    again (and to end that too if the account should stop); once ended, the first stands again from that day, on
    Official accounts and on Carys's cards, and either of them can end it."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION)
    first_id, more_id = await _approved_then_more_asked(bot, lang)
    await bot.clicks(SIAN, "permission.approve", {"id": more_id}, lang=lang)
    clock.now = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    wider_card = (await bot.clicks(SIAN, "permission.open", {"id": more_id, "lang": lang.value}, lang=lang)).card
    assert strings.text("perm.end_confirm_decider_replaced", lang, id=first_id, name=CARYS.name) in text_of(wider_card)
    status = (await bot.clicks(CARYS, "permission.open", {"id": more_id, "lang": lang.value}, lang=lang)).card
    assert strings.text("perm.end_confirm_requester_replaced", lang, id=first_id) in text_of(status)

    await bot.clicks(SIAN, "permission.end", {"id": more_id, "reason": "No photos after all.", "lang": lang.value},
                     lang=lang)

    requests = MemoryPermissionRequests(bot.store)
    narrower = await requests.get(first_id)
    assert (narrower.state, narrower.superseded_by, narrower.superseded_from, narrower.superseded_until) == (
        RequestState.APPROVED, more_id, date(2026, 11, 4), date(2026, 11, 9))
    assert "replacement undone" in [action for action, _ in await _trail(bot, first_id)]
    register = text_of((await bot.clicks(SIAN, "permission.register", {"lang": lang.value}, lang=lang)).card)
    assert strings.text("perm.end_listed", lang, id=first_id) in register
    assert strings.text("perm.end_listed", lang, id=more_id) not in register
    [status] = [c for c in await bot.cards_for(CARYS)
                if strings.text("perm.status_title", lang, id=first_id) in text_of(c)][-1:]
    assert strings.text("perm.superseded_until", lang, id=more_id, day="04/11/2026", until="09/11/2026",
                        back="10/11/2026") in text_of(status)
    # Carys is told to keep to the first, not to stop using the account; Ffion, that it stays on Official accounts
    # (her card said the account was off them).
    [told] = [c for c in await bot.cards_for(CARYS)
              if strings.text("perm.decision_title.ended", lang, id=more_id) in text_of(c)][-1:]
    assert strings.text("perm.ended_next_replaced", lang, id=first_id) in text_of(told)
    assert strings.text("perm.ended_next", lang) not in text_of(told)
    ended = await MemoryPermissionRequests(bot.store).get(more_id)
    [to_ffion] = [c for c in await bot.cards_for(FFION) if strings.text(  # Ffion reads English
        "perm.ended_by_decider_title", Lang.EN, name=ended.ended_by, id=more_id) in text_of(c)]
    assert strings.text("perm.ended_by_decider_line_replaced", Lang.EN, id=first_id, name=CARYS.name) in text_of(
        to_ffion)
    await bot.clicks(SIAN, "permission.end", {"id": first_id, "reason": "Account closed.", "lang": lang.value},
                     lang=lang)
    assert (await requests.get(first_id)).state is RequestState.ENDED


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_narrower_form_sent_again_after_a_wider_approval_names_the_approval_in_force(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 10: on 10 November, with the approval for parents and pupils (from the 4th) in force in place
    of her first, for parents, Carys fills in her first form again, not sure the account is still covered. Before, she
    was told she already had permission through her first approval, which had been replaced on the 4th and is shown
    "Replaced" on her list. Now she is told the approval in force covers it (it is for parents too), and nothing
    reaches Siân (before this was fixed the other way, it went to her as asking "something different" of the wider
    one, whose approval would have replaced it and taken the pupils away)."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    sent = {**_form(purpose="Netball club results and fixtures.", start="2026-11-03", pupil_content="none",
                    consent=""), "lang": lang.value}
    first_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", sent, lang=lang)).card or {},
                             "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": first_id}, lang=lang)
    clock.now = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    more = await bot.clicks(CARYS, "permission.submit", {**sent, "start": "2026-11-04", "audience": "parents,pupils"},
                            lang=lang)
    more_id = str(verb_data(more.card or {}, "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": more_id}, lang=lang)
    clock.now = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    to_head = len(await bot.cards_for(SIAN))
    again = {**_form(purpose="Netball club results and fixtures.", start="2026-11-10", pupil_content="none",
                     consent=""), "lang": lang.value}

    told = text_of((await bot.clicks(CARYS, "permission.submit", again, lang=lang)).card)

    wider = await MemoryPermissionRequests(bot.store).get(more_id)
    assert strings.text("perm.asked_already_approved", lang, id=more_id, name=wider.decided_by,
                        when=when(wider.decided_at)) in told
    assert len(await bot.cards_for(SIAN)) == to_head


async def test_an_approval_of_more_ended_while_storage_refuses_the_first_gives_it_back_by_the_catch_up_pass(
        strings: Catalogue, federation: Federation, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission probe 10, hostile: Siân and Ffion both press End on the photos approval on 10 November, and storage
    refuses the second write (the first approval standing again). The ending is recorded once and shown; the catch-up
    pass then gives the account back to the first approval, once, with one audit entry, and Gareth, a colleague
    pressing End on a forwarded card, changes nothing."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    await bot.meets(FFION, GARETH)
    first_id, more_id = await _approved_then_more_asked(bot)
    await bot.clicks(SIAN, "permission.approve", {"id": more_id})
    clock.now = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    requests = MemoryPermissionRequests(bot.store)
    refused = await bot.clicks(GARETH, "permission.end", {"id": more_id})
    assert refused.refused and (await requests.get(more_id)).state is RequestState.APPROVED
    real_save = MemoryPermissionRequests.save

    async def refusing_the_narrower(store: MemoryPermissionRequests, request: PermissionRequest,
                                    audit: AuditEntry) -> PermissionRequest:
        if request.request_id == first_id:
            raise StorageUnavailable("injected: storage went away after the ending")
        return await real_save(store, request, audit)

    with monkeypatch.context() as fault:
        fault.setattr(MemoryPermissionRequests, "save", refusing_the_narrower)
        await asyncio.gather(*(bot.clicks(person, "permission.end", {"id": more_id, "reason": "No photos."})
                               for person in (SIAN, FFION)))
    assert (await requests.get(more_id)).state is RequestState.ENDED
    assert (await requests.get(first_id)).superseded_until is None

    await _catching_up(bot).catch_up()
    await _catching_up(bot).catch_up()

    assert (await requests.get(first_id)).superseded_until == date(2026, 11, 9)
    assert [a for a, _ in await _trail(bot, first_id)].count("replacement undone") == 1
    assert [a for a, _ in await _trail(bot, more_id)].count("ended") == 1
    assert (await requests.get(first_id)).is_active_on(date(2026, 11, 10))
    assert await requests.owed() == []


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_narrower_form_sent_again_during_an_approval_of_more_for_a_while_is_covered_by_the_two_in_turn(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 10: on 10 November, photos approved for the tournament (4 to 30 November) in place of her
    ongoing first approval, Carys sends her first form again (ongoing, no photos). Before, it went to Siân as asking
    "something different" of the photos approval, whose approval would have taken the tournament's photos away at once
    and left two approvals of the account on Official accounts from 1 December. The photos approval covers it to the
    30th and the first approval after it, so she is told so, naming both, and nothing reaches Siân."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, more_id = await _approved_then_more_for_a_while(bot, clock, lang)
    clock.now = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    to_head = len(await bot.cards_for(SIAN))
    again = {**_form(purpose="Netball club results and fixtures.", start="2026-11-10", pupil_content="none",
                     consent=""), "lang": lang.value}

    told = text_of((await bot.clicks(CARYS, "permission.submit", again, lang=lang)).card)

    assert len(await bot.cards_for(SIAN)) == to_head
    wider = await MemoryPermissionRequests(bot.store).get(more_id)
    assert strings.text("perm.asked_already_approved_in_turn", lang, id=more_id, name=wider.decided_by,
                        when=when(wider.decided_at), until="30/11/2026", then=first_id) in told


async def test_the_narrower_form_sent_again_before_the_wider_approvals_first_day_is_covered_by_the_two_in_turn(
        strings: Catalogue, federation: Federation) -> None:
    """Permission probe 10: on 2 November, the photos approval from the 4th already given, Carys sends her first form
    again from today. Her first approval stands until the 3rd and the photos one from the 4th: she is told both, in
    that order, and nothing reaches Siân (before, that her first approval covered every day, replaced on the 4th)."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    sent = _form(purpose="Netball club results and fixtures.", start="2026-11-03", pupil_content="none", consent="")
    first_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", sent)).card or {},
                             "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": first_id})
    clock.now = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    more = await bot.clicks(CARYS, "permission.submit", {**sent, "start": "2026-11-04", "pupil_content": "photos",
                                                         "consent": "Parents opted in on the form."})
    more_id = str(verb_data(more.card or {}, "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": more_id})
    clock.now = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    to_head = len(await bot.cards_for(SIAN))

    told = text_of((await bot.clicks(CARYS, "permission.submit", sent)).card)

    assert len(await bot.cards_for(SIAN)) == to_head
    first = await MemoryPermissionRequests(bot.store).get(first_id)
    assert strings.text("perm.asked_already_approved_in_turn", Lang.EN, id=first_id, name=first.decided_by,
                        when=when(first.decided_at), until="03/11/2026", then=more_id) in told


@pytest.mark.parametrize(("missed", "decided", "lang"), [
    ("I'm back, what did I miss?", "what has been decided?", Lang.EN),
    ("beth sydd wedi digwydd?", "beth sy wedi'i benderfynu?", Lang.CY)])
async def test_what_the_deciders_missed_shows_an_approval_standing_again_as_approved_not_replaced(
        strings: Catalogue, federation: Federation, missed: str, decided: str, lang: Lang) -> None:
    """Permission probe 11: Siân approved Carys's netball Instagram (no photos), then photos for the November
    tournament only (4 to 30 November), which replaced the first until the 30th. On 2 December the first stands again
    (Official accounts and Carys's list say so), but Ffion, back from leave, asking "what did I miss?", and Siân
    asking "what has been decided?", read it "Replaced": their cards labelled any approval ever replaced so, whatever
    the day. Now they label it as it stands that day, as My requests does: "Replaced" while the photos ran."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION)
    first_id, more_id = await _approved_then_more_for_a_while(bot, clock, lang)
    replaced = f'· {strings.text("perm.status_label.superseded", lang)}"'
    clock.now = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    assert replaced in text_of((await bot.says(SIAN, decided, lang=lang)).card)  # while the photos run: replaced

    clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    reply = await bot.says(FFION, missed, lang=lang)
    [missed_card] = [c for c in reply.more if strings.text("perm.missed_title", lang) in text_of(c)]
    decided_card = (await bot.says(SIAN, decided, lang=lang)).card

    approved = f'· {strings.text("perm.status_label.approved", lang)}"'
    for card in (missed_card, decided_card):
        assert first_id in text_of(card) and more_id in text_of(card)
        assert replaced not in text_of(card)
        assert text_of(card).count(approved) == 2


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_approval_replaced_before_its_until_day_was_kept_stands_again_when_the_wider_one_runs_out(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 11: photos for the November tournament (4 to 30 November) were approved in place of Carys's
    netball Instagram before the record kept until when a wider approval replaces one (`SupersededUntil`), so her
    first approval's row says only "replaced from 4 November". Ending the photos approval gave it back, but the photos
    approval running out on its own did not: on 1 December the account had no permission at all, off Official
    accounts and "Replaced" on her list, though nobody had ended anything. Now the bot's first catch-up pass reads the
    wider approval's last day into such a row (once, with an audit entry, her cards edited to say when it stands
    again), so it stands again the day after."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, more_id = await _approved_then_more_for_a_while(bot, clock, lang)
    bot.store.requests[first_id] = replace(bot.store.requests[first_id], superseded_until=None)  # as stored then
    clock.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    await _reminding(bot, clock).catch_up()  # a restarted bot's first pass
    await _reminding(bot, clock).catch_up()  # another instance's: nothing more

    requests = MemoryPermissionRequests(bot.store)
    assert (await requests.get(first_id)).superseded_until == date(2026, 11, 30)
    assert [a for a, _ in await _trail(bot, first_id)].count("replaced") == 2  # the replacing, and its last day
    [status] = [c for c in await bot.cards_for(CARYS)
                if strings.text("perm.status_title", lang, id=first_id) in text_of(c)][-1:]
    assert strings.text("perm.superseded_until", lang, id=more_id, day="04/11/2026", until="30/11/2026",
                        back="01/12/2026") in text_of(status)
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    register = text_of((await bot.clicks(SIAN, "permission.register", {"lang": lang.value}, lang=lang)).card)
    assert strings.text("perm.end_listed", lang, id=first_id) in register
    assert strings.text("perm.end_listed", lang, id=more_id) not in register
    mine = text_of((await bot.clicks(CARYS, "permission.mine", {"lang": lang.value}, lang=lang)).card)
    assert f'· {strings.text("perm.status_label.superseded", lang)}"' not in mine


async def test_a_third_approval_of_an_account_keeps_the_earlier_replacement_on_record(
        strings: Catalogue, federation: Federation) -> None:
    """Permission probe 11: photos for the November tournament (P-B, 4 to 30 November) replaced Carys's netball
    Instagram (P-A) for the month; from 1 December P-A stood again. On 2 December she asked for pupils to follow it too
    (P-C, from the 3rd), which Siân approved, so P-C replaces P-A from then on. Before, P-C's approval wrote its own id
    and days over P-A's "replaced by" and "replaced from / until", so the record and the governors' export no longer
    said P-B had replaced it in November (only the audit trail did). Now the earlier replacement is kept beside it
    (`ReplacedEarlier`) and the export says it in a column at the end."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    first_id, photos_id = await _approved_then_more_for_a_while(bot, clock)
    clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    sent = {**_form(purpose="Netball club results and fixtures.", start="2026-12-03", pupil_content="none",
                    consent=""), "audience": "parents,pupils"}
    pupils_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", sent)).card or {},
                              "permission.withdraw")["id"])
    assert (await MemoryPermissionRequests(bot.store).get(pupils_id)).approved_before == first_id

    await bot.clicks(SIAN, "permission.approve", {"id": pupils_id})

    first = await MemoryPermissionRequests(bot.store).get(first_id)
    assert (first.superseded_by, first.superseded_from, first.superseded_until) == (pupils_id, date(2026, 12, 3), None)
    assert first.replaced_earlier == ((photos_id, date(2026, 11, 4), date(2026, 11, 30)),)
    [header, *rows] = list(csv.reader(io.StringIO(decisions_csv(
        await MemoryPermissionRequests(bot.store).list_all(), start=date(2026, 11, 1), end=date(2026, 12, 31),
        school_names={}))))
    row = dict(zip(header, next(r for r in rows if r[0] == first_id), strict=True))
    assert (row["replaced by"], row["replaced from (UK date)"], row["replaced until (UK date)"]) == (
        pupils_id, "2026-12-03", "ongoing")
    assert row["replaced earlier"] == f"{photos_id} 2026-11-04 to 2026-11-30"
    assert header[:22] == ["request id", "school", "requester", "platform", "account", "purpose",
                           "submitted at (UK time)", "decision", "decided by", "decided at (UK time)",
                           "reason or comment", "approved from (UK date)", "approved to (UK date)", "start asked for",
                           "end asked for", "ended by", "ended at (UK time)", "reason for ending", "replaced by",
                           "replaced from (UK date)", "decided by the headteacher's named delegate",
                           "replaced until (UK date)"]


def _approvals(cards: list[Card]) -> list[str]:
    """The ids of the requests an Approve button on these cards decides."""
    return [str(a["data"]["id"]) for c in cards for a in actions(c) if a.get("verb") == "permission.approve"]


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_sent_late_at_night_reaches_the_head_and_delegate_at_the_start_of_school_hours_and_says_when(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 11: Carys filled in the form at 23:00 on a Monday, marking in bed, and pressed Send. Before, the
    request's card rang Siân's phone, and Ffion's, at 23:00: Carys's own press caused it, but it reached two people who
    pressed nothing, as a reminder or Publish at that hour no longer does. A school wants the request kept for the
    morning: her status card comes at once, as ever, and says when Siân gets it (08:00 on the Tuesday); the cards to
    Siân and Ffion go then. Withdrawn at 23:10, the withdrawal waits too. Sent in school hours, it goes at once, and her
    card says nothing of it."""
    clock = Clock(datetime(2026, 12, 7, 23, 0, tzinfo=UTC))  # Monday 7 December, 23:00 GMT
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION)
    form = {**_form(start="2026-12-14"), "lang": lang.value}

    status = await bot.clicks(CARYS, "permission.submit", form, lang=lang)

    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    held = strings.text("perm.status_held", lang, name=SIAN.name,
                        when=strings.text("date.at_on_day", lang, when="08:00",
                                          on_day=("on Tuesday 8 December" if lang is Lang.EN
                                                  else "ddydd Mawrth 8 Rhagfyr")))
    assert held in text_of(status.card)
    # Below the decision's lines, the Welsh says what was sent: a bare "Cafodd ei anfon" had no noun to lean on.
    assert lang is Lang.EN or "Cafodd eich cais ei anfon y tu allan i oriau ysgol" in text_of(status.card)
    for person in (SIAN, FFION):
        assert _approvals(await bot.cards_going_to(person, datetime(2026, 12, 7, 23, 0, tzinfo=UTC))) == []
        assert _approvals(await bot.cards_going_to(person, datetime(2026, 12, 8, 7, 59, tzinfo=UTC))) == []
        assert _approvals(await bot.cards_going_to(person, datetime(2026, 12, 8, 8, 0, tzinfo=UTC))) == [request_id]
    # Opened again before the morning, her card still says when; Siân's pending list has it already.
    again = await bot.clicks(CARYS, "permission.open", {"id": request_id, "lang": lang.value}, lang=lang)
    assert held in text_of(again.card)
    assert request_id in text_of((await bot.clicks(SIAN, "permission.pending", {})).card)

    clock.now = datetime(2026, 12, 7, 23, 10, tzinfo=UTC)
    await bot.clicks(CARYS, "permission.withdraw", {"id": request_id, "lang": lang.value}, lang=lang)
    assert await bot.cards_going_to(SIAN, clock.now) == []
    assert await bot.cards_going_to(FFION, clock.now) == []

    clock.now = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # Tuesday, in school hours
    day = await bot.clicks(CARYS, "permission.submit", {**form, "purpose": "Year 9 geography trip 2 for parents."},
                           lang=lang)
    day_id = str(verb_data(day.card or {}, "permission.withdraw")["id"])
    assert day_id in _approvals(await bot.cards_going_to(SIAN, clock.now))
    assert strings.text("perm.status_held", lang, name=SIAN.name, when="")[:20] not in text_of(day.card)


async def test_a_request_sent_on_a_friday_evening_reaches_the_head_on_monday_morning(
        strings: Catalogue, federation: Federation) -> None:
    """Permission probe 11: sent at 19:30 on a Friday, it reaches Siân at 08:00 on the Monday, not on the Saturday, and
    Carys's card says so."""
    clock = Clock(datetime(2026, 12, 11, 19, 30, tzinfo=UTC))  # Friday 11 December
    bot = await _late_bot(strings, federation, clock, Lang.EN)

    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-14"))

    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    assert "at 08:00 on Monday 14 December" in text_of(status.card)
    assert _approvals(await bot.cards_going_to(SIAN, datetime(2026, 12, 12, 9, 0, tzinfo=UTC))) == []
    assert _approvals(await bot.cards_going_to(SIAN, datetime(2026, 12, 14, 8, 0, tzinfo=UTC))) == [request_id]


async def test_an_approval_the_member_of_staff_ends_at_night_is_told_to_the_deciders_in_school_hours(
        strings: Catalogue, federation: Federation) -> None:
    """Permission probe 11: Carys closed her class Instagram and pressed End permission at 22:30 on a Tuesday. Before,
    the card telling Siân and Ffion she had ended it rang their phones at 22:30; it now waits for 08:00 on the
    Wednesday, as her request would have. Siân ending one at night (her own press) tells Carys at once, as before."""
    clock = Clock(datetime(2026, 12, 8, 10, 0, tzinfo=UTC))  # Tuesday 8 December, in school hours
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    await bot.meets(FFION)
    request_id = await _submitted(bot)
    await bot.clicks(SIAN, "permission.approve", {"id": request_id})
    clock.now = datetime(2026, 12, 8, 22, 30, tzinfo=UTC)

    await bot.clicks(CARYS, "permission.end", {"id": request_id})

    told = strings.text("perm.ended_by_requester_title", Lang.EN, name=CARYS.name, id=request_id)
    for person in (SIAN, FFION):
        assert told not in text_of(await bot.cards_going_to(person, clock.now))
        assert told in text_of(await bot.cards_going_to(person, datetime(2026, 12, 9, 8, 0, tzinfo=UTC)))


async def _first_posts_going_to(bot: BotInMemory, person: Person, at: datetime) -> list[Card]:
    """The cards the sender takes for `person` at `at` that would post, not only edit a card they were shown."""
    return [dict(m.card) for m in await MemoryOutbox(bot.store).list_due(at)
            if m.recipient.key == person.key and not m.update_only]


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_withdrawn_at_night_before_the_head_got_it_reaches_nobody_in_the_morning(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 12: Carys sent a request at 23:00 on a Monday and thought better of it at 23:10. Before, Siân
    and Ffion found at 08:00 a card saying Carys had withdrawn a request they had never seen (its own card, kept for
    school hours, was dropped for it). The card kept for the morning is now taken back, as a welcome kept overnight
    is, and nothing reaches them; the record still says she sent it and withdrew it."""
    clock = Clock(datetime(2026, 12, 7, 23, 0, tzinfo=UTC))  # Monday 7 December, 23:00 GMT
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION)
    status = await bot.clicks(CARYS, "permission.submit", {**_form(start="2026-12-14"), "lang": lang.value},
                              lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])

    clock.now = datetime(2026, 12, 7, 23, 10, tzinfo=UTC)
    withdrawn = await bot.clicks(CARYS, "permission.withdraw", {"id": request_id, "lang": lang.value}, lang=lang)

    assert "permission.withdraw" not in text_of(withdrawn.card)  # her card shows it withdrawn
    morning = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    for person in (SIAN, FFION):
        assert request_id not in text_of(await _first_posts_going_to(bot, person, morning))
    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert (stored.state, stored.decided_by_id) == (RequestState.WITHDRAWN, CARYS.aad_object_id)
    assert ("submitted", CARYS.aad_object_id) in await _trail(bot, request_id)
    assert ("withdrawn", CARYS.aad_object_id) in await _trail(bot, request_id)


async def test_a_request_sent_in_place_of_one_at_night_reaches_the_head_alone_in_the_morning(
        strings: Catalogue, federation: Federation) -> None:
    """Permission probe 12: at 23:00 Carys sent her Instagram request, and at 23:20 the form again with pupils' photos
    added, in place of it. Before, Siân got at 08:00 a card saying P-1 was withdrawn and sent again, about a request she
    never saw, above the new one; she now gets the new one alone (which names the one it replaces, kept on record)."""
    clock = Clock(datetime(2026, 12, 7, 23, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, Lang.EN)
    await bot.meets(FFION)
    first = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-14"))
    old_id = str(verb_data(first.card or {}, "permission.withdraw")["id"])

    clock.now = datetime(2026, 12, 7, 23, 20, tzinfo=UTC)
    added = _form(start="2026-12-14", pupil_content="photos", consent="Parents opted in to photos.")
    offered = await bot.clicks(CARYS, "permission.submit", added)
    replaced = await bot.clicks(CARYS, "permission.submit", {**added, **verb_data(offered.card or {},
                                                                                  "permission.submit")})
    new_id = str(verb_data(replaced.card or {}, "permission.withdraw")["id"])

    assert new_id != old_id
    morning = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    for person in (SIAN, FFION):
        posts = await _first_posts_going_to(bot, person, morning)
        assert _approvals(posts) == [new_id]
        assert len(posts) == 1
    old = await MemoryPermissionRequests(bot.store).get(old_id)
    assert (old.state, old.replaced_by) == (RequestState.WITHDRAWN, new_id)


async def _three_in_a_chain(bot: BotInMemory, clock: Clock, lang: Lang = Lang.EN) -> tuple[str, str, str]:
    """Carys's netball Instagram approved, ongoing (P-A); photos for 4 to 30 November approved in its place (P-B); on
    10 November pupils as well as parents asked of P-B, ongoing from the 11th, and approved by Siân (P-C)."""
    first_id, photos_id = await _approved_then_more_for_a_while(bot, clock, lang)
    clock.now = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    sent = {**_form(purpose="Netball club results and fixtures.", start="2026-11-11", pupil_content="photos",
                    consent="Parents opted in on the form."), "audience": "parents,pupils", "lang": lang.value}
    pupils_id = str(verb_data((await bot.clicks(CARYS, "permission.submit", sent, lang=lang)).card or {},
                              "permission.withdraw")["id"])
    assert (await MemoryPermissionRequests(bot.store).get(pupils_id)).approved_before == photos_id
    await bot.clicks(SIAN, "permission.approve", {"id": pupils_id}, lang=lang)
    return first_id, photos_id, pupils_id


async def _on_the_register(bot: BotInMemory, lang: Lang, *ids: str) -> list[str]:
    """Which of these approvals Official accounts lists (with End permission) today."""
    register = text_of((await bot.clicks(SIAN, "permission.register", {"lang": lang.value}, lang=lang)).card)
    return [i for i in ids if load_catalogue().text("perm.end_listed", lang, id=i) in register]


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_approval_asking_more_of_a_replacing_one_keeps_the_first_replaced_one_approval_at_a_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 12: photos for November (P-B) replaced Carys's netball Instagram (P-A) to the 30th; on 10
    November Siân approved pupils as followers too (P-C, ongoing), which asks more of P-B and replaces it. Before, P-A
    came back on 1 December, when P-B would have run out, so Official accounts listed two approvals of one account,
    one without the pupils Siân had just approved. A school expects one approval of an account at a time, the newest
    decision winning: P-A now stays replaced while P-C stands, and its record, audit trail and the governors' export
    say P-C keeps it so."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, photos_id, pupils_id = await _three_in_a_chain(bot, clock, lang)

    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert await _on_the_register(bot, lang, first_id, photos_id, pupils_id) == [pupils_id]
    first = await MemoryPermissionRequests(bot.store).get(first_id)
    assert (first.superseded_by, first.superseded_until, first.superseded_through) == (photos_id, None, pupils_id)
    audit = [a for a in await MemoryPermissionRequests(bot.store).list_audit(first_id) if a.action == "replaced"]
    assert audit[-1].detail == f"by {pupils_id} in turn, which replaced {photos_id}: until it ends"
    [header, *rows] = list(csv.reader(io.StringIO(decisions_csv(
        await MemoryPermissionRequests(bot.store).list_all(), start=date(2026, 11, 1), end=date(2026, 12, 31),
        school_names={}))))
    row = dict(zip(header, next(r for r in rows if r[0] == first_id), strict=True))
    assert (row["replaced by"], row["replaced until (UK date)"], row["replaced in turn by"]) == (
        photos_id, "ongoing", pupils_id)
    assert header[-2:] == ["replaced earlier", "replaced in turn by"]
    mine = text_of((await bot.clicks(CARYS, "permission.mine", {"lang": lang.value}, lang=lang)).card)
    assert mine.count(f'· {strings.text("perm.status_label.approved", lang)}"') == 1


@pytest.mark.parametrize("lang", list(Lang))
async def test_ending_the_newest_of_three_approvals_gives_each_back_in_turn_for_its_own_days(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 12: P-C (pupils too, ongoing) replaced P-B (photos to 30 November), which had replaced P-A
    (the netball Instagram, ongoing). Carys ends P-C on 20 November: P-B stands again to its last day, and P-A after
    it, from 1 December, one at a time (before, P-A stood beside P-C from 1 December until P-C was ended)."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, photos_id, pupils_id = await _three_in_a_chain(bot, clock, lang)
    clock.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    await bot.clicks(CARYS, "permission.end", {"id": pupils_id, "lang": lang.value}, lang=lang)

    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert await _on_the_register(bot, lang, first_id, photos_id, pupils_id) == [photos_id]
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert await _on_the_register(bot, lang, first_id, photos_id, pupils_id) == [first_id]
    first = await MemoryPermissionRequests(bot.store).get(first_id)
    assert first.superseded_until == date(2026, 11, 30)
    assert [a.detail for a in await MemoryPermissionRequests(bot.store).list_audit(first_id)
            if a.action == "replacement undone"] == [
        f"{pupils_id} ended: replaced while {photos_id} stands, until 2026-11-30"]


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_first_of_three_approvals_names_the_one_that_stands_in_its_place_now(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 13: P-C (pupils too, ongoing) replaced P-B (photos to 30 November), which had replaced P-A
    (the netball Instagram). Before, P-A's status card, the message that told Carys it was approved, Siân's "what has
    been decided?" and End on P-A all named P-B as what replaced it, and End sent her to end P-B, itself replaced and
    refusing; each now names P-C, the approval that stands in their place, with P-B between."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, photos_id, pupils_id = await _three_in_a_chain(bot, clock, lang)
    clock.now = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    shown = {"lang": lang.value}

    status = await bot.clicks(CARYS, "permission.open", {"id": first_id, **shown}, lang=lang)
    decided = await bot.says(SIAN, "what has been decided?" if lang is Lang.EN else "beth sydd wedi'i benderfynu?",
                             lang=lang)
    ended = await bot.clicks(CARYS, "permission.end", {"id": first_id, **shown}, lang=lang)

    now_stands = strings.text("perm.superseded_through", lang, day="04/11/2026", between=photos_id, id=pupils_id)
    assert now_stands in text_of(status.card)
    assert now_stands in text_of(decided.card)
    assert now_stands in text_of((await bot.cards_for(CARYS))[-1])  # her approval message, edited in place
    assert strings.text("perm.end_superseded_through", lang, day="04/11/2026", between=photos_id,
                        id=pupils_id) in text_of(ended.card)
    stored = await MemoryPermissionRequests(bot.store).get(first_id)
    assert stored.state is RequestState.APPROVED and stored.ended_at is None


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("withdrawn", [True, False])
async def test_a_reminder_kept_for_the_morning_never_reaches_a_delegate_the_settings_no_longer_name(
        strings: Catalogue, federation: Federation, lang: Lang, withdrawn: bool) -> None:
    """Permission probe 13: Carys sent her request at 23:00 on Monday 2 November; a school week later, at 23:00 on the
    9th, its reminder to Siân and Ffion was kept for 08:00. At 23:30 IT named Mr Gareth Hughes delegate in Ffion's place
    (a deploy out of hours), and Carys withdrew the request at 23:40. Before, Ffion, who no longer decides it, still
    got at 08:00 "Still waiting for a decision" of a request withdrawn, or one she could not open to decide: only the
    reminders of the deciders the settings named then were taken back. Hers is taken back with the request's card."""
    clock = Clock(datetime(2026, 11, 2, 23, 0, tzinfo=UTC))  # Monday 2 November, 23:00 GMT
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION, GARETH)
    status = await bot.clicks(CARYS, "permission.submit", {**_form(start="2026-12-14"), "lang": lang.value}, lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    for person in (SIAN, FFION):  # the request's card reached them at 08:00 on the Tuesday
        for message in (await MemoryOutbox(bot.store).owed_to(person)).messages:
            await MemoryOutbox(bot.store).mark_sent(message)
    clock.now = datetime(2026, 11, 9, 23, 5, tzinfo=UTC)
    assert await _reminding(bot, clock).remind_waiting() == 1
    reminder = strings.text("perm.waiting_reminder_title", Lang.EN, id=request_id)
    morning = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)
    assert reminder in text_of(await bot.cards_going_to(FFION, morning))  # kept for the morning
    clock.now = datetime(2026, 11, 9, 23, 30, tzinfo=UTC)
    gareth_delegate = replace(federation, schools=tuple(replace(s, delegates=(GARETH_AS_HEAD,))
                                                        for s in federation.schools))
    after = open_bot(strings, gareth_delegate, lambda: PolicyInForce(fixture_policy(), NoIndex()), store=bot.store,
                     clock=clock)
    clock.now = datetime(2026, 11, 9, 23, 40, tzinfo=UTC)

    if withdrawn:
        await after.clicks(CARYS, "permission.withdraw", {"id": request_id, "lang": lang.value}, lang=lang)
    else:
        await _reminding(after, clock).catch_up()  # the restarted bot's first pass

    assert request_id not in text_of(await bot.cards_going_to(FFION, morning))
    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is (
        RequestState.WITHDRAWN if withdrawn else RequestState.PENDING)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_for_an_account_a_colleague_already_has_approved_says_so_to_the_head(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 13: Carys has permission for the netball club's existing Instagram; Owain, who coaches the team
    with her, asks for the same account (its address written without "https://www."). Before, Siân's card read as any
    request for an existing account, and she could give the account a second permission without knowing it had one:
    her card (and its full card from her list) now says, in a box, that another member of staff already has
    permission for it, with See … in full. Owain's own card says nothing of Carys's; a new account is never matched."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(OWAIN)
    netball = {**_form(account_kind="existing", existing_account="https://www.instagram.com/llanidloes_netball/",
                       purpose="Netball club results and fixtures.", start="2026-11-03"), "lang": lang.value}
    carys = str(verb_data((await bot.clicks(CARYS, "permission.submit", netball, lang=lang)).card or {},
                          "permission.withdraw")["id"])
    await bot.clicks(SIAN, "permission.approve", {"id": carys, "lang": lang.value}, lang=lang)

    owain_status = await bot.clicks(OWAIN, "permission.submit", {
        **netball, "existing_account": "instagram.com/Llanidloes_Netball", "moderator": "Owain Pritchard",
        "purpose": "Match reports for the netball team."}, lang=lang)
    owain = str(verb_data(owain_status.card or {}, "permission.withdraw")["id"])
    new_account = str(verb_data((await bot.clicks(OWAIN, "permission.submit", {
        **netball, "account_kind": "new", "existing_account": "", "moderator": "Owain Pritchard"},
        lang=lang)).card or {}, "permission.withdraw")["id"])

    said = strings.text("perm.colleague_approved", lang, id=carys, name=OWAIN.name)
    to_decide = [c for c in await bot.cards_for(SIAN) if owain in text_of(c)]
    opened = await bot.clicks(SIAN, "permission.open", {"id": owain, "lang": lang.value}, lang=lang)
    for card in (to_decide[-1], opened.card):
        assert said in text_of(card)
        assert verb_data(card or {}, "permission.open")["id"] == carys
    assert carys not in text_of(owain_status.card)
    assert (await MemoryPermissionRequests(bot.store).get(owain)).colleague_approved == carys
    assert (await MemoryPermissionRequests(bot.store).get(new_account)).colleague_approved == ""


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("on_the_list", [False, True])
async def test_a_head_who_declined_then_presses_approve_is_told_what_to_do_instead(
        strings: Catalogue, federation: Federation, lang: Lang, on_the_list: bool) -> None:
    """Permission probe 13: Siân declined Carys's request ("Who moderates it at weekends?"), then, Carys having
    answered in the corridor, pressed Approve on its card in her chat (or on her pending list). Before, she read that
    the request "had already been decided or withdrawn", as if someone else had, and nothing of what to do: she now
    reads that she declined it herself, that a decision stands once made, and that the request sent again reaches her
    saying so, to approve. Approved and then Decline pressed, she is pointed to End permission. Nothing changes."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    declined_id = await _submitted(bot)
    await bot.clicks(SIAN, "permission.decline", {"id": declined_id, "reason": "Who moderates it at weekends?",
                                                  "lang": lang.value}, lang=lang)
    approved_id = await _submitted(bot)
    await bot.clicks(SIAN, "permission.approve", {"id": approved_id, "lang": lang.value}, lang=lang)
    clock.now = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    listed = {"from": "list"} if on_the_list else {}

    approve = await bot.clicks(SIAN, "permission.approve", {
        "id": declined_id, "reason": "Fine now.", "lang": lang.value, **listed}, lang=lang)
    decline = await bot.clicks(SIAN, "permission.decline", {
        "id": approved_id, "reason": "Changed my mind.", "lang": lang.value, **listed}, lang=lang)

    for reply, key, button in ((approve, "perm.not_recorded_own_declined", "perm.approve"),
                               (decline, "perm.not_recorded_own_approved", "perm.decline")):
        said = strings.text(key, lang, button=strings.text(button, lang), name=CARYS.name)
        assert said in text_of(reply.card)
        assert strings.text("perm.not_recorded", lang, button=strings.text(button, lang)) not in text_of(reply.card)
    assert "Fine now." in text_of(approve.card)  # her words given back
    stored = MemoryPermissionRequests(bot.store)
    assert ((await stored.get(declined_id)).state, (await stored.get(approved_id)).state) == (
        RequestState.DECLINED, RequestState.APPROVED)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_whose_last_day_comes_before_school_hours_is_not_kept_for_them(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Permission probe 13: at 18:00 on Friday 13 November Carys asked to post the netball tournament's photos on the
    Saturday only. Before, her card said it reached Siân at 08:00 on the Monday, after the only day she asked for, and
    it did: Siân's first sight of it was a card saying its dates had ended, to decline (its edit, queued by the pass at
    midnight on the Sunday for a card she had not been sent, went as a new card at midnight). A request whose last day
    comes before school hours start now goes at once, as Siân could still decide it; one whose days run past Monday
    still waits for 08:00 on the Monday."""
    clock = Clock(datetime(2026, 11, 13, 18, 0, tzinfo=UTC))  # Friday 13 November, 18:00 GMT
    bot = await _late_bot(strings, federation, clock, lang)
    saturday = {**_form(start="2026-11-14", end="2026-11-14", ongoing="false",
                        purpose="Netball tournament photos on Saturday."), "lang": lang.value}

    weekend = await bot.clicks(CARYS, "permission.submit", saturday, lang=lang)
    longer = await bot.clicks(CARYS, "permission.submit", {**saturday, "end": "2026-11-20",
                                                           "purpose": "Netball league week."}, lang=lang)

    weekend_id = str(verb_data(weekend.card or {}, "permission.withdraw")["id"])
    longer_id = str(verb_data(longer.card or {}, "permission.withdraw")["id"])
    held = strings.text("perm.status_held", lang, name=SIAN.name, when="")[:20]
    assert held not in text_of(weekend.card) and held in text_of(longer.card)
    assert _approvals(await bot.cards_going_to(SIAN, clock.now)) == [weekend_id]
    assert sorted(_approvals(await bot.cards_going_to(SIAN, datetime(2026, 11, 16, 8, 0, tzinfo=UTC)))) == sorted(
        [weekend_id, longer_id])


# Read abroad: a head on a school trip in Brittany, a member of staff on a course in Toronto

_UK_TIME = {Lang.EN: " UK time", Lang.CY: " amser y DU"}


async def _abroad_bot(strings: Catalogue, federation: Federation, clock: Clock, lang: Lang, *,
                      abroad: tuple[tuple[Person, str], ...]) -> BotInMemory:
    """`_late_bot`, with Ffion (the delegate, at home) met, and each person of `abroad` having last written to the bot
    from Teams set to that time zone (the profile keeps it: `TimeZone`)."""
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION)
    profiles = MemoryUserProfiles(bot.store)
    for person, zone in abroad:
        kept = await profiles.get_profile(person)
        await profiles.save_profile(replace(kept, time_zone=zone))
    return bot


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_and_its_withdrawal_reaching_a_head_abroad_say_their_times_are_uk_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Siân is on a school trip in Brittany; her Teams said so when she last wrote to the bot. Carys sends a request at
    10:00 UK time and withdraws it at 11:30: Siân's cards read "sent 02/11/2026 10:00" and "Withdrawn by Carys
    Jenkins, 02/11/2026 11:30", which she took for her own hours, an hour after each. They say UK time, as the
    read-and-confirm cards do; Ffion, at home, reads them as before."""
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))  # Monday 2 November, 10:00 GMT: school hours
    bot = await _abroad_bot(strings, federation, clock, lang, abroad=((SIAN, "Europe/Paris"),))
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-20"), lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    clock.now = datetime(2026, 11, 2, 11, 30, tzinfo=UTC)

    await bot.clicks(CARYS, "permission.withdraw", {"id": request_id}, lang=lang)

    school = federation.schools[0].name(lang)
    sent, withdrawn = (await bot.cards_for(SIAN))[0], (await bot.cards_for(SIAN))[-1]
    assert strings.text("perm.request_line", lang, id=request_id, school=school,
                        when="02/11/2026 10:00" + _UK_TIME[lang]) in text_of(sent), text_of(sent)
    assert strings.text("perm.status_withdrawn", lang, name=CARYS.name,
                        when="02/11/2026 11:30" + _UK_TIME[lang]) in text_of(withdrawn), text_of(withdrawn)
    at_home = text_of(await bot.cards_for(FFION))
    assert "UK time" not in at_home and "amser y DU" not in at_home
    assert strings.text("perm.status_withdrawn", Lang.EN, name=CARYS.name, when="02/11/2026 11:30") in at_home


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_waiting_reminder_and_a_decision_reaching_readers_abroad_say_their_times_are_uk_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """A school week on, Siân (in Brittany) is reminded that Carys's request of "02/11/2026 09:00" waits, and Carys,
    on a course in Toronto, is told it still waits; then Ffion approves it, and Carys's decision card reads "Approved
    by Mrs Ffion Davies …, 09/11/2026 10:00". Each time is UK time, and says so to the reader abroad."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # a Monday
    bot = await _abroad_bot(strings, federation, clock, lang,
                            abroad=((SIAN, "Europe/Paris"), (CARYS, "America/Toronto")))
    status = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-20"), lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    owed = {p.aad_object_id: len(await bot.cards_for(p)) for p in (CARYS, SIAN, FFION)}
    clock.now = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)  # five school days on
    assert await _reminding(bot, clock).see_to_waiting() == 1
    new = {p.aad_object_id: (await bot.cards_for(p))[owed[p.aad_object_id]:] for p in (CARYS, SIAN, FFION)}
    clock.now = datetime(2026, 11, 9, 10, 0, tzinfo=UTC)

    await bot.clicks(FFION, "permission.approve", {"id": request_id, "reason": "Keep it to the trip."})

    since = "02/11/2026 09:00"
    [to_sian], [to_ffion], [to_carys] = new[SIAN.aad_object_id], new[FFION.aad_object_id], new[CARYS.aad_object_id]
    assert strings.text("perm.waiting_reminder", lang, id=request_id, name=CARYS.name,
                        when=since + _UK_TIME[lang]) in text_of(to_sian), text_of(to_sian)
    assert strings.text("perm.waiting_reminder", Lang.EN, id=request_id, name=CARYS.name, when=since) in text_of(
        to_ffion)  # at home: as before
    assert strings.text("perm.waiting_told", lang, when=since + _UK_TIME[lang]) in text_of(to_carys), text_of(to_carys)
    decided_by = federation.display_name(FFION.aad_object_id, FFION.name)
    decision = text_of(await bot.cards_for(CARYS))
    assert strings.text("perm.status_approved_delegate", lang, name=decided_by,
                        when="09/11/2026 10:00" + _UK_TIME[lang]) in decision, decision


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_pending_list_and_what_she_missed_read_abroad_say_their_times_are_uk_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """In Brittany, Siân opens what waits for her from a press whose activity carries no zone (the edge reads the one
    her profile keeps, as the turn's): the pending list's "sent 02/11/2026 10:00" and what Ffion decided since she last
    looked, "Approved by … 02/11/2026 10:30", say UK time."""
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    bot = await _abroad_bot(strings, federation, clock, lang, abroad=((SIAN, "Europe/Paris"),))
    waiting = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-20"), lang=lang)
    decided = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-21",
                                                                  purpose="Share the Year 10 choir's concert."))
    waiting_id = str(verb_data(waiting.card or {}, "permission.withdraw")["id"])
    decided_id = str(verb_data(decided.card or {}, "permission.withdraw")["id"])
    clock.now = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
    await bot.clicks(FFION, "permission.approve", {"id": decided_id, "reason": "Fine."})

    listed = await bot.clicks(SIAN, "permission.pending", {}, lang=lang, time_zone="Europe/Paris")
    asks = {Lang.EN: "anything waiting for me?", Lang.CY: "oes rhywbeth yn aros amdana i?"}[lang]
    missed = await bot.says(SIAN, asks, lang=lang, time_zone="Europe/Paris")

    school = federation.schools[0].name(lang)
    assert strings.text("perm.request_line", lang, id=waiting_id, school=school,
                        when="02/11/2026 10:00" + _UK_TIME[lang]) in text_of(listed.card), text_of(listed.card)
    assert "10:30" + _UK_TIME[lang] in text_of(missed.more), text_of(missed.more)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_days_last_request_refused_abroad_says_from_when_in_uk_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Carys, on a course in Toronto, sends her eleventh request of the day: "please send it from 03/11/2026 10:00"
    read as 10:00 in Toronto, five hours after she could have. It says UK time to her (Teams gives her zone); to a
    colleague at home, as before."""
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    bot = await _abroad_bot(strings, federation, clock, lang, abroad=())
    for person, zone in ((CARYS, "America/Toronto"), (OWAIN, "Europe/London")):
        for n in range(10):
            await bot.clicks(person, "permission.submit", _form(purpose=f"Page {n}"), lang=lang, time_zone=zone)

        refused = await bot.clicks(person, "permission.submit", _form(purpose="One more"), lang=lang, time_zone=zone)

        at = "03/11/2026 10:00" + (_UK_TIME[lang] if person is CARYS else "")
        assert strings.text("perm.rate_limited", lang, count=10, when=at) in text_of(refused.card), text_of(
            refused.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_form_repeating_a_waiting_request_sent_from_abroad_says_since_when_in_uk_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Carys, on a course in Toronto, sends the same request again: "your request … has been waiting for a decision
    since 02/11/2026 10:00" read as 10:00 in Toronto. It says UK time to her."""
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    bot = await _abroad_bot(strings, federation, clock, lang, abroad=((CARYS, "America/Toronto"),))
    sent = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-20"), lang=lang)
    request_id = str(verb_data(sent.card or {}, "permission.withdraw")["id"])
    clock.now = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)

    again = await bot.clicks(CARYS, "permission.submit", _form(start="2026-12-20"), lang=lang,
                             time_zone="America/Toronto")

    assert strings.text("perm.asked_already_waiting", lang, id=request_id,
                        when="02/11/2026 10:00" + _UK_TIME[lang]) in text_of(again.card), text_of(again.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_colleague_cannot_withdraw_end_replace_or_hold_back_a_request_kept_for_the_morning(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Hostile probe 6: Carys sent a request at 23:00, kept for Siân and Ffion until 08:00. Owain, who has seen her id
    on a forwarded card, presses Withdraw and End with it, sends his own form in place of it (`replaces`), and sends
    his own request at 23:05 to see whether his hold moves hers. Nothing of hers moves: her card still reaches both
    at 08:00, her request still waits, and her record names only her."""
    clock = Clock(datetime(2026, 12, 7, 23, 0, tzinfo=UTC))  # Monday 7 December, 23:00 GMT
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION, OWAIN)
    status = await bot.clicks(CARYS, "permission.submit", {**_form(start="2026-12-14"), "lang": lang.value},
                              lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    clock.now = datetime(2026, 12, 7, 23, 5, tzinfo=UTC)

    withdrawn = await bot.clicks(OWAIN, "permission.withdraw", {"id": request_id, "lang": lang.value}, lang=lang)
    ended = await bot.clicks(OWAIN, "permission.end", {"id": request_id, "lang": lang.value}, lang=lang)
    await bot.clicks(OWAIN, "permission.submit", {**_form(start="2026-12-14", purpose="Owain's own trip page."),
                                                  "replaces": request_id, "lang": lang.value}, lang=lang)

    assert withdrawn.refused and ended.refused
    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert (stored.state, stored.replaced_by) == (RequestState.PENDING, "")
    assert {actor for _, actor in await _trail(bot, request_id)} == {CARYS.aad_object_id}
    for person in (SIAN, FFION):
        assert request_id not in _approvals(await bot.cards_going_to(person, clock.now))
        assert request_id in _approvals(await bot.cards_going_to(person, datetime(2026, 12, 8, 8, 0, tzinfo=UTC)))


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_request_decided_at_night_from_the_pending_list_offers_the_delegate_no_decision_in_the_morning(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Hostile probe 6: Carys's 23:00 request is kept for Siân and Ffion until 08:00, but Siân, awake, opens her
    pending list at 23:30 and approves it there (her own press: the decision goes at once). Ffion must not find at
    08:00 a card offering Approve and Decline on a request already approved (the card kept for the morning, posted
    after the decision's)."""
    clock = Clock(datetime(2026, 12, 7, 23, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(FFION)
    status = await bot.clicks(CARYS, "permission.submit", {**_form(start="2026-12-14"), "lang": lang.value},
                              lang=lang)
    request_id = str(verb_data(status.card or {}, "permission.withdraw")["id"])
    clock.now = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)

    listed = (await bot.clicks(SIAN, "permission.pending", {"lang": lang.value}, lang=lang)).card or {}
    await bot.clicks(SIAN, "permission.approve", verb_data(listed, "permission.approve"), lang=lang)

    assert (await MemoryPermissionRequests(bot.store).get(request_id)).state is RequestState.APPROVED
    morning = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    for person in (SIAN, FFION):
        # The sender's pass at 23:30 records as sent, unsent, each message a later one due then replaces.
        queue = await MemoryOutbox(bot.store).list_for_recipient(person)
        passed_over = {m.message_id for m in superseded(queue, clock.now)}
        left = [dict(m.card) for m in await MemoryOutbox(bot.store).list_due(morning)
                if m.recipient.key == person.key and m.message_id not in passed_over]
        assert request_id not in _approvals(left), person.name


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_replayed_or_forged_decision_never_revives_an_ended_or_replaced_approval(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Hostile probe 6: the clicks of Siân's old cards replayed (Approve on P-A after it was replaced in turn, on P-C
    after she ended it, Decline on P-B), and the same data pressed by Carys and Owain: one approval of the account
    stands, the newest decision's, and nothing is recorded in anyone's name but by whoever decided."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(OWAIN)
    first_id, photos_id, pupils_id = await _three_in_a_chain(bot, clock, lang)
    clock.now = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    requests = MemoryPermissionRequests(bot.store)
    before = {i: (await requests.get(i)) for i in (first_id, photos_id, pupils_id)}

    for person in (SIAN, CARYS, OWAIN):
        for verb, request_id in (("permission.approve", first_id), ("permission.approve", photos_id),
                                 ("permission.decline", photos_id), ("permission.decline", first_id)):
            await bot.clicks(person, verb, {"id": request_id, "reason": "again", "lang": lang.value}, lang=lang)

    assert {i: (await requests.get(i)) for i in before} == before
    assert await _on_the_register(bot, lang, first_id, photos_id, pupils_id) == [pupils_id]
    await bot.clicks(SIAN, "permission.end", {"id": pupils_id, "lang": lang.value}, lang=lang)
    for person in (SIAN, CARYS, OWAIN):
        await bot.clicks(person, "permission.approve", {"id": pupils_id, "lang": lang.value}, lang=lang)
    assert (await requests.get(pupils_id)).state is RequestState.ENDED
    assert await _on_the_register(bot, lang, first_id, photos_id, pupils_id) == [photos_id]


@pytest.mark.parametrize("lang", list(Lang))
async def test_words_typed_to_look_like_a_bot_card_or_its_buttons_decide_and_show_nothing_of_anothers_request(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Hostile probe 6: Owain, who saw Carys's request id on a forwarded card, types her id, the buttons' words with it,
    and the head's card's own lines ("Approved by Mrs Siân Roberts", "Cymeradwywyd gan …"), in his chat and in a
    group; Carys types "Approved by Mrs Siân Roberts" under her own request. Nothing is decided, withdrawn or ended,
    and Owain is shown nothing of her request (not its purpose, not that it exists)."""
    clock = Clock(datetime(2026, 12, 8, 10, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    await bot.meets(OWAIN, FFION)
    request_id = await _submitted(bot)
    purpose = (await MemoryPermissionRequests(bot.store).get(request_id)).purpose
    head_line = strings.text("perm.status_approved", lang, name=SIAN.name, when="08/12/2026 10:05")
    typed = [request_id, f"approve {request_id}", f"withdraw {request_id}", f"end permission {request_id}",
             f"{head_line} {request_id}", f"Cymeradwyo {request_id}", f"tynnu {request_id} yn ôl",
             f"✅ Your request {request_id} was approved"]

    shown = [await bot.says(OWAIN, words, lang=lang, scope=scope) for words in typed
             for scope in (Scope.PERSONAL, Scope.GROUP)]
    own = await bot.says(CARYS, f"{head_line} {request_id}", lang=lang)

    stored = await MemoryPermissionRequests(bot.store).get(request_id)
    assert (stored.state, stored.decided_by_id) == (RequestState.PENDING, "")
    assert purpose not in text_of([r.card for r in shown] + [c for r in shown for c in r.more])
    assert "permission.approve" not in text_of(own.card)
    assert {actor for _, actor in await _trail(bot, request_id)} == {CARYS.aad_object_id}


@pytest.mark.parametrize("lang", list(Lang))
async def test_end_pressed_on_a_replaced_approval_from_an_old_card_ends_nothing_and_the_chain_gives_back_one_at_a_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Hostile probe 6: P-A (the netball Instagram) replaced by P-B (photos to 30 November), in turn by P-C (pupils
    too). Carys presses End on P-A from an old card while it is replaced (nothing to end: she is told so), then Siân
    ends P-C. P-B stands again to its last day and P-A after it, one at a time; the press on P-A changed nothing."""
    clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    bot = await _late_bot(strings, federation, clock, lang)
    first_id, photos_id, pupils_id = await _three_in_a_chain(bot, clock, lang)
    clock.now = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
    before = await MemoryPermissionRequests(bot.store).get(first_id)

    refused = await bot.clicks(CARYS, "permission.end", {"id": first_id, "lang": lang.value}, lang=lang)
    clock.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    await bot.clicks(SIAN, "permission.end", {"id": pupils_id, "lang": lang.value}, lang=lang)

    assert refused.refused and strings.text("perm.end_superseded_through", lang, id=pupils_id, between=photos_id,
                                            day="04/11/2026") in text_of(refused.card), text_of(refused.card)
    assert (await MemoryPermissionRequests(bot.store).get(first_id)).state is before.state is RequestState.APPROVED
    clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert await _on_the_register(bot, lang, first_id, photos_id, pupils_id) == [photos_id]
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert await _on_the_register(bot, lang, first_id, photos_id, pupils_id) == [first_id]
