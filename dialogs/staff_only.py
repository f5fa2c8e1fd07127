"""Sending something to someone (a request, a report, a question passed on) is for the federation's staff.

Hwb is one Microsoft 365 tenant for every maintained school in Wales, staff and pupils, so the tenant alone does not
say who is staff: the imported staff list does, with the people the federation settings name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from bot.domain.directory import StaffMember, member_for, off_the_staff_list
from bot.domain.errors import StorageUnavailable
from bot.domain.federation import Federation
from bot.domain.people import Person
from bot.domain.text import has_visible_text
from dialogs.base import Turn

StaffList = Callable[[], Awaitable[Sequence[StaffMember]]]


def read_once(read: StaffList) -> StaffList:
    """`read` done at most once: its first answer is every later call's (a read that failed is tried again), so one
    turn that asks several things of the staff list reads it from storage once."""
    answer: list[Sequence[StaffMember]] = []

    async def once() -> Sequence[StaffMember]:
        if not answer:
            answer.append(tuple(await read()))
        return answer[0]

    return once


async def not_staff(federation: Federation, person: Person, staff: StaffList) -> bool:
    """True when the federation has a staff list and the person is neither on it nor named in its settings. Before any
    list is imported, and when storage cannot read it, nobody is turned away (as a failed guest lookup counts as
    staff): what follows then stores nothing on a fault, as every write does."""
    if federation.names(person):
        return False
    try:
        return off_the_staff_list(await staff(), person)
    except StorageUnavailable:
        return False


async def refused_as(turn: Turn, federation: Federation, staff: StaffList) -> str | None:
    """Why the person may not send: "guest" (a guest from another organisation, as Teams lists them) or
    "not_on_staff_list" (in the tenant, but not the federation's staff: `not_staff`); None for staff. Each flow has a
    message under its own prefix for each ("perm.guest", "concern.not_on_staff_list"...)."""
    if await turn.is_guest():
        return "guest"
    if await not_staff(federation, turn.actor, staff):
        return "not_on_staff_list"
    return None


async def named_from_the_staff_list(person: Person, staff: StaffList) -> Person:
    """Someone Teams gave no name for (or only invisible or blank-looking characters, which the edge reads as none),
    named as the staff list names them, so whoever their request or report reaches knows who sent it; unnamed still
    when the list does not know them or cannot be read (the request cards then give the Entra object id IT can look
    them up by)."""
    if has_visible_text(person.name):
        return person
    try:
        member = member_for(await staff(), person)
    except StorageUnavailable:
        return person
    return replace(person, name=member.name) if member is not None else person
