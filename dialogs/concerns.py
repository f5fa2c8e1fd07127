"""Reporting, privately, that colleagues are pestering or targeting you; the line manager's side."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.domain.concerns import (
    LIMITS,
    ConcernReport,
    ConcernReports,
    ReportState,
    Routing,
    new_reference,
    route,
)
from bot.domain.directory import LineManagers, StaffDirectory, find_line_manager
from bot.domain.errors import (
    ConcurrentChange,
    DomainError,
    NotAllowed,
    RecordExists,
    RecordNotFound,
    StorageUnavailable,
)
from bot.domain.federation import Federation
from bot.domain.outbox import Notifier, OutboundMessage
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.profiles import UserProfiles, preferred_language
from cards import concerns as cards
from cards.common import VERB_CONCERN_FORM, error_card
from cards.elements import Card
from cards.i18n import Catalogue
from dialogs.base import Handler, Reply, Turn, normalise

log = logging.getLogger(__name__)
_REFERENCE = re.compile(r"C-[A-Z0-9]{6}")
FORM_WORDS = frozenset({"report a concern", "report concern", "concern", "report", "raise a concern",
                        "rhoi gwybod am bryder", "pryder", "codi pryder"})
# Statements about a colleague's behaviour open the form; questions ("what should I do if...?") get the policy.
_TARGETED = re.compile(
    r"\b(colleague|colleagues|coworker|co worker|member of staff|staff member|another teacher|cydweithiwr|"
    r"cydweithwyr|gydweithiwr|gydweithwyr)\b.*\b(keeps?|keep|pester\w*|target\w*|harass\w*|bull\w*|messag\w*|"
    r"picking on|abus\w*|attack\w*|poeni|targedu|bwlio|aflonyddu)|\b(i am|i m|im|i ve been|i have been|being|"
    r"dw i n cael fy|rwy n cael fy)\s*(being )?(pestered|targeted|harassed|bullied|mhoeni|nhargedu|mwlio)\b")


class ConcernFlow:
    """Private reports to line managers, acknowledgements, escalation and closing."""

    def __init__(self, *, strings: Catalogue, federation: Federation, reports: ConcernReports,
                 directory: StaffDirectory, managers: Sequence[LineManagers], notifier: Notifier,
                 profiles: UserProfiles, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 check_interval: float = 900.0) -> None:
        self._strings = strings
        self._check_interval = check_interval  # seconds between `check_reports` passes
        self._federation = federation
        self._reports = reports
        self._directory = directory
        self._managers = managers
        self._notifier = notifier
        self._profiles = profiles
        self._clock = clock

    def verbs(self) -> Mapping[str, Handler]:
        """The verbs of the concern cards."""
        return {VERB_CONCERN_FORM: self.form, cards.VERB_SUBMIT: self.submit,
                cards.VERB_ACKNOWLEDGE: self.acknowledge, cards.VERB_ESCALATE: self.escalate,
                cards.VERB_CLOSE: self.close}

    def match_text(self, turn: Turn) -> Handler | None:
        """"Report a concern", or a statement that a colleague is pestering or targeting the person."""
        said = normalise(turn.text)
        if said in FORM_WORDS:
            return self.form
        if _TARGETED.search(said) and not turn.text.rstrip().endswith("?"):
            return self.form
        return None

    async def _routing(self, person: Person, involved: str) -> Routing:
        """Who gets the report, why, and who it escalates to."""
        manager = await find_line_manager(person, self._managers)
        member = await self._directory.get_member(person)
        return route(person, involved, manager, self._federation, member.school if member else "")

    def _form(self, lang: Lang, routing: Routing, reference: str, values: Mapping[str, str] | None = None,
              error: str = "") -> Card:
        contact = "" if routing.escalation == routing.holder else routing.escalation.name
        return cards.form_card(self._strings, lang, manager=routing.holder.name, contact=contact,
                               reference=reference, values=values, error=error)

    async def form(self, turn: Turn) -> Reply:
        """The form, always in the private chat; in a group the bot says nothing of it there."""
        reference = new_reference()
        form = self._form(turn.lang, await self._routing(turn.actor, ""), reference)
        if turn.is_private:
            return Reply(card=form)
        await self._notifier.notify([OutboundMessage(
            recipient=turn.actor, message_id=f"concern-form|{reference}", card=form, created_at=self._clock())])
        return Reply()

    async def submit(self, turn: Turn) -> Reply:
        """Store the report, send it to the right person privately, and give the reporter a receipt."""
        if not turn.is_private:
            return Reply()
        texts = {key: (value.strip() if isinstance(value := turn.data.get(key), str) else "") for key in
                 ("what", "since", "where", "who", "evidence", "meeting", "urgent")}
        # The form's own reference makes a double click one report; anything else gets a fresh one.
        given = turn.data.get("ref")
        reference = given if isinstance(given, str) and _REFERENCE.fullmatch(given) else new_reference()
        routing = await self._routing(turn.actor, texts["who"])
        error = ""
        if not texts["what"]:
            error = self._strings.text("concern.required", turn.lang)
        elif any(len(texts[key]) > limit for key, limit in LIMITS.items() if key in texts):
            error = self._strings.text("concern.too_long", turn.lang)
        if error:
            return Reply(card=self._form(turn.lang, routing, reference, texts, error))
        report = ConcernReport(
            reference=reference, reporter=turn.actor, what=texts["what"], since=texts["since"],
            where=texts["where"], who=texts["who"], evidence=texts["evidence"],
            wants_meeting=texts["meeting"] == "true", urgent=texts["urgent"] == "true", submitted_at=self._clock(),
            assigned_to=routing.holder, route=routing.why, escalation_contact=routing.escalation)
        try:
            await self._reports.create(report)
        except RecordExists:
            existing = await self._reports.get(reference)
            if existing.reporter.key != turn.actor.key:
                report = replace(report, reference=new_reference())
                await self._reports.create(report)
            else:
                report = existing
        try:
            await self._notifier.notify([await self._to_holder(report)])
        except StorageUnavailable:
            # Saved but not queued: sending the same form again is the same report; `check_reports` queues it
            # anyway on its next pass.
            minutes = max(1, round(self._check_interval / 60))
            error = self._strings.text("concern.saved_not_sent", turn.lang, name=report.assigned_to.name,
                                       minutes=minutes)
            return Reply(card=self._form(turn.lang, routing, report.reference, texts, error))
        return Reply(card=cards.receipt_card(self._strings, turn.lang, report))

    async def _message(self, contact: StaffContact | Person, report: ConcernReport, message_id: str,
                       build: Callable[[Lang], Card], *, card_key: str = "") -> OutboundMessage:
        """A message in the recipient's own language; ids are derived from the report, so resending is harmless."""
        person = contact if isinstance(contact, Person) else Person(report.reporter.tenant_id,
                                                                     contact.aad_object_id, contact.name)
        lang = await preferred_language(self._profiles, person)
        return OutboundMessage(recipient=person, message_id=f"{report.reference}|{message_id}", card=build(lang),
                               card_key=card_key, created_at=self._clock())

    async def _to_holder(self, report: ConcernReport, *, reminder: bool = False) -> OutboundMessage:
        holder = report.escalation_contact if report.state is ReportState.ESCALATED else report.assigned_to
        kind = "reminder" if reminder else "escalated" if report.state is ReportState.ESCALATED else "to-holder"
        return await self._message(holder, report, kind, lambda lang: (
            cards.reminder_title(self._strings, lang, report) if reminder
            else cards.holder_card(self._strings, lang, report)),
            # A reminder is a new message (it should be noticed); anything else updates the card they have.
            card_key="" if reminder else f"{report.reference}|{holder.aad_object_id}")

    async def _save(self, before: ConcernReport, after: ConcernReport, action: str, actor: str,
                    messages: Callable[[ConcernReport], Awaitable[list[OutboundMessage]]]) -> ConcernReport:
        """Write a change (etag-guarded), then queue its messages; if they can't be queued, undo the change."""
        saved = await self._reports.save(after, action, actor)
        try:
            await self._notifier.notify(await messages(saved))
        except DomainError:
            try:
                await self._reports.save(replace(before, etag=saved.etag), f"{action} undone", "bot")
            except DomainError:
                log.error("report %s: %s saved but its messages were not queued", before.reference, action)
            raise StorageUnavailable("messages not queued") from None
        return saved

    async def _load(self, turn: Turn) -> ConcernReport:
        reference = turn.data.get("ref")
        if not turn.is_private or not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
            raise RecordNotFound("no report")
        report = await self._reports.get(reference)
        # A stranger learns nothing, not even that the reference exists.
        if report.reporter.tenant_id != turn.actor.tenant_id or not report.may_see(turn.actor):
            raise RecordNotFound("not visible")
        return report

    def _view(self, turn: Turn, report: ConcernReport) -> Reply:
        """The report as this (permitted) viewer should now see it."""
        return Reply(card=cards.holder_card(self._strings, turn.lang, report,
                                            can_act=report.handled_by(turn.actor)))

    async def _act(self, turn: Turn, action: str, change: Callable[[ConcernReport], ConcernReport],
                   messages: Callable[[ConcernReport], Awaitable[list[OutboundMessage]]]) -> Reply:
        try:
            report = await self._load(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        try:
            changed = change(report)
        except NotAllowed:
            return self._view(turn, report)  # e.g. the manager, after the report went to the headteacher
        if changed == report:
            return self._view(turn, report)
        try:
            saved = await self._save(report, changed, action, turn.actor.aad_object_id, messages)
        except ConcurrentChange:
            saved = await self._reports.get(report.reference)
        return self._view(turn, saved)

    async def acknowledge(self, turn: Turn) -> Reply:
        """The holder has read it; the reporter is told."""
        async def messages(report: ConcernReport) -> list[OutboundMessage]:
            return [await self._message(report.reporter, report, f"acknowledged-{report.state.value}", lambda lang:
                                        cards.acknowledged_card(self._strings, lang, report, by=turn.actor.name))]

        return await self._act(turn, "acknowledged", lambda r: r.acknowledged(turn.actor, self._clock()), messages)

    async def _escalation_messages(self, report: ConcernReport) -> list[OutboundMessage]:
        """The escalation contact gets the report; the reporter and the manager are told where it went."""
        return [await self._to_holder(report),
                await self._message(report.reporter, report, "escalated-reporter",
                                    lambda lang: cards.escalated_for_reporter(self._strings, lang, report)),
                await self._message(report.assigned_to, report, "escalated-manager",
                                    lambda lang: cards.holder_card(self._strings, lang, report, can_act=False),
                                    card_key=f"{report.reference}|{report.assigned_to.aad_object_id}")]

    async def escalate(self, turn: Turn) -> Reply:
        """The holder passes it to the escalation contact, with a note."""
        raw = turn.data.get("note")
        note = raw.strip()[:LIMITS["note"]] if isinstance(raw, str) else ""
        return await self._act(turn, "escalated", lambda r: r.escalated(turn.actor, note, self._clock()),
                               self._escalation_messages)

    async def close(self, turn: Turn) -> Reply:
        """Closed by the holder; the retention period starts."""
        async def nothing(report: ConcernReport) -> list[OutboundMessage]:
            return []

        return await self._act(turn, "closed", lambda r: r.closed(turn.actor, self._clock()), nothing)

    async def check_reports(self) -> int:
        """Remind once after two working days unacknowledged, escalate two more later; safe on many instances."""
        done = 0
        now = self._clock()
        for report in await self._reports.list_open():
            due = report.due(now)
            try:
                if report.state is ReportState.OPEN:
                    # The first message to the holder may have failed to queue at submit; its id is fixed by the
                    # report, so when it is already queued (or sent) this adds nothing.
                    await self._notifier.notify([await self._to_holder(report)])
                if due == "remind":
                    async def reminder(saved: ConcernReport) -> list[OutboundMessage]:
                        return [await self._to_holder(saved, reminder=True)]

                    await self._save(report, replace(report, reminded_at=now), "reminded", "task", reminder)
                elif due == "escalate":
                    await self._save(report, report.escalated(None, "", now), "escalated", "task",
                                     self._escalation_messages)
                else:
                    continue
            except ConcurrentChange:
                continue  # another instance claimed it first: it sends, this one does not
            done += 1
        return done

    async def purge(self, *, months: int, dry_run: bool = False) -> list[str]:
        """Delete reports whose retention period after closure has passed; return their references."""
        now = self._clock()
        expired = [r for r in await self._reports.list_all() if r.expired(now, months)]
        if dry_run:
            return [r.reference for r in expired]
        deleted = []
        for report in expired:
            try:
                await self._reports.delete(report, at=now)
            except (ConcurrentChange, RecordNotFound):
                continue  # another instance is deleting it (the running bot purges on every instance)
            deleted.append(report.reference)
        return deleted
