"""The headteacher's and line managers' week: what they type between lessons to see what waits for them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.federation import Federation
from bot.domain.live_policy import PolicyInForce
from bot.domain.people import Lang, Person
from bot.domain.uk_time import uk_today
from cards.i18n import Catalogue
from dialogs.base import Scope, normalise
from dialogs.phrases import DATA_FOLDER, read_phrases, said_only
from tests.flows.conftest import CARYS, FFION, GARETH, OWAIN, REPO, SIAN, BotInMemory, Clock, NoIndex, open_bot, text_of
from tests.support.cards import facts, verb_data
from tests.support.policies import fixture_policy

SECRET = "Dafydd from the science department keeps sending me nasty direct messages about my lessons"


def _title(card: object) -> str:
    return str((card or {}).get("body", [{}])[0].get("text", "")) if isinstance(card, dict) else ""


async def _question_passed_to_the_head(bot: BotInMemory) -> None:
    """Carys asks what the policy does not cover and passes it to the headteacher."""
    no_answer = await bot.says(CARYS, "How many days of annual leave do I get?")
    await bot.clicks(CARYS, "ask.escalate", verb_data(no_answer.card or {}, "ask.escalate"))


async def _report_to_gareth(bot: BotInMemory) -> str:
    """Carys reports being targeted; the staff list makes Gareth, her line manager, its holder. Its reference."""
    await bot.has_the_staff_list()
    form = await bot.says(CARYS, "report a concern")
    values = {"what": SECRET, "since": "September", "where": "Teams chat", "who": "", "evidence": "",
              "meeting": "false", "urgent": "false"}
    sent = await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"), **values})
    [held] = await bot.cards_for(GARETH)
    reference = str(verb_data(held, "concern.acknowledge")["ref"])
    assert reference in text_of(sent.card)
    return reference


NEW_QUESTIONS = [("any new questions?", Lang.EN), ("Any new questions for me?", Lang.EN),
                 ("Morning! Any new questions?", Lang.EN), ("have I got any new questions?", Lang.EN),
                 ("oes cwestiynau newydd?", Lang.CY), ("Oes 'na gwestiynau newydd?", Lang.CY),
                 ("unrhyw gwestiynau newydd plis", Lang.CY)]


@pytest.mark.parametrize(("said", "lang"), NEW_QUESTIONS, ids=[said for said, _ in NEW_QUESTIONS])
async def test_the_head_asking_for_new_questions_gets_her_questions_for_review(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Siân typed "any new questions?" (or "oes cwestiynau newydd?") on Monday morning: it was asked of the policy
    ("the policy doesn't cover that") and kept as a question of her own for review. It opens her questions for review,
    in the words' language, nothing kept."""
    await answering_bot.meets(CARYS, SIAN)
    await _question_passed_to_the_head(answering_bot)
    kept = dict(answering_bot.store.questions)

    reply = await answering_bot.says(SIAN, said, lang=Lang.EN)

    assert _title(reply.card) == strings.text("ask.review_title", lang)
    assert "annual leave" in text_of(reply.card)
    assert answering_bot.store.questions == kept


ON_MY_DESK = [("anything on my desk?", Lang.EN), ("What's on my desk today?", Lang.EN),
              ("oes rhywbeth ar fy nesg?", Lang.CY), ("Beth sydd ar fy nesg i?", Lang.CY)]


@pytest.mark.parametrize(("said", "lang"), ON_MY_DESK, ids=[said for said, _ in ON_MY_DESK])
async def test_the_head_asking_whats_on_her_desk_gets_what_waits_for_her(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """ "anything on my desk?" went to the policy search; it is "anything waiting for me?" in her words: the requests
    waiting for her decision, and below them her questions for review."""
    await answering_bot.meets(CARYS, SIAN)
    await _question_passed_to_the_head(answering_bot)
    kept = dict(answering_bot.store.questions)

    reply = await answering_bot.says(SIAN, said, lang=Lang.EN)

    assert _title(reply.card) == strings.text("perm.pending_title", lang)
    assert [_title(card) for card in reply.more] == [strings.text("ask.review_title", lang)]
    assert answering_bot.store.questions == kept


@pytest.mark.parametrize(("said", "lang"), [("anything waiting for me?", Lang.EN), ("Beth sy'n aros?", Lang.CY),
                                            ("anything on my desk?", Lang.EN)])
async def test_a_line_manager_asking_what_waits_gets_the_reports_he_holds_and_separately_his_own_requests(
        bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Gareth, Carys's line manager, holds her report and typed "anything waiting for me?": he got his own permission
    requests, saying none waits for him, and nothing of the report he must acknowledge. He now gets the reports he
    holds first (state and reference, never what it says), then, on a card of their own, his own requests."""
    await bot.meets(CARYS, GARETH, SIAN)
    reference = await _report_to_gareth(bot)

    reply = await bot.says(GARETH, said)

    assert _title(reply.card) == strings.text("concern.held_title", lang)
    assert reference in text_of(reply.card) and SECRET not in text_of([reply.card, *reply.more])
    [own] = reply.more
    assert _title(own) == strings.text("perm.mine_title", lang)
    assert strings.text("perm.waiting_not_decider", lang) in text_of(own)
    assert bot.store.questions == {}


async def test_staff_holding_no_report_asking_what_waits_get_only_their_requests(
        bot: BotInMemory, strings: Catalogue) -> None:
    """Carys holds no report: her own requests, as before, and no word of reports (nothing tells staff who holds
    what)."""
    await bot.meets(CARYS, GARETH, SIAN)
    await _report_to_gareth(bot)

    reply = await bot.says(CARYS, "anything waiting for me?")

    assert _title(reply.card) == strings.text("perm.mine_title", Lang.EN) and reply.more == []
    assert strings.text("concern.held_title", Lang.EN) not in text_of(reply.card)


async def test_the_head_holding_a_report_asking_what_waits_gets_it_with_her_pending_list(
        bot: BotInMemory, strings: Catalogue) -> None:
    """A report passed up to Siân waits for her too: her pending list, the report she holds, then her questions."""
    await bot.meets(CARYS, GARETH, SIAN)
    reference = await _report_to_gareth(bot)
    [held] = await bot.cards_for(GARETH)
    await bot.clicks(GARETH, "concern.escalate", {**verb_data(held, "concern.escalate"), "note": "please"})

    reply = await bot.says(SIAN, "anything waiting for me?")

    assert _title(reply.card) == strings.text("perm.pending_title", Lang.EN)
    assert [_title(card) for card in reply.more] == [strings.text("concern.held_title", Lang.EN),
                                                     strings.text("ask.review_title", Lang.EN)]
    assert reference in text_of(reply.more[0]) and SECRET not in text_of(reply.more)


async def test_the_delegate_asking_what_waits_gets_only_what_she_decides(bot: BotInMemory, strings: Catalogue) -> None:
    """Ffion, named to decide requests while Siân is away, holds no report: her pending list alone, as before."""
    await bot.meets(CARYS, FFION, SIAN)

    reply = await bot.says(FFION, "oes rhywbeth ar fy nesg?")

    assert _title(reply.card) == strings.text("perm.pending_title", Lang.CY) and reply.more == []


def _staff_questions() -> list[str]:
    """Every staff question of the evaluation sets, English and Welsh, as staff wrote them."""
    return sorted({json.loads(line)["q"] for path in (REPO / "eval" / "sets").glob("*.jsonl")
                   for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})


def test_no_staff_question_of_the_evaluation_sets_is_read_as_asking_for_the_questions_for_review() -> None:
    """The false hits of "any new questions?", measured: a staff question it took would get the review list (or, for
    staff, "only the headteacher can see it") in place of the policy's words."""
    review = frozenset(read_phrases("policy-review.txt"))

    taken = [question for question in _staff_questions() if said_only(normalise(question), review)]

    assert taken == []
    assert (DATA_FOLDER / "policy-review.txt").exists()





def _request_form(clock: Clock, purpose: str) -> dict[str, str]:
    tomorrow = (uk_today(clock.now) + timedelta(days=1)).isoformat()
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": purpose, "audience": "parents", "pupil_content": "work",
            "consent": "Only work, no names; parents opted in.", "moderator": "Carys Jenkins", "moderation": "daily",
            "start": tomorrow, "end": "", "ongoing": "true", "confirm": "true"}


async def _asked(bot: BotInMemory, clock: Clock, purpose: str, person: Person = CARYS) -> str:
    status = await bot.clicks(person, "permission.submit", _request_form(clock, purpose))
    return str(verb_data(status.card or {}, "permission.withdraw")["id"])


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 7, 9, 9, 30, tzinfo=UTC))


@pytest.fixture
def term_bot(strings: Catalogue, federation: Federation, clock: Clock) -> BotInMemory:
    in_force = PolicyInForce(fixture_policy(), NoIndex())
    return open_bot(strings, federation, lambda: in_force, clock=clock)


@pytest.mark.parametrize(("said", "lang"), [("figures for the governors", Lang.EN),
                                            ("Morning! Figures please", Lang.EN), ("ffigurau'r tymor plis", Lang.CY),
                                            # As a head says it, "for the governing body", "ar gyfer" (before: a
                                            # question of the policy).
                                            ("Figures for the governing body", Lang.EN),
                                            ("Can I have the figures for the governors?", Lang.EN),
                                            ("figures for governors meeting", Lang.EN),
                                            ("Ffigurau ar gyfer y llywodraethwyr", Lang.CY),
                                            ("ffigurau ar gyfer y corff llywodraethu plis", Lang.CY),
                                            ("Ffigurau ar gyfer cyfarfod y llywodraethwyr", Lang.CY)])
async def test_the_head_types_figures_and_gets_this_terms_counts_in_teams(
        term_bot: BotInMemory, clock: Clock, strings: Catalogue, said: str, lang: Lang) -> None:
    """The governors' meeting is on Thursday and the figures were only in IT's spreadsheets: "figures" was asked of
    the policy. Siân now gets a card of this term's requests approved, declined and waiting (one approved in the summer
    term is not counted), in the words' language, and nothing is kept as a question."""
    bot = term_bot
    await bot.meets(CARYS, SIAN)
    summer = await _asked(bot, clock, "Share the summer fair photos with parents.")
    await bot.clicks(SIAN, "permission.approve", {"id": summer})
    clock.now = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    approved, declined, _ = [await _asked(bot, clock, f"Share Year {year} field trip highlights with parents.")
                             for year in (7, 8, 9)]
    await bot.clicks(SIAN, "permission.approve", {"id": approved})
    await bot.clicks(SIAN, "permission.decline", {"id": declined, "reason": "Use the school page."})

    reply = await bot.says(SIAN, said)

    assert _title(reply.card) == strings.text("figures.title", lang)
    assert strings.text("figures.term.autumn", lang, date="01/09/2026") in text_of(reply.card)
    shown = facts(reply.card)
    assert [shown[strings.text(key, lang)] for key in ("figures.approved", "figures.declined", "figures.waiting")] == [
        "1", "1", "1"]
    assert strings.text("figures.reads_none", lang) in text_of(reply.card)
    assert bot.store.questions == {}


async def test_concern_reports_are_counted_only_and_small_counts_are_not_shown(
        term_bot: BotInMemory, clock: Clock, strings: Catalogue) -> None:
    """Two reports this term: the card says "fewer than 5" for both counts, never a reference, a name or a word of
    what a report says; a report about the headteacher (which goes to the chair) is not counted at all."""
    bot = term_bot
    clock.now = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    await bot.meets(CARYS, GARETH, SIAN, OWAIN)
    await _report_to_gareth(bot)

    reply = await bot.says(SIAN, "figures")

    shown = facts(reply.card)
    fewer = strings.text("figures.fewer_than", Lang.EN, count=5)
    assert shown[strings.text("figures.received", Lang.EN)] == fewer
    assert shown[strings.text("figures.still_open", Lang.EN)] == fewer
    assert SECRET not in text_of(reply.card) and "Carys" not in text_of(reply.card)
    assert "Gareth" not in text_of(reply.card)


async def test_figures_are_for_the_head_and_the_policy_owner_only(bot: BotInMemory, strings: Catalogue) -> None:
    """Staff, a line manager and the named delegate get a plain no, in the words' language; nothing is counted."""
    await bot.meets(CARYS, GARETH, FFION)

    for person in (CARYS, GARETH, FFION):
        reply = await bot.says(person, "ffigurau")
        assert strings.text("figures.only_heads", Lang.CY) in text_of(reply.card)
        assert strings.text("figures.title", Lang.CY) not in text_of(reply.card)


async def test_the_figures_button_on_her_welcome_card_opens_them(bot: BotInMemory, strings: Catalogue) -> None:
    """Siân's welcome card (and her help card) has a Figures button; staff's has none."""
    await bot.meets(CARYS, SIAN)

    hers, carys = await bot.says(SIAN, "hi"), await bot.says(CARYS, "hi")
    helped = await bot.says(SIAN, "help")
    pressed = await bot.clicks(SIAN, "figures.show", verb_data(hers.card or {}, "figures.show"))

    assert "figures.show" in text_of(hers.card) and "figures.show" in text_of(helped.card)
    assert "figures.show" not in text_of(carys.card)
    assert _title(pressed.card) == strings.text("figures.title", Lang.EN)


def test_no_staff_question_of_the_evaluation_sets_is_read_as_asking_for_the_figures() -> None:
    """The false hits of "figures": a staff question it took would get "only a headteacher can see the figures"."""
    figures = frozenset(read_phrases("figures.txt"))

    assert [question for question in _staff_questions() if said_only(normalise(question), figures)] == []


BUSY_MONDAY = [("anything new for me?", Lang.EN), ("Anything urgent?", Lang.EN), ("what needs doing today?", Lang.EN),
               ("I'm back, what did I miss?", Lang.EN), ("what's come in?", Lang.EN), ("catch me up please", Lang.EN),
               ("oes unrhyw beth newydd i mi?", Lang.CY), ("Oes rhywbeth brys?", Lang.CY),
               ("beth dw i wedi'i golli?", Lang.CY)]


@pytest.mark.parametrize(("said", "lang"), BUSY_MONDAY, ids=[said for said, _ in BUSY_MONDAY])
async def test_the_head_back_on_a_busy_monday_asking_what_came_in_gets_what_waits(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Back after half term, Siân typed "anything new for me?", "anything urgent?", "I'm back, what did I miss?": each
    was asked of the policy (a quote on its purpose, or "not covered") and kept as her question. Each is what waits for
    her: her pending list, then her questions for review."""
    await answering_bot.meets(CARYS, SIAN)
    await _question_passed_to_the_head(answering_bot)
    kept = dict(answering_bot.store.questions)

    reply = await answering_bot.says(SIAN, said, lang=Lang.EN)

    assert _title(reply.card) == strings.text("perm.pending_title", lang)
    assert answering_bot.store.questions == kept


REPORTS_FOR_ME = [("any reports for me?", Lang.EN), ("have I got any reports?", Lang.EN),
                  ("any new reports?", Lang.EN), ("oes adroddiadau i mi?", Lang.CY),
                  ("Oes gen i unrhyw adroddiadau?", Lang.CY)]


@pytest.mark.parametrize(("said", "lang"), REPORTS_FOR_ME, ids=[said for said, _ in REPORTS_FOR_ME])
async def test_a_line_manager_asking_for_reports_in_his_words_gets_the_reports_he_holds(
        answering_bot: BotInMemory, strings: Catalogue, said: str, lang: Lang) -> None:
    """Gareth typed "any reports for me?" or "oes adroddiadau i mi?": it was asked of the policy ("Abuse of the
    guidance", or "not covered") and kept as a question. It opens the reports he holds, as "reports for me" does."""
    await answering_bot.meets(CARYS, GARETH, SIAN)
    reference = await _report_to_gareth(answering_bot)

    reply = await answering_bot.says(GARETH, said, lang=Lang.EN)

    assert _title(reply.card) == strings.text("concern.held_title", lang) and reference in text_of(reply.card)
    assert answering_bot.store.questions == {}


def test_no_staff_question_of_the_evaluation_sets_is_read_as_asking_for_the_reports_one_holds() -> None:
    """The false hits of "any reports for me?": a staff question it took would get "Reports you hold"."""
    held = frozenset(read_phrases("concern-held-reports.txt"))

    assert [question for question in _staff_questions() if said_only(normalise(question), held)] == []


async def test_a_line_manager_asking_what_waits_in_a_group_chat_gets_the_reports_only_in_his_own_chat(
        bot: BotInMemory, strings: Catalogue) -> None:
    """Typed in the department's group chat: the group reads only that it was sent privately; the reports he holds
    and his requests come to his 1:1 chat."""
    await bot.meets(CARYS, GARETH, SIAN)
    reference = await _report_to_gareth(bot)
    before = len(await bot.cards_for(GARETH))

    reply = await bot.says(GARETH, "anything waiting for me?", scope=Scope.GROUP)

    assert reference not in text_of([reply.card, *reply.more])
    assert strings.text("concern.held_title", Lang.EN) not in text_of([reply.card, *reply.more])
    sent = (await bot.cards_for(GARETH))[before:]
    assert [_title(card) for card in sent] == [strings.text("concern.held_title", Lang.EN),
                                               strings.text("perm.mine_title", Lang.EN)]


def _trip_form(clock: Clock, n: int) -> dict[str, str]:
    """The request form's values as Teams sends them, for a trip of its own, starting the day after the bot's today."""
    tomorrow = (uk_today(clock.now) + timedelta(days=1)).isoformat()
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": f"Share Year 9 geography field trip {n} highlights with parents.",
            "audience": "parents", "pupil_content": "work", "consent": "Only work, no names; parents opted in.",
            "moderator": "Carys Jenkins", "moderation": "daily", "start": tomorrow, "end": "", "ongoing": "true",
            "confirm": "true"}


async def _decided_by_ffion(bot: BotInMemory, clock: Clock, n: int, verb: str) -> str:
    """Carys sends a request; an hour later Ffion, the named delegate, decides it on her own card. Its id."""
    sent = await bot.clicks(CARYS, "permission.submit", _trip_form(clock, n))
    request_id = str(verb_data(sent.card or {}, "permission.withdraw")["id"])
    clock.now += timedelta(hours=1)
    [card] = [c for c in await bot.cards_for(FFION) if request_id in text_of(c) and verb in text_of(c)][-1:]
    await bot.clicks(FFION, verb, {**verb_data(card, verb), "reason": "We already have a school page."})
    clock.now += timedelta(hours=1)
    return request_id


@pytest.fixture
def clocked_bot(strings: Catalogue, federation: Federation) -> tuple[BotInMemory, Clock]:
    """The bot on an empty memory store, its clock moved on by the test."""
    clock = Clock(datetime.now(UTC))
    in_force = PolicyInForce(fixture_policy(), NoIndex())
    return open_bot(strings, federation, lambda: in_force, clock=clock), clock


@pytest.mark.parametrize(("said", "lang"), [("I'm back, what did I miss?", Lang.EN),
                                            ("beth sydd wedi digwydd?", Lang.CY)])
async def test_the_head_back_from_leave_sees_what_her_delegate_decided_since_she_last_looked(
        clocked_bot: tuple[BotInMemory, Clock], strings: Catalogue, said: str, lang: Lang) -> None:
    """Siân was away for a fortnight and Ffion, her named delegate, approved one request and declined another. Back,
    she typed "what did I miss?": she got her pending list only, and nothing told her what Ffion had decided (each
    request's card on her phone had been edited in place, far up her chat). Now a card below her pending list lists
    what someone else decided since she last looked, who decided it and when; asked again, it is not shown again."""
    bot, clock = clocked_bot
    await bot.meets(CARYS, SIAN, FFION)
    await bot.says(SIAN, "anything waiting for me?")
    clock.now += timedelta(days=1)
    approved = await _decided_by_ffion(bot, clock, 1, "permission.approve")
    declined = await _decided_by_ffion(bot, clock, 2, "permission.decline")

    reply = await bot.says(SIAN, said, lang=Lang.EN)

    assert _title(reply.card) == strings.text("perm.pending_title", lang)
    [missed] = [card for card in reply.more if _title(card) == strings.text("perm.missed_title", lang)]
    assert approved in text_of(missed) and declined in text_of(missed)
    assert FFION.name in text_of(missed) and "We already have a school page." in text_of(missed)
    again = await bot.says(SIAN, said, lang=Lang.EN)
    assert strings.text("perm.missed_title", lang) not in [_title(card) for card in again.more]
    later = await _decided_by_ffion(bot, clock, 3, "permission.approve")
    [newer] = [card for card in (await bot.says(SIAN, said)).more
               if _title(card) == strings.text("perm.missed_title", lang)]
    assert later in text_of(newer) and approved not in text_of(newer)


@pytest.mark.parametrize(("said", "lang"), [("what has been decided?", Lang.EN), ("What's been decided?", Lang.EN),
                                            ("what have I decided", Lang.EN), ("beth sy wedi'i benderfynu?", Lang.CY),
                                            ("Beth sydd wedi cael ei benderfynu?", Lang.CY)])
async def test_the_head_asking_what_has_been_decided_gets_the_decisions_not_the_policy(
        clocked_bot: tuple[BotInMemory, Clock], strings: Catalogue, said: str, lang: Lang) -> None:
    """Siân typed "what has been decided?" (or "beth sy wedi'i benderfynu?") and got the policy's words on deciding,
    or "not covered": her decisions, and her delegate's, are what she asked for. She gets the requests she decides
    that were decided this term, newest first, with who decided each, asked twice too (it is no "since you last
    looked"), in the language typed; Carys, who decides nothing, gets her own requests."""
    bot, clock = clocked_bot
    await bot.meets(CARYS, SIAN, FFION)
    approved = await _decided_by_ffion(bot, clock, 1, "permission.approve")
    declined = await _decided_by_ffion(bot, clock, 2, "permission.decline")
    await bot.says(SIAN, "anything waiting for me?")  # looked since: still what she asks about

    reply = await bot.says(SIAN, said)
    again = await bot.says(SIAN, said)
    staff = await bot.says(CARYS, said)

    for card in (reply.card, again.card):
        assert _title(card) == strings.text("perm.decided_title", lang)
        assert approved in text_of(card) and declined in text_of(card) and FFION.name in text_of(card)
        assert text_of(card).index(declined) < text_of(card).index(approved)
    assert _title(staff.card) == strings.text("perm.mine_title", lang)
    assert bot.store.questions == {}
