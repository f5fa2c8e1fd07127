"""Read and confirm: who was asked to read a version of the policy, who confirmed it, and who is reminded.

Each member of staff on the staff list is asked once per version (their card's message id is fixed by the version
and the person, so asking twice sends nothing twice); "I have read it" is recorded once per person per version
(a second click changes nothing); one reminder goes after five school days to those who have not confirmed, and the
headteacher may send more (each numbered, so it too is queued at most once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.domain.directory import StaffMember
from bot.domain.federation import Federation, School
from bot.domain.people import Person, StaffContact
from bot.domain.school_calendar import SchoolCalendar

REMINDER_SCHOOL_DAYS = 5


@dataclass(frozen=True)
class AskedStaff:
    """A member of staff asked to read a version (from the staff list when the campaign reached them)."""

    email: str
    name: str
    school: str
    object_id: str
    asked_at: datetime
    reminded_at: datetime | None = None  # the latest reminder
    etag: str = ""
    row: str = ""  # the storage row it was read from ("" for a new one): a row keyed by an older scheme keeps its key
    reminders: int = 0  # reminders queued so far: the one after five school days, and each the head sent
    # When each reminder was queued, the first first (None: queued before the bot kept each time; only the latest was).
    reminder_times: tuple[datetime | None, ...] = ()

    def reminder_due(self, now: datetime, confirmed: set[str], calendar: SchoolCalendar) -> bool:
        """True once five school days (no weekend, bank holiday or school holiday) have passed with no confirmation
        (`confirmed`: object ids in lower case) and no reminder yet."""
        if self.reminded_at is not None or not self.object_id or self.object_id.lower() in confirmed:
            return False
        return now >= calendar.add_working_days(self.asked_at, REMINDER_SCHOOL_DAYS)

    def each_reminder(self) -> tuple[datetime | None, ...]:
        """When each of `reminders` was queued, by number (the first first); None where the time was not kept (a row
        from before each was, whose latest is `reminded_at`)."""
        count = max(self.reminders, 1 if self.reminded_at is not None else 0)
        known = self.reminder_times[:count]
        if len(known) == count:
            return known
        missing = count - len(known)
        if not known and self.reminded_at is not None:
            return (None,) * (missing - 1) + (self.reminded_at,)
        return (None,) * missing + known


def person_key(email: str, object_id: str) -> str:
    """Who a member of staff is across re-imports of the list: their Entra object id when they have one (it
    survives a change of email), else their email."""
    return f"id|{object_id.lower()}" if object_id else f"email|{email.lower()}"


def still_to_ask(staff: Sequence[StaffMember], asked: Iterable[AskedStaff]) -> list[StaffMember]:
    """Staff on the list the bot can reach (an Entra object id) and has not yet asked: a row stored with no id
    (the id was added to the list since) never counts as asked, and a new email with the same id is not a new
    person."""
    reached = {a.object_id.lower() for a in asked if a.object_id}
    return [m for m in staff if m.aad_object_id and m.aad_object_id.lower() not in reached]


@dataclass(frozen=True)
class Audience:
    """Who a campaign asks to read a version, as the publisher is told before it goes: how many on the staff list the
    bot can ask in Teams (an Entra id), school by school; how many it cannot; `listed`: whether there is a list."""

    asked: int
    schools: tuple[tuple[School, int], ...]
    unreachable: int = 0
    listed: bool = True


def audience(schools: Sequence[School], staff: Sequence[StaffMember]) -> Audience:
    """Everyone on the staff list a campaign asks (as `still_to_ask` picks them: an Entra id), per school."""
    reachable = [m for m in staff if m.aad_object_id]
    return Audience(len(reachable), tuple((school, sum(1 for m in reachable if m.school == school.school_id))
                                          for school in schools),
                    unreachable=len(staff) - len(reachable), listed=bool(staff))


def calendar_of(member: StaffMember, federation: Federation) -> SchoolCalendar:
    """A member of staff's working days: those of their school on the staff list, and of the schools they head."""
    return federation.calendar_for(federation.schools_of(StaffContact(member.aad_object_id, member.name),
                                                         member.school))


def reminders_due(asked: Iterable[AskedStaff], staff: Sequence[StaffMember], confirmed: Iterable[Confirmation],
                  now: datetime, federation: Federation) -> list[AskedStaff]:
    """Those to remind now: due on the school days of their own school (on the staff list now; the schools they head
    too), still on the staff list (someone who left is not chased), once per person."""
    on_list = {m.aad_object_id.lower(): m for m in staff if m.aad_object_id}
    done = {c.person.aad_object_id.lower() for c in confirmed}
    due: dict[str, AskedStaff] = {}
    for a in asked:
        member = on_list.get(a.object_id.lower())
        if member is None:
            continue
        if a.reminder_due(now, done, calendar_of(member, federation)):
            due.setdefault(a.object_id.lower(), a)
    return list(due.values())


@dataclass(frozen=True)
class Confirmation:
    """A person's "I have read it" for one version."""

    person: Person
    read_at: datetime


class WithheldBecause(StrEnum):
    """Why a card asking someone to read a version was not sent when it was about to go."""

    CONFIRMED = "confirmed"  # they had confirmed that version since it was queued
    REPLACED = "replaced"  # that version was no longer in force (a later one published, or a rollback)
    LEFT = "left"  # they were no longer on the staff list (left before the card reached them)


@dataclass(frozen=True)
class Withheld:
    """A card of a version that was not sent when it was about to go (`because`): `number` 0 is the card asking them to
    read it, 1 the first reminder, 2 the next."""

    person: Person
    number: int
    at: datetime
    message_id: str = ""
    because: WithheldBecause = WithheldBecause.CONFIRMED
    # When the card was owed to them again (they were put back on the staff list): None while it is not.
    owed_again_at: datetime | None = None


@dataclass(frozen=True)
class ReminderDelivery:
    """What became of one person's reminders of a version, by number (1 the first): `sent`, Teams took it; `waiting`,
    still queued because they have not opened the bot; `refused`, still queued after Teams refused it (it is tried
    again); `held`, queued and kept back until school hours (it goes then; it is not waiting for them). One in none of
    these, and not withheld, was taken back unsent (a later reminder, or a later version's card, went in its place
    while it waited)."""

    sent: frozenset[int] = frozenset()
    waiting: frozenset[int] = frozenset()
    refused: frozenset[int] = frozenset()
    held: frozenset[int] = frozenset()


class AlreadyConfirmed(Exception):
    """The person confirmed this version before; `confirmation` says when."""

    def __init__(self, confirmation: Confirmation) -> None:
        super().__init__("already confirmed")
        self.confirmation = confirmation


class PolicyReads(Protocol):
    """Port: the campaign of each version (who was asked, who confirmed)."""

    async def list_asked(self, version: str) -> list[AskedStaff]:
        """Everyone asked to read a version."""
        ...

    async def add_asked(self, version: str, asked: AskedStaff) -> None:
        """Record that a person was asked (one already recorded is left as it is, unless it was recorded with no
        object id and now has one: they were only asked now)."""
        ...

    async def mark_reminded(self, version: str, asked: AskedStaff, at: datetime) -> None:
        """Record a reminder, the one after `asked.reminders` (etag-conditional); `ConcurrentChange` when someone else
        did first."""
        ...

    async def confirm(self, version: str, person: Person, at: datetime) -> Confirmation:
        """Record "I have read it" once; `AlreadyConfirmed` when it was recorded before."""
        ...

    async def list_confirmed(self, version: str) -> list[Confirmation]:
        """Everyone who confirmed a version, oldest first."""
        ...

    async def get_confirmation(self, version: str, person: Person) -> Confirmation:
        """The person's "I have read it" for a version; `RecordNotFound` when there is none."""
        ...

    async def add_withheld(self, version: str, withheld: Withheld) -> None:
        """Record that a card of the version was withheld (one recorded already is left as it is, unless it was owed
        again since: then it is this withholding that stands)."""
        ...

    async def owe_again(self, version: str, withheld: Withheld, at: datetime) -> None:
        """Record that the card withheld was owed to its recipient again (`owed_again_at`)."""
        ...

    async def list_withheld(self, version: str) -> list[Withheld]:
        """Every card of a version withheld as it was about to go, oldest first."""
        ...


@dataclass(frozen=True)
class SchoolReads:
    """One school's count for one version: "read by 34 of 41", and who has not yet."""

    school: School
    read: int
    total: int
    outstanding: tuple[str, ...]
    # Staff on the list with no Entra object id: the bot cannot reach them in Teams, nor match their click.
    unreachable: tuple[str, ...] = ()
    # The emails of `outstanding`, in its order (where a Show more goes on).
    outstanding_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotYet:
    """A member of staff counted who has not confirmed: their school, name and email."""

    school: School
    name: str
    email: str


def not_yet(summary: Sequence[SchoolReads]) -> list[NotYet]:
    """Everyone counted who has not confirmed, school by school, each school's in alphabetical order."""
    return [NotYet(school.school, name, email) for school in summary
            for name, email in zip(school.outstanding,
                                   school.outstanding_emails or ("",) * len(school.outstanding), strict=True)]


def not_yet_after(entries: Sequence[NotYet], staff: Sequence[StaffMember], after: str) -> int | None:
    """Where the not-yet list goes on after the member of staff whose email is `after`: after the place their name
    has in it, whether or not they have confirmed since (so nobody still to confirm is skipped or repeated); None
    when they are no longer on the staff list at a school the list covers."""
    order = list(dict.fromkeys(entry.school.school_id for entry in entries))
    member = next((m for m in staff if after and m.email.lower() == after.lower()), None)
    if member is None or member.school not in order:
        return None
    last = (order.index(member.school), member.name.casefold(), member.email.lower())
    return sum(1 for e in entries if (order.index(e.school.school_id), e.name.casefold(), e.email.lower()) <= last)


def read_summary(schools: Sequence[School], staff: Sequence[StaffMember], confirmed: Iterable[Confirmation], *,
                 asked: Iterable[AskedStaff] | None = None) -> list[SchoolReads]:
    """Per school, how many of the staff on the list confirmed, and the names of those who have not; with `asked` (a
    version no longer in force), only the staff on the list who were asked to read it or confirmed it: someone who
    started after it was replaced was never asked, and is not to be chased for it."""
    done = {c.person.aad_object_id.lower() for c in confirmed}
    if asked is not None:
        counted = done | {a.object_id.lower() for a in asked if a.object_id}
        staff = [m for m in staff if m.aad_object_id and m.aad_object_id.lower() in counted]
    summary = []
    for school in schools:
        members = sorted((m for m in staff if m.school == school.school_id),
                         key=lambda m: (m.name.casefold(), m.email.lower()))
        read = [m for m in members if m.aad_object_id and m.aad_object_id.lower() in done]
        outstanding = [m for m in members if m not in read]
        unreachable = tuple(m.name for m in members if not m.aad_object_id)
        summary.append(SchoolReads(school, len(read), len(members), tuple(m.name for m in outstanding), unreachable,
                                   tuple(m.email for m in outstanding)))
    return summary
