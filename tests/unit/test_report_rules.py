"""Concern report rules: routing, naming, who sees and does what, notes, the working-day clock and retention."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.concerns import (
    ConcernReport,
    Doubt,
    Naming,
    NobodyToSendTo,
    NoteKind,
    ReportKind,
    ReportState,
    Role,
    Route,
    Routing,
    Subject,
    Today,
    add_months,
    describes,
    may_name,
    mentions,
    misspells,
    near_name,
    nicknames,
    not_names,
    posts,
    role_words,
    roles,
    route,
    unnamed_title,
)
from bot.domain.directory import StaffMember, read_staff_csv
from bot.domain.errors import NotAllowed
from bot.domain.federation import Federation, load_federation
from bot.domain.people import Person, StaffContact
from dialogs.base import normalise
from dialogs.concerns import what_it_is_about

REPO = Path(__file__).resolve().parents[2]
FEDERATION = load_federation(REPO / "config" / "federation.local.json")
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
SIAN = Person(TENANT, "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
STRANGER = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
GARETH = StaffContact("a1000000-0000-4000-8000-000000000004", "Gareth Hughes", "gareth.hughes@llanidloes.example.cymru")
AS_GARETH = Person(TENANT, GARETH.aad_object_id, GARETH.name)
HEAD = FEDERATION.schools[0].headteacher
assert FEDERATION.chair_of_governors is not None
CHAIR = FEDERATION.chair_of_governors
AS_CHAIR = Person(TENANT, CHAIR.aad_object_id, CHAIR.name)
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CALENDAR = FEDERATION.calendar  # weekends and bank holidays: the fictional settings list no school holidays
# The office's list imported without object ids, as the import allows ("only Graph can find those people's managers").
STAFF = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                       schools=["high", "primary"]).staff
WITHOUT_IDS = tuple(replace(m, aad_object_id="") for m in STAFF)
WITHOUT_GARETH = tuple(m for m in STAFF if m.email != GARETH.email)
RHYS = StaffContact("a1000000-0000-4000-8000-0000000000ee", "Dr Rhys Ellis", "rhys.ellis@llanidloes.example.cymru")
AFTER_EASTER = replace(FEDERATION, schools=tuple(replace(s, headteacher=RHYS) for s in FEDERATION.schools))


def _today(federation: Federation = FEDERATION, *, staff: tuple[StaffMember, ...] = STAFF,
           subject: Subject | None = None) -> Today:
    """The settings and staff list as they are now, for a report that names nobody unless `subject` says."""
    return Today(federation, staff, subject or Subject(), school_id="high")


def _typed(*texts: str) -> Subject:
    return Subject(typed=texts)


def _report(**changes: object) -> ConcernReport:
    report = ConcernReport(reference="C-4QX9TB", reporter=CARYS, what="w", since="", where="", who="", evidence="",
                           wants_meeting=False, urgent=False, submitted_at=MONDAY, chain=(GARETH, HEAD, CHAIR),
                           route=Route.LINE_MANAGER)
    return replace(report, **changes)  # type: ignore[arg-type]


def test_the_line_manager_gets_it_then_the_headteacher_then_the_chair() -> None:
    routing = route(CARYS, _typed("Dafydd in science keeps messaging me"), GARETH, FEDERATION, "high")

    assert routing == Routing((GARETH, HEAD, CHAIR), Route.LINE_MANAGER)
    assert roles(routing.chain, FEDERATION) == (Role.LINE_MANAGER, Role.HEADTEACHER, Role.CHAIR)


def test_no_manager_known_goes_to_the_headteacher() -> None:
    assert route(CARYS, Subject(), None, FEDERATION, "high") == Routing((HEAD, CHAIR), Route.NO_MANAGER)


@pytest.mark.parametrize("typed", [
    "Gareth", "mr hughes", "GARETH HUGHES", "gareth.hughes@llanidloes.example.cymru",
    "my line manager, Gareth, and Dafydd",
    "Mr. Hughes's messages", "Gareth's comments", "Dr Gareth Hughes", "Bnr Hughes yn anfon negeseuon",
    "Mae'n anfon negeseuon at Areth a fi", "hughes-jones? no: HUGHES",
])
def test_a_report_naming_the_manager_anywhere_skips_the_manager(typed: str) -> None:
    for subject in (_typed(typed), _typed("", "", "", typed), _typed("x", "", "", "", typed)):
        assert route(CARYS, subject, GARETH, FEDERATION, "high") == Routing((HEAD, CHAIR), Route.MANAGER_INVOLVED,
                                                                           (GARETH,))


def test_picking_the_manager_or_saying_it_involves_them_skips_the_manager() -> None:
    picked = Subject(about=StaffContact(GARETH.aad_object_id, "Gareth Hughes", GARETH.email))
    by_email_only = Subject(about=StaffContact("", "G. Hughes", "GARETH.HUGHES@llanidloes.example.cymru"))
    flagged = Subject(involves_manager=True)

    for subject in (picked, by_email_only, flagged):
        assert route(CARYS, subject, GARETH, FEDERATION, "high").chain == (HEAD, CHAIR)


def test_a_report_involving_the_line_manager_keeps_who_he_was() -> None:
    assert route(CARYS, Subject(involves_manager=True), GARETH, FEDERATION, "high").manager == GARETH


def _picked(email: str, staff: tuple[StaffMember, ...] = WITHOUT_IDS) -> Subject:
    """The colleague the reporter chose from the staff list (the form sends the row's email)."""
    row = next(m for m in staff if m.email == email)
    return Subject(about=StaffContact(row.aad_object_id, row.name, row.email), staff=staff)


@pytest.mark.parametrize("manager", [
    StaffContact(GARETH.aad_object_id, "Gareth Hughes", "HughesG42@hwbcymru.net"),
    StaffContact(GARETH.aad_object_id, "Mr G. Hughes", "hughesg42@hwbcymru.net"),
    StaffContact(GARETH.aad_object_id, "HughesG42", "HughesG42@hwbcymru.net"),
    StaffContact(GARETH.aad_object_id, "GH42", "gh42@hwbcymru.net"),
    StaffContact(GARETH.aad_object_id, "Staff 42", "s42@hwbcymru.net", ("x@hwbcymru.net", GARETH.email.upper())),
], ids=["hwb-mail", "graphs-own-name", "user-name-for-a-name", "nothing-to-tell-him-by", "school-mail-in-other-mails"])
def test_a_report_about_the_picked_line_manager_never_reaches_him_whatever_address_graph_knows(
        manager: StaffContact) -> None:
    routing = route(CARYS, _picked(GARETH.email), manager, FEDERATION, "high")

    # Told truly: an address in common shows it is him; otherwise the bot could not tell him from the pick.
    why = Route.MANAGER_INVOLVED if GARETH.email in manager.addresses else Route.MANAGER_MAY_BE_PICKED
    assert routing == Routing((HEAD, CHAIR), why, (manager,))


def test_a_report_about_another_colleague_still_goes_to_the_line_manager_graph_names() -> None:
    manager = StaffContact(GARETH.aad_object_id, "Gareth Hughes", "HughesG42@hwbcymru.net")
    namesake = StaffMember("Gareth Jones", "gareth.jones@llanidloes.example.cymru", "high", "Teacher of Welsh", "")
    staff = (*WITHOUT_IDS, namesake)

    about_owain = route(CARYS, _picked("owain.pritchard@llanidloes.example.cymru", staff), manager, FEDERATION, "high")
    about_namesake = route(CARYS, _picked(namesake.email, staff), manager, FEDERATION, "high")

    assert about_owain == Routing((manager, HEAD, CHAIR), Route.LINE_MANAGER)
    assert about_namesake == Routing((manager, HEAD, CHAIR), Route.LINE_MANAGER)  # the list tells the two apart


def test_a_picked_colleague_graph_knows_by_a_name_another_row_has_never_holds_the_report() -> None:
    # The list knows him as "Dai Jones"; Entra has his legal name, "David Jones", which another teacher really has.
    dai = StaffMember("Dai Jones", "dai.jones@llanidloes.example.cymru", "high", "Head of Science", "")
    david = StaffMember("David Jones", "david.jones@llanidloes.example.cymru", "primary", "Year 5 Teacher", "")
    manager = StaffContact("a1000000-0000-4000-8000-0000000000d1", "David Jones", "JonesD42@hwbcymru.net")

    routing = route(CARYS, _picked(dai.email, (*WITHOUT_IDS, dai, david)), manager, FEDERATION, "high")

    assert routing == Routing((HEAD, CHAIR), Route.MANAGER_MAY_BE_PICKED, (manager,))


def test_an_address_of_another_row_tells_graphs_namesake_apart() -> None:
    dai = StaffMember("Dai Jones", "dai.jones@llanidloes.example.cymru", "high", "Head of Science", "")
    david = StaffMember("David Jones", "david.jones@llanidloes.example.cymru", "primary", "Year 5 Teacher", "")
    manager = StaffContact("a1000000-0000-4000-8000-0000000000d1", "David Jones", david.email.upper())

    routing = route(CARYS, _picked(dai.email, (*WITHOUT_IDS, dai, david)), manager, FEDERATION, "high")

    assert routing == Routing((manager, HEAD, CHAIR), Route.LINE_MANAGER)


def test_a_holder_with_the_picked_colleagues_whole_name_is_passed_over_even_on_a_row_of_their_own() -> None:
    # One person can have two rows (an old and a new address): the same whole name is never told apart.
    ta = StaffMember("Siân Roberts", "s.roberts2@llanidloes.example.cymru", "primary", "Teaching Assistant", "")

    routing = route(CARYS, _picked(ta.email, (*WITHOUT_IDS, ta)), None, FEDERATION, "primary")

    assert routing.chain == (CHAIR,)


def test_a_colleague_sharing_only_the_chairs_first_name_does_not_drop_the_chair() -> None:
    huw = StaffMember("Huw Jones", "huw.jones@llanidloes.example.cymru", "high", "Science", "")

    routing = route(CARYS, _picked(huw.email, (*WITHOUT_IDS, huw)), None, FEDERATION, "high")

    assert routing == Routing((HEAD, CHAIR), Route.NO_MANAGER)


@pytest.mark.parametrize("manager", [
    StaffContact("a1000000-0000-4000-8000-0000000000e1", "Mrs R Jones", "JonesR7@hwbcymru.net"),
    StaffContact("a1000000-0000-4000-8000-0000000000e1", "Dafydd", "d7@hwbcymru.net"),
    StaffContact("a1000000-0000-4000-8000-0000000000e1", "Jones, Dafydd", "d7@hwbcymru.net"),
    StaffContact("a1000000-0000-4000-8000-0000000000e1", "Dafydd Pugh", "dafydd.jones7@hwbcymru.net"),
], ids=["surname", "first-name-alone", "surname-first", "name-in-address"])
def test_a_manager_who_may_be_the_picked_colleague_by_name_is_passed_over(manager: StaffContact) -> None:
    dafydd = StaffMember("Dafydd Jones", "dafydd.jones@llanidloes.example.cymru", "high", "Science", "")

    routing = route(CARYS, _picked(dafydd.email, (*WITHOUT_IDS, dafydd)), manager, FEDERATION, "high")

    assert routing.chain == (HEAD, CHAIR)


def test_a_picked_colleague_with_an_object_id_is_told_apart_by_it() -> None:
    with_ids = Subject(about=StaffContact("a1000000-0000-4000-8000-000000000002", "Gareth Owain", "go@x.cymru"))

    assert route(CARYS, with_ids, GARETH, FEDERATION, "high") == Routing((GARETH, HEAD, CHAIR), Route.LINE_MANAGER)


def test_the_headteachers_own_report_goes_to_the_chair() -> None:
    assert route(SIAN, Subject(), None, FEDERATION, "high") == Routing((CHAIR,), Route.REPORTER_IS_HEAD)


def test_a_report_about_the_headteacher_never_reaches_the_headteacher() -> None:
    with_manager = route(CARYS, _typed("Sian Roberts"), GARETH, FEDERATION, "high")
    without_manager = route(CARYS, _typed("siân"), None, FEDERATION, "high")
    manager_is_head = route(CARYS, _typed("Mrs Roberts"), StaffContact(HEAD.aad_object_id, HEAD.name), FEDERATION,
                            "high")

    assert with_manager == Routing((CHAIR,), Route.ABOUT_HEAD, (HEAD,))  # not Gareth: he reports to her
    assert without_manager == Routing((CHAIR,), Route.ABOUT_HEAD, (HEAD,))
    assert (manager_is_head.chain, manager_is_head.why) == ((CHAIR,), Route.MANAGER_INVOLVED)


def test_without_a_chair_a_report_about_the_head_stays_with_the_line_manager() -> None:
    no_chair = replace(FEDERATION, chair_of_governors=None)

    assert route(CARYS, _typed("Mrs Roberts"), GARETH, no_chair, "high") == Routing((GARETH,), Route.LINE_MANAGER,
                                                                                    (HEAD,))


def test_colleagues_sharing_the_heads_and_chairs_first_names_leave_the_report_with_the_line_manager() -> None:
    said = _typed("Siân Evans from the office and Huw Jones in maths keep posting about me in the staff WhatsApp group")

    # Either may be the head or the chair, so neither gets it; Gareth is named nowhere, so he does.
    assert route(CARYS, said, GARETH, FEDERATION, "high") == Routing((GARETH,), Route.LINE_MANAGER, (HEAD, CHAIR))


def test_a_report_naming_the_head_and_the_chair_goes_to_the_line_manager_it_does_not_name() -> None:
    said = _typed("Mrs Roberts and Mr Davies both message me")

    assert route(CARYS, said, GARETH, FEDERATION, "high") == Routing((GARETH,), Route.LINE_MANAGER, (HEAD, CHAIR))


def test_a_report_naming_everyone_it_could_go_to_goes_to_nobody() -> None:
    with pytest.raises(NobodyToSendTo):
        route(CARYS, _typed("Gareth, Mrs Roberts and Huw Davies"), GARETH, FEDERATION, "high")
    with pytest.raises(NobodyToSendTo):
        route(SIAN, _typed("the chair, Mr Davies"), None, FEDERATION, "high")


def test_someone_who_is_not_a_colleague_goes_to_the_headteacher_not_the_line_manager() -> None:
    outside = Subject(typed=("A parent keeps commenting on my photos",), kind=ReportKind.NOT_COLLEAGUE)

    assert route(CARYS, outside, GARETH, FEDERATION, "high") == Routing((HEAD, CHAIR), Route.NOT_COLLEAGUE)
    assert route(CARYS, replace(outside, typed=("Mrs Roberts ignores it",)), GARETH, FEDERATION, "high") == Routing(
        (CHAIR,), Route.ABOUT_HEAD, (HEAD,))


def test_someone_listed_as_their_own_manager_has_no_manager() -> None:
    me = StaffContact(CARYS.aad_object_id, CARYS.name)

    assert route(CARYS, Subject(), me, FEDERATION, "high") == Routing((HEAD, CHAIR), Route.NO_MANAGER)


def test_naming_ignores_case_accents_titles_and_mutations_but_not_other_words() -> None:
    sian = StaffContact("x", "Mrs Siân Roberts", "sian.roberts@llanidloes.example.cymru")
    di = StaffContact("y", "Di Evans")
    bill = StaffContact("z", "Bill Owen")
    carys = StaffContact("w", "Carys Jenkins")

    assert mentions("SIAN", sian) and mentions("siân roberts", sian) and mentions("Mrs. ROBERTS", sian)
    assert not mentions("Mrs Evans from the office", sian) and not mentions("mrs", sian)
    assert mentions("Di Evans", di) and mentions("EVANS", di) and not mentions("wyt ti'n gwybod, di?", di)
    assert not mentions("please fill in the form", bill)  # "fill" is not a mutated "Bill": too short to mutate
    assert mentions("gyda Charys", carys) and mentions("i Garys", carys)


def test_a_report_naming_llyr_is_about_the_ll_r_a_plain_csv_import_left_on_the_staff_list() -> None:
    """Excel's plain CSV wrote "Llŷr" as "Ll?r": a "?" in a stored name stands for any one letter, so the report
    still names him and never reaches him; it is one letter, not a word's worth."""
    llyr = StaffContact("llyr", "Ll?r Hughes")

    assert Subject(typed=("Llŷr keeps messaging me",)).names(llyr, manager=None, federation=None)
    assert mentions("LLYR HUGHES", llyr) and mentions("llŵr", llyr)
    assert not mentions("Lloyd keeps messaging me", llyr) and not mentions("Llr keeps messaging me", llyr)
    assert mentions("Mr Hughes", llyr)  # the surname, as before


# The other names a report may call someone in its chain by (`may_name`): each must keep the report from them.
@pytest.mark.parametrize(("name", "said"), [
    ("Gareth Hughes", "GH's messages at night"),
    ("Mr G Hughes", "GH keeps messaging me"),  # Graph's initial-only name: the same initials
    ("Gareth Alun Hughes", "GAH keeps messaging me"),
    ("Gareth Alun Hughes", "GH keeps messaging me"),
    ("Rhys ap Gwyn", "RG keeps messaging me"),  # a name's particle is not an initial
    ("Gareth Hughes", "@gh keeps replying to my posts"),
    ("Gareth Hughes", "G. H. keeps messaging me"),
    ("Rhys Ellis", "R.E. keeps messaging me"),  # a school abbreviation written as initials, with dots
    ("Siân Roberts", "Miss S keeps messaging me"),  # the first name's initial after a title (primary schools)
    ("Gareth Hughes", "mr h keeps messaging me"),
    ("Gareth Hughes", "GHughes keeps replying"),
    ("Gareth Hughes", "ghughes@another.school keeps emailing me"),
    ("Tom Rees", "@trees keeps replying to my posts"),  # a short surname's login counts written as one
    ("Tom Rees", "TRees keeps replying to my posts"),
    ("Gareth Hughes", "hughesgareth keeps replying"),
    ("Gareth Hughes", "gaz keeps messaging me"),  # a nickname that is no everyday word, in any case
    ("Gareth Hughes", "Rwy'n cael negeseuon gan Gazza"),
    ("Robert Lloyd", "Every night, Bob sends me messages"),
    ("Dafydd Price", "Mae Deio yn anfon negeseuon ataf"),
    ("Siân Roberts", "Siani has not helped"),
    ("Gareth Hughes", "The messages come from g.hughes2 on Instagram"),
    # Short forms a Powys staffroom uses: English ("Gaz" is Gary's too) and Welsh hypocoristics
    ("Gary Jones", "Gaz keeps messaging me"),
    ("John Davies", "Mae Sioni'n anfon negeseuon ataf"),
    ("Margaret Jones", "Mae Magi yn anfon negeseuon ataf bob nos"),
    ("Dylan Evans", "Mae Dyl yn anfon negeseuon ataf"),
    ("Bronwen Price", "Bron keeps messaging me"),  # "bron" (almost) is Welsh: with its capital only
    ("Delyth Morgan", "Mae Del yn rhannu fy lluniau"),  # "del" (pretty) likewise
    ("Simon Jones", "Si keeps messaging me"),  # "si" (a rumour) likewise
    ("Brynmor Evans", "Mae Bryn yn anfon negeseuon ataf"),  # "bryn" (a hill) likewise
    ("Llywelyn Jones", "Llyw keeps messaging me"),  # "wrth y llyw" names nobody; "Llyw" still counts
    ("Tomos Griffiths", "T.G. keeps messaging me"),  # "tîm TG" names nobody; initials with dots still count
])
def test_a_report_may_name_someone_by_initials_a_login_or_a_nickname(name: str, said: str) -> None:
    person = StaffContact("x", name)

    assert may_name(said, person) and not mentions(said, person)


@pytest.mark.parametrize(("name", "said"), [
    ("Paul Evans", "He mocks my PE lessons"),
    ("Paul Evans", "he mocks my pe lessons"),
    ("Elin Griffiths", "He comments on everything, e.g. my holiday photos"),
    ("Paul Morgan", "The messages come at 11 p.m. and at 11 PM"),
    ("Kate Smith", "He mocks my KS2 lessons"),
    ("Huw Evans", "HE KEEPS MESSAGING ME"),  # a message in capitals: "HE" is an everyday word
    ("Alun Neil Davies", "HIM AND HIS FRIENDS KEEP MESSAGING ME"),
    ("Gareth Hughes", "gh keeps messaging me"),  # initials in small letters, without dots, are not written as initials
    ("Robert Lloyd", "Rwy'n cael negeseuon cas bob nos"),
    ("William Jones", "I will keep every message"),
    ("Catherine Ellis", "Mae'n postio lluniau o'i chath"),
    ("Mark Smith", "He comments on the marks I gave"),
    ("Tom Rees", "He posts photos of the trees by my house"),
    ("Sarah Hall", "He said I shall regret it"),
    ("Sam Parks", "It sparks a row every time"),
    ("Gareth Hughes", "Mr Evans keeps messaging me"),
    ("Alun Hughes", "Mr a Mrs Evans keep messaging me"),  # Welsh "a" (and) after a title is not an initial
    ("Gareth Hughes", "Gary keeps messaging me"),  # another name, not one of his
    ("David Price", "Dafydd keeps messaging me"),  # a Welsh counterpart is a line of its own
    # Welsh school and everyday abbreviations: "tîm TG" (IT), "tîm AD" (HR), the NHS, a union, "e.e." (e.g.),
    # "h.y." (i.e.), "D.S." (N.B.), "O.N." (P.S.)
    ("Tomos Griffiths", "Siaradais â'r tîm TG am y negeseuon"),
    ("Alun Davies", "Mae tîm AD y cyngor yn gwybod"),
    ("Gwion Ifan Griffiths", "Es i at y GIG"),
    ("Nia Eluned Upton", "Rwy'n aelod o'r NEU"),
    ("Elin Evans", "Mae'n gwneud sylwadau ar bopeth, e.e. fy lluniau gwyliau"),
    ("Hywel Yates", "Mae'n anfon negeseuon, h.y. bob nos"),
    ("Dafydd Smith", "D.S. mae'r negeseuon yn dal i ddod"),
    ("Osian Nicholas", "O.N. mae ganddi hi'r lluniau o hyd"),
    # Welsh words that are short forms of names: "wrth y llyw" (at the helm), "y bryn" (the hill), "bron" (almost),
    # "del" (pretty), "si" (a rumour), "meic" (a microphone)
    ("Llywelyn Jones", "Mae hi wrth y llyw nawr"),
    ("Brynmor Evans", "Mae'n tynnu lluniau ar y bryn"),
    ("Bronwen Price", "Mae bron pob neges yn gas"),
    ("Delyth Morgan", "Mae hi'n ferch del"),
    ("Simon Jones", "Mae si ar led yn yr ysgol"),
    ("Michael Jones", "Mae'r meic wedi torri yn y neuadd"),
])
def test_a_school_abbreviation_or_everyday_word_names_nobody(name: str, said: str) -> None:
    assert not may_name(said, StaffContact("x", name))


# Common Welsh and English forms of a surname (`data/surnames.txt`), as a Welsh-speaking staffroom writes them.
@pytest.mark.parametrize(("name", "said"), [
    ("Gareth Richards", "Mae Mr Rhisiart yn anfon negeseuon cas ataf"),
    ("Gareth Humphreys", "Mae Mr Wmffre yn anfon negeseuon cas ataf"),
    ("Gareth Humphreys", "Mr Humphries keeps messaging me"),
    ("Elin Morris", "Mae Mrs Morys yn postio pethau cas amdana i"),
    ("Dylan Watkins", "Rwy'n cael negeseuon cas gan Mr Watcyn"),
    ("Dylan Ellis", "Mae Mr Elis yn anfon negeseuon ataf bob nos"),
    ("Dylan Lewis", "Mae Mr Lewys yn anfon negeseuon ataf bob nos"),
    ("Dylan Tudor", "Mae Mr Tudur yn anfon negeseuon ataf bob nos"),
    ("Dylan Harries", "Mr Harris keeps messaging me"),
    ("Dylan Wynne", "Mae Mr Wyn yn anfon negeseuon ataf bob nos"),
    ("Dylan Cadwaladr", "Mr Cadwallader keeps messaging me"),
    ("Tom Rees", "Mr Reece keeps messaging me"),
    ("Rhian Price", "Mrs Pryse keeps messaging me"),
    ("Elin Vaughan", "Mrs Vaughn keeps messaging me"),
    ("Gareth Pugh", "Mr Pughe keeps messaging me"),
])
def test_a_report_may_name_someone_by_a_common_form_of_their_surname(name: str, said: str) -> None:
    person = StaffContact("x", name)

    assert may_name(said, person) and not mentions(said, person)


def test_a_login_with_digits_that_is_one_of_their_addresses_names_them() -> None:
    gareth = StaffContact("x", "Mr G Hughes", "gh23@llanidloes.example.cymru")

    assert may_name("The account gh23 keeps messaging me", gareth)
    assert not may_name("Room 23 keeps messaging me", gareth)


def test_a_not_resolved_note_is_read_under_the_name_the_staff_list_gives_the_head() -> None:
    """The settings call the head "Mrs S Roberts", the staff list "Siân Roberts": a note naming "Siân" passes her
    over, as the report itself would (before, the note was read under the settings' name only)."""
    head = StaffContact(HEAD.aad_object_id, "Mrs S Roberts", HEAD.email)
    closed = _report(chain=(GARETH, head, CHAIR)).closed(AS_GARETH, "Spoke to them", shared=False, now=MONDAY)

    reopened = closed.reopened(CARYS, "Siân has done nothing either", MONDAY, staff=STAFF)

    assert reopened.holder == CHAIR and head not in reopened.chain


def test_the_nickname_and_not_names_lists_are_read_as_a_welsh_speaker_writes_them() -> None:
    lines = nicknames()
    words = not_names()

    assert all(len(line) > 1 and all(form.isalpha() for form in line) for line in lines)
    assert any({"gareth", "gaz"} <= line for line in lines) and any({"dafydd", "deio"} <= line for line in lines)
    assert {"pe", "re", "it", "dt", "ta", "slt", "ag", "tgch"} <= words.bare and {"pm", "eg", "ie"} <= words.dotted
    assert "bob" in words and "cath" in words and "gaz" not in words


# A report that calls someone in its chain by their post (`data/roles.txt`) or their title on the staff list: each
# keeps the report from them, as their name does.
SURE = Route.MANAGER_INVOLVED
# A post a line manager may hold, which nobody on the fictional staff list holds by their title: it may be him, so it
# keeps the report from him, and the receipt says why.
MAYBE = Route.MANAGER_POST_UNCLEAR


@pytest.mark.parametrize(("typed", "why"), [
    ("My line manager keeps messaging me at night", SURE), ("my manager", SURE),
    ("My boss keeps posting about me", SURE), ("the boss", SURE),
    ("my HoD", MAYBE), ("my head of department", MAYBE), ("the Head of Humanities", SURE),  # his title
    ("head of the humanities department", SURE),  # his title's words, together: his title
    ("head of the science department", MAYBE),
    ("the deputy head", MAYBE),  # may be hers: one step up if not, never the headteacher's place
    ("I told my line manager and he did nothing", SURE),  # about him too: he let it go on
    ("It isn't my line manager, it's Dafydd", SURE),  # a negation is not read: the safe mistake
    ("Mae fy rheolwr llinell yn anfon negeseuon ataf", SURE), ("fy rheolwr", SURE),
    ("Mae'r bos yn postio amdana i", SURE), ("fy mos", SURE),
    ("fy mhennaeth adran", MAYBE), ("y pennaeth adran", MAYBE), ("gan fy rheolwraig llinell", SURE),
    # Spoken Welsh: "'n" or "'y" for "fy" with "i" after ("Mae'n rheolwr i'n…"), and "ein rheolwr" (ours).
    ("Mae'n rheolwr i'n eu hanfon nhw hefyd", SURE), ("Dw i'n meddwl bod 'y rheolwr i'n rhan ohono", SURE),
    ("Mae ein rheolwr ni'n gwybod", SURE), ("Mae'n rheolwraig i'n eu rhannu", SURE),
    # Welsh names a head of department without "of": "Pennaeth y Dyniaethau" (his English title, Head of Humanities,
    # written in Welsh: his title, as the English is), "Pennaeth Mathemateg", mutated after "wrth" or "fy".
    ("Mae Pennaeth y Dyniaethau yn anfon negeseuon cas ataf", SURE), ("Dywedais wrth bennaeth y chweched", MAYBE),
    ("Pennaeth Mathemateg", MAYBE), ("fy mhennaeth yr adran Saesneg", MAYBE),
    ("Mae arweinydd y dyniaethau yn fy mwlio", MAYBE),
    ("my linemanager", SURE), ("the person I report to", SURE), ("the Humanities lead", MAYBE),
    ("our subject leader", MAYBE),
    # Written as staff type them, mutated or not ("addysg grefyddol" is right, "addysg crefyddol" common).
    ("Mae pennaeth addysg grefyddol yn fy mwlio", MAYBE), ("Mae pennaeth addysg crefyddol yn fy mwlio", MAYBE),
    ("fy mhennaeth addysg corfforol", MAYBE), ("Pennaeth Dylunio a Thechnoleg", MAYBE), ("Pennaeth Cemeg", MAYBE),
    ("fy mhennaeth ymarfer corff", MAYBE), ("Pennaeth Chweched Dosbarth", MAYBE), ("Pennaeth Cerddoriaeth", MAYBE),
    # Posts read since: a year's lead, Welsh "yr arweinydd …" and "y cydlynydd …", the SENCo.
    ("The Year 9 lead keeps messaging me", MAYBE), ("Mae'r arweinydd lles yn fy mwlio", MAYBE),
    ("gan y cydlynydd ADY", MAYBE), ("the SENCo", MAYBE), ("the key stage 3 leader", MAYBE),
])
def test_a_report_calling_the_line_manager_by_his_post_skips_him(typed: str, why: Route) -> None:
    for subject in (Subject(typed=(typed,), staff=STAFF), Subject(typed=("", "", "", typed), staff=STAFF)):
        routing = route(CARYS, subject, GARETH, FEDERATION, "high")

        assert routing == Routing((HEAD, CHAIR), why, (GARETH,)), typed
        assert routing.manager_left_out and routing.manager == GARETH


def test_a_colleagues_line_manager_the_bot_cannot_place_is_asked_about_as_the_head() -> None:
    """"Dafydd's line manager", with no Dafydd on the staff list: someone else's post still counts as hers, and whose
    boss it is the bot cannot tell, so it may be the head who would hold it in his place: she is asked (before, it went
    to the head unasked)."""
    routing = route(CARYS, Subject(typed=("Dafydd's line manager",), staff=STAFF), GARETH, FEDERATION, "high")

    assert routing.manager_left_out and routing.naming_of(GARETH) == Naming()
    assert routing.in_doubt == (HEAD, Naming(Doubt.BOSS, "Dafydd's line manager"))


@pytest.mark.parametrize(("typed", "written"), [
    ("The wellbeing lead keeps messaging me", "The wellbeing lead"), ("the Pastoral Lead", "the Pastoral Lead"),
    ("Mae'r arweinydd lles yn fy mwlio", "arweinydd lles"), ("our ALN lead", "our ALN lead"),
    ("Mae'r cydlynydd ADY yn fy mwlio", "cydlynydd ADY"), ("my HoD", "my HoD"),
])
def test_a_post_nobody_on_the_staff_list_holds_may_be_the_line_manager(typed: str, written: str) -> None:
    """Nobody's title on the staff list says who holds the post: it may be hers, and the receipt quotes it as she wrote
    it."""
    routing = route(CARYS, Subject(typed=(typed,), staff=STAFF), GARETH, FEDERATION, "high")

    assert routing.why is Route.MANAGER_POST_UNCLEAR
    assert routing.naming_of(GARETH) == Naming(Doubt.POST, written)


def _titled(*rows: tuple[str, str]) -> tuple[StaffMember, ...]:
    """The fictional staff list with these (name, title) rows too, and Gareth's title as given by "Gareth"."""
    gareth = dict(rows).get("Gareth Hughes")
    staff = [replace(m, role=gareth) if gareth is not None and m.email == GARETH.email else m for m in STAFF]
    return (*staff, *(StaffMember(name, f"{name.split()[0].lower()}@llanidloes.example.cymru", "high", title, "",
                                  f"id-{name}") for name, title in rows if name != "Gareth Hughes"))


@pytest.mark.parametrize(("typed", "staff", "why"), [
    ("the wellbeing lead", _titled(("Nia Lloyd", "Wellbeing Lead")), Route.LINE_MANAGER),
    ("our wellbeing leader", _titled(("Nia Lloyd", "Wellbeing Lead")), Route.LINE_MANAGER),
    ("the pastoral lead", _titled(("Nia Lloyd", "Head of Year 9 / Pastoral Lead (KS3)")), Route.LINE_MANAGER),
    ("the deputy", STAFF, Route.LINE_MANAGER),  # Ffion Morgan is Deputy Headteacher
    ("Y dirprwy sy'n gyfrifol", STAFF, Route.LINE_MANAGER),  # her English title, in Welsh
    ("Mae'r arweinydd lles yn fy mwlio", _titled(("Nia Lloyd", "Arweinydd Lles")), Route.LINE_MANAGER),
    ("the ALN lead", _titled(("Nia Lloyd", "ALN Lead")), Route.LINE_MANAGER),
    # Gareth's title blank: he may hold it too.
    ("the wellbeing lead", _titled(("Nia Lloyd", "Wellbeing Lead"), ("Gareth Hughes", "")), MAYBE),
    # His own title has the post: it may be his, whoever else holds it; written as his title, it is his.
    ("the deputy", _titled(("Gareth Hughes", "Deputy Head (Pastoral)")), MAYBE),
    ("the wellbeing lead", _titled(("Nia Lloyd", "Wellbeing Lead"),
                                   ("Gareth Hughes", "Head of Humanities / Wellbeing Lead")), SURE),
    # Nobody's title has the words: "my HoD" is no one's title.
    ("my HoD", _titled(("Nia Lloyd", "Head of Science")), MAYBE),
    ("the wellbeing lead", _titled(("Nia Lloyd", "Teacher of Wellbeing")), MAYBE),
])
def test_the_staff_lists_titles_say_whose_post_a_report_means(typed: str, staff: tuple[StaffMember, ...],
                                                               why: Route) -> None:
    """A post a line manager may hold is his unless the staff list says otherwise: his own title is another post, and
    someone else's title has the post's words. Before, each of these went one step up, whoever the list said held
    it."""
    routing = route(CARYS, Subject(typed=(typed,), staff=staff), GARETH, FEDERATION, "high")

    assert routing.why is why, typed
    assert (routing.holder == GARETH) is (why is Route.LINE_MANAGER)


@pytest.mark.parametrize("typed", [
    "The head keeps messaging me", "the headteacher", "The Head Teacher", "our head", "the principal",
    "the executive head", "the head's comments", "the head of the school", "the headmistress",
    "Mae'r pennaeth yn anfon negeseuon ataf", "i'r pennaeth", "gan y brifathrawes", "y prifathro", "fy mhennaeth",
    "y pennaeth gweithredol", "ein pennaeth",
    "I told the head of this and nothing happened",  # "the head of" a small word is still the head
    "Mae Pennaeth y Ffederasiwn yn fy mwlio", "Executive Head of the Federation", "exec head",
    # "Y" before a verb is "that", not "the": "my head said that she would…", not "the head of the…"
    "Dywedodd fy mhennaeth y byddai hi'n fy nghosbi", "Dywedodd y pennaeth y byddai hi'n fy nghosbi",
    "Mae fy mhennaeth yn dweud y bydd hi'n postio eto", "Dywedodd ein pennaeth yr oedd hi'n gwybod",
    "fy mhennaeth y dylwn i aros yn dawel",
])
def test_a_report_calling_the_head_by_her_post_goes_to_the_chair(typed: str) -> None:
    assert route(CARYS, _typed(typed), GARETH, FEDERATION, "high") == Routing((CHAIR,), Route.ABOUT_HEAD, (HEAD,))


@pytest.mark.parametrize("typed", ["i'r pennaeth yr wythnos diwethaf", "Gofynnais i'r pennaeth y dydd o'r blaen",
                                   "Dywedodd fy mhennaeth y medrai hi fy nghosbi",  # a verb roles.txt lacks
                                   "Mae fy mhennaeth y Dyniaethau yn fy mwlio"])
def test_welsh_that_may_be_the_head_or_a_head_of_department_is_read_as_both(typed: str) -> None:
    """"Y pennaeth y…" is "the head … that…" or "the head of the…": neither she nor the line manager gets it."""
    routing = route(CARYS, _typed(typed), GARETH, FEDERATION, "high")

    assert routing.chain == (CHAIR,) and HEAD in routing.left_out


@pytest.mark.parametrize("typed", [
    "the chair of governors", "The Chair of the Governing Body", "the chair", "cadeirydd y llywodraethwyr",
    "i gadeirydd y llywodraethwyr", "y cadeirydd", "Cadeirydd y Corff Llywodraethu",
])
def test_a_report_calling_the_chair_by_his_post_is_never_sent_to_him(typed: str) -> None:
    assert route(CARYS, _typed(typed), GARETH, FEDERATION, "high") == Routing((GARETH, HEAD), Route.LINE_MANAGER,
                                                                               (CHAIR,))
    with pytest.raises(NobodyToSendTo):
        route(SIAN, _typed(typed), None, FEDERATION, "high")


# Words that only look like a post, or are another post: the report goes where the policy says (a head of department
# or a deputy may be her line manager, so they take it one step up, never to the headteacher's place).
@pytest.mark.parametrize(("typed", "chain"), [
    ("Someone mocks the head count I did for the trip", (GARETH, HEAD, CHAIR)),
    ("He says I'm in over my head", (GARETH, HEAD, CHAIR)),
    ("He always gets ahead of me in the queue", (GARETH, HEAD, CHAIR)),
    ("He pulled my chair away in the staffroom", (GARETH, HEAD, CHAIR)),
    ("A teacher in another school keeps messaging me", (GARETH, HEAD, CHAIR)),
    ("He's on the headteacher training course with me", (GARETH, HEAD, CHAIR)),
    ("The head of maths keeps messaging me", (HEAD, CHAIR)),
    ("The head of year 9 keeps messaging me", (HEAD, CHAIR)),
    ("The deputy headteacher keeps messaging me", (HEAD, CHAIR)),
    ("Mae'r dirprwy bennaeth yn anfon negeseuon ataf", (HEAD, CHAIR)),
    ("Mae'r pennaeth dyniaethau yn anfon negeseuon ataf", (HEAD, CHAIR)),  # a head of department, not "y pennaeth"
    # The safeguarding lead is a post of its own, not her line manager (her title on the staff list still counts)
    ("The safeguarding lead keeps messaging me", (GARETH, HEAD, CHAIR)),
    ("our safeguarding lead keeps posting about me", (GARETH, HEAD, CHAIR)),
    ("The designated safeguarding lead keeps messaging me", (GARETH, HEAD, CHAIR)),
    ("Mae'r person diogelu dynodedig yn anfon negeseuon ataf", (GARETH, HEAD, CHAIR)),
    ("Mae'r arweinydd diogelu yn fy mwlio", (GARETH, HEAD, CHAIR)),
    # A mentor may be her line manager (a head of department often mentors his own staff): one step up, the safe mistake
    ("My mentor keeps messaging me", (HEAD, CHAIR)),
    ("Mae fy mentor yn anfon negeseuon ataf", (HEAD, CHAIR)),
])
def test_words_that_only_look_like_a_post_or_are_another_post(typed: str, chain: tuple[StaffContact, ...]) -> None:
    assert route(CARYS, _typed(typed), GARETH, FEDERATION, "high").chain == chain


def test_a_title_on_the_staff_list_is_read_as_the_office_wrote_it() -> None:
    def titled(title: str) -> tuple[StaffMember, ...]:
        return tuple(replace(m, role=title) if m.email == GARETH.email else m for m in STAFF)

    def skips_him(typed: str, title: str) -> bool:
        return GARETH not in route(CARYS, Subject(typed=(typed,), staff=titled(title)), GARETH, FEDERATION,
                                   "high").chain

    assert skips_him("The director of sixth form keeps messaging me", "Director of Sixth Form")
    assert skips_him("Rwy'n cael negeseuon gan gydlynydd ADY", "Cydlynydd ADY")  # Welsh, mutated after "gan"
    assert skips_him("The SENCo keeps messaging me", "SENCo") and skips_him("our bursar", "Bursar")
    assert skips_him("the director of sixth form", "Head of Year 12 / Director of Sixth Form (KS5)")
    # A one-word title counts after "the", "my", "y"…; a title too general to name anyone (`[not a post]`) never.
    assert not skips_him("He teaches science", "Science") and not skips_him("another teacher", "Teacher")
    assert not skips_him("the director of sixth form", "")  # no title, nothing to read
    # A phrase that describes nobody in the chain never hides the title of whoever holds the post.
    assert skips_him("The safeguarding lead keeps messaging me", "Safeguarding Lead")
    assert skips_him("the designated safeguarding lead", "Head of Humanities / Designated Safeguarding Lead")
    assert skips_him("Mae'r person diogelu dynodedig yn fy mwlio", "Person Diogelu Dynodedig")
    # The title is his row's (by object id or address), not a namesake's.
    assert GARETH in route(CARYS, Subject(typed=("the bursar",), staff=(*STAFF, StaffMember(
        "Gareth Hughes", "gh2@llanidloes.example.cymru", "high", "Bursar", ""))), GARETH, FEDERATION, "high").chain


OWAIN = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
FFION = StaffContact("a1000000-0000-4000-8000-000000000005", "Ffion Morgan", "ffion.morgan@llanidloes.example.cymru")


@pytest.mark.parametrize(("reporter", "manager", "title", "typed"), [
    (CARYS, GARETH, "Head of Humanities", "Mae Pennaeth y Dyniaethau yn anfon negeseuon cas ataf"),
    (CARYS, GARETH, "Head of Humanities", "Rwy'n cael negeseuon cas gan bennaeth y dyniaethau"),
    (CARYS, GARETH, "Head of Humanities", "Mae'r Pennaeth Dyniaethau yn fy mwlio"),
    (OWAIN, FFION, "Deputy Headteacher", "Mae'r Dirprwy Bennaeth yn fy mwlio"),
    (OWAIN, FFION, "Deputy Headteacher", "Mae y Dirprwy Bennaeth yn anfon negeseuon ataf"),
    (OWAIN, FFION, "Deputy Headteacher", "Rwy'n cael negeseuon cas gan y dirprwy bennaeth"),
    # Titles roles.txt has no Welsh phrase for: before, not read at all, and the report reached him.
    (CARYS, GARETH, "Business Manager", "Mae'r Rheolwr Busnes yn anfon negeseuon cas ataf"),
    (CARYS, GARETH, "Director of Sixth Form", "Mae Cyfarwyddwr y Chweched Dosbarth yn fy mwlio"),
    (CARYS, GARETH, "Assistant Headteacher", "Mae'r Pennaeth Cynorthwyol yn fy mwlio"),
])
def test_a_title_on_the_staff_list_written_in_welsh_is_read_as_the_office_wrote_it(
        reporter: Person, manager: StaffContact, title: str, typed: str) -> None:
    """The office wrote his title in English; the reporter writes it in Welsh, as she says it. It is his title, as the
    English is ("The Deputy Headteacher keeps messaging me"), so the report is about him, surely: not a post he may hold
    ("which may be your line manager"), nor, where roles.txt has no phrase for it, nobody at all."""
    staff = tuple(replace(m, role=title) if m.email == manager.email else m for m in STAFF)

    routing = route(reporter, Subject(typed=(typed,), staff=staff), manager, FEDERATION, "high")
    english = route(reporter, Subject(typed=(f"The {title} keeps messaging me",), staff=staff), manager, FEDERATION,
                    "high")

    assert (routing.why, routing.naming_of(manager)) == (Route.MANAGER_INVOLVED, Naming())
    assert (english.why, english.chain) == (routing.why, routing.chain)


@pytest.mark.parametrize(("title", "typed"), [
    ("Head of Humanities", "Mae Pennaeth Adran yn fy mwlio"),  # a head of department, as "the head of department"
    ("Deputy Headteacher", "Mae'r dirprwy yn fy mwlio"),  # a post she may hold, as "the deputy"
])
def test_a_post_written_in_welsh_that_is_not_his_whole_title_is_still_a_post_he_may_hold(title: str,
                                                                                          typed: str) -> None:
    staff = tuple(replace(m, role=title) if m.email == GARETH.email else m for m in STAFF)

    routing = route(CARYS, Subject(typed=(typed,), staff=staff), GARETH, FEDERATION, "high")

    assert routing.why is Route.MANAGER_POST_UNCLEAR


def test_welsh_words_near_no_title_on_the_staff_list_name_nobody() -> None:
    """The words of his title in Welsh must all be there, together: "pennaeth" alone is the headteacher, and "y
    dyniaethau" alone no one."""
    assert route(CARYS, _typed("Rwy'n dysgu'r dyniaethau, ac mae rhywun yn anfon negeseuon ataf"), GARETH, FEDERATION,
                 "high").why is Route.LINE_MANAGER
    assert not describes("Mae'r pennaeth yn gwybod am y dyniaethau", titles=["Head of Humanities"])
    assert describes("Mae Pennaeth y Dyniaethau yn gwybod", titles=["Head of Humanities"])


def test_describes_reads_each_post_and_title() -> None:
    assert describes("My line manager keeps messaging me", posts=[Role.LINE_MANAGER])
    assert not describes("My line manager keeps messaging me", posts=[Role.HEADTEACHER, Role.CHAIR])
    assert describes("y brifathrawes", posts=[Role.HEADTEACHER]) and describes("y bos", posts=[Role.LINE_MANAGER])
    assert not describes("the head of maths", posts=[Role.HEADTEACHER])
    assert describes("the head of maths", posts=[Role.LINE_MANAGER])
    assert describes("the head of school", posts=[Role.HEADTEACHER])
    assert not describes("the head of school", posts=[Role.LINE_MANAGER])  # a phrase without * beats one with
    assert describes("the Head of Humanities", titles=["Head of Humanities"])
    assert not describes("the head of humanities", posts=[], titles=[])


def test_a_new_head_a_report_calls_the_head_is_passed_over_when_it_moves_on() -> None:
    report = _report(what="The head has seen the messages and laughed")

    assert report.as_of(_today(AFTER_EASTER, subject=_typed(report.what))).chain == (GARETH, CHAIR)


@pytest.mark.parametrize("kept", [True, False])
def test_a_line_manager_who_heads_the_school_never_gets_a_report_calling_him_my_line_manager(kept: bool) -> None:
    # Gareth's line manager is the head; his report ("my line manager…") went to the chair, who has since gone, and the
    # settings name no chair: it is never passed to her. Sent before reports kept who he was, the staff list tells.
    what = "My line manager keeps messaging me at night"
    report = _report(reporter=AS_GARETH, what=what, chain=(CHAIR,), route=Route.MANAGER_INVOLVED,
                     involved_manager=HEAD if kept else None)
    no_chair = replace(FEDERATION, chair_of_governors=None)

    assert report.passed_on(_today(no_chair, subject=_typed(what)), MONDAY) == report
    assert replace(report, what="Dafydd keeps messaging me", involved_manager=None).passed_on(
        _today(no_chair, subject=_typed("Dafydd keeps messaging me")), MONDAY).holder == HEAD


def test_a_not_resolved_note_calling_the_head_by_her_post_passes_her_over() -> None:
    closed = _report().closed(AS_GARETH, "Spoke to them", shared=False, now=MONDAY)

    reopened = closed.reopened(CARYS, "The head said she would sort it", MONDAY, staff=STAFF, federation=FEDERATION)

    assert reopened.holder == CHAIR and HEAD not in reopened.chain
    with pytest.raises(NobodyToSendTo):
        closed.reopened(CARYS, "Y pennaeth a chadeirydd y llywodraethwyr", MONDAY, staff=STAFF, federation=FEDERATION)


def test_the_roles_list_is_read_as_a_welsh_speaker_writes_it() -> None:
    words = role_words()
    phrases = [p for found in words.phrases.values() for p in found]

    assert {p.post for p in phrases} == {Role.LINE_MANAGER, "may be line manager", Role.HEADTEACHER, Role.CHAIR, None}
    assert all(p.words and p.words[0] is not None for p in phrases)
    assert {"pennaeth", "bennaeth", "mhennaeth", "phennaeth"} <= set(words.phrases)  # radical and mutated
    assert ("teacher",) in words.not_posts and "the" in words.small and "maths" not in words.small


def test_working_days_skip_the_weekend() -> None:
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    saturday = friday + timedelta(days=1)

    assert CALENDAR.add_working_days(MONDAY, 2) == MONDAY + timedelta(days=2)
    assert CALENDAR.add_working_days(friday, 2) == friday + timedelta(days=4)  # Tuesday
    assert CALENDAR.add_working_days(saturday, 2) == friday + timedelta(days=4)  # still Tuesday


def test_reminded_after_two_working_days_then_escalated_after_two_more() -> None:
    report = _report()
    reminded = replace(report, reminded_at=MONDAY + timedelta(days=2))

    assert report.due(MONDAY + timedelta(days=1, hours=23), CALENDAR) == ""
    assert report.due(MONDAY + timedelta(days=2), CALENDAR) == "remind"
    assert reminded.due(MONDAY + timedelta(days=3), CALENDAR) == ""
    assert reminded.due(MONDAY + timedelta(days=4), CALENDAR) == "escalate"
    assert replace(reminded, state=ReportState.ACKNOWLEDGED).due(MONDAY + timedelta(days=30), CALENDAR) == ""


def test_an_escalated_report_nobody_acknowledges_is_reminded_then_passed_up_on_the_same_clock() -> None:
    thursday = MONDAY + timedelta(days=3)
    escalated = _report(reminded_at=MONDAY + timedelta(days=2)).escalated(None, "", thursday)
    next_monday = CALENDAR.add_working_days(thursday, 2)
    reminded = replace(escalated, reminded_at=next_monday)

    assert escalated.due(CALENDAR.add_working_days(thursday, 1), CALENDAR) == ""  # Gareth's reminder is not Siân's
    assert escalated.due(next_monday, CALENDAR) == "remind"
    assert reminded.due(CALENDAR.add_working_days(next_monday, 1), CALENDAR) == ""
    assert reminded.due(CALENDAR.add_working_days(next_monday, 2), CALENDAR) == "escalate"
    assert escalated.acknowledged(SIAN, next_monday).due(MONDAY + timedelta(days=60), CALENDAR) == ""
    at_the_top = reminded.escalated(None, "", CALENDAR.add_working_days(next_monday, 2))
    assert at_the_top.due(CALENDAR.add_working_days(next_monday, 4), CALENDAR) == "remind"


def test_a_report_the_reporter_says_is_not_resolved_is_reminded_if_nobody_acknowledges_it() -> None:
    closed = _report(reminded_at=MONDAY).closed(AS_GARETH, "Spoke to them", shared=False, now=MONDAY)
    reopened = closed.reopened(CARYS, "Still happening", MONDAY + timedelta(days=7))

    assert reopened.due(MONDAY + timedelta(days=8), CALENDAR) == ""
    assert reopened.due(MONDAY + timedelta(days=9), CALENDAR) == "remind"


def test_a_report_with_nobody_above_its_holder_is_reminded_but_not_escalated() -> None:
    report = _report(chain=(CHAIR,), route=Route.REPORTER_IS_HEAD)

    assert report.due(MONDAY + timedelta(days=2), CALENDAR) == "remind"
    assert replace(report, reminded_at=MONDAY).due(MONDAY + timedelta(days=30), CALENDAR) == ""
    assert report.escalated(None, "", MONDAY) == report


def test_only_the_reporter_and_those_who_have_held_it_may_see_it() -> None:
    report = _report()
    escalated = report.escalated(AS_GARETH, "note", MONDAY)
    today = _today()

    assert report.may_see(CARYS, today) and report.may_see(AS_GARETH, today)
    assert not report.may_see(SIAN, today) and not report.may_see(STRANGER, today)
    assert not report.may_see(AS_CHAIR, today)
    assert escalated.may_see(SIAN, today) and escalated.may_see(AS_GARETH, today)
    assert not escalated.may_see(AS_CHAIR, today)


def test_a_line_manager_who_left_can_no_longer_see_the_report_he_held() -> None:
    gone = _today(staff=WITHOUT_GARETH)
    passed = _report().passed_on(gone, MONDAY)
    without_carys = _today(staff=tuple(m for m in STAFF if m.aad_object_id != CARYS.aad_object_id))

    assert passed.holder == HEAD
    assert not passed.may_see(AS_GARETH, gone) and not _report().may_see(AS_GARETH, gone)
    assert passed.may_see(SIAN, gone) and passed.may_see(CARYS, gone)
    assert _report().may_see(CARYS, without_carys)  # the reporter always keeps hers
    assert _report().may_see(AS_GARETH, _today(staff=()))  # without a staff list nobody is known to have left


def test_only_the_holder_acts_and_escalation_needs_a_fresh_acknowledgement() -> None:
    acknowledged = _report().acknowledged(AS_GARETH, MONDAY)
    escalated = acknowledged.escalated(AS_GARETH, "please take this", MONDAY + timedelta(days=1))

    with pytest.raises(NotAllowed):
        _report().acknowledged(STRANGER, MONDAY)
    with pytest.raises(NotAllowed):
        _report().closed(CARYS, "done", shared=False, now=MONDAY)
    assert escalated.state is ReportState.ESCALATED and escalated.acknowledged_at is None
    assert escalated.holder == HEAD and escalated.next_up == CHAIR
    with pytest.raises(NotAllowed):
        escalated.acknowledged(AS_GARETH, MONDAY)
    assert escalated.acknowledged(SIAN, MONDAY).acknowledged_at == MONDAY


def test_closing_needs_an_outcome_and_is_final_for_the_holder() -> None:
    with pytest.raises(ValueError, match="outcome"):
        _report().closed(AS_GARETH, "  ", shared=False, now=MONDAY)
    closed = _report().closed(AS_GARETH, "Spoke to them", shared=False, now=MONDAY)

    assert closed.state is ReportState.CLOSED and closed.closed_at == MONDAY
    assert closed.acknowledged(AS_GARETH, MONDAY) == closed
    assert closed.escalated(AS_GARETH, "x", MONDAY) == closed
    assert closed.closed(AS_GARETH, "again", shared=True, now=MONDAY) == closed
    assert not closed.can_act(AS_GARETH)


def test_this_is_not_resolved_goes_one_step_up_once_and_only_from_the_reporter() -> None:
    closed = _report().closed(AS_GARETH, "Spoke to them", shared=False, now=MONDAY)

    reopened = closed.reopened(CARYS, "Still happening", MONDAY + timedelta(days=1))

    with pytest.raises(NotAllowed):
        closed.reopened(AS_GARETH, "", MONDAY)
    assert reopened.holder == HEAD and reopened.state is ReportState.ESCALATED and reopened.closed_at is None
    closed_again = reopened.closed(SIAN, "Resolved now", shared=True, now=MONDAY + timedelta(days=2))
    assert not closed_again.can_reopen and closed_again.reopened(CARYS, "", MONDAY) == closed_again
    top = _report(chain=(CHAIR,)).closed(AS_CHAIR, "done", shared=False, now=MONDAY)
    assert not top.can_reopen and top.reopened(CARYS, "", MONDAY) == top


def test_a_not_resolved_note_naming_the_next_person_up_passes_over_them() -> None:
    closed = _report().closed(AS_GARETH, "Spoke to them", shared=False, now=MONDAY)

    reopened = closed.reopened(CARYS, "Mrs Roberts now comments on my posts as well", MONDAY + timedelta(days=1))

    assert reopened.holder == CHAIR and HEAD not in reopened.chain
    with pytest.raises(NobodyToSendTo):
        closed.reopened(CARYS, "Now Siân Roberts and Huw Davies have joined in", MONDAY)


def test_a_report_passes_over_anyone_the_reporters_not_resolved_note_names_whenever_it_moves_on() -> None:
    reopened = _report().closed(AS_GARETH, "Spoke to them", shared=False, now=MONDAY).reopened(
        CARYS, "Dr Ellis has joined in", MONDAY)

    assert reopened.typed == ("w", "", "", "", "", "Dr Ellis has joined in")
    # Mrs Roberts, who holds it now, leaves; Dr Ellis, the new head, is named in Carys's note.
    assert reopened.passed_on(_today(AFTER_EASTER, subject=_typed(*reopened.typed)), MONDAY).holder == CHAIR


def test_each_note_is_shown_only_to_the_people_it_is_for() -> None:
    escalated = _report().escalated(AS_GARETH, "for the head", MONDAY)
    closed = escalated.closed(SIAN, "kept from the reporter", shared=False, now=MONDAY)
    reopened = closed.reopened(CARYS, "still happening", MONDAY)
    shared = _report().closed(AS_GARETH, "shared with the reporter", shared=True, now=MONDAY)

    def texts(report: ConcernReport, person: Person) -> list[str]:
        return [note.text for note in report.notes_for(person)]

    assert texts(reopened, CARYS) == ["still happening"]
    assert texts(reopened, AS_GARETH) == ["for the head"]
    assert texts(reopened, SIAN) == ["for the head", "kept from the reporter"]
    assert texts(reopened, AS_CHAIR) == ["for the head", "kept from the reporter", "still happening"]
    assert texts(shared, CARYS) == ["shared with the reporter"]
    assert [n.kind for n in reopened.notes] == [NoteKind.ESCALATION, NoteKind.OUTCOME, NoteKind.NOT_RESOLVED]


def test_retention_counts_calendar_months_from_closing() -> None:
    closed = _report(state=ReportState.CLOSED, acknowledged_at=None, closed_at=datetime(2024, 1, 31, tzinfo=UTC))

    assert add_months(datetime(2024, 1, 31, tzinfo=UTC), 1) == datetime(2024, 2, 29, tzinfo=UTC)
    assert not closed.expired(datetime(2026, 1, 30, tzinfo=UTC), 24) and closed.expired(datetime(2026, 1, 31,
                                                                                                  tzinfo=UTC), 24)
    assert not _report().expired(datetime(2099, 1, 1, tzinfo=UTC), 24)


def test_an_acknowledged_report_nobody_closed_is_still_open_and_kept() -> None:
    acknowledged = _report(state=ReportState.ACKNOWLEDGED, acknowledged_at=datetime(2024, 1, 31, tzinfo=UTC))

    assert acknowledged.closure is None
    assert not acknowledged.expired(datetime(2099, 1, 1, tzinfo=UTC), 24)


def test_after_the_headteacher_changes_a_report_moves_on_to_the_new_head() -> None:
    report = _report()

    assert report.as_of(_today(AFTER_EASTER)).chain == (GARETH, RHYS, CHAIR)
    assert report.as_of(_today()) == report


def test_the_new_head_never_gets_a_report_that_names_him() -> None:
    report = _report(who="Dr Ellis")

    assert report.as_of(_today(AFTER_EASTER, subject=_typed("Dr Ellis"))).chain == (GARETH, CHAIR)


def test_a_report_involving_a_line_manager_nobody_knew_when_it_was_sent_goes_to_nobody_new() -> None:
    # Held by the head who has since left; it involves Carys's line manager, whom the report does not name (sent before
    # reports kept who he was, or when Graph and the list knew no manager).
    report = _report(chain=(HEAD, CHAIR), route=Route.MANAGER_INVOLVED, involves_manager=True)
    today = _today(AFTER_EASTER, subject=Subject(involves_manager=True))

    assert report.passed_on(today, MONDAY).holder == CHAIR
    assert replace(report, involved_manager=GARETH).passed_on(today, MONDAY).holder == RHYS
    assert replace(report, involved_manager=RHYS).passed_on(today, MONDAY).holder == CHAIR


def test_the_line_manager_a_report_involves_never_gets_it_after_he_changes_post() -> None:
    # It involved Gareth when it was sent; he is now acting head, and Carys has another line manager.
    acting = replace(FEDERATION, schools=tuple(replace(s, headteacher=GARETH) for s in FEDERATION.schools))
    report = _report(chain=(HEAD, CHAIR), route=Route.MANAGER_INVOLVED, involves_manager=True,
                     involved_manager=GARETH)
    today = _today(acting, subject=Subject(involves_manager=True))

    assert report.as_of(today).chain == (HEAD, CHAIR)
    assert report.passed_on(today, MONDAY).holder == CHAIR


def test_a_report_sent_to_the_governors_stays_with_them_when_the_head_changes() -> None:
    about_head = _report(chain=(CHAIR,), route=Route.ABOUT_HEAD)

    assert posts(about_head, AFTER_EASTER) == (Role.CHAIR,)
    assert about_head.as_of(_today(AFTER_EASTER)) == about_head


def test_a_head_who_is_also_the_line_manager_keeps_the_report_as_line_manager_after_the_change() -> None:
    gareths = _report(reporter=AS_GARETH, chain=(HEAD, CHAIR))

    assert posts(gareths, AFTER_EASTER) == (Role.LINE_MANAGER, Role.CHAIR)
    assert not gareths.holder_has_left(_today(AFTER_EASTER))  # she is still on the staff list


def test_a_head_and_chair_the_settings_no_longer_name_are_told_apart_by_place() -> None:
    eleri = StaffContact("a1000000-0000-4000-8000-0000000000ef", "Mrs Eleri Price")
    both_changed = replace(AFTER_EASTER, chair_of_governors=eleri)

    assert posts(_report(), both_changed) == (Role.LINE_MANAGER, Role.HEADTEACHER, Role.CHAIR)
    assert _report().as_of(_today(both_changed)).chain == (GARETH, RHYS, eleri)


def test_a_holder_who_left_passes_it_to_the_next_person_still_there() -> None:
    acknowledged = _report(state=ReportState.ACKNOWLEDGED, acknowledged_at=MONDAY)

    passed = acknowledged.passed_on(_today(staff=WITHOUT_GARETH), MONDAY + timedelta(days=1))

    assert (passed.level, passed.holder, passed.state, passed.acknowledged_at) == (
        1, HEAD, ReportState.ESCALATED, None)
    assert acknowledged.passed_on(_today(), MONDAY) == acknowledged
    assert not acknowledged.holder_has_left(_today(staff=()))  # without a staff list nobody is known to have left


def test_a_line_manager_graph_knows_by_another_address_is_still_there_on_a_list_without_object_ids() -> None:
    hwb = StaffContact(GARETH.aad_object_id, "Gareth Hughes", "HughesG42@hwbcymru.net")
    hwb_with_school_mail = StaffContact(GARETH.aad_object_id, "G H", "HughesG42@hwbcymru.net", (GARETH.email,))
    list_without_him = tuple(m for m in WITHOUT_IDS if m.email != GARETH.email)

    assert _today(staff=WITHOUT_IDS).still_there(hwb, Role.LINE_MANAGER)  # a row of his name may be him
    assert _today(staff=WITHOUT_IDS).still_there(hwb_with_school_mail, Role.LINE_MANAGER)
    assert not _today(staff=list_without_him).still_there(hwb, Role.LINE_MANAGER)  # no row can be him
    assert not _today(staff=WITHOUT_GARETH).still_there(hwb, Role.LINE_MANAGER)
    assert not _report(chain=(hwb, HEAD, CHAIR)).holder_has_left(_today(staff=WITHOUT_IDS))


def test_a_holder_who_left_keeps_a_report_nobody_else_may_have() -> None:
    alone = _report(chain=(GARETH,))  # the head and the chair are both named in it

    assert alone.holder_has_left(_today(staff=WITHOUT_GARETH))
    assert alone.passed_on(_today(staff=WITHOUT_GARETH, subject=_typed("Siân and Huw")), MONDAY) == alone


@pytest.mark.parametrize(("said", "kind"), [
    ("a colleague keeps messaging me", ReportKind.COLLEAGUE),
    ("I'm being targeted", ReportKind.COLLEAGUE),
    ("my line manager is bullying me on WhatsApp", ReportKind.COLLEAGUE),
    ("mae cydweithiwr yn fy mwlio ar Facebook", ReportKind.COLLEAGUE),
    ("I'm being targeted by a parent on Facebook", ReportKind.NOT_COLLEAGUE),
    ("a pupil keeps posting nasty things about me", ReportKind.NOT_COLLEAGUE),
    ("someone online is harassing me about school", ReportKind.NOT_COLLEAGUE),
    ("Mae rhiant yn fy nhargedu ar Facebook", ReportKind.NOT_COLLEAGUE),
    ("a colleague keeps asking me to like the school's Facebook page", None),
    ("can I post photos of sports day", None),
])
def test_what_a_typed_statement_is_about(said: str, kind: ReportKind | None) -> None:
    assert what_it_is_about(normalise(said)) is kind


@pytest.mark.parametrize("said", [
    "Mae cydweithiwr yn dal i anfon negeseuon ata i gyda'r nos",
    "Mae aelod o staff yn dal i bostio amdana i ar Facebook",
    "Mae aelod o'r staff yn dal i yrru negeseuon ata i ar WhatsApp",
    "Mae fy nghydweithiwr yn gyrru negeseuon ata i o hyd",
    "Mae cydweithwraig yn postio amdana i byth a beunydd",
    "Mae athro arall yn dal i wneud sylwadau amdana i ar Instagram",
    "Mae fy rheolwr llinell yn dal ati i decstio fi ar y penwythnos",
    "Mae'r dirprwy'n fy ffonio i drwy'r amser",
    "Mae athrawes arall yn pigo arna i ar grŵp WhatsApp y staff",
    "Mae cydweithwyr yn gwneud hwyl am fy mhen ar Facebook",
    "Mae cydweithiwr yn dal i ddanfon negeseuon ata i",
    "Mae aelod arall o staff yn rhannu lluniau ohona i byth a hefyd",
    "Mae athrawes arall yn dal i fy nhagio i ar Facebook",
    "Mae'r cymhorthydd yn cysylltu â fi drwy'r amser",
    "Dydy fy nghydweithiwr ddim yn stopio anfon negeseuon ata i",
    "Mae cydweithiwr yn dal i sôn amdana i ar Facebook",
    "Mae fy mhennaeth adran yn postio pethau amdana i o hyd",
    "Dwi'n cael fy mwlio ar WhatsApp",
])
def test_a_colleague_who_keeps_messaging_or_posting_about_me_said_in_welsh_is_a_concern(said: str) -> None:
    """As "a colleague keeps messaging me" is: "yn dal i ..." (keeps ...ing), "o hyd", "byth a beunydd"."""
    assert what_it_is_about(normalise(said)) is ReportKind.COLLEAGUE


@pytest.mark.parametrize("said", [
    "ga i bostio lluniau o'r trip?",
    "Ga i bostio lluniau o'r trip",
    "Mae cydweithiwr yn dal i ofyn i mi hoffi tudalen Facebook yr ysgol",
    "Mae cydweithiwr yn postio lluniau o'r trip ar dudalen yr ysgol",
    "Dw i'n dal i bostio lluniau o'r cyngerdd ar Hwb",
    "Ydy cydweithwyr yn cael anfon negeseuon at rieni gyda'r nos",
    "ydy hi'n iawn i anfon neges at rieni?",
    # "yn dal i" is "still" too, and "o hyd" / "drwy'r amser" say how often: without "ata i", "amdana i", "fi" or
    # "fy ..." nobody is messaging or posting about the person
    "Mae cydweithiwr yn dal i bostio lluniau o'r trip ar Facebook",
    "Mae'r dirprwy'n anfon negeseuon at rieni drwy'r amser",
    "Mae fy rheolwr llinell yn dal i anfon y rota ar WhatsApp",
    "Mae cydweithiwr yn dal i siarad efo fi am y trip",
    # "poeni" alone is "to worry": only "fy mhoeni" / "poeni fi" is pestering
    "Dw i'n poeni bod cydweithiwr yn rhannu lluniau disgyblion",
])
def test_a_welsh_policy_question_about_posting_or_messaging_is_not_a_concern(said: str) -> None:
    assert what_it_is_about(normalise(said)) is None


# A name misspelt as people misspell in a hurry: letters stretched ("Garethhh") or a double letter written once
# ("Dafyd"), in any case; and, written as a name (with its capital, or after a title), one slip ("Gareht", "Mr Huges")
# or a nickname ending ("Hughesy"). Each must keep the report from the person it names.
@pytest.mark.parametrize(("name", "said"), [
    ("Gareth Hughes", "Garethhh keeps messaging me"),
    ("Gareth Hughes", "garethhh keeps messaging me at night"),
    ("Gareth Hughes", "Mr Hughess keeps messaging me"),
    ("Gareth Hughes", "Gaaareth keeps messaging me"),
    ("Gareth Hughes", "Gareht keeps messaging me"),
    ("Gareth Hughes", "Mr Huges keeps messaging me"),
    ("Gareth Hughes", "mr huges keeps messaging me"),  # after a title, in small letters
    ("Gareth Hughes", "Mr Hugehs keeps messaging me"),  # two letters swapped
    ("Gareth Hughes", "Hughesy keeps messaging me"),
    ("Gareth Hughes", "Mae Garethh yn anfon negeseuon cas ataf"),
    ("Gareth Hughes", "Rwy'n cael negeseuon cas gan Mr Hughess"),
    ("Gareth Hughes", "Mae Garreth yn fy mwlio"),
    ("Gareth Hughes", "Roedd Ngarethh yno hefyd"),  # a mutated form stretched
    ("Siân Roberts", "Mrs Robets keeps messaging me"),
    ("Siân Roberts", "Siaan keeps messaging me"),
    ("Siân Roberts", "Mae Mrs Roberst yn postio amdana i"),
    ("Dafydd Price", "Mae Dafyd yn anfon negeseuon ataf"),
    ("Rhiannon Evans", "rhianon keeps messaging me"),
    ("Huw Davies", "Mr Daviess keeps messaging me"),
    # Two letters swapped, the commonest slip in a hurry, in small letters or capitals: every letter of the name is in.
    ("Gareth Hughes", "gareht keeps messaging me"),
    ("Gareth Hughes", "GAREHT KEEPS MESSAGING ME"),
    ("Gareth Hughes", "mae gareht yn anfon negeseuon cas ataf"),
    ("Gareth Hughes", "MAE GAREHT YN FY MWLIO"),
    ("Dai Jones", "jonse keeps messaging me"),
    ("Dai Jones", "mae jonse yn fy mwlio"),
    ("Siân Roberts", "mrs robetrs keeps messaging me"),
])
def test_a_report_may_name_someone_by_a_misspelt_name(name: str, said: str) -> None:
    person = StaffContact("x", name)

    assert may_name(said, person) and not mentions(said, person)


# Not a misspelt name: another person's ordinary name (on the staff list, a name the lists know, or one the sentence
# model knows), a name cut short or run on ("Robert" for Roberts), and ordinary English and Welsh words, mutated too;
# nor, where a capital says nothing (a sentence's first word, in small letters), near their name (`near_name`).
@pytest.mark.parametrize(("name", "said"), [
    ("Gareth Hughes", "Gary keeps messaging me"),
    ("Gareth Hughes", "garth keeps messaging me"),
    ("Gareth Hughes", "GARTH KEEPS MESSAGING ME"),
    ("Rhian Price", "Prince keeps messaging me"),
    ("Rhian Price", "He mocks my pride in my work"),
    ("Megan Jones", "He makes jokes about me"),
    ("Megan Jones", "HE MAKES JOKES ABOUT ME"),
    ("Mandy Parry", "Many of his messages come at night"),
    ("Mandy Parry", "Party photos of me were shared"),
    ("Adrian Morgan", "Mae pennaeth yr adran yn gwybod"),
    ("Dylan Morgan", "Dylai hi stopio"),
    ("Alan Morgan", "Allai fe stopio? Mae'n fy ngwthio allan"),
    ("Bethan Morgan", "Mae'n postio bethau cas amdana i"),
    ("Steff Morgan", "He keeps messaging the staff"),
    ("Stuart Morgan", "Start of term he began messaging me"),
])
def test_an_ordinary_name_or_word_is_not_a_misspelt_name(name: str, said: str) -> None:
    assert not may_name(said, StaffContact("x", name))


@pytest.mark.parametrize(("name", "said", "word"), [
    ("Gareth Hughes", "Garth keeps messaging me", "Garth"),  # a name of its own, and a word the model knows
    ("Gareth Hughes", "Mae Garth yn anfon negeseuon cas ataf", "Garth"),
    ("Gareth Hughes", "I told Garth about it", "Garth"),
    ("Carys Jenkins", "Cerys keeps messaging me", "Cerys"),
    ("Siân Roberts", "Mrs Robert keeps messaging me", "Robert"),  # cut short, after a title
    ("Siân Roberts", "It was Robert again", "Robert"),  # with its capital, inside a sentence
    ("Huw Evans", "Then Evan posted it", "Evan"),
    # A name at a sentence's start is written as a name, however common a word it is: "Robert…" may be Mrs Roberts.
    ("Siân Roberts", "Robert keeps messaging me", "Robert"),
    ("Siân Roberts", "It was late. Robert sent it", "Robert"),
    ("Huw Evans", "Evan keeps messaging me", "Evan"),
    ("Dafydd Pryce", "Price keeps messaging me", "Price"),
    ("Robert Jones", "Roberts keeps messaging me", "Roberts"),
])
def test_a_name_or_word_of_its_own_close_to_someones_name_may_still_name_them(name: str, said: str,
                                                                              word: str) -> None:
    """"Garth" is a name of its own, and may be Gareth typed in a hurry: not his name misspelt, but near it, and so a
    report reads it as maybe him. Before, a word or name of its own was never anyone else's."""
    person = StaffContact("x", name)

    assert not misspells(said, person)
    assert near_name(said, person) == word and may_name(said, person)


def test_a_sentences_first_word_near_a_name_counts_only_when_it_is_not_an_everyday_word() -> None:
    """At the start of a sentence a capital says nothing: "Many" and "Party" are written so often that they are
    themselves there; "Garth" and "Cerys" are not, and may be Gareth and Carys. (A name is written as a name there too,
    however common: "Robert…" may be Mrs Roberts.)"""
    assert near_name("Many of his messages come at night. Many more in the day", StaffContact("x", "Mandy Parry")) == ""
    assert near_name("It was late. Party photos were shared", StaffContact("x", "Mandy Parry")) == ""
    assert near_name("It was late. Garth sent it", StaffContact("x", "Gareth Hughes")) == "Garth"
    assert near_name("Ffôn ysgol yw e", StaffContact("x", "Ffion Morgan")) == ""  # an accent her name does not have


@pytest.mark.parametrize(("name", "said", "word"), [
    ("Gareth Hughes", "Gertah keeps messaging me", "Gertah"),  # two swapped apart, then two side by side
    ("Gareth Hughes", "I get nasty messages from Garhet", "Garhet"),  # two side by side swapped twice
    ("Gareth Hughes", "Gartheh keeps messaging me", "Gartheh"),  # a swap and a letter added
    ("Gareth Hughes", "Mr Hguhes keeps messaging me", "Hguhes"),
    ("Gareth Hughes", "Mae Gertah yn anfon negeseuon cas ataf", "Gertah"),
    ("Gareth Hughes", "Rwy'n cael negeseuon cas gan Gertah", "Gertah"),
    ("Ffion Morgan", "Rwy'n cael negeseuon cas gan Fogrna", "Fogrna"),  # "Forgan", after "gan"
    ("Siân Roberts", "Sain keeps messaging me", "Sain"),  # a sentence's first word, a Welsh word of its own
    ("Siân Roberts", "It started in May. Sain keeps messaging me", "Sain"),
    ("Siân Roberts", "Sain sy'n anfon negeseuon cas ataf", "Sain"),
    # A name part of three letters, two side by side swapped (the first two too) or stretched.
    ("Ben Rees", "Bne keeps messaging me", "Bne"),
    ("Tom Price", "I get nasty messages from Tmo", "Tmo"),
    ("Ida Powell", "Mae Dia yn anfon negeseuon cas ataf", "Dia"),
    ("Huw Davies", "Huww keeps messaging me", "Huww"),
    ("Ben Rees", "BNE KEEPS MESSAGING ME", "BNE"),  # in a message all in capitals, found however written
    ("Ben Rees", "It's BNE who keeps messaging me", "BNE"),  # in capitals for weight: swapped, no abbreviation
    ("Ben Rees", "bne keeps messaging me", "bne"),  # in small letters, no word or name of its own
    ("Ben Rees", "Rwy'n cael negeseuon cas gan Fne", "Fne"),  # mutated after "gan", then swapped
    ("Huw Davies", "MAE HUWW YN ANFON NEGESEUON CAS ATAF", "HUWW"),
])
def test_a_name_with_two_slips_or_swapped_at_a_sentences_start_may_name_them(name: str, said: str, word: str) -> None:
    """Two slips in a name part of six letters or more, written as a name, in a word that is no word or name of its own,
    and a name part with two letters swapped at a sentence's start, however common a word it is, may be the person:
    before, "Gertah", "Garhet", "Gartheh" and "Sain…" named nobody, and a report so written reached him or her."""
    person = StaffContact("x", name)

    assert near_name(said, person) == word and may_name(said, person)


@pytest.mark.parametrize(("name", "said"), [
    ("Owain Pritchard", "Dear Mr Owen, can I post this?"),  # two slips in a part of five letters: another name
    ("Gareth Hughes", "Gary keeps messaging me"),  # two slips, and a name of its own
    ("Gareth Hughes", "gertah keeps messaging me"),  # not written as a name
    ("Gareth Hughes", "GERTAH KEEPS MESSAGING ME"),
    ("Ffion Morgan", "Ni ar drip i Sain Ffagan heddiw"),  # not Morgan mutated: only after a word that mutates it
    ("Huw Davies", "Is Snowdon higher than Ben Nevis?"),
    ("Siân Roberts", "Sain Ffagan is a good trip"),  # a place, at a sentence's start too
    ("Siân Roberts", "sain keeps messaging me"),  # in small letters, at a sentence's start
    ("Cat Rees", "Is this allowed under the Data Protection Act?"),  # the first two swapped: a common word
    ("Amy Rees", "It started in May and has not stopped"),
    ("Tess Rees", "I saw the job on the TES website"),  # in capitals: an abbreviation, not Tess
    ("Ben Rees", "been keeps messaging me"),  # in small letters, a word of its own
    ("Ken Rees", "WHY IS THE SCHOOL SO KEEN ON TWITTER?"),  # in capitals, a word of its own
    ("Pat Rees", "The PTA meets on Friday"),  # in capitals inside a message that is not, swapped: an abbreviation
    ("Tom Price", "Mam un o'r plant yn DMo fi ar Insta"),  # after "yn", but a word of its own (to DM)
])
def test_two_slips_from_a_short_name_a_name_of_its_own_or_a_place_is_not_near_a_name(name: str, said: str) -> None:
    assert near_name(said, StaffContact("x", name)) == ""


def test_a_colleagues_own_name_on_the_staff_list_near_the_line_managers_still_passes_him_over() -> None:
    """"Gareht" could be Gareth misspelt, or a colleague whose name it is: the staff list cannot say which she meant,
    so the report goes one step up, and says why; picked from the list, Gareht is who she meant, and it goes to the
    line manager, as the policy asks. Before, a name on the staff list was never the line manager's, and it went to
    him either way."""
    garet = StaffMember("Gareht Price", "gareht.price@llanidloes.example.cymru", "high", "Teacher", "", "ab")
    staff = (*STAFF, garet)
    picked = StaffContact("ab", "Gareht Price", "gareht.price@llanidloes.example.cymru")

    typed = route(CARYS, Subject(typed=("Gareht keeps messaging me",), staff=staff), GARETH, FEDERATION, "high")
    chosen = route(CARYS, Subject(typed=("Gareht keeps messaging me",), about=picked, staff=staff), GARETH,
                   FEDERATION, "high")

    assert GARETH not in typed.chain and typed.why is Route.MANAGER_NEAR_NAME
    assert typed.naming_of(GARETH) == Naming(Doubt.NEAR_NAME, "Gareht")
    assert GARETH in chosen.chain and chosen.why is Route.LINE_MANAGER


@pytest.mark.parametrize(("typed", "words"), [
    ("Sir keeps messaging me", "Sir"), ("Mae Syr yn anfon negeseuon cas ataf", "Syr"),
    ("Rwy'n cael negeseuon cas gan syr bob nos", "syr"), ("Miss keeps messaging me", "Miss"),
    ("Mr keeps messaging me late at night", "Mr"), ("It started when Sir said I was useless.", "Sir"),
    ("SIR KEEPS MESSAGING ME", "SIR"), ("mrs keeps posting about me", "mrs"),
    ("sir keeps messaging me", "sir"), ("it started in may. miss keeps posting about me", "miss"),
    ("i get nasty messages from sir every night", "sir"),
])
def test_a_title_written_without_a_name_may_be_the_line_manager(typed: str, words: str) -> None:
    """"Sir", "Syr", "Miss", "Mr" written for a colleague, as pupils say it, names nobody: it may be her line manager,
    so with nobody picked from the staff list the report goes one step up, and the receipt quotes the word. Before, it
    named nobody and went to the line manager it may be about."""
    routing = route(CARYS, _typed(typed), GARETH, FEDERATION, "high")

    assert (routing.why, routing.chain) == (Route.MANAGER_UNNAMED, (HEAD, CHAIR))
    assert routing.naming_of(GARETH) == Naming(Doubt.UNNAMED, words)


@pytest.mark.parametrize("typed", [
    "Mr Jones keeps messaging me", "Mae Syr Gwilym yn fy mwlio", "Miss Price keeps messaging me",
    "I miss the old staffroom, but someone keeps messaging me", "Miss a lesson and they post about it",
    "Mae'r cyngor sir yn gwybod", "Ysgol yn Sir Drefaldwyn yw hi", "Mae hi'n byw yn Sir y Fflint",
    "mr jones keeps messaging me", "Mr. Jones keeps messaging me",
])
def test_a_title_before_a_name_or_an_ordinary_word_is_no_unnamed_colleague(typed: str) -> None:
    assert route(CARYS, _typed(typed), GARETH, FEDERATION, "high").why is Route.LINE_MANAGER, typed


def test_a_title_without_a_name_is_the_colleague_picked_from_the_staff_list() -> None:
    """Carys picked Owain Pritchard and wrote "Sir": Sir is Owain, and the report goes to her line manager."""
    owain = StaffContact("a1000000-0000-4000-8000-000000000002", "Owain Pritchard",
                         "owain.pritchard@llanidloes.example.cymru")

    routing = route(CARYS, Subject(typed=("Sir keeps messaging me",), about=owain, staff=STAFF), GARETH, FEDERATION,
                    "high")

    assert routing.why is Route.LINE_MANAGER and routing.holder == GARETH


def _ordinary_sentences() -> list[str]:
    """Every staff question of the evaluation sets, English and Welsh (some 19,700): ordinary sentences, written as
    staff write, none naming a colleague misspelt."""
    return sorted({json.loads(line)["q"] for path in (REPO / "eval" / "sets").glob("*.jsonl")
                   for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})


def test_no_ordinary_sentence_or_colleagues_name_is_read_as_a_misspelt_name() -> None:
    """The false matches the misspelt-name reading makes, measured: over every question of the evaluation sets, as
    written and in capitals, for the names of everyone on the fictional staff list and the chair of governors (one
    contact holding all their names, so each sentence is read once); and each of their names, written as a report
    writes it, against each of the others. Neither is told by the staff list (`others`), which would."""
    sentences = _ordinary_sentences()
    people = [StaffContact(m.aad_object_id, m.name, m.email) for m in STAFF] + [CHAIR]
    everyone = StaffContact("everyone", " ".join(c.name for c in people))

    found = [s for s in sentences if misspells(s, everyone)]
    shouted = [s for s in sentences if misspells(s.upper(), everyone)]
    among = [(m.name, c.name) for m in STAFF for c in people if m.email != c.email
             and misspells(f"{m.name} keeps messaging me", c)]

    assert len(sentences) > 15_000 and any(s.startswith("Mae ") for s in sentences)
    assert (found, shouted, among) == ([], [], [])
    assert misspells("Garethh keeps messaging me", everyone)  # the check can fail


def test_few_ordinary_sentences_are_read_as_near_a_name() -> None:
    """The false matches reading a word near a name makes (`near_name`), measured as above: a sentence of the
    evaluation sets read as near the name of someone on the fictional staff list or the chair of governors would send a
    report one step further up than it needed, and its receipt would quote the word. One does, and rightly: "Cerys" is
    one letter from Carys."""
    sentences = _ordinary_sentences()
    people = [StaffContact(m.aad_object_id, m.name, m.email) for m in STAFF] + [CHAIR]
    everyone = StaffContact("everyone", " ".join(c.name for c in people))

    found = [near_name(s, everyone) for s in sentences if near_name(s, everyone)]
    shouted = [s for s in sentences if near_name(s.upper(), everyone)]

    assert (found, shouted) == (["Cerys"], [])
    assert near_name("Garth keeps messaging me", everyone) == "Garth"  # the check can fail
    assert near_name("Gerath keeps messaging me", everyone) == "Gerath"  # two letters swapped apart
    assert near_name("Mae Sain yn anfon negeseuon ataf", everyone) == "Sain"  # four letters, two side by side swapped
    assert near_name("Aethon ni i Sain Ffagan", everyone) == ""  # a place: St Fagans
    assert near_name("Gertah keeps messaging me", everyone) == "Gertah"  # two slips
    assert near_name("Sain keeps messaging me", everyone) == "Sain"  # swapped, at a sentence's start


def test_no_ordinary_sentence_is_read_as_a_title_without_a_name() -> None:
    """The false matches reading "Sir", "Miss", "Mr"… without a name makes, measured as above: of the evaluation sets'
    questions, as written or in capitals, one is read so, and rightly: "a fake picture of Miss" is of a colleague
    called Miss, who may be the line manager. ("Eisteddfod Sir", "cyngor sir", "Will I miss…", "'Mr Science'", "mr
    jones" are not.)"""
    sentences = _ordinary_sentences()

    found = [s for s in sentences if unnamed_title(s)]
    shouted = [s for s in sentences if unnamed_title(s.upper())]

    assert [unnamed_title(s) for s in found] == ["Miss"] and "a fake picture of Miss using an app" in found[0]
    assert shouted == []
    assert unnamed_title("Sir keeps messaging me") == "Sir"  # the check can fail
