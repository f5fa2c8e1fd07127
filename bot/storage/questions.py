"""The question log in the `questions` table.

Keys: PartitionKey = "log", RowKey = question id; `MessageId` (optional, absent on older rows) names the Teams message
a question came in, for when its asker deletes or edits it; `ConversationId` (likewise) the conversation it was asked
in, and `Follows` the question a follow-up went on from, so a follow-up reaching any instance finds what it follows.
Ids count down from a far-future instant, so a partition scan returns the newest first, which is the order the policy
owner reads them in, and the questions asked since a moment are one range of keys. A federation asks a few thousand
questions a year: one partition is enough and keeps "newest first" a single ordered query.

Every correction of a reply is kept on its question's row, oldest first, as JSON in `Corrections` (`Reply`, `By`,
`ById`, `At`), appended to and never rewritten; past what one property holds it runs on in `Corrections1`,
`Corrections2`, ... `ReplyLang` is the language the reply's card was sent to the asker in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from bot.domain.people import Lang, Person
from bot.domain.questions import Correction, Feedback, QuestionLog, QuestionRecord, ids_asked_since
from bot.storage.outbox import SENT_TABLE
from bot.storage.outbox import TABLE as OUTBOX_TABLE
from bot.storage.tables import TableStore, entity_etag, entity_text, entity_time, safe_key

TABLE = "questions"
PARTITION = "log"
CORRECTIONS = "Corrections"
# Characters of the corrections' JSON one property takes (a string property holds 32,000).
_CHUNK = 30_000


def _corrections_columns(corrections: Sequence[Correction]) -> dict[str, str]:
    if not corrections:
        return {}
    kept = json.dumps([{"Reply": c.reply, "By": c.by, "ById": c.by_id, "At": c.at.isoformat()} for c in corrections],
                      ensure_ascii=False)
    chunks = [kept[start:start + _CHUNK] for start in range(0, len(kept), _CHUNK)]
    return {CORRECTIONS + (str(n) if n else ""): chunk for n, chunk in enumerate(chunks)}


def corrections_json(entity: dict[str, Any]) -> list[dict[str, str]]:
    """A row's corrections as stored (`Reply`, `By`, `ById`, `At`), oldest first; none on rows without them."""
    chunks, n = [], 0
    while isinstance(chunk := entity.get(CORRECTIONS + (str(n) if n else "")), str) and chunk:
        chunks.append(chunk)
        n += 1
    kept = json.loads("".join(chunks)) if chunks else []
    return kept if isinstance(kept, list) else []


def _corrections(entity: dict[str, Any]) -> tuple[Correction, ...]:
    return tuple(Correction(str(c.get("Reply", "")), str(c.get("By", "")), str(c.get("ById", "")),
                            datetime.fromisoformat(str(c["At"]))) for c in corrections_json(entity))


def _to_entity(record: QuestionRecord) -> dict[str, Any]:
    return {
        "PartitionKey": PARTITION,
        "RowKey": safe_key(record.question_id),
        "TenantId": record.asker.tenant_id,
        "ObjectId": record.asker.aad_object_id,
        "AskerName": record.asker.name,
        "Text": record.text,
        "Lang": record.lang.value,
        "AskedAt": record.asked_at,
        "Answered": record.answered,
        "SectionId": record.section_id,
        "PassageIds": ",".join(record.passage_ids),
        "Score": float(record.score),
        "Feedback": record.feedback.value,
        "NeedsReview": record.needs_review,
        "EscalatedAt": record.escalated_at,
        "EscalatedTo": record.escalated_to,
        "EscalatedToId": record.escalated_to_id,
        "Reply": record.reply,
        "RepliedBy": record.replied_by,
        "RepliedAt": record.replied_at,
        "RepliedById": record.replied_by_id,
        "FirstReply": record.first_reply,
        "CorrectedBy": record.corrected_by,
        "CorrectedById": record.corrected_by_id,
        "CorrectedAt": record.corrected_at,
        "PolicyVersion": record.policy_version,
        "Tentative": record.tentative,
        "MessageId": record.message_id,
        "ReplyLang": record.reply_lang.value if record.reply_lang else "",
        **_corrections_columns(record.corrections),
        "ConversationId": record.conversation_id,
        "Follows": record.follows_id,
        "DeletedInTeams": record.deleted_in_teams,
    }


def _from_entity(entity: dict[str, Any]) -> QuestionRecord:
    asked_at = entity_time(entity, "AskedAt")
    if asked_at is None:
        raise ValueError("question row without AskedAt")
    passages = entity_text(entity, "PassageIds")
    return QuestionRecord(
        question_id=entity_text(entity, "RowKey"),
        asker=Person(entity_text(entity, "TenantId"), entity_text(entity, "ObjectId"),
                     entity_text(entity, "AskerName")),
        text=entity_text(entity, "Text"),
        lang=Lang(entity_text(entity, "Lang") or "en"),
        asked_at=asked_at,
        answered=bool(entity.get("Answered")),
        section_id=entity_text(entity, "SectionId"),
        passage_ids=tuple(passages.split(",")) if passages else (),
        score=float(entity.get("Score") or 0.0),
        feedback=Feedback(entity_text(entity, "Feedback")),
        escalated_at=entity_time(entity, "EscalatedAt"),
        escalated_to=entity_text(entity, "EscalatedTo"),
        escalated_to_id=entity_text(entity, "EscalatedToId"),
        reply=entity_text(entity, "Reply"),
        replied_by=entity_text(entity, "RepliedBy"),
        replied_at=entity_time(entity, "RepliedAt"),
        replied_by_id=entity_text(entity, "RepliedById"),
        first_reply=entity_text(entity, "FirstReply"),
        corrected_by=entity_text(entity, "CorrectedBy"),
        corrected_by_id=entity_text(entity, "CorrectedById"),
        corrected_at=entity_time(entity, "CorrectedAt"),
        policy_version=entity_text(entity, "PolicyVersion"),
        tentative=bool(entity.get("Tentative")),
        message_id=entity_text(entity, "MessageId"),
        corrections=_corrections(entity),
        reply_lang=Lang(lang) if (lang := entity_text(entity, "ReplyLang")) in ("en", "cy") else None,
        conversation_id=entity_text(entity, "ConversationId"),
        follows_id=entity_text(entity, "Follows"),
        deleted_in_teams=bool(entity.get("DeletedInTeams")),
        etag=entity_etag(entity),
    )


class TableQuestionLog(QuestionLog):
    """`QuestionLog` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)
        self._outbox = store.table(OUTBOX_TABLE)
        self._outbox_sent = store.table(SENT_TABLE)

    async def add(self, record: QuestionRecord) -> None:
        """Record a new question."""
        async with self._store.call():
            await self._table.create_entity(_to_entity(record))

    async def get(self, question_id: str) -> QuestionRecord:
        """The record; `RecordNotFound` when there is none."""
        async with self._store.call():
            entity = await self._table.get_entity(PARTITION, safe_key(question_id))
        return _from_entity(entity)

    async def update(self, record: QuestionRecord) -> QuestionRecord:
        """Replace the record if nobody changed it since it was read."""
        async with self._store.call():
            result = await self._table.update_entity(_to_entity(record), mode=UpdateMode.REPLACE, etag=record.etag,
                                                     match_condition=MatchConditions.IfNotModified)
        return replace(record, etag=str(result.get("etag", "")))

    async def list_for_review(self, *, limit: int | None = None) -> list[QuestionRecord]:
        """Unanswered or unhelpful, newest first (ids sort that way): all, or the newest `limit`."""
        rows: list[QuestionRecord] = []
        async with self._store.call():
            async for entity in self._table.query_entities("PartitionKey eq @pk and NeedsReview eq true",
                                                           parameters={"pk": PARTITION}):
                rows.append(_from_entity(entity))
                if limit is not None and len(rows) >= limit:
                    break
        return rows

    async def list_asked_until(self, moment: datetime) -> list[QuestionRecord]:
        """Questions asked at or before `moment` (for retention)."""
        rows: list[QuestionRecord] = []
        async with self._store.call():
            async for entity in self._table.query_entities("PartitionKey eq @pk and AskedAt le @moment",
                                                           parameters={"pk": PARTITION, "moment": moment}):
                rows.append(_from_entity(entity))
        return rows

    async def list_from_message(self, asker: Person, message_id: str) -> list[QuestionRecord]:
        """The questions this person asked in this Teams message: a filter over the one partition, run only when a
        message is deleted or edited (rows from before `MessageId` was kept have none, and never match)."""
        if not message_id:
            return []
        rows: list[QuestionRecord] = []
        async with self._store.call():
            async for entity in self._table.query_entities(
                    "PartitionKey eq @pk and MessageId eq @message and ObjectId eq @object and TenantId eq @tenant",
                    parameters={"pk": PARTITION, "message": message_id, "object": asker.aad_object_id,
                                "tenant": asker.tenant_id}):
                rows.append(_from_entity(entity))
        return rows

    async def list_asked_in(self, asker: Person, conversation_id: str, *, since: datetime) -> list[QuestionRecord]:
        """The questions this person asked in this conversation at or after `since`, newest first: the ids asked since
        then are one range of the partition (the last half hour's, for a follow-up), filtered to theirs; run only for a
        message that could be a follow-up. Rows from before `ConversationId` was kept have none, and never match."""
        if not conversation_id:
            return []
        rows: list[QuestionRecord] = []
        async with self._store.call():
            async for entity in self._table.query_entities(
                    "PartitionKey eq @pk and RowKey lt @since and ObjectId eq @object and TenantId eq @tenant "
                    "and ConversationId eq @conversation",
                    parameters={"pk": PARTITION, "since": ids_asked_since(since), "object": asker.aad_object_id,
                                "tenant": asker.tenant_id, "conversation": conversation_id}):
                rows.append(_from_entity(entity))
        return rows

    async def delete(self, record: QuestionRecord, *, messages_to: Sequence[Person] = ()) -> None:
        """Delete the question's messages to these people, then the record if unchanged since read (a record
        already gone is no error). The messages go first, so a run that stops half way is finished by the next."""
        for person in messages_to:
            partition = safe_key(person.key)
            for table, kind in ((self._outbox, "msg"), (self._outbox, "slot"), (self._outbox_sent, "msg")):
                low = safe_key(f"{kind}|{record.question_id}|")
                keys = []
                async with self._store.call():
                    async for entity in table.query_entities(
                            "PartitionKey eq @pk and RowKey ge @low and RowKey lt @high", select=["RowKey"],
                            parameters={"pk": partition, "low": low, "high": low[:-1] + "}"}):
                        keys.append(entity_text(entity, "RowKey"))
                for key in keys:
                    async with self._store.call():
                        await table.delete_entity(partition, key)
        async with self._store.call():
            await self._table.delete_entity(PARTITION, safe_key(record.question_id), etag=record.etag,
                                            match_condition=MatchConditions.IfNotModified)
