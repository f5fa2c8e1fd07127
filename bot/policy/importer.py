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
import html
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocumentObject
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot.policy.details import parse_date, period_start, review_deadline, schools_named, version_in, welsh_terms
from bot.policy.lexicon import ENGLISH_STOPWORDS
from bot.policy.loader import MAX_PASSAGE_CHARS, validate_policy_data
from bot.policy.model import Policy
from bot.policy.text import template_leftover, words
from bot.policy.welsh import detect_language, lookup_welsh

# Words of a details row, as documents label them, and the detail each gives.
DETAIL_LABELS = {
    "status": "status", "policy status": "status", "document status": "status",
    "version": "version", "version number": "version", "version no": "version",
    "author": "author", "authors": "author", "policy author": "author", "policy authors": "author",
    "written by": "author", "prepared by": "author", "compiled by": "author", "drafted by": "author",
    "policy lead": "author", "lead": "author", "staff lead": "author", "policy owner": "author",
    "document owner": "author", "owner": "author", "responsible officer": "author", "responsible person": "author",
    "date of issue": "date_of_issue", "issue date": "date_of_issue", "date issued": "date_of_issue",
    "issued": "date_of_issue", "date of publication": "date_of_issue",
    "date of review": "last_reviewed", "date reviewed": "last_reviewed", "last reviewed": "last_reviewed",
    "date of last review": "last_reviewed", "last review date": "last_reviewed",
    "agreed by": "agreed_by", "approved by": "agreed_by", "ratified by": "agreed_by", "adopted by": "agreed_by",
    "next review date": "next_review", "next review": "next_review", "review date": "next_review",
    "date of next review": "next_review", "review due": "next_review", "to be reviewed": "next_review",
    "next review due": "next_review", "due for review": "next_review", "review by": "next_review",
    "authorisation": "authorisation", "authorization": "authorisation", "authorised by": "authorisation",
    "authorized by": "authorisation", "signed by": "authorisation",
    "schools": "schools", "applies to": "schools",
    "lead member of staff": "author", "member of staff responsible": "author", "responsible member of staff": "author",
    "lead author": "author", "date approved": "date_of_issue", "approved on": "date_of_issue",
    "date adopted": "date_of_issue", "review": "next_review", "review cycle": "next_review",
    # Welsh labels of a bilingual document ("Cytunwyd gan / Agreed by" finds either half).
    "statws": "status", "fersiwn": "version", "awdur": "author", "awduron": "author",
    "dyddiad cyhoeddi": "date_of_issue",
    "cytunwyd gan": "agreed_by", "cymeradwywyd gan": "agreed_by", "dyddiad adolygu": "next_review",
    "adolygiad nesaf": "next_review", "dyddiad yr adolygiad nesaf": "next_review",
}
# Words a version history or sign-off table has in its header row, beside detail labels ("Version | Date | Author |
# Summary of changes"): such a table records the document's past, not its rules or its current details.
RECORD_HEADERS = frozenset({"date", "changes", "summary of changes", "summary", "description", "amendments",
                            "reason", "reason for change", "details of change", "change", "page", "section",
                            "signature", "name", "role", "reviewed by"})
# What people write in a details row that has nothing to say.
EMPTY_VALUES = frozenset({"", "-", "–", "n/a", "na", "none", "tbc", "tba"})
MAX_HEADING_WORDS = 15
RUNNING_LINE_REPEATS = 3  # a short line met this often in a text file is a page's running header or footer
MAX_HEADING_CHARS = 120
SUFFIXES = (".docx", ".txt")

_NUMBERING = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(?:[.)]\s*|\s+)(?=\S)")
_PART = re.compile(r"^part\s+(?:[a-z]|\d{1,2}|[ivx]{1,5})\b", re.IGNORECASE)
_NUMBERED_ITEM = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)])\s+(?=\S)")
_BULLET = re.compile(r"^(?:[-–—•·*▪■●◦➢►]\s+|o\t|\(?[a-z]\)\s+|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\)\s+)")
_LABELLED = re.compile(r"^([A-Za-z][A-Za-z ()/]{1,40}?)\s*:\s*(.*)$")
_DOCUMENT_WORD = re.compile(r"\b(?:polic(?:y|ies)|code|guidance|guidelines|procedures?|polisi|cod|canllawiau)\b",
                            re.IGNORECASE)
_SUBJECT = re.compile(r"\b(?:social media|social networking|online|internet|digital|e-safety|acceptable use|"
                      r"cyfryngau cymdeithasol|ar-lein)\b", re.IGNORECASE)
_COVER_VERSION = re.compile(r"^(?:version|fersiwn)\s+\d+(?:\.\d+)*\b[^.]{0,30}$", re.IGNORECASE)
_COVER_APPROVAL = re.compile(
    r"^(?:approved|agreed|adopted|ratified)\s+by\s+(?:the\s+)?(.{3,80}?)"
    r"(?:\s+on\s+.{4,30}|\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}|\s+\d{1,2}[./]\d{1,2}[./]\d{2,4})?\.?$",
    re.IGNORECASE)
_UNDERLINE = re.compile(r"={3,}|-{3,}")
_CONTENTS = frozenset({"contents", "table of contents", "contents page", "cynnwys", "tabl cynnwys"})
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:(?:page|tudalen)\s+)?\d{1,3}(?:\s*(?:of|o|/)\s*\d{1,3})?(?:\s*-)?$",
                          re.IGNORECASE)
_BLANK_TO_FILL = re.compile(r"_{3,}|\.{5,}")  # "Signed: ______", "Date: ..........."
_FORM_FIELD = re.compile(r"^(?:[☐☑☒□■]|(?:signed|signature|date|name|position|role|llofnod|dyddiad|enw)\s*:?\s*$)",
                         re.IGNORECASE)
_TICK_BOX = re.compile(r"[☐☑☒□]")  # "School: ☐ St Ebba's ☐ Holy Cross"
_FORM_LABEL = re.compile(r"\b(Date|Signature|Signed|Name)\s*:", re.IGNORECASE)
_TRAILING_DATE = re.compile(r"[,;]?\s*(?:on\s+)?\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\s*$")
# A details sentence in the prose before the first section, when a document has no details table ("It was drafted
# by Priya Lal and approved by the Board of Trustees on 7 February 2024. It will next be reviewed in Spring 2026.").
_UNTIL = (r"(?P<v>[^.;]+?)(?=,?\s+and\s+(?:was\s+|is\s+|has\s+been\s+|it\s+)?(?:approved|agreed|adopted|ratified|"
          r"reviewed|signed|will)\b|,?\s+(?:on|in|who|which|it|this)\s|,?\s+a\s+(?:chymeradwywyd|gytunwyd)|[.;]|$)")
_PROSE_DETAILS = (
    ("author", re.compile(r"\b(?:drafted|written|prepared|compiled|authored|produced)\s+by\s+" + _UNTIL,
                          re.IGNORECASE)),
    ("agreed_by", re.compile(r"\b(?:approved|agreed|adopted|ratified)\s+by\s+(?:the\s+)?(?P<v>[^.;,]+?)"
                             r"(?:\s+(?:on|in)\s+(?P<on>[^.;,]+?))?(?=,|\s+and\s|[.;]|$)", re.IGNORECASE)),
    ("next_review", re.compile(r"\b(?:(?:will|shall|is\s+due\s+to|is\s+to)\s+(?:next\s+)?be\s+(?:next\s+)?reviewed|"
                               r"next\s+review(?:\s+date)?\s+(?:is|will\s+be)|due\s+for\s+review)\s+"
                               r"(?:in|by|on|before|during|at\s+the\s+end\s+of)?\s*(?:the\s+)?(?P<v>[^.;,]+?)"
                               r"(?=,|\s+or\s|\s+and\s|[.;]|$)", re.IGNORECASE)),
    ("version", re.compile(r"\b(?:this\s+is\s+)?version\s+(?P<v>\d+(?:\.\d+)*)\b", re.IGNORECASE)),
    ("author", re.compile(r"\b(?:ysgrifennwyd|lluniwyd|paratowyd)\s+(?:y\s+polisi\s+(?:hwn\s+)?)?gan\s+" + _UNTIL,
                          re.IGNORECASE)),
    ("agreed_by", re.compile(r"\b(?:cymeradwywyd|cytunwyd|mabwysiadwyd)\s+(?:y\s+polisi\s+(?:hwn\s+)?)?gan\s+"
                             r"(?:y\s+|yr\s+)?(?P<v>[^.;,]+?)(?:\s+ar\s+(?P<on>[^.;,]+?))?(?=,|\s+a\s|[.;]|$)",
                             re.IGNORECASE)),
)
_ORGANISATION = re.compile(r"\b(?:trust|federation|council|diocese|academy|academies|schools?|college|"
                           r"ffederasiwn|cyngor|esgobaeth|ysgolion)$|^ysgol\b", re.IGNORECASE)
_KINDS_OF_SCHOOL = frozenset({"high", "primary", "secondary", "junior", "infant", "infants", "nursery", "special",
                              "community", "comprehensive", "school", "schools", "trust", "federation", "academy",
                              "council", "college", "the", "our", "ysgol", "ysgolion", "cyngor", "ffederasiwn"})
_ABOUT_THE_DOCUMENT = re.compile(r"^(?:it|this|these|the\s+(?:policy|document|guidance)|polisi|fe'i|cafodd|caiff)\b|"
                                 r"\b(?:this|the)\s+(?:policy|document|guidance)\b|\by\s+polisi\b", re.IGNORECASE)
_ASKED = re.compile(r"^(?:q|question|c|cwestiwn)\s*[:.]\s*\S.*\?$", re.IGNORECASE)  # "Q: Can I ...?"
_BRANCH = re.compile(r"^(?:if\s+)?(?:yes|no|ydy|nac\s+ydy|oes|nac\s+oes|ie|na)\b\s*[:,.→>-]", re.IGNORECASE)
_ANSWERED = re.compile(r"^(?:a|answer|ateb)\s*[:.]\s*\S", re.IGNORECASE)  # "A: Yes. ..."
# Words every English text has and no Welsh one ("a", "i", "y" are both).
_ENGLISH_ONLY = frozenset({"the", "and", "of", "to", "is", "are", "for", "that", "this", "with", "be", "will", "must",
                           "should", "not", "you", "your", "it", "or", "by", "from", "on"})
_EMAIL_HEADER = re.compile(r"^(?:from|sent|to|cc|subject|date|oddi wrth|at|pwnc):\s", re.IGNORECASE)
# Word's XML: text, tab, breaks; what is not the paragraph's current text (deleted or moved-away text under
# tracked changes, a text box's own paragraphs, the old-style copy of a text box).
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_TEXT_BOX = qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_NOT_THE_TEXT = frozenset({qn("w:del"), qn("w:moveFrom"), _TEXT_BOX, _FALLBACK})
_TRACKED = (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"))
_ENTITY = re.compile(r"&(?:#\d{2,5}|#x[0-9a-f]{2,4}|[a-z]{2,8});", re.IGNORECASE)
# A revised document's marks beside what changed ("NEW: Staff must …", "… (updated)", "(updated – previously …)").
_REVISION_MARK = re.compile(r"^(?:NEW|UPDATED|AMENDED|CHANGED)\s*[:–-]\s*|\s*\((?:new|updated|amended|changed|"
                            r"revised)(?:\s*[–:-][^)]*)?\)\s*$", re.IGNORECASE)
_WEB_PAGE_LINES = frozenset({"skip to main content", "skip to content", "back to top", "print this page"})
_CONTACT = re.compile(r"\d{5}|\d{3,5}\s\d{3}\s?\d{3,4}|@\w")  # a phone number or an email address: no heading
_SITUATION_HEADERS = frozenset({"scenario", "situation", "if", "when", "what happens", "if this happens", "question",
                                "sefyllfa", "os"})
_ACTION_HEADERS = frozenset({"what to do", "action", "response", "what you should do", "what staff should do",
                             "answer", "beth i'w wneud", "ateb"})
_LEANS_BACK = re.compile(r"^(?:and|but|or|nor|yet|so|instead|otherwise)\b", re.IGNORECASE)
_QUALIFIES = re.compile(r"\b(?:still|of course)\b", re.IGNORECASE)
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "st", "vs", "approx", "incl", "prof",
                            "cllr", "rev", "cf", "nb", "fig", "dept"})
_NUMBER_ABBREVIATIONS = frozenset({"no", "p", "pp", "para"})  # "No. 4", "p. 12": abbreviations before a number
_BEFORE_A_PLATFORM = frozenset({"on", "to", "via", "from", "of", "and", "or", "like", "use", "using", "onto"})
_CLOSERS = "\"'”’)]"
# Words a heading does not end with, though the first line of a paragraph broken by hand may.
_UNFINISHED = frozenset({"a", "an", "the", "of", "to", "and", "or", "for", "with", "in", "on", "at", "by", "from",
                         "their", "your", "our", "its", "is", "are", "be", "that", "which", "who", "as", "if"})
_ID_STOPWORDS = frozenset({"a", "an", "the", "of", "for", "to", "and", "this", "that", "these", "in", "on", "at",
                           "by", "with", "from", "its", "our", "your", "their"})


class PolicyImportError(ValueError):
    """A document that cannot be imported; the message is one line saying why."""


@dataclass(frozen=True)
class Line:
    """One paragraph, line or table row of the document, as the reader classified it."""

    kind: str  # "title", "subtitle", "heading", "text", "bullet", "detail" or "record" (a history table, left out)
    text: str
    where: str
    level: int = 1
    key: str = ""  # a detail's key; empty for a details row the importer does not know (`text` is the whole row)
    styled: bool = False  # a heading from a Word heading style, not guessed from its shape
    bold: bool = False  # Word text that is bold throughout
    numbered: bool = False  # numbered in its text ("3. Personal use", "3.3.1 Staff must"); a heading so is no name
    leads: bool = False  # a table's situation, quoted with the line after it (what to do)


@dataclass
class _Section:
    heading: str
    where: str
    level: int
    blocks: list[Line] = field(default_factory=list)
    records: bool = False  # holds a version history or sign-off table, left out: no text of its own is no mistake
    heading_cy: str = ""  # its Welsh heading, when the document is bilingual


@dataclass(frozen=True)
class Imported:
    """A policy file's content and what the policy owner should know about it."""

    data: dict[str, Any]
    warnings: tuple[str, ...]


def import_policy(source: Path, current: Policy | None = None) -> Imported:
    """The policy file for a document; `current` lends its Welsh headings and next steps where the words are the
    same. PolicyImportError with a one-line reason when the document cannot be used."""
    try:
        lines = read_document(source)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
    except OSError as error:
        raise PolicyImportError(f"{source.name}: cannot read the file ({error.strerror or error})") from None
    imported = build_policy(lines, file=source.name, sha256=digest, current=current)
    if source.suffix.lower() == ".docx" and _tracked_changes(source):
        imported = replace(imported, warnings=(
            "the document has tracked changes that are not accepted: it was read as if all were accepted (insertions "
            "in, deletions out); accept or reject them in Word if that is not the text agreed", *imported.warnings))
    return imported


def _tracked_changes(source: Path) -> bool:
    body = docx.Document(str(source)).element.body
    return any(True for _ in body.iter(*_TRACKED))


def read_document(source: Path) -> list[Line]:
    """The classified lines of a .docx or .txt document."""
    suffix = source.suffix.lower()
    if suffix not in SUFFIXES:
        raise PolicyImportError(f"{source.name}: import a Word document (.docx) or a text file (.txt)")
    if not source.is_file():
        raise PolicyImportError(f"{source}: no such file")
    return read_docx(source) if suffix == ".docx" else read_txt(source)


# Plain text


def read_txt(source: Path) -> list[Line]:
    """Lines of a text file laid out as the school writes them: title first, details as tab-separated lines,
    headings on lines of their own, bullets starting "- ". A file whose lines were broken at a width (text copied
    from a PDF, or wrapped by an editor) has its paragraphs put back together."""
    raw = source.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        raise PolicyImportError(f"{source.name}: this is a Word document, not text; name it .docx")
    physical = _without_email(_decode(raw, source.name).splitlines())
    # Pages copied from a PDF (numbered "Page 2 of 9"): a running header or footer is the same short line again and
    # again ("Staff should:" above each list of a document that is not paged is the document's own).
    counts: dict[str, int] = {}
    for text in physical:
        key = _collapse(text)
        if key and len(key.split()) <= MAX_HEADING_WORDS:
            counts[key] = counts.get(key, 0) + 1
    if sum(n for key, n in counts.items() if _PAGE_NUMBER.match(key)) >= RUNNING_LINE_REPEATS - 1:
        physical = ["" if counts.get(_collapse(text), 0) >= RUNNING_LINE_REPEATS else text for text in physical]
    width = _wrap_width(physical)
    entries: list[Line] = []
    previous_blank = True
    for number, raw_line in enumerate(physical, start=1):
        line = raw_line.rstrip("\r\n")
        if not line.strip() or _clutter(_collapse(line)):
            if _to_fill(_collapse(line)):
                if entries and not previous_blank and _labels_a_form(entries[-1]):
                    entries.pop()  # "Purpose of the account:" over a line to fill in
                entries.append(Line("record", "", f"line {number}"))  # a form's: its section may hold nothing else
            previous_blank = True
            continue
        if _UNDERLINE.fullmatch(line.strip()) and entries and not previous_blank:
            # "Personal use" over "=======" (or "-------" for a sub-heading): the line above is a heading.
            level = 1 if line.strip()[0] == "=" else 2
            numbered = _NUMBERING.match(entries[-1].text)
            text = entries[-1].text[numbered.end():] if numbered else entries[-1].text
            entries[-1] = replace(entries[-1], kind="heading", text=text, level=level, numbered=bool(numbered))
            previous_blank = True
            continue
        if len(cells := _details_in_a_row(line, f"line {number}")) >= 2:
            entries += cells  # "Approved by: … | Version: 2024-1 | Review date: September 2025"
            previous_blank = True
            continue
        entry = _classify_text_line(line, f"line {number}")
        last = entries[-1] if entries else None
        if last is not None and not previous_blank and _continues(last, entry, line, width):
            joiner = "" if re.search(r"[^\W\d_]-$", last.text) else " "  # "on-" + "line"
            text = f"{last.text}{joiner}{_collapse(line)}"
            # Judged again as one line: a heading broken across lines is a heading, a paragraph taken for one text.
            kind = ("heading" if heading_like(text) else "text") if last.kind in ("heading", "text") else last.kind
            entries[-1] = replace(last, kind=kind, text=text)
        else:
            entries.append(entry)
        previous_blank = False
    return entries


def _without_email(lines: list[str]) -> list[str]:
    """A policy pasted into an email and saved as text: the header ("From:", "Subject:"), the message above the
    line that sets the policy off, and the signature after "--" are not the policy's (lines stay blank, so
    messages still give the document's line numbers)."""
    top = [line for line in lines[:12] if line.strip()][:6]
    if sum(bool(_EMAIL_HEADER.match(line)) for line in top) < 2:
        return lines
    kept = list(lines)
    rule = next((i for i, line in enumerate(lines[:60]) if re.fullmatch(r"\s*[-_=*]{10,}\s*", line)), None)
    if rule is not None:
        kept[: rule + 1] = [""] * (rule + 1)
    signature = next((i for i, line in enumerate(lines) if line.rstrip() == "--" and (rule is None or i > rule)), None)
    if signature is not None:
        kept[signature:] = [""] * (len(lines) - signature)
    return kept


def _wrap_width(lines: list[str]) -> int:
    """The width a file's lines were broken at (most lines come close to it), or 0 when each paragraph is a line
    of its own."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return 0
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near = sum(length >= 0.7 * width for length in lengths)
    return width if width <= 120 and near >= max(3, len(lengths) // 4) else 0


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # saved as "ANSI" by Notepad or an older Word
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text or sum(not ch.isprintable() and ch not in "\t\r\n\f" for ch in text) > len(text) // 100:
        raise PolicyImportError(f"{name}: not a readable text file")
    if len(_ENTITY.findall(text)) >= 3:  # a web page saved as text: "&rsquo;", "&amp;", "&nbsp;"
        text = html.unescape(text)
    return text


def _depth(number: str) -> int:
    """A numbered clause's depth: "3." and "3)" are 1, "3.3" is 2, "3.3.1" is 3."""
    return number.strip().rstrip(".)").count(".") + 1


def _classify_text_line(line: str, where: str) -> Line:
    stripped = _REVISION_MARK.sub("", _collapse(line).replace("**", "").replace("__", ""))  # Markdown's bold marks
    if marked := _MARKDOWN_HEADING.match(stripped):  # "## 3. Personal use", as Markdown writes a heading
        text = marked.group(2)
        numbered = _NUMBERING.match(text)
        return Line("heading", text[numbered.end():] if numbered else text, where, level=len(marked.group(1)),
                    numbered=bool(numbered))
    if bullet := _BULLET.match(stripped):  # before details: Word saves a bullet as "•<TAB>text"
        return Line("bullet", stripped[bullet.end():], where)
    number, tab, value = line.strip().partition("\t")
    if tab and _NUMBERED_ITEM.match(f"{number} x"):  # "<TAB>1.<TAB>Social media is ...", numbered with tabs
        return Line("bullet", _collapse(value), where, level=_depth(number), numbered=True)
    if "\t" in line.strip(" "):
        label, _, value = line.strip(" ").partition("\t")
        key = detail_key(label) or ""
        return Line("detail", _collapse(value) if key else _collapse(line), where, key=key)
    if (heading := heading_like(stripped)) is not None:
        return Line("heading", heading[1], where, level=heading[0], numbered=heading[1] != stripped)
    if numbered := _NUMBERED_ITEM.match(stripped):  # a numbered paragraph: a list item without its number
        return Line("bullet", stripped[numbered.end():], where, level=_depth(numbered.group()), numbered=True)
    return Line("text", stripped, where)


def _continues(last: Line, entry: Line, line: str, width: int) -> bool:
    """A line that carries on the one above it with no blank line between: a paragraph or bullet broken across
    lines (in a file broken at a `width`, every line of a paragraph), or a line taken for a heading whose sentence
    goes on (in lower case, or from a line nearly as wide as the rest)."""
    if entry.kind in ("bullet", "detail") or detail_key(line.strip()) or detail_key(last.text):
        return False  # a details label on a line of its own ("Approved by"), or the value under one
    first = line.strip()[:1]
    if last.kind == "heading":
        return first.islower() or bool(width and len(last.text) >= 0.75 * width)
    if last.kind == "bullet":  # bullets often have no full stop: only an indented or lower-case line carries on
        return first.islower() or line[:1].isspace()
    return last.kind == "text" and (bool(width) or first.islower() or not _ends_sentence(last.text))


# Word


def read_docx(source: Path) -> list[Line]:
    """Lines of a Word document: its Title, heading styles (Heading 1, 2, ...; or outline levels), lists and
    tables. A document with no heading styles has its headings found by their shape, as in a text file."""
    try:
        document = docx.Document(str(source))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:
        # SyntaxError covers lxml's XMLSyntaxError, for a damaged part inside the file.
        raise PolicyImportError(f"{source.name}: not a Word document that can be read ({error})") from None
    lines: list[Line] = []
    just_above = False  # the last line came from the block just before this one
    for number, block in enumerate(document.iter_inner_content(), start=1):
        where = f"paragraph {number}"
        before = len(lines)
        if isinstance(block, Paragraph):
            line = _paragraph_line(block, where)
            if line is None and _to_fill(_collapse(block.text)):
                if just_above and _labels_a_form(lines[-1]):
                    lines.pop()  # "Purpose of the account:" over a line to fill in
                line = Line("record", "", where)  # a form's: its section may hold nothing else
            if line is not None:
                lines.append(line)
            lines += [Line("text", text, f"{where} (text box)") for text in _text_boxes(block)]
        else:
            rows = list(_table_lines(block, f"table at {where}"))
            if [row.kind for row in rows] == ["record"] and just_above and _labels_a_form(lines[-1]):
                lines.pop()  # "For the headteacher" over the form's table
            lines.extend(rows)
        just_above = len(lines) > before
    if not any(line.styled and line.kind == "heading" for line in lines):
        # No heading styles: headings are found by their shape, and where some such lines are bold, only those.
        bold_only = any(line.bold and heading_like(line.text) for line in lines if line.kind == "text")
        guessed = [_guess_heading(line) if line.bold or not bold_only else line for line in lines]
        if not any(line.kind == "heading" for line in guessed):
            # Headings typed as bold items of a numbered list ("1. Purpose" in Word's List Number style).
            guessed = [_guess_heading(replace(line, kind="text")) if line.kind == "bullet" and line.bold
                       and heading_like(line.text) else line for line in lines]
        if not any(line.kind == "heading" for line in guessed):
            guessed = _colon_headings(lines)
        lines = guessed
    return [*lines, *_page_details(document)]


def _colon_headings(lines: list[Line]) -> list[Line]:
    """Headings typed as short unnumbered lines ending in a colon ("Personal accounts:") over numbered paragraphs,
    in a document with no other headings; a colon line over list items ("Staff must not:") stays a lead-in."""
    found = list(lines)
    for i, line in enumerate(lines[:-1]):
        words = line.text.rstrip(":").strip()
        if (line.kind == "text" and line.text.endswith(":") and not line.numbered and len(words.split()) <= 8
                and heading_like(words) and lines[i + 1].kind in ("text", "bullet") and (
                    lines[i + 1].kind == "text" or lines[i + 1].numbered)):
            found[i] = replace(line, kind="heading", text=words)
    return found


def _page_details(document: DocumentObject) -> list[Line]:
    """Details in the page header or footer ("Version 1.3 | Approved by the Governing Body 6 February 2025 | Next
    review February 2027 | Policy owner: Ms D. Probert"), as detail lines the body's own details overrule."""
    found: dict[str, Line] = {}
    for section in document.sections:
        for part in (section.header, section.footer):
            for paragraph in part.paragraphs:
                for piece in re.split(r"\s+[|–—•]\s+|\t+", _collapse(paragraph.text)):
                    line = _as_detail(Line("text", piece.strip(" ."), "the page header or footer"))
                    if not line.key:
                        line = _labelled_without_colon(piece.strip(" ."))
                    if line.key and line.key not in found:
                        found[line.key] = line
    return list(found.values())


def _details_in_a_row(line: str, where: str) -> list[Line]:
    """A line of "Label: value" details set side by side with bars ("Version: 2 | Review date: July 2027"); []
    when any part is not a detail."""
    parts = [_as_detail(Line("text", part.strip(), where)) for part in _collapse(line).split(" | ")]
    return parts if len(parts) >= 2 and all(part.key for part in parts) else []


def _labelled_without_colon(text: str) -> Line:
    """"Next review February 2027": a detail's label, then its value, with no colon between (page footers)."""
    folded = text.casefold()
    for label in sorted(DETAIL_LABELS, key=len, reverse=True):
        if folded.startswith(label + " ") and len(label) > 5:
            return Line("detail", text[len(label):].strip(), "the page header or footer", key=DETAIL_LABELS[label])
    return Line("text", text, "the page header or footer")


def _to_fill(text: str) -> bool:
    """A form's line to fill in ("______", "Signed:", "☐ I agree")."""
    return bool(_BLANK_TO_FILL.search(text) or _FORM_FIELD.match(text) or _TICK_BOX.search(text))


def _labels_a_form(line: Line) -> bool:
    """Whether the line just above a blank to fill in (or a form's table) is that form's label, not policy text."""
    if line.styled or line.kind not in ("text", "bullet"):
        return False
    return line.text.endswith(":") or (not _ends_sentence(line.text) and len(line.text.split()) <= MAX_HEADING_WORDS)


def _accepted_text(element: Any) -> str:
    """A paragraph's text with its tracked changes accepted (insertions in, deletions out), without the text of any
    text box anchored in it (see `_text_boxes`)."""
    parts: list[str] = []
    for node in element.iter(_T, _TAB, _BR, _CR):
        ancestor = node.getparent()
        while ancestor is not None and ancestor is not element and ancestor.tag not in _NOT_THE_TEXT:
            ancestor = ancestor.getparent()
        if ancestor is not element:
            continue
        parts.append(node.text or "" if node.tag == _T else "\t" if node.tag == _TAB else "\n")
    return "".join(parts)


def _text_boxes(paragraph: Paragraph) -> list[str]:
    """The paragraphs of text boxes anchored in a paragraph ("Remember: …" callouts), each once: Word also keeps an
    old-style copy of each box for older readers."""
    found: list[str] = []
    for box in paragraph._p.iter(_TEXT_BOX):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue
        found += [text for inner in box.iter(qn("w:p")) if (text := _collapse(_accepted_text(inner)))]
    return found


def _paragraph_line(paragraph: Paragraph, where: str) -> Line | None:
    text = _REVISION_MARK.sub("", _collapse(_accepted_text(paragraph._p)))
    if not text or _clutter(text):
        return None
    style = paragraph.style.name if paragraph.style is not None and paragraph.style.name else ""
    kind = style.casefold()
    if kind.startswith("toc"):  # a table of contents repeats the headings
        return None
    if kind == "title":
        return Line("title", text, where, styled=True)
    if kind == "subtitle":
        return Line("subtitle", text, where)
    level = _heading_level(paragraph)
    if level:
        numbered = _NUMBERING.match(text)
        words = text[numbered.end():] if numbered else text
        return Line("heading", words, where, level=level, styled=True)
    pPr = paragraph._p.pPr  # noqa: N806 - Word's own name
    bold = bool(paragraph.runs) and all(run.bold for run in paragraph.runs if run.text.strip())
    if kind.startswith("list") or (pPr is not None and pPr.numPr is not None) or _BULLET.match(text):
        bullet = _BULLET.match(text)
        return Line("bullet", text[bullet.end():] if bullet else text, where, bold=bold)
    clause = _NUMBERED_ITEM.match(text)
    typed = re.match(r"\s*\d{1,3}[.)]\t", _accepted_text(paragraph._p))  # "4.<TAB>Staff must:", numbered by hand
    if clause and ("." in clause.group().strip().rstrip(".") or typed) and heading_like(text) is None:
        # a numbered clause ("3.3.1 Staff must..."), as in text files
        return Line("bullet", text[clause.end():], where, level=_depth(clause.group()), numbered=True)
    return Line("text", text, where, bold=bold)


def _heading_level(paragraph: Paragraph) -> int:
    """The heading level from the style (or the style it is based on), or the outline level; 0 for body text."""
    style = paragraph.style
    while style is not None:
        if (found := re.fullmatch(r"heading\s*(\d)", (style.name or "").casefold())) is not None:
            return int(found.group(1))
        style = style.base_style
    for holder in (paragraph._p.pPr, paragraph.style.element.pPr if paragraph.style is not None else None):
        outline = holder.find(qn("w:outlineLvl")) if holder is not None else None
        if outline is not None and (value := outline.get(qn("w:val"))) is not None and value.isdigit():
            level = int(value) + 1
            if level <= 9:
                return level
    return 0


def _table_lines(table: Table, where: str) -> Iterator[Line]:
    """A table's rows: a details row ("Agreed by" | "Governing Body") as a detail, any other cell as text; a version
    history or sign-off table gives nothing, and a row of column names over rules ("Do | Don't") is left out."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is other for other in seen):  # a merged cell repeats
                continue
            seen.append(cell._tc)
            cells.append(_collapse(cell.text))
        rows.append(cells)
    if len(rows) == 1 and len(rows[0]) == 1 and heading_like(rows[0][0]):
        yield Line("text", rows[0][0], where, bold=True)  # a heading in a shaded box, as school templates have it
        return
    if _record_table(rows) or _form_table(rows):
        yield Line("record", "", where)
        return
    if _situations_and_actions(rows):
        # "Scenario | What to do": each situation is quoted with what to do about it.
        for cells in rows[1:]:
            if all(cells):
                yield Line("text", cells[0], where, leads=True)
                yield Line("text", cells[1], where)
        return
    if _headings_beside_text(rows):
        # A policy laid out as a table: each row a heading beside its text ("Personal accounts" | paragraphs, bullets).
        for row in table.rows:
            cells = list(dict.fromkeys(cell._tc for cell in row.cells))
            heading, body = (next(c for c in row.cells if c._tc is tc) for tc in cells)
            yield Line("heading", _collapse(heading.text), where)
            for paragraph in body.paragraphs:
                if line := _paragraph_line(paragraph, where):
                    yield line
        return
    if (pairs := _labels_over_values(rows)) is not None:
        # A cover table of labels over their values ("Approved by | Review date | Version" over one row).
        for label, value in pairs:
            key = detail_key(label)
            yield Line("detail", value if key else f"{label} {value}", where, key=key or "")
        return
    if _header_row(rows):
        rows = rows[1:]
    for cells in rows:
        if any(_BLANK_TO_FILL.search(cell) for cell in cells):
            continue  # a row with a blank to fill in: a form's, not the policy's
        key = detail_key(cells[0]) if cells else None
        second = detail_key(cells[2]) if len(cells) >= 4 else None
        if key and second:
            yield Line("detail", cells[1], where, key=key)
            yield Line("detail", " ".join(cells[3:]), where, key=second)
        elif key:
            yield Line("detail", " ".join(c for c in cells[1:] if c), where, key=key)
        elif len(cells) == 2 and cells[0] and len(cells[0].split()) <= 4 and not _clutter(cells[0]):
            # a details row the importer does not know
            yield Line("detail", " ".join(cells), where)
        else:
            yield from (Line("text", cell, where) for cell in cells if cell and not _clutter(cell))


def _guess_heading(line: Line) -> Line:
    if line.kind != "text":
        return line
    heading = heading_like(line.text)
    return Line("heading", heading[1], line.where, level=heading[0], numbered=heading[1] != line.text) if heading \
        else line


# Shared


def heading_like(text: str) -> tuple[int, str] | None:
    """(level, words) when a line reads as a heading: short, not a sentence (no final full stop, comma,
    colon or semicolon), starting with a capital, maybe numbered ("3. Personal use" is level 1, "3.1 Photos"
    level 2)."""
    level = 1
    numbered = _NUMBERING.match(text)
    if numbered:
        level = numbered.group(1).count(".") + 1
        text = text[numbered.end():]
    core = text.rstrip(_CLOSERS)
    if not core or core[-1] in ".,;:!" or not (text[0].isupper() or text[0].isdigit()) or _ASKED.match(text):
        return None
    if core.split()[-1].casefold() in _UNFINISHED and not core.isupper():  # a sentence broken across lines
        return None
    if len(text.split()) > MAX_HEADING_WORDS or len(text) > MAX_HEADING_CHARS or not any(c.isalpha() for c in text):
        return None
    if _CONTACT.search(text):  # "Headteacher – Mr G. Llewellyn – 01656 555 210": a contact, not a heading
        return None
    return level, text


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _label(text: str) -> str:
    return " ".join(text.casefold().replace("(s)", "s").rstrip(": ").split())


def detail_key(label: str) -> str | None:
    """The detail a row's label names: the whole label, or the last half of it that is known ("Cytunwyd gan / Agreed
    by", "Status / Version")."""
    whole = _label(label)
    if whole in DETAIL_LABELS:
        return DETAIL_LABELS[whole]
    parts = [DETAIL_LABELS.get(part.strip()) for part in re.split(r"[/|]", whole)]
    return next((key for key in reversed(parts) if key), None)


def _record_table(rows: list[list[str]]) -> bool:
    """A version history or sign-off table: three or more columns, each named in the first row as a detail or a
    record's header ("Version | Date | Author | Summary of changes"; not "Version | 2 | Approved by | Committee")."""
    if len(rows) < 2 or len(rows[0]) < 3:
        return False
    return all(detail_key(cell) or _label(cell) in RECORD_HEADERS for cell in rows[0]) and any(
        _label(cell) in RECORD_HEADERS for cell in rows[0])


def _situations_and_actions(rows: list[list[str]]) -> bool:
    """A table of situations and what to do in each, under a header row that says so."""
    return len(rows) >= 2 and len(rows[0]) == 2 and (
        _label(rows[0][0]) in _SITUATION_HEADERS or _label(rows[0][1]) in _ACTION_HEADERS) and all(
        len(cells) == 2 for cells in rows)


def _headings_beside_text(rows: list[list[str]]) -> bool:
    """Rows of a short heading beside a long text: the whole policy set out as a two-column table."""
    return len(rows) >= 3 and all(len(cells) == 2 for cells in rows) and sum(
        heading_like(cells[0]) is not None and len(cells[0].split()) <= 8 and len(cells[1].split()) >= 25
        for cells in rows) >= 0.8 * len(rows)


def _form_table(rows: list[list[str]]) -> bool:
    """A form to fill in: most rows a label beside an empty cell ("Reason (if not approved)" | "")."""
    labelled = [cells for cells in rows if len(cells) >= 2 and cells[0]]
    return len(labelled) >= 2 and sum(not any(cells[1:]) for cells in labelled) * 2 >= len(labelled)


def _labels_over_values(rows: list[list[str]]) -> list[tuple[str, str]] | None:
    """(label, value) of a table whose rows go labels, values, labels, values..., at least half of each label row
    a detail the importer knows; None for any other table."""
    if len(rows) < 2 or len(rows) % 2:
        return None
    pairs: list[tuple[str, str]] = []
    for labels, values in zip(rows[::2], rows[1::2], strict=True):
        if len(labels) < 2 or len(values) != len(labels) or any(detail_key(v) for v in values):
            return None
        if 2 * sum(1 for label in labels if detail_key(label)) < len(labels):
            return None
        pairs.extend(zip(labels, values, strict=True))
    return pairs


def _header_row(rows: list[list[str]]) -> bool:
    """A first row of short column names over rows of sentences ("Do | Don't" over the rules)."""
    def short(cell: str) -> bool:
        return len(cell.split()) <= 3 and not _ends_sentence(cell)

    names = rows[0] if len(rows) >= 2 and len(rows[0]) >= 2 and not detail_key(rows[0][0]) else []
    return bool(names) and all(short(c) for c in names) and any(len(c.split()) >= 6 for row in rows[1:] for c in row)


def _clutter(text: str) -> bool:
    """A line that is no policy text: a placeholder ("[SCHOOL LOGO]"), a form line to fill in ("Signed: ____",
    "☐ I agree", "Date"), or a page number ("Page 3 of 9")."""
    return (bool(re.fullmatch(r"\[[^\]]*\]", text)) or _to_fill(text) or bool(_PAGE_NUMBER.match(text))
            or text.count(" > ") >= 2 or text.casefold() in _WEB_PAGE_LINES  # a web page's "Home > Parents > …"
            or not any(c.isalnum() for c in text))  # a flowchart's "↓"


def _ends_sentence(text: str) -> bool:
    core = text.rstrip(_CLOSERS)
    return bool(core) and core[-1] in ".!?:"


def build_policy(lines: Sequence[Line], *, file: str, sha256: str, current: Policy | None = None) -> Imported:
    """The policy file's content from a document's lines."""
    if not lines:
        raise PolicyImportError(f"{file}: the document is empty")
    warnings: list[str] = []
    title, front, body = _split_front(list(lines), file)
    policy_line = next((line for line in front if line.kind in ("subtitle", "text", "heading")
                        and len(line.text.split()) <= MAX_HEADING_WORDS and _names_the_policy(line.text)), None)
    if policy_line is not None and not _names_the_policy(title):
        # The school's name in the Title style over the policy's in the Subtitle: the policy's is the title.
        front = [Line("subtitle", title, "the title"), *(line for line in front if line is not policy_line)]
        title = policy_line.text
    english_title, welsh_title = _languages(title)  # "Polisi … / … Policy" in a bilingual document
    data: dict[str, Any] = {"title_en": english_title, **({"title_cy": welsh_title} if welsh_title else {})}
    organisation = next((line.text for line in front if line.kind in ("subtitle", "text", "heading")
                         and not line.styled), "")
    if organisation:
        data["federation"] = organisation
    known = [line for line in (*front, *body) if line.kind == "detail" and line.key]
    told, body = _prose_details(body, {line.key for line in known if line.key})
    known += told
    for line in front:
        if line.kind == "detail" and not line.key:
            warnings.append(f"the details row {line.text!r} ({line.where}) is not one the bot knows: left out (the "
                            "labels it reads include Status, Version, Author, Date of issue, Date of review, Agreed "
                            "by, Next review date, Authorisation, Applies to)")
    # In the body, a tab-separated or two-cell row that is not a detail is the document's text.
    # So is a "Label: value" line shaped like a heading ("Version: 2" under "Approval"): it may be a detail, below.
    # A detail read from the body leaves a record: a heading over nothing else ("Policy information") is no error.
    text = [Line("record", "", line.where) if line in known else replace(line, kind="text")
            if line.kind == "detail" or (line.kind == "heading" and not line.styled and _as_detail(line).key) else line
            for line in body]
    sections = [section for section in _sections(title, text, file) if _label(section.heading) not in _CONTENTS]
    _refuse_welsh_only(sections, file)
    sections = _bilingual(sections, warnings)
    for section in list(sections):  # "Approval" at the end: "Policy author: …", "Version: 2", nothing else
        rows = [_as_detail(block) for block in section.blocks]
        had = {line.key for line in known}
        keys = [row.key for row in rows if row.kind == "detail" and row.key]
        if len(rows) >= 2 and len(set(keys)) == len(keys) == len(rows):
            sections.remove(section)
            known += [row for row in rows if row.key not in had]
            continue
        # Elsewhere, a dated or versioned line among other text ("Date of next review: Autumn Term 2026").
        dated = {row.key: n for n, row in reversed(list(enumerate(rows)))
                 if row.key not in had and _checkable_detail(row)}  # the first of each
        if dated and len(dated) < len(rows):
            section.blocks = [block for n, block in enumerate(section.blocks) if n not in dated.values()]
            known += [rows[n] for n in sorted(dated.values())]
    data.update(_details({line.key: line.text for line in known}, file, warnings))
    data["sections"] = _write_sections(sections, current, warnings)
    if "schools" not in data:
        texts = [title, organisation, *(s["heading_en"] for s in data["sections"]),
                 *(p["text"] for s in data["sections"] for p in s["passages"])]
        named = schools_named(texts, welsh_terms().school_kinds)
        if named:
            data["schools"] = [{"en": name} for name in named]
    data["document"] = {"file": file, "sha256": sha256}
    data["sections"] = data.pop("sections")  # last, after the details, for whoever reads the file
    problems = validate_policy_data(data)
    if problems:  # the rules above should make this impossible; never write a file the bot would refuse
        raise PolicyImportError(f"{file}: the result would not be a valid policy file: {problems[0]}")
    return Imported(data, tuple(warnings))


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
        raise PolicyImportError(f"{file}: no title: the document's first line should be its title")
    title = lines[first].text
    rest = lines[:first] + lines[first + 1:]
    styled = [i for i, line in enumerate(rest) if line.kind == "heading" and line.styled]
    if styled:
        front_end = styled[0]
        for start, end in zip(styled, [*styled[1:], len(rest)], strict=True):
            if start != front_end or not all(line.kind == "detail" and line.key for line in rest[start + 1:end]):
                break
            front_end = end
        front = [_as_detail(line) for line in rest[:front_end]]
        # Sentences before the first section are the document's text; short lines (its organisation) are not.
        text = [line for line in front if line.kind in ("text", "bullet") and heading_like(line.text) is None]
        front = [line for line in front if line not in text and not (line.kind == "heading" and line.styled)]
        return title, front, [*text, *rest[front_end:]]
    opening_end = len(rest)
    for i, line in enumerate(rest):
        key = detail_key(line.text) if line.kind in ("heading", "text") and ":" not in line.text else None
        if key and i + 1 < len(rest) and rest[i + 1].kind in ("heading", "text") and not detail_key(rest[i + 1].text):
            # A label on its own line over its value, as a details table comes out of Google Docs as text.
            rest[i], rest[i + 1] = Line("detail", rest[i + 1].text, line.where, key=key), Line("record", "", line.where)
            continue
        rest[i] = _as_detail(line)
        if rest[i].kind in ("text", "bullet"):
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


def _names_the_policy(text: str) -> bool:
    return bool(_SUBJECT.search(text) or _DOCUMENT_WORD.search(text))


def _names_an_organisation(text: str) -> bool:
    """A proper name of a school, trust or council ("Bryn Teg Trust", "Ysgol Eryri"; not "High school")."""
    named = [word for word in text.split() if word[:1].isupper() and word.casefold() not in _KINDS_OF_SCHOOL]
    return bool(_ORGANISATION.search(text) and named and all(
        word[:1].isupper() or word.casefold() in _ID_STOPWORDS for word in text.split()))


def _prose_details(body: list[Line], known: set[str]) -> tuple[list[Line], list[Line]]:
    """Details the prose before the first section gives in sentences about the document, when no table gave them:
    those details, and the body without those sentences (they are not the policy's rules)."""
    told: list[Line] = []
    kept: list[Line] = []
    for n, line in enumerate(body):
        if line.kind == "heading":
            return told, kept + body[n:]
        if line.kind != "text":
            kept.append(line)
            continue
        if (labelled := _as_detail(line)).key and labelled.key not in known:  # "Policy lead: Mr G. Lyons"
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
    if not (_ABOUT_THE_DOCUMENT.search(sentence) or _as_detail(Line("text", sentence.rstrip("."), "")).key):
        return []
    found: list[tuple[str, str]] = []
    for key, pattern in _PROSE_DETAILS:
        match = pattern.search(sentence)
        if match is None or key in known or key in dict(found):
            continue
        value = match.group("v").strip()
        if key == "next_review" and review_deadline(value) is None:
            continue
        if len(value.split()) > 12:
            continue
        found.append((key, value))
        day = match.groupdict().get("on")
        if day and "date_of_issue" not in known and period_start(day.strip()) is not None:
            found.append(("date_of_issue", day.strip()))
    return found


def _as_detail(line: Line) -> Line:
    """A "Label: value" line whose label is a known detail, as that detail; on a cover, "Version 2.1" and "Approved
    by the Governing Body on ..." too."""
    if line.kind in ("text", "heading", "subtitle"):
        if _COVER_VERSION.match(line.text):
            return Line("detail", line.text, line.where, key="version")
        if approved := _COVER_APPROVAL.match(line.text):
            return Line("detail", approved.group(1).strip(), line.where, key="agreed_by")
    labelled = _LABELLED.match(line.text) if line.kind in ("text", "heading", "subtitle") else None
    key = detail_key(labelled.group(1)) if labelled else None
    return Line("detail", labelled.group(2).strip(), line.where, key=key) if labelled and key else line


def _details(found: dict[str, str], file: str, warnings: list[str]) -> dict[str, Any]:
    values = {key: value for key, value in found.items() if value.casefold().strip(" .") not in EMPTY_VALUES}
    data: dict[str, Any] = {}
    for key in ("status", "author", "agreed_by", "next_review"):
        english, welsh = _languages(values.get(key, ""))
        if welsh:  # "Corff Llywodraethu / Governing Body": each card shows its own language's half
            values[key] = english
            data[f"{key}_cy"] = welsh
    if "status" in values:
        data["status"] = values["status"]
    version = values.get("version", "")
    version = version_in(version) or version or version_in(values.get("status", ""))
    if version:
        data["version"] = version
    if "author" in values:
        data["author"] = values["author"]
    for key, label in (("date_of_issue", "date of issue"), ("last_reviewed", "date of review")):
        if key in values:
            day = period_start(values[key])
            if day is None:
                raise PolicyImportError(f"{file}: the {label} {values[key]!r} is not a date; write it like 12.10.2022 "
                                        "(or October 2024)")
            data[key] = day.isoformat()
            if parse_date(values[key]) is None:  # a month or term: cards show it as written, not as its first day
                data[key.replace("date_of_issue", "issued") + "_as"] = values[key]
    if "agreed_by" in values:
        data["agreed_by"] = values["agreed_by"]
    if "next_review" in values:
        data["next_review"] = values["next_review"]
        deadline = review_deadline(values["next_review"])
        if deadline is None:
            warnings.append(f"the next review {values['next_review']!r} names no date, month, term or year: "
                            "the bot will not say when the review is overdue")
        else:
            data["review_date"] = deadline.isoformat()
    if "authorisation" in values:
        data.update(_authorisation(values["authorisation"]))
    if "schools" in values:
        names = [n.strip() for n in re.split(r"\s*(?:,|;|/|&|\band\b)\s*", values["schools"]) if n.strip()]
        data["schools"] = [{"en": name} for name in names]
    missing = [label for key, label in (("version", "version"), ("date_of_issue", "date of issue"),
                                        ("agreed_by", "agreed by"), ("next_review", "next review date"))
               if key not in data]
    if missing:
        warnings.append(f"the details do not give the {', '.join(missing)}: cards and answers leave them out")
    return data


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
    for line in body:
        if line.kind == "heading":
            if current is not None and not current.blocks:
                grouping = _names_a_group(current.heading) and not _names_a_group(line.text)
                if line.level <= current.level and not grouping and not current.records:
                    raise PolicyImportError(_empty(file, current, line))
                sections.pop()
            current = _Section(line.text, line.where, line.level)
            sections.append(current)
        elif line.kind in ("text", "bullet", "subtitle", "title"):
            if current is None:
                current = _Section(title, line.where, 1)
                sections.append(current)
            current.blocks.append(line)
        elif line.kind == "record" and current is not None:
            current.records = True
    if not any(line.kind == "heading" for line in body):
        raise PolicyImportError(f"{file}: no headings found: put each section's heading on a line of its own "
                                "(in Word, use the Heading 1 style)")
    if current is not None and not current.blocks:
        if not current.records:
            raise PolicyImportError(_empty(file, current))
        sections.pop()
    return sections


def _names_a_group(heading: str) -> bool:
    """A heading shaped as the name of a group of sections: in capitals, or "Part A", "Part 2: ..."."""
    return heading.isupper() or _PART.match(heading) is not None


def _welsh(text: str) -> bool:
    return detect_language(words(text)) == "cy"


def _languages(value: str) -> tuple[str, str]:
    """A title, heading or detail given in both languages ("Corff Llywodraethu / Governing Body") as (English,
    Welsh); (value, "") otherwise."""
    first, _, second = value.partition(" / ")
    if second and " / " not in second:
        # "Dr Meinir Jenkins, Pennaeth Cynorthwyol / Assistant Headteacher": the name before the comma is both's.
        name, comma, own = first.rpartition(", ")
        shares = _welsh_share(own), _welsh_share(second)
        if abs(shares[0] - shares[1]) >= 0.3 and min(shares) <= 0.3:  # one half Welsh, the other English
            welsh, english = (own, second) if shares[0] > shares[1] else (second, own)
            return f"{name}{comma}{english}", f"{name}{comma}{welsh}"
    return value, ""


def _welsh_share(text: str) -> float:
    """How much of a short text is Welsh words the lexicon knows (0 to 1)."""
    tokens = words(text)
    welsh = [t for t in tokens if lookup_welsh(t) not in (None, t) and t not in ENGLISH_STOPWORDS]  # not "staff"
    return len(welsh) / len(tokens) if tokens else 0.0


def _bilingual(sections: list[_Section], warnings: list[str]) -> list[_Section]:
    """A bilingual document as its English policy with Welsh headings: a Welsh section beside the English one with
    the same place (Welsh heading and text, then English, or the other way round) gives its heading to the English
    one and is left out; so is the Welsh text of a section written in both ("Cyflwyniad / Introduction"). Cards quote
    the English, as for any policy; a Welsh section with no English beside it stays."""
    kept: list[_Section] = []
    left_out = 0
    index = 0
    while index < len(sections):
        section = sections[index]
        text = " ".join(block.text for block in section.blocks)
        neighbour = sections[index + 1] if index + 1 < len(sections) else None
        if neighbour is not None and neighbour.level == section.level and _welsh(text) != _welsh(
                " ".join(block.text for block in neighbour.blocks)):
            english, welsh = (neighbour, section) if _welsh(text) else (section, neighbour)
            english.heading_cy = welsh.heading
            kept.append(english)
            left_out += 1
            index += 2
            continue
        english_blocks = [block for block in section.blocks if not _welsh(block.text)]
        if english_blocks and len(english_blocks) < len(section.blocks):
            left_out += 1
            section.blocks = english_blocks
            english_heading, welsh_heading = _languages(section.heading)
            if welsh_heading:
                section.heading, section.heading_cy = english_heading, welsh_heading
        kept.append(section)
        index += 1
    if left_out:
        warnings.append(f"the document is bilingual: the Welsh text of {left_out} section(s) is left out (cards quote "
                        "the English, with the Welsh headings)")
    return kept


def _checkable_detail(row: Line) -> bool:
    """A labelled line whose value shows it is the document's detail: a review date, an issue date, a version."""
    if row.key == "next_review":
        return review_deadline(row.text) is not None
    if row.key in ("date_of_issue", "last_reviewed"):
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
                                "bilingual document")


def _empty(file: str, section: _Section, following: Line | None = None) -> str:
    message = (f"{file}: the section {section.heading!r} ({section.where}) is empty: it has no text before the next "
               "heading")
    if following is not None and not following.styled:
        message += (f"; the line after it, {following.text[:60]!r} ({following.where}), was read as a heading (a short "
                    "line with no full stop): end it with a full stop if it is text")
    return message


def _write_sections(sections: list[_Section], current: Policy | None, warnings: list[str]) -> list[dict[str, Any]]:
    welsh = {s.heading_en: s.heading_cy for s in current.sections if s.heading_cy} if current else {}
    steps = {p.text: list(p.next_steps) for p in current.all_passages() if p.next_steps} if current else {}
    used: set[str] = set()
    written: list[dict[str, Any]] = []
    for section in sections:
        section_id = _unique(section_id_for(section.heading), used)
        passages: list[dict[str, Any]] = []
        # "Staff must not:" over a list: each item is quoted with it, or "accept requests" reads as a rule
        lead: Line | None = None
        for n, block in enumerate(section.blocks):
            following = section.blocks[n + 1] if n + 1 < len(section.blocks) else None
            texts = split_passages(block.text)
            if lead is not None and _under(lead, block):
                if len(lead.text) + len(texts[0]) < MAX_PASSAGE_CHARS:
                    texts[0] = f"{lead.text} {texts[0]}"
                else:  # too long to quote with it: the lead-in stands before the item, as in the document
                    texts.insert(0, lead.text)
                if _ASKED.match(lead.text) or lead.leads:
                    lead = None  # a question of a "Q: … A: …" page goes with the first sentences of its answer
            elif following is not None and _under(block, following):
                lead = block
                continue
            else:
                lead = None
            for text in texts:
                if len(text) > MAX_PASSAGE_CHARS:
                    raise PolicyImportError(
                        f"a passage is too long to quote: {section.heading!r} ({block.where}) has a sentence of "
                        f"{len(text)} characters starting {text[:40]!r}…; a card quotes at most {MAX_PASSAGE_CHARS}")
                passage: dict[str, Any] = {"id": f"{section_id}.{len(passages) + 1}", "text": text}
                if text in steps:
                    passage["next_steps"] = steps[text]
                passages.append(passage)
        entry: dict[str, Any] = {"id": section_id, "heading_en": section.heading}
        if section.heading_cy:
            entry["heading_cy"] = section.heading_cy
        elif section.heading in welsh:
            entry["heading_cy"] = welsh[section.heading]
        entry["passages"] = passages
        written.append(entry)
    leftovers = [template_leftover(p["text"]) for s in written for p in s["passages"]]
    if any(leftovers):
        shown = ", ".join(dict.fromkeys(repr(x) for x in leftovers if x))
        warnings.append(f"{sum(map(bool, leftovers))} passage(s) still hold text a model policy leaves to fill in or "
                        f"delete ({shown}): edit the document, then import it again")
    untranslated = [s["heading_en"] for s in written if "heading_cy" not in s]
    if untranslated:
        warnings.append(f"{len(untranslated)} of {len(written)} headings have no Welsh (Welsh cards show them in "
                        'English): add "heading_cy" to a section to give it one')
    return written


def _under(lead: Line, block: Line) -> bool:
    """Whether a line reads only with the one that leads into it: a list item under "Staff must not:" (deeper than
    it, when both are numbered clauses: "3.3 … must:" over "3.3.1 …", not "3.4 …"), the answer under "Q: Can I …?",
    a flowchart's "YES → …" under "Is a child at risk?"."""
    if lead.leads:
        return block.kind == "text"
    if _ASKED.match(lead.text):
        return bool(_ANSWERED.match(block.text))
    if lead.text.endswith("?") and len(lead.text.split()) <= 15:
        return bool(_BRANCH.match(block.text))
    deeper = not (lead.numbered and block.numbered) or block.level > lead.level
    return (block.kind == "bullet" and deeper and lead.text.endswith(":") and len(lead.text.split()) <= 12
            and len(_sentence_spans(lead.text)) == 1)


def section_id_for(heading: str) -> str:
    """A section's id from its heading's words: "3. The purpose of this policy" -> "purpose-policy"."""
    numbered = _NUMBERING.match(heading)
    words_only = heading[numbered.end():] if numbered else heading
    folded = unicodedata.normalize("NFKD", words_only.casefold().replace("'", "").replace("’", ""))
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
    """A paragraph's quotable passages: its sentences, verbatim, each kept with any that leans on it."""
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
        while end < len(text) and text[end] in _CLOSERS and text[end] != '"':
            end += 1
        following = text[end:].lstrip()
        if not (end < len(text) and text[end].isspace() and following[:1]):
            continue
        if not (following[0].isupper() or following[0].isdigit() or following[0] in "\"“‘('"):
            continue
        before = text[start:i].split()
        word = before[-1].casefold().lstrip("(\"'“‘") if before else ""
        # "J. Smith" is an initial; "posted on X. They" ends a sentence (the platform once called Twitter).
        platform = word == "x" and len(before) > 1 and before[-2].casefold() in _BEFORE_A_PLATFORM
        if ch == "." and (word in _ABBREVIATIONS or (word in _NUMBER_ABBREVIATIONS and following[0].isdigit())
                          or (len(word) == 1 and word.isalpha() and not platform)):
            continue
        spans.append((start, end))
        start = len(text) - len(following)
    if quotes and (inside or curly):  # quotation marks that never close: read the paragraph without them
        return _sentence_spans(text, quotes=False)
    spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if text[s:e].strip()]
