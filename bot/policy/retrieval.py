"""Finds the policy's own words that answer a question: offline, deterministic, English and Welsh.

A question about the document itself ("who wrote it?") is answered from its details (document_questions.py).
Any other question is ranked against every passage by three measures:
- words (lexical.py): BM25 over the passage, its heading and any wordings, with slang, typos and Welsh read;
- meaning (meaning.py): a sentence model compares the question with each passage's views;
- a classifier (meaning.py) trained on the passages' own words, their wordings and the not-covered questions;
mixed as (1 - MEANING_WEIGHT) x words (scaled to the best) + MEANING_WEIGHT x meaning + CLASSIFIER_WEIGHT x the
classifier's chance. Whether to quote the best passage is abstention.py's decision.

Steering data (steering.py) is optional: wordings bound to their passage's text, and not-covered questions, each of
which stops counting when a passage it was not checked against answers it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from bot.policy import abstention, clauses
from bot.policy.abstention import Evidence
from bot.policy.clauses import clause_cited
from bot.policy.document_questions import DocumentQuestions, shared_document_questions
from bot.policy.lexical import ASKING_TERMS, LexicalIndex, Query
from bot.policy.lexicon import CANONICAL, ENGLISH_STOPWORDS, QUERY_SYNONYMS, words_digest
from bot.policy.meaning import MeaningIndex, own_views, pieces_of
from bot.policy.model import Policy, PolicyPassage, PolicySection
from bot.policy.sentence import SentenceVectors, index_cache_folder
from bot.policy.steering import BoundSteering, Steering, bind, load_steering, text_key
from bot.policy.text import NOT_STEMMED, words
from bot.policy.welsh import WelshReader, detect_language, welsh_sentences

MEANING_WEIGHT = 0.9
CLASSIFIER_WEIGHT = 0.05
SECOND_PASSAGE_RATIO = 0.8
MAX_QUESTION_CHARS = 2000
# A topic typed alone ("photos", "y lluniau", "pupils fb"): this many words and things named at most, and the
# sections offered for it.
TOPIC_MOST_WORDS = 3
TOPIC_MOST_THINGS = 2
MOST_SECTIONS_SPEAKING_OF = 4

# The terms of the words that ask what the policy says ("rule", "policy", "guidance"), as a question's slots hold them.

# The index's matrix-vector products are small: BLAS worker threads only spin between them, doubling the CPU
# an answer costs and taking it from the bot's other turns (measured: 7.4 ms CPU for 3.7 ms of answer).
threadpool_limits(limits=1, user_api="blas")


@dataclass(frozen=True)
class Answer:
    """What the policy says about a question, or that it does not cover it. `detail` names the document's detail
    a question about the document itself asks for ("author", "next_review"...); such an answer quotes nothing."""

    answered: bool
    passages: tuple[PolicyPassage, ...]
    section: PolicySection | None
    score: float
    language: str
    # The sections nearest the question, best first (an answer's own section among them): where to look next.
    closest_sections: tuple[str, ...] = ()
    detail: str = ""
    # Answered, but the nearest the policy comes may not answer the question exactly (abstention.tentative).
    tentative: bool = False
    # Not answered because the message has no word the policy could be asked about ("pls", "u there?", "ga i?").
    asks_nothing: bool = False

    @property
    def quote(self) -> str:
        """The quoted passages joined by a space ("" when not answered)."""
        return " ".join(p.text for p in self.passages)


@dataclass(frozen=True)
class Ranking:
    """How the passages fit one question: mixed scores, the best passage, its confidence, and the verdict."""

    language: str
    mixed: list[float]
    best: int
    confidence: float
    answerable: bool
    tentative: bool = False


@cache
def shared_sentences() -> SentenceVectors:
    """One sentence model per process (about 35 MB): every index shares it. What it works out is kept in the
    INDEX_CACHE_FOLDER when set."""
    return SentenceVectors(cache=index_cache_folder())


@cache
def shipped_steering() -> Steering:
    """The steering file shipped with the bot (for the 2022 policy) and the generic staff questions."""
    return load_steering()


def readings(headings: Sequence[str], texts: Sequence[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Each passage's (heading, text) as the word measure and as the sentence model read it: as typed; a rule kept
    in Welsh only (a bilingual document's rule with no English beside it) read as English, as a Welsh question is,
    so that a question in either language can find it."""
    english = [f"{heading} {text}" for heading, text in zip(headings, texts, strict=True) if not welsh_sentences(text)]
    known = {word for text in english for word in words(text)} | set(QUERY_SYNONYMS) | set(CANONICAL)
    reader = WelshReader(lambda word: word in known or word in ENGLISH_STOPWORDS)
    by_words: list[tuple[str, str]] = []
    by_meaning: list[tuple[str, str]] = []
    for heading, text in zip(headings, texts, strict=True):
        if not welsh_sentences(text):
            by_words.append((heading, text))
            by_meaning.append((heading, text))
            continue
        terms, gloss = reader.as_english(text)
        heading_terms, heading_gloss = (reader.as_english(heading) if detect_language(words(heading)) == "cy"
                                        else (heading, heading))
        by_words.append((heading_terms, terms))
        by_meaning.append((heading_gloss, gloss))
    return by_words, by_meaning


def read_after_the_one_before(
    policy: Policy, passages: Sequence[PolicyPassage], headings: Sequence[str]
) -> list[str]:
    """Each passage that continues a short paragraph (one a card quotes whole) as "heading. the one before. it";
    "" for the others."""
    return [
        f"{heading}. {passages[n - 1].text} {passage.text}"
        if n and passage.continues and len(policy.in_context((passage,))) > 1
        else ""
        for n, (passage, heading) in enumerate(zip(passages, headings, strict=True))
    ]


class PolicyIndex:
    """An in-memory index of the policy's passages that answers questions."""

    def __init__(
        self,
        policy: Policy,
        threshold: float = abstention.THRESHOLD,
        sentences: SentenceVectors | None = None,
        steering: Steering | None = None,
        document_questions: DocumentQuestions | None = None,
    ) -> None:
        """Index every passage with the steering data that fits it (the shipped file unless given)."""
        self.policy = policy
        self.threshold = threshold
        self._passages = policy.all_passages()
        self._sections = [policy.section_of(p.id) for p in self._passages]
        self._clauses: dict[str, list[int]] = {}
        within: dict[str, list[int]] = {}  # the passages of each clause's sub-clauses ("4.1" holds 4.1.1 and 4.1.2)
        for position, passage in enumerate(self._passages):
            if passage.clause:
                self._clauses.setdefault(passage.clause, []).append(position)
                parts = passage.clause.split(".")
                for depth in range(2, len(parts)):
                    within.setdefault(".".join(parts[:depth]), []).append(position)
        # A clause no passage is numbered by is its sub-clauses: "4.1 General", a numbered sub-heading.
        self._clauses |= {number: found for number, found in within.items() if number not in self._clauses}
        self.steering: BoundSteering = bind(policy, shipped_steering() if steering is None else steering)
        self._document_questions = document_questions or shared_document_questions()
        headings = [section.heading_en for section in self._sections]
        self._by_words, by_meaning = readings(headings, [p.text for p in self._passages])
        sentences = sentences or shared_sentences()
        self._lexical = LexicalIndex([t for _, t in self._by_words], [h for h, _ in self._by_words],
                                     self.steering.asked_as, model_knows=sentences.knows_whole)
        # Each not-covered question read once, here: the sentence model's text, and the things `_narrower` compares
        # (read on the first general question instead, they held that answer up by a third of a second).
        examples = [self._lexical.read(question) for question, _ in self.steering.not_covered]
        self._not_covered_read = [example.reading for example in examples]
        self._not_covered_things = [[slot.terms for slot in example.slots] for example in examples]
        self._meaning = MeaningIndex(
            sentences,
            [own_views(h, t) for h, t in by_meaning],
            self.steering.asked_as,
            [pieces_of(t) for _, t in by_meaning],
            self._not_covered_read,
            [number for _, number in self.steering.not_covered],
            read_after_the_one_before(policy, self._passages, headings),
        )
        self._keys = [text_key(p.text) for p in self._passages]
        details = policy.details
        # What staff may call this document by: its title and its schools' names ("the Kestrel Ridge policy").
        self._own_names = " ".join(d.en for d in (details.title, details.federation, *details.schools) if d)
        # For each not-covered question, the passage (number) that answers it when it is switched off, else -1.
        self.answered_by = self._remembered_suspensions(sentences)
        self.suspended = self.answered_by >= 0
        self._meaning.use_not_covered(~self.suspended)

    def answer(self, question: str) -> Answer:
        """The document detail asked for, the best passage(s) for a question, or an honest "not covered" with the
        closest sections."""
        question = question[:MAX_QUESTION_CHARS]
        detail = self._document_questions.detail_asked(question, self._own_names)
        if detail is not None:
            detail = self.policy.details.answering(detail)
            return Answer(True, (), None, 1.0, detect_language(words(question)), detail=detail)
        if (cited := clause_cited(question, self._clauses)) is not None:  # "What does paragraph 4.2 say?"
            quoted = self._clauses[cited][:clauses.MOST_PASSAGES]
            section = self._sections[quoted[0]]
            return Answer(True, tuple(self._passages[p] for p in quoted), section, 1.0,
                          detect_language(words(question)), (section.id,))
        ranking = self.rank(question)
        if ranking is None:
            return Answer(False, (), None, 0.0, detect_language(words(question)), asks_nothing=True)
        mixed, best = ranking.mixed, ranking.best
        if not ranking.answerable:
            return Answer(False, (), None, round(ranking.confidence, 4), ranking.language, self._closest(mixed))
        section = self._sections[best]
        chosen = [best]
        ranked = sorted(range(len(mixed)), key=lambda p: (-mixed[p], p))
        runner_up = ranked[1] if len(ranked) > 1 else None
        if (
            runner_up is not None
            and self._sections[runner_up] is section
            and mixed[runner_up] >= SECOND_PASSAGE_RATIO * mixed[best]
        ):
            chosen.append(runner_up)
        return Answer(
            True,
            tuple(self._passages[p] for p in chosen),
            section,
            round(ranking.confidence, 4),
            ranking.language,
            self._closest(mixed),
            tentative=ranking.tentative,
        )

    def sections_speaking_of(self, message: str) -> tuple[str, ...]:
        """For a message of a few words that names one thing or two ("photos", "lluniau", "pupils fb"), the sections
        whose own words speak of it, or of both (read as a question's words are: their Welsh, slang and synonyms),
        those that speak of it most first, `MOST_SECTIONS_SPEAKING_OF` at most; none for any other message. Built from
        the document's text alone, so any policy imported gets it."""
        if len(words(message)) > TOPIC_MOST_WORDS:
            return ()
        query = self._lexical.read(message[:MAX_QUESTION_CHARS])
        if not 1 <= len(query.slots) <= TOPIC_MOST_THINGS:
            return ()
        scores = self._lexical.scores(query)
        best: dict[str, float] = {}
        holding = [{self._sections[p].id for p in self._lexical.speaking_of(slot)} for slot in query.slots]
        for position, section in enumerate(self._sections):
            if all(section.id in held for held in holding):  # two things ("lluniau plant"): a section with both
                best[section.id] = max(best.get(section.id, 0.0), float(scores[position]))
        return tuple(sorted(best, key=lambda s: -best[s]))[:MOST_SECTIONS_SPEAKING_OF]

    def rank(self, question: str) -> Ranking | None:
        """How every passage fits a question and how sure the best is; None when the question has no words."""
        query = self._lexical.read(question[:MAX_QUESTION_CHARS])
        if not query.slots:
            return None
        sentence = self._meaning.embed(query.reading)
        lexical = self._lexical.scores(query)
        meaning = self._meaning.by_passage(sentence)
        likely = self._meaning.probabilities(sentence)
        # Among the passages only: the not-covered classes' share must not reshape the ranking (a revision's new
        # passages sit nearer an old version's not-covered questions than the passages those were written for).
        among_passages = likely[: len(self._passages)] / max(float(likely[: len(self._passages)].sum()), 1e-9)
        mixed = self._mix(lexical, meaning, among_passages)
        best = int(np.argmax(mixed))
        lists = np.array(
            [self.steering.applies(g, self._keys[best]) for g in range(len(self.steering.checked_against))] or [False]
        )
        chances = likely[len(self._passages) :]
        evidence = Evidence(
            language=query.language,
            matched_share=self._lexical.matched_share(
                query, best, abstention.UNMATCHED_SCALE, abstention.UNMATCHED_EXPONENT
            ),
            meaning=float(meaning[best]),
            nearest_not_covered=self._meaning.nearest_not_covered(sentence, lists, self._narrower(query, best)),
            chance=float(likely[best]),
            not_covered_chance=float(chances[lists[: len(chances)]].sum()),
        )
        return Ranking(
            query.language,
            [float(v) for v in mixed],
            best,
            abstention.confidence(evidence),
            abstention.answerable(evidence, self.threshold),
            abstention.tentative(evidence),
        )

    def _narrower(self, query: Query, best: int) -> npt.NDArray[np.bool_] | None:
        """For a general question, one or two things the best passage's own words speak of and words that ask what
        the policy says ("what's the rule on phones?", "rheolau am luniau?"): the not-covered questions that ask
        something narrower about the same things ("exam board rules on phones in exams": every thing the question
        names and more), which must not silence it; None for any other question, a topic typed without such words
        among them. A not-covered question that asks
        no more than the question still does ("are pupils allowed phones?")."""
        things = [slot for slot in query.slots if not slot.terms & ASKING_TERMS]
        if (len(things) == len(query.slots) or not 1 <= len(things) <= TOPIC_MOST_THINGS
                or not all(self._lexical.speaks_of(s, best) for s in things)):
            return None  # a word typed alone ("photos") gets the sections that speak of it, not one passage
        named = frozenset().union(*(slot.terms for slot in things))
        narrower = np.zeros(len(self.steering.not_covered), dtype=bool)
        for i, example in enumerate(self._not_covered_things):
            holds_every_thing = all(any(slot.terms & terms for terms in example) for slot in things)
            asks_more = any(not terms & named and not terms & ASKING_TERMS for terms in example)
            narrower[i] = holds_every_thing and asks_more
        return narrower

    def _mix(
        self, lexical: npt.NDArray[np.float64], meaning: npt.NDArray[np.float32], chance: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float64]:
        top = float(lexical.max())
        scaled = lexical / top if top > 0 else np.zeros_like(lexical)
        mixed: npt.NDArray[np.float64] = (
            (1 - MEANING_WEIGHT) * scaled + MEANING_WEIGHT * np.maximum(meaning, 0.0) + CLASSIFIER_WEIGHT * chance
        )
        return mixed

    def _remembered_suspensions(self, sentences: SentenceVectors) -> npt.NDArray[np.intp]:
        """`_answered_by_new_passages`, worked out once per policy text and not-covered list (about 2 s for 1,200
        questions) and kept like the vectors (`SentenceVectors.remembered`)."""
        settings = (self.threshold, abstention.CONFIDENCE_MEANING_WEIGHT,
                    abstention.UNMATCHED_SCALE, abstention.UNMATCHED_EXPONENT, MEANING_WEIGHT, words_digest(),
                    sorted(NOT_STEMMED))
        digest = hashlib.sha256(repr(settings).encode())
        for passage, section in zip(self._passages, self._sections, strict=True):
            digest.update(f"{section.heading_en}\x1f{passage.text}\x1e".encode())
        # Each question as the sentence model reads it too: a change in how questions are read changes the result.
        for (question, number), read in zip(self.steering.not_covered, self._not_covered_read, strict=True):
            checked = self.steering.checked_against[number]
            digest.update(f"{question}\x1f{read}\x1f{','.join(sorted(checked))}\x1e".encode())
        saved = sentences.remembered(
            "answered-by", digest.hexdigest(), lambda: {"answered_by": self._answered_by_new_passages()}
        )
        return np.asarray(saved["answered_by"], dtype=np.intp)

    def _answered_by_new_passages(self) -> npt.NDArray[np.intp]:
        """For each not-covered question: the passage it was not checked against that answers it by its own words
        and meaning (then it must not silence that passage), or -1."""
        suspended = np.full(len(self.steering.not_covered), -1, dtype=np.intp)
        if not len(suspended):
            return suspended
        # Judged by the passages' own words: wordings are this version's steering, not the policy.
        plain = LexicalIndex([t for _, t in self._by_words], [h for h, _ in self._by_words],
                             [()] * len(self._passages))
        for i, ((question, number), sentence) in enumerate(
            zip(self.steering.not_covered, self._meaning.not_covered_rows, strict=True)
        ):
            query = plain.read(question)
            if not query.slots:
                continue
            meaning = self._meaning.by_own_text(sentence)
            best = int(np.argmax(self._mix(plain.scores(query), meaning, np.zeros_like(meaning))))
            if self._keys[best] in self.steering.checked_against[number]:
                continue
            evidence = Evidence(
                language=query.language,
                matched_share=plain.matched_share(
                    query, best, abstention.UNMATCHED_SCALE, abstention.UNMATCHED_EXPONENT
                ),
                meaning=float(meaning[best]),
                nearest_not_covered=-1.0,
                chance=0.0,
                not_covered_chance=0.0,
            )
            if abstention.answered_by_passage(evidence, self.threshold):
                suspended[i] = best
        return suspended

    def _closest(self, scores: list[float]) -> tuple[str, ...]:
        best_by_section: dict[str, float] = {}
        for position, score in enumerate(scores):
            section_id = self._sections[position].id
            if score > 0 and score > best_by_section.get(section_id, 0.0):
                best_by_section[section_id] = score
        order = sorted(best_by_section, key=lambda s: -best_by_section[s])
        return tuple(order[:3])
