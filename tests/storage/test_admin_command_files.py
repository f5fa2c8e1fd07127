"""Admin commands writing to a file they cannot write give a one-line reason, never a Python traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.data.tables import TableServiceClient

from bot.export import export_command
from bot.tools import run_tool


@pytest.fixture
def tool_environment(azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "local")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    monkeypatch.setenv("TABLE_PREFIX", table_prefix)


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
