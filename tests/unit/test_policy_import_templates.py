"""`import-policy` on Word documents as schools' templates lay them out: headings set apart by underline, capitals or
a bigger font under a bold title, a template's own list and heading styles (named in Welsh too), numbered lead-ins,
numbered and grouping sub-headings, sub-clauses inside sub-clauses, a sign-off block at the end and details in the
first page's footer."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from bot.import_policy_command import import_policy_command
from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy
from bot.policy.retrieval import PolicyIndex
from tests.unit.test_policy_import import details_of, headed, imported_docx, imported_text, passages

TITLE = "Staff Social Media Policy"
BANNED = ("post anything that could bring the school into disrepute;",
          "share confidential information about the school;")


def _line(document: Document, text: str, *, bold: bool = False, underline: bool = False,
          size: int | None = None) -> Paragraph:
    """A Normal paragraph set apart only by its direct formatting, as a policy typed without heading styles is."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.underline = underline or None
    if size:
        run.font.size = Pt(size)
    return paragraph


def _numbering(document: Document, levels: list[tuple[str, str]], *, first: int = 1) -> str:
    """A list definition of Word's (levels as (format, text): ("decimal", "%1.%2"), its first level counting from
    `first`); its numId."""
    root = document.part.numbering_part.element
    number = str(len(root.findall(f"{{{root.nsmap['w']}}}num")) + 40)
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="{first if i == 0 else 1}"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text) in enumerate(levels))
    root.append(parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}">'
                          f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'))
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>'))
    return number


def _numbered(paragraph: Paragraph, number: str, level: int) -> Paragraph:
    paragraph._p.get_or_add_pPr().insert(0, parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{number}"/></w:numPr>'))
    return paragraph


def _list_style(document: Document, name: str, *, based_on: str | None = None) -> None:
    """A template's own bullet style, its numbering in the style rather than on each paragraph."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on:
        style.base_style = document.styles[based_on]
    else:
        bullet = _numbering(document, [("bullet", "•")])
        style.element.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:numId w:val="{bullet}"/></w:numPr>'))


def _heading_style(document: Document, name: str, size: int) -> None:
    """A heading style of a template's own, bold and big in the style, with no outline level."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.font.bold = True
    style.font.size = Pt(size)


def _index(tmp_path: Path) -> PolicyIndex:
    return PolicyIndex(load_policy(tmp_path / "imported.json"))


def _typed_policy(*sections: tuple[str, str, bool]) -> Document:
    """A policy typed without heading styles: its title bold and big, then each (heading, rule, underlined) section,
    its heading underlined, or else bold."""
    document = docx.Document()
    _line(document, TITLE, bold=True, size=18)
    for heading, rule, underlined in sections:
        _line(document, heading, bold=not underlined, underline=underlined)
        document.add_paragraph(rule)
    return document


# Headings set apart by underline, capitals or size


def test_headings_underlined_among_bold_ones_are_headings_not_rules(tmp_path: Path) -> None:
    document = _typed_policy(
        ("Contact with pupils", "Staff must not accept friend requests from pupils.", False),
        ("Contact with parents", "Staff must not give parents their personal mobile number.", True),
        ("Breaches of this policy", "Breaches may lead to disciplinary action.", True))

    data = imported_docx(document, tmp_path)

    assert headed(data) == [
        ("Contact with pupils", ["Staff must not accept friend requests from pupils."]),
        ("Contact with parents", ["Staff must not give parents their personal mobile number."]),
        ("Breaches of this policy", ["Breaches may lead to disciplinary action."])]


@pytest.mark.parametrize("set_apart", ["underline", "capitals", "size"])
def test_headings_under_a_bold_title_are_found_however_they_are_set_apart(set_apart: str, tmp_path: Path) -> None:
    document = docx.Document()
    _line(document, TITLE, bold=True, size=18)
    for heading, rule in (("Contact with pupils", "Staff must not accept friend requests from pupils."),
                          ("Contact with parents", "Staff must not give parents their personal mobile number.")):
        _line(document, heading.upper() if set_apart == "capitals" else heading, underline=set_apart == "underline",
              size=14 if set_apart == "size" else None)
        document.add_paragraph(rule)
        document.add_paragraph("Staff must not:")
        for item in BANNED:
            document.add_paragraph(item, style="List Bullet")

    data = imported_docx(document, tmp_path)

    headings = ["Contact with pupils", "Contact with parents"]
    assert [heading for heading, _ in headed(data)] == [
        heading.upper() if set_apart == "capitals" else heading for heading in headings]
    assert headed(data)[1][1] == ["Staff must not give parents their personal mobile number.",
                                  *(f"Staff must not: {item}" for item in BANNED)]


# A template's own list and heading styles


@pytest.mark.parametrize("bullet", ["Policy Bullet", "Policy Bullet 2"])
def test_items_in_a_templates_own_bullet_style_keep_their_lead_in(bullet: str, tmp_path: Path) -> None:
    document = docx.Document()
    _list_style(document, "Policy Bullet")
    _list_style(document, "Policy Bullet 2", based_on="Policy Bullet")  # its numbering from the style it is based on
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Personal use of social media", level=1)
    document.add_paragraph("Staff must not:")
    for item in BANNED:
        document.add_paragraph(item, style=bullet)

    data = imported_docx(document, tmp_path)

    assert passages(data) == [f"Staff must not: {item}" for item in BANNED]
    assert _index(tmp_path).answer("Can I share confidential information about the school?").quote.startswith(
        "Staff must not")


def test_heading_styles_named_in_welsh_are_headings_and_the_teitl_is_the_title(tmp_path: Path) -> None:
    document = docx.Document()
    for name, size in (("Teitl", 20), ("Pennawd 1", 14), ("Pennawd 2", 12)):
        _heading_style(document, name, size)
    document.styles.add_style("Is-bennawd yr Ysgol", WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Pennawd 2"]
    _list_style(document, "Rhestr Bwled")
    document.add_paragraph(TITLE, style="Teitl")
    document.add_paragraph("Personal use of social media", style="Pennawd 1")
    document.add_paragraph("Staff must not:")
    for item in BANNED:
        document.add_paragraph(item, style="Rhestr Bwled")
    document.add_paragraph("Contact with pupils", style="Pennawd 1")
    document.add_paragraph("Current pupils", style="Pennawd 2")
    document.add_paragraph("Staff must not accept friend requests from pupils.")
    document.add_paragraph("Former pupils", style="Is-bennawd yr Ysgol")
    document.add_paragraph("Contact with former pupils under 18 is not permitted.")

    data = imported_docx(document, tmp_path)

    assert data["title_en"] == TITLE
    assert headed(data) == [
        ("Personal use of social media", [f"Staff must not: {item}" for item in BANNED]),
        ("Current pupils", ["Staff must not accept friend requests from pupils."]),
        ("Former pupils", ["Contact with former pupils under 18 is not permitted."])]


def _imported_or_refused(source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert import_policy_command([str(source), "--out", str(tmp_path / "out.json"),
                                  "--policy", str(DEFAULT_POLICY_FILE)]) == 1
    return capsys.readouterr().err


def test_an_empty_section_over_a_sub_heading_read_by_its_shape_is_told_how_to_keep_it_a_sub_heading(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Purpose", level=1)
    document.add_paragraph("This policy sets out what staff must do online.")
    document.add_heading("Contact with pupils", level=1)
    _line(document, "Current pupils", bold=True)  # a sub-heading in bold, not in the Heading 2 style
    document.add_paragraph("Staff must not accept friend requests from pupils.")
    document.save(str(tmp_path / "policy.docx"))
    (tmp_path / "policy.txt").write_text(f"{TITLE}\n\nPurpose\n\nThis policy sets out what staff must do "
                                         "online.\n\nContact with pupils\n\nCurrent pupils\n\nStaff must not accept "
                                         "friend requests from pupils.\n", encoding="utf-8")

    in_word = _imported_or_refused(tmp_path / "policy.docx", tmp_path, capsys)
    in_text = _imported_or_refused(tmp_path / "policy.txt", tmp_path, capsys)

    assert "'Current pupils'" in in_word and "if it is a sub-heading, give it the Heading 2 style" in in_word
    assert "if it is a sub-heading, number the two headings (3. over 3.1)" in in_text
    assert all("end it with a full stop if it is text" in said for said in (in_word, in_text))


# Clause numbers of lead-ins and sub-headings; sub-clauses inside sub-clauses


@pytest.mark.parametrize("numbered_by", ["typed", "word"])
def test_a_numbered_lead_in_and_a_numbered_sub_heading_are_found_by_their_number(numbered_by: str,
                                                                                 tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    number = _numbering(document, [("decimal", "%1."), ("decimal", "%1.%2"), ("decimal", "%1.%2.%3")], first=4)

    def clause(text: str, typed: str, level: int, style: str | None = None) -> None:
        if numbered_by == "typed":
            _line(document, f"{typed}\t{text}", bold=style is not None)
        else:
            _numbered(document.add_paragraph(text, style=style), number, level)

    clause("Personal use of social media", "4.", 0, "Heading 1")
    clause("General", "4.1", 1, "Heading 2")
    clause("Staff may use social media in their own time.", "4.1.1", 2)
    clause("Staff must not:", "4.1.2", 2)
    for item in BANNED:
        document.add_paragraph(item, style="List Bullet 2")
    clause("Staff should check their privacy settings every term.", "4.2", 1)
    clause("Contact with pupils", "5.", 0, "Heading 1")
    clause("Staff must not accept friend requests from pupils.", "5.1", 1)

    data = imported_docx(document, tmp_path)

    assert [p.get("clause") for s in data["sections"] for p in s["passages"]] == [
        "4.1.1", "4.1.2", "4.1.2", "4.2", "5.1"]
    index = _index(tmp_path)
    assert [p.text for p in index.answer("What does 4.1.2 say?").passages] == [
        f"Staff must not: {item}" for item in BANNED]
    assert [p.text for p in index.answer("What does 4.1 say?").passages] == [
        "Staff may use social media in their own time.", *(f"Staff must not: {item}" for item in BANNED)]


@pytest.mark.parametrize("numbered_by", ["typed", "word", "text file"])
def test_a_sub_clause_inside_a_sub_clause_goes_under_its_own_lead_in(numbered_by: str, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    number = _numbering(document, [("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "(%3)"),
                                   ("lowerRoman", "(%4)")], first=2)
    document.add_heading("Photographs", level=1)
    typed_lines = [TITLE, "", "Photographs", ""]
    for text, level, typed in (
            ("Before a photograph of a pupil is posted, the member of staff must:", 1, "2.1"),
            ("check the consent list;", 2, "(a)"),
            ("delete the photograph from the device, including:", 2, "(b)"),
            ("the camera roll;", 3, "(i)"), ("any cloud backup;", 3, "(ii)"),
            ("tell the office.", 2, "(c)"),
            ("Photographs taken on trips belong to the school.", 1, "2.2")):
        typed_lines.append(f"{typed}\t{text}")
        if numbered_by == "typed":
            document.add_paragraph(f"{typed}\t{text}")
        else:
            _numbered(document.add_paragraph(text), number, level)

    data = (imported_text(tmp_path, "\n".join(typed_lines) + "\n") if numbered_by == "text file"
            else imported_docx(document, tmp_path))

    must = "Before a photograph of a pupil is posted, the member of staff must:"
    assert [p["text"] for p in data["sections"][0]["passages"]] == [
        f"{must} check the consent list;",
        f"{must} delete the photograph from the device, including: the camera roll;",
        f"{must} delete the photograph from the device, including: any cloud backup;",
        f"{must} tell the office.",
        "Photographs taken on trips belong to the school."]
    assert [p.get("clause") for p in data["sections"][0]["passages"]] == ["2.1"] * 4 + ["2.2"]


# A grouping heading's words




# Details


def _with_sign_off(lines: tuple[str, ...]) -> Document:
    document = _typed_policy(
        ("Contact with pupils", "Staff must not accept friend requests from pupils.", False),
        ("Monitoring and review", "This policy will be reviewed every two years by the governing body.", False))
    for line in lines:
        document.add_paragraph(line)
    return document


@pytest.mark.parametrize("layout", ["word", "text"])
def test_a_sign_off_block_after_the_last_section_gives_the_details(layout: str, tmp_path: Path) -> None:
    sign_off = ("Approved by: Governing Body", "Date: 4 March 2025", "Review date: March 2027",
                "Signed: ____________________ (Chair of Governors)")
    data = imported_docx(_with_sign_off(sign_off), tmp_path) if layout == "word" else imported_text(
        tmp_path, f"{TITLE}\n\nContact with pupils\n\nStaff must not accept friend requests from pupils.\n\n"
                  "Monitoring and review\n\nThis policy will be reviewed every two years by the governing body.\n\n"
                  + "\n".join(sign_off) + "\n")

    expected = {"agreed_by": "Governing Body", "date_of_issue": "2025-03-04", "next_review": "March 2027"}
    assert details_of(data, *expected) == expected
    assert headed(data)[-1] == ("Monitoring and review",
                                ["This policy will be reviewed every two years by the governing body."])


def test_lines_at_the_end_that_are_not_all_details_stay_the_policys_text(tmp_path: Path) -> None:
    data = imported_docx(_with_sign_off(("Approved by: Governing Body",
                                         "Questions about this policy go to the headteacher.",
                                         "Review date: March 2027", "Signed: ____________________")), tmp_path)

    # the labelled line over the signature line keeps its value: a detail, not a form's label
    expected = {"agreed_by": None, "next_review": "March 2027"}
    assert details_of(data, *expected) == expected
    assert headed(data)[-1][1] == ["This policy will be reviewed every two years by the governing body.",
                                   "Approved by: Governing Body", "Questions about this policy go to the headteacher."]


@pytest.mark.parametrize("layout", ["word", "text"])
def test_an_author_named_with_an_initial_is_read_whole(layout: str, tmp_path: Path) -> None:
    about = ("This policy was written by the headteacher, Mrs C. Watkins, and approved by the Governing Body on 3 "
             "February 2025. It will next be reviewed in Spring 2027.")
    if layout == "word":
        document = docx.Document()
        document.add_paragraph(TITLE, style="Title")
        document.add_paragraph(about)
        document.add_heading("Contact with pupils", level=1)
        document.add_paragraph("Staff must not accept friend requests from pupils.")
        data = imported_docx(document, tmp_path)
    else:
        data = imported_text(tmp_path, f"{TITLE}\n\n{about}\n\nContact with pupils\n\nStaff must not accept friend "
                                       "requests from pupils.\n")

    expected = {"author": "the headteacher, Mrs C. Watkins", "agreed_by": "Governing Body",
                "next_review": "Spring 2027"}
    assert details_of(data, *expected) == expected


def test_details_only_in_the_first_pages_own_footer_are_read(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Contact with pupils", level=1)
    document.add_paragraph("Staff must not accept friend requests from pupils.")
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_footer.paragraphs[0].text = ("Version 2 | Approved by the Governing Body 6 February 2025 | "
                                                    "Next review February 2027")
    section.footer.paragraphs[0].text = TITLE

    data = imported_docx(document, tmp_path)

    expected = {"version": "2", "agreed_by": "Governing Body", "next_review": "February 2027"}
    assert details_of(data, *expected) == expected


def _pairs_table(document: Document, rows: list[tuple[str, str, str, str]]) -> None:
    """A details table in four columns, two label/value pairs a row, as a local authority's model policy has it."""
    table = document.add_table(rows=len(rows), cols=4)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


@pytest.mark.parametrize("where", ["on the cover", "at the end"])
def test_details_two_pairs_a_row_labelled_in_the_schools_own_words_are_details(where: str, tmp_path: Path) -> None:
    # Before, a row with a label the importer did not know word for word ("Policy owner (SLT)", "Signed on behalf of
    # the Governing Body", "Scope") was read as text: on the cover, its author and next review were lost and a
    # passage "Signed on behalf of the Governing Body; Mrs E. Price, …; Scope; …" quoted under the title; at the end,
    # "Policy written by; Mr G. Rees, …" was a passage under "Policy details".
    rows = [("Policy owner (SLT)", "Mr D. Hughes, Deputy Headteacher", "Responsible committee", "Staffing Committee"),
            ("Date ratified by the FGB", "14 March 2026", "Next review", "March 2028"),
            ("Version", "3.1", "Date of issue", "1 April 2026"),
            ("Signed on behalf of the Governing Body", "Mrs E. Price, Chair of Governors",
             "Scope", "Ysgol Maes y Dderwen and Oakfield Primary School")]
    document = docx.Document()
    document.add_paragraph("[INSERT SCHOOL LOGO]")
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("Ysgol Maes y Dderwen")
    if where == "on the cover":
        _pairs_table(document, rows)
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from current pupils.")
    document.add_heading("2. Contact with pupils", level=1)
    document.add_paragraph("2.1 All contact with pupils must be through school systems such as Hwb.")
    if where == "at the end":
        document.add_heading("Policy details", level=1)
        _pairs_table(document, rows)

    data = imported_docx(document, tmp_path)

    assert details_of(data, "author", "version", "date_of_issue", "next_review", "authorised_by") == {
        "author": "Mr D. Hughes, Deputy Headteacher", "version": "3.1", "date_of_issue": "2026-04-01",
        "next_review": "March 2028", "authorised_by": "Mrs E. Price, Chair of Governors"}
    assert [school["en"] for school in data["schools"]] == ["Ysgol Maes y Dderwen", "Oakfield Primary School"]
    assert headed(data) == [
        ("Personal use", ["Staff must not accept friend requests from current pupils."]),
        ("Contact with pupils", ["All contact with pupils must be through school systems such as Hwb."])]


@pytest.mark.parametrize("where", ["on the cover", "at the end"])
def test_a_first_column_naming_groups_of_details_is_no_part_of_their_values(where: str, tmp_path: Path) -> None:
    # A trust's document control table: a group's name in the first column ("Approval" merged over two rows,
    # "Author" and "Review" over one), each detail's label in the second. Before, a group of one row kept its
    # detail's label in the value: the author was "Policy owner, Mrs K. Shah, …" and the next review "Next review
    # date July 2028", and the schools were "Academies covered Oakfield Primary School; …".
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("Oakfield Learning Trust")

    def control_table() -> None:
        rows = [("Approval", "Approved by", "Trust Board"), ("", "Date approved", "10 July 2025"),
                ("Author", "Policy owner", "Mrs K. Shah, Trust Director of HR"), ("Version", "Version", "2.0"),
                ("Review", "Next review date", "July 2028"),
                ("Schools", "Academies covered", "Oakfield Primary School; Hill Top Junior School")]
        table = document.add_table(rows=len(rows), cols=3)
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        table.cell(0, 0).merge(table.cell(1, 0)).text = "Approval"

    if where == "on the cover":
        control_table()
    document.add_heading("1. Purpose", level=1)
    document.add_paragraph("1.1 This policy explains what the Trust expects of staff who use social media.")
    if where == "at the end":
        document.add_heading("Document control", level=1)
        control_table()

    data = imported_docx(document, tmp_path)

    assert details_of(data, "author", "agreed_by", "date_of_issue", "version", "next_review") == {
        "author": "Mrs K. Shah, Trust Director of HR", "agreed_by": "Trust Board", "date_of_issue": "2025-07-10",
        "version": "2.0", "next_review": "July 2028"}
    assert [school["en"] for school in data["schools"]] == ["Oakfield Primary School", "Hill Top Junior School"]
    assert passages(data) == ["This policy explains what the Trust expects of staff who use social media."]


@pytest.mark.parametrize("heading", ["Contents", "Table of Contents", "Cynnwys"])
def test_a_contents_heading_in_a_heading_style_over_words_table_of_contents_is_left_out(heading: str,
                                                                                         tmp_path: Path) -> None:
    # Before, "Table of Contents" typed in Heading 1 over Word's own table of contents (its entries in the "TOC 1"
    # style, which is no text) refused the document: "the section 'Table of Contents' … is empty".
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("St David's Church in Wales Primary School")
    document.add_paragraph(heading, style="Heading 1")
    entries = document.styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
    for n, entry in enumerate(("1. Introduction\t2", "2. Personal use\t3")):
        paragraph = document.add_paragraph(style=entries)
        if n == 0:
            for run in ('<w:fldChar w:fldCharType="begin"/>',
                        '<w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText>',
                        '<w:fldChar w:fldCharType="separate"/>'):
                paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{run}</w:r>'))
        paragraph.add_run(entry)
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    document.add_heading("1. Introduction", level=1)
    document.add_paragraph("1.1 This policy applies to all staff.")
    document.add_heading("2. Personal use", level=1)
    document.add_paragraph("2.1 Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert headed(data) == [("Introduction", ["This policy applies to all staff."]),
                            ("Personal use", ["Staff must not accept friend requests from pupils."])]
    assert data["federation"] == "St David's Church in Wales Primary School"


def test_a_details_table_with_a_governors_long_labels_names_the_right_author(tmp_path: Path) -> None:
    # A governors' template labels its rows in sentences. Before, "Name of the member of staff responsible for this
    # policy" (ten words) was no detail, and "Committee responsible for reviewing this policy" was read as the author
    # by its word "responsible": cards named the Staffing Committee as the policy's author.
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("Ysgol Gynradd Bryn Teg")
    rows = [("Name of the member of staff responsible for this policy", "Mr T. Williams, Deputy Headteacher"),
            ("Committee responsible for reviewing this policy", "Staffing Committee"),
            ("Date this policy was ratified by the Full Governing Body", "12 March 2026"),
            ("Version number", "4")]
    table = document.add_table(rows=len(rows), cols=2)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert details_of(data, "author", "date_of_issue", "version") == {
        "author": "Mr T. Williams, Deputy Headteacher", "date_of_issue": "2026-03-12", "version": "4"}
    assert passages(data) == ["Staff must not accept friend requests from pupils."]


@pytest.mark.parametrize("label", ["Date this policy will next be reviewed", "Date to be reviewed",
                                   "Policy due to be reviewed"])
def test_a_label_saying_when_it_will_be_reviewed_is_the_next_review(label: str, tmp_path: Path) -> None:
    # Before, its word "reviewed" made it the last review: a review in 2028 was shown as done, and the next review
    # was missing.
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    rows = [("Version", "4"), ("Date of issue", "1 April 2026"), (label, "Spring Term 2028")]
    table = document.add_table(rows=len(rows), cols=2)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert details_of(data, "next_review", "last_reviewed") == {"next_review": "Spring Term 2028",
                                                                "last_reviewed": None}


@pytest.mark.parametrize("layout", ["word", "text"])
def test_details_typed_as_lines_labelled_in_the_schools_own_words_are_details(layout: str, tmp_path: Path) -> None:
    # Before, "Policy owner (SLT): …" and "Date ratified by the FGB: …" typed under the title were no details: in
    # Word they were dropped, and in a text file they were run together into one passage under the title.
    lines = ["Policy owner (SLT): Mr R. Lloyd, Assistant Headteacher", "Date ratified by the FGB: 5 February 2026",
             "Responsible committee: Pupil Welfare Committee", "Version: 1.0", "Next review: February 2028"]
    rules = [("Introduction", "1.1 This policy applies to all staff."),
             ("Personal use", "2.1 Staff must not accept friend requests from pupils.")]
    if layout == "word":
        document = docx.Document()
        document.add_paragraph(TITLE, style="Title")
        document.add_paragraph("Ysgol Uwchradd Aberhonddu")
        for line in lines:
            document.add_paragraph(line)
        for n, (heading, rule) in enumerate(rules, start=1):
            document.add_heading(f"{n}. {heading}", level=1)
            document.add_paragraph(rule)
        data = imported_docx(document, tmp_path)
    else:
        data = imported_text(tmp_path, "\n".join([TITLE, "Ysgol Uwchradd Aberhonddu", *lines, "", *(
            f"{n}. {heading}\n{rule}\n" for n, (heading, rule) in enumerate(rules, start=1))]))

    assert details_of(data, "author", "date_of_issue", "version", "next_review", "federation") == {
        "author": "Mr R. Lloyd, Assistant Headteacher", "date_of_issue": "2026-02-05", "version": "1.0",
        "next_review": "February 2028", "federation": "Ysgol Uwchradd Aberhonddu"}
    assert headed(data) == [("Introduction", ["This policy applies to all staff."]),
                            ("Personal use", ["Staff must not accept friend requests from pupils."])]


@pytest.mark.parametrize("layout", ["word", "text"])
def test_signed_on_behalf_of_the_governing_body_at_the_end_is_who_authorised_it(layout: str, tmp_path: Path) -> None:
    # Before, the signature and its date were quoted to staff as the last two passages of "Monitoring and review",
    # and the file said nothing of who authorised the policy. The day it was signed stands in for the date of issue,
    # as a sign-off block's date does where no row gives one.
    sign_off = ("Signed on behalf of the Governing Body: Mr P. Evans, Chair of Governors", "Date: 20 January 2026")
    data = imported_docx(_with_sign_off(sign_off), tmp_path) if layout == "word" else imported_text(
        tmp_path, f"{TITLE}\n\nContact with pupils\n\nStaff must not accept friend requests from pupils.\n\n"
                  "Monitoring and review\n\nThis policy will be reviewed every two years by the governing body.\n\n"
                  + "\n".join(sign_off) + "\n")

    expected = {"authorised_by": "Mr P. Evans, Chair of Governors", "date_of_issue": "2026-01-20"}
    assert details_of(data, *expected) == expected
    assert headed(data)[-1] == ("Monitoring and review",
                                ["This policy will be reviewed every two years by the governing body."])


@pytest.mark.parametrize("placeholder", ["SCHOOL LOGO", "Insert school logo here", "<School logo>", "(insert logo)",
                                         "Logo'r ysgol"])
def test_a_logo_placeholder_without_square_brackets_is_not_the_schools_name(placeholder: str,
                                                                             tmp_path: Path) -> None:
    # Before, only "[SCHOOL LOGO]" was a placeholder: "SCHOOL LOGO" above the title was the organisation cards named.
    document = docx.Document()
    document.add_paragraph(placeholder)
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("St David's Church in Wales Primary School")
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert data["federation"] == "St David's Church in Wales Primary School"
    assert passages(data) == ["Staff must not accept friend requests from pupils."]


@pytest.mark.parametrize("newest", ["last", "first"])
def test_a_governors_review_schedule_gives_the_next_review_when_no_row_does(newest: str, tmp_path: Path) -> None:
    # Before, the schedule was left out whole, as a version history is, and the file had no next review: cards could
    # never say the review was overdue.
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("Oakfield Primary School")
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from pupils.")
    document.add_heading("Policy review schedule", level=1)
    reviews = [("June 2024", "Headteacher", "Full Governing Body", "June 2025"),
               ("June 2025", "Headteacher", "Full Governing Body", "June 2027")]
    rows = [("Date of review", "Reviewed by", "Approved by", "Next review due"),
            *(reviews if newest == "last" else reversed(reviews))]
    table = document.add_table(rows=len(rows), cols=4)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value

    data = imported_docx(document, tmp_path)

    assert data.get("next_review") == "June 2027"
    assert headed(data) == [("Personal use", ["Staff must not accept friend requests from pupils."])]


@pytest.mark.parametrize("footer", ["Staff Social Media Policy v2.0", "Staff Social Media Policy (v2.0)",
                                    "Staff Social Media Policy Version 2.0\tPage 1"])
def test_a_footer_naming_the_policy_with_its_version_gives_the_version(footer: str, tmp_path: Path) -> None:
    # Before, only a footer piece that began with "Version" gave it: "Staff Social Media Policy v2.0" gave none.
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Contact with pupils", level=1)
    document.add_paragraph("Staff must not accept friend requests from pupils.")
    document.sections[0].footer.paragraphs[0].text = footer

    data = imported_docx(document, tmp_path)

    assert data.get("version") == "2.0"
    assert passages(data) == ["Staff must not accept friend requests from pupils."]


@pytest.mark.parametrize("layout", ["markdown", "text with tabs"])
def test_details_two_pairs_a_row_in_a_text_file_are_each_a_detail(layout: str, tmp_path: Path) -> None:
    # Before, a row's second pair ran into its first value: the author "Mr D. Hughes, Deputy Headteacher Responsible
    # committee Staffing Committee", the agreed by "Full Governing Body Next review March 2028", and no date of issue.
    rows = [("Policy owner (SLT)", "Mr D. Hughes, Deputy Headteacher", "Responsible committee", "Staffing Committee"),
            ("Version", "3.1", "Date of issue", "1 April 2026"),
            ("Agreed by", "Full Governing Body", "Next review", "March 2028")]
    if layout == "markdown":
        table = "| | | | |\n|---|---|---|---|\n" + "".join(f"| {' | '.join(row)} |\n" for row in rows)
        text = (f"# {TITLE}\n\nYsgol Maes y Dderwen\n\n{table}\n## 1. Personal use\n\n"
                "1.1 Staff must not accept friend requests from current pupils.\n")
        data = imported_text(tmp_path, text, "policy.md")
    else:
        table = "".join("\t".join(row) + "\n" for row in rows)
        data = imported_text(tmp_path, f"{TITLE}\nYsgol Maes y Dderwen\n{table}\n1. Personal use\n1.1 Staff must not "
                                       "accept friend requests from current pupils.\n")

    assert details_of(data, "author", "version", "date_of_issue", "agreed_by", "next_review") == {
        "author": "Mr D. Hughes, Deputy Headteacher", "version": "3.1", "date_of_issue": "2026-04-01",
        "agreed_by": "Full Governing Body", "next_review": "March 2028"}
    assert passages(data) == ["Staff must not accept friend requests from current pupils."]


@pytest.mark.parametrize(("label", "body"), [("Date ratified by the FGB", "Full Governing Body"),
                                             ("Date approved by the Board of Trustees", "Board of Trustees"),
                                             ("Date this policy was ratified by the Full Governing Body",
                                              "Full Governing Body")])
def test_the_day_it_was_ratified_by_a_body_names_who_agreed_it(label: str, body: str, tmp_path: Path) -> None:
    # Before, the label's body was dropped with it: the file said nobody agreed the policy ("the details do not give
    # the agreed by"), though the row named who ratified it.
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    rows = [("Version", "4"), ("Date of issue", "1 April 2026"), (label, "12 March 2026")]
    table = document.add_table(rows=len(rows), cols=2)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert details_of(data, "agreed_by", "date_of_issue") == {"agreed_by": body, "date_of_issue": "2026-04-01"}


def test_details_in_a_page_header_laid_out_as_a_table_are_read(tmp_path: Path) -> None:
    # A template's header is often a table: the logo, the school and policy, the version. Before, only a table of
    # labels beside values ("Version | 3") was read there: this one gave no version, review or school.
    document = docx.Document()
    header = document.sections[0].header.add_table(rows=1, cols=3, width=Pt(450))
    for cell, text in zip(header.rows[0].cells, ["[School logo]", "Ysgol Glan Hafren – Staff Social Media Policy",
                                                 "Version 3.1\nNext review: Summer 2028"], strict=True):
        cell.text = text
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert details_of(data, "version", "next_review", "federation") == {
        "version": "3.1", "next_review": "Summer 2028", "federation": "Ysgol Glan Hafren"}
    assert passages(data) == ["Staff must not accept friend requests from pupils."]


def test_a_name_over_a_role_in_a_details_cell_is_read_as_name_and_role(tmp_path: Path) -> None:
    # Before, the two lines ran together: "Mr R. Lloyd Assistant Headteacher", as if that were a name.
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    rows = [("Policy owner", ("Mr R. Lloyd", "Assistant Headteacher")),
            ("Signed on behalf of the Governing Body", ("Mrs E. Price", "Chair of Governors")), ("Version", ("2",))]
    table = document.add_table(rows=len(rows), cols=2)
    for row, (label, lines) in zip(table.rows, rows, strict=True):
        row.cells[0].text = label
        row.cells[1].text = lines[0]
        for line in lines[1:]:
            row.cells[1].add_paragraph(line)
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert details_of(data, "author", "authorised_by") == {"author": "Mr R. Lloyd, Assistant Headteacher",
                                                           "authorised_by": "Mrs E. Price, Chair of Governors"}


@pytest.mark.parametrize(("issued", "review", "review_date"), [("14-Mar-2026", "Summer 2 2028", "2028-08-31"),
                                                               ("14 March 2026", "Mar-2028", "2028-03-31"),
                                                               ("14.03.2026", "Autumn Term 1 2027", "2027-12-31")])
def test_dates_written_as_a_spreadsheet_or_a_half_term_gives_them(issued: str, review: str, review_date: str,
                                                                  tmp_path: Path) -> None:
    # Before, "14-Mar-2026" (pasted from a spreadsheet) was "not a date" and nothing was imported; "Mar-2028" and
    # "Summer 2 2028" were due at the end of their year (31 December), months after the review fell due.
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    rows = [("Version", "4"), ("Date of issue", issued), ("Next review", review)]
    table = document.add_table(rows=len(rows), cols=2)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("1.1 Staff must not accept friend requests from pupils.")

    data = imported_docx(document, tmp_path)

    assert details_of(data, "date_of_issue", "next_review", "review_date") == {
        "date_of_issue": "2026-03-14", "next_review": review, "review_date": review_date}
