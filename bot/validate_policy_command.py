"""`python -m bot validate-policy [FILE | --policy FILE] [--lang en|cy]`: check a policy file and say exactly what is
wrong, in English or Welsh (`--lang`, else the system's language), from the string tables the cards use.

Like `ask`, it reads the policy file named by FILE or `--policy`, else POLICY_FILE, else the shipped one
(`loader.policy_file`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.people import Lang
from bot.policy.details import PolicyDetails
from bot.policy.loader import (
    PolicyFileUnreadable,
    add_policy_option,
    load_policy,
    origin_note,
    readable_policy_file,
    validate_policy_file,
)
from bot.policy.notes import problem_note
from cards.i18n import Catalogue, load_catalogue, note_text


def validate_policy_command(argv: list[str]) -> int:
    """`validate-policy [FILE | --policy FILE]`: print every problem, then how many in which file (and where its name
    came from), and exit 1; or print OK with the file, where its name came from, its title, version and date of
    issue, and exit 0; exit 2 when the file cannot be read at all."""
    parser = CommandParser(prog="python -m bot validate-policy", description="Check a policy file.")
    parser.add_argument("path", type=Path, nargs="?", metavar="FILE",
                        help="the policy file (the same as --policy)")
    add_policy_option(parser)
    add_language_option(parser)
    args = parser.parse_args(argv)
    if args.path and args.policy and args.path != args.policy:
        parser.error("name the policy file once: FILE or --policy FILE")
    lang = command_language(args.lang)
    strings = load_catalogue()
    named = "on the command line" if args.path else "by --policy"
    try:
        path = readable_policy_file(args.path or args.policy, named=named)
    except PolicyFileUnreadable as error:
        print(f"validate-policy: {note_text(strings, error.note, lang)}", file=sys.stderr)
        return 2
    problems = validate_policy_file(path)
    # Named as the error line names it, so a POLICY_FILE left at last year's file shows here.
    where = note_text(strings, origin_note(args.path or args.policy, named=named), lang)
    for problem in problems:
        print(note_text(strings, problem_note(problem, None, by_path=True), lang))
    if problems:
        print(strings.text("validate.problems_one" if len(problems) == 1 else "validate.problems", lang,
                           count=len(problems), path=path, where=where))
        return 1
    print(strings.text("validate.ok", lang, path=path, where=where,
                       identity=_identity(load_policy(path).details, strings, lang)))
    return 0


def _identity(details: PolicyDetails, strings: Catalogue, lang: Lang) -> str:
    """The title with the version and date of issue the file gives: "Social Media Policy, Version 1, issued
    12.10.2022"."""
    title = details.title.text(lang.value)
    parts = [title]
    if details.version:
        parts.append(strings.text("validate.version", lang, version=details.version))
    issued = details.issued()
    if issued is not None:
        parts.append(strings.text("validate.issued", lang, date=issued.text(lang.value)))
    if len(parts) == 1:
        return strings.text("validate.undated", lang, title=title)
    return ", ".join(parts)
