"""Every row the bot's tables hold about one person, for a subject access request (UK GDPR Article 15).

A row is theirs when they are its subject (their profile, their staff-list entry, a request, report or question they
made, their read-and-confirm, messages to them, their daily counts) or when it names them in another part: the
decider of a request or whoever ended its approval early, a holder of a concern report (line manager, headteacher,
chair of governors), the colleague a report is about or the line manager it involves, the person a question was
passed to, the person who replied to it and the person who corrected that reply, the publisher of a policy version.
People are found by Entra object id (in any case, under any tenant), by their addresses where a row keeps an email
(`About`, `asked|<email>`, the staff list) and by name only where a row keeps nothing else (a request's moderator,
who published or rolled back a version, who replied to a question before their id was kept); a report's words, and a
moderator typed another way ("Mrs Jenkins"), are searched for them as the concern flow searches a report for the
people it could go to (`may_name`: name, address, initials, nickname, login), and such a report or request is listed
as one that may name them, what may be a namesake's held back.

What is another person's data is held back, column by column (`FoundRow.withheld`), so that the export can list that a
row exists and leave the data protection officer to decide: in a concern report they did not make, who made it and
everything typed in it (and its notes, but their own); in a request or question of someone else's, the requester's or
asker's identity and words; the content of cards queued for them (a holder's card quotes the report). A reporter gets
her own report whole, but the notes its holders wrote and an outcome not shared with her. Tables are read whole:
a federation keeps hundreds of rows, and a scan finds rows under every tenant and key layout, as written.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from azure.data.tables import EntityProperty

from bot.domain.concerns import Pace, Role, describes, may_name
from bot.domain.errors import ConcurrentChange, RecordNotFound
from bot.domain.people import StaffContact
from bot.domain.questions import QuestionRecord
from bot.domain.text import fold
from bot.domain.uk_time import in_uk
from bot.storage.questions import CORRECTIONS, TableQuestionLog, corrections_json
from bot.storage.tables import TableStore, key_value

# Columns that hold JSON, shown parsed.
_JSON_COLUMNS = frozenset({"Chain", "Notes", "InvolvedManager", "Cards", "Card", "CardCy", "ConversationRef",
                           "Changes", "Warnings", "ReminderTimes"})
_KEYS = ("PartitionKey", "RowKey")
# What a concern report's holder, and the person it is about, see of the report record.
# The pace is theirs too: it set when they were reminded and when it was passed up from them.
_REPORT_HELD = frozenset({"SubmittedAt", "State", "Level", "AcknowledgedAt", "RemindedAt", "EscalatedAt", "ClosedAt",
                          "ReopenedAt", "Chain", "Notes", "AssignedId", "AssignedName", "AssignedEmail",
                          "EscalationId", "EscalationName", "EscalationEmail", "Pace"})
_REPORT_ABOUT = frozenset({"SubmittedAt", "State", "ClosedAt"})
# What a request's decider, and the moderator it names, see of the request record.
_REQUEST_CONTEXT = frozenset({"School", "Platform", "PlatformOther", "State", "SubmittedAt"})
_REQUEST_DECIDED = _REQUEST_CONTEXT | {"DecidedBy", "DecidedById", "DecidedAt", "Reason", "Comment", "ApprovedFrom"}
# Whoever ended an approval early sees their ending (not who approved it, unless that was them too).
_REQUEST_ENDED = _REQUEST_CONTEXT | {"EndedBy", "EndedById", "EndedAt", "EndReason"}
_REQUEST_MODERATED = _REQUEST_CONTEXT | {"Moderator", "Moderation", "Start", "End", "ApprovedFrom"}
# What the person a question was passed to, or who replied to it, sees of it: not who asked or what they asked.
_QUESTION_PASSED = frozenset({"AskedAt", "EscalatedAt", "EscalatedTo", "EscalatedToId", "Reply", "RepliedBy",
                              "RepliedById", "RepliedAt", "FirstReply", "CorrectedBy", "CorrectedById", "CorrectedAt",
                              "Corrections", "PolicyVersion"})
# Who replied to a question passed to someone else: not whom it was passed to either.
_QUESTION_REPLIED = _QUESTION_PASSED - {"EscalatedTo", "EscalatedToId"}
# Who corrected someone else's reply: not who replied first either (the words they corrected are shown), nor who else
# corrected it (`_own_corrections`).
_QUESTION_CORRECTED = _QUESTION_REPLIED - {"RepliedBy", "RepliedById"}
_STAFF_MANAGED = frozenset({"Name", "School", "ManagerEmail"})
# The content of a card queued for them: it may quote someone else (a holder's card quotes the report).
_CARD = frozenset({"Card", "CardCy"})
_REPORT_WORDS = ("What", "Since", "Where", "Who", "Evidence")



class Kind(StrEnum):
    """What a row is, in the words the summary counts it by."""

    PROFILE = "profile (language, and where to reach them in Teams)"
    STAFF_LIST = "staff list entry"
    MANAGES = "staff list entry naming them as line manager"
    REQUEST_MADE = "permission request they made"
    REQUEST_DECIDED = "permission request they decided"
    REQUEST_ENDED = "permission request they ended"
    REQUEST_ACTED = "permission request they acted on"
    REQUEST_MODERATOR = "permission request naming them as moderator"
    REQUEST_TRAIL = "permission request audit entry"
    REQUEST_LIST = "entry of their list of requests"
    REPORT_MADE = "concern report they made"
    REPORT_HELD = "concern report they hold or held, or would be passed up to"
    REPORT_ABOUT = "concern report about them"
    REPORT_MAY_NAME = "concern report whose words may name them"
    REPORT_TRAIL = "concern report audit entry"
    REPORT_FORM = "concern report form token"
    REPORT_DELETED = "deleted concern report (retention log)"
    QUESTION_ASKED = "question they asked"
    QUESTION_PASSED = "question passed to them to answer"
    QUESTION_REPLIED = "question they replied to"
    ASKED_TO_READ = "asked to read a policy version"
    CONFIRMED_READ = "confirmed reading a policy version"
    POLICY_PUBLISHING = "policy version, draft or history entry naming them"
    MESSAGE_QUEUED = "message waiting to be sent to them"
    CARD_POSTED = "where a card was posted in their chat"
    MESSAGE_SENT = "mark of a message sent to them"
    DAILY_LIMIT = "daily limit count"


# Records of their own: a card about one of them quotes nothing of anyone else's.
_THEIR_OWN = frozenset({Kind.REQUEST_MADE, Kind.REPORT_MADE, Kind.QUESTION_ASKED})


@dataclass(frozen=True)
class DataSubject:
    """The person asking: their Entra object id, the addresses and names the records may know them by, and the posts
    (headteacher, chair of governors) and staff-list titles a report may call them by."""

    object_id: str
    emails: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    posts: frozenset[Role] = frozenset()
    titles: frozenset[str] = frozenset()

    def is_id(self, value: object) -> bool:
        """True when `value` is their object id (ids are compared in any case)."""
        return isinstance(value, str) and bool(value) and value.strip().lower() == self.object_id

    def is_address(self, value: object) -> bool:
        """True when `value` is one of their addresses."""
        return isinstance(value, str) and value.strip().lower() in self.emails

    def is_name(self, value: object) -> bool:
        """True when `value` is their name as a record writes it ("Mrs Siân Roberts" for "Siân Roberts" too)."""
        if not isinstance(value, str) or not value.strip():
            return False
        written = _words(value)
        return any(written == name or (len(name) > 1 and written[-len(name):] == name)
                   for name in map(_words, self.names) if name)

    def keyed(self, key: str) -> bool:
        """True when a key ends with their object id (`<tenant>|<id>`, `by-requester|<tenant>|<id>` ...)."""
        return self.is_id(key_value(key).rpartition("|")[2])

    def named_in(self, text: str) -> bool:
        """True when what someone typed may name them, or calls them by their post or title (as the concern flow reads
        it: over-matching is safe)."""
        return any(may_name(text, StaffContact(self.object_id, name, email))
                   for name in self.names or {""} for email in self.emails or {""}) or describes(
            text, posts=self.posts, titles=self.titles)


def _words(text: str) -> tuple[str, ...]:
    return tuple(fold(text).replace(".", " ").split())


@dataclass
class FoundRow:
    """One row about them: what it is, why it is theirs, what may be shown, and what is another person's data."""

    table: str
    kind: Kind
    reference: str
    why: tuple[str, ...]
    shown: dict[str, Any]
    withheld: dict[str, Any] = field(default_factory=dict)


def json_value(value: Any) -> Any:
    """A stored value as JSON: times as UK clocks showed them (with their offset), bytes by their size."""
    if isinstance(value, EntityProperty):
        return json_value(value.value)
    if isinstance(value, datetime):
        return in_uk(value).isoformat(timespec="seconds")
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _parsed(column: str, value: Any) -> Any:
    if column in _JSON_COLUMNS and isinstance(value, str) and value:
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return json_value(value)


def _found(table: str, kind: Kind, reference: str, why: Iterable[str], row: dict[str, Any],
           shown: frozenset[str] | None = None) -> FoundRow:
    """The row split into what is shown (`shown` columns and its keys; None: all) and what is withheld."""
    values = {column: _parsed(column, value) for column, value in row.items()}
    for key in _KEYS:
        values[key] = key_value(str(row.get(key, "")))
    kept = {c: v for c, v in values.items() if shown is None or c in shown or c in _KEYS}
    return FoundRow(table, kind, reference, tuple(why), kept, {c: v for c, v in values.items() if c not in kept})


async def _rows(store: TableStore, table: str, query: str = "", parameters: dict[str, Any] | None = None
                ) -> list[dict[str, Any]]:
    """Every row of a table (or those matching `query`); none when the table was never made."""
    client = store.table(table)
    try:
        async with store.call():
            if query:
                return [dict(e) async for e in client.query_entities(query, parameters=parameters or {})]
            return [dict(e) async for e in client.list_entities()]
    except RecordNotFound:
        return []


def _partitions(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[str(row.get("PartitionKey", ""))].append(row)
    return grouped


def _json(row: dict[str, Any], column: str) -> Any:
    value = row.get(column)
    try:
        return json.loads(value) if isinstance(value, str) and value else None
    except json.JSONDecodeError:
        return None


async def known_as(store: TableStore, subject: DataSubject) -> DataSubject:
    """`subject` with every address and name a row pairs with their object id: their profile, staff-list entry (and
    its title), the read-and-confirm they were asked, a concern report that names them as a holder or as the line
    manager it involves. Someone who has left the staff list, given by id, is so still found where a row keeps only
    their address (the colleague a report picked, the line manager the list names)."""
    emails, names, titles = set(subject.emails), set(subject.names), set(subject.titles)

    def pair(object_id: object, addresses: Iterable[object], name: object) -> None:
        if subject.is_id(object_id):
            emails.update(a.strip().lower() for a in addresses if isinstance(a, str) and "@" in a)
            if isinstance(name, str) and name.strip():
                names.add(name.strip())

    for row in await _rows(store, "users"):
        pair(key_value(str(row["RowKey"])), [], row.get("Name"))
    for row in await _rows(store, "directory"):
        pair(row.get("ObjectId"), [key_value(str(row["RowKey"]))], row.get("Name"))
        if subject.is_id(row.get("ObjectId")) and isinstance(title := row.get("Role"), str) and title.strip():
            titles.add(title.strip())
    for row in await _rows(store, "policyreads"):
        pair(row.get("ObjectId"), [row.get("Email")], row.get("Name"))
    for row in await _rows(store, "reports"):
        if row.get("RowKey") != "report":
            continue
        chain = _json(row, "Chain")
        people = [c for c in chain if isinstance(c, dict)] if isinstance(chain, list) else []
        involved = _json(row, "InvolvedManager")
        people += [involved] if isinstance(involved, dict) else []
        for person in people:
            other = person.get("other")
            pair(person.get("id"), [person.get("email"), *(other if isinstance(other, list) else [])],
                 person.get("name"))
        for prefix in ("Assigned", "Escalation"):
            pair(row.get(f"{prefix}Id"), [row.get(f"{prefix}Email")], row.get(f"{prefix}Name"))
    return replace(subject, emails=frozenset(emails), names=frozenset(names), titles=frozenset(titles))


async def rows_about(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    """Every row about `subject` (as `known_as` completes it), table by table, in the order of the README's records
    (the name their profile keeps is looked for too, where a record keeps only a name)."""
    found = await _users(store, subject)
    names = {str(row.shown["Name"]) for row in found if row.shown.get("Name")}
    subject = replace(subject, names=subject.names | names)
    for reader in (_directory, _permissions, _reports, _questions, _policy_reads, _policies):
        found.extend(await reader(store, subject))
    own = {row.reference for row in found if row.kind in _THEIR_OWN}
    found.extend(await _outbox(store, subject, own))
    found.extend(await _limits(store, subject))
    return found


async def _users(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    return [_found("users", Kind.PROFILE, "", ["their profile"], row)
            for row in await _rows(store, "users") if subject.is_id(key_value(str(row["RowKey"])))]


async def _directory(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    found = []
    for row in await _rows(store, "directory"):
        email = key_value(str(row["RowKey"]))
        if subject.is_id(row.get("ObjectId")) or subject.is_address(email):
            found.append(_found("directory", Kind.STAFF_LIST, email, ["their entry on the staff list"], row))
        elif subject.is_address(row.get("ManagerEmail")):
            found.append(_found("directory", Kind.MANAGES, email, ["the staff list names them as this member of "
                                                                  "staff's line manager"], row, _STAFF_MANAGED))
    return found


async def _permissions(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    found = []
    for partition, rows in _partitions(await _rows(store, "permissions")).items():
        reference = key_value(partition)
        record = next((r for r in rows if r.get("RowKey") == "request"), {})
        requester = subject.is_id(record.get("ObjectId"))
        decider = subject.is_id(record.get("DecidedById"))
        ender = subject.is_id(record.get("EndedById"))
        moderator = subject.is_name(record.get("Moderator"))
        # The moderator is typed: "Mrs Jenkins" may be her, as the concern flow reads names (over-matching is safe).
        may_moderate = not moderator and subject.named_in(str(record.get("Moderator") or ""))
        acted = any(subject.is_id(r.get("ActorId")) for r in rows)
        if not (requester or decider or ender or moderator or may_moderate or acted):
            continue
        for row in rows:
            if row is record:
                found.append(_request(record, reference, requester=requester, decider=decider, ender=ender,
                                      moderator=moderator, may_moderate=may_moderate))
            else:
                theirs = requester or subject.is_id(row.get("ActorId"))
                why = ["a change to their request"] if requester else (
                    ["what they did"] if theirs else ["another person's action on it"])
                found.append(_found("permissions", Kind.REQUEST_TRAIL, reference, why, row,
                                    None if theirs else frozenset()))
    for row in await _rows(store, "permissionindex"):
        partition = key_value(str(row["PartitionKey"]))
        if partition.startswith("by-requester|") and subject.keyed(partition):
            found.append(_found("permissionindex", Kind.REQUEST_LIST, key_value(str(row["RowKey"])),
                                ["lists a request they made"], row))
    return found


def _request(record: dict[str, Any], reference: str, *, requester: bool, decider: bool, ender: bool, moderator: bool,
             may_moderate: bool = False) -> FoundRow:
    if requester:
        return _found("permissions", Kind.REQUEST_MADE, reference, ["they asked for permission"], record)
    why, shown = [], set(_REQUEST_CONTEXT)
    if decider:
        why.append("they decided it")
        shown |= _REQUEST_DECIDED
    if ender:
        why.append("they ended it")
        shown |= _REQUEST_ENDED
    if moderator:
        why.append("it names them as the account's moderator")
        shown |= _REQUEST_MODERATED
    elif may_moderate:  # the name as typed may be a namesake's: held back until the DPO has checked
        why.append("its moderator, as the requester typed the name, may be them: check before deciding")
    kind = Kind.REQUEST_DECIDED if decider else Kind.REQUEST_ENDED if ender else \
        Kind.REQUEST_MODERATOR if moderator or may_moderate else Kind.REQUEST_ACTED
    return _found("permissions", kind, reference, why or ["they acted on it"], record, frozenset(shown))


async def _reports(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    found: list[FoundRow] = []
    references: set[str] = set()
    for partition, rows in _partitions(await _rows(store, "reports")).items():
        reference = key_value(partition)
        if reference.startswith("form|"):
            found.extend(_found("reports", Kind.REPORT_FORM, str(r.get("Reference", "")), ["a report form they sent"],
                                r) for r in rows if subject.keyed(partition))
            continue
        report = _ReportRoles.of(rows, subject)
        if report is None:
            continue
        references.add(reference)
        found.extend(report.rows(reference))
    for row in await _rows(store, "audit"):
        if row.get("Reference") in references:
            found.append(_found("audit", Kind.REPORT_DELETED, str(row["Reference"]),
                                ["a report they were part of was deleted after its retention period"], row))
    return found


@dataclass
class _ReportRoles:
    """How one concern report's rows are about the person."""

    entities: list[dict[str, Any]]
    subject: DataSubject
    reporter: bool
    places: tuple[int, ...]  # their places in the chain of holders (0: the first it went to)
    level: int  # the place of whoever holds it now
    about: tuple[str, ...]  # how the report is plainly about them
    may_name: bool  # its words may name them
    cards: bool  # a card of theirs was replaced when it was deleted

    @classmethod
    def of(cls, entities: list[dict[str, Any]], subject: DataSubject) -> _ReportRoles | None:
        """The person's part in the report whose rows these are; None when it has nothing of theirs."""
        record = next((r for r in entities if r.get("RowKey") == "report"), {})
        chain = _json(record, "Chain")
        holders = [c.get("id") for c in chain if isinstance(c, dict)] if isinstance(chain, list) else \
            [record.get("AssignedId"), record.get("EscalationId")]
        places = tuple(place for place, holder in enumerate(holders) if subject.is_id(holder))
        involved = _json(record, "InvolvedManager")
        about = []
        if subject.is_address(record.get("About")):
            about.append("the reporter picked them from the staff list as the colleague it is about")
        if isinstance(involved, dict) and (subject.is_id(involved.get("id"))
                                           or subject.is_address(involved.get("email"))):
            about.append("they were the reporter's line manager, whom the reporter said it involves"
                         if record.get("InvolvesManager") else
                         "they were the reporter's line manager, whom the report names, calls by their post (my "
                         "line manager) or may have picked")
        reporter = subject.is_id(record.get("ReporterId"))
        typed = [str(record.get(c) or "") for c in _REPORT_WORDS]
        typed += [str(n.get("text", "")) for n in _json(record, "Notes") or [] if isinstance(n, dict)]
        may_name = bool(record) and not reporter and any(subject.named_in(t) for t in typed if t)
        cards = any(isinstance(c, list) and len(c) > 1 and subject.is_id(c[1])
                    for r in entities if r.get("RowKey") == "cards" for c in _json(r, "Cards") or [])
        if not (reporter or places or about or may_name or cards):
            return None
        level = record.get("Level")
        return cls(entities, subject, reporter, places, level if isinstance(level, int) else 0, tuple(about),
                   may_name, cards)

    def rows(self, reference: str) -> list[FoundRow]:
        """Each row of the report, split into what may be shown to them and what is another person's."""
        return [self._row(reference, row) for row in self.entities]

    def _row(self, reference: str, row: dict[str, Any]) -> FoundRow:
        key = str(row.get("RowKey", ""))
        if key == "report":
            return self._record(reference, row)
        if key == "cards":
            found = _found("reports", Kind.REPORT_TRAIL, reference, ["their card of it was replaced when it was "
                                                                     "deleted"], row, frozenset({"DeletedAt"}))
            cards = [c for c in _json(row, "Cards") or [] if isinstance(c, list)]
            found.shown["Cards"] = [c for c in cards if len(c) > 1 and self.subject.is_id(c[1])]
            others = [c for c in cards if c not in found.shown["Cards"]]
            found.withheld = {"Cards": others} if others else {}
            return found
        theirs = self.reporter or self.subject.is_id(row.get("Actor"))
        why = ["a change to their report"] if self.reporter else (
            ["what they did"] if theirs else ["another person's action on it"])
        return _found("reports", Kind.REPORT_TRAIL, reference, why, row, None if theirs else frozenset())

    def _record(self, reference: str, row: dict[str, Any]) -> FoundRow:
        # A report written before the pace was kept is chased at the standard pace: exported as the bot reads it.
        row = {**row, "Pace": row.get("Pace") or Pace.STANDARD.value}
        notes = [n for n in _json(row, "Notes") or [] if isinstance(n, dict)]
        if self.reporter:
            kept = [n for n in notes if n.get("kind") == "not_resolved" or (n.get("kind") == "outcome"
                                                                             and n.get("shared"))]
            return _notes(_found("reports", Kind.REPORT_MADE, reference, ["they made the report"], row), notes, kept)
        why = [self._holding(place) for place in self.places] + list(self.about)
        if self.may_name:
            why.append("its words may name them (by name, address, initials, nickname or login) or call them by their "
                       "post or title (the head, the chair of governors, their role on the staff list): check before "
                       "deciding")
        if not self.places:
            kind = Kind.REPORT_ABOUT if self.about else Kind.REPORT_MAY_NAME if self.may_name else Kind.REPORT_TRAIL
            return _found("reports", kind, reference, why or ["their card of it was replaced"], row, _REPORT_ABOUT)
        found = _found("reports", Kind.REPORT_HELD, reference, why, row, _REPORT_HELD)
        chain = found.shown.get("Chain")
        if isinstance(chain, list):
            found.shown["Chain"] = [{"place": p + 1, **c} for p, c in enumerate(chain)
                                    if p in self.places and isinstance(c, dict)]
            others = [c for p, c in enumerate(chain) if p not in self.places]
            if others:
                found.withheld["Chain"] = others
        own = [n for n in notes if n.get("kind") in ("escalation", "outcome") and n.get("level") in self.places]
        return _notes(found, notes, own)

    def _holding(self, place: int) -> str:
        """Their part as a holder: held it (or holds it now), or would be passed it if it went further."""
        if place < self.level:
            return f"they held it ({_ordinal(place)} of its holders); it has since been passed up"
        if place == self.level:
            return f"they hold it, or closed it ({_ordinal(place)} of its holders)"
        return f"it would be passed up to them ({_ordinal(place)} of its holders) if it went further"


def _notes(found: FoundRow, notes: list[dict[str, Any]], kept: list[dict[str, Any]]) -> FoundRow:
    """Show only the notes in `kept`; the others are withheld."""
    if "Notes" in found.shown or "Notes" in found.withheld:
        found.shown["Notes"] = kept
        others = [n for n in notes if n not in kept]
        found.withheld.pop("Notes", None)
        if others:
            found.withheld["Notes"] = others
    return found


def _ordinal(place: int) -> str:
    return {0: "first", 1: "second", 2: "third"}.get(place, f"number {place + 1}")


def _with_corrections(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its corrections (stored as JSON, in one column or several) as one list, times in UK time."""
    kept = corrections_json(row)
    row = {c: v for c, v in row.items() if not (c.startswith(CORRECTIONS) and c[len(CORRECTIONS):].isdigit())}
    row.pop(CORRECTIONS, None)
    if kept:
        row[CORRECTIONS] = [{**c, "At": json_value(datetime.fromisoformat(c["At"]))} if c.get("At") else c
                            for c in kept]
    return row


def _own_corrections(found: FoundRow, subject: DataSubject) -> FoundRow:
    """Of a reply they corrected, who made the corrections that are not theirs, and who corrected it last when that was
    not them, are withheld (the words of every correction are shown)."""
    kept = found.shown.get(CORRECTIONS)
    if isinstance(kept, list) and any(not subject.is_id(c.get("ById")) for c in kept):
        found.withheld[CORRECTIONS] = kept
        found.shown[CORRECTIONS] = [c if subject.is_id(c.get("ById")) else
                                    {k: v for k, v in c.items() if k not in ("By", "ById")} for c in kept]
    if not subject.is_id(found.shown.get("CorrectedById")):
        for column in ("CorrectedBy", "CorrectedById"):
            if column in found.shown:
                found.withheld[column] = found.shown.pop(column)
    return found


async def _questions(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    found = []
    for row in map(_with_corrections, await _rows(store, "questions")):
        reference = key_value(str(row["RowKey"]))
        # One passed on before the recipient's id was kept names them only.
        passed = subject.is_id(row.get("EscalatedToId")) or (
            bool(row.get("EscalatedAt")) and not row.get("EscalatedToId") and subject.is_name(row.get("EscalatedTo")))
        # A policy owner who answered a question passed to the one before her; one replied to before the replier's id
        # was kept names them only.
        replied = subject.is_id(row.get("RepliedById")) or (
            bool(row.get("RepliedAt")) and not row.get("RepliedById") and subject.is_name(row.get("RepliedBy")))
        if subject.is_id(row.get("ObjectId")):
            found.append(_found("questions", Kind.QUESTION_ASKED, reference, ["they asked it"], row))
        elif passed:
            found.append(_found("questions", Kind.QUESTION_PASSED, reference, ["it was passed to them to answer"],
                                row, _QUESTION_PASSED))
        elif replied:
            found.append(_found("questions", Kind.QUESTION_REPLIED, reference, ["they replied to it"], row,
                                _QUESTION_REPLIED))
        elif subject.is_id(row.get("CorrectedById")) or any(subject.is_id(c.get("ById"))
                                                             for c in row.get(CORRECTIONS, [])):
            found.append(_own_corrections(_found("questions", Kind.QUESTION_REPLIED, reference,
                                                 ["they corrected its reply"], row, _QUESTION_CORRECTED), subject))
    return found


async def _policy_reads(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    found = []
    for row in await _rows(store, "policyreads"):
        version = key_value(str(row["PartitionKey"])).removeprefix("v|")
        key = key_value(str(row["RowKey"]))
        if key.startswith("asked|") and (subject.is_id(row.get("ObjectId")) or subject.is_address(row.get("Email"))):
            found.append(_found("policyreads", Kind.ASKED_TO_READ, version, ["they were asked to read it"], row))
        elif key.startswith("read|") and (subject.is_id(row.get("ObjectId")) or subject.keyed(key)):
            found.append(_found("policyreads", Kind.CONFIRMED_READ, version, ["they confirmed reading it"], row))
        elif key.startswith("withheld|") and subject.is_id(row.get("ObjectId")):
            found.append(_found("policyreads", Kind.ASKED_TO_READ, version,
                                ["a card asking them to read it was not sent, as they had confirmed it"], row))
    return found


_POLICY_ROWS = ("PartitionKey eq 'policy' and (RowKey eq 'current' or (RowKey ge 'draft|' and RowKey lt 'draft}') or "
                "(RowKey ge 'history|' and RowKey lt 'history}') or (RowKey ge 'version|' and RowKey lt 'version}'))")


async def _policies(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    """Versions they published, drafts they sent, and what the history names them in (by name: it keeps no id)."""
    checks: tuple[tuple[str, Callable[[object], bool], str], ...] = (
        ("PublishedById", subject.is_id, "they published it"), ("SentById", subject.is_id, "they sent this draft"),
        ("PublishedBy", subject.is_name, "it names them as its publisher"),
        ("By", subject.is_name, "it names them as who did this"),
        ("ChangedBy", subject.is_name, "it names them as who made it current"))
    found = []
    for row in await _rows(store, "policies", _POLICY_ROWS):
        why = list(dict.fromkeys(said for column, check, said in checks if check(row.get(column))))
        if why:
            found.append(_found("policies", Kind.POLICY_PUBLISHING, str(row.get("Version") or ""), why, row))
    return found


async def _outbox(store: TableStore, subject: DataSubject, own: set[str]) -> list[FoundRow]:
    """Messages to them; a card still waiting to be sent is shown when it is about a record of their own (its message
    id starts with its reference) or a policy version, and otherwise withheld: it may quote someone else."""
    found = []
    for row in await _rows(store, "outbox"):
        if not subject.keyed(str(row["PartitionKey"])):
            continue
        key = key_value(str(row["RowKey"]))
        if key.startswith("slot|"):
            found.append(_found("outbox", Kind.CARD_POSTED, key.removeprefix("slot|"), ["a card posted to them"], row))
        else:
            message = key.removeprefix("msg|")
            about = message.partition("|")[0]
            theirs = about == "policy" or about in own
            found.append(_found("outbox", Kind.MESSAGE_QUEUED, message, ["a message for them"], row,
                                None if theirs else frozenset(row) - _CARD))
    for row in await _rows(store, "outboxsent"):
        if subject.keyed(str(row["PartitionKey"])):
            found.append(_found("outboxsent", Kind.MESSAGE_SENT, key_value(str(row["RowKey"])).removeprefix("msg|"),
                                ["a message sent to them"], row))
    return found


async def _limits(store: TableStore, subject: DataSubject) -> list[FoundRow]:
    return [_found("ratelimits", Kind.DAILY_LIMIT, key_value(str(row["PartitionKey"])), ["their count of uses"], row)
            for row in await _rows(store, "ratelimits") if subject.keyed(str(row["RowKey"]))]


@dataclass(frozen=True)
class Erased:
    """What `erase` deleted (dry run: would delete): the questions (ids), daily-count rows and profile rows, and the
    questions changed while it ran, left for the next run."""

    questions: tuple[str, ...]
    counts: int
    profiles: int
    changed: tuple[str, ...] = ()


async def erase(store: TableStore, subject: DataSubject, *, policy_owner: StaffContact, profile: bool,
                dry_run: bool) -> Erased:
    """Delete what is theirs and no record the school keeps: each question they asked with its messages (to them, and
    to whoever it was passed to), their daily counts, and with `profile` their profile. Requests, reports,
    read-and-confirm rows and the staff list are not touched. Every step can be run again: a question changed while
    this ran (rated, replied to) is left for the next run, as retention leaves one."""
    questions = TableQuestionLog(store)
    try:
        asked = [q for q in await questions.list_asked_until(datetime.now(UTC) + timedelta(days=1))
                 if subject.is_id(q.asker.aad_object_id)]
    except RecordNotFound:  # no question was ever asked
        asked = []
    counts = [r for r in await _rows(store, "ratelimits") if subject.keyed(str(r["RowKey"]))]
    profiles = [r for r in await _rows(store, "users") if subject.is_id(key_value(str(r["RowKey"])))] if profile \
        else []
    if dry_run:
        return Erased(tuple(q.question_id for q in asked), len(counts), len(profiles))
    deleted, changed = [], []
    for record in asked:
        if await _erased(questions, record, policy_owner):
            deleted.append(record.question_id)
        else:
            changed.append(record.question_id)
    for table, rows in (("ratelimits", counts), ("users", profiles)):
        for row in rows:
            async with store.call():
                await store.table(table).delete_entity(str(row["PartitionKey"]), str(row["RowKey"]))
    return Erased(tuple(deleted), len(counts), len(profiles), tuple(changed))


async def _erased(questions: TableQuestionLog, record: QuestionRecord, policy_owner: StaffContact) -> bool:
    try:
        await questions.delete(record, messages_to=record.messaged(policy_owner=policy_owner))
    except ConcurrentChange:
        return False
    except RecordNotFound:  # already gone
        pass
    return True
