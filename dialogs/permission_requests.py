"""Asking the headteacher's permission for work social media, and the headteacher's one-click decision."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from bot.domain.errors import ConcurrentChange, NotAllowed, RecordNotFound, StorageUnavailable
from bot.domain.federation import Federation, School
from bot.domain.outbox import Notifier, OutboundMessage
from bot.domain.people import Lang, Person
from bot.domain.permission_requests import (
    LIMITS,
    AlreadySettled,
    AuditEntry,
    PermissionRequest,
    PermissionRequests,
    RequestState,
    decide,
    new_request_id,
    read_form,
    withdraw,
)
from bot.domain.profiles import UserProfiles, preferred_language
from cards import permission_requests as cards
from cards.common import VERB_MY_REQUESTS, VERB_PENDING, VERB_PERMISSION_FORM, error_card
from cards.elements import Card
from cards.i18n import Catalogue
from dialogs.base import Handler, Reply, Turn, normalise

FORM_WORDS = frozenset({"request permission", "ask permission", "permission", "permission request",
                        "ask for permission", "gofyn caniatad", "caniatad", "cais am ganiatad", "gofyn am ganiatad"})
MINE_WORDS = frozenset({"my requests", "my request", "requests", "fy ngheisiadau", "fy ngheisiau", "ceisiadau"})
PENDING_WORDS = frozenset({"pending", "pending requests", "requests to decide", "ceisiadau sy n aros",
                           "yn aros"})
REGISTER_WORDS = frozenset({"register", "official accounts", "cofrestr", "cyfrifon swyddogol"})
# "I need permission for a class Instagram" asks for the form; "Do I need permission to ...?" is a question.
_WANTS_FORM = re.compile(r"^(i|we)( (would|d))? (need|want|like|would like|d like)( to (get|ask|request))?"
                         r"( for| the| some)? (permission|approval)|^(request|requesting|apply|applying) (for )?"
                         r"(permission|approval)|^(dw i|rwy|rydw i|dwi) (angen|eisiau) (caniatad|ganiatad)")


class PermissionFlow:
    """Requests for permission, decisions, withdrawals and the lists around them."""

    def __init__(self, *, strings: Catalogue, federation: Federation, requests: PermissionRequests,
                 notifier: Notifier, profiles: UserProfiles,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._strings = strings
        self._federation = federation
        self._requests = requests
        self._notifier = notifier
        self._profiles = profiles
        self._clock = clock

    def verbs(self) -> Mapping[str, Handler]:
        """Every verb of the permission cards."""
        return {VERB_PERMISSION_FORM: self.form, cards.VERB_SUBMIT: self.submit, cards.VERB_APPROVE: self.approve,
                cards.VERB_DECLINE: self.decline, cards.VERB_WITHDRAW: self.withdraw, cards.VERB_OPEN: self.open,
                VERB_MY_REQUESTS: self.mine, VERB_PENDING: self.pending, cards.VERB_REGISTER: self.register}

    def match_text(self, turn: Turn) -> Handler | None:
        """Commands and plain requests for the form; questions about permission are left to the policy."""
        said = normalise(turn.text)
        if said in FORM_WORDS or _WANTS_FORM.search(said):
            return self.form
        if said in MINE_WORDS:
            return self.mine
        if said in PENDING_WORDS:
            return self.pending
        if said in REGISTER_WORDS:
            return self.register
        return None

    # Helpers

    def _school(self, school_id: str) -> School | None:
        try:
            return self._federation.school(school_id)
        except KeyError:
            return None

    def _school_name(self, school_id: str, lang: Lang) -> str:
        school = self._school(school_id)
        return school.name(lang) if school else school_id

    def _schools(self, lang: Lang) -> list[tuple[str, str]]:
        return [(s.school_id, s.name(lang)) for s in self._federation.schools]

    def _deciders(self, school: School, tenant_id: str) -> list[Person]:
        people = [Person(tenant_id, c.aad_object_id, c.name) for c in (school.headteacher, *school.delegates)]
        return list({p.aad_object_id: p for p in people}.values())

    async def _load(self, turn: Turn) -> PermissionRequest:
        request_id = turn.data.get("id")
        if not isinstance(request_id, str) or not re.fullmatch(r"P-[A-Z0-9]{6}", request_id):
            raise RecordNotFound("no request id")
        request = await self._requests.get(request_id)
        if request.requester.tenant_id != turn.actor.tenant_id:
            raise RecordNotFound("another tenant's request")
        return request

    def _audit(self, request: PermissionRequest, action: str, person: Person, detail: str = "") -> AuditEntry:
        return AuditEntry(request.request_id, action, person.aad_object_id, person.name, self._clock(), detail)

    async def _tell_deciders(self, request: PermissionRequest, *, exclude: str = "") -> None:
        school = self._school(request.school_id)
        if school is None:
            return
        messages = []
        for person in self._deciders(school, request.requester.tenant_id):
            if person.aad_object_id in (exclude, request.requester.aad_object_id):
                continue
            lang = await preferred_language(self._profiles, person)
            card = cards.approver_card(self._strings, lang, request, school=school.name(lang))
            messages.append(OutboundMessage(
                recipient=person, message_id=f"{request.request_id}|{request.state.value}|to-{person.aad_object_id}",
                card=card, card_key=f"{request.request_id}|decide", created_at=self._clock()))
        if messages:
            await self._notifier.notify(messages)

    # Asking

    async def form(self, turn: Turn) -> Reply:
        """The empty request form."""
        return Reply(card=cards.form_card(self._strings, turn.lang, schools=self._schools(turn.lang)))

    async def submit(self, turn: Turn) -> Reply:
        """Validate on the server; store, audit, tell the approver, and show the status card."""
        now = self._clock()
        result = read_form(turn.data, federation=self._federation, requester=turn.actor, today=now.date(), now=now,
                           request_id=new_request_id())
        if result.request is None:
            return Reply(card=cards.form_card(self._strings, turn.lang, schools=self._schools(turn.lang),
                                              values=turn.data, errors=result.errors))
        request = result.request
        await self._requests.create(request, self._audit(request, "submitted", turn.actor))
        school = self._federation.school(request.school_id)
        undelivered = False
        try:
            head = await self._profiles.get_profile(Person(turn.actor.tenant_id, school.headteacher.aad_object_id))
            undelivered = not head.conversation_ref
        except RecordNotFound:
            undelivered = True
        stored = await self._requests.get(request.request_id)
        await self._tell_deciders(stored)
        await self._requests.add_audit(self._audit(stored, "sent to approver", turn.actor,
                                                   "queued" if undelivered else "sent"))
        status = cards.status_card(self._strings, turn.lang, stored, school=school.name(turn.lang),
                                   approver=school.headteacher.name, undelivered=undelivered)
        return Reply(card=status, card_key=f"{stored.request_id}|status")

    # Deciding

    async def approve(self, turn: Turn) -> Reply:
        """Approve, with an optional comment."""
        return await self._decide(turn, approve=True)

    async def decline(self, turn: Turn) -> Reply:
        """Decline; a reason is required."""
        return await self._decide(turn, approve=False)

    def _settled_card(self, request: PermissionRequest, lang: Lang) -> Card:
        return cards.approver_card(self._strings, lang, request, school=self._school_name(request.school_id, lang))

    async def _decide(self, turn: Turn, *, approve: bool) -> Reply:
        try:
            request = await self._load(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        school = self._school(request.school_id)
        if school is None or not school.may_decide(turn.actor):
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_your_decision"))
        if turn.actor.aad_object_id == request.requester.aad_object_id:
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_your_own"))
        raw = turn.data.get("reason")
        note = raw.strip() if isinstance(raw, str) else ""
        if request.state is RequestState.PENDING and not approve and not note:
            error = self._strings.text("perm.reason_required", turn.lang)
            return Reply(card=cards.approver_card(self._strings, turn.lang, request,
                                                  school=school.name(turn.lang), error=error))
        if len(note) > LIMITS["reason"]:
            error = self._strings.text("perm.error.too_long", turn.lang)
            return Reply(card=cards.approver_card(self._strings, turn.lang, request,
                                                  school=school.name(turn.lang), error=error))
        try:
            decided = decide(request, turn.actor, school, approve=approve, reason=note, comment=note,
                             now=self._clock())
            saved = await self._requests.save(decided, self._audit(decided, decided.state.value, turn.actor, note))
        except NotAllowed:
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_your_decision"))
        except AlreadySettled as settled:
            return Reply(card=self._settled_card(settled.request, turn.lang))
        except ConcurrentChange:
            return Reply(card=self._settled_card(await self._requests.get(request.request_id), turn.lang))
        await self._after_settled(saved, turn.actor)
        return Reply(card=self._settled_card(saved, turn.lang), card_key=f"{saved.request_id}|decide")

    async def _after_settled(self, request: PermissionRequest, actor: Person) -> None:
        requester = request.requester
        lang = await preferred_language(self._profiles, requester)
        school = self._school_name(request.school_id, lang)
        head = self._school(request.school_id)
        approver = head.headteacher.name if head else ""
        messages = [OutboundMessage(
            recipient=requester, message_id=f"{request.request_id}|status-{request.state.value}",
            card=cards.status_card(self._strings, lang, request, school=school, approver=approver),
            card_key=f"{request.request_id}|status", created_at=self._clock())]
        if request.state is not RequestState.WITHDRAWN:
            messages.append(OutboundMessage(
                recipient=requester, message_id=f"{request.request_id}|decision",
                card=cards.decision_card(self._strings, lang, request, school=school), created_at=self._clock()))
        try:
            await self._notifier.notify(messages)
            await self._tell_deciders(request, exclude=actor.aad_object_id)
        except StorageUnavailable:
            # The decision is on record; the cards to others are retried from the records when someone looks.
            pass

    async def withdraw(self, turn: Turn) -> Reply:
        """The requester takes a waiting request back."""
        try:
            request = await self._load(turn)
            if request.requester.aad_object_id != turn.actor.aad_object_id:
                raise RecordNotFound("not the requester")
            withdrawn = withdraw(request, turn.actor, self._clock())
            saved = await self._requests.save(withdrawn, self._audit(withdrawn, "withdrawn", turn.actor))
        except (RecordNotFound, NotAllowed):
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        except AlreadySettled as settled:
            saved = settled.request
        except ConcurrentChange:
            saved = await self._requests.get(str(turn.data.get("id")))
        school = self._school(saved.school_id)
        if saved.state is RequestState.WITHDRAWN:
            await self._tell_deciders(saved)
        return Reply(card=cards.status_card(self._strings, turn.lang, saved,
                                            school=school.name(turn.lang) if school else saved.school_id,
                                            approver=school.headteacher.name if school else ""),
                     card_key=f"{saved.request_id}|status")

    # Lists

    async def mine(self, turn: Turn) -> Reply:
        """The person's own requests."""
        rows = await self._requests.list_by_requester(turn.actor)
        return Reply(card=cards.my_requests_card(self._strings, turn.lang,
                                                 [(r, self._school_name(r.school_id, turn.lang)) for r in rows]))

    async def pending(self, turn: Turn) -> Reply:
        """What waits for this headteacher or delegate."""
        schools = self._federation.schools_decided_by(turn.actor)
        if not schools:
            return Reply(card=error_card(self._strings, turn.lang, "perm.only_heads"))
        rows = await self._requests.list_pending([s.school_id for s in schools])
        rows = [r for r in rows if r.requester.aad_object_id != turn.actor.aad_object_id]
        return Reply(card=cards.pending_card(self._strings, turn.lang,
                                             [(r, self._school_name(r.school_id, turn.lang)) for r in rows]))

    async def open(self, turn: Turn) -> Reply:
        """One pending request's decision card, from the list."""
        try:
            request = await self._load(turn)
        except RecordNotFound:
            return Reply(card=error_card(self._strings, turn.lang, "error.not_found"))
        school = self._school(request.school_id)
        if school is None or not school.may_decide(turn.actor):
            return Reply(card=error_card(self._strings, turn.lang, "perm.not_your_decision"))
        return Reply(card=self._settled_card(request, turn.lang))

    async def register(self, turn: Turn) -> Reply:
        """Approved permissions still in force: the federation's official accounts."""
        today = self._clock().date()
        rows = [r for r in await self._requests.list_all()
                if r.requester.tenant_id == turn.actor.tenant_id and r.is_active_on(today)]
        return Reply(card=cards.register_card(self._strings, turn.lang,
                                              [(r, self._school_name(r.school_id, turn.lang)) for r in rows]))


