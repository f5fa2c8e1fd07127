"""Read and confirm: every member of staff is asked to read a newly published version, confirms with one click,
is reminded after five school days; the headteacher and policy owner see who has read it, a school at a time if they
like, and remind again those who have not; "what's new".

Campaign cards have message ids fixed by version and person (`policy|<key>|read|<object id>`), so a campaign run
twice (a retry after a fault, a second instance, the periodic pass) sends nobody a second card. A person is
recorded as asked only after their card is queued, and a campaign stays owed (see `bot.storage.policy_versions`)
until everyone on the staff list was reached: the periodic `check_campaigns` pass finishes what a fault left (for
the version in force only), asks staff added to the list later (or given an Entra id later), and sends the
reminders (only to staff still on the list). A person is their Entra object id: a new email with the same id is not
asked again. Staff only ever confirm the version in force: as a version's card is queued for someone, the cards of other
versions still waiting for them are taken back, and when the version in force goes back (a rollback) `settle` takes
back every other version's and owes its own again. Each reminder is numbered (`policy|<key>|remindN|<object id>`, the
first `remind`), and one card of a version waits for a person at a time. It is safe on every instance at once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from bot.domain.directory import StaffDirectory, StaffMember, off_the_staff_list
from bot.domain.errors import ConcurrentChange, RecordNotFound, StorageUnavailable
from bot.domain.federation import Federation, School
from bot.domain.live_policy import PolicyInForce
from bot.domain.outbox import NOT_OPENED, Notifier, OutboundMessage, Outbox, in_school_hours
from bot.domain.people import Lang, Person
from bot.domain.policy_reads import (
    AlreadyConfirmed,
    AskedStaff,
    Audience,
    Confirmation,
    PolicyReads,
    ReminderDelivery,
    SchoolReads,
    Withheld,
    WithheldBecause,
    audience,
    calendar_of,
    not_yet,
    not_yet_after,
    read_summary,
    reminders_due,
    still_to_ask,
)
from bot.domain.policy_versions import (
    PolicyChanges,
    PolicyVersion,
    PolicyVersions,
    PublishRefused,
    version_key,
    version_number,
)
from bot.domain.profiles import UserProfiles
from bot.domain.school_calendar import SchoolCalendar
from bot.domain.uk_time import uk_today
from bot.policy.loader import PolicyFileError, policy_from_data
from bot.policy.model import Policy
from cards import publishing as cards
from cards.answer import when_read
from cards.common import error_card, notice_card
from cards.elements import Card
from cards.i18n import Catalogue
from dialogs.base import CardData, Handler, Reply, Text, Turn, Verb, normalise
from dialogs.language import in_the_listed_language
from dialogs.lists import list_start
from dialogs.phrases import listed_in_welsh, read_phrases, said_only, without_courtesy
from dialogs.private import PrivateChat
from dialogs.staff_only import not_staff

log = logging.getLogger(__name__)

WHATS_NEW_WORDS = frozenset(read_phrases("policy-whats-new.txt"))
READS_WORDS = frozenset(read_phrases("policy-reads.txt"))
# "I have read it" typed, in reply to the card asking for it: the card again, to press (words record nothing).
READ_CONFIRMED_WORDS = frozenset(read_phrases("policy-read-confirmed.txt"))
# "Do I have to confirm?", "Oes rhaid i fi gadarnhau?": about the read-and-confirm card, not the policy's rules.
MUST_CONFIRM_WORDS = frozenset(read_phrases("policy-read-must-confirm.txt"))
# "Have I confirmed?", "Ydw i wedi cadarnhau?": whether they have, which version and when.
HAVE_I_CONFIRMED_WORDS = frozenset(read_phrases("policy-read-have-i.txt"))
_THANKS = frozenset(read_phrases("thanks.txt"))
_IN_WELSH = listed_in_welsh("policy-whats-new.txt", "policy-reads.txt", "policy-read-confirmed.txt",
                            "policy-read-must-confirm.txt", "policy-read-have-i.txt")


def read_message_id(version: str, person: Person) -> str:
    """The campaign card's id for one person: fixed, so it is queued at most once."""
    return f"policy|{version_key(version)}|read|{person.aad_object_id}"


def reminder_message_id(version: str, person: Person, number: int = 1) -> str:
    """The id of one person's `number`th reminder (the first, after five school days, kept as it always was; the head's
    after it): fixed, so each is queued at most once."""
    kind = "remind" if number <= 1 else f"remind{number}"
    return f"policy|{version_key(version)}|{kind}|{person.aad_object_id}"


def card_of_a_version(message_id: str) -> tuple[str, int] | None:
    """The version key and number of a read-and-confirm card's id (0 the card, 1 the first reminder, 2 the next);
    None for any other message."""
    parts = message_id.split("|")
    if len(parts) != 4 or parts[0] != "policy":
        return None
    kind = parts[2]
    number = 0 if kind == "read" else 1 if kind == "remind" else None
    if number is None and kind.startswith("remind") and kind[6:].isdigit():
        number = int(kind[6:])
    try:
        version_number(parts[1])
    except PublishRefused:
        return None
    return (parts[1], number) if number is not None else None


class StillToRead:
    """`StillOwed` for the read-and-confirm cards: a card or reminder asking someone to read a version is withheld when,
    by the time it goes, they have confirmed it (a reminder queued before they pressed I have read it, or while they
    had not opened the bot), the version is no longer in force (a later one came out while a sender held it, so its
    campaign could not take it back) or, with `directory`, they are no longer on the staff list (they left before
    opening the bot: a Hwb account goes with a teacher to their next school); that it was withheld, and why, is
    recorded with the version's campaign."""

    def __init__(self, reads: PolicyReads, versions: PolicyVersions, directory: StaffDirectory | None = None) -> None:
        self._reads = reads
        self._versions = versions
        self._directory = directory

    async def still_owed(self, message: OutboundMessage, now: datetime) -> bool:
        """False (recorded as withheld) when its recipient confirmed the version it asks them to, or that version is no
        longer in force; any other message is owed."""
        card = card_of_a_version(message.message_id)
        if card is None:
            return True
        version, number = card
        pointer, confirmed = await asyncio.gather(self._versions.get_pointer(), self._confirmed(version, message))
        if confirmed:
            because = WithheldBecause.CONFIRMED
        elif pointer is not None and version_number(pointer.version) != version_number(version):
            because = WithheldBecause.REPLACED
        elif self._directory is not None and off_the_staff_list(await self._directory.list_members(),
                                                                message.recipient):
            because = WithheldBecause.LEFT
        else:
            return True
        await self._reads.add_withheld(version, Withheld(message.recipient, number, now, message.message_id, because))
        log.info("read-and-confirm: a card of version %s withheld (%s)",
                 ".".join(str(part) for part in version_number(version)), because.value)
        return False

    async def _confirmed(self, version: str, message: OutboundMessage) -> bool:
        try:
            await self._reads.get_confirmation(version, message.recipient)
        except RecordNotFound:
            return False
        return True


async def reminders_delivered(outbox: Outbox, version: str, asked: Sequence[AskedStaff], tenant: str, *,
                              now: datetime | None = None) -> dict[str, ReminderDelivery]:
    """What became of each reminder of a version (by the object id, lower case, of each person reminded): sent, still
    waiting for them to open the bot, waiting after Teams refused it, only held until school hours (at `now`), or
    neither (taken back, or withheld). One read of each reminded person's queue and sent marks, a few people at a time:
    it is for the governors' export, not a turn."""
    at = now or datetime.now(UTC)
    reminded = [a for a in asked if a.object_id and a.each_reminder()]
    found: dict[str, ReminderDelivery] = {}
    lanes = asyncio.Semaphore(8)

    async def one(row: AskedStaff) -> None:
        person = Person(tenant, row.object_id, row.name)
        numbers = {reminder_message_id(version, person, n): n for n in range(1, len(row.each_reminder()) + 1)}
        async with lanes:
            listing = await outbox.listed_with(person, [OutboundMessage(recipient=person, message_id=message_id,
                                                                        card={}) for message_id in numbers])
        unsent = [m for m in listing.messages if m.message_id in numbers and not listing.sent_read.get(m.message_id)]
        found[row.object_id.lower()] = ReminderDelivery(
            sent=frozenset(n for message_id, n in numbers.items() if listing.sent_read.get(message_id)),
            waiting=frozenset(numbers[m.message_id] for m in unsent
                              if m.last_error in ("", NOT_OPENED) and not m.kept_back(at)),
            refused=frozenset(numbers[m.message_id] for m in unsent if m.last_error not in ("", NOT_OPENED)),
            held=frozenset(numbers[m.message_id] for m in unsent
                           if m.last_error in ("", NOT_OPENED) and m.kept_back(at)))

    await asyncio.gather(*(one(row) for row in reminded))
    return found


def _late(record: PolicyVersion, asked_at: datetime) -> bool:
    """Asked to read a version on a later day (UK) than it was published: a new starter, or someone the list gave no
    Entra id until then, for whom the version is the policy in force, not a new one."""
    return uk_today(asked_at) > uk_today(record.published_at)


def _campaign_ids(version: str, message: OutboundMessage) -> tuple[str, str]:
    """The ids of a version's card and first reminder to the recipient of `message` (all there can be of a version
    they were never reminded of)."""
    return read_message_id(version, message.recipient), reminder_message_id(version, message.recipient)


# "Who has read it", as a head says it beyond the list's phrases, the whole message (courtesy words taken off):
# who, which staff or how many, then has, hasn't, 's not, still has to, is yet to… read or confirmed, then it, the
# policy or the new or latest version, then yet; or has everyone (everybody, all staff) read or confirmed it. "Who has
# to read the policy?" and "Who needs to read it?" are questions of the policy, and stay so ("to" read is taken only
# after still or yet). In Welsh: pwy or faint, sydd or sy, wedi, di, heb, ddim wedi, eto i, then darllen or
# cadarnhau; or ydy pawb wedi…; "Pwy sydd angen darllen y polisi?" stays a question.
_STAFF = r"(?:staff|people|members of staff|teachers)"
_WHO = rf"(?:who|which {_STAFF}|how many(?: {_STAFF})?)"
_NOT = r"(?:(?:not |nt |n t )(?:yet )?)"
# "Can you tell me who…", "Show me who…", "Dangoswch i mi pwy…": asking to be told, before the question.
_TELL_ME = (r"(?:(?:can|could) you (?:tell|show) me |(?:please )?(?:tell|show) me |i d like to know "
            r"|(?:dangoswch|dwedwch|dywedwch|gallwch chi ddweud|allwch chi ddweud|allwch chi ddangos)"
            r" (?:i mi |wrtha i )?)?")
_HAS = (rf"(?:s {_NOT}?|has {_NOT}?|hasn ?t (?:yet )?|have {_NOT}?|haven ?t (?:yet )?|ve {_NOT}?"
        r"|still (?:hasnt |hasn t |has not |havent |haven t |have not |has to |have to |needs to |need to |to )"
        r"|(?:is|are|s) (?:yet|still) to )")
# A version named by its number, as the count's own heading names it ("Who has read version 2"; "2.1" is "2 1" here).
_NUMBER = r"\d{1,5}(?: \d{1,5})?"
# The policy as a head names it: "the policy", "the social media policy", "the staff social-media policy", "the
# updated policy", "the new version of the policy", "version 2 of the policy".
_POLICY = r"(?:(?:staff )?(?:social media )?policy(?: for staff)?)"
_WHAT = (rf"(?: it| (?:the|this) (?:(?:new|latest|updated|revised|current) )?(?:{_POLICY}|version(?: of the {_POLICY})?"
         rf"|one)| version {_NUMBER}(?: of the {_POLICY})?| v ?{_NUMBER})?")
_ALL = r"(?:everyone|everybody|all staff|all the staff|all of the staff)"
_ANYONE = r"(?:anyone|anybody|any staff)"
# "Who hasn't confirmed (that) they've read it?"
_READ = r"(?:read|confirmed(?: (?:that )?they (?:ve|have) read)?|confirm)"
_ASKED_IN_ENGLISH = re.compile(rf"{_TELL_ME}{_WHO} {_HAS}{_READ}{_WHAT}(?: yet| so far)?"
                               rf"|(?:has|have) {_ALL} (?:read|confirmed){_WHAT}(?: yet| so far)?"
                               rf"|(?:has|have) {_ANYONE} (?:not |still not )(?:read|confirmed){_WHAT}(?: yet)?"
                               rf"|is there {_ANYONE} (?:who |that )?{_HAS}(?:read|confirmed){_WHAT}(?: yet)?")
_READ_CY = r"(?:i ddarllen|ei ddarllen|ddarllen|darllen|i gadarnhau|ei gadarnhau|gadarnhau|cadarnhau)"
# "y polisi cyfryngau cymdeithasol", "y polisi diweddaraf", "fersiwn 2 o'r polisi".
_POLICY_CY = r"(?:polisi(?: cyfryngau cymdeithasol)?(?: i staff)?(?: newydd| diweddaraf| diwygiedig)?)"
_WHAT_CY = (rf"(?: y {_POLICY_CY}| y fersiwn newydd| y fersiwn ddiweddaraf| y fersiwn diweddaraf"
            rf"| fersiwn {_NUMBER}(?: o r {_POLICY_CY})?| o| e| fe| fo)?")
_ASKED_IN_WELSH = re.compile(
    rf"{_TELL_ME}(?:pwy|faint)(?: o r staff| o staff)? (?:sydd|sy) (?:wedi|di|heb|dal heb|ddim wedi|ddim di|eto i)"
    rf" {_READ_CY}{_WHAT_CY}(?: eto| hyd yma| hyd yn hyn)?"
    rf"|(?:ydy|ydi) (?:pawb|r holl staff|yr holl staff) (?:wedi|di) {_READ_CY}{_WHAT_CY}(?: eto)?"
    rf"|oes (?:rhywun|unrhyw un|rhai)(?: o r staff| o staff)? (?:sydd |sy )?(?:heb|dal heb|ddim wedi|ddim di)"
    rf" {_READ_CY}{_WHAT_CY}(?: eto)?")
_NUMBER_NAMED = re.compile(rf"\b(?:version|fersiwn|v) ?({_NUMBER})(?: of the {_POLICY}| o r {_POLICY_CY})?"
                           rf"(?: yet| eto| so far| hyd yma| hyd yn hyn)?$")


def _asked_who_has_read(said: str) -> tuple[str, bool, str] | None:
    """The words of "who has read it" the whole message is, beyond the list's phrases, whether they are Welsh, and the
    version they name by its number ("2.1"; "" when none); None for anything else."""
    for core in without_courtesy(said):
        welsh = bool(_ASKED_IN_WELSH.fullmatch(core))
        if welsh or _ASKED_IN_ENGLISH.fullmatch(core):
            named = _NUMBER_NAMED.search(core)
            return core, welsh, named[1].replace(" ", ".") if named else ""
    return None


# "I have read it" as staff answer the office's emails: "I confirm (that) I have read the policy", "Confirmed, I've
# read it", "Rwy'n cadarnhau fy mod i wedi darllen y polisi"; and naming the version, "I've read version 2", "Dw i
# wedi darllen fersiwn 2", which the list says as "the new version" (a version's number cannot be listed).
_CONFIRMING = re.compile(r"(?:i (?:can )?confirm(?: that)?|confirmed|confirming that"
                         r"|(?:(?:rwy|rydw i|dw i|dwi|rwyf i|wi) n )?cadarnhau (?:fy )?mod i) ")
_VERSION_NAMED = re.compile(r"\b(version|fersiwn) \d+(?: \d+)?\b")


def _as_listed(said: str) -> str:
    """A confirmation typed as the list writes it: "I confirm that" taken off its start, a version's number said as
    "the new version"."""
    said = _VERSION_NAMED.sub(lambda named: "the new version" if named[1] == "version" else "y fersiwn newydd", said)
    return said[confirming.end():] if (confirming := _CONFIRMING.match(said)) else said


def _read_said(said: str) -> str | None:
    """The phrase of "I have read it" typed the whole message is ("ok, I've read it, thanks"), after a thanks too
    ("Diolch, dw i wedi'i ddarllen"), which would otherwise be taken for a thanks alone; None for anything else."""
    words = said.split()
    for size in (0, 1, 2, 3):
        if (size == 0 or " ".join(words[:size]) in _THANKS) and (
                phrase := said_only(_as_listed(" ".join(words[size:])), READ_CONFIRMED_WORDS)):
            return phrase
    return None


class VersionClick(CardData):
    """The read-and-confirm buttons: the version they are about; `lang` when reading it in the other language; on
    "who has read it", Show more's `after` (the email of the last person the card named) and `start` (the place
    after them then), and `school` on a card about one school (its Show more, Refresh and Send the reminder)."""

    version: Text = ""
    lang: Text = ""
    after: Text = ""
    start: Text = ""
    school: Text = ""


def _version(data: Mapping[str, Any]) -> str:
    """The version a card's data names, or "" when it names none that could exist."""
    value = data.get("version")
    if not isinstance(value, str) or len(value) > 20:
        return ""
    try:
        version_number(value)
    except PublishRefused:
        return ""
    return value


class ReadingFlow:
    """Campaigns for new versions, confirmations, reminders, the heads' count and "what's new"."""

    def __init__(self, *, strings: Catalogue, federation: Federation, versions: PolicyVersions, reads: PolicyReads,
                 directory: StaffDirectory, notifier: Notifier, profiles: UserProfiles,
                 in_force: Callable[[], PolicyInForce[object]] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._strings = strings
        self._federation = federation
        self._versions = versions
        self._reads = reads
        self._directory = directory
        self._notifier = notifier
        self._profiles = profiles
        self._private = PrivateChat(strings=strings, notifier=notifier, profiles=profiles, clock=clock)
        self._in_force = in_force
        self._clock = clock

    def verbs(self) -> Mapping[str, Verb]:
        """The buttons of the read-and-confirm cards, each answered in the 1:1 chat: who has read it, and what's new
        with who published it and whether you confirmed, name people; the answer to a press on a card forwarded to a
        group would replace that card for everyone there ("You confirmed…" to those who have not)."""
        return {cards.VERB_CONFIRM_READ: Verb(self._private.only(self.confirm), VersionClick),
                cards.VERB_READ_REQUEST: Verb(self._private.only(self.request_card), VersionClick),
                cards.VERB_READS: Verb(self._private.only(self.summary), VersionClick),
                cards.VERB_REMIND: Verb(self._private.only(self.remind_now), VersionClick),
                cards.VERB_WHATS_NEW: Verb(self._private.only(self.whats_new), VersionClick)}

    def match_text(self, turn: Turn) -> Handler | None:
        """ "what's new", "who has read it" and "I have read it", typed: as their buttons, only in the 1:1 chat."""
        said = normalise(turn.text)
        # As the whole message, courtesy words taken off ("beth sy'n newydd plis").
        listed = said_only(said, WHATS_NEW_WORDS) or said_only(said, READS_WORDS)
        command = (self.whats_new if listed in WHATS_NEW_WORDS else self.summary if listed in READS_WORDS else None)
        if command is None and (phrase := _read_said(said)):
            command, listed = self.said_read, phrase
        if command is None and (phrase := said_only(said, MUST_CONFIRM_WORDS)):
            command, listed = self.must_confirm, phrase
        if command is None and (phrase := said_only(said, HAVE_I_CONFIRMED_WORDS)):
            command, listed = self.have_i_confirmed, phrase
        if command is None and (asked := _asked_who_has_read(said)):
            private = self._private.only(partial(self.summary_typed, version=asked[2]) if asked[2] else self.summary)
            return in_the_listed_language(private, listed_in_welsh=True) if asked[1] else private
        if command is None:
            return None
        # A command listed only in Welsh gets Welsh; any other, the person's language.
        private = self._private.only(command)
        return in_the_listed_language(private, listed_in_welsh=True) if listed in _IN_WELSH else private

    # The campaign

    async def _stored_record(self, version: str) -> tuple[Policy, PolicyVersion]:
        record = await self._versions.get(version)
        return await self._policy_of(version), record

    async def _policy_of(self, version: str) -> Policy:
        """The policy document stored with a version (RecordNotFound when it is unreadable)."""
        try:
            return policy_from_data(await self._versions.get_policy_data(version), f"stored version {version}")
        except PolicyFileError as error:
            raise RecordNotFound(f"stored version {version} is unreadable") from error

    def _request(self, lang: Lang, policy: Policy, changes: PolicyChanges, *, reminder: bool = False,
                 superseded: str = "", recorded_nothing: bool = False, late: bool = False,
                 kept: datetime | None = None, behind: str = "") -> Card:
        return cards.read_request_card(self._strings, lang, details=policy.details, changes=changes, reminder=reminder,
                                       superseded=superseded, recorded_nothing=recorded_nothing, late=late,
                                       kept=kept, behind=behind)

    def _asking(self, policy: Policy, record: PolicyVersion, *, reminder: bool, behind: frozenset[str] = frozenset()
                ) -> Callable[[OutboundMessage, datetime, datetime], OutboundMessage]:
        """The card (or reminder) asking someone to read `record`'s version, in both languages with the line for their
        lock screen, filled into a message queued at a time for someone asked at a time: asked on a later day than it
        was published (a new starter), they are asked to read the policy in force, not what is new in it; one of
        `behind` (`_not_confirmed_before`), to read the whole policy: they never confirmed the version it replaced."""
        made: dict[tuple[bool, str], tuple[Card, Card, str, str]] = {}

        def fill(message: OutboundMessage, now: datetime, asked_at: datetime) -> OutboundMessage:
            late = _late(record, asked_at)
            back = record.changes.previous if message.recipient.aad_object_id.lower() in behind else ""
            if (late, back) not in made:
                english, welsh = (self._request(lang, policy, record.changes, reminder=reminder, late=late,
                                                behind=back) for lang in (Lang.EN, Lang.CY))
                line = "notify.policy_read_late" if late or back else "notify.policy_read"
                preview, preview_cy = (self._strings.text(line, lang) for lang in (Lang.EN, Lang.CY))
                made[late, back] = (english, welsh, preview, preview_cy)
            english, welsh, preview, preview_cy = made[late, back]
            return replace(message, card=english, card_cy=welsh, created_at=now, preview=preview,
                           preview_cy=preview_cy)
        return fill

    def _latest_again(self, version: str, policy: Policy, record: PolicyVersion, behind: frozenset[str]
                      ) -> Callable[[AskedStaff, datetime], OutboundMessage]:
        """Someone's latest card of `version` (its card, or their latest reminder: `_asking`), filled to be queued
        again at a time."""
        card, reminder = (self._asking(policy, record, reminder=is_reminder, behind=behind)
                          for is_reminder in (False, True))

        def again(asked: AskedStaff, now: datetime) -> OutboundMessage:
            latest = self._cards_to(version, asked)[asked.reminders]
            return (reminder if asked.reminders > 0 else card)(latest, now, asked.asked_at)
        return again

    async def _not_confirmed_before(self, record: PolicyVersion) -> frozenset[str]:
        """The object ids (lower case) of staff asked to read the version `record`'s replaced who never confirmed it:
        what changed since that version is not all they have to read (before, they were told only that, and, for a
        version whose rules were those of the one before, that the rules had not changed)."""
        previous = record.changes.previous
        if not previous:
            return frozenset()
        try:
            if not (await self._versions.get(previous)).campaign:
                return frozenset()
        except RecordNotFound:
            return frozenset()
        done = {c.person.aad_object_id.lower() for c in await self._reads.list_confirmed(previous)}
        return frozenset(key for asked in await self._reads.list_asked(previous)
                         if (key := asked.object_id.lower()) and key not in done)

    async def still_to_confirm(self, version: str) -> int:
        """How many on the staff list who were asked to read `version` have not confirmed it (0 when nobody was asked):
        for the preview of the version that would replace it."""
        asked = await self._reads.list_asked(version)
        if not asked:
            return 0
        on_list = {m.aad_object_id.lower() for m in await self._directory.list_members() if m.aad_object_id}
        done = {c.person.aad_object_id.lower() for c in await self._reads.list_confirmed(version)}
        return len({key for a in asked if (key := a.object_id.lower()) in on_list and key not in done})

    async def not_confirmed(self, version: str) -> Audience:
        """Who on the staff list (with an Entra id) has not confirmed `version`, by school: whom making it current again
        asks to read it again (`settle`); `listed`, as for a campaign, whether there is a staff list."""
        members = await self._directory.list_members()
        done = {c.person.aad_object_id.lower() for c in await self._reads.list_confirmed(version)}
        left = [m for m in members if m.aad_object_id and m.aad_object_id.lower() not in done]
        return replace(audience(self._federation.schools, left), listed=bool(members))

    async def _behind(self, record: PolicyVersion, person: Person) -> str:
        """The version `record`'s replaced, when `person` was asked to read it and never confirmed it; else ""."""
        behind = await self._not_confirmed_before(record)
        return record.changes.previous if person.aad_object_id.lower() in behind else ""

    async def _asked_late(self, record: PolicyVersion, person: Person) -> bool:
        """Whether `person` was asked to read `record`'s version on a later day than it was published; not asked yet
        (a new starter who opens the bot before the periodic pass asks her), whether she would be, asked now."""
        key = person.aad_object_id.lower()
        asked = [a for a in await self._reads.list_asked(record.version) if a.object_id.lower() == key]
        return any(_late(record, a.asked_at) for a in asked) if asked else _late(record, self._clock())

    async def _in_force_instead(self, version: str, lang: Lang, person: Person, *,
                                recorded_nothing: bool = False, zone: str = "") -> Reply | None:
        """For a card about a version no longer in force: the card of the version in force (staff only ever confirm
        that one), saying so, or, when `person` has confirmed that one, that they have and when (a card that reached
        them late, or that they kept); None while `version` is in force."""
        pointer = await self._versions.get_pointer()
        if pointer is None:
            raise RecordNotFound("no version is in force")
        if version_number(pointer.version) == version_number(version):
            return None
        # Pressed again on a card they confirmed (a version withdrawn since): that confirmation stays on record, and
        # "nothing was recorded" would read as if it had been lost.
        kept = await self._confirmation(version, person) if recorded_nothing else None
        if not (await self._versions.get(pointer.version)).campaign:
            if kept is not None:
                return Reply(card=notice_card(self._strings.text(
                    "reads.superseded_confirmed_not_asked", lang, version=version, current=pointer.version,
                    when=when_read(self._strings, lang, kept.read_at, zone))))
            return Reply(card=error_card(self._strings, lang, "reads.superseded_not_asked", version=version,
                                         current=pointer.version))
        if (done := await self._confirmation(pointer.version, person)) is not None:
            return Reply(card=cards.read_confirmed_card(self._strings, lang, version=pointer.version, at=done.read_at,
                                                        already=True, replaced=version, zone=zone))
        policy, record = await self._stored_record(pointer.version)
        return Reply(card=cards.read_request_card(self._strings, lang, details=policy.details, changes=record.changes,
                                                  superseded=version, recorded_nothing=recorded_nothing,
                                                  kept=kept.read_at if kept is not None else None,
                                                  behind=await self._behind(record, person), zone=zone))

    def cards_go(self, schools: Iterable[School], now: datetime) -> list[tuple[School, datetime]]:
        """When a card to staff queued at `now` reaches them, by school: `now` within its school hours, else the start
        of its next working day's (`_in_school_hours`), for the presser's own card to say."""
        return [(school, self._federation.calendar_for([school.school_id]).in_school_hours(now)) for school in schools]

    def _in_school_hours(self, messages: Sequence[OutboundMessage], on_list: Mapping[str, StaffMember],
                         now: datetime) -> list[OutboundMessage]:
        """Cards to staff queued at `now`, each kept back until school hours on a working day of its recipient's school
        (`on_list`: the staff list by object id, lower case; the federation's days for anyone not on it). Whoever
        pressed Publish or Send a reminder, none of the staff it reaches pressed anything: a head's press at 23:00 rings
        no phone before the morning, as the periodic pass's cards and reminders do not."""
        def calendar(message: OutboundMessage) -> SchoolCalendar:
            member = on_list.get(message.recipient.aad_object_id.lower())
            return calendar_of(member, self._federation) if member is not None else self._federation.calendar
        return [held for message in messages for held in in_school_hours([message], calendar(message), now)]

    async def start_campaign(self, version: str) -> int:
        """Ask everyone on the staff list who has not been asked to read this version yet; return how many are on
        the list. Safe to run again after a fault, and on several instances at once. Whether Publish or the periodic
        pass (staff added to the list since) asks them, each card waits for school hours on a working day of their
        school (`_in_school_hours`), as a reminder does."""
        policy, record = await self._stored_record(version)
        members = await self._directory.list_members()
        waiting = still_to_ask(members, await self._reads.list_asked(version))
        # Someone who confirmed before the campaign reached them (a new starter pressing I have read it on "what's new"
        # before the periodic pass) is recorded as asked, with no card asking them to do what they have done.
        done = {c.person.aad_object_id.lower() for c in await self._reads.list_confirmed(version)} if waiting else set()
        tenant = self._federation.tenant_ids[0]
        now = self._clock()
        asking = self._asking(policy, record, reminder=False,
                              behind=await self._not_confirmed_before(record) if waiting else frozenset())
        # In both languages: many have never opened the bot, so their language is chosen when their card is sent.
        messages = [asking(OutboundMessage(recipient=person, message_id=read_message_id(version, person), card={}),
                           now, now)
                    for person in (Person(tenant, member.aad_object_id, member.name) for member in waiting)]
        if unconfirmed := [m for m, member in zip(messages, waiting, strict=True)
                           if member.aad_object_id.lower() not in done]:
            by_id = {member.aad_object_id.lower(): member for member in waiting}
            await self._notifier.notify(self._in_school_hours(unconfirmed, by_id, now))
        earlier = [stored.version for stored in await self._versions.list_versions()
                   if stored.campaign and version_number(stored.version) != version_number(version)]
        # Of each earlier version, who was reminded and how often (the head's reminders too): all of it may be waiting.
        reminded = {(old, asked.object_id.lower()): asked for old in (earlier if waiting else [])
                    for asked in await self._reads.list_asked(old) if asked.reminders}
        for message, member in zip(messages, waiting, strict=True):
            # Cards of versions no longer in force still waiting for them (they have not opened the bot yet) would
            # ask them to confirm those versions too: taken back, as long as they were not sent yet.
            if earlier:
                await self._notifier.take_back([replace(message, message_id=message_id) for old in earlier
                                                for message_id in self._ids_of(old, message, reminded)])
            # Only once their card is queued, so a fault never marks someone asked unasked.
            await self._reads.add_asked(version, AskedStaff(member.email, member.name, member.school,
                                                            member.aad_object_id, now))
        if waiting:
            log.info("read-and-confirm: %d member(s) of staff asked to read version %s", len(waiting), version)
            await self._still_in_force(version)
        return len(members)

    def _ids_of(self, version: str, message: OutboundMessage,
                reminded: Mapping[tuple[str, str], AskedStaff]) -> list[str]:
        """The ids of every card of `version` that may wait for the recipient of `message`: its card and each
        reminder they were sent (`reminded`: the asked rows of those reminded, by version and object id)."""
        row = reminded.get((version, message.recipient.aad_object_id.lower()))
        if row is None:
            return list(_campaign_ids(version, message))
        return [card.message_id for card in self._cards_to(version, row)]

    async def _still_in_force(self, version: str) -> None:
        """After cards of `version` were queued: when another version came in meanwhile (a rollback, a later one), the
        queue is settled for that one, since what was just queued asked staff to confirm a version no longer in force
        (and took the cards of the one in force back)."""
        pointer = await self._versions.get_pointer()
        if pointer is not None and version_number(pointer.version) != version_number(version):
            log.info("version %s was replaced while its cards were queued: settling for version %s", version,
                     pointer.version)
            await self.settle(pointer.version)

    def _cards_to(self, version: str, asked: AskedStaff) -> list[OutboundMessage]:
        """The cards of a version one person may have waiting, by id (what `Notifier.take_back` needs): its card and
        every reminder they were sent, and the next (one may be queued before its row is marked)."""
        person = Person(self._federation.tenant_ids[0], asked.object_id, asked.name)
        ids = [read_message_id(version, person),
               *(reminder_message_id(version, person, n) for n in range(1, asked.reminders + 2))]
        return [OutboundMessage(recipient=person, message_id=message_id, card={}) for message_id in ids]

    async def settle(self, version: str) -> None:
        """Make `version`, now in force, the only one anyone is asked to confirm: the cards and reminders of every other
        version still waiting are taken back (a rollback, or a version made current again), and, when staff are asked
        to read this one, those on the list who have not confirmed it are owed its card again (taken back when a later
        version came in; one that reached them is not sent twice: its id is kept as sent) and anyone not yet asked is
        asked. Safe to run again, and on several instances at once."""
        record = await self._versions.get(version)
        others = [stored.version for stored in await self._versions.list_versions()
                  if stored.campaign and version_number(stored.version) != version_number(version)]
        for other in others:
            waiting = [message for asked in await self._reads.list_asked(other) if asked.object_id
                       for message in self._cards_to(other, asked)]
            if waiting:
                await self._notifier.take_back(waiting)
        if not record.campaign:
            return
        await self.start_campaign(version)
        on_list = {m.aad_object_id.lower(): m for m in await self._directory.list_members() if m.aad_object_id}
        done = {c.person.aad_object_id.lower() for c in await self._reads.list_confirmed(version)}
        owed = [asked for asked in await self._reads.list_asked(version)
                if asked.object_id and asked.object_id.lower() in on_list and asked.object_id.lower() not in done]
        if not owed:
            return
        again = self._latest_again(version, await self._policy_of(version), record,  # its record was read above
                                   await self._not_confirmed_before(record))
        now = self._clock()
        # A Withdraw pressed at night asks them again in the morning.
        await self._notifier.notify(self._in_school_hours([again(asked, now) for asked in owed], on_list, now))

    async def catch_up(self) -> int:
        """Settle the queue for the version in force when its campaign is owed (a fault left it, or it was made
        current again: `settle`); return how many owed campaigns were settled. One owed for a version no longer in
        force is dropped unsent: staff are only ever asked to confirm the version in force (its own campaign asks
        them)."""
        owed = await self._versions.list_owed_campaigns()
        if not owed:
            return 0
        pointer = await self._versions.get_pointer()
        in_force = version_number(pointer.version) if pointer is not None else None
        for version in owed:
            if version_number(version) != in_force:
                log.info("owed campaign for version %s dropped: it is no longer the version in force", version)
            else:
                try:
                    await self.settle(version)
                except RecordNotFound:
                    log.warning("owed campaign for a version that cannot be read (%s): dropped", version)
            await self._versions.campaign_queued(version)
        return len(owed)

    async def remind(self) -> int:
        """One reminder, after five school days, to each person who has not confirmed the current version."""
        pointer = await self._versions.get_pointer()
        if pointer is None:
            return 0
        version = pointer.version
        now = self._clock()
        staff = await self._directory.list_members()
        due = reminders_due(await self._reads.list_asked(version), staff, await self._reads.list_confirmed(version),
                            now, self._federation)
        if not due:
            return 0
        # Sent by no one's click: each waits for school hours on a working day of the person's school.
        sent = await self._send_reminders(version, due, now,
                                          on_list={m.aad_object_id.lower(): m for m in staff if m.aad_object_id})
        if sent:
            await self._still_in_force(version)
        return len(sent)

    async def _send_reminders(self, version: str, due: Sequence[AskedStaff], now: datetime, *,
                              on_list: Mapping[str, StaffMember]) -> set[str]:
        """Each of `due` their next reminder of `version`; the object ids (lower case) of those marked reminded here
        (not those another press or instance marked first). Automatic or a head's press, each waits for school hours
        on a working day of the person's school (`on_list`: the staff list by object id, lower case)."""
        policy, record = await self._stored_record(version)
        asking = self._asking(policy, record, reminder=True, behind=await self._not_confirmed_before(record))
        sent: set[str] = set()
        for asked in due:
            *earlier, reminder = self._cards_to(version, asked)
            # Queued before it is marked, with a fixed id: a fault retries it, a second instance adds nothing.
            await self._notifier.notify(self._in_school_hours([asking(reminder, now, asked.asked_at)], on_list, now))
            # One card of it waits for them at a time: their card and earlier reminders not sent yet (they have not
            # opened the bot) are taken back, since the reminder asks the same.
            await self._notifier.take_back(earlier)
            try:
                await self._reads.mark_reminded(version, asked, now)
            except ConcurrentChange:
                continue  # another instance (or a head's press) marked it first
            except RecordNotFound:
                # Gone since it was listed (a new campaign, a cleared version): the rest are still owed theirs.
                log.warning("a reminder's asked row of version %s is gone", version)
                continue
            sent.add(asked.object_id.lower())
        return sent

    async def check_campaigns(self) -> int:
        """The periodic pass: owed campaigns, staff added to the list since, cards held back from staff put back on the
        list since, and reminders."""
        done = await self.catch_up()
        pointer = await self._versions.get_pointer()
        if pointer is not None:
            try:
                if (await self._versions.get(pointer.version)).campaign:
                    await self.start_campaign(pointer.version)
                    await self.owe_held_back(pointer.version)
            except RecordNotFound:
                log.warning("the current version %s cannot be read", pointer.version)
        return done + await self.remind()

    async def owe_held_back(self, version: str) -> int:
        """Cards of `version` (in force) withheld as they went because their recipient was off the staff list, when
        they are on it again and have not confirmed (taken off by mistake, put back): their latest card of it is owed
        to them again, once for each time it was withheld (it is checked again as it goes). Returns how many."""
        held = [w for w in await self._reads.list_withheld(version)
                if w.because is WithheldBecause.LEFT and w.owed_again_at is None]
        if not held:
            return 0
        on_list = {m.aad_object_id.lower(): m for m in await self._directory.list_members() if m.aad_object_id}
        done = {c.person.aad_object_id.lower() for c in await self._reads.list_confirmed(version)}
        latest = {a.object_id.lower(): a for a in await self._reads.list_asked(version) if a.object_id}
        owed = [(w, latest[key]) for w in held if (key := w.person.aad_object_id.lower()) in on_list
                and key not in done and key in latest and w.number == latest[key].reminders]
        if not owed:
            return 0
        policy, record = await self._stored_record(version)
        again = self._latest_again(version, policy, record, await self._not_confirmed_before(record))
        now = self._clock()
        for withheld, asked in owed:
            # Queued before it is marked: a fault leaves it to the next pass, and its fixed id queues it once. Sent by
            # no one's click: it waits for school hours on a working day of their school, as a reminder does.
            calendar = calendar_of(on_list[withheld.person.aad_object_id.lower()], self._federation)
            await self._notifier.notify(in_school_hours([again(asked, now)], calendar, now))
            await self._reads.owe_again(version, withheld, now)
        log.info("read-and-confirm: %d card(s) of version %s held back from staff put back on the list owed again",
                 len(owed), version)
        return len(owed)

    # Staff

    async def confirm(self, turn: Turn) -> Reply:
        """ "I have read it": recorded once per person per version; a second click changes nothing. Only the version
        in force is confirmed: a click on an older version's card records nothing and offers the card of the version
        in force, and a version nobody was asked to read (the shipped file) is refused, as is anyone who is not staff
        (`dialogs.staff_only`)."""
        version = _version(turn.data)
        if not version:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        try:
            record = await self._versions.get(version)
            version = record.version  # as published: card data may write it "2.0"
            if (instead := await self._in_force_instead(version, turn.lang, turn.actor, recorded_nothing=True,
                                                        zone=turn.time_zone)) is not None:
                return instead
            if not record.campaign:
                return Reply(card=error_card(self._strings, turn.lang, "reads.not_asked", version=version))
            # Hwb is one tenant for pupils and staff: a card forwarded to a class team keeps no pupil's name. (By the
            # staff list alone: Teams' guest lookup is for sending to someone, and would slow every click.)
            if await not_staff(self._federation, turn.actor, self._directory.list_members):
                return Reply(card=error_card(self._strings, turn.lang, "reads.not_on_staff_list",
                                             federation=self._federation.name(turn.lang)))
            try:
                confirmation = await self._reads.confirm(version, turn.actor, self._clock())
            except StorageUnavailable:
                # A write that timed out may still have been made: only a confirmation read back is called made, and
                # none is ever called unmade (the card stays, below it the word to press again).
                kept = await self._confirmation_after_all(version, turn.actor)
                if kept is None:
                    return Reply(card=error_card(self._strings, turn.lang, "error.storage_unsure"), new_message=True)
                confirmation = kept
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except AlreadyConfirmed as already:
            return Reply(card=cards.read_confirmed_card(self._strings, turn.lang, version=version,
                                                        at=already.confirmation.read_at, already=True,
                                                        zone=turn.time_zone))
        return Reply(card=cards.read_confirmed_card(self._strings, turn.lang, version=version,
                                                    at=confirmation.read_at, already=False, zone=turn.time_zone))

    async def _confirmation_after_all(self, version: str, person: Person) -> Confirmation | None:
        """After a confirmation's write that failed but may have been made: the confirmation as storage has it, or None
        when it is not there or can't be read."""
        try:
            return await self._reads.get_confirmation(version, person)
        except (RecordNotFound, StorageUnavailable):
            return None

    async def must_confirm(self, turn: Turn) -> Reply:
        """ "Do I have to confirm?": what the read-and-confirm card is and what pressing I have read it does, then where
        they stand (as `said_read`, without its "typing records nothing" note): the card to press, or when they did."""
        below = await self.said_read(turn, typed=False)
        return Reply(card=notice_card(self._strings.text("reads.must_confirm", turn.lang)),
                     more=[card for card in (below.card, *below.more) if card is not None])

    async def have_i_confirmed(self, turn: Turn) -> Reply:
        """ "Have I confirmed?": which version they confirmed and when (the version in force), or that they have not
        yet, with its card to press (as `said_read`, without its "typing records nothing" note)."""
        return await self.said_read(turn, typed=False, asked=True)

    async def said_read(self, turn: Turn, *, typed: bool = True, asked: bool = False) -> Reply:
        """ "I have read it" typed: words record nothing (the button does, as the governors' record), so the card of the
        version in force comes again, saying so, with I have read it to press; if they pressed it already, when. With
        `asked` ("Have I confirmed?"), the card says they have not confirmed it yet, or that they have, and when."""
        pointer = await self._versions.get_pointer()
        if pointer is None:
            return Reply(card=notice_card(self._strings.text("reads.no_version", turn.lang)))
        try:
            record = await self._versions.get(pointer.version)
            if not record.campaign:
                return Reply(card=notice_card(await self._nothing_to_confirm(turn, record.version, typed=typed)))
            if await not_staff(self._federation, turn.actor, self._directory.list_members):
                return Reply(card=error_card(self._strings, turn.lang, "reads.not_on_staff_list",
                                             federation=self._federation.name(turn.lang)))
            try:
                done = await self._reads.get_confirmation(record.version, turn.actor)
            except RecordNotFound:
                policy = await self._policy_of(record.version)
                return Reply(card=cards.read_request_card(self._strings, turn.lang, details=policy.details,
                                                          changes=record.changes, typed=typed, not_yet=asked,
                                                          late=await self._asked_late(record, turn.actor),
                                                          behind=await self._behind(record, turn.actor)))
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        return Reply(card=cards.read_confirmed_card(self._strings, turn.lang, version=record.version, at=done.read_at,
                                                    already=True, asked=asked, zone=turn.time_zone))

    async def _nothing_to_confirm(self, turn: Turn, version: str, *, typed: bool) -> str:
        """The version in force is not one staff are asked to confirm (the installed one, gone back to): typed "I have
        read it" recorded nothing; asked ("Have I confirmed?"), there is nothing to confirm now, and a confirmation of
        a version since withdrawn (their latest) stays on record, said so rather than "nothing was recorded"."""
        if typed:
            return self._strings.text("reads.not_asked", turn.lang, version=version)
        said = self._strings.text("reads.not_asked_now", turn.lang, version=version)
        asked = [v for v in await self._versions.list_versions() if v.campaign]
        for earlier in sorted(asked, key=lambda v: version_number(v.version), reverse=True):
            if (done := await self._confirmation(earlier.version, turn.actor)) is not None:
                return said + " " + self._strings.text("reads.kept_on_record", turn.lang, version=earlier.version,
                                                       when=when_read(self._strings, turn.lang, done.read_at,
                                                                      turn.time_zone))
        return said

    async def request_card(self, turn: Turn) -> Reply:
        """The read-and-confirm card in the other language (and that language remembered)."""
        version = _version(turn.data)
        wanted = turn.data.get("lang")
        if not version or wanted not in {lang.value for lang in Lang}:
            return Reply(card=error_card(self._strings, turn.lang, "error.unknown_action"))
        lang = Lang(str(wanted))
        try:
            if (instead := await self._in_force_instead(version, lang, turn.actor, zone=turn.time_zone)) is not None:
                instead.language = lang
                return instead
            version = (await self._versions.get(version)).version  # as published: card data may write it "2.0"
            # A card that reached them after they confirmed (a reminder on its way as they pressed): not asked again.
            if (done := await self._confirmation(version, turn.actor)) is not None:
                return Reply(card=cards.read_confirmed_card(self._strings, lang, version=version, at=done.read_at,
                                                            already=True, zone=turn.time_zone), language=lang)
            policy, record = await self._stored_record(version)
            late = await self._asked_late(record, turn.actor)
            behind = await self._behind(record, turn.actor)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, lang, "error.not_found"))
        return Reply(card=self._request(lang, policy, record.changes, late=late, behind=behind), language=lang)

    async def _confirmation(self, version: str, person: Person) -> Confirmation | None:
        """The person's "I have read it" for a version, or None."""
        try:
            return await self._reads.get_confirmation(version, person)
        except RecordNotFound:
            return None

    async def whats_new(self, turn: Turn) -> Reply:
        """The version in force, its dates, what changed from the one before, and whether you confirmed it."""
        if self._in_force is None:
            return Reply(card=error_card(self._strings, turn.lang, "error.unknown_action"))
        in_force = self._in_force()
        details, record = in_force.policy.details, in_force.record
        if record is None or not record.campaign:  # the shipped file, never replaced or gone back to
            return Reply(card=cards.whats_new_card(self._strings, turn.lang, details=details, changes=None,
                                                   installed_again=record is not None))
        mine = [c for c in await self._reads.list_confirmed(record.version)
                if c.person.aad_object_id == turn.actor.aad_object_id]
        late, behind = (False, "") if mine else (await self._asked_late(record, turn.actor),
                                                 await self._behind(record, turn.actor))
        return Reply(card=cards.whats_new_card(
            self._strings, turn.lang, details=details, changes=record.changes,
            published=(record.published_at, record.published_by), confirmed_at=mine[0].read_at if mine else None,
            late=late, behind=behind, zone=turn.time_zone))

    # Headteachers and the policy owner

    def _schools_seen_by(self, person: Person) -> tuple[School, ...]:
        """The schools whose reads someone sees: all for the policy owner, a headteacher's own, none for anyone else."""
        if person.aad_object_id == self._federation.policy_owner.aad_object_id:
            return self._federation.schools
        return self._federation.schools_headed_by(person)

    async def remind_now(self, turn: Turn) -> Reply:
        """Send a reminder, pressed by the headteacher (for their schools) or the policy owner (all of them): the next
        reminder to each member of staff on the list there who was asked to read the version in force and has not
        confirmed it; never to those who have, nor to anyone reminded earlier today (a second press, or the reminder
        after five school days, the same day), nor to anyone asked to read it today (a new starter)."""
        schools = self._schools_seen_by(turn.actor)
        if not schools:  # a delegate has just seen the count forwarded to her: say what she may not do, send it
            return Reply(card=error_card(self._strings, turn.lang, "reads.only_heads_remind"), refused=True)
        if not (schools := self._about(turn, schools)):
            return Reply(card=error_card(self._strings, turn.lang, "reads.not_your_school"), refused=True)
        version = _version(turn.data)
        pointer = await self._versions.get_pointer()
        if not version or pointer is None:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        if version_number(version) != version_number(pointer.version):
            return Reply(card=error_card(self._strings, turn.lang, "reads.remind_not_in_force", version=version,
                                         current=pointer.version))
        try:
            record = await self._versions.get(pointer.version)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        if not record.campaign:
            return Reply(card=error_card(self._strings, turn.lang, "reads.not_asked", version=record.version))
        version, now = record.version, self._clock()
        on_list = {m.aad_object_id.lower(): m for m in await self._directory.list_members() if m.aad_object_id}
        done = {c.person.aad_object_id.lower() for c in await self._reads.list_confirmed(version)}
        at = {school.school_id for school in schools}
        due: dict[str, AskedStaff] = {}
        today: set[str] = set()
        asked_today: set[str] = set()
        for asked in await self._reads.list_asked(version):
            key = asked.object_id.lower()
            member = on_list.get(key)
            if not key or member is None or member.school not in at or key in done or key in due:
                continue
            if asked.reminded_at is not None and uk_today(asked.reminded_at) == uk_today(now):
                today.add(key)
            elif uk_today(asked.asked_at) == uk_today(now):  # a new starter the periodic pass asked this morning
                asked_today.add(key)
            else:
                due[key] = asked
        try:
            marked = await self._send_reminders(version, list(due.values()), now, on_list=on_list) if due else set()
            if marked:
                await self._still_in_force(version)
        except StorageUnavailable:
            # Some may be on their way: not "nothing was changed". Pressed again, nobody gets a second (the same ids,
            # and those marked are reminded today). Below the card, whose button it asks her to press again.
            return Reply(card=error_card(self._strings, turn.lang, "error.storage_unsure"), new_message=True)
        # Those another press marked first (a double click, two at once) had theirs from it: reminded today, not here.
        today |= due.keys() - marked
        reminded = [(school, sum(1 for key in marked if on_list[key].school == school.school_id)) for school in schools]
        return Reply(card=cards.reminded_card(self._strings, turn.lang, version=version, reminded=reminded,
                                              already=len(today - marked),
                                              asked_today=len(asked_today - marked - today),
                                              goes=self.cards_go(schools, now), now=now, zone=turn.time_zone))

    @staticmethod
    def _about(turn: Turn, schools: tuple[School, ...]) -> tuple[School, ...]:
        """The schools a press is about: the one its card names (`school`), when the presser sees it (none when they do
        not), else all they see."""
        named = turn.data.get("school")
        return tuple(s for s in schools if s.school_id == named) if named else schools

    async def summary_typed(self, turn: Turn, *, version: str) -> Reply:
        """ "Who has read version 2", typed: that version's count, when it is a version stored (one staff were asked
        to read, or the version the bot was installed with, kept); else the count of the version in force, whose card
        names it. A number no version has ("version 7") is told so, with the versions there are: before, it got the
        count of the version in force under its own heading, read as the answer about the version she named."""
        try:
            stored = (await self._versions.get(version)).version
        except RecordNotFound:
            if not self._schools_seen_by(turn.actor):
                return await self.summary(turn)
            there = sorted((v.version for v in await self._versions.list_versions()), key=version_number)
            return Reply(card=notice_card(self._strings.text("reads.no_such_version", turn.lang, version=version,
                                                             versions=", ".join(there))))
        return await self.summary(replace(turn, data={"version": stored}))

    async def summary(self, turn: Turn) -> Reply:
        """Per school, "read by 34 of 41" and who has not yet: for the policy owner (every school) and each
        school's headteacher (their schools). Not a named delegate: they stand in for the head on permission requests
        only (the README)."""
        schools = self._schools_seen_by(turn.actor)
        if not schools:
            return Reply(card=error_card(self._strings, turn.lang, "reads.only_heads"))
        if not (schools := self._about(turn, schools)):
            return Reply(card=error_card(self._strings, turn.lang, "reads.not_your_school"), refused=True)
        school = str(turn.data.get("school") or "")
        version = _version(turn.data)
        pointer = await self._versions.get_pointer()
        if not version:
            if pointer is None:
                # Nothing published since install is how things are, not a fault: said plainly, under no "Sorry".
                return Reply(card=notice_card(self._strings.text("reads.no_version", turn.lang)))
            version = pointer.version
        try:
            record = await self._versions.get(version)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        if not record.campaign:  # "not yet" beside everyone would send the head chasing staff for nothing
            asked = [stored.version for stored in await self._versions.list_versions() if stored.campaign]
            return Reply(card=cards.not_asked_summary_card(self._strings, turn.lang, version=version,
                                                           latest=max(asked, key=version_number, default="")))
        members = await self._directory.list_members()
        confirmed = await self._reads.list_confirmed(version)
        replaced_by: tuple[str, bool] | None = None
        if pointer is None or version_number(pointer.version) == version_number(version):
            counted = read_summary(schools, members, confirmed)
        else:  # a version since replaced (a button on its card): staff who started after it were never asked to read it
            counted = read_summary(schools, members, confirmed, asked=await self._reads.list_asked(version))
            replaced_by = (pointer.version, (await self._versions.get(pointer.version)).campaign)
        if turn.data.get("after") or turn.data.get("start"):
            return self._not_yet(turn, version, counted, members, school, replaced=replaced_by is not None)
        now = self._clock()
        return Reply(card=cards.read_summary_card(self._strings, turn.lang, version=version, schools=counted,
                                                  no_staff=not members, replaced_by=replaced_by, one_school=school,
                                                  goes=self.cards_go(schools, now), now=now, zone=turn.time_zone))

    def _not_yet(self, turn: Turn, version: str, counted: list[SchoolReads], members: list[StaffMember],
                 school: str, *, replaced: bool = False) -> Reply:
        """Show more: the next of those who have not confirmed, after the last one the card before showed, wherever
        their name now is (they may have confirmed since), or by place when they have left the list."""
        entries = not_yet(counted)
        start = not_yet_after(entries, members, str(turn.data.get("after") or ""))
        notice = ""
        if start is None:
            start = list_start(turn)
        if start >= len(entries):
            start, notice = 0, self._strings.text("list.shorter", turn.lang)
        if not entries:
            return Reply(card=cards.read_summary_card(self._strings, turn.lang, version=version, schools=counted,
                                                      no_staff=not members, one_school=school))
        return Reply(card=cards.read_not_yet_card(self._strings, turn.lang, version=version, schools=counted,
                                                  start=start, notice=notice, one_school=school, replaced=replaced))

