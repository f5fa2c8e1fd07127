"""Turns Teams activities into flow `Turn`s and flow `Reply`s into Teams activities."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity, ActivityTypes, InvokeResponse

from bot.domain.errors import ConcurrentChange, DomainError, NotAllowed, RecordNotFound, StorageUnavailable
from bot.domain.federation import Federation
from bot.domain.outbox import OutboundMessage, in_school_hours
from bot.domain.people import Lang, Membership, Person
from bot.domain.profiles import UserProfile, UserProfiles
from bot.domain.text import has_visible_text
from bot.edge.delivery import Deliverer
from bot.edge.replies import CONNECTOR_ERRORS, send_in_turn
from bot.edge.telemetry import tracer
from cards.common import error_card
from cards.i18n import Catalogue
from dialogs.base import KeptFromMessages, Reply, Router, Scope, SentFile, Turn
from dialogs.language import in_the_words_language
from dialogs.pasted import words_asked

log = logging.getLogger(__name__)

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# A file sent to the bot in a 1:1 chat (the manifest's `supportsFiles`): `content` holds a pre-authorised URL.
FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
MAX_TEXT = 4000
_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
# A Teams message id ("1732200000000"; the Agents Playground's are GUIDs): kept with a question, to find it again.
_MESSAGE_ID = re.compile(r"^[\w:;.@=+-]{1,128}$")
# An @mention: "<at ...>" up to the nearest "</at>".
_MENTION_OPEN, _MENTION_CLOSE = re.compile("<at", re.IGNORECASE), re.compile("</at>", re.IGNORECASE)
# A reply-with-quote: Teams puts the quoted message (the bot's card, mostly) before the words typed, in a blockquote
# whose tag names schema.skype.com/Reply.
_QUOTE_OPEN, _QUOTE_CLOSE = re.compile("<blockquote", re.IGNORECASE), re.compile("</blockquote>", re.IGNORECASE)
_REPLY_QUOTE = re.compile(r"schema\.skype\.com/Reply", re.IGNORECASE)
# The paragraph marks Teams wraps words in when it sends HTML; each ends a line, as it did on screen. A p, div or span
# tag ends at the first ">" after its name (`_paragraph_marks_out`); a br is matched whole.
_PARAGRAPH = re.compile(r"</?(?:p|div|span)(?=[\s>])|<br\s*/?>", re.IGNORECASE)
# Where a turn keeps the language it speaks to the person in, once their profile is read (`TurnContext.turn_state`).
_SPEAKS = "policy_helper.speaks"
# How long asking Teams whether the sender is a guest may take before they count as staff (see `Turn.is_guest`).
MEMBER_LOOKUP_SECONDS = 3.0
# Teams' userRole of someone from outside the tenant's own accounts ("user" is one of its own).
_NOT_STAFF = frozenset({"guest", "anonymous"})
# The installationUpdate actions of the bot leaving a person's Teams, a team or a chat (on its own, or in an update of
# the app that drops it).
REMOVED = frozenset({"remove", "remove-upgrade"})
# People whose language choice this instance keeps for the busy answer (the oldest go first).
CHOICES_REMEMBERED = 2000


def conversation_ref_json(activity: Activity) -> str:
    """The reference of the person's 1:1 chat, from an activity in it, as stable JSON (no per-message ids); it
    says it is a 1:1 chat, which is all delivery ever sends to."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None
    reference.locale = None
    if reference.conversation is not None:
        reference.conversation.conversation_type = "personal"  # the Agents Playground leaves it out
    return json.dumps(reference.serialize(), sort_keys=True, separators=(",", ":"))


def _tenant_id(activity: Activity) -> str:
    """The tenant Teams names for the activity, or "" when it names none, or two that differ. Teams names it twice,
    alike: `channelData.tenant.id` (read first, as the people's records are keyed by it) and `conversation.tenantId`,
    which botbuilder 4.17.1 does not read (it maps `tenantID`), so it is taken from what it kept unread."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant")
    unread = getattr(activity.conversation, "additional_properties", None)
    said = (tenant.get("id") if isinstance(tenant, dict) else None, getattr(activity.conversation, "tenant_id", None),
            unread.get("tenantId") if isinstance(unread, dict) else None)
    named = [t for t in said if isinstance(t, str) and t]
    if any(t.lower() != named[0].lower() for t in named):
        return ""
    return named[0] if named else ""


_SCOPES = {"personal": Scope.PERSONAL, "groupChat": Scope.GROUP, "channel": Scope.CHANNEL}


def conversation_scope(activity: Activity, *, untyped: Scope = Scope.UNKNOWN) -> Scope:
    """Where the activity happened, failing closed: only what Teams calls a 1:1 chat is private (and only its
    reference is ever stored); a conversation with no type is `untyped`, private only for the Agents Playground."""
    kind = getattr(activity.conversation, "conversation_type", None)
    if kind is None:
        return untyped
    return _SCOPES.get(kind, Scope.UNKNOWN) if isinstance(kind, str) else Scope.UNKNOWN


def _typed_text(sent: str) -> str:
    """The words a person typed, from a message's text as Teams sends it: without the @mentions of the bot, and in
    a group chat or channel, where Teams sends HTML ("<at>Policy Helper</at>&nbsp;Q&amp;A"), with its character
    references decoded (after the mentions are gone, so a decoded "<at>" is shown as typed, never taken for one).
    A reply that quotes a message arrives as HTML too: the quote is not what they asked, so it goes, with the
    paragraph marks around the words."""
    unmentioned, _ = _elements_out(sent, _MENTION_OPEN, _MENTION_CLOSE, " ")
    unquoted, quotes = _elements_out(unmentioned, _QUOTE_OPEN, _QUOTE_CLOSE, "", marked=_REPLY_QUOTE)
    if quotes:
        unmentioned = _paragraph_marks_out(unquoted)
    return html.unescape(unmentioned).replace("\xa0", " ").strip()


# Reading markup by regular expressions like "<at[^>]*>.*?</at>" tries every opening tag against the rest of the text:
# time grows with the square of its length, and 240 KB of "<at>" (never closed) held the event loop, and every turn,
# for over a minute. These read each part of the text once, with the same results.

def _elements_out(text: str, opening: re.Pattern[str], closing: re.Pattern[str], by: str, *,
                  marked: re.Pattern[str] | None = None) -> tuple[str, int]:
    """`text` with each element put `by`, and how many: from an `opening` (its tag ended by the first ">" after it,
    and holding `marked` if given) to the nearest `closing` after it, as `re.sub` of `opening[^>]*>.*?closing` would."""
    pieces: list[str] = []
    done = at = 0
    while (opened := opening.search(text, at)) is not None:
        tag_end = text.find(">", opened.end())
        if tag_end < 0:
            break  # no later tag ends either
        if marked is not None and not marked.search(text, opened.end(), tag_end):
            at = tag_end + 1  # an opening before this ">" is inside this same tag, which lacks the mark
            continue
        closed = closing.search(text, tag_end + 1)
        if closed is None:
            break  # no later element is closed either
        pieces += (text[done:opened.start()], by)
        done = at = closed.end()
    return "".join(pieces) + text[done:], len(pieces) // 2


def _paragraph_marks_out(text: str) -> str:
    """`text` with each paragraph mark a line end, as `re.sub` of `</?(?:p|div|span)(?:\\s[^>]*)?>|<br\\s*/?>` would."""
    pieces: list[str] = []
    done = at = 0
    while (mark := _PARAGRAPH.search(text, at)) is not None:
        end = mark.end()
        if not mark.group().endswith(">"):  # p, div or span: its tag ends at the next ">"
            end = text.find(">", end) + 1
            if not end:
                break  # no later tag ends either
        pieces += (text[done:mark.start()], "\n")
        done = at = end
    return "".join(pieces) + text[done:]


def _sent_files(activity: Activity) -> tuple[SentFile, ...]:
    files = []
    for attachment in activity.attachments or []:
        content = attachment.content if isinstance(attachment.content, dict) else {}
        url = content.get("downloadUrl")
        if attachment.content_type != FILE_DOWNLOAD_INFO or not isinstance(url, str) or not url:
            continue
        files.append(SentFile(name=str(attachment.name or "")[:200], download_url=url[:4000],
                              file_type=str(content.get("fileType") or "")[:20],
                              unique_id=str(content.get("uniqueId") or "")[:100]))
    return tuple(files[:5])


def _edited(activity: Activity) -> bool:
    """A message the person edited after sending it (Teams sends the new text as a messageUpdate): answered as the
    message it now is, since the answer to the words first sent may not be what they meant."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return activity.type == ActivityTypes.message_update and channel_data.get("eventType") == "editMessage"


def _undeleted(activity: Activity) -> bool:
    """A message the person deleted and brought back with Undo (Teams sends it as a messageUpdate)."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return activity.type == ActivityTypes.message_update and channel_data.get("eventType") == "undeleteMessage"


def _message_id(activity: Activity) -> str:
    """The id of the person's message (the same for its edits), or "" when it is not one a question can be kept by."""
    message_id = activity.id if isinstance(activity.id, str) else ""
    return message_id if _MESSAGE_ID.match(message_id) else ""


def _received_at(activity: Activity) -> datetime | None:
    """When Teams received the message (the same in a resend of it), or None when it gave no time with a zone."""
    stamp = activity.timestamp
    return stamp if isinstance(stamp, datetime) and stamp.utcoffset() is not None else None


def _time_zone(activity: Activity) -> str:
    """The time zone of the person's Teams, as its clientInfo entity gives it (`localTimezone`); "" when none."""
    for entity in activity.entities or []:
        extra = getattr(entity, "additional_properties", None)
        if getattr(entity, "type", "") == "clientInfo" and isinstance(extra, dict):
            zone = extra.get("localTimezone")
            if isinstance(zone, str) and 0 < len(zone) <= 64:
                return zone
    return ""


def _conversation_id(activity: Activity) -> str:
    """The id of the conversation the activity came in ("" when Teams gave none)."""
    conversation_id = activity.conversation.id if activity.conversation is not None else ""
    return conversation_id if isinstance(conversation_id, str) else ""


def _deleted_ids(activity: Activity) -> list[str]:
    """The ids a messageDelete names: the deleted message's (Teams' soft delete), and replyToId if a client sets it."""
    named = (activity.id, activity.reply_to_id)
    return list(dict.fromkeys(i for i in named if isinstance(i, str) and _MESSAGE_ID.match(i)))


def _sent_picture(activity: Activity) -> bool:
    """True when a picture came with the message: pasted or attached (an image attachment), or a GIF or a sticker
    (an <img> in the HTML Teams sends beside the text)."""
    for attachment in activity.attachments or []:
        kind = str(attachment.content_type or "").lower()
        if kind.startswith("image/"):
            return True
        if kind == "text/html" and isinstance(attachment.content, str) and "<img" in attachment.content.lower():
            return True
    return False


def _invoke_action(activity: Activity) -> tuple[str, Mapping[str, Any]] | None:
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action")
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        return None
    verb = action.get("verb")
    data = action.get("data")
    return (verb if isinstance(verb, str) else "", data if isinstance(data, dict) else {})


def _utc(moment: datetime) -> datetime:
    """A time as UTC, a naive one being UTC already (as records keep it)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _line(card: Mapping[str, Any]) -> str:
    """A card's notification line (its `fallbackText`), "" without one."""
    line = card.get("fallbackText")
    return line if isinstance(line, str) else ""


def _is_refresh(activity: Activity) -> bool:
    """True for Teams refreshing a card on its own (its `refresh` action), not a person clicking."""
    value = activity.value if isinstance(activity.value, dict) else {}
    return value.get("trigger") == "automatic"


class _ReadAhead:
    """The read a click's handler makes first (`Verb.ahead`), started while the clicker's profile is read."""

    def __init__(self, router: Router, verb: str, data: Mapping[str, Any]) -> None:
        self._router = router
        self._verb = verb
        self._data = data
        self.task: asyncio.Task[object] | None = None

    def start(self) -> None:
        """Begin the read (once the clicker is known to be someone the bot serves)."""
        self.task = self._router.read_ahead(self._verb, self._data)

    async def close(self) -> None:
        """Once the turn is over: a read its handler never waited for is stopped, and a fault of one it never took
        up is not left to be reported as never retrieved."""
        if self.task is None:
            return
        if not self.task.done():
            self.task.cancel()
            await asyncio.wait([self.task])
        if not self.task.cancelled():
            self.task.exception()


class TeamsBot:
    """The bot's turn logic at the Teams edge: identity, language, routing, replies, deliveries."""

    def __init__(self, *, router: Router, profiles: UserProfiles, deliverer: Deliverer, federation: Federation,
                 strings: Catalogue, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 agents_playground: bool = False,
                 kept_from_messages: KeptFromMessages | None = None) -> None:
        self._router = router
        self._verbs = frozenset(router.verbs())
        # What is kept from a person's Teams messages (the questions asked in them), which goes when the message is
        # deleted or edited and comes back with Undo; nothing is done for these without it.
        self._kept = kept_from_messages
        # The Agents Playground sends its 1:1 chats without a conversation type (Teams always sends "personal").
        self._untyped = Scope.PERSONAL if agents_playground else Scope.UNKNOWN
        self._profiles = profiles
        self._deliverer = deliverer
        self._federation = federation
        self._strings = strings
        self._clock = clock
        # Each person's language choice as their last turn on this instance read or saved it: the busy answer reads
        # no storage (it must come at once), so this is the choice it can have. A choice saved on another instance
        # is seen here at the person's next turn.
        self._choices: dict[str, Lang] = {}

    def verbs(self) -> list[str]:
        """Every card verb the bot answers."""
        return self._router.verbs()

    def _logged(self, verb: str) -> str:
        """A card verb as the turn's log line names it: one the bot makes, else "unknown" (Teams copies the verb from
        the card, and a client that changes the card can put anything there)."""
        return verb if verb in self._verbs else "unknown"

    def _scope(self, activity: Activity) -> Scope:
        return conversation_scope(activity, untyped=self._untyped)

    async def on_turn(self, context: TurnContext) -> None:
        """Handle one activity, logging one line with its outcome and latency."""
        started = time.perf_counter()
        activity = context.activity
        outcome = "ignored"
        span = tracer.start_span("turn", attributes={"activity.type": str(activity.type or "")})
        try:
            outcome = await self._dispatch(context)
        except StorageUnavailable as error:
            outcome = "storage-unavailable"
            log.warning("storage unavailable: %s", error)  # the kind of fault (a timeout, a refused connection)
            await self._reply_error(context, self._speaks(context), "error.storage")
        except CONNECTOR_ERRORS as error:
            # Teams (the connector) refused or could not take the reply: its fault is not ours to trace.
            outcome = "reply-not-delivered"
            log.warning("reply not delivered: %s", type(error).__name__)
        except Exception:
            outcome = "error"
            log.exception("turn failed", extra={"activity_id": activity.id, "activity_type": activity.type})
            await self._reply_error(context, self._speaks(context), "error.unexpected")
        finally:
            latency_ms = round((time.perf_counter() - started) * 1000, 1)
            span.set_attribute("turn.outcome", outcome)
            span.end()
            log.info("turn", extra={"activity_id": activity.id, "activity_type": activity.type, "outcome": outcome,
                                    "latency_ms": latency_ms})

    async def on_busy(self, context: TurnContext) -> None:
        """Tell someone whose turn waited too long for a place that it was not taken; nothing was read or changed."""
        activity = context.activity
        outcome = "ignored"
        if activity.type in (ActivityTypes.message, ActivityTypes.invoke):
            outcome = "busy"
            person = self._person(activity)
            choice = self._choices.get(person.key) if person is not None else None
            await self._reply_error(context, choice or Lang.from_locale(activity.locale), "error.busy")
        log.warning("turn", extra={"activity_id": activity.id, "activity_type": activity.type, "outcome": outcome,
                                   "latency_ms": 0.0})

    async def on_queued(self, context: TurnContext) -> None:
        """Show someone whose message is waiting for a place that the bot has it (Teams shows the bot typing)."""
        if context.activity.type == ActivityTypes.message:
            try:
                await send_in_turn(context, Activity(type=ActivityTypes.typing))
            except CONNECTOR_ERRORS as error:
                log.warning("typing indicator not delivered: %s", type(error).__name__)

    async def _dispatch(self, context: TurnContext) -> str:
        activity = context.activity
        if activity.type == ActivityTypes.message or _edited(activity):
            return await self._on_message(context)
        if activity.type == ActivityTypes.invoke:
            if activity.name == "adaptiveCard/action":
                return await self._on_card_action(context)
            await self._invoke_reply(context, InvokeResponse(status=200))
            return "invoke-ignored"
        if activity.type == ActivityTypes.installation_update:
            return await self._on_install(context)
        if activity.type == ActivityTypes.message_delete:
            return await self._on_delete(context)
        if _undeleted(activity):
            return await self._on_undelete(context)
        return "ignored"

    def _person(self, activity: Activity) -> Person | None:
        sender = activity.from_property
        object_id = getattr(sender, "aad_object_id", None) or ""
        tenant = _tenant_id(activity)
        if not _ID.match(object_id) or not _ID.match(tenant):
            return None
        name = " ".join((getattr(sender, "name", "") or "").split())[:100]
        if not has_visible_text(name):
            name = ""  # invisible or blank-looking characters only: no name, so the staff list names them
        return Person(tenant_id=tenant, aad_object_id=object_id, name=self._federation.display_name(object_id, name))

    @staticmethod
    def _speaks(context: TurnContext) -> Lang:
        """The language to tell this person something in: as every reply of the turn, once their profile was read;
        before that, or when it could not be read (storage down), the language of their Teams."""
        known = context.turn_state.get(_SPEAKS)
        return known if isinstance(known, Lang) else Lang.from_locale(context.activity.locale)

    async def _load_profile(self, person: Person, context: TurnContext,
                            asks_the_policy: Callable[[Person], bool] = lambda _: False, *,
                            owed_now: bool = True) -> UserProfile:
        """The person's profile, its reference to their chat refreshed; when storage cannot read it, a profile of
        their language alone for a turn that `asks_the_policy`, else `StorageUnavailable`. `owed_now`: a reference
        stored anew starts sending what is owed to them (not for an install outside school hours)."""
        activity = context.activity
        teams_language = Lang.from_locale(activity.locale) if activity.locale else None
        try:
            profile = await self._profiles.get_profile(person)
        except RecordNotFound:
            profile = UserProfile(person=person)
        except StorageUnavailable as error:
            if not asks_the_policy(person):
                raise
            # A question the policy's own words answer, or a button opening them, needs no storage: it is answered, in
            # their language as this instance last knew it (else their Teams'), and what it would keep is not kept
            # (README, Reliability).
            log.warning("profile not read, the policy's words are given without it: storage unavailable: %s", error)
            choice = self._choices.get(person.key)
            context.turn_state[_SPEAKS] = choice or teams_language or Lang.EN
            return UserProfile(person=person, language=choice)
        # Their choice, else this turn's Teams, else the Teams they last wrote from (an activity may carry no locale):
        # the same for every reply of the turn, an error's too.
        context.turn_state[_SPEAKS] = profile.language or teams_language or profile.speaks()
        self._keep_choice(person, profile.language)
        if self._scope(activity) is Scope.PERSONAL:
            # Kept in the write the reference already makes, for messages sent to them by others' actions (their time
            # zone too, written only when Teams gives another: no write of its own on a question turn).
            reference = conversation_ref_json(activity)
            now = self._clock()
            zone = _time_zone(activity)
            if profile.needs_refresh(reference, now, teams_language, zone):
                profile = profile.refreshed(reference, now, person.name, teams_language, zone)
                await self._profiles.save_contact(profile)  # a choice made meanwhile on another device stays
                if owed_now:
                    self._deliverer.deliver_soon(person)
        return profile

    async def _begin(self, context: TurnContext, *, meanwhile: Callable[[], object] = lambda: None,
                     asks_the_policy: Callable[[Person], bool] = lambda _: False, owed_now: bool = True
                     ) -> tuple[Person, Lang, UserProfile] | str:
        """Who the person is and their profile; `meanwhile` is started once they are known to be someone the bot
        serves, side by side with the profile's read; `asks_the_policy`: the turn goes on when storage cannot read the
        profile, and `owed_now` (`_load_profile`)."""
        activity = context.activity
        person = self._person(activity)
        lang = Lang.from_locale(activity.locale)
        if person is None:
            await self._reply_error(context, lang, "error.not_allowed")
            return "no-identity"
        if not self._federation.serves_tenant(person.tenant_id):
            await self._reply_error(context, lang, "error.other_tenant", federation=self._federation.name(lang))
            return "other-tenant"
        meanwhile()
        profile = await self._load_profile(person, context, asks_the_policy, owed_now=owed_now)
        if not person.name:
            # Teams leaves the name out of an install's conversationUpdate: the one it gave before, or the member's
            # name in this chat, so the first greeting names the person like every later one.
            person = replace(person, name=profile.person.name or await self._member_name(context))
        return person, self._speaks(context), profile

    async def _member_name(self, context: TurnContext) -> str:
        sender = context.activity.from_property
        try:
            member = await TeamsInfo.get_member(context, sender.id)
        except Exception as error:  # a name is a courtesy: without one the card greets without it
            log.info("member name not available: %s", type(error).__name__)
            return ""
        return " ".join((member.name or "").split())[:100]

    async def _membership(self, context: TurnContext) -> Membership:
        """What Teams' member lookup says the sender is in the tenant (a message carries no guest mark): asked only when
        a flow is about to send something to someone else. A lookup that fails or is slow is logged and says
        NOT_KNOWN, which the flows take as staff."""
        try:
            async with asyncio.timeout(MEMBER_LOOKUP_SECONDS):
                member = await TeamsInfo.get_member(context, context.activity.from_property.id)
        except Exception as error:  # the connector raises many types; the request must not be lost to any of them
            log.warning("membership not known: %s", type(error).__name__)
            return Membership.NOT_KNOWN
        role = str(getattr(member, "user_role", None) or "").lower()
        return Membership.GUEST if role in _NOT_STAFF else Membership.STAFF if role == "user" else Membership.NOT_KNOWN

    async def _on_message(self, context: TurnContext) -> str:
        activity = context.activity
        text = words_asked(_typed_text(activity.text or ""))
        value = activity.value if isinstance(activity.value, dict) else {}
        verb = value.get("verb") if isinstance(value.get("verb"), str) else ""

        def asks_the_policy(person: Person) -> bool:
            """Words the question flow takes (a question, a section, the document's details), which it answers from
            the policy in force, kept in the process, when storage is down; and words a flow answers from what the
            process holds alone ("hi", "help", "cymorth": `AnswersWithoutStorage`)."""
            if verb or not text or len(text) > MAX_TEXT:
                return False
            asked = Turn(actor=person, lang=Lang.from_locale(activity.locale), scope=self._scope(activity), text=text)
            return ((self._kept is not None and self._router.flow_for_text(asked) is self._kept)
                    or not self._router.text_needs_storage(asked))

        begun = await self._begin(context, asks_the_policy=asks_the_policy)
        if isinstance(begun, str):
            return begun
        person, lang, profile = begun
        self._take_back_a_held_welcome(person, self._scope(activity), profile)
        # A Send may come as a message with a value (an old-style submit): Teams is asked who sent it as for a click.
        turn = Turn(actor=person, lang=lang, scope=self._scope(activity), text=text, verb=str(verb or ""),
                    data=value if verb else {}, files=_sent_files(activity), picture=_sent_picture(activity),
                    message_id=_message_id(activity), edited=_edited(activity), received_at=_received_at(activity),
                    conversation=_conversation_id(activity), membership=partial(self._membership, context),
                    time_zone=_time_zone(activity) or profile.time_zone)
        if turn.edited and turn.message_id:
            await self._take_back_words_before(turn)
        if len(text) > MAX_TEXT:
            # In the language of the words, as they would have been answered (the first of them say which it is).
            said_in = in_the_words_language(replace(turn, text=text[:MAX_TEXT])).lang
            await send_in_turn(context, self._card_activity(error_card(
                self._strings, said_in, "error.too_long", length=len(text), limit=MAX_TEXT)))
            return "too-long"
        reply = await self._route(turn)
        self._leave_for_after_the_answer(reply)
        await self._remember_language(profile, reply)
        for n, card in enumerate(([reply.card] if reply.card else []) + reply.more):
            sent = await send_in_turn(context, self._card_activity(card))
            if n == 0 and reply.card and reply.card_key and sent is not None and sent.id:
                # Where it was posted, so later messages can replace it (a report's card, its reference typed).
                self._deliverer.remember_card_soon(person, reply.card_key, sent.id)
        return f"message:{self._logged(turn.verb) if turn.verb else 'text'}"

    async def _on_card_action(self, context: TurnContext) -> str:
        activity = context.activity
        action = _invoke_action(activity)
        lang = Lang.from_locale(activity.locale)
        if action is None:
            await self._invoke_reply(context, InvokeResponse(status=400, body={
                "statusCode": 400, "type": "application/vnd.microsoft.error",
                "value": {"code": "BadRequest", "message": "only Action.Execute is supported"}}))
            return "invoke-bad"
        verb, data = action
        ahead = _ReadAhead(self._router, verb, data)
        try:
            # A button that opens the policy's words needs no record, as a question about it: answered without storage.
            begun = await self._begin(context, meanwhile=ahead.start,
                                      asks_the_policy=lambda _: not self._router.needs_storage(verb))
            if isinstance(begun, str):
                return begun
            person, lang, profile = begun
            self._take_back_a_held_welcome(person, self._scope(activity), profile)
            turn = Turn(actor=person, lang=lang, scope=self._scope(activity), verb=verb, data=data, is_invoke=True,
                        refreshed=_is_refresh(activity), membership=partial(self._membership, context),
                        ahead=ahead.task, time_zone=_time_zone(activity) or profile.time_zone)
            reply = await self._route(turn)
        finally:
            await ahead.close()
        self._leave_for_after_the_answer(reply)
        await self._remember_language(profile, reply)
        # Teams' automatic refresh of a card asks for that card's current state: it always replaces the card.
        as_new_message = reply.new_message and not _is_refresh(activity)
        if reply.card is not None and not as_new_message:
            await self._invoke_reply(context, InvokeResponse(status=200, body={
                "statusCode": 200, "type": ADAPTIVE_CARD, "value": reply.card}))
            if reply.card_key and activity.reply_to_id:
                self._deliverer.remember_card_soon(person, reply.card_key, activity.reply_to_id)
                if turn.scope is Scope.PERSONAL:
                    # The invoke's answer replaces the card on the clicking device only; the person's other
                    # devices get it by an edit of the message. Never in a shared chat: the answer is the clicker's.
                    self._deliverer.replace_soon(TurnContext.get_conversation_reference(activity),
                                                 activity.reply_to_id, reply.card)
        else:
            # The clicked card stays as it is.
            await self._invoke_reply(context, InvokeResponse(status=200, body={
                "statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": " "}))
        if reply.card is not None and as_new_message:
            sent = await send_in_turn(context, self._card_activity(reply.card))
            if reply.card_key and sent is not None and sent.id:
                self._deliverer.remember_card_soon(person, reply.card_key, sent.id)
        for card in reply.more:
            await send_in_turn(context, self._card_activity(card))
        return f"invoke:{self._logged(verb)}" + (":refused" if reply.refused else "")

    async def _on_install(self, context: TurnContext) -> str:
        """The welcome, once per install. Teams sends a conversationUpdate and an installationUpdate for one install, in
        either order, and only the installationUpdate carries the locale of the person's Teams: it alone is answered
        (as Microsoft advises), and only for "add" (not an update of the app, nor its removal, which is recorded)."""
        activity = context.activity
        if activity.action in REMOVED:
            return await self._on_remove(context)
        if activity.action != "add":
            return "ignored"
        now = self._clock()
        calendar = self._federation.calendar
        outside_hours = calendar.in_school_hours(now) > now and self._scope(activity) is Scope.PERSONAL
        begun = await self._begin(context, owed_now=not outside_hours)
        if isinstance(begun, str):
            return begun
        person, lang, _ = begun
        if outside_hours:
            # Nobody pressed anything: what was owed to them waits for school hours too (a card of Publish, a request).
            self._deliverer.hold_owed_soon(person, now, calendar)
            return await self._welcome_in_school_hours(person, now)
        reply = await self._route(Turn(actor=person, lang=lang, scope=self._scope(activity), text="hi"))
        self._leave_for_after_the_answer(reply)
        if reply.card:
            await send_in_turn(context, self._card_activity(reply.card))
        return "welcome"

    async def _welcome_in_school_hours(self, person: Person, now: datetime) -> str:
        """An install outside school hours (IT's setup policy installs the app for all staff overnight; Teams tells
        it apart from a person adding it in nothing): the welcome answers no one's press, so it waits for the next
        working day's school hours like any automatic message, in both languages (the sender chooses by theirs then).
        A person who writes to the bot or presses a button before then has met it: their turn takes it back."""
        cards = {each: (await self._route(Turn(actor=person, lang=each, scope=Scope.PERSONAL, text="hi"))).card
                 for each in Lang}
        english, welsh = cards[Lang.EN], cards[Lang.CY]
        if english is None or welsh is None:
            return "ignored"
        welcome = OutboundMessage(recipient=person, message_id=self._held_welcome_id(now), card=english,
                                  card_cy=welsh, preview=_line(english), preview_cy=_line(welsh), created_at=now)
        await self._deliverer.hold(in_school_hours([welcome], self._federation.calendar, now))
        try:  # so that only their turns look for it to take back (each costs two reads)
            await self._profiles.save_welcome_held(person, self._federation.calendar.in_school_hours(now))
        except DomainError as error:  # it goes in the morning, though they may have met the bot by then
            log.warning("could not note the held welcome: %s", type(error).__name__)
        return "welcome-held"

    def _held_welcome_id(self, now: datetime) -> str:
        """The id of the welcome an install at `now`, outside school hours, keeps until they start: the same for every
        turn until then, so a turn takes it back by it."""
        return f"welcome|{self._federation.calendar.in_school_hours(now):%Y-%m-%dT%H:%M}"

    def _take_back_a_held_welcome(self, person: Person, scope: Scope, profile: UserProfile) -> None:
        """In the person's own chat, while their profile says an install keeps a welcome for the morning: it is not
        needed once they have written or pressed (their turn is answered); taken back after the answer."""
        now = self._clock()
        held = profile.welcome_held_until
        if scope is Scope.PERSONAL and held is not None and _utc(held) > _utc(now):
            self._deliverer.take_back_soon([OutboundMessage(recipient=person, message_id=self._held_welcome_id(now),
                                                            card={})])

    async def _on_remove(self, context: TurnContext) -> str:
        """The person removed the bot from their own Teams: Teams no longer lets it write to their 1:1 chat, so where
        to reach them is forgotten and they count as not reachable (a group is told where to find what they asked for,
        a request to them says it waits); messages owed to them stay in the outbox until they add the bot again or
        write to it, which stores the reference anew. Removed from a team or a group chat, nobody's 1:1 chat changed.
        Nothing is said: there is nowhere left to say it."""
        activity = context.activity
        person = self._person(activity)
        if self._scope(activity) is not Scope.PERSONAL or person is None \
                or not self._federation.serves_tenant(person.tenant_id):
            return "ignored"
        try:
            profile = await self._profiles.get_profile(person)
            if profile.conversation_ref:
                await self._profiles.save_contact(profile.without_chat(self._clock()))  # their language stays
        except RecordNotFound:
            pass  # never opened the bot: no reference to forget
        except StorageUnavailable as error:  # the reference stays: sends to it fail and are tried again, kept meanwhile
            log.warning("removal not recorded: %s", error)
            return "removal-not-recorded"
        return "removed"

    async def _take_back_words_before(self, turn: Turn) -> None:
        """An edited message's words first sent are taken back, whatever it now says ("thanks", a command, nothing):
        what was kept from them goes, as for a delete, before the new words are answered (a question kept again)."""
        if self._kept is None:
            return
        try:
            await self._kept.forget_message(turn.actor, turn.message_id, edited=True)
        except DomainError as error:  # the answer to the new words matters more; the old stay until retention
            log.warning("edited message: the questions kept from its words before stay (%s)", type(error).__name__)

    async def _on_undelete(self, context: TurnContext) -> str:
        """The person pressed Undo on a message they deleted: what its words ask is kept again (Teams sends the words
        with it), if the bot would take them as a question. Nothing is said, even on a fault: the answer is still in
        the chat, and Teams shows the person nothing for an Undo."""
        activity = context.activity
        begun = await self._begin(context)
        if isinstance(begun, str):
            return begun
        person, lang, _ = begun
        text = words_asked(_typed_text(activity.text or ""))
        turn = Turn(actor=person, lang=lang, scope=self._scope(activity), text=text, message_id=_message_id(activity),
                    conversation=_conversation_id(activity))
        if (self._kept is None or not turn.message_id or len(text) > MAX_TEXT
                or self._router.flow_for_text(turn) is not self._kept):
            return "undelete-nothing-to-keep"
        try:
            kept = await self._kept.keep_again(turn)
        except DomainError as error:  # Undo cannot be pressed twice: it is logged
            log.warning("undeleted message: its questions were not kept again (%s)", type(error).__name__)
            return "undelete-not-done"
        return "undeleted" if kept else "undelete-nothing-to-keep"

    async def _on_delete(self, context: TurnContext) -> str:
        """The person deleted a message of theirs: what the bot kept from it goes (the flows say what stays). Only the
        sender's own: a delete names a message id, and the records it reaches are the sender's, by the identity Teams
        gave the activity. Nothing is said, even on a fault: Teams shows the person nothing for a delete."""
        activity = context.activity
        person = self._person(activity)
        if self._kept is None or person is None or not self._federation.serves_tenant(person.tenant_id):
            return "ignored"
        forgotten = 0
        try:
            for message_id in _deleted_ids(activity):
                forgotten += await self._kept.forget_message(person, message_id)
        except DomainError as error:  # kept until retention: the person can delete nothing twice, so it is logged
            log.warning("deleted message: its questions were not deleted (%s)", type(error).__name__)
            return "delete-not-done"
        return "deleted" if forgotten else "delete-nothing-kept"

    async def _route(self, turn: Turn) -> Reply:
        try:
            return await self._router.route(turn)
        except (RecordNotFound, NotAllowed):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except ConcurrentChange:
            return Reply(card=error_card(self._strings, turn.lang, "error.storage"))

    def _leave_for_after_the_answer(self, reply: Reply) -> None:
        """Start what the reply leaves for after its answer; it runs while the answer goes out, never before it is
        ready, and is started even should sending the answer fail."""
        if reply.afterwards is not None:
            self._deliverer.after_the_answer(reply.afterwards)

    async def _remember_language(self, profile: UserProfile, reply: Reply) -> None:
        if reply.language is not None and reply.language != profile.language:
            await self._profiles.save_language(profile.person, reply.language)
            self._keep_choice(profile.person, reply.language)

    def _keep_choice(self, person: Person, choice: Lang | None) -> None:
        """Keep the person's language choice (or forget it, when they have none) for the busy answer."""
        self._choices.pop(person.key, None)  # re-inserted last: the oldest stay first
        if choice is not None:
            self._choices[person.key] = choice
            while len(self._choices) > CHOICES_REMEMBERED:
                del self._choices[next(iter(self._choices))]

    @staticmethod
    def _card_activity(card: Mapping[str, Any]) -> Activity:
        """The card as a message, with its notification line (`fallbackText`) as the activity's summary: what Teams'
        activity feed and a phone's lock screen show for it, instead of "Sent a card"."""
        activity = MessageFactory.attachment(CardFactory.adaptive_card(dict(card)))
        if isinstance(line := card.get("fallbackText"), str) and line:
            activity.summary = line
        return activity

    @staticmethod
    async def _invoke_reply(context: TurnContext, response: InvokeResponse) -> None:
        await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=response))

    async def _reply_error(self, context: TurnContext, lang: Lang, key: str, **values: object) -> None:
        if context.activity.type == ActivityTypes.message_delete or _undeleted(context.activity):
            return  # a delete or its Undo is never answered: Teams shows the person nothing for it
        text = self._strings.text(key, lang, **values)
        try:
            if context.activity.type == ActivityTypes.invoke:
                await self._invoke_reply(context, InvokeResponse(status=200, body={
                    "statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}))
                return
            await send_in_turn(context, self._card_activity(error_card(self._strings, lang, key, **values)))
        except Exception as error:  # the connector itself may be what failed; the log line is all we can do
            log.warning("could not tell the user about an error: %s", type(error).__name__)
