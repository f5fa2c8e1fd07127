"""What the IT technician reads in App Service's log: the bot's real logging (JSON lines, as `app.py` sets it up, at
INFO and at DEBUG) through a question, a permission request and its decision, concern reports passed on, bad card
data and a storage fault. No words anyone typed, no name, address, Entra id or token reaches it."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from app import SERVICES, STORE
from bot.logs import configure_logging
from tests.support.activities import CARYS, GARETH, SIAN, card_action, message
from tests.support.cards import press, verb_data
from tests.support.concerns import CARYS_CHAT, SIAN_CHAT, import_staff, say_hi, send_report
from tests.support.connector import Connector
from tests.support.faults import fail_next_enqueue

# A start the form takes whenever the tests run (more than a year ahead is refused).
_TOMORROW = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()

QUESTION = "Zebracorn: may I follow a pupil's parent on Strava?"
UNCOVERED = "How many days of annual leave do I get, Zebracorn?"
PURPOSE = "Quokka field trip highlights for parents"
REASON = "Wombat: use the school page instead"
REPORT = "Narwhal keeps sending me nasty messages about my lessons"
NOTE = "Axolotl: passing this up, she is upset"
GARETH_EMAIL = "gareth.hughes@llanidloes.example.cymru"
# What would tell a reader who asked, reported or was reported, or what they said.
NEVER_LOGGED = ("Zebracorn", "Quokka", "Wombat", "Narwhal", "Axolotl", "@llanidloes", "a1000000-0000", "29:carys",
                "29:gareth", "Carys", "Gareth", "Siân", "Bearer", "Authorization")


@pytest.fixture(params=["INFO", "DEBUG"])
def log_lines(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """The bot's own logging at this LOG_LEVEL, its JSON lines kept here (pytest's handlers put back after)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quietened = {name: logging.getLogger(name).level for name in ("azure", "msrest", "aiohttp.access", "urllib3",
                                                                  "msal", "msrest.serialization")}
    configure_logging(request.param)
    written = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(written)
    yield written
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in quietened.items():
        logging.getLogger(name).setLevel(was)


async def test_the_log_holds_no_words_names_addresses_or_ids(log_lines: io.StringIO, client: TestClient,
                                                             connector: Connector,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    await import_staff(client.app[STORE])
    await say_hi(client, connector, CARYS, GARETH, SIAN)
    await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
    await client.post("/api/messages", json=message(CARYS, UNCOVERED, connector.url))
    await press(client, connector, card_action(CARYS, "ask.escalate",
                                               verb_data(connector.cards(CARYS_CHAT)[-1], "ask.escalate"),
                                               connector.url))
    status = await press(client, connector, card_action(CARYS, "permission.submit", {
        "school": "high", "platform": "instagram", "account_kind": "new", "purpose": PURPOSE, "audience": "parents",
        "pupil_content": "work", "consent": "Only work", "moderator": "Carys Jenkins", "moderation": "daily",
        "start": _TOMORROW, "ongoing": "true", "confirm": "true"}, connector.url))
    await press(client, connector, card_action(SIAN, "permission.decline", {
        "id": verb_data(status, "permission.withdraw")["id"], "reason": REASON}, connector.url))
    await send_report(client, connector, CARYS, what=REPORT, who="Gareth")
    await send_report(client, connector, CARYS, what=f"{REPORT} again", about=GARETH_EMAIL)
    await client.app[SERVICES].deliverer.drain()
    holder = connector.cards(SIAN_CHAT)[-1]
    fail_next_enqueue(monkeypatch)  # the escalation is saved while storage fails to queue its messages
    await press(client, connector, card_action(SIAN, "concern.escalate",
                                               {**verb_data(holder, "concern.escalate"), "note": NOTE}, connector.url))
    await press(client, connector, card_action(CARYS, "concern.submit", {"what": [REPORT]}, connector.url))
    await client.app[SERVICES].deliverer.drain()

    lines = log_lines.getvalue().splitlines()
    outcomes = [json.loads(line).get("outcome") for line in lines]
    assert {"invoke:permission.decline", "invoke:concern.submit", "storage-unavailable"} <= set(outcomes), outcomes
    assert [(word, line) for line in lines for word in NEVER_LOGGED if word in line] == []


# Requests no Teams client sends, each carrying words the log must not repeat: a header a parser refuses, an
# Authorization header (a token) with a control character in it, a request line and a header longer than the server
# reads.
MALFORMED = (
    b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nX-Note\x01: Narwhal keeps messaging me\r\n\r\n",
    b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nAuthorization: Bearer eyJhbGciOiJSUzI1NiJ9.Zebracorn\x01\r\n\r\n",
    b"POST /api/messages?q=" + b"Quokka" * 2000 + b" HTTP/1.1\r\nHost: bot\r\n\r\n",
    b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nAuthorization: Bearer eyJ" + b"Wombat" * 2000 + b"\r\n\r\n",
)


async def test_a_request_the_server_cannot_read_is_one_warning_without_its_bytes(log_lines: io.StringIO,
                                                                               client: TestClient) -> None:
    """aiohttp logs a request it cannot parse at ERROR, with a traceback quoting the bytes it refused: a header, a
    token, 8 KB of a request line; anyone who can reach the bot could write into the log so, at ERROR."""
    for sent in MALFORMED:
        reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
        writer.write(sent)
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        assert answer.startswith(b"HTTP/1.0 400"), answer[:100]

    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert [(r["level"], r["message"]) for r in records if r["logger"].startswith("aiohttp")] == [
        ("WARNING", "malformed HTTP request refused: BadHttpMessage"),
        ("WARNING", "malformed HTTP request refused: BadHttpMessage"),
        ("WARNING", "malformed HTTP request refused: LineTooLong"),
        ("WARNING", "malformed HTTP request refused: LineTooLong"),
    ], records
    assert [w for w in ("Narwhal", "Zebracorn", "Quokka", "Wombat", "eyJ", "Bearer") if w in log_lines.getvalue()] == []


async def test_a_button_the_bot_never_made_is_logged_without_its_name(log_lines: io.StringIO, client: TestClient,
                                                                     connector: Connector) -> None:
    """A click's log line names its verb, which Teams copies from the card; a client that changes the card can put
    anything there (words, 200 KB of them), and the log would repeat it."""
    response = await client.post("/api/messages", json=card_action(
        CARYS, "Narwhal keeps sending me messages " * 5000, {}, connector.url))

    assert response.status == 200
    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert [r["outcome"] for r in records if r["message"] == "turn"] == ["invoke:unknown"]
    assert "Narwhal" not in log_lines.getvalue()
