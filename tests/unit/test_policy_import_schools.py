"""Which schools and sites an imported policy covers: the details line that says so, whatever the schools are
called, answers "which schools does this cover?" on the About card in English and Welsh."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import docx.document
import pytest

from bot.domain.people import Lang
from bot.import_policy_command import import_policy_command
from bot.policy.details import PolicyDetails
from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy, validate_policy_file
from cards.answer import about_card
from cards.i18n import load_catalogue


def imported_details(tmp_path: Path, label: str, value: str, text: str = "Staff must ask first.") -> PolicyDetails:
    """Import a document whose details table has the line `label<TAB>value`; check the written file is valid and
    return the details the bot reads from it."""
    source = tmp_path / "policy.txt"
    source.write_text(f"Staff Online Conduct Policy\n\nVersion\t2\n{label}\t{value}\nNext review\tSummer Term 2027\n\n"
                      f"Purpose\n\n{text}\n", encoding="utf-8")
    out = tmp_path / "imported.json"
    assert import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)]) == 0
    assert validate_policy_file(out) == []
    return load_policy(out).details


def about_schools_row(details: PolicyDetails, lang: Lang) -> str:
    """The value of the About card's "Schools" row in `lang`."""
    strings = load_catalogue()
    card = about_card(strings, lang, details, overdue=False, asked="schools")
    label = strings.text("ask.about_schools", lang)
    facts = [fact for element in card["body"] if element.get("type") == "FactSet" for fact in element["facts"]]
    return str(next(fact["value"] for fact in facts if fact["title"] == label))


def test_a_school_with_no_kind_word_in_its_name_is_covered_with_its_sites_in_the_documents_words(
        tmp_path: Path) -> None:
    line = "Hollybank School, Mill Lane (Lower Site) and the Rowan Centre (short-stay provision)"

    details = imported_details(tmp_path, "Schools and sites covered", line)

    assert details.asked("schools", "en") == line  # whole, not "Mill Lane (Lower Site)" on its own
    assert about_schools_row(details, Lang.EN) == line


def test_one_school_on_two_sites_is_covered_as_the_document_words_it(tmp_path: Path) -> None:
    line = ("Briarwood School: Upper School and Sixth Form (Quarry Road site); Junior and Infant Departments "
            "(Beech House site)")

    details = imported_details(tmp_path, "Schools covered", line)

    assert details.asked("schools", "en") == line


def test_a_welsh_school_keeps_the_settings_its_line_names_with_it(tmp_path: Path) -> None:
    line = "Ysgol Cae'r Onnen, including the Cylch Meithrin and the breakfast club in Neuadd Goffa"

    details = imported_details(tmp_path, "Sites covered", line)

    assert details.asked("schools", "en") == line  # not "Ysgol Cae'r Onnen" alone: the Meithrin is covered too


def test_applies_to_naming_a_school_and_a_site_gives_them(tmp_path: Path) -> None:
    line = "All staff at Oakhurst Academy and the Willow Unit"

    details = imported_details(tmp_path, "Applies to", line)

    assert details.asked("schools", "en") == line


def test_applies_to_all_staff_is_never_taken_for_the_schools(tmp_path: Path) -> None:
    details = imported_details(tmp_path, "Applies to", "All staff, governors and volunteers",
                               text="Staff of Nant Celyn Primary School must ask first.")
    nobody_named = imported_details(tmp_path, "Applies to", "all staff, governors and volunteers")

    assert details.asked("schools", "en") == "Nant Celyn Primary School"  # named in its text, as before
    assert nobody_named.schools == ()


def test_a_line_of_school_names_and_their_town_still_gives_the_names(tmp_path: Path) -> None:
    details = imported_details(tmp_path, "Schools covered", "Bryn Glas Primary School and Ysgol Rhyd-y-Main, Aberwen")

    assert [(school.en, school.cy) for school in details.schools] == [
        ("Bryn Glas Primary School", "Ysgol Gynradd Bryn Glas"), ("Ysgol Rhyd-y-Main", "Ysgol Rhyd-y-Main")]


def test_the_welsh_about_card_shows_the_documents_own_words_for_the_sites_never_a_made_up_translation(
        tmp_path: Path) -> None:
    line = "Glan Morfa Annexe, Pen-y-Bryn Primary School"

    details = imported_details(tmp_path, "Sites covered", line)

    welsh = about_schools_row(details, Lang.CY)
    assert welsh == line  # as the document words it: not "Ysgol Gynradd Glan Morfa Annexe, Pen-y-Bryn"
    assert details.asked("schools", "cy") == line
    assert "Ysgol Gynradd" not in json.dumps(about_card(load_catalogue(), Lang.CY, details, overdue=False),
                                             ensure_ascii=False)


def the_about_card_says(details: PolicyDetails, lang: Lang) -> str:
    """Everything the About card asked "which schools?" shows, as one text."""
    return json.dumps(about_card(load_catalogue(), lang, details, overdue=False, asked="schools"), ensure_ascii=False)


@pytest.mark.parametrize(("label", "value"), [
    ("Schools", ",,,,,,,"), ("Sites", "see appendix"), ("Schools covered", "See Appendix 2"),
    ("Schools", "Not applicable"), ("Schools", "All"), ("Schools", "?"), ("Ysgolion", "Gweler yr atodiad"),
    ("Schools covered", "N/A"), ("Ysgolion", "Dim"), ("Schools covered", "All schools in the federation"),
    ("Schools", "St"),
])
def test_a_schools_line_that_names_no_school_is_left_out_and_said_plainly(
        tmp_path: Path, label: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    details = imported_details(tmp_path, label, value)
    notes = capsys.readouterr().err

    assert details.schools == ()
    for lang in Lang:
        shown = the_about_card_says(details, lang)
        assert load_catalogue().text("ask.about_not_given_schools", lang) in shown
    assert f"the schools row ({value!r}) names no school or site" in notes
    assert "is not one the bot knows" not in notes  # the row is known: its value names nobody


def test_a_schools_line_that_names_none_still_lets_the_documents_text_name_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    details = imported_details(tmp_path, "Schools covered", "See Appendix 2",
                               text="Staff of Nant Celyn Primary School must ask first.")

    assert details.asked("schools", "en") == "Nant Celyn Primary School"
    assert "names no school or site" in capsys.readouterr().err


@pytest.mark.parametrize("label", ["Safle", "Safleoedd", "Campws", "Campysau"])
def test_welsh_sites_labels_are_read_like_the_english_ones(tmp_path: Path, label: str) -> None:
    english = imported_details(tmp_path, "Sites", "Ysgol Cae'r Onnen, Uned Maes")
    welsh = imported_details(tmp_path, label, "Ysgol Cae'r Onnen, Uned Maes")

    assert welsh.schools == english.schools != ()


def test_an_over_long_schools_line_is_refused_never_cut_to_a_name_the_document_never_uses(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = "Ysgol Gynradd " + "Llanidloes " * 190

    details = imported_details(tmp_path, "Schools", line)
    notes = capsys.readouterr().err

    assert details.schools == ()
    assert "the schools row ('Ysgol Gynradd Llanidloes Llanidloes Llanidloes Llanidloes Ll…') is 2103 characters" \
        in notes
    assert "Llanidloes " * 10 not in notes  # the line is not echoed whole


def test_a_school_name_longer_than_the_importer_reads_is_kept_whole(tmp_path: Path) -> None:
    line = "Ysgol Gynradd Llanfihangel Rhos Goch Pen Bont Gwaelod"

    details = imported_details(tmp_path, "Schools", line)

    assert [school.en for school in details.schools] == [line]  # not "Ysgol Gynradd Llanfihangel Rhos Goch"


def test_an_unknown_details_row_is_echoed_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    imported_details(tmp_path, "Colour of the cover", "Blue " * 400)
    notes = capsys.readouterr().err

    assert "is not one the bot knows" in notes
    assert "Blue " * 20 not in notes


def test_the_high_school_named_by_its_kind_alone_is_not_another_school(tmp_path: Path) -> None:
    """A federation's policy says "The High School runs a Facebook page" of the school it named in full before: the
    About card lists the two schools, not a third called "High School" ("Ysgol Uwchradd" on Welsh cards)."""
    details = imported_details(
        tmp_path, "Status", "Version 2",
        text=("This policy applies to everyone who works at Llanidloes High School or Llanidloes Primary School.\n\n"
              "The High School runs a Facebook page; the Primary School runs one too."))

    assert details.asked("schools", "en") == "Llanidloes High School, Llanidloes Primary School"
    assert about_schools_row(details, Lang.CY) == "Ysgol Uwchradd Llanidloes, Ysgol Gynradd Llanidloes"


def _headed_word_document(header: str, under_title: str = "") -> docx.document.Document:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    document.add_paragraph("Staff Social Media Policy", style="Title")
    if under_title:
        document.add_paragraph(under_title)
    document.add_paragraph("Personal accounts", style="Heading 1")
    document.add_paragraph("Staff must not accept friend requests from pupils.")
    return document


@pytest.mark.parametrize(("header", "school"), [
    ("Bryn Celyn Primary School", "Bryn Celyn Primary School"),
    ("Ysgol Bro Hafren | Staff Social Media Policy | Page 1", "Ysgol Bro Hafren"),
])
def test_a_school_named_only_in_the_page_header_is_the_documents_school(header: str, school: str,
                                                                         tmp_path: Path) -> None:
    source = tmp_path / "policy.docx"
    _headed_word_document(header).save(str(source))
    out = tmp_path / "imported.json"

    assert import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)]) == 0

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["federation"] == school
    assert data["schools"] == [{"en": school}]
    assert about_schools_row(load_policy(out).details, Lang.EN) == school


def test_the_line_under_the_title_names_the_school_before_the_page_header(tmp_path: Path) -> None:
    source = tmp_path / "policy.docx"
    _headed_word_document("Bryn Celyn Primary School", "Ysgol Bro Hafren").save(str(source))
    out = tmp_path / "imported.json"

    assert import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)]) == 0

    assert json.loads(out.read_text(encoding="utf-8"))["federation"] == "Ysgol Bro Hafren"


@pytest.mark.parametrize("under_title", [
    "Heyford Wolds Community College – an 11–16 community college with an adult learning centre and a library on one "
    "site",
    "Brookfield Academy: a mixed 11–18 academy serving the town and the villages around it since 1972",
])
def test_a_sentence_under_the_title_that_opens_with_the_schools_name_names_the_school(under_title: str,
                                                                                      tmp_path: Path) -> None:
    # Before, the sentence went to the policy's text whole and the school was named nowhere: "which schools does
    # this cover?" was told the document does not say.
    data, out = _imported_under_the_title(under_title, tmp_path)
    school = under_title.split(" – ")[0].split(":")[0]
    assert data["federation"] == school
    assert about_schools_row(load_policy(out).details, Lang.EN) == school
    quoted = [passage["text"] for section in data["sections"] for passage in section["passages"]]
    assert any(text.startswith(school) for text in quoted)  # the sentence is still the document's own text


@pytest.mark.parametrize("under_title", [
    "At Brookfield Academy we expect every member of staff to keep pupils safe online and offline at all times.",
    "Staff Code of Conduct – this policy should be read with it and with the safeguarding policy of the school.",
])
def test_a_sentence_under_the_title_that_does_not_open_with_a_name_names_no_school(under_title: str,
                                                                                  tmp_path: Path) -> None:
    data, _ = _imported_under_the_title(under_title, tmp_path)

    assert "federation" not in data


def _imported_under_the_title(under_title: str, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """A Word policy with `under_title` in a paragraph under its title, imported: the file's data and its path."""
    source = tmp_path / "policy.docx"
    _headed_word_document("", under_title).save(str(source))
    out = tmp_path / "imported.json"
    assert import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)]) == 0
    return json.loads(out.read_text(encoding="utf-8")), out
