"""Two bot processes on one Azurite: a version published through one is answered from by the other without a
restart, within a minute, and each member of staff is asked to read it exactly once."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from bot.domain.directory import read_staff_csv
from bot.storage.directory import TableStaffDirectory
from bot.storage.tables import TableStore, service_client
from tests.support.activities import CARYS, FFION, GARETH, OWAIN, SIAN, card_action, file_message, message
from tests.support.cards import actions, verb_data
from tests.support.connector import Connector
from tests.support.files import FileServer, run_file_server
from tests.support.http import post_activity
from tests.support.policies import revised_docx
from tests.support.processes import start_bot

REPO = Path(__file__).resolve().parents[2]
STAFF = (CARYS, OWAIN, SIAN, GARETH, FFION)
# How often each instance looks at the current pointer here: fast, so the test is; production polls every 30 s.
POLL_SECONDS = 1.0


@pytest.fixture
def two_bots(azurite: str, table_prefix: str) -> Iterator[tuple[str, str]]:
    env = {"AZURE_STORAGE_CONNECTION_STRING": azurite, "TABLE_PREFIX": table_prefix, "LOG_LEVEL": "WARNING",
           "DELIVERY_INTERVAL_SECONDS": "0.5", "POLICY_POLL_SECONDS": str(POLL_SECONDS),
           "CAMPAIGN_CHECK_INTERVAL_SECONDS": "1",
           "SCHOOL_HOURS": "any"}  # on the wall clock: a Publish outside school hours holds the cards
    with ExitStack() as stack:
        first = stack.enter_context(start_bot(env, ready_path="/readyz"))[1]
        second = stack.enter_context(start_bot(env, ready_path="/readyz"))[1]
        yield first, second


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    async with run_file_server() as server:
        yield server


async def _import_staff(azurite: str, prefix: str) -> None:
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"])
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=5) as service:
        await TableStaffDirectory(TableStore(service, prefix=prefix, timeout=5)).replace_all(staff.staff)


async def _version_shown(url: str, connector: Connector) -> str:
    """The version the About card gives Gareth: the newest About card in his chat, not a card the new version's
    read-and-confirm campaign may have sent him meanwhile."""
    chat = "a:personal-29:gareth"
    before = len(connector.cards(chat))
    await post_activity(url, message(GARETH, "about", connector.url))
    def about() -> list[dict[str, Any]]:
        return [c for c in connector.cards(chat)[before:] if len(c["body"]) > 2 and "facts" in c["body"][2]]

    while not about():
        await connector.wait_for_cards(chat, len(connector.cards(chat)) + 1)
    facts = about()[-1]["body"][2]["facts"]
    return str(next(f["value"] for f in facts if f["title"] == "Version"))


async def test_a_version_published_on_one_instance_is_answered_from_on_the_other(
        two_bots: tuple[str, str], connector: Connector, files: FileServer, azurite: str, table_prefix: str,
        tmp_path: Path) -> None:
    first, second = two_bots
    await _import_staff(azurite, table_prefix)
    for n, person in enumerate(STAFF):
        await post_activity((first, second)[n % 2], message(person, "hi", connector.url))
    before = await _version_shown(second, connector)
    document = await asyncio.to_thread(revised_docx, tmp_path)
    url = files.add(await asyncio.to_thread(document.read_bytes))

    await post_activity(first, file_message(SIAN, connector.url, name=document.name, download_url=url))
    await connector.wait_for_cards("a:personal-29:sian", 2)
    preview = connector.cards("a:personal-29:sian")[-1]
    published = await post_activity(first, card_action(SIAN, "policy.publish", verb_data(preview, "policy.publish"),
                                                       connector.url))
    started = time.monotonic()
    shown = await _version_shown(second, connector)
    while shown != "2" and time.monotonic() - started < 60:
        await asyncio.sleep(0.25)
        shown = await _version_shown(second, connector)
    switched_after = time.monotonic() - started
    print(f"\nsecond instance answered from version 2 {switched_after:.1f} s after Publish "
          f"(poll every {POLL_SECONDS:.0f} s)")
    await asyncio.sleep(3)  # both instances' campaign passes and senders run several times more

    assert before == "1" and "Version 2 is now the current policy" in json.dumps(published)
    assert shown == "2", "the second instance did not switch within 60 s"
    for person in STAFF:
        cards = connector.cards(f"a:personal-{person['id']}")
        asked = [c for c in cards if any(a.get("verb") == "policy.confirm_read" for a in actions(c))]
        assert len(asked) == 1, f"{person['name']} was asked {len(asked)} times"
