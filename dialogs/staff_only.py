"""Sending something to someone (a request, a report, a question passed on) is for the federation's staff.

Hwb is one Microsoft 365 tenant for every maintained school in Wales, staff and pupils, so the tenant alone does not
say who is staff: the imported staff list does, with the people the federation settings name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.domain.directory import StaffMember, off_the_staff_list
from bot.domain.errors import StorageUnavailable
from bot.domain.federation import Federation
from bot.domain.people import Person


async def not_staff(federation: Federation, person: Person,
                    staff: Callable[[], Awaitable[Sequence[StaffMember]]]) -> bool:
    """True when the federation has a staff list and the person is neither on it nor named in its settings. Before any
    list is imported, and when storage cannot read it, nobody is turned away (as a failed guest lookup counts as
    staff): what follows then stores nothing on a fault, as every write does."""
    if federation.names(person):
        return False
    try:
        return off_the_staff_list(await staff(), person)
    except StorageUnavailable:
        return False
