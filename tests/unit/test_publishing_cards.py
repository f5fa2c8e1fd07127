"""The card the policy owner sees once a version is published."""

from __future__ import annotations

import json

import pytest

from bot.domain.people import Lang
from bot.domain.policy_reads import SchoolReads
from cards import publishing
from cards.gallery import SAMPLE_FEDERATION
from cards.i18n import load_catalogue


@pytest.mark.parametrize(("lang", "one", "many"), [
    ("en", "The one member of staff on the staff list", "12 members of staff"),
    # "yr un aelod" is "the same member"; "the one (and only)" is "yr unig aelod"
    ("cy", "yr unig aelod o staff sydd ar y rhestr staff", "ar y rhestr staff: 12"),
])
def test_one_member_of_staff_asked_is_said_in_the_singular(lang: str, one: str, many: str) -> None:
    strings = load_catalogue()
    alone = json.dumps(publishing.published_card(strings, Lang(lang), version="2", asked=1, reinstated=False),
                       ensure_ascii=False)
    several = json.dumps(publishing.published_card(strings, Lang(lang), version="2", asked=12, reinstated=False),
                         ensure_ascii=False)
    assert one in alone and "1 members" not in alone and ": 1." not in alone
    assert many in several


def test_the_welsh_for_a_school_nobody_is_listed_at_says_whom_to_add_and_to_what() -> None:
    """"Gofynnwch i'r tîm TG eu hychwanegu" had "them" point back at "neb" (nobody) and left out the list they are
    added to; said as the card about Entra ids says it: add the school's staff to the list, and import it again."""
    strings = load_catalogue()
    card = json.dumps(publishing.read_summary_card(strings, Lang.CY, version="2", schools=[
        SchoolReads(SAMPLE_FEDERATION.schools[1], 0, 0, ())]), ensure_ascii=False)

    assert "ychwanegu staff yr ysgol at y rhestr a'i mewnforio eto" in card and "eu hychwanegu" not in card
