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
    """The rows of a staff CSV, or every problem with its line number; warnings never block an import."""

    staff: tuple[StaffMember, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def _first_seen(rows: Sequence[tuple[int, StaffMember]], value: Callable[[StaffMember], str],
                what: str) -> list[str]:
    seen: dict[str, int] = {}
    problems = []
    for number, member in rows:
        key = value(member)
        if key and key in seen:
            problems.append(f"line {number}: {what} {key} is already on line {seen[key]}")
        seen.setdefault(key, number)
    return problems


def _at_both_schools(problem: str, rows: Sequence[tuple[int, StaffMember]]) -> str:
    """A repeated email whose rows name different schools is someone who works at both (on each school's export):
    say what to keep, as the list holds one row for each person."""
    number, first = (int(n) for n in re.findall(r"line (\d+)", problem))
    school = {n: m.school for n, m in rows}
    if school[number] == school[first]:
        return problem
    return (f"{problem} (at {school[first]}): the list has one row for each person, so keep the row of the school "
            "whose headteacher their reports go to (their line manager may be at either school)")


def _lines(numbers: Sequence[int], *, shown: int = 10) -> str:
    """ "line 3", "lines 3 and 5", "lines 3, 5, … and 12 more"."""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    listed = [str(n) for n in numbers[:shown]]
    last = f"{len(numbers) - shown} more" if len(numbers) > shown else listed.pop()
    return f"lines {', '.join(listed)} and {last}"


def _staff_check_off(without: Sequence[int], rows: int) -> str:
    """What rows without an Entra object id do to the staff-only check (`off_the_staff_list`), and how to mend it."""
    have = "has" if len(without) == 1 else "have"
    return (f"{len(without)} of the {rows} rows {have} no aad_object_id ({_lines(without)}): until every row has its "
            "person's Entra object id, the bot cannot tell the federation's staff from anyone else in the Hwb tenant, "
            "so anyone in the Hwb tenant (pupils and other schools' staff included) is not refused: they can send "
            "permission requests and concern reports and pass questions to the headteacher, at every school. To fix "
            "it, fill in the aad_object_id column on those rows (az ad user show --id THEIR-EMAIL --query id -o tsv "
            "prints a person's id) and import the file again")


def read_staff_csv(text: str, *, schools: Sequence[str]) -> ImportResult:
    """Validate a staff CSV as a school office exports it; every bad row is reported with its line."""
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        return ImportResult((), (f"line 1: {error}",))
    # Headed as a person types them in Excel ("Line Manager Email", "AAD Object-ID"): any case, spaces or hyphens.
    typed = ["_".join(h.strip().lower().replace("-", " ").split()) for h in fieldnames]
    header = ["email" if h == "upn" else h for h in typed]
    reader.fieldnames = header
    missing = [c for c in COLUMNS[:5] if c not in header]
    if missing:
        return ImportResult((), (f"line 1: missing column(s): {', '.join(missing)}",))
    rows: list[tuple[int, StaffMember]] = []
    records: list[tuple[int, dict[str | Any, str | Any]]] = []
    try:
        for raw in reader:  # with the file's own line (blank lines and quoted line breaks counted)
            # A row of empty cells is no one: Excel writes one for each row below the list ever edited or formatted.
            if any(v.strip() for v in raw.values() if isinstance(v, str)):
                records.append((reader.line_num, raw))
    except csv.Error as error:  # e.g. a field over the csv module's limit: the row after the last one read
        return ImportResult((), (f"line {reader.line_num + 1}: {error}",))
    for number, raw in records:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        member = StaffMember(row.get("name", ""), row.get("email", "").lower(), row.get("school", ""),
                             row.get("role", ""), row.get("line_manager_email", "").lower(),
                             row.get("aad_object_id", "").lower())
        errors = []
        if not member.name:
            errors.append("name is empty")
        if "?" in member.name:
            # Excel's plain "CSV (Comma delimited)" writes ŵ and ŷ as "?": a list with no other Welsh letter is then
            # pure ASCII and reads as UTF-8, and a name with a "?" would slip past the check that a report does not
            # reach the person it names.
            errors.append(f'name "{member.name}" has a "?" where Excel lost a letter: save the list as '
                          '"CSV UTF-8 (Comma delimited)" and import that file')
        if not _EMAIL.match(member.email):
            errors.append(f"email {member.email!r} is not an email address")
        if member.school not in schools:
            errors.append(f"school {member.school!r} is not one of {', '.join(schools)}")
        if member.line_manager_email and not _EMAIL.match(member.line_manager_email):
            errors.append(f"line manager email {member.line_manager_email!r} is not an email address")
        if member.line_manager_email and member.line_manager_email == member.email:
            errors.append("is their own line manager")
        if member.aad_object_id and not is_entra_id(member.aad_object_id):
            errors.append(f"aad_object_id {member.aad_object_id!r} is not an Entra object id")
        values = {"name": member.name, "email": member.email, "role": member.role,
                  "line manager email": member.line_manager_email}
        errors += [f"{what} is longer than {limit} characters" for what, limit in MAX_LENGTHS.items()
                   if len(values[what]) > limit]
        problems.extend(f"line {number}: {e}" for e in errors)
        rows.append((number, member))
    problems += [_at_both_schools(problem, rows) for problem in _first_seen(rows, lambda m: m.email, "email")]
    problems += _first_seen(rows, lambda m: m.aad_object_id, "aad_object_id")
    emails = {m.email for _, m in rows}
    problems += [f"line {number}: line manager {m.line_manager_email} is not in the file"
                 for number, m in rows if m.line_manager_email and m.line_manager_email not in emails]
    if not rows and not problems:
        problems.append("the file has no staff rows")
    warnings = [f"line {number}: no aad_object_id, so {m.name} can only be matched through Graph"
                for number, m in rows if not m.aad_object_id]
    without = [number for number, m in rows if not m.aad_object_id]
    if without:
        warnings.append(_staff_check_off(without, len(rows)))
    ordered = tuple(sorted(problems, key=_line_number))
    return ImportResult(tuple(m for _, m in rows) if not problems else (), ordered, tuple(warnings))


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


def _line_number(problem: str) -> int:
    found = re.match(r"line (\d+):", problem)
    return int(found.group(1)) if found else 0
