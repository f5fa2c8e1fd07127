"""`import-policy` on policies Welsh schools publish in both languages: the English is the policy, Welsh cards get
the document's own Welsh headings, text and details; dates and details written in Welsh are read."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from bot.policy.details import one_name_a_school, parse_date, review_deadline
from bot.policy.document_lines import Line
from bot.policy.document_questions import shared_document_questions
from bot.policy.importer import _detail_values, import_policy
from tests.unit.test_policy_import import imported_docx, noted

_DETAILS = (("Version", "1.4"), ("Author", "Rhodri Morgan, Business Manager"), ("Date of issue", "9 January 2025"),
            ("Agreed by", "Resources Committee"), ("Next review", "January 2027"))
_DETAILS_CY = (("Fersiwn", "1.4"), ("Awdur", "Rhodri Morgan, Rheolwr Busnes"), ("Dyddiad cyhoeddi", "9 Ionawr 2025"),
               ("Cytunwyd gan", "Y Pwyllgor Adnoddau"), ("Adolygiad nesaf", "Ionawr 2027"))


def _table(document: docx.document.Document, rows: tuple[tuple[str, str], ...]) -> None:
    table = document.add_table(rows=len(rows), cols=2)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value


def test_the_welsh_version_after_a_page_break_gives_its_details_headings_and_text(tmp_path: Path) -> None:
    document = docx.Document()
    for title, details, sections in (
            ("Social Media Policy for Staff", _DETAILS, (("Personal use", "Keep your accounts private."),
                                                         ("Photographs", "Use school devices for photographs."))),
            ("Polisi Cyfryngau Cymdeithasol i Staff", _DETAILS_CY, (
                ("Defnydd personol", "Cadwch eich cyfrifon yn breifat."),
                ("Lluniau", "Defnyddiwch ddyfeisiau'r ysgol ar gyfer lluniau.")))):
        document.add_paragraph(title, style="Title")
        _table(document, details)
        for heading, text in sections:
            document.add_heading(heading, level=1)
            document.add_paragraph(text)

    data = imported_docx(document, tmp_path)

    assert [(s["heading_en"], s["heading_cy"], [(p["text"], p["text_cy"]) for p in s["passages"]])
            for s in data["sections"]] == [
        ("Personal use", "Defnydd personol", [("Keep your accounts private.", "Cadwch eich cyfrifon yn breifat.")]),
        ("Photographs", "Lluniau", [("Use school devices for photographs.",
                                     "Defnyddiwch ddyfeisiau'r ysgol ar gyfer lluniau.")])]
    assert {key: data.get(key) for key in ("author", "author_cy", "agreed_by", "agreed_by_cy", "date_of_issue",
                                           "next_review", "next_review_cy", "review_date")} == {
        "author": "Rhodri Morgan, Business Manager", "author_cy": "Rhodri Morgan, Rheolwr Busnes",
        "agreed_by": "Resources Committee", "agreed_by_cy": "Y Pwyllgor Adnoddau", "date_of_issue": "2025-01-09",
        "next_review": "January 2027", "next_review_cy": "Ionawr 2027", "review_date": "2027-01-31"}


def test_a_heading_over_its_translation_and_a_details_cell_in_both_languages(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Next review"
    table.rows[0].cells[1].paragraphs[0].add_run("Spring Term 2026").add_break()
    table.rows[0].cells[1].paragraphs[0].add_run("Tymor y Gwanwyn 2026")
    for english, welsh, text, text_cy in (
            ("Purpose", "Diben", "This policy applies to all staff.", "Mae'r polisi hwn yn berthnasol i bob aelod o "
             "staff."),
            ("Our schools' accounts", "Ysgol Gynradd Bro Hafren", "Only the office posts.", "")):
        document.add_heading(english, level=1)
        document.add_heading(welsh, level=2)
        document.add_paragraph(text)
        if text_cy:
            document.add_paragraph(text_cy)

    data = imported_docx(document, tmp_path)

    assert [(s["heading_en"], s.get("heading_cy")) for s in data["sections"]] == [
        ("Purpose", "Diben"), ("Ysgol Gynradd Bro Hafren", None)]  # a school's name is no heading's Welsh
    assert (data["next_review"], data["next_review_cy"]) == ("Spring Term 2026", "Tymor y Gwanwyn 2026")


def test_details_rows_side_by_side_in_both_languages(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Polisi Cyfryngau Cymdeithasol i Staff | Staff Social Media Policy", style="Title")
    rows = [("Ysgol Gynradd Llwyn Onn", "Llwyn Onn Primary School"), ("Fersiwn: 2", "Version: 2"),
            ("Awdur: Gwenllian Rees, Pennaeth", "Author: Gwenllian Rees, Headteacher"),
            ("1. Cyflwyniad", "1. Introduction"),
            ("Rhaid i bob neges gan yr ysgol fod yn Gymraeg.", "Every post from the school must be in Welsh."),
            ("Ni ddylai staff dderbyn ceisiadau ffrind gan ddisgyblion.",
             "Staff must not accept friend requests from pupils.")]
    _table(document, tuple(rows))  # Cymraeg left, English right

    data = imported_docx(document, tmp_path)

    assert {key: data.get(key) for key in ("title_en", "title_cy", "version", "author", "author_cy")} == {
        "title_en": "Staff Social Media Policy", "title_cy": "Polisi Cyfryngau Cymdeithasol i Staff", "version": "2",
        "author": "Gwenllian Rees, Headteacher", "author_cy": "Gwenllian Rees, Pennaeth"}
    assert [(s["heading_en"], s["heading_cy"]) for s in data["sections"]] == [("Introduction", "Cyflwyniad")]
    assert data["schools"] == [{"en": "Llwyn Onn Primary School", "cy": "Ysgol Gynradd Llwyn Onn"}]


def test_a_school_named_in_both_languages_is_one_school_and_two_schools_stay_two() -> None:
    assert one_name_a_school(["Llanidloes High School", "Llanidloes Primary School", "Ysgol Gynradd Llanidloes",
                               "Ysgol Gymraeg Cwm Eithin", "Ysgol Cwm Eithin"]) == [
        {"en": "Llanidloes High School"}, {"en": "Llanidloes Primary School", "cy": "Ysgol Gynradd Llanidloes"},
        {"en": "Ysgol Gymraeg Cwm Eithin"}]


def test_dates_written_in_welsh() -> None:
    assert [str(parse_date(text)) for text in ("9 Ionawr 2025", "23 Mai 2024")] == ["2025-01-09", "2024-05-23"]
    assert [str(review_deadline(text)) for text in ("Tymor yr Hydref 2025", "Ionawr 2027", "Gwanwyn 2030")] == [
        "2025-12-31", "2027-01-31", "2030-04-30"]


def test_a_rule_about_approval_is_not_a_question_about_who_agreed_the_document() -> None:
    asked = shared_document_questions().detail_asked

    assert asked("Does a post for the school's Facebook page need to be approved by anyone?") is None
    assert asked("was this approved by the governors and when") == "agreed_by"
    assert asked("who was it approved by") == "agreed_by"


def test_a_detail_given_twice_in_english_is_not_taken_for_its_welsh() -> None:
    given = [Line("detail", value, "table 1", key="agreed_by") for value in ("Full Governing Body",
                                                                          "Cwm Tawel Primary School")]
    welsh = [Line("detail", value, "table 1", key="author") for value in ("Rhodri Morgan, Business Manager",
                                                                       "Rhodri Morgan, Rheolwr Busnes")]

    assert _detail_values([*given, *welsh]) == {"agreed_by": "Cwm Tawel Primary School",
                                                "author": "Rhodri Morgan, Business Manager / Rhodri Morgan, "
                                                          "Rheolwr Busnes"}


_ENGLISH_COVER = ("Social Media Policy for Staff\n\nFfederasiwn Ysgolion Llanidloes Schools Federation\n\n"
                  "Version\t2\nAgreed by\tGoverning Body\nNext Review Date\tSummer 2028\n\n")


def test_a_rule_typed_only_in_welsh_stays_a_rule_of_its_own_not_the_welsh_of_the_rule_before_it(
        tmp_path: Path) -> None:
    """An English policy with one section typed in Welsh (no friend requests from pupils) after the logo rule: the
    Welsh is no translation of the logo rule, so a Welsh card about the logo must not quote the friend-request rule,
    and that rule must not be lost."""
    source = tmp_path / "policy.txt"
    source.write_text(_ENGLISH_COVER + (
        "Purpose of this policy\n\nThis policy covers all social media tools including blogs and video sharing "
        "sites.\n\nUsing social networking for personal use\n\nStaff must not use the school logo on their personal "
        "pages.\n\nCeisiadau ffrind\n\nNi ddylai staff dderbyn ceisiadau ffrind gan ddisgyblion presennol.\n\n"
        "Use of personal mobile devices at work\n\nStaff should not use personal devices for personal matters during "
        "pupil-facing working time.\n"), encoding="utf-8")

    result = import_policy(source)

    sections = {s["heading_en"]: s for s in result.data["sections"]}
    logo = sections["Using social networking for personal use"]
    assert "heading_cy" not in logo and "text_cy" not in logo["passages"][0]
    assert [p["text"] for p in sections["Ceisiadau ffrind"]["passages"]] == [
        "Ni ddylai staff dderbyn ceisiadau ffrind gan ddisgyblion presennol."]
    assert any("Ceisiadau ffrind" in w and "no English" in w for w in noted(result.warnings)), noted(result.warnings)
    assert not any("bilingual" in w for w in noted(result.warnings)), noted(result.warnings)


def test_a_welsh_section_beside_its_english_is_still_its_translation(tmp_path: Path) -> None:
    """The check that keeps a Welsh-only rule apart does not part a real translation from its English."""
    source = tmp_path / "policy.txt"
    source.write_text(_ENGLISH_COVER + (
        "Purpose\n\nThis policy covers all social media tools including blogs and video sharing sites.\n\n"
        "Diben\n\nMae'r polisi hwn yn cynnwys pob offeryn cyfryngau cymdeithasol gan gynnwys blogiau a gwefannau "
        "rhannu fideos.\n\nBreaches\n\nAny breaches of this policy will be fully investigated.\n\n"
        "Torri'r polisi\n\nBydd unrhyw achos o dorri'r polisi hwn yn cael ei ymchwilio'n llawn.\n"),
        encoding="utf-8")

    result = import_policy(source)

    assert [(s["heading_en"], s.get("heading_cy"), [p.get("text_cy") for p in s["passages"]])
            for s in result.data["sections"]] == [
        ("Purpose", "Diben", ["Mae'r polisi hwn yn cynnwys pob offeryn cyfryngau cymdeithasol gan gynnwys blogiau a "
                              "gwefannau rhannu fideos."]),
        ("Breaches", "Torri'r polisi", ["Bydd unrhyw achos o dorri'r polisi hwn yn cael ei ymchwilio'n llawn."])]


def test_a_heading_typed_in_welsh_over_english_rules_is_the_sections_welsh_heading(tmp_path: Path) -> None:
    """Headings typed in Welsh in an English document ("Defnydd personol"): Welsh cards show them as their Welsh
    heading, and the owner is told they have no English, not that they have no Welsh."""
    source = tmp_path / "policy.txt"
    source.write_text(_ENGLISH_COVER + (
        "Purpose of this policy\n\nThis policy covers all social media tools.\n\n"
        "Defnydd personol\n\nStaff must not accept friend requests from current pupils.\n\n"
        "Torri'r polisi\n\nAny breaches of this policy will be fully investigated.\n"), encoding="utf-8")

    result = import_policy(source)

    assert [(s["heading_en"], s.get("heading_cy")) for s in result.data["sections"]] == [
        ("Purpose of this policy", None), ("Defnydd personol", "Defnydd personol"),
        ("Torri'r polisi", "Torri'r polisi")]
    assert any(w.startswith("1 of 3 headings has no Welsh") for w in noted(result.warnings)), noted(result.warnings)
    assert any("Defnydd personol" in w and "Torri'r polisi" in w and "English" in w for w in noted(result.warnings)), \
        noted(result.warnings)


def test_a_welsh_name_as_a_heading_is_no_welsh_heading(tmp_path: Path) -> None:
    """A project's or school's Welsh name over English text ("Fferm i Fforc", "Ysgol Gynradd Llanidloes") is the
    English heading too: no note that it is in Welsh."""
    source = tmp_path / "policy.txt"
    source.write_text(_ENGLISH_COVER + (
        "Fferm i Fforc\n\nOur farm-to-fork project links the school farm with the kitchen.\n\n"
        "Ysgol Gynradd Llanidloes\n\nThe primary school posts on its own page.\n"), encoding="utf-8")

    result = import_policy(source)

    assert [s.get("heading_cy") for s in result.data["sections"]] == [None, None]
    assert any(w.startswith("2 of 2 headings have no Welsh") for w in noted(result.warnings)), noted(result.warnings)


_POLICY_2022 = Path(__file__).resolve().parents[2] / "bot" / "policy" / "data" / "social-media-policy-2022.txt"
_MOBILE = "Use of personal mobile devices at work"


def _2022_with(tmp_path: Path, *inserted: tuple[str, str]) -> Path:
    """The 2022 policy with Welsh sections put in before the given English headings."""
    text = _POLICY_2022.read_text(encoding="utf-8")
    for before, welsh in inserted:
        at = text.index(f"{before}\n")
        text = f"{text[:at]}{welsh}\n\n{text[at:]}"
    source = tmp_path / "policy.txt"
    source.write_text(text, encoding="utf-8")
    return source


_TIKTOK = "Rhaid i staff beidio â defnyddio TikTok i rannu fideos o ddisgyblion nac i gysylltu â rhieni."


def test_a_welsh_only_rule_about_pupils_is_not_the_welsh_of_the_rule_on_phones_at_work(tmp_path: Path) -> None:
    """A rule typed only in Welsh (no TikTok videos of pupils, no contacting parents on it) before the rule on phones
    at work shares its commonest words ("staff", "use", "pupils"), not what it is about: Welsh cards about phones at
    work must not quote the TikTok rule under "Fideos TikTok", and the rule must not be lost."""
    source = _2022_with(tmp_path, (_MOBILE, f"Fideos TikTok\n\n{_TIKTOK}"))

    result = import_policy(source)

    sections = {s["heading_en"]: s for s in result.data["sections"]}
    assert "heading_cy" not in sections[_MOBILE]
    assert not any("text_cy" in p for p in sections[_MOBILE]["passages"])
    assert [p["text"] for p in sections["Fideos TikTok"]["passages"]] == [_TIKTOK]
    assert any("Fideos TikTok" in w and "no English" in w for w in noted(result.warnings)), noted(result.warnings)


def test_the_welsh_of_rules_in_a_whole_policy_is_still_their_translation(tmp_path: Path) -> None:
    """Weighing words by how few sections have them does not part real translations, short or long, from their
    English in a whole policy."""
    source = _2022_with(
        tmp_path,
        ("Using social networking for communicating with the public (including pupils)",
         "Deddfwriaeth\n\nDylai staff gofio bod gwybodaeth y maent yn ei rhannu drwy gymwysiadau rhwydweithio "
         "cymdeithasol, hyd yn oed os ydynt ar fannau preifat, yn dal yn ddarostyngedig i ddeddfwriaeth hawlfraint, "
         "diogelu data a Rhyddid Gwybodaeth, Deddf Diogelu Grwpiau Agored i Niwed 2006 a deddfwriaeth arall."),
        ("Abuse of the guidance",
         "Defnyddio dyfeisiau symudol personol yn y gwaith\n\nDylai staff yr ysgolion fod yn ymwybodol o'r esiampl y "
         "maent yn ei gosod i ddisgyblion wrth ddefnyddio dyfeisiau symudol, ac ni ddylent ddefnyddio dyfeisiau "
         "personol na chyfarpar yr ysgol at faterion personol yn ystod amser gwaith gyda disgyblion."))

    result = import_policy(source)

    sections = {s["heading_en"]: s for s in result.data["sections"]}
    assert sections["Legislation"].get("heading_cy") == "Deddfwriaeth"
    assert sections[_MOBILE].get("heading_cy") == "Defnyddio dyfeisiau symudol personol yn y gwaith"
    assert sections[_MOBILE]["passages"][0]["text_cy"].startswith("Dylai staff yr ysgolion")
    assert len(result.data["sections"]) == 8, [s["heading_en"] for s in result.data["sections"]]


def _english_policy_under(title: str, header: str = "") -> docx.document.Document:
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.add_paragraph(title, style="Title")
    document.add_paragraph("Bryn Celyn Primary School")
    document.add_heading("Personal accounts", level=1)
    document.add_paragraph("Staff must not accept friend requests from pupils.")
    return document


def test_a_title_in_welsh_only_is_the_welsh_title_and_the_english_is_the_glossarys(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = imported_docx(_english_policy_under("Polisi Cyfryngau Cymdeithasol Staff"), tmp_path)

    assert (data["title_en"], data["title_cy"]) == ("Social Media Policy for Staff",
                                                    "Polisi Cyfryngau Cymdeithasol Staff")
    notes = capsys.readouterr().err
    assert "the title 'Polisi Cyfryngau Cymdeithasol Staff' is in Welsh only" in notes
    assert "'Social Media Policy for Staff'" in notes and "Polisi … / … Policy" in notes


def test_a_welsh_only_title_takes_the_english_the_page_header_gives_it(tmp_path: Path) -> None:
    document = _english_policy_under("Polisi Cyfryngau Cymdeithasol Staff",
                                     header="Bryn Celyn Primary School | Staff Online Conduct Policy")

    data = imported_docx(document, tmp_path)

    assert (data["title_en"], data["title_cy"]) == ("Staff Online Conduct Policy",
                                                    "Polisi Cyfryngau Cymdeithasol Staff")


def test_a_welsh_only_title_the_glossary_does_not_know_stays_welsh_in_both_with_a_note(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = imported_docx(_english_policy_under("Polisi Defnyddio'r We gan Staff"), tmp_path)

    assert (data["title_en"], data["title_cy"]) == ("Polisi Defnyddio'r We gan Staff",
                                                    "Polisi Defnyddio'r We gan Staff")
    assert "English cards show it in Welsh" in capsys.readouterr().err


def test_an_english_title_is_still_the_english_title(tmp_path: Path) -> None:
    data = imported_docx(_english_policy_under("Staff Social Media Policy"), tmp_path)

    assert data["title_en"] == "Staff Social Media Policy" and "title_cy" not in data


def test_a_welsh_title_under_the_english_one_is_the_welsh_title_not_the_school(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_paragraph("Polisi Cyfryngau Cymdeithasol Staff", style="Subtitle")
    document.add_paragraph("Bryn Celyn Primary School")
    document.add_heading("Personal accounts", level=1)
    document.add_paragraph("Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert (data["title_en"], data["title_cy"]) == ("Staff Social Media Policy", "Polisi Cyfryngau Cymdeithasol Staff")
    assert data["federation"] == "Bryn Celyn Primary School"


def test_the_welsh_under_a_sub_heading_after_each_english_section_is_its_welsh(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    for english, welsh, text, text_cy in (
            ("Purpose", "Diben", "This policy sets out how staff use social media.",
             "Mae'r polisi hwn yn nodi sut mae staff yn defnyddio cyfryngau cymdeithasol."),
            ("Personal accounts", "Cyfrifon personol", "Staff must not accept friend requests from pupils.",
             "Ni ddylai staff dderbyn ceisiadau ffrind gan ddisgyblion.")):
        document.add_heading(english, level=1)
        document.add_paragraph(text)
        document.add_heading(welsh, level=2)
        document.add_paragraph(text_cy)

    data = imported_docx(document, tmp_path)

    assert [(s["heading_en"], s.get("heading_cy"), [(p["text"], p.get("text_cy")) for p in s["passages"]])
            for s in data["sections"]] == [
        ("Purpose", "Diben", [("This policy sets out how staff use social media.",
                               "Mae'r polisi hwn yn nodi sut mae staff yn defnyddio cyfryngau cymdeithasol.")]),
        ("Personal accounts", "Cyfrifon personol", [("Staff must not accept friend requests from pupils.",
                                                     "Ni ddylai staff dderbyn ceisiadau ffrind gan ddisgyblion.")])]
