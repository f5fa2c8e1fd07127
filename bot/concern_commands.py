"""Command-line tools for the staff list and concern reports: import-staff, check-reports, purge-reports."""

from __future__ import annotations

import argparse
import codecs
import sys
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bot.command_lang import add_language_option, command_language
from bot.domain.concerns import Role, Subject, Today
from bot.domain.directory import StaffListChange, StaffMember, read_staff_csv, staff_list_change
from bot.domain.errors import DomainError
from bot.domain.federation import Federation
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import StaffContact
from bot.settings import Settings, UnsafeSettings, load_federation_settings, load_settings
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from bot.tools import run_tool, storage_fault, tool_store
from cards.i18n import load_catalogue
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


def _staff_text(path: Path) -> str:
    """The staff list's text, UTF-8 with or without Excel's byte-order mark; anything else is refused, not guessed:
    Excel's plain "CSV (Comma delimited)" writes Windows-1252, which has no ŵ or ŷ (they are already "?" in the
    file), so reading it as such would import names wrongly without a word. Such a file that is plain ASCII reads as
    UTF-8 here; `read_staff_csv` refuses its names with a "?"."""
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    if data.startswith(WORKBOOKS):
        raise ValueError(f"{path} is a workbook (such as Excel's .xlsx), not a CSV file: in Excel, File > Save As > "
                         '"CSV UTF-8 (Comma delimited)", then import that file; nothing was imported')
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ValueError(f"cannot read {path}: line {line} is not UTF-8 (byte 0x{data[error.start]:02x}); Excel's "
                         '"CSV (Comma delimited)" loses Welsh letters such as ŵ and ŷ: in Excel, File > Save As > '
                         '"CSV UTF-8 (Comma delimited)", then import that file; nothing was imported') from None


def _check_off(staff: Sequence[StaffMember]) -> str:
    """The end of the import's last line while a row has no Entra object id: the staff-only check is off."""
    without = sum(1 for m in staff if not m.aad_object_id)
    if not without:
        return ""
    return (f"; {without} without an Entra object id: nobody in the Hwb tenant is refused as not staff until every "
            "row has one (see the warning above for the lines and how to fix it)")


def _some(references: list[str]) -> str:
    """Up to five references, and how many more."""
    more = f" and {len(references) - 5} more" if len(references) > 5 else ""
    return ", ".join(references[:5]) + more


async def _taking_off(store: TableStore, change: StaffListChange, federation: Federation) -> list[str]:
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
    said = []
    if held:
        said.append(f"{len(held)} open concern report(s) held by staff not in the file ({_some(held)}): once they "
                    f"are off the list, the next check passes each on to the next person up and tells its reporter")
    if asked:
        said.append(f"{len(asked)} pending permission request(s) made by staff not in the file ({_some(asked)}): "
                    f"these stay with the headteacher to decide")
    return said


def import_staff_command(argv: list[str]) -> int:
    """`python -m bot import-staff FILE.csv [--dry-run] [--replace-all]`: all rows valid, or nothing changes; a list
    that would take more than half of a school's staff off is refused unless `--replace-all` says it is meant."""
    parser = argparse.ArgumentParser(
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
    try:
        text = _staff_text(args.file)
    except OSError as error:
        print(f"import-staff: cannot read {args.file}: {error.strerror or error}; nothing was imported",
              file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"import-staff: {error}", file=sys.stderr)
        return 2
    try:
        federation = load_federation_settings(load_settings(tool=True, storage=not args.dry_run))
    except UnsafeSettings as error:
        print(f"import-staff: {error}", file=sys.stderr)
        return 2
    result = read_staff_csv(text, schools=[s.school_id for s in federation.schools])
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"{len(result.problems)} problem(s); nothing was imported", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{len(result.staff)} staff would be imported{_check_off(result.staff)}")
        return 0

    async def write() -> int:
        async with tool_store(["directory", "reports", "permissions", "permissionindex"]) as store:
            directory = TableStaffDirectory(store)
            change = staff_list_change(await directory.list_members(), result.staff)
            consequences = await _taking_off(store, change, federation) if change.taken_off else []
            sweeping = change.sweeping()
            if sweeping and not args.replace_all:
                for school in sweeping:
                    print(f"import-staff: this file would take {change.by_school()[school]} of the "
                          f"{change.on_the_list[school]} staff at {school} off the list (is it one school's export, "
                          f"or cut short?); nothing was changed", file=sys.stderr)
                for line in consequences:
                    print(f"import-staff: {line}", file=sys.stderr)
                print("import-staff: if they have left, run it again with --replace-all; to import one school's "
                      "export, put every school's staff in one file first", file=sys.stderr)
                return 1
            try:
                await directory.replace_all(result.staff)
            except DomainError as error:
                # Written in batches of 100: some may be in. Writing the same file again finishes the change.
                print("import-staff: " + load_catalogue().text("import_staff.stopped_part_way", lang,
                                                               fault=storage_fault(error, lang)), file=sys.stderr)
                return 1
        gone = ", ".join(f"{school}: {n}" for school, n in change.by_school().items())
        print(f"imported {len(result.staff)} staff" + (f"; took {len(change.taken_off)} staff off the list ({gone})"
                                                       if change.taken_off else "") + _check_off(result.staff))
        for line in consequences:
            print(line)
        return 0

    return run_tool("import-staff", write(), lang)


def check_reports_command(argv: list[str]) -> int:
    """`python -m bot check-reports`: one pass of reminders and escalations."""
    if "--dry-run" in argv:
        # Refused, not ignored: a "dry run" that ran would queue real messages.
        print("check-reports: there is no --dry-run: it queues the reminders and escalations that are due, "
              "so nothing was done", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(
        prog="python -m bot check-reports",
        description="One pass of the concern-report task the running bot does every 15 minutes: queues the messages "
                    "a storage fault left owed, reminds a holder after two of their working days unacknowledged and "
                    "passes a report up two working days later (one and one for a report marked urgent). It has no "
                    "dry run.")
    add_language_option(parser)
    lang = command_language(parser.parse_args(argv).lang)

    async def run() -> int:
        async with _store() as store:
            done = await _flow(store).check_reports()
        print(f"{done} reminder(s) or escalation(s) queued")
        return 0

    # Reports are reminded and passed up one by one: what was queued before storage stopped it stays queued.
    return run_tool("check-reports", run(), lang, part_way="check_reports.stopped_part_way")


def _retention_months(given: int | None, settings: Settings) -> tuple[int, str]:
    """The school's retention period for concern reports and where it was said: never a default, as what it deletes
    is gone for good (a school keeping 36 months had reports deleted at 24)."""
    if "report_retention_months" not in settings.model_fields_set:
        if given is None:
            raise ValueError("say how many months after closure the school keeps a concern report: set "
                             "REPORT_RETENTION_MONTHS (the running bot's, from reportRetentionMonths in "
                             "infra/main.parameters.json) or add --months N; nothing was deleted")
        return given, "--months"
    setting = settings.report_retention_months
    if given is not None and given != setting:
        raise ValueError(f"--months {given} and REPORT_RETENTION_MONTHS {setting} differ: give the school's period "
                         "once; nothing was deleted")
    return setting, "REPORT_RETENTION_MONTHS" if given is None else "--months"


def _purge_settings() -> Settings:
    """The tools' settings, with a REPORT_RETENTION_MONTHS that is not a number (an `az` command that filled it printed
    nothing) refused with how to give the period."""
    try:
        return load_settings(tool=True)
    except UnsafeSettings as error:
        if error.setting != "REPORT_RETENTION_MONTHS":
            raise
        raise UnsafeSettings(f"{error}; set it to the school's reportRetentionMonths (infra/main.parameters.json), or "
                             "unset it and add --months N; nothing was deleted", setting=error.setting) from None


def _months(text: str) -> int:
    """A retention period as REPORT_RETENTION_MONTHS takes it: 1 to 120 months."""
    if not text.isdigit() or not 1 <= int(text) <= 120:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of months from 1 to 120")
    return int(text)


def purge_reports_command(argv: list[str]) -> int:
    """`python -m bot purge-reports [--dry-run] [--months N]`: delete reports past the school's retention period
    after closure (REPORT_RETENTION_MONTHS or --months, one of which is required)."""
    parser = argparse.ArgumentParser(
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
        months, said_by = _retention_months(args.months, _purge_settings())
        async with _store() as store:
            deleted = await _flow(store).purge(months=months, dry_run=args.dry_run)
        ago = f"{months} month{'' if months == 1 else 's'} ago ({said_by})"
        if not deleted:
            print(f"nothing to delete: no concern report was closed more than {ago}")
            return 0
        verb = "would delete" if args.dry_run else "deleted"
        print(f"{verb} {len(deleted)} report(s) closed more than {ago}: {', '.join(deleted)}")
        return 0

    # Reports are deleted one by one: those deleted before storage stopped it stay deleted.
    return run_tool("purge-reports", run(), lang,
                    part_way="tool.nothing_changed" if args.dry_run else "purge.stopped_part_way")
