"""Finding where a button opens the policy in a later version, by the words it named (bot.policy.places)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.policy.model import Policy
from bot.policy.places import FoundPlace, PolicyPlace, find_place, words_mark
from tests.support.policies import fixture_policy


def _with_section(policy: Policy, section_id: str, **changes: Any) -> Policy:
    return replace(policy, sections=tuple(replace(s, **changes) if s.id == section_id else s
                                          for s in policy.sections))


def test_the_same_words_however_spaced_or_cased_have_the_same_mark() -> None:
    assert words_mark("Handle  offensive\ncomments") == words_mark("handle offensive comments")
    assert words_mark("Handle offensive comments") != words_mark("Handle offensive comment")


def test_a_section_whose_heading_is_reworded_in_a_file_that_keeps_its_ids_is_still_found() -> None:
    shipped = fixture_policy()
    button = PolicyPlace.of(shipped.section("personal-use"))
    reworded = _with_section(shipped, "personal-use", heading_en="Social networking in your own time")

    assert find_place(reworded, button) == FoundPlace(reworded.section("personal-use"))


def test_words_that_stand_twice_open_where_the_button_named_them() -> None:
    shipped = fixture_policy()
    section = shipped.section("personal-use")
    copied = replace(section.passages[0], id="abuse-of-guidance.9")
    policy = _with_section(shipped, "abuse-of-guidance",
                           passages=(*shipped.section("abuse-of-guidance").passages, copied))

    found = find_place(policy, PolicyPlace.of(section, section.passages[0]))

    assert found == FoundPlace(section, section.passages[0].id)


def test_a_passage_id_without_its_words_is_trusted_only_where_the_shipped_file_says_what_it_named() -> None:
    shipped = fixture_policy()
    old_button = PolicyPlace("communicating-with-public", "communicating-with-public.12")

    assert find_place(shipped, old_button, shipped=shipped) == FoundPlace(
        shipped.section("communicating-with-public"), "communicating-with-public.12")
    assert find_place(shipped, old_button) == FoundPlace(shipped.section("communicating-with-public"))
