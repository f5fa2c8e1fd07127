"""Fetching a file sent to the bot from the URL Teams gives: within a size limit and a time limit, HTTPS only
outside local runs, and never more of a large file than the limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.domain.downloads import DownloadFailed
from bot.edge.downloads import HttpDownloads
from tests.support.files import FileServer, run_file_server


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    async with run_file_server() as server:
        yield server


async def _fetch(url: str, *, max_bytes: int = 1000, within: float = 5.0, allow_http: bool = True) -> bytes:
    async with aiohttp.ClientSession() as session:
        return await HttpDownloads(session, max_bytes=max_bytes, timeout=within, allow_http=allow_http).fetch(url)


async def test_a_file_is_fetched_with_a_plain_get(files: FileServer) -> None:
    content = await _fetch(files.add(b"policy text"))

    assert content == b"policy text"
    assert files.requests == [{"method": "GET", "authorization": ""}]


@pytest.mark.parametrize(("setup", "reason"), [("too_large", "too_large"), ("hang", "timeout"),
                                               ("expired", "unavailable"), ("plain_http", "unavailable")])
async def test_what_cannot_be_fetched_says_why(files: FileServer, setup: str, reason: str) -> None:
    url = files.add(b"x" * 5000 if setup == "too_large" else b"small")
    if setup == "hang":
        files.hang_seconds = 3.0
    if setup == "expired":
        url = f"{files.url}download.aspx?tempauth=gone"

    with pytest.raises(DownloadFailed) as failed:
        await _fetch(url, within=0.5, allow_http=setup != "plain_http")

    assert failed.value.reason == reason
    assert len(files.requests) == (0 if setup == "plain_http" else 1)


async def test_a_malformed_url_is_unavailable() -> None:
    with pytest.raises(DownloadFailed, match="unavailable"):
        await _fetch("http://127.0.0.1:1/nothing-listens-here")
    with pytest.raises(DownloadFailed, match="unavailable"):
        await _fetch("file:///etc/passwd")
