"""The outbox in the `outbox` table, and what it has sent in the `outboxsent` table.

`outbox` keys: PartitionKey = recipient (`tenant|object id`), RowKey = `msg|<message id>` for messages and
`slot|<card key>` for where a card was posted. A person's pending messages are one partition query; the
background sender's "what is due" scans the table, which stays small because a sent message leaves it.
`outboxsent` keys: the same PartitionKey and RowKey, and nothing else: one small row per message sent, read
only by its key, so a message queued again after it was sent (same id) is never sent twice.

Sending a message writes the slot of its card first when that changed (posted anew), then its `outboxsent` row,
then deletes its `outbox` row (conditional on the sender's lease, so a row another instance has taken over never
vanishes under it). A message queued again after that finds its `outboxsent` row when a sender
claims it, or when `owed_to` looks for the sent rows of what it listed (after listing: a copy queued again after
its message was sent was queued after the `outboxsent` row was written, and the claim that follows is conditional
on the row as listed), and is dropped unsent. Sent rows written before messages left the table on sending are
moved the same way as the due scan meets them.

`owed_to` reads one person's sent rows and slots by key, side by side after the listing, several keys to a query: a
filter that ORs row keys is a scan of the person's partition on the service (sent rows and slots are kept, so it
grows with time), but it answers in one round trip what took one per message, and returns only the rows asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.outbox import LEASE, CardSlot, DeliveryState, Hours, Listing, OutboundMessage, Owed
from bot.domain.people import Person
from bot.storage.tables import TableStore, entity_etag, entity_text, entity_time, safe_key

TABLE = "outbox"
SENT_TABLE = "outboxsent"
# Sent rows from before sending moved them out: how many one due scan moves (the first scans after upgrading).
MOVED_PER_SCAN = 100
# Writes one `enqueue` makes at once (a campaign to all staff queues hundreds: not all at once), and messages to one
# person stored in one of them (a transaction of four cards stays far below the service's 4 MB).
ENQUEUED_AT_ONCE = 4
# Row keys one query asks for: the Table service allows 15 comparisons in a filter, one of them the partition's.
KEYS_PER_QUERY = 14

Stored = TypeVar("Stored")


@dataclass
class DueScan:
    """One pass over the queue: the messages due now (at most `limit`), and the sent ones met on the way, to move
    out of it (at most MOVED_PER_SCAN)."""

    now: datetime
    limit: int
    due: list[OutboundMessage] = field(default_factory=list)
    sent: list[OutboundMessage] = field(default_factory=list)

    def meets(self, message: OutboundMessage) -> bool:
        """Take in the scan's next message; True once enough are due (the scan stops there)."""
        if message.state is DeliveryState.SENT:
            if len(self.sent) < MOVED_PER_SCAN:
                self.sent.append(message)
        elif message.is_due(self.now):
            self.due.append(message)
        return len(self.due) >= self.limit


def _partition(person: Person) -> str:
    return safe_key(person.key)


def _message_key(message: OutboundMessage) -> str:
    return safe_key("msg|" + message.message_id)


def _slot_key(card_key: str) -> str:
    return safe_key("slot|" + card_key)


def _slot_entity(slot: CardSlot) -> dict[str, Any]:
    return {"PartitionKey": _partition(slot.recipient), "RowKey": _slot_key(slot.card_key),
            "ActivityId": slot.activity_id, "ConversationId": slot.conversation_id}


def _to_entity(message: OutboundMessage) -> dict[str, Any]:
    return {
        "PartitionKey": _partition(message.recipient),
        "RowKey": _message_key(message),
        "MessageId": message.message_id,
        "TenantId": message.recipient.tenant_id,
        "ObjectId": message.recipient.aad_object_id,
        "Name": message.recipient.name,
        "Card": json.dumps(message.card, ensure_ascii=False, separators=(",", ":")),
        "CardKey": message.card_key,
        "CreatedAt": message.created_at,
        "State": message.state.value,
        "Attempts": message.attempts,
        "NextAttemptAt": message.next_attempt_at,
        "LastError": message.last_error,
        "FirstPost": message.first_post,
        "CardCy": json.dumps(message.card_cy, ensure_ascii=False, separators=(",", ":")) if message.card_cy else "",
        "Preview": message.preview,
        "PreviewCy": message.preview_cy,
        "UpdateOnly": message.update_only,
        "NotBefore": message.not_before,
        "Hours": message.hours.value,
        "Schools": ",".join(message.schools),
    }


def _etag_of(answer: Mapping[str, Any]) -> str:
    """The etag a write's answer gave the row."""
    etag = answer.get("etag", "")
    return etag if isinstance(etag, str) else ""


def _from_entity(entity: dict[str, Any]) -> OutboundMessage:
    return OutboundMessage(
        recipient=Person(entity_text(entity, "TenantId"), entity_text(entity, "ObjectId"),
                         entity_text(entity, "Name")),
        message_id=entity_text(entity, "MessageId"),
        card=json.loads(entity_text(entity, "Card") or "{}"),
        card_key=entity_text(entity, "CardKey"),
        created_at=entity_time(entity, "CreatedAt"),
        state=DeliveryState(entity_text(entity, "State") or "pending"),
        attempts=int(entity.get("Attempts") or 0),
        next_attempt_at=entity_time(entity, "NextAttemptAt"),
        last_error=entity_text(entity, "LastError"),
        etag=entity_etag(entity),
        first_post=entity.get("FirstPost") is True,
        card_cy=json.loads(welsh) if (welsh := entity_text(entity, "CardCy")) else None,
        preview=entity_text(entity, "Preview"),
        preview_cy=entity_text(entity, "PreviewCy"),
        update_only=entity.get("UpdateOnly") is True,
        not_before=entity_time(entity, "NotBefore"),
        hours=_hours(entity_text(entity, "Hours")),
        schools=tuple(school for school in entity_text(entity, "Schools").split(",") if school),
    )


def _hours(text: str) -> Hours:
    """The hours a stored message keeps; none for a row stored before they were kept (or by a later release)."""
    try:
        return Hours(text)
    except ValueError:
        return Hours.ANY


async def _all_finished(writes: Iterable[Awaitable[Stored]]) -> list[Stored]:
    """Run the writes side by side and raise the first fault only once every one is over: a caller told a write
    failed may take back what was stored, and nothing of it may land after that. Their results, in order."""
    results = await asyncio.gather(*writes, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [result for result in results if not isinstance(result, BaseException)]


class TableOutbox:
    """`Outbox` on Azure Tables, with etag leases so several instances never send one message twice."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)
        self._sent = store.table(SENT_TABLE)

    async def enqueue(self, messages: Sequence[OutboundMessage]) -> list[OutboundMessage]:
        """Store each message as pending; one already stored is left alone (of one id given twice, the first). One
        person's messages are created in one transaction (their partition), up to ENQUEUED_AT_ONCE together: it costs
        about half the CPU of as many creates (1.2 ms for four against 2.4 ms, against Azurite) and one call. A
        transaction is refused whole when one of its messages is stored already: then each is created on its own.
        Writes go a few at once; the order they are stored in does not matter (a queue is read oldest first by
        `CreatedAt`). Returns the messages this call stored, each with its etag (for `owed_with`)."""
        first: dict[tuple[str, str], OutboundMessage] = {}
        for message in messages:
            first.setdefault((_partition(message.recipient), _message_key(message)), message)
        people: dict[str, list[OutboundMessage]] = {}
        for (partition, _), message in first.items():
            people.setdefault(partition, []).append(message)
        writes = [queue[start:start + ENQUEUED_AT_ONCE] for queue in people.values()
                  for start in range(0, len(queue), ENQUEUED_AT_ONCE)]
        stored: list[OutboundMessage] = []
        for start in range(0, len(writes), ENQUEUED_AT_ONCE):
            together = writes[start:start + ENQUEUED_AT_ONCE]
            for created in await _all_finished(self._create_together(w) for w in together):
                stored += created
        return stored

    async def _create_together(self, messages: list[OutboundMessage]) -> list[OutboundMessage]:
        """Create one person's messages, in one transaction when there are several; those created, with etags."""
        if len(messages) > 1:
            try:
                async with self._store.call():
                    answers = await self._table.submit_transaction([("create", _to_entity(m)) for m in messages])
                return [replace(m, etag=_etag_of(answer)) for m, answer in zip(messages, answers, strict=True)]
            except RecordExists:
                pass  # one of them is stored already: the others still are to be
        return [m for m in await _all_finished(self._create(m) for m in messages) if m is not None]

    async def _create(self, message: OutboundMessage) -> OutboundMessage | None:
        try:
            async with self._store.call():
                answer = await self._table.create_entity(_to_entity(message))
        except RecordExists:
            return None
        return replace(message, etag=_etag_of(answer))

    async def list_for_recipient(self, recipient: Person) -> list[OutboundMessage]:
        """Unsent messages for one person, oldest first."""
        return (await self._listed(recipient, []))[0]

    async def _listed(self, recipient: Person, slot_keys: list[str]
                      ) -> tuple[list[OutboundMessage], dict[str, dict[str, Any]]]:
        """Unsent messages for one person, oldest first, and, in the same query, the rows of these slot keys that
        exist (by row key). One query, read in key order: every message row before any slot row, so a card whose
        message another sender had taken out of the queue before the messages were read is found at the place it
        wrote first, as when the slots are read after the listing."""
        query = "PartitionKey eq @pk and RowKey ge 'msg|' and RowKey lt 'msg}' and State ne 'sent'"
        parameters = {"pk": _partition(recipient), **{f"s{n}": key for n, key in enumerate(slot_keys)}}
        if slot_keys:
            # Spaces around each parameter: the SDK finds them by splitting the filter on spaces.
            wanted = " or ".join(f"RowKey eq @s{n}" for n in range(len(slot_keys)))
            query = (f"PartitionKey eq @pk and ( ( RowKey ge 'msg|' and RowKey lt 'msg}}' and State ne 'sent' ) "
                     f"or {wanted} )")
        rows: list[OutboundMessage] = []
        slots: dict[str, dict[str, Any]] = {}
        async with self._store.call():
            async for entity in self._table.query_entities(query, parameters=parameters):
                row_key = entity_text(entity, "RowKey")
                if row_key in slot_keys:
                    slots[row_key] = dict(entity)
                else:
                    rows.append(_from_entity(entity))
        return sorted(rows, key=lambda m: (m.created_at is None, m.created_at)), slots

    async def owed_to(self, recipient: Person) -> Owed:
        """Unsent messages for one person, oldest first, less copies of messages sent already (dropped), and the
        slots of their card keys: a listing, then the sent rows and the slots asked for by key, side by side."""
        return await self.owed_among(recipient, await self.list_for_recipient(recipient))

    async def owed_among(self, recipient: Person, listed: Sequence[OutboundMessage], *,
                         known: Listing | None = None) -> Owed:
        """`owed_to` for messages just listed: the sent rows and the slots by key, side by side (but for what `known`
        holds already: then, when it holds everything, nothing is read)."""
        sent_read = known.sent_read if known is not None else {}
        slots_read = known.slots_read if known is not None else {}
        # The sent rows and the slots side by side (both read after the listing): the slots of every listed card
        # key a message may replace (none for a first post never tried), of which those of copies dropped below are
        # not returned.
        sent_keys = [_message_key(m) for m in listed if m.message_id not in sent_read]
        slot_keys = [_slot_key(k) for k in dict.fromkeys(m.card_key for m in listed if m.may_replace_a_card)
                     if k not in slots_read]
        sent: dict[str, dict[str, Any]] = {}
        rows: dict[str, dict[str, Any]] = {}
        if sent_keys or slot_keys:
            both = await asyncio.gather(
                self._keys_present(self._sent, recipient, sent_keys, ["RowKey"]),
                self._keys_present(self._table, recipient, slot_keys, ["RowKey", "ActivityId", "ConversationId"]),
                return_exceptions=True)
            for failed in both:
                if isinstance(failed, BaseException):
                    raise failed  # the first to fail, once both are over (neither is left running)
            sent_rows, slot_rows = both
            assert not isinstance(sent_rows, BaseException) and not isinstance(slot_rows, BaseException)
            sent, rows = sent_rows, slot_rows
        messages = []
        for message in listed:
            if sent_read.get(message.message_id) or _message_key(message) in sent:
                await self._drop(message)
            else:
                messages.append(message)
        card_keys = list(dict.fromkeys(m.card_key for m in messages if m.card_key))
        slots = {key: CardSlot(recipient, key, entity_text(rows[_slot_key(key)], "ActivityId"),
                               entity_text(rows[_slot_key(key)], "ConversationId"))
                 for key in card_keys if _slot_key(key) in rows}
        slots.update({key: slot for key in card_keys if (slot := slots_read.get(key)) is not None})
        return Owed(messages, slots)

    async def listed_with(self, recipient: Person, fresh: Sequence[OutboundMessage]) -> Listing:
        """`Outbox.listed_with`: the sent rows of `fresh` by key, side by side with one query that reads the queue
        and the places of their cards (`_listed`)."""
        card_keys = list(dict.fromkeys(m.card_key for m in fresh if m.may_replace_a_card))
        both = await asyncio.gather(
            self._listed(recipient, [_slot_key(key) for key in card_keys]),
            self._keys_present(self._sent, recipient, list(dict.fromkeys(_message_key(m) for m in fresh)), ["RowKey"]),
            return_exceptions=True)
        for failed in both:
            if isinstance(failed, BaseException):
                raise failed  # the first to fail, once both are over
        listing, sent_rows = both
        assert not isinstance(listing, BaseException) and not isinstance(sent_rows, BaseException)
        listed, slot_rows = listing
        places = {key: CardSlot(recipient, key, entity_text(row, "ActivityId"), entity_text(row, "ConversationId"))
                  if (row := slot_rows.get(_slot_key(key))) else None for key in card_keys}
        return Listing(listed, sent_read={m.message_id: _message_key(m) in sent_rows for m in fresh},
                       slots_read=places)

    async def _keys_present(self, table: Any, recipient: Person, row_keys: list[str],
                            select: list[str]) -> dict[str, dict[str, Any]]:
        """The rows of one person's partition with these keys (those that exist), by row key: none read for no key,
        one point read for one key (cheaper than a query), one query per KEYS_PER_QUERY keys for more."""
        found: dict[str, dict[str, Any]] = {}
        if not row_keys:
            return found
        if len(row_keys) == 1:
            try:
                async with self._store.call():
                    entity = await table.get_entity(_partition(recipient), row_keys[0], select=select)
            except RecordNotFound:
                return found
            return {row_keys[0]: dict(entity)}
        for start in range(0, len(row_keys), KEYS_PER_QUERY):
            chunk = row_keys[start:start + KEYS_PER_QUERY]
            parameters = {"pk": _partition(recipient), **{f"r{n}": key for n, key in enumerate(chunk)}}
            wanted = " or ".join(f"RowKey eq @r{n}" for n in range(len(chunk)))
            async with self._store.call():
                # Spaces around each parameter: the SDK finds them by splitting the filter on spaces.
                async for entity in table.query_entities(f"PartitionKey eq @pk and ( {wanted} )",
                                                         parameters=parameters, select=select):
                    found[entity_text(entity, "RowKey")] = dict(entity)
        return found

    async def list_due(self, now: datetime, *, limit: int = 100) -> list[OutboundMessage]:
        """Unsent messages for anyone whose next attempt time has come (sent rows met on the way are moved)."""
        query = "RowKey ge 'msg|' and RowKey lt 'msg}'"
        scan = DueScan(now, limit)
        async with self._store.call():
            async for entity in self._table.query_entities(query):
                if scan.meets(_from_entity(entity)):
                    break
        for message in scan.sent:
            with contextlib.suppress(ConcurrentChange):  # changed since the scan: the next scan sees it again
                await self._move_sent(message)
        return scan.due

    async def claim(self, message: OutboundMessage, now: datetime, *, lease: timedelta = LEASE,
                    checked: bool = False) -> OutboundMessage:
        """Lease the message (etag-conditional); `ConcurrentChange` when someone else has it, `RecordNotFound`
        when it is gone or was sent already (a message queued again after it was sent is dropped here; `checked`:
        `owed_to` looked for its sent row after listing it)."""
        if not checked and await self._was_sent(message):
            await self._drop(message)
            raise RecordNotFound(f"message {message.message_id} was sent already")
        claimed = message.claimed(now, lease)
        async with self._store.call():
            result = await self._table.update_entity(
                _to_entity(claimed), mode=UpdateMode.REPLACE, etag=message.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        etag = result.get("etag", "") if isinstance(result, dict) else ""
        return replace(claimed, etag=etag)

    async def mark_sent(self, message: OutboundMessage, *, slot: CardSlot | None = None) -> None:
        """Record that Teams accepted the message: its card's new place first (`slot`; should the rest fail and the
        message go again, it updates that card rather than posting another), then its id as sent, then take it out
        of the queue (`ConcurrentChange` if the lease ran out and another sender took it over; the id and the slot
        are kept anyway). Three calls, not a transaction: the sent row is in another table, and a transaction of the
        other two costs about as much CPU as they do (against Azurite; it cost more with the SDK's own)."""
        if slot is not None:
            await self.save_slot(slot)
        await self._move_sent(message)

    async def _move_sent(self, message: OutboundMessage) -> None:
        """Remember the message as sent, then delete its queued row if it is still as `message.etag` saw it."""
        async with self._store.call():
            await self._sent.upsert_entity({"PartitionKey": _partition(message.recipient),
                                            "RowKey": _message_key(message)}, mode=UpdateMode.REPLACE)
        async with self._store.call():
            await self._table.delete_entity(_partition(message.recipient), _message_key(message), etag=message.etag,
                                            match_condition=MatchConditions.IfNotModified)

    async def _was_sent(self, message: OutboundMessage) -> bool:
        try:
            async with self._store.call():
                await self._sent.get_entity(_partition(message.recipient), _message_key(message), select=["RowKey"])
        except RecordNotFound:
            return False
        return True

    async def _drop(self, message: OutboundMessage) -> None:
        """Delete a queued copy of a message already sent, unless a sender holds it (then its claim fails)."""
        try:
            async with self._store.call():
                await self._table.delete_entity(_partition(message.recipient), _message_key(message),
                                                etag=message.etag, match_condition=MatchConditions.IfNotModified)
        except (ConcurrentChange, RecordNotFound):
            return

    async def release(self, message: OutboundMessage) -> OutboundMessage:
        """Store the message back as pending with its new attempt time; returned as stored (its new etag)."""
        async with self._store.call():
            answer = await self._table.update_entity(_to_entity(message), mode=UpdateMode.REPLACE, etag=message.etag,
                                                     match_condition=MatchConditions.IfNotModified)
        return replace(message, etag=_etag_of(answer))

    async def discard(self, message: OutboundMessage) -> None:
        """Delete the queued row as this sender claimed it (`ConcurrentChange` when another sender has it since); no
        sent row, so one queued again later goes."""
        try:
            async with self._store.call():
                await self._table.delete_entity(_partition(message.recipient), _message_key(message),
                                                etag=message.etag, match_condition=MatchConditions.IfNotModified)
        except RecordNotFound:
            return

    async def recall(self, card_key: str, *, keep: Iterable[Person]) -> int:
        """Delete the unsent messages with this card key, but those to `keep`, each as it was read (one a sender has
        claimed since is on its way, and stays); no sent row, so one queued again later goes. One scan of the queue,
        which stays small (a sent message leaves it), as the sender's due scan is."""
        kept = {person.key for person in keep}
        query = "RowKey ge 'msg|' and RowKey lt 'msg}' and CardKey eq @key"
        found: list[OutboundMessage] = []
        async with self._store.call():
            async for entity in self._table.query_entities(query, parameters={"key": card_key}):
                found.append(_from_entity(entity))
        taken = 0
        for message in found:
            if message.recipient.key in kept or message.state is not DeliveryState.PENDING:
                continue
            try:
                async with self._store.call():
                    await self._table.delete_entity(_partition(message.recipient), _message_key(message),
                                                    etag=message.etag, match_condition=MatchConditions.IfNotModified)
            except (ConcurrentChange, RecordNotFound):
                continue
            taken += 1
        return taken

    async def take_back(self, messages: Sequence[OutboundMessage]) -> bool:
        """Delete these messages where they still wait for a sender, each as it was read (a point read and a
        conditional delete, the messages side by side); False when one is with a sender or was sent (it goes)."""
        unique = {(_partition(m.recipient), _message_key(m)): m for m in messages}
        results = await asyncio.gather(*(self._take_back(m) for m in unique.values()), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return all(results)

    async def _take_back(self, message: OutboundMessage) -> bool:
        try:
            async with self._store.call():
                entity = await self._table.get_entity(_partition(message.recipient), _message_key(message))
        except RecordNotFound:
            return not await self._was_sent(message)  # never stored, or sent (a sent message leaves the queue)
        stored = _from_entity(entity)
        if stored.state is not DeliveryState.PENDING:
            return False  # a sender holds it
        try:
            async with self._store.call():
                await self._table.delete_entity(_partition(message.recipient), _message_key(message),
                                                etag=stored.etag, match_condition=MatchConditions.IfNotModified)
        except ConcurrentChange:
            return False  # a sender took it meanwhile
        # (A row gone by now was claimed after the read, sent to Teams and moved out, all within this one round trip:
        # a delete of a missing row answers as a delete does.)
        return True

    async def get_slot(self, recipient: Person, card_key: str) -> CardSlot:
        """Where the keyed card was posted; `RecordNotFound` if never."""
        async with self._store.call():
            entity = await self._table.get_entity(_partition(recipient), _slot_key(card_key))
        return CardSlot(recipient=recipient, card_key=card_key, activity_id=entity_text(entity, "ActivityId"),
                        conversation_id=entity_text(entity, "ConversationId"))

    async def save_slot(self, slot: CardSlot) -> None:
        """Remember where a keyed card was posted."""
        async with self._store.call():
            await self._table.upsert_entity(_slot_entity(slot), mode=UpdateMode.REPLACE)
