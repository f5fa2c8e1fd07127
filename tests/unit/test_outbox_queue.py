"""Which queued messages a later one supersedes: only the last card of each key needs to reach the person."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.outbox import (
    Hours,
    OutboundMessage,
    behind_a_card_on_its_way,
    first_to_claim,
    in_school_hours,
    superseded,
)
from bot.domain.people import Person
from bot.domain.school_calendar import SchoolCalendar

SIAN = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _queued(message_id: str, card_key: str = "") -> OutboundMessage:
    return OutboundMessage(recipient=SIAN, message_id=message_id, card={"n": message_id}, card_key=card_key,
                           created_at=NOW)


def test_only_the_last_message_for_a_card_is_left_to_send() -> None:
    queue = [_queued("P-1|pending", "P-1|decide"), _queued("note"), _queued("P-2|pending", "P-2|decide"),
             _queued("P-1|approved", "P-1|decide"), _queued("P-3|status-a", "P-3|status"),
             _queued("P-3|status-b", "P-3|status"), _queued("P-3|status-c", "P-3|status")]

    assert [m.message_id for m in superseded(queue, NOW)] == ["P-1|pending", "P-3|status-a", "P-3|status-b"]


def test_a_message_another_sender_holds_is_not_superseded_but_one_whose_lease_ran_out_is() -> None:
    held = _queued("P-1|pending", "P-1|decide").claimed(NOW, timedelta(seconds=60))
    expired = _queued("P-2|pending", "P-2|decide").claimed(NOW - timedelta(minutes=2), timedelta(seconds=60))
    queue = [held, expired, _queued("P-1|approved", "P-1|decide"), _queued("P-2|approved", "P-2|decide")]

    assert [m.message_id for m in superseded(queue, NOW)] == ["P-2|pending"]


def test_messages_without_a_card_key_are_never_superseded() -> None:
    queue = [_queued("a"), _queued("a-again"), replace(_queued("b"), card_key="")]

    assert superseded(queue, NOW) == []


def test_a_message_is_held_until_another_sender_s_lease_runs_out() -> None:
    held = _queued("a").claimed(NOW, timedelta(seconds=60))
    expired = _queued("b").claimed(NOW - timedelta(minutes=2), timedelta(seconds=60))

    assert held.held_until(NOW) == NOW + timedelta(seconds=60)
    assert expired.held_until(NOW) is None
    assert _queued("c").held_until(NOW) is None  # waiting, not held


def test_a_card_s_update_waits_while_another_sender_takes_the_card_itself_to_the_person() -> None:
    on_its_way = _queued("P-1|pending", "P-1|decide").claimed(NOW, timedelta(seconds=60))
    expired = _queued("P-2|pending", "P-2|decide").claimed(NOW - timedelta(minutes=2), timedelta(seconds=60))
    queue = [on_its_way, expired, _queued("note"), _queued("P-1|withdrawn", "P-1|decide"),
             _queued("P-2|approved", "P-2|decide"), _queued("P-3|status", "P-3|status")]

    # P-1's card is with Teams: its update goes after it. P-2's sender is gone: nothing to wait for.
    assert [m.message_id for m in behind_a_card_on_its_way(queue, NOW)] == ["P-1|withdrawn"]


def test_the_message_a_pass_claims_first_is_the_first_not_held_not_waiting_and_not_replaced_later() -> None:
    on_its_way = _queued("P-1|pending", "P-1|decide").claimed(NOW, timedelta(seconds=60))
    queue = [on_its_way, _queued("P-1|withdrawn", "P-1|decide"), _queued("P-2|pending", "P-2|decide"),
             _queued("P-3|status", "P-3|status"), _queued("P-2|approved", "P-2|decide")]

    # P-1's update waits for its card, which another sender has; P-2's first card is replaced later in the queue.
    assert first_to_claim(queue, NOW) == queue[3]
    assert first_to_claim([on_its_way], NOW) is None
    assert first_to_claim([], NOW) is None


def test_a_reminder_kept_back_for_school_hours_is_neither_claimed_nor_due_until_then() -> None:
    morning = NOW + timedelta(hours=10)
    reminder = replace(_queued("v2|reminder-1", "v2|read"), not_before=morning)
    status = _queued("P-1|status", "P-1|status")

    assert first_to_claim([reminder, status], NOW) == status  # the click's card goes; the reminder waits
    assert not reminder.is_due(NOW) and reminder.kept_back(NOW)
    assert reminder.is_due(morning) and first_to_claim([reminder], morning) == reminder


def test_a_kept_back_message_does_not_stand_in_for_a_card_due_now() -> None:
    due = _queued("P-1|approved", "P-1|decide")
    later = replace(_queued("P-1|reminder", "P-1|decide"), not_before=NOW + timedelta(hours=10))

    assert superseded([due, later], NOW) == []  # the approval goes now, not the morning after
    assert [m.message_id for m in superseded([due, later], NOW + timedelta(hours=10))] == ["P-1|approved"]
    # A card due now, queued after one kept back, replaces it: the one kept back would bring back what it replaced.
    assert [m.message_id for m in superseded([later, due], NOW)] == ["P-1|reminder"]


# A send that failed, tried again: an automatic message keeps its hours (SCHOOL_HOURS 08:00-17:00, UK clocks).
_FAILED_TRIES = [
    # Friday 13 November, 16:59 GMT: Teams asks for two minutes; a reminder goes on Monday 16th at 08:00, not at 17:01.
    (datetime(2026, 11, 13, 16, 59, tzinfo=UTC), "school days", datetime(2026, 11, 16, 8, 0, tzinfo=UTC)),
    # The same for a concern report passed up: the next morning whatever the day, Saturday 14th.
    (datetime(2026, 11, 13, 16, 59, tzinfo=UTC), "every day", datetime(2026, 11, 14, 8, 0, tzinfo=UTC)),
    # Friday 23 October, 16:59 BST: the clocks go back on the Sunday, so Monday 26th 08:00 is 08:00 UTC.
    (datetime(2026, 10, 23, 15, 59, tzinfo=UTC), "school days", datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
    # Friday 28 August, 16:59 BST: Monday 31st is the summer bank holiday; Tuesday 1 September, 08:00 BST.
    (datetime(2026, 8, 28, 15, 59, tzinfo=UTC), "school days", datetime(2026, 9, 1, 7, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("failed", "hours", "goes"), _FAILED_TRIES)
def test_an_automatic_message_whose_send_failed_late_in_the_day_is_tried_again_in_school_hours(
        failed: datetime, hours: str, goes: datetime) -> None:
    """Before, the try after Teams' two minutes came at 17:01, and each later one through the night (the backoff
    reaches thirty minutes at most): the reminder reached the person at night after all."""
    reminder = replace(_queued("policy|2|remind|oid"), hours=Hours(hours)).claimed(failed)

    again = reminder.retry_later(failed, "ErrorResponseException", not_before=timedelta(seconds=120),
                                 calendar=SchoolCalendar())

    assert again.not_before == goes and again.kept_back(goes - timedelta(seconds=1)) and again.is_due(goes)


def test_what_a_persons_press_sent_is_tried_again_at_any_hour() -> None:
    """A decision, a request, a Publish: their tries after a failure are not held (a person's press goes at once)."""
    failed = datetime(2026, 11, 13, 16, 59, tzinfo=UTC)
    card = _queued("perm-1|to-head").claimed(failed)

    again = card.retry_later(failed, "ErrorResponseException", not_before=timedelta(seconds=120),
                             calendar=SchoolCalendar())

    assert again.not_before is None and again.is_due(failed + timedelta(seconds=120))


def test_messages_queued_in_school_hours_keep_them_when_tried_again() -> None:
    """Queued at 16:58 on a Friday, within the hours, the reminder goes at once; marked as keeping them all the same."""
    at = datetime(2026, 11, 13, 16, 58, tzinfo=UTC)
    [queued] = in_school_hours([_queued("policy|2|remind|oid")], SchoolCalendar(), at)
    [passed_up] = in_school_hours([_queued("concern|C-1|up")], SchoolCalendar(), at, any_day=True)

    assert (queued.not_before, queued.hours, passed_up.hours) == (None, Hours.SCHOOL_DAYS, Hours.EVERY_DAY)
