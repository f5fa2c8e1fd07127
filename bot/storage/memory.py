"""Every storage port in memory, keeping the Table adapters' promises: for flow tests that take milliseconds.

The storage contract tests (tests/storage) run against these and the Table adapters alike. What they keep: a write
that decides something is conditional on the etag its record was read with (of two writers from the same read,
exactly one wins; the other gets `ConcurrentChange`); creating what exists raises `RecordExists`, or is left alone
where the Table adapter leaves it; reading what is not there raises `RecordNotFound`; deleting what is gone is
fine; lists come in the Table adapters' order; a transaction's writes happen all or not at all; retention deletes a
report with its messages. Each call first lets other tasks run, as a storage round trip does, so turns at once
interleave here as they do against storage.

What they do not do: outlive the process, or fail as storage can (`StorageUnavailable`). Records are copied in and
out (cards and policy files through JSON, as a table keeps them), so nobody holds a reference into the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.domain.concerns import CardReplacer, ConcernReport, ReportState, no_cards
from bot.domain.concerns import listing_order as report_order
from bot.domain.directory import StaffMember, line_manager_in, member_for
from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.limits import Limit, counted, counted_already, day_is_over, given_back
from bot.domain.outbox import LEASE, CardSlot, DeliveryState, Listing, OutboundMessage, Owed
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.permission_requests import AuditEntry, PermissionRequest, RequestState, listing_order
from bot.domain.policy_reads import AlreadyConfirmed, AskedStaff, Confirmation, Withheld
from bot.domain.policy_versions import CurrentPointer, Draft, PolicyTooLarge, PolicyVersion, version_key
from bot.domain.profiles import UserProfile
from bot.domain.questions import QuestionRecord
from bot.storage.concerns import PURGE_LEASE, people_of
from bot.storage.outbox import DueScan
from bot.storage.permission_requests import AUDIT_DETAIL_CHARS
from bot.storage.policy_versions import (
    DRAFT_WARNINGS_CHARS,
    PUBLISH_EXTRA_ROWS,
    TRANSACTION_ROWS,
    as_stored,
    pack_policy,
    unpack_policy,
)
from bot.storage.tables import NAME_CHARS


@dataclass(frozen=True)
class ReportAudit:
    """One change to a concern report: the action, who, when; never the report's text."""

    action: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class RetentionTrace:
    """What retention deleted, and when: the reference and dates only."""

    reference: str
    submitted_at: datetime
    closed_at: datetime | None
    deleted_at: datetime


@dataclass(frozen=True)
class ReplacedCards:
    """What retention kept of a deleted report to replace its cards: (recipient key, card key, message id) of each."""

    deleted_at: datetime
    cards: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class PolicyHistory:
    """Published, made current (who, when); never changed."""

    action: str
    version: str
    by: str
    at: datetime


@dataclass(frozen=True)
class StoredVersion:
    """A version's record and its policy file, packed as a table keeps it."""

    record: PolicyVersion
    chunks: tuple[bytes, ...]


@dataclass(frozen=True)
class StoredDraft:
    """A draft's record and its policy file, packed as a table keeps it."""

    sent_by_id: str
    sent_at: datetime
    warnings: str
    chunks: tuple[bytes, ...]


@dataclass(frozen=True)
class UseWindow:
    """One person's uses of one limit: when their window started, how many it has seen, and what the last was for."""

    start: datetime
    count: int
    use: str = ""


class _Tagged(Protocol):
    @property
    def etag(self) -> str: ...


@dataclass(eq=False)
class MemoryStore:
    """Everything the memory ports keep, shared by every port built on it, as one storage account's tables are shared
    by the Table adapters of every instance of the bot. Keys are tuples where a table has a PartitionKey and RowKey."""

    profiles: dict[tuple[str, str], UserProfile] = field(default_factory=dict)
    # (recipient key, message id): queued messages; the ids of those sent; (recipient key, card key): card slots.
    messages: dict[tuple[str, str], OutboundMessage] = field(default_factory=dict)
    sent: set[tuple[str, str]] = field(default_factory=set)
    slots: dict[tuple[str, str], CardSlot] = field(default_factory=dict)
    requests: dict[str, PermissionRequest] = field(default_factory=dict)
    request_audit: dict[str, list[AuditEntry]] = field(default_factory=dict)
    owed_notifications: set[tuple[str, RequestState]] = field(default_factory=set)
    reports: dict[str, ConcernReport] = field(default_factory=dict)
    report_audit: dict[str, list[ReportAudit]] = field(default_factory=dict)
    # (tenant, reporter id, form token) -> reference; reference -> when a retention run claimed it.
    report_forms: dict[tuple[str, str, str], str] = field(default_factory=dict)
    purge_claims: dict[str, datetime] = field(default_factory=dict)
    # (closure or submission time, reference): one trace per report, however often it is written.
    retention_log: dict[tuple[str, str], RetentionTrace] = field(default_factory=dict)
    # reference of a deleted report -> what is kept to replace its cards, until forgotten
    replaced_cards: dict[str, ReplacedCards] = field(default_factory=dict)
    staff: dict[str, StaffMember] = field(default_factory=dict)
    use_windows: dict[tuple[str, str], UseWindow] = field(default_factory=dict)
    questions: dict[str, QuestionRecord] = field(default_factory=dict)
    pointer: CurrentPointer | None = None
    # Keyed by `version_key`, so they sort in version order.
    versions: dict[str, StoredVersion] = field(default_factory=dict)
    owed_campaigns: dict[str, str] = field(default_factory=dict)
    policy_history: list[PolicyHistory] = field(default_factory=list)
    drafts: dict[str, StoredDraft] = field(default_factory=dict)
    # (version key, email) and (version key, tenant, object id).
    asked: dict[tuple[str, str], AskedStaff] = field(default_factory=dict)
    confirmations: dict[tuple[str, str, str], Confirmation] = field(default_factory=dict)
    withheld: dict[tuple[str, str, str, int], Withheld] = field(default_factory=dict)
    _etags: itertools.count[int] = field(default_factory=lambda: itertools.count(1), init=False, repr=False)

    def etag(self) -> str:
        """A new etag: each write gives its record one no other write gave."""
        return f'W/"{next(self._etags)}"'

    async def call(self) -> None:
        """One storage round trip: other tasks run meanwhile, as they do while a real call is on the wire."""
        await asyncio.sleep(0)


def _unchanged(stored: _Tagged | None, etag: str, what: str) -> None:
    """A conditional write's check: `RecordNotFound` when the record is gone, `ConcurrentChange` when it changed."""
    if stored is None:
        raise RecordNotFound(f"{what}: not found")
    if stored.etag != etag:
        raise ConcurrentChange(f"{what}: changed since it was read")


def _json_copy(value: Mapping[str, Any]) -> dict[str, Any]:
    """What a table gives back of a mapping it keeps as JSON: a fresh copy (lists where tuples were)."""
    copied: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False))
    return copied


def _cards_copied(message: OutboundMessage) -> OutboundMessage:
    """The message with fresh copies of its cards, as a table gives them back."""
    return replace(message, card=_json_copy(message.card),
                   card_cy=_json_copy(message.card_cy) if message.card_cy is not None else None)


class MemoryUserProfiles:
    """`UserProfiles` in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def get_profile(self, person: Person) -> UserProfile:
        """The stored profile; `RecordNotFound` when there is none."""
        await self._store.call()
        kept = self._store.profiles.get((person.tenant_id, person.aad_object_id))
        if kept is None:
            raise RecordNotFound("no profile")
        return replace(kept, person=replace(person, name=kept.person.name or person.name))

    async def recent_profile(self, person: Person) -> UserProfile:
        """As `get_profile`: one store, nothing to miss."""
        return await self.get_profile(person)

    async def save_profile(self, profile: UserProfile) -> None:
        """Create or replace the profile."""
        await self._store.call()
        self._keep(profile)

    async def save_contact(self, profile: UserProfile) -> None:
        """Create the profile, or write where to reach them, keeping the language they chose and when they last
        asked what waited for them."""
        await self._store.call()
        kept = self._store.profiles.get((profile.person.tenant_id, profile.person.aad_object_id))
        self._keep(replace(profile, language=kept.language if kept else None,
                           caught_up_at=kept.caught_up_at if kept else None,
                           welcome_held_until=kept.welcome_held_until if kept else None,
                           time_zone=profile.time_zone or (kept.time_zone if kept else "")))

    async def save_language(self, person: Person, language: Lang) -> None:
        """Record the language they chose, keeping the rest (created if missing)."""
        await self._store.call()
        kept = self._store.profiles.get((person.tenant_id, person.aad_object_id))
        self._keep(replace(kept, language=language) if kept else UserProfile(person=replace(person, name=""),
                                                                             language=language))

    async def save_caught_up(self, person: Person, at: datetime) -> None:
        """Record when they last asked what waited for them, keeping the rest (created if missing)."""
        await self._store.call()
        kept = self._store.profiles.get((person.tenant_id, person.aad_object_id))
        self._keep(replace(kept, caught_up_at=at) if kept else UserProfile(person=replace(person, name=""),
                                                                           caught_up_at=at))

    async def save_welcome_held(self, person: Person, until: datetime) -> None:
        """Record until when a welcome is held for them, keeping the rest (created if missing)."""
        await self._store.call()
        kept = self._store.profiles.get((person.tenant_id, person.aad_object_id))
        self._keep(replace(kept, welcome_held_until=until) if kept else UserProfile(
            person=replace(person, name=""), welcome_held_until=until))

    def _keep(self, profile: UserProfile) -> None:
        person = profile.person
        self._store.profiles[(person.tenant_id, person.aad_object_id)] = replace(
            profile, person=replace(person, name=person.name[:NAME_CHARS]), etag=self._store.etag())


class MemoryOutbox:
    """`Outbox` in memory: a message leaves the queue when sent, and its id is remembered so it is never sent twice."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    @staticmethod
    def _key(message: OutboundMessage) -> tuple[str, str]:
        return message.recipient.key, message.message_id

    def _keep(self, message: OutboundMessage) -> OutboundMessage:
        kept = _cards_copied(replace(message, etag=self._store.etag()))
        self._store.messages[self._key(message)] = kept
        return _cards_copied(kept)

    def _queued(self) -> list[OutboundMessage]:
        """Every queued message in table order: by recipient, then by id."""
        return [_cards_copied(m) for _, m in sorted(self._store.messages.items(), key=lambda item: item[0])]

    async def enqueue(self, messages: Sequence[OutboundMessage]) -> list[OutboundMessage]:
        """Store each message as pending; one already stored is left alone. Returns those stored, with etags."""
        stored = []
        for message in messages:
            await self._store.call()
            if self._key(message) not in self._store.messages:
                stored.append(self._keep(message))
        return stored

    async def list_for_recipient(self, recipient: Person) -> list[OutboundMessage]:
        """Unsent messages for one person, oldest first."""
        await self._store.call()
        rows = [m for m in self._queued() if m.recipient.key == recipient.key and m.state is not DeliveryState.SENT]
        return sorted(rows, key=lambda m: (m.created_at is None, m.created_at))

    async def owed_to(self, recipient: Person) -> Owed:
        """Unsent messages for one person, oldest first, less copies of messages sent already (dropped), and the
        slots of their card keys."""
        return await self.owed_among(recipient, await self.list_for_recipient(recipient))

    async def listed_with(self, recipient: Person, fresh: Sequence[OutboundMessage]) -> Listing:
        """The person's queue; nothing more is read with it here (`owed_among` reads it all after)."""
        return Listing(await self.list_for_recipient(recipient))

    async def owed_among(self, recipient: Person, listed: Sequence[OutboundMessage], *,
                         known: Listing | None = None) -> Owed:
        """`owed_to` for messages just listed (all of it read here, whatever `known` holds)."""
        await self._store.call()
        messages = []
        for message in listed:
            if self._key(message) in self._store.sent:
                stored = self._store.messages.get(self._key(message))
                if stored is not None and stored.etag == message.etag:
                    del self._store.messages[self._key(message)]
            else:
                messages.append(message)
        await self._store.call()
        slots = {m.card_key: replace(self._store.slots[(recipient.key, m.card_key)], recipient=recipient)
                 for m in messages if m.may_replace_a_card and (recipient.key, m.card_key) in self._store.slots}
        return Owed(messages, slots)

    async def list_due(self, now: datetime, *, limit: int = 100) -> list[OutboundMessage]:
        """Unsent messages for anyone whose next attempt time has come (sent ones met on the way are moved)."""
        await self._store.call()
        scan = DueScan(now, limit)
        for message in self._queued():
            if scan.meets(message):
                break
        for message in scan.sent:
            with contextlib.suppress(ConcurrentChange):
                await self._move_sent(message)
        return scan.due

    async def claim(self, message: OutboundMessage, now: datetime, *, lease: timedelta = LEASE,
                    checked: bool = False) -> OutboundMessage:
        """Lease the message (etag-conditional); `ConcurrentChange` when someone else has it, `RecordNotFound` when
        it is gone or was sent already (then a copy queued again is dropped; `checked`: `owed_to` looked)."""
        await self._store.call()
        key = self._key(message)
        if not checked and key in self._store.sent:
            stored = self._store.messages.get(key)
            if stored is not None and stored.etag == message.etag:
                del self._store.messages[key]
            raise RecordNotFound(f"message {message.message_id} was sent already")
        _unchanged(self._store.messages.get(key), message.etag, f"message {message.message_id}")
        return self._keep(message.claimed(now, lease))

    async def mark_sent(self, message: OutboundMessage, *, slot: CardSlot | None = None) -> None:
        """Remember the card's slot and the id as sent, then take the message out of the queue (`ConcurrentChange` if
        the lease ran out and another sender took it over; the id and the slot are kept anyway)."""
        if slot is not None:
            self._store.slots[(slot.recipient.key, slot.card_key)] = slot
        await self._move_sent(message)

    async def _move_sent(self, message: OutboundMessage) -> None:
        await self._store.call()
        key = self._key(message)
        self._store.sent.add(key)
        stored = self._store.messages.get(key)
        if stored is None:
            return
        _unchanged(stored, message.etag, f"message {message.message_id}")
        del self._store.messages[key]

    async def release(self, message: OutboundMessage) -> OutboundMessage:
        """Store the message back (etag-conditional) with its new state and attempt time; returned as stored."""
        await self._store.call()
        _unchanged(self._store.messages.get(self._key(message)), message.etag, f"message {message.message_id}")
        return self._keep(message)

    async def discard(self, message: OutboundMessage) -> None:
        """Take the message out of the queue as it was claimed (etag-conditional), with no sent mark."""
        await self._store.call()
        key = self._key(message)
        stored = self._store.messages.get(key)
        if stored is None:
            return
        _unchanged(stored, message.etag, f"message {message.message_id}")
        del self._store.messages[key]

    async def get_slot(self, recipient: Person, card_key: str) -> CardSlot:
        """Where the keyed card was posted; `RecordNotFound` if never."""
        await self._store.call()
        slot = self._store.slots.get((recipient.key, card_key))
        if slot is None:
            raise RecordNotFound("no slot")
        return replace(slot, recipient=recipient)

    async def save_slot(self, slot: CardSlot) -> None:
        """Remember where a keyed card was posted."""
        await self._store.call()
        self._store.slots[(slot.recipient.key, slot.card_key)] = slot

    async def recall(self, card_key: str, *, keep: Iterable[Person]) -> int:
        """Delete the unsent messages with this card key, but those to `keep` (one a sender holds stays)."""
        await self._store.call()
        kept = {person.key for person in keep}
        taken = [key for key, m in self._store.messages.items() if m.card_key == card_key
                 and m.state is DeliveryState.PENDING and m.recipient.key not in kept]
        for key in taken:
            del self._store.messages[key]
        return len(taken)

    async def take_back(self, messages: Sequence[OutboundMessage]) -> bool:
        """Delete these messages where they still wait for a sender; False when one is with a sender or was sent."""
        gone = True
        for message in messages:
            await self._store.call()
            key = self._key(message)
            stored = self._store.messages.get(key)
            if stored is None:
                gone = gone and key not in self._store.sent
            elif stored.state is DeliveryState.PENDING:
                del self._store.messages[key]
            else:
                gone = False
        return gone


class MemoryPermissionRequests:
    """`PermissionRequests` in memory: a decision, its audit entry and the notifications it owes go together."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def _append(self, audit: AuditEntry) -> None:
        entry = replace(audit, detail=audit.detail[:AUDIT_DETAIL_CHARS])
        self._store.request_audit.setdefault(audit.request_id, []).append(entry)

    def _in_order(self) -> list[PermissionRequest]:
        return [r for _, r in sorted(self._store.requests.items(), key=lambda item: item[0])]

    async def create(self, request: PermissionRequest, audit: AuditEntry) -> None:
        """Store the request, its audit entry and its owed notifications; `RecordExists` (and nothing stored) when
        the id is taken."""
        await self._store.call()
        if request.request_id in self._store.requests:
            raise RecordExists(f"request {request.request_id} exists")
        self._store.requests[request.request_id] = replace(request, etag=self._store.etag())
        self._append(audit)
        self._store.owed_notifications.add((request.request_id, request.state))

    async def get(self, request_id: str) -> PermissionRequest:
        """The request; `RecordNotFound` when there is none."""
        await self._store.call()
        request = self._store.requests.get(request_id)
        if request is None:
            raise RecordNotFound(f"request {request_id}: not found")
        return request

    async def save(self, request: PermissionRequest, audit: AuditEntry) -> PermissionRequest:
        """Replace the record if unchanged since read (etag), with its audit entry and owed notifications, all or
        nothing."""
        await self._store.call()
        _unchanged(self._store.requests.get(request.request_id), request.etag, f"request {request.request_id}")
        saved = replace(request, etag=self._store.etag())
        self._store.requests[request.request_id] = saved
        self._append(audit)
        self._store.owed_notifications.add((request.request_id, request.state))
        return saved

    async def reindex(self, request: PermissionRequest) -> None:
        """Nothing to write: the lists here are read from the records themselves."""

    async def owed(self) -> list[tuple[str, RequestState]]:
        """Every (request id, state) whose notifications are still owed."""
        await self._store.call()
        return sorted(self._store.owed_notifications, key=lambda owed: (owed[0], owed[1].value))

    async def queued(self, request_id: str, state: RequestState, *, audit: AuditEntry | None = None) -> None:
        """No longer owed (nothing happens when it was not), with `audit` appended in the same step."""
        await self._store.call()
        self._store.owed_notifications.discard((request_id, state))
        if audit is not None:
            self._append(audit)

    async def list_audit(self, request_id: str) -> list[AuditEntry]:
        """The request's trail, oldest first (a table sorts it by the time's text)."""
        await self._store.call()
        return sorted(self._store.request_audit.get(request_id, []), key=lambda a: a.at.isoformat())

    async def list_by_requester(self, person: Person) -> list[PermissionRequest]:
        """A person's requests, newest first."""
        await self._store.call()
        mine = [r for r in self._in_order() if r.requester.key == person.key]
        return sorted(mine, key=listing_order, reverse=True)

    async def list_pending(self, school_ids: Sequence[str]) -> list[PermissionRequest]:
        """Requests still waiting at these schools, oldest first."""
        await self._store.call()
        rows = [r for school_id in dict.fromkeys(school_ids) for r in self._in_order()
                if r.state is RequestState.PENDING and r.school_id == school_id]
        return sorted(rows, key=listing_order)

    async def list_all(self) -> list[PermissionRequest]:
        """Every request, oldest first."""
        await self._store.call()
        return sorted(self._in_order(), key=listing_order)

    async def rebuild_index(self) -> int:
        """Nothing to mend: the lists here are read from the records themselves."""
        await self._store.call()
        return 0


class MemoryConcernReports:
    """`ConcernReports` in memory: etag-guarded changes with their audit entries; retention takes the report's
    messages with it and leaves a trace."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def _audit(self, reference: str, action: str, actor: str, at: datetime) -> None:
        self._store.report_audit.setdefault(reference, []).append(ReportAudit(action, actor, at))

    def _in_order(self) -> list[ConcernReport]:
        return [r for _, r in sorted(self._store.reports.items(), key=lambda item: item[0])]

    async def claim_form(self, reporter: Person, form: str, reference: str) -> str:
        """The reference this reporter's form token stands for: `reference` when the token is new."""
        await self._store.call()
        return self._store.report_forms.setdefault((reporter.tenant_id, reporter.aad_object_id, form), reference)

    async def create(self, report: ConcernReport) -> None:
        """Store the report and its 'submitted' audit entry; `RecordExists` when the reference is taken."""
        await self._store.call()
        if report.reference in self._store.reports:
            raise RecordExists(f"report {report.reference} exists")
        self._store.reports[report.reference] = replace(report, etag=self._store.etag())
        self._audit(report.reference, "submitted", report.reporter.aad_object_id, report.submitted_at)

    async def get(self, reference: str) -> ConcernReport:
        """The report; `RecordNotFound` when there is none, or retention has claimed it (it is being deleted)."""
        await self._store.call()
        report = self._store.reports.get(reference)
        if report is None or reference in self._store.purge_claims:
            raise RecordNotFound(f"report {reference}: not found")
        return report

    async def save(self, report: ConcernReport, action: str, actor: str, *, at: datetime) -> ConcernReport:
        """Replace if unchanged since read (etag), with its audit entry at `at`, all or nothing."""
        await self._store.call()
        _unchanged(self._store.reports.get(report.reference), report.etag, f"report {report.reference}")
        saved = replace(report, etag=self._store.etag())
        self._store.reports[report.reference] = saved
        self._store.purge_claims.pop(report.reference, None)  # the whole record is replaced, a claim with it
        self._audit(report.reference, action, actor, at)
        return saved

    async def list_open(self) -> list[ConcernReport]:
        """Reports not closed, by reference."""
        await self._store.call()
        return [r for r in self._in_order() if r.state is not ReportState.CLOSED]

    async def list_owed(self) -> list[ConcernReport]:
        """Reports saved with messages still owed, by reference."""
        await self._store.call()
        return [r for r in self._in_order() if r.owed]

    async def queued(self, report: ConcernReport) -> ConcernReport:
        """Clear `owed` if unchanged since read (etag); `ConcurrentChange` otherwise."""
        await self._store.call()
        _unchanged(self._store.reports.get(report.reference), report.etag, f"report {report.reference}")
        cleared = replace(report, owed="", etag=self._store.etag())
        self._store.reports[report.reference] = cleared
        return cleared

    async def list_all(self) -> list[ConcernReport]:
        """Every report, by reference."""
        await self._store.call()
        return self._in_order()

    async def list_by_reporter(self, reporter: Person) -> list[ConcernReport]:
        """The reports this person sent, newest first."""
        await self._store.call()
        rows = [r for r in self._in_order() if r.reporter.key == reporter.key]
        return sorted(rows, key=report_order, reverse=True)

    async def list_posted_cards(self, report: ConcernReport) -> list[CardSlot]:
        """Where the report's keyed cards were posted (their slots, by the reference)."""
        await self._store.call()
        people, prefix = people_of(report), f"{report.reference}|"
        return [replace(slot, recipient=people[recipient]) for (recipient, card_key), slot in self._store.slots.items()
                if recipient in people and card_key.startswith(prefix)]

    async def delete(self, report: ConcernReport, *, at: datetime, replacing: CardReplacer = no_cards) -> None:
        """Claim the record as it was read, have `replacing` queue what replaces its cards, record the deletion
        (reference and dates only), then delete the report's messages, form token and record, all but the replacing
        messages and the slots of the cards they replace.

        Of several runs at once, the first to claim the record deletes it; the others get `ConcurrentChange` while
        its claim lasts (or `RecordNotFound` once it is gone); so does a run whose report was changed since it read it.
        """
        report = await self._claim(report, at)
        replaced = await replacing(report)
        await self._store.call()
        closure = report.closure or report.submitted_at
        self._store.retention_log[(closure.isoformat(), report.reference)] = RetentionTrace(
            report.reference, report.submitted_at, report.closure, at)
        if replaced:
            self._store.replaced_cards[report.reference] = ReplacedCards(at, tuple(
                (m.recipient.key, m.card_key, m.message_id) for m in replaced))
        if report.form:
            self._store.report_forms.pop((report.reporter.tenant_id, report.reporter.aad_object_id, report.form), None)
        recipients = set(people_of(report))
        kept_messages = {(m.recipient.key, m.message_id) for m in replaced}
        kept_slots = {(m.recipient.key, m.card_key) for m in replaced}
        prefix = f"{report.reference}|"

        def going(key: tuple[str, str], kept: set[tuple[str, str]]) -> bool:
            return key[0] in recipients and key[1].startswith(prefix) and key not in kept

        for key in [k for k in self._store.messages if going(k, kept_messages)]:
            del self._store.messages[key]
        for key in [k for k in self._store.slots if going(k, kept_slots)]:
            del self._store.slots[key]
        self._store.sent -= {k for k in self._store.sent if going(k, kept_messages)}
        self._store.report_audit.pop(report.reference, None)
        self._store.purge_claims.pop(report.reference, None)
        del self._store.reports[report.reference]

    async def forget_replaced_cards(self, *, deleted_before: datetime) -> list[str]:
        """Remove the replacing messages, slots and sent marks kept for reports deleted before then; the references of
        those with a replacing message still unsent (given up)."""
        await self._store.call()
        given_up: list[str] = []
        for reference, kept in sorted(self._store.replaced_cards.items()):
            if kept.deleted_at >= deleted_before:
                continue
            unsent = False
            for recipient, card_key, message_id in kept.cards:
                unsent = self._store.messages.pop((recipient, message_id), None) is not None or unsent
                self._store.slots.pop((recipient, card_key), None)
                self._store.sent.discard((recipient, message_id))
            del self._store.replaced_cards[reference]
            if unsent:
                given_up.append(reference)
        return given_up

    async def _claim(self, report: ConcernReport, at: datetime) -> ConcernReport:
        """The report marked as being deleted, if it is as `report` was read."""
        await self._store.call()
        reference = report.reference
        stored = self._store.reports.get(reference)
        if stored is None:
            raise RecordNotFound(f"report {reference}: not found")
        claimed = self._store.purge_claims.get(reference)
        if claimed is not None and timedelta(0) <= at - claimed < PURGE_LEASE:
            raise ConcurrentChange(f"report {reference} is being deleted by another instance")
        _unchanged(stored, report.etag, f"report {reference}")
        self._store.purge_claims[reference] = at
        self._store.reports[reference] = replace(stored, etag=self._store.etag())  # a claim is a write
        return self._store.reports[reference]


class MemoryStaffDirectory:
    """`StaffDirectory` in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def _all(self) -> list[StaffMember]:
        await self._store.call()
        return [m for _, m in sorted(self._store.staff.items(), key=lambda item: item[0])]

    async def replace_all(self, staff: Sequence[StaffMember]) -> None:
        """The new list in place of the old (a validated file only)."""
        await self._store.call()
        self._store.staff = {m.email: m for m in staff}

    async def list_members(self) -> list[StaffMember]:
        """Everyone on the list, by email."""
        return await self._all()

    async def get_member(self, person: Person) -> StaffMember | None:
        """The person's row, matched by Entra object id."""
        return member_for(await self._all(), person)

    async def line_manager_of(self, person: Person) -> StaffContact | None:
        """The line manager on the staff list, if they and their manager are on it with object ids."""
        return line_manager_in(await self._all(), person)


class MemoryRateLimiter:
    """`RateLimiter` in memory, shared by every flow built on the same store."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def take(self, limit: Limit, who: str, now: datetime, *, use: str = "") -> None:
        """Count one use, or raise `RateLimited` (counting nothing) when the window's uses are spent; `use` counted
        last is not counted again."""
        await self._store.call()
        window = self._store.use_windows.get((limit.name, who))
        if window is not None and counted_already(limit, window.start, window.use, use, now):
            return
        start, count = counted(limit, window.start if window else None, window.count if window else 0, now)
        self._store.use_windows[(limit.name, who)] = UseWindow(start, count, use)

    async def give_back(self, limit: Limit, who: str, now: datetime) -> None:
        """Uncount the use taken at `now`, if its window still runs."""
        await self._store.call()
        window = self._store.use_windows.get((limit.name, who))
        count = given_back(limit, window.start, window.count, now) if window else None
        if window is not None and count is not None:
            self._store.use_windows[(limit.name, who)] = UseWindow(window.start, count)  # and the last use forgotten

    async def forget_ended_days(self, now: datetime) -> None:
        """Delete the windows, of every limit, whose day is over."""
        await self._store.call()
        for key, window in list(self._store.use_windows.items()):
            if day_is_over(window.start, now):
                del self._store.use_windows[key]


class MemoryQuestionLog:
    """`QuestionLog` in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def add(self, record: QuestionRecord) -> None:
        """Record a new question; `RecordExists` when the id is taken."""
        await self._store.call()
        if record.question_id in self._store.questions:
            raise RecordExists(f"question {record.question_id} exists")
        self._store.questions[record.question_id] = replace(record, etag=self._store.etag())

    async def get(self, question_id: str) -> QuestionRecord:
        """The record; `RecordNotFound` when there is none."""
        await self._store.call()
        record = self._store.questions.get(question_id)
        if record is None:
            raise RecordNotFound(f"question {question_id}: not found")
        return record

    async def update(self, record: QuestionRecord) -> QuestionRecord:
        """Replace the record if nobody changed it since it was read."""
        await self._store.call()
        _unchanged(self._store.questions.get(record.question_id), record.etag, f"question {record.question_id}")
        saved = replace(record, etag=self._store.etag())
        self._store.questions[record.question_id] = saved
        return saved

    async def list_for_review(self, *, limit: int | None = None) -> list[QuestionRecord]:
        """Unanswered or unhelpful, newest first (ids sort that way): all, or the newest `limit`."""
        await self._store.call()
        rows = [r for _, r in sorted(self._store.questions.items(), key=lambda item: item[0]) if r.needs_review]
        return rows[:limit]

    async def list_asked_until(self, moment: datetime) -> list[QuestionRecord]:
        """Questions asked at or before `moment` (for retention), newest first, as the table lists them."""
        await self._store.call()
        return [r for _, r in sorted(self._store.questions.items()) if r.asked_at <= moment]

    async def list_from_message(self, asker: Person, message_id: str) -> list[QuestionRecord]:
        """The questions this person asked in this Teams message (none for an empty id)."""
        await self._store.call()
        return [r for _, r in sorted(self._store.questions.items()) if r.from_message(asker, message_id)]

    async def list_asked_in(self, asker: Person, conversation_id: str, *, since: datetime) -> list[QuestionRecord]:
        """The questions this person asked in this conversation at or after `since`, newest first."""
        await self._store.call()
        return [r for _, r in sorted(self._store.questions.items()) if conversation_id
                and r.asker.key == asker.key and r.conversation_id == conversation_id and r.asked_at >= since]

    async def delete(self, record: QuestionRecord, *, messages_to: Sequence[Person] = ()) -> None:
        """Delete the question's messages to these people, then the record if unchanged since read (a record
        already gone is no error)."""
        await self._store.call()
        recipients = {person.key for person in messages_to}
        prefix = f"{record.question_id}|"
        for key in [k for k in self._store.messages if k[0] in recipients and k[1].startswith(prefix)]:
            del self._store.messages[key]
        for key in [k for k in self._store.slots if k[0] in recipients and k[1].startswith(prefix)]:
            del self._store.slots[key]
        self._store.sent -= {k for k in self._store.sent if k[0] in recipients and k[1].startswith(prefix)}
        stored = self._store.questions.get(record.question_id)
        if stored is None:
            return
        _unchanged(stored, record.etag, f"question {record.question_id}")
        del self._store.questions[record.question_id]


class MemoryPolicyReads:
    """`PolicyReads` in memory: one campaign per version key, so "2" and "2.0" are one version, as in a table."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def list_asked(self, version: str) -> list[AskedStaff]:
        """Everyone the campaign reached, by email."""
        await self._store.call()
        key = version_key(version)
        return [a for (v, _), a in sorted(self._store.asked.items(), key=lambda item: item[0]) if v == key]

    async def add_asked(self, version: str, asked: AskedStaff) -> None:
        """Record one person as asked; already recorded is left alone (their first time stands)."""
        await self._store.call()
        key = (version_key(version), asked.email)
        first = self._store.asked.get(key)
        if first is not None and first.object_id and asked.object_id.lower() not in ("", first.object_id.lower()):
            # A leaver's address given to a new starter: another person, on a row of their own.
            row = f"{asked.email}|{asked.object_id.lower()}"
            key, first = (key[0], row), self._store.asked.get((key[0], row))
            asked = replace(asked, row=row)
        if first is None or (asked.object_id and not first.object_id):
            self._store.asked[key] = replace(asked, name=asked.name[:NAME_CHARS], etag=self._store.etag())

    async def mark_reminded(self, version: str, asked: AskedStaff, at: datetime) -> None:
        """Note the reminder, only if nobody changed the row since it was read."""
        await self._store.call()
        key = (version_key(version), asked.row or asked.email)
        _unchanged(self._store.asked.get(key), asked.etag, f"asked {asked.email}")
        self._store.asked[key] = replace(asked, name=asked.name[:NAME_CHARS], reminded_at=at,
                                         reminders=asked.reminders + 1, reminder_times=(*asked.each_reminder(), at),
                                         etag=self._store.etag())

    async def confirm(self, version: str, person: Person, at: datetime) -> Confirmation:
        """Keep the confirmation; `AlreadyConfirmed` with the first one when it exists."""
        await self._store.call()
        key = (version_key(version), person.tenant_id, person.aad_object_id)
        first = self._store.confirmations.get(key)
        if first is not None:
            raise AlreadyConfirmed(first)
        confirmation = Confirmation(replace(person, name=person.name[:NAME_CHARS]), at)
        self._store.confirmations[key] = confirmation
        return confirmation

    async def list_confirmed(self, version: str) -> list[Confirmation]:
        """Every confirmation, oldest first."""
        await self._store.call()
        key = version_key(version)
        rows = [c for (v, *_), c in sorted(self._store.confirmations.items(), key=lambda item: item[0]) if v == key]
        return sorted(rows, key=lambda c: c.read_at)

    async def get_confirmation(self, version: str, person: Person) -> Confirmation:
        """The confirmation, by its key; `RecordNotFound` when there is none."""
        await self._store.call()
        found = self._store.confirmations.get((version_key(version), person.tenant_id, person.aad_object_id))
        if found is None:
            raise RecordNotFound(f"no confirmation of version {version}")
        return found

    async def add_withheld(self, version: str, withheld: Withheld) -> None:
        """Keep the record of a card withheld; one there already stands, unless it was owed again since."""
        await self._store.call()
        person = withheld.person
        key = (version_key(version), person.tenant_id, person.aad_object_id, withheld.number)
        kept = self._store.withheld.get(key)
        if kept is None or kept.owed_again_at is not None:
            self._store.withheld[key] = replace(withheld, person=replace(person, name=person.name[:NAME_CHARS]),
                                                owed_again_at=None)

    async def owe_again(self, version: str, withheld: Withheld, at: datetime) -> None:
        """Mark the card withheld as owed again."""
        await self._store.call()
        person = withheld.person
        key = (version_key(version), person.tenant_id, person.aad_object_id, withheld.number)
        if (kept := self._store.withheld.get(key)) is not None:
            self._store.withheld[key] = replace(kept, owed_again_at=at)

    async def list_withheld(self, version: str) -> list[Withheld]:
        """Every card of the version withheld, oldest first."""
        await self._store.call()
        key = version_key(version)
        return sorted((w for (v, *_), w in self._store.withheld.items() if v == key), key=lambda w: w.at)


class MemoryPolicyVersions:
    """`PolicyVersions` in memory: a version, the pointer to it and its owed campaign are written together or not
    at all, and within what one table transaction holds."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def _stored(self, version: str) -> StoredVersion:
        stored = self._store.versions.get(version_key(version))
        if stored is None:
            raise RecordNotFound(f"version {version}: not found")
        return stored

    def _check_pointer(self, expected: CurrentPointer | None) -> None:
        """What moving the pointer from `expected` would raise: `RecordExists` when a first publisher finds one,
        `ConcurrentChange` when it moved meanwhile."""
        pointer = self._store.pointer
        if expected is None:
            if pointer is not None:
                raise RecordExists("the pointer exists")
        elif pointer is None:
            raise RecordNotFound("no pointer")
        elif pointer.marker != expected.marker:
            raise ConcurrentChange("the pointer moved")

    def _point_at(self, version: str, action: str, by: str, at: datetime, previous: str) -> None:
        self._store.pointer = CurrentPointer(version, self._store.etag(), previous)
        self._store.policy_history.append(PolicyHistory(action, version, by[:NAME_CHARS], at))

    async def get_pointer(self) -> CurrentPointer | None:
        """The pointer, or None when no version was ever published."""
        await self._store.call()
        return self._store.pointer

    async def get(self, version: str) -> PolicyVersion:
        """A version's record."""
        await self._store.call()
        return self._stored(version).record

    async def list_versions(self) -> list[PolicyVersion]:
        """Every version, oldest first."""
        await self._store.call()
        return [v.record for _, v in sorted(self._store.versions.items(), key=lambda item: item[0])]

    async def get_policy_data(self, version: str) -> dict[str, Any]:
        """The version's policy file content."""
        await self._store.call()
        return unpack_policy(list(self._stored(version).chunks))

    async def publish(self, record: PolicyVersion, data: Mapping[str, Any], *, expected: CurrentPointer | None,
                      earlier: tuple[PolicyVersion, Mapping[str, Any]] | None = None) -> None:
        """Record, policy file, pointer, owed campaign and history together; `earlier` (the version in force before
        the first one was published) kept beside it."""
        kept = [StoredVersion(as_stored(version), tuple(pack_policy(content)))
                for version, content in ([earlier] if earlier else []) + [(record, data)]]
        rows = sum(1 + len(version.chunks) for version in kept) + PUBLISH_EXTRA_ROWS
        if rows > TRANSACTION_ROWS:
            raise PolicyTooLarge(f"{rows} rows are more than one transaction holds")
        await self._store.call()
        for version in kept:
            if version.record.key in self._store.versions:
                raise RecordExists(f"version {version.record.version} exists")
        self._check_pointer(expected)
        for version in kept:
            self._store.versions[version.record.key] = version
        self._store.owed_campaigns[record.key] = record.version
        self._point_at(record.version, "published", record.published_by, record.published_at,
                       record.changes.previous)

    async def make_current(self, version: str, *, by: str, expected: CurrentPointer | None) -> None:
        """Point at a stored version, with the cards of the others owed taking back, and note it in the history."""
        record = await self.get(version)
        await self._store.call()
        self._check_pointer(expected)
        self._store.owed_campaigns[record.key] = record.version
        self._point_at(version, "made current", by, datetime.now(UTC), expected.version if expected else "")

    async def list_owed_campaigns(self) -> list[str]:
        """Versions whose campaign is still owed, in version order."""
        await self._store.call()
        return [version for _, version in sorted(self._store.owed_campaigns.items(), key=lambda item: item[0])]

    async def campaign_queued(self, version: str) -> None:
        """No longer owed (already gone is fine)."""
        await self._store.call()
        self._store.owed_campaigns.pop(version_key(version), None)

    async def save_draft(self, draft: Draft) -> None:
        """Keep a draft; `RecordExists` when its id is taken."""
        chunks = tuple(pack_policy(draft.data))
        await self._store.call()
        if draft.draft_id in self._store.drafts:
            raise RecordExists(f"draft {draft.draft_id} exists")
        warnings = json.dumps(list(draft.warnings), ensure_ascii=False)[:DRAFT_WARNINGS_CHARS]
        self._store.drafts[draft.draft_id] = StoredDraft(draft.sent_by_id, draft.sent_at, warnings, chunks)

    async def get_draft(self, draft_id: str) -> Draft:
        """A draft and its policy file content."""
        await self._store.call()
        stored = self._store.drafts.get(draft_id)
        if stored is None:
            raise RecordNotFound(f"draft {draft_id}: not found")
        try:
            warnings = json.loads(stored.warnings)
        except ValueError as error:
            raise RecordNotFound(f"draft {draft_id}: damaged ({error})") from error
        return Draft(draft_id, unpack_policy(list(stored.chunks)), tuple(str(w) for w in warnings), stored.sent_by_id,
                     stored.sent_at)

    async def delete_draft(self, draft_id: str) -> None:
        """Forget a draft (nothing happens when it is gone already)."""
        await self._store.call()
        self._store.drafts.pop(draft_id, None)
