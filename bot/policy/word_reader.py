"""Reads a Word document (.docx) into lines: its Title, heading styles, lists, tables, text boxes, page header and
footer, tracked changes read as accepted; a document with no heading styles has its headings found by their shape."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocumentObject
from docx.enum.text import WD_UNDERLINE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from bot.policy.details import parse_date, review_deadline
from bot.policy.document_lines import (
    APPROVED_ON,
    BLANK_TO_FILL,
    DETAIL_LABELS,
    NUMBERED_ITEM,
    NUMBERING,
    PAGE_EDGE,
    PASTED_MARKS,
    REVISION_MARK,
    Line,
    PolicyImportError,
    as_detail,
    clause_depth,
    clause_number,
    collapse_spaces,
    detail_key,
    detail_key_by_words,
    ends_sentence,
    entry_text,
    heading_like,
    heading_number,
    is_clutter,
    is_to_fill,
    label_key,
    labels_a_form,
    nest_typed_items,
    reads_as_rule,
    typed_item,
    typed_mark,
)
from bot.policy.notes import Note
from bot.policy.text import words
from bot.policy.welsh import detect_language
from bot.policy.word_numbers import ClauseNumbers, style_of

# Words a version history or sign-off table has in its header row, beside detail labels ("Version | Date | Author |
# Summary of changes"): such a table records the document's past, not its rules or its current details.
RECORD_HEADERS = frozenset({"date", "changes", "summary of changes", "summary", "description", "amendments",
                            "reason", "reason for change", "details of change", "change", "page", "section",
                            "signature", "name", "role", "reviewed by", "by", "who", "notes", "comments",
                            "changed by", "updated by", "amended by", "approved", "approval", "reviewer", "action",
                            "details", "change made", "changes made", "description of change", "nature of change",
                            "summary of change", "reason for review", "newidiadau", "dyddiad", "gan"})
# Word's XML: text, tab, breaks; what is not the paragraph's current text (deleted or moved-away text under
# tracked changes, a text box's own paragraphs, the old-style copy of a text box).
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_HYPHEN, _RUN, _HIDDEN = qn("w:noBreakHyphen"), qn("w:r"), qn("w:vanish")  # "e‑safety"; text hidden in Word
_TEXT_BOX = qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_NOT_THE_TEXT = frozenset({qn("w:del"), qn("w:moveFrom"), _TEXT_BOX, _FALLBACK})
_TRACKED = (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"))
_SITUATION_HEADERS = frozenset({"scenario", "situation", "if", "when", "what happens", "if this happens", "question",
                                "sefyllfa", "os"})
_ACTION_HEADERS = frozenset({"what to do", "action", "response", "what you should do", "what staff should do",
                             "answer", "beth i'w wneud", "ateb"})


# Word


def read_docx(source: Path) -> list[Line]:
    """Lines of a Word document: its Title, heading styles (Heading 1, 2, ...; or outline levels), lists and
    tables. A document with no heading styles has its headings found by their shape, as in a text file."""
    try:
        document = docx.Document(str(source))
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, SyntaxError):
        # SyntaxError covers lxml's XMLSyntaxError, for a damaged part inside the file; zlib.error and EOFError a
        # damaged or cut-off compressed part.
        raise PolicyImportError(f"{source.name}: not a Word document that can be read (damaged, or another kind of "
                                "file named .docx): open it in Word and save it as a Word Document (.docx)",
                                Note("import.error.damaged", {"file": source.name})) from None
    lines: list[Line] = []
    if any(True for _ in document.element.body.iter(*_TRACKED)):
        lines.append(Line("note", "", "the document", note=Note("import.note.tracked_changes")))
        _join_at_deleted_marks(document.element.body)
    just_above = False  # the last line came from the block just before this one
    notes = _notes(document)
    noted = 0
    numbers = ClauseNumbers(document)
    indent = items_indent = 0  # the last paragraph's indent, and that of the items of a list typed with no marks
    for number, block in enumerate(_blocks(document, document.element.body), start=1):
        where = f"paragraph {number}"
        before = len(lines)
        if isinstance(block, Paragraph) and len(details := _details_on_lines(block, where)) >= 2:
            lines += details  # "Version: 1.4⏎Written by: …⏎Next review: …" in one paragraph (a pasted web page)
            just_above = True
            continue
        if isinstance(block, Paragraph):
            above = lines[-1] if just_above and lines else None
            line = _paragraph_line(block, where, after=above.text if above else "")
            before_indent, indent = indent, _indent(block)
            if line is not None and line.kind == "text" and above is not None and (
                    (above.kind == "text" and above.text.endswith(":") and indent > before_indent)
                    or (above.kind == "bullet" and items_indent and indent == items_indent)):
                # "Staff must not:" over items indented with no marks
                line, items_indent = replace(line, kind="bullet"), indent
            elif indent < items_indent or (line is not None and line.kind != "bullet"):
                items_indent = 0
            if line is not None and (clause := clause_number(numbers.number(block))) and not line.number:
                line = replace(line, number=clause)  # "5.2", numbered by Word
            if line is None and is_to_fill(collapse_spaces(block.text)):
                if just_above and labels_a_form(lines[-1]):
                    lines.pop()  # "Purpose of the account:" over a line to fill in
                line = Line("record", "", where)  # a form's: its section may hold nothing else
            if line is not None:
                lines += _list_on_lines(block, line) or [line]
            lines += [Line("text", text, f"{where} (text box)") for text in _text_boxes(block)]
        else:
            rows = list(_table_lines(block, f"table at {where}"))
            if rows and rows[0].kind == "record" and just_above and labels_a_form(lines[-1]):
                lines.pop()  # "For the headteacher" over the form's table
            lines.extend(rows)
        # A footnote (or endnote) may hold a rule ("Supply staff are covered from their first day"): it is quoted
        # as a passage of its own under the paragraph or table that points to it.
        element = block._p if isinstance(block, Paragraph) else block._tbl
        found = [text for kind in ("footnote", "endnote") for mark in element.iter(qn(f"w:{kind}Reference"))
                 if (text := notes.get((kind, mark.get(qn("w:id")) or "")))]
        lines += [Line("text", text, f"{where} (footnote)") for text in found]
        noted += len(found)
        just_above = len(lines) > before
    lines = nest_typed_items(lines)
    nested = sum(1 for table in document.element.body.iter(qn("w:tbl")) if table.getparent().tag == qn("w:tc"))
    if nested:
        lines.append(Line("note", "", "the document", note=Note("import.note.nested_tables", {"count": nested})))
    if noted:
        lines.append(Line("note", "", "the document", note=Note("import.note.footnotes", {"count": noted})))
    if not any(line.styled and line.kind == "heading" for line in lines):
        # No heading styles: headings are found by their shape, and where the body sets some such lines apart (bold
        # or underlined), only those. The body starts at the first sentence: a bold title or school name above it
        # says nothing of how the sections' headings are set apart (underlined, in capitals, in a bigger font).
        start = next((n for n, line in enumerate(lines) if line.kind in ("text", "bullet")
                      and heading_like(line.text) is None), len(lines))
        set_apart = any(line.emphasised and heading_like(line.text) for line in lines[start:] if line.kind == "text")
        guessed = [_guess_heading(line) if line.emphasised or not set_apart else line for line in lines]
        body = next((n for n, line in enumerate(guessed) if line.kind in ("text", "bullet")), len(guessed))
        if not any(line.kind == "heading" for line in guessed[body:]):
            # Headings typed as bold items of a numbered list ("1. Purpose" in Word's List Number style); bold lines
            # above the first text (the school's name, the title) are not the sections'.
            guessed = [_guess_heading(replace(line, kind="text")) if line.kind == "bullet" and line.emphasised
                       and heading_like(line.text) else line for line in lines]
        if not any(line.kind == "heading" for line in guessed):
            guessed = _colon_headings(lines)
        lines = guessed
    else:
        # Beside heading styles, a heading typed as a bold line of its own ("8. Safeguarding", "Privacy") over text,
        # or as a numbered line over numbered clauses ("3.1 Pupils" over "3.1.1 Employees must not …"). A bold
        # question is a FAQ's, quoted with its answer, not a heading.
        lines = [_guess_heading(line) if n + 1 < len(lines) and (
            (line.emphasised and not line.text.endswith("?") and lines[n + 1].kind in ("text", "bullet")
             and not reads_as_rule(line.text))  # "Never accept a friend request from a pupil", set in bold
            or (lines[n + 1].kind == "bullet" and lines[n + 1].numbered and _numbered_heading(line.text)))
            else line for n, line in enumerate(lines)]
        # A rule set in a heading style ("Staff must never accept …" in Heading 3) is text under the heading before.
        headed = [n for n, line in enumerate(lines) if line.kind == "heading"]
        lines = [replace(line, kind="text", styled=False, level=1) if line.kind == "heading" and line.styled
                 and n > headed[0] and reads_as_rule(line.text) else line for n, line in enumerate(lines)]
    return [*lines, *_page_details(document)]


def _join_at_deleted_marks(body: Any) -> None:
    """Each paragraph whose mark was deleted (or moved away) under tracked changes joined to the paragraph after it,
    as Word's "Accept All" joins them: a rule split over the two would otherwise be quoted in halves."""
    for paragraph in list(body.iter(qn("w:p"))):
        properties = paragraph.find(qn("w:pPr"))
        mark = properties.find(qn("w:rPr")) if properties is not None else None
        after = paragraph.getnext()
        if (mark is None or after is None or after.tag != qn("w:p") or properties.find(qn("w:sectPr")) is not None
                or (mark.find(qn("w:del")) is None and mark.find(qn("w:moveFrom")) is None)):
            continue
        start = 1 if after.find(qn("w:pPr")) is not None else 0
        for child in reversed([child for child in paragraph if child is not properties]):
            after.insert(start, child)
        paragraph.getparent().remove(paragraph)


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
    review February 2027 | Policy owner: Ms D. Probert"), the first page's own too (a cover's footer), as detail
    lines the body's own details overrule; its other pieces as text lines (a school's name)."""
    found: dict[str, Line] = {}
    texts: dict[str, Line] = {}  # the rest ("Ysgol Bro Hafren", "Page 1"): a school's name, read where nothing else is
    for section in document.sections:
        first_page = (section.first_page_header, section.first_page_footer) if (
            section.different_first_page_header_footer) else ()
        for part in (section.header, section.footer, *first_page):
            # its paragraphs, and those of a table's cells ("[Logo] | School – Policy | Version 3.1"), a template's
            # header often being such a table (before, only a table of labels beside values was read)
            in_cells = [paragraph for table in part.tables for row in table.rows
                        for before, cell in zip([None, *_distinct_cells(row)], _distinct_cells(row), strict=False)
                        # not a label and its value ("Review date | Spring Term 2027"): read as such below
                        if not detail_key(_cell_text(cell)) and not (before and detail_key(_cell_text(before)))
                        for paragraph in cell.paragraphs]
            for paragraph in [*part.paragraphs, *in_cells]:
                for piece in (piece for line in paragraph.text.split("\n")  # lines broken with Shift+Enter
                              for piece in re.split(r"\s+[|–—•·]\s+|\t+", collapse_spaces(line))):
                    line = as_detail(Line("text", piece.strip(" ."), PAGE_EDGE))
                    if not line.key:
                        line = _labelled_without_colon(piece.strip(" ."))
                    if not line.key and (named := _NAMED_VERSION.search(piece.strip(" ."))):
                        # "Staff Social Media Policy v2.0": the policy's name with its version (before, none)
                        line = Line("detail", named["number"], PAGE_EDGE, key="version")
                    if line.key and line.key not in found:
                        found[line.key] = line
                    elif line.kind == "text" and line.text:
                        texts.setdefault(line.text, line)
            for row in (row for table in part.tables for row in table.rows):  # "Version | 3 | Review date | …"
                cells = [_cell_text(cell) for cell in row.cells]
                for label, value in zip(cells, cells[1:], strict=False):
                    key = detail_key(label)
                    if key and value and not detail_key(value) and key not in found:
                        found[key] = Line("detail", value, PAGE_EDGE, key=key)
    return [*found.values(), *texts.values()]


# A footer's policy name ending in its version: "… Policy v2.0", "… Policy (v2.0)", "… Policy Version 2.0".
_NAMED_VERSION = re.compile(r"\b(?:policy|polisi)\s+\(?(?:v|ver\.?\s?|version\s|fersiwn\s)(?P<number>\d+(?:\.\d+)*)\)?"
                            r"(?:\s+(?:page|tudalen)\s+\d+(?:\s+(?:of|o)\s+\d+)?)?$", re.IGNORECASE)


def _labelled_without_colon(text: str) -> Line:
    """"Next review February 2027": a detail's label, then its value, with no colon between (page footers)."""
    folded = text.casefold()
    for label in sorted(DETAIL_LABELS, key=len, reverse=True):
        if folded.startswith(label + " ") and len(label) > 5:
            return Line("detail", text[len(label):].strip(), PAGE_EDGE, key=DETAIL_LABELS[label])
    return Line("text", text, PAGE_EDGE)


def _cell_text(cell: _Cell) -> str:
    """A table cell's text, its tracked changes accepted and its text boxes read as in the body; a cell of two
    paragraphs, one English and one Welsh ("Spring Term 2026" over "Tymor y Gwanwyn 2026"), as "English / Welsh"."""
    texts = [text for paragraph in _paragraphs(cell)
             for part in [*_accepted_text(paragraph._p).split("\n"), *_text_boxes(paragraph)]
             if (text := collapse_spaces(part))]  # a line break ends a line as a paragraph does; then its text boxes
    if len(texts) == 2 and _TITLED_NAME.match(texts[0]) and len(texts[1].split()) <= 6 and not ends_sentence(
            texts[1]) and not texts[0].endswith(","):
        return f"{texts[0]}, {texts[1]}"  # a name over a role: "Mr R. Lloyd, Assistant Headteacher" (before, no comma)
    return _in_two_languages(texts) or collapse_spaces(" ".join(texts))


# A person's name with a title, as a details cell gives it over the person's role.
_TITLED_NAME = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr|Rev|Revd|Canon)\.?\s+\S[^,.:;!?]*(?:\.\s*\S[^,:;!?]*)*$")


def _in_two_languages(texts: list[str]) -> str:
    """Two lines, one English and one Welsh ("Spring Term 2026" over "Tymor y Gwanwyn 2026", a school's English
    name over its Welsh one), as "English / Welsh"; "" for anything else."""
    if len(texts) != 2:
        return ""
    named = [text.startswith("Ysgol ") for text in texts]  # a school's Welsh name, whatever its place names
    welsh = named if any(named) else [detect_language(words(text)) == "cy" for text in texts]
    return " / ".join(texts) if welsh[0] != welsh[1] else ""


def _accepted_text(element: Any) -> str:
    """A paragraph's text with its tracked changes accepted (insertions in, deletions out), without the text of any
    text box anchored in it (see `_text_boxes`), or marks no reader sees."""
    parts: list[str] = []
    for node in element.iter(_T, _TAB, _BR, _CR, _HYPHEN):
        ancestor = node.getparent()
        while ancestor is not None and ancestor is not element and ancestor.tag not in _NOT_THE_TEXT:
            if ancestor.tag == _RUN and _hidden(ancestor):
                break  # an author's note hidden in Word is no text of the policy
            ancestor = ancestor.getparent()
        if ancestor is not element:
            continue
        text = {_T: node.text or "", _TAB: "\t", _HYPHEN: "-"}.get(node.tag, "\n")
        parts.append(text)
    return "".join(parts).translate(PASTED_MARKS)  # text pasted in from a web page or a PDF


def _hidden(run: Any) -> bool:
    """Whether a run's text is hidden (Word's Hidden font effect)."""
    hidden = run.find(f"{qn('w:rPr')}/{_HIDDEN}")
    return hidden is not None and hidden.get(qn("w:val"), "true") not in ("0", "false", "off")


def _blocks(document: DocumentObject, parent: Any) -> Iterator[Paragraph | Table]:
    """The body's paragraphs and tables in order, with those inside content controls (a template's "Policy
    details" box, a cover page), which python-docx leaves out; a table of contents control is left out."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document._body)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document._body)
        elif child.tag == qn("w:sdt"):
            gallery = child.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
            content = child.find(qn("w:sdtContent"))
            contents = gallery is not None and "contents" in (gallery.get(qn("w:val")) or "").casefold()
            if content is not None and not contents:
                yield from _blocks(document, content)


def _paragraphs(cell: _Cell) -> list[Paragraph]:
    """A table cell's paragraphs, with those inside content controls (a form template's boxes)."""
    found: list[Paragraph] = []
    for element in cell._tc.iter(qn("w:p")):
        owner = element.getparent()
        while owner is not None and owner.tag == qn("w:sdtContent"):
            owner = owner.getparent().getparent()  # out of the control: w:sdtContent's parent is w:sdt
        if owner is cell._tc:  # not a paragraph of a table nested in the cell
            found.append(Paragraph(element, cell))
    return found


def _notes(document: DocumentObject) -> dict[tuple[str, str], str]:
    """The text of each footnote and endnote, by ("footnote" or "endnote", its id); Word's separators left out."""
    found: dict[tuple[str, str], str] = {}
    for relation in document.part.rels.values():
        kind = relation.reltype.rsplit("/", 1)[-1].rstrip("s")
        if relation.is_external or kind not in ("footnote", "endnote"):
            continue
        root = parse_xml(relation.target_part.blob)
        for note in root.iter(qn(f"w:{kind}")):
            text = collapse_spaces(" ".join(_accepted_text(p) for p in note.iter(qn("w:p"))))
            if text and note.get(qn("w:type")) in (None, "normal"):
                found[(kind, note.get(qn("w:id")) or "")] = text
    return found


def _text_boxes(paragraph: Paragraph) -> list[str]:
    """The paragraphs of text boxes anchored in a paragraph ("Remember: …" callouts), each once: Word also keeps an
    old-style copy of each box for older readers."""
    found: list[str] = []
    for box in paragraph._p.iter(_TEXT_BOX):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue
        found += [text for inner in box.iter(qn("w:p")) if (text := collapse_spaces(_accepted_text(inner)))]
    return found


def _details_on_lines(paragraph: Paragraph, where: str) -> list[Line]:
    """A paragraph of "Label: value" lines broken by hand, every line a detail the bot knows, as those details; []
    for any other paragraph."""
    parts = [collapse_spaces(part) for part in _accepted_text(paragraph._p).split("\n") if part.strip()]
    found = [as_detail(Line("text", part, where)) for part in parts]
    return found if len(found) >= 2 and all(line.kind == "detail" and line.key for line in found) else []


def _list_on_lines(paragraph: Paragraph, line: Line) -> list[Line]:
    """A paragraph of a lead-in and its items on lines broken by hand ("Staff must:⏎use Hwb …⏎keep groups …") as the
    lead-in and its list, each item without the mark it was typed with; [] for any other paragraph."""
    parts = [collapse_spaces(part) for part in _accepted_text(paragraph._p).split("\n") if part.strip()]
    if line.kind != "text" or len(parts) < 3 or not parts[0].endswith(":"):
        return []
    return [replace(line, text=parts[0]), *(Line("bullet", typed_item(part) or part, line.where, mark=typed_mark(part))
                                            for part in parts[1:])]


def _paragraph_line(paragraph: Paragraph, where: str, after: str = "") -> Line | None:
    """A paragraph as a line (None for one that is no text of the policy); `after` is the text of the line above."""
    raw = _accepted_text(paragraph._p).strip()
    label, tab, value = raw.partition("\t")
    if tab and (key := detail_key(label)):  # "Policy Author<TAB>Daniel Owen", typed (or pasted) as in the text layout
        return Line("detail", collapse_spaces(value), where, key=key)
    parts = [collapse_spaces(part) for part in raw.split("\n") if part.strip()]
    two = _in_two_languages(parts) if all(heading_like(part) for part in parts) else ""  # a name in both languages
    text = two or REVISION_MARK.sub("", collapse_spaces(raw))
    if not text or is_clutter(text):
        return None
    style = _style_name(paragraph)
    kind = style.casefold()
    if kind.startswith("toc"):  # a table of contents repeats the headings
        return None
    if kind in ("title", "teitl"):  # Word's own style names, in English or in Welsh
        return Line("title", text, where, styled=True)
    if kind in ("subtitle", "is-deitl", "isdeitl"):
        return Line("subtitle", text, where)
    level = _heading_level(paragraph)
    if level:
        numbered = NUMBERING.match(text)
        words = text[numbered.end():] if numbered else text
        return Line("heading", words, where, level=level, styled=True,
                    number=clause_number(numbered.group()) if numbered else "")
    # Bold or underlined throughout (a hyperlink's runs are not the paragraph's own: a link is no heading)
    emphasised = bool(paragraph.runs) and all(run.bold or _underlined(run.underline) for run in paragraph.runs
                                              if run.text.strip())
    item = typed_item(raw, after=after)  # "a.<TAB>accept …": a list item typed by hand, without its mark
    if kind.startswith(("list", "rhestr")) or _numbering(paragraph) is not None or item is not None:
        return Line("bullet", REVISION_MARK.sub("", item) if item else text, where, emphasised=emphasised,
                    level=_list_level(paragraph), mark=typed_mark(raw, after=after) if item else "")
    clause = NUMBERED_ITEM.match(text)
    typed = re.match(r"\d{1,3}[.)]\t", raw)  # "4.<TAB>Staff must:", numbered by hand
    if clause and ("." in clause.group().strip().rstrip(".") or typed) and heading_like(text) is None:
        # a numbered clause ("3.3.1 Staff must..."), as in text files
        return Line("bullet", text[clause.end():], where, level=clause_depth(clause.group()), numbered=True,
                    number=clause_number(clause.group()))
    return Line("text", text, where, emphasised=emphasised)


def _style_name(paragraph: Paragraph) -> str:
    """The name of a paragraph's style ("Heading 1", "List Bullet"); "" for none."""
    style = style_of(paragraph)
    return style.name if style is not None and style.name else ""


def _underlined(underline: bool | WD_UNDERLINE | None) -> bool:
    """Whether a run's underline (True, or Word's kind of underline: double, thick, ...) shows."""
    return underline is True or (isinstance(underline, WD_UNDERLINE) and underline != WD_UNDERLINE.NONE)


def _indent(paragraph: Paragraph) -> int:
    """How far a paragraph is indented from the margin (EMU), by its own formatting or its style's."""
    style = style_of(paragraph)
    for holder in (paragraph.paragraph_format, style.paragraph_format if style is not None else None):
        if holder is not None and holder.left_indent is not None:
            return max(0, int(holder.left_indent))
    return 0


def _numbering(paragraph: Paragraph) -> Any | None:
    """The numbering (w:numPr) a paragraph shows: its own, else its style's or that of a style it is based on (a
    template's "Policy Bullet" numbers its paragraphs in the style); None for none, or numbering switched off."""
    holders = [paragraph._p]
    style = style_of(paragraph)
    while style is not None:
        holders.append(style.element)
        style = style.base_style
    for holder in holders:
        found = holder.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        number = found.find(qn("w:numId")) if found is not None else None
        if number is not None:  # (a numPr with only a level takes its list from the style)
            return found if number.get(qn("w:val")) not in (None, "0") else None  # numId 0 switches it off
    return None


def _list_level(paragraph: Paragraph) -> int:
    """A list item's depth, 1 for the outermost: from its numbering level, else from its style ("List Bullet 2")."""
    numbering = _numbering(paragraph)
    own = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:ilvl')}")
    ilvl = own if own is not None else numbering.find(qn("w:ilvl")) if numbering is not None else None
    if ilvl is not None and (value := ilvl.get(qn("w:val"))) is not None and value.isdigit():
        return int(value) + 1
    style = _style_name(paragraph)
    found = re.search(r"\s(\d)$", style)
    return int(found.group(1)) if found else 1


def _heading_level(paragraph: Paragraph) -> int:
    """The heading level from the style (or the style it is based on), named in English or Welsh ("Heading 2",
    "Pennawd 2"), or the outline level; 0 for body text."""
    own = style = style_of(paragraph)
    while style is not None:
        if (found := re.fullmatch(r"(?:heading|pennawd)\s*(\d)", (style.name or "").casefold())) is not None:
            return int(found.group(1))
        style = style.base_style
    for holder in (paragraph._p.pPr, own.element.pPr if own is not None else None):
        outline = holder.find(qn("w:outlineLvl")) if holder is not None else None
        if outline is not None and (value := outline.get(qn("w:val"))) is not None and value.isdigit():
            level = int(value) + 1
            if level <= 9:
                return level
    return 0


def _table_lines(table: Table, where: str) -> Iterator[Line]:
    """A table's rows: a details row ("Agreed by" | "Governing Body") as a detail; a version history or sign-off
    table gives only its newest version; rules under "Do | Don't" each under its column's name; a row of short cells
    as one entry; a policy set out as a table (headings beside text, or English beside Welsh) as its lines; any
    other cell as text."""
    rows = _without_group_labels(table, [[_cell_text(cell) for cell in _distinct_cells(row)] for row in table.rows])
    if len(rows) == 1 and len(rows[0]) == 1 and heading_like(rows[0][0]):
        yield Line("text", rows[0][0], where, emphasised=True)  # a heading in a shaded box, as school templates have it
        return
    if len(rows) == 1 and len(rows[0]) == 1:
        # A box of several paragraphs ("Key points" in bold over its rules): each read as in the body, not glued
        # into one ("Key points Staff must not: befriend pupils post photos of pupils").
        lines = [line for paragraph in _paragraphs(_distinct_cells(table.rows[0])[0])
                 if (line := _paragraph_line(paragraph, where))]
        if len(lines) >= 2:
            yield from lines
            return
    if _record_table(rows) or _form_table(rows):
        yield Line("record", "", where)
        if latest := _latest_version(rows):  # a version history: its newest version, if no details row gives one
            yield Line("detail", latest, where, key="history_version")
        if due := _latest_review(rows):  # a governors' review schedule: its latest next review, if no row gives one
            yield Line("detail", due, where, key="history_next_review")
        return
    if _situations_and_actions(rows):
        # "Scenario | What to do": each situation is quoted with what to do about it.
        for cells in rows[1:]:
            if all(cells):
                yield Line("text", cells[0], where, leads=True)
                yield Line("text", cells[1], where)
        return
    if (welsh_column := _side_by_side_languages(rows)) is not None:
        yield from _side_by_side_lines(table, welsh_column, where)
        return
    if _headings_beside_text(rows):
        # A policy laid out as a table: each row a heading beside its text ("Personal accounts" | paragraphs, bullets).
        for row in table.rows:
            heading, body = _distinct_cells(row)
            yield Line("heading", _cell_text(heading), where)
            for paragraph in _paragraphs(body):
                if line := _paragraph_line(paragraph, where):
                    yield line
        return
    paired = all(detail_key(cells[0]) and (len(cells) < 4 or detail_key(cells[2])) for cells in rows if any(cells))
    if not paired and (pairs := _labels_over_values(rows)) is not None:
        # A cover table of labels over their values ("Approved by | Review date | Version" over one row).
        for label, value in pairs:
            key = detail_key(label)
            yield Line("detail", value if key else f"{label} {value}", where, key=key or "",
                       label="" if key else label)
        return
    marked = _marked_columns(rows)
    if (names := marked or _rule_columns(rows)) is not None:
        # "Do | Don't" over the rules: each rule is read under its column's name, as a list under "Don't:" (alone,
        # "accept friend requests from pupils" would read as a rule to follow); a first column of areas ("Area" over
        # "Parents") names each row's rules too: "Parents – Don't: …". Rules ticked and crossed with no such row
        # above ("✔ Use Hwb …" beside "✘ Accept …") are read under "Do" and "Don't", the first row's too.
        by_area = not names[0]
        ruled = table.rows if marked else table.rows[1:]
        for group in [[row] for row in ruled] if by_area else [ruled]:
            area = _cell_text(_distinct_cells(group[0])[0]) if by_area else ""
            for column, name in enumerate(names):
                if not name:
                    continue
                items = [replace(line, text=line.text.lstrip(f"{_MARKS} ")) if marked else line
                         for row in group for cell in _distinct_cells(row)[column:column + 1]
                         for paragraph in _paragraphs(cell) if (line := _paragraph_line(paragraph, where))]
                yield from _under_column(items, name, area, where)
        return
    if len(rows) >= 2 and len(rows[0]) == 3 and all(name.casefold() in _LANGUAGE_NAMES for name in rows[0][1:]):
        # Details given in both languages, a column each ("" | "English" | "Cymraeg"): "English / Welsh".
        rows = [[cells[0], " / ".join(c for c in cells[1:] if c)] if len(cells) == 3 else cells for cells in rows[1:]]
    names = rows[0] if not paired and (_header_row(rows) or _names_over_entries(rows)) else []
    if names:
        rows = rows[1:]
    listed = _listed_cells(table, where)
    # In a table of details (most rows' labels known), a longer label is a detail too ("Signed on behalf of the
    # Board"); elsewhere a long first cell is text ("What if a parent messages me?" | "Tell your line manager").
    # A row of two label/value pairs ("Version | 3.1 | Date of issue | 1 April 2026") counts each of its labels.
    labels = [cells[i] for cells in rows for i in ((0, 2) if len(cells) == 4 else (0,) if cells else ())]
    # A governors' template may label a row in a sentence of ten words or so ("Name of the member of staff
    # responsible for this policy").
    details_table = 2 * sum(bool(detail_key(label) or detail_key_by_words(label)) for label in labels) > len(labels)
    label_words = 12 if details_table else 4
    for cells in rows:
        if any(BLANK_TO_FILL.search(cell) for cell in cells):
            continue  # a row with a blank to fill in: a form's, not the policy's
        key = detail_key(cells[0]) if cells else None
        second = detail_key(cells[2]) if len(cells) >= 4 else None
        if key and second:
            yield Line("detail", cells[1], where, key=key)
            yield Line("detail", " ".join(cells[3:]), where, key=second)
        elif len(cells) == 4 and details_table and all(
                cells[i] and len(cells[i].split()) <= label_words and not is_clutter(cells[i]) for i in (0, 2)):
            # Two pairs a row in a table of details, a label in the school's own words among them ("Policy owner
            # (SLT)", "Scope"): each pair a detail, as a row of its own would be (before, the row was text).
            for label, value in ((cells[0], cells[1]), (cells[2], cells[3])):
                if pair_key := detail_key(label):
                    yield Line("detail", value, where, key=pair_key)
                elif value:
                    yield Line("detail", f"{label.rstrip(':')}: {value}", where, label=label.rstrip(":"))
        elif key in ("author", "agreed_by") and len(values := [c for c in cells[1:] if c]) >= 2:
            # a third column beside the value: the author's role, or the day the body agreed it
            if key == "agreed_by" and parse_date(values[-1]) and not parse_date(values[0]):
                yield Line("detail", ", ".join(values[:-1]), where, key=key)
                yield Line("detail", values[-1], where, key=APPROVED_ON)
            else:
                yield Line("detail", ", ".join(values), where, key=key)
        elif key:
            yield Line("detail", " ".join(c for c in cells[1:] if c), where, key=key)
        elif len(cells) == 2 and cells[0] and len(cells[0].split()) <= 4 and (in_cell := listed.get((*cells,))):
            # "Facebook" beside "Staff must not:" over its list: each item quoted under the row's label
            label = cells[0].rstrip(":")
            if in_cell[0].kind == "bullet":
                yield Line("text", f"{label}:", where)
                yield from in_cell
            else:
                yield replace(in_cell[0], text=f"{label}: {in_cell[0].text}")
                yield from in_cell[1:]
        elif len(cells) == 2 and cells[0] and len(cells[0].split()) <= label_words and (
                not is_clutter(cells[0]) or (cells[1] and is_to_fill(cells[0]))):
            # a details row the importer does not know, or a term or role beside what it means ("Headteacher: Is
            # responsible for …"): in the body it is the document's text; a form's label filled in ("Date" |
            # "12 March 2026") is such a row, not its value alone
            yield Line("detail", f"{cells[0].rstrip(':')}: {cells[1]}" if cells[1] else cells[0], where,
                       label=cells[0].rstrip(":") if cells[1] else "")
        elif _one_entry(cells):
            # A row of short cells (account | school | who runs it) is one entry: its cells read together, each
            # under its column's name when the table has one ("Account: X @LlaniHigh; Run by: the office").
            yield Line("text", entry_text(names, cells), where)
        else:
            yield from (Line("text", cell, where) for cell in cells if cell and not is_clutter(cell))


def _without_group_labels(table: Table, rows: list[list[str]]) -> list[list[str]]:
    """Rows without a label merged down the first column over details ("Approval" beside "Agreed by | Governing
    Body" and "Date approved | 12 March 2026"): it names the group, and each row is a label and its value."""
    filled = [cells for cells in rows if any(cells)]
    if (len(filled) >= 2 and all(len(cells) == 3 for cells in filled)
            and 2 * sum(bool(detail_key(cells[1])) for cells in filled) > len(filled)):
        # Most rows' second cells are the usual labels ("Author | Policy owner | Mrs K. Shah", "Review | Next review
        # date | July 2028"): the first column names groups, merged down or not (before, a group of one row kept its
        # label in the value, "Policy owner, Mrs K. Shah").
        return [cells[1:] if len(cells) == 3 and (detail_key(cells[1]) or detail_key_by_words(cells[1])) else cells
                for cells in rows]
    firsts = [_distinct_cells(row)[0]._tc if row.cells else None for row in table.rows]
    found = list(rows)
    start = 0
    while start < len(rows):
        end = start + 1
        while end < len(rows) and firsts[end] is firsts[start]:
            end += 1
        group = rows[start:end]
        if (end - start >= 2 and all(len(cells) >= 3 for cells in group) and not detail_key(group[0][0])
                and any(detail_key(cells[1]) for cells in group)):
            found[start:end] = [cells[1:] for cells in group]
        start = end
    return found


def _listed_cells(table: Table, where: str) -> dict[tuple[str, ...], list[Line]]:
    """The lines of each two-cell row's second cell that holds a list, by the row's cells' text."""
    found: dict[tuple[str, ...], list[Line]] = {}
    for row in table.rows:
        cells = _distinct_cells(row)
        if len(cells) != 2:
            continue
        lines = [line for paragraph in _paragraphs(cells[1]) if (line := _paragraph_line(paragraph, where))]
        if len(lines) >= 2 and any(line.kind == "bullet" for line in lines):
            found[(_cell_text(cells[0]), _cell_text(cells[1]))] = lines
    return found


def _names_over_entries(rows: list[list[str]]) -> bool:
    """A first row of short column names ("Account | School | Managed by") over entries (see `_one_entry`)."""
    return (len(rows) >= 2 and len(rows[0]) >= 3 and all(c and len(c.split()) <= 3 and not ends_sentence(c)
                                                          for c in rows[0])
            and all(_one_entry(cells) for cells in rows[1:]))


def _one_entry(cells: list[str]) -> bool:
    """Three or more filled cells, none a sentence or long: one entry of a list set out as a table."""
    filled = [cell for cell in cells if cell]
    return (len(filled) >= 3 and sum(len(cell) for cell in filled) <= 300
            and not any(ends_sentence(cell) or len(cell.split()) > 12 for cell in filled))


def _distinct_cells(row: _Row) -> list[_Cell]:
    """A table row's cells, a merged cell once (python-docx repeats it for each grid column it spans)."""
    cells: dict[object, _Cell] = {}
    for cell in row.cells:
        cells.setdefault(cell._tc, cell)
    return list(cells.values())


def _numbered_heading(text: str) -> bool:
    """A short line with a clause number and no full stop: "3.1 Pupils"."""
    heading = heading_like(text)
    return heading is not None and heading[1] != text


def _guess_heading(line: Line) -> Line:
    if line.kind != "text":
        return line
    heading = heading_like(line.text, whole=line.emphasised)
    return Line("heading", heading[1], line.where, level=heading[0], numbered=heading[1] != line.text,
                number=heading_number(line.text, heading[1])) if heading else line


def _record_table(rows: list[list[str]]) -> bool:
    """A version history or sign-off table: three or more columns, each named in the first row as a detail or a
    record's header ("Version | Date | Author | Summary of changes"; not "Version | 2 | Approved by | Committee")."""
    if len(rows) < 2 or len(rows[0]) < 3:
        return False
    return all(detail_key(cell) or label_key(cell) in RECORD_HEADERS for cell in rows[0]) and any(
        label_key(cell) in RECORD_HEADERS for cell in rows[0])


def _situations_and_actions(rows: list[list[str]]) -> bool:
    """A table of situations and what to do in each, under a header row that says so."""
    return len(rows) >= 2 and len(rows[0]) == 2 and (
        label_key(rows[0][0]) in _SITUATION_HEADERS or label_key(rows[0][1]) in _ACTION_HEADERS) and all(
        len(cells) == 2 for cells in rows)


_LANGUAGE_NAMES = frozenset({"english", "saesneg", "cymraeg", "welsh"})


def _side_by_side_languages(rows: list[list[str]]) -> int | None:
    """The column that holds the Welsh of a policy set out in English and Welsh side by side (two columns, most rows
    one language beside the other); None for any other table."""
    pairs = [cells for cells in rows if len(cells) == 2 and all(cells)]
    if len(pairs) < 3 or len(pairs) < 0.8 * len(rows) or sum(bool(detail_key(a)) for a, _ in pairs) * 2 >= len(pairs):
        return None  # not a details table in both languages ("Fersiwn / Version" | "2 / 2")
    welsh = [(detect_language(words(a)) == "cy", detect_language(words(b)) == "cy") for a, b in pairs]
    for column in (0, 1):
        if sum(row[column] and not row[1 - column] for row in welsh) >= 0.7 * len(pairs):
            return column
    return None


def _side_by_side_lines(table: Table, welsh_column: int, where: str) -> Iterator[Line]:
    """Each row's English: a row of two short headings is one heading, "English / Welsh" (the importer gives it
    both); each English paragraph carries its Welsh when the Welsh cell has as many paragraphs."""
    for row in table.rows:
        cells = _distinct_cells(row)
        if len(cells) != 2:
            continue
        english, welsh = (cells[1], cells[0]) if welsh_column == 0 else (cells[0], cells[1])
        texts = [_cell_text(english), _cell_text(welsh)]
        if all(t.casefold() in _LANGUAGE_NAMES for t in texts if t):
            continue  # the "English | Cymraeg" row over the columns
        labelled = [as_detail(Line("text", text, where)) for text in texts]
        if all(line.key for line in labelled) and labelled[0].key == labelled[1].key:  # "Version: 2" | "Fersiwn: 2"
            english_value, welsh_value = labelled[0].text, labelled[1].text
            both = english_value == welsh_value or labelled[0].key not in ("status", "author", "agreed_by",
                                                                           "next_review")
            value = english_value if both else f"{english_value} / {welsh_value}"
            yield Line("detail", value, where, key=labelled[0].key)
            continue
        if all(texts) and (english_heading := heading_like(texts[0])) and (welsh_heading := heading_like(texts[1])):
            yield Line("heading", f"{english_heading[1]} / {welsh_heading[1]}", where, level=english_heading[0],
                       numbered=english_heading[1] != texts[0])
            continue
        lines = _cell_lines(english, where)
        translated = _cell_lines(welsh, where)
        if len(translated) == len(lines):  # the Welsh paragraph for paragraph: Welsh cards quote it
            lines = [replace(line, welsh=own.text) for line, own in zip(lines, translated, strict=True)]
        yield from lines
    yield Line("note", "", where, note=Note("import.note.side_by_side"))


def _cell_lines(cell: _Cell, where: str) -> list[Line]:
    """A cell's paragraphs as lines; those under one ending in ":" are its list."""
    lines: list[Line] = []
    listed = False
    for paragraph in _paragraphs(cell):
        line = _paragraph_line(paragraph, where)
        if line is None:
            continue
        if listed and line.kind == "text":
            line = replace(line, kind="bullet")
        listed = listed or (line.kind in ("text", "bullet") and line.text.endswith(":"))
        lines.append(line)
    return lines


def _headings_beside_text(rows: list[list[str]]) -> bool:
    """Rows of a short heading beside a long text: the whole policy set out as a two-column table."""
    return len(rows) >= 3 and all(len(cells) == 2 for cells in rows) and sum(
        heading_like(cells[0]) is not None and len(cells[0].split()) <= 8 and len(cells[1].split()) >= 25
        for cells in rows) >= 0.8 * len(rows)


def _latest_version(rows: list[list[str]]) -> str:
    """The highest version number in a version history's "Version" column ("" when it has none)."""
    column = next((i for i, cell in enumerate(rows[0]) if detail_key(cell) == "version"), None)
    if column is None:
        return ""
    numbers = [cells[column] for cells in rows[1:] if column < len(cells) and re.fullmatch(r"v?\d+(?:\.\d+)*",
                                                                                           cells[column].strip())]
    return max(numbers, key=lambda n: tuple(int(part) for part in n.lstrip("v").split(".")), default="")


def _latest_review(rows: list[list[str]]) -> str:
    """The latest review due in a review schedule's "Next review" column, newest row first or last ("" when none)."""
    column = next((i for i, cell in enumerate(rows[0]) if detail_key(cell) == "next_review"), None)
    due = [(deadline, cells[column]) for cells in rows[1:] if column is not None and column < len(cells)
           if (deadline := review_deadline(cells[column])) is not None]
    return max(due)[1] if due else ""


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


_RULE_COLUMN = re.compile(
    r"^(?:do|dos|do's|don['’]?t|don['’]?ts|do not|should|should not|shouldn['’]t|must|must not|never|always|"
    r"acceptable|unacceptable|not acceptable|allowed|not allowed|permitted|not permitted|"
    r"gwnewch|peidiwch|dylech|ni ddylech|[✓✔✗✘×])(?:\s*[(:].*)?$", re.IGNORECASE)
# What a column's name says of its rules: that they are forbidden or discouraged ("Staff should not", "Unacceptable
# use", "Poor practice", "Avoid", "Peidiwch"), or that they are to be followed ("Staff should", "Good practice").
_FORBIDDING_WORDS = frozenset({"not", "never", "no", "don't", "dont", "donts", "don'ts", "shouldn't", "mustn't",
                               "can't", "cannot", "won't", "avoid", "poor", "bad", "wrong", "worst", "risky",
                               "prohibited", "forbidden", "banned", "peidiwch", "ni", "na", "nid", "ddim", "gwael",
                               "annerbyniol", "✗", "✘", "×", "❌", "⛔", "🚫"})
_NEGATED = re.compile(r"^(?:un(?!der|til|less|ion|ique|it|iform|ivers)[a-z]{4,}|in(?:appropriate|advisable|correct|"
                      r"secure)|im(?:proper|permissible|prudent)|ir(?:responsible|relevant)|dis(?:allowed|couraged|"
                      r"approved)|il(?:legal|licit))$")
_ALLOWING_WORDS = frozenset({"do", "dos", "do's", "should", "must", "always", "acceptable", "appropriate", "good",
                             "best", "allowed", "permitted", "safe", "recommended", "encouraged", "ok", "okay", "yes",
                             "can", "may", "gwnewch", "dylech", "derbyniol", "✓", "✔", "☑"})
_MARKS = "✓✔☑✗✘×❌⛔🚫"


def _column_words(name: str) -> list[str]:
    return re.findall(rf"[a-z']+|[{_MARKS}]", name.replace("’", "'").casefold())


def _forbids(name: str) -> bool:
    """Whether a column's name forbids or discourages its rules, by a word of negation ("not", "never", "avoid",
    "poor", "un…", "peidiwch")."""
    return any(word in _FORBIDDING_WORDS or _NEGATED.match(word) for word in _column_words(name))


def _allows(name: str) -> bool:
    return any(word in _ALLOWING_WORDS for word in _column_words(name))


def _column_name(name: str) -> str:
    """A rule column's name as its rules are quoted under it: its English half ("Peidiwch / Don't" is "Don't"),
    without a tick or cross beside words ("Don't ✘" is "Don't")."""
    halves = [half.strip() for half in name.split(" / ")]
    english = [half for half in halves if detect_language(words(half)) != "cy"]
    name = english[-1] if english and len(halves) == 2 else name
    bare = name.strip(f" {_MARKS}").rstrip(":").strip()
    return bare if any(c.isalpha() for c in bare) else name.rstrip(":").strip()


def _rule_columns(rows: list[list[str]]) -> list[str] | None:
    """The name each column's rules are quoted under in a table of rules under column names that say which way they
    go ("Do | Don't", "Staff should | Staff should not", "Good practice | Poor practice"), "" for a first column of
    areas each row's rules are about ("Area | Do | Don't"); None for any other table."""
    if len(rows) < 2 or len(rows[0]) < 2 or not any(len(cell.split()) >= 3 for row in rows[1:] for cell in row):
        return None
    header = rows[0]
    if all(_RULE_COLUMN.match(cell.strip(" .")) for cell in header):
        return [_column_name(cell) for cell in header]
    if not any(map(_forbids, header)) or not all(
            cell and len(cell.split()) <= 6 and not ends_sentence(cell) for cell in header):
        return None
    area = not _forbids(header[0]) and not _allows(header[0]) and all(
        len(cells[0].split()) <= 5 and not ends_sentence(cells[0]) for cells in rows[1:] if cells)
    return ["" if area and n == 0 else _column_name(cell) for n, cell in enumerate(header)]


def _marked_columns(rows: list[list[str]]) -> list[str] | None:
    """"Do" or "Don't" for each column of a table of rules each marked with a tick or a cross and no row of column
    names ("✔ Use Hwb for class groups" beside "✘ Accept friend requests from pupils", row after row); None for any
    other table."""
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    names: list[str] = []
    for column in range(len(rows[0])):
        filled = [cells[column].strip() for cells in rows if len(cells) > column and cells[column].strip()]
        mark = filled[0][:1] if filled else ""
        if not mark or mark not in _MARKS or not all(c.startswith(mark) and len(c.split()) >= 2 for c in filled):
            return None
        names.append("Don't" if mark in _FORBIDDING_WORDS else "Do")
    return names if "Don't" in names else None


def _under_column(items: list[Line], name: str, area: str, where: str) -> Iterator[Line]:
    """A rule column's items, under its name ("Don't:"), and its row's area when the table has one ("Parents –
    Don't:"); a column whose items say the name themselves ("Don't message a pupil …") under the area alone."""
    said = name.replace("’", "'").casefold()
    if not items:
        return
    if all(item.text.replace("’", "'").casefold().startswith(f"{said} ") for item in items):
        if not area:
            yield from (replace(item, kind="text") for item in items)
            return
        name = ""
    yield Line("text", f"{area} – {name}:" if area and name else f"{area or name}:", where)
    yield from (replace(item, kind="bullet", level=1, numbered=False) for item in items)


def _header_row(rows: list[list[str]]) -> bool:
    """A first row of short column names over rows of sentences ("Do | Don't" over the rules)."""
    def short(cell: str) -> bool:
        return len(cell.split()) <= 3 and not ends_sentence(cell)

    names = rows[0] if len(rows) >= 2 and len(rows[0]) >= 2 and not detail_key(rows[0][0]) else []
    return bool(names) and all(short(c) for c in names) and any(len(c.split()) >= 6 for row in rows[1:] for c in row)
