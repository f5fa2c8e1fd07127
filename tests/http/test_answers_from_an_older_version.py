"""An answer given from the version before the one in force can still be rated and passed to the headteacher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from app import SERVICES
from tests.http import test_publishing
from tests.http.test_publishing import CHAT, STAFF, _click, _hi, _publish_revised, _send, _text
from tests.support.activities import CARYS, SIAN, message
from tests.support.cards import verb_data
from tests.support.connector import Connector
from tests.support.files import FileServer

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
