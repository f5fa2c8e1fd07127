"""Helpers for the concern-report tests: the fictional staff list, people saying hello, and sending a report."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from app import SERVICES
from bot.domain.directory import read_staff_csv
from bot.domain.federation import Federation, load_federation
from bot.domain.outbox import Notifier, QueueingNotifier
from bot.domain.people import Lang
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from cards.i18n import load_catalogue
from dialogs.base import Reply, Turn
from dialogs.concerns import ConcernFlow
from tests.support.activities import CARYS, card_action, message
from tests.support.cards import inputs, press, verb_data
from tests.support.connector import Connector

REPO = Path(__file__).resolve().parents[2]
# The fictional federation's working days (weekends and bank holidays; it lists no school holidays): a test that moves
# the clock on from now moves it by working days, so it passes whatever bank holiday falls in between.
CALENDAR = load_federation(REPO / "config" / "federation.local.json").calendar
CARYS_CHAT, GARETH_CHAT, SIAN_CHAT = "a:personal-29:carys", "a:personal-29:gareth", "a:personal-29:sian"
OWAIN_CHAT, FFION_CHAT = "a:personal-29:owain", "a:personal-29:ffion"
CHAIR_ID = "a1000000-0000-4000-8000-000000000006"
REFERENCE = re.compile(r"C-[A-Z0-9]{6}")
_STRINGS = load_catalogue()
NIGHT = "keeps sending me messages late at night about my appearance"
# Ways a report's own words name Carys's line manager, Gareth Hughes: each must keep it from him.
NAMING_THE_LINE_MANAGER = (
    f"Mr Hughes {NIGHT}",
    f"GARETH {NIGHT}",
    f"gareth hughes {NIGHT}",
    "Mr. Hughes' messages at night, and Gareth's comments about my appearance",
    "Mae Mr Hughes yn anfon negeseuon ataf yn hwyr y nos am fy ngolwg",
    f"Dr Gareth {NIGHT}",
    "Mae Pennaeth y Dyniaethau yn anfon negeseuon ataf yn hwyr y nos am fy ngolwg",  # his title, Head of Humanities
)


async def import_staff(store: TableStore) -> None:
    """The fictional staff list `make run` imports: Carys's line manager is Gareth, Gareth's is Siân."""
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"])
    await TableStaffDirectory(store).replace_all(staff.staff)


async def say_hi(client: TestClient, connector: Connector, *people: dict[str, str]) -> None:
    """Each person opens the bot, so messages can reach them."""
    for person in people:
        await client.post("/api/messages", json=message(person, "hi", connector.url))
    await client.app[SERVICES].deliverer.drain()


async def click(client: TestClient, connector: Connector, user: dict[str, str], verb: str, data: dict[str, Any],
                *, locale: str = "en-GB") -> dict[str, Any]:
    """A card button pressed; the card the person then sees (see `press`). Send on a concern form that does not say
    whom it goes to (as forms posted before did not) comes back once saying who now: it is pressed again there."""
    seen = await press(client, connector, card_action(user, verb, data, connector.url, locale=locale))
    if verb == "concern.submit" and "goes_to" not in data and _sent_back_to_say_whom(seen):
        again = {**verb_data(seen, "concern.submit"), **data}
        seen = await press(client, connector, card_action(user, verb, again, connector.url, locale=locale))
    return seen


async def send_as_she_would(flow: ConcernFlow, turn: Turn) -> Reply:
    """Send pressed with `turn`'s data; on a form that does not say whom it goes to (as forms posted before did not),
    which comes back once saying who will see it now, pressed again there, as she would."""
    reply = await flow.submit(turn)
    if reply.card is not None and _sent_back_to_say_whom(reply.card):
        reply = await flow.submit(replace(turn, data={**verb_data(reply.card, "concern.submit"), **turn.data}))
    return reply


async def send_report(client: TestClient, connector: Connector, user: dict[str, str] = CARYS, *,
                      locale: str = "en-GB", answer: str = "higher", **fields: str) -> dict[str, Any]:
    """`concern.submit` with the fields the form has always sent, overridden or extended by `fields`. When the bot
    asks whom words of the report may mean before sending it, Send is pressed again with the choice `answer`
    ("higher", the default: it may be them, send it past them; "not": it isn't them; "": the question is the card
    returned)."""
    values = {"what": "Someone keeps sending me nasty direct messages about my lessons", "since": "September",
              "where": "Teams chat", "who": "", "evidence": "", "meeting": "false", "urgent": "false", **fields}
    seen = await click(client, connector, user, "concern.submit", values, locale=locale)
    asked = [i for i in inputs(seen) if i.get("id") == "doubt"]
    if not asked or not answer:
        return seen
    [chosen] = [c["value"] for c in asked[0]["choices"] if c["value"].startswith(f"{answer}:")]
    again = {**verb_data(seen, "concern.submit"), **values, "doubt": chosen}
    return await click(client, connector, user, "concern.submit", again, locale=locale)


def _sent_back_to_say_whom(card: dict[str, Any]) -> bool:
    """True when the card is the form sent back because the Send pressed did not say whom it goes to."""
    said = json.dumps(card, ensure_ascii=False)
    return any(json.dumps(_STRINGS.text("concern.goes_to_not_known", lang), ensure_ascii=False)[1:-1] in said
               for lang in Lang)


def reference_in(card: dict[str, Any]) -> str:
    """The report reference a card shows."""
    found = REFERENCE.search(json.dumps(card))
    assert found, "the card shows no reference"
    return found.group(0)


def shows(cards: Sequence[Mapping[str, Any]], text: str) -> bool:
    """True when any of the cards carries `text`."""
    return any(text in json.dumps(card, ensure_ascii=False) for card in cards)


def concern_flow(store: TableStore, now: datetime, notifier: Notifier | None = None, *,
                 federation: Federation | None = None) -> ConcernFlow:
    """The concern flow on these tables with its clock stopped at `now` (for reminders and escalations), under the
    fictional federation's settings unless `federation` is given."""
    directory = TableStaffDirectory(store)
    return ConcernFlow(strings=load_catalogue(),
                       federation=federation or load_federation(REPO / "config" / "federation.local.json"),
                       reports=TableConcernReports(store), directory=directory, managers=[directory],
                       notifier=notifier or QueueingNotifier(TableOutbox(store)),
                       profiles=TableUserProfiles(store), limiter=TableRateLimiter(store), report_limit=5,
                       escalation_limit=10, clock=lambda: now)
