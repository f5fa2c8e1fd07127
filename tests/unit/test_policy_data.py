"""The structured policy quotes the source text verbatim and covers all of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy.details import Detail
from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy, validate_policy_file

REPO = Path(__file__).resolve().parents[2]
SHARED_SOURCE = Path(__file__).parents[2].parent / "shared/policy/social-media-policy-2022.txt"
COPY_SOURCE = REPO / "bot/policy/data/social-media-policy-2022.txt"
HEADINGS = (
    "The purpose of this policy",
    "Legislation",
    "Using social networking for communicating with the public (including pupils)",
    "Llanidloes High School's social media activity",
    "Llanidloes Primary School's social media activity",
    "Using social networking for personal use",
    "Use of personal mobile devices at work",
    "Abuse of the guidance",
)


def sources() -> list[Path]:
    """The committed copy always; the shared original when it is present."""
    return [COPY_SOURCE, *([SHARED_SOURCE] if SHARED_SOURCE.exists() else [])]


def test_the_shipped_file_is_valid() -> None:
    assert validate_policy_file(DEFAULT_POLICY_FILE) == []


@pytest.mark.parametrize("source", sources(), ids=lambda p: p.parent.name)
def test_every_passage_is_verbatim_from_the_source(source: Path) -> None:
    text = source.read_text(encoding="utf-8")

    missing = [p.id for p in load_policy().all_passages() if p.text not in text]

    assert missing == []


def test_the_copy_matches_the_shared_original() -> None:
    if not SHARED_SOURCE.exists():
        pytest.skip("shared/ is not present")
    assert COPY_SOURCE.read_bytes() == SHARED_SOURCE.read_bytes()


def test_ids_are_unique_and_name_their_section() -> None:
    policy = load_policy()
    passage_ids = [p.id for p in policy.all_passages()]

    assert len(set(passage_ids)) == len(passage_ids)
    assert len({s.id for s in policy.sections}) == len(policy.sections)
    assert all(p.id.startswith(s.id + ".") for s in policy.sections for p in s.passages)


def test_every_section_of_the_source_is_covered() -> None:
    policy = load_policy()

    assert tuple(s.heading_en for s in policy.sections) == HEADINGS
    assert all(s.passages and s.heading_cy for s in policy.sections)


def test_every_body_sentence_of_the_source_is_quoted_somewhere() -> None:
    body = COPY_SOURCE.read_text(encoding="utf-8").split("The purpose of this policy", 1)[1]
    quoted = " ".join(p.text for p in load_policy().all_passages())
    lines = [line.strip().removeprefix("- ") for line in body.splitlines()]

    unquoted = [
        line
        for line in lines
        if line and line not in HEADINGS and not all(part.strip() in quoted for part in line.split(". "))
    ]

    assert unquoted == []


def test_metadata() -> None:
    details = load_policy().details

    assert details.version == "1"
    assert details.next_review == Detail("Autumn 2024", "Tymor yr Hydref 2024")
    assert details.agreed_by == Detail("Governing Body", "Y Corff Llywodraethu")
    assert details.review_date is not None and details.review_date.isoformat() == "2024-12-31"
    assert details.citation == Detail("Social Media Policy, Version 1, 12.10.2022",
                                      "Polisi Cyfryngau Cymdeithasol, Fersiwn 1, 12 Hydref 2022")
    assert load_policy().passages_with("blog_disclaimer")
