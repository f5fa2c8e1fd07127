"""Optional steering data: how staff word questions about a passage, and questions the policy does not answer.

None of it is needed to answer (the policy's own words and the models do that); it sharpens answers for the
version it was written for, and is built so that a new version of the policy can never be misled by it silently:

- `asked_as` wordings are bound to their passage's text, not its id: a list applies only to a passage whose text
  is still word for word what it was written for. A reworded passage loses its list (and `policy-check` says so).
- `not_covered` questions were each checked against one version of the policy, whose passages they name by text
  hash (`checked_against`). If a passage that was not in that version answers one of them, that question stops
  counting (the revision's new AI section is not silenced by old "can I use ChatGPT?" examples). They may be in
  English or Welsh: each is read as the bot reads a question (`LexicalIndex.reading`: a Welsh one as its
  word-for-word English).
- the generic list of everyday staff questions (`data/staff-questions-not-covered.txt`: leave, pay, IT, parking...)
  was checked against no policy at all: any passage that answers one of them switches it off.

The shipped file, `data/steering.json`, is for the federation's 2022 policy; `policy-check` lists what no longer
fits a new version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.policy.loader import question_list_problems
from bot.policy.model import Policy

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_STEERING_FILE = DATA / "steering.json"
# Steering data written for a version (wordings, a not-covered list) is used only when it fits at least this share
# of a policy's passages: a partial set (a revision that kept a quarter of the old passages word for word) pulls
# questions toward the passages it fits and away from the new ones (measured: a third of a revision changed, top-1
# 74 % without the old data, 67 % with it).
VERSION_MIN_SHARE = 0.75
GENERIC_NOT_COVERED_FILE = DATA / "staff-questions-not-covered.txt"


def text_key(text: str) -> str:
    """Names a passage's text: the first 16 hex digits of the SHA-256 of its words (spacing does not matter)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Wordings:
    """The ways staff ask about one passage, bound to the passage's text."""

    passage: str  # the passage's id when the list was written: a reader's label only, never used to bind
    text: str
    asked_as: tuple[str, ...]


@dataclass(frozen=True)
class NotCovered:
    """Questions the policy does not answer, and the passages (by text key) they were checked against."""

    questions: tuple[str, ...]
    checked_against: frozenset[str]


@dataclass(frozen=True)
class Steering:
    """Everything optional that steers answers; `Steering()` is none at all."""

    wordings: tuple[Wordings, ...] = ()
    not_covered: tuple[NotCovered, ...] = ()


@dataclass(frozen=True)
class BoundSteering:
    """Steering data as it applies to one policy: per passage (document order) its wordings; every not-covered
    question with the number of its list; per list, the passages (text keys) it was checked against, empty for the
    generic list. `stale` lists the wording lists that fit no passage."""

    asked_as: tuple[tuple[str, ...], ...]
    not_covered: tuple[tuple[str, int], ...]
    checked_against: tuple[frozenset[str], ...]
    stale: tuple[Wordings, ...] = field(default=())
    set_aside: tuple[Wordings, ...] = field(default=())
    not_covered_set_aside: tuple[NotCovered, ...] = field(default=())

    def applies(self, group: int, passage_key: str) -> bool:
        """Whether a not-covered list may overrule this passage: the generic list always (a passage that answers
        one of its questions has switched that question off), a version's list only for a passage it was checked
        against."""
        checked = self.checked_against[group]
        return not checked or passage_key in checked


class SteeringFileError(ValueError):
    """A steering file that cannot be used; `problems` lists every fault with its location."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
        self.path = path
        self.problems = problems


def generic_not_covered(path: Path = GENERIC_NOT_COVERED_FILE) -> NotCovered:
    """The everyday staff questions no staff social-media policy answers, checked against no passage."""
    lines = path.read_text(encoding="utf-8").splitlines()
    questions = tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return NotCovered(questions, frozenset())


def load_steering(path: Path = DEFAULT_STEERING_FILE, *, generic: bool = True) -> Steering:
    """The steering data in a file, with the generic staff questions unless `generic` is False."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SteeringFileError(path, [f"$: cannot read the file ({error.strerror or error})"]) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SteeringFileError(path, [f"$: not valid JSON in UTF-8 ({error})"]) from error
    problems = steering_problems(raw)
    if problems:
        raise SteeringFileError(path, problems)
    wordings = tuple(
        Wordings(entry["passage"], entry["text"], tuple(entry["asked_as"])) for entry in raw.get("passages", [])
    )
    not_covered = [
        NotCovered(tuple(entry["questions"]), frozenset(entry["checked_against"]))
        for entry in raw.get("not_covered", [])
    ]
    if generic:
        not_covered.append(generic_not_covered())
    return Steering(wordings, tuple(not_covered))


def steering_problems(raw: Any) -> list[str]:
    """Every problem with a steering file's content, each with its JSON location."""
    if not isinstance(raw, dict):
        return ["$: must be a JSON object"]
    problems = [f"$.{key}: unknown key" for key in raw if key not in ("about", "passages", "not_covered")]
    for where, entry in _objects(raw, "passages", ("passage", "text", "asked_as"), problems):
        for key in ("passage", "text"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(f"{where}.{key}: must be non-empty text")
        problems += question_list_problems(entry.get("asked_as"), f"{where}.asked_as")
    for where, entry in _objects(raw, "not_covered", ("checked_against", "questions"), problems):
        checked = entry.get("checked_against")
        if not isinstance(checked, list) or not all(isinstance(k, str) and len(k) == 16 for k in checked):
            problems.append(f"{where}.checked_against: must be a list of passage text keys (16 hex digits)")
        problems += question_list_problems(entry.get("questions"), f"{where}.questions")
    return problems


def _objects(raw: dict[str, Any], key: str, known: tuple[str, ...], problems: list[str]) -> list[tuple[str, Any]]:
    """The objects listed under `key`, each with its location; what is not an object, or an unknown key inside
    one, is added to `problems`."""
    listed = raw.get(key, [])
    if not isinstance(listed, list):
        problems.append(f"$.{key}: must be a list")
        return []
    found = []
    for i, entry in enumerate(listed):
        where = f"$.{key}[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object")
            continue
        problems += [f"{where}.{name}: unknown key" for name in entry if name not in known]
        found.append((where, entry))
    return found


def bind(policy: Policy, steering: Steering) -> BoundSteering:
    """The steering data that fits this policy. Wordings written into the policy file itself (the old way) count as
    bound to the text they sit beside, and its not-covered questions as checked against this very version."""
    passages = policy.all_passages()
    by_text: dict[str, list[int]] = {}
    for position, passage in enumerate(passages):
        by_text.setdefault(text_key(passage.text), []).append(position)
    asked: list[list[str]] = [list(p.asked_as) for p in passages]
    stale: list[Wordings] = []
    fitting: list[tuple[Wordings, list[int]]] = []
    for entry in steering.wordings:
        positions = by_text.get(text_key(entry.text))
        if positions is None:
            stale.append(entry)
        else:
            fitting.append((entry, positions))

    def of_this_version(positions: int) -> bool:
        return positions >= VERSION_MIN_SHARE * len(passages)

    set_aside: list[Wordings] = []
    if passages and not of_this_version(len({p for _, positions in fitting for p in positions})):
        set_aside = [entry for entry, _ in fitting]
    else:
        for entry, positions in fitting:
            for position in positions:
                asked[position].extend(entry.asked_as)
    kept: list[NotCovered] = []
    lists_set_aside: list[NotCovered] = []
    for group in steering.not_covered:
        checked = sum(len(positions) for key, positions in by_text.items() if key in group.checked_against)
        # The generic list was checked against no version: it is every version's.
        if not group.checked_against or of_this_version(checked):
            kept.append(group)
        else:
            lists_set_aside.append(group)
    groups = [NotCovered(policy.not_covered, frozenset(by_text)), *kept]
    not_covered: dict[str, int] = {}
    for number, group in enumerate(groups):
        for question in group.questions:
            not_covered.setdefault(question, number)  # the first list that has a question keeps it
    return BoundSteering(
        tuple(tuple(dict.fromkeys(a)) for a in asked),
        tuple(not_covered.items()),
        tuple(group.checked_against for group in groups),
        tuple(stale),
        tuple(set_aside),
        tuple(lists_set_aside),
    )
