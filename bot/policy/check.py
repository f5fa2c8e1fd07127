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
smoke miss. The command (bot/check_policy_command.py) prints the report in English or Welsh.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.policy.model import Policy
from bot.policy.notes import Note, note
from bot.policy.retrieval import PolicyIndex
from bot.policy.steering import VERSION_MIN_SHARE
from bot.policy.text import template_leftover

# The smoke evaluation fails when fewer passages than this are found by their own words, when a passage's wordings
# find it less often than this, or when fewer not-covered questions in force than this are left unanswered.
OWN_WORDS_FOUND = 0.95
WORDINGS_FOUND = 0.8
NOT_COVERED_UNANSWERED = 0.9
SHOWN = 12


@dataclass
class Report:
    """Everything the check found, as notes to print in the reader's language; empty lists mean nothing to do."""

    without_wordings: list[Note] = field(default_factory=list)
    stale: list[Note] = field(default_factory=list)
    set_aside: list[Note] = field(default_factory=list)
    switched_off: list[Note] = field(default_factory=list)
    inline: list[Note] = field(default_factory=list)
    unfinished: list[Note] = field(default_factory=list)
    smoke: list[Note] = field(default_factory=list)
    # For information only: everyday questions a passage answers (switched off as intended), the smoke misses.
    generic_answered: list[Note] = field(default_factory=list)
    misses: list[Note] = field(default_factory=list)
    figures: list[Note] = field(default_factory=list)
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
        report.without_wordings.append(note("check.none_worded", count=len(passages)))
        report.without_wordings_count = len(passages)
    else:
        report.without_wordings += [note("check.passage", passage=passage.id, text=_short(passage.text))
                                    for passage, asked in zip(passages, bound.asked_as, strict=True) if not asked]
    if len(bound.stale) > SHOWN and not bound.set_aside and not any(bound.asked_as):
        # Not one list fits: another document's data (another school's policy, or one reworded throughout), where a
        # nearest passage for each list says nothing.
        report.stale.append(note("check.stale_all", count=len(bound.stale)))
        report.stale_count = len(bound.stale)
    else:
        for entry in bound.stale:
            report.stale.append(note("check.stale", passage=entry.passage, count=len(entry.asked_as),
                                     text=_short(entry.text), nearest=_nearest(index, entry.text)))
    share = f"{VERSION_MIN_SHARE:.0%}"
    if bound.set_aside:
        report.set_aside.append(note("check.set_aside", count=len(bound.set_aside), share=share,
                                     total=len(passages)))
    for group in bound.not_covered_set_aside:
        report.set_aside.append(note("check.not_covered_set_aside", count=len(group.questions), share=share))
    for (question, number), answering in zip(bound.not_covered, index.answered_by, strict=True):
        if answering < 0:
            continue
        line = note("check.near_enough", question=repr(question), passage=passages[answering].id)
        if bound.checked_against[number]:
            report.switched_off.append(line)
        else:
            report.generic_answered.append(line)
    if policy.not_covered or any(p.asked_as for p in passages):
        count = len(policy.not_covered) + sum(len(p.asked_as) for p in passages)
        report.inline.append(note("check.inline", count=count))
    for passage in passages:
        if leftover := template_leftover(passage.text):
            report.unfinished.append(note("check.leftover", passage=passage.id, leftover=repr(leftover),
                                          text=_short(passage.text)))
    if len(policy.sections) == 1 and len(passages) > SHOWN:
        report.unfinished.append(note("check.one_section", count=len(passages)))
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
            got = answer.passages[0].id if answer.answered and answer.passages else note("check.nothing")
            report.misses.append(note("check.miss", passage=passage.id, got=got))
    report.figures.append(note("check.figure_own", found=own_found, total=len(passages)))
    if own_found < OWN_WORDS_FOUND * len(passages):
        report.smoke.append(note("check.smoke_own", found=own_found, total=len(passages)))
    asked_total = asked_found = 0
    for passage, asked in zip(passages, index.steering.asked_as, strict=True):
        if not asked:
            continue
        found = sum(1 for q in asked if _quotes(index, q, passage.id))
        asked_total += len(asked)
        asked_found += found
        if found < WORDINGS_FOUND * len(asked):
            report.smoke.append(note("check.smoke_wordings", passage=passage.id, found=found, total=len(asked)))
    if asked_total:
        report.figures.append(note("check.figure_wordings", found=asked_found, total=asked_total))
    in_force = [q for (q, _), off in zip(index.steering.not_covered, index.suspended, strict=True) if not off]
    answered = [q for q in in_force if index.answer(q).answered]
    report.figures.append(note("check.figure_not_covered", unanswered=len(in_force) - len(answered),
                               total=len(in_force)))
    report.misses.extend(note("check.miss_not_covered", question=repr(q)) for q in answered)
    if len(in_force) - len(answered) < NOT_COVERED_UNANSWERED * len(in_force):
        report.smoke.append(note("check.smoke_not_covered", answered=len(answered), total=len(in_force)))


def _quotes(index: PolicyIndex, question: str, passage_id: str) -> bool:
    answer = index.answer(question)
    return answer.answered and bool(answer.passages) and answer.passages[0].id == passage_id


def _nearest(index: PolicyIndex, text: str) -> Note:
    ranking = index.rank(text)
    if ranking is None:
        return note("check.none")
    passage = index.policy.all_passages()[int(np.argmax(ranking.mixed))]
    return note("check.passage", passage=passage.id, text=_short(passage.text))


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
