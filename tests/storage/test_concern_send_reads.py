"""A concern report's Send reads the staff list from storage once, whatever it then needs of it (is the sender staff,
the colleague picked, her line manager, the form shown again), counted by a proxy in front of Azurite."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.domain.people import Lang, Person
from dialogs.base import Scope, Turn
from tests.support.concerns import concern_flow, import_staff
from tests.support.counted import counted_store

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
TABLES = ["reports", "audit", "directory", "outbox", "outboxsent", "users", "ratelimits"]
FORM = {"what": "Someone keeps sending me nasty direct messages about my lessons", "since": "September",
        "where": "Teams chat", "who": "", "evidence": "", "meeting": "false", "urgent": "false"}


@pytest.mark.parametrize(("fields", "shown"), [
    ({}, "It went to Gareth Hughes."),
    ({"about": "owain.pritchard@llanidloes.example.cymru"}, "It went to Gareth Hughes."),
    ({"what": ""}, "Please tell us what has been happening."),
], ids=["naming nobody", "a colleague picked from the list", "the form again: nothing written"])
async def test_send_reads_the_staff_list_once(fields: dict[str, str], shown: str, azurite: str,
                                             table_prefix: str) -> None:
    async with counted_store(azurite, table_prefix, TABLES) as (store, counts):
        await import_staff(store)
        flow = concern_flow(store, datetime.now(UTC))
        before = counts.snapshot()

        reply = await flow.submit(Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.submit",
                                       data={**FORM, **fields}, is_invoke=True))

        reads = counts.by_kind["GET directory"] - before["GET directory"]
    assert shown in json.dumps(reply.card, ensure_ascii=False)
    assert reads == 1


async def test_opening_the_form_reads_the_staff_list_once(azurite: str, table_prefix: str) -> None:
    """Who the report would go to, and the colleagues to pick from, come from the same read."""
    async with counted_store(azurite, table_prefix, TABLES) as (store, counts):
        await import_staff(store)
        flow = concern_flow(store, datetime.now(UTC))
        before = counts.snapshot()

        reply = await flow.form(Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, text="report a concern"))

        reads = counts.by_kind["GET directory"] - before["GET directory"]
    shown = json.dumps(reply.card, ensure_ascii=False)
    assert "Gareth Hughes" in shown and "owain.pritchard@llanidloes.example.cymru" in shown
    assert reads == 1
