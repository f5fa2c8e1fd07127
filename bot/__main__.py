"""`python -m bot COMMAND ...`: command-line tools that need neither Teams nor storage unless they say so."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

# name -> "module:function" taking argv, returning an exit code; imported only when run, so start-up is fast.
COMMANDS: dict[str, str] = {
    "ask": "bot.policy.cli:ask_command",
    "validate-policy": "bot.policy.cli:validate_policy_command",
    "import-policy": "bot.policy.import_command:import_policy_command",
    "check-policy": "bot.policy.check:check_policy_command",
    "cards": "cards.gallery:cards_command",
    "export-decisions": "bot.export:export_command",
    "import-staff": "bot.concern_commands:import_staff_command",
    "check-reports": "bot.concern_commands:check_reports_command",
    "purge-reports": "bot.concern_commands:purge_reports_command",
    "publish-policy": "bot.policy_commands:publish_policy_command",
    "policy-versions": "bot.policy_commands:policy_versions_command",
    "rollback-policy": "bot.policy_commands:rollback_policy_command",
    "export-acknowledgements": "bot.policy_commands:export_acknowledgements_command",
    "check-federation": "bot.federation_command:check_federation_command",
    "backup-records": "bot.records_commands:backup_command",
    "restore-records": "bot.records_commands:restore_command",
}


def resolve(name: str) -> Callable[[list[str]], int]:
    """The function behind a command name."""
    module, _, function = COMMANDS[name].partition(":")
    command: Callable[[list[str]], int] = getattr(importlib.import_module(module), function)
    return command


def main(argv: list[str]) -> int:
    """Dispatch on the first argument."""
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m bot {{{','.join(sorted(COMMANDS))}}} ...", file=sys.stderr)
        return 2
    return resolve(argv[0])(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
