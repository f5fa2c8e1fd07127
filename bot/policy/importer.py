"""Turns the school's own policy document (Word .docx or plain .txt) into a policy file the bot reads.

A document is a title, a details table (status or version, author, date of issue, agreed by, next review date,
authorisation), then headed sections of paragraphs and bullets. Sections get ids from their heading's words, so a
section keeps its id in the next version while its heading keeps its words. Passages are the document's own
sentences and bullets, verbatim; a sentence that leans on the one before it ("Instead, ...", "And, ...", one that
only introduces what follows with a colon, or qualifies with "still" or "of course") stays with it.
What the bot is steered by (`asked_as`, `not_covered`) is not the document's, and is not written here.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from bot.policy.details import (
    one_name_a_school,
    parse_date,
    period_start,
    review_deadline,
    schools_named,
    version_in,
    welsh_terms,
)
from bot.policy.document_lines import (
    APPLIES_TO,
    APPROVAL,
    APPROVED_ON,
    ASKED,
    CLOSERS,
    MAX_HEADING_WORDS,
    NUMBERING,
    PAGE_EDGE,
    UNUSED_DETAIL,
    VERSION_ISSUED,
    Line,
    as_detail,
    detail_key,
    detail_key_by_words,
    heading_like,
    label_key,
    labelled_by_words,
    unnumbered,
)
from bot.policy.document_lines import (
    PolicyImportError as PolicyImportError,  # the importer's error, for its callers
)
from bot.policy.lexicon import ENGLISH_STOPWORDS, PLATFORM_WORDS
from bot.policy.loader import MAX_PASSAGE_CHARS, MAX_PASSAGES, validate_policy_data
from bot.policy.model import Policy
from bot.policy.notes import Note, detail_name, note, place, problem_note
from bot.policy.text import stem, template_leftover, words
from bot.policy.text_reader import read_txt
from bot.policy.welsh import detect_language, lookup_welsh, welsh_sentences, welsh_share
from bot.policy.word_reader import read_docx

# What people write in a details row that has nothing to say.
EMPTY_VALUES = frozenset({"", "-", "–", "n/a", "na", "none", "tbc", "tba", "not applicable",
                          "dim", "amh", "amherthnasol", "i'w gadarnhau",  # (Welsh: none, n/a, n/a, TBC)
                          # a Word template's empty content control
                          "click or tap to enter a date", "click or tap here to enter text",
                          "click here to enter a date",
                          "click here to enter text", "choose an item"})
SUFFIXES = (".docx", ".txt", ".md")
# What to do with a file the importer cannot read, by its kind.
_IN_WORD = ": open it in Word and save it as a Word Document (.docx)"
_WEB_PAGE = ": a web page; open the policy's Word original, or copy the page's text into a .txt file"
_PDF = (": open the school's Word original and import that; or open the PDF in Word and save it as a Word Document "
        "(.docx), then check its headings")
_SAVE_AS = {".doc": _IN_WORD, ".docm": _IN_WORD, ".dotx": _IN_WORD, ".odt": _IN_WORD, ".rtf": _IN_WORD,
            ".html": _WEB_PAGE, ".htm": _WEB_PAGE, ".pdf": _PDF}
# The same, as the string tables say it (import.how.*).
_HOW = {_IN_WORD: "in_word", _WEB_PAGE: "web_page", _PDF: "pdf"}
_PART = re.compile(r"^part\s+(?:[a-z]|\d{1,2}|[ivx]{1,5})\b", re.IGNORECASE)
_DOCUMENT_WORD = re.compile(r"\b(?:polic(?:y|ies)|code|guidance|guidelines|procedures?|polisi|cod|canllawiau)\b",
                            re.IGNORECASE)
_SUBJECT = re.compile(r"\b(?:social media|social networking|online|internet|digital|e-safety|acceptable use|"
                      r"cyfryngau cymdeithasol|ar-lein)\b", re.IGNORECASE)
_CONTENTS = frozenset({"contents", "table of contents", "contents page", "cynnwys", "tabl cynnwys", "on this page",
                       "in this policy", "ar y dudalen hon"})
# A first section that introduces the document, where it may say who wrote it ("It was written by …").
_INTRODUCTION = re.compile(r"^(?:about (?:this|the) (?:policy|guidance|document|code)|introduction|overview|"
                           r"policy statement|cyflwyniad|am y polisi hwn)$")
# What changed from the last version: the rules themselves are in the sections, so such a list is no passage.
_CHANGE_LOG = re.compile(
    r"^(?:summary of (?:the )?changes|(?:main |key )?changes (?:in|to|since|made|from)\b.*|version history|"
    r"document history|revision history|change ?log|record of (?:changes|amendments)|amendments(?: to this policy)?|"
    r"what(?:'s| has| is) changed\b.*|crynodeb o'?r newidiadau|newidiadau (?:yn|i|ers)\b.*|hanes (?:y )?fersiynau)$",
    re.IGNORECASE)
_FORM_LABEL = re.compile(r"\b(Date|Signature|Signed|Name)\s*:", re.IGNORECASE)
_TRAILING_DATE = re.compile(r"[,;]?\s*(?:on\s+)?(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|"
                            r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4})\s*$")
# A details sentence in the prose before the first section, when a document has no details table ("It was drafted
# by Priya Lal and approved by the Board of Trustees on 7 February 2024. It will next be reviewed in Spring 2026.").
# A name's initial or title ("Mrs C. Watkins", "Dr. Rees") does not end it.
_NAME_STOP = r"(?:(?<=\b[A-Z])|(?<=\bMrs)|(?<=\bMr)|(?<=\bMs)|(?<=\bDr))\."
_UNTIL = (rf"(?P<v>(?:[^.;]|{_NAME_STOP})+?)(?=,?\s+and\s+(?:was\s+|is\s+|has\s+been\s+|it\s+)?(?:approved|agreed|"
          r"adopted|ratified|reviewed|signed|will)\b|,?\s+(?:on|in|who|which|it|this)\s|,?\s+a\s+(?:chymeradwywyd|"
          rf"gytunwyd)|;|(?<!\b[A-Z])(?<!\bMrs)(?<!\bMr)(?<!\bMs)(?<!\bDr)\.|$)")
_PROSE_DETAILS = (
    ("author", re.compile(r"\b(?:drafted|written|prepared|compiled|authored|produced)\s+by\s+" + _UNTIL,
                          re.IGNORECASE)),
    ("agreed_by", re.compile(r"\b(?:approved|agreed|adopted|ratified)\s+by\s+(?:the\s+)?(?P<v>[^.;,]+?)"
                             r"(?:\s+(?:on|in)\s+(?P<on>[^.;,]+?))?(?=,|\s+and\s|[.;]|$)", re.IGNORECASE)),
    ("next_review", re.compile(r"\b(?:(?:will|shall|is\s+due\s+to|is\s+to)\s+(?:next\s+)?be\s+(?:next\s+)?reviewed|"
                               r"next\s+review(?:\s+date)?\s+(?:is|will\s+be)|due\s+for\s+review)\s+"
                               r"(?:in|by|on|before|during|at\s+the\s+end\s+of)?\s*(?:the\s+)?(?P<v>[^.;,]+?)"
                               r"(?=,|\s+or\s|\s+and\s|[.;]|$)", re.IGNORECASE)),
    ("version", re.compile(r"(?:^|\bthis\s+is\s+)version\s+(?P<v>\d+(?:\.\d+)*)\b", re.IGNORECASE)),
    ("author", re.compile(r"\b(?:ysgrifennwyd|lluniwyd|paratowyd)\s+(?:y\s+polisi\s+(?:hwn\s+)?)?gan\s+" + _UNTIL,
                          re.IGNORECASE)),
    ("agreed_by", re.compile(r"\b(?:cymeradwywyd|cytunwyd|mabwysiadwyd)\s+(?:y\s+polisi\s+(?:hwn\s+)?)?gan\s+"
                             r"(?:y\s+|yr\s+)?(?P<v>[^.;,]+?)(?:\s+ar\s+(?P<on>[^.;,]+?))?(?=,|\s+a\s|[.;]|$)",
                             re.IGNORECASE)),
)
_ORGANISATION = re.compile(r"\b(?:trust|federation|council|diocese|academy|academies|schools?|college|"
                           r"ffederasiwn|cyngor|esgobaeth|ysgolion)$|^ysgol\b", re.IGNORECASE)
# An organisation's name that is one school's, not a trust's, council's or federation's.
_ONE_SCHOOL = re.compile(r"^(?!.*\b(?:trust|federation|council|diocese|schools|academies)\b).*\b(?:school|college|"
                         r"academy)$|^ysgol\b(?!.*\b(?:trust|federation|council)\b)", re.IGNORECASE)
_KINDS_OF_SCHOOL = frozenset({"high", "primary", "secondary", "junior", "infant", "infants", "nursery", "special",
                              "community", "comprehensive", "school", "schools", "trust", "federation", "academy",
                              "council", "college", "the", "our", "ysgol", "ysgolion", "cyngor", "ffederasiwn"})
_ABOUT_THE_DOCUMENT = re.compile(r"^(?:it|this|these|the\s+(?:policy|document|guidance)|polisi|fe'i|cafodd|caiff)\b|"
                                 r"\b(?:this|the)\s+(?:policy|document|guidance)\b|\by\s+polisi\b", re.IGNORECASE)
_BRANCH = re.compile(r"^(?:if\s+)?(?:yes|no|ydy|nac\s+ydy|oes|nac\s+oes|ie|na)\b\s*[:,.→>-]", re.IGNORECASE)
_ANSWERED = re.compile(r"^(?:a|answer|ateb)\s*[:.]\s*\S", re.IGNORECASE)  # "A: Yes. ..."
_ASKED_AND_ANSWERED = re.compile(r"^(?:q|question|c|cwestiwn)\s*[:.]\s*\S.*?\?\s+(?:a|answer|ateb)\s*[:.]\s*",
                                 re.IGNORECASE)
# A list item that names its own subject ("Staff must not ...") reads without the lead-in above it.
_OWN_SUBJECT = re.compile(
    r"^(?:(?:all\s+)?staff|members?\s+of\s+staff|employees?|teachers?|you|we|pupils?|students?|parents?|"
    r"governors?|the\s+(?:school|federation|trust|headteacher|head)|no\s+one|nobody|everyone|anyone)\b"
    r"(?:\s+[\w'’]+){0,2}?\s+(?:must|should|may|can|cannot|will|shall|are|is|need|do)\b", re.IGNORECASE)
# Words every English text has and no Welsh one ("a", "i", "y" are both).
_ENGLISH_ONLY = frozenset({"the", "and", "of", "to", "is", "are", "for", "that", "this", "with", "be", "will", "must",
                           "should", "not", "you", "your", "it", "or", "by", "from", "on"})
# English words of bodies and roles: a detail with one is English, whatever Welsh place name it holds.
_ENGLISH_BODIES = frozenset({"school", "primary", "secondary", "high", "academy", "college", "committee", "council",
                             "body", "board", "trust", "governing", "governors", "headteacher", "manager", "head",
                             "deputy", "term", "federation"})
_LEANS_BACK = re.compile(r"^(?:and|but|or|nor|yet|so|instead|otherwise)\b", re.IGNORECASE)
_QUALIFIES = re.compile(r"\b(?:still|of course)\b", re.IGNORECASE)
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "st", "vs", "approx", "incl", "prof",
                            "cllr", "rev", "cf", "nb", "fig", "dept"})
_NUMBER_ABBREVIATIONS = frozenset({"no", "p", "pp", "para"})  # "No. 4", "p. 12": abbreviations before a number
_BEFORE_A_PLATFORM = frozenset({"on", "to", "via", "from", "of", "and", "or", "like", "use", "using", "onto"})
_ID_STOPWORDS = frozenset({"a", "an", "the", "of", "for", "to", "and", "this", "that", "these", "in", "on", "at",
                           "by", "with", "from", "its", "our", "your", "their"})


@dataclass
class _Section:
    heading: str
    where: str
    level: int
    blocks: list[Line] = field(default_factory=list)
    records: bool = False  # holds a version history or sign-off table, left out: no text of its own is no mistake
    heading_cy: str = ""  # its Welsh heading, when the document is bilingual
    welsh_only: bool = False  # typed only in Welsh: its text is its own Welsh, for Welsh cards too
    number: str = ""  # its heading's clause number ("2.1 Photographs"): that of its text with no number of its own


@dataclass(frozen=True)
class Imported:
    """A policy file's content and what the policy owner should know about it."""

    data: dict[str, Any]
    warnings: tuple[Note, ...]


def _how(how: str) -> Note | str:
    """What to do with a file of another kind, as the string tables say it ("" for nothing to say)."""
    return note(f"import.how.{_HOW[how]}") if how in _HOW else how


def import_policy(source: Path, current: Policy | None = None, *, earlier: Sequence[Policy] = ()) -> Imported:
    """The policy file for a document; `current` lends its Welsh headings and next steps where the words are the
    same, then `earlier` versions for what `current` no longer has. PolicyImportError with a one-line reason when the
    document cannot be used."""
    try:
        lines = read_document(source)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
    except OSError as error:
        reason = str(error.strerror or error)
        raise PolicyImportError(f"{source.name}: cannot read the file ({reason})",
                                note("import.error.unreadable", file=source.name, reason=reason)) from None
    return build_policy(lines, file=source.name, sha256=digest, current=current, earlier=earlier)


def read_document(source: Path) -> list[Line]:
    """The classified lines of a .docx or .txt document."""
    suffix = source.suffix.lower()
    if source.is_dir():
        raise PolicyImportError(f"{source}: this is a folder: name the policy document in it (.docx, .txt or .md)",
                                note("import.error.folder", file=str(source)))
    if suffix not in SUFFIXES:
        how = _SAVE_AS.get(suffix, "")
        raise PolicyImportError(f"{source.name}: import a Word document (.docx) or a text file (.txt, .md){how}",
                                note("import.error.suffix", file=source.name, how=_how(how)))
    if not source.is_file():
        raise PolicyImportError(f"{source}: no such file", note("import.error.missing", file=str(source)))
    with source.open("rb") as opened:
        start = opened.read(64)
    expected = "a Word document" if suffix == ".docx" else "a text file"
    kind = note("import.kind.word" if suffix == ".docx" else "import.kind.text")
    # Another kind of file renamed (or saved under the wrong name): said by its kind, not as "damaged" or "no headings".
    if start.startswith(b"%PDF"):
        raise PolicyImportError(f"{source.name}: this is a PDF, not {expected}{_PDF}",
                                note("import.error.pdf", file=source.name, expected=kind))
    if start.startswith(b"{\\rtf"):
        raise PolicyImportError(f"{source.name}: this is a Rich Text (.rtf) file, not {expected}{_IN_WORD}",
                                note("import.error.rtf", file=source.name, expected=kind))
    if suffix == ".docx" and re.match(rb"(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html)\b", start, re.IGNORECASE):
        raise PolicyImportError(f"{source.name}: this is a web page's code (HTML), not {expected}: open the "
                                "policy's Word original, or copy the page's text into a .txt file",
                                note("import.error.html_docx", file=source.name))
    if start.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: a password-protected Word file, or an old .doc
        raise PolicyImportError(f"{source.name}: this is a password-protected Word file or an old Word (.doc) file: "
                                "open it in Word, remove any password, and save it as a Word Document (.docx)",
                                note("import.error.locked", file=source.name))
    return read_docx(source) if suffix == ".docx" else read_txt(source)


def build_policy(lines: Sequence[Line], *, file: str, sha256: str, current: Policy | None = None,
                 earlier: Sequence[Policy] = ()) -> Imported:
    """The policy file's content from a document's lines."""
    warnings = [line.note for line in lines if line.note is not None]  # what a reader noticed about the document
    # Details in the page header or footer count only where nothing in the document gives them (below).
    page = [line for line in lines if line.kind == "detail" and line.where == PAGE_EDGE]
    # The school's name in the page header ("Ysgol Bro Hafren | Staff Social Media Policy") names the organisation
    # only where the lines under the title do not.
    page_texts = [line.text for line in lines if line.kind == "text" and line.where == PAGE_EDGE]
    page_names = [text for text in page_texts if _names_an_organisation(text)]
    lines = [line for line in lines if line.kind != "note" and line.where != PAGE_EDGE]
    if not lines:
        raise PolicyImportError(f"{file}: the document is empty", note("import.error.empty", file=file))
    title, front, body = _split_front(lines, file)
    policy_line = next((line for line in front if line.kind in ("subtitle", "text", "heading")
                        and len(line.text.split()) <= MAX_HEADING_WORDS and _names_the_policy(line.text)), None)
    if policy_line is not None and not _names_the_policy(title):
        # The school's name in the Title style over the policy's in the Subtitle: the policy's is the title.
        front = [Line("subtitle", title, "the title"), *(line for line in front if line is not policy_line)]
        title = policy_line.text
    english_title, welsh_title = _languages(title)  # "Polisi … / … Policy" in a bilingual document
    contents = next((n for n, line in enumerate(front) if label_key(line.text) in _CONTENTS), len(front))
    # A contents list under the title ("Contents", "1<TAB>Personal use<TAB>2") names no organisation.
    front = front[:contents] + [line for line in front[contents + 1:] if line.kind in ("detail", "record")]
    own_lines = [line.text for line in front if line.kind in ("subtitle", "text", "heading") and not line.styled]
    if not welsh_title and own_lines and _names_the_policy(own_lines[0]) and (
            welsh_share(title) - welsh_share(own_lines[0]) >= 0.3 and welsh_share(own_lines[0]) <= 0.3):
        # The Welsh title on one line, the English on the next.
        english_title, welsh_title, own_lines = own_lines[0], title, own_lines[1:]
    elif not welsh_title and own_lines and _names_the_policy(own_lines[0]) and (
            welsh_share(own_lines[0]) - welsh_share(title) >= 0.3 and welsh_share(title) <= 0.3):
        # The English title, then the Welsh under it (not the school's name).
        welsh_title, own_lines = own_lines[0], own_lines[1:]
    if not welsh_title and welsh_share(english_title) >= 0.5 and _names_the_policy(english_title):
        english_title, welsh_title = _english_title(english_title, page_texts, warnings), english_title
    data: dict[str, Any] = {"title_en": english_title, **({"title_cy": welsh_title} if welsh_title else {})}
    organisation = own_lines[0] if own_lines else page_names[0] if page_names else ""
    if organisation:
        # "Ysgol Gynradd Llwyn Onn | Llwyn Onn Primary School": each card its own language's name
        english_name, welsh_name = _languages(organisation)
        # (not a motto: "Ffederasiwn … – Dysgu gyda'n gilydd / Learning together")
        if welsh_name and _ORGANISATION.search(english_name):
            data["federation"], data["federation_cy"] = english_name, welsh_name
        else:
            data["federation"] = organisation
    exact = {line.key for line in (*front, *body) if line.kind == "detail" and line.key}
    front = [_by_label_words(line, exact) for line in front]
    # So does a table of details after the first section ("Policy details" at the end): some rows labelled the usual
    # way, most naming a detail (before, "Policy written by | Mr G. Rees" there was a passage).
    details_tables = {where for where in {line.where for line in body if line.kind == "detail" and line.key}
                      if 2 * sum(line.kind == "detail" and bool(line.key or detail_key_by_words(line.label))
                                 for line in body if line.where == where) > sum(line.where == where for line in body)}
    body = [_by_label_words(line, exact) if line.where in details_tables else line for line in body]
    known = [line for line in (*front, *body) if line.kind == "detail" and line.key]
    told, body = _prose_details(body, {line.key for line in known if line.key})
    known += told
    logged = [i for i, line in enumerate(front) if line.kind == "heading" and _CHANGE_LOG.match(label_key(line.text))]
    if logged:  # "Summary of changes" over rows ("Section | Change made in this version") before the first section
        end = next((i for i in range(logged[0] + 1, len(front)) if front[i].kind == "heading"), len(front))
        front = front[:logged[0]] + front[end:]
    for line in front:
        if line.kind == "detail" and not line.key:
            warnings.append(note("import.note.unknown_row", row=repr(_shown(line.text)), where=place(line.where)))
    # In the body, a tab-separated or two-cell row that is not a detail is the document's text.
    # So is a "Label: value" line shaped like a heading ("Version: 2" under "Approval", "Date: 4 March 2025" under
    # "Approved by: …"): it may be a detail, below. A detail read from the body leaves a record: a heading over
    # nothing else ("Policy information") is no error.
    text = [Line("record", "", line.where) if line in known else replace(line, kind="text")
            if line.kind == "detail" or (line.kind == "heading" and not line.styled and (
                as_detail(line).key or _SIGNED.match(line.text))) else line
            for line in body]
    text = _paired_headings(_welsh_title_marks_its_version(text, english_title))
    sections = [section for section in _sections(title, text, file) if label_key(section.heading) not in _CONTENTS]
    if not sections:
        raise PolicyImportError(f"{file}: no sections found after the contents list: put each section's heading on a "
                                "line of its own after the contents, with its text under it",
                                note("import.error.no_sections_after_contents", file=file))
    _refuse_welsh_only(sections, file)
    sections = _welsh_version_after(sections, warnings)
    sections = _bilingual(sections, warnings)
    for section in list(sections):  # "Approval" at the end: "Policy author: …", "Version: 2", nothing else
        rows = [as_detail(block) for block in section.blocks]
        had = {line.key for line in known}
        keys = [row.key for row in rows if row.kind == "detail" and row.key]
        used = [key for key in keys if key != UNUSED_DETAIL]
        alone = len(rows) == 1 and _checkable_detail(rows[0])  # "Next review: January 2026" under a history table
        if (len(rows) >= 2 or alone) and len(set(used)) == len(used) and len(keys) == len(rows):
            sections.remove(section)
            known += [row for row in rows if row.key not in had]
            continue
        if section is sections[-1] and (signed := _signed_off(rows)):
            # A sign-off block after the last section's text ("Approved by: Governing Body", "Date: 4 March 2025",
            # "Review date: March 2027"): the document's details, not its last rules.
            section.blocks, rows = section.blocks[:-len(signed)], rows[:-len(signed)]
            known += [row for row in signed if row.key not in had]
        # Elsewhere, a dated or versioned line among other text ("Date of next review: Autumn Term 2026").
        dated: dict[str, int] = {}  # each detail's first such line
        for n, row in enumerate(rows):
            if row.key not in had and _checkable_detail(row):
                dated.setdefault(row.key, n)
        if dated and len(dated) < len(rows):
            section.blocks = [block for n, block in enumerate(section.blocks) if n not in dated.values()]
            known += [rows[n] for n in sorted(dated.values())]
    # What changed from the last version (its details read above): the rules themselves are in the sections.
    sections = [section for section in sections if not _CHANGE_LOG.match(label_key(section.heading))]
    known += _from_the_page(page, known, warnings)
    data.update(_details(_detail_values(known), file, warnings))
    data["sections"] = _write_sections(sections, [*([current] if current else []), *earlier], warnings, file)
    if (count := sum(len(section["passages"]) for section in data["sections"])) > MAX_PASSAGES:
        raise PolicyImportError(f"{file}: {count} passages, more than the {MAX_PASSAGES} a policy may have: import the "
                                "staff social-media policy alone, not a whole handbook",
                                note("import.error.too_many", file=file, count=count, limit=MAX_PASSAGES))
    if "schools" not in data:
        texts = [title, data.get("federation", ""), data.get("federation_cy", ""),
                 *(s["heading_en"] for s in data["sections"]),
                 *(p["text"] for s in data["sections"] for p in s["passages"])]
        named = schools_named(texts, welsh_terms().school_kinds)
        if named:
            data["schools"] = one_name_a_school(named)
        elif _ONE_SCHOOL.search(data.get("federation", "")):  # "Heyford Wolds Community College": the school itself
            data["schools"] = [{"en": data["federation"], **({"cy": data["federation_cy"]}
                                                             if data.get("federation_cy") else {})}]
    elif all("cy" not in school for school in data["schools"]):  # names, not the details line kept whole
        # the schools the details name, each with its other language's name where the document gives it
        texts = [data.get("federation", ""), data.get("federation_cy", ""), title]
        given = [school["en"] for school in data["schools"]]
        paired = one_name_a_school([*given, *schools_named(texts, welsh_terms().school_kinds)])
        data["schools"] = [school for school in paired if given and (school["en"] in given or school.get("cy")
                                                                     in given)] or data["schools"]
    data["document"] = {"file": file, "sha256": sha256}
    data["sections"] = data.pop("sections")  # last, after the details, for whoever reads the file
    problems = validate_policy_data(data)
    if problems:  # the rules above should make this impossible; never write a file the bot would refuse
        raise PolicyImportError(f"{file}: the result would not be a valid policy file: {problems[0]}",
                                note("import.error.result_invalid", file=file, problem=problem_note(problems[0], data)))
    return Imported(data, tuple(warnings))


_BILINGUAL_DETAILS = ("status", "author", "agreed_by", "next_review")  # shown in each card's language


# What a sign-off block labels beside the details: the day it was signed (or approved), and who signed it.
# "Signed on behalf of the Governing Body: Mr P. Evans" says whose signature it is: a label of its own.
_SIGNED = re.compile(r"^(?:(?P<on>date|dated|dyddiad)|(?P<for>signed (?:on behalf of|for) [^:]{3,60}|llofnodwyd ar ran "
                     r"[^:]{3,60})|signed|signature|llofnod|llofnodwyd)\s*:\s*(?P<v>\S.*)$", re.IGNORECASE)


def _signed_off(rows: list[Line]) -> list[Line]:
    """The sign-off block that ends a section (two or more lines, every one a labelled detail, or the date or name of
    a signature beside them), as details; [] where the section does not end so."""
    block: list[Line] = []
    labelled = 0
    for row in reversed(rows):
        signed = _SIGNED.match(row.text) if row.kind == "text" else None
        if row.kind == "detail" and row.key:
            block.insert(0, row)
            labelled += 1
        elif signed and (not signed["on"] or period_start(signed["v"]) is not None):
            block.insert(0, replace(row, kind="detail", text=signed["v"].strip(),
                                    key=APPROVED_ON if signed["on"] else "authorisation"))
            labelled += bool(signed["for"])
        else:
            break
    keys = [row.key for row in block if row.key != UNUSED_DETAIL]
    if len(block) < 2 or not labelled or len(block) == len(rows) or len(set(keys)) < len(keys):
        return []
    return block


def _from_the_page(page: list[Line], known: list[Line], warnings: list[Note]) -> list[Line]:
    """The page header's or footer's details that the document does not give otherwise; where it gives one the footer
    words otherwise (a footer left from the last version), a note says so and the document's stands."""
    given = {{"history_version": "version", "history_next_review": "next_review"}.get(line.key, line.key): line.text
             for line in known
             if line.text.casefold().strip(" .:") not in EMPTY_VALUES}  # "Next review: TBC" gives none
    kept: list[Line] = []
    for line in page:
        if line.key not in given:
            kept.append(line)
        elif not _same_detail(line.key, line.text, given[line.key]):
            warnings.append(note("import.note.footer_differs", detail=detail_name(line.key), footer=repr(line.text),
                                 given=repr(given[line.key])))
    return kept


def _same_detail(key: str, one: str, other: str) -> bool:
    """Whether two ways of writing a detail say the same ("Version 3" and "3"; "Summer 2027" and "Summer Term 2027")."""
    if key in ("version", "status") and version_in(one) and version_in(other):
        return version_in(one) == version_in(other)
    if key == "next_review":
        return review_deadline(one) is not None and review_deadline(one) == review_deadline(other)
    if key in ("date_of_issue", APPROVED_ON, "last_reviewed"):
        return period_start(one) is not None and period_start(one) == period_start(other)
    return " ".join(words(one)) == " ".join(words(other))


def _by_label_words(line: Line, given: set[str]) -> Line:
    """A row of the details table whose label is worded the document's own way ("Issued on"), as the detail its
    words name, unless a row labelled the usual way gives it ("Author", then "Drafted with"); other lines as they
    are."""
    key = detail_key_by_words(line.label) if line.kind == "detail" and not line.key and line.label else None
    if not key or key in given:
        return line
    row = replace(line, text=line.text[len(line.label):].lstrip(" :\t"), key=key, label="")
    # only a value of the detail's shape: "Published on website: Yes" is no date of issue
    if key in ("next_review", "date_of_issue", APPROVED_ON, "last_reviewed", "version"):
        if not _checkable_detail(row):
            return line
        if key == APPROVED_ON and "agreed_by" not in given and (body := _agreeing_body(line.label)):
            # "Date ratified by the FGB": the Full Governing Body agreed it, on that day (before, nobody was named)
            return replace(row, text=body, key="agreed_by", on=row.text)
        return row
    if key == "schools":  # its value is checked with the schools ("Schools covered: N/A" names none: said so)
        return row
    return row if len(re.findall(r"[^\W\d_]{2,}", row.text)) >= 2 else line  # a name, not "Yes" or "All"


_AGREED_BY = re.compile(r"\b(?:agreed|approved|ratified|adopted|endorsed)\s+by\s+(?:the\s+)?(?P<body>\S.*)$",
                        re.IGNORECASE)
_BODIES_SHORT = {"fgb": "Full Governing Body", "lgb": "Local Governing Body"}


def _agreeing_body(label: str) -> str:
    """The body a label of the day it was agreed names ("Date ratified by the FGB": "Full Governing Body"); "" if
    none."""
    agreed = _AGREED_BY.search(label.strip(" :"))
    body = agreed["body"].strip() if agreed else ""
    return _BODIES_SHORT.get(body.casefold(), body[:1].upper() + body[1:])


def _detail_values(known: list[Line]) -> dict[str, str]:
    """Each detail's value, the last given; a detail given in English and again in Welsh (a bilingual cover, a Welsh
    version's own details table) keeps its English, as "English / Welsh" where cards show each language's half."""
    given: dict[str, list[str]] = {}
    for line in known:
        given.setdefault(_approval_read(line).key or "", []).append(line.text)
    # the day in a cover's "Approved by … on 21 November 2024", where no row gives the day it was approved
    given.setdefault(APPROVED_ON, [line.on for line in known if line.on and period_start(line.on) is not None][:1])
    if not given[APPROVED_ON]:
        del given[APPROVED_ON]
    values: dict[str, str] = {}
    for key, texts in given.items():
        least = min(map(welsh_share, texts))
        # Welsh by its words ("Rhodri Morgan, Rheolwr Busnes"), not an English name of a Welsh place ("Cwm Tawel
        # Primary School" beside "Full Governing Body")
        welsh = [text for text in texts if welsh_share(text) - least >= 0.3 and _welsh(text)
                 and not set(words(text)) & (_ENGLISH_ONLY | _ENGLISH_BODIES)]
        english = [text for text in texts if text not in welsh and not _welsh(text)]
        if welsh and english:
            values[key] = f"{english[-1]} / {welsh[-1]}" if key in _BILINGUAL_DETAILS else english[-1]
        else:
            values[key] = texts[-1]
    return values


def _approval_read(line: Line) -> Line:
    """A detail under a one-word label ("Ratified", "Approved") as the day it was approved when its value is a date,
    else as who approved it; other details as they are."""
    if line.key != APPROVAL:
        return line
    return replace(line, key=APPROVED_ON if period_start(line.text) is not None else "agreed_by")


def _welsh_title_marks_its_version(lines: list[Line], english_title: str) -> list[Line]:
    """The English policy, then its Welsh version under the Welsh title (after a page break, with no "Fersiwn
    Gymraeg" heading): the Welsh title is read as that heading, so the Welsh version gives its headings and text."""
    for n, line in enumerate(lines):
        if line.kind == "title" and _welsh(line.text) and not _welsh(english_title) and welsh_share(line.text) >= 0.5:
            return [*lines[:n], replace(line, kind="heading", text=f"Fersiwn Gymraeg: {line.text}", level=1),
                    *lines[n + 1:]]
    return lines


def _paired_headings(lines: list[Line]) -> list[Line]:
    """A heading straight over its translation ("1. Purpose", then "1. Diben", each in a heading style of its own)
    as one heading in both languages, "Purpose / Diben"."""
    paired: list[Line] = []
    skip = False
    for n, line in enumerate(lines):
        if skip:
            skip = False
            continue
        following = lines[n + 1] if n + 1 < len(lines) else None
        if (following is not None and line.kind == following.kind == "heading" and line.numbered == following.numbered
                and following.level - line.level in (0, 1) and " / " not in line.text + following.text
                and _welsh(line.text) != _welsh(following.text)
                and max(welsh_share(line.text), welsh_share(following.text)) >= 0.35
                and not any(text.startswith("Ysgol ") for text in (line.text, following.text))  # a school's name
                and n + 2 < len(lines) and lines[n + 2].kind in ("text", "bullet")):
            paired.append(replace(line, text=f"{line.text} / {following.text}"))
            skip = True
            continue
        paired.append(line)
    return paired


def _split_front(lines: list[Line], file: str) -> tuple[str, list[Line], list[Line]]:
    """The title, the lines before the first section (organisation, details) and the rest. In Word the sections
    begin at the first heading style (a heading over nothing but details, such as "Document control", is still
    front matter); in text where the details end, or else at the heading over the first text."""
    titled = next((i for i, line in enumerate(lines) if line.kind == "title"), None)
    if titled is None:
        # The first line, unless a school's or council's name sits above the title: then the first short line that
        # names the policy's subject ("Staff Use of Social Media"), else one that names a policy.
        first_lines = [i for i, line in enumerate(lines[:8]) if line.kind not in ("detail", "record")
                       and len(line.text.split()) <= MAX_HEADING_WORDS]
        titled = next((i for i in first_lines if _SUBJECT.search(lines[i].text)),
                      next((i for i in first_lines if _DOCUMENT_WORD.search(lines[i].text)),
                           first_lines[0] if first_lines else None))
        if titled is None:
            titled = next((i for i, line in enumerate(lines) if line.kind not in ("detail", "record")), None)
    first = titled
    if first is None:
        raise PolicyImportError(f"{file}: no title: the document's first line should be its title",
                                note("import.error.no_title", file=file))
    title = lines[first].text
    rest = lines[:first] + lines[first + 1:]
    styled = [i for i, line in enumerate(rest) if line.kind == "heading" and line.styled]
    if styled:
        front_end = styled[0]
        for start, end in zip(styled, [*styled[1:], len(rest)], strict=True):
            # (a contents heading over Word's own table of contents, whose entries are no text, is front matter too)
            if start != front_end or (start + 1 == end and label_key(rest[start].text) not in _CONTENTS) or not all(
                    line.kind == "detail" and line.key for line in rest[start + 1:end]):
                break
            front_end = end
        front = [labelled_by_words(as_detail(line)) for line in rest[:front_end]]
        # Sentences before the first section are the document's text; short lines (its organisation) are not.
        text = [line for line in front if line.kind in ("text", "bullet") and heading_like(line.text) is None]
        front = [line for line in front if line not in text and not (line.kind == "heading" and line.styled)]
        named = _opening_name(text[0].text) if text and text[0] is rest[0] else ""
        if named and not any(line.kind in ("subtitle", "text", "heading") for line in front):
            front.insert(0, Line("text", named, text[0].where))
        return title, front, [*text, *rest[front_end:]]
    opening_end = len(rest)
    for i, line in enumerate(rest):
        key = detail_key(line.text) if line.kind in ("heading", "text") and ":" not in line.text else None
        if key and i + 1 < len(rest) and rest[i + 1].kind in ("heading", "text") and not detail_key(rest[i + 1].text):
            # A label on its own line over its value, as a details table comes out of Google Docs as text.
            rest[i], rest[i + 1] = Line("detail", rest[i + 1].text, line.where, key=key), Line("record", "", line.where)
            continue
        rest[i] = labelled_by_words(as_detail(line))
        if rest[i].kind in ("text", "bullet") and not (i == 0 and heading_like(line.text) and _names_an_organisation(
                line.text)):  # the school's or federation's name under the title stays with the details
            opening_end = i
            break
    opening = rest[:opening_end]
    headings = [i for i, line in enumerate(opening) if line.kind == "heading"]
    details = [i + 1 for i, line in enumerate(opening) if line.kind == "detail" and line.key]
    if details:
        front_end = max(details)
        while front_end < len(opening) and opening[front_end].kind == "detail":  # rows it does not know, below
            front_end += 1
    elif headings:
        # The heading over the first text, and any numbered or shallower ones just above it ("2. Personal use",
        # then "2.1 Photos"); lines above those are the document's own, such as an organisation's name.
        front_end = headings[-1]
        while front_end > 0 and opening[front_end - 1].kind == "heading" and (
                opening[front_end - 1].numbered or opening[front_end - 1].level < opening[front_end].level):
            front_end -= 1
        if headings == [0] and _names_an_organisation(opening[0].text):
            front_end = 1  # the school's or trust's name under the title, over the opening paragraph
    else:
        front_end = 0
    return title, rest[:front_end], rest[front_end:]


def _english_title(welsh: str, page_texts: list[str], warnings: list[Note]) -> str:
    """The English title of a document titled in Welsh only ("Polisi Cyfryngau Cymdeithasol Staff"): the page
    header's, where it names the policy in English; else the Welsh terms' English for it; else the Welsh itself."""
    english = next((text for text in page_texts if _names_the_policy(text) and welsh_share(text) <= 0.3
                    and len(text.split()) <= MAX_HEADING_WORDS), None)
    if english:
        return english
    english = welsh_terms().english_of(welsh)
    if english:
        warnings.append(note("import.note.title_welsh_only", welsh=repr(welsh), english=repr(english)))
        return english
    warnings.append(note("import.note.title_welsh_untranslated", welsh=repr(welsh)))
    return welsh


def _names_the_policy(text: str) -> bool:
    return bool(_SUBJECT.search(text) or _DOCUMENT_WORD.search(text))


# Where a sentence under the title that opens with the school's name ends it: "Heyford Wolds Community College – an
# 11–16 college…", "Brookfield Academy: a mixed…".
_AFTER_OPENING_NAME = re.compile(r"\s+[–—-]\s+|:\s+|,\s+")


def _opening_name(sentence: str) -> str:
    """The school's, trust's or council's name a sentence right under the title opens with, set off by a dash, colon
    or comma, or "" when it opens with none ("At Brookfield Academy we…")."""
    lead = _AFTER_OPENING_NAME.split(sentence, maxsplit=1)[0]
    return lead if lead != sentence and _names_an_organisation(lead) else ""


def _names_an_organisation(text: str) -> bool:
    """A proper name of a school, trust or council ("Bryn Teg Trust", "Ysgol Eryri"; not "High school")."""
    if " / " in text:  # "Heol Fawr Community Primary School / Ysgol Gynradd Gymunedol Heol Fawr"
        return all(_names_an_organisation(half) for half in text.split(" / "))
    named = [word for word in text.split() if word[:1].isupper() and word.casefold() not in _KINDS_OF_SCHOOL]
    return bool(_ORGANISATION.search(text) and named and all(
        word[:1].isupper() or word.casefold() in _ID_STOPWORDS for word in text.split()))


def _prose_details(body: list[Line], known: set[str]) -> tuple[list[Line], list[Line]]:
    """Details the prose before the first section gives in sentences about the document, when no table gave them:
    those details, and the body without those sentences (they are not the policy's rules)."""
    told: list[Line] = []
    kept: list[Line] = []
    headings = 0
    for n, line in enumerate(body):
        if line.kind == "heading":
            headings += 1
            if told or headings > 1 or not _INTRODUCTION.match(label_key(NUMBERING.sub("", line.text))):
                return told, kept + body[n:]  # past the prose before the sections, and an "About this policy" first
            kept.append(line)
            continue
        if line.kind != "text":
            kept.append(line)
            continue
        if (labelled := as_detail(line)).key and labelled.key not in known:  # "Policy lead: Mr G. Lyons"
            told.append(labelled)
            known.add(labelled.key)
            continue
        rest: list[str] = []
        for start, end in _sentence_spans(line.text):
            sentence = line.text[start:end]
            found = _sentence_details(sentence, known)
            told += [Line("detail", value, line.where, key=key) for key, value in found]
            known |= {key for key, _ in found}
            if not found:
                rest.append(sentence)
        if rest:
            kept.append(replace(line, text=" ".join(rest)))
    return told, kept


def _sentence_details(sentence: str, known: set[str]) -> list[tuple[str, str]]:
    """The details one sentence about the document gives ("It was approved by the governors on 4 May 2024.")."""
    if not (_ABOUT_THE_DOCUMENT.search(sentence) or as_detail(Line("text", sentence.rstrip("."), "")).key):
        return []
    found: list[tuple[str, str]] = []
    for key, pattern in _PROSE_DETAILS:
        match = pattern.search(sentence)
        if match is None or key in known or key in dict(found):
            continue
        value = re.sub(r"(?:,?\s+(?:and|ac|a)|,)$", "", match.group("v").strip())  # "…, and approved by …"
        if key == "next_review" and review_deadline(value) is None:
            continue
        if len(value.split()) > 12:
            continue
        found.append((key, value))
        day = match.groupdict().get("on")
        if day and "date_of_issue" not in known and period_start(day.strip()) is not None:
            found.append(("date_of_issue", day.strip()))
    return found


def _details(found: dict[str, str], file: str, warnings: list[Note]) -> dict[str, Any]:
    values = {key: value.rstrip(" :") for key, value in found.items()  # "Approved by the Governing Body: 3 Feb…"
              if value.casefold().strip(" .") not in EMPTY_VALUES}
    issued_with = VERSION_ISSUED.match(values.get("version", ""))
    if "date_of_issue" not in values and issued_with and period_start(issued_with["on"]) is not None:
        values["date_of_issue"] = issued_with["on"]  # "Version 2, issued 01/09/2026" ("…, issued to all staff": none)
    if APPROVED_ON in values:
        values.setdefault("date_of_issue", values.pop(APPROVED_ON))
    if "history_next_review" in values:  # a review schedule's latest, where no row gives the next review
        values.setdefault("next_review", values.pop("history_next_review"))
    data: dict[str, Any] = {}
    for key in ("status", "author", "agreed_by", "next_review"):
        english, welsh = _languages(values.get(key, ""))
        if welsh:  # "Corff Llywodraethu / Governing Body": each card shows its own language's half
            values[key] = english
            data[f"{key}_cy"] = welsh
    if "status" in values:
        data["status"] = values["status"]
    version = values.get("version", "")
    version = version_in(version) or version or version_in(values.get("status", "")) or values.get(
        "history_version", "")
    if version:
        data["version"] = version
    if "author" in values:
        data["author"] = values["author"]
    for key, label in (("date_of_issue", "date of issue"), ("last_reviewed", "date of review")):
        if key in values:
            day = period_start(values[key])
            if day is None:
                raise PolicyImportError(f"{file}: the {label} {values[key]!r} is not a date; write it like 12.10.2022 "
                                        "(or October 2024)", note("import.error.not_a_date", file=file,
                                                                  detail=detail_name(key), value=repr(values[key])))
            data[key] = day.isoformat()
            if parse_date(values[key]) is None:  # a month or term: cards show it as written, not as its first day
                data[key.replace("date_of_issue", "issued") + "_as"] = values[key]
    if "agreed_by" in values:
        data["agreed_by"] = values["agreed_by"]
    if "next_review" in values:
        data["next_review"] = values["next_review"]
        deadline = review_deadline(values["next_review"])
        if deadline is None:
            warnings.append(note("import.note.review_no_date", review=repr(values["next_review"])))
        else:
            data["review_date"] = deadline.isoformat()
            if deadline < date.today():
                warnings.append(note("import.note.review_passed", review=values["next_review"]))
    if "authorisation" in values:
        data.update(_authorisation(values["authorisation"]))
    schools = _schools_of(found, warnings)
    if schools:
        data["schools"] = schools
    missing = tuple(detail_name(key) for key in ("version", "date_of_issue", "agreed_by", "next_review")
                    if key not in data)
    if missing:
        warnings.append(note("import.note.details_missing", details=missing))
    return data


# Words that name a school or a part of one in a details line ("the Rowan Centre", "Quarry Road site", "the Cylch
# Meithrin"); a part of the line with none of them is the school's town or who the policy covers ("volunteers").
_PLACE_WORDS = frozenset({
    "school", "schools", "academy", "academies", "college", "colleges", "site", "sites", "campus", "campuses",
    "centre", "centres", "center", "unit", "units", "annexe", "annex", "nursery", "meithrin", "class", "classes",
    "club", "clubs", "department", "departments", "provision", "building", "buildings", "block", "hall", "base",
    "hub"})
# Capitalised words before a place word that name no school or site of their own ("All Staff In School", "Whole
# School", "Primary Schools"), besides the small words of English.
_NO_PROPER_NAME = ENGLISH_STOPWORDS | frozenset({
    "whole", "federation", "trust", "partner", "member", "local", "primary", "secondary", "high", "junior", "infant",
    "infants", "middle", "senior", "special", "community", "comprehensive", "independent", "maintained", "staff"})
# Words that name no school or site of their own, whatever their case: a schools line of nothing else ("See appendix
# 2", "Not applicable", "All schools in the federation", "Gweler yr atodiad") names none.
_NAMES_NOTHING = _NO_PROPER_NAME | _PLACE_WORDS | EMPTY_VALUES | frozenset({
    "see", "refer", "appendix", "appendices", "attached", "overleaf", "listed", "list", "page", "section", "schedule",
    "applicable", "various", "unknown", "pending", "confirmed", "st", "ysgol", "ysgolion", "safle", "safleoedd",
    "campws", "campysau", "gweler", "atodiad", "atodiadau", "isod", "uchod", "holl", "pob", "yr", "ac",
    "i'w", "gadarnhau", "ffederasiwn", "gynradd", "uwchradd", "gyfun", "feithrin", "babanod", "fabanod", "iau",
    "arbennig"})
# Longer than any list of schools and sites: a paragraph pasted into the row, not its schools.
MAX_SCHOOLS_CHARS = 300
_SHOWN_CHARS = 60  # of a document's line echoed in a note
_BRACKETED = re.compile(r"\([^()]*\)")
_LIST_BREAK = re.compile(r"\s*(?:,|;|/|&|\band\b)\s*")


def _shown(text: str) -> str:
    """A document's line as a note quotes it: its start alone when it is long."""
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _schools_of(found: dict[str, str], warnings: list[Note]) -> list[dict[str, str]]:
    """The schools the details name: the schools row's, else the "Applies to" row's where it names one. A schools row
    that names no school or site, or is too long to be a list of them, is left out with a note saying so (the About
    card then names the schools only where the document's text does)."""
    given = {key: found[key].strip().rstrip(" :") for key in ("schools", APPLIES_TO) if key in found}
    for key, value in given.items():
        if len(value) > MAX_SCHOOLS_CHARS:
            warnings.append(note("import.note.schools_row_too_long", row=detail_name(key), value=repr(_shown(value)),
                                 length=len(value), limit=MAX_SCHOOLS_CHARS))
    schools = _schools_covered(given["schools"], labelled=True) if "schools" in given else []
    if not schools and APPLIES_TO in given:
        schools = _schools_covered(given[APPLIES_TO], labelled=False)
    if not schools and "schools" in given and len(given["schools"]) <= MAX_SCHOOLS_CHARS:
        warnings.append(note("import.note.schools_row_names_none", value=repr(_shown(given["schools"]))))
    return schools


def _schools_covered(line: str, *, labelled: bool) -> list[dict[str, str]]:
    """The schools a details line names ("Schools covered", or `labelled=False` for "Applies to"): their names where
    that is all it says beside their town and who they cover; else, where it names a site or a school the importer
    cannot tell by its name ("Hollybank School, Mill Lane (Lower Site) and the Rowan Centre"), the line whole, in
    the document's words on Welsh cards too (a name of no known kind has no Welsh to give)."""
    if len(line) > MAX_SCHOOLS_CHARS or not _names_something(line):
        return []
    kinds = welsh_terms().school_kinds
    names: list[str] = []
    places = False  # a part that names a site or a school of no known kind, or one whose name is read only in part
    for part in _parts_outside_brackets(line):
        found = list(schools_named([part], kinds)) or ([part] if part.startswith(("Ysgol ", "St ")) else [])
        if any(_read_in_part(name, part) for name in found):
            found, places = [], True  # "Ysgol Gynradd Llanfihangel Rhos Goch Pen Bont": the line whole, not its start
        names += found  # "All staff at Ysgol Maes y Wennol"
        places = places or (not found and bool(_place_words(part)))
    if names and not places:
        return [{"en": name} for name in names]
    if names or labelled or _names_a_place(line):
        return [{"en": line, "cy": line}]
    return []


def _names_something(line: str) -> bool:
    """Whether a details line has a word that could be a name ("Hollybank", "Llanidloes", "Rowan"), not only
    placeholders, cross-references, who it covers or punctuation ("See Appendix 2", "All", "N/A", ",,,")."""
    return any(word[:1].isupper() and len(word) > 1 and word.casefold() not in _NAMES_NOTHING
               for word in re.findall(r"[^\W\d_][\w'’-]*", line))


def _read_in_part(name: str, part: str) -> bool:
    """Whether the part goes on naming past the school name read from it ("… Rhos Goch Pen Bont", of which the
    name read stops at "Rhos Goch"): capitalised words run on after it, or before it (but for "The", "All Staff At"
    …)."""
    start = part.find(name)
    if start < 0:  # spaced otherwise than the name read
        return False
    led = re.search(r"([A-Z][\w'’-]*)\s+$", part[:start])
    return bool(re.match(r"\s+[A-Z]", part[start + len(name):])) or bool(
        led and led[1].casefold() not in _NO_PROPER_NAME)


def _parts_outside_brackets(line: str) -> list[str]:
    """The parts of a list of schools and sites, split where a bracket does not hold the separator: "Hollybank School,
    Mill Lane (Lower Site)" but "Bryn Teg Primary School (Years 3 to 6, ages 7 to 11)" whole."""
    masked = _BRACKETED.sub(lambda bracket: "(" + "x" * (len(bracket[0]) - 2) + ")", line)
    parts, start = [], 0
    for separator in _LIST_BREAK.finditer(masked):
        parts.append(line[start:separator.start()])
        start = separator.end()
    return [part.strip() for part in [*parts, line[start:]] if part.strip()]


def _place_words(text: str) -> list[tuple[str, str]]:
    """Each word (outside brackets) that names a school or site, with the word before it."""
    said = re.findall(r"[\w'’-]+", _BRACKETED.sub(" ", text))
    return [(said[i - 1] if i else "", word) for i, word in enumerate(said) if word.casefold() in _PLACE_WORDS]


def _names_a_place(text: str) -> bool:
    """Whether a line names a school or site by its own name ("Oakhurst Academy", "the Willow Unit"), not "all staff
    at the school" or "every school in the trust"."""
    return any(before[:1].isupper() and before.casefold() not in _NO_PROPER_NAME | _PLACE_WORDS
               for before, _ in _place_words(text))


def _authorisation(value: str) -> dict[str, str]:
    """'Chair of Governing Body Date: 12.10.2022 Signature:' -> who authorised it, and when."""
    parts = _FORM_LABEL.split(value)
    fields = {parts[i].casefold(): parts[i + 1].strip(" ,;") for i in range(1, len(parts) - 1, 2)}
    who = _TRAILING_DATE.sub("", parts[0]).strip(" ,;") or fields.get("name", "")
    day = parse_date(fields["date"]) if "date" in fields else parse_date(parts[0])
    data: dict[str, str] = {}
    if who:
        data["authorised_by"] = who
    if day is not None:
        data["authorised_on"] = day.isoformat()
    return data


def _sections(title: str, body: list[Line], file: str) -> list[_Section]:
    """Headed sections; text before the first heading goes under the document's title. A heading with no text
    of its own only groups the headings under it when the next one is deeper ("3. Personal use", then "3.1
    Photos") or reads as a group's name beside it ("PART A: EXPECTATIONS OF ALL STAFF", then "Personal
    accounts"); its sections keep their own headings. Two plain headings in a row leave the first one empty."""
    sections: list[_Section] = []
    current: _Section | None = None
    for n, line in enumerate(body):
        if line.kind == "heading":
            if current is not None and not current.blocks and not _WELSH_VERSION.match(current.heading):
                grouping = _names_a_group(current.heading) and not _names_a_group(line.text)
                if line.level <= current.level and not grouping and not current.records:
                    run = list(itertools.takewhile(lambda b: b.kind == "heading" and not b.styled, body[n:]))
                    if len(run) >= 3 and not any(map(_names_a_group, (b.text for b in run))):
                        # four or more short lines in a row: a table's cells, one to a line
                        raise PolicyImportError(
                            f"{file}: {current.where} to {run[-1].where} are short lines with no full stops "
                            f"('{current.heading[:30]}', '{line.text[:30]}', …), as a table copied from a PDF gives: "
                            "write the table's rows as sentences, or import the Word document",
                            note("import.error.table_as_lines", file=file, first=place(current.where),
                                 last=place(run[-1].where), heading=current.heading[:30], line=line.text[:30]))
                    raise _empty(file, current, line)
                sections.pop()
            current = _Section(line.text, line.where, line.level, number=line.number)
            sections.append(current)
        elif line.kind in ("text", "bullet", "subtitle", "title"):
            if current is None:
                current = _Section(title, line.where, 1)
                sections.append(current)
            _section_of(line, current, sections).blocks.append(line)
        elif line.kind == "record" and current is not None:
            current.records = True
    if not any(line.kind == "heading" for line in body):
        raise PolicyImportError(f"{file}: no headings found: put each section's heading on a line of its own "
                                "(in Word, use the Heading 1 style)", note("import.error.no_headings", file=file))
    if current is not None and not current.blocks:
        if not current.records:
            raise _empty(file, current)
        sections.pop()
    return sections


def _section_of(line: Line, current: _Section, sections: list[_Section]) -> _Section:
    """Where a paragraph goes: its section, unless it is a numbered clause back at the level of the clauses above a
    sub-heading ("8.3 …", then "8.4 Images of learners" over "8.4.1 …", then "8.5 …"): "8.5" is the outer section's."""
    items = [block.level for block in current.blocks if block.kind == "bullet" and block.numbered]
    if not (line.kind == "bullet" and line.numbered and items and line.level < items[0]):
        return current
    outer = next((s for s in reversed(sections) if s.level < current.level), None)
    own = [block.level for block in outer.blocks if block.kind == "bullet" and block.numbered] if outer else []
    return outer if outer is not None and own and own[0] == line.level else current


def _names_a_group(heading: str) -> bool:
    """A heading shaped as the name of a group of sections: in capitals, or "Part A", "Part 2: ..."."""
    return heading.isupper() or _PART.match(heading) is not None


def _welsh(text: str) -> bool:
    return detect_language(words(text)) == "cy"


def _welsh_prose(text: str) -> bool:
    """A paragraph of Welsh text, not a line that names a school in both languages ("Heol Fawr Community Primary
    School Ysgol Gynradd Gymunedol Heol Fawr")."""
    return welsh_sentences(text) and not (len(text.split()) <= 12 and any(
        not name.startswith("Ysgol ") for name in schools_named([text], welsh_terms().school_kinds)))


def _languages(value: str) -> tuple[str, str]:
    """A title, heading or detail given in both languages ("Corff Llywodraethu / Governing Body") as (English,
    Welsh); (value, "") otherwise."""
    first, _, second = value.partition(" / ") if " / " in value else value.partition(" | ")
    if second and " / " not in second and " | " not in second:
        # "Dr Meinir Jenkins, Pennaeth Cynorthwyol / Assistant Headteacher": the name before the comma is both's.
        name, comma, own = first.rpartition(", ")
        if name and second.startswith(f"{name}{comma}"):  # "Owain Jarman, Digital Lead / Owain Jarman, Arweinydd …"
            second = second[len(name) + len(comma):]
        shares = welsh_share(own), welsh_share(second)
        if abs(shares[0] - shares[1]) >= 0.3 and min(shares) <= 0.3:  # one half Welsh, the other English
            welsh, english = (own, second) if shares[0] > shares[1] else (second, own)
            return f"{name}{comma}{english}", f"{name}{comma}{welsh}"
    return value, ""


def _bilingual(sections: list[_Section], warnings: list[Note]) -> list[_Section]:
    """A bilingual document as its English policy with Welsh headings: a Welsh section beside the English one with
    the same place (Welsh heading and text, then English, or the other way round) gives its heading to the English
    one and is left out; so is the Welsh text of a section written in both ("Cyflwyniad / Introduction"). Cards quote
    the English, as for any policy; a Welsh section with no English beside it that says the same stays, with a
    note."""
    kept: list[_Section] = []
    left_out = 0
    welsh_only: list[str] = []  # sections typed in Welsh with no English beside them
    welsh_headed: list[str] = []  # Welsh headings over English text
    index = 0
    while index < len(sections):
        section = sections[index]
        text = " ".join(block.text for block in section.blocks)
        neighbour = sections[index + 1] if index + 1 < len(sections) else None
        neighbour_welsh = neighbour is not None and _welsh(" ".join(block.text for block in neighbour.blocks))
        # the Welsh beside the English at its level, or under it as a sub-heading ("Purpose", then "Diben", Heading 2)
        if neighbour is not None and (neighbour.level == section.level or (
                neighbour.level == section.level + 1 and neighbour_welsh)) and _welsh(text) != neighbour_welsh and (
                _translations(section, neighbour, sections)):
            english, welsh = (neighbour, section) if _welsh(text) else (section, neighbour)
            english.heading_cy = welsh.heading
            english.blocks = _with_welsh(english.blocks, welsh.blocks)
            kept.append(english)
            left_out += 1
            index += 2
            continue
        # A Welsh paragraph beside English ones is the same text in Welsh; a Welsh name ("Ysgol Gynradd Llanidloes"
        # in a table of accounts, "Pont-y-Glyn" in a contact's row) is the English text's own.
        english_blocks = [block for block in section.blocks if not _welsh_prose(block.text)]
        if english_blocks and len(english_blocks) < len(section.blocks):
            left_out += 1
            welsh_blocks = [block for block in section.blocks if _welsh_prose(block.text)]
            section.blocks = _with_welsh(english_blocks, welsh_blocks)
        english_heading, welsh_heading = _languages(section.heading)
        if welsh_heading:  # "Cyflwyniad / Introduction"
            section.heading, section.heading_cy = english_heading, welsh_heading
        elif section.blocks and not english_blocks:
            # A rule typed only in Welsh: kept as it is (no rule lost), its heading the Welsh one too.
            welsh_only.append(section.heading)
            section.heading_cy = section.heading if _welsh(section.heading) else ""
            section.welsh_only = True
        elif _welsh_heading(section.heading):
            # "Defnydd personol" over English rules: Welsh cards show it as the Welsh heading it is; English cards
            # show it too, as the document gives no other.
            welsh_headed.append(section.heading)
            section.heading_cy = section.heading
        kept.append(section)
        index += 1
    if left_out:
        warnings.append(note("import.note.bilingual", count=left_out))
    if welsh_only:
        warnings.append(note("import.note.sections_welsh_only", count=len(welsh_only), named=_named(welsh_only)))
    if welsh_headed:
        warnings.append(note("import.note.headings_welsh_over_english", count=len(welsh_headed),
                             named=_named(welsh_headed)))
    return kept


def _named(headings: list[str]) -> str:
    """Headings as a note names them: 'Diben', 'Lluniau'."""
    return ", ".join(repr(_shown(heading)) for heading in headings)


def _welsh_heading(heading: str) -> bool:
    """A heading typed in Welsh ("Defnydd personol", "Torri'r polisi"): Welsh by its words, most of them Welsh the
    lexicon knows; not an English heading with a word both languages share ("Staff group chats") or a Welsh name in
    it ("Leaving Maes y Wennol"), nor a name such as a project's ("Fferm i Fforc") or a school's."""
    return _welsh(heading) and welsh_share(heading) >= 0.6 and not heading.startswith("Ysgol ")


_WELSH_VERSION = re.compile(r"^(?:(?:appendix|atodiad)\b[^:]*:\s*)?(?:(?:the )?welsh (?:version|translation|text)|"
                            r"fersiwn gymraeg|y fersiwn gymraeg|cyfieithiad cymraeg|testun cymraeg)\b", re.IGNORECASE)


def _welsh_version_after(sections: list[_Section], warnings: list[Note]) -> list[_Section]:
    """The policy, then its Welsh translation under "Atodiad: Fersiwn Gymraeg" (or "Welsh version"): the Welsh is left
    out, its headings given to the English sections in order when there are as many."""
    marker = next((i for i, section in enumerate(sections) if _WELSH_VERSION.match(section.heading)), None)
    if marker is None or marker == 0:
        return sections
    english, welsh = sections[:marker], [s for s in sections[marker + 1:] if s.blocks]
    if not welsh or not all(_welsh(" ".join(block.text for block in s.blocks)) for s in welsh):
        return sections
    if len(welsh) == len(english):
        for section, translated in zip(english, welsh, strict=True):
            section.heading_cy = section.heading_cy or translated.heading
            section.blocks = _with_welsh(section.blocks, translated.blocks)
    headings = "_headings" if len(welsh) == len(english) else ""
    warnings.append(note(f"import.note.welsh_version_after{headings}", heading=repr(sections[marker].heading)))
    return english


def _with_welsh(english: list[Line], welsh: list[Line]) -> list[Line]:
    """The English paragraphs, each with its Welsh, when the Welsh has as many paragraphs in the same order (a
    translation keeps the document's shape); unchanged otherwise: a card then quotes the English."""
    if len(english) != len(welsh) or any(block.welsh for block in english):
        return english
    return [replace(block, welsh=translated.text) for block, translated in zip(english, welsh, strict=True)]


def _welsh_of(block: Line, part: str) -> str:
    """The Welsh of one passage of a paragraph (`part`, some of its sentences): the same sentences of the Welsh
    paragraph when both have as many sentences; the whole Welsh for the whole paragraph; else nothing."""
    if not block.welsh:
        return ""
    if part.strip() == block.text.strip():
        return block.welsh
    start = block.text.find(part)
    english, welsh = _sentence_spans(block.text), _sentence_spans(block.welsh)
    if start < 0 or len(english) != len(welsh):
        return ""
    inside = [n for n, (a, b) in enumerate(english) if a >= start and b <= start + len(part)]
    return block.welsh[welsh[inside[0]][0]:welsh[inside[-1]][1]] if inside else ""


def _translations(first: _Section, second: _Section, document: Sequence[_Section]) -> bool:
    """Whether two neighbouring sections in different languages can be one section's Welsh and English: headings
    each in its own language, as their text is (not "Title / Teitl"), the Welsh one's text Welsh sentences (not a
    school's Welsh name over "Last updated: …"), about as many paragraphs, and saying much the same."""
    one, other = len(first.blocks), len(second.blocks)
    welsh, english = (first, second) if _welsh(" ".join(block.text for block in first.blocks)) else (second, first)
    return (any(_welsh_prose(block.text) for block in welsh.blocks)
            and " / " not in first.heading and " / " not in second.heading
            and _welsh(first.heading) != _welsh(second.heading)
            and max(one, other) <= 2 * min(one, other) + 1
            and _says_the_same(english, welsh, document))


# Fewer Welsh words the lexicon can read as English than this, and a section is too short to judge by its words.
_WORDS_TO_JUDGE = 3


def _says_the_same(english: _Section, welsh: _Section, document: Sequence[_Section]) -> bool:
    """Whether a Welsh section's words, read as English by the lexicon, are much those of the English section beside
    it, as a translation's are. Each word counts by how few of the document's English sections have it: "staff",
    "use" and "pupils" are in most rules, so a rule typed only in Welsh on a related subject (no TikTok videos of
    pupils, before the rule on phones at work; no friend requests from pupils, after the logo rule) shares them and
    is no translation: the words that set a rule apart must be there, half the weight at least. A word the
    Welsh keeps as it is ("TikTok", "logo") counts when it is a platform or the document's English has it. A section
    with too few words the lexicon knows is taken as one."""
    tokens = words(_heading_and_text(welsh))
    read = {stem(english_word) for token in tokens if token not in ENGLISH_STOPWORDS
            and (meaning := lookup_welsh(token)) and meaning != token
            for english_word in words(meaning) if english_word not in ENGLISH_STOPWORDS}
    if len(read) < _WORDS_TO_JUDGE:
        return True
    own = {stem(word) for word in words(_heading_and_text(english))}
    english_sections = [{stem(word) for word in words(_heading_and_text(section))} for section in document
                        if not _welsh(" ".join(block.text for block in section.blocks))]
    known = set().union(*english_sections)
    read |= {stem(token) for token in tokens if lookup_welsh(token) in (None, token) and len(token) > 2
             and token not in ENGLISH_STOPWORDS and (token in PLATFORM_WORDS or stem(token) in known)}

    def weight(word: str) -> float:  # a word in every English section tells nothing; one in a single section most
        having = max(1, sum(word in section for section in english_sections))
        return math.log((len(english_sections) + 1) / having)

    total = sum(weight(word) for word in read)
    return total == 0 or 2 * sum(weight(word) for word in read & own) >= total


def _heading_and_text(section: _Section) -> str:
    return " ".join([section.heading, *(block.text for block in section.blocks)])


def _checkable_detail(row: Line) -> bool:
    """A labelled line whose value shows it is the document's detail: a review date, an issue date, a version."""
    if row.key == "next_review":
        return review_deadline(row.text) is not None
    if row.key in ("date_of_issue", APPROVED_ON, "last_reviewed", APPROVAL):
        return period_start(row.text) is not None
    return row.key == "version" and bool(version_in(row.text))


def _refuse_welsh_only(sections: list[_Section], file: str) -> None:
    """The bot quotes a policy's English text (Welsh cards translate its headings and details): a document with no
    English in it would import and then answer nothing."""
    text = " ".join(block.text for section in sections for block in section.blocks)
    english = [t for t in words(text) if t in _ENGLISH_ONLY]
    if len(words(text)) >= 30 and len(english) < 0.05 * len(words(text)) and _welsh(text):
        raise PolicyImportError(f"{file}: the document is in Welsh only; the bot quotes the policy's English text "
                                "(Welsh cards translate its headings and details): import the English version, or a "
                                "bilingual document", note("import.error.welsh_only", file=file))


def _empty(file: str, section: _Section, following: Line | None = None) -> PolicyImportError:
    """The refusal of an empty section, in English and as the string tables say it."""
    message = (f"{file}: the section {section.heading!r} ({section.where}) is empty: it has no text before the next "
               "heading" if following is not None else f"{file}: the section {section.heading!r} ({section.where}) is "
               "empty: it is the last heading and has no text under it: delete it, or put its text under it")
    values: dict[str, object] = {"file": file, "heading": repr(section.heading), "where": place(section.where)}
    key = "import.error.empty_section" if following is not None else "import.error.empty_last_section"
    if following is not None and not following.styled:
        # It may be text, or a sub-heading that nothing marks as one: say how to make it either.
        docx = file.casefold().endswith(".docx")
        deeper = f"give it the Heading {section.level + 1} style" if docx else "number the two headings (3. over 3.1)"
        message += (f"; the line after it, {following.text[:60]!r} ({following.where}), was read as a heading (a short "
                    f"line with no full stop): end it with a full stop if it is text; if it is a sub-heading, {deeper}")
        key = "import.error.empty_section_before_line"
        values.update(line=repr(following.text[:60]), line_where=place(following.where),
                      deeper=note("import.how.heading_style", level=section.level + 1) if docx
                      else note("import.how.number_headings"))
    return PolicyImportError(message, Note(key, values))


def _write_sections(sections: list[_Section], lenders: Sequence[Policy], warnings: list[Note],
                    file: str) -> list[dict[str, Any]]:
    # The Welsh heading for a heading with the same words ("LEGISLATION", "3. Legislation"), and the next steps of a
    # passage with the same words, from the first lender that has them (the version in force before earlier ones).
    welsh = {section_id_for(s.heading_en): s.heading_cy for lender in reversed(lenders) for s in lender.sections
             if s.heading_cy}
    steps = {p.text: list(p.next_steps) for lender in reversed(lenders) for p in lender.all_passages()
             if p.next_steps}
    used: set[str] = set()
    written: list[dict[str, Any]] = []
    for section in sections:
        section_id = _unique(section_id_for(section.heading), used)
        passages: list[dict[str, Any]] = []
        # "Staff must not:" over a list: each item is quoted with it, or "accept requests" reads as a rule; an item
        # that leads into a list of its own ("(b) … including:" over "(i) …") is quoted with each of its items, after
        # the lead-in above it. Innermost last.
        leads: list[_LeadIn] = []
        for n, block in enumerate(section.blocks):
            following = section.blocks[n + 1] if n + 1 < len(section.blocks) else None
            texts = split_passages(block.text)
            texts_cy = [_welsh_of(block, text) for text in texts]
            number = block.number or section.number  # under "2.1 Photographs", text with no number is 2.1's
            clauses = [number] * len(texts)
            continuing = [False] + [True] * (len(texts) - 1)  # a paragraph's later sentences
            while leads and block.level < leads[-1].items_level:  # back above the lead-in's items: not one of them
                leads.pop()
            lead = leads[-1] if leads else None
            if lead is not None and _under(lead.line, block, next_to_it=lead.at == n - 1):
                lead.items_level = lead.items_level or block.level
                clauses = [block.number or lead.number] * len(texts)  # "4.2 Staff must not:" numbers its items
                if lead.text.endswith(":") and texts[0][:1].isupper() and _OWN_SUBJECT.match(texts[0]):
                    pass  # "Staff should:" over "Staff must not …": the item is a whole rule of its own
                elif len(lead.text) + len(texts[0]) < MAX_PASSAGE_CHARS:
                    texts[0] = f"{lead.text} {texts[0]}"
                    texts_cy[0] = f"{lead.welsh} {texts_cy[0]}" if lead.welsh and texts_cy[0] else ""
                else:  # too long to quote with it: the lead-in stands before the item, as in the document
                    texts.insert(0, lead.text)
                    texts_cy.insert(0, lead.welsh)
                    clauses.insert(0, lead.number)
                    continuing.insert(0, False)
                if (following is not None and len(texts) == 1 and following.level > block.level
                        and _under(block, following, next_to_it=True)):
                    leads.append(_LeadIn(block, texts[0], texts_cy[0], clauses[0], n))
                    continue
                if ASKED.match(lead.text) or lead.line.leads or (
                        lead.text.endswith("?") and not _BRANCH.match(block.text)):
                    leads.pop()  # a question of a "Q: … A: …" page goes with the first sentences of its answer
            elif following is not None and _under(block, following, next_to_it=True):
                leads = [_LeadIn(block, block.text, block.welsh, number, n)]
                continue
            elif section.records and block.text.endswith(":") and len(block.text.split()) <= 6:
                leads = []  # a form's label over nothing ("Telephone number:"), in a section with lines to fill in
                continue
            elif following is not None and (tail := _last_sentence(block)) and _under(tail, following, next_to_it=True):
                # "… many staff use it. However, staff must not:" over a list: the last sentence leads into it.
                texts = split_passages(block.text[: len(block.text) - len(tail.text)].rstrip())
                texts_cy = [_welsh_of(block, text) for text in texts]
                clauses = [number] * len(texts)
                continuing = [False] + [True] * (len(texts) - 1)
                leads = [_LeadIn(tail, tail.text, _welsh_of(block, tail.text), number, n)]
            else:
                leads = []
            for text, text_cy, clause, continues in zip(texts, texts_cy, clauses, continuing, strict=True):
                if len(text) > MAX_PASSAGE_CHARS:
                    raise PolicyImportError(
                        f"{file}: a passage is too long to quote: {section.heading!r} ({block.where}) has a sentence "
                        f"of {len(text)} characters starting {text[:40]!r}…; a card quotes at most {MAX_PASSAGE_CHARS}",
                        note("import.error.passage_too_long", file=file, heading=repr(section.heading),
                             where=place(block.where), length=len(text), start=repr(text[:40]),
                             limit=MAX_PASSAGE_CHARS))
                passage: dict[str, Any] = {"id": f"{section_id}.{len(passages) + 1}", "text": text}
                if text_cy and len(text_cy) <= MAX_PASSAGE_CHARS:
                    passage["text_cy"] = text_cy
                elif section.welsh_only:  # a Welsh card quotes the document's Welsh, and says so
                    passage["text_cy"] = text
                if clause:
                    passage["clause"] = clause
                if continues:
                    passage["continues"] = True
                if text in steps:
                    passage["next_steps"] = steps[text]
                passages.append(passage)
        entry: dict[str, Any] = {"id": section_id, "heading_en": section.heading}
        if section.heading_cy:
            entry["heading_cy"] = section.heading_cy
        elif section_id_for(section.heading) in welsh:
            entry["heading_cy"] = welsh[section_id_for(section.heading)]
        entry["passages"] = passages
        written.append(entry)
    leftovers = [template_leftover(p["text"]) for s in written for p in s["passages"]]
    if any(leftovers):
        shown = ", ".join(dict.fromkeys(repr(x) for x in leftovers if x))
        warnings.append(note("import.note.template_leftovers", count=sum(map(bool, leftovers)), shown=shown))
    translated = [entry for entry, section in zip(written, sections, strict=True) if not section.welsh_only]
    paired = [p for s in translated for p in s["passages"] if "text_cy" in p]
    if paired or any(block.welsh for section in sections for block in section.blocks):
        count = sum(len(s["passages"]) for s in translated)
        warnings.append(note("import.note.welsh_quoted_some", paired=len(paired), count=count) if len(paired) < count
                        else note("import.note.welsh_quoted_all", count=count))
    headings: dict[str, list[str]] = {}
    for entry in written:  # "Legislation" pasted twice, or "LEGISLATION" again further on
        headings.setdefault(" ".join(words(entry["heading_en"])), []).append(entry["heading_en"])
    for same in (same for same in headings.values() if len(same) > 1):
        warnings.append(note("import.note.heading_twice" if len(same) == 2 else "import.note.heading_times",
                             heading=repr(_shown(same[0])), count=len(same)))
    untranslated = [s["heading_en"] for s in written if "heading_cy" not in s]
    if untranslated:
        warnings.append(note("import.note.heading_no_welsh" if len(untranslated) == 1 else
                             "import.note.headings_no_welsh", count=len(untranslated), total=len(written)))
    return written


@dataclass
class _LeadIn:
    """A line that leads into a list ("Staff must not:"), as its items are quoted with it: its own words and those
    of any lead-in above it."""

    line: Line
    text: str
    welsh: str
    number: str  # its clause number, or that of the lead-in above it: its items' where they have none of their own
    at: int  # where it is among its section's lines
    items_level: int = 0  # how deep its items are: a line back at a shallower level is not one of them


def _last_sentence(block: Line) -> Line | None:
    """A paragraph's last sentence, as a line of its own; None for a paragraph of one sentence."""
    spans = _sentence_spans(block.text)
    return replace(block, text=block.text[spans[-1][0]:spans[-1][1]]) if len(spans) > 1 else None


def _under(lead: Line, block: Line, *, next_to_it: bool) -> bool:
    """Whether a line reads only with the one that leads into it: a list item under "Staff must not:" (deeper than
    it, when both are numbered clauses: "3.3 … must:" over "3.3.1 …", not "3.4 …"), the answer under "Q: Can I …?"
    or right under a question in a paragraph of its own (a FAQ page), a flowchart's "YES → …" under "Is a child at
    risk?"."""
    if lead.leads:
        return block.kind == "text"
    if ASKED.match(lead.text):
        return bool(_ANSWERED.match(block.text))
    if lead.text.endswith("?"):
        return (len(lead.text.split()) <= 15 and bool(_BRANCH.match(block.text))) or (
            next_to_it and lead.kind == block.kind == "text" and not block.text.endswith("?")
            and len(lead.text.split()) <= 40)
    deeper = not (lead.numbered and block.numbered) or block.level > lead.level
    return (block.kind == "bullet" and deeper and lead.text.endswith(":") and len(lead.text.split()) <= 25
            and len(_sentence_spans(lead.text)) == 1)


def section_id_for(heading: str) -> str:
    """A section's id from its heading's words, without its numbering: "3. The purpose of this policy" ->
    "purpose-policy", "Section 5: School accounts" -> "school-accounts" (so renumbering keeps the id)."""
    folded = unicodedata.normalize("NFKD", unnumbered(heading).casefold().replace("'", "").replace("’", ""))
    words = re.findall(r"[a-z0-9]+", "".join(ch for ch in folded if not unicodedata.combining(ch)))
    kept = [word for word in words if word not in _ID_STOPWORDS] or words
    return "-".join(kept) or "section"


def _unique(candidate: str, used: set[str]) -> str:
    chosen, n = candidate, 2
    while chosen in used:
        chosen, n = f"{candidate}-{n}", n + 1
    used.add(chosen)
    return chosen


def split_passages(text: str) -> list[str]:
    """A paragraph's quotable passages: its sentences, verbatim, each kept with any that leans on it; a FAQ's
    question and answer in one paragraph ("Q. … ? A. Yes. …") is quoted with the answer's first passage."""
    asked = _ASKED_AND_ANSWERED.match(text)
    if asked and asked.end() < len(text):
        answer = split_passages(text[asked.end():])
        if len(text[:asked.end()]) + len(answer[0]) <= MAX_PASSAGE_CHARS:
            return [text[:asked.end()] + answer[0], *answer[1:]]
    spans = _sentence_spans(text)
    passages: list[tuple[int, int]] = []
    for start, end in spans:
        sentence = text[start:end]
        before = text[passages[-1][0]:passages[-1][1]] if passages else ""
        short = len(before.split()) <= 2 or (_ANSWERED.match(before) and len(before.split()) <= 4)  # "A: Yes."
        if before and (short or _leans_on_previous(sentence)) and end - passages[-1][0] <= MAX_PASSAGE_CHARS:
            passages[-1] = (passages[-1][0], end)
        else:
            passages.append((start, end))
    return [text[start:end] for start, end in passages]


def _leans_on_previous(sentence: str) -> bool:
    return sentence.rstrip().endswith(":") or bool(_LEANS_BACK.match(sentence) or _QUALIFIES.search(sentence))


def _sentence_spans(text: str, *, quotes: bool = True) -> list[tuple[int, int]]:
    """Where each sentence starts and ends; a full stop inside quotation marks ends a sentence only where the
    quotation closes with it ('... here." Staff ...')."""
    spans: list[tuple[int, int]] = []
    start, inside, curly = 0, False, 0
    for i, ch in enumerate(text):
        closing = False
        if quotes and ch == '"':
            inside = not inside
            closing = not inside
        elif quotes and ch == "“":
            curly += 1
        elif quotes and ch == "”":
            curly = max(0, curly - 1)
            closing = not curly
        if inside or curly or not (ch in ".!?" or (closing and text[i - 1:i] in (".", "!", "?"))):
            continue
        end = i + 1
        while end < len(text) and text[end] in CLOSERS and text[end] != '"':
            end += 1
        # Where the next sentence would start, found by looking, not by copying the rest of the paragraph (a long
        # paragraph of short sentences took minutes so).
        after = end
        while after < len(text) and text[after].isspace():
            after += 1
        if not (after > end and after < len(text)):
            continue
        following = text[after]
        if not (following.isupper() or following.isdigit() or following in "\"“‘('"):
            continue
        before = text[start:i].split()
        word = before[-1].casefold().lstrip("(\"'“‘") if before else ""
        # "J. Smith" is an initial; "posted on X. They" ends a sentence (the platform once called Twitter).
        platform = word == "x" and len(before) > 1 and before[-2].casefold() in _BEFORE_A_PLATFORM
        if ch == "." and (word in _ABBREVIATIONS or (word in _NUMBER_ABBREVIATIONS and following.isdigit())
                          or (len(word) == 1 and word.isalpha() and not platform)):
            continue
        spans.append((start, end))
        start = after
    if quotes and (inside or curly):  # quotation marks that never close: read the paragraph without them
        return _sentence_spans(text, quotes=False)
    spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if text[s:e].strip()]
