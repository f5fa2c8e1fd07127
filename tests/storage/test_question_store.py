"""The question log on Tables (Azurite) and in memory: records read back whole, a stale update loses, and the
review list is the newest unanswered or unhelpful questions first."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.people import Lang, Person
from bot.domain.questions import Feedback, QuestionLog, QuestionRecord, new_question_id
from tests.storage.conftest import Backend

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _question(text: str, *, minutes: int = 0, answered: bool = False) -> QuestionRecord:
    asked_at = NOW + timedelta(minutes=minutes)
    return QuestionRecord(question_id=new_question_id(asked_at), asker=CARYS, text=text, lang=Lang.CY,
                          asked_at=asked_at, answered=answered, section_id="s2" if answered else "",
                          passage_ids=("s2.1", "s2.3") if answered else (), score=0.75, policy_version="2",
                          tentative=answered)


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

    listed = await questions.list_for_review(limit=10)

    assert [r.text for r in listed] == ["last", "not helpful", "first"]
    assert [r.text for r in await questions.list_for_review(limit=2)] == ["last", "not helpful"]
