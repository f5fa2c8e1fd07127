"""The decision record's backup on Azurite: every row and property type comes back, a restore that stopped part-way
is finished by running it again, and a restore never overwrites what exists."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from azure.data.tables import EdmType, EntityProperty

from bot.__main__ import main as bot_main
from bot.domain.people import Lang, Person
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState
from bot.export import decisions_csv
from bot.settings import LOCAL_FEDERATION, REPO_ROOT
from bot.storage.backup import RECORD_TABLES, BackupError, read_backup, read_tables, restore, write_backup
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.tables import TableStore, service_client
from cards.i18n import load_catalogue
from tests.support.faults import StorageAnswering500
from tests.support.outage import storage_outage

TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
SIAN = Person(TENANT, "a1000000-0000-4000-8000-000000000003", "Mrs Siân Roberts")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
EVERY_TYPE = {"PartitionKey": "retention", "RowKey": "2026-11-24|C-4QX9TB", "Text": "Siân: “quoted” ✓",
              "Flag": True, "Small": 7, "Large": EntityProperty(2**40, EdmType.INT64), "Ratio": 0.25, "When": NOW,
              "Raw": b"\x00\xff",
              "Id": uuid.UUID("a1000000-0000-4000-8000-000000000001")}


@pytest.fixture
async def stores(azurite: str, table_prefix: str) -> AsyncIterator[tuple[TableStore, TableStore]]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        original = TableStore(service, prefix=table_prefix, timeout=3)
        elsewhere = TableStore(service, prefix=table_prefix + "r", timeout=3)
        await original.ensure_tables(RECORD_TABLES)
        yield original, elsewhere


async def _decided(store: TableStore) -> TablePermissionRequests:
    requests = TablePermissionRequests(store)
    for number, purpose in enumerate(["Class news for parents", 'Sports results =HYPERLINK("x")']):
        request = PermissionRequest(
            request_id=f"P-ABCDE{number}", requester=CARYS, school_id="high", platform="facebook", platform_other="",
            account_kind="new", existing_account="", purpose=purpose, audiences=("parents",),
            pupil_content=("none",), consent="", moderator="Carys", moderation="daily", start=date(2026, 12, 1),
            end=None, submitted_at=NOW)
        await requests.create(request, AuditEntry(request.request_id, "submitted", CARYS.aad_object_id, CARYS.name,
                                                  NOW))
    first = await requests.get("P-ABCDE0")
    await requests.save(replace(first, state=RequestState.APPROVED, decided_by=SIAN.name, decided_at=NOW),
                        AuditEntry(first.request_id, "approved", SIAN.aad_object_id, SIAN.name, NOW))
    async with store.call():
        await store.table("audit").create_entity(EVERY_TYPE)
    return requests


async def _record(requests: TablePermissionRequests) -> str:
    """The governors' decision record for the school year."""
    return decisions_csv(await requests.list_all(), start=date(2026, 9, 1), end=date(2027, 8, 31),
                         school_names={"high": "Llanidloes High School"})


async def _rows(store: TableStore, table: str) -> list[dict[str, Any]]:
    async with store.call():
        return [dict(entity) async for entity in store.table(table).list_entities()]


async def test_a_restore_elsewhere_gives_back_every_row_and_the_same_decision_record(
        stores: tuple[TableStore, TableStore], tmp_path: Path) -> None:
    original, elsewhere = stores
    requests = await _decided(original)

    counts = write_backup(tmp_path / "backup", await read_tables(original))
    restored = await restore(elsewhere, read_backup(tmp_path / "backup"))

    assert counts == {table: len(await _rows(original, table)) for table in RECORD_TABLES}
    assert counts["permissions"] >= 5 and counts["permissionindex"] >= 2 and counts["audit"] == 1
    assert restored.rows == counts and restored.already == dict.fromkeys(RECORD_TABLES, 0)
    for table in RECORD_TABLES:
        assert await _rows(elsewhere, table) == await _rows(original, table), table
    [row] = await _rows(elsewhere, "audit")
    assert isinstance(row["Large"], EntityProperty) and row["Large"].edm_type is EdmType.INT64
    record = await _record(requests)
    assert await _record(TablePermissionRequests(elsewhere)) == record and "Class news for parents" in record


async def test_a_restore_over_tables_that_hold_rows_is_refused_and_changes_nothing(
        stores: tuple[TableStore, TableStore], tmp_path: Path) -> None:
    original, _ = stores
    requests = await _decided(original)
    write_backup(tmp_path / "backup", await read_tables(original))
    later = await requests.get("P-ABCDE1")
    await requests.save(replace(later, state=RequestState.DECLINED, decided_by=SIAN.name, decided_at=NOW),
                        AuditEntry(later.request_id, "declined", SIAN.aad_object_id, SIAN.name, NOW))
    before = {table: await _rows(original, table) for table in RECORD_TABLES}

    with pytest.raises(BackupError, match="permissions already hold rows that are not in this backup"):
        await restore(original, read_backup(tmp_path / "backup"))

    assert {table: await _rows(original, table) for table in RECORD_TABLES} == before
    assert (await requests.get("P-ABCDE1")).state is RequestState.DECLINED


def _stopped_after(backup: dict[str, list[dict[str, Any]]], rows: int) -> dict[str, list[dict[str, Any]]]:
    """What a restore that stopped part-way had written: the first `rows` rows, in the order a restore writes them."""
    written: dict[str, list[dict[str, Any]]] = {}
    for table, table_rows in backup.items():
        written[table] = table_rows[:max(rows, 0)]
        rows -= len(written[table])
    return written


async def test_a_restore_that_stopped_part_way_is_finished_by_running_it_again(
        stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Storage throttled, or the laptop slept: the technician runs the same command again and it completes."""
    original, elsewhere = stores
    requests = await _decided(original)
    write_backup(tmp_path / "b", await read_tables(original))
    backup = read_backup(tmp_path / "b")
    await restore(elsewhere, _stopped_after(backup, 3))
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix + "r")

    again = await asyncio.to_thread(bot_main, ["restore-records", str(tmp_path / "b")])

    captured = capsys.readouterr()
    assert again == 0, captured.err
    rows = len(backup["permissions"])
    assert f"restored permissions {rows} rows (3 of them from the run before)" in captured.out
    for table in RECORD_TABLES:
        assert await _rows(elsewhere, table) == await _rows(original, table), table
    assert await _record(TablePermissionRequests(elsewhere)) == await _record(requests)
    assert (await restore(elsewhere, backup)).already == {table: len(backup[table]) for table in RECORD_TABLES}


async def test_a_restore_that_storage_stopped_part_way_says_what_it_restored_and_a_run_again_finishes_it(
        stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Storage goes away in the middle of a restore (a proxy in front of Azurite passes on the write of the second
    request, "Sports results", then stops: it may be made, its answer never comes). The technician is told what was
    restored before it stopped, table by table, and to run it again; she runs it again with storage back, and every
    row is there once. Before, she was told only "storage could not be reached", with nothing of what was restored."""
    original, elsewhere = stores
    requests = await _decided(original)
    write_backup(tmp_path / "b", await read_tables(original))
    backup = read_backup(tmp_path / "b")
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix + "r")
    async with storage_outage(azurite) as outage:
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", outage.connection_string)
        outage.down_after = b"Sports results"

        stopped = await asyncio.to_thread(bot_main, ["restore-records", str(tmp_path / "b")])
        first = capsys.readouterr()
        there = {table: len(await _rows(elsewhere, table)) for table in RECORD_TABLES}
        await outage.up()
        again = await asyncio.to_thread(bot_main, ["restore-records", str(tmp_path / "b")])
        second = capsys.readouterr()

    assert stopped == 1 and first.out == ""
    [line] = first.err.splitlines()
    assert line.startswith("restore-records: storage could not be reached ("), line
    total = {table: len(rows) for table, rows in backup.items()}
    assert there["permissions"] > 0 and there["permissionindex"] == there["audit"] == 0, (there, total)
    said = re.search(r"restored before it stopped: permissions (\d+) of (\d+) rows, permissionindex 0 of (\d+) rows, "
                     r"audit 0 of 1 row \(the row being written as it stopped may be there too\); run the same command "
                     r"again to finish: what is restored is left as it is", line)
    assert said is not None, line
    assert int(said[1]) in (there["permissions"] - 1, there["permissions"]) and int(said[2]) == total["permissions"]
    assert int(said[1]) < total["permissions"] and int(said[3]) == total["permissionindex"]
    assert again == 0, second.err
    assert f"restored permissions {total['permissions']} rows ({there['permissions']} of them from the run before)" \
        in second.out
    for table in RECORD_TABLES:
        assert await _rows(elsewhere, table) == await _rows(original, table), table
    assert await _record(TablePermissionRequests(elsewhere)) == await _record(requests)


async def test_a_row_storage_made_but_answered_500_is_taken_as_restored_not_as_a_fault(
        stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Azure's front end times out on a write the table took and answers 500; the storage client tries again and is
    told the row exists (a proxy in front of Azurite, `StorageAnswering500`). The row is the backup's own, as the
    backup holds it: the restore goes on, and every row is there once."""
    original, elsewhere = stores
    await _decided(original)
    write_backup(tmp_path / "b", await read_tables(original))
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix + "r")
    async with StorageAnswering500(azurite).running() as proxy:
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", proxy.connection_string)
        # By its path: a row's write, not the making of the table (whose name is in its body).
        proxy.fail_next_write("/" + table_prefix + "rpermissionindex")

        code = await asyncio.to_thread(bot_main, ["restore-records", str(tmp_path / "b")])

    captured = capsys.readouterr()
    assert proxy.failed and all(path.endswith("rpermissionindex") for path in proxy.failed), proxy.failed
    assert code == 0, captured.err
    assert "restored permissions" in captured.out
    for table in RECORD_TABLES:
        assert await _rows(elsewhere, table) == await _rows(original, table), table


async def test_another_backup_is_never_mixed_into_a_restore_that_stopped_part_way(
        stores: tuple[TableStore, TableStore], tmp_path: Path) -> None:
    original, elsewhere = stores
    requests = await _decided(original)
    write_backup(tmp_path / "older", await read_tables(original))
    later = await requests.get("P-ABCDE1")
    await requests.save(replace(later, state=RequestState.DECLINED, decided_by=SIAN.name, decided_at=NOW),
                        AuditEntry(later.request_id, "declined", SIAN.aad_object_id, SIAN.name, NOW))
    write_backup(tmp_path / "newer", await read_tables(original))
    newer = read_backup(tmp_path / "newer")
    await restore(elsewhere, _stopped_after(newer, sum(map(len, newer.values())) - 1))
    before = {table: await _rows(elsewhere, table) for table in RECORD_TABLES}

    with pytest.raises(BackupError, match="already hold rows that are not in this backup"):
        await restore(elsewhere, read_backup(tmp_path / "older"))

    assert {table: await _rows(elsewhere, table) for table in RECORD_TABLES} == before


def test_an_incomplete_backup_is_refused_saying_which_file(tmp_path: Path) -> None:
    rows = [json.dumps({"PartitionKey": f"P-{n}", "RowKey": "request"}) for n in (1, 2)]
    write_backup(tmp_path, {"permissions": rows, "permissionindex": [], "audit": []})
    lines = (tmp_path / "permissions.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "permissions.jsonl").write_text(lines[0] + "\n", encoding="utf-8")

    with pytest.raises(BackupError, match="permissions.jsonl has 1 rows; backup.json says 2"):
        read_backup(tmp_path)
    with pytest.raises(BackupError, match="is not a complete backup"):
        read_backup(tmp_path / "nowhere")


async def test_the_commands_back_up_and_restore_with_the_tools_settings(
        stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    original, elsewhere = stores
    await _decided(original)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix)

    backed_up = await asyncio.to_thread(bot_main, ["backup-records", str(tmp_path / "b")])
    monkeypatch.setenv("TABLE_PREFIX", table_prefix + "r")
    restored = await asyncio.to_thread(bot_main, ["restore-records", str(tmp_path / "b")])

    out = capsys.readouterr().out
    rows = len(await _rows(original, "permissions"))
    assert (backed_up, restored) == (0, 0)
    assert f"backed up to {tmp_path / 'b'}: permissions {rows} rows" in out
    assert f"restored permissions {rows} rows" in out
    assert await _rows(elsewhere, "permissions") == await _rows(original, "permissions")


async def test_a_backup_into_a_folder_that_already_holds_one_is_refused_and_leaves_it_as_it_was(
        stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`backup-records backup-2026-12`, copied from infra/README.md again next term, or run "to be safe" after rows
    were deleted by mistake, wrote over the folder's earlier backup without a word: the one good copy of the decision
    record was replaced by the later (or broken) one."""
    original, _ = stores
    await _decided(original)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix)
    assert await asyncio.to_thread(bot_main, ["backup-records", str(tmp_path / "b")]) == 0
    earlier = {path.name: path.read_bytes() for path in (tmp_path / "b").iterdir()}
    async with original.call():
        await original.table("permissions").delete_entity("P-ABCDE0", "request")
    capsys.readouterr()

    again = await asyncio.to_thread(bot_main, ["backup-records", str(tmp_path / "b")])

    err = capsys.readouterr().err
    assert again == 2
    assert err == (f"backup-records: {tmp_path / 'b'} already holds a backup (backup.json): name a new folder, such "
                   "as backup-YYYY-MM-DD; nothing was written\n")
    assert {path.name: path.read_bytes() for path in (tmp_path / "b").iterdir()} == earlier


def _tables_named(text: str) -> set[str]:
    """The tables of the README's Records table that `text` names in backticks."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    records = readme.split("### Records (Azure Table storage)", 1)[1].split("\n\n", 2)[1]
    known = set(re.findall(r"^\| `([a-z]+)` \|", records, re.MULTILINE))
    assert {"permissions", "audit", "reports"} <= known, "the README's Records table was not found"
    return set(re.findall(r"`([a-z]+)`", text)) & known


async def test_the_readmes_name_every_table_the_backup_holds_and_no_other(
        stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The README said the backup held the requests, their audit trail and the retention log; it held
    `permissionindex` too. Each table backup-records writes is named in backticks in its row of the README's command
    table, and no other table of the Records table is (name a table left out, such as the concern reports, in words).
    infra/README's "A copy of the decision record" names each of them too (as plain words: backticks there are Bicep
    names, which tests/unit/test_infra.py checks)."""
    await _decided(stores[0])
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix)
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `python -m bot backup-records"))
    infra = (REPO_ROOT / "infra" / "README.md").read_text(encoding="utf-8")
    bullet = infra.split("- **A copy of the decision record, each term.**", 1)[1].split("\n- **", 1)[0]

    code = await asyncio.to_thread(bot_main, ["backup-records", str(tmp_path / "b")])

    written = {path.stem for path in (tmp_path / "b").glob("*.jsonl")}
    assert code == 0 and written == set(RECORD_TABLES)
    assert _tables_named(row) == written, row
    assert written <= set(re.findall(r"\b[a-z]+\b", bullet)), bullet


@pytest.fixture
def step_8(azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The tools' settings of infra/README step 8, on Azurite."""
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix)
    return monkeypatch


async def test_the_commands_say_in_plain_words_what_stopped_them(
        stores: tuple[TableStore, TableStore], step_8: pytest.MonkeyPatch, table_prefix: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """They printed Python's own errors ("[Errno 17] File exists: '…'", "[Errno 2] No such file or directory: '…/
    backup.json'") and, for a TABLE_PREFIX naming no tables, "storage answered 404 TableNotFound"; and "audit 1
    rows"."""
    await _decided(stores[0])
    a_file = tmp_path / "backup-2026-12"
    a_file.write_text("", encoding="utf-8")
    good, incomplete = tmp_path / "good", tmp_path / "incomplete"

    codes = [await asyncio.to_thread(bot_main, argv) for argv in (
        ["backup-records", str(a_file)], ["restore-records", str(a_file)], ["backup-records", str(good)],
        ["restore-records", str(tmp_path / "none")])]
    (incomplete).mkdir()
    for name in ("backup.json", "permissions.jsonl", "permissionindex.jsonl"):
        (incomplete / name).write_bytes((good / name).read_bytes())
    codes.append(await asyncio.to_thread(bot_main, ["restore-records", str(incomplete)]))
    step_8.setenv("TABLE_PREFIX", table_prefix + "typo")
    codes.append(await asyncio.to_thread(bot_main, ["backup-records", str(tmp_path / "elsewhere")]))

    out, err = capsys.readouterr()
    assert codes == [2, 2, 0, 2, 2, 2]
    assert out.splitlines()[-1].endswith(", audit 1 row")
    assert err.splitlines() == [
        f"backup-records: {a_file} is a file: name a new folder for the backup; nothing was written",
        f"restore-records: {a_file} is a file: name the folder backup-records wrote; nothing was restored",
        f"restore-records: {tmp_path / 'none'} is not a complete backup: there is no such folder; nothing was "
        "restored",
        f"restore-records: {incomplete} is not a complete backup: it has no audit.jsonl; nothing was restored",
        "backup-records: storage has no permissions table: check TABLE_PREFIX, and that this is the bot's storage "
        "account (the bot makes its tables when it first starts); nothing was written",
    ]
    assert not (tmp_path / "elsewhere").exists()


async def test_a_purpose_pasted_from_word_with_a_line_break_of_its_own_is_backed_up_and_restored(
        stores: tuple[TableStore, TableStore], tmp_path: Path) -> None:
    """Word and PDFs paste U+2028/U+2029 or NEL as line breaks: each row is still one line of its file."""
    original, elsewhere = stores
    requests = await _decided(original)
    pasted = await requests.get("P-ABCDE1")
    await requests.save(replace(pasted, state=RequestState.DECLINED, decided_by=SIAN.name, decided_at=NOW,
                                reason="Pupils' faces\x85are shown\u2029Ask again"),
                        AuditEntry(pasted.request_id, "declined", SIAN.aad_object_id, SIAN.name, NOW))
    async with original.call():
        await original.table("audit").create_entity({"PartitionKey": "retention", "RowKey": "2026-11-25|C-7QX9TB",
                                                     "Text": "Class news\u2028for parents"})

    counts = write_backup(tmp_path / "b", await read_tables(original))
    await restore(elsewhere, read_backup(tmp_path / "b"))

    for table in RECORD_TABLES:
        assert len((tmp_path / "b" / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()) == counts[table]
        assert await _rows(elsewhere, table) == await _rows(original, table), table
    declined = await TablePermissionRequests(elsewhere).get("P-ABCDE1")
    assert declined.reason == "Pupils' faces\x85are shown\u2029Ask again"


def test_a_backup_written_with_those_line_breaks_unescaped_still_restores(tmp_path: Path) -> None:
    """Backups made before they were escaped hold them as they are: only a newline ends a row."""
    rows = [{"PartitionKey": "P-1", "RowKey": "request", "Purpose": "Class news\u2028for parents\x85and pupils"},
            {"PartitionKey": "P-2", "RowKey": "request", "Purpose": "Sports\u2029results\r"}]
    write_backup(tmp_path, {"permissions": [json.dumps(row, ensure_ascii=False) for row in rows],
                            "permissionindex": [], "audit": []})

    assert read_backup(tmp_path)["permissions"] == rows


def _edited(folder: Path, table: str, edit: Callable[[list[str]], list[str]]) -> None:
    """A backup's file edited by hand, with backup.json's count made to match."""
    path = folder / f"{table}.jsonl"
    lines = edit(path.read_text(encoding="utf-8").split("\n")[:-1])
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    summary = json.loads((folder / "backup.json").read_text(encoding="utf-8"))
    summary["rows"][table] = len(lines)
    (folder / "backup.json").write_text(json.dumps(summary), encoding="utf-8")


def _twice(lines: list[str]) -> list[str]:
    request = json.loads(next(line for line in lines if '"RowKey": "request"' in line))
    return [*lines, json.dumps({**request, "State": "approved"})]


def _without(key: str) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        row = json.loads(lines[1])
        del row[key]
        return [lines[0], json.dumps(row), *lines[2:]]
    return edit


def _cut_off(folder: Path) -> None:
    path = folder / "permissions.jsonl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:-40], encoding="utf-8")


def _unknown_table(folder: Path) -> None:
    summary = json.loads((folder / "backup.json").read_text(encoding="utf-8"))
    summary["rows"]["reports"] = 0
    (folder / "backup.json").write_text(json.dumps(summary), encoding="utf-8")
    (folder / "reports.jsonl").write_text("", encoding="utf-8")


HAND_EDITS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a row twice": (lambda folder: _edited(folder, "permissions", _twice), "permissions.jsonl line {last}: "),
    "no PartitionKey": (lambda folder: _edited(folder, "permissions", _without("PartitionKey")),
                        "permissions.jsonl line 2: "),
    "no RowKey": (lambda folder: _edited(folder, "permissionindex", _without("RowKey")),
                  "permissionindex.jsonl line 2: "),
    "null": (lambda folder: _edited(folder, "permissions", lambda lines: [lines[0], "null", *lines[2:]]),
             "permissions.jsonl line 2: "),
    "a list": (lambda folder: _edited(folder, "permissions", lambda lines: ["[1, 2]", *lines[1:]]),
               "permissions.jsonl line 1: "),
    "a blank line": (lambda folder: _edited(folder, "audit", lambda lines: [*lines, ""]), "audit.jsonl line 2: "),
    "a value of no known type": (
        lambda folder: _edited(folder, "audit", lambda lines: [lines[0].replace('"datetime"', '"date"')]),
        "audit.jsonl line 1: "),
    "cut off mid-row": (_cut_off, "permissions.jsonl line {last}: "),
    "a table it never backs up": (_unknown_table, "backup.json: "),
}


async def _hand_edited(edit: str, stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str,
                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    """A backup of the first store in tmp_path/b with the hand edit `edit` made to it, and the shell of a restore into
    the second store: the edit's expected place (`{last}` for the last line) and permissions.jsonl's last line."""
    original, _ = stores
    await _decided(original)
    write_backup(tmp_path / "b", await read_tables(original))
    damage, where = HAND_EDITS[edit]
    damage(tmp_path / "b")
    last = len((tmp_path / "b" / "permissions.jsonl").read_text(encoding="utf-8").split("\n")) - 1
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("FEDERATION_CONFIG", str(LOCAL_FEDERATION))
    monkeypatch.setenv("TABLE_PREFIX", table_prefix + "r")
    return where, last


@pytest.mark.parametrize("edit", HAND_EDITS, ids=str)
async def test_a_hand_edited_backup_is_refused_in_one_line_naming_the_file_and_line_and_nothing_is_restored(
        edit: str, stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A technician's edit of the copy (a row pasted twice, a key deleted, a copy cut short) must not leave the new
    storage account half-restored, where running it again is refused; nor end in a Python traceback."""
    _, elsewhere = stores
    where, last = await _hand_edited(edit, stores, azurite, table_prefix, tmp_path, monkeypatch)

    code = await asyncio.to_thread(bot_main, ["restore-records", str(tmp_path / "b")])

    err = capsys.readouterr().err
    assert code == 2
    [line] = err.splitlines()
    assert line.startswith("restore-records: " + where.format(last=last + (edit == "cut off mid-row"))), line
    assert line.endswith("nothing was restored"), line
    await elsewhere.ensure_tables(RECORD_TABLES)
    for table in RECORD_TABLES:
        assert await _rows(elsewhere, table) == [], table


async def test_a_backup_is_readable_by_its_owner_only(
        stores: tuple[TableStore, TableStore], tmp_path: Path) -> None:
    """It holds staff names, Entra ids, purposes and decline reasons: nobody else on the machine or share reads it."""
    original, _ = stores
    await _decided(original)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "permissions.jsonl").write_text("from an earlier run\n", encoding="utf-8")  # 0644

    write_backup(tmp_path / "b", await read_tables(original))
    write_backup(tmp_path / "new" / "b", await read_tables(original))

    for folder in (tmp_path / "b", tmp_path / "new" / "b"):
        for path in folder.iterdir():
            assert path.stat().st_mode & 0o777 == 0o600, f"{path} is {path.stat().st_mode:o}"
    assert (tmp_path / "new" / "b").stat().st_mode & 0o777 == 0o700


async def test_with_lang_cy_the_commands_say_what_they_did_and_what_stopped_them_in_welsh(
        stores: tuple[TableStore, TableStore], step_8: pytest.MonkeyPatch, table_prefix: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The technician, who works in Welsh, restoring the record after the storage account was lost: `restore-records`
    and `backup-records` refused `--lang cy` (as `publish-policy` takes it), and said in English only what they did and
    why they stopped."""
    await _decided(stores[0])
    a_file = tmp_path / "backup-2026-12"
    a_file.write_text("", encoding="utf-8")
    good = tmp_path / "good"
    strings = load_catalogue()

    def cy(key: str, **values: object) -> str:
        return strings.text(key, Lang.CY, **values)

    codes = [await asyncio.to_thread(bot_main, [*argv, "--lang", "cy"]) for argv in (
        ["backup-records", str(a_file)], ["restore-records", str(a_file)], ["backup-records", str(good)],
        ["backup-records", str(good)], ["restore-records", str(tmp_path / "none")])]
    async with stores[0].call():  # a decision made since the backup was taken
        await stores[0].table("audit").create_entity({**EVERY_TYPE, "RowKey": "2026-12-01|C-7HJ2KD"})
    codes.append(await asyncio.to_thread(bot_main, ["restore-records", str(good), "--lang", "cy"]))
    step_8.setenv("TABLE_PREFIX", table_prefix + "r")
    codes.append(await asyncio.to_thread(bot_main, ["restore-records", str(good), "--lang", "cy"]))

    out, err = capsys.readouterr()
    rows = {"permissions": cy("records.rows", count=8), "permissionindex": cy("records.rows", count=4),
            "audit": cy("records.rows_one", count=1)}
    listed = ", ".join(f"{table} {n}" for table, n in rows.items())
    assert codes == [2, 2, 0, 2, 2, 2, 0], err
    assert out.splitlines() == [cy("records.backed_up", folder=good, tables=listed), cy("records.restored",
                                                                                       tables=listed)]
    nothing_written, nothing_restored = cy("tool.nothing_written"), cy("records.nothing_restored")
    assert err.splitlines() == [
        f"backup-records: {cy('records.backup_is_a_file', folder=a_file)}; {nothing_written}",
        f"restore-records: {cy('records.restore_is_a_file', folder=a_file)}; {nothing_restored}",
        f"backup-records: {cy('records.already_holds', folder=good, file='backup.json')}; {nothing_written}",
        f"restore-records: {cy('records.incomplete', folder=tmp_path / 'none', why=cy('records.no_folder'))}; "
        f"{nothing_restored}",
        f"restore-records: {cy('records.occupied', tables='audit')}; "
        f"{nothing_restored}",
    ]


ENGLISH = re.compile(r"\b(?:the|is|not|has|no|row|line|cut off|empty|value|type|table takes|once)\b")


@pytest.mark.parametrize("edit", HAND_EDITS, ids=str)
async def test_with_lang_cy_a_hand_edited_backup_is_refused_in_welsh_naming_the_file_and_line(
        edit: str, stores: tuple[TableStore, TableStore], azurite: str, table_prefix: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """With `--lang cy`, each reason a backup is refused was English ("permissions.jsonl line 2: the row has no
    PartitionKey; nothing was restored")."""
    where, last = await _hand_edited(edit, stores, azurite, table_prefix, tmp_path, monkeypatch)

    code = await asyncio.to_thread(bot_main, ["restore-records", str(tmp_path / "b"), "--lang", "cy"])

    [line] = capsys.readouterr().err.splitlines()
    welsh_where = where.replace(" line ", " llinell ").format(last=last + (edit == "cut off mid-row"))
    assert code == 2
    assert line.startswith("restore-records: " + welsh_where), line
    assert line.endswith("; " + load_catalogue().text("records.nothing_restored", Lang.CY)), line
    assert not ENGLISH.findall(line.replace("PartitionKey", "").replace("RowKey", "")), line
