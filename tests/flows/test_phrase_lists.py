"""Every phrase in the lists a Welsh speaker extends (dialogs/data/) gets its answer, typed as the list writes it: a
phrase added to a file is recognised without touching code, and one that never could be fails here by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.domain.directory import read_staff_csv
from bot.domain.federation import Federation, parse_federation
from bot.domain.people import Lang, Person
from bot.storage.memory import MemoryPolicyReads, MemoryStaffDirectory
from cards.answer import when
from cards.i18n import Catalogue
from cards.publishing import VERB_CONFIRM_READ
from dialogs.base import normalise
from dialogs.home import language_asked_for
from dialogs.pasted import questions_in, words_asked
from dialogs.permission_requests import (
    accounts_asked_about,
    asks_about_own_request,
    asks_for_a_colleague,
    asks_what_waits,
    deciders_named,
    deciders_names,
    guess_request,
)
from dialogs.phrases import DATA_FOLDER, PLACEHOLDER
from tests.flows.conftest import CARYS, FFION, REPO, SIAN, BotInMemory, text_of
from tests.flows.test_publishing_flow import PublishingBot, open_publishing_bot
from tests.support.cards import verb_data
from tests.support.policies import write_revised


def lines(name: str) -> list[str]:
    """A list's phrases as its file writes them (capitals, accents, apostrophes), read here without the bot's loader."""
    text = (DATA_FOLDER / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def welsh_only(name: str) -> set[str]:
    """The phrases a list writes under its "# Cymraeg" heading and not under "# English" too ("grand" is both)."""
    under: dict[str, set[str]] = {"English": set(), "Cymraeg": set()}
    heading = ""
    for line in (DATA_FOLDER / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = next((h for h in under if line.removeprefix("#").strip().startswith(h)), heading)
        elif line.strip() and heading:
            under[heading].add(line.strip())
    return under["Cymraeg"] - under["English"]


def table(name: str) -> dict[str, str]:
    """A `.tsv` list: the word people type -> what it stands for."""
    return dict((key.strip(), value.strip()) for key, _, value in (line.partition("\t") for line in lines(name)))


def language_phrases(name: str) -> list[tuple[str, Lang]]:
    """Each line of a list of ways to ask for (or refuse) a language, with each name of each language in it."""
    names = {Lang.CY: lines("language-names-welsh.txt"), Lang.EN: lines("language-names-english.txt")}
    return [(way.replace(PLACEHOLDER, language), lang)
            for way in lines(name) for lang, languages in names.items() for language in languages]


async def _not_answered_with(bot: BotInMemory, strings: Catalogue, phrases: list[str], key: str, *,
                             person: Person = CARYS, welsh: set[str] | None = None) -> list[str]:
    """The phrases whose reply does not show the string `key`, typed by someone whose Teams is in English: those in
    `welsh` in Welsh (the README: anything typed in Welsh gets a Welsh card), any other in either language (Welsh words
    the bot recognises as Welsh get Welsh)."""
    either = {strings.text(key, lang) for lang in Lang}
    missed = []
    for phrase in phrases:
        reply = await bot.says(person, phrase, lang=Lang.EN)
        shown = {strings.text(key, Lang.CY)} if welsh and phrase in welsh else either
        if not any(text in text_of(reply.card) for text in shown):
            missed.append(phrase)
    return missed


async def _list_not_answered_with(bot: BotInMemory, strings: Catalogue, name: str, key: str, *,
                                  person: Person = CARYS) -> list[str]:
    """The phrases of a list whose reply does not show `key`; those under its Cymraeg heading only, not in Welsh."""
    return await _not_answered_with(bot, strings, lines(name), key, person=person, welsh=welsh_only(name))


async def test_every_greeting_in_the_list_gets_the_welcome_card(bot: BotInMemory, strings: Catalogue) -> None:
    assert await _list_not_answered_with(bot, strings, "greetings.txt", "welcome.title") == []


async def test_every_call_for_help_in_the_list_gets_the_help_card(bot: BotInMemory, strings: Catalogue) -> None:
    assert "?" in lines("help.txt")
    assert await _list_not_answered_with(bot, strings, "help.txt", "help.title") == []


async def test_every_thanks_in_the_list_gets_a_friendly_word(bot: BotInMemory, strings: Catalogue) -> None:
    assert await _list_not_answered_with(bot, strings, "thanks.txt", "home.thanks") == []


async def test_every_lone_ok_in_the_list_gets_a_friendly_word(bot: BotInMemory, strings: Catalogue) -> None:
    assert await _list_not_answered_with(bot, strings, "acknowledgements.txt", "home.ok") == []


async def test_every_way_of_backing_out_in_the_list_is_told_nothing_was_sent(bot: BotInMemory,
                                                                             strings: Catalogue) -> None:
    assert await _list_not_answered_with(bot, strings, "backing-out.txt", "home.backed_out") == []


async def test_every_way_of_saying_the_answer_was_wrong_in_the_list_gets_a_kind_word(bot: BotInMemory,
                                                                                      strings: Catalogue) -> None:
    assert await _list_not_answered_with(bot, strings, "answer-complaints.txt", "home.not_answered") == []


async def test_every_way_of_not_catching_the_answer_in_the_list_gets_a_kind_word(bot: BotInMemory,
                                                                                 strings: Catalogue) -> None:
    assert await _list_not_answered_with(bot, strings, "pardon.txt", "home.pardon") == []


async def test_every_way_of_doubting_the_answer_in_the_list_is_told_it_is_the_policys_words(bot: BotInMemory,
                                                                                           strings: Catalogue) -> None:
    assert await _list_not_answered_with(bot, strings, "are-you-sure.txt", "home.are_you_sure") == []


async def test_every_bare_why_in_the_list_is_told_where_the_reasons_are(bot: BotInMemory, strings: Catalogue) -> None:
    assert await _list_not_answered_with(bot, strings, "why.txt", "home.why") == []


async def test_every_way_of_asking_what_is_kept_of_ones_questions_in_the_list_is_told(bot: BotInMemory,
                                                                                       strings: Catalogue) -> None:
    """ "are my questions private?", "pwy sy'n gweld fy nghwestiynau?": what the bot keeps and who sees it (its first
    sentence, before the policy owner's name is filled in), in Welsh for a phrase listed in Welsh."""
    opening = {lang: strings.text("ask.questions_kept", lang).split(". ")[0] for lang in Lang}
    welsh = welsh_only("about-my-questions.txt")
    missed = []
    for phrase in lines("about-my-questions.txt"):
        shown = text_of((await bot.says(CARYS, phrase, lang=Lang.EN)).card)
        if not any(opening[lang] in shown for lang in ((Lang.CY,) if phrase in welsh else Lang)):
            missed.append(phrase)

    assert missed == [] and bot.store.questions == {}


async def test_every_way_of_asking_after_ones_report_in_the_list_lists_ones_reports(bot: BotInMemory,
                                                                                    strings: Catalogue) -> None:
    """ "Ble mae fy adroddiad?", "any news on my report?": each opening of the list, before the words naming one's
    report, lists one's reports, in Welsh for one listed in Welsh."""
    welsh = welsh_only("concern-my-reports-asked.txt")
    typed = [(f"{asked} {'fy adroddiad' if asked in welsh else 'my report'}?", asked in welsh)
             for asked in lines("concern-my-reports-asked.txt")]
    missed = []
    for phrase, in_welsh in typed:
        shown = text_of((await bot.says(CARYS, phrase, lang=Lang.EN)).card)
        if not any(strings.text("concern.mine_title", lang) in shown for lang in ([Lang.CY] if in_welsh else Lang)):
            missed.append(phrase)

    assert missed == []


async def test_every_way_of_asking_whether_someone_named_has_ones_report_in_the_list_lists_ones_reports(
        bot: BotInMemory, strings: Catalogue) -> None:
    """ "Ydy Gareth wedi gweld fy adroddiad?", "has Mr Hughes seen my report?": each phrase of the list, with a name of
    one, two or three words where its {} stands, lists one's reports, in Welsh for one listed in Welsh."""
    welsh = welsh_only("concern-my-reports-asked-of-someone.txt")
    missed = []
    for asked in lines("concern-my-reports-asked-of-someone.txt"):
        for name in ("Gareth", "Mr Hughes", "Mr Gareth Hughes"):
            phrase = f"{asked.replace(PLACEHOLDER, name)} {'fy adroddiad' if asked in welsh else 'my report'}?"
            shown = text_of((await bot.says(CARYS, phrase, lang=Lang.EN)).card)
            if not any(strings.text("concern.mine_title", lang) in shown
                       for lang in ([Lang.CY] if asked in welsh else Lang)):
                missed.append(phrase)

    assert missed == []


async def test_every_way_of_asking_what_became_of_ones_report_named_first_in_the_list_lists_ones_reports(
        bot: BotInMemory, strings: Catalogue) -> None:
    """ "Ydy fy adroddiad wedi cyrraedd?", "has my report been seen?": each phrase of the list, with the words naming
    one's report where its {} stands, lists one's reports, in Welsh for one listed in Welsh."""
    welsh = welsh_only("concern-my-reports-asked-whether.txt")
    missed = []
    for asked in lines("concern-my-reports-asked-whether.txt"):
        for named in (["fy adroddiad", "fy mhryder"] if asked in welsh else ["my report", "my concern"]):
            phrase = f"{asked.replace(PLACEHOLDER, named, 1).replace(PLACEHOLDER, 'Mr Gareth Hughes')}?"
            shown = text_of((await bot.says(CARYS, phrase, lang=Lang.EN)).card)
            if not any(strings.text("concern.mine_title", lang) in shown
                       for lang in ([Lang.CY] if asked in welsh else Lang)):
                missed.append(phrase)

    assert missed == []


async def test_every_way_of_asking_for_the_policy_in_welsh_in_the_list_is_told_what_there_is(
        bot: BotInMemory, strings: Catalogue, federation: Federation) -> None:
    """ "Oes fersiwn Gymraeg?", "is there a Welsh version?": that the document is in English only, in Welsh for a
    phrase listed in Welsh; nothing is searched in the policy (the bot fails the test if it is)."""
    said = {lang: strings.text("ask.policy_in_welsh_english_only", lang, owner=federation.policy_owner.name)
            for lang in Lang}
    welsh = welsh_only("policy-in-welsh.txt")
    missed = []
    for phrase in lines("policy-in-welsh.txt"):
        shown = text_of((await bot.says(CARYS, phrase, lang=Lang.EN)).card)
        if not any(said[lang] in shown for lang in ([Lang.CY] if phrase in welsh else Lang)):
            missed.append(phrase)

    assert missed == []


async def test_every_swear_word_in_the_list_aimed_at_the_bot_gets_a_calm_word(bot: BotInMemory,
                                                                             strings: Catalogue) -> None:
    typed = [f"this is {word}" for word in lines("swearing.txt")]

    assert await _not_answered_with(bot, strings, typed, "home.sworn_at") == []


async def test_swearing_in_welsh_words_gets_the_calm_word_in_welsh_whatever_teams_is_set_to(
        bot: BotInMemory, strings: Catalogue) -> None:
    """ "Blydi bot", "ffycin hel": swear words listed in Welsh, which the words' own language check does not know,
    get Welsh as every other phrase listed in Welsh does; among English words ("this bot is ffycin useless") the
    person's language stays."""
    typed = [f"{word} bot" for word in welsh_only("swearing.txt")]

    assert await _not_answered_with(bot, strings, typed, "home.sworn_at", welsh=set(typed)) == []
    among_english = await bot.says(CARYS, "this bot is ffycin useless", lang=Lang.EN)
    assert strings.text("home.sworn_at", Lang.EN) in text_of(among_english.card)


async def test_every_courtesy_word_in_the_lists_changes_nothing(bot: BotInMemory, strings: Catalogue) -> None:
    """ "ok, never mind", "never mind, os gwelwch yn dda": still backing out."""
    typed = ([f"{word}, never mind" for word in lines("courtesy-before.txt")]
             + [f"never mind, {words}" for words in lines("courtesy-after.txt")])

    assert await _not_answered_with(bot, strings, typed, "home.backed_out") == []


async def test_every_way_of_asking_for_or_refusing_a_language_in_the_lists_switches_to_it(bot: BotInMemory) -> None:
    """ "switch to Welsh" and "newid i'r Saesneg" ask for the language they name; "dim Saesneg" for the other."""
    other = {Lang.CY: Lang.EN, Lang.EN: Lang.CY}
    wanted = [*language_phrases("language-asking.txt"),
              *((phrase, other[lang]) for phrase, lang in language_phrases("language-refusing.txt"))]

    switched = {phrase: (await bot.says(CARYS, phrase)).language for phrase, _ in wanted}

    assert {phrase: switched[phrase] for phrase, lang in wanted if switched[phrase] is not lang} == {}


async def test_every_way_of_changing_language_in_the_list_switches_to_the_other_one(bot: BotInMemory) -> None:
    """ "newid iaith", "change language": whichever language the bot speaks with the person, the other one."""
    other = {Lang.CY: Lang.EN, Lang.EN: Lang.CY}

    switched = {(phrase, lang): (await bot.says(CARYS, phrase, lang=lang)).language
                for phrase in lines("language-other.txt") for lang in Lang}

    assert {asked: wanted for asked, wanted in switched.items() if wanted is not other[asked[1]]} == {}


def test_no_and_a_pause_answers_the_card_instead_of_refusing_the_language() -> None:
    """ "Dim, Cymraeg": a no, a pause, then the language; never read as "dim Cymraeg" (no Welsh)."""
    assert [word for word in lines("language-no-and-a-pause.txt")
            if language_asked_for(f"{word}, Welsh") is Lang.EN or language_asked_for(f"{word}. Saesneg") is Lang.CY
            ] == []


async def test_every_permission_command_in_the_lists_opens_its_card(bot: BotInMemory, strings: Catalogue) -> None:
    """The form, the person's own requests, and, for the executive headteacher, what waits and the register."""
    assert await _list_not_answered_with(bot, strings, "permission-form.txt", "perm.form_title", person=SIAN) == []
    assert await _list_not_answered_with(bot, strings, "permission-my-requests.txt", "perm.mine_title",
                                    person=SIAN) == []
    assert await _list_not_answered_with(bot, strings, "permission-pending.txt", "perm.pending_title",
                                    person=SIAN) == []
    assert await _list_not_answered_with(bot, strings, "permission-register.txt", "perm.register_title",
                                    person=SIAN) == []


async def test_every_way_of_asking_what_waits_in_the_list_opens_the_list_of_whoever_decides(
        bot: BotInMemory, strings: Catalogue) -> None:
    """ "anything waiting for me", "beth sy'n aros": the head's and the delegate's pending list; anyone else's own
    requests, saying none waits for them (in Welsh for a Welsh phrase)."""
    name = "permission-waiting-for-me.txt"
    for person in (SIAN, FFION):
        assert await _list_not_answered_with(bot, strings, name, "perm.pending_title", person=person) == []
    assert await _list_not_answered_with(bot, strings, name, "perm.waiting_not_decider") == []


def _staff_questions() -> list[str]:
    """Every staff question of the evaluation sets, English and Welsh (some 19,700), as staff wrote them."""
    return sorted({json.loads(line)["q"] for path in (REPO / "eval" / "sets").glob("*.jsonl")
                   for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})


def test_no_staff_question_of_the_evaluation_sets_is_read_as_asking_what_waits() -> None:
    """The false hits of "anything waiting for me?", measured: a question about the policy that it took would give the
    head her pending list (and staff their requests) in place of the policy's words."""
    questions = _staff_questions()

    taken = [question for question in questions if asks_what_waits(normalise(question))]

    assert len(questions) > 15_000 and any(question.startswith("Beth ") for question in questions)
    assert taken == []
    assert all(asks_what_waits(normalise(phrase)) for phrase in lines("permission-waiting-for-me.txt"))


async def test_every_typed_approve_or_decline_in_the_list_is_pointed_to_the_buttons(bot: BotInMemory,
                                                                                    strings: Catalogue) -> None:
    """ "cymeradwyo'r cais yma", "gwrthod e": each listed way, alone or with a request's reference after it, decides
    nothing; someone who does not decide requests is told how they are decided (in Welsh for a Welsh phrase)."""
    phrases = lines("permission-deciding.txt")
    typed = [*phrases, *(f"{phrase} P-7KQ2MX" for phrase in phrases)]
    welsh = welsh_only("permission-deciding.txt")
    assert await _not_answered_with(bot, strings, typed, "perm.typed_decision_not_decider",
                                    welsh={*welsh, *(f"{phrase} P-7KQ2MX" for phrase in welsh)}) == []


async def test_every_typed_acknowledgement_in_the_list_is_pointed_to_the_button(bot: BotInMemory,
                                                                               strings: Catalogue) -> None:
    """ "cydnabod yr adroddiad", "dwi wedi darllen yr adroddiad": each listed way, alone or with a report's reference
    after it, acknowledges nothing; someone who holds no report is told how reports are acknowledged (in Welsh for a
    Welsh phrase)."""
    phrases = lines("concern-acknowledging.txt")
    typed = [*phrases, *(f"{phrase} C-4QX9TB" for phrase in phrases)]
    welsh = welsh_only("concern-acknowledging.txt")
    assert await _not_answered_with(bot, strings, typed, "concern.typed_acknowledge_not_holder",
                                    welsh={*welsh, *(f"{phrase} C-4QX9TB" for phrase in welsh)}) == []


async def test_every_typed_withdrawal_in_the_list_gets_her_reports_saying_none_is_withdrawn(
        bot: BotInMemory, strings: Catalogue) -> None:
    """ "tynnu fy adroddiad yn ôl", "cancel my report": each listed way withdraws nothing and gets her reports, saying
    so (in Welsh for a Welsh phrase)."""
    await bot.has_the_staff_list()
    form = await bot.says(CARYS, "report a concern")
    await bot.clicks(CARYS, "concern.submit", {**verb_data(form.card or {}, "concern.submit"),
                                               "what": "Messages late at night about my lessons."})
    assert await _list_not_answered_with(bot, strings, "concern-withdrawing.txt", "concern.typed_withdraw") == []


def test_no_staff_question_of_the_evaluation_sets_is_read_as_withdrawing_a_report() -> None:
    """A question about the policy the list took would give its asker her reports in place of the policy."""
    listed = frozenset(normalise(phrase) for phrase in lines("concern-withdrawing.txt"))

    taken = [question for question in _staff_questions() if normalise(question) in listed]

    assert taken == []


def test_no_staff_question_of_the_evaluation_sets_is_read_as_acknowledging_a_report() -> None:
    """A question about the policy the list took would give a line manager his reports in place of the policy."""
    listed = frozenset(normalise(phrase) for phrase in lines("concern-acknowledging.txt"))

    taken = [question for question in _staff_questions() if normalise(question) in listed]

    assert taken == []


async def test_every_way_of_asking_who_your_line_manager_is_in_the_list_gets_the_answer(bot: BotInMemory,
                                                                                       strings: Catalogue) -> None:
    """ "pwy di fy rheolwr llinell i", "who's my boss": the asker's own line manager, in Welsh for a Welsh phrase."""
    assert await _list_not_answered_with(bot, strings, "concern-my-line-manager.txt", "concern.my_manager_title") == []


async def test_every_way_of_asking_who_the_headteacher_is_in_the_list_gets_the_answer(bot: BotInMemory,
                                                                                     strings: Catalogue) -> None:
    """ "pwy yw'r pennaeth", "who's the head teacher": the headteacher, from the settings (Welsh for a Welsh phrase)."""
    assert await _list_not_answered_with(bot, strings, "who-is-the-headteacher.txt", "ask.headteacher_title") == []


def test_every_word_in_the_my_request_lists_reads_as_a_question_about_the_persons_own_request() -> None:
    """Each word does its part in telling "has my request been approved?" from "a parent ignored my request to stop"."""
    said = {
        "my-request-asked.txt": "{} my request",
        "my-request-to-the-head.txt": "has my request to the {} gone",
        "my-request-for-an-account.txt": "my request to {} a page",
        "my-request-articles.txt": "my request to {} head",
        "my-request-said-twice.txt": "ydy fy nghais i {} aros",
        "my-request-when.txt": "has my request from {} been approved",
    }

    missed = {name: [word for word in lines(name)
                     if not asks_about_own_request(normalise(way.format(word)))]
              for name, way in said.items()}

    assert missed == dict.fromkeys(said, [])
    assert not asks_about_own_request("has my request to the pupils gone")  # the sentences can fail


def test_every_word_in_the_my_account_list_reads_as_asking_about_the_account_she_asked_for() -> None:
    """ "has the head approved my instagram": each word, with her account named after "my" or "fy", and no word of it
    alone (the account's platform is needed too)."""
    words = lines("my-account-asked.txt")

    missed = [word for word in words if accounts_asked_about(normalise(f"{word} my instagram")) != {"instagram"}
              or accounts_asked_about(normalise(f"{word} fy instagram")) != {"instagram"}]

    assert missed == []
    assert [word for word in words if accounts_asked_about(normalise(f"{word} the instagram"))] == []


def test_no_question_of_the_evaluation_sets_reads_as_asking_about_her_own_request_or_account() -> None:
    """The false hits of "has the head approved my Instagram yet?" and "has my request been approved?", measured: every
    question of the evaluation sets (some 21,000, English and Welsh) is one for the policy, so none may be read as
    asking what became of her own request or account (with one of that platform, she would get her list, not the
    answer)."""
    questions = [json.loads(line)["q"] for path in sorted((REPO / "eval" / "sets").glob("*.jsonl"))
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    found = [q for q in questions if asks_about_own_request(normalise(q)) or accounts_asked_about(normalise(q))]

    assert len(questions) > 20_000
    assert found == []
    assert accounts_asked_about(normalise("Has the PE Instagram been approved?"))  # the check can fail


def test_no_question_of_the_evaluation_sets_reads_as_asking_about_her_request_with_the_heads_named() -> None:
    """As above, with the local federation's headteacher and delegate known by name, as the flow reads a question
    ("Did Siân say yes to my request?"): the eval sets name a Sian who is not the head ("my duty day with Sian"), and
    none of them may become a question about her own request."""
    questions = [json.loads(line)["q"] for path in sorted((REPO / "eval" / "sets").glob("*.jsonl"))
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    federation = parse_federation(json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8")))
    names = deciders_names(federation)

    found = [q for q in questions if asks_about_own_request(deciders_named(normalise(q), names, written=q))
             or accounts_asked_about(deciders_named(normalise(q), names, written=q))]

    assert found == []
    said = "Did Siân say yes to my request?"
    assert asks_about_own_request(deciders_named(normalise(said), names, written=said))


def test_every_phrase_for_a_colleague_in_the_list_reads_as_asking_for_them_only_beside_permission() -> None:
    phrases = lines("permission-for-a-colleague.txt")

    missed = [p for p in phrases if not asks_for_a_colleague(normalise(f"can I ask permission {p}"))
              or not asks_for_a_colleague(normalise(f"ga i ofyn am ganiatâd {p}"))]

    assert missed == []
    assert [p for p in phrases if asks_for_a_colleague(normalise(f"can I post {p}"))] == []


def test_every_platform_in_the_lists_is_chosen_on_the_form() -> None:
    def asked(word: str) -> dict[str, str]:
        return guess_request(f"I need permission for a class {word}")

    chosen = {word: asked(word) for word in table("form-platforms.tsv")}
    others = {word: asked(word) for word in table("form-other-platforms.tsv")}

    assert chosen == {word: {"platform": value} for word, value in table("form-platforms.tsv").items()}
    assert others == {word: {"platform": "other", "platform_other": name}
                      for word, name in table("form-other-platforms.tsv").items()}


def test_every_word_for_a_new_or_an_existing_account_in_the_lists_chooses_it_on_the_form() -> None:
    kinds = {"form-new-account.txt": "new", "form-existing-account.txt": "existing"}

    guessed = {name: {words: guess_request(f"permission for {words} facebook page").get("account_kind")
                      for words in lines(name)} for name in kinds}

    assert guessed == {name: dict.fromkeys(lines(name), kind) for name, kind in kinds.items()}


async def test_an_english_phrase_from_someone_whose_teams_is_in_welsh_keeps_their_welsh(bot: BotInMemory,
                                                                                         strings: Catalogue) -> None:
    """Only a phrase listed in Welsh changes the language: "ok", "thanks", "never mind" keep the person's, as any other
    English command does."""
    said = {"ok": "home.ok", "thanks": "home.thanks", "never mind": "home.backed_out"}

    replies = {phrase: await bot.says(CARYS, phrase, lang=Lang.CY) for phrase in said}

    assert [p for p, key in said.items() if strings.text(key, Lang.CY) not in text_of(replies[p].card)] == []


async def test_every_concern_command_in_the_lists_opens_its_card(bot: BotInMemory, strings: Catalogue) -> None:
    """The form for reporting a colleague, and the reports the person sent."""
    assert await _list_not_answered_with(bot, strings, "concern-form.txt", "concern.form_title") == []
    assert await _list_not_answered_with(bot, strings, "concern-my-reports.txt", "concern.mine_title") == []


def _with_courtesy(name: str) -> dict[str, str]:
    """Each phrase of a list with courtesy words after it, and before it, as typed in its language: "fy ngheisiadau os
    gwelwch yn dda", "iawn, fy ngheisiadau", "my requests please", "ok, my requests" -> the phrase."""
    welsh = welsh_only(name)
    typed = {f"{p} os gwelwch yn dda" if p in welsh else f"{p} please": p for p in lines(name)}
    return typed | {f"iawn, {p}" if p in welsh else f"ok, {p}": p for p in lines(name)}


async def test_every_command_in_the_lists_with_courtesy_words_round_it_opens_its_card(
        answering_bot: BotInMemory, strings: Catalogue, federation: Federation) -> None:
    """ "fy ngheisiadau plis", "codi pryder os gwelwch yn dda", "my requests please", "ok, about the policy": only
    help, the language and a few others took courtesy words off, so these were read as questions about the policy
    ("codi pryder plis" was "not covered" and offered to the headteacher; "fy ngheisiadau plis" quoted the rule on
    friending pupils)."""
    said = {"permission-form.txt": "perm.form_title", "permission-my-requests.txt": "perm.mine_title",
            "permission-pending.txt": "perm.pending_title", "permission-register.txt": "perm.register_title",
            "concern-form.txt": "concern.form_title", "concern-my-reports.txt": "concern.mine_title",
            "concern-held-reports.txt": "concern.held_title", "policy-about.txt": "ask.about_title",
            "policy-whats-new.txt": "reads.whats_new_title", "policy-review.txt": "ask.review_title",
            "policy-reads.txt": "reads.no_version"}
    missed = {}
    for name, key in said.items():
        typed = _with_courtesy(name)
        missed[name] = await _not_answered_with(answering_bot, strings, list(typed), key, person=SIAN,
                                                welsh={t for t, p in typed.items() if p in welsh_only(name)})
    publishing = open_publishing_bot(strings, federation)
    await publishing.live.start()
    typed = _with_courtesy("policy-publish.txt")
    missed["policy-publish.txt"] = await _not_answered_with(
        publishing.bot, strings, list(typed), "publish.how", person=SIAN,
        welsh={t for t, p in typed.items() if p in welsh_only("policy-publish.txt")})

    assert missed == dict.fromkeys([*said, "policy-publish.txt"], [])
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("typed", "key"), [("New request", "perm.form_title"),
                                            ("Make a new request", "perm.form_title"),
                                            ("Request form", "perm.form_title"),
                                            # "not covered", offered to the headteacher
                                            ("How do I raise a concern?", "concern.form_title")])
async def test_asking_for_a_new_request_in_english_opens_the_form(answering_bot: BotInMemory, strings: Catalogue,
                                                                  typed: str, key: str) -> None:
    """ "New request" quoted the rule on friending pupils, as its Welsh twin "cais newydd" did."""
    reply = await answering_bot.says(CARYS, typed, lang=Lang.EN)

    assert strings.text(key, Lang.EN) in text_of(reply.card)
    assert answering_bot.store.questions == {}


async def test_every_policy_command_in_the_lists_opens_its_card(strings: Catalogue, federation: Federation) -> None:
    """The sections, about the policy, what's new, and, for the policy's owner, the questions for review, who has read
    it (nothing published in the bot yet: the summary says so) and how to publish."""
    said = {"policy-sections.txt": "ask.sections_title", "policy-about.txt": "ask.about_title",
            "policy-whats-new.txt": "reads.whats_new_title", "policy-review.txt": "ask.review_title",
            "policy-reads.txt": "reads.no_version", "policy-publish.txt": "publish.how"}
    publishing = open_publishing_bot(strings, federation)
    await publishing.live.start()

    missed = {name: await _list_not_answered_with(publishing.bot, strings, name, key, person=SIAN)
              for name, key in said.items()}

    assert missed == dict.fromkeys(said, [])


async def _version_2_published(strings: Catalogue, federation: Federation, tmp_path: Path) -> PublishingBot:
    """The bot with the federation's staff list, version 2 of the policy just published."""
    publishing = open_publishing_bot(strings, federation)
    await publishing.live.start()
    await MemoryStaffDirectory(publishing.bot.store).replace_all(read_staff_csv(
        (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
        schools=[s.school_id for s in federation.schools]).staff)
    await publishing.publishes(write_revised(tmp_path), "2")
    return publishing


async def test_every_way_of_saying_i_have_read_it_in_the_list_gets_the_card_to_press(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Typed in reply to the card asking for it, after a thanks too: the card of the version in force again, saying
    the button records it (those listed in Welsh only, in Welsh, her Teams being in English)."""
    publishing = await _version_2_published(strings, federation, tmp_path)
    welsh = welsh_only("policy-read-confirmed.txt")
    missed = []
    for phrase in lines("policy-read-confirmed.txt"):
        for typed in (phrase, f"Thanks, {phrase}" if phrase not in welsh else f"Diolch, {phrase}"):
            reply = await publishing.bot.says(CARYS, typed, lang=Lang.EN)
            langs = [Lang.CY] if phrase in welsh else list(Lang)
            if not any(strings.text("reads.typed_confirm", lang, version="2") in text_of(reply.card) for lang in langs):
                missed.append(typed)

    assert missed == []


async def test_every_way_of_asking_have_i_confirmed_in_the_list_says_where_she_stands(
        strings: Catalogue, federation: Federation, tmp_path: Path) -> None:
    """Asked with the version in force not yet confirmed, then once it is: that she has not yet (with the card to
    press), then which version she confirmed and when (those listed in Welsh only, in Welsh, her Teams being in
    English)."""
    publishing = await _version_2_published(strings, federation, tmp_path)
    welsh = welsh_only("policy-read-have-i.txt")
    missed = []
    for phrase in lines("policy-read-have-i.txt"):
        reply = await publishing.bot.says(CARYS, phrase, lang=Lang.EN)
        langs = [Lang.CY] if phrase in welsh else list(Lang)
        if not any(strings.text("reads.please_confirm", lang) in text_of(reply.card) for lang in langs):
            missed.append(phrase)
    await publishing.bot.clicks(CARYS, VERB_CONFIRM_READ, {"version": "2"})
    [confirmed] = await MemoryPolicyReads(publishing.bot.store).list_confirmed("2")
    for phrase in lines("policy-read-have-i.txt"):
        reply = await publishing.bot.says(CARYS, phrase, lang=Lang.EN)
        langs = [Lang.CY] if phrase in welsh else list(Lang)
        if not any(strings.text("reads.have_confirmed", lang, version="2", when=when(confirmed.read_at))
                   in text_of(reply.card) for lang in langs):
            missed.append(f"{phrase} (confirmed)")

    assert missed == []


def test_every_sign_off_and_signature_line_in_the_lists_is_taken_off_a_pasted_question() -> None:
    question = "Can I post photos of the school trip on Twitter?"
    for sign_off in lines("sign-offs.txt"):
        assert words_asked(f"{question}\n\n{sign_off},\nCarys Jenkins\nLlanidloes High School") == question, sign_off
    for start in lines("signature-lines.txt"):
        assert words_asked(f"{question}\n{start} phone") == question, start
    # A sign-off that is the whole message is a thanks, and one above a question is not a signature.
    assert words_asked("Thanks\nCarys") == "Thanks\nCarys"
    assert words_asked(f"Thanks,\n{question}") == f"Thanks,\n{question}"


async def test_every_follow_up_in_the_list_is_asked_with_the_question_it_follows(answering_bot: BotInMemory) -> None:
    question = "Can I accept a friend request from a pupil?"
    await answering_bot.says(CARYS, question)
    missed = []
    for start in lines("follow-ups.txt"):
        before = set(answering_bot.store.questions)
        await answering_bot.says(CARYS, f"{start} Instagram?")
        added = [r.text for key, r in answering_bot.store.questions.items() if key not in before]
        if added != [f"{question} {start} Instagram?"]:  # each goes on from the question they all follow
            missed.append(start)

    assert missed == []


async def test_every_way_of_asking_for_a_section_in_the_list_opens_the_section_it_names(
        answering_bot: BotInMemory, strings: Catalogue) -> None:
    """Each pattern with a section's name in it, typed by someone whose Teams is in English: those under Cymraeg open
    it in Welsh."""
    welsh = welsh_only("policy-section-asking.txt")
    missed = []
    for way in lines("policy-section-asking.txt"):
        lang = Lang.CY if way in welsh else Lang.EN
        said = way.replace(PLACEHOLDER, "ddefnydd personol" if lang is Lang.CY else "personal use")
        reply = await answering_bot.says(CARYS, said, lang=Lang.EN)
        section = "Defnydd personol o rwydweithio cymdeithasol" if lang is Lang.CY else \
            "Using social networking for personal use"
        if strings.text("ask.section_title", lang, section=section) not in text_of(reply.card):
            missed.append(said)

    assert missed == [] and answering_bot.store.questions == {}


async def test_every_question_opener_in_the_list_alone_is_asked_for_the_question(answering_bot: BotInMemory,
                                                                                 strings: Catalogue) -> None:
    """A message of filler alone ("quick one", "sori i boeni") asks nothing yet: each gets "go ahead, type your
    question", in Welsh for those listed under Cymraeg, and nothing is kept."""
    assert await _list_not_answered_with(answering_bot, strings, "question-openers.txt", "ask.go_ahead") == []
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("typed", "platform"), [
    ("Dw i angen caniatâd ar gyfer fy mlog", "blog"),  # nasal: blog → mlog
    ("Dw i angen caniatâd i ysgrifennu yn fy mlog i", "blog"),
    ("Dw i angen caniatâd ar gyfer fy nhrydar", "x"),  # nasal: trydar → nhrydar
    ("Dw i angen caniatâd i ddechrau ei thrydar hi", "x"),  # aspirate: trydar → thrydar
    ("Mae angen caniatâd arna i i rannu ei thrydariadau", "x"),
])
def test_a_welsh_platform_name_after_a_mutating_word_is_chosen_on_the_form(typed: str, platform: str) -> None:
    """"Fy mlog" and "ei thrydar" opened the form with no platform chosen: the lists knew the soft mutations only."""
    assert guess_request(typed).get("platform") == platform


@pytest.mark.parametrize(("typed", "key"), [
    ("Dwi'm yn deall", "home.not_answered"),  # the everyday short form, as "dwi'm yn dallt" was listed
    ("Sai'n deall", "home.not_answered"),  # "sa i'n" typed as one word
    ("Beth mae hynny'n ei olygu?", "home.not_answered"),  # "golygu" is what a text means
    ("Be dach chi'n feddwl?", "home.not_answered"),  # "what do you mean?"
    ("Dwi wedi drysu", "home.not_answered"),  # "I'm confused"
    ("Nid dyna ro'n i'n ofyn", "home.not_answered"),  # "ro'n i", as common as "o'n i"
    ("Beth ddylwn i ofyn?", "help.title"),  # "what should I ask?"
    ("Pa fath o gwestiynau alla i ofyn?", "help.title"),
    ("Pa gwestiynau alla i ofyn?", "help.title"),  # "eu" before the verb is often left out
    ("Ble alla i ddarllen y polisi?", "ask.sections_title"),  # "where can I read the policy?"
    ("Dwi isio darllen y polisi i gyd", "ask.sections_title"),  # "I want to read the whole policy"
    ("Y polisi llawn", "ask.sections_title"),  # "the full policy"
    ("Sori i ofyn", "ask.go_ahead"),  # "sorry to ask"
    ("Cwestiwn twp", "ask.go_ahead"),  # "silly question", without "falle"
    ("Cwestiwn dwl falle...", "ask.go_ahead"),  # "dwl", the south's "silly"
    ("Cwestiwn gwirion ella", "ask.go_ahead"),  # "ella", the north's "perhaps"
    ("Sori i fod yn niwsans", "ask.go_ahead"),  # "sorry to be a pain"
    ("Mae cwestiwn 'da fi", "ask.go_ahead"),  # "I've got a question", the south's word order
    ("Ma gen i gwestiwn", "ask.go_ahead"),  # "mae" as said
    ("Sori os ydy hwn yn gwestiwn gwirion", "ask.go_ahead"),  # "sorry if this is a silly question"
    ("Ymholiad sydyn", "ask.go_ahead"),  # "quick query"
    ("Be sy'n newydd?", "reads.whats_new_title"),  # "be", the everyday "beth", as help.txt lists it
    ("Be sy newydd", "reads.whats_new_title"),
    ("Beth sy'n newydd yn y polisi?", "reads.whats_new_title"),  # the card's own heading
    ("Be sy wedi newid?", "reads.whats_new_title"),
    ("Beth yw'r newidiadau?", "reads.whats_new_title"),
    ("Darllen polisi", "ask.sections_title"),  # without the article
    ("Fy ceisiadau", "perm.mine_title"),  # "fy" left unmutated, as "fy cwestiynau" is listed
    ("Fy cais i", "perm.mine_title"),
    ("Fy mhryder", "concern.mine_title"),  # "fy mhryderon" was listed, the singular not
    ("Adroddiadau fi", "concern.mine_title"),  # "ceisiadau fi" was listed
    ("Adroddiadau sy gen i", "concern.held_title"),  # "sydd gen i" was listed, as said not
    ("Adroddiadau gyda fi", "concern.held_title"),  # the south's "gyda fi"
    ("Oes 'na adroddiadau i fi?", "concern.held_title"),  # "are there reports for me?": a quote on abuse of the
    ("Adroddiadau sy'n aros", "concern.held_title"),  # guidance, or "not covered" for "reports waiting"
    ("Hylo", "welcome.title"),  # a Welsh spelling of "hello"
    ("Dw i eisiau codi pryder", "concern.form_title"),  # "I want to raise a concern"
    ("Dwi isio codi pryder", "concern.form_title"),
    ("Wi moyn codi pryder", "concern.form_title"),
    ("Hoffwn i godi pryder", "concern.form_title"),
    ("Dw i eisiau gofyn am ganiatâd", "perm.form_title"),  # "I want to ask for permission" opened the form
    ("Dwi isio gofyn caniatâd i'r pennaeth", "perm.form_title"),
    ("Hoffwn i ofyn am ganiatâd", "perm.form_title"),
    ("Ga i ganiatâd plîs", "perm.form_title"),  # "may I have permission": a quote on photos, with the form's button
    ("Ga i ofyn am ganiatâd?", "perm.form_title"),  # "may I ask for permission?": the policy's rule, likewise
    ("Alla i ofyn am ganiatâd?", "perm.form_title"),
    ("Gallwn i ofyn am ganiatâd?", "perm.form_title"),
    ("Cais newydd", "perm.form_title"),  # "new request": the friending rule was quoted
    ("Gwneud cais newydd", "perm.form_title"),
    ("Ffurflen caniatâd", "perm.form_title"),  # "ffurflen ganiatâd" was listed, as typed without the mutation not
    ("Ffurflen gais", "perm.form_title"),  # "request form"
    ("Fy nghais am ganiatâd", "perm.mine_title"),  # "my permission request": "not covered"
    ("Fy ngheisiadau am ganiatâd", "perm.mine_title"),
    ("Statws fy nghais", "perm.mine_title"),  # "my request's status": the friending rule was quoted
    ("Fy requests", "perm.mine_title"),  # Welsh with the English word, as many type it
    ("Fy reports", "concern.mine_title"),
    ("'Y nghais i", "perm.mine_title"),  # "fy" as said, "'y", or left out: the nasal mutation says "my"
    ("'Y ngheisiadau", "perm.mine_title"),
    ("Ngheisiadau i", "perm.mine_title"),
    ("'Yn adroddiadau i", "concern.mine_title"),  # "fy" before a vowel, as said
    ("Mhryderon i", "concern.mine_title"),
    ("Codi pryderon", "concern.form_title"),  # the plural: "not covered"
    ("Adrodd pryder", "concern.form_title"),  # "report a concern", word for word
    ("Riportio pryder", "concern.form_title"),
    ("Codi concern", "concern.form_title"),
    ("Dwi isie codi pryder", "concern.form_title"),  # "want" north and south, and with "'n": the policy's rule
    ("Dwi ishe codi pryder", "concern.form_title"),
    ("Rwy'n moyn codi pryder", "concern.form_title"),
    ("Dwi'n moyn codi pryder", "concern.form_title"),
    ("Riportio cydweithiwr", "concern.form_title"),  # "report a colleague": "not covered" or the policy's rule
    ("Adrodd am gydweithiwr", "concern.form_title"),
    ("Dwi isio riportio cydweithiwr", "concern.form_title"),
    ("Sut mae codi pryder?", "concern.form_title"),  # "how do I raise a concern?": "not covered", as in English
    ("Sut dw i'n riportio cydweithiwr?", "concern.form_title"),  # "not covered" (English: the policy's rule)
    ("Sut mae rhoi gwybod am bryder?", "concern.form_title"),  # the form's own Welsh ("how do I report a concern?")
    ("Sut dw i'n rhoi gwybod am bryder?", "concern.form_title"),
    ("Sut alla i roi gwybod am bryder?", "concern.form_title"),
    ("Canslo fy nghais", "perm.mine_title"),  # "cancel my request", as the English list has it
    ("Dw i eisiau adrodd am aelod o staff", "concern.form_title"),
    ("Dwi isie help", "help.title"),  # "I want help", south and north: "where the policy speaks of this"
    ("Dwi isho help", "help.title"),
    ("Rwy'n moyn help", "help.title"),  # "not covered", offered to the headteacher
    ("Dwi angen bach o help", "help.title"),  # "I need a bit of help"
    ("Dwi angen help efo'r bot", "help.title"),
    ("Ie", "home.ok"),  # a lone Welsh yes or no: "not covered", in English, offering to pass "Ie" on
    ("Na", "home.ok"),
])
async def test_welsh_as_staff_type_it_gets_the_card_its_english_twin_gets(
        answering_bot: BotInMemory, strings: Catalogue, typed: str, key: str) -> None:
    """Everyday Welsh forms of phrases whose English the lists held ("I don't understand", "what should I ask", "where
    can I read the policy") were read as questions about the policy; they get the same card, in Welsh."""
    reply = await answering_bot.says(CARYS, typed, lang=Lang.EN)

    assert strings.text(key, Lang.CY) in text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize("typed", ["Cwestiynau i adolygu", "Cwestiynau i'w adolygu"])
async def test_the_policy_owner_asking_for_her_review_list_in_everyday_welsh_gets_it(
        answering_bot: BotInMemory, strings: Catalogue, typed: str) -> None:
    """"Cwestiynau i'w hadolygu" opened the head's questions for review; said without the "'w" (or with its "h"
    dropped) it was "not covered" and went on that very list."""
    reply = await answering_bot.says(SIAN, typed, lang=Lang.EN)

    assert strings.text("ask.review_title", Lang.CY) in text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize("typed", [
    "Dangos i mi'r adran am ddefnydd personol",  # "i mi" and "yr" run together, as typed
    "Dangoswch yr adran ddefnydd personol",
    "Yr adran ynglŷn â defnydd personol",  # "ynglŷn â", the usual written "about"
    "Gaf i weld yr adran am ddefnydd personol?",
])
async def test_a_section_asked_for_in_everyday_welsh_opens_in_welsh(answering_bot: BotInMemory, strings: Catalogue,
                                                                    typed: str) -> None:
    reply = await answering_bot.says(CARYS, typed, lang=Lang.EN)

    assert strings.text("ask.section_title", Lang.CY, section="Defnydd personol o rwydweithio cymdeithasol") in \
        text_of(reply.card)
    assert answering_bot.store.questions == {}


@pytest.mark.parametrize(("typed", "platform"), [
    ("Dw i angen caniatâd i rannu ei drydariad", "x"),  # soft: trydariad → drydariad
    ("Dw i angen caniatâd i ddechrau blogiau dosbarth", "blog"),  # the Welsh plural
    ("Dw i angen caniatâd ar gyfer fy mlogiau", "blog"),  # nasal of the plural
])
def test_a_welsh_platform_form_people_type_is_chosen_on_the_form(typed: str, platform: str) -> None:
    assert guess_request(typed).get("platform") == platform


def test_every_second_question_opener_in_the_list_splits_a_sentence_in_two() -> None:
    """"Can I post photos of the trip and can I friend parents?": each phrase of the list, typed between two
    questions with one "?", starts the second (the joining word left out); and no staff question of the evaluation
    sets with one "?" reads as two but those listed here, each plainly two questions."""
    for phrase in lines("second-questions.txt"):
        typed = f"Can we post photos of the school trip {phrase} put them on the school page?"
        opener = " ".join(phrase.split()[1:])
        assert questions_in(typed) == ["Can we post photos of the school trip?",
                                       f"{opener} put them on the school page?"]
    two = sorted(q for q in _staff_questions() if q.count("?") == 1 and len(questions_in(q)) > 1)
    assert two == [
        "I'm standing for the county council next May. Am I allowed to, and can I use a few pics from school in my "
        "leaflets?",
        "Who has the login for the primary's Facebook page, and can I get admin rights?",
        "does the parent council have its own facebook page, and can staff post on it?",
    ]


def test_every_word_of_asking_whether_in_the_list_keeps_a_welsh_sentence_one_question() -> None:
    """ "Dw i ddim yn siŵr a ga i bostio lluniau …?": "a" after each word of the list is "whether", so the sentence is
    one question; after a word that is not listed ("hapus") the same opener starts a second question."""
    asked = "a ga i bostio lluniau o'r trip ysgol ar Facebook?"
    for word in lines("asking-whether.txt"):
        typed = f"Dw i ddim yn {word} {asked}"
        assert questions_in(typed) == [typed], word
    assert questions_in(f"Dw i ddim yn hapus {asked}") == ["Dw i ddim yn hapus?",
                                                         "ga i bostio lluniau o'r trip ysgol ar Facebook?"]


@pytest.mark.parametrize(("typed", "person", "key"), [
    ("ceisiadau pending", SIAN, "perm.pending_title"), ("requests sy'n aros", SIAN, "perm.pending_title"),
    ("ffigyrau", SIAN, "figures.title"), ("figures i'r governors", SIAN, "figures.title"),
    ("ffigyrau i'r llywodraethwyr plis", SIAN, "figures.title"),
    ("cwestiynau adolygu", SIAN, "ask.review_title"), ("reports i fi", SIAN, "concern.held_title"),
    ("cofrestr cyfrifon", SIAN, "perm.register_title"), ("am y policy", CARYS, "ask.about_title"),
    ("manylion y polisi", CARYS, "ask.about_title"), ("dangos y policy", CARYS, "ask.sections_title"),
    ("darllen y policy", CARYS, "ask.sections_title"), ("pwy ydy fy line manager?", CARYS, "concern.my_manager_title"),
    ("pwy di fy manager", CARYS, "concern.my_manager_title"),
])
async def test_a_command_in_welsh_as_typed_with_english_words_mixed_in_gets_its_card_in_welsh(
        bot: BotInMemory, strings: Catalogue, typed: str, person: Person, key: str) -> None:
    """A Welsh-first headteacher typed "ceisiadau pending", "ffigyrau" (as many spell it) or "reports i fi", and a
    teacher "am y policy" or "pwy ydy fy line manager?": each was asked of the policy ("not covered", or a quote about
    confidential information). Welsh with an English word in it, or spelt as it is said, gets the command's card in
    Welsh, whatever language Teams is in."""
    await bot.has_the_staff_list()

    reply = await bot.says(person, typed, lang=Lang.EN)

    assert strings.text(key, Lang.CY) in text_of(reply.card)
