"""Proactive delivery: sends what the outbox owes people, to their 1:1 chat, exactly once per message."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ConversationReference

from bot.domain.errors import ConcurrentChange, DomainError, RecordNotFound, StorageUnavailable
from bot.domain.outbox import (
    LEASE,
    NOT_OPENED,
    CardSlot,
    DeliveryState,
    Hours,
    OutboundMessage,
    Outbox,
    Owed,
    StillOwed,
    behind_a_card_on_its_way,
    first_to_claim,
    superseded,
)
from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfiles
from bot.domain.school_calendar import SchoolCalendar

log = logging.getLogger(__name__)
_Read = TypeVar("_Read")

SEND_TIMEOUT_SECONDS = 10.0
# People sent to at once by one instance. A burst of first turns (each asks for what is owed to that person) would
# otherwise start hundreds of outbox reads together, and storage would be slow for every turn.
MAX_SENDERS = 8
# A person who has never opened the bot cannot be messaged; look again this often (and at once when they appear).
UNREACHABLE_RETRY = timedelta(minutes=10)
# A message Teams took whose sent mark storage did not take: tried again after these waits, doubling, within its lease.
RECORD_SENT_FIRST_WAIT = timedelta(seconds=0.25)
RECORD_SENT_LONGEST_WAIT = timedelta(seconds=5)
# Messages to more people than this at once (a campaign to all staff) go out a few people at a time, not with one
# sender per person: a sender each would make hundreds of storage calls at once and time them out.
BULK_RECIPIENTS = 10
BULK_LANES = 4
# A message waiting for a card another sender (another instance) has on its way looks again this soon, not only when
# that sender's lease runs out: Teams answers a send within SEND_TIMEOUT_SECONDS.
CARD_ON_ITS_WAY_LOOK = timedelta(seconds=1)


@dataclass(frozen=True)
class _Recipient:
    """Where to reach a person ("" when they never opened the bot) and the language they read now."""

    reference: str
    lang: Lang


@dataclass
class _Pass:
    """What one pass over queued messages has read already: each recipient's chat reference and language (read once a
    pass), and, when the pass read them with the queue, where each keyed card is (kept current as the pass sends)."""

    checked: bool = False
    slots: dict[tuple[str, str], CardSlot] | None = None
    references: dict[str, _Recipient] = field(default_factory=dict)
    # References being read, side by side with the claim of the message that needs them first.
    pending_references: dict[str, asyncio.Task[_Recipient]] = field(default_factory=dict)
    # The message claimed while the queue's sent marks and card places were read, by id (None: that claim failed).
    claimed_ahead: dict[str, OutboundMessage | None] = field(default_factory=dict)

    async def finish(self) -> None:
        """Stop reading references no message of the pass needed in the end (every claim failed)."""
        for task in self.pending_references.values():
            task.cancel()
        await asyncio.gather(*self.pending_references.values(), return_exceptions=True)
        self.pending_references.clear()


class Deliverer:
    """Drains the outbox through the adapter; safe to run on several instances at once (etag leases)."""

    def __init__(self, adapter: CloudAdapter, *, app_id: str, outbox: Outbox, profiles: UserProfiles,
                 lease: timedelta = LEASE, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 still_owed: StillOwed | None = None, calendar: SchoolCalendar | None = None,
                 calendar_for: Callable[[Iterable[str]], SchoolCalendar] | None = None) -> None:
        self._adapter = adapter
        # The federation's working days and school hours (`calendar`), and those of given schools (`calendar_for`): an
        # automatic message whose send failed is tried again within those of the schools it keeps (its recipient's),
        # else the federation's (`OutboundMessage.retry_later`).
        self._calendar = calendar
        self._calendar_for = calendar_for
        self._still_owed = still_owed
        self._app_id = app_id
        self._outbox = outbox
        self._profiles = profiles
        self._clock = clock
        self._lease = lease
        self._tasks: set[asyncio.Task[object]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._closing = False  # stopping: a sent mark storage refuses is not waited for (see `_done`)
        self._running: set[str] = set()
        self._again: set[str] = set()
        self._senders = asyncio.Semaphore(MAX_SENDERS)
        # By person: messages this instance has just stored for them (as `Outbox.enqueue` returned them), for their
        # sender's next pass to read side by side with its listing (`_owed_claiming_a_fresh_one`).
        self._fresh: dict[str, list[OutboundMessage]] = {}

    def deliver_soon(self, person: Person, fresh: Sequence[OutboundMessage] = ()) -> None:
        """Send what is owed to this person in the background, after the current turn (`fresh`: messages to them
        just stored, as `Outbox.enqueue` returned them)."""
        if fresh:
            self._fresh.setdefault(person.key, []).extend(fresh)
        # One sender per person: a burst of messages to one person (say, the headteacher) would otherwise start a
        # task per message, each listing and racing to claim all of them.
        if self._now_or_again(person):
            self._background(self._deliver_while_owed(person))

    def deliver_soon_in_turn(self, people: Iterable[Person]) -> None:
        """Send what is owed to many people in the background, a few at a time."""
        queue = list(dict.fromkeys(people))
        self._background(self._deliver_in_lanes(queue))

    def _background(self, work: Coroutine[object, object, object]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver_in_lanes(self, people: list[Person]) -> int:
        async def lane(share: list[Person]) -> int:
            sent = 0
            for person in share:
                if self._now_or_again(person):  # else its own sender will look again
                    sent += await self._deliver_while_owed(person)
            return sent

        return sum(await asyncio.gather(*(lane(people[n::BULK_LANES]) for n in range(BULK_LANES))))

    def _now_or_again(self, person: Person) -> bool:
        """Take the person's sender place on this instance; when their sender is running, ask it to look again."""
        if person.key in self._running:
            self._again.add(person.key)
            return False
        self._running.add(person.key)
        return True

    async def _deliver_while_owed(self, person: Person) -> int:
        sent = 0
        try:
            async with self._senders:
                while True:
                    self._again.discard(person.key)
                    sent += await self.deliver_to(person)
                    if person.key not in self._again:
                        return sent
        finally:
            # In the same step as the check above, so a request made meanwhile is never lost.
            self._running.discard(person.key)
            self._again.discard(person.key)

    async def close(self) -> None:
        """On shutdown: look again for nobody, and wait for background sends started by turns."""
        self._closing = True
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        await self.drain()

    async def drain(self) -> None:
        """Wait for background sends started by turns."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def deliver_to(self, person: Person) -> int:
        """Try every unsent message for one person now; return how many were sent."""
        reading = _Pass(checked=True)
        fresh = self._fresh.pop(person.key, [])
        try:
            if fresh:
                owed = await self._owed_claiming_a_fresh_one(person, reading, fresh)
            else:
                owed = await self._owed_claiming_the_first(person, reading)
        except DomainError as error:
            log.warning("outbox unreadable for a recipient: %s", type(error).__name__)
            await reading.finish()
            return 0
        reading.slots = {(slot.recipient.key, key): slot for key, slot in owed.slots.items()}
        now = self._clock()
        held = [until for m in owed.messages if (until := m.held_until(now)) is not None]
        waiting = {m.message_id for m in behind_a_card_on_its_way(owed.messages, now)}
        sent = await self._deliver_all([m for m in owed.messages if m.message_id not in waiting], ignore_backoff=True,
                                       reading=reading)
        if held:
            # Another sender holds a message: it may be a pass that found no chat for this person a moment before
            # they opened the bot, and will park it for UNREACHABLE_RETRY. Look again once its lease has run out,
            # or soon when a message waits for the card it has on its way.
            self._look_again(person, min(min(held) - now, CARD_ON_ITS_WAY_LOOK) if waiting else min(held) - now)
        return sent

    async def _owed_claiming_the_first(self, person: Person, reading: _Pass) -> Owed:
        """The person's queue as `Outbox.owed_to` reads it, with the message to go first (`first_to_claim`) claimed, and
        their chat reference read, while what the listing leaves to read is: one round trip fewer before the first card
        goes. Nothing is sent before all of it is in, and a copy of a message sent already, claimed meanwhile, is
        recorded as sent and leaves the queue unsent."""
        listed = await self._outbox.list_for_recipient(person)
        now = self._clock()
        first = first_to_claim(listed, now)
        if first is None:
            return await self._outbox.owed_among(person, listed)
        owed, claimed = await self._beside_a_claim(self._outbox.owed_among(person, listed), first, now, person, reading)
        if claimed is not None and all(m.message_id != first.message_id for m in owed.messages):
            await self._drop_sent_copy(claimed)
            return owed
        reading.claimed_ahead[first.message_id] = claimed
        return owed

    async def _owed_claiming_a_fresh_one(self, person: Person, reading: _Pass,
                                         fresh: Sequence[OutboundMessage]) -> Owed:
        """`_owed_claiming_the_first` when this instance has just stored `fresh` for the person: the first of them is
        claimed, and their sent marks and card places are read, side by side with the listing itself
        (`Outbox.listed_with`), so a card a click has just queued (the requester's status card, after the head's
        Approve) goes one round trip sooner again. The claim is kept only for the message the listing says goes first
        (`first_to_claim`), else it is given back before anything is sent; a sent mark read beside the listing counts
        only for the row as it was stored (its etag), and what the listing finds besides is read after it, as always."""
        now = self._clock()
        first_fresh = fresh[0]
        listing, claimed = await self._beside_a_claim(self._outbox.listed_with(person, fresh), first_fresh, now,
                                                      person, reading)
        listed = listing.messages
        if claimed is not None:  # listed before or after this pass leased it: as it was before
            listed = [first_fresh if m.message_id == first_fresh.message_id else m for m in listed]
        as_stored = {m.message_id: m.etag for m in fresh}
        known = replace(listing, sent_read={m.message_id: listing.sent_read[m.message_id] for m in listed
                                            if m.message_id in listing.sent_read
                                            and m.etag == as_stored.get(m.message_id)})
        try:
            owed = await self._outbox.owed_among(person, listed, known=known)
        except BaseException:
            if claimed is not None:
                await self._put_back(claimed)
            raise
        if claimed is None:
            return owed
        if all(m.message_id != first_fresh.message_id for m in owed.messages):
            await self._drop_sent_copy(claimed)
            return owed
        first = first_to_claim(listed, now)
        if first is None or first.message_id != first_fresh.message_id:
            # Another goes first (an older message, or one replacing this card again): given back as it was, for the
            # pass to take in its turn, conditional on it as it is now.
            back = await self._release(replace(claimed, state=DeliveryState.PENDING, next_attempt_at=None))
            if back is None:
                return replace(owed, messages=[m for m in owed.messages if m.message_id != first_fresh.message_id])
            return replace(owed, messages=[back if m.message_id == first_fresh.message_id else m
                                           for m in owed.messages])
        reading.claimed_ahead[first_fresh.message_id] = claimed
        return owed

    async def _beside_a_claim(self, read: Awaitable[_Read], message: OutboundMessage, now: datetime, person: Person,
                              reading: _Pass) -> tuple[_Read, OutboundMessage | None]:
        """`read`, the claim of `message` and the person's chat reference, side by side; the claim is given back
        when the read fails."""
        both = asyncio.gather(read, self._claimed(message, now), return_exceptions=True)
        self._start_reading_reference(person, reading)
        result, claimed = await both
        if isinstance(claimed, BaseException):
            raise claimed  # not a storage fault (those are None): a defect
        if isinstance(result, BaseException):
            if claimed is not None:
                await self._put_back(claimed)
            raise result
        return result, claimed

    async def _drop_sent_copy(self, claimed: OutboundMessage) -> None:
        """A copy of a message sent already, claimed meanwhile: recorded as sent, so it never goes again."""
        try:
            await self._outbox.mark_sent(claimed)
        except DomainError as error:  # its lease runs out, and the next pass drops it
            log.warning("could not drop a copy of a message sent already: %s", type(error).__name__)

    async def _claimed(self, message: OutboundMessage, now: datetime) -> OutboundMessage | None:
        """The message leased to this pass, its sent mark being looked up meanwhile (`Outbox.owed_among`); None when
        another sender has it or storage did not answer (the pass does not send it)."""
        try:
            return await self._outbox.claim(message, now, lease=self._lease, checked=True)
        except DomainError:
            return None

    def _look_again(self, person: Person, after: timedelta) -> None:
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._timers.discard(timer)
            self.deliver_soon(person)

        timer = loop.call_later(max(after.total_seconds(), 0.0) + 0.05, fire)
        self._timers.add(timer)

    async def deliver_due(self) -> int:
        """Try every message whose time has come; return how many were sent."""
        try:
            due = await self._outbox.list_due(self._clock())
        except DomainError as error:
            log.warning("outbox unreadable: %s", type(error).__name__)
            return 0
        sent = await self._deliver_all([m for m in due if not m.card_key], ignore_backoff=False, reading=_Pass())
        # A card that replaces another, or may be replaced, goes with its person's own pass, which reads their whole
        # queue in order: the scan lists only what is due, so it cannot see a card another sender has on its way.
        for person in {m.recipient.key: m.recipient for m in due if m.card_key}.values():
            if self._now_or_again(person):
                sent += await self._deliver_while_owed(person)
        return sent

    async def _deliver_all(self, messages: list[OutboundMessage], *, ignore_backoff: bool, reading: _Pass) -> int:
        sent = 0
        now = self._clock()
        if reading.checked:  # one person's whole queue
            messages = await self._skip_superseded(messages, now)
        try:
            for message in messages:
                if message.held_until(now) is not None or message.kept_back(now) \
                        or (not ignore_backoff and not message.is_due(now)):
                    continue
                if await self._deliver(message, reading):
                    sent += 1
        finally:
            await reading.finish()
            for left in filter(None, reading.claimed_ahead.values()):  # the pass stopped before it
                await self._put_back(left)
        return sent

    async def _skip_superseded(self, queue: list[OutboundMessage], now: datetime) -> list[OutboundMessage]:
        """The queue less the messages whose card a later one replaces again: those are recorded as sent without
        being sent (so they never are), and only the last reaches the person."""
        skipped: set[str] = set()
        for message in superseded(queue, now):
            try:
                await self._outbox.mark_sent(message)  # as listed: a sender that took it since keeps it
            except (ConcurrentChange, RecordNotFound):
                pass  # another sender has it: the message after it still goes
            except DomainError as error:
                log.warning("could not record a superseded message: %s", type(error).__name__)
                continue
            skipped.add(message.message_id)
        if skipped:
            log.info("%d superseded message(s) not sent", len(skipped))
        return [m for m in queue if m.message_id not in skipped]

    def _start_reading_reference(self, person: Person, reading: _Pass) -> None:
        """Begin reading the person's chat reference, unless this pass has it or is reading it."""
        if person.key not in reading.references and person.key not in reading.pending_references:
            reading.pending_references[person.key] = asyncio.ensure_future(self._read_reference(person))

    async def _read_reference(self, person: Person) -> _Recipient:
        try:
            profile = await self._profiles.recent_profile(person)
        except RecordNotFound:
            return _Recipient("", Lang.EN)
        return _Recipient(profile.conversation_ref, profile.speaks())

    async def _reference(self, person: Person, reading: _Pass) -> _Recipient:
        """The person's chat reference ("" when they never opened the bot) and language, read once a pass (a failed
        read is tried again for the pass's next message)."""
        if person.key not in reading.references:
            self._start_reading_reference(person, reading)
            task = reading.pending_references.pop(person.key)
            reading.references[person.key] = await task
        return reading.references[person.key]

    async def _slot(self, message: OutboundMessage, reading: _Pass) -> CardSlot | None:
        """Where the message's card was posted, if it has a key and was (a first post never tried was not)."""
        if not message.may_replace_a_card:
            return None
        if reading.slots is not None:
            return reading.slots.get((message.recipient.key, message.card_key))
        try:
            return await self._outbox.get_slot(message.recipient, message.card_key)
        except RecordNotFound:
            return None

    async def _deliver(self, message: OutboundMessage, reading: _Pass) -> bool:
        now = self._clock()
        # The recipient's chat reference is read while the message is claimed: one round trip fewer before the send.
        self._start_reading_reference(message.recipient, reading)
        if message.message_id in reading.claimed_ahead:
            ahead = reading.claimed_ahead.pop(message.message_id)
            if ahead is None:  # another sender has it, or storage did not answer
                return False
            claimed = ahead
        else:
            try:
                claimed = await self._outbox.claim(message, now, lease=self._lease, checked=reading.checked)
            except (ConcurrentChange, RecordNotFound):
                return False
            except StorageUnavailable:
                return False
        try:
            recipient = await self._reference(message.recipient, reading)
            slot = await self._slot(message, reading)
        except StorageUnavailable:
            await self._release(claimed.retry_later(now, "storage unavailable", calendar=self._days_of(claimed)))
            return False
        if message.update_only and slot is None:  # no card of it was kept to update: nothing to post
            await self._done(claimed)
            return False
        if not personal_chat(recipient.reference):
            await self._release(replace(claimed, state=DeliveryState.PENDING, next_attempt_at=now + UNREACHABLE_RETRY,
                                        last_error=NOT_OPENED))
            return False
        if self._still_owed is not None:
            # Checked while this sender holds the message, just before it goes: a sender that dies after the check
            # leaves it leased, and the one that takes it over when the lease runs out checks again.
            try:
                owed = await self._still_owed.still_owed(message, now)
            except DomainError as error:
                await self._release(claimed.retry_later(now, type(error).__name__, calendar=self._days_of(claimed)))
                return False
            if not owed:
                try:
                    # Out of the queue unsent, with no sent mark: the same card owed again (a rollback) goes.
                    await self._outbox.discard(claimed)
                except DomainError as error:  # its lease runs out, and the next sender withholds it again
                    log.warning("could not take a withheld message out of the queue: %s", type(error).__name__)
                return False
        try:
            activity_id, conversation_id = await self._send(message.card_in(recipient.lang), recipient.reference,
                                                            slot, preview=message.preview_in(recipient.lang),
                                                            post_anew=not message.update_only)
        except Exception as error:  # the connector raises many types; every one means "try again later"
            wait = retry_after(error, now)
            log.warning("proactive send failed: %s%s", type(error).__name__,
                        f" (asked to wait {wait.total_seconds():.0f} s)" if wait else "")
            await self._release(claimed.retry_later(now, type(error).__name__, not_before=wait,
                                                    calendar=self._days_of(claimed)))
            return False
        moved = None
        if message.card_key and activity_id and (slot is None or slot.activity_id != activity_id):
            # Posted anew: the card's place changed (updated in place, it did not, and is not written again).
            moved = CardSlot(message.recipient, message.card_key, activity_id, conversation_id)
            if reading.slots is not None:
                reading.slots[(message.recipient.key, message.card_key)] = moved
        await self._done(claimed, moved)
        return bool(activity_id) or not message.update_only

    async def _done(self, claimed: OutboundMessage, moved: CardSlot | None = None) -> None:
        """Record that Teams took the message. Storage failing just then is tried again while this sender's lease
        lasts: once the lease runs out, another sender would send the message again (a second card to the head)."""
        wait = RECORD_SENT_FIRST_WAIT
        while True:
            try:
                await self._outbox.mark_sent(claimed, slot=moved)
                return
            except StorageUnavailable as error:
                lease_left = (claimed.next_attempt_at or self._clock()) - self._clock()
                if lease_left <= wait or self._closing:
                    # Teams has the message; the lease expiring will send it again, so say so loudly.
                    log.error("sent but not recorded as sent: %s", type(error).__name__)
                    return
            except DomainError as error:  # the lease ran out meanwhile, and another sender has it
                log.error("sent but not recorded as sent: %s", type(error).__name__)
                return
            await asyncio.sleep(wait.total_seconds())
            wait = min(wait * 2, RECORD_SENT_LONGEST_WAIT)

    async def _put_back(self, claimed: OutboundMessage) -> None:
        """A message claimed ahead and never tried, due again at once."""
        await self._release(replace(claimed, state=DeliveryState.PENDING, next_attempt_at=None))

    async def _release(self, message: OutboundMessage) -> OutboundMessage | None:
        """The message stored back as it now is (None when storage did not take it: its lease runs out instead)."""
        try:
            return await self._outbox.release(message)
        except DomainError as error:
            log.warning("could not release an outbox lease (it will expire): %s", type(error).__name__)
            return None

    def after_the_answer(self, work: Callable[[], Awaitable[None]]) -> None:
        """Run what a turn left for after its answer (see `Reply.afterwards`), in the background: the answer does not
        wait for it, and `close` does."""
        self._background(self._logged(work))

    @staticmethod
    async def _logged(work: Callable[[], Awaitable[None]]) -> None:
        try:
            await work()
        except Exception:  # the flows handle storage faults themselves: anything else is a defect, said loudly
            log.exception("work after a turn's answer failed")

    def _days_of(self, message: OutboundMessage) -> SchoolCalendar | None:
        """The working days and hours a message keeps: those of the schools it was queued for, else the federation's."""
        if message.schools and self._calendar_for is not None:
            return self._calendar_for(message.schools)
        return self._calendar

    async def hold(self, messages: Sequence[OutboundMessage]) -> None:
        """Store messages kept back for school hours (`not_before`): the due scan sends each when its time comes."""
        await self._outbox.enqueue(messages)

    def hold_owed_soon(self, person: Person, now: datetime, calendar: SchoolCalendar) -> None:
        """What is owed to the person, due now, waits for school hours (they were reached by an install outside them,
        which may be IT's setup policy at night): a message that keeps school days (a reminder) until the next working
        day's hours, anything else until the next start of school hours whatever the day (nothing a person sent waits
        more than one night). In the background; one a sender has, or that changed meanwhile, is left as it is."""
        self._background(self._hold_owed(person, now, calendar))

    async def _hold_owed(self, person: Person, now: datetime, calendar: SchoolCalendar) -> None:
        try:
            queue = await self._outbox.list_for_recipient(person)
        except DomainError as error:  # the due scan sends them, at once
            log.warning("could not hold what is owed for school hours: %s", type(error).__name__)
            return
        for message in queue:
            if message.held_until(now) is not None or message.kept_back(now):
                continue
            days = self._days_of(message) if message.schools else calendar  # a reminder keeps its school's days
            opens = (days or calendar).in_school_hours(now, any_day=message.hours is not Hours.SCHOOL_DAYS)
            if opens > now:
                await self._release(replace(message, not_before=opens))

    def take_back_soon(self, messages: Sequence[OutboundMessage]) -> None:
        """Take back these messages where they still wait (`Outbox.take_back`), in the background; one never stored is
        no matter, and a fault is logged (the message goes at its time)."""
        async def take_back() -> None:
            try:
                await self._outbox.take_back(messages)
            except DomainError as error:
                log.warning("could not take back a held message: %s", type(error).__name__)

        self._background(take_back())

    def remember_card_soon(self, person: Person, card_key: str, activity_id: str) -> None:
        """Record where a card shown in a reply lives, so later messages can update it in place: in the background,
        so the turn's answer (an invoke's is returned when the turn ends) does not wait for it."""
        self._background(self.remember_card(person, card_key, activity_id))

    def replace_soon(self, reference: ConversationReference, activity_id: str, card: Mapping[str, Any]) -> None:
        """Put a card in place of a message of a 1:1 chat, in the background, once: an invoke's answer replaces a
        clicked card for the clicking device only. A failure is logged; that device already shows the card."""
        self._background(self._replace(reference, activity_id, card))

    async def _replace(self, reference: ConversationReference, activity_id: str, card: Mapping[str, Any]) -> None:
        async def callback(context: TurnContext) -> None:
            activity = _card_activity(card)
            activity.id = activity_id
            await context.update_activity(activity)

        try:
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                await self._adapter.continue_conversation(reference, callback, self._app_id)
        except Exception as error:  # the connector raises many types; the clicking device has the card anyway
            log.warning("could not replace a clicked card on the person's other devices: %s", type(error).__name__)

    async def remember_card(self, person: Person, card_key: str, activity_id: str) -> None:
        """Record where a card shown in a reply lives, so later messages can update it in place."""
        try:
            await self._outbox.save_slot(CardSlot(person, card_key, activity_id))
        except DomainError as error:
            log.warning("could not remember a card slot: %s", type(error).__name__)

    async def _send(self, card: Mapping[str, Any], reference_json: str, slot: CardSlot | None, *,
                    preview: str = "", post_anew: bool = True) -> tuple[str, str]:
        """Update the slot's card, or post the card (`post_anew`: also when the update is refused; else the id is
        "")."""
        reference = ConversationReference().deserialize(json.loads(reference_json))
        slot_activity_id = slot.activity_id if slot is not None else ""
        result: dict[str, str] = {}

        async def callback(context: TurnContext) -> None:
            activity = _card_activity(card, preview)
            if slot_activity_id:
                activity.id = slot_activity_id
                try:
                    await context.update_activity(activity)
                    result["id"] = slot_activity_id
                    return
                except Exception as error:  # the old card may be gone; post a fresh one instead
                    log.info("update in place failed (%s)%s", type(error).__name__, "; posting anew" * post_anew)
                    if not post_anew:
                        return
                    activity.id = None
            response = await context.send_activity(activity)
            result["id"] = getattr(response, "id", "") or ""

        async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
            await self._adapter.continue_conversation(reference, callback, self._app_id)
        conversation_id = reference.conversation.id if reference.conversation else ""
        return result.get("id", ""), conversation_id or ""


def _card_activity(card: Mapping[str, Any], preview: str = "") -> Activity:
    """The card as a message; `preview` is what Teams shows of it in a notification (its activity summary), else the
    card's own notification line (`fallbackText`)."""
    activity = MessageFactory.attachment(CardFactory.adaptive_card(dict(card)))
    line = card.get("fallbackText")
    if summary := preview or (line if isinstance(line, str) else ""):
        activity.summary = summary
    return activity


def personal_chat(reference_json: str) -> bool:
    """True for a stored reference to a 1:1 chat: messages owed to one person go nowhere else (a reference
    stored from a group before the bot checked conversation types counts as none)."""
    try:
        reference = json.loads(reference_json) if reference_json else None
    except json.JSONDecodeError:
        return False
    conversation = reference.get("conversation") if isinstance(reference, dict) else None
    return isinstance(conversation, dict) and conversation.get("conversationType") == "personal"


def retry_after(error: BaseException, now: datetime) -> timedelta | None:
    """The wait a throttled connector asked for in its Retry-After header (seconds or an HTTP date), if any."""
    headers = getattr(getattr(error, "response", None), "headers", None)
    value = headers.get("Retry-After") if headers is not None else None
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


class OutboxNotifier:
    """`Notifier` for flows: stores messages in the outbox, then sends them in the background."""

    def __init__(self, outbox: Outbox, deliverer: Deliverer) -> None:
        self._outbox = outbox
        self._deliverer = deliverer

    async def notify(self, messages: Sequence[OutboundMessage]) -> None:
        """Queue the messages durably, then try each recipient at once (telling each sender what was just stored)."""
        stored = await self._outbox.enqueue(messages)
        recipients = list(dict.fromkeys(message.recipient for message in messages))
        if len(recipients) > BULK_RECIPIENTS:
            self._deliverer.deliver_soon_in_turn(recipients)
            return
        for recipient in recipients:
            self._deliverer.deliver_soon(recipient, [m for m in stored if m.recipient.key == recipient.key])

    async def recall(self, card_key: str, *, keep: Iterable[Person]) -> None:
        """Take back the messages with this card key not sent yet, but those to `keep`."""
        taken = await self._outbox.recall(card_key, keep=keep)
        if taken:
            log.info("%d queued message(s) taken back from people they are no longer for", taken)

    async def take_back(self, messages: Sequence[OutboundMessage]) -> bool:
        """Take back messages queued for a change that is being undone; False when one is on its way."""
        return await self._outbox.take_back(messages)
