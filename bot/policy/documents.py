"""A policy to publish, from the school's document (.docx or .txt, through the importer) or a structured policy file
(.json), and the policy check shown before it is published.

A file sent in Teams is judged by its content, never its name: the name is only shown, and reduced to safe
characters before the importer sees it.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.policy.importer import Imported, PolicyImportError, import_policy
from bot.policy.loader import policy_from_data, validate_policy_data
from bot.policy.model import Policy
from bot.policy.notes import Note, note, problem_note
from bot.policy.retrieval import shipped_steering
from bot.policy.steering import bind

# A Word policy with a crest and a table is well under 1 MB; a document over this is not a policy.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# What a file name may show besides letters and digits: Word's apostrophes and dashes too ("Polisi’r … – Fersiwn 2"),
# never a path, control or direction character.
_UNSAFE = re.compile(r"[^\w .()'\u2018\u2019\u2013\u2014&,+-]+")


def read_source(path: Path, current: Policy | None = None, *, earlier: Sequence[Policy] = ()) -> Imported:
    """The policy file content for a .docx or .txt document (`current`, then `earlier`, lending Welsh headings and
    next steps), or a .json policy file as it is; PolicyImportError with a one-line reason when it cannot be used."""
    if path.suffix.lower() != ".json":
        return import_policy(path, current, earlier=earlier)
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = str(error.strerror or error)
        raise PolicyImportError(f"{path.name}: cannot read the file ({reason})",
                                note("import.error.unreadable", file=path.name, reason=reason)) from None
    return _structured(raw, path.name)


def read_sent_file(content: bytes, name: str, current: Policy | None = None, *,
                   earlier: Sequence[Policy] = ()) -> Imported:
    """The policy in a file someone sent: its kind is read from its first bytes; `name` is only for messages."""
    shown = safe_name(name)
    if len(content) > MAX_DOCUMENT_BYTES:
        size = len(content) // 1024
        raise PolicyImportError(f"{shown}: too large for a policy document ({size} KB)",
                                note("import.error.too_large", file=shown, size=size))
    if content.startswith(b"%PDF"):
        raise PolicyImportError(f"{shown}: a PDF cannot be read reliably; send the Word document (.docx)",
                                note("import.error.pdf_sent", file=shown))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise PolicyImportError(f"{shown}: this is an old Word document (.doc); save it as .docx and send it again",
                                note("import.error.doc_sent", file=shown))
    if content.lstrip()[:1] == b"{":
        return _structured(content, shown)
    # Text sent as a Markdown page (a wiki's copy) is read as Markdown; any other text as the text layout.
    suffix = ".docx" if content.startswith(b"PK\x03\x04") else ".md" if shown.lower().endswith(".md") else ".txt"
    stem = Path(shown).stem or "document"
    with tempfile.TemporaryDirectory(prefix="policy-") as folder:
        path = Path(folder) / f"{stem}{suffix}"
        path.write_bytes(content)
        return import_policy(path, current, earlier=earlier)


def safe_name(name: str) -> str:
    """A file name fit to show and to use inside a private folder: no path, no control or odd characters."""
    base = re.split(r"[\\/]", name.strip())[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")[:80]
    return cleaned or "document"


def _structured(raw: bytes, name: str) -> Imported:
    try:
        data: Any = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise PolicyImportError(f"{name}: not a policy file (not valid JSON: {error})",
                                note("import.error.json_not_utf8", file=name, error=str(error))) from None
    except json.JSONDecodeError as error:
        raise PolicyImportError(f"{name}: not a policy file (not valid JSON: {error})",
                                note("import.error.not_json", file=name, message=error.msg, line=error.lineno,
                                     column=error.colno, char=error.pos)) from None
    problems = validate_policy_data(data)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise PolicyImportError(f"{name}: not a valid policy file: {problems[0]}{more}",
                                note("import.error.invalid_policy_file_more" if more else
                                     "import.error.invalid_policy_file", file=name,
                                     problem=problem_note(problems[0], data), more=len(problems) - 1))
    return Imported(data, ())


@dataclass(frozen=True)
class PolicyCheck:
    """The check of a version before it is published: `problems` stop it, `notes` are for the policy owner."""

    policy: Policy | None
    problems: tuple[Note, ...]  # each section's or passage's by its number and heading, as problem_note says it
    notes: tuple[Note, ...]

    @property
    def passed(self) -> bool:
        """True when nothing stops publishing."""
        return self.policy is not None and not self.problems


def check_policy(imported: Imported) -> PolicyCheck:
    """Check a version to publish: the policy file's rules, the importer's notes, and what the steering data shipped
    with the bot means for it (passages it has no wordings for, wording lists that no longer fit). The slower smoke
    evaluation is `python -m bot check-policy`."""
    problems = tuple(problem_note(problem, imported.data) for problem in validate_policy_data(imported.data))
    if problems:
        return PolicyCheck(None, problems, imported.warnings)
    policy = policy_from_data(imported.data)
    bound = bind(policy, shipped_steering())
    notes = list(imported.warnings)
    unworded = sum(1 for asked in bound.asked_as if not asked)
    if unworded == len(bound.asked_as):  # none of the data fits: one thing to know, nothing for the owner to do
        notes.append(note("import.note.steering_other_version"))
        return PolicyCheck(policy, (), tuple(notes))
    if unworded:
        notes.append(note("import.note.steering_unworded", count=unworded, total=len(bound.asked_as)))
    if bound.set_aside or bound.not_covered_set_aside:
        notes.append(note("import.note.steering_set_aside", wordings=len(bound.set_aside),
                          not_covered=len(bound.not_covered_set_aside)))
    if bound.stale:
        notes.append(note("import.note.steering_stale", count=len(bound.stale)))
    return PolicyCheck(policy, (), tuple(notes))
