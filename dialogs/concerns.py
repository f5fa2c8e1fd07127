"""Reporting, privately, that colleagues are pestering or targeting you; the line manager's side."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.domain.concerns import (
    LIMITS,
    ConcernReport,
    ConcernReports,
    ReportState,
    Route,
    new_reference,
    route,
)
from bot.domain.directory import LineManagers, StaffDirectory, find_line_manager
from bot.domain.errors import ConcurrentChange, NotAllowed, RecordNotFound
from bot.domain.federation import Federation
from bot.domain.outbox import Notifier, OutboundMessage
from bot.domain.people import Person, StaffContact
from bot.domain.profiles import UserProfiles, preferred_language
from cards import concerns as cards
from cards.common import VERB_CONCERN_FORM, error_card
from cards.i18n import Catalogue
from dialogs.base import Handler, Reply, Turn, normalise

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
                 profiles: UserProfiles, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._strings = strings
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

    async def _recipient(self, person: Person, involved: str) -> tuple[StaffContact, Route, StaffContact]:
        """Who gets the report, why, and who it escalates to (the head; the chair when the head holds it)."""
        manager = await find_line_manager(person, self._managers)
        member = await self._directory.get_member(person)
        school_id = member.school if member else ""
        holder, why = route(person, involved, manager, self._federation, school_id)
        school = next((s for s in self._federation.schools if s.school_id == school_id), self._federation.schools[0])
        head = school.headteacher
        chair = self._federation.chair_of_governors or head
        escalation = chair if holder.aad_object_id in (head.aad_object_id, chair.aad_object_id) else head
        return holder, why, escalation

    async def form(self, turn: Turn) -> Reply:
        """The form, always in the private chat; in a group the bot says nothing of it there."""
        holder, _, escalation = await self._recipient(turn.actor, "")
        form = cards.form_card(self._strings, turn.lang, manager=holder.name, contact=escalation.name)
        if turn.is_private:
            return Reply(card=form)
        await self._notifier.notify([OutboundMessage(
            recipient=turn.actor, message_id=f"concern-form|{new_reference()}", card=form, created_at=self._clock())])
        return Reply()

    async def submit(self, turn: Turn) -> Reply:
        """Store the report, send it to the right person privately, and give the reporter a receipt."""
        if not turn.is_private:
            return Reply()
        values = {key: (turn.data.get(key) if isinstance(turn.data.get(key), str) else "") for key in
                  ("what", "since", "where", "who", "evidence", "meeting", "urgent")}
        texts = {key: str(value).strip() for key, value in values.items()}
        holder, why, escalation = await self._recipient(turn.actor, texts["who"])
        error = ""
        if not texts["what"]:
            error = self._strings.text("concern.required", turn.lang)
        elif any(len(texts[key]) > limit for key, limit in LIMITS.items() if key in texts):
            error = self._strings.text("concern.too_long", turn.lang)
        if error:
            return Reply(card=cards.form_card(self._strings, turn.lang, manager=holder.name, contact=escalation.name,
                                              values=texts, error=error))
        report = ConcernReport(
            reference=new_reference(), reporter=turn.actor, what=texts["what"], since=texts["since"],
            where=texts["where"], who=texts["who"], evidence=texts["evidence"],
            wants_meeting=texts["meeting"] == "true", urgent=texts["urgent"] == "true", submitted_at=self._clock(),
            assigned_to=holder, route=why, escalation_contact=escalation)
        await self._reports.create(report)
        await self._send_to(holder, report, f"{report.reference}|to-holder")
        return Reply(card=cards.receipt_card(self._strings, turn.lang, report))

    async def _send_to(self, contact: StaffContact, report: ConcernReport, message_id: str, *,
                       reminder: bool = False) -> None:
        person = Person(report.reporter.tenant_id, contact.aad_object_id, contact.name)
        lang = await preferred_language(self._profiles, person)
        card = (cards.reminder_title(self._strings, lang, report) if reminder
                else cards.holder_card(self._strings, lang, report))
        await self._notifier.notify([OutboundMessage(
            recipient=person, message_id=message_id, card=card, card_key=f"{report.reference}|{contact.aad_object_id}",
            created_at=self._clock())])

    async def _load(self, turn: Turn) -> ConcernReport:
        reference = turn.data.get("ref")
        if not turn.is_private or not isinstance(reference, str) or not re.fullmatch(r"C-[A-Z0-9]{6}", reference):
            raise RecordNotFound("no report")
        report = await self._reports.get(reference)
        # A stranger learns nothing, not even that the reference exists.
        if report.reporter.tenant_id != turn.actor.tenant_id or not report.may_see(turn.actor):
            raise RecordNotFound("not visible")
        return report

    async def _change(self, turn: Turn, action: str,
                      change: Callable[[ConcernReport], ConcernReport]) -> tuple[ConcernReport, bool] | Reply:
        try:
            report = await self._load(turn)
            changed = change(report)
            if changed == report:
                return report, False
            return await self._reports.save(changed, action, turn.actor.aad_object_id), True
        except (RecordNotFound, NotAllowed):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except ConcurrentChange:
            return Reply(card=cards.holder_card(self._strings, turn.lang,
                                                await self._reports.get(str(turn.data.get("ref")))))

    async def acknowledge(self, turn: Turn) -> Reply:
        """The holder has read it; the reporter is told."""
        result = await self._change(turn, "acknowledged", lambda r: r.acknowledged(turn.actor, self._clock()))
        if isinstance(result, Reply):
            return result
        report, changed = result
        if changed:
            lang = await preferred_language(self._profiles, report.reporter)
            await self._notifier.notify([OutboundMessage(
                recipient=report.reporter, message_id=f"{report.reference}|acknowledged",
                card=cards.acknowledged_card(self._strings, lang, report, by=turn.actor.name),
                created_at=self._clock())])
        return Reply(card=cards.holder_card(self._strings, turn.lang, report))

    async def escalate(self, turn: Turn) -> Reply:
        """The line manager passes it to the escalation contact, with a note."""
        raw = turn.data.get("note")
        note = raw.strip()[:LIMITS["note"]] if isinstance(raw, str) else ""
        result = await self._change(turn, "escalated", lambda r: r.escalated(turn.actor, note, self._clock()))
        if isinstance(result, Reply):
            return result
        report, changed = result
        if changed:
            await self._send_to(report.escalation_contact, report, f"{report.reference}|escalated")
        return Reply(card=cards.holder_card(self._strings, turn.lang, report))

    async def close(self, turn: Turn) -> Reply:
        """Closed by the holder; the retention period starts."""
        result = await self._change(turn, "closed", lambda r: r.closed(turn.actor, self._clock()))
        if isinstance(result, Reply):
            return result
        return Reply(card=cards.holder_card(self._strings, turn.lang, result[0]))

    async def check_reports(self) -> int:
        """Remind once after two working days unacknowledged, escalate two more later; safe on many instances."""
        done = 0
        now = self._clock()
        for report in await self._reports.list_open():
            due = report.due(now)
            try:
                if due == "remind":
                    saved = await self._reports.save(replace(report, reminded_at=now), "reminded", "task")
                    await self._send_to(saved.assigned_to, saved, f"{saved.reference}|reminder", reminder=True)
                elif due == "escalate":
                    saved = await self._reports.save(report.escalated(None, "", now), "escalated", "task")
                    await self._send_to(saved.escalation_contact, saved, f"{saved.reference}|escalated")
                else:
                    continue
            except ConcurrentChange:
                continue  # another instance did it first
            done += 1
        return done

    async def purge(self, *, months: int, dry_run: bool = False) -> list[str]:
        """Delete reports closed longer ago than the retention period; return their references."""
        now = self._clock()
        expired = [r for r in await self._reports.list_all()
                   if r.state is ReportState.CLOSED and r.expired(now, months)]
        if not dry_run:
            for report in expired:
                await self._reports.delete(report, at=now)
        return [r.reference for r in expired]


