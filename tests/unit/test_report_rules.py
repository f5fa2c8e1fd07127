"""Concern report rules: routing, naming, visibility, the working-day clock and retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.concerns import (
    ConcernReport,
    ReportState,
    Route,
    Routing,
    add_months,
    add_working_days,
    mentions,
    route,
)
from bot.domain.errors import NotAllowed
from bot.domain.federation import load_federation
from bot.domain.people import Person, StaffContact

REPO = Path(__file__).resolve().parents[2]
FEDERATION = load_federation(REPO / "config" / "federation.local.json")
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
SIAN = Person(TENANT, "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
STRANGER = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
GARETH = StaffContact("a1000000-0000-4000-8000-000000000004", "Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")
HEAD = FEDERATION.schools[0].headteacher
assert FEDERATION.chair_of_governors is not None
CHAIR = FEDERATION.chair_of_governors
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _report(**changes: object) -> ConcernReport:
    report = ConcernReport(reference="C-4QX9TB", reporter=CARYS, what="w", since="", where="", who="", evidence="",
                           wants_meeting=False, urgent=False, submitted_at=MONDAY, assigned_to=GARETH,
                           route=Route.LINE_MANAGER, escalation_contact=HEAD)
    return replace(report, **changes)  # type: ignore[arg-type]


def test_the_line_manager_gets_it_and_the_headteacher_is_the_escalation_contact() -> None:
    assert route(CARYS, "Dafydd in science", GARETH, FEDERATION, "high") == Routing(GARETH, Route.LINE_MANAGER, HEAD)


def test_no_manager_known_goes_to_the_headteacher() -> None:
    assert route(CARYS, "", None, FEDERATION, "high") == Routing(HEAD, Route.NO_MANAGER, CHAIR)


@pytest.mark.parametrize("involved", ["Gareth", "mr hughes", "GARETH HUGHES", "gareth.hughes@llanidloes.example.cymru",
                                      "my line manager, Gareth, and Dafydd"])
def test_a_report_naming_the_manager_goes_to_the_headteacher(involved: str) -> None:
    assert route(CARYS, involved, GARETH, FEDERATION, "high") == Routing(HEAD, Route.MANAGER_INVOLVED, CHAIR)


def test_the_headteachers_own_report_goes_to_the_chair() -> None:
    assert route(SIAN, "", None, FEDERATION, "high") == Routing(CHAIR, Route.REPORTER_IS_HEAD, CHAIR)


def test_a_report_about_the_headteacher_never_escalates_to_the_headteacher() -> None:
    with_manager = route(CARYS, "Sian Roberts", GARETH, FEDERATION, "high")
    without_manager = route(CARYS, "siân", None, FEDERATION, "high")
    manager_is_head = route(CARYS, "Mrs Roberts", StaffContact(HEAD.aad_object_id, HEAD.name), FEDERATION, "high")

    assert with_manager == Routing(GARETH, Route.LINE_MANAGER, CHAIR)
    assert without_manager == Routing(CHAIR, Route.ABOUT_HEAD, CHAIR)
    assert manager_is_head == Routing(CHAIR, Route.MANAGER_INVOLVED, CHAIR)


def test_someone_listed_as_their_own_manager_has_no_manager() -> None:
    me = StaffContact(CARYS.aad_object_id, CARYS.name)

    assert route(CARYS, "", me, FEDERATION, "high") == Routing(HEAD, Route.NO_MANAGER, CHAIR)


def test_naming_ignores_case_and_accents_and_does_not_match_other_words() -> None:
    sian = StaffContact("x", "Mrs Siân Roberts", "sian.roberts@llanidloes.example.cymru")

    assert mentions("SIAN", sian) and mentions("siân roberts", sian) and mentions("Mrs. ROBERTS", sian)
    assert not mentions("Mrs Evans from the office", sian)
    assert not mentions("mrs", sian)


def test_working_days_skip_the_weekend() -> None:
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    saturday = friday + timedelta(days=1)

    assert add_working_days(MONDAY, 2) == MONDAY + timedelta(days=2)
    assert add_working_days(friday, 2) == friday + timedelta(days=4)  # Tuesday
    assert add_working_days(saturday, 2) == friday + timedelta(days=4)  # still Tuesday


def test_reminded_after_two_working_days_then_escalated_after_two_more() -> None:
    report = _report()
    reminded = replace(report, reminded_at=MONDAY + timedelta(days=2))

    assert report.due(MONDAY + timedelta(days=1, hours=23)) == ""
    assert report.due(MONDAY + timedelta(days=2)) == "remind"
    assert reminded.due(MONDAY + timedelta(days=3)) == ""
    assert reminded.due(MONDAY + timedelta(days=4)) == "escalate"
    assert replace(reminded, state=ReportState.ACKNOWLEDGED).due(MONDAY + timedelta(days=30)) == ""


def test_a_report_already_with_its_escalation_contact_is_reminded_but_not_escalated() -> None:
    report = _report(assigned_to=CHAIR, escalation_contact=CHAIR, route=Route.REPORTER_IS_HEAD)

    assert report.due(MONDAY + timedelta(days=2)) == "remind"
    assert replace(report, reminded_at=MONDAY).due(MONDAY + timedelta(days=30)) == ""
    assert report.escalated(None, "", MONDAY) == report


def test_only_the_reporter_the_manager_and_after_escalation_the_contact_may_see_it() -> None:
    report = _report()
    manager = Person(TENANT, GARETH.aad_object_id)
    escalated = report.escalated(manager, "note", MONDAY)

    assert report.may_see(CARYS) and report.may_see(manager)
    assert not report.may_see(SIAN) and not report.may_see(STRANGER)
    assert escalated.may_see(SIAN) and not escalated.may_see(STRANGER)


def test_only_the_holder_acts_and_escalation_needs_a_fresh_acknowledgement() -> None:
    report = _report()
    manager = Person(TENANT, GARETH.aad_object_id)
    acknowledged = report.acknowledged(manager, MONDAY)
    escalated = acknowledged.escalated(manager, "please take this", MONDAY + timedelta(days=1))

    with pytest.raises(NotAllowed):
        report.acknowledged(STRANGER, MONDAY)
    with pytest.raises(NotAllowed):
        report.closed(CARYS, MONDAY)
    assert escalated.state is ReportState.ESCALATED and escalated.acknowledged_at is None
    with pytest.raises(NotAllowed):
        escalated.acknowledged(manager, MONDAY)
    assert escalated.acknowledged(SIAN, MONDAY).acknowledged_at == MONDAY


def test_retention_counts_calendar_months_from_closure() -> None:
    acknowledged = _report(state=ReportState.ACKNOWLEDGED, acknowledged_at=datetime(2024, 1, 31, tzinfo=UTC))
    closed = _report(state=ReportState.CLOSED, acknowledged_at=None, closed_at=datetime(2024, 3, 1, tzinfo=UTC))

    assert add_months(datetime(2024, 1, 31, tzinfo=UTC), 1) == datetime(2024, 2, 29, tzinfo=UTC)
    assert not acknowledged.expired(datetime(2026, 1, 30, tzinfo=UTC), 24)
    assert acknowledged.expired(datetime(2026, 1, 31, tzinfo=UTC), 24)
    assert not closed.expired(datetime(2026, 2, 28, tzinfo=UTC), 24) and closed.expired(datetime(2026, 3, 1,
                                                                                                  tzinfo=UTC), 24)
    assert not _report().expired(datetime(2099, 1, 1, tzinfo=UTC), 24)
