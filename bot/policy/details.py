"""What a policy document says about itself (title, version, dates, who wrote and agreed it), in English and Welsh.

The Welsh comes from `data/welsh-terms.json`, the words such documents use, which a Welsh speaker can edit; a
policy file may override any detail with its own `<detail>_cy` key. A detail is put into Welsh only where all of it,
or each part of it between "/", "," or ";" or in brackets, is a listed phrase, a date, a month, a school term or
"Version N", so people's names (never listed) are shown as written and no detail comes out half English, half Welsh.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_TERMS_FILE = Path(__file__).resolve().parent / "data" / "welsh-terms.json"
MONTHS = tuple(calendar.month_name)[1:]
# The last month of each school term: a review due "Autumn 2024" is overdue from January 2025.
TERM_LAST_MONTH = {"autumn": 12, "spring": 4, "summer": 8}
TERM_FIRST_MONTH = {"autumn": 9, "spring": 1, "summer": 4}

# Each month by its name and the short forms schools write ("Sept", "Feb."); Welsh names are read into English first.
_MONTH_NUMBERS = {**{name.casefold(): n for n, name in enumerate(MONTHS, start=1)},
                  **{name[:3].casefold(): n for n, name in enumerate(MONTHS, start=1)}, "sept": 9}
_MONTH = rf"({'|'.join(sorted(_MONTH_NUMBERS, key=len, reverse=True))})(?:\.(?!\w)|(?!\w))"  # its name: group
# Welsh short forms, read only beside a day or a year ("3 Chwef 2025", "Gorff 2027": "hyd" alone is "until").
_WELSH_SHORT_MONTHS = {"ion": "January", "chwef": "February", "maw": "March", "ebr": "April", "meh": "June",
                       "gorff": "July", "hyd": "October", "tach": "November", "rhag": "December"}
_WELSH_SHORT = re.compile(rf"\b({'|'.join(_WELSH_SHORT_MONTHS)})\.?(?=\s+\d{{4}}\b)", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORDED_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-){_MONTH}(?:,?\s+|-)(\d{{4}})\b",
                          re.IGNORECASE)  # "14 March 2026", "14-Mar-2026" as a spreadsheet writes it
_MONTH_FIRST_DATE = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b",
                               re.IGNORECASE)  # "March 14, 2025"
_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?:,?\s+|-)(\d{{4}})\b", re.IGNORECASE)  # "March 2028", "Mar-2028"
# An academic year: "2026-27", "2026/2027 academic year"; a review then is due by the end of August.
_ACADEMIC_YEAR = re.compile(r"\b(20\d{2})\s*[-/–]\s*(20\d{2}|\d{2})\b")
# a half term too ("Summer 2 2028", "Autumn Term 1 2027"): due by the end of its term
_TERM_YEAR = re.compile(r"\b(autumn|spring|summer)(?:\s*/\s*(autumn|spring|summer))?(?:\s+term)?(?:\s*[12])?"
                        r"\s+(\d{4})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(20\d{2})\b")
_VERSION = re.compile(r"^(?:version|ver\.?|v)\s*(\d+(?:\.\d+)*)$", re.IGNORECASE)
_VERSION_IN = re.compile(r"\b(?:version|ver\.?|v)\s*(\d+(?:\.\d+)*)\b|^(\d+(?:\.\d+)*)$", re.IGNORECASE)
_LEADING_VERSION = re.compile(r"^(?:version\s+|v\s*)?(\d{1,3}(?:\.\d{1,3}){0,2})\b(?![./]\d)", re.IGNORECASE)
_LIST = re.compile(r"(\s*[,;]\s*)")
_ALTERNATIVES = re.compile(r"(\s*(?:(?<!\d)/|/(?!\d))\s*)")  # "/" between words, not inside 12/10/2022
_BRACKETS = re.compile(r"(\s*\(\s*|\s*\)\s*)")  # "Elen Chennetier (Deputy Headteacher)": each part on its own


@dataclass(frozen=True)
class Detail:
    """One detail as the English document gives it and as a Welsh card shows it."""

    en: str
    cy: str

    def text(self, lang: str) -> str:
        """The detail in "en" or "cy" (English for anything else)."""
        return self.cy if lang == "cy" else self.en


@dataclass(frozen=True)
class PolicyDetails:
    """The document's own facts about itself; a detail the document does not give is None (or empty)."""

    title: Detail
    # How answers cite the document: "Social Media Policy, Version 1, 12.10.2022".
    citation: Detail
    federation: Detail | None = None
    schools: tuple[Detail, ...] = ()
    status: Detail | None = None
    # As the document numbers it ("1", "2.1"); empty when it gives none.
    version: str = ""
    author: Detail | None = None
    date_of_issue: date | None = None
    last_reviewed: date | None = None
    # As the document gives them when it names a month or term, not a day ("October 2024"): what cards show.
    issued_as: Detail | None = None
    last_reviewed_as: Detail | None = None
    agreed_by: Detail | None = None
    next_review: Detail | None = None
    # When the review is overdue: the date, or the last day of the term or month, of `next_review`.
    review_date: date | None = None
    authorised_by: Detail | None = None
    authorised_on: date | None = None

    def issued(self) -> Detail | None:
        """The date of issue as staff read it in each language."""
        return self.issued_as or (dated(self.date_of_issue) if self.date_of_issue else None)

    def reviewed(self) -> Detail | None:
        """The date of the last review as staff read it in each language."""
        return self.last_reviewed_as or (dated(self.last_reviewed) if self.last_reviewed else None)

    def review_due(self) -> Detail | None:
        """The next review as staff read it: as the document words it, else the date it falls due."""
        return self.next_review or (dated(self.review_date) if self.review_date else None)

    def authorisation(self) -> Detail | None:
        """Who authorised the document, with the day where it gives one."""
        if self.authorised_by is None or self.authorised_on is None:
            return self.authorised_by
        on = dated(self.authorised_on)
        return Detail(f"{self.authorised_by.en}, {on.en}", f"{self.authorised_by.cy}, {on.cy}")

    def answering(self, name: str) -> str:
        """The detail that answers a question about `name`: who signed the document off is its authorisation where it
        gives one, else the body that agreed it, and the other way round (staff say "signed off" for both)."""
        other = {"authorisation": "agreed_by", "agreed_by": "authorisation"}.get(name)
        if other is not None and not self.asked(name, "en") and self.asked(other, "en"):
            return other
        return name

    def given_instead(self, name: str) -> tuple[str, Detail] | None:
        """What the About card gives when the document does not give the detail asked for: for the last review, the
        date of issue ("date_of_issue"); for the schools, what the document applies to ("applies_to"); else None."""
        issued = self.issued()
        if name == "last_reviewed" and issued is not None:
            return "date_of_issue", issued
        if name == "schools" and self.federation is not None:
            return "applies_to", self.federation
        return None

    def asked(self, name: str, lang: str) -> str:
        """The detail a question about the document names ("author", "next_review"...) as a reader of `lang` sees
        it; "" when the document does not give it."""
        if name == "version":
            return self.version
        if name == "schools":
            return ", ".join(school.text(lang) for school in self.schools)
        found = {"title": self.title, "author": self.author, "date_of_issue": self.issued(),
                 "agreed_by": self.agreed_by, "last_reviewed": self.reviewed(), "next_review": self.review_due(),
                 "authorisation": self.authorisation()}.get(name)
        return found.text(lang) if found is not None else ""


class WelshTerms:
    """The Welsh of the words policy documents use about themselves, from an editable data file."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._phrases: dict[str, str] = {_key(english): str(welsh) for english, welsh in raw["phrases"].items()}
        self._english: dict[str, str] = {}  # each Welsh phrase's English, the first the file lists for it
        for english, welsh in raw["phrases"].items():
            self._english.setdefault(_welsh_key(str(welsh)), str(english))
        self._version = str(raw["version"])
        self._months: dict[str, str] = {english.casefold(): str(welsh) for english, welsh in raw["months"].items()}
        self._terms: dict[str, str] = {_key(english): str(welsh) for english, welsh in raw["terms"].items()}
        self._schools: dict[str, str] = {str(english): str(welsh) for english, welsh in raw["schools"].items()}
        self._english_place_words = frozenset(str(w).casefold() for w in raw.get("english_place_words", ()))
        # "on the recommendation of" + a listed body: the Welsh ends in a noun, so the body after it never mutates.
        self._on_behalf = tuple((_words_then_rest(english), str(welsh)) for english, welsh in
                                sorted(raw.get("on_behalf_of", {}).items(), key=lambda pair: -len(pair[0])))
        names = "|".join(map(re.escape, sorted(self._terms, key=len, reverse=True)))
        self._term = re.compile(rf"^({names})(?:\s+term)?(?:\s+(\d{{4}}(?:[/-]\d{{2,4}})?))?$", re.IGNORECASE)

    def in_english(self, text: str) -> str:
        """A date, month or term written in Welsh ("9 Ionawr 2025", "Tymor yr Hydref 2025") in English words, so
        it reads as a date; other text as it is."""
        for english, welsh in sorted(self._terms.items(), key=lambda pair: -len(pair[1])):
            if "/" not in english:  # "Tymor yr Hydref" is "Autumn Term"; "Hydref" alone is October
                text = re.sub(rf"\b{re.escape(welsh)}\b", f"{english.title()} Term", text, flags=re.IGNORECASE)
        for english, welsh in self._months.items():
            text = re.sub(rf"\b{re.escape(welsh)}\b", english.title(), text, flags=re.IGNORECASE)
        for season, english in (("Gwanwyn", "Spring"), ("Haf", "Summer")):  # "Gwanwyn 2030" ("Hydref" is October)
            text = re.sub(rf"\b{season}\b", english, text, flags=re.IGNORECASE)
        return _WELSH_SHORT.sub(lambda short: _WELSH_SHORT_MONTHS[short[1].casefold()], text)

    @property
    def school_kinds(self) -> tuple[str, ...]:
        """The kinds of school the file names in English ("High School", "Primary School", ...)."""
        return tuple(self._schools)

    def render(self, value: str) -> str:
        """A detail in Welsh: all of it, or each part between "/", "," or ";" or in brackets, where known; the rest as
        written. A part left as written that reads as English words, not a name ("on the recommendation of the Estates
        Group"), leaves the whole detail as written: never half Welsh, half English."""
        as_written: list[str] = []

        def piece(text: str) -> str:
            known = self._part(text)
            if known is None:
                as_written.append(text)
            return known or text

        rendered = _each(value, _LIST, lambda part: _each(
            part, _ALTERNATIVES, lambda alternative: _each(alternative, _BRACKETS, piece, whole=self._part),
            whole=self._part), whole=self._part)
        return value if rendered != value and any(map(reads_as_english, as_written)) else rendered

    def english_of(self, welsh: str) -> str | None:
        """The English the file gives for a Welsh phrase ("Polisi Cyfryngau Cymdeithasol Staff" is "Social Media
        Policy for Staff", as "… i Staff" is), written with or without its little words; None where it gives none."""
        return self._english.get(_welsh_key(welsh))

    def date(self, day: date) -> str:
        """A date as a Welsh reader writes it: "12 Hydref 2022"."""
        return f"{day.day} {self._months[MONTHS[day.month - 1].casefold()]} {day.year}"

    def school(self, name: str) -> str:
        """A school's name in Welsh by its kind ("Llanidloes High School" -> "Ysgol Uwchradd Llanidloes"); as written
        when the rest of the name has English words ("Tywi Valley High School")."""
        for kind, welsh in self._schools.items():
            if name.casefold().endswith(kind.casefold()):
                place = name[: len(name) - len(kind)].strip()
                if any(word.strip(".,()").casefold() in self._english_place_words for word in place.split()):
                    return name
                return f"{welsh} {place}".strip()
        return name

    def _part(self, part: str) -> str | None:
        key = _key(part)
        if not key:
            return None
        if key in self._phrases:
            return self._phrases[key]
        for english, welsh in self._on_behalf:  # "on the recommendation of the Staffing Committee"
            if (said := english.match(part.strip())) is not None and (whom := self._part(said[1])) is not None:
                return f"{welsh} {_within_a_sentence(whom)}"
        stripped = part.strip().rstrip(".")
        if version := _VERSION.match(stripped):
            return f"{self._version} {version.group(1)}"
        if (term := self._term.match(stripped)) is not None:
            year = term.group(2)
            return f"{self._terms[_key(term.group(1))]} {year}" if year else self._terms[_key(term.group(1))]
        if (day := parse_date(stripped)) is not None and _only_a_date(stripped):
            return self.date(day)
        if (month := _MONTH_YEAR.fullmatch(stripped)) is not None:
            return f"{self._months[MONTHS[_month_number(month.group(1)) - 1].casefold()]} {month.group(2)}"
        if stripped.casefold() in self._months:
            return self._months[stripped.casefold()]
        return None


def _each(value: str, separators: re.Pattern[str], render: Callable[[str], str],
          whole: Callable[[str], str | None] | None = None) -> str:
    """`value` rendered as a whole where `whole` knows it, else piece by piece between separators."""
    known = whole(value) if whole else None
    if known is not None:
        return known
    pieces = separators.split(value)
    return "".join(piece if i % 2 else render(piece) for i, piece in enumerate(pieces))


# Small words a name or a job title keeps lower-case ("Head of Humanities", "Dr van der Berg").
_NAME_PARTICLES = frozenset({"of", "and", "for", "in", "de", "van", "der", "von", "ap", "ab", "le", "la", "du"})


def reads_as_english(text: str) -> bool:
    """Whether text left as written reads as English words rather than a name or a title: it has a lower-case word
    a name does not keep ("on the recommendation of …", "reviewed annually")."""
    return any(word[0].islower() and word.casefold() not in _NAME_PARTICLES
               for word in re.findall(r"[^\W\d_][\w'’-]*", text))


def _words_then_rest(english: str) -> re.Pattern[str]:
    """Text that opens with these words (any capitals and spacing); the rest is its group 1."""
    words = r"\s+".join(map(re.escape, english.split()))
    return re.compile(rf"^{words}\s+(.+)$", re.IGNORECASE)


def _within_a_sentence(welsh: str) -> str:
    """A Welsh phrase as it reads after other words: its article in lower case ("y Pwyllgor Staffio")."""
    first, _, rest = welsh.partition(" ")
    return f"{first.lower()} {rest}" if first in ("Y", "Yr") and rest else welsh


# Welsh little words a title may be written with or without ("Polisi … i Staff", "… ar gyfer Staff").
_WELSH_LITTLE_WORDS = frozenset({"i", "ar", "gyfer", "y", "yr", "'r", "’r"})


def _welsh_key(text: str) -> str:
    """How a Welsh phrase is looked up for its English (`english_of`): its words in lower case, without its little
    words ("Polisi Cyfryngau Cymdeithasol i Staff" -> "polisi cyfryngau cymdeithasol staff")."""
    return " ".join(word for word in re.findall(r"[’']r\b|[^\W_]+(?:[-’'][^\W_]+)*", text.casefold())
                    if word not in _WELSH_LITTLE_WORDS)


def _key(text: str) -> str:
    """How a phrase is looked up: any capitals, spacing, a leading "the" or a final full stop."""
    key = " ".join(text.casefold().split()).rstrip(".")
    return key[4:] if key.startswith("the ") else key


def _only_a_date(text: str) -> bool:
    return any(pattern.fullmatch(text) for pattern in (_NUMERIC_DATE, _ISO_DATE, _WORDED_DATE, _MONTH_FIRST_DATE))


@cache
def welsh_terms(path: Path = DEFAULT_TERMS_FILE) -> WelshTerms:
    """The Welsh terms file, read once."""
    return WelshTerms(json.loads(path.read_text(encoding="utf-8")))


def english_date(day: date) -> str:
    """A date as the school's documents write it: "12.10.2022"."""
    return day.strftime("%d.%m.%Y")


def dated(day: date) -> Detail:
    """A date in both languages."""
    return Detail(english_date(day), welsh_terms().date(day))


def parse_date(text: str) -> date | None:
    """The first whole date in a text, read the British way (12.10.2022 is 12 October; Welsh month names too); None
    when there is none."""
    text = welsh_terms().in_english(text)
    candidates: list[tuple[int, date]] = []
    for match in _ISO_DATE.finditer(text):
        candidates += _candidate(match.start(), int(match[1]), int(match[2]), int(match[3]))
    for match in _NUMERIC_DATE.finditer(text):
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        candidates += _candidate(match.start(), year, int(match[2]), int(match[1]))
    for match in _WORDED_DATE.finditer(text):
        candidates += _candidate(match.start(), int(match[3]), _month_number(match[2]), int(match[1]))
    for match in _MONTH_FIRST_DATE.finditer(text):
        candidates += _candidate(match.start(), int(match[3]), _month_number(match[1]), int(match[2]))
    return min(candidates, key=lambda found: found[0])[1] if candidates else None


def _candidate(where: int, year: int, month: int, day: int) -> list[tuple[int, date]]:
    try:
        return [(where, date(year, month, day))]
    except ValueError:
        return []


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name.casefold().rstrip(".")]


def period_start(text: str) -> date | None:
    """The first day of a date, month ("October 2024") or term ("Autumn Term 2024") a text names; None when it
    names none of them (a year alone is too vague for a date of issue)."""
    text = welsh_terms().in_english(text)
    if (day := parse_date(text)) is not None:
        return day
    if (term := _TERM_YEAR.search(text)) is not None:
        return date(int(term[3]), TERM_FIRST_MONTH[term.group(1).casefold()], 1)
    if (month_year := _MONTH_YEAR.search(text)) is not None:
        return date(int(month_year[2]), _month_number(month_year[1]), 1)
    return None


def review_deadline(text: str) -> date | None:
    """When a review given as "Autumn 2024", "Spring/Summer Term 2025", "October 2024", "2025" or a date is
    overdue: the last day of that period. None when the text names no period."""
    text = welsh_terms().in_english(text)
    if (day := parse_date(text)) is not None:
        return day
    if (term := _TERM_YEAR.search(text)) is not None:
        first, last, year = term.group(1).casefold(), (term.group(2) or term.group(1)).casefold(), int(term[3])
        month = TERM_LAST_MONTH[last]
        if month < TERM_LAST_MONTH[first]:  # "Autumn/Spring 2024" runs into 2025
            year += 1
        return date(year, month, calendar.monthrange(year, month)[1])
    if (month_year := _MONTH_YEAR.search(text)) is not None:
        year, month = int(month_year[2]), _month_number(month_year[1])
        return date(year, month, calendar.monthrange(year, month)[1])
    if (academic := _ACADEMIC_YEAR.search(text)) is not None:
        first, second = int(academic[1]), int(academic[2])
        if second in (first + 1, (first + 1) % 100):  # "2026-27": the school year that ends in August 2027
            return date(first + 1, 8, 31)
    if (year_only := _YEAR.search(text)) is not None:
        return date(int(year_only[1]), 12, 31)
    return None


def version_in(text: str) -> str:
    """The version number in a status such as "Version 1", "v2.1" or "3"; empty when there is none."""
    # "3.0 (replaces version 2.1)": the number it opens with is its own
    found = _LEADING_VERSION.match(text.strip()) or _VERSION_IN.search(text.strip())
    return next((group for group in found.groups() if group), "") if found else ""


# What a Welsh school's name may say after "Ysgol" before the name itself ("Ysgol Gynradd Gymraeg Bro Hafren").
_WELSH_KINDS = "Gynradd|Uwchradd|Gymraeg|Gyfun|Feithrin|Fabanod|Iau|Arbennig|Eglwys|Bro|Sant|Santes|Babanod"


_NOT_A_NAME = frozenset({"Staff", "Policy", "Social", "Media", "Governing", "Body", "Code", "Conduct", "Handbook",
                         "Federation", "Trust", "Council", "Pupils", "Parents", "Headteacher", "Online", "Safety",
                         "Facebook", "Instagram", "Twitter", "X", "YouTube", "TikTok", "Page", "Account", "Website",
                         "School"})


def schools_named(texts: Iterable[str], kinds: Iterable[str]) -> tuple[str, ...]:
    """Schools a document names ("Llanidloes High School"), in order of first mention, each once."""
    kinds = tuple(kinds)
    kind = "|".join(re.escape(k) for k in sorted(kinds, key=len, reverse=True))
    if not kind:
        return ()
    kinds_alone = {k.casefold() for k in kinds}
    # A name's words are capitalised, but for a church school's "Church of England" / "Church in Wales", and may end
    # with its status in brackets: "St Ebba's Church of England (VA) Primary School".
    unit = r"(?:Church\s+of\s+England|Church\s+in\s+Wales|[A-Z][\w'’-]*)"
    # Welsh place names keep their small words ("Maes y Garn High School", "Ysgol Gynradd Pant yr Ehedydd").
    joined = rf"{unit}(?:\s+(?:y|yr|ar|o|a)\s+[A-Z][\w'’-]*)?"
    pattern = re.compile(rf"\b((?:{joined}\s+){{1,3}}(?:\([A-Za-z ]{{1,15}}\)\s+)?(?:{kind}))\b")
    welsh = re.compile(rf"\b(Ysgol(?:\s+(?:{_WELSH_KINDS}))*(?:\s+yr?)?(?:\s+{joined}){{1,3}})")
    found: dict[str, None] = {}
    for text in texts:
        english = list(pattern.finditer(text))
        # "Ysgol Gynradd Glan Ithon Community Primary School" is one name: its English reading
        own = [m for m in welsh.finditer(text) if not any(m.start() < e.end() and e.start() < m.end() for e in english)]
        for match in sorted([*english, *own], key=lambda m: m.start()):
            words = match.group(1).split()
            while words and words[0] in ("The", "A", "At", "In", "For", "Our", "Each", "Every"):
                words = words[1:]
            while words[0] == "Ysgol" and len(words) > 2 and words[-1] in _NOT_A_NAME:  # "Ysgol Bro Ddyfi Staff …"
                words = words[:-1]
            name = " ".join(words)
            if name.casefold() in kinds_alone:  # "The High School runs …": the school named in full before
                continue
            if not any(name.startswith(f"{known} ") for known in found):  # "Ysgol Bryn Teg Facebook page"
                found.setdefault(name)
    return tuple(found)


def one_name_a_school(names: Sequence[str]) -> list[dict[str, str]]:
    """Schools by name, a school named in English and in Welsh ("Bryn Celyn Primary School", "Ysgol Gynradd Bryn
    Celyn") once, with its Welsh name; "Llanidloes High School" and "Ysgol Gynradd Llanidloes" are two schools."""
    schools: list[dict[str, str]] = []
    seen: list[tuple[str, str, dict[str, str]]] = []  # (kind in Welsh, the name's own words, its entry)
    for name in names:
        if any(name in (school["en"], school.get("cy")) for school in schools):
            continue
        kind, core = _kind_of_school(name)
        welsh = name.startswith("Ysgol ")
        twin = next((entry for other_kind, other_core, entry in seen if other_core == core and (
            other_kind == kind or "Ysgol" in (kind, other_kind))), None)
        if twin is not None and welsh == twin["en"].startswith("Ysgol "):
            continue  # "Ysgol Cwm Eithin" after "Ysgol Gymraeg Cwm Eithin": the same school, named shorter
        if twin is not None and "cy" not in twin:
            if welsh:
                twin["cy"] = name
            else:
                twin.update(en=name, cy=twin["en"])
            continue
        entry = {"en": name}
        seen.append((kind, core, entry))
        schools.append(entry)
    return schools


def _kind_of_school(name: str) -> tuple[str, str]:
    """A school's kind, in Welsh ("Ysgol Gynradd"; "Ysgol" where the name does not say), and the rest of its name:
    ("Ysgol Gynradd", "bryn celyn") for both "Bryn Celyn Primary School" and "Ysgol Gynradd Bryn Celyn"."""
    kinds = welsh_terms().school_kinds
    kind, rest = "Ysgol", name.removeprefix("Ysgol ")
    for english in kinds:
        if name.casefold().endswith(f" {english.casefold()}"):
            kind, rest = welsh_terms().school(english), name[: -len(english)]
            break
    else:
        for welsh in sorted({welsh_terms().school(english) for english in kinds}, key=len, reverse=True):
            if name.casefold().startswith(f"{welsh.casefold()} "):
                kind, rest = welsh, name[len(welsh):]
                break
    # "Ysgol Gymraeg Cwm Eithin" is "Cwm Eithin"; "Heol Fawr Community …" is "Ysgol … Gymunedol Heol Fawr"
    return kind, " ".join(word for word in rest.casefold().split() if word not in _DESCRIPTIONS)


_DESCRIPTIONS = frozenset({"gymraeg", "gynradd", "uwchradd", "gyfun", "gymunedol", "community", "welsh-medium"})


def details_from(raw: Mapping[str, Any], texts: Iterable[str], terms: WelshTerms | None = None) -> PolicyDetails:
    """The details of a checked policy file; `texts` are its headings and passages, where schools are named
    when the file does not list them."""
    terms = terms or welsh_terms()

    def detail(key: str, welsh_key: str = "") -> Detail | None:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            return None
        welsh = raw.get(welsh_key or f"{key}_cy")
        return Detail(value, welsh if isinstance(welsh, str) and welsh.strip() else terms.render(value))

    def day(key: str) -> date | None:
        value = raw.get(key)
        return date.fromisoformat(value) if isinstance(value, str) and value else None

    title = detail("title_en", "title_cy")
    assert title is not None  # the loader checked it
    version = str(raw.get("version", "")).strip()
    issued = day("date_of_issue")
    next_review = detail("next_review")
    review_date = day("review_date") or (review_deadline(next_review.en) if next_review else None)
    if "schools" in raw:
        schools = tuple(Detail(s["en"], s.get("cy") or terms.school(s["en"])) for s in raw["schools"])
    else:
        schools = tuple(Detail(s["en"], s.get("cy") or terms.school(s["en"]))
                        for s in one_name_a_school(schools_named(texts, terms.school_kinds)))
    return PolicyDetails(
        title=title,
        citation=_citation(raw, title, version, detail("issued_as") or (
            Detail(english_date(issued), terms.date(issued)) if issued else None), terms),
        federation=detail("federation"),
        schools=schools,
        status=detail("status"),
        version=version,
        author=detail("author"),
        date_of_issue=issued,
        last_reviewed=day("last_reviewed"),
        issued_as=detail("issued_as"),
        last_reviewed_as=detail("last_reviewed_as"),
        agreed_by=detail("agreed_by"),
        next_review=next_review,
        review_date=review_date,
        authorised_by=detail("authorised_by"),
        authorised_on=day("authorised_on"),
    )


def _citation(raw: Mapping[str, Any], title: Detail, version: str, issued: Detail | None,
              terms: WelshTerms) -> Detail:
    english = raw.get("source")
    welsh = raw.get("source_cy")
    if isinstance(english, str) and english.strip():
        return Detail(english, welsh if isinstance(welsh, str) and welsh.strip() else terms.render(english))
    parts_en, parts_cy = [title.en], [title.cy]
    if version:
        parts_en.append(f"Version {version}")
        parts_cy.append(terms.render(f"Version {version}"))
    if issued:
        parts_en.append(issued.en)
        parts_cy.append(issued.cy)
    cy = welsh if isinstance(welsh, str) and welsh.strip() else ", ".join(parts_cy)
    return Detail(", ".join(parts_en), cy)
