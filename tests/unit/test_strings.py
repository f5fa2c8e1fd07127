"""Everything a person reads exists in English and Welsh, with the same placeholders, and every key used exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.__main__ import WITHOUT_PACKAGES
from bot.domain.people import Lang
from cards.i18n import CatalogueError, load_catalogue

REPO = Path(__file__).resolve().parents[2]
_USED = re.compile(r"""\.text\(\s*f?["']([a-z_]+\.[a-z0-9_.{}]+|[a-z_]+)["']""")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_string_has_the_same_placeholders_in_both_languages() -> None:
    strings = load_catalogue()

    mismatched = [key for key in strings.keys()
                  if _placeholders(strings.text(key, Lang.EN)) != _placeholders(strings.text(key, Lang.CY))]

    assert mismatched == []


def test_every_key_the_code_uses_exists() -> None:
    strings = load_catalogue()
    used: set[str] = set()
    for folder in ("cards", "dialogs", "bot"):
        for path in (REPO / folder).rglob("*.py"):
            used.update(key for key in _USED.findall(path.read_text(encoding="utf-8")) if "{" not in key)

    assert used, "the scan found no keys, so it is not looking in the right place"
    assert sorted(key for key in used if key not in strings) == []


def test_a_string_missing_welsh_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"x.title": {"en": "Hello"}}', encoding="utf-8")

    with pytest.raises(CatalogueError, match="x.title"):
        load_catalogue(tmp_path)


def test_a_key_defined_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"x.title": {"en": "Hello", "cy": "Helo"}}', encoding="utf-8")
    (tmp_path / "b.json").write_text('{"x.title": {"en": "Hi", "cy": "Shwmae"}}', encoding="utf-8")

    with pytest.raises(CatalogueError, match="defined twice"):
        load_catalogue(tmp_path)


def test_welsh_already_is_eisoes_not_a_trailing_yn_barod() -> None:
    """WELSH.md: "wedi anfon cais yn barod" is a calque of "already sent"; a Welsh teacher writes "eisoes" ("yn
    barod" stays where the English says "ready")."""
    strings = load_catalogue()

    calques = [key for key in strings.keys()
               if "yn barod" in strings.text(key, Lang.CY) and "ready" not in strings.text(key, Lang.EN).lower()]

    assert calques == []



def test_welsh_only_is_dim_ond_put_first_not_the_calque_yn_cynnwys_dim_ond() -> None:
    """"Mae'r cyfrif hwn yn cynnwys dim ond y staff a…" follows the English "this counts only the staff who…" word for
    word; Welsh puts "dim ond" first ("Dim ond y staff a… sy'n cael eu cyfrif yma"), as the other cards do."""
    strings = load_catalogue()

    assert [key for key in strings.keys() if "cynnwys dim ond" in strings.text(key, Lang.CY)] == []

def test_welsh_joins_a_list_after_a_negative_with_na_not_neu() -> None:
    """After "dim", "nid" or "heb" Welsh joins the last of a list with "na" ("GIFs na sticeri", "mewn grŵp na
    sianel", as the cards already wrote them): "Dim lluniau, enwau neu waith disgyblion" on the head's request card and
    "nid mewn sgwrs grŵp neu sianel" read as the English word for word."""
    strings = load_catalogue()
    negative_list = re.compile(r"\b(?:[Dd]im|[Nn]id|[Hh]eb)\s+(?!ond\b)\w+(?:\s\w+){0,2}(?:,\s\w+(?:\s\w+)?)*\sneu\b")

    found = {key: negative_list.findall(strings.text(key, Lang.CY)) for key in strings.keys()}

    assert {key: lists for key, lists in found.items() if lists} == {}


def test_a_welsh_command_to_type_is_set_apart_from_the_sentence() -> None:
    """The word to type is set apart (in bold or quotes), as the help card sets each command: run into the sentence,
    "Teipiwch cymorth i ddechrau eto" reads as a missing mutation ("teipiwch gymorth"), and a reader cannot tell
    where "neu deipiwch fy adroddiadau i weld…" stops being the command."""
    strings = load_catalogue()
    commands = {strings.text(key, Lang.CY) for key in strings.keys() if key.startswith("help.command.")} | {"cymorth"}
    run_in = re.compile(r"\b[td]eipiwch (" + "|".join(re.escape(c) for c in sorted(commands, key=len, reverse=True))
                        + r")\b", re.IGNORECASE)

    found = {key: run_in.findall(strings.text(key, Lang.CY)) for key in strings.keys()}

    assert {key: words for key, words in found.items() if words} == {}


def test_a_welsh_string_keeps_one_register_for_the_bot_speaking_of_itself() -> None:
    """WELSH.md: one register per card. The bot speaks of itself as people say it ("galla i", "bydda i", "fe ddangosa
    i"); a literary "ataf" or "gallaf" beside one of those ("anfonwch y ddogfen ataf … Fe ddangosa i …") is two."""
    strings = load_catalogue()
    literary = re.compile(r"\b(?:gallaf|allaf|byddaf|wnaf|rwyf|ataf|amdanaf|arnaf|gennyf|ohonof|wrthyf)\b",
                          re.IGNORECASE)
    spoken = re.compile(r"\b(?:galla|alla|bydda|wna|dangosa|ddangosa|dw|rydw|dydw) i\b|\b(?:ata|amdana|arna) i\b",
                        re.IGNORECASE)

    mixed = [key for key in strings.keys()
             if literary.search(strings.text(key, Lang.CY)) and spoken.search(strings.text(key, Lang.CY))]

    assert mixed == []


# Every message saying a daily limit was reached. Each limit counts the 24 hours from a person's first use
# (`bot.domain.limits.DAY`), not a calendar day.
LIMIT_MESSAGES = ("perm.rate_limited", "ask.question_limited", "ask.reply_limited", "ask.typed_limited",
                  "concern.rate_limited",
                  "concern.escalation_limited")


@pytest.mark.parametrize("key", LIMIT_MESSAGES)
def test_a_limit_message_counts_24_hours_from_the_first_use_not_today(key: str) -> None:
    """"You've sent as many requests today as the bot takes ... in a day" was untrue at 07:00 to someone whose uses were
    the evening before: every limit counts the 24 hours from the first use, which the message now says, in both
    languages, before it gives the UK time to send again."""
    strings = load_catalogue()

    for lang, now, in_a_day, hours in ((Lang.EN, "today", "in a day", "24 hours"),
                                       (Lang.CY, "heddiw", "mewn diwrnod", "24 awr")):
        message = strings.text(key, lang, count=5, when="25/11/2026 08:15")
        first = re.split(r"(?<=\.) ", message)[0]
        assert now not in first.lower() and in_a_day not in first, (lang, first)
        assert hours in first, (lang, first)
        assert "25/11/2026 08:15" in message


def test_welsh_it_is_ef_never_the_spoken_e() -> None:
    """WELSH.md: the cards write "it" as the catalogue does everywhere ("teipiwch ef", "byrhewch ef"), or leave it to
    the verb ("nid yw'n gwrthod"): the spoken "e" after a verb ("dydy e ddim") is another register on one card."""
    strings = load_catalogue()
    spoken = re.compile(r"\b(?:dydy|ydy|mae|bydd|oedd|roedd|all|gall|wnaeth) e\b", re.IGNORECASE)

    found = {key: spoken.findall(strings.text(key, Lang.CY)) for key in strings.keys()}

    assert {key: words for key, words in found.items() if words} == {}


def test_welsh_says_it_one_way_y_tim_tg() -> None:
    """The school's IT people are "y tîm TG" on every card (the staff list, the concern form, the permission form), not
    "yr adran TG" on one of them."""
    strings = load_catalogue()

    assert [key for key in strings.keys() if "adran TG" in strings.text(key, Lang.CY)] == []


@pytest.mark.parametrize("key", ["perm.summary_start_passed", "perm.summary_dates_ended"])
def test_a_pending_summary_says_the_dates_are_the_ones_asked_for_in_welsh_as_in_english(key: str) -> None:
    """The head's short line on a long pending list names the dates asked for, as the full box does: a late approval
    runs from another day, so "the start date" alone could be read as the day permission starts."""
    strings = load_catalogue()

    english = strings.text(key, Lang.EN, start="01/12/2026", today="03/12/2026", end="02/12/2026")
    welsh = strings.text(key, Lang.CY, start="01/12/2026", today="03/12/2026", end="02/12/2026")

    assert "asked for" in english
    assert "y gofynnwyd amdan" in welsh


def test_a_welsh_status_standing_alone_is_an_impersonal_past_like_the_others() -> None:
    """WELSH.md: a status on its own is the radical form, and the decided ones say someone did it ("Cymeradwywyd",
    "Gwrthodwyd", "Tynnwyd yn ôl"). "Daeth i ben" ("it came to an end") beside them on My requests read as an approval
    that had run out by itself, not one somebody ended."""
    strings = load_catalogue()
    labels = [key for key in strings.keys()
              if key.startswith("perm.status_label.") and key != "perm.status_label.pending"]

    assert len(labels) >= 4
    assert {key: strings.text(key, Lang.CY) for key in labels
            if not re.match(r"[A-Z]\w+wyd\b", strings.text(key, Lang.CY))} == {}


# Every string in which somebody ends a permission (End permission and all that follows it).
ENDING = ("perm.status_ended", "perm.status_label.ended", "perm.decision_title.ended", "perm.end", "perm.end_listed",
          "perm.end_confirm_decider", "perm.end_confirm_requester", "perm.end_yes", "perm.end_reason_label",
          "perm.end_reason_label_listed", "perm.label.end_reason", "perm.ended_by_requester_title",
          "perm.ended_by_requester_line", "perm.ended_by_decider_title",
          "perm.not_yours_to_end", "perm.end_not_in_force", "perm.end_run_out", "perm.register_left",
          "perm.ended_early_on", "perm.ended_before_start_on")


@pytest.mark.parametrize("key", ENDING)
def test_welsh_says_a_permission_is_ended_with_terfynu_and_keeps_dod_i_ben_for_running_out(key: str) -> None:
    """Someone ending a permission is "terfynu" on every card, as approving is "cymeradwyo": "dod i ben" is "come to an
    end", which the cards already say of dates and approvals that run out by themselves ("Mae'r caniatâd hwn wedi dod i
    ben eisoes"), and "does dim i ddod i ben" said "there is nothing to come to an end" where "nothing to end" was
    meant. The short verb also keeps "End {id}" as short as the English, like "Gwrthod {id}"."""
    strings = load_catalogue()
    welsh = strings.text(key, Lang.CY)

    assert re.search(r"\b[td]erfyn", welsh, re.IGNORECASE)  # "ei derfynu" after "ei", as "ei gymeradwyo"
    assert not re.search(r"\b(?:dod|dewch) (?:â|ag)\b", welsh) and "dim i ddod i ben" not in welsh
    assert "dod oddi ar y gofrestr" not in welsh  # "comes off" the register, word for word: "cael ei dynnu oddi ar"


# The figures card's read-and-confirm lines, under "Darllen a chadarnhau: fersiwn {version}", and the line saying no
# version was sent round: "Staff y gofynnwyd iddyn nhw ei ddarllen" there read as of "y polisi" too.
VERSION_FIGURES = ("figures.asked", "figures.confirmed", "figures.still_to_read", "figures.reads_none",
                   "figures.for_the_record", "figures.reads_installed_again")


def test_welsh_who_has_read_a_version_agrees_with_fersiwn_feminine() -> None:
    """The card "Pwy sydd wedi darllen fersiwn {version}" counts who has read the version, and "fersiwn" is feminine:
    "wedi'i darllen", "i'w chadarnhau", as its own "not asked" and reminder lines say. "{school}: wedi'i ddarllen gan
    34 o 41" read as masculine, as if of "y polisi", on a card that names only the version."""
    strings = load_catalogue()
    masculine = re.compile(r"(?:\bei|'i|'w) (?:ddarllen|gadarnhau)\b")
    sent_masculine = re.compile(r"(?:\bei|'i) anfon\b")  # "wedi'i hanfon" of the version ("ei anfon" of a "nodyn")

    found = {key: masculine.findall(strings.text(key, Lang.CY)) for key in strings.keys()
             if key.startswith(("reads.summary", "reads.remind", "reads.not_yet"))}
    found |= {key: masculine.findall(strings.text(key, Lang.CY)) + sent_masculine.findall(strings.text(key, Lang.CY))
              for key in VERSION_FIGURES}

    assert {key: forms for key, forms in found.items() if forms} == {}


def test_welsh_a_noun_after_dogfen_takes_its_soft_mutation() -> None:
    """A noun that says what kind of "dogfen" (feminine) it is mutates, as "ffurflen ganiatâd" and "rhestr wirio" do:
    "rhy fawr i ddogfen polisi" read as two nouns side by side; "dogfen bolisi" is a policy document ("dogfen y polisi",
    the policy's document, does not mutate)."""
    strings = load_catalogue()
    unmutated = re.compile(r"\b(?:dogfen|ddogfen|nogfen) (?:polisi|cais|caniatâd|cyfarwyddyd)\b", re.IGNORECASE)

    assert {key: unmutated.findall(strings.text(key, Lang.CY)) for key in strings.keys()
            if unmutated.search(strings.text(key, Lang.CY))} == {}


def test_a_string_for_one_says_it_of_one_in_both_languages() -> None:
    """A "_one" string is said of one thing, in agreement: "un arall heb ei ddangos yma: mae Dangos rhagor yn ei
    restru", not the plural "heb eu dangos … yn eu rhestru", and in English "Show more lists it", not "lists them"
    beside "one more". It says what its plural says otherwise, so it names no command line the plural has lost."""
    strings = load_catalogue()
    plural = re.compile(r"\bheb eu\b|\byn eu rhestru\b|\blists them\b")

    ones = [key for key in strings.keys() if key.endswith("_one")]

    assert len(ones) >= 4
    assert {(key, lang.value): strings.text(key, lang) for key in ones for lang in Lang
            if plural.search(strings.text(key, lang))} == {}


def test_welsh_says_what_a_spreadsheet_shows_not_a_spreadsheet_of_who() -> None:
    """The governors' spreadsheet is "taenlen sy'n dangos pwy a gafodd gais …": "taenlen o bwy a gafodd gais" is the
    English "a spreadsheet of who was asked" word for word, and reads as a spreadsheet made of people."""
    strings = load_catalogue()

    assert [key for key in strings.keys() if re.search(r"\b[td]aenlen o bwy\b", strings.text(key, Lang.CY))] == []


# Placeholders that stand for a number, a date and time or a reference ("25/11/2026 08:15", "5", "R-0042"): a
# mutation never shows on them. Any other placeholder stands for a word or a name.
_NUMBER_PLACEHOLDERS = frozenset({"when", "count", "id", "total", "read", "limit", "version", "current", "date", "end",
                                  "start", "today", "replied", "n"})
_MUTATING_BEFORE = re.compile(r"\b(?:yn|i|o|am|ar|at|gan|heb|â|na|neu|dan|dros|trwy|drwy|wrth|hyd|dy|ei|a)\s+"
                              r"[\"“]?\{(\w+)\}")


def test_welsh_puts_no_word_placeholder_after_a_mutating_word() -> None:
    """WELSH.md: a placeholder after a mutating word will not mutate, so the sentence is said another way. The receipt
    for a title without a name read 'yn galw rhywun yn "Miss" heb enw', where a Welsh reader hears "yn Fiss" (and "yn
    Fr"): "cyfeirio at rywun fel "{words}"" puts it after "fel", which mutates nothing."""
    strings = load_catalogue()

    found = {key: [name for name in _MUTATING_BEFORE.findall(strings.text(key, Lang.CY))
                   if name not in _NUMBER_PLACEHOLDERS] for key in strings.keys()}

    assert {key: names for key, names in found.items() if names} == {}


# Verbs the Welsh strings use in their radical form, which "neu" mutates ("neu ddewiswch", "neu ofynnwch", "neu
# gysylltwch", "neu gafodd"), as the cards already write "neu deipiwch", "neu diciwch", "neu ddisgrifiwch".
_RADICAL_VERBS = ("dewiswch", "dywedwch", "gofynnwch", "cysylltwch", "pwyswch", "teipiwch", "ticiwch", "gwiriwch",
                  "darllenwch", "defnyddiwch", "tynnwch", "cadarnhewch", "rhowch", "llenwch", "copïwch", "cywirwch",
                  "codwch", "caewch", "gadewch", "mewnforiwch", "cafodd", "bydd", "rhedwch", "dadosodwch")


def test_welsh_a_verb_after_neu_takes_its_soft_mutation() -> None:
    """ "Gofynnwch eto …, neu dewiswch **Annefnyddiol**", "siaradwch ag athro neu cysylltwch â'r ysgol", "dewiswch ef
    neu dywedwch pa un": "neu" mutates the verb after it, as the other cards write it ("neu deipiwch", "neu
    diciwch")."""
    strings = load_catalogue()
    radical = re.compile(r"\bneu\s+(" + "|".join(_RADICAL_VERBS) + r")\b", re.IGNORECASE)
    # The one line `python -m bot` says from outside the string tables, to a Python without the bot's packages.
    welsh = {key: strings.text(key, Lang.CY) for key in strings.keys()} | {"bot/__main__.py": WITHOUT_PACKAGES["cy"]}

    assert {key: radical.findall(said) for key, said in welsh.items() if radical.search(said)} == {}


def test_welsh_says_after_a_while_with_ymhen_and_says_it_could_not_answer_in_time() -> None:
    """ "Try again in a minute" is "ymhen munud" (after a minute), as the other error cards write it; the busy card read
    "mewn munud" and "doeddwn i ddim yn gallu dod at hyn mewn pryd", the English "get to this" word for word."""
    strings = load_catalogue()
    found = re.compile(r"\bmewn (?:munud|ychydig funudau)\b|\bdod at hyn\b")

    assert [key for key in strings.keys() if found.search(strings.text(key, Lang.CY))] == []


def test_welsh_says_yes_to_a_welsh_version_without_the_answer_word_of_one_question() -> None:
    """Welsh answers "yes" with the verb of the question: "Oes fersiwn Gymraeg?" takes "Oes", "Ydy'r polisi ar gael yn
    Gymraeg?" takes "Ydy", "Ga i'r polisi yn Gymraeg?" takes "Cewch", and policy-in-welsh.txt takes all of them. The
    reply opened "Oes.", which reads as a wrong answer to the others: it says it as a statement instead."""
    strings = load_catalogue()
    answer_words = re.compile(r"^(?:Oes|Ydy|Ydi|Cewch|Gallwch|Do)\b")

    assert not answer_words.match(strings.text("ask.policy_in_welsh_translated", Lang.CY))
    assert not answer_words.match(strings.text("ask.policy_in_welsh_english_only", Lang.CY, owner="Mrs Siân Roberts"))


def test_welsh_says_the_reporter_may_prefer_a_language_and_names_a_translation_tool_not_a_translator() -> None:
    """The holder's card says which language the report was written in: "efallai mai yn Saesneg y byddai orau siarad
    amdano" says it would be best (for whom?), not that the reporter may prefer it ("efallai yr hoffai siarad amdano yn
    Saesneg"); and "ei roi mewn cyfieithydd ar-lein" puts the report into an online translator, a person
    ("cyfieithydd"), where the English means a tool ("teclyn cyfieithu ar-lein")."""
    strings = load_catalogue()
    found = re.compile(r"\bbyddai orau siarad\b|\bgyfieithydd ar-lein\b|\bcyfieithydd ar-lein\b")

    assert [key for key in strings.keys() if found.search(strings.text(key, Lang.CY))] == []
    for key in ("concern.written_in.cy", "concern.written_in.en"):
        assert "hoffai siarad amdano" in strings.text(key, Lang.CY, name="Carys Jenkins"), key


def test_welsh_says_every_running_copy_of_the_bot_follows_within_a_minute() -> None:
    """ "(every running copy of the bot within a minute)" read "(pob copi o'r bot sy'n rhedeg o fewn munud)": every copy
    that runs within a minute, which says nothing of when the others answer from the new version."""
    strings = load_catalogue()

    assert [key for key in strings.keys() if "sy'n rhedeg o fewn munud" in strings.text(key, Lang.CY)] == []


def test_the_missed_decisions_line_names_its_button_set_apart() -> None:
    """ "Mae Cyfrifon swyddogol yn rhestru pob cymeradwyaeth" reads as official accounts that list approvals, and
    "Official accounts lists every approval" as a slip of grammar: the line names the card's button, in bold, as a
    button."""
    strings = load_catalogue()

    for lang in Lang:
        button = strings.text("perm.button.register", lang)
        assert f"**{button}**" in strings.text("perm.missed_more", lang, count=3), lang



def test_welsh_goes_back_to_a_version_with_dychwelyd_after_tynnu_yn_ol() -> None:
    """ "Tynnu fersiwn 3 yn ôl a mynd yn ôl at fersiwn 2?" says "yn ôl" twice in one short question, the English
    "withdraw … and go back to" word for word; a Welsh teacher writes "a dychwelyd at fersiwn 2"."""
    strings = load_catalogue()

    assert [key for key in strings.keys() if re.search(r"\byn ôl a mynd yn ôl\b", strings.text(key, Lang.CY))] == []


def test_welsh_what_you_wrote_keeps_the_relative_a() -> None:
    """ "Chafodd yr hyn ysgrifennoch chi ddim ei anfon" (a decider's words given back when her press was not recorded)
    drops the relative "a" the catalogue writes everywhere else ("Mae'r hyn a ysgrifennoch chi yma o hyd", "Yr hyn a
    anfonoch chi"): after "yr hyn", a verb said of someone comes after "a"."""
    strings = load_catalogue()
    bare = re.compile(r"\b(?:yr|'r) hyn (\w+(?:och|odd|ais|ont|wyd))\b", re.IGNORECASE)

    assert {key: bare.findall(strings.text(key, Lang.CY)) for key in strings.keys()
            if bare.search(strings.text(key, Lang.CY))} == {}


@pytest.mark.parametrize("button", ["concern.submit", "concern.add"])
def test_welsh_names_a_report_button_set_apart_as_the_form_does(button: str) -> None:
    """The report form's Welsh names its buttons in quotes ("pwyswch 'Anfon yn breifat' eto"); run into the sentence,
    "a phwyswch Anfon yn breifat eto" and "a phwyswch Ychwanegu: bydd …" read as two more verbs, not as a button."""
    strings = load_catalogue()
    title = strings.text(button, Lang.CY)
    run_in = re.compile(r"\bp(?:h)?wyswch " + re.escape(title) + r"\b")

    assert [key for key in strings.keys() if run_in.search(strings.text(key, Lang.CY))] == []


@pytest.mark.parametrize("key", ["publish.check_passed", "publish.check_failed", "publish.check_passed_refused"])
def test_welsh_the_policy_check_says_it_of_the_document_as_feminine(key: str) -> None:
    """The preview's check line speaks of the document (or the version) it checked, both feminine, as the refused
    card's title does ("Does dim modd cyhoeddi'r ddogfen hon fel y mae") and its other check line ("ei hatal rhag cael
    ei chyhoeddi"): "felly does dim modd ei gyhoeddi" under that title read as if of something else."""
    said = load_catalogue().text(key, Lang.CY)

    assert not re.search(r"\bei (?:gyhoeddi|atal)\b", said), said


@pytest.mark.parametrize("key", ["import.note.heading_no_welsh", "import.note.headings_no_welsh"])
def test_welsh_the_language_written_beside_a_heading_is_y_gymraeg(key: str) -> None:
    """The policy owner is told to write a heading's Welsh beside it: the language is feminine, "y Gymraeg", as the
    importer's other notes write it ("lle mae gan y Gymraeg yr un nifer o baragraffau"); "ysgrifennwch y Cymraeg wrth
    ei ymyl" read as a slip to a Welsh-first policy owner."""
    said = load_catalogue().text(key, Lang.CY, count=1, total=8)

    assert not re.search(r"\b(?:y|'r) Cymraeg\b", said), said
    assert "y Gymraeg" in said


@pytest.mark.parametrize("key", ["import.note.sections_welsh_only", "import.note.heading_twice",
                                 "import.note.heading_times"])
def test_welsh_each_section_has_her_heading_as_adran_is_feminine(key: str) -> None:
    """"pob un" of these notes is a section, "adran", feminine: "o dan ei phennawd Saesneg, yn union o'i blaen",
    "rhowch ei phennawd ei hun i bob un". "o dan ei bennawd … o'i blaen" said one section as both genders at once."""
    said = load_catalogue().text(key, Lang.CY, count=3, named="'Diben'", heading="'Diben'")

    assert "ei bennawd" not in said, said
    assert "ei phennawd" in said


def test_welsh_names_the_row_a_long_schools_list_is_in_as_a_label() -> None:
    """The row named is a detail's label: "Applies to" is "yn berthnasol i" in Welsh, and run into the sentence
    "mae'r rhes yn berthnasol i ('…') yn rhy hir" read as "the row is relevant to (…)". The label is set apart."""
    from bot.policy.notes import detail_name, note
    from cards.i18n import note_text

    strings = load_catalogue()
    said = note_text(strings, note("import.note.schools_row_too_long", row=detail_name("applies_to"),
                                   value="'All staff of both schools …'", length=612, limit=200), Lang.CY)

    assert "rhes yn berthnasol" not in said, said
    assert "'yn berthnasol i'" in said


def test_welsh_says_the_english_the_welsh_terms_give_a_title_as_its_twin_note_does() -> None:
    """A title in Welsh only: the English cards use the English the Welsh terms give for it. "sef Saesneg y termau
    Cymraeg amdano" ("namely the Welsh terms' English about it") is the English possessive word for word, and a policy
    owner cannot tell whose English it is; the note for a title the terms give no English says it plainly ("does dim
    Saesneg ar ei gyfer yn y termau Cymraeg"), and this one says it the same way."""
    said = load_catalogue().text("import.note.title_welsh_only", Lang.CY, welsh="'Polisi Cyfryngau Cymdeithasol'",
                                 english="'Social Media Policy'")

    assert "Saesneg y termau" not in said, said
    assert "ar ei gyfer yn y termau Cymraeg" in said


def test_welsh_the_publish_command_says_publishing_a_version_as_feminine() -> None:
    """publish-policy --lang cy speaks of the version it publishes, and "fersiwn" is feminine ("cafodd fersiwn 2 ei
    chyhoeddi o'r blaen", "i'w chyhoeddi"): "Rhedwch ef eto i weld beth fydd ei gyhoeddi yn ei wneud nawr", said of
    version 3, read as if of something else. Only "chafodd dim byd ei gyhoeddi" (nothing was published) is
    masculine."""
    strings = load_catalogue()
    masculine = re.compile(r"(?<!dim byd )\b(?:ei|'i|'w) gyhoeddi\b")

    found = {key: masculine.findall(strings.text(key, Lang.CY)) for key in strings.keys()
             if key.startswith(("publish.cmd_", "publish.command_"))}

    assert len(found) >= 10
    assert {key: forms for key, forms in found.items() if forms} == {}


def test_welsh_says_the_cards_go_the_next_time_the_bot_checks() -> None:
    """publish-policy --lang cy, storage lost just after publishing: the cards go "at the running bot's next campaign
    check". "pan fydd y bot sy'n rhedeg yn gwirio'r ymgyrchoedd nesaf" read as "when it checks the next campaigns", as
    if the cards waited for some later campaign; "the next time it checks" is "y tro nesaf y bydd"."""
    said = load_catalogue().text("publish.cmd_done_later", Lang.CY, version="3")

    assert "ymgyrchoedd nesaf" not in said, said
    assert "y tro nesaf y bydd y bot sy'n rhedeg yn gwirio" in said, said


def test_welsh_the_publish_command_counts_staff_without_an_entra_id_as_it_counts_those_asked() -> None:
    """publish-policy --lang cy: "bydd cyhoeddi fersiwn 3 yn anfon cerdyn ar unwaith at 40 aelod o staff ar y rhestr
    staff …; does dim ID Entra gan 2 ar y rhestr staff": "gan 2 ar y rhestr" left the office to guess "two" of what.
    The count names what it counts, as the line before it does."""
    strings = load_catalogue()
    said = strings.text("publish.cmd_unreachable", Lang.CY, count=2)

    assert re.search(r"\b2 aelod o staff\b", said), said


def test_welsh_rolling_back_a_version_is_dychwelyd_not_adfer_which_restore_records_says() -> None:
    """rollback-policy --lang cy said "bydd adfer yn gwneud fersiwn 2 yn fersiwn bresennol", and restore-records --lang
    cy says "adferwyd …" of the tables it restored: a technician reading both could not tell putting an old policy
    back in force from restoring the record from a backup. Going back to a version is "dychwelyd at fersiwn", as the
    head's Withdraw card says ("Tynnu fersiwn 3 yn ôl a dychwelyd at fersiwn 2?"); "adfer" stays for restoring."""
    strings = load_catalogue()
    rolling_back = [key for key in strings.keys() if re.search(r"\broll(?:s|ed|ing)? back\b|\brollback\b",
                                                             strings.text(key, Lang.EN), re.IGNORECASE)]

    assert len(rolling_back) >= 4
    assert {key: strings.text(key, Lang.CY) for key in rolling_back if "adfer" in strings.text(key, Lang.CY)} == {}
    assert "dychwelyd at fersiwn 2" in strings.text("rollback.will", Lang.CY, version="2")
    assert "adferwyd" in strings.text("records.restored", Lang.CY, tables="Audit 3")


def test_welsh_an_earlier_approval_stands_again_for_the_days_approved_without_a_masculine_it() -> None:
    """A wider approval ended or run out: "Mae R-12, eich cymeradwyaeth gynharach …, mewn grym eto, ar gyfer y dyddiau y
    cafodd ei gymeradwyo: … terfynwch hwnnw hefyd" named the approval (feminine) then called it masculine, as the
    English "it" led. "Ar gyfer y dyddiau a gymeradwywyd" needs no pronoun, and what to end is named ("terfynwch R-12
    hefyd")."""
    strings = load_catalogue()
    earlier = [key for key in strings.keys() if "ymeradwyaeth gynharach" in strings.text(key, Lang.CY)]

    assert len(earlier) >= 5
    assert {key: strings.text(key, Lang.CY) for key in earlier
            if re.search(r"\by cafodd ei gymeradwyo\b|\bterfynwch hwnnw\b", strings.text(key, Lang.CY))} == {}


def test_welsh_a_named_thing_that_is_missing_is_said_with_dydy_not_does_dim() -> None:
    """check-federation --lang cy, no chair named: "does dim cadeirydd y llywodraethwyr wedi'i enwi". "Does dim" takes
    an indefinite noun ("does dim ffeil"); the chair of governors is a definite one: "dydy cadeirydd y llywodraethwyr
    ddim wedi'i enwi"."""
    strings = load_catalogue()
    definite = re.compile(r"\b[Dd]oes dim \w+ (?:y|yr)\b")

    assert {key: strings.text(key, Lang.CY) for key in strings.keys()
            if definite.search(strings.text(key, Lang.CY))} == {}


def test_welsh_a_schools_days_off_are_the_days_it_is_closed() -> None:
    """Publish on an INSET day of one school: "y tu allan i oriau eu hysgol (nac ar ei diwrnodau i ffwrdd)" put a
    person's "days off" on a school; the settings' own Welsh says "diwrnod pan fydd pob ysgol ar gau"."""
    said = load_catalogue().text("reads.cards_go_by_school", Lang.CY)

    assert "i ffwrdd" not in said, said
    assert "ar gau" in said, said


def test_welsh_says_whose_with_the_noun_not_eich_un_chi() -> None:
    """check-federation --lang cy on a copy of the example: "{tenant} yw tenant yr enghraifft ffug, nid eich un chi"
    and "mae az account show … yn argraffu'ch un chi" followed the English "not yours", "prints yours" word for word;
    a Welsh-speaking technician says whose it is with the noun: "nid eich tenant chi", "eich ID tenant chi"."""
    strings = load_catalogue()

    assert {key: strings.text(key, Lang.CY) for key in strings.keys()
            if re.search(r"\b(?:eich|'ch) un chi\b", strings.text(key, Lang.CY))} == {}


@pytest.mark.parametrize("key", ["rollback.done", "rollback.done_asking"])
def test_welsh_rollback_says_running_bots_answer_from_it_the_next_time_they_check(key: str) -> None:
    """rollback-policy --lang cy, done: "unwaith y byddan nhw'n gwirio nesaf pa fersiwn sy'n bresennol" put "nesaf"
    after the verb, the English "once they next check" word for word; "the next time they check" is "y tro nesaf y
    byddan nhw'n gwirio", as publish-policy's line for its cards already says. Its line for a version whose staff are
    asked to read it again (`done_asking`) kept the calque when `done` lost it."""
    said = load_catalogue().text(key, Lang.CY, version="2", was="", settled="")

    assert "gwirio nesaf" not in said, said
    assert "y tro nesaf y byddan nhw'n gwirio pa fersiwn sy'n bresennol" in said, said


def test_welsh_restore_records_given_a_file_asks_for_the_folder_the_backup_was_written_in() -> None:
    """restore-records --lang cy given a file: "rhowch enw'r ffolder a ysgrifennodd backup-records" reads first as
    "the folder that wrote backup-records" (after "a", the next name is read as what was written). The technician is
    asked for the folder backup-records wrote the backup in: "enw'r ffolder lle ysgrifennodd backup-records y copi wrth
    gefn"."""
    said = load_catalogue().text("records.restore_is_a_file", Lang.CY, folder="backup.json")

    assert "ffolder a ysgrifennodd" not in said, said
    assert "enw'r ffolder lle ysgrifennodd backup-records y copi wrth gefn" in said, said


def test_welsh_a_card_goes_to_those_who_have_not_had_it_yet() -> None:
    """publish-policy, rollback-policy and Publish's cards, making a version current again: "bydd ei cherdyn yn mynd at
    bob un ohonyn nhw nad yw wedi'i gyrraedd eto", with no subject for "nad yw", reads first as "each of them who has
    not reached it yet" (the teacher the one reaching). The older lines say the card is the one that reaches ("sydd heb
    eu cyrraedd"); these say it of the people, plainly: "at bob un ohonyn nhw sydd heb ei gael eto"."""
    strings = load_catalogue()
    goes_again = [key for key in strings.keys() if "it has not reached yet" in strings.text(key, Lang.EN)]

    assert len(goes_again) >= 7
    assert {key: strings.text(key, Lang.CY) for key in goes_again
            if "at bob un ohonyn nhw sydd heb ei gael eto" not in strings.text(key, Lang.CY)} == {}


def test_welsh_says_a_persons_daily_counts_as_the_rows_erase_person_deletes_not_accounts() -> None:
    """erase-person in python -m bot's Welsh list and its --help: "dileu cwestiynau un aelod o staff, ei gyfrifon
    dyddiol …", where the cards say "cyfrifon" for social media accounts ("Dangos rhagor o gyfrifon"), so a technician
    reads "his daily accounts". What it deletes, as its own output says: "rhes cyfrif dyddiol" (daily count rows)."""
    strings = load_catalogue()

    assert {key: strings.text(key, Lang.CY) for key in strings.keys()
            if re.search(r"\b[cg]yfrifon dyddiol\b", strings.text(key, Lang.CY))} == {}
    assert "ei resi cyfrif dyddiol" in strings.text("commands.erase-person", Lang.CY)


def test_welsh_says_press_a_button_with_pwyswch_and_names_the_card_it_came_on_once() -> None:
    """Withdraw on a card that goes back to another version than it says: "gwasgwch Tynnu fersiwn 3 yn ôl ar y cerdyn a
    ddaeth pan ddaeth hi'n bolisi presennol eto", where every other card says "pwyswch" for pressing a button, and "a
    ddaeth pan ddaeth" trips the reader: the card "a gawsoch chi" (you were sent) when it was made current again."""
    strings = load_catalogue()
    said = strings.text("publish.withdraw_goes_elsewhere", Lang.CY, version="3", said="2", back="1")

    assert {key: strings.text(key, Lang.CY) for key in strings.keys()
            if re.search(r"\bgwasgwch\b", strings.text(key, Lang.CY), re.IGNORECASE)} == {}
    assert "pwyswch Tynnu fersiwn 3 yn ôl ar y cerdyn a gawsoch chi pan ddaeth hi'n bolisi presennol eto" in said, said
