"""When to quote a passage and when to say the policy does not cover the question.

The measures of the best passage are combined into one confidence (the matched share of the question's words,
blended with the meaning similarity). The bot abstains below a calibrated threshold, when the question is nearer a
not-covered question in force than to the passage, or (English only) when the classifier thinks "not covered"
likely. A Welsh question is answered anyway when the classifier is very sure of one passage and sure the question is
covered. An
answer with a confidence under TENTATIVE_BELOW, and no sure classifier, is tentative: the card says it may not answer
the question exactly. The README's method section says how each constant was chosen and on which question sets.
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 0.38
UNMATCHED_SCALE = 1.0
UNMATCHED_EXPONENT = 0.5
CONFIDENCE_MEANING_WEIGHT = 0.8
NOT_COVERED_MARGIN = 0.0
CLASSIFIER_NOT_COVERED = 0.9
CLASSIFIER_SURE = 0.9
CLASSIFIER_SURE_NOT_COVERED = 0.05
# Without steering data, about two answers in five under this confidence quote the wrong sentence first or answer a
# question the policy does not cover, against one in ten above it (README, fifteenth round).
TENTATIVE_BELOW = 0.46


@dataclass(frozen=True)
class Evidence:
    """What the measures say about the best passage for one question."""

    language: str
    matched_share: float  # of the question's words, in the passage (lexical.py)
    meaning: float  # the passage's agreed similarity (meaning.py)
    nearest_not_covered: float  # -1 when no not-covered question is in force
    chance: float  # the classifier's probability for the passage
    not_covered_chance: float  # the classifier's probability for "not covered"


def confidence(evidence: Evidence) -> float:
    """How sure the best passage answers the question, 0-1."""
    return (1 - CONFIDENCE_MEANING_WEIGHT) * evidence.matched_share + CONFIDENCE_MEANING_WEIGHT * evidence.meaning


def answered_by_passage(evidence: Evidence, threshold: float = THRESHOLD) -> bool:
    """The passage's own words and meaning are enough, whatever the not-covered questions say."""
    return confidence(evidence) >= threshold


def answerable(evidence: Evidence, threshold: float = THRESHOLD) -> bool:
    """Whether to quote the best passage."""
    nearer_not_covered = evidence.nearest_not_covered >= evidence.meaning + NOT_COVERED_MARGIN
    # Welsh reaches the classifier as a word-for-word gloss, unlike anything it was trained on: its "not covered" is
    # trusted for English only.
    doubt = CLASSIFIER_NOT_COVERED if evidence.language == "en" else 1.0
    by_scores = (
        answered_by_passage(evidence, threshold)
        and not nearer_not_covered
        and evidence.not_covered_chance < doubt
    )
    # In English the classifier's sureness of a passage never overrules: a passage with many wordings makes it sure of
    # questions near any of them, such as ones about former pupils near wordings about pupils (README, twenty-seventh
    # round). A Welsh question's gloss is weaker evidence for the scores, and there the sure classifier still answers.
    return by_scores or (evidence.language != "en" and _classifier_sure(evidence))


def tentative(evidence: Evidence) -> bool:
    """Whether an answer is uncertain enough for the card to say it may not answer the question exactly."""
    return confidence(evidence) < TENTATIVE_BELOW and not _classifier_sure(evidence)


def _classifier_sure(evidence: Evidence) -> bool:
    """The classifier is very sure of the passage and sure the question is covered."""
    return evidence.chance > CLASSIFIER_SURE and evidence.not_covered_chance < CLASSIFIER_SURE_NOT_COVERED
