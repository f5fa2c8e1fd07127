"""`python -m bot import-policy`: the policy file for the school's own document, written whole or not at all.

Its own module, so that `ask` and `validate-policy` do not load the Word reader. Its notes are said in English or in
Welsh (`--lang`, else the system's language), from the string tables the cards use.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.people import Lang
from bot.policy.importer import PolicyImportError, import_policy
from bot.policy.loader import (
    PolicyFileError,
    PolicyFileUnreadable,
    add_policy_option,
    load_policy,
    readable_policy_file,
)
from bot.policy.model import Policy
from bot.policy.notes import note, os_fault, problem_note
from cards.i18n import Catalogue, load_catalogue, note_text, refusal_text


def import_policy_command(argv: list[str]) -> int:
    """`import-policy SOURCE --out FILE.json [--policy CURRENT]`: write the policy file for a .docx, .txt or .md
    document, or say in one line why it cannot be, writing nothing (exit 1; exit 2 when the current policy file is
    not there)."""
    parser = CommandParser(
        prog="python -m bot import-policy",
        description="Read the school's policy document (.docx, .txt or .md) and write the policy file the bot reads. "
                    "Welsh headings and next steps are kept from the current policy where the words are the same.")
    parser.add_argument("source", type=Path, metavar="SOURCE", help="the policy document: .docx, or text (.txt, .md)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.json",
                        help="the policy file to write (a .json file)")
    add_policy_option(parser)
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    strings = load_catalogue()
    try:  # a --policy or POLICY_FILE that is not there is a slip: carrying no Welsh headings over would hide it
        current = _current_policy(readable_policy_file(args.policy), strings, lang)
    except PolicyFileUnreadable as error:
        print(f"import-policy: {note_text(strings, error.note, lang)}", file=sys.stderr)
        return 2
    try:
        if args.source.exists() and args.out.exists() and args.source.resolve() == args.out.resolve():
            raise PolicyImportError(f"--out {args.out} is the document itself: name a new .json file, so the "
                                    "school's document is not overwritten",
                                    note("import.error.out_is_source", out=str(args.out)))
        if args.out.suffix.lower() != ".json":  # a slip of tab completion would otherwise replace a Word document
            raise PolicyImportError(f"--out {args.out} is not a .json file: name the policy file to write, such as "
                                    "policy-2026.json, so that no other file is overwritten",
                                    note("import.error.out_not_json", out=str(args.out)))
        imported = import_policy(args.source, current)
        _write_atomically(args.out, json.dumps(imported.data, ensure_ascii=False, indent=2) + "\n")
    except PolicyImportError as error:
        print(f"import-policy: {refusal_text(strings, error, lang)}", file=sys.stderr)
        return 1
    except OSError as error:
        fault = note("import.error.cannot_write", out=str(args.out), reason=os_fault(error))
        print(f"import-policy: {note_text(strings, fault, lang)}", file=sys.stderr)
        return 1
    for noticed in imported.warnings:
        print(f"{'nodyn' if lang is Lang.CY else 'note'}: {note_text(strings, noticed, lang)}", file=sys.stderr)
    data = imported.data
    passages = sum(len(s["passages"]) for s in data["sections"])
    wrote = "import.wrote_version" if "version" in data else "import.wrote"
    print(strings.text(wrote, lang, out=args.out, title=repr(data["title_en"]), version=data.get("version"),
                       sections=len(data["sections"]), passages=passages))
    return 0


def _current_policy(path: Path, strings: Catalogue, lang: Lang) -> Policy | None:
    try:
        return load_policy(path)
    except PolicyFileError as error:
        unread = note("import.note.current_unreadable", problem=problem_note(error.problems[0], None))
        print(f"{'nodyn' if lang is Lang.CY else 'note'}: {note_text(strings, unread, lang)}", file=sys.stderr)
        return None


def _write_atomically(path: Path, text: str) -> None:
    """Write the whole file or, on any fault, leave what was there; a file written again keeps its permissions, and
    a link is followed to the file it names."""
    path = path.resolve() if path.is_symlink() else path
    handle, temporary = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        else:  # as any new file is made (mkstemp makes it the owner's alone)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
