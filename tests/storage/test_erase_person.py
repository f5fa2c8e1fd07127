"""A request to erase (UK GDPR Article 17) as the data protection officer carries it out, against Azurite: what the
bot holds of one member of staff that is no record the school keeps goes (her questions with their messages, her daily
counts, her profile once she has left); her permission request and concern report stay, listed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE
from bot.__main__ import main as bot_main
from bot.storage.directory import TableStaffDirectory
from tests.support.activities import CARYS, GARETH, SIAN, message
from tests.support.cards import verb_data
from tests.support.concerns import CARYS_CHAT, click, import_staff, say_hi, send_report
from tests.support.connector import Connector
from tests.support.faults import storage_refusing_access
from tests.support.terminal import Terminal

COMMAND = "erase-person"
CARYS_EMAIL = "carys.jenkins@llanidloes.example.cymru"
UNCOVERED = "How many days of annual leave do I get?"
CORRECTIONS = ("See the staff handbook, section 3.", "See the staff handbook, section 4.")


async def _rows(azurite: str, table: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table) as client:
        return [dict(row) async for row in client.list_entities()]


def _hers(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows that carry Carys's Entra id anywhere (a key or a column)."""
    return [row for row in rows if any(CARYS["aadObjectId"] in str(value) for value in row.values())]


async def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(bot_main, [COMMAND, *args])
    shown = capsys.readouterr()
    return code, shown.out, shown.err


@pytest.fixture
async def carys_has_used_the_bot(client: TestClient, connector: Connector, tool_environment: None) -> str:
    """Carys asks a question the policy covers and one it does not (passed to Siân, who replies, then corrects her
    reply), asks permission and reports a concern; returns her request's id."""
    await import_staff(client.app[STORE])
    await say_hi(client, connector, CARYS, SIAN, GARETH)
    await client.post("/api/messages", json=message(CARYS, "Can I accept a friend request from a parent?",
                                                     connector.url))
    await client.post("/api/messages", json=message(CARYS, UNCOVERED, connector.url))
    await client.app[SERVICES].deliverer.drain()
    question = str(verb_data(connector.cards(CARYS_CHAT)[-1], "ask.escalate")["q"])
    await click(client, connector, CARYS, "ask.escalate", {"q": question})
    replied = await click(client, connector, SIAN, "ask.reply", {"q": question, "reply": "See the staff handbook."})
    for words in CORRECTIONS:
        opened = await click(client, connector, SIAN, "ask.correct_reply", verb_data(replied, "ask.correct_reply"))
        replied = await click(client, connector, SIAN, "ask.reply", {**verb_data(opened, "ask.reply"),
                                                                     "reply": words})
    await client.app[SERVICES].deliverer.drain()
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    sent = await click(client, connector, CARYS, "permission.submit", {
        "school": "high", "platform": "instagram", "account_kind": "new", "purpose": "Field trip photos",
        "audience": "parents", "pupil_content": "work", "consent": "Opted in", "moderator": "Carys Jenkins",
        "moderation": "daily", "start": tomorrow, "ongoing": "true", "confirm": "true"})
    await send_report(client, connector, CARYS)
    return str(verb_data(sent, "permission.withdraw")["id"])


async def test_a_leaver_s_questions_counts_and_profile_go_and_her_request_and_report_stay(
        carys_has_used_the_bot: str, client: TestClient, azurite: str, table_prefix: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    listed = await TableStaffDirectory(client.app[STORE]).list_members()
    await TableStaffDirectory(client.app[STORE]).replace_all([m for m in listed if m.email != CARYS_EMAIL])
    questions_before = await _rows(azurite, table_prefix + "questions")
    sent_before = await _rows(azurite, table_prefix + "outboxsent")

    dry = await _run(capsys, CARYS["aadObjectId"].upper(), "--dry-run")
    unchanged = await _rows(azurite, table_prefix + "questions")
    erased = await _run(capsys, CARYS["aadObjectId"], "--yes")

    assert dry[0] == 0, dry[2]
    assert dry[1].startswith(f"would erase for Carys Jenkins ({CARYS['aadObjectId']}): 2 question(s) they asked")
    assert len(_hers(unchanged)) == len(_hers(questions_before)) == 2
    assert erased[0] == 0, erased[2]
    assert "2 question(s) they asked, with their messages" in erased[1] and "1 profile row(s)" in erased[1]
    assert "     1  permission request they made" in erased[1] and "     1  concern report they made" in erased[1]
    for table in ("questions", "users", "ratelimits"):
        assert _hers(await _rows(azurite, table_prefix + table)) == [], table
    question_ids = {str(row["RowKey"]) for row in _hers(questions_before)}
    assert [row for row in sent_before if "|corrected|" in str(row["RowKey"])], "the correction was sent to her"
    assert any(row.get("FirstReply") == "See the staff handbook." for row in questions_before)
    [kept] = [json.loads(row["Corrections"]) for row in questions_before if row.get("Corrections")]
    assert tuple(c["Reply"] for c in kept) == CORRECTIONS, "every correction was on the record"
    for table in ("questions", "outbox", "outboxsent"):  # nor any reply's words, nor the card it updated
        assert not [row for row in await _rows(azurite, table_prefix + table)
                    if "See the staff handbook" in json.dumps(row, default=str)], table
    for table in ("outbox", "outboxsent"):  # the question's card to Siân and her reply to Carys, and their marks
        left = [row for row in await _rows(azurite, table_prefix + table)
                if any(str(row["RowKey"]).startswith(f"{kind}|{q}|") for q in question_ids for kind in ("msg", "slot"))]
        assert left == [], table
    permissions = await _rows(azurite, table_prefix + "permissions")
    assert any(row["PartitionKey"] == carys_has_used_the_bot for row in permissions)
    assert _hers([row for row in await _rows(azurite, table_prefix + "reports") if row["RowKey"] == "report"])


async def test_someone_still_on_the_staff_list_keeps_her_profile(
        carys_has_used_the_bot: str, azurite: str, table_prefix: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = await _run(capsys, CARYS_EMAIL, "--yes")

    assert code == 0, err
    assert "not their profile: they are on the staff list" in out
    assert len(_hers(await _rows(azurite, table_prefix + "users"))) == 1
    assert _hers(await _rows(azurite, table_prefix + "questions")) == []


async def test_while_the_data_role_applies_it_says_403_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("APP_ENV", "local")
    async with storage_refusing_access() as (connection_string, _):
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string)

        code, out, err = await _run(capsys, CARYS_EMAIL)

    assert (code, out) == (1, "")
    [line] = err.splitlines()
    assert line.startswith(f"{COMMAND}: storage refused access (403 AuthorizationPermissionMismatch)")


async def test_an_id_nothing_names_is_said_in_one_line_not_reported_as_erased(
        client: TestClient, tool_environment: None, capsys: pytest.CaptureFixture[str]) -> None:
    """A mistyped id must not read as a person erased."""
    await import_staff(client.app[STORE])
    unknown = "c0ffee00-0000-4000-8000-000000000099"

    code, out, err = await _run(capsys, unknown)

    assert (code, out) == (2, "")
    assert err == (f"{COMMAND}: nothing in the records names Entra object id {unknown}: check the id; nothing was "
                   "deleted\n")


@pytest.mark.parametrize("answer", ["", "y", "yes"])
async def test_nothing_is_erased_until_erase_is_typed_or_with_yes(
        carys_has_used_the_bot: str, azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], answer: str) -> None:
    """`erase-person` deleted the moment it was run: a DPO who meant `--dry-run` first (as infra/README.md says), or
    typed a colleague's address, had that person's questions and the replies to them gone for good, with nothing asked.
    It now says what it would erase and what it keeps, and waits for "erase" to be typed; from a script, --yes."""
    before = _hers(await _rows(azurite, table_prefix + "questions"))

    from_a_script = await _run(capsys, CARYS_EMAIL)
    monkeypatch.setattr("sys.stdin", Terminal(answer + "\n"))
    not_confirmed = await _run(capsys, CARYS_EMAIL)
    kept = _hers(await _rows(azurite, table_prefix + "questions"))
    monkeypatch.setattr("sys.stdin", Terminal("erase\n"))
    typed = await _run(capsys, CARYS_EMAIL)

    assert (from_a_script[0], not_confirmed[0], typed[0]) == (2, 1, 0), (from_a_script, not_confirmed, typed)
    would = f"would erase for Carys Jenkins ({CARYS['aadObjectId']}): 2 question(s) they asked"
    assert from_a_script[1].startswith(would) and not_confirmed[1].startswith(would)
    assert "--yes" in from_a_script[2] and "nothing was deleted" in from_a_script[2]
    assert "Type erase to delete it" in not_confirmed[1]
    assert "nothing was deleted" in not_confirmed[2]
    assert len(before) == len(kept) == 2
    assert f"erased for Carys Jenkins ({CARYS['aadObjectId']}): 2 question(s)" in typed[1]
    assert _hers(await _rows(azurite, table_prefix + "questions")) == []


@pytest.mark.parametrize(("person", "said"), [
    ("carys.jenkinz@llanidloes.example", "carys.jenkinz@llanidloes.example is not on the staff list: for someone who "
                                         "has left it, give their Entra object id, with --email "
                                         "carys.jenkinz@llanidloes.example"),
    ("Carys Jenkinz", "nobody on the staff list is called 'Carys Jenkinz'"),
], ids=["email", "name"])
async def test_a_person_the_staff_list_does_not_know_is_refused_saying_nothing_was_deleted(
        person: str, said: str, client: TestClient, tool_environment: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The data protection officer mistyped the leaver's email (or name): erase-person ended its refusal "nothing was
    written", the words of export-subject-access, which writes a folder: she could not tell whether anything of hers
    had been deleted."""
    await import_staff(client.app[STORE])

    code, out, err = await _run(capsys, person, "--yes")

    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith(f"{COMMAND}: {said}"), line
    assert line.endswith("; nothing was deleted"), line


async def test_with_lang_cy_it_says_what_it_would_erase_asks_and_refuses_in_welsh(
        carys_has_used_the_bot: str, azurite: str, table_prefix: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The data protection officer, who works in Welsh, ran erase-person with `--lang cy`: only a storage fault was
    Welsh; what it would erase and keeps, its "Type erase to delete it" question, why nothing was deleted, a person
    the staff list does not know and what it erased were English."""
    unknown = await _run(capsys, "Carys Jenkinz", "--lang", "cy")
    from_a_script = await _run(capsys, CARYS_EMAIL, "--lang", "cy")
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    not_confirmed = await _run(capsys, CARYS_EMAIL, "--lang", "cy")
    monkeypatch.setattr("sys.stdin", Terminal("erase\n"))
    typed = await _run(capsys, CARYS_EMAIL, "--lang", "cy")

    assert [said[0] for said in (unknown, from_a_script, not_confirmed, typed)] == [2, 2, 1, 0], typed
    assert unknown[2] == (f"{COMMAND}: does neb ar y rhestr staff o'r enw 'Carys Jenkinz'; ar y rhestr gyda rhan o'r "
                          f"enw hwnnw: Carys Jenkins <{CARYS_EMAIL}>, high, Teacher of Geography, "
                          f"{CARYS['aadObjectId']}; chafodd dim byd ei ddileu\n")
    would = (f"byddai'n dileu ar gyfer Carys Jenkins ({CARYS['aadObjectId']}): 2 cwestiwn a ofynnodd, gyda'u "
             "negeseuon; ")
    assert from_a_script[1].startswith(would) and not_confirmed[1].startswith(would), from_a_script[1]
    assert "nid ei broffil: mae ar y rhestr staff" in from_a_script[1]
    assert "     1  cais am ganiatâd a wnaeth" in from_a_script[1], from_a_script[1]
    assert "     1  adroddiad pryder a wnaeth" in from_a_script[1], from_a_script[1]
    assert from_a_script[2] == (f"{COMMAND}: chafodd dim byd ei ddileu: rhedwch y gorchymyn mewn terfynell i "
                                "gadarnhau, neu ychwanegwch --yes i ddileu heb ofyn\n")
    assert not_confirmed[1].endswith("Teipiwch erase i'w ddileu, neu unrhyw beth arall i stopio: ")
    assert not_confirmed[2] == f"{COMMAND}: heb ei gadarnhau; chafodd dim byd ei ddileu\n"
    assert f"dilëwyd ar gyfer Carys Jenkins ({CARYS['aadObjectId']}): 2 cwestiwn a ofynnodd" in typed[1]
    english = [line for said in (from_a_script, not_confirmed, typed) for line in said[1].splitlines()
               if any(word in line.split() for word in ("the", "they", "their", "kept", "erased", "Type"))]
    assert english == [], english
    assert _hers(await _rows(azurite, table_prefix + "questions")) == []
