"""`import-policy` on documents as local authorities and schools write them: numbered clauses (typed, or numbered by
Word), footnotes, FAQs, details in both languages, and a policy in English and Welsh; and asking for a clause by its
number."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from bot.policy.document_lines import is_clutter
from bot.policy.importer import PolicyImportError, import_policy, split_passages
from bot.policy.loader import load_policy
from bot.policy.model import Policy, quotes
from bot.policy.retrieval import PolicyIndex, read_after_the_one_before
from tests.unit.test_policy_import import headed, imported_docx, imported_text, noted, passages

_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _with_footnote(document: docx.document.Document, paragraph_text: str, note: str) -> None:
    """A paragraph whose last word points to a real Word footnote (a footnotes part, as Word writes it)."""
    part = XmlPart(PackURI("/word/footnotes.xml"), _FOOTNOTES, parse_xml(
        f'<w:footnotes {nsdecls("w")}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {note}'
        "</w:t></w:r></w:p></w:footnote></w:footnotes>"), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    paragraph = document.add_paragraph(paragraph_text)
    paragraph.add_run()._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="1"/>'))


def _loaded(tmp_path: Path, text: str) -> Policy:
    """The policy the bot reads from a text document imported with `import-policy`."""
    out = tmp_path / "loaded.json"
    out.write_text(json.dumps(imported_text(tmp_path, text)), encoding="utf-8")
    return load_policy(out)


def test_a_footnote_is_a_passage_under_the_paragraph_that_points_to_it(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Scope", level=1)
    _with_footnote(document, "This policy applies to all staff.", "Supply staff are covered from their first day.")
    document.add_paragraph("It covers every social media site.")
    source = tmp_path / "footnote.docx"
    document.save(str(source))

    result = import_policy(source)

    assert [p["text"] for s in result.data["sections"] for p in s["passages"]] == [
        "This policy applies to all staff.", "Supply staff are covered from their first day.",
        "It covers every social media site."]
    assert any(w.startswith("1 footnote(s) read") for w in noted(result.warnings))


def test_a_sentence_with_a_menu_path_is_text_and_a_breadcrumb_trail_is_not(tmp_path: Path) -> None:
    data = imported_text(tmp_path, "Staff Social Media Policy\n\nHome > Policies > Staff > Social media\n\nPrivacy\n"
                         "Go to Settings > Privacy > Audience and set your posts to Friends.\n")

    assert passages(data) == ["Go to Settings > Privacy > Audience and set your posts to Friends."]


def test_a_clause_after_a_numbered_sub_heading_goes_back_to_its_section(tmp_path: Path) -> None:
    data = imported_text(tmp_path, "Staff Social Media Policy\n\n8. Personal accounts\n8.1 Staff must keep accounts "
                         "private.\n"
                         "8.2 Images of learners\n8.2.1 Staff must not post photographs of learners.\n"
                         "8.3 Staff must not discuss complaints online.\n\n9. Gifts\n9.1 Staff may accept small "
                         "gifts.\n")

    assert headed(data) == [
        ("Personal accounts", ["Staff must keep accounts private.", "Staff must not discuss complaints online."]),
        ("Images of learners", ["Staff must not post photographs of learners."]),
        ("Gifts", ["Staff may accept small gifts."])]
    assert [p.get("clause") for s in data["sections"] for p in s["passages"]] == ["8.1", "8.3", "8.2.1", "9.1"]


def test_word_numbering_gives_each_clause_its_number_and_a_typed_number_heading_is_a_heading(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="7"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>'
        "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="9"><w:abstractNumId w:val="7"/></w:num>'))

    def numbered(text: str, level: int, style: str | None = None) -> None:
        paragraph = document.add_paragraph(text, style=style)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="9"/></w:numPr>'))

    numbered("Purpose", 0, "Heading 1")
    numbered("This policy applies to all staff.", 1)
    numbered("Contact with pupils", 0, "Heading 1")
    numbered("Staff must not accept friend requests from pupils.", 1)
    numbered("Staff must use Hwb to contact pupils about work.", 1)
    numbered("a lettered item has no clause number of its own.", 2)
    document.add_heading("Parents", level=1)
    document.add_paragraph("3.1 Parents and carers")
    document.add_paragraph("3.1.1 Staff should not discuss pupils with parents online.")

    data = imported_docx(document, tmp_path)

    assert [(p["text"][:26], p.get("clause")) for s in data["sections"] for p in s["passages"]] == [
        ("This policy applies to all", "1.1"), ("Staff must not accept frie", "2.1"),
        ("Staff must use Hwb to cont", "2.2"), ("a lettered item has no cla", None),
        ("Staff should not discuss p", "3.1.1")]
    assert [s["heading_en"] for s in data["sections"]] == ["Purpose", "Contact with pupils", "Parents and carers"]


def test_a_question_that_cites_a_clause_is_answered_with_it(tmp_path: Path) -> None:
    index = PolicyIndex(_loaded(tmp_path, "Staff Social Media Policy\n\n4. School accounts\n4.1 Only the office posts "
                                "on the school's accounts.\n4.2 No member of staff may set up a class account without "
                                "the headteacher's written approval. Requests are made on the form at Appendix B.\n\n"
                                "5. Pupils\n5.1 Staff must not accept friend requests from pupils (see 4.2).\n"))

    cited = index.answer("What does paragraph 4.2 say?")
    welsh = index.answer("Beth mae 4.2 yn ei ddweud?")
    version = index.answer("Is version 4.2 the latest?")

    assert [p.text for p in cited.passages] == [
        "No member of staff may set up a class account without the headteacher's written approval.",
        "Requests are made on the form at Appendix B."]
    assert quotes(cited.passages, "en")[0].startswith("4.2 No member of staff") and cited.section is not None
    assert [p.clause for p in welsh.passages] == ["4.2", "4.2"] and welsh.language == "cy"
    assert all(p.clause != "4.2" for p in version.passages)


@pytest.mark.parametrize("layout", ["heading styles", "bold lines", "text"])
def test_a_question_citing_a_numbered_sub_heading_is_answered_with_the_text_under_it(layout: str,
                                                                                      tmp_path: Path) -> None:
    # "2.1 Photographs" over paragraphs with no numbers of their own: the heading's number was dropped, so "What
    # does 2.1 say?" (as the policy's own "see 2.1" sends staff) was not covered.
    headings = [("1. Purpose", 1, "This policy explains how staff use social media."),
                ("2. Personal use", 1, "Staff must keep their accounts private."),
                ("2.1 Photographs", 2, "Staff must not post photographs of pupils. Ask the office first (see 2.2)."),
                ("2.2 Contact with parents", 2, "Staff must not give parents their personal number.")]
    if layout == "text":
        source = tmp_path / "numbered.txt"
        source.write_text("Staff Social Media Policy\n\n" + "".join(f"{heading}\n\n{text}\n\n"
                                                                    for heading, _, text in headings),
                          encoding="utf-8")
    else:
        document = docx.Document()
        document.add_paragraph("Staff Social Media Policy", style="Title")
        for heading, level, text in headings:
            if layout == "heading styles":
                document.add_heading(heading, level=level)
            else:
                document.add_paragraph().add_run(heading).bold = True
            document.add_paragraph(text)
        source = tmp_path / "numbered.docx"
        document.save(str(source))
    out = tmp_path / "numbered.json"
    out.write_text(json.dumps(import_policy(source).data), encoding="utf-8")
    index = PolicyIndex(load_policy(out))

    cited = index.answer("What does 2.1 say?")

    assert [p.text for p in cited.passages] == ["Staff must not post photographs of pupils.",
                                                "Ask the office first (see 2.2)."]
    assert quotes(cited.passages, "en")[0] == "2.1 Staff must not post photographs of pupils."
    assert [p.text for p in index.answer("Beth mae 2.2 yn ei ddweud?").passages] == [
        "Staff must not give parents their personal number."]
    assert not any(p.clause for p in index.policy.all_passages()[:2])  # "1." and "2." number no clause


def test_a_faq_question_and_its_answer_in_one_paragraph_are_quoted_together() -> None:
    assert split_passages("Q. My sister's children attend the school. Can I still be friends with her? A. Yes. Do "
                          "not discuss school matters. Keep it private.") == [
        "Q. My sister's children attend the school. Can I still be friends with her? A. Yes. Do not discuss school "
        "matters.", "Keep it private."]


def test_the_date_of_issue_wins_over_the_date_approved(tmp_path: Path) -> None:
    data = imported_text(tmp_path, "Staff Social Media Policy\nIssued\t1 September 2023\nDate approved\t27 September "
                         "2023\n\nScope\nThis policy applies to all staff.\n")
    approved_only = imported_text(tmp_path, "Staff Social Media Policy\nDate approved\t27 September 2023\n\nScope\n"
                                  "This policy applies to all staff.\n", "approved.txt")

    assert (data["date_of_issue"], approved_only["date_of_issue"]) == ("2023-09-01", "2023-09-27")


def test_a_damaged_word_file_gets_one_line(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    source = tmp_path / "damaged.docx"
    document.save(str(source))
    raw = bytearray(source.read_bytes())
    start = raw.index(b"word/document.xml") + 40  # inside the compressed document part
    raw[start:start + 60] = bytes(60)
    source.write_bytes(bytes(raw))

    try:
        import_policy(source)
    except PolicyImportError as error:
        assert str(error).startswith("damaged.docx: not a Word document that can be read")
    else:
        raise AssertionError("a damaged file was imported")


def test_text_inside_content_controls_is_read_and_a_table_of_contents_control_is_not(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    body = document.element.body
    for control in (
            '<w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>'
            "<w:sdtContent><w:p><w:r><w:t>Personal use 2</w:t></w:r></w:p></w:sdtContent>",
            '<w:sdtPr><w:alias w:val="Policy details"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Version 3.0</w:t>'
            '</w:r></w:p><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Personal use</w:t></w:r></w:p>'
            "<w:p><w:r><w:t>Staff must keep their accounts private.</w:t></w:r></w:p></w:sdtContent>"):
        body.insert(len(body) - 1, parse_xml(f'<w:sdt {nsdecls("w")}>{control}</w:sdt>'))
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0]._tc.append(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>Staff must not post photographs of pupils.</w:t></w:r>'
        "</w:p></w:sdtContent></w:sdt>"))

    data = imported_docx(document, tmp_path)

    assert data["version"] == "3.0"
    assert headed(data) == [("Personal use", ["Staff must keep their accounts private.",
                                              "Staff must not post photographs of pupils."])]


def test_an_answer_quotes_its_short_paragraph_whole(tmp_path: Path) -> None:
    policy = _loaded(tmp_path, "Staff Social Media Policy\n\nAbuse online\nIf a parent posts abuse about you, do not "
                     "respond. Take screenshots and report it to your line manager the same day.\n\nLong rules\nStaff "
                     "must be kind online. Staff must be fair online. Staff must be honest online. Staff must be "
                     "careful online.\n")
    respond, report, *rest = policy.all_passages()

    assert [p.continues for p in policy.all_passages()] == [False, True, False, True, True, True]
    assert policy.in_context([respond]) == policy.in_context([report, respond]) == (respond, report)
    assert policy.in_context([rest[1]]) == (rest[1],)  # four sentences: only the one that answers


def test_only_a_sentence_that_continues_a_short_paragraph_is_read_after_the_one_before(tmp_path: Path) -> None:
    policy = _loaded(tmp_path, "Staff Social Media Policy\n\nAbuse online\nIf a parent posts abuse about you, do not "
                     "respond. Take screenshots and report it the same day.\n\nLong rules\nStaff must be kind online. "
                     "Staff must be fair online. Staff must be honest online. Staff must be careful online.\n")
    passages = policy.all_passages()
    headings = [policy.section_of(p.id).heading_en for p in passages]

    assert read_after_the_one_before(policy, passages, headings) == [
        "", "Abuse online. If a parent posts abuse about you, do not respond. Take screenshots and report it the same "
        "day.", "", "", "", ""]  # a paragraph of four sentences is not quoted whole: its sentences stand alone


def test_a_two_column_pdf_text_is_read_a_column_at_a_time_without_its_running_lines(tmp_path: Path) -> None:
    left = ["1. Introduction", "Social media is part of how our pupils and", "staff communicate every day.", "",
            "2. Principles", "Staff hold a position of trust and must act", "online as they would in class."]
    right = ["3. Personal accounts", "Staff must not accept contact from pupils", "on personal social media.", "",
             "3.2 Staff who are parents may join parent", "groups but must not answer school", "questions there."]
    page = [f"    {a:<46}{b}" for a, b in zip(left, right, strict=True)]
    text = "\n".join(["Ysgol Cwm Rhiw                         Staff Social Media Policy v5", "", "Staff Social Media "
                      "Policy", "", "        Version          5.2", "        Next review      February 2027", "",
                      *page, *page[:3], "", "Uncontrolled when printed                        Page 1 of 2",
                      "\fYsgol Cwm Rhiw                         Staff Social Media Policy v5", "",
                      "    4. Breaches", "    Breaches will be investigated.", "",
                      "Uncontrolled when printed                        Page 2 of 2", ""])

    result = import_policy(_written(tmp_path, "columns.txt", text))

    sections = {s["heading_en"]: [p["text"] for p in s["passages"]] for s in result.data["sections"]}
    assert sections["Introduction"][0] == "Social media is part of how our pupils and staff communicate every day."
    assert sections["Personal accounts"][0] == "Staff must not accept contact from pupils on personal social media."
    assert (result.data["title_en"], result.data["version"], result.data["next_review"]) == (
        "Staff Social Media Policy", "5.2", "February 2027")
    assert any("set in two columns" in w for w in noted(result.warnings))


def test_a_web_page_pasted_into_word_keeps_its_policy_and_drops_its_furniture(tmp_path: Path) -> None:
    document = docx.Document()
    for text in ("We use cookies to make this website work. Accept all cookies", "Home  About us  Parents  Contact",
                 "Staff Social Media Policy", "Back to top ↑", "Share this page: Facebook X Email",
                 "© 2024 Heol Fawr Primary School.", "Heol Fawr, Llanfair SY00 0AA Tel: 01234 567890"):
        document.add_paragraph(text)
    document.paragraphs[2].runs[0].bold = True
    details = document.add_paragraph("Version: 1.4")
    details.add_run().add_break()
    details.add_run("Next review: September 2026")
    for heading, text in (("Who this policy is for", "It is for everyone who works at the school."),
                          ("Your own accounts", "Keep your accounts private.")):
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(text)
        document.add_paragraph("Back to top ↑")

    data = imported_docx(document, tmp_path)

    assert headed(data) == [("Who this policy is for", ["It is for everyone who works at the school."]),
                            ("Your own accounts", ["Keep your accounts private."])]
    assert (data["version"], data["next_review"]) == ("1.4", "September 2026")
    # a policy's own sentence about the website is no furniture
    assert not is_clutter("Newsletters and term dates are published on the website by the office.")
    assert not is_clutter("Download this policy from the staff drive before your induction.")


def _written(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_details_from_a_footer_with_dots_and_a_template_s_details_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.sections[0].footer.paragraphs[0].text = "Version 4.0 · Review date: Summer Term 2027 · Page 1"
    table = document.add_table(rows=4, cols=2)
    for row, (label, value) in zip(table.rows, (
            ("Policy title", "Staff Social Media Policy"), ("Applies to", "All staff, volunteers and governors"),
            ("Date of ratification", "Click or tap to enter a date."), ("School", "Cwm Tawel Primary School")),
            strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_heading("Scope", level=1)
    document.add_paragraph("This policy applies to all staff.")

    data = imported_docx(document, tmp_path)

    assert {key: data.get(key) for key in ("version", "next_review", "date_of_issue", "schools")} == {
        "version": "4.0", "next_review": "Summer Term 2027", "date_of_issue": None,
        "schools": [{"en": "Cwm Tawel Primary School"}]}
    assert passages(data) == ["This policy applies to all staff."]


def test_a_web_page_saved_as_text_loses_its_share_buttons_and_address(tmp_path: Path) -> None:
    data = imported_text(tmp_path, "Staff Social Media Policy\n\nPersonal accounts\nKeep your accounts private.\n\n"
                         "Share this page\nFacebook\nX\nEmail\nAshcombe Vale School, Ridgeway Lane, Bristol BS14 9XX\n"
                         "\u00a9 2024 Ashcombe Vale School. All rights reserved.\n")

    assert headed(data) == [("Personal accounts", ["Keep your accounts private."])]
