"""Questions staff asked: what the bot answered, how it was rated, and questions passed to the headteacher."""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.concerns import add_months
from bot.domain.errors import ConcurrentChange, NotAllowed, RecordNotFound
from bot.domain.people import Lang, Person, StaffContact

# As much as the bot takes in one message (bot/edge/teams.py MAX_TEXT), so a question is kept and passed on whole; an
# Azure Table string property holds 32,000 characters.
MAX_QUESTION = 4000
MAX_REPLY = 2000
# Corrections one reply keeps (each one, whole): ample for mistakes, and within what one table row holds.
MAX_CORRECTIONS = 20
# Ids sort newest first: the first part counts down from a far-future instant.
_FAR_FUTURE_MS = 10**13
# How many questions the review list shows.
REVIEW_SHOWN = 25


class Feedback(StrEnum):
    """What the asker said of an answer."""

    NONE = ""
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"


class AlreadyDone(Exception):
    """The thing was done already (rated, escalated, replied); `by` and `at` say who and when."""

    def __init__(self, what: str, by: str, at: datetime | None) -> None:
        super().__init__(what)
        self.what = what
        self.by = by
        self.at = at


class TooManyCorrections(Exception):
    """The reply was corrected as often as its record keeps (`MAX_CORRECTIONS`): this correction is not made."""


@dataclass(frozen=True)
class Correction:
    """One correction of a reply: the words sent, who sent them and when."""

    reply: str
    by: str
    by_id: str
    at: datetime


def kept_text(question: str) -> str:
    """The question as it is kept: whole, or, longer than the bot ever takes, cut with an ellipsis that says so."""
    return question if len(question) <= MAX_QUESTION else question[:MAX_QUESTION - 1].rstrip() + "…"


def new_question_id(now: datetime) -> str:
    """A short id that sorts newest first."""
    return f"Q{_countdown(now):013d}{secrets.token_hex(2).upper()}"


# A message's id is made from when Teams received it only when that is this near the bot's own clock: a resend of it
# comes within minutes, and an id far from now would sort (and be deleted) out of turn.
_RECEIVED_NEAR = timedelta(days=1)
# Storage keeps a time to the microsecond or the millisecond; a record asked within this of another is the same write.
_THE_SAME_MOMENT = timedelta(milliseconds=1)


def question_id_for(asker: Person, message_id: str, received_at: datetime | None, question: str,
                    now: datetime) -> str:
    """The id of a question typed in a Teams message: the same for the same message sent again (Teams resends one whose
    request was not answered in time), so the second is never kept twice; a new one (`new_question_id`) when Teams gave
    no message id or time of its own."""
    if not message_id or received_at is None or abs(received_at - now) > _RECEIVED_NEAR:
        return new_question_id(now)
    made_of = "\n".join((asker.tenant_id, asker.aad_object_id.lower(), message_id, question))
    return f"Q{_countdown(received_at):013d}{hashlib.sha256(made_of.encode()).hexdigest()[:4].upper()}"


def sent_again(kept: QuestionRecord, record: QuestionRecord) -> bool:
    """True when `kept`, stored under `record`'s id, is this same question from this same message: Teams sent the
    message again. A question kept for the school through its asker's delete is not (the words came back by an edit)."""
    return (kept.from_message(record.asker, record.message_id) and kept.text == record.text
            and not kept.deleted_in_teams)


def written_by_this_turn(kept: QuestionRecord, record: QuestionRecord) -> bool:
    """True when `kept`, stored under `record`'s id, is `record` as this turn wrote it: storage made the write, then
    answered with an error (a 500, a timeout), and its client, trying again, found the row. Teams sends a message again
    only when its answer is late by seconds, so the record of a message sent again is asked at another moment."""
    return sent_again(kept, record) and abs(kept.asked_at - record.asked_at) < _THE_SAME_MOMENT


def ids_asked_since(moment: datetime) -> str:
    """The id every question asked at or after `moment` sorts before (ids sort newest first)."""
    return f"Q{_countdown(moment) + 1:013d}"


def _countdown(now: datetime) -> int:
    return _FAR_FUTURE_MS - int(now.timestamp() * 1000)


@dataclass(frozen=True)
class QuestionRecord:
    """One question and what happened to it."""

    question_id: str
    asker: Person
    text: str
    lang: Lang
    asked_at: datetime
    answered: bool
    section_id: str = ""
    passage_ids: tuple[str, ...] = ()
    score: float = 0.0
    feedback: Feedback = Feedback.NONE
    escalated_at: datetime | None = None
    escalated_to: str = ""
    # The Entra object id of the one person the question was sent to; empty on records from before it was kept.
    escalated_to_id: str = ""
    reply: str = ""
    replied_by: str = ""
    replied_at: datetime | None = None
    # The Entra object id of the person who replied (the policy owner of the day, not always the one it was passed to);
    # empty on records from before it was kept.
    replied_by_id: str = ""
    # Once the reply is corrected: the reply as first sent (`reply` holds the corrected words), and who corrected it
    # last and when; all empty until then, and on records from before corrections were kept.
    first_reply: str = ""
    corrected_by: str = ""
    corrected_by_id: str = ""
    corrected_at: datetime | None = None
    # Every correction, oldest first (the last is `reply`, `corrected_by`, `corrected_at`); records from before every
    # one was kept have none (`every_correction` gives them their latest).
    corrections: tuple[Correction, ...] = ()
    # The language the reply's card was sent to the asker in, so a correction updates it in that language; None on
    # records from before it was kept.
    reply_lang: Lang | None = None
    # The version of the policy the answer came from ("" before versions were kept).
    policy_version: str = ""
    # The answer may not answer the question exactly (the nearest the policy comes); its card says so.
    tentative: bool = False
    # The id of the Teams message it came in, so deleting or editing that message reaches it ("" on records from
    # before it was kept, and for a question that came any other way).
    message_id: str = ""
    # The Teams conversation it was asked in, so a follow-up there can go on from it ("" on records from before it was
    # kept, which nothing goes on from), and for a follow-up the id of the question it went on from.
    conversation_id: str = ""
    follows_id: str = ""
    # Its asker deleted (or edited) the Teams message it came in and it was kept for the school (`kept_for_the_school`):
    # she took it back from the chat, and a follow-up never goes on from it.
    deleted_in_teams: bool = False
    etag: str = ""

    def rated(self, person: Person, feedback: Feedback) -> QuestionRecord:
        """The record with the asker's rating; only the asker may rate, and only once."""
        if person.aad_object_id != self.asker.aad_object_id:
            raise NotAllowed("only the asker rates an answer")
        if self.feedback is not Feedback.NONE:
            raise AlreadyDone("rated", self.asker.name, None)
        return replace(self, feedback=feedback)

    def escalated(self, person: Person, to: StaffContact, now: datetime) -> QuestionRecord:
        """The record passed to the headteacher (the policy owner); only by the asker, once."""
        if person.aad_object_id != self.asker.aad_object_id:
            raise NotAllowed("only the asker passes a question on")
        if self.escalated_at is not None:
            raise AlreadyDone("escalated", self.escalated_to, self.escalated_at)
        return replace(self, escalated_at=now, escalated_to=to.name, escalated_to_id=to.aad_object_id)

    def sent_to(self, person: Person, *, policy_owner: StaffContact) -> bool:
        """True, once it was passed on, for the one person who holds the role it went to (the policy owner) today,
        who alone may read it and reply: the person it went to while they hold it, whoever follows them after.

        A named delegate stands in for the headteacher on permission requests only: a question (with the
        asker's name) goes to one person, and nobody else reads it.
        """
        return self.escalated_at is not None and person.aad_object_id == policy_owner.aad_object_id

    def stranded(self, *, policy_owner: StaffContact) -> bool:
        """True when it was passed to someone who no longer holds the role (their card is no longer theirs to
        answer); a record from before the recipient was kept went to the policy owner of the day, taken as today's."""
        return bool(self.escalated_to_id) and self.escalated_to_id != policy_owner.aad_object_id

    def replied(self, person: Person, reply: str, now: datetime, *, policy_owner: StaffContact,
                sent_in: Lang | None = None) -> QuestionRecord:
        """The record with the reply of the person it was sent to (its card goes to the asker in `sent_in`); once
        only."""
        if not self.sent_to(person, policy_owner=policy_owner):
            raise NotAllowed("only the person the question was sent to replies")
        if self.replied_at is not None:
            raise AlreadyDone("replied", self.replied_by, self.replied_at)
        return replace(self, reply=reply, replied_by=person.name, replied_at=now, replied_by_id=person.aad_object_id,
                       reply_lang=sent_in)

    @property
    def reply_mark(self) -> str:
        """Which reply stands (the first, or the latest correction): a correction card names it, so pressing Send
        correction twice, or on a card another correction has overtaken, corrects nothing twice."""
        moment = self.corrected_at or self.replied_at
        return str(int(moment.timestamp() * 1000)) if moment else ""

    def may_correct(self, person: Person, *, policy_owner: StaffContact) -> bool:
        """True, once replied to, for the person who replied and for whoever holds the role it was sent to today."""
        return self.replied_at is not None and (
            bool(self.replied_by_id) and person.aad_object_id == self.replied_by_id
            or self.sent_to(person, policy_owner=policy_owner))

    def corrected(self, person: Person, reply: str, now: datetime, *, mark: str,
                  policy_owner: StaffContact) -> QuestionRecord:
        """The record with its reply corrected, the first reply kept; `mark` is the reply the correction was written
        over (`reply_mark`): another since makes this one `AlreadyDone`."""
        if not self.may_correct(person, policy_owner=policy_owner):
            raise NotAllowed("only the person who replied, or who holds the role, corrects a reply")
        if mark != self.reply_mark:
            raise AlreadyDone("corrected", self.corrected_by or self.replied_by, self.corrected_at or self.replied_at)
        if len(self.every_correction) >= MAX_CORRECTIONS:
            raise TooManyCorrections(self.question_id)
        correction = Correction(reply, person.name, person.aad_object_id, now)
        return replace(self, reply=reply, first_reply=self.first_reply or self.reply, corrected_by=person.name,
                       corrected_by_id=person.aad_object_id, corrected_at=now,
                       corrections=(*self.every_correction, correction))

    @property
    def every_correction(self) -> tuple[Correction, ...]:
        """Every correction kept, oldest first; on a record corrected before every one was kept, the latest only."""
        if self.corrections or self.corrected_at is None:
            return self.corrections
        return (Correction(self.reply, self.corrected_by, self.corrected_by_id, self.corrected_at),)

    def from_message(self, person: Person, message_id: str) -> bool:
        """True when it came in this person's Teams message."""
        return bool(message_id) and self.message_id == message_id and self.asker.key == person.key

    @property
    def kept_for_the_school(self) -> bool:
        """True once the person it was passed to has replied: the reply is the school's advice on record, kept for the
        retention period even when the asker deletes her message (before the reply it is still hers alone to take
        back)."""
        return self.replied_at is not None

    @property
    def waiting_for_reply(self) -> bool:
        """True when it was passed on and the person it went to has not replied yet."""
        return self.escalated_at is not None and self.replied_at is None

    def past_retention(self, start: datetime, *, policy_owner: StaffContact) -> bool:
        """True when it was asked (or, passed on, replied to) at or before `start`; never while waiting for the reply
        of the person it went to, who still holds the role: the person who asked is still owed an answer. One whose
        recipient has left the role waits for nobody, and is not kept for ever."""
        waiting = self.waiting_for_reply and not self.stranded(policy_owner=policy_owner)
        return not waiting and (self.replied_at or self.asked_at) <= start

    def messaged(self, *, policy_owner: StaffContact) -> list[Person]:
        """The people the bot sent messages about this question: once passed on, the person it went to (the policy
        owner on records from before that was kept), the asker (the reply), and whoever replied or corrected the reply
        (their cards of the question, edited to show it)."""
        if self.escalated_at is None:
            return []
        ids = [self.escalated_to_id or policy_owner.aad_object_id, self.replied_by_id,
               *(correction.by_id for correction in self.every_correction)]
        return [self.asker, *(Person(self.asker.tenant_id, each) for each in dict.fromkeys(ids) if each)]

    @property
    def needs_review(self) -> bool:
        """True when the policy owner should look at it: unanswered, or the answer was not helpful."""
        return not self.answered or self.feedback is Feedback.NOT_HELPFUL


class QuestionLog(Protocol):
    """Port: where questions are recorded."""

    async def add(self, record: QuestionRecord) -> None:
        """Record a new question."""
        ...

    async def get(self, question_id: str) -> QuestionRecord:
        """The record; `RecordNotFound` when there is none."""
        ...

    async def update(self, record: QuestionRecord) -> QuestionRecord:
        """Replace the record if unchanged since read (etag); `ConcurrentChange` otherwise."""
        ...

    async def list_for_review(self, *, limit: int | None = None) -> list[QuestionRecord]:
        """Unanswered questions and answers marked not helpful (every question passed on is one), newest first; all of
        them, or the newest `limit`."""
        ...

    async def list_asked_until(self, moment: datetime) -> list[QuestionRecord]:
        """Questions asked at or before `moment` (for retention)."""
        ...

    async def list_from_message(self, asker: Person, message_id: str) -> list[QuestionRecord]:
        """The questions this person asked in this Teams message (none for an empty id)."""
        ...

    async def list_asked_in(self, asker: Person, conversation_id: str, *, since: datetime) -> list[QuestionRecord]:
        """The questions this person asked in this Teams conversation at or after `since`, newest first (none for an
        empty conversation id)."""
        ...

    async def delete(self, record: QuestionRecord, *, messages_to: Sequence[Person] = ()) -> None:
        """Delete the question's messages to these people (queued, remembered as sent, where its cards were posted),
        then the record if unchanged since read: `ConcurrentChange` otherwise; nothing happens when it is gone."""
        ...


@dataclass(frozen=True)
class ReviewList:
    """The questions one review list card shows, in order, and what it leaves out."""

    shown: tuple[QuestionRecord, ...]
    # By the id of the last question shown from a person who asked more: how many more of theirs are left out.
    more_from_asker: Mapping[str, int]
    left_out: int  # after the last one shown, which Show more reaches
    start: int = 0  # the place of the first one shown in the whole list (0: its top)
    before: str = ""  # the id of the question just before the first one shown ("" at the top)
    shorter: bool = False  # asked to go on past its end: the list is shorter now, and shown from its top
    # The ids of the questions the cards before it showed that are still for review, in the order they were shown.
    earlier: tuple[str, ...] = ()


def _taking_turns(records: Sequence[QuestionRecord], room: int) -> list[QuestionRecord]:
    """Up to `room` of the records, in their order, taking turns between the people who asked them: each person's
    first, then each one's second, and so on."""
    turn: dict[str, int] = {}
    ranked = []
    for place, record in enumerate(records):
        turn[record.asker.key] = turn.get(record.asker.key, 0) + 1
        ranked.append((turn[record.asker.key], place))
    chosen = sorted(sorted(ranked)[:max(room, 0)], key=lambda rank: rank[1])
    return [records[place] for _, place in chosen]


def _first_card(for_review: Sequence[QuestionRecord], shown: int) -> list[QuestionRecord]:
    """The `shown` questions a list of these begins with: those still waiting for a reply first, longest waiting first,
    then the others, newest first, each part taking turns between the people who asked."""
    waiting = sorted((r for r in for_review if r.waiting_for_reply), key=lambda r: (r.escalated_at, r.question_id))
    others = [r for r in for_review if not r.waiting_for_reply]
    first = _taking_turns(waiting, shown)
    return [*first, *_taking_turns(others, shown - len(first))]


def review_list(for_review: Sequence[QuestionRecord], *, shown: int = REVIEW_SHOWN, after: str = "",
                start: int = 0, earlier: Sequence[str] = ()) -> ReviewList:
    """What the policy owner's review list shows, `shown` at most: the questions still waiting for a reply first,
    longest waiting first, so none drops off while someone is owed an answer; then the others, newest first. Each part
    takes turns between the people who asked, so one person's many questions cannot push a colleague's off. The whole
    list is that card, then what the same rule shows of the rest, and so on. A Show more names the questions the cards
    before it showed (`earlier`): it shows what the rule shows of the others, so a question replied to, asked or
    deleted between two presses makes it repeat or skip none. A card sent before it named them goes on after the
    question `after` in the list as it is now, or, when that is no longer for review, from place `start`. Past the
    end: from the top, `shorter`."""
    if earlier:
        return _after_earlier(for_review, earlier, shown)
    remaining = list(for_review)
    order: list[QuestionRecord] = []
    follows = after in {r.question_id for r in for_review}
    begin = None if follows else start
    while remaining and (begin is None or len(order) < begin + shown):
        card = _first_card(remaining, shown)
        taken = {r.question_id for r in card}
        remaining = [r for r in remaining if r.question_id not in taken]
        order += card
        if begin is None:
            begin = next((place + 1 for place, r in enumerate(order) if r.question_id == after), None)
    begin = begin or 0
    shorter = begin >= len(order) and begin > 0
    if shorter:
        begin = 0
    chosen = tuple(order[begin:begin + shown])
    return _review_card(for_review, chosen, begin, tuple(r.question_id for r in order[:begin]), shorter=shorter)


def _after_earlier(for_review: Sequence[QuestionRecord], earlier: Sequence[str], shown: int) -> ReviewList:
    """The card after those that showed `earlier`: the rule's first card of the questions they did not show."""
    listed = {r.question_id for r in for_review}
    before = tuple(question_id for question_id in dict.fromkeys(earlier) if question_id in listed)
    rest = [r for r in for_review if r.question_id not in set(before)]
    if not rest:
        return replace(review_list(for_review, shown=shown), shorter=bool(for_review))
    return _review_card(for_review, tuple(_first_card(rest, shown)), len(before), before)


def _review_card(for_review: Sequence[QuestionRecord], chosen: tuple[QuestionRecord, ...], begin: int,
                 before: tuple[str, ...], *, shorter: bool = False) -> ReviewList:
    """The card showing `chosen`, the `begin`th on of the list; `before`, the ids the list shows before them."""
    on_card = Counter(r.asker.key for r in chosen)
    asked = Counter(r.asker.key for r in for_review)
    last_shown = {r.asker.key: r.question_id for r in chosen}
    more = {question_id: asked[key] - on_card[key] for key, question_id in last_shown.items()
            if asked[key] > on_card[key]}
    return ReviewList(chosen, more, len(for_review) - begin - len(chosen), start=begin,
                      before=before[-1] if before else "", shorter=shorter, earlier=before)


async def question_followed(questions: QuestionLog, asker: Person, conversation_id: str, *,
                            since: datetime) -> QuestionRecord | None:
    """The question a follow-up ("what about Instagram?") goes on from: the person's last question in this conversation,
    asked at or after `since`, or, when that was itself a follow-up, the question it went on from, so every follow-up
    goes on from the question they all follow. None when there is none, or the question followed is gone (deleted in
    Teams, erased): its words never come back."""
    asked = [r for r in await questions.list_asked_in(asker, conversation_id, since=since)
             if _asked_by_in(r, asker, conversation_id) and r.asked_at >= since and not r.deleted_in_teams]
    if not asked:
        return None
    last = max(asked, key=lambda r: r.asked_at)  # the first of the newest: ids sort newest first
    if not last.follows_id:
        return last
    followed = next((r for r in asked if r.question_id == last.follows_id), None)
    if followed is None:
        try:
            followed = await questions.get(last.follows_id)
        except RecordNotFound:
            return None
    return followed if _asked_by_in(followed, asker, conversation_id) and not followed.deleted_in_teams else None


def _asked_by_in(record: QuestionRecord, asker: Person, conversation_id: str) -> bool:
    return bool(conversation_id) and record.asker.key == asker.key and record.conversation_id == conversation_id


async def forget_old_questions(questions: QuestionLog, *, now: datetime, months: int,
                               policy_owner: StaffContact) -> list[str]:
    """Delete the questions whose retention period has passed, `months` calendar months after they were asked, or
    after the reply to one passed on; one still waiting for the reply of the `policy_owner` is kept until answered.
    Return their ids.

    Safe to run again and on several instances at once: a question already gone is deleted again harmlessly, and one
    changed meanwhile (rated, passed on) is left for a later run to judge again.
    """
    start = add_months(now, -months)
    forgotten = []
    for record in await questions.list_asked_until(start):
        if not record.past_retention(start, policy_owner=policy_owner):
            continue
        try:
            await questions.delete(record, messages_to=record.messaged(policy_owner=policy_owner))
        except (ConcurrentChange, RecordNotFound):
            continue
        forgotten.append(record.question_id)
    return forgotten


async def forget_deleted_message(questions: QuestionLog, asker: Person, message_id: str, *,
                                 policy_owner: StaffContact) -> list[str]:
    """Delete the questions `asker` asked in a Teams message she deleted (or edited: its words first sent are taken
    back, whatever it now says), with the messages still owed about them (a card queued for the policy owner), unless
    the person they were passed to has replied (`kept_for_the_school`). Return their ids; someone else's message, or
    one never kept, changes nothing. One changed meanwhile (rated, replied to) is judged again from what it now is."""
    forgotten = []
    for record in await questions.list_from_message(asker, message_id):
        if not record.from_message(asker, message_id):
            continue
        try:
            deleted = await _deleted_unless_kept(questions, record, policy_owner)
        except RecordNotFound:  # gone meanwhile (retention)
            deleted = True
        except ConcurrentChange:  # rated, passed on or replied to meanwhile: judged again as it now is
            try:
                deleted = await _deleted_unless_kept(questions, await questions.get(record.question_id), policy_owner)
            except RecordNotFound:
                deleted = True
        if deleted:
            forgotten.append(record.question_id)
    return forgotten


async def _deleted_unless_kept(questions: QuestionLog, record: QuestionRecord, policy_owner: StaffContact) -> bool:
    if record.kept_for_the_school:
        if not record.deleted_in_teams:
            await questions.update(replace(record, deleted_in_teams=True))
        return False
    await questions.delete(record, messages_to=record.messaged(policy_owner=policy_owner))
    return True
