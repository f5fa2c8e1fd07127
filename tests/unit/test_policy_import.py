"""`import-policy`: the school's own document (.txt or .docx) becomes a policy file the bot reads, or one line
says why it cannot, and nothing is written."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml import parse_xml

from bot.domain.people import Lang
from bot.import_policy_command import import_policy_command
from bot.policy.details import Detail
from bot.policy.importer import PolicyImportError, import_policy, section_id_for, split_passages
from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy, validate_policy_file
from bot.policy.notes import Note
from cards.i18n import load_catalogue, note_text
from tests.support.policies import typed_into_word

REPO = Path(__file__).resolve().parents[2]
SHIPPED_TEXT = REPO / "bot/policy/data/social-media-policy-2022.txt"


def write(folder: Path, name: str, text: str) -> Path:
    """A document in a folder."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def noted(notes: Iterable[Note]) -> list[str]:
    """The importer's or the policy check's notes as an English reader is given them."""
    strings = load_catalogue()
    return [note_text(strings, note, Lang.EN) for note in notes]


def passages(data: dict[str, Any]) -> list[str]:
    """Every passage's text in document order."""
    return [p["text"] for s in data["sections"] for p in s["passages"]]


def imported_docx(document: Document, tmp_path: Path, name: str = "policy.docx") -> dict[str, Any]:
    """Save a Word document built in a test and import it (see `imported`)."""
    source = tmp_path / name
    document.save(str(source))
    return imported(source, tmp_path)


def headed(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each section's heading with its passages' texts."""
    return [(s["heading_en"], [p["text"] for p in s["passages"]]) for s in data["sections"]]


def details_of(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The imported file's values of these details (None for one it does not give)."""
    return {key: data.get(key) for key in keys}


def imported(source: Path, tmp_path: Path) -> dict[str, Any]:
    """Import through the command, check the written file is a valid policy file, and return its content."""
    out = tmp_path / "imported.json"
    assert import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)]) == 0
    assert validate_policy_file(out) == []
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def imported_text(tmp_path: Path, text: str, name: str = "policy.txt") -> dict[str, Any]:
    """Import a text file (or a Markdown page, "x.md") with this content (see `imported`)."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return imported(source, tmp_path)


# The school's 2022 document


def test_the_2022_text_gives_the_shipped_files_passages(tmp_path: Path) -> None:
    shipped = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))

    data = imported(SHIPPED_TEXT, tmp_path)

    assert passages(data) == passages(shipped)
    assert [s["heading_en"] for s in data["sections"]] == [s["heading_en"] for s in shipped["sections"]]


def test_the_2022_details_steps_and_welsh_headings(tmp_path: Path) -> None:
    shipped = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))

    data = imported(SHIPPED_TEXT, tmp_path)

    assert {k: v for k, v in data.items() if k not in ("sections", "document")} == {
        "title_en": "Social Media Policy for Staff",
        "federation": "Ffederasiwn Ysgolion Llanidloes Schools Federation",
        "status": "Version 1", "version": "1", "author": "Daniel Owen / Elen Chennetier",
        "date_of_issue": "2022-10-12", "agreed_by": "Governing Body", "next_review": "Autumn 2024",
        "review_date": "2024-12-31", "authorised_by": "Chair of Governing Body", "authorised_on": "2022-10-12",
        "schools": [{"en": "Llanidloes High School"},
                    {"en": "Llanidloes Primary School", "cy": "Ysgol Gynradd Llanidloes"}],
    }
    assert data["document"]["file"] == "social-media-policy-2022.txt" and len(data["document"]["sha256"]) == 64
    assert [s.get("heading_cy") for s in data["sections"]] == [s["heading_cy"] for s in shipped["sections"]]
    steps = [p.get("next_steps") for s in data["sections"] for p in s["passages"]]
    assert steps == [p.get("next_steps") for s in shipped["sections"] for p in s["passages"]]
    assert not any("asked_as" in p for s in data["sections"] for p in s["passages"]) and "not_covered" not in data


@pytest.mark.parametrize("width", [0, 45, 60, 72, 100])
def test_the_2022_text_broken_at_a_width_or_without_blank_lines_gives_the_same_passages(width: int,
                                                                                         tmp_path: Path) -> None:
    lines = SHIPPED_TEXT.read_text(encoding="utf-8").splitlines()
    if width:  # as copied from a PDF: every long line broken, bullets continued indented, "on-" + "line" split
        text = "\n".join("\n  ".join(textwrap.wrap(line, width)) if line.startswith("- ") else
                         "\n".join(textwrap.wrap(line, width)) if "\t" not in line and len(line) > width else line
                         for line in lines)
    else:  # no blank lines at all
        text = "\n".join(line for line in lines if line.strip())
    shipped = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))

    data = import_policy(write(tmp_path, "broken.txt", text)).data

    assert passages(data) == passages(shipped)
    assert [s["heading_en"] for s in data["sections"]] == [s["heading_en"] for s in shipped["sections"]]
    assert (data["agreed_by"], data["next_review"]) == ("Governing Body", "Autumn 2024")


def test_the_loaded_import_carries_its_details_in_both_languages(tmp_path: Path) -> None:
    out = tmp_path / "policy.json"
    import_policy_command([str(SHIPPED_TEXT), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)])

    details = load_policy(out).details

    assert details.title == Detail("Social Media Policy for Staff", "Polisi Cyfryngau Cymdeithasol i Staff")
    assert details.author == Detail("Daniel Owen / Elen Chennetier", "Daniel Owen / Elen Chennetier")
    assert details.agreed_by == Detail("Governing Body", "Y Corff Llywodraethu")
    assert details.authorised_by == Detail("Chair of Governing Body", "Cadeirydd y Corff Llywodraethu")
    assert details.next_review == Detail("Autumn 2024", "Tymor yr Hydref 2024")
    assert details.issued() == Detail("12.10.2022", "12 Hydref 2022")
    assert details.citation == Detail("Social Media Policy for Staff, Version 1, 12.10.2022",
                                      "Polisi Cyfryngau Cymdeithasol i Staff, Fersiwn 1, 12 Hydref 2022")
    assert [s.cy for s in details.schools] == ["Ysgol Uwchradd Llanidloes", "Ysgol Gynradd Llanidloes"]


def test_a_heading_in_capitals_or_numbered_keeps_the_current_versions_welsh(tmp_path: Path) -> None:
    source = tmp_path / "revised.txt"
    source.write_text("Social Media Policy for Staff\n\nLEGISLATION\n\nThe law applies online.\n\n"
                      "4. Using social networking for personal use\n\nKeep your accounts private.\n", encoding="utf-8")

    result = import_policy(source, current=load_policy(DEFAULT_POLICY_FILE))

    assert [s.get("heading_cy") for s in result.data["sections"]] == [
        "Deddfwriaeth", "Defnydd personol o rwydweithio cymdeithasol"]


def test_without_a_current_policy_headings_have_no_welsh(tmp_path: Path) -> None:
    result = import_policy(SHIPPED_TEXT, current=None)

    assert all("heading_cy" not in s for s in result.data["sections"])
    assert any("8 of 8 headings have no Welsh" in w for w in noted(result.warnings))


def test_the_note_on_headings_without_welsh_says_how_to_give_them_welsh_in_the_document(tmp_path: Path) -> None:
    """The policy owner sees the note in Teams, having sent a Word document: it says what to write in it, and
    doing so gives each heading its Welsh."""
    [note] = [w for w in noted(import_policy(SHIPPED_TEXT, current=None).warnings) if "headings have no Welsh" in w]
    followed = tmp_path / "bilingual-headings.txt"
    followed.write_text("Social Media Policy for Staff\n\nVersion\t2\n\nPurpose / Diben\n\nStaff must ask first.\n\n"
                        "Personal use / Defnydd personol\n\nKeep your accounts private.\n", encoding="utf-8")

    result = import_policy(followed, current=None)

    assert """write its Welsh beside it in the document ("Purpose / Diben")""" in note
    assert [s.get("heading_cy") for s in result.data["sections"]] == ["Diben", "Defnydd personol"]
    assert not any("headings have no Welsh" in w for w in noted(result.warnings))


# Other layouts of a text document

NUMBERED = """Staff Social Media Policy
Ysgol Enghraifft

Status: Draft, version 2
Approved by: Full Governing Body
Review date: Spring/Summer Term 2026

1. Introduction
This policy sets out what staff may post. It applies to all
staff, including supply staff.

2. Personal use
2.1 Photographs
• Do not post photographs of pupils, e.g. from trips.
• Ask before posting photographs of colleagues.
2.2 Contact with pupils
Staff must not accept friend requests from pupils. Instead, direct them to
the school's official page.

3. Breaches
Breaches may lead to disciplinary action.
"""


def test_numbered_headings_wrapped_lines_bullets_and_colon_details(tmp_path: Path) -> None:
    data = imported(write(tmp_path, "numbered.txt", NUMBERED), tmp_path)

    assert [(s["id"], s["heading_en"]) for s in data["sections"]] == [
        ("introduction", "Introduction"), ("photographs", "Photographs"),
        ("contact-pupils", "Contact with pupils"), ("breaches", "Breaches")]
    assert passages(data) == [
        "This policy sets out what staff may post.",
        "It applies to all staff, including supply staff.",
        "Do not post photographs of pupils, e.g. from trips.",
        "Ask before posting photographs of colleagues.",
        "Staff must not accept friend requests from pupils. Instead, direct them to the school's official page.",
        "Breaches may lead to disciplinary action.",
    ]
    assert (data["status"], data["version"], data["agreed_by"]) == ("Draft, version 2", "2", "Full Governing Body")
    assert (data["next_review"], data["review_date"]) == ("Spring/Summer Term 2026", "2026-08-31")
    assert data["federation"] == "Ysgol Enghraifft" and "date_of_issue" not in data


def test_missing_details_rows_are_left_out_with_a_note(tmp_path: Path) -> None:
    source = write(tmp_path, "sparse.txt", "Online Safety Policy\n\nStatus\tVersion 3\nPolicy Author\t\n\n"
                                           "Purpose\n\nThis policy keeps staff safe online.\n")

    result = import_policy(source)

    assert {k: v for k, v in result.data.items() if k not in ("sections", "document")} == {
        "title_en": "Online Safety Policy", "status": "Version 3", "version": "3"}
    assert any("date of issue, agreed by, next review date" in w for w in noted(result.warnings))
    details = load_policy(_saved(tmp_path, result.data)).details
    assert (details.title.cy, details.author, details.review_date) == ("Polisi Diogelwch Ar-lein", None, None)


@pytest.mark.parametrize("label", ["Author", "Written by", "Policy lead", "Lead", "Document owner", "Policy Owner",
                                   "Responsible officer"])
def test_the_author_row_under_the_labels_schools_give_it(label: str, tmp_path: Path) -> None:
    source = write(tmp_path, "lead.txt", f"Staff Online Conduct Policy\n\nVersion\t4\n{label}\tNerys ap Dafydd, "
                                         "Deputy Headteacher\nDue for review\tSeptember 2027\n\nPurpose\n\n"
                                         "Staff must ask first.\n")

    result = import_policy(source)

    assert result.data["author"] == "Nerys ap Dafydd, Deputy Headteacher"
    assert result.data["next_review"] == "September 2027"
    assert not any("not one the bot knows" in w for w in noted(result.warnings))


def test_a_row_the_bot_does_not_know_is_left_out_with_a_note(tmp_path: Path) -> None:
    source = write(tmp_path, "odd.txt", "Staff Online Conduct Policy\n\nVersion\t4\nCatering contact\tSam Jones\n\n"
                                        "Purpose\n\nStaff must ask first.\n")

    result = import_policy(source)

    assert "author" not in result.data and "Sam Jones" not in json.dumps(result.data)
    assert any("'Catering contact Sam Jones'" in w and "not one the bot knows" in w for w in noted(result.warnings))


_OWN_LABELS = (("Written by", "Karen Pritchard, Headteacher"), ("Model version", "3.1, replacing version 2.4"),
               ("Issued on", "9 September 2024"), ("Approved at", "Full Governing Body meeting, 2 July 2024"),
               ("Signed off by", "Alun Roberts, Chair of Governors, 19 March 2025"),
               ("Schools covered", "Ysgol Cefn Alwen and Ysgol Rhiwlas"), ("Due for review", "Summer Term 2026"))
_FROM_OWN_LABELS = {"version": "3.1", "author": "Karen Pritchard, Headteacher", "date_of_issue": "2024-09-09",
                    "agreed_by": "Full Governing Body meeting, 2 July 2024", "authorised_by": "Alun Roberts, Chair of "
                    "Governors", "authorised_on": "2025-03-19", "next_review": "Summer Term 2026",
                    "schools": [{"en": "Ysgol Cefn Alwen"}, {"en": "Ysgol Rhiwlas"}]}


def test_details_rows_labelled_in_the_schools_own_words(tmp_path: Path) -> None:
    rows = "".join(f"{label}\t{value}\n" for label, value in _OWN_LABELS)
    source = write(tmp_path, "own.txt", f"Staff Online Conduct Policy\n\n{rows}\nWho this policy covers\n\n"
                                        "Every adult who works in the school.\n")

    result = import_policy(source)

    assert {key: result.data.get(key) for key in _FROM_OWN_LABELS} == _FROM_OWN_LABELS
    assert not any("not one the bot knows" in w for w in noted(result.warnings))
    # a heading in the text is no details row, whatever its words
    assert headed(result.data) == [("Who this policy covers", ["Every adult who works in the school."])]


def test_details_table_in_word_labelled_in_the_schools_own_words(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Online Conduct Policy", style="Title")
    _details_table(document, list(_OWN_LABELS))
    document.add_heading("Purpose", level=1)
    document.add_paragraph("Staff must ask first.")

    data = imported_docx(document, tmp_path)

    assert {key: data.get(key) for key in _FROM_OWN_LABELS} == _FROM_OWN_LABELS


@pytest.mark.parametrize(("rows", "expected"), [
    ("Author\tNerys ap Dafydd\nDrafted with\tSam Jones\n", {"author": "Nerys ap Dafydd"}),  # the usual label wins
    ("Version\t4\nPrevious version\t3.2\n", {"version": "4"}),
    ("Previous version\t3.2\n", {"version": None}),
    ("Signed on behalf of governors\tMrs Ann Lewis\n", {"authorised_by": "Mrs Ann Lewis"}),
    ("Date signed\t4 March 2024\n", {"date_of_issue": "2024-03-04"}),
    ("Version\t3.0 (replaces version 2.1, March 2022)\n", {"version": "3.0"}),
])
def test_own_words_labels_never_override_or_misread(rows: str, expected: dict[str, Any], tmp_path: Path) -> None:
    data = import_policy(write(tmp_path, "rows.txt", f"Staff Policy\n\n{rows}\nPurpose\n\nAsk first.\n")).data

    assert {key: data.get(key) for key in expected} == expected


def _bold_paragraph(document: Document, text: str) -> None:
    document.add_paragraph().add_run(text).bold = True


@pytest.mark.parametrize("label", ["Ratified", "Approved", "Adopted", "Agreed"])
@pytest.mark.parametrize("layout", ["word lines", "word table", "text"])
def test_a_details_label_of_one_word_gives_the_day_approved_or_who_approved_it(label: str, layout: str,
                                                                                 tmp_path: Path) -> None:
    # A school's cover says "Ratified: 14 March 2026" (the day the governors agreed it) or "Approved: Full Governing
    # Body": the value says which detail it is. Before, the bare label was no detail: in Word a passage, under a
    # section named after the bold title, and in a table or text a row left out.
    rows = [("Policy owner", "Mrs A. Jones, Headteacher"), (label, "14 March 2026"), ("Review due", "March 2028")]
    if layout == "text":
        details = "".join(f"{name}\t{value}\n" for name, value in rows)
        source = write(tmp_path, "cover.txt", f"Ysgol Bryn Celyn\nStaff Social Media Policy\n\n{details}\n"
                                              "1. Introduction\n\nStaff must ask first.\n\n2. Breaches\n\n"
                                              "Breaches may lead to disciplinary action.\n")
    else:
        document = docx.Document()
        _bold_paragraph(document, "Ysgol Bryn Celyn")
        _bold_paragraph(document, "Staff Social Media Policy")
        if layout == "word table":
            _details_table(document, list(rows))
        else:
            for name, value in rows:
                document.add_paragraph(f"{name}: {value}")
        _bold_paragraph(document, "1. Introduction")
        document.add_paragraph("Staff must ask first.")
        _bold_paragraph(document, "2. Breaches")
        document.add_paragraph("Breaches may lead to disciplinary action.")
        source = tmp_path / "cover.docx"
        document.save(str(source))

    result = import_policy(source)

    assert (result.data["date_of_issue"], result.data["next_review"]) == ("2026-03-14", "March 2028")
    assert headed(result.data) == [("Introduction", ["Staff must ask first."]),
                                   ("Breaches", ["Breaches may lead to disciplinary action."])]
    assert not any("not one the bot knows" in w for w in noted(result.warnings))


@pytest.mark.parametrize(("value", "expected"), [
    ("Full Governing Body", {"agreed_by": "Full Governing Body", "date_of_issue": None}),
    ("14.03.2026", {"agreed_by": None, "date_of_issue": "2026-03-14"}),
    ("Spring Term 2026", {"agreed_by": None, "date_of_issue": "2026-01-01"}),
])
def test_who_or_when_under_a_bare_approved_label_is_read_by_its_value(value: str, expected: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    data = import_policy(write(tmp_path, "rows.txt", f"Staff Policy\n\nVersion\t2\nApproved\t{value}\n\n"
                                                     "Purpose\n\nAsk first.\n")).data

    assert details_of(data, *expected) == expected


@pytest.mark.parametrize("owner", ["Mrs A. Jones", "Mrs A. Jones, Headteacher"])
def test_label_value_lines_one_under_another_in_a_text_file_are_each_a_detail(owner: str, tmp_path: Path) -> None:
    # The README's text layout gives details as "Label: value" lines; a value with no full stop was taken for a
    # paragraph going on, so the lines under it were run into it: the author "Mrs A. Jones Version: 3 Review due:
    # March 2028", and no version or review date.
    source = write(tmp_path, "colons.txt", f"Staff Social Media Policy\n\nPolicy owner: {owner}\nVersion: 3\n"
                                           "Review due: March 2028\n\nIntroduction\n\nStaff must ask first.\n")

    data = imported(source, tmp_path)

    expected = {"author": owner, "version": "3", "next_review": "March 2028"}
    assert details_of(data, *expected) == expected


_SAVED_AS_PLAIN_TEXT = ("Staff Social Media Policy\r\nVersion: 3\r\n1.\tIntroduction\r\n"
                        "This policy sets out how all staff, including volunteers and supply staff, should use social "
                        "media in and out of school.\r\n2.\tPersonal use\r\nStaff must not accept friend requests "
                        "from current pupils or from former pupils under the age of eighteen.\r\nStaff should set "
                        "their personal accounts to private and should not name the school on them.\r\n3.\tBreaches"
                        "\r\nBreaches of this policy may lead to disciplinary action under the school's procedure."
                        "\r\n")


def test_words_save_as_plain_text_with_no_blank_lines_keeps_every_heading(tmp_path: Path) -> None:
    # Word writes each paragraph on a line of its own and no blank lines; a few long paragraphs made the file look
    # broken at a width (as text copied from a PDF), so every line after the first heading was run into one
    # paragraph: "2. Personal use Staff must not accept …" quoted under "Introduction".
    data = imported(write(tmp_path, "saved.txt", _SAVED_AS_PLAIN_TEXT), tmp_path)

    assert headed(data) == [
        ("Introduction", ["This policy sets out how all staff, including volunteers and supply staff, should use "
                          "social media in and out of school."]),
        ("Personal use", ["Staff must not accept friend requests from current pupils or from former pupils under the "
                          "age of eighteen.", "Staff should set their personal accounts to private and should not "
                          "name the school on them."]),
        ("Breaches", ["Breaches of this policy may lead to disciplinary action under the school's procedure."])]


@pytest.mark.parametrize(("written", "first_day", "welsh"), [
    ("October 2024", "2024-10-01", "Hydref 2024"),
    ("Autumn Term 2025", "2025-09-01", "Tymor yr Hydref 2025"),
])
def test_a_date_of_issue_given_as_a_month_or_term_is_shown_as_written(written: str, first_day: str, welsh: str,
                                                                       tmp_path: Path) -> None:
    source = write(tmp_path, "monthly.txt", f"Social Media Policy\n\nVersion\t2\nDate of Issue\t{written}\n"
                                            f"Date reviewed\t{written}\n\nPurpose\n\nStaff must ask first.\n")

    data = imported(source, tmp_path)
    details = load_policy(tmp_path / "imported.json").details

    assert (data["date_of_issue"], data["issued_as"], data["last_reviewed_as"]) == (first_day, written, written)
    assert details.issued() == details.reviewed() == Detail(written, welsh)
    assert details.citation == Detail(f"Social Media Policy, Version 2, {written}",
                                      f"Polisi Cyfryngau Cymdeithasol, Fersiwn 2, {welsh}")


def test_without_details_the_first_heading_may_group_the_next(tmp_path: Path) -> None:
    grouped = write(tmp_path, "grouped.txt", "Policy\n\nPersonal use\n\n1.1 Photos\n\nAsk first.\n\n"
                                             "1.2 Friends\n\nNot pupils.\n")
    named = write(tmp_path, "named.txt", "Policy\n\nYsgol Enghraifft\n\nPurpose\nWhy we have it.\n")

    assert [s["heading_en"] for s in import_policy(grouped).data["sections"]] == ["Photos", "Friends"]
    data = import_policy(named).data
    assert data["federation"] == "Ysgol Enghraifft" and [s["heading_en"] for s in data["sections"]] == ["Purpose"]


def test_a_heading_in_capitals_or_named_part_groups_the_headings_after_it(tmp_path: Path) -> None:
    source = write(tmp_path, "parts.txt", "Staff Social Media Policy\n\nINTRODUCTION\n\nWhy we have it.\n\n"
                                          "PART A: EXPECTATIONS OF ALL STAFF\n\nPersonal accounts\n\nKeep them "
                                          "private.\n\nContact with learners\n\nNever online.\n\n"
                                          "Part B: Official accounts\n\nWho runs them\n\nThe office.\n\n"
                                          "MONITORING AND REVIEW\n\nEvery two years.\n")

    data = imported(source, tmp_path)

    assert headed(data) == [
        ("INTRODUCTION", ["Why we have it."]), ("Personal accounts", ["Keep them private."]),
        ("Contact with learners", ["Never online."]), ("Who runs them", ["The office."]),
        ("MONITORING AND REVIEW", ["Every two years."])]


def test_a_word_part_heading_styled_like_the_sections_under_it(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Social Media Policy for Staff", style="Title")
    document.add_heading("Part A: Expectations of all staff", level=1)
    document.add_heading("Personal accounts", level=1)
    document.add_paragraph("Keep them private.")
    document.add_heading("PART B: OFFICIAL ACCOUNTS", level=1)
    document.add_heading("Who runs them", level=1)
    document.add_paragraph("The office.")

    data = imported_docx(document, tmp_path, "parts.docx")

    assert [s["heading_en"] for s in data["sections"]] == ["Personal accounts", "Who runs them"]
    assert passages(data) == ["Keep them private.", "The office."]


@pytest.mark.parametrize(("row", "by", "on"), [
    ("Authorisation\tChair of Governing Body Date: 12.10.2022 Signature:", "Chair of Governing Body", "2022-10-12"),
    ("Authorised by\tChair of Governors, 12/10/2022", "Chair of Governors", "2022-10-12"),
    ("Authorisation\tName: Mr H Davies Date: 1.9.2025", "Mr H Davies", "2025-09-01"),
    ("Signed by\tHeadteacher", "Headteacher", None),
])
def test_the_authorisation_row(row: str, by: str, on: str | None, tmp_path: Path) -> None:
    data = import_policy(write(tmp_path, "signed.txt", f"Policy\n\n{row}\n\nPurpose\n\nWhy.\n")).data

    assert (data["authorised_by"], data.get("authorised_on")) == (by, on)


def test_text_before_the_first_heading_is_a_section_under_the_title(tmp_path: Path) -> None:
    source = write(tmp_path, "intro.txt", "Acceptable Use Policy\n\nRead this with the staff handbook.\n\n"
                                          "Email\n\nUse your school address for work.\n")

    data = import_policy(source).data

    assert [(s["id"], s["heading_en"]) for s in data["sections"]] == [
        ("acceptable-use-policy", "Acceptable Use Policy"), ("email", "Email")]


def test_details_given_in_sentences_before_the_first_section(tmp_path: Path) -> None:
    data = imported_text(tmp_path, (
        "Staff Social Media Policy\n\nBryn Teg Trust\n\n"
        "This policy applies to every school in the trust. It was drafted by Priya Lal, Data Protection and "
        "Compliance Lead, and was approved by the Board of Trustees on 7 February 2024. It will next be reviewed "
        "in the Spring Term 2026, or earlier if guidance changes. This is version 3.\n\n"
        "Personal accounts\n\nAny class account must be approved by the headteacher before it is used.\n"))

    expected = {"author": "Priya Lal, Data Protection and Compliance Lead", "agreed_by": "Board of Trustees",
                "date_of_issue": "2024-02-07", "next_review": "Spring Term 2026", "version": "3"}
    assert details_of(data, *expected) == expected
    # The sentences about the document are not quoted as rules; the rest of the paragraph, and a rule that says
    # "approved by" in a section, are.
    assert passages(data) == ["This policy applies to every school in the trust.",
                              "Any class account must be approved by the headteacher before it is used."]


LEANING_LINES = {
    # Without "Staff must not:" the item "accept friend requests from pupils" would read as a rule to follow.
    "lead-in": ("Staff Social Media Policy\n\nPersonal accounts\n\nKeep your profile private.\n\nStaff must not:\n\n"
                "- accept friend requests from pupils;\n- post photographs of pupils.\n\nAsk if you are unsure.\n\n"
                "- This list has no lead-in.\n",
                ["Keep your profile private.", "Staff must not: accept friend requests from pupils;",
                 "Staff must not: post photographs of pupils.", "Ask if you are unsure.", "This list has no lead-in."]),
    "long lead-in": (
        "Staff Social Media Policy\n\nConcerns\n\nIf you see something online that concerns you, or you are the "
        "subject of negative posts:\n\n- do not reply;\n- tell the headteacher.\n",
        ["If you see something online that concerns you, or you are the subject of negative posts: do not reply;",
         "If you see something online that concerns you, or you are the subject of negative posts: tell the "
         "headteacher."]),
    "lead-in ending a paragraph": (
        "Staff Social Media Policy\n\nPersonal accounts\n\nMany of us use social media. However, staff must not:\n\n"
        "- follow former pupils under 19;\n- name the school on dating apps.\n",
        ["Many of us use social media.", "However, staff must not: follow former pupils under 19;",
         "However, staff must not: name the school on dating apps."]),
    "questions-and-answers": (
        "Social Media: Questions Staff Ask\n\nStudents\n\nQ: Can I use WhatsApp with my team?\n\n"
        "A: No. Use Teams for all contact with students. Personal apps must never be used.\n\n"
        "Q: Do I need to make my accounts private?\n\nA: You should. Check your settings each September.\n",
        ["Q: Can I use WhatsApp with my team? A: No. Use Teams for all contact with students.",
         "Personal apps must never be used.",
         "Q: Do I need to make my accounts private? A: You should. Check your settings each September."]),
    # "Staff should: Staff must not …" reads as neither; "provided that: you do not …" needs its lead-in.
    "items that name their own subject": (
        "Staff Social Media Policy\n\nParents\n\nStaff should:\n\n- Keep friendships with parents private.\n"
        "- Staff must not accept new friend requests from parents.\n\nYou may sell things online, provided that:\n\n"
        "- you do not sell to pupils.\n",
        ["Staff should: Keep friendships with parents private.",
         "Staff must not accept new friend requests from parents.",
         "You may sell things online, provided that: you do not sell to pupils."]),
}


@pytest.mark.parametrize("case", sorted(LEANING_LINES))
def test_a_line_that_reads_only_with_the_one_before_is_quoted_with_it(case: str, tmp_path: Path) -> None:
    text, expected = LEANING_LINES[case]

    assert passages(imported_text(tmp_path, text)) == expected


def test_numbered_clauses_under_a_lead_in_arrows_and_tick_boxes(tmp_path: Path) -> None:
    data = imported_text(tmp_path, (
        "Staff Social Media Policy\n\nOfficial accounts\n\n3.3 Staff posting on official accounts must:\n"
        "3.3.1 post only pupils whose parents agreed;\n3.3.2 leave out surnames.\n"
        "3.4 Staff must not answer complaints online.\n\n↓\n\nSchool: ☐ St Ebba's ☐ Holy Cross\n\n"
        "Call the helpline on\n08000 562 561.\n"))

    assert passages(data) == [
        "Staff posting on official accounts must: post only pupils whose parents agreed;",
        "Staff posting on official accounts must: leave out surnames.",
        "Staff must not answer complaints online.", "Call the helpline on 08000 562 561."]


def test_a_list_item_back_at_the_lead_ins_level_is_not_one_of_its_items(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Photographs", level=1)
    document.add_paragraph("When posting on the school page, staff must not:", style="List Bullet")
    document.add_paragraph("give a pupil's surname;", style="List Bullet 2")
    document.add_paragraph("show pupils in PE kit.", style="List Bullet 2")
    document.add_paragraph("School iPads must be locked with a passcode.", style="List Bullet")
    source = tmp_path / "levels.docx"
    document.save(str(source))

    assert passages(imported(source, tmp_path)) == [
        "When posting on the school page, staff must not: give a pupil's surname;",
        "When posting on the school page, staff must not: show pupils in PE kit.",
        "School iPads must be locked with a passcode."]


def test_a_question_in_a_paragraph_of_its_own_is_quoted_with_its_answer(tmp_path: Path) -> None:
    # Alone, "Is that allowed?" is quoted as an answer, and "Yes, …" answers nothing.
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Frequently asked questions", level=1)
    for line in ("A colleague asked me for a LinkedIn recommendation. Is that allowed?",
                 "Yes, in your own name. Formal references come from the headteacher.",
                 "I run a club. Can I share its posts on my own account?",
                 "My class has a blog. What about photos of pupils on it?", "Post none of pupils."):
        document.add_paragraph(line)
    source = tmp_path / "faq.docx"
    document.save(str(source))

    assert passages(imported(source, tmp_path)) == [
        "A colleague asked me for a LinkedIn recommendation. Is that allowed? Yes, in your own name.",
        "Formal references come from the headteacher.", "I run a club.", "Can I share its posts on my own account?",
        "My class has a blog. What about photos of pupils on it? Post none of pupils."]


def test_a_flowchart_quotes_each_branch_with_its_question(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("If you see something worrying online", level=1)
    for line in ("Step 1: Do not reply.", "↓", "Step 2: Is a child at risk?", "YES → Tell the DSL straight away.",
                 "NO → Tell the headteacher.", "Step 3: Keep a note of what you saw."):
        document.add_paragraph(line)
    source = tmp_path / "flow.docx"
    document.save(str(source))

    assert passages(imported(source, tmp_path)) == [
        "Step 1: Do not reply.", "Step 2: Is a child at risk? YES → Tell the DSL straight away.",
        "Step 2: Is a child at risk? NO → Tell the headteacher.", "Step 3: Keep a note of what you saw."]


def test_a_model_policys_placeholders_are_named_in_a_note(tmp_path: Path) -> None:
    source = write(tmp_path, "model.txt", "Staff Social Media Policy\n\nContacts\n\nStaff of [School name] ask "
                                          "[insert name] first. Report it to the DSL (delete as appropriate).\n")

    imported_model = import_policy(source)

    assert ("2 passage(s) still hold text a model policy leaves to fill in or delete ('[School name]', "
            "'delete as appropriate'): edit the document, then import it again") in noted(imported_model.warnings)


def test_a_policy_pasted_into_an_email(tmp_path: Path) -> None:
    """The header, the message above the rule and the signature after "--" are the email's; capital headings may end
    with "TO"; paragraphs numbered with tabs; details as a cover sentence and labelled lines under the title."""
    data = imported_text(tmp_path, (
        "From: Sharon Pike <s.pike@example.sch.uk>\nSent: Tuesday, 21 January 2025 08:12\nTo: All Staff\n"
        "Subject: Revised policy\n\nMorning all,\n\nThe governors agreed the revised policy last night. I have pasted "
        "it below so that you can read it on your phone; please read it by Friday.\n\nThanks\nSharon\n\n"
        "------------------------------------------------------------\n\nHEOL LAS PRIMARY SCHOOL\n"
        "STAFF SOCIAL MEDIA POLICY\n\nVersion 4. Agreed by the Governing Body on 20 January 2025.\n"
        "Policy lead: Mr Gareth Lyons\nReview date: January 2027\n\nWHO THIS POLICY APPLIES TO\n\n"
        "\t1.\tThis policy applies to everyone who works at Heol Las, including teachers, teaching assistants, "
        "cleaners, governors, volunteers and supply staff.\n\t2.\tStaff must not:\n\t-\tadd pupils as friends.\n"
        "\t3.\tAsk if unsure.\n\n--\nSharon Pike\nSchool Business Manager\nTel: 01633 000 000\n"))

    assert (data["title_en"], data["federation"], data["version"], data["agreed_by"], data["date_of_issue"],
            data["author"], data["next_review"]) == (
        "STAFF SOCIAL MEDIA POLICY", "HEOL LAS PRIMARY SCHOOL", "4", "Governing Body", "2025-01-20",
        "Mr Gareth Lyons", "January 2027")
    assert headed(data) == [
        ("WHO THIS POLICY APPLIES TO", [
            "This policy applies to everyone who works at Heol Las, including teachers, teaching assistants, cleaners, "
            "governors, volunteers and supply staff.", "Staff must not: add pupils as friends.", "Ask if unsure."])]


def test_a_rule_before_the_first_section_is_not_read_as_a_detail(tmp_path: Path) -> None:
    data = imported_text(tmp_path, (
        "Staff Social Media Policy\n\nStaff must have any class page approved by the headteacher.\n\n"
        "Personal accounts\n\nKeep your profile private.\n"))

    assert "agreed_by" not in data
    assert passages(data)[0] == "Staff must have any class page approved by the headteacher."


def test_quotes_abbreviations_and_sentences_that_lean_on_the_one_before() -> None:
    paragraph = ('Use a disclaimer such as: "These views are mine. They are not the school\'s." Mr. Jones checks '
                 "blogs, i.e. staff ones. Each tool has its uses. The following apply:")
    unclosed = 'Say "no. Then leave. Always.'

    assert split_passages(paragraph) == [
        'Use a disclaimer such as: "These views are mine. They are not the school\'s."',
        "Mr. Jones checks blogs, i.e. staff ones.",
        "Each tool has its uses. The following apply:",
    ]
    assert split_passages("Photos need consent. But names never appear. However, first names may be used.") == [
        "Photos need consent. But names never appear.", "However, first names may be used."]
    assert split_passages("Ask first. Common sense still applies. We will of course help.") == [
        "Ask first. Common sense still applies. We will of course help."]
    assert split_passages(unclosed) == ['Say "no. Then leave.', "Always."]  # two words alone are no rule
    assert split_passages("The school posts on X. Parents follow it. Ask J. Smith.") == [
        "The school posts on X.", "Parents follow it.", "Ask J. Smith."]


def test_section_ids_come_from_the_heading_words() -> None:
    assert section_id_for("3. The purpose of this policy") == "purpose-policy"
    assert section_id_for("Llanidloes High School’s social media activity") == (
        "llanidloes-high-schools-social-media-activity")
    assert section_id_for("Defnydd o'r cyfryngau – Dyfeisiau") == "defnydd-or-cyfryngau-dyfeisiau"
    assert section_id_for("The") == "the"


def test_ids_stay_the_same_across_versions_while_headings_keep_their_words(tmp_path: Path) -> None:
    first = write(tmp_path, "v1.txt", "Policy\n\nVersion\t1\n\n1. Purpose\n\nWhy.\n\n2. Personal use\n\nOwn time.\n\n"
                                      "3. Photographs\n\nAsk first.\n\n4. Breaches\n\nAction.\n")
    second = write(tmp_path, "v2.txt", "Policy\n\nVersion\t2\n\n1. Purpose\n\nWhy now.\n\n2. Generative AI tools\n\n"
                                       "Never paste pupils' data.\n\n3. Personal use\n\nOwn time.\n\n"
                                       "4. Photographs and video\n\nAsk first.\n\n5. Breaches\n\nAction.\n")

    ids = [[s["id"] for s in import_policy(path).data["sections"]] for path in (first, second)]

    assert ids == [["purpose", "personal-use", "photographs", "breaches"],
                   ["purpose", "generative-ai-tools", "personal-use", "photographs-video", "breaches"]]


def test_repeated_headings_get_unique_ids(tmp_path: Path) -> None:
    source = write(tmp_path, "twice.txt", "Policy\n\nHigh school\n\nOne.\n\nExamples\n\nTwo.\n\nPrimary school\n\n"
                                          "Three.\n\nExamples\n\nFour.\n")

    assert [s["id"] for s in import_policy(source).data["sections"]] == [
        "high-school", "examples", "primary-school", "examples-2"]


# Word documents


def _details_table(document: Document, rows: list[tuple[str, ...]]) -> None:
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = value


def test_a_word_document_with_title_details_table_heading_styles_and_lists(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Social Media Policy for Staff", style="Title")
    document.add_paragraph("Ysgol Bro Enghraifft", style="Subtitle")
    _details_table(document, [("Status", "Version 4"), ("Policy Author", "A. Jones"),
                              ("Date of Issue", "1st September 2025"), ("Agreed by", "Governing Body"),
                              ("Next Review Date", "Autumn Term 2027"),
                              ("Authorisation", "Chair of Governors", "Date: 01/09/2025", "Signature:")])
    document.add_heading("1. Purpose", level=1)
    document.add_paragraph("This policy covers Bro Enghraifft Primary School. Staff must read it.")
    document.add_heading("Using social media at work", level=1)
    document.add_heading("Class accounts", level=2)
    document.add_paragraph("Keep it professional:")
    document.add_paragraph("Ask the headteacher first", style="List Bullet")
    document.add_paragraph("Use the school's account", style="List Number")

    data = imported_docx(document, tmp_path)

    assert [(s["id"], s["heading_en"]) for s in data["sections"]] == [
        ("purpose", "Purpose"), ("class-accounts", "Class accounts")]
    assert passages(data) == ["This policy covers Bro Enghraifft Primary School.", "Staff must read it.",
                              "Keep it professional: Ask the headteacher first",
                              "Keep it professional: Use the school's account"]
    assert {k: v for k, v in data.items() if k not in ("sections", "document")} == {
        "title_en": "Social Media Policy for Staff", "federation": "Ysgol Bro Enghraifft",
        "status": "Version 4", "version": "4", "author": "A. Jones", "date_of_issue": "2025-09-01",
        "agreed_by": "Governing Body", "next_review": "Autumn Term 2027", "review_date": "2027-12-31",
        "authorised_by": "Chair of Governors", "authorised_on": "2025-09-01",
        "schools": [{"en": "Bro Enghraifft Primary School", "cy": "Ysgol Bro Enghraifft"}]}
    welsh = load_policy(tmp_path / "imported.json").details
    assert welsh.next_review == Detail("Autumn Term 2027", "Tymor yr Hydref 2027")
    # the school's own Welsh name, as the document gives it (the subtitle), not one made from its English
    assert welsh.schools == (Detail("Bro Enghraifft Primary School", "Ysgol Bro Enghraifft"),)


def test_a_long_label_in_a_table_of_details_is_a_detail_not_the_schools_name(tmp_path: Path) -> None:
    # Before, "Signed on behalf of the Board" (six words) was read as text under the title, so it became the
    # federation's name and the chair who signed was lost; "Scope" named nothing.
    document = docx.Document()
    document.add_paragraph("Hill School: Staff Use of Social Media", style="Title")
    _details_table(document, [("Document owner", "Deputy Head, Mrs H. Lane"), ("Version", "4.1"),
                              ("Approved by", "Board of Governors"), ("In force from", "27 January 2025"),
                              ("Next review due", "January 2027"), ("Scope", "Hill School, Bath (Years 7 to 13)"),
                              ("Signed on behalf of the Board", "Chair of Governors, Dr M. Ferrand")])
    document.add_heading("Introduction", level=1)
    document.add_paragraph("Staff must read this policy.")

    data = imported_docx(document, tmp_path)

    assert details_of(data, "federation", "authorised_by", "agreed_by", "date_of_issue", "schools") == {
        "federation": None, "authorised_by": "Chair of Governors, Dr M. Ferrand", "agreed_by": "Board of Governors",
        "date_of_issue": "2025-01-27",
        "schools": [{"en": "Hill School, Bath (Years 7 to 13)", "cy": "Hill School, Bath (Years 7 to 13)"}]}
    assert passages(data) == ["Staff must read this policy."]


def test_a_long_first_cell_in_a_table_of_rules_stays_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Social Media Policy for Staff", style="Title")
    document.add_heading("What to do", level=1)
    _details_table(document, [("What should I do if a parent messages me?", "Tell your line manager."),
                              ("What if a pupil sends me a friend request?", "Decline it and tell the DSL.")])

    data = imported_docx(document, tmp_path)

    # each row one passage, the situation with what to do, as before: a long first cell is no label
    assert passages(data) == ["What should I do if a parent messages me? Tell your line manager.",
                              "What if a pupil sends me a friend request? Decline it and tell the DSL."]


def test_a_bold_heading_among_heading_styles_starts_a_section(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Social Media Policy for Staff", style="Title")
    document.add_heading("1. Contact with pupils", level=1)
    document.add_paragraph("Use Hwb to contact pupils.")
    document.add_paragraph().add_run("2. Personal use").bold = True  # typed bold, not in a heading style
    document.add_paragraph("Keep your accounts private.")
    document.add_paragraph().add_run("Remember to ask first.").bold = True  # a bold sentence stays a passage
    document.add_paragraph("The headteacher decides.")

    data = imported_docx(document, tmp_path)

    assert headed(data) == [
        ("Contact with pupils", ["Use Hwb to contact pupils."]),
        ("Personal use", ["Keep your accounts private.", "Remember to ask first.", "The headteacher decides."])]


def test_the_2022_document_typed_into_word_gives_the_same_policy(tmp_path: Path) -> None:
    headings = {s["heading_en"] for s in json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))["sections"]}
    source = typed_into_word(SHIPPED_TEXT.read_text(encoding="utf-8"), headings, tmp_path / "Social Media Policy.docx")

    from_word, from_text = imported(source, tmp_path), import_policy(SHIPPED_TEXT, load_policy()).data

    assert {k: v for k, v in from_word.items() if k != "document"} == {
        k: v for k, v in from_text.items() if k != "document"}


def test_a_word_heading_over_only_details_and_an_introduction_before_the_first_section(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Online Safety Policy", style="Title")
    document.add_paragraph("Ysgol Enghraifft")
    document.add_paragraph("Read this policy with the staff code of conduct.")
    document.add_heading("Document control", level=1)
    _details_table(document, [("Version", "5"), ("Agreed by", "Governors")])
    document.add_heading("Scope", level=1)
    document.add_paragraph("All staff and volunteers.")

    data = imported_docx(document, tmp_path, "control.docx")

    assert (data["federation"], data["version"], data["agreed_by"]) == ("Ysgol Enghraifft", "5", "Governors")
    assert [(s["heading_en"], len(s["passages"])) for s in data["sections"]] == [
        ("Online Safety Policy", 1), ("Scope", 1)]


def test_a_word_document_without_heading_styles_uses_bold_short_lines(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("E-Safety Policy")
    _details_table(document, [("Version", "2", "Approved by", "Staffing Committee"), ("Review date", "2026", "", "")])
    for heading, body in (("Purpose", "Why we have it."), ("Mobile phones", "Keep them away in lessons.")):
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(body)
    document.add_paragraph("A short line")
    document.add_paragraph("that is not a heading.")

    data = imported_docx(document, tmp_path, "plain.docx")

    assert [s["heading_en"] for s in data["sections"]] == ["Purpose", "Mobile phones"]
    assert passages(data)[-2:] == ["A short line", "that is not a heading."]
    assert (data["title_en"], data["version"], data["agreed_by"], data["review_date"]) == (
        "E-Safety Policy", "2", "Staffing Committee", "2026-12-31")


def test_a_heading_used_as_the_title_and_a_table_in_the_body(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Social Media Policy", level=1)
    _details_table(document, [("Version", "1"), ("Date of issue", "12.10.2022")])
    document.add_heading("Platforms", level=1)
    _details_table(document, [("Platform", "Use"), ("Hwb", "Teaching"), ("DSL", "The Designated Safeguarding Lead")])

    data = imported_docx(document, tmp_path, "table.docx")

    assert data["title_en"] == "Social Media Policy" and data["date_of_issue"] == "2022-10-12"
    assert [s["heading_en"] for s in data["sections"]] == ["Platforms"]
    # A term beside what it means reads as it does in a glossary.
    assert passages(data) == ["Platform: Use", "Hwb: Teaching", "DSL: The Designated Safeguarding Lead"]


# Documents that cannot be imported: one line, and nothing written


def _docx_bytes(tmp_path: Path, *paragraphs: tuple[str, str]) -> bytes:
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    path = tmp_path / "made.docx"
    document.save(str(path))
    return path.read_bytes()


BAD: dict[str, tuple[str, str | bytes, str]] = {
    "no-headings": ("plain.txt", "Social Media Policy\n\nStaff must be careful. They must ask first.\n",
                    "no headings found"),
    "empty-section": ("empty.txt", "Policy\n\n1. Purpose\n\n2. Scope\n\nAll staff.\n",
                      "the section 'Purpose' (line 3) is empty"),
    "two-group-names-in-a-row": ("parts.txt", "Policy\n\nPurpose\n\nWhy.\n\nPART A: STAFF\n\nPART B: PUPILS\n\n"
                                 "Scope\n\nAll staff.\n", "the section 'PART A: STAFF' (line 7) is empty"),
    "empty-before-a-line": ("line.txt", "Policy\n\nPurpose\n\nWhy.\n\nScope\n\nUse\n\nAll staff.\n",
                            "the section 'Scope' (line 7) is empty: it has no text before the next heading; the line "
                            "after it, 'Use' (line 9), was read as a heading"),
    "table-as-lines": ("table.txt", "Policy\n\nPurpose\n\nWhy.\n\nContacts\n\nName\n\nRole\n\nPhone\n\nEmail\n\n"
                       "Mr Jones\n\nHead\n", "line 13 to line 19 are short lines with no full stops"),
    "empty-last-section": ("last.txt", "Policy\n\nPurpose\n\nWhy.\n\nAppendix\n", "the section 'Appendix' (line 7)"),
    "too-long": ("long.txt", "Policy\n\nPurpose\n\n" + "Staff " + "really " * 110 + "must ask.\n",
                 "import-policy: long.txt: a passage is too long to quote: 'Purpose' (line 5) has a sentence of 785 "
                 "characters"),
    "bad-date": ("date.txt", "Policy\n\nDate of Issue\tsoon\n\nPurpose\n\nWhy.\n",
                 "the date of issue 'soon' is not a date; write it like 12.10.2022"),
    "binary": ("binary.txt", b"\x00\x01\x02\xff" * 50, "not a readable text file"),
    "word-named-txt": ("word.txt", b"PK\x03\x04rest", "this is a Word document, not text"),
    "not-word": ("broken.docx", b"this is not a zip file", "not a Word document that can be read"),
    "pdf": ("policy.pdf", b"%PDF-1.4", "import a Word document (.docx) or a text file (.txt, .md): open the school's "
            "Word original and import that"),
    "old-word": ("policy.doc", b"\xd0\xcf\x11\xe0", "open it in Word and save it as a Word Document (.docx)"),
    "pdf-named-docx": ("policy.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)),
                       "policy.docx: this is a PDF, not a Word document: open the school's Word original"),
    "pdf-named-txt": ("policy.txt", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n",
                      "policy.txt: this is a PDF, not a text file: open the school's Word original"),
    "rtf-named-docx": ("policy.docx", b"{\\rtf1\\ansi\\deff0 Staff Social Media Policy\\par }",
                       "policy.docx: this is a Rich Text (.rtf) file, not a Word document: open it in Word and save it "
                       "as a Word Document (.docx)"),
    "rtf-named-txt": ("policy.txt", b"{\\rtf1\\ansi\\deff0\n{\\pard Staff Social Media Policy\\par}\n}",
                      "policy.txt: this is a Rich Text (.rtf) file, not a text file: open it in Word and save it as a "
                      "Word Document (.docx)"),
    "web-page-named-docx": ("policy.docx", b"<!DOCTYPE html>\n<html><body><h1>Policy</h1></body></html>",
                            "policy.docx: this is a web page's code (HTML), not a Word document"),
    "empty": ("empty2.txt", "", "the document is empty"),
    "welsh-only": ("cymraeg.txt", "Polisi Cyfryngau Cymdeithasol Staff\n\nCyfrifon personol\n\nDylai staff gadw eu "
                   "cyfrifon personol yn breifat a pheidio ag ychwanegu disgyblion fel ffrindiau. Rhaid i staff ofyn "
                   "i'r pennaeth cyn agor cyfrif dosbarth. Ni ddylai staff rannu lluniau o ddisgyblion ar eu "
                   "cyfrifon eu hunain.\n", "the document is in Welsh only; the bot quotes the policy's English text"),
}


def _bad_document(case: str, tmp_path: Path) -> tuple[Path, str]:
    """The case's document written in tmp_path: its path, and what its refusal says."""
    name, content, message = BAD[case]
    source = tmp_path / name
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding="utf-8")
    return source, message


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_document_gets_one_line_and_nothing_is_written(case: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    source, message = _bad_document(case, tmp_path)
    out = tmp_path / "out.json"
    out.write_text("previous", encoding="utf-8")

    code = import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)])

    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("import-policy: ") and message in err
    assert out.read_text(encoding="utf-8") == "previous"
    assert {p.name for p in tmp_path.iterdir()} == {source.name, "out.json"}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_welsh_policy_owner_reads_every_refusal_in_welsh(case: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The rarer refusals (an empty section, a passage too long to quote, a date that is not a date) were said in
    English whatever --lang asked for: each refusal's one line is Welsh with --lang cy."""
    source, message = _bad_document(case, tmp_path)
    out = tmp_path / "out.json"

    english = import_policy_command([str(source), "--out", str(out), "--lang", "en"]), capsys.readouterr().err
    welsh = import_policy_command([str(source), "--out", str(out), "--lang", "cy"]), capsys.readouterr().err

    assert english[0] == welsh[0] == 1 and message in english[1]
    assert welsh[1].count("\n") == 1 and welsh[1].startswith(f"import-policy: {source.name}: "), welsh[1]
    assert welsh[1] != english[1] and message.removeprefix(f"import-policy: {source.name}: ") not in welsh[1], welsh[1]
    assert not out.exists()


def test_a_damaged_word_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.docx"
    good.write_bytes(_docx_bytes(tmp_path, ("Policy", "Title"), ("Purpose", "Heading 1"), ("Why.", "Normal")))
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            body = source.read(item) if item.filename != "word/document.xml" else b"<w:document><broken"
            target.writestr(item, body)

    assert import_policy_command([str(damaged), "--out", str(tmp_path / "out.json")]) == 1

    assert "damaged.docx: not a Word document that can be read" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_text_saved_by_windows_tools(tmp_path: Path) -> None:
    text = "Polisi\r\n\r\nPurpose\r\n\r\nStaff’s phones – away.\r\n"
    for name, encoded in (("utf16.txt", text.encode("utf-16")), ("ansi.txt", text.encode("cp1252")),
                          ("bom.txt", text.encode("utf-8-sig"))):
        source = tmp_path / name
        source.write_bytes(encoded)

        assert passages(import_policy(source).data) == ["Staff’s phones – away."], name


def test_a_word_document_without_headings(tmp_path: Path) -> None:
    source = tmp_path / "flat.docx"
    source.write_bytes(_docx_bytes(tmp_path, ("Policy", "Title"), ("Staff must be careful at all times.", "Normal")))

    with pytest.raises(PolicyImportError, match="no headings found"):
        import_policy(source)


def test_a_missing_source_and_an_unwritable_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert import_policy_command([str(tmp_path / "absent.txt"), "--out", str(tmp_path / "x.json")]) == 1
    assert "no such file" in capsys.readouterr().err
    source = write(tmp_path, "ok.txt", "Policy\n\nPurpose\n\nWhy.\n")
    assert import_policy_command([str(source), "--out", str(tmp_path / "missing-folder" / "x.json")]) == 1
    assert capsys.readouterr().err.startswith("import-policy: cannot write")


LAST_YEARS_DOCUMENT = b"PK\x03\x04 last year's Word document"


@pytest.mark.parametrize("name", ["Social Media Policy 2022.docx", "policy.txt", "policy-2026"])
@pytest.mark.parametrize("there", [True, False], ids=["there", "new"])
def test_an_out_that_is_not_a_json_file_is_refused_and_nothing_is_written(
        name: str, there: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`import-policy "Policy 2026.docx" --out "Policy 2022.docx"` (a slip of tab completion) replaced last year's
    Word document with JSON: only an --out naming the document itself was refused."""
    source = write(tmp_path, "Social Media Policy 2026.txt", "Policy\n\nPurpose\n\nWhy.\n")
    out = tmp_path / name
    if there:
        out.write_bytes(LAST_YEARS_DOCUMENT)

    code = import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)])

    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and err.startswith(f"import-policy: --out {out} ")
    assert ".json" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({source.name, *([name] if there else [])})
    assert not there or out.read_bytes() == LAST_YEARS_DOCUMENT


def test_an_out_ending_in_json_in_capitals_is_written(tmp_path: Path) -> None:
    source = write(tmp_path, "policy.txt", "Policy\n\nPurpose\n\nWhy.\n")

    assert import_policy_command([str(source), "--out", str(tmp_path / "POLICY.JSON")]) == 0
    assert validate_policy_file(tmp_path / "POLICY.JSON") == []


def test_the_command_from_the_shell(tmp_path: Path) -> None:
    out = tmp_path / "policy.json"

    result = subprocess.run([sys.executable, "-m", "bot", "import-policy", str(SHIPPED_TEXT), "--out", str(out)],
                            capture_output=True, text=True, cwd=REPO, timeout=60, check=False,
                            env={"PATH": "/usr/bin:/bin"})

    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"wrote {out}: 'Social Media Policy for Staff', version 1, 8 sections, 42 passages\n")
    assert validate_policy_file(out) == []


def _saved(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "saved.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_version_history_a_column_header_and_form_lines_are_not_passages(tmp_path: Path) -> None:
    """Seen in schools' own documents: a "Document control" history at the end, a "Do | Don't" table, a logo
    placeholder and a signature line on the cover, details labelled in both languages."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_paragraph("[SCHOOL LOGO]")
    _details_table(document, [("Statws / Status", "Fersiwn 3 / Version 3"), ("Cytunwyd gan / Agreed by", "Governors"),
                              ("Lead member of staff", "Mrs N. Prosser"), ("Date approved", "15.01.2025")])
    document.add_heading("Contact with pupils", level=1)
    document.add_paragraph("Staff use only Hwb and Teams to contact pupils.")
    _details_table(document, [("Do", "Don't"),
                              ("Do use the class Team for homework reminders.",
                               "Don't message a pupil directly outside Hwb, even to praise them.")])
    document.add_paragraph("Signed: ____________ Chair of Governors   Date: ________")
    document.add_heading("Document control", level=1)
    _details_table(document, [("Version", "Date", "Author", "Summary of changes"),
                              ("1.0", "March 2021", "G. Evans", "First federation policy"),
                              ("3", "January 2025", "N. Prosser", "Section on AI added")])

    data = imported_docx(document, tmp_path, "school.docx")

    assert passages(data) == ["Staff use only Hwb and Teams to contact pupils.",
                              "Do use the class Team for homework reminders.",
                              "Don't message a pupil directly outside Hwb, even to praise them."]
    assert (data["version"], data["agreed_by"], data["author"], data["date_of_issue"]) == (
        "3", "Governors", "Mrs N. Prosser", "2025-01-15")


def test_a_do_and_dont_table_quotes_each_rule_under_its_column(tmp_path: Path) -> None:
    # Alone, "accept friend requests from pupils" reads as a rule to follow.
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Professional conduct", level=1)
    document.add_paragraph("Staff keep these rules.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Do", "Don’t"
    table.cell(1, 0).text = "set your accounts to private"
    table.cell(1, 1).text = "accept friend requests from pupils"
    table.cell(1, 1).add_paragraph("post photographs of pupils")
    source = tmp_path / "rules.docx"
    document.save(str(source))

    assert passages(imported(source, tmp_path)) == [
        "Staff keep these rules.", "Do: set your accounts to private", "Don’t: accept friend requests from pupils",
        "Don’t: post photographs of pupils"]


def test_a_table_of_entries_bold_faq_questions_and_a_details_table_in_both_languages(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    _details_table(document, [("Fersiwn / Version", "3"), ("Awdur / Author", "Daniel Owen"),
                              ("Cytunwyd gan / Agreed by", "Corff Llywodraethu / Governing Body")])
    document.add_heading("Official accounts", level=1)
    document.add_paragraph("These are the schools' accounts.")
    _details_table(document, [("Account", "School", "Managed by"),
                              ("Instagram @ysgoluwchraddllani", "Ysgol Uwchradd Llanidloes", "Marketing Officer"),
                              ("Facebook page", "Ysgol Gynradd Llanidloes", "School Office Manager")])
    document.add_heading("Frequently asked questions", level=1)
    document.add_paragraph().add_run("Can I share trip photos on my own Facebook?").bold = True
    document.add_paragraph("No. Trip photos go only on the official accounts.")

    data = imported_docx(document, tmp_path, "entries.docx")

    assert (data["version"], data["author"], data["agreed_by"], data["agreed_by_cy"]) == (
        "3", "Daniel Owen", "Governing Body", "Corff Llywodraethu")
    assert passages(data) == [
        "These are the schools' accounts.",
        "Account: Instagram @ysgoluwchraddllani; School: Ysgol Uwchradd Llanidloes; Managed by: Marketing Officer",
        "Account: Facebook page; School: Ysgol Gynradd Llanidloes; Managed by: School Office Manager",
        "Can I share trip photos on my own Facebook? No. Trip photos go only on the official accounts."]


@pytest.mark.parametrize("layout", ["typed with tabs", "four columns", "a column a language"])
def test_details_as_policy_owners_lay_them_out_in_word(layout: str, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Social Media Policy for Staff", style="Title")
    if layout == "typed with tabs":  # the text layout pasted into Word
        for line in ("Status\tVersion 2", "Policy Author\tDaniel Owen", "Next Review Date\tSpring 2030"):
            document.add_paragraph(line)
    elif layout == "four columns":
        _details_table(document, [("Status", "Version 2", "Date of Issue", "02.06.2026"),
                                  ("Policy Author", "Daniel Owen", "Next Review Date", "Spring 2030")])
    else:
        _details_table(document, [("", "English", "Cymraeg"), ("Status / Statws", "Version 2", "Fersiwn 2"),
                                  ("Policy Author", "Daniel Owen, Digital Lead", "Daniel Owen, Arweinydd Digidol"),
                                  ("Next Review Date", "Spring 2030", "Gwanwyn 2030")])
    document.add_heading("Personal use", level=1)
    document.add_paragraph("Keep your accounts private.")

    data = imported_docx(document, tmp_path)

    assert (data["version"], data["next_review"]) == ("2", "Spring 2030")
    assert passages(data) == ["Keep your accounts private."]
    assert data["author"] == ("Daniel Owen, Digital Lead" if layout == "a column a language" else "Daniel Owen")
    if layout == "a column a language":
        assert (data["author_cy"], data["status_cy"]) == ("Daniel Owen, Arweinydd Digidol", "Fersiwn 2")


def test_a_welsh_version_after_the_english_gives_its_headings_and_text_to_the_english(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Social Media Policy for Staff", style="Title")
    for heading, text in (("Personal use", "Keep your accounts private and do not add pupils."),
                          ("Photographs", "Use school devices for photographs of pupils."),
                          ("Atodiad: Fersiwn Gymraeg", "Mae'r fersiwn Gymraeg isod."),
                          ("Defnydd personol", "Cadwch eich cyfrifon yn breifat a pheidiwch ag ychwanegu disgyblion."),
                          ("Lluniau", "Defnyddiwch ddyfeisiau'r ysgol ar gyfer lluniau o ddisgyblion.")):
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    source = tmp_path / "appendix.docx"
    document.save(str(source))

    result = import_policy(source)

    assert [(s["heading_en"], s.get("heading_cy")) for s in result.data["sections"]] == [
        ("Personal use", "Defnydd personol"), ("Photographs", "Lluniau")]
    assert [p.get("text_cy") for s in result.data["sections"] for p in s["passages"]] == [
        "Cadwch eich cyfrifon yn breifat a pheidiwch ag ychwanegu disgyblion.",
        "Defnyddiwch ddyfeisiau'r ysgol ar gyfer lluniau o ddisgyblion."]
    assert any("Welsh version after the English" in w for w in noted(result.warnings))
    assert "Welsh cards quote the document's Welsh for all 2 passages" in noted(result.warnings)


def test_a_policy_set_out_in_english_and_welsh_side_by_side(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph().add_run("Social Media Policy / Polisi Cyfryngau Cymdeithasol").bold = True
    document.add_paragraph("Ffederasiwn Ysgolion Enghraifft Schools Federation")
    _details_table(document, [("Agreed by / Cytunwyd gan", "Governing Body / Corff Llywodraethu")])
    rows = [("English", "Cymraeg"), ("Contact with pupils", "Cysylltu â disgyblion"),
            ("Staff must use Hwb to contact pupils.", "Rhaid i staff ddefnyddio Hwb i gysylltu â disgyblion."),
            ("Personal use", "Defnydd personol"),
            ("Staff must not:\naccept friend requests from pupils;\npost photographs of pupils.",
             "Ni ddylai staff:\nderbyn ceisiadau ffrind gan ddisgyblion;\npostio lluniau o ddisgyblion.")]
    table = document.add_table(rows=len(rows), cols=2)
    for row, (english, welsh) in zip(table.rows, rows, strict=True):
        for cell, text in ((row.cells[0], english), (row.cells[1], welsh)):
            first, *more = text.split("\n")
            cell.text = first
            for line in more:
                cell.add_paragraph(line)

    data = imported_docx(document, tmp_path, "bilingual.docx")

    assert [(s["heading_en"], s["heading_cy"], [p["text"] for p in s["passages"]]) for s in data["sections"]] == [
        ("Contact with pupils", "Cysylltu â disgyblion", ["Staff must use Hwb to contact pupils."]),
        ("Personal use", "Defnydd personol", ["Staff must not: accept friend requests from pupils;",
                                              "Staff must not: post photographs of pupils."])]
    assert [p.get("text_cy") for s in data["sections"] for p in s["passages"]] == [
        "Rhaid i staff ddefnyddio Hwb i gysylltu â disgyblion.", "Ni ddylai staff: derbyn ceisiadau ffrind gan "
        "ddisgyblion;", "Ni ddylai staff: postio lluniau o ddisgyblion."]
    assert (data["title_en"], data["title_cy"], data["federation"], data["agreed_by"], data["agreed_by_cy"]) == (
        "Social Media Policy", "Polisi Cyfryngau Cymdeithasol", "Ffederasiwn Ysgolion Enghraifft Schools Federation",
        "Governing Body", "Corff Llywodraethu")


def test_a_summary_of_changes_is_no_passage_and_a_details_row_the_bot_does_not_show_is_no_note(
        tmp_path: Path) -> None:
    source = tmp_path / "revised.txt"
    source.write_text(
        "Social Media Policy for Staff\n\nSummary of changes\nSection\tChange made in this version\n"
        "Personal use\tNew paragraph on privacy settings.\n\nPersonal use\nKeep your accounts private.\n\n"
        "Changes since version 1\n- Privacy settings are now checked each term.\n\n"
        "Document control\nStatus\tVersion 2\nReviewed by\tStaffing Committee\nNext Review Date\tSpring 2030\n",
        encoding="utf-8")

    result = import_policy(source)

    assert headed(result.data) == [
        ("Personal use", ["Keep your accounts private."])]
    assert result.data["version"] == "2" and result.data["next_review"] == "Spring 2030"
    assert not any("details row" in w for w in noted(result.warnings))


def test_a_request_form_in_an_appendix_gives_no_passages(tmp_path: Path) -> None:
    """A form's labels over lines to fill in, its sub-heading over a table of empty boxes, and a history table's
    label: the form is for filling in, not a rule to quote; a declaration's sentences are kept."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("School accounts", level=1)
    document.add_paragraph("Ask the headteacher before you open a class account.")
    document.add_paragraph("Version history")
    _details_table(document, [("Version", "Date", "Summary of changes"), ("2", "May 2025", "Forms added")])
    document.add_heading("Appendix A: Request to open a class account", level=1)
    document.add_paragraph("Name of member of staff: ______________________")
    document.add_paragraph("Purpose of the account and who it is for:")
    document.add_paragraph("________________________________________________")
    document.add_paragraph("For the headteacher")
    _details_table(document, [("Decision", ""), ("Reason (if not approved)", ""), ("Signed", ""), ("Date", "")])
    document.add_heading("Appendix B: Declaration", level=1)
    document.add_paragraph("I confirm that I have read this policy.")
    document.add_paragraph("Signature: ________________")

    data = imported_docx(document, tmp_path, "forms.docx")

    assert headed(data) == [
        ("School accounts", ["Ask the headteacher before you open a class account."]),
        ("Appendix B: Declaration", ["I confirm that I have read this policy."])]


def test_details_in_a_section_of_their_own_at_the_end(tmp_path: Path) -> None:
    data = imported_text(tmp_path, (
        "Staff Social Media Policy\n\nPersonal accounts\n\nKeep your profile private.\n\nAppendix A: Request form\n\n"
        "Name: ______________\n\nApproval\n\nPolicy author: Mr S. Fairley, Executive Headteacher\n"
        "Approved by: Federation Governing Body\nDate approved: 9 July 2025\nVersion: 2\nNext review: July 2027\n"))

    expected = {"author": "Mr S. Fairley, Executive Headteacher", "agreed_by": "Federation Governing Body",
                "date_of_issue": "2025-07-09", "version": "2", "next_review": "July 2027"}
    assert details_of(data, *expected) == expected
    assert [s["heading_en"] for s in data["sections"]] == ["Personal accounts"]  # the form and the details: no rules


def test_colon_headings_hand_numbered_paragraphs_and_details_in_the_page_footer(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    for text in ("Purpose of this policy:", "1.\tThis policy explains what the school expects of staff online.",
                 "Personal accounts:", "2.\tStaff must not:", "a)\tfollow learners on any personal account;",
                 "b)\tpost about learners.", "3.\tBlock a learner who follows you."):
        document.add_paragraph(text)
    document.sections[0].header.paragraphs[0].text = "Ysgol Penrhos Uchaf – Staff Social Media Policy"
    document.sections[0].footer.paragraphs[0].text = (
        "Version 1.3 | Approved by the Governing Body 6 February 2025 | Next review February 2027 | "
        "Policy owner: Ms Dawn Probert, Assistant Headteacher | Page 1")

    data = imported_docx(document, tmp_path, "colons.docx")

    assert headed(data) == [
        ("Purpose of this policy", ["This policy explains what the school expects of staff online."]),
        ("Personal accounts", ["Staff must not: follow learners on any personal account;",
                               "Staff must not: post about learners.", "Block a learner who follows you."])]
    expected = {"version": "1.3", "agreed_by": "Governing Body", "next_review": "February 2027",
                "author": "Ms Dawn Probert, Assistant Headteacher"}
    assert details_of(data, *expected) == expected


def test_a_policy_laid_out_as_a_table_of_headings_beside_their_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    table = document.add_table(rows=3, cols=2)
    rows = [("Purpose", ["This policy sets out how staff use social media, both for school and in their own private "
                         "lives, and how the school protects its pupils.", "Read it with the Code of Conduct."]),
            ("Personal accounts", ["We respect the right of staff to a private life online, but anything posted can "
                                   "be copied and shared.", "• Set accounts to private.", "• Never add pupils."]),
            ("Photographs", ["Photographs of pupils may only be taken on school iPads and must be deleted from the "
                             "device at the end of each half term, once they are saved."])]
    for row, (heading, paragraphs) in zip(table.rows, rows, strict=True):
        row.cells[0].text = heading
        row.cells[1].text = paragraphs[0]
        for paragraph in paragraphs[1:]:
            row.cells[1].add_paragraph(paragraph)

    data = imported_docx(document, tmp_path, "table.docx")

    assert [(s["heading_en"], len(s["passages"])) for s in data["sections"]] == [
        ("Purpose", 2), ("Personal accounts", 3), ("Photographs", 1)]
    assert passages(data)[3:5] == ["Set accounts to private.", "Never add pupils."]


def test_a_dated_details_line_among_other_text_is_a_detail(tmp_path: Path) -> None:
    data = imported_text(tmp_path, (
        "Staff Social Media Policy\n\nPersonal accounts\n\nKeep your profile private.\n\nAdoption by the school\n\n"
        "This model policy was prepared by the council and adopted by the school.\n\nHeadteacher: Mrs Nia Howells\n\n"
        "Date of next review: Autumn Term 2026\n\nReview: the headteacher reads new guidance each term.\n"))

    assert (data["next_review"], data["review_date"]) == ("Autumn Term 2026", "2026-12-31")
    assert "Date of next review: Autumn Term 2026" not in passages(data)
    assert "Review: the headteacher reads new guidance each term." in passages(data)  # names no date: a rule


WORD = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MARKUP = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def test_tracked_changes_are_read_accepted_and_text_boxes_are_passages(tmp_path: Path) -> None:
    """A draft with changes not yet accepted, and a "Remember:" box (with the old-style copy Word keeps of it)."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Personal accounts", level=1)
    tracked = document.add_paragraph()
    tracked._p.append(parse_xml(f'<w:r {WORD}><w:t xml:space="preserve">Staff must not accept requests from </w:t>'
                                '</w:r>'))
    tracked._p.append(parse_xml(f'<w:del {WORD} w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r>'
                                '<w:delText>pupils.</w:delText></w:r></w:del>'))
    tracked._p.append(parse_xml(f'<w:ins {WORD} w:id="2" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r>'
                                '<w:t>pupils or parents.</w:t></w:r></w:ins>'))
    box = ("<w:txbxContent><w:p><w:r><w:t>Remember: former pupils count as pupils until they are 18.</w:t></w:r></w:p>"
           "</w:txbxContent>")
    anchor = document.add_paragraph("Keep your profile private.")
    anchor._p.append(parse_xml(f'<w:r {WORD} {MARKUP}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
                               f'{box}</w:drawing></mc:Choice><mc:Fallback><w:pict>{box}</w:pict></mc:Fallback>'
                               '</mc:AlternateContent></w:r>'))
    source = tmp_path / "draft.docx"
    document.save(str(source))

    result = import_policy(source)

    assert passages(result.data) == ["Staff must not accept requests from pupils or parents.",
                                     "Keep your profile private.",
                                     "Remember: former pupils count as pupils until they are 18."]
    assert noted(result.warnings)[0].startswith("the document has tracked changes that are not accepted")


def test_a_policy_saved_from_the_schools_website_with_revision_marks(tmp_path: Path) -> None:
    data = imported_text(tmp_path, (
        "Skip to main content\nCoed Derw High School\nHome &gt; Parents &gt; Policies &gt; Staff Social Media Policy\n"
        "Staff Social Media Policy\n\nApproved by: Governing Body&nbsp;| Version: 2024-1 | "
        "Review date: September 2025\n\nPersonal accounts\n\n"
        "Staff must keep accounts private &amp; must not add pupils.\n\n"
        "NEW: Staff must not promote a private business to parents.\n\n"
        "Staff must reply within two days. (updated &ndash; previously &quot;within a week&quot;)\n\n"
        "Appendix 1: Useful contacts\n\nHeadteacher &ndash; Mr Gareth Llewellyn &ndash; 01656 555 210\n"))

    assert (data["title_en"], data["federation"], data["agreed_by"], data["version"], data["next_review"]) == (
        "Staff Social Media Policy", "Coed Derw High School", "Governing Body", "2024-1", "September 2025")
    assert headed(data) == [
        ("Personal accounts", ["Staff must keep accounts private & must not add pupils.",
                               "Staff must not promote a private business to parents.",
                               "Staff must reply within two days."]),
        ("Appendix 1: Useful contacts", ["Headteacher – Mr Gareth Llewellyn – 01656 555 210"])]


def test_a_table_of_situations_and_what_to_do_a_title_in_the_subtitle_and_details_at_the_end(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Pont-y-Glyn Federation", style="Title")
    document.add_paragraph("Staff Social Media Policy", style="Subtitle")
    document.add_heading("What to do", level=1)
    _details_table(document, [("Scenario", "What to do"),
                              ("A pupil sends you a friend request.", "Do not accept it. Tell the DSP the same day."),
                              ("A parent messages you about their child.", "Reply once, pointing them to the office.")])
    document.add_heading("Policy information", level=1)
    _details_table(document, [("Version", "Approved by", "Next review"), ("1.2", "Trust Board", "July 2026")])

    data = imported_docx(document, tmp_path, "scenarios.docx")

    assert (data["title_en"], data["federation"], data["version"], data["agreed_by"]) == (
        "Staff Social Media Policy", "Pont-y-Glyn Federation", "1.2", "Trust Board")
    assert passages(data) == ["A pupil sends you a friend request. Do not accept it.", "Tell the DSP the same day.",
                              "A parent messages you about their child. Reply once, pointing them to the office."]


def test_a_pdf_footer_a_header_table_of_details_and_a_welsh_title_over_the_english(tmp_path: Path) -> None:
    document = docx.Document()
    for text in ("Polisi Cyfryngau Cymdeithasol i Staff", "Staff Social Media Policy",
                 "This is the policy of Ysgol Uwchradd Pen-y-Garth; it replaces version 2 of 2022."):
        document.add_paragraph(text)
    document.add_heading("Contact with pupils", level=1)
    document.add_paragraph("Staff must not contact pupils through personal accounts.")
    document.add_paragraph("Staff Social Media Policy v3 – Ysgol Uwchradd Pen-y-Garth – Page 1 of 3")
    header = document.sections[0].header.add_table(rows=2, cols=4, width=docx.shared.Cm(16))
    for row, values in zip(header.rows, [("Version", "3", "Review date", "Spring Term 2027"),
                                         ("Approved by", "Governing Body", "Date approved", "6 February 2025")],
                           strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value

    data = imported_docx(document, tmp_path, "header.docx")

    assert (data["title_en"], data["title_cy"]) == (
        "Staff Social Media Policy", "Polisi Cyfryngau Cymdeithasol i Staff")
    expected = {"version": "3", "next_review": "Spring Term 2027", "agreed_by": "Governing Body",
                "date_of_issue": "2025-02-06"}
    assert details_of(data, *expected) == expected
    assert passages(data)[-1] == "Staff must not contact pupils through personal accounts."


def test_a_text_file_saved_from_word_keeps_bullets_that_start_with_a_tab(tmp_path: Path) -> None:
    data = imported_text(tmp_path, "Social Media Policy\n\nVersion\t2\nAgreed by\tGovernors\n\nPersonal accounts\n\n"
                         "Staff keep their accounts private.\n\u2022\tDon\u2019t post photographs of pupils.\n"
                         "Signed: ..........\n")

    assert passages(data) == ["Staff keep their accounts private.", "Don\u2019t post photographs of pupils."]


def test_a_bilingual_document_gives_its_english_policy_with_welsh_headings(tmp_path: Path) -> None:
    """As Welsh-medium schools publish: each section in Welsh, then in English."""
    document = docx.Document()
    document.add_paragraph("Polisi Cyfryngau Cymdeithasol Staff / Staff Social Media Policy", style="Title")
    _details_table(document, [("Fersiwn / Version", "3"), ("Cytunwyd gan / Agreed by", "Corff Llywodraethu")])
    for welsh, english in ((("Cyfrifon personol", "Mae gan staff hawl i fywyd preifat ac maen nhw'n cadw eu "
                             "cyfrifon yn breifat."),
                            ("Personal accounts", "Staff have a right to a private life and keep their accounts "
                             "private.")),
                           (("Lluniau a fideo", "Dim ond ar iPads yr ysgol y ceir tynnu lluniau o ddisgyblion."),
                            ("Photographs and video", "Photographs of pupils may be taken only on school iPads."))):
        for heading, text in (welsh, english):
            document.add_heading(heading, level=1)
            document.add_paragraph(text)

    data = imported_docx(document, tmp_path, "dwyieithog.docx")

    assert (data["title_en"], data["title_cy"], data["version"]) == (
        "Staff Social Media Policy", "Polisi Cyfryngau Cymdeithasol Staff", "3")
    assert [(s["heading_en"], s["heading_cy"]) for s in data["sections"]] == [
        ("Personal accounts", "Cyfrifon personol"), ("Photographs and video", "Lluniau a fideo")]
    assert passages(data) == ["Staff have a right to a private life and keep their accounts private.",
                              "Photographs of pupils may be taken only on school iPads."]
    assert [p["text_cy"] for s in data["sections"] for p in s["passages"]] == [
        "Mae gan staff hawl i fywyd preifat ac maen nhw'n cadw eu cyfrifon yn breifat.",
        "Dim ond ar iPads yr ysgol y ceir tynnu lluniau o ddisgyblion."]


def test_each_english_paragraph_takes_the_welsh_paragraph_beside_it_sentence_for_sentence(tmp_path: Path) -> None:
    """A paragraph in English, then the same in Welsh: a passage quotes on Welsh cards only the Welsh sentences that
    say what it says; where the Welsh has another number of sentences, the English paragraph's passages have none."""
    source = tmp_path / "bilingual.txt"
    source.write_text(
        "Staff Social Media Policy / Polisi Cyfryngau Cymdeithasol Staff\n\nPhotographs / Lluniau\n\n"
        "Do not post photographs of pupils on personal accounts. Photographs for the school account need consent.\n\n"
        "Peidiwch â phostio lluniau o ddisgyblion ar gyfrifon personol. Mae angen caniatâd ar gyfer lluniau ar "
        "gyfrif yr ysgol.\n\n"
        "Use school devices only. Delete photographs at the end of the term.\n\n"
        "Defnyddiwch ddyfeisiau'r ysgol yn unig, a dilëwch y lluniau ar ddiwedd y tymor.\n", encoding="utf-8")

    result = import_policy(source)

    shown = [(p["text"], p.get("text_cy")) for s in result.data["sections"] for p in s["passages"]]
    assert shown == [
        ("Do not post photographs of pupils on personal accounts.",
         "Peidiwch â phostio lluniau o ddisgyblion ar gyfrifon personol."),
        ("Photographs for the school account need consent.",
         "Mae angen caniatâd ar gyfer lluniau ar gyfrif yr ysgol."),
        ("Use school devices only.", None), ("Delete photographs at the end of the term.", None)]
    assert any(w.startswith("Welsh cards quote the document's Welsh for 2 of 4 passages")
               for w in noted(result.warnings))


def test_a_cover_with_the_school_above_the_title_and_details_in_plain_lines(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("TYWI VALLEY HIGH SCHOOL")
    document.add_paragraph("Social Media Policy for Staff")
    document.add_paragraph("Approved by the Governing Body on 21 November 2024")
    document.add_paragraph("Version 2.1")
    document.add_heading("Purpose", level=1)
    document.add_paragraph("This policy explains how staff use social media.")

    data = imported_docx(document, tmp_path, "cover.docx")

    assert (data["title_en"], data["federation"], data["version"], data["agreed_by"]) == (
        "Social Media Policy for Staff", "TYWI VALLEY HIGH SCHOOL", "2.1", "Governing Body")
    assert passages(data) == ["This policy explains how staff use social media."]


@pytest.mark.parametrize(("line", "agreed_by", "issued"), [
    ("Approved by the Governing Body on 21 November 2024", "Governing Body", "2024-11-21"),
    ("Ratified by governors: 14 March 2026", "governors", "2026-03-14"),
    ("Adopted by the Full Governing Body 14.03.2026", "Full Governing Body", "2026-03-14"),
])
@pytest.mark.parametrize("styled", [True, False])
def test_a_cover_line_saying_who_approved_it_and_when_gives_both(line: str, agreed_by: str, issued: str, styled: bool,
                                                                  tmp_path: Path) -> None:
    # The day of approval stands for the date of issue when none is given; the cover line's date was dropped.
    document = docx.Document()
    document.add_paragraph("Social Media Policy for Staff", style="Title")
    document.add_paragraph(line)
    for heading, text in (("Purpose", "This policy explains how staff use social media."),
                          ("Breaches", "Breaches may lead to disciplinary action.")):
        if styled:
            document.add_heading(heading, level=1)
        else:
            document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(text)

    data = imported_docx(document, tmp_path, "cover.docx")

    expected = {"agreed_by": agreed_by, "date_of_issue": issued}
    assert details_of(data, *expected) == expected


def test_a_date_approved_row_wins_over_the_date_in_an_approval_line(tmp_path: Path) -> None:
    data = imported_text(tmp_path, "Staff Policy\n\nApproved by the Governing Body on 21 November 2024\n"
                                   "Date of issue\t1 January 2025\n\nPurpose\n\nAsk first.\n")

    expected = {"agreed_by": "Governing Body", "date_of_issue": "2025-01-01"}
    assert details_of(data, *expected) == expected


def test_a_markdown_text_file(tmp_path: Path) -> None:
    # as a policy kept in a wiki or a Git repository is saved
    data = imported_text(tmp_path, "# Social Media Policy for Staff\n\n**Version:** 1.2\n**Approved by:** Full "
                         "Governing Body\n\n## 1. About this policy\n\nIt covers every member of staff.\n\n## 2. "
                         "Talking to parents\n\n- Use the school app, never **your own** number.\n", "policy.md")

    assert (data["title_en"], data["version"], data["agreed_by"]) == (
        "Social Media Policy for Staff", "1.2", "Full Governing Body")
    assert [s["heading_en"] for s in data["sections"]] == ["About this policy", "Talking to parents"]
    assert passages(data) == ["It covers every member of staff.", "Use the school app, never your own number."]


def _versioned(tmp_path: Path, kind: str, line: str, *, details: str = "") -> dict[str, Any]:
    """A short policy with `line` under its title (and `details`, "Label: value" lines), as Markdown, text or Word."""
    body = [("Purpose", "This policy sets out how staff use social media."),
            ("Personal use", "Staff must not accept friend requests from pupils.")]
    extra = details.splitlines()
    if kind == "docx":
        document = docx.Document()
        document.add_paragraph("Social Media Policy for Staff", style="Title")
        for text in [line, *extra]:
            document.add_paragraph(text)
        for heading, text in body:
            document.add_heading(heading, level=1)
            document.add_paragraph(text)
        return imported_docx(document, tmp_path)
    mark = {"md": ("# ", "## "), "txt": ("", "")}[kind]
    text = "\n\n".join([f"{mark[0]}Social Media Policy for Staff", line, *extra,
                         *(f"{mark[1]}{heading}\n\n{text}" for heading, text in body)]) + "\n"
    return imported_text(tmp_path, text, f"policy.{kind}")


@pytest.mark.parametrize("kind", ["md", "txt", "docx"])
@pytest.mark.parametrize(("line", "version", "issued"), [
    ("Version 2, issued 01/09/2026", "2", "2026-09-01"),
    ("Version 1, issued 12.10.2022", "1", "2022-10-12"),
    ("Version 3 – issued 1 September 2026", "3", "2026-09-01"),
    ("Version 2.1 (issued 01/09/2026)", "2.1", "2026-09-01"),
    ("Version 2; date of issue 01/09/2026", "2", "2026-09-01"),
    ("Version 2, issued to all staff", "2", None),
])
def test_a_version_line_with_its_date_of_issue_gives_both(kind: str, line: str, version: str, issued: str | None,
                                                          tmp_path: Path) -> None:
    """A Markdown policy's "Version 2, issued 01/09/2026" gave the version and dropped the date (as a text file or a
    Word document did: the version line's reader took the rest as part of it); with a day, "12.10.2022", the line
    was not read at all. Every reader now gives the date of issue; words that are no date ("to all staff") none."""
    data = _versioned(tmp_path, kind, line)

    expected = {"version": version, "date_of_issue": issued}
    assert details_of(data, *expected) == expected
    assert passages(data) == ["This policy sets out how staff use social media.",
                              "Staff must not accept friend requests from pupils."]


@pytest.mark.parametrize("kind", ["md", "txt", "docx"])
def test_a_date_of_issue_row_is_read_before_the_version_lines_date(kind: str, tmp_path: Path) -> None:
    data = _versioned(tmp_path, kind, "Version 2, issued 01/09/2026", details="Date of issue: 14.10.2026")

    expected = {"version": "2", "date_of_issue": "2026-10-14"}
    assert details_of(data, *expected) == expected


def test_a_markdown_version_line_in_italics_reads_as_in_a_text_file(tmp_path: Path) -> None:
    """Markdown's other italics, "_…_", were left on the line: "_Version 2, issued 01/09/2026_" was no detail but a
    passage, in a section named after the title. Underscores inside a word or an address stay."""
    data = imported_text(tmp_path, "# Social Media Policy for Staff\n\n_Version 2, issued 01/09/2026_\n\n## Purpose\n\n"
                         "Staff must _never_ share a password.\n\n## Personal use\n\nSee "
                         "intranet/social_media_guide_2026 for the forms.\n", "policy.md")

    expected = {"version": "2", "date_of_issue": "2026-09-01"}
    assert details_of(data, *expected) == expected
    assert headed(data) == [("Purpose", ["Staff must never share a password."]),
                            ("Personal use", ["See intranet/social_media_guide_2026 for the forms."])]


@pytest.mark.parametrize(("table", "expected"), [
    ("| Version | Date of issue |\n|---|---|\n| 2 | 01/09/2026 |",
     {"version": "2", "date_of_issue": "2026-09-01", "next_review": None}),
    ("| Version | Issued | Next review |\n|:---|:---:|---:|\n| 2 | 01/09/2026 | Summer 2028 |",
     {"version": "2", "date_of_issue": "2026-09-01", "next_review": "Summer 2028"}),
])
def test_a_markdown_table_of_labels_over_their_values_gives_the_details(table: str, expected: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    """As a Word table of labels over one row of values does. Markdown gave the version as "Date of issue" (two
    columns: the label row read as a "Version" row) or made the row a passage (three)."""
    data = imported_text(tmp_path, f"# Social Media Policy for Staff\n\n{table}\n\n## Purpose\n\nStaff use social "
                         "media with care.\n", "policy.md")

    assert details_of(data, *expected) == expected
    assert headed(data) == [("Purpose", ["Staff use social media with care."])]


def test_a_staff_wiki_page_in_markdown(tmp_path: Path) -> None:
    data = imported_text(
        tmp_path,
        "---\ntitle: Social Media Policy\npublished: true\n---\n\n[Staff Wiki](/) › [Policies](/policies) › Social "
        "Media Policy\n\n# Social Media Policy for Staff\n\n| | |\n|---|---|\n| **Status** | Version 2.2 |\n"
        "| **Agreed by** | Governing Body |\n\n**On this page**\n\n- [Photos](#photos)\n- [Personal use](#personal-use)"
        "\n\n## Photos\n\nCheck the consent list before\nposting **any** image.\n\n"
        "| Code | Meaning | On social media? |\n|---|---|---|\n| A | Consent for all uses | Yes |\n"
        "| N | No consent | No |\n\n## Personal use\n\n"
        "- Do not use the school logo on\n  your own pages.\n\n---\n\n*Related pages:* [Safeguarding](/s) · "
        "[Code of Conduct](/c) · [Edit this page](/e)\n", "wiki.md")

    assert (data["title_en"], data["version"], data["agreed_by"]) == (
        "Social Media Policy for Staff", "2.2", "Governing Body")
    assert [s["heading_en"] for s in data["sections"]] == ["Photos", "Personal use"]
    assert passages(data) == ["Check the consent list before posting any image.",
                              "Code: A; Meaning: Consent for all uses; On social media?: Yes",
                              "Code: N; Meaning: No consent; On social media?: No",
                              "Do not use the school logo on your own pages."]


def test_text_pasted_from_a_pdf_loses_its_page_numbers_and_running_header(tmp_path: Path) -> None:
    page = "Afon Lwyd Schools Federation - Staff Social Media Policy"
    data = imported_text(tmp_path, f"Staff Social Media Policy\n\nVersion\t4\n\n{page}\n\nIntroduction\n\nStaff use "
                         f"social media with care.\n\nPage 1 of 3\n\n{page}\n\nImages of pupils\n\nOnly school "
                         f"devices take photos.\n\nPage 2 of 3\n\n{page}\n\nReview\n\nThe head reviews it yearly."
                         "\n\nPage 3 of 3\n")

    assert [s["heading_en"] for s in data["sections"]] == ["Introduction", "Images of pupils", "Review"]
    assert passages(data) == ["Staff use social media with care.", "Only school devices take photos.",
                              "The head reviews it yearly."]


@pytest.mark.parametrize("title_style", ["Title", "bold"])
def test_headings_typed_as_bold_numbered_list_items(title_style: str, tmp_path: Path) -> None:
    document = docx.Document()
    if title_style == "Title":
        document.add_paragraph("Online Conduct Policy for Staff", style="Title")
    else:  # the school's name and the title typed bold, as the numbered headings are
        document.add_paragraph().add_run("YSGOL ENGHRAIFFT").bold = True
        document.add_paragraph().add_run("Online Conduct Policy for Staff").bold = True
    for heading, body in (("Introduction", "All adults show respect online."), ("Personal accounts",
                                                                                 "Keep accounts private.")):
        document.add_paragraph(style="List Number").add_run(heading).bold = True
        document.add_paragraph(body, style="List Number")

    data = imported_docx(document, tmp_path, "listed.docx")

    assert data["title_en"] == "Online Conduct Policy for Staff"
    assert [s["heading_en"] for s in data["sections"]] == ["Introduction", "Personal accounts"]


def test_a_version_history_gives_the_version_and_an_introduction_says_who_wrote_it(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Guidance", style="Title")
    document.add_heading("About this guidance", level=1)
    document.add_paragraph("It tells staff what is expected online. It was written by Owain Jarman, Digital Lead, "
                           "and approved by the governors.")
    document.add_heading("Personal accounts", level=1)
    document.add_paragraph("Keep your accounts private.")
    document.add_heading("Version history", level=1)
    _details_table(document, [("Version", "Date", "Change", "By"), ("1.0", "September 2023", "First draft", "O. J."),
                              ("2.0", "January 2025", "WhatsApp added", "O. J.")])
    document.add_paragraph("Next review: January 2030, or sooner if national guidance changes.")

    data = imported_docx(document, tmp_path, "guidance.docx")

    assert (data["version"], data["author"], data["agreed_by"], data["review_date"]) == (
        "2.0", "Owain Jarman, Digital Lead", "governors", "2030-01-31")
    assert passages(data) == ["It tells staff what is expected online.", "Keep your accounts private."]


def test_a_tracked_change_in_the_details_table_is_read_accepted(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    _details_table(document, [("Status", "Version "), ("Next Review Date", "")])
    table = document.tables[0]
    for cell, inserted in ((table.cell(0, 1), "2"), (table.cell(1, 1), "Summer 2030")):
        cell.paragraphs[0]._p.append(parse_xml(
            f'<w:ins {WORD} w:id="9" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:t>{inserted}</w:t></w:r>'
            "</w:ins>"))
    document.add_heading("Personal accounts", level=1)
    document.add_paragraph("Keep your accounts private.")

    data = imported_docx(document, tmp_path, "tracked.docx")

    assert (data["status"], data["version"], data["next_review"]) == ("Version 2", "2", "Summer 2030")


def test_text_copied_from_a_pdf_page_breaks_ligatures_and_a_table_one_cell_to_a_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = imported_text(tmp_path, "Staff Social Media Policy\n\nContact\n\nAsk the ofﬁce ﬁrst.\n\f\nPhotos\n\n"
                                   "Use school devices.\n")
    assert passages(data) == ["Ask the office first.", "Use school devices."]

    source = tmp_path / "table.txt"
    source.write_text("Staff Social Media Policy\n\nPhotos\n\nSee the table.\n\f\nType of image\nConsent needed"
                      "\nWhere it may be shared\nGroup photo\nNone\n", encoding="utf-8")
    assert import_policy_command([str(source), "--out", str(tmp_path / "t.json")]) == 1
    assert "line 7 to line 11 are short lines with no full stops" in capsys.readouterr().err


def test_a_cover_table_of_labels_over_values_and_details_in_both_languages(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Social Media and Online Conduct Policy", style="Title")
    _details_table(document, [("Policy owner", "Approved by", "Date approved", "Next review"),
                              ("Director of People", "Y Corff Llywodraethu / Governing Body", "8 July 2025",
                               "Gwanwyn 2027 / Spring 2027"),
                              ("Version", "Published on website", "Statutory?", "Applies to"),
                              ("3.0", "Yes", "No", "Every school of the trust")])
    document.add_heading("Purpose", level=1)
    document.add_paragraph("Staff keep accounts private.")
    _details_table(document, [("Signed", "______________"), ("Date", "______")])

    data = imported_docx(document, tmp_path, "trust.docx")

    assert (data["author"], data["agreed_by"], data["agreed_by_cy"], data["date_of_issue"], data["next_review"],
            data["next_review_cy"], data["version"]) == (
        "Director of People", "Governing Body", "Y Corff Llywodraethu", "2025-07-08", "Spring 2027", "Gwanwyn 2027",
        "3.0")
    assert passages(data) == ["Staff keep accounts private."]


def test_a_council_model_policy_keeps_its_own_title_under_the_councils_name(tmp_path: Path) -> None:
    document = docx.Document()
    for line in ("GLANYRAFON COUNTY BOROUGH COUNCIL", "Education and Learning Directorate", "MODEL POLICY FOR SCHOOLS",
                 "Staff Use of Social Media"):
        document.add_paragraph(line)
    document.add_heading("1. Introduction", level=1)
    document.add_paragraph("The council expects staff to use social media with care.")

    data = imported_docx(document, tmp_path, "model.docx")

    assert (data["title_en"], data["federation"]) == ("Staff Use of Social Media", "GLANYRAFON COUNTY BOROUGH COUNCIL")


def test_underlined_headings_and_labels_over_values_in_text(tmp_path: Path) -> None:
    """A .txt with headings underlined by ==== or ----, and one exported from Google Docs, whose details table
    comes out a label on one line, its value on the next."""
    why = ("This policy keeps pupils and staff safe online, and it says what the federation expects of every member of "
           "staff who uses social media at work or at home.")
    post = ("Only the class teacher or the school office posts on a school page, and every post is checked by a second "
            "member of staff before it goes out.")
    data = imported_text(tmp_path, "SOCIAL MEDIA POLICY FOR STAFF\n=============================\n\n"
                         "Policy owner\nMrs R. Beddoe, Deputy Headteacher\nApproved by\nGoverning Body\n\n"
                         f"1. Why we have this policy\n==========================\n\n{why}\n\n"
                         f"1.1 Who can post\n----------------\n\n{post}\n")

    assert (data["title_en"], data["author"], data["agreed_by"]) == (
        "SOCIAL MEDIA POLICY FOR STAFF", "Mrs R. Beddoe, Deputy Headteacher", "Governing Body")
    assert [s["heading_en"] for s in data["sections"]] == ["Why we have this policy", "Who can post"]
    assert passages(data) == [why, post]


def test_headings_in_one_cell_tables_a_typed_contents_list_and_a_name_shared_by_both_languages(
        tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Social Media Policy for Staff", style="Title")
    _details_table(document, [("Author", "Dr M. Jenkins, Pennaeth Cynorthwyol / Assistant Headteacher")])
    document.add_paragraph().add_run("Contents").bold = True
    document.add_paragraph("Our vision 2")
    for heading, body in (("Our vision", "Staff are role models online."), ("Governors", "Governors follow it too.")):
        _details_table(document, [(heading,)])
        document.add_paragraph(body)

    data = imported_docx(document, tmp_path, "boxed.docx")

    assert [s["heading_en"] for s in data["sections"]] == ["Our vision", "Governors"]
    assert (data["author"], data["author_cy"]) == ("Dr M. Jenkins, Assistant Headteacher",
                                                   "Dr M. Jenkins, Pennaeth Cynorthwyol")


def test_numbered_clauses_in_word_are_quoted_without_their_numbers(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("3. Academy accounts", level=1)
    document.add_paragraph("3.3.1 Only post images of pupils whose parents have given written consent.")
    document.add_paragraph("3.3.2 Never tag a pupil.")
    source = tmp_path / "clauses.docx"
    document.save(str(source))

    assert passages(imported(source, tmp_path)) == [
        "Only post images of pupils whose parents have given written consent.", "Never tag a pupil."]


def test_one_heading_without_welsh_is_counted_in_the_singular(tmp_path: Path) -> None:
    source = tmp_path / "revised.txt"
    source.write_text("Social Media Policy for Staff\n\nLEGISLATION\n\nThe law applies online.\n\n"
                      "Generative AI tools\n\nDo not paste pupils' work into AI tools.\n", encoding="utf-8")

    result = import_policy(source, current=load_policy(DEFAULT_POLICY_FILE))

    assert any(w.startswith("1 of 2 headings has no Welsh") for w in noted(result.warnings)), noted(result.warnings)


def test_the_same_heading_twice_is_named_in_a_note(tmp_path: Path) -> None:
    """A section pasted twice under the same heading: both are kept, each with its own id, and the owner is told
    which heading the sections card would list twice."""
    source = write(tmp_path, "revised.txt", "Social Media Policy for Staff\n\n"
                   "Legislation\n\nStaff must follow the law on data protection.\n\n"
                   "Personal use\n\nStaff must not use the school logo on their personal pages.\n\n"
                   "3. LEGISLATION\n\nStaff must follow copyright law when posting.\n")

    result = import_policy(source)

    assert [(s["id"], s["heading_en"]) for s in result.data["sections"]] == [
        ("legislation", "Legislation"), ("personal-use", "Personal use"), ("legislation-2", "LEGISLATION")]
    assert [w for w in noted(result.warnings) if "Legislation" in w] == [
        "the heading 'Legislation' is used for 2 sections: the sections card lists it twice: give each its own "
        "heading, or join them"]


# A real Word document's mess (the policy owner's probes of 5 December 2026)


def test_soft_hyphens_zero_width_spaces_and_ligatures_in_word_text_are_dropped(tmp_path: Path) -> None:
    """Text pasted into Word from a web page or a PDF keeps marks no reader sees ("safe\u00adguarding"): a question
    about safeguarding must find the word, and the quote must not carry them."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("E-safe\u00adty", level=1)
    document.add_paragraph("Mr\u00a0Jones is the safe\u00adguarding lead for Llan\u00adidloes.")
    document.add_paragraph("Use\u200b the school\u200b account; ask the of\ufb01ce\ufeff first.")

    data = imported_docx(document, tmp_path)

    assert headed(data) == [("E-safety", ["Mr Jones is the safeguarding lead for Llanidloes.",
                                          "Use the school account; ask the office first."])]


def test_a_paragraph_mark_deleted_under_tracked_changes_joins_it_to_the_next(tmp_path: Path) -> None:
    """Two paragraphs joined in a draft with Track Changes on: Word's "Accept all" makes them one, so the rule is
    quoted whole, not as "Staff must not accept friend requests" and a fragment."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Personal accounts", level=1)
    joined = document.add_paragraph("Staff must not accept friend requests")
    joined._p.insert(0, parse_xml(f'<w:pPr {WORD}><w:rPr><w:del w:id="3" w:author="A" '
                                  'w:date="2026-01-01T00:00:00Z"/></w:rPr></w:pPr>'))
    document.add_paragraph(" from pupils or parents.")
    document.add_paragraph("Keep your profile private.")

    data = imported_docx(document, tmp_path, "draft.docx")

    assert passages(data) == ["Staff must not accept friend requests from pupils or parents.",
                              "Keep your profile private."]


def test_a_boxed_list_under_a_bold_title_keeps_its_lines_apart(tmp_path: Path) -> None:
    """A "Key points" box (a one-cell table): its title is not glued onto the first rule, nor its items onto each
    other ("befriend pupils post photos of pupils")."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Personal accounts", level=1)
    document.add_paragraph("Keep your profile private.")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].add_run("Key points").bold = True
    cell.add_paragraph("Staff must not:")
    for item in ("befriend pupils", "post photos of pupils"):
        cell.add_paragraph(item, style="List Bullet")
    cell.add_paragraph("Report any worries to the safeguarding lead.")

    data = imported_docx(document, tmp_path, "boxed.docx")

    assert headed(data) == [
        ("Personal accounts", ["Keep your profile private."]),
        ("Key points", ["Staff must not: befriend pupils", "Staff must not: post photos of pupils",
                        "Report any worries to the safeguarding lead."])]


def test_a_details_label_merged_down_two_rows_names_a_group_of_details(tmp_path: Path) -> None:
    """"Approval" merged down over "Agreed by | Governing Body" and "Date approved | 12 March 2026": the details are
    read, and no row is taken for the organisation's name."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    _details_table(document, [("Version", "3", ""), ("Approval", "Agreed by", "Governing Body"),
                              ("", "Date approved", "12 March 2026"), ("Next review date", "Spring 2028", "")])
    table = document.tables[0]
    table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(3, 1).merge(table.cell(3, 2))
    document.add_heading("Messaging", level=1)
    document.add_paragraph("Do not message pupils from a personal phone.")

    data = imported_docx(document, tmp_path, "merged.docx")

    expected = {"federation": None, "version": "3", "agreed_by": "Governing Body", "date_of_issue": "2026-03-12",
                "next_review": "Spring 2028"}
    assert details_of(data, *expected) == expected
    assert passages(data) == ["Do not message pupils from a personal phone."]


def test_a_details_table_of_three_columns_keeps_each_value_apart(tmp_path: Path) -> None:
    """A third column beside a value (the author's role, the day it was agreed) was run into the value: "Mrs S. Price
    Deputy Headteacher", "Governing Body 12 March 2026"."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    _details_table(document, [("Version", "3", ""), ("Author", "Mrs S. Price", "Deputy Headteacher"),
                              ("Agreed by", "Governing Body", "12 March 2026"),
                              ("Next review date", "Spring 2028", "")])
    document.add_heading("Messaging", level=1)
    document.add_paragraph("Do not message pupils from a personal phone.")

    data = imported_docx(document, tmp_path, "three.docx")

    expected = {"version": "3", "author": "Mrs S. Price, Deputy Headteacher", "agreed_by": "Governing Body",
                "date_of_issue": "2026-03-12", "next_review": "Spring 2028"}
    assert details_of(data, *expected) == expected


def test_a_list_in_a_tables_cell_is_quoted_item_by_item_under_its_row(tmp_path: Path) -> None:
    """"Facebook" beside a cell of "Staff must not:" over its list: the items were run together into one passage
    ("Facebook: Staff must not: befriend pupils post photos of pupils")."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Platforms", level=1)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(1, 0).text, table.cell(2, 0).text = "Facebook", "Instagram", "WhatsApp"
    facebook = table.cell(0, 1)
    facebook.paragraphs[0].text = "Staff must not:"
    for item in ("befriend pupils", "post photos of pupils"):
        facebook.add_paragraph(item, style="List Bullet")
    instagram = table.cell(1, 1)
    instagram.paragraphs[0].style = document.styles["List Bullet"]
    instagram.paragraphs[0].text = "use the school account only"
    instagram.add_paragraph("ask the office before posting", style="List Bullet")
    table.cell(2, 1).text = "Class groups are run by the office."

    data = imported_docx(document, tmp_path, "platforms.docx")

    assert passages(data) == ["Facebook: Staff must not: befriend pupils",
                              "Facebook: Staff must not: post photos of pupils",
                              "Instagram: use the school account only", "Instagram: ask the office before posting",
                              "WhatsApp: Class groups are run by the office."]


@pytest.mark.parametrize("merged", [False, True])
def test_a_details_row_labelled_only_date_is_not_taken_for_the_organisation(merged: bool, tmp_path: Path) -> None:
    """"Date | 12 March 2026" in the details table (under a label merged down beside it, or on its own): the
    label reads as a form's, so its value was the only text above the first heading and became the organisation's
    name on every card."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    rows: list[tuple[str, ...]] = [("Version", "3"), ("Agreed by", "Governing Body"), ("Date", "12 March 2026")]
    _details_table(document, [("Approval", *row) for row in rows] if merged else rows)
    if merged:
        table = document.tables[0]
        table.cell(0, 0).text = "Version"
        table.cell(0, 0).merge(table.cell(0, 1)).text = "Version"
        table.cell(1, 0).merge(table.cell(2, 0)).text = "Approval"
    document.add_heading("Messaging", level=1)
    document.add_paragraph("Do not message pupils from a personal phone.")

    data = imported_docx(document, tmp_path, "dated.docx")

    expected = {"federation": None, "version": "3", "agreed_by": "Governing Body"}
    assert details_of(data, *expected) == expected
    assert passages(data) == ["Do not message pupils from a personal phone."]


def test_a_list_typed_with_line_breaks_in_one_paragraph_is_quoted_item_by_item(tmp_path: Path) -> None:
    """"Staff must:" and its items on lines of one paragraph (Shift+Enter), marked or not: the items were run
    together into one passage ("Staff must: use Hwb for class messages keep groups to school hours")."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Using WhatsApp", level=1)
    for lead, items in (("Staff must not:", ["\u2022\tadd pupils to WhatsApp groups", "\u2022\tpost after 6pm"]),
                        ("Staff must:", ["use Hwb for class messages", "keep groups to school hours"])):
        paragraph = document.add_paragraph(lead)
        for item in items:
            paragraph.add_run().add_break()
            paragraph.add_run(item)
    broken = document.add_paragraph("Class groups are run by the office.")  # a line break between sentences
    broken.add_run().add_break()
    broken.add_run("Ask Mrs Price to set one up.")

    data = imported_docx(document, tmp_path, "breaks.docx")

    assert passages(data) == ["Staff must not: add pupils to WhatsApp groups", "Staff must not: post after 6pm",
                              "Staff must: use Hwb for class messages", "Staff must: keep groups to school hours",
                              "Class groups are run by the office.", "Ask Mrs Price to set one up."]


def test_a_text_box_inside_a_tables_cell_is_read(tmp_path: Path) -> None:
    """A "Remember" box anchored in a table's cell was lost without a word, though one in the body is read."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy", style="Title")
    document.add_heading("Personal accounts", level=1)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Facebook"
    anchor = table.cell(0, 1).paragraphs[0]
    anchor.text = "Keep your account private."
    anchor._p.append(parse_xml(f'<w:r {WORD} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox>'
                               "<w:txbxContent><w:p><w:r><w:t>Never add pupils as friends.</w:t></w:r></w:p>"
                               "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"))

    data = imported_docx(document, tmp_path, "boxed-cell.docx")

    assert passages(data) == ["Facebook: Keep your account private.", "Never add pupils as friends."]


@pytest.mark.parametrize("label", ["In effect from", "Comes into force", "Mewn grym o"])
def test_the_day_a_policy_takes_effect_is_its_date_of_issue(tmp_path: Path, label: str) -> None:
    """Before, "In effect from: 6 January 2025" was a row the bot did not know, and "when did it come in?" had no
    answer."""
    source = write(tmp_path, "effect.txt", f"Staff Online Conduct Policy\n\nVersion\t4\n{label}\t6 January 2025\n\n"
                                           "Purpose\n\nStaff must ask first.\n")

    result = import_policy(source)

    assert result.data.get("date_of_issue") == "2025-01-06"
    assert not any("not one the bot knows" in w for w in noted(result.warnings))
