"""Asking about the policy: answers in the policy's own words, honest "not covered", and the headteacher's reply."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import partial
from typing import NamedTuple, Protocol

from bot.domain.concerns import Subject, mentions
from bot.domain.directory import StaffDirectory, StaffMember, line_manager_in, member_for
from bot.domain.errors import (
    ConcurrentChange,
    DomainError,
    NotAllowed,
    RecordExists,
    RecordNotFound,
    StorageUnavailable,
)
from bot.domain.federation import Federation
from bot.domain.limits import TYPED_QUESTION_LIMIT, CountedInBlocks, Limit, RateLimited, RateLimiter, give_back_unused
from bot.domain.live_policy import PolicyInForce
from bot.domain.outbox import Notifier, OutboundMessage
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import tools_not_named
from bot.domain.policy_versions import PublishRefused, version_number
from bot.domain.profiles import UserProfiles, chosen_reading, preferred_reading
from bot.domain.questions import (
    MAX_CORRECTIONS,
    MAX_REPLY,
    AlreadyDone,
    Feedback,
    QuestionLog,
    QuestionRecord,
    TooManyCorrections,
    forget_deleted_message,
    kept_text,
    new_question_id,
    question_followed,
    question_id_for,
    review_list,
    sent_again,
    written_by_this_turn,
)
from bot.domain.uk_time import uk_today
from bot.policy.lexicon import ENGLISH_STOPWORDS, WELSH_MARKERS, WELSH_STOPWORDS
from bot.policy.model import Policy, PolicyPassage, PolicySection, quotes
from bot.policy.places import PolicyPlace, find_place
from bot.policy.text import stem, words
from bot.policy.welsh import lookup_welsh, welsh_radicals
from cards import answer as cards
from cards.common import VERB_ABOUT, VERB_REVIEW, VERB_SECTIONS, error_card, notice_card
from cards.elements import Card
from cards.i18n import Catalogue
from cards.publishing import changes_elements, published_text
from dialogs.base import Afterwards, CardData, Handler, Reply, Text, Turn, Verb, normalise, opens
from dialogs.concerns import being_targeted, speaks_of_a_report, wants_to_report
from dialogs.home import after_greetings
from dialogs.language import ShownIn, in_the_cards_language, in_the_listed_language
from dialogs.lists import ReviewClick, list_start, listed_ids
from dialogs.pasted import questions_in
from dialogs.phrases import (
    PLACEHOLDER,
    listed_in_welsh,
    opening,
    read_patterns,
    read_phrases,
    said_only,
    without_courtesy,
)
from dialogs.private import PrivateChat
from dialogs.staff_only import named_from_the_staff_list, refused_as

log = logging.getLogger(__name__)

SECTIONS_WORDS = frozenset(read_phrases("policy-sections.txt"))
# Asking for one section by its name ("show me the section on personal use"): each way of asking, as a pattern the
# whole message matches with the name in its group, and whether it is Welsh (it then opens the section in Welsh).
_SECTION_ASKING_IN_WELSH = listed_in_welsh("policy-section-asking.txt")
_SECTION_ASKING = tuple(
    (re.compile(" ".join(filter(None, (re.escape(before.strip()), r"(\w.*)", re.escape(after.strip()))))),
     " ".join(f"{before} {after}".split()) in _SECTION_ASKING_IN_WELSH)
    for before, after in (pattern.split(PLACEHOLDER) for pattern in read_patterns("policy-section-asking.txt")))
# A greeting, thanks or filler a question opens with ("Diolch! Ga i …?", "Bore da, …", "Quick one: …", "Sori i boeni,
# …") is not what is asked: the index reads them as words of the question, and answered "Diolch! Ga i ffrindio
# rhiant?" and "Cwestiwn sydyn: ga i ffrindio rhiant?" as not covered while it answers the question alone.
_OPENERS = (frozenset(read_phrases("greetings.txt")) | frozenset(read_phrases("thanks.txt"))
            | frozenset(read_phrases("question-openers.txt")))
_OPENER_MOST_WORDS = max(len(opener.split()) for opener in _OPENERS)
_OPENERS_IN_WELSH = listed_in_welsh("greetings.txt", "thanks.txt", "question-openers.txt")
ABOUT_WORDS = frozenset(read_phrases("policy-about.txt"))
REVIEW_WORDS = frozenset(read_phrases("policy-review.txt"))
# Asking what the bot keeps of a question and who sees it ("are my questions private?"): about the bot, not the policy,
# so never searched for in it (which quoted the rule on information shared "even if they are on private spaces").
QUESTIONS_KEPT_WORDS = frozenset(read_phrases("about-my-questions.txt"))
_QUESTIONS_KEPT_IN_WELSH = listed_in_welsh("about-my-questions.txt")
_IN_WELSH = listed_in_welsh("policy-sections.txt", "policy-about.txt", "policy-review.txt")
# "Who is the headteacher?", "pwy yw'r pennaeth?": about the federation's settings, not the policy, which names nobody.
# "Oes fersiwn Gymraeg?": whether the policy document has a Welsh version, not a question for it.
POLICY_IN_WELSH_WORDS = frozenset(read_phrases("policy-in-welsh.txt"))
_POLICY_IN_WELSH_IN_WELSH = listed_in_welsh("policy-in-welsh.txt")
HEADTEACHER_WORDS = frozenset(read_phrases("who-is-the-headteacher.txt"))
_HEADTEACHER_IN_WELSH = listed_in_welsh("who-is-the-headteacher.txt")
# A short message opening with one of these goes on from the person's last question ("what about for the primary?").
FOLLOW_UPS = read_phrases("follow-ups.txt")
FOLLOW_UP_MOST_WORDS = 8
# A follow-up's opening then at most this many words ("what about Instagram?", "and if they're over 18?") goes on
# from the last question whatever it would get alone; a longer one only when the policy does not surely answer it.
FOLLOW_UP_SURELY_WORDS = 3
# A link's address, as Teams sends it in a message (the bot cannot open it), or as typed on a phone without "https://"
# or "www." ("facebook.com/LlanidloesHigh", "bit.ly/3xYz"): a site's name with a path after it. A site's name alone
# ("is facebook.com ok?") names the site, and is read.
_LINK = re.compile(r"(?:https?://|www\.)\S+|(?<![\w@./-])(?:[a-z0-9-]+\.)+[a-z]{2,6}/\S*", re.IGNORECASE)
# How long after a person's last question a follow-up goes on from it. What it follows is read from the question log
# (whichever instance answered it), and only for a message that could be a follow-up: any other question turn keeps to
# its two storage calls.
FOLLOW_UP_WITHIN = timedelta(minutes=30)
# How long "Read the policy" on a new version's card waits for this instance to switch to it (Teams waits ~15 s).
CATCH_UP_SECONDS = 8.0
# The staff list a not-covered question's names are looked up in is read again this often, by a background job: it
# changes only when IT imports it, and a question turn keeps to its two storage calls (the person, the question).
STAFF_LIST_KEPT = timedelta(minutes=5)


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
    @property
    def tentative(self) -> bool: ...
    @property
    def asks_nothing(self) -> bool: ...


class Retriever(Protocol):
    """Port: finds the passages that answer a question."""

    def answer(self, question: str) -> Answer:
        """The best passages, or an abstention with the closest sections."""
        ...

    def sections_speaking_of(self, message: str) -> Sequence[str]:
        """For a word or two typed alone ("photos"), the sections whose own words speak of it, best first."""
        ...


class SectionsClick(ShownIn):
    """`policy.sections`: `version` (optional, on a read-and-confirm card) the version whose sections it opens."""

    version: Text = ""


class SectionClick(SectionsClick):
    """`policy.section`: the section's id; `passage` (optional, newer buttons) the passage to show first; the marks
    of their words (optional, newer still), by which a later version finds them; `version` (optional) the version
    whose list it was on."""

    section: Text = ""
    passage: Text = ""
    section_mark: Text = ""
    passage_mark: Text = ""


class QuestionClick(CardData):
    """`ask.escalate`: the question's id; `with_question` (optional) "1" on the answer to one of several questions a
    message asked, whose card says which it answers."""

    q: Text = ""
    with_question: Text = ""


class FeedbackClick(QuestionClick):
    """`ask.feedback`: the question's id and "helpful" or "not_helpful"."""

    value: Text = ""


class ReplyClick(QuestionClick):
    """`ask.reply`: the question's id and the reply typed on the card; `of` (optional, on a correction's box) the mark
    of the reply it corrects."""

    reply: Text = ""
    of: Text = ""


class Undo(Enum):
    """What became of a pass-on or reply whose message storage did not confirm queuing (the write may have landed)."""

    UNDONE = "undone"  # the message taken back and the record put back: nothing was changed
    STANDS = "stands"  # the message is with a sender, or sent: it goes, and the change stands
    NOT_KNOWN = "not known"  # storage could not say: the change stands, and pressing again queues its message again


class Answered(NamedTuple):
    """One question's answer: its reply, what it quotes (passage ids; "about" and the detail for the document's own
    details; nothing when the policy does not cover it) and the language of its card."""

    reply: Reply
    quoted: tuple[str, ...]
    lang: Lang
    limited: bool = False  # past the day's typed questions: neither answered nor kept


async def _one_after_another(works: Sequence[Afterwards]) -> None:
    """Each question's work left for after the answer, in turn."""
    for work in works:
        await work()


async def _kept_after_the_answer(keeping: asyncio.Future[Reply | bool]) -> None:
    """Once a question's answer has gone: its day count and record, still being written when it went, finished."""
    try:
        kept = await keeping
    except StorageUnavailable:
        log.warning("question answered, not recorded: storage unavailable")
        return
    if isinstance(kept, Reply):
        log.info("question answered while storage was slow, then found past the day's questions: not kept")
    elif not kept:
        log.info("question answered again while storage was slow: Teams sent its message again")


class AskFlow:
    """Questions about the policy, and everything around the answer card."""

    def __init__(self, *, strings: Catalogue, federation: Federation, in_force: Callable[[], PolicyInForce[Retriever]],
                 questions: QuestionLog, notifier: Notifier, profiles: UserProfiles, limiter: RateLimiter,
                 question_limit: int, reply_limit: int,
                 policy_version: Callable[[str], Awaitable[Policy | None]] | None = None,
                 shipped: Policy | None = None, staff: StaffDirectory | None = None,
                 refresh: Callable[[], Awaitable[object]] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 question_retention_months: int = 12, typed_question_limit: int = TYPED_QUESTION_LIMIT,
                 records_wait_seconds: float = 1.0) -> None:
        self._strings = strings
        # How long an answer waits for its question's day count and record once the policy has answered it: storage
        # slow to answer (each call within its budget) finishes them after the answer, which needs neither.
        self._records_wait = records_wait_seconds
        # QUESTION_RETENTION_MONTHS: what staff asking what is kept of their questions are told.
        self._question_retention_months = question_retention_months
        self._federation = federation
        # The version in force and its index, read once per turn: a new version may come in between turns.
        self._in_force = in_force
        # Switches this instance to the version storage says is current (`LivePolicy.refresh`), before its next poll.
        self._refresh = refresh
        # An earlier version by its number (None when unknown), to show an answer given from it.
        self._policy_version = policy_version
        # The shipped file, whose ids buttons made before they carried marks name (a published version renames them).
        self._shipped = shipped
        self._questions = questions
        # The staff list the concern flow picks colleagues from: a not-covered question naming one points there too.
        self._staff = staff
        self._kept_staff: list[StaffMember] | None = None  # as `keep_staff_list` last read it
        self._notifier = notifier
        self._profiles = profiles
        self._limiter = limiter
        self._question_limit = Limit("questions", question_limit)  # questions one person passes to the head
        self._reply_limit = Limit("replies", reply_limit)  # replies from the person questions are passed to
        # Questions one person types: each is kept, and may go on the head's review list (TYPED_QUESTION_LIMIT_PER_DAY).
        self._typed = CountedInBlocks(limiter, Limit("typed", typed_question_limit))
        self._clock = clock
        self._private = PrivateChat(strings=strings, notifier=notifier, profiles=profiles, clock=clock)

    def verbs(self) -> Mapping[str, Verb]:
        """The verbs of the answer cards (passing a question on, the head's question card and the review list
        only in private: the reply comes back there)."""
        return {
            cards.VERB_SECTION: Verb(opens(in_the_cards_language(self.show_section)), SectionClick,
                                     needs_storage=False),
            VERB_SECTIONS: Verb(opens(in_the_cards_language(self.show_sections)), SectionsClick, needs_storage=False),
            VERB_ABOUT: Verb(opens(self.about), needs_storage=False),
            cards.VERB_FEEDBACK: Verb(self.feedback, FeedbackClick),
            cards.VERB_ESCALATE: Verb(self.pass_on, QuestionClick),
            cards.VERB_REPLY: Verb(self._private.only(self.reply), ReplyClick),
            cards.VERB_QUESTION: Verb(self._private.only(opens(self.question)), QuestionClick),
            cards.VERB_CORRECT_REPLY: Verb(self._private.only(opens(self.correct_reply)), QuestionClick),
            cards.VERB_DISCLAIMER: Verb(opens(in_the_cards_language(self.disclaimer)), ShownIn, needs_storage=False),
            cards.VERB_PHOTOS: Verb(opens(in_the_cards_language(self.photos)), ShownIn, needs_storage=False),
            VERB_REVIEW: Verb(self._private.only(opens(in_the_cards_language(self.review))), ReviewClick),
        }

    def match_text(self, turn: Turn) -> Handler | None:
        """Menu words first; any other text is a question (this flow goes last)."""
        said = normalise(turn.text)
        # Each command as the whole message, courtesy words taken off ("am y polisi plis", "about please").
        listed = next(filter(None, (said_only(said, words) for words in (SECTIONS_WORDS, ABOUT_WORDS, REVIEW_WORDS))),
                      None) or said_only(after_greetings(said), REVIEW_WORDS) or said  # "Morning! Any new questions?"
        command = (self.show_sections if listed in SECTIONS_WORDS else self.about if listed in ABOUT_WORDS
                   else self._private.only(self.review) if listed in REVIEW_WORDS else None)
        if command is not None:  # a command listed only in Welsh gets Welsh; any other, the person's language
            return in_the_listed_language(command, listed_in_welsh=True) if listed in _IN_WELSH else command
        if (kept := said_only(said, QUESTIONS_KEPT_WORDS)) is not None:
            return in_the_listed_language(self.questions_kept, listed_in_welsh=kept in _QUESTIONS_KEPT_IN_WELSH)
        if (welsh := said_only(said, POLICY_IN_WELSH_WORDS)) is not None:
            return in_the_listed_language(self.policy_in_welsh, listed_in_welsh=welsh in _POLICY_IN_WELSH_IN_WELSH)
        if (head := said_only(said, HEADTEACHER_WORDS)) is not None:
            return in_the_listed_language(self.headteacher, listed_in_welsh=head in _HEADTEACHER_IN_WELSH)
        if (named := self._section_named(said)) is not None:
            return named
        if said and (openers := _openers(turn.text)) and openers[0] and not openers[1]:
            # Only filler ("quick one", "Hiya, sori i boeni"): the question is still to come, in the next message.
            return in_the_listed_language(self.go_ahead, listed_in_welsh=any(o in _OPENERS_IN_WELSH
                                                                             for o in openers[0]))
        if said and not normalise(_LINK.sub(" ", turn.text)):
            return self.link_only  # a link alone: what the person wants to know of it is still to come
        return self.ask if said else None

    def _section_named(self, said: str) -> Handler | None:
        """ "show me the section on personal use": that section, whole; the list of sections when the words name
        several; None when they name none of the version in force (it is a question, "the section on TikTok")."""
        asked = [(match.group(1), in_welsh) for core in without_courtesy(said) for pattern, in_welsh in _SECTION_ASKING
                 if (match := pattern.fullmatch(core))]
        if not asked:
            return None
        name, in_welsh = min(asked, key=lambda each: len(each[0]))  # "show me the {} section" before "{} section"
        found = sections_named(self._policy, name)
        if not found:
            return None

        async def show(turn: Turn) -> Reply:
            if len(found) > 1:
                return await self.show_sections(replace(turn, data={}))
            return await self.show_section(replace(turn, data={"section": found[0].id}))
        return in_the_listed_language(show, listed_in_welsh=True) if in_welsh else show

    # Answering

    @property
    def _policy(self) -> Policy:
        return self._in_force().policy

    @property
    def _retriever(self) -> Retriever:
        return self._in_force().index

    @staticmethod
    def _source(policy: Policy, lang: Lang) -> str:
        return policy.details.citation.text(lang.value)

    def _answer_card(self, record: QuestionRecord, lang: Lang, policy: Policy, *,
                     picture_unread: bool = False, link_unread: bool = False, notice: str = "",
                     already_rated: bool = False, escalated_before: datetime | None = None,
                     with_question: bool = False, about_owner: str = "",
                     in_a_group: bool = False, zone: str = "") -> dict[str, object] | None:
        passages = []
        for passage_id in record.passage_ids:
            try:
                passages.append(policy.passage(passage_id))
            except KeyError:  # the policy was replaced since; the record keeps its ids
                continue
        if not passages:
            return None
        passages = list(policy.in_context(passages))
        section = policy.section_of(passages[0].id)
        steps = list(dict.fromkeys(step for p in passages for step in p.next_steps))
        not_named = ""
        if tools_not_named(record.text) and {p.id for p in _rule_on_permission(policy)} & set(record.passage_ids):
            not_named = tools_not_named(record.text, _words_of(policy))
        steps += ["request_permission"] if not_named and "request_permission" not in steps else []
        not_helpful = record.feedback is Feedback.NOT_HELPFUL
        escalated_to = record.escalated_to if record.escalated_at is not None else ""
        return cards.answer_card(self._strings, lang, question_id=record.question_id,
                                 section=cards.section_view(section, lang),
                                 quotes=quotes(passages, lang.value),
                                 welsh_quotes=sum(bool(p.text_cy) for p in passages) if lang is Lang.CY else 0,
                                 source=self._source(policy, lang), next_steps=steps,
                                 rated=record.feedback is not Feedback.NONE, not_helpful=not_helpful,
                                 related=self._related(record, lang) if not_helpful and not escalated_to else (),
                                 escalated_to=escalated_to, tentative=record.tentative,
                                 picture_unread=picture_unread, link_unread=link_unread, notice=notice,
                                 already_rated=already_rated, escalated_before=escalated_before,
                                 replied_before=record.replied_at if escalated_before else None,
                                 question=record.text if with_question else "",
                                 owner_asking=self._owns_policy(record.asker), about_owner=about_owner,
                                 in_a_group=in_a_group, earlier=self._earlier(record, policy), zone=zone,
                                 not_named=not_named)

    def _owns_policy(self, person: Person) -> bool:
        """The policy owner, to whom questions are passed: never offered to pass her own on to herself."""
        return person.aad_object_id == self._federation.policy_owner.aad_object_id

    async def _answered_policy(self, record: QuestionRecord) -> Policy:
        """The version the question was answered from, so a rating or a pass-on shows what was rated; the version
        in force when that one cannot be read."""
        policy = self._policy
        if self._policy_version is None or not record.policy_version or \
                record.policy_version == policy.details.version:
            return policy
        try:
            earlier = await self._policy_version(record.policy_version)
        except DomainError:
            earlier = None
        return earlier or policy

    def _related(self, record: QuestionRecord, lang: Lang) -> list[cards.SectionView]:
        """The sections nearest the question other than the one that did not help."""
        sections = {section.id: section for section in self._policy.sections}
        nearest = self._retriever.answer(asked_words(record.text)).closest_sections
        return [cards.section_view(sections[s], lang) for s in nearest if s != record.section_id and s in sections][:3]

    def _closest(self, record: QuestionRecord, lang: Lang) -> list[cards.SectionView]:
        """The sections nearest a question the policy does not cover, as its card first showed them."""
        sections = {section.id: section for section in self._policy.sections}
        nearest = self._retriever.answer(asked_words(record.text)).closest_sections
        return [cards.section_view(sections[s], lang) for s in list(nearest)[:3] if s in sections]

    def _earlier(self, record: QuestionRecord, answered: Policy) -> tuple[str, str] | None:
        """The version the question was answered from (or, not covered, searched) and the version in force, when it
        was one before it: the headteacher reads a section that may be gone or reworded since, and a question the
        version before did not cover may be covered now."""
        in_force = self._policy.details.version
        from_it = answered.details.version == record.policy_version if record.answered else bool(record.policy_version)
        if from_it and record.policy_version != in_force and in_force:
            return record.policy_version, in_force
        return None

    @staticmethod
    def _answered_from(record: QuestionRecord, lang: Lang, policy: Policy) -> tuple[str, bool]:
        """The heading of the section the bot answered from in `policy`, the version it answered from, for the
        headteacher ("" when it did not answer), and whether it is in English on a Welsh card (the document gives it
        no Welsh)."""
        section = next((s for s in policy.sections if s.id == record.section_id), None)
        if not record.answered or section is None:
            return "", False
        return section.heading(lang.value), lang is Lang.CY and not section.heading_cy

    async def go_ahead(self, turn: Turn) -> Reply:
        """A message of filler alone ("quick one", "sori i boeni"): a word to type the question; nothing is kept."""
        return Reply(card=notice_card(self._strings.text("ask.go_ahead", turn.lang)))

    async def questions_kept(self, turn: Turn) -> Reply:
        """What the bot keeps of a question, who can read it and for how long ("are my questions private?"); nothing of
        this message is kept."""
        return Reply(card=cards.questions_kept_card(self._strings, turn.lang, owner=self._federation.policy_owner.name,
                                                    months=self._question_retention_months))

    async def policy_in_welsh(self, turn: Turn) -> Reply:
        """ "Oes fersiwn Gymraeg?": whether the document in force gives its own Welsh (which Welsh cards quote) or is in
        English only, how to have every card in Welsh, and whom to ask; nothing of this message is kept."""
        translated = any(passage.text_cy for section in self._policy.sections for passage in section.passages)
        said = (self._strings.text("ask.policy_in_welsh_translated", turn.lang) if translated
                else self._strings.text("ask.policy_in_welsh_english_only", turn.lang,
                                        owner=self._federation.policy_owner.name))
        return Reply(card=notice_card(said))

    async def headteacher(self, turn: Turn) -> Reply:
        """ "Who is the headteacher?": the headteacher of the asker's school on the staff list (identity from the
        activity), else every school's, as the federation's settings name them; nothing of this message is kept."""
        member = member_for(await self._staff_list(), turn.actor)
        schools = [s for s in self._federation.schools if member is not None and s.school_id == member.school]
        heads = [(school.name(turn.lang), school.headteacher) for school in schools or self._federation.schools]
        return Reply(card=cards.headteacher_card(self._strings, turn.lang, heads))

    async def link_only(self, turn: Turn) -> Reply:
        """A message of a link alone (a school post, a tweet): the bot cannot open it, so it asks what the person wants
        to know about it; nothing is kept."""
        return Reply(card=notice_card(self._strings.text("ask.link_only", turn.lang)))

    async def ask(self, turn: Turn) -> Reply:
        """Answer a typed question from the policy, or say honestly that it does not cover it; a message of two or three
        questions gets an answer to each, one card each (an answer the one before already gave is not shown twice). An
        edited message is kept as it now reads (the edge has taken back its words before: `forget_message`)."""
        follows = await self._follows(turn)
        typed = turn.text.strip()
        if follows is not None:
            # What a question the policy did not cover adds to a follow-up is nothing the policy answers: "what about
            # parents?" after one was "not covered" too, glued to it. It gets what the policy says of it alone, as the
            # nearest the policy comes (it may have meant the question before: "and if I work part time?"), and is
            # kept with what it follows, so passing it on gives the headteacher both. The thanks it may open with
            # ("Diolch! A beth am Instagram?") is not glued into the middle.
            plainly = asked_after_greeting(typed)
            alone = not follows.answered and self._surely_answered_alone(plainly)
            return (await self._answer(turn, f"{follows.text} {plainly}", follows_id=follows.question_id,
                                       asked=plainly if alone else "", tentative=alone)).reply
        asked = _with_their_follow_ups(questions_in(typed))
        if len(asked) == 1:
            return (await self._answer(turn, asked[0])).reply
        shown: list[list[Card]] = []  # each answer's card, then a line for each later question it answers too
        answer_shown: dict[tuple[str, ...], tuple[int, Lang]] = {}  # what a card quoted: where it is, its language
        afterwards: list[Afterwards] = []  # each question's records, when storage was slow to write them
        for question in asked:
            # The first card says a picture sent with the words was not looked at; once is enough.
            one = await self._answer(replace(turn, picture=turn.picture and not shown), question, one_of_several=True)
            if one.reply.afterwards is not None:
                afterwards.append(one.reply.afterwards)
            if one.limited:  # said once (or, in a group, privately); the questions after it would only say it again
                shown += [[one.reply.card]] if one.reply.card is not None else []
                break
            if one.reply.card is None:
                continue
            if one.quoted and one.quoted in answer_shown:
                # The same words answer it: quoted once, and said under that card, so it is not taken for dropped.
                at, lang = answer_shown[one.quoted]
                shown[at].append(cards.also_answered_card(self._strings, lang, question=question))
                continue
            answer_shown[one.quoted] = (len(shown), one.lang)
            shown.append([one.reply.card])
        cards_shown = [each for group in shown for each in group]
        reply = Reply(card=cards_shown[0], more=cards_shown[1:]) if cards_shown else Reply()
        if afterwards:
            reply.afterwards = partial(_one_after_another, afterwards)
        return reply

    async def forget_message(self, person: Person, message_id: str, *, edited: bool = False) -> int:
        """The person deleted a Teams message, or edited it (its words first sent are taken back, whatever it now
        says): the questions kept from it go, with what is still owed about them, unless the person they were passed to
        has replied (`forget_deleted_message`); how many went. Nobody is told (Teams shows the person nothing either).
        A follow-up never goes on from a question gone this way (`question_followed`)."""
        return len(await forget_deleted_message(self._questions, person, message_id,
                                                policy_owner=self._federation.policy_owner))

    async def keep_again(self, turn: Turn) -> int:
        """Undo in Teams of a deleted message: the questions its words ask are kept again, answered from the policy in
        force now, as when first asked (a question the school kept through the delete is not kept twice); how many.
        Nothing is said: the answer is still in the chat. Words that are no question (a menu word) keep nothing."""
        if turn.text.strip() == "" or self.match_text(turn) != self.ask:
            return 0
        still_kept = {r.text for r in await self._questions.list_from_message(turn.actor, turn.message_id)}
        in_force = self._in_force()
        kept = 0
        asked = _with_their_follow_ups(questions_in(turn.text.strip()))
        for question in asked:
            found = in_force.index.answer(asked_words(question))
            if len(asked) == 1 and not found.answered and (
                    found.asks_nothing or in_force.index.sections_speaking_of(asked_words(question))):
                continue  # a word alone, answered with where the policy speaks of it, or nothing asked: never kept
            record = self._question_record(turn, question, found, in_force.policy)
            if record is not None and record.text not in still_kept:
                await self._questions.add(record)
                kept += 1
        return kept

    async def _follows(self, turn: Turn) -> QuestionRecord | None:
        """For a follow-up ("and if they're over 18?") the question it goes on from, the person's last in this
        conversation, asked in the last `FOLLOW_UP_WITHIN` on any instance (`question_followed`): it is asked together
        with it, so it is answered (and passed on) with what it follows. None for anything else, for a long one the
        policy answers surely on its own, and when the question log cannot be read (it is asked as it came). Thanks or
        a greeting before it ("Thanks! And if they're over 18?") does not hide it."""
        plainly = asked_after_greeting(turn.text)
        said = normalise(plainly)
        after = _words_after_opener(said)
        if after is None or len(said.split()) > FOLLOW_UP_MOST_WORDS or not turn.conversation:
            return None
        if after > FOLLOW_UP_SURELY_WORDS and self._surely_answered_alone(plainly):
            # "What if a parent tags me in a photo?" opens like a follow-up but is a question of its own: one the
            # policy answers surely on its own is asked alone.
            return None
        try:
            return await question_followed(self._questions, turn.actor, turn.conversation,
                                           since=self._clock() - FOLLOW_UP_WITHIN)
        except StorageUnavailable:
            log.warning("follow-up asked as it came: the question log could not be read")
            return None

    def _surely_answered_alone(self, text: str) -> bool:
        """Whether the policy answers a message on its own, surely (not tentatively), or it asks about the document."""
        alone = self._in_force().index.answer(text.strip())
        return bool(alone.detail) or (alone.answered and not alone.tentative)

    def _question_record(self, turn: Turn, question: str, found: Answer, policy: Policy, *,
                         follows_id: str = "", tentative: bool = False, asked: str = "") -> QuestionRecord | None:
        """The record a question is kept by, as the policy answered it (`tentative`: shown as the nearest the policy
        comes, however sure the answer; `asked`: what the policy was asked, when not the question kept); None for a
        question about the document itself, which its details answer and nothing keeps."""
        if found.detail:
            return None
        passages = list(found.passages) if found.answered else []
        now = self._clock()
        text = kept_text(question)
        return QuestionRecord(
            question_id=question_id_for(turn.actor, turn.message_id, turn.received_at, text, now), asker=turn.actor,
            text=text,
            lang=_card_language(found, asked or question, turn.lang), asked_at=now, answered=bool(passages),
            section_id=policy.section_of(passages[0].id).id if passages else "",
            passage_ids=tuple(p.id for p in passages), score=float(found.score),
            policy_version=policy.details.version, tentative=bool(passages) and (found.tentative or tentative),
            message_id=turn.message_id, conversation_id=turn.conversation, follows_id=follows_id)

    async def _answer(self, turn: Turn, question: str, *, follows_id: str = "", one_of_several: bool = False,
                      asked: str = "", tentative: bool = False) -> Answered:
        """One question's card, with what it quotes (the passages; "about" for the document's details; nothing when the
        policy does not cover it) and the language it is in. `asked`: what the policy is asked, when not the question
        kept (a follow-up read alone); `tentative`: the answer is shown as the nearest the policy comes."""
        in_force = self._in_force()
        policy = in_force.policy
        found = in_force.index.answer(asked_words(asked or question))
        lang = _card_language(found, asked or question, turn.lang)
        if found.asks_nothing and not (follows_id or one_of_several):
            # Nothing the policy could be asked about ("pls", "u there?", "ga i?"): the question is still to come.
            return Answered(await self.go_ahead(replace(turn, lang=lang)), (), lang)
        if not (found.answered or found.detail or follows_id or one_of_several):
            # A word typed alone ("photos", "lluniau"): where the policy speaks of it, not "not covered"; nothing kept.
            speaking_of = self._sections(policy, in_force.index.sections_speaking_of(asked_words(question)), lang)
            if speaking_of:
                return Answered(Reply(card=cards.speaking_of_card(
                    self._strings, lang, typed=question, sections=speaking_of, picture_unread=turn.picture,
                    link_unread=_has_link(question))), (), lang)
        record = self._question_record(turn, question, found, policy, follows_id=follows_id, tentative=tentative,
                                       asked=asked)
        if record is None:  # a question about the document itself: its details answer it
            return Answered(await self.about(replace(turn, lang=lang), asked=found.detail), ("about", found.detail),
                            lang)
        record = _on_a_tool_not_named(record, policy, asked or question)
        keeping = asyncio.ensure_future(self._counted_and_kept(turn, record))
        await asyncio.wait([keeping], timeout=self._records_wait)
        afterwards: Afterwards | None = None
        if not keeping.done():
            # Storage is slow: the answer goes now, its count and record after it (`Reply.afterwards`).
            afterwards = partial(_kept_after_the_answer, keeping)
        else:
            try:
                if isinstance(kept := keeping.result(), Reply):
                    return Answered(kept, (), lang, limited=True)
                if not kept:
                    return Answered(Reply(), (), lang)
            except StorageUnavailable:
                # The answer matters more than its record; without a record there is nothing to rate or pass on.
                log.warning("question not recorded: storage unavailable")
                record = replace(record, question_id="")
        answered = await self._answered(turn, question, record, found, policy, lang, one_of_several=one_of_several)
        answered.reply.afterwards = afterwards
        return answered

    async def _counted_and_kept(self, turn: Turn, record: QuestionRecord) -> Reply | bool:
        """Count the question against the asker's day and keep it: True once kept; False when it was kept already, from
        the same message Teams sent again; what to tell them when it is past the day's questions (nothing kept)."""
        if (limited := await self._past_the_days_questions(turn, record.asked_at)) is not None:
            return limited
        if not await self._kept_once(record):
            # Teams sent the message again (its request was not answered in time): it was kept and answered.
            log.info("question not kept again: Teams sent its message again")
            self._typed.give_back(turn.actor.key, record.asked_at)
            return False
        return True

    async def _answered(self, turn: Turn, question: str, record: QuestionRecord, found: Answer, policy: Policy,
                        lang: Lang, *, one_of_several: bool) -> Answered:
        """The card of a question kept (or not keepable: no id), as the policy answered it."""
        if record.answered:
            # A picture sent with the words is said to be unread on this card only: nothing of it is kept, so a
            # card drawn again later (rated, passed on) does not say it.
            answer = self._answer_card(record, lang, policy, picture_unread=turn.picture,
                                       link_unread=_has_link(question), with_question=one_of_several,
                                       about_owner=await self._about_the_owner(record) if record.tentative else "",
                                       in_a_group=not turn.is_private)
            if answer is not None:
                return Answered(Reply(card=answer), record.passage_ids, lang)
        closest = self._sections(policy, list(found.closest_sections)[:3], lang)
        names_colleague = await self._names_colleague(turn.actor, question)
        about_owner = await self._about_the_owner(record)
        if about_owner and not turn.is_private:
            await self._not_to_them_privately(turn, record, about_owner)
        elif names_colleague and not turn.is_private:
            await self._point_to_a_concern_privately(turn, lang, question, record.question_id)
        return Answered(Reply(card=cards.no_answer_card(self._strings, lang, question_id=record.question_id,
                                                        question=question, closest=closest,
                                                        names_colleague=names_colleague and turn.is_private,
                                                        picture_unread=turn.picture,
                                                        link_unread=_has_link(question),
                                                        owner_asking=self._owns_policy(turn.actor),
                                                        about_owner=about_owner, in_a_group=not turn.is_private)),
                        (), lang)

    async def _past_the_days_questions(self, turn: Turn, now: datetime) -> Reply | None:
        """Count one typed question against the asker's day; None within it, else what to tell them, in their language
        (nothing is answered or kept then). Too many of their own at once to count is taken as past it too. Asked in a
        group chat or channel, the group hears nothing of it (how much one colleague asks the bot is theirs, and a
        flood of @mentions gets no card each): the notice goes to their own chat, once a day's window however many
        more they type, and the group is told only where to find it when the bot cannot write to them there."""
        try:
            await self._typed.take(turn.actor.key, now)
        except RateLimited as limited:
            notice = Reply(card=notice_card(self._strings.text(
                "ask.typed_limited", turn.lang, count=limited.limit.count,
                when=cards.when_read(self._strings, turn.lang, limited.until, turn.time_zone))))
            if turn.is_private:
                return notice
            try:
                return await self._private.send(turn, notice, tell=False,
                                                message_id=f"typed-limited|{int(limited.until.timestamp())}")
            except StorageUnavailable:
                log.warning("the notice of the day's typed questions was not sent privately: storage unavailable")
                return Reply(card=notice_card(self._strings.text("error.storage", turn.lang)))
        except ConcurrentChange:
            return Reply(card=notice_card(self._strings.text("error.busy", turn.lang)))
        return None

    @staticmethod
    def _sections(policy: Policy, section_ids: Sequence[str], lang: Lang) -> list[cards.SectionView]:
        """The sections of these ids the policy has, as a card lists them."""
        found = []
        for section_id in section_ids:
            try:
                found.append(cards.section_view(policy.section(section_id), lang))
            except KeyError:
                continue
        return found

    async def _kept_once(self, record: QuestionRecord) -> bool:
        """Keep the question; False when it is kept already, from this same message sent again."""
        try:
            await self._questions.add(record)
        except RecordExists:
            try:
                kept = await self._questions.get(record.question_id)
                if written_by_this_turn(kept, record):
                    return True
                if sent_again(kept, record):
                    return False
            except RecordNotFound:
                pass  # deleted meanwhile (its message deleted in Teams): kept anew below
            await self._questions.add(replace(record, question_id=new_question_id(record.asked_at)))
        return True

    async def _point_to_a_concern_privately(self, turn: Turn, lang: Lang, question: str, question_id: str) -> None:
        """Report a concern, offered in the asker's own chat: in a group chat or channel the colleague the question
        names may be reading, so the card there says nothing of concerns, nor does the group hear that anything was
        sent. Not sent (storage failing) costs only the pointer: the answer still comes."""
        pointer = Reply(card=cards.colleague_named_card(self._strings, lang, question=question))
        try:
            await self._private.send(turn, pointer, tell=False,
                                     message_id=f"colleague-named|{question_id or secrets.token_urlsafe(12)}")
        except StorageUnavailable:
            log.warning("the pointer to a concern report was not sent: storage unavailable")

    async def _not_to_them_privately(self, turn: Turn, record: QuestionRecord, about_owner: str) -> None:
        """Why a question asked in a group chat or channel is not passed to the person questions go to (`about_owner`),
        and Report a concern, in the asker's own chat: they may be reading the group, and the card there names nobody.
        Not sent (storage failing) costs only the pointer."""
        pointer = Reply(card=cards.about_owner_card(self._strings, record.lang, question=record.text, name=about_owner))
        try:
            await self._private.send(turn, pointer, tell=False,
                                     message_id=f"about-owner|{record.question_id or secrets.token_urlsafe(12)}")
        except StorageUnavailable:
            log.warning("why a question is not passed on was not sent privately: storage unavailable")

    async def keep_staff_list(self) -> int:
        """Read the staff list a not-covered question's names are looked up in (a background job, every
        `STAFF_LIST_KEPT`, so a question turn never waits on it); how many are on it."""
        if self._staff is None:
            return 0
        self._kept_staff = await self._staff.list_members()
        return len(self._kept_staff)

    async def _staff_list(self) -> list[StaffMember]:
        """The staff list as the background job last read it (read here once if it has not yet); [] with none."""
        if self._staff is not None and self._kept_staff is None:
            await self.keep_staff_list()
        return self._kept_staff or []

    async def _names_colleague(self, asker: Person, question: str) -> bool:
        """True when the question names someone on the staff list other than the asker, as the concern flow finds names
        (whole name, first name or surname, Welsh mutations included). It may be an ordinary question that names
        someone: the card's line says "if", and nothing more is kept. False when the list cannot be read."""
        try:
            members = await self._staff_list()
        except StorageUnavailable:
            return False
        me = asker.aad_object_id.lower()
        return any(mentions(question, StaffContact(m.aad_object_id, m.name, m.email))
                   for m in members if not (me and m.aad_object_id == me))

    async def show_section(self, turn: Turn) -> Reply:
        """One section in full, found in the version in force by the words its button named (opened at the passage
        it names, where that is still there); when this version no longer has it, a plain "the policy has changed"
        with its sections to choose from."""
        if not await self._caught_up(str(turn.data.get("version", ""))):
            return self._version_coming(turn)
        policy = self._policy
        named = PolicyPlace(**{key: str(turn.data.get(key, "")) for key in ("section", "passage", "section_mark",
                                                                             "passage_mark")})
        found = find_place(policy, named, shipped=self._shipped)
        if found is None:
            if not named.section:
                return Reply(card=error_card(self._strings, turn.lang, "error.invalid_card"))
            views = [cards.section_view(section, turn.lang) for section in policy.sections]
            return Reply(card=cards.policy_changed_card(self._strings, turn.lang, views))
        section = found.section
        steps = list(dict.fromkeys(step for p in section.passages for step in p.next_steps))
        view = cards.section_view(section, turn.lang, full=True, first=found.passage)
        return Reply(card=cards.section_card(self._strings, turn.lang, view, source=self._source(policy, turn.lang),
                                             next_steps=steps))

    async def show_sections(self, turn: Turn) -> Reply:
        """The list of sections; from a button naming a version (a read-and-confirm card), each section's button names
        the version too."""
        named = str(turn.data.get("version", ""))
        if not await self._caught_up(named):
            return self._version_coming(turn)
        policy = self._policy
        views = [cards.section_view(section, turn.lang) for section in policy.sections]
        in_force = policy.details.version
        return Reply(card=cards.sections_card(self._strings, turn.lang, views, version=in_force if named else "",
                                              superseded=named if _another_version(named, in_force) else ""))

    async def _caught_up(self, named: str) -> bool:
        """False when a button names a version newer than the one in force here (published on another instance since
        this one last looked) and this instance cannot switch to it within `CATCH_UP_SECONDS`. A switch that completes
        leaves the version storage says is current in force, whatever the button named (it may have been gone back
        from)."""
        if not _newer(named, self._policy.details.version):
            return True
        if self._refresh is None:
            return False
        try:
            # Shielded: a switch that takes longer (a large index) goes on, for the next click.
            await asyncio.wait_for(asyncio.shield(self._refresh()), CATCH_UP_SECONDS)
        except (DomainError, TimeoutError) as error:
            log.warning("version %s named by a button is not in force here yet (%s)", named, type(error).__name__)
            return False
        return True

    def _version_coming(self, turn: Turn) -> Reply:
        """The version a button named is in force elsewhere but not here yet: press again in a minute."""
        version = str(turn.data.get("version", ""))
        return Reply(card=notice_card(self._strings.text("ask.version_coming", turn.lang, version=version)))

    async def about(self, turn: Turn, *, asked: str = "") -> Reply:
        """Version, dates, approval, whether the review is overdue, and what changed from the version before; for a
        question about one detail (`asked`) the document does not give, a note that it does not. Asked with a picture,
        it says the picture was not looked at, as every answer does."""
        in_force = self._in_force()
        overdue = in_force.policy.review_overdue(uk_today(self._clock()))
        record = in_force.record
        if record is None or not record.campaign:  # the shipped file, never replaced or gone back to
            return Reply(card=cards.about_card(self._strings, turn.lang, in_force.policy.details, overdue=overdue,
                                               asked=asked, picture_unread=turn.picture))
        return Reply(card=cards.about_card(
            self._strings, turn.lang, in_force.policy.details, overdue=overdue, asked=asked,
            published=published_text(self._strings, turn.lang, record.published_at, record.published_by,
                                     zone=turn.time_zone),
            changes=changes_elements(self._strings, turn.lang, record.changes), picture_unread=turn.picture))

    async def disclaimer(self, turn: Turn) -> Reply:
        """The standard blog disclaimer, from the policy's words."""
        disclaimer = self._policy.disclaimer()
        if disclaimer is None:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        text, passage = disclaimer
        section = cards.section_view(self._policy.section_of(passage.id), turn.lang)
        return Reply(card=cards.disclaimer_card(self._strings, turn.lang, text,
                                                source=self._source(self._policy, turn.lang), section=section))

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

    def _only_the_asker(self, turn: Turn) -> Reply:
        """For someone who pressed a button on another person's answer (in a group chat): their card stays as it is,
        and a note below it says who may rate it or pass it on, and how to ask a question of one's own."""
        return Reply(card=notice_card(self._strings.text("ask.only_asker", turn.lang)), new_message=True)

    @staticmethod
    def _someone_elses(record: QuestionRecord, person: Person) -> bool:
        return record.asker.tenant_id == person.tenant_id and record.asker.aad_object_id != person.aad_object_id

    async def feedback(self, turn: Turn) -> Reply:
        """Store Helpful / Not helpful with the question and passage; once, by the asker only. The card is shown
        again in the language it was answered in, whatever the language of the person's Teams."""
        value = turn.data.get("value")
        if value not in (Feedback.HELPFUL.value, Feedback.NOT_HELPFUL.value):
            return Reply(card=error_card(self._strings, turn.lang, "error.unknown_action"))
        try:
            record = await self._record(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        if self._someone_elses(record, turn.actor):
            return self._only_the_asker(turn)
        try:
            updated = await self._questions.update(record.rated(turn.actor, Feedback(str(value))))
        except (RecordNotFound, NotAllowed):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except (AlreadyDone, ConcurrentChange):
            # Pressed again (a double tap, a copy on another device): the answer as it stands, not "Sorry" in its place.
            current = await self._questions.get(record.question_id)
            answer = self._answer_card(current, record.lang, await self._answered_policy(current), already_rated=True,
                                       with_question=_with_question(turn),
                                       about_owner=await self._about_the_owner(current),
                                       in_a_group=not turn.is_private)
            return Reply(card=answer or error_card(self._strings, record.lang, "ask.already_rated"))
        about_owner = await self._about_the_owner(updated)
        if about_owner and not turn.is_private and updated.feedback is Feedback.NOT_HELPFUL:
            await self._not_to_them_privately(turn, updated, about_owner)
        answer = self._answer_card(updated, record.lang, await self._answered_policy(updated),
                                   with_question=_with_question(turn), about_owner=about_owner,
                                   in_a_group=not turn.is_private)
        return Reply(card=answer or error_card(self._strings, record.lang, "error.not_found"))

    async def pass_on(self, turn: Turn) -> Reply:
        """Ask the headteacher: for the person who asked, answered in their 1:1 chat (it names the headteacher and
        what they asked), and pressed again in a group, said there to be passed on already; anyone else who presses it
        on a shared card is told, there, who can."""
        try:
            record = await self._record(turn)
        except RecordNotFound:
            record = None
        if record is not None and self._someone_elses(record, turn.actor):
            return self._only_the_asker(turn)
        if record is not None and record.escalated_at is not None and not turn.is_private:
            # Pressed again in the group (its button stays there): said so there, and nothing is sent again.
            await self._owner_told_again(record, turn.actor)
            return Reply(card=cards.passed_on_already_card(self._strings, record.lang, name=record.escalated_to,
                                                           before=record.escalated_at, replied=record.replied_at,
                                                           zone=turn.time_zone),
                         new_message=True)
        return await self._private.only(self.escalate)(turn)

    async def escalate(self, turn: Turn) -> Reply:
        """Pass an unanswered question to the policy owner, who gets a card with a reply box; the asker's card is
        shown again in the language it was answered in. A guest from another organisation, or someone in the tenant
        who is not on the staff list (a pupil in Hwb), is told why not, below the card as they left it; nothing is
        passed on, counted or sent (Teams is asked here, never when a question is answered)."""
        owner = self._federation.policy_owner
        now = self._clock()
        try:
            record = await self._record(turn)
            if record.answered and record.feedback is not Feedback.NOT_HELPFUL:
                raise NotAllowed("an answer is passed on only once its asker marked it not helpful")
            escalated = record.escalated(turn.actor, owner, now)
            if about_owner := await self._about_the_owner(record):
                # An old card's button (or one drawn before the question was read so): nothing passed on or counted.
                return await self._not_passed_on(record, about_owner, with_question=_with_question(turn))
            if refused := await refused_as(turn, self._federation, self._staff_list):
                return Reply(card=error_card(self._strings, record.lang, f"ask.{refused}",
                                             federation=self._federation.name(record.lang)), new_message=True)
            if (named := await named_from_the_staff_list(turn.actor, self._staff_list)) != turn.actor:
                # No name from Teams: the head reads who asks as the staff list names them, here and on her list.
                turn, escalated = replace(turn, actor=named), replace(escalated, asker=named)
            await self._limiter.take(self._question_limit, turn.actor.key, now)
        except (RecordNotFound, NotAllowed):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except AlreadyDone:
            await self._owner_told_again(record, turn.actor)
            return await self._passed_on_already(record, with_question=_with_question(turn), zone=turn.time_zone)
        except RateLimited as limited:
            # The card as it was, the policy's words or the closest sections still on it, saying why not just now.
            notice = self._strings.text("ask.question_limited", record.lang, count=limited.limit.count,
                                        when=cards.when_read(self._strings, record.lang, limited.until,
                                                             turn.time_zone))
            answered = self._answer_card(record, record.lang, await self._answered_policy(record), notice=notice,
                                         with_question=_with_question(turn)) if record.answered else None
            return Reply(card=answered or cards.no_answer_card(
                self._strings, record.lang, question_id=record.question_id, question=record.text,
                closest=self._closest(record, record.lang), notice=notice,
                earlier=self._earlier(record, self._policy)))
        try:
            updated = await self._questions.update(escalated)
        except ConcurrentChange:
            # Passed on first by another press, or by this one: storage made the write, then answered with an error,
            # and its client, trying again, found the row changed. Its card to the policy owner is queued (again: one
            # queued already is not sent twice), so it never waits on a card nobody queued.
            await give_back_unused(self._limiter, self._question_limit, turn.actor.key, now)
            stored = await self._questions.get(record.question_id)
            await self._owner_told_again(stored, stored.asker)
            return await self._passed_on_already(stored, with_question=_with_question(turn), zone=turn.time_zone)
        except DomainError:
            await give_back_unused(self._limiter, self._question_limit, turn.actor.key, now)
            raise
        answered_policy = await self._answered_policy(updated)
        to_owner = await self._to_owner(updated, turn.actor, answered_policy)
        try:
            await self._notifier.notify([to_owner])
        except StorageUnavailable:
            # Put the record back, so the person can simply click again (and the press costs nothing); but only once
            # the card is taken back, since the write may have landed all the same.
            undo = await self._undo([to_owner], replace(updated, escalated_at=None, escalated_to="",
                                                        escalated_to_id=""))
            if undo is Undo.UNDONE:
                await give_back_unused(self._limiter, self._question_limit, turn.actor.key, now)
                raise
            if undo is Undo.NOT_KNOWN:  # below the card, which stays as it was to press again
                return Reply(card=error_card(self._strings, turn.lang, "error.storage_unsure"), new_message=True)
        answered = self._answer_card(updated, updated.lang, answered_policy,
                                     with_question=_with_question(turn)) if updated.answered else None
        if answered is not None:
            return Reply(card=answered)
        return Reply(card=cards.no_answer_card(self._strings, updated.lang, question_id=updated.question_id,
                                               question=updated.text, closest=[], escalated_to=owner.name,
                                               earlier=self._earlier(updated, self._policy)))

    async def _not_passed_on(self, record: QuestionRecord, about_owner: str, *, with_question: bool) -> Reply:
        """The asker's card again, saying why a question that may be about the person questions go to is not passed to
        them, with Report a concern."""
        answered = self._answer_card(record, record.lang, await self._answered_policy(record),
                                     with_question=with_question, about_owner=about_owner) if record.answered else None
        return Reply(card=answered or cards.no_answer_card(
            self._strings, record.lang, question_id=record.question_id, question=record.text,
            closest=self._closest(record, record.lang), about_owner=about_owner,
            earlier=self._earlier(record, self._policy)))

    async def _passed_on_already(self, record: QuestionRecord, *, with_question: bool, zone: str = "") -> Reply:
        """Ask the headteacher pressed again (a double tap, a copy on another device): the card as it stands, the
        policy's words or the question still on it, saying to whom and when it was passed on (UK time, said so to a
        reader whose clocks, `zone`, show another hour)."""
        answered = self._answer_card(record, record.lang, await self._answered_policy(record),
                                     escalated_before=record.escalated_at,
                                     with_question=with_question, zone=zone) if record.answered else None
        return Reply(card=answered or cards.no_answer_card(
            self._strings, record.lang, question_id=record.question_id, question=record.text, closest=[],
            escalated_to=record.escalated_to, escalated_before=record.escalated_at, replied_before=record.replied_at,
            earlier=self._earlier(record, self._policy), zone=zone))

    async def _to_owner(self, record: QuestionRecord, asker: Person, answered_policy: Policy) -> OutboundMessage:
        """The card that brings a question passed on to the policy owner, with its reply box (its id is fixed by the
        question, so queuing it again sends nothing twice)."""
        owner = self._federation.policy_owner
        recipient = Person(asker.tenant_id, owner.aad_object_id, owner.name)
        # Her language, and the time zone her Teams last gave (a head on a school trip), from one read of her profile.
        owner_lang, owner_zone = await preferred_reading(self._profiles, recipient)
        section, in_english = self._answered_from(record, owner_lang, answered_policy)
        owner_card = cards.head_question_card(self._strings, owner_lang, question_id=record.question_id,
                                              asker=asker.name, asked_at=record.asked_at, question=record.text,
                                              answered_from=section, earlier=self._earlier(record, answered_policy),
                                              heading_in_english=in_english, zone=owner_zone)
        return OutboundMessage(recipient=recipient, message_id=f"{record.question_id}|to-owner", card=owner_card,
                               card_key=f"{record.question_id}|owner", created_at=self._clock(),
                               preview=self._strings.text("notify.question_for_owner", owner_lang))

    async def _owner_told_again(self, record: QuestionRecord, asker: Person) -> None:
        """A question passed on and still waiting for the policy owner's reply: its card queued again, for a pass-on
        whose card storage could not confirm (`Undo.NOT_KNOWN`), or found passed on when it was written. One queued or
        sent already is not sent twice."""
        if not record.waiting_for_reply or record.stranded(policy_owner=self._federation.policy_owner):
            return
        try:
            await self._notifier.notify([await self._to_owner(record, asker, await self._answered_policy(record))])
        except StorageUnavailable:
            log.warning("question %s: its card to the policy owner was not queued again", record.question_id)

    async def _undo(self, messages: list[OutboundMessage], before: QuestionRecord) -> Undo:
        """After storage did not confirm queuing `messages` (a write that timed out may have landed all the same): take
        them back, then put the record back as `before`, so nothing of an undone change reaches anyone. When one is
        with a sender already, or storage can't say, the change stands (logged)."""
        try:
            if not await self._notifier.take_back(messages):
                log.warning("question %s: its message is on its way, so the change stands", before.question_id)
                return Undo.STANDS
            await self._questions.update(before)
        except DomainError as error:
            log.warning("question %s: the change stands, not known whether its message is queued (%s)",
                        before.question_id, type(error).__name__)
            return Undo.NOT_KNOWN
        return Undo.UNDONE

    def _may_review(self, person: Person) -> bool:
        """The policy owner or a headteacher (`Federation.oversees_policy`)."""
        return self._federation.oversees_policy(person)

    async def _sent_to(self, turn: Turn) -> QuestionRecord:
        """The question, if it was passed to this person; else `RecordNotFound`, as for an id that never existed,
        so nobody else can read a question or its asker's name through the reply box."""
        record = await self._record(turn)
        if record.asker.tenant_id != turn.actor.tenant_id or not record.sent_to(
                turn.actor, policy_owner=self._federation.policy_owner):
            raise RecordNotFound("not sent to this person")
        return record

    async def _question_card(self, record: QuestionRecord, lang: Lang, *, error: str = "", draft: str = "",
                             correcting: bool = False, zone: str = "") -> Reply:
        answered = await self._answered_policy(record)
        section, in_english = self._answered_from(record, lang, answered)
        return Reply(card=cards.head_question_card(
            self._strings, lang, question_id=record.question_id, asker=record.asker.name, asked_at=record.asked_at,
            question=record.text, reply=record.reply, replied_by=record.replied_by, replied_at=record.replied_at,
            error=error, draft=draft, answered_from=section, earlier=self._earlier(record, answered),
            heading_in_english=in_english, corrected_by=record.corrected_by, corrected_at=record.corrected_at,
            correcting=record.reply_mark if correcting else "", zone=zone))

    async def _correctable(self, turn: Turn) -> QuestionRecord:
        """The question, if it was replied to and this person may correct the reply; else `RecordNotFound`, as for an
        id that never existed."""
        record = await self._record(turn)
        if record.asker.tenant_id != turn.actor.tenant_id or not record.may_correct(
                turn.actor, policy_owner=self._federation.policy_owner):
            raise RecordNotFound("not this person's reply to correct")
        return record

    async def correct_reply(self, turn: Turn) -> Reply:
        """Correct my reply: the question with its reply box again, holding the reply that stands."""
        try:
            record = await self._correctable(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        return await self._question_card(record, turn.lang, zone=turn.time_zone, correcting=True)

    def _reply_typed(self, turn: Turn) -> tuple[str, str]:
        """The reply typed on the card, and what is wrong with it ("" when nothing is)."""
        raw = turn.data.get("reply")
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            return text, self._strings.text("ask.head_reply_required", turn.lang)
        if len(text) > MAX_REPLY:
            return text, self._strings.text("ask.reply_too_long", turn.lang, length=len(text), limit=MAX_REPLY)
        return text, ""

    async def question(self, turn: Turn) -> Reply:
        """A question passed on, with its reply box, for the person to reply to it (from the review list: a new
        policy owner never had its card)."""
        try:
            record = await self._sent_to(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        # Its place is kept, so a reply sent on the card the question came in shows here too.
        return replace(await self._question_card(record, turn.lang, zone=turn.time_zone),
                       card_key=f"{record.question_id}|opened")

    async def reply(self, turn: Turn) -> Reply:
        """The reply of the person the question was sent to: stored once, sent back to the person who asked; from a
        correction's box (`of`), the reply corrected."""
        mark = turn.data.get("of")
        if isinstance(mark, str) and mark:
            try:
                return await self._correct(turn, await self._correctable(turn), mark)
            except RecordNotFound:  # not replied to (a reply undone since: this is the reply), or not theirs
                pass
        try:
            record = await self._sent_to(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        text, error = self._reply_typed(turn)
        if error:
            return await self._question_card(record, turn.lang, zone=turn.time_zone, error=error, draft=text)
        now = self._clock()
        try:
            replied = record.replied(turn.actor, text, now, policy_owner=self._federation.policy_owner,
                                     sent_in=await self._asker_lang(record))
            await self._limiter.take(self._reply_limit, turn.actor.key, now)
        except NotAllowed:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except RateLimited as limited:
            return await self._question_card(
                record, turn.lang, zone=turn.time_zone, draft=text, error=self._strings.text(
                    "ask.reply_limited", turn.lang, count=limited.limit.count,
                    when=cards.when_read(self._strings, turn.lang, limited.until, turn.time_zone)))
        except AlreadyDone:
            await self._asker_told_again(record)
            return await self._already_replied(record, turn.lang, turn.time_zone)
        stored = await self._stored_and_sent(turn, record, replied, now, already=self._already_replied)
        if isinstance(stored, Reply):
            return stored
        await self._owner_card_taken_back(stored, replier=turn.actor)
        await self._cards_of_it_shown_again(stored, turn)
        return await self._question_card(stored, turn.lang, zone=turn.time_zone)

    async def _stored_and_sent(self, turn: Turn, before: QuestionRecord, changed: QuestionRecord, now: datetime, *,
                               already: Callable[[QuestionRecord, Lang, str], Awaitable[Reply]]
                               ) -> QuestionRecord | Reply:
        """A reply or a correction (`changed`, made from `before`) stored and its card queued for the person who asked:
        the stored record; else what the person who pressed is told (`already`: someone came first; storage unsure)."""
        try:
            updated = await self._questions.update(changed)
        except ConcurrentChange:
            # Someone came first, or this press did: storage made the write, then answered with an error, and its
            # client, trying again, found the row changed. The reply that stands is queued for the asker (again: one
            # queued already is not sent twice), so it never waits on a card nobody queued.
            await give_back_unused(self._limiter, self._reply_limit, turn.actor.key, now)
            current = await self._questions.get(before.question_id)
            if current.replied_at is not None:
                await self._asker_told_again(current)
            return await already(current, turn.lang, turn.time_zone)
        except DomainError:
            await give_back_unused(self._limiter, self._reply_limit, turn.actor.key, now)
            raise
        to_asker = await self._to_asker(updated)
        try:
            await self._notifier.notify(to_asker)
        except StorageUnavailable:
            # Put the record back, so the headteacher can simply send it again (it would otherwise be "already
            # replied" while the asker never hears it), and the press costs nothing; but only once its card is taken
            # back, since the write may have landed all the same.
            undo = await self._undo(to_asker, replace(before, etag=updated.etag))
            if undo is Undo.UNDONE:
                await give_back_unused(self._limiter, self._reply_limit, turn.actor.key, now)
                raise
            if undo is Undo.NOT_KNOWN:  # below the card, which stays as it was to press again
                return Reply(card=error_card(self._strings, turn.lang, "error.storage_unsure"), new_message=True)
        return updated

    async def _correct(self, turn: Turn, record: QuestionRecord, mark: str) -> Reply:
        """A correction of the reply that stands (`mark`): stored once, however often it is sent, the first reply kept,
        and sent to the person who asked as a new card."""
        text, error = self._reply_typed(turn)
        if error:
            return await self._question_card(record, turn.lang, zone=turn.time_zone, error=error, draft=text,
                                             correcting=True)
        now = self._clock()
        try:
            corrected = record.corrected(turn.actor, text, now, mark=mark, policy_owner=self._federation.policy_owner)
            await self._limiter.take(self._reply_limit, turn.actor.key, now)
        except RateLimited as limited:
            return await self._question_card(
                record, turn.lang, zone=turn.time_zone, draft=text, correcting=True, error=self._strings.text(
                    "ask.reply_limited", turn.lang, count=limited.limit.count,
                    when=cards.when_read(self._strings, turn.lang, limited.until, turn.time_zone)))
        except AlreadyDone:
            await self._asker_told_again(record)
            return await self._already_corrected(record, turn.lang, turn.time_zone)
        except TooManyCorrections:
            return await self._question_card(
                record, turn.lang, zone=turn.time_zone, draft=text, correcting=True, error=self._strings.text(
                    "ask.too_many_corrections", turn.lang, count=MAX_CORRECTIONS))
        stored = await self._stored_and_sent(turn, record, corrected, now, already=self._already_corrected)
        if isinstance(stored, Reply):
            return stored
        await self._cards_of_it_shown_again(stored, turn)
        return await self._question_card(stored, turn.lang, zone=turn.time_zone)

    async def _cards_of_it_shown_again(self, record: QuestionRecord, turn: Turn) -> None:
        """Once a reply (or a correction) is stored, the cards of the question in the chat of whoever sent it, the one
        it came in and the one Questions for review last opened, are edited to show it (never posted): the one she did
        not press kept its empty reply box, whose Send later said only that she had already replied. The reply stands
        if this fails (logged)."""
        shown = (await self._question_card(record, turn.lang, zone=turn.time_zone)).card
        if shown is None:
            return
        try:
            await self._notifier.notify([OutboundMessage(
                recipient=turn.actor, message_id=f"{record.question_id}|{copy}|{record.reply_mark}", card=shown,
                card_key=f"{record.question_id}|{copy}", update_only=True, created_at=self._clock())
                for copy in ("owner", "opened")])
        except StorageUnavailable:
            log.warning("question %s: its cards in the replier's chat were not queued to show the reply",
                        record.question_id)

    async def _already_corrected(self, record: QuestionRecord, lang: Lang, zone: str = "") -> Reply:
        current = await self._questions.get(record.question_id)
        return Reply(card=error_card(self._strings, lang, "ask.already_corrected",
                                     name=current.corrected_by or current.replied_by,
                                     when=cards.when_read(self._strings, lang,
                                                          current.corrected_at or current.replied_at, zone)))

    async def _owner_card_taken_back(self, record: QuestionRecord, *, replier: Person) -> None:
        """Once replied to, the question's card still waiting to be sent to anyone but the person who replied goes: a
        policy owner who had not opened the bot and has since left the role would otherwise be sent the asker's name
        and words, with a reply box that no longer works. The reply stands if this fails (logged)."""
        try:
            await self._notifier.recall(f"{record.question_id}|owner", keep=(replier,))
        except StorageUnavailable:
            log.warning("question %s: its unsent card to the policy owner was not taken back", record.question_id)

    async def _asker_lang(self, record: QuestionRecord) -> Lang:
        """The language the asker reads a new card in: the one they chose if they did (they may have switched since
        asking), else the one their question was answered and passed on in, whatever the language of their Teams."""
        return (await self._asker_reading(record))[0]

    async def _asker_reading(self, record: QuestionRecord) -> tuple[Lang, str]:
        """`_asker_lang`, and the time zone their profile keeps (a time on a card to them abroad says UK time), from
        the one read of it."""
        chosen, zone = await chosen_reading(self._profiles, record.asker)
        return chosen or record.lang, zone

    async def _to_asker(self, record: QuestionRecord) -> list[OutboundMessage]:
        """The reply that goes back to the person who asked (its id is fixed by the question, so queuing it again sends
        nothing twice), in their language (`_asker_lang`). A correction is a new card (its own id, below the reply it
        corrects), and updates the card with the first reply where it was posted, in the language it was sent in (its
        time said to be UK time where their clocks show another hour)."""
        asker_lang, zone = await self._asker_reading(record)
        reply_key = f"{record.question_id}|reply"
        if record.corrected_at is None:
            sent_in = record.reply_lang or asker_lang
            return [OutboundMessage(recipient=record.asker, message_id=reply_key, card_key=reply_key, first_post=True,
                                    card=cards.reply_card(self._strings, sent_in, name=record.replied_by,
                                                          question=record.text, reply=record.reply),
                                    created_at=self._clock(), preview=self._strings.text("notify.reply", sent_in))]
        now = self._clock()
        return [
            OutboundMessage(
                recipient=record.asker, message_id=f"{reply_key}|corrected|{record.reply_mark}", card_key=reply_key,
                update_only=True, created_at=now,
                card=cards.reply_card_corrected(self._strings, record.reply_lang or record.lang,
                                                replied_by=record.replied_by, question=record.text, reply=record.reply,
                                                corrected_by=record.corrected_by, corrected_at=record.corrected_at,
                                                zone=zone)),
            OutboundMessage(
                recipient=record.asker, message_id=f"{record.question_id}|corrected|{record.reply_mark}",
                card=cards.reply_card(self._strings, asker_lang, name=record.corrected_by, question=record.text,
                                      reply=record.reply, corrected=True),
                created_at=now, preview=self._strings.text("notify.correction", asker_lang))]

    async def _asker_told_again(self, record: QuestionRecord) -> None:
        """A reply already stored: queued again for the person who asked, for a reply storage could not confirm
        (`Undo.NOT_KNOWN`), or found stored when it was written. One queued or sent already is not sent twice."""
        try:
            await self._notifier.notify(await self._to_asker(record))
        except StorageUnavailable:
            log.warning("question %s: its reply was not queued again", record.question_id)

    async def _already_replied(self, record: QuestionRecord, lang: Lang, zone: str = "") -> Reply:
        current = await self._questions.get(record.question_id)
        return Reply(card=error_card(self._strings, lang, "ask.already_replied", name=current.replied_by,
                                     when=cards.when_read(self._strings, lang, current.replied_at, zone)))

    def _about_the_reviewer(self, record: QuestionRecord, reviewer: Person, staff: Sequence[StaffMember]) -> bool:
        """A question saying someone is pestering or targeting its asker that names the reviewer, or calls them by their
        post or title, read as a concern report is ("Siân keeps messaging me at night, what do I do?", "the head…", "my
        line manager…" from someone she line manages), or saying she reported them ("I reported Siân last week…", "My
        concern is about Siân, has anyone read it?", though she sent no report here): a report about them, never on
        their list."""
        row = member_for(staff, reviewer)
        return self._about(record, StaffContact(
            reviewer.aad_object_id, self._federation.display_name(reviewer.aad_object_id, reviewer.name),
            row.email if row else ""), staff)

    def _about(self, record: QuestionRecord, contact: StaffContact, staff: Sequence[StaffMember]) -> bool:
        said = normalise(record.text)
        if not being_targeted(said) and not wants_to_report(said) and not speaks_of_a_report(record.text):
            return False
        return Subject(typed=(record.text,), staff=tuple(staff)).plainly_names(
            contact, manager=line_manager_in(staff, record.asker), federation=self._federation)

    async def _about_the_owner(self, record: QuestionRecord) -> str:
        """The name of the person questions are passed to (the policy owner) when this one may be about them (read as
        `_about_the_reviewer` reads it), else "": it is never passed to them. With the staff list unreadable, the
        settings' names are still read."""
        owner = self._federation.policy_owner
        if self._owns_policy(record.asker):
            return ""
        try:
            staff = await self._staff_list()
        except StorageUnavailable:
            staff = []
        return owner.name if self._about(record, owner, staff) else ""

    async def review(self, turn: Turn) -> Reply:
        """For the headteacher or policy owner: what to look at in the next review, those waiting for a reply first
        (`review_list`), and how many more there are; on Show more, the next ones, after the last one shown."""
        if not self._may_review(turn.actor):
            return Reply(card=error_card(self._strings, turn.lang, "ask.review_only_owner"))
        try:
            staff = await self._staff_list()
        except StorageUnavailable:
            staff = []  # the settings' names are still read
        listed = [record for record in await self._questions.list_for_review()
                  if not self._about_the_reviewer(record, turn.actor, staff)]
        review = review_list(listed, after=str(turn.data.get("after") or ""),
                             start=list_start(turn), earlier=listed_ids(turn, "earlier"))
        owner = self._federation.policy_owner
        answered_from: dict[str, Policy] = {}  # each version read once
        items = []
        for record in review.shown:
            if record.policy_version not in answered_from:
                answered_from[record.policy_version] = await self._answered_policy(record)
            to_reply = record.waiting_for_reply and record.sent_to(turn.actor, policy_owner=owner)
            section, in_english = self._answered_from(record, turn.lang, answered_from[record.policy_version])
            if section and self._earlier(record, answered_from[record.policy_version]) is not None:
                section = self._strings.text("ask.review_section_of_version", turn.lang, section=section,
                                             version=record.policy_version)
            items.append(cards.ReviewItem(
                question=record.text, asked_at=record.asked_at, unanswered=not record.answered,
                section=section, section_in_english=in_english,
                question_id=record.question_id if to_reply else "", waiting=record.waiting_for_reply,
                waiting_for=owner.name if record.waiting_for_reply and not to_reply else "",
                more_from_asker=review.more_from_asker.get(record.question_id, 0),
                replied_by=record.replied_by, replied_at=record.replied_at,
                correct_id=record.question_id if record.may_correct(turn.actor, policy_owner=owner) else "",
                listed_id=record.question_id))
        notice = self._strings.text("list.shorter", turn.lang) if review.shorter else ""
        return Reply(card=cards.review_card(self._strings, turn.lang, items, left_out=review.left_out,
                                            start=review.start, before=review.before, notice=notice,
                                            earlier=review.earlier, zone=turn.time_zone))


def _rule_on_permission(policy: Policy) -> tuple[PolicyPassage, ...]:
    """The policy's rule on asking the headteacher's permission to use social networking for work (other than via Hwb
    / Microsoft Teams): the passages tagged with that next step, else those that name Hwb or Teams and permission; only
    the first one's section, as an answer quotes one section."""
    rule = policy.passages_with("request_permission") or tuple(
        p for p in policy.all_passages() if re.search(r"\b(hwb|microsoft teams)\b", p.text, re.IGNORECASE)
        and "permission" in p.text.lower())
    return tuple(p for p in rule if policy.section_of(p.id).id == policy.section_of(rule[0].id).id) if rule else ()


def _words_of(policy: Policy) -> str:
    """Every heading and passage of the policy, in both languages, as one text."""
    return " ".join([*(f"{s.heading_en} {s.heading_cy}" for s in policy.sections),
                     *(p.text for p in policy.all_passages())])


def _on_a_tool_not_named(record: QuestionRecord, policy: Policy, asked: str) -> QuestionRecord:
    """A question about a tool the policy does not name ("can I use Seesaw with my class?") is answered by the policy's
    rule on permission, as the nearest it comes, whatever passage the ranking found: its card says the policy does not
    name the tool (`tools_not_named`), and Not helpful offers to ask the headteacher."""
    if not tools_not_named(asked):  # most questions: the passages are not read
        return record
    rule = _rule_on_permission(policy)
    if not rule or not tools_not_named(asked, _words_of(policy)):  # a revision's own rule on the tool answers it
        return record
    return replace(record, answered=True, section_id=policy.section_of(rule[0].id).id,
                   passage_ids=tuple(p.id for p in rule), tentative=True)


def _another_version(named: str, in_force: str) -> bool:
    """Whether a button names a version, and not the one in force (gone back from, or replaced since)."""
    try:
        return bool(named) and version_number(named) != version_number(in_force)
    except PublishRefused:
        return False


def _newer(named: str, in_force: str) -> bool:
    """Whether a button names a later version than the one in force ("" or no version number named: no)."""
    try:
        wanted = version_number(named)
    except PublishRefused:
        return False
    try:
        return wanted > version_number(in_force)
    except PublishRefused:
        return True


def _words_after_opener(said: str) -> int | None:
    """How many words follow the follow-up opening ("what about", "a beth am") a normalised message starts with; None
    when it starts with none."""
    said = " ".join(said.split())  # "hyd 'noed" normalises to "hyd  noed", as the lists' phrases do not
    opener = opening(said, FOLLOW_UPS)
    return None if opener is None else len(said.split()) - len(opener.split())


def _surely_a_follow_up(text: str) -> bool:
    """A follow-up's opening then a few words at most: "what about Instagram?", "a beth am y cynradd?"."""
    after = _words_after_opener(normalise(text))
    return after is not None and after <= FOLLOW_UP_SURELY_WORDS


def _with_their_follow_ups(asked: list[str]) -> list[str]:
    """The questions of one message, each short follow-up kept with the question before it ("Can I friend a parent
    on Facebook? And what about Instagram?" is one question, not a second asked alone)."""
    joined: list[str] = []
    for question in asked:
        if joined and _surely_a_follow_up(question):
            joined[-1] = f"{joined[-1]} {question}"
        else:
            joined.append(question)
    return joined


def sections_named(policy: Policy, name: str) -> list[PolicySection]:
    """The sections whose heading (English or Welsh) holds every word of `name` but the small ones, a Welsh word in any
    of its mutations ("ddefnydd personol"); of several, those whose heading holds the words as written, in order
    ("personal use": "… for personal use", not "Use of personal mobile devices")."""
    named = [word for word in name.split() if word not in ENGLISH_STOPWORDS and word not in WELSH_STOPWORDS]
    if not named:
        return []
    headings = {section.id: f" {' '.join(normalise(f'{section.heading_en} {section.heading_cy}').split())} "
                for section in policy.sections}
    found = [section for section in policy.sections
             if all(any(f" {form} " in headings[section.id] for form in welsh_radicals(word)) for word in named)]
    as_written = [section for section in found if f" {' '.join(name.split())} " in headings[section.id]]
    return as_written if len(found) > 1 and len(as_written) == 1 else found


def _openers(question: str) -> tuple[list[str], str]:
    """The greetings, thanks and filler a message opens with, as listed, and the rest of it as typed ("" when there is
    none)."""
    words = list(re.finditer(r"\S+", question))
    start, found = 0, []
    while start < len(words):
        size = next((size for size in range(min(_OPENER_MOST_WORDS, len(words) - start), 0, -1)
                     if " ".join(normalise(" ".join(w.group() for w in words[start:start + size])).split())
                     in _OPENERS), 0)
        if size:
            found.append(" ".join(normalise(" ".join(w.group() for w in words[start:start + size])).split()))
        elif start and not normalise(words[start].group()).strip():
            size = 1  # a dash, colon or emoji standing alone after an opener ("quick one - can I …?")
        else:
            break
        start += size
    return found, question[words[start].start():] if start < len(words) else ""


def _card_language(found: Answer, question: str, person: Lang) -> Lang:
    """Welsh for a question the index read as Welsh, unless none of its words is Welsh that English lacks: "logo",
    "staff" or "blog disclaimer?" are in the Welsh lexicon as they are in English, and typed from a Teams in English
    they are English. Otherwise the person's language."""
    return Lang.CY if found.language == Lang.CY.value and _welsh_by_its_words(question) else person


def _welsh_by_its_words(question: str) -> bool:
    """Whether a word of the question is Welsh and not English too: a Welsh function word, or a Welsh word that reads
    as another English word ("ffôn", "lluniau", "logo'r")."""
    for word in words(question):
        if word in ENGLISH_STOPWORDS:
            continue
        if word in WELSH_MARKERS or word in WELSH_STOPWORDS:
            return True
        english = lookup_welsh(word)
        if english and stem(english) != stem(word) and english != word.rstrip("s"):
            return True
    return False


def _with_question(turn: Turn) -> bool:
    """A press on the answer to one of several questions a message asked: the card drawn again says which it answers."""
    return turn.data.get("with_question") == "1"


def _has_link(text: str) -> bool:
    return _LINK.search(text) is not None


def asked_words(question: str) -> str:
    """What the policy is asked for a question: without the greetings and filler it opens with, nor the addresses of
    links sent with it (the bot cannot open them, and read as words they drew answers away from the question's
    own)."""
    asked = " ".join(_LINK.sub(" ", asked_after_greeting(question)).split())
    return asked if normalise(asked) else question


def asked_after_greeting(question: str) -> str:
    """The question without the greetings, thanks and filler it opens with ("Diolch! Bore da, ga i …?" and "Hiya, quick
    one - can I …?" ask "ga i …?" and "can I …?"); as it came when there is nothing else."""
    found, rest = _openers(question)
    return rest if found and rest else question
