"""Permission to use social media for work: the request, its validation, and who may decide it.

The policy: "Where staff require the use of social networking for work purposes (other than via Hwb /
Microsoft Teams), they should seek permission from the headteacher."
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.domain.concerns import Role, Subject, Today
from bot.domain.directory import StaffMember
from bot.domain.errors import NotAllowed
from bot.domain.federation import Federation
from bot.domain.ids import readable_id, readable_id_from
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.text import fold
from bot.domain.uk_time import uk_today
from bot.policy.typos import edit_distance

PLATFORMS = ("x", "facebook", "instagram", "youtube", "tiktok", "blog", "other")
AUDIENCES = ("parents", "pupils", "public")
PUPIL_CONTENT = ("none", "photos", "names", "work")
MODERATION = ("daily", "several_weekly", "weekly", "less")
LIMITS = {"platform_other": 60, "existing_account": 200, "purpose": 1000, "consent": 1000, "moderator": 120,
          "reason": 500, "comment": 500}
REQUEST_ID = re.compile(r"P-[A-Z0-9]{6}")
# A request form's token, as the server gives it (`F-` and 16 characters); forms posted before tokens send none.
FORM_TOKEN = re.compile(r"F-[A-Za-z0-9_-]{16}")

# Audit actions: the trail is append-only, one row per thing that happened.
SUBMITTED = "submitted"
SENT_TO_APPROVER = "sent to approver"
APPROVED = "approved"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
ENDED = "ended"
SUPERSEDED = "replaced"
SUPERSEDING_UNDONE = "replacement undone"


class RequestState(StrEnum):
    """Where a request is. `ENDED`: approved, then ended early by whoever decides it or by the member of staff who
    asked (the account closed, the project over): no longer in force."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


def new_request_id() -> str:
    """A short id staff can read out: `P-` and six unambiguous characters."""
    return readable_id("P")


def is_form_token(value: object) -> bool:
    """True for a string shaped like a form token this bot gives out."""
    return isinstance(value, str) and FORM_TOKEN.fullmatch(value) is not None


def form_request_id(requester: Person, form: str) -> str:
    """The id of the request this person's form sends: the same for every press of that form's Send, and nobody
    else's form names it (the server still checks whose a request is: ids can be forged, people cannot)."""
    return readable_id_from("P", f"{requester.tenant_id}|{requester.aad_object_id}|{form}")


def account_request_id(request: PermissionRequest, earlier: Sequence[PermissionRequest]) -> str:
    """The id of a new request for an account (`_account_asked_for`): the same for every form its requester sends for it
    until one is stored, and another once one is (it follows her last request for it). Two forms sent at the same
    moment (laptop and phone, each on an instance of its own) so name one record, and storage keeps the first
    written: the other is told what it repeats, as if sent after it."""
    last = max((r for r in earlier if _account_asked_for(r) == _account_asked_for(request)), key=listing_order,
               default=None)
    person = request.requester
    return readable_id_from("P", "|".join((person.tenant_id, person.aad_object_id, "account",
                                           *_account_asked_for(request), last.request_id if last else "")))


@dataclass(frozen=True)
class PermissionRequest:
    """A member of staff's request, and what was decided."""

    request_id: str
    requester: Person
    school_id: str
    platform: str
    platform_other: str
    account_kind: str
    existing_account: str
    purpose: str
    audiences: tuple[str, ...]
    pupil_content: tuple[str, ...]
    consent: str
    moderator: str
    moderation: str
    start: date
    end: date | None
    submitted_at: datetime
    state: RequestState = RequestState.PENDING
    decided_by: str = ""
    decided_by_id: str = ""
    decided_at: datetime | None = None
    # Approved or declined by a named delegate of the school, not its headteacher (the cards the member of staff reads
    # say so); None on records decided before it was kept, which cannot tell (their cards read as the head's; the
    # governors' export says "unknown").
    decided_as_delegate: bool | None = False
    reason: str = ""
    comment: str = ""
    # The first day of an approval: the start asked for, or the UK day it was given when that came later (permission is
    # never backdated). `start` and `end` stay the dates asked for. None unless approved (and on records approved before
    # it was kept: see `permitted_from`).
    approved_from: date | None = None
    # An approval ended early: who ended it, when and why; the approval's own `decided_*`, `comment` and dates stay.
    ended_by: str = ""
    ended_by_id: str = ""
    ended_at: datetime | None = None
    end_reason: str = ""
    # The language of the form it was sent on, which she wrote it in and reads its news in; None on records from
    # before it was kept.
    lang: Lang | None = None
    # Sent in place of her waiting request `replaces` (withdrawn by the same press), and what it changed of it
    # (`CHANGES`); on that request, `replaced_by` names this one. `alongside`: her requests waiting, when this was
    # sent, for the same school and purpose on another platform (each account is a decision of its own).
    replaces: str = ""
    replaced_by: str = ""
    changed: tuple[str, ...] = ()
    alongside: tuple[str, ...] = ()
    # Her last request for the same account, declined, when this was sent after it (and not in place of a waiting
    # one); or her approval for it still in force, which this asks more of. `changed` then says what this asks
    # differently from it.
    declined_before: str = ""
    approved_before: str = ""
    # An approval of more for an account (`approved_before`) replaces the approval it widens from its own first day:
    # on the wider, `supersedes` names the narrower (set in the write that approves it); on the narrower,
    # `superseded_by` names the wider and `superseded_from` the day it no longer stands (it stays on record, approved).
    # The wider ended before that day: `superseded_from` is cleared and the narrower stands on (`superseded_by` kept).
    # `superseded_until`: the wider's last day (None: ongoing, and on records from before it was kept), or the day
    # before the wider was ended on; after it the narrower stands again, for the days it was approved for.
    supersedes: str = ""
    superseded_by: str = ""
    superseded_from: date | None = None
    superseded_until: date | None = None
    # Replaced before, for a while, by another wider approval that has run out or was ended (id, first day, last day),
    # oldest first: a later wider approval replacing it again writes its own `superseded_*`, and these keep the rest.
    replaced_earlier: tuple[tuple[str, date, date], ...] = ()
    # One approval of an account at a time, the newest decision winning: when the wider that replaced it
    # (`superseded_by`) is itself replaced by a newer wider approval, that one keeps this replaced too, to its own last
    # day (`superseded_until` moved on, or None while it has none); `superseded_through` names it. Ending it gives back
    # each approval in turn for its own days (`restored_through`).
    superseded_through: str = ""
    # Another member of staff's approval in force, at the same school, of the same existing account (platform and
    # address), when this was sent: whoever decides it sees that before she gives the account a second permission.
    colleague_approved: str = ""
    # The token of the form it was sent on (none on records from before it was kept): every press of that form's Send
    # is this request.
    form: str = ""
    # Never stored: on a copy shown to whoever decides it, named as Teams names her now (`requester.name`), the name it
    # was sent under when that differs ("" when sent with none); None on the record as stored.
    sent_as: str | None = None
    etag: str = ""

    @property
    def platform_name(self) -> str:
        """The platform as people say it."""
        names = {"x": "X (Twitter)", "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube",
                 "tiktok": "TikTok", "blog": "Blog"}
        return self.platform_other if self.platform == "other" else names.get(self.platform, self.platform)

    @property
    def permitted_from(self) -> date | None:
        """The first day an approved permission runs (None unless approved, or approved and then ended):
        `approved_from`, or for a record approved before that was kept, by the same rule from when it was decided."""
        if self.state not in (RequestState.APPROVED, RequestState.ENDED):
            return None
        if self.approved_from is not None:
            return self.approved_from
        return max(self.start, uk_today(self.decided_at)) if self.decided_at else self.start

    def start_passed_by(self, day: date) -> bool:
        """True when the start asked for is before `day`: approved that day, it runs from that day."""
        return self.start < day

    def dates_ended_by(self, day: date) -> bool:
        """True when every day asked for is before `day`: too late to approve (it would be backdated), not to
        decline."""
        return self.end is not None and self.end < day

    def is_active_on(self, day: date) -> bool:
        """True for an approved permission in force on that day, or starting later (the register of official
        accounts): approved, not ended early, and its last day not passed."""
        ended = self.end is not None and self.end < day
        return self.state is RequestState.APPROVED and not ended and not self.is_superseded_on(day)

    def is_superseded_on(self, day: date) -> bool:
        """True for an approval replaced by a wider one (`superseded_by`) that runs on `day`: from its first day to
        its last (`superseded_until`), after which this one stands again."""
        return (self.superseded_from is not None and self.superseded_from <= day
                and (self.superseded_until is None or day <= self.superseded_until))


def listing_order(request: PermissionRequest) -> tuple[datetime, str]:
    """Where a request stands on every list: by when it was sent, then (two sent in one instant) by id, so each read of
    a list gives one order and Show more can go on after a request."""
    return request.submitted_at, request.request_id


class DatesEnded(ValueError):
    """An approval asked for after every day of the request has passed; nothing is changed (a decline still may be)."""

    def __init__(self, request: PermissionRequest) -> None:
        super().__init__(f"the dates asked for ended on {request.end}")
        self.request = request


class NotInForce(Exception):
    """No permission to end: the request waits, was declined, withdrawn or ended already, or its last day has passed;
    carries the current record."""

    def __init__(self, request: PermissionRequest) -> None:
        super().__init__(request.state.value)
        self.request = request


class AlreadySettled(Exception):
    """The request was decided or withdrawn already; carries the current record."""

    def __init__(self, request: PermissionRequest) -> None:
        super().__init__(request.state.value)
        self.request = request


def _said(text: str) -> str:
    """Typed text as a repeat of it would say it again (case, accents, spacing and a last full stop aside)."""
    return " ".join(fold(text).split()).rstrip(".!")


def _account_asked_for(request: PermissionRequest) -> tuple[str, str, str, str]:
    """Which account a request is for: the same school, platform and purpose is the same account, whatever else
    (who it is for, pupils' photos, dates) a later form adds."""
    return request.school_id, request.platform, _said(request.platform_other), _said(request.purpose)


# What a request sent in place of a waiting one may change of it, in the order the head's card lists them (each the
# key of its label on the card, `perm.label.<key>`).
CHANGES = ("account", "audience", "pupil_content", "consent", "moderation", "dates")


def changes_from(earlier: PermissionRequest, new: PermissionRequest) -> tuple[str, ...]:
    """What `new` asks differently from `earlier`, a request for the same account (`CHANGES`); none for the same request
    again."""
    differs = {
        "account": (earlier.account_kind, _said(earlier.existing_account)) != (new.account_kind,
                                                                               _said(new.existing_account)),
        "audience": set(earlier.audiences) != set(new.audiences),
        "pupil_content": set(earlier.pupil_content) != set(new.pupil_content),
        "consent": _said(earlier.consent) != _said(new.consent),
        "moderation": (_said(earlier.moderator), earlier.moderation) != (_said(new.moderator), new.moderation),
        "dates": (earlier.start, earlier.end) != (new.start, new.end)}
    return tuple(change for change in CHANGES if differs[change])


def waiting_beside(new: PermissionRequest, earlier: Sequence[PermissionRequest]) -> tuple[str, ...]:
    """The ids of the person's requests waiting for the same school and purpose on another platform, oldest first: the
    head decides each account on its own, and each card says the others wait."""
    def same_purpose(r: PermissionRequest) -> bool:
        return (r.school_id, _said(r.purpose)) == (new.school_id, _said(new.purpose))

    return tuple(r.request_id for r in sorted(earlier, key=listing_order)
                 if r.request_id != new.request_id and r.state is RequestState.PENDING and same_purpose(r)
                 and (r.platform, _said(r.platform_other)) != (new.platform, _said(new.platform_other)))


def _same_account(one: PermissionRequest, other: PermissionRequest) -> bool:
    """False when both name an existing account and the names differ (two accounts, whatever the purpose says)."""
    both_named = one.account_kind == other.account_kind == "existing"
    return not both_named or _said(one.existing_account) == _said(other.existing_account)


def _asks_no_more_than(new: PermissionRequest, approved: PermissionRequest) -> bool:
    """Whether the approval gave everything `new` asks for besides its days: no pupils' photos, names or work it did not
    approve, and the account checked at least as often as approved. Asked for again with more, it is a new request
    for the head to decide (pupils' photos need the consent she never saw)."""
    shown = set(new.pupil_content) - {"none"} <= set(approved.pupil_content) - {"none"}
    how_often = {m: n for n, m in enumerate(MODERATION)}  # most often first
    checked = how_often.get(new.moderation, len(MODERATION)) <= how_often.get(approved.moderation, -1)
    return shown and checked


def asked_already(new: PermissionRequest, earlier: Sequence[PermissionRequest]) -> PermissionRequest | None:
    """The person's earlier request that `new` repeats: one still waiting for the same account (same school, platform
    and purpose, and the same account when both name one), whatever else `new` changes (`changes_from`: what it adds
    is sent in its place, never beside it); or one approved for everyone `new` is for, standing (not replaced by a
    wider approval) on every day `new` asks for, and for all it asks (`_asks_no_more_than`). None when `new` asks for
    something new (another account; after an approval, another audience, days after those approved, pupils' photos not
    approved, less checking)."""
    same = [r for r in earlier if r.request_id != new.request_id
            and _account_asked_for(r) == _account_asked_for(new) and _same_account(r, new)]
    waiting = next((r for r in same if r.state is RequestState.PENDING), None)
    return waiting if waiting is not None else next(iter(covered_by(new, same)), None)


def covered_by(new: PermissionRequest, earlier: Sequence[PermissionRequest]) -> list[PermissionRequest]:
    """The person's approvals that between them give everything `new` asks for on every day it asks for, in the order
    they stand (the one standing on its first day first); [] when they do not. Each gives it for the days it stands:
    from its first day to its last, but for the days a wider approval replaces it (which then stands in its place, so
    a wider approval for a while and the one it replaced after it cover the narrower form sent again). An approval for
    parents and pupils covers a form for parents."""
    giving = [r for r in earlier if r.request_id != new.request_id and r.state is RequestState.APPROVED
              and _account_asked_for(r) == _account_asked_for(new) and _same_account(r, new)
              and set(new.audiences) <= set(r.audiences) and _asks_no_more_than(new, r)]
    turn: list[PermissionRequest] = []
    day: date | None = new.start
    while day is not None and (new.end is None or day <= new.end) and len(turn) <= len(giving):
        standing = next((r for r in giving if stands_until(r, day) != day - timedelta(days=1)), None)
        if standing is None:
            return []
        turn.append(standing)
        last = stands_until(standing, day)
        day = None if last is None else last + timedelta(days=1)
    return turn if day is None or (new.end is not None and day > new.end) else []


def stands_until(approved: PermissionRequest, day: date) -> date | None:
    """The last day of the run of days from `day` that `approved` stands (None: with no end); the day before `day` when
    it does not stand on it (not begun, ended, or replaced by a wider approval that day)."""
    before = day - timedelta(days=1)
    begins = approved.permitted_from or approved.start
    if begins > day or (approved.end is not None and approved.end < day) or approved.is_superseded_on(day):
        return before
    last = approved.end
    if approved.superseded_from is not None and approved.superseded_from > day:
        replaced_from = approved.superseded_from - timedelta(days=1)
        last = replaced_from if last is None else min(last, replaced_from)
    return last


def last_declined(new: PermissionRequest, earlier: Sequence[PermissionRequest]) -> PermissionRequest | None:
    """The person's last declined request for the account `new` asks for (the same school, platform and purpose, and
    the same account when both name one); None when there is none."""
    declined = [r for r in earlier if r.request_id != new.request_id and r.state is RequestState.DECLINED
                and _account_asked_for(r) == _account_asked_for(new) and _same_account(r, new)]
    return max(declined, key=lambda r: r.decided_at or r.submitted_at, default=None)


def approved_in_force(new: PermissionRequest, earlier: Sequence[PermissionRequest],
                      today: date) -> PermissionRequest | None:
    """The person's last approval for the account `new` asks for that is still in force on `today` (or starts later);
    None when there is none."""
    approved = [r for r in earlier if r.request_id != new.request_id and r.is_active_on(today)
                and _account_asked_for(r) == _account_asked_for(new) and _same_account(r, new)]
    return max(approved, key=lambda r: r.decided_at or r.submitted_at, default=None)


def _address(account: str) -> str:
    """An existing account as written however staff write it: "https://www.instagram.com/x/", "instagram.com/x"."""
    said = _said(account).removeprefix("https://").removeprefix("http://").removeprefix("www.")
    return said.rstrip("/")


def approved_for_a_colleague(new: PermissionRequest, every: Sequence[PermissionRequest],
                             today: date) -> PermissionRequest | None:
    """Another member of staff's last approval in force on `today` (or starting later) of the existing account `new`
    names: the same school, platform and address, whatever the purpose says. None for a new account (it has no
    address yet), or when there is none."""
    if new.account_kind != "existing" or not _address(new.existing_account):
        return None
    approved = [r for r in every if r.requester.aad_object_id != new.requester.aad_object_id
                and r.requester.tenant_id == new.requester.tenant_id and r.is_active_on(today)
                and r.account_kind == "existing" and (r.school_id, r.platform, _said(r.platform_other)) == (
                    new.school_id, new.platform, _said(new.platform_other))
                and _address(r.existing_account) == _address(new.existing_account)]
    return max(approved, key=lambda r: r.decided_at or r.submitted_at, default=None)


def is_request_id(value: object) -> bool:
    """True for a string shaped like an id this bot issues (so a forged value never reaches a query)."""
    return isinstance(value, str) and REQUEST_ID.fullmatch(value) is not None


def note_problem(note: str, *, approve: bool) -> str:
    """The catalogue key of what is wrong with a decision's reason or comment, or "" when it is fine."""
    if not approve and not note.strip():
        return "perm.reason_required"
    if not approve and not _has_words(note):  # "👎" or "..." tells the member of staff nothing
        return "perm.reason_words"
    if len(note.strip()) > LIMITS["reason"]:
        return "perm.error.too_long"
    return ""


def approval_problem(request: PermissionRequest, today: date) -> str:
    """The catalogue key of why a waiting request cannot be approved on this (UK) day, or "" when it can."""
    return "perm.dates_ended_refused" if request.dates_ended_by(today) else ""


def may_see_register(person: Person, federation: Federation) -> bool:
    """Headteachers, their delegates and the policy owner see the register of official accounts."""
    return bool(federation.schools_decided_by(person)) or person.aad_object_id == federation.policy_owner.aad_object_id


def _check_decider(request: PermissionRequest, person: Person, federation: Federation) -> None:
    """Raise `NotAllowed` unless `person` may decide the request under today's settings (`Federation.deciders_for`)."""
    try:
        school = federation.school(request.school_id)
    except KeyError:
        raise NotAllowed("the request's school is not in the settings") from None
    if not federation.may_decide(school, request.requester, person):
        raise NotAllowed("only the school's headteacher or delegate decides")


def decide(request: PermissionRequest, person: Person, federation: Federation, *, approve: bool, reason: str,
           comment: str, now: datetime) -> PermissionRequest:
    """The request approved or declined by `person`, if they decide it (`Federation.deciders_for`); raises
    `NotAllowed`, `AlreadySettled`, or `DatesEnded` for an approval after every day asked for. An approval runs from
    the start asked for, or from the UK day it is given when that is later."""
    if person.aad_object_id == request.requester.aad_object_id:
        raise NotAllowed("nobody decides their own request")
    _check_decider(request, person, federation)
    if request.state is not RequestState.PENDING:
        raise AlreadySettled(request)
    if note_problem(reason if not approve else comment, approve=approve):
        raise ValueError("a decline needs a reason, and notes have a length limit")
    today = uk_today(now)
    if approve and approval_problem(request, today):
        raise DatesEnded(request)
    school = federation.school(request.school_id)
    as_delegate = person.aad_object_id != school.headteacher.aad_object_id and any(
        d.aad_object_id == person.aad_object_id for d in school.delegates)
    return replace(request, state=RequestState.APPROVED if approve else RequestState.DECLINED,
                   decided_by=person.name, decided_by_id=person.aad_object_id, decided_at=now,
                   decided_as_delegate=as_delegate,
                   reason="" if approve else reason, comment=comment if approve else "",
                   approved_from=max(request.start, today) if approve else None)


def narrower_to_supersede(wider: PermissionRequest, narrower: PermissionRequest, today: date) -> bool:
    """Whether approving `wider`, a request asking more of the approval `narrower` (its `approved_before`), replaces it:
    the same member of staff's, still in force on `today` (or still to start), and not replaced already."""
    same_person = (narrower.requester.tenant_id, narrower.requester.aad_object_id) == (
        wider.requester.tenant_id, wider.requester.aad_object_id)
    replaced_before = narrower.superseded_until is not None and narrower.superseded_until < today  # stands again
    return (narrower.request_id == wider.approved_before and same_person
            and narrower.is_active_on(today) and (narrower.superseded_from is None or replaced_before))


def supersede(narrower: PermissionRequest, wider: PermissionRequest) -> PermissionRequest:
    """The narrower approval replaced by the wider, approved one from the wider's first day to its last (the narrower
    still covers the days before it, so the account is never left without permission, and stands again after it, for
    the days it was approved for: the wider added to it for a while); its approval stays on record."""
    first = wider.permitted_from or wider.start
    earlier = narrower.replaced_earlier
    if (narrower.superseded_by and narrower.superseded_by != wider.request_id and narrower.superseded_from is not None
            and narrower.superseded_until is not None):  # replaced for a while before: kept, not written over
        earlier += ((narrower.superseded_by, narrower.superseded_from, narrower.superseded_until),)
    return replace(narrower, superseded_by=wider.request_id, superseded_from=first, superseded_until=wider.end,
                   replaced_earlier=earlier)


def restored_narrower(wider: PermissionRequest, narrower: PermissionRequest, today: date) -> PermissionRequest | None:
    """`narrower` as it stands once `wider`, the approval that replaced it, was ended on `today`; None when the ending
    changes nothing for it. Ended before (or on) its first day, the narrower stands on as if the wider had never been
    approved; ended later, it stands again from that day (the days it was replaced stay on record). Ending what was
    added (pupils' photos, say) is not ending the account: whoever ends it is told so first, and can end both."""
    if (wider.state is not RequestState.ENDED or narrower.superseded_by != wider.request_id
            or narrower.superseded_from is None):
        return None
    if narrower.superseded_from >= today:
        return replace(narrower, superseded_from=None, superseded_until=None)
    if narrower.superseded_until is not None and narrower.superseded_until < today:
        return None  # the wider had run out already: the narrower stands again
    return replace(narrower, superseded_until=today - timedelta(days=1))


def replaced_until_kept(narrower: PermissionRequest, wider: PermissionRequest) -> PermissionRequest | None:
    """`narrower` with the last day `wider` replaces it (`superseded_until`, the wider's last day), for a narrower
    replaced before that day was kept (its row says only from when): without it, it reads as replaced for good, and a
    wider approval that runs out on its own would leave the account with no permission. None when there is nothing to
    add: the day is kept, the wider has no end (it replaces it while it runs), or is not the one that replaced it, or
    either is no longer an approval (an ending gives it back by `restored_narrower`)."""
    if (narrower.state is not RequestState.APPROVED or wider.state is not RequestState.APPROVED
            or narrower.superseded_by != wider.request_id or wider.supersedes != narrower.request_id
            or narrower.superseded_from is None or narrower.superseded_until is not None or wider.end is None
            or narrower.superseded_through):  # kept replaced, for good, by a newer approval
        return None
    return replace(narrower, superseded_until=wider.end)


def replaced_through(beneath: PermissionRequest, wider: PermissionRequest, today: date) -> PermissionRequest | None:
    """`beneath`, an approval replaced by one that `wider` (just approved) has now replaced in turn, kept replaced
    while `wider` stands too: to `wider`'s last day when that is later than its own, or for good while `wider` has no
    end (one approval of an account at a time: before, it stood again when the one between would have run out, beside
    `wider`). None when nothing changes: done already, no longer approved, or standing again already."""
    if (beneath.state is not RequestState.APPROVED or beneath.superseded_from is None
            or beneath.superseded_through == wider.request_id or wider.state is not RequestState.APPROVED
            or (beneath.superseded_until is not None and beneath.superseded_until < today)):
        return None
    until = None if beneath.superseded_until is None or wider.end is None else max(beneath.superseded_until, wider.end)
    return replace(beneath, superseded_until=until, superseded_through=wider.request_id)


def restored_through(beneath: PermissionRequest, between: Sequence[PermissionRequest], wider: PermissionRequest,
                     today: date) -> PermissionRequest | None:
    """`beneath` once `wider`, which kept it replaced (`superseded_through`), was ended on `today`: replaced only while
    the approvals `between` them stand again, each to its own last day (and over the days `wider` ran), so it stands
    again after the last of them, never beside one. None when the ending changes nothing for it."""
    if (wider.state is not RequestState.ENDED or beneath.superseded_through != wider.request_id
            or beneath.state is not RequestState.APPROVED or beneath.superseded_from is None
            or (beneath.superseded_until is not None and beneath.superseded_until < today)):
        return None
    lasts = [r.end for r in between if r.state is RequestState.APPROVED]
    if (wider.permitted_from or wider.start) < today:
        lasts.append(today - timedelta(days=1))
    if not lasts:  # nothing between stands: it stands again from today (as if never replaced, ended before it began)
        if beneath.superseded_from >= today:
            return replace(beneath, superseded_from=None, superseded_until=None)
        return replace(beneath, superseded_until=today - timedelta(days=1))
    until = None if any(last is None for last in lasts) else max(last for last in lasts if last is not None)
    return None if until == beneath.superseded_until else replace(beneath, superseded_until=until)


def withdraw(request: PermissionRequest, person: Person, now: datetime, *, replaced_by: str = ""
             ) -> PermissionRequest:
    """The request withdrawn by its requester (`replaced_by`: to send that request in its place); raises `NotAllowed`
    or `AlreadySettled`."""
    if person.aad_object_id != request.requester.aad_object_id:
        raise NotAllowed("only the requester withdraws")
    if request.state is not RequestState.PENDING:
        raise AlreadySettled(request)
    return replace(request, state=RequestState.WITHDRAWN, decided_by=person.name,
                   decided_by_id=person.aad_object_id, decided_at=now, replaced_by=replaced_by)


def end_permission(request: PermissionRequest, person: Person, federation: Federation, *, reason: str,
                   now: datetime) -> PermissionRequest:
    """The approval ended early by `person`: the member of staff who asked, or whoever may decide the request
    (`Federation.deciders_for`, as for Approve / Decline); raises `NotAllowed` for anyone else, `NotInForce` when there
    is no approval in force or still to start (UK day), and `ValueError` for a reason over the length limit."""
    if person.tenant_id != request.requester.tenant_id:
        raise NotAllowed("another tenant's request")
    if person.aad_object_id != request.requester.aad_object_id:
        _check_decider(request, person, federation)
    if not request.is_active_on(uk_today(now)):
        raise NotInForce(request)
    if len(reason.strip()) > LIMITS["reason"]:
        raise ValueError("a reason has a length limit")
    return replace(request, state=RequestState.ENDED, ended_by=person.name, ended_by_id=person.aad_object_id,
                   ended_at=now, end_reason=reason.strip())


def decided_by_others(requests: Iterable[PermissionRequest], person: Person | None, since: datetime
                       ) -> list[PermissionRequest]:
    """Of `requests` (those `person` may decide), the ones someone else approved, declined or ended after `since`:
    what she missed while her named delegate (or the headteacher) decided for her (`person` None: by anyone, her
    too). Newest change first."""
    me = person.aad_object_id if person is not None else None

    def by_others_after(request: PermissionRequest) -> datetime | None:
        moments = []
        if (request.state in {RequestState.APPROVED, RequestState.DECLINED, RequestState.ENDED}
                and request.decided_at is not None and request.decided_at > since
                and (me is None or request.decided_by_id != me)):
            moments.append(request.decided_at)
        if (request.state is RequestState.ENDED and request.ended_at is not None and request.ended_at > since
                and (me is None or request.ended_by_id != me)):
            moments.append(request.ended_at)
        return max(moments) if moments else None

    dated = [(moment, request) for request in requests if (moment := by_others_after(request)) is not None]
    return [request for _, request in sorted(dated, key=lambda pair: (pair[0], pair[1].request_id), reverse=True)]


def requester_has_left(request: PermissionRequest, staff: Sequence[StaffMember], federation: Federation) -> bool:
    """Whether the member of staff who asked is no longer on the staff list, by the rule `import-staff` tells leavers
    by (`Today.still_there`): an empty list says nobody has left, a row without an object id may be her by name, and
    a headteacher (or the chair) the settings name is there whatever the list says."""
    requester = StaffContact(request.requester.aad_object_id, request.requester.name)
    return not Today(federation, tuple(staff), Subject()).still_there(requester, Role.LINE_MANAGER)


def latest_start(today: date) -> date:
    """The latest start a request may ask for: a year from `today` (a later one is most likely a year typed wrong, and
    would stand approved on Official accounts)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today + timedelta(days=366)


def latest_end(today: date) -> date:
    """The latest end date a request may give: three years from `today` (a later one is most likely a year typed wrong,
    2062 for 2026 or 9999, which approved would stand on Official accounts for decades; a permission with no end is
    "ongoing", said as such)."""
    try:
        return today.replace(year=today.year + 3)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 3, day=28) + timedelta(days=1)


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _choices(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A multi-choice's values as Teams sends them ("parents,pupils"), each once."""
    return tuple(dict.fromkeys(part for part in (p.strip() for p in _text(data, key).split(",")) if part))


def _has_words(value: str) -> bool:
    """True when the text has a letter or a digit: emoji and marks alone tell the headteacher nothing."""
    return any(ch.isalnum() for ch in value)


# The policy asks permission for social media "other than via Hwb / Microsoft Teams": an "other" platform named by
# these words alone (one of the first set at least, in any case, with any punctuation) needs none. The second set is
# what people say with them (Teams' own parts, whom it is with); never another platform's name.
_NEEDS_NO_PERMISSION = frozenset({"hwb", "teams", "msteams"})
_SAID_WITH_THEM = frozenset({
    "microsoft", "ms", "via", "through", "on", "in", "and", "or", "the", "a", "an", "app", "with", "for", "our", "my",
    "class", "classes", "team", "meeting", "meetings", "channel", "channels", "chat", "chats", "live", "event",
    "events", "parents", "pupils", "staff",
    # Welsh, with "'r", plurals and the mutations these words take after "i", "ei", "fy" ("i rieni", "fy nosbarth")
    "trwy", "drwy", "ar", "gyfer", "i", "ac", "ag", "neu", "y", "yr", "r", "gyda", "efo", "mewn", "ein", "fy", "ap",
    "dosbarth", "ddosbarth", "nosbarth", "dosbarthiadau", "tim", "nhim", "thim", "timau", "cyfarfod", "gyfarfod",
    "cyfarfodydd", "gyfarfodydd", "sianel", "sianeli", "sgwrs", "sgyrsiau", "byw", "fyw", "digwyddiad",
    "digwyddiadau", "rhieni", "rieni", "disgyblion", "ddisgyblion", "nisgyblion"})


# The form's platforms as they may be typed under "Other" (case, accents, spaces, marks and emoji aside).
_LISTED = {"instagram": "instagram", "insta": "instagram", "facebook": "facebook", "fb": "facebook", "x": "x",
           "twitter": "x", "xtwitter": "x", "twitterx": "x", "youtube": "youtube", "tiktok": "tiktok", "blog": "blog",
           "ablog": "blog"}
# ... and by their web addresses (any part before the name: www., m., vm.; a blog by its host's).
_SITES = {"instagram.com": "instagram", "instagr.am": "instagram", "facebook.com": "facebook", "fb.com": "facebook",
          "fb.me": "facebook", "twitter.com": "x", "x.com": "x", "youtube.com": "youtube", "youtu.be": "youtube",
          "tiktok.com": "tiktok", "blogspot.com": "blog", "blogger.com": "blog", "wordpress.com": "blog"}
_WEB_ADDRESS = re.compile(r"(?:https?://)?(?P<host>(?:[a-z0-9-]+\.)+[a-z]{2,})(?P<path>/[^\s?#]*)?(?:[?#]\S*)?")


# A name of these letters or more typed one letter out (dropped, added, changed, two swapped: "Instagarm", "Facebok",
# "twiter", "Tic Tok") is that platform: no other platform is a letter from one of them.
_SLIP_LENGTH = 5


def _listed_platform(typed: str) -> str:
    """The form's choice a platform typed under "Other" names ("Instagram", "Tik Tok", "X (Twitter)", "📸 Insta", or
    one letter out: "Instagarm"), else ""."""
    letters = re.sub(r"[\W_]+", "", fold(typed))
    if letters in _LISTED or len(letters) < _SLIP_LENGTH:
        return _LISTED.get(letters, "")
    return next((platform for name, platform in _LISTED.items() if len(name) >= _SLIP_LENGTH
                 and name[0] == letters[0] and edit_distance(letters, name) == 1), "")


def platform_at(typed: str) -> tuple[str, bool]:
    """The form's choice a web address typed under "Other" is on ("https://www.instagram.com/llanidloes_pe":
    instagram), and whether it is an account's address (it has a path: a blog's own host is one too); ("", False) for
    an address of another site, or no address."""
    address = _WEB_ADDRESS.fullmatch(fold(typed).strip())
    if address is None:
        return "", False
    host = address.group("host")
    site = next((name for name in _SITES if host == name or host.endswith("." + name)), "")
    own_host = _SITES.get(site) == "blog" and host.removeprefix("www.") != site  # llanidloespe.blogspot.com
    account = bool((address.group("path") or "").strip("/")) or own_host
    return _SITES.get(site, ""), account


def needs_no_permission(platform: str) -> bool:
    """True when a platform typed under "Other" is Hwb or Microsoft Teams and nothing else ("MS Teams", "Hwb / Teams",
    "Teams (through Hwb)"), which the policy lets staff use for work without asking."""
    said = re.sub(r"[^\w]+", " ", fold(platform)).split()
    return bool(said) and any(w in _NEEDS_NO_PERMISSION for w in said) and all(
        w in _NEEDS_NO_PERMISSION | _SAID_WITH_THEM for w in said)


# Tools the policy does not name, which are not social networks as staff know them (email, texts to parents, the
# school website) or are a class's own space that a school often provides (Google Classroom, Seesaw, ClassDojo): the
# policy's permission is for social media "other than via Hwb / Microsoft Teams", and it says nothing of these. An
# "other" platform named by these words alone (one of the first set at least) is told so before it goes, and goes
# when she still wants the headteacher to decide. A blog is never one: the policy "covers all social media tools
# including blogs".
_NOT_NAMED = frozenset({
    "email", "emails", "ebost", "classroom", "seesaw", "classdojo", "dojo", "tapestry", "website", "websites", "gwefan",
    "ngwefan", "sms", "text", "texts", "texting", "tecst", "tecstio", "neges", "negeseuon", "parentmail",
    "schoolcomms", "onedrive", "sharepoint", "newsletter", "newsletters", "cylchlythyr"})
_SAID_WITH_TOOLS = frozenset({
    "google", "school", "schools", "ysgol", "message", "messages", "to", "from", "home", "parent", "carers", "families",
    "testun", "at", "adref", "teuluoedd", "rhiant", "gartref"})
_SPELT_APART = (("e mail", "email"), ("e bost", "ebost"), ("class dojo", "classdojo"), ("see saw", "seesaw"),
                ("one drive", "onedrive"), ("share point", "sharepoint"))


def not_named_by_policy(platform: str) -> bool:
    """True when a platform typed under "Other" is only a tool the policy does not name and is no social network as
    staff know one ("Google Classroom", "email to parents", "Seesaw", "e-bost i rieni"; not "a school website blog",
    nor "Seesaw and Instagram"): whether it needs the headteacher's permission the policy does not say."""
    said = " ".join(re.sub(r"[^\w]+", " ", fold(platform)).split())
    for apart, together in _SPELT_APART:
        said = re.sub(rf"\b{apart}\b", together, said)
    words = said.split()
    return bool(words) and any(w in _NOT_NAMED for w in words) and all(
        w in _NOT_NAMED | _SAID_WITH_TOOLS | _SAID_WITH_THEM for w in words) and not any(
        w in _NEEDS_NO_PERMISSION for w in words)


# Tools the policy does not name, as a question names them ("can I use Seesaw with my class?", "ga i ddefnyddio Class
# Dojo?"), and as a card names them: a class's own space that schools often provide, whose use for work the policy's
# rule on social networking (other than via Hwb / Microsoft Teams) neither names nor rules out.
_TOOLS_ASKED_ABOUT = {"seesaw": "Seesaw", "classdojo": "ClassDojo", "dojo": "ClassDojo",
                      "google classroom": "Google Classroom", "tapestry": "Tapestry"}


def tools_not_named(question: str, policy_text: str = "") -> str:
    """The tools of `_TOOLS_ASKED_ABOUT` a question names and `policy_text` (the policy's own words) does not, by any
    of its names ("Dojo" asked of a policy naming "ClassDojo"), as the cards name them ("Seesaw", "Seesaw / ClassDojo");
    "" when it names none."""
    said, policy = _read_for_tools(question), _read_for_tools(policy_text)
    in_policy = {name for word, name in _TOOLS_ASKED_ABOUT.items() if re.search(rf"\b{word}\b", policy)}
    named = [name for word, name in _TOOLS_ASKED_ABOUT.items()
             if re.search(rf"\b{word}\b", said) and name not in in_policy]
    return " / ".join(dict.fromkeys(named))


def _read_for_tools(text: str) -> str:
    """Folded words, with the tools' names spelt apart joined ("class dojo" is "classdojo")."""
    said = " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())
    for apart, together in _SPELT_APART:
        said = re.sub(rf"\b{apart}\b", together, said)
    return said


# A date as staff in Wales write it, where a client sends what was typed in place of the date picker's yyyy-mm-dd: the
# day first (01/09/26, 1.9.2026), or the month in words in either language (1 September 2026, Dydd Mawrth 1af Medi
# 2026), with its year.
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_IN_WORDS = re.compile(r"(?:(?:dydd )?\w+ )?(\d{1,2})(?:st|nd|rd|th|af|il|ydd|edd|fed|ed|eg|ain)? (?:of )?([a-z]+)"
                       r" (\d{4})")
_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan", "ionawr"), ("february", "feb", "chwefror"), ("march", "mar", "mawrth"),
    ("april", "apr", "ebrill"), ("may", "mai"), ("june", "jun", "mehefin"), ("july", "jul", "gorffennaf"),
    ("august", "aug", "awst"),
    ("september", "sept", "sep", "medi"), ("october", "oct", "hydref"), ("november", "nov", "tachwedd"),
    ("december", "dec", "rhagfyr")), start=1) for name in names}


def read_date(value: str) -> date | None:
    """The day a form's date names: as the date picker sends it (2026-09-01), or as typed day first or with the month in
    words (`_DAY_FIRST`, `_IN_WORDS`); None when it names no day (31/02/2027, "next Monday", a month with no year)."""
    said = " ".join(fold(value).replace(",", " ").split())
    try:
        return date.fromisoformat(said)
    except ValueError:
        pass
    try:
        if numbers := _DAY_FIRST.fullmatch(said):
            day, month, year = (int(n) for n in numbers.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        if (words := _IN_WORDS.fullmatch(said)) and words.group(2) in _MONTHS:
            return date(int(words.group(3)), _MONTHS[words.group(2)], int(words.group(1)))
    except ValueError:  # no such day
        return None
    return None


@dataclass(frozen=True)
class FormResult:
    """A valid request, or the problems by field (values are string keys for the catalogue)."""

    request: PermissionRequest | None
    errors: dict[str, str]


def read_form(data: Mapping[str, Any], *, federation: Federation, requester: Person, today: date,
              now: datetime, request_id: str, lang: Lang | None = None) -> FormResult:
    """Validate the form's values on the server; nothing in `data` is trusted. `lang`: the form's language."""
    errors: dict[str, str] = {}
    school_id = _text(data, "school")
    if not any(s.school_id == school_id for s in federation.schools):
        errors["school"] = "perm.error.school"
    platform = _text(data, "platform")
    if platform not in PLATFORMS:
        errors["platform"] = "perm.error.platform"
    platform_other = _text(data, "platform_other")
    account_kind = _text(data, "account_kind")
    existing = _text(data, "existing_account")
    if platform == "other" and (listed := _listed_platform(platform_other)):
        platform, platform_other = listed, ""  # the form's own choice, so a repeat of it is seen as one
    elif platform == "other" and (found := platform_at(platform_other))[0]:
        # Its address names the platform, and an account's address is the account (kept only for an existing one).
        site, of_an_account = found
        if of_an_account and account_kind != "existing":
            errors["platform_other"] = "perm.error.platform_address"
        else:
            existing = existing or (platform_other if of_an_account else "")
            platform, platform_other = site, ""
    if platform == "other" and not platform_other:
        errors["platform_other"] = "perm.error.platform_other"
    elif platform == "other" and not _has_words(platform_other):
        errors["platform_other"] = "perm.error.platform_other_words"
    elif platform == "other" and needs_no_permission(platform_other):
        errors["platform_other"] = "perm.error.platform_allowed"
    if account_kind not in ("new", "existing"):
        errors["account_kind"] = "perm.error.account_kind"
    if account_kind == "existing" and not existing:
        errors["existing_account"] = "perm.error.existing_account"
    elif account_kind == "existing" and not _has_words(existing):
        errors["existing_account"] = "perm.error.existing_account_words"
    purpose = _text(data, "purpose")
    if not purpose:
        errors["purpose"] = "perm.error.purpose"
    elif not _has_words(purpose):
        errors["purpose"] = "perm.error.purpose_words"
    audiences = _choices(data, "audience")
    if not audiences or any(a not in AUDIENCES for a in audiences):
        errors["audience"] = "perm.error.audience"
    pupil_content = _choices(data, "pupil_content")
    if not pupil_content or any(c not in PUPIL_CONTENT for c in pupil_content) or (
            "none" in pupil_content and len(pupil_content) > 1):
        errors["pupil_content"] = "perm.error.pupil_content"
    consent = _text(data, "consent")
    if pupil_content and "none" not in pupil_content and not consent:
        errors["consent"] = "perm.error.consent"
    elif consent and not _has_words(consent):
        errors["consent"] = "perm.error.consent_words"
    moderator = _text(data, "moderator")
    if not moderator:
        errors["moderator"] = "perm.error.moderator"
    elif not _has_words(moderator):
        errors["moderator"] = "perm.error.moderator_words"
    moderation = _text(data, "moderation")
    if moderation not in MODERATION:
        errors["moderation"] = "perm.error.moderation"
    start_text = _text(data, "start")
    start = read_date(start_text)
    if start is None:
        errors["start"] = "perm.error.start_unreadable" if start_text else "perm.error.start"
    elif start < today:
        # Permission runs from when it is asked for, never backdated: an account already running asks from today
        # and says since when it has run in the box about it (so the record shows what was approved, and from when).
        errors["start"] = "perm.error.start_backdated" if account_kind == "existing" else "perm.error.start_past"
    elif start > latest_start(today):
        errors["start"] = "perm.error.start_too_far"
    end_text = _text(data, "end")
    end = read_date(end_text) if end_text else None
    ongoing = _text(data, "ongoing") == "true"
    if end_text and end is None:
        errors["end"] = "perm.error.end"
    elif end is not None and ongoing:  # contradictory: which one was meant is the person's to say
        errors["end"] = "perm.error.end_and_ongoing"
    elif end is None and not ongoing:
        errors["end"] = "perm.error.end_or_ongoing"
    elif end is not None and start is not None and end < start:
        errors["end"] = "perm.error.end_before_start"
    elif end is not None and end > latest_end(today):
        errors["end"] = "perm.error.end_too_far"
    if _text(data, "confirm") != "true":
        errors["confirm"] = "perm.error.confirm"
    for key, limit in LIMITS.items():
        if len(_text(data, key)) > limit:
            errors[key] = "perm.error.too_long"
    if errors or start is None:
        return FormResult(None, errors)
    return FormResult(PermissionRequest(
        request_id=request_id, requester=requester, school_id=school_id, platform=platform,
        platform_other=platform_other if platform == "other" else "", account_kind=account_kind,
        existing_account=existing if account_kind == "existing" else "", purpose=purpose, audiences=audiences,
        pupil_content=pupil_content, consent=consent, moderator=moderator, moderation=moderation, start=start,
        end=end, submitted_at=now, lang=lang), {})


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only trail: who did what, when."""

    request_id: str
    action: str
    actor_id: str
    actor_name: str
    at: datetime
    detail: str = ""


class PermissionRequests(Protocol):
    """Port: where requests and their audit trail are kept."""

    async def create(self, request: PermissionRequest, audit: AuditEntry) -> None:
        """Store a new request and its first audit entry together, owing its notifications (see `owed`)."""
        ...

    async def get(self, request_id: str) -> PermissionRequest:
        """The request; `RecordNotFound` when there is none."""
        ...

    async def save(self, request: PermissionRequest, audit: AuditEntry) -> PermissionRequest:
        """Write a change if nobody changed the request since it was read (etag), with its audit entry, owing
        the new state's notifications. The lists it is on follow with `reindex`."""
        ...

    async def reindex(self, request: PermissionRequest) -> None:
        """Put a saved change on the lists its state belongs on (off the pending list once decided). Best effort,
        never raising: lists re-read each request's record, so a list not yet updated shows nothing wrong, and
        `rebuild_index` mends whatever a fault left."""
        ...

    async def owed(self) -> list[tuple[str, RequestState]]:
        """Requests whose notifications for a state were owed in the same write as that state and not yet
        marked queued: what a crash or a storage fault between the two writes left behind."""
        ...

    async def queued(self, request_id: str, state: RequestState, *, audit: AuditEntry | None = None) -> None:
        """The notifications for this state are in the outbox: no longer owed. With `audit`, an entry that changes
        no decision (e.g. sent to the approver) is appended in the same write, and appended all the same when the
        state was owed no longer (another instance caught it up first)."""
        ...

    async def list_audit(self, request_id: str) -> list[AuditEntry]:
        """The trail of one request, oldest first."""
        ...

    async def list_by_requester(self, person: Person) -> list[PermissionRequest]:
        """A person's requests, newest first."""
        ...

    async def list_pending(self, school_ids: Sequence[str]) -> list[PermissionRequest]:
        """Requests waiting for a decision at these schools, oldest first."""
        ...

    async def list_all(self) -> list[PermissionRequest]:
        """Every request (the federation has hundreds, not millions), for the register and the export."""
        ...

    async def rebuild_index(self) -> int:
        """Put every request on the lists it belongs on, whatever a fault left (lists kept apart from the records
        are mended; safe while requests are sent and decided); returns how many list entries changed."""
        ...
