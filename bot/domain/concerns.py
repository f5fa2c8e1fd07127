"""Reports of being pestered or targeted by colleagues: routing, visibility, reminders and retention.

The policy: "Where staff feel they are being pestered by, or targeted by, other staff, this may
constitute a disciplinary matter and should be raised by the member of staff with their line manager
as early as possible."

Routing: the line manager (Graph first, then the staff list) unless that cannot be right: no manager
known, the manager is named in "who is involved", or the reporter is a headteacher. Then the
headteacher takes it, or the chair of governors when the report is by or about the headteacher.
Closure (when the retention period starts): acknowledged by whoever holds it, or closed.
"""

from __future__ import annotations

import calendar
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.directory import fold
from bot.domain.errors import NotAllowed
from bot.domain.federation import Federation
from bot.domain.people import Person, StaffContact

LIMITS = {"what": 3000, "since": 200, "where": 300, "who": 300, "evidence": 2000, "note": 1000}
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Route(StrEnum):
    """Why a report went where it went."""

    LINE_MANAGER = "line_manager"
    NO_MANAGER = "no_manager"
    MANAGER_INVOLVED = "manager_involved"
    ABOUT_HEAD = "about_head"
    REPORTER_IS_HEAD = "reporter_is_head"


class ReportState(StrEnum):
    """Where a report is."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    CLOSED = "closed"


def new_reference() -> str:
    """A short reference the reporter can quote: `C-` and six unambiguous characters."""
    return "C-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days (Monday to Friday) after `start`."""
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def add_months(start: datetime, months: int) -> datetime:
    """The same moment `months` calendar months later (the 31st becomes the month's last day)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "prof"})


def mentions(text: str, contact: StaffContact) -> bool:
    """True when what the person typed names the contact: email, full name, or a first name or surname."""
    said = fold(text)
    words = set(re.findall(r"[\w'-]+", said))
    parts = [p for p in (fold(w).strip(".") for w in contact.name.split()) if p and p not in _TITLES]
    email = fold(contact.email)
    # Over-matching is the safe mistake: a report that might be about its recipient goes one level up.
    return (bool(email) and email in said) or (
        bool(parts) and (" ".join(parts) in said or any(len(p) > 2 and p in words for p in parts)))


@dataclass(frozen=True)
class Routing:
    """Who holds a new report, why, and who it escalates to."""

    holder: StaffContact
    why: Route
    escalation: StaffContact


def route(reporter: Person, involved: str, manager: StaffContact | None, federation: Federation,
          school_id: str = "") -> Routing:
    """Who receives a report: the line manager unless that cannot be right."""
    school = next((s for s in federation.schools if s.school_id == school_id), federation.schools[0])
    head = school.headteacher
    chair = federation.chair_of_governors or head
    about_head = bool(involved) and mentions(involved, head)
    if federation.is_headteacher(reporter):
        return Routing(chair, Route.REPORTER_IS_HEAD, chair)
    if manager is not None and manager.aad_object_id == reporter.aad_object_id:
        manager = None  # a staff list naming someone as their own manager knows no manager
    above_head = chair if about_head else head
    if manager is None:
        return Routing(above_head, Route.ABOUT_HEAD if about_head else Route.NO_MANAGER, chair)
    manager_is_head = manager.aad_object_id == head.aad_object_id
    if involved and mentions(involved, manager):
        return Routing(chair if manager_is_head else above_head, Route.MANAGER_INVOLVED, chair)
    return Routing(manager, Route.LINE_MANAGER, chair if manager_is_head else above_head)


@dataclass(frozen=True)
class ConcernReport:
    """What the member of staff told us, and what has happened since."""

    reference: str
    reporter: Person
    what: str
    since: str
    where: str
    who: str
    evidence: str
    wants_meeting: bool
    urgent: bool
    submitted_at: datetime
    assigned_to: StaffContact
    route: Route
    escalation_contact: StaffContact
    state: ReportState = ReportState.OPEN
    acknowledged_at: datetime | None = None
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None
    escalation_note: str = ""
    closed_at: datetime | None = None
    etag: str = ""

    def may_see(self, person: Person) -> bool:
        """Only the reporter, the person it was sent to and the escalation contact."""
        allowed = {self.reporter.aad_object_id, self.assigned_to.aad_object_id}
        if self.state is ReportState.ESCALATED or self.route is not Route.LINE_MANAGER:
            allowed.add(self.escalation_contact.aad_object_id)
        return person.aad_object_id in allowed

    def handled_by(self, person: Person) -> bool:
        """True for whoever currently holds the report (manager, or the escalation contact once escalated)."""
        holder = self.escalation_contact if self.state is ReportState.ESCALATED else self.assigned_to
        return person.aad_object_id == holder.aad_object_id

    def acknowledged(self, person: Person, now: datetime) -> ConcernReport:
        """Acknowledged by the person holding it."""
        if not self.handled_by(person):
            raise NotAllowed("not the holder")
        if self.acknowledged_at is not None:
            return self
        state = ReportState.ESCALATED if self.state is ReportState.ESCALATED else ReportState.ACKNOWLEDGED
        return replace(self, state=state, acknowledged_at=now)

    def escalated(self, person: Person | None, note: str, now: datetime) -> ConcernReport:
        """Passed to the escalation contact, by the manager (with a note) or by the reminder task (person None)."""
        if person is not None and not self.handled_by(person):
            raise NotAllowed("not the holder")
        if self.state in (ReportState.ESCALATED, ReportState.CLOSED) or not self.can_escalate:
            return self
        # The escalation contact acknowledges afresh; the manager's acknowledgement stays in the audit rows.
        return replace(self, state=ReportState.ESCALATED, escalated_at=now, escalation_note=note,
                       acknowledged_at=None)

    @property
    def can_escalate(self) -> bool:
        """False when the report already sits with its escalation contact."""
        return self.escalation_contact.aad_object_id != self.assigned_to.aad_object_id

    def closed(self, person: Person, now: datetime) -> ConcernReport:
        """Closed by whoever holds it; the retention period runs from here."""
        if not self.handled_by(person):
            raise NotAllowed("not the holder")
        return replace(self, state=ReportState.CLOSED, closed_at=self.closed_at or now)

    def due(self, now: datetime) -> str:
        """What the reminder task owes this report now: "remind", "escalate" or ""."""
        if self.state is not ReportState.OPEN:
            return ""
        if self.reminded_at is None:
            return "remind" if now >= add_working_days(self.submitted_at, 2) else ""
        if not self.can_escalate:
            return ""
        return "escalate" if now >= add_working_days(self.reminded_at, 2) else ""

    @property
    def closure(self) -> datetime | None:
        """When the report was closed: acknowledged by whoever holds it, or closed."""
        return self.closed_at or self.acknowledged_at

    def expired(self, now: datetime, months: int) -> bool:
        """True once `months` calendar months have passed since closure."""
        return self.closure is not None and now >= add_months(self.closure, months)


class ConcernReports(Protocol):
    """Port: the reports table (and its audit rows)."""

    async def create(self, report: ConcernReport) -> None:
        """Store a new report with its first audit entry."""
        ...

    async def get(self, reference: str) -> ConcernReport:
        """The report; `RecordNotFound` when there is none."""
        ...

    async def save(self, report: ConcernReport, action: str, actor: str) -> ConcernReport:
        """Write a change if nobody changed it since it was read, with an audit entry (no report text)."""
        ...

    async def list_open(self) -> list[ConcernReport]:
        """Reports not yet closed, for the reminder task and retention."""
        ...

    async def list_all(self) -> list[ConcernReport]:
        """Every report (for retention)."""
        ...

    async def delete(self, report: ConcernReport, *, at: datetime) -> None:
        """Delete a report and its rows, leaving a deletion entry (reference and dates only) in the audit table."""
        ...
