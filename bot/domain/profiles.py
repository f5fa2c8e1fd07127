"""A member of staff's profile: their language and where to reach them privately.

A person is written to in the language they chose ("Cymraeg" / "English"), else in the language of the Teams they last
wrote to the bot from (their locale, recorded with the profile), else in English.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.errors import DomainError
from bot.domain.people import Lang, Person

# A reference older than this is rewritten even when unchanged, so "last seen" stays meaningful
# without writing on every turn (one storage round trip saved per message).
REFRESH_AFTER = timedelta(hours=12)


@dataclass(frozen=True)
class UserProfile:
    """One row per person: language choice, the language of their Teams, their 1:1 conversation reference (opaque
    JSON)."""

    person: Person
    language: Lang | None = None
    conversation_ref: str = ""
    updated_at: datetime | None = None
    etag: str = ""
    teams_language: Lang | None = None
    # When whoever decides permission requests last asked what waited for her ("what did I miss?"): what someone else
    # decided after it is what she missed. None until she first asks.
    caught_up_at: datetime | None = None
    # Until when a welcome held by an install outside school hours waits (only then do their turns look for it).
    welcome_held_until: datetime | None = None
    # The time zone of the Teams they last wrote from (clientInfo's `localTimezone`; "" when never told): a time on UK
    # clocks in a card to them, sent by others' actions or on a turn whose activity gave none, says "UK time" where
    # their clocks show another hour.
    time_zone: str = ""

    def speaks(self, default: Lang = Lang.EN) -> Lang:
        """The language to write to them in: their choice, else their Teams', else `default`."""
        return self.language or self.teams_language or default

    def needs_refresh(self, conversation_ref: str, now: datetime, teams_language: Lang | None = None,
                      time_zone: str = "") -> bool:
        """True when the stored reference, Teams language or time zone differs from the current one, or is stale."""
        if conversation_ref and conversation_ref != self.conversation_ref:
            return True
        if teams_language is not None and teams_language != self.teams_language:
            return True
        if time_zone and time_zone != self.time_zone:
            return True
        return self.updated_at is None or now - self.updated_at > REFRESH_AFTER

    def refreshed(self, conversation_ref: str, now: datetime, name: str,
                  teams_language: Lang | None = None, time_zone: str = "") -> UserProfile:
        """The profile with the latest reference, name, Teams language and time zone."""
        person = replace(self.person, name=name or self.person.name)
        return replace(self, person=person, conversation_ref=conversation_ref or self.conversation_ref,
                       teams_language=teams_language or self.teams_language, updated_at=now,
                       time_zone=time_zone or self.time_zone)

    def without_chat(self, now: datetime) -> UserProfile:
        """The profile once the person removed the bot from their Teams: no 1:1 chat to write to (so they count as not
        reachable, and messages owed to them wait) until they add it again or write to it; their language is kept."""
        return replace(self, conversation_ref="", updated_at=now)


class UserProfiles(Protocol):
    """Port: where profiles are kept."""

    async def get_profile(self, person: Person) -> UserProfile:
        """Return the profile as stored now; raise `RecordNotFound` when the person never talked to the bot."""
        ...

    async def recent_profile(self, person: Person) -> UserProfile:
        """The profile, for a message to someone else (their language, their chat): as stored now, or as this
        instance read it a few seconds ago, missing a change saved on another instance meanwhile (never one saved on
        this instance, and never a profile stored since one was missing); `RecordNotFound` as `get_profile`."""
        ...

    async def save_profile(self, profile: UserProfile) -> None:
        """Create or replace the profile (last writer wins: it only holds preferences)."""
        ...

    async def save_contact(self, profile: UserProfile) -> None:
        """Create the profile, or write where to reach them (name, Teams language, 1:1 conversation reference, when)
        and nothing else: a language they chose meanwhile, on another device, stays as it is."""
        ...

    async def save_language(self, person: Person, language: Lang) -> None:
        """Record the language they chose, and nothing else (the profile is created if they have none)."""
        ...

    async def save_caught_up(self, person: Person, at: datetime) -> None:
        """Record when they last asked what waited for them (`UserProfile.caught_up_at`), and nothing else (the
        profile is created if they have none)."""
        ...

    async def save_welcome_held(self, person: Person, until: datetime) -> None:
        """Record until when a welcome is held for them (`UserProfile.welcome_held_until`), and nothing else."""
        ...


async def preferred_language(profiles: UserProfiles, person: Person, default: Lang = Lang.EN) -> Lang:
    """The language to write to a person in, for cards sent to them unprompted (`UserProfile.speaks`); `default`
    when unknown or unreachable."""
    try:
        profile = await profiles.recent_profile(person)
    except DomainError:
        return default
    return profile.speaks(default)


async def preferred_reading(profiles: UserProfiles, person: Person, default: Lang = Lang.EN) -> tuple[Lang, str]:
    """The language to write to a person in (`preferred_language`) and the time zone of their Teams as last known
    ("" when never told, unknown or unreachable), from the one read of their profile."""
    try:
        profile = await profiles.recent_profile(person)
    except DomainError:
        return default, ""
    return profile.speaks(default), profile.time_zone


async def chosen_reading(profiles: UserProfiles, person: Person) -> tuple[Lang | None, str]:
    """The language the person chose (`chosen_language`) and the time zone of their Teams as last known
    (`preferred_reading`), from the one read of their profile."""
    try:
        profile = await profiles.recent_profile(person)
    except DomainError:
        return None, ""
    return profile.language, profile.time_zone


async def chosen_language(profiles: UserProfiles, person: Person) -> Lang | None:
    """The language the person chose ("Cymraeg" / "English"); None when they never chose, or it can't be read."""
    try:
        profile = await profiles.recent_profile(person)
    except DomainError:
        return None
    return profile.language
