"""What a flow receives (a `Turn`) and returns (a `Reply`), and the router between flows.

Flows never see botbuilder: the Teams edge turns an activity into a `Turn` and a `Reply` into
activities. Identity in a `Turn` comes from the activity; card data carries ids only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from bot.domain.people import Lang, Person

Card = dict[str, Any]


class Scope(StrEnum):
    """Where the conversation happens."""

    PERSONAL = "personal"
    GROUP = "groupChat"
    CHANNEL = "channel"


@dataclass(frozen=True)
class SentFile:
    """A file someone sent the bot in their 1:1 chat, as Teams describes it; the name is theirs, never trusted."""

    name: str
    download_url: str
    file_type: str = ""
    unique_id: str = ""


@dataclass(frozen=True)
class Turn:
    """One thing a person did: typed text, or clicked a card button (`verb` with its `data`)."""

    actor: Person
    lang: Lang
    scope: Scope
    text: str = ""
    verb: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    is_invoke: bool = False
    files: tuple[SentFile, ...] = ()

    @property
    def is_private(self) -> bool:
        """True in the person's 1:1 chat with the bot."""
        return self.scope is Scope.PERSONAL


@dataclass
class Reply:
    """What to show: `card` replaces a clicked card (invoke) or is sent (message); `more` follows it."""

    card: Card | None = None
    more: list[Card] = field(default_factory=list)
    language: Lang | None = None
    card_key: str = ""


Handler = Callable[[Turn], Awaitable[Reply]]


class Flow(Protocol):
    """A conversation flow: the verbs it owns and the typed text it recognises."""

    def verbs(self) -> Mapping[str, Handler]:
        """Card verbs this flow handles."""
        ...

    def match_text(self, turn: Turn) -> Handler | None:
        """The handler for typed text this flow recognises, or None."""
        ...


def normalise(text: str) -> str:
    """Lower-case text without accents or punctuation, for matching commands."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^\w\s]", " ", plain).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text."""
    return normalise(text).split()


class Router:
    """Sends each turn to the flow that owns its verb or recognises its text; else to the fallback."""

    def __init__(self, flows: Sequence[Flow], fallback: Handler, unknown_verb: Handler) -> None:
        self._flows = tuple(flows)
        self._fallback = fallback
        self._unknown_verb = unknown_verb
        self._verbs: dict[str, Handler] = {}
        for flow in self._flows:
            for verb, handler in flow.verbs().items():
                if verb in self._verbs:
                    raise ValueError(f"verb {verb!r} is claimed by two flows")
                self._verbs[verb] = handler

    def verbs(self) -> list[str]:
        """Every verb some flow handles."""
        return sorted(self._verbs)

    async def route(self, turn: Turn) -> Reply:
        """Run the handler for this turn."""
        if turn.verb:
            handler = self._verbs.get(turn.verb, self._unknown_verb)
            return await handler(turn)
        for flow in self._flows:
            matched = flow.match_text(turn)
            if matched is not None:
                return await matched(turn)
        return await self._fallback(turn)
