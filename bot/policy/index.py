"""The answer index of a policy version: the one place that knows how a `PolicyIndex` is built for a version.

A version published from the school's document carries no steering data (`asked_as`, `not_covered`: wordings
written for the shipped file, not the school's words). They were written for the shipped text, so they are lent to
a version only when every one of its passages is word for word in the shipped file (the same document published
into storage, new dates, a section removed): then each wording still points at a passage that says what it was
written for. A version with new or reworded passages gets none, since wordings on the old passages would pull
questions about the new ones back to them, and old "not covered" questions would silence what a new passage answers.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from bot.policy.loader import DEFAULT_POLICY_FILE, PolicyFileError, load_policy
from bot.policy.model import Policy
from bot.policy.retrieval import PolicyIndex


@cache
def _shipped() -> Policy | None:
    try:
        return load_policy(DEFAULT_POLICY_FILE)
    except PolicyFileError:
        return None


def with_steering(policy: Policy, steered: Policy | None = None) -> Policy:
    """The policy with the steering data of `steered` (the shipped file by default), where it still fits."""
    source = steered if steered is not None else _shipped()
    if source is None or not all_passages_known(policy, source):
        return policy
    wordings = {p.text: p.asked_as for p in source.all_passages()}
    sections = tuple(
        replace(section, passages=tuple(p if p.asked_as else replace(p, asked_as=wordings[p.text])
                                        for p in section.passages))
        for section in policy.sections)
    return replace(policy, sections=sections, not_covered=policy.not_covered or source.not_covered)


def all_passages_known(policy: Policy, steered: Policy | None = None) -> bool:
    """True when every passage of `policy` is word for word a passage of `steered` (the shipped file)."""
    source = steered if steered is not None else _shipped()
    known = {p.text for p in source.all_passages()} if source else set()
    return all(p.text in known for p in policy.all_passages())


def answer_index(policy: Policy) -> PolicyIndex:
    """The index that answers questions from this version of the policy."""
    return PolicyIndex(with_steering(policy))

