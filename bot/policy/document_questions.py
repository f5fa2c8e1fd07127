"""Questions about the policy document itself ("who wrote it?", "pryd fydd y polisi'n cael ei adolygu?").

They are answered from the document's details, not from a passage: no sentence of the policy says who wrote it.
The cue phrases live in `data/document-questions.json`, which a Welsh speaker can extend; matching is on whole
folded words, so capitals, accents and apostrophes do not matter, and a cue word typed with two letters swapped or
one dropped or doubled ("reveiw", "aproved") is read as that word.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.policy.lexicon import ENGLISH_STOPWORDS, PLATFORM_WORDS
from bot.policy.text import words
from bot.policy.typos import MIN_TYPO_LENGTH, TypoIndex
from bot.policy.welsh import detect_language

DEFAULT_CUES_FILE = Path(__file__).resolve().parent / "data" / "document-questions.json"
# The details a question can be about, as the policy's details name them.
DETAILS = ("title", "version", "author", "date_of_issue", "agreed_by", "last_reviewed", "next_review", "schools",
           "authorisation")
# A pronoun stands for the document only in a short question ("who approved it?").
SHORT_QUESTION_WORDS = 10
# What an apostrophe leaves of a short form ("when's", "it'll", "mae'r"): not words of their own for that count.
CLITICS = frozenset({"s", "t", "ll", "re", "ve", "d", "m", "r", "n"})


def _has(text: str, phrases: Iterable[str]) -> bool:
    """Whether the read question holds one of the phrases as whole words."""
    return any(f" {phrase} " in text for phrase in phrases)


@dataclass(frozen=True)
class _Together:
    """Words that ask about a detail only together, anywhere in the question: an ask and a name (and, where listed, a
    contrast), with none of the `unless` words. "Does this cover the nursery as well?" asks which schools (an ask, a
    setting, a contrast), "does this cover me too?" whom the rules reach; "who signed this off, was it the
    governors?" asks who agreed it (an ask and a body), "who signed it for the governors?" who authorised it."""

    asks: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    contrasts: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        """Whether the read question asks it."""
        return (_has(text, self.asks) and _has(text, self.names) and (not self.contrasts or _has(text, self.contrasts))
                and not _has(text, self.unless))


@dataclass(frozen=True)
class _Detail:
    name: str
    cues: tuple[str, ...]
    cues_with_document: tuple[str, ...]
    cues_with_setting: _Together
    cues_with_body: _Together  # counts only when the question names the document, like cues_with_document
    unless: tuple[str, ...]  # a question with one of these is not about this detail ("a Welsh version?")


class DocumentQuestions:
    """Tells which detail of the document, if any, a question asks about."""

    def __init__(self, raw: dict[str, Any]) -> None:
        """From the parsed cue file (see `load`)."""
        self._ignored = frozenset(raw.get("ignored", ()))
        self._cue_words = frozenset(_every_word(raw))
        self._typos = TypoIndex(self._cue_words)
        self._read_as: tuple[tuple[str, str], ...] = ()  # none while its own phrases are read
        self._read_as = tuple((f" {self._phrase(said)} ", f" {self._phrase(reading)} ")
                              for reading, spoken in raw.get("read_as", {}).items() for said in spoken)
        self._document_words = frozenset(self._phrase(w) for w in raw["document_words"])
        self._pronouns = frozenset(self._phrase(w) for w in raw["pronouns"])
        self._not_pronouns = self._phrases(raw.get("not_pronouns", ()))
        self._this_policy_words = frozenset(raw.get("this_policy_words", ()))
        self._details = tuple(
            _Detail(
                name,
                self._phrases(entry["cues"]),
                self._phrases(entry.get("cues_with_document", [])),
                _Together(*(self._phrases(entry.get("cues_with_setting", {}).get(group, []))
                            for group in ("asks", "settings", "contrasts", "unless"))),
                _Together(*(self._phrases(entry.get("cues_with_body", {}).get(group, []))
                            for group in ("asks", "bodies", "contrasts", "unless"))),
                self._phrases(entry.get("unless", [])),
            )
            for name, entry in raw["details"].items()
        )
        unknown = [d.name for d in self._details if d.name not in DETAILS]
        if unknown:
            raise ValueError(f"unknown document details in the cue file: {', '.join(unknown)}")

    @classmethod
    def load(cls, path: Path = DEFAULT_CUES_FILE) -> DocumentQuestions:
        """The cues in a JSON file."""
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def detail_asked(self, question: str, title: str = "") -> str | None:
        """The detail a question asks about ("author", "next_review", ...), or None for a question about the rules or
        about another policy than the one titled `title`."""
        tokens = self._words(question)
        if not tokens or self._names_another_policy(tokens, title):
            return None
        text = self._read(tokens)
        short = sum(t not in CLITICS for t in tokens) <= SHORT_QUESTION_WORDS
        names_document = _has(text, self._document_words) or (short and _has(self._masked(text), self._pronouns))
        for detail in self._details:
            if _has(text, detail.unless):
                continue
            # A question that names a platform asks what the rules reach ("… or just the big sites like Facebook"),
            # not which schools or sites.
            if _has(text, detail.cues) or (detail.cues_with_setting.matches(text)
                                           and PLATFORM_WORDS.isdisjoint(tokens)):
                return detail.name
            if names_document and (_has(text, detail.cues_with_document) or detail.cues_with_body.matches(text)):
                return detail.name
        return None

    def _masked(self, text: str) -> str:
        """The read question with the phrases whose pronoun-like word is no pronoun ("o bryd": from when) left out, as
        a pronoun naming the document is looked for."""
        for phrase in self._not_pronouns:
            while f" {phrase} " in text:
                text = text.replace(f" {phrase} ", " ; ")
        return text

    def _names_another_policy(self, tokens: list[str], title: str) -> bool:
        """Whether an English question names a policy by a word this one's title does not have ("the anti-bullying
        policy"); its details would answer a question about another document wrongly."""
        if detect_language(tokens) != "en":
            return False
        own = self._this_policy_words | frozenset(words(title))
        return any(word in ("policy", "policies") and before.isalpha() and before not in ENGLISH_STOPWORDS
                   and before not in CLITICS and before not in own
                   for before, word in zip(tokens, tokens[1:], strict=False))

    def _words(self, text: str) -> list[str]:
        """Folded words, the ignored ones left out; in English, typos of cue words read as the cue word (a Welsh
        mutation also adds or drops a letter: "waith" is work, not "with")."""
        folded = words(text)
        english = detect_language(folded) == "en"
        return [self._spelled(w) if english else w for w in folded if w not in self._ignored]

    def _spelled(self, token: str) -> str:
        """The cue word a token is a typo of, else the token. Only swapped, dropped or doubled letters count: a
        changed letter is as often another word ("agrees" is not "agreed")."""
        if token in self._cue_words or len(token) < MIN_TYPO_LENGTH:
            return token
        known = self._typos.correct(token)
        # `correct` gives one edit, or letters dropped: of the same length, only a swap counts.
        if known is None or (len(known) == len(token) and sorted(known) != sorted(token)):
            return token
        return known

    def _read(self, tokens: list[str]) -> str:
        """The words as one string padded with spaces, phrases read as the cue file says ("this policy" as "the
        policy")."""
        text = f" {' '.join(tokens)} "
        for said, reading in self._read_as:
            text = text.replace(said, reading)
        return text

    def _phrases(self, texts: Iterable[str]) -> tuple[str, ...]:
        return tuple(self._phrase(text) for text in texts)

    def _phrase(self, text: str) -> str:
        """A cue as it is matched: folded, ignored words left out, read as the cue file says."""
        return self._read(self._words(text)).strip()


def _every_word(raw: dict[str, Any]) -> Iterable[str]:
    """Every word of the cue file's phrases: the words a typo may stand for."""
    phrases = [*raw["document_words"], *raw["pronouns"], *raw.get("read_as", {})]
    phrases += [said for spoken in raw.get("read_as", {}).values() for said in spoken]
    for entry in raw["details"].values():
        phrases += [*entry["cues"], *entry.get("cues_with_document", []), *entry.get("unless", [])]
        phrases += [phrase for key in ("cues_with_setting", "cues_with_body")
                    for group in entry.get(key, {}).values() for phrase in group]
    return (word for phrase in phrases for word in words(phrase))


@cache
def shared_document_questions() -> DocumentQuestions:
    """The shipped cue file, read once per process."""
    return DocumentQuestions.load()
