"""A bot killed (SIGKILL) with clicks in flight, then started again: nothing lost, nothing decided twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from azure.data.tables.aio import TableClient

from tests.support.activities import CARYS, FFION, SIAN, card_action, message
from tests.support.cards import verb_data
from tests.support.connector import Connector
from tests.support.http import post_activity, wait_ready
from tests.support.processes import free_port

REPO = Path(__file__).resolve().parents[2]


def _start(connection_string: str, prefix: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "APP_ENV": "local", "PORT": str(port), "AZURE_STORAGE_CONNECTION_STRING": connection_string,
           "TABLE_PREFIX": prefix, "DELIVERY_INTERVAL_SECONDS": "0.5", "OUTBOX_LEASE_SECONDS": "2",
           "LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


async def test_killed_mid_turn_then_restarted(azurite: str, table_prefix: str, connector: Connector) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first = _start(azurite, table_prefix, port)
    await wait_ready(url)
    await post_activity(url, message(CARYS, "hi", connector.url))
    await post_activity(url, message(FFION, "hi", connector.url))
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    status = await post_activity(url, card_action(CARYS, "permission.submit", {
        "school": "high", "platform": "youtube", "account_kind": "new", "purpose": "Concert recordings",
        "audience": "parents", "pupil_content": "none", "moderator": "Carys", "moderation": "daily",
        "start": tomorrow, "ongoing": "true", "confirm": "true"}, connector.url))
    request_id = verb_data(status["value"], "permission.withdraw")["id"]

    # Clicks in flight, then the process is killed without warning.
    clicks = [asyncio.create_task(post_activity(url, card_action(FFION, "permission.approve", {"id": request_id},
                                                         connector.url))) for _ in range(10)]
    await asyncio.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    await asyncio.to_thread(first.wait, 10)
    await asyncio.gather(*clicks, return_exceptions=True)

    second = _start(azurite, table_prefix, port)
    try:
        await wait_ready(url)
        await post_activity(url, message(SIAN, "hi", connector.url))  # the head appears only now
        # A message the killed process had leased is taken over once the lease (2 s here) runs out.
        await connector.wait_for_cards("a:personal-29:sian", 2, within=30.0)  # under load the takeover is slower
        after = await post_activity(url, card_action(FFION, "permission.approve", {"id": request_id}, connector.url))
    finally:
        second.terminate()
        # Wait off the loop: the connector this bot is still talking to runs on this test's loop.
        assert await asyncio.to_thread(second.wait, 15) == 0

    async with TableClient.from_connection_string(azurite, table_prefix + "permissions") as table:
        rows = [row async for row in table.query_entities("PartitionKey eq @pk", parameters={"pk": request_id})]
    record = next(row for row in rows if row["RowKey"] == "request")
    decisions = [row for row in rows if row["RowKey"].startswith("audit|") and row["Action"] == "approved"]
    assert record["State"] == "approved" and len(decisions) == 1
    assert "Approved by Mrs Ffion Morgan" in json.dumps(after, ensure_ascii=False)
    assert f"Request {request_id}" in json.dumps(connector.cards("a:personal-29:sian"), ensure_ascii=False)
