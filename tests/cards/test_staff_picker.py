"""The report form's "Who is it about?" list as the official renderer filters it: a colleague is found by the
letters staff type, accents or none."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from bot.domain.concerns import Role
from bot.domain.people import Lang, StaffContact
from cards import concerns
from cards.i18n import load_catalogue
from tests.cards.renderer import filtered_choices

STRINGS = load_catalogue()
CHAIN = ((StaffContact("a4", "Gareth Hughes"), Role.LINE_MANAGER),
         (StaffContact("a3", "Mrs Siân Roberts"), Role.HEADTEACHER))
STAFF = [("Mrs Siân Roberts", "sian.roberts@llanidloes.example.cymru"),
         ("Llŷr Evans", "llyr.evans@llanidloes.example.cymru"),
         ("Carys Jenkins", "carys.jenkins@llanidloes.example.cymru"),
         ("Sian Price", "sian.price@llanidloes.example.cymru")]


def _form(lang: Lang) -> dict[str, Any]:
    return concerns.form_card(STRINGS, lang, concerns.FormView(CHAIN, "F-abcdefghijklmnop",
                                                               staff=concerns.staff_choices(STAFF)))


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize(("typed", "found"), [
    ("sian", {"Siân Roberts", "Sian Price"}), ("Siân", {"Siân Roberts"}), ("sian rob", {"Siân Roberts"}),
    ("roberts", {"Siân Roberts"}), ("llyr", {"Llŷr Evans"}), ("Llŷr", {"Llŷr Evans"}), ("carys", {"Carys Jenkins"})])
def test_a_colleague_is_found_by_the_name_typed_with_or_without_its_accents(
        card_page: Page, lang: Lang, typed: str, found: set[str]) -> None:
    """Typing "sian" found nobody called Siân: the list is filtered by the letters typed in its titles, accents and
    all (the renderer's datalist in a browser, Teams' own list in Teams), so a title must hold what staff type."""
    offered = [title for title in filtered_choices(_form(lang), card_page) if typed.casefold() in title.casefold()]

    assert {name for name in ("Siân Roberts", "Sian Price", "Llŷr Evans", "Carys Jenkins")
            if any(name in title for title in offered)} == found


def test_a_name_without_accents_is_listed_as_it_is_written() -> None:
    [about] = [node for node in _form(Lang.EN)["body"] if node.get("id") == "about"]

    titles = {choice["value"]: choice["title"] for choice in about["choices"]}
    assert titles["carys.jenkins@llanidloes.example.cymru"] == "Carys Jenkins"
    assert titles["sian.price@llanidloes.example.cymru"] == "Sian Price"
    assert titles["sian.roberts@llanidloes.example.cymru"].startswith("Mrs Siân Roberts")


def test_namesakes_listed_by_object_id_are_still_told_apart_by_their_address() -> None:
    """The list sends a colleague's object id, not their address; two of one name still show their addresses."""
    choices = concerns.staff_choices([("Gareth Hughes", "a4"), ("Gareth Hughes", "f1"), ("Carys Jenkins", "a1")],
                                     addresses={"a4": "gareth.hughes@llanidloes.example.cymru",
                                                "f1": "gareth.hughes2@llanidloes.example.cymru",
                                                "a1": "carys.jenkins@llanidloes.example.cymru"})

    assert dict(choices) == {"Carys Jenkins": "a1",
                             "Gareth Hughes (gareth.hughes@llanidloes.example.cymru)": "a4",
                             "Gareth Hughes (gareth.hughes2@llanidloes.example.cymru)": "f1"}
