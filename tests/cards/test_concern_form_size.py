"""The report form's staff list (static typeahead) stays within Teams' 28 KB for a school's staff list."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from bot.domain.concerns import LIMITS, Role
from bot.domain.people import Lang, StaffContact
from cards import concerns
from cards.i18n import load_catalogue
from tests.cards.renderer import MAX_BYTES

FIRST = ["Angharad", "Bethan", "Carys", "Dafydd", "Elinor", "Ffion", "Gareth", "Gwenllian", "Hywel", "Iwan",
         "Llywelyn", "Megan", "Nia", "Owain", "Rhiannon", "Rhodri", "Siân", "Tomos", "Christopher", "Alexandra"]
LAST = ["Davies", "Edwards", "Evans", "Griffiths", "Hughes", "Jenkins", "Jones", "Lewis", "Llewellyn-Jones",
        "Morgan", "Price", "Pritchard", "Rees", "Roberts", "Thomas", "Vaughan-Thomas", "Williams"]
CHAIN = ((StaffContact("a4", "Gareth Hughes"), Role.LINE_MANAGER),
         (StaffContact("a3", "Mrs Siân Roberts"), Role.HEADTEACHER), (StaffContact("a6", "Mr Huw Davies"), Role.CHAIR))
STRINGS = load_catalogue()


def _staff(count: int) -> list[tuple[str, str]]:
    names = itertools.islice(itertools.cycle(itertools.product(FIRST, LAST)), count)
    return [(f"{first} {last}", f"{first.lower()}.{last.lower()}{n}@llanidloes.example.cymru")
            for n, (first, last) in enumerate(names)]


def _size(card: dict[str, Any]) -> int:
    return len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _choices(card: dict[str, Any]) -> int:
    """How many people the "who is it about?" list offers (its three fixed answers left out)."""
    [about] = [node for node in card["body"] if node.get("id") == "about"]
    return len(about["choices"]) - 3


def test_a_federations_staff_list_fits_and_says_how_many_would() -> None:
    fits = max(n for n in range(0, 1000, 10) if concerns.staff_choices(_staff(n)))

    print(f"staff that fit on the form: {fits}")
    assert fits >= 200  # the two schools have about a hundred and fifty staff between them


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("count", [5, 150, 230, 600])
def test_the_form_stays_under_28_kb_even_re_shown_with_every_answer_at_its_longest(lang: Lang, count: int) -> None:
    view = concerns.FormView(CHAIN, "F-abcdefghijklmnop", staff=concerns.staff_choices(_staff(count)))
    longest = {key: "ŵ😀" * (limit // 2) for key, limit in LIMITS.items()}

    empty = concerns.form_card(STRINGS, lang, view)
    full = concerns.form_card(STRINGS, lang, view, values=longest, error="e" * 200,
                              notice=STRINGS.text("concern.rate_limited", lang, count=5, when="25/11/2026 08:15"))

    assert _size(empty) <= MAX_BYTES and _size(full) <= MAX_BYTES
    assert _choices(empty) == (count if count <= 230 else 0)  # a list too long for the card is left off whole
