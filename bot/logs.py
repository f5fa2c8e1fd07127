"""Structured logs: one JSON object a line, with the turn's fields; never message text at INFO."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from aiohttp.http_exceptions import HttpProcessingError

_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record and its `extra` fields as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class RefusedRequests(logging.Filter):
    """aiohttp's server logs a request it cannot parse at ERROR, with a traceback quoting the bytes it refused (a
    header, a token, 8 KB of a request line): anyone who can reach the bot could write into the log so. Such a request
    is the client's fault and is answered 400: it becomes one warning naming the kind of fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record of a request refused as malformed; pass every other record as it is."""
        fault = record.exc_info[1] if record.exc_info else None
        if isinstance(fault, HttpProcessingError):
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.msg, record.args = "malformed HTTP request refused: %s", (type(fault).__name__,)
            record.exc_info, record.exc_text = None, None
            return logging.getLogger(record.name).isEnabledFor(logging.WARNING)  # it passed as an ERROR
        return True


def configure_logging(level: str = "INFO") -> None:
    """Send JSON lines to stderr; quieten the SDKs' chatty loggers."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("azure", "msrest", "aiohttp.access", "urllib3", "msal"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, RefusedRequests) for f in server.filters):
        server.addFilter(RefusedRequests())
    # msrest logs a harmless line about "trigger" on every card click.
    logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
