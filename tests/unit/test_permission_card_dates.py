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


BEFORE_ITS_FIRST_DAY = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
ON_ITS_FIRST_DAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("ended_at", "lang", "said", "not_said"), [
    (BEFORE_ITS_FIRST_DAY, Lang.EN, "07/12/2026 – ongoing (ended before it started: 06/12/2026)", "(ended early"),
    (BEFORE_ITS_FIRST_DAY, Lang.CY, "07/12/2026 – parhaus (terfynwyd cyn iddo ddechrau: 06/12/2026)", "yn gynnar"),
    (ON_ITS_FIRST_DAY, Lang.EN, "07/12/2026 – ongoing (ended early: 07/12/2026)", "before it started"),
    (ON_ITS_FIRST_DAY, Lang.CY, "07/12/2026 – parhaus (terfynwyd yn gynnar: 07/12/2026)", "cyn iddo ddechrau"),
], ids=["before-en", "before-cy", "first-day-en", "first-day-cy"])
def test_a_permission_ended_before_its_first_day_says_so_not_that_it_ended_early(
        ended_at: datetime, lang: Lang, said: str, not_said: str) -> None:
    """It read "07/12/2026 – ongoing (ended early: 06/12/2026)": ended, seemingly, before it began. Ended on its first
    day or later, it ended early."""
    shown = _shown(_ended(start=date(2026, 12, 7), ended_at=ended_at), lang)

    assert shown.count(said) == 2  # on the request card and on the card saying it was ended
    assert not_said not in shown


@pytest.mark.parametrize(("typed", "shown"), [("01/12/26", "2026-12-01"), ("1 Rhagfyr 2026", "2026-12-01"),
                                              ("31/02/2027", None), ("2026-12-01", "2026-12-01")])
def test_the_form_sent_back_puts_a_typed_date_in_its_date_box_only_as_a_date(typed: str, shown: str | None) -> None:
    """Before, the form came back holding "01/12/26" in a date box (Adaptive Cards take yyyy-mm-dd only there)."""
    form = permission.form_card(load_catalogue(), Lang.EN, schools=[("high", "High")], today=date(2026, 11, 24),
                                values={"start": typed, "end": typed})

    boxes = [element for element in form["body"] if element.get("type") == "Input.Date"]

    assert [box.get("value") for box in boxes] == [shown, shown]
