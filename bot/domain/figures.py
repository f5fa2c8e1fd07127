"""The figures a headteacher gives the governors each term, counted from the records: permission requests decided
this term and waiting now, who has confirmed reading the version in force, and how many concern reports (counts only,
small ones shown as "fewer than 5", as schools publish small numbers about staff)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.concerns import ConcernReport, ReportState, Role, Route, posts
from bot.domain.directory import StaffMember
from bot.domain.federation import Federation
from bot.domain.permission_requests import PermissionRequest, RequestState
from bot.domain.policy_reads import AskedStaff, Confirmation
from bot.domain.school_calendar import easter_sunday
from bot.domain.uk_time import uk_today

# A count of concern reports below this is shown as "fewer than 5": in a school of thirty staff a "1" or "2" can point
# at a person, which is how councils and the Welsh Government publish small numbers about staff.
SMALLEST_SHOWN = 5


class TermName(StrEnum):
    """The three terms of a Welsh school year."""

    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


@dataclass(frozen=True)
class Term:
    """The term a day falls in, and the day it began (the card says it, so the figures say what they count)."""

    name: TermName
    starts: date


def term_of(day: date) -> Term:
    """The term `day` is in: autumn from 1 September, spring from 1 January, summer from Easter Monday (a holiday in
    between counts with the term after it)."""
    if day >= date(day.year, 9, 1):
        return Term(TermName.AUTUMN, date(day.year, 9, 1))
    summer = easter_sunday(day.year) + timedelta(days=1)
    if day >= summer:
        return Term(TermName.SUMMER, summer)
    return Term(TermName.SPRING, date(day.year, 1, 1))


@dataclass(frozen=True)
class RequestFigures:
    """Permission requests of the schools counted: approved and declined this term (an approval ended early since still
    counts as approved), and waiting for a decision now, whenever asked."""

    approved: int
    declined: int
    waiting: int


def request_figures(requests: Iterable[PermissionRequest], *, schools: Collection[str], tenant_id: str,
                    since: date) -> RequestFigures:
    """The counts of `requests` at `schools` in the tenant, decided on or after `since` (UK days)."""
    ours = [r for r in requests if r.school_id in schools and r.requester.tenant_id == tenant_id]

    def decided_in_term(request: PermissionRequest, *states: RequestState) -> bool:
        return request.state in states and request.decided_at is not None and uk_today(request.decided_at) >= since

    return RequestFigures(
        approved=sum(decided_in_term(r, RequestState.APPROVED, RequestState.ENDED) for r in ours),
        declined=sum(decided_in_term(r, RequestState.DECLINED) for r in ours),
        waiting=sum(r.state is RequestState.PENDING for r in ours))


@dataclass(frozen=True)
class ReadFigures:
    """Read and confirm of one version, for the staff on the list at the schools counted: how many were asked to read
    it, and how many of them confirmed."""

    version: str
    asked: int
    confirmed: int

    @property
    def still_to_read(self) -> int:
        """Asked and not confirmed yet."""
        return self.asked - self.confirmed


def read_figures(version: str, *, staff: Iterable[StaffMember], schools: Collection[str],
                 asked: Iterable[AskedStaff], confirmed: Iterable[Confirmation]) -> ReadFigures:
    """Who on the staff list at `schools` was asked to read `version` (or confirmed it), and who confirmed it."""
    done = {c.person.aad_object_id.lower() for c in confirmed}
    counted = done | {a.object_id.lower() for a in asked if a.object_id}
    ids = {m.aad_object_id.lower() for m in staff if m.school in schools and m.aad_object_id}
    return ReadFigures(version, asked=len(ids & counted), confirmed=len(ids & done))


@dataclass(frozen=True)
class ReportFigures:
    """Concern reports across the federation, as counts only: sent this term, and open now (whenever sent). None is a
    count from 1 to 4, shown as "fewer than 5". Reports about a headteacher are not counted: they go to the chair of
    governors, and the headteacher reading the figures must learn nothing of one about her."""

    received: int | None
    still_open: int | None


def shown_count(count: int) -> int | None:
    """A count as the figures show it: 0, 5 or more as it is; 1 to 4 as None ("fewer than 5")."""
    return None if 0 < count < SMALLEST_SHOWN else count


def report_figures(reports: Iterable[ConcernReport], *, tenant_id: str, since: date,
                   federation: Federation) -> ReportFigures:
    """The counts of concern reports in the tenant (none about a headteacher, nor any sent or passed on past one for
    words that may mean her: no headteacher in its chain, unless she sent it), small ones hidden."""
    counted = [r for r in reports if r.reporter.tenant_id == tenant_id and r.route is not Route.ABOUT_HEAD
               and (r.route is Route.REPORTER_IS_HEAD or Role.HEADTEACHER in posts(r, federation))]
    return ReportFigures(
        received=shown_count(sum(uk_today(r.submitted_at) >= since for r in counted)),
        still_open=shown_count(sum(r.state is not ReportState.CLOSED for r in counted)))
