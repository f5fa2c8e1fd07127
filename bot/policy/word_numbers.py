"""The numbers Word shows beside numbered paragraphs ("5.2", "2.3.1"), worked out from the document's numbering
definitions as Word counts them, so a clause numbered by Word can be quoted and found by its number as a typed one
can ("What does paragraph 5.2 say?")."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

# Each document part's paragraph styles by style id (None: the default), as looked up once.
_STYLES: weakref.WeakKeyDictionary[Any, dict[str | None, ParagraphStyle | None]] = weakref.WeakKeyDictionary()
_DECIMAL = frozenset({"decimal", "decimalZero"})
_PLACE = re.compile(r"%(\d)")


@dataclass(frozen=True)
class _Level:
    start: int
    decimal: bool
    text: str  # Word's lvlText: "%1.%2"
    style: str = ""  # the paragraph style this level is linked to ("Heading1"), if any


class ClauseNumbers:
    """Counts a document's numbered paragraphs in order: call `number` for every body paragraph, first to last."""

    def __init__(self, document: DocumentObject) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}  # by numId, then level
        self._abstract: dict[str, str] = {}  # numId -> abstractNumId: lists of one definition count on together
        self._counts: dict[str, list[int]] = {}  # by abstractNumId
        self._style_numbering: dict[str, tuple[str, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part: nothing is numbered by Word
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in numbering.findall(qn("w:abstractNum"))}
        for num in numbering.findall(qn("w:num")):
            num_id = num.get(qn("w:numId")) or ""
            ref = num.find(qn("w:abstractNumId"))
            abstract_id = ref.get(qn("w:val")) if ref is not None else None
            if abstract_id not in abstract:
                continue
            levels = {int(lvl.get(qn("w:ilvl")) or 0): _level(lvl)
                      for lvl in abstract[abstract_id].findall(qn("w:lvl"))}
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                ilvl = int(override.get(qn("w:ilvl")) or 0)
                if start is not None and ilvl in levels:
                    old = levels[ilvl]
                    levels[ilvl] = _Level(int(start.get(qn("w:val")) or 1), old.decimal, old.text, old.style)
            self._levels[num_id] = levels
            self._abstract[num_id] = f"{abstract_id}/{num_id}" if num.find(qn("w:lvlOverride")) is not None else (
                abstract_id or "")
        for style in document.styles.element.findall(qn("w:style")):  # "Heading 1" numbered by its style
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            style_id = style.get(qn("w:styleId")) or ""
            if num_pr is not None and (found := _num_pr(num_pr)) is not None:
                if num_pr.find(qn("w:ilvl")) is None:  # the level is the one linked to this style
                    linked = [i for i, level in self._levels.get(found[0], {}).items() if level.style == style_id]
                    found = (found[0], linked[0] if linked else found[1])
                self._style_numbering[style_id] = found

    def number(self, paragraph: Paragraph) -> str:
        """The number Word shows beside this paragraph when every level in it counts in decimals ("5.2"); "" for
        a bullet, a lettered item or an unnumbered paragraph."""
        found = self._numbering_of(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self._levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counts = self._counts.setdefault(self._abstract[num_id], [levels[i].start - 1 if i in levels else 0
                                                                 for i in range(9)])
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):  # a new "5." starts its "5.1" again
            counts[deeper] = levels[deeper].start - 1 if deeper in levels else 0
        level = levels[ilvl]
        places = [int(p) - 1 for p in _PLACE.findall(level.text)]
        if not places or not all(p in levels and levels[p].decimal for p in places):
            return ""
        for p in places:
            counts[p] = max(counts[p], levels[p].start)  # "5.1" under a heading Word did not count from this list
        return _PLACE.sub(lambda m: str(counts[int(m.group(1)) - 1]), level.text).strip().rstrip(".)")

    def _numbering_of(self, paragraph: Paragraph) -> tuple[str, int] | None:
        num_pr = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            return _num_pr(num_pr)
        style = style_of(paragraph)
        while style is not None:
            if (found := self._style_numbering.get(style.style_id)) is not None:
                return found
            style = style.base_style
        return None


def style_of(paragraph: Paragraph) -> ParagraphStyle | None:
    """`paragraph.style`, looked up once for each style of a document: python-docx looks for the default style among
    every style each time a paragraph without one is asked, so a long document took seconds for each hundred
    paragraphs."""
    found = _STYLES.setdefault(paragraph.part, {})
    style_id = paragraph._p.style
    if style_id not in found:
        found[style_id] = paragraph.style
    return found[style_id]


def _num_pr(num_pr: Any) -> tuple[str, int] | None:
    num_id = num_pr.find(qn("w:numId"))
    ilvl = num_pr.find(qn("w:ilvl"))
    value = num_id.get(qn("w:val")) if num_id is not None else None
    if not value or value == "0":  # numId 0 switches numbering off
        return None
    level = ilvl.get(qn("w:val")) if ilvl is not None else "0"
    return value, int(level) if level and level.isdigit() else 0


def _level(lvl: Any) -> _Level:
    start = lvl.find(qn("w:start"))
    fmt = lvl.find(qn("w:numFmt"))
    text = lvl.find(qn("w:lvlText"))
    style = lvl.find(qn("w:pStyle"))
    return _Level(int(start.get(qn("w:val")) or 1) if start is not None else 1,
                  (fmt.get(qn("w:val")) if fmt is not None else "decimal") in _DECIMAL,
                  text.get(qn("w:val")) or "" if text is not None else "",
                  style.get(qn("w:val")) or "" if style is not None else "")
