"""What a flow receives (a `Turn`) and returns (a `Reply`), and the router between flows.

Flows never see botbuilder: the Teams edge turns an activity into a `Turn` and a `Reply` into
activities. Identity in a `Turn` comes from the activity; card data carries ids only, and is checked
against its verb's `CardData` model before any handler sees it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from bot.domain.errors import RecordExists, RecordNotFound, StorageUnavailable
from bot.domain.people import Lang, Membership, Person
from bot.domain.text import fold, has_visible_text
from bot.policy.text import words as policy_words
from bot.policy.text_speak import spelt_out
from bot.policy.welsh import detect_language
from cards.elements import Card

log = logging.getLogger(__name__)


class Scope(StrEnum):
    """Where the conversation happens; anything Teams did not clearly call a 1:1 chat is not private."""

    PERSONAL = "personal"
    GROUP = "groupChat"
    CHANNEL = "channel"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SentFile:
    """A file someone sent the bot in their 1:1 chat, as Teams describes it; the name is theirs, never trusted."""

    name: str
    download_url: str
    file_type: str = ""
    unique_id: str = ""


async def _not_looked_up() -> Membership:
    return Membership.NOT_KNOWN


@dataclass(frozen=True)
class Turn:
    """One thing a person did: typed text, or clicked a card button (`verb` with its `data`).

    `membership` asks Teams what the person is in the tenant: a round trip, so only a flow about to send something to
    someone else calls it (through `is_guest`), never a question's answer."""

    actor: Person
    lang: Lang
    scope: Scope
    text: str = ""
    verb: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    is_invoke: bool = False
    files: tuple[SentFile, ...] = ()
    # A picture came with the message (a screenshot, a photo, a GIF or a sticker), which no flow can read.
    picture: bool = False
    # The id of the Teams message typed (for a question kept from it); `edited` when it is the message's new words.
    message_id: str = ""
    edited: bool = False
    # When Teams received the message (the activity's timestamp): the same when Teams sends it again.
    received_at: datetime | None = None
    # The id of the Teams conversation it came in (a 1:1 chat, a group chat, a channel thread): a follow-up goes on
    # only from a question asked in the same one.
    conversation: str = ""
    # Teams asked for the card again on its own (its `refresh`, as it is shown): nobody pressed anything.
    refreshed: bool = False
    # The time zone of the person's Teams (clientInfo's `localTimezone`, an IANA name; "" when not told): a time shown
    # on UK clocks says "UK time" to someone whose clocks show another hour (`clocks_differ_from_uk`).
    time_zone: str = ""
    membership: Callable[[], Awaitable[Membership]] = field(default=_not_looked_up, compare=False, repr=False)
    # The read the click's handler makes first, started by the edge while it read the person's profile (`Verb.ahead`);
    # None when the verb has none.
    ahead: Awaitable[object] | None = field(default=None, compare=False, repr=False)

    @property
    def is_private(self) -> bool:
        """True in the person's 1:1 chat with the bot."""
        return self.scope is Scope.PERSONAL

    async def is_guest(self) -> bool:
        """True when Teams lists the person as a guest from another organisation. When Teams cannot say, they count as
        staff: a request or report is never lost to a failed lookup, and whoever receives it sees who sent it."""
        return await self.membership() is Membership.GUEST


# Work a turn leaves for after its answer: it changes nothing the answer shows, and loses nothing if it never runs.
Afterwards = Callable[[], Awaitable[None]]


@dataclass
class Reply:
    """What to show: `card` replaces a clicked card (invoke) or is sent (message); `more` follows it.

    With `new_message`, a clicked card stays as it is and `card` comes as a new message below it (see `opens`).
    `refused`: the press was not the person's to make (another's decision, a forged id); the turn's log line says so.
    `afterwards`: what keeps the records tidy once the answer has gone (a decided request off the pending list); the
    edge runs it in the background, and a shutdown waits for it.
    """

    card: Card | None = None
    more: list[Card] = field(default_factory=list)
    language: Lang | None = None
    card_key: str = ""
    new_message: bool = False
    refused: bool = False
    afterwards: Afterwards | None = None


Handler = Callable[[Turn], Awaitable[Reply]]


def _empty_if_nothing_shows(value: object) -> object:
    if value is None or (isinstance(value, str) and not has_visible_text(value)):
        return ""
    return value


# A card input's value: Teams sends text (toggles "true"/"false", multi-choices "a,b"). Null, and text that shows
# nothing (spaces, zero-width and other invisible characters), count as empty: every flow's "required" check sees
# "" and answers with its own message, whatever it strips.
Text = Annotated[str, BeforeValidator(_empty_if_nothing_shows)]


class CardData(BaseModel):
    """The data one verb's buttons send, checked by type before its handler runs.

    Every field is optional text (the handler judges what is missing, with its own message). Fields a card
    sends that the model does not name are ignored, so cards posted long ago keep working; a field of the
    wrong type (a list where text belongs, a number for an id) makes the click "out of date or not valid".
    """

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class NoData(CardData):
    """A button whose data the server does not read."""


# A read a click's handler makes first, of the record its checked data names (never anything about who clicked).
ReadAhead = Callable[[Mapping[str, Any]], Awaitable[object]]


@dataclass(frozen=True)
class Verb:
    """A card verb: its handler and the shape of its data. `ahead`: the read its handler makes first, which the edge
    starts side by side with the clicker's profile (one round trip fewer before the answer); the handler finds it as
    `Turn.ahead`, and makes every check on what it read as if it had read it itself."""

    handler: Handler
    data: type[CardData] = NoData
    ahead: ReadAhead | None = None
    # False for a button whose answer is what the process holds (the policy in force, the help card): the edge answers
    # it when storage cannot even read the clicker's profile, as it answers a question about the policy.
    needs_storage: bool = True


def opens(handler: Handler) -> Handler:
    """A button that opens something (a form, a list, a section) rather than acting on the card it sits on: what it
    opens comes as a new message, so the menu or the answer the button sits on stays whole to come back to."""

    async def opening(turn: Turn) -> Reply:
        reply = await handler(turn)
        reply.new_message = True
        return reply

    return opening


class Flow(Protocol):
    """A conversation flow: the verbs it owns and the typed text it recognises."""

    def verbs(self) -> Mapping[str, Verb]:
        """Card verbs this flow handles, each with its data model."""
        ...

    def match_text(self, turn: Turn) -> Handler | None:
        """The handler for typed text this flow recognises, or None."""
        ...


@runtime_checkable
class AnswersWithoutStorage(Protocol):
    """A flow some of whose typed words it answers from what the process holds alone (the help card, a greeting)."""

    def answers_without_storage(self, turn: Turn) -> bool:
        """Whether the words it takes in this turn are answered without storage (nothing to read, nothing to keep)."""
        ...


class KeptFromMessages(Flow, Protocol):
    """A flow that keeps what people asked in their Teams messages (by the message's id), which goes or comes back as
    the person deletes, edits or undeletes the message in Teams."""

    async def forget_message(self, person: Person, message_id: str, *, edited: bool = False) -> int:
        """The person deleted the message, or edited it (`edited`): what was kept from its words goes; how many."""
        ...

    async def keep_again(self, turn: Turn) -> int:
        """The person undid the message's delete: what its words ask is kept again, saying nothing; how many."""
        ...


def normalise(text: str) -> str:
    """Lower-case text without accents or punctuation, for matching commands."""
    return re.sub(r"[^\w\s]", " ", fold(text)).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text."""
    return normalise(text).split()


class Router:
    """Sends each turn to the flow that owns its verb or recognises its text; else to the fallback."""

    def __init__(self, flows: Sequence[Flow], *, fallback: Handler, unknown_verb: Handler,
                 invalid_data: Handler) -> None:
        self._flows = tuple(flows)
        self._fallback = fallback
        self._unknown_verb = unknown_verb
        self._invalid_data = invalid_data
        self._verbs: dict[str, Verb] = {}
        for flow in self._flows:
            for name, verb in flow.verbs().items():
                if name in self._verbs:
                    raise ValueError(f"verb {name!r} is claimed by two flows")
                self._verbs[name] = verb

    def verbs(self) -> list[str]:
        """Every verb some flow handles."""
        return sorted(self._verbs)

    def needs_storage(self, verb: str) -> bool:
        """Whether a click of this verb needs storage to be answered (an unknown verb does, as far as the edge knows
        it)."""
        found = self._verbs.get(verb)
        return found is None or found.needs_storage

    def data_model(self, verb: str) -> type[CardData]:
        """The model a verb's data is checked against (KeyError for a verb nobody handles)."""
        return self._verbs[verb].data

    def read_ahead(self, verb: str, data: Mapping[str, Any]) -> asyncio.Task[object] | None:
        """Start the read a click's handler makes first (`Verb.ahead`), from its data once checked as `route` checks
        it; None when the verb has none or the data is not valid (the handler then says so, reading nothing)."""
        found = self._verbs.get(verb)
        if found is None or found.ahead is None:
            return None
        try:
            checked = found.data.model_validate(dict(data))
        except ValidationError:
            return None
        return asyncio.ensure_future(found.ahead(checked.model_dump(by_alias=True, exclude_unset=True)))

    def text_needs_storage(self, turn: Turn) -> bool:
        """Whether typed words need storage to be answered: False when the flow that takes them (as the router would
        read them) answers them from what the process holds (`AnswersWithoutStorage`)."""
        found = self._matched(turn)
        if found is None:
            return True
        flow, _, read_as = found
        return not (isinstance(flow, AnswersWithoutStorage) and flow.answers_without_storage(read_as))

    def flow_for_text(self, turn: Turn) -> Flow | None:
        """The flow that would take this typed text (None: the fallback), running nothing."""
        found = self._matched(turn)
        return found[0] if found else None

    def _matched(self, turn: Turn) -> tuple[Flow, Handler, Turn] | None:
        """The first flow that recognises the text, and its handler. English typed in text-speak ("wat can u do", "can
        u help me pls") is also read spelt out ("what can you do"): a flow before the one that takes it as typed that
        takes it spelt out is the one, as the same words typed in full would reach it. The handler is given the words
        as typed (a concern form opened by them starts with them as the person wrote them)."""
        as_typed = next(((n, flow, handler) for n, flow in enumerate(self._flows)
                         if (handler := flow.match_text(turn)) is not None), None)
        spelt = spelt_out(turn.text)
        if spelt != turn.text and detect_language(policy_words(turn.text)) == "en":
            plainly = replace(turn, text=spelt)
            for flow in self._flows[: as_typed[0] if as_typed else len(self._flows)]:
                if (handler := flow.match_text(plainly)) is not None:
                    return flow, handler, plainly
        return (as_typed[1], as_typed[2], turn) if as_typed else None

    async def route(self, turn: Turn) -> Reply:
        """Run the handler for this turn; card data reaches it only once it has its verb's types."""
        if turn.verb:
            verb = self._verbs.get(turn.verb)
            if verb is None:
                return await self._unknown_verb(turn)
            try:
                data = verb.data.model_validate(dict(turn.data))
            except ValidationError as error:
                fields = sorted({".".join(map(str, e["loc"])) for e in error.errors()})
                log.info("card data refused", extra={"verb": turn.verb, "fields": fields})
                return await self._invalid_data(turn)
            # Only the fields the card really sent: a handler may tell "not sent" from "sent empty".
            return await verb.handler(replace(turn, data=data.model_dump(by_alias=True, exclude_unset=True)))
        found = self._matched(turn)
        return await (found[1] if found is not None else self._fallback)(turn)


Stored = TypeVar("Stored")


async def owned(get: Callable[[str], Awaitable[Stored]], record_id: str, person: Person,
                owner: Callable[[Stored], Person]) -> Stored | None:
    """The record with this id if it is `person`'s, or None (there is none, or it is someone else's)."""
    try:
        record = await get(record_id)
    except RecordNotFound:
        return None
    return record if owner(record).key == person.key else None


async def stored_after_all(own: Callable[[], Awaitable[Stored | None]]) -> Stored | None:
    """After a write that failed but may have been made all the same (it timed out): the person's record as storage
    has it, or None when it is not there or can't be read."""
    try:
        return await own()
    except StorageUnavailable:
        return None


async def created_once(create: Callable[[Stored], Awaitable[object]], record: Stored,
                       earlier: Callable[[], Awaitable[Stored | None]], renamed: Callable[[], Stored]
                       ) -> tuple[Stored, bool]:
    """Store a new record (and True); when an earlier press of the same Send stored it, that one (and False). If its id
    was already someone else's (a one-in-a-billion draw, or a forged form token), the record is stored as `renamed`."""
    try:
        await create(record)
        return record, True
    except RecordExists:
        if (sent := await earlier()) is not None:
            return sent, False
    fresh = renamed()
    await create(fresh)
    return fresh, True
