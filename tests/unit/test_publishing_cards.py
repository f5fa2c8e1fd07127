"""The card the policy owner sees once a version is published."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.domain.people import Lang
from bot.domain.policy_reads import SchoolReads
from bot.domain.policy_versions import DetailChange, PolicyChanges
from bot.policy.details import Detail
from cards import publishing
from cards.answer import ReviewItem, review_card
from cards.gallery import SAMPLE_FEDERATION
from cards.i18n import Catalogue, load_catalogue
from tests.support.cards import facts
from tests.support.policies import fixture_policy


@pytest.mark.parametrize(("lang", "one", "many"), [
    ("en", "The one member of staff on the staff list", "12 members of staff"),
    # "yr un aelod" is "the same member"; "the one (and only)" is "yr unig aelod"
    ("cy", "yr unig aelod o staff sydd ar y rhestr staff", "ar y rhestr staff: 12"),
])
def test_one_member_of_staff_asked_is_said_in_the_singular(lang: str, one: str, many: str) -> None:
    strings = load_catalogue()
    alone = json.dumps(publishing.published_card(strings, Lang(lang), version="2", asked=1, reinstated=False),
                       ensure_ascii=False)
    several = json.dumps(publishing.published_card(strings, Lang(lang), version="2", asked=12, reinstated=False),
                         ensure_ascii=False)
    assert one in alone and "1 members" not in alone and ": 1." not in alone
    assert many in several


def test_the_welsh_for_a_school_nobody_is_listed_at_says_whom_to_add_and_to_what() -> None:
    """"Gofynnwch i'r tîm TG eu hychwanegu" had "them" point back at "neb" (nobody) and left out the list they are
    added to; said as the card about Entra ids says it: add the school's staff to the list, and import it again."""
    strings = load_catalogue()
    card = json.dumps(publishing.read_summary_card(strings, Lang.CY, version="2", schools=[
        SchoolReads(SAMPLE_FEDERATION.schools[1], 0, 0, ())]), ensure_ascii=False)

    assert "ychwanegu staff yr ysgol at y rhestr a'i mewnforio eto" in card and "eu hychwanegu" not in card


@pytest.mark.parametrize(("title_cy", "issued", "said"), [
    ("Polisi Cyfryngau Cymdeithasol i Staff", date(2026, 9, 1),
     "Mae'r Polisi Cyfryngau Cymdeithasol i Staff, fersiwn 2, mewn grym bellach (dyddiad cyhoeddi: 1 Medi 2026)."),
    ("Polisi Cyfryngau Cymdeithasol i Staff", None,
     "Mae'r Polisi Cyfryngau Cymdeithasol i Staff, fersiwn 2, mewn grym bellach."),
    # A document's own Welsh title with its article already: not "Mae'r Y Polisi …" nor "Mae Y Polisi …".
    ("Y Polisi Cyfryngau Cymdeithasol", date(2026, 9, 1),
     "Mae'r Polisi Cyfryngau Cymdeithasol, fersiwn 2, mewn grym bellach"),
    ("Yr Egwyddorion ar gyfer Cyfryngau Cymdeithasol", None,
     "Mae'r Egwyddorion ar gyfer Cyfryngau Cymdeithasol, fersiwn 2, mewn grym bellach."),
])
@pytest.mark.parametrize("reminder", [False, True])
def test_the_welsh_read_and_confirm_card_names_the_policy_with_its_article(
        title_cy: str, issued: date | None, said: str, reminder: bool) -> None:
    """ "Mae Polisi Cyfryngau Cymdeithasol i Staff, fersiwn 2, mewn grym bellach": a named policy is definite, and
    Welsh gives it the article after "Mae" ("Mae'r Polisi …"), as the card's own title does ("Fersiwn newydd o'r Polisi
    …"); the English card names it by its title, as before."""
    strings = load_catalogue()
    details = replace(fixture_policy().details, version="2", date_of_issue=issued, issued_as=None,
                      title=Detail("Social Media Policy for Staff", title_cy))

    welsh = json.dumps(publishing.read_request_card(strings, Lang.CY, details=details, changes=PolicyChanges(),
                                                    reminder=reminder), ensure_ascii=False)
    english = json.dumps(publishing.read_request_card(strings, Lang.EN, details=details, changes=PolicyChanges(),
                                                      reminder=reminder), ensure_ascii=False)

    assert said in welsh and "Mae Polisi" not in welsh and "'r Y" not in welsh
    assert "Social Media Policy for Staff, version 2" in english


def _hidden_one(strings: Catalogue, lang: Lang) -> str:
    """The who-has-read card of a school with one name more than fits: 25 names of 98 letters fill the card, and the
    26th, and one member of staff the bot cannot reach past the 2000 letters shown of those, are left to Show more."""
    names = tuple(f"Aelod Staff {n:02d} " + "a" * 83 for n in range(26))
    unreachable = tuple(f"Aelod Heb Id {n:02d} " + "b" * 82 for n in range(21))
    school = SchoolReads(SAMPLE_FEDERATION.schools[0], 0, 26, names, unreachable=unreachable,
                         outstanding_emails=tuple(f"aelod{n}@example.cymru" for n in range(26)))
    return json.dumps(publishing.read_summary_card(strings, lang, version="2", schools=[school]), ensure_ascii=False)


def test_one_name_left_off_the_welsh_who_has_read_card_is_said_in_the_singular() -> None:
    """Welsh agrees with the one left off: "… 1 arall heb eu dangos yma: mae Dangos rhagor yn eu rhestru" said "them"
    of one member of staff; it is "… un arall heb ei ddangos yma …", as "yr unig aelod o staff" is said of one."""
    strings = load_catalogue()

    welsh = _hidden_one(strings, Lang.CY)

    assert "heb eu dangos" not in welsh and "1 arall" not in welsh
    assert "… un arall heb ei ddangos yma: mae Dangos rhagor yn ei restru." in welsh
    assert "… un arall heb ei ddangos yma. Am y rhestr lawn, gofynnwch i'r tîm TG" in welsh
    assert "… and one more, not shown here" in _hidden_one(strings, Lang.EN)


def test_one_more_question_from_the_same_person_is_said_in_the_singular_in_welsh() -> None:
    """ "Gofynnodd yr un person 1 cwestiwn arall, heb eu dangos yma" said "them" of one question."""
    strings = load_catalogue()
    item = ReviewItem("Where do I park?", datetime(2026, 11, 24, 9, 30, tzinfo=UTC), unanswered=True,
                      more_from_asker=1)

    welsh = json.dumps(review_card(strings, Lang.CY, [item]), ensure_ascii=False)

    assert "Gofynnodd yr un person un cwestiwn arall, heb ei ddangos yma." in welsh and "heb eu dangos" not in welsh


def test_a_detail_whose_welsh_reads_the_same_before_and_after_is_shown_by_its_english_change() -> None:
    """Version 2.1 renamed "Social Media Policy for Staff" to "Staff Social Media Policy": both are "Polisi Cyfryngau
    Cymdeithasol i Staff" in Welsh, and the Welsh card read "Teitl: Polisi Cyfryngau Cymdeithasol i Staff (Polisi
    Cyfryngau Cymdeithasol i Staff gynt)", a change of nothing. It gives the English, which did change."""
    strings = load_catalogue()
    welsh_title = "Polisi Cyfryngau Cymdeithasol i Staff"
    changes = PolicyChanges(previous="2", details=(
        DetailChange("title", "Social Media Policy for Staff", "Staff Social Media Policy", welsh_title, welsh_title),
        DetailChange("next_review", "Autumn 2028", "Summer 2027", "Tymor yr Hydref 2028", "Tymor yr Haf 2027")))
    details = replace(fixture_policy().details, version="2.1")

    welsh = facts(publishing.read_request_card(strings, Lang.CY, details=details, changes=changes))

    assert welsh["Teitl"] == "Staff Social Media Policy (Social Media Policy for Staff gynt)"
    assert welsh["Adolygiad nesaf"] == "Tymor yr Haf 2027 (Tymor yr Hydref 2028 gynt)"
