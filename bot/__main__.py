"""`python -m bot COMMAND ...`: command-line tools that need neither Teams nor storage unless they say so."""

from __future__ import annotations

import importlib
import os
import shlex
import sys
from collections.abc import Callable
from typing import NamedTuple

from bot.domain.people import Lang  # standard library only, as this module must be (see WITHOUT_PACKAGES)


class Command(NamedTuple):
    """Where a command lives ("module:function" taking argv, returning an exit code), what it does, and what stopping
    it part-way (Ctrl-C) leaves (a key of the string tables)."""

    target: str
    summary: str
    interrupted: str = "tool.nothing_changed"


# Imported only when run, so start-up (and --help) is fast.
COMMANDS: dict[str, Command] = {
    "ask": Command("bot.policy.cli:ask_command", "answer a question from the policy, without Teams or storage"),
    "validate-policy": Command("bot.validate_policy_command:validate_policy_command",
                               "check a policy file and say exactly what is wrong"),
    "import-policy": Command("bot.import_policy_command:import_policy_command",
                             "turn the policy document (.docx, .txt, .md) into a policy file",
                             interrupted="import_policy.interrupted"),
    "check-policy": Command("bot.check_policy_command:check_policy_command",
                            "check a new policy version against the steering data"),
    "cards": Command("cards.gallery:cards_command", "write every card the bot can send, in both languages",
                     interrupted="cards.interrupted"),
    "export-decisions": Command("bot.export:export_command",
                                "CSV of permission decisions between two dates, for the governing body",
                                interrupted="export.interrupted"),
    "import-staff": Command("bot.concern_commands:import_staff_command",
                            "replace the staff list (with line managers) from a CSV; refuses to take more than half of "
                            "a school off unless --replace-all; --dry-run checks the file only",
                            interrupted="import_staff.interrupted"),
    "check-reports": Command("bot.concern_commands:check_reports_command",
                             "queue the concern-report reminders and escalations due now (the bot does this itself)",
                             interrupted="check_reports.stopped_part_way"),
    "purge-reports": Command("bot.concern_commands:purge_reports_command",
                             "delete concern reports past their retention period; --dry-run lists them only",
                             interrupted="purge.stopped_part_way"),
    "publish-policy": Command("bot.policy_commands:publish_policy_command",
                              "store a new policy version as current and ask every member of staff to read it",
                              interrupted="policy.interrupted"),
    "policy-versions": Command("bot.policy_commands:policy_versions_command",
                               "list the policy versions kept in storage"),
    "rollback-policy": Command("bot.policy_commands:rollback_policy_command",
                               "make a stored policy version the current one again, once you type its number",
                               interrupted="policy.interrupted"),
    "export-acknowledgements": Command("bot.policy_commands:export_acknowledgements_command",
                                       "CSV of who was asked to read a policy version and who confirmed it",
                                       interrupted="export.interrupted"),
    "check-federation": Command("bot.federation_command:check_federation_command",
                                "read the federation's settings file as the bot will"),
    "backup-records": Command("bot.records_commands:backup_command",
                              "copy the permission requests, their audit trail, the lists derived from them and "
                              "the retention log to a folder",
                              interrupted="records.interrupted"),
    "restore-records": Command("bot.records_commands:restore_command",
                               "restore a backup-records folder into empty tables",
                               interrupted="records.restore_interrupted"),
    "export-subject-access": Command("bot.subject_access_command:export_subject_access_command",
                                     "every row the records hold about one member of staff, for a subject access "
                                     "request (others' data held back)",
                                     interrupted="records.interrupted"),
    "erase-person": Command("bot.erase_command:erase_person_command",
                            "delete one member of staff's questions, daily counts and (once they have left) profile; "
                            "requests and reports are kept; asks first, --dry-run lists them only",
                            interrupted="erase.stopped_part_way"),
}


# The packages of this repository: a module of theirs missing is a fault of the bot, not of the Python running it.
OWN_PACKAGES = ("bot", "dialogs", "cards", "manifest", "scripts")
# Said by a Python without the bot's packages (the system's, not .venv's), so it cannot come from the string tables,
# which need them too.
WITHOUT_PACKAGES = {
    "en": "this Python lacks the bot's packages ({error}): run .venv/bin/python -m bot instead (make install makes "
          "it), or source .venv/bin/activate first",
    "cy": "does gan y Python hwn ddim o becynnau'r bot ({error}): rhedwch .venv/bin/python -m bot yn ei le (mae make "
          "install yn ei greu), neu redwch source .venv/bin/activate yn gyntaf",
}


def usage(lang: Lang = Lang.EN) -> str:
    """Every command with what it does, in `lang`."""
    width = max(map(len, COMMANDS))
    if lang is Lang.EN:
        lines = [f"  {name.ljust(width)}  {command.summary}" for name, command in COMMANDS.items()]
        return "\n".join(["usage: python -m bot COMMAND [options]   (python -m bot COMMAND --help for its options)",
                          "", "commands:", *lines])
    from cards.i18n import load_catalogue

    strings = load_catalogue()
    lines = [f"  {name.ljust(width)}  {strings.text(f'commands.{name}', lang)}" for name in COMMANDS]
    return "\n".join([strings.text("commands.usage", lang, bot="python -m bot"), "",
                      strings.text("commands.heading", lang), *lines])


def resolve(name: str) -> Callable[[list[str]], int]:
    """The function behind a command name."""
    module, _, function = COMMANDS[name].target.partition(":")
    command: Callable[[list[str]], int] = getattr(importlib.import_module(module), function)
    return command


def main(argv: list[str]) -> int:
    """Dispatch on the first argument."""
    try:
        from bot.command_lang import language_given
        from cards.i18n import load_catalogue
    except ModuleNotFoundError as error:
        return _without_packages(argv, error)
    lang = language_given(argv)
    if argv[:1] in (["--help"], ["-h"]):
        print(usage(lang))
        return 0
    if argv and argv[0].startswith("-") and (named := next((word for word in argv if word in COMMANDS), None)):
        # An option first (`--lang cy import-staff …`): the line to type, the command first.
        at = argv.index(named)
        line = shlex.join(["python", "-m", "bot", named, *argv[:at], *argv[at + 1:]])
        print("python -m bot: " + load_catalogue().text("commands.command_first", lang, line=line), file=sys.stderr)
        return 2
    if not argv or argv[0] not in COMMANDS:
        if argv:
            print("python -m bot: " + load_catalogue().text("commands.no_command", lang, given=repr(argv[0])),
                  file=sys.stderr)
        print(usage(lang), file=sys.stderr)
        return 2
    try:
        command = resolve(argv[0])
    except ModuleNotFoundError as error:
        return _without_packages(argv, error)
    try:
        return command(argv[1:])
    except KeyboardInterrupt:  # Ctrl-C: what it left, not a traceback (a dry run changes nothing)
        strings = load_catalogue()
        left = "tool.nothing_changed" if "--dry-run" in argv else COMMANDS[argv[0]].interrupted
        print(f"{argv[0]}: " + strings.text("tool.interrupted", lang, left=strings.text(left, lang)), file=sys.stderr)
        return 130


def _without_packages(argv: list[str], error: ModuleNotFoundError) -> int:
    """Which Python to use, said without the string tables; a module of the bot's own missing is a fault, raised."""
    if (error.name or "").partition(".")[0] in OWN_PACKAGES:
        raise error
    command = f" {argv[0]}" if argv and argv[0] in COMMANDS else ""
    print(f"python -m bot{command}: " + WITHOUT_PACKAGES[_language(argv)].format(error=error), file=sys.stderr)
    return 2


def _language(argv: list[str]) -> str:
    """The language the command was asked to speak (`--lang cy`, else a Welsh system language, as
    `bot.command_lang.command_language` reads it), read without the bot's packages."""
    chosen = next((argv[n + 1] for n, arg in enumerate(argv[:-1]) if arg == "--lang"), None)
    chosen = next((arg.partition("=")[2] for arg in argv if arg.startswith("--lang=")), chosen)
    if chosen in ("en", "cy"):
        return chosen
    system = next((value for name in ("LC_ALL", "LC_MESSAGES", "LANG") if (value := os.environ.get(name))), "")
    return "cy" if system.casefold().startswith("cy") else "en"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
