"""`check-policy`: what a new version of the policy means for the steering data, and a smoke evaluation.

Run it on every new policy file before it goes live. Its last line says plainly whether anything stops the version
being published (a model policy's gaps, a failed smoke evaluation) or the notes are only about the steering data,
which sharpens answers and can be brought up to date after. It lists, and exits 1 when there is any:
- passages with no wordings in the steering data (they are answered from their own words alone);
- wording lists whose passage text is no longer in the policy (reworded or removed), with the nearest passage now;
- not-covered questions that a passage of this version answers, so they no longer silence it;
- wordings written into the policy file itself, which nothing binds to their passage's text;
- text a council's or trust's model policy leaves to fill in or delete ("[School name]", "delete as appropriate"),
  and a policy of one long section (its headings were not found);
- a failed smoke evaluation: fewer than 95 % of the passages found by their own words, a passage whose wordings
  find another passage more than a fifth of the time, or more than a tenth of the not-covered questions in force
  answered anyway.
It also prints, for information, the everyday staff questions near enough a passage to be switched off and each
smoke miss.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.policy.loader import (
    PolicyFileError,
    PolicyFileUnreadable,
    add_policy_option,
    load_policy,
    readable_policy_file,
    validate_policy_file,
)
from bot.policy.model import Policy
from bot.policy.retrieval import PolicyIndex
from bot.policy.sentence import ModelMissing
from bot.policy.steering import DEFAULT_STEERING_FILE, VERSION_MIN_SHARE, SteeringFileError, load_steering
from bot.policy.text import template_leftover

# The smoke evaluation fails when fewer passages than this are found by their own words, when a passage's wordings
# find it less often than this, or when fewer not-covered questions in force than this are left unanswered.
OWN_WORDS_FOUND = 0.95
WORDINGS_FOUND = 0.8
NOT_COVERED_UNANSWERED = 0.9
SHOWN = 12


@dataclass
class Report:
    """Everything the check found, as lines to print; empty lists mean nothing to do."""

    without_wordings: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    switched_off: list[str] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    smoke: list[str] = field(default_factory=list)
    # For information only: everyday questions a passage answers (switched off as intended), the smoke misses.
    generic_answered: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    # How many passages, and wording lists, one summary line stands for (a new document, another document's data).
    without_wordings_count: int = 0
    stale_count: int = 0

    def problems(self) -> int:
        """How many things need a person's attention."""
        return self.before_live() + self.about_steering()

    def before_live(self) -> int:
        """How many to put right in the policy file before it goes live (a model policy's gaps, a failed smoke)."""
        return len(self.unfinished) + len(self.smoke)

    def about_steering(self) -> int:
        """How many concern only the steering data, which sharpens answers: the policy can go live without it."""
        return sum(len(x) for x in (self.without_wordings, self.stale, self.set_aside, self.switched_off, self.inline))


def check(policy: Policy, index: PolicyIndex) -> Report:
    """Compare the policy with its steering data and ask it the smoke questions."""
    report = Report()
    passages = policy.all_passages()
    bound = index.steering
    if not any(bound.asked_as):  # a new document: one line, not one per passage
        report.without_wordings.append(
            f"none of the {len(passages)} passages has wordings in the steering data: each is answered from its own "
            "words, as any new document is (wordings are optional; they sharpen answers for the version they were "
            "written for)")
        report.without_wordings_count = len(passages)
    else:
        report.without_wordings += [f"{passage.id}: {_short(passage.text)}"
                                    for passage, asked in zip(passages, bound.asked_as, strict=True) if not asked]
    if len(bound.stale) > SHOWN and not bound.set_aside and not any(bound.asked_as):
        # Not one list fits: another document's data (another school's policy, or one reworded throughout), where a
        # nearest passage for each list says nothing.
        report.stale.append(f"none of the steering file's {len(bound.stale)} wording lists fits a passage of this "
                            "policy: they were written for another document and are not used")
        report.stale_count = len(bound.stale)
    else:
        for entry in bound.stale:
            nearest = _nearest(index, entry.text)
            report.stale.append(f"{entry.passage} ({len(entry.asked_as)} wordings): {_short(entry.text)}\n"
                                f"      nearest passage now: {nearest}")
    if bound.set_aside:
        report.set_aside.append(
            f"{len(bound.set_aside)} wording lists fit passages of this version, fewer than "
            f"{VERSION_MIN_SHARE:.0%} of its {len(passages)} passages: they were written for another version and "
            "are not used")
    for group in bound.not_covered_set_aside:
        report.set_aside.append(
            f"a list of {len(group.questions)} not-covered questions was checked against another version (fewer than "
            f"{VERSION_MIN_SHARE:.0%} of this one's passages): it is not used")
    for (question, number), answering in zip(bound.not_covered, index.answered_by, strict=True):
        if answering < 0:
            continue
        line = f"{question!r} is near enough {passages[answering].id} by its own words and meaning"
        if bound.checked_against[number]:
            report.switched_off.append(line)
        else:
            report.generic_answered.append(line)
    if policy.not_covered or any(p.asked_as for p in passages):
        count = len(policy.not_covered) + sum(len(p.asked_as) for p in passages)
        report.inline.append(f"{count} wordings or not-covered questions are in the policy file itself: move them to "
                             f"the steering file, where they are bound to their passage's text")
    for passage in passages:
        if leftover := template_leftover(passage.text):
            report.unfinished.append(f"{passage.id}: {leftover!r} in {_short(passage.text)}")
    if len(policy.sections) == 1 and len(passages) > SHOWN:
        report.unfinished.append(f"the policy has one section of {len(passages)} passages: its headings were not "
                                 "found, so cards cannot say where a rule comes from")
    _smoke(policy, index, report)
    return report


def _smoke(policy: Policy, index: PolicyIndex, report: Report) -> None:
    passages = policy.all_passages()
    own_found = 0
    for passage in passages:
        answer = index.answer(passage.text)
        if answer.answered and answer.passages and answer.passages[0].id == passage.id:
            own_found += 1
        else:
            got = answer.passages[0].id if answer.answered and answer.passages else "nothing"
            report.misses.append(f"{passage.id}: its own words find {got}")
    report.figures.append(f"passages found by their own words: {own_found} of {len(passages)}")
    if own_found < OWN_WORDS_FOUND * len(passages):
        report.smoke.append(f"only {own_found} of {len(passages)} passages are found by their own words")
    asked_total = asked_found = 0
    for passage, asked in zip(passages, index.steering.asked_as, strict=True):
        if not asked:
            continue
        found = sum(1 for q in asked if _quotes(index, q, passage.id))
        asked_total += len(asked)
        asked_found += found
        if found < WORDINGS_FOUND * len(asked):
            report.smoke.append(f"{passage.id}: only {found} of its {len(asked)} wordings find it")
    if asked_total:
        report.figures.append(f"wordings that find their passage: {asked_found} of {asked_total}")
    in_force = [q for (q, _), off in zip(index.steering.not_covered, index.suspended, strict=True) if not off]
    answered = [q for q in in_force if index.answer(q).answered]
    report.figures.append(f"not-covered questions in force that are not answered: "
                          f"{len(in_force) - len(answered)} of {len(in_force)}")
    report.misses.extend(f"not covered, but answered: {q!r}" for q in answered)
    if len(in_force) - len(answered) < NOT_COVERED_UNANSWERED * len(in_force):
        report.smoke.append(f"{len(answered)} of {len(in_force)} not-covered questions in force are answered")


def _quotes(index: PolicyIndex, question: str, passage_id: str) -> bool:
    answer = index.answer(question)
    return answer.answered and bool(answer.passages) and answer.passages[0].id == passage_id


def _nearest(index: PolicyIndex, text: str) -> str:
    ranking = index.rank(text)
    if ranking is None:
        return "none"
    passage = index.policy.all_passages()[int(np.argmax(ranking.mixed))]
    return f"{passage.id}: {_short(passage.text)}"


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_report(report: Report) -> None:
    """The report, each list under its heading (long lists cut to SHOWN lines)."""
    sections = (
        ("Passages with no wordings in the steering data (answered from their own words alone)",
         report.without_wordings, report.without_wordings_count),
        ("Wording lists whose passage text is no longer in the policy (not used)", report.stale, report.stale_count),
        ("Steering data set aside: written for another version (it fits too few of this one's passages)",
         report.set_aside, 0),
        ("Not-covered questions near enough a passage of this version to be switched off (they no longer silence it; "
         "the bot may still not answer them)", report.switched_off, 0),
        ("Steering data in the policy file itself", report.inline, 0),
        ("Text a model policy leaves to fill in or delete, or a document whose headings were not found",
         report.unfinished, 0),
        ("Smoke evaluation: failures", report.smoke, 0),
        ("For information: everyday staff questions near enough a passage to be switched off (they no longer count as "
         "not covered; the bot may still not answer them)",
         report.generic_answered, 0),
        ("For information: smoke evaluation misses", report.misses, 0),
    )
    for title, lines, counted in sections:
        if not lines:
            continue
        print(f"{title}: {counted or len(lines)}")
        for line in lines[:SHOWN]:
            print(f"  - {line}")
        if len(lines) > SHOWN:
            print(f"  ... and {len(lines) - SHOWN} more")
    print("Smoke evaluation: " + "; ".join(report.figures))


def check_policy_command(argv: list[str]) -> int:
    """`check-policy [--policy FILE] [--steering FILE]`: list what needs attention and exit 1, or print OK. The
    policy file is `--policy`, else POLICY_FILE, else the shipped file, as for every command."""
    parser = argparse.ArgumentParser(
        prog="python -m bot check-policy",
        description="Check a (new) policy file against the steering data and run a smoke evaluation.",
    )
    add_policy_option(parser)
    parser.add_argument("--steering", type=Path, default=DEFAULT_STEERING_FILE, help="the steering data file")
    args = parser.parse_args(argv)
    try:
        path = readable_policy_file(args.policy)
    except PolicyFileUnreadable as error:
        print(f"check-policy: {error}", file=sys.stderr)
        return 2
    problems = validate_policy_file(path)
    if problems:
        print("\n".join(problems))
        return 1
    try:
        policy = load_policy(path)
        index = PolicyIndex(policy, steering=load_steering(args.steering))
    except (PolicyFileError, SteeringFileError, ModelMissing) as error:
        print(error, file=sys.stderr)
        return 2
    report = check(policy, index)
    print_report(report)
    if report.about_steering():
        steering = "bot/policy/data/steering.json" if args.steering == DEFAULT_STEERING_FILE else str(args.steering)
        line = (f"The notes above are about the steering data ({steering}), which sharpens answers: whoever keeps it "
                "can act on them.")
        if not report.before_live():
            line += " Nothing here stops this version being published: the bot answers from the policy's own words."
        print(line)
    if report.before_live():
        print(f"{report.before_live()} thing(s) to put right before this policy file goes live.")
    if report.problems():
        return 1
    print("OK")
    return 0

