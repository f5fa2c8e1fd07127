"""`import-policy` on documents as staff type them and as Word saves them as text: lists lettered or marked by hand,
Do/Don't tables under headers of their own, details repeated in an old footer, headings numbered with a tab, dates
written the short way, forms, rules set as headings and sections renumbered between versions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from bot.domain.policy_versions import compare_policies
from bot.policy.details import review_deadline, welsh_terms
from bot.policy.importer import PolicyImportError, import_policy, section_id_for
from bot.policy.loader import policy_from_data, validate_policy_file
from tests.unit.test_policy_import import headed, imported_docx, imported_text, passages

TITLE = "Staff Social Media Policy"
ITEMS = ("accept friend requests from current pupils;", "post photographs of pupils on personal accounts;",
         "share their personal mobile number with parents.")
WITH_LEAD_IN = [f"Staff must not: {item}" for item in ITEMS]


def _word_list(marks: tuple[str, str, str], *, indented: bool = False) -> Document:
    """A policy whose list under "Staff must not:" is typed by hand, each item after its mark."""
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Personal use", level=1)
    document.add_paragraph("Staff must not:")
    for mark, item in zip(marks, ITEMS, strict=True):
        paragraph = document.add_paragraph(mark + item)
        if indented:
            paragraph.paragraph_format.left_indent = 457200
    document.add_heading("Breaches", level=1)
    document.add_paragraph("Breaches may lead to disciplinary action.")
    return document


# A list's lead-in, however its items are marked


@pytest.mark.parametrize("marks", [("a.\t", "b.\t", "c.\t"), ("A.\t", "B.\t", "C.\t"), ("i.\t", "ii.\t", "iii.\t"),
                                   ("a. ", "b. ", "c. "), ("o\t", "o\t", "o\t"), ("✓ ", "✓ ", "✓ "), ("", "", "")],
                         ids=["a.", "A.", "i.", "a. spaced", "o", "tick", "indented"])
def test_a_ban_typed_as_a_lettered_or_marked_list_in_word_is_never_quoted_as_an_instruction(
        marks: tuple[str, str, str], tmp_path: Path) -> None:
    data = imported_docx(_word_list(marks, indented=not any(marks)), tmp_path)

    assert headed(data)[0] == ("Personal use", WITH_LEAD_IN)


@pytest.mark.parametrize("mark", ["o", "Ø", "ü", "§", "a.", "i.", "A.", "✓", ""])
@pytest.mark.parametrize("blank_lines", [True, False])
def test_a_ban_in_words_save_as_plain_text_keeps_its_lead_in(mark: str, blank_lines: bool, tmp_path: Path) -> None:
    # Word's "Save as Plain Text" writes a bullet as its symbol font's letter and a tab ("o", "§", "Ø", "ü"); a
    # lettered list as "a.<TAB>"; an indented paragraph with no mark as a tab.
    sequence = {"a.": ("a.", "b.", "c."), "i.": ("i.", "ii.", "iii."), "A.": ("A.", "B.", "C.")}.get(mark, (mark,) * 3)
    gap = "\n" if blank_lines else ""
    items = gap.join(f"{m}\t{item}\n" for m, item in zip(sequence, ITEMS, strict=True))
    text = (f"{TITLE}\n\nVersion\t3.0\n\n1. Purpose\n\nThis policy explains how staff should use social media.\n\n"
            f"2. Personal use\n\nStaff must not:\n{gap}{items}\n3. Breaches\n\nBreaches may lead to disciplinary "
            "action.\n")

    data = imported_text(tmp_path, text)

    assert headed(data)[1] == ("Personal use", WITH_LEAD_IN)


def test_a_faq_answer_typed_after_a_tab_is_still_its_questions_answer(tmp_path: Path) -> None:
    data = imported_text(tmp_path, f"{TITLE}\n\nQuestions\n\nQ.\tCan I use WhatsApp with parents?\n"
                                   "A.\tNo. Use the school's app.\n")

    assert passages(data) == ["Q. Can I use WhatsApp with parents? A. No. Use the school's app."]


# Do/Don't tables under headers in the school's own words


def _rules_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Document:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Using social media safely", level=1)
    document.add_paragraph("The table below sets out what staff should and should not do.")
    table = document.add_table(rows=1, cols=len(header))
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        cell.text = name
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    return document


@pytest.mark.parametrize(("header", "forbidding"), [
    (("Staff should", "Staff should not"), "Staff should not"), (("You should", "You should not"), "You should not"),
    (("Acceptable use", "Unacceptable use"), "Unacceptable use"), (("Good practice", "Poor practice"), "Poor practice"),
    (("Do ✔", "Don't ✘"), "Don't"), (("✔ Staff should", "✘ Staff should not"), "Staff should not"),
    (("Gwnewch / Do", "Peidiwch / Don't"), "Don't"), (("Recommended", "Avoid"), "Avoid"),
    (("Safe practice", "Unsafe practice"), "Unsafe practice"), (("Appropriate", "Inappropriate"), "Inappropriate"),
])
def test_a_rule_under_a_header_that_forbids_it_is_never_quoted_as_an_instruction(
        header: tuple[str, str], forbidding: str, tmp_path: Path) -> None:
    data = imported_docx(_rules_table(header, [
        ("Decline friend requests from pupils.", "Accept friend requests from pupils or ex-pupils."),
        ("Use Schoolcomms to contact parents.", "Give parents your personal mobile number.")]), tmp_path)

    quoted = [text for text in passages(data) if "personal mobile number" in text]
    assert quoted == [f"{forbidding}: Give parents your personal mobile number."]
    assert f"{forbidding}: Accept friend requests from pupils or ex-pupils." in passages(data)


@pytest.mark.parametrize(("allow", "forbid"), [("✔", "✘"), ("✓", "✗"), ("✔", "❌")])
def test_a_table_of_ticked_and_crossed_rules_with_no_header_row_quotes_every_rule_its_way(
        allow: str, forbid: str, tmp_path: Path) -> None:
    # Each rule marked with a tick or a cross and no "Do | Don't" row above: the first row was taken for the column
    # names, so "Accept friend requests from pupils" was quoted as the name over the other crossed rules and never as
    # a rule of its own, and "Keep profiles private" sat under "Use Hwb for class groups".
    document = _rules_table((f"{allow} Use Hwb for class groups", f"{forbid} Accept friend requests from pupils"), [
        (f"{allow} Keep profiles private", f"{forbid} Post pictures of pupils"),
        (f"{allow} Report concerns to the DSL", f"{forbid} Reply to abusive posts")])

    data = imported_docx(document, tmp_path)

    assert passages(data)[1:] == [
        "Do: Use Hwb for class groups", "Do: Keep profiles private", "Do: Report concerns to the DSL",
        "Don't: Accept friend requests from pupils", "Don't: Post pictures of pupils", "Don't: Reply to abusive posts"]


def test_a_do_and_dont_table_with_a_column_of_areas_keeps_each_rows_area(tmp_path: Path) -> None:
    data = imported_docx(_rules_table(("Area", "Do", "Don't"), [
        ("Friend requests", "Ignore or decline requests from pupils.", "Accept friend requests from pupils."),
        ("Parents", "Use Schoolcomms to contact parents.", "Give parents your personal mobile number.")]), tmp_path)

    assert passages(data)[1:] == [
        "Friend requests – Do: Ignore or decline requests from pupils.",
        "Friend requests – Don't: Accept friend requests from pupils.",
        "Parents – Do: Use Schoolcomms to contact parents.",
        "Parents – Don't: Give parents your personal mobile number."]


def test_a_table_whose_headers_neither_allow_nor_forbid_is_read_as_before(tmp_path: Path) -> None:
    data = imported_docx(_rules_table(("Account", "Purpose"), [
        ("The school's Facebook page", "News and events for parents, posted by the office."),
        ("The PE department's X account", "Fixtures and results, posted by the head of PE.")]), tmp_path)

    assert not any(text.startswith(("Account", "Purpose")) for text in passages(data))


# A footer left over from the last version


@pytest.mark.parametrize(("footer", "key", "table_value", "footer_value"), [
    ("Version 2.0", "version", "3.0", "2.0"),
    ("Next review: Summer 2026", "next_review", "Spring Term 2027", "Summer 2026"),
    ("Author: J. Bloggs", "author", "Mrs S. Pritchard", "J. Bloggs"),
])
def test_an_out_of_date_footer_never_overrides_the_details_table(footer: str, key: str, table_value: str,
                                                                 footer_value: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    table = document.add_table(rows=3, cols=2)
    for row, values in zip(table.rows, [("Version", "3.0"), ("Author", "Mrs S. Pritchard"),
                                        ("Next review date", "Spring Term 2027")], strict=True):
        row.cells[0].text, row.cells[1].text = values
    document.add_heading("Personal use", level=1)
    document.add_paragraph("Keep your accounts private.")
    document.sections[0].footer.paragraphs[0].text = footer

    data = imported_docx(document, tmp_path)

    assert data[key] == table_value
    notes = [line for line in capsys.readouterr().err.splitlines() if footer_value in line]
    assert len(notes) == 1 and table_value in notes[0]


def test_a_footer_that_agrees_with_the_table_gives_no_note(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Version", "3"
    document.add_heading("Personal use", level=1)
    document.add_paragraph("Keep your accounts private.")
    document.sections[0].footer.paragraphs[0].text = "Version 3 | Next review: Summer 2027"

    data = imported_docx(document, tmp_path)

    assert (data["version"], data["next_review"]) == ("3", "Summer 2027")
    assert "footer" not in capsys.readouterr().err


# Headings numbered with a tab, as Word's "Save as Plain Text" writes them


def test_headings_numbered_with_a_tab_in_text_saved_from_word(tmp_path: Path) -> None:
    data = imported_text(tmp_path, f"{TITLE}\n\nVersion\t3.0\n\n1.\tPurpose\n\nThis policy explains how staff "
                                   "should use social media.\n\n2.\tPersonal use\n\nStaff must not accept friend "
                                   "requests from pupils.\n\n2.1.\tParents\n\nUse Schoolcomms to contact parents.\n")

    assert headed(data) == [("Purpose", ["This policy explains how staff should use social media."]),
                            ("Personal use", ["Staff must not accept friend requests from pupils."]),
                            ("Parents", ["Use Schoolcomms to contact parents."])]


def test_a_contents_list_over_tab_numbered_headings_is_left_out(tmp_path: Path) -> None:
    data = imported_text(tmp_path, f"{TITLE}\n\nVersion\t3.0\n\nContents\n1.\tPurpose.............\t2\n"
                                   "2.\tPersonal use.............\t3\n\n1.\tPurpose\n\nThis policy explains how staff "
                                   "should use social media.\n\n2.\tPersonal use\n\nStaff must not accept friend "
                                   "requests from pupils.\n")

    assert [heading for heading, _ in headed(data)] == ["Purpose", "Personal use"]


def test_a_numbered_list_of_short_items_under_a_lead_in_stays_a_list(tmp_path: Path) -> None:
    data = imported_text(tmp_path, f"{TITLE}\n\nPlatforms\n\nStaff may use these for school accounts:\n1.\tFacebook\n"
                                   "2.\tInstagram\n")

    assert passages(data) == ["Staff may use these for school accounts: Facebook",
                              "Staff may use these for school accounts: Instagram"]


def test_a_document_that_is_all_contents_says_so_in_words_a_school_can_act_on(tmp_path: Path) -> None:
    source = tmp_path / "contents.txt"
    source.write_text(f"{TITLE}\n\nContents\n\nThe policy is in the staff handbook, section 4.\n", encoding="utf-8")

    with pytest.raises(PolicyImportError) as raised:
        import_policy(source)

    assert "$" not in str(raised.value) and "contents" in str(raised.value).casefold()


# Dates as schools write them


@pytest.mark.parametrize(("written", "deadline"), [
    ("Aug 2026", date(2026, 8, 31)), ("Sept 2027", date(2027, 9, 30)), ("Feb 2027", date(2027, 2, 28)),
    ("Sep. 2027", date(2027, 9, 30)), ("2026-27 academic year", date(2027, 8, 31)),
    ("academic year 2026/2027", date(2027, 8, 31)), ("Gorff 2027", date(2027, 7, 31)),
    ("Medi 2027", date(2027, 9, 30)), ("March 14, 2027", date(2027, 3, 14)), ("14th Mar 2027", date(2027, 3, 14)),
])
def test_a_next_review_written_the_short_way_falls_due_when_it_says(written: str, deadline: date) -> None:
    assert review_deadline(written) == deadline


@pytest.mark.parametrize(("written", "first_day", "as_written"), [
    ("Sept 2025", "2025-09-01", "Sept 2025"), ("12th Feb 2025", "2025-02-12", None),
    ("March 14, 2025", "2025-03-14", None), ("3 Chwef 2025", "2025-02-03", None),
])
def test_a_date_of_issue_written_the_short_way_is_a_date(written: str, first_day: str, as_written: str | None,
                                                          tmp_path: Path) -> None:
    data = imported_text(tmp_path, f"{TITLE}\n\nDate of issue\t{written}\n\nPersonal use\n\nKeep your accounts "
                                   "private.\n")

    assert (data["date_of_issue"], data.get("issued_as")) == (first_day, as_written)


def test_a_short_month_is_shown_in_welsh_on_welsh_cards() -> None:
    assert welsh_terms().render("Sept 2027") == "Medi 2027"


# Forms in an appendix


FORM_LINES = ("Purpose of the account:", "………………………………", "I confirm that I have read the policy and will follow it.",
              "Approved by headteacher:  Yes / No", "Child’s name: ……………………", "Class: ………………",
              "Parent/carer signature: ……………………… Date: ………………", "Date: ..../..../........",
              "Signature: - - - - - - - - -", "Year group (please circle): R 1 2 3 4 5 6", "Telephone number:",
              "Relationship to child:", "Please return this form to the school office by Friday.")
FORM_PASSAGES = ["I confirm that I have read the policy and will follow it.",
                 "Please return this form to the school office by Friday."]


def test_a_consent_forms_lines_are_not_quoted_as_rules_in_word(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Personal use", level=1)
    document.add_paragraph("Keep your accounts private.")
    document.add_heading("Appendix A: Consent form", level=1)
    for line in FORM_LINES:
        document.add_paragraph(line)

    data = imported_docx(document, tmp_path)

    assert headed(data)[1] == ("Appendix A: Consent form", FORM_PASSAGES)


def test_a_consent_forms_lines_are_not_quoted_as_rules_in_text(tmp_path: Path) -> None:
    form = "\n\n".join(FORM_LINES)
    data = imported_text(tmp_path, f"{TITLE}\n\nPersonal use\n\nKeep your accounts private.\n\nAppendix A: Consent form"
                                   f"\n\n{form}\n")

    assert headed(data)[1] == ("Appendix A: Consent form", FORM_PASSAGES)


# Rules emphasised as headings


def test_a_bold_rule_on_its_own_line_beside_heading_styles_stays_a_rule(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Personal use", level=1)
    document.add_paragraph("Staff may use social media in their own time.")
    document.add_paragraph().add_run("Never accept a friend request from a pupil").bold = True
    document.add_paragraph("This includes pupils who have left the school in the last five years.")
    document.add_paragraph().add_run("Do not share your school login with anyone").bold = True
    document.add_paragraph("Passwords are personal to you.")
    document.add_paragraph().add_run("Privacy settings").bold = True
    document.add_paragraph("Check your settings each September.")

    data = imported_docx(document, tmp_path)

    assert headed(data) == [
        ("Personal use", ["Staff may use social media in their own time.", "Never accept a friend request from a pupil",
                          "This includes pupils who have left the school in the last five years.",
                          "Do not share your school login with anyone", "Passwords are personal to you."]),
        ("Privacy settings", ["Check your settings each September."])]


@pytest.mark.parametrize("rule", ["Staff must never accept friend requests from pupils or former pupils under 18.",
                                  "Never accept friend requests from pupils"])
def test_a_rule_set_in_a_heading_style_stays_text_under_the_heading_before_it(rule: str, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("1. Personal use", level=1)
    document.add_paragraph("Staff may use social media in their own time.")
    document.add_heading(rule, level=3)
    document.add_paragraph("If a pupil sends you a request, decline it and tell the DSP.")
    document.add_heading("2. What staff must do if they are targeted", level=1)
    document.add_paragraph("Tell your line manager.")

    data = imported_docx(document, tmp_path)

    assert headed(data) == [
        ("Personal use", ["Staff may use social media in their own time.", rule,
                          "If a pupil sends you a request, decline it and tell the DSP."]),
        ("What staff must do if they are targeted", ["Tell your line manager."])]


# Section ids across a renumbering


RENUMBERED = [("Section 5: School accounts", "Section 6: School accounts"),
              ("Section 5 - Photographs", "Section 7 - Photographs"),
              ("Appendix 1: Consent form", "Appendix 2: Consent form"), ("Part B – Reporting", "Part C – Reporting"),
              ("IV. Monitoring", "V. Monitoring"), ("C. Definitions", "D. Definitions"),
              ("3a) Contact with parents", "4a) Contact with parents"), ("(3) Breaches", "(4) Breaches"),
              ("Step 2: Report it", "Step 3: Report it")]


def _renumbered(n: int) -> Document:
    """A Word policy with RENUMBERED's headings as version `n` (0 or 1) numbers them, each over a rule of its own."""
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    for i, pair in enumerate(RENUMBERED):
        document.add_heading(pair[n], level=1)
        document.add_paragraph(f"Rule {i} applies to all staff.")
    return document


def test_a_sections_id_stays_the_same_when_the_document_is_renumbered(tmp_path: Path) -> None:
    first = imported_docx(_renumbered(0), tmp_path, "first.docx")["sections"]
    second = imported_docx(_renumbered(1), tmp_path, "second.docx")["sections"]

    assert [s["id"] for s in first] == [s["id"] for s in second] == [
        "school-accounts", "photographs", "appendix-consent-form", "reporting", "monitoring", "definitions",
        "contact-parents", "breaches", "report-it"]


def test_a_section_renumbered_or_relettered_is_not_shown_to_staff_as_renamed(tmp_path: Path) -> None:
    first = policy_from_data(imported_docx(_renumbered(0), tmp_path, "first.docx"))
    second = policy_from_data(imported_docx(_renumbered(1), tmp_path, "second.docx"))

    changes = compare_policies(first, second)

    assert changes.sections == ()


def test_words_that_look_like_numbering_are_kept_in_an_id() -> None:
    assert [section_id_for(heading) for heading in ("Key Stage 2 pupils", "A guide for new staff",
                                                    "Appendix: Frequently asked questions", "Part-time staff")] == [
        "key-stage-2-pupils", "guide-new-staff", "appendix-frequently-asked-questions", "part-time-staff"]


# Smaller things a school met


def test_an_empty_closing_heading_is_named_without_a_next_heading(tmp_path: Path) -> None:
    source = tmp_path / "policy.txt"
    source.write_text(f"{TITLE}\n\nPersonal use\n\nKeep your accounts private.\n\nAppendices\n", encoding="utf-8")

    with pytest.raises(PolicyImportError) as raised:
        import_policy(source)

    message = str(raised.value)
    assert "'Appendices'" in message and "next heading" not in message and "\n" not in message


def test_validating_or_asking_from_a_word_document_points_to_import_policy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "policy.docx"
    _word_list(("", "", "")).save(str(source))

    problems = validate_policy_file(source)

    assert len(problems) == 1 and "import-policy" in problems[0] and "UTF-8" not in problems[0]


def test_hidden_text_is_not_quoted_and_a_non_breaking_hyphen_is_kept(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Training", level=1)
    paragraph = document.add_paragraph("Staff must complete the e")
    paragraph.add_run()._r.append(parse_xml(f"<w:noBreakHyphen {nsdecls('w')}/>"))
    paragraph.add_run("safety training every year.")
    hidden = document.add_paragraph().add_run("NOTE TO SELF: check this with the LA.")
    hidden.font.hidden = True
    document.add_paragraph("Ask the office if you missed it.").add_run(" (Draft: ask Gareth.)").font.hidden = True

    data = imported_docx(document, tmp_path)

    assert passages(data) == ["Staff must complete the e-safety training every year.",
                              "Ask the office if you missed it."]


def test_a_contents_line_under_the_title_is_not_the_organisation(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("Contents")
    document.add_paragraph("1\tPersonal use\t2")
    document.add_heading("Personal use", level=1)
    document.add_paragraph("Keep your accounts private.")

    data = imported_docx(document, tmp_path)

    assert "federation" not in data
