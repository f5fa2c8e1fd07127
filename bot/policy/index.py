"""The answer index of a policy version: the one place that knows how a `PolicyIndex` is built for a version that
becomes current (the steering data shipped with the bot applies only where it still fits: `bot.policy.steering`)."""

from __future__ import annotations

from bot.policy.model import Policy
from bot.policy.retrieval import PolicyIndex


def answer_index(policy: Policy) -> PolicyIndex:
    """The index that answers questions from this version of the policy."""
    return PolicyIndex(policy)
