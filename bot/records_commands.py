"""Command-line tools for the decision record's backup: backup-records, restore-records."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.errors import DomainError
from bot.domain.people import Lang
from bot.policy.notes import note, os_fault
from bot.settings import UnsafeSettings, load_settings
from bot.storage.backup import (
    RECORD_TABLES,
    BackupError,
    Restored,
    RestoreStopped,
    read_backup,
    read_tables,
    restore,
    write_backup,
)
from bot.storage.tables import open_store
from bot.tools import settings_fault, storage_fault
from cards.i18n import Catalogue, load_catalogue, note_text


def _folder(argv: list[str], command: str, what: str, description: str) -> tuple[Path, Lang]:
    parser = CommandParser(prog=f"python -m bot {command}", description=description)
    parser.add_argument("folder", type=Path, help=what)
    add_language_option(parser)
    args = parser.parse_args(argv)
    folder: Path = args.folder
    return folder, command_language(args.lang)


async def _tables(*, backup: dict[str, list[dict[str, Any]]] | None) -> dict[str, list[str]] | Restored:
    """Read the record tables, or (given a backup) restore it; return the rows read or what was restored."""
    settings = load_settings(tool=True)
    async with open_store(connection_string=settings.storage_connection_string.get_secret_value(),
                          endpoint=settings.storage_table_endpoint, prefix=settings.table_prefix,
                          call_seconds=10) as store:
        if backup is None:
            return await read_tables(store)
        return await restore(store, backup)


def _rows(strings: Catalogue, count: int, lang: Lang) -> str:
    return strings.text("records.rows_one" if count == 1 else "records.rows", lang, count=count)


def _main(command: str, folder: Path, lang: Lang, *, restoring: bool) -> int:
    strings = load_catalogue()
    nothing = strings.text("records.nothing_restored" if restoring else "tool.nothing_written", lang)
    try:
        if not restoring and folder.exists() and not folder.is_dir():
            raise BackupError(f"{folder} is a file: name a new folder for the backup",
                              note("records.backup_is_a_file", folder=folder))
        if not restoring and (held := [name for name in ("backup.json", *(f"{t}.jsonl" for t in RECORD_TABLES))
                                       if (folder / name).exists()]):
            # An earlier backup (perhaps the one good copy) is never written over.
            raise BackupError(f"{folder} already holds a backup ({held[0]}): name a new folder, such as "
                              "backup-YYYY-MM-DD", note("records.already_holds", folder=folder, file=held[0]))
        result = asyncio.run(_tables(backup=read_backup(folder) if restoring else None))
        if isinstance(result, Restored):
            print(strings.text("records.restored", lang, tables=", ".join(
                f"{table} {_rows(strings, n, lang)}"
                + (strings.text("records.earlier", lang, count=result.already[table]) if result.already[table] else "")
                for table, n in result.rows.items())))
        else:
            counts = write_backup(folder, result)
            print(strings.text("records.backed_up", lang, folder=folder, tables=", ".join(
                f"{table} {_rows(strings, n, lang)}" for table, n in counts.items())))
        return 0
    except BackupError as error:
        # Every check (the whole backup, the tables restored into; the folder and storage before a backup) comes
        # before the first write.
        print(f"{command}: {note_text(strings, error.note, lang)}; {nothing}", file=sys.stderr)
        return 2
    except OSError as error:  # the backup's folder or files could not be written
        print(f"{command}: " + strings.text("tool.cannot_write", lang, file=error.filename or folder,
                                            reason=note_text(strings, os_fault(error), lang)), file=sys.stderr)
        return 2
    except UnsafeSettings as error:
        print(f"{command}: {settings_fault(error, lang)}", file=sys.stderr)
        return 2
    except RestoreStopped as stopped:
        done = ", ".join(strings.text("records.restored_of", lang, table=table, restored=stopped.restored[table],
                                      rows=_rows(strings, n, lang)) for table, n in stopped.rows.items())
        print(f"{command}: " + strings.text("records.stopped", lang, fault=storage_fault(stopped.fault, lang),
                                            done=done), file=sys.stderr)
        return 1
    except DomainError as error:
        # A backup reads every table before it writes a file; a restore, every table before it writes a row.
        print(f"{command}: {storage_fault(error, lang)}; {nothing}", file=sys.stderr)
        return 1


def backup_command(argv: list[str]) -> int:
    """`python -m bot backup-records FOLDER`: the permission requests, their audit trails, the lists derived from them
    and the retention log (RECORD_TABLES, which the READMEs name)."""
    folder, lang = _folder(argv, "backup-records", f"where to write {', '.join(RECORD_TABLES)} (one .jsonl file each)",
                     "Copy the decision record to a new folder readable by you alone: the permission requests and "
                     "their audit trail (permissions), the lists derived from them (permissionindex) and the retention "
                     "log (audit). Concern reports are left out on purpose: a copy would outlive their retention "
                     "period. Keep the folder where the school keeps its records.")
    return _main("backup-records", folder, lang, restoring=False)


def restore_command(argv: list[str]) -> int:
    """`python -m bot restore-records FOLDER`: put a backup into empty tables, or finish a restore of the same backup
    that stopped part-way (it refuses tables that hold other rows)."""
    folder, lang = _folder(argv, "restore-records", "a folder written by backup-records",
                     "Put a backup-records folder back into empty tables (after the storage account was lost: stop the "
                     "bot first). The whole backup is checked before anything is written; tables holding any row that "
                     "is not in the backup are refused; a restore that stopped part-way is finished by running it "
                     "again. The staff list, the policy in force and the chats the bot knows are not in a backup: see "
                     'infra/README.md, "Keeping the records".')
    return _main("restore-records", folder, lang, restoring=True)
