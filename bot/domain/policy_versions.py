"""Versions of the policy kept in storage: which is current, what changed from the one before, and the rules for
publishing a new one (newer than the current, never the same document twice).

The shipped policy file is only the default while storage holds no version. A version is identified by the number
the document gives ("2", "2.1"); the document itself by the sha256 the importer records, so the same file sent
twice is recognised and starts no second read-and-confirm campaign.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from bot.policy.document_lines import unnumbered
from bot.policy.model import Policy, PolicySection

_VERSION = re.compile(r"^\d{1,5}(?:\.\d{1,5}){0,3}$")
# Who published a version by `python -m bot publish-policy` without `--by` (records keep it as written; cards show it
# in the reader's language).
BY_COMMAND = "the policy owner (command line)"


class PublishRefused(Exception):
    """A version that may not be published (or made current); `key` names the explanation in the catalogue."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class PolicyTooLarge(ValueError):
    """A policy file too large to keep as one version in storage."""


def version_number(version: str) -> tuple[int, ...]:
    """"2.1" -> (2, 1); PublishRefused when the document gives no usable version number."""
    text = version.strip()
    if not text:
        raise PublishRefused("publish.no_version")
    if not _VERSION.match(text):
        raise PublishRefused("publish.bad_version", version=text[:40])
    parts = [int(part) for part in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # "2.0" is version 2
    return tuple(parts)


def version_key(version: str) -> str:
    """A key that sorts versions in order ("2.1" -> "00002.00001")."""
    return ".".join(f"{part:05d}" for part in version_number(version))


def document_sha256(data: Mapping[str, Any]) -> str:
    """The document's fingerprint: the sha256 the importer recorded, else that of the policy file's content."""
    document = data.get("document")
    if isinstance(document, Mapping) and isinstance(document.get("sha256"), str):
        return str(document["sha256"])
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SectionChange:
    """How one section differs from the version before: `kind` is "added", "removed" or "changed"."""

    kind: str
    section_id: str
    heading_en: str
    heading_cy: str = ""
    # The heading it had before, when it was renamed (and its Welsh, where the version before gave it one).
    was_en: str = ""
    added: int = 0
    removed: int = 0
    reworded: int = 0
    was_cy: str = ""

    def heading(self, lang: str) -> str:
        """The heading in "en" or "cy" (English where it has no Welsh)."""
        return self.heading_cy if lang == "cy" and self.heading_cy else self.heading_en

    def was(self, lang: str) -> str:
        """The heading it had before it was renamed, in "en" or "cy" (English where it had no Welsh); "" if never."""
        return self.was_cy if lang == "cy" and self.was_cy else self.was_en


@dataclass(frozen=True)
class DetailChange:
    """A detail of the document (`name`, as `PolicyDetails.asked` knows it: "next_review") given otherwise than the
    version before gave it: as it was and as it is, in English and as a Welsh card shows it."""

    name: str
    was_en: str
    now_en: str
    was_cy: str = ""
    now_cy: str = ""

    def was(self, lang: str) -> str:
        """As the version before gave it, in "en" or "cy"."""
        return self.was_cy if lang == "cy" and self.was_cy else self.was_en

    def now(self, lang: str) -> str:
        """As this version gives it, in "en" or "cy"."""
        return self.now_cy if lang == "cy" and self.now_cy else self.now_en


@dataclass(frozen=True)
class PolicyChanges:
    """What changed from `previous` (a version number; empty when there was nothing to compare with); `welsh`
    counts the headings and passages given new or changed Welsh (`changed_welsh`); `details`, the document's details
    given otherwise (None for a version stored before they were kept: not known)."""

    previous: str = ""
    sections: tuple[SectionChange, ...] = ()
    welsh: int = 0
    details: tuple[DetailChange, ...] | None = None

    @property
    def same_rules(self) -> bool:
        """True when a version's words are those of the version before, English and Welsh: only its details, or only
        its number, are new (staff are asked to confirm it all the same, and are told why)."""
        return bool(self.previous) and not self.sections and not self.welsh and self.details is not None

    def as_data(self) -> dict[str, Any]:
        """Plain data for storage."""
        data: dict[str, Any] = {"previous": self.previous, "sections": [vars(change) for change in self.sections],
                                "welsh": self.welsh}
        if self.details is not None:
            data["details"] = [vars(change) for change in self.details]
        return data

    @classmethod
    def from_data(cls, raw: Any) -> PolicyChanges:
        """Read what `as_data` wrote (an unreadable value is no changes)."""
        if not isinstance(raw, dict):
            return cls()
        welsh = raw.get("welsh")
        details = raw.get("details")
        return cls(previous=str(raw.get("previous") or ""),
                   sections=_each_read(raw.get("sections"), lambda item: SectionChange(**item)),
                   welsh=welsh if isinstance(welsh, int) and not isinstance(welsh, bool) else 0,
                   details=_each_read(details, lambda item: DetailChange(**{k: str(v) for k, v in item.items()}))
                   if isinstance(details, list) else None)


_Change = TypeVar("_Change", SectionChange, DetailChange)


def _each_read(raw: Any, read: Callable[[dict[str, Any]], _Change]) -> tuple[_Change, ...]:
    """Each change of a stored list, as `read` makes it from its fields; one it cannot make (a field missing, or one
    it does not know) is left out."""
    found = []
    for item in raw if isinstance(raw, list) else ():
        if isinstance(item, dict):
            try:
                found.append(read(item))
            except TypeError:
                continue
    return tuple(found)


def _texts(section: PolicySection) -> list[str]:
    return [passage.text for passage in section.passages]


# Words every rule uses, left out when telling whether two passages are one reworded.
_LITTLE_WORDS = frozenset("a an and are as at be by for from in is it its of on or our that the their they this to we "
                          "with you your".split())
# Two passages are one reworded when this share of their words (little words aside) is the same: "are still subject
# to copyright, data protection …" and "is still subject to copyright, UK GDPR …" are; rules on other subjects that
# share the policy's everyday words ("staff", "social media", "pupils") are not.
_ALIKE = 0.5


def _words(text: str) -> frozenset[str]:
    folded = text.casefold().replace("’", "").replace("'", "")
    return frozenset(word for word in re.findall(r"\w+", folded) if word not in _LITTLE_WORDS)


def _alike(one: frozenset[str], other: frozenset[str]) -> bool:
    return bool(one and other) and 2 * len(one & other) >= _ALIKE * (len(one) + len(other))


def _continued(old: PolicySection, new: PolicySection) -> int:
    """How many of `old`'s passages `new` still has, word for word or reworded."""
    kept = [_words(text) for text in _texts(new)]
    return sum(1 for text in _texts(old) if any(_alike(_words(text), words) for words in kept))


def _matches(new: Sequence[PolicySection], old: Sequence[PolicySection]) -> dict[int, PolicySection]:
    """Which section of the version before each new section (by position) continues: same id or same heading; else,
    renamed, the one most of whose passages it still has, word for word or reworded (the most kept first)."""
    found: dict[int, PolicySection] = {}
    unmatched = list(old)
    for at, section in enumerate(new):
        before = next((s for s in unmatched if s.id == section.id), None) or next(
            (s for s in unmatched if s.heading_en.casefold() == section.heading_en.casefold()), None)
        if before is not None:
            found[at] = before
            unmatched.remove(before)
    candidates = sorted(
        ((kept, kept / len(before.passages), -at, at, before) for at, section in enumerate(new) if at not in found
         for before in unmatched
         if 2 * (kept := _continued(before, section)) >= min(len(before.passages), len(section.passages)) > 0),
        key=lambda candidate: candidate[:3], reverse=True)
    for _, _, _, at, before in candidates:
        if at not in found and before in unmatched:
            found[at] = before
            unmatched.remove(before)
    return found


def compare_policies(old: Policy | None, new: Policy) -> PolicyChanges:
    """Sections added, removed and changed, in the new version's order (removed ones last)."""
    if old is None:
        return PolicyChanges()
    matched = _matches(new.sections, old.sections)
    changes: list[SectionChange] = []
    for at, section in enumerate(new.sections):
        before = matched.get(at)
        if before is None:
            changes.append(SectionChange("added", section.id, section.heading_en, section.heading_cy,
                                         added=len(section.passages)))
            continue
        gone = Counter(_texts(before)) - Counter(_texts(section))
        came = Counter(_texts(section)) - Counter(_texts(before))
        renamed = unnumbered(before.heading_en) != unnumbered(section.heading_en)  # not "C." become "D."
        if not gone and not came and not renamed:
            continue
        reworded = min(sum(gone.values()), sum(came.values()))
        changes.append(SectionChange(
            "changed", section.id, section.heading_en, section.heading_cy,
            was_en=before.heading_en if renamed else "", added=sum(came.values()) - reworded,
            removed=sum(gone.values()) - reworded, reworded=reworded, was_cy=before.heading_cy if renamed else ""))
    kept = list(matched.values())
    changes += [SectionChange("removed", s.id, s.heading_en, s.heading_cy, removed=len(s.passages))
                for s in old.sections if not any(s is k for k in kept)]
    details = tuple(DetailChange(name, old.details.asked(name, "en"), new.details.asked(name, "en"),
                                 old.details.asked(name, "cy"), new.details.asked(name, "cy"))
                    for name in changed_details(old, new))
    return PolicyChanges(previous=old.details.version, sections=tuple(changes), welsh=changed_welsh(old, new),
                         details=details)


def changed_welsh(old: Policy, new: Policy) -> int:
    """How many headings and passages `new` gives Welsh that `old` does not, added or worded otherwise, where both
    have the same English; Welsh only `old` gives is no change (a document sent without it loses nothing)."""
    headings = {section.heading_en: section.heading_cy for section in old.sections}
    passages = {passage.text: passage.text_cy for passage in old.all_passages()}
    return (sum(1 for section in new.sections if section.heading_cy and section.heading_en in headings
                and headings[section.heading_en] != section.heading_cy)
            + sum(1 for passage in new.all_passages() if passage.text_cy and passage.text in passages
                  and passages[passage.text] != passage.text_cy))


@dataclass(frozen=True)
class PolicyVersion:
    """One stored version: its document, who published it and when, and what changed from the one before."""

    version: str
    sha256: str
    title: str
    published_at: datetime
    published_by: str
    published_by_id: str = ""
    file: str = ""
    date_of_issue: date | None = None
    changes: PolicyChanges = field(default_factory=PolicyChanges)
    # False for the version kept only so it can be gone back to (the shipped file): staff are never asked to read it.
    campaign: bool = True

    @property
    def key(self) -> str:
        """Its key in storage, sorting versions in order."""
        return version_key(self.version)


@dataclass(frozen=True)
class CurrentPointer:
    """Which stored version is current; `marker` changes whenever the pointer is written (a cheap poll). `previous`:
    the version in force just before the pointer moved here (what Withdraw on the card of a version sent again goes
    back to); "" for a pointer written before it was kept."""

    version: str
    marker: str
    previous: str = ""


@dataclass(frozen=True)
class Draft:
    """A document the policy owner sent, checked and waiting for their click on Publish."""

    draft_id: str
    data: dict[str, Any]
    warnings: tuple[str, ...]
    sent_by_id: str
    sent_at: datetime


class PolicyVersions(Protocol):
    """Port: every stored version, the pointer to the current one, and the campaigns still owed."""

    async def get_pointer(self) -> CurrentPointer | None:
        """The current pointer (one small row), or None while storage holds no version."""
        ...

    async def get(self, version: str) -> PolicyVersion:
        """A stored version's record; `RecordNotFound` when there is none."""
        ...

    async def list_versions(self) -> list[PolicyVersion]:
        """Every stored version, oldest first."""
        ...

    async def get_policy_data(self, version: str) -> dict[str, Any]:
        """A stored version's policy file content; `RecordNotFound` when it is missing."""
        ...

    async def publish(self, record: PolicyVersion, data: Mapping[str, Any], *, expected: CurrentPointer | None,
                      earlier: tuple[PolicyVersion, Mapping[str, Any]] | None = None) -> None:
        """Store the version and make it current, with a campaign owed for it, all in one transaction (with
        `earlier`, the version in force before, kept beside it); `ConcurrentChange` when the pointer is no longer
        `expected`, `RecordExists` when the version is stored."""
        ...

    async def make_current(self, version: str, *, by: str, expected: CurrentPointer | None) -> None:
        """Point at a stored version (no new campaign), with its campaign owed again in the same write, so that the
        cards of the other versions still waiting are taken back (`ReadingFlow.settle`); `ConcurrentChange` when the
        pointer moved meanwhile."""
        ...

    async def list_owed_campaigns(self) -> list[str]:
        """Versions whose read-and-confirm campaign has not been fully queued yet."""
        ...

    async def campaign_queued(self, version: str) -> None:
        """The campaign of a version is queued: it is no longer owed."""
        ...

    async def save_draft(self, draft: Draft) -> None:
        """Keep a checked document until the policy owner publishes it."""
        ...

    async def get_draft(self, draft_id: str) -> Draft:
        """A draft; `RecordNotFound` when there is none."""
        ...

    async def delete_draft(self, draft_id: str) -> None:
        """Forget a draft (nothing happens when it is gone already)."""
        ...


@dataclass(frozen=True)
class PublishPlan:
    """What publishing a document will do: store a new version with a campaign, or make a stored one current
    again (it had its campaign when it was first published)."""

    version: str
    reinstate: bool = False


# The details staff see on the About card that a document may give otherwise under the same version number.
_DETAILS = ("title", "author", "date_of_issue", "agreed_by", "last_reviewed", "next_review", "authorisation",
            "schools")


def same_version_and_words(in_force: Policy, sent: Policy) -> bool:
    """True when `sent` has the version number and, section by section, the English words of the policy in force,
    whatever file it came in (the shipped policy file, the document it was made from, a re-saved copy)."""
    if not _comparable(in_force.details.version) or not _comparable(sent.details.version):
        return False
    same_number = version_number(in_force.details.version) == version_number(sent.details.version)
    return same_number and not compare_policies(in_force, sent).sections


def changed_details(in_force: Policy, sent: Policy) -> tuple[str, ...]:
    """The details both documents give and `sent` gives otherwise ("next_review"), as the About card shows them; one
    only one of them gives is no correction (the shipped file gives fewer details than the school's document)."""
    return tuple(name for name in _DETAILS
                 if (was := in_force.details.asked(name, "en")) and (now := sent.details.asked(name, "en"))
                 and was != now)


def unchanged_policy(in_force: Policy, sent: Policy) -> bool:
    """True when `sent` is the policy in force again: its version number, words (the Welsh too) and details."""
    return (same_version_and_words(in_force, sent) and not changed_details(in_force, sent)
            and not changed_welsh(in_force, sent))


def _next_numbers(version: str) -> tuple[str, str]:
    """The numbers to suggest after `version`: for a new version ("2" -> "3") and for a correction ("2" -> "2.1",
    "2.1" -> "2.2")."""
    parts = version_number(version)
    minor = (*parts[:-1], parts[-1] + 1) if len(parts) > 1 else (*parts, 1)
    return str(parts[0] + 1), ".".join(map(str, minor))


def _unused_correction(version: str, stored: Sequence[PolicyVersion]) -> str:
    """The first correction's number after `version` that no stored version has ("2" -> "2.1", or "2.2" when 2.1 was
    published and withdrawn too): a revised draft of a version withdrawn is its correction, not a new version."""
    used = {version_number(v.version) for v in stored}
    number = _next_numbers(version)[1]
    while version_number(number) in used:
        number = _next_numbers(number)[1]
    return number


def plan_publish(version: str, sha256: str, *, current: PolicyVersion | None, default_version: str,
                 stored: Sequence[PolicyVersion], unchanged: bool = False, welsh_changed: bool = False,
                 details_only: bool = False) -> PublishPlan:
    """The plan for publishing this document, or PublishRefused saying why not: older than the version in force;
    already current by its sha256 or, `unchanged`, by its content (`unchanged_policy`); the version in force with
    Welsh added or changed (`welsh_changed`) or only its details given otherwise (`details_only`): a version in
    force is never changed, as a new number with new Welsh or new details alone is a new version; or the number of
    a version stored, or of the shipped file in force, with other content (it would replace that text, which could
    then never be gone back to)."""
    in_force = current.version if current is not None else default_version
    if unchanged:
        raise PublishRefused("publish.already_current", version=in_force)
    if welsh_changed:
        raise PublishRefused("publish.welsh_changed", version=in_force, next=_next_numbers(in_force)[1])
    if details_only:
        raise PublishRefused("publish.details_only", version=in_force, next=_next_numbers(in_force)[1])
    wanted = version_number(version)
    same_number = next((v for v in stored if version_number(v.version) == wanted), None)
    if current is not None:
        now = version_number(current.version)
        if current.sha256 == sha256 or (wanted == now and same_number is not None and same_number.sha256 == sha256):
            raise PublishRefused("publish.already_current", version=current.version)
        if wanted < now:
            raise PublishRefused("publish.older", version=version, current=current.version)
    elif default_version and _comparable(default_version):
        if wanted < version_number(default_version):
            raise PublishRefused("publish.older", version=version, current=default_version)
        if wanted == version_number(default_version):
            raise PublishRefused("publish.same_number_installed", version=default_version,
                                 next=_next_numbers(default_version)[0])
    if same_number is not None:
        if same_number.sha256 != sha256:
            raise PublishRefused("publish.same_number", version=same_number.version,
                                 next=_unused_correction(same_number.version, stored))
        return PublishPlan(same_number.version, reinstate=True)
    return PublishPlan(version)


def _comparable(version: str) -> bool:
    try:
        version_number(version)
    except PublishRefused:
        return False
    return True
