"""User profiles in the `users` table.

Keys: PartitionKey = tenant id, RowKey = Entra object id: one row per person, read by the edge
on every turn (point read) and rewritten only when the conversation reference or the language of their Teams
(`TeamsLanguage`; absent from rows written before it was kept) changes. Those columns and the language they chose
(`Language`) are written by two merges that leave each other's columns alone, so a choice made on one device while
another device's turn writes the row (from a read made before the choice) is kept.

A profile read for a message to someone else (their language, whether and where they can be reached:
`recent_profile`) may be one this instance read in the last `RECENT_SECONDS`, rather than a new read: one flow
otherwise reads the same person several times within milliseconds (the headteacher's language and whether she has
opened the bot, then her chat reference for the send). The rule: a person's own turn always reads storage
(`get_profile`) and what it read is what later recent reads get; a save on this instance forgets the person at once
(and a read that was under way meanwhile is not kept); a person with no profile is never remembered, so someone
who opens the bot is reached at once. So the only thing this instance may not see for up to `RECENT_SECONDS` is a
change saved on another instance: a card to someone else in the language they left a few seconds before, or sent
to the 1:1 chat reference they had. Nothing here decides what anyone may do.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from azure.data.tables import UpdateMode

from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfile
from bot.storage.tables import NAME_CHARS, TableStore, entity_etag, entity_text, entity_time, safe_key

TABLE = "users"
# How old a profile read for a message to someone else may be (see the module's docstring).
RECENT_SECONDS = 5.0
# People remembered at most (a campaign to all staff reads hundreds in a few seconds); the oldest go first.
REMEMBERED = 2000
# The longest time zone name kept (the edge takes none longer from Teams).
ZONE_CHARS = 64


@dataclass(frozen=True)
class _Row:
    """A profile row as read: what `get_profile` makes a profile of."""

    name: str
    language: Lang | None
    conversation_ref: str
    updated_at: datetime | None
    etag: str
    teams_language: Lang | None
    caught_up_at: datetime | None = None
    welcome_held_until: datetime | None = None
    time_zone: str = ""

    def profile(self, person: Person) -> UserProfile:
        return UserProfile(person=Person(person.tenant_id, person.aad_object_id, self.name or person.name),
                           language=self.language, conversation_ref=self.conversation_ref,
                           updated_at=self.updated_at, etag=self.etag, teams_language=self.teams_language,
                           caught_up_at=self.caught_up_at, welcome_held_until=self.welcome_held_until,
                           time_zone=self.time_zone)


def _lang(entity: dict[str, Any], key: str) -> Lang | None:
    value = entity_text(entity, key)
    return Lang(value) if value in {lang.value for lang in Lang} else None


@dataclass(eq=False)
class _Read:
    """A read under way; `stale` once a save on this instance makes what it will return not worth keeping. Compared
    by identity: each read takes itself off the list, not the first read equal to it (reads finish in any order)."""

    stale: bool = False


@dataclass
class _Recent:
    """What this instance read lately, by person, with the `clock` time each read was sent."""

    clock: Callable[[], float]
    rows: dict[str, tuple[float, _Row]] = field(default_factory=dict)
    reads: dict[str, list[_Read]] = field(default_factory=dict)
    shared: dict[str, asyncio.Task[_Row]] = field(default_factory=dict)


def _contact(profile: UserProfile) -> dict[str, Any]:
    """The columns that say where to reach a person: all of the row but their language choice (and their time zone,
    only once Teams has told one: a row written before keeps none)."""
    zone = {"TimeZone": profile.time_zone[:ZONE_CHARS]} if profile.time_zone else {}
    return {"Name": profile.person.name[:NAME_CHARS],
            "TeamsLanguage": profile.teams_language.value if profile.teams_language else "",
            "ConversationRef": profile.conversation_ref, "UpdatedAt": profile.updated_at, **zone}


class TableUserProfiles:
    """`UserProfiles` on Azure Tables."""

    def __init__(self, store: TableStore, *, recent_seconds: float = RECENT_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._table = store.table(TABLE)
        self._recent_seconds = recent_seconds
        self._recent = _Recent(clock)

    async def get_profile(self, person: Person) -> UserProfile:
        """Return the stored profile, read now; raise `RecordNotFound` when there is none."""
        return (await self._read_and_keep(person)).profile(person)

    async def recent_profile(self, person: Person) -> UserProfile:
        """The profile as this instance read it in the last `RECENT_SECONDS`, else as read now (by one read, whoever
        else asks meanwhile); `RecordNotFound` when there is none. For messages to someone else only."""
        key = person.key
        known = self._recent.rows.get(key)
        if known is not None and self._recent.clock() - known[0] < self._recent_seconds:
            return known[1].profile(person)
        task = self._recent.shared.get(key)
        if task is None:
            task = asyncio.ensure_future(self._read_and_keep(person))
            self._recent.shared[key] = task
            task.add_done_callback(lambda done: self._shared_done(key, done))
        return (await asyncio.shield(task)).profile(person)

    def _shared_done(self, key: str, task: asyncio.Task[_Row]) -> None:
        if self._recent.shared.get(key) is task:
            del self._recent.shared[key]
        if not task.cancelled():
            task.exception()  # retrieved here: its askers may all have stopped waiting

    async def _read_and_keep(self, person: Person) -> _Row:
        """Read the row; keep it as recent unless this instance saved the person meanwhile (a missing one is not
        kept)."""
        key, started, read = person.key, self._recent.clock(), _Read()
        self._recent.reads.setdefault(key, []).append(read)
        try:
            row = await self._read(person)
        finally:
            reads = self._recent.reads[key]
            reads.remove(read)
            if not reads:
                del self._recent.reads[key]
        if not read.stale:
            self._recent.rows.pop(key, None)  # re-inserted last: the oldest stay first
            self._recent.rows[key] = (started, row)
            while len(self._recent.rows) > REMEMBERED:
                del self._recent.rows[next(iter(self._recent.rows))]
        return row

    async def _read(self, person: Person) -> _Row:
        async with self._store.call():
            entity = await self._table.get_entity(safe_key(person.tenant_id), safe_key(person.aad_object_id))
        return _Row(name=entity_text(entity, "Name"), language=_lang(entity, "Language"),
                    conversation_ref=entity_text(entity, "ConversationRef"),
                    updated_at=entity_time(entity, "UpdatedAt"), etag=entity_etag(entity),
                    teams_language=_lang(entity, "TeamsLanguage"), caught_up_at=entity_time(entity, "CaughtUpAt"),
                    welcome_held_until=entity_time(entity, "WelcomeHeldUntil"),
                    time_zone=entity_text(entity, "TimeZone"))

    async def save_profile(self, profile: UserProfile) -> None:
        """Create or replace the profile row (and forget what this instance read of it)."""
        language = {"Language": profile.language.value if profile.language else ""}
        caught_up = {"CaughtUpAt": profile.caught_up_at} if profile.caught_up_at else {}
        held = {"WelcomeHeldUntil": profile.welcome_held_until} if profile.welcome_held_until else {}
        await self._write(profile.person, {**_contact(profile), **language, **caught_up, **held}, UpdateMode.REPLACE)

    async def save_contact(self, profile: UserProfile) -> None:
        """Create the row, or merge into it where to reach them: its `Language` is left as it is."""
        await self._write(profile.person, _contact(profile), UpdateMode.MERGE)

    async def save_language(self, person: Person, language: Lang) -> None:
        """Merge the language they chose into their row (created if missing)."""
        await self._write(person, {"Language": language.value}, UpdateMode.MERGE)

    async def save_caught_up(self, person: Person, at: datetime) -> None:
        """Merge when they last asked what waited for them into their row (created if missing)."""
        await self._write(person, {"CaughtUpAt": at}, UpdateMode.MERGE)

    async def save_welcome_held(self, person: Person, until: datetime) -> None:
        """Merge until when a welcome is held for them into their row (created if missing)."""
        await self._write(person, {"WelcomeHeldUntil": until}, UpdateMode.MERGE)

    async def _write(self, person: Person, values: dict[str, Any], mode: UpdateMode) -> None:
        entity = {"PartitionKey": safe_key(person.tenant_id), "RowKey": safe_key(person.aad_object_id), **values}
        try:
            async with self._store.call():
                await self._table.upsert_entity(entity, mode=mode)
        finally:  # written or not (a timeout may still have written it), what was read before is no longer trusted
            self._forget(person.key)

    def _forget(self, key: str) -> None:
        self._recent.rows.pop(key, None)
        self._recent.shared.pop(key, None)
        for read in self._recent.reads.get(key, []):
            read.stale = True
