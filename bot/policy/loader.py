"""Reads the structured policy file and says exactly what is wrong with a bad one.

The file (see the README's policy section for its schema) holds the document's details, its sections with stable
ids and its passages verbatim. Only the title and the sections are required: an imported document gives the
details it has. Steering data (`asked_as`, `not_covered`) is still read from today's shipped file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from bot.policy.details import details_from
from bot.policy.model import NEXT_STEP_TAGS, Policy, PolicyPassage, PolicySection
from bot.policy.notes import Note, note, os_fault

DEFAULT_POLICY_FILE = Path(__file__).resolve().parent / "data" / "social-media-policy.json"
POLICY_FILE_VARIABLE = "POLICY_FILE"
# What one answer card quotes at most (about six lines on a phone); a longer passage must be split.
MAX_PASSAGE_CHARS = 600
# The most passages a policy may have: the largest policy imported here has 122; thousands (a whole
# handbook, a generated file) would make every answer slow and the index too big to build.
MAX_PASSAGES = 400

# Details in English as the document gives them; each may have a Welsh override, "<key>_cy".
DETAIL_KEYS = ("federation", "status", "author", "agreed_by", "next_review", "authorised_by", "source", "issued_as",
               "last_reviewed_as")
DATE_KEYS = ("date_of_issue", "last_reviewed", "review_date", "authorised_on")
TOP_KEYS = (
    "title_en", "title_cy", *DETAIL_KEYS, *(f"{key}_cy" for key in DETAIL_KEYS), "version", *DATE_KEYS,
    "schools", "document", "sections", "not_covered",
)
SECTION_KEYS = ("id", "heading_en", "heading_cy", "passages")
PASSAGE_KEYS = ("id", "text")
OPTIONAL_PASSAGE_KEYS = ("text_cy", "clause", "continues", "next_steps", "asked_as")
MAX_WORDING_CHARS = 200
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CLAUSE = re.compile(r"\d{1,3}(?:\.\d{1,3})+")


def policy_file(option: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The policy file every command and the bot read: `--policy` when given, else POLICY_FILE, else the shipped
    file. An empty value counts as not given."""
    environ = os.environ if environ is None else environ
    chosen = str(option or "").strip() or environ.get(POLICY_FILE_VARIABLE, "").strip()
    return Path(chosen) if chosen else DEFAULT_POLICY_FILE


class PolicyFileUnreadable(Exception):
    """The policy file a command was given cannot be opened at all (not there, a folder, not permitted); the message
    is one line naming the file and what named it, and `note` says it in the string tables' words (for a command's
    `--lang`). Every command stops with it, exit 2."""

    def __init__(self, message: str, said: Note) -> None:
        super().__init__(message)
        self.note = said


def readable_policy_file(option: Path | str | None = None, environ: Mapping[str, str] | None = None, *,
                         named: str = "by --policy") -> Path:
    """The policy file `policy_file` chooses, or PolicyFileUnreadable when it cannot be opened: a typo in --policy,
    or a POLICY_FILE left naming a file that has gone, says which file and where it came from (`named`: how the
    option was given, "on the command line" for a FILE argument)."""
    environ = os.environ if environ is None else environ
    path = policy_file(option, environ)
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        where = policy_file_origin(option, environ, named=named)
        said = note("policy.cannot_read", path=str(path), where=origin_note(option, environ, named=named),
                    reason=os_fault(error, reading=True))
        raise PolicyFileUnreadable(f"cannot read {path}, {where}: {error.strerror or error}", said) from error
    return path


def origin_note(option: Path | str | None = None, environ: Mapping[str, str] | None = None, *,
                named: str = "by --policy") -> Note:
    """`policy_file_origin` as a note of the string tables, for a command's `--lang`."""
    environ = os.environ if environ is None else environ
    if str(option or "").strip():
        return note("policy.origin.command_line" if named == "on the command line" else "policy.origin.option")
    if environ.get(POLICY_FILE_VARIABLE, "").strip():
        return note("policy.origin.environment")
    return note("policy.origin.shipped")


def policy_file_origin(option: Path | str | None = None, environ: Mapping[str, str] | None = None, *,
                       named: str = "by --policy") -> str:
    """Which rule chose the policy file, as the commands say it: "the policy file named by POLICY_FILE"."""
    environ = os.environ if environ is None else environ
    if str(option or "").strip():
        return f"the policy file named {named}"
    if environ.get(POLICY_FILE_VARIABLE, "").strip():
        return f"the policy file named by {POLICY_FILE_VARIABLE}"
    return "the shipped policy file"


def add_policy_option(parser: argparse.ArgumentParser) -> None:
    """The `--policy FILE` option, worded the same for every command; resolve it with `policy_file`."""
    parser.add_argument("--policy", type=Path, metavar="FILE",
                        help=f"the policy file (default: ${POLICY_FILE_VARIABLE}, else the shipped file)")


class PolicyFileError(ValueError):
    """A policy file that cannot be used; `problems` lists every fault with its location."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
        self.path = path
        self.problems = problems


def load_policy(path: Path | str = DEFAULT_POLICY_FILE) -> Policy:
    """The policy in a JSON file; PolicyFileError listing every problem when the file is bad."""
    return _build(load_policy_data(path))


def load_policy_data(path: Path | str = DEFAULT_POLICY_FILE) -> dict[str, Any]:
    """A policy file's checked content, as data (to store it); PolicyFileError listing every problem."""
    path = Path(path)
    raw, problems = _read(path)
    if not problems:
        problems = _problems(raw)
    if problems:
        raise PolicyFileError(path, problems)
    data: dict[str, Any] = raw
    return data


def policy_from_data(raw: Any, where: str = "stored policy") -> Policy:
    """The policy in a policy file's content (e.g. a version kept in storage); PolicyFileError when it is bad."""
    problems = _problems(raw)
    if problems:
        raise PolicyFileError(Path(where), problems)
    return _build(raw)


def validate_policy_file(path: Path | str) -> list[str]:
    """Every problem with a policy file, each with its JSON location; empty when the file is fine."""
    raw, problems = _read(Path(path))
    return problems or _problems(raw)


def validate_policy_data(raw: Any) -> list[str]:
    """Every problem with a policy file's content, as `validate_policy_file` lists them."""
    return _problems(raw)


def _read(path: Path) -> tuple[Any, list[str]]:
    if path.suffix.lower() in (".docx", ".doc", ".txt", ".md", ".pdf", ".odt", ".rtf"):
        return None, [f"$: {path.name} is the policy document, not a policy file: turn it into one with "
                      f"python -m bot import-policy '{path}' --out policy.json"]
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
    problems = _unknown_keys(raw, "$", TOP_KEYS)
    problems += question_list_problems(raw.get("not_covered", []), "$.not_covered")
    problems += _text_problems(raw, "title_en", "$")
    for key in ("title_cy", "version", *DETAIL_KEYS, *(f"{key}_cy" for key in DETAIL_KEYS)):
        if key in raw:
            problems += _text_problems(raw, key, "$")
    for key in DETAIL_KEYS:
        if f"{key}_cy" in raw and key not in raw:
            problems.append(f"$.{key}_cy: a Welsh {key} needs the English $.{key}")
    for key in DATE_KEYS:
        if key in raw and (not isinstance(raw[key], str) or _date(raw[key]) is None):
            problems.append(f"$.{key}: not a date in YYYY-MM-DD form: {raw[key]!r}")
    problems += _schools_problems(raw.get("schools", []))
    problems += _document_problems(raw.get("document", {}))
    sections = raw.get("sections")
    if "sections" not in raw:
        return [*problems, "$.sections: missing"]
    if not isinstance(sections, list) or not sections:
        return [*problems, "$.sections: must be a non-empty list"]
    section_ids: dict[str, str] = {}
    passage_ids: dict[str, str] = {}
    for i, section in enumerate(sections):
        problems += _section_problems(section, f"$.sections[{i}]", section_ids, passage_ids)
    if len(passage_ids) > MAX_PASSAGES:
        problems.append(f"$.sections: {len(passage_ids)} passages, more than {MAX_PASSAGES}: the file should hold the "
                        "staff social-media policy alone")
    return problems


def _schools_problems(schools: Any) -> list[str]:
    if not isinstance(schools, list):
        return ['$.schools: must be a list of {"en": name, "cy": Welsh name (optional)}']
    problems: list[str] = []
    for i, school in enumerate(schools):
        if not isinstance(school, dict):
            problems.append(f"$.schools[{i}]: must be an object")
            continue
        problems += _unknown_keys(school, f"$.schools[{i}]", ("en", "cy"))
        problems += _text_problems(school, "en", f"$.schools[{i}]")
        if "cy" in school:
            problems += _text_problems(school, "cy", f"$.schools[{i}]")
    return problems


def _document_problems(document: Any) -> list[str]:
    if not isinstance(document, dict):
        return ["$.document: must be an object with the imported file's name and sha256"]
    problems = _unknown_keys(document, "$.document", ("file", "sha256"))
    if document:
        problems += _text_problems(document, "file", "$.document")
        digest = document.get("sha256")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            problems.append("$.document.sha256: must be 64 lower-case hex digits")
    return problems


def _section_problems(
    section: Any, where: str, section_ids: dict[str, str], passage_ids: dict[str, str]
) -> list[str]:
    if not isinstance(section, dict):
        return [f"{where}: must be an object"]
    problems = _unknown_keys(section, where, SECTION_KEYS)
    for key in ("id", "heading_en", *(("heading_cy",) if "heading_cy" in section else ())):
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
    for key in (*PASSAGE_KEYS, *(("text_cy",) if "text_cy" in passage else ())):
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
    clause = passage.get("clause")
    if "clause" in passage and not (isinstance(clause, str) and _CLAUSE.fullmatch(clause)):
        problems.append(f'{where}.clause: must be a clause number such as "4.2" or "2.3.1", not {clause!r}')
    if not isinstance(passage.get("continues", False), bool):
        problems.append(f"{where}.continues: must be true or false")
    for key, value in (("text", text), ("text_cy", passage.get("text_cy"))):
        if isinstance(value, str) and len(value) > MAX_PASSAGE_CHARS:
            problems.append(f"{where}.{key}: {len(value)} characters, more than {MAX_PASSAGE_CHARS}; split the passage")
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
    return problems + question_list_problems(passage.get("asked_as", []), f"{where}.asked_as")


def question_list_problems(questions: Any, where: str) -> list[str]:
    """The problems of a list of staff questions (asked_as, not_covered): each non-empty text within the limit."""
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
            heading_cy=s.get("heading_cy", ""),
            passages=tuple(
                PolicyPassage(
                    id=p["id"],
                    text=p["text"],
                    text_cy=p.get("text_cy", ""),
                    clause=p.get("clause", ""),
                    continues=p.get("continues", False),
                    next_steps=tuple(p.get("next_steps", [])),
                    asked_as=tuple(p.get("asked_as", [])),
                )
                for p in s["passages"]
            ),
        )
        for s in raw["sections"]
    )
    texts = [text for s in sections for text in (s.heading_en, *(p.text for p in s.passages))]
    return Policy(details=details_from(raw, texts), sections=sections, not_covered=tuple(raw.get("not_covered", [])))
