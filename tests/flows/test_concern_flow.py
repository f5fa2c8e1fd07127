"""Reporting being pestered or targeted, on the memory stores: the report goes to the line manager, and never to the
person it is about (the rules tests/http/test_concern_safety.py checks over HTTP, here in milliseconds)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import pytest

from bot.domain.concerns import About, ConcernReport, ReportState, Route
from bot.domain.directory import LineManagers, StaffMember, read_staff_csv
from bot.domain.errors import ConcurrentChange, RecordNotFound, StorageUnavailable
from bot.domain.federation import Federation, parse_federation
from bot.domain.live_policy import PolicyInForce
from bot.domain.outbox import CardSlot, OutboundMessage, QueueingNotifier, first_to_claim, superseded
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.profiles import UserProfile
from bot.policy.text_speak import spelt_out
from bot.storage.memory import (
    MemoryConcernReports,
    MemoryOutbox,
    MemoryRateLimiter,
    MemoryStaffDirectory,
    MemoryUserProfiles,
)
from cards.answer import goes_on_day, on_day, when
from cards.concerns import DOUBT_NOT_THEM, doubt_value, said_key
from cards.i18n import Catalogue, load_catalogue
from dialogs.base import Reply, Scope, Turn
from dialogs.concerns import ConcernFlow
from tests.flows.conftest import (
    CARYS,
    CHAIR,
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
from tests.support.cards import actions, facts, inputs, verb_data
from tests.support.concerns import NAMING_THE_LINE_MANAGER, reference_in
from tests.support.policies import fixture_policy

GARETH_EMAIL = "gareth.hughes@llanidloes.example.cymru"
SECRET = "Dafydd from the science department keeps sending me nasty direct messages about my lessons"


async def _report(bot: BotInMemory, person: Person = CARYS, /, **fields: str) -> Reply:
    """The form opened by typing, then sent with these inputs (and the ones the form always sends)."""
    form = await bot.says(person, "report a concern")
    values = {"what": SECRET, "since": "September", "where": "Teams chat", "who": "", "evidence": "",
              "meeting": "false", "urgent": "false", **fields}
    return await bot.clicks(person, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), **values})

async def _says_after_her_report(bot: BotInMemory, typed: str) -> Reply:
    """Carys, who has sent a report about Ffion, types this in her own chat; the bot's reply."""
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    await _report(bot, what="Ffion keeps posting about my lessons in the staff group")
    return await bot.says(CARYS, typed, lang=Lang.EN)


def _shows(cards: list[dict[str, Any]], text: str) -> bool:
    return any(text in text_of(card) for card in cards)


def _says(card: object, sentence: str) -> bool:
    """The card says the sentence (its quotes written as a card's JSON writes them)."""
    return json.dumps(sentence, ensure_ascii=False)[1:-1] in text_of(card)


def _doubt(card: object) -> dict[str, Any]:
    """The form's "who do you mean?" choice, asked before anything is sent."""
    [asked] = [i for i in inputs(card) if i.get("id") == "doubt"]
    return asked


async def _asked(bot: BotInMemory, person: Person, what: str, *, lang: Lang = Lang.EN,
                 **fields: str) -> tuple[Reply, dict[str, Any], Reply]:
    """The form opened by typing, and Send pressed with `what` (and these fields): the form, the data Send carried,
    and the reply (for words that may mean someone it would reach first, the "who do you mean?" question)."""
    form = await bot.says(person, "report a concern", lang=lang)
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what, **fields}
    return form, data, await bot.clicks(person, "concern.submit", data, lang=lang)


async def _sent_after_asking(bot: BotInMemory, person: Person, form: Reply, what: str, *, lang: Lang = Lang.EN,
                             choice: int = 0, **fields: str) -> Reply:
    """Send pressed, the bot asks who the report may be about before sending it, and Send pressed again with the
    choice (the first, the default, is to send it higher)."""
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what, **fields}
    asked = await bot.clicks(person, "concern.submit", data, lang=lang)
    assert await MemoryConcernReports(bot.store).list_all() == [], "sent before the reporter was asked"
    value = _doubt(asked.card)["choices"][choice]["value"]
    return await bot.clicks(person, "concern.submit", {**verb_data(asked.card or {}, "concern.submit"), **data,
                                                       "doubt": value}, lang=lang)


@pytest.fixture
async def staffed(bot: BotInMemory) -> BotInMemory:
    """Everyone has opened the bot, and the staff list says Carys's line manager is Gareth, his is Siân."""
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    return bot


async def test_a_report_goes_to_the_line_manager_whose_acknowledgement_reaches_the_reporter(
        staffed: BotInMemory) -> None:
    form = await staffed.says(CARYS, "report a concern")

    receipt = await _report(staffed)
    [holder_card] = await staffed.cards_for(GARETH)
    acknowledged = await staffed.clicks(GARETH, "concern.acknowledge",
                                        verb_data(holder_card, "concern.acknowledge"))

    assert "Who will see it: your line manager, Gareth Hughes." in text_of(form.card)
    assert "It went to Gareth Hughes." in text_of(receipt.card)
    assert SECRET in text_of(holder_card) and await staffed.cards_for(SIAN) == []
    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert (report.route, report.holder.aad_object_id, report.reporter) == (Route.LINE_MANAGER,
                                                                            GARETH.aad_object_id, CARYS)
    assert report.state is ReportState.ACKNOWLEDGED and "Acknowledged" in text_of(acknowledged.card)
    assert "was acknowledged" in text_of((await staffed.cards_for(CARYS))[-1])


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_the_receipt_says_the_report_moves_on_by_itself_when_the_line_manager_does_not_acknowledge_it(
        staffed: BotInMemory, lang: Lang) -> None:
    """There is no acting line manager: a reporter whose manager is off sick learns from the receipt that her report
    reaches the headteacher after four working days without her doing anything, on the day the reminder task passes
    it up."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    receipt = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                             "what": SECRET}, lang=lang)

    report = await _only_report(staffed)
    calendar = staffed.federation.calendar
    goes_on = calendar.add_working_days(report.submitted_at, 4)  # whichever day it was sent, bank holidays or not
    strings = load_catalogue()
    # Sent out of school hours (the test runs at any hour), it reaches her at the next start of them: the receipt says
    # the hour too.
    said = goes_on_day(strings, lang, goes_on, calendar.in_school_hours(goes_on, any_day=True))
    assert strings.text("concern.receipt_unacknowledged", lang, holder="Gareth Hughes", name="Mrs Siân Roberts",
                        on_day=said) in text_of(receipt.card)
    reminded = replace(report, reminded_at=calendar.add_working_days(report.submitted_at, 2))
    assert report.due(reminded.reminded_at or goes_on, calendar) == "remind"
    assert reminded.due(goes_on - timedelta(minutes=1), calendar) == ""
    assert reminded.due(goes_on, calendar) == "escalate"


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_report_to_a_chair_who_has_never_opened_the_bot_tells_the_reporter_it_is_waiting_for_him(
        bot: BotInMemory, lang: Lang) -> None:
    """The chair of governors, a volunteer, has never opened the bot: the headteacher's own report waits for him, with
    nobody after him. Before, her receipt said only that it went to him."""
    await bot.has_the_staff_list()
    await bot.meets(SIAN)

    form = await bot.says(SIAN, "report a concern", lang=lang)
    receipt = await bot.clicks(SIAN, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                        "what": SECRET}, lang=lang)

    ref = (await _only_report(bot)).reference
    assert load_catalogue().text("concern.receipt_not_opened_last", lang, name="Mr Huw Davies",
                                 ref=ref) in text_of(receipt.card)


async def test_a_report_to_a_line_manager_who_has_never_opened_the_bot_says_so_and_that_it_moves_on(
        bot: BotInMemory) -> None:
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN)

    receipt = await _report(bot)

    said = text_of(receipt.card)
    assert "Gareth Hughes hasn't opened this bot in Teams yet" in said and "nobody else can take it" not in said
    assert "after four working days" in said


async def test_a_receipt_says_nothing_of_opening_the_bot_when_the_holder_has(staffed: BotInMemory) -> None:
    assert "hasn't opened this bot" not in text_of((await _report(staffed)).card)


async def test_a_receipt_with_nobody_after_the_holder_does_not_say_it_moves_on(staffed: BotInMemory) -> None:
    receipt = await _report(staffed, SIAN)  # the headteacher's own report: the chair alone

    assert "four working days" not in text_of(receipt.card)


@pytest.mark.parametrize("what", NAMING_THE_LINE_MANAGER)
async def test_free_text_naming_the_line_manager_goes_to_the_head_not_to_him(staffed: BotInMemory,
                                                                            what: str) -> None:
    receipt = await _report(staffed, what=what)

    assert await staffed.cards_for(GARETH) == [], "the report reached the person it is about"
    assert _shows(await staffed.cards_for(SIAN), what)
    assert "It went to Mrs Siân Roberts" in text_of(receipt.card)
    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert GARETH.aad_object_id not in {c.aad_object_id for c in report.chain}


@pytest.mark.parametrize("what", ["Garethhh keeps sending me messages late at night",
                                  "Mr Hughess and his friends keep posting about me",
                                  "Gareht keeps sending me messages late at night",
                                  "Mae Garethh yn anfon negeseuon ataf yn hwyr y nos",
                                  "Rwy'n cael negeseuon cas gan Mr Huges bob nos",
                                  "gareht keeps sending me messages late at night",
                                  "GAREHT KEEPS SENDING ME MESSAGES LATE AT NIGHT",
                                  "mae gareht yn anfon negeseuon cas ataf bob nos"])
async def test_a_report_naming_the_line_manager_misspelt_goes_to_the_head_not_to_him(staffed: BotInMemory,
                                                                                    what: str) -> None:
    """Carys types her line manager's name in a hurry: stretched, a letter doubled, one slip, two letters swapped in
    small letters or capitals. Before, only his name as written (or its known forms) kept the report from him, and each
    of these reached him ("gareht" and "GAREHT" until this release)."""
    receipt = await _report(staffed, what=what)

    assert await staffed.cards_for(GARETH) == [], "the report reached the person it is about"
    assert _shows(await staffed.cards_for(SIAN), what)
    assert "It went to Mrs Siân Roberts" in text_of(receipt.card)


@pytest.mark.parametrize("what", ["Many of the messages come late at night from someone in science",
                                  "Mae Cerys o'r adran wyddoniaeth yn anfon negeseuon ataf yn hwyr y nos"])
async def test_a_report_about_someone_else_whose_name_is_near_no_one_it_could_go_to_still_goes_to_him(
        staffed: BotInMemory, what: str) -> None:
    """An ordinary word, or a name one letter from the reporter's own, is near nobody the report could go to: the
    report goes to the line manager, as the policy asks."""
    receipt = await _report(staffed, what=what)

    assert _shows(await staffed.cards_for(GARETH), what) and await staffed.cards_for(SIAN) == []
    assert "It went to Gareth Hughes" in text_of(receipt.card)


# Garth Evans teaches science at the high school: his name is one letter from Gareth's.
GARTH = StaffMember("Garth Evans", "garth.evans@llanidloes.example.cymru", "high", "Teacher of Science",
                    "gareth.hughes@llanidloes.example.cymru", "a1000000-0000-4000-8000-0000000000a7")


async def _adds_to_the_staff_list(bot: BotInMemory, *more: StaffMember) -> None:
    """The fictional staff list, with these rows too."""
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"]).staff
    await MemoryStaffDirectory(bot.store).replace_all([*staff, *more])


@pytest.mark.parametrize("garth_on_the_list", [False, True])
@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Garth keeps sending me messages late at night"),
                                            (Lang.EN, "It started in September. Garth from the science department "
                                                      "keeps messaging me"),
                                            (Lang.CY, "Mae Garth yn anfon negeseuon cas ataf bob nos"),
                                            (Lang.CY, "Rwy'n cael negeseuon cas gan Garth bob nos")])
async def test_a_word_close_to_the_line_managers_name_keeps_the_report_from_him_and_the_receipt_says_why(
        staffed: BotInMemory, garth_on_the_list: bool, lang: Lang, what: str) -> None:
    """"Garth" may be Gareth typed in a hurry, or Garth: a name (or word) of its own one letter from the line manager's
    may still mean him, so the report goes one step up and the receipt quotes the word. Before, a name or word of its
    own was never his name misspelt, and each of these reached Gareth, with Garth on the staff list or not."""
    if garth_on_the_list:
        await _adds_to_the_staff_list(staffed, GARTH)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    receipt = await _sent_after_asking(staffed, CARYS, form, what, lang=lang)

    assert await staffed.cards_for(GARETH) == [], "the report reached the line manager it may be about"
    assert _shows(await staffed.cards_for(SIAN), what)
    assert _says(receipt.card, load_catalogue().text("concern.why.manager_near_name", lang, word="Garth",
                                                     manager="Gareth Hughes", name="Mrs Siân Roberts"))
    report = await _only_report(staffed)
    assert report.route is Route.MANAGER_NEAR_NAME and report.involved_manager is not None


@pytest.mark.parametrize(("lang", "what", "word"), [
    (Lang.EN, "Gerath keeps sending me messages late at night", "Gerath"),
    (Lang.CY, "Mae Gerath yn anfon negeseuon cas ataf bob nos", "Gerath"),
    (Lang.EN, "Mr Heghus keeps sending me messages late at night", "Heghus"),
])
async def test_a_name_with_two_letters_swapped_apart_is_asked_about_and_never_reaches_him(
        staffed: BotInMemory, lang: Lang, what: str, word: str) -> None:
    """"Gerath" is Gareth with two of its letters swapped, though not side by side: typed as a statement, it opens the
    report form; sent, Carys is asked whether it is her line manager, and by default it goes past him to the head, his
    cards and his "reports for me" showing nothing of it. Before, it was not read as him, and reached Gareth."""
    opened = await staffed.says(CARYS, what, lang=lang)
    assert "concern.submit" in text_of(opened.card), "the statement was not read as naming a colleague"
    form, _, asked = await _asked(staffed, CARYS, what, lang=lang)
    assert _says(asked.card, load_catalogue().text("concern.doubt.near_name", lang, words=word,
                                                   manager="Gareth Hughes"))

    await _sent_after_asking(staffed, CARYS, form, what, lang=lang)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id and await staffed.cards_for(GARETH) == []
    held = await staffed.says(GARETH, "reports for me")
    assert report.reference not in text_of(held.card) and what not in text_of(held.card)


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "I keep getting nasty messages from Sain late at night"),
                                            (Lang.CY, "Mae Sain yn anfon negeseuon cas ataf bob nos")])
async def test_a_short_name_with_two_letters_side_by_side_swapped_never_reaches_her(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"Sain" is Siân (four letters) with two letters side by side swapped, and a Welsh word of its own ("sound"):
    typed as a statement, it opens the form; sent, it goes to Gareth, her line manager, and passed on by him it goes
    past the head to the chair of governors; the head never receives it, sees it on "reports for me", nor can open it by
    its reference; nothing of it is on a lock screen. Before, a name under five letters was read only stretched: the
    statement was asked of the policy (and kept, for the head's review), and Gareth's Escalate sent it to her."""
    await staffed.meets(CHAIR)
    opened = await staffed.says(CARYS, what, lang=lang)
    assert "concern.submit" in text_of(opened.card), "the statement was not read as naming a colleague"

    receipt = await _report(staffed, what=what)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == GARETH.aad_object_id
    assert [c.aad_object_id for c in report.chain] == [GARETH.aad_object_id, CHAIR.aad_object_id]
    assert _says(receipt.card, load_catalogue().text("concern.receipt_left_out_near", Lang.EN, name="Mrs Siân Roberts",
                                                     word="Sain"))
    await staffed.clicks(GARETH, "concern.escalate", {"ref": report.reference, "note": ""})
    assert _shows(await staffed.cards_for(CHAIR), what)
    await _the_head_cannot_see(staffed, await _only_report(staffed), what)
    for person in (GARETH, CHAIR):
        assert all(m.preview in {load_catalogue().text("notify.private", each) for each in Lang}
                   for m in await MemoryOutbox(staffed.store).list_for_recipient(person))


@pytest.mark.parametrize(("lang", "what"), [
    (Lang.EN, "I keep getting nasty messages from Sain, Dafydd and Rhodri late at night"),
    (Lang.EN, "I keep getting nasty messages from Sain. Dafydd joins in too"),
    (Lang.EN, "The one sending me nasty messages late at night is Sain I think"),
    (Lang.CY, "Mae Sain, Dafydd a Rhodri yn anfon negeseuon cas ataf bob nos")])
async def test_a_short_name_swapped_before_a_comma_a_full_stop_or_i_still_never_reaches_her(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """Safety review: "Sain" (Siân, two letters side by side swapped) was read as part of a place's name ("Sain
    Ffagan") whenever the next word had a capital, though a comma or full stop stood between them, or the next word was
    "I": "…messages from Sain, Dafydd and Rhodri" named nobody, so Gareth's Escalate took her report to the head it is
    about. Now only a capitalised word straight after it makes a place: it goes past the head to the chair of
    governors, and the head never sees it."""
    await staffed.meets(CHAIR)

    await _report(staffed, what=what)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == GARETH.aad_object_id
    assert [c.aad_object_id for c in report.chain] == [GARETH.aad_object_id, CHAIR.aad_object_id]
    await staffed.clicks(GARETH, "concern.escalate", {"ref": report.reference, "note": ""})
    assert _shows(await staffed.cards_for(CHAIR), what)
    await _the_head_cannot_see(staffed, await _only_report(staffed), what)


@pytest.mark.parametrize(("lang", "what", "word"), [
    (Lang.EN, "Gertah keeps sending me messages late at night", "Gertah"),
    (Lang.EN, "I keep getting nasty messages from Garhet late at night", "Garhet"),
    (Lang.EN, "Gartheh keeps sending me messages late at night", "Gartheh"),
    (Lang.CY, "Mae Gertah yn anfon negeseuon cas ataf bob nos", "Gertah"),
    (Lang.CY, "Rwy'n cael negeseuon cas gan Gertah bob nos", "Gertah"),
])
async def test_a_name_with_two_slips_is_asked_about_and_never_reaches_him(
        staffed: BotInMemory, lang: Lang, what: str, word: str) -> None:
    """"Gertah", "Garhet", "Gartheh" are Gareth with two slips (letters swapped and one more, two side by side swapped,
    a swap and a letter added), written as a name: typed as a statement in a group chat, the group sees none of her
    words; sent, Carys is asked whether it is her line manager, and by default it goes past him to the head, his cards
    and his "reports for me" showing nothing of it, the head's lock screen nothing of her words. Before, two slips
    other than a swap were not read as him, and each of these reached Gareth."""
    in_group = await staffed.says(CARYS, what, lang=lang, scope=Scope.GROUP)
    assert what not in text_of(in_group.card) and word not in text_of(in_group.card)
    form, _, asked = await _asked(staffed, CARYS, what, lang=lang)
    assert _says(asked.card, load_catalogue().text("concern.doubt.near_name", lang, words=word,
                                                   manager="Gareth Hughes"))

    await _sent_after_asking(staffed, CARYS, form, what, lang=lang)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id and await staffed.cards_for(GARETH) == []
    assert GARETH.aad_object_id not in [c.aad_object_id for c in report.chain]
    held = await staffed.says(GARETH, "reports for me")
    typed = await staffed.says(GARETH, report.reference)
    assert report.reference not in text_of(held.card) and what not in text_of(held.card)
    assert typed.card == (await staffed.says(GARETH, "C-ZZZZZZ")).card
    assert all(m.preview in {load_catalogue().text("notify.private", each) for each in Lang}
               for m in await MemoryOutbox(staffed.store).list_for_recipient(SIAN))


async def _line_manager_called(bot: BotInMemory, name: str, email: str, aad_object_id: str) -> Person:
    """The fictional staff list, with Carys's line manager someone else, called `name` (his own is Siân); he has
    opened the bot."""
    csv = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8").replace(
        ",Teacher of Geography,gareth.hughes@llanidloes.example.cymru,", f",Teacher of Geography,{email},")
    row = f"{name},{email},high,Head of Geography,sian.roberts@llanidloes.example.cymru,{aad_object_id}"
    await MemoryStaffDirectory(bot.store).replace_all(read_staff_csv(f"{csv.rstrip()}\n{row}\n",
                                                                     schools=["high", "primary"]).staff)
    person = Person(CARYS.tenant_id, aad_object_id, name)
    await bot.meets(person)
    return person


async def _asked_about_and_never_reaches_him(staffed: BotInMemory, manager: str, lang: Lang, what: str,
                                             word: str) -> None:
    """Carys's line manager is called `manager` and she reports `what`: sent, she is asked whether `word` is him, and
    by default it goes past him to the head, his cards and his "reports for me" showing nothing of it."""
    first = manager.split()[0].casefold()
    him = await _line_manager_called(staffed, manager, f"{first}.lm@llanidloes.example.cymru",
                                     "a1000000-0000-4000-8000-0000000000f3")
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    asked = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                           "what": what}, lang=lang)
    assert _says(asked.card, load_catalogue().text("concern.doubt.near_name", lang, words=word, manager=manager))

    await _sent_after_asking(staffed, CARYS, form, what, lang=lang)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id and await staffed.cards_for(him) == []
    assert him.aad_object_id not in [c.aad_object_id for c in report.chain]
    held = await staffed.says(him, "reports for me")
    assert report.reference not in text_of(held.card) and what not in text_of(held.card)


@pytest.mark.parametrize(("manager", "lang", "what", "word"), [
    ("Ben Rees", Lang.EN, "Bne keeps sending me messages late at night", "Bne"),
    ("Tom Price", Lang.EN, "I keep getting nasty messages from Tmo late at night", "Tmo"),
    ("Ida Powell", Lang.EN, "Dia keeps sending me messages late at night", "Dia"),
    ("Huw Lloyd", Lang.EN, "Huww keeps sending me messages late at night", "Huww"),
    ("Ben Rees", Lang.CY, "Mae Bne yn anfon negeseuon cas ataf bob nos", "Bne"),
    ("Tom Price", Lang.CY, "Rwy'n cael negeseuon cas gan Tmo bob nos", "Tmo"),
    ("Ida Powell", Lang.CY, "Mae Dia yn anfon negeseuon cas ataf bob nos", "Dia"),
])
async def test_a_three_letter_name_with_two_letters_swapped_or_stretched_is_asked_about_and_never_reaches_him(
        staffed: BotInMemory, manager: str, lang: Lang, what: str, word: str) -> None:
    """"Bne" is Ben, "Tmo" Tom, "Dia" Ida, each with two letters side by side swapped (every letter kept, the first
    too for "Dia"), and "Huww" is Huw with a letter stretched, all written as a name. Carys's line manager is called so:
    sent, she is asked whether it is him, and by default it goes past him to the head, his cards and his "reports for
    me" showing nothing of it. Before, a name part under four letters was never read as near a name, and each reached
    the line manager it names."""
    await _asked_about_and_never_reaches_him(staffed, manager, lang, what, word)


@pytest.mark.parametrize(("manager", "lang", "what", "word"), [
    ("Ben Rees", Lang.EN, "Benn keeps sending me messages late at night", "Benn"),
    ("Ben Rees", Lang.CY, "Benn sy'n anfon negeseuon cas ataf bob nos", "Benn"),
    ("Huw Lloyd", Lang.EN, "Huww keeps sending me messages late at night", "Huww"),
])
async def test_a_short_name_stretched_as_a_sentences_first_word_is_asked_about_and_never_reaches_him(
        staffed: BotInMemory, manager: str, lang: Lang, what: str, word: str) -> None:
    """"Benn" is Ben stretched, as "from Benn" was already read. As a sentence's first word its capital was taken to say
    nothing, since "benn" may be Welsh "penn" mutated and that is a common word: the report reached Ben Rees, unasked.
    A first word is read so only when it is among the commonest words itself."""
    await _asked_about_and_never_reaches_him(staffed, manager, lang, what, word)


@pytest.mark.parametrize(("manager", "lang", "what", "word"), [
    ("Ben Rees", Lang.EN, "BNE KEEPS SENDING ME MESSAGES LATE AT NIGHT", "BNE"),
    ("Huw Lloyd", Lang.EN, "I KEEP GETTING NASTY MESSAGES FROM HUWW LATE AT NIGHT", "HUWW"),
    ("Tom Price", Lang.CY, "RWY'N CAEL NEGESEUON CAS GAN TMO BOB NOS", "TMO"),
    ("Ben Rees", Lang.CY, "MAE BNE YN ANFON NEGESEUON CAS ATAF BOB NOS", "BNE"),
])
async def test_a_short_name_swapped_or_stretched_in_a_message_all_in_capitals_never_reaches_him(
        staffed: BotInMemory, manager: str, lang: Lang, what: str, word: str) -> None:
    """In a message all in capitals a capital says nothing, but two letters side by side swapped or one stretched keep
    every letter of the name, and are found however written: "BNE" is Ben, "HUWW" Huw, "TMO" Tom. Before,
    near_name read no word of a message all in capitals as written as a name, and each reached the line manager it
    names, unasked; now she is asked, and by default it goes past him."""
    await _asked_about_and_never_reaches_him(staffed, manager, lang, what, word)


@pytest.mark.parametrize(("manager", "lang", "what", "word"), [
    ("Ben Rees", Lang.EN, "i keep getting messages from bne late at night", "bne"),
    ("Huw Lloyd", Lang.EN, "huww keeps sending me messages late at night", "huww"),
    ("Tom Price", Lang.CY, "rwy'n cael negeseuon cas gan tmo bob nos", "tmo"),
])
async def test_a_short_name_swapped_or_stretched_in_small_letters_never_reaches_him(
        staffed: BotInMemory, manager: str, lang: Lang, what: str, word: str) -> None:
    """A message typed in a hurry in small letters: "bne" is Ben, "huww" Huw, "tmo" Tom, each keeping every letter of
    the name, found however written as they are in a longer name ("gareht", "hughess"), in a word that is no word or
    name of its own. Before, a part under four letters was read as near a name only written as one, with its capital,
    and each reached the line manager it names, unasked."""
    await _asked_about_and_never_reaches_him(staffed, manager, lang, what, word)


@pytest.mark.parametrize(("manager", "lang", "what", "word"), [
    ("Ben Rees", Lang.CY, "Rwy'n cael negeseuon cas gan Fne bob nos", "Fne"),
    ("Tom Price", Lang.CY, "Rwy'n cael negeseuon cas gan Domm bob nos", "Domm"),
])
async def test_a_short_name_swapped_after_a_welsh_mutation_never_reaches_him(
        staffed: BotInMemory, manager: str, lang: Lang, what: str, word: str) -> None:
    """"gan Fen" is Ben and "gan Dom" Tom, mutated after "gan"; with two letters side by side swapped or one
    stretched, "gan Fne", "gan Domm". Before, a short name's mutated forms were read only as written, never as near a
    name, and each reached the line manager it names, unasked; now, right after a word that mutates it and in a word
    that is no word or name of its own, as a longer name's are."""
    await _asked_about_and_never_reaches_him(staffed, manager, lang, what, word)


@pytest.mark.parametrize(("manager", "lang", "what", "word"), [
    ("Ben Rees", Lang.EN, "It's BNE who keeps sending me messages late at night", "BNE"),
    ("Tom Price", Lang.CY, "Rwy'n cael negeseuon cas gan TMO bob nos", "TMO"),
])
async def test_a_three_letter_name_swapped_in_capitals_inside_a_message_that_is_not_never_reaches_him(
        staffed: BotInMemory, manager: str, lang: Lang, what: str, word: str) -> None:
    """A name written in capitals for weight, two letters side by side swapped ("BNE" for Ben, "TMO" for Tom), in a
    message that is not all in capitals. Before, every word of three capitals there was taken for an abbreviation, and
    the report reached the line manager it names, unasked; an abbreviation is a word of its own ("PTA", "DNA"), and
    "TES" is Tess stretched, not swapped, so a swapped word that is no word or name of its own is now asked about."""
    await _asked_about_and_never_reaches_him(staffed, manager, lang, what, word)


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Sain keeps sending me nasty messages late at night"),
                                            (Lang.EN, "It started in May. Sain keeps messaging me"),
                                            (Lang.CY, "Sain sy'n anfon negeseuon cas ataf bob nos")])
async def test_a_short_name_swapped_as_a_sentences_first_word_never_reaches_her(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"Sain" (Siân with two letters side by side swapped) at a sentence's start was read as the Welsh word ("sound",
    among the commonest words there): the report named nobody, its chain kept the head, and Gareth's Escalate took it
    to her. A name part with two of its letters swapped is written as a name there too: the chain skips the head,
    Escalate goes to the chair of governors, and the head sees nothing of it, nor a lock screen her words; typed in a
    group chat, the group sees none of her words."""
    await staffed.meets(CHAIR)
    in_group = await staffed.says(CARYS, what, lang=lang, scope=Scope.GROUP)
    assert what not in text_of(in_group.card) and "Sain" not in text_of(in_group.card)

    await _report(staffed, what=what)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == GARETH.aad_object_id
    assert [c.aad_object_id for c in report.chain] == [GARETH.aad_object_id, CHAIR.aad_object_id]
    await staffed.clicks(GARETH, "concern.escalate", {"ref": report.reference, "note": ""})
    assert _shows(await staffed.cards_for(CHAIR), what)
    await _the_head_cannot_see(staffed, await _only_report(staffed), what)
    for person in (GARETH, CHAIR):
        assert all(m.preview in {load_catalogue().text("notify.private", each) for each in Lang}
                   for m in await MemoryOutbox(staffed.store).list_for_recipient(person))


GARETH_PRICE = StaffMember("Gareth Price", "gareth.price@llanidloes.example.cymru", "high", "Teacher of Music",
                           "sian.roberts@llanidloes.example.cymru", "a1000000-0000-4000-8000-0000000000a9")


@pytest.mark.parametrize(("lang", "what", "words"), [
    (Lang.EN, "Gareth keeps sending me messages late at night", "Gareth"),
    (Lang.EN, "gareth keeps sending me messages late at night", "gareth"),
    (Lang.CY, "Rwy'n cael negeseuon cas gan Gareth bob nos", "Gareth"),
])
async def test_a_first_name_two_colleagues_share_is_asked_about_and_goes_to_him_when_she_says_it_isnt_him(
        staffed: BotInMemory, lang: Lang, what: str, words: str) -> None:
    """Gareth Price teaches music; "Gareth" may be him or Carys's line manager, Gareth Hughes. Nothing is sent until
    she says: the default sends it one step up, the receipt saying why; "It isn't Gareth Hughes" sends it to him.
    Before, it went straight to the head, the receipt saying her report was about her line manager, which she had not
    said, and there was no way to say it was the other Gareth but to pick him from the list."""
    await _adds_to_the_staff_list(staffed, GARETH_PRICE)
    form, _, asked = await _asked(staffed, CARYS, what, lang=lang)
    assert _says(asked.card, load_catalogue().text("concern.doubt.name_shared", lang, words=words,
                                                   manager="Gareth Hughes"))

    receipt = await _sent_after_asking(staffed, CARYS, form, what, lang=lang, choice=1)

    assert _shows(await staffed.cards_for(GARETH), what) and await staffed.cards_for(SIAN) == []
    assert (await _only_report(staffed)).route is Route.LINE_MANAGER
    assert "Gareth Hughes" in text_of(receipt.card)


@pytest.mark.parametrize(("what", "asked"), [("Gareth keeps sending me messages late at night", True),
                                             ("Gareth Hughes keeps sending me messages late at night", False),
                                             ("Mr Hughes keeps sending me messages late at night", False)])
async def test_a_first_name_two_colleagues_share_sent_higher_says_why_and_his_whole_name_is_never_asked_about(
        staffed: BotInMemory, what: str, asked: bool) -> None:
    await _adds_to_the_staff_list(staffed, GARETH_PRICE)
    form, _, first = await _asked(staffed, CARYS, what)
    assert any(i.get("id") == "doubt" for i in inputs(first.card)) is asked

    receipt = await _sent_after_asking(staffed, CARYS, form, what) if asked else first

    assert await staffed.cards_for(GARETH) == [] and _shows(await staffed.cards_for(SIAN), what)
    why = "concern.why.manager_name_shared" if asked else "concern.why.manager_involved"
    assert _says(receipt.card, load_catalogue().text(why, Lang.EN, words="Gareth", manager="Gareth Hughes",
                                                     name="Mrs Siân Roberts"))


async def test_a_word_close_to_the_line_managers_name_that_names_the_colleague_picked_goes_to_him(
        staffed: BotInMemory) -> None:
    """Carys picked Garth Evans from the staff list and wrote "Garth": the word is the colleague she picked, so the
    report goes to her line manager, as the policy asks."""
    await _adds_to_the_staff_list(staffed, GARTH)

    receipt = await _report(staffed, what="Garth keeps sending me messages late at night",
                            about=GARTH.aad_object_id)

    assert _shows(await staffed.cards_for(GARETH), "Garth keeps") and await staffed.cards_for(SIAN) == []
    assert "It went to Gareth Hughes" in text_of(receipt.card)


@pytest.mark.parametrize("what", ["Mrs Robert from the office keeps posting about me",
                                  "Robert keeps posting about me"])
@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_word_close_to_the_heads_name_keeps_the_report_from_her_and_leaves_it_with_the_line_manager(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"Mrs Robert" may be Mrs Roberts, the headteacher, and so may "Robert" at a sentence's start, a name however
    common a word it is: she is passed over, and the receipt says why; the report stays with Carys's line manager, as
    only a report that surely names the head goes straight to the governors. Before, a name cut short was never hers,
    and had Gareth escalated it, it reached her ("Robert keeps…" until this release)."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    receipt = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                             "what": what}, lang=lang)
    [card] = await staffed.cards_for(GARETH)
    await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": "please"})

    assert await staffed.cards_for(SIAN) == [], "the report reached the headteacher it may be about"
    assert _shows(await staffed.cards_for(CHAIR), what)
    assert _says(receipt.card, load_catalogue().text("concern.receipt_left_out_near", lang, word="Robert",
                                                     name="Mrs Siân Roberts"))


@pytest.mark.parametrize("what", ["Dywedodd fy mhennaeth y byddai hi'n fy nghosbi; mae hi'n anfon negeseuon cas ataf",
                                  "Mae fy mhennaeth yn dweud y bydd hi'n postio'r lluniau eto"])
async def test_a_welsh_report_about_my_head_saying_she_would_goes_to_the_chair_never_to_her(
        staffed: BotInMemory, what: str) -> None:
    """"Fy mhennaeth y byddai…" is "my head … that she would…": the headteacher. Before, "pennaeth y …" was read as a
    head of department ("Pennaeth y Dyniaethau"), so the report passed over Carys's line manager to the head it is
    about."""
    receipt = await _report(staffed, what=what)

    assert await staffed.cards_for(SIAN) == [], "the report reached the headteacher it is about"
    assert _shows(await staffed.cards_for(CHAIR), what)
    assert "Mr Huw Davies" in text_of(receipt.card)


@pytest.mark.parametrize("what", ["The safeguarding lead keeps sending me messages late at night",
                                  "Mae'r person diogelu dynodedig yn anfon negeseuon ataf yn hwyr y nos"])
async def test_a_report_about_the_safeguarding_lead_goes_to_the_line_manager(staffed: BotInMemory,
                                                                             what: str) -> None:
    """The safeguarding lead is a post of their own, not Carys's line manager: the report goes to him, as the policy
    asks. Before, "the * lead" read it as her line manager, and it went one step up, to the head."""
    receipt = await _report(staffed, what=what)

    assert _shows(await staffed.cards_for(GARETH), what) and await staffed.cards_for(SIAN) == []
    assert "It went to Gareth Hughes" in text_of(receipt.card)


@pytest.mark.parametrize(("reporter", "lang", "what", "about"), [
    (CARYS, Lang.EN, "My line manger keeps texting me at night", GARETH),
    (CARYS, Lang.EN, "my linemanger wont stop messaging me", GARETH),
    (CARYS, Lang.EN, "My manger keeps texting me at night", GARETH),
    (CARYS, Lang.CY, "Mae'r rheolwr llinel yn anfon negeseuon cas ataf bob nos", GARETH),
    (CARYS, Lang.CY, "Mae fy rhelowr llinell yn anfon negeseuon cas ataf bob nos", GARETH),
    (CARYS, Lang.EN, "The headteachr keeps texting me at night", SIAN),
    (CARYS, Lang.CY, "Mae'r brifathrawse yn anfon negeseuon cas ataf bob nos", SIAN),
    (OWAIN, Lang.EN, "The depty head keeps texting me at night", FFION),
])
async def test_a_post_misspelt_on_a_phone_is_still_that_post_and_the_report_never_reaches_them(
        staffed: BotInMemory, reporter: Person, lang: Lang, what: str, about: Person) -> None:
    """A post typed in a hurry on a phone, one letter dropped, added, changed or two swapped in a word of six letters or
    more ("line manger", as a phone's autocorrect writes it, "headteachr", "rheolwr llinel"), is that post, as a name so
    misspelt is that name. Before, "My line manger keeps texting me at night" went to Gareth Hughes, her line manager,
    and "The headteachr…" to him with the head next in the chain."""
    await staffed.meets(OWAIN, FFION, CHAIR)
    form = await staffed.says(reporter, "report a concern", lang=lang)
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what}

    reply = await staffed.clicks(reporter, "concern.submit", data, lang=lang)
    if [i for i in inputs(reply.card) if i.get("id") == "doubt"]:  # "may be": asked, and the first choice kept
        reply = await staffed.clicks(reporter, "concern.submit", {**verb_data(reply.card or {}, "concern.submit"),
                                                                  **data, "doubt": _doubt(reply.card)["choices"][0][
                                                                      "value"]}, lang=lang)

    report = await _only_report(staffed)
    assert not _shows(await staffed.cards_for(about), what), "the report reached the person it is about"
    assert about.aad_object_id not in [c.aad_object_id for c in report.chain], "it may go on to them"


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "The headteacher trailing me around the school all day"),
                                            (Lang.EN, "the head teacher trailing me round the corridors"),
                                            (Lang.CY, "the headteacher trailing me everywhere")])
async def test_a_word_one_slip_from_nobodys_phrase_does_not_make_a_post_nobody(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """A slip reads a post's words, never a phrase that makes a post nobody's ("headteacher training" is no one):
    "The headteacher trailing me…" is the head. Before, "trailing", one slip from "training", made it nobody, and the
    report went to Gareth Hughes with Mrs Siân Roberts, whom it is about, next in the chain."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                         lang=lang)

    report = await _only_report(staffed)
    assert SIAN.aad_object_id not in [c.aad_object_id for c in report.chain], "it may go on to the head it is about"

@pytest.mark.parametrize(("lang", "what", "about"), [
    (Lang.EN, "The head I report to keeps texting me at night", SIAN),
    (Lang.EN, "the headteacher i report to keeps texting me at night", SIAN),
    (Lang.CY, "The head I report to keeps texting me at night", SIAN),
    (Lang.EN, "The chair I report to keeps texting me at night", CHAIR)])
async def test_a_post_in_the_place_of_the_one_she_reports_to_is_still_that_post(
        staffed: BotInMemory, lang: Lang, what: str, about: Person) -> None:
    """"The head I report to": "the * i report to" (this round's, for "the man I report to") took "head" for its *, and
    the longer phrase beat "the head", so the head was read as her line manager only, and the report went to Mrs Siân
    Roberts, the head it is about ("The chair I report to" to her with the chair next). A post inside a * still counts,
    as well as the phrase round it (the safe mistake)."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                         lang=lang)

    report = await _only_report(staffed)
    assert about.aad_object_id not in [c.aad_object_id for c in report.chain], "it may go to the post it is about"
    assert not _shows(await staffed.cards_for(about), what)

@pytest.mark.parametrize(("lang", "what", "about"), [
    (Lang.EN, "The man I report to keeps texting me at night", GARETH),
    (Lang.EN, "the guy i report to wont stop messaging me", GARETH),
    (Lang.EN, "The big boss keeps texting me at night", SIAN),
    (Lang.EN, "the hed keeps texting me at night", SIAN),
    (Lang.CY, "Mae'r bos mawr yn anfon negeseuon cas ataf bob nos", SIAN),
])
async def test_the_one_she_reports_to_or_the_big_boss_is_a_post_and_the_report_never_reaches_them(
        staffed: BotInMemory, lang: Lang, what: str, about: Person) -> None:
    """"The man I report to" is her line manager as "the person I report to" is, and "the big boss", "y bos mawr" or
    "the hed" (no word of its own) the headteacher. Before, each went to Gareth Hughes, her line manager: the first two
    about him, the others with the head they are about next in the chain."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                         lang=lang)

    report = await _only_report(staffed)
    assert not _shows(await staffed.cards_for(about), what), "the report reached the person it is about"
    assert about.aad_object_id not in [c.aad_object_id for c in report.chain], "it may go on to them"


@pytest.mark.parametrize(("lang", "what", "about"), [
    (Lang.EN, "Mr Hugh keeps texting me at night", GARETH),
    (Lang.CY, "Mae Mr Hugh yn anfon negeseuon cas ataf bob nos", GARETH),
    (Lang.EN, "Mrs Rob keeps texting me at night", SIAN),
    (Lang.EN, "Mrs Robs keeps texting me at night", SIAN),
    (Lang.CY, "Mae Mrs Rob yn anfon negeseuon cas ataf bob nos", SIAN)])
async def test_a_surname_cut_short_after_a_title_may_be_that_name_and_the_report_never_reaches_them(
        staffed: BotInMemory, lang: Lang, what: str, about: Person) -> None:
    """"Mr Hugh" (the thumb lifted before "es"), "Mrs Rob", "Mrs Robs" (as staff shorten Mrs Roberts): a title, then the
    start of a surname of theirs, may be them. Before, "Mr Hugh keeps texting me at night" went to Gareth Hughes, and
    "Mrs Rob…" to him with Mrs Siân Roberts next in the chain."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what}

    reply = await staffed.clicks(CARYS, "concern.submit", data, lang=lang)
    if [i for i in inputs(reply.card) if i.get("id") == "doubt"]:  # "may be": asked, and the first choice kept
        await staffed.clicks(CARYS, "concern.submit", {**verb_data(reply.card or {}, "concern.submit"), **data,
                                                       "doubt": _doubt(reply.card)["choices"][0]["value"]}, lang=lang)

    report = await _only_report(staffed)
    assert not _shows(await staffed.cards_for(about), what), "the report reached the person it may be about"
    assert about.aad_object_id not in [c.aad_object_id for c in report.chain], "it may go on to them"


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "My line manager's boss keeps texting me at night"),
                                            (Lang.EN, "my manager's manager keeps texting me at night"),
                                            (Lang.EN, "My boss's boss keeps texting me at night"),
                                            (Lang.CY, "Mae bos fy rheolwr llinell yn anfon negeseuon cas ataf bob nos"),
                                            (Lang.CY, "Mae rheolwr fy rheolwr yn anfon negeseuon cas ataf bob nos"),
                                            # a woman's manager, or a man's: Welsh says which
                                            (Lang.CY, "Mae rheolwraig fy rheolwr yn anfon negeseuon cas ataf bob nos"),
                                            (Lang.CY, "Mae rheolwr fy rheolwraig yn anfon negeseuon cas ataf bob nos"),
                                            (Lang.CY, "Mae rheolwraig fy rheolwr llinell yn fy mwlio")])
async def test_her_line_managers_boss_may_be_the_head_and_the_report_goes_past_her(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"My line manager's boss", "bos fy rheolwr llinell": the one above her line manager, in a school the head
    (Gareth's line manager is Siân). Before, "my line manager" was read and the rest not, so the report went past
    Gareth to Mrs Siân Roberts, the boss it is about."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                         lang=lang)

    report = await _only_report(staffed)
    assert not _shows(await staffed.cards_for(SIAN), what), "the report reached the head it may be about"
    assert SIAN.aad_object_id not in [c.aad_object_id for c in report.chain], "it may go on to her"
    assert not _shows(await staffed.cards_for(GARETH), what)


@pytest.mark.parametrize(("lang", "what"), [
    (Lang.EN, "Gareth's boss keeps messaging me at night"),
    (Lang.EN, "gareths manager keeps messaging me at night"),
    (Lang.EN, "Ffion and her boss keep messaging me at night"),
    (Lang.EN, "The line manager of Ffion keeps messaging me at night"),
    (Lang.EN, "The woman in charge of the school keeps messaging me at night"),
    (Lang.CY, "Mae bos Gareth yn anfon negeseuon cas ataf bob nos"),
    (Lang.CY, "Mae rheolwr Ffion yn fy mwlio"),
    (Lang.CY, "Mae Ffion a'i bos yn fy mwlio"),
    (Lang.CY, "Mae'r fenyw sy'n rhedeg yr ysgol yn fy mwlio"),
    (Lang.CY, "Mae bos Mr Hughes yn fy mwlio"),
    (Lang.EN, "The boss of Mr Hughes keeps messaging me at night")])
async def test_a_named_colleagues_boss_is_the_one_above_them_and_the_report_goes_past_her(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"Gareth's boss", "Ffion and her boss", "bos Gareth", "rheolwr Ffion": the one above that colleague in the
    reporting chain (Gareth's and Ffion's line manager is Siân, the head), and "the woman in charge of the school" is
    the head. Before, "Gareth's boss" was read as Gareth alone, so the report went past him to Mrs Siân Roberts, the
    boss it is about; the others went to Gareth with her next in the chain."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                         lang=lang)

    report = await _only_report(staffed)
    assert not _shows(await staffed.cards_for(SIAN), what), "the report reached the boss it is about"
    assert SIAN.aad_object_id not in [c.aad_object_id for c in report.chain], "it may go on to her"


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Ffion's boss keeps messaging me at night"),
                                            (Lang.CY, "Mae bos Ffion yn anfon negeseuon cas ataf bob nos")])
async def test_her_line_managers_boss_named_by_his_name_is_passed_over_for_owain(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """Owain's line manager is Ffion, hers Siân: "Ffion's boss" is Siân, and the report reaches neither."""
    await staffed.meets(OWAIN, FFION, CHAIR)
    form = await staffed.says(OWAIN, "report a concern", lang=lang)

    await staffed.clicks(OWAIN, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                         lang=lang)

    report = await _only_report(staffed)
    chain = [c.aad_object_id for c in report.chain]
    assert SIAN.aad_object_id not in chain and FFION.aad_object_id not in chain
    assert not _shows(await staffed.cards_for(SIAN), what) and not _shows(await staffed.cards_for(FFION), what)


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "The head and her boss keep messaging me at night"),
                                            (Lang.CY, "Mae'r pennaeth a'i bos yn fy mwlio")])
async def test_the_heads_boss_called_her_boss_is_the_chair_and_the_report_goes_to_gareth(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"The head and her boss": her boss is the chair of governors, so the report reaches neither, and goes to Gareth
    Hughes, unasked."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    reply = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                           "what": what}, lang=lang)

    assert not [i for i in inputs(reply.card) if i.get("id") == "doubt"], "asked who she means"
    report = await _only_report(staffed)
    assert [c.aad_object_id for c in report.chain] == [GARETH.aad_object_id]
    assert not _shows(await staffed.cards_for(CHAIR), what) and not _shows(await staffed.cards_for(SIAN), what)

@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "My line manager's boss keeps texting me at night"),
                                            (Lang.EN, "my boss's boss keeps texting me at night"),
                                            (Lang.CY, "Mae bos fy rheolwr llinell yn anfon negeseuon cas bob nos")])
async def test_his_line_managers_boss_when_his_line_manager_is_the_head_is_the_chair(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """Gareth's line manager is Siân, the head: his line manager's boss is the chair of governors, so the report
    reaches nobody in the federation and he is told so. Before, "my line manager's boss" was read as the head only, and
    it went to Mr Huw Davies, the chair, the boss it is about."""
    await staffed.meets(CHAIR)
    form = await staffed.says(GARETH, "report a concern", lang=lang)

    reply = await staffed.clicks(GARETH, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                            "what": what}, lang=lang)
    if [i for i in inputs(reply.card) if i.get("id") == "doubt"]:  # "may be": asked, and the first choice kept
        await staffed.clicks(GARETH, "concern.submit", {**verb_data(reply.card or {}, "concern.submit"), "what": what,
                                                        "doubt": _doubt(reply.card)["choices"][0]["value"]}, lang=lang)

    assert not _shows(await staffed.cards_for(CHAIR), what), "the report reached the boss it is about"
    assert all(CHAIR.aad_object_id not in [c.aad_object_id for c in r.chain]
               for r in await MemoryConcernReports(staffed.store).list_all())

@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "His boss keeps messaging me at night"),
                                            (Lang.EN, "Benn's manager keeps messaging me at night"),
                                            (Lang.CY, "Mae ei fos yn anfon negeseuon cas ataf bob nos")])
async def test_someones_boss_the_bot_cannot_place_is_asked_about_before_anything_is_sent(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"His boss" with nobody named, "Benn's manager" with no Benn on the staff list: the bot cannot tell whose boss,
    so it may be her line manager (a colleague's) or the head (his): it asks who she means before sending, and sent
    higher it reaches neither. Before, it went to Gareth Hughes unasked."""
    await staffed.meets(CHAIR)
    form, _, asked = await _asked(staffed, CARYS, what, lang=lang)
    assert _doubt(asked.card), "not asked who she means"
    assert await MemoryConcernReports(staffed.store).list_all() == []

    await _sent_after_asking(staffed, CARYS, form, what, lang=lang)

    report = await _only_report(staffed)
    assert GARETH.aad_object_id not in [c.aad_object_id for c in report.chain]
    assert not _shows(await staffed.cards_for(GARETH), what)


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "The manager keeps texting me at night"),
                                            (Lang.EN, "my HoH keeps texting me at night"),
                                            (Lang.CY, "Mae'r rheolwr yn fy mwlio"),
                                            (Lang.CY, "Mae'r rheolwraig yn anfon negeseuon cas ataf bob nos")])
async def test_the_manager_or_her_hoh_may_be_her_line_manager_and_the_report_goes_past_him(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"The manager", "y rheolwr" (without "my" or "line") and "my HoH" (Head of Humanities, Gareth's title, as "HoD"
    is a head of department's) may be her line manager. Before, each went to Gareth Hughes."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what}

    reply = await staffed.clicks(CARYS, "concern.submit", data, lang=lang)
    if [i for i in inputs(reply.card) if i.get("id") == "doubt"]:  # "may be": asked, and the first choice kept
        await staffed.clicks(CARYS, "concern.submit", {**verb_data(reply.card or {}, "concern.submit"), **data,
                                                       "doubt": _doubt(reply.card)["choices"][0]["value"]}, lang=lang)

    assert not _shows(await staffed.cards_for(GARETH), what), "the report reached the line manager it may be about"
    assert _shows(await staffed.cards_for(SIAN), what)


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Shan keeps texting me at night"),
                                            (Lang.CY, "Mae Shan yn anfon negeseuon cas ataf bob nos")])
async def test_the_head_written_as_her_name_sounds_is_still_the_head(staffed: BotInMemory, lang: Lang,
                                                                     what: str) -> None:
    """"Shan", Siân written as it sounds, as many in Powys write it: before, the report went to Gareth Hughes with Mrs
    Siân Roberts, whom it is about, next in the chain (his Escalate, or four working days, took it to her)."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                         lang=lang)

    report = await _only_report(staffed)
    assert SIAN.aad_object_id not in [c.aad_object_id for c in report.chain], "it may go on to the head it is about"


# Nia Lloyd is the high school's wellbeing lead; Gareth Hughes, Carys's line manager, is Head of Humanities.
NIA = StaffMember("Nia Lloyd", "nia.lloyd@llanidloes.example.cymru", "high", "Wellbeing Lead",
                  "sian.roberts@llanidloes.example.cymru", "a1000000-0000-4000-8000-0000000000a8")


@pytest.mark.parametrize("what", ["The wellbeing lead keeps sending me messages late at night",
                                  "The deputy keeps sending me messages late at night",
                                  "Mae'r arweinydd lles yn anfon negeseuon cas ataf bob nos"])
async def test_a_post_the_staff_list_says_someone_else_holds_leaves_the_report_with_the_line_manager(
        staffed: BotInMemory, what: str) -> None:
    """The staff list says who holds the post: Nia Lloyd is Wellbeing Lead ("arweinydd lles"), Ffion Morgan Deputy
    Headteacher, and Carys's line manager is Head of Humanities. The report is about them, not him, and goes to him,
    as the policy asks. Before, "the * lead" and "the deputy" went one step up whoever held the post ("Mae'r
    arweinydd lles" was read as nobody's)."""
    await _adds_to_the_staff_list(staffed, NIA)

    receipt = await _report(staffed, what=what)

    assert _shows(await staffed.cards_for(GARETH), what) and await staffed.cards_for(SIAN) == []
    assert "It went to Gareth Hughes" in text_of(receipt.card)


@pytest.mark.parametrize(("lang", "what", "words"), [
    (Lang.EN, "The wellbeing lead keeps sending me messages late at night", "The wellbeing lead"),
    (Lang.EN, "The Year 9 lead keeps sending me messages late at night", "The Year 9 lead"),
    (Lang.EN, "My HoD keeps sending me messages late at night", "My HoD"),
    (Lang.EN, "The head of department keeps sending me messages", "The head of department"),
    (Lang.CY, "Mae'r arweinydd lles yn anfon negeseuon cas ataf bob nos", "arweinydd lles"),
    (Lang.CY, "Mae fy mhennaeth adran yn anfon negeseuon cas ataf", "fy mhennaeth adran"),
])
async def test_a_post_the_staff_list_cannot_place_goes_one_step_up_and_the_receipt_says_so_plainly(
        staffed: BotInMemory, lang: Lang, what: str, words: str) -> None:
    """Nobody on the staff list holds the post by its title, so it may be Carys's line manager: the report goes one
    step up, and her receipt says which words did it, and that the staff list does not say who that is. Before, the
    receipt said her report was about her line manager, which she had not said ("The Year 9 lead", and "Mae'r
    arweinydd lles", were not read as a post at all, and reached Gareth)."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    receipt = await _sent_after_asking(staffed, CARYS, form, what, lang=lang)

    assert await staffed.cards_for(GARETH) == [], "the report reached the line manager it may be about"
    assert _shows(await staffed.cards_for(SIAN), what)
    assert _says(receipt.card, load_catalogue().text("concern.why.manager_post_unclear", lang, words=words,
                                                     manager="Gareth Hughes", name="Mrs Siân Roberts"))
    assert (await _only_report(staffed)).route is Route.MANAGER_POST_UNCLEAR


@pytest.mark.parametrize(("lang", "reporter", "manager", "what"), [
    (Lang.CY, CARYS, GARETH, "Mae Pennaeth y Dyniaethau yn anfon negeseuon cas ataf bob nos"),
    (Lang.CY, OWAIN, FFION, "Mae'r Dirprwy Bennaeth yn anfon negeseuon cas ataf bob nos"),
    (Lang.EN, OWAIN, FFION, "The Deputy Headteacher keeps sending me messages late at night"),
])
async def test_a_line_managers_title_written_in_welsh_is_his_title_as_the_english_is(
        staffed: BotInMemory, lang: Lang, reporter: Person, manager: Person, what: str) -> None:
    """Gareth is Head of Humanities and Ffion Deputy Headteacher on the staff list, in English; Carys and Owain write
    their titles in Welsh. The report is about their line manager, as the English title says, and the receipt says so.
    Before, the Welsh was read as a post he may hold, and the receipt said "which may be your line manager: the staff
    list does not say it is someone else"."""
    await staffed.meets(OWAIN, FFION)
    form = await staffed.says(reporter, "report a concern", lang=lang)

    receipt = await staffed.clicks(reporter, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                                "what": what}, lang=lang)

    assert await staffed.cards_for(manager) == [], "the report reached the line manager it is about"
    assert _shows(await staffed.cards_for(SIAN), what)
    assert _says(receipt.card, load_catalogue().text("concern.why.manager_involved", lang, name="Mrs Siân Roberts"))
    assert (await _only_report(staffed)).route is Route.MANAGER_INVOLVED


@pytest.mark.parametrize(("lang", "what", "words"), [
    (Lang.EN, "Sir keeps sending me messages late at night", "Sir"),
    (Lang.EN, "Miss keeps posting about me", "Miss"),
    (Lang.CY, "Mae Syr yn anfon negeseuon cas ataf bob nos", "Syr"),
])
async def test_a_title_without_a_name_is_asked_about_then_goes_one_step_up_and_the_receipt_says_why(
        staffed: BotInMemory, lang: Lang, what: str, words: str) -> None:
    """"Sir", "Syr", "Miss", as pupils call a teacher, names nobody: it may be Carys's line manager, and she picked
    nobody from the staff list. Nothing is sent until she says: the form comes back with what she wrote, the word
    quoted, and a choice whose default sends it one step up; sent so, the receipt quotes the word. Before, it went
    one step up at the first Send, though the form had said it would go to her line manager."""
    _, _, asked = await _asked(staffed, CARYS, what, lang=lang)

    assert await MemoryConcernReports(staffed.store).list_all() == [] and await staffed.cards_for(SIAN) == []
    strings = load_catalogue()
    assert _says(asked.card, strings.text("concern.doubt.unnamed", lang, words=words, manager="Gareth Hughes"))
    assert _doubt(asked.card)["value"] == _doubt(asked.card)["choices"][0]["value"]
    assert [c["title"] for c in _doubt(asked.card)["choices"]] == [
        strings.text("concern.doubt.higher", lang, manager="Gareth Hughes", name="Mrs Siân Roberts"),
        strings.text("concern.doubt.not_them", lang, manager="Gareth Hughes")]
    assert {i.get("id"): i.get("value") for i in inputs(asked.card)}["what"] == what

    receipt = await staffed.clicks(CARYS, "concern.submit", {**verb_data(asked.card or {}, "concern.submit"),
                                                             "what": what, "doubt": _doubt(asked.card)["value"]},
                                   lang=lang)

    assert await staffed.cards_for(GARETH) == [], "the report reached the line manager it may be about"
    assert _shows(await staffed.cards_for(SIAN), what)
    assert _says(receipt.card, load_catalogue().text("concern.why.manager_unnamed", lang, words=words,
                                                     manager="Gareth Hughes", name="Mrs Siân Roberts"))
    assert (await _only_report(staffed)).route is Route.MANAGER_UNNAMED


@pytest.mark.parametrize(("lang", "what"), [
    (Lang.EN, "Sir keeps sending me messages late at night"),
    (Lang.CY, "Mae Syr yn anfon negeseuon cas ataf bob nos"),
])
async def test_a_title_without_a_name_that_she_says_is_not_her_line_manager_goes_to_him(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """Asked, Carys says "Sir" is not Gareth Hughes, without having to say who it is: the report goes to her line
    manager, as the policy asks, and to nobody else."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    receipt = await _sent_after_asking(staffed, CARYS, form, what, lang=lang, choice=1)

    assert _shows(await staffed.cards_for(GARETH), what) and await staffed.cards_for(SIAN) == []
    assert (await _only_report(staffed)).route is Route.LINE_MANAGER
    assert _says(receipt.card, load_catalogue().text("concern.why.line_manager", lang, name="Gareth Hughes"))


async def test_a_report_asked_about_and_sent_is_one_report_however_many_times_send_is_pressed(
        staffed: BotInMemory) -> None:
    """Carys presses Send on her phone too: before she answers, it asks again and sends nothing; once she has sent it
    from the question, a press of either card's Send is the same report, its receipt, and nothing more to anyone."""
    what = "Sir keeps sending me messages late at night"
    _, data, first = await _asked(staffed, CARYS, what)
    again = await staffed.clicks(CARYS, "concern.submit", data)
    assert _doubt(again.card)["value"] == _doubt(first.card)["value"]
    assert await MemoryConcernReports(staffed.store).list_all() == []
    receipt = await staffed.clicks(CARYS, "concern.submit", {**data, "doubt": _doubt(first.card)["value"]})
    later = await staffed.clicks(CARYS, "concern.submit", data)
    other = await staffed.clicks(CARYS, "concern.submit", {**data, "doubt": _doubt(first.card)["choices"][1]["value"]})

    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert report.reference in text_of(receipt.card) and report.reference in text_of(later.card)
    assert report.reference in text_of(other.card)
    assert len(await staffed.cards_for(SIAN)) == 1 and await staffed.cards_for(GARETH) == []


@pytest.mark.parametrize(("lang", "what"), [
    (Lang.EN, "Garth keeps sending me messages late at night"),
    (Lang.CY, "Mae'r arweinydd lles yn anfon negeseuon cas ataf bob nos"),
])
async def test_a_word_near_his_name_or_a_post_she_says_is_not_her_line_manager_goes_to_him(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"Garth" or "the wellbeing lead" may be Gareth Hughes; asked, Carys says it isn't, and it goes to him."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await _sent_after_asking(staffed, CARYS, form, what, lang=lang, choice=1)

    assert _shows(await staffed.cards_for(GARETH), what) and await staffed.cards_for(SIAN) == []


SIAN_EVANS = StaffMember("Siân Evans", "sian.evans@llanidloes.example.cymru", "high", "Teacher of Art",
                         "gareth.hughes@llanidloes.example.cymru", "a1000000-0000-4000-8000-0000000000b1")


async def _the_head_cannot_see(bot: BotInMemory, report: ConcernReport, what: str) -> None:
    """Nothing of the report reaches the headteacher: no card, not on her "reports for me", and its reference typed
    gets what a made-up one gets."""
    assert not _shows(await bot.cards_for(SIAN), what), "the report reached the headteacher it may be about"
    held = await bot.says(SIAN, "reports for me")
    typed = await bot.says(SIAN, report.reference)
    assert report.reference not in text_of(held.card) and what not in text_of(held.card)
    assert typed.card == (await bot.says(SIAN, "C-ZZZZZZ")).card


@pytest.mark.parametrize(("lang", "what", "ticked", "words", "key"), [
    (Lang.EN, "Miss keeps posting about me", "true", "Miss", "concern.doubt.head_unnamed"),
    (Lang.CY, "Mae Syr yn anfon negeseuon cas ataf bob nos", "true", "Syr", "concern.doubt.head_unnamed"),
    (Lang.EN, "Gareth Hughes and Miss keep posting about me", "false", "Miss", "concern.doubt.head_unnamed"),
    (Lang.EN, "Siân keeps posting about me", "true", "Siân", "concern.doubt.head_name_shared"),
    (Lang.CY, "Mae Siân yn anfon negeseuon cas ataf bob nos", "true", "Siân", "concern.doubt.head_name_shared"),
])
async def test_words_that_may_mean_the_head_who_would_have_it_first_are_asked_about_and_she_never_sees_it(
        staffed: BotInMemory, lang: Lang, what: str, ticked: str, words: str, key: str) -> None:
    """Carys's report leaves her line manager out (ticked, or named), so it would go to the headteacher first; "Miss",
    "Syr", or "Siân" with a Siân Evans on the staff list, may be her. Nothing is sent until Carys says: the default
    sends it to the chair of governors, the receipt quotes the words, and the head sees nothing of it. Before, a title
    without a name went to the head unasked, and a shared first name to the chair unasked."""
    await staffed.meets(CHAIR)
    await _adds_to_the_staff_list(staffed, SIAN_EVANS)
    form, _, asked = await _asked(staffed, CARYS, what, lang=lang, involves_manager=ticked)
    strings = load_catalogue()
    assert _says(asked.card, strings.text(key, lang, words=words, manager="Mrs Siân Roberts"))
    assert [c["title"] for c in _doubt(asked.card)["choices"]] == [
        strings.text("concern.doubt.higher", lang, manager="Mrs Siân Roberts", name="Mr Huw Davies"),
        strings.text("concern.doubt.not_them", lang, manager="Mrs Siân Roberts")]

    receipt = await _sent_after_asking(staffed, CARYS, form, what, lang=lang, involves_manager=ticked)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id and _shows(await staffed.cards_for(CHAIR), what)
    assert await staffed.cards_for(GARETH) == []
    await _the_head_cannot_see(staffed, report, what)
    assert _says(receipt.card, strings.text("concern.receipt_left_out_maybe", lang, name="Mrs Siân Roberts",
                                            word=words))


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Miss keeps posting about me"),
                                            (Lang.CY, "Mae Siân yn anfon negeseuon cas ataf bob nos")])
async def test_words_she_says_are_not_the_head_send_it_to_the_head_and_never_to_the_line_manager_it_is_about(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """Asked, Carys says "Miss" (or "Siân", with a Siân Evans on the list) is not Mrs Siân Roberts: it goes to the
    head, as the policy asks of a report past the line manager, and never to Gareth Hughes, whom she ticked."""
    await staffed.meets(CHAIR)
    await _adds_to_the_staff_list(staffed, SIAN_EVANS)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await _sent_after_asking(staffed, CARYS, form, what, lang=lang, choice=1, involves_manager="true")

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id and _shows(await staffed.cards_for(SIAN), what)
    assert await staffed.cards_for(GARETH) == [] and await staffed.cards_for(CHAIR) == []
    await staffed.clicks(SIAN, "concern.escalate", {"ref": report.reference, "note": ""})
    assert await staffed.cards_for(GARETH) == [], "passed on, it reached the line manager it is about"


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Garth and Miss keep posting about me"),
                                            (Lang.CY, "Mae Garth a Miss yn postio amdanaf o hyd")])
async def test_words_that_may_mean_the_line_manager_and_the_head_sent_higher_go_past_both(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"Garth" may be Gareth Hughes and "Miss" the head: Carys is asked about Gareth, whose choice says where it goes
    instead, the chair of governors; sent so, neither Gareth nor the head sees it. Before, it went to the head."""
    await staffed.meets(CHAIR)
    form, _, asked = await _asked(staffed, CARYS, what, lang=lang)
    assert _doubt(asked.card)["choices"][0]["title"] == load_catalogue().text(
        "concern.doubt.higher", lang, manager="Gareth Hughes", name="Mr Huw Davies")

    await _sent_after_asking(staffed, CARYS, form, what, lang=lang)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id and await staffed.cards_for(GARETH) == []
    await _the_head_cannot_see(staffed, report, what)


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Garth and Miss keep posting about me"),
                                            (Lang.CY, "Mae Garth a Miss yn postio amdanaf o hyd")])
@pytest.mark.parametrize(("choices", "holder"), [((1, 0), SIAN), ((1, 1), GARETH)])
async def test_it_isnt_him_for_one_word_that_may_mean_the_line_manager_asks_about_the_next(
        staffed: BotInMemory, lang: Lang, what: str, choices: tuple[int, ...], holder: Person) -> None:
    """"Garth" (near his name) and "Miss" (a title without a name) may each be Gareth Hughes. Carys is asked about
    "Garth" and says it isn't him: she is then asked about "Miss", which may be him too. Saying it may be, it goes to
    the head and Gareth never sees it; saying it isn't either, to him. Before, "It isn't Gareth Hughes" said of
    "Garth" sent it to him unasked about "Miss"."""
    await staffed.meets(CHAIR)
    _, data, first = await _asked(staffed, CARYS, what, lang=lang)
    strings = load_catalogue()
    assert _says(first.card, strings.text("concern.doubt.near_name", lang, words="Garth", manager="Gareth Hughes"))

    receipt, shown = await _answers(staffed, data, first, choices, lang=lang)

    report = await _only_report(staffed)
    assert shown[1] == [strings.text("concern.doubt.higher", lang, manager="Gareth Hughes", name="Mrs Siân Roberts"),
                        strings.text("concern.doubt.not_them", lang, manager="Gareth Hughes")]
    assert report.holder.aad_object_id == holder.aad_object_id and _shows(await staffed.cards_for(holder), what)
    assert report.reference in text_of(receipt.card)
    if holder != GARETH:
        assert await staffed.cards_for(GARETH) == []
        assert not _shows(await staffed.cards_for(GARETH), what)
    [message] = await MemoryOutbox(staffed.store).list_for_recipient(holder)
    assert message.preview in {strings.text("notify.private", each) for each in Lang}


async def _answers(bot: BotInMemory, data: dict[str, Any], card: Reply, choices: Sequence[int], *, lang: Lang,
                   scope: Scope = Scope.PERSONAL) -> tuple[Reply, list[list[str]]]:
    """Send pressed again with each answer in turn (its index on the "who do you mean?" choice then shown): the last
    reply, and the titles of each choice she was shown."""
    shown = []
    for choice in choices:
        asked = _doubt(card.card)
        shown.append([c["title"] for c in asked["choices"]])
        card = await bot.clicks(CARYS, "concern.submit", {**data, **verb_data(card.card or {}, "concern.submit"),
                                                          "doubt": asked["choices"][choice]["value"]},
                                lang=lang, scope=scope)
    return card, shown


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Garth and Miss keep posting about me"),
                                            (Lang.CY, "Mae Garth a Miss yn postio amdanaf o hyd")])
async def test_forged_answers_to_who_do_you_mean_never_send_it_to_the_line_manager_unasked(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """Safety review: "Garth" and "Miss" may each be Gareth Hughes. Carys says "Garth" isn't him and is asked about
    "Miss". A forged press then says "it isn't him" of words not in her report, of another report's words, of no words
    at all, or as the last of 10,000 answers: each asks about "Miss" again, nothing is stored and Gareth is sent
    nothing. Only her real answer about "Miss" sends it to him."""
    await staffed.meets(CHAIR)
    _, data, first = await _asked(staffed, CARYS, what, lang=lang)
    garth = _doubt(first.card)["choices"][1]["value"]
    second = await staffed.clicks(CARYS, "concern.submit", {**data, **verb_data(first.card or {}, "concern.submit"),
                                                            "doubt": garth}, lang=lang)
    strings = load_catalogue()
    asked_miss = strings.text("concern.doubt.head_unnamed", lang, words="Miss", manager="Gareth Hughes")
    miss = _doubt(second.card)["choices"][1]["value"]
    person = miss.rsplit(":", 1)[0]
    assert person == doubt_value(DOUBT_NOT_THEM, StaffContact(GARETH.aad_object_id, "Gareth Hughes"))
    asked = {**data, **verb_data(second.card or {}, "concern.submit")}

    for forged in ({"doubt": f"{person}:{said_key((what, 'Dafydd'))}"},
                   {"doubt": f"{person}:{said_key(('Someone else keeps posting about me', '', '', '', '', 'miss'))}"},
                   {"doubt": person},
                   {"doubt": "", "answered": " ".join([garth] * 10_000 + [miss])},
                   {"doubt": garth, "answered": " ".join(["x" * 40] * 10_000)}):
        again = await staffed.clicks(CARYS, "concern.submit", {**asked, **forged}, lang=lang)
        assert _doubt(again.card)["choices"], forged
        assert await MemoryConcernReports(staffed.store).list_all() == [], forged
        assert await staffed.cards_for(GARETH) == [], forged
    assert _says(second.card, asked_miss) or "Miss" in text_of(second.card)

    await staffed.clicks(CARYS, "concern.submit", {**asked, "doubt": miss}, lang=lang)
    assert (await _only_report(staffed)).holder.aad_object_id == GARETH.aad_object_id


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Gareth and Siân keep messaging me late at night"),
                                            (Lang.CY, "Mae Gareth a Siân yn anfon negeseuon cas ataf bob nos")])
@pytest.mark.parametrize(("choices", "holder"), [((0,), CHAIR), ((1, 0), CHAIR), ((1, 1), GARETH)])
async def test_two_names_each_shared_with_another_colleague_are_each_asked_about_in_turn(
        staffed: BotInMemory, lang: Lang, what: str, choices: tuple[int, ...], holder: Person) -> None:
    """"Gareth" may be her line manager or Gareth Price, "Siân" the head or Siân Evans. Carys is asked about Gareth
    first; saying it isn't him, she is asked about the head, whose "it isn't her" choice says it goes to Gareth Hughes,
    and nobody she says her words may mean sees it. Before, "It isn't Gareth Hughes: send it to Gareth Hughes" sent it
    to the chair of governors, unasked about Siân, the receipt saying her report was about the headteacher."""
    await staffed.meets(CHAIR)
    await _adds_to_the_staff_list(staffed, GARETH_PRICE, SIAN_EVANS)
    _, data, first = await _asked(staffed, CARYS, what, lang=lang)

    receipt, shown = await _answers(staffed, data, first, choices, lang=lang)

    strings = load_catalogue()
    if len(choices) > 1:
        head = "Mrs Siân Roberts"
        assert shown[1] == [strings.text("concern.doubt.higher", lang, manager=head, name="Mr Huw Davies"),
                            strings.text("concern.doubt.not_them_to", lang, manager=head, name="Gareth Hughes")]
    report = await _only_report(staffed)
    assert report.holder.aad_object_id == holder.aad_object_id and _shows(await staffed.cards_for(holder), what)
    assert report.reference in text_of(receipt.card)
    if holder != GARETH:
        assert await staffed.cards_for(GARETH) == []
    await _the_head_cannot_see(staffed, report, what)
    # On a lock screen, the holder's message says nothing of it.
    [message] = await MemoryOutbox(staffed.store).list_for_recipient(holder)
    assert message.preview in {strings.text("notify.private", each) for each in Lang}


@pytest.mark.parametrize(("lang", "what"), [(Lang.EN, "Gareth and Siân keep messaging me late at night"),
                                            (Lang.CY, "Mae Gareth a Siân yn anfon negeseuon cas ataf bob nos")])
@pytest.mark.parametrize("onward", ["reminder", "pass on"])
async def test_it_isnt_the_head_for_a_name_she_shares_says_truly_on_the_receipt_where_it_goes_next_and_never_to_her(
        staffed: BotInMemory, lang: Lang, what: str, onward: str) -> None:
    """"Gareth and Siân": Carys says it isn't Gareth Hughes, then "It isn't Mrs Siân Roberts: send it to Gareth
    Hughes". Her receipt said that if Gareth did not acknowledge it, it would go on to Mrs Siân Roberts; the reminder
    task (and Gareth's Pass on) sent it to the chair of governors instead, as "Siân" may still mean the head. It
    now says where it really goes next, the chair, and why not the head; and the head, whom it may be about, never
    receives it nor sees it, however it moves on."""
    await staffed.meets(CHAIR)
    await _adds_to_the_staff_list(staffed, GARETH_PRICE, SIAN_EVANS)
    _, data, first = await _asked(staffed, CARYS, what, lang=lang)

    receipt, _ = await _answers(staffed, data, first, (1, 1), lang=lang)

    strings = load_catalogue()
    report = await _only_report(staffed)
    assert report.holder.aad_object_id == GARETH.aad_object_id
    past = strings.text("concern.receipt_past_cleared", lang, name="Mrs Siân Roberts", word="Siân")
    assert _says(receipt.card, past)
    # Nothing else on it says she may get it: the only line naming her is the one saying she will not.
    assert "Mrs Siân Roberts" not in text_of(receipt.card).replace(json.dumps(past, ensure_ascii=False)[1:-1], "")
    assert "Mr Huw Davies" in text_of(receipt.card)
    if onward == "reminder":
        for day in range(1, 15):
            await _concerns(staffed, clock=_stopped_at(report.submitted_at + timedelta(days=day))).check_reports()
    else:
        [card] = await staffed.cards_for(GARETH)
        await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": "please"})
    moved = await _only_report(staffed)
    assert moved.holder.aad_object_id == CHAIR.aad_object_id and _shows(await staffed.cards_for(CHAIR), what)
    await _the_head_cannot_see(staffed, moved, what)
    mine = await staffed.says(CARYS, "my reports", lang=lang)
    assert "Mrs Siân Roberts" not in text_of(mine.card)


async def test_two_names_answered_from_a_group_chat_send_nothing_and_say_nothing_there(staffed: BotInMemory) -> None:
    """The second answer pressed on her form forwarded to a group chat: nothing is stored or sent, and the group sees
    neither her words nor whom they may mean."""
    await _adds_to_the_staff_list(staffed, GARETH_PRICE, SIAN_EVANS)
    what = "Gareth and Siân keep messaging me late at night"
    _, data, first = await _asked(staffed, CARYS, what)
    asked, _ = await _answers(staffed, data, first, (1,), lang=Lang.EN)

    there, _ = await _answers(staffed, data, asked, (1,), lang=Lang.EN, scope=Scope.GROUP)

    assert await MemoryConcernReports(staffed.store).list_all() == [] and await staffed.cards_for(GARETH) == []
    assert "Siân keep" not in text_of(there.card) and "Gareth" not in text_of(there.card)


async def test_a_title_without_a_name_with_no_line_manager_known_is_asked_about_before_it_reaches_the_head(
        bot: BotInMemory) -> None:
    """Nobody knows Owain's line manager, so a report goes to the headteacher first; "Miss" may be her. Before, it went
    to her unasked."""
    await bot.meets(OWAIN, SIAN, CHAIR)
    what = "Miss keeps posting about me"
    form, _, asked = await _asked(bot, OWAIN, what)
    assert _says(asked.card, load_catalogue().text("concern.doubt.head_unnamed", Lang.EN, words="Miss",
                                                   manager="Mrs Siân Roberts"))

    await _sent_after_asking(bot, OWAIN, form, what)

    report = await _only_report(bot)
    assert report.holder.aad_object_id == CHAIR.aad_object_id
    await _the_head_cannot_see(bot, report, what)


async def test_my_line_manager_with_none_known_that_he_says_is_not_the_head_goes_to_the_head(
        bot: BotInMemory) -> None:
    """Nobody knows Owain's line manager; he writes "my line manager", which may be the headteacher. Asked, he says it
    isn't Mrs Siân Roberts, so it goes to her, not to the governors."""
    await bot.meets(OWAIN, SIAN, CHAIR)
    what = "Mae fy rheolwr llinell yn anfon negeseuon cas ataf bob nos"
    form, _, asked = await _asked(bot, OWAIN, what, lang=Lang.CY)
    assert _says(asked.card, load_catalogue().text("concern.doubt.head", Lang.CY, words="fy rheolwr llinell",
                                                   manager="Mrs Siân Roberts"))

    await _sent_after_asking(bot, OWAIN, form, what, lang=Lang.CY, choice=1)

    assert _shows(await bot.cards_for(SIAN), what) and await bot.cards_for(CHAIR) == []


@pytest.mark.parametrize(("lang", "what", "ticked"), [
    (Lang.EN, "Sir keeps sending me messages late at night", False),
    (Lang.CY, "Mae Gareth Hughes yn anfon negeseuon cas ataf bob nos", False),
    (Lang.EN, SECRET, True),
])
async def test_the_card_of_whoever_has_it_instead_of_the_line_manager_says_so_and_not_to_share_it_with_him(
        staffed: BotInMemory, lang: Lang, what: str, ticked: bool) -> None:
    """Siân has Carys's report because it may be about Carys's line manager, Gareth Hughes: her card says so, and not
    to share it with him. Before, it said only that Carys had sent it and to acknowledge it and talk to her, with
    nothing of why it had not gone to Gareth (unless Carys had ticked the box), and Siân might have passed it to him."""
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    fields = {"involves_manager": "true"} if ticked else {}

    if "Sir" in what:  # asked who "Sir" is first, and sent higher
        await _sent_after_asking(staffed, CARYS, form, what, lang=lang)
    else:
        await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what,
                                                       **fields}, lang=lang)

    [card] = await staffed.cards_for(SIAN)  # in her own language, English
    assert _says(card, load_catalogue().text("concern.holder_instead_of_manager", Lang.EN, manager="Gareth Hughes"))


@pytest.mark.parametrize(("reporter", "what"), [
    (CARYS, "Mae'r pennaeth yn anfon negeseuon cas ataf bob nos"),
    (OWAIN, "My line manager keeps sending me messages late at night"),
])
async def test_the_chairs_card_of_a_report_that_went_past_the_head_says_so_and_not_to_share_it_with_her(
        bot: BotInMemory, reporter: Person, what: str) -> None:
    """Carys's report calls the head by her post; Owain's "my line manager" may be the head, as nobody knows his line
    manager (sent higher when asked). The chair of governors has each instead of the head: his card says so, and not
    to share it with her. Before, it said only that they had sent it, to acknowledge it and talk to them, and a chair
    might well have rung the head about it."""
    await bot.has_the_staff_list() if reporter is CARYS else None
    await bot.meets(CARYS, OWAIN, GARETH, SIAN, CHAIR)
    form = await bot.says(reporter, "report a concern")
    if reporter is OWAIN:
        await _sent_after_asking(bot, OWAIN, form, what)
    else:
        await bot.clicks(reporter, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what})

    [card] = await bot.cards_for(CHAIR)
    assert _says(card, load_catalogue().text("concern.holder_instead_of_head", Lang.EN))
    assert await bot.cards_for(SIAN) == []


async def test_the_line_managers_own_card_says_nothing_of_anyone_it_went_past(staffed: BotInMemory) -> None:
    await _report(staffed)

    [card] = await staffed.cards_for(GARETH)
    assert "instead of" not in text_of(card)


@pytest.mark.parametrize(("written", "what", "reads", "says"), [
    (Lang.CY, "Mae Dafydd yn anfon negeseuon cas ataf bob nos am fy ngwersi", Lang.EN, "concern.written_in.cy"),
    (Lang.EN, SECRET, Lang.CY, "concern.written_in.en"),
    (Lang.CY, "Mae Dafydd yn anfon negeseuon cas ataf bob nos am fy ngwersi", Lang.CY, ""),
    (Lang.EN, SECRET, Lang.EN, ""),
])
async def test_the_line_managers_card_says_when_the_report_is_in_the_other_language(
        staffed: BotInMemory, written: Lang, what: str, reads: Lang, says: str) -> None:
    """Carys writes in Welsh to Gareth, who reads the bot in English (and the reverse): his card says which language
    she wrote it in, that she may prefer to talk about it in that language, and (a Welsh report on an English card)
    not to show it to a colleague or paste it into an online translator to read it, as it is private. Before, the
    Welsh words stood on his English card with nothing said, and a manager who reads no Welsh was left to find a
    translation however he could. A report in his own language says nothing of it."""
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(GARETH, language=reads, conversation_ref="{}"))
    form = await staffed.says(CARYS, "report a concern", lang=written)
    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what},
                         lang=written)

    [card] = await staffed.cards_for(GARETH)
    strings = load_catalogue()
    for key in ("concern.written_in.cy", "concern.written_in.en"):
        sentence = strings.text(key, reads, name="Carys Jenkins")
        assert _says(card, sentence) is (key == says), (key, text_of(card))
    shown = await staffed.clicks(GARETH, "concern.show", verb_data(card, "concern.acknowledge"), lang=reads)
    assert (not says) or _says(shown.card, strings.text(says, reads, name="Carys Jenkins"))


async def test_the_same_words_sent_again_on_a_new_form_while_the_first_is_open_are_not_sent_twice(
        staffed: BotInMemory) -> None:
    """Carys was not sure her report had gone (her phone lost its signal), so she opened a new form and sent the same
    words again. Before, that was a second report: Gareth got the same card twice, and two sets of reminders would
    chase him. Now nothing more is sent: she sees the report she already sent, and is told so, and how to add to it."""
    first = await _report(staffed, what=SECRET)
    again = await _report(staffed, what=f"  {SECRET.upper()} ")

    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert len(await staffed.cards_for(GARETH)) == 1
    assert report.reference in text_of(first.card) and report.reference in text_of(again.card)
    assert _says(again.card, load_catalogue().text("concern.sent_already", Lang.EN, ref=report.reference,
                                                   when=on_day(load_catalogue(), Lang.EN, report.submitted_at)))

    different = await _report(staffed, what=f"{SECRET}. It happened again last night.")
    assert len(await MemoryConcernReports(staffed.store).list_all()) == 2
    assert "It went to Gareth Hughes" in text_of(different.card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_the_same_words_on_a_second_form_after_the_first_report_was_closed_that_day_are_not_sent_again(
        staffed: BotInMemory, lang: Lang) -> None:
    """Carys opened the form on her laptop and her phone and sent it from the laptop; Gareth closed it that afternoon;
    the phone's form, still open, is sent with the same words. Nothing more reaches Gareth: she sees the closed report,
    with its Not resolved, and is told why, in her language; other words are a new report as ever. Before, it was a
    second report, the same words to the line manager who had just closed them. Nothing of it shows in a group."""
    laptop = await staffed.says(CARYS, "report a concern", lang=lang)
    phone = await staffed.says(CARYS, "report a concern", lang=lang)
    await staffed.clicks(CARYS, "concern.submit", {**verb_data(laptop.card or {}, "concern.submit"), "what": SECRET},
                         lang=lang)
    report = await _only_report(staffed)
    await staffed.clicks(GARETH, "concern.close", {"ref": report.reference, "outcome": "Spoke to Dafydd"})
    before = len(await staffed.cards_for(GARETH))

    in_group = await staffed.clicks(CARYS, "concern.submit", {**verb_data(phone.card or {}, "concern.submit"),
                                                              "what": SECRET}, lang=lang, scope=Scope.GROUP)
    again = await staffed.clicks(CARYS, "concern.submit", {**verb_data(phone.card or {}, "concern.submit"),
                                                           "what": SECRET}, lang=lang)

    assert SECRET not in text_of(in_group.card) and report.reference not in text_of(in_group.card)
    assert await MemoryConcernReports(staffed.store).list_all() == [await _only_report(staffed)]
    assert len(await staffed.cards_for(GARETH)) == before
    strings = load_catalogue()
    assert _says(again.card, strings.text("concern.sent_already_closed", lang, ref=report.reference,
                                          when=on_day(strings, lang, report.submitted_at)))
    assert "concern.reopen" in text_of(again.card) and report.reference in text_of(again.card)
    assert again.card is not None and again.card.get("fallbackText") == strings.text("notify.private", lang)
    different = await _report(staffed, what=f"{SECRET}. It happened again last night.")
    assert "It went to Gareth Hughes" in text_of(different.card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_the_same_words_sent_on_two_forms_at_the_same_moment_are_one_report(staffed: BotInMemory,
                                                                                   lang: Lang) -> None:
    """Carys opened the form on her laptop and her phone, wrote the same words on both and pressed Send on both at
    once: one report, one card for Gareth Hughes, and the other press says the words are being sent from her other
    form. Before, both were sent (each looked for the other before either was stored)."""
    laptop = await staffed.says(CARYS, "report a concern", lang=lang)
    phone = await staffed.says(CARYS, "report a concern", lang=lang)

    replies = await asyncio.gather(*(staffed.clicks(CARYS, "concern.submit", {
        **verb_data(form.card or {}, "concern.submit"), "what": SECRET}, lang=lang) for form in (laptop, phone)))

    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert len(await staffed.cards_for(GARETH)) == 1
    strings = load_catalogue()
    other = [r for r in replies if report.reference not in text_of(r.card)]
    assert all(_says(r.card, strings.text("concern.sending_elsewhere", lang)) for r in other)
    assert all(SECRET in text_of(r.card) for r in other), "what she wrote is kept on the form"

    later = await _report(staffed, what=SECRET)  # and once it is stored, the form shows that report, as before
    assert report.reference in text_of(later.card)
    assert len(await MemoryConcernReports(staffed.store).list_all()) == 1


async def test_a_title_without_a_name_is_the_colleague_picked_and_goes_to_the_line_manager(
        staffed: BotInMemory) -> None:
    """Carys picked Owain Pritchard from the staff list and wrote "Sir": Sir is Owain, and the report goes to her line
    manager, as the policy asks."""
    receipt = await _report(staffed, what="Sir keeps sending me messages late at night",
                            about=OWAIN.aad_object_id)

    assert _shows(await staffed.cards_for(GARETH), "Sir keeps") and await staffed.cards_for(SIAN) == []
    assert "It went to Gareth Hughes" in text_of(receipt.card)


async def test_a_post_someone_else_holds_still_goes_one_step_up_when_the_list_has_no_title_for_the_line_manager(
        staffed: BotInMemory) -> None:
    """Nia Lloyd is Wellbeing Lead, but the office left Gareth's title blank: he may be a wellbeing lead too, so the
    staff list cannot tell, and the report goes one step up."""
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"]).staff
    untitled = [replace(m, role="") if m.email == GARETH_EMAIL else m for m in staff]
    await MemoryStaffDirectory(staffed.store).replace_all([*untitled, NIA])

    form = await staffed.says(CARYS, "report a concern")
    await _sent_after_asking(staffed, CARYS, form, "The wellbeing lead keeps sending me messages late at night")

    assert await staffed.cards_for(GARETH) == []
    assert (await _only_report(staffed)).route is Route.MANAGER_POST_UNCLEAR


async def test_a_report_sent_on_the_welsh_form_brings_its_news_in_welsh_whatever_teams_is_set_to(
        staffed: BotInMemory) -> None:
    """Carys's Teams is in English and she never chose a language; she typed "codi pryder" and sent the Welsh form.
    Before, its receipt was Welsh but everything after it (acknowledged, passed on, closed) came in English, the
    language the bot writes to her in unprompted; a question's reply and a permission request's news have long come in
    the language they were asked in, and now a report's do too. Gareth, who reads English, still gets his in English."""
    form = await staffed.says(CARYS, "codi pryder", lang=Lang.CY)
    values = {"what": SECRET, "since": "Medi", "where": "Teams", "who": "", "evidence": "", "meeting": "false",
              "urgent": "false"}
    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), **values},
                         lang=Lang.CY)
    [holder_card] = await staffed.cards_for(GARETH)
    await staffed.clicks(GARETH, "concern.acknowledge", verb_data(holder_card, "concern.acknowledge"))
    await staffed.clicks(GARETH, "concern.close", {**verb_data(holder_card, "concern.close"),
                                                   "outcome": "Spoke to Dafydd", "share_outcome": "true"})

    strings = load_catalogue()
    acknowledged, closed = await staffed.cards_for(CARYS)
    assert strings.text("concern.acknowledged_body", Lang.CY, name="Gareth Hughes") in text_of(acknowledged)
    assert strings.text("concern.reopen", Lang.CY) in text_of(closed)
    assert strings.text("concern.acknowledge", Lang.EN) in text_of(holder_card)
    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert report.lang is Lang.CY


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_an_outcome_or_note_too_long_for_its_box_changes_nothing_and_comes_back_to_shorten(
        staffed: BotInMemory, lang: Lang) -> None:
    """The outcome box takes 500 characters and the notes 1,000; a client that ignores a box's maxLength (Adaptive
    Cards lets one) or a forged press sent more, and the report was closed, passed up or sent back with the words cut
    off where the limit fell, mid-sentence, nobody told. Now nothing changes, and the card says why, with the words in
    the box to shorten."""
    strings = load_catalogue()
    await _report(staffed)
    [held] = await staffed.cards_for(GARETH)
    outcome, note = "Spoke to Dafydd. " * 40, "Please take this on. " * 60  # 680 and 1,260 characters

    closing = await staffed.clicks(GARETH, "concern.close", {**verb_data(held, "concern.close"), "outcome": outcome,
                                                             "share_outcome": "true"}, lang=lang)
    escalating = await staffed.clicks(GARETH, "concern.escalate", {**verb_data(held, "concern.escalate"),
                                                                   "note": note}, lang=lang)
    after_those = await _only_report(staffed)
    await staffed.clicks(GARETH, "concern.close", {**verb_data(held, "concern.close"), "outcome": "Spoke to him."})
    closed = (await staffed.cards_for(CARYS))[-1]
    reopening = await staffed.clicks(CARYS, "concern.reopen", {**verb_data(closed, "concern.reopen"), "note": note},
                                     lang=lang)

    report = await _only_report(staffed)
    assert (after_those.closed_at, after_those.level) == (None, 0)
    assert (report.reopened_at, report.level) == (None, 0)
    for reply, typed, limit in ((closing, outcome, 500), (escalating, note, 1000), (reopening, note, 1000)):
        assert strings.text("concern.too_long_for_box", lang, length=len(typed.strip()), limit=limit) \
            in text_of(reply.card)
        assert [i.get("value") for i in inputs(reply.card) if i["id"] in ("outcome", "note")] == [typed.strip()]


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_report_box_too_long_is_told_so_at_that_box(staffed: BotInMemory, lang: Lang) -> None:
    """A reporter's "Where it happened" sent over its 300 characters (a client that ignores maxLength): the form came
    back with "That is too long for this form" at its foot, under the tick boxes, naming no box, so neither she nor a
    screen reader at the box knew which one to shorten. It is said in that box's label, with how long it is and the
    most it takes; the other boxes say nothing, and nothing is sent."""
    strings = load_catalogue()
    where = "In the staff room and on the Year 9 Teams chat, " * 8  # 384 characters
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    again = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                           "what": SECRET, "where": where}, lang=lang)

    boxes = {box["id"]: box for box in inputs(again.card)}
    said = strings.text("concern.too_long", lang, length=len(where.strip()), limit=300)
    assert boxes["where"]["label"] == f'{strings.text("concern.field.where", lang)} — {said}'
    assert [name for name, box in boxes.items() if " — " in str(box.get("label", ""))] == ["where"]
    rest = [element for element in (again.card or {}).get("body", []) if element.get("id") != "where"]
    assert said not in text_of({"body": rest})
    assert await MemoryConcernReports(staffed.store).list_all() == []


@pytest.mark.parametrize("field", ["since", "where", "who", "evidence"])
async def test_every_typed_field_is_checked_for_the_managers_name(staffed: BotInMemory, field: str) -> None:
    await _report(staffed, **{field: "mr HUGHES"})

    assert await staffed.cards_for(GARETH) == [], "something about the report reached Gareth"
    assert _shows(await staffed.cards_for(SIAN), SECRET)


async def test_choosing_the_line_manager_from_the_staff_list_sends_it_to_the_head(staffed: BotInMemory) -> None:
    receipt = await _report(staffed, about="gareth.hughes@llanidloes.example.cymru")

    assert await staffed.cards_for(GARETH) == []
    assert _shows(await staffed.cards_for(SIAN), SECRET)
    assert "It went to Mrs Siân Roberts" in text_of(receipt.card)


async def test_saying_it_involves_the_line_manager_sends_it_to_the_head(staffed: BotInMemory) -> None:
    await _report(staffed, involves_manager="true", about="rather_not_say")

    assert await staffed.cards_for(GARETH) == []
    assert _shows(await staffed.cards_for(SIAN), SECRET)


async def test_a_report_about_the_head_goes_to_the_chair_never_to_her(staffed: BotInMemory) -> None:
    # Gareth's line manager is the headteacher: a report naming her goes straight to the chair of governors.
    receipt = await _report(staffed, GARETH, what="Siân keeps posting about my teaching in the staff group chat")

    assert await staffed.cards_for(SIAN) == [], "the report reached the headteacher it is about"
    assert _shows(await staffed.cards_for(CHAIR), "staff group chat")
    assert "Mr Huw Davies" in text_of(receipt.card)


async def test_a_report_naming_everyone_it_could_go_to_is_not_sent_and_says_so(staffed: BotInMemory) -> None:
    answer = await _report(staffed, GARETH, what="Mrs Roberts and Mr Davies both message me")

    assert await staffed.cards_for(SIAN) == [] and await staffed.cards_for(CHAIR) == []
    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert "has not been sent" in text_of(answer.card)


def _with_no_chair() -> Federation:
    """Settings the office has not yet given a chair of governors (check-federation warns, but the bot runs)."""
    raw = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
    del raw["chair_of_governors"]
    return parse_federation(raw)


def _restarted(bot: BotInMemory, federation: Federation) -> BotInMemory:
    """The bot started again on the records it kept, with these settings."""
    in_force = PolicyInForce(fixture_policy(), NoIndex())
    return open_bot(load_catalogue(), federation, lambda: in_force, store=bot.store)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_headteacher_with_no_chair_named_is_told_that_and_not_that_her_report_names_everyone(
        bot: BotInMemory, lang: Lang) -> None:
    """Before, Siân opening the form was told, before typing a word, that her report named everyone it could go to."""
    no_chair = _restarted(bot, _with_no_chair())
    await no_chair.has_the_staff_list()
    await no_chair.meets(SIAN, GARETH)

    opened = await no_chair.says(SIAN, "report a concern", lang=lang)
    sent = await no_chair.clicks(SIAN, "concern.submit", {"form": "t0k3n-for-the-head", "what": SECRET}, lang=lang)

    strings = load_catalogue()
    for answer in (opened, sent):
        said = text_of(answer.card)
        assert strings.text("concern.nobody_body", lang) not in said
        assert strings.text("concern.no_chair_body", lang) in said
    assert await MemoryConcernReports(no_chair.store).list_all() == []
    assert await no_chair.cards_for(GARETH) == []


async def test_a_report_about_the_head_with_no_chair_named_says_there_is_no_chair_to_send_it_to(
        bot: BotInMemory) -> None:
    """Owain (no line manager on the list) reports the headteacher; the settings name no chair of governors."""
    no_chair = _restarted(bot, _with_no_chair())
    await no_chair.meets(OWAIN, SIAN)

    answer = await _report(no_chair, OWAIN, who="Mrs Siân Roberts")

    assert "is named in it or is you" not in text_of(answer.card)
    assert "name no chair of governors" in text_of(answer.card)
    assert await no_chair.cards_for(SIAN) == []


@pytest.mark.parametrize(("lang", "what", "words"), [
    (Lang.EN, "My line manager keeps sending me messages late at night", "My line manager"),
    (Lang.CY, "Mae fy rheolwr llinell yn anfon negeseuon cas ataf bob nos", "fy rheolwr llinell"),
])
async def test_a_report_about_my_line_manager_from_someone_whose_line_manager_nobody_knows_passes_the_head_over(
        bot: BotInMemory, lang: Lang, what: str, words: str) -> None:
    """Neither Graph nor a staff list names Owain's line manager, so a report goes to the headteacher, who in a small
    school may be his line manager: one about "my line manager" passes her over for the chair of governors, and the
    receipt says why. Before, it went to the headteacher it may be about."""
    await bot.meets(OWAIN, SIAN, CHAIR)
    form = await bot.says(OWAIN, "report a concern", lang=lang)

    receipt = await _sent_after_asking(bot, OWAIN, form, what, lang=lang)

    assert await bot.cards_for(SIAN) == [], "the report reached the headteacher who may be his line manager"
    assert _shows(await bot.cards_for(CHAIR), what)
    assert _says(receipt.card, load_catalogue().text("concern.why.head_may_be_manager", lang, words=words,
                                                     head="Mrs Siân Roberts", name="Mr Huw Davies"))


async def test_a_report_from_someone_whose_line_manager_nobody_knows_still_goes_to_the_head(bot: BotInMemory) -> None:
    await bot.meets(OWAIN, SIAN, CHAIR)

    receipt = await _report(bot, OWAIN)

    assert _shows(await bot.cards_for(SIAN), SECRET) and await bot.cards_for(CHAIR) == []
    assert "I couldn't find your line manager" in text_of(receipt.card)


async def test_colleagues_sharing_the_heads_and_chairs_first_names_do_not_stop_a_report_to_the_line_manager(
        staffed: BotInMemory) -> None:
    await staffed.meets(CHAIR)
    what = "Siân Evans from the office and Huw Jones in maths keep posting about me in the staff WhatsApp group"

    receipt = await _report(staffed, what=what)

    assert "has not been sent" not in text_of(receipt.card), "dropped though her line manager is named nowhere"
    assert "It went to Gareth Hughes." in text_of(receipt.card)
    assert _shows(await staffed.cards_for(GARETH), what)
    assert await staffed.cards_for(SIAN) == [] and await staffed.cards_for(CHAIR) == []


def _gareth_acting_head() -> Federation:
    """The settings while Mrs Roberts is on long-term leave: Gareth Hughes is acting headteacher of the high school."""
    raw = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
    raw["schools"][0]["headteacher"] = {"aad_object_id": GARETH.aad_object_id, "name": "Gareth Hughes",
                                        "email": "gareth.hughes@llanidloes.example.cymru"}
    return parse_federation(raw)


async def test_a_report_involving_the_line_manager_never_reaches_him_after_he_becomes_acting_head(
        staffed: BotInMemory) -> None:
    await staffed.meets(CHAIR)
    await _report(staffed, involves_manager="true", about="rather_not_say")
    filed = await _only_report(staffed)
    assert filed.holder.aad_object_id == SIAN.aad_object_id
    # The office's next list gives Carys a new line manager, Ffion Morgan.
    csv = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    staff = read_staff_csv(csv.replace(",gareth.hughes@llanidloes.example.cymru,a1000000-0000-4000-8000-000000000001",
                                       ",ffion.morgan@llanidloes.example.cymru,a1000000-0000-4000-8000-000000000001"),
                           schools=["high", "primary"])
    assert not staff.problems
    await MemoryStaffDirectory(staffed.store).replace_all(staff.staff)

    await _concerns(staffed, federation=_gareth_acting_head(),
                    clock=_stopped_at(filed.submitted_at + timedelta(hours=1))).check_reports()

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id
    assert GARETH.aad_object_id not in [c.aad_object_id for c in report.chain]
    assert await staffed.cards_for(GARETH) == [], "the report reached the line manager it involves"


class GraphGives:
    """Graph as a Hwb tenant answers: Carys's line manager is `manager` (with an address the staff list does not
    have); nobody else's manager is known."""

    def __init__(self, manager: StaffContact) -> None:
        self._manager = manager

    async def line_manager_of(self, person: Person) -> StaffContact | None:
        """The manager, for Carys."""
        return self._manager if person.aad_object_id == CARYS.aad_object_id else None


HWB_GARETH = StaffContact(GARETH.aad_object_id, "Gareth Hughes", "HughesG42@hwbcymru.net")


def _concerns(bot: BotInMemory, *, managers: Sequence[LineManagers] = (),
              clock: Callable[[], datetime] = lambda: datetime.now(UTC),
              federation: Federation | None = None) -> ConcernFlow:
    """The concern flow on the bot's own stores, with line-manager sources before the staff list, a clock, and the
    federation's settings (the bot's own unless given)."""
    directory = MemoryStaffDirectory(bot.store)
    return ConcernFlow(strings=load_catalogue(), federation=federation or bot.federation,
                       reports=MemoryConcernReports(bot.store),
                       directory=directory, managers=[*managers, directory],
                       notifier=QueueingNotifier(MemoryOutbox(bot.store)), profiles=MemoryUserProfiles(bot.store),
                       limiter=MemoryRateLimiter(bot.store), report_limit=5, escalation_limit=10, clock=clock)


def _stopped_at(moment: datetime) -> Callable[[], datetime]:
    """A clock that always says `moment`."""
    return lambda: moment


async def _only_report(bot: BotInMemory) -> ConcernReport:
    [report] = await MemoryConcernReports(bot.store).list_all()
    return report


async def _staff_list_without_ids(bot: BotInMemory, *more: StaffMember) -> None:
    """The office's list without object ids (the import allows it: "only Graph can find those people's managers")."""
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"]).staff
    await MemoryStaffDirectory(bot.store).replace_all([*(replace(m, aad_object_id="") for m in staff), *more])


async def _sent_from_its_form(flow: ConcernFlow, lang: Lang, values: dict[str, str]) -> Reply:
    """Carys sends `values` in the 1:1 chat on a form that says whom it goes to (`goes_to`), as a form opened now does:
    Send on one posted before forms said is sent back once, saying who now."""
    def turn(data: dict[str, str]) -> Turn:
        return Turn(actor=CARYS, lang=lang, scope=Scope.PERSONAL, verb="concern.submit", is_invoke=True, data=data)

    back = await flow.submit(turn(values))
    assert _says(back.card, load_catalogue().text("concern.goes_to_not_known", lang))
    return await flow.submit(turn({**verb_data(back.card or {}, "concern.submit"), **values}))


async def _report_about(bot: BotInMemory, graph: StaffContact, about: str, lang: Lang = Lang.EN) -> Reply:
    """Carys reports `about` in the 1:1 chat, Graph giving `graph` as her line manager."""
    return await _sent_from_its_form(_concerns(bot, managers=[GraphGives(graph)]), lang,
                                     {"what": SECRET, "about": about})


async def test_a_report_about_the_picked_line_manager_never_reaches_him_when_graph_knows_another_address(
        bot: BotInMemory) -> None:
    await _staff_list_without_ids(bot)
    await bot.meets(CARYS, GARETH, SIAN)

    receipt = await _report_about(bot, HWB_GARETH, "gareth.hughes@llanidloes.example.cymru")

    report = await _only_report(bot)
    assert GARETH.aad_object_id not in [c.aad_object_id for c in report.chain]
    assert await bot.cards_for(GARETH) == [], "the report reached the person it is about"
    assert _shows(await bot.cards_for(SIAN), SECRET)
    assert "It went to Mrs Siân Roberts." in text_of(receipt.card)
    assert "Gareth Hughes will not see it." in text_of(receipt.card)


async def test_a_report_graph_sent_to_the_line_manager_stays_with_him_when_the_list_has_no_object_ids(
        bot: BotInMemory) -> None:
    await _staff_list_without_ids(bot)
    await bot.meets(CARYS, GARETH, SIAN)
    await _report_about(bot, HWB_GARETH, About.SOMEONE_ELSE.value)
    filed = await _only_report(bot)
    assert filed.holder.aad_object_id == GARETH.aad_object_id

    await _concerns(bot, managers=[GraphGives(HWB_GARETH)],
                    clock=_stopped_at(filed.submitted_at + timedelta(minutes=15))).check_reports()

    assert (await _only_report(bot)).holder.aad_object_id == GARETH.aad_object_id, "passed on as if he had left"
    assert not _shows(await bot.cards_for(CARYS), "has left")
    assert not _shows(await bot.cards_for(SIAN), SECRET)


DAI = Person(CARYS.tenant_id, "a1000000-0000-4000-8000-0000000000d1", "David Jones")
# Dai Jones on the staff list, as Graph knows him: by his Entra (legal) name and a Hwb address.
HWB_DAI = StaffContact(DAI.aad_object_id, "David Jones", "JonesD42@hwbcymru.net")


async def test_a_report_about_dai_never_reaches_him_when_graph_calls_him_by_another_teachers_name(
        bot: BotInMemory) -> None:
    await _staff_list_without_ids(
        bot, StaffMember("Dai Jones", "dai.jones@llanidloes.example.cymru", "high", "Head of Science", ""),
        StaffMember("David Jones", "david.jones@llanidloes.example.cymru", "primary", "Year 5 Teacher", ""))
    await bot.meets(CARYS, DAI, SIAN)

    receipt = await _report_about(bot, HWB_DAI, "dai.jones@llanidloes.example.cymru")

    assert DAI.aad_object_id not in [c.aad_object_id for c in (await _only_report(bot)).chain]
    assert await bot.cards_for(DAI) == [], "the report reached the person it is about"
    assert "It went to Mrs Siân Roberts." in text_of(receipt.card)


RHIAN = Person(CARYS.tenant_id, "a1000000-0000-4000-8000-0000000000e1", "Mrs R Jones")
HWB_RHIAN = StaffContact(RHIAN.aad_object_id, RHIAN.name, "JonesR7@hwbcymru.net")


@pytest.mark.parametrize(("lang", "why"), [
    (Lang.EN, "I couldn't be sure your line manager isn't the colleague you picked, so it went to Mrs Siân Roberts"),
    (Lang.CY, "Allwn i ddim bod yn siŵr nad eich rheolwr llinell yw'r cydweithiwr a ddewisoch chi"),
])
async def test_a_manager_passed_over_for_sharing_a_surname_is_told_truly_on_the_receipt(
        bot: BotInMemory, lang: Lang, why: str) -> None:
    await _staff_list_without_ids(
        bot, StaffMember("Rhian Jones", "rhian.jones@llanidloes.example.cymru", "high", "Head of Geography", ""),
        StaffMember("Dafydd Jones", "dafydd.jones@llanidloes.example.cymru", "high", "Science", ""))
    await bot.meets(CARYS, SIAN, RHIAN)

    receipt = await _report_about(bot, HWB_RHIAN, "dafydd.jones@llanidloes.example.cymru", lang)

    assert (await _only_report(bot)).holder.aad_object_id == SIAN.aad_object_id
    assert why in text_of(receipt.card)
    assert "line manager, or names them" not in text_of(receipt.card)
    assert "neu'n ei enwi" not in text_of(receipt.card)


async def _escalated_by_gareth(bot: BotInMemory) -> None:
    await _report(bot)
    [card] = await bot.cards_for(GARETH)
    await bot.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": "please"})


def _button(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The data of the button with this title; fails when the card has none."""
    found = [a for a in actions(card) if a.get("title") == title]
    assert found, f"no {title!r} button on the card"
    return dict(found[0].get("data", {}))


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_holders_note_naming_the_next_person_up_asks_first_and_can_send_it_past_them(
        staffed: BotInMemory, lang: Lang) -> None:
    """Carys told Gareth that Mrs Roberts forwards the messages too; he escalates with a note saying so. The note is
    what the next person reads: he is asked first, and Send higher takes it past her to the chair of governors, who
    reads his note; she never sees it, nor when it moves on later. Before, a holder's note was not read, and the report
    went to the headteacher it named."""
    await staffed.meets(CHAIR)
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    note = "Carys tells me Mrs Roberts has been forwarding the messages to other staff"
    strings = load_catalogue()

    asked = await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": note},
                                 lang=lang)
    assert await staffed.cards_for(SIAN) == [] and (await _only_report(staffed)).level == 0
    assert strings.text("concern.note_names_next", lang, named="Mrs Siân Roberts",
                        after="Mr Huw Davies") in text_of(asked.card)
    assert note in text_of(asked.card)  # the note stays in its box
    await staffed.clicks(GARETH, "concern.escalate", {**_button(asked.card or {}, strings.text(
        "concern.send_higher", lang)), "note": note}, lang=lang)
    await staffed.checks_reports()

    assert await staffed.cards_for(SIAN) == [], "the report reached the headteacher the holder's note names"
    assert _shows(await staffed.cards_for(CHAIR), note)
    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id
    assert SIAN.aad_object_id not in {c.aad_object_id for c in report.chain}


async def test_a_holders_note_greeting_the_next_person_up_is_sent_to_them_when_he_says_so(
        staffed: BotInMemory) -> None:
    """A note written to the next person ("Siân, can you take this one?") names her too: Gareth is asked, and Escalate
    anyway sends it to her, as before."""
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    note = "Siân, can you take this one? I am too close to it."

    asked = await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": note})
    await staffed.clicks(GARETH, "concern.escalate", {**_button(asked.card or {}, "Escalate anyway"), "note": note})

    assert _shows(await staffed.cards_for(SIAN), note)
    assert (await _only_report(staffed)).holder.aad_object_id == SIAN.aad_object_id


@pytest.mark.parametrize(("lang", "typed"), [(Lang.EN, "my reports"), (Lang.CY, "fy adroddiadau")])
async def test_my_reports_of_a_line_manager_holding_reports_says_where_those_are(
        staffed: BotInMemory, lang: Lang, typed: str) -> None:
    """Gareth has Carys's report waiting for him and types "my reports", as a busy line manager would: his list (of
    the reports he sent: none) says that reports sent to him are under "reports for me", with a button to them, which
    lists Carys's. Before, it said only "You haven't sent any reports" with a button to report a concern, as if the
    report he was sent had gone. Carys, who holds none, is told nothing of it."""
    await _report(staffed)
    strings = load_catalogue()

    mine = await staffed.says(GARETH, typed, lang=lang)
    pressed = await staffed.clicks(GARETH, "concern.held", verb_data(mine.card or {}, "concern.held"), lang=lang)
    hers = await staffed.says(CARYS, typed, lang=lang)

    assert _says(mine.card, strings.text("concern.mine_held", lang))
    assert strings.text("concern.held_title", lang) in text_of(pressed.card)
    assert reference_in(hers.card or {}) in text_of(pressed.card)
    assert not _says(hers.card, strings.text("concern.mine_held", lang)) and "concern.held" not in text_of(hers.card)


@pytest.mark.parametrize(("lang", "typed"), [(Lang.EN, "reports for me"), (Lang.CY, "adroddiadau i mi")])
async def test_reports_for_me_says_whose_each_report_is_to_its_holder_alone(staffed: BotInMemory, lang: Lang,
                                                                          typed: str) -> None:
    """Gareth holds Carys's report: his "reports for me" says it is from her, as his card of it does, so a line manager
    holding several knows which is whose without opening each. Nobody else's list says so, and typed in a group chat
    the list comes to his own chat, the group and the lock screen showing nothing of it. Before, each entry was only a
    reference, a date and a state."""
    await _report(staffed)
    strings = load_catalogue()
    sender = strings.text("concern.held_from", lang, name="Carys Jenkins")

    held = await staffed.says(GARETH, typed, lang=lang)
    hers = await staffed.says(SIAN, typed, lang=lang)
    in_group = await staffed.says(GARETH, typed, lang=lang, scope=Scope.GROUP)

    assert _says(held.card, sender) and reference_in(held.card or {}) in text_of(held.card)
    assert "Carys" not in text_of(hers.card)
    assert "Carys" not in text_of(in_group.card)
    [private] = [m for m in await MemoryOutbox(staffed.store).list_for_recipient(GARETH) if _says(m.card, sender)]
    assert private.preview == strings.text("notify.private", lang) and "Carys" not in private.preview


@pytest.mark.parametrize(("lang", "typed"), [(Lang.EN, "I want to withdraw my report"),
                                           (Lang.CY, "Dw i eisiau tynnu fy adroddiad yn ôl"),
                                           (Lang.CY, "canslo fy adroddiad"),
                                           (Lang.CY, "Dw i eisiau tynnu fy mhryder yn ôl"),
                                           (Lang.CY, "canslo fy mhryder")])
async def test_withdraw_my_report_typed_changes_nothing_and_is_never_kept_for_the_heads_review(
        staffed: BotInMemory, lang: Lang, typed: str) -> None:
    """Carys has second thoughts and types that she wants to withdraw her report, from an English Teams: she gets her
    list of reports in the language she typed, saying a report can't be withdrawn once sent and how to ask that it go
    no further (Show, then Add to report). Nothing of the report changes, nobody is sent anything, and nothing is asked
    of the policy; typed in a group chat, the list comes to her own chat and the group hears nothing of it. Before, it
    was asked of the policy: a quote that "any breaches of this policy will be fully investigated", or "not covered",
    and kept for the review of the headteacher, who may be the one her report is about (this bot fails a test that
    asks a question)."""
    await _report(staffed)
    report = await _only_report(staffed)
    before = {p.aad_object_id: await staffed.cards_for(p) for p in (GARETH, SIAN)}
    strings = load_catalogue()

    reply = await staffed.says(CARYS, typed, lang=Lang.EN)
    in_group = await staffed.says(CARYS, typed, lang=Lang.EN, scope=Scope.GROUP)

    assert _says(reply.card, strings.text("concern.typed_withdraw", lang))
    assert report.reference in text_of(reply.card) and SECRET not in text_of(reply.card)
    assert await _only_report(staffed) == report
    assert {p.aad_object_id: await staffed.cards_for(p) for p in (GARETH, SIAN)} == before
    assert report.reference not in text_of(in_group.card) and SECRET not in text_of(in_group.card)
    [private] = [m for m in await MemoryOutbox(staffed.store).list_for_recipient(CARYS)
                 if _says(m.card, strings.text("concern.typed_withdraw", lang))]
    assert private.preview == strings.text("notify.private", lang) and SECRET not in private.preview


@pytest.mark.parametrize(("lang", "typed"), [(Lang.EN, "withdraw my report"), (Lang.CY, "tynnu fy adroddiad yn ôl")])
async def test_withdraw_my_report_typed_by_the_person_it_is_about_or_by_anyone_else_shows_nothing_of_it(
        staffed: BotInMemory, lang: Lang, typed: str) -> None:
    """Safety review: Carys's report is about Gareth, her line manager (so it went to Siân). Gareth, guessing, types
    "withdraw my report" in his chat and in a group chat, and so does Owain, who has sent none: each gets his own list
    (none of his), in his own chat; nothing names her report, its reference or her words, the group hears only that
    something went to his chat, and nothing of the report changes nor is anyone sent anything else."""
    await staffed.meets(OWAIN)
    await _report(staffed, involves_manager="true")
    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id
    before = {p.aad_object_id: await staffed.cards_for(p) for p in (CARYS, SIAN)}

    for person in (GARETH, OWAIN):
        own = await staffed.says(person, typed, lang=lang)
        in_group = await staffed.says(person, typed, lang=lang, scope=Scope.GROUP)
        seen = json.dumps([own.card, in_group.card, *await staffed.cards_for(person)], ensure_ascii=False)
        assert report.reference not in seen and SECRET not in seen and "Carys" not in seen
        assert not re.search(r"C-[A-Z0-9]{6}", seen)
        assert _says(own.card, load_catalogue().text("concern.mine_empty", lang))

    assert await _only_report(staffed) == report
    assert {p.aad_object_id: await staffed.cards_for(p) for p in (CARYS, SIAN)} == before


@pytest.mark.parametrize(("lang", "typed"), [(Lang.EN, "{ref}"), (Lang.EN, "show {ref}"), (Lang.CY, "dangos {ref}"),
                                           (Lang.EN, "{lower}.")])
async def test_a_report_reference_typed_shows_the_report_to_those_who_may_see_it(
        staffed: BotInMemory, lang: Lang, typed: str) -> None:
    """Every card of a report gives its reference ("Quote C-4QX9TB if you talk to anyone about it"), and a busy line
    manager types it, as does its reporter: each gets their own card of it, as Show gives it; the headteacher, who has
    not been given it, gets what a made-up reference gets. Before, the reference was asked of the policy as a
    question (this bot fails a test that asks one)."""
    await _report(staffed)
    ref = reference_in((await staffed.cards_for(GARETH))[0])
    said = typed.format(ref=ref, lower=ref.lower())

    managers = await staffed.says(GARETH, said, lang=lang)
    reporters = await staffed.says(CARYS, said, lang=lang)
    strangers = await staffed.says(SIAN, said, lang=lang)
    made_up = await staffed.says(SIAN, typed.format(ref="C-ZZZZZZ", lower="c-zzzzzz"), lang=lang)

    strings = load_catalogue()
    assert SECRET in text_of(managers.card) and "concern.acknowledge" in text_of(managers.card)
    assert strings.text("concern.yours_title", lang, ref=ref) in text_of(reporters.card)
    # Her own words, to check what she sent (before, her view never showed them); nobody else's view of it.
    assert SECRET in text_of(reporters.card) and SECRET not in text_of(strangers.card)
    assert strangers.card == made_up.card and strings.text("error.not_found", lang) in text_of(strangers.card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_each_note_on_a_report_says_who_wrote_it(staffed: BotInMemory, lang: Lang) -> None:
    """Gareth passes Carys's report to Siân with a note, Siân closes it with an outcome, and Carys says it isn't
    resolved: the chair of governors reads both, each under the name of whoever wrote it. Before, they were "Note from
    the person who passed it on" and "Outcome recorded when it was closed", and the chair could not tell whether the
    line manager or the headteacher had written either."""
    await staffed.meets(CHAIR)
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(CHAIR, language=lang, conversation_ref="{}"))
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    ref = verb_data(card, "concern.escalate")
    await staffed.clicks(GARETH, "concern.escalate", {**ref, "note": "I teach with Dafydd: I should not handle this."})
    await staffed.clicks(SIAN, "concern.close", {**ref, "outcome": "Spoke to Dafydd.", "share_outcome": "false"})
    await staffed.clicks(CARYS, "concern.reopen", {**ref, "note": "It is still happening."})

    [chairs] = await staffed.cards_for(CHAIR)
    report = await _only_report(staffed)
    strings = load_catalogue()
    for kind, name, moment in (("escalation", "Gareth Hughes", report.notes[0].at),
                               ("outcome", "Mrs Siân Roberts", report.notes[1].at)):
        assert _says(chairs, strings.text(f"concern.note.{kind}", lang, name=name, when=when(moment))), kind
    assert "Gareth Hughes" in strings.text("concern.note.escalation", lang, name="Gareth Hughes", when="")
    assert "Mrs Siân Roberts" in strings.text("concern.note.outcome", lang, name="Mrs Siân Roberts", when="")


async def test_a_holders_note_naming_someone_further_up_keeps_the_report_from_them_when_it_moves_on(
        staffed: BotInMemory) -> None:
    """Gareth's note says the chair of governors is involved; it goes to the head, who is not named, at once. When it
    moves on (the head escalates it, or the reminder task would), the chair is passed over as if the report named him:
    Siân is told there is nobody after her. Before, the reminder task and her Escalate sent it to him."""
    await staffed.meets(CHAIR)
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    note = "Mr Davies has been sharing the screenshots in the governors' group chat"

    await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": note})
    [head_card] = await staffed.cards_for(SIAN)
    pressed = await staffed.clicks(SIAN, "concern.escalate", {"ref": verb_data(head_card, "concern.acknowledge")["ref"],
                                                              "note": ""})
    report = await _only_report(staffed)
    for day in range(1, 15):
        await _concerns(staffed, clock=_stopped_at(report.submitted_at + timedelta(days=day))).check_reports()

    assert _shows(await staffed.cards_for(SIAN), note)
    assert await staffed.cards_for(CHAIR) == [], "the report reached the chair the holder's note names"
    assert (await _only_report(staffed)).holder.aad_object_id == SIAN.aad_object_id
    assert "escalate it to" not in text_of(pressed.card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_the_heads_card_of_a_report_passed_up_to_her_does_not_say_the_reporter_sent_it_to_her(
        staffed: BotInMemory, lang: Lang) -> None:
    """Gareth passes Carys's report up: the head's card, titled "passed on to you", says Carys sent it and that it was
    passed on to her. Before, it said "Carys Jenkins has sent you this report", as if it had come to her first."""
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(
        person=SIAN, language=lang, conversation_ref='{"user": "Mrs Siân Roberts"}'))
    await _escalated_by_gareth(staffed)

    [card] = await staffed.cards_for(SIAN)

    strings = load_catalogue()
    assert _says(card, strings.text("concern.holder_intro_passed.colleague", lang, name="Carys Jenkins"))
    assert not _says(card, strings.text("concern.holder_intro.colleague", lang, name="Carys Jenkins"))


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_the_heads_card_of_a_report_the_reminder_passed_up_says_the_line_manager_did_not_acknowledge_it(
        staffed: BotInMemory, lang: Lang) -> None:
    """Gareth neither acknowledges Carys's report nor acts on his reminder, so the reminder task passes it up: the
    head's card says why it came to her, in her language; a report Gareth passed up himself says nothing of the kind.
    The card shows in her own chat only, its lock-screen line naming nobody. Before, her card did not say why."""
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(
        person=SIAN, language=lang, conversation_ref='{"user": "Mrs Siân Roberts"}'))
    await _report(staffed)
    sent = (await _only_report(staffed)).submitted_at
    for day in range(1, 15):
        await _concerns(staffed, clock=_stopped_at(sent + timedelta(days=day))).check_reports()
        if (await _only_report(staffed)).level == 1:
            break
    strings = load_catalogue()
    why = strings.text("concern.holder_passed_up", lang, name="Gareth Hughes")

    [message] = await MemoryOutbox(staffed.store).list_for_recipient(SIAN)
    shown = await staffed.clicks(SIAN, "concern.show", {"ref": (await _only_report(staffed)).reference}, lang=lang)

    assert _says(message.card, why) and _says(shown.card, why)
    assert message.preview == strings.text("notify.private", lang)
    gareths = [text_of(c) for c in await staffed.cards_for(GARETH)]
    # In either language: his cards are in his, not the head's.
    for either in Lang:
        told = strings.text("concern.holder_passed_up", either, name="Gareth Hughes")
        assert not any(json.dumps(told, ensure_ascii=False)[1:-1] in said for said in gareths)


async def test_the_heads_card_of_a_report_the_line_manager_passed_up_says_nothing_of_a_reminder(
        staffed: BotInMemory) -> None:
    await _escalated_by_gareth(staffed)

    [card] = await staffed.cards_for(SIAN)

    assert not _says(card, load_catalogue().text("concern.holder_passed_up", Lang.EN, name="Gareth Hughes"))


async def test_an_escalated_report_nobody_acknowledges_is_reminded_then_passed_to_the_chair(
        staffed: BotInMemory) -> None:
    await staffed.meets(CHAIR)
    await _escalated_by_gareth(staffed)
    escalated = await _only_report(staffed)
    assert escalated.escalated_at is not None
    days: list[str] = []

    for day in range(1, 15):  # every day for two weeks: four working days, whatever day and bank holidays
        moment = escalated.escalated_at + timedelta(days=day)
        await _concerns(staffed, clock=_stopped_at(moment)).check_reports()
        days.append(f"{(await _only_report(staffed)).level}")

    reminders = [c for c in await staffed.cards_for(SIAN) if "Reminder" in text_of(c)]
    assert len(reminders) == 1 and SECRET in text_of(reminders[0])
    assert (await _only_report(staffed)).holder.aad_object_id == CHAIR.aad_object_id
    assert _shows(await staffed.cards_for(CHAIR), SECRET)
    assert days[0] == "1" and days[-1] == "2"


async def test_a_report_sent_at_night_is_reminded_next_school_morning_and_passed_up_after_one_night_at_most(
        strings: Catalogue, federation: Federation) -> None:
    """Carys reported at 22:00 on a Monday. Before, Gareth's reminder came at 22:00 on the Wednesday and the report
    passed up to Siân at 22:00 on the Friday, the weekend's edge. The deadlines are as before (the report is Siân's
    from 22:00 on Friday, as her receipt said), but the reminder waits for Thursday's school hours (08:00 UK time) and
    the passing up, a safety matter, waits one night only: Saturday 08:00, not Monday."""
    clock = Clock(datetime(2026, 11, 2, 22, 0, tzinfo=UTC))  # Monday 2 November, 22:00 GMT
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    await _report(bot)
    assert _shows(await bot.cards_going_to(GARETH, clock.now), SECRET)  # her report reached him at once

    def reminders(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [c for c in cards if "Reminder" in text_of(c)]

    clock.now = datetime(2026, 11, 4, 22, 0, tzinfo=UTC)  # two working days on: Wednesday 22:00
    assert await bot.checks_reports() == 1
    assert (await _only_report(bot)).reminded_at == clock.now  # reminded as due
    for moment in (clock.now, datetime(2026, 11, 5, 7, 59, tzinfo=UTC)):
        assert reminders(await bot.cards_going_to(GARETH, moment)) == []
    assert len(reminders(await bot.cards_going_to(GARETH, datetime(2026, 11, 5, 8, 0, tzinfo=UTC)))) == 1

    clock.now = datetime(2026, 11, 6, 22, 0, tzinfo=UTC)  # two more: Friday 22:00
    assert await bot.checks_reports() == 1
    assert (await _only_report(bot)).holder.aad_object_id == SIAN.aad_object_id  # hers from now, as due
    for moment in (clock.now, datetime(2026, 11, 7, 7, 59, tzinfo=UTC)):
        assert not _shows(await bot.cards_going_to(SIAN, moment), SECRET)
    assert _shows(await bot.cards_going_to(SIAN, datetime(2026, 11, 7, 8, 0, tzinfo=UTC)), SECRET)  # Saturday 08:00


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_receipt_and_the_reminder_of_a_report_sent_at_night_say_the_hour_it_really_reaches_the_head(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Carys sent her report at 21:00 on Monday 2 November. Her receipt said it goes on to Siân "on Friday 6 November"
    and Gareth's reminder (at 21:00 on the Wednesday, reaching him at 08:00 on the Thursday) said the same; but passed
    up at 21:00 on the Friday, it reaches Siân at 08:00 on the Saturday (a safety matter waits one night at most). Both
    now say so, in the reader's language: "at 08:00 on Saturday 7 November"."""
    clock = Clock(datetime(2026, 11, 2, 21, 0, tzinfo=UTC))  # Monday 2 November, 21:00 GMT
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN)
    await MemoryUserProfiles(bot.store).save_profile(UserProfile(person=GARETH, conversation_ref='{"user": "G"}',
                                                                 language=lang))
    form = await bot.says(CARYS, "report a concern", lang=lang)
    receipt = await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                         "what": SECRET}, lang=lang)
    clock.now = datetime(2026, 11, 4, 21, 0, tzinfo=UTC)
    assert await bot.checks_reports() == 1
    title = strings.text("concern.reminder_title", lang).split("{")[0]
    [reminder] = [c for c in await bot.cards_going_to(GARETH, datetime(2026, 11, 5, 8, 0, tzinfo=UTC))
                  if title in text_of(c)]

    saturday = datetime(2026, 11, 7, 8, 0, tzinfo=UTC)
    said = strings.text("date.at_on_day", lang, when="08:00", on_day=on_day(strings, lang, saturday))
    assert said == {Lang.EN: "at 08:00 on Saturday 7 November", Lang.CY: "am 08:00 ddydd Sadwrn 7 Tachwedd"}[lang]
    assert strings.text("concern.receipt_unacknowledged", lang, holder="Gareth Hughes", name="Mrs Siân Roberts",
                        on_day=said) in text_of(receipt.card)
    assert strings.text("concern.reminder_body", lang, name="Mrs Siân Roberts", on_day=said) in text_of(reminder)
    clock.now = datetime(2026, 11, 6, 21, 0, tzinfo=UTC)
    assert await bot.checks_reports() == 1
    assert not _shows(await bot.cards_going_to(SIAN, saturday - timedelta(minutes=1)), SECRET)
    assert _shows(await bot.cards_going_to(SIAN, saturday), SECRET)


@pytest.mark.parametrize(("lang", "zone", "said"), [
    (Lang.EN, "America/New_York", "at 08:00 UK time on Saturday 7 November"),
    (Lang.CY, "America/New_York", "am 08:00 amser y DU ddydd Sadwrn 7 Tachwedd"),
    (Lang.EN, "Europe/London", "at 08:00 on Saturday 7 November"),
    (Lang.EN, "", "at 08:00 on Saturday 7 November"),  # Teams said no zone
])
async def test_the_receipt_read_in_another_time_zone_says_the_hour_it_reaches_the_head_is_uk_time(
        strings: Catalogue, federation: Federation, lang: Lang, zone: str, said: str) -> None:
    """Carys, on a course in New York, sends her report at 21:00 UK time on Monday 2 November: the receipt said it
    reaches Siân "at 08:00 on Saturday 7 November", which she read as 08:00 in New York, five hours after it had. Teams
    gives her time zone (clientInfo's localTimezone): where its clocks show another hour, it says UK time."""
    clock = Clock(datetime(2026, 11, 2, 21, 0, tzinfo=UTC))  # Monday 2 November, 21:00 GMT
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    form = await bot.says(CARYS, "report a concern", lang=lang)

    receipt = await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                         "what": SECRET}, lang=lang, time_zone=zone)

    assert strings.text("concern.receipt_unacknowledged", lang, holder="Gareth Hughes", name="Mrs Siân Roberts",
                        on_day=said) in text_of(receipt.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_receipt_of_a_report_sent_in_school_hours_says_only_the_day_it_moves_on(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Sent at 10:00 on Monday 2 November, it moves on at 10:00 on Friday 6 November, in school hours: the receipt
    says the day, as before."""
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    form = await bot.says(CARYS, "report a concern", lang=lang)
    receipt = await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                         "what": SECRET}, lang=lang)

    friday = on_day(strings, lang, datetime(2026, 11, 6, 10, 0, tzinfo=UTC))
    assert strings.text("concern.receipt_unacknowledged", lang, holder="Gareth Hughes", name="Mrs Siân Roberts",
                        on_day=friday) in text_of(receipt.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_reminder_waiting_for_the_morning_never_reaches_a_line_manager_who_acknowledged_in_the_night(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Gareth's reminder, due at 22:00 on the Wednesday, waits for 08:00 on the Thursday; he read Teams at 23:00 and
    acknowledged the report. The reminder would have asked him in the morning to acknowledge what he had (in his
    language), so it is taken back: he acknowledged it, and Carys was told so at once."""
    clock = Clock(datetime(2026, 11, 2, 22, 0, tzinfo=UTC))  # Monday 2 November, 22:00 GMT
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    await _report(bot)
    [holder_card] = await bot.cards_for(GARETH)
    clock.now = datetime(2026, 11, 4, 22, 0, tzinfo=UTC)
    assert await bot.checks_reports() == 1
    reminder = strings.text("concern.reminder_title", Lang.EN).split("{")[0]
    assert reminder and any(reminder in text_of(c) for c in await bot.cards_for(GARETH))

    clock.now = datetime(2026, 11, 4, 23, 0, tzinfo=UTC)
    await bot.clicks(GARETH, "concern.acknowledge", verb_data(holder_card, "concern.acknowledge"), lang=lang)

    morning = await bot.cards_going_to(GARETH, datetime(2026, 11, 5, 8, 0, tzinfo=UTC))
    assert not any(reminder in text_of(c) for c in morning)
    assert (await _only_report(bot)).state is ReportState.ACKNOWLEDGED
    assert await bot.cards_going_to(CARYS, clock.now)  # the reporter told at once


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_reminder_waiting_for_the_morning_never_reaches_a_head_who_acknowledged_a_report_passed_up_to_her(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Gareth passed Carys's report up to Siân at 22:00 on a Monday; her reminder, due at 22:00 on the Wednesday,
    waits for 08:00 on the Thursday, and she acknowledged the report at 23:00. Before, the reminder was taken back only
    for a report acknowledged before anyone passed it up (its state open), so Siân was still asked in the morning to
    acknowledge what she had."""
    clock = Clock(datetime(2026, 11, 2, 21, 0, tzinfo=UTC))  # Monday 2 November, 21:00 GMT
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    await _report(bot)
    [holder_card] = await bot.cards_for(GARETH)
    clock.now = datetime(2026, 11, 2, 22, 0, tzinfo=UTC)
    await bot.clicks(GARETH, "concern.escalate", {**verb_data(holder_card, "concern.escalate"), "note": ""})
    assert (await _only_report(bot)).state is ReportState.ESCALATED
    to_head = [c for c in await bot.cards_for(SIAN) if "concern.acknowledge" in text_of(c)]
    assert to_head
    clock.now = datetime(2026, 11, 4, 22, 0, tzinfo=UTC)
    assert await bot.checks_reports() == 1
    reminder = strings.text("concern.reminder_title", Lang.EN).split("{")[0]
    assert reminder and any(reminder in text_of(c) for c in await bot.cards_for(SIAN))

    clock.now = datetime(2026, 11, 4, 23, 0, tzinfo=UTC)
    await bot.clicks(SIAN, "concern.acknowledge", verb_data(to_head[-1], "concern.acknowledge"), lang=lang)

    assert (await _only_report(bot)).state is ReportState.ACKNOWLEDGED
    morning = await bot.cards_going_to(SIAN, datetime(2026, 11, 5, 8, 0, tzinfo=UTC))
    assert not any(reminder in text_of(c) for c in morning)


def _messages_and_undo_fail(fault: pytest.MonkeyPatch) -> None:
    """Storage goes away just after a change is saved: its messages can't be queued, nor the change undone."""
    real_save = MemoryConcernReports.save

    async def gone_after_the_save(reports: MemoryConcernReports, report: ConcernReport, action: str, actor: str, *,
                                  at: datetime) -> ConcernReport:
        if action.endswith("undone"):
            raise StorageUnavailable("injected: storage went away after the change was saved")
        return await real_save(reports, report, action, actor, at=at)

    async def outbox_gone(outbox: MemoryOutbox, messages: object) -> None:
        raise StorageUnavailable("injected: storage went away")

    fault.setattr(MemoryConcernReports, "save", gone_after_the_save)
    fault.setattr(MemoryOutbox, "enqueue", outbox_gone)


async def test_an_escalation_whose_messages_and_undo_both_fail_is_told_truly_and_reaches_the_head(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)

    with monkeypatch.context() as fault:
        _messages_and_undo_fail(fault)
        told = await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": "x"})
    # Storage is back; the task runs as it does every few minutes.
    await _concerns(staffed).check_reports()
    await _concerns(staffed).check_reports()

    assert "Passed to Mrs Siân Roberts" in text_of(told.card)
    assert "will send them on its own" in text_of(told.card) and "nothing was changed" not in text_of(told.card)
    assert len([c for c in await staffed.cards_for(SIAN) if SECRET in text_of(c)]) == 1
    assert (await _only_report(staffed)).owed == ""


def _the_note_to_the_reporter_fails(fault: pytest.MonkeyPatch, *, sender_takes: Person | None = None) -> None:
    """Storage refuses one write of an escalation, its note to the reporter; the other people's copies are stored
    (and, with `sender_takes`, that person's copy is taken by a sender at once, as a delivery pass may)."""
    real = MemoryOutbox.enqueue

    async def enqueue(outbox: MemoryOutbox, messages: Sequence[OutboundMessage]) -> list[OutboundMessage]:
        refused = [m for m in messages if m.message_id.endswith("|escalated-reporter")]
        stored = await real(outbox, [m for m in messages if m not in refused])
        if sender_takes is not None:
            for queued in await outbox.list_for_recipient(sender_takes):
                await outbox.claim(queued, datetime.now(UTC))
        if refused:
            raise StorageUnavailable("injected: storage refused one write")
        return stored

    fault.setattr(MemoryOutbox, "enqueue", enqueue)


async def _queued_ids(bot: BotInMemory, person: Person) -> list[str]:
    return [m.message_id.split("|", 1)[1] for m in await MemoryOutbox(bot.store).list_for_recipient(person)]


async def test_an_escalation_undone_by_a_storage_fault_reaches_nobody_and_can_be_pressed_again(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Gareth is told nothing was changed: Siân is not sent the report, nor Carys told it went up, nor his own card
    changed to say it was passed on."""
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    escalate = {**verb_data(card, "concern.escalate"), "note": "please"}

    with monkeypatch.context() as fault:
        _the_note_to_the_reporter_fails(fault)
        with pytest.raises(StorageUnavailable):  # the edge tells him "nothing was changed"
            await staffed.clicks(GARETH, "concern.escalate", escalate)
    undone = await _only_report(staffed)
    to_sian, to_carys, to_gareth = [await _queued_ids(staffed, p) for p in (SIAN, CARYS, GARETH)]
    again = await staffed.clicks(GARETH, "concern.escalate", escalate)

    assert (undone.state, undone.level, undone.owed) == (ReportState.OPEN, 0, "")
    assert (to_sian, to_carys, to_gareth) == ([], [], ["to-holder"])
    assert "Passed to Mrs Siân Roberts" in text_of(again.card)
    assert len([c for c in await staffed.cards_for(SIAN) if SECRET in text_of(c)]) == 1
    assert await _queued_ids(staffed, CARYS) == ["escalated-reporter"]


async def test_an_escalation_whose_copy_is_already_on_its_way_to_the_head_stands_and_the_rest_follows(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sender took Siân's copy before the fault: it can't be taken back, so the escalation is not undone; Gareth is
    told it was passed on and that the bot sends the rest itself, and the next check tells Carys."""
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)

    with monkeypatch.context() as fault:
        _the_note_to_the_reporter_fails(fault, sender_takes=SIAN)
        told = await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": "x"})
    await _concerns(staffed).check_reports()

    assert "Passed to Mrs Siân Roberts" in text_of(told.card)
    assert "will send them on its own" in text_of(told.card) and "nothing was changed" not in text_of(told.card)
    assert (await _only_report(staffed)).state is ReportState.ESCALATED
    assert await _queued_ids(staffed, SIAN) == ["escalated"]
    assert await _queued_ids(staffed, CARYS) == ["escalated-reporter"]


async def test_an_owed_acknowledgement_reaches_the_reporter_when_the_holder_escalates_before_the_check(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    with monkeypatch.context() as fault:
        _messages_and_undo_fail(fault)
        await staffed.clicks(GARETH, "concern.acknowledge", verb_data(card, "concern.acknowledge"))
    assert (await _only_report(staffed)).owed == "acknowledged"

    # Storage is back, and Gareth escalates before the task runs.
    await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": "please"})
    await _concerns(staffed).check_reports()

    to_carys = [text_of(c) for c in await staffed.cards_for(CARYS)]
    assert len([t for t in to_carys if "was acknowledged" in t]) == 1, to_carys
    assert _shows(await staffed.cards_for(SIAN), SECRET)
    assert (await _only_report(staffed)).owed == ""


def _written_but_unconfirmed(fault: pytest.MonkeyPatch) -> None:
    """Storage writes the next report but answers after the time budget, and can't be read just after it either."""
    real_create, real_get = MemoryConcernReports.create, MemoryConcernReports.get
    unreadable = {"left": 0}

    async def answered_late(reports: MemoryConcernReports, report: ConcernReport) -> None:
        await real_create(reports, report)
        unreadable["left"] = 1
        raise StorageUnavailable("injected: the write answered after the budget")

    async def get(reports: MemoryConcernReports, reference: str) -> ConcernReport:
        if unreadable["left"]:
            unreadable["left"] -= 1
            raise StorageUnavailable("injected: storage went away")
        return await real_get(reports, reference)

    fault.setattr(MemoryConcernReports, "create", answered_late)
    fault.setattr(MemoryConcernReports, "get", get)


async def test_a_report_storage_may_have_saved_is_never_called_unsent_and_reaches_her_line_manager_once(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as fault:
        _written_but_unconfirmed(fault)
        told = await _report(staffed)
    await _concerns(staffed).check_reports()  # the background pass, minutes later
    again = await staffed.clicks(CARYS, "concern.submit", {**verb_data(told.card or {}, "concern.submit"),
                                                            "what": SECRET})

    assert "can't tell whether your report was saved" in text_of(told.card)
    assert "reach Gareth Hughes within 15 minutes" in text_of(told.card)
    assert "nothing was changed" not in text_of(told.card) and SECRET in text_of(told.card)
    assert "has been sent" in text_of(again.card)
    assert len([c for c in await staffed.cards_for(GARETH) if SECRET in text_of(c)]) == 1


async def test_pressing_send_again_on_an_earlier_report_does_not_use_up_the_days_reports(staffed: BotInMemory) -> None:
    """As for a request: Send pressed again on the first form after a second report was sent shows the first report,
    and costs none of the day's five."""
    forms = [await staffed.says(CARYS, "report a concern") for _ in range(2)]
    sent = [{**verb_data(form.card or {}, "concern.submit"), "what": f"Matter {n}"} for n, form in enumerate(forms)]
    first = await staffed.clicks(CARYS, "concern.submit", sent[0])
    await staffed.clicks(CARYS, "concern.submit", sent[1])

    again = await staffed.clicks(CARYS, "concern.submit", sent[0])
    for n in range(3):
        await _report(staffed, what=f"Later matter {n}")

    assert reference_in(again.card or {}) == reference_in(first.card or {})
    assert len(staffed.store.reports) == 5
    assert "as many reports" in text_of((await _report(staffed, what="One more")).card)


@pytest.mark.parametrize("stored_by", ["the first press", "the second press"])
async def test_a_double_press_of_send_on_the_days_last_report_is_told_it_was_sent_and_counts_once(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch, stored_by: str) -> None:
    """Carys's fifth report of the day (five a day here), Send pressed on her laptop and her phone at once: the phone's
    press was told "this one has not been sent" though the laptop's had taken it to Gareth."""
    for n in range(4):
        await _report(staffed, what=f"Earlier matter {n}")
    form = await staffed.says(CARYS, "report a concern")
    last = {**verb_data(form.card or {}, "concern.submit"), "what": SECRET, "since": "September", "where": "Teams",
            "who": "", "evidence": "", "meeting": "false", "urgent": "false"}
    real_create = MemoryConcernReports.create
    second_writing, first_stored = asyncio.Event(), asyncio.Event()

    async def until(event: asyncio.Event, task: asyncio.Task[Any]) -> None:
        """Until the event is set or the task is done."""
        waiting = asyncio.ensure_future(event.wait())
        await asyncio.wait([waiting, task], return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()

    async def create(reports: MemoryConcernReports, report: ConcernReport) -> None:
        if asyncio.current_task() is first:  # the laptop's write is slow: the phone presses meanwhile
            await until(second_writing, second) if stored_by == "the first press" else await asyncio.wait([second])
            await real_create(reports, report)
            first_stored.set()
        else:
            second_writing.set()
            if stored_by == "the first press":
                await first_stored.wait()
            await real_create(reports, report)

    monkeypatch.setattr(MemoryConcernReports, "create", create)
    first = asyncio.create_task(staffed.clicks(CARYS, "concern.submit", last))  # laptop
    second = asyncio.create_task(staffed.clicks(CARYS, "concern.submit", last))  # phone, at the same moment
    presses = await asyncio.gather(first, second)

    assert not [p for p in presses if "as many reports as" in text_of(p.card)], "a press of the Send was refused"
    assert all("It went to Gareth Hughes." in text_of(p.card) for p in presses)
    assert len([r for r in await MemoryConcernReports(staffed.store).list_all() if r.what == SECRET]) == 1
    assert len([c for c in await staffed.cards_for(GARETH) if SECRET in text_of(c)]) == 1
    more = await _report(staffed, what="One more matter")
    assert "as many reports as" in text_of(more.card)  # the double press used the day's last report, once


def _changed_late(fault: pytest.MonkeyPatch, *, then_unreadable: bool) -> None:
    """Storage makes the next change of a report but answers after the time budget; `then_unreadable`: nor can it be
    read just after."""
    real_save, real_get = MemoryConcernReports.save, MemoryConcernReports.get
    late, unreadable = {"left": 1}, {"left": 0}

    async def answered_late(reports: MemoryConcernReports, report: ConcernReport, action: str, actor: str, *,
                            at: datetime) -> ConcernReport:
        saved = await real_save(reports, report, action, actor, at=at)
        if late["left"]:
            late["left"], unreadable["left"] = 0, int(then_unreadable)
            raise StorageUnavailable("injected: the write answered after the budget")
        return saved

    async def get(reports: MemoryConcernReports, reference: str) -> ConcernReport:
        if unreadable["left"]:
            unreadable["left"] -= 1
            raise StorageUnavailable("injected: storage went away")
        return await real_get(reports, reference)

    fault.setattr(MemoryConcernReports, "save", answered_late)
    fault.setattr(MemoryConcernReports, "get", get)


async def test_an_acknowledgement_storage_made_but_answered_late_is_shown_as_made_and_reaches_the_reporter(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)

    with monkeypatch.context() as fault:
        _changed_late(fault, then_unreadable=False)
        told = await staffed.clicks(GARETH, "concern.acknowledge", verb_data(card, "concern.acknowledge"))

    assert "nothing was changed" not in text_of(told.card) and "Acknowledged" in text_of(told.card)
    assert (await _only_report(staffed)).state is ReportState.ACKNOWLEDGED
    assert "was acknowledged" in text_of((await staffed.cards_for(CARYS))[-1])
    assert (await _only_report(staffed)).owed == ""


async def test_an_escalation_storage_may_have_made_is_never_called_unmade_and_is_made_once(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    escalate = {**verb_data(card, "concern.escalate"), "note": "please"}

    with monkeypatch.context() as fault:
        _changed_late(fault, then_unreadable=True)
        told = await staffed.clicks(GARETH, "concern.escalate", escalate)
    again = await staffed.clicks(GARETH, "concern.escalate", escalate)
    await _concerns(staffed).check_reports()

    assert "can't tell whether that was saved" in text_of(told.card)
    assert "nothing was changed" not in text_of(told.card)
    assert "Passed to Mrs Siân Roberts" in text_of(again.card)
    assert (await _only_report(staffed)).level == 1  # passed up once, not twice
    assert len([c for c in await staffed.cards_for(SIAN) if SECRET in text_of(c)]) == 1


async def _refused(*args: object, **kwargs: object) -> NoReturn:
    raise StorageUnavailable("injected: storage refused the write")


async def _someone_else_first(*args: object, **kwargs: object) -> NoReturn:
    raise ConcurrentChange("injected: another change was saved first")


@pytest.mark.parametrize("fault", [_refused, _someone_else_first])
async def test_passing_a_report_on_when_it_could_not_be_saved_does_not_use_up_the_days_pass_ons(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch, fault: Callable[..., Awaitable[NoReturn]]) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    escalate = {**verb_data(card, "concern.escalate"), "note": "please"}
    with monkeypatch.context() as storage:
        storage.setattr(MemoryConcernReports, "save", fault)
        for _ in range(10):  # as many as the day allows; each is told nothing changed
            with contextlib.suppress(StorageUnavailable):
                await staffed.clicks(GARETH, "concern.escalate", escalate)

    passed = await staffed.clicks(GARETH, "concern.escalate", escalate)

    assert "as many reports as" not in text_of(passed.card)
    assert "Passed to Mrs Siân Roberts" in text_of(passed.card)
    assert _shows(await staffed.cards_for(SIAN), SECRET)


async def test_saying_it_isnt_resolved_when_storage_refused_does_not_use_up_the_days_pass_ons(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    await staffed.clicks(GARETH, "concern.close", {**verb_data(card, "concern.acknowledge"), "outcome": "Talked to D",
                                                   "share_outcome": "true"})
    not_resolved = {**verb_data(card, "concern.acknowledge"), "note": "It is still happening"}
    with monkeypatch.context() as storage:
        storage.setattr(MemoryConcernReports, "save", _refused)
        for _ in range(10):
            with pytest.raises(StorageUnavailable):
                await staffed.clicks(CARYS, "concern.reopen", not_resolved)

    reopened = await staffed.clicks(CARYS, "concern.reopen", not_resolved)

    assert "as many reports as" not in text_of(reopened.card)
    assert (await _only_report(staffed)).holder.aad_object_id == SIAN.aad_object_id
    assert _shows(await staffed.cards_for(SIAN), "It is still happening")


async def test_a_report_that_shows_nothing_is_asked_for_again_and_neither_stored_nor_sent(
        staffed: BotInMemory) -> None:
    answer = await _report(staffed, what="\u200b\u200b\u200b")

    assert "Please tell us what has been happening." in text_of(answer.card)
    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert await staffed.cards_for(GARETH) == []


async def test_an_outcome_that_shows_nothing_does_not_close_the_report(staffed: BotInMemory) -> None:
    await _report(staffed)
    [holder_card] = await staffed.cards_for(GARETH)
    reference = verb_data(holder_card, "concern.acknowledge")["ref"]

    answer = await staffed.clicks(GARETH, "concern.close", {"ref": reference, "outcome": "\u2060\ufeff\u200b",
                                                            "share_outcome": "true"})

    assert "Write a short outcome to close the report." in text_of(answer.card)
    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert report.state is ReportState.OPEN and report.closed_at is None


async def test_the_manager_who_passes_a_report_on_is_told_where_it_went_and_not_asked_to_acknowledge_it(
        staffed: BotInMemory) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)

    told = await staffed.clicks(GARETH, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": "please"})
    his_copy = (await staffed.cards_for(GARETH))[-1]

    for seen in (told.card or {}, his_copy):
        assert "passed on to you" not in text_of(seen) and "Please acknowledge" not in text_of(seen)
        assert "Mrs Siân Roberts holds it now and decides what happens next" in text_of(seen)
        assert actions(seen) == []


async def test_an_acknowledged_report_still_being_dealt_with_outlives_the_retention_period(
        staffed: BotInMemory) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    await staffed.clicks(GARETH, "concern.acknowledge", verb_data(card, "concern.acknowledge"))
    acknowledged = await _only_report(staffed)
    assert acknowledged.acknowledged_at is not None
    years_later = acknowledged.acknowledged_at + timedelta(days=800)

    kept = await _concerns(staffed, clock=_stopped_at(years_later)).purge(months=24)
    assert kept == [], "an open report (acknowledged, never closed) was deleted"
    await staffed.clicks(GARETH, "concern.close", {"ref": acknowledged.reference, "outcome": "Spoke to both"})
    closed = await _only_report(staffed)
    assert closed.closed_at is not None
    deleted = await _concerns(staffed, clock=_stopped_at(closed.closed_at + timedelta(days=731))).purge(months=24)

    assert deleted == [acknowledged.reference]


async def _delivered(bot: BotInMemory, *people: Person) -> None:
    """The sender brought each person what they were owed, as Teams takes it: a keyed card is updated where it was
    posted, or posted and its place kept."""
    outbox = MemoryOutbox(bot.store)
    for person in people:
        for message in (await outbox.owed_to(person)).messages:
            place = None
            if message.card_key:
                try:
                    await outbox.get_slot(person, message.card_key)
                except RecordNotFound:
                    place = CardSlot(person, message.card_key, f"activity-{message.message_id}")
            await outbox.mark_sent(await outbox.claim(message, datetime.now(UTC), checked=True), slot=place)


async def _closed_and_seen(bot: BotInMemory) -> ConcernReport:
    """Carys's report, its card posted to Gareth in Teams, closed by him, Carys told."""
    await _report(bot)
    await _delivered(bot, GARETH)
    reference = (await _only_report(bot)).reference
    await bot.clicks(GARETH, "concern.close", {"ref": reference, "outcome": "Spoke to Dafydd"})
    await _delivered(bot, CARYS, GARETH)
    return await _only_report(bot)


async def test_retention_takes_the_report_off_the_card_posted_to_the_line_manager_in_teams(
        staffed: BotInMemory) -> None:
    """Two years after closing, the record goes, and the card Gareth was sent (which showed the whole report) is
    replaced in place by one that says, in his language, that it was deleted under the records retention rule."""
    closed = await _closed_and_seen(staffed)
    assert closed.closed_at is not None

    deleted = await _concerns(staffed, clock=_stopped_at(closed.closed_at + timedelta(days=740))).purge(months=24)

    assert deleted == [closed.reference] and await MemoryConcernReports(staffed.store).list_all() == []
    [replacing] = await MemoryOutbox(staffed.store).list_for_recipient(GARETH)
    assert replacing.card_key == f"{closed.reference}|{GARETH.aad_object_id}"
    assert "deleted under the records retention rule" in text_of(replacing.card)
    assert "wedi'i ddileu yn ôl y rheol cadw cofnodion" in text_of(replacing.card_cy)
    for card in (replacing.card, replacing.card_cy):
        assert closed.reference in text_of(card)
        assert SECRET not in text_of(card) and "Spoke to Dafydd" not in text_of(card) and "Carys" not in text_of(card)


async def test_retention_also_replaces_the_reminder_and_the_reporters_closed_card_with_the_outcome_shared(
        staffed: BotInMemory) -> None:
    """The reminder Gareth was sent shows the whole report, and the card that told Carys it was closed shows the
    outcome he shared with her: both are posted cards of the report, replaced at retention like his first card."""
    await _report(staffed)
    await _delivered(staffed, GARETH)
    filed = await _only_report(staffed)
    await _concerns(staffed, clock=_stopped_at(filed.submitted_at + timedelta(days=7))).check_reports()
    await _delivered(staffed, GARETH)
    await staffed.clicks(GARETH, "concern.close", {"ref": filed.reference, "outcome": "Spoke to Dafydd",
                                                   "share_outcome": "true"})
    await _delivered(staffed, CARYS, GARETH)
    closed = await _only_report(staffed)
    assert closed.closed_at is not None and closed.reminded_at is not None

    await _concerns(staffed, clock=_stopped_at(closed.closed_at + timedelta(days=740))).purge(months=24)

    outbox = MemoryOutbox(staffed.store)
    to_gareth, to_carys = await outbox.list_for_recipient(GARETH), await outbox.list_for_recipient(CARYS)
    assert sorted(m.card_key for m in to_gareth) == [f"{closed.reference}|{GARETH.aad_object_id}",
                                                      f"{closed.reference}|{GARETH.aad_object_id}|reminder"]
    assert [m.card_key for m in to_carys] == [f"{closed.reference}|{CARYS.aad_object_id}|closed-0"]
    for message in (*to_gareth, *to_carys):
        assert "deleted under the records retention rule" in text_of(message.card)
        assert SECRET not in text_of(message.card) and "Spoke to Dafydd" not in text_of(message.card)


async def test_a_card_that_cannot_be_replaced_within_thirty_days_is_given_up_and_logged_by_reference(
        staffed: BotInMemory, caplog: pytest.LogCaptureFixture) -> None:
    """Gareth's chat cannot be reached after the deletion (Teams refusing it every time): the replacing message is
    tried for thirty days, then given up, logged by the report's reference only, and nothing of it is kept."""
    closed = await _closed_and_seen(staffed)
    assert closed.closed_at is not None
    deleted_at = closed.closed_at + timedelta(days=740)
    await _concerns(staffed, clock=_stopped_at(deleted_at)).purge(months=24)

    with caplog.at_level(logging.WARNING, logger="dialogs.concerns"):
        await _concerns(staffed, clock=_stopped_at(deleted_at + timedelta(days=29))).purge(months=24)
        still_trying = await MemoryOutbox(staffed.store).list_for_recipient(GARETH)
        await _concerns(staffed, clock=_stopped_at(deleted_at + timedelta(days=31))).purge(months=24)

    assert len(still_trying) == 1
    assert await MemoryOutbox(staffed.store).list_for_recipient(GARETH) == [] and staffed.store.slots == {}
    [given_up] = [r for r in caplog.records if closed.reference in r.getMessage()]
    assert "given up" in given_up.getMessage() and SECRET not in caplog.text


def _not_resolved_during(fault: pytest.MonkeyPatch, bot: BotInMemory, report: ConcernReport, step: str,
                         told: list[Reply]) -> None:
    """Carys presses "This isn't resolved" on her closed report once, as retention comes to `step` of deleting it."""
    real = getattr(MemoryConcernReports, step)

    async def then_the_step(reports: MemoryConcernReports, *args: Any, **kwargs: Any) -> Any:
        if not told:
            told.append(await bot.clicks(CARYS, "concern.reopen", {"ref": report.reference,
                                                                   "note": "It has started again"}))
        return await real(reports, *args, **kwargs)

    fault.setattr(MemoryConcernReports, step, then_the_step)


async def test_a_not_resolved_click_as_retention_comes_to_the_report_keeps_it_and_its_cards(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pass listed her closed report as expired, then she said it isn't resolved: she is told it went to the
    headteacher, and so it did; nothing of it is deleted, and no card of it is replaced."""
    closed = await _closed_and_seen(staffed)
    assert closed.closed_at is not None
    told: list[Reply] = []

    with monkeypatch.context() as moment:
        _not_resolved_during(moment, staffed, closed, "delete", told)
        deleted = await _concerns(staffed, clock=_stopped_at(closed.closed_at + timedelta(days=740))).purge(months=24)

    assert deleted == [] and "Mrs Siân Roberts" in text_of(told[0].card)
    assert (await _only_report(staffed)).state is ReportState.ESCALATED
    assert _shows(await staffed.cards_for(SIAN), SECRET)
    assert not [c for p in (GARETH, CARYS) for c in await staffed.cards_for(p) if "retention" in text_of(c)]


async def test_a_not_resolved_click_once_retention_has_claimed_the_report_is_told_it_is_gone(
        staffed: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Her click lands as the report is being deleted (claimed, its posted cards being listed): she is told it can't
    be found, which is so once the pass is over, and nothing of it reaches the headteacher."""
    closed = await _closed_and_seen(staffed)
    assert closed.closed_at is not None
    told: list[Reply] = []

    with monkeypatch.context() as moment:
        _not_resolved_during(moment, staffed, closed, "list_posted_cards", told)
        deleted = await _concerns(staffed, clock=_stopped_at(closed.closed_at + timedelta(days=740))).purge(months=24)

    assert deleted == [closed.reference] and "I can't find that record" in text_of(told[0].card)
    assert not _shows(await staffed.cards_for(SIAN), SECRET)
    assert await MemoryConcernReports(staffed.store).list_all() == []


async def _staff_list_without_gareth(bot: BotInMemory) -> None:
    """The office's next list: Gareth Hughes has left, and Carys's line manager is now the headteacher."""
    csv = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    kept = "\n".join(line.replace("gareth.hughes@", "sian.roberts@") for line in csv.splitlines()
                     if not line.startswith("Gareth Hughes"))
    staff = read_staff_csv(kept, schools=["high", "primary"])
    assert not staff.problems
    await MemoryStaffDirectory(bot.store).replace_all(staff.staff)


@pytest.mark.parametrize(("lang", "told"), [
    (Lang.EN, "Gareth Hughes has left or moved to another post, so your report has been passed on."),
    (Lang.CY, "Mae Gareth Hughes wedi gadael neu wedi symud i swydd arall"),
])
async def test_a_report_acknowledged_by_a_line_manager_who_left_passes_to_the_head_and_the_reporter_is_told(
        staffed: BotInMemory, lang: Lang, told: str) -> None:
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(CARYS, language=lang, conversation_ref="{}"))
    await _report(staffed)
    [sent] = (await MemoryOutbox(staffed.store).owed_to(GARETH)).messages
    await MemoryOutbox(staffed.store).mark_sent(sent)  # he has it in his chat
    card = dict(sent.card)
    await staffed.clicks(GARETH, "concern.acknowledge", verb_data(card, "concern.acknowledge"))
    acknowledged = await _only_report(staffed)
    assert acknowledged.acknowledged_at is not None
    await _staff_list_without_gareth(staffed)

    await _concerns(staffed, clock=_stopped_at(acknowledged.acknowledged_at + timedelta(days=1))).check_reports()

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id, "still held by the member of staff who left"
    assert report.state is ReportState.ESCALATED and report.acknowledged_at is None
    assert _shows(await staffed.cards_for(SIAN), SECRET)
    assert told in text_of((await staffed.cards_for(CARYS))[-1])
    assert await staffed.cards_for(GARETH) == [], "the member of staff who left was sent the report again"


async def test_an_unacknowledged_report_whose_line_manager_left_passes_on_without_waiting_for_reminders(
        staffed: BotInMemory) -> None:
    await _report(staffed)
    filed = await _only_report(staffed)
    await _staff_list_without_gareth(staffed)

    await _concerns(staffed, clock=_stopped_at(filed.submitted_at + timedelta(minutes=15))).check_reports()

    assert (await _only_report(staffed)).holder.aad_object_id == SIAN.aad_object_id
    assert not [c for c in await staffed.cards_for(GARETH) if "Reminder" in text_of(c)]


async def test_a_report_still_waiting_for_a_line_manager_who_left_before_opening_the_bot_never_reaches_him(
        bot: BotInMemory) -> None:
    """Gareth never opened the bot, so the report and its reminder wait in the outbox for him; he leaves (a Hwb account
    goes with a teacher to his next school in Wales). Before, both were still sent the day he first opened the bot."""
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN)
    await _report(bot)
    filed = await _only_report(bot)
    reminded_at = bot.federation.calendar.add_working_days(filed.submitted_at, 2)
    await _concerns(bot, clock=_stopped_at(reminded_at)).check_reports()  # reminded
    assert [SECRET in text_of(card) for card in await bot.cards_for(GARETH)] == [True, True]
    await _staff_list_without_gareth(bot)

    await _concerns(bot, clock=_stopped_at(reminded_at + timedelta(hours=1))).check_reports()

    assert (await _only_report(bot)).holder.aad_object_id == SIAN.aad_object_id
    assert await bot.cards_for(GARETH) == [], "the report still waits to be sent to the line manager who left"
    assert _shows(await bot.cards_for(SIAN), SECRET)


async def test_a_report_still_waiting_for_a_former_head_who_never_opened_the_bot_goes_to_the_new_head_only(
        staffed: BotInMemory) -> None:
    await staffed.meets(RHYS)
    await _escalated_by_gareth(staffed)
    escalated = await _only_report(staffed)
    assert escalated.escalated_at is not None
    assert _shows(await staffed.cards_for(SIAN), SECRET)  # not sent: she has removed the app since, say

    await _concerns(staffed, federation=_with_new_head(),
                    clock=_stopped_at(escalated.escalated_at + timedelta(hours=1))).check_reports()

    assert (await _only_report(staffed)).holder.aad_object_id == RHYS.aad_object_id
    assert not _shows(await staffed.cards_for(SIAN), SECRET), "the former head would still be sent the report"
    assert _shows(await staffed.cards_for(RHYS), SECRET)


async def test_a_report_never_reaches_a_line_manager_who_has_left_though_graph_still_names_him(
        staffed: BotInMemory) -> None:
    """Gareth left at Easter: the office's list no longer has him and gives Carys Ffion Morgan, but Entra still names
    him as her manager for weeks. Before, her report, with its words, went to his chat, and was passed on only at the
    next check."""
    csv = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    kept = "\n".join(line for line in csv.splitlines() if not line.startswith("Gareth Hughes"))
    staff = read_staff_csv(kept.replace(",gareth.hughes@", ",ffion.morgan@"), schools=["high", "primary"])
    assert not staff.problems
    await MemoryStaffDirectory(staffed.store).replace_all(staff.staff)
    await staffed.meets(FFION)
    in_entra = StaffContact(GARETH.aad_object_id, "Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")

    form = await _concerns(staffed, managers=[GraphGives(in_entra)]).form(
        Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, text="report a concern"))
    receipt = await _report_about(staffed, in_entra, "rather_not_say")

    assert await staffed.cards_for(GARETH) == [], "the report reached a line manager who has left"
    assert _shows(await staffed.cards_for(FFION), SECRET)
    assert "It went to Mrs Ffion Morgan." in text_of(receipt.card)
    assert "Gareth Hughes" not in text_of(form.card) + text_of(receipt.card)


async def test_a_line_manager_who_has_left_can_no_longer_open_the_report(staffed: BotInMemory) -> None:
    await _report(staffed)
    filed = await _only_report(staffed)
    await _staff_list_without_gareth(staffed)  # his Hwb account stays: he now teaches elsewhere in Powys
    await _concerns(staffed, clock=_stopped_at(filed.submitted_at + timedelta(minutes=15))).check_reports()
    assert (await _only_report(staffed)).holder.aad_object_id == SIAN.aad_object_id

    shown = await staffed.clicks(GARETH, "concern.show", {"ref": filed.reference})
    hers = await staffed.clicks(CARYS, "concern.show", {"ref": filed.reference})

    assert SECRET not in text_of(shown.card), "a leaver still reads the report he no longer has any part in"
    assert "Mrs Siân Roberts" not in text_of(shown.card)
    assert "Passed to Mrs Siân Roberts" in text_of(hers.card)  # the reporter still follows her report


RHYS = Person(CARYS.tenant_id, "a1000000-0000-4000-8000-0000000000ee", "Dr Rhys Ellis")


def _with_new_head() -> Federation:
    """The settings after Easter: Mrs Roberts has left, and Dr Rhys Ellis is headteacher of both schools."""
    raw = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
    for school in raw["schools"]:
        school["headteacher"] = {"aad_object_id": RHYS.aad_object_id, "name": RHYS.name,
                                 "email": "rhys.ellis@llanidloes.example.cymru"}
    raw["policy_owner"] = raw["schools"][0]["headteacher"]
    return parse_federation(raw)


async def test_a_report_escalated_after_the_headteacher_changed_goes_to_the_new_head(staffed: BotInMemory) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    after_easter = _concerns(staffed, federation=_with_new_head())

    shown = await after_easter.show(Turn(actor=GARETH, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.show",
                                         data={"ref": verb_data(card, "concern.escalate")["ref"]}, is_invoke=True))
    told = await after_easter.escalate(Turn(actor=GARETH, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.escalate",
                                            data={**verb_data(card, "concern.escalate"), "note": "please"},
                                            is_invoke=True))

    report = await _only_report(staffed)
    assert (report.level, report.holder.aad_object_id) == (1, RHYS.aad_object_id)
    assert _shows(await staffed.cards_for(RHYS), SECRET)
    assert await staffed.cards_for(SIAN) == [], "the report went to the headteacher who has left"
    assert "Mrs Siân Roberts" not in text_of(shown.card) + text_of(told.card)
    assert "Dr Rhys Ellis" in text_of(shown.card) and "Dr Rhys Ellis" in text_of(told.card)


async def test_a_report_naming_the_new_headteacher_passes_over_him_to_the_chair(staffed: BotInMemory) -> None:
    await _report(staffed, who="Rhys Ellis, before he became head")
    [card] = await staffed.cards_for(GARETH)

    await _concerns(staffed, federation=_with_new_head()).escalate(Turn(
        actor=GARETH, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.escalate", is_invoke=True,
        data={**verb_data(card, "concern.escalate"), "note": ""}))

    assert (await _only_report(staffed)).holder.aad_object_id == CHAIR.aad_object_id
    assert await staffed.cards_for(RHYS) == [], "the report reached the person it is about"


async def test_a_report_the_former_headteacher_holds_passes_to_the_new_head(staffed: BotInMemory) -> None:
    await _escalated_by_gareth(staffed)
    escalated = await _only_report(staffed)
    assert escalated.holder.aad_object_id == SIAN.aad_object_id and escalated.escalated_at is not None

    await _concerns(staffed, federation=_with_new_head(),
                    clock=_stopped_at(escalated.escalated_at + timedelta(hours=1))).check_reports()

    report = await _only_report(staffed)
    assert (report.level, report.holder.aad_object_id) == (2, RHYS.aad_object_id)
    assert _shows(await staffed.cards_for(RHYS), SECRET)
    assert "Mrs Siân Roberts has left or moved to another post" in text_of((await staffed.cards_for(CARYS))[-1])


def _staff_list_after_easter() -> list[StaffMember]:
    """The office's list once Mrs Roberts has left: Dr Rhys Ellis heads the federation and line-manages her team."""
    csv = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    csv = csv.replace("Siân Roberts,sian.roberts@llanidloes.example.cymru,high,Executive Headteacher,,"
                      "a1000000-0000-4000-8000-000000000003",
                      f"Rhys Ellis,rhys.ellis@llanidloes.example.cymru,high,Executive Headteacher,,"
                      f"{RHYS.aad_object_id}")
    staff = read_staff_csv(csv.replace("sian.roberts@", "rhys.ellis@"), schools=["high", "primary"])
    assert not staff.problems
    return list(staff.staff)


async def test_a_report_the_head_held_as_line_manager_passes_to_the_new_head_not_past_him_to_the_chair(
        staffed: BotInMemory) -> None:
    """Gareth's line manager is the headteacher. Before, when she left, his report jumped past the new head to the chair
    of governors: the head's place in its chain had been hers as his line manager."""
    await staffed.meets(CHAIR, RHYS)
    await _report(staffed, GARETH)
    filed = await _only_report(staffed)
    assert filed.holder.aad_object_id == SIAN.aad_object_id
    await MemoryStaffDirectory(staffed.store).replace_all(_staff_list_after_easter())

    await _concerns(staffed, federation=_with_new_head(),
                    clock=_stopped_at(filed.submitted_at + timedelta(hours=1))).check_reports()

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == RHYS.aad_object_id
    assert _shows(await staffed.cards_for(RHYS), SECRET)
    assert await staffed.cards_for(CHAIR) == [], "the report went to the governors past the new head"
    assert "Mrs Siân Roberts has left or moved to another post" in text_of((await staffed.cards_for(GARETH))[-1])


async def test_a_report_the_head_holds_as_line_manager_goes_to_the_chair_when_she_escalates_it(
        staffed: BotInMemory) -> None:
    await staffed.meets(CHAIR)
    await _report(staffed, GARETH)
    [card] = await staffed.cards_for(SIAN)

    await staffed.clicks(SIAN, "concern.escalate", {**verb_data(card, "concern.escalate"), "note": "governors"})

    assert (await _only_report(staffed)).holder.aad_object_id == CHAIR.aad_object_id


async def test_not_resolved_after_the_headteacher_changed_goes_to_the_new_head(staffed: BotInMemory) -> None:
    await _report(staffed)
    [card] = await staffed.cards_for(GARETH)
    reference = verb_data(card, "concern.escalate")["ref"]
    await staffed.clicks(GARETH, "concern.close", {"ref": reference, "outcome": "Spoke to both"})

    await _concerns(staffed, federation=_with_new_head()).reopen(Turn(
        actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.reopen", is_invoke=True,
        data={"ref": reference, "note": "It started again"}))

    assert (await _only_report(staffed)).holder.aad_object_id == RHYS.aad_object_id
    assert await staffed.cards_for(SIAN) == []


async def _closed_by_gareth(bot: BotInMemory) -> str:
    """Carys's report, closed by Gareth: its reference."""
    await _report(bot)
    [card] = await bot.cards_for(GARETH)
    reference = verb_data(card, "concern.escalate")["ref"]
    await bot.clicks(GARETH, "concern.close", {"ref": reference, "outcome": "Spoke to Dafydd"})
    return str(reference)


async def test_a_not_resolved_note_naming_the_next_person_up_does_not_go_to_them(staffed: BotInMemory) -> None:
    await staffed.meets(CHAIR)
    reference = await _closed_by_gareth(staffed)
    note = "It has got worse: Mrs Roberts now comments on my posts in the staff group as well"

    await staffed.clicks(CARYS, "concern.reopen", {"ref": reference, "note": note})

    assert not _shows(await staffed.cards_for(SIAN), note), "the reporter's note reached the headteacher it names"
    assert (await _only_report(staffed)).holder.aad_object_id == CHAIR.aad_object_id
    assert _shows(await staffed.cards_for(CHAIR), note)


async def test_a_not_resolved_note_naming_everyone_above_is_not_passed_on_and_says_so(staffed: BotInMemory) -> None:
    reference = await _closed_by_gareth(staffed)

    told = await staffed.clicks(CARYS, "concern.reopen", {"ref": reference,
                                                           "note": "Mrs Roberts and Mr Davies have joined in"})

    assert "has not been passed on: everyone it could go to next is named in your note" in text_of(told.card)
    report = await _only_report(staffed)
    assert report.holder.aad_object_id == GARETH.aad_object_id and report.is_settled and report.can_reopen
    assert await staffed.cards_for(SIAN) == []


def _first_quote(card: dict[str, Any]) -> str:
    """The first of the policy's words a section card shows."""
    [first, *_] = [box for box in card["body"] if box.get("type") == "Container" and box.get("style") == "emphasis"]
    return str(first["items"][0]["inlines"][0]["text"])


async def test_the_guidance_on_offensive_comments_opens_at_the_passage_on_them(answering_bot: BotInMemory) -> None:
    offer = await answering_bot.says(CARYS, "I'm being targeted by a parent on Facebook")
    data = verb_data(offer.card or {}, "policy.section")

    guidance = await answering_bot.clicks(CARYS, "policy.section", data)
    # A card posted before the button named the passage sends the section alone: the section from its start.
    posted_before = await answering_bot.clicks(CARYS, "policy.section", {"section": data["section"]})
    # A passage a newer policy no longer has in that section: the section from its start, not an error.
    gone = await answering_bot.clicks(CARYS, "policy.section", {"section": data["section"], "passage": "gone.1"})

    assert data["passage"] == "communicating-with-public.12"
    assert _first_quote(guidance.card or {}).startswith("Handle offensive comments swiftly")
    assert _first_quote(posted_before.card or {}).startswith("Social media tools present unique opportunities")
    assert _first_quote(gone.card or {}).startswith("Social media tools present unique opportunities")


@pytest.mark.parametrize(("said", "lang"), [("Codi pryder plis", Lang.CY), ("codi pryder os gwelwch yn dda", Lang.CY),
                                            ("Report a concern please", Lang.EN), ("ok, report a concern", Lang.EN)])
async def test_asking_for_the_form_with_courtesy_words_opens_it_empty(bot: BotInMemory, strings: Catalogue, said: str,
                                                                      lang: Lang) -> None:
    """ "Codi pryder plis" was "not covered" by the policy and offered to the headteacher: only the bare command opened
    the form. It opens it now, and the words asking for it are not written in as what has been happening."""
    reply = await bot.says(CARYS, said, lang=Lang.EN)

    assert strings.text("concern.form_title", lang) in text_of(reply.card)
    [what] = [box for box in inputs(reply.card) if box.get("id") == "what"]
    assert not what.get("value")


@pytest.mark.parametrize("typed", ["fy adroddiadau", "Fy mhryderon"])
async def test_my_reports_typed_in_welsh_are_shown_in_welsh_whatever_the_teams_language(bot: BotInMemory,
                                                                                           typed: str) -> None:
    reply = await bot.says(CARYS, typed, lang=Lang.EN)

    assert "Eich adroddiadau" in text_of(reply.card)


@pytest.mark.parametrize(("typed", "title"), [
    ("ble mae fy adroddiad?", "Eich adroddiadau"), ("Ble mae fy adroddiad i?", "Eich adroddiadau"),
    ("lle mae fy adroddiad", "Eich adroddiadau"), ("lle ma adroddiad fi?", "Eich adroddiadau"),
    ("Beth ddigwyddodd i fy adroddiad?", "Eich adroddiadau"), ("be ddigwyddodd i'm adroddiad?", "Eich adroddiadau"),
    ("Unrhyw newyddion am fy mhryder?", "Eich adroddiadau"), ("statws fy adroddiad plis", "Eich adroddiadau"),
    ("where is my report?", "Your reports"), ("What happened to my concern?", "Your reports"),
    ("any news on my report?", "Your reports"),
    ("Ble ma'n adroddiad i?", "Eich adroddiadau"), ("lle mae'n adroddiad i", "Eich adroddiadau"),
    # Whoever has it named in the middle of the question (before, "the policy doesn't cover that").
    ("ydy Gareth wedi gweld fy adroddiad?", "Eich adroddiadau"),
    ("Ydi Mr Hughes wedi darllen fy adroddiad i?", "Eich adroddiadau"),
    ("Gafodd Gareth Hughes fy adroddiad?", "Eich adroddiadau"),
    ("has Gareth seen my report?", "Your reports"), ("Did Mr Hughes get my report?", "Your reports"),
    ("Ydy Gareth wedi cydnabod fy adroddiad?", "Eich adroddiadau"),
    # The report named first, then what became of it (before, a quote on abuse of the guidance, or "not covered").
    ("Ydy fy adroddiad wedi cyrraedd?", "Eich adroddiadau"), ("Gafodd fy adroddiad ei weld?", "Eich adroddiadau"),
    ("ydy'n adroddiad i wedi'i weld?", "Eich adroddiadau"), ("Ydy fy mhryder wedi cael ei weld?", "Eich adroddiadau"),
    ("has my report been seen?", "Your reports"), ("Has my concern been acknowledged?", "Your reports"),
    ("Oes rhywun wedi edrych ar fy adroddiad?", "Eich adroddiadau"),
    ("has anyone acknowledged my report?", "Your reports"),
    # And whoever it went to named after it, "i Gareth" or "at Mr Hughes" (before, the policy in both languages).
    ("Ydy fy adroddiad wedi mynd i Gareth?", "Eich adroddiadau"),
    ("ydy'n adroddiad i wedi mynd at y pennaeth?", "Eich adroddiadau"),
    ("Ydi fy mhryder wedi cyrraedd Mr Hughes?", "Eich adroddiadau"),
    ("has my report gone to Gareth?", "Your reports"), ("Did my concern get to Mr Gareth Hughes?", "Your reports"),
])
async def test_asking_where_ones_report_is_shows_ones_reports(staffed: BotInMemory, typed: str, title: str) -> None:
    """Carys sent a report and typed "ble mae fy adroddiad?" (where is my report?): only "fy adroddiad" alone listed
    her reports, so this was asked of the policy, "not covered", with an offer to send it to the headteacher. Asking
    where one's report is, what happened to it or its news lists one's reports, in Welsh for Welsh words."""
    receipt = await _report(staffed)
    reference = re.findall(r"C-[A-Z0-9]{6}", text_of(receipt.card))[0]

    reply = await staffed.says(CARYS, typed, lang=Lang.EN)

    assert title in text_of(reply.card) and reference in text_of(reply.card)
    assert staffed.store.questions == {}


@pytest.mark.parametrize("said", ["Mae cydweithiwr yn fy mhoeni ar Facebook bob nos",
                                  "Mae cydweithiwr yn dal i anfon negeseuon ata i gyda'r nos",
                                  "Mae aelod o staff yn dal i bostio amdana i ar Facebook",
                                  "Mae fy nghydweithiwr yn gyrru negeseuon ata i o hyd",
                                  # "hala", the south's "send": before, the policy's rule was quoted
                                  "Ma cydweithiwr yn hala negeseuon ata i o hyd",
                                  "Mae aelod o staff yn dal i hala negeseuon cas ata i"])
async def test_a_concern_typed_in_welsh_gets_the_welsh_form(staffed: BotInMemory, said: str) -> None:
    form = await staffed.says(CARYS, said, lang=Lang.EN)

    assert "Dywedwch wrthym yn breifat" in text_of(form.card)


@pytest.mark.parametrize(("said", "title"), [("Mae rhywun o'r staff yn fy mwlio", "Dywedwch wrthym yn breifat"),
                                             ("Mae un o'r staff yn postio pethau cas amdana i",
                                              "Dywedwch wrthym yn breifat"),
                                             ("Someone from the staff is posting nasty things about me",
                                              "Tell us privately"),
                                             ("One of the staff keeps messaging me", "Tell us privately")])
async def test_someone_from_the_staff_is_a_colleague(staffed: BotInMemory, said: str, title: str) -> None:
    """ "Mae rhywun o'r staff yn fy mwlio" (someone from the staff is bullying me) quoted the policy on personal use:
    only "cydweithiwr", "aelod o staff" and the like were read as a colleague. "Someone from the staff" is one too."""
    form = await staffed.says(CARYS, said, lang=Lang.EN)

    assert title in text_of(form.card)


@pytest.mark.parametrize(("said", "lang"), [
    ("gareth wont stop txting me its doing my head in", Lang.EN),
    ("Siân won't leave me alone", Lang.EN),
    ("the head shouted at me in front of everyone again", Lang.EN),
    ("Mr Hughes and Mrs Morgan keep ganging up on me", Lang.EN),
    ("gareth is buling me", Lang.EN),
    ("my line manager is harrassing me", Lang.EN),
    ("Gareth is spreading rumours about me in the staff whatsapp", Lang.EN),
    ("I'm scared of Gareth", Lang.EN),
    ("Siân is making my life a misery", Lang.EN),
    ("Gareth sends me messages at 11pm every night", Lang.EN),
    ("Mae'r pennaeth yn gweiddi arna i", Lang.CY),
    ("Dw i ofn Gareth", Lang.CY),
    ("mae gareth yn neud fy mywyd yn uffern", Lang.CY),
    ("mae gareth yn anfon negeseuon ata i ganol nos", Lang.CY),
    ("Mae Siân yn gas efo fi", Lang.CY),
    ("Mae Gareth a Ffion yn lledu sïon amdana i", Lang.CY),
    ("Mae Siân yn fy nhrin i'n wael", Lang.CY),
    ("Dydy Gareth ddim yn gadael llonydd i mi", Lang.CY),
    # "I'm afraid of Gareth" as Welsh says it most: fear is "on" her
    ("Mae arna i ofn Gareth", Lang.CY),
    ("Mae ofn Gareth arna i", Lang.CY),
    # "cam-drin" (abuse) as often written in one word
    ("Mae Gareth yn fy nghamdrin i", Lang.CY),
    ("i need to report gareth", Lang.EN),
    ("I want to report my line manager", Lang.EN),
    ("I want to make a complaint about the head", Lang.EN),
    ("I want to complain about Siân", Lang.EN),
    ("Dw i isio cwyno am y pennaeth", Lang.CY),
    ("Dw i eisiau adrodd am fy rheolwr llinell", Lang.CY),
    ("Dw i angen gwneud cwyn am Gareth", Lang.CY),
    # "how does one complain about…" (typed on a phone, no question mark), "I'd like to complain about…"
    ("sut mae cwyno am gareth", Lang.CY),
    ("Hoffwn i gwyno am y pennaeth", Lang.CY),
    ("I want to complian about Siân", Lang.EN),
    ("i want to complan about the head", Lang.EN),
    ("I want to compalin about my line manager", Lang.EN),
    ("Dw i isio cwnyo am y pennaeth", Lang.CY),
    ("Dw i eisiau riporito Gareth", Lang.CY)])
async def test_being_pestered_or_wanting_to_report_it_said_as_a_statement_opens_the_form_and_is_not_kept(
        answering_bot: BotInMemory, said: str, lang: Lang) -> None:
    """Carys says what Gareth or Siân does, frightened or angry ("won't stop", "won't leave me alone", "shouted at
    me", "ganging up on me", "buling", "harrassing", "scared of", "gweiddi arna i", "ofn", "yn gas efo fi", "gadael
    llonydd"), or what she wants to do ("I want to complain about Siân", "i need to report gareth", "Dw i isio cwyno am
    y pennaeth"), typed with a slip of the thumb too ("complian", "cwnyo"): the form opens with her words. Before, each
    was asked as a question and kept, and marked not helpful it was on the review list of Siân, whom it may be about;
    Ask the headteacher passed "I want to complain about Siân" to her."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)

    reply = await bot.says(CARYS, said, lang=lang)
    review = await bot.says(SIAN, "questions for review", lang=lang)

    assert "concern.submit" in text_of(reply.card), "asked as a question"
    assert bot.store.questions == {}, "kept in the question log"
    assert said not in text_of(review.card)


@pytest.mark.parametrize("said", ["Mae arna i ofn nad ydw i'n deall y rheol am luniau disgyblion",
                                  "Mae arna i ofn y bydd Gareth yn gweld fy nghyfrif Instagram, ga i ei gloi?"])
async def test_welsh_im_afraid_that_is_a_courtesy_not_a_fear_of_someone(answering_bot: BotInMemory, said: str) -> None:
    """"Mae arna i ofn nad…" / "… y bydd…" is "I'm afraid that…", a courtesy before a question: "arna i ofn" read as
    fear of someone only where no "that" follows."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)

    reply = await bot.says(CARYS, said, lang=Lang.CY)

    assert "concern.submit" not in text_of(reply.card), "read as fear of a colleague"


@pytest.mark.parametrize(("said", "lang"), [("how do i complian about the head?", Lang.EN),
                                            ("Sut dw i'n cwnyo am y pennaeth?", Lang.CY)])
async def test_asking_how_to_complain_about_the_head_with_a_slip_is_never_on_her_review_list(
        answering_bot: BotInMemory, said: str, lang: Lang) -> None:
    """"how do i complian about the head?", a question, is answered and kept, as "how do i complain about the head?"
    is, but never on the review list of the head it is about (marked not helpful, or not answered). Before, the slip
    hid what she wanted, and Siân read it."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)

    asked = await bot.says(CARYS, said, lang=lang)
    if "ask.feedback" in text_of(asked.card):  # answered: she marks it not helpful
        await bot.clicks(CARYS, "ask.feedback", {**verb_data(asked.card or {}, "ask.feedback"), "value": "not_helpful"},
                         lang=lang)
    review = await bot.says(SIAN, "questions for review", lang=lang)

    assert said not in text_of(review.card), "on the review list of the head it is about"

@pytest.mark.parametrize(("said", "lang"), [
    ("I reported Siân last week and nothing has happened", Lang.EN),
    ("will Siân find out I reported her?", Lang.EN),
    ("i reported the head and nothing happened", Lang.EN),
    ("My concern is about Siân, has anyone read it?", Lang.EN),
    ("has gareth read my reprot about siân?", Lang.EN),
    ("Adroddais i Siân wythnos diwethaf a does dim byd wedi digwydd", Lang.CY)])
async def test_saying_she_reported_the_head_with_no_report_sent_here_is_never_on_the_heads_review_list(
        answering_bot: BotInMemory, said: str, lang: Lang) -> None:
    """Carys reported Siân another way (to the chair by email) and has sent no report here: "I reported Siân last week
    and nothing has happened" is asked of the policy and kept, as before, but never on the review list of Siân, whom it
    names, nor passed to her. Before, marked not helpful (or not answered), Siân read there that Carys had reported
    her."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)

    asked = await bot.says(CARYS, said, lang=lang)
    if "ask.feedback" in text_of(asked.card):  # answered: she marks it not helpful
        await bot.clicks(CARYS, "ask.feedback", {**verb_data(asked.card or {}, "ask.feedback"), "value": "not_helpful"},
                         lang=lang)
    review = await bot.says(SIAN, "questions for review", lang=lang)
    [record] = bot.store.questions.values()
    await bot.clicks(CARYS, "ask.escalate", {"q": record.question_id}, lang=lang)

    assert said not in text_of(review.card), "on the review list of the head it names"
    assert not _shows(await bot.cards_for(SIAN), said), "passed to the head it names"

@pytest.mark.parametrize(("said", "lang"), [
    ("The head is bullying me in front of the pupils", Lang.EN),
    ("Gareth keeps posting nasty things about me to the parents", Lang.EN),
    ("my line manager shouted at me in front of the kids", Lang.EN),
    ("Mae Gareth yn fy mwlio o flaen y plant", Lang.CY),
    ("Mae'r pennaeth yn gweiddi arna i o flaen y disgyblion", Lang.CY)])
async def test_a_colleague_named_beside_pupils_or_parents_opens_the_colleagues_form_not_the_outside_card(
        answering_bot: BotInMemory, said: str, lang: Lang) -> None:
    """"The head is bullying me in front of the pupils" names who does it, a colleague, though it speaks of pupils: the
    form opens with her words, as for any colleague. Before, the card said "This sounds like someone who isn't a
    colleague" and its first button was "Tell the headteacher", for a report about the head."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)

    reply = await bot.says(CARYS, said, lang=lang)

    assert "concern.submit" in text_of(reply.card), "the outside card, not the colleagues form"
    assert load_catalogue().text("concern.not_colleague_title", lang) not in text_of(reply.card)
    assert bot.store.questions == {}


async def test_a_parent_or_pupil_with_no_colleague_named_still_gets_the_outside_card(
        answering_bot: BotInMemory) -> None:
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)

    reply = await bot.says(CARYS, "A parent keeps posting nasty things about me in the class WhatsApp group")

    assert load_catalogue().text("concern.not_colleague_title", Lang.EN) in text_of(reply.card)


@pytest.mark.parametrize(("said", "lang"), [("GH keeps sending me horrible messages", Lang.EN),
                                            ("Garethhh keeps sending me horrible messages", Lang.EN),
                                            ("Mr Huges keeps sending me nasty messages", Lang.EN),
                                            ("Mae Mr Hughess yn anfon negeseuon cas ataf", Lang.CY),
                                            ("Gaz keeps sending me horrible messages late at night", Lang.EN),
                                            ("ghughes keeps sending me nasty messages", Lang.EN),
                                            ("Mr H keeps sending me nasty messages", Lang.EN),
                                            ("Mae Gaz yn anfon negeseuon cas ataf", Lang.CY),
                                            ("Mae Mr Huws yn anfon negeseuon cas ataf bob nos", Lang.CY),
                                            ("Garth keeps sending me horrible messages", Lang.EN),
                                            ("Mae Garth yn anfon negeseuon cas ataf bob nos", Lang.CY),
                                            ("The wellbeing lead keeps sending me nasty messages", Lang.EN),
                                            ("Mae'r arweinydd lles yn anfon negeseuon cas ataf", Lang.CY),
                                            ("Sir keeps sending me horrible messages", Lang.EN),
                                            ("Mae Syr yn anfon negeseuon cas ataf", Lang.CY)])
async def test_a_statement_naming_the_line_manager_as_a_report_reads_him_opens_the_form_and_is_not_kept(
        answering_bot: BotInMemory, said: str, lang: Lang) -> None:
    """Carys calls her line manager by his initials, nickname, login or the Welsh form of his surname, a word near his
    name ("Garth") or a post he may hold, as a report is read for: the form opens with her words. Before, only a name on
    the staff list or the settings' people opened it, so this was asked as a question and kept, for the policy owner's
    review list once marked not helpful ("Garth" and "yr arweinydd lles" were, until this release)."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)

    reply = await bot.says(CARYS, said)

    assert "concern.submit" in text_of(reply.card), "asked as a question"
    assert said in text_of(reply.card)
    strings = load_catalogue()
    assert strings.text("concern.form_title", lang) in text_of(reply.card)
    assert bot.store.questions == {}, "kept in the question log"


@pytest.mark.parametrize("said", ["Ga i bostio lluniau o'r trip?", "ga i bostio lluniau o'r trip"])
async def test_a_welsh_question_about_posting_is_answered_from_the_policy_not_taken_for_a_concern(
        answering_bot: BotInMemory, said: str) -> None:
    reply = await answering_bot.says(CARYS, said, lang=Lang.EN)

    assert "Dywedwch wrthym yn breifat" not in text_of(reply.card)
    assert len(answering_bot.store.questions) == 1


@pytest.mark.parametrize(("said", "lang"), [("A colleague keeps messaging me at night", Lang.EN),
                                            ("Mae cydweithiwr yn dal i anfon negeseuon ata i gyda'r nos", Lang.CY)])
async def test_someone_who_removed_the_app_and_types_a_concern_in_the_staff_team_is_told_to_open_a_chat(
        staffed: BotInMemory, said: str, lang: Lang) -> None:
    """Carys removed the app from her Teams, then tells the staff team a colleague keeps messaging her: the form waits
    in a chat she no longer has, and she used to hear nothing at all. Now the team hears only what anyone asking for
    something private there hears, in words that say nothing of a concern."""
    profiles = MemoryUserProfiles(staffed.store)
    await profiles.save_contact((await profiles.get_profile(CARYS)).without_chat(datetime.now(UTC)))
    strings = load_catalogue()

    told = await staffed.says(CARYS, said, scope=Scope.CHANNEL)

    shown = text_of(told.card).lower()
    assert strings.text("private.waiting", lang).lower() in shown
    assert not any(word in shown for word in ("concern", "report", "colleague", "pryder", "adroddiad", "cydweithiwr"))
    assert _shows(await staffed.cards_for(CARYS), strings.text("concern.form_title", lang))


async def test_a_concern_typed_in_the_staff_team_by_someone_the_bot_can_reach_is_not_spoken_of_there(
        staffed: BotInMemory) -> None:
    told = await staffed.says(CARYS, "A colleague keeps messaging me at night", scope=Scope.CHANNEL)

    assert told.card is None and told.more == []
    assert len(await staffed.cards_for(CARYS)) == 1


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
@pytest.mark.parametrize("scope", [Scope.GROUP, Scope.CHANNEL])
async def test_a_report_sent_from_a_form_in_a_group_comes_back_to_her_own_chat_with_her_words(
        staffed: BotInMemory, scope: Scope, lang: Lang) -> None:
    """A report form forwarded to a group chat or channel, filled in and sent there: a report is sent only from her own
    chat, so nothing was stored or sent, and she heard nothing at all, what she wrote gone with the card. Now the form
    comes to her own chat with her words in it, saying it was not sent; the group still hears nothing."""
    strings = load_catalogue()
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    words = {"what": SECRET, "since": "Since September", "where": "Teams chat", "urgent": "true"}

    told = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), **words},
                                lang=lang, scope=scope)

    [back] = await staffed.cards_for(CARYS)
    assert told.card is None and told.more == []
    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert await staffed.cards_for(GARETH) == []
    assert strings.text("concern.not_sent_from_a_group", lang) in text_of(back)
    assert {i["id"]: i.get("value") for i in inputs(back) if i["id"] in words} == words
    assert "concern.submit" in text_of(back)


# Hwb is one tenant for every maintained school in Wales, staff and pupils: the staff list says who is the federation's

PUPIL = Person(CARYS.tenant_id, "c3000000-0000-4000-8000-0000000000b1", "Elis Pupil (Year 9)")
# Send on a form opened before the staff list was imported (opened since, the form is not shown: see below).
FORM_OPENED_BEFORE_THE_LIST = {"form": "F-openedBeforeList1", "kind": "colleague"}


@pytest.mark.parametrize(("lang", "said"), [(Lang.EN, "staff list"), (Lang.CY, "rhestr staff")])
async def test_a_pupil_in_the_hwb_tenant_cannot_report_a_colleague_to_a_line_manager(
        staffed: BotInMemory, lang: Lang, said: str) -> None:
    """Not on the federation's staff list: the report is refused, below the form, in their language; nothing is
    stored, counted or sent to anyone."""
    strings = load_catalogue()
    await staffed.meets(PUPIL)

    about = "gareth.hughes@llanidloes.example.cymru"
    sent = await staffed.clicks(PUPIL, "concern.submit", {**FORM_OPENED_BEFORE_THE_LIST, "what": SECRET,
                                                          "about": about}, lang=lang)

    assert sent.new_message
    told = strings.text("concern.not_on_staff_list", lang, federation=staffed.federation.name(lang))
    assert told in text_of(sent.card) and said in text_of(sent.card)
    assert staffed.store.reports == {} and staffed.store.use_windows == {}
    assert SECRET not in text_of([await staffed.cards_for(p) for p in (GARETH, SIAN, CARYS, CHAIR)])


# Every way the form opens: typed (English, Welsh), a statement of being targeted by "a colleague", the button (on the
# welcome card and an answer), and the form for someone who is not a colleague. (A statement naming someone needs the
# question flow: tests/http/test_concern_safety.py.)
OPENED_BY = {"typed": "report a concern", "typed in Welsh": "codi pryder",
             "said": "A colleague keeps messaging me at night",
             "said in Welsh": "Mae cydweithiwr yn dal i anfon negeseuon ata i gyda'r nos"}
BUTTONS = {"button": {}, "the outside form's button": {"kind": "outside"}}


async def _opens_the_form(bot: BotInMemory, person: Person, route: str, lang: Lang, *,
                          scope: Scope = Scope.PERSONAL) -> Reply:
    if route in BUTTONS:
        return await bot.clicks(person, "concern.form", {**BUTTONS[route], "lang": lang.value}, lang=lang, scope=scope)
    return await bot.says(person, OPENED_BY[route], lang=lang, scope=scope)


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("route", [*OPENED_BY, *BUTTONS])
async def test_someone_not_on_the_staff_list_is_told_at_once_and_never_sees_the_staff_on_the_form(
        staffed: BotInMemory, lang: Lang, route: str) -> None:
    """A pupil in Hwb opening the form saw every member of staff by name, with their addresses in the card's data, and
    learned only at Send, after filling it in, that it would not go. Now opening it, by any route, says at once what
    Send would have said, what to do if it can't wait among it, and the card carries no name or address of staff."""
    strings = load_catalogue()
    await staffed.meets(PUPIL)
    shown_in = Lang.CY if route.endswith("in Welsh") else lang

    opened = await _opens_the_form(staffed, PUPIL, route, lang)

    said = text_of(opened.card)
    assert strings.text("concern.not_on_staff_list_form", shown_in,
                        federation=staffed.federation.name(shown_in)) in said
    assert strings.text("concern.form_title", shown_in) not in said and "concern.submit" not in said
    assert "@" not in said and not any(name in said for name in ("Gareth", "Siân", "Owain", "Ffion", "Huw"))
    assert staffed.store.reports == {} and staffed.store.use_windows == {}


@pytest.mark.parametrize(("lang", "now", "told_to"), [
    (Lang.EN, "If it can't wait", "your line manager or the headteacher in person"),
    (Lang.CY, "Os na all aros", "gyda'ch rheolwr llinell neu'r pennaeth wyneb yn wyneb")])
async def test_a_new_member_of_staff_opening_the_form_is_told_how_to_raise_it_now(
        staffed: BotInMemory, lang: Lang, now: str, told_to: str) -> None:
    """The same words as at Send: ask the office to be added, and meanwhile raise it in person if it can't wait."""
    await staffed.meets(NEW_TEACHING_ASSISTANT)

    opened = await staffed.says(NEW_TEACHING_ASSISTANT, "report a concern", lang=lang)

    said = text_of(opened.card)
    assert now in said and told_to in said and ("staff list" in said or "rhestr staff" in said)


async def test_someone_not_on_the_staff_list_asking_in_a_group_is_told_privately(staffed: BotInMemory) -> None:
    await staffed.meets(PUPIL)

    told = await _opens_the_form(staffed, PUPIL, "said", Lang.EN, scope=Scope.CHANNEL)

    assert told.card is None and told.more == []
    [private] = await staffed.cards_for(PUPIL)
    assert "If it can't wait" in text_of(private) and "@" not in text_of(private)


@pytest.mark.parametrize("route", [*OPENED_BY, *BUTTONS])
async def test_staff_on_the_list_still_get_the_form(staffed: BotInMemory, route: str) -> None:
    opened = await _opens_the_form(staffed, CARYS, route, Lang.EN)

    assert "concern.submit" in text_of(opened.card)


@pytest.mark.parametrize("csv_row", ["", "Nia Newydd,nia.newydd@llanidloes.example.cymru,high,Teacher,,"])
async def test_without_a_complete_staff_list_anyone_in_the_tenant_still_gets_the_form(
        bot: BotInMemory, csv_row: str) -> None:
    """No list imported, or a row without an object id: the list cannot say who is not staff, so nothing changes."""
    if csv_row:
        csv = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8") + csv_row + "\n"
        await MemoryStaffDirectory(bot.store).replace_all(read_staff_csv(csv, schools=["high", "primary"]).staff)
    await bot.meets(PUPIL)

    opened = await bot.says(PUPIL, "report a concern")

    assert "concern.submit" in text_of(opened.card)


async def test_the_form_lists_colleagues_by_object_id_not_by_address(staffed: BotInMemory) -> None:
    """The card's data carried every colleague's address; a key the server looks up does as well."""
    opened = await staffed.says(CARYS, "report a concern")

    [about] = [node for node in (opened.card or {})["body"] if node.get("id") == "about"]
    listed = {choice["title"]: choice["value"] for choice in about["choices"]}
    assert listed["Gareth Hughes"] == GARETH.aad_object_id
    assert "@" not in json.dumps(about["choices"])


async def test_a_colleague_picked_by_object_id_is_treated_as_one_picked_by_address(staffed: BotInMemory) -> None:
    """Gareth picked on a new form (his object id) goes past him to the head as picking him on an old one (his address)
    did; the report still records him by address, as reports always have."""
    form = await staffed.says(CARYS, "report a concern")
    [about] = [node for node in (form.card or {})["body"] if node.get("id") == "about"]
    [gareth] = [choice["value"] for choice in about["choices"] if choice["title"] == "Gareth Hughes"]

    receipt = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                             "what": SECRET, "about": gareth})

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id and "Gareth Hughes" not in text_of(
        await staffed.cards_for(GARETH))
    assert (report.about, report.about_name) == ("gareth.hughes@llanidloes.example.cymru", "Gareth Hughes")
    assert "Mrs Siân Roberts" in text_of(receipt.card)


async def test_a_form_sent_again_after_a_problem_keeps_the_colleague_picked_on_an_old_card(
        staffed: BotInMemory) -> None:
    """An old card sent his address; the form shown again with what she typed lists him by id, still picked."""
    form = await staffed.says(CARYS, "report a concern")
    old_card = {**verb_data(form.card or {}, "concern.submit"), "about": "gareth.hughes@llanidloes.example.cymru"}

    again = await staffed.clicks(CARYS, "concern.submit", {**old_card, "what": ""})

    [about] = [node for node in (again.card or {})["body"] if node.get("id") == "about"]
    assert about["value"] == GARETH.aad_object_id


NEW_TEACHING_ASSISTANT = Person(CARYS.tenant_id, "a1000000-0000-4000-8000-0000000000a7", "Nia Evans")


@pytest.mark.parametrize(("lang", "now", "told_to"), [
    (Lang.EN, "If it can't wait", "your line manager or the headteacher in person"),
    (Lang.CY, "Os na all aros", "gyda'ch rheolwr llinell neu'r pennaeth wyneb yn wyneb")])
async def test_a_new_member_of_staff_not_yet_on_the_list_is_told_how_to_raise_it_now(
        staffed: BotInMemory, lang: Lang, now: str, told_to: str) -> None:
    """A teaching assistant in her first week (not on the staff list yet) sent a report of being targeted and was told
    only to have the office add her and send it again, and to "speak to a teacher": nothing said what to do if it
    could not wait. She is now told to raise it with her line manager or the headteacher in person meanwhile, as the
    policy says; a pupil is still pointed to a teacher."""
    await staffed.meets(NEW_TEACHING_ASSISTANT)

    sent = await staffed.clicks(NEW_TEACHING_ASSISTANT, "concern.submit",
                                {**FORM_OPENED_BEFORE_THE_LIST, "what": SECRET}, lang=lang)

    said = text_of(sent.card)
    assert now in said and told_to in said
    assert staffed.store.reports == {}


async def test_before_the_staff_list_is_imported_anyone_in_the_tenant_can_still_send_a_report(
        bot: BotInMemory) -> None:
    await bot.meets(PUPIL, SIAN)

    await _report(bot, PUPIL)

    [report] = bot.store.reports.values()
    assert report.reporter == PUPIL


@pytest.mark.parametrize(("said", "lang"), [("who is my line manager?", Lang.EN), ("Who's my line manager", Lang.EN),
                                            ("pwy yw fy rheolwr llinell?", Lang.CY),
                                            ("Pwy ydy fy rheolwr llinell i?", Lang.CY)])
async def test_asking_who_your_line_manager_is_names_them_and_says_where_that_comes_from(
        staffed: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """A new teacher asked "who is my line manager?" and was told the policy does not cover it, though the concern
    form names him. She is told, with where the bot has it from and what to do if it is wrong; nothing is kept."""
    reply = await staffed.says(CARYS, said, lang=Lang.EN)

    shown = text_of(reply.card)
    assert strings.text("concern.my_manager", lang, name="Gareth Hughes") in shown
    assert strings.text("concern.my_manager_from_staff_list", lang) in shown
    assert strings.text("concern.my_manager_if_wrong", lang) in shown
    assert staffed.store.questions == {}


async def test_asking_who_your_line_manager_is_names_only_your_own(staffed: BotInMemory, strings: Catalogue) -> None:
    """Gareth is told his own (Siân), never Carys's (himself); Siân, whom the list gives no line manager, is told it
    does not know hers, and where a report from her goes instead."""
    gareth = text_of((await staffed.says(GARETH, "who is my line manager?")).card)
    sian = text_of((await staffed.says(SIAN, "who is my line manager?")).card)

    assert strings.text("concern.my_manager", Lang.EN, name="Mrs Siân Roberts") in gareth
    assert "Gareth Hughes" not in gareth
    assert strings.text("concern.my_manager_unknown", Lang.EN) in sian
    assert "Gareth Hughes" not in sian and "Ffion" not in sian


async def test_a_line_manager_asked_for_in_a_group_chat_is_told_privately(staffed: BotInMemory) -> None:
    reply = await staffed.says(CARYS, "who is my line manager?", scope=Scope.GROUP)

    assert "Gareth Hughes" not in text_of([reply.card, *reply.more])
    assert "Gareth Hughes" in text_of(await staffed.cards_for(CARYS))


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_graph_naming_the_reporter_as_her_own_manager_leaves_her_line_manager_to_the_staff_list(
        staffed: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """Microsoft 365's manager field for Carys names Carys (an HR sync that sets the field to the person herself). That
    source knows no manager; the office's list, which names Gareth, comes next. Before, her report skipped her line
    manager for the headteacher ("I couldn't find your line manager"), and asked, she was told none was known."""
    herself = StaffContact(CARYS.aad_object_id, "Carys Jenkins", "JenkinsC7@hwbcymru.net")
    flow = _concerns(staffed, managers=[GraphGives(herself)])

    receipt = await _sent_from_its_form(flow, lang, {"what": SECRET})
    asked = await flow.my_line_manager(Turn(actor=CARYS, lang=lang, scope=Scope.PERSONAL,
                                            text="who is my line manager?"))

    assert (await _only_report(staffed)).holder.aad_object_id == GARETH.aad_object_id
    assert _shows(await staffed.cards_for(GARETH), SECRET) and await staffed.cards_for(SIAN) == []
    assert "Gareth Hughes" in text_of(receipt.card)
    assert strings.text("concern.my_manager", lang, name="Gareth Hughes") in text_of(asked.card)
    assert strings.text("concern.my_manager_from_staff_list", lang) in text_of(asked.card)


@pytest.mark.parametrize(("said", "title"), [
    ("Ma rhywun o'r staff yn fy nhrolio fi", "Dywedwch wrthym yn breifat"),  # "trolio" after "fy": nasal
    ("Mae cydweithiwr yn trolio fi ar Facebook", "Dywedwch wrthym yn breifat"),
    ("Dw i'n cael fy nhrolio gan aelod o staff", "Dywedwch wrthym yn breifat"),
    ("Mae athro arall yn fy stelcian i ar Instagram", "Dywedwch wrthym yn breifat"),
    ("Mae cydweithiwr yn fy insyltio i ar WhatsApp", "Dywedwch wrthym yn breifat"),
    ("A colleague is trolling me", "Tell us privately"),  # the English it says
])
async def test_trolling_typed_in_welsh_as_staff_say_it_opens_the_welsh_form(
        staffed: BotInMemory, said: str, title: str) -> None:
    """ "Ma rhywun o'r staff yn fy nhrolio fi" quoted the policy on personal use, with a button to report, where "A
    colleague is trolling me" opens the form: the Welsh words staff use for it ("trolio", "stelcian", "insyltio", each
    mutated after "fy") were not read as being targeted."""
    form = await staffed.says(CARYS, said, lang=Lang.EN)

    assert title in text_of(form.card)


@pytest.mark.parametrize("said", ["adroddiadau i fi", "pryderon i fi", "Adroddiadau i fi plis"])
async def test_a_line_manager_asking_for_his_reports_as_welsh_speakers_say_it_gets_them(staffed: BotInMemory,
                                                                                        said: str) -> None:
    """"i fi" is how many Welsh speakers say "i mi" (for me): Gareth typed it, and was answered from the policy.
    Before, only "adroddiadau i mi" and the like were the list of reports he holds."""
    await _report(staffed)

    reply = await staffed.says(GARETH, said, lang=Lang.EN)

    assert load_catalogue().text("concern.held_title", Lang.CY) in text_of(reply.card)


@pytest.mark.parametrize("typed", ["my colleague keeps txting me at nite", "r colleague keeps msging me"])
async def test_a_report_typed_in_text_speak_opens_the_form_with_the_words_as_typed(bot: BotInMemory,
                                                                                   typed: str) -> None:
    """The router reads text-speak spelt out to choose the flow; the form must still start with what Carys wrote, not
    words the bot put in her mouth ("texting me at night")."""
    reply = await bot.says(CARYS, typed)

    assert typed in text_of(reply.card) and spelt_out(typed) not in text_of(reply.card)


# A safety review of "who do you mean?", a report sent twice, its reference typed and "my reports", as a clever insider
# would try them: the report never reaches, and is never shown to, anyone it may be about.

SIR = "Sir keeps sending me messages late at night"


@pytest.mark.parametrize("forged", [f"not:{SIAN.aad_object_id}", f"not:{CHAIR.aad_object_id}",
                                    f"not:{CARYS.aad_object_id}", f"NOT:{GARETH.aad_object_id.upper()}",
                                    f"not:{GARETH.aad_object_id},{SIAN.aad_object_id}", "not:", "not"])
async def test_a_forged_answer_clears_nobody_but_the_person_asked_about(staffed: BotInMemory, forged: str) -> None:
    """Card data written by hand, answering "who do you mean?" about someone else (the head, the chair, herself) or
    not quite about him: nothing is stored or sent to anyone, and she is asked again about Gareth Hughes."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern")

    again = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                           "what": SIR, "doubt": forged})

    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert [await staffed.cards_for(p) for p in (GARETH, SIAN, CHAIR)] == [[], [], []]
    assert _says(again.card, load_catalogue().text("concern.doubt.unnamed", Lang.EN, words="Sir",
                                                   manager="Gareth Hughes"))


@pytest.mark.parametrize(("what", "doubt", "holder"), [
    ("Gareth Hughes keeps sending me messages late at night", f"not:{GARETH.aad_object_id}", SIAN),
    ("Mrs Roberts keeps sending me messages late at night", f"not:{SIAN.aad_object_id}", CHAIR),
    ("Mrs Roberts and Gareth Hughes keep sending me messages", f"higher:{GARETH.aad_object_id}", CHAIR),
])
async def test_a_forged_answer_never_clears_someone_she_named(staffed: BotInMemory, what: str, doubt: str,
                                                              holder: Person) -> None:
    """An answer nobody asked for, clearing the line manager or the head she names in full: it goes past them."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern")

    await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what,
                                                   "doubt": doubt})

    assert (await _only_report(staffed)).holder.aad_object_id == holder.aad_object_id
    for person in (GARETH, SIAN, CHAIR):
        assert _shows(await staffed.cards_for(person), what) is (person is holder), person.name


@pytest.mark.parametrize(("lang", "edited"), [
    (Lang.EN, "Garth keeps sending me messages late at night"),
    (Lang.EN, "Gareth keeps sending me messages late at night"),
    (Lang.CY, "Mae'r arweinydd lles yn anfon negeseuon cas ataf bob nos"),
])
async def test_words_changed_after_she_answered_are_asked_about_again(staffed: BotInMemory, lang: Lang,
                                                                       edited: str) -> None:
    """Asked about "Sir", Carys says it isn't Gareth Hughes; before pressing Send again she rewrites it, now with words
    that may be him ("Garth"; "Gareth", with a Gareth Price on the list; "the wellbeing lead"). Her answer was about
    "Sir": nothing is sent until she is asked about the new words, and Gareth gets nothing."""
    await _adds_to_the_staff_list(staffed, GARETH_PRICE)
    sir = "Mae Syr yn anfon negeseuon cas ataf bob nos" if lang is Lang.CY else SIR
    _, data, asked = await _asked(staffed, CARYS, sir, lang=lang)
    not_him = _doubt(asked.card)["choices"][1]["value"]

    again = await staffed.clicks(CARYS, "concern.submit", {**data, "what": edited, "doubt": not_him}, lang=lang)

    assert await staffed.cards_for(GARETH) == [], "words she was never asked about sent it to the man they may mean"
    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert any(i.get("id") == "doubt" for i in inputs(again.card))


async def test_an_old_question_answered_after_the_staff_list_changed_is_asked_again(staffed: BotInMemory) -> None:
    """Carys was asked whether "Sir" is Gareth Hughes; before she answers, the staff list changes (Gareth has left,
    her line manager is now the head). Her "it isn't Gareth Hughes" says nothing of the head: nothing is sent."""
    _, data, asked = await _asked(staffed, CARYS, SIR)
    await _staff_list_without_gareth(staffed)

    again = await staffed.clicks(CARYS, "concern.submit", {**data, "doubt": _doubt(asked.card)["choices"][1]["value"]})

    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert await staffed.cards_for(SIAN) == [] and await staffed.cards_for(GARETH) == []
    assert "Mrs Siân Roberts" in json.dumps(_doubt(again.card), ensure_ascii=False)


async def test_both_answers_pressed_at_once_from_two_devices_make_one_report_for_one_person(
        staffed: BotInMemory) -> None:
    """The laptop says "it may be him", the phone "it isn't him", pressed together and then again the other way round:
    one report, one card, with one of them; the second press of each is that report."""
    _, data, asked = await _asked(staffed, CARYS, SIR)
    higher, not_him = (c["value"] for c in _doubt(asked.card)["choices"])

    first = await asyncio.gather(staffed.clicks(CARYS, "concern.submit", {**data, "doubt": higher}),
                                 staffed.clicks(CARYS, "concern.submit", {**data, "doubt": not_him}))
    later = [await staffed.clicks(CARYS, "concern.submit", {**data, "doubt": d}) for d in (not_him, higher)]

    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert all(report.reference in text_of(r.card) for r in (*first, *later))
    assert len(await staffed.cards_for(GARETH)) + len(await staffed.cards_for(SIAN)) == 1


@pytest.mark.parametrize("scope", [Scope.GROUP, Scope.CHANNEL])
async def test_an_answer_pressed_in_a_group_chat_sends_nothing_and_says_nothing_there(staffed: BotInMemory,
                                                                                      scope: Scope) -> None:
    """Her form with the question, forwarded to a group chat, and "it isn't Gareth Hughes" pressed there: nothing is
    stored or sent, and the group is shown neither her words nor whom they may mean."""
    _, data, asked = await _asked(staffed, CARYS, SIR)

    there = await staffed.clicks(CARYS, "concern.submit", {**data, "doubt": _doubt(asked.card)["choices"][1]["value"]},
                                 scope=scope)

    assert await MemoryConcernReports(staffed.store).list_all() == [] and await staffed.cards_for(GARETH) == []
    assert "Sir keeps" not in text_of(there.card) and "Gareth" not in text_of(there.card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_reference_typed_by_the_line_manager_it_went_past_is_a_made_up_one(staffed: BotInMemory,
                                                                                    lang: Lang) -> None:
    """Carys's "Sir" report went past Gareth to Siân; he has seen its reference (over her shoulder) and types it, and
    "my reports" and "reports for me": he learns nothing of it, not even that it exists."""
    form = await staffed.says(CARYS, "report a concern")
    await _sent_after_asking(staffed, CARYS, form, SIR)
    ref = (await _only_report(staffed)).reference

    typed = await staffed.says(GARETH, ref, lang=lang)
    made_up = await staffed.says(GARETH, "C-ZZZZZZ", lang=lang)
    mine = await staffed.says(GARETH, "my reports", lang=lang)
    held = await staffed.says(GARETH, "reports for me", lang=lang)

    assert typed.card == made_up.card
    for reply in (typed, mine, held):
        assert ref not in text_of(reply.card) and "Sir keeps" not in text_of(reply.card)
    assert not _says(mine.card, load_catalogue().text("concern.mine_held", lang))


async def test_a_reference_typed_by_a_former_holder_shows_nothing_written_after_it_left_him(
        staffed: BotInMemory) -> None:
    """Gareth closed Carys's report; she says it isn't resolved, in words about him, and it goes to Siân. Gareth,
    who held it, types its reference: he reads that it has gone on, and not her words about him."""
    reference = await _closed_by_gareth(staffed)
    note = "Nothing changed: Gareth Hughes has started doing it too"
    await staffed.clicks(CARYS, "concern.reopen", {"ref": reference, "note": note})
    assert _shows(await staffed.cards_for(SIAN), note)

    typed = await staffed.says(GARETH, reference)

    assert note not in text_of(typed.card) and "concern.close" not in text_of(typed.card)


async def test_a_reference_typed_by_a_holder_who_has_left_is_a_made_up_one(staffed: BotInMemory) -> None:
    await _report(staffed)
    ref = (await _only_report(staffed)).reference
    await _staff_list_without_gareth(staffed)

    typed = await staffed.says(GARETH, ref)

    assert typed.card == (await staffed.says(GARETH, "C-ZZZZZZ")).card and SECRET not in text_of(typed.card)


async def test_a_reference_typed_in_a_group_chat_is_answered_privately_and_says_nothing_there(
        staffed: BotInMemory) -> None:
    await _report(staffed)
    ref = (await _only_report(staffed)).reference

    there = await staffed.says(GARETH, ref, scope=Scope.GROUP)

    assert SECRET not in text_of(there.card) and "Carys" not in text_of(there.card)


async def test_a_forged_not_the_head_with_no_line_manager_known_never_clears_the_head_she_names(
        bot: BotInMemory) -> None:
    """Owain, whose line manager nobody knows, names the head as well as "my line manager", and sends an answer
    nobody asked, "it isn't the head": it goes to the chair of governors, never to the head."""
    await bot.meets(OWAIN, SIAN, CHAIR)
    form = await bot.says(OWAIN, "report a concern")
    what = "My line manager, Mrs Roberts, keeps sending me messages late at night"

    await bot.clicks(OWAIN, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), "what": what,
                                               "doubt": f"not:{SIAN.aad_object_id}"})

    assert await bot.cards_for(SIAN) == [] and _shows(await bot.cards_for(CHAIR), what)


async def test_the_same_words_on_a_new_form_answered_it_isnt_him_are_the_report_she_sent_higher(
        staffed: BotInMemory) -> None:
    """Carys's "Sir" report went past Gareth to Siân; not sure it had gone, she opens a new form, writes the same
    words and answers "it isn't Gareth Hughes" this time: that is the report she sent, and nothing reaches Gareth."""
    first = await staffed.says(CARYS, "report a concern")
    await _sent_after_asking(staffed, CARYS, first, SIR)
    second = await staffed.says(CARYS, "report a concern")
    data = {**verb_data(second.card or {}, "concern.submit"), "what": SIR}

    answer = await staffed.clicks(CARYS, "concern.submit", {**data, "doubt": f"not:{GARETH.aad_object_id}"})

    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert report.reference in text_of(answer.card) and await staffed.cards_for(GARETH) == []


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_reference_typed_by_the_head_a_report_is_about_is_a_made_up_one(staffed: BotInMemory,
                                                                                lang: Lang) -> None:
    """Carys's report names the head, so it went to the chair of governors; the head types its reference and "reports
    for me": she learns nothing of it."""
    await staffed.meets(CHAIR)
    what = "Mrs Roberts keeps sending me messages late at night"
    await _report(staffed, what=what)
    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id

    typed = await staffed.says(SIAN, f"show {report.reference}", lang=lang)
    held = await staffed.says(SIAN, "reports for me", lang=lang)

    assert typed.card == (await staffed.says(SIAN, "show C-ZZZZZZ", lang=lang)).card
    assert what not in text_of(typed.card) + text_of(held.card) and report.reference not in text_of(held.card)


async def test_a_report_sent_to_him_after_she_said_it_isnt_him_stays_with_him_and_nobody_else(
        staffed: BotInMemory) -> None:
    """"Sir" is not Gareth Hughes, she says: it goes to him, and the reminder task and the staff list's next read
    leave it with him, sending it to nobody else."""
    form = await staffed.says(CARYS, "report a concern")
    await _sent_after_asking(staffed, CARYS, form, SIR, choice=1)

    await staffed.keeps_the_staff_list()
    await staffed.checks_reports()

    assert (await _only_report(staffed)).holder.aad_object_id == GARETH.aad_object_id
    assert await staffed.cards_for(SIAN) == [] and len(await staffed.cards_for(GARETH)) == 1


async def _adds(bot: BotInMemory, person: Person, note: str, *, lang: Lang = Lang.EN,
                scope: Scope = Scope.PERSONAL) -> Reply:
    """The person presses Add to report on the reporter's card of the only report, with `note` in its box."""
    report = await _only_report(bot)
    return await bot.clicks(person, "concern.add", {"ref": report.reference, "note": note}, lang=lang, scope=scope)


@pytest.mark.parametrize(("lang", "note"), [(Lang.EN, "He sent another one at 11pm last night."),
                                            (Lang.CY, "Anfonodd un arall am 11 neithiwr.")])
async def test_the_reporter_reads_her_own_words_and_what_she_adds_reaches_the_holder_alone(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """Carys opens her report from "my reports" and reads what she sent; she adds something new, which comes to Gareth
    Hughes, who holds it, as a new card, and to nobody else; pressed twice, it is added once. Before, her view had only
    its status, and there was no way to add to it but a new report."""
    await staffed.meets(CHAIR)
    await _report(staffed)
    report = await _only_report(staffed)

    shown = await staffed.clicks(CARYS, "concern.show", {"ref": report.reference}, lang=lang)
    assert SECRET in text_of(shown.card) and "concern.add" in text_of(shown.card)
    before = len(await staffed.cards_for(GARETH))
    added = await _adds(staffed, CARYS, note, lang=lang)
    await _adds(staffed, CARYS, note, lang=lang)

    gareth = await staffed.cards_for(GARETH)
    assert len(gareth) == before + 1 and _shows(gareth[-1:], note)
    assert _says(gareth[-1], load_catalogue().text("concern.added_for_holder", Lang.EN, name="Carys Jenkins"))
    assert note in text_of(added.card) and SECRET in text_of(added.card)
    assert not _shows(await staffed.cards_for(SIAN), note) and not _shows(await staffed.cards_for(CHAIR), note)
    saved = await _only_report(staffed)
    assert (saved.level, saved.holder.aad_object_id, len(saved.notes)) == (0, GARETH.aad_object_id, 1)


@pytest.mark.parametrize(("lang", "note"), [(Lang.EN, "He sent another one at 11pm last night."),
                                            (Lang.CY, "Anfonodd un arall am 11 neithiwr.")])
async def test_the_holders_card_of_what_she_added_says_so_first_and_points_down_to_it(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """Gareth gets a second card of Carys's report when she adds to it, with the same title as the first: what is new
    is said under the title, before her report, and "see … below" points down to her addition. Before, the sentence
    came last, under the buttons' notes, and pointed "below" to an addition that was above it."""
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(
        person=GARETH, language=lang, conversation_ref='{"user": "Gareth Hughes"}'))
    await _report(staffed)
    await _adds(staffed, CARYS, note, lang=lang)

    card = (await staffed.cards_for(GARETH))[-1]
    strings = load_catalogue()
    said = text_of(card)
    news = json.dumps(strings.text("concern.added_for_holder", lang, name="Carys Jenkins"), ensure_ascii=False)[1:-1]
    label = strings.text("concern.note.added", lang, name="Carys Jenkins", when="")[:12]
    assert news in said and note in said
    words = said.index(SECRET)
    assert said.index(news) < words < said.index(label, words) < said.index(note, words)


@pytest.mark.parametrize(("lang", "note"), [(Lang.EN, "Gareth is now doing it too."),
                                            (Lang.CY, "Mae Mr Hughes yn gwneud yr un peth nawr hefyd."),
                                            (Lang.EN, "It's my line manager as well now.")])
async def test_something_added_that_may_be_about_the_holder_goes_past_him_and_he_never_reads_it(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """What Carys adds names Gareth Hughes, who holds her report, or calls him by his post: it goes on to the head with
    her note, and Gareth never reads it, on any card or by Show."""
    await _report(staffed)
    report = await _only_report(staffed)

    await _adds(staffed, CARYS, note, lang=lang)

    moved = await _only_report(staffed)
    assert (moved.level, moved.holder.aad_object_id) == (1, SIAN.aad_object_id)
    assert _shows(await staffed.cards_for(SIAN), note)
    shown = await staffed.clicks(GARETH, "concern.show", {"ref": report.reference})
    assert not _shows(await staffed.cards_for(GARETH), note) and note not in text_of(shown.card)


@pytest.mark.parametrize(("lang", "note"), [(Lang.EN, "Gareth is now doing it too, in the staff room."),
                                            (Lang.CY, "Mae Mr Hughes yn gwneud yr un peth nawr hefyd.")])
async def test_the_head_given_a_report_because_what_was_added_names_its_holder_is_told_not_to_share_it_with_him(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """What Carys adds names Gareth Hughes, who holds her report, so it goes past him to the head. The head's card says
    it came on from him for that, and not to share it with him, as it does of a report that named him when it was sent;
    Gareth never reads that. Before, her card read as a report he had passed up ("passed on to you"), and the head's
    next step might well have been to ask him about it."""
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(
        person=SIAN, language=lang, conversation_ref='{"user": "Mrs Siân Roberts"}'))
    await _report(staffed)

    await _adds(staffed, CARYS, note, lang=lang)

    strings = load_catalogue()
    warning = strings.text("concern.holder_past_named_holder", lang, name="Gareth Hughes", reporter="Carys Jenkins")
    assert _says((await staffed.cards_for(SIAN))[-1], warning)
    report = await _only_report(staffed)
    shown = await staffed.clicks(SIAN, "concern.show", {"ref": report.reference}, lang=lang)
    assert _says(shown.card, warning)
    gareth = [*await staffed.cards_for(GARETH),
              (await staffed.clicks(GARETH, "concern.show", {"ref": report.reference}, lang=lang)).card]
    assert not any(_says(card, warning) for card in gareth)


async def test_something_added_that_names_nobody_says_nothing_of_anyone_passed_over(staffed: BotInMemory) -> None:
    """Gareth has left the staff list; what Carys adds names nobody, and goes on to the head: nothing on the head's
    card says it may be about him."""
    await _report(staffed)
    await _staff_list_without_gareth(staffed)

    await _adds(staffed, CARYS, "It happened again on Friday.")

    assert (await _only_report(staffed)).holder.aad_object_id == SIAN.aad_object_id
    assert "share it with Gareth" not in text_of(await staffed.cards_for(SIAN))


async def test_something_added_while_the_holder_has_left_goes_to_the_next_person_and_never_to_him(
        staffed: BotInMemory) -> None:
    """Gareth Hughes has left the staff list before the reminder task passed Carys's report on; she adds something: it
    goes to the head, and nothing more reaches Gareth, whose Hwb account may have gone with him."""
    await _report(staffed)
    await _staff_list_without_gareth(staffed)
    before = await staffed.cards_for(GARETH)
    note = "He messaged me again from his new school."

    await _adds(staffed, CARYS, note)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id and _shows(await staffed.cards_for(SIAN), note)
    assert await staffed.cards_for(GARETH) == before


async def test_something_added_that_names_the_head_is_never_passed_on_to_her(staffed: BotInMemory) -> None:
    """Carys adds that the head is involved; Gareth Hughes holds it and reads it, and when he passes it on, it goes to
    the chair of governors, past the head."""
    await staffed.meets(CHAIR)
    note = "Mrs Roberts has started forwarding his messages to others."
    await _report(staffed)
    report = await _only_report(staffed)

    await _adds(staffed, CARYS, note)
    assert _shows(await staffed.cards_for(GARETH), note)
    await staffed.clicks(GARETH, "concern.escalate", {"ref": report.reference, "note": ""})

    moved = await _only_report(staffed)
    assert moved.holder.aad_object_id == CHAIR.aad_object_id and _shows(await staffed.cards_for(CHAIR), note)
    assert await staffed.cards_for(SIAN) == []


async def test_something_added_that_names_everyone_from_the_holder_up_changes_nothing(staffed: BotInMemory) -> None:
    await staffed.meets(CHAIR)
    await _report(staffed)
    note = "Gareth, Mrs Roberts and Mr Davies all know about it."

    added = await _adds(staffed, CARYS, note)

    report = await _only_report(staffed)
    assert (report.level, report.notes) == (0, ())
    assert _says(added.card, load_catalogue().text("concern.note_names_everyone", Lang.EN))
    for person in (GARETH, SIAN, CHAIR):
        assert not _shows(await staffed.cards_for(person), note)


async def test_only_the_reporter_adds_to_her_report_and_only_in_her_own_chat(staffed: BotInMemory) -> None:
    """Gareth, holding it, presses a forwarded Add to report; Carys presses it on her card posted in a group chat:
    nothing is added, and the group is told nothing of the report."""
    await _report(staffed)
    note = "Something new happened today."

    holder = await _adds(staffed, GARETH, note)
    group = await _adds(staffed, CARYS, note, scope=Scope.GROUP)

    assert (await _only_report(staffed)).notes == ()
    assert SECRET not in text_of(group.card) and note not in text_of(group.card) and note not in text_of(holder.card)


async def _cannot_find(bot: BotInMemory, person: Person, report: ConcernReport, *, lang: Lang = Lang.EN) -> None:
    """Show, Acknowledge, Close and Add on the report's card, its reference typed and "reports for me": `person` gets
    what a made-up reference gets, and nothing of the report."""
    made_up = (await bot.says(person, "C-ZZZZZZ", lang=lang)).card
    for verb, data in (("concern.show", {}), ("concern.acknowledge", {}),
                       ("concern.close", {"outcome": "Spoke to her.", "share_outcome": "false"}),
                       ("concern.escalate", {"note": ""}), ("concern.add", {"note": "x"})):
        pressed = await bot.clicks(person, verb, {"ref": report.reference, **data}, lang=lang)
        assert pressed.card == (await bot.clicks(person, verb, {"ref": "C-ZZZZZZ", **data}, lang=lang)).card, verb
    assert (await bot.says(person, report.reference, lang=lang)).card == made_up
    held = await bot.says(person, "reports for me", lang=lang)
    assert report.reference not in text_of(held.card) and report.what not in text_of(held.card)


@pytest.mark.parametrize(("lang", "note"), [(Lang.EN, "Gareth is now doing it too."),
                                            (Lang.CY, "Mae Mr Hughes yn gwneud yr un peth nawr hefyd."),
                                            (Lang.EN, "Garth has joined in, he forwards them round."),
                                            (Lang.CY, "Mae fy rheolwr llinell yn eu rhannu hefyd."),
                                            (Lang.CY, "Mae'n rheolwr i'n eu hanfon nhw ymlaen hefyd.")])
async def test_a_holder_passed_over_for_what_she_added_can_no_longer_open_it_by_any_button_or_its_reference(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """What Carys adds may be about Gareth Hughes, who held her report: it went on to the head. Afterwards his old
    card's Show, Acknowledge, Close, Pass on, and the reference typed, tell him what a made-up reference tells anyone,
    and the report stays as it is. Before, Show (and every button) opened it for him still, now a report that may be
    about him, with who holds it now and that it moved."""
    await staffed.meets(CHAIR)
    await _report(staffed)
    await _adds(staffed, CARYS, note, lang=lang)
    moved = await _only_report(staffed)
    assert moved.holder.aad_object_id == SIAN.aad_object_id

    await _cannot_find(staffed, GARETH, moved, lang=lang)

    after = await _only_report(staffed)
    assert (after.level, after.state, after.notes) == (moved.level, moved.state, moved.notes)
    assert _shows(await staffed.cards_for(SIAN), note) and not _shows(await staffed.cards_for(GARETH), note)
    shown = await staffed.clicks(SIAN, "concern.show", {"ref": moved.reference}, lang=lang)
    assert note in text_of(shown.card) and SECRET in text_of(shown.card)


@pytest.mark.parametrize(("lang", "note"), [(Lang.EN, "Gareth is now doing it too."),
                                            (Lang.CY, "Mae Mr Hughes yn gwneud yr un peth nawr hefyd.")])
async def test_the_card_of_a_holder_passed_over_for_what_she_added_says_only_that_it_has_moved_on(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """Gareth was sent Carys's report, and a reminder; what she adds names him, so it goes on to the head. Each card of
    it in his Teams is replaced in place, in his language, by one that says it is no longer with him: its reference,
    never her words, her name, why, or who has it now. Before, his cards still showed her report, waiting for him to
    acknowledge it, with buttons that no longer worked."""
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(
        person=GARETH, language=lang, conversation_ref='{"user": "Gareth Hughes"}'))
    await _report(staffed)
    reference = (await _only_report(staffed)).reference
    await _delivered(staffed, GARETH)
    await _concerns(staffed, clock=_stopped_at(datetime.now(UTC) + timedelta(days=5))).check_reports()
    await _delivered(staffed, GARETH)
    posted = {slot.card_key for slot in await MemoryConcernReports(staffed.store).list_posted_cards(
        await _only_report(staffed)) if slot.recipient.aad_object_id == GARETH.aad_object_id}
    assert len(posted) == 2, "the report and its reminder were posted to him"

    await _adds(staffed, CARYS, note, lang=Lang.EN)

    replacing = await MemoryOutbox(staffed.store).list_for_recipient(GARETH)
    assert {m.card_key for m in replacing} >= posted and all(m.update_only for m in replacing)
    strings = load_catalogue()
    for message in replacing:
        said = text_of(message.card)
        assert reference in said and _says(message.card, strings.text("concern.moved_on_body", lang))
        for secret in (SECRET, note, "Carys", "Siân", "Roberts", "pennaeth", "headteacher"):
            assert secret not in said
        assert message.preview == strings.text("notify.private", lang)
    assert _shows(await staffed.cards_for(SIAN), note)


async def test_a_card_not_yet_posted_to_a_holder_passed_over_for_what_she_added_is_never_posted(
        staffed: BotInMemory) -> None:
    """Gareth has not opened the bot since Carys's report was queued for him; what she adds names him. When he opens
    it, the sender has nothing of her report to bring him: the card saying it moved on only updates a card he has."""
    await _report(staffed)
    await _adds(staffed, CARYS, "Gareth is now doing it too.")

    queue = await MemoryOutbox(staffed.store).list_for_recipient(GARETH)
    first = first_to_claim(queue, datetime.now(UTC))
    assert first is not None and first.update_only and SECRET not in text_of(first.card)
    assert {m.message_id for m in queue if SECRET in text_of(m.card)} <= {
        m.message_id for m in superseded(queue, datetime.now(UTC))}


async def test_notes_naming_the_holder_then_the_head_then_the_chair_each_pass_over_and_the_last_is_kept_back(
        staffed: BotInMemory) -> None:
    """Carys adds a note naming Gareth (it goes to the head), then one naming the head (it goes to the chair), then one
    naming the chair (nobody is left: it is not added, and she is told so). Neither Gareth nor the head can open it or
    reads any note after their own time, and the chair never reads the note naming him."""
    await staffed.meets(CHAIR)
    await _report(staffed)
    first, second, third = ("Gareth has started too.", "Mrs Roberts laughed about it in the staffroom.",
                            "Mr Davies was told and did nothing.")

    await _adds(staffed, CARYS, first)
    await _adds(staffed, CARYS, second)
    last = await _adds(staffed, CARYS, third)

    report = await _only_report(staffed)
    assert (report.level, report.holder.aad_object_id) == (2, CHAIR.aad_object_id)
    assert [n.text for n in report.notes] == [first, second]
    assert _says(last.card, load_catalogue().text("concern.note_names_everyone", Lang.EN))
    assert not _shows(await staffed.cards_for(GARETH), first) and not _shows(await staffed.cards_for(GARETH), second)
    assert _shows(await staffed.cards_for(SIAN), first) and not _shows(await staffed.cards_for(SIAN), second)
    assert _shows(await staffed.cards_for(CHAIR), second)
    for person in (GARETH, SIAN, CHAIR):
        assert not _shows(await staffed.cards_for(person), third)
    await _cannot_find(staffed, GARETH, report)
    await _cannot_find(staffed, SIAN, report)


async def test_add_to_report_with_someone_elses_reference_is_refused_as_a_made_up_one(staffed: BotInMemory) -> None:
    """Carys's report names the head, so it goes to the chair of governors. Ffion crafts concern.add with its
    reference, and so does the head it is about: each gets what a made-up reference gets. The chair, holding it,
    presses it too: he gets his own card of it. Nothing is added and nobody is sent anything."""
    await staffed.meets(FFION, CHAIR)
    await _report(staffed, what="Mrs Roberts keeps sending me nasty direct messages about my lessons")
    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id
    before = {p.aad_object_id: await staffed.cards_for(p) for p in (GARETH, SIAN, CHAIR, CARYS)}

    for person in (FFION, SIAN):
        pressed = await _adds(staffed, person, "She did it again.")
        assert pressed.card == (await staffed.clicks(person, "concern.add", {"ref": "C-ZZZZZZ", "note": "x"})).card
    held = await _adds(staffed, CHAIR, "She did it again.")

    assert "She did it again." not in text_of(held.card) and "concern.add" not in text_of(held.card)
    assert (await _only_report(staffed)).notes == ()
    assert {p.aad_object_id: await staffed.cards_for(p) for p in (GARETH, SIAN, CHAIR, CARYS)} == before


async def test_the_same_note_added_from_two_devices_at_once_is_added_once_and_sent_once(staffed: BotInMemory) -> None:
    """Carys presses Add to report with the same words on her laptop and her phone at the same moment: one note, one
    new card for Gareth."""
    await _report(staffed)
    before = len(await staffed.cards_for(GARETH))
    note = "He sent another at midnight."

    await asyncio.gather(_adds(staffed, CARYS, note), _adds(staffed, CARYS, note))

    assert [n.text for n in (await _only_report(staffed)).notes] == [note]
    assert len(await staffed.cards_for(GARETH)) == before + 1


async def test_the_same_note_naming_the_holder_from_two_devices_at_once_passes_it_over_once(
        staffed: BotInMemory) -> None:
    """The same at once with a note naming Gareth: it goes to the head once (not on to the chair), and Gareth gets
    nothing but his cards of it replaced by one saying it has moved on."""
    await staffed.meets(CHAIR)
    await _report(staffed)
    note = "Gareth Hughes is doing it too now."

    await asyncio.gather(_adds(staffed, CARYS, note), _adds(staffed, CARYS, note))

    report = await _only_report(staffed)
    assert (report.level, report.holder.aad_object_id, len(report.notes)) == (1, SIAN.aad_object_id, 1)
    moved_on = load_catalogue().text("concern.moved_on_body", Lang.EN)
    assert not _shows(await staffed.cards_for(GARETH), note) and await staffed.cards_for(CHAIR) == []
    assert all(m.update_only and _says(m.card, moved_on) for m in
               await MemoryOutbox(staffed.store).list_for_recipient(GARETH) if SECRET not in text_of(m.card))


@pytest.mark.parametrize("what", ["Mrs Siân Roberts keeps posting about me", "Siân Roberts and Miss keep posting"])
async def test_a_forged_it_isnt_the_head_for_words_that_surely_name_her_never_sends_it_to_her(
        staffed: BotInMemory, what: str) -> None:
    """Carys's form is sent with "It isn't Mrs Siân Roberts" for words that name her plainly (a forged press: the form
    never asked): it goes to the chair, and the head never sees it."""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern")
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what, "involves_manager": "true"}
    said, head = said_key((what, "", "", "", "")), StaffContact(SIAN.aad_object_id, SIAN.name)
    for doubt in (doubt_value(DOUBT_NOT_THEM, head, said), doubt_value(DOUBT_NOT_THEM, head)):
        await staffed.clicks(CARYS, "concern.submit", {**data, "doubt": doubt})

    [report] = await MemoryConcernReports(staffed.store).list_all()
    assert report.holder.aad_object_id == CHAIR.aad_object_id
    assert SIAN.aad_object_id not in {c.aad_object_id for c in report.chain}
    assert await staffed.cards_for(SIAN) == [] and await staffed.cards_for(GARETH) == []


@pytest.mark.parametrize(("lang", "note"), [
    (Lang.EN, "Gareth closed it and now he is doing it too."),
    (Lang.CY, "Caeodd Mr Hughes yr adroddiad, a nawr mae'n gwneud yr un peth.")])
async def test_a_holder_named_in_her_not_resolved_note_can_no_longer_open_the_report(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """Gareth Hughes closes Carys's report; she says it isn't resolved, with a note that may be about him: it goes to
    the head, and his card's buttons and the reference typed tell him what a made-up reference does. Before, Show
    opened it for him still."""
    await staffed.meets(CHAIR)
    await _report(staffed)
    report = await _only_report(staffed)
    await staffed.clicks(GARETH, "concern.close", {"ref": report.reference, "outcome": "Spoke to Dafydd.",
                                                   "share_outcome": "true"})

    await staffed.clicks(CARYS, "concern.reopen", {"ref": report.reference, "note": note}, lang=lang)

    moved = await _only_report(staffed)
    assert moved.holder.aad_object_id == SIAN.aad_object_id and _shows(await staffed.cards_for(SIAN), note)
    await _cannot_find(staffed, GARETH, moved, lang=lang)


@pytest.mark.parametrize(("lang", "note"), [(Lang.EN, "Miss is sharing them round now as well."),
                                            (Lang.CY, "Mae Miss yn eu rhannu nhw nawr hefyd.")])
async def test_a_title_without_a_name_added_while_the_head_holds_it_in_the_line_managers_place_goes_past_her(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """Carys ticked that it involves Gareth, so the head holds her report in his place. She adds a note about "Miss",
    which may be the head: on the form she would have been asked; a note cannot ask, so it goes on to the chair with
    the note, and the head never reads it nor can open the report again. Before, it went to the head."""
    await staffed.meets(CHAIR)
    await _report(staffed, involves_manager="true")
    assert (await _only_report(staffed)).holder.aad_object_id == SIAN.aad_object_id

    await _adds(staffed, CARYS, note, lang=lang)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id and _shows(await staffed.cards_for(CHAIR), note)
    assert not _shows(await staffed.cards_for(SIAN), note) and await staffed.cards_for(GARETH) == []
    await _cannot_find(staffed, SIAN, report, lang=lang)


async def test_an_old_form_sent_after_the_staff_list_changed_reaches_nobody_it_may_be_about(
        staffed: BotInMemory) -> None:
    """Carys opens the form while Gareth Hughes is her line manager and ticks that it involves him; before she sends
    it, the office's new list has him gone and the head as her line manager. Her tick now means the head: it goes to
    the chair, and neither Gareth nor the head receives or can open it. (A form posted before forms said whom they go
    to, `goes_to`, comes back once saying who now; so does one that says, when that has changed.)"""
    await staffed.meets(CHAIR)
    form = await staffed.says(CARYS, "report a concern")
    await _staff_list_without_gareth(staffed)
    what = "He keeps posting about me in the staff group"
    old_form = {k: v for k, v in verb_data(form.card or {}, "concern.submit").items() if k != "goes_to"}
    again = await staffed.clicks(CARYS, "concern.submit", {**old_form, "what": what, "involves_manager": "true"})
    assert await MemoryConcernReports(staffed.store).list_all() == []

    await staffed.clicks(CARYS, "concern.submit", {**verb_data(again.card or {}, "concern.submit"), "what": what,
                                                   "involves_manager": "true"})

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id and _shows(await staffed.cards_for(CHAIR), what)
    assert await staffed.cards_for(GARETH) == [] and await staffed.cards_for(SIAN) == []
    await _cannot_find(staffed, SIAN, report)




@pytest.mark.parametrize(("lang", "what", "ticked"), [
    (Lang.EN, "Miss keeps posting about me", "true"),
    (Lang.CY, "Mae Syr yn anfon negeseuon cas ataf bob nos", "true"),
    (Lang.EN, "Garth and Miss keep posting about me", "false")])
async def test_a_report_sent_past_the_head_for_words_that_may_mean_her_is_not_in_her_figures(
        staffed: BotInMemory, lang: Lang, what: str, ticked: str) -> None:
    """Carys's words may mean the head, so the report goes past her to the chair. The head's figures for the governors
    leave it out, as they leave out a report about a headteacher: before, it was counted, and "fewer than 5" where
    there had been 0 told her a report she never received had been sent."""
    await staffed.meets(CHAIR)
    strings = load_catalogue()
    before = facts((await staffed.says(SIAN, "figures", lang=lang)).card)
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    await _sent_after_asking(staffed, CARYS, form, what, lang=lang, involves_manager=ticked)

    assert (await _only_report(staffed)).holder.aad_object_id == CHAIR.aad_object_id
    after = facts((await staffed.says(SIAN, "figures", lang=lang)).card)
    assert before[strings.text("figures.received", lang)] == "0"
    assert after == before


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_marks_stacked_on_a_letter_cannot_draw_over_the_line_managers_card(staffed: BotInMemory,
                                                                                  lang: Lang) -> None:
    """A report, and what the reporter adds to it, with a hundred combining marks on each of three letters ("Zalgo"
    text, drawn far above and below their line, over the card's own words): the line manager's cards carry at most
    four on a letter, and the words. Before, all 111 reached him."""
    stacked = "".join(chr(c) for c in range(0x300, 0x36F))
    zalgo = "".join(f"{letter}{stacked}" for letter in "abc")
    await _report(staffed, what=f"{SECRET} {zalgo}")
    await _adds(staffed, CARYS, f"Another message last night {zalgo}", lang=lang)

    first, added = await staffed.cards_for(GARETH)
    for shown in (text_of(first), text_of(added)):
        assert f"{SECRET} abc" in "".join(ch for ch in shown if unicodedata.category(ch) != "Mn")
        assert max(len(run) for run in re.findall(r"[\u0300-\u036f]+", shown)) <= 4
    assert "Another message last night abc" in "".join(ch for ch in text_of(added) if unicodedata.category(ch) != "Mn")


@pytest.mark.parametrize(("typed", "lang"), [("cydnabod yr adroddiad", Lang.CY),
                                             ("Dwi wedi darllen yr adroddiad", Lang.CY),
                                             ("Acknowledge the report please", Lang.EN),
                                             ("acknowledge C-4QX9TB", Lang.EN),
                                             ("Dwi isio uwchgyfeirio'r adroddiad", Lang.CY),
                                             ("cau'r adroddiad", Lang.CY), ("close the report", Lang.EN),
                                             ("escalate", Lang.EN)])
async def test_a_holder_acknowledging_in_his_own_words_acknowledges_nothing_and_is_shown_his_reports(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang) -> None:
    """A line manager on his phone under the report's card types "cydnabod yr adroddiad" or "uwchgyfeirio'r adroddiad":
    before, the policy was quoted (abuse of the guidance) or "not covered", kept on the head's questions for review,
    and the report still waited. He gets the reports he holds, with a line saying to use the buttons on the report;
    someone holding none is told how reports are acted on; nothing changes and nothing is kept."""
    await answering_bot.has_the_staff_list()
    await answering_bot.meets(CARYS, GARETH, SIAN)
    await _report(answering_bot)
    [report] = await MemoryConcernReports(answering_bot.store).list_all()

    held = await answering_bot.says(GARETH, typed, lang=Lang.EN)
    not_holder = await answering_bot.says(OWAIN, typed, lang=Lang.EN)

    assert strings.text("concern.typed_acknowledge", lang) in text_of(held.card)
    assert report.reference in text_of(held.card)
    assert strings.text("concern.typed_acknowledge_not_holder", lang) in text_of(not_holder.card)
    assert report.reference not in text_of(not_holder.card)
    [still] = await MemoryConcernReports(answering_bot.store).list_all()
    assert still.state is ReportState.OPEN and answering_bot.store.questions == {}


# Safety review of this round's changes: a clever insider's attacks on them, each over the real flows.
TWO_NAMES = "Gareth and Siân keep messaging me late at night"
ELIN = Person(CARYS.tenant_id, "a1000000-0000-4000-8000-0000000000c7", "Elin Parry")
ELIN_ROW = StaffMember("Elin Parry", "elin.parry@llanidloes.example.cymru", "high", "Teacher of History",
                       "gareth.hughes@llanidloes.example.cymru", ELIN.aad_object_id)


@pytest.mark.parametrize(("lang", "forged"), [
    (Lang.EN, "not:{gareth}"),  # no words key at all
    (Lang.EN, "not:{gareth}:{other}"),  # carried from another form's words (another report)
    (Lang.EN, "higher:{sian}:{key} not:{gareth}:{other}"),
    (Lang.CY, "not:{gareth}:{welsh}"),  # her answer to the same report written in Welsh
    (Lang.EN, "not:{sian}:{key}"),  # an answer about the head, not the line manager
    (Lang.EN, "u v w x y z not:{gareth}:{key}"),  # past the most she can have been asked
])
async def test_an_answered_field_she_never_gave_for_these_words_does_not_send_it_to_whom_it_may_be_about(
        staffed: BotInMemory, lang: Lang, forged: str) -> None:
    """Send pressed on the form with an `answered` saying "it isn't Gareth Hughes" that is not her answer to these
    words: she is asked about Gareth as if it were not there, nothing is stored, and nothing reaches Gareth."""
    await staffed.meets(CHAIR)
    await _adds_to_the_staff_list(staffed, GARETH_PRICE, SIAN_EVANS)
    ids = {"gareth": GARETH.aad_object_id.lower(), "sian": SIAN.aad_object_id.lower(),
           "key": said_key((TWO_NAMES, "", "", "", "")),
           "other": said_key(("Gareth keeps messaging me", "", "", "", "")),
           "welsh": said_key(("Mae Gareth a Siân yn anfon negeseuon cas ataf bob nos", "", "", "", ""))}

    _, _, asked = await _asked(staffed, CARYS, TWO_NAMES, lang=lang, answered=forged.format(**ids))

    strings = load_catalogue()
    assert [c["title"] for c in _doubt(asked.card)["choices"]][0] == strings.text(
        "concern.doubt.higher", lang, manager="Gareth Hughes", name="Mr Huw Davies")
    assert await MemoryConcernReports(staffed.store).list_all() == [] and await staffed.cards_for(GARETH) == []


@pytest.mark.parametrize(("lang", "what"), [
    (Lang.EN, "Gareth and Siân keep messaging me late at night, and Mr Hughes forwards them round."),
    (Lang.CY, "Mae Gareth a Siân yn anfon negeseuon ataf bob nos, ac mae Mr Hughes yn eu rhannu."),
])
async def test_it_isnt_him_given_for_words_that_also_name_him_plainly_never_sends_it_to_him(
        staffed: BotInMemory, lang: Lang, what: str) -> None:
    """"It isn't Gareth Hughes" pressed (or carried in `answered`) for words that name him plainly elsewhere ("Mr
    Hughes"): it never reaches Gareth, nor the head its "Siân" may mean while she has not said otherwise."""
    await staffed.meets(CHAIR)
    await _adds_to_the_staff_list(staffed, GARETH_PRICE, SIAN_EVANS)
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    key = said_key((what, "", "", "", ""))
    not_him = doubt_value(DOUBT_NOT_THEM, StaffContact(GARETH.aad_object_id, GARETH.name), key)

    reply = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                           "what": what, "doubt": not_him, "answered": not_him},
                                 lang=lang)
    for _ in range(3):  # whatever she is asked next, its default
        if await MemoryConcernReports(staffed.store).list_all():
            break
        reply = await staffed.clicks(CARYS, "concern.submit", {**verb_data(reply.card or {}, "concern.submit"),
                                                               "what": what,
                                                               "doubt": _doubt(reply.card)["choices"][0]["value"]},
                                     lang=lang)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id and await staffed.cards_for(GARETH) == []
    assert all(c.aad_object_id != GARETH.aad_object_id for c in report.chain)
    await _the_head_cannot_see(staffed, report, what)


async def test_her_asked_form_pressed_by_a_colleague_in_a_group_carries_none_of_her_answers_to_his_own(
        staffed: BotInMemory) -> None:
    """Carys said "it isn't Gareth Hughes" and is asked about the head; the form is forwarded to a group, where Elin
    (whose line manager is Gareth too) presses Send. Her own chat gets a form that carries nothing of Carys's answer,
    so sent with the same words it asks Elin about Gareth afresh; nothing reaches Gareth or the head."""
    await _adds_to_the_staff_list(staffed, GARETH_PRICE, SIAN_EVANS, ELIN_ROW)
    await staffed.meets(ELIN)
    _, data, first = await _asked(staffed, CARYS, TWO_NAMES)
    asked, _ = await _answers(staffed, data, first, (1,), lang=Lang.EN)
    forwarded = verb_data(asked.card or {}, "concern.submit")
    assert forwarded.get("answered"), "her first answer is on the form"

    in_group = await staffed.clicks(ELIN, "concern.submit", {**forwarded, "what": TWO_NAMES}, scope=Scope.GROUP)
    [own] = [m for m in await MemoryOutbox(staffed.store).list_for_recipient(ELIN)]
    carried = verb_data(dict(own.card), "concern.submit")
    sent = await staffed.clicks(ELIN, "concern.submit", {**carried, "what": TWO_NAMES,
                                                         "doubt": _doubt(asked.card)["choices"][1]["value"]})

    assert "answered" not in carried and "Siân keep" not in text_of(in_group.card)
    assert _doubt(sent.card)["choices"][1]["title"].startswith("It isn't Gareth Hughes")
    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert await staffed.cards_for(GARETH) == [] and await staffed.cards_for(SIAN) == []


@pytest.mark.parametrize(("lang", "note"), [(Lang.EN, "Gerath has started forwarding them round too."),
                                            (Lang.CY, "Mae Mr Heghus yn eu hanfon nhw ymlaen hefyd.")])
async def test_the_moved_on_card_has_no_button_and_his_reports_for_me_never_names_her(
        staffed: BotInMemory, lang: Lang, note: str) -> None:
    """What Carys adds names Gareth with two letters swapped apart: it goes past him. The card that replaces his has
    no button to press, and his "reports for me" (in English and Welsh) names neither her nor her report; his old
    card's buttons find nothing."""
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(
        person=GARETH, language=lang, conversation_ref='{"user": "Gareth Hughes"}'))
    await _report(staffed)
    old = (await staffed.cards_for(GARETH))[0]
    await _delivered(staffed, GARETH)

    await _adds(staffed, CARYS, note)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id
    replacing = [m for m in await MemoryOutbox(staffed.store).list_for_recipient(GARETH) if m.update_only]
    assert replacing and all(actions(dict(m.card)) == [] for m in replacing)
    for typed in ("reports for me", "adroddiadau i mi"):
        held = await staffed.says(GARETH, typed, lang=lang)
        assert "Carys" not in text_of(held.card) and report.reference not in text_of(held.card)
    for verb in ("concern.show", "concern.acknowledge"):
        pressed = await staffed.clicks(GARETH, verb, verb_data(old, "concern.acknowledge"), lang=lang)
        assert SECRET not in text_of(pressed.card) and "Carys" not in text_of(pressed.card)


async def _passed_up_by_the_reminder(bot: BotInMemory, *, federation: Federation | None = None) -> ConcernReport:
    """The reminder task runs every day for two weeks after the report was sent, until it passes it up."""
    sent = (await _only_report(bot)).submitted_at
    for day in range(1, 15):
        await _concerns(bot, clock=_stopped_at(sent + timedelta(days=day)), federation=federation).check_reports()
        if (report := await _only_report(bot)).level > 0:
            return report
    raise AssertionError("never passed up")


@pytest.mark.parametrize(("lang", "how"), [(Lang.EN, "near name"), (Lang.CY, "near name"), (Lang.EN, "added"),
                                           (Lang.CY, "added"), (Lang.EN, "new head")])
async def test_the_reminder_passing_up_a_report_that_may_be_about_the_head_takes_it_past_her_to_the_chair(
        staffed: BotInMemory, lang: Lang, how: str) -> None:
    """Gareth holds Carys's report and never acknowledges it; it may be about the headteacher (a word near her name,
    what Carys added since, or, after Easter, the new head it names). The reminder task passes it past the head to the
    chair of governors, whose card says Gareth did not acknowledge it in time and whose "reports for me" names Carys;
    the head gets nothing of it and cannot find it."""
    await staffed.meets(CHAIR, RHYS)
    federation = _with_new_head() if how == "new head" else None
    what = {"near name": {Lang.EN: "Mrs Roterbs keeps posting about me on Facebook",
                          Lang.CY: "Mae Mrs Roterbs yn postio amdanaf ar Facebook o hyd"}[lang],
            "added": SECRET, "new head": f"{SECRET}. Rhys Ellis laughs about it."}[how]
    await _report(staffed, what=what)
    if how == "added":
        await _adds(staffed, CARYS, {Lang.EN: "Mrs Roberts has joined in now.",
                                     Lang.CY: "Mae Mrs Roberts wedi ymuno hefyd."}[lang], lang=lang)
    assert (await _only_report(staffed)).holder.aad_object_id == GARETH.aad_object_id

    report = await _passed_up_by_the_reminder(staffed, federation=federation)

    head = RHYS if how == "new head" else SIAN
    assert report.holder.aad_object_id == CHAIR.aad_object_id, "passed up to the head it may be about"
    assert await staffed.cards_for(head) == []
    strings = load_catalogue()
    assert _says((await staffed.cards_for(CHAIR))[0], strings.text("concern.holder_passed_up", Lang.EN,
                                                                    name="Gareth Hughes"))
    held = await staffed.says(CHAIR, "reports for me")
    assert _says(held.card, strings.text("concern.held_from", Lang.EN, name="Carys Jenkins"))
    if how != "new head":
        await _the_head_cannot_see(staffed, report, what)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_report_the_reminder_passed_up_then_what_she_added_names_the_head_says_nothing_of_it_to_the_head(
        staffed: BotInMemory, lang: Lang) -> None:
    """The reminder task passed Carys's report from Gareth to the head; then what Carys adds names the head, so it goes
    on to the chair. The head's cards are replaced, in her language, by ones saying only that it moved on (not the
    note, nor who has it now, nor why); the chair's card does not say the head failed to acknowledge it; and Gareth,
    whom the reminder passed it from (it is not about him), reads nothing of the note nor why it went past her."""
    await staffed.meets(CHAIR)
    await MemoryUserProfiles(staffed.store).save_profile(UserProfile(
        person=SIAN, language=lang, conversation_ref='{"user": "Mrs Siân Roberts"}'))
    await _report(staffed)
    assert (await _passed_up_by_the_reminder(staffed)).holder.aad_object_id == SIAN.aad_object_id
    await _delivered(staffed, SIAN)
    note = {Lang.EN: "Mrs Roberts laughed about it in the staff room.",
            Lang.CY: "Mae Mrs Roberts wedi chwerthin am y peth yn yr ystafell staff."}[lang]

    await _adds(staffed, CARYS, note, lang=Lang.EN)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == CHAIR.aad_object_id and _shows(await staffed.cards_for(CHAIR), note)
    strings = load_catalogue()
    replacing = await MemoryOutbox(staffed.store).list_for_recipient(SIAN)
    assert replacing and all(m.update_only and _says(m.card, strings.text("concern.moved_on_body", lang))
                             for m in replacing)
    for said in (text_of(m.card) for m in replacing):
        for secret in (note, SECRET, "Carys", "Huw", "Davies", "Gareth", "chair", "cadeirydd"):
            assert secret not in said
    assert not any(_says(c, strings.text("concern.holder_passed_up", Lang.EN, name="Mrs Siân Roberts"))
                   for c in await staffed.cards_for(CHAIR))
    shown = await staffed.clicks(GARETH, "concern.show", {"ref": report.reference}, lang=lang)
    for said in (text_of(shown.card), *(text_of(c) for c in await staffed.cards_for(GARETH))):
        assert note not in said and "Roberts laughed" not in said and "may be about" not in said


@pytest.mark.parametrize(("lang", "typed"), [(Lang.EN, "anything waiting for me?"), (Lang.CY, "adroddiadau i mi"),
                                           (Lang.EN, "reports for me")])
@pytest.mark.parametrize("holder", ["line manager", "head"])
async def test_what_waits_for_a_holder_asked_in_a_group_chat_never_names_the_reporter_there(
        staffed: BotInMemory, lang: Lang, typed: str, holder: str) -> None:
    """Gareth (or the head, once Gareth passed it up) types what waits for him in a group chat: the group is shown
    neither Carys's name nor her report's reference; the list, naming her, comes to his own chat alone, its lock-screen
    line naming nobody."""
    await _escalated_by_gareth(staffed) if holder == "head" else await _report(staffed)
    person = SIAN if holder == "head" else GARETH
    reference = (await _only_report(staffed)).reference
    before = len(await MemoryOutbox(staffed.store).list_for_recipient(person))

    there = await staffed.says(person, typed, lang=lang, scope=Scope.GROUP)

    shown = text_of(there.card) + "".join(text_of(c) for c in there.more)
    assert "Carys" not in shown and reference not in shown
    sent = (await MemoryOutbox(staffed.store).list_for_recipient(person))[before:]
    assert any(_says(m.card, load_catalogue().text("concern.held_from", lang, name="Carys Jenkins")) for m in sent)
    assert all("Carys" not in m.preview for m in sent)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_show_more_forged_after_a_report_that_went_past_him_says_nothing_of_where_it_stands(
        staffed: BotInMemory, lang: Lang) -> None:
    """Gareth holds two of Elin's reports (one he acknowledged); Carys's went past him for what she added (it may be
    about him). A "reports for me" Show more forged to go on after her report's reference shows him what a made-up
    reference shows, before and after the head acknowledges it. Before, where his list began said whether the head
    had acknowledged a report that may be about him."""
    await _adds_to_the_staff_list(staffed, ELIN_ROW)
    await staffed.meets(ELIN)
    await _report(staffed, ELIN, what="Dafydd keeps sending me messages late at night")
    await _report(staffed, ELIN, what="Dafydd posted a photo of my classroom on Facebook")
    elins = sorted((r for r in await MemoryConcernReports(staffed.store).list_all()), key=lambda r: r.submitted_at)
    await staffed.clicks(GARETH, "concern.acknowledge", {"ref": elins[1].reference})
    await _report(staffed)
    [carys] = [r for r in await MemoryConcernReports(staffed.store).list_all() if r.reporter == CARYS]
    await staffed.clicks(CARYS, "concern.add", {"ref": carys.reference, "note": "Gareth is doing it too now."})

    async def shown_after(reference: str) -> object:
        return (await staffed.clicks(GARETH, "concern.held", {"after": reference}, lang=lang)).card

    before = await shown_after(carys.reference)
    await staffed.clicks(SIAN, "concern.acknowledge", {"ref": carys.reference})
    after = await shown_after(carys.reference)

    made_up = await shown_after("C-ZZZZZZ")
    assert before == made_up and after == made_up


async def test_reports_for_me_as_the_chair_names_nobody_until_a_report_reaches_him(staffed: BotInMemory) -> None:
    """The chair of governors asks for the reports he holds while Gareth holds Carys's: nothing of it, nor her name."""
    await staffed.meets(CHAIR)
    await _report(staffed)

    held = await staffed.says(CHAIR, "reports for me")
    in_welsh = await staffed.says(CHAIR, "adroddiadau i mi", lang=Lang.CY)

    reference = (await _only_report(staffed)).reference
    for card in (held.card, in_welsh.card):
        assert "Carys" not in text_of(card) and reference not in text_of(card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_the_same_words_as_another_colleagues_closed_report_are_his_own_report_and_show_nothing_of_hers(
        staffed: BotInMemory, lang: Lang) -> None:
    """Carys's report was closed this morning; Owain sends the very same words on his own form: his is a report of
    his own, to his line manager, and he sees nothing of Carys's (not its reference, not that it was closed)."""
    await staffed.meets(OWAIN, FFION)
    await _report(staffed)
    hers = await _only_report(staffed)
    await staffed.clicks(GARETH, "concern.close", {"ref": hers.reference, "outcome": "Spoke to Dafydd"})

    form = await staffed.says(OWAIN, "report a concern", lang=lang)
    his = await staffed.clicks(OWAIN, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                         "what": SECRET}, lang=lang)

    reports = await MemoryConcernReports(staffed.store).list_all()
    [mine] = [r for r in reports if r.reporter.aad_object_id == OWAIN.aad_object_id]
    assert len(reports) == 2 and mine.holder.aad_object_id == FFION.aad_object_id
    assert hers.reference not in text_of(his.card) and mine.reference in text_of(his.card)
    assert not _says(his.card, load_catalogue().text("concern.sent_already_closed", lang, ref=hers.reference,
                                                     when=on_day(load_catalogue(), lang, hers.submitted_at)))


async def _closed_by_the_chair_after_she_said_it_may_be_gareth(bot: BotInMemory, lang: Lang) -> ConcernReport:
    await bot.meets(CHAIR)
    await _adds_to_the_staff_list(bot, GARETH_PRICE, SIAN_EVANS)
    form = await bot.says(CARYS, "report a concern", lang=lang)
    await _sent_after_asking(bot, CARYS, form, TWO_NAMES, lang=lang)
    report = await _only_report(bot)
    assert report.holder.aad_object_id == CHAIR.aad_object_id
    await bot.clicks(CHAIR, "concern.close", {"ref": report.reference, "outcome": "Spoke to both."})
    return await _only_report(bot)


async def _closed_after_not_resolved(bot: BotInMemory, lang: Lang) -> ConcernReport:
    await _report(bot, what=TWO_NAMES.replace("Gareth and Siân", "Dafydd"))
    report = await _only_report(bot)
    await bot.clicks(GARETH, "concern.close", {"ref": report.reference, "outcome": "Spoke to Dafydd"})
    await bot.clicks(CARYS, "concern.reopen", {"ref": report.reference, "note": "It has not stopped."})
    await bot.clicks(SIAN, "concern.close", {"ref": report.reference, "outcome": "Spoke to him again."})
    return await _only_report(bot)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
@pytest.mark.parametrize("first", [_closed_by_the_chair_after_she_said_it_may_be_gareth, _closed_after_not_resolved])
async def test_the_same_words_again_after_a_report_that_cannot_go_further_was_closed_never_point_to_a_missing_button(
        staffed: BotInMemory, lang: Lang,
        first: Callable[[BotInMemory, Lang], Awaitable[ConcernReport]]) -> None:
    """Her first report went to the chair of governors (she said "Gareth" may be her line manager), or went up once on
    her "Not resolved", and was closed there: nobody is left to send it to, or she has used "Not resolved". The same
    words on a second form that day send nothing and reach nobody new; and what she is told (English and Welsh) does
    not say to press a "Not resolved" her card does not have, only how to send something new. Before, it did."""
    closed = await first(staffed, lang)
    assert closed.state is ReportState.CLOSED and not closed.can_reopen
    before = {p.name: len(await staffed.cards_for(p)) for p in (GARETH, SIAN, CHAIR)}
    form = await staffed.says(CARYS, "report a concern", lang=lang)

    again = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                           "what": closed.what}, lang=lang)

    assert await MemoryConcernReports(staffed.store).list_all() == [closed]
    assert {p.name: len(await staffed.cards_for(p)) for p in (GARETH, SIAN, CHAIR)} == before
    strings = load_catalogue()
    assert closed.reference in text_of(again.card) and "concern.reopen" not in text_of(again.card)
    assert strings.text("concern.reopen", lang) not in text_of(again.card)
    assert _says(again.card, strings.text("concern.sent_already_closed_final", lang, ref=closed.reference,
                                          when=on_day(strings, lang, closed.submitted_at)))


@pytest.mark.parametrize(("typed", "lang"), [("acknowledge the report", Lang.EN), ("close the report", Lang.EN),
                                             ("escalate", Lang.EN), ("cydnabod yr adroddiad", Lang.CY),
                                             ("cau'r adroddiad", Lang.CY)])
async def test_typed_acknowledging_in_a_group_or_by_anyone_else_with_the_real_reference_shows_nothing_of_it(
        answering_bot: BotInMemory, typed: str, lang: Lang) -> None:
    """Hostile probe 5: Gareth typing "acknowledge the report" or "cau'r adroddiad" in a group chat (his phone in a
    department chat) shows the group neither Carys's name nor the reference, and acknowledges nothing; Owain, or Carys
    herself, typing it with the report's real reference is shown nothing of it and changes nothing."""
    await answering_bot.has_the_staff_list()
    await answering_bot.meets(CARYS, GARETH, SIAN, OWAIN)
    await _report(answering_bot)
    report = await _only_report(answering_bot)
    owed = len(await answering_bot.cards_for(GARETH))

    in_group = await answering_bot.says(GARETH, typed, lang=lang, scope=Scope.GROUP)
    by_owain = await answering_bot.says(OWAIN, f"{typed} {report.reference}", lang=lang)
    by_carys = await answering_bot.says(CARYS, f"{typed} {report.reference}", lang=lang)

    for shown in (in_group, by_owain):
        assert report.reference not in text_of([shown.card, *shown.more])
        assert CARYS.name not in text_of([shown.card, *shown.more])
    assert SECRET not in text_of([by_carys.card, *by_carys.more])
    assert "concern.acknowledge" not in text_of(by_carys.card) + text_of(by_owain.card)
    assert (await _only_report(answering_bot)).state is ReportState.OPEN
    assert (await _only_report(answering_bot)).acknowledged_at is None
    # What he holds goes to his own chat (the lock-screen line naming nobody), never to the group.
    [to_his_chat] = (await answering_bot.cards_for(GARETH))[owed:]
    assert report.reference in text_of(to_his_chat)


@pytest.mark.parametrize(("lang", "typed"), [(Lang.EN, "acknowledge the report"), (Lang.EN, "close the report"),
                                             (Lang.CY, "cydnabod yr adroddiad"), (Lang.CY, "cau'r adroddiad"),
                                             (Lang.EN, "anything waiting for me?")])
async def test_a_holder_passed_over_typing_acknowledge_or_close_is_shown_nothing_of_it(
        staffed: BotInMemory, lang: Lang, typed: str) -> None:
    """Hostile probe 5: Gareth, passed over because what Carys added names him, types what a holder types to act on a
    report ("acknowledge the report", "cau'r adroddiad"): the list of what he holds no longer has it, nor her name,
    nor the note about him, and nothing changes."""
    await staffed.meets(CHAIR)
    await _report(staffed)
    await _adds(staffed, CARYS, "Gareth is now doing it too.", lang=lang)
    moved = await _only_report(staffed)

    typed_by_him = await staffed.says(GARETH, typed, lang=lang)

    seen = text_of([typed_by_him.card, *typed_by_him.more])
    for hidden in (moved.reference, "Carys", SECRET, "doing it too"):
        assert hidden not in seen
    after = await _only_report(staffed)
    assert (after.level, after.state, after.acknowledged_at, after.notes) == (
        moved.level, moved.state, moved.acknowledged_at, moved.notes)


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_answered_field_of_thousands_of_answers_is_read_no_further_than_she_could_have_been_asked(
        staffed: BotInMemory, lang: Lang) -> None:
    """Hostile probe 5: `answered` posted by hand with 30,000 entries, each saying "it isn't" someone (Gareth Hughes's
    id with every key, the head's, made-up ones), 1.3 MB in all: the form asks her about Gareth as if none were there,
    nothing is stored, and nothing reaches Gareth or the head."""
    await staffed.meets(CHAIR)
    await _adds_to_the_staff_list(staffed, GARETH_PRICE, SIAN_EVANS)
    gareth, sian = GARETH.aad_object_id.lower(), SIAN.aad_object_id.lower()
    forged = " ".join(f"not:{who}:{n:06d}" for n in range(15_000) for who in (sian, gareth))

    _, _, asked = await _asked(staffed, CARYS, TWO_NAMES, lang=lang, answered=forged)

    assert [c["title"] for c in _doubt(asked.card)["choices"]][0] == load_catalogue().text(
        "concern.doubt.higher", lang, manager="Gareth Hughes", name="Mr Huw Davies")
    assert len(text_of(asked.card)) < 100_000
    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert await staffed.cards_for(GARETH) == [] and await staffed.cards_for(SIAN) == []


def _staff_list_with_ffion_as_carys_line_manager() -> list[StaffMember]:
    """The office's next list: Carys's line manager is now Mrs Ffion Morgan; Gareth Hughes stays, her line manager no
    more."""
    csv = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    staff = read_staff_csv(csv.replace("Teacher of Geography,gareth.hughes@", "Teacher of Geography,ffion.morgan@"),
                           schools=["high", "primary"])
    assert not staff.problems
    return list(staff.staff)


def _who_sees(card: object) -> str:
    """What the form says of who will see the report."""
    assert isinstance(card, dict)
    return text_of([item for item in card["body"] if item.get("style") == "emphasis"])


@pytest.mark.parametrize(("lang", "what", "told"), [
    (Lang.EN, "She keeps sending me messages late at night",
     "Who this report goes to has changed since this form was opened"),
    (Lang.CY, "Mae hi'n anfon negeseuon ataf yn hwyr y nos",
     "Mae'r bobl y bydd yr adroddiad hwn yn mynd atyn nhw wedi newid ers i'r ffurflen hon gael ei hagor")])
async def test_a_form_whose_line_manager_changed_before_send_sends_nothing_and_says_who_it_goes_to_now(
        staffed: BotInMemory, lang: Lang, what: str, told: str) -> None:
    """Carys opens the form: it goes to "your line manager, Gareth Hughes". She writes about Ffion Morgan without naming
    her ("She…", "I'd rather not say"), trusting that; before she presses Send, the office's new list makes Ffion her
    line manager. Before, Send sent it to Ffion, the person it was about, whom the form had never named."""
    await staffed.meets(FFION, CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    assert "Gareth Hughes" in _who_sees(form.card) and "Ffion" not in _who_sees(form.card)
    await MemoryStaffDirectory(staffed.store).replace_all(_staff_list_with_ffion_as_carys_line_manager())
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what, "about": "rather_not_say"}

    again = await staffed.clicks(CARYS, "concern.submit", data, lang=lang)

    assert await MemoryConcernReports(staffed.store).list_all() == [], "sent to someone the form never named"
    assert await staffed.cards_for(FFION) == []
    assert _says(again.card, told)
    assert "Mrs Ffion Morgan" in _who_sees(again.card) and what in text_of(again.card)  # who now, and her words kept
    # Pressed again on the form that now says so, it goes to her line manager as the form says.
    await staffed.clicks(CARYS, "concern.submit", {**verb_data(again.card or {}, "concern.submit"), "what": what,
                                                   "about": "rather_not_say"}, lang=lang)
    assert (await _only_report(staffed)).holder.aad_object_id == FFION.aad_object_id


@pytest.mark.parametrize(("lang", "what", "told"), [
    (Lang.EN, "She keeps sending me messages late at night",
     "This form was opened before forms said whom they go to"),
    (Lang.CY, "Mae hi'n anfon negeseuon ataf yn hwyr y nos",
     "Cafodd y ffurflen hon ei hagor cyn i ffurflenni ddweud at bwy maen nhw'n mynd")])
async def test_an_old_form_that_cannot_say_whom_it_said_is_sent_back_once_and_never_reaches_her_new_line_manager(
        staffed: BotInMemory, lang: Lang, what: str, told: str) -> None:
    """As test_a_form_whose_line_manager_changed_before_send_…, but on a form posted before forms carried whom they said
    (`goes_to`): what it said cannot be compared with who it goes to now. Before, it was sent as before, to Ffion
    Morgan, her line manager by then and the person "She…" is about. Now nothing is sent until she has read who now;
    the form that comes back says, so its Send goes where it says."""
    await staffed.meets(FFION, CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    await MemoryStaffDirectory(staffed.store).replace_all(_staff_list_with_ffion_as_carys_line_manager())
    old_form = {k: v for k, v in verb_data(form.card or {}, "concern.submit").items() if k != "goes_to"}

    again = await staffed.clicks(CARYS, "concern.submit", {**old_form, "what": what, "about": "rather_not_say"},
                                 lang=lang)

    assert await MemoryConcernReports(staffed.store).list_all() == [], "sent to someone the form may never have named"
    assert await staffed.cards_for(FFION) == []
    assert _says(again.card, told) and "Mrs Ffion Morgan" in _who_sees(again.card) and what in text_of(again.card)
    await staffed.clicks(CARYS, "concern.submit", {**verb_data(again.card or {}, "concern.submit"), "what": what,
                                                   "about": "rather_not_say"}, lang=lang)
    assert (await _only_report(staffed)).holder.aad_object_id == FFION.aad_object_id


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_an_old_form_about_a_colleague_taken_off_the_list_is_asked_again_before_anything_else(
        staffed: BotInMemory, lang: Lang) -> None:
    """An old form (no `goes_to`) whose colleague picked, by address as such forms sent, is no longer on the staff list
    at Send: who it is about is asked again first (she may mean her new line manager); nothing is sent."""
    await staffed.meets(FFION, CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    await _staff_list_without_gareth(staffed)
    old_form = {k: v for k, v in verb_data(form.card or {}, "concern.submit").items() if k != "goes_to"}

    picked = {"what": "He keeps messaging me", "about": "gareth.hughes@llanidloes.example.cymru"}

    again = await staffed.clicks(CARYS, "concern.submit", {**old_form, **picked}, lang=lang)

    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert _says(again.card, load_catalogue().text("concern.picked_not_listed", lang))


async def test_a_form_sent_after_a_new_list_that_changes_nobody_it_goes_to_is_sent_at_once(
        staffed: BotInMemory) -> None:
    form = await staffed.says(CARYS, "report a concern")
    await _adds_to_the_staff_list(staffed, GARTH)  # a new colleague: nobody the form names has changed

    receipt = await staffed.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                             "what": SECRET})

    assert (await _only_report(staffed)).holder.aad_object_id == GARETH.aad_object_id
    assert "It went to Gareth Hughes." in text_of(receipt.card)


@pytest.mark.parametrize(("typed", "title"), [
    ("has Mr Davies read my report yet?", "Your reports"), ("What happened with my report", "Your reports"),
    ("who has my report?", "Your reports"), ("is my report still open?", "Your reports"),
    ("did my concern get sent?", "Your reports"), ("Gareth hasn't replied about my report, is that normal?",
                                                  "Your reports"),
    ("pwy sydd â fy adroddiad?", "Eich adroddiadau"),
    ("Ydy Mr Davies wedi darllen fy adroddiad eto?", "Eich adroddiadau"),
    ("oes rhywbeth wedi digwydd efo fy adroddiad i", "Eich adroddiadau")])
async def test_asking_after_ones_report_in_other_words_shows_ones_reports_and_is_never_kept_for_review(
        staffed: BotInMemory, typed: str, title: str) -> None:
    """Carys's report about the head went to the chair of governors, Mr Huw Davies. Asked after in words the phrase
    lists lacked ("has Mr Davies read my report yet?"), it was asked of the policy, "not covered" or a quote, kept, and
    listed on the questions for review of the headteacher, who read there that Carys had a report with the governors."""
    await staffed.meets(CHAIR)
    receipt = await _report(staffed, what="The head keeps posting about my lessons in the staff group")
    reference = re.findall(r"C-[A-Z0-9]{6}", text_of(receipt.card))[0]
    assert (await _only_report(staffed)).holder.aad_object_id == CHAIR.aad_object_id

    reply = await staffed.says(CARYS, typed, lang=Lang.EN)

    assert title in text_of(reply.card) and reference in text_of(reply.card)
    assert staffed.store.questions == {}, "kept for the review of the headteacher the report is about"


async def test_my_report_in_a_question_from_someone_who_sent_none_is_still_asked_of_the_policy(
        answering_bot: BotInMemory) -> None:
    await answering_bot.has_the_staff_list()

    reply = await answering_bot.says(OWAIN, "Can I put my report on the class Facebook page?")

    assert reply.card is not None and str(reply.card.get("fallbackText", "")).startswith("From the policy")


@pytest.mark.parametrize("typed", [
    "My concern is whether I can share photos of the school fair on my Facebook?",
    "my concern was that a parent posted a video of my class online, what should I do?",
    "Fy mhryder i yw bod rhiant wedi postio llun o'r dosbarth, be ddylwn i neud?"])
async def test_my_concern_opening_a_question_about_the_rules_is_still_asked_of_the_policy_after_a_report(
        answering_bot: BotInMemory, typed: str) -> None:
    """"My concern is …" opens a question about the rules: someone who has sent a report still gets the policy's answer,
    not her reports."""
    await answering_bot.has_the_staff_list()
    await answering_bot.meets(CARYS, GARETH, SIAN)
    await _report(answering_bot, what="Ffion keeps posting about my lessons in the staff group")
    assert len(answering_bot.store.reports) == 1

    reply = await answering_bot.says(CARYS, typed, lang=Lang.EN)

    assert reply.card is not None and "Your reports" not in text_of(reply.card)
    assert "Eich adroddiadau" not in text_of(reply.card)


@pytest.mark.parametrize("typed", [
    "My report was sent to Gareth last week but he hasn't answered?",
    "My report is about the head, who can see it?",
    "My concern was sent to Mr Hughes weeks ago, has he read it?",
    "My concern is that nobody has read my report",
    "Fy adroddiad i oedd am y pennaeth, pwy sy'n ei weld?",
    "'Y mhryder i ydy'r un am y pennaeth, ydy o wedi cyrraedd?"])
async def test_my_report_going_on_with_a_verb_about_the_report_itself_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str) -> None:
    """"My report was sent to Gareth…", "Fy adroddiad i oedd am y pennaeth…" speak of her report: only a verb "to be"
    opening a clause ("My concern is whether…", "… yw bod…") opens a question about the rules. Before, any verb after
    the words sent the message to the policy, kept for the review of the headteacher her report may be about."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert "Your reports" in text_of(reply.card) or "Eich adroddiadau" in text_of(reply.card)
    assert answering_bot.store.questions == {}, "kept for the review of the headteacher her report may be about"


@pytest.mark.parametrize(("lang", "what", "told"), [
    (Lang.EN, "She keeps sending me messages late at night",
     "Who this report goes to has changed since this form was opened"),
    (Lang.CY, "Mae hi'n anfon negeseuon ataf yn hwyr y nos",
     "Mae'r bobl y bydd yr adroddiad hwn yn mynd atyn nhw wedi newid ers i'r ffurflen hon gael ei hagor")])
async def test_a_form_sent_back_for_a_box_too_long_after_her_line_manager_changed_says_who_it_goes_to_now(
        staffed: BotInMemory, lang: Lang, what: str, told: str) -> None:
    """As test_a_form_whose_line_manager_changed_before_send_…, but Send also finds a box too long: the form that came
    back (to shorten it) carried who it goes to now without a word of the change, so the next Send went to Ffion
    Morgan, the person "She…" is about, with Carys never told the form no longer said Gareth Hughes."""
    await staffed.meets(FFION, CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    await MemoryStaffDirectory(staffed.store).replace_all(_staff_list_with_ffion_as_carys_line_manager())
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what, "about": "rather_not_say",
            "where": "Teams " * 100}

    again = await staffed.clicks(CARYS, "concern.submit", data, lang=lang)

    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert "Mrs Ffion Morgan" in _who_sees(again.card)
    assert _says(again.card, told), "the form now names Ffion without saying it changed"


@pytest.mark.parametrize("typed", [
    "can I post my report comments on Class Dojo?",
    "Can I share my report cards with parents on Seesaw?",
    "Ga i bostio fy adroddiadau diwedd blwyddyn ar Class Dojo?",
    "My concern is about a parent's post on Facebook about my class, what should I do?",
    "My concern is about a parent's post on Facebook",
    "my concerns are with parents posting photos of sports day",
    "Can I share my reports with parents on Seesaw?",
    "Can I send my reports home to parents by email?",
    "Fy mhryder i yw am bost rhiant ar Facebook, be ddylwn i neud?",
    "Ga i rannu fy adroddiadau gyda rhieni ar Seesaw?",
    "A yw'n iawn i rannu fy adroddiadau gyda rhieni ar Seesaw?",
    "Is it ok to send my reports to parents on Seesaw?",
    "Hi, my concern is about sharing photos of sports day on Facebook, is that allowed?",
    "My concern is about a parent's post, she tagged me in it, what should I do?"])
async def test_my_concern_or_reports_said_of_parents_or_a_worry_is_asked_of_the_policy_after_a_report(
        answering_bot: BotInMemory, typed: str) -> None:
    """"My concern is about …" says what worries her, as "My concern is that …" does, and "my report comments", "fy
    adroddiadau diwedd blwyddyn" or reports shared with or sent to parents or pupils are pupils' reports: a concern
    report never goes to them. Someone who has sent a concern report gets the policy's answer; before, she got her
    concern reports, and no answer."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert "Your reports" not in text_of(reply.card) and "Eich adroddiadau" not in text_of(reply.card)
    assert len(answering_bot.store.questions) == 1, "not asked of the policy"


@pytest.mark.parametrize("typed", [
    "My concern is about the head, has anyone read it?",
    "My concern is about Mrs Roberts, who can see it?",
    "My concern is about a colleague, has anyone read it?",
    "Fy mhryder i yw am y pennaeth, pwy sy'n ei weld?",
    "Fy mhryder i yw am gydweithiwr, ydy o wedi cyrraedd?"])
async def test_my_concern_is_about_someone_a_report_may_be_about_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str) -> None:
    """"My concern is about …" naming someone (or calling them by their post, or a colleague) may be her report: it
    lists them and is never kept for the review of the headteacher it may be about."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert "Your reports" in text_of(reply.card) or "Eich adroddiadau" in text_of(reply.card)
    assert answering_bot.store.questions == {}, "kept for the review of the headteacher her report may be about"


@pytest.mark.parametrize(("typed", "title"), [
    ("beth ddigwyddodd i'r pryder godais i?", "Eich adroddiadau"),
    ("Beth ddigwyddodd i'r adroddiad a anfonais i", "Eich adroddiadau"),
    ("ble mae'r pryder wnes i godi?", "Eich adroddiadau"),
    ("what happened to the concern I raised?", "Your reports"),
    ("Where is the report I sent last week?", "Your reports")])
async def test_the_report_she_sent_named_by_what_she_did_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str, title: str) -> None:
    """"The concern I raised", "y pryder godais i": her own report, named by what she did with it rather than "my".
    Before, it was asked of the policy and kept, for the review of the headteacher her report may be about."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert title in text_of(reply.card)
    assert answering_bot.store.questions == {}, "kept for the review of the headteacher her report may be about"


@pytest.mark.parametrize(("lang", "what", "told"), [
    (Lang.EN, "She keeps sending me messages late at night",
     "Who this report goes to has changed since this form was opened"),
    (Lang.CY, "Mae hi'n anfon negeseuon ataf yn hwyr y nos",
     "Mae'r bobl y bydd yr adroddiad hwn yn mynd atyn nhw wedi newid ers i'r ffurflen hon gael ei hagor")])
async def test_a_form_pressed_in_a_group_after_her_line_manager_changed_says_so_in_her_own_chat(
        staffed: BotInMemory, lang: Lang, what: str, told: str) -> None:
    """As test_a_form_whose_line_manager_changed_before_send_…, but Carys presses Send on the form where she had shared
    it in a group: the form that came to her own chat named Mrs Ffion Morgan without a word of the change, only that
    reports are sent from her own chat, so the next Send went to Ffion, the person "She…" is about."""
    await staffed.meets(FFION, CHAIR)
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    await MemoryStaffDirectory(staffed.store).replace_all(_staff_list_with_ffion_as_carys_line_manager())
    data = {**verb_data(form.card or {}, "concern.submit"), "what": what, "about": "rather_not_say"}

    await staffed.clicks(CARYS, "concern.submit", data, lang=lang, scope=Scope.GROUP)
    [own] = [m for m in await MemoryOutbox(staffed.store).list_for_recipient(CARYS)]

    assert await MemoryConcernReports(staffed.store).list_all() == []
    assert "Mrs Ffion Morgan" in _who_sees(dict(own.card))
    assert _says(dict(own.card), told), "her own chat's form names Ffion without saying it changed"


@pytest.mark.parametrize("typed", [
    "My concern is about him, has anyone read it?",
    "My concern is about her, has anyone read it yet?",
    "My concern is about what she said to me in the staffroom, has it been seen?",
    "my concern is about his messages, who can see it?",
    "Fy mhryder i yw am ei negeseuon e, oes rhywun wedi'i ddarllen?",
    "Fy mhryder i yw am beth ddywedodd hi, pwy sy'n ei weld?",
    "My concern is about them, has anyone read it?",
    "My concern is about the person I reported, has anyone read it?",
    "My concern is about the one I've reported, who can see it?",
    "Fy mhryder i yw am eu negeseuon nhw, oes rhywun wedi'i ddarllen?",
    "Fy mhryder i yw am y person adroddais i, pwy sy'n ei weld?"])
async def test_my_concern_is_about_him_or_her_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str) -> None:
    """"My concern is about him/her …" speaks of a person, as a report does, though it names nobody: from someone who
    has sent a report it lists her reports and is never kept for the review of the headteacher it may be about."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert answering_bot.store.questions == {}, "kept for the review of the headteacher her report may be about"
    assert "Your reports" in text_of(reply.card) or "Eich adroddiadau" in text_of(reply.card)


@pytest.mark.parametrize("typed", [
    "my reprots",
    "my reoprt",
    "has anyone read my reprot?",
    "any news on my complaitn about gareth",
    "fy adroddiadua",
    "ydy Gareth wedi darllen fy adrodiad?"])
async def test_her_reports_asked_after_with_a_slip_of_the_thumb_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str) -> None:
    """"my reprots", "has anyone read my reprot?", "fy adroddiadua": "report", "complaint", "adroddiad" typed with one
    slip on a phone (a letter dropped, added or changed, or two side by side swapped; never a word of its own). Before,
    each was asked of the policy and kept, and marked not helpful was on the headteacher's review list, saying Carys
    had a report."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert answering_bot.store.questions == {}, "kept for the review of the headteacher"
    assert "Your reports" in text_of(reply.card) or "Eich adroddiadau" in text_of(reply.card)


@pytest.mark.parametrize("typed", [
    "I reported Ffion last week and nothing has happened",
    "I reported Ffion last week, has anything happened?",
    "will Ffion find out I reported her?",
    "does Ffion know I reported her?",
    "Fydd Ffion yn gwybod mai fi wnaeth adrodd amdani?",
    "Adroddais i Ffion wythnos diwethaf a does dim byd wedi digwydd"])
async def test_saying_she_reported_someone_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str) -> None:
    """"I reported Ffion last week…", "will Ffion find out I reported her?", "Adroddais i Ffion…": a frightened reporter
    asking after her report by what she did. Before, each was asked of the policy and kept, and marked not helpful was
    on the headteacher's review list, which then said Carys had reported Ffion, by name."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert answering_bot.store.questions == {}, "kept for the review of the headteacher"
    assert "Your reports" in text_of(reply.card) or "Eich adroddiadau" in text_of(reply.card)


@pytest.mark.parametrize("typed", [
    "I reported the comment to Facebook but nothing happened, what should I do?",
    "I reported a parent's post about me to Facebook, what now?"])
async def test_saying_she_reported_a_post_to_a_platform_is_still_asked_of_the_policy(
        answering_bot: BotInMemory, typed: str) -> None:
    reply = await _says_after_her_report(answering_bot, typed)

    assert "Your reports" not in text_of(reply.card)
    assert len(answering_bot.store.questions) == 1, "not asked of the policy"


@pytest.mark.parametrize("typed", [
    "Has my report been shared with the parents?",
    "has anyone shared my report with parents",
    "Was my report sent to the parents?",
    "Ydy fy adroddiad wedi cael ei rannu gyda'r rhieni?",
    "Oes rhywun wedi rhannu fy adroddiad efo'r rhieni?",
    "Gafodd fy adroddiad ei anfon at y rhieni?"])
async def test_asking_whether_her_report_has_been_shared_with_parents_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str) -> None:
    """"Has my report been shared with the parents?" asks what became of her report (a frightened reporter's question),
    not whether she may share pupils' reports, as "Can I share my reports with parents…?" does: from someone who has
    sent one it lists her reports, which say who has each. Before, it was asked of the policy and kept for the
    headteacher's review (the thirty-ninth round's probes left it)."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert answering_bot.store.questions == {}, "kept for the review of the headteacher"
    assert "Your reports" in text_of(reply.card) or "Eich adroddiadau" in text_of(reply.card)


@pytest.mark.parametrize("typed", [
    "My concern is about Benn, has anyone read it?",
    "My concern is about Benn, who can see it?",
    "my concern is about jonno has it been read yet",
    "My concern is about Benn, has it reached anyone?",
    "Fy mhryder i yw am Benn, oes rhywun wedi'i ddarllen?",
    "Fy mhryder i yw am Benn, ydy o wedi cyrraedd?",
    "Fy mhryder i yw am Benn, pwy sy'n gallu ei weld?"])
async def test_my_concern_about_someone_not_on_the_list_asked_after_as_a_report_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str) -> None:
    """"My concern is about Benn, has anyone read it?" with nobody called Benn on the staff list (a nickname, a name
    misspelt, someone the list lacks): "has anyone read it?", "who can see it?", "oes rhywun wedi'i ddarllen?" ask after
    a report, not a worry. Before, it was asked of the policy and kept, and marked not helpful was on the headteacher's
    review list, saying Carys had reported someone."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert answering_bot.store.questions == {}, "kept for the review of the headteacher"
    assert "Your reports" in text_of(reply.card) or "Eich adroddiadau" in text_of(reply.card)


@pytest.mark.parametrize(("typed", "title"), [
    ("what happened to the person I reported?", "Your reports"),
    ("Has anything been done about the colleague I reported?", "Your reports"),
    ("has anyone read what I reported?", "Your reports"),
    ("what happened to my complaint?", "Your reports"),
    ("has anyone read my complaint about Ffion?", "Your reports"),
    ("beth ddigwyddodd i'r person wnes i adrodd amdano?", "Eich adroddiadau"),
    ("beth ddigwyddodd i fy nghwyn?", "Eich adroddiadau")])
async def test_the_person_she_reported_or_her_complaint_shows_her_reports_and_is_never_kept(
        answering_bot: BotInMemory, typed: str, title: str) -> None:
    """"The person I reported", "what I reported", "my complaint", "y person wnes i adrodd amdano", "fy nghwyn": her own
    report, named otherwise. Before, it was asked of the policy and kept, for the review of the headteacher, who read
    there that Carys had reported someone (Ffion, by name)."""
    reply = await _says_after_her_report(answering_bot, typed)

    assert answering_bot.store.questions == {}, "kept for the review of the headteacher"
    assert title in text_of(reply.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_report_and_its_reminder_reaching_a_line_manager_abroad_say_their_times_are_uk_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Gareth is at a conference in Toronto; his Teams said so when he last wrote to the bot. Carys reports at 14:00 UK
    time on Monday 2 November and adds to it at 15:00: his card said "Waiting for you to acknowledge it (sent
    02/11/2026 14:00)" and "Added by Carys Jenkins (02/11/2026 15:00)", and his reminder two working days on said it
    goes to Siân "at 08:00 on …" (it is passed up at night), each read as his own hour, five hours off. They say UK
    time, as the read-and-confirm cards do; Carys, at home, reads her own cards as before."""
    clock = Clock(datetime(2026, 11, 2, 14, 0, tzinfo=UTC))  # Monday 2 November, 14:00 GMT
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN)
    await MemoryUserProfiles(bot.store).save_profile(UserProfile(person=GARETH, conversation_ref='{"user": "G"}',
                                                                 language=lang, time_zone="America/Toronto"))
    form = await bot.says(CARYS, "report a concern", lang=lang)
    receipt = await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                         "what": SECRET}, lang=lang)
    reference = reference_in(receipt.card or {})
    clock.now = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    added = await bot.clicks(CARYS, "concern.add", {"ref": reference, "note": "It happened again at lunch."}, lang=lang)
    clock.now = datetime(2026, 11, 4, 21, 0, tzinfo=UTC)  # two working days on, at night
    assert await bot.checks_reports() == 1

    uk = {Lang.EN: " UK time", Lang.CY: " amser y DU"}[lang]
    to_gareth = text_of(await bot.cards_for(GARETH))
    assert strings.text("concern.state_yours.open", lang, when="02/11/2026 14:00" + uk) in to_gareth, to_gareth
    assert strings.text("concern.note.added", lang, name=CARYS.name, when="02/11/2026 15:00" + uk) in to_gareth
    saturday = datetime(2026, 11, 7, 8, 0, tzinfo=UTC)
    said = strings.text("date.at_on_day_uk", lang, when="08:00", on_day=on_day(strings, lang, saturday))
    assert strings.text("concern.reminder_body", lang, name="Mrs Siân Roberts", on_day=said) in to_gareth, to_gareth
    hers = text_of([added.card, *await bot.cards_for(CARYS)])
    assert "02/11/2026 14:00" in hers and "UK time" not in hers and "amser y DU" not in hers


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_days_last_report_refused_abroad_says_from_when_in_uk_time(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """Carys, on a course in Toronto, sends her sixth report of the day: "please send it from 03/11/2026 10:00" read
    as 10:00 in Toronto. It says UK time to her, as her receipt does."""
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: PolicyInForce(fixture_policy(), NoIndex()), clock=clock)
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    for n in range(5):
        await _report(bot, what=f"Matter {n}")
    form = await bot.says(CARYS, "report a concern", lang=lang)

    refused = await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                         "what": "One more"}, lang=lang, time_zone="America/Toronto")

    at = "03/11/2026 10:00" + {Lang.EN: " UK time", Lang.CY: " amser y DU"}[lang]
    assert strings.text("concern.rate_limited", lang, count=5, when=at) in text_of(refused.card), text_of(refused.card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
@pytest.mark.parametrize("forged", ["gareth", "gareth sian", "owain", "", " ", "x" * 5_000, "<at>Gareth</at>"])
async def test_a_forged_goes_to_never_sends_a_report_to_the_person_it_is_about_nor_to_whom_it_names(
        staffed: BotInMemory, lang: Lang, forged: str) -> None:
    """Hostile probe 6: Carys's report about Gareth, her line manager, on a form whose `goes_to` she has rewritten: to
    Gareth himself, Gareth then the head, a colleague, nothing (as an old form), a very long or marked-up one. `goes_to`
    is only compared with whom it goes to now: whatever it names, the report never reaches Gareth nor anyone it names
    but the people the bot itself sends it to, and a form that does not name them comes back first, saying who."""
    await staffed.meets(FFION, CHAIR, OWAIN)
    ids = {"gareth": GARETH.aad_object_id, "sian": SIAN.aad_object_id, "owain": OWAIN.aad_object_id}
    goes_to = " ".join(ids.get(word, word) for word in forged.split(" ")) if forged.strip() else forged
    form = await staffed.says(CARYS, "report a concern", lang=lang)
    data = {**verb_data(form.card or {}, "concern.submit"), "what": "He shouts at me in the staff room",
            "about": GARETH.aad_object_id, "involves_manager": "true", "goes_to": goes_to}

    reply = await staffed.clicks(CARYS, "concern.submit", data, lang=lang)
    if not await MemoryConcernReports(staffed.store).list_all():
        assert "Siân Roberts" in _who_sees(reply.card)  # who will see it, said before anything is sent
        reply = await staffed.clicks(CARYS, "concern.submit", {**data, **verb_data(reply.card or {}, "concern.submit")},
                                     lang=lang)

    report = await _only_report(staffed)
    assert report.holder.aad_object_id == SIAN.aad_object_id
    assert await staffed.cards_for(GARETH) == [] and await staffed.cards_for(OWAIN) == []
