"""The staff CSV a school office exports: every bad row reported with its line, or nothing imported."""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from bot.concern_commands import import_staff_command
from bot.domain.directory import StaffMember, read_staff_csv, staff_list_change
from bot.domain.people import Lang
from bot.policy.notes import Note
from cards.i18n import load_catalogue, note_text
from tests.support.processes import AZURITE_KEY

REPO = Path(__file__).resolve().parents[2]
SCHOOLS = ["high", "primary"]
HEADER = "name,email,school,role,line_manager_email,aad_object_id\n"
# Storage where nothing listens: a command that tried it would report that, not what is wrong with the file.
NOWHERE = (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
           "TableEndpoint=http://127.0.0.1:9/devstoreaccount1;")


def test_the_sample_staff_list_is_valid() -> None:
    result = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"), schools=SCHOOLS)

    assert result.problems == () and result.warnings == ()
    assert {m.email: m.line_manager_email for m in result.staff} == {
        "carys.jenkins@llanidloes.example.cymru": "gareth.hughes@llanidloes.example.cymru",
        "owain.pritchard@llanidloes.example.cymru": "ffion.morgan@llanidloes.example.cymru",
        "sian.roberts@llanidloes.example.cymru": "",
        "gareth.hughes@llanidloes.example.cymru": "sian.roberts@llanidloes.example.cymru",
        "ffion.morgan@llanidloes.example.cymru": "sian.roberts@llanidloes.example.cymru",
    }


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported() -> None:
    text = (HEADER
            + "Carys Jenkins,carys@llanidloes.example.cymru,high,Teacher,boss@llanidloes.example.cymru,\n"
            + ",not-an-email,atlantis,Teacher,,\n"
            + "Self Managed,self@llanidloes.example.cymru,high,Teacher,self@llanidloes.example.cymru,xyz\n"
            + "Carys Again,CARYS@llanidloes.example.cymru,high,Teacher,,\n"
            + "\n"
            + "Twin One,one@llanidloes.example.cymru,high,Teacher,,a1000000-0000-4000-8000-00000000000a\n"
            + "Twin Two,two@llanidloes.example.cymru,high,Teacher,,A1000000-0000-4000-8000-00000000000A\n")

    result = read_staff_csv(text, schools=SCHOOLS)

    assert result.staff == ()
    assert list(result.problems) == [
        "line 2: line manager boss@llanidloes.example.cymru is not in the file",
        "line 3: name is empty",
        "line 3: email 'not-an-email' is not an email address",
        "line 3: school 'atlantis' is not one of high, primary",
        "line 4: is their own line manager",
        "line 4: aad_object_id 'xyz' is not an Entra object id",
        "line 5: email carys@llanidloes.example.cymru is already on line 2",
        "line 8: aad_object_id a1000000-0000-4000-8000-00000000000a is already on line 7",
    ]


def test_someone_on_both_schools_exports_is_told_to_keep_one_row_and_which() -> None:
    """A teacher who works at both schools (and line-manages at one) is on each school's export: the office is told
    what to do, not just that the email is there twice."""
    text = (HEADER + "Gareth Hughes,gareth@llanidloes.example.cymru,high,Head of Humanities,,\n"
            + "Gareth Hughes,gareth@llanidloes.example.cymru,primary,Year 6 lead,,\n"
            + "Carys Jenkins,carys@llanidloes.example.cymru,high,Teacher,,\n"
            + "Carys Jenkins,carys@llanidloes.example.cymru,high,Teacher,,\n")

    result = read_staff_csv(text, schools=SCHOOLS)

    assert result.staff == ()
    assert list(result.problems) == [
        "line 3: email gareth@llanidloes.example.cymru is already on line 2 (at high): the list has one row for each"
        " person, so keep the row of the school whose headteacher their reports go to (their line manager may be at"
        " either school)",
        "line 5: email carys@llanidloes.example.cymru is already on line 4",
    ]


def test_a_quoted_line_break_does_not_shift_the_line_numbers() -> None:
    text = HEADER + '"Jones,\nEmyr",emyr@llanidloes.example.cymru,high,Teacher,,\nX,bad,high,Teacher,,\n'

    assert read_staff_csv(text, schools=SCHOOLS).problems == ("line 4: email 'bad' is not an email address",)


def test_missing_columns_an_empty_file_and_upn_instead_of_email() -> None:
    by_upn = read_staff_csv("Name,UPN,School,Role,Line_Manager_Email\nAnn Lewis,ann.lewis@x.cymru,high,TA,\n",
                            schools=SCHOOLS)

    assert read_staff_csv("who,what\nx,y\n", schools=SCHOOLS).problems[0].startswith("line 1: missing column")
    assert read_staff_csv(HEADER, schools=SCHOOLS).problems == ("the file has no staff rows",)
    assert by_upn.problems == () and by_upn.staff[0].email == "ann.lewis@x.cymru"
    assert by_upn.warnings[0] == "line 2: no aad_object_id, so Ann Lewis can only be matched through Graph"



def test_rows_excel_leaves_empty_after_the_list_are_not_staff() -> None:
    """Excel's "CSV UTF-8" writes a row of commas for each row below the list that was ever edited or formatted: two
    such rows refused the whole list with six problems ("name is empty", "email '' is not an email address", …) and
    two warnings naming nobody ("so  can only be matched through Graph")."""
    text = ("\ufeff" + HEADER.replace("\n", "\r\n")
            + "Ann Lewis,ann.lewis@x.cymru,high,TA,,a1000000-0000-4000-8000-000000000001\r\n"
            + ",,,,,\r\n , ,,,,\r\n")

    result = read_staff_csv(text, schools=SCHOOLS)

    assert result.problems == () and result.warnings == ()
    assert [m.email for m in result.staff] == ["ann.lewis@x.cymru"]


def test_the_columns_may_be_headed_as_a_person_types_them() -> None:
    """"Line Manager Email" and "AAD Object ID", as the office heads its columns in Excel, were "missing column(s):
    line_manager_email", though the column was there; case was already ignored, spaces and hyphens were not."""
    text = ("Name,Email,School,Role,Line Manager Email,AAD Object-ID\n"
            "Ann Lewis,ann.lewis@x.cymru,high,TA,,a1000000-0000-4000-8000-000000000001\n"
            "Bryn Jones,bryn.jones@x.cymru,primary,TA,ann.lewis@x.cymru,a1000000-0000-4000-8000-000000000002\n")

    result = read_staff_csv(text, schools=SCHOOLS)

    assert result.problems == ()
    assert [(m.line_manager_email, m.aad_object_id) for m in result.staff] == [
        ("", "a1000000-0000-4000-8000-000000000001"),
        ("ann.lewis@x.cymru", "a1000000-0000-4000-8000-000000000002")]

WITHOUT_IDS = (HEADER
               + "Carys Jenkins,carys@llanidloes.example.cymru,high,Teacher,,a1000000-0000-4000-8000-000000000001\n"
               + "Owain Pritchard,owain@llanidloes.example.cymru,primary,Teacher,,\n"
               + "Nia Evans,nia@llanidloes.example.cymru,high,TA,,a1000000-0000-4000-8000-000000000003\n"
               + "Rhys ap Iorwerth,rhys@llanidloes.example.cymru,high,Teacher,,\n")


def test_a_list_with_rows_lacking_the_entra_id_says_the_staff_only_check_is_off_for_everyone_and_how_to_fix_it(
        ) -> None:
    """One row without its id switches the Hwb staff-only check off for everyone (dialogs/staff_only.py): the
    import only said that row's person "can only be matched through Graph"."""
    result = read_staff_csv(WITHOUT_IDS, schools=SCHOOLS)

    assert result.problems == () and len(result.staff) == 4  # still imported: nobody is locked out
    said = result.warnings[-1]
    assert "2 of the 4 rows" in said and "lines 3 and 5" in said, said
    assert "anyone in the Hwb tenant" in said and "pupils" in said and "not refused" in said, said
    assert "until every row has" in said and "aad_object_id" in said, said
    assert "az ad user show --id" in said and "import the file again" in said, said


def test_a_list_where_every_row_has_its_entra_id_says_nothing_of_the_check() -> None:
    complete = WITHOUT_IDS.replace("Teacher,,\n", "Teacher,,a1000000-0000-4000-8000-00000000000f\n", 1).replace(
        "Teacher,,\n", "Teacher,,a1000000-0000-4000-8000-00000000000e\n", 1)

    assert read_staff_csv(complete, schools=SCHOOLS).warnings == ()


def test_the_command_says_on_its_last_line_that_the_check_is_off_until_every_row_has_its_id(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text(WITHOUT_IDS, encoding="utf-8")
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)

    code = import_staff_command([str(staff), "--dry-run"])

    out, err = capsys.readouterr()
    assert code == 0
    assert "line 3: no aad_object_id" in err and "line 5: no aad_object_id" in err
    [line] = out.splitlines()
    assert line.startswith("4 staff would be imported") and "2 without an Entra object id" in line, line
    assert "nobody in the Hwb tenant is refused" in line and "see the warning" in line, line


def test_the_command_refuses_a_bad_file_before_touching_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "staff.csv"
    bad.write_text(HEADER + ",nobody,nowhere,,,\n", encoding="utf-8")
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)

    code = import_staff_command([str(bad)])
    dry = import_staff_command([str(REPO / "config" / "staff.local.csv"), "--dry-run"])

    out = capsys.readouterr()
    assert code == 1 and dry == 0
    assert "line 2: name is empty" in out.err and "line 2: school 'nowhere'" in out.err
    assert "nothing was imported" in out.err and "5 staff would be imported" in out.out


def test_the_office_checks_its_staff_list_with_a_dry_run_before_any_storage_is_set(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """--dry-run says "check the file only; storage is not read": the office checks the export on its own computer,
    with the federation's settings and no storage setting, and is not told "storage is not configured"."""
    for name in ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_TABLE_ENDPOINT", "FEDERATION_JSON"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("FEDERATION_CONFIG", str(REPO / "config" / "federation.local.json"))

    dry = import_staff_command([str(REPO / "config" / "staff.local.csv"), "--dry-run"])
    out, err = capsys.readouterr()
    real = import_staff_command([str(REPO / "config" / "staff.local.csv")])

    assert (dry, out, err) == (0, "5 staff would be imported\n", "")
    assert real == 2 and "storage is not configured" in capsys.readouterr().err


@pytest.mark.parametrize("name, value", [
    ("AZURE_STORAGE_CONNECTION_STRING", "AccountName=devstoreaccount1"),
    ("AZURE_STORAGE_TABLE_ENDPOINT", "http://llanidloes.table.core.windows.net"),
    ("TABLE_PREFIX", "staff-list"),
    ("STORAGE_TIMEOUT_SECONDS", "0"),
], ids=["connection-string", "table-endpoint", "table-prefix", "timeout"])
def test_a_dry_run_reads_no_storage_setting_so_a_malformed_one_does_not_stop_it(
        name: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A storage setting half filled in on the office's computer stopped the dry run ("... is not a storage
    connection string"), though a dry run reads no storage; the real import still refuses it."""
    for other in ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_TABLE_ENDPOINT", "FEDERATION_JSON"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("FEDERATION_CONFIG", str(REPO / "config" / "federation.local.json"))
    monkeypatch.setenv(name, value)

    dry = import_staff_command([str(REPO / "config" / "staff.local.csv"), "--dry-run"])
    out, err = capsys.readouterr()
    real = import_staff_command([str(REPO / "config" / "staff.local.csv")])

    assert (dry, out, err) == (0, "5 staff would be imported\n", "")
    assert real == 2 and name in capsys.readouterr().err


def test_a_name_too_long_for_the_staff_list_is_a_bad_row_reported_by_its_line() -> None:
    text = (HEADER + "Carys Jenkins,carys@llanidloes.example.cymru,high,Teacher,,\n"
            + f"{'B' * 40_000},owain@llanidloes.example.cymru,high,{'T' * 1_000},,\n"
            + f"Long Email,{'e' * 300}@llanidloes.example.cymru,high,Teacher,,\n")

    result = read_staff_csv(text, schools=SCHOOLS)

    assert result.staff == ()
    assert result.problems[0].startswith("line 3: name is longer than")
    assert result.problems[1].startswith("line 3: role is longer than")
    assert result.problems[2].startswith("line 4: email is longer than")


def test_a_field_larger_than_a_csv_can_hold_is_a_reason_not_a_traceback() -> None:
    text = (HEADER + "Carys Jenkins,carys@llanidloes.example.cymru,high,Teacher,,\n"
            + f'"{"A" * 200_000}",x@y.cymru,high,T,,\n')

    result = read_staff_csv(text, schools=SCHOOLS)

    assert result.staff == ()
    assert len(result.problems) == 1 and result.problems[0].startswith("line 3: ")


def test_a_staff_list_saved_by_excel_as_plain_csv_is_refused_with_its_line_and_how_to_save_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Excel's "CSV (Comma delimited)" writes Windows-1252 (Siân's â is one byte, and ŵ and ŷ are lost as "?")."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)  # a dry run never reaches it
    sample = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    plain = tmp_path / "staff.csv"
    plain.write_bytes(sample.replace("\n", "\r\n").encode("cp1252"))
    utf8 = tmp_path / "staff-utf8.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + sample.replace("\n", "\r\n").encode("utf-8"))  # Excel's "CSV UTF-8"

    code = import_staff_command([str(plain), "--dry-run"])
    refused = capsys.readouterr()
    saved_again = import_staff_command([str(utf8), "--dry-run"])

    assert code == 2 and refused.out == ""
    [reason] = refused.err.strip().splitlines()
    assert "line 4" in reason and '"CSV UTF-8 (Comma delimited)"' in reason and "nothing was imported" in reason
    assert saved_again == 0 and "5 staff would be imported" in capsys.readouterr().out


def _excel_plain_csv_of(sample: str) -> bytes:
    """Excel's "CSV (Comma delimited)": Windows-1252, where ŵ and ŷ have no place and are written as "?"."""
    return sample.replace("\n", "\r\n").encode("cp1252", errors="replace")


def test_a_list_excel_saved_as_plain_csv_is_refused_though_no_letter_outside_ascii_is_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Gareth is Llŷr here, and the list has no other Welsh letter: saved as plain CSV it is pure ASCII, so it
    reads as UTF-8, and "Ll?r Hughes" would go onto cards and receipts, and past the check that keeps a report
    naming "Llŷr" from reaching him."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)  # a dry run never reaches it
    sample = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    sample = sample.replace("Gareth Hughes", "Llŷr Hughes").replace("Siân", "Sian")
    plain = tmp_path / "staff.csv"
    plain.write_bytes(_excel_plain_csv_of(sample))
    assert max(plain.read_bytes()) < 128

    read = read_staff_csv(plain.read_text(encoding="utf-8"), schools=SCHOOLS)
    dry = import_staff_command([str(plain), "--dry-run"])
    refused = capsys.readouterr()
    imported = import_staff_command([str(plain)])

    assert read.staff == ()
    assert read.problems == ('line 5: name "Ll?r Hughes" has a "?" where Excel lost a letter: save the list as '
                             '"CSV UTF-8 (Comma delimited)" and import that file',)
    assert dry == imported == 1 and refused.out == ""
    assert refused.err.splitlines() == [read.problems[0], "1 problem(s); nothing was imported"]


def _sample() -> tuple[StaffMember, ...]:
    return read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"), schools=SCHOOLS).staff


def test_one_schools_export_imported_alone_would_take_most_of_the_other_school_off_the_list() -> None:
    """The primary's export names the executive head (its staff's line manager), but none of the high school's
    other staff: two of the high school's three would go."""
    now = _sample()
    primary_export = [m for m in now if m.school == "primary" or m.name == "Siân Roberts"]

    change = staff_list_change(now, primary_export)

    assert sorted(m.name for m in change.taken_off) == ["Carys Jenkins", "Gareth Hughes"]
    assert change.by_school() == {"high": 2} and change.sweeping() == ("high",)


def test_a_leaver_or_a_changed_email_is_not_a_sweeping_change() -> None:
    now = _sample()
    gareth = next(m for m in now if m.name == "Gareth Hughes")
    renamed = [replace(m, email="ffion.morgan-jones@llanidloes.example.cymru") if m.name == "Ffion Morgan" else m
               for m in now if m is not gareth]

    change = staff_list_change(now, renamed)

    assert change.taken_off == (gareth,) and change.by_school() == {"high": 1} and change.sweeping() == ()
    assert staff_list_change((), now).taken_off == ()


def _workbook(path: Path) -> Path:
    """What Excel's own "Excel Workbook (*.xlsx)" is: a zip of XML parts."""
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    return path


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_an_excel_workbook_given_for_the_csv_is_named_as_one_with_how_to_save_it(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The office's staff.xlsx was refused as "line 1 is not UTF-8 (byte 0x88); Excel's "CSV (Comma delimited)" loses
    Welsh letters…": it was never a CSV, and the reason sent the technician looking at the wrong Save As."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)  # a dry run never reaches it
    staff = tmp_path / f"staff.{kind}"
    if kind == "xlsx":
        _workbook(staff)
    else:  # Excel 97-2003: a compound document
        staff.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))

    code = import_staff_command([str(staff), "--dry-run"])

    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (f"import-staff: {staff} is a workbook (such as Excel's .xlsx), not a CSV file: in Excel, File > "
                   'Save As > "CSV UTF-8 (Comma delimited)", then import that file; nothing was imported\n')


def test_a_folder_or_a_missing_file_given_for_the_csv_is_one_line_naming_the_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `cannot read …: [Errno 21] Is a directory: '…'`, the path twice, without the command's name."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)

    folder = import_staff_command([str(tmp_path), "--dry-run"])
    folder_err = capsys.readouterr().err
    missing = import_staff_command([str(tmp_path / "staff.csv"), "--dry-run"])
    missing_err = capsys.readouterr().err

    assert folder == missing == 2
    assert folder_err == f"import-staff: cannot read {tmp_path}: Is a directory; nothing was imported\n"
    assert missing_err == (f"import-staff: cannot read {tmp_path / 'staff.csv'}: No such file or directory; nothing "
                           "was imported\n")


def test_every_problem_and_warning_of_the_reader_is_said_by_the_string_tables_in_english_and_welsh() -> None:
    """import-staff --lang cy said what was wrong with each row in English (only the count was Welsh): each problem
    and warning is now a note of the string tables, whose English is the reader's own line."""
    strings = load_catalogue()
    files = [
        HEADER + "Carys Jenkins,carys@llanidloes.example.cymru,high,Teacher,boss@llanidloes.example.cymru,\n"
        + ",not-an-email,atlantis,Teacher,bad,\n"
        + "Self Managed,self@llanidloes.example.cymru,high,Teacher,self@llanidloes.example.cymru,xyz\n"
        + "Carys Again,CARYS@llanidloes.example.cymru,high,Teacher,,\n"
        + f"Gwen Ow?n,gwen@llanidloes.example.cymru,primary,{'R' * 201},,\n"
        + "Twin One,one@llanidloes.example.cymru,high,Teacher,,a1000000-0000-4000-8000-00000000000a\n"
        + "Twin Two,two@llanidloes.example.cymru,primary,Teacher,,A1000000-0000-4000-8000-00000000000A\n"
        + "Gareth Hughes,gareth@llanidloes.example.cymru,high,Head of Humanities,,\n"
        + "Gareth Hughes,gareth@llanidloes.example.cymru,primary,Year 6 lead,,\n",
        HEADER + f"{'N' * 201},{'e' * 250}@x.cymru,high,TA,{'m' * 250}@x.cymru,\n",
        "who,what\nx,y\n", HEADER, WITHOUT_IDS, HEADER + '"unclosed,\n' + "x" * 200_000 + "\n",
        HEADER + "".join(f"P{n},p{n}@llanidloes.example.cymru,high,TA,,\n" for n in range(12))]
    results = [read_staff_csv(text, schools=SCHOOLS) for text in files]

    said = [(text, said) for result in results for text, said in (
        *zip(result.problems, result.problem_notes, strict=True),
        *zip(result.warnings, result.warning_notes, strict=True))]
    def keys(note: Note) -> set[str]:
        return {note.key, *(key for value in note.values.values() if isinstance(value, Note) for key in keys(value))}

    assert {key for _, note in said for key in keys(note)} == {k for k in strings.keys() if k.startswith("staff_csv.")}
    for text, note in said:
        assert note_text(strings, note, Lang.EN) == text
        welsh = note_text(strings, note, Lang.CY)
        english = (" is ", " the ", " not ", " line ", " lines ")
        assert welsh != text and not any(word in welsh for word in english), welsh
    all_welsh = [note_text(strings, note, Lang.CY) for _, note in said]
    assert "llinell 3: dydy'r e-bost 'not-an-email' ddim yn gyfeiriad e-bost" in all_welsh
    assert "llinell 2: dydy'r rheolwr llinell boss@llanidloes.example.cymru ddim yn y ffeil" in all_welsh
    assert "llinell 3: dydy 'bad' (e-bost y rheolwr llinell) ddim yn gyfeiriad e-bost" in all_welsh
    assert "llinell 6: mae mwy na 200 nod yn y golofn role" in all_welsh
    assert any(line.startswith("mae 12 o'r 12 rhes heb aad_object_id (llinellau 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 a 2 "
                               "arall): ") for line in all_welsh), all_welsh


def test_with_lang_cy_import_staff_says_each_bad_row_and_warning_in_welsh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    staff, bad = tmp_path / "staff.csv", tmp_path / "bad.csv"
    staff.write_text(WITHOUT_IDS, encoding="utf-8")
    bad.write_text(WITHOUT_IDS + "Bad Row,not-an-email,high,Teacher,,\n", encoding="utf-8")
    monkeypatch.setenv("APP_ENV", "local")

    codes = [import_staff_command([str(file), "--dry-run", "--lang", "cy"]) for file in (staff, bad)]

    out, err = capsys.readouterr()
    assert codes == [0, 1], err
    assert err.splitlines()[0] == ("rhybudd: llinell 3: dim aad_object_id, felly dim ond Graph sy'n gallu canfod "
                                   "Owain Pritchard"), err
    assert err.splitlines()[2].startswith("rhybudd: mae 2 o'r 4 rhes heb aad_object_id (llinellau 3 a 5): "), err
    assert "llinell 6: dydy'r e-bost 'not-an-email' ddim yn gyfeiriad e-bost" in err.splitlines(), err
    assert "line " not in err and "warning:" not in err, err


def test_with_lang_cy_a_folder_or_a_missing_file_says_why_in_welsh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The technician who mistyped the file's name with `--lang cy` read `does dim modd darllen …: No such file or
    directory`: the system's reason in English inside the Welsh line."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)
    strings = load_catalogue()

    codes = [import_staff_command([str(path), "--lang", "cy"]) for path in (tmp_path, tmp_path / "staf.csv")]

    said = capsys.readouterr().err.splitlines()
    assert codes == [2, 2]
    assert said == ["import-staff: " + strings.text("import_staff.cannot_read", Lang.CY, file=path, reason=strings.text(
        key, Lang.CY)) for path, key in ((tmp_path, "import.os.folder"), (tmp_path / "staf.csv", "import.os.no_file"))]
    assert "No such file" not in said[1] and "does dim ffeil" in said[1], said


@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, b"\r\n\r\n", codecs.BOM_UTF8 + b" \n"],
                         ids=["nothing", "bom", "blank-lines", "bom-and-space"])
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_an_empty_file_is_refused_as_empty_in_one_line(
        content: bytes, lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A staff.csv saved before the export had run (nothing in it, or only Excel's byte-order mark) was refused as
    `line 1: missing column(s): name, email, school, role, line_manager_email`, sending the technician to look
    for columns in a file that has nothing."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)
    staff = tmp_path / "staff.csv"
    staff.write_bytes(content)

    code = import_staff_command([str(staff), "--lang", lang])

    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == "import-staff: " + load_catalogue().text("import_staff.empty", Lang(lang), file=staff) + "\n"
    assert err.startswith(f"import-staff: {staff} is empty: " if lang == "en" else
                          f"import-staff: mae {staff} yn wag: ")


@pytest.mark.parametrize("kind", ["docx", "doc", "pdf"])
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_a_word_document_or_a_pdf_given_for_the_csv_is_named_as_what_it_is(
        kind: str, lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The staff list the office sent as a Word document (staff.docx) was refused as 'a workbook (such as Excel's
    .xlsx)', and a PDF of it as a CSV 'not UTF-8' that Excel's plain CSV had spoiled: neither says what the
    technician was given, nor that the list must come from the spreadsheet."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", NOWHERE)
    staff = tmp_path / f"staff.{kind}"
    if kind == "docx":
        with zipfile.ZipFile(staff, "w") as document:
            document.writestr("[Content_Types].xml", "<Types/>")
            document.writestr("word/document.xml", "<w:document/>")
    elif kind == "doc":  # Word 97-2003: a compound document holding a WordDocument stream
        staff.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + "WordDocument".encode("utf-16-le"))
    else:
        staff.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")

    code = import_staff_command([str(staff), "--dry-run", "--lang", lang])

    out, err = capsys.readouterr()
    key = "import_staff.pdf" if kind == "pdf" else "import_staff.word_document"
    assert code == 2 and out == ""
    assert err == "import-staff: " + load_catalogue().text(key, Lang(lang), file=staff) + "\n"
    assert "workbook" not in err and "UTF-8 (byte" not in err and "llyfr gwaith" not in err, err
