"""The question log on Tables (Azurite) and in memory: records read back whole, a stale update loses, the review
list is the newest unanswered or unhelpful questions first, and retention forgets questions (with their messages) a
set number of months after they were asked or answered, never one still waiting for the headteacher's reply."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.outbox import CardSlot, OutboundMessage, Outbox
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.questions import (
    MAX_CORRECTIONS,
    MAX_REPLY,
    Feedback,
    QuestionLog,
    QuestionRecord,
    forget_deleted_message,
    forget_old_questions,
    new_question_id,
)
from tests.storage.conftest import Backend

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
SIAN = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000003", "Mrs Siân Roberts")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _question(text: str, *, minutes: int = 0, answered: bool = False) -> QuestionRecord:
    asked_at = NOW + timedelta(minutes=minutes)
    return QuestionRecord(question_id=new_question_id(asked_at), asker=CARYS, text=text, lang=Lang.CY,
                          asked_at=asked_at, answered=answered, section_id="s2" if answered else "",
                          passage_ids=("s2.1", "s2.3") if answered else (), score=0.75, policy_version="2",
                          tentative=answered, message_id=f"17322000{minutes:05d}")


@pytest.fixture
async def questions(backend: Backend) -> QuestionLog:
    return await backend.question_log()


async def test_a_question_reads_back_as_recorded(questions: QuestionLog) -> None:
    asked = _question("Ga i ddefnyddio TikTok gyda'r dosbarth?", answered=True)

    await questions.add(asked)
    stored = await questions.get(asked.question_id)

    assert replace(stored, etag="") == asked and stored.etag
    with pytest.raises(RecordExists):
        await questions.add(asked)
    with pytest.raises(RecordNotFound):
        await questions.get("Q-none")


async def test_of_two_updates_from_the_same_read_one_wins(questions: QuestionLog) -> None:
    asked = _question("How many days of annual leave do I get?")
    await questions.add(asked)
    read = await questions.get(asked.question_id)
    owner = replace(read, escalated_at=NOW, escalated_to="Mrs Siân Roberts")
    rated = replace(read, feedback=Feedback.NOT_HELPFUL)

    results = await asyncio.gather(questions.update(owner), questions.update(rated), return_exceptions=True)

    assert sorted(type(r).__name__ for r in results) == ["ConcurrentChange", "QuestionRecord"]
    [saved] = [r for r in results if isinstance(r, QuestionRecord)]
    assert await questions.get(asked.question_id) == saved
    with pytest.raises(ConcurrentChange):
        await questions.update(replace(read, reply="late"))


async def test_the_review_list_is_unanswered_or_unhelpful_newest_first(questions: QuestionLog) -> None:
    old, helpful, unhelpful, new = (_question("first", minutes=0), _question("answered", minutes=1, answered=True),
                                    _question("not helpful", minutes=2, answered=True), _question("last", minutes=3))
    for record in (old, helpful, unhelpful, new):
        await questions.add(record)
    await questions.update(replace(await questions.get(unhelpful.question_id), feedback=Feedback.NOT_HELPFUL))
    await questions.update(replace(await questions.get(helpful.question_id), feedback=Feedback.HELPFUL))

    listed = await questions.list_for_review()  # all of them

    assert [r.text for r in listed] == ["last", "not helpful", "first"]
    assert [r.text for r in await questions.list_for_review(limit=2)] == ["last", "not helpful"]


def _passed_on(text: str, *, asked: datetime, replied: datetime | None) -> QuestionRecord:
    """A question Carys passed to the headteacher when she asked it, replied to at `replied` (or still waiting)."""
    record = replace(_question(text), question_id=new_question_id(asked), asked_at=asked)
    record = replace(record, escalated_at=asked, escalated_to=SIAN.name, escalated_to_id=SIAN.aad_object_id)
    return replace(record, reply="See the handbook.", replied_by=SIAN.name, replied_at=replied) if replied else record


async def _message(outbox: Outbox, to: Person, message_id: str, *, sent: bool = False) -> None:
    message = OutboundMessage(recipient=to, message_id=message_id, card={"type": "AdaptiveCard"},
                              card_key=message_id + "-card", created_at=NOW)
    await outbox.enqueue([message])
    if sent:
        [queued] = [m for m in await outbox.list_for_recipient(to) if m.message_id == message_id]
        claimed = await outbox.claim(queued, NOW)
        await outbox.mark_sent(claimed, slot=CardSlot(to, message.card_key, "activity-1", "conversation-1"))


async def test_retention_lists_the_questions_asked_until_a_moment_and_deletes_one_with_its_messages(
        backend: Backend, questions: QuestionLog) -> None:
    outbox = await backend.outbox()
    old = _passed_on("asked last year", asked=NOW - timedelta(days=400), replied=NOW - timedelta(days=399))
    new = _question("asked today")
    for record in (old, new):
        await questions.add(record)
    await _message(outbox, SIAN, f"{old.question_id}|to-owner", sent=True)
    await _message(outbox, CARYS, f"{old.question_id}|reply")  # Carys never opened the bot again: still owed
    await _message(outbox, CARYS, f"{new.question_id}|reply")

    listed = await questions.list_asked_until(NOW - timedelta(days=1))
    await questions.delete(listed[0], messages_to=[CARYS, SIAN])
    await questions.delete(listed[0], messages_to=[CARYS, SIAN])  # a second run, or a second instance

    assert [r.question_id for r in listed] == [old.question_id]
    with pytest.raises(RecordNotFound):
        await questions.get(old.question_id)
    assert (await questions.get(new.question_id)).text == "asked today"
    assert await backend.queued_messages() == [f"{new.question_id}|reply"]
    assert await backend.sent_messages() == []
    with pytest.raises(RecordNotFound):
        await outbox.get_slot(SIAN, f"{old.question_id}|to-owner-card")


async def test_retention_never_deletes_a_question_changed_since_it_was_read(questions: QuestionLog) -> None:
    old = _question("rated while retention ran")
    await questions.add(old)
    read = await questions.get(old.question_id)
    await questions.update(replace(read, feedback=Feedback.HELPFUL))

    with pytest.raises(ConcurrentChange):
        await questions.delete(read)

    assert (await questions.get(old.question_id)).feedback is Feedback.HELPFUL


async def test_questions_are_forgotten_after_the_retention_period_but_kept_while_the_head_has_not_replied(
        questions: QuestionLog) -> None:
    """Asked or replied to more than 12 calendar months ago: deleted; passed on and still waiting: kept, however old."""
    owner = StaffContact(SIAN.aad_object_id, SIAN.name)
    asked = datetime(2025, 1, 31, 9, 0, tzinfo=UTC)
    answered = replace(_question("answered by the policy", answered=True), question_id=new_question_id(asked),
                       asked_at=asked)
    waiting = _passed_on("still waiting for the head", asked=asked - timedelta(days=700), replied=None)
    replied_late = _passed_on("replied to in the spring", asked=asked, replied=datetime(2025, 4, 2, 9, tzinfo=UTC))
    for record in (answered, waiting, replied_late):
        await questions.add(record)

    too_soon = await forget_old_questions(questions, now=datetime(2026, 1, 31, 8, 59, tzinfo=UTC), months=12,
                                          policy_owner=owner)
    a_year_on = await forget_old_questions(questions, now=datetime(2026, 1, 31, 9, 0, tzinfo=UTC), months=12,
                                           policy_owner=owner)
    again = await forget_old_questions(questions, now=datetime(2026, 1, 31, 9, 0, tzinfo=UTC), months=12,
                                       policy_owner=owner)
    after_the_reply = await forget_old_questions(questions, now=datetime(2026, 4, 2, 9, 0, tzinfo=UTC), months=12,
                                                 policy_owner=owner)

    assert (too_soon, a_year_on, again) == ([], [answered.question_id], [])
    assert after_the_reply == [replied_late.question_id]
    assert (await questions.get(waiting.question_id)).text == "still waiting for the head"


async def test_a_question_passed_to_a_policy_owner_who_has_since_left_the_role_is_forgotten_a_year_after_it_was_asked(
        questions: QuestionLog) -> None:
    """Mrs Roberts was policy owner when Carys passed it on; Gareth holds the role now. Her card is no longer hers to
    answer, so nobody is waiting for her reply: it was kept for ever."""
    gareth = StaffContact("a1000000-0000-4000-8000-000000000004", "Gareth Hughes")
    asked = datetime(2025, 1, 31, 9, 0, tzinfo=UTC)
    stranded = _passed_on("passed to the owner before", asked=asked, replied=None)
    before_recipients_were_kept = replace(_passed_on("passed on long ago", asked=asked - timedelta(days=1),
                                                     replied=None), escalated_to_id="")
    for record in (stranded, before_recipients_were_kept):
        await questions.add(record)

    too_soon = await forget_old_questions(questions, now=datetime(2026, 1, 31, 8, 59, tzinfo=UTC), months=12,
                                          policy_owner=gareth)
    a_year_on = await forget_old_questions(questions, now=datetime(2026, 1, 31, 9, 0, tzinfo=UTC), months=12,
                                           policy_owner=gareth)

    assert (too_soon, a_year_on) == ([], [stranded.question_id])
    assert (await questions.get(before_recipients_were_kept.question_id)).waiting_for_reply


async def test_a_question_as_long_as_the_bot_takes_reads_back_whole(questions: QuestionLog) -> None:
    asked = replace(_question("x"), text=("Beth am grŵp WhatsApp y rhieni? " * 130)[:4000])

    await questions.add(asked)

    assert (await questions.get(asked.question_id)).text == asked.text


async def test_every_correction_of_a_reply_reads_back_whole_as_many_as_are_kept(questions: QuestionLog) -> None:
    """Each correction as long as a reply may be, with the lines and quotes a reply has: more than one table property
    holds, kept whole, oldest first, with the language the reply's card was sent in."""
    asked = replace(_question("How many days of annual leave do I get?"), escalated_at=NOW, escalated_to=SIAN.name,
                    escalated_to_id=SIAN.aad_object_id)
    await questions.add(asked)
    owner = StaffContact(SIAN.aad_object_id, SIAN.name)
    record = (await questions.get(asked.question_id)).replied(SIAN, "Twenty days.", NOW, policy_owner=owner,
                                                               sent_in=Lang.CY)
    record = await questions.update(record)
    for n in range(MAX_CORRECTIONS):
        words = (f'Correction {n}: "see page {n}"\n' * 100)[:MAX_REPLY]
        record = await questions.update(record.corrected(SIAN, words, NOW + timedelta(minutes=n + 1),
                                                         mark=record.reply_mark, policy_owner=owner))

    stored = await questions.get(asked.question_id)

    assert stored.corrections == record.corrections and len(stored.corrections) == MAX_CORRECTIONS
    assert [c.at for c in stored.corrections] == [NOW + timedelta(minutes=n + 1) for n in range(MAX_CORRECTIONS)]
    assert all(len(c.reply) == MAX_REPLY and c.by_id == SIAN.aad_object_id for c in stored.corrections)
    assert (stored.reply_lang, stored.first_reply, stored.reply) == (Lang.CY, "Twenty days.", record.reply)


async def test_the_questions_from_one_teams_message_are_listed_for_their_asker_only(questions: QuestionLog) -> None:
    """Two questions in one message share its Teams id; Owain's message of the same id (another chat) is not hers,
    and a row from before message ids were kept is listed for none."""
    owain = Person(CARYS.tenant_id, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
    first = _question("Can I friend a parent?")
    second = replace(_question("And post trip photos?", minutes=1), message_id=first.message_id)
    his = replace(_question("His question", minutes=2), asker=owain, message_id=first.message_id)
    older = replace(_question("Asked before ids were kept", minutes=3), message_id="")
    for record in (first, second, his, older):
        await questions.add(record)

    listed = await questions.list_from_message(CARYS, first.message_id)

    assert sorted(r.text for r in listed) == ["And post trip photos?", "Can I friend a parent?"]
    assert await questions.list_from_message(CARYS, "") == []
    assert (await questions.get(older.question_id)).message_id == ""


async def test_the_questions_one_person_asked_in_one_conversation_since_a_moment_are_listed_newest_first(
        questions: QuestionLog) -> None:
    """For a follow-up: hers in this chat from the moment on (the moment itself included), not Owain's, not those in
    another chat, not one from before conversations were kept."""
    owain = Person(CARYS.tenant_id, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
    chat = "a:personal-29:carys"
    too_early = replace(_question("Asked 31 minutes before", minutes=-31), conversation_id=chat)
    at_the_moment = replace(_question("Asked 30 minutes before", minutes=-30), conversation_id=chat)
    latest = replace(_question("Asked a minute before", minutes=-1), conversation_id=chat, follows_id="Q1")
    his = replace(_question("His", minutes=-2), asker=owain, conversation_id=chat)
    elsewhere = replace(_question("In a group chat", minutes=-3), conversation_id="19:group")
    older = _question("Asked before conversations were kept", minutes=-4)
    for record in (too_early, at_the_moment, latest, his, elsewhere, older):
        await questions.add(record)

    listed = await questions.list_asked_in(CARYS, chat, since=NOW - timedelta(minutes=30))

    assert [replace(r, etag="") for r in listed] == [latest, at_the_moment]
    assert await questions.list_asked_in(CARYS, "", since=NOW - timedelta(minutes=30)) == []


async def test_a_deleted_message_takes_its_questions_and_their_queued_cards_but_not_one_the_head_replied_to(
        backend: Backend, questions: QuestionLog) -> None:
    """Passed on and still waiting: it goes, with the card queued for the headteacher; replied to: the school's record
    of the advice given, it stays until retention, marked as deleted in Teams."""
    owner = StaffContact(SIAN.aad_object_id, SIAN.name)
    outbox = await backend.outbox()
    waiting = replace(_passed_on("How much annual leave?", asked=NOW, replied=None), message_id="m-1")
    replied = replace(_passed_on("Can I sell my lesson plans?", asked=NOW + timedelta(minutes=1),
                                 replied=NOW + timedelta(hours=1)), message_id="m-2")
    for record in (waiting, replied):
        await questions.add(record)
    await _message(outbox, SIAN, f"{waiting.question_id}|to-owner")

    gone = await forget_deleted_message(questions, CARYS, "m-1", policy_owner=owner)
    kept = await forget_deleted_message(questions, CARYS, "m-2", policy_owner=owner)

    assert (gone, kept) == ([waiting.question_id], [])
    with pytest.raises(RecordNotFound):
        await questions.get(waiting.question_id)
    assert await backend.queued_messages() == []
    stays = await questions.get(replied.question_id)
    assert stays.reply == "See the handbook."
    assert stays.deleted_in_teams and not replied.deleted_in_teams  # so no follow-up goes on from it
