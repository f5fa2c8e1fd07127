"""Where a card's button opens the policy, found again in whichever version is in force when it is pressed.

Cards stay in chats for months while new versions are published. Section ids in the shipped file are hand-made
("communicating-with-public"), a version imported from the school's document takes them from its headings, and
passage ids are positions ("….12"): a rule added above a passage moves every id after it. So a button also carries a
short mark of the words it points at (the section's heading, the passage), and the place is found by those words
first, by its ids only where the words still agree.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from bot.policy.model import Policy, PolicyPassage, PolicySection

MARK_LENGTH = 12
_MARK = re.compile(r"[0-9a-f]{12}")


def words_mark(words: str) -> str:
    """A short mark of some of the policy's words: the same words, however spaced or cased, give the same mark."""
    folded = " ".join(unicodedata.normalize("NFKC", words).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:MARK_LENGTH]


def heading_mark(section: PolicySection) -> str:
    """The mark of a section's heading in the English document (its Welsh heading may be added later)."""
    return words_mark(section.heading_en)


def passage_mark(passage: PolicyPassage) -> str:
    """The mark of a passage's words in the English document."""
    return words_mark(passage.text)


@dataclass(frozen=True)
class PolicyPlace:
    """A place in the policy as a button names it: a section, a passage of it to open at ("" for its start), and the
    marks of their words ("" on buttons made before they carried marks)."""

    section: str
    passage: str = ""
    section_mark: str = ""
    passage_mark: str = ""

    @classmethod
    def of(cls, section: PolicySection, passage: PolicyPassage | None = None) -> PolicyPlace:
        """The place a button made now names, with the marks of its words."""
        if passage is None:
            return cls(section.id, section_mark=heading_mark(section))
        return cls(section.id, passage.id, heading_mark(section), passage_mark(passage))


@dataclass(frozen=True)
class FoundPlace:
    """Where a button opens the version in force: a section, and the passage to show first ("" for its start)."""

    section: PolicySection
    passage: str = ""


def _mark(value: str) -> str:
    """A mark as the bot makes them, or "" for anything else a card may carry."""
    return value if _MARK.fullmatch(value) else ""


def find_place(policy: Policy, place: PolicyPlace, *, shipped: Policy | None = None) -> FoundPlace | None:
    """The place a button names, in `policy`: the passage with its words (wherever it is now), else the section
    (by its id, or by its heading's words when the id has changed) from its start; None when `policy` has neither.

    A button made before buttons carried marks names the shipped file's ids (`shipped`), whose words are known; a
    passage id without its words is otherwise not trusted, since it may name another passage now."""
    wanted_section, wanted_passage = _mark(place.section_mark), _mark(place.passage_mark)
    if shipped is not None and not wanted_section:
        wanted_section = next((heading_mark(s) for s in shipped.sections if s.id == place.section), "")
    if shipped is not None and not wanted_passage and place.passage:
        named = next((s for s in shipped.sections if s.id == place.section), None)
        wanted_passage = next((passage_mark(p) for p in named.passages if p.id == place.passage), "") if named else ""
    section = _section(policy, place.section, wanted_section)
    if wanted_passage:
        same = [p for p in policy.all_passages() if passage_mark(p) == wanted_passage]
        # The same words may stand in two places: the one the button named, else the one in its section.
        best = next((p for p in same if p.id == place.passage), None) or next(
            (p for p in same if section is not None and p in section.passages), None) or next(iter(same), None)
        if best is not None:
            return FoundPlace(policy.section_of(best.id), best.id)
    return FoundPlace(section) if section is not None else None


def _section(policy: Policy, section_id: str, wanted: str) -> PolicySection | None:
    """The section with this id, unless its heading's words say another section is the one the button meant."""
    by_id = next((s for s in policy.sections if s.id == section_id), None)
    if not wanted or (by_id is not None and heading_mark(by_id) == wanted):
        return by_id
    # The id names another section now, or none: the heading's words find it; else a renamed heading kept its id.
    return next((s for s in policy.sections if heading_mark(s) == wanted), by_id)
