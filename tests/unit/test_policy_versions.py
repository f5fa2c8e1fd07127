"""Rules of policy versions without storage: version numbers, what may be published, what changed, the count,
the reminder's timing, the governors' CSV, files judged by their content, and steering data only where it fits."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.directory import StaffMember
from bot.domain.federation import School
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.policy_reads import (
    AskedStaff,
    Confirmation,
    ReminderDelivery,
    Withheld,
    WithheldBecause,
    read_summary,
)
from bot.domain.policy_versions import (
    DetailChange,
    PolicyChanges,
    PolicyVersion,
    PublishRefused,
    changed_details,
    changed_welsh,
    compare_policies,
    document_sha256,
    plan_publish,
    same_version_and_words,
    unchanged_policy,
    version_key,
    version_number,
)
from bot.domain.school_calendar import SchoolCalendar
from bot.policy.documents import check_policy, read_sent_file, read_source, safe_name
from bot.policy.importer import Imported, PolicyImportError
from bot.policy.loader import load_policy, load_policy_data, policy_from_data
from bot.policy.model import Policy
from bot.policy_commands import acknowledgements_csv
from cards.i18n import load_catalogue, note_text
from cards.publishing import not_asked_summary_card, read_summary_card
from dialogs.policy_reads import card_of_a_version
from tests.support.cards import actions
from tests.support.policies import AI_SECTION, TEXT_2022, revised_docx, write_revised
from tests.unit.test_policy_import import noted

NOW = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)  # a Monday


def _record(version: str, sha: str = "a" * 64) -> PolicyVersion:
    return PolicyVersion(version=version, sha256=sha, title="Social Media Policy", published_at=NOW,
                         published_by="Siân")


# Version numbers


@pytest.mark.parametrize(("text", "number"), [("1", (1,)), ("2.1", (2, 1)), ("2.0", (2,)), (" 10 ", (10,)),
                                             ("3.0.1", (3, 0, 1))])
def test_version_numbers(text: str, number: tuple[int, ...]) -> None:
    assert version_number(text) == number


@pytest.mark.parametrize(("text", "key"), [("", "publish.no_version"), ("Draft", "publish.bad_version"),
                                          ("v2", "publish.bad_version"), ("2..1", "publish.bad_version")])
def test_no_usable_version_number_is_refused(text: str, key: str) -> None:
    with pytest.raises(PublishRefused) as refused:
        version_number(text)

    assert refused.value.key == key


def test_version_keys_sort_as_versions_do() -> None:
    versions = ["10", "2", "2.1", "1", "2.10", "2.2"]

    assert sorted(versions, key=version_key) == ["1", "2", "2.1", "2.2", "2.10", "10"]


# What may be published


def test_a_newer_version_is_published() -> None:
    plan = plan_publish("2", "b" * 64, current=_record("1"), default_version="", stored=[_record("1")])

    assert plan.version == "2" and not plan.reinstate


@pytest.mark.parametrize(("version", "sha", "key"), [
    ("1", "b" * 64, "publish.older"),
    ("2", "a" * 64, "publish.already_current"),
    ("7", "a" * 64, "publish.already_current"),  # the same document with its version edited is still itself
    ("2", "b" * 64, "publish.same_number"),
])
def test_older_the_same_and_a_reused_number_are_refused(version: str, sha: str, key: str) -> None:
    with pytest.raises(PublishRefused) as refused:
        plan_publish(version, sha, current=_record("2"), default_version="", stored=[_record("1", "c" * 64),
                                                                                     _record("2")])

    assert refused.value.key == key


def test_a_version_stored_before_is_made_current_again_without_a_campaign() -> None:
    stored = [_record("1", "c" * 64), _record("2")]

    plan = plan_publish("2", "a" * 64, current=stored[0], default_version="", stored=stored)

    assert plan.reinstate and plan.version == "2"


def test_against_the_shipped_file_its_number_with_other_words_and_an_older_one_are_refused() -> None:
    """A revised document still marked "Version 1" would replace the 2022 text as version 1: the shipped text could
    never be rolled back to, and two texts would both be "Version 1"."""
    with pytest.raises(PublishRefused) as same:
        plan_publish("1", "a" * 64, current=None, default_version="1", stored=[])
    with pytest.raises(PublishRefused, match="publish.older"):
        plan_publish("0.9", "a" * 64, current=None, default_version="1", stored=[])

    assert (same.value.key, same.value.values) == ("publish.same_number_installed", {"version": "1", "next": "2"})
    assert plan_publish("2", "a" * 64, current=None, default_version="1", stored=[]).version == "2"


@pytest.mark.parametrize(("current", "stored", "next_number"), [
    (None, [], "1.1"),  # the shipped version 1, before anything was published
    (_record("2"), [_record("2")], "2.1"),
    (_record("2.1"), [_record("2.1")], "2.2"),
])
def test_a_correction_of_the_details_alone_is_refused_with_a_new_number_to_give_it(
        current: PolicyVersion | None, stored: list[PolicyVersion], next_number: str) -> None:
    """The same number and words as the version in force, a corrected next review date: a version in force is
    never changed, as a new number with only new details is a new version."""
    version = current.version if current else "1"

    with pytest.raises(PublishRefused) as refused:
        plan_publish(version, "b" * 64, current=current, default_version="" if current else "1", stored=stored,
                     details_only=True)

    assert (refused.value.key, refused.value.values) == ("publish.details_only",
                                                         {"version": version, "next": next_number})


def test_the_policy_in_force_sent_again_in_another_file_is_already_current() -> None:
    """The shipped file before anything was published, or a re-saved copy of the stored version in force."""
    with pytest.raises(PublishRefused) as shipped:
        plan_publish("1", "b" * 64, current=None, default_version="1", stored=[], unchanged=True)
    with pytest.raises(PublishRefused) as stored:
        plan_publish("2", "b" * 64, current=_record("2"), default_version="", stored=[_record("2")], unchanged=True)

    assert (shipped.value.key, shipped.value.values) == ("publish.already_current", {"version": "1"})
    assert (stored.value.key, stored.value.values) == ("publish.already_current", {"version": "2"})


def test_the_2022_document_is_the_shipped_policy_in_force_and_a_reviewed_or_revised_one_is_not(
        tmp_path: Path) -> None:
    shipped = load_policy()

    def sent(path: Path) -> Policy:
        policy = check_policy(read_source(path, shipped)).policy
        assert policy is not None
        return policy

    reviewed = write_revised(tmp_path, "reviewed.txt")  # the 2022 words under a new version number and dates
    reviewed.write_text(TEXT_2022.read_text(encoding="utf-8").replace("Version 1", "Version 2"), encoding="utf-8")

    assert unchanged_policy(shipped, sent(TEXT_2022))
    assert not unchanged_policy(shipped, sent(reviewed))
    assert not unchanged_policy(shipped, sent(write_revised(tmp_path, version="1")))


def test_a_detail_both_documents_give_otherwise_is_a_change_and_one_only_the_document_gives_is_not(
        tmp_path: Path) -> None:
    """The shipped file gives no authorisation where the 2022 document does: that is the same version 1; version 2
    sent again with its next review date corrected is not the version 2 in force."""
    shipped = load_policy()
    v2 = policy_from_data(read_source(write_revised(tmp_path, "v2.txt", review="Autumn 2028"), shipped).data)
    corrected = policy_from_data(read_source(write_revised(tmp_path, "fixed.txt", review="Summer 2027"), shipped).data)

    assert changed_details(shipped, policy_from_data(read_source(TEXT_2022, shipped).data)) == ()
    assert changed_details(v2, corrected) == ("next_review",)
    assert same_version_and_words(v2, corrected) and not unchanged_policy(v2, corrected)


def _with_welsh(policy: Policy) -> Policy:
    """The same policy with its Welsh added: a Welsh heading changed and every passage's Welsh text."""
    first, *rest = policy.sections
    sections = [replace(first, heading_cy="Pwrpas y polisi"), *rest]
    return replace(policy, sections=tuple(
        replace(s, passages=tuple(replace(p, text_cy=f"Cymraeg: {p.text[:30]}") for p in s.passages))
        for s in sections))


def test_the_welsh_added_to_the_version_in_force_is_a_change_and_welsh_a_document_leaves_out_is_not(
        tmp_path: Path) -> None:
    """Version 2 sent again with its Welsh added has the number, English and details of version 2 in force, but it
    is not that version again; Welsh only the version in force gives is no difference (nothing would be lost)."""
    v2 = policy_from_data(read_source(write_revised(tmp_path, "v2.txt"), load_policy()).data)
    welsh = _with_welsh(v2)
    passages = len(v2.all_passages())

    assert same_version_and_words(v2, welsh) and changed_details(v2, welsh) == ()
    assert changed_welsh(v2, welsh) == passages + 1 and not unchanged_policy(v2, welsh)
    without_welsh = replace(v2, sections=tuple(replace(s, heading_cy="") for s in v2.sections))
    assert changed_welsh(welsh, without_welsh) == 0 and unchanged_policy(welsh, without_welsh)
    assert compare_policies(v2, welsh) == PolicyChanges(previous="2", welsh=passages + 1, details=())


@pytest.mark.parametrize(("current", "stored", "next_number"), [
    (None, [], "1.1"),
    (_record("2"), [_record("2")], "2.1"),
])
def test_the_welsh_added_under_the_version_in_forces_number_is_refused_with_a_new_number_to_give_it(
        current: PolicyVersion | None, stored: list[PolicyVersion], next_number: str) -> None:
    """A version in force is never changed, its Welsh included: the Welsh is published under a new number."""
    version = current.version if current else "1"

    with pytest.raises(PublishRefused) as refused:
        plan_publish(version, "b" * 64, current=current, default_version="" if current else "1", stored=stored,
                     welsh_changed=True, details_only=True)

    assert (refused.value.key, refused.value.values) == ("publish.welsh_changed",
                                                         {"version": version, "next": next_number})


def test_a_document_is_known_by_the_importers_sha256_else_by_its_content() -> None:
    imported = {"title_en": "T", "document": {"file": "a.docx", "sha256": "f" * 64}, "sections": []}
    reordered = {"sections": [], "title_en": "T"}

    assert document_sha256(imported) == "f" * 64
    assert document_sha256(reordered) == document_sha256({"title_en": "T", "sections": []}) != "f" * 64


# What changed


def test_changes_are_found_section_by_section_across_ids_the_importer_gave(tmp_path: Path) -> None:
    shipped = load_policy()  # ids written by hand ("personal-use"); the importer's are longer
    revised = policy_from_data(read_source(write_revised(tmp_path), shipped).data)

    changes = compare_policies(shipped, revised)

    assert changes.previous == "1"
    assert [(c.kind, c.heading_en, c.reworded, c.added, c.removed) for c in changes.sections] == [
        ("changed", "Using social networking for personal use", 1, 0, 0),
        ("added", AI_SECTION[0], 0, 2, 0),
        ("removed", "Use of personal mobile devices at work", 0, 0, 1)]
    assert changes.sections[2].heading("cy") == "Dyfeisiau symudol personol yn y gwaith"  # as the Welsh review named it
    assert compare_policies(shipped, shipped).sections == ()
    assert compare_policies(None, revised) == PolicyChanges()


def test_a_renamed_section_is_one_change_not_a_removal_and_an_addition() -> None:
    shipped = load_policy()
    section = shipped.section("mobile-devices")
    renamed = replace(section, id="phones-work", heading_en="Phones at work", heading_cy="")
    policy = replace(shipped, sections=tuple(renamed if s.id == section.id else s for s in shipped.sections))

    [change] = compare_policies(shipped, policy).sections

    assert (change.kind, change.heading_en, change.was_en) == ("changed", "Phones at work", section.heading_en)
    assert change.was("cy") == "Dyfeisiau symudol personol yn y gwaith"  # the Welsh it had, for Welsh cards


LEGISLATION_2022 = ("Staff should bear in mind that information they share through social networking applications, "
                    "even if they are on private spaces, are still subject to copyright, data protection and Freedom "
                    "of Information legislation, the Safeguarding Vulnerable Groups Act 2006 and other legislation.")


def test_a_section_renamed_with_its_rules_reworded_is_one_change_not_a_removal_and_an_addition(
        tmp_path: Path) -> None:
    """A review renamed "Legislation", rewording its one rule (UK GDPR for data protection), and "Using social
    networking for personal use", rewording four of its seven rules: staff were told both sections were removed and
    two new ones added."""
    own_time = "Using social media in your own time"
    source = write_revised(tmp_path, renamed={
        "Legislation": "Legislation and guidance",
        LEGISLATION_2022: LEGISLATION_2022.replace("are still", "is still").replace(
            "data protection", "UK GDPR and the Data Protection Act 2018,"),
        "Using social networking for personal use": own_time,
        "Staff should be aware of their association and responsibilities to Llanidloes Schools' Federation and ensure "
        "that their profiles and related content are consistent with how they would wish to present themselves and "
        "the professional conduct expectations of the EWC.": "Staff should be aware of their responsibilities to "
        "Llanidloes Schools' Federation and make sure that their profiles and what they post are consistent with the "
        "professional conduct expectations of the EWC.",
        "Employees must not use social networking sites to attack, abuse or discuss colleagues or students (including "
        "their parents) of Llanidloes Schools' Federation.": "Staff must not use social media to attack, abuse or "
        "discuss colleagues or pupils (including their parents) of Llanidloes Schools' Federation.",
        'We would not expect you to become "friends" with students except when using School or Department social '
        "networks for work purposes.": 'We would not expect you to become "friends" with pupils, except on school '
                                       "or department networks used for work."})
    shipped = load_policy()

    changes = compare_policies(shipped, policy_from_data(read_source(source, shipped).data))

    assert [(c.kind, c.heading_en, c.was_en) for c in changes.sections if c.kind != "added"] == [
        ("changed", "Legislation and guidance", "Legislation"),
        ("changed", own_time, "Using social networking for personal use"),
        ("removed", "Use of personal mobile devices at work", "")]
    assert [c.heading_en for c in changes.sections if c.kind == "added"] == [AI_SECTION[0]]
    legislation = changes.sections[0]
    assert (legislation.reworded, legislation.added, legislation.removed) == (1, 0, 0)
    assert legislation.was("cy") == "Deddfwriaeth"


def test_a_section_shares_rules_with_one_before_only_when_most_of_its_words_are_the_same() -> None:
    """Rules on other subjects that share the policy's everyday words ("staff", "social media", "pupils") do not make
    a new section the one before renamed."""
    shipped = load_policy()
    section = shipped.section("mobile-devices")
    other = replace(section, id="gaming", heading_en="Online gaming", heading_cy="", passages=(replace(
        section.passages[0], id="gaming.1", text="Staff should not play online games with pupils, or join the same "
                                                  "servers as pupils, during or outside working time."),))
    policy = replace(shipped, sections=tuple(other if s.id == section.id else s for s in shipped.sections))

    changes = compare_policies(shipped, policy).sections

    assert [(c.kind, c.heading_en) for c in changes] == [("added", "Online gaming"),
                                                         ("removed", section.heading_en)]


def test_changes_stored_before_the_welsh_of_a_renamed_heading_was_kept_still_read() -> None:
    stored = {"previous": "1", "sections": [{"kind": "changed", "section_id": "phones-work",
                                             "heading_en": "Phones at work", "heading_cy": "",
                                             "was_en": "Use of personal mobile devices at work", "added": 0,
                                             "removed": 0, "reworded": 1}], "welsh": 0}

    [change] = PolicyChanges.from_data(stored).sections

    assert change.was("cy") == change.was("en") == "Use of personal mobile devices at work"


def test_a_stored_change_that_cannot_be_read_is_left_out_and_the_rest_kept() -> None:
    stored = {"previous": "1", "welsh": 0,
              "sections": ["garbage", {"kind": "added"}, {"kind": "added", "section_id": "ai", "heading_en": "AI"},
                           {"kind": "added", "section_id": "x", "heading_en": "X", "colour": "red"}],
              "details": [3, {"name": "next_review"},
                          {"name": "next_review", "was_en": "Autumn 2028", "now_en": "Summer 2027"}]}

    changes = PolicyChanges.from_data(stored)

    assert [c.section_id for c in changes.sections] == ["ai"]
    assert changes.details == (DetailChange("next_review", "Autumn 2028", "Summer 2027"),)


def test_changes_survive_storage_as_data() -> None:
    changes = compare_policies(load_policy(), policy_from_data(read_source(TEXT_2022).data))
    revised = PolicyChanges(previous="1", sections=changes.sections)

    assert PolicyChanges.from_data(revised.as_data()) == revised
    assert PolicyChanges.from_data("garbage") == PolicyChanges()
    with_details = compare_policies(load_policy(), policy_from_data(read_source(TEXT_2022).data))
    assert with_details.details is not None
    assert PolicyChanges.from_data(with_details.as_data()) == with_details
    # A version stored before its details' changes were kept: not known, rather than "none changed".
    assert PolicyChanges.from_data({"previous": "1", "sections": []}).details is None


# Read and confirm


def _school(school_id: str) -> School:
    return School(school_id, school_id.title(), school_id, StaffContact("h", "Head"))


def test_the_count_per_school_names_who_has_not_read_it() -> None:
    staff = [StaffMember("Carys", "c@x.cymru", "high", "", "", "oid-c"), StaffMember("Gareth", "g@x.cymru", "high",
                                                                                    "", "", "oid-g"),
             StaffMember("Nia", "n@x.cymru", "high", "", "", ""), StaffMember("Owain", "o@x.cymru", "primary", "",
                                                                               "", "OID-O")]
    confirmed = [Confirmation(Person("t", "oid-c", "Carys"), NOW), Confirmation(Person("t", "oid-o", "Owain"), NOW),
                 Confirmation(Person("t", "oid-stranger", "Someone"), NOW)]

    high, primary = read_summary([_school("high"), _school("primary")], staff, confirmed)

    assert (high.read, high.total, high.outstanding, high.unreachable) == (1, 3, ("Gareth", "Nia"), ("Nia",))
    assert (primary.read, primary.total, primary.outstanding) == (1, 1, ())


@pytest.mark.parametrize(("lang", "off", "ask_it"), [
    (Lang.EN, "it turns nobody away", "Ask IT"), (Lang.CY, "nid yw'n gwrthod neb", "Gofynnwch i'r tîm TG")])
def test_the_heads_count_says_the_staff_only_check_is_off_while_anyone_on_the_list_lacks_an_entra_id(
        lang: Lang, off: str, ask_it: str) -> None:
    """The head sees the staff list here: a row without its id switches the Hwb staff-only check off for everyone
    (dialogs/staff_only.py), which only import-staff's output said, to IT."""
    staff = [StaffMember("Carys", "c@x.cymru", "high", "", "", "oid-c"), StaffMember("Owain", "o@x.cymru", "primary",
                                                                                    "", "", "")]
    complete = [staff[0], replace(staff[1], aad_object_id="oid-o")]

    with_gap = json.dumps(read_summary_card(load_catalogue(), lang, version="2", schools=read_summary(
        [_school("high"), _school("primary")], staff, [])), ensure_ascii=False)
    without_gap = json.dumps(read_summary_card(load_catalogue(), lang, version="2", schools=read_summary(
        [_school("high"), _school("primary")], complete, [])), ensure_ascii=False)

    assert off in with_gap and "Entra" in with_gap and ask_it in with_gap  # whom to ask, not a command to run
    assert off not in without_gap


@pytest.mark.parametrize(("lang", "nobody", "misread"), [
    (Lang.EN, "so there is nobody to count", ""),
    # "i'w cyfrif" is "to count them": nobody to do the counting. What is meant is nobody to be counted.
    (Lang.CY, "felly does neb i'w gyfrif", "i'w cyfrif")])
def test_after_going_back_to_the_installed_version_the_head_reads_that_there_is_nobody_to_be_counted(
        lang: Lang, nobody: str, misread: str) -> None:
    shown = json.dumps(not_asked_summary_card(load_catalogue(), lang, version="1", latest="2"), ensure_ascii=False)

    assert nobody in shown
    assert not misread or misread not in shown


@pytest.mark.parametrize(("lang", "more"), [(Lang.EN, "and {n} more, not shown here: Show more lists them"),
                                             (Lang.CY, "{n} arall heb eu dangos yma: mae Dangos rhagor yn eu rhestru")])
def test_the_heads_not_yet_list_of_a_large_school_says_how_many_more_and_shows_more(lang: Lang, more: str) -> None:
    staff = [StaffMember(f"Aelod Staff Rhif {n:03d}", f"m{n:03d}@x.cymru", "high", "", "", f"oid-{n}")
             for n in range(400)]
    [high] = read_summary([_school("high")], staff, [])

    shown_card = read_summary_card(load_catalogue(), lang, version="2", schools=[high])
    shown = json.dumps(shown_card, ensure_ascii=False)

    listed = [m for m in staff if m.name in shown]
    assert 0 < len(listed) < 400 and listed == staff[:len(listed)]  # whole names, in order
    assert more.format(n=400 - len(listed)) in shown
    assert {"version": "2", "after": listed[-1].email, "start": str(len(listed))} in [
        a.get("data") for a in actions(shown_card)]


@pytest.mark.parametrize(("asked", "now", "due"), [
    (datetime(2026, 9, 7, 9, 0, tzinfo=UTC), datetime(2026, 9, 11, 17, 0, tzinfo=UTC), False),  # Monday to Friday
    (datetime(2026, 9, 7, 9, 0, tzinfo=UTC), datetime(2026, 9, 14, 9, 0, tzinfo=UTC), True),  # five school days
    (datetime(2026, 9, 10, 9, 0, tzinfo=UTC), datetime(2026, 9, 16, 9, 0, tzinfo=UTC), False),  # weekend not counted
    (datetime(2026, 9, 10, 9, 0, tzinfo=UTC), datetime(2026, 9, 17, 9, 0, tzinfo=UTC), True),
])
def test_the_reminder_is_due_after_five_school_days(asked: datetime, now: datetime, due: bool) -> None:
    person = AskedStaff("c@x.cymru", "Carys", "high", "oid-c", asked)

    assert person.reminder_due(now, set(), SchoolCalendar()) is due
    assert not person.reminder_due(now, {"oid-c"}, SchoolCalendar())
    assert not replace(person, reminded_at=asked).reminder_due(now, set(), SchoolCalendar())
    assert not replace(person, object_id="").reminder_due(now, set(), SchoolCalendar())


def test_the_governors_csv_quotes_every_field_and_defuses_formulas() -> None:
    staff = [StaffMember('=HYPERLINK("http://evil","x")', "a@x.cymru", "high", "", "", "oid-a"),
             StaffMember("Bethan, Head of Art", "b@x.cymru", "high", "", "", "oid-b"),
             StaffMember("+Carys", "c@x.cymru", "primary", "", "", "")]
    asked = [AskedStaff("a@x.cymru", "", "high", "oid-a", NOW), AskedStaff("left@x.cymru", "@Dai", "high", "oid-d",
                                                                         NOW, reminded_at=NOW)]
    confirmed = [Confirmation(Person("t", "oid-b", "Bethan"), NOW), Confirmation(Person("t", "oid-z", "-Zoe"), NOW)]

    text = acknowledgements_csv("2", staff=staff, asked=asked, confirmed=confirmed,
                                school_names={"high": "Llanidloes High School"})
    rows = list(csv.reader(io.StringIO(text)))

    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    assert rows[0][:8] == ["version", "school", "name", "email", "asked at", "reminded at", "read at", "status"]
    by_name = {row[2]: row for row in rows[1:]}
    assert set(by_name) == {"'=HYPERLINK(\"http://evil\",\"x\")", "Bethan, Head of Art", "'+Carys", "'@Dai", "'-Zoe"}
    assert by_name["Bethan, Head of Art"][7] == "read" and by_name["'=HYPERLINK(\"http://evil\",\"x\")"][7] == "not yet"
    assert by_name["'+Carys"][7] == "not reachable: no Entra id on the list" and by_name["'@Dai"][5]
    assert by_name["'@Dai"][8:11] == ["1", "2026-09-07 10:00", "0"]
    assert by_name["'-Zoe"][1] == "not on the staff list"


def test_the_governors_csv_does_not_list_someone_who_left_as_still_to_read_it() -> None:
    """Dai left before confirming, and the office gave his old address to Dai Jones, who started since: the head's
    card counts neither leaver, so the governors' CSV must not say Dai has "not yet" read it, and Eira, who read it
    and left, keeps her row (asked at, read at) though her address is someone else's now."""
    staff = [StaffMember("Dai Jones", "d.jones@x.cymru", "high", "", "", "oid-new"),
             StaffMember("Eira Lloyd", "e.lloyd@x.cymru", "high", "", "", "oid-new-e")]
    asked = [AskedStaff("dai@x.cymru", "Dai Evans", "high", "oid-d", NOW),
             AskedStaff("e.lloyd@x.cymru", "Eira Owen", "primary", "oid-e", NOW)]
    confirmed = [Confirmation(Person("t", "oid-e", "Eira Owen"), NOW)]

    text = acknowledgements_csv("2", staff=staff, asked=asked, confirmed=confirmed,
                                school_names={"high": "Llanidloes High School", "primary": "Llanidloes Primary School"})
    by_name = {row[2]: row for row in list(csv.reader(io.StringIO(text)))[1:]}

    assert by_name["Dai Evans"][7] == "left the staff list before confirming"
    assert by_name["Dai Jones"][7] == "not yet"
    assert by_name["Eira Owen"][1:] == ["Llanidloes Primary School", "Eira Owen", "e.lloyd@x.cymru",
                                        "2026-09-07 10:00", "", "2026-09-07 10:00", "read", "0", "", "0", "", "", "",
                                        ""]
    assert by_name["Eira Lloyd"][7] == "not yet"


def test_the_governors_csv_says_how_many_reminders_each_person_had_and_when() -> None:
    """A governor asks how often Owain was chased before he read it: the CSV gave only his latest reminder's time.
    Carys confirmed before her second reminder reached her, so it was withheld: she had one. Dai's row was kept
    before each time was: his count stands, with the time of the latest. The columns there were stay as they were."""
    first, second, third = (NOW + timedelta(days=d) for d in (7, 9, 14))
    staff = [StaffMember("Owain Pritchard", "o@x.cymru", "high", "", "", "oid-o"),
             StaffMember("Carys Jenkins", "c@x.cymru", "high", "", "", "oid-c"),
             StaffMember("Dai Evans", "d@x.cymru", "high", "", "", "oid-d"),
             StaffMember("Eira Owen", "e@x.cymru", "high", "", "", "oid-e")]
    asked = [AskedStaff("o@x.cymru", "Owain Pritchard", "high", "oid-o", NOW, reminded_at=third, reminders=3,
                        reminder_times=(first, second, third)),
             AskedStaff("c@x.cymru", "Carys Jenkins", "high", "oid-c", NOW, reminded_at=second, reminders=2,
                        reminder_times=(first, second)),
             AskedStaff("d@x.cymru", "Dai Evans", "high", "oid-d", NOW, reminded_at=second, reminders=2),
             AskedStaff("e@x.cymru", "Eira Owen", "high", "oid-e", NOW, reminded_at=first, reminders=1,
                        reminder_times=(first,))]
    confirmed = [Confirmation(Person("t", "oid-o", "Owain Pritchard"), third + timedelta(hours=2)),
                 Confirmation(Person("t", "oid-c", "Carys Jenkins"), second - timedelta(hours=1)),
                 Confirmation(Person("t", "oid-z", "Zoe"), third)]
    withheld = [Withheld(Person("t", "oid-c", "Carys Jenkins"), 2, second + timedelta(minutes=1)),
                Withheld(Person("t", "oid-e", "Eira Owen"), 1, first, because=WithheldBecause.REPLACED)]

    text = acknowledgements_csv("2", staff=staff, asked=asked, confirmed=confirmed, withheld=withheld,
                                school_names={"high": "Llanidloes High School"})
    rows = list(csv.reader(io.StringIO(text)))
    by_name = {row[2]: row for row in rows[1:]}

    assert rows[0][:11] == ["version", "school", "name", "email", "asked at", "reminded at", "read at", "status",
                            "reminders", "reminder times", "reminders not sent (already read)"]
    assert all(len(row) == 15 for row in rows)
    assert by_name["Owain Pritchard"][5] == "2026-09-21 10:00"
    assert by_name["Owain Pritchard"][8:11] == ["3", "2026-09-14 10:00; 2026-09-16 10:00; 2026-09-21 10:00", "0"]
    assert by_name["Carys Jenkins"][5] == "2026-09-14 10:00"
    assert by_name["Carys Jenkins"][8:11] == ["1", "2026-09-14 10:00", "1"]
    assert by_name["Dai Evans"][8:11] == ["2", "(time not kept); 2026-09-16 10:00", "0"]
    assert by_name["Eira Owen"][5:11] == ["", "", "not yet", "0", "", "0"]  # version 3 came out as it was to go
    assert by_name["Zoe"][8:] == ["", "", "", "", "", "", ""]


def test_the_governors_csv_counts_the_reminders_that_reached_each_person_not_those_queued() -> None:
    """Gareth works two days a week and had not opened the bot: the reminder after five school days waited for him, and
    the head's reminder the week after took its place, still waiting; the CSV said he had had two, at their times.
    Teams refuses Ffion's chat (it is tried again): the CSV said she had had hers. Owain had both. The figures now
    say what reached each person, and what is waiting, refused or was taken back unsent."""
    first, second = NOW + timedelta(days=7), NOW + timedelta(days=14)
    staff = [StaffMember("Owain Pritchard", "o@x.cymru", "high", "", "", "oid-o"),
             StaffMember("Gareth Hughes", "g@x.cymru", "high", "", "", "oid-g"),
             StaffMember("Ffion Morgan", "f@x.cymru", "high", "", "", "oid-f")]
    asked = [AskedStaff("o@x.cymru", "Owain Pritchard", "high", "oid-o", NOW, reminded_at=second, reminders=2,
                        reminder_times=(first, second)),
             AskedStaff("g@x.cymru", "Gareth Hughes", "high", "oid-g", NOW, reminded_at=second, reminders=2,
                        reminder_times=(first, second)),
             AskedStaff("f@x.cymru", "Ffion Morgan", "high", "oid-f", NOW, reminded_at=first, reminders=1,
                        reminder_times=(first,))]
    delivery = {"oid-o": ReminderDelivery(sent=frozenset({1, 2})), "oid-g": ReminderDelivery(waiting=frozenset({2})),
                "oid-f": ReminderDelivery(refused=frozenset({1}))}

    text = acknowledgements_csv("2", staff=staff, asked=asked, confirmed=[], delivery=delivery,
                                school_names={"high": "Llanidloes High School"})
    rows = list(csv.reader(io.StringIO(text)))
    by_name = {row[2]: row for row in rows[1:]}

    assert rows[0][8:] == ["reminders", "reminder times", "reminders not sent (already read)",
                           "reminders waiting (bot not opened yet)", "reminders refused by Teams (tried again)",
                           "reminders taken back unsent", "reminders held for school hours"]
    assert by_name["Owain Pritchard"][5] == "2026-09-21 10:00"
    assert by_name["Owain Pritchard"][8:] == ["2", "2026-09-14 10:00; 2026-09-21 10:00", "0", "0", "0", "0", "0"]
    assert by_name["Gareth Hughes"][5] == ""
    assert by_name["Gareth Hughes"][8:] == ["0", "", "0", "1", "0", "1", "0"]
    assert by_name["Ffion Morgan"][5] == ""
    assert by_name["Ffion Morgan"][8:] == ["0", "", "0", "0", "1", "0", "0"]


def test_the_governors_csv_gives_times_as_uk_clocks_showed_them() -> None:
    summer = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    winter = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    staff = [StaffMember("Bethan", "b@x.cymru", "high", "", "", "oid-b")]

    text = acknowledgements_csv("2", staff=staff, asked=[AskedStaff("b@x.cymru", "Bethan", "high", "oid-b", summer)],
                                confirmed=[Confirmation(Person("t", "oid-b", "Bethan"), winter)], school_names={})
    row = list(csv.reader(io.StringIO(text)))[1]

    assert (row[4], row[6]) == ("2026-07-01 09:30", "2026-12-01 08:30")


# Files judged by their content


def test_a_word_file_is_read_whatever_it_is_called(tmp_path: Path) -> None:
    content = revised_docx(tmp_path).read_bytes()

    data = read_sent_file(content, "../../policy.txt").data

    assert data["version"] == "2" and data["document"]["file"] == "policy.docx"


def test_a_markdown_page_sent_in_teams_is_read_as_markdown() -> None:
    content = ("# Staff Social Media Policy\n\n| | |\n|---|---|\n| **Status** | Version 4 |\n\n## Personal use\n\n"
               "Keep your accounts [private](/privacy).\n").encode()

    data = read_sent_file(content, "wiki copy.md").data

    assert data["version"] == "4" and data["sections"][0]["passages"][0]["text"] == "Keep your accounts private."


@pytest.mark.parametrize(("name", "shown"), [("../../etc/passwd", "passwd"), ("C:\\Users\\x\\Policy v2.docx",
                                                                            "Policy v2.docx"),
                                             ("\x00\u202e.docx", "_.docx"), ("", "document"), ("...", "document")])
def test_a_file_name_is_shown_without_its_path_or_odd_characters(name: str, shown: str) -> None:
    assert safe_name(name) == shown


def test_a_structured_policy_file_can_be_sent_and_a_bad_one_says_why() -> None:
    good = read_sent_file(b'{"title_en": "T", "version": "3", "sections": [{"id": "a", "heading_en": "A", '
                          b'"passages": [{"id": "a.1", "text": "Be kind."}]}]}', "policy.json")

    with pytest.raises(PolicyImportError, match="not a valid policy file: \\$.sections: missing"):
        read_sent_file(b'{"title_en": "T"}', "policy.json")
    assert good.data["version"] == "3"


def test_too_large_an_old_word_document_and_a_pdf_are_refused_with_the_reason() -> None:
    with pytest.raises(PolicyImportError, match="too large"):
        read_sent_file(b"x" * (10 * 1024 * 1024 + 1), "big.txt")
    with pytest.raises(PolicyImportError, match=r"old Word document \(.doc\)"):
        read_sent_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "policy.doc")
    with pytest.raises(PolicyImportError, match="PDF"):
        read_sent_file(b"%PDF-1.4", "policy.pdf")


# The policy check shown before publishing


def test_the_check_says_which_passages_the_steering_data_no_longer_fits(tmp_path: Path) -> None:
    shipped = load_policy()

    same_text = check_policy(read_source(TEXT_2022, shipped))
    revised = check_policy(read_source(write_revised(tmp_path), shipped))

    # The 2022 document's review (Autumn 2024) has passed: the only note a check of its own text gives.
    assert same_text.passed and noted(same_text.notes) == [
        "the next review (Autumn 2024) has passed: cards say the review is overdue; if this is the reviewed version, "
        "give its new review date"]
    assert revised.passed
    assert "3 of 43 passages have no wordings in the steering data" in " ".join(noted(revised.notes))
    assert "2 wording lists fit no passage of this version" in " ".join(noted(revised.notes))


def test_a_version_worded_afresh_gets_one_plain_note_on_the_steering_data_not_three_in_its_words(
        tmp_path: Path) -> None:
    """The policy owner reads the preview in Teams: steering data that fits none of the new wording is one thing to
    know (nothing for them to do), not counts of "wording lists" and "not-covered lists"."""
    afresh = tmp_path / "Social Media Policy 2027.txt"
    afresh.write_text("Social Media Policy for Staff\n\nVersion\t2\nNext review\tSpring Term 2030\n\n"
                      "Why we have this policy\n\nThe federation wants staff to use social media confidently.\n\n"
                      "Contact with pupils online\n\nDo not accept friend requests from current pupils.\n",
                      encoding="utf-8")

    checked = check_policy(read_source(afresh, load_policy()))

    notes = " ".join(noted(checked.notes))
    assert checked.passed
    assert "wording lists" not in notes and "not-covered lists" not in notes
    assert "answered from its own words, which needs nothing from you" in notes


def test_the_shipped_file_reads_as_data() -> None:
    assert load_policy_data()["version"] == "1"


def test_a_problem_that_stops_publishing_names_the_section_by_its_heading_and_the_passage_by_its_number() -> None:
    data = load_policy_data()
    section = data["sections"][2]
    section["passages"][0]["text"] = "x" * 612

    check = check_policy(Imported(data, ()))

    assert not check.passed
    assert [note_text(load_catalogue(), problem, Lang.EN) for problem in check.problems] == [
        f'Section 3, "{section["heading_en"]}", passage 1: 612 characters, more than 600; split the passage']
    # A Welsh policy owner reads it in Welsh: the section and passage by number, the heading as the document has it.
    assert [note_text(load_catalogue(), problem, Lang.CY) for problem in check.problems] == [
        f'Adran 3, "{section["heading_en"]}", darn 1: mae\'n 612 nod o hyd, a\'r uchafswm yw 600; rhannwch y darn']


@pytest.mark.parametrize(("message_id", "card"), [
    ("policy|00002|read|a1000000-0000-4000-8000-000000000002", ("00002", 0)),
    ("policy|00002.00001|remind|a1000000-0000-4000-8000-000000000002", ("00002.00001", 1)),
    ("policy|00003|remind4|a1000000-0000-4000-8000-000000000002", ("00003", 4)),
    ("policy|00003|reminder|a1", None), ("policy|draft|read|a1", None), ("perm-42|to-head", None),
    ("policy|00002|read", None)])
def test_the_cards_of_a_version_are_known_by_their_ids_and_nothing_else_is(message_id: str,
                                                                           card: tuple[str, int] | None) -> None:
    assert card_of_a_version(message_id) == card
