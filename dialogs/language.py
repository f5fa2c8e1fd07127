"""Which language a turn is answered in, when it is not simply the person's own: the words they typed, or the card
they clicked on."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.people import Lang
from bot.policy.text import words as policy_words
from bot.policy.welsh import detect_language
from dialogs.base import CardData, Handler, Reply, Text, Turn


class ShownIn(CardData):
    """A button that says the language of the card it is on: `lang` (optional: cards posted before buttons said, and
    the menus, send none)."""

    lang: Text = ""


def in_the_words_language(turn: Turn) -> Turn:
    """The turn in the language of the words typed, as a question is answered: Welsh words get Welsh whatever Teams is
    set to; other words keep the person's language."""
    return replace(turn, lang=Lang.CY) if detect_language(policy_words(turn.text)) == Lang.CY.value else turn


def in_the_words_typed(handler: Handler) -> Handler:
    """A handler for typed words, answering in their language."""
    async def answering(turn: Turn) -> Reply:
        return await handler(in_the_words_language(turn))

    return answering


def in_the_listed_language(handler: Handler, *, listed_in_welsh: bool) -> Handler:
    """A handler for a phrase of the lists in `data/`: one listed in Welsh only gets Welsh whatever Teams is set to
    ("Perffaith", "Anghofiwch hynny", words the language check does not know); any other, as `in_the_words_typed`."""
    if not listed_in_welsh:
        return in_the_words_typed(handler)

    async def in_welsh(turn: Turn) -> Reply:
        return await handler(replace(turn, lang=Lang.CY))

    return in_welsh


def in_the_cards_language(handler: Handler) -> Handler:
    """A button answered in the language of the card it is on (its optional `lang`): a form's Send, a list's
    Withdraw, a request's Approve; a card posted without one (or with another value): the person's language."""
    async def answering(turn: Turn) -> Reply:
        shown_in = {lang.value: lang for lang in Lang}.get(str(turn.data.get("lang", "")))
        return await handler(replace(turn, lang=shown_in) if shown_in else turn)

    return answering
