"""Admin commands' files: they open in Excel with Welsh names intact, and a file they cannot write gives a one-line
reason, never a Python traceback."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from azure.data.tables import TableServiceClient

from bot.__main__ import main as bot_main
from bot.domain.directory import read_staff_csv
from bot.domain.people import Lang, Person
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState
from bot.domain.policy_reads import AskedStaff
from bot.domain.policy_versions import PolicyVersion
from bot.export import export_command
from bot.policy.loader import DEFAULT_POLICY_FILE
from bot.policy.notes import note
from bot.policy_commands import export_acknowledgements_command
from bot.settings import REPO_ROOT
from bot.storage.directory import TableStaffDirectory
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.policy_reads import TablePolicyReads
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.tables import TableStore, service_client
from bot.tools import run_tool
from cards.i18n import load_catalogue, note_text
from tests.support.policies import write_revised

TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
LLYR = Person(TENANT, "a1000000-0000-4000-8000-0000000000aa", "Llŷr ap Siôn")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=5) as service:
        yield TableStore(service, prefix=table_prefix, timeout=5)


def _as_excel_reads_it(data: bytes) -> str:
    """What Excel shows for a .csv opened by double-click: UTF-8 when the file starts with a byte-order mark,
    otherwise the Windows code page (Windows-1252 in the UK)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    return data.decode("cp1252", errors="replace")


async def test_the_decisions_file_keeps_welsh_names_when_excel_opens_it(
        tool_environment: None, store: TableStore, tmp_path: Path) -> None:
    await store.ensure_tables(["permissions", "permissionindex"])
    requests = TablePermissionRequests(store)
    request = PermissionRequest(
        request_id="P-WELSH1", requester=LLYR, school_id="high", platform="facebook", platform_other="",
        account_kind="new", existing_account="", purpose="Newyddion yr adran Gymraeg i rieni", audiences=("parents",),
        pupil_content=("none",), consent="", moderator="Llŷr", moderation="daily", start=date(2026, 11, 10),
        end=None, submitted_at=NOW)
    await requests.create(request, AuditEntry("P-WELSH1", "submitted", LLYR.aad_object_id, "", NOW))
    decided = NOW + timedelta(hours=2)
    await requests.save(replace(await requests.get("P-WELSH1"), state=RequestState.APPROVED,
                                decided_by="Mrs Siân Roberts", decided_at=decided),
                        AuditEntry("P-WELSH1", "approved", "head", "", decided))
    out = tmp_path / "decisions.csv"

    code = await asyncio.to_thread(export_command, ["--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out)])

    assert code == 0
    [_, row] = list(csv.reader(io.StringIO(_as_excel_reads_it(out.read_bytes()))))
    assert (row[2], row[8]) == ("Llŷr ap Siôn", "Mrs Siân Roberts")
    assert row[5] == "Newyddion yr adran Gymraeg i rieni"


async def test_the_acknowledgements_file_keeps_welsh_names_when_excel_opens_it(
        tool_environment: None, store: TableStore, tmp_path: Path) -> None:
    await store.ensure_tables(["policies", "policyreads", "directory"])
    staff = read_staff_csv((REPO_ROOT / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"]).staff
    await TableStaffDirectory(store).replace_all(staff)
    data = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    await TablePolicyVersions(store).publish(
        PolicyVersion("2", "0" * 64, "Social media policy", NOW, "Mrs Siân Roberts"), data, expected=None)
    out = tmp_path / "reads.csv"

    code = await asyncio.to_thread(export_acknowledgements_command, ["--version", "2", "--out", str(out)])

    assert code == 0
    names = [row[2] for row in csv.reader(io.StringIO(_as_excel_reads_it(out.read_bytes())))]
    assert "Siân Roberts" in names and len(names) == len(staff) + 1


def test_decisions_exported_to_a_folder_that_does_not_exist_are_refused_in_one_line(
        tool_environment: None, azurite: str, table_prefix: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    with TableServiceClient.from_connection_string(azurite) as service:
        service.create_table_if_not_exists(f"{table_prefix}permissions")

    code = export_command(["--from", "2026-01-01", "--to", "2026-12-31", "--out", str(tmp_path / "nodir" / "d.csv")])

    err = capsys.readouterr().err
    assert code == 2 and "nodir" in err and len(err.strip().splitlines()) == 1


def test_a_tool_that_cannot_write_its_file_says_so_in_one_line(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    async def write() -> int:
        (tmp_path / "nodir" / "reads.csv").write_text("name\n", encoding="utf-8")
        return 0

    code = run_tool("export-acknowledgements", write())

    err = capsys.readouterr().err
    assert code == 2 and err.startswith("export-acknowledgements: ") and "nodir" in err


async def test_acknowledgements_exported_to_a_folder_that_does_not_exist_are_refused_in_one_line_naming_the_file(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `export-acknowledgements: [Errno 2] No such file or directory: '…'`, unlike export-decisions."""
    await store.ensure_tables(["policies", "policyreads", "directory"])
    data = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    await TablePolicyVersions(store).publish(
        PolicyVersion("2", "0" * 64, "Social media policy", NOW, "Mrs Siân Roberts"), data, expected=None)
    out = tmp_path / "nodir" / "reads.csv"

    code = await asyncio.to_thread(export_acknowledgements_command, ["--version", "2", "--out", str(out)])

    assert code == 2
    assert capsys.readouterr().err == f"export-acknowledgements: cannot write {out}: No such file or directory\n"


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_decisions_that_cannot_be_written_are_refused_in_one_line_naming_the_command_and_what_was_written(
        tool_environment: None, azurite: str, table_prefix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        lang: str) -> None:
    """`export-decisions` alone began its line "cannot write …", without its name (a script running several tools
    could not tell which failed) nor whether anything was written, and said it in English with `--lang cy`."""
    with TableServiceClient.from_connection_string(azurite) as service:
        service.create_table_if_not_exists(f"{table_prefix}permissions")
    out = tmp_path / "nodir" / "d.csv"
    strings = load_catalogue()

    code = export_command(["--from", "2026-01-01", "--to", "2026-12-31", "--out", str(out), "--lang", lang])

    reason = "No such file or directory" if lang == "en" else note_text(
        strings, note("import.os.no_folder"), Lang.CY)
    assert code == 2
    said = strings.text("tool.cannot_write", Lang(lang), file=out, reason=reason)
    assert capsys.readouterr().err == f"export-decisions: {said}; {strings.text('tool.nothing_written', Lang(lang))}\n"


@pytest.mark.parametrize("argv", [
    ["export-decisions", "--from", "1 Sept", "--to", "2026-12-31"],
    ["export-decisions", "--from", "2026-12-31", "--to", "2026-09-01"],
    ["export-decisions", "--from", "2026-09-01", "--to", "2026-12-31", "--out", "{tmp}/decisions.xlsx"],
    ["export-acknowledgements", "--version", "2", "--out", "{tmp}/reads.xlsx"],
    ["export-acknowledgements", "--version", "7"],
    ["export-acknowledgements", "--version", "1"],
], ids=["bad-date", "to-before-from", "decisions-xlsx", "acknowledgements-xlsx", "not-stored", "never-asked"])
async def test_with_lang_cy_the_exports_say_why_they_wrote_nothing_in_welsh(
        argv: list[str], tool_environment: None, store: TableStore, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The technician exporting for the governors with `--lang cy` was told in English that a date was not YYYY-MM-DD,
    that --to was before --from, that decisions.xlsx is not a .csv, that a version is not stored or was never asked
    to be read."""
    await store.ensure_tables(["permissions"])
    assert await asyncio.to_thread(bot_main, ["publish-policy", str(write_revised(tmp_path)), "--yes"]) == 0
    english = await asyncio.to_thread(bot_main, [arg.format(tmp=tmp_path) for arg in argv])
    in_english = capsys.readouterr().err

    code = await asyncio.to_thread(bot_main, [*(arg.format(tmp=tmp_path) for arg in argv), "--lang", "cy"])

    err = capsys.readouterr().err
    assert code == english != 0
    [line] = err.splitlines()
    assert line.startswith(f"{argv[0]}: ") and line != in_english.strip(), line
    assert not re.search(r"\b(?:must|is|was|were|not|nothing|before|written|stored)\b",
                         line.replace("--version", "")), line


async def test_the_acknowledgements_file_of_a_version_no_longer_in_force_does_not_call_anyone_not_yet(
        tool_environment: None, store: TableStore, tmp_path: Path) -> None:
    """Version 3 replaced version 2. The head opened IT's reads-v2.csv in Excel and filtered status on "not yet": the
    people listed could no longer confirm version 2 (its card brings version 3's), and the `note:` line saying it is no
    longer in force went to IT's terminal, not the file. Her card says "Did not confirm it while it was in force"; so
    does the file's status, and someone who confirmed it is still "read"."""
    await store.ensure_tables(["policies", "policyreads", "directory"])
    staff = read_staff_csv((REPO_ROOT / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"]).staff
    await TableStaffDirectory(store).replace_all(staff)
    versions, reads = TablePolicyVersions(store), TablePolicyReads(store)
    data = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    await versions.publish(PolicyVersion("2", "0" * 64, "Social media policy", NOW, "Mrs Siân Roberts"), data,
                           expected=None)
    for member in staff:
        await reads.add_asked("2", AskedStaff(member.email, member.name, member.school, member.aad_object_id, NOW))
    first, *others = [m for m in staff if m.aad_object_id]
    await reads.confirm("2", Person(TENANT, first.aad_object_id, first.name), NOW + timedelta(hours=1))
    await versions.publish(PolicyVersion("3", "1" * 64, "Social media policy", NOW + timedelta(days=1),
                                         "Mrs Siân Roberts"), data, expected=await versions.get_pointer())
    out = tmp_path / "reads-v2.csv"

    code = await asyncio.to_thread(export_acknowledgements_command, ["--version", "2", "--out", str(out)])

    assert code == 0
    status = {row[2]: row[7] for row in csv.reader(io.StringIO(_as_excel_reads_it(out.read_bytes())))}
    assert status[first.name] == "read"
    assert {status[m.name] for m in others} == {"did not confirm it while it was in force"}
