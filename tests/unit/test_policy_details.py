"""The document's details in English and Welsh: the editable terms file, dates, and the cards that show them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot.policy.details import (
    DEFAULT_TERMS_FILE,
    WelshTerms,
    parse_date,
    review_deadline,
    schools_named,
    version_in,
    welsh_terms,
)
from cards.gallery import gallery


@pytest.mark.parametrize(("english", "welsh"), [
    ("Governing Body", "Y Corff Llywodraethu"),
    ("the governing body", "Y Corff Llywodraethu"),
    ("Chair of Governing Body", "Cadeirydd y Corff Llywodraethu"),
    ("Autumn 2024", "Tymor yr Hydref 2024"),
    ("Autumn Term 2024", "Tymor yr Hydref 2024"),
    ("Spring/Summer Term", "Tymor y Gwanwyn/yr Haf"),
    ("October 2024", "Hydref 2024"),
    ("12.10.2022", "12 Hydref 2022"),
    ("1st September 2025", "1 Medi 2025"),
    ("Version 1", "Fersiwn 1"),
    ("Social Media Policy for Staff", "Polisi Cyfryngau Cymdeithasol i Staff"),
    ("Social Media Policy, Version 1, 12.10.2022", "Polisi Cyfryngau Cymdeithasol, Fersiwn 1, 12 Hydref 2022"),
    ("Headteacher / Governing Body", "Y Pennaeth / Y Corff Llywodraethu"),
    # People's names, and anything the file does not list, stay as written: never half translated.
    ("Daniel Owen / Elen Chennetier", "Daniel Owen / Elen Chennetier"),
    ("Mrs May Summers", "Mrs May Summers"),
    ("Governing Body sub-committee", "Governing Body sub-committee"),
    # A body's recommendation is said in Welsh when the body is known; a committee named alone too.
    ("Governing Body, on the recommendation of the Staffing and Wellbeing Committee",
     "Y Corff Llywodraethu, ar argymhelliad y Pwyllgor Staffio a Llesiant"),
    ("Management Committee", "Y Pwyllgor Rheoli"),
    ("on the recommendation of the Headteacher", "ar argymhelliad y Pennaeth"),
    # Words the file does not know leave the whole detail as written, never "Y Corff Llywodraethu, on the …".
    ("Governing Body, on the recommendation of the Estates Working Group",
     "Governing Body, on the recommendation of the Estates Working Group"),
    ("Governing Body; reviewed annually by the Safeguarding Lead",
     "Governing Body; reviewed annually by the Safeguarding Lead"),
    # A person's name beside a known title is no half translation: names stay as written.
    ("Marianne Holt, Headteacher", "Marianne Holt, Y Pennaeth"),
    # A title or date in brackets after a name is said in Welsh too (it stayed English on the Welsh About card).
    ("Elen Chennetier (Deputy Headteacher)", "Elen Chennetier (Y Dirprwy Bennaeth)"),
    ("Governing Body (12.03.2025)", "Y Corff Llywodraethu (12 Mawrth 2025)"),
    ("Spring Term 2027 (or sooner if legislation changes)", "Spring Term 2027 (or sooner if legislation changes)"),
    # The titles schools write after a name: before, these were left in English beside a Welsh one.
    ("Siân Roberts (Headteacher), Elen Chennetier (Deputy Head)",
     "Siân Roberts (Y Pennaeth), Elen Chennetier (Y Dirprwy Bennaeth)"),
    ("Rhys Morgan (Assistant Headteacher)", "Rhys Morgan (Y Pennaeth Cynorthwyol)"),
    ("Daniel Owen (Business Manager)", "Daniel Owen (Y Rheolwr Busnes)"),
    ("Acting Headteacher / Governing Body", "Y Pennaeth Dros Dro / Y Corff Llywodraethu"),
    # A federation's own titles and bodies, and a review period in figures: before, each stayed English on the Welsh
    # About card of a federated school's policy.
    ("Head of School", "Pennaeth yr Ysgol"),
    ("Elen Chennetier (Head of School)", "Elen Chennetier (Pennaeth yr Ysgol)"),
    ("Executive Head", "Y Pennaeth Gweithredol"),
    ("Executive Head Teacher", "Y Pennaeth Gweithredol"),
    ("Federation Governing Body", "Corff Llywodraethu'r Ffederasiwn"),
    ("Full Governors", "Y Corff Llywodraethu llawn"),
    ("Personnel Committee", "Y Pwyllgor Personél"),
    ("Pay and Personnel Committee", "Y Pwyllgor Cyflog a Phersonél"),  # "a" + p: aspirate mutation
    ("Every 2 years", "Bob dwy flynedd"),  # a number before "blwyddyn" in words, mutated
    ("Every 3 years", "Bob tair blynedd"),
])
def test_welsh_renderings(english: str, welsh: str) -> None:
    assert welsh_terms().render(english) == welsh


def test_the_terms_are_data_a_welsh_speaker_can_edit() -> None:
    raw: dict[str, Any] = json.loads(DEFAULT_TERMS_FILE.read_text(encoding="utf-8"))
    raw["phrases"]["Governing Body"] = "Corff Llywodraethu'r ysgol"
    raw["terms"]["Autumn"] = "Hydref (tymor)"

    terms = WelshTerms(raw)

    assert terms.render("Governing Body") == "Corff Llywodraethu'r ysgol"
    assert terms.render("Autumn 2030") == "Hydref (tymor) 2030"
    assert terms.school("Llanidloes Primary School") == "Ysgol Gynradd Llanidloes"


def test_a_school_name_with_english_words_is_not_half_translated() -> None:
    terms = WelshTerms(json.loads(DEFAULT_TERMS_FILE.read_text(encoding="utf-8")))

    assert terms.school("Llanidloes High School") == "Ysgol Uwchradd Llanidloes"
    assert terms.school("Tywi Valley High School") == "Tywi Valley High School"
    assert terms.school("Upper Tawe Comprehensive School") == "Upper Tawe Comprehensive School"


def test_church_schools_keep_their_whole_name() -> None:
    kinds = welsh_terms().school_kinds
    text = ("St Ebba's Church of England (VA) Primary School and Holy Cross Church of England (VC) Infant School. "
            "Staff of Llanfair Church in Wales Primary School and Glan Ithon Community Primary School.")

    assert schools_named([text], kinds) == (
        "St Ebba's Church of England (VA) Primary School", "Holy Cross Church of England (VC) Infant School",
        "Llanfair Church in Wales Primary School", "Glan Ithon Community Primary School")
    # Not half translated on Welsh cards ("Ysgol Gynradd … Church in Wales" would be neither language).
    assert welsh_terms().school("Llanfair Church in Wales Primary School") == "Llanfair Church in Wales Primary School"


def test_dates_and_versions() -> None:
    assert parse_date("Chair Date: 12.10.2022 Signature:") == date(2022, 10, 12)
    assert parse_date("31/02/2024 or 1/3/24") == date(2024, 3, 1)
    assert parse_date("Autumn 2024") is None
    assert review_deadline("Autumn 2024") == date(2024, 12, 31)
    assert review_deadline("Spring Term 2025") == date(2025, 4, 30)
    assert review_deadline("to be agreed") is None
    assert (version_in("Version 1"), version_in("v2.1"), version_in("3"), version_in("Final")) == ("1", "2.1", "3", "")
    # the number it opens with is its own, not the one it replaces
    assert (version_in("3.0 (replaces version 2.1, March 2022)"), version_in("3.1, replacing version 2.4"),
            version_in("Version 2.1 (replaces Version 2.0)")) == ("3.0", "3.1", "2.1")


def _text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def test_the_welsh_about_card_shows_the_details_in_welsh() -> None:
    cards = gallery()

    welsh, english = _text(cards["about.cy"]), _text(cards["about.en"])

    for shown in ("Cytunwyd gan", "Y Corff Llywodraethu", "Tymor yr Hydref 2024", "12 Hydref 2022",
                  "Polisi Cyfryngau Cymdeithasol i Staff", "Mae dyddiad adolygu'r polisi (Tymor yr Hydref 2024)"):
        assert shown in welsh
    for untranslated in ("Governing Body", "Autumn", "12.10.2022"):
        assert untranslated not in welsh
    for shown in ("Agreed by", "Governing Body", "Autumn 2024", "12.10.2022", "Daniel Owen / Elen Chennetier"):
        assert shown in english


def test_the_welsh_source_line_gives_the_english_heading_too() -> None:
    cards = gallery()

    [welsh] = [b["text"] for b in cards["answer.cy"]["body"] if b.get("text", "").startswith("Ffynhonnell:")]
    [english] = [b["text"] for b in cards["answer.en"]["body"] if b.get("text", "").startswith("Source:")]

    assert welsh == ("Ffynhonnell: Polisi Cyfryngau Cymdeithasol, Fersiwn 1, 12 Hydref 2022, adran "
                     "\"Cyfathrebu â'r cyhoedd (gan gynnwys disgyblion) drwy rwydweithio cymdeithasol\" "
                     '("Using social networking for communicating with the public (including pupils)" yn y '
                     "ddogfen Saesneg). Mae'r polisi'n cael ei ddyfynnu yn ei eiriau ei hun, yn Saesneg.")
    assert english == ("Source: Social Media Policy, Version 1, 12.10.2022, section "
                       '"Using social networking for communicating with the public (including pupils)".')


def test_a_school_named_in_english_and_welsh_is_one_school_on_the_about_card() -> None:
    """A policy file with no schools list names its schools from its text: the primary school the 2022 text calls
    both "Llanidloes Primary School" and "Ysgol Gynradd Llanidloes" is listed once, with its Welsh name."""
    from bot.policy.details import details_from

    texts = ["identify that you work for Llanidloes High School or Llanidloes Primary School.",
             "The Ysgol Gynradd Llanidloes Facebook page is run by the office."]
    details = details_from({"title_en": "Social Media Policy"}, texts)

    assert [(school.en, school.cy) for school in details.schools] == [
        ("Llanidloes High School", "Ysgol Uwchradd Llanidloes"),
        ("Llanidloes Primary School", "Ysgol Gynradd Llanidloes")]
