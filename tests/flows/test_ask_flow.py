"""A question about the policy on the memory stores: answered in the policy's own words, or passed to the
headteacher whose reply comes back, and forgotten when the retention period has passed. The answer index is built
once per session (`policy_in_force`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest

from bot.domain.concerns import add_months
from bot.domain.directory import StaffMember
from bot.domain.errors import StorageUnavailable
from bot.domain.federation import Federation
from bot.domain.live_policy import PolicyInForce
from bot.domain.outbox import OutboundMessage
from bot.domain.people import Lang, Membership, Person, StaffContact
from bot.domain.profiles import UserProfile
from bot.domain.questions import MAX_CORRECTIONS, MAX_QUESTION, Feedback, forget_old_questions, kept_text
from bot.edge.teams import MAX_TEXT
from bot.policy import PolicyIndex
from bot.policy.importer import import_policy
from bot.policy.loader import load_policy, policy_from_data
from bot.policy.model import Policy
from bot.policy.steering import Steering
from bot.storage.memory import MemoryOutbox, MemoryQuestionLog, MemoryStaffDirectory, MemoryUserProfiles
from cards.common import notice_card
from cards.i18n import Catalogue
from dialogs.base import Scope, Turn
from tests.conftest import SharedIndexes
from tests.flows.conftest import CARYS, FFION, GARETH, OWAIN, SIAN, BotInMemory, Clock, NoIndex, open_bot, text_of
from tests.support.cards import actions, verb_data
from tests.support.policies import FIXTURE_POLICY_FILE, fixture_policy, revised_text

POLICY_TEXT = (Path(__file__).resolve().parents[2] / "bot/policy/data/social-media-policy-2022.txt").read_text(
    encoding="utf-8")


def _quotes(card: dict[str, Any]) -> list[str]:
    """The policy's words an answer card quotes."""
    return [run["text"] for block in card["body"]
            if block.get("type") == "Container" and block.get("style") == "emphasis"
            for item in block["items"] for run in item.get("inlines", [])]


async def test_a_question_is_answered_in_the_policys_own_words_and_recorded(answering_bot: BotInMemory) -> None:
    reply = await answering_bot.says(CARYS, "Can I be friends with pupils on Facebook?")

    quotes = _quotes(reply.card or {})
    assert quotes and all(q in POLICY_TEXT for q in quotes) and any("friends" in q for q in quotes)
    assert "Social Media Policy, Version 1, 12.10.2022" in text_of(reply.card)
    [record] = answering_bot.store.questions.values()
    assert (record.asker, record.text, record.lang, record.answered) == (
        CARYS, "Can I be friends with pupils on Facebook?", Lang.EN, True)
    assert record.passage_ids and verb_data(reply.card or {}, "ask.feedback")["q"] == record.question_id


async def test_a_question_the_policy_does_not_cover_goes_to_the_head_and_the_reply_comes_back(
        answering_bot: BotInMemory) -> None:
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    no_answer = await bot.says(CARYS, "How many days of annual leave do I get?")

    passed_on = await bot.clicks(CARYS, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"))
    [to_head] = await bot.cards_for(SIAN)
    replied = await bot.clicks(SIAN, "ask.reply", {"q": verb_data(to_head, "ask.reply")["q"],
                                                   "reply": "See the staff handbook, section 4."})

    assert "doesn't cover" in text_of(no_answer.card) and _quotes(no_answer.card or {}) == []
    assert "passed your question to Mrs Siân Roberts" in text_of(passed_on.card)
    assert "annual leave" in text_of(to_head) and "Replied by" in text_of(replied.card)
    assert "See the staff handbook, section 4." in text_of((await bot.cards_for(CARYS))[-1])
    [record] = bot.store.questions.values()
    assert (record.answered, record.escalated_to_id, record.reply) == (False, SIAN.aad_object_id,
                                                                       "See the staff handbook, section 4.")


@pytest.mark.parametrize("lang", list(Lang))
async def test_the_policy_owner_is_not_offered_to_pass_her_own_question_to_herself(
        answering_bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    """The headteacher, who is the policy owner, asked something the policy does not cover and was offered "Ask the
    headteacher"; pressing it passed her question to herself ("I've passed your question to Mrs Siân Roberts") with a
    reply box. Questions are passed to her, so her card now says it is on her Questions for review, with no button;
    marking an answer not helpful says the same. Everyone else is still offered the button."""
    bot = answering_bot
    await bot.meets(SIAN, CARYS)

    hers = await bot.says(SIAN, "How many days of annual leave do I get?", lang=lang)
    answered = await bot.says(SIAN, "Can I be friends with pupils on Facebook?", lang=lang)
    not_helpful = await bot.clicks(SIAN, "ask.feedback", {**verb_data(answered.card or {}, "ask.feedback"),
                                                          "value": "not_helpful"}, lang=lang)
    carys = await bot.says(CARYS, "How many days of annual leave do I get?", lang=lang)

    for card in (hers.card, not_helpful.card):
        assert "ask.escalate" not in text_of(card)
        assert strings.text("ask.yours_to_review", lang) in text_of(card)
        assert strings.text("ask.not_helpful_head", lang) not in text_of(card)
    assert "ask.escalate" in text_of(carys.card)
    assert strings.text("ask.yours_to_review", lang) not in text_of(carys.card)
    assert await bot.cards_for(SIAN) == []


@pytest.mark.parametrize(("said", "lang"), [
    ("Mrs Roberts keeps sending me horrible emails about my lesson plans, what do I do?", Lang.EN),
    ("My line manager keeps sending me nasty messages at night, what should I do?", Lang.EN),
    ("Mae'r pennaeth yn fy mwlio am fy ngwyliau blynyddol, beth ddylwn i ei wneud?", Lang.CY),
    ("Is Siân allowed to threaten me about my pension?", Lang.EN),
    ("Ydy Mrs Roberts yn cael fy mygwth am fy mhensiwn?", Lang.CY),
    ("Siân won't stop messaging me about my pension, what do I do?", Lang.EN),
    ("the head shouted at me about my pension in front of everyone, is that allowed?", Lang.EN),
    ("Mae'r pennaeth yn gweiddi arna i am fy mhensiwn, beth ddylwn i ei wneud?", Lang.CY),
    ("How do I make a complaint about the head and my pension?", Lang.EN),
    ("Sut dw i'n cwyno am y pennaeth a fy mhensiwn?", Lang.CY),
])
async def test_a_question_about_being_targeted_by_the_person_questions_go_to_is_never_passed_to_them(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Gareth's line manager is the headteacher, to whom questions are passed. Asked as a question, what she does to
    him was answered from the policy; marked not helpful, his card offered "Ask the headteacher", and pressing it sent
    his words, with his name, to her. His card now says why it cannot go to her and offers Report a concern (which
    never goes to anyone it names), and a press of the old button passes nothing on."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(GARETH, SIAN)

    asked = await bot.says(GARETH, said, lang=lang)
    card = asked.card or {}
    if "ask.feedback" in text_of(card):
        card = (await bot.clicks(GARETH, "ask.feedback", {**verb_data(card, "ask.feedback"), "value": "not_helpful"},
                                 lang=lang)).card or {}
    [record] = bot.store.questions.values()
    pressed = await bot.clicks(GARETH, "ask.escalate", {"q": record.question_id}, lang=lang)

    told = strings.text("ask.about_the_owner", lang, name="Mrs Siân Roberts")
    for shown in (card, pressed.card):
        assert "ask.escalate" not in text_of(shown)
        assert told in text_of(shown) and "concern.form" in text_of(shown)
    assert await bot.cards_for(SIAN) == [], "his words reached the person they are about"
    assert bot.store.questions[record.question_id].escalated_at is None


@pytest.mark.parametrize(("said", "lang"), [
    ("Mrs Roberts keeps messaging me about my pension, is that allowed?", Lang.EN),
    ("Mae Mrs Roberts yn dal i anfon negeseuon ataf am fy mhensiwn, ydy hynny'n iawn?", Lang.CY),
])
async def test_an_uncertain_answer_about_the_person_questions_go_to_does_not_offer_to_ask_her(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Gareth's question says the headteacher, who questions are passed to, keeps messaging him. Its uncertain answer
    said "choose Not helpful to ask again or to ask the headteacher", though Not helpful then says it won't go to her:
    the hint now offers what Not helpful does, to ask again or report a concern privately."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(GARETH, SIAN)

    asked = await bot.says(GARETH, said, lang=lang)
    [record] = bot.store.questions.values()
    not_helpful = await bot.clicks(GARETH, "ask.feedback", {"q": record.question_id, "value": "not_helpful"},
                                   lang=lang)

    assert record.tentative, "the question no longer gets an uncertain answer: pick another"
    assert strings.text("ask.tentative_next", lang) not in text_of(asked.card)
    assert strings.text("ask.tentative_next_concern", lang) in text_of(asked.card)
    assert strings.text("ask.about_the_owner", lang, name="Mrs Siân Roberts") in text_of(not_helpful.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_an_uncertain_answer_to_the_policy_owner_does_not_offer_to_ask_herself(
        strings: Catalogue, federation: Federation, lang: Lang) -> None:
    """The headteacher, who questions are passed to, got "choose Not helpful to ask again or to ask the headteacher"
    on an uncertain answer; Not helpful puts it on her Questions for review instead, and now the hint says so."""
    policy = fixture_policy()  # without steering data, as a new version of the policy is read
    in_force = PolicyInForce(policy, PolicyIndex(policy, steering=Steering()))
    bot = open_bot(strings, federation, lambda: in_force)

    uncertain = await bot.says(SIAN, "can my class have a tiktok?", lang=lang)
    [record] = bot.store.questions.values()

    assert record.tentative
    assert strings.text("ask.tentative_next", lang) not in text_of(uncertain.card)
    assert strings.text("ask.tentative_next_owner", lang) in text_of(uncertain.card)


@pytest.mark.parametrize(("said", "lang"), [
    ("My line manager keeps sending me nasty messages at night, what should I do?", Lang.EN),
    ("Mae fy rheolwr llinell yn dal i anfon negeseuon cas ata i gyda'r nos, beth ddylwn i ei wneud?", Lang.CY),
    ("Is Siân allowed to threaten me about my pension?", Lang.EN),
    ("Mrs Roberts keeps messaging me about my pension, is that allowed?", Lang.EN),
])
async def test_a_question_in_a_channel_that_may_be_about_the_person_questions_go_to_says_so_only_privately(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Gareth asks in the staff team's channel, where the headteacher may be reading. Before, the card there (marked
    not helpful, or not covered) said "I won't pass this question on: it would go to Mrs Siân Roberts, and it may be
    about them", with Report a concern: for "my line manager…" the bot itself told the channel whom he meant. Now the
    channel's card names nobody, nor offers to ask her; why, and Report a concern, come to his own chat."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(GARETH, SIAN)

    asked = await bot.says(GARETH, said, lang=lang, scope=Scope.CHANNEL)
    [record] = bot.store.questions.values()
    shown = [asked.card]
    if record.answered:
        shown.append((await bot.clicks(GARETH, "ask.feedback", {"q": record.question_id, "value": "not_helpful"},
                                       lang=lang, scope=Scope.CHANNEL)).card)
    private = await bot.cards_for(GARETH)

    told = strings.text("ask.about_the_owner", lang, name="Mrs Siân Roberts")
    for card in shown:  # (an answer quoting the passage on being pestered offers Report a concern as its next step)
        assert told not in text_of(card) and "ask.escalate" not in text_of(card)
        assert strings.text("ask.tentative_next_concern", lang) not in text_of(card)
    assert told in text_of(private) and "concern.form" in text_of(private)
    assert await bot.cards_for(SIAN) == []


async def test_not_helpful_pressed_twice_on_a_question_about_the_person_questions_go_to_does_not_offer_her(
        answering_bot: BotInMemory, strings: Catalogue) -> None:
    """A second press of Not helpful (a double tap, the card on another device) drew the card again offering "Ask the
    headteacher" for a question that may be about her: now it is drawn as the first press drew it."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(GARETH, SIAN)
    await bot.says(GARETH, "Mrs Roberts keeps sending me horrible emails about my lesson plans, what do I do?")
    [record] = bot.store.questions.values()
    pressed = {"q": record.question_id, "value": "not_helpful"}

    first = await bot.clicks(GARETH, "ask.feedback", pressed)
    again = await bot.clicks(GARETH, "ask.feedback", pressed)

    told = strings.text("ask.about_the_owner", Lang.EN, name="Mrs Siân Roberts")
    for card in (first.card, again.card):
        assert "ask.escalate" not in text_of(card) and told in text_of(card)


async def test_a_question_about_being_targeted_by_someone_else_is_still_passed_to_the_headteacher(
        answering_bot: BotInMemory) -> None:
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, SIAN)

    asked = await bot.says(CARYS, "Is Owain allowed to threaten me about my pension?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))

    assert "Is Owain allowed to threaten me about my pension?" in text_of(await bot.cards_for(SIAN))


async def test_a_reply_is_corrected_as_often_as_its_record_keeps_then_told_so_and_nothing_changes(
        answering_bot: BotInMemory) -> None:
    """Every correction is kept on the question's record, whole: past MAX_CORRECTIONS the box says so, in the
    person's language, keeps what they typed, and nothing is stored or sent."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    no_answer = await bot.says(CARYS, "How many days of annual leave do I get?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"))
    [to_head] = await bot.cards_for(SIAN)
    card = (await bot.clicks(SIAN, "ask.reply", {"q": verb_data(to_head, "ask.reply")["q"], "reply": "Twenty."})).card
    for n in range(MAX_CORRECTIONS):
        opened = await bot.clicks(SIAN, "ask.correct_reply", verb_data(card or {}, "ask.correct_reply"))
        card = (await bot.clicks(SIAN, "ask.reply", {**verb_data(opened.card or {}, "ask.reply"),
                                                     "reply": f"Correction {n + 1}."})).card
    [before] = bot.store.questions.values()
    to_carys = len(await bot.cards_for(CARYS))

    opened = await bot.clicks(SIAN, "ask.correct_reply", verb_data(card or {}, "ask.correct_reply"), lang=Lang.CY)
    refused = await bot.clicks(SIAN, "ask.reply", {**verb_data(opened.card or {}, "ask.reply"),
                                                   "reply": "One more."}, lang=Lang.CY)

    assert [c.reply for c in before.corrections] == [f"Correction {n + 1}." for n in range(MAX_CORRECTIONS)]
    assert f"wedi'i gywiro {MAX_CORRECTIONS} gwaith" in text_of(refused.card) and "One more." in text_of(refused.card)
    assert list(bot.store.questions.values()) == [before]
    assert len(await bot.cards_for(CARYS)) == to_carys


async def test_a_question_about_the_document_gets_the_about_card(answering_bot: BotInMemory) -> None:
    reply = await answering_bot.says(CARYS, "Who actually wrote this policy?")

    shown = text_of(reply.card)
    assert "Daniel Owen" in shown and "does not say" not in shown


@pytest.fixture(scope="module")
def reviewed_in_force(tmp_path_factory: pytest.TempPathFactory) -> PolicyInForce[PolicyIndex]:
    """The 2022 policy as a file that also gives the date it was last reviewed."""
    data = json.loads(FIXTURE_POLICY_FILE.read_text(encoding="utf-8")) | {"last_reviewed": "2024-06-10"}
    path = tmp_path_factory.mktemp("reviewed") / "policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    policy = load_policy(path)
    return PolicyInForce(policy, PolicyIndex(policy))


@pytest.mark.parametrize(("question", "lang", "shown"), [
    ("When was the policy last reviewed?", Lang.EN, "Last reviewed"),
    ("when was it last updated?", Lang.EN, "Last reviewed"),
    ("Pryd cafodd y polisi ei adolygu ddiwethaf?", Lang.CY, "Adolygwyd ddiwethaf")])
async def test_asking_when_the_policy_was_last_reviewed_gets_the_date_the_document_gives(
        strings: Catalogue, federation: Federation, reviewed_in_force: PolicyInForce[PolicyIndex], question: str,
        lang: Lang, shown: str) -> None:
    """The About card showed "Last reviewed: 10.06.2024", yet the question got "The policy doesn't cover that" (in
    Welsh, the next review)."""
    bot = open_bot(strings, federation, lambda: reviewed_in_force)

    reply = await bot.says(CARYS, question)

    reviewed = reviewed_in_force.policy.details.reviewed()
    assert reviewed is not None and reviewed.text(lang.value) in text_of(reply.card)
    assert shown in text_of(reply.card) and "does not say" not in text_of(reply.card)
    assert bot.store.questions == {}


@pytest.mark.parametrize(("question", "said"), [
    ("When was the policy last reviewed?", "does not say when it was last reviewed. Its date of issue is 12.10.2022."),
    ("Pryd cafodd y polisi ei adolygu ddiwethaf?",
     "pryd y cafodd ei hadolygu ddiwethaf. Dyddiad ei chyhoeddi yw 12 Hydref 2022.")])
async def test_asking_when_a_policy_that_gives_no_last_review_was_last_reviewed_says_so_and_gives_its_date_of_issue(
        answering_bot: BotInMemory, question: str, said: str) -> None:
    """The 2022 policy gives its date of issue and next review, not a last review."""
    reply = await answering_bot.says(CARYS, question)

    assert said in text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("typed", "lang"), [
    ("When was the policy last reviewed?", Lang.EN), ("Pryd cafodd y polisi ei adolygu ddiwethaf?", Lang.CY),
    ("about the policy", Lang.EN), ("am y polisi", Lang.CY),
    ("Can I be friends with pupils on Facebook?", Lang.EN), ("Can I park in the staff car park at weekends?", Lang.EN),
    ("photos", Lang.EN), ("lluniau", Lang.CY)])
async def test_every_kind_of_answer_to_words_sent_with_a_picture_says_the_picture_was_not_looked_at(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, lang: Lang) -> None:
    """A quoted answer and a "not covered" said so; the About card (a question about the document itself) did not, so
    she could think the bot had read the screenshot she sent with it."""
    turn = Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, text=typed, picture=True)

    reply = await answering_bot.router.route(turn)

    shown_in = Lang.CY if lang is Lang.CY else Lang.EN
    assert json.dumps(strings.text("ask.picture_unread", shown_in), ensure_ascii=False) in text_of(reply.card)
    without = await answering_bot.router.route(replace(turn, picture=False))
    assert strings.text("ask.picture_unread", shown_in)[:40] not in text_of(without.card)


async def test_an_uncertain_answer_says_it_is_the_nearest_the_policy_comes(strings: Catalogue,
                                                                           federation: Federation) -> None:
    policy = fixture_policy()  # without steering data, as a new version of the policy is read
    in_force = PolicyInForce(policy, PolicyIndex(policy, steering=Steering()))
    bot = open_bot(strings, federation, lambda: in_force)

    uncertain = await bot.says(CARYS, "can my class have a tiktok?")
    [record] = bot.store.questions.values()
    rated = await bot.clicks(CARYS, "ask.feedback", {"q": record.question_id, "value": "helpful"})
    welsh = await bot.says(CARYS, "ga i roi fy nosbarth ar youtube?", lang=Lang.CY)
    sure = await bot.says(CARYS, "Can I be friends with pupils on Facebook?")

    assert _quotes(uncertain.card or {}) and record.tentative
    assert "may not answer your question exactly" in text_of(uncertain.card)
    assert "choose **Not helpful** to ask again or to ask the headteacher" in text_of(uncertain.card)
    # Once rated, the card still says so, without the way on it no longer offers.
    assert "may not answer your question exactly" in text_of(rated.card) and "choose" not in text_of(rated.card)
    assert "efallai nad yw'n ateb eich cwestiwn yn union" in text_of(welsh.card)
    assert _quotes(sure.card or {}) and "may not answer" not in text_of(sure.card)


async def test_a_message_that_shows_nothing_is_not_taken_for_a_question(answering_bot: BotInMemory) -> None:
    reply = await answering_bot.says(CARYS, "\u200b\u2060\ufeff")

    assert answering_bot.store.questions == {}
    assert "ask.escalate" not in text_of(reply.card)


async def test_a_headteachers_reply_that_shows_nothing_is_asked_for_again_and_not_sent(
        answering_bot: BotInMemory) -> None:
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    no_answer = await bot.says(CARYS, "How many days of annual leave do I get?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"))
    [to_head] = await bot.cards_for(SIAN)
    told_before = await bot.cards_for(CARYS)

    answer = await bot.clicks(SIAN, "ask.reply", {"q": verb_data(to_head, "ask.reply")["q"], "reply": "\u200b\u200b"})

    assert "Please write a reply before sending." in text_of(answer.card)
    [record] = bot.store.questions.values()
    assert record.reply == "" and await bot.cards_for(CARYS) == told_before


async def _outbox_refused(*args: object) -> NoReturn:
    raise StorageUnavailable("injected: storage refused the write")


async def test_questions_that_could_not_be_passed_on_do_not_use_up_the_days_questions(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    no_answer = await bot.says(CARYS, "How many days of annual leave do I get?")
    pass_on = verb_data(no_answer.card or {}, "ask.escalate")
    with monkeypatch.context() as storage:
        storage.setattr(MemoryOutbox, "enqueue", _outbox_refused)
        for _ in range(10):  # as many as the day allows; each is told nothing changed
            with pytest.raises(StorageUnavailable):
                await bot.clicks(CARYS, "ask.escalate", pass_on)

    passed_on = await bot.clicks(CARYS, "ask.escalate", pass_on)

    assert "passed your question to Mrs Siân Roberts" in text_of(passed_on.card)
    assert "annual leave" in text_of(await bot.cards_for(SIAN))


def _sections_offered(card: Mapping[str, Any]) -> list[str]:
    """The sections a card offers to open, as rows to tap."""
    return re.findall(r'"verb": "policy.section", "data": \{"section": "([^"]+)"', text_of(card))


async def _days_questions_used_up(bot: BotInMemory) -> None:
    """Carys passes the headteacher as many questions as a day allows (10 in these flows)."""
    await bot.meets(CARYS, SIAN)
    for number in range(10):
        no_answer = await bot.says(CARYS, f"How many days of annual leave do I get in year {number + 1}?")
        await bot.clicks(CARYS, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"))


@pytest.mark.parametrize(("asked", "teams_in", "limited", "not_covered"), [
    ("Can I be friends with pupils on Facebook?", Lang.EN, "as many questions to the headteacher",
     "The policy doesn't cover that"),
    ("Ga i fod yn ffrindiau gyda disgyblion ar Facebook?", Lang.EN, "cymaint o gwestiynau at y pennaeth",
     "Dydy'r polisi ddim yn sôn am hynny"),
])
async def test_an_answer_passed_on_over_the_days_limit_keeps_its_quote_and_never_says_the_policy_does_not_cover_it(
        answering_bot: BotInMemory, asked: str, teams_in: Lang, limited: str, not_covered: str) -> None:
    """Not the answer card replaced by "The policy doesn't cover that — I couldn't find anything in the policy that
    answers your question", with the policy's words gone from the chat."""
    bot = answering_bot
    await _days_questions_used_up(bot)
    answer = await bot.says(CARYS, asked, lang=teams_in)
    rated = await bot.clicks(CARYS, "ask.feedback", {**verb_data(answer.card or {}, "ask.feedback"),
                                                     "value": "not_helpful"}, lang=teams_in)

    refused = await bot.clicks(CARYS, "ask.escalate", verb_data(rated.card or {}, "ask.escalate"), lang=teams_in)

    assert _quotes(refused.card or {}) == _quotes(answer.card or {}) != []
    assert limited in text_of(refused.card) and not_covered not in text_of(refused.card)
    assert verb_data(refused.card or {}, "ask.escalate")  # to try again tomorrow
    assert "friends" not in text_of(await bot.cards_for(SIAN))


async def test_a_question_not_covered_passed_on_over_the_days_limit_keeps_the_closest_parts_of_the_policy(
        answering_bot: BotInMemory) -> None:
    bot = answering_bot
    await _days_questions_used_up(bot)
    no_answer = await bot.says(CARYS, "Can I wear my school lanyard in my profile picture on a dating app?")

    refused = await bot.clicks(CARYS, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"))

    closest = _sections_offered(no_answer.card or {})
    assert closest and _sections_offered(refused.card or {}) == closest
    assert "as many questions to the headteacher" in text_of(refused.card)


@pytest.mark.parametrize(("asked", "first", "then", "told"), [
    ("Can I be friends with pupils on Facebook?", "helpful", "helpful", "You've already rated this answer"),
    ("Can I be friends with pupils on Facebook?", "not_helpful", "helpful", "You've already rated this answer"),
    ("Ga i fod yn ffrindiau gyda disgyblion ar Facebook?", "helpful", "not_helpful", "Rydych chi eisoes wedi rhoi"),
])
async def test_a_rating_pressed_again_keeps_the_answer_on_the_card_as_rated(
        answering_bot: BotInMemory, strings: Catalogue, asked: str, first: str, then: str, told: str) -> None:
    """A double tap, or a copy of the card on another device: not the policy's words replaced by "Sorry — You've
    already rated this answer"."""
    bot = answering_bot
    answer = await bot.says(CARYS, asked)
    rating = verb_data(answer.card or {}, "ask.feedback")
    rated = await bot.clicks(CARYS, "ask.feedback", {**rating, "value": first})

    again = await bot.clicks(CARYS, "ask.feedback", {**rating, "value": then})

    assert _quotes(again.card or {}) == _quotes(answer.card or {}) != []
    assert told in text_of(again.card) and again.card and again.card["body"][0] == (answer.card or {})["body"][0]
    assert {a.get("verb") for a in actions(again.card or {})} == {a.get("verb") for a in actions(rated.card or {})}
    [record] = bot.store.questions.values()
    assert record.feedback is Feedback(first)


@pytest.mark.parametrize(("asked", "covered"), [
    ("Can I be friends with pupils on Facebook?", True),
    ("How many days of annual leave do I get?", False),
    ("Faint o ddyddiau o wyliau blynyddol ydw i'n eu cael?", False),
])
async def test_ask_the_headteacher_pressed_again_keeps_the_card_and_says_when_it_was_passed_on(
        answering_bot: BotInMemory, asked: str, covered: bool) -> None:
    """Not the answer, or the question and its closest sections, replaced by a card of one line."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    answer = await bot.says(CARYS, asked)
    if covered:
        answer = await bot.clicks(CARYS, "ask.feedback", {**verb_data(answer.card or {}, "ask.feedback"),
                                                          "value": "not_helpful"})
    pass_on = verb_data(answer.card or {}, "ask.escalate")
    passed_on = await bot.clicks(CARYS, "ask.escalate", pass_on)

    again = await bot.clicks(CARYS, "ask.escalate", pass_on)

    welsh = asked.startswith("Faint")
    assert (("Rydych chi eisoes wedi anfon y cwestiwn hwn ymlaen" if welsh else
             "You already passed this question to Mrs Siân Roberts on ") in text_of(again.card))
    assert _quotes(again.card or {}) == _quotes(passed_on.card or {})
    assert again.card and again.card["body"][0] == (passed_on.card or {})["body"][0]
    if not covered:
        assert asked in text_of(again.card)
    assert len(await bot.cards_for(SIAN)) == 1


async def _posted_to(bot: BotInMemory, person: Person) -> list[OutboundMessage]:
    """The messages owed to a person that post a card (not those that only edit one already there)."""
    return [m for m in await MemoryOutbox(bot.store).list_for_recipient(person) if not m.update_only]


@pytest.mark.parametrize("asked", ["How many days of annual leave do I get?",
                                   "Faint o ddyddiau o wyliau blynyddol ydw i'n eu cael?"])
async def test_ask_the_headteacher_pressed_again_after_her_reply_says_she_replied(
        answering_bot: BotInMemory, asked: str) -> None:
    """Not "their reply will arrive here" when it came already."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    no_answer = await bot.says(CARYS, asked)
    pass_on = verb_data(no_answer.card or {}, "ask.escalate")
    await bot.clicks(CARYS, "ask.escalate", pass_on)
    [to_head] = await bot.cards_for(SIAN)
    await bot.clicks(SIAN, "ask.reply", {"q": verb_data(to_head, "ask.reply")["q"], "reply": "See the handbook."})

    again = text_of((await bot.clicks(CARYS, "ask.escalate", pass_on)).card)

    welsh = asked.startswith("Faint")
    assert ("mae Mrs Siân Roberts wedi'i ateb" if welsh else "and they replied on") in again
    assert ("Bydd yr ateb yn cyrraedd" if welsh else "will arrive") not in again
    assert len(await _posted_to(bot, SIAN)) == 1


async def test_replies_that_could_not_be_sent_do_not_use_up_the_days_replies(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    no_answer = await bot.says(CARYS, "How many days of annual leave do I get?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"))
    [to_head] = await bot.cards_for(SIAN)
    reply = {"q": verb_data(to_head, "ask.reply")["q"], "reply": "See the staff handbook, section 4."}
    with monkeypatch.context() as storage:
        storage.setattr(MemoryOutbox, "enqueue", _outbox_refused)
        for _ in range(50):  # as many as the day allows
            with pytest.raises(StorageUnavailable):
                await bot.clicks(SIAN, "ask.reply", reply)

    replied = await bot.clicks(SIAN, "ask.reply", reply)

    assert "Replied by" in text_of(replied.card)
    assert "See the staff handbook, section 4." in text_of(await bot.cards_for(CARYS))


def _outbox_write_times_out(fault: pytest.MonkeyPatch, about: str, *, landed: bool = True, sender_takes: bool = False,
                             take_back_fails: bool = False) -> None:
    """The outbox write of the message whose id ends with `about` times out: with `landed`, it was made all the same
    (with `sender_takes`, a delivery pass has already taken it); with `take_back_fails`, taking it back fails too."""
    real = MemoryOutbox.enqueue

    async def enqueue(outbox: MemoryOutbox, messages: Sequence[OutboundMessage]) -> list[OutboundMessage]:
        if not any(m.message_id.endswith(about) for m in messages):
            return await real(outbox, messages)
        if landed:
            await real(outbox, messages)
        if sender_takes:
            for message in messages:
                for queued in await outbox.list_for_recipient(message.recipient):
                    await outbox.claim(queued, datetime.now(UTC))
        raise StorageUnavailable("injected: the write timed out")

    fault.setattr(MemoryOutbox, "enqueue", enqueue)
    if take_back_fails:
        fault.setattr(MemoryOutbox, "take_back", _outbox_refused)


async def _not_covered(bot: BotInMemory) -> dict[str, Any]:
    """Carys's question the policy does not cover: the data of its "Ask the headteacher" button."""
    await bot.meets(CARYS, SIAN)
    no_answer = await bot.says(CARYS, "How many days of annual leave do I get?")
    return verb_data(no_answer.card or {}, "ask.escalate")


async def _head_reply(bot: BotInMemory) -> dict[str, Any]:
    """Carys's question passed to Siân: the data of Siân's Send reply, with her reply typed."""
    await bot.clicks(CARYS, "ask.escalate", await _not_covered(bot))
    [to_head] = await bot.cards_for(SIAN)
    return {"q": verb_data(to_head, "ask.reply")["q"], "reply": "See the staff handbook, section 4."}


async def test_a_pass_on_undone_by_a_storage_fault_never_reaches_the_headteacher_and_can_be_pressed_again(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The write of Siân's card timed out but landed: Carys was told nothing was changed and the question put back,
    yet Siân was sent it, and her reply then met "I can't find that record"."""
    bot = answering_bot
    pass_on = await _not_covered(bot)
    with monkeypatch.context() as fault:
        _outbox_write_times_out(fault, "|to-owner")
        with pytest.raises(StorageUnavailable):  # the edge tells her nothing was changed
            await bot.clicks(CARYS, "ask.escalate", pass_on)
    to_sian = await bot.cards_for(SIAN)
    [undone] = bot.store.questions.values()

    again = await bot.clicks(CARYS, "ask.escalate", pass_on)

    assert to_sian == [] and undone.escalated_at is None
    assert "passed your question to Mrs Siân Roberts" in text_of(again.card)
    assert len([c for c in await bot.cards_for(SIAN) if "annual leave" in text_of(c)]) == 1


async def test_a_reply_undone_by_a_storage_fault_never_reaches_the_asker_and_can_be_sent_again(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    bot = answering_bot
    reply = await _head_reply(bot)
    with monkeypatch.context() as fault:
        _outbox_write_times_out(fault, "|reply")
        with pytest.raises(StorageUnavailable):  # the edge tells her nothing was changed
            await bot.clicks(SIAN, "ask.reply", reply)
    to_carys = await bot.cards_for(CARYS)
    [undone] = bot.store.questions.values()

    again = await bot.clicks(SIAN, "ask.reply", reply)

    assert to_carys == [] and undone.reply == ""
    assert "Replied by" in text_of(again.card)
    assert len([c for c in await bot.cards_for(CARYS) if "See the staff handbook" in text_of(c)]) == 1


async def test_a_pass_on_whose_card_is_already_on_its_way_stands_and_the_asker_is_told_it_was_passed_on(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A delivery pass took Siân's card before the fault was known: it can't be taken back, so the question is passed
    on, Carys is told so, and Siân's reply reaches her."""
    bot = answering_bot
    pass_on = await _not_covered(bot)
    with monkeypatch.context() as fault:
        _outbox_write_times_out(fault, "|to-owner", sender_takes=True)
        told = await bot.clicks(CARYS, "ask.escalate", pass_on)
    [to_head] = await bot.cards_for(SIAN)
    replied = await bot.clicks(SIAN, "ask.reply", {"q": verb_data(to_head, "ask.reply")["q"], "reply": "Ask HR."})

    assert "passed your question to Mrs Siân Roberts" in text_of(told.card)
    assert "Replied by" in text_of(replied.card) and "Ask HR." in text_of(await bot.cards_for(CARYS))


async def test_a_reply_already_on_its_way_to_the_asker_stands_and_the_headteacher_is_told_it_was_sent(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    bot = answering_bot
    reply = await _head_reply(bot)
    with monkeypatch.context() as fault:
        _outbox_write_times_out(fault, "|reply", sender_takes=True)
        told = await bot.clicks(SIAN, "ask.reply", reply)

    assert "Replied by" in text_of(told.card)
    [record] = bot.store.questions.values()
    assert record.reply == "See the staff handbook, section 4."


@pytest.mark.parametrize("landed", [True, False])
async def test_a_pass_on_storage_cannot_confirm_nor_take_back_is_never_called_undone_and_reaches_the_head_once(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch, landed: bool) -> None:
    """Storage times out writing Siân's card and again taking it back: the bot can't tell whether she will get it, so
    Carys is told so, and that pressing again never does it twice; pressing again makes sure Siân has it, once."""
    bot = answering_bot
    pass_on = await _not_covered(bot)
    with monkeypatch.context() as fault:
        _outbox_write_times_out(fault, "|to-owner", landed=landed, take_back_fails=True)
        told = await bot.clicks(CARYS, "ask.escalate", pass_on)

    again = await bot.clicks(CARYS, "ask.escalate", pass_on)

    assert told.new_message and "can't tell whether that was saved" in text_of(told.card)
    assert "You already passed this question to Mrs Siân Roberts" in text_of(again.card)
    assert len([c for c in await bot.cards_for(SIAN) if "annual leave" in text_of(c)]) == 1


@pytest.mark.parametrize("landed", [True, False])
async def test_a_reply_storage_cannot_confirm_nor_take_back_is_never_called_unsent_and_reaches_the_asker_once(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch, landed: bool) -> None:
    bot = answering_bot
    reply = await _head_reply(bot)
    with monkeypatch.context() as fault:
        _outbox_write_times_out(fault, "|reply", landed=landed, take_back_fails=True)
        told = await bot.clicks(SIAN, "ask.reply", reply)

    again = await bot.clicks(SIAN, "ask.reply", reply)

    assert told.new_message and "can't tell whether that was saved" in text_of(told.card)
    assert "already replied" in text_of(again.card)
    assert len([c for c in await bot.cards_for(CARYS) if "See the staff handbook" in text_of(c)]) == 1


PENDING = {Lang.EN: {"pending requests"}, Lang.CY: {"ceisiadau sy'n aros"}}
HEADS_COMMANDS = {Lang.EN: {"pending requests", "questions for review", "who has read it"},
                  Lang.CY: {"ceisiadau sy'n aros", "cwestiynau i'w hadolygu", "pwy sydd wedi darllen"}}
ONLY_FOR_HEADS = ("perm.only_heads", "ask.review_only_owner", "reads.only_heads")


@pytest.mark.parametrize(("person", "heads_commands"), [(CARYS, {Lang.EN: set(), Lang.CY: set()}),
                                                        (SIAN, HEADS_COMMANDS), (FFION, PENDING)],
                         ids=["staff", "headteacher", "named delegate"])
async def test_the_help_card_names_only_the_commands_the_person_can_use_and_each_does_what_it_says(
        answering_bot: BotInMemory, strings: Catalogue, person: Person, heads_commands: dict[Lang, set[str]]) -> None:
    """Carys (staff) is not offered the head's lists; Siân (head and policy owner) is; Ffion (the head's named
    delegate, who stands in on permission requests only) is offered the pending requests; none gets a question."""
    for lang in Lang:
        help_card = (await answering_bot.says(person, "help", lang=lang)).card
        commands = re.findall(r"\*\*([^*]+)\*\*", text_of(help_card))
        assert len(commands) >= 9
        assert set(commands) & HEADS_COMMANDS[lang] == heads_commands[lang]
        for command in commands:
            reply = await answering_bot.says(person, command, lang=lang)
            verbs = {a.get("verb") for a in actions(reply.card or {})}
            assert not verbs & {"ask.feedback", "ask.escalate"}, (lang, command)
            assert not any(strings.text(key, lang) in text_of(reply.card) for key in ONLY_FOR_HEADS), (lang, command)
    assert answering_bot.store.questions == {}

@pytest.mark.parametrize("person", [CARYS, GARETH, SIAN], ids=["staff", "line manager", "headteacher"])
async def test_the_help_card_tells_line_managers_heads_and_the_chair_how_to_see_the_reports_they_hold(
        answering_bot: BotInMemory, strings: Catalogue, person: Person) -> None:
    """"Reports for me" was only on a holder's report cards. Whether someone holds reports the help card cannot tell
    without reading them (Graph may name a line manager the staff list does not), so it tells everyone, saying whom it
    is for; what it says to type opens the reports they hold, in the card's language."""
    for lang in Lang:
        help_card = (await answering_bot.says(person, "help", lang=lang)).card
        [line] = [block["text"] for block in (help_card or {})["body"]
                  if strings.text("help.holders", lang).split("**")[0] in block.get("text", "")]
        [command] = re.findall(r"\*\*([^*]+)\*\*", line)
        assert {Lang.EN: "Line managers", Lang.CY: "Rheolwyr llinell"}[lang] in line
        # Which reports, in the glossary's words: the help card is everyone's, and "adroddiad" alone is any report.
        assert {Lang.EN: "concern reports", Lang.CY: "adroddiadau am bryderon"}[lang] in line

        reply = await answering_bot.says(person, command, lang=lang)

        assert strings.text("concern.held_title", lang) in text_of(reply.card), (lang, command)


@pytest.mark.parametrize(("person", "offered"), [(CARYS, set()), (SIAN, {"permission.pending", "ask.review"}),
                                                 (FFION, {"permission.pending"})],
                         ids=["staff", "headteacher", "named delegate"])
async def test_the_welcome_card_offers_only_the_lists_the_person_can_open(
        answering_bot: BotInMemory, person: Person, offered: set[str]) -> None:
    welcome = (await answering_bot.says(person, "hi")).card

    assert {a.get("verb") for a in actions(welcome or {})} & {"permission.pending", "ask.review"} == offered


@pytest.mark.parametrize(("person", "offered"), [(CARYS, set()), (SIAN, {"permission.pending", "ask.review"}),
                                                 (FFION, {"permission.pending"})],
                         ids=["staff", "headteacher", "named delegate"])
async def test_the_help_card_has_a_button_for_each_list_the_person_can_open(
        answering_bot: BotInMemory, strings: Catalogue, person: Person, offered: set[str]) -> None:
    """Siân on her phone typed "help": the card listed "pending requests" and "questions for review" as words to type,
    and its buttons were everyone's (the form, a concern, the policy, Welsh); only the welcome card had her lists'
    buttons. Each list the person can open is now a button on the help card too, and opens it."""
    for lang in Lang:
        help_card = (await answering_bot.says(person, "help", lang=lang)).card or {}
        buttons = {a.get("verb"): a for a in actions(help_card)}

        assert set(buttons) & {"permission.pending", "ask.review"} == offered
        for verb in offered:
            opened = await answering_bot.clicks(person, verb, buttons[verb].get("data", {}), lang=lang)
            title = {"permission.pending": "perm.pending_title", "ask.review": "ask.review_title"}[verb]
            assert strings.text(title, lang) in text_of(opened.card) and opened.new_message


async def test_the_heads_named_delegate_is_not_shown_the_questions_colleagues_asked(
        answering_bot: BotInMemory, strings: Catalogue) -> None:
    """A delegate stands in on permission requests only; a colleague's question may name her."""
    bot = answering_bot
    await bot.says(CARYS, "How many days of annual leave do I get?")

    typed = await bot.says(FFION, "questions for review")
    clicked = await bot.clicks(FFION, "ask.review", {})
    owners = await bot.says(SIAN, "questions for review")

    for refused in (typed, clicked):
        assert strings.text("ask.review_only_owner", Lang.EN) in text_of(refused.card)
        assert "annual leave" not in text_of(refused.card)
    assert "annual leave" in text_of(owners.card)


async def test_a_burst_of_off_topic_questions_does_not_hide_a_question_waiting_for_a_reply(
        answering_bot: BotInMemory) -> None:
    """Owain fires thirty questions the policy doesn't cover: Siân's review list still shows Carys's question, passed
    to her and waiting for her reply, first, and Gareth's, and says how many it leaves out."""
    bot = answering_bot
    await bot.meets(CARYS, OWAIN, GARETH, SIAN)
    asked = await bot.says(CARYS, "How many days of annual leave do I get?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))
    await bot.says(GARETH, "Can I claim mileage for the trip to Aberystwyth?")
    for n in range(30):
        await bot.says(OWAIN, f"Where do I park my car at the high school? {n}")

    review = await bot.says(SIAN, "questions for review")
    welsh = await bot.says(SIAN, "questions for review", lang=Lang.CY)

    items = [text_of(item) for item in (review.card or {})["body"] if item.get("type") == "Container"]
    assert "annual leave" in items[0] and "Waiting for a reply" in items[0] and "ask.question" in items[0]
    assert any("mileage" in item for item in items)
    assert len(items) == 25 and sum("park my car" in item for item in items) == 23
    assert "More questions for review, not shown here: 7." in text_of(review.card)
    assert "Rhagor o gwestiynau i'w hadolygu, heb eu dangos yma: 7." in text_of(welsh.card)
    assert "Yn aros am ateb" in text_of(welsh.card)


async def test_the_review_list_the_head_replied_from_stops_saying_waiting_when_teams_shows_it_again(
        answering_bot: BotInMemory) -> None:
    """Siân replied to Carys's question from "Questions for review": scrolling back up, the list still said "Waiting
    for a reply" with a live Reply, and no entry said which questions she had already answered."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    asked = await bot.says(CARYS, "How many days of annual leave do I get?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))
    listed = (await bot.says(SIAN, "questions for review")).card or {}
    opened = await bot.clicks(SIAN, "ask.question", verb_data(listed, "ask.question"))
    await bot.clicks(SIAN, "ask.reply", verb_data(opened.card or {}, "ask.reply") | {"reply": "Ask the office."})

    refresh = listed["refresh"]["action"]  # Teams asks for the list again whenever it is shown
    redrawn = await bot.clicks(SIAN, refresh["verb"], refresh.get("data", {}))
    welsh = await bot.clicks(SIAN, refresh["verb"], refresh.get("data", {}), lang=Lang.CY)

    assert "annual leave" in text_of(redrawn.card)
    assert "Waiting for a reply" not in text_of(redrawn.card) and "ask.question" not in text_of(redrawn.card)
    assert f"Replied by {SIAN.name}" in text_of(redrawn.card)
    assert f"{SIAN.name} a atebodd" in text_of(welsh.card) and "Yn aros am ateb" not in text_of(welsh.card)


async def test_one_persons_many_questions_leave_room_for_everyone_elses(answering_bot: BotInMemory) -> None:
    """Carys and Gareth asked twenty-five questions between them, then Owain thirty: the list takes turns between the
    people who asked, so his cannot push theirs off, and says how many more each of them asked."""
    bot = answering_bot
    for n in range(25):
        await bot.says(CARYS if n % 2 else GARETH, f"Is there a staff choir this term? {n}")
    for n in range(30):
        await bot.says(OWAIN, f"Where do I park my car at the high school? {n}")

    review = text_of((await bot.says(SIAN, "questions for review")).card)

    assert review.count("park my car") == 9 and review.count("staff choir") == 16
    assert "The same person asked 21 more, not shown here." in review
    assert "More questions for review, not shown here: 30." in review


def _questions_on(card: Mapping[str, Any] | None) -> list[str]:
    """The questions a review list card shows, in order (each entry's words, below its line of when and what)."""
    return [str(item["items"][1]["inlines"][0]["text"]) for item in (card or {}).get("body", [])
            if item.get("type") == "Container"]


def _review_show_more(card: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return next((dict(a.get("data", {})) for a in actions(dict(card or {})) if a.get("verb") == "ask.review"
                 and a is not (card or {}).get("refresh", {}).get("action")), None)


@pytest.mark.parametrize("lang", list(Lang))
async def test_show_more_on_the_review_list_reaches_every_question_once(answering_bot: BotInMemory,
                                                                         lang: Lang) -> None:
    """Fifty-five questions wait for review: the list showed 25 and said how many more, with no way to reach them.
    Now Show more opens the next ones, going on after the last one shown, until each has been shown once; the first
    card is as it was."""
    bot = answering_bot
    asked = [f"Is there a staff choir this term? {n}" for n in range(25)]
    for n, question in enumerate(asked):
        await bot.says(CARYS if n % 2 else GARETH, question)
    asked += [f"Where do I park my car at the high school? {n}" for n in range(30)]
    for question in asked[25:]:
        await bot.says(OWAIN, question)

    pages = [(await bot.says(SIAN, "questions for review", lang=lang)).card]
    while (data := _review_show_more(pages[-1])) is not None and len(pages) < 10:
        pages.append((await bot.clicks(SIAN, "ask.review", data, lang=lang)).card)

    shown = [_questions_on(page) for page in pages]
    assert sorted(q for page in shown for q in page) == sorted(asked)  # each once, none out of reach
    assert len(shown[0]) == 25 and shown[0].count("Where do I park my car at the high school? 29") == 1
    more_title = {Lang.EN: "Show more", Lang.CY: "Dangos rhagor"}[lang]
    assert len(pages) > 1 and all(more_title in text_of(page) for page in pages[:-1])
    assert more_title not in text_of(pages[-1])


async def test_a_review_show_more_past_the_end_of_a_shorter_list_says_so_and_shows_it_from_the_top(
        answering_bot: BotInMemory) -> None:
    """A Show more sent before it named the questions the cards before it showed (`earlier`), whose last question is
    no longer for review, goes on by place; past the end of the list as it is now, it says so and shows the list from
    the top (never an empty card)."""
    bot = answering_bot
    for n in range(30):
        await bot.says(OWAIN, f"Where do I park my car at the high school? {n}")
    first = (await bot.says(SIAN, "questions for review")).card
    data = {key: value for key, value in (_review_show_more(first) or {}).items() if key != "earlier"}

    by_place = await bot.clicks(SIAN, "ask.review", {**data, "after": "Q-gone"})
    past_the_end = await bot.clicks(SIAN, "ask.review", {**data, "after": "Q-gone", "start": "40"})

    assert _questions_on(by_place.card) == _questions_on((await bot.clicks(SIAN, "ask.review", data)).card)
    assert len(_questions_on(by_place.card)) == 5
    shorter = "Nothing more to show: this list is shorter now than when that card was sent."
    assert shorter in text_of(past_the_end.card) and _questions_on(past_the_end.card) == _questions_on(first)
    assert shorter not in text_of(by_place.card)


BACKING_OUT = [("cancel", Lang.EN), ("Never mind", Lang.EN), ("I've changed my mind", Lang.EN),
               ("Forget it.", Lang.EN), ("ok, never mind then", Lang.EN), ("No thanks", Lang.EN),
               ("I’ve changed my mind, sorry", Lang.EN), ("canslo", Lang.CY), ("Dim ots", Lang.CY),
               ("anghofia fo", Lang.CY), ("Anghofia fe!", Lang.CY), ("dim diolch", Lang.CY),
               ("Dw i wedi newid fy meddwl", Lang.CY), ("O, dim ots", Lang.CY), ("Na diolch", Lang.CY),
               ("Dim rŵan, diolch", Lang.CY), ("Paid â becso", Lang.CY), ("Dwi 'di newid fy meddwl", Lang.CY),
               ("Sdim ots", Lang.CY), ("Anghofia fo 'ta", Lang.CY), ("Canslwch e, diolch yn fawr", Lang.CY),
               ("Stopiwch", Lang.CY), ("Gadewch e fod", Lang.CY), ("Canslwch o", Lang.CY)]


@pytest.mark.parametrize(("said", "lang"), BACKING_OUT)
async def test_backing_out_of_a_form_by_typing_is_told_nothing_was_sent_and_never_logged_as_a_question(
        answering_bot: BotInMemory, said: str, lang: Lang) -> None:
    """Someone who opened the concern form and thinks better of it is not quoted "Abuse of the guidance" at."""
    await answering_bot.says(CARYS, "report a concern", lang=lang)

    reply = await answering_bot.says(CARYS, said, lang=lang)

    shown = text_of(reply.card)
    assert ("I haven't sent anything new" if lang is Lang.EN else "dw i ddim wedi anfon dim byd newydd") in shown
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("said", "teams_in", "told"), [
    ("ok", Lang.EN, "All right."), ("Okay.", Lang.EN, "All right."), ("OK then", Lang.EN, "All right."),
    ("got it", Lang.EN, "All right."), ("ok", Lang.CY, "Iawn."), ("grand", Lang.CY, "Iawn."),
    ("iawn", Lang.EN, "Iawn."), ("O'r gorau", Lang.EN, "Iawn."), ("Iawn, diolch", Lang.EN, "Croeso."),
    ("👍", Lang.EN, "All right."), ("🙂🙂", Lang.CY, "Iawn."),
])
async def test_a_lone_ok_gets_a_short_friendly_word_never_an_offer_to_ask_the_headteacher(
        answering_bot: BotInMemory, said: str, teams_in: Lang, told: str) -> None:
    """Not "The policy doesn't cover that" with an offer to pass "ok" to the headteacher."""
    reply = await answering_bot.says(CARYS, said, lang=teams_in)

    assert told in text_of(reply.card)
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == {}


async def test_two_questions_in_one_message_are_each_answered_and_each_kept(answering_bot: BotInMemory) -> None:
    """Not one card for the first question, the second never answered."""
    reply = await answering_bot.says(CARYS, "Can I accept a friend request from a pupil? And can I post photos of the "
                                            "school trip on my own Instagram?")

    first, *more = [reply.card, *reply.more]
    assert len(more) == 1
    assert any("friends" in quote for quote in _quotes(first or {}))
    assert any("photographs" in quote for quote in _quotes(more[0]))
    assert sorted(record.text for record in answering_bot.store.questions.values()) == [
        "And can I post photos of the school trip on my own Instagram?", "Can I accept a friend request from a pupil?"]


@pytest.mark.parametrize(("typed", "asked"), [
    ("can i friend parents on facebook? can i friend parents on facebook?", "can i friend parents on facebook?"),
    ("Can I post photos of pupils?\nCan I post photos of pupils?", "Can I post photos of pupils?"),
    ("CAN I FRIEND PARENTS ON FACEBOOK?? can i friend parents on facebook??", "CAN I FRIEND PARENTS ON FACEBOOK??"),
    ("can i friend parents on facebook can i friend parents on facebook", "can i friend parents on facebook"),
])
async def test_a_question_pasted_twice_is_answered_and_kept_once(answering_bot: BotInMemory, typed: str,
                                                                 asked: str) -> None:
    """On a phone, Carys pasted her question twice: she got two "The policy doesn't cover that" cards, each offering to
    pass it to the headteacher, and it was kept twice for the review list (a covered one got its answer, then "The
    answer above also answers your question" with the same words)."""
    reply = await answering_bot.says(CARYS, typed)

    assert reply.more == []
    assert [record.text for record in answering_bot.store.questions.values()] == [asked]


async def test_each_answer_to_a_message_of_several_questions_says_which_question_it_answers_after_rating_too(
        answering_bot: BotInMemory) -> None:
    """Three cards in a row, each quoting the policy, and nothing on them said which of the three questions each
    answered ("must not attack, abuse or discuss colleagues" under a question about tweeting a parents' evening)."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    asked = ["Can I accept a friend request from a pupil?",
             "Can I post photos of the school trip on my own Instagram?"]
    reply = await bot.says(CARYS, " ".join(asked))
    cards = [reply.card or {}, *reply.more]

    rated = await bot.clicks(CARYS, "ask.feedback", {**verb_data(cards[1], "ask.feedback"), "value": "not_helpful"})
    passed_on = await bot.clicks(CARYS, "ask.escalate", verb_data(rated.card or {}, "ask.escalate"))

    assert len(cards) == 2 and all(_quotes(card) for card in cards)
    assert [question in text_of(card) for card in cards for question in asked] == [True, False, False, True]
    assert "Your question" in text_of(cards[0]) and asked[1] in text_of(rated.card) and asked[1] in text_of(
        passed_on.card)
    alone = await bot.says(OWAIN, asked[0])
    assert "Your question" not in text_of(alone.card)  # one question: it is just above, in the chat


@pytest.mark.parametrize(("asked", "told"), [
    (["Can I friend pupils on Facebook?", "Can I friend pupils on Instagram?"], "also answers"),
    (["Ga i fod yn ffrindiau gyda disgyblion ar Facebook?", "Ga i fod yn ffrindiau gyda disgyblion ar Instagram?"],
     "hefyd yn ateb"),
])
async def test_a_second_question_the_same_words_answer_is_said_to_be_answered_not_dropped(
        answering_bot: BotInMemory, asked: list[str], told: str) -> None:
    """Carys asked about friending pupils on Facebook and on Instagram in one message: one card came, "Your question:
    Can I friend pupils on Facebook?", and nothing said what became of Instagram. The policy's words are still quoted
    once, and a line right under that card now says they answer the second question too."""
    reply = await answering_bot.says(CARYS, " ".join(asked))

    first, *more = [reply.card or {}, *reply.more]
    assert _quotes(first) and asked[0] in text_of(first) and asked[1] not in text_of(first)
    assert len(more) == 1 and not _quotes(more[0])
    assert told in text_of(more[0]) and asked[1] in text_of(more[0])
    assert sorted(record.text for record in answering_bot.store.questions.values()) == sorted(asked)


async def test_a_welsh_message_of_two_questions_gets_each_answered_in_welsh(answering_bot: BotInMemory) -> None:
    reply = await answering_bot.says(CARYS, "Ga i fod yn ffrindiau gyda disgyblion ar Facebook? A ga i bostio "
                                            "lluniau o'r daith ar Instagram?")

    cards = [reply.card, *reply.more]
    assert len(cards) == 2 and all(card and card["body"][0]["text"].startswith("O'r polisi") for card in cards)


@pytest.mark.parametrize("said", [
    "A parent sent me a friend request on Facebook last night. I didn't know what to do, can I accept it? She's nice.",
    "Can I post photos of pupils on my own page? Why?",
    "Can I be friends with pupils on Facebook?? Really??",
])
async def test_a_story_around_one_question_is_one_question(answering_bot: BotInMemory, said: str) -> None:
    reply = await answering_bot.says(CARYS, said)

    assert reply.more == [] and len(answering_bot.store.questions) == 1


@pytest.mark.parametrize("said", [
    "Can I share the school's Facebook post on my own page? Is that ok?",
    "---------- Forwarded message ---------\nFrom: Mrs Jones\nSubject: photos\n\nHi, can you take down the photo of my "
    "daughter from your Instagram?\n\nWhat do I do?",
    "Ga i rannu post yr ysgol ar fy nhudalen Facebook bersonol? Ydy hynny'n iawn?",
    "Mae rhiant wedi gofyn i mi dynnu llun ei mab oddi ar Instagram y dosbarth? Beth ddylwn i ei wneud?",
])
async def test_a_question_of_small_words_after_another_asks_about_it_and_is_not_a_question_alone(
        answering_bot: BotInMemory, said: str) -> None:
    """Not a second card, "The policy doesn't cover that — Your question: Is that ok?", offering to send "Is that ok?"
    or "What do I do?" alone to the headteacher: it asks about what came before it, and goes with it."""
    reply = await answering_bot.says(CARYS, said)

    assert reply.more == []
    assert [record.text for record in answering_bot.store.questions.values()] == [said]


@pytest.mark.parametrize(("said", "teams_in", "told"), [
    ("https://www.facebook.com/llanidloeshigh/posts/12345", Lang.EN, "I can't open links"),
    ("https://twitter.com/YsgolLlani/status/123", Lang.EN, "I can't open links"),
    ("  www.instagram.com/p/Cx9z  👀", Lang.EN, "I can't open links"),
    ("facebook.com/llanidloeshigh/posts/12345", Lang.EN, "I can't open links"),
    ("https://www.facebook.com/llanidloeshigh/posts/12345", Lang.CY, "Alla i ddim agor dolenni"),
])
async def test_a_link_alone_is_told_the_bot_cannot_open_it_and_is_never_a_question(
        answering_bot: BotInMemory, said: str, teams_in: Lang, told: str) -> None:
    """Not "The policy doesn't cover that — Your question: https://…" with an offer to send the link to the
    headteacher, nor a passage on confidential information quoted at a tweet's address."""
    reply = await answering_bot.says(CARYS, said, lang=teams_in)

    assert told in text_of(reply.card) and reply.more == []
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("asked", "link", "told"), [
    ("Can I share this?", "https://www.facebook.com/llanidloeshigh/posts/12345", "I can't open links"),
    ("Can I share this school post on my personal Facebook?", "https://www.facebook.com/llanidloeshigh/posts/pfbid02x",
     "I can't open links"),
    ("Ga i rannu hwn ar fy Facebook?", "https://www.facebook.com/llanidloeshigh/posts/12345",
     "alla i ddim agor dolenni"),
    ("Can I share this on my page?", "facebook.com/LlanidloesHigh", "I can't open links"),
    ("Ga i rannu hwn ar fy Facebook?", "instagram.com/p/Cx9z", "alla i ddim agor dolenni"),
])
async def test_a_question_sent_with_a_link_gets_the_answer_its_words_get_and_says_the_link_was_not_opened(
        answering_bot: BotInMemory, asked: str, link: str, told: str) -> None:
    """The link's address was read as words of the question: "Can I share this?" became a tentative answer; so was one
    typed without "https://" or "www." ("facebook.com/LlanidloesHigh": a question with it quoted the rule on work
    Twitter where the words alone quote the one on a personal Facebook)."""
    alone = await answering_bot.says(OWAIN, asked)

    reply = await answering_bot.says(CARYS, f"{asked} {link}")

    assert _quotes(reply.card or {}) == _quotes(alone.card or {}) != []
    assert "nearest the policy comes" not in text_of(reply.card) and told in text_of(reply.card)
    assert "open links" not in text_of(alone.card) and "agor dolenni" not in text_of(alone.card)
    assert f"{asked} {link}" in [record.text for record in answering_bot.store.questions.values()]


async def test_a_follow_up_is_answered_with_the_question_it_follows_and_kept_with_it(
        answering_bot: BotInMemory) -> None:
    """Not "the policy doesn't cover that" with an offer to send the headteacher "and if they're over 18?" alone."""
    await answering_bot.says(CARYS, "Can I accept a friend request from a pupil?")

    reply = await answering_bot.says(CARYS, "and if they're over 18?")

    assert any("friends" in quote for quote in _quotes(reply.card or {}))
    assert "Can I accept a friend request from a pupil? and if they're over 18?" in [
        record.text for record in answering_bot.store.questions.values()]


@pytest.mark.parametrize("said", ["Can I friend a parent on Facebook? And what about Instagram?",
                                  "Ga i fod yn ffrindiau efo rhiant ar Facebook? A beth am Instagram?"])
async def test_a_follow_up_in_the_same_message_stays_with_its_question(answering_bot: BotInMemory, said: str) -> None:
    """Not a second card answering "And what about Instagram?" alone (the policy's scope sentence names Instagram)."""
    reply = await answering_bot.says(CARYS, said)

    assert reply.more == [] and [record.text for record in answering_bot.store.questions.values()] == [said]


async def test_a_question_of_its_own_that_opens_like_a_follow_up_is_asked_alone(answering_bot: BotInMemory) -> None:
    """'What if…' a few minutes after another question: answered for what it asks, not mixed with the last one."""
    await answering_bot.says(CARYS, "Can I accept a friend request from a pupil?")

    await answering_bot.says(CARYS, "what about school logos on my own facebook?")

    asked = [record.text for record in answering_bot.store.questions.values()]
    assert "what about school logos on my own facebook?" in asked
    assert not any(text.startswith("Can I accept a friend request from a pupil? what") for text in asked)


async def test_a_follow_up_to_a_question_the_policy_did_not_cover_gets_what_the_policy_says_of_it_alone(
        answering_bot: BotInMemory) -> None:
    """ "what about parents?" was asked glued to the not-covered question before it, and was "not covered" too, though
    the policy says what staff should do about parents: what it follows adds nothing the policy answers. It may have
    meant the question before, so the card says it is the nearest the policy comes, and it is kept with what it
    follows: passed on, the headteacher reads both."""
    await answering_bot.says(CARYS, "How many days of annual leave do I get?")
    alone = await answering_bot.says(OWAIN, "what about parents?")

    reply = await answering_bot.says(CARYS, "what about parents?")

    assert _quotes(reply.card or {}) == _quotes(alone.card or {}) != []
    assert "nearest the policy comes" in text_of(reply.card) and "nearest the policy comes" not in text_of(alone.card)
    kept = {record.text: record for record in answering_bot.store.questions.values() if record.asker == CARYS}
    together = kept["How many days of annual leave do I get? what about parents?"]
    assert together.answered and together.tentative
    assert together.follows_id == kept["How many days of annual leave do I get?"].question_id


async def test_a_follow_up_the_policy_does_not_answer_alone_still_goes_with_the_not_covered_question_it_follows(
        answering_bot: BotInMemory) -> None:
    """Passed on to the headteacher, "and if they're over 18?" alone would say nothing."""
    await answering_bot.says(CARYS, "How many days of annual leave do I get?")

    reply = await answering_bot.says(CARYS, "and if they're over 18?")

    assert "doesn't cover" in text_of(reply.card)
    assert "How many days of annual leave do I get? and if they're over 18?" in [
        record.text for record in answering_bot.store.questions.values()]


async def test_a_follow_up_never_goes_on_from_someone_elses_question(answering_bot: BotInMemory) -> None:
    await answering_bot.says(CARYS, "Can I accept a friend request from a pupil?")

    await answering_bot.says(OWAIN, "a beth am Instagram?")

    assert "a beth am Instagram?" in [record.text for record in answering_bot.store.questions.values()]


@pytest.mark.parametrize(("said", "teams_in", "told"), [
    ("that didn't answer my question", Lang.EN, "choose **Not helpful**"),
    ("you're wrong", Lang.EN, "choose **Not helpful**"),
    ("No, that's wrong.", Lang.EN, "choose **Not helpful**"),
    ("dydy hwnna ddim yn ateb fy nghwestiwn", Lang.EN, "dewiswch **Annefnyddiol**"),
    ("rwyt ti'n anghywir", Lang.EN, "dewiswch **Annefnyddiol**"),
    # "That's not what I was asking", as Welsh speakers type it: it was searched for, and a passage quoted at it.
    ("Nid dyna oeddwn i'n ei ofyn", Lang.EN, "dewiswch **Annefnyddiol**"),
    ("dim dyna o'n i'n ei ofyn", Lang.CY, "dewiswch **Annefnyddiol**"),
    # Not following the answer: "The policy doesn't cover that" with "huh?" offered to the headteacher.
    ("I don't understand", Lang.EN, "choose **Not helpful**"), ("huh?", Lang.EN, "choose **Not helpful**"),
    ("Sorry, what does that mean?", Lang.EN, "choose **Not helpful**"),
    ("Dwi ddim yn deall", Lang.EN, "dewiswch **Annefnyddiol**"),
    ("why?", Lang.EN, "**Read the whole section**"), ("But why not?", Lang.EN, "**Read the whole section**"),
    ("pam?", Lang.EN, "**Darllen yr adran gyfan**"),
    ("this bot is fucking useless", Lang.EN, "I haven't kept what you typed"),
    ("what a load of shit", Lang.EN, "I haven't kept what you typed"),
    ("what a load of shit", Lang.CY, "Dw i ddim wedi cadw beth deipioch chi"),
])
async def test_telling_the_bot_it_was_wrong_or_swearing_at_it_gets_a_kind_word_never_an_offer_to_ask_the_headteacher(
        answering_bot: BotInMemory, said: str, teams_in: Lang, told: str) -> None:
    """Not "you must avoid unproductive arguments" quoted at "you're wrong", nor an offer to send "why?" or "this bot is
    fucking useless" to the headteacher; and none of it is kept as a question."""
    await answering_bot.says(CARYS, "Can I accept a friend request from a pupil?", lang=teams_in)
    answering_bot.store.questions.clear()

    reply = await answering_bot.says(CARYS, said, lang=teams_in)

    assert told in text_of(reply.card)
    assert "unproductive arguments" not in text_of(reply.card)
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize("said", ["A parent called me a dick on Facebook", "Can I swear on my own Twitter?",
                                  "Why can't I post photos of pupils on my own page?"])
async def test_a_question_or_an_account_with_a_swear_word_or_a_why_in_it_is_still_answered(
        answering_bot: BotInMemory, said: str) -> None:
    reply = await answering_bot.says(CARYS, said)

    assert {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert len(answering_bot.store.questions) == 1


async def test_a_question_that_only_mentions_cancelling_is_still_answered(answering_bot: BotInMemory) -> None:
    reply = await answering_bot.says(CARYS, "can I cancel a post I made?")

    assert "I haven't sent anything new" not in text_of(reply.card)
    assert len(answering_bot.store.questions) == 1


@pytest.mark.parametrize(("said", "lang", "wanted"), [
    ("Welsh please", Lang.EN, Lang.CY), ("switch to Welsh", Lang.EN, Lang.CY), ("Cymraeg plis", Lang.EN, Lang.CY),
    ("Cymraeg os gwelwch yn dda", Lang.EN, Lang.CY), ("newid i'r Gymraeg", Lang.EN, Lang.CY),
    ("ok, in Welsh please", Lang.EN, Lang.CY), ("English please", Lang.CY, Lang.EN),
    ("switch to English", Lang.CY, Lang.EN), ("Saesneg plis", Lang.CY, Lang.EN),
    ("Saesneg os gwelwch chi'n dda", Lang.CY, Lang.EN), ("newid yn ôl i'r Saesneg", Lang.CY, Lang.EN),
    ("Siaradwch Gymraeg plis", Lang.EN, Lang.CY), ("Ga i Gymraeg?", Lang.EN, Lang.CY),
    ("newid iaith i Saesneg", Lang.CY, Lang.EN)])
async def test_asking_for_the_other_language_in_everyday_words_switches_and_is_never_a_question(
        answering_bot: BotInMemory, said: str, lang: Lang, wanted: Lang) -> None:
    """ "Welsh please" got "The policy doesn't cover that" with Ask the headteacher, and went on the review list."""
    reply = await answering_bot.says(CARYS, said, lang=lang)

    assert reply.language is wanted
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("said", "lang", "wanted"), [
    ("Newid iaith", Lang.CY, Lang.EN), ("newid iaith", Lang.EN, Lang.CY), ("Newid yr iaith plis", Lang.CY, Lang.EN),
    ("change language", Lang.EN, Lang.CY), ("Change language please", Lang.CY, Lang.EN),
    ("switch language", Lang.EN, Lang.CY), ("iaith arall", Lang.CY, Lang.EN)])
async def test_changing_language_without_naming_one_switches_to_the_other_as_the_button_does(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang, wanted: Lang) -> None:
    """ "Newid iaith" and "change language" were "not covered", offered to the headteacher and kept for review (the
    README's Limits: which language?): they now do what the welcome card's language button does, switch to the other
    language from the one the bot speaks with the person, and say so first."""
    reply = await answering_bot.says(CARYS, said, lang=lang)

    assert reply.language is wanted
    assert strings.text("language.changed", wanted) in text_of(reply.card)
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == {}


# Who the headteacher is


def _primary_headed_by_dewi(federation: Federation) -> Federation:
    """The federation with a headteacher of its own at the primary school, Mr Dewi Lloyd."""
    dewi = StaffContact("a1000000-0000-4000-8000-0000000000d1", "Mr Dewi Lloyd", "dewi.lloyd@llanidloes.example.cymru")
    return replace(federation, schools=tuple(replace(school, headteacher=dewi) if school.school_id == "primary"
                                             else school for school in federation.schools))


@pytest.mark.parametrize(("said", "lang", "head"), [
    ("Pwy yw'r pennaeth?", Lang.CY, "Mrs Siân Roberts yw pennaeth Ysgol Uwchradd Llanidloes"),
    ("pwy di'r pennaeth", Lang.CY, "Mrs Siân Roberts yw pennaeth Ysgol Uwchradd Llanidloes"),
    ("Sut ydw i'n cysylltu â'r pennaeth?", Lang.CY, "Mrs Siân Roberts yw pennaeth Ysgol Uwchradd Llanidloes"),
    ("Who is the headteacher?", Lang.EN, "The headteacher of Llanidloes High School is Mrs Siân Roberts"),
    ("how do I contact the headteacher?", Lang.EN, "The headteacher of Llanidloes High School is Mrs Siân Roberts")])
async def test_asking_who_the_headteacher_is_names_the_askers_own_from_the_settings(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex], said: str, lang: Lang,
        head: str) -> None:
    """ "Pwy yw'r pennaeth?" and "who is the headteacher?" were "not covered", offered to the headteacher herself and
    kept for review (README Limits). As "who is my line manager?" is answered from what the bot knows of the asker,
    this is answered from the federation's settings: the headteacher of the asker's school on the staff list (Carys
    teaches at the high school; the primary has its own head here), with her address, in the words' language."""
    bot = open_bot(strings, _primary_headed_by_dewi(federation), lambda: policy_in_force)
    await bot.has_the_staff_list()

    reply = await bot.says(CARYS, said, lang=Lang.EN)

    shown = text_of(reply.card)
    assert strings.text("ask.headteacher_title", lang) in shown and head in shown
    assert "sian.roberts@llanidloes.example.cymru" in shown and "Dewi" not in shown
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert bot.store.questions == {}


async def test_someone_whose_school_the_staff_list_does_not_give_is_told_each_schools_headteacher(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex]) -> None:
    """No staff list yet (or the asker not on it): every school's headteacher, each named with the school."""
    bot = open_bot(strings, _primary_headed_by_dewi(federation), lambda: policy_in_force)

    reply = await bot.says(OWAIN, "Pwy ydy'r pennaeth?", lang=Lang.CY)

    shown = text_of(reply.card)
    assert "Mrs Siân Roberts yw pennaeth Ysgol Uwchradd Llanidloes" in shown
    assert "Mr Dewi Lloyd yw pennaeth Ysgol Gynradd Llanidloes" in shown
    assert bot.store.questions == {}


async def test_a_primary_teacher_asking_who_the_headteacher_is_gets_the_primarys(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex]) -> None:
    bot = open_bot(strings, _primary_headed_by_dewi(federation), lambda: policy_in_force)
    await bot.has_the_staff_list()

    reply = await bot.says(OWAIN, "who's the head teacher?")

    shown = text_of(reply.card)
    assert "The headteacher of Llanidloes Primary School is Mr Dewi Lloyd" in shown and "Siân" not in shown


@pytest.mark.parametrize(("said", "lang", "wanted"), [
    ("No Welsh please", Lang.EN, Lang.EN), ("no welsh", Lang.CY, Lang.EN), ("not in Welsh", Lang.CY, Lang.EN),
    ("I don't speak Welsh", Lang.CY, Lang.EN), ("ok no welsh thanks", Lang.CY, Lang.EN),
    ("dim Cymraeg", Lang.CY, Lang.EN), ("Dim Cymraeg plis", Lang.EN, Lang.EN), ("ddim yn Gymraeg", Lang.CY, Lang.EN),
    ("No English please", Lang.CY, Lang.CY), ("no more English", Lang.EN, Lang.CY),
    ("dim Saesneg plis", Lang.EN, Lang.CY), ("dim mwy o Saesneg", Lang.EN, Lang.CY),
    ("Sa i'n siarad Cymraeg", Lang.CY, Lang.EN), ("Dydw i ddim yn deall Cymraeg", Lang.CY, Lang.EN),
    # A pause after "no" answers the card it was shown: "No, English please" asks for English.
    ("No, English please", Lang.CY, Lang.EN), ("Na, Cymraeg plis", Lang.EN, Lang.CY),
    ("no - welsh please", Lang.EN, Lang.CY)])
async def test_saying_no_to_a_language_chooses_the_other_one(answering_bot: BotInMemory, strings: Catalogue, said: str,
                                                              lang: Lang, wanted: Lang) -> None:
    """ "No Welsh please" switched the person to Welsh, and the bot kept speaking it."""
    reply = await answering_bot.says(CARYS, said, lang=lang)

    assert reply.language is wanted
    assert strings.text("language.changed", wanted) in text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize("said", ["help please", "I need help", "help me please", "can you help me?", "Please help",
                                  "cymorth plis", "help plis", "Dwi angen help", "Allwch chi fy helpu?",
                                  "Mae angen help arna i", "Alli di helpu fi?", "Fedrwch chi fy helpu, plis?",
                                  "Allech chi fy helpu?", "Ga i help plis?",
                                  # Asking what to ask: a passage was quoted at them, as if it were the answer.
                                  "what can I ask you?", "What sort of things can I ask?", "Beth alla i ofyn i ti?",
                                  "Be ga i ofyn i chi?"])
async def test_asking_for_help_in_everyday_words_gets_the_help_card_and_is_never_a_question(
        answering_bot: BotInMemory, said: str) -> None:
    reply = await answering_bot.says(CARYS, said)

    assert "What I can do" in text_of(reply.card) or "Beth alla i ei wneud" in text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("said", "lang"), [
    ("what is this?", Lang.EN), ("What's this?", Lang.EN), ("what is this bot?", Lang.EN), ("I'm new", Lang.EN),
    ("I'm new here", Lang.EN), ("Beth ydy hwn?", Lang.CY), ("Beth yw hwn?", Lang.CY), ("Be di hwn?", Lang.CY),
    ("Dw i'n newydd", Lang.CY), ("Dwi'n newydd yma", Lang.CY)])
async def test_someone_new_asking_what_the_bot_is_gets_the_help_card_in_their_language(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """A teaching assistant in her first week typed "Beth ydy hwn?" and was told the policy does not cover it, with an
    offer to pass it to the headteacher; "I'm new" quoted a passage on seeking the head's permission as its answer."""
    reply = await answering_bot.says(CARYS, said, lang=Lang.EN)

    assert strings.text("help.title", lang) in text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("said", "lang"), [
    ("Hi, what is this?", Lang.EN), ("Hello there! I'm new here", Lang.EN), ("Good morning, what can you do?", Lang.EN),
    ("Helo, dw i'n newydd yma", Lang.CY), ("Bore da! Beth ydy hwn?", Lang.CY), ("Shwmae, cymorth plis", Lang.CY)])
async def test_a_greeting_before_a_call_for_help_still_gets_the_help_card(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """A teaching assistant in her first week typed "Helo, dw i'n newydd yma": the greeting kept the words from being
    read as a call for help, so they were searched as a question about the policy."""
    reply = await answering_bot.says(CARYS, said, lang=Lang.EN)

    assert strings.text("help.title", lang) in text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("said", "wanted"), [("Cymraeg", Lang.CY), ("English", Lang.EN), ("Welsh please", Lang.CY)])
async def test_switching_language_by_typing_says_so_first(answering_bot: BotInMemory, strings: Catalogue, said: str,
                                                          wanted: Lang) -> None:
    """Typing "Cymraeg" sent the whole welcome card, and only below it "I'll speak Welsh with you from now on": on a
    phone the person saw a welcome they had not asked for. The confirmation now comes first, at the top of the card."""
    reply = await answering_bot.says(CARYS, said, lang=Lang.CY if wanted is Lang.EN else Lang.EN)

    first = text_of(reply.card)
    changed = strings.text("language.changed", wanted)
    assert changed in first and first.index(changed) < first.index(strings.text("welcome.ask", wanted))
    assert reply.language is wanted


@pytest.mark.parametrize(("opened", "asked"), [
    ("Diolch! ", "Ga i ffrindio disgybl ar Facebook?"), ("Bore da, ", "Ga i ffrindio disgybl ar Facebook?"),
    ("Thanks! ", "Can I be friends with a pupil on Facebook?")])
async def test_a_greeting_or_thanks_before_a_question_gets_the_answer_the_question_gets_alone(
        answering_bot: BotInMemory, opened: str, asked: str) -> None:
    """ "Diolch! Ga i ffrindio rhiant ar Facebook?" was told the policy does not cover it, and offered the headteacher,
    while the question alone was answered; the question is still kept as typed. (Befriending a parent is now "not
    covered" alone too: the 2022 steering data's Welsh question about it, read right, says so.)"""
    alone = await answering_bot.says(CARYS, asked)

    reply = await answering_bot.says(CARYS, opened + asked)

    assert _quotes(alone.card or {}) and _quotes(reply.card or {}) == _quotes(alone.card or {})
    assert sorted(q.text for q in answering_bot.store.questions.values()) == sorted([opened + asked, asked])


_FRIEND_A_PUPIL = "Can I be friends with a pupil on Facebook?"
_FFRINDIO_DISGYBL = "Ga i ffrindio disgybl ar Facebook?"
_PHOTOS = "Can I post photos of pupils on my own Instagram?"
_LLUNIAU = "Ga i bostio lluniau o ddisgyblion ar fy Instagram fy hun?"


@pytest.mark.parametrize(("opened", "asked"), [
    ("Quick one: ", _FRIEND_A_PUPIL), ("quick question - ", _PHOTOS), ("Random question, ", _FRIEND_A_PUPIL),
    ("Sorry to bother you, ", _PHOTOS), ("Just wondering, ", _FRIEND_A_PUPIL), ("Hiya, quick one - ", _PHOTOS),
    ("Sorry if this is a silly question, but ", _FRIEND_A_PUPIL), ("Cwestiwn sydyn: ", _FFRINDIO_DISGYBL),
    ("Sori i boeni, ", _LLUNIAU), ("Jest yn meddwl, ", _FFRINDIO_DISGYBL), ("Cwestiwn gwirion efallai, ", _LLUNIAU),
    ("Haia, cwestiwn sydyn – ", _LLUNIAU), ("Ro'n i'n meddwl tybed, ", _FFRINDIO_DISGYBL),
    ("Jyst yn gwirio: ", _LLUNIAU), ("Sori i'ch poeni, ", _FFRINDIO_DISGYBL)])
async def test_filler_before_a_question_gets_the_answer_the_question_gets_alone(
        answering_bot: BotInMemory, opened: str, asked: str) -> None:
    """ "Quick one", "sorry to bother you", "cwestiwn sydyn", "sori i boeni" before a question were read as words of
    the question, and could turn its answer into "not covered"; now they are taken off as a greeting is (the question
    is still kept as typed)."""
    alone = await answering_bot.says(CARYS, asked)

    reply = await answering_bot.says(CARYS, opened + asked)

    assert _quotes(alone.card or {}) and _quotes(reply.card or {}) == _quotes(alone.card or {})
    assert sorted(q.text for q in answering_bot.store.questions.values()) == sorted([opened + asked, asked])


@pytest.mark.parametrize(("said", "teams_in", "shown"), [
    ("can I see the whole policy?", Lang.EN, "Choose a section to read it in full."),
    ("full policy please", Lang.EN, "Choose a section to read it in full."),
    ("Show me the full policy", Lang.EN, "Choose a section to read it in full."),
    ("dangos y polisi cyfan", Lang.EN, "Dewiswch adran i'w darllen yn llawn."),
    ("Ga i weld y polisi i gyd?", Lang.EN, "Dewiswch adran i'w darllen yn llawn."),
    ("show me the section on personal use", Lang.EN, "Section: Using social networking for personal use"),
    ("personal use section please", Lang.EN, "Section: Using social networking for personal use"),
    ("Can I read the section about mobile devices?", Lang.EN, "Section: Use of personal mobile devices at work"),
    ("the legislation section", Lang.CY, "Adran: Deddfwriaeth"),
    ("dangos yr adran ar ddefnydd personol", Lang.EN, "Adran: Defnydd personol o rwydweithio cymdeithasol"),
    ("Yr adran am ddyfeisiau symudol", Lang.EN, "Adran: Dyfeisiau symudol personol yn y gwaith")])
async def test_asking_for_the_whole_policy_or_a_section_by_its_name_opens_it_and_is_never_a_question(
        answering_bot: BotInMemory, said: str, teams_in: Lang, shown: str) -> None:
    """ "Can I see the whole policy?" got "The purpose of this policy" quoted as if it were the answer, and "Show me the
    section on personal use" a sentence of another section; now the sections to choose from, and the section named."""
    reply = await answering_bot.says(CARYS, said, lang=teams_in)

    assert shown in text_of(reply.card)
    assert not {"ask.feedback", "ask.escalate"} & set(_verbs(reply.card))
    assert answering_bot.store.questions == {}


async def test_asking_for_a_section_the_policy_has_several_of_lists_them_and_one_it_lacks_is_a_question(
        answering_bot: BotInMemory) -> None:
    """ "the section on social media" names no one section: the list to choose from; "the section on TikTok" names
    none, and is asked as a question."""
    several = await answering_bot.says(CARYS, "the section on social media")
    none = await answering_bot.says(CARYS, "show me the section on TikTok")

    assert "Choose a section to read it in full." in text_of(several.card) and _rows(several.card)
    assert {"ask.feedback", "ask.escalate"} & set(_verbs(none.card))
    assert [q.text for q in answering_bot.store.questions.values()] == ["show me the section on TikTok"]


@pytest.mark.parametrize("said", ["do I have to post in Welsh on the school page?", "Can I post in English only?",
                                  "I need help with a parent posting about me", "can you help me write a post?",
                                  "Ga i bostio yn Gymraeg yn unig?", "Helpwch fi i ysgrifennu post am y daith",
                                  # "No Welsh?" of a quote left in English asks, it does not choose a language.
                                  "Dim Cymraeg?", "dim Cymraeg ar y dudalen?", "No Welsh?"])
async def test_a_question_that_mentions_a_language_or_help_is_still_a_question(answering_bot: BotInMemory,
                                                                               said: str) -> None:
    reply = await answering_bot.says(CARYS, said)

    assert reply.language is None and "What I can do" not in text_of(reply.card)
    assert len(answering_bot.store.questions) == 1


async def test_a_year_on_questions_are_forgotten_with_their_cards_but_one_the_head_has_not_answered_is_kept(
        answering_bot: BotInMemory, federation: Federation) -> None:
    bot = answering_bot
    await bot.meets(CARYS, SIAN, OWAIN)
    await bot.says(CARYS, "Can I be friends with pupils on Facebook?")
    carys_leave = await bot.says(CARYS, "How many days of annual leave do I get?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(carys_leave.card or {}, "ask.escalate"))
    [to_head] = await bot.cards_for(SIAN)
    await bot.clicks(SIAN, "ask.reply", {"q": verb_data(to_head, "ask.reply")["q"], "reply": "See the handbook."})
    owain_leave = await bot.says(OWAIN, "How many days of annual leave do I get?")
    await bot.clicks(OWAIN, "ask.escalate", verb_data(owain_leave.card or {}, "ask.escalate"))
    assert [len(await _posted_to(bot, person)) for person in (CARYS, SIAN)] == [1, 2]  # the reply; both questions
    questions = MemoryQuestionLog(bot.store)
    a_year_on = add_months(datetime.now(UTC), 12) + timedelta(minutes=1)

    forgotten = await forget_old_questions(questions, now=a_year_on, months=12, policy_owner=federation.policy_owner)
    again = await forget_old_questions(questions, now=a_year_on, months=12, policy_owner=federation.policy_owner)

    assert len(forgotten) == 2 and again == []
    [kept] = bot.store.questions.values()
    assert (kept.asker, kept.waiting_for_reply) == (OWAIN, True)
    assert await bot.cards_for(CARYS) == []  # the reply she was still owed went with her question
    [still_owed] = await bot.cards_for(SIAN)
    assert "Owain Pritchard" in text_of(still_owed) and "Carys" not in text_of(still_owed)


# The language of the card a button sits on

WELSH_QUESTION = "Ga i fod yn ffrindiau gyda disgyblion ar Facebook?"


def _rows(card: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The data of each section row to tap on a card, wherever it sits."""
    found: list[dict[str, Any]] = []
    for box in (card or {}).get("body", []):
        if box.get("selectAction", {}).get("verb") == "policy.section":
            found.append(dict(box["selectAction"]["data"]))
        found += _rows(box) if box.get("items") else []
    return found


@pytest.mark.parametrize("value", ["helpful", "not_helpful"])
async def test_rating_a_welsh_answer_keeps_the_card_in_welsh_for_someone_whose_teams_is_in_english(
        answering_bot: BotInMemory, value: str) -> None:
    """Carys's Teams is in English; she asks in Welsh and gets a Welsh card, then presses Defnyddiol / Annefnyddiol."""
    asked = await answering_bot.says(CARYS, WELSH_QUESTION, lang=Lang.EN)
    assert "O'r polisi" in text_of(asked.card)

    rated = await answering_bot.clicks(CARYS, "ask.feedback", verb_data(asked.card or {}, "ask.feedback") | {
        "value": value}, lang=Lang.EN)

    shown = text_of(rated.card)
    assert "O'r polisi" in shown and "From the policy" not in shown
    if value == "not_helpful":
        assert "Gofyn i'r pennaeth" in shown and "Sorry that didn't help" not in shown


async def test_passing_on_a_welsh_answer_says_so_in_welsh(answering_bot: BotInMemory) -> None:
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    asked = await bot.says(CARYS, WELSH_QUESTION, lang=Lang.EN)
    rated = await bot.clicks(CARYS, "ask.feedback", verb_data(asked.card or {}, "ask.feedback") | {
        "value": "not_helpful"}, lang=Lang.EN)

    passed = await bot.clicks(CARYS, "ask.escalate", verb_data(rated.card or {}, "ask.escalate"), lang=Lang.EN)

    assert "Rydw i wedi anfon eich cwestiwn ymlaen" in text_of(passed.card)
    assert "I've passed your question" not in text_of(passed.card)


async def test_reading_the_whole_section_of_a_welsh_answer_opens_it_in_welsh(answering_bot: BotInMemory) -> None:
    asked = await answering_bot.says(CARYS, WELSH_QUESTION, lang=Lang.EN)

    opened = await answering_bot.clicks(CARYS, "policy.section", verb_data(asked.card or {}, "policy.section"),
                                        lang=Lang.EN)

    assert "Adran:" in text_of(opened.card) and "Section:" not in text_of(opened.card)
    assert opened.new_message  # the answer stays to come back to


async def test_the_closest_sections_on_a_welsh_not_covered_card_open_in_welsh(answering_bot: BotInMemory) -> None:
    no_answer = await answering_bot.says(CARYS, "Faint o wyliau blynyddol dw i'n eu cael?", lang=Lang.EN)
    assert "Dydy'r polisi ddim yn sôn am hynny" in text_of(no_answer.card)
    [row, *_] = _rows(no_answer.card)

    opened = await answering_bot.clicks(CARYS, "policy.section", row, lang=Lang.EN)

    assert "Adran:" in text_of(opened.card) and "Section:" not in text_of(opened.card)


async def test_the_ask_permission_button_on_a_welsh_answer_opens_the_welsh_form(answering_bot: BotInMemory) -> None:
    """Teams in English, the question asked in Welsh: "Caniatâd cyfryngau cymdeithasol" opened the English form (typing
    the same request in Welsh gave the Welsh one)."""
    await answering_bot.meets(CARYS, SIAN)
    answer = await answering_bot.says(
        CARYS, "Oes angen caniatâd y pennaeth arna i i ddefnyddio Facebook ar gyfer gwaith?", lang=Lang.EN)

    form = await answering_bot.clicks(CARYS, "permission.form", verb_data(answer.card or {}, "permission.form"),
                                      lang=Lang.EN)

    assert "Gofyn caniatâd y pennaeth" in text_of(form.card) and form.new_message


async def test_the_concern_button_on_a_welsh_answer_opens_the_welsh_form_and_its_receipt_is_welsh(
        answering_bot: BotInMemory) -> None:
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(CARYS, GARETH, SIAN)
    answer = await bot.says(CARYS, "Beth ddylwn i ei wneud os ydw i'n cael fy nhargedu gan staff eraill?",
                            lang=Lang.EN)

    form = await bot.clicks(CARYS, "concern.form", verb_data(answer.card or {}, "concern.form"), lang=Lang.EN)
    sent = await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                                      "what": "Mae cydweithiwr yn anfon negeseuon cas ataf."},
                            lang=Lang.EN)

    assert "Dywedwch wrthym yn breifat" in text_of(form.card)
    assert "wedi'i anfon" in text_of(sent.card) and "has been sent" not in text_of(sent.card)


@pytest.mark.parametrize(("said", "shows"), [("cymorth plis", "Beth alla i ei wneud"),
                                             ("Mae angen help arna i", "Beth alla i ei wneud"),
                                             ("dim diolch", "dw i ddim wedi anfon dim byd newydd"),
                                             ("canslo", "dw i ddim wedi anfon dim byd newydd")])
async def test_help_and_backing_out_typed_in_welsh_are_answered_in_welsh_whatever_the_teams_language(
        answering_bot: BotInMemory, said: str, shows: str) -> None:
    reply = await answering_bot.says(CARYS, said, lang=Lang.EN)

    assert shows in text_of(reply.card)


async def test_a_section_button_from_before_buttons_named_their_language_opens_in_the_persons_language(
        answering_bot: BotInMemory) -> None:
    for lang, title in ((Lang.EN, "Section:"), (Lang.CY, "Adran:")):
        opened = await answering_bot.clicks(CARYS, "policy.section", {"section": "personal-use"}, lang=lang)

        assert title in text_of(opened.card)


# Group chats: the answer is the asker's


async def test_a_colleague_pressing_helpful_on_an_answer_in_a_group_chat_leaves_it_and_is_told_who_can(
        answering_bot: BotInMemory, strings: Catalogue) -> None:
    bot = answering_bot
    asked = await bot.says(CARYS, "Can I be friends with pupils on Facebook?", scope=Scope.GROUP)

    clicked = await bot.clicks(OWAIN, "ask.feedback", verb_data(asked.card or {}, "ask.feedback") | {
        "value": "helpful"}, scope=Scope.GROUP)

    assert clicked.new_message  # the answer card stays as it is
    assert text_of(clicked.card) == text_of(notice_card(strings.text("ask.only_asker", Lang.EN)))
    [record] = bot.store.questions.values()
    assert record.feedback is Feedback.NONE


async def test_a_colleague_pressing_ask_the_headteacher_in_a_group_chat_is_told_who_can_and_nothing_is_sent(
        answering_bot: BotInMemory, strings: Catalogue) -> None:
    bot = answering_bot
    await bot.meets(CARYS, OWAIN, SIAN)
    asked = await bot.says(CARYS, "How many days of annual leave do I get?", scope=Scope.GROUP)

    clicked = await bot.clicks(OWAIN, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"), scope=Scope.GROUP,
                               lang=Lang.CY)

    assert clicked.new_message
    assert text_of(clicked.card) == text_of(notice_card(strings.text("ask.only_asker", Lang.CY)))
    assert await bot.cards_for(OWAIN) == [] and await bot.cards_for(SIAN) == []
    [record] = bot.store.questions.values()
    assert record.escalated_at is None


async def test_a_guest_passing_on_a_welsh_question_is_refused_in_welsh_and_nothing_reaches_the_headteacher(
        answering_bot: BotInMemory, strings: Catalogue, federation: Federation) -> None:
    """A guest from another organisation (Teams' lookup says so, at the pass-on) asked in Welsh with Teams in English:
    refused in the language of the card, below it; the question is not passed on, nor counted, nor sent."""
    bot = answering_bot
    guest = Person(CARYS.tenant_id, "b2000000-0000-4000-8000-0000000000aa", "Alex Visitor (Powys LA)")
    looked_up: list[str] = []

    async def guest_says_teams() -> Membership:
        looked_up.append("asked")
        return Membership.GUEST

    await bot.meets(guest, SIAN)
    asked = await bot.router.route(Turn(actor=guest, lang=Lang.EN, scope=Scope.PERSONAL,
                                        text="Faint o ddiwrnodau o wyliau blynyddol ydw i'n eu cael?",
                                        membership=guest_says_teams))
    clicked = await bot.router.route(Turn(actor=guest, lang=Lang.EN, scope=Scope.PERSONAL, verb="ask.escalate",
                                          data=verb_data(asked.card or {}, "ask.escalate"), is_invoke=True,
                                          membership=guest_says_teams))

    assert clicked.new_message and looked_up == ["asked"]
    assert strings.text("ask.guest", Lang.CY, federation=federation.name(Lang.CY)) in text_of(clicked.card)
    assert await bot.cards_for(SIAN) == [] and await bot.cards_for(guest) == []
    [record] = bot.store.questions.values()
    assert record.escalated_at is None and _passed_on_counts(bot) == {}


@pytest.mark.parametrize(("asked", "lang", "not_said"), [
    ("How many days of annual leave do I get?", Lang.EN, "nothing was saved"),
    ("Faint o ddiwrnodau o wyliau blynyddol ydw i'n eu cael?", Lang.CY, "does dim wedi'i gadw")])
async def test_a_guest_refused_at_ask_the_headteacher_is_not_told_nothing_was_saved_while_her_question_is_kept(
        answering_bot: BotInMemory, strings: Catalogue, asked: str, lang: Lang, not_said: str) -> None:
    """Her question stays in the questions log, with her name, for the review list (as every question the policy does
    not cover): the refusal says it was not passed on, and no longer that nothing was saved."""
    bot = answering_bot
    guest = Person(CARYS.tenant_id, "b2000000-0000-4000-8000-0000000000aa", "Alex Visitor (Powys LA)")

    async def guest_says_teams() -> Membership:
        return Membership.GUEST

    await bot.meets(guest, SIAN)
    not_covered = await bot.says(guest, asked)
    clicked = await bot.router.route(Turn(actor=guest, lang=Lang.EN, scope=Scope.PERSONAL, verb="ask.escalate",
                                          data=verb_data(not_covered.card or {}, "ask.escalate"), is_invoke=True,
                                          membership=guest_says_teams))

    [record] = bot.store.questions.values()
    assert record.asker.name == "Alex Visitor (Powys LA)" and record.escalated_at is None
    assert strings.text("ask.guest", lang, federation=bot.federation.name(lang)) in text_of(clicked.card)
    assert not_said not in text_of(clicked.card)


# A question whose record could not be written


async def test_a_not_covered_card_whose_question_was_not_recorded_does_not_offer_ask_the_headteacher(
        answering_bot: BotInMemory, strings: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as storage:
        storage.setattr(MemoryQuestionLog, "add", _outbox_refused)
        asked = await answering_bot.says(CARYS, "How many days of annual leave do I get?")

    assert "doesn't cover" in text_of(asked.card)
    assert "ask.escalate" not in text_of(asked.card)
    assert strings.text("ask.not_recorded", Lang.EN) in text_of(asked.card)


# A long question


async def test_a_long_question_passed_to_the_headteacher_reaches_her_whole(answering_bot: BotInMemory) -> None:
    """As long as the bot takes (4,000 characters): it was cut at 2,000, mid-sentence, with nothing to say so."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    long = ("How many days of annual leave do I get when my class goes on a residential trip? " * 50)[
        :MAX_TEXT - 8] + "THE END?"
    asked = await bot.says(CARYS, long)

    await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))

    [to_head] = await bot.cards_for(SIAN)
    assert long in text_of(to_head)


@pytest.mark.parametrize(("lang", "zone", "uk_time"), [(Lang.EN, "Europe/Madrid", True),
                                                      (Lang.CY, "Europe/Madrid", True),
                                                      (Lang.EN, "Europe/London", False), (Lang.EN, "", False)])
async def test_a_question_passed_to_a_head_abroad_says_its_time_is_uk_time(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex], lang: Lang,
        zone: str, uk_time: bool) -> None:
    """Siân is on a school trip in Spain; her Teams said so (clientInfo's localTimezone) when she last wrote to the bot.
    Carys passes her a question at 10:00 UK time: the card read "From Carys Jenkins, 01/12/2026 10:00", which Siân
    took for her own 10:00, an hour after it was asked. The time on it says it is UK time, in her language; to a head
    at home, or one whose zone the bot was never told, it is as it was."""
    clock = Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: policy_in_force, clock=clock)
    await bot.meets(CARYS)
    await MemoryUserProfiles(bot.store).save_profile(UserProfile(person=SIAN, language=lang, time_zone=zone,
                                                                 conversation_ref='{"user": "Siân"}'))
    asked = await bot.says(CARYS, "How many days of annual leave do I get?")

    await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))

    [to_head] = await bot.cards_for(SIAN)
    at = "01/12/2026 10:00" + {Lang.EN: " UK time", Lang.CY: " amser y DU"}[lang] * uk_time
    assert strings.text("ask.head_from", lang, name=CARYS.name, when=at) in text_of(to_head), text_of(to_head)


def test_a_question_is_kept_whole_up_to_what_the_bot_takes_and_a_longer_one_shows_it_was_cut() -> None:
    longer = kept_text("What about the parents' group? " * 200)

    assert MAX_TEXT <= MAX_QUESTION and kept_text("x" * MAX_TEXT) == "x" * MAX_TEXT
    assert len(longer) <= MAX_QUESTION and longer.endswith("…")


# When the policy owner changes


async def test_a_question_passed_to_a_policy_owner_who_has_since_left_can_be_answered_by_the_new_one(
        answering_bot: BotInMemory, strings: Catalogue, federation: Federation,
        policy_in_force: PolicyInForce[PolicyIndex]) -> None:
    """Mrs Roberts leaves the role with Carys's question unanswered; Gareth becomes policy owner."""
    await answering_bot.meets(CARYS, SIAN, GARETH)
    asked = await answering_bot.says(CARYS, "How many days of annual leave do I get?")
    await answering_bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))
    [to_sian] = await answering_bot.cards_for(SIAN)
    federation_now = replace(federation, policy_owner=StaffContact(GARETH.aad_object_id, GARETH.name))
    later = open_bot(strings, federation_now, lambda: policy_in_force, store=answering_bot.store)

    review = await later.says(GARETH, "questions for review")
    opened = await later.clicks(GARETH, "ask.question", verb_data(review.card or {}, "ask.question"))
    left = await later.clicks(SIAN, "ask.reply", {"q": verb_data(to_sian, "ask.reply")["q"], "reply": "Too late."})
    replied = await later.clicks(GARETH, "ask.reply", verb_data(opened.card or {}, "ask.reply") | {
        "reply": "Ask the office."})

    assert "annual leave" in text_of(opened.card) and opened.new_message
    assert "can't find that record" in text_of(left.card)
    assert "Replied by" in text_of(replied.card)
    assert "Ask the office." in text_of((await later.cards_for(CARYS))[-1])


async def test_a_question_answered_by_the_new_policy_owner_never_reaches_the_former_one_later(
        answering_bot: BotInMemory, strings: Catalogue, federation: Federation,
        policy_in_force: PolicyInForce[PolicyIndex]) -> None:
    """Mrs Roberts had not opened the bot (or had removed it) when Carys's question was passed to her; she leaves the
    role, and Gareth answers it from his review list. Before, her card, with Carys's name and question and a reply box
    that no longer works, was still sent to her the day she next opened the bot."""
    await answering_bot.meets(CARYS, GARETH)
    asked = await answering_bot.says(CARYS, "How many days of annual leave do I get?")
    await answering_bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))
    assert "annual leave" in text_of(await answering_bot.cards_for(SIAN))
    federation_now = replace(federation, policy_owner=StaffContact(GARETH.aad_object_id, GARETH.name))
    later = open_bot(strings, federation_now, lambda: policy_in_force, store=answering_bot.store)

    review = await later.says(GARETH, "questions for review")
    opened = await later.clicks(GARETH, "ask.question", verb_data(review.card or {}, "ask.question"))
    await later.clicks(GARETH, "ask.reply", verb_data(opened.card or {}, "ask.reply") | {"reply": "Ask the office."})

    assert "annual leave" not in text_of(await later.cards_for(SIAN))
    assert "Ask the office." in text_of((await later.cards_for(CARYS))[-1])


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_a_headteacher_who_is_not_the_policy_owner_reads_whose_reply_a_question_waits_for(
        answering_bot: BotInMemory, strings: Catalogue, federation: Federation,
        policy_in_force: PolicyInForce[PolicyIndex], lang: Lang) -> None:
    """Gareth owns the policy, so questions passed on go to him. Siân, the headteacher, saw "Waiting for a reply" on her
    review list with no Reply button, as if it were waiting for her and the button missing. It now says whose reply it
    waits for; Gareth's own list still says "Waiting for a reply", with his Reply button."""
    federation_now = replace(federation, policy_owner=StaffContact(GARETH.aad_object_id, "Mr Gareth Hughes"))
    bot = open_bot(strings, federation_now, lambda: policy_in_force, store=answering_bot.store)
    await bot.meets(CARYS, SIAN, GARETH)
    asked = await bot.says(CARYS, "How many days of annual leave do I get?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))

    heads = text_of((await bot.says(SIAN, "questions for review", lang=lang)).card)
    owners = (await bot.says(GARETH, "questions for review", lang=lang)).card

    assert strings.text("ask.review_waiting_for", lang, name="Mr Gareth Hughes") in heads
    assert "ask.question" not in heads
    assert strings.text("ask.review_waiting", lang) in text_of(owners) and verb_data(owners or {}, "ask.question")
    assert "Mr Gareth Hughes" not in text_of(owners)


async def test_the_cards_showing_a_new_policy_owners_reply_go_with_the_question_a_year_on(
        answering_bot: BotInMemory, strings: Catalogue, federation: Federation,
        policy_in_force: PolicyInForce[PolicyIndex]) -> None:
    """Gareth, policy owner after Mrs Roberts, replies to Carys's question from his review list: the edit that shows
    the reply on his cards of it names Carys and her question, so it goes when the question does."""
    await answering_bot.meets(CARYS, SIAN, GARETH)
    asked = await answering_bot.says(CARYS, "How many days of annual leave do I get?")
    await answering_bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))
    federation_now = replace(federation, policy_owner=StaffContact(GARETH.aad_object_id, GARETH.name))
    later = open_bot(strings, federation_now, lambda: policy_in_force, store=answering_bot.store)
    review = await later.says(GARETH, "questions for review")
    opened = await later.clicks(GARETH, "ask.question", verb_data(review.card or {}, "ask.question"))
    await later.clicks(GARETH, "ask.reply", verb_data(opened.card or {}, "ask.reply") | {"reply": "Ask the office."})
    assert "annual leave" in text_of(await later.cards_for(GARETH))

    a_year_on = add_months(datetime.now(UTC), 12) + timedelta(minutes=1)
    await forget_old_questions(MemoryQuestionLog(later.store), now=a_year_on, months=12,
                               policy_owner=federation_now.policy_owner)

    assert later.store.questions == {} and "annual leave" not in text_of(await later.cards_for(GARETH))



def _verbs(card: Mapping[str, Any] | None) -> list[str]:
    return [str(action.get("verb", "")) for action in actions(dict(card or {}))]


@pytest.mark.parametrize(("asked", "lang", "pointed"), [
    ("Has Carys Jenkins posted photos of pupils?", Lang.EN, "Report a concern"),
    ("Ydy Carys Jenkins wedi postio lluniau o ddisgyblion ar Facebook?", Lang.CY, "Codi pryder"),
])
async def test_a_question_naming_a_colleague_the_policy_does_not_cover_also_points_to_a_private_concern(
        answering_bot: BotInMemory, asked: str, lang: Lang, pointed: str) -> None:
    """It got only the offer to pass the question, the colleague's name with it, to the headteacher."""
    await answering_bot.has_the_staff_list()

    reply = await answering_bot.says(OWAIN, asked, lang=lang)

    assert "ask.escalate" in _verbs(reply.card) and "concern.form" in _verbs(reply.card)
    assert pointed in text_of(reply.card)
    [record] = answering_bot.store.questions.values()  # kept as any question is, and nothing more
    assert record.text == asked and not answering_bot.store.reports


# In a group chat or a channel the colleague named may be reading: before, the card there offered everyone Report a
# concern beside her name. The pointer now goes to the asker's own chat, and the group's card says nothing of concerns.
@pytest.mark.parametrize("scope", [Scope.GROUP, Scope.CHANNEL])
@pytest.mark.parametrize(("asked", "lang", "pointed"), [
    ("Has Carys Jenkins posted photos of pupils?", Lang.EN, "Report a concern"),
    ("Ydy Carys Jenkins wedi postio lluniau o ddisgyblion ar Facebook?", Lang.CY, "Codi pryder"),
])
async def test_a_question_naming_a_colleague_in_a_group_points_to_a_concern_only_in_the_askers_own_chat(
        answering_bot: BotInMemory, asked: str, lang: Lang, pointed: str, scope: Scope) -> None:
    await answering_bot.has_the_staff_list()
    await answering_bot.meets(OWAIN)

    reply = await answering_bot.says(OWAIN, asked, lang=lang, scope=scope)

    assert "concern.form" not in _verbs(reply.card) and pointed not in text_of(reply.card)
    assert "ask.escalate" in _verbs(reply.card)  # the rest of the card as in the 1:1 chat
    [privately] = await answering_bot.cards_for(OWAIN)
    assert "concern.form" in _verbs(privately) and pointed in text_of(privately) and asked in text_of(privately)


async def test_a_question_naming_nobody_in_a_group_sends_nothing_privately(answering_bot: BotInMemory) -> None:
    await answering_bot.has_the_staff_list()
    await answering_bot.meets(OWAIN)

    await answering_bot.says(OWAIN, "How do I book annual leave?", scope=Scope.GROUP)

    assert await answering_bot.cards_for(OWAIN) == []


async def test_questions_the_policy_does_not_cover_read_the_staff_list_once_not_each_time(
        answering_bot: BotInMemory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A question turn keeps to its two storage calls (the person, the question): the staff list a question's names
    are looked up in is read once for a few minutes, not on every question the policy does not cover."""
    await answering_bot.has_the_staff_list()
    reads: list[int] = []
    list_members = MemoryStaffDirectory.list_members

    async def counted(self: MemoryStaffDirectory) -> list[StaffMember]:
        reads.append(1)
        return await list_members(self)

    monkeypatch.setattr(MemoryStaffDirectory, "list_members", counted)

    first = await answering_bot.says(OWAIN, "Has Carys Jenkins posted photos of pupils?")
    await answering_bot.says(OWAIN, "How do I book annual leave?")
    third = await answering_bot.says(OWAIN, "Has Gareth Hughes posted photos of pupils on Facebook?")

    assert len(reads) == 1
    assert "concern.form" in _verbs(first.card) and "concern.form" in _verbs(third.card)


@pytest.mark.parametrize("asked", ["How many days of annual leave do I get?", "Can Mr Jones see my posts?",
                                   "Can Gareth see my posts?"])
async def test_an_ordinary_policy_question_gets_no_concern_button_whoever_it_names(answering_bot: BotInMemory,
                                                                                   asked: str) -> None:
    """Not covered and naming nobody on the staff list, or answered by the policy (naming someone or not)."""
    await answering_bot.has_the_staff_list()

    reply = await answering_bot.says(OWAIN, asked)

    assert "concern.form" not in _verbs(reply.card)


# Hwb is one tenant for every maintained school in Wales, staff and pupils: the staff list says who is the federation's

PUPIL = Person(CARYS.tenant_id, "c3000000-0000-4000-8000-0000000000b1", "Elis Pupil (Year 9)")


@pytest.mark.parametrize(("asked", "lang", "said"), [
    ("How many days of annual leave do I get?", Lang.EN, "staff list"),
    ("Faint o ddiwrnodau o wyliau blynyddol ydw i'n eu cael?", Lang.CY, "rhestr staff")])
async def test_a_pupil_in_the_hwb_tenant_is_answered_from_the_policy_but_cannot_pass_a_question_to_the_headteacher(
        answering_bot: BotInMemory, strings: Catalogue, asked: str, lang: Lang, said: str) -> None:
    """Reading the policy is open to anyone in the tenant; passing a question on is for the federation's staff."""
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(PUPIL, SIAN)
    answered = await bot.says(PUPIL, "Can I be friends with pupils on Facebook?")
    not_covered = await bot.says(PUPIL, asked)

    clicked = await bot.clicks(PUPIL, "ask.escalate", verb_data(not_covered.card or {}, "ask.escalate"))

    assert _quotes(answered.card or {})
    assert clicked.new_message
    told = strings.text("ask.not_on_staff_list", lang, federation=bot.federation.name(lang))
    assert told in text_of(clicked.card) and said in text_of(clicked.card)
    assert await bot.cards_for(SIAN) == [] and _passed_on_counts(bot) == {}
    assert all(record.escalated_at is None for record in bot.store.questions.values())


async def test_a_new_starter_added_to_the_staff_list_can_pass_a_question_on_once_the_list_is_read_again(
        answering_bot: BotInMemory, strings: Catalogue) -> None:
    bot = answering_bot
    await bot.has_the_staff_list()
    await bot.meets(PUPIL, SIAN)
    not_covered = await bot.says(PUPIL, "How many days of annual leave do I get?")
    refused = await bot.clicks(PUPIL, "ask.escalate", verb_data(not_covered.card or {}, "ask.escalate"))
    directory = MemoryStaffDirectory(bot.store)
    await directory.replace_all([*await directory.list_members(), StaffMember(
        "Elis Newydd", "elis.newydd@llanidloes.example.cymru", "high", "Teaching Assistant", "",
        PUPIL.aad_object_id)])
    await bot.keeps_the_staff_list()

    passed = await bot.clicks(PUPIL, "ask.escalate", verb_data(not_covered.card or {}, "ask.escalate"))

    assert "staff list" in text_of(refused.card) and "staff list" not in text_of(passed.card)
    assert len(await bot.cards_for(SIAN)) == 1


_LIVESTREAMING = "Ni chaiff staff ffrydio'n fyw o'r ystafell ddosbarth ar unrhyw blatfform."


def _with_a_section(folder: Path, heading: str, rule: str) -> PolicyInForce[PolicyIndex]:
    """The 2022 policy with one more section (its heading and one rule) before the one on mobile devices, imported as
    the policy owner would."""
    at = POLICY_TEXT.index("Use of personal mobile devices at work")
    source = folder / "policy.txt"
    source.write_text(f"{POLICY_TEXT[:at]}{heading}\n\n{rule}\n\n{POLICY_TEXT[at:]}", encoding="utf-8")
    policy = policy_from_data(import_policy(source, fixture_policy()).data)
    return PolicyInForce(policy, PolicyIndex(policy))


@pytest.fixture(scope="module")
def with_a_welsh_only_section(tmp_path_factory: pytest.TempPathFactory) -> PolicyInForce[PolicyIndex]:
    """The 2022 policy with a section typed only in Welsh (no livestreaming from the classroom)."""
    return _with_a_section(tmp_path_factory.mktemp("policy"), "Ffrydio byw", _LIVESTREAMING)


async def test_a_welsh_card_quoting_a_section_typed_only_in_welsh_says_it_quotes_the_documents_welsh(
        strings: Catalogue, federation: Federation, with_a_welsh_only_section: PolicyInForce[PolicyIndex]) -> None:
    """The Welsh card quoted the Welsh rule under its Welsh heading, then said the heading was the English document's
    and that the policy was quoted "yn Saesneg" (in English)."""
    bot = open_bot(strings, federation, lambda: with_a_welsh_only_section)

    reply = await bot.says(CARYS, "Ga i ffrydio'n fyw o'r ystafell ddosbarth?", lang=Lang.CY)

    shown = text_of(reply.card)
    assert _quotes(reply.card or {}) == [_LIVESTREAMING]
    assert 'adran \\"Ffrydio byw\\".' in shown, shown
    assert strings.text("ask.quote_welsh_note", Lang.CY) in shown
    assert "ddogfen Saesneg" not in shown and strings.text("ask.quote_language_note", Lang.CY) not in shown


@pytest.mark.parametrize(("said", "teams_in", "told"), [
    ("are my questions private?", Lang.EN, "I keep each question you ask me"),
    ("Who sees what I ask?", Lang.EN, "I keep each question you ask me"),
    ("who can see my questions?", Lang.CY, "Dw i'n cadw pob cwestiwn"),
    ("Ydy fy nghwestiynau i'n breifat?", Lang.EN, "Dw i'n cadw pob cwestiwn"),
    ("Pwy sy'n gweld beth dw i'n ei ofyn?", Lang.EN, "Dw i'n cadw pob cwestiwn"),
    # As staff type it: "dwi", north "ydi", without the mutation after "fy".
    ("pwy sy'n gweld be dwi'n ofyn?", Lang.EN, "Dw i'n cadw pob cwestiwn"),
    ("Ydi'r pennaeth yn gweld fy nghwestiynau?", Lang.EN, "Dw i'n cadw pob cwestiwn"),
    ("ydy fy cwestiynau i'n breifat", Lang.EN, "Dw i'n cadw pob cwestiwn"),
])
async def test_a_question_about_what_the_bot_keeps_of_questions_gets_what_it_does(
        answering_bot: BotInMemory, said: str, teams_in: Lang, told: str) -> None:
    """ "are my questions private?" quoted the policy's Legislation section: a question about the bot, not the policy.
    The answer says what is kept, who sees it (the review list without the name; the name only on a question passed
    on), for how long, and nothing of the question itself is kept."""
    reply = await answering_bot.says(CARYS, said, lang=teams_in)

    shown = text_of(reply.card)
    assert told in shown and _quotes(reply.card or {}) == []
    assert "12" in shown and answering_bot.federation.policy_owner.name in shown
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize("said", ["can I keep my Facebook private?", "is my personal profile private?",
                                  "Ga i gadw fy nghyfrif Facebook yn breifat?"])
async def test_a_question_about_keeping_ones_own_accounts_private_still_goes_to_the_policy(
        answering_bot: BotInMemory, said: str) -> None:
    reply = await answering_bot.says(CARYS, said)

    assert "I keep each question" not in text_of(reply.card) and "Dw i'n cadw pob" not in text_of(reply.card)
    assert [record.text for record in answering_bot.store.questions.values()] == [said]


async def test_the_answer_about_what_is_kept_gives_the_schools_own_retention_period(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex]) -> None:
    bot = open_bot(strings, federation, lambda: policy_in_force, question_retention_months=1)

    english = await bot.says(CARYS, "are my questions private?")
    welsh = await bot.says(CARYS, "ydy fy nghwestiynau i'n breifat?")

    assert "one month after" in text_of(english.card) and "fis ar ôl" in text_of(welsh.card)


# What Ask the headteacher does, said where it is offered

# (the person's language, what "the reply comes back here" reads as in each, and what it reads as in a group)
_REPLY_HERE = {Lang.EN: "the reply comes back here", Lang.CY: "daw'r ateb yn ôl yma"}
_REPLY_IN_OWN_CHAT = {Lang.EN: "your own chat with me", Lang.CY: "sgwrs eich hun â mi"}


@pytest.mark.parametrize("lang", list(Lang))
async def test_in_a_group_chat_ask_the_headteacher_says_the_reply_comes_to_the_askers_own_chat_not_here(
        answering_bot: BotInMemory, lang: Lang) -> None:
    """Carys marked an answer not helpful in a group chat: its card told her (and the group) that "the reply comes back
    here". It comes to her own chat with the bot, as passing it on happens there; the card in the group now says so,
    and in her own chat it still says "here"."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    question = "Can I post photos of my class on my own Instagram?"

    in_group = await bot.says(CARYS, question, lang=lang, scope=Scope.GROUP)
    group_rated = await bot.clicks(CARYS, "ask.feedback", verb_data(in_group.card or {}, "ask.feedback") | {
        "value": "not_helpful"}, lang=lang, scope=Scope.GROUP)
    in_private = await bot.says(CARYS, question, lang=lang)
    private_rated = await bot.clicks(CARYS, "ask.feedback", verb_data(in_private.card or {}, "ask.feedback") | {
        "value": "not_helpful"}, lang=lang)

    assert "ask.escalate" in text_of(group_rated.card)
    assert _REPLY_HERE[lang] not in text_of(group_rated.card)
    assert _REPLY_IN_OWN_CHAT[lang] in text_of(group_rated.card)
    assert _REPLY_HERE[lang] in text_of(private_rated.card)


@pytest.mark.parametrize(("question", "lang"), [
    ("How many days of annual leave do I get?", Lang.EN),
    ("Faint o ddiwrnodau o wyliau blynyddol ydw i'n eu cael?", Lang.CY),
])
async def test_a_not_covered_card_says_who_answers_instead_and_where_the_reply_comes(
        answering_bot: BotInMemory, question: str, lang: Lang) -> None:
    """The policy did not cover Carys's question: the card said only "I won't guess" over a button, Ask the headteacher,
    with nothing saying what pressing it does (the card after Not helpful says it). It now says that the question goes
    to the headteacher and that the reply comes back here, or, asked in a group chat, to her own chat with the bot."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)

    in_private = await bot.says(CARYS, question, lang=lang)
    in_group = await bot.says(CARYS, question, lang=lang, scope=Scope.GROUP)

    goes_to_head = {Lang.EN: "your question goes to the headteacher",
                    Lang.CY: "mae eich cwestiwn yn mynd at y pennaeth"}[lang]
    assert _quotes(in_private.card or {}) == [] and "ask.escalate" in text_of(in_private.card)
    assert goes_to_head in text_of(in_private.card) and _REPLY_HERE[lang] in text_of(in_private.card)
    assert goes_to_head in text_of(in_group.card) and _REPLY_IN_OWN_CHAT[lang] in text_of(in_group.card)
    assert _REPLY_HERE[lang] not in text_of(in_group.card)


@pytest.mark.parametrize(("first", "then", "plainly", "lang"), [
    ("Can I accept a friend request from a pupil?", "Thanks! And if they're over 18?", "And if they're over 18?",
     Lang.EN),
    ("Can I accept a friend request from a pupil?", "ok thanks, what about Instagram?", "what about Instagram?",
     Lang.EN),
    ("Ga i dderbyn cais ffrind gan ddisgybl?", "Diolch! A beth am Instagram?", "A beth am Instagram?", Lang.CY),
])
async def test_a_follow_up_after_thanks_goes_on_from_the_question_before_as_it_does_without(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex], first: str, then: str,
        plainly: str, lang: Lang) -> None:
    """Carys read the answer, typed "Thanks! And if they're over 18?", and it was asked on its own: the thanks in front
    of it hid the follow-up, so the friend request it followed was lost ("Diolch! A beth am Instagram?" quoted the
    policy's scope sentence). It now goes on from her question as the follow-up without the thanks does, and is kept
    with it without the thanks in the middle."""
    with_thanks = open_bot(strings, federation, lambda: policy_in_force)
    without = open_bot(strings, federation, lambda: policy_in_force)
    await with_thanks.says(CARYS, first, lang=lang)
    await without.says(CARYS, first, lang=lang)

    reply = await with_thanks.says(CARYS, then, lang=lang)
    plain = await without.says(CARYS, plainly, lang=lang)

    assert _quotes(reply.card or {}) == _quotes(plain.card or {}) != []
    kept = {record.text: record for record in with_thanks.store.questions.values()}
    assert kept[f"{first} {plainly}"].follows_id == kept[first].question_id


@pytest.mark.parametrize("said", ["logo", "staff", "blog", "blog posts?", "blog disclaimer?"])
async def test_a_word_english_shares_with_welsh_typed_alone_keeps_the_persons_language(
        answering_bot: BotInMemory, said: str) -> None:
    """Carys, whose Teams is in English, typed "logo" and got the whole card in Welsh ("O'r polisi: Defnydd personol…"),
    as did "staff" and "blog": Welsh has the same words, so the policy's index reads them as Welsh. A message of
    such words alone says nothing of the person's language: the card, and the question kept, are in theirs."""
    reply = await answering_bot.says(CARYS, said)

    assert _quotes(reply.card or {}) != []
    assert "From the policy" in text_of(reply.card) and "O'r polisi" not in text_of(reply.card)
    [record] = answering_bot.store.questions.values()
    assert record.lang is Lang.EN


@pytest.mark.parametrize("said", ["ffôn?", "logo'r ysgol?", "rhieni?", "lluniau staff"])
async def test_a_welsh_word_typed_alone_still_gets_a_welsh_card_from_teams_in_english(
        answering_bot: BotInMemory, said: str) -> None:
    reply = await answering_bot.says(CARYS, said)

    kept = [record.lang for record in answering_bot.store.questions.values()]
    if kept:
        assert "O'r polisi" in text_of(reply.card) or "Dydy'r polisi ddim" in text_of(reply.card)
        assert kept == [Lang.CY]
    else:  # words the policy speaks of but does not answer ("lluniau staff"): where it does, in Welsh, nothing kept
        assert "Lle mae'r polisi'n sôn am hyn" in text_of(reply.card)


# An answer card pressed after a new version of the policy was published


def _bot_on_version_1(strings: Catalogue, federation: Federation, shared_policy_indexes: SharedIndexes,
                      tmp_path: Path) -> tuple[BotInMemory, Callable[[], None]]:
    """A bot answering from the shipped policy (version 1), and what puts a revised version 2 in force, as publishing
    does; the bot reads version 1 back as app.py's does."""
    shipped = fixture_policy()
    source = tmp_path / "policy-2.txt"
    source.write_text(revised_text(version="2"), encoding="utf-8")
    v2 = policy_from_data(import_policy(source, shipped).data)
    in_force = {"policy": PolicyInForce(shipped, shared_policy_indexes(shipped))}

    async def earlier(version: str) -> Policy | None:
        return shipped if version == "1" else None

    def publish_version_2() -> None:
        in_force["policy"] = PolicyInForce(v2, shared_policy_indexes(v2))

    return open_bot(strings, federation, lambda: in_force["policy"], policy_version=earlier), publish_version_2


@pytest.mark.parametrize(("question", "lang", "told"), [
    ("Can I use my phone during lessons?", Lang.EN,
     "This answer quotes version 1 of the policy. Version 2 is in force now"),
    ("Ga i ddefnyddio fy ffôn yn ystod gwersi?", Lang.CY,
     "Mae'r ateb hwn yn dyfynnu fersiwn 1 o'r polisi. Fersiwn 2 sydd mewn grym nawr"),
])
async def test_an_answer_rated_after_a_new_version_is_published_says_it_quotes_the_version_before(
        strings: Catalogue, federation: Federation, shared_policy_indexes: SharedIndexes, tmp_path: Path,
        question: str, lang: Lang, told: str) -> None:
    """Carys was answered from version 1 on mobile phones; version 2, which drops that section, was published; she
    pressed Helpful, or Not helpful, on the card still in her chat. It was drawn again with version 1's rule and
    nothing saying that a version without it is in force (the headteacher's card of the same question says so). It
    now says which version it quotes and that another is in force, to ask again; a card answered from the version in
    force says nothing of versions."""
    bot, publish_version_2 = _bot_on_version_1(strings, federation, shared_policy_indexes, tmp_path)
    helpful_asked = await bot.says(CARYS, question, lang=lang)
    unhelpful_asked = await bot.says(CARYS, question, lang=lang)
    publish_version_2()
    asked_now = await bot.says(CARYS, "Can I be friends with pupils on Facebook?", lang=lang)

    helpful = await bot.clicks(CARYS, "ask.feedback", verb_data(helpful_asked.card or {}, "ask.feedback") | {
        "value": "helpful"}, lang=lang)
    unhelpful = await bot.clicks(CARYS, "ask.feedback", verb_data(unhelpful_asked.card or {}, "ask.feedback") | {
        "value": "not_helpful"}, lang=lang)
    rated_now = await bot.clicks(CARYS, "ask.feedback", verb_data(asked_now.card or {}, "ask.feedback") | {
        "value": "helpful"}, lang=lang)

    for card in (helpful.card, unhelpful.card):
        assert _quotes(card or {}) == _quotes(helpful_asked.card or {}) != []
        assert told in text_of(card)
    assert "version 1" not in text_of(rated_now.card).lower() and "fersiwn 1 o" not in text_of(rated_now.card)


@pytest.mark.parametrize(("said", "told"), [
    ("thx", "You're welcome."), ("ty", "You're welcome."), ("tysm", "You're welcome."), ("thank u", "You're welcome."),
    ("ok thank u", "You're welcome."), ("brill thanks", "You're welcome."), ("much appreciated", "You're welcome."),
    ("that's helpful", "You're welcome."), ("Really helpful, thank you", "You're welcome."),
    ("Thank you so much, that's really helpful!", "You're welcome."), ("Thanks! That makes sense.", "You're welcome."),
    ("brill", "All right."), ("lush", "All right."), ("makes sense", "All right."), ("helpful", "All right."),
    ("defnyddiol iawn", "Croeso."), ("mae hynny'n help", "Iawn."), ("Diolch, mae hynny'n gwneud synnwyr", "Croeso."),
    ("mae hynny'n gwneud synnwyr", "Iawn."),
    # Typed in a hurry: a letter swapped, dropped or spelt as said.
    ("thanx", "You're welcome."), ("thnx", "You're welcome."), ("thnaks", "You're welcome."),
    ("thansk!", "You're welcome."), ("dioch", "Croeso."), ("diolc", "Croeso."),
    # Goodbyes and good wishes, Welsh as it is typed in Powys, Ceredigion and Gwynedd.
    ("pob lwc", "Croeso."), ("Pob lwc!", "Croeso."), ("pob lwc efo hwnna", "Croeso."), ("mawr ddiolch", "Croeso."),
    ("Mawr diolch!", "Croeso."), ("hwyl am y tro", "Croeso."), ("hwyl rwan", "Croeso."),
    ("cymerwch ofal", "Croeso."), ("good luck", "You're welcome."), ("all the best", "You're welcome."),
])
async def test_thanks_as_staff_type_it_after_an_answer_gets_a_friendly_word_never_a_question_for_the_head(
        answering_bot: BotInMemory, said: str, told: str) -> None:
    """Carys read her answer and typed "thx", "Thank you so much, that's really helpful!" or "defnyddiol iawn": each was
    asked of the policy, so she got "The policy doesn't cover that" with an offer to pass "thx" to the headteacher (or a
    quote of the policy's purpose for "makes sense", and a Welsh card for "ty"), and it went on the head's questions
    for review. Each now gets the word thanks or an ok gets, and nothing is kept."""
    await answering_bot.says(CARYS, "Can I be friends with pupils on Facebook?")
    kept = dict(answering_bot.store.questions)

    reply = await answering_bot.says(CARYS, said)

    assert told in text_of(reply.card)
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == kept


@pytest.mark.parametrize(("question", "lang", "told", "head_told"), [
    ("Can I put pupils' names into ChatGPT?", Lang.EN,
     "I looked for this in version 1 of the policy. Version 2 is in force now",
     "The bot found nothing on this in version 1 (version 2 is in force now)"),
    ("Ga i roi enwau disgyblion yn ChatGPT?", Lang.CY,
     "Chwiliais i am hyn yn fersiwn 1 o'r polisi. Fersiwn 2 sydd mewn grym nawr",
     "Ni ddaeth y bot o hyd i ddim am hyn yn fersiwn 1 (fersiwn 2 sydd mewn grym nawr)"),
])
async def test_a_question_not_covered_passed_on_after_a_new_version_says_which_version_was_searched(
        strings: Catalogue, federation: Federation, shared_policy_indexes: SharedIndexes, tmp_path: Path,
        question: str, lang: Lang, told: str, head_told: str) -> None:
    """Version 1 did not cover Carys's question on ChatGPT; version 2, with a section on generative AI, was published;
    she pressed Ask the headteacher on the card still in her chat. Her card said again "The policy doesn't cover
    that" and the headteacher's "A question the policy doesn't answer", though the version in force now answers it.
    Both now say which version was searched and that another is in force (hers, to ask again); a question not covered
    by the version in force says nothing of versions."""
    bot, publish_version_2 = _bot_on_version_1(strings, federation, shared_policy_indexes, tmp_path)
    await bot.meets(CARYS, OWAIN)
    await MemoryUserProfiles(bot.store).save_profile(UserProfile(person=SIAN, teams_language=lang,
                                                                 conversation_ref='{"user": "Siân"}'))
    asked = await bot.says(CARYS, question, lang=lang)
    publish_version_2()
    asked_now = await bot.says(OWAIN, "How many days of annual leave do I get?", lang=lang)

    passed_on = await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"), lang=lang)
    pressed_again = await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"), lang=lang)
    passed_on_now = await bot.clicks(OWAIN, "ask.escalate", verb_data(asked_now.card or {}, "ask.escalate"),
                                     lang=lang)
    to_head, to_head_now = await bot.cards_for(SIAN)

    assert _quotes(asked.card or {}) == [] and told not in text_of(asked.card)
    assert told in text_of(passed_on.card) and told in text_of(pressed_again.card)
    assert head_told in text_of(to_head)
    assert "version 1" not in text_of(passed_on_now.card) + text_of(to_head_now)
    assert "fersiwn 1" not in text_of(passed_on_now.card) + text_of(to_head_now)


@pytest.mark.parametrize(("said", "lang", "told"), [
    ("hi again", Lang.EN, "I help staff"), ("morning!", Lang.EN, "I help staff"),
    ("hello again", Lang.EN, "I help staff"), ("helo eto", Lang.EN, "Rydw i'n helpu staff"),
])
async def test_a_greeting_mid_conversation_gets_the_welcome_never_a_question_for_the_head(
        answering_bot: BotInMemory, said: str, lang: Lang, told: str) -> None:
    """ "hi again" and "morning!" were asked of the policy: "The policy doesn't cover that", offered to the
    headteacher and kept for her review."""
    await answering_bot.says(CARYS, "Can I be friends with pupils on Facebook?")
    kept = dict(answering_bot.store.questions)

    reply = await answering_bot.says(CARYS, said, lang=lang)

    assert told in text_of(reply.card)
    assert answering_bot.store.questions == kept


async def test_typed_questions_past_the_days_limit_are_neither_answered_nor_kept_and_say_from_when(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex]) -> None:
    """Before, typed questions had no limit of their own: one person (or a script with a Teams account) could fill the
    question log and the headteacher's questions for review. Now a person may type TYPED_QUESTION_LIMIT_PER_DAY (100)
    in the 24 hours from their first; one more is neither answered nor kept, and the card says so, in their language,
    with when they can ask again. Every question within the limit is kept, a colleague is not limited by it, and from
    that time Carys asks as before."""
    clock = Clock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: policy_in_force, clock=clock)
    for number in range(99):
        await bot.says(CARYS, f"Can I post photos of pupils from trip {number + 1} on Facebook?")

    two = await bot.says(CARYS, "Can I be friends with pupils on Facebook? Can I use Instagram for my class?")
    over = await bot.says(CARYS, "Ga i fod yn ffrindiau gyda disgyblion ar Facebook?", lang=Lang.CY)
    colleague = await bot.says(OWAIN, "Can I be friends with pupils on Facebook?")

    assert len([r for r in bot.store.questions.values() if r.asker == CARYS]) == 100
    assert "friends with pupils" in text_of(two.card) and len(two.more) == 1  # the 100th answered, then one notice
    limited = strings.text("ask.typed_limited", Lang.EN, count=100, when="25/11/2026 09:00")
    assert limited in text_of(two.more[0])
    assert strings.text("ask.typed_limited", Lang.CY, count=100, when="25/11/2026 09:00") in text_of(over.card)
    assert "ask.feedback" not in text_of(over.card) and "ask.escalate" not in text_of(over.card)
    assert [r.text for r in bot.store.questions.values() if r.asker == OWAIN] == [
        "Can I be friends with pupils on Facebook?"] and "ask.feedback" in text_of(colleague.card)

    clock.now += timedelta(days=1)
    again = await bot.says(CARYS, "Can I be friends with pupils on Facebook?")

    assert "ask.feedback" in text_of(again.card)
    assert len([r for r in bot.store.questions.values() if r.asker == CARYS]) == 101


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
async def test_typed_questions_past_the_days_limit_in_a_group_chat_are_said_only_privately(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex], lang: Lang) -> None:
    """Before, one question past the day's limit typed in a group chat or channel (@mentioning the bot) was answered
    there with "You've asked the bot as many questions as it takes from one person in 24 hours (100…)": everyone in the
    group read how much one colleague had used the bot, in words ("You've…") each of them could take as about
    themselves, and someone flooding the group with @mentions had the bot post a card for each. Now the group hears
    nothing of it; the notice comes to the asker's own chat, once however many more they type; nothing is answered or
    kept. Someone the bot cannot reach privately is told in the group only where to find it, as for anything private."""
    clock = Clock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: policy_in_force, clock=clock)
    await bot.meets(CARYS)
    for number in range(100):
        await bot.says(CARYS, f"Can I post photos of pupils from trip {number + 1} on Facebook?", scope=Scope.GROUP)
    kept = dict(bot.store.questions)
    owed_before = len(await bot.cards_for(CARYS))

    over = await bot.says(CARYS, "Can I be friends with pupils on Facebook?", lang=lang, scope=Scope.GROUP)
    again = await bot.says(CARYS, "Can I use Instagram for my class? Can I use TikTok?", lang=lang, scope=Scope.GROUP)
    colleague = await bot.says(OWAIN, "Can I be friends with pupils on Facebook?", lang=lang, scope=Scope.GROUP)

    limited = strings.text("ask.typed_limited", lang, count=100, when="25/11/2026 09:00")
    assert over.card is None and over.more == [] and again.card is None and again.more == []
    private = (await bot.cards_for(CARYS))[owed_before:]
    assert len(private) == 1 and limited in text_of(private[0])
    assert {k: r for k, r in bot.store.questions.items() if r.asker == CARYS} == kept
    # A colleague in the same group is not limited by her: his question is answered there.
    assert "ask.feedback" in text_of(colleague.card)


async def test_typed_questions_past_the_limit_in_a_group_by_someone_the_bot_cannot_reach_say_where_to_find_it(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex]) -> None:
    """One past the limit in a group chat by someone who never opened a chat with the bot: the group is told only that
    it is shown privately (no count, nothing about them), and the notice waits for their own chat."""
    clock = Clock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: policy_in_force, clock=clock)
    for number in range(100):
        await bot.says(OWAIN, f"Can I post photos of pupils from trip {number + 1} on Facebook?", scope=Scope.GROUP)

    over = await bot.says(OWAIN, "Can I be friends with pupils on Facebook?", scope=Scope.GROUP)

    assert strings.text("private.waiting", Lang.EN) in text_of(over.card)
    assert "100" not in text_of(over.card)
    limited = strings.text("ask.typed_limited", Lang.EN, count=100, when="25/11/2026 09:00")
    assert limited in text_of((await bot.cards_for(OWAIN))[-1])


def _passed_on_counts(bot: BotInMemory) -> dict[tuple[str, str], object]:
    """The day's counts of everything but typed questions (which every question asked counts): passing on, replies."""
    return {key: window for key, window in bot.store.use_windows.items() if key[0] != "typed"}


@pytest.mark.parametrize(("said", "lang", "told"), [
    # Not catching the answer: "sorry?", "what?", "pardon?" (the south's "be?", the north's "pardwn?").
    ("sori?", Lang.EN, "Mae'n ddrwg gen i os nad oeddwn i'n glir."),
    ("Sori?", Lang.CY, "Mae'n ddrwg gen i os nad oeddwn i'n glir."),
    ("be?", Lang.CY, "Mae'n ddrwg gen i os nad oeddwn i'n glir."),
    ("pardwn?", Lang.CY, "Mae'n ddrwg gen i os nad oeddwn i'n glir."),
    ("Beg pardwn?", Lang.CY, "Mae'n ddrwg gen i os nad oeddwn i'n glir."),
    ("hy?", Lang.CY, "Mae'n ddrwg gen i os nad oeddwn i'n glir."),
    ("Be ddudoch chi?", Lang.CY, "Mae'n ddrwg gen i os nad oeddwn i'n glir."),
    ("sorry?", Lang.EN, "Sorry if I wasn't clear."),
    ("pardon?", Lang.EN, "Sorry if I wasn't clear."),
    ("what?", Lang.EN, "Sorry if I wasn't clear."),
    # Doubting it: "are you sure?", "really?", as a Welsh speaker types it on a phone (no accent, "ti" or "chi").
    ("ti'n siŵr?", Lang.CY, "Dim ond dyfynnu geiriau'r polisi ei hun alla i"),
    ("ti'n siwr?", Lang.EN, "Dim ond dyfynnu geiriau'r polisi ei hun alla i"),
    ("Ydych chi'n siŵr?", Lang.CY, "Dim ond dyfynnu geiriau'r polisi ei hun alla i"),
    ("wir?", Lang.CY, "Dim ond dyfynnu geiriau'r polisi ei hun alla i"),
    ("o ddifri?", Lang.CY, "Dim ond dyfynnu geiriau'r polisi ei hun alla i"),
    ("are you sure?", Lang.EN, "I can only quote the policy's own words"),
    ("really?", Lang.EN, "I can only quote the policy's own words"),
])
async def test_pardon_or_are_you_sure_after_an_answer_gets_a_short_kind_word_never_a_question_for_the_head(
        answering_bot: BotInMemory, said: str, lang: Lang, told: str) -> None:
    """Carys read her answer in Welsh and typed "sori?", "ti'n siŵr?" or "be?": "sori?" and "ti'n siŵr?" were asked of
    the policy ("Dydy'r polisi ddim yn sôn am hynny", offered to the headteacher and kept for her review; "wir?" quoted
    a rule on arguments), and "be?" and "pardwn?" were told the answer had not helped. Each now gets a short, kind word
    in the language it was typed in (Welsh typed with Teams in English too), and nothing is kept."""
    await answering_bot.says(CARYS, "Ga i fod yn ffrindiau gyda disgyblion ar Facebook?", lang=lang)
    kept = dict(answering_bot.store.questions)

    reply = await answering_bot.says(CARYS, said, lang=lang)

    assert told in text_of(reply.card)
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == kept


@pytest.mark.parametrize(("said", "lang", "told"), [
    ("naci", Lang.EN, "Iawn."),  # the north's "no", as "nage" is listed
    ("dim worries", Lang.EN, "Iawn."), ("dim probs", Lang.EN, "Iawn."),  # English words in a Welsh "no problem"
    ("dyna ni", Lang.CY, "Iawn."), ("dyna fo", Lang.CY, "Iawn."), ("dyna fe", Lang.CY, "Iawn."),
    ("dyna'r cyfan", Lang.CY, "Iawn."), ("a wel", Lang.CY, "Iawn."), ("ah reit", Lang.CY, "Iawn."),
    ("duw duw", Lang.CY, "Iawn."), ("jiw jiw", Lang.CY, "Iawn."),
    ("tip top", Lang.CY, "Iawn."), ("sorted", Lang.CY, "Iawn."), ("sorted diolch", Lang.CY, "Croeso."),
    ("no worries", Lang.EN, "All right."), ("no probs", Lang.EN, "All right."), ("sorted", Lang.EN, "All right."),
])
async def test_an_everyday_welsh_ok_after_an_answer_gets_a_friendly_word_never_a_question_for_the_head(
        answering_bot: BotInMemory, said: str, lang: Lang, told: str) -> None:
    """Carys read her Welsh answer and typed "dyna ni", "naci" or "dim worries", as staff from Ceredigion or Gwynedd
    type an ok on a phone: each was asked of the policy ("Dydy'r polisi ddim yn sôn am hynny", offered to the
    headteacher and kept for her review; "dim worries" quoted "Camddefnyddio'r canllawiau" as the nearest). Each now
    gets the word an ok gets, in Welsh when it is Welsh, and nothing is kept."""
    await answering_bot.says(CARYS, "Ga i fod yn ffrindiau gyda disgyblion ar Facebook?", lang=lang)
    kept = dict(answering_bot.store.questions)

    reply = await answering_bot.says(CARYS, said, lang=lang)

    assert told in text_of(reply.card)
    assert answering_bot.store.questions == kept


@pytest.mark.parametrize(("first", "then", "lang"), [
    ("Ga i bostio lluniau o'r disgyblion?", "Hyd yn oed gyda chaniatâd rhieni?", Lang.CY),
    ("Ga i bostio lluniau o'r disgyblion?", "hyd yn oed efo caniatad rhieni?", Lang.EN),  # north, no accent
    ("Ga i bostio lluniau o'r disgyblion?", "Hyd 'noed efo caniatâd?", Lang.CY),
    ("Ga i fod yn ffrindiau efo disgyblion ar Facebook?", "Be ambytu Instagram?", Lang.CY),  # the south's "about"
    ("Can I post photos of pupils?", "Even with their parents' permission?", Lang.EN),
])
async def test_an_even_or_ambytu_follow_up_goes_on_from_the_question_before(
        answering_bot: BotInMemory, first: str, then: str, lang: Lang) -> None:
    """Carys asked whether she may post photos of pupils, then "Hyd yn oed gyda chaniatâd rhieni?" (even with parents'
    consent?): it was asked on its own, "Dydy'r polisi ddim yn sôn am hynny", offered to the headteacher and kept for
    her review, with nothing of the photos it followed ("Even with …?" in English quoted a rule on conversations).
    "Hyd yn oed", "even" and the south's "be ambytu" now go on from her question, as "a beth am" does."""
    await answering_bot.says(CARYS, first, lang=lang)

    await answering_bot.says(CARYS, then, lang=lang)

    kept = {record.text: record for record in answering_bot.store.questions.values()}
    assert kept[f"{first} {then}"].follows_id == kept[first].question_id


@pytest.mark.parametrize(("said", "lang", "wanted"), [
    ("Ga i'r Gymraeg plis?", Lang.EN, Lang.CY), ("Ca i Gymraeg?", Lang.EN, Lang.CY),  # the article; the north's "ca"
    ("Gai Gymraeg plis", Lang.EN, Lang.CY),  # "ga i" typed as one word on a phone
    ("Ga i'r Saesneg?", Lang.CY, Lang.EN), ("Ca i Saesneg plis", Lang.CY, Lang.EN),
])
async def test_asking_for_a_language_as_welsh_speakers_type_it_switches_and_is_never_a_question(
        answering_bot: BotInMemory, said: str, lang: Lang, wanted: Lang) -> None:
    """ "Ga i'r Gymraeg plis?" quoted the policy on communicating with the public (and was kept for the head's review)
    where "Ga i Gymraeg?" switches: the article, the north's "ca i" and "gai" typed as one word were not listed."""
    reply = await answering_bot.says(CARYS, said, lang=lang)

    assert reply.language is wanted
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("said", "lang", "told"), [
    ("Jest isio gofyn rhywbeth", Lang.EN, "Ewch ymlaen"), ("jyst isio gofyn rhwbeth", Lang.CY, "Ewch ymlaen"),
    ("S'mae, jest isio gofyn rhwbeth", Lang.CY, "Ewch ymlaen"), ("Moyn gofyn rhywbeth", Lang.CY, "Ewch ymlaen"),
    ("Oes gen ti funud?", Lang.CY, "Ewch ymlaen"), ("Oes gynnoch chi funud?", Lang.EN, "Ewch ymlaen"),
    ("Wyt ti yna?", Lang.CY, "Ewch ymlaen"), ("ti yna?", Lang.EN, "Ewch ymlaen"),
    ("Oes rhywun yna?", Lang.CY, "Ewch ymlaen"), ("Are you there?", Lang.EN, "Go ahead"),
])
async def test_asking_for_a_minute_or_whether_the_bot_is_there_is_told_to_go_ahead_and_kept_nowhere(
        answering_bot: BotInMemory, said: str, lang: Lang, told: str) -> None:
    """ "Jest isio gofyn rhywbeth" (just want to ask something) quoted the policy on communicating with the public, and
    "Oes gen ti funud?", "Wyt ti yna?" were "Dydy'r polisi ddim yn sôn am hynny", offered to the headteacher and kept
    for her review: they ask nothing yet. Each is now told to go ahead, in Welsh for the Welsh, and nothing is kept."""
    reply = await answering_bot.says(CARYS, said, lang=lang)

    assert told in text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("question", "lang"), [
    ("How many days of annual leave do I get?", Lang.EN),
    ("Faint o ddiwrnodau o wyliau blynyddol ydw i'n eu cael?", Lang.CY),
])
async def test_ask_the_headteacher_pressed_again_in_a_group_chat_says_it_was_already_sent(
        answering_bot: BotInMemory, strings: Catalogue, question: str, lang: Lang) -> None:
    """Carys pressed Ask the headteacher on her card in a group chat (its button stays there), then again: each press
    said "I've sent that to you privately", as if it had gone again. The second press now says she already passed it
    on, to whom, and that the reply comes to her own chat; nothing more reaches the headteacher or her own chat."""
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    asked = await bot.says(CARYS, question, lang=lang, scope=Scope.GROUP)
    data = verb_data(asked.card or {}, "ask.escalate")

    first = await bot.clicks(CARYS, "ask.escalate", data, lang=lang, scope=Scope.GROUP)
    owed = (len(await bot.cards_for(SIAN)), len(await bot.cards_for(CARYS)))
    again = await bot.clicks(CARYS, "ask.escalate", data, lang=lang, scope=Scope.GROUP)

    assert text_of(first.card) == text_of(notice_card(strings.text("private.sent", lang)))
    assert again.new_message and text_of(again.card) != text_of(first.card)
    assert "Mrs Siân Roberts" in text_of(again.card) and _REPLY_IN_OWN_CHAT[lang] in text_of(again.card)
    assert {Lang.EN: "already", Lang.CY: "eisoes"}[lang] in text_of(again.card)
    assert (len(await bot.cards_for(SIAN)), len(await bot.cards_for(CARYS))) == owed == (1, 1)
    [record] = bot.store.questions.values()
    assert record.escalated_to_id == SIAN.aad_object_id


@pytest.mark.parametrize(("typed", "first", "second", "lang"), [
    ("can I post photos of the school trip on my own Instagram and can I accept a friend request from a pupil?",
     "photographs", "friends", Lang.EN),
    ("Can I accept a friend request from a pupil, and am I allowed to post photos of the trip on my own Instagram?",
     "friends", "photographs", Lang.EN),
    ("Ga i bostio lluniau o'r trip ysgol ar fy Instagram fy hun a ga i dderbyn cais ffrind gan ddisgybl?",
     "photographs", "friends", Lang.CY),
    ("can i post pics of the school trip on my own insta & can i accept a friend request from a pupil?",
     "photographs", "friends", Lang.EN),
])
async def test_two_questions_in_one_sentence_with_one_question_mark_are_each_answered(
        answering_bot: BotInMemory, typed: str, first: str, second: str, lang: Lang) -> None:
    """Carys typed two questions joined by "and can I" with one "?" at the end: a message was split only after a "?",
    so she got one card, answering the first, and nothing said what became of the second. Each is now asked, answered
    on its own card saying which question it answers, and kept, as two questions with a "?" each are."""
    reply = await answering_bot.says(CARYS, typed, lang=lang)

    cards = [reply.card or {}, *reply.more]
    assert len(cards) == 2
    assert any(first in quote for quote in _quotes(cards[0])) and any(second in quote for quote in _quotes(cards[1]))
    kept = sorted(record.text for record in answering_bot.store.questions.values())
    assert len(kept) == 2 and all(text in typed or text.rstrip("?") in typed for text in kept)


@pytest.mark.parametrize("typed", [
    "Can I share and like the school's posts?",
    "What happens if a parent posts about me and what can I do?",
    "Is it ok to post photos and videos of the school play on the school page?",
    "Ga i rannu a hoffi negeseuon yr ysgol?",
    "Dw i ddim yn siŵr a ga i bostio lluniau o'r trip ar Facebook?",
    "Do I have to use my real name on the school page or can I use a nickname?",
])
async def test_a_question_with_and_inside_it_is_one_question_where_no_second_question_starts(
        answering_bot: BotInMemory, typed: str) -> None:
    """Only "and" or "or" followed by the opening of a question ("and can I …", "a ga i …") starts a second one."""
    reply = await answering_bot.says(CARYS, typed)

    assert reply.card is not None and reply.more == []
    assert [record.text for record in answering_bot.store.questions.values()] == [typed]


@pytest.mark.parametrize(("typed", "lang", "spoken_of"), [
    ("photos", Lang.EN, "photograph"),
    ("Lluniau", Lang.CY, "photograph"),
    ("pupils", Lang.EN, "pupil|student"),
    ("disgyblion", Lang.CY, "pupil|student"),
    ("email", Lang.EN, "email"),
    ("lluniau plant", Lang.CY, "photograph"),
    ("pupils fb", Lang.EN, "facebook|social"),
])
async def test_a_topic_word_typed_alone_offers_the_sections_of_the_policy_that_speak_of_it(
        answering_bot: BotInMemory, strings: Catalogue, policy_in_force: PolicyInForce[PolicyIndex], typed: str,
        lang: Lang, spoken_of: str) -> None:
    """Carys typed "photos" on her phone, meaning "what does it say about photos?", and read "The policy doesn't cover
    that", with an offer to pass "photos" to the headteacher, when several sections speak of photographs. A word typed
    alone that the policy does not answer as a question now gets the sections whose own words speak of it, in the
    card's language (Welsh for "lluniau", typed from a Teams in English), each to open; it is no question for the
    headteacher, and nothing is kept."""
    reply = await answering_bot.says(CARYS, typed)

    shown = text_of(reply.card)
    offered = _sections_offered(reply.card or {})
    policy = policy_in_force.policy
    assert offered and all(re.search(spoken_of, " ".join(p.text for p in policy.section(s).passages).lower() + " " +
                                     policy.section(s).heading_en.lower()) for s in offered)
    assert strings.text("ask.no_answer_title", lang) not in shown and "ask.escalate" not in shown
    assert all(policy.section(s).heading(lang.value) in shown for s in offered)
    assert typed in shown
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("typed", "teams_in", "told"), [
    ("pls", Lang.EN, "ask.go_ahead"), ("plis", Lang.EN, "ask.go_ahead"), ("u there?", Lang.EN, "ask.go_ahead"),
    ("gai?", Lang.EN, "ask.go_ahead"), ("Ga i?", Lang.EN, "ask.go_ahead"), ("ur", Lang.EN, "ask.go_ahead"),
    ("R U THERE!!", Lang.CY, "ask.go_ahead"),
])
async def test_a_message_with_nothing_to_ask_the_policy_is_told_to_type_the_question_not_offered_to_the_headteacher(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, teams_in: Lang, told: str) -> None:
    """On her phone Carys sent "pls" (or "u there?", "gai?") while she typed: she was told the policy does not cover
    that, offered to pass "pls" to the headteacher, and it went onto the headteacher's questions for review. A message
    with no word the policy could be asked about gets a word to type the question, in the message's language (Welsh
    for "plis" and "gai?", typed from a Teams in English), and nothing is kept."""
    reply = await answering_bot.says(CARYS, typed, lang=teams_in)

    lang = Lang.CY if typed in ("plis", "gai?", "Ga i?") else teams_in
    assert strings.text(told, lang) in text_of(reply.card)
    assert not {a.get("verb") for a in actions(reply.card or {})} & {"ask.feedback", "ask.escalate"}
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("typed", "plainly"), [
    ("wat can u do", "what can you do"), ("can u help me pls", "can you help me please"),
    ("r u a bot", "are you a bot"), ("can u help", "can you help"), ("WAT CAN U DO??", "what can you do?"),
    ("wat??", "what??"),
])
async def test_a_command_typed_in_text_speak_gets_what_the_words_typed_in_full_get(
        answering_bot: BotInMemory, typed: str, plainly: str) -> None:
    """On her phone Carys typed "wat can u do": she was told to type her question, where "what can you do" gets the
    help card; "can u help me pls" quoted the nearest passage of the policy, tentatively, and "r u a bot" was "not
    covered" with an offer to pass it to the headteacher."""
    reply = await answering_bot.says(CARYS, typed)
    in_full = await answering_bot.says(OWAIN, plainly)

    assert text_of(reply.card) == text_of(in_full.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("typed", "quoted"), [
    ("what's the rule on phones", "mobile devices"),
    ("rules on phones?", "mobile devices"),
    ("what's the rule on photos", "photographs"),
    ("Beth ydy'r rheol am ffonau?", "mobile devices"),
])
async def test_a_general_question_on_a_topic_the_policy_speaks_of_is_not_silenced_by_a_narrower_not_covered_one(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, quoted: str) -> None:
    """Carys asked "what's the rule on phones" and was told the policy does not cover it, offered to pass it to the
    headteacher, though it has a section on staff's mobile devices: the steering's not-covered example "exam board
    rules on phones in exams" was nearer the question than the passage, and silenced it. A not-covered example that
    asks something narrower about the same thing no longer silences a general question about it."""
    reply = await answering_bot.says(CARYS, typed)

    quotes = _quotes(reply.card or {})
    assert any(quoted in q for q in quotes), text_of(reply.card)
    assert strings.text("ask.no_answer_title", Lang.EN) not in text_of(reply.card)


@pytest.mark.parametrize(("typed", "quoted"), [
    ("what's the policy on photos", "photographs"),
    ("what’s the policy on photos?", "photographs"),  # typed on a phone: before, "not covered"
    ("policy on photos?", "photographs"),
    ("what's the guidance on phones?", "mobile devices"),
])
async def test_the_word_policy_in_a_question_does_not_pull_it_to_the_passages_about_the_policy_itself(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, quoted: str) -> None:
    """Carys asked "what's the policy on photos" and was told the policy does not cover it: the word "policy" weighed
    as much as "photos", so the best passage was "This policy covers all social media tools …", which says nothing
    of photos, and the bot was right not to quote it. Beside a thing the policy speaks of, a word that asks what it
    says ("policy", "rules", "guidance") now weighs a quarter as much."""
    reply = await answering_bot.says(CARYS, typed)

    quotes = _quotes(reply.card or {})
    assert any(quoted in q for q in quotes), text_of(reply.card)
    assert strings.text("ask.no_answer_title", Lang.EN) not in text_of(reply.card)


@pytest.mark.parametrize(("typed", "english"), [
    ("beth yw'r polisi ar luniau?", "what's the policy on photos"),
    ("Be di'r polisi ar luniau?", "what's the policy on photos"),
])
async def test_the_welsh_for_whats_the_policy_on_a_thing_gets_what_the_english_gets(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, english: str) -> None:
    """Elin asked "beth yw'r polisi ar luniau?" and was told the policy does not cover it, offered to pass it to the
    headteacher, while "what's the policy on photos" quoted the rule on school photographs: the Welsh was read word
    for word as "what is policy on photographs", its article left out, which the sentence model took for a question
    about the policy itself. "beth yw'r …" now reads "what is the …"."""
    reply = await answering_bot.says(CARYS, typed)
    in_english = await answering_bot.says(OWAIN, english)

    assert strings.text("ask.no_answer_title", Lang.CY) not in text_of(reply.card)
    assert _quotes(reply.card or {}) and _quotes(reply.card or {}) == _quotes(in_english.card or {})


@pytest.mark.parametrize(("typed", "meant"), [
    ("can I use watsap with parents", "can I use whatsapp with parents"),
    ("can I add parnets on facebook?", "can I add parents on facebook?"),
    # In Welsh too: a platform's name is English in a Welsh question, and was read as typed (before, "not covered").
    ("ga i ddefnyddio watsap efo rhieni?", "ga i ddefnyddio whatsapp efo rhieni?"),
    ("Ga i ddefnyddio fy facebok personol i siarad efo rhieni?",
     "Ga i ddefnyddio fy facebook personol i siarad efo rhieni?"),
])
async def test_a_slip_inside_a_question_gets_what_the_question_typed_right_gets(
        answering_bot: BotInMemory, typed: str, meant: str) -> None:
    """On her phone Carys typed "can I use watsap with parents" and was told the policy does not cover it, offered to
    pass it to the headteacher, where "whatsapp" quoted the rule on using a personal profile with parents; "parnets"
    quoted the rule on friends with students."""
    reply = await answering_bot.says(CARYS, typed)
    typed_right = await answering_bot.says(OWAIN, meant)

    assert _quotes(reply.card or {}) and _quotes(reply.card or {}) == _quotes(typed_right.card or {})


@pytest.mark.parametrize("typed", ["are pupils allowed phones in school?", "what's the rule on staff parking",
                                   "exam board rules on phones in exams"])
async def test_a_question_as_narrow_as_a_not_covered_one_is_still_not_covered(answering_bot: BotInMemory,
                                                                               strings: Catalogue, typed: str) -> None:
    reply = await answering_bot.says(CARYS, typed)

    assert strings.text("ask.no_answer_title", Lang.EN) in text_of(reply.card)


@pytest.mark.parametrize("typed", ["pension", "annual leave", "staff parking"])
async def test_a_word_the_policy_never_speaks_of_typed_alone_is_still_not_covered(answering_bot: BotInMemory,
                                                                                   strings: Catalogue,
                                                                                   typed: str) -> None:
    reply = await answering_bot.says(CARYS, typed)

    assert strings.text("ask.no_answer_title", Lang.EN) in text_of(reply.card)
    assert "ask.escalate" in text_of(reply.card) and len(answering_bot.store.questions) == 1


async def test_the_sections_offered_for_a_word_come_from_the_policy_in_force(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Any policy the school imports: a section its own text adds is offered for a word it speaks of."""
    source = tmp_path / "policy.txt"
    at = POLICY_TEXT.index("Use of personal mobile devices at work")
    source.write_text(f"{POLICY_TEXT[:at]}Visitors\n\nContractors and visiting speakers must sign in at reception and "
                      f"must not record lessons.\n\n{POLICY_TEXT[at:]}", encoding="utf-8")
    policy = policy_from_data(import_policy(source, fixture_policy()).data)
    in_force = PolicyInForce(policy, PolicyIndex(policy))
    bot = open_bot(strings, federation, lambda: in_force)

    reply = await bot.says(CARYS, "contractors")

    [visitors] = [section.id for section in policy.sections if section.heading_en == "Visitors"]
    assert _quotes(reply.card or {}) == [] and strings.text("ask.no_answer_title", Lang.EN) not in text_of(reply.card)
    assert _sections_offered(reply.card or {}) == [visitors]


@pytest.mark.parametrize("lang", list(Lang))
async def test_ask_the_headteacher_pressed_again_in_a_group_once_replied_says_the_reply_is_in_her_own_chat(
        answering_bot: BotInMemory, strings: Catalogue, lang: Lang) -> None:
    bot = answering_bot
    await bot.meets(CARYS, SIAN)
    asked = await bot.says(CARYS, "How many days of annual leave do I get?", lang=lang, scope=Scope.GROUP)
    data = verb_data(asked.card or {}, "ask.escalate")
    await bot.clicks(CARYS, "ask.escalate", data, lang=lang, scope=Scope.GROUP)
    [to_head] = await bot.cards_for(SIAN)
    await bot.clicks(SIAN, "ask.reply", {"q": verb_data(to_head, "ask.reply")["q"], "reply": "See the handbook."})

    again = await bot.clicks(CARYS, "ask.escalate", data, lang=lang, scope=Scope.GROUP)

    said = {Lang.EN: "their reply is in your own chat with me", Lang.CY: "mae'r ateb yn eich sgwrs eich hun â mi"}[lang]
    assert again.new_message and said in text_of(again.card) and "See the handbook." not in text_of(again.card)


@pytest.mark.parametrize(("typed", "lang"), [
    ("Oes fersiwn Gymraeg?", Lang.CY), ("oes fersiwn cymraeg o'r polisi?", Lang.CY),
    ("Ydy'r polisi ar gael yn Gymraeg?", Lang.CY), ("oes na fersiwn gymraeg plis", Lang.CY),
    ("Is there a Welsh version?", Lang.EN), ("is the policy available in welsh?", Lang.EN),
])
async def test_asking_for_the_policy_in_welsh_is_told_what_there_is_in_welsh(
        bot: BotInMemory, strings: Catalogue, federation: Federation, typed: str, lang: Lang) -> None:
    """A Welsh-speaking teacher typed "Oes fersiwn Gymraeg?" (is there a Welsh version?) and got "Dydy'r polisi ddim yn
    sôn am hynny", with an offer to send it to the headteacher. She is told, in the language of her words, that the
    bot answers in Welsh, that the document is in English only (so Welsh cards quote its English words), how to have
    every card in Welsh, and whom to ask for a Welsh version; nothing is kept."""
    reply = await bot.says(CARYS, typed, lang=Lang.EN)

    assert strings.text("ask.policy_in_welsh_english_only", lang, owner=federation.policy_owner.name) in \
        text_of(reply.card)
    assert bot.store.questions == {}


async def test_asking_for_a_bilingual_policy_in_welsh_is_told_welsh_cards_quote_its_welsh(
        strings: Catalogue, federation: Federation) -> None:
    """A document that gives its own Welsh (a bilingual import): Welsh cards quote its Welsh."""
    policy = fixture_policy()
    first = policy.sections[0]
    welsh = replace(policy, sections=(
        replace(first, passages=(replace(first.passages[0], text_cy="Mae'r polisi hwn yn berthnasol i'r holl staff."),
                                 *first.passages[1:])), *policy.sections[1:]))
    in_force = PolicyInForce(welsh, NoIndex())
    bot = open_bot(strings, federation, lambda: in_force)

    reply = await bot.says(CARYS, "Oes fersiwn Gymraeg?", lang=Lang.EN)

    assert strings.text("ask.policy_in_welsh_translated", Lang.CY) in text_of(reply.card)


@pytest.mark.parametrize("lang", [Lang.EN, Lang.CY])
@pytest.mark.parametrize("name", ["", "\u200b"])
async def test_a_question_passed_on_by_someone_teams_names_as_nothing_names_her_as_the_staff_list_does(
        answering_bot: BotInMemory, name: str, lang: Lang) -> None:
    """Teams gives the asker no name (or, before the edge reads it as none, only a zero-width space): the head's card
    with the question, and the question opened again from her questions for review, name her as the staff list does.
    Before, the head read "From , 07/12/2026 06:49:" over the question, not knowing who asked."""
    bot = answering_bot
    await bot.has_the_staff_list()
    carys = replace(CARYS, name=name)
    await bot.meets(carys, SIAN)
    no_answer = await bot.says(carys, "How many days of annual leave do I get?", lang=lang)

    await bot.clicks(carys, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"), lang=lang)
    [to_head] = await bot.cards_for(SIAN)
    opened = await bot.clicks(SIAN, "ask.question", {"q": verb_data(to_head, "ask.reply")["q"]}, lang=lang)

    assert "Carys Jenkins" in text_of(to_head) and "Carys Jenkins" in text_of(opened.card)


@pytest.mark.parametrize(("asked", "lang", "tool", "says"), [
    ("can I use Seesaw with my class?", Lang.EN, "Seesaw", "The policy doesn't name Seesaw"),
    ("is ClassDojo allowed?", Lang.EN, "ClassDojo", "The policy doesn't name ClassDojo"),
    ("Can I set up a Google Classroom for year 9?", Lang.EN, "Google Classroom",
     "The policy doesn't name Google Classroom"),
    ("ga i ddefnyddio Seesaw?", Lang.CY, "Seesaw", "Dydy'r polisi ddim yn enwi Seesaw"),
    ("Ydy Class Dojo yn iawn i'w ddefnyddio gyda'r rhieni?", Lang.CY, "ClassDojo",
     "Dydy'r polisi ddim yn enwi ClassDojo")])
async def test_a_question_about_a_tool_the_policy_does_not_name_gets_its_rule_on_permission_and_says_so(
        answering_bot: BotInMemory, asked: str, lang: Lang, tool: str, says: str) -> None:
    """Probe 8: "can I use Seesaw with my class?" got "The policy doesn't cover that" and three sections the ranking
    found nearest (abuse of the guidance, mobile devices), nothing of the policy's rule on using anything other than
    Hwb / Microsoft Teams for work. It now quotes that rule, says honestly that the policy does not name the tool nor
    say whether the rule includes it, where to ask if the school already provides it, and offers both ways to the head:
    Ask to use social media, and (as the nearest the policy comes) Not helpful to ask her the question."""
    reply = await answering_bot.says(CARYS, asked, lang=lang)

    said = text_of(reply.card)
    [record] = answering_bot.store.questions.values()
    assert any("other than via Hwb / Microsoft Teams" in q for q in _quotes(reply.card or {}))
    assert says in said and "doesn't cover" not in said and "ddim yn sôn am hynny" not in said
    assert ("the office or IT" if lang is Lang.EN else "y swyddfa neu'r tîm TG") in said
    assert verb_data(reply.card or {}, "permission.form") == {"lang": lang.value}
    assert record.answered and record.tentative and (record.lang, record.text) == (lang, asked)
    assert ("to ask the headteacher" if lang is Lang.EN else "i ofyn i'r pennaeth") in said
    # Marked not helpful, it offers to pass the question to the headteacher, and still says what it said.
    unhelpful = await answering_bot.clicks(CARYS, "ask.feedback", {"q": record.question_id, "value": "not_helpful"},
                                           lang=lang)
    assert "ask.escalate" in text_of(unhelpful.card) and says in text_of(unhelpful.card)


_SEESAW_RULE = ("Class teachers in the primary school may share pupils' work with their parents on Seesaw, the "
                "school's own learning journal.")


@pytest.fixture(scope="module")
def with_a_seesaw_section(tmp_path_factory: pytest.TempPathFactory) -> PolicyInForce[PolicyIndex]:
    """The 2022 policy with a section of its own on Seesaw."""
    return _with_a_section(tmp_path_factory.mktemp("policy"), "Seesaw learning journals", _SEESAW_RULE)


@pytest.mark.parametrize(("asked", "lang"), [("can I use Seesaw with my class?", Lang.EN),
                                             ("ga i ddefnyddio Seesaw?", Lang.CY)])
async def test_a_question_about_a_tool_the_policy_names_gets_the_policys_own_words_on_it(
        strings: Catalogue, federation: Federation, with_a_seesaw_section: PolicyInForce[PolicyIndex], asked: str,
        lang: Lang) -> None:
    """The note on a tool the policy does not name was given whatever the policy said: a revised policy with its own
    rule on Seesaw had it replaced by the rule on permission and "The policy doesn't name Seesaw"."""
    bot = open_bot(strings, federation, lambda: with_a_seesaw_section)

    reply = await bot.says(CARYS, asked, lang=lang)

    shown = text_of(reply.card)
    assert _SEESAW_RULE in _quotes(reply.card or {}), _quotes(reply.card or {})
    assert "doesn't name" not in shown and "ddim yn enwi" not in shown


_CLASSDOJO_RULE = ("Class teachers in the primary school may send parents messages and photos of classwork on "
                   "ClassDojo, with the headteacher's agreement.")


@pytest.fixture(scope="module")
def with_a_classdojo_section(tmp_path_factory: pytest.TempPathFactory) -> PolicyInForce[PolicyIndex]:
    """The 2022 policy with a section of its own on ClassDojo, as one of the evaluation schools has."""
    return _with_a_section(tmp_path_factory.mktemp("policy"), "ClassDojo", _CLASSDOJO_RULE)


@pytest.mark.parametrize(("asked", "lang"), [("can I use Dojo with my class?", Lang.EN),
                                             ("ga i ddefnyddio Dojo gyda fy nosbarth?", Lang.CY)])
async def test_a_tool_the_policy_names_in_full_asked_about_by_its_short_name_is_not_said_to_be_unnamed(
        strings: Catalogue, federation: Federation, with_a_classdojo_section: PolicyInForce[PolicyIndex], asked: str,
        lang: Lang) -> None:
    """Staff call ClassDojo "Dojo". A policy with its own rule on ClassDojo answered "can I use Dojo with my class?"
    with the rule on permission and "The policy doesn't name ClassDojo": the policy was searched for the word "dojo"
    alone, which "ClassDojo" does not hold. A tool is named by the policy when it names it by any of its names."""
    bot = open_bot(strings, federation, lambda: with_a_classdojo_section)

    reply = await bot.says(CARYS, asked, lang=lang)

    shown = text_of(reply.card)
    assert "doesn't name" not in shown and "ddim yn enwi" not in shown, shown
    if lang is Lang.EN:  # (the Welsh "Dojo" finds no passage of this English-only section: the ranking's matter)
        assert _CLASSDOJO_RULE in _quotes(reply.card or {}), _quotes(reply.card or {})


@pytest.mark.parametrize("asked", ["Can I use Instagram for the PE department?", "Can I email parents from home?"])
async def test_a_question_naming_no_tool_outside_the_policy_is_answered_as_before(answering_bot: BotInMemory,
                                                                                  asked: str) -> None:
    """The note on a tool the policy does not name is for those tools only: Instagram the policy names, and email is
    answered by the policy's own words on work email."""
    reply = await answering_bot.says(CARYS, asked)

    assert "doesn't name" not in text_of(reply.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_question_past_the_days_limit_for_the_head_read_abroad_says_from_when_in_uk_time(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex], lang: Lang) -> None:
    """Carys, on a course in Toronto, passes the head her eleventh question of the day: "Please try again from
    03/11/2026 10:00" read as 10:00 in Toronto, five hours after she could have. It says UK time to her."""
    clock = Clock(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: policy_in_force, clock=clock)
    await bot.meets(CARYS, SIAN)
    for number in range(10):
        asked = await bot.says(CARYS, f"How many days of annual leave do I get in year {number + 1}?")
        await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"))
    asked = await bot.says(CARYS, "How many days of annual leave do I get?", lang=lang)

    refused = await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"), lang=lang,
                               time_zone="America/Toronto")

    at = "03/11/2026 10:00" + {Lang.EN: " UK time", Lang.CY: " amser y DU"}[lang]
    assert strings.text("ask.question_limited", lang, count=10, when=at) in text_of(refused.card), text_of(
        refused.card)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_correction_reaching_the_asker_abroad_says_its_time_is_uk_time(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex], lang: Lang) -> None:
    """Carys, on a course in Toronto (her Teams said so when she last wrote to the bot), had the head's reply; Siân
    corrects it at 11:00 UK time, and the card that brought the first reply now reads "Mrs Siân Roberts corrected this
    reply (01/12/2026 11:00)", read as 11:00 in Toronto. It says UK time to her, in her language."""
    clock = Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: policy_in_force, clock=clock)
    await bot.meets(SIAN)
    await MemoryUserProfiles(bot.store).save_profile(UserProfile(person=CARYS, language=lang,
                                                                 time_zone="America/Toronto",
                                                                 conversation_ref='{"user": "Carys"}'))
    asked = await bot.says(CARYS, "How many days of annual leave do I get?", lang=lang)
    await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"), lang=lang)
    [to_head] = await bot.cards_for(SIAN)
    card = (await bot.clicks(SIAN, "ask.reply", {"q": verb_data(to_head, "ask.reply")["q"], "reply": "Twenty."})).card
    clock.now = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    opened = await bot.clicks(SIAN, "ask.correct_reply", verb_data(card or {}, "ask.correct_reply"))

    await bot.clicks(SIAN, "ask.reply", {**verb_data(opened.card or {}, "ask.reply"), "reply": "Twenty-five."})

    at = "01/12/2026 11:00" + {Lang.EN: " UK time", Lang.CY: " amser y DU"}[lang]
    said = strings.text("ask.reply_was_corrected", lang, name="Mrs Siân Roberts", when=at)
    outbox = await MemoryOutbox(bot.store).list_for_recipient(CARYS)
    assert said in text_of([m.card for m in outbox]), text_of([m.card for m in outbox])


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_head_abroad_reads_her_own_presses_times_as_uk_time(
        strings: Catalogue, federation: Federation, policy_in_force: PolicyInForce[PolicyIndex], lang: Lang) -> None:
    """Siân, on a school trip in Brittany, replies to Carys's question at 10:00 UK time, presses Send again on the
    card's copy on her phone, and opens Questions for review: "already replied on 01/12/2026 10:00" and "Replied by Mrs
    Siân Roberts, 01/12/2026 10:00" read as her own hours; Carys, on a course in Toronto, pressing Ask the headteacher
    again, read "You already passed this question to … on 01/12/2026 09:00" as hers. Each says UK time."""
    clock = Clock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    bot = open_bot(strings, federation, lambda: policy_in_force, clock=clock)
    await bot.meets(CARYS, SIAN)
    asked = await bot.says(CARYS, "How many days of annual leave do I get?", lang=lang)
    await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"), lang=lang)
    [to_head] = await bot.cards_for(SIAN)
    clock.now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    reply = {"q": verb_data(to_head, "ask.reply")["q"], "reply": "Twenty."}
    await bot.clicks(SIAN, "ask.reply", reply, lang=lang, time_zone="Europe/Paris")

    again = await bot.clicks(SIAN, "ask.reply", reply, lang=lang, time_zone="Europe/Paris")
    review = await bot.clicks(SIAN, "ask.review", {}, lang=lang, time_zone="Europe/Paris")
    escalated_again = await bot.clicks(CARYS, "ask.escalate", verb_data(asked.card or {}, "ask.escalate"), lang=lang,
                                       time_zone="America/Toronto")

    uk = {Lang.EN: " UK time", Lang.CY: " amser y DU"}[lang]
    assert strings.text("ask.already_replied", lang, name="Mrs Siân Roberts",
                        when="01/12/2026 10:00" + uk) in text_of(again.card), text_of(again.card)
    assert strings.text("ask.review_replied", lang, name="Mrs Siân Roberts",
                        when="01/12/2026 10:00" + uk) in text_of(review.card), text_of(review.card)
    assert "01/12/2026 09:00" + uk in text_of(escalated_again.card), text_of(escalated_again.card)
