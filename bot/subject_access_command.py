"""`python -m bot export-subject-access PERSON --out FOLDER`: everything the bot's records hold about one member of
staff, for the data protection officer answering a subject access request (UK GDPR Article 15).

PERSON is their Entra object id, or their email or name as on the staff list (resolved to the object id there; a
name two people share is refused, naming both). The folder gets `summary.txt` (what was found, what was held back
and why, where else to look) and `records.json` (every row, times in UK time), readable by whoever ran it alone.
Another person's data is held back and listed (see `bot/storage/subject_access.py`); `--include-withheld` writes it
too, marked, for the DPO's own review. It only reads: it needs a data role that reads the tables, nothing more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.concerns import Role
from bot.domain.directory import StaffMember
from bot.domain.errors import DomainError, RecordNotFound
from bot.domain.federation import Federation
from bot.domain.people import Lang, entra_id, is_entra_id
from bot.domain.text import fold
from bot.domain.uk_time import in_uk
from bot.policy.notes import Note, note
from bot.settings import UnsafeSettings, load_federation_settings, load_settings
from bot.storage.directory import TableStaffDirectory
from bot.storage.subject_access import DataSubject, FoundRow, Kind, known_as, rows_about
from bot.storage.tables import TableStore, open_store
from bot.tools import settings_fault, storage_fault
from cards.i18n import load_catalogue, note_text

COMMAND = "export-subject-access"
SUMMARY, RECORDS = "summary.txt", "records.json"
# The folder and its files are the DPO's alone: they hold one person's records, and with --include-withheld others'.
FOLDER_MODE, FILE_MODE = 0o700, 0o600

WITHHELD_RULE = (
    "Another person's data is held back, not disclosed (UK GDPR Article 15(4); Data Protection Act 2018, Schedule 2, "
    "Part 3): in a concern report they did not make (one about them, one they held as line manager, headteacher or "
    "chair of governors, one whose words may name them), who made it and everything typed in it, and any note but "
    "their own; in a permission request or question of someone else's that they decided, ended, moderate, were passed"
    " or replied to, the requester's or asker's identity and words (and whom a question they replied to was passed "
    "to); the content of cards queued for them (a holder's card quotes the report). A reporter's own report is given "
    "whole, but for the notes its holders wrote and an outcome not shared with her. Each such row is listed with its "
    "reference, and the columns held back are named: the data protection officer decides what else to disclose.")
ELSEWHERE = (
    "Teams chats: the cards the bot sent are in the person's chat with it, kept by Microsoft 365 (search them with "
    "Microsoft Purview eDiscovery)",
    "the bot's logs and Application Insights: no message text, name, address or id; activity ids, outcomes and times, "
    "and, in a line about one of their reports, requests or questions, its reference alone; kept 30 days",
    "copies made with backup-records: the permission requests and their audit trail as they were that day",
    "Microsoft Entra ID and Microsoft Graph: their account and the line manager it names",
)


# Said when no address of theirs is known: a report that picked them from the staff list keeps only their address.
NO_ADDRESS = ("no email address of theirs is known (not on the staff list, and no record pairs one with their id): a "
              "concern report that picked them from the staff list names them by address alone, so it cannot be "
              "found; if they had one, run the command again with --email ADDRESS into another folder")


class NotFound(ValueError):
    """The person asked for cannot be told from the staff list; the message says why (`reason`, a note of the string
    tables; a value that is a list of notes is said as their lines joined by "; "), and what to give instead, then
    that nothing was written (`said` ends with what another command did not do instead), then `more` lines (the
    people it could be)."""

    def __init__(self, reason: Note, more: Sequence[Note] = ()) -> None:
        self.reason, self.more = reason, tuple(more)
        super().__init__(self.said("tool.nothing_written", Lang.EN))

    def said(self, nothing: str, lang: Lang) -> str:
        """The message in `lang`, ending the first line with `nothing` (a key of the string tables: "nothing was
        deleted") in place of nothing written."""
        strings = load_catalogue()

        def value(given: object) -> object:
            if isinstance(given, list):
                return "; ".join(note_text(strings, item, lang) for item in given)
            return given

        reason = note_text(strings, Note(self.reason.key, {k: value(v) for k, v in self.reason.values.items()}), lang)
        more = "".join(f"\n  {note_text(strings, line, lang)}" for line in self.more)
        return f"{reason}; {strings.text(nothing, lang)}{more}"


@dataclass(frozen=True)
class Wanted:
    """Who the export is for, as found, and how they were found."""

    subject: DataSubject
    name: str
    found_by: str
    given: frozenset[str] | None = None  # the addresses from the staff list and --email; None: all of them


def _name_words(name: str) -> tuple[str, ...]:
    return tuple(fold(name).replace(".", " ").replace(",", " ").split())


def find_person(written: str, staff: Sequence[StaffMember], *, emails: Sequence[str] = ()) -> Wanted:
    """The person PERSON names: an Entra object id as given; an email or name through the staff list, refused (with
    the candidates) when two people share it, or when their row has no object id."""
    extra = frozenset(e.strip().lower() for e in emails if e.strip())
    if is_entra_id(written):
        object_id = entra_id(written)
        rows = [m for m in staff if m.aad_object_id.lower() == object_id]
        return _wanted(object_id, rows, extra, "their Entra object id")
    if "@" in written:
        rows = [m for m in staff if m.email.lower() == written.strip().lower()]
        if not rows:
            raise NotFound(note("subject.not_on_list", written=written))
        how = "their email on the staff list"
    else:
        wanted = _name_words(written)
        rows = [m for m in staff if _name_words(m.name) == wanted]
        if not rows:
            near = [m for m in staff if set(_name_words(m.name)) & set(wanted)]
            raise NotFound(note("subject.nobody_called_near", written=repr(written),
                                near=[_candidate(m) for m in near[:5]]) if near else
                           note("subject.nobody_called", written=repr(written)))
        how = "their name on the staff list"
    people = {m.aad_object_id.lower() or m.email.lower() for m in rows}
    if len(people) > 1:
        raise NotFound(note("subject.several", count=len(people), written=repr(written)),
                       more=[_candidate(m) for m in rows])
    if not rows[0].aad_object_id:
        member = rows[0]
        raise NotFound(note("subject.no_id_on_list", name=member.name, email=member.email))
    return _wanted(rows[0].aad_object_id.lower(), rows, extra, how)


def _candidate(member: StaffMember) -> Note:
    return note("subject.candidate", name=member.name, email=member.email, school=member.school,
                role=member.role or note("subject.no_role"),
                object_id=member.aad_object_id or note("subject.no_entra_id"))


def _wanted(object_id: str, rows: Sequence[StaffMember], emails: frozenset[str], how: str) -> Wanted:
    names = frozenset(m.name for m in rows)
    subject = DataSubject(object_id, emails | {m.email.lower() for m in rows}, names,
                          titles=frozenset(m.role for m in rows if m.role))
    return Wanted(subject, rows[0].name if rows else "", how)


def settings_roles(federation: Federation, object_id: str, lang: Lang = Lang.EN) -> list[str]:
    """What the federation's settings name them as (not a table, but the bot's own data about them), in `lang`."""
    strings = load_catalogue()
    said = []
    for school in federation.schools:
        name = school.name_cy if lang is Lang.CY else school.name_en
        if school.headteacher.aad_object_id == object_id:
            said.append(strings.text("subject.role.head", lang, school=name))
        if any(d.aad_object_id == object_id for d in school.delegates):
            said.append(strings.text("subject.role.delegate", lang, school=name))
    if federation.policy_owner.aad_object_id == object_id:
        said.append(strings.text("subject.role.owner", lang))
    if federation.chair_of_governors and federation.chair_of_governors.aad_object_id == object_id:
        said.append(strings.text("subject.role.chair", lang))
    return said


def kind_text(kind: Kind, lang: Lang) -> str:
    """What a row is, as the commands count it, in `lang` (the summary file's words in English)."""
    return load_catalogue().text(f"subject.kind.{kind.name.lower()}", lang)


def settings_posts(federation: Federation, object_id: str) -> frozenset[Role]:
    """The posts the federation's settings give them that a concern report may call them by."""
    chair = federation.chair_of_governors
    return frozenset({*((Role.HEADTEACHER,) if any(s.headteacher.aad_object_id == object_id
                                                   for s in federation.schools) else ()),
                      *((Role.CHAIR,) if chair is not None and chair.aad_object_id == object_id else ())})


def settings_names(federation: Federation, object_id: str) -> frozenset[str]:
    contacts = [c for s in federation.schools for c in (s.headteacher, *s.delegates)]
    contacts += [federation.policy_owner, *((federation.chair_of_governors,) if federation.chair_of_governors else ())]
    return frozenset(c.name for c in contacts if c.aad_object_id == object_id)


async def person_in_records(store: TableStore, federation: Federation, written: str,
                            emails: Sequence[str]) -> tuple[Wanted, list[StaffMember]]:
    """The person as `find_person` finds them on the staff list, known by every id, address and name the records and
    the federation's settings pair with them (`known_as`), and the staff list read."""
    try:
        staff = await TableStaffDirectory(store).list_members()
    except RecordNotFound:  # no staff list was ever imported
        staff = []
    wanted = find_person(written, staff, emails=emails)
    given = wanted.subject
    subject = await known_as(store, DataSubject(given.object_id, given.emails,
                                                given.names | settings_names(federation, given.object_id),
                                                settings_posts(federation, given.object_id), given.titles))
    return Wanted(subject, wanted.name, wanted.found_by, given.emails), list(staff)


def _uk(moment: datetime) -> str:
    local = in_uk(moment)
    return f"{local.day} {local:%B %Y at %H:%M}"


def _name(wanted: Wanted, found: Sequence[FoundRow]) -> str:
    profile = next((str(r.shown.get("Name")) for r in found if r.kind is Kind.PROFILE and r.shown.get("Name")), "")
    return wanted.name or profile or next(iter(sorted(wanted.subject.names)), "") or "(no name in the records)"


def _row_json(row: FoundRow, *, include_withheld: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"table": row.table, "what": row.kind.value, "reference": row.reference,
                             "why": list(row.why), "row": row.shown}
    if row.withheld:
        entry["withheld_columns"] = sorted(row.withheld)
        if include_withheld:
            entry["withheld_for_review"] = row.withheld
    return entry


def _withheld_lines(found: Sequence[FoundRow]) -> list[str]:
    """One line per record with something held back: its reference, what it is, why it is theirs, what is held."""
    records: dict[tuple[str, str], list[FoundRow]] = {}
    for row in found:
        if row.withheld:
            records.setdefault((row.table, row.reference), []).append(row)
    lines = []
    for (_, reference), rows in records.items():
        main = next((r for r in rows if r.kind not in (Kind.REPORT_TRAIL, Kind.REQUEST_TRAIL)), rows[0])
        columns = sorted({c for r in rows for c in r.withheld})
        lines.append(f"  {reference or main.table}: {main.kind.value}; {'; '.join(main.why)}. Held back: "
                     f"{', '.join(columns)} (in {len(rows)} row(s))")
    return lines


def summary_text(wanted: Wanted, name: str, found: Sequence[FoundRow], *, roles: Sequence[str], made_at: datetime,
                 include_withheld: bool) -> str:
    """summary.txt: who, what was found (rows of each kind), what was held back and why, and where else to look."""
    subject = wanted.subject
    counts = Counter(row.kind for row in found)
    held = _withheld_lines(found)
    lines = [f"Subject access request: what the Policy Helper bot's records hold about {name}",
             f"Entra object id {subject.object_id}; found by {wanted.found_by}" + _addresses(wanted),
             f"Made on {_uk(made_at)} (UK time). Times in {RECORDS} are UK time, with their offset from UTC.", ""]
    if include_withheld:
        lines += ["FOR THE DATA PROTECTION OFFICER'S REVIEW ONLY: this folder also holds other people's data "
                  f'("withheld_for_review" in {RECORDS}). Do not send it to the person as it is.', ""]
    lines += [f"Rows found in the bot's records (Azure Table storage), {len(found)} in all:"]
    lines += [f"  {counts[kind]:>4}  {kind.value}" for kind in Kind if counts[kind]]
    if not subject.emails:
        lines += ["", f"  {NO_ADDRESS}"]
    lines += ["", "Held back: another person's data", "  " + WITHHELD_RULE, ""]
    lines += held or ["  Nothing was held back."]
    if held and not include_withheld:
        lines += ["  To read what was held back for your own review, run the command again with --include-withheld "
                  "into another folder; that folder is not for sending."]
    lines += ["", "Named in the federation's settings (config, not a table): " + ("; ".join(roles) or "nothing"), "",
              "Not in this export (ask for them where they are kept):"]
    lines += [f"  - {place}" for place in ELSEWHERE]
    return "\n".join(lines) + "\n"


def _addresses(wanted: Wanted) -> str:
    """Their addresses, those the records alone gave marked (the DPO may check them)."""
    emails = wanted.subject.emails
    if not emails:
        return "; no email address known"
    given = emails if wanted.given is None else wanted.given
    return "; addresses " + ", ".join(f"{e} (found in the records)" if e not in given else e for e in sorted(emails))


def _check_folder(folder: Path) -> None:
    """Refuse a folder that holds anything: one person's export is never mixed with another's."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise NotFound(note("subject.folder_not_empty", folder=folder))


def _write(folder: Path, files: dict[str, str]) -> None:
    """The files, in a folder (and files) only whoever runs this can read."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)
    for name, text in files.items():
        descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        (folder / name).chmod(FILE_MODE)


async def _export(args: argparse.Namespace, lang: Lang) -> int:
    settings = load_settings(tool=True)
    federation = load_federation_settings(settings)
    async with open_store(connection_string=settings.storage_connection_string.get_secret_value(),
                          endpoint=settings.storage_table_endpoint, prefix=settings.table_prefix,
                          call_seconds=10) as store:
        wanted, _ = await person_in_records(store, federation, args.person, args.email)
        subject = wanted.subject
        found = await rows_about(store, subject)
    roles = settings_roles(federation, subject.object_id)
    if not found:
        strings = load_catalogue()
        named = strings.text("subject.only_settings", lang, roles=", ".join(
            settings_roles(federation, subject.object_id, lang))) if roles else ""
        print(f"{COMMAND}: " + strings.text("subject.not_in_records", lang, object_id=subject.object_id, named=named),
              file=sys.stderr)
        return 2
    made_at = datetime.now(UTC)
    name = _name(wanted, found)
    records = {"person": {"name": name, "entra_object_id": subject.object_id, "emails": sorted(subject.emails),
                          "found_by": wanted.found_by, "named_in_settings": roles},
               "made_at": in_uk(made_at).isoformat(timespec="seconds"),
               "includes_withheld_for_review": args.include_withheld, "held_back": WITHHELD_RULE,
               "counts": {kind.value: n for kind in Kind if (n := sum(r.kind is kind for r in found))},
               "rows": [_row_json(r, include_withheld=args.include_withheld) for r in found]}
    summary = summary_text(wanted, name, found, roles=roles, made_at=made_at, include_withheld=args.include_withheld)
    _write(args.out, {SUMMARY: summary,
                      RECORDS: json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n"})
    _print_summary(args.out, name, subject.object_id, found, include_withheld=args.include_withheld, lang=lang)
    if not subject.emails:
        strings = load_catalogue()
        print(strings.text("subject.no_address_note", lang, text=strings.text("subject.no_address", lang)))
    return 0


def _print_summary(folder: Path, name: str, object_id: str, found: Sequence[FoundRow], *,
                   include_withheld: bool, lang: Lang) -> None:
    strings = load_catalogue()
    counts = Counter(row.kind for row in found)
    print(strings.text("subject.wrote", lang, count=len(found), name=name, object_id=object_id, folder=folder,
                       summary=SUMMARY, records=RECORDS))
    for kind in Kind:
        if counts[kind]:
            print(f"  {counts[kind]:>4}  {kind_text(kind, lang)}")
    held = sorted({row.reference or row.table for row in found if row.withheld})
    if held:
        verb = strings.text("subject.held_included", lang) if include_withheld else \
            strings.text("subject.held_listed", lang, summary=SUMMARY)
        print(strings.text("subject.held_back", lang, count=len(held), verb=verb, references=", ".join(held)))


def export_subject_access_command(argv: list[str]) -> int:
    """Write the folder, or say why not (exit 2: the person, the folder or the settings; exit 1: storage)."""
    parser = CommandParser(
        prog=f"python -m bot {COMMAND}",
        description="For a subject access request (UK GDPR Article 15): every row the bot's records hold about one "
                    "member of staff, in a new folder only you can read (summary.txt and records.json). Another "
                    "person's data in them is held back and listed for the data protection officer to decide.")
    parser.add_argument("person", metavar="PERSON",
                        help="their Entra object id, or their email or name as on the staff list")
    parser.add_argument("--out", type=Path, required=True, metavar="FOLDER", help="a new (or empty) folder")
    parser.add_argument("--email", action="append", default=[], metavar="ADDRESS",
                        help="another address the records may know them by (someone no longer on the staff list)")
    parser.add_argument("--include-withheld", action="store_true",
                        help="also write the other people's data held back, marked, for the data protection "
                             "officer's own review: never send that folder as it is")
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    try:
        _check_folder(args.out)
        return asyncio.run(_export(args, lang))
    except NotFound as error:
        print(f"{COMMAND}: {error.said('tool.nothing_written', lang)}", file=sys.stderr)
        return 2
    except UnsafeSettings as error:
        print(f"{COMMAND}: {settings_fault(error, lang)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{COMMAND}: " + load_catalogue().text("subject.cannot_write", lang, folder=args.out,
                                                     reason=error.strerror or error), file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"{COMMAND}: {storage_fault(error, lang)}; {load_catalogue().text('tool.nothing_written', lang)}",
              file=sys.stderr)
        return 1
