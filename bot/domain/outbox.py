"""Messages owed to people, kept in storage until Teams has accepted them."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.domain.people import Lang, Person
from bot.domain.school_calendar import SchoolCalendar

Card = Mapping[str, Any]

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=30)


# Why a message waits when its recipient has no 1:1 chat with the bot yet (they have never opened it).
NOT_OPENED = "recipient has not opened the bot"


class Hours(StrEnum):
    """When an automatic message may reach its recipient, kept with it so that a send tried again keeps to them:
    `ANY` for what a person's own press sends (at any hour); `SCHOOL_DAYS`, school hours on a working day (a reminder);
    `EVERY_DAY`, school hours whatever the day (a concern report passed up: one night at most)."""

    ANY = ""
    SCHOOL_DAYS = "school days"
    EVERY_DAY = "every day"


class DeliveryState(StrEnum):
    """Where an outbound message is in its life."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"


@dataclass(frozen=True)
class OutboundMessage:
    """A card owed to one person's 1:1 chat.

    `message_id` is derived from what caused it (e.g. `perm-42|to-head`), so queuing twice is harmless.
    `card_key` names a card the person already has (e.g. `perm-42|status`): a message with the same
    key replaces that card in place instead of posting a new one. `first_post`: the message's card is one the
    person cannot have yet (a new request's card to the people who decide it), so until it has been tried once
    there is no place of it to look up; it is posted, and its key says where later messages find it.
    `card_cy`: the same card in Welsh; with it, `card` is the English and the sender chooses by the recipient's
    language when it sends (a campaign queued before people first open the bot, when nobody knew their language).
    `preview`: the line Teams shows in the notification banner, on a lock screen and in the activity feed in place
    of "Sent a card" (in the card's language; `preview_cy` its Welsh, with `card_cy`). It never carries what the card
    keeps private: anyone near a phone can read it.
    `not_before`: an automatic message (a reminder, a report passed up) kept back until then, school hours
    (`SchoolCalendar.in_school_hours`); no sender takes it sooner, not even the one the person's own turn starts.
    `update_only`: the message only updates the card with its key where that was posted (a reply card saying the reply
    was corrected); with no place kept for it, or when Teams refuses the update, nothing is posted and it is done.
    `hours`: the hours an automatic message keeps (`in_school_hours`), also when a failed send of it is tried again;
    `schools`: whose working days (school ids: the recipient's school, as the flow knew it; none, the federation's).
    """

    recipient: Person
    message_id: str
    card: Card
    card_key: str = ""
    created_at: datetime | None = None
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    etag: str = ""
    first_post: bool = False
    card_cy: Card | None = None
    preview: str = ""
    preview_cy: str = ""
    update_only: bool = False
    not_before: datetime | None = None
    hours: Hours = Hours.ANY
    schools: tuple[str, ...] = ()

    def card_in(self, lang: Lang) -> Card:
        """The card to send to someone who reads `lang`."""
        return self.card_cy if lang is Lang.CY and self.card_cy is not None else self.card

    def preview_in(self, lang: Lang) -> str:
        """The notification line for someone who reads `lang` (see `card_in`)."""
        return self.preview_cy if lang is Lang.CY and self.preview_cy else self.preview

    @property
    def may_replace_a_card(self) -> bool:
        """True when the card may already be somewhere to update in place: it has a key and is not a first post
        never tried (once tried, the card may have been posted though the message was not recorded as sent)."""
        return bool(self.card_key) and not (self.first_post and self.attempts == 0)

    def claimed(self, now: datetime, lease: timedelta = LEASE) -> OutboundMessage:
        """This message leased to one sender until the lease runs out (then another may take it over)."""
        return replace(self, state=DeliveryState.SENDING, next_attempt_at=now + lease,
                       attempts=self.attempts + 1)

    def retry_later(self, now: datetime, error: str, *, rng: random.Random | None = None,
                    not_before: timedelta | None = None, calendar: SchoolCalendar | None = None) -> OutboundMessage:
        """This message back in the queue after a failure, with exponential backoff and full jitter, and never
        sooner than `not_before` (the wait a throttled service asked for, capped at MAX_BACKOFF). An automatic message
        (`hours`) whose next try would fall outside its hours in `calendar` is kept back until they start again."""
        ceiling = min(MAX_BACKOFF.total_seconds(), 2.0 ** min(self.attempts, 16))
        delay = (rng or random).uniform(ceiling / 2, ceiling)
        if not_before is not None:
            delay = max(delay, min(not_before, MAX_BACKOFF).total_seconds())
        again = now + timedelta(seconds=delay)
        retried = replace(self, state=DeliveryState.PENDING, next_attempt_at=again, last_error=error[:200])
        if calendar is not None and self.hours is not Hours.ANY:
            opens = calendar.in_school_hours(again, any_day=self.hours is Hours.EVERY_DAY)
            if opens > again:
                return replace(retried, not_before=opens)
        return retried

    def is_due(self, now: datetime) -> bool:
        """True when no other sender holds it, its backoff has passed and it is not kept back (`not_before`)."""
        if self.state is DeliveryState.SENT or self.kept_back(now):
            return False
        return self.next_attempt_at is None or self.next_attempt_at <= now

    def kept_back(self, now: datetime) -> bool:
        """True while an automatic message waits for school hours (`not_before`)."""
        return self.not_before is not None and self.not_before > now

    def held_until(self, now: datetime) -> datetime | None:
        """When another sender's lease on it runs out; None when no sender holds it now."""
        if self.state is DeliveryState.SENDING and self.next_attempt_at is not None and self.next_attempt_at > now:
            return self.next_attempt_at
        return None


def superseded(queue: Sequence[OutboundMessage], now: datetime) -> list[OutboundMessage]:
    """Of one person's queue (oldest first), the messages a later one replaces: each replaces a card (its key) that
    a later message in the queue replaces again, so only the last of them need reach the person. A message another
    sender holds is not among them (it may be on its way); one kept back for school hours replaces none until its time,
    and is replaced by a later one due now."""
    replaced: list[OutboundMessage] = []
    later: set[str] = set()  # card keys a later message due now replaces (one kept back replaces nothing yet)
    for message in reversed(queue):
        if message.card_key in later and message.held_until(now) is None:
            replaced.append(message)
        if message.card_key and not message.kept_back(now):
            later.add(message.card_key)
    return replaced[::-1]


def behind_a_card_on_its_way(queue: Sequence[OutboundMessage], now: datetime) -> list[OutboundMessage]:
    """Of one person's queue (oldest first), the messages replacing a card that an earlier message, which another
    sender holds, is taking to the person: they wait for it. Sent first, the card on its way would be posted after them
    and show what they replace (a request offering Approve below the card saying it was withdrawn)."""
    on_its_way: set[str] = set()
    waiting = []
    for message in queue:
        if message.held_until(now) is not None:
            if message.card_key:
                on_its_way.add(message.card_key)
        elif message.card_key in on_its_way:
            waiting.append(message)
    return waiting


def first_to_claim(queue: Sequence[OutboundMessage], now: datetime) -> OutboundMessage | None:
    """Of one person's queue (oldest first, as listed), the message a pass over it sends first, as far as the listing
    tells: no other sender holds it, it waits for no card on its way, and no later message replaces it. Reading what
    was sent already may leave out others, never this one but for a copy of a message sent already."""
    passed_over = {m.message_id for m in (*superseded(queue, now), *behind_a_card_on_its_way(queue, now))}
    return next((m for m in queue if m.held_until(now) is None and not m.kept_back(now)
                 and m.message_id not in passed_over), None)


@dataclass(frozen=True)
class CardSlot:
    """Where a person's card with a given key was posted, so it can be updated in place."""

    recipient: Person
    card_key: str
    activity_id: str
    conversation_id: str = ""


@dataclass(frozen=True)
class Owed:
    """What one person is owed, as one pass of their sender reads it: the messages not sent yet, oldest first (a copy
    of a message sent already is left out), and where the cards those messages replace were posted, by card key."""

    messages: list[OutboundMessage]
    slots: Mapping[str, CardSlot]


@dataclass(frozen=True)
class Listing:
    """One person's queue as a pass listed it (unsent, oldest first), and what was read side by side with it of the
    messages just stored for them (`Outbox.listed_with`): whether each was sent already, by message id, and where each
    of their cards is, by card key (None: never posted). Whether a message was sent is known from this only for the
    row as it was stored: the caller keeps `sent_read` for a listed message only when its etag says it is that row."""

    messages: list[OutboundMessage]
    sent_read: Mapping[str, bool] = field(default_factory=dict)
    slots_read: Mapping[str, CardSlot | None] = field(default_factory=dict)


class Outbox(Protocol):
    """Port: the queue of messages owed to people."""

    async def enqueue(self, messages: Sequence[OutboundMessage]) -> list[OutboundMessage]:
        """Store messages as pending; a message whose id is already stored is left as it is. Returns the messages
        this call stored, each as stored (its etag)."""
        ...

    async def list_for_recipient(self, recipient: Person) -> list[OutboundMessage]:
        """Messages not yet sent to this person, oldest first."""
        ...

    async def owed_to(self, recipient: Person) -> Owed:
        """Messages not yet sent to this person, oldest first, with the slots of their card keys, in a few reads
        whatever their number. Whether each was sent already is looked up after the listing (a copy queued again
        after it was sent is left out, and dropped), so `claim(..., checked=True)` need not look again."""
        ...

    async def owed_among(self, recipient: Person, listed: Sequence[OutboundMessage], *,
                         known: Listing | None = None) -> Owed:
        """`owed_to` for messages `list_for_recipient` has just listed: what it reads after its listing (`known`: but
        what `listed_with` read already, as far as the caller trusts it)."""
        ...

    async def listed_with(self, recipient: Person, fresh: Sequence[OutboundMessage]) -> Listing:
        """The person's queue, as `list_for_recipient` lists it, when `enqueue` has just stored `fresh` for them (as it
        returned them): whether each of those was sent already is read side by side with the listing (a copy queued
        again after its message was sent was stored after that sent mark, so a read begun once `enqueue` returned finds
        it), and where their cards are in the listing's own read (so a card another sender posted anew and took out of
        the queue before the listing is found at its new place, as when read after it)."""
        ...

    async def list_due(self, now: datetime, *, limit: int = 100) -> list[OutboundMessage]:
        """Messages, for anyone, that are due to be tried now."""
        ...

    async def claim(self, message: OutboundMessage, now: datetime, *, lease: timedelta = LEASE,
                    checked: bool = False) -> OutboundMessage:
        """Lease a message to this sender (conditional on it being as it was read); raise `ConcurrentChange` if it
        changed since (another sender got it first), `RecordNotFound` if it is gone or was sent already (`checked`:
        it was read by `owed_to`, which looked that up already)."""
        ...

    async def mark_sent(self, message: OutboundMessage, *, slot: CardSlot | None = None) -> None:
        """Record that Teams accepted the message; it leaves the queue, and its id is never sent again. With `slot`,
        where its card now is, saved with it (saved even when `ConcurrentChange` says the lease ran out)."""
        ...

    async def release(self, message: OutboundMessage) -> OutboundMessage:
        """Put a claimed message back, e.g. with a later attempt time; returned as stored (its new etag)."""
        ...

    async def discard(self, message: OutboundMessage) -> None:
        """Take a message this sender holds out of the queue unsent (a card withheld as it was to go), as it was
        claimed; `ConcurrentChange` when its lease ran out and another sender has it. Not remembered as sent: one queued
        again later goes."""
        ...

    async def get_slot(self, recipient: Person, card_key: str) -> CardSlot:
        """Where the card with this key was posted; raise `RecordNotFound` if never."""
        ...

    async def save_slot(self, slot: CardSlot) -> None:
        """Remember where a card was posted."""
        ...

    async def recall(self, card_key: str, *, keep: Iterable[Person]) -> int:
        """Take back the messages with this card key not sent yet, but those to the people in `keep`: they are never
        sent (one a sender holds now is on its way, and stays). Not remembered as sent: one queued again later goes.
        Returns how many were taken back."""
        ...

    async def take_back(self, messages: Sequence[OutboundMessage]) -> bool:
        """Take back these messages (by recipient and id), queued for a change being undone: each still waiting for a
        sender is deleted as it was read. True when none of them can reach anyone now (one never stored is no matter);
        False when one is with a sender or was sent, and goes. Not remembered as sent: one queued again later goes."""
        ...


class StillOwed(Protocol):
    """Port: whether a message is still owed at the moment its sender is about to send it (a reminder to read a
    version that its recipient has confirmed since it was queued is not)."""

    async def still_owed(self, message: OutboundMessage, now: datetime) -> bool:
        """False when the message is no longer owed, its withholding recorded first (so the sender may take it out of
        the queue, unsent: the same card owed again later, after a rollback, goes); `StorageUnavailable` when that
        cannot be told now (the message waits, and is checked again)."""
        ...


class Notifier(Protocol):
    """Port for flows: queue messages for other people; they are sent as soon as each person can be reached."""

    async def notify(self, messages: Sequence[OutboundMessage]) -> None:
        """Store the messages (raising `StorageUnavailable` if that fails), then start sending them."""
        ...

    async def recall(self, card_key: str, *, keep: Iterable[Person]) -> None:
        """Messages with this card key not sent yet never reach anyone but the people in `keep` (a card queued for
        someone who is no longer the one it is for)."""
        ...

    async def take_back(self, messages: Sequence[OutboundMessage]) -> bool:
        """Take back messages queued for a change that is being undone (`Outbox.take_back`): True when none of them
        can reach anyone now; False when one is on its way, so the change must stand."""
        ...


class QueueingNotifier:
    """`Notifier` that only stores messages; a running bot's background sender delivers them (for CLI tools)."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    async def notify(self, messages: Sequence[OutboundMessage]) -> None:
        """Store the messages as pending."""
        await self._outbox.enqueue(messages)

    async def recall(self, card_key: str, *, keep: Iterable[Person]) -> None:
        """Take back the messages with this card key not sent yet, but those to `keep`."""
        await self._outbox.recall(card_key, keep=keep)

    async def take_back(self, messages: Sequence[OutboundMessage]) -> bool:
        """Take back messages queued for a change that is being undone; False when one is on its way."""
        return await self._outbox.take_back(messages)


def in_school_hours(messages: Sequence[OutboundMessage], calendar: SchoolCalendar, now: datetime, *,
                    any_day: bool = False) -> list[OutboundMessage]:
    """Automatic messages queued at `now`, each kept back until school hours when `now` is outside them (see
    `SchoolCalendar.in_school_hours`; `any_day` for a concern passed up), and marked with the hours they keep, so a
    send that fails is tried again within them. Never for what a person's own click sends."""
    at = calendar.in_school_hours(now, any_day=any_day)
    hours = Hours.EVERY_DAY if any_day else Hours.SCHOOL_DAYS
    return [replace(m, hours=hours, schools=calendar.schools, not_before=at if at > now else m.not_before)
            for m in messages]
