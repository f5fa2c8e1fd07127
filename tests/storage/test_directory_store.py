"""The staff list on Tables (Azurite) and in memory, and `python -m bot import-staff` against Azurite."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from azure.data.tables import TableServiceClient

from bot.concern_commands import import_staff_command
from bot.domain.concerns import ConcernReport, Route
from bot.domain.directory import StaffDirectory, StaffMember, read_staff_csv
from bot.domain.errors import StorageUnavailable
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import AuditEntry, PermissionRequest
from cards.i18n import load_catalogue
from tests.storage.conftest import Backend, opened_tables

REPO = Path(__file__).resolve().parents[2]
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
OWAIN = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
SIAN = Person(TENANT, "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
SAMPLE = REPO / "config" / "staff.local.csv"
GARETH = StaffContact("a1000000-0000-4000-8000-000000000004", "Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")
SIAN_CONTACT = StaffContact(SIAN.aad_object_id, "Mrs Siân Roberts", "sian.roberts@llanidloes.example.cymru")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET = "Private words about Dafydd that the staff import never shows"


@pytest.fixture
async def directory(backend: Backend) -> StaffDirectory:
    return await backend.staff_directory()


async def test_line_managers_are_found_by_object_id(directory: StaffDirectory) -> None:
    await directory.replace_all(read_staff_csv(SAMPLE.read_text(encoding="utf-8"), schools=["high", "primary"]).staff)

    assert await directory.line_manager_of(CARYS) == StaffContact(
        "a1000000-0000-4000-8000-000000000004", "Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")
    assert (await directory.line_manager_of(OWAIN) or StaffContact("", "")).name == "Ffion Morgan"
    assert await directory.line_manager_of(SIAN) is None  # the head has no line manager on the list
    assert await directory.line_manager_of(Person(TENANT, "a1000000-0000-4000-8000-0000000000ff")) is None
    member = await directory.get_member(OWAIN)
    assert member is not None and member.school == "primary"


async def test_a_new_list_replaces_the_old_and_a_manager_without_an_object_id_is_unknown(
        directory: StaffDirectory) -> None:
    await directory.replace_all(read_staff_csv(SAMPLE.read_text(encoding="utf-8"), schools=["high", "primary"]).staff)
    await directory.replace_all([
        StaffMember("Carys Jenkins", "carys.jenkins@llanidloes.example.cymru", "high", "Teacher",
                    "new.boss@llanidloes.example.cymru", CARYS.aad_object_id),
        StaffMember("New Boss", "new.boss@llanidloes.example.cymru", "high", "Head of Year", "", "")])

    assert await directory.line_manager_of(CARYS) is None
    assert await directory.get_member(OWAIN) is None


# Emails that differ only in characters Azure Tables forbids in keys ('#' and '/' are legal in an email).
HASHED = """name,email,school,role,line_manager_email,aad_object_id
Dai Jones,dai#jones@llani.example.cymru,high,Head of Maths,,b1000000-0000-4000-8000-000000000001
Dai Jones-Bach,dai_jones@llani.example.cymru,high,Teacher,,b1000000-0000-4000-8000-000000000002
Nia Evans,nia.evans@llani.example.cymru,high,Teacher,dai#jones@llani.example.cymru,b1000000-0000-4000-8000-000000000003
Ifan Slash,ifan/rhys@llani.example.cymru,high,Teacher,dai_jones@llani.example.cymru,b1000000-0000-4000-8000-000000000004
"""
NIA = Person(TENANT, "b1000000-0000-4000-8000-000000000003", "Nia Evans")
IFAN = Person(TENANT, "b1000000-0000-4000-8000-000000000004", "Ifan Slash")


async def test_emails_a_table_key_cannot_hold_are_kept_as_written_and_find_their_line_managers(
        directory: StaffDirectory) -> None:
    staff = read_staff_csv(HASHED, schools=["high"])
    assert staff.problems == ()

    await directory.replace_all(staff.staff)

    assert sorted(m.email for m in await directory.list_members()) == sorted(m.email for m in staff.staff)
    assert (await directory.line_manager_of(NIA) or StaffContact("", "")).name == "Dai Jones"
    assert (await directory.line_manager_of(IFAN) or StaffContact("", "")).name == "Dai Jones-Bach"
    await directory.replace_all(staff.staff[1:])  # Dai Jones leaves; his near-twin stays
    assert "dai#jones@llani.example.cymru" not in {m.email for m in await directory.list_members()}
    assert await directory.line_manager_of(NIA) is None


def _rows(azurite: str, table: str) -> list[dict[str, object]]:
    with TableServiceClient.from_connection_string(azurite) as service:
        service.create_table_if_not_exists(table)
        return list(service.get_table_client(table).list_entities())


@pytest.fixture
def tool_storage(azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command-line tools pointed at this test's tables on Azurite, as an IT technician's shell would be."""
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("TABLE_PREFIX", table_prefix)


def test_import_staff_writes_a_good_file_and_nothing_from_a_bad_one(
        azurite: str, table_prefix: str, tmp_path: Path, tool_storage: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([*lines, "Carys Jenkins,carys.jenkins@llanidloes.example.cymru,high,Teacher,,"]) + "\n",
                   encoding="utf-8")

    refused = import_staff_command([str(bad)])
    after_bad = _rows(azurite, table_prefix + "directory")
    dry = import_staff_command([str(SAMPLE), "--dry-run"])
    after_dry = _rows(azurite, table_prefix + "directory")
    imported = import_staff_command([str(SAMPLE)])
    after_good = _rows(azurite, table_prefix + "directory")

    err = capsys.readouterr().err
    assert refused == 1 and "line 7: email carys.jenkins@llanidloes.example.cymru is already on line 2" in err
    assert after_bad == [] and dry == 0 and after_dry == []
    assert imported == 0 and len(after_good) == 5


async def test_an_ordinary_email_keeps_the_row_key_it_always_had_and_a_row_of_the_old_lossy_key_goes(
        azurite: str, table_prefix: str) -> None:
    """Rows written before keys were escaped: an ordinary email's row is the same row; a row whose '#' was once
    written as '_' is not a member of the new list, so the next import removes it."""
    with TableServiceClient.from_connection_string(azurite) as service:
        table = service.create_table_if_not_exists(table_prefix + "directory")
        table.upsert_entity({"PartitionKey": "staff", "RowKey": "dai_jones@llani.example.cymru",
                             "Name": "Dai Jones", "School": "high", "Role": "", "ManagerEmail": "",
                             "ObjectId": "b1000000-0000-4000-8000-000000000001"})
    async with opened_tables(azurite, table_prefix) as tables:
        await (await tables.staff_directory()).replace_all(read_staff_csv(HASHED, schools=["high"]).staff[:1] + tuple(
            read_staff_csv(SAMPLE.read_text(encoding="utf-8"), schools=["high", "primary"]).staff))

    keys = sorted(str(row["RowKey"]) for row in _rows(azurite, table_prefix + "directory"))
    assert "sian.roberts@llanidloes.example.cymru" in keys and "dai_jones@llani.example.cymru" not in keys
    assert [k for k in keys if "dai" in k] == ["dai!23jones@llani.example.cymru"]


def test_import_staff_takes_a_list_with_near_twin_emails_and_names_a_real_duplicate_by_its_line(
        azurite: str, table_prefix: str, tmp_path: Path, tool_storage: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    twins, duplicated = tmp_path / "twins.csv", tmp_path / "duplicated.csv"
    twins.write_text(HASHED, encoding="utf-8")
    duplicated.write_text(HASHED + "Dai Again,DAI#Jones@llani.example.cymru,high,Teacher,,\n", encoding="utf-8")

    refused = import_staff_command([str(duplicated)])
    imported = import_staff_command([str(twins)])

    err = capsys.readouterr().err
    assert refused == 1 and "line 6: email dai#jones@llani.example.cymru is already on line 2" in err
    assert imported == 0 and len(_rows(azurite, table_prefix + "directory")) == 4


def _staff_file(numbers: range, *, long_name_at: int | None = None) -> str:
    return "name,email,school,role,line_manager_email,aad_object_id\n" + "".join(
        f'"{"B" * 40_000 if n == long_name_at else f"Staff {n:03d}"}",s{n:03d}@llanidloes.example.cymru,high,'
        f"Teacher,,b2000000-0000-4000-8000-{n:012d}\n" for n in numbers)


def test_a_list_with_a_name_storage_would_refuse_is_turned_away_whole_and_the_old_list_stays(
        azurite: str, table_prefix: str, tmp_path: Path, tool_storage: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(_staff_file(range(5)), encoding="utf-8")
    bad.write_text(_staff_file(range(100, 250), long_name_at=220), encoding="utf-8")

    assert import_staff_command([str(good)]) == 0
    refused = import_staff_command([str(bad)])

    err = capsys.readouterr().err
    assert refused == 1 and "line 122: name is longer than 200 characters" in err
    assert len(_rows(azurite, table_prefix + "directory")) == 5


async def test_an_import_storage_stops_part_way_is_completed_by_running_it_again(
        azurite: str, table_prefix: str) -> None:
    """Storage refusing the second batch leaves the list part-written; the same list written again is whole."""
    old = read_staff_csv(_staff_file(range(5)), schools=["high"]).staff
    new = read_staff_csv(_staff_file(range(100, 250)), schools=["high"]).staff
    refused = (*new[:120], StaffMember("B" * 40_000, "s220@llanidloes.example.cymru", "high", "Teacher", ""),
               *new[121:])
    async with opened_tables(azurite, table_prefix) as tables:
        directory = await tables.staff_directory()
        await directory.replace_all(old)
        with pytest.raises(StorageUnavailable):
            await directory.replace_all(refused)
        await directory.replace_all(new)
        members = await directory.list_members()

    assert sorted(m.email for m in members) == sorted(m.email for m in new)


async def test_importing_one_schools_export_alone_is_refused_and_says_whose_staff_and_open_work_it_would_take_off(
        azurite: str, table_prefix: str, tmp_path: Path, tool_storage: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The primary's office imports its own MIS export (its staff and the executive head) over the federation's list:
    the high school's Carys and Gareth would go, and with them the open report Gareth holds would be passed on as
    "has left" at the next check. Nothing changes until the office says they really have left."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    primary = tmp_path / "primary.csv"
    primary.write_text("\n".join([lines[0], *(line for line in lines[1:]
                                              if ",primary," in line or line.startswith("Siân Roberts,"))]) + "\n",
                       encoding="utf-8")
    assert await asyncio.to_thread(import_staff_command, [str(SAMPLE)]) == 0
    report = ConcernReport(reference="C-AAAAAA", reporter=CARYS, what=SECRET, since="", where="", who="",
                           evidence="", wants_meeting=False, urgent=False, submitted_at=NOW,
                           chain=(GARETH, SIAN_CONTACT), route=Route.LINE_MANAGER)
    request = PermissionRequest(
        request_id="P-ABCDEF", requester=CARYS, school_id="high", platform="facebook", platform_other="",
        account_kind="new", existing_account="", purpose=SECRET, audiences=("parents",), pupil_content=("none",),
        consent="", moderator="Carys", moderation="daily", start=date(2026, 12, 1), end=None, submitted_at=NOW)
    async with opened_tables(azurite, table_prefix) as tables:
        await (await tables.concern_reports()).create(report)
        await (await tables.permission_requests()).create(
            request, AuditEntry("P-ABCDEF", "submitted", CARYS.aad_object_id, CARYS.name, NOW))
    capsys.readouterr()

    refused = await asyncio.to_thread(import_staff_command, [str(primary)])
    after_refusal = _rows(azurite, table_prefix + "directory")
    said = capsys.readouterr()
    meant = await asyncio.to_thread(import_staff_command, [str(primary), "--replace-all"])
    after_meant = _rows(azurite, table_prefix + "directory")
    told = capsys.readouterr()

    assert refused == 1 and len(after_refusal) == 5
    assert "2 of the 3 staff at high" in said.err and "nothing was changed" in said.err
    assert "C-AAAAAA" in said.err and "P-ABCDEF" in said.err and "--replace-all" in said.err
    assert all(len(line) < 250 for line in said.err.splitlines()), said.err
    assert meant == 0 and sorted(str(row["Name"]) for row in after_meant) == [
        "Ffion Morgan", "Owain Pritchard", "Siân Roberts"]
    assert "took 2 staff off the list (high: 2)" in told.out and "C-AAAAAA" in told.out
    assert SECRET not in said.err + said.out + told.err + told.out


async def test_a_leaver_whose_row_has_no_object_id_is_named_with_the_open_report_and_request_he_leaves(
        azurite: str, table_prefix: str, tmp_path: Path, tool_storage: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The office's list has no object ids (the import allows it); Graph found Gareth as Carys's line manager under
    his Hwb address, the list's address among his others. Taking him off the list names the report he holds (the next
    check passes it on as "has left") and the request he made; a report held by Ffion, who stays, is not named."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines = [lines[0], *(line.rsplit(",", 1)[0] + "," for line in lines[1:])]
    everyone, without_gareth = tmp_path / "everyone.csv", tmp_path / "without-gareth.csv"
    everyone.write_text("\n".join(lines) + "\n", encoding="utf-8")
    without_gareth.write_text("\n".join(line.replace("gareth.hughes@", "sian.roberts@") for line in lines
                                        if not line.startswith("Gareth")) + "\n", encoding="utf-8")
    assert await asyncio.to_thread(import_staff_command, [str(everyone)]) == 0
    gareth = replace(GARETH, email="g.hughes@hwbcymru.net", other_addresses=(GARETH.email,))
    ffion = StaffContact("a1000000-0000-4000-8000-000000000005", "Ffion Morgan", "f.morgan@hwbcymru.net",
                         ("ffion.morgan@llanidloes.example.cymru",))
    held = ConcernReport(reference="C-BBBBBB", reporter=CARYS, what=SECRET, since="", where="", who="",
                         evidence="", wants_meeting=False, urgent=False, submitted_at=NOW,
                         chain=(gareth, SIAN_CONTACT), route=Route.LINE_MANAGER)
    staying = replace(held, reference="C-CCCCCC", reporter=OWAIN, chain=(ffion, SIAN_CONTACT))
    request = PermissionRequest(
        request_id="P-GGGGGG", requester=Person(TENANT, GARETH.aad_object_id, "Gareth Hughes"), school_id="high",
        platform="facebook", platform_other="", account_kind="new", existing_account="", purpose=SECRET,
        audiences=("parents",), pupil_content=("none",), consent="", moderator="Gareth", moderation="daily",
        start=date(2026, 12, 1), end=None, submitted_at=NOW)
    async with opened_tables(azurite, table_prefix) as tables:
        for report in (held, staying):
            await (await tables.concern_reports()).create(report)
        await (await tables.permission_requests()).create(
            request, AuditEntry("P-GGGGGG", "submitted", GARETH.aad_object_id, "Gareth Hughes", NOW))
    capsys.readouterr()

    code = await asyncio.to_thread(import_staff_command, [str(without_gareth)])
    told = capsys.readouterr()

    assert code == 0 and "took 1 staff off the list (high: 1)" in told.out, told
    assert "1 open concern report(s) held by staff not in the file (C-BBBBBB)" in told.out, told.out
    assert "1 pending permission request(s) made by staff not in the file (P-GGGGGG)" in told.out, told.out
    assert "C-CCCCCC" not in told.out and SECRET not in told.out + told.err


async def test_with_lang_cy_import_staff_says_its_own_lines_in_welsh(
        azurite: str, table_prefix: str, tmp_path: Path, tool_storage: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The primary's office, which works in Welsh, imports the staff list with `--lang cy`: only a storage fault was in
    Welsh; a refused one-school export (with the open work it would take off), and what it imported and took off once
    told they had left, were English."""
    strings = load_catalogue()

    def cy(key: str, **values: object) -> str:
        return strings.text(key, Lang.CY, **values)

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    primary = tmp_path / "primary.csv"
    primary.write_text("\n".join([lines[0], *(line for line in lines[1:]
                                              if ",primary," in line or line.startswith("Siân Roberts,"))]) + "\n",
                       encoding="utf-8")
    codes = [await asyncio.to_thread(import_staff_command, [str(SAMPLE), "--lang", "cy"])]
    async with opened_tables(azurite, table_prefix) as tables:
        await (await tables.concern_reports()).create(ConcernReport(
            reference="C-AAAAAA", reporter=CARYS, what=SECRET, since="", where="", who="", evidence="",
            wants_meeting=False, urgent=False, submitted_at=NOW, chain=(GARETH, SIAN_CONTACT),
            route=Route.LINE_MANAGER))
    capsys.readouterr()
    codes += [await asyncio.to_thread(import_staff_command, [*argv, "--lang", "cy"]) for argv in (
        [str(primary)], [str(primary), "--replace-all"])]

    out, err = capsys.readouterr()
    held = cy("import_staff.held", count=1, references="C-AAAAAA")
    assert codes == [0, 1, 0], err
    assert err.splitlines() == [
        "import-staff: " + cy("import_staff.sweeping", count=2, staff=3, school="high"), f"import-staff: {held}",
        "import-staff: " + cy("import_staff.replace_all")]
    assert out.splitlines() == [
        cy("import_staff.imported", count=3, taken_off=cy("import_staff.took_off", count=2, schools="high: 2"),
           check_off=""), held]
    assert out.splitlines()[0] == "mewnforiwyd 3 aelod o staff; tynnwyd 2 aelod o staff oddi ar y rhestr (high: 2)"


def test_with_lang_cy_import_staff_refuses_a_file_in_welsh(
        tmp_path: Path, tool_storage: None, capsys: pytest.CaptureFixture[str]) -> None:
    """What the office is told of a file it cannot import, and what a dry run would import, were English with
    `--lang cy`; the line of each bad row is the reader's own (English), its count Welsh."""
    strings = load_catalogue()
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    workbook, bad, latin = tmp_path / "staff.xlsx", tmp_path / "bad.csv", tmp_path / "latin.csv"
    workbook.write_bytes(b"PK\x03\x04 a workbook")
    bad.write_text("\n".join([*lines, "Carys Jenkins,carys.jenkins@llanidloes.example.cymru,high,Teacher,,"]) + "\n",
                   encoding="utf-8")
    latin.write_bytes("\n".join(lines).encode("cp1252", errors="replace"))

    codes = [import_staff_command([*argv, "--lang", "cy"]) for argv in (
        [str(workbook)], [str(tmp_path / "none.csv")], [str(latin)], [str(bad)], [str(SAMPLE), "--dry-run"])]

    out, err = capsys.readouterr()
    said = err.splitlines()
    assert codes == [2, 2, 2, 1, 0], err
    assert said[0] == "import-staff: " + strings.text("import_staff.workbook", Lang.CY, file=workbook)
    assert said[1].startswith(f"import-staff: does dim modd darllen {tmp_path / 'none.csv'}: "), said[1]
    assert said[1].endswith("; chafodd dim byd ei fewnforio"), said[1]
    assert said[2].startswith(f"import-staff: does dim modd darllen {latin}: dydy llinell "), said[2]
    assert said[-1] == "1 problem; chafodd dim byd ei fewnforio"
    assert out == "byddai 5 aelod o staff yn cael eu mewnforio\n"
