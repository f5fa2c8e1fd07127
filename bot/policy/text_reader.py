"""Reads a plain text document (.txt) into lines: tab-separated details, headings on lines of their own (Markdown,
underlined or numbered), bullets; text broken at a width, a PDF's page furniture, a web page's entities and an
email's header and signature are dealt with."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from bot.policy.document_lines import (
    MAX_HEADING_WORDS,
    NUMBERED_ITEM,
    NUMBERING,
    PAGE_NUMBER,
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
    labelled_by_words,
    labels_a_form,
    nest_typed_items,
    typed_item,
    typed_mark,
)
from bot.policy.notes import note

RUNNING_LINE_REPEATS = 3  # a short line met this often in a text file is a page's running header or footer
_UNDERLINE = re.compile(r"={3,}|-{3,}")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*$")
_EMAIL_HEADER = re.compile(r"^(?:from|sent|to|cc|subject|date|oddi wrth|at|pwnc):\s", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d{2,5}|#x[0-9a-f]{2,4}|[a-z]{2,8});", re.IGNORECASE)


# Plain text


_HTML_PAGE = re.compile(r"\s*(?:<!doctype html|<html\b)", re.IGNORECASE)
_HTML_HIDDEN = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def read_txt(source: Path) -> list[Line]:
    """Lines of a text file laid out as the school writes them: title first, details as tab-separated lines,
    headings on lines of their own, bullets starting "- ". A file whose lines were broken at a width (text copied
    from a PDF, or wrapped by an editor) has its paragraphs put back together."""
    raw = source.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        raise PolicyImportError(f"{source.name}: this is a Word document, not text; name it .docx",
                                note("import.error.word_as_text", file=source.name))
    text = _decode(raw, source.name)
    # Lines as an editor numbers them: a page break (form feed) between two lines is no line of its own.
    as_numbered = re.split(r"\r\n|\r|\n", text.replace("\f", " "))
    starts = [0, *(n for n, line in enumerate(re.split(r"\r\n|\r|\n", text)) if n and "\f" in line)]
    # A page set in two columns (as `pdftotext -layout` gives a two-column PDF) is read a column at a time.
    pages = [_in_reading_order(page) for page in _without_running_lines(
        [as_numbered[a:b] for a, b in zip(starts, [*starts[1:], len(as_numbered)], strict=True)])]
    physical = _without_share_links(_without_email([line for page in pages for line in page]))
    columns = sum(len(page) != b - a for page, a, b in zip(pages, starts, [*starts[1:], len(as_numbered)],
                                                           strict=True))
    if source.suffix.lower() == ".md":
        physical = _plain_markdown(physical)
    # Pages copied from a PDF (numbered "Page 2 of 9"): a running header or footer is the same short line again and
    # again ("Staff should:" above each list of a document that is not paged is the document's own).
    counts: dict[str, int] = {}
    for text in physical:
        key = collapse_spaces(text)
        if key and len(key.split()) <= MAX_HEADING_WORDS:
            counts[key] = counts.get(key, 0) + 1
    if sum(n for key, n in counts.items() if PAGE_NUMBER.match(key)) >= RUNNING_LINE_REPEATS - 1:
        physical = ["" if counts.get(collapse_spaces(text), 0) >= RUNNING_LINE_REPEATS else text for text in physical]
    width = _wrap_width(physical)
    entries: list[Line] = []
    previous_blank = True
    indent = items_indent = ""  # the last line's indent, and that of the items of a list typed with no marks
    for number, raw_line in enumerate(physical, start=1):
        line = raw_line.rstrip("\r\n")
        if not line.strip() or is_clutter(collapse_spaces(line)):
            if is_to_fill(collapse_spaces(line)):
                if entries and labels_a_form(entries[-1]) and (not previous_blank or entries[-1].text.endswith(":")):
                    entries.pop()  # "Purpose of the account:" over a line to fill in
                entries.append(Line("record", "", f"line {number}"))  # a form's: its section may hold nothing else
            previous_blank = True
            continue
        if _UNDERLINE.fullmatch(line.strip()) and entries and not previous_blank:
            # "Personal use" over "=======" (or "-------" for a sub-heading): the line above is a heading.
            level = 1 if line.strip()[0] == "=" else 2
            numbered = NUMBERING.match(entries[-1].text)
            text = entries[-1].text[numbered.end():] if numbered else entries[-1].text
            entries[-1] = replace(entries[-1], kind="heading", text=text, level=level, numbered=bool(numbered),
                                  number=clause_number(numbered.group()) if numbered else "")
            previous_blank = True
            continue
        if len(cells := _details_in_a_row(line, f"line {number}") or _pairs_in_a_row(line, f"line {number}")) >= 2:
            entries += cells  # "Approved by: … | Version: 2024-1 | Review date: September 2025"
            previous_blank = True
            continue
        last = entries[-1] if entries else None
        entry = _classify_text_line(line, f"line {number}", last)
        above, indent = indent, line[: len(line) - len(line.lstrip())].expandtabs(8)
        if indent and last is not None and not (entry.kind == "bullet" or entry.key) and (
                (last.kind == "text" and last.text.endswith(":") and len(indent) > len(above))
                or (last.kind == "bullet" and indent == items_indent)):
            # "Staff must not:" over items indented with no marks (Word saves an indented paragraph as "<TAB>text")
            entry, items_indent = Line("bullet", collapse_spaces(line), f"line {number}"), indent
        elif len(indent) < len(items_indent):  # (a deeper line carries on the item above)
            items_indent = ""
        if last is not None and not previous_blank and _continues(last, entry, line, width):
            joiner = "" if re.search(r"[^\W\d_]-$", last.text) else " "  # "on-" + "line"
            text = f"{last.text}{joiner}{collapse_spaces(line)}"
            # Judged again as one line: a heading broken across lines is a heading, a paragraph taken for one text.
            kind = ("heading" if heading_like(text) else "text") if last.kind in ("heading", "text") else last.kind
            entries[-1] = replace(last, kind=kind, text=text)
        else:
            entries.append(entry)
        previous_blank = False
    if columns:
        entries.append(Line("note", "", "the text", note=note("import.note.two_columns", count=columns)))
    return nest_typed_items(entries)


_SPACED_DETAIL = re.compile(r"^([A-Za-z][A-Za-z ()/]{1,40}?) {3,}(\S.*)$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_RULE_ROW = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)(.+?)\1|(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])|"
                          r"(?<![\w_])_(?!\s)([^_]+?)(?<!\s)_(?![\w_])")  # (not "social_media_guide")


def _plain_markdown(lines: list[str]) -> list[str]:
    """A Markdown page (a staff wiki's copy) as the plain lines of the text layout, line for line: its front matter
    between "---" lines, images and quote marks dropped; links as their words; a table row as tab-separated cells (a
    details row then reads as one; labels over one row of their values, "| Version | Issued |" over
    "| 2 | 01/09/2026 |", as a row of "Label: value" details, as Word's such table is read); emphasis marks gone.
    Headings ("## 3. Personal use") are read as they are."""
    # HTML inside Markdown: a comment (an author's hidden note) and a script are no text; tags go, their words stay.
    hidden = _HTML_HIDDEN.sub(lambda m: "\n" * m.group().count("\n"), "\n".join(lines))
    plain = [_HTML_TAG.sub(" ", line) for line in hidden.split("\n")]
    if plain and plain[0].strip() == "---":
        end = next((i for i in range(1, min(len(plain), 40)) if plain[i].strip() == "---"), 0)
        plain[: end + 1] = [""] * (end + 1)
    open_at: int | None = None  # the line holding the paragraph or list item being read: Markdown joins its lines
    names: list[str] = []  # the column names of the table being read, when it has three or more
    labels: list[str] = []  # the details labelling the one row of values under them
    for n, line in enumerate(plain):
        line = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "",
                                _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line)))
        line = re.sub(r"^\s*>\s?", "", line)
        table_row = line.strip().startswith("|") and line.strip().endswith("|") and len(line.strip()) > 1
        cells = [cell.strip() for cell in line.strip()[1:-1].split("|")] if table_row else []
        if _MD_RULE_ROW.fullmatch(line) or re.fullmatch(r"\s*(?:\*\s*){3,}|\s*(?:_\s*){3,}", line):
            line = ""  # a table's rule row, or a horizontal rule
        elif table_row and n + 1 < len(plain) and _MD_RULE_ROW.fullmatch(plain[n + 1]) and "|" in plain[n + 1]:
            labels = cells if _labels_over_one_row(cells, plain[n + 2:n + 4]) else []
            names = cells if len(cells) >= 3 and all(cells) and not labels else []  # the header row over the rule row
            line = "" if names or labels else "\t".join(cells)
        elif table_row and labels and len(labels) == len(cells):
            line = " | ".join(f"{label}: {cell}" for label, cell in zip(labels, cells, strict=True))
            labels = []
        elif table_row and len(names) == len(cells):
            # A row of a table of three or more columns: an item of its own, each cell under its column's name.
            line = f"- {entry_text(names, cells)}"
        elif table_row:
            line = "\t".join(cells)
        if not table_row and line.strip():
            names = labels = []
        if not line.strip():
            plain[n], open_at = "", None
        elif table_row or line.lstrip().startswith("#"):
            plain[n], open_at = line, None
        elif open_at is not None and not re.match(r"\s*(?:[-*+]|\d{1,3}[.)])\s", line) and not any(
                detail_key(text.partition(":")[0]) for text in (line, plain[open_at]) if ":" in text):
            # (a details line, "Approved by: …", stands alone, as its writer meant, though Markdown would join it)
            plain[open_at] = f"{plain[open_at].rstrip()} {line.strip()}"
            plain[n] = ""
        else:
            plain[n], open_at = line, n
    return plain


def _labels_over_one_row(cells: list[str], below: list[str]) -> bool:
    """A Markdown table's header row of detail labels over one row of their values (`below`: the two lines after its
    rule row), as a cover's details are set out across the page."""
    rows = [line.strip() for line in below if line.strip().startswith("|")]
    if len(cells) < 2 or not all(detail_key(cell) for cell in cells) or not below or len(rows) != 1 or (
            rows[0] != below[0].strip() or not rows[0].endswith("|") or len(rows[0]) < 2):
        return False  # (two rows of values are a version history)
    values = [cell.strip() for cell in rows[0][1:-1].split("|")]
    return len(values) == len(cells) and all(values) and not any(detail_key(value) for value in values)


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


def _without_share_links(lines: list[str]) -> list[str]:
    """A web page's "Share this page" with its buttons under it, a word a line ("Facebook", "X", "Email"), as blank
    lines: the buttons are no headings."""
    kept = list(lines)
    sharing = False
    for n, line in enumerate(lines):
        words = line.split()
        if re.fullmatch(r"\s*share(?: this (?:page|post))?:?\s*", line, re.IGNORECASE):
            sharing, kept[n] = True, ""
        elif sharing and 0 < len(words) <= 2 and not line.rstrip().endswith("."):
            kept[n] = ""
        else:
            sharing = False
    return kept


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without the header or footer every page repeats (the first or last line of each, the same but for its
    page number): a PDF's running lines are not the policy's text."""
    filled = [page for page in pages if any(line.strip() for line in page)]
    if len(filled) < 2:
        return pages
    for last in (False, True):
        found = {id(page): _edge_line(page, last=last) for page in filled}
        if len({re.sub(r"\d+", "#", collapse_spaces(page[found[id(page)]])) for page in filled}) == 1:
            pages = [[*page[:n], "", *page[n + 1:]] if (n := found.get(id(page))) is not None else page
                     for page in pages]
            filled = [page for page in pages if any(line.strip() for line in page)]
    return pages


def _edge_line(page: list[str], *, last: bool) -> int:
    """Where a page's first (or last) line with text is."""
    order = range(len(page) - 1, -1, -1) if last else range(len(page))
    return next(n for n in order if page[n].strip())


def _in_reading_order(lines: list[str]) -> list[str]:
    """A page's lines, its left column's then its right column's when it is set in two (most lines hold text that
    starts at the same column after a gap of three or more spaces); the page as it is otherwise."""
    starts: dict[int, int] = {}
    for line in lines:
        for gap in re.finditer(r"(?:^|\S) {3,}(?=\S)", line):
            starts[gap.end()] = starts.get(gap.end(), 0) + 1
    filled = sum(bool(line.strip()) for line in lines)
    column = max((at for at in starts if at >= 20), key=lambda at: (starts[at], at), default=0)  # not an indent
    if not column or starts[column] < max(8, filled // 3):
        return lines

    def split(line: str) -> bool:
        return len(line) > column and line[column] != " " and line[column - 2:column] == "  "

    left = [line[:column].rstrip() if split(line) else line for line in lines]
    right = [line[column:] if split(line) else "" for line in lines]
    return [*left, "", *right]


def _wrap_width(lines: list[str]) -> int:
    """The width a file's lines were broken at (most lines come close to it), or 0 when each paragraph is a line
    of its own."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return 0
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near = [line.strip() for line in lines if len(line.strip()) >= 0.7 * width]
    # A line broken at a width ends mid-sentence; Word's "Save as Plain Text" writes each paragraph on a line of its
    # own, so its long lines end their sentences, whatever their lengths.
    broken = sum(not ends_sentence(line) for line in near)
    return width if width <= 120 and len(near) >= max(3, len(lengths) // 4) and 2 * broken > len(near) else 0


def _decode(raw: bytes, name: str) -> str:
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16")
        else:
            text = _utf16_without_mark(raw) or raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Saved as "ANSI" by Notepad or an older Word; or UTF-8 with a paragraph pasted in from such a file: each line
        # in the encoding it reads in ("Gŵyl" stays "Gŵyl" beside a Windows "–").
        text = "\n".join(_line_decoded(line) for line in raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"))
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f" for ch in text)
    if "\x00" in text or controls > len(text) // 100:
        raise PolicyImportError(f"{name}: not a readable text file: if it is the policy as text, open it in Notepad, "
                                "choose File > Save As with Encoding UTF-8, and import that file",
                                note("import.error.not_text", file=name))
    if _HTML_PAGE.match(text):
        raise PolicyImportError(f"{name}: this is a web page's code (HTML), not text: open the page in a browser and "
                                "save it as text, or import the Word original",
                                note("import.error.html_text", file=name))
    if len(_ENTITY.findall(text)) >= 3:  # a web page saved as text: "&rsquo;", "&amp;", "&nbsp;"
        text = html.unescape(text)
    return text.translate(PASTED_MARKS)  # text copied from a PDF: "ofﬁce" is "office"; invisible marks go


def _utf16_without_mark(raw: bytes) -> str:
    """The text of a file saved as UTF-16 without its byte order mark (PowerShell's Out-File, some editors), only
    when that is clear: every character's other byte is never zero and, as in any policy, most characters' high byte
    is (letters, digits, spaces; "ŵ" and "–" are not); "" otherwise. UTF-8 and Windows' encoding hold no zero byte."""
    if len(raw) < 4 or len(raw) % 2:
        return ""
    for codec, low, high in (("utf-16-le", raw[0::2], raw[1::2]), ("utf-16-be", raw[1::2], raw[0::2])):
        if low.count(0) == 0 and high.count(0) >= 0.6 * len(high):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:  # a lone surrogate: not UTF-16 after all
                return ""
    return ""


def _line_decoded(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def _classify_text_line(line: str, where: str, above: Line | None = None) -> Line:
    """What one line of a text file is; `above` is the line before it (an answer's "A." is no list's, "2.<TAB>X"
    after "1.<TAB>Y" or "…:" is a list's item)."""
    after = above.text if above is not None else ""
    stripped = REVISION_MARK.sub("", collapse_spaces(line).replace("**", "").replace("__", ""))  # Markdown's bold marks
    if marked := _MARKDOWN_HEADING.match(stripped):  # "## 3. Personal use", as Markdown writes a heading
        text = marked.group(2)
        numbered = NUMBERING.match(text)
        return Line("heading", text[numbered.end():] if numbered else text, where, level=len(marked.group(1)),
                    numbered=bool(numbered), number=clause_number(numbered.group()) if numbered else "")
    # Before details: Word saves a bullet as "•<TAB>text", "o<TAB>text", a lettered item as "a.<TAB>text".
    if (item := typed_item(unmarked := line.replace("**", "").replace("__", ""), after=after)) is not None:
        return Line("bullet", REVISION_MARK.sub("", item), where, mark=typed_mark(unmarked, after=after))
    number, tab, value = line.strip().partition("\t")
    numbered_heading = heading_like(collapse_spaces(value)) if tab and not line[:1].isspace() else None
    listed = after.endswith(":") or (above is not None and above.kind == "bullet" and above.numbered
                                     and above.level == clause_depth(number))
    if numbered_heading and NUMBERED_ITEM.match(f"{number} x") and not listed:
        # "1.<TAB>Purpose", as Word saves a numbered heading as text (not an item under "Staff may use:")
        return Line("heading", numbered_heading[1], where, level=clause_depth(number), numbered=True,
                    number=clause_number(number))
    if tab and NUMBERED_ITEM.match(f"{number} x"):  # "<TAB>1.<TAB>Social media is ...", numbered with tabs
        return Line("bullet", collapse_spaces(value), where, level=clause_depth(number), numbered=True,
                    number=clause_number(number))
    spaced = _SPACED_DETAIL.match(line.strip())
    if spaced and (key := detail_key(spaced.group(1))):  # "Version        5.2": a details box drawn with spaces
        return Line("detail", collapse_spaces(spaced.group(2)), where, key=key)
    if "\t" in line.strip(" "):
        label, _, value = line.strip(" ").partition("\t")
        key = detail_key(label) or ""
        if key:
            return Line("detail", collapse_spaces(value), where, key=key)
        return Line("detail", collapse_spaces(line), where, label=collapse_spaces(label))
    if (heading := heading_like(stripped)) is not None:
        return Line("heading", heading[1], where, level=heading[0], numbered=heading[1] != stripped,
                    number=heading_number(stripped, heading[1]))
    if numbered := NUMBERED_ITEM.match(stripped):  # a numbered paragraph: a list item without its number
        return Line("bullet", stripped[numbered.end():], where, level=clause_depth(numbered.group()), numbered=True,
                    number=clause_number(numbered.group()))
    return Line("text", stripped, where)


def _continues(last: Line, entry: Line, line: str, width: int) -> bool:
    """A line that carries on the one above it with no blank line between: a paragraph or bullet broken across
    lines (in a file broken at a `width`, every line of a paragraph), or a line taken for a heading whose sentence
    goes on (in lower case, or from a line nearly as wide as the rest)."""
    if entry.kind in ("bullet", "detail") or detail_key(line.strip()) or detail_key(last.text) or as_detail(entry).key:
        return False  # a details label on a line of its own ("Approved by"), the value under one, or "Version: 3"
    if labelled_by_words(entry).kind == "detail" and labelled_by_words(last).kind == "detail":
        return False  # "Policy owner (SLT): …" over "Date ratified by the FGB: …": details in the school's words
    first = line.strip()[:1]
    if last.kind == "heading":
        return first.islower() or bool(width and len(last.text) >= 0.75 * width)
    if last.kind == "bullet":  # bullets often have no full stop: only an indented or lower-case line carries on
        return first.islower() or line[:1].isspace()
    return last.kind == "text" and (bool(width) or first.islower() or not ends_sentence(last.text))


def _pairs_in_a_row(line: str, where: str) -> list[Line]:
    """A details row of two label/value pairs, its cells split by tabs (a Word or Markdown table of four columns:
    "Version<TAB>3.1<TAB>Date of issue<TAB>1 April 2026"), each pair a detail; [] for any other line. A label in the
    school's own words ("Policy owner (SLT)") is read by its words, as in Word."""
    cells = [collapse_spaces(cell) for cell in line.strip().split("\t")]
    if len(cells) != 4 or not all(cells) or not all(
            detail_key(label) or (len(label.split()) <= 12 and detail_key_by_words(label) and not ends_sentence(label))
            for label in cells[::2]):
        return []
    return [Line("detail", value, where, key=key) if (key := detail_key(label)) else
            Line("detail", f"{label} {value}", where, label=label) for label, value in (cells[:2], cells[2:])]


def _details_in_a_row(line: str, where: str) -> list[Line]:
    """A line of "Label: value" details set side by side with bars ("Version: 2 | Review date: July 2027"); []
    when any part is not a detail."""
    parts = [as_detail(Line("text", part.strip(), where)) for part in collapse_spaces(line).split(" | ")]
    return parts if len(parts) >= 2 and all(part.key for part in parts) else []
