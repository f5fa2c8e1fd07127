"""Downloads of files sent to the bot: the short-lived, pre-authorised URL Teams gives (a plain GET, no token)."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import aiohttp

from bot.domain.downloads import DownloadFailed

log = logging.getLogger(__name__)


class HttpDownloads:
    """`Downloads` over HTTPS with a size limit and a time limit; plain HTTP only when allowed (local runs)."""

    def __init__(self, session: aiohttp.ClientSession, *, max_bytes: int, timeout: float,
                 allow_http: bool = False) -> None:
        self._session = session
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._allow_http = allow_http

    async def fetch(self, url: str) -> bytes:
        """Stream the file, stopping as soon as it passes the limit."""
        scheme = urlsplit(url).scheme.lower()
        if scheme != "https" and not (scheme == "http" and self._allow_http):
            raise DownloadFailed("unavailable")
        try:
            async with asyncio.timeout(self._timeout), self._session.get(url, allow_redirects=True) as response:
                redirected_to = response.url.scheme.lower()
                if response.status != 200 or (redirected_to != "https" and not self._allow_http):
                    log.warning("file download answered %s", response.status)
                    raise DownloadFailed("unavailable")
                if (response.content_length or 0) > self._max_bytes:
                    raise DownloadFailed("too_large")
                received = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    received += chunk
                    if len(received) > self._max_bytes:
                        raise DownloadFailed("too_large")
                return bytes(received)
        except TimeoutError:
            raise DownloadFailed("timeout") from None
        except aiohttp.ClientError as error:
            log.warning("file download failed: %s", type(error).__name__)
            raise DownloadFailed("unavailable") from None
