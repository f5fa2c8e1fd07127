"""The policy the tests pin their expectations on: the federation's 2022 policy, kept as a fixture so that a new
version of the shipped policy file does not break tests about the 2022 words."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.policy.loader import load_policy
from bot.policy.model import Policy

FIXTURE_POLICY_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "policy-2022.json"


@cache
def fixture_policy() -> Policy:
    """The 2022 policy as a policy file (without steering data, which lives in the steering file)."""
    return load_policy(FIXTURE_POLICY_FILE)
