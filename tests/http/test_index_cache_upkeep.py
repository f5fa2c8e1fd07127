"""INDEX_CACHE_FOLDER's upkeep by the running bot: files no instance has used for INDEX_CACHE_KEEP_DAYS go; the rest,
and anything in the folder the bot did not write, stay."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.policy.retrieval import shared_sentences
from bot.policy.sentence import INDEX_CACHE_VARIABLE
from bot.settings import Settings
from tests.support.live import live_bot

DAY = 24 * 3600.0


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The bot's INDEX_CACHE_FOLDER, as the deployment sets it (the process's one sentence model reads it)."""
    folder = tmp_path / "index-cache"
    folder.mkdir()
    monkeypatch.setenv(INDEX_CACHE_VARIABLE, str(folder))
    shared_sentences.cache_clear()
    yield folder
    shared_sentences.cache_clear()


def _kept(folder: Path, name: str, *, days_ago: float) -> Path:
    path = folder / name
    path.write_bytes(b"arrays kept for a policy version")
    when = time.time() - days_ago * DAY
    os.utime(path, (when, when))
    return path


async def test_the_running_bot_deletes_the_kept_files_no_instance_used_for_30_days(
        azurite: str, table_prefix: str, cache: Path) -> None:
    """Every policy version and draft embedded left its files in the folder, which only grew."""
    unused = [_kept(cache, "rows-0123456789abcdef.npz", days_ago=45),
              _kept(cache, "classifier-0123456789abcdef.npz", days_ago=31)]
    used_lately = _kept(cache, "answered-by-fedcba9876543210.npz", days_ago=2)
    not_the_bots = _kept(cache, "notes-for-it.txt", days_ago=400)
    settings = Settings.model_validate({
        "APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix,
        "DELIVERY_INTERVAL_SECONDS": 3600, "RETENTION_INTERVAL_SECONDS": 0.2})

    with live_bot(settings):
        for _ in range(200):  # up to 20 s
            if not any(path.exists() for path in unused):
                break
            await asyncio.sleep(0.1)

    assert [path.name for path in unused if path.exists()] == []
    assert used_lately.exists() and not_the_bots.exists()
