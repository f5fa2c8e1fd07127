"""Command-line tools for the staff list and concern reports: import-staff, check-reports, purge-reports."""

from __future__ import annotations

import argparse
import codecs
import sys
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bot.domain.directory import read_staff_csv
from bot.domain.errors import DomainError
from bot.domain.outbox import QueueingNotifier
from bot.settings import UnsafeSettings, load_federation_settings, load_settings
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from bot.tools import run_tool, tool_store
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


def _staff_text(path: Path) -> str:
    """The staff list's text, UTF-8 with or without Excel's byte-order mark; anything else is refused, not guessed:
    Excel's plain "CSV (Comma delimited)" writes Windows-1252, which has no ŵ or ŷ (they are already "?" in the
    file), so reading it as such would import names wrongly without a word."""
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ValueError(f"line {line} is not UTF-8 (byte 0x{data[error.start]:02x}); Excel's "
                         '"CSV (Comma delimited)" loses Welsh letters such as ŵ and ŷ: in Excel, File > Save As > '
                         '"CSV UTF-8 (Comma delimited)", then import that file; nothing was imported') from None


def import_staff_command(argv: list[str]) -> int:
    """`python -m bot import-staff FILE.csv [--dry-run]`: all rows valid, or nothing changes."""
    parser = argparse.ArgumentParser(prog="python -m bot import-staff")
    parser.add_argument("file", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="check the file, change nothing")
    args = parser.parse_args(argv)
    try:
        text = _staff_text(args.file)
    except (OSError, ValueError) as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    try:
        schools = [s.school_id for s in load_federation_settings(load_settings(tool=True)).schools]
    except UnsafeSettings as error:
        print(f"import-staff: {error}", file=sys.stderr)
        return 2
    result = read_staff_csv(text, schools=schools)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        print(f"{len(result.problems)} problem(s); nothing was imported", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{len(result.staff)} staff would be imported")
        return 0

    async def write() -> int:
        async with _store() as store:
            try:
                await TableStaffDirectory(store).replace_all(result.staff)
            except DomainError as error:
                # Written in batches of 100: some may be in. Writing the same file again finishes the change.
                print(f"import-staff: storage stopped part-way ({type(error).__name__}); the staff list may now "
                      f"hold part of this file beside the old list: run the same command again to complete it",
                      file=sys.stderr)
                return 1
        print(f"imported {len(result.staff)} staff")
        return 0

    return run_tool("import-staff", write())


def check_reports_command(argv: list[str]) -> int:
    """`python -m bot check-reports`: one pass of reminders and escalations."""
    if "--dry-run" in argv:
        # Refused, not ignored: a "dry run" that ran would queue real messages.
        print("check-reports: there is no --dry-run: it queues the reminders and escalations that are due, "
              "so nothing was done", file=sys.stderr)
        return 2
    argparse.ArgumentParser(
        prog="python -m bot check-reports",
        description="One pass of the concern-report task the running bot does every 15 minutes: queues the messages "
                    "a storage fault left owed, reminds a holder after two working days unacknowledged and passes a "
                    "report up two working days later. It has no dry run.").parse_args(argv)

    async def run() -> int:
        async with _store() as store:
            done = await _flow(store).check_reports()
        print(f"{done} reminder(s) or escalation(s) queued")
        return 0

    return run_tool("check-reports", run())


def purge_reports_command(argv: list[str]) -> int:
    """`python -m bot purge-reports [--dry-run]`: delete reports past the retention period after closure."""
    parser = argparse.ArgumentParser(prog="python -m bot purge-reports")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)

    async def run() -> int:
        months = load_settings(tool=True).report_retention_months
        async with _store() as store:
            deleted = await _flow(store).purge(months=months, dry_run=args.dry_run)
        verb = "would delete" if args.dry_run else "deleted"
        print(f"{verb} {len(deleted)} report(s) more than {months} months after closure: {', '.join(deleted) or '-'}")
        return 0

    return run_tool("purge-reports", run())
