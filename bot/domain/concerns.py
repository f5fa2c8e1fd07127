"""Reports of being pestered or targeted: routing, who may see and do what, reminders and retention.

The policy: "Where staff feel they are being pestered by, or targeted by, other staff, this may
constitute a disciplinary matter and should be raised by the member of staff with their line manager
as early as possible."

Routing builds the report's chain of holders: the line manager (Graph first, then the staff list), the
headteacher, the chair of governors; for the headteacher's own report, the chair alone; for a report about
someone who is not a colleague (a parent, a pupil, someone online), the headteacher then the chair; for a
report about the headteacher, the chair alone (a grievance about the head goes to the governors) unless the chair
may be named too (then whoever it does not name, in order). Anyone
the report is about leaves the chain: whoever the reporter picked from the staff list, the line manager when
the reporter says it involves them, anyone whose name, initials, login or nickname appears in anything they typed
(`may_name`), and anyone it calls by their post or their title on the staff list ("my line manager", "the head",
"cadeirydd y llywodraethwyr", "the Head of Humanities": `describes`). The report is never sent to anyone named in
it. The first person left holds it; each escalation (the holder's, the reminder task's, or the reporter's one "this
isn't resolved") passes it one step up the chain.

The chain is fixed when the report is sent, but heads change and people leave: whenever a report moves on, the people
after its holder are taken as they are today (`Today`, `ConcernReport.as_of`): each post (headteacher, chair of
governors) held by whoever the settings name now, a line manager while still on the staff list, and never anyone the
report is about. A holder who has left (off the staff list, or no longer in the post they had it for) passes it on
(`ConcernReport.passed_on`).

Closure (when the retention period starts): closed by whoever holds it, with an outcome. An acknowledged report is
still being dealt with, and is kept: its holder can always close it, and a holder who leaves passes it on.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from functools import cache, cached_property
from itertools import groupby
from pathlib import Path
from typing import NamedTuple, Protocol

from bot.domain.directory import StaffMember, line_manager_in
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.federation import Federation
from bot.domain.ids import readable_id
from bot.domain.lists import Standing, WaitingStanding
from bot.domain.outbox import CardSlot, OutboundMessage
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.school_calendar import SchoolCalendar
from bot.domain.text import fold, visible, without_accents
from bot.policy.lexicon import (
    ENGLISH_STOPWORDS,
    WELSH_GLOSS,
    WELSH_LEXICON,
    WELSH_MARKERS,
    WELSH_PHRASES,
    WELSH_STOPWORDS,
)
from bot.policy.sentence import TOKENIZER_FILE, default_folder
from bot.policy.typos import edit_distance
from bot.policy.wordpiece import whole_words

# Working days an unacknowledged report waits for its holder before the reminder, then before it is passed up; an
# urgent one, one and one.
REMIND_AFTER, ESCALATE_AFTER = 2, 2
URGENT_REMIND_AFTER, URGENT_ESCALATE_AFTER = 1, 1
LIMITS = {"what": 3000, "since": 200, "where": 300, "who": 300, "evidence": 2000, "note": 1000, "outcome": 500}


class Route(StrEnum):
    """Why a report went where it went."""

    LINE_MANAGER = "line_manager"
    NO_MANAGER = "no_manager"
    MANAGER_INVOLVED = "manager_involved"
    MANAGER_MAY_BE_PICKED = "manager_may_be_picked"  # passed over only because the bot can't tell him from the pick
    MANAGER_NEAR_NAME = "manager_near_name"  # passed over for a word near his name ("Garth" for Gareth)
    MANAGER_POST_UNCLEAR = "manager_post_unclear"  # passed over for a post he may hold ("the wellbeing lead")
    MANAGER_UNNAMED = "manager_unnamed"  # passed over for a title without a name ("Sir keeps messaging me")
    MANAGER_NAME_SHARED = "manager_name_shared"  # passed over for a name another colleague has too ("Gareth")
    HEAD_MAY_BE_MANAGER = "head_may_be_manager"  # no line manager known, and "my line manager" may be the head
    ABOUT_HEAD = "about_head"
    REPORTER_IS_HEAD = "reporter_is_head"
    NOT_COLLEAGUE = "not_colleague"


class Role(StrEnum):
    """Why a person is in a report's chain, as the form and receipt name them."""

    LINE_MANAGER = "line_manager"
    HEADTEACHER = "headteacher"
    CHAIR = "chair"


class ReportKind(StrEnum):
    """Who the report is about: colleagues (the policy's route) or someone who is not a colleague."""

    COLLEAGUE = "colleague"
    NOT_COLLEAGUE = "outside"


class About(StrEnum):
    """The answers to "who is it about?" that are not a person on the staff list."""

    SOMEONE_ELSE = "someone_else"
    RATHER_NOT_SAY = "rather_not_say"
    NOT_COLLEAGUE = "not_colleague"


class Pace(StrEnum):
    """How soon an unacknowledged report is chased, fixed when it is sent: a report sent before urgent ones were chased
    sooner keeps the pace its receipt gave."""

    STANDARD = "standard"  # the holder reminded after two working days, the report passed up two later
    URGENT = "urgent"  # the holder reminded after one working day, the report passed up the working day after


class ReportState(StrEnum):
    """Where a report is. ESCALATED: passed up the chain, not yet acknowledged by its new holder."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    CLOSED = "closed"


class NoteKind(StrEnum):
    """What a note is, which decides who may read it (see `ConcernReport.notes_for`)."""

    ESCALATION = "escalation"  # from a holder, for the people above them
    OUTCOME = "outcome"  # the closing holder's outcome: for them and the people above; the reporter if shared
    NOT_RESOLVED = "not_resolved"  # from the reporter, for the people above the holder who closed it
    ADDED = "added"  # from the reporter while it is open: for her, the holder she added it for and the people above


@dataclass(frozen=True)
class Note:
    """Something written on a report, at the chain level the report was at when it was written."""

    kind: NoteKind
    text: str
    level: int
    at: datetime
    shared: bool = False
    # An addition of the reporter's that may be about its holder (`level` - 1 in the chain) and so took it past them:
    # whoever has it from then on is told not to share it with that person.
    passed_over: bool = False


class NobodyToSendTo(DomainError):
    """Everyone the report could go to is named in it: it is not sent to any of them. `no_chair`: it would have gone
    to the chair of governors, but the settings name none (not that the report names them)."""

    def __init__(self, message: str, *, no_chair: bool = False) -> None:
        super().__init__(message)
        self.no_chair = no_chair


class NoteNamesNext(DomainError):
    """A holder's note for the people above may name or describe the person the report would go to next: it is not
    passed on until the holder says whom to (`named`, or `after`, the next person the note does not name; None when
    there is nobody)."""

    def __init__(self, named: StaffContact, after: StaffContact | None) -> None:
        super().__init__("the note names the next person up")
        self.named = named
        self.after = after


def new_reference() -> str:
    """A short reference the reporter can quote: `C-` and six unambiguous characters."""
    return readable_id("C")


def add_months(start: datetime, months: int) -> datetime:
    """The same moment `months` calendar months later (the 31st becomes the month's last day)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


# Titles people write before a name, in English and Welsh (Bnr/Bns/Bnsn: Bonwr, Boneddiges, Boneddigesau).
_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "prof", "sir", "dame", "rev", "revd", "fr", "doctor",
                     "professor", "bnr", "bns", "bnsn", "bonwr", "boneddiges", "meistr", "meistres", "athro",
                     "yr", "y", "parch", "parchedig", "syr"})
# Short words that are also everyday English or Welsh words, and the particles of a name ("ap", "de"): a name part
# like these is matched only with the rest of the name.
_COMMON = frozenset({"a", "i", "o", "y", "yr", "ab", "ac", "ag", "ai", "am", "an", "ap", "ar", "as", "at", "be", "by",
                     "de", "di", "do", "da", "du", "dy", "ei", "ef", "eu", "fe", "fy", "go", "ha", "he", "hi", "ie",
                     "if", "in", "is", "it", "la", "le", "ma", "me", "mi", "my", "na", "ni", "no", "of", "oh", "ok",
                     "on", "or", "os", "ow", "pa", "pe", "pm", "re", "so", "st", "sy", "ti", "to", "ty", "un", "up",
                     "us", "we", "wi", "wy", "ym", "yn", "yw"})
# Welsh initial mutations, so "i Gareth" written "i Areth" or "gyda Siân" still matches.
_MUTATIONS = (("ll", ("l",)), ("rh", ("r",)), ("c", ("g", "ngh", "ch")), ("p", ("b", "mh", "ph")),
              ("t", ("d", "nh", "th")), ("g", ("", "ng")), ("b", ("f", "m")), ("d", ("dd", "n")), ("m", ("f",)))


# Words after which Welsh mutates the next ("gan Geri", "i Fryn", "o Ddai", "â Thom", "fy Nghatrin"): a short name is
# matched in a mutated form only after one, where the form cannot be an everyday word ("fair", "wen", "dom").
_MUTATE_NEXT = frozenset({"gan", "i", "o", "am", "at", "ar", "dan", "tan", "heb", "drwy", "trwy", "wrth", "hyd", "dros",
                          "tros", "dy", "ei", "neu", "a", "gyda", "tua", "na", "fy", "yn"})


def _telling(part: str) -> bool:
    """A name part that names someone on its own: two letters or more ("Jo", "Al"), and not an everyday word."""
    return len(part) > 1 and part not in _COMMON


def _words(text: str) -> list[str]:
    """Folded words; a possessive "'s" (or Welsh "'r", "'n") stays a separate word, so "Gareth's" finds Gareth."""
    return re.findall(r"[^\W_]+", fold(text))


def _mutated(part: str) -> set[str]:
    """A name part's Welsh mutated forms."""
    return {m + part[len(radical):] for radical, mutated in _MUTATIONS if part.startswith(radical) for m in mutated}


def _forms(part: str) -> set[str]:
    """A name part and, when it is long enough not to mutate into an everyday word, its Welsh mutated forms."""
    return {part, *(_mutated(part) if len(part) >= 5 else ())}


def _names_part(part: str, words: Sequence[str]) -> bool:
    """True when the words hold this name part, mutated as Welsh mutates it; a short one ("Geri" for Ceri) only right
    after a word that mutates it."""
    forms = [re.compile(_letters(form)) for form in _forms(part)]
    if any(form.fullmatch(word) for form in forms for word in words):
        return True
    short = [re.compile(_letters(form)) for form in (_mutated(part) if len(part) < 5 else ())]
    return any(before in _MUTATE_NEXT and form.fullmatch(word)
               for before, word in zip(words, words[1:], strict=False) for form in short)


def mentions(text: str, contact: StaffContact) -> bool:
    """True when what the person typed names the contact: email, full name, first name or surname (any case,
    with or without a title, Welsh mutations included). Over-matching is the safe mistake: a report that might
    be about someone goes one step past them."""
    said = fold(text)
    if any(fold(address) in said for address in contact.addresses):
        return True
    parts = [p for p in _stored_words(contact.name) if p not in _TITLES]
    if not parts:
        return False
    words = _words(text)
    if re.search(" ".join(map(_letters, parts)), " ".join(words)):
        return True
    return any(_telling(p) and _names_part(p, words) for p in parts)


def _stored_words(name: str) -> list[str]:
    """A stored name's folded words; a "?" in one stays: Excel's plain CSV wrote a letter it could not ("Llŷr") as
    "?", and staff lists imported before that was caught may still hold "Ll?r"."""
    return [w for w in re.findall(r"(?:[^\W_]|\?)+", fold(name)) if w.strip("?")]


def _letters(part: str) -> str:
    """A regular expression for a name part, a "?" in it standing for any one letter."""
    return "".join(r"[^\W\d_]" if ch == "?" else re.escape(ch) for ch in part)


DATA_FOLDER = Path(__file__).resolve().parent / "data"
# Titles written before one initial ("Mr H", "Mrs R."): not Welsh "y" or "yr", nor "sir" (a county).
_TITLED = re.compile(r"\b(?:mr|mrs|miss|ms|mx|dr|prof|rev|revd|bnr|bns|parch)(?:\.\s*|\s+)([^\W\d_])(?![^\W_])",
                     re.IGNORECASE)
# Initials written with dots: "G.H.", "G. H.", "g.a.h" (not a "g.h" inside "x.g.h", nor the "G.H" of "G.Hughes").
_DOTTED = re.compile(r"(?<![^\W_])(?<![^\W_]\.)((?:[^\W\d_]\. ?){1,3}[^\W\d_])\.?(?![^\W_])")
# The particles inside a name ("Rhys ap Gwyn", "Maria de Souza"), which its initials leave out.
_PARTICLES = frozenset({"ap", "ab", "ferch", "verch", "de", "da", "di", "du", "la", "le", "van", "von", "der", "den"})
# A surname this long, an initial before it ("ghughes"), is a login however written; a shorter one is too often a word
# ("trees", "shall", "still") and counts only written as a login (`_Token.handle`).
_LONG_SURNAME = 5


@dataclass(frozen=True)
class NotNames:
    """School abbreviations and everyday words that are not initials, a login or a nickname written bare
    (`data/not-names.txt`): `bare`, as written without dots; `dotted`, the letters of those written with dots, which
    are everyday with their dots too ("p.m.")."""

    bare: frozenset[str]
    dotted: frozenset[str]

    def __contains__(self, word: object) -> bool:
        return word in self.bare or word in self.dotted


def _data_lines(name: str) -> list[str]:
    text = (DATA_FOLDER / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def not_names() -> NotNames:
    """The words of `data/not-names.txt`."""
    words = [fold(word) for line in _data_lines("not-names.txt") for word in line.split()]
    return NotNames(frozenset(w for w in words if "." not in w),
                    frozenset(w.replace(".", "") for w in words if "." in w))


@cache
def nicknames() -> tuple[frozenset[str], ...]:
    """The lines of `data/nicknames.txt`: each the forms of one name, folded."""
    return tuple(frozenset(fold(form).strip() for form in line.split(",") if form.strip())
                 for line in _data_lines("nicknames.txt"))


class _Token(NamedTuple):
    """A word as the person wrote it (accents off, capitals kept), with the characters either side of it; `folded`, and
    `letters`, folded without a login's digits after it ("ghughes2" is "ghughes")."""

    word: str
    before: str
    after: str
    folded: str
    letters: str

    @property
    def capital(self) -> bool:
        return self.word[:1].isupper()

    @property
    def handle(self) -> bool:
        """Written as a login or handle: after an @, before one (an address), with digits after it, or with a capital
        inside ("GHughes", "@GarethH", "ghughes@…", "HughesG12")."""
        camel = any(ch.isupper() for ch in self.word[1:]) and any(ch.islower() for ch in self.word)
        return self.before == "@" or self.after == "@" or self.letters != self.folded or camel


def _tokens(shown: str) -> list[_Token]:
    tokens = []
    for m in re.finditer(r"[^\W_]+", shown):
        folded = m.group().casefold()
        tokens.append(_Token(m.group(), shown[m.start() - 1:m.start()], shown[m.end():m.end() + 1], folded,
                             folded.rstrip("0123456789") if folded[:1].isalpha() else folded))
    return tokens


def _everyday(word: str) -> bool:
    return word in _COMMON or word in not_names()


def _initials(parts: Sequence[str]) -> set[str]:
    """A name's initials as people write them: all of them, and the first with each later one ("GAH", "GH", "GA")."""
    letters = [p[0] for n, p in enumerate(parts) if not (0 < n < len(parts) - 1 and p in _PARTICLES)]
    forms = {"".join(letters), *(letters[0] + later for later in letters[1:])}
    return {f for f in forms if 2 <= len(f) <= 4}


def _by_initials(shown: str, tokens: Sequence[_Token], parts: Sequence[str]) -> bool:
    """Initials in capitals ("GH", not a school abbreviation or everyday word: `not_names`), as a handle ("@gh"),
    with dots ("G.H.", "P.E." too), or one after a title ("Mr H", "Miss S")."""
    initials = _initials(parts)
    for token in tokens:
        if token.folded in initials and (token.before == "@" or (
                token.word.isupper() and token.word.isalpha() and not _everyday(token.folded))):
            return True
    for dotted in _DOTTED.finditer(shown):
        letters = re.sub(r"[. ]", "", dotted.group(1)).casefold()
        if letters in initials and letters not in not_names().dotted:
            return True
    for titled in _TITLED.finditer(shown):
        letter = titled.group(1)
        if letter.casefold() in {parts[0][0], parts[-1][0]} and (letter.isupper() or letter not in _COMMON):
            return True
    return False


def _by_login(tokens: Sequence[_Token], parts: Sequence[str]) -> bool:
    """The name run together ("GarethHughes", "garethhughes") or as a login: an initial and the surname ("ghughes",
    "g.hughes" being the surname already), the surname and an initial ("HughesG12"), the first name and an initial
    ("@GarethH"). Forms that are often words count only written as a login (`_Token.handle`)."""
    if len(parts) < 2:
        return False
    first, last = parts[0], parts[-1]
    plain, handle = set(), {last + first[0]}
    if len(first) > 1:
        plain |= {"".join(parts), first + last, last + first}
        handle.add(first + last[0])
    for led in {first[0] + last, "".join(p[0] for p in parts[:-1]) + last}:
        (plain if len(last) >= _LONG_SURNAME else handle).add(led)
    handle |= {form for form in plain if _everyday(form)}
    plain -= handle
    return any(t.letters in plain or (t.letters in handle and t.handle) for t in tokens)


def _by_nickname(tokens: Sequence[_Token], parts: Sequence[str]) -> bool:
    """A nickname of the first (or a middle) name (`nicknames`), mutated as Welsh mutates a name; one that is an
    everyday word ("Bob", Welsh "every"), or a first name that is one ("Di"), only written with its capital."""
    given = set(parts[:-1] if len(parts) > 1 else parts)
    forms = {form for line in nicknames() if line & given for form in line} - set(parts)
    capitalised = {form for form in forms if _everyday(form)}
    if len(parts[0]) > 1 and not _telling(parts[0]):
        capitalised.add(parts[0])
    words = [t.folded for t in tokens]
    if any(_names_part(form, words) for form in forms - capitalised):
        return True
    return any(t.capital and t.folded in capitalised for t in tokens)


@cache
def surnames() -> tuple[frozenset[str], ...]:
    """The lines of `data/surnames.txt`: each the forms of one surname, folded."""
    return tuple(frozenset(fold(form).strip() for form in line.split(",") if form.strip())
                 for line in _data_lines("surnames.txt"))


def _by_surname(tokens: Sequence[_Token], parts: Sequence[str]) -> bool:
    """The surname (any part after the first name) in another of its forms (`surnames`: "Huws" for Hughes, "Fychan"
    for Vaughan), mutated as Welsh mutates a name; one that is an everyday word only written with its capital."""
    family = set(parts[1:])
    forms = {form for line in surnames() if line & family for form in line} - set(parts)
    capitalised = {form for form in forms if _everyday(form)}
    words = [t.folded for t in tokens]
    if any(_names_part(form, words) for form in forms - capitalised):
        return True
    return any(t.capital and t.folded in capitalised for t in tokens)


def _by_address(text: str, contact: StaffContact) -> bool:
    """A login with digits that is one of their addresses before the @ ("gh23"), written on its own."""
    said = fold(text)
    return any(re.search(rf"(?<![^\W_]){re.escape(local)}(?![^\W_])", said)
               for local in (address.split("@")[0] for address in contact.addresses)
               if len(local) > 2 and any(ch.isdigit() for ch in local))


# A misspelt name (`misspells`): a name part of this many letters is found with a letter stretched or a double letter
# written once ("Garethhh", "Hughess", "Dafyd"), and one of `_SLIP_LENGTH` with one slip or a nickname's ending
# ("Gareht", "Mr Huges", "Hughesy"): in a shorter one, one slip is too often another name or a word ("Sean", "Owen").
_STRETCHED_LENGTH, _SLIP_LENGTH = 4, 5
_NICKNAME_ENDINGS = frozenset({"y", "ie", "o"})
# Titles before a surname, after which a word is written as a name in any case ("mr huges").
_NAME_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "prof", "rev", "revd", "bnr", "bns", "parch"})


@cache
def everyday_words() -> frozenset[str]:
    """Words that are never a misspelt name (`misspells`), as they are another word or another name: the English
    words and names the sentence model knows whole (none when it is not built: more words are then read as names, the
    safe mistake), the Welsh of the policy's word lists (and their mutated forms, by rule: `_radicals`), the names of
    names.txt, nicknames.txt and surnames.txt, and not-names.txt."""
    try:
        model = whole_words(default_folder() / TOKENIZER_FILE)
    except (OSError, ValueError, KeyError):
        model = frozenset()
    welsh = {w for phrase in (*WELSH_LEXICON, *WELSH_GLOSS, *(" ".join(p) for p in WELSH_PHRASES))
             for w in _words(phrase)}
    return frozenset({*model, *welsh, *WELSH_STOPWORDS, *WELSH_MARKERS, *ENGLISH_STOPWORDS, *listed_names(), *_COMMON,
                      *not_names().bare})


@cache
def listed_names() -> frozenset[str]:
    """The names of names.txt, nicknames.txt and surnames.txt, folded: written with a capital they are a name, even at a
    sentence's start and however common a word they are too ("Robert…", "Price…": `near_name`)."""
    names = {form for line in (*nicknames(), *surnames()) for form in line}
    names.update(fold(word) for line in _data_lines("names.txt") for word in line.split())
    return frozenset(names)


def _radicals(word: str) -> set[str]:
    """The forms a word may have had before Welsh mutated it ("allai" from "gallai", "bethau" from "pethau")."""
    return {radical + word[len(m):] for radical, mutated in _MUTATIONS for m in mutated if word.startswith(m)}


def _runs(word: str) -> list[tuple[str, int]]:
    return [(letter, len(list(run))) for letter, run in groupby(word)]


def _stretched(word: str, part: str, *, shortest: int = _STRETCHED_LENGTH) -> bool:
    """The name part with a letter written more or fewer times ("garethhh", "hughess", "dafyd" for Dafydd); `shortest`,
    the fewest letters either may have."""
    if min(len(word), len(part)) < shortest:
        return False
    written, named = _runs(word), _runs(part)
    return written != named and [letter for letter, _ in written] == [letter for letter, _ in named]


def _swapped(word: str, part: str) -> bool:
    """The name part with two letters next to each other swapped, its first kept ("gareht", "jonse"): the commonest
    slip in a hurry, which keeps every letter of the name, so it is read in small letters and in capitals too."""
    if len(part) < _SLIP_LENGTH or len(word) != len(part) or word[:1] != part[:1]:
        return False
    differ = [n for n, (a, b) in enumerate(zip(word, part, strict=True)) if a != b]
    return len(differ) == 2 and differ[1] == differ[0] + 1 and word[differ[0]] == part[differ[1]] \
        and word[differ[1]] == part[differ[0]]


def _slipped(word: str, part: str) -> bool:
    """The name part with one letter dropped, added or changed, or two swapped, its first kept ("gareht", "huges",
    "robets"), or with a nickname's ending ("hughesy"); never the part cut short or run on otherwise ("Robert" for
    Roberts, "Roberts" for Robert: another name)."""
    if len(part) < _SLIP_LENGTH or word[:1] != part[:1]:
        return False
    if word.startswith(part):
        return word[len(part):] in _NICKNAME_ENDINGS
    return not part.startswith(word) and edit_distance(word, part) == 1


def misspells(text: str, contact: StaffContact, *, others: Collection[str] = ()) -> bool:
    """True when what the reporter typed names the contact misspelt (a name part mutated as Welsh mutates it too):
    stretched, in any case ("garethhh", "Hughess", "Dafyd"), or one slip written as a name, with its capital (in a text
    not all in capitals) or after a title ("Gareht", "mr huges", "Hughesy"). Never by a word that is an everyday word or
    another name (`everyday_words`), or the name of someone else on the staff list (`others`): "Garth" is Garth."""
    parts = [p for p in _stored_words(contact.name) if p not in _TITLES and "?" not in p]
    return _misspelt(_tokens(without_accents(visible(text))), parts, others)


def _misspelt(tokens: Sequence[_Token], parts: Sequence[str], others: Collection[str]) -> bool:
    forms = {form for part in parts if _telling(part) for form in _forms(part)}
    if not forms:
        return False
    known = everyday_words()
    shouting = not any(token.word != token.word.upper() for token in tokens)  # a capital says nothing then
    for n, token in enumerate(tokens):
        word = token.letters
        if not word.isalpha() or word in forms or word in known or word in others \
                or not _radicals(word).isdisjoint(known):
            continue
        as_name = (token.capital and not shouting) or (n > 0 and tokens[n - 1].folded in _NAME_TITLES)
        if any(_stretched(word, form) or _swapped(word, form) or (as_name and _slipped(word, form))
               for form in forms if form[:1] == word[:1]):
            return True
    return False


def other_names(staff: Iterable[StaffMember], contact: StaffContact) -> frozenset[str]:
    """The name words of everyone on the staff list but the contact: a word that is one of them names that colleague,
    not the contact misspelt (`may_name`)."""
    own = set(_name(contact.name))
    return frozenset(w for m in staff if not _listed_as(m, contact) for w in _name(m.name) if w not in own)


def may_name(text: str, contact: StaffContact, *, others: Collection[str] = ()) -> bool:
    """True when what the reporter typed may name the contact: surely (`surely_names`), or by a word close to their
    name that is another word or name of its own (`near_name`: "Garth" for Gareth). What a report is checked against
    for everyone it could go to; asked of a whole staff list, the initials alone would find someone in most
    messages."""
    return surely_names(text, contact, others=others) or bool(near_name(text, contact))


def surely_names(text: str, contact: StaffContact, *, others: Collection[str] = ()) -> bool:
    """True when what the reporter typed names the contact: as `mentions` finds (a login's digits left off:
    "g.hughes23"), or by their initials, their name run together or as a login, or a nickname, none of these by a
    school abbreviation or everyday word written bare (`not_names`), or their surname in another form (`surnames`), or
    their name misspelt (`misspells`; `others`: the names of everyone else on the staff list, which are never taken
    for it)."""
    without_digits = re.sub(r"(?<=[^\W\d_])\d+(?![^\W_])", "", text)
    if mentions(text, contact) or (without_digits != text and mentions(without_digits, contact)):
        return True
    parts = [p for p in _stored_words(contact.name) if p not in _TITLES and "?" not in p]
    if not parts:
        return _by_address(text, contact)
    shown = without_accents(visible(text))
    tokens = _tokens(shown)
    return (_by_initials(shown, tokens, parts) or _by_login(tokens, parts) or _by_nickname(tokens, parts)
            or _by_surname(tokens, parts) or _by_address(text, contact) or _misspelt(tokens, parts, others))


# A sentence's first word is read as near a name (`near_name`) only when it is none of the commonest words: the sentence
# model's vocabulary is in the order of how often its words are written, and below this id are some 8,000 of them.
_COMMON_BELOW = 10_000
_SENTENCE_END = re.compile(r"[.!?:;\n]")


@cache
def common_words() -> frozenset[str]:
    """Words written so often that, at the start of a sentence, where a capital says nothing, they are that word and not
    a name near them (`near_name`: "Many…" is not Mandy): the sentence model's commonest whole words (none when it is
    not built: more words are then read as names, the safe mistake), the Welsh of the policy's word lists, and the
    stopwords of both languages."""
    try:
        model = whole_words(default_folder() / TOKENIZER_FILE, below=_COMMON_BELOW)
    except (OSError, ValueError, KeyError):
        model = frozenset()
    welsh = {w for phrase in (*WELSH_LEXICON, *WELSH_GLOSS, *(" ".join(p) for p in WELSH_PHRASES))
             for w in _words(phrase)}
    return frozenset({*model, *welsh, *WELSH_STOPWORDS, *WELSH_MARKERS, *ENGLISH_STOPWORDS})


# Name parts shorter than this are never read as near a name.
_SHORT_NAME = 3


def _side_by_side(word: str, form: str) -> bool:
    """The name part with two letters side by side swapped, the first two too, every letter kept ("sain", "dia")."""
    if len(word) != len(form) or word == form:
        return False
    differ = [n for n, (a, b) in enumerate(zip(word, form, strict=True)) if a != b]
    return len(differ) == 2 and differ[1] == differ[0] + 1 and word[differ[0]] == form[differ[1]] \
        and word[differ[1]] == form[differ[0]]


def _one_slip(word: str, form: str) -> bool:
    return edit_distance(word, form) == 1 or _swapped_apart(word, form)


def _two_slips(word: str, form: str) -> bool:
    """The name part with two slips, its first letter kept: two letters dropped, added, changed or swapped side by
    side ("garhet" for Gareth), or two of its letters swapped apart and one slip more ("gertah", "gartheh")."""
    if word[:1] != form[:1] or abs(len(word) - len(form)) > 2:
        return False
    if edit_distance(word, form) == 2:
        return True
    return any(_one_slip(word[:i] + word[j] + word[i + 1:j] + word[i] + word[j + 1:], form)
               for i in range(1, len(word)) for j in range(i + 2, len(word)) if word[i] != word[j])


def _known(word: str) -> bool:
    """A word or a name of its own (`everyday_words`), mutated too."""
    known = everyday_words()
    return word in known or not _radicals(word).isdisjoint(known)


def _swapped_apart(word: str, form: str) -> bool:
    """The name part with two of its letters swapped, side by side or not ("gerath" for Gareth, "heghus" for Hughes):
    every letter of it kept, its first too: two slips by edit distance, but one by hand."""
    if len(word) != len(form):
        return False
    differ = [n for n, (a, b) in enumerate(zip(word, form, strict=True)) if a != b]
    return len(differ) == 2 and word[differ[0]] == form[differ[1]] and word[differ[1]] == form[differ[0]]


class _Slip(StrEnum):
    """How a word may be a name part typed in a hurry (`_SLIPS`)."""

    ONE_OFF = "one letter dropped, added or changed, the first kept"
    APART = "two letters swapped, side by side or apart, the first kept"
    ENDING = "a nickname's ending"
    SIDE_BY_SIDE = "two letters side by side swapped, the first two too"
    STRETCHED = "a letter stretched or a double letter written once"
    TWO = "two slips, the first letter kept"
    CUT_SHORT = "the name part's start, three letters or more but not all of it, or that start and an s"


class _As(StrEnum):
    """How the word was written (`_WRITTEN`)."""

    NAME = "as a name: with its capital in a message not all in capitals, not a common first word; or after a title"
    NAME_IN_CAPITALS = "as a name, in capitals inside a message that is not"
    SHOUTED = "in a message all in capitals"
    SMALL = "in small letters"
    FIRST_COMMON = "with its capital, a sentence's first word that is among the commonest words"
    TITLED = "right after a title (Mr, Mrs, Miss, Dr, Bnr…)"


class _Unless(StrEnum):
    """What makes the word something else (`_GUARDS`)."""

    PLACE = "straight before a capitalised word: part of a place's name"
    KNOWN = "a word or name of its own"
    ABBREVIATION = "in capitals inside a message that is not, the word or name part of three letters"
    COMMON_FIRST_SWAPPED = "its first two letters swapped, and among the commonest words"
    MUTATED_UNPROMPTED = "a mutated form, not right after a word that mutates it"
    COMMONEST = "among the commonest words itself (not only as a Welsh word's mutated form)"


class _Written(NamedTuple):
    """A word of a report, folded, and how it was written (`_As`, `_Unless`)."""

    word: str
    as_a_name: bool
    capitals: bool
    shouting: bool
    small: bool
    first_common: bool
    place: bool
    known: bool
    commonest: bool
    mutating: bool
    titled: bool = False


class _Form(NamedTuple):
    """A form of a name part; `mutated`, as Welsh mutates it and not a part of the name as it is."""

    letters: str
    mutated: bool


_SLIPS: dict[_Slip, Callable[[str, str], bool]] = {
    _Slip.ONE_OFF: lambda word, form: word[:1] == form[:1] and edit_distance(word, form) == 1,
    _Slip.APART: lambda word, form: word[:1] == form[:1] and _swapped_apart(word, form),
    _Slip.ENDING: lambda word, form: word.startswith(form) and word[len(form):] in _NICKNAME_ENDINGS,
    _Slip.SIDE_BY_SIDE: _side_by_side,
    _Slip.STRETCHED: lambda word, form: word[:1] == form[:1] and _stretched(word, form, shortest=_SHORT_NAME),
    _Slip.TWO: _two_slips,
    _Slip.CUT_SHORT: lambda word, form: _cut_short(word, form),
}
_WRITTEN: dict[_As, Callable[[_Written], bool]] = {
    _As.NAME: lambda w: w.as_a_name,
    _As.NAME_IN_CAPITALS: lambda w: w.as_a_name and w.capitals,
    _As.SHOUTED: lambda w: w.shouting,
    _As.SMALL: lambda w: w.small,
    _As.FIRST_COMMON: lambda w: w.first_common,
    _As.TITLED: lambda w: w.titled,
}
# Guards told by the word alone, asked once for each reading, not for each of the name's forms (`_FORM_GUARDS`).
_GUARDS: dict[_Unless, Callable[[_Written], bool]] = {
    _Unless.PLACE: lambda w: w.place,
    _Unless.KNOWN: lambda w: w.known,
    _Unless.COMMONEST: lambda w: w.commonest,
}
_FORM_GUARDS: dict[_Unless, Callable[[_Written, _Form], bool]] = {
    _Unless.ABBREVIATION: lambda w, form: w.capitals and min(len(w.word), len(form.letters)) <= 3,
    _Unless.COMMON_FIRST_SWAPPED: lambda w, form: w.commonest and w.word[:1] != form.letters[:1],
    _Unless.MUTATED_UNPROMPTED: lambda w, form: form.mutated and not w.mutating,
}


class _Reading(NamedTuple):
    """A word so slipped from a name part of at least `letters` letters, so written, may be that name part, unless
    one of `unless` holds."""

    slip: _Slip
    letters: int
    written: _As
    unless: tuple[_Unless, ...] = ()


# What `near_name` reads as a name part, and why. One slip only from five letters: in a shorter part, one letter changed
# makes too many other names and words ("Sean", "Owen"); two from six ("Owen" is two from Owain). Where a capital says
# nothing (all capitals, small letters, a common first word), only slips that keep every letter of the name, in a word
# that is no word of its own ("KEEN" is not Ken, "been" not Ben).
_READINGS = (
    _Reading(_Slip.ONE_OFF, 5, _As.NAME),  # "Garth", "Mrs Robert"
    _Reading(_Slip.APART, 5, _As.NAME),  # "Gerath", "Mr Heghus"
    _Reading(_Slip.ENDING, 5, _As.NAME),  # "Hughesy"
    # "Sain" for Siân, "Bne" for Ben, "Dia" for Ida; not "Sain Ffagan", "TES", "Act" (Cat), "May" (Amy).
    _Reading(_Slip.SIDE_BY_SIDE, 3, _As.NAME, (_Unless.PLACE, _Unless.ABBREVIATION, _Unless.COMMON_FIRST_SWAPPED)),
    _Reading(_Slip.STRETCHED, 3, _As.NAME, (_Unless.ABBREVIATION,)),  # "Huww"; not "TES" (Tess)
    _Reading(_Slip.SIDE_BY_SIDE, 3, _As.NAME_IN_CAPITALS, (_Unless.PLACE, _Unless.KNOWN)),  # "It's BNE who…"; not "PTA"
    _Reading(_Slip.SIDE_BY_SIDE, 3, _As.SHOUTED, (_Unless.KNOWN,)),  # "BNE KEEPS…"
    _Reading(_Slip.STRETCHED, 3, _As.SHOUTED, (_Unless.KNOWN,)),  # "MAE HUWW YN…"
    _Reading(_Slip.SIDE_BY_SIDE, 3, _As.SMALL, (_Unless.KNOWN,)),  # "bne", "gan tmo"
    _Reading(_Slip.STRETCHED, 3, _As.SMALL, (_Unless.KNOWN,)),  # "garethhh"
    _Reading(_Slip.APART, 3, _As.FIRST_COMMON, (_Unless.PLACE,)),  # "Sain keeps…", however common a word
    # "Benn keeps…" ("benn" may be "penn" mutated, a common word); not a word that is among the commonest itself, nor
    # a mutated form, as nothing before a sentence's first word mutates it ("Bowell…" is not Powel).
    _Reading(_Slip.STRETCHED, 3, _As.FIRST_COMMON, (_Unless.PLACE, _Unless.COMMONEST, _Unless.MUTATED_UNPROMPTED)),
    # "Gertah", "Garhet", "gan Fogrna" (Morgan); not "Ffagan" (Forgan) unprompted.
    _Reading(_Slip.TWO, 6, _As.NAME, (_Unless.KNOWN, _Unless.MUTATED_UNPROMPTED)),
    # "Mr Hugh" (the thumb lifted before "es"), "Mrs Rob", "Mrs Robs" for Mrs Roberts, as staff shorten a surname: a
    # word or name of its own too, a title before it saying it is a name; not "Mr Hugh Jones".
    _Reading(_Slip.CUT_SHORT, 5, _As.TITLED, (_Unless.PLACE, _Unless.MUTATED_UNPROMPTED)),
)


def _cut_short(word: str, form: str) -> bool:
    """The name part's start, three letters or more but not all of it ("hugh" of Hughes, "rob" of Roberts), or that
    start and an s ("robs")."""
    starts = {word, *((word[:-1],) if word.endswith("s") else ())}
    return any(3 <= len(start) < len(form) and form.startswith(start) for start in starts)


def near_name(text: str, contact: StaffContact, *, explained: Collection[str] = ()) -> str:
    """The word of what the reporter typed, as she wrote it, that may be the contact's name though it is another word or
    name of its own ("Garth" for Gareth, "Mrs Robert" for Mrs Roberts, "Gareht" with a Gareht on the staff list), as
    `_READINGS` read a word, or "" when none is. A sentence's first word has its capital anyway, so it is written as a
    name only when it is not one of the commonest words (`common_words`: "Many…" is not Mandy) or is a name all the same
    (`listed_names`: "Robert…" may be Mrs Roberts). Never a word written with an accent the name does not have ("Ffôn"
    is not Ffion), nor one of `explained`, the name words of the colleague picked from the staff list. A part's Welsh
    mutated forms count as `_forms` has them, and a short part's right after a word that mutates it ("gan Fne" for
    Ben), in a word that is no word or name of its own ("yn DMo fi" is a message)."""
    parts = [p for p in _stored_words(contact.name) if p not in _TITLES and "?" not in p]
    forms = {form for part in parts if len(part) >= _SHORT_NAME for form in _forms(part)}
    if not forms:
        return ""
    named = [_Form(form, form not in parts) for form in sorted(forms)]
    short_mutated = [_Form(form, form not in parts) for form in sorted(
        {form for part in parts if len(part) < 5 for form in _mutated(part) if len(form) >= _SHORT_NAME} - forms)]
    written = visible(text)
    accented = {without_accents(w) for w in re.findall(r"[^\W_]+", written) if without_accents(w) != w}
    plain = without_accents(contact.name) == contact.name
    shown = without_accents(written)
    words = list(re.finditer(r"[^\W_]+", shown))
    shouting = all(w.group() == w.group().upper() for w in words)
    for n, found in enumerate(words):
        word, folded = found.group(), found.group().casefold()
        titled = n > 0 and words[n - 1].group().casefold() in _NAME_TITLES
        # An everyday word right after a title is a name ("Mrs Rob"); a stopword never is.
        if not folded.isalpha() or folded in forms or folded in explained or (_everyday(folded) and not titled) \
                or folded in ENGLISH_STOPWORDS or folded in WELSH_STOPWORDS or (word in accented and plain):
            continue
        first = n == 0 or _SENTENCE_END.search(shown, words[n - 1].end(), found.start()) is not None
        common = (folded in common_words() or not _radicals(folded).isdisjoint(common_words())) \
            and folded not in listed_names()
        capital = word[:1].isupper() and not shouting
        mutating = n > 0 and words[n - 1].group().casefold() in _MUTATE_NEXT
        # Not across a comma or full stop ("Sain, Dafydd and…"), nor before "I".
        place = n + 1 < len(words) and words[n + 1].group()[:1].isupper() and words[n + 1].group() != "I" \
            and shown[found.end():words[n + 1].start()].isspace() and not shouting
        w = _Written(word=folded, as_a_name=titled or (capital and not (first and common)),
                     capitals=word.isupper() and len(word) > 1 and not shouting, shouting=shouting,
                     small=word.islower(), first_common=capital and first and common, place=place,
                     known=_known(folded), commonest=folded in common_words(), mutating=mutating, titled=titled)
        if _reads(w, [*named, *short_mutated] if mutating and not w.known else named):
            return word
    return ""


def _reads(w: _Written, forms: Sequence[_Form]) -> bool:
    """True when a reading of `_READINGS` reads the word as one of the forms."""
    for reading in _READINGS:
        if not _WRITTEN[reading.written](w) or any(_GUARDS[u](w) for u in reading.unless if u in _GUARDS):
            continue
        slip, guards = _SLIPS[reading.slip], [_FORM_GUARDS[u] for u in reading.unless if u in _FORM_GUARDS]
        for form in forms:
            if len(form.letters) >= reading.letters and not any(guard(w, form) for guard in guards) \
                    and slip(w.word, form.letters):
                return True
    return False


# Titles staff write for a colleague without a name, as pupils say them ("Sir keeps messaging me", "Mae Syr yn…"):
# "sir" (Welsh: a county) and "miss" (a verb) in small letters only where a title stands (below), and "Miss" not before
# what one misses.
_UNNAMED_TITLES = frozenset({"sir", "syr", "miss", "mr", "mrs", "ms", "mx", "mister", "missus"})
_TITLES_THAT_ARE_WORDS = frozenset({"sir", "miss"})
_MISSED = frozenset({"a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "our", "their",
                     "them", "him", "me", "us", "you", "it", "its", "out", "any", "some", "all", "one", "being",
                     "having", "school", "work", "lessons", "deadlines", "meetings"})
# Words before a title that make it a letter's greeting or a county, not a colleague ("Dear Sir", "Eisteddfod Sir", "y
# cyngor sir", "Sir y Fflint").
_NOT_A_COLLEAGUE_BEFORE = frozenset({"dear", "annwyl", "y", "yr", "r", "eisteddfod", "cyngor", "cynghorydd",
                                     "cynghorwyr", "cynghrair", "pencampwriaeth", "sioe", "ysgolion", "tim", "heddlu"})
_NOT_A_COLLEAGUE_AFTER = frozenset({"y", "yr", "or", "and"})
# Written in small letters, or in a message all in capitals, where a capital says nothing, "sir" and "miss" count at a
# sentence's start or after these ("sir keeps…", "SIR KEEPS…", "GAN SYR"); in capitals "MR", "MRS"… only before a
# small word ("MR IS ALWAYS…"): "MR GRANT LEFT" is a name.
_SHOUTED_AFTER = frozenset({"gan", "by", "from", "wrth", "gyda", "with", "mae", "roedd", "ma"})


def unnamed_title(text: str) -> str:
    """The title the reporter wrote for someone in place of their name ("Sir keeps messaging me", "Mae Syr yn fy
    mwlio", "Miss said…"), as she wrote it, or "" when every title is before a name ("Mr Jones", "Sir Drefaldwyn": a
    word with its capital, an initial, a name the lists know, or a word that is not among the commonest) or is a word
    ("I miss…", "cyngor sir", "Miss a lesson"). Such a title names nobody, and so may be her line manager."""
    shown = without_accents(visible(text))
    words = list(re.finditer(r"[^\W_]+", shown))
    shouting = all(w.group() == w.group().upper() for w in words)
    for n, found in enumerate(words):
        word, folded = found.group(), found.group().casefold()
        if folded not in _UNNAMED_TITLES or (n > 0 and words[n - 1].group().casefold() in _NOT_A_COLLEAGUE_BEFORE):
            continue
        first = n == 0 or _SENTENCE_END.search(shown, words[n - 1].end(), found.start()) is not None
        if (shouting or not word[:1].isupper()) and folded in _TITLES_THAT_ARE_WORDS and not first \
                and words[n - 1].group().casefold() not in _SHOUTED_AFTER:
            continue
        after = words[n + 1] if n + 1 < len(words) else None
        between = shown[found.end():after.start()] if after is not None else ""
        if after is not None and not _SENTENCE_END.search(between.removeprefix(".")):
            following, next_folded = after.group(), after.group().casefold()
            if next_folded in _NOT_A_COLLEAGUE_AFTER or (folded == "miss" and next_folded in _MISSED) \
                    or len(following) == 1:
                continue
            small = next_folded in role_words().small or next_folded in ENGLISH_STOPWORDS \
                or next_folded in WELSH_STOPWORDS
            if shouting and folded not in _TITLES_THAT_ARE_WORDS and not small:
                continue
            if not shouting and (following[:1].isupper() or next_folded not in not_names() and (
                    next_folded in listed_names() or next_folded not in common_words())):
                continue
        return word
    return ""


# A post a line manager may hold ("the wellbeing lead", "head of department"): the staff list may say it is someone
# else's (`Subject.naming`).
_MANAGERS_POST = "may be line manager"
# The headings of `data/roles.txt` that name a post, and what they stand for (None: no post at all).
_SECTIONS: dict[str, Role | str | None] = {"line manager": Role.LINE_MANAGER, "may be line manager": _MANAGERS_POST,
                                           "headteacher": Role.HEADTEACHER, "chair of governors": Role.CHAIR,
                                           "nobody": None}
# Welsh articles, one word whichever is written ("y pennaeth", "yr ysgol", "i'r pennaeth").
_ARTICLES = frozenset({"y", "yr", "r"})
# Words before a one-word title on the staff list ("the SENCo", "our bursar", "y gofalwr"): written bare, too many such
# titles are everyday words ("Science", "Music").
_BEFORE_A_WORD_TITLE = frozenset({"the", "my", "our", "your", "y", "yr", "r", "fy", "ein", "eich", "ei"})


class _Phrase(NamedTuple):
    """A phrase of `data/roles.txt` (or a title on the staff list): the forms each word may be written in (None: any
    word but a small word), and what it describes (`_TITLE` for a title)."""

    words: tuple[frozenset[str] | None, ...]
    post: Role | str | None

    @property
    def exact(self) -> bool:
        return None not in self.words


_TITLE = "title"


class _Span(NamedTuple):
    start: int
    end: int
    post: Role | str | None
    exact: bool
    stars: frozenset[int] = frozenset()  # the words a * of the phrase stood for


@dataclass(frozen=True)
class RoleWords:
    """The phrases of `data/roles.txt`, by the forms their first word may take; `not_posts`, the titles too general to
    name anyone; `small`, the words a * never stands for."""

    phrases: dict[str, tuple[_Phrase, ...]]
    not_posts: frozenset[tuple[str, ...]]
    small: frozenset[str]

    def spans(self, words: Sequence[str]) -> list[_Span]:
        """Where each phrase is found in the words, its first word misspelt too (`_slipped_post_word`)."""
        return [span for start, word in enumerate(words) for phrase in self._starting(word)
                if (span := _found(phrase, words, start, self.small)) is not None]

    @cached_property
    def first_words_by_deletion(self) -> dict[str, frozenset[str]]:
        """The first words of the phrases long enough to be read misspelt, by each of their forms with one letter
        taken out and as they are: a word one slip from one of them shares one of these (`_post_words_near`)."""
        found: dict[str, set[str]] = {}
        for first in self.phrases:
            if len(first) >= _SLIPPED_POST_WORD:
                for key in {first, *_deletions(first)}:
                    found.setdefault(key, set()).add(first)
        return {key: frozenset(firsts) for key, firsts in found.items()}

    def _starting(self, word: str) -> tuple[_Phrase, ...]:
        exact = self.phrases.get(word, ())
        if len(word) < _SLIPPED_POST_WORD - 1:
            return exact
        slipped = tuple(phrase for first in _post_words_near(self, word) for phrase in self.phrases[first])
        return (*exact, *(phrase for phrase in slipped if phrase not in exact))


# A word of a post's phrase this long or longer is read with one slip too, as a phone or a hurry writes it: a letter
# dropped, added or changed, or two side by side swapped, its first letter kept ("line manger", "headteachr", "rheolwr
# llinel"). Shorter words ("head", "boss") are too near other words.
_SLIPPED_POST_WORD = 6


def _slipped_post_word(word: str, form: str) -> bool:
    """True when `word` is `form`, a word of a post's phrase, with one slip (`_SLIPPED_POST_WORD`)."""
    return (len(form) >= _SLIPPED_POST_WORD and word[:1] == form[:1] and abs(len(word) - len(form)) <= 1
            and (edit_distance(word, form) == 1 or _side_by_side(word, form)))


def _deletions(word: str) -> set[str]:
    return {word[:n] + word[n + 1:] for n in range(len(word))}


def _post_words_near(role_words: RoleWords, word: str) -> set[str]:
    """The first words of phrases that `word` is, misspelt (`_slipped_post_word`)."""
    index = role_words.first_words_by_deletion
    candidates = {first for key in {word, *_deletions(word)} for first in index.get(key, ())}
    return {first for first in candidates if first != word and _slipped_post_word(word, first)}


def _word_forms(word: str, *, welsh: bool) -> frozenset[str]:
    """How a word of a phrase may be written: a Welsh article as any article; a Welsh word of three letters or more
    mutated too, or with an h before a vowel."""
    if welsh and word in _ARTICLES:
        return _ARTICLES
    if not welsh or len(word) < 3:
        return frozenset({word})
    return frozenset({word, *_mutated(word), *(("h" + word,) if word[0] in "aeiouwy" else ())})


def _phrase(line: str, post: Role | str | None, *, welsh: bool) -> _Phrase:
    words: list[frozenset[str] | None] = []
    for piece in line.split():
        if piece == "*":
            words.append(None)
        else:
            words.extend(_word_forms(w, welsh=welsh) for w in _words(piece))
    return _Phrase(tuple(words), post)


def _found(phrase: _Phrase, words: Sequence[str], start: int, small: frozenset[str]) -> _Span | None:
    """The phrase's span when it is written at `start`. A word of a phrase that describes nobody ("headteacher
    training") is read only as it is written: a slip may only ever send a report one step further up, and "the
    headteacher trailing me" is the head."""
    end = start + len(phrase.words)
    if end > len(words):
        return None
    for forms, word in zip(phrase.words, words[start:end], strict=True):
        if forms is None:
            if word in small:
                return None
        elif word not in forms and (len(word) < _SLIPPED_POST_WORD - 1 or phrase.post is None
                                    or not any(_slipped_post_word(word, form) for form in forms)):
            return None
    return _Span(start, end, phrase.post, phrase.exact,
                 frozenset(start + n for n, forms in enumerate(phrase.words) if forms is None))


def _kept(spans: Sequence[_Span]) -> list[_Span]:
    """The spans that count: not one that a longer one overlaps ("the head" in "the head of maths"), or one as long
    that runs on further ("fy mhennaeth" in "fy mhennaeth adran", "the head" in "the head count"), nor one with a *
    where a phrase without one covers the same words ("head of school" is the head, not a head of department). A title
    on the staff list always counts: it is one person's, and the phrase it overlaps may be about nobody in the chain
    ("the safeguarding lead"); so does another post that ends where a * stood ("the head" of "the head I report to",
    "the * i report to"), the safe mistake."""
    def beaten(span: _Span, other: _Span) -> bool:
        if other.start >= span.end or span.start >= other.end:
            return False
        if span.post == _TITLE:  # whoever's title it is, whatever it overlaps ("the safeguarding lead")
            return False
        if span.post is not None and span.post != other.post and span.end - 1 in other.stars:
            return False  # another post in the place of a * ("the head" of "the * i report to"): both count
        longer = (other.end - other.start) - (span.end - span.start)
        if longer > 0 or (longer == 0 and other.end > span.end):
            return True
        return (other.start, other.end) == (span.start, span.end) and other.exact and not span.exact

    by_start: dict[int, list[_Span]] = {}
    for span in spans:
        by_start.setdefault(span.start, []).append(span)
    longest = max((span.end - span.start for span in spans), default=0)
    return [span for span in spans if not any(beaten(span, other) for start in range(span.start - longest, span.end)
                                              for other in by_start.get(start, ()))]


@cache
def role_words() -> RoleWords:
    """The phrases of `data/roles.txt`, read once."""
    text = (DATA_FOLDER / "roles.txt").read_text(encoding="utf-8")
    section, welsh = "", False
    by_first: dict[str, list[_Phrase]] = {}
    not_posts: set[tuple[str, ...]] = set()
    small: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            heading = line.lstrip("#").split()[:1]
            welsh = heading[0] == "Cymraeg" if heading and heading[0] in ("English", "Cymraeg") else welsh
            continue
        if line.startswith("[") and line.endswith("]"):
            section, welsh = line[1:-1].strip().lower(), False
            if section not in (*_SECTIONS, "not a post", "small words"):
                raise ValueError(f"roles.txt line {number}: no such heading {line!r}")
            continue
        if not line:
            continue
        if not section:
            raise ValueError(f"roles.txt line {number}: a phrase before any heading: {line!r}")
        if section == "small words":
            small.update(w for piece in line.split() for w in _words(piece))
        elif section == "not a post":
            not_posts.add(tuple(_words(line)))
        else:
            phrase = _phrase(line, _SECTIONS[section], welsh=welsh)
            first = phrase.words[0] if phrase.words else None
            if first is None:
                raise ValueError(f"roles.txt line {number}: a phrase starts with a word, not *: {line!r}")
            for form in first:
                by_first.setdefault(form, []).append(phrase)
    return RoleWords({form: tuple(found) for form, found in by_first.items()}, frozenset(not_posts),
                     frozenset(small))


@cache
def _title_parts(title: str) -> tuple[tuple[str, ...], ...]:
    """A title on the staff list as the words of each part of it ("Head of Year 9 / Teacher of Maths"), without what is
    in brackets ("Deputy Head (Pastoral)"); none for a part too general to name anyone (`not_posts`)."""
    parts = (tuple(_words(part)) for part in re.split(r"[/,;|&]| - ", re.sub(r"\([^)]*\)", " ", title)))
    return tuple(words for words in parts if words and words not in role_words().not_posts)


@cache
def _title_phrases(title: str) -> tuple[_Phrase, ...]:
    """A title on the staff list as phrases (`_title_parts`), its words mutated as Welsh mutates them (a title may be
    Welsh: "Cydlynydd ADY", "i Gydlynydd ADY")."""
    return tuple(_Phrase(tuple(_word_forms(w, welsh=True) for w in words), _TITLE) for words in _title_parts(title))


@cache
def welsh_title_words() -> dict[str, frozenset[str]]:
    """The lines of `data/titles-cy.txt`: a Welsh word of a job title, folded, and the English it may stand for."""
    glosses: dict[str, frozenset[str]] = {}
    for line in _data_lines("titles-cy.txt"):
        welsh, _, english = line.partition(":")
        glosses[fold(welsh).strip()] = frozenset(fold(e).strip() for e in english.split(",") if e.strip())
    return glosses


def _by_welsh_title(words: Sequence[str], titles: Iterable[str]) -> list[_Span]:
    """Where a title the office wrote in English is written in Welsh ("Pennaeth y Dyniaethau" for Head of Humanities,
    "y Dirprwy Bennaeth" for Deputy Headteacher), or its words otherwise ordered: words next to each other (small
    words between them) whose English (`_glossed`) is every word of one part of the title but "of" and the like, and
    nothing else; a title of one word only after "the", "my", "y"…, as in English."""
    small = role_words().small | {"of", "and"}
    spans = []
    for title in titles:
        for part in _title_parts(title):
            wanted = frozenset(_post_words(part)) - small
            if not wanted:
                continue
            for start, first in enumerate(words):
                bare = start == 0 or words[start - 1] not in _BEFORE_A_WORD_TITLE
                if first in small or (len(wanted) == 1 and bare):
                    continue
                covered: set[str] = set()
                for end in range(start, min(len(words), start + 2 * len(wanted))):
                    if words[end] in small:
                        continue
                    meant = _glossed(words[end]) & wanted
                    if not meant:
                        break
                    covered |= meant
                    if covered == wanted:
                        spans.append(_Span(start, end + 1, _TITLE, True))
                        break
    return spans


def _by_title(words: Sequence[str], phrases: Sequence[_Phrase]) -> list[_Span]:
    """Where titles are found: one of a single word only after "the", "my", "y"…"""
    small = role_words().small
    return [span for start, word in enumerate(words) for phrase in phrases
            if (first := phrase.words[0]) is not None and word in first
            and (span := _found(phrase, words, start, small)) is not None
            and (len(phrase.words) > 1 or (start > 0 and words[start - 1] in _BEFORE_A_WORD_TITLE))]


class Described(NamedTuple):
    """Words of a report that call someone by a post or title: as the reporter wrote them, folded, and whether they
    surely mean whoever holds the post (not a post a line manager only may hold: "the wellbeing lead")."""

    written: str
    words: tuple[str, ...]
    sure: bool


def described(text: str, *, posts: Iterable[Role] = (), titles: Iterable[str] = ()) -> list[Described]:
    """Where what the reporter typed calls someone by a post they hold (`posts`: "my line manager", "the head",
    "cadeirydd y llywodraethwyr", from `data/roles.txt`; for a line manager, a post he may hold too: "the deputy",
    "the wellbeing lead", not sure) or by their title on the staff list (`titles`, its role column: "the Head of
    Humanities"). Over-matching is the safe mistake, as for names: a negation, or someone else's line manager, still
    counts."""
    wanted: set[Role | str | None] = set(posts)
    if Role.LINE_MANAGER in wanted:
        wanted.add(_MANAGERS_POST)
    titles = [title for title in titles if title.strip()]
    phrases = [p for title in titles for p in _title_phrases(title)]
    if not wanted and not phrases:
        return []
    words = _words(text)
    # One span a place: a phrase and its plural read with one slip ("line managers") find the same words.
    spans = list(dict.fromkeys([*role_words().spans(words), *_by_title(words, phrases),
                                *_by_welsh_title(words, titles)]))
    return [Described(_as_written(text, words, s.start, s.end), tuple(words[s.start:s.end]), s.post != _MANAGERS_POST)
            for s in _kept(spans) if s.post == _TITLE or s.post in wanted]


def describes(text: str, *, posts: Iterable[Role] = (), titles: Iterable[str] = ()) -> bool:
    """True when what the reporter typed calls someone by a post they hold, or may hold, or their title on the staff
    list (`described`)."""
    return bool(described(text, posts=posts, titles=titles))


def _as_written(text: str, words: Sequence[str], start: int, end: int) -> str:
    """Words `start` to `end` of `_words(text)` as the reporter wrote them, with a "the", "my", "fy"… before them ("The
    Year 9 lead", "my HoD"), without a Welsh "'r" ("arweinydd lles"); folded, should the text not split into the same
    words."""
    shown = list(re.finditer(r"[^\W_]+", visible(text)))
    if start > 0 and words[start - 1] in _BEFORE_A_WORD_TITLE and words[start - 1] != "r":
        start -= 1  # "my" of "my HoD", "fy" of "fy mhennaeth adran"
    if start + 1 < end and words[start] == "r":
        start += 1
    if len(shown) != len(words):
        return " ".join(words[start:end])
    return visible(text)[shown[start].start():shown[end - 1].end()]


# Someone's boss: "Gareth's boss", "gareths manager", "her boss", "the line manager of Ffion", "bos Gareth", "rheolwr
# Ffion", "ei fos", "a'i bos": the one above them in the reporting chain (`Subject.bosses`). The words for a boss, in
# folded words; a word of six letters or more read with one slip too ("manger").
_BOSS_EN = (("line", "manager"), ("linemanager",), ("manager",), ("boss",), ("supervisor",), ("lm",))
_BOSS_CY = (("rheolwr", "llinell"), ("rheolwraig", "llinell"), ("reolwr", "llinell"), ("reolwraig", "llinell"),
            ("rheolwr",), ("rheolwraig",), ("reolwr",), ("reolwraig",), ("bos",), ("fos",), ("mos",))
# Whose, when it is her own line manager's boss ("my line manager's boss", "my boss's boss", "bos fy rheolwr llinell"):
# her line manager's own boss, whoever he is (when he is the head, the chair of governors).
_HERS = "\x00her line manager"
# Whose: "his boss", "her manager", "ei fos", "eu rheolwr" (and "a'i bos", "and her boss", below).
_WHOSE_EN = frozenset({"his", "her", "their"})
_WHOSE_CY = frozenset({"ei", "eu"})
# Welsh puts the owner after the boss ("bos Gareth"), but not after "my boss" or "the manager" ("fy rheolwr Gareth",
# my manager Gareth, is Gareth).
_NOT_WHOSE_BOSS = frozenset({"fy", "y", "yr", "r", "ein", "eich", "n", "dy"})


class BossOf(NamedTuple):
    """Words of a report that call someone another's boss: as folded words, and whose: the owner's word ("gareth"),
    or "" for a pronoun ("her boss": anyone the report names); `loose`, written so that only an owner who is someone
    counts ("bos Gareth", "the manager of Ffion", "gareths boss": not "bos mawr", "the business manager")."""

    written: str
    owner: str
    loose: bool = False


# An owner that is itself a post: the head's boss is the chair; a boss's boss is roles.txt's (the headteacher).
_HEAD_WORDS = frozenset({"head", "headteacher", "headteachers", "heads", "ht", "principal", "headmaster",
                         "headmistress", "pennaeth", "bennaeth", "mhennaeth", "prifathro", "brifathro", "prifathrawes",
                         "brifathrawes"})


def _boss_at(words: Sequence[str], at: int, forms: Sequence[tuple[str, ...]]) -> int:
    """The number of words of a boss's word at `at` (0 when none): "line manager" 2, "boss" 1."""
    if at < 0:
        return 0
    for form in forms:
        found = words[at:at + len(form)]
        if len(found) == len(form) and all(w == f or _slipped_post_word(w, f) for w, f in zip(found, form,
                                                                                              strict=True)):
            return len(form)
    return 0


def _is_boss_word(words: Sequence[str], at: int) -> bool:
    return any(_boss_at(words, start, forms) > at - start for forms in (_BOSS_EN, _BOSS_CY)
               for start in (at - 1, at))


def bosses_of(text: str) -> list[BossOf]:
    """Where what the reporter typed calls someone another's boss (`BossOf`). Over-matching is the safe mistake: "I
    told her manager" is read so too."""
    words = _words(text)
    small = role_words().small
    found: list[BossOf] = []

    def shown(start: int, end: int) -> str:
        spans = list(re.finditer(r"[^\W_]+", visible(text)))
        if len(spans) != len(words):
            return " ".join(words[start:end])
        return visible(text)[spans[start].start():spans[end - 1].end()]

    def past_titles(at: int) -> int:
        """The first word from `at` that is not a title ("bos Mr Hughes", "the boss of Mrs Roberts")."""
        while at < len(words) and words[at] in _TITLES:
            at += 1
        return at

    def owner_at(at: int) -> str:
        return words[at] if 0 <= at < len(words) and words[at] not in small and words[at] != "s" and \
            not _is_boss_word(words, at) else ""

    for at in range(len(words)):
        if n := _boss_at(words, at, _BOSS_EN):
            before = words[at - 1] if at else ""
            if before in _WHOSE_EN:
                found.append(BossOf(shown(at - 1, at + n), ""))  # "her boss"
            elif (before == "s" and (m := _boss_at(words, at - 3, _BOSS_EN) or _boss_at(words, at - 2, _BOSS_EN))
                  and _boss_at(words, at - 1 - m, _BOSS_EN) == m) or \
                    (before and _boss_at(words, at - 1, _BOSS_EN) == 1 and not _boss_at(words, at - 2, _BOSS_EN)):
                found.append(BossOf(shown(at - 1, at + n), _HERS))  # "my line manager's boss", "managers manager"
            elif before == "s" and (owner := owner_at(at - 2)):
                found.append(BossOf(shown(at - 2, at + n), owner))  # "Gareth's boss"
            elif owner := owner_at(at - 1):
                found.append(BossOf(shown(at - 1, at + n), owner, loose=True))  # "gareths boss", "James' boss"
            if words[at + n:at + n + 1] == ["of"]:
                after = at + n + 1 + (at + n + 1 < len(words) and words[at + n + 1] in {"the", "our"})
                if owner := owner_at(past_titles(after)):
                    found.append(BossOf(shown(at, after + 1), owner, loose=True))  # "the line manager of Ffion"
        if n := _boss_at(words, at, _BOSS_CY):
            before = words[at - 1] if at else ""
            if words[at + n:at + n + 1] == ["fy"] and _boss_at(words, at + n + 1, _BOSS_CY):
                found.append(BossOf(shown(at, at + n + 1 + _boss_at(words, at + n + 1, _BOSS_CY)), _HERS))
            elif before in _WHOSE_CY or (before == "i" and at >= 2 and words[at - 2] == "a"):
                found.append(BossOf(shown(at - 1 - (before == "i"), at + n), ""))  # "ei fos", "a'i bos"
            elif before not in _NOT_WHOSE_BOSS and (owner := owner_at(whose := past_titles(at + n))):
                found.append(BossOf(shown(at, whose + 1), owner, loose=True))  # "bos Gareth", "rheolwr Ffion"
    return found

class Doubt(StrEnum):
    """Why a report may be about someone, though it does not surely name them."""

    PICKED = "picked"  # the bot can't tell them from the colleague picked from the staff list
    NEAR_NAME = "near_name"  # a word close to their name, another word or name of its own ("Garth" for Gareth)
    POST = "post"  # a post a line manager may hold ("the wellbeing lead"), not another's by the staff list
    UNNAMED = "unnamed"  # a title without a name ("Sir", "Syr", "Miss"), with nobody picked from the staff list
    NAME_SHARED = "name_shared"  # named only by a name another colleague on the staff list has too ("Gareth")
    BOSS = "boss"  # someone's boss the bot cannot place ("his boss" naming nobody, "Benn's manager" with no Benn)


@dataclass(frozen=True)
class Naming:
    """How a report is about someone it could go to: surely (`doubt` None), or maybe; `words`, the words of the report
    that may be them, as the reporter wrote them ("Garth"), for her receipt."""

    doubt: Doubt | None = None
    words: str = ""


def cleared_key(contact: StaffContact, words: str) -> str:
    """What `Subject.cleared` holds when she says these words of hers do not mean `contact`."""
    return f"{contact.aad_object_id.lower()}|{fold(words)}"


@dataclass(frozen=True)
class Subject:
    """What the reporter told us about who the report is about."""

    typed: tuple[str, ...] = ()  # everything they typed: what, since, where, who, evidence
    about: StaffContact | None = None  # the colleague they picked from the staff list
    involves_manager: bool = False
    kind: ReportKind = ReportKind.COLLEAGUE
    # The staff list: tells people apart from `about` where it has no ids, and gives the name each person has on it.
    staff: tuple[StaffMember, ...] = ()
    # What the reporter, asked, said does not mean someone (`cleared_key`: "Sir" is not Gareth Hughes): those words of
    # hers (`Doubt.UNNAMED`, `NEAR_NAME`, `POST`, `NAME_SHARED`) no longer pass them over; others that may mean them
    # ("Garth and Miss") still do, until she is asked about them too. An object id alone (in small letters) clears
    # every such word of theirs. Her picking someone, ticking "it involves my line manager", or naming them still does.
    cleared: frozenset[str] = frozenset()

    def is_cleared(self, contact: StaffContact, words: str) -> bool:
        """True when she said these words of hers do not mean `contact` (or that none do)."""
        person = contact.aad_object_id.lower()
        return person in self.cleared or cleared_key(contact, words) in self.cleared

    def names(self, contact: StaffContact, *, manager: StaffContact | None, federation: Federation | None) -> bool:
        """True when the report may be about `contact` (picked, flagged as the manager, named, near-named or described
        in the text)."""
        return self.naming(contact, manager=manager, federation=federation) is not None

    def naming(self, contact: StaffContact, *, manager: StaffContact | None,
               federation: Federation | None, first: bool = False) -> Naming | None:
        """How the report may be about `contact`, the surest way first; None when it is not. Maybe by a word near
        their name (`near_name`), unless that word is the name of the colleague picked; or maybe the colleague picked,
        whom the bot can't tell them from. `first`: the contact would hold it first in place of a line manager (the
        headteacher, when the line manager is left out or not known), so a title without a name and a name another
        colleague has too may mean them, as they may mean a line manager."""
        if self.about is not None and (may_be(self.about, contact, self.staff) or self._namesake(self.about, contact)):
            picked: Naming | None = Naming(Doubt.PICKED)
        else:
            picked = None
        if self._surely_names(contact, manager=manager, federation=federation):
            shared = self._shared_name(contact, manager=manager, federation=federation, first=first)
            return Naming() if not shared else picked if self.is_cleared(contact, shared) else \
                Naming(Doubt.NAME_SHARED, shared)
        if (boss := self._boss_naming(contact, manager=manager, federation=federation)) is not None:
            return boss
        # Each of her words that may mean them, until she said it does not: "Garth and Miss" is asked about in turn.
        explained = self._picked_words()
        for known in self._known_as(contact):
            for text in self.typed:
                if text and (word := near_name(text, known, explained=explained)) and \
                        not self.is_cleared(contact, word):
                    return Naming(Doubt.NEAR_NAME, word)
        if manager is not None and _same(manager, contact):
            for text in self.typed:
                for post in described(text, posts=(Role.LINE_MANAGER,)) if text else ():
                    if not self._someone_elses(post.words, contact) and not self.is_cleared(contact, post.written):
                        return Naming(Doubt.POST, post.written)
        if (first or manager is not None and _same(manager, contact)) and self.about is None:
            for text in self.typed:
                if text and (word := unnamed_title(text)) and not self.is_cleared(contact, word):
                    return Naming(Doubt.UNNAMED, word)
        return picked

    def _boss_naming(self, contact: StaffContact, *, manager: StaffContact | None,
                     federation: Federation | None) -> Naming | None:
        """The report calls `contact` someone's boss ("Gareth's boss", "Ffion and her boss", "bos Gareth"): the one
        above that person in the reporting chain (her line manager's is the headteacher, the head's the chair of
        governors, anyone else's their line manager on the staff list), surely; or, where the bot cannot tell whose
        boss ("his boss" naming nobody, "Benn's manager" with no Benn on the list), maybe her line manager or the head,
        whom she is asked about (`Doubt.BOSS`)."""
        above, unplaced = self._bosses(manager, federation)
        if any(_same(boss, contact) or any(_listed_as(m, contact) and m.email in boss.addresses for m in self.staff)
               for boss in above):
            return Naming()
        heads = tuple(s.headteacher for s in federation.schools) if federation is not None else ()
        if unplaced and ((manager is not None and _same(manager, contact)) or any(_same(h, contact) for h in heads)) \
                and not self.is_cleared(contact, unplaced):
            return Naming(Doubt.BOSS, unplaced)
        return None

    def _bosses(self, manager: StaffContact | None,
                federation: Federation | None) -> tuple[tuple[StaffContact, ...], str]:
        """The people the report calls someone's boss (`bosses_of`), and the words of one the bot cannot place ("" when
        none); worked out once a report, as each person it could go to is checked."""
        heads = tuple(s.headteacher for s in federation.schools) if federation is not None else ()
        chair = federation.chair_of_governors if federation is not None else None
        key = (manager, heads, chair)
        memo: dict[object, tuple[tuple[StaffContact, ...], str]] = self.__dict__.setdefault("_bosses_memo", {})
        if key in memo:
            return memo[key]
        found = [boss for text in self.typed if text for boss in bosses_of(text)]
        if not found:
            memo[key] = ((), "")
            return memo[key]
        people = _distinct([*(StaffContact(m.aad_object_id, m.name, m.email) for m in self.staff),
                            *(c for c in (manager, *heads, chair) if c is not None)])

        def above(owner: StaffContact) -> list[StaffContact]:
            bosses: list[StaffContact] = []
            if manager is not None and _same(owner, manager):
                bosses.extend(heads)
            if any(_same(owner, head) for head in heads) and chair is not None:
                bosses.append(chair)
            for row in (m for m in self.staff if _listed_as(m, owner) and m.line_manager_email):
                bosses.extend(StaffContact(m.aad_object_id, m.name, m.email) for m in self.staff
                              if m.email == row.line_manager_email)
            return bosses

        # Read for whose boss only those on the staff list whose name may be in her words (a part of it inside a word,
        # a Welsh form or a nickname of it): a whole list read for every owner took seconds.
        typed_words = {w for text in self.typed if text for w in _words(text)}

        def may_be_written(person: StaffContact) -> bool:
            parts = {p for p in _name(person.name) if len(p) > 1}
            forms = {f for p in parts for f in (*_forms(p), *_mutated(p))} | \
                {f for line in nicknames() if line & parts for f in line}
            return bool(forms & typed_words) or any(p in w for p in parts if len(p) > 2 for w in typed_words)

        chain = [c for c in (manager, *heads, chair) if c is not None]
        people = tuple(p for p in people if any(_same(p, c) for c in chain) or may_be_written(p))
        resolved: dict[str, list[StaffContact]] = {}
        named: list[StaffContact] | None = None
        bosses: list[StaffContact] = []
        unplaced = ""
        for boss in dict.fromkeys(found):
            if boss.owner == _HERS:  # "my line manager's boss": roles.txt reads it as the head, when none is known
                if manager is None:
                    continue
                owners: list[StaffContact] = [manager]
            elif boss.owner in _HEAD_WORDS:
                owners = list(heads)
            elif boss.owner:
                if boss.owner not in resolved:
                    resolved[boss.owner] = [p for p in people if any(
                        surely_names(w, p) for w in {boss.owner, boss.owner.rstrip("s")} if w)]
                owners = resolved[boss.owner]
            else:  # "her boss": the boss of anyone the report names, or calls by their post ("the head and her boss")
                if named is None:
                    named = [p for p in people if any(surely_names(t, p) for t in self.typed if t)
                             or (any(_same(p, c) for c in chain)
                                 and self._surely_names(p, manager=manager, federation=federation))]
                owners = named
            if not owners and (boss.loose or _everyday(boss.owner)):
                continue
            placed = [b for owner in owners for b in above(owner)]
            bosses.extend(placed)
            if not owners or any(not above(owner) for owner in owners):
                unplaced = unplaced or boss.written
        memo[key] = (_distinct(bosses), unplaced)
        return memo[key]

    def calls_the_line_manager(self) -> str:
        """The words that call someone the reporter's line manager, whoever he is ("my line manager", "fy rheolwr"),
        as she wrote them; "" when none do."""
        return next((post.written for text in self.typed if text
                     for post in described(text, posts=(Role.LINE_MANAGER,)) if post.sure), "")

    def _someone_elses(self, words: Sequence[str], contact: StaffContact) -> bool:
        """True when the staff list says the post these words call someone by is another's, not the contact's: the
        contact's own row has a title that is not that post, and someone else's title has the words (but "the", "my"
        and the like; "leader" as "lead"), in order, in one of its parts ("the wellbeing lead", Wellbeing Lead; "the
        deputy", Deputy Headteacher). A contact the list has no title for may hold it too."""
        wanted = _post_words(words)
        own = [m for m in self.staff if _listed_as(m, contact)]
        if not wanted or not own or not all(m.role.strip() for m in own) or any(_holds(m.role, wanted) for m in own):
            return False
        return any(_holds(m.role, wanted) for m in self.staff if m.role and not _listed_as(m, contact)
                   and not may_be(StaffContact(m.aad_object_id, m.name, m.email), contact, self.staff))

    def _picked_words(self) -> frozenset[str]:
        """The name words of the colleague picked, under every name they go by."""
        if self.about is None:
            return frozenset()
        return frozenset(w for known in self._known_as(self.about) for w in _name(known.name))

    def _namesake(self, picked: StaffContact, contact: StaffContact) -> bool:
        """The colleague picked has the contact's whole name under a name either goes by: with two people of one name,
        the reporter may have meant the other, whatever their object ids say."""
        picked_as = {_name(picked.name), *(_name(m.name) for m in self.staff if _listed_as(m, picked))} - {()}
        return any(_name(known.name) in picked_as for known in self._known_as(contact))

    def plainly_names(self, contact: StaffContact, *, manager: StaffContact | None,
                      federation: Federation | None) -> bool:
        """True when what the reporter did or wrote may be about `contact`: picked by id or address, flagged as the
        manager, or named, near-named or described in the text (`manager`: the reporter's line manager; `federation`:
        who is headteacher and chair of governors) (not just a colleague the bot can't tell them apart from)."""
        naming = self.naming(contact, manager=manager, federation=federation)
        return naming is not None and naming.doubt is not Doubt.PICKED

    def _shared_name(self, contact: StaffContact, *, manager: StaffContact | None,
                     federation: Federation | None, first: bool = False) -> str:
        """The reporter's line manager is named only by a name another colleague on the staff list has too ("Gareth",
        with a Gareth Price on it; "Mr Hughes", with an Elin Hughes): that word, as she wrote it, since she may mean
        the other; "" when he is surely meant anyway (his whole name, a name of his nobody else has, picked, ticked,
        his post or his title) or is neither her line manager nor (`first`) whoever would hold it in his place."""
        if not first and (manager is None or not _same(manager, contact)):
            return ""
        own = {w for known in self._known_as(contact) for w in _name(known.name)}
        shared = frozenset(w for m in self.staff if not _listed_as(m, contact) for w in _name(m.name) if w in own)
        if not shared or self._surely_names(contact, manager=manager, federation=federation, dropping=shared):
            return ""
        forms = {form: part for part in shared for form in _forms(part)}
        for text in self.typed:
            for found in re.finditer(r"[^\W_]+", visible(text)):
                if fold(found.group()) in forms:
                    return found.group()
        return next((w for known in self._known_as(contact) for w in known.name.split() if fold(w) in shared), "")

    def _surely_names(self, contact: StaffContact, *, manager: StaffContact | None,
                      federation: Federation | None, dropping: frozenset[str] = frozenset()) -> bool:
        """True when the report is about `contact` for certain: picked by id or address, flagged as the manager, or
        named in the text, or called by a post they hold or their title on the staff list. `dropping`: words of
        their name left out (those another colleague has too)."""
        if self.about is not None and _same(self.about, contact):
            return True
        if self.involves_manager and manager is not None and _same(manager, contact):
            return True
        others = other_names(self.staff, contact)
        known_as = [replace(known, name=" ".join(w for w in _name(known.name) if w not in dropping))
                    for known in self._known_as(contact)] if dropping else self._known_as(contact)
        if any(surely_names(text, known, others=others) for known in known_as for text in self.typed if text):
            return True
        held = _posts_held(contact, manager=manager, federation=federation)
        titles = [m.role for m in self.staff if m.role and _listed_as(m, contact)]
        return any(post.sure for text in self.typed if text for post in described(text, posts=held, titles=titles))

    def _known_as(self, contact: StaffContact) -> tuple[StaffContact, ...]:
        """The contact under each name they go by: as Graph or the settings name them ("Mr G Hughes") and as their row
        of the staff list does ("Gareth Hughes"), the name the reporter is likelier to write."""
        return (contact, *(StaffContact(contact.aad_object_id, m.name, m.email) for m in self.staff
                           if _listed_as(m, contact) and _name(m.name) != _name(contact.name)))


def _post_words(words: Iterable[str]) -> tuple[str, ...]:
    """A post's own words, without "the", "my", "y" and the like, "leader" as "lead"."""
    small = role_words().small
    return tuple("lead" if w == "leader" else w for w in words if w not in small)


def _glossed(word: str) -> frozenset[str]:
    """A post's word and, when it is Welsh (mutated or not), its English ("arweinydd lles": leader, wellbeing), so that
    a report in Welsh is read against a title the office wrote in English."""
    english = {e for form in (word, *_radicals(word)) for e in (*WELSH_LEXICON.get(form, "").split(),
                                                                  *welsh_title_words().get(form, ()))}
    return frozenset({word, *english, *(("lead",) if "leader" in english else ())})


def _holds(title: str, wanted: Sequence[str]) -> bool:
    """A title on the staff list with each of these words (`_post_words`), in English or Welsh, in one of its parts
    (each word of the title as Welsh mutates it; "leader" as "lead")."""
    small = role_words().small
    for phrase in _title_phrases(title):
        written = {w for form in phrase.words if form is not None and form.isdisjoint(small) for w in form}
        written |= {"lead"} if "leader" in written else set()
        if all(not _glossed(w).isdisjoint(written) for w in wanted):
            return True
    return False


def _posts_held(contact: StaffContact, *, manager: StaffContact | None,
                federation: Federation | None) -> set[Role]:
    """The posts a report may call this person by: the reporter's line manager, a headteacher, the chair of
    governors."""
    held = set()
    if manager is not None and _same(manager, contact):
        held.add(Role.LINE_MANAGER)
    if federation is not None:
        if any(_same(contact, school.headteacher) for school in federation.schools):
            held.add(Role.HEADTEACHER)
        chair = federation.chair_of_governors
        if chair is not None and _same(contact, chair):
            held.add(Role.CHAIR)
    return held


def _same(one: StaffContact, other: StaffContact) -> bool:
    """The same person: the same object id, or an address in common."""
    if one.aad_object_id and one.aad_object_id.lower() == other.aad_object_id.lower():
        return True
    return bool(one.addresses & other.addresses)


def _name(name: str) -> tuple[str, ...]:
    """A name's words without titles, to compare two names whole."""
    return tuple(w for w in _words(name) if w not in _TITLES)


def _listed_as(member: StaffMember, contact: StaffContact) -> bool:
    """The staff list's row is this contact by object id or address (a name alone never tells: "David Jones" on
    the list may be someone else than the "David Jones" Graph knows)."""
    if member.aad_object_id and member.aad_object_id == contact.aad_object_id.lower():
        return True
    return member.email in contact.addresses


def _first_name_only(picked: StaffContact, contact: StaffContact) -> bool:
    """Two whole names (a first name and a surname each) with nothing in common but the first name: "Huw Jones" and
    "Mr Huw Davies". Weak evidence of one person, unlike a whole name, a surname or an address."""
    one, other = _name(picked.name), _name(contact.name)
    if len(one) < 2 or len(other) < 2:
        return False
    if not all(w.isalpha() and len(w) > 1 for w in (one[0], one[-1], other[0], other[-1])):
        return False
    return one[0] == other[0] and set(one[1:]).isdisjoint(other) and set(other[1:]).isdisjoint(one)


def may_be(picked: StaffContact, contact: StaffContact, staff: Sequence[StaffMember] = ()) -> bool:
    """False only when the bot can tell `contact` is not the colleague picked from the staff list; when it cannot
    tell, the report must not reach them, so True.

    A staff list may have no object ids (the import allows it) and Graph may know a person by another name (his legal
    "David" for the list's "Dai") and an address the list does not (a Hwb mail or user name). In order: an object id or
    address in common is the same person; two object ids that differ are two people; a contact the list knows by id
    or address as another of its rows is someone else, unless the two have the same whole name (one person may have
    two rows); a name part in common (but a lone first name in front of two surnames) or the picked person's name
    inside one of the contact's addresses may be the same person; and so is a contact whose name reads as no name at
    all. A name alone never tells two people apart: another row of that name may be a namesake."""
    if _same(picked, contact):
        return True
    if picked.aad_object_id and contact.aad_object_id:
        return False
    rows = [m for m in staff if _listed_as(m, contact)]
    if rows:
        return any(m.email in picked.addresses for m in rows) or _name(picked.name) == _name(contact.name)
    weak = _first_name_only(picked, contact)
    parts = [p for p in _name(picked.name)[1 if weak else 0:] if _telling(p)]
    if set(parts) & set(_name(contact.name)):
        return True
    if any(p in fold(address.split("@")[0]) for p in parts for address in contact.addresses):
        return True
    return not any(w.isalpha() and len(w) > 1 for w in _name(contact.name))


def _distinct(contacts: Iterable[StaffContact]) -> tuple[StaffContact, ...]:
    chain: list[StaffContact] = []
    for contact in contacts:
        if not any(_same(contact, kept) for kept in chain):
            chain.append(contact)
    return tuple(chain)


# Doubts the reporter can settle: words of hers that may mean someone ("Sir", "Garth", "the wellbeing lead"). Not
# `Doubt.PICKED`, the bot's own doubt whether the colleague she picked is them.
_ASKED = frozenset({Doubt.UNNAMED, Doubt.NEAR_NAME, Doubt.POST, Doubt.NAME_SHARED, Doubt.BOSS})


@dataclass(frozen=True)
class Routing:
    """Who holds a new report (`chain[0]`), who it goes to after them, why, and who was left out for being named;
    `manager` is the reporter's line manager as found (in the chain or not), kept with a report that involves him."""

    chain: tuple[StaffContact, ...]
    why: Route
    left_out: tuple[StaffContact, ...] = ()
    manager: StaffContact | None = field(default=None, compare=False)
    # How the report may be about each person left out, in the order of `left_out`: what the receipt says of them.
    namings: tuple[Naming, ...] = field(default=(), compare=False)
    # The headteacher, when she would hold it first in the line manager's place (he is left out, or none is known):
    # words of the reporter's that may mean her are asked about, as they are about a line manager.
    head_first: StaffContact | None = field(default=None, compare=False)
    # The headteacher of the reporter's school, whoever holds it first: a name of hers another colleague has too
    # ("Siân", with a Siân Evans on the staff list) is asked about even when the line manager would hold it first.
    head: StaffContact | None = field(default=None, compare=False)

    def naming_of(self, contact: StaffContact) -> Naming:
        """How the report may be about someone it left out (surely, when not known)."""
        return next((n for c, n in zip(self.left_out, self.namings, strict=False) if _same(c, contact)), Naming())

    @property
    def holder(self) -> StaffContact:
        """The person the report goes to first."""
        return self.chain[0]

    @property
    def next_up(self) -> StaffContact | None:
        """Who it goes to if it needs to go further."""
        return self.chain[1] if len(self.chain) > 1 else None

    @property
    def in_doubt(self) -> tuple[StaffContact, Naming] | None:
        """The person the report would have gone to first, passed over only for words of the reporter's that may mean
        them ("Sir", "Garth", "the wellbeing lead", "my line manager" with no line manager known), and those words: she
        is asked before it is sent, since she may know they do not (`Subject.cleared`). None when nobody is."""
        # Her line manager is asked about first: answered "it may be him", it goes past the head too when words of hers
        # may mean her (never asked twice, so the two answers never undo each other); "it isn't him", to him.
        if self.why is Route.HEAD_MAY_BE_MANAGER:  # the head, for "my line manager" with no line manager known
            post = next(((c, n) for c, n in zip(self.left_out, self.namings, strict=False)
                         if n.doubt is Doubt.POST and n.words), None)
            if post is not None:
                return post
        elif self.why in {Route.MANAGER_UNNAMED, Route.MANAGER_NEAR_NAME, Route.MANAGER_POST_UNCLEAR,
                          Route.MANAGER_NAME_SHARED} and self.manager is not None:
            naming = self.naming_of(self.manager)
            if naming.doubt in _ASKED and naming.words:
                return self.manager, naming
        return self.doubt_about_head

    @property
    def doubt_about_head(self) -> tuple[StaffContact, Naming] | None:
        """The headteacher, who would hold it first in the line manager's place, passed over only for words that may
        mean her ("Miss", "Siân" with another Siân on the staff list, "Mrs Robert"), and those words; else None."""
        # With the line manager holding it first, only a name of hers another colleague has too: it would otherwise
        # go straight to the chair of governors ("Gareth and Siân", she says it isn't Gareth Hughes).
        head = self.head_first or (self.head if self.why is Route.ABOUT_HEAD else None)
        if head is None:
            return None
        naming = self.naming_of(head)
        left_out = any(_same(head, c) for c in self.left_out)
        # Or a boss whose the bot cannot tell ("his boss"), once she said it is not her line manager.
        asked = _ASKED if self.head_first is not None else {Doubt.NAME_SHARED, Doubt.BOSS}
        return (head, naming) if left_out and naming.doubt in asked and naming.words else None

    def beyond_her_answers(self, subject: Subject, federation: Federation
                           ) -> tuple[tuple[StaffContact, ...], tuple[tuple[StaffContact, Naming], ...]]:
        """The chain as the report can really move on: after its first holder, nobody whom her words may mean read
        without her answers ("it isn't Mrs Siân Roberts"), as they are read when it moves on (a note she adds later was
        never asked about); and those so passed over, with how. Her answer settles who holds it first, no more."""
        read = replace(subject, cleared=frozenset())
        # How: as she was asked ("Siân", a name she shares), where the surest reading quotes no words.
        passed = tuple((c, read.naming(c, manager=self.manager, federation=federation, first=True) or n)
                       for c in self.chain[1:]
                       if (n := read.naming(c, manager=self.manager, federation=federation)) is not None)
        gone = {c.aad_object_id for c, _ in passed}
        return (self.chain[0], *(c for c in self.chain[1:] if c.aad_object_id not in gone)), passed

    @property
    def manager_left_out(self) -> bool:
        """True when the reporter's line manager was left out for being named, described ("my line manager") or
        picked: the report keeps who he was, as one she says involves him does."""
        return self.manager is not None and any(_same(self.manager, c) for c in self.left_out)


def route(reporter: Person, subject: Subject, manager: StaffContact | None, federation: Federation,
          school_id: str = "") -> Routing:
    """The chain of people a report goes to, without anyone it is about; `NobodyToSendTo` when none is left."""
    school = next((s for s in federation.schools if s.school_id == school_id), federation.schools[0])
    head, chair = school.headteacher, federation.chair_of_governors
    me = StaffContact(reporter.aad_object_id, reporter.name)
    if manager is not None and _same(manager, me):
        manager = None  # a staff list naming someone as their own manager knows no manager
    reporter_is_head = federation.is_headteacher(reporter)
    if reporter_is_head:
        candidates = [chair]
    elif subject.kind is ReportKind.NOT_COLLEAGUE:
        candidates = [head, chair]
    else:
        candidates = [manager, head, chair]
    people = _distinct(c for c in candidates if c is not None and not _same(c, me))
    found = [(c, subject.naming(c, manager=manager, federation=federation)) for c in people]
    # The head would hold it first when the line manager is left out (picked, ticked, named, or words that may mean
    # him, which she is asked about first) or not known: then a title without a name or a name shared with another
    # colleague may mean her, as it may mean a line manager.
    manager_out = manager is None or any(_same(c, manager) and n is not None for c, n in found)
    head_first = head if manager_out and not reporter_is_head and subject.kind is ReportKind.COLLEAGUE and not (
        manager is not None and _same(manager, head)) else None
    if head_first is not None:
        # Words she is asked about as her line manager's are his, once she answers: "Sir" is one person, not him and
        # the head too ("Garth and Miss" may be both).
        his = {fold(n.words) for c, n in found if manager is not None and _same(c, manager) and n is not None
               and n.doubt in _ASKED and n.words}

        def as_first(contact: StaffContact, naming: Naming | None) -> Naming | None:
            first = subject.naming(contact, manager=manager, federation=federation, first=True)
            return naming if first is not None and first.doubt is not None and fold(first.words) in his else first

        found = [(c, as_first(c, n) if _same(c, head) else n) for c, n in found]
    elif not reporter_is_head and subject.kind is ReportKind.COLLEAGUE:
        # The line manager holds it first: a name of the head's that another colleague has too may be either, so it
        # is asked about (and, cleared, is not hers), as it is when she would hold it first.
        def shared(contact: StaffContact, naming: Naming | None) -> Naming | None:
            if naming is None or naming.doubt is not None:
                return naming
            first = subject.naming(contact, manager=manager, federation=federation, first=True)
            return first if first is None or first.doubt in {Doubt.NAME_SHARED, Doubt.PICKED} else naming

        found = [(c, shared(c, n) if _same(c, head) else n) for c, n in found]
    if manager is None and not reporter_is_head and (words := subject.calls_the_line_manager()):
        # Nobody knows her line manager, so it would go to the head, who may be the line manager she writes about.
        found = [(c, Naming(Doubt.POST, words) if naming is None and _same(c, head)
                  and not subject.is_cleared(c, words) else naming) for c, naming in found]
    named = tuple(c for c, naming in found if naming is not None)
    namings = tuple(naming for _, naming in found if naming is not None)
    manager_naming = next((n for c, n in zip(named, namings, strict=True) if manager and _same(manager, c)), None)
    # Only a report that may be about the head for all the bot can tell goes straight to the governors: a word near her
    # name passes her over, and leaves it with the line manager.
    head_named = any(_same(head, c) and n.doubt is not Doubt.NEAR_NAME for c, n in zip(named, namings, strict=True))
    chain = tuple(c for c in people if c not in named)
    if head_named and chair is not None and any(_same(c, chair) for c in chain):
        # A report about the headteacher goes straight to the chair of governors, not to someone who reports to them.
        # When the chair may be named too, it goes to whoever it does not name: never to nobody while someone is left.
        chain = tuple(c for c in chain if _same(c, chair))
    if not chain:
        # The chair comes last and is left out only when named, or when the settings name no chair: then the chair is
        # who it would have gone to, and saying it names everyone would not be true.
        raise NobodyToSendTo("everyone the report could go to is named in it", no_chair=chair is None)
    if reporter_is_head:
        why = Route.REPORTER_IS_HEAD
    elif manager_naming is not None:
        # Told so: she named nobody, the bot just can't tell him from her pick; or a word of hers is near his name.
        why = {Doubt.PICKED: Route.MANAGER_MAY_BE_PICKED, Doubt.NEAR_NAME: Route.MANAGER_NEAR_NAME,
               Doubt.POST: Route.MANAGER_POST_UNCLEAR, Doubt.UNNAMED: Route.MANAGER_UNNAMED,
               Doubt.NAME_SHARED: Route.MANAGER_NAME_SHARED, Doubt.BOSS: Route.MANAGER_POST_UNCLEAR,
               None: Route.MANAGER_INVOLVED}[manager_naming.doubt]
    elif head_named and manager is None and any(_same(head, c) and n.doubt is Doubt.POST
                                                for c, n in zip(named, namings, strict=True)):
        why = Route.HEAD_MAY_BE_MANAGER
    elif head_named and not _same(chain[0], manager or me):
        why = Route.ABOUT_HEAD
    elif subject.kind is ReportKind.NOT_COLLEAGUE:
        why = Route.NOT_COLLEAGUE
    elif manager is not None and _same(chain[0], manager):
        why = Route.LINE_MANAGER
    else:
        why = Route.NO_MANAGER
    return Routing(chain, why, named, manager, namings, head_first, head)


@dataclass(frozen=True)
class Today:
    """What a report's chain is checked against when the report moves on: the federation's settings and staff list as
    they are now, and what the report says about whom (so it never reaches anyone it is about)."""

    federation: Federation
    staff: tuple[StaffMember, ...]
    subject: Subject
    school_id: str = ""  # the reporter's school

    @property
    def headteacher(self) -> StaffContact:
        """The headteacher of the reporter's school now."""
        schools = self.federation.schools
        return next((s.headteacher for s in schools if s.school_id == self.school_id), schools[0].headteacher)

    def in_post(self, post: Role) -> StaffContact | None:
        """Who holds a post now; None for a line manager (no setting names one) or a post nobody holds."""
        if post is Role.HEADTEACHER:
            return self.headteacher
        return self.federation.chair_of_governors if post is Role.CHAIR else None

    def working_days(self, report: ConcernReport) -> SchoolCalendar:
        """The working days of whoever must act on the report, its holder: the school holidays of the schools they
        work at (those they head, and their school on the staff list; for a line manager the list does not know, the
        reporter's school), every school's for the chair of governors, who serves them all."""
        holder = report.holder
        if posts(report, self.federation)[report.level] is Role.CHAIR:
            return self.federation.calendar
        row = next((m for m in self.staff if _listed_as(m, holder)), None)
        schools = self.federation.schools_of(holder, row.school if row else "")
        return self.federation.calendar_for(schools or ((self.school_id,) if self.school_id else ()))

    def still_there(self, contact: StaffContact, post: Role) -> bool:
        """A headteacher or chair while the settings name them in that post; a line manager while on the staff list
        (or named in the settings; an empty list says nobody has left).

        Someone is known to have left only when no row of the list can be them (`may_be`): a row with their object id
        or any of their addresses is them, and a row without an object id may be them by name, since Graph may know
        them by a Hwb address the office's list does not have."""
        if post is not Role.LINE_MANAGER:
            now = self.in_post(post)
            return now is not None and _same(now, contact)
        if not self.staff or roles((contact,), self.federation) != (Role.LINE_MANAGER,):
            return True
        return any(may_be(StaffContact(m.aad_object_id, m.name, m.email), contact) for m in self.staff)


def roles(chain: Iterable[StaffContact], federation: Federation) -> tuple[Role, ...]:
    """Each person's role in a chain: chair of governors, a headteacher, or (anyone else) the line manager."""
    chair = federation.chair_of_governors

    def role(contact: StaffContact) -> Role:
        if chair is not None and _same(contact, chair):
            return Role.CHAIR
        if any(_same(contact, school.headteacher) for school in federation.schools):
            return Role.HEADTEACHER
        return Role.LINE_MANAGER

    return tuple(role(contact) for contact in chain)


def posts(report: ConcernReport, federation: Federation) -> tuple[Role, ...]:
    """The post each person of a report's chain has it for. `route` builds a chain as the line manager (first, on the
    line-manager route only), the headteacher, then the chair of governors, less whoever it left out. Someone the
    settings still name as head or chair holds that post; someone they no longer name is told by place: of two after
    the line manager, the first was the head; one alone was the head where the route puts the head first, else the
    chair (when unsure, the chair: nobody comes after them)."""
    managed = 1 if report.route is Route.LINE_MANAGER else 0
    today = roles(report.chain, federation)
    upper = len(report.chain) - managed
    head_first = report.route in (Route.NO_MANAGER, Route.NOT_COLLEAGUE) or (
        managed == 1 and today[0] is Role.LINE_MANAGER)  # a line manager who is also the head has the head's place

    def post(place: int) -> Role:
        if place < managed:
            return Role.LINE_MANAGER
        if today[place] is not Role.LINE_MANAGER:
            return today[place]
        if upper == 2:
            return Role.HEADTEACHER if place == managed else Role.CHAIR
        return Role.HEADTEACHER if head_first else Role.CHAIR

    return tuple(post(place) for place in range(len(report.chain)))


@dataclass(frozen=True)
class ConcernReport:
    """What the member of staff told us, who holds it, and what has happened since."""

    reference: str
    reporter: Person
    what: str
    since: str
    where: str
    who: str
    evidence: str
    wants_meeting: bool
    urgent: bool
    submitted_at: datetime
    chain: tuple[StaffContact, ...]
    route: Route
    kind: ReportKind = ReportKind.COLLEAGUE
    about: str = ""  # an `About` value, or the email of the colleague picked from the staff list
    about_name: str = ""
    involves_manager: bool = False
    # The reporter's line manager when she sent a report that involves him (ticked, or named, described or picked in
    # it; None: not known, or it does not involve him): it never goes to him, whatever post he holds later.
    involved_manager: StaffContact | None = None
    state: ReportState = ReportState.OPEN
    level: int = 0  # which person of the chain holds it
    acknowledged_at: datetime | None = None  # by its current holder
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None
    closed_at: datetime | None = None
    reopened_at: datetime | None = None  # when the reporter said it is not resolved (once)
    notes: tuple[Note, ...] = ()
    form: str = ""  # the form's own token: a second press of the same Send is the same report
    pace: Pace = Pace.STANDARD
    # The reporter's school when she sent it (its id): its head's post is the report's, even once she has left the list.
    # "" for a report written before it was kept.
    school: str = ""
    # The language of the form she sent it on, which she reads its news in (None on records from before it was kept).
    lang: Lang | None = None
    # The action whose messages were not yet known to be queued when it was saved (written with it): the reminder task
    # queues them (their ids are fixed, so never twice) and clears it.
    owed: str = ""
    # The levels of the chain it reached because the holder before did not acknowledge it in time, even reminded (the
    # reminder task passed it up): whoever holds it there is told why it came to them.
    passed_up: tuple[int, ...] = ()
    etag: str = field(default="", compare=False)

    @property
    def remind_after(self) -> int:
        """Working days its holder has to acknowledge it before they are reminded."""
        return URGENT_REMIND_AFTER if self.pace is Pace.URGENT else REMIND_AFTER

    @property
    def escalate_after(self) -> int:
        """Working days after the reminder before it is passed up."""
        return URGENT_ESCALATE_AFTER if self.pace is Pace.URGENT else ESCALATE_AFTER

    @property
    def holder(self) -> StaffContact:
        """Who holds the report now (after closing: who closed it)."""
        return self.chain[self.level]

    @property
    def assigned_to(self) -> StaffContact:
        """Who it was first sent to."""
        return self.chain[0]

    @property
    def next_up(self) -> StaffContact | None:
        """Who it goes to if it is escalated from here."""
        return self.chain[self.level + 1] if self.level + 1 < len(self.chain) else None

    @property
    def typed(self) -> tuple[str, ...]:
        """Everything the reporter wrote, to check who it names: the form's fields, her "not resolved" note and what she
        added to it while it was open."""
        notes = (n.text for n in self.notes if n.kind in {NoteKind.NOT_RESOLVED, NoteKind.ADDED})
        return (self.what, self.since, self.where, self.who, self.evidence, *notes)

    @property
    def written(self) -> tuple[str, ...]:
        """Everything written on the report that the people after its holder read, to check who it may be about when
        it moves on: what the reporter wrote, and the notes its holders wrote when they passed it on (a holder who
        learns someone above is involved says so there)."""
        return (*self.typed, *(n.text for n in self.notes if n.kind is NoteKind.ESCALATION))

    @property
    def is_settled(self) -> bool:
        """Closed: final for whoever holds it."""
        return self.state is ReportState.CLOSED

    @property
    def can_reopen(self) -> bool:
        """The reporter may still say "this isn't resolved" (once, and only with someone above to send it to)."""
        return self.is_settled and self.reopened_at is None and self.next_up is not None

    def level_of(self, person: Person) -> int | None:
        """The highest place in the chain this person has held the report at, or None."""
        held = [n for n, c in enumerate(self.chain[: self.level + 1]) if c.aad_object_id == person.aad_object_id]
        return held[-1] if held else None

    def may_see(self, person: Person, today: Today) -> bool:
        """Only the reporter and the people who hold or have held it, while they are still there for it (on the staff
        list, or in the post they had it for): someone who has left can no longer open it, nor can the holder it was
        passed on from for leaving, nor anyone who held it before what the reporter wrote since may be about them (it
        went past them for it). The reporter always can."""
        if person.aad_object_id == self.reporter.aad_object_id:
            return True
        level = self.level_of(person)
        if level is None or not today.still_there(self.chain[level], posts(self, today.federation)[level]):
            return False
        return level == self.level or not self._added_since_names(level, today)

    def _added_since_names(self, level: int, today: Today) -> bool:
        """True when what the reporter added or said was not resolved after the holder at `level` had it, read as
        the report is, may be about them."""
        since = tuple(n.text for n in self.notes
                      if n.kind is NoteKind.ADDED and n.level > level or n.kind is NoteKind.NOT_RESOLVED
                      and n.level >= level)
        return bool(since) and self._may_mean(replace(today.subject, typed=since), level, today)

    def _may_mean(self, said: Subject, level: int, today: Today) -> bool:
        """True when what the reporter added (`said`) may be about whoever held it at `level`: as the report's words
        are read, and, for a headteacher, a title without a name ("Miss", "Syr") too, which the form would have asked
        her about (a note cannot ask: the safe mistake is to pass her over)."""
        first = self.kind is ReportKind.COLLEAGUE and posts(self, today.federation)[level] is Role.HEADTEACHER
        return said.naming(self.chain[level], manager=self.line_manager(today.staff), federation=today.federation,
                           first=first) is not None

    def held_by(self, person: Person, today: Today) -> bool:
        """True for an open report this person holds while still there for it (as `may_see`): what their list of the
        reports they hold shows."""
        return not self.is_settled and self.handled_by(person) and self.may_see(person, today)

    def handled_by(self, person: Person) -> bool:
        """True for whoever holds the report now."""
        return person.aad_object_id == self.holder.aad_object_id

    def can_act(self, person: Person) -> bool:
        """True for the holder of a report that is not settled."""
        return self.handled_by(person) and not self.is_settled

    def notes_for(self, person: Person) -> tuple[Note, ...]:
        """The notes this person may read: each is shown only to the people it is for."""
        level = self.level_of(person)
        reporter = person.aad_object_id == self.reporter.aad_object_id

        def readable(note: Note) -> bool:
            if note.kind is NoteKind.NOT_RESOLVED:
                return reporter or (level is not None and level > note.level)
            if note.kind is NoteKind.OUTCOME:
                return (level is not None and level >= note.level) or (reporter and note.shared)
            if note.kind is NoteKind.ADDED:
                return reporter or (level is not None and level >= note.level)
            return level is not None and level >= note.level

        return tuple(note for note in self.notes if readable(note))

    def _holding(self, person: Person | None) -> None:
        if person is not None and not self.handled_by(person):
            raise NotAllowed("not the holder")

    def acknowledged(self, person: Person, now: datetime) -> ConcernReport:
        """Acknowledged by the person holding it; a settled report stays as it is."""
        self._holding(person)
        if self.is_settled or self.acknowledged_at is not None:
            return self
        return replace(self, state=ReportState.ACKNOWLEDGED, acknowledged_at=now)

    def escalated(self, person: Person | None, note: str, now: datetime, *,
                  past: Sequence[StaffContact] = ()) -> ConcernReport:
        """Passed one step up, by the holder (with a note) or by the reminder task (person None); `past`, the people
        after the holder it goes past (a holder's note names them)."""
        self._holding(person)
        if self.is_settled or self.next_up is None:
            return self
        onward = tuple(c for c in self.chain[self.level + 1:] if not any(_same(c, p) for p in past))
        if not onward:
            return self
        notes = self.notes + ((Note(NoteKind.ESCALATION, note, self.level, now),) if note else ())
        # The new holder acknowledges afresh; the earlier acknowledgement stays in the audit rows.
        return replace(self, chain=(*self.chain[:self.level + 1], *onward), state=ReportState.ESCALATED,
                       level=self.level + 1, escalated_at=now, acknowledged_at=None, notes=notes,
                       passed_up=(*self.passed_up, self.level + 1) if person is None else self.passed_up)

    def escalated_by(self, person: Person, note: str, now: datetime, today: Today, *, to: str = "") -> ConcernReport:
        """Passed one step up by its holder, with a note for the people above. The note is what the next person reads,
        and it is read as the report is: when it may name or describe them, the holder is asked first
        (`NoteNamesNext`), and `to` (an object id: the next person, or one after those the note names) says whom it
        goes to. Asked of a note that names nobody, `to` changes nothing."""
        self._holding(person)
        if self.is_settled or self.next_up is None:
            return self
        said = Subject(typed=(note,), staff=today.staff)
        manager = self.line_manager(today.staff)
        onward = self.chain[self.level + 1:]
        named = [note != "" and said.plainly_names(c, manager=manager, federation=today.federation) for c in onward]
        chosen = next((at for at, c in enumerate(onward) if to and c.aad_object_id.lower() == to.lower()), None)
        if chosen is not None and all(named[:chosen]):
            return self.escalated(person, note, now, past=onward[:chosen])
        if named[0]:
            raise NoteNamesNext(onward[0], next((c for c, by_name in zip(onward, named, strict=True)
                                                 if not by_name), None))
        return self.escalated(person, note, now)

    def closed(self, person: Person, outcome: str, *, shared: bool, now: datetime) -> ConcernReport:
        """Closed by whoever holds it, with a short outcome; final for them. The retention period runs from here."""
        self._holding(person)
        if not outcome.strip():
            raise ValueError("closing needs an outcome")
        if self.is_settled:
            return self
        note = Note(NoteKind.OUTCOME, outcome, self.level, now, shared=shared)
        return replace(self, state=ReportState.CLOSED, closed_at=now, notes=(*self.notes, note))

    def added_to(self, person: Person, note: str, now: datetime, today: Today) -> ConcernReport:
        """The reporter adds something to her report while it is open, for whoever holds it and the people above. It is
        read as the report is (`today.subject`, with what she picked and ticked): when it may name or describe the
        holder, the report goes on to the next person up it does not (`NobodyToSendTo` when it names everyone from the
        holder up), and the note is for them, never for the holder. A settled report, or no note, is unchanged."""
        if person.aad_object_id != self.reporter.aad_object_id:
            raise NotAllowed("not the reporter")
        if self.is_settled or not note or any(n.kind is NoteKind.ADDED and n.text == note for n in self.notes):
            return self  # settled, nothing to add, or the same words again (Add pressed twice, laptop and phone)
        said = replace(today.subject, typed=(note,))
        manager = self.line_manager(today.staff)
        # A holder who has left (off the staff list, or out of the post they had it for) is passed over too: their
        # chat may go with them to another school, and the reminder task would pass it on anyway.
        may_mean = self._may_mean(said, self.level, today)
        if not self.holder_has_left(today) and not may_mean:
            return replace(self, notes=(*self.notes, Note(NoteKind.ADDED, note, self.level, now)))
        onward = tuple(c for c in self.chain[self.level + 1:]
                       if not said.names(c, manager=manager, federation=today.federation))
        if not onward:
            raise NobodyToSendTo("everyone from the holder up is named in what she added")
        return replace(self, chain=(*self.chain[: self.level + 1], *onward), state=ReportState.ESCALATED,
                       level=self.level + 1, escalated_at=now, acknowledged_at=None,
                       notes=(*self.notes, Note(NoteKind.ADDED, note, self.level + 1, now, passed_over=may_mean)))

    def reopened(self, person: Person, note: str, now: datetime, *, staff: Sequence[StaffMember] = (),
                 federation: Federation | None = None) -> ConcernReport:
        """The reporter says it isn't resolved: once, it goes to the next person up that her note does not name or
        describe, read as the report is (`Subject`, with the names and titles `staff` gives them, and the posts
        `federation` gives); `NobodyToSendTo` when it names everyone above."""
        if person.aad_object_id != self.reporter.aad_object_id:
            raise NotAllowed("not the reporter")
        if not self.can_reopen:
            return self
        said = Subject(typed=(note,), staff=tuple(staff))
        manager = self.line_manager(staff)
        onward = tuple(c for c in self.chain[self.level + 1:]
                       if not said.plainly_names(c, manager=manager, federation=federation))
        if not onward:
            raise NobodyToSendTo("everyone above is named in the note")
        notes = self.notes + ((Note(NoteKind.NOT_RESOLVED, note, self.level, now),) if note else ())
        return replace(self, chain=(*self.chain[: self.level + 1], *onward), state=ReportState.ESCALATED,
                       level=self.level + 1, escalated_at=now, closed_at=None, acknowledged_at=None, reopened_at=now,
                       notes=notes)

    def line_manager(self, staff: Sequence[StaffMember]) -> StaffContact | None:
        """Whom "my line manager" in what she wrote means: the line manager the report involves (kept when it was
        sent), else the line manager it went to, else hers on the staff list now (a report sent before it kept him)."""
        if self.involved_manager is not None:
            return self.involved_manager
        if self.route is Route.LINE_MANAGER:
            return self.chain[0]
        return line_manager_in(staff, self.reporter)

    def _may_go_to(self, today: Today, taken: Sequence[StaffContact], contact: StaffContact | None) -> bool:
        """Someone the report may move on to: not the reporter, not anyone already in `taken`, never anyone it is
        about."""
        if contact is None or _same(contact, StaffContact(self.reporter.aad_object_id, self.reporter.name)):
            return False
        # The line manager it involves (ticked, or named or described when it was sent) never has it, whatever post he
        # holds later.
        if self.involves_manager and self.involved_manager is None and not any(_same(contact, c) for c in self.chain):
            return False  # who he was is not known (an older report, or none found): nobody new, who might be him
        if self.involved_manager is not None and may_be(self.involved_manager, contact, today.staff):
            return False
        return not any(_same(contact, t) for t in taken) and not today.subject.names(
            contact, manager=self.line_manager(today.staff), federation=today.federation)

    def _onward(self, today: Today, candidates: Iterable[StaffContact | None]) -> tuple[StaffContact, ...]:
        taken = list(self.chain[: self.level + 1])
        for contact in candidates:
            if contact is not None and self._may_go_to(today, taken, contact):
                taken.append(contact)
        return tuple(taken[self.level + 1:])

    def as_of(self, today: Today) -> ConcernReport:
        """The report with the people after its holder as they are today: each post held by whoever holds it now (a
        line manager while still on the staff list), without the reporter, anyone who has held it, or anyone it is
        about. Who has held it stays as it was."""
        held_as = posts(self, today.federation)
        after = zip(self.chain[self.level + 1:], held_as[self.level + 1:], strict=True)
        candidates = [c if post is Role.LINE_MANAGER and today.still_there(c, post) else today.in_post(post)
                      for c, post in after]
        if self.route is Route.LINE_MANAGER and self.level == 0 and Role.HEADTEACHER not in held_as:
            # The line manager was the head, so the chain has no place of its own for the head: the head of today
            # comes next (unless it is still her, or the report names him), then the chair.
            candidates.insert(0, today.headteacher)
        return replace(self, chain=(*self.chain[: self.level + 1], *self._onward(today, candidates)))

    def holder_has_left(self, today: Today) -> bool:
        """True when whoever holds the report is no longer there for it: off the staff list, or no longer in the post
        they had it for."""
        return not today.still_there(self.holder, posts(self, today.federation)[self.level])

    def passed_on(self, today: Today, now: datetime) -> ConcernReport:
        """A report whose holder has left goes to whoever holds their post now, else the next person still there,
        else the headteacher (as the reminder task passes up an unacknowledged one); it is unchanged while its holder
        is there, once closed, or when nobody is left to take it."""
        if self.is_settled or not self.holder_has_left(today):
            return self
        post = posts(self, today.federation)[self.level]
        onward = self._onward(today, (today.in_post(post), *self.as_of(today).chain[self.level + 1:])) or \
            self._onward(today, (today.headteacher,))
        if not onward:
            return self
        return replace(self, chain=(*self.chain[: self.level + 1], *onward), state=ReportState.ESCALATED,
                       level=self.level + 1, escalated_at=now, acknowledged_at=None)

    @property
    def waiting_since(self) -> datetime | None:
        """When its holder got it, while nobody has acknowledged it (sent, or passed up the chain); else None."""
        if self.state is ReportState.OPEN:
            return self.submitted_at
        if self.state is ReportState.ESCALATED:
            return self.escalated_at or self.submitted_at
        return None

    @property
    def _reminded(self) -> datetime | None:
        """When its holder was reminded; a reminder counts for this holder only: one sent to whoever held it before
        was sent before they got it."""
        since = self.waiting_since
        return self.reminded_at if since is not None and self.reminded_at is not None and self.reminded_at >= since \
            else None

    def due(self, now: datetime, school_calendar: SchoolCalendar) -> str:
        """What the reminder task owes this report now, on its holder's working days (`school_calendar`): "remind"
        its holder two working days after they got it, "escalate" two more after that (one and one for an urgent
        report), or ""."""
        since = self.waiting_since
        if since is None:
            return ""
        reminded = self._reminded
        if reminded is None:
            return "remind" if now >= school_calendar.add_working_days(since, self.remind_after) else ""
        if self.next_up is None:
            return ""
        return "escalate" if now >= school_calendar.add_working_days(reminded, self.escalate_after) else ""

    def passed_up_at(self, school_calendar: SchoolCalendar) -> datetime | None:
        """When the reminder task passes it up if nobody acknowledges it (once reminded, from the reminder; before,
        the earliest it can be), on its holder's working days; None when nothing is waiting or nobody comes next."""
        since = self.waiting_since
        if since is None or self.next_up is None:
            return None
        reminded = self._reminded
        if reminded is None:
            return school_calendar.add_working_days(since, self.remind_after + self.escalate_after)
        return school_calendar.add_working_days(reminded, self.escalate_after)

    @property
    def closure(self) -> datetime | None:
        """When the report was closed, or None while it is open (acknowledged is not closed: it is being dealt
        with)."""
        return self.closed_at if self.is_settled else None

    def expired(self, now: datetime, months: int) -> bool:
        """True once `months` calendar months have passed since closure."""
        return self.closure is not None and now >= add_months(self.closure, months)


def listing_order(report: ConcernReport) -> Standing:
    """Where a report stands on its reporter's list: by when it was sent, then (two sent in one instant) by reference,
    so each read of the list gives one order and Show more can go on after a report."""
    return report.submitted_at, report.reference


def holding_order(report: ConcernReport, *, waiting: bool | None = None) -> WaitingStanding:
    """Where a report stands on its holder's list: those still waiting for them to acknowledge first, then by when it
    was sent, then by reference. `waiting`, when given, is where a card showed it (acknowledged since, it stood there
    when Show more was sent)."""
    still_waiting = report.acknowledged_at is None if waiting is None else waiting
    return not still_waiting, report.submitted_at, report.reference


# Given a report retention has claimed, queues the messages that replace its cards posted in Teams, and returns them.
CardReplacer = Callable[[ConcernReport], Awaitable[Sequence[OutboundMessage]]]


async def no_cards(report: ConcernReport) -> Sequence[OutboundMessage]:
    """No card of the report to replace."""
    return ()


class ConcernReports(Protocol):
    """Port: the reports table (and its audit rows)."""

    async def claim_form(self, reporter: Person, form: str, reference: str) -> str:
        """The reference this reporter's form token stands for: `reference` if the token is new, else the first."""
        ...

    async def create(self, report: ConcernReport) -> None:
        """Store a new report with its first audit entry; `RecordExists` if the reference is taken."""
        ...

    async def get(self, reference: str) -> ConcernReport:
        """The report; `RecordNotFound` when there is none, or retention has claimed it (`delete`: it is going)."""
        ...

    async def save(self, report: ConcernReport, action: str, actor: str, *, at: datetime) -> ConcernReport:
        """Write a change if nobody changed it since it was read, with an audit entry at `at` (no report text)."""
        ...

    async def list_open(self) -> list[ConcernReport]:
        """Reports not yet closed, for the reminder task, retention and each holder's list."""
        ...

    async def list_owed(self) -> list[ConcernReport]:
        """Reports saved with messages still owed (`owed` set), closed ones included."""
        ...

    async def queued(self, report: ConcernReport) -> ConcernReport:
        """Clear `owed` if nobody changed the report since it was read (else `ConcurrentChange`: the later change owes
        its own messages); the report as it is now stored."""
        ...

    async def list_all(self) -> list[ConcernReport]:
        """Every report (for retention)."""
        ...

    async def list_by_reporter(self, reporter: Person) -> list[ConcernReport]:
        """The reports this person sent, newest first."""
        ...

    async def list_posted_cards(self, report: ConcernReport) -> list[CardSlot]:
        """Where the report's keyed cards were posted in Teams (the reporter's and each holder's): the cards that show
        it, to replace before it is deleted."""
        ...

    async def delete(self, report: ConcernReport, *, at: datetime, replacing: CardReplacer = no_cards) -> None:
        """Delete a report and its rows, leaving a deletion entry (reference and dates only) in the audit table.

        It is first claimed, if nobody changed it since it was read (else `ConcurrentChange`, and so while another run
        is deleting it; `RecordNotFound` once it is gone): from then on nobody finds it, so nobody changes it. Then
        `replacing` gives, from the report as claimed, the messages (queued by it, holding none of the report) that
        replace its posted cards: they, and the places of the cards they replace, are kept until
        `forget_replaced_cards`."""
        ...

    async def forget_replaced_cards(self, *, deleted_before: datetime) -> list[str]:
        """Of reports deleted before then, remove what was kept to replace their cards (a replacing message still
        unsent is given up); the references of those with one given up."""
        ...
