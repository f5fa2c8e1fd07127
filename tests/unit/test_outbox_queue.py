"""Which queued messages a later one supersedes: only the last card of each key needs to reach the person."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.outbox import OutboundMessage, behind_a_card_on_its_way, first_to_claim, superseded
from bot.domain.people import Person

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
