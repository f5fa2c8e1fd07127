"""The staff social-media policy as data, and answers quoted from it (pure Python, no SDKs)."""

from bot.policy.details import Detail, PolicyDetails
from bot.policy.loader import DEFAULT_POLICY_FILE, PolicyFileError, load_policy, policy_file, validate_policy_file
from bot.policy.model import NEXT_STEP_TAGS, Policy, PolicyPassage, PolicySection
from bot.policy.retrieval import Answer, PolicyIndex

__all__ = [
    "DEFAULT_POLICY_FILE",
    "NEXT_STEP_TAGS",
    "Answer",
    "Detail",
    "Policy",
    "PolicyDetails",
    "PolicyFileError",
    "PolicyIndex",
    "PolicyPassage",
    "PolicySection",
    "load_policy",
    "policy_file",
    "validate_policy_file",
]
