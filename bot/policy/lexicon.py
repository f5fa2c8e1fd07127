"""Word lists the retriever uses: stopwords, synonyms and slang, and a Welsh-to-English lexicon.

The lists are plain text files in `data/words/`, so anyone (a Welsh speaker above all) can extend them without
touching code: `.txt` files hold words separated by spaces or lines, `.tsv` files one entry a line, the word or
phrase, a tab, then what it means. Lines starting with "#" are comments. Values are ordinary English words; the
retriever stems them, and a question word counts as matched when any one of its alternatives is in a passage.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

WORDS_FOLDER = Path(__file__).resolve().parent / "data" / "words"


def _lines(name: str) -> list[str]:
    text = (WORDS_FOLDER / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def read_words(name: str) -> frozenset[str]:
    """A word list: every word of every line that is not a comment."""
    return frozenset(word for line in _lines(name) for word in line.split())


def read_table(name: str) -> dict[str, str]:
    """A two-column list: word (or phrase) -> meaning; a later line wins over an earlier one."""
    table: dict[str, str] = {}
    for number, line in enumerate(_lines(name), start=1):
        key, tab, value = line.partition("\t")
        if not tab or not key.strip() or not value.strip():
            raise ValueError(f"{WORDS_FOLDER / name}: entry {number} is not 'words<TAB>meaning': {line!r}")
        table[" ".join(key.split())] = " ".join(value.split())
    return table


def read_phrases(name: str) -> dict[tuple[str, ...], str]:
    """A two-column list of phrases: tuple of words -> meaning."""
    return {tuple(key.split()): value for key, value in read_table(name).items()}


@cache
def words_digest() -> str:
    """Names the current word lists, so results worked out from them are not reused after an edit."""
    digest = hashlib.sha256()
    for path in sorted(WORDS_FOLDER.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _with_everyday(own: dict[str, str], everyday: dict[str, str]) -> dict[str, str]:
    return {**own, **{word: english for word, english in everyday.items() if word not in own}}


ENGLISH_STOPWORDS = read_words("english-stopwords.txt")
PLATFORM_WORDS = read_words("platforms.txt")
ASKING_WORDS = read_words("asking-words.txt")
WHEN_IT_HAPPENED = tuple(" ".join(line.split()) for line in _lines("when-it-happened.txt"))
CANONICAL = read_table("canonical.tsv")
QUERY_SYNONYMS = read_table("synonyms.tsv")
PHRASES = read_phrases("phrases.tsv")
WELSH_STOPWORDS = read_words("welsh-stopwords.txt")
WELSH_MARKERS = read_words("welsh-markers.txt")
WELSH_LEXICON = _with_everyday(read_table("welsh-english.tsv"), read_table("welsh-everyday.tsv"))
_welsh_phrases = read_phrases("welsh-phrases.tsv")
WELSH_PHRASES = {
    **_welsh_phrases,
    **{k: v for k, v in read_phrases("welsh-everyday-phrases.tsv").items() if k not in _welsh_phrases},
}
WELSH_GLOSS = read_table("welsh-gloss.tsv")
NEW_WORDS = read_table("new-words.tsv")
TEXT_SPEAK = {key.lower(): words for key, words in read_table("text-speak.tsv").items()}
MISSPELLINGS = {key.lower(): words for key, words in read_table("misspellings.tsv").items()}
WELSH_GLOSS_PHRASES = read_phrases("welsh-gloss-phrases.tsv")
WELSH_RUN_TOGETHER = read_table("welsh-run-together.tsv")
