"""The words and phrases the flows recognise as commands, read once from the plain files in `data/`.

Each file is one list, so anyone (a Welsh speaker above all) can add a phrase without touching code: one phrase a
line, lines starting with "#" are comments (each file's header says what its list means and how it is matched).
A phrase is compared as the bot compares what people type (`normalise`): lower case, accents and punctuation taken
away ("Dw i'n" is "dw i n", "rŵan" is "rwan"), so it may be written either way. `.tsv` files hold a word, a tab, then
what it stands for. A phrase written under a list's "# Cymraeg" heading is answered in Welsh (`listed_in_welsh`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from dialogs.base import normalise

DATA_FOLDER = Path(__file__).resolve().parent / "data"
# Where a language's name goes in the phrases for asking for (or refusing) one: "switch to {}".
PLACEHOLDER = "{}"


def _lines(name: str, folder: Path) -> list[tuple[int, str]]:
    text = (folder / name).read_text(encoding="utf-8")
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def _as_compared(text: str) -> str:
    return " ".join(normalise(text).split())


def read_phrases(name: str, *, folder: Path = DATA_FOLDER) -> tuple[str, ...]:
    """A list of phrases, as compared, in the file's order; a line of punctuation alone ("?") is kept as written,
    for a message that is only that."""
    return tuple(_as_compared(line) or line for _, line in _lines(name, folder))


def read_patterns(name: str, *, folder: Path = DATA_FOLDER, most: int = 1) -> tuple[str, ...]:
    """A list of phrases that each hold `PLACEHOLDER` once, where a name goes (a language's: "switch to {}"), or up to
    `most` times where the list allows more ("has {} gone to {}")."""
    patterns = []
    times = "once" if most == 1 else f"1 to {most} times"
    for number, line in _lines(name, folder):
        if not 1 <= line.count(PLACEHOLDER) <= most:
            raise ValueError(f"{folder / name}: line {number} needs {PLACEHOLDER} {times}, where the language's name "
                             f"goes: {line!r}")
        patterns.append(f" {PLACEHOLDER} ".join(_as_compared(part) for part in line.split(PLACEHOLDER)).strip())
    return tuple(patterns)


def listed_in_welsh(*names: str, folder: Path = DATA_FOLDER) -> frozenset[str]:
    """The phrases (as compared) the lists write under a "# Cymraeg" heading and under no "# English" one: typed, they
    are Welsh, whatever the person's Teams is in, though the words' own language check may not know them
    ("perffaith", "anghofiwch hynny"). A phrase both languages use ("grand") is listed under both, and is not here."""
    under = _listed_under(names, folder)
    return frozenset(under["Cymraeg"] - under["English"])


def listed_in_english(*names: str, folder: Path = DATA_FOLDER) -> frozenset[str]:
    """The phrases (as compared) the lists write under an "# English" heading, with or without a "# Cymraeg" one: typed,
    they keep the person's language, though a word of one is Welsh too ("ty", thank you, is "tŷ", a house)."""
    return frozenset(_listed_under(names, folder)["English"])


def _listed_under(names: tuple[str, ...], folder: Path) -> dict[str, set[str]]:
    under: dict[str, set[str]] = {"English": set(), "Cymraeg": set()}
    for name in names:
        heading = ""
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#"):
                first = line.lstrip().lstrip("#").split()[:1]
                heading = first[0] if first and first[0] in under else heading
            elif line.strip() and heading:
                under[heading].add(_as_compared(line) or line.strip())
    return under


def read_table(name: str, *, folder: Path = DATA_FOLDER) -> dict[str, str]:
    """A two-column list: word (as compared) -> what it stands for (as written); a later line wins."""
    table: dict[str, str] = {}
    for number, line in _lines(name, folder):
        key, tab, value = line.partition("\t")
        if not tab or not _as_compared(key) or not value.strip():
            raise ValueError(f"{folder / name}: line {number} is not 'word<TAB>what it stands for': {line!r}")
        table[_as_compared(key)] = value.strip()
    return table


def one_of(phrases: tuple[str, ...]) -> str:
    """A regular expression's alternation of whole phrases, in their order: "(new|set up|creu)"."""
    odd = [phrase for phrase in phrases if not re.fullmatch(r"\w+(?: \w+)*", phrase)]
    if odd:
        raise ValueError(f"only words can be matched here, not {odd!r}")
    return f"({'|'.join(phrases)})"


def opening(said: str, phrases: tuple[str, ...]) -> str | None:
    """The one of `phrases` a normalised message opens with, as whole words ("what about" in "what about insta"), or
    None."""
    return next((start for start in phrases if said == start or said.startswith(start + " ")), None)


# Words around a command that change nothing: "ok, never mind then", "o, dim ots", "I've changed my mind, sorry",
# "Welsh please", "Cymraeg os gwelwch yn dda", "help plis", "the whole policy please".
_BEFORE = frozenset(read_phrases("courtesy-before.txt"))
_AFTER_WORDS = tuple(tuple(phrase.split()) for phrase in read_phrases("courtesy-after.txt"))


def without_courtesy(said: str) -> Iterator[str]:
    """A normalised message as typed, then without each run of words that change nothing taken off either end: "ok the
    whole policy please", "ok the whole policy", "the whole policy please", "the whole policy"."""
    words = said.split()
    for start in range(len(words) + 1):
        end = len(words)
        # Each courtesy taken off the end is tried, since some back-outs end in one ("dim nawr, diolch").
        while start < end:
            yield " ".join(words[start:end])
            taken = max((len(after) for after in _AFTER_WORDS if tuple(words[start:end][-len(after):]) == after),
                        default=0)
            if not taken:
                break
            end -= taken
        if start == len(words) or words[start] not in _BEFORE:
            return


def said_only(said: str, phrases: frozenset[str]) -> str | None:
    """ "cancel", "ok, never mind then", "Welsh please", "help plis": the one of `phrases` the whole message is, once
    words that change nothing are taken off either end; None for anything else (a question that mentions one, "can I
    cancel a post I made?", "do I have to post in Welsh?", "I need help with a parent posting about me")."""
    return next((core for core in without_courtesy(said) if core in phrases), None)
