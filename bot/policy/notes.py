"""What the importer and the policy check tell the policy owner, as keys of the string tables
(`cards/strings/importing.json`) and the values that fill them, so that each note is read in her language: the
preview card in Teams in hers, `import-policy --lang cy` in Welsh."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# Details a note may name by their key ("the details do not give the version, date of issue"); any other is named by
# its key's words.
NAMED_DETAILS = frozenset({"status", "version", "author", "date_of_issue", "last_reviewed", "agreed_by", "next_review",
                           "authorisation", "schools", "applies_to", "approved_on", "approval", "history_version"})
_PLACES = ((re.compile(r"table at paragraph (\d+)"), "import.where.table"),
           (re.compile(r"paragraph (\d+)"), "import.where.paragraph"),
           (re.compile(r"line (\d+)"), "import.where.line"))


@dataclass(frozen=True)
class Note:
    """A note for the policy owner: its key in the string tables and the values that fill it; a value that is itself
    a Note, or a tuple of Notes (said as a list), is said in the reader's language too."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


def note(key: str, /, **values: object) -> Note:
    """A note by its key ("import.note.…") and values."""
    return Note(key, values)


def detail_name(key: str) -> Note | str:
    """A detail as a note names it ("date of issue", "dyddiad cyhoeddi")."""
    return note(f"import.detail.{key}") if key in NAMED_DETAILS else key.replace("_", " ")


def place(where: str) -> Note | str:
    """Where in the document a line is ("paragraph 12", "table at paragraph 3", "line 7"), to be said in the reader's
    language; any other place as the reader gave it."""
    for pattern, key in _PLACES:
        if found := pattern.fullmatch(where):
            return note(key, n=int(found[1]))
    return where
