"""A policy document's lines as its readers (Word, text) give them to the importer, and the shapes that tell
a heading, a detail, a list item or a form's line from the policy's text."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.policy.notes import Note

# The key of a detail the bot does not show ("Reviewed by"): known, so neither a passage nor a note.
UNUSED_DETAIL = "unused"
APPROVED_ON = "approved_on"  # read as the date of issue when the document gives none
# A label of one word, "Ratified", "Approved": the day it was approved when its value is a date ("Ratified: 14 March
# 2026"), else who approved it ("Approved: Full Governing Body"); the importer reads which by the value.
APPROVAL = "approval"
# "Applies to": the schools only when it names one or a site ("Applies to: all staff and volunteers" names none).
APPLIES_TO = "applies_to"
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
    "date of last review": "last_reviewed", "last review date": "last_reviewed", "last updated": "last_reviewed",
    "agreed by": "agreed_by", "approved by": "agreed_by", "ratified by": "agreed_by", "adopted by": "agreed_by",
    "next review date": "next_review", "next review": "next_review", "review date": "next_review",
    "date of next review": "next_review", "review due": "next_review", "to be reviewed": "next_review",
    "next review due": "next_review", "due for review": "next_review", "review by": "next_review",
    "authorisation": "authorisation", "authorization": "authorisation", "authorised by": "authorisation",
    "authorized by": "authorisation", "signed by": "authorisation",
    "schools": "schools", "applies to": APPLIES_TO, "school": "schools",
    "lead member of staff": "author", "member of staff responsible": "author", "responsible member of staff": "author",
    # The day it was approved stands for the date of issue only where no issue date is given ("Issued: 1 September",
    # then "Date approved: 27 September").
    "lead author": "author", "date approved": APPROVED_ON, "approved on": APPROVED_ON,
    "date adopted": APPROVED_ON, "date agreed": APPROVED_ON, "date of ratification": APPROVED_ON,
    "date ratified": APPROVED_ON, "ratified on": APPROVED_ON, "review": "next_review",
    "review cycle": "next_review",
    # (not "Approval": a group's name, merged down beside "Agreed by" and "Date approved")
    **dict.fromkeys(("approved", "ratified", "adopted", "agreed", "endorsed"), APPROVAL),
    # Details the bot does not show: known, so they are neither a passage nor a note about an unknown row.
    **dict.fromkeys(("reviewed by", "review frequency", "review period", "frequency of review", "policy type",
                     "type of policy", "statutory", "statutory policy", "category", "committee",
                     "responsible committee", "linked policies", "related policies", "audience", "classification",
                     "consultation", "policy title", "title of policy", "document title", "based on",
                     "model policy", "reference", "policy reference", "policy", "policy name"), UNUSED_DETAIL),
    # Welsh labels of a bilingual document ("Cytunwyd gan / Agreed by" finds either half).
    "statws": "status", "fersiwn": "version", "awdur": "author", "awduron": "author",
    "dyddiad cyhoeddi": "date_of_issue", "dyddiad cytuno": APPROVED_ON,
    "cytunwyd gan": "agreed_by", "cymeradwywyd gan": "agreed_by", "dyddiad adolygu": "next_review",
    "adolygiad nesaf": "next_review", "dyddiad yr adolygiad nesaf": "next_review",
}
MAX_HEADING_WORDS = 15
PAGE_EDGE = "the page header or footer"  # where a detail read from the page header or footer was found
MAX_HEADING_CHARS = 120

NUMBERING = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(?:[.)]\s*|\s+)(?=\S)")
NUMBERED_ITEM = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)])\s+(?=\S)")
# A list item's mark as typed or as Word's "Save as Plain Text" writes a bullet (its symbol font's letter, then a
# tab: "o", "§", "Ø", "ü"): a symbol, or a small letter or numeral ("a.", "iv)", "(b)"); a capital one ("A.", "IV.")
# only before a tab or a word in small letters, as "A. Smith" or "A. Yes, …" are no list items.
_SYMBOL_MARK = re.compile(r"^(?:[-–—•·*▪■●◦➢►➤§Øü✓✔◆❖○\uf0a7\uf0b7\uf0d8\uf0fc]\s+|o\t\s*)")
_SMALL_MARK = re.compile(r"^\(?(?:[a-z]|[ivx]{2,5})[.)]\s+")
_CAPITAL_MARK = re.compile(r"^\(?(?:[A-Z]|[IVX]{2,5})[.)](?:\t\s*|\s+(?=[a-z]))")
_LABELLED = re.compile(r"^([A-Za-z][A-Za-z ()/]{1,40}?)\s*:\s*(.*)$")
_COVER_VERSION = re.compile(r"^(?:version|fersiwn)\s+\d+(?:\.\d+)*\b[^.]{0,30}$", re.IGNORECASE)
# A version line that gives the date of issue too ("Version 2, issued 01/09/2026", "Version 1, issued 12.10.2022",
# "Version 2.1 (issued 1 September 2026)"): a version detail, whose date the importer reads as the date of issue.
VERSION_ISSUED = re.compile(r"^(?:version|fersiwn)\s+\d+(?:\.\d+)*\s*(?:[,;:–—-]|\(|(?=\s))\s*"
                            r"(?:issued|date\s+of\s+issue)\s*(?:on\s+|:\s*)?(?P<on>[^()]{4,30}?)\s*\)?\.?$",
                            re.IGNORECASE)
_COVER_APPROVAL = re.compile(
    r"^(?:approved|agreed|adopted|ratified)\s+by\s+(?:the\s+)?(.{3,80}?)"
    r"(?:\s+on\s+(?P<on>.{4,30})|\s+(?P<day>\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}|\d{1,2}[./]\d{1,2}[./]\d{2,4}))?"
    r"\.?$",
    re.IGNORECASE)
PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:(?:page|tudalen)\s+)?\d{1,3}(?:\s*(?:of|o|/)\s*\d{1,3})?(?:\s*-)?$",
                          re.IGNORECASE)
# A running footer pasted from a PDF: "Staff Social Media Policy v4 – Ysgol … – Page 1 of 3".
_RUNNING_FOOTER = re.compile(r"^.{0,100}\b(?:page|tudalen)\s+\d{1,3}\s*(?:of|o|/)\s*\d{1,3}$", re.IGNORECASE)
# "Signed: ______", "Date: ...........", "Class: ………" (Word's AutoCorrect makes "..." an ellipsis), "Date: ..../....",
# "Signature: - - - - -"
BLANK_TO_FILL = re.compile(r"_{3,}|\.{5,}|…{2,}|(?:[.…]\s?){4,}|(?:-\s){4,}|\(\s*\)")  # (and "Phone: (      )")
_FORM_FIELD = re.compile(r"^(?:[☐☑☒□■]|(?:signed|signature|date|name|position|role|llofnod|dyddiad|enw)\s*:?\s*$)|"
                         # a choice to make: "Approved by headteacher: Yes / No", "Year group (please circle): R 1 2"
                         r".*:\s*(?:yes|y|ydw|ie)\s*/\s*(?:no|n|nac ydw|na)\.?$|.*\(please (?:circle|tick|ring)\b",
                         re.IGNORECASE)
_TICK_BOX = re.compile(r"[☐☑☒□]")  # "School: ☐ St Ebba's ☐ Holy Cross"
ASKED = re.compile(r"^(?:q|question|c|cwestiwn)\s*[:.]\s*\S.*\?$", re.IGNORECASE)  # "Q: Can I ...?"
# A revised document's marks beside what changed ("NEW: Staff must …", "… (updated)", "(updated – previously …)").
REVISION_MARK = re.compile(r"^(?:NEW|UPDATED|AMENDED|CHANGED)\s*[:–-]\s*|\s*\((?:new|updated|amended|changed|"
                            r"revised)(?:\s*[–:-][^)]*)?\)\s*$", re.IGNORECASE)
# A template's logo placeholder typed without square brackets ("SCHOOL LOGO", "Insert school logo here", "<School
# logo>", "(insert logo)", "Logo'r ysgol"): before, it was the organisation cards named, or a passage.
_LOGO_PLACEHOLDER = re.compile(
    r"^[<(]?\s*(?:(?:insert|place|add|paste|rhowch|mewnosodwch)\s+)?(?:the\s+|your\s+|eich\s+)?"
    r"(?:(?:school|trust|academy|federation|council)(?:['’]s)?\s+)?(?:logo|crest|badge)(?:['’]r\s+ysgol|\s+yr\s+ysgol)?"
    r"(?:\s+(?:here|yma))?\s*[>)]?$", re.IGNORECASE)
_WEB_PAGE_LINES = frozenset({"skip to main content", "skip to content", "back to top", "print this page"})
# A web page's furniture pasted with its text: cookie banners, share and download links, "Back to top ↑", the
# copyright line, a menu bar ("Home  About us  Parents  Contact"), and Word's empty content-control prompts.
_WEB_FURNITURE = re.compile(
    r"^(?:(?:we|this (?:site|website)) uses? cookies\b.*|accept (?:all )?cookies\b.*|"
    r"(?:reject|manage) [\w -]*cookies\b.*|cookie (?:settings|preferences)\b.*|back to top\W*|"
    r"share this (?:page|post)\b[^.]*|download this (?:policy|page|document)\b[^.]*|"
    r"(?:©|\(c\)|copyright\s+©?)\s*\d{4}\b.*|all rights reserved\.?|"
    r"(?:.*\|\s*)?website (?:design(?:ed)? )?by [^.]{1,40}|"
    r"home\b(?=.*\b(?:contact|cysylltu)\b)[\w ]{0,100}|click or tap (?:here )?to enter (?:a date|text)\.?)$",
    re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
_CONTACT = re.compile(r"\d{5}|\d{3,5}\s\d{3}\s?\d{3,4}|@\w")  # a phone number or an email address: no heading
CLOSERS = "\"'”’)]"
# Marks no reader sees (a soft hyphen, a zero-width space, direction marks, a stray byte-order mark) and a PDF's
# ligatures ("ofﬁce"), which text pasted from a web page or a PDF brings into a text file or a Word document.
PASTED_MARKS = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
                              "\u00ad": "", "\u200b": "", "\u200e": "", "\u200f": "", "\ufeff": ""})
# Words a heading does not end with, though the first line of a paragraph broken by hand may.
_UNFINISHED = frozenset({"a", "an", "the", "of", "to", "and", "or", "for", "with", "in", "on", "at", "by", "from",
                         "their", "your", "our", "its", "is", "are", "be", "that", "which", "who", "as", "if"})


class PolicyImportError(ValueError):
    """A document that cannot be imported; the message is one line saying why, in English; `note`, where given, says
    it from the string tables, in English or Welsh, for the policy owner to read."""

    def __init__(self, message: str, note: Note | None = None) -> None:
        super().__init__(message)
        self.note = note


@dataclass(frozen=True)
class Line:
    """One paragraph, line or table row of the document, as the reader classified it."""

    # "title", "subtitle", "heading", "text", "bullet", "detail", "record" (a history table, left out) or "note"
    # (something the reader noticed, for the importer's notes)
    kind: str
    text: str
    where: str
    level: int = 1
    key: str = ""  # a detail's key; empty for a details row the importer does not know (`text` is the whole row)
    styled: bool = False  # a heading from a Word heading style, not guessed from its shape
    emphasised: bool = False  # Word text that is bold or underlined throughout, as headings typed by hand are
    numbered: bool = False  # numbered in its text ("3. Personal use", "3.3.1 Staff must"); a heading so is no name
    leads: bool = False  # a table's situation, quoted with the line after it (what to do)
    welsh: str = ""  # the same paragraph in the document's Welsh, where a bilingual document gives it
    number: str = ""  # its clause number, typed or Word's ("4.2", "2.3.1"), by which staff and the policy refer to it
    label: str = ""  # a details row's label that DETAIL_LABELS does not know ("Issued on"); `text` starts with it
    mark: str = ""  # the mark a list item was typed with, without brackets or stop ("b", "ii", "•")
    on: str = ""  # the day a cover's approval line gives ("Approved by the Governing Body on 21 November 2024")
    note: Note | None = None  # a "note" line's: what the reader noticed, said in the policy owner's language


def clause_number(mark: str) -> str:
    """A clause's number as staff cite it ("4.2" for "4.2.", "2.3.1)"); "" for a list's "1." (no clause of its own
    by that number: lists number from 1 again)."""
    number = mark.strip().rstrip(".)")
    return number if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})+", number) else ""


def heading_number(text: str, words: str) -> str:
    """The clause number of a heading typed with one ("2.1" for "2.1 Photographs", whose words are "Photographs");
    "" for a heading with none or with a section's "2."."""
    return clause_number(text[: len(text) - len(words)]) if words != text and text.endswith(words) else ""


def clause_depth(number: str) -> int:
    """A numbered clause's depth: "3." and "3)" are 1, "3.3" is 2, "3.3.1" is 3."""
    return number.strip().rstrip(".)").count(".") + 1


def is_to_fill(text: str) -> bool:
    """A form's line to fill in ("______", "Signed:", "☐ I agree")."""
    return bool(BLANK_TO_FILL.search(text) or _FORM_FIELD.match(text) or _TICK_BOX.search(text))


def typed_item(raw: str, *, after: str = "") -> str | None:
    """A list item's text without the mark it was typed with ("a.<TAB>accept …", "o<TAB>accept …" are "accept …");
    None for a line with no such mark. A capital mark is no item's where the rest reads as a heading ("IV.<TAB>
    Monitoring") or answers the question `after` which it comes ("A.<TAB>No, …")."""
    start = raw.strip()
    found = _SYMBOL_MARK.match(start) or _SMALL_MARK.match(start)
    if found is None and (capital := _CAPITAL_MARK.match(start)) is not None:
        answers = capital.group().lstrip("(")[0] == "A" and after.rstrip(CLOSERS).endswith("?")
        if heading_like(collapse_spaces(start[capital.end():])) is None and not answers:
            found = capital
    if found is None:
        return None
    return collapse_spaces(start[found.end():]) or None


def typed_mark(raw: str, *, after: str = "") -> str:
    """The mark of a list item typed by hand, without brackets or stop ("(b)<TAB>…" is "b", "ii.<TAB>…" "ii"); "" for
    a line that is no such item (see `typed_item`)."""
    if typed_item(raw, after=after) is None:
        return ""
    start = raw.strip()
    found = _SYMBOL_MARK.match(start) or _SMALL_MARK.match(start) or _CAPITAL_MARK.match(start)
    return found.group().strip().strip("().") if found else ""


def nest_typed_items(lines: list[Line]) -> list[Line]:
    """Items typed by hand nested as they are marked: an item under one that ends with a colon and marked another way
    ("(b) … including:" over "(i) the camera roll;") one level deeper, an item marked as one before at that one's
    level ("(c)" after "(ii)"). A list under a numbered clause ("2.1 … must:") is deeper than the clause."""
    nested: list[Line] = []
    kinds: list[str] = []  # the mark kinds of the list being read, outermost first
    base = 0
    letter = ""  # the last letter marked: "i" after "h" is a letter, not a numeral
    for line in lines:
        above = nested[-1] if nested else None
        if not line.mark:
            kinds = [] if line.kind != "note" else kinds
            nested.append(line)
            continue
        kind = _mark_kind(line.mark, letter)
        if not kinds or above is None or not above.mark:
            base = above.level if above is not None and above.kind == "bullet" else 0
            kinds = [kind]
        elif kind in kinds:
            del kinds[kinds.index(kind) + 1:]
        elif above.text.endswith(":"):
            kinds.append(kind)
        else:
            kinds[-1] = kind
        letter = line.mark.casefold() if kind in ("a", "A") else letter
        nested.append(replace(line, level=base + len(kinds)))
    return nested


def _mark_kind(mark: str, letter: str) -> str:
    """A typed mark's kind: "a" (letters), "A", "i" (numerals), "I", or the symbol itself."""
    if re.fullmatch(r"[ivx]+", mark, re.IGNORECASE) and not (
            len(mark) == 1 and letter and ord(mark.casefold()) == ord(letter) + 1):
        return "i" if mark.islower() else "I"
    if mark.isalpha():
        return "a" if mark.islower() else "A"
    return mark


def labels_a_form(line: Line) -> bool:
    """Whether the line just above a blank to fill in (or a form's table) is that form's label, not policy text."""
    if line.styled or line.kind not in ("text", "bullet"):
        return False
    if (labelled := _LABELLED.match(line.text)) and labelled.group(2).strip():
        return False  # "Review date: March 2027" over "Signed: ____": a labelled line with its value is no label
    return line.text.endswith(":") or (not ends_sentence(line.text) and len(line.text.split()) <= MAX_HEADING_WORDS)


# Shared


def heading_like(text: str, *, whole: bool = False) -> tuple[int, str] | None:
    """(level, words) when a line reads as a heading: short, not a sentence (no final full stop, comma,
    colon or semicolon), starting with a capital, maybe numbered ("3. Personal use" is level 1, "3.1 Photos"
    level 2). A `whole` paragraph (a bold one in Word) may end as a broken line would ("Who this policy is for")."""
    level = 1
    numbered = NUMBERING.match(text)
    if numbered:
        level = numbered.group(1).count(".") + 1
        text = text[numbered.end():]
    core = text.rstrip(CLOSERS)
    if not core or core[-1] in ".,;:!" or not (text[0].isupper() or text[0].isdigit()) or ASKED.match(text):
        return None
    if core.split()[-1].casefold() in _UNFINISHED and not core.isupper() and not whole:  # a line broken by hand
        return None
    if len(text.split()) > MAX_HEADING_WORDS or len(text) > MAX_HEADING_CHARS or not any(c.isalpha() for c in text):
        return None
    if _CONTACT.search(text):  # "Headteacher – Mr G. Llewellyn – 01656 555 210": a contact, not a heading
        return None
    return level, text


# A rule, not a heading: an instruction ("Never accept …", "Do not share …") or a sentence with a modal verb
# ("Staff must never …"); not a heading that asks or names ("What staff must do", "Do's and don'ts").
_INSTRUCTION = re.compile(r"^(?:never|always|do\s+not|don['’]t|avoid|ensure|make\s+sure|please)\s", re.IGNORECASE)
_MODAL = re.compile(r"\b(?:must|should|shall|may\s+not|cannot|can\s*not|will\s+not)\b(?:\s+\S+){2,}",
                    re.IGNORECASE)
_ASKS = re.compile(r"^(?:what|when|where|why|how|who|which|if)\b", re.IGNORECASE)


def reads_as_rule(text: str) -> bool:
    """Whether a line shaped or styled as a heading reads as one of the policy's rules (a whole sentence, an
    instruction or a "must"), so is the text under the heading before it."""
    numbered = NUMBERING.match(text)
    text = text[numbered.end():] if numbered else text
    if len(text.split()) < 4 or _ASKS.match(text):
        return False
    sentence = text.rstrip(CLOSERS)[-1:] in ".!" and len(text.split()) >= 6
    return sentence or bool(_INSTRUCTION.match(text) or _MODAL.search(text))


# Numbering a heading carries besides "3." or "3.1": "Section 5:", "Part B –", "Step 2:", "Appendix 1:" (an appendix
# keeps its word), and "IV.", "C.", "(3)", "3a)".
_NAMED_NUMBER = re.compile(r"^(section|part|chapter|step|adran|rhan|(?P<appendix>appendix|annex|atodiad))\s+"
                           r"(?:\d{1,3}(?:\.\d{1,3})*[a-z]?|[a-z]|[ivx]{1,6})(?![\w'’-])\s*[:.)–—-]?\s*", re.IGNORECASE)
_MARKED_NUMBER = re.compile(r"^\(?(?:\d{1,3}[a-z]?|[a-z]|[ivx]{1,6})[.)]\s+", re.IGNORECASE)


def unnumbered(heading: str) -> str:
    """A heading's words without its numbering ("Section 5: School accounts" -> "School accounts", "C. Definitions"
    -> "Definitions", "Appendix 1: Consent form" -> "appendix Consent form"), so a section renumbered between
    versions keeps its id and is not renamed."""
    numbered = NUMBERING.match(heading)
    words_only = heading[numbered.end():] if numbered else heading
    marked = _NAMED_NUMBER.match(words_only) or _MARKED_NUMBER.match(words_only)
    if marked and any(ch.isalpha() for ch in words_only[marked.end():]):
        kind = marked.groupdict().get("appendix")
        words_only = f"{kind} {words_only[marked.end():]}" if kind else words_only[marked.end():]
    return words_only


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def label_key(text: str) -> str:
    return " ".join(text.casefold().replace("(s)", "s").rstrip(": ").split())


def detail_key(label: str) -> str | None:
    """The detail a row's label names: the whole label, or the last half of it that is known ("Cytunwyd gan / Agreed
    by", "Status / Version")."""
    whole = label_key(label)
    if whole in DETAIL_LABELS:
        return DETAIL_LABELS[whole]
    parts = [DETAIL_LABELS.get(part.strip()) for part in re.split(r"[/|]", whole)]
    return next((key for key in reversed(parts) if key), None)


# A details table's label in words of its own ("Issued on", "Signed off by", "Academies covered", "Model version"):
# the detail its words name, the first rule that matches. Read only for rows of the table of details above the
# first section, where every row is a detail, or of a table of details after it (most of its rows details): in the
# text, "Who this policy covers" is a heading.
_REVISED = frozenset({"review", "reviewed", "updated", "amended", "revised"})
_LABEL_WORDS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"last", "previous", "previously"}) | _REVISED - {"review"}, "last_reviewed"),
    (frozenset({"review", "reviews", "renewal", "adolygu", "adolygiad"}), "next_review"),
    (frozenset({"version", "fersiwn"}), "version"),
    (frozenset({"signed", "signature", "sign", "authorised", "authorized", "authorisation", "authorization",
                "llofnodwyd", "awdurdodwyd"}), "authorisation"),
    (frozenset({"agreed", "approved", "ratified", "adopted", "endorsed", "approval", "ratification", "adoption",
                "cytunwyd", "cymeradwywyd", "mabwysiadwyd"}), "agreed_by"),
    (frozenset({"issued", "issue", "published", "publication", "effective", "effect", "force", "commenced",
                "implemented", "implementation", "operative", "cyhoeddwyd", "cyhoeddi", "grym"}), "date_of_issue"),
    (frozenset({"written", "author", "authors", "authored", "prepared", "drafted", "compiled", "produced", "owner",
                "owned", "lead", "responsible", "awdur", "awduron", "ysgrifennwyd"}), "author"),
    (frozenset({"schools", "school", "academies", "academy", "sites", "site", "campuses", "campus", "settings",
                "setting", "ysgolion", "ysgol", "safleoedd", "safle", "campysau", "campws"}), "schools"),
    (frozenset({"covered", "covers", "coverage", "applies", "scope"}), APPLIES_TO),  # "Who it covers", "Scope"
    (frozenset({"status", "statws"}), "status"),
)
# A date's words: "Date signed" or "Approved on" is the day it was approved, not who approved it.
_WHEN = frozenset({"date", "on", "when", "dyddiad"})


def detail_key_by_words(label: str) -> str | None:
    """The detail a details table's row names in words of its own; None when its words name none."""
    said = frozenset(re.findall(r"[a-z]+", label_key(label).replace("on behalf of", "for")))
    if "reviewed" in said and "by" in said or (
            said & {"review", "reviews", "reviewed", "reviewing", "adolygu"}
            and said & {"by", "committee", "responsible", "who", "gan", "pwyllgor"}
            and not said & (_WHEN | {"next", "due", "nesaf"})):
        # who reviews it ("Committee responsible for reviewing this policy") is no detail the bot shows (before,
        # "responsible" made that committee the author)
        return UNUSED_DETAIL
    if said & _REVISED and not said & {"last", "previous", "previously"} and (
            said & {"next", "due", "will", "nesaf"} or {"to", "be"} <= said):
        return "next_review"  # "Date this policy will next be reviewed", "Due to be reviewed": not the last review
    for cues, key in _LABEL_WORDS:
        if said & cues:
            if key in ("agreed_by", "authorisation") and said & _WHEN:
                return APPROVED_ON
            if key == "last_reviewed" and not said & _REVISED:
                return UNUSED_DETAIL  # "Previous version", "Last version": not this one's
            return key
    return None


def labelled_by_words(line: Line) -> Line:
    """A "Label: value" line whose label names a detail in the school's own words ("Policy owner (SLT): Mr R. Lloyd",
    "Date ratified by the FGB: 5 February 2026"), as a details row so labelled, which the importer reads by its
    words where the value has the detail's shape; any other line as it is (a sentence too: "Scope: This policy
    applies to all staff.")."""
    labelled = _LABELLED.match(line.text) if line.kind in ("text", "heading", "subtitle") and not line.styled else None
    if (labelled and labelled.group(2).strip() and len(labelled.group(1).split()) <= 12
            and not ends_sentence(line.text)
            # not a school's name ("Brookfield Academy: a mixed 11–18 academy …"), nor who leads on safeguarding
            and detail_key_by_words(labelled.group(1)) not in (None, "schools", APPLIES_TO)
            and not {"safeguarding", "dsl", "diogelu"} & set(re.findall(r"[a-z]+", labelled.group(1).casefold()))):
        return Line("detail", line.text, line.where, label=labelled.group(1).strip())
    return line


def entry_text(names: list[str], cells: list[str]) -> str:
    """A table row read as one entry, each filled cell under its column's name when there is one ("Account: X
    @LlaniHigh; School: Ysgol Uwchradd Llanidloes; Managed by: Marketing Officer")."""
    named = names if len(names) == len(cells) else [""] * len(cells)
    return "; ".join(f"{name}: {cell}" if name else cell for name, cell in zip(named, cells, strict=True) if cell)


def is_clutter(text: str) -> bool:
    """A line that is no policy text: a placeholder ("[SCHOOL LOGO]"), a form line to fill in ("Signed: ____",
    "☐ I agree", "Date"), or a page number ("Page 3 of 9", or a running footer ending with one)."""
    return (bool(re.fullmatch(r"\[[^\]]*\]", text)) or bool(_LOGO_PLACEHOLDER.match(text)) or is_to_fill(text)
            or bool(PAGE_NUMBER.match(text))
            or bool(_RUNNING_FOOTER.match(text))
            # a web page's "Home > Parents > …", a wiki's "Related pages: A · B · C" or "Edit this page · History";
            # not a sentence with a menu path in it ("Go to Settings > Privacy > Audience and set it to Friends.")
            or (any(text.count(f" {mark} ") >= 2 for mark in ">›»·") and text.rstrip(CLOSERS)[-1:] not in ".!?")
            or text.casefold() in _WEB_PAGE_LINES or bool(_WEB_FURNITURE.match(text))
            # a school's address, telephone and email
            or bool(_POSTCODE.search(text) and (_CONTACT.search(text) or _POSTCODE.search(text[-9:])))
            or not any(c.isalnum() for c in text))  # a flowchart's "↓"


def ends_sentence(text: str) -> bool:
    core = text.rstrip(CLOSERS)
    return bool(core) and core[-1] in ".!?:"


def as_detail(line: Line) -> Line:
    """A "Label: value" line whose label is a known detail, as that detail; on a cover, "Version 2.1" and "Approved
    by the Governing Body on ..." too."""
    if line.kind in ("text", "heading", "subtitle"):
        if _COVER_VERSION.match(line.text) or VERSION_ISSUED.match(line.text):
            return Line("detail", line.text, line.where, key="version")
        if approved := _COVER_APPROVAL.match(line.text):
            return Line("detail", approved.group(1).strip(), line.where, key="agreed_by",
                        on=approved["on"] or approved["day"] or "")
    labelled = _LABELLED.match(line.text) if line.kind in ("text", "heading", "subtitle") else None
    key = detail_key(labelled.group(1)) if labelled else None
    return Line("detail", labelled.group(2).strip(), line.where, key=key) if labelled and key else line
