"""Welsh questions: telling the language, undoing mutations and spoken forms, and reading Welsh as English.

A Welsh question is read twice: as English terms for the word measure (`WelshReader.terms`: the lexicon's
English for each word, grammar words dropped) and as word-for-word English for the sentence model
(`WelshReader.gloss`: grammar words kept, "Ga i ...?" reads "can I ...?"). The word lists are data files a Welsh
speaker can edit (see lexicon.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.policy.lexicon import (
    CANONICAL,
    ENGLISH_STOPWORDS,
    QUERY_SYNONYMS,
    WELSH_GLOSS,
    WELSH_GLOSS_PHRASES,
    WELSH_LEXICON,
    WELSH_MARKERS,
    WELSH_PHRASES,
    WELSH_RUN_TOGETHER,
    WELSH_STOPWORDS,
)
from bot.policy.text import phrase_pieces, words

_MUTATIONS = (
    ("ngh", "c"),
    ("mh", "p"),
    ("nh", "t"),
    ("ng", "g"),
    ("ch", "c"),
    ("ph", "p"),
    ("th", "t"),
    ("dd", "d"),
    ("m", "b"),
    ("n", "d"),
    ("g", "c"),
    ("b", "p"),
    ("d", "t"),
    ("f", "b"),
    ("f", "m"),
    ("l", "ll"),
    ("r", "rh"),
    ("m", "b"),
)


# "â" (with) stands alone; folded, it would be "a" (and): "ffrindiau â rhiant" read "friends and parent".
_WITH = re.compile(r"(?<!\w)[âÂ](?!\w)")


def welsh_words(text: str) -> list[str]:
    """The folded words of a Welsh text, "â" (with) read as "gyda", which means the same and folds to itself, and
    words typed as one on a phone as the words they are ("gai" is "ga i")."""
    return [word for typed in words(_WITH.sub(" gyda ", text)) for word in WELSH_RUN_TOGETHER.get(typed, typed).split()]


def welsh_radicals(word: str) -> list[str]:
    """The word and the forms it may be a soft, nasal or aspirate mutation of."""
    found = [word]
    for mutated, radical in _MUTATIONS:
        if word.startswith(mutated) and not (mutated in "lrdf" and word[:2] in ("ll", "rh", "dd", "ff")):
            found.append(radical + word[len(mutated) :])
    if word[:1] in "aeiouwy":
        found.append("g" + word)
    if word[:1] == "h" and word[1:2] in tuple("aeiouwy"):
        found.append(word[1:])
    return list(dict.fromkeys(found))


def spoken_plurals(word: str) -> list[str]:
    """The word, and the written plural a spoken one stands for: "-au" is said and typed "-e" in the south and
    "-a" in the north ("lunie", "lluniau"; "ffrindia", "ffrindiau")."""
    if len(word) > 4 and word[-1] in "ae" and not word.endswith("au"):
        return [word, word[:-1] + "au"]
    return [word]


def lookup_welsh(word: str) -> str | None:
    """The English for a Welsh word ("" for a Welsh stopword), or None when it is not known Welsh."""
    for spoken in spoken_plurals(word):
        for form in welsh_radicals(spoken):
            if form in WELSH_LEXICON:
                return WELSH_LEXICON[form]
            if form in WELSH_STOPWORDS:
                return ""
    return None


def detect_language(tokens: Sequence[str]) -> str:
    """ "cy" when the words look Welsh, else "en". As many Welsh markers as English function words is Welsh when other
    Welsh function words no English uses are there too: staff type Welsh with English words in it ("Ydy hi'n ok i fi
    accepto friend request gan parent?")."""
    welsh = sum(1 for t in tokens if t in WELSH_MARKERS)
    english = sum(1 for t in tokens if t in ENGLISH_STOPWORDS and t not in WELSH_STOPWORDS)
    if welsh == 0 and english == 0:
        welsh = sum(
            1
            for t in tokens
            if t not in QUERY_SYNONYMS and t not in CANONICAL and lookup_welsh(t) not in (None, "")
        )
    elif welsh == english and any(_welsh_only(t) for t in tokens):
        return "cy"
    return "cy" if welsh > english else "en"


def _welsh_only(token: str) -> bool:
    """A Welsh function word that is not a marker ("fi", "gan", "os") and that English never uses."""
    return len(token) > 1 and token in WELSH_STOPWORDS and token not in WELSH_MARKERS and token not in ENGLISH_STOPWORDS


def welsh_share(text: str) -> float:
    """How much of a short text is Welsh words the lexicon knows (0 to 1)."""
    tokens = words(text)
    welsh = [t for t in tokens if lookup_welsh(t) not in (None, t) and t not in ENGLISH_STOPWORDS]  # not "staff"
    return len(welsh) / len(tokens) if tokens else 0.0


def welsh_sentences(text: str) -> bool:
    """Welsh prose: Welsh by its words, most of them Welsh the lexicon knows or two of Welsh's own function words
    ("mae", "yn", "ar") among them; not a row of names, or a short English sentence, that merely has few English
    function words."""
    tokens = words(text)
    return len(tokens) >= 3 and detect_language(tokens) == "cy" and (
        sum(t in WELSH_MARKERS for t in tokens) >= 2 or welsh_share(text) >= 0.4)


class WelshReader:
    """Reads a Welsh question's words as English; `is_known` says which English words the policy index knows, so a
    mutated English loanword ("broblem", "ddata") is read as the English word."""

    def __init__(self, is_known: Callable[[str], bool]) -> None:
        """`is_known(word)`: whether a word is English the index knows."""
        self._is_known = is_known

    def pieces(self, tokens: Sequence[str]) -> list[tuple[str, bool]]:
        """The tokens with Welsh phrases replaced by their English (marked True)."""
        return phrase_pieces([(token, False) for token in tokens], WELSH_PHRASES, welsh_radicals)

    def gloss(self, pieces: list[tuple[str, bool]]) -> list[str]:
        """Welsh read as English word by word, grammar words included, for the sentence model."""
        out: list[str] = []
        for token, english in phrase_pieces(pieces, WELSH_GLOSS_PHRASES, welsh_radicals):
            if english:
                out.append(token)
                continue
            gloss = next((WELSH_GLOSS[form] for form in welsh_radicals(token) if form in WELSH_GLOSS), None)
            if gloss is None:
                gloss = lookup_welsh(token)
            out.extend([self.loanword(token)] if gloss is None else gloss.split())
        return out

    def terms(self, pieces: list[tuple[str, bool]]) -> list[str]:
        """The English words of a Welsh question for the word measure (grammar words become nothing)."""
        out: list[str] = []
        for token, english in pieces:
            translation = None if english else lookup_welsh(token)
            if translation is None:
                out.append(token if english else self.loanword(token))
            else:
                out.extend(translation.split())
        return out

    def as_english(self, text: str) -> tuple[str, str]:
        """A Welsh text read as a Welsh question is: its English terms for the word measure, and its word-for-word
        English for the sentence model."""
        pieces = self.pieces(welsh_words(text))
        return " ".join(self.terms(pieces)), " ".join(self.gloss(pieces))

    def loanword(self, token: str) -> str:
        """An English word mutated in a Welsh sentence ("broblem", "ddata") as the English word; else the token."""
        if self._is_known(token):
            return token
        return next((form for form in welsh_radicals(token)[1:] if len(form) > 3 and self._is_known(form)), token)
