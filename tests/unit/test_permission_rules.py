"""The permission rules as pure functions: form validation, who decides, and what a settled request allows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.directory import StaffMember
from bot.domain.errors import NotAllowed
from bot.domain.federation import Federation, load_federation
from bot.domain.ids import new_form_token
from bot.domain.lists import place_after
from bot.domain.people import Person, StaffContact
from bot.domain.permission_requests import (
    AlreadySettled,
    DatesEnded,
    NotInForce,
    PermissionRequest,
    RequestState,
    asked_already,
    decide,
    end_permission,
    form_request_id,
    is_form_token,
    is_request_id,
    listing_order,
    may_see_register,
    new_request_id,
    note_problem,
    read_form,
    requester_has_left,
    withdraw,
)

REPO = Path(__file__).resolve().parents[2]
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
OWAIN = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
SIAN = Person(TENANT, "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
GARETH = Person(TENANT, "a1000000-0000-4000-8000-000000000004", "Gareth Hughes")
FFION = Person(TENANT, "a1000000-0000-4000-8000-000000000005", "Ffion Morgan")
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def federation() -> Federation:
    return load_federation(REPO / "config" / "federation.local.json")


def _form(**overrides: str) -> dict[str, str]:
    values = {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
              "existing_account": "", "purpose": "Year 9 field trip highlights for parents.", "audience": "parents",
              "pupil_content": "work", "consent": "Parents opted in.", "moderator": "Carys Jenkins",
              "moderation": "daily", "start": "2026-12-01", "end": "", "ongoing": "true", "confirm": "true"}
    values.update(overrides)
    return values


def _read(federation: Federation, **overrides: str) -> tuple[PermissionRequest | None, dict[str, str]]:
    result = read_form(_form(**overrides), federation=federation, requester=CARYS, today=TODAY, now=NOW,
                       request_id="P-ABC234")
    return result.request, result.errors


def _pending(federation: Federation, requester: Person = CARYS) -> PermissionRequest:
    result = read_form(_form(), federation=federation, requester=requester, today=TODAY, now=NOW,
                       request_id="P-ABC234")
    assert result.request is not None
    return result.request


def test_a_complete_form_makes_a_pending_request(federation: Federation) -> None:
    request, errors = _read(federation, audience="parents,public")

    assert errors == {}
    assert request is not None
    assert (request.state, request.school_id, request.audiences, request.end) == (
        RequestState.PENDING, "high", ("parents", "public"), None)


@pytest.mark.parametrize(("overrides", "field", "key"), [
    ({"school": "atlantis"}, "school", "perm.error.school"),
    ({"platform": "myspace"}, "platform", "perm.error.platform"),
    ({"platform": "other", "platform_other": " "}, "platform_other", "perm.error.platform_other"),
    ({"account_kind": "borrowed"}, "account_kind", "perm.error.account_kind"),
    ({"account_kind": "existing"}, "existing_account", "perm.error.existing_account"),
    ({"purpose": ""}, "purpose", "perm.error.purpose"),
    ({"audience": ""}, "audience", "perm.error.audience"),
    ({"audience": "parents,everyone"}, "audience", "perm.error.audience"),
    ({"pupil_content": "none,photos"}, "pupil_content", "perm.error.pupil_content"),
    ({"pupil_content": "photos", "consent": ""}, "consent", "perm.error.consent"),
    ({"moderator": ""}, "moderator", "perm.error.moderator"),
    ({"moderation": "never"}, "moderation", "perm.error.moderation"),
    ({"start": ""}, "start", "perm.error.start"),
    ({"start": "31/02/2027"}, "start", "perm.error.start_unreadable"),
    ({"start": "next Monday"}, "start", "perm.error.start_unreadable"),
    ({"start": "2026-11-23"}, "start", "perm.error.start_past"),
    ({"account_kind": "existing", "existing_account": "@llanidloes_geog, since September", "start": "2026-09-01"},
     "start", "perm.error.start_backdated"),
    ({"end": "soon"}, "end", "perm.error.end"),
    ({"ongoing": "false"}, "end", "perm.error.end_or_ongoing"),
    ({"end": "2026-12-31", "ongoing": "true"}, "end", "perm.error.end_and_ongoing"),
    ({"end": "2026-11-30", "ongoing": "false"}, "end", "perm.error.end_before_start"),
    ({"confirm": "false"}, "confirm", "perm.error.confirm"),
    ({"purpose": "x" * 1001}, "purpose", "perm.error.too_long"),
    ({"platform": "other", "platform_other": "y" * 61}, "platform_other", "perm.error.too_long"),
])
def test_each_problem_is_reported_against_its_field_and_no_request_is_made(
        federation: Federation, overrides: dict[str, str], field: str, key: str) -> None:
    request, errors = _read(federation, **overrides)

    assert request is None
    assert errors[field] == key


@pytest.mark.parametrize(("typed", "day"), [
    ("01/12/26", date(2026, 12, 1)), ("1/12/2026", date(2026, 12, 1)), ("01.12.2026", date(2026, 12, 1)),
    ("1-12-26", date(2026, 12, 1)), ("1 December 2026", date(2026, 12, 1)), ("Tuesday 1st December 2026",
                                                                              date(2026, 12, 1)),
    ("1 Dec 2026", date(2026, 12, 1)), ("1 Rhagfyr 2026", date(2026, 12, 1)), ("dydd Mawrth 1af Rhagfyr 2026",
                                                                                date(2026, 12, 1)),
    ("3 Mawrth 2027", date(2027, 3, 3)), ("1 Rhagfyr", None), ("2026-12-01", date(2026, 12, 1)),
])
def test_a_date_written_day_first_or_with_its_month_in_english_or_welsh_is_read_as_staff_in_wales_write_it(
        federation: Federation, typed: str, day: date | None) -> None:
    """Teams' date picker sends 2026-12-01; a client that draws it as a box to type in (or a form filled in another
    way) sends what was typed. Before, "01/12/26" was told "Give a start date." though one was given, and the form
    came back with it in a date box that cannot hold it. The UK writes the day first; a month in words is read in
    either language; without its year it is refused, saying how to write it."""
    request, errors = _read(federation, start=typed, end=typed, ongoing="false")

    assert (request.start if request else errors["start"]) == (day or "perm.error.start_unreadable")
    assert (request.end if request else errors["end"]) == (day or "perm.error.end")


@pytest.mark.parametrize(("other", "kind", "box", "platform", "account"), [
    ("https://www.instagram.com/llanidloes_pe", "existing", "", "instagram", "https://www.instagram.com/llanidloes_pe"),
    ("www.facebook.com/LlanidloesPE/", "existing", "", "facebook", "www.facebook.com/LlanidloesPE/"),
    ("https://twitter.com/llanidloes_pe", "existing", "@llanidloes_pe", "x", "@llanidloes_pe"),
    ("https://www.tiktok.com/@llanidloes?lang=en", "existing", "", "tiktok", "https://www.tiktok.com/@llanidloes?lang=en"),
    ("https://llanidloespe.blogspot.com", "existing", "", "blog", "https://llanidloespe.blogspot.com"),
    ("https://www.blogger.com", "new", "", "blog", ""),
    ("https://padlet.com/llani/year6", "new", "", "other", ""),
])
def test_a_platform_named_by_its_web_address_under_other_is_that_platform_and_the_address_its_account(
        federation: Federation, other: str, kind: str, box: str, platform: str, account: str) -> None:
    """Before, "https://www.instagram.com/llanidloes_pe" under "Other" was a platform of its own: the head read "asks to
    use an existing https://www.instagram.com/llanidloes_pe account", and her Instagram requests never saw it. The
    address of an account is the account, when she has not named it in its own box; a platform not on the form keeps
    its address as its name."""
    request, errors = _read(federation, platform="other", platform_other=other, account_kind=kind,
                            existing_account=box)

    assert errors == {}
    assert request is not None
    assert (request.platform, request.existing_account) == (platform, account)
    assert request.platform_other == ("" if platform != "other" else other)


def test_an_accounts_address_under_other_on_a_request_for_a_new_account_says_where_it_goes(
        federation: Federation) -> None:
    """A new account's request would lose the address (only an existing account's is kept): she is told where it
    goes, and nothing is sent."""
    request, errors = _read(federation, platform="other", platform_other="instagram.com/llanidloes_pe",
                            account_kind="new")

    assert request is None
    assert errors == {"platform_other": "perm.error.platform_address"}


def test_an_account_already_running_is_asked_for_from_today(federation: Federation) -> None:
    """Permission is given from the day it is asked for, never backdated: an account running since September asks
    from today, and says since when it has run in the box about the account."""
    request, errors = _read(federation, account_kind="existing", existing_account="@llanidloes_geog, since September",
                            start=TODAY.isoformat())

    assert errors == {}
    assert request is not None and request.start == TODAY


def test_values_that_are_not_text_are_treated_as_missing(federation: Federation) -> None:
    data: dict[str, object] = {**_form(), "purpose": {"$ne": ""}, "confirm": True}

    result = read_form(data, federation=federation, requester=CARYS, today=TODAY, now=NOW, request_id="P-ABC234")

    assert result.request is None
    assert set(result.errors) == {"purpose", "confirm"}


def test_a_choice_sent_twice_is_kept_once(federation: Federation) -> None:
    """Teams sends each choice once; a forged form sent "parents,parents" and the headteacher's card read "a new
    Instagram account for parents and parents"."""
    data = _form(audience="parents, parents,pupils", pupil_content="photos,photos,work")

    request = read_form(data, federation=federation, requester=CARYS, today=TODAY, now=NOW,
                        request_id="P-ABC234").request

    assert request is not None
    assert (request.audiences, request.pupil_content) == (("parents", "pupils"), ("photos", "work"))


def test_the_headteacher_and_the_delegate_may_decide(federation: Federation) -> None:
    by_head = decide(_pending(federation), SIAN, federation, approve=True, reason="", comment="Good", now=NOW)
    by_delegate = decide(_pending(federation), FFION, federation, approve=False, reason="Use Hwb", comment="", now=NOW)

    assert (by_head.state, by_head.decided_by, by_head.comment, by_head.reason) == (
        RequestState.APPROVED, "Siân Roberts", "Good", "")
    assert (by_delegate.state, by_delegate.reason, by_delegate.comment) == (RequestState.DECLINED, "Use Hwb", "")


def test_anyone_else_may_not_decide(federation: Federation) -> None:
    with pytest.raises(NotAllowed):
        decide(_pending(federation), OWAIN, federation, approve=True, reason="", comment="", now=NOW)


def test_nobody_decides_their_own_request_not_even_a_headteacher(federation: Federation) -> None:
    own = _pending(federation, requester=SIAN)

    with pytest.raises(NotAllowed):
        decide(own, SIAN, federation, approve=True, reason="", comment="", now=NOW)


def _without_delegates(federation: Federation, *, primary_head: StaffContact | None = None) -> Federation:
    """The federation with no named delegates; with `primary_head`, the primary school has its own headteacher."""
    return replace(federation, schools=tuple(
        replace(s, delegates=(), headteacher=primary_head if primary_head and s.school_id == "primary"
                else s.headteacher) for s in federation.schools))


def test_a_headteachers_own_request_goes_to_her_named_delegate_only(federation: Federation) -> None:
    high = federation.school("high")

    assert federation.deciders_for(high, SIAN) == high.delegates
    assert federation.deciders_for(high, CARYS) == (high.headteacher, *high.delegates)


def test_a_headteachers_own_request_with_no_delegate_goes_to_the_other_schools_headteacher(
        federation: Federation) -> None:
    gareth = StaffContact(GARETH.aad_object_id, "Gareth Hughes")
    two_heads = _without_delegates(federation, primary_head=gareth)
    own = _pending(two_heads, requester=SIAN)

    decided = decide(own, GARETH, two_heads, approve=True, reason="", comment="", now=NOW)

    assert two_heads.deciders_for(two_heads.school("high"), SIAN) == (gareth,)
    assert decided.decided_by_id == GARETH.aad_object_id
    with pytest.raises(NotAllowed):  # Carys's requests at the high school are still Siân's alone
        decide(_pending(two_heads), GARETH, two_heads, approve=True, reason="", comment="", now=NOW)


def test_an_executive_heads_own_request_with_no_delegate_has_nobody_to_decide_it(federation: Federation) -> None:
    executive_head_only = _without_delegates(federation)

    assert executive_head_only.deciders_for(executive_head_only.school("high"), SIAN) == ()
    assert not executive_head_only.may_decide(executive_head_only.school("high"), SIAN, SIAN)


@pytest.mark.parametrize("state", [RequestState.APPROVED, RequestState.DECLINED, RequestState.WITHDRAWN])
def test_a_settled_request_cannot_be_decided_again(federation: Federation, state: RequestState) -> None:
    settled = replace(_pending(federation), state=state, decided_by="Ffion Morgan", decided_at=NOW)

    with pytest.raises(AlreadySettled) as raised:
        decide(settled, SIAN, federation, approve=True, reason="", comment="", now=NOW)

    assert raised.value.request.decided_by == "Ffion Morgan"


def test_a_decline_needs_a_reason() -> None:
    assert note_problem("  ", approve=False) == "perm.reason_required"
    assert note_problem("", approve=True) == ""
    assert note_problem("Use the school page", approve=False) == ""
    assert note_problem("x" * 501, approve=True) == "perm.error.too_long"


def test_decide_refuses_a_decline_without_a_reason(federation: Federation) -> None:
    with pytest.raises(ValueError):
        decide(_pending(federation), SIAN, federation, approve=False, reason="", comment="", now=NOW)


def test_only_the_requester_withdraws_and_only_while_pending(federation: Federation) -> None:
    request = _pending(federation)

    withdrawn = withdraw(request, CARYS, NOW)

    assert withdrawn.state is RequestState.WITHDRAWN
    with pytest.raises(NotAllowed):
        withdraw(request, SIAN, NOW)
    with pytest.raises(AlreadySettled):
        withdraw(withdrawn, CARYS, NOW)


def test_request_ids_are_short_readable_and_checked_before_any_lookup() -> None:
    ids = {new_request_id() for _ in range(200)}

    assert all(is_request_id(i) and len(i) == 8 and not set(i[2:]) & set("O0I1") for i in ids)
    assert len(ids) > 190
    assert not any(is_request_id(v) for v in ("P-abc234", "P-ABC23", "P-' or 1 eq 1", 42, None, "P-ABC2345"))


def test_the_register_is_for_deciders_and_the_policy_owner(federation: Federation) -> None:
    assert may_see_register(SIAN, federation) and may_see_register(FFION, federation)
    assert not may_see_register(CARYS, federation)


def test_the_register_holds_approved_permissions_not_yet_ended(federation: Federation) -> None:
    approved = replace(_pending(federation), state=RequestState.APPROVED, end=date(2026, 12, 31))

    assert approved.is_active_on(date(2026, 12, 31))
    assert not approved.is_active_on(date(2027, 1, 1))
    assert not replace(approved, state=RequestState.DECLINED).is_active_on(TODAY)


def _asked(federation: Federation, form: dict[str, str], request_id: str) -> PermissionRequest:
    request = read_form(form, federation=federation, requester=CARYS, today=TODAY, now=NOW,
                        request_id=request_id).request
    assert request is not None
    return request


def test_a_request_repeats_an_approval_only_when_it_asks_for_nothing_the_approval_did_not_give(
        federation: Federation) -> None:
    asked = _asked(federation, _form(pupil_content="photos,names", consent="Signed forms.",
                                     moderation="several_weekly"), "P-AAAAAA")
    approved = decide(asked, SIAN, federation, approve=True, reason="", comment="", now=NOW)
    less = _asked(federation, _form(pupil_content="photos", consent="Signed forms.", moderation="daily"), "P-BBBBBB")
    work_too = _asked(federation, _form(pupil_content="photos,work", consent="Signed forms."), "P-CCCCCC")
    weekly = _asked(federation, _form(pupil_content="none", consent="", moderation="weekly"), "P-DDDDDD")

    assert asked_already(less, [approved]) == approved  # fewer pupils' things, checked more often: approved already
    assert asked_already(work_too, [approved]) is None  # pupils' work was never approved
    assert asked_already(weekly, [approved]) is None  # checked less often than approved


def test_another_existing_account_never_repeats_a_request_for_one(federation: Federation) -> None:
    year9 = _asked(federation, _form(account_kind="existing", existing_account="@Year9 "), "P-AAAAAA")
    year9_again = _asked(federation, _form(account_kind="existing", existing_account="@year9"), "P-BBBBBB")
    year10 = _asked(federation, _form(account_kind="existing", existing_account="@year10"), "P-CCCCCC")
    new = _asked(federation, _form(), "P-DDDDDD")

    assert asked_already(year9_again, [year9]) == year9  # the same account, waiting
    assert asked_already(year10, [year9]) is None
    assert asked_already(new, [year9]) == year9  # a new account she names once it exists is still the one asked for


def test_every_press_of_one_form_names_one_request_and_nobody_elses_form_names_it() -> None:
    form, other_form = new_form_token(), new_form_token()

    ids = {form_request_id(CARYS, form) for _ in range(3)}

    assert len(ids) == 1 and all(is_request_id(i) for i in ids)
    assert form_request_id(OWAIN, form) not in ids and form_request_id(CARYS, other_form) not in ids
    assert is_form_token(form) and not any(is_form_token(v) for v in ("", "F-short", "P-ABCDEF", form + "x", None))


def test_an_approval_runs_from_the_start_asked_for_or_the_uk_day_it_is_given_whichever_is_later(
        federation: Federation) -> None:
    """Permission is never backdated: asked from 1 December, approved on 24 November it runs from the 1st, approved on
    4 December from the 4th; asked from 6 July and approved at 00:30 BST on the 9th (the 8th in UTC), from the 9th."""
    request = _pending(federation)  # from 1 December 2026, ongoing

    early = decide(request, SIAN, federation, approve=True, reason="", comment="", now=NOW)
    late = decide(request, SIAN, federation, approve=True, reason="", comment="",
                  now=datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    after_midnight_bst = decide(replace(request, start=date(2026, 7, 6)), SIAN, federation, approve=True, reason="",
                                comment="", now=datetime(2026, 7, 8, 23, 30, tzinfo=UTC))

    assert (early.approved_from, early.permitted_from) == (date(2026, 12, 1), date(2026, 12, 1))
    assert (late.approved_from, late.permitted_from, late.start) == (date(2026, 12, 4), date(2026, 12, 4),
                                                                     date(2026, 12, 1))
    assert after_midnight_bst.approved_from == date(2026, 7, 9)


def test_a_request_whose_dates_have_ended_is_declined_never_approved(federation: Federation) -> None:
    request = replace(_pending(federation), start=date(2026, 11, 2), end=date(2026, 11, 6))
    on_the_last_day = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)
    the_day_after = datetime(2026, 11, 7, 9, 0, tzinfo=UTC)

    assert decide(request, SIAN, federation, approve=True, reason="", comment="",
                  now=on_the_last_day).approved_from == date(2026, 11, 6)
    with pytest.raises(DatesEnded):
        decide(request, SIAN, federation, approve=True, reason="", comment="", now=the_day_after)
    declined = decide(request, SIAN, federation, approve=False, reason="Over", comment="", now=the_day_after)
    assert (declined.state, declined.approved_from, declined.permitted_from) == (RequestState.DECLINED, None, None)
    assert request.dates_ended_by(date(2026, 11, 7)) and not request.dates_ended_by(date(2026, 11, 6))
    assert not replace(request, end=None).dates_ended_by(date(2030, 1, 1))


def test_an_approval_recorded_before_approved_from_was_kept_runs_from_the_day_it_was_given(
        federation: Federation) -> None:
    """Records approved by an earlier version keep no approved-from date: read by the same rule from when they were
    decided, a late approval is not shown backdated."""
    older = replace(_pending(federation), state=RequestState.APPROVED, decided_at=datetime(2026, 12, 4, 9, 0,
                                                                                               tzinfo=UTC))

    assert older.approved_from is None and older.permitted_from == date(2026, 12, 4)
    assert replace(older, decided_at=NOW).permitted_from == date(2026, 12, 1)


@pytest.mark.parametrize("newest_first", [True, False])
def test_a_list_goes_on_after_the_last_one_shown_whether_or_not_it_is_still_on_it(
        federation: Federation, newest_first: bool) -> None:
    """Show more goes on after the request its card ended on, not from a place: two sent in one instant keep one order
    (by id), and a request that has left the list still marks where it stood."""
    sent = [replace(_pending(federation), request_id=request_id, submitted_at=NOW + timedelta(minutes=minutes))
            for request_id, minutes in (("P-AAAAAA", 0), ("P-BBBBBB", 1), ("P-CCCCCC", 1), ("P-DDDDDD", 2))]
    listed = sorted(sent, key=listing_order, reverse=newest_first)
    gone = listed.pop(1)

    assert [r.request_id for r in listed] == (["P-DDDDDD", "P-BBBBBB", "P-AAAAAA"] if newest_first
                                              else ["P-AAAAAA", "P-CCCCCC", "P-DDDDDD"])
    assert place_after(listed, listed[0], standing=listing_order, newest_first=newest_first) == 1
    assert place_after(listed, gone, standing=listing_order, newest_first=newest_first) == 1  # where it stood
    assert place_after(listed, listed[-1], standing=listing_order,
                       newest_first=newest_first) == len(listed)  # nothing after it


def _approved(federation: Federation, requester: Person = CARYS) -> PermissionRequest:
    return decide(_pending(federation, requester), FFION if requester == SIAN else SIAN, federation, approve=True,
                  reason="", comment="Go ahead.", now=NOW)


def test_the_headteacher_the_delegate_and_the_member_of_staff_who_asked_may_end_an_approval(
        federation: Federation) -> None:
    approved = _approved(federation)
    later = NOW + timedelta(days=30)

    for person in (SIAN, FFION, CARYS):
        ended = end_permission(approved, person, federation, reason="The account was closed.", now=later)

        assert (ended.state, ended.ended_by, ended.ended_by_id, ended.ended_at, ended.end_reason) == (
            RequestState.ENDED, person.name, person.aad_object_id, later, "The account was closed.")
        # The approval stays on record beside the ending, and it is no longer in force.
        assert (ended.decided_by, ended.comment, ended.permitted_from) == (
            "Siân Roberts", "Go ahead.", date(2026, 12, 1))
        assert not ended.is_active_on(TODAY) and not ended.is_active_on(date(2026, 12, 2))


def test_nobody_else_ends_an_approval(federation: Federation) -> None:
    approved = _approved(federation)

    for person in (OWAIN, GARETH, replace(SIAN, tenant_id="another-tenant")):
        with pytest.raises(NotAllowed):
            end_permission(approved, person, federation, reason="", now=NOW)


@pytest.mark.parametrize("state", [RequestState.PENDING, RequestState.DECLINED, RequestState.WITHDRAWN,
                                   RequestState.ENDED])
def test_only_a_permission_in_force_or_still_to_start_can_be_ended(federation: Federation,
                                                                   state: RequestState) -> None:
    not_approved = replace(_pending(federation), state=state)

    with pytest.raises(NotInForce) as raised:
        end_permission(not_approved, SIAN, federation, reason="", now=NOW)

    assert raised.value.request.state is state


def test_an_approval_whose_last_day_has_passed_is_not_ended_again(federation: Federation) -> None:
    approved = replace(_approved(federation), end=date(2026, 12, 31))

    assert end_permission(approved, SIAN, federation, reason="", now=datetime(2026, 12, 31, 15, 0, tzinfo=UTC))
    with pytest.raises(NotInForce):
        end_permission(approved, SIAN, federation, reason="", now=datetime(2027, 1, 1, 9, 0, tzinfo=UTC))


def test_a_reason_for_ending_has_the_length_limit_of_a_decisions(federation: Federation) -> None:
    with pytest.raises(ValueError):
        end_permission(_approved(federation), SIAN, federation, reason="x" * 501, now=NOW)


def _member(person: Person, *, with_id: bool = True) -> StaffMember:
    return StaffMember(person.name, f"{person.name.split()[0].lower()}@example.org", "high", "Teacher", "",
                       person.aad_object_id if with_id else "")


def test_a_requester_off_the_staff_list_has_left_as_import_staff_says_so(federation: Federation) -> None:
    approved = _approved(federation)
    staff = [_member(OWAIN), _member(GARETH)]

    assert requester_has_left(approved, staff, federation)
    assert not requester_has_left(approved, [*staff, _member(CARYS)], federation)
    assert not requester_has_left(approved, [], federation)  # no list yet: nobody has left
    # A row without an object id may be her by name; the headteacher is there while the settings name her.
    assert not requester_has_left(approved, [*staff, _member(CARYS, with_id=False)], federation)
    assert not requester_has_left(_approved(federation, SIAN), staff, federation)
