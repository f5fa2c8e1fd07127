"""The line Teams shows for each message in its activity feed and on a phone's lock screen: the card's `fallbackText`,
which the edge sends as the activity's `summary`. Without one, every message the bot sent read "Sent a card"."""

from __future__ import annotations

import re

from bot.domain.people import Lang
from cards.elements import NOTIFICATION_LIMIT
from cards.gallery import BILINGUAL, gallery
from cards.i18n import load_catalogue

REPORT_REFERENCE = re.compile(r"\bC-[A-Z0-9]{6}\b")


def test_every_card_has_a_notification_line_in_its_own_language() -> None:
    """A screen reader user (and anyone) looking at the activity feed or the lock screen hears what each message is:
    its heading, or its first words, in the card's language, short enough to show whole."""
    cards = gallery()

    lines = {name: str(card.get("fallbackText", "")) for name, card in cards.items()}

    assert [name for name, line in lines.items() if not any(ch.isalpha() for ch in line)] == []
    assert [name for name, line in lines.items() if len(line) > NOTIFICATION_LIMIT or "\n" in line or "**" in line] \
        == []
    assert [name for name in lines if name.endswith(".en") and name[:-3] not in BILINGUAL
            and lines[name] == lines[name[:-3] + ".cy"] and lines[name].isascii()] == []
    assert lines["permission-for-headteacher.en"] == "Carys Jenkins asks to start a new Instagram account for parents"
    assert lines["error-storage.cy"] == load_catalogue().text("error.storage", Lang.CY)


def test_no_notification_line_gives_away_a_report_or_whose_it_is() -> None:
    """A phone's lock screen shows the line to anyone near it: for every card of a concern report, to the reporter
    and to whoever holds it, the same private line the bot's later messages carry, never a reference or a name."""
    strings = load_catalogue()
    cards = gallery()

    concern_cards = {name: card for name, card in cards.items() if REPORT_REFERENCE.search(str(card))}

    assert len(concern_cards) > 40
    for name, card in concern_cards.items():
        lang = Lang.CY if name.endswith(".cy") else Lang.EN
        assert card["fallbackText"] == strings.text("notify.private", lang), name
