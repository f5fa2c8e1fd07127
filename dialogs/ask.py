"""Asking about the policy: answers in the policy's own words, honest "not covered", and the headteacher's reply."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from bot.domain.errors import ConcurrentChange, NotAllowed, RecordNotFound, StorageUnavailable
from bot.domain.federation import Federation
from bot.domain.outbox import Notifier, OutboundMessage
from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfiles, preferred_language
from bot.domain.questions import (
    MAX_REPLY,
    AlreadyDone,
    Feedback,
    QuestionLog,
    QuestionRecord,
    new_question_id,
)
from bot.policy.model import Policy, PolicyPassage
from cards import answer as cards
from cards.common import VERB_ABOUT, VERB_REVIEW, VERB_SECTIONS, error_card
from cards.i18n import Catalogue
from dialogs.base import Handler, Reply, Turn, normalise

log = logging.getLogger(__name__)

SECTIONS_WORDS = frozenset({"show the policy", "the policy", "policy", "sections", "contents", "dangos y polisi",
                            "y polisi", "polisi", "adrannau", "cynnwys"})
ABOUT_WORDS = frozenset({"about", "about this policy", "about the policy", "version", "am y polisi",
                         "am y polisi hwn", "fersiwn"})
# Text is normalised before matching, so "i'w" is looked up as "i w".
REVIEW_WORDS = frozenset({"review", "questions for review", "unanswered questions", "review questions", "adolygu",
                          "cwestiynau heb eu hateb", "cwestiynau i w hadolygu"})
_QUOTED = re.compile(r"\"([^\"]{20,})\"")


class Answer(Protocol):
    """What the retriever found for a question."""

    @property
    def answered(self) -> bool: ...
    @property
    def passages(self) -> Sequence[PolicyPassage]: ...
    @property
    def score(self) -> float: ...
    @property
    def language(self) -> str: ...
    @property
    def closest_sections(self) -> Sequence[str]: ...
    @property
    def detail(self) -> str: ...


class Retriever(Protocol):
    """Port: finds the passages that answer a question."""

    def answer(self, question: str) -> Answer:
        """The best passages, or an abstention with the closest sections."""
        ...


class AskFlow:
    """Questions about the policy, and everything around the answer card."""

    def __init__(self, *, strings: Catalogue, federation: Federation, policy: Policy, retriever: Retriever,
                 questions: QuestionLog, notifier: Notifier, profiles: UserProfiles,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._strings = strings
        self._federation = federation
        self._policy = policy
        self._retriever = retriever
        self._questions = questions
        self._notifier = notifier
        self._profiles = profiles
        self._clock = clock

    def verbs(self) -> Mapping[str, Handler]:
        """The verbs of the answer cards."""
        return {
            cards.VERB_SECTION: self.show_section, VERB_SECTIONS: self.show_sections, VERB_ABOUT: self.about,
            cards.VERB_FEEDBACK: self.feedback, cards.VERB_ESCALATE: self.escalate, cards.VERB_REPLY: self.reply,
            cards.VERB_DISCLAIMER: self.disclaimer, cards.VERB_PHOTOS: self.photos, VERB_REVIEW: self.review,
        }

    def match_text(self, turn: Turn) -> Handler | None:
        """Menu words first; any other text is a question (this flow goes last)."""
        said = normalise(turn.text)
        if said in SECTIONS_WORDS:
            return self.show_sections
        if said in ABOUT_WORDS:
            return self.about
        if said in REVIEW_WORDS:
            return self.review
        return self.ask if said else None

    # Answering

    def _source(self, lang: Lang) -> str:
        return self._policy.details.citation.text(lang.value)

    def _answer_card(self, record: QuestionRecord, lang: Lang) -> dict[str, object] | None:
        passages = []
        for passage_id in record.passage_ids:
            try:
                passages.append(self._policy.passage(passage_id))
            except KeyError:  # the policy was replaced since; the record keeps its ids
                continue
        if not passages:
            return None
        section = self._policy.section_of(passages[0].id)
        steps = list(dict.fromkeys(step for p in passages for step in p.next_steps))
        return cards.answer_card(self._strings, lang, question_id=record.question_id,
                                 section=cards.section_view(section, lang), quotes=[p.text for p in passages],
                                 source=self._source(lang), next_steps=steps,
                                 rated=record.feedback is not Feedback.NONE)

    async def ask(self, turn: Turn) -> Reply:
        """Answer a typed question from the policy, or say honestly that it does not cover it."""
        question = turn.text.strip()
        found = self._retriever.answer(question)
        lang = Lang.CY if found.language == Lang.CY.value else turn.lang
        if found.detail:  # a question about the document itself: its details answer it
            return await self.about(replace(turn, lang=lang))
        passages = list(found.passages) if found.answered else []
        now = self._clock()
        record = QuestionRecord(
            question_id=new_question_id(now), asker=turn.actor, text=question[:2000], lang=lang, asked_at=now,
            answered=bool(passages), section_id=self._policy.section_of(passages[0].id).id if passages else "",
            passage_ids=tuple(p.id for p in passages), score=float(found.score))
        try:
            await self._questions.add(record)
        except StorageUnavailable:
            # The answer matters more than its record; without a record there is nothing to rate or pass on.
            log.warning("question not recorded: storage unavailable")
            record = replace(record, question_id="")
        if passages:
            answer = self._answer_card(record, lang)
            if answer is not None:
                return Reply(card=answer)
        closest = []
        for section_id in list(found.closest_sections)[:3]:
            try:
                closest.append(cards.section_view(self._policy.section(section_id), lang))
            except KeyError:
                continue
        return Reply(card=cards.no_answer_card(self._strings, lang, question_id=record.question_id,
                                               question=question, closest=closest))

    async def show_section(self, turn: Turn) -> Reply:
        """One section in full."""
        try:
            section = self._policy.section(str(turn.data.get("section", "")))
        except KeyError:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        steps = list(dict.fromkeys(step for p in section.passages for step in p.next_steps))
        view = cards.section_view(section, turn.lang, full=True)
        return Reply(card=cards.section_card(self._strings, turn.lang, view, source=self._source(turn.lang),
                                             next_steps=steps))

    async def show_sections(self, turn: Turn) -> Reply:
        """The list of sections."""
        views = [cards.section_view(section, turn.lang) for section in self._policy.sections]
        return Reply(card=cards.sections_card(self._strings, turn.lang, views))

    async def about(self, turn: Turn) -> Reply:
        """Version, dates, approval and whether the review is overdue."""
        overdue = self._policy.review_overdue(self._clock().date())
        return Reply(card=cards.about_card(self._strings, turn.lang, self._policy.details, overdue=overdue))

    async def disclaimer(self, turn: Turn) -> Reply:
        """The standard blog disclaimer, from the policy's words."""
        passages = self._policy.passages_with("blog_disclaimer")
        quoted = [m.group(1) for p in passages for m in _QUOTED.finditer(p.text)]
        text = next((q for q in quoted if "views" in q.lower()), passages[0].text if passages else "")
        if not text:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        return Reply(card=cards.disclaimer_card(self._strings, turn.lang, text))

    async def photos(self, turn: Turn) -> Reply:
        """The photo checklist with the passages it rests on."""
        passages = [p.text for p in self._policy.passages_with("photo_checklist")]
        return Reply(card=cards.photo_checklist_card(self._strings, turn.lang, passages))

    # Records: feedback, escalation, reply

    async def _record(self, turn: Turn) -> QuestionRecord:
        question_id = turn.data.get("q")
        if not isinstance(question_id, str) or not question_id or len(question_id) > 40:
            raise RecordNotFound("no question id")
        return await self._questions.get(question_id)

    async def feedback(self, turn: Turn) -> Reply:
        """Store Helpful / Not helpful with the question and passage; once, by the asker only."""
        value = turn.data.get("value")
        if value not in (Feedback.HELPFUL.value, Feedback.NOT_HELPFUL.value):
            return Reply(card=error_card(self._strings, turn.lang, "error.unknown_action"))
        try:
            record = await self._record(turn)
            updated = await self._questions.update(record.rated(turn.actor, Feedback(str(value))))
        except (RecordNotFound, NotAllowed):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except (AlreadyDone, ConcurrentChange):
            return Reply(card=error_card(self._strings, turn.lang, "ask.already_rated"))
        answer = self._answer_card(updated, turn.lang)
        return Reply(card=answer or error_card(self._strings, turn.lang, "error.not_found"))

    async def escalate(self, turn: Turn) -> Reply:
        """Pass an unanswered question to the policy owner, who gets a card with a reply box."""
        owner = self._federation.policy_owner
        try:
            record = await self._record(turn)
            if record.answered:
                raise NotAllowed("answered questions are not passed on")
            updated = await self._questions.update(record.escalated(turn.actor, owner.name, self._clock()))
        except (RecordNotFound, NotAllowed):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except AlreadyDone as done:
            return Reply(card=cards.escalated_card(self._strings, turn.lang, name=done.by, at=done.at, already=True))
        except ConcurrentChange:
            current = await self._questions.get(record.question_id)
            return Reply(card=cards.escalated_card(self._strings, turn.lang, name=current.escalated_to,
                                                   at=current.escalated_at, already=True))
        recipient = Person(turn.actor.tenant_id, owner.aad_object_id, owner.name)
        owner_lang = await preferred_language(self._profiles, recipient)
        owner_card = cards.head_question_card(self._strings, owner_lang, question_id=updated.question_id,
                                              asker=turn.actor.name, asked_at=updated.asked_at, question=updated.text)
        try:
            await self._notifier.notify([OutboundMessage(
                recipient=recipient, message_id=f"{updated.question_id}|to-owner", card=owner_card,
                card_key=f"{updated.question_id}|owner", created_at=self._clock())])
        except StorageUnavailable:
            # Put the record back, so the person can simply click again.
            await self._questions.update(replace(updated, escalated_at=None, escalated_to=""))
            raise
        return Reply(card=cards.no_answer_card(self._strings, turn.lang, question_id=updated.question_id,
                                               question=updated.text, closest=[], escalated_to=owner.name))

    def _may_reply(self, person: Person) -> bool:
        owner = self._federation.policy_owner
        return person.aad_object_id == owner.aad_object_id or bool(self._federation.schools_decided_by(person))

    async def reply(self, turn: Turn) -> Reply:
        """The headteacher's reply: stored once, sent back to the person who asked."""
        if not self._may_reply(turn.actor):
            return Reply(card=error_card(self._strings, turn.lang, "ask.not_for_you"))
        try:
            record = await self._record(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        raw = turn.data.get("reply")
        text = raw.strip() if isinstance(raw, str) else ""
        error = ""
        if not text:
            error = self._strings.text("ask.head_reply_required", turn.lang)
        elif len(text) > MAX_REPLY:
            error = self._strings.text("ask.reply_too_long", turn.lang, length=len(text), limit=MAX_REPLY)
        if error:
            return Reply(card=cards.head_question_card(
                self._strings, turn.lang, question_id=record.question_id, asker=record.asker.name,
                asked_at=record.asked_at, question=record.text, error=error))
        try:
            updated = await self._questions.update(record.replied(turn.actor, text, self._clock()))
        except NotAllowed:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except (AlreadyDone, ConcurrentChange):
            current = await self._questions.get(record.question_id)
            return Reply(card=error_card(self._strings, turn.lang, "ask.already_replied", name=current.replied_by,
                                         when=cards.when(current.replied_at)))
        try:
            await self._notifier.notify([OutboundMessage(
                recipient=updated.asker, message_id=f"{updated.question_id}|reply",
                card=cards.reply_card(self._strings, updated.lang, name=turn.actor.name, question=updated.text,
                                      reply=text), created_at=self._clock())])
        except StorageUnavailable:
            # Put the record back, so the headteacher can simply send the reply again (it would otherwise be
            # "already replied" while the asker never hears it).
            await self._questions.update(replace(updated, reply="", replied_by="", replied_at=None))
            raise
        return Reply(card=cards.head_question_card(
            self._strings, turn.lang, question_id=updated.question_id, asker=updated.asker.name,
            asked_at=updated.asked_at, question=updated.text, reply=text, replied_by=updated.replied_by,
            replied_at=updated.replied_at))

    async def review(self, turn: Turn) -> Reply:
        """For the headteacher or policy owner: what to look at in the next review, newest first."""
        if not self._may_reply(turn.actor):
            return Reply(card=error_card(self._strings, turn.lang, "ask.review_only_owner"))
        records = await self._questions.list_for_review(limit=25)
        items = []
        for record in records:
            section = ""
            if record.section_id:
                try:
                    section = self._policy.section(record.section_id).heading(turn.lang.value)
                except KeyError:
                    section = ""
            items.append(cards.ReviewItem(question=record.text, asked_at=record.asked_at,
                                          unanswered=not record.answered, section=section))
        return Reply(card=cards.review_card(self._strings, turn.lang, items))

