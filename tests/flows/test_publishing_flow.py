"""Publishing a new version of the policy and read-and-confirm, as the policy owner and staff meet them: the real
publishing, reading, question and home flows and their cards on the memory stores. The policy owner's document comes
as Teams gives it (a download URL), the campaign's cards are what the outbox owes each person (tests/http/
test_publishing.py covers the download, the sender and the commands)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.directory import StaffMember, read_staff_csv
from bot.domain.errors import StorageUnavailable
from bot.domain.federation import Federation
from bot.domain.live_policy import LivePolicy, PolicyInForce
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.policy_reads import AskedStaff
from bot.domain.policy_versions import BY_COMMAND, CurrentPointer, PublishRefused
from bot.policy.documents import read_source
from bot.policy.loader import load_policy_data
from bot.policy_commands import acknowledgements_csv
from bot.storage.memory import (
    MemoryConcernReports,
    MemoryOutbox,
    MemoryPermissionRequests,
    MemoryPolicyReads,
    MemoryPolicyVersions,
    MemoryQuestionLog,
    MemoryRateLimiter,
    MemoryStaffDirectory,
    MemoryStore,
    MemoryUserProfiles,
)
from cards.answer import VERB_SECTION, when
from cards.common import VERB_SECTIONS
from cards.elements import MAX_CARD_BYTES, Card, card_bytes
from cards.i18n import Catalogue
from cards.publishing import (
    VERB_CANCEL,
    VERB_CONFIRM_READ,
    VERB_PUBLISH,
    VERB_READ_REQUEST,
    VERB_READS,
    VERB_REMIND,
    VERB_WITHDRAW,
    published_text,
)
from dialogs.ask import AskFlow
from dialogs.base import Reply, Router, Scope, SentFile, Turn
from dialogs.figures import FiguresFlow
from dialogs.home import HomeFlow
from dialogs.policy_reads import ReadingFlow, StillToRead, reminders_delivered
from dialogs.publishing import PublishingFlow
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
    text_of,
    with_school_holidays,
)
from tests.support.activities import TENANT
from tests.support.cards import actions, elements, facts, verb_data
from tests.support.policies import (
    AI_SECTION,
    FIXTURE_POLICY_FILE,
    REMOVED_SECTION,
    TEXT_2022,
    fixture_policy,
    revised_docx,
    write_revised,
)

STAFF = (CARYS, OWAIN, SIAN, GARETH, FFION)
NIA = StaffMember("Nia Newydd", "nia.newydd@llanidloes.example.cymru", "high", "Teacher of Welsh", "",
                  "a1000000-0000-4000-8000-000000000099")  # a new starter, added to the staff list after publishing


class TeamsFiles:
    """Files sent to the bot, by the pre-authorised URL Teams gives each."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def fetch(self, url: str) -> bytes:
        """The file's bytes."""
        return self.files[url]


@dataclass
class PublishingBot:
    """The bot as app.py builds it for publishing: the flows on one memory store, following the current version."""

    bot: BotInMemory
    reading: ReadingFlow
    publishing: PublishingFlow
    live: LivePolicy[NoIndex]
    files: TeamsFiles

    async def sends(self, person: Person, document: Path, lang: Lang = Lang.EN, time_zone: str = "") -> Reply:
        """The person sends the document as a file in their 1:1 chat (from Teams set to `time_zone`)."""
        url = f"https://llanidloes.example.cymru/download/{len(self.files.files)}"
        self.files.files[url] = await asyncio.to_thread(document.read_bytes)
        return await self.bot.router.route(Turn(actor=person, lang=lang, scope=Scope.PERSONAL,
                                                files=(SentFile(document.name, url),), time_zone=time_zone))

    async def publishes(self, document: Path, version: str) -> Reply:
        """Siân sends the document and clicks Publish; the campaign is queued and the bot answers from it."""
        preview = await self.sends(SIAN, document)
        published = await self.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH))
        await self.publishing.drain()
        assert f"Version {version} is now the current policy" in text_of(published.card), text_of(published.card)
        return published

    async def read_cards(self, person: Person) -> list[Card]:
        """The read-and-confirm cards the outbox owes a person."""
        return [c for c in await self.bot.cards_for(person)
                if any(a.get("verb") == VERB_CONFIRM_READ for a in actions(c))]


def open_publishing_bot(strings: Catalogue, federation: Federation,
                        clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> PublishingBot:
    """The flows wired as `app.build_flows` wires them (publishing first, questions last), on memory ports, reading
    `clock`."""
    store = MemoryStore()
    profiles, directory, versions = MemoryUserProfiles(store), MemoryStaffDirectory(store), MemoryPolicyVersions(store)
    notifier = QueueingNotifier(MemoryOutbox(store))
    live = LivePolicy[NoIndex](versions, default=fixture_policy, build_index=lambda policy: NoIndex())
    in_force: Callable[[], PolicyInForce[Any]] = live.current
    reading = ReadingFlow(strings=strings, federation=federation, versions=versions, reads=MemoryPolicyReads(store),
                          directory=directory, notifier=notifier, profiles=profiles, in_force=in_force, clock=clock)
    files = TeamsFiles()
    publishing = PublishingFlow(strings=strings, federation=federation, versions=versions, reading=reading,
                                directory=directory, shipped=lambda: load_policy_data(FIXTURE_POLICY_FILE),
                                downloads=files, refresh=live.refresh, clock=clock)
    home = HomeFlow(strings, federation)
    ask = AskFlow(strings=strings, federation=federation, in_force=in_force, questions=MemoryQuestionLog(store),
                  notifier=notifier, profiles=profiles, limiter=MemoryRateLimiter(store), question_limit=10,
                  reply_limit=50, shipped=fixture_policy())
    router = Router([publishing, reading, home, ask], fallback=home.help, unknown_verb=home.unknown_verb,
                    invalid_data=home.invalid_card)
    return PublishingBot(BotInMemory(store, router, federation), reading, publishing, live, files)


async def _opened(strings: Catalogue, federation: Federation,
                  clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> PublishingBot:
    """The bot answering from the shipped (2022) file, with the federation's staff list; everyone has opened it."""
    opened = open_publishing_bot(strings, federation, clock)
    await opened.live.start()
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=[s.school_id for s in federation.schools])
    await MemoryStaffDirectory(opened.bot.store).replace_all(staff.staff)
    await opened.bot.meets(*STAFF)
    return opened


@pytest.fixture
async def bot(strings: Catalogue, federation: Federation) -> PublishingBot:
    """The bot answering from the shipped (2022) file, with the federation's staff list; everyone has opened it. In
    school hours (a school day at 10:00), so what Publish sends goes at once, whenever the test runs."""
    return await _opened(strings, federation, Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)))


def _storage_down(*args: object, **kwargs: object) -> Any:
    raise StorageUnavailable("injected")


# The campaign


async def test_a_campaign_a_fault_left_owed_is_never_sent_once_a_newer_version_is_in_force(
        bot: PublishingBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Version 2's cards could not be queued (storage went away); version 3 is published before the periodic pass:
    staff are asked to read version 3 only, never the version 2 that is no longer in force."""
    with monkeypatch.context() as fault:
        fault.setattr(MemoryOutbox, "enqueue", _storage_down)
        await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    assert await MemoryPolicyVersions(bot.bot.store).list_owed_campaigns() == ["2"]
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")

    await bot.reading.check_campaigns()

    for person in STAFF:
        [card] = await bot.read_cards(person)
        assert "version 3, issued 01.01.2027, is now in force" in text_of(card)
        assert verb_data(card, VERB_CONFIRM_READ)["version"] == "3"
    assert await MemoryPolicyVersions(bot.bot.store).list_owed_campaigns() == []
    assert await MemoryPolicyReads(bot.bot.store).list_asked("2") == []


async def test_the_read_request_tells_each_lock_screen_in_the_language_its_card_goes_out_in(
        bot: PublishingBot, tmp_path: Path) -> None:
    """Teams shows a message's summary in the notification banner; without one staff saw "Sent a card". The campaign
    (queued in both languages: many have never opened the bot) carries its line in both, as it carries its card."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")

    [message] = [m for m in await MemoryOutbox(bot.bot.store).list_for_recipient(CARYS)
                 if any(a.get("verb") == VERB_CONFIRM_READ for a in actions(dict(m.card)))]

    assert message.preview_in(Lang.EN).startswith("A new version of the Staff Social Media Policy is in force")
    assert message.preview_in(Lang.CY).startswith("Mae fersiwn newydd o'r Polisi Cyfryngau Cymdeithasol i Staff")


async def test_someone_who_has_not_opened_the_bot_yet_is_owed_only_the_card_of_the_version_in_force(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Owain has not opened the bot yet (Teams installs it within a day): version 2's card and, five school days on,
    its reminder wait for him. Then version 2.1 corrects the review date. Opening the bot, he got version 2's card,
    its reminder and version 2.1's card, two of them asking him to confirm a version no longer in force. Only the
    version in force's card waits for him now; so for Carys, who had her version 2 card at once and whose reminder
    had not reached her yet."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = open_publishing_bot(strings, federation, clock)
    await bot.live.start()
    await bot.bot.has_the_staff_list()
    await bot.bot.meets(SIAN, CARYS)
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    outbox = MemoryOutbox(bot.bot.store)
    [carys_v2] = await outbox.list_for_recipient(CARYS)
    await outbox.mark_sent(await outbox.claim(carys_v2, clock()))  # the sender brought it to her chat
    clock.now = datetime(2026, 9, 9, 8, 0, tzinfo=UTC)
    assert await bot.reading.remind() == len(STAFF)

    await bot.publishes(write_revised(tmp_path, "v2.1.txt", version="2.1", review="Summer 2027"), "2.1")

    owed = await outbox.list_for_recipient(OWAIN)
    assert [m.message_id for m in owed] == [f"policy|00002.00001|read|{OWAIN.aad_object_id}"]
    assert "version 2.1" in text_of(owed[0].card)
    assert [m.message_id for m in await outbox.list_for_recipient(CARYS)] == [
        f"policy|00002.00001|read|{CARYS.aad_object_id}"]


async def test_someone_who_had_not_confirmed_the_version_replaced_is_asked_to_read_the_whole_policy(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Version 2 (a new section, one removed, a rule reworded) came out on Tuesday; Owain confirmed it, Carys had not
    yet when version 3 corrected its review date on Thursday. Her card said "Please read what has changed", listed
    the review date and "What the policy expects of you has not changed", so she confirmed version 3 never having
    read version 2's rules. Her card, its reminder and the card she gets typing "I have read it" say version 3 is in
    place of version 2, which she had not confirmed, and to read the whole policy, in English and Welsh; Owain's
    card is as it was. So for Nia, who started in January: the policy in force is not "the same rules" to her."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    [owain_v2] = await bot.read_cards(OWAIN)
    await bot.bot.clicks(OWAIN, VERB_CONFIRM_READ, verb_data(owain_v2, VERB_CONFIRM_READ))
    clock.now = datetime(2026, 9, 3, 8, 0, tzinfo=UTC)
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", review="Summer 2027"), "3")
    outbox = MemoryOutbox(bot.bot.store)
    [carys] = await outbox.list_for_recipient(CARYS)
    [owain] = [m for m in await outbox.list_for_recipient(OWAIN) if "|00003|" in m.message_id]
    typed = await bot.bot.says(CARYS, "I have read it")
    typed_cy = await bot.bot.says(CARYS, "Dw i wedi'i ddarllen")
    whats_new = {lang: text_of((await bot.bot.says(CARYS, "what's new", lang=lang)).card) for lang in Lang}
    clock.now = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)
    await bot.reading.remind()
    [reminder] = await outbox.list_for_recipient(CARYS)
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), NIA])
    clock.now = datetime(2027, 1, 6, 8, 30, tzinfo=UTC)
    await bot.reading.check_campaigns()
    [nia_card] = await outbox.list_for_recipient(Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name))

    behind = {lang: strings.text("reads.request_body_behind", lang, title=title, version="3", previous="2",
                                 issued=issued)
              for lang, title, issued in ((Lang.EN, "Social Media Policy for Staff", "01.09.2026"),
                                          (Lang.CY, "Polisi Cyfryngau Cymdeithasol i Staff", "1 Medi 2026"))}
    same_rules = {lang: strings.text("reads.same_rules_why", lang) for lang in Lang}
    for message in (carys, reminder):
        assert behind[Lang.EN] in text_of(message.card) and behind[Lang.CY] in text_of(message.card_cy)
        assert same_rules[Lang.EN] not in text_of(message.card)
        assert same_rules[Lang.CY] not in text_of(message.card_cy)
        assert "what changed" not in message.preview
    assert "Reminder: please read the new policy" in text_of(reminder.card)
    assert behind[Lang.EN] in text_of(typed.card) and behind[Lang.CY] in text_of(typed_cy.card)
    assert behind[Lang.EN] not in text_of(owain.card) and same_rules[Lang.EN] in text_of(owain.card)
    assert same_rules[Lang.EN] not in text_of(nia_card.card) and same_rules[Lang.CY] not in text_of(nia_card.card_cy)
    nia_whats_new = (await bot.bot.says(Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name), "what's new")).card
    assert same_rules[Lang.EN] not in text_of(nia_whats_new)
    for lang in Lang:
        assert strings.text("reads.whats_new_behind", lang, previous="2") in whats_new[lang]
        assert same_rules[lang] not in whats_new[lang]


async def test_no_card_tells_someone_who_had_not_read_the_version_before_that_the_rules_are_the_same(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Version 3 corrected version 2's review date. "What the policy expects of you has not changed" was taken off the
    cards of Carys, who never confirmed version 2, and of Nia, who started in January; but under "Changes from version
    2" both still read "No section changed from version 2, so the rules are the same", so Nia, who had read no version,
    pressed I have read it having read a date. Their cards, reminder and "what's new" list the details without saying
    the rules are the same, English and Welsh; Owain, who confirmed version 2, is told they are."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    [owain_v2] = await bot.read_cards(OWAIN)
    await bot.bot.clicks(OWAIN, VERB_CONFIRM_READ, verb_data(owain_v2, VERB_CONFIRM_READ))
    clock.now = datetime(2026, 9, 3, 8, 0, tzinfo=UTC)
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", review="Summer 2027"), "3")
    outbox = MemoryOutbox(bot.bot.store)
    clock.now = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)
    await bot.reading.remind()
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), NIA])
    clock.now = datetime(2027, 1, 6, 8, 30, tzinfo=UTC)
    await bot.reading.check_campaigns()
    nia = Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name)

    same = {lang: strings.text("publish.changes_details", lang, previous="2") for lang in Lang}
    plain = {lang: strings.text("reads.changes_details_unread", lang, previous="2") for lang in Lang}
    not_read_before = [*await outbox.list_for_recipient(CARYS), *await outbox.list_for_recipient(nia)]
    assert len(not_read_before) == 2 and "Reminder" in text_of(not_read_before[0].card)
    for message in not_read_before:
        for lang, shown in ((Lang.EN, text_of(message.card)), (Lang.CY, text_of(message.card_cy))):
            assert same[lang] not in shown and plain[lang] in shown
            assert facts(json.loads(shown))[strings.text("ask.about_review", lang)]
    for person in (CARYS, nia):
        for lang in Lang:
            whats_new = text_of((await bot.bot.says(person, "what's new", lang=lang)).card)
            assert same[lang] not in whats_new and plain[lang] in whats_new
    [owain_v3] = [m for m in await outbox.list_for_recipient(OWAIN) if "|00003|" in m.message_id]
    assert same[Lang.EN] in text_of(owain_v3.card) and same[Lang.CY] in text_of(owain_v3.card_cy)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_published_card_counts_only_the_staff_asked_and_says_who_cannot_be(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Two rows of the office's list have no Entra id: nobody can ask them in Teams, but Siân read "7 members of staff
    on the staff list are being asked to read and confirm it". It says 5, and that 2 cannot be asked."""
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), *(
        StaffMember(name, f"{name.split()[0].lower()}@llanidloes.example.cymru", "primary", "Cook", "", "")
        for name in ("Dilys Price", "Ieuan Bowen"))])

    preview = await bot.sends(SIAN, write_revised(tmp_path), lang=lang)
    published = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()

    shown = text_of(published.card)
    assert strings.text("publish.done_body", lang, count=5) in shown
    assert strings.text("publish.done_unreachable", lang, count=2) in shown
    assert len(await MemoryPolicyReads(bot.bot.store).list_asked("2")) == 5


@pytest.mark.parametrize("lang", list(Lang))
async def test_storage_failing_just_after_the_version_is_stored_says_it_is_published_and_the_cards_follow(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: Lang) -> None:
    """The version, the pointer and the owed campaign are stored; then storage goes away (the staff list cannot be
    read). Siân is told it is published, not "nothing was changed", and the periodic pass sends the cards."""
    preview = await bot.sends(SIAN, write_revised(tmp_path))
    versions = MemoryPolicyVersions(bot.bot.store)
    read_the_list = MemoryStaffDirectory.list_members

    async def down_once_published(directory: MemoryStaffDirectory) -> list[StaffMember]:
        # Publish counts who it asks before it stores anything (as the preview did); storage goes once it is stored.
        if await versions.get_pointer() is not None:
            raise StorageUnavailable("injected")
        return await read_the_list(directory)

    with monkeypatch.context() as fault:
        fault.setattr(MemoryStaffDirectory, "list_members", down_once_published)
        published = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
        await bot.publishing.drain()
    sent_before = [len(await bot.read_cards(person)) for person in STAFF]
    await bot.reading.check_campaigns()

    shown = text_of(published.card)
    assert strings.text("publish.done_title", lang, version="2") in shown
    assert strings.text("publish.done_later", lang) in shown
    assert strings.text("error.storage", lang) not in shown
    pointer = await MemoryPolicyVersions(bot.bot.store).get_pointer()
    assert pointer is not None and pointer.version == "2"
    assert sent_before == [0] * len(STAFF)
    assert [len(await bot.read_cards(person)) for person in STAFF] == [1] * len(STAFF)


async def test_the_reminder_to_read_waits_for_five_school_days_after_the_summer_holidays(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Published on the last day of the summer term: staff were reminded five weekdays later, in the holidays, when
    nobody reads school messages. The school's holidays are not school days, nor is the August bank holiday."""
    clock = Clock(datetime(2026, 7, 20, 9, 0, tzinfo=UTC))  # 10:00 BST on Monday 20 July
    bot = await _opened(strings, with_school_holidays({"from": "2026-07-21", "to": "2026-09-01"}), clock)
    await bot.publishes(write_revised(tmp_path), "2")
    asked = len(await MemoryPolicyReads(bot.bot.store).list_asked("2"))

    reminded = {}
    for day in (date(2026, 7, 27), date(2026, 8, 20), date(2026, 9, 7), date(2026, 9, 8)):
        clock.now = datetime.combine(day, time(9, 0), tzinfo=UTC)
        reminded[day.isoformat()] = await bot.reading.remind()

    assert asked == len(STAFF)
    assert reminded == {"2026-07-27": 0, "2026-08-20": 0, "2026-09-07": 0, "2026-09-08": asked}  # 2, 3, 4, 7, 8 Sept


@pytest.mark.parametrize(("published", "due", "goes"), [
    # Thursday 5 November, 21:30 GMT: due at 21:30 on Thursday 12th, it goes at 08:00 on Friday 13th.
    (datetime(2026, 11, 5, 21, 30, tzinfo=UTC), datetime(2026, 11, 12, 21, 30, tzinfo=UTC),
     datetime(2026, 11, 13, 8, 0, tzinfo=UTC)),
    # Friday 16 October, 21:30 BST: due at 21:30 BST on Friday 23rd, it goes on Monday 26th at 08:00 GMT (the clocks
    # went back on the Sunday): 08:00 UTC, not 07:00.
    (datetime(2026, 10, 16, 20, 30, tzinfo=UTC), datetime(2026, 10, 23, 20, 30, tzinfo=UTC),
     datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
])
async def test_the_reminder_to_read_a_version_published_at_night_waits_for_the_next_school_morning(
        strings: Catalogue, federation: Federation, tmp_path: Path, published: datetime, due: datetime,
        goes: datetime) -> None:
    """The head published version 2 at 21:30 from home; five school days on, the automatic reminder reached every
    member of staff at 21:30 (on a Friday evening, the weekend's edge). It is still owed then (the day it is due is
    unchanged, and the asked rows say it was sent), but the sender keeps it until the next working day's school hours
    (SCHOOL_HOURS, 08:00 to 17:00 UK time), across the clocks changing. The cards the head's own Publish sent waited
    for school hours too (none of the staff pressed anything)."""
    clock = Clock(published)
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    assert [len(await bot.bot.cards_going_to(p, published)) for p in STAFF] == [0] * len(STAFF)  # held
    outbox = MemoryOutbox(bot.bot.store)
    for person in STAFF:  # each has their card, so what the sender owes them next is the reminder
        for message in await outbox.list_for_recipient(person):
            await outbox.mark_sent(message)

    clock.now = due
    reminded = await bot.reading.remind()

    assert reminded == len(STAFF)
    for moment in (due, due + timedelta(hours=1), goes - timedelta(minutes=1)):
        assert [await bot.bot.cards_going_to(p, moment) for p in STAFF] == [[]] * len(STAFF), moment
    going = [await bot.bot.cards_going_to(p, goes) for p in STAFF]
    assert all(len(cards) == 1 and any(a.get("verb") == VERB_CONFIRM_READ for a in actions(cards[0]))
               for cards in going)


async def test_the_governors_export_says_a_reminder_held_for_school_hours_is_held_not_waiting(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Version 2 came out at 21:30 on a Friday; five school days on, at 21:30 on the next Friday, the automatic
    reminder was due and is held for 08:00 on the Monday. The chair of governors exported the acknowledgements that
    evening: every member of staff, who had all opened the bot, showed a reminder "waiting (bot not opened yet)", as if
    nobody could be reached. It is held for school hours: counted apart, and waiting for nobody."""
    published = datetime(2026, 11, 6, 21, 30, tzinfo=UTC)  # Friday 6 November, 21:30 GMT
    clock = Clock(published)
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    outbox = MemoryOutbox(bot.bot.store)
    for person in STAFF:  # each has their card
        for message in await outbox.list_for_recipient(person):
            await outbox.mark_sent(message)
    clock.now = datetime(2026, 11, 13, 21, 30, tzinfo=UTC)
    assert await bot.reading.remind() == len(STAFF)
    asked = await MemoryPolicyReads(bot.bot.store).list_asked("2")

    delivery = await reminders_delivered(outbox, "2", asked, TENANT, now=clock.now)
    text = acknowledgements_csv("2", staff=await MemoryStaffDirectory(bot.bot.store).list_members(), asked=asked,
                                confirmed=[], school_names={}, delivery=delivery)
    rows = list(csv.reader(io.StringIO(text)))
    by_name = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}

    assert rows[0][-1] == "reminders held for school hours"
    owain = by_name[OWAIN.name]
    assert (owain["reminders waiting (bot not opened yet)"], owain["reminders held for school hours"],
            owain["reminders"], owain["reminders taken back unsent"]) == ("0", "1", "0", "0")
    # It goes at 08:00 on the Monday, and is held no longer then.
    monday = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    assert len(await bot.bot.cards_going_to(OWAIN, monday)) == 1
    assert not (await reminders_delivered(outbox, "2", asked, TENANT, now=monday))[OWAIN.aad_object_id.lower()].held


@pytest.mark.parametrize(("added", "goes"), [
    # Tuesday 8 December, 21:40 GMT: the office's evening import; her card goes at 08:00 on Wednesday 9th.
    (datetime(2026, 12, 8, 21, 40, tzinfo=UTC), datetime(2026, 12, 9, 8, 0, tzinfo=UTC)),
    # Friday 11 December, 18:10 GMT: after school on a Friday; it goes at 08:00 on Monday 14th, not at the weekend.
    (datetime(2026, 12, 11, 18, 10, tzinfo=UTC), datetime(2026, 12, 14, 8, 0, tzinfo=UTC)),
])
async def test_a_new_starters_first_card_asked_by_the_periodic_pass_at_night_waits_for_school_hours(
        strings: Catalogue, federation: Federation, tmp_path: Path, added: datetime, goes: datetime) -> None:
    """Nia was added to the staff list in the evening; the periodic pass asked her to read version 2 at once, at 21:40
    (or on a Friday evening), though no one pressed anything: the card is automatic, as a reminder is, and waits for the
    next working day's school hours. She is counted as asked when the pass ran, as before."""
    clock = Clock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    directory = MemoryStaffDirectory(bot.bot.store)
    nia_person = Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name)
    await bot.bot.meets(nia_person)
    clock.now = added
    await directory.replace_all([*await directory.list_members(), NIA])

    await bot.reading.check_campaigns()

    [asked] = [a for a in await MemoryPolicyReads(bot.bot.store).list_asked("2") if a.object_id == NIA.aad_object_id]
    assert asked.asked_at == added
    for moment in (added, added + timedelta(hours=2), goes - timedelta(minutes=1)):
        assert await bot.bot.cards_going_to(nia_person, moment) == [], moment
    [card] = await bot.bot.cards_going_to(nia_person, goes)
    assert verb_data(card, VERB_CONFIRM_READ) == {"version": "2"}


async def test_a_new_starters_card_asked_by_the_periodic_pass_in_school_hours_goes_at_once(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Added at 10:15 on a school day, Nia is asked to read version 2 by the next pass, then and there."""
    clock = Clock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), NIA])
    clock.now = datetime(2026, 12, 7, 10, 15, tzinfo=UTC)

    await bot.reading.check_campaigns()

    [card] = await bot.bot.cards_going_to(Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name), clock.now)
    assert verb_data(card, VERB_CONFIRM_READ) == {"version": "2"}


async def test_a_card_owed_again_to_someone_put_back_on_the_staff_list_at_night_waits_for_school_hours(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Carys was left off the office's import by mistake as version 2's card went to her, so it was withheld; the next
    import, at 21:40 on the Tuesday, put her back, and the periodic pass sent her the card again then and there, though
    nobody pressed anything. It waits for 08:00 on the Wednesday, as a reminder does."""
    clock = Clock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))  # Monday 7 December, 10:00 GMT
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    store = bot.bot.store
    directory, outbox = MemoryStaffDirectory(store), MemoryOutbox(store)
    everyone = await directory.list_members()
    await directory.replace_all([m for m in everyone if m.aad_object_id != CARYS.aad_object_id])
    [card] = await outbox.list_for_recipient(CARYS)
    claimed = await outbox.claim(card, clock.now)
    assert not await StillToRead(MemoryPolicyReads(store), MemoryPolicyVersions(store), directory).still_owed(
        claimed, clock.now)
    await outbox.discard(claimed)
    clock.now = datetime(2026, 12, 8, 21, 40, tzinfo=UTC)  # Tuesday 8 December, 21:40 GMT
    await directory.replace_all(everyone)

    await bot.reading.check_campaigns()

    assert [w.owed_again_at for w in await MemoryPolicyReads(store).list_withheld("2")] == [clock.now]
    for moment in (clock.now, datetime(2026, 12, 9, 7, 59, tzinfo=UTC)):
        assert await bot.bot.cards_going_to(CARYS, moment) == [], moment
    [again] = await bot.bot.cards_going_to(CARYS, datetime(2026, 12, 9, 8, 0, tzinfo=UTC))
    assert verb_data(again, VERB_CONFIRM_READ) == {"version": "2"}


# Staff


async def _two_versions(bot: PublishingBot, folder: Path) -> Card:
    """Versions 2 and 3 published one after the other; Carys's card for version 2 (still in her chat)."""
    await bot.publishes(write_revised(folder, "v2.txt"), "2")
    [old_card] = await bot.read_cards(CARYS)
    await bot.publishes(write_revised(folder, "v3.txt", version="3", issued="01.01.2027"), "3")
    return old_card


@pytest.mark.parametrize("lang", list(Lang))
async def test_i_have_read_it_on_last_versions_card_records_nothing_and_offers_the_version_in_force(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    old_card = await _two_versions(bot, tmp_path)
    reads = MemoryPolicyReads(bot.bot.store)

    reply = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(old_card, VERB_CONFIRM_READ), lang=lang)
    switched = await bot.bot.clicks(CARYS, VERB_READ_REQUEST, verb_data(old_card, VERB_READ_REQUEST), lang=lang)
    confirmed = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(reply.card or {}, VERB_CONFIRM_READ),
                                     lang=lang)

    shown = text_of(reply.card)
    assert strings.text("reads.superseded", lang, version="2", current="3") in shown
    assert strings.text("reads.nothing_recorded", lang, version="2") in shown
    assert verb_data(reply.card or {}, VERB_CONFIRM_READ) == {"version": "3"}
    assert verb_data(switched.card or {}, VERB_CONFIRM_READ) == {"version": "3"}
    assert strings.text("reads.superseded", Lang.CY, version="2", current="3") in text_of(switched.card)
    assert await reads.list_confirmed("2") == []
    assert [c.person.aad_object_id for c in await reads.list_confirmed("3")] == [CARYS.aad_object_id]
    assert "version 3" in text_of(confirmed.card) or "fersiwn 3" in text_of(confirmed.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_card_of_a_replaced_version_pressed_after_confirming_the_one_in_force_says_so_and_asks_nothing(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Carys's version 2 card was on its way to Teams (checked by the sender) as version 3 came out; she confirmed
    version 3 from its own card, then pressed I have read it on the version 2 card that arrived late, and its other
    language button. Both answered with version 3's card asking her to read and confirm it, as if she had not: the
    card she pressed now says the version it was about is replaced and that she confirmed version 3, and when."""
    old_card = await _two_versions(bot, tmp_path)
    [new_card] = await bot.read_cards(CARYS)
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(new_card, VERB_CONFIRM_READ))
    [confirmed] = await MemoryPolicyReads(bot.bot.store).list_confirmed("3")

    pressed = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(old_card, VERB_CONFIRM_READ), lang=lang)
    other = await bot.bot.clicks(CARYS, VERB_READ_REQUEST, verb_data(old_card, VERB_READ_REQUEST), lang=lang)

    for reply, shown_in in ((pressed, lang), (other, Lang.CY)):
        shown = text_of(reply.card)
        assert strings.text("reads.replaced_confirmed", shown_in, version="2", current="3",
                            when=when(confirmed.read_at)) in shown, shown
        assert VERB_CONFIRM_READ not in {a.get("verb") for a in actions(reply.card or {})}
    assert await MemoryPolicyReads(bot.bot.store).list_confirmed("2") == []


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_other_language_on_a_card_already_confirmed_says_so_rather_than_asking_again(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Owain's reminder was on its way as he confirmed version 2 from his first card; on the reminder that arrived he
    pressed the button for the other language: the card asking him to read and confirm came again, in it."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    [card] = await bot.read_cards(OWAIN)
    await bot.bot.clicks(OWAIN, VERB_CONFIRM_READ, verb_data(card, VERB_CONFIRM_READ))
    [confirmed] = await MemoryPolicyReads(bot.bot.store).list_confirmed("2")
    data = {**verb_data(card, VERB_READ_REQUEST), "lang": lang.value}

    reply = await bot.bot.clicks(OWAIN, VERB_READ_REQUEST, data)

    assert strings.text("reads.already_confirmed", lang, version="2", when=when(confirmed.read_at)) \
        in text_of(reply.card)
    assert VERB_CONFIRM_READ not in {a.get("verb") for a in actions(reply.card or {})}
    assert reply.language is lang


@pytest.mark.parametrize(("typed", "lang"), [
    ("Do I have to confirm?", Lang.EN), ("do i need to confirm it", Lang.EN),
    ("What does I have read it mean?", Lang.EN), ("Why do I have to confirm I've read it?", Lang.EN),
    ("Oes rhaid i fi gadarnhau?", Lang.CY), ("oes angen i mi gadarnhau", Lang.CY)])
async def test_do_i_have_to_confirm_typed_explains_the_card_and_shows_where_she_stands(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, typed: str, lang: Lang) -> None:
    """Carys, with version 2's card in her chat, typed "Do I have to confirm?" ("Oes rhaid i fi gadarnhau?"): the bot
    took it for a question of the policy and quoted its rules, when she asked about the card. She is told what the card
    is and what pressing I have read it does, with version 2's card to press below; once she has pressed it, when she
    did. Nothing is recorded by typing."""
    await bot.publishes(write_revised(tmp_path), "2")
    reads = MemoryPolicyReads(bot.bot.store)

    asked = await bot.bot.says(CARYS, typed)
    recorded_by_typing = await reads.list_confirmed("2")
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"})
    asked_again = await bot.bot.says(CARYS, typed)

    assert strings.text("reads.must_confirm", lang) in text_of(asked.card)
    assert [verb_data(card, VERB_CONFIRM_READ) for card in asked.more] == [{"version": "2"}]
    assert recorded_by_typing == []
    assert strings.text("reads.must_confirm", lang) in text_of(asked_again.card)
    assert VERB_CONFIRM_READ not in text_of(asked_again.more)
    assert "version 2" in text_of(asked_again.more) or "fersiwn 2" in text_of(asked_again.more)


@pytest.mark.parametrize(("typed", "lang"), [
    ("Have I confirmed?", Lang.EN), ("Did I confirm I've read the policy?", Lang.EN),
    ("Have I read the new policy?", Lang.EN), ("When did I confirm?", Lang.EN),
    ("Ydw i wedi cadarnhau?", Lang.CY), ("Ydw i wedi darllen y polisi?", Lang.CY), ("Wnes i gadarnhau?", Lang.CY),
    # As Welsh speakers type them: "'n barod" after a vowel, "nes i" for "wnes i", the latest version (before, each was
    # asked of the policy).
    ("Ydw i wedi cadarnhau'n barod?", Lang.CY), ("Nes i gadarnhau?", Lang.CY),
    ("Ydw i wedi darllen y fersiwn ddiweddaraf?", Lang.CY), ("Ydw i wedi pwyso Rydw i wedi'i ddarllen?", Lang.CY)])
async def test_have_i_confirmed_typed_says_which_version_she_confirmed_and_when_or_gives_her_the_card(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, typed: str, lang: Lang) -> None:
    """Carys pressed I have read it in September and the card said so; in October, unsure, she typed "Have I
    confirmed?" ("Ydw i wedi cadarnhau?"): it went to the policy as a question, which says nothing of her, and the only
    way back to what she confirmed was "what's new". Now she is told which version she confirmed and when, and that it
    is the version in force; Owain, who has not pressed it, is told he has not yet, with the card to press. Typing
    records nothing. Her Teams is in English: words typed in Welsh get Welsh."""
    await bot.publishes(write_revised(tmp_path), "2")
    reads = MemoryPolicyReads(bot.bot.store)
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"})
    [confirmation] = await reads.list_confirmed("2")

    hers = await bot.bot.says(CARYS, typed)
    his = await bot.bot.says(OWAIN, typed)

    assert strings.text("reads.have_confirmed", lang, when=when(confirmation.read_at), version="2") in text_of(
        hers.card)
    assert VERB_CONFIRM_READ not in text_of(hers.card)
    assert strings.text("reads.please_confirm", lang) in text_of(his.card)
    assert verb_data(his.card or {}, VERB_CONFIRM_READ) == {"version": "2"}
    assert [c.person.aad_object_id for c in await reads.list_confirmed("2")] == [CARYS.aad_object_id]


@pytest.mark.parametrize(("typed", "lang"), [
    ("I have read it", Lang.EN), ("Ok, I've read the new policy, thanks", Lang.EN),
    ("Thank you, I've read it", Lang.EN), ("Dw i wedi'i ddarllen", Lang.CY),
    ("Diolch, rydw i wedi darllen y polisi newydd", Lang.CY),
    # Read and understood, the south's "rwy ... e", and the latest version (before, each asked of the policy).
    ("Dwi wedi darllen a deall y polisi", Lang.CY), ("Rwy wedi darllen e", Lang.CY),
    ("Dw i wedi darllen y fersiwn ddiweddaraf", Lang.CY), ("Wedi darllen y fersiwn newydd", Lang.CY)])
async def test_i_have_read_it_typed_gets_the_card_to_press_and_says_typing_it_records_nothing(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, typed: str, lang: Lang) -> None:
    """Carys answered the card asking her to confirm by typing "I have read it" (or "Dw i wedi'i ddarllen"): the bot
    took it for a question, quoted her the section on communicating with the public (or said the policy does not cover
    it, offering to ask the headteacher), recorded nothing, and she believed she had confirmed until the head chased
    her. Now she gets version 2's card again, saying so, with I have read it to press; typed again once she has pressed
    it, she is told when she did. Her Teams is in English: words typed in Welsh get Welsh."""
    await bot.publishes(write_revised(tmp_path), "2")
    reads = MemoryPolicyReads(bot.bot.store)

    typed_first = await bot.bot.says(CARYS, typed)
    recorded_by_typing = await reads.list_confirmed("2")
    pressed = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(typed_first.card or {}, VERB_CONFIRM_READ),
                                   lang=lang)
    typed_again = await bot.bot.says(CARYS, typed)

    assert strings.text("reads.typed_confirm", lang, version="2") in text_of(typed_first.card)
    assert strings.text("reads.confirm", lang) in text_of(typed_first.card)
    assert verb_data(typed_first.card or {}, VERB_CONFIRM_READ) == {"version": "2"}
    assert recorded_by_typing == []
    assert [c.person.aad_object_id for c in await reads.list_confirmed("2")] == [CARYS.aad_object_id]
    assert "version 2" in text_of(pressed.card) or "fersiwn 2" in text_of(pressed.card)
    [confirmation] = await reads.list_confirmed("2")
    assert strings.text("reads.already_confirmed", lang, when=when(confirmation.read_at), version="2") in text_of(
        typed_again.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_i_have_read_it_typed_before_anything_is_published_or_by_someone_not_on_the_staff_list_records_nothing(
        bot: PublishingBot, strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang) -> None:
    """Nothing has been published through the bot yet: nobody has been asked, and it says so rather than search the
    policy for the words. A pupil in the Hwb tenant typing it is told only staff are asked."""
    before = await bot.bot.says(CARYS, "I have read it", lang=lang)
    await bot.publishes(write_revised(tmp_path), "2")
    pupil = Person(CARYS.tenant_id, "c3000000-0000-4000-8000-0000000000b1", "Elis Pupil (Year 9)")
    refused = await bot.bot.says(pupil, "I've read it", lang=lang)

    assert strings.text("reads.no_version", lang) in text_of(before.card)
    assert strings.text("reads.not_on_staff_list", lang, federation=federation.name(lang)) in text_of(refused.card)
    assert await MemoryPolicyReads(bot.bot.store).list_confirmed("2") == []


@pytest.mark.parametrize("lang", list(Lang))
async def test_someone_not_on_the_staff_list_pressing_i_have_read_it_is_told_so_and_nothing_is_kept(
        bot: PublishingBot, strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang) -> None:
    """Hwb is one tenant for pupils and staff: Carys forwarded her card to a class team, and a pupil pressed I have
    read it. The pupil's name was kept as having read the staff policy, and the governors' CSV listed them, "not on the
    staff list", as "read". Nothing is kept now, and the pupil is told why; the chair of governors, named in the
    settings though not on the staff list, still confirms."""
    await bot.publishes(write_revised(tmp_path), "2")
    [card] = await bot.read_cards(CARYS)
    pupil = Person(CARYS.tenant_id, "c3000000-0000-4000-8000-0000000000b1", "Elis Pupil (Year 9)")
    assert federation.chair_of_governors is not None
    chair = Person(CARYS.tenant_id, federation.chair_of_governors.aad_object_id, federation.chair_of_governors.name)

    refused = await bot.bot.clicks(pupil, VERB_CONFIRM_READ, verb_data(card, VERB_CONFIRM_READ), lang=lang)
    await bot.bot.clicks(chair, VERB_CONFIRM_READ, verb_data(card, VERB_CONFIRM_READ), lang=lang)

    assert strings.text("reads.not_on_staff_list", lang, federation=federation.name(lang)) in text_of(refused.card)
    reads = MemoryPolicyReads(bot.bot.store)
    assert [c.person.aad_object_id for c in await reads.list_confirmed("2")] == [chair.aad_object_id]


@pytest.mark.parametrize("typed", ["2.0", "02", " 2"])
async def test_i_have_read_it_with_the_version_written_another_way_names_the_version_as_published(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, typed: str) -> None:
    """Card data made up by hand, "version": "2.0": it is version 2, and the answer said "version 2.0", which was never
    published; pressed again, it said she had confirmed "version 02"."""
    await bot.publishes(write_revised(tmp_path), "2")

    first = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": typed})
    again = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2.00"})

    assert "that you have read version 2 of the policy." in text_of(first.card)
    assert "that you have read version 2." in text_of(again.card)
    assert verb_data(first.card or {}, VERB_SECTIONS) == {"version": "2"}


async def _another_instance(bot: PublishingBot, strings: Catalogue, federation: Federation) -> BotInMemory:
    """A second instance of the bot on the same storage, started now: it follows the current version at its own
    poll, which has not come round yet."""
    store = bot.bot.store
    live = LivePolicy[NoIndex](MemoryPolicyVersions(store), default=fixture_policy, build_index=lambda p: NoIndex())
    await live.start()
    home = HomeFlow(strings, federation)
    ask = AskFlow(strings=strings, federation=federation, in_force=live.current, questions=MemoryQuestionLog(store),
                  notifier=QueueingNotifier(MemoryOutbox(store)), profiles=MemoryUserProfiles(store),
                  limiter=MemoryRateLimiter(store), question_limit=10, reply_limit=50, shipped=fixture_policy(),
                  refresh=live.refresh)
    return BotInMemory(store, Router([home, ask], fallback=home.help, unknown_verb=home.unknown_verb,
                                     invalid_data=home.invalid_card), federation)


def _section_buttons(card: Card | None) -> dict[str, dict[str, Any]]:
    """The data of each section row's button, by the heading it shows."""
    return {str(row["selectAction"]["title"]): dict(row["selectAction"]["data"])
            for row in (card or {}).get("body", []) if isinstance(row, dict) and "selectAction" in row}


async def test_read_the_policy_on_the_new_versions_card_shows_the_new_version_on_an_instance_not_yet_switched(
        bot: PublishingBot, strings: Catalogue, federation: Federation, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Carys is asked to read version 2 and taps "Read the policy"; the click lands on the instance that has not yet
    polled for the new version: she reads version 2's sections, never version 1's, and each section as version 2 has
    it. Where that instance cannot reach storage, she is told plainly that version 2 is a moment away."""
    other = await _another_instance(bot, strings, federation)
    unreachable = await _another_instance(bot, strings, federation)
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    [card] = await bot.read_cards(CARYS)
    old_card_sections = await other.clicks(CARYS, VERB_SECTIONS, {})  # a card from before buttons named the version

    sections = await other.clicks(CARYS, VERB_SECTIONS, verb_data(card, VERB_SECTIONS))
    buttons = _section_buttons(sections.card)
    with monkeypatch.context() as fault:
        fault.setattr(MemoryPolicyVersions, "get_pointer", _storage_down)
        not_yet = await unreachable.clicks(CARYS, VERB_SECTIONS, verb_data(card, VERB_SECTIONS))
        section_not_yet = await unreachable.clicks(CARYS, VERB_SECTION, buttons[AI_SECTION[0]])
    section = await unreachable.clicks(CARYS, VERB_SECTION, buttons[AI_SECTION[0]])

    assert verb_data(card, VERB_SECTIONS)["version"] == "2"
    assert REMOVED_SECTION in text_of(old_card_sections.card)  # as before: the version this instance has
    assert AI_SECTION[0] in buttons and REMOVED_SECTION not in buttons
    assert buttons[AI_SECTION[0]]["version"] == "2"
    moment = strings.text("ask.version_coming", Lang.EN, version="2")
    assert text_of(not_yet.card) == text_of(section_not_yet.card) and moment in text_of(not_yet.card)
    assert AI_SECTION[1] in text_of(section.card)


# The policy owner


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_policy_in_force_sent_before_anything_was_published_is_already_current(
        bot: PublishingBot, strings: Catalogue, lang: Lang) -> None:
    """Siân sends the 2022 document the bot already answers from (the shipped file): no 'new version' for staff."""
    url = "https://llanidloes.example.cymru/download/2022"
    bot.files.files[url] = await asyncio.to_thread(TEXT_2022.read_bytes)

    preview = await bot.bot.router.route(Turn(actor=SIAN, lang=lang, scope=Scope.PERSONAL,
                                              files=(SentFile(TEXT_2022.name, url),)))

    shown = text_of(preview.card)
    assert strings.text("publish.already_current", lang, version="1") in shown
    assert VERB_PUBLISH not in shown
    assert await MemoryPolicyVersions(bot.bot.store).list_versions() == []


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_version_in_force_sent_again_the_same_day_is_not_said_to_differ_in_its_details(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Siân published version 2 in the morning and, not sure it had gone, sent the same Word file again after lunch.
    The preview said "No section changed from version 2; only the document's details did." above "This document is
    already the current version (2)": she looked for a detail she had got wrong, and there was none. It says nothing
    in it differs from version 2."""
    await bot.publishes(revised_docx(tmp_path), "2")

    again = await bot.sends(SIAN, revised_docx(tmp_path, "Social Media Policy 2026 (1).docx"), lang=lang)

    shown = text_of(again.card)
    assert strings.text("publish.already_current", lang, version="2") in shown
    assert strings.text("publish.changes_none", lang, previous="2") not in shown
    assert strings.text("publish.changes_nothing", lang, previous="2") in shown
    assert VERB_PUBLISH not in shown


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_revised_document_still_marked_version_1_never_replaces_the_2022_text_as_version_1(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Siân forgets to change "Version 1" in the revised document: published, it replaced the version 1 the bot was
    installed with, so `rollback-policy 1` could never bring the 2022 text back. Marked version 2, it is published
    and the 2022 text is kept as version 1."""
    forgot = write_revised(tmp_path, "forgot.txt", version="1")
    versions = MemoryPolicyVersions(bot.bot.store)

    preview = await bot.sends(SIAN, forgot, lang=lang)
    with pytest.raises(PublishRefused) as by_command:
        await bot.publishing.publish(read_source(forgot).data, by=SIAN)

    shown = text_of(preview.card)
    assert strings.text("publish.same_number_installed", lang, version="1", next="2") in shown
    assert VERB_PUBLISH not in shown
    assert by_command.value.key == "publish.same_number_installed"
    assert await versions.list_versions() == [] and await versions.get_pointer() is None
    await bot.publishes(write_revised(tmp_path, "fixed.txt"), "2")
    assert [v.version for v in await versions.list_versions()] == ["1", "2"]
    assert await versions.get_policy_data("1") == load_policy_data(FIXTURE_POLICY_FILE)


async def test_a_corrected_review_date_under_the_same_version_is_refused_with_the_number_to_give_it(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path) -> None:
    """Version 2 went out with the wrong next review date; sent again with it corrected, it was called "already the
    current version (2). Nothing was changed", beside "only the document's details did [change]", and the About card
    kept the wrong date. A version in force is never changed: the correction is refused with the number to give it,
    and published under that number the About card shows the corrected date."""
    await bot.publishes(write_revised(tmp_path, "v2.txt", review="Autumn 2028"), "2")

    corrected = await bot.sends(SIAN, write_revised(tmp_path, "v2-fixed.txt", review="Summer 2027"))

    shown = text_of(corrected.card)
    assert strings.text("publish.details_only", Lang.EN, version="2", next="2.1") in shown
    assert strings.text("publish.already_current", Lang.EN, version="2") not in shown
    assert VERB_PUBLISH not in shown
    await bot.publishes(write_revised(tmp_path, "v2.1.txt", version="2.1", review="Summer 2027"), "2.1")
    about = text_of((await bot.bot.says(GARETH, "about")).card)
    assert '"value": "Summer 2027"' in about and '"value": "Autumn 2028"' not in about  # as it was: under changes


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_welsh_file_name_is_shown_as_the_policy_owner_wrote_it(
        bot: PublishingBot, tmp_path: Path, lang: Lang) -> None:
    """Siân saved the document as "Polisi’r Cyfryngau Cymdeithasol – Fersiwn 2 & Atodiad.docx" (Word's apostrophe and
    dash): the preview named it "Polisi_r Cyfryngau Cymdeithasol _ Fersiwn 2 _ Atodiad.docx", as if the file were
    damaged. Its apostrophes, dashes and "&" are shown as written; a path and control characters are still not."""
    named = tmp_path / "Polisi’r Cyfryngau Cymdeithasol – Fersiwn 2 & Atodiad.docx"
    named.write_bytes(revised_docx(tmp_path).read_bytes())

    preview = await bot.sends(SIAN, named, lang=lang)

    assert "Polisi’r Cyfryngau Cymdeithasol – Fersiwn 2 & Atodiad.docx" in text_of(preview.card)
    assert VERB_PUBLISH in text_of(preview.card)


async def test_a_section_only_renamed_is_called_renamed_not_changed(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path) -> None:
    """Version 2 renamed "Legislation" to "The law", keeping its words. Staff read "Changed: The law (was
    "Legislation")" and looked for a rule that had changed; there was none. A section whose words are as they were
    is "Renamed:", in English and Welsh; one renamed with a rule reworded too is still "Changed:", with its counts."""
    await bot.publishes(write_revised(tmp_path, "v2.txt", renamed={
        "Legislation": "The law", "Using social networking for personal use": "Your own social media"}), "2")
    [message] = [m for m in await MemoryOutbox(bot.bot.store).list_for_recipient(CARYS)
                 if any(a.get("verb") == VERB_CONFIRM_READ for a in actions(dict(m.card)))]

    english, welsh = _changes_listed(message.card), _changes_listed(message.card_cy)
    assert english == [("Renamed:", 'The law (was "Legislation")'),
                       ("Changed:", 'Your own social media (was "Using social networking for personal use")'),
                       ("New section:", "Generative AI tools"),
                       ("Removed:", "Use of personal mobile devices at work")]
    assert welsh[0] == (strings.text("publish.change_renamed_only", Lang.CY), 'The law ("Deddfwriaeth" gynt)')
    assert welsh[1][0] == strings.text("publish.change_changed", Lang.CY)


def _changes_listed(card: object) -> list[tuple[str, str]]:
    """What a card lists as changed: each section's label ("Changed:") and heading, in order."""
    return [(block["inlines"][0]["text"], block["inlines"][1]["text"].strip())
            for block in elements(card, "RichTextBlock") if len(block["inlines"]) == 2]


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_refused_preview_does_not_say_nothing_stops_it_being_published(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Siân sent version 2 with its next review date corrected, still marked "Version 2". Under "Publish a new version
    of the policy?" the preview said "The policy check found nothing that stops it being published.", and only at the
    foot of the card, under the check's notes, that it could not be. The card now says at its head that the document
    cannot be published as it is, and why, and the check line says the check found nothing wrong in the document
    itself."""
    await bot.publishes(write_revised(tmp_path, "v2.txt", review="Autumn 2028"), "2")

    refused = await bot.sends(SIAN, write_revised(tmp_path, "v2-fixed.txt", review="Summer 2027"), lang=lang)

    shown = text_of(refused.card)
    lines = [item.get("text", "") for item in (refused.card or {})["body"]]
    why = strings.text("publish.details_only", lang, version="2", next="2.1")
    assert strings.text("publish.check_passed", lang) not in shown
    assert strings.text("publish.preview_title", lang) not in shown
    assert lines[0] == strings.text("publish.refused_title", lang)
    assert strings.text("publish.check_passed_refused", lang) in shown
    assert shown.index(why) < shown.index(strings.text("publish.check_title", lang))
    assert VERB_PUBLISH not in shown


async def test_a_new_version_with_changed_sections_and_new_dates_lists_the_dates_too(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path) -> None:
    """Version 2 changes sections and gives new dates (issued, next review). Its details were listed only when no
    section changed, so staff and the head's preview learnt nothing of the new review date under a list of sections;
    they are now listed after the sections, as they were and as they are, English and Welsh."""
    preview = await bot.sends(SIAN, write_revised(tmp_path, "v2.txt", review="Autumn 2028"))
    await bot.publishes(write_revised(tmp_path, "v2.txt", review="Autumn 2028"), "2")
    [message] = [m for m in await MemoryOutbox(bot.bot.store).list_for_recipient(CARYS)
                 if any(a.get("verb") == VERB_CONFIRM_READ for a in actions(dict(m.card)))]

    for card, lang in ((message.card, Lang.EN), (message.card_cy, Lang.CY), (preview.card, Lang.EN)):
        assert strings.text("publish.change_added", lang) in text_of(card)
        assert strings.text("publish.details_also", lang) in text_of(card)
    assert facts(message.card)["Next review"] == "Autumn 2028 (was Autumn 2024)"
    assert facts(message.card_cy)["Adolygiad nesaf"] == "Tymor yr Hydref 2028 (Tymor yr Hydref 2024 gynt)"
    assert facts(preview.card or {})["Next review"] == "Autumn 2028 (was Autumn 2024)"
    assert strings.text("reads.same_rules_why", Lang.EN) not in text_of(message.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_refused_preview_does_not_list_the_checks_notes_for_a_document_that_is_not_published(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Version 2 sent again with its review date corrected is refused (it needs the number 2.1), and its card still
    listed the check's notes for the policy owner (about the steering data's wordings for this version), work on a
    document that will not be published as it is. They are left off, with one line saying they come with the preview
    of the document she sends next, which lists them."""
    await bot.publishes(write_revised(tmp_path, "v2.txt", review="Autumn 2028"), "2")

    refused = await bot.sends(SIAN, write_revised(tmp_path, "v2-fixed.txt", review="Summer 2027"), lang=lang)
    renumbered = await bot.sends(SIAN, write_revised(tmp_path, "v2.1.txt", version="2.1", review="Summer 2027"),
                                 lang=lang)

    assert strings.text("publish.notes", lang) in text_of(renumbered.card)
    assert strings.text("publish.notes", lang) not in text_of(refused.card)
    assert "•" not in text_of(refused.card)
    assert strings.text("publish.notes_later", lang) in text_of(refused.card)


async def test_a_correction_of_the_details_alone_tells_staff_which_details_changed_and_why_they_confirm_again(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path) -> None:
    """Version 2.1 corrects only version 2's next review date. Staff were asked to read and confirm it under "No
    section changed from version 2; only the document's details did.": not which detail, nor why they must confirm
    the same rules again. The card (and "what's new") names the detail, as it was and as it is, in English and Welsh,
    and says the rules are the same and why they are asked; a version whose only change is its number says that."""
    await bot.publishes(write_revised(tmp_path, "v2.txt", review="Autumn 2028"), "2")
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"})  # she had read version 2

    await bot.publishes(write_revised(tmp_path, "v2.1.txt", version="2.1", review="Summer 2027"), "2.1")
    [message] = [m for m in await MemoryOutbox(bot.bot.store).list_for_recipient(CARYS)
                 if any(a.get("verb") == VERB_CONFIRM_READ for a in actions(dict(m.card)))]
    whats_new = text_of((await bot.bot.says(OWAIN, "what's new")).card)
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2.1"})
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", review="Summer 2027"), "3")
    [number_only] = await bot.read_cards(CARYS)

    english, welsh = text_of(message.card), text_of(message.card_cy)
    assert "only the document's details did" not in english and "dim ond manylion y ddogfen" not in welsh
    assert strings.text("publish.changes_details", Lang.EN, previous="2") in english
    assert strings.text("publish.changes_details", Lang.CY, previous="2") in welsh
    assert facts(message.card)["Next review"] == "Summer 2027 (was Autumn 2028)"
    assert facts(message.card_cy)["Adolygiad nesaf"] == "Tymor yr Haf 2027 (Tymor yr Hydref 2028 gynt)"
    assert strings.text("reads.same_rules_why", Lang.EN) in english
    assert strings.text("reads.same_rules_why", Lang.CY) in welsh
    assert "Summer 2027 (was Autumn 2028)" in whats_new
    assert strings.text("publish.changes_number_only", Lang.EN, previous="2.1") in text_of(number_only)
    assert strings.text("reads.same_rules_why", Lang.EN) in text_of(number_only)


def _with_welsh(source: Path, folder: Path, name: str, version: str) -> Path:
    """The policy file of a document with the Welsh of every passage added, as the office would send it."""
    data = read_source(source).data
    data.pop("document", None)
    data["version"] = version
    for section in data["sections"]:
        for passage in section["passages"]:
            passage["text_cy"] = f"Cyfieithiad Cymraeg: {passage['text'][:40]}"
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


async def test_adding_the_welsh_to_the_version_in_force_is_refused_with_the_number_to_give_it(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path) -> None:
    """The office adds the Welsh text to version 2 and sends it: it was told "already the current version, nothing
    was changed" beside "only the document's details did [change]", and the Welsh never reached Welsh cards. A
    version in force is never changed: the Welsh is refused with the number to give it, the preview says the Welsh
    changed, and published under that number Welsh cards quote it."""
    v2 = write_revised(tmp_path, "v2.txt")
    await bot.publishes(v2, "2")

    preview = await bot.sends(SIAN, _with_welsh(v2, tmp_path, "v2-gyda-chymraeg.json", "2"))

    shown = text_of(preview.card)
    assert strings.text("publish.welsh_changed", Lang.EN, version="2", next="2.1") in shown
    assert strings.text("publish.already_current", Lang.EN, version="2") not in shown
    assert strings.text("publish.changes_none", Lang.EN, previous="2") not in shown
    assert "new or changed Welsh" in shown and VERB_PUBLISH not in shown
    await bot.publishes(_with_welsh(v2, tmp_path, "v2.1.json", "2.1"), "2.1")
    assert bot.live.current().policy.all_passages()[0].quote("cy").startswith("Cyfieithiad Cymraeg: ")


@pytest.mark.parametrize("lang", list(Lang))
async def test_about_says_when_and_by_whom_the_version_in_force_was_published(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    before = await bot.bot.says(GARETH, "about", lang=lang)
    await bot.publishes(write_revised(tmp_path), "2")
    record = await MemoryPolicyVersions(bot.bot.store).get("2")

    about = await bot.bot.says(GARETH, "about", lang=lang)

    assert record.published_by == "Mrs Siân Roberts"
    assert published_text(strings, lang, record.published_at, record.published_by) in text_of(about.card)
    assert strings.text("reads.published_on", lang, when="", name="").split()[0] not in text_of(before.card)


async def _rolled_back(bot: PublishingBot, version: str) -> None:
    """`python -m bot rollback-policy VERSION`, and the bot answering from it."""
    versions = MemoryPolicyVersions(bot.bot.store)
    await versions.make_current(version, by=BY_COMMAND, expected=await versions.get_pointer())
    await bot.live.refresh()


@pytest.mark.parametrize("lang", list(Lang))
async def test_after_rolling_back_to_the_shipped_version_whats_new_asks_nobody_to_confirm_it(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """The README: `rollback-policy 1` goes back to the version the bot was installed with, and nobody is asked to
    read it again."""
    await bot.publishes(write_revised(tmp_path), "2")
    await _rolled_back(bot, "1")

    whats_new = await bot.bot.says(OWAIN, "what's new", lang=lang)
    about = await bot.bot.says(OWAIN, "about", lang=lang)

    shown = text_of(whats_new.card)
    assert strings.text("reads.whats_new_installed_again", lang) in shown
    assert "shipped with the bot" not in shown and VERB_CONFIRM_READ not in shown
    assert "shipped with the bot" not in text_of(about.card)
    assert strings.text("publish.changes_first", lang) not in text_of(about.card)


async def test_confirming_a_version_nobody_was_asked_to_read_records_nothing(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path) -> None:
    """Card data made up to confirm the shipped version 1, under version 2 and after rolling back to 1; and Carys's
    card for version 2 clicked after the rollback."""
    await bot.publishes(write_revised(tmp_path), "2")
    [card] = await bot.read_cards(CARYS)
    under_2 = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "1", "person": OWAIN.aad_object_id})
    await _rolled_back(bot, "1")
    under_1 = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "1", "person": OWAIN.aad_object_id})
    old_card = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(card, VERB_CONFIRM_READ))

    assert strings.text("reads.superseded", Lang.EN, version="1", current="2") in text_of(under_2.card)
    assert strings.text("reads.not_asked", Lang.EN, version="1") in text_of(under_1.card)
    assert strings.text("reads.superseded_not_asked", Lang.EN, version="2", current="1") in text_of(old_card.card)
    reads = MemoryPolicyReads(bot.bot.store)
    assert await reads.list_confirmed("1") == [] and await reads.list_confirmed("2") == []


@pytest.mark.parametrize(("said", "lang"), [("publish", Lang.EN), ("cyhoeddi", Lang.CY)])
async def test_a_teacher_typing_publish_is_told_plainly_that_only_the_policy_owner_publishes(
        bot: PublishingBot, strings: Catalogue, said: str, lang: Lang) -> None:
    """No file was sent, so nothing is said about one."""
    reply = await bot.bot.says(CARYS, said, lang=lang)

    shown = text_of(reply.card)
    assert strings.text("publish.not_owner_typed", lang, owner="Mrs Siân Roberts") in shown
    assert strings.text("publish.not_owner", lang, owner="Mrs Siân Roberts") not in shown


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("verb", [VERB_PUBLISH, VERB_CANCEL])
async def test_publish_or_cancel_pressed_by_anyone_but_the_policy_owner_says_only_the_owner_can_and_changes_nothing(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, verb: str, lang: Lang) -> None:
    """A preview stays in a chat after the policy owner changes: pressed by someone else, nothing is said about a file
    they never sent."""
    preview = await bot.sends(SIAN, write_revised(tmp_path))
    draft = verb_data(preview.card or {}, VERB_PUBLISH)

    reply = await bot.bot.clicks(CARYS, verb, draft, lang=lang)

    shown = text_of(reply.card)
    assert strings.text("publish.not_owner_click", lang, owner="Mrs Siân Roberts") in shown
    assert strings.text("publish.not_owner", lang, owner="Mrs Siân Roberts") not in shown
    versions = MemoryPolicyVersions(bot.bot.store)
    assert await versions.get_pointer() is None and await versions.get_draft(draft["draft"])


@pytest.mark.parametrize("lang", list(Lang))
async def test_publish_pressed_on_a_preview_of_a_version_no_longer_in_force_publishes_nothing(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Siân's preview of version 3 said it replaces version 2, listed the changes from version 2 and that four had still
    to confirm it; before she pressed Publish, version 2.1 was published (IT, from the command line). Publish put
    version 3 in place of 2.1, which the preview never mentioned, and told her nothing. Now nothing is published and she
    is asked to send the document again, to compare it with the version in force."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    preview = await bot.sends(SIAN, write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"))
    await bot.publishes(write_revised(tmp_path, "v21.txt", version="2.1", issued="01.10.2026"), "2.1")

    reply = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()

    assert strings.text("publish.changed_meanwhile", lang) in text_of(reply.card), text_of(reply.card)
    versions = MemoryPolicyVersions(bot.bot.store)
    assert (await versions.get_pointer() or CurrentPointer("", "")).version == "2.1"
    assert "3" not in [v.version for v in await versions.list_versions()]


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_double_click_on_publish_never_says_someone_else_published(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    preview = await bot.sends(SIAN, write_revised(tmp_path))
    data = verb_data(preview.card or {}, VERB_PUBLISH)

    replies = await asyncio.gather(*(bot.bot.clicks(SIAN, VERB_PUBLISH, data, lang=lang) for _ in range(3)))
    await bot.publishing.drain()

    shown = [text_of(reply.card) for reply in replies]
    assert sum(strings.text("publish.done_title", lang, version="2") in card for card in shown) == 1
    assert sum(strings.text("publish.already_current", lang, version="2") in card for card in shown) == 2
    assert not any(strings.text("publish.changed_meanwhile", lang) in card for card in shown)
    assert [len(await bot.read_cards(person)) for person in STAFF] == [1] * len(STAFF)


# Who has read it


async def test_the_heads_delegate_does_not_see_who_has_read_the_policy(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path) -> None:
    """The README: only the headteacher and the policy owner see it; Ffion stands in for the head on permission
    requests only."""
    await bot.publishes(write_revised(tmp_path), "2")

    typed = await bot.bot.says(FFION, "who has read it")
    clicked = await bot.bot.clicks(FFION, VERB_READS, {"version": "2"})
    head = await bot.bot.says(SIAN, "who has read it")

    for refused in (typed, clicked):
        assert strings.text("reads.only_heads", Lang.EN) in text_of(refused.card)
        assert CARYS.name not in text_of(refused.card)
    assert CARYS.name in text_of(head.card)


async def test_a_headteacher_who_is_not_the_policy_owner_sees_who_has_read_it_in_their_schools(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    office = StaffContact(GARETH.aad_object_id, GARETH.name)
    bot = open_publishing_bot(strings, replace(federation, policy_owner=office))
    await bot.live.start()
    await bot.publishing.publish(read_source(write_revised(tmp_path)).data, by=GARETH)

    head = await bot.bot.says(SIAN, "who has read it")

    assert strings.text("reads.summary_title", Lang.EN, version="2") in text_of(head.card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_school_with_nobody_on_the_staff_list_says_so_rather_than_read_by_0_of_0(
        bot: PublishingBot, strings: Catalogue, lang: Lang, tmp_path: Path) -> None:
    """The office imported only the high school's staff: the primary's "read by 0 of 0" with nothing under it reads as
    if all were well there."""
    listed = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    staff = read_staff_csv(listed, schools=["high", "primary"])
    await MemoryStaffDirectory(bot.bot.store).replace_all([m for m in staff.staff if m.school == "high"])
    await bot.publishes(write_revised(tmp_path), "2")

    summary = text_of((await bot.bot.says(SIAN, "who has read it", lang=lang)).card)

    assert strings.text("reads.summary_school", lang, school="Llanidloes High School" if lang is Lang.EN
                        else "Ysgol Uwchradd Llanidloes", read=0, total=3) in summary
    assert summary.count(strings.text("reads.summary_school_empty", lang)) == 1


@pytest.mark.parametrize("lang", list(Lang))
async def test_who_has_read_a_version_no_longer_in_force_counts_only_the_staff_asked_to_read_it(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Everyone read version 2; version 3 came out, and Nia started after it, so was asked to read version 3 only.
    Siân pressed Who has read it on version 2's published card: "read by 3 of 4, not yet: Nia Newydd", chasing Nia for
    a version she was never asked to read and that is no longer in force, with nothing saying version 3 is. It counts
    the staff asked to read version 2, says version 3 is in force and offers who has read that."""
    published = await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    for person in STAFF:
        [card] = await bot.read_cards(person)
        await bot.bot.clicks(person, VERB_CONFIRM_READ, verb_data(card, VERB_CONFIRM_READ))
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), NIA])
    await bot.reading.check_campaigns()

    old = await bot.bot.clicks(SIAN, VERB_READS, verb_data(published.card or {}, VERB_READS), lang=lang)
    current = await bot.bot.says(SIAN, "who has read it", lang=lang)

    shown = text_of(old.card)
    high = "Llanidloes High School" if lang is Lang.EN else "Ysgol Uwchradd Llanidloes"
    assert strings.text("reads.summary_school", lang, school=high, read=3, total=3) in shown
    assert NIA.name not in shown
    assert strings.text("reads.summary_replaced", lang, version="2", current="3") in shown
    assert [(a["verb"], a["data"]) for a in actions(old.card or {})] == [(VERB_READS, {"version": "2"}),
                                                                         (VERB_READS, {"version": "3"})]
    assert strings.text("reads.summary_school", lang, school=high, read=0, total=4) in text_of(current.card)
    assert NIA.name in text_of(current.card)
    assert strings.text("reads.summary_replaced", lang, version="3", current="3") not in text_of(current.card)


@pytest.mark.parametrize(("said", "lang"), [
    ("Who hasn't read it yet?", Lang.EN), ("who has not read the new policy", Lang.EN),
    ("Has everyone read the policy?", Lang.EN), ("who has read the new version", Lang.EN),
    ("Pwy sydd heb ddarllen y polisi?", Lang.CY), ("Ydy pawb wedi darllen y polisi newydd?", Lang.CY),
    ("Pwy sy heb ddarllen eto?", Lang.CY), ("Ydi pawb wedi'i ddarllen?", Lang.CY), ("pwy sydd heb darllen", Lang.CY),
    ("Pwy sydd heb gadarnhau?", Lang.CY),
    # "Not yet" with "ddim", "di" for "wedi", and "eto i" (yet to) as said (before, "the policy doesn't cover that").
    ("Pwy sydd ddim wedi darllen y polisi eto?", Lang.CY), ("Pwy sy di darllen o?", Lang.CY),
    ("Pwy sydd eto i ddarllen y polisi?", Lang.CY)])
async def test_the_head_asking_who_has_read_it_in_her_own_words_gets_the_count(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, said: str, lang: Lang) -> None:
    """Siân typed "Who hasn't read it yet?" and got "the policy doesn't cover that", and "who has read the new version"
    the policy's version number: only "who has read it" and a few more, word for word, brought the count. A colleague
    typing the same is told who can see it."""
    await bot.publishes(write_revised(tmp_path), "2")

    head = await bot.bot.says(SIAN, said)
    colleague = await bot.bot.says(CARYS, said)

    assert strings.text("reads.summary_title", lang, version="2") in text_of(head.card)
    assert strings.text("reads.only_heads", lang) in text_of(colleague.card)


@pytest.mark.parametrize(("said", "lang"), [
    ("Who has read version 2?", Lang.EN), ("who hasn't read version 2 yet", Lang.EN),
    ("Who hasn't read version 2 of the policy?", Lang.EN), ("Pwy sydd heb ddarllen fersiwn 2 o'r polisi?", Lang.CY),
    ("Has everyone read version 2?", Lang.EN), ("Has anyone not read it yet?", Lang.EN),
    ("Is there anyone who hasn't read the policy?", Lang.EN),
    ("Pwy sydd wedi darllen fersiwn 2?", Lang.CY), ("Pwy sydd heb ddarllen fersiwn 2 eto?", Lang.CY),
    ("Oes rhywun heb ddarllen y polisi?", Lang.CY), ("Oes unrhyw un sydd heb gadarnhau eto?", Lang.CY)])
async def test_the_head_asking_who_has_read_a_version_by_its_number_or_if_anyone_has_not_gets_that_count(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, said: str, lang: Lang) -> None:
    """The count's own heading is "Who has read version 2": Siân typed it back, "Who has read version 2?", or "Pwy sydd
    heb ddarllen fersiwn 2 eto?", or asked whether anyone had not ("Oes rhywun heb ddarllen y polisi?"), and each went
    to the policy as a question. They get the count, of the version named (version 2, once version 3 is in force too),
    and a colleague is told who can see it."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")

    head = await bot.bot.says(SIAN, said)
    colleague = await bot.bot.says(CARYS, said)

    named = "2" if "2" in said else "3"
    assert strings.text("reads.summary_title", lang, version=named) in text_of(head.card)
    assert strings.text("reads.only_heads", lang) in text_of(colleague.card)


@pytest.mark.parametrize(("said", "lang"), [
    ("Who has read version 7?", Lang.EN), ("who hasn't read version 7 yet", Lang.EN),
    ("Pwy sydd wedi darllen fersiwn 7?", Lang.CY), ("Pwy sydd heb ddarllen fersiwn 7 eto?", Lang.CY)])
async def test_the_head_asking_who_has_read_a_version_that_does_not_exist_is_told_so(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, said: str, lang: Lang) -> None:
    """Siân typed "Who has read version 7?" (a slip for 2, or a version not yet published) and got the card headed
    "Who has read version 3", the count of another version under a question about version 7. She is told there is no
    version 7 and which versions there are, and is shown no count."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")

    head = await bot.bot.says(SIAN, said)
    colleague = await bot.bot.says(CARYS, said)

    assert strings.text("reads.no_such_version", lang, version="7", versions="1, 2, 3") in text_of(head.card)
    for other in ("2", "3"):
        assert strings.text("reads.summary_title", lang, version=other) not in text_of(head.card)
    assert CARYS.name not in text_of(head.card)
    assert strings.text("reads.only_heads", lang) in text_of(colleague.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_who_has_read_a_version_no_longer_in_force_does_not_list_anyone_as_not_yet(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Only Owain had confirmed version 2 when version 3 came out. Version 2's count listed the rest under "Not yet:",
    so Siân chased Carys to confirm version 2, which nobody can confirm now (its card brings version 3's). They are
    listed as not having confirmed it while it was in force; the count of version 3 still says "Not yet"."""
    published = await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    await bot.bot.clicks(OWAIN, VERB_CONFIRM_READ, {"version": "2"})
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")

    old = await bot.bot.clicks(SIAN, VERB_READS, verb_data(published.card or {}, VERB_READS), lang=lang)
    current = await bot.bot.says(SIAN, "who has read it", lang=lang)

    assert strings.text("reads.summary_outstanding", lang) not in text_of(old.card)
    assert strings.text("reads.summary_outstanding_replaced", lang) in text_of(old.card)
    assert CARYS.name.split()[-1] in text_of(old.card)
    assert strings.text("reads.summary_outstanding", lang) in text_of(current.card)


@pytest.mark.parametrize(("said", "lang"), [
    ("Who's not read it yet?", Lang.EN), ("who hasnt read it", Lang.EN),
    ("Who still needs to read the policy?", Lang.EN),
    ("who hasn't confirmed yet", Lang.EN), ("Has everybody read it?", Lang.EN), ("How many have read it?", Lang.EN),
    ("How many staff have read the new policy?", Lang.EN), ("Who is yet to read the policy?", Lang.EN),
    ("who hasn't read the new version yet", Lang.EN), ("Which staff haven't read it?", Lang.EN),
    ("who's read the new policy?", Lang.EN), ("Has everyone read the latest version yet?", Lang.EN),
    ("Who still has to read it?", Lang.EN), ("Have all staff confirmed?", Lang.EN),
    ("Can you tell me who hasn't read it?", Lang.EN), ("Show me who has read it", Lang.EN),
    ("Who has not yet read the policy?", Lang.EN), ("who hasn't yet read it", Lang.EN),
    ("Dangoswch i mi pwy sydd heb ddarllen", Lang.CY),
    ("Pwy sydd heb gadarnhau eto?", Lang.CY), ("Faint sydd wedi darllen y polisi?", Lang.CY),
    ("Faint sy wedi'i ddarllen?", Lang.CY), ("Pwy sydd heb ddarllen y fersiwn ddiweddaraf?", Lang.CY),
    ("Pwy sy ddim wedi cadarnhau eto?", Lang.CY)])
async def test_the_head_asking_who_has_read_it_as_she_would_say_it_gets_the_count(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, said: str, lang: Lang) -> None:
    """The list took "who has read it" and its like word for word: "Who's not read it yet?", "Has everybody read it?",
    "How many have read it?", "Faint sydd wedi darllen y polisi?" went to the policy as questions. Said any such way,
    the head gets the count (in Welsh for Welsh words) and a colleague is told who can see it."""
    await bot.publishes(write_revised(tmp_path), "2")

    head = await bot.bot.says(SIAN, said)
    colleague = await bot.bot.says(CARYS, said)

    assert strings.text("reads.summary_title", lang, version="2") in text_of(head.card)
    assert strings.text("reads.only_heads", lang) in text_of(colleague.card)


@pytest.mark.parametrize(("said", "lang"), [
    ("Who hasn't read the social media policy yet?", Lang.EN), ("Who hasn't read the updated policy?", Lang.EN),
    ("who has not read the new social media policy", Lang.EN), ("Who hasn't read the latest policy?", Lang.EN),
    ("Who hasn't read the new version of the policy yet?", Lang.EN), ("Has everyone read the revised policy?", Lang.EN),
    ("Who hasn't read version 2 of the policy?", Lang.EN), ("Who hasn't confirmed they've read it?", Lang.EN),
    ("How many staff have read the staff social-media policy?", Lang.EN),
    ("Who hasn’t confirmed that they have read the policy yet?", Lang.EN),
    ("Pwy sydd heb ddarllen y polisi cyfryngau cymdeithasol?", Lang.CY),
    ("Pwy sydd heb ddarllen y polisi diweddaraf?", Lang.CY),
    ("Pwy sydd heb ddarllen y polisi cyfryngau cymdeithasol newydd eto?", Lang.CY),
    ("Faint sydd wedi darllen fersiwn 2 o'r polisi?", Lang.CY)])
async def test_the_head_naming_the_policy_as_she_would_when_asking_who_has_read_it_gets_the_count(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, said: str, lang: Lang) -> None:
    """Siân named the policy her own way, "Who hasn't read the social media policy yet?", "the updated policy",
    "version 2 of the policy", "Pwy sydd heb ddarllen y polisi cyfryngau cymdeithasol?", and each went to the policy
    as a question (it does not cover who has read it). She gets the count; a colleague is told who can see it."""
    await bot.publishes(write_revised(tmp_path), "2")

    head = await bot.bot.says(SIAN, said)
    colleague = await bot.bot.says(CARYS, said)

    assert strings.text("reads.summary_title", lang, version="2") in text_of(head.card)
    assert strings.text("reads.only_heads", lang) in text_of(colleague.card)


@pytest.mark.parametrize("said", [
    "Who has to read the policy?", "Who has read access to the class Instagram?", "Has everyone got to read it?",
    "How many staff can post on the school page?", "Pwy sydd angen darllen y polisi?", "Who has read my request?",
    "Who has to read the social media policy?", "Who needs to read the updated policy?",
    "Pwy sydd angen darllen y polisi cyfryngau cymdeithasol?"])
async def test_a_question_about_who_must_read_the_policy_is_still_a_question(bot: PublishingBot, said: str) -> None:
    """A question of the policy that speaks of reading is not the head's count: it goes to the policy."""
    assert bot.reading.match_text(Turn(actor=SIAN, lang=Lang.EN, scope=Scope.PERSONAL, text=said)) is None


def _large_school(count: int) -> list[StaffMember]:
    """`count` more members of staff, half at each school, each with an Entra id; no name is part of another."""
    return [StaffMember(f"Aelod {n:03d} Staff", f"aelod{n:03d}@llanidloes.example.cymru", ("high", "primary")[n % 2],
                        "Teacher", "", f"a3000000-0000-4000-8000-{n:012d}") for n in range(count)]


def _names_on(card: Card | None, staff: list[StaffMember]) -> list[str]:
    """The generated staff a card names."""
    shown = text_of(card)
    return [m.name for m in staff if m.name in shown]


@pytest.mark.parametrize("lang", list(Lang))
async def test_who_has_not_read_it_in_a_school_of_hundreds_is_listed_to_the_last_name_by_show_more(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """420 staff: the head's card named the first hundred and fifty or so of each school's "Not yet", then "… and 62
    more, not shown here. The full list: python -m bot export-acknowledgements", a command she cannot run. Show more
    lists the rest, each name once, though people confirm between presses (the last one shown among them), a new
    starter joins, and every card stays within Teams' 28 KB."""
    staff = _large_school(420)
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), *staff])
    await bot.publishes(write_revised(tmp_path), "2")
    reads = MemoryPolicyReads(bot.bot.store)
    for member in staff[:20]:
        await reads.confirm("2", Person(CARYS.tenant_id, member.aad_object_id, member.name), datetime.now(UTC))

    cards = [(await bot.bot.says(SIAN, "who has read it", lang=lang)).card]
    last_shown = next(a for a in actions(cards[0] or {}) if a.get("data", {}).get("after"))["data"]["after"]
    confirmed_meanwhile = {next(m.name for m in staff if m.email == last_shown), staff[400].name}
    for member in (m for m in staff if m.name in confirmed_meanwhile):
        await reads.confirm("2", Person(CARYS.tenant_id, member.aad_object_id, member.name), datetime.now(UTC))
    starter = StaffMember("Aelod 999 Newydd", "aelod999@llanidloes.example.cymru", "primary", "Teacher", "",
                          "a3000000-0000-4000-8000-000000000999")
    await directory.replace_all([*await directory.list_members(), starter])
    while any(a.get("data", {}).get("after") for a in actions(cards[-1] or {})) and len(cards) < 20:
        more = next(a for a in actions(cards[-1] or {}) if a.get("data", {}).get("after"))
        cards.append((await bot.bot.clicks(SIAN, more["verb"], more["data"], lang=lang)).card)

    named = [name for card in cards for name in _names_on(card, [*staff, starter])]
    assert len(cards) > 1
    assert len(named) == len(set(named))
    assert set(named) >= {m.name for m in staff[20:]} - confirmed_meanwhile | {starter.name}
    assert all(card_bytes(card or {}) <= MAX_CARD_BYTES for card in cards)
    assert "export-acknowledgements --version 2" not in text_of(cards[0]).split(
        strings.text("reads.summary_export", lang, version="2"))[0]


@pytest.mark.parametrize(("said", "lang"), [("who has read it", Lang.EN), ("pwy sydd wedi darllen", Lang.CY)])
async def test_who_has_read_it_before_anything_is_published_says_so_plainly_not_as_an_error(
        bot: PublishingBot, strings: Catalogue, said: str, lang: Lang) -> None:
    """Siân asked who had read the policy the week the bot was installed: nothing published yet, so nobody asked. That
    state came under a "Sorry" heading, as if something had gone wrong."""
    reply = await bot.bot.says(SIAN, said, lang=lang)

    shown = text_of(reply.card)
    assert strings.text("reads.no_version", lang) in shown
    assert strings.text("error.title", lang) not in shown


# Asked before anything goes


def _with_unreachable(staff: list[StaffMember]) -> list[StaffMember]:
    """The office's list with two primary school rows that have no Entra id (nobody can ask them in Teams)."""
    return [*staff, *(StaffMember(name, f"{name.split()[0].lower()}@llanidloes.example.cymru", "primary", "Cook", "",
                                  "") for name in ("Dilys Price", "Ieuan Bowen"))]


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_preview_of_a_version_published_while_the_last_is_being_confirmed_says_how_many_have_not(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Version 2 came out on Tuesday and only Owain has confirmed it; on Thursday Siân sends version 3 (its review date
    corrected). The preview said only that Publish asks 5 members of staff, as if version 2 were done with: nothing
    that 4 had still to confirm version 2, that their cards of it still waiting are taken back, and that they are
    asked to read the whole of version 3. It says so; once everyone has confirmed version 2, it says nothing of it."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    await bot.bot.clicks(OWAIN, VERB_CONFIRM_READ, {"version": "2"})
    v3 = write_revised(tmp_path, "v3.txt", version="3", review="Summer 2027")

    preview = await bot.sends(SIAN, v3, lang=lang)
    for person in (CARYS, SIAN, GARETH, FFION):
        await bot.bot.clicks(person, VERB_CONFIRM_READ, {"version": "2"})
    all_confirmed = await bot.sends(SIAN, v3, lang=lang)

    said = strings.text("publish.previous_unconfirmed", lang, previous="2", version="3", count=4)
    assert said in text_of(preview.card)
    assert strings.text("publish.previous_unconfirmed", lang, previous="2", version="3", count=4)[:20] not in text_of(
        all_confirmed.card)
    assert strings.text("publish.will_ask", lang, version="3", count=5) in text_of(all_confirmed.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_preview_says_how_many_staff_at_which_school_publishing_will_ask_before_anything_goes(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Siân saw the version and what changed, and Publish: not that one click sends a card to every member of staff
    on the list, nor how many, nor at which schools. A slip would message all of them. The preview says it, school by
    school, with who cannot be asked, and nothing is queued until Publish."""
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all(_with_unreachable(await directory.list_members()))

    preview = await bot.sends(SIAN, write_revised(tmp_path), lang=lang)

    shown = text_of(preview.card)
    assert strings.text("publish.will_ask", lang, version="2", count=5) in shown
    high, primary = ("Llanidloes High School", "Llanidloes Primary School") if lang is Lang.EN else (
        "Ysgol Uwchradd Llanidloes", "Ysgol Gynradd Llanidloes")
    assert {"title": high, "value": "3"} in _facts(preview.card)
    assert {"title": primary, "value": "2"} in _facts(preview.card)
    assert strings.text("publish.done_unreachable", lang, count=2) in shown
    assert verb_data(preview.card or {}, VERB_PUBLISH)["asked"] == "5"
    assert [await bot.bot.cards_for(person) for person in STAFF] == [[]] * len(STAFF)


def _facts(card: Card | None) -> list[dict[str, str]]:
    """Every fact (title and value) on a card, wherever it sits."""
    return [fact for fact_set in elements(card, "FactSet") for fact in fact_set.get("facts", [])]


@pytest.mark.parametrize("lang", list(Lang))
async def test_publish_on_a_preview_made_before_the_staff_list_was_imported_sends_nothing_and_asks_again(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang) -> None:
    """Siân sent the document before the office imported the staff list: the preview said nobody would be asked. A
    week later, the list of 305 imported, she pressed Publish on that preview, and 305 cards went out that she never
    saw counted. Now nothing is published: she is told how many it would ask now, at which schools, and publishes
    from there."""
    bot = open_publishing_bot(strings, federation)
    await bot.live.start()
    await bot.bot.meets(*STAFF)
    preview = await bot.sends(SIAN, write_revised(tmp_path), lang=lang)
    await bot.bot.has_the_staff_list()
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), *_large_school(300)])

    stale = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()
    nothing_yet = await MemoryPolicyVersions(bot.bot.store).get_pointer()
    owed_before = [await bot.bot.cards_for(person) for person in STAFF]
    published = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(stale.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()

    assert strings.text("publish.no_staff_list_yet", lang) in text_of(preview.card)
    shown = text_of(stale.card)
    assert strings.text("publish.audience_changed", lang, version="2", count=305, was=0) in shown
    assert strings.text("publish.done_title", lang, version="2") not in shown
    assert nothing_yet is None and owed_before == [[]] * len(STAFF)
    assert verb_data(stale.card or {}, VERB_PUBLISH)["asked"] == "305"
    assert strings.text("publish.done_body", lang, count=305) in text_of(published.card)
    assert [len(await bot.read_cards(person)) for person in STAFF] == [1] * len(STAFF)


# A version replaced or rolled back while its cards wait


async def _owed_read_cards(bot: PublishingBot, person: Person) -> list[str]:
    """The read-and-confirm cards (and reminders) the sender would bring a person, by message id: copies of cards
    sent already are left out, as the sender drops them."""
    owed = await MemoryOutbox(bot.bot.store).owed_to(person)
    return [m.message_id for m in owed.messages
            if any(a.get("verb") == VERB_CONFIRM_READ for a in actions(dict(m.card)))]


async def test_rolled_back_from_version_3_owain_is_owed_version_2s_card_and_never_version_3s(
        bot: PublishingBot, tmp_path: Path) -> None:
    """Owain has not opened the bot (Teams installs it within a day): version 2's card waited for him, and was taken
    back when version 3's was queued. Version 3 had a mistake and was rolled back to 2: he was left owed version 3's
    card, asking him to confirm a version no longer in force, and nothing for version 2, which is. Carys had her
    version 2 card and confirmed it; her version 3 card was waiting (the sender had not reached her)."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    outbox = MemoryOutbox(bot.bot.store)
    for person in (CARYS, SIAN):
        [card] = await outbox.list_for_recipient(person)
        await outbox.mark_sent(await outbox.claim(card, datetime.now(UTC)))
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"})
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")

    await _rolled_back(bot, "2")
    await bot.reading.check_campaigns()

    assert await _owed_read_cards(bot, OWAIN) == [f"policy|00002|read|{OWAIN.aad_object_id}"]
    assert await _owed_read_cards(bot, CARYS) == []
    assert await _owed_read_cards(bot, SIAN) == []  # her version 2 card reached her already


async def test_rolled_back_to_the_version_the_bot_was_installed_with_nobody_is_owed_a_card(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Nobody is asked to confirm the installed version: every read card and reminder still waiting is taken back."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    clock.now = datetime(2026, 9, 9, 8, 0, tzinfo=UTC)
    assert await bot.reading.remind() == len(STAFF)

    await _rolled_back(bot, "1")
    await bot.reading.check_campaigns()

    assert [await _owed_read_cards(bot, person) for person in STAFF] == [[]] * len(STAFF)


async def test_a_campaign_still_queueing_when_its_version_is_rolled_back_leaves_only_the_version_in_force(
        bot: PublishingBot, tmp_path: Path) -> None:
    """Version 3's campaign was still queueing (hundreds of staff, four lanes) when it was rolled back to 2: the cards
    it queued after the rollback asked staff to confirm version 3, and took their version 2 cards back."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    versions = MemoryPolicyVersions(bot.bot.store)
    with pytest.MonkeyPatch.context() as late:
        late.setattr(ReadingFlow, "start_campaign", _queued_later)  # version 3's campaign has not run yet
        await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    await _rolled_back(bot, "2")
    await bot.reading.check_campaigns()

    await bot.reading.start_campaign("3")  # ... and now it does
    await versions.campaign_queued("3")

    for person in STAFF:  # nobody's sender had reached them yet
        assert await _owed_read_cards(bot, person) == [f"policy|00002|read|{person.aad_object_id}"]


async def _queued_later(reading: ReadingFlow, version: str) -> int:
    return 0


async def test_a_version_sent_again_after_a_rollback_is_owed_again_to_those_who_never_had_its_card(
        bot: PublishingBot, tmp_path: Path) -> None:
    """Version 2 was rolled back to the installed version (its waiting cards taken back), then Siân sent version 2 again
    and it was made current again, nobody asked a second time: Owain, whose card had never reached him, was owed
    nothing, so was never asked to confirm the version in force. Carys, whose card reached her, gets no second one."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    outbox = MemoryOutbox(bot.bot.store)
    [card] = await outbox.list_for_recipient(CARYS)
    await outbox.mark_sent(await outbox.claim(card, datetime.now(UTC)))
    await _rolled_back(bot, "1")
    await bot.reading.check_campaigns()
    assert await _owed_read_cards(bot, OWAIN) == []

    preview = await bot.sends(SIAN, write_revised(tmp_path, "v2.txt"))
    again = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH))
    await bot.publishing.drain()

    assert "Version 2 is now the current policy" in text_of(again.card)
    assert await _owed_read_cards(bot, OWAIN) == [f"policy|00002|read|{OWAIN.aad_object_id}"]
    assert await _owed_read_cards(bot, CARYS) == []


@pytest.mark.parametrize(("lang", "goes"), [(Lang.EN, "They go at 08:00 on Thursday 10 December"),
                                            (Lang.CY, "Byddan nhw'n mynd am 08:00 ddydd Iau 10 Rhagfyr")])
async def test_a_version_sent_again_after_a_rollback_says_who_is_asked_to_read_it_again_and_when(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang, goes: str) -> None:
    """Version 2 was withdrawn; at 23:00 Siân sent it again. Its preview said "publishing makes it current again, and
    nobody is asked to read it again", and so did the card once she pressed Publish, though the four who had not
    confirmed it were each owed its card, which went at 08:00. Both say who is asked to read it again, how many, and
    when their cards go; with everyone confirmed, that nobody is. The published card's Withdraw asks first saying
    that those who have not confirmed the version gone back to are asked to read it again."""
    clock = Clock(datetime(2026, 12, 9, 10, 0, tzinfo=UTC))  # Wednesday 9 December, 10:00 GMT
    bot = await _opened(strings, federation, clock)
    v2 = await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"})
    v3 = await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(v3.card or {}, VERB_WITHDRAW))
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, {"version": "2"})  # as on version 2's card: back to version 1
    await bot.publishing.drain()
    clock.now = datetime(2026, 12, 9, 23, 0, tzinfo=UTC)

    preview = await bot.sends(SIAN, write_revised(tmp_path, "v2.txt"), lang)
    again = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()

    nobody = {Lang.EN: "nobody is asked to read it again", Lang.CY: "fydd neb yn cael cais i'w darllen eto"}[lang]
    assert nobody not in text_of(preview.card) and nobody not in text_of(again.card)
    schools = {school.school_id: school.name(lang) for school in federation.schools}
    for shown in (preview.card or {}, again.card or {}):
        assert goes in text_of(shown)
        assert facts(shown)[schools["high"]] == "2" and facts(shown)[schools["primary"]] == "2"
    assert strings.text("publish.reinstate_asks", lang, version="2", count=4) in text_of(preview.card)
    assert strings.text("publish.reinstated_body_asks", lang, version="2", count=4) in text_of(again.card)
    assert [len(await bot.read_cards(p)) for p in STAFF] == [0, 1, 1, 1, 1]
    [show_v2] = [a for a in actions(v2.card or {}) if a.get("type") == "Action.ShowCard"]
    [show_v3] = [a for a in actions(v3.card or {}) if a.get("type") == "Action.ShowCard"]
    assert strings.text("publish.withdraw_confirm", Lang.EN, version="2", previous="1") in text_of(show_v2)
    assert strings.text("publish.withdraw_confirm_asks", Lang.EN, version="3", previous="2") in text_of(show_v3)

    for person in STAFF:
        await bot.bot.clicks(person, VERB_CONFIRM_READ, {"version": "2"})
    await _rolled_back(bot, "1")
    everyone = await bot.sends(SIAN, write_revised(tmp_path, "v2.txt"), lang)
    assert strings.text("publish.reinstate_all_read", lang, version="2") in text_of(everyone.card)
    assert goes not in text_of(everyone.card)


# Reminding again


def _remind_button(card: Card | None) -> dict[str, Any]:
    """The data of Send the reminder, inside the card that Send a reminder opens."""
    return verb_data(card or {}, VERB_REMIND)


async def _sent(bot: PublishingBot, person: Person) -> None:
    """The sender brings the person every card owed to them (they have opened the bot)."""
    outbox = MemoryOutbox(bot.bot.store)
    for message in await outbox.list_for_recipient(person):
        await outbox.mark_sent(await outbox.claim(message, datetime.now(UTC)))


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_head_reminds_again_those_who_have_not_read_it_and_nobody_gets_two_at_once(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang) -> None:
    """Five school days on, one reminder went; a week later three had still not confirmed, and the count showed who, but
    Siân could do nothing more from it than chase them herself. Now Send a reminder reminds those who have not
    confirmed (never those who have); a second press the same day sends nobody another, and a reminder waiting unsent
    takes the place of the cards still waiting, so someone who has not opened the bot gets one card, not three."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    await _sent(bot, OWAIN)
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"})
    clock.now = datetime(2026, 9, 9, 8, 0, tzinfo=UTC)
    assert await bot.reading.remind() == 4
    await _sent(bot, OWAIN)
    clock.now = datetime(2026, 9, 15, 8, 0, tzinfo=UTC)
    summary = await bot.bot.says(SIAN, "who has read it", lang=lang)
    await bot.bot.clicks(GARETH, VERB_CONFIRM_READ, {"version": "2"})

    reminded = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)
    again = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)
    clock.now = datetime(2026, 9, 16, 8, 0, tzinfo=UTC)
    next_day = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)

    assert strings.text("reads.reminded", lang, version="2", count=3) in text_of(reminded.card)
    assert strings.text("reads.reminded_none", lang, version="2") in text_of(again.card)
    assert strings.text("reads.reminded_today", lang, count=3) in text_of(again.card)
    assert strings.text("reads.reminded", lang, version="2", count=3) in text_of(next_day.card)
    for person in (CARYS, GARETH):  # confirmed: never reminded by the head
        assert not [m for m in await _owed_read_cards(bot, person) if "remind2" in m or "remind3" in m]
    for person in (OWAIN, SIAN, FFION):  # one card waiting each: the latest reminder
        assert await _owed_read_cards(bot, person) == [f"policy|00002|remind3|{person.aad_object_id}"]
    [reminder] = [m for m in await MemoryOutbox(bot.bot.store).list_for_recipient(OWAIN)]
    assert strings.text("reads.reminder_title", Lang.EN) in text_of(reminder.card)
    assert verb_data(dict(reminder.card), VERB_CONFIRM_READ) == {"version": "2"}


async def test_a_double_click_on_send_the_reminder_counts_each_reminder_once(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Siân double-clicked Send the reminder: both presses ran at once, each reminder was queued once, but both cards
    said a reminder was on its way to all four, as if eight had gone."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"})
    clock.now = datetime(2026, 9, 15, 8, 0, tzinfo=UTC)
    summary = await bot.bot.says(SIAN, "who has read it")

    first, second = await asyncio.gather(*(bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card))
                                           for _ in range(2)))

    said = text_of(first.card) + text_of(second.card)
    counted = [n for n in range(5) if strings.text("reads.reminded" if n > 1 else "reads.reminded_one", Lang.EN,
                                                   version="2", count=n) in said]
    assert counted == [4] and said.count("is on its way to") == 1, said


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_new_starter_asked_this_morning_is_not_reminded_by_the_heads_press_the_same_day(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang) -> None:
    """Nia started a fortnight after version 2 came out: the office added her to the staff list and the periodic pass
    sent her the card at 8. At 10 Siân pressed Send a reminder for those who had still not confirmed: Nia got "Reminder:
    please read the new policy" two hours after being asked, where anyone reminded that day is not sent another."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    clock.now = datetime(2026, 9, 9, 8, 0, tzinfo=UTC)
    assert await bot.reading.remind() == 5  # five school days on
    for person in (CARYS, OWAIN, SIAN, GARETH):
        await bot.bot.clicks(person, VERB_CONFIRM_READ, {"version": "2"})
    clock.now = datetime(2026, 9, 15, 7, 0, tzinfo=UTC)
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), NIA])
    nia_person = Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name)
    await bot.reading.check_campaigns()
    await bot.bot.meets(nia_person)
    await _sent(bot, nia_person)
    clock.now = datetime(2026, 9, 15, 9, 0, tzinfo=UTC)
    summary = await bot.bot.says(SIAN, "who has read it", lang=lang)

    reminded = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)
    clock.now = datetime(2026, 9, 16, 9, 0, tzinfo=UTC)
    next_day = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)

    assert strings.text("reads.reminded_one", lang, version="2") in text_of(reminded.card)  # Ffion, asked on the 1st
    assert strings.text("reads.asked_today", lang, count=1) in text_of(reminded.card)
    assert strings.text("reads.reminded", lang, version="2", count=2) in text_of(next_day.card)
    assert [a.reminders for a in await MemoryPolicyReads(bot.bot.store).list_asked("2")
            if a.object_id == NIA.aad_object_id] == [1]


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("who", ["delegate", "teacher"])
async def test_only_the_head_and_the_policy_owner_send_a_reminder(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, who: str, lang: Lang) -> None:
    """Ffion (the head's delegate) pressing Send a reminder on a forwarded count was told only the head can "see" who
    has read it, which she had just seen: she is told what she may not do, send the reminder, and that none went."""
    await bot.publishes(write_revised(tmp_path), "2")
    owed = [await _owed_read_cards(bot, person) for person in STAFF]

    refused = await bot.bot.clicks(FFION if who == "delegate" else CARYS, VERB_REMIND, {"version": "2"}, lang=lang)

    assert strings.text("reads.only_heads_remind", lang) in text_of(refused.card)
    assert strings.text("reads.only_heads", lang) not in text_of(refused.card)
    assert [await _owed_read_cards(bot, person) for person in STAFF] == owed


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_reminder_for_a_version_no_longer_in_force_reminds_nobody(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Send a reminder on version 2's count, pressed once version 3 is in force: nobody is asked to confirm version 2
    now."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    summary = await bot.bot.says(SIAN, "who has read it")
    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    owed = [await _owed_read_cards(bot, person) for person in STAFF]

    reply = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)

    assert strings.text("reads.remind_not_in_force", lang, version="2", current="3") in text_of(reply.card)
    assert [await _owed_read_cards(bot, person) for person in STAFF] == owed


# One school's list


def _heads_of_their_own_schools(federation: Federation) -> Federation:
    """Siân heads the high school only; Ffion heads the primary and is the federation's policy owner."""
    high, primary = federation.schools
    ffion = StaffContact(FFION.aad_object_id, FFION.name, "ffion.morgan@llanidloes.example.cymru")
    return replace(federation, schools=(replace(high, delegates=()), replace(primary, headteacher=ffion, delegates=())),
                   policy_owner=ffion)


def _more_button(card: Card | None) -> dict[str, Any] | None:
    return next((a for a in actions(card or {}) if a.get("data", {}).get("after")), None)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_head_of_the_primary_who_owns_the_policy_opens_her_own_schools_list_and_reminds_only_them(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang) -> None:
    """Ffion heads the primary and, as policy owner, sees both schools: the high school's 210 names came first, and her
    own school's only after three presses of Show more through the high school's. Each school now opens its own list,
    paged on its own, and its reminder reaches that school's staff alone. Siân, head of the high school, still sees only
    hers, and card data naming the primary shows her nothing of it."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, _heads_of_their_own_schools(federation), clock)
    staff = _large_school(420)
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), *staff])
    await bot.publishing.publish(read_source(write_revised(tmp_path)).data, by=FFION)
    primary_staff = {m.name for m in staff if m.school == "primary"}
    high_staff = {m.name for m in staff if m.school == "high"}
    clock.now = datetime(2026, 9, 2, 8, 0, tzinfo=UTC)  # the day after: nobody is reminded the day they were asked

    summary = await bot.bot.says(FFION, "who has read it", lang=lang)
    [own] = [a for a in actions(summary.card or {}) if a.get("data", {}).get("school") == "primary"]
    cards = [(await bot.bot.clicks(FFION, own["verb"], own["data"], lang=lang)).card]
    while (more := _more_button(cards[-1])) is not None and len(cards) < 10:
        assert more["data"]["school"] == "primary"
        cards.append((await bot.bot.clicks(FFION, more["verb"], more["data"], lang=lang)).card)
    reminded = await bot.bot.clicks(FFION, VERB_REMIND, _remind_button(cards[0]), lang=lang)
    forged = await bot.bot.clicks(SIAN, VERB_READS, {"version": "2", "school": "primary"}, lang=lang)
    forged_reminder = await bot.bot.clicks(SIAN, VERB_REMIND, {"version": "2", "school": "primary"}, lang=lang)

    named = [name for card in cards for name in _names_on(card, staff)]
    assert sorted(named) == sorted(primary_staff) and not set(named) & high_staff
    primary_count = len(primary_staff) + 2  # Owain and Ffion herself
    assert strings.text("reads.reminded", lang, version="2", count=primary_count) in text_of(reminded.card)
    asked = await MemoryPolicyReads(bot.bot.store).list_asked("2")
    assert {a.name for a in asked if a.reminders} == primary_staff | {OWAIN.name, "Ffion Morgan"}
    for refused in (forged, forged_reminder):
        assert strings.text("reads.not_your_school", lang) in text_of(refused.card)
        assert not _names_on(refused.card, staff)
    assert {a.name for a in await MemoryPolicyReads(bot.bot.store).list_asked("2") if a.reminders} == {
        a.name for a in asked if a.reminders}


# Staff who got there first


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_new_starter_who_confirmed_from_whats_new_is_not_then_asked_to_confirm(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Nia started after version 2 came out; on her first morning she typed "what's new" and pressed I have read it,
    before the periodic pass reached her. The pass then sent her the card asking her to read and confirm version 2, as
    if she had not. She is counted as asked (the governors' record), with no card."""
    await bot.publishes(write_revised(tmp_path), "2")
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), NIA])
    nia_person = Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name)
    whats_new = await bot.bot.says(nia_person, "what's new", lang=lang)
    confirmed = await bot.bot.clicks(nia_person, VERB_CONFIRM_READ, verb_data(whats_new.card or {}, VERB_CONFIRM_READ),
                                     lang=lang)

    await bot.reading.check_campaigns()

    assert "version 2" in text_of(confirmed.card) or "fersiwn 2" in text_of(confirmed.card)
    assert await _owed_read_cards(bot, nia_person) == []
    assert [a.name for a in await MemoryPolicyReads(bot.bot.store).list_asked("2")
            if a.object_id == NIA.aad_object_id] == ["Nia Newydd"]


@pytest.mark.parametrize("lang", list(Lang))
async def test_storage_failing_part_way_through_a_reminder_says_so_and_pressing_again_reminds_each_once(
        strings: Catalogue, federation: Federation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        lang: Lang) -> None:
    """Storage went away after two of the reminders were queued: Siân must not read "nothing was changed" (two are on
    their way), and pressing again must remind the rest without sending anyone a second."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    clock.now = datetime(2026, 9, 3, 8, 0, tzinfo=UTC)  # before the reminder after five school days
    summary = await bot.bot.says(SIAN, "who has read it", lang=lang)
    marked = MemoryPolicyReads.mark_reminded
    calls: list[str] = []

    async def storage_goes_at_the_third(reads: MemoryPolicyReads, version: str, asked: AskedStaff,
                                        at: datetime) -> None:
        calls.append(asked.name)
        if len(calls) == 3:
            raise StorageUnavailable("injected")
        await marked(reads, version, asked, at)

    with monkeypatch.context() as fault:
        fault.setattr(MemoryPolicyReads, "mark_reminded", storage_goes_at_the_third)
        failed = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)
    again = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)

    assert strings.text("error.storage_unsure", lang) in text_of(failed.card)
    assert strings.text("error.storage", lang) not in text_of(failed.card)
    assert strings.text("reads.reminded", lang, version="2", count=3) in text_of(again.card)
    assert strings.text("reads.reminded_today", lang, count=2) in text_of(again.card)
    for person in STAFF:
        assert await _owed_read_cards(bot, person) == [f"policy|00002|remind|{person.aad_object_id}"]


async def test_a_reminder_the_head_sent_for_version_2_is_taken_back_when_version_3_is_published(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Owain has not opened the bot: the head's second reminder of version 2 waited for him. Version 3 came out: its
    campaign took back version 2's card and first reminder, not the head's second, so he would have been asked to
    confirm version 2 as well."""
    clock = Clock(datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    for day in (9, 10):
        clock.now = datetime(2026, 9, day, 8, 0, tzinfo=UTC)
        summary = await bot.bot.says(SIAN, "who has read it")
        await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card))
    assert await _owed_read_cards(bot, OWAIN) == [f"policy|00002|remind2|{OWAIN.aad_object_id}"]

    await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")

    assert await _owed_read_cards(bot, OWAIN) == [f"policy|00003|read|{OWAIN.aad_object_id}"]


@pytest.mark.parametrize("typed", [
    "Dwi di darllen o",  # the north's "o" (it) after the verb, "di" for "wedi"
    "Dw i wedi'i ddarllen o", "Dwi di ddarllen o",  # "'i" dropped on a phone, the mutation kept
    "Darllenais i fo", "Darllenes i fe",  # the past tense, north and south
    "Wi wedi darllen e", "Dwi wedi darllen e",  # the south's "e"
    "Dwi wedi darllen", "Dwi di darllen y polisi newydd", "Ok dwi di darllen o diolch",
])
async def test_i_have_read_it_typed_in_everyday_welsh_gets_the_card_to_press_in_welsh(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, typed: str) -> None:
    """Carys, with Teams in English, answered the card asking her to read version 2 by typing "Dwi di darllen o" or
    "Darllenais i fo", as a Ceredigion or Gwynedd speaker says it: only the textbook forms were listed, so the first was
    answered with a quote of the rule on professional behaviour and the second was "not covered", offered to the
    headteacher and kept for her review. Each now gets version 2's card again in Welsh, with I have read it to press."""
    await bot.publishes(write_revised(tmp_path), "2")

    reply = await bot.bot.says(CARYS, typed)

    assert strings.text("reads.typed_confirm", Lang.CY, version="2") in text_of(reply.card)
    assert verb_data(reply.card or {}, VERB_CONFIRM_READ) == {"version": "2"}
    assert bot.bot.store.questions == {}


@pytest.mark.parametrize(("typed", "lang"), [
    ("I confirm I have read the policy.", Lang.EN), ("I can confirm that I've read it", Lang.EN),
    ("I've read version 2", Lang.EN), ("Confirmed, I have read the new policy", Lang.EN),
    ("Rwy'n cadarnhau fy mod i wedi darllen y polisi", Lang.CY), ("Dwi'n cadarnhau mod i di darllen o", Lang.CY),
    ("Dw i wedi darllen fersiwn 2", Lang.CY),
    # The card's own word alone, and the version as "hi" (fersiwn is feminine: "wedi'i darllen", no mutation): before,
    # each was asked of the policy.
    ("Confirmed", Lang.EN), ("I confirm", Lang.EN), ("Cadarnhau", Lang.CY), ("Dwi'n cadarnhau", Lang.CY),
    ("Dwi wedi'i darllen hi", Lang.CY), ("Wedi'i darllen", Lang.CY),
    # The policy named in full, a "yes" first, as typed on a phone: before, each was asked of the policy.
    ("I have read the social media policy", Lang.EN), ("Yes I've read it", Lang.EN), ("Yep read it", Lang.EN),
    ("I've read the policy and understand it", Lang.EN), ("Have now read the policy", Lang.EN),
    ("Dw i wedi darllen y polisi cyfryngau cymdeithasol", Lang.CY), ("Ydw, dwi wedi'i ddarllen", Lang.CY)])
async def test_i_have_read_it_typed_as_a_confirmation_or_naming_the_version_gets_the_card_to_press(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, typed: str, lang: Lang) -> None:
    """Carys answered the card as staff answer the office's emails, "I confirm I have read the policy." (or "I've read
    version 2", "Rwy'n cadarnhau fy mod i wedi darllen y polisi"): the bot took it for a question of the policy, kept it
    for the head's review, and recorded nothing, so she believed she had confirmed. She gets version 2's card again, in
    the words' language, with I have read it to press."""
    await bot.publishes(write_revised(tmp_path), "2")

    reply = await bot.bot.says(CARYS, typed)

    assert strings.text("reads.typed_confirm", lang, version="2") in text_of(reply.card)
    assert verb_data(reply.card or {}, VERB_CONFIRM_READ) == {"version": "2"}
    assert bot.bot.store.questions == {}


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_new_starter_who_opens_the_bot_before_the_periodic_pass_asks_her_is_asked_to_read_the_policy(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang) -> None:
    """Nia was added to the staff list at 08:00 on her first morning in January, and opened the bot at 08:05, before
    the periodic pass (every 15 minutes) had asked her. "I have read it" typed, and "Have I confirmed?", brought "A new
    version of the staff social-media policy … Please read what has changed", of a version from September; the card the
    pass sent her ten minutes later asked her to read the policy in force. Both now ask her to read the policy in
    force, in English and Welsh."""
    clock = Clock(datetime(2026, 9, 14, 9, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    clock.now = datetime(2027, 1, 6, 8, 5, tzinfo=UTC)
    directory = MemoryStaffDirectory(bot.bot.store)
    await directory.replace_all([*await directory.list_members(), NIA])
    nia = Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name)
    await bot.bot.meets(nia)

    typed = text_of((await bot.bot.says(nia, "I have read it", lang=lang)).card)
    asked = text_of((await bot.bot.says(nia, "Have I confirmed?", lang=lang)).card)

    late = strings.text("reads.request_title_late", lang)
    new = strings.text("reads.request_title", lang)
    assert late in typed and late in asked
    assert new not in typed and new not in asked


async def test_a_new_starter_asked_weeks_later_is_asked_to_read_the_policy_not_what_is_new_in_it(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Nia started in January; version 2 came out in September. The periodic pass sent her "A new version of the
    staff social-media policy … is now in force. Please read what has changed", and a week later "Reminder: please read
    the new policy": she had never read any version, and it was not new. Asked on a later day than it was published,
    the card (and its reminder, and the line on her lock screen) asks her to read the policy in force, in English and
    Welsh; those asked when it came out still get the new version's card."""
    clock = Clock(datetime(2026, 9, 14, 9, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    [carys_card] = await bot.read_cards(CARYS)
    directory = MemoryStaffDirectory(bot.bot.store)
    nia_person = Person(CARYS.tenant_id, NIA.aad_object_id, NIA.name)
    clock.now = datetime(2027, 1, 6, 8, 30, tzinfo=UTC)
    await directory.replace_all([*await directory.list_members(), NIA])

    await bot.reading.check_campaigns()
    [message] = [m for m in await MemoryOutbox(bot.bot.store).list_for_recipient(nia_person)
                 if any(a.get("verb") == VERB_CONFIRM_READ for a in actions(dict(m.card)))]
    [carys_reminder] = await bot.read_cards(CARYS)  # the reminder after five school days, in September's card's place
    clock.now = datetime(2027, 1, 14, 9, 0, tzinfo=UTC)
    await bot.reading.remind()
    [reminder] = await bot.read_cards(nia_person)
    in_welsh = await bot.bot.clicks(nia_person, VERB_READ_REQUEST, {"version": "2", "lang": "cy"})

    english, welsh = text_of(message.card), text_of(message.card_cy)
    assert "Please read the staff social-media policy" in english and "is the policy in force" in english
    assert "A new version" not in english and "what has changed" not in english
    assert "what changed" not in message.preview and "new version" not in message.preview.lower()
    assert "Darllenwch y Polisi Cyfryngau Cymdeithasol i Staff" in welsh and "Fersiwn newydd" not in welsh
    assert "beth sydd wedi newid" not in welsh
    assert "Darllenwch y Polisi Cyfryngau Cymdeithasol i Staff" in text_of(in_welsh.card)  # Cymraeg on her card
    assert "newydd" not in message.preview_cy
    assert "Reminder: please read the policy" in text_of(reminder) and "new policy" not in text_of(reminder)
    assert verb_data(reminder, VERB_CONFIRM_READ)["version"] == "2"
    assert "A new version of the staff social-media policy" in text_of(carys_card)
    assert "Reminder: please read the new policy" in text_of(carys_reminder)


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_policy_owner_withdraws_a_version_published_by_mistake_from_its_card(
        bot: PublishingBot, tmp_path: Path, lang: Lang) -> None:
    """Siân published the draft of version 2 instead of the final document and saw it at once. Only IT could go back
    (`rollback-policy`, a command): the cards kept going out all afternoon. Her published card now offers Withdraw
    version 2, which asks first, then makes version 1 current again and takes back the cards not yet delivered; a
    delegate's press, or a second press, changes nothing."""
    published = await bot.publishes(write_revised(tmp_path), "2")
    asked_before = await bot.read_cards(CARYS)
    withdraw = verb_data(published.card or {}, VERB_WITHDRAW)
    [show] = [a for a in actions(published.card or {}) if a.get("type") == "Action.ShowCard"
              and any(b.get("verb") == VERB_WITHDRAW for b in actions(a["card"]))]

    refused = await bot.bot.clicks(FFION, VERB_WITHDRAW, withdraw, lang=lang)
    still = (await MemoryPolicyVersions(bot.bot.store).get_pointer())
    withdrawn = await bot.bot.clicks(SIAN, VERB_WITHDRAW, withdraw, lang=lang)
    await bot.publishing.drain()
    again = await bot.bot.clicks(SIAN, VERB_WITHDRAW, withdraw, lang=lang)
    pointer = await MemoryPolicyVersions(bot.bot.store).get_pointer()
    whats_new = await bot.bot.says(CARYS, "what's new")

    english = lang is Lang.EN
    assert len(asked_before) == 1 and still is not None and still.version == "2"
    assert show["title"] == "Withdraw version 2" and "go back to version 1" in text_of(show["card"])
    assert ("Only the policy owner" if english else "Dim ond perchennog y polisi") in text_of(refused.card)
    assert pointer is not None and pointer.version == "1"
    assert ("Version 2 withdrawn" if english else "Tynnwyd fersiwn 2 yn ôl") in text_of(withdrawn.card)
    assert ("Version 1 is the current policy again" if english else "Fersiwn 1 yw'r polisi presennol eto") in \
        text_of(withdrawn.card)
    assert await bot.read_cards(CARYS) == [] and await bot.read_cards(OWAIN) == []
    assert ("has been withdrawn already" if english else "wedi'i thynnu'n ôl eisoes") in text_of(again.card)
    assert "in force again after a later version was withdrawn" in text_of(whats_new.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_i_have_read_it_pressed_again_on_a_withdrawn_versions_card_says_the_confirmation_stays_on_record(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Carys confirmed version 2 at ten; Siân withdrew it within the hour. Pressing I have read it on its card again,
    Carys read "Sorry … Nothing was recorded." and took her confirmation to be lost; it is kept (the governors' record).
    The card says she confirmed it, when, and that it stays on record, with no "Sorry"; so, in place of "Nothing was
    recorded for version 3", does the card of version 2 brought back when version 3, which she confirmed, is
    withdrawn."""
    published = await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    [card] = await bot.read_cards(CARYS)
    confirmed = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(card, VERB_CONFIRM_READ))
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(published.card or {}, VERB_WITHDRAW))
    await bot.publishing.drain()

    again = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(card, VERB_CONFIRM_READ), lang=lang)

    at = (await MemoryPolicyReads(bot.bot.store).get_confirmation("2", CARYS)).read_at
    shown = text_of(again.card)
    assert "You confirmed" in text_of(confirmed.card)
    assert strings.text("reads.superseded_not_asked", lang, version="2", current="1") not in shown
    assert strings.text("error.title", lang) not in shown
    assert strings.text("reads.superseded_confirmed_not_asked", lang, version="2", current="1", when=when(at)) in shown

    v2 = await bot.publishes(write_revised(tmp_path, "v2.1.txt", version="2.1"), "2.1")
    v3 = await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    [v3_card] = await bot.read_cards(CARYS)
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(v3_card, VERB_CONFIRM_READ))
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(v3.card or {}, VERB_WITHDRAW))
    await bot.publishing.drain()

    back = text_of((await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(v3_card, VERB_CONFIRM_READ),
                                         lang=lang)).card)
    at = (await MemoryPolicyReads(bot.bot.store).get_confirmation("3", CARYS)).read_at
    assert v2.card is not None and strings.text("reads.nothing_recorded", lang, version="3") not in back
    assert strings.text("reads.kept_on_record", lang, version="3", when=when(at)) in back
    assert verb_data(json.loads(back), VERB_CONFIRM_READ)["version"] == "2.1"


def _withdraw_button(card: Card | None) -> dict[str, Any]:
    """The published card's Withdraw (an Action.ShowCard whose card asks first), or {} when it has none."""
    return next((a for a in actions(card or {}) if a.get("type") == "Action.ShowCard"
                 and any(b.get("verb") == VERB_WITHDRAW for b in actions(a["card"]))), {})


@pytest.mark.parametrize("lang", list(Lang))
async def test_withdraw_pressed_twice_at_once_says_the_version_was_withdrawn_not_that_it_cannot_be(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Siân pressed Withdraw it on her laptop and on her phone at the same moment (or twice: Teams puts the last answer
    in the card's place). One press withdrew version 3; the other answered "Version 3 is not the version in force
    (version 2 is), so it cannot be withdrawn. Nothing was changed.", and that was the card she was left with, reading
    as if the withdrawal had failed. It says version 3 has been withdrawn already and version 2 is in force."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    v3 = await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    data = verb_data(v3.card or {}, VERB_WITHDRAW)
    on_version_2 = await bot.bot.clicks(SIAN, VERB_WITHDRAW, {"version": "2"}, lang=lang)

    both = await asyncio.gather(bot.bot.clicks(SIAN, VERB_WITHDRAW, data, lang=lang),
                                bot.bot.clicks(SIAN, VERB_WITHDRAW, data, lang=lang))
    await bot.publishing.drain()
    later = await bot.bot.clicks(SIAN, VERB_WITHDRAW, data, lang=lang)

    said = sorted(text_of(reply.card) for reply in both)
    withdrawn = strings.text("publish.withdrawn_title", lang, version="3")
    already = strings.text("publish.withdrawn_already", lang, version="3", current="2")
    assert sum(withdrawn in one for one in said) == 1
    assert sum(already in one for one in said) == 1 and already in text_of(later.card)
    assert strings.text("publish.withdraw_not_in_force", lang, version="3", current="2") not in "".join(said)
    assert strings.text("publish.withdraw_not_in_force", lang, version="2", current="3") in text_of(on_version_2.card)
    assert (await MemoryPolicyVersions(bot.bot.store).get_pointer() or CurrentPointer("", "")).version == "2"


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_version_sent_again_has_withdraw_on_its_card_going_back_to_the_version_it_replaced_this_time(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Siân withdrew version 3 (back to 2), then sent version 3 again: its card said it was current again, with no
    Withdraw, where the first publish had one, so undoing it meant asking IT. And after IT's `rollback-policy 1`,
    version 3 sent again replaces 1, not 2: Withdraw goes back to the version it replaced this time, as its card says,
    and a card that said another (version 3's first card, "go back to version 2") changes nothing and says why."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    v3 = await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(v3.card or {}, VERB_WITHDRAW))
    await bot.publishing.drain()
    preview = await bot.sends(SIAN, write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), lang)
    again = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()

    show = _withdraw_button(again.card)
    assert show.get("title") == strings.text("publish.withdraw", lang, version="3")
    assert strings.text("publish.withdraw_confirm_asks", lang, version="3", previous="2") in text_of(show["card"])
    withdrawn = await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(again.card or {}, VERB_WITHDRAW), lang=lang)
    await bot.publishing.drain()
    assert strings.text("publish.withdrawn_title", lang, version="3") in text_of(withdrawn.card)
    assert (await MemoryPolicyVersions(bot.bot.store).get_pointer() or CurrentPointer("", "")).version == "2"

    await _rolled_back(bot, "1")
    preview = await bot.sends(SIAN, write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), lang)
    over_1 = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()
    show = _withdraw_button(over_1.card)
    assert strings.text("publish.withdraw_confirm", lang, version="3", previous="1") in text_of(show.get("card"))
    stale = await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(v3.card or {}, VERB_WITHDRAW), lang=lang)
    assert strings.text("publish.withdraw_goes_elsewhere", lang, version="3", said="2", back="1") in \
        text_of(stale.card)
    assert (await MemoryPolicyVersions(bot.bot.store).get_pointer() or CurrentPointer("", "")).version == "3"
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(over_1.card or {}, VERB_WITHDRAW), lang=lang)
    await bot.publishing.drain()
    assert (await MemoryPolicyVersions(bot.bot.store).get_pointer() or CurrentPointer("", "")).version == "1"


@pytest.mark.parametrize("lang", list(Lang))
async def test_have_i_confirmed_after_a_withdrawal_to_the_installed_version_does_not_say_nothing_was_recorded(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Owain confirmed version 2; Siân withdrew it, and version 1, the version the bot was installed with, is in force
    again. He asked "Have I confirmed?" and was told "Staff are not asked to confirm version 1 of the policy, so nothing
    was recorded.", as if his confirmation were lost; "Do I have to confirm?" ended the same. Both say there is nothing
    to confirm now and, to him, that his confirmation of version 2 stays on record; typed "I have read it" still says
    that nothing was recorded."""
    published = await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    await bot.bot.clicks(OWAIN, VERB_CONFIRM_READ, {"version": "2"})
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(published.card or {}, VERB_WITHDRAW))
    await bot.publishing.drain()

    answers = [await bot.bot.says(OWAIN, said, lang=lang) for said in ("Have I confirmed?", "Do I have to confirm?")]
    carys = text_of((await bot.bot.says(CARYS, "Have I confirmed?", lang=lang)).card)
    typed = text_of((await bot.bot.says(CARYS, "I have read it", lang=lang)).card)

    at = (await MemoryPolicyReads(bot.bot.store).get_confirmation("2", OWAIN)).read_at
    nothing = strings.text("reads.not_asked", lang, version="1")
    for shown in (text_of([answer.card, *answer.more]) for answer in answers):
        assert nothing not in shown and strings.text("reads.not_asked_now", lang, version="1") in shown
        assert strings.text("reads.kept_on_record", lang, version="2", when=when(at)) in shown
    assert nothing not in carys and strings.text("reads.not_asked_now", lang, version="1") in carys
    assert "version 2" not in carys and "fersiwn 2" not in carys
    assert nothing in typed


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_corrected_draft_sent_again_after_withdrawing_it_is_given_a_number_it_can_have(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Siân withdrew version 2, a draft published by mistake, corrected the Word file and sent it again, still "Version
    2": she was told to give it "a new version number", and not which; 3 would read to staff as a second new policy in
    a day. Refused as before, the card now gives her one no version has had, the correction's 2.1."""
    published = await bot.publishes(revised_docx(tmp_path), "2")
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(published.card or {}, VERB_WITHDRAW))
    await bot.publishing.drain()

    again = await bot.sends(SIAN, revised_docx(tmp_path, "Social Media Policy 2026 v2.docx", review="Summer 2027"),
                            lang=lang)

    shown = text_of(again.card)
    assert strings.text("publish.same_number", lang, version="2", next="2.1") in shown
    assert "2.1" in strings.text("publish.same_number", lang, version="2", next="2.1")
    assert VERB_PUBLISH not in shown


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_figures_after_a_version_is_withdrawn_do_not_say_none_was_ever_sent_round(
        bot: PublishingBot, strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang) -> None:
    """Siân withdrew version 2 the afternoon it went out, after Carys had confirmed it; back in force, version 1 is the
    version the bot was installed with, which staff are not asked to confirm. Her figures for the governors said "No
    version of the policy has been sent round for staff to read and confirm yet": version 2 had been. They say staff
    are not asked to confirm version 1, in force again, and that version 2 was withdrawn."""
    published = await bot.publishes(write_revised(tmp_path), "2")
    [card] = await bot.read_cards(CARYS)
    await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, verb_data(card, VERB_CONFIRM_READ))
    await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(published.card or {}, VERB_WITHDRAW))
    await bot.publishing.drain()
    store = bot.bot.store
    figures = FiguresFlow(strings=strings, federation=federation, requests=MemoryPermissionRequests(store),
                          versions=MemoryPolicyVersions(store), reads=MemoryPolicyReads(store),
                          directory=MemoryStaffDirectory(store), reports=MemoryConcernReports(store),
                          notifier=QueueingNotifier(MemoryOutbox(store)), profiles=MemoryUserProfiles(store))

    reply = await figures.figures(Turn(actor=SIAN, lang=lang, scope=Scope.PERSONAL, text="figures"))

    shown = text_of(reply.card)
    assert strings.text("figures.reads_none", lang) not in shown
    assert strings.text("figures.reads_installed_again", lang, version="1", latest="2") in shown


@pytest.mark.parametrize(("typed", "lang"), [
    ("Confirmed", Lang.EN), ("Cadarnhau", Lang.CY), ("I've read version 2", Lang.EN),
    ("Dw i wedi darllen fersiwn 3", Lang.CY)])
async def test_a_typed_confirmation_records_nobody_and_its_card_pressed_by_another_records_only_the_presser(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, typed: str, lang: Lang) -> None:
    """Hostile probe 5: "Confirmed" / "Cadarnhau" typed (in a group chat too, or naming a version that was never
    published) records no confirmation for anyone: only the card's button does. Owain pressing the card
    Carys's words brought, with her name and id added to its data, records Owain (the person the activity is from),
    never Carys; the card names the version in force, whatever version was typed, and typed in a group it goes to her
    own chat."""
    await bot.publishes(write_revised(tmp_path), "2")

    typed_alone = await bot.bot.says(CARYS, typed)
    in_group = await bot.bot.says(CARYS, typed, scope=Scope.GROUP)

    assert await MemoryPolicyReads(bot.bot.store).list_confirmed("2") == []
    assert await MemoryPolicyReads(bot.bot.store).list_confirmed("3") == []
    assert verb_data(typed_alone.card or {}, VERB_CONFIRM_READ) == {"version": "2"}
    assert "policy.confirm_read" not in text_of([in_group.card, *in_group.more])  # it went to her own chat
    as_carys = {"aadObjectId": CARYS.aad_object_id, "name": CARYS.name, "person": CARYS.aad_object_id}

    await bot.bot.clicks(OWAIN, VERB_CONFIRM_READ, {**verb_data(typed_alone.card or {}, VERB_CONFIRM_READ), **as_carys})

    confirmed = await MemoryPolicyReads(bot.bot.store).list_confirmed("2")
    assert [c.person.aad_object_id for c in confirmed] == [OWAIN.aad_object_id]


@pytest.mark.parametrize(("typed", "lang"), [("Who has read version 2?", Lang.EN),
                                             ("Pwy sydd heb ddarllen fersiwn 2 eto?", Lang.CY),
                                             ("Has anyone not read it yet?", Lang.EN)])
async def test_who_has_read_typed_by_the_delegate_or_in_a_group_shows_no_name_to_anyone_not_allowed(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, typed: str, lang: Lang) -> None:
    """Hostile probe 5: the count names who has not read a version. Typed by the head's named delegate (who decides
    requests, not this) or a line manager, they are told who can see it; typed by the head in a group chat, the
    group is told it went to her own chat and reads no name; nobody on the staff list is named to them."""
    await bot.publishes(write_revised(tmp_path), "2")
    staff = [m.name for m in await MemoryStaffDirectory(bot.bot.store).list_members() if m.name != "Mrs Siân Roberts"]

    by_delegate = await bot.bot.says(FFION, typed)
    by_manager = await bot.bot.says(GARETH, typed)
    head_in_group = await bot.bot.says(SIAN, typed, scope=Scope.GROUP)

    for shown in (by_delegate, by_manager):
        assert strings.text("reads.only_heads", lang) in text_of(shown.card)
    for shown in (by_delegate, by_manager, head_in_group):
        seen = text_of([shown.card, *shown.more])
        assert staff and not [name for name in staff if name in seen]
    assert strings.text("reads.summary_title", lang, version="2") not in text_of([head_in_group.card,
                                                                                 *head_in_group.more])


def _notes_listed(card: Card | None) -> list[str]:
    """The bullet lines the preview lists (the check's notes)."""
    runs = [inline["text"] for block in elements(card or {}, "RichTextBlock") for inline in block["inlines"]]
    return [run for run in runs if run.startswith("• ")]


async def test_the_welsh_preview_gives_the_checks_notes_in_welsh(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path) -> None:
    """Siân's Teams is in Welsh. The preview of a version with a new heading (no Welsh in the document) listed the
    check's notes in English, under "Nodiadau i berchennog y polisi (yn Saesneg)": how to give the heading its Welsh
    was the one thing on the card she could not read in her language. Each note is in Welsh, as the heading says."""
    document = write_revised(tmp_path, "v2.txt")

    welsh = await bot.sends(SIAN, document, lang=Lang.CY)
    english = await bot.sends(SIAN, document, lang=Lang.EN)

    notes_cy, notes_en = _notes_listed(welsh.card), _notes_listed(english.card)
    assert notes_en and len(notes_cy) == len(notes_en)
    assert any("headings has no Welsh" in note for note in notes_en), notes_en
    assert not set(notes_cy) & set(notes_en)
    assert any("Cymraeg" in note and "Diben" in note for note in notes_cy), notes_cy
    assert "Saesneg" not in strings.text("publish.notes", Lang.CY)


@pytest.mark.parametrize(("name", "content", "said"), [
    ("Polisi 2026.pdf", b"%PDF-1.7\n" + bytes(200), "does dim modd darllen PDF yn ddibynadwy"),
    ("Polisi 2026.docx", b"PK\x03\x04" + bytes(200), "does dim modd darllen y ddogfen Word hon"),
    # The rarer refusals: an empty section, a policy file that is not valid, or not JSON at all.
    ("Polisi 2026.txt", b"Staff Social Media Policy\n\nPurpose\n\nWhy.\n\nAppendix\n",
     "mae'r adran 'Appendix' (llinell 7) yn wag"),
    ("polisi.json", b'{"title_en": "Staff Social Media Policy"}',
     "nid ffeil bolisi ddilys yw hon: $.sections: ar goll"),
    ("polisi.json", b'{"title_en": "Staff Social Media Policy",\n "sections": [}', "gwall yn llinell 2, colofn 15"),
])
async def test_a_file_that_cannot_be_published_is_refused_in_welsh_on_her_welsh_card(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, name: str, content: bytes, said: str) -> None:
    """Siân's Teams is in Welsh: the reason a PDF or a damaged Word file cannot be published was English, after "Y
    rheswm (yn Saesneg)". It is Welsh, and nothing is published."""
    sent = tmp_path / name
    sent.write_bytes(content)

    refused = await bot.sends(SIAN, sent, lang=Lang.CY)

    shown = text_of(refused.card)
    assert said in shown and "Saesneg" not in shown, shown
    assert VERB_PUBLISH not in shown


# Publish and Send a reminder pressed late: the head's press is hers, the staff's cards are not


@pytest.mark.parametrize(("lang", "said"), [(Lang.EN, "They go at 08:00 on Thursday 10 December"),
                                            (Lang.CY, "Byddan nhw'n mynd am 08:00 ddydd Iau 10 Rhagfyr")])
async def test_publish_pressed_late_in_the_evening_rings_no_staff_phone_until_school_hours_and_says_when(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang, said: str) -> None:
    """Siân publishes version 2 from home at 23:00 on a Wednesday: every member of staff's read-and-confirm card went
    then and there, ringing every phone at 23:00, though none of them pressed anything. Her own preview and confirmation
    come at once and say when the staff's cards go; the cards wait for the next working day's school hours (08:00 on
    the Thursday, UK time)."""
    late = datetime(2026, 12, 9, 23, 0, tzinfo=UTC)  # Wednesday 9 December, 23:00 GMT
    goes = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    clock = Clock(late)
    bot = await _opened(strings, federation, clock)

    preview = await bot.sends(SIAN, write_revised(tmp_path), lang)
    published = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()

    assert said in text_of(preview.card)
    assert said in text_of(published.card)
    assert [len(await bot.read_cards(p)) for p in STAFF] == [1] * len(STAFF)  # owed, and counted as asked
    for moment in (late, goes - timedelta(minutes=1)):
        assert [await bot.bot.cards_going_to(p, moment) for p in STAFF] == [[]] * len(STAFF), moment
    assert [len(await bot.bot.cards_going_to(p, goes)) for p in STAFF] == [1] * len(STAFF)


@pytest.mark.parametrize(("lang", "said"), [(Lang.EN, "They go at 08:00 on Monday 14 December"),
                                            (Lang.CY, "Byddan nhw'n mynd am 08:00 ddydd Llun 14 Rhagfyr")])
async def test_send_a_reminder_pressed_on_a_friday_night_reminds_staff_on_monday_morning_and_says_so(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang, said: str) -> None:
    """Siân presses Send a reminder at 22:30 on a Friday: the reminders reached the staff who had not confirmed at
    22:30. Her card comes at once, saying when they go; the reminders wait for 08:00 on the Monday."""
    clock = Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # Tuesday 1 December, in school hours: cards at once
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    for person in STAFF:
        assert len(await bot.bot.cards_going_to(person, clock.now)) == 1
        await _sent(bot, person)
    late = datetime(2026, 12, 11, 22, 30, tzinfo=UTC)  # Friday 11 December, 22:30 GMT
    monday = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)
    clock.now = late
    summary = await bot.bot.says(SIAN, "who has read it", lang=lang)

    reminded = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card), lang=lang)

    assert said in text_of(reminded.card)
    for moment in (late, monday - timedelta(minutes=1)):
        assert [await bot.bot.cards_going_to(p, moment) for p in STAFF] == [[]] * len(STAFF), moment
    going = [await bot.bot.cards_going_to(p, monday) for p in STAFF]
    assert all(len(cards) == 1 and strings.text("reads.reminder_title", Lang.EN) in text_of(cards) for cards in going)


def _remind_question(card: Card | None) -> str:
    """The words of the card that Send a reminder opens (its question, above Send the reminder)."""
    def found(node: object) -> list[dict[str, Any]]:
        if isinstance(node, dict):
            here = [node["card"]] if node.get("type") == "Action.ShowCard" else []
            return here + [c for value in node.values() for c in found(value)]
        return [c for value in node for c in found(value)] if isinstance(node, list) else []
    [opened] = [c for c in found(card or {}) if VERB_REMIND in json.dumps(c)]
    return text_of(opened)


@pytest.mark.parametrize(("lang", "said", "now"), [
    (Lang.EN, "They go at 08:00 on Monday 14 December", "a reminder now"),
    (Lang.CY, "Byddan nhw'n mynd am 08:00 ddydd Llun 14 Rhagfyr", "atgoffa nawr")])
async def test_send_a_reminder_asked_on_a_friday_night_asks_to_send_it_for_monday_morning_not_now(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang, said: str, now: str) -> None:
    """Siân opens who has read it at 22:30 on a Friday and presses Send a reminder: it asked "Send a reminder now to
    each member of staff …?", though the reminders wait for 08:00 on the Monday. The question says when they go; in
    school hours it still says now."""
    clock = Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    for person in STAFF:
        await _sent(bot, person)
    clock.now = datetime(2026, 12, 9, 14, 0, tzinfo=UTC)  # Wednesday 9 December, in school hours
    by_day = _remind_question((await bot.bot.says(SIAN, "who has read it", lang=lang)).card)
    clock.now = datetime(2026, 12, 11, 22, 30, tzinfo=UTC)  # Friday 11 December, 22:30 GMT
    at_night = _remind_question((await bot.bot.says(SIAN, "who has read it", lang=lang)).card)

    assert now in by_day and said not in by_day
    assert now not in at_night and said in at_night, at_night
    assert strings.text("reads.remind_confirm_later", lang, version="2") in at_night


async def test_send_a_reminder_pressed_in_school_hours_goes_at_once_and_says_no_later_time(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """In school hours, the reminders go then and there, and the card says nothing of a later time."""
    clock = Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path), "2")
    for person in STAFF:
        await _sent(bot, person)
    clock.now = datetime(2026, 12, 9, 14, 0, tzinfo=UTC)
    summary = await bot.bot.says(SIAN, "who has read it")

    reminded = await bot.bot.clicks(SIAN, VERB_REMIND, _remind_button(summary.card))

    assert "They go at" not in text_of(reminded.card)
    assert [len(await bot.bot.cards_going_to(p, clock.now)) for p in STAFF] == [1] * len(STAFF)


@pytest.mark.parametrize(("lang", "said"), [(Lang.EN, "They go at 08:00 on Thursday 10 December"),
                                            (Lang.CY, "Byddan nhw'n mynd am 08:00 ddydd Iau 10 Rhagfyr")])
async def test_withdraw_pressed_late_in_the_evening_asks_staff_again_in_school_hours_and_says_when(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang, said: str) -> None:
    """Versions 2 and 3 came out in the day; at 23:00 Siân withdraws version 3, and version 2's card, owed again to
    those who have not confirmed it, rang their phones at 23:00. It waits for 08:00 on the Thursday, and her card says
    so."""
    clock = Clock(datetime(2026, 12, 9, 10, 0, tzinfo=UTC))  # Wednesday 9 December, 10:00 GMT
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    published = await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    for person in STAFF:
        await _sent(bot, person)
    late, goes = datetime(2026, 12, 9, 23, 0, tzinfo=UTC), datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    clock.now = late

    withdrawn = await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(published.card or {}, VERB_WITHDRAW), lang=lang)
    await bot.publishing.drain()

    assert said in text_of(withdrawn.card)
    assert [len(await bot.read_cards(p)) for p in STAFF] == [1] * len(STAFF)
    for moment in (late, goes - timedelta(minutes=1)):
        assert [await bot.bot.cards_going_to(p, moment) for p in STAFF] == [[]] * len(STAFF), moment
    going = [await bot.bot.cards_going_to(p, goes) for p in STAFF]
    assert all(len(cards) == 1 and verb_data(cards[0], VERB_CONFIRM_READ) == {"version": "2"} for cards in going)


@pytest.mark.parametrize(("lang", "goes"), [(Lang.EN, "They go at 08:00 on Thursday 10 December"),
                                            (Lang.CY, "Byddan nhw'n mynd am 08:00 ddydd Iau 10 Rhagfyr")])
async def test_withdraw_when_everyone_has_confirmed_the_version_gone_back_to_says_nobody_is_asked_again(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang, goes: str) -> None:
    """Everyone had confirmed version 2 when version 3 came out; at 23:00 Siân withdrew version 3. Her card said staff
    who have not confirmed version 2 "are asked to read it again" and that "their cards" go at 08:00 on the Thursday,
    though there was nobody to ask and no card went. Sending version 2 again already said "everyone on the staff list
    has confirmed it"; Withdraw now says so too, with no time for cards that do not go."""
    clock = Clock(datetime(2026, 12, 9, 10, 0, tzinfo=UTC))  # Wednesday 9 December, 10:00 GMT
    bot = await _opened(strings, federation, clock)
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    for person in STAFF:
        await bot.bot.clicks(person, VERB_CONFIRM_READ, {"version": "2"})
    published = await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")
    clock.now = datetime(2026, 12, 9, 23, 0, tzinfo=UTC)

    withdrawn = await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(published.card or {}, VERB_WITHDRAW), lang=lang)
    await bot.publishing.drain()

    said = text_of(withdrawn.card)
    assert strings.text("publish.withdrawn_all_read", lang, previous="2") in said
    assert strings.text("publish.withdrawn_asked", lang, previous="2") not in said and goes not in said
    assert [await bot.read_cards(p) for p in STAFF] == [[]] * len(STAFF)


@pytest.mark.parametrize("lang", list(Lang))
async def test_withdraw_says_a_card_already_in_a_chat_is_not_sent_again_but_can_be_confirmed_on(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang) -> None:
    """Owain had version 2's card in his chat and had not pressed it when version 3 came out; Siân withdrew version 3.
    Her card said "Staff asked to read version 2 who have not confirmed it are sent its card again", so she told Owain
    to look for a new card, which never came: a card that reached someone is never sent twice. It says that its card
    goes to each of them it has not reached yet, and that anyone who has it already can confirm on it; his card
    there still records his confirmation of version 2."""
    await bot.publishes(write_revised(tmp_path, "v2.txt"), "2")
    await _sent(bot, OWAIN)
    v3 = await bot.publishes(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027"), "3")

    withdrawn = await bot.bot.clicks(SIAN, VERB_WITHDRAW, verb_data(v3.card or {}, VERB_WITHDRAW), lang=lang)
    await bot.publishing.drain()
    confirmed = await bot.bot.clicks(OWAIN, VERB_CONFIRM_READ, {"version": "2"}, lang=lang)

    assert await _owed_read_cards(bot, OWAIN) == []  # his version 2 card reached him: not sent twice
    assert await _owed_read_cards(bot, CARYS) == [f"policy|00002|read|{CARYS.aad_object_id}"]
    said = text_of(withdrawn.card)
    assert strings.text("publish.withdrawn_asked", lang, previous="2") in said
    assert {Lang.EN: "sent its card again", Lang.CY: "yn cael ei cherdyn eto"}[lang] not in said
    at = when(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert strings.text("reads.confirmed", lang, when=at, version="2") in text_of(confirmed.card)


@pytest.mark.parametrize(("lang", "zone", "said"), [
    (Lang.EN, "Europe/Madrid", "They go at 08:00 UK time on Thursday 10 December"),
    (Lang.CY, "Europe/Madrid", "Byddan nhw'n mynd am 08:00 amser y DU ddydd Iau 10 Rhagfyr"),
    (Lang.EN, "Europe/London", "They go at 08:00 on Thursday 10 December"),
    (Lang.EN, "Europe/Lisbon", "They go at 08:00 on Thursday 10 December"),  # Lisbon's clocks are UK clocks
])
async def test_a_head_abroad_is_told_the_staffs_cards_go_at_08_00_uk_time_not_her_own(
        strings: Catalogue, federation: Federation, tmp_path: Path, lang: Lang, zone: str, said: str) -> None:
    """On a school trip in Spain, Siân publishes at 23:00 UK time (midnight in Madrid): "They go at 08:00 on Thursday"
    read as her own 08:00, an hour after the cards went. Teams gives her time zone (clientInfo's localTimezone): where
    its clocks show another hour, the card says the time is UK time."""
    clock = Clock(datetime(2026, 12, 9, 23, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)

    preview = await bot.sends(SIAN, write_revised(tmp_path), lang, time_zone=zone)
    published = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang,
                                     time_zone=zone)

    assert said in text_of(preview.card)
    assert said in text_of(published.card)


@pytest.mark.parametrize(("lang", "zone", "uk_time"), [(Lang.EN, "America/New_York", True),
                                                      (Lang.CY, "America/New_York", True),
                                                      (Lang.EN, "Europe/London", False), (Lang.CY, "", False)])
async def test_a_teacher_abroad_is_told_when_she_confirmed_in_uk_time(
        bot: PublishingBot, strings: Catalogue, tmp_path: Path, lang: Lang, zone: str, uk_time: bool) -> None:
    """Carys is on a course in New York: "You confirmed on 01/12/2026 10:00" read as 10:00 in New York, and so did when
    the version was published and when she confirmed it on "what's new". Where the clocks of her Teams show another
    hour, each says it is UK time."""
    published = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    await bot.publishes(write_revised(tmp_path), "2")

    confirmed = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"}, lang=lang, time_zone=zone)
    again = await bot.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"}, lang=lang, time_zone=zone)
    whats_new = await bot.bot.router.route(Turn(actor=CARYS, lang=lang, scope=Scope.PERSONAL, text="what's new",
                                                time_zone=zone))

    at = when(published) + {Lang.EN: " UK time", Lang.CY: " amser y DU"}[lang] * uk_time
    assert strings.text("reads.confirmed", lang, when=at, version="2") in text_of(confirmed.card)
    assert strings.text("reads.already_confirmed", lang, when=at, version="2") in text_of(again.card)
    assert strings.text("reads.you_confirmed", lang, when=at) in text_of(whats_new.card)
    assert strings.text("reads.published_on", lang, when=at, name=SIAN.name) in text_of(whats_new.card)


@pytest.mark.parametrize(("lang", "high", "primary"), [
    (Lang.EN, "now", "at 08:00 on Thursday 10 December"),
    (Lang.CY, "nawr", "am 08:00 ddydd Iau 10 Rhagfyr"),
])
async def test_publish_on_an_inset_day_of_one_school_says_school_by_school_when_the_cards_go(
        strings: Catalogue, tmp_path: Path, lang: Lang, high: str, primary: str) -> None:
    """Wednesday 9 December is an INSET day at the primary school only. Siân publishes at 10:00: the high school's
    staff are asked then; the primary's cards wait for its next school day, and her preview and confirmation say so,
    school by school."""
    federation = with_school_holidays({"from": "2026-12-09", "to": "2026-12-09", "name": "INSET",
                                       "schools": ["primary"]})
    clock = Clock(datetime(2026, 12, 9, 10, 0, tzinfo=UTC))
    bot = await _opened(strings, federation, clock)

    preview = await bot.sends(SIAN, write_revised(tmp_path), lang)
    published = await bot.bot.clicks(SIAN, VERB_PUBLISH, verb_data(preview.card or {}, VERB_PUBLISH), lang=lang)
    await bot.publishing.drain()

    schools = {school.school_id: school.name(lang) for school in federation.schools}
    for card in (preview.card or {}, published.card or {}):
        assert facts(card)[schools["high"]] == high and facts(card)[schools["primary"]] == primary
    at_once = {p.name: len(await bot.bot.cards_going_to(p, clock.now)) for p in STAFF}
    assert at_once == {CARYS.name: 1, SIAN.name: 1, GARETH.name: 1, OWAIN.name: 0, FFION.name: 0}
    thursday = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    assert [len(await bot.bot.cards_going_to(p, thursday)) for p in STAFF] == [1] * len(STAFF)


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("forged", ["1", "3", "999", "", "2/../1", "1.0", " 1", ["2"], 2])
async def test_withdraw_with_a_forged_version_withdraws_nothing_and_moves_no_card(
        bot: PublishingBot, tmp_path: Path, lang: Lang, forged: object) -> None:
    """Hostile probe 6: Siân's Withdraw, its `version` rewritten to the version before (nothing would be current),
    one never published, nothing, a path, the version before written otherwise, a list or a number: version 2 stays
    current and Carys's card of it stays owed."""
    await bot.publishes(write_revised(tmp_path), "2")
    asked_before = await bot.read_cards(CARYS)

    await bot.bot.clicks(SIAN, VERB_WITHDRAW, {"version": forged}, lang=lang)
    await bot.publishing.drain()

    pointer = await MemoryPolicyVersions(bot.bot.store).get_pointer()
    assert pointer is not None and pointer.version == "2"
    assert await bot.read_cards(CARYS) == asked_before and len(asked_before) == 1
