"""The language a command-line tool speaks to whoever runs it: `--lang en|cy`, else the system's."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from bot.domain.people import Lang
from cards.i18n import Catalogue, load_catalogue


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


def language_given(argv: Sequence[str]) -> Lang:
    """The language of a command line before it is parsed (its own errors and --help are said before `--lang` is
    read): `--lang cy` or `--lang=cy` anywhere in it, else the system's; a `--lang` that is neither is not a choice."""
    chosen = None
    for at, word in enumerate(argv):
        if word == "--":
            break
        value = argv[at + 1] if word == "--lang" and at + 1 < len(argv) else word.removeprefix("--lang=") \
            if word.startswith("--lang=") else ""
        if value in {lang.value for lang in Lang}:
            chosen = value
    return command_language(chosen)


# argparse's own words (Python's gettext catalogue has no Welsh): each of its messages, matched whole, and the key of
# the string tables that says it, with the names of its parts.
_ARGPARSE_SAID = tuple((re.compile(pattern), key, names) for pattern, key, names in (
    (r"the following arguments are required: (.+)", "argparse.required", ("names",)),
    (r"unrecognized arguments: (.+)", "argparse.unrecognized", ("given",)),
    (r"argument (\S+): (.+)", "argparse.argument", ("name", "message")),
    (r"invalid choice: (.+) \(choose from (.+)\)", "argparse.invalid_choice", ("given", "choices")),
    (r"expected one argument", "argparse.expected_one", ()),
    (r"expected at most one argument", "argparse.expected_at_most_one", ()),
    (r"expected at least one argument", "argparse.expected_at_least_one", ()),
    (r"expected (\d+) arguments?", "argparse.expected_n", ("count",)),
    (r"invalid (\w+) value: (.+)", "argparse.invalid_value", ("type", "given")),
    (r"ambiguous option: (\S+) could match (.+)", "argparse.ambiguous", ("given", "matches")),
    (r"not allowed with argument (.+)", "argparse.not_allowed_with", ("name",)),
    (r"one of the arguments (.+) is required", "argparse.one_of_required", ("names",)),
    (r"ignored explicit argument (.+)", "argparse.ignored_explicit", ("given",)),
    # The commands' own refusals of an argument (purge-reports' --months, validate-policy's FILE).
    (r"(.+) is not a number of months from 1 to 120", "argparse.not_months", ("given",)),
    (r"name the policy file once: FILE or --policy FILE", "argparse.policy_once", ()),
))


def argparse_said(strings: Catalogue, message: str, lang: Lang) -> str:
    """One of argparse's error messages in `lang`; a message of the command's own (a `type` that refused a value) is
    said as the command gave it."""
    if lang is Lang.EN:
        return message
    for pattern, key, names in _ARGPARSE_SAID:
        if found := pattern.fullmatch(message):
            values = dict(zip(names, found.groups(), strict=True))
            if "message" in values:
                values["message"] = argparse_said(strings, values["message"], lang)
            return strings.text(key, lang, **values)
    return message


class CommandParser(argparse.ArgumentParser):
    """A command's parser that speaks the command's language (`language_given`): argparse's usage line, its errors
    and the headings of --help, and the command's description and each option's help where the string tables have
    its Welsh (keys `help.*`, found by their English, so a help reworded in English alone stays English)."""

    lang: Lang = Lang.EN

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self.lang = language_given(list(sys.argv[1:] if args is None else args))
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        return self._said(super().format_usage())

    def format_help(self) -> str:
        with self._in_welsh():
            return self._said(super().format_help())

    def error(self, message: str) -> NoReturn:
        if self.lang is Lang.EN:
            super().error(message)
        strings = load_catalogue()
        self.print_usage(sys.stderr)
        self.exit(2, strings.text("argparse.error", self.lang, prog=self.prog,
                                  message=argparse_said(strings, message, self.lang)) + "\n")

    def _said(self, text: str) -> str:
        """argparse's own words of a usage line or --help (its first word, its headings) in the parser's language."""
        if self.lang is Lang.EN:
            return text
        strings = load_catalogue()
        text = re.sub(r"\Ausage: ", strings.text("argparse.usage", self.lang) + " ", text)
        for heading in ("positional_arguments", "options"):
            text = re.sub(rf"^{re.escape(strings.text(f'argparse.{heading}', Lang.EN))}:$",
                          strings.text(f"argparse.{heading}", self.lang) + ":", text, flags=re.MULTILINE)
        return text

    @contextmanager
    def _in_welsh(self) -> Iterator[None]:
        """The description and each option's help in the parser's language, while --help is written."""
        if self.lang is Lang.EN:
            yield
            return
        welsh = command_help(load_catalogue(), self.lang)
        kept: list[tuple[Any, str | None]] = [(self, self.description),
                                              *((action, action.help) for action in self._actions)]
        self.description = welsh.get(self.description or "", self.description)
        for action in self._actions:
            action.help = welsh.get(action.help or "", action.help)
        try:
            yield
        finally:
            self.description = kept[0][1]
            for action, said in kept[1:]:
                action.help = said


def command_help(strings: Catalogue, lang: Lang) -> dict[str, str]:
    """The commands' descriptions and options' help in `lang`, by their English (the string tables' `help.*`)."""
    return {strings.text(key, Lang.EN): strings.text(key, lang) for key in strings.keys() if key.startswith("help.")}
