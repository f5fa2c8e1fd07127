"""Publishing a new version of the policy: the policy owner sends the Word document in their 1:1 chat, sees a
preview (version, dates, sections added / removed / changed, the policy check) and publishes with one click.
`python -m bot publish-policy` goes through `publish` here too, so both paths follow the same rules.

Publishing stores the version, makes it current and marks its read-and-confirm campaign owed, in one transaction;
the campaign is then queued (in the background after a click), and a fault leaves it owed for the periodic pass.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from bot.domain.directory import StaffDirectory
from bot.domain.downloads import DownloadFailed, Downloads
from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound, StorageUnavailable
from bot.domain.federation import Federation, School
from bot.domain.people import Lang, Person
from bot.domain.policy_reads import Audience, audience
from bot.domain.policy_versions import (
    CurrentPointer,
    Draft,
    PolicyChanges,
    PolicyTooLarge,
    PolicyVersion,
    PolicyVersions,
    PublishPlan,
    PublishRefused,
    changed_welsh,
    compare_policies,
    document_sha256,
    plan_publish,
    same_version_and_words,
    unchanged_policy,
    version_number,
)
from bot.policy.documents import MAX_DOCUMENT_BYTES, PolicyCheck, check_policy, read_sent_file, safe_name
from bot.policy.importer import Imported, PolicyImportError
from bot.policy.loader import PolicyFileError, policy_from_data
from bot.policy.model import Policy
from bot.policy.notes import Note, said_as_given
from cards import publishing as cards
from cards.common import error_card, notice_card
from cards.i18n import Catalogue, note_text, refusal_text
from dialogs.base import CardData, Handler, Reply, Text, Turn, Verb, normalise
from dialogs.language import in_the_listed_language
from dialogs.phrases import listed_in_welsh, read_phrases, said_only
from dialogs.policy_reads import ReadingFlow

log = logging.getLogger(__name__)

PUBLISH_WORDS = frozenset(read_phrases("policy-publish.txt"))
_IN_WELSH = listed_in_welsh("policy-publish.txt")
_DRAFT_ID = re.compile(r"^D-[0-9a-f]{16}$")


@dataclass(frozen=True)
class Published:
    """What publishing did: the version now current, whether it was stored before, how many staff are asked
    (those on the list with an Entra id; made current again, those of them who have not confirmed it; None when no
    staff list has been imported), and whether storage went away once it was stored (`cards_later`: its campaign is
    left owed, and the periodic pass sends the cards)."""

    version: str
    reinstated: bool
    staff: int | None
    cards_later: bool = False
    unreachable: int = 0  # on the staff list with no Entra id: nobody can ask them in Teams
    previous: str = ""  # the version it replaced (what Withdraw goes back to)
    audience: Audience | None = None  # who its campaign asks, by school (when their cards go is said by school)
    previous_asked: bool = False  # staff were asked to read `previous`: Withdraw asks them to read it again



class WithdrawClick(CardData):
    """Withdraw on the published card (asked first): the version it withdraws, and `back`, the version the card said
    it goes back to (cards before it did not say)."""

    version: Text = ""
    back: Text = ""


class DraftClick(CardData):
    """Publish and Cancel on the preview card: the draft they are about; on Publish, `asked`, how many members of staff
    the card said publishing would ask (cards before it said none), and `replaces`, the version in force the card
    compared it with (cards before it did not say)."""

    draft: Text = ""
    asked: Text = ""
    replaces: Text = ""


@dataclass(frozen=True)
class Proposal:
    """What publishing a document now would do (`plan`), who its campaign would ask, and the version in force it
    replaces: what the publisher confirms before anything goes."""

    plan: PublishPlan
    audience: Audience
    replaces: str
    unconfirmed: int = 0  # how many on the staff list asked to read `replaces` have not confirmed it


class AudienceChanged(Exception):
    """The staff list changed since the publisher was told how many it would ask: nothing was published."""

    def __init__(self, version: str, now: Audience, was: int) -> None:
        super().__init__(f"version {version} would ask {now.asked}, not {was}")
        self.version = version
        self.now = now
        self.was = was


class InForceChanged(Exception):
    """Another version was made current since the publisher was told which version this one replaces: nothing was
    published."""

    def __init__(self, version: str, now: str, was: str) -> None:
        super().__init__(f"version {version} would replace {now}, not {was}")
        self.version = version
        self.now = now
        self.was = was


def _withdrawn_to(pointer: CurrentPointer, record: PolicyVersion) -> str:
    """The version Withdraw makes current again: the one in force just before this version was made current (sent
    again, it replaced whatever was in force then), when that is older; else (the pointer moved back to it by a
    withdrawal or a rollback, or written before it said) the version it replaced when first published."""
    if pointer.previous and _same_version(pointer.previous, record.version) is False:
        try:
            if version_number(pointer.previous) < version_number(record.version):
                return pointer.previous
        except PublishRefused:
            pass
    return record.changes.previous


def _same_version(one: str, other: str) -> bool | None:
    """Whether two version numbers name the same version ("2.0" is 2); None when either is not a number."""
    try:
        return version_number(one) == version_number(other)
    except PublishRefused:
        return None


class PublishingFlow:
    """The policy owner's document, its preview, and publishing (by click or by command)."""

    def __init__(self, *, strings: Catalogue, federation: Federation, versions: PolicyVersions,
                 reading: ReadingFlow, directory: StaffDirectory, shipped: Callable[[], Mapping[str, Any]],
                 downloads: Downloads | None = None, refresh: Callable[[], Awaitable[int]] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._strings = strings
        self._federation = federation
        self._versions = versions
        self._reading = reading
        self._directory = directory
        # The shipped policy file's content: in force while storage holds no version.
        self._shipped = shipped
        self._downloads = downloads
        self._refresh = refresh
        self._clock = clock
        self._background: set[asyncio.Task[None]] = set()

    def verbs(self) -> Mapping[str, Verb]:
        """The preview card's buttons."""
        return {cards.VERB_PUBLISH: Verb(self.publish_click, DraftClick),
                cards.VERB_CANCEL: Verb(self.cancel, DraftClick),
                cards.VERB_WITHDRAW: Verb(self.withdraw, WithdrawClick)}

    def match_text(self, turn: Turn) -> Handler | None:
        """A file sent to the bot, or asking how to publish."""
        if turn.files:
            return self.receive_file
        said = normalise(turn.text)
        if listed := said_only(said, PUBLISH_WORDS):  # listed only in Welsh: Welsh; any other, the person's language
            return in_the_listed_language(self.how, listed_in_welsh=True) if listed in _IN_WELSH else self.how
        return None

    def _default_policy(self) -> Policy:
        return policy_from_data(self._shipped(), "the shipped policy file")

    def _is_owner(self, person: Person) -> bool:
        return person.aad_object_id == self._federation.policy_owner.aad_object_id

    def _refusal(self, turn: Turn, key: str = "publish.not_owner") -> Reply:
        return Reply(card=error_card(self._strings, turn.lang, key, owner=self._federation.policy_owner.name))

    async def how(self, turn: Turn) -> Reply:
        """How to publish (for the policy owner); anyone else hears who can (no file was sent to speak of)."""
        if not self._is_owner(turn.actor):
            return self._refusal(turn, "publish.not_owner_typed")
        return Reply(card=notice_card(self._strings.text("publish.how", turn.lang)))

    # The document

    async def receive_file(self, turn: Turn) -> Reply:
        """Check the policy owner's document and show what publishing it would do; anyone else is refused
        before anything is downloaded."""
        if not turn.is_private:
            return Reply(card=error_card(self._strings, turn.lang, "publish.only_private"))
        if not self._is_owner(turn.actor):
            return self._refusal(turn)
        sent = turn.files[0]
        if self._downloads is None:
            return Reply(card=error_card(self._strings, turn.lang, "publish.download_failed"))
        try:
            content = await self._downloads.fetch(sent.download_url)
        except DownloadFailed as failed:
            if failed.reason == "too_large":
                return Reply(card=error_card(self._strings, turn.lang, "publish.download_too_large",
                                             limit=MAX_DOCUMENT_BYTES // (1024 * 1024)))
            return Reply(card=error_card(self._strings, turn.lang, "publish.download_failed"))
        current = await self._current_policy()
        try:
            # The shipped file lends the Welsh of a heading the version in force dropped and this one brings back.
            imported = await asyncio.to_thread(partial(read_sent_file, earlier=(self._default_policy(),)), content,
                                               sent.name, current)
        except PolicyImportError as error:  # said in her language where the string tables say it
            key = ("publish.import_refused" if error.note is not None and not said_as_given(error.note)
                   else "publish.import_failed")
            return Reply(card=error_card(self._strings, turn.lang, key,
                                         reason=refusal_text(self._strings, error, turn.lang)))
        check = await asyncio.to_thread(check_policy, imported)
        draft_id = f"D-{secrets.token_hex(8)}"
        refusal, plan = await self._preview_plan(imported, check)
        # Who Publish will send a card to, said before anything goes: one click messages every member of staff (made
        # current again, those who have not confirmed it).
        asked = (None if plan is None else await self._reading.not_confirmed(plan.version) if plan.reinstate
                 else await self.audience())
        unconfirmed = await self._still_to_confirm() if plan is not None and not plan.reinstate else 0
        if check.passed and refusal is None:
            # The draft keeps the notes as the English preview gave them (what the record shows).
            notes = tuple(note_text(self._strings, note, Lang.EN) for note in imported.warnings)
            await self._versions.save_draft(Draft(draft_id, imported.data, notes, turn.actor.aad_object_id,
                                                  self._clock()))
        return self._preview(turn, draft_id, safe_name(sent.name), imported, check, current, refusal, plan, asked,
                             unconfirmed)

    async def _still_to_confirm(self) -> int:
        """Published while the version in force is still being confirmed: how many have not, whose cards of it go."""
        pointer = await self._versions.get_pointer()
        return await self._reading.still_to_confirm(pointer.version) if pointer is not None else 0

    def now(self) -> datetime:
        """The flow's clock (what a command says of when cards go reads it too)."""
        return self._clock()

    def cards_go(self, asked: Audience | None) -> list[tuple[School, datetime]]:
        """When cards queued now reach the staff `asked` counts, by school (`ReadingFlow.cards_go`)."""
        schools = [school for school, count in asked.schools if count] if asked is not None else []
        return self._reading.cards_go(schools or self._federation.schools, self._clock())

    async def audience(self) -> Audience:
        """Who a campaign started now would ask, per school (the staff list as it is now)."""
        return audience(self._federation.schools, await self._directory.list_members())

    async def _current_policy(self) -> Policy:
        """The version current in storage (a running bot may be seconds behind), else the shipped file."""
        pointer = await self._versions.get_pointer()
        if pointer is None:
            return self._default_policy()
        try:
            return policy_from_data(await self._versions.get_policy_data(pointer.version))
        except PolicyFileError as error:
            raise RecordNotFound(f"current version {pointer.version} unreadable") from error

    async def _preview_plan(self, imported: Imported, check: PolicyCheck
                            ) -> tuple[tuple[str, dict[str, str]] | None, PublishPlan | None]:
        """(why publishing it is refused, or None; what publishing it will do, or None when refused or unchecked)."""
        if check.policy is None:
            return None, None
        try:
            plan, *_ = await self._plan(check.policy, imported.data)
        except PublishRefused as refused:
            return (refused.key, dict(refused.values)), None
        return None, plan

    def _preview(self, turn: Turn, draft_id: str, name: str, imported: Imported, check: PolicyCheck,
                 current: Policy, refusal: tuple[str, dict[str, str]] | None, plan: PublishPlan | None,
                 asked: Audience | None, unconfirmed: int = 0) -> Reply:
        if check.policy is None:  # not a valid policy file: show what the check found, in her language where it can
            shown = check.problems[:3]
            reason = "; ".join(note_text(self._strings, problem, turn.lang) for problem in shown)
            key = "publish.import_failed" if any(map(said_as_given, shown)) else "publish.import_refused"
            return Reply(card=error_card(self._strings, turn.lang, key, reason=reason))
        policy = check.policy
        return Reply(card=cards.preview_card(
            self._strings, turn.lang, draft_id=draft_id, file_name=name, details=policy.details,
            current_version=current.details.version, sections=len(policy.sections),
            passages=len(policy.all_passages()), changes=compare_policies(current, policy),
            problems=[note_text(self._strings, problem, turn.lang) for problem in check.problems],
            notes=[note_text(self._strings, note, turn.lang) for note in check.notes], refusal=refusal,
            audience=asked, reinstate=plan is not None and plan.reinstate, unconfirmed=unconfirmed,
            goes=self.cards_go(asked), now=self._clock(), zone=turn.time_zone))

    # Publishing

    async def _plan(self, policy: Policy, data: Mapping[str, Any]) -> tuple[PublishPlan, CurrentPointer | None,
                                                                          PolicyVersion | None, Policy]:
        """(what publishing will do, the pointer seen, the current record, the policy in force), or PublishRefused."""
        pointer = await self._versions.get_pointer()
        current = await self._versions.get(pointer.version) if pointer else None
        in_force = (policy_from_data(await self._versions.get_policy_data(current.version)) if current is not None
                    else self._default_policy())
        unchanged = unchanged_policy(in_force, policy)
        correction = not unchanged and same_version_and_words(in_force, policy)  # the number and English in force
        plan = plan_publish(policy.details.version, document_sha256(data), current=current,
                            default_version=in_force.details.version if current is None else "",
                            stored=await self._versions.list_versions(), unchanged=unchanged,
                            welsh_changed=correction and changed_welsh(in_force, policy) > 0, details_only=correction)
        return plan, pointer, current, in_force

    def _in_english(self, problems: Sequence[Note]) -> str:
        """The check's problems as a refusal's reason, which a command prints as it is: in English."""
        return "; ".join(note_text(self._strings, problem, Lang.EN) for problem in problems)

    async def propose(self, data: Mapping[str, Any]) -> Proposal:
        """What publishing `data` now would do, who its campaign would ask, and the version in force it would replace;
        PublishRefused says why it may not."""
        check = check_policy(Imported(dict(data), ()))
        if check.policy is None:
            raise PublishRefused("publish.import_failed", reason=self._in_english(check.problems[:3]))
        plan, _, _, in_force = await self._plan(check.policy, data)
        if plan.reinstate:  # made current again: those who have not confirmed it are asked to read it again
            return Proposal(plan, await self._reading.not_confirmed(plan.version), in_force.details.version)
        return Proposal(plan, await self.audience(), in_force.details.version, await self._still_to_confirm())

    async def publish(self, data: Mapping[str, Any], *, by: Person, campaign_now: bool = True,
                      expected_asked: int | None = None, expected_replaces: str | None = None) -> Published:
        """Check, store as the current version and start its campaign (now, or in the background); a stored
        document is made current again without a second campaign. PublishRefused says why not; with `expected_asked`
        (how many the publisher was told it would ask), AudienceChanged when the staff list now gives another number;
        with `expected_replaces` (the version in force the publisher was told it replaces), InForceChanged when another
        is in force now; either way nothing is published."""
        check = check_policy(Imported(dict(data), ()))
        if check.policy is None:
            raise PublishRefused("publish.import_failed", reason=self._in_english(check.problems[:3]))
        policy = check.policy
        plan, pointer, current, previous = await self._plan(policy, data)
        reinstate, version = plan.reinstate, plan.version
        if expected_replaces is not None and previous.details.version != expected_replaces:
            raise InForceChanged(version, previous.details.version, expected_replaces)
        if expected_asked is not None and not reinstate and (now := await self.audience()).asked != expected_asked:
            raise AudienceChanged(version, now, expected_asked)
        try:
            if reinstate:
                await self._versions.make_current(version, by=by.name, expected=pointer)
            else:
                earlier = None if current is not None else self._shipped_version()
                record = self._record(version, data, policy, by, compare_policies(previous, policy))
                await self._versions.publish(record, data, expected=pointer, earlier=earlier)
        except (ConcurrentChange, RecordExists):
            # Planned again against what is current now: this very document (a double click on Publish) is already
            # current; anything else was published or rolled back meanwhile.
            await self._plan(policy, data)
            raise PublishRefused("publish.changed_meanwhile") from None
        except PolicyTooLarge as too_large:
            raise PublishRefused("publish.too_large", detail=str(too_large)) from None
        log.info("policy version %s published%s", version, " again" if reinstate else "")
        previous_asked = current is not None and current.campaign
        try:
            members = await self._directory.list_members()
            # Made current again: whom it asks to read it again, counted before its cards are queued.
            again = await self._reading.not_confirmed(version) if reinstate else None
        except StorageUnavailable:
            # It is published (the transaction is in): saying "nothing was changed" would be wrong.
            log.warning("campaign for version %s left owed: storage unavailable", version)
            if self._refresh is not None:
                self._in_background(self._switch())
            return Published(version, reinstate, None, cards_later=True, previous=previous.details.version,
                             previous_asked=previous_asked)
        if campaign_now:
            await self._campaign(version, reinstated=reinstate)
        else:
            self._in_background(self._campaign(version, reinstated=reinstate))
        if self._refresh is not None:
            self._in_background(self._switch())
        if again is not None:
            return Published(version, reinstate, again.asked if members else None, previous=previous.details.version,
                             audience=again, previous_asked=previous_asked)
        reachable = sum(1 for member in members if member.aad_object_id)
        return Published(version, reinstate, reachable if members else None,
                         unreachable=len(members) - reachable, previous=previous.details.version,
                         audience=audience(self._federation.schools, members), previous_asked=previous_asked)

    def _record(self, version: str, data: Mapping[str, Any], policy: Policy, by: Person,
                changes: PolicyChanges) -> PolicyVersion:
        document = data.get("document")
        return PolicyVersion(
            version=version, sha256=document_sha256(data), title=policy.details.title.en, published_at=self._clock(),
            published_by=by.name, published_by_id=by.aad_object_id,
            file=str(document.get("file", "")) if isinstance(document, Mapping) else "",
            date_of_issue=policy.details.date_of_issue, changes=changes)

    def _shipped_version(self) -> tuple[PolicyVersion, Mapping[str, Any]] | None:
        """The shipped file as a version of its own, kept when the first version is published so that it can be
        gone back to (not when it has no version number to keep it under). Its number is never given to other words
        (`plan_publish`), and storage refuses a version stored twice, so publishing never loses it."""
        data = self._shipped()
        policy = policy_from_data(data, "the shipped policy file")
        try:
            version_number(policy.details.version)
        except PublishRefused:
            return None
        kept = self._record(policy.details.version, data, policy, Person("", "", "shipped with the bot"),
                            PolicyChanges())
        return replace(kept, campaign=False), data

    async def _campaign(self, version: str, *, reinstated: bool = False) -> None:
        """A new version's campaign; for one made current again, no new campaign, but the queue settled for it (the
        other versions' cards still waiting taken back, its own owed again where they were)."""
        try:
            if reinstated:
                await self._reading.settle(version)
            else:
                await self._reading.start_campaign(version)
            await self._versions.campaign_queued(version)
        except StorageUnavailable:
            log.warning("campaign for version %s left owed: storage unavailable", version)

    async def _switch(self) -> None:
        if self._refresh is None:
            return
        try:
            await self._refresh()
        except StorageUnavailable:
            log.warning("this instance will switch versions at its next poll: storage unavailable")

    def _in_background(self, job: Awaitable[None]) -> None:
        async def run() -> None:
            await job

        task = asyncio.get_running_loop().create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for campaigns and switches started by clicks (tests; shutdown)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def publish_click(self, turn: Turn) -> Reply:
        """The policy owner's one click on Publish: the draft is reloaded and checked again."""
        if not self._is_owner(turn.actor):  # e.g. a former policy owner's preview: no file was sent to speak of
            return self._refusal(turn, "publish.not_owner_click")
        draft_id = turn.data.get("draft")
        if not isinstance(draft_id, str) or not _DRAFT_ID.match(draft_id):
            return Reply(card=error_card(self._strings, turn.lang, "publish.draft_gone"))
        try:
            draft = await self._versions.get_draft(draft_id)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "publish.draft_gone"))
        said = str(turn.data.get("asked") or "")
        told = int(said) if said.isascii() and said.isdigit() and len(said) <= 9 else -1
        compared = str(turn.data.get("replaces") or "")
        try:
            # A preview from before it said how many it asks (no `asked`) publishes as it promised; a number that is
            # not one (made up) matches no staff list. So with `replaces`, the version it was compared with.
            published = await self.publish(draft.data, by=turn.actor, campaign_now=False,
                                           expected_asked=told if said else None,
                                           expected_replaces=compared or None)
        except PublishRefused as refused:
            return Reply(card=error_card(self._strings, turn.lang, refused.key, **refused.values))
        except InForceChanged:
            # What the preview compared it with, and said of who has still to confirm it, no longer holds.
            return Reply(card=error_card(self._strings, turn.lang, "publish.changed_meanwhile"))
        except AudienceChanged as changed:
            return Reply(card=cards.audience_changed_card(self._strings, turn.lang, draft_id=draft_id,
                                                          version=changed.version, audience=changed.now,
                                                          was=max(changed.was, 0), replaces=compared))
        await self._forget(draft_id)
        now = self._clock()
        return Reply(card=cards.published_card(self._strings, turn.lang, version=published.version,
                                               asked=published.staff, reinstated=published.reinstated,
                                               cards_later=published.cards_later,
                                               unreachable=published.unreachable, previous=published.previous,
                                               previous_asked=published.previous_asked,
                                               by_school=published.audience.schools if published.reinstated
                                               and published.audience is not None else (),
                                               goes=self.cards_go(published.audience), now=now,
                                               zone=turn.time_zone))

    async def withdraw(self, turn: Turn) -> Reply:
        """Withdraw, pressed by the policy owner on a version's published card (it asked first): the version it replaced
        is made current again, as `rollback-policy` does, so its cards still waiting are taken back and nobody is asked
        to confirm a version no longer in force. Only the version in force is withdrawn."""
        if not self._is_owner(turn.actor):
            return Reply(card=self._refusal(turn, "publish.not_owner_withdraw").card, refused=True)
        version = str(turn.data.get("version") or "")
        try:
            wanted = version_number(version)
        except PublishRefused:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        pointer = await self._versions.get_pointer()
        if pointer is None or version_number(pointer.version) != wanted:
            return self._not_in_force(turn, version, pointer)
        try:
            record = await self._versions.get(pointer.version)
            going_to = _withdrawn_to(pointer, record)
            back = await self._versions.get(going_to) if going_to else None
        except RecordNotFound:
            back = None
        if back is None:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        said = str(turn.data.get("back") or "")
        if said and _same_version(said, back.version) is False:
            # The card asked "go back to version 2?", and the version it replaced is another now (sent again since, in
            # place of a version IT rolled back to): doing what she did not confirm would be wrong.
            return Reply(card=error_card(self._strings, turn.lang, "publish.withdraw_goes_elsewhere",
                                         version=record.version, said=said, back=back.version))
        try:
            await self._versions.make_current(back.version, by=turn.actor.name, expected=pointer)
        except ConcurrentChange:
            return self._not_in_force(turn, version, await self._versions.get_pointer())
        log.info("policy version %s withdrawn: version %s is current again", record.version, back.version)
        again: Audience | None = None
        if back.campaign:
            try:  # counted before its cards are queued again, as sending a version again counts them
                again = await self._reading.not_confirmed(back.version)
            except StorageUnavailable:
                log.warning("who is asked to read version %s again could not be counted", back.version)
        self._in_background(self._campaign(back.version, reinstated=True))
        if self._refresh is not None:
            self._in_background(self._switch())
        all_read = again is not None and again.listed and not again.asked
        return Reply(card=cards.withdrawn_card(self._strings, turn.lang, version=record.version,
                                               previous=back.version, asked_again=back.campaign and not all_read,
                                               all_read=all_read, goes=self.cards_go(again), now=self._clock(),
                                               zone=turn.time_zone))

    def _not_in_force(self, turn: Turn, version: str, pointer: CurrentPointer | None) -> Reply:
        """Withdraw pressed on a version not in force: withdrawn already (a second press, on another device or the same
        card: Teams shows the last answer in the card's place), or never in force now."""
        current = pointer.version if pointer is not None else self._default_policy().details.version
        if (pointer is not None and _same_version(pointer.previous, version)
                and version_number(pointer.version) < version_number(version)):
            return Reply(card=error_card(self._strings, turn.lang, "publish.withdrawn_already", version=version,
                                         current=current))
        return Reply(card=error_card(self._strings, turn.lang, "publish.withdraw_not_in_force", version=version,
                                     current=current))

    async def cancel(self, turn: Turn) -> Reply:
        """Forget the draft: nothing is published."""
        if not self._is_owner(turn.actor):
            return self._refusal(turn, "publish.not_owner_click")
        draft_id = turn.data.get("draft")
        if isinstance(draft_id, str) and _DRAFT_ID.match(draft_id):
            await self._forget(draft_id)
        return Reply(card=notice_card(self._strings.text("publish.cancelled", turn.lang)))

    async def _forget(self, draft_id: str) -> None:
        try:
            await self._versions.delete_draft(draft_id)
        except StorageUnavailable:
            log.warning("a draft could not be deleted; it is harmless and can be deleted later")
