"""The language a command-line tool speaks to whoever runs it: `--lang en|cy`, else the system's."""

from __future__ import annotations

import argparse
import os

from bot.domain.people import Lang


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """`--lang en|cy`: the language of what a command says to whoever runs it."""
    parser.add_argument("--lang", choices=[lang.value for lang in Lang], metavar="en|cy",
                        help="the language of its notes: en (English) or cy (Cymraeg); without it, the system's "
                             "language (Welsh when LANG, LC_MESSAGES or LC_ALL starts with cy)")


def command_language(chosen: str | None) -> Lang:
    """The language `--lang` chose, else the system's (LC_ALL, then LC_MESSAGES, then LANG, as gettext reads them):
    Welsh for "cy_GB.UTF-8", English otherwise."""
    if chosen:
        return Lang(chosen)
    system = next((value for name in ("LC_ALL", "LC_MESSAGES", "LANG") if (value := os.environ.get(name))), "")
    return Lang.CY if system.casefold().startswith("cy") else Lang.EN
