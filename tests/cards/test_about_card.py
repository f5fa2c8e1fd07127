"""The About card answers a question about one detail of the document, and says so when the document is silent."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.domain.people import Lang
from bot.policy.details import Detail
from bot.policy.loader import load_policy
from cards.answer import about_card
from cards.i18n import load_catalogue
from tests.support.policies import FIXTURE_POLICY_FILE

STRINGS = load_catalogue()


def test_a_detail_the_document_does_not_give_is_said_to_be_missing_in_both_languages() -> None:
    details = replace(load_policy(FIXTURE_POLICY_FILE).details, author=None)

    english = json.dumps(about_card(STRINGS, Lang.EN, details, overdue=False, asked="author"), ensure_ascii=False)
    welsh = json.dumps(about_card(STRINGS, Lang.CY, details, overdue=False, asked="author"), ensure_ascii=False)

    assert "The policy document does not say who wrote it." in english
    assert "Nid yw dogfen y polisi'n dweud pwy a'i hysgrifennodd." in welsh


def test_a_detail_the_document_gives_needs_no_note() -> None:
    details = load_policy(FIXTURE_POLICY_FILE).details
    assert details.author is not None

    shown = json.dumps(about_card(STRINGS, Lang.EN, details, overdue=False, asked="author"), ensure_ascii=False)

    assert details.author.en in shown and "does not say" not in shown


def test_a_last_review_the_document_does_not_give_is_said_to_be_missing_with_the_date_it_does_give() -> None:
    details = load_policy(FIXTURE_POLICY_FILE).details
    assert details.last_reviewed is None and details.date_of_issue is not None

    english = json.dumps(about_card(STRINGS, Lang.EN, details, overdue=False, asked="last_reviewed"),
                         ensure_ascii=False)
    welsh = json.dumps(about_card(STRINGS, Lang.CY, details, overdue=False, asked="last_reviewed"), ensure_ascii=False)
    undated = json.dumps(about_card(STRINGS, Lang.EN, replace(details, date_of_issue=None), overdue=False,
                                    asked="last_reviewed"), ensure_ascii=False)

    assert "does not say when it was last reviewed. Its date of issue is 12.10.2022." in english
    assert "pryd y cafodd ei hadolygu ddiwethaf. Dyddiad ei chyhoeddi yw 12 Hydref 2022." in welsh
    assert "The policy document does not say when it was last reviewed." in undated and "date of issue" not in undated


def test_a_detail_left_in_english_on_a_welsh_card_is_said_to_be_as_the_document_gives_it() -> None:
    """Who agreed it, in words the Welsh terms file does not know, is shown whole as the document gives it, and the
    Welsh card says so once; a name left as written needs no such note."""
    agreed = "Governing Body, on the recommendation of the Estates Working Group"
    shipped = load_policy(FIXTURE_POLICY_FILE).details
    details = replace(shipped, agreed_by=Detail(agreed, agreed))

    welsh = json.dumps(about_card(STRINGS, Lang.CY, details, overdue=False), ensure_ascii=False)
    english = json.dumps(about_card(STRINGS, Lang.EN, details, overdue=False), ensure_ascii=False)
    names_only = json.dumps(about_card(STRINGS, Lang.CY, shipped, overdue=False), ensure_ascii=False)

    note = STRINGS.text("ask.about_as_written", Lang.CY)
    assert agreed in welsh and note in welsh
    assert note not in names_only and "Daniel Owen / Elen Chennetier" in names_only
    assert STRINGS.text("ask.about_as_written", Lang.EN) not in english


def test_an_overdue_review_names_no_governing_body_for_a_school_whose_policy_a_management_committee_agreed() -> None:
    """A hospital school or pupil referral unit has a management committee, not a governing body."""
    details = replace(load_policy(FIXTURE_POLICY_FILE).details,
                      agreed_by=Detail("Management Committee", "Y Pwyllgor Rheoli"))

    english = json.dumps(about_card(STRINGS, Lang.EN, details, overdue=True), ensure_ascii=False)
    welsh = json.dumps(about_card(STRINGS, Lang.CY, details, overdue=True), ensure_ascii=False)

    assert "has passed. It still applies until a new version replaces it" in english
    assert "governing body" not in english.casefold()
    assert "wedi mynd heibio. Mae'n dal mewn grym nes i fersiwn newydd gymryd ei le" in welsh
    assert "corff llywodraethu" not in welsh.casefold()
