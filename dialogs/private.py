"""What names a person, a request or a question is shown only in the person's 1:1 chat with the bot.

Asked for in a group chat or a channel (or a conversation Teams did not call a 1:1 chat), the cards go to the
person's private chat through the outbox, like any message owed to someone; the group hears at most that they
were sent there.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from bot.domain.errors import RecordNotFound, StorageUnavailable
from bot.domain.outbox import Notifier, OutboundMessage
from bot.domain.people import Person
from bot.domain.profiles import UserProfiles
from cards.common import notice_card
from cards.i18n import Catalogue
from dialogs.base import Handler, Reply, Turn


class PrivateChat:
    """Sends a reply to the person's 1:1 chat instead of where they asked."""

    def __init__(self, *, strings: Catalogue, notifier: Notifier, profiles: UserProfiles,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._strings = strings
        self._notifier = notifier
        self._profiles = profiles
        self._clock = clock

    async def send(self, turn: Turn, reply: Reply, *, tell: bool = True, message_id: str = "") -> Reply:
        """Queue the reply's cards for the person's private chat; what to say where they asked: with `tell`, that it
        was sent, or where to find it; without, nothing, unless the bot has no chat of theirs to write to (they never
        opened one, or removed the app): then where to find it all the same, in the words anything private gets, so
        they are not left hearing nothing. What is said comes as a new message: a card clicked in the group (the
        bot's answer, say) stays there for everyone, the clicker too."""
        cards = ([reply.card] if reply.card is not None else []) + reply.more
        if not cards:
            return reply
        key = message_id or f"private|{secrets.token_urlsafe(12)}"
        await self._notifier.notify([
            OutboundMessage(recipient=turn.actor, message_id=key if n == 0 else f"{key}|{n}", card=card,
                            card_key=reply.card_key if n == 0 else "", created_at=self._clock(),
                            preview=self._strings.text("notify.private", turn.lang))
            for n, card in enumerate(cards)])
        reachable = await self._reachable(turn.actor)
        if not tell and reachable:
            return Reply(language=reply.language, afterwards=reply.afterwards)
        said = "private.sent" if reachable else "private.waiting"
        return Reply(card=notice_card(self._strings.text(said, turn.lang)), language=reply.language, new_message=True,
                     afterwards=reply.afterwards)

    def only(self, handler: Handler) -> Handler:
        """The handler as it is in the 1:1 chat; anywhere else, its answer goes there and the group is told so. A
        card Teams refreshes on its own outside the 1:1 chat (a list forwarded to a group is refreshed for everyone who
        views it) is nobody's request: nothing runs and nothing is sent, and the viewer's copy says it is shown only
        privately."""
        async def in_private(turn: Turn) -> Reply:
            if turn.refreshed and not turn.is_private:
                return Reply(card=notice_card(self._strings.text("private.refreshed", turn.lang)))
            reply = await handler(turn)
            return reply if turn.is_private else await self.send(turn, reply)

        return in_private

    async def _reachable(self, person: Person) -> bool:
        try:
            return bool((await self._profiles.recent_profile(person)).conversation_ref)
        except (RecordNotFound, StorageUnavailable):
            return False
