"""Who is whose line manager: from Microsoft Graph first, then the school office's staff list.

Teams activities carry the sender's Entra object id (`from.aadObjectId`), not reliably their UPN, so the
staff list matches people by the `aad_object_id` column: a list without object ids can still be imported
(the import warns), but then only Graph can find those people's managers. An `upn` column is accepted in
place of `email`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.people import Person, StaffContact, is_entra_id
from bot.policy.notes import Note, note

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
COLUMNS = ("name", "email", "school", "role", "line_manager_email", "aad_object_id")
# Longest value a row may hold, so that storage can never refuse a row the file check passed (an email address
# is at most 254 characters by RFC 5321; a name or role longer than 200 is a mistake in the export).
MAX_LENGTHS = {"name": 200, "email": 254, "role": 200, "line manager email": 254}


@dataclass(frozen=True)
class StaffMember:
    """One row of the staff list."""

    name: str
    email: str
    school: str
    role: str
    line_manager_email: str
    aad_object_id: str = ""


class LineManagers(Protocol):
    """Port: one source of line managers."""

    async def line_manager_of(self, person: Person) -> StaffContact | None:
        """The person's line manager, or None when this source does not know."""
        ...


class StaffDirectory(LineManagers, Protocol):
    """Port: the imported staff list."""

    async def replace_all(self, staff: Sequence[StaffMember]) -> None:
        """Replace the whole list (the import validated it first)."""
        ...

    async def get_member(self, person: Person) -> StaffMember | None:
        """The person's row, or None."""
        ...

    async def list_members(self) -> list[StaffMember]:
        """Everyone on the list (for choosing who a report is about; for read-and-confirm campaigns)."""
        ...


def member_for(staff: Sequence[StaffMember], person: Person) -> StaffMember | None:
    """The person's row on the staff list, matched by Entra object id (the list keeps them in lower case)."""
    return next((m for m in staff if m.aad_object_id == person.aad_object_id.lower()), None)


def off_the_staff_list(staff: Sequence[StaffMember], person: Person) -> bool:
    """True when there is a staff list to go by and the person is not on it. Hwb is one tenant for every school in
    Wales, pupils too: only the list tells the federation's staff from the rest. It goes by Entra object ids, so only a
    list where every row has one can say someone is not staff: a row without one (the import warns and accepts it) may
    be the person asking, and a member of staff is never turned away for the office's missing column."""
    ids = {m.aad_object_id for m in staff if m.aad_object_id}
    return bool(ids) and len(ids) == len(staff) and person.aad_object_id.lower() not in ids


def line_manager_in(staff: Sequence[StaffMember], person: Person) -> StaffContact | None:
    """The person's line manager by the staff list, if they and their manager are on it with object ids."""
    me = member_for(staff, person)
    if me is None or not me.line_manager_email:
        return None
    manager = next((m for m in staff if m.email == me.line_manager_email), None)
    if manager is None or not manager.aad_object_id:
        return None
    return StaffContact(manager.aad_object_id, manager.name, manager.email)


async def find_line_manager(person: Person, sources: Sequence[LineManagers]) -> StaffContact | None:
    """The first source that knows the person's line manager wins (Graph first, the staff list second)."""
    for source in sources:
        manager = await source.line_manager_of(person)
        if manager is not None:
            return manager
    return None


@dataclass(frozen=True)
class ImportResult:
    """The rows of a staff CSV, or every problem with its line number; warnings never block an import. Each problem
    and warning is also a note of the string tables (`problem_notes`, `warning_notes`, in the same order), for a
    command's `--lang`; the English of the notes is the problem's and warning's text."""

    staff: tuple[StaffMember, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    problem_notes: tuple[Note, ...] = ()
    warning_notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class _Said:
    """A problem or warning of the file: its English, and the note that says it in either language."""

    text: str
    note: Note


def _at_line(number: int, text: str, said: Note) -> _Said:
    return _Said(f"line {number}: {text}", note("staff_csv.at_line", line=number, what=said))


def _refused(*problems: _Said) -> ImportResult:
    return ImportResult((), tuple(p.text for p in problems), problem_notes=tuple(p.note for p in problems))


def _first_seen(rows: Sequence[tuple[int, StaffMember]],
                value: Callable[[StaffMember], str]) -> list[tuple[int, int, str]]:
    """(line, the line it is first on, the value) of each value already on an earlier row."""
    seen: dict[str, int] = {}
    repeats = []
    for number, member in rows:
        key = value(member)
        if key and key in seen:
            repeats.append((number, seen[key], key))
        seen.setdefault(key, number)
    return repeats


def _already(what: str, number: int, first: int, key: str, rows: Sequence[tuple[int, StaffMember]]) -> _Said:
    """A value already on an earlier row; a repeated email whose rows name different schools is someone who works at
    both (on each school's export): say what to keep, as the list holds one row for each person."""
    text = f"{what} {key} is already on line {first}"
    said = note("staff_csv.already_on_line", what=what, value=key, first=first)
    school = {n: m.school for n, m in rows}
    if what != "email" or school[number] == school[first]:
        return _at_line(number, text, said)
    return _Said(f"line {number}: {text} (at {school[first]}): the list has one row for each person, so keep the row "
                 "of the school whose headteacher their reports go to (their line manager may be at either school)",
                 note("staff_csv.at_line", line=number,
                      what=note("staff_csv.at_both_schools", already=said, school=school[first])))


def _lines(numbers: Sequence[int], *, shown: int = 10) -> tuple[str, Note]:
    """ "line 3", "lines 3 and 5", "lines 3, 5, … and 12 more"."""
    if len(numbers) == 1:
        return f"line {numbers[0]}", note("staff_csv.lines.one", n=numbers[0])
    listed = [str(n) for n in numbers[:shown]]
    more = len(numbers) - shown
    last: str | Note = note("staff_csv.lines.more", count=more) if more > 0 else listed.pop()
    shown_last = f"{more} more" if more > 0 else last
    return (f"lines {', '.join(listed)} and {shown_last}",
            note("staff_csv.lines.some", listed=", ".join(listed), count=last))


def _staff_check_off(without: Sequence[int], rows: int) -> _Said:
    """What rows without an Entra object id do to the staff-only check (`off_the_staff_list`), and how to mend it."""
    have = "has" if len(without) == 1 else "have"
    lines, lines_note = _lines(without)
    return _Said(f"{len(without)} of the {rows} rows {have} no aad_object_id ({lines}): until every row has its "
                 "person's Entra object id, the bot cannot tell the federation's staff from anyone else in the Hwb "
                 "tenant, so anyone in the Hwb tenant (pupils and other schools' staff included) is not refused: they "
                 "can send permission requests and concern reports and pass questions to the headteacher, at every "
                 "school. To fix it, fill in the aad_object_id column on those rows (az ad user show --id "
                 "THEIR-EMAIL --query id -o tsv prints a person's id) and import the file again",
                 note("staff_csv.check_off_one" if len(without) == 1 else "staff_csv.check_off",
                      count=len(without), rows=rows, lines=lines_note))


def _row_problems(member: StaffMember, schools: Sequence[str]) -> list[tuple[str, Note]]:
    """What is wrong with one row on its own, in English and as a note."""
    errors: list[tuple[str, Note]] = []
    if not member.name:
        errors.append(("name is empty", note("staff_csv.name_empty")))
    if "?" in member.name:
        # Excel's plain "CSV (Comma delimited)" writes ŵ and ŷ as "?": a list with no other Welsh letter is then
        # pure ASCII and reads as UTF-8, and a name with a "?" would slip past the check that a report does not
        # reach the person it names.
        errors.append((f'name "{member.name}" has a "?" where Excel lost a letter: save the list as '
                       '"CSV UTF-8 (Comma delimited)" and import that file',
                       note("staff_csv.name_lost_letter", name=member.name)))
    if not _EMAIL.match(member.email):
        errors.append((f"email {member.email!r} is not an email address",
                       note("staff_csv.bad_email", email=repr(member.email))))
    if member.school not in schools:
        errors.append((f"school {member.school!r} is not one of {', '.join(schools)}",
                       note("staff_csv.bad_school", school=repr(member.school), schools=", ".join(schools))))
    if member.line_manager_email and not _EMAIL.match(member.line_manager_email):
        errors.append((f"line manager email {member.line_manager_email!r} is not an email address",
                       note("staff_csv.bad_line_manager_email", email=repr(member.line_manager_email))))
    if member.line_manager_email and member.line_manager_email == member.email:
        errors.append(("is their own line manager", note("staff_csv.own_line_manager")))
    if member.aad_object_id and not is_entra_id(member.aad_object_id):
        errors.append((f"aad_object_id {member.aad_object_id!r} is not an Entra object id",
                       note("staff_csv.bad_object_id", value=repr(member.aad_object_id))))
    values = {"name": member.name, "email": member.email, "role": member.role,
              "line manager email": member.line_manager_email}
    errors += [(f"{what} is longer than {limit} characters",
                note("staff_csv.too_long", what=note(f"staff_csv.field.{what.replace(' ', '_')}"), limit=limit))
               for what, limit in MAX_LENGTHS.items() if len(values[what]) > limit]
    return errors


def read_staff_csv(text: str, *, schools: Sequence[str]) -> ImportResult:
    """Validate a staff CSV as a school office exports it; every bad row is reported with its line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        return _refused(_at_line(1, str(error), note("staff_csv.not_csv", error=str(error))))
    # Headed as a person types them in Excel ("Line Manager Email", "AAD Object-ID"): any case, spaces or hyphens.
    typed = ["_".join(h.strip().lower().replace("-", " ").split()) for h in fieldnames]
    header = ["email" if h == "upn" else h for h in typed]
    reader.fieldnames = header
    missing = [c for c in COLUMNS[:5] if c not in header]
    if missing:
        return _refused(_at_line(1, f"missing column(s): {', '.join(missing)}",
                                 note("staff_csv.missing_columns", columns=", ".join(missing))))
    rows: list[tuple[int, StaffMember]] = []
    records: list[tuple[int, dict[str | Any, str | Any]]] = []
    try:
        for raw in reader:  # with the file's own line (blank lines and quoted line breaks counted)
            # A row of empty cells is no one: Excel writes one for each row below the list ever edited or formatted.
            if any(v.strip() for v in raw.values() if isinstance(v, str)):
                records.append((reader.line_num, raw))
    except csv.Error as error:  # e.g. a field over the csv module's limit: the row after the last one read
        return _refused(_at_line(reader.line_num + 1, str(error), note("staff_csv.not_csv", error=str(error))))
    problems: list[tuple[int, _Said]] = []
    for number, raw in records:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        member = StaffMember(row.get("name", ""), row.get("email", "").lower(), row.get("school", ""),
                             row.get("role", ""), row.get("line_manager_email", "").lower(),
                             row.get("aad_object_id", "").lower())
        problems.extend((number, _at_line(number, e, said)) for e, said in _row_problems(member, schools))
        rows.append((number, member))
    problems += [(number, _already("email", number, first, key, rows))
                 for number, first, key in _first_seen(rows, lambda m: m.email)]
    problems += [(number, _already("aad_object_id", number, first, key, rows))
                 for number, first, key in _first_seen(rows, lambda m: m.aad_object_id)]
    emails = {m.email for _, m in rows}
    problems += [(number, _at_line(number, f"line manager {m.line_manager_email} is not in the file",
                                   note("staff_csv.manager_not_in_file", email=m.line_manager_email)))
                 for number, m in rows if m.line_manager_email and m.line_manager_email not in emails]
    if not rows and not problems:
        problems.append((0, _Said("the file has no staff rows", note("staff_csv.no_rows"))))
    warnings = [_at_line(number, f"no aad_object_id, so {m.name} can only be matched through Graph",
                         note("staff_csv.no_object_id", name=m.name))
                for number, m in rows if not m.aad_object_id]
    without = [number for number, m in rows if not m.aad_object_id]
    if without:
        warnings.append(_staff_check_off(without, len(rows)))
    ordered = [said for _, said in sorted(problems, key=lambda p: p[0])]
    return ImportResult(tuple(m for _, m in rows) if not problems else (), tuple(p.text for p in ordered),
                        tuple(w.text for w in warnings), tuple(p.note for p in ordered),
                        tuple(w.note for w in warnings))


@dataclass(frozen=True)
class StaffListChange:
    """What importing a list does to the list kept now: who it takes off, and how many each school has on it now.
    Whether someone's work is affected is for the rule that tells who has left (`Today.still_there` in the concerns
    domain), applied to the list as it was and as it will be."""

    taken_off: tuple[StaffMember, ...]
    was: tuple[StaffMember, ...]
    will_be: tuple[StaffMember, ...]

    @property
    def on_the_list(self) -> Counter[str]:
        """How many staff each school has on the list now."""
        return Counter(m.school for m in self.was)

    def by_school(self) -> dict[str, int]:
        """How many it takes off, by school."""
        return dict(sorted(Counter(m.school for m in self.taken_off).items()))

    def sweeping(self) -> tuple[str, ...]:
        """The schools that would lose more than half their staff on the list: one school's export imported alone
        (the other school keeps at most the staff both share), or an export cut short. Leavers never come to half."""
        on_the_list = self.on_the_list
        return tuple(school for school, gone in self.by_school().items() if gone * 2 > on_the_list[school])


def staff_list_change(now: Sequence[StaffMember], incoming: Sequence[StaffMember]) -> StaffListChange:
    """Who importing `incoming` takes off the list kept `now`: everyone not in it, except someone whose email changed
    (the same Entra object id is in it)."""
    emails = {m.email for m in incoming}
    ids = {m.aad_object_id for m in incoming if m.aad_object_id}
    gone = tuple(m for m in now if m.email not in emails and not (m.aad_object_id and m.aad_object_id in ids))
    return StaffListChange(gone, tuple(now), tuple(incoming))
