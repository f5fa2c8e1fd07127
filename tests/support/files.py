"""A local stand-in for the short-lived download URL Teams gives for a file sent to a bot: a plain GET, no token."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.servers import serve

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class FileServer:
    """Files by token, the requests it answered, and a switch to make it hang."""

    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    hang_seconds: float = 0.0

    def add(self, content: bytes) -> str:
        """Serve `content` at a new pre-authorised URL and return it (as Teams would in `downloadUrl`)."""
        token = secrets.token_urlsafe(16)
        self.files[token] = content
        return f"{self.url}download.aspx?UniqueId=1E5A3B2C&tempauth={token}"


@asynccontextmanager
async def run_file_server() -> AsyncIterator[FileServer]:
    """Start the file server on a free loopback port."""
    server = FileServer()

    async def download(request: web.Request) -> web.StreamResponse:
        server.requests.append({"method": request.method, "authorization": request.headers.get("Authorization", "")})
        if server.hang_seconds:
            await asyncio.sleep(server.hang_seconds)
        content = server.files.get(request.query.get("tempauth", ""))
        if content is None:
            return web.Response(status=401, text="expired")
        return web.Response(body=content, content_type=DOCX)

    app = web.Application()
    app.router.add_get("/download.aspx", download)
    async with serve(app) as port:
        server.url = f"http://127.0.0.1:{port}/"
        yield server
