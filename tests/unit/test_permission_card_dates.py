"""The dates a permission card shows once the approval is ended: early, or before its first day."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.domain.people import Lang, Person
from bot.domain.permission_requests import PermissionRequest, decide, end_permission
from cards import permission_requests as permission
from cards.gallery import SAMPLE_FEDERATION, SAMPLE_HEAD, SAMPLE_TIME, _sample_request
from cards.i18n import load_catalogue

HEAD = Person("tenant", SAMPLE_HEAD.aad_object_id, SAMPLE_HEAD.name)


def _ended(*, start: date, ended_at: datetime) -> PermissionRequest:
    """The sample request asking from `start`, approved on 24 November 2026 and ended by the headteacher at
    `ended_at`."""
    approved = decide(replace(_sample_request(), start=start), HEAD, SAMPLE_FEDERATION, approve=True, reason="",
                      comment="", now=SAMPLE_TIME)
    return end_permission(approved, HEAD, SAMPLE_FEDERATION, reason="", now=ended_at)


def _shown(request: PermissionRequest, lang: Lang) -> str:
    strings = load_catalogue()
    cards = [permission.decision_card(strings, lang, request, school="High"),
             permission.status_card(strings, lang, request, school="High", approver=HEAD.name,
                                    today=date(2026, 12, 6))]
    return json.dumps(cards, ensure_ascii=False)


@pytest.mark.parametrize(("lang", "said"), [
    (Lang.EN, "07/12/2026 – ongoing (ended before it started: 06/12/2026)"),
    (Lang.CY, "07/12/2026 – parhaus (terfynwyd cyn iddo ddechrau: 06/12/2026)"),
])
def test_a_permission_ended_before_its_first_day_says_so_not_that_it_ended_early(lang: Lang, said: str) -> None:
    """It read "07/12/2026 – ongoing (ended early: 06/12/2026)": ended, seemingly, before it began."""
    shown = _shown(_ended(start=date(2026, 12, 7), ended_at=datetime(2026, 12, 6, 15, 0, tzinfo=UTC)), lang)

    assert shown.count(said) == 2
    assert "(ended early" not in shown and "yn gynnar" not in shown


@pytest.mark.parametrize(("lang", "said"), [
    (Lang.EN, "07/12/2026 – ongoing (ended early: 07/12/2026)"),
    (Lang.CY, "07/12/2026 – parhaus (terfynwyd yn gynnar: 07/12/2026)"),
])
def test_a_permission_ended_on_or_after_its_first_day_ended_early(lang: Lang, said: str) -> None:
    shown = _shown(_ended(start=date(2026, 12, 7), ended_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC)), lang)

    assert shown.count(said) == 2
    assert "before it started" not in shown and "cyn iddo ddechrau" not in shown
