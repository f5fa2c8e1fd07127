"""Scoring by words: a question read into terms (English or Welsh, slang, typos) and BM25 over the passages.

Each passage, with its half-weighted section heading and any wordings staff use for it, is a BM25 document over
normalised terms. A question becomes "slots", one per meaningful word, each holding alternative terms (the word,
its synonyms or its English translation); a passage's score sums each slot's best term. The same reading gives
the sentence model its text: the question as typed, or a Welsh question as word-for-word English.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.policy.lexicon import (
    ASKING_WORDS,
    CANONICAL,
    ENGLISH_STOPWORDS,
    NEW_WORDS,
    PHRASES,
    PLATFORM_WORDS,
    QUERY_SYNONYMS,
    WHEN_IT_HAPPENED,
)
from bot.policy.text import apply_phrases, stem, words
from bot.policy.text_speak import spelt_out
from bot.policy.typos import MIN_TYPO_LENGTH, TypoIndex, slipped
from bot.policy.welsh import WelshReader, detect_language, lookup_welsh, welsh_words

K1 = 1.2
B = 0.75
HEADING_WEIGHT = 0.5
ASKED_WEIGHT = 0.5
TYPO_WEIGHT = 0.8
PLATFORM_WEIGHT = 0.5
# "policy", "rules" beside a thing ("what's the policy on photos?") ask what the document says about it: they must not
# pull the question to a passage that names the policy itself.
ASKING_WEIGHT = 0.25


def _phrase_pattern(phrase: str) -> str:
    """A listed phrase as typed: any spacing between its words, its apostrophe straight, curly or left out."""
    return r"\s+".join(re.escape(word).replace("'", "['’]?") for word in phrase.split())


_COUNT = r"(?:a|an|one|two|three|four|five|six|a\s+few|a\s+couple\s+of|couple\s+of|few|several|\d+)"
_WELSH_COUNT = (r"(?:un|dau|ddau|dwy|ddwy|tri|dri|tair|dair|pedwar|bedwar|pedair|bedair|pum|bum|pump|bump|chwe"
                r"|chwech|ychydig|cwpl\s+o|\d+)")
# When something happened ("yesterday", "last week", "a few days ago", "ddoe", "wythnos diwetha", "mis yn ôl"), as
# typed anywhere in a question, not inside a word nor before a possessive ("this morning's trip" names the trip).
_WHEN_IT_HAPPENED = re.compile(
    r"(?<![\w'’])(?:"
    + "|".join(_phrase_pattern(p) for p in sorted(WHEN_IT_HAPPENED, key=len, reverse=True))
    + rf"|{_COUNT}\s+(?:minute|hour|day|week|month|year|term)s?\s+ago"
    + rf"|(?:{_WELSH_COUNT}\s+)?(?:munud|awr|oriau|diwrnod|dyddiau|ddyddiau|wythnos|wythnosau|mis|misoedd|blwyddyn"
    r"|flwyddyn|mlynedd|tymor)\s+yn\s+[oô]l"
    + r")(?![\w'’])",
    re.IGNORECASE,
)


def without_when_it_happened(question: str) -> str:
    """A question without the words that say when what it tells of happened: "I posted a photo of my class yesterday,
    was that wrong?" reads as "I posted a photo of my class, was that wrong?" (before, "yesterday" was a word the policy
    lacked, which made the bot less sure of the same answer, or took it to another passage). A question of nothing
    else is kept as it came."""
    left = _WHEN_IT_HAPPENED.sub(" ", question)
    if left == question or not words(left):
        return question
    left = re.sub(r"\s+([,.?!;:])", r"\1", left)
    return re.sub(r"([,;:])(?=\1)", "", " ".join(left.split())).lstrip(",;: ")


# A social-media handle typed in a question ("@angrymum123", "@LlanidloesHigh"), not an email address's "@".
_HANDLE = re.compile(r"(?<![\w@.])@\w{2,}")


def with_handles_as_accounts(question: str) -> str:
    """A question with each @handle in it read as "an account": "can I follow @LlanidloesHigh from my personal
    account?" asks what "can I follow an account from my personal account?" asks (before, the handle's letters were
    words of the question the policy lacked, "llanidloeshigh", and made the bot less sure or pulled it elsewhere)."""
    return _HANDLE.sub("an account", question)


# Apostrophes and quotation marks as a phone types them ("what’s", “this”), read as typed on a keyboard: the sentence
# model reads "what’s" as another word than "what's" (before, "what’s the policy on photos?" was "not covered" on 2022
# where "what's …" quoted the rule on photographs).
_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"',
                              "‟": '"'})


@dataclass(frozen=True)
class Slot:
    """One meaningful word of a question: its alternative terms and its weight."""

    terms: frozenset[str]
    weight: float


@dataclass
class Query:
    """A question as the measures read it."""

    language: str
    slots: list[Slot] = field(default_factory=list)
    # What the sentence model reads: the question as typed, or Welsh as word-for-word English.
    reading: str = ""


def canonical_terms(word: str) -> list[str]:
    """A word's index terms: its canonical form, stemmed."""
    return [stem(w) for w in CANONICAL.get(word, word).split()]


def document_terms(text: str) -> list[str]:
    """The index terms of a policy text (no slang, no typo handling)."""
    tokens = apply_phrases(words(text), PHRASES)
    return [term for t in tokens if t not in ENGLISH_STOPWORDS for term in canonical_terms(t)]


def asked_terms(text: str) -> list[str]:
    """The index terms of staff's wording: read like a question, slang and synonyms included, so the same word in
    a question and in a passage's wordings always meets."""
    terms: list[str] = []
    for token in apply_phrases(words(text), PHRASES):
        if token in ENGLISH_STOPWORDS:
            continue
        alternatives = QUERY_SYNONYMS[token].split() if token in QUERY_SYNONYMS else [token]
        terms.extend(dict.fromkeys(term for a in alternatives for term in canonical_terms(a)))
    return terms


# The terms of the words that ask what a policy says ("rules", "policy", "guidance"), not what it is about.
ASKING_TERMS = frozenset(asked_terms(" ".join(ASKING_WORDS)))


class LexicalIndex:
    """BM25 over the passages' terms, and the reading of questions into terms."""

    def __init__(self, texts: Sequence[str], headings: Sequence[str], wordings: Sequence[Sequence[str]], *,
                 model_knows: Callable[[str], bool] | None = None) -> None:
        """One document per passage: its text, its section heading and its wordings (all in document order).
        `model_knows(word)`: whether the sentence model reads a word whole; given, a message of one word that is a
        typo it does not know is read for it as the word it stands for (`_mended`); else the sentence model reads
        every question as typed."""
        self._model_knows = model_knows
        weights: list[dict[str, float]] = []
        text_terms: list[set[str]] = []
        # Each passage's terms in the document's own words (its text and heading): what it speaks of.
        self._own_terms: list[frozenset[str]] = []
        for text, heading, asked_as in zip(texts, headings, wordings, strict=True):
            tf: dict[str, float] = defaultdict(float)
            own = document_terms(text)
            asked = asked_terms(" . ".join(asked_as))
            for term in own:
                tf[term] += 1.0
            for term in asked:
                tf[term] += ASKED_WEIGHT
            for term in document_terms(heading):
                tf[term] += HEADING_WEIGHT
            weights.append(dict(tf))
            text_terms.append(set(own) | set(asked))
            self._own_terms.append(frozenset(own) | frozenset(document_terms(heading)))
        count = len(weights)
        average = sum(sum(w.values()) for w in weights) / max(count, 1)
        frequency: dict[str, int] = defaultdict(int)
        for w in weights:
            for term in w:
                frequency[term] += 1
        self._count = count
        self._idf = {t: math.log(1 + (count - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
        self._unknown_idf = math.log(1 + (count + 0.5) / 0.5)
        # term -> each passage's BM25 contribution (0 where absent); and whether a term is in the text or a wording,
        # not only the heading
        self._term_rows: dict[str, npt.NDArray[np.float64]] = {}
        self._in_text: set[tuple[str, int]] = set()
        for position, w in enumerate(weights):
            length = sum(w.values())
            for term, count_in_passage in w.items():
                saturation = count_in_passage * (K1 + 1) / (count_in_passage + K1 * (1 - B + B * length / average))
                self._term_rows.setdefault(term, np.zeros(count, dtype=np.float64))[position] = (
                    self._idf[term] * saturation
                )
                if term in text_terms[position]:
                    self._in_text.add((term, position))
        known = set(_vocabulary(texts, headings, wordings)) | set(QUERY_SYNONYMS) | set(CANONICAL)
        self._known = known | ENGLISH_STOPWORDS
        self._typos = TypoIndex(known - ENGLISH_STOPWORDS, names=PLATFORM_WORDS)
        self._welsh = WelshReader(lambda word: word in self._known)

    def read(self, question: str) -> Query:
        """A question's language, its slots, and the text the sentence model should read."""
        language, reading, tokens = self._reading(question)
        query = Query(language, reading=reading)
        seen: set[frozenset[str]] = set()
        for token, weight in self._english(tokens, correct_typos=language == "en"):
            alternatives = QUERY_SYNONYMS[token].split() if token in QUERY_SYNONYMS else [token]
            terms = frozenset(term for a in alternatives for term in canonical_terms(a))
            if terms and terms not in seen:
                seen.add(terms)
                weight *= PLATFORM_WEIGHT if token in PLATFORM_WORDS else 1.0
                query.slots.append(Slot(terms, weight))
        asking = [slot.terms <= ASKING_TERMS for slot in query.slots]
        if any(asking) and not all(asking):
            query.slots = [Slot(slot.terms, slot.weight * ASKING_WEIGHT) if asks else slot
                           for slot, asks in zip(query.slots, asking, strict=True)]
        return query

    def reading(self, question: str) -> str:
        """Only the text the sentence model should read for a question (what `read` gives, without its slots)."""
        return self._reading(question)[1]

    def _reading(self, question: str) -> tuple[str, str, list[str]]:
        """A question's language, its reading (a Welsh one as its word-for-word English; words newer than the
        sentence model said in words it knows) and its words as English terms."""
        tokens = words(question)
        language = detect_language(tokens)
        question = with_handles_as_accounts(without_when_it_happened(question.translate(_TYPOGRAPHIC)))
        if language == "cy":
            pieces = self._welsh.pieces(welsh_words(question))
            terms = [self._platform_meant(t) or t for t in self._welsh.terms(pieces)]
            gloss = [self._platform_meant(t) or t for t in self._welsh.gloss(pieces)]
            return language, self._with_new_words(" ".join(gloss), terms), terms
        # Text-speak spelt out ("r u allowed 2 …" is "are you allowed to …"), for both measures; marks typed again and
        # again ("??", "!!", "?!!") as one.
        reading = question = _REPEATED_MARKS.sub(_one_mark, spelt_out(question))
        tokens = words(question)
        read = []
        for token in tokens:
            mended = self._mended(token, alone=len(tokens) == 1)
            if mended:
                reading = re.sub(rf"(?<![a-z0-9]){re.escape(token)}(?![a-z0-9])", mended, reading, flags=re.IGNORECASE)
            read.append(mended or token)
        return language, self._with_new_words(reading, read), tokens

    @staticmethod
    def _with_new_words(reading: str, read: list[str]) -> str:
        """The reading followed by what the words newer than the sentence model in it mean."""
        meanings = [NEW_WORDS[t] for t in dict.fromkeys(read) if t in NEW_WORDS]
        return f"{reading} ({'; '.join(meanings)})" if meanings else reading

    def _platform_meant(self, word: str) -> str | None:
        """A platform's name however missed in a Welsh question ("watsap" in "ga i ddefnyddio watsap efo rhieni?"):
        the name is English there, which the Welsh reading leaves as typed; None for any other word."""
        if word in self._known or len(word) < MIN_TYPO_LENGTH or lookup_welsh(word) is not None:
            return None
        meant = self._typos.correct(word)
        return meant if meant in PLATFORM_WORDS else None

    def _mended(self, word: str, *, alone: bool = True) -> str | None:
        """The word a message of one English word stands for, read so by the sentence model: a typo the model has no
        meaning for ("facebok", word pieces to it) as the word the word measure takes it for ("facebook"); None for a
        word the model knows whole ("police", which the word measure reads as "policy"), and when nothing is mended.
        Only alone: in a question the other words give the model the meaning, and a word it spells out in pieces is
        most often a real one ("messaged", "repost"), which read as the policy's nearest word ("messages", "report")
        lost answers. In a question, a slip no real word makes is mended: two letters swapped ("parnets" in "can I
        add parnets on facebook?"), or a platform's name however it was missed ("watsap", "facebok"); a letter
        changed, added or dropped ("messaged", "repost", "acept") is read as typed (mending a dropped letter in a
        question lost an answer on the 2022 sets with steering data)."""
        if (self._model_knows is None or word in self._known or len(word) < MIN_TYPO_LENGTH
                or any(ch.isdigit() for ch in word) or self._model_knows(word)):
            return None
        meant = self._typos.correct(word)
        if meant is None or alone or meant in PLATFORM_WORDS or slipped(word, meant):
            return meant
        return None

    def scores(self, query: Query) -> npt.NDArray[np.float64]:
        """Every passage's BM25 score at once: each slot counts its best term."""
        total = np.zeros(self._count, dtype=np.float64)
        for slot in query.slots:
            rows = [self._term_rows[t] for t in slot.terms if t in self._term_rows]
            if rows:
                total += slot.weight * (rows[0] if len(rows) == 1 else np.maximum.reduce(rows))
        return total

    def matched_share(self, query: Query, position: int, unmatched_scale: float, exponent: float) -> float:
        """The evidence matched in a passage against what the question asked that the passage does not mention
        (the unmatched part raised to `exponent`, so long stories are not punished for every extra word)."""
        matched = unmatched = 0.0
        for slot in query.slots:
            present = [t for t in slot.terms if self._has(t, position)]
            if present:
                in_text = any((t, position) in self._in_text for t in present)
                matched += slot.weight * max(self._idf[t] for t in present) * (1.0 if in_text else HEADING_WEIGHT)
            else:
                idf = max((self._idf.get(t, self._unknown_idf) for t in slot.terms), default=self._unknown_idf)
                unmatched += slot.weight * idf
        if matched == 0.0:
            return 0.0
        return matched / (matched + unmatched_scale * math.pow(unmatched, exponent))

    def speaking_of(self, slot: Slot) -> list[int]:
        """The passages whose own words (text or heading, not wordings) hold one of a slot's terms, in order."""
        return [position for position, own in enumerate(self._own_terms) if own & slot.terms]

    def speaks_of(self, slot: Slot, position: int) -> bool:
        """Whether a passage's own words (text or heading, not wordings) hold one of a slot's terms."""
        return bool(self._own_terms[position] & slot.terms)

    def knows(self, word: str) -> bool:
        """Whether a word is in the index's vocabulary (policy words, slang and stopwords)."""
        return word in self._known

    def _has(self, term: str, position: int) -> bool:
        row = self._term_rows.get(term)
        return row is not None and bool(row[position] > 0)

    def _matches(self, slot: Slot, position: int) -> bool:
        return any(self._has(t, position) for t in slot.terms)

    def _english(self, tokens: list[str], correct_typos: bool) -> Iterable[tuple[str, float]]:
        for token in apply_phrases(tokens, PHRASES):
            if token in ENGLISH_STOPWORDS or any(ch.isdigit() for ch in token) or len(token) < 2:
                continue
            if token in self._known or len(token) < MIN_TYPO_LENGTH or not correct_typos:
                yield token, 1.0
                continue
            corrected = self._typos.correct(token)
            yield (corrected, TYPO_WEIGHT) if corrected else (token, 1.0)


_REPEATED_MARKS = re.compile(r"[?!]{2,}")


def _one_mark(found: re.Match[str]) -> str:
    return "?" if "?" in found.group() else "!"


def _vocabulary(texts: Sequence[str], headings: Sequence[str], wordings: Sequence[Sequence[str]]) -> Iterable[str]:
    for text, heading, asked_as in zip(texts, headings, wordings, strict=True):
        yield from words(" ".join((text, *asked_as)))
        yield from words(heading)
