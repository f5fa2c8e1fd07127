"""User profiles in the `users` table.

Keys: PartitionKey = tenant id, RowKey = Entra object id: one row per person, read by the edge
on every turn (point read) and rewritten only when the conversation reference changes.
"""

from __future__ import annotations

from azure.data.tables import UpdateMode

from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfile
from bot.storage.tables import NAME_CHARS, TableStore, entity_etag, entity_text, entity_time, safe_key

TABLE = "users"


class TableUserProfiles:
    """`UserProfiles` on Azure Tables."""

    def __init__(self, store: TableStore) -> None:
        self._store = store
        self._table = store.table(TABLE)

    async def get_profile(self, person: Person) -> UserProfile:
        """Return the stored profile; raise `RecordNotFound` when there is none."""
        async with self._store.call():
            entity = await self._table.get_entity(safe_key(person.tenant_id), safe_key(person.aad_object_id))
        language = entity_text(entity, "Language")
        return UserProfile(
            person=Person(person.tenant_id, person.aad_object_id, entity_text(entity, "Name") or person.name),
            language=Lang(language) if language in {lang.value for lang in Lang} else None,
            conversation_ref=entity_text(entity, "ConversationRef"),
            updated_at=entity_time(entity, "UpdatedAt"),
            etag=entity_etag(entity),
        )

    async def save_profile(self, profile: UserProfile) -> None:
        """Create or replace the profile row."""
        entity = {
            "PartitionKey": safe_key(profile.person.tenant_id),
            "RowKey": safe_key(profile.person.aad_object_id),
            "Name": profile.person.name[:NAME_CHARS],
            "Language": profile.language.value if profile.language else "",
            "ConversationRef": profile.conversation_ref,
            "UpdatedAt": profile.updated_at,
        }
        async with self._store.call():
            await self._table.upsert_entity(entity, mode=UpdateMode.REPLACE)
