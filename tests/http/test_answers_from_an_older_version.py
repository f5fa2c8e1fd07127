"""An answer given from the version before the one in force can still be rated and passed to the headteacher, and a
button to the policy posted before still opens the same words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from app import SERVICES
from bot.domain.people import Lang
from cards.i18n import load_catalogue
from tests.http import test_publishing
from tests.http.test_publishing import CHAT, STAFF, _click, _hi, _publish_revised, _text
from tests.support.activities import CARYS, SIAN, card_action, message
from tests.support.cards import press, verb_data
from tests.support.connector import Connector
from tests.support.files import FileServer
from tests.support.publishing import send as _send

bot, files = test_publishing.bot, test_publishing.files  # the app with versions and the file server, as fixtures
LOGO = "Can I use the school logo on my personal page?"


async def _answered_then_revised(bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path
                                 ) -> dict[str, Any]:
    """Carys's answer card from version 1, once version 2 is in force."""
    await _hi(bot, connector, *STAFF)
    await _send(bot, message(CARYS, LOGO, connector.url))
    old_card = connector.cards(CHAT[CARYS["id"]])[-1]
    await _publish_revised(bot, connector, files, tmp_path)
    return old_card


async def test_an_answer_from_the_version_before_can_still_be_rated_and_shows_what_was_rated(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    """Carys is answered from version 1, version 2 comes in, then she rates the old answer."""
    old_card = await _answered_then_revised(bot, connector, files, tmp_path)

    rated = await _click(bot, CARYS, "ask.feedback", {**verb_data(old_card, "ask.feedback"), "value": "helpful"},
                         connector.url)

    assert "Nothing was changed" not in _text(rated)
    assert "Version 1" in _text(rated) and "ask.feedback" not in _text(rated)


async def test_not_helpful_on_an_answer_from_the_version_before_can_still_be_passed_to_the_headteacher(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    old_card = await _answered_then_revised(bot, connector, files, tmp_path)

    rated = await _click(bot, CARYS, "ask.feedback", {**verb_data(old_card, "ask.feedback"), "value": "not_helpful"},
                         connector.url)
    passed = await _click(bot, CARYS, "ask.escalate", verb_data(rated, "ask.escalate"), connector.url)
    await bot.app[SERVICES].deliverer.drain()

    assert "Nothing was changed" not in _text(rated) and "Nothing was changed" not in _text(passed)
    assert "Carys" in _text(connector.cards(CHAT[SIAN["id"]])[-1])


async def test_buttons_to_the_policy_posted_before_a_version_from_the_document_still_open_the_same_words(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    """Under the shipped file (hand-made ids) Carys is offered the guidance on offensive comments and lists the
    sections; the policy owner publishes version 2 from Word (ids from headings, the mobile devices section gone)."""
    await _hi(bot, connector, *STAFF)
    await _send(bot, message(CARYS, "I'm being targeted by a parent on Facebook", connector.url))
    guidance = verb_data(connector.cards(CHAT[CARYS["id"]])[-1], "policy.section")
    await _send(bot, message(CARYS, "read the policy", connector.url))
    rows = {row["section"]: row for row in _section_rows(connector.cards(CHAT[CARYS["id"]])[-1])}
    await _publish_revised(bot, connector, files, tmp_path)

    opened = await press(bot, connector, card_action(CARYS, "policy.section", guidance, connector.url))
    before_marks = await press(bot, connector, card_action(CARYS, "policy.section", {"section": "personal-use"},
                                                           connector.url))
    gone = await press(bot, connector, card_action(CARYS, "policy.section", rows["mobile-devices"], connector.url))

    assert _text(opened).count("Handle offensive comments swiftly") == 1
    assert _first_words(opened).startswith("Handle offensive comments swiftly")
    assert "Section: Using social networking for personal use" in _text(before_marks)
    assert load_catalogue().text("ask.policy_changed", Lang.EN) in _text(gone)
    assert "Generative AI tools" in _text(gone) and "Use of personal mobile devices" not in _text(gone)
    assert not [card for card in (opened, before_marks, gone) if "I can't find that record" in _text(card)]


def _section_rows(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(box["selectAction"]["data"]) for box in card["body"] if "selectAction" in box]


def _first_words(card: dict[str, Any]) -> str:
    """The first of the policy's words a section card shows."""
    [first, *_] = [box for box in card["body"] if box.get("type") == "Container" and box.get("style") == "emphasis"]
    return str(first["items"][0]["inlines"][0]["text"])
