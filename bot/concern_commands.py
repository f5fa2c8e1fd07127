"""Command-line tools for the staff list and concern reports: import-staff, check-reports, purge-reports."""

from __future__ import annotations

import argparse
import codecs
import io
import sys
import zipfile
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.concerns import Role, Subject, Today
from bot.domain.directory import StaffListChange, StaffMember, read_staff_csv, staff_list_change
from bot.domain.errors import DomainError
from bot.domain.federation import Federation
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, StaffContact
from bot.policy.notes import note, os_fault
from bot.settings import Settings, UnsafeSettings, load_federation_settings, load_settings
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from bot.tools import run_tool, settings_fault, storage_fault, tool_store
from cards.i18n import load_catalogue, note_text
from dialogs.concerns import ConcernFlow


def _store() -> AbstractAsyncContextManager[TableStore]:
    return tool_store(["directory", "reports", "audit", "outbox", "outboxsent", "users", "ratelimits"])


def _flow(store: TableStore) -> ConcernFlow:
    directory = TableStaffDirectory(store)
    settings = load_settings(tool=True)
    return ConcernFlow(strings=load_catalogue(), federation=load_federation_settings(settings),
                       reports=TableConcernReports(store), directory=directory, managers=[directory],
                       notifier=QueueingNotifier(TableOutbox(store)), profiles=TableUserProfiles(store),
                       limiter=TableRateLimiter(store), report_limit=settings.report_limit_per_day,
                       escalation_limit=settings.escalation_limit_per_day)


# How a workbook begins: .xlsx (and any other zip of XML parts), and Excel 97-2003's .xls.
WORKBOOKS = (b"PK\x03\x04", bytes.fromhex("d0cf11e0a1b11ae1"))
# What a Word document of either kind holds: .docx's main part, and Word 97-2003's stream (its name in UTF-16).
WORD_PARTS = ("word/document.xml", "WordDocument".encode("utf-16-le"))


def _not_a_csv(data: bytes) -> str:
    """The key of the string tables that names a file that is not a CSV at all (a workbook, a Word document, a PDF),
    or "" for one that may be."""
    if data.startswith(b"%PDF-"):
        return "import_staff.pdf"
    if not data.startswith(WORKBOOKS):
        return ""
    if data.startswith(WORKBOOKS[0]):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as parts:
                word = WORD_PARTS[0] in parts.namelist()
        except zipfile.BadZipFile:
            word = False
    else:
        word = WORD_PARTS[1] in data
    return "import_staff.word_document" if word else "import_staff.workbook"


def _staff_text(path: Path, lang: Lang) -> str:
    """The staff list's text, UTF-8 with or without Excel's byte-order mark; anything else is refused, not guessed:
    Excel's plain "CSV (Comma delimited)" writes Windows-1252, which has no ŵ or ŷ (they are already "?" in the
    file), so reading it as such would import names wrongly without a word. Such a file that is plain ASCII reads as
    UTF-8 here; `read_staff_csv` refuses its names with a "?"."""
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    if not_a_csv := _not_a_csv(data):
        raise ValueError(load_catalogue().text(not_a_csv, lang, file=path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ValueError(load_catalogue().text("import_staff.not_utf8", lang, file=path, line=line,
                                               byte=f"0x{data[error.start]:02x}")) from None
    if not text.strip():  # saved before the export ran: there are no columns to look for
        raise ValueError(load_catalogue().text("import_staff.empty", lang, file=path))
    return text


def _check_off(staff: Sequence[StaffMember], lang: Lang) -> str:
    """The end of the import's last line while a row has no Entra object id: the staff-only check is off."""
    without = sum(1 for m in staff if not m.aad_object_id)
    if not without:
        return ""
    return load_catalogue().text("import_staff.check_off", lang, count=without)


def _some(references: list[str], lang: Lang) -> str:
    """Up to five references, and how many more."""
    some = ", ".join(references[:5])
    if len(references) <= 5:
        return some
    return load_catalogue().text("import_staff.and_more", lang, references=some, count=len(references) - 5)


async def _taking_off(store: TableStore, change: StaffListChange, federation: Federation, lang: Lang) -> list[str]:
    """What taking those staff off the list does to work under way, by reference only (never a report's text).

    Who has left is told by the rule the next check passes reports on by (`Today.still_there`: a row with their object
    id or any of their addresses is them, and a row without an object id may be them by name), on the list as it was
    and as it will be: only what this import changes is named."""
    was, will_be = Today(federation, change.was, Subject()), Today(federation, change.will_be, Subject())

    def leaves(contact: StaffContact) -> bool:
        # Taken as a line manager: someone the settings name as head or chair is there whatever the list says.
        return was.still_there(contact, Role.LINE_MANAGER) and not will_be.still_there(contact, Role.LINE_MANAGER)

    held = [r.reference for r in await TableConcernReports(store).list_open()
            if r.holder_has_left(will_be) and not r.holder_has_left(was)]
    schools = [s.school_id for s in federation.schools]
    asked = [r.request_id for r in await TablePermissionRequests(store).list_pending(schools)
             if leaves(StaffContact(r.requester.aad_object_id, r.requester.name))]
    strings = load_catalogue()
    said = []
    if held:
        said.append(strings.text("import_staff.held", lang, count=len(held), references=_some(held, lang)))
    if asked:
        said.append(strings.text("import_staff.asked", lang, count=len(asked), references=_some(asked, lang)))
    return said


def import_staff_command(argv: list[str]) -> int:
    """`python -m bot import-staff FILE.csv [--dry-run] [--replace-all]`: all rows valid, or nothing changes; a list
    that would take more than half of a school's staff off is refused unless `--replace-all` says it is meant."""
    parser = CommandParser(
        prog="python -m bot import-staff",
        description="Replace the staff list with the file's. Staff not in the file are taken off the list (the "
                    "reports they hold are passed on at the next check); a file that would take more than half of "
                    "any school's staff off (one school's export on its own, say) is refused unless --replace-all.")
    parser.add_argument("file", type=Path, metavar="FILE.csv",
                        help='the staff list, saved from Excel as "CSV UTF-8 (Comma delimited)", with the columns '
                             "name, email, school, role, line_manager_email (and aad_object_id)")
    parser.add_argument("--dry-run", action="store_true", help="check the file only; storage is not read")
    parser.add_argument("--replace-all", action="store_true",
                        help="import even if it takes more than half of a school's staff off the list")
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    strings = load_catalogue()
    try:
        text = _staff_text(args.file, lang)
    except OSError as error:
        print("import-staff: " + strings.text("import_staff.cannot_read", lang, file=args.file,
                                              reason=note_text(strings, os_fault(error, reading=True), lang)),
              file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"import-staff: {error}", file=sys.stderr)
        return 2
    try:
        federation = load_federation_settings(load_settings(tool=True, storage=not args.dry_run))
    except UnsafeSettings as error:
        print(f"import-staff: {settings_fault(error, lang)}", file=sys.stderr)
        return 2
    result = read_staff_csv(text, schools=[s.school_id for s in federation.schools])
    for warning in result.warning_notes:
        print(strings.text("import_staff.warning", lang, warning=note_text(strings, warning, lang)), file=sys.stderr)
    if result.problems:
        for problem in result.problem_notes:
            print(note_text(strings, problem, lang), file=sys.stderr)
        print(strings.text("import_staff.problems", lang, count=len(result.problems)), file=sys.stderr)
        return 1
    if args.dry_run:
        print(strings.text("import_staff.would_import", lang, count=len(result.staff),
                           check_off=_check_off(result.staff, lang)))
        return 0

    async def write() -> int:
        async with tool_store(["directory", "reports", "permissions", "permissionindex"]) as store:
            directory = TableStaffDirectory(store)
            change = staff_list_change(await directory.list_members(), result.staff)
            consequences = await _taking_off(store, change, federation, lang) if change.taken_off else []
            sweeping = change.sweeping()
            if sweeping and not args.replace_all:
                for school in sweeping:
                    print("import-staff: " + strings.text("import_staff.sweeping", lang,
                                                          count=change.by_school()[school],
                                                          staff=change.on_the_list[school], school=school),
                          file=sys.stderr)
                for line in consequences:
                    print(f"import-staff: {line}", file=sys.stderr)
                print("import-staff: " + strings.text("import_staff.replace_all", lang), file=sys.stderr)
                return 1
            try:
                await directory.replace_all(result.staff)
            except DomainError as error:
                # Written in batches of 100: some may be in. Writing the same file again finishes the change.
                print("import-staff: " + strings.text("import_staff.stopped_part_way", lang,
                                                      fault=storage_fault(error, lang)), file=sys.stderr)
                return 1
        gone = ", ".join(f"{school}: {n}" for school, n in change.by_school().items())
        took = strings.text("import_staff.took_off", lang, count=len(change.taken_off), schools=gone)
        print(strings.text("import_staff.imported", lang, count=len(result.staff),
                           taken_off=took if change.taken_off else "", check_off=_check_off(result.staff, lang)))
        for line in consequences:
            print(line)
        return 0

    return run_tool("import-staff", write(), lang)


def check_reports_command(argv: list[str]) -> int:
    """`python -m bot check-reports`: one pass of reminders and escalations."""
    parser = CommandParser(
        prog="python -m bot check-reports",
        description="One pass of the concern-report task the running bot does every 15 minutes: queues the messages "
                    "a storage fault left owed, reminds a holder after two of their working days unacknowledged and "
                    "passes a report up two working days later (one and one for a report marked urgent). It has no "
                    "dry run.")
    add_language_option(parser)
    if "--dry-run" in argv:
        # Refused, not ignored: a "dry run" that ran would queue real messages.
        lang = command_language(parser.parse_known_args(argv)[0].lang)
        print("check-reports: " + load_catalogue().text("check_reports.no_dry_run", lang), file=sys.stderr)
        return 2
    lang = command_language(parser.parse_args(argv).lang)

    async def run() -> int:
        async with _store() as store:
            done = await _flow(store).check_reports()
        print(load_catalogue().text("check_reports.queued", lang, count=done))
        return 0

    # Reports are reminded and passed up one by one: what was queued before storage stopped it stays queued.
    return run_tool("check-reports", run(), lang, part_way="check_reports.stopped_part_way")


def _retention_months(given: int | None, settings: Settings, lang: Lang) -> tuple[int, str]:
    """The school's retention period for concern reports and where it was said: never a default, as what it deletes
    is gone for good (a school keeping 36 months had reports deleted at 24)."""
    if "report_retention_months" not in settings.model_fields_set:
        if given is None:
            raise ValueError(load_catalogue().text("purge.no_period", lang))
        return given, "--months"
    setting = settings.report_retention_months
    if given is not None and given != setting:
        raise ValueError(load_catalogue().text("purge.periods_differ", lang, given=given, setting=setting))
    return setting, "REPORT_RETENTION_MONTHS" if given is None else "--months"


def _purge_settings() -> Settings:
    """The tools' settings, with a REPORT_RETENTION_MONTHS that is not a number (an `az` command that filled it printed
    nothing) refused with how to give the period."""
    try:
        return load_settings(tool=True)
    except UnsafeSettings as error:
        if error.setting != "REPORT_RETENTION_MONTHS":
            raise
        raise UnsafeSettings(load_catalogue().text("purge.bad_setting", Lang.EN, error=error), setting=error.setting,
                             said=note("purge.bad_setting", error=error.note or str(error))) from None


def _months(text: str) -> int:
    """A retention period as REPORT_RETENTION_MONTHS takes it: 1 to 120 months."""
    if not text.isdigit() or not 1 <= int(text) <= 120:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of months from 1 to 120")
    return int(text)


def purge_reports_command(argv: list[str]) -> int:
    """`python -m bot purge-reports [--dry-run] [--months N]`: delete reports past the school's retention period
    after closure (REPORT_RETENTION_MONTHS or --months, one of which is required)."""
    parser = CommandParser(
        prog="python -m bot purge-reports",
        description="Delete the concern reports closed more than the school's retention period ago (the running bot "
                    "does this every hour), leaving a line in the audit table for each, and replace their cards in "
                    "Teams with one saying so; also delete the daily limits' counts of days that are over. What it "
                    "deletes is gone for good: there is no default period, and --dry-run lists them first.")
    parser.add_argument("--dry-run", action="store_true",
                        help="list the reports that would be deleted, and delete nothing")
    parser.add_argument("--months", type=_months, metavar="N",
                        help="months after closure the school keeps a concern report (its reportRetentionMonths); "
                             "needed unless REPORT_RETENTION_MONTHS is set")
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)

    async def run() -> int:
        strings = load_catalogue()
        months, said_by = _retention_months(args.months, _purge_settings(), lang)
        async with _store() as store:
            deleted = await _flow(store).purge(months=months, dry_run=args.dry_run)
        ago = strings.text("purge.ago_one" if months == 1 else "purge.ago", lang, months=months, said_by=said_by)
        if not deleted:
            print(strings.text("purge.nothing_to_delete", lang, ago=ago))
            return 0
        print(strings.text("purge.would_delete" if args.dry_run else "purge.deleted", lang, count=len(deleted),
                           ago=ago, references=", ".join(deleted)))
        return 0

    # Reports are deleted one by one: those deleted before storage stopped it stay deleted.
    return run_tool("purge-reports", run(), lang,
                    part_way="tool.nothing_changed" if args.dry_run else "purge.stopped_part_way")
