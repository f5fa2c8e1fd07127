"""The card the policy owner sees once a version is published."""

from __future__ import annotations

import json

import pytest

from bot.domain.people import Lang
from cards import publishing
from cards.i18n import load_catalogue


@pytest.mark.parametrize(("lang", "one", "many"), [
    ("en", "The one member of staff on the staff list", "12 members of staff"),
    ("cy", "yr un aelod o staff sydd ar y rhestr staff", "ar y rhestr staff: 12"),
])
def test_one_member_of_staff_asked_is_said_in_the_singular(lang: str, one: str, many: str) -> None:
    strings = load_catalogue()
    alone = json.dumps(publishing.published_card(strings, Lang(lang), version="2", asked=1, reinstated=False),
                       ensure_ascii=False)
    several = json.dumps(publishing.published_card(strings, Lang(lang), version="2", asked=12, reinstated=False),
                         ensure_ascii=False)
    assert one in alone and "1 members" not in alone and ": 1." not in alone
    assert many in several
