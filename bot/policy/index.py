"""The answer index of a policy version: the one place that knows how a `PolicyIndex` is built for a version.

A version published from the school's document carries no steering data (`asked_as`, `not_covered`: wordings
written for the shipped file, not the school's words). Wordings are lent from the shipped file to passages whose
text is word for word the same, so they can never pull questions to a passage that says something else; the
not-covered questions are lent only when every passage of the version is in the shipped file, since a new passage
may answer what the shipped file did not.
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
    """The policy with the steering data of `steered` (the shipped file by default) lent where it still fits."""
    source = steered if steered is not None else _shipped()
    if source is None:
        return policy
    wordings = {p.text: p.asked_as for p in source.all_passages() if p.asked_as}
    sections = tuple(
        replace(section, passages=tuple(
            p if p.asked_as or p.text not in wordings else replace(p, asked_as=wordings[p.text])
            for p in section.passages))
        for section in policy.sections)
    lent = replace(policy, sections=sections)
    known = {p.text for p in source.all_passages()}
    if not policy.not_covered and all(p.text in known for p in policy.all_passages()):
        lent = replace(lent, not_covered=source.not_covered)
    return lent


def answer_index(policy: Policy) -> PolicyIndex:
    """The index that answers questions from this version of the policy."""
    return PolicyIndex(with_steering(policy))

