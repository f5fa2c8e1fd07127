"""`import-policy` with the files a careless or mischievous owner brings: each is read right or refused in one line,
and no file but `--out` is ever written."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.styles.styles import Styles

from bot.import_policy_command import import_policy_command
from bot.policy.loader import DEFAULT_POLICY_FILE, MAX_PASSAGES
from tests.unit.test_policy_import import imported, imported_docx, imported_text, passages

POLICY = "Staff Social Media Policy\n\nPersonal use\nKeep your accounts private.\n"


def _run(source: Path, out: Path) -> int:
    return import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)])


def test_the_document_itself_is_never_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "policy.txt"
    source.write_text(POLICY, encoding="utf-8")

    assert _run(source, source) == 1
    assert source.read_text(encoding="utf-8") == POLICY
    assert "is the document itself" in capsys.readouterr().err


def test_a_file_written_again_keeps_its_permissions_and_a_link_is_followed(tmp_path: Path) -> None:
    source = tmp_path / "policy.txt"
    source.write_text(POLICY, encoding="utf-8")
    target, link = tmp_path / "live" / "policy.json", tmp_path / "policy.json"
    target.parent.mkdir()
    target.write_text("{}", encoding="utf-8")
    os.chmod(target, 0o644)
    link.symlink_to(target)

    assert _run(source, link) == 0
    assert link.is_symlink() and "Keep your accounts private." in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize(("name", "content", "said"), [
    ("page.txt", b"<!DOCTYPE html><html><body><h1>Policy</h1></body></html>", "this is a web page's code (HTML)"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "password-protected Word file or an old Word"),
])
def test_files_that_are_not_what_they_say_are_refused_in_plain_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, said: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)

    assert _run(source, tmp_path / "out.json") == 1
    assert said in capsys.readouterr().err and not (tmp_path / "out.json").exists()


def test_a_folder_is_named_as_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tmp_path, tmp_path / "out.json") == 1
    assert "this is a folder" in capsys.readouterr().err


def test_text_with_a_pasted_windows_paragraph_and_invisible_marks_is_read(tmp_path: Path) -> None:
    source = tmp_path / "mixed.txt"
    source.write_bytes("Staff Social Media Policy\n\nEvents\nPost about Gŵyl Ddewi only on the school's "
                       "page.\nDo not share photos\u00a0of pupils \u2013 ever.\n".encode()
                       + "Ask first \u2013 always.\n".encode("cp1252")  # a paragraph pasted from a Windows file
                       + "Use\u00ad the school\u200b account.\n".encode())

    data = imported(source, tmp_path)

    assert passages(data) == ["Post about Gŵyl Ddewi only on the school's page.",
                              "Do not share photos of pupils \u2013 ever.", "Ask first \u2013 always.",
                              "Use the school account."]


def test_html_inside_markdown_is_no_text(tmp_path: Path) -> None:
    data = imported_text(tmp_path, "# Staff Social Media Policy\n\n## Personal use\n\nKeep your accounts "
                         "<b>private</b>.<br>\n<!-- draft: we may ban WhatsApp next year -->\n"
                         "<script>alert(1)</script>\n", "wiki.md")

    assert passages(data) == ["Keep your accounts private ."]


def test_a_document_with_more_passages_than_a_policy_has_is_refused(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "handbook.txt"
    source.write_text("Staff Handbook\n\n" + "".join(f"Part {n}\nRule number {n} is kept by staff.\n\n"
                                                    for n in range(MAX_PASSAGES + 1)), encoding="utf-8")

    assert _run(source, tmp_path / "out.json") == 1
    assert f"{MAX_PASSAGES + 1} passages, more than the {MAX_PASSAGES}" in capsys.readouterr().err




def test_a_long_word_document_looks_for_the_default_style_once_not_for_each_paragraph(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # python-docx looks for the default style among every style each time a paragraph without a style of its own is
    # asked for its style; asked nine times a paragraph, a policy of 130 sections took 7 s to import.
    document = Document()
    document.add_heading("Staff Social Media Policy", level=0)
    for n in range(60):
        document.add_heading(f"Topic {n}", level=1)
        document.add_paragraph(f"Staff keep the records of topic {n} for the school.")
    looked_for = []
    default = Styles.default

    def counted(styles: Styles, style_type: WD_STYLE_TYPE) -> Any:
        looked_for.append(style_type)
        return default(styles, style_type)

    monkeypatch.setattr(Styles, "default", counted)

    data = imported_docx(document, tmp_path)

    assert len(passages(data)) == 60
    assert len(looked_for) <= 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_text_saved_as_utf16_without_its_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    # Some editors and PowerShell's Out-File save "Unicode" with no byte order mark: every other byte is zero.
    source = tmp_path / "policy.txt"
    source.write_bytes("Staff Social Media Policy\r\n\r\nEvents\r\nPost about Gŵyl Ddewi only on the school\u2019s "
                       "page \u2013 never your own.\r\n".encode(encoding))

    data = imported(source, tmp_path)

    assert passages(data) == ["Post about Gŵyl Ddewi only on the school\u2019s page \u2013 never your own."]


def test_a_file_with_zero_bytes_that_is_not_utf16_says_how_to_save_it(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "policy.txt"
    source.write_bytes(b"Staff Social Media Policy\n\x00\x00\x07\x00Personal use\nKeep it private.\n\x00")

    assert _run(source, tmp_path / "out.json") == 1
    said = capsys.readouterr().err
    assert "not a readable text file" in said and "UTF-8" in said and not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("chosen", [["--lang", "cy"], []])
def test_a_welsh_policy_owner_reads_the_importers_notes_in_welsh(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, chosen: list[str]) -> None:
    """The notes (a heading without Welsh, details the document does not give) and the last line were English only;
    with --lang cy, or a system in Welsh (LANG=cy_GB.UTF-8), they are Welsh."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8" if chosen else "cy_GB.UTF-8")
    source = tmp_path / "policy.txt"
    source.write_text(POLICY, encoding="utf-8")

    assert import_policy_command([str(source), "--out", str(tmp_path / "out.json"), *chosen]) == 0

    said = capsys.readouterr()
    notes = said.err.splitlines()
    assert notes and all(line.startswith("nodyn: ") for line in notes), notes
    assert any("does dim Cymraeg gan 1 o'r 1 pennawd" in line for line in notes), notes
    assert not any("headings" in line or "the details" in line for line in notes), notes
    assert said.out.startswith("ysgrifennwyd ") and "1 adran, 1 darn" in said.out


WELSH_ONLY = ("Polisi Cyfryngau Cymdeithasol i Staff\n\nDiben y polisi\nMae'r polisi hwn yn esbonio sut mae staff yn "
              "defnyddio cyfryngau cymdeithasol yn yr ysgol ac yn eu bywydau personol.\n\nDefnydd personol\nNi ddylai "
              "staff dderbyn ceisiadau ffrind gan ddisgyblion na chysylltu â nhw ar eu cyfrifon eu hunain. Dylai "
              "staff gadw eu proffiliau yn breifat bob amser.\n")


@pytest.mark.parametrize(("name", "content", "said"), [
    ("polisi.txt", WELSH_ONLY.encode(), "dim ond yn Gymraeg mae'r ddogfen"),
    ("polisi.docx", b"%PDF-1.7\n" + bytes(200), "PDF yw hon, nid dogfen Word"),
    ("polisi.txt", b"\x00\x01\x02\xff" * 50, "does dim modd darllen y ffeil destun hon"),
])
def test_a_welsh_policy_owner_is_told_in_welsh_why_a_file_cannot_be_imported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, said: str) -> None:
    """A Welsh-only document, a PDF named .docx, a file that is not text: the one line was English whatever the
    language asked for."""
    source = tmp_path / name
    source.write_bytes(content)

    assert import_policy_command([str(source), "--out", str(tmp_path / "out.json"), "--lang", "cy"]) == 1

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"import-policy: {name}: ") and said in line, line
    assert not (tmp_path / "out.json").exists()


def test_a_welsh_policy_owner_is_told_in_welsh_that_the_current_policy_or_the_out_file_cannot_be_used(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --lang cy, the note that the current policy could not be read (so no Welsh headings are kept) and the
    line saying --out cannot be written were English."""
    source = tmp_path / "policy.txt"
    source.write_text(POLICY, encoding="utf-8")
    broken = tmp_path / "current.json"
    broken.write_text('{"title_en": "Staff Social Media Policy"}', encoding="utf-8")

    written = import_policy_command([str(source), "--out", str(tmp_path / "out.json"), "--policy", str(broken),
                                     "--lang", "cy"])
    notes = capsys.readouterr().err.splitlines()
    unwritten = import_policy_command([str(source), "--out", str(tmp_path / "no-folder" / "out.json"),
                                       "--policy", str(DEFAULT_POLICY_FILE), "--lang", "cy"])
    [refusal] = capsys.readouterr().err.splitlines()

    assert written == 0 and unwritten == 1
    assert "nodyn: doedd dim modd darllen y polisi presennol, felly does dim penawdau Cymraeg wedi'u cadw " \
           "($.sections: ar goll)" in notes, notes
    assert refusal == f"import-policy: does dim modd ysgrifennu {tmp_path / 'no-folder' / 'out.json'}: does dim " \
                      "ffolder o'r enw hwnnw", refusal
