"""`python -m bot check-policy`: what a new version of the policy means for the steering data, and a smoke evaluation
(bot/policy/check.py), printed in English or in Welsh (`--lang`, else the system's language) from the string tables
the cards use."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.command_lang import CommandParser, add_language_option, command_language
from bot.domain.people import Lang
from bot.policy.check import SHOWN, Report, check
from bot.policy.loader import (
    PolicyFileError,
    PolicyFileUnreadable,
    add_policy_option,
    load_policy,
    readable_policy_file,
    validate_policy_file,
)
from bot.policy.notes import Note, problem_note
from bot.policy.retrieval import PolicyIndex
from bot.policy.sentence import ModelMissing
from bot.policy.steering import DEFAULT_STEERING_FILE, SteeringFileError, load_steering
from cards.i18n import Catalogue, load_catalogue, note_text

# The report's lists, in the order printed, each under its heading (check.heading.*).
_SECTIONS = ("without_wordings", "stale", "set_aside", "switched_off", "inline", "unfinished", "smoke",
             "generic_answered", "misses")
_COUNTED = {"without_wordings": "without_wordings_count", "stale": "stale_count"}


def print_report(report: Report, strings: Catalogue, lang: Lang = Lang.EN) -> None:
    """The report, each list under its heading (long lists cut to SHOWN lines), in `lang`."""
    def said(line: Note) -> str:
        return note_text(strings, line, lang)

    for name in _SECTIONS:
        lines: list[Note] = getattr(report, name)
        if not lines:
            continue
        counted = getattr(report, _COUNTED[name]) if name in _COUNTED else 0
        print(strings.text("check.listed", lang, title=strings.text(f"check.heading.{name}", lang),
                           count=counted or len(lines)))
        for line in lines[:SHOWN]:
            print(f"  - {said(line)}")
        if len(lines) > SHOWN:
            print(strings.text("check.more", lang, count=len(lines) - SHOWN))
    print(strings.text("check.figures", lang, figures="; ".join(map(said, report.figures))))


def check_policy_command(argv: list[str]) -> int:
    """`check-policy [--policy FILE] [--steering FILE] [--lang en|cy]`: list what needs attention and exit 1, or print
    OK. The policy file is `--policy`, else POLICY_FILE, else the shipped file, as for every command."""
    parser = CommandParser(
        prog="python -m bot check-policy",
        description="Check a (new) policy file against the steering data and run a smoke evaluation.",
    )
    add_policy_option(parser)
    parser.add_argument("--steering", type=Path, default=DEFAULT_STEERING_FILE, help="the steering data file")
    add_language_option(parser)
    args = parser.parse_args(argv)
    lang = command_language(args.lang)
    strings = load_catalogue()
    try:
        path = readable_policy_file(args.policy)
    except PolicyFileUnreadable as error:
        print(f"check-policy: {note_text(strings, error.note, lang)}", file=sys.stderr)
        return 2
    problems = validate_policy_file(path)
    if problems:
        print("\n".join(note_text(strings, problem_note(problem, None, by_path=True), lang) for problem in problems))
        return 1
    try:
        policy = load_policy(path)
        index = PolicyIndex(policy, steering=load_steering(args.steering))
    except (PolicyFileError, SteeringFileError, ModelMissing) as error:
        print(error, file=sys.stderr)
        return 2
    report = check(policy, index)
    print_report(report, strings, lang)
    if report.about_steering():
        steering = "bot/policy/data/steering.json" if args.steering == DEFAULT_STEERING_FILE else str(args.steering)
        line = strings.text("check.about_steering", lang, steering=steering)
        if not report.before_live():
            line += " " + strings.text("check.nothing_stops", lang)
        print(line)
    if report.before_live():
        print(strings.text("check.before_live", lang, count=report.before_live()))
    if report.problems():
        return 1
    print("OK")
    return 0
