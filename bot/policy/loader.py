"""Reads the structured policy file and says exactly what is wrong with a bad one."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from bot.policy.model import NEXT_STEP_TAGS, Policy, PolicyPassage, PolicySection

DEFAULT_POLICY_FILE = Path(__file__).resolve().parent / "data" / "social-media-policy.json"
MAX_PASSAGE_CHARS = 600

METADATA_KEYS = (
    "title_en",
    "title_cy",
    "federation",
    "version",
    "author",
    "date_of_issue",
    "agreed_by",
    "next_review",
    "review_date",
    "source",
)
DATE_KEYS = frozenset({"date_of_issue", "review_date"})
SECTION_KEYS = ("id", "heading_en", "heading_cy", "passages")
PASSAGE_KEYS = ("id", "text")
OPTIONAL_PASSAGE_KEYS = ("next_steps", "asked_as")
MAX_WORDING_CHARS = 200
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PolicyFileError(ValueError):
    """A policy file that cannot be used; `problems` lists every fault with its location."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
        self.path = path
        self.problems = problems


def load_policy(path: Path | str = DEFAULT_POLICY_FILE) -> Policy:
    """The policy in a JSON file; PolicyFileError listing every problem when the file is bad."""
    path = Path(path)
    raw, problems = _read(path)
    if not problems:
        problems = _problems(raw)
    if problems:
        raise PolicyFileError(path, problems)
    return _build(raw)


def validate_policy_file(path: Path | str) -> list[str]:
    """Every problem with a policy file, each with its JSON location; empty when the file is fine."""
    raw, problems = _read(Path(path))
    return problems or _problems(raw)


def _read(path: Path) -> tuple[Any, list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [f"$: cannot read the file ({error.strerror or error})"]
    except UnicodeDecodeError:
        return None, ["$: the file is not UTF-8 text"]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as error:
        return None, [f"$: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"]


def _problems(raw: Any) -> list[str]:
    if not isinstance(raw, dict):
        return ["$: must be a JSON object"]
    problems = _unknown_keys(raw, "$", (*METADATA_KEYS, "sections", "not_covered"))
    problems += _question_list_problems(raw.get("not_covered", []), "$.not_covered")
    for key in METADATA_KEYS:
        problems += _text_problems(raw, key, "$")
        if (
            key in DATE_KEYS
            and isinstance(raw.get(key), str)
            and raw[key].strip()
            and _date(raw[key]) is None
        ):
            problems.append(f"$.{key}: not a date in YYYY-MM-DD form: {raw[key]!r}")
    sections = raw.get("sections")
    if "sections" not in raw:
        return [*problems, "$.sections: missing"]
    if not isinstance(sections, list) or not sections:
        return [*problems, "$.sections: must be a non-empty list"]
    section_ids: dict[str, str] = {}
    passage_ids: dict[str, str] = {}
    for i, section in enumerate(sections):
        problems += _section_problems(section, f"$.sections[{i}]", section_ids, passage_ids)
    return problems


def _section_problems(
    section: Any, where: str, section_ids: dict[str, str], passage_ids: dict[str, str]
) -> list[str]:
    if not isinstance(section, dict):
        return [f"{where}: must be an object"]
    problems = _unknown_keys(section, where, SECTION_KEYS)
    for key in SECTION_KEYS[:3]:
        problems += _text_problems(section, key, where)
    section_id = section.get("id")
    if isinstance(section_id, str) and section_id:
        if not _SLUG.match(section_id):
            problems.append(f"{where}.id: must be lower-case words joined by hyphens, not {section_id!r}")
        if section_id in section_ids:
            problems.append(
                f"{where}.id: duplicate section id {section_id!r} (also at {section_ids[section_id]})"
            )
        else:
            section_ids[section_id] = f"{where}.id"
    passages = section.get("passages")
    if "passages" not in section:
        return [*problems, f"{where}.passages: missing"]
    if not isinstance(passages, list) or not passages:
        return [*problems, f"{where}.passages: must be a non-empty list"]
    for j, passage in enumerate(passages):
        problems += _passage_problems(passage, f"{where}.passages[{j}]", section_id, passage_ids)
    return problems


def _passage_problems(passage: Any, where: str, section_id: Any, passage_ids: dict[str, str]) -> list[str]:
    if not isinstance(passage, dict):
        return [f"{where}: must be an object"]
    problems = _unknown_keys(passage, where, (*PASSAGE_KEYS, *OPTIONAL_PASSAGE_KEYS))
    for key in PASSAGE_KEYS:
        problems += _text_problems(passage, key, where)
    passage_id, text = passage.get("id"), passage.get("text")
    if isinstance(passage_id, str) and passage_id:
        if isinstance(section_id, str) and section_id and not passage_id.startswith(section_id + "."):
            problems.append(
                f"{where}.id: must start with its section id, like {section_id + '.1'!r}, not {passage_id!r}"
            )
        if passage_id in passage_ids:
            problems.append(
                f"{where}.id: duplicate passage id {passage_id!r} (also at {passage_ids[passage_id]})"
            )
        else:
            passage_ids[passage_id] = f"{where}.id"
    if isinstance(text, str) and len(text) > MAX_PASSAGE_CHARS:
        problems.append(
            f"{where}.text: {len(text)} characters, more than {MAX_PASSAGE_CHARS}; split the passage"
        )
    steps = passage.get("next_steps", [])
    if not isinstance(steps, list):
        problems.append(f"{where}.next_steps: must be a list")
    else:
        for k, step in enumerate(steps):
            if step not in NEXT_STEP_TAGS:
                problems.append(
                    f"{where}.next_steps[{k}]: unknown next step {step!r}; "
                    f"use one of {', '.join(sorted(NEXT_STEP_TAGS))}"
                )
    return problems + _question_list_problems(passage.get("asked_as", []), f"{where}.asked_as")


def _question_list_problems(questions: Any, where: str) -> list[str]:
    if not isinstance(questions, list):
        return [f"{where}: must be a list of questions"]
    problems = []
    for k, question in enumerate(questions):
        if not isinstance(question, str) or not question.strip():
            problems.append(f"{where}[{k}]: must be non-empty text")
        elif len(question) > MAX_WORDING_CHARS:
            problems.append(f"{where}[{k}]: {len(question)} characters, more than {MAX_WORDING_CHARS}")
    return problems


def _text_problems(raw: dict[str, Any], key: str, where: str) -> list[str]:
    if key not in raw:
        return [f"{where}.{key}: missing"]
    value = raw[key]
    if not isinstance(value, str):
        return [f"{where}.{key}: must be text"]
    if not value.strip():
        return [f"{where}.{key}: empty"]
    return []


def _unknown_keys(raw: dict[str, Any], where: str, known: tuple[str, ...]) -> list[str]:
    return [f"{where}.{key}: unknown key" for key in raw if key not in known]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def _build(raw: dict[str, Any]) -> Policy:
    sections = tuple(
        PolicySection(
            id=s["id"],
            heading_en=s["heading_en"],
            heading_cy=s["heading_cy"],
            passages=tuple(
                PolicyPassage(
                    id=p["id"],
                    text=p["text"],
                    next_steps=tuple(p.get("next_steps", [])),
                    asked_as=tuple(p.get("asked_as", [])),
                )
                for p in s["passages"]
            ),
        )
        for s in raw["sections"]
    )
    issued, review = _date(raw["date_of_issue"]), _date(raw["review_date"])
    assert issued is not None and review is not None  # checked by _problems
    return Policy(
        title_en=raw["title_en"],
        title_cy=raw["title_cy"],
        federation=raw["federation"],
        version=raw["version"],
        author=raw["author"],
        date_of_issue=issued,
        agreed_by=raw["agreed_by"],
        next_review=raw["next_review"],
        review_date=review,
        source=raw["source"],
        sections=sections,
        not_covered=tuple(raw.get("not_covered", [])),
    )
