"""What the importer and the policy check tell the policy owner, as keys of the string tables
(`cards/strings/importing.json`) and the values that fill them, so that each note is read in her language: the
preview card in Teams in hers, `import-policy --lang cy` in Welsh."""

from __future__ import annotations

import errno
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# Details a note may name by their key ("the details do not give the version, date of issue"); any other is named by
# its key's words.
NAMED_DETAILS = frozenset({"status", "version", "author", "date_of_issue", "last_reviewed", "agreed_by", "next_review",
                           "authorisation", "schools", "applies_to", "approved_on", "approval", "history_version",
                           "history_next_review"})
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


# A problem the policy file's check found ("$.sections[2].passages[0].text: 612 characters, more than 600; split the
# passage"), where it is and what it is, so that both can be said in the reader's language.
_IN_A_SECTION = re.compile(r"\$\.sections\[(\d+)\](?:\.passages\[(\d+)\])?(?:\.([\w\[\]]+))?: ")
_AT = re.compile(r"(\$[^:\s]*): ")
_FIELDS = {"text_cy": "import.where.field.text_cy", "heading_en": "import.where.field.heading_en",
           "heading_cy": "import.where.field.heading_cy"}
_WHAT = ((re.compile(r"missing"), "import.problem.missing", ()),
         (re.compile(r"empty"), "import.problem.empty", ()),
         (re.compile(r"must be text"), "import.problem.not_text", ()),
         (re.compile(r"must be an object"), "import.problem.not_object", ()),
         (re.compile(r"must be a non-empty list"), "import.problem.empty_list", ()),
         (re.compile(r"unknown key"), "import.problem.unknown_key", ()),
         (re.compile(r"must be true or false"), "import.problem.not_boolean", ()),
         (re.compile(r"(\d+) characters, more than (\d+); split the passage"), "import.problem.passage_too_long",
          ("length", "limit")),
         (re.compile(r"(\d+) characters, more than (\d+)"), "import.problem.too_long", ("length", "limit")),
         (re.compile(r"not a date in YYYY-MM-DD form: (.*)"), "import.problem.not_a_date", ("value",)),
         (re.compile(r"must be a JSON object"), "import.problem.not_json_object", ()),
         (re.compile(r"the file is not UTF-8 text"), "import.problem.not_utf8", ()),
         (re.compile(r"not valid JSON \((.*) at line (\d+), column (\d+)\)"), "import.problem.not_json",
          ("error", "line", "column")),
         (re.compile(r"cannot read the file \((.*)\)"), "import.problem.unreadable", ("reason",)),
         (re.compile(r"must start with its section id, like (.*), not (.*)"), "import.problem.id_prefix",
          ("example", "given")),
         (re.compile(r"must be lower-case words joined by hyphens, not (.*)"), "import.problem.slug", ("given",)),
         (re.compile(r'must be a clause number such as "4.2" or "2.3.1", not (.*)'), "import.problem.clause",
          ("given",)),
         (re.compile(r"unknown next step (.*); use one of (.*)"), "import.problem.next_step", ("step", "tags")),
         (re.compile(r"must be a list"), "import.problem.not_list", ()),
         (re.compile(r"must be a list of questions"), "import.problem.not_question_list", ()),
         (re.compile(r"must be non-empty text"), "import.problem.not_non_empty_text", ()),
         (re.compile(r"must be 64 lower-case hex digits"), "import.problem.not_sha256", ()),
         (re.compile(r"a Welsh (\w+) needs the English (\S+)"), "import.problem.welsh_needs_english",
          ("key", "english")),
         (re.compile(r'must be a list of \{"en": name, "cy": Welsh name \(optional\)\}'), "import.problem.schools_list",
          ()),
         (re.compile(r"must be an object with the imported file's name and sha256"), "import.problem.document", ()),
         (re.compile(r"(\d+) passages, more than (\d+): the file should hold the staff social-media policy alone"),
          "import.problem.too_many_passages", ("count", "limit")),
         (re.compile(r"duplicate (section|passage) id (.*) \(also at (.*)\)"), "import.problem.duplicate_id",
          ("kind", "id", "other")),
         (re.compile(r"(.*) is the policy document, not a policy file: turn it into one with (.*)"),
          "import.problem.a_document", ("file", "command")))


def problem_note(problem: str, data: object, *, by_path: bool = False) -> Note:
    """A problem of the policy file's check as the policy owner reads it: a section's or passage's by its number and
    heading ("Section 3, "Using …", passage 1: 612 characters, …"), not by its place in the file (`by_path`: by its
    place, "$.sections[2].passages[0].text", as validate-policy gives it); what it is from the string tables where
    they say it, else as the check said it."""
    found = None if by_path else _IN_A_SECTION.match(problem)
    if found is None:
        at = _AT.match(problem)
        if at is None:
            return note("import.problem.as_said", text=problem)
        return note("import.problem.at", where=at[1], what=_what(problem[at.end():]))
    section, passage, field = int(found[1]), found[2], found[3] or ""
    sections = data.get("sections") if isinstance(data, Mapping) else None
    heading = sections[section].get("heading_en") if isinstance(sections, list) and section < len(sections) and \
        isinstance(sections[section], Mapping) else None
    named = ""
    if isinstance(heading, str) and heading.strip():
        shown = " ".join(heading.split())
        named = f', "{shown if len(shown) <= 80 else shown[:79].rstrip() + "…"}"'
    return note("import.problem.in_section", n=section + 1, heading=named,
                passage=note("import.where.passage_of", n=int(passage) + 1) if passage is not None else "",
                field=note(_FIELDS[field]) if field in _FIELDS else f" ({field})" if field and field != "text" else "",
                what=_what(problem[found.end():]))


def said_as_given(said: Note) -> bool:
    """True when some part of a note is only as the check said it (English), not from the string tables."""
    values = [value for value in said.values.values()]
    return said.key == "import.problem.as_said" or any(
        said_as_given(value) for value in values if isinstance(value, Note)) or any(
        said_as_given(item) for value in values if isinstance(value, tuple) for item in value if isinstance(item, Note))


def _what(said: str) -> Note:
    for pattern, key, names in _WHAT:
        if found := pattern.fullmatch(said):
            values: dict[str, object] = dict(zip(names, found.groups(), strict=True))
            if "kind" in values:
                values["kind"] = note(f"import.problem.kind.{values['kind']}")
            return Note(key, values)
    return note("import.problem.as_said", text=said)


# Why a file cannot be written, by the fault's errno.
_OS_FAULTS = {errno.ENOENT: "import.os.no_folder", errno.EACCES: "import.os.denied",
              errno.EPERM: "import.os.not_permitted", errno.EROFS: "import.os.read_only",
              errno.ENOSPC: "import.os.disk_full", errno.EISDIR: "import.os.folder",
              errno.ENOTDIR: "import.os.not_folder"}


# Why a file cannot be read, where that is said otherwise than for a write ("there is no such file", not folder).
_READ_FAULTS = {errno.ENOENT: "import.os.no_file", errno.EACCES: "import.os.denied_reading",
                errno.EPERM: "import.os.denied_reading"}


def os_fault(error: OSError, *, reading: bool = False) -> Note:
    """Why the system refused a write (`reading`: a read), to be said in the reader's language: the common faults in
    the string tables (their English is what Linux says), any other as the system said it."""
    if key := (_READ_FAULTS.get(error.errno or 0) if reading else None) or _OS_FAULTS.get(error.errno or 0):
        return note(key)
    return note("import.os.other", said=str(error.strerror or error))
