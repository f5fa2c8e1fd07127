"""The outbox in the `outbox` table.

Keys: PartitionKey = recipient (`tenant|object id`), RowKey = `msg|<message id>` for messages and
`slot|<card key>` for where a card was posted. A person's pending messages are one partition query;
the background sender's "what is due" is a filtered scan, small because sent rows are purged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.errors import RecordExists
from bot.domain.outbox import LEASE, CardSlot, DeliveryState, OutboundMessage
from bot.domain.people import Person
from bot.storage.tables import TableStore, entity_etag, entity_text, entity_time, safe_key

TABLE = "outbox"


def _partition(person: Person) -> str:
    return safe_key(person.key)


def _to_entity(message: OutboundMessage) -> dict[str, Any]:
    return {
        "PartitionKey": _partition(message.recipient),
        "RowKey": safe_key("msg|" + message.message_id),
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
    }


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
    )


class TableOutbox:
    """`Outbox` on Azure Tables, with etag leases so several instances never send one message twice."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)

    async def enqueue(self, messages: Sequence[OutboundMessage]) -> None:
        """Store each message as pending; one already stored is left alone."""
        for message in messages:
            try:
                async with self._store.call():
                    await self._table.create_entity(_to_entity(message))
            except RecordExists:
                continue

    async def list_for_recipient(self, recipient: Person) -> list[OutboundMessage]:
        """Unsent messages for one person, oldest first."""
        query = "PartitionKey eq @pk and RowKey ge 'msg|' and RowKey lt 'msg}' and State ne 'sent'"
        rows: list[OutboundMessage] = []
        async with self._store.call():
            async for entity in self._table.query_entities(query, parameters={"pk": _partition(recipient)}):
                rows.append(_from_entity(entity))
        return sorted(rows, key=lambda m: (m.created_at is None, m.created_at))

    async def list_due(self, now: datetime, *, limit: int = 100) -> list[OutboundMessage]:
        """Unsent messages for anyone whose next attempt time has come."""
        query = "RowKey ge 'msg|' and RowKey lt 'msg}' and State ne 'sent'"
        rows: list[OutboundMessage] = []
        async with self._store.call():
            async for entity in self._table.query_entities(query):
                message = _from_entity(entity)
                if message.is_due(now):
                    rows.append(message)
                if len(rows) >= limit:
                    break
        return rows

    async def claim(self, message: OutboundMessage, now: datetime, *, lease: timedelta = LEASE) -> OutboundMessage:
        """Lease the message (etag-conditional); `ConcurrentChange` when someone else has it."""
        claimed = message.claimed(now, lease)
        async with self._store.call():
            result = await self._table.update_entity(
                _to_entity(claimed), mode=UpdateMode.REPLACE, etag=message.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        etag = result.get("etag", "") if isinstance(result, dict) else ""
        return replace(claimed, etag=etag)

    async def mark_sent(self, message: OutboundMessage) -> None:
        """Record that Teams accepted the message."""
        sent = _to_entity(message)
        sent["State"] = DeliveryState.SENT.value
        async with self._store.call():
            await self._table.update_entity(sent, mode=UpdateMode.REPLACE, etag=message.etag,
                                            match_condition=MatchConditions.IfNotModified)

    async def release(self, message: OutboundMessage) -> None:
        """Store the message back as pending with its new attempt time."""
        async with self._store.call():
            await self._table.update_entity(_to_entity(message), mode=UpdateMode.REPLACE, etag=message.etag,
                                            match_condition=MatchConditions.IfNotModified)

    async def get_slot(self, recipient: Person, card_key: str) -> CardSlot:
        """Where the keyed card was posted; `RecordNotFound` if never."""
        async with self._store.call():
            entity = await self._table.get_entity(_partition(recipient), safe_key("slot|" + card_key))
        return CardSlot(recipient=recipient, card_key=card_key, activity_id=entity_text(entity, "ActivityId"),
                        conversation_id=entity_text(entity, "ConversationId"))

    async def save_slot(self, slot: CardSlot) -> None:
        """Remember where a keyed card was posted."""
        entity = {
            "PartitionKey": _partition(slot.recipient),
            "RowKey": safe_key("slot|" + slot.card_key),
            "ActivityId": slot.activity_id,
            "ConversationId": slot.conversation_id,
        }
        async with self._store.call():
            await self._table.upsert_entity(entity, mode=UpdateMode.REPLACE)
