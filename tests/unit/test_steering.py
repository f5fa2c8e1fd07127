"""Steering data binds to passage text, flags what no longer fits, and never silences a passage it was not
checked against."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.policy.model import Policy, PolicyPassage, PolicySection
from bot.policy.steering import (
    VERSION_MIN_SHARE,
    NotCovered,
    Steering,
    SteeringFileError,
    Wordings,
    bind,
    load_steering,
    text_key,
)
from tests.support.policies import fixture_policy


def _reworded(policy: Policy, passage_id: str, text: str) -> Policy:
    sections = tuple(
        replace(s, passages=tuple(replace(p, text=text) if p.id == passage_id else p for p in s.passages))
        for s in policy.sections
    )
    return replace(policy, sections=sections)


def test_text_key_ignores_spacing_only() -> None:
    assert text_key("Do not  post\nphotos.") == text_key("Do not post photos.")
    assert text_key("Do not post photos.") != text_key("Do not post photographs.")


def _one_list_each(policy: Policy) -> tuple[Wordings, ...]:
    return tuple(Wordings(f"some-old-id.{i}", p.text, (f"how do I {i}?",)) for i, p in enumerate(policy.all_passages()))


def test_wordings_bind_by_text_not_by_id() -> None:
    policy = fixture_policy()
    moved = _one_list_each(policy)

    bound = bind(policy, Steering(moved))

    assert bound.asked_as[3] == ("how do I 3?",)
    assert bound.stale == ()
    assert bound.set_aside == ()


def test_wordings_that_fit_too_few_passages_are_set_aside_and_listed() -> None:
    policy = fixture_policy()
    passages = policy.all_passages()
    kept = int(VERSION_MIN_SHARE * len(passages)) - 1
    partial = _one_list_each(policy)[:kept]

    bound = bind(policy, Steering(partial))

    assert not any(bound.asked_as)
    assert bound.set_aside == partial
    assert bound.stale == ()


def test_a_reworded_passage_loses_its_wordings_and_they_are_listed() -> None:
    policy = fixture_policy()
    passage = policy.all_passages()[3]
    wordings = Wordings(passage.id, passage.text, ("how do I …?",))

    others = tuple(w for w in _one_list_each(policy) if w.text != passage.text)

    bound = bind(_reworded(policy, passage.id, passage.text + " Reworded."), Steering((wordings, *others)))

    assert bound.asked_as[3] == ()
    assert bound.stale == (wordings,)
    assert bound.asked_as[4] == ("how do I 4?",)


def test_a_not_covered_list_applies_only_to_the_passages_it_was_checked_against() -> None:
    policy = fixture_policy()
    new, *kept = policy.all_passages()
    checked = NotCovered(("can I use ChatGPT?",), frozenset(text_key(p.text) for p in kept))
    generic = NotCovered(("where can I park?",), frozenset())

    bound = bind(policy, Steering((), (checked, generic)))
    checked_list = dict(bound.not_covered)["can I use ChatGPT?"]
    generic_list = dict(bound.not_covered)["where can I park?"]

    assert bound.applies(checked_list, text_key(kept[0].text))
    assert not bound.applies(checked_list, text_key(new.text))
    assert bound.applies(generic_list, text_key(new.text))
    assert bound.not_covered_set_aside == ()


def test_a_not_covered_list_checked_against_another_version_is_set_aside() -> None:
    policy = fixture_policy()
    passages = policy.all_passages()
    few = passages[: int(VERSION_MIN_SHARE * len(passages)) - 1]
    other_version = NotCovered(("can I use ChatGPT?",), frozenset(text_key(p.text) for p in few))

    bound = bind(policy, Steering((), (other_version,)))

    assert "can I use ChatGPT?" not in dict(bound.not_covered)
    assert bound.not_covered_set_aside == (other_version,)


def test_the_shipped_file_loads_and_fits_the_2022_policy() -> None:
    bound = bind(fixture_policy(), load_steering())

    assert bound.stale == ()
    assert all(bound.asked_as)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ([], "$: must be a JSON object"),
        ({"passages": [{"passage": "a.1", "text": "", "asked_as": []}]}, "$.passages[0].text: must be non-empty text"),
        ({"passages": [{"passage": "a.1", "text": "x", "asked_as": ["", "y" * 201]}]},
         "$.passages[0].asked_as[1]: 201 characters, more than 200"),
        ({"not_covered": [{"checked_against": ["abc"], "questions": ["q"]}]},
         "$.not_covered[0].checked_against: must be a list of passage text keys (16 hex digits)"),
        ({"colour": 1}, "$.colour: unknown key"),
    ],
)
def test_a_bad_steering_file_is_refused_with_every_problem(tmp_path: Path, content: object, problem: str) -> None:
    path = tmp_path / "steering.json"
    path.write_text(json.dumps(content), encoding="utf-8")

    with pytest.raises(SteeringFileError) as refused:
        load_steering(path)

    assert problem in refused.value.problems


def test_a_policy_files_own_lists_count_as_checked_against_that_version() -> None:
    section = PolicySection("s", "S", "S", (PolicyPassage("s.1", "Text.", asked_as=("q?",)),))
    policy = replace(fixture_policy(), sections=(section,), not_covered=("leave?",))

    bound = bind(policy, Steering())

    assert bound.asked_as == (("q?",),)
    assert bound.applies(dict(bound.not_covered)["leave?"], text_key("Text."))
