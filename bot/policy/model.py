"""The policy as typed, immutable records: the document's details, sections and verbatim passages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.policy.details import PolicyDetails

# What a passage may lead to; the cards turn each into a button.
NEXT_STEP_TAGS = frozenset({"request_permission", "report_concern", "blog_disclaimer", "photo_checklist"})
# An answer quotes the whole paragraph of its best passage up to this size (longer: the sentences that answer).
PARAGRAPH_PASSAGES = 3
PARAGRAPH_CHARS = 600
_QUOTED = re.compile(r"\"([^\"]{20,})\"")  # a disclaimer quoted in the policy's sentence


@dataclass(frozen=True)
class PolicyPassage:
    """One sentence or short paragraph of the policy, verbatim, with a stable id like "personal-use.3"."""

    id: str
    text: str
    next_steps: tuple[str, ...] = ()
    # How staff might ask about this passage, in their words: used to find it, never shown as the policy.
    asked_as: tuple[str, ...] = ()
    # The same passage in the document's own Welsh, where a bilingual document gives it: Welsh cards quote it.
    text_cy: str = ""
    # Its clause number in the document ("4.2"), typed or Word's, where the document numbers its paragraphs.
    clause: str = ""
    # It goes on from the passage before it, in one paragraph of the document (its later sentences).
    continues: bool = False

    def quote(self, lang: str) -> str:
        """The passage as a card in "en" or "cy" quotes it: the document's Welsh where it has one."""
        return self.text_cy if lang == "cy" and self.text_cy else self.text


def quotes(passages: Sequence[PolicyPassage], lang: str) -> list[str]:
    """Passages as a card quotes them in "en" or "cy", each clause's number before its first words ("5.2 Where a
    pupil …"), as the document prints it."""
    shown: list[str] = []
    for n, passage in enumerate(passages):
        numbered = passage.clause and (n == 0 or passages[n - 1].clause != passage.clause)
        shown.append(f"{passage.clause} {passage.quote(lang)}" if numbered else passage.quote(lang))
    return shown


@dataclass(frozen=True)
class PolicySection:
    """One headed section of the policy."""

    id: str
    heading_en: str
    # Empty where nobody has written the heading in Welsh (an imported document): Welsh cards show the English.
    heading_cy: str
    passages: tuple[PolicyPassage, ...]

    def heading(self, lang: str) -> str:
        """The heading in "en" or "cy" (English for anything else, and where it has no Welsh)."""
        return self.heading_cy if lang == "cy" and self.heading_cy else self.heading_en


@dataclass(frozen=True)
class Policy:
    """The whole policy: the document's details, then its sections in document order."""

    details: PolicyDetails
    sections: tuple[PolicySection, ...]
    # Questions staff ask that the policy does not answer: the bot abstains on questions nearer these.
    not_covered: tuple[str, ...] = ()

    def section(self, section_id: str) -> PolicySection:
        """The section with this id; KeyError when there is none."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def passage(self, passage_id: str) -> PolicyPassage:
        """The passage with this id; KeyError when there is none."""
        for passage in self.all_passages():
            if passage.id == passage_id:
                return passage
        raise KeyError(passage_id)

    def section_of(self, passage_id: str) -> PolicySection:
        """The section a passage belongs to; KeyError when there is no such passage."""
        for section in self.sections:
            if any(p.id == passage_id for p in section.passages):
                return section
        raise KeyError(passage_id)

    def all_passages(self) -> tuple[PolicyPassage, ...]:
        """Every passage in document order."""
        return tuple(p for section in self.sections for p in section.passages)

    def in_context(self, passages: Sequence[PolicyPassage]) -> tuple[PolicyPassage, ...]:
        """What a card quotes for an answer's passages (the best first): the best one's whole paragraph, in the
        document's order, when that paragraph is short (its other sentences may say what to do: "… do not respond.
        Take screenshots and report it to your line manager."), then the others."""
        if not passages:
            return ()
        every = self.all_passages()
        at = next((n for n, p in enumerate(every) if p.id == passages[0].id), None)
        if at is None:
            return tuple(passages)
        start, end = at, at + 1
        while every[start].continues and start > 0:
            start -= 1
        while end < len(every) and every[end].continues:
            end += 1
        paragraph = every[start:end]
        if not 1 < len(paragraph) <= PARAGRAPH_PASSAGES or sum(len(p.text) for p in paragraph) > PARAGRAPH_CHARS:
            return tuple(passages)
        return (*paragraph, *(p for p in passages[1:] if p not in paragraph))

    def passages_with(self, next_step: str) -> tuple[PolicyPassage, ...]:
        """The passages tagged with a next step, in document order."""
        return tuple(p for p in self.all_passages() if next_step in p.next_steps)

    def disclaimer(self) -> tuple[str, PolicyPassage] | None:
        """The standard blog disclaimer in the policy's words (the quoted one about "views", else the first tagged
        passage), and the passage it is in; None when no passage gives one."""
        passages = self.passages_with("blog_disclaimer")
        quoted = [(m.group(1), p) for p in passages for m in _QUOTED.finditer(p.text)]
        chosen = next(((q, p) for q, p in quoted if "views" in q.lower()),
                      (passages[0].text, passages[0]) if passages else None)
        return chosen if chosen is not None and chosen[0] else None

    def review_overdue(self, today: date) -> bool:
        """True once the review date has passed (never when the document gives none)."""
        return self.details.review_date is not None and today > self.details.review_date
