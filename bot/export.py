"""`python -m bot export-decisions --from DATE --to DATE [--out FILE]`: decisions as CSV for the governing body."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.errors import DomainError
from bot.domain.people import Lang
from bot.domain.permission_requests import PermissionRequest, RequestState
from bot.domain.text import clean_user_text
from bot.domain.uk_time import uk_clock, uk_today
from bot.policy.notes import os_fault
from bot.settings import UnsafeSettings, load_federation_settings, load_settings
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.tables import open_store
from bot.tools import settings_fault, storage_fault
from cards.i18n import load_catalogue, note_text

# Excel opens a .csv by double-click as UTF-8 only when it starts with a byte-order mark; otherwise in the Windows
# code page, which shows "SiÃ¢n" for Siân. Standard output stays plain UTF-8, for programs that read it.
EXCEL_ENCODING = "utf-8-sig"
OUT_HELP = (".csv file to write, UTF-8 with a byte-order mark so that Excel shows Welsh letters (default: standard "
            "output, plain UTF-8)")


def not_a_csv(out: str | Path | None, lang: Lang = Lang.EN) -> str:
    """Why an export's --out cannot be used, or "" (in `lang`, a command's `--lang`): the export is CSV, and a name
    Excel takes for another kind of file (decisions.xlsx) gives a file it refuses to open."""
    if out is None or Path(out).suffix.lower() == ".csv":
        return ""
    return load_catalogue().text("export.not_a_csv", lang, out=out)


CELL_LIMIT = 5000  # longer than any field a form accepts
# Times as the cards showed them (GMT in winter, BST in summer), and the --from/--to days as UK calendars have them.
# Columns are only ever added at the end, so a spreadsheet the governors built on an earlier export still lines up.
# The dates approved (from the day a late approval was given: permission is never backdated) and the dates asked for;
# then, for an approval ended early, who ended it, when and why (blank otherwise); then, for an approval a later one
# for the same account replaced (it asked for more), which one and from which day; then whether the school's named
# delegate decided it in the headteacher's place ("yes" or "no"; a record decided before that was kept reads
# "unknown"); then, for a replaced approval, the last day it was replaced (`ongoing` while the wider runs with no end):
# after it, it stands again; then the wider approvals that replaced it for a while before the one named; then the newer
# approval that replaced the one named in turn and keeps it replaced while it stands (one approval of an account at a
# time).
COLUMNS = ["request id", "school", "requester", "platform", "account", "purpose", "submitted at (UK time)", "decision",
           "decided by", "decided at (UK time)", "reason or comment", "approved from (UK date)",
           "approved to (UK date)", "start asked for", "end asked for", "ended by", "ended at (UK time)",
           "reason for ending", "replaced by", "replaced from (UK date)",
           "decided by the headteacher's named delegate", "replaced until (UK date)", "replaced earlier",
           "replaced in turn by"]
ONGOING = "ongoing"
# Said of a decision made before the record kept whether the headteacher's named delegate made it.
UNKNOWN = "unknown"


# Spreadsheet programs run a cell that starts with one of these as a formula (tab and CR cannot remain after
# cleaning, but are named so the rule reads whole); one opened with another separator (`;`, `|`, tab) may also
# split a cell and run what follows the separator.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_AFTER_SEPARATOR = re.compile(r"([,;|]\s*)(?=[=+\-@])")


def export_cell(value: str) -> str:
    """A typed value for a CSV cell: cleaned as cards clean it, on one line, and every formula defused with an
    apostrophe (shown as text by spreadsheets): at the start, and after a separator ("Notes; =cmd")."""
    cleaned = _AFTER_SEPARATOR.sub(r"\1'", clean_user_text(value, limit=CELL_LIMIT, one_line=True))
    return "'" + cleaned if cleaned.startswith(FORMULA_START) else cleaned


def uk_time(moment: datetime) -> str:
    """A moment as UK clocks showed it, in a form spreadsheets read as a date and time (with BST or GMT after it in
    the hour the clocks go back, which comes twice: that cell reads as text, and says which of the two it was)."""
    return uk_clock(moment, "%Y-%m-%d %H:%M")


def _until(day: date | None) -> str:
    return day.isoformat() if day else ONGOING


def decisions_csv(requests: Sequence[PermissionRequest], *, start: date, end: date,
                  school_names: dict[str, str]) -> str:
    """The decided requests whose decision, or the early end of whose approval, falls in [start, end] (UK days), oldest
    decision first, as CSV text. An approval ended early stays "approved" in its decision column (what was decided),
    with its ending in the last columns."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)

    def in_range(moment: datetime | None) -> bool:
        return moment is not None and start <= uk_today(moment) <= end

    decided = [r for r in requests if r.state in (RequestState.APPROVED, RequestState.DECLINED, RequestState.ENDED)
               and (in_range(r.decided_at) or in_range(r.ended_at))]
    for request in sorted(decided, key=lambda r: r.decided_at or r.submitted_at):
        account = request.existing_account if request.account_kind == "existing" else "new account"
        approved_from = request.permitted_from
        writer.writerow([export_cell(v) for v in (
            request.request_id, school_names.get(request.school_id, request.school_id), _requester(request),
            request.platform_name, account, request.purpose, uk_time(request.submitted_at),
            RequestState.APPROVED.value if request.state is RequestState.ENDED else request.state.value,
            request.decided_by, uk_time(request.decided_at) if request.decided_at else "",
            request.reason or request.comment, approved_from.isoformat() if approved_from else "",
            _until(request.end) if approved_from else "", request.start.isoformat(), _until(request.end),
            request.ended_by, uk_time(request.ended_at) if request.ended_at else "", request.end_reason,
            request.superseded_by if request.superseded_from else "",
            request.superseded_from.isoformat() if request.superseded_from else "",
            _delegate(request),
            _until(request.superseded_until) if request.superseded_from else "",
            _replaced_earlier(request), request.superseded_through if request.superseded_from else "")])
    return out.getvalue()


def _replaced_earlier(request: PermissionRequest) -> str:
    """The wider approvals that replaced it for a while before the one named, oldest first: `P-8WPL4C 2026-11-04 to
    2026-11-30`, separated by "; "."""
    return "; ".join(f"{by} {first.isoformat()} to {last.isoformat()}" for by, first, last in request.replaced_earlier)


def _delegate(request: PermissionRequest) -> str:
    """Whether the headteacher's named delegate decided it: "unknown" for a decision made before the record kept it."""
    if request.decided_as_delegate is None:
        return UNKNOWN
    return "yes" if request.decided_as_delegate else "no"


def _requester(request: PermissionRequest) -> str:
    """Who asked: her name, or for a request stored without one (Teams gave none, nor did the staff list), the Entra
    object id IT can look her up by."""
    return request.requester.name or f"(no name in Teams: Entra object id {request.requester.aad_object_id})"


async def _load_requests() -> list[PermissionRequest]:
    settings = load_settings(tool=True)
    async with open_store(connection_string=settings.storage_connection_string.get_secret_value(),
                          endpoint=settings.storage_table_endpoint, prefix=settings.table_prefix,
                          call_seconds=10) as store:
        return await TablePermissionRequests(store).list_all()


def export_command(argv: list[str]) -> int:
    """Write the CSV to --out or standard output; bad dates exit 2 with a message."""
    parser = CommandParser(
        prog="python -m bot export-decisions",
        description="CSV of the permission requests decided between two days, for the governing body: who asked, "
                    "for what, the decision, who made it and why, the dates approved and asked for, and for an "
                    "approval ended early who ended it, when and why, then which approval replaced one and whether the "
                    "headteacher's named delegate decided it (times in UK time, as the cards showed them).")
    parser.add_argument("--from", dest="start", required=True, help="first day (UK time), YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="last day (UK time), YYYY-MM-DD")
    parser.add_argument("--out", help=OUT_HELP)
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    strings = load_catalogue()
    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        print(f"export-decisions: {strings.text('export.bad_date', lang)}", file=sys.stderr)
        return 2
    if end < start:
        print(f"export-decisions: {strings.text('export.to_before_from', lang, start=start, end=end)}",
              file=sys.stderr)
        return 2
    if refused := not_a_csv(args.out, lang):
        print(f"export-decisions: {refused}", file=sys.stderr)
        return 2
    try:
        federation = load_federation_settings(load_settings(tool=True))
        requests = asyncio.run(_load_requests())
    except (UnsafeSettings, ValueError) as error:
        said = settings_fault(error, lang) if isinstance(error, UnsafeSettings) else error
        print(f"export-decisions: {said}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"export-decisions: {storage_fault(error, lang)}; {strings.text('tool.nothing_written', lang)}",
              file=sys.stderr)
        return 1
    names = {s.school_id: s.name_en for s in federation.schools}
    text = decisions_csv(requests, start=start, end=end, school_names=names)
    if args.out:
        try:
            with open(args.out, "w", encoding=EXCEL_ENCODING, newline="") as handle:
                handle.write(text)
        except OSError as error:  # a folder that does not exist, no permission, a full disk
            reason = note_text(strings, os_fault(error), lang)
            said = strings.text("tool.cannot_write", lang, file=args.out, reason=reason)
            print(f"export-decisions: {said}; {strings.text('tool.nothing_written', lang)}", file=sys.stderr)
            return 2
        print(strings.text("export.wrote_decisions", lang, count=text.count(chr(10)) - 1, out=args.out),
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
