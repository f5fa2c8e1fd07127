"""Port: fetching a file someone sent the bot, within a size limit and a time limit."""

from __future__ import annotations

from typing import Protocol


class DownloadFailed(Exception):
    """The file could not be fetched; `reason` is "too_large", "timeout" or "unavailable"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Downloads(Protocol):
    """Fetches a file by the pre-authorised URL Teams gave for it."""

    async def fetch(self, url: str) -> bytes:
        """The file's bytes; `DownloadFailed` when it is too large, too slow or unavailable."""
        ...
