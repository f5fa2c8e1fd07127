"""What the cards call things: one name for one thing, in both languages, and samples that show what the code does."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from bot.domain.people import Lang
from cards import permission_requests as permission
from cards.gallery import SAMPLE_FEDERATION, _sample_request, gallery
from cards.i18n import load_catalogue
from tests.flows.conftest import text_of
from tests.support.cards import actions

# Buttons that open something named: the same thing has the same name on every card. Show more (data `start`) opens
# the rest of the list already open on its card, so it is named for that.
OPENERS = ("policy.sections", "permission.pending", "permission.mine", "permission.form")


def test_a_button_that_opens_the_same_thing_has_one_name_everywhere() -> None:
    titles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, card in gallery().items():
        for action in actions(card) + [card.get("refresh", {}).get("action", {})]:
            if action.get("verb") in OPENERS and "start" not in action.get("data", {}):
                titles[(action["verb"], name.rsplit(".", 1)[1])].add(action["title"])

    assert len(titles) == 2 * len(OPENERS)
    assert {key: names for key, names in titles.items() if len(names) > 1} == {}


def test_the_pending_list_and_the_lists_of_ones_own_are_headed_as_their_buttons_say() -> None:
    strings = load_catalogue()

    for lang in Lang:
        def say(key: str, lang: Lang = lang) -> str:
            return strings.text(key, lang)

        assert say("perm.pending_title") == say("button.pending")
        # "My requests" opens "Your requests" as "My reports" opens "Your reports".
        assert say("perm.mine_title").split()[0] == say("concern.mine_title").split()[0]
        assert say("button.my_requests").split()[0] == say("concern.my_reports").split()[0]


def test_the_welsh_cards_say_i_have_one_way() -> None:
    strings = load_catalogue()

    contracted = [key for key in strings.keys() if re.search(r"\bRwy(f\b|'n\b)", strings.text(key, Lang.CY))]

    assert contracted == []


def test_the_button_to_ask_permission_says_it_is_for_social_media_beside_ask_the_headteacher() -> None:
    cards = gallery()

    for lang, words in ((Lang.EN, "social media"), (Lang.CY, "cyfryngau cymdeithasol")):
        card = cards[f"answer-not-helpful.{lang.value}"]
        [form] = [a["title"] for a in actions(card) if a["verb"] == "permission.form"]
        [head] = [a["title"] for a in actions(card) if a["verb"] == "ask.escalate"]
        assert words in form and form != head
    for name in ("answer.en", "photo-checklist.en", "welcome.en", "help.en", "section.en"):
        assert "Ask permission" not in text_of(cards[name])


def test_a_request_with_no_pupils_content_says_so_plainly() -> None:
    strings = load_catalogue()
    request = replace(_sample_request(), pupil_content=("none",), consent="")

    english = permission.approver_card(strings, Lang.EN, request, school="Llanidloes High School",
                                      today=request.submitted_at.date())
    welsh = permission.approver_card(strings, Lang.CY, request, school="Ysgol Uwchradd Llanidloes",
                                    today=request.submitted_at.date())

    assert "No pupils' photos, names or work" in text_of(english) and "None of these" not in text_of(english)
    assert "Dim lluniau, enwau na gwaith disgyblion" in text_of(welsh)


def test_the_gallery_shows_a_withdrawal_and_a_refused_version_as_the_code_makes_them() -> None:
    cards = gallery()
    requester = _sample_request().requester.name

    for name in ("permission-withdrawn.en", "permission-withdrawn-headteacher.en"):
        assert f"Withdrawn by {requester}" in text_of(cards[name])
        assert f"Withdrawn by {SAMPLE_FEDERATION.schools[0].headteacher.name}" not in text_of(cards[name])
    refused = text_of(cards["publish-preview-refused.en"])
    assert "older than the current version, 3" in refused and "replaces version" not in refused


def _date_boxes(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "Input.Date":
            yield node
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            yield from _date_boxes(value)


def test_every_date_box_prompts_in_the_readers_language() -> None:
    """Without a placeholder Teams fills a date box with its own English "Select a date...", on Welsh cards too."""
    strings = load_catalogue()
    prompts: dict[str, set[str]] = defaultdict(set)
    for name, card in gallery().items():
        for box in _date_boxes(card):
            prompts[name.rsplit(".", 1)[1]].add(str(box.get("placeholder")))

    assert prompts == {lang.value: {strings.text("perm.date_placeholder", lang)} for lang in Lang}


def _inputs(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Input."):
            yield node
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            yield from _inputs(value)


def test_each_box_left_empty_on_the_request_form_says_what_it_needs() -> None:
    """Teams shows (and a screen reader reads) each required box's errorMessage when Send is pressed with it empty:
    eight times "Please fill this in." told nobody which box was which; each now says what it needs, as the bot's own
    check would, in the form's language."""
    strings = load_catalogue()
    for lang in Lang:
        form = gallery()[f"permission-form.{lang.value}"]
        said = {box["id"]: box["errorMessage"] for box in _inputs(form) if box.get("isRequired")}

        assert said == {field: strings.text(f"perm.error.{field}", lang) for field in (
            "school", "platform", "account_kind", "purpose", "audience", "pupil_content", "moderator", "moderation",
            "start", "confirm")}


def test_every_drop_down_left_unchosen_prompts_in_the_readers_language() -> None:
    """A drop-down with nothing chosen showed an empty box (Teams on iOS), or seemed to have its first choice picked
    (Teams on Android), and a screen reader heard only its label; each now says what to choose, in the card's
    language."""
    strings = load_catalogue()
    prompts: dict[str, set[str]] = defaultdict(set)
    for name, card in gallery().items():
        for box in _inputs(card):
            if box["type"] == "Input.ChoiceSet" and box.get("style") in ("compact", "filtered", None):
                prompts[name.rsplit(".", 1)[1]].add(str(box.get("placeholder")))

    for lang in Lang:
        assert prompts[lang.value] == {strings.text(key, lang) for key in (
            "perm.placeholder.school", "perm.placeholder.platform", "perm.placeholder.moderation",
            "concern.about_placeholder")}


def test_no_card_gives_a_command_line_to_run() -> None:
    """Siân reading who has read version 2, or Official accounts, was given "For the governing body: python -m bot
    export-acknowledgements --version 2" (and "python -m bot export-decisions"): a command for the IT technician's
    computer, which she cannot run in Teams, nor knows to pass on. Cards say who to ask; the commands are in the
    README, for IT."""
    strings = load_catalogue()

    commands = [f"{key} ({lang.value})" for key in strings.keys() for lang in Lang
                if re.search(r"python -m|\bpython\b|--version|import-staff|export-", strings.text(key, lang))]
    shown = [name for name, card in gallery().items() if "python -m" in text_of(card)]

    assert (commands, shown) == ([], [])


def test_the_governors_record_is_one_to_ask_it_for() -> None:
    strings = load_catalogue()

    for lang, it in ((Lang.EN, "ask IT"), (Lang.CY, "gofynnwch i'r tîm TG")):
        for key in ("perm.register_export", "reads.summary_export"):
            assert it in strings.text(key, lang, version="2")
