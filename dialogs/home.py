"""Greeting, help and choosing a language: the flow every other flow leans on."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.domain.federation import Federation
from bot.domain.people import Lang
from bot.domain.text import fold
from bot.policy.lexicon import ENGLISH_STOPWORDS, WELSH_STOPWORDS
from bot.policy.typos import MIN_TYPO_LENGTH, edit_distance
from cards.common import (
    VERB_HELP,
    VERB_LANGUAGE,
    error_card,
    everyone_welcome_card,
    help_card,
    notice_card,
    welcome_card,
)
from cards.elements import Card
from cards.i18n import Catalogue
from dialogs.base import CardData, Handler, Reply, Text, Turn, Verb, normalise, opens
from dialogs.language import in_the_listed_language
from dialogs.phrases import listed_in_english, listed_in_welsh, one_of, read_patterns, read_phrases, said_only

# The phrases each answer is given for are lists in data/ (`dialogs.phrases`), which a Welsh speaker can extend; each
# file's header says how its phrases are matched.
GREETINGS = frozenset(read_phrases("greetings.txt"))
_GREETING_MOST_WORDS = max(len(greeting.split()) for greeting in GREETINGS)
HELP_WORDS = frozenset(read_phrases("help.txt"))
# Thanks and goodbyes get a short friendly word, not a search of the policy.
THANKS = frozenset(read_phrases("thanks.txt"))
# A lone "ok" (after an answer, mostly) gets a short friendly word, never an offer to pass "ok" to the headteacher.
OK_WORDS = frozenset(read_phrases("acknowledgements.txt"))
# Where one part of a message ends and the next begins ("Thank you so much, that's really helpful!").
_CLAUSE_END = re.compile(r"[,.!;:]+")
# Backing out of a form by typing, as the whole message: a short word that nothing was sent, never a policy search
# (which quoted "Abuse of the guidance" at someone about to report being targeted) nor a question for review.
BACKING_OUT = frozenset(read_phrases("backing-out.txt"))
# Telling the bot its answer was wrong or missed ("that didn't answer my question", "you're wrong"), and a bare "why?":
# a kind word on how to go on from the answer, never a policy search of those words nor an offer to pass them on.
ANSWER_COMPLAINTS = frozenset(read_phrases("answer-complaints.txt"))
WHY_WORDS = frozenset(read_phrases("why.txt"))
# Not catching the answer ("sori?", "be?", "pardwn?") and doubting it ("ti'n siŵr?", "wir?"): a short, kind word, never
# a policy search (which told "sori?" the policy does not cover it and kept it for the head's review).
PARDON_WORDS = frozenset(read_phrases("pardon.txt"))
ARE_YOU_SURE_WORDS = frozenset(read_phrases("are-you-sure.txt"))
# Swearing at the bot in a few words: a calm word on what it can do; nothing is kept or offered to the headteacher.
SWEARING = frozenset(read_phrases("swearing.txt"))
SWORN_AT_MOST_WORDS = 6
# Swear words listed in Welsh only ("blydi", "ffycin"), which the words' own language check does not know.
_SWEARING_IN_WELSH = listed_in_welsh("swearing.txt")
# Words that make a short message with a swear word in it about what happened to the writer, read as any other.
_ABOUT_THE_WRITER = frozenset({"me", "my", "i", "fi", "fy", "mi"})
# Each answered in Welsh when the phrase is listed in Welsh only, whatever Teams is set to ("Perffaith", "Ok diolch").
_IN_WELSH = listed_in_welsh("greetings.txt", "help.txt", "thanks.txt", "acknowledgements.txt", "backing-out.txt",
                            "answer-complaints.txt", "why.txt", "pardon.txt", "are-you-sure.txt")
# The one-word thanks a word typed in a hurry may stand for ("thnaks"): long enough that one letter off is no other word
# ("think" is one letter off "thank").
_ONE_WORD_THANKS = tuple(thanks for thanks in THANKS if " " not in thanks and len(thanks) > MIN_TYPO_LENGTH)
# Thanks listed in English, typed alone, keeps the person's language: "ty" (thank you) got "Croeso", read as "tŷ".
_THANKS_IN_ENGLISH = listed_in_english("thanks.txt")
_WELSH_NAMES = read_phrases("language-names-welsh.txt")
_ENGLISH_NAMES = read_phrases("language-names-english.txt")
# Asking for a language by its name, in English or Welsh ("switch to Welsh", "newid i'r Gymraeg", "yn ôl i'r
# Saesneg"), as the whole message: "do I have to post in Welsh?" is a question.
_ASKING_FOR = read_patterns("language-asking.txt")
TO_WELSH = frozenset({Lang.CY.value, *(way.format(name) for way in _ASKING_FOR for name in _WELSH_NAMES)})
TO_ENGLISH = frozenset({Lang.EN.value, *(way.format(name) for way in _ASKING_FOR for name in _ENGLISH_NAMES)})
# Saying no to a language is asking for the other one ("No Welsh please", "not in Welsh", "dim Saesneg plis"); but
# "No, English please", with a pause after the no, answers the card it was shown and asks for English.
_REFUSING = read_patterns("language-refusing.txt")
NOT_WELSH = frozenset(way.format(name) for way in _REFUSING for name in _WELSH_NAMES)
NOT_ENGLISH = frozenset(way.format(name) for way in _REFUSING for name in _ENGLISH_NAMES)
# Changing language without naming one ("newid iaith", "change language"): the other one, as the language button gives.
OTHER_LANGUAGE = frozenset(read_phrases("language-other.txt"))
_NO_AND_A_PAUSE = re.compile(rf"\b{one_of(read_phrases('language-no-and-a-pause.txt'))}\s*[,.;:!—–-]")


class LanguageData(CardData):
    """`language.set`: the language to switch to ("en" or "cy")."""

    lang: Text = ""


class HomeFlow:
    """Welcome, help and the language switch."""

    def __init__(self, strings: Catalogue, federation: Federation) -> None:
        self._strings = strings
        self._federation = federation

    def verbs(self) -> Mapping[str, Verb]:
        """The shared buttons this flow answers."""
        return {VERB_LANGUAGE: Verb(self.switch_language, LanguageData),
                VERB_HELP: Verb(opens(self.help), needs_storage=False)}

    def match_text(self, turn: Turn) -> Handler | None:
        """Greetings, help words and language names."""
        said = normalise(turn.text)
        # Answered in the words' language, as a question is: "cymorth", "dim diolch" get Welsh whatever Teams is set to,
        # and so does a phrase listed in Welsh that the words' check does not know ("perffaith").
        if said in GREETINGS:
            return _in_the_phrases_language(self.welcome, said)
        # A phrase of punctuation alone ("?") is kept as typed, and matched so: normalised, nothing is left of it.
        if phrase := (said_only(said, HELP_WORDS) or said_only(after_greetings(said), HELP_WORDS)
                      or (turn.text.strip() if turn.text.strip() in HELP_WORDS else None)):
            return _in_the_phrases_language(self.help, phrase)
        if phrase := said_only(said, BACKING_OUT):
            return _in_the_phrases_language(self.backed_out, phrase)
        if phrase := _thanks_said(said, turn.text):
            if phrase == said and phrase in _THANKS_IN_ENGLISH:
                return self.thanks
            return _in_the_phrases_language(self.thanks, phrase)
        if phrase := said_only(said, OK_WORDS):
            return _in_the_phrases_language(self.ok, phrase)
        if phrase := said_only(said, ANSWER_COMPLAINTS):
            return _in_the_phrases_language(self.not_answered, phrase)
        if phrase := said_only(said, WHY_WORDS):
            return _in_the_phrases_language(self.why, phrase)
        if phrase := said_only(said, PARDON_WORDS):
            return _in_the_phrases_language(self.pardon, phrase)
        if phrase := said_only(said, ARE_YOU_SURE_WORDS):
            return _in_the_phrases_language(self.are_you_sure, phrase)
        if _sworn_at(said, turn.text):
            return in_the_listed_language(self.sworn_at, listed_in_welsh=_sworn_in_welsh(said))
        if language_asked_for(turn.text) is not None:
            return self.switch_language
        if said_only(said, OTHER_LANGUAGE):
            return self.switch_to_the_other_language
        if not said and turn.picture and not turn.files:
            return self.picture
        if not said and turn.text.strip():  # "👍", "🙂": emoji alone, like a lone "ok"
            return self.ok
        return None

    def answers_without_storage(self, turn: Turn) -> bool:
        """Every words this flow takes but a language asked for: the welcome, help and its short words are what the
        process holds (the commands a person may use come from the federation's settings), so they are answered while
        storage is down; a choice of language must be remembered."""
        said = normalise(turn.text)
        return (self.match_text(turn) is not None and language_asked_for(turn.text) is None
                and not said_only(said, OTHER_LANGUAGE))

    async def welcome(self, turn: Turn) -> Reply:
        """The welcome card."""
        return Reply(card=self._welcome_card(turn, turn.lang))

    def _welcome_card(self, turn: Turn, lang: Lang, *, notice: str = "") -> Card:
        """The person's own welcome in their 1:1 chat, `notice` at its top; in a team or a group chat (the bot added
        there, or greeted), the welcome for everyone in it, in Welsh and English whoever brought it."""
        if not turn.is_private:
            return everyone_welcome_card(self._strings, federation={each: self._federation.name(each) for each in Lang})
        return welcome_card(self._strings, lang, name=turn.actor.name, federation=self._federation.name(lang),
                            decides=self._decides(turn), oversees=self._oversees(turn), notice=notice)

    def _decides(self, turn: Turn) -> bool:
        """A headteacher or a named delegate: who sees the pending requests."""
        return bool(self._federation.schools_decided_by(turn.actor))

    def _oversees(self, turn: Turn) -> bool:
        """The policy owner or a headteacher: who sees the questions for review and who has read the policy (not a
        named delegate, who stands in on permission requests only, as `AskFlow` and `ReadingFlow` hold)."""
        return self._federation.oversees_policy(turn.actor)

    async def help(self, turn: Turn) -> Reply:
        """The help card, naming only the commands this person can use."""
        return Reply(card=help_card(self._strings, turn.lang, decides=self._decides(turn),
                                    oversees=self._oversees(turn)))

    async def switch_language(self, turn: Turn) -> Reply:
        """Remember the chosen language and show the welcome card in it."""
        wanted = turn.data.get("lang") if turn.verb else None
        if not turn.verb:
            wanted = (language_asked_for(turn.text) or Lang.EN).value
        if wanted not in {lang.value for lang in Lang}:
            return Reply(card=error_card(self._strings, turn.lang, "error.unknown_action"))
        lang = Lang(str(wanted))
        if turn.verb:  # the button's card is replaced by the welcome in the new language: that shows what happened
            return Reply(card=self._welcome_card(turn, lang), language=lang)
        return self._switched_by_typing(turn, lang)

    async def switch_to_the_other_language(self, turn: Turn) -> Reply:
        """ "Newid iaith", "change language": the language the bot does not speak with the person now, as the button."""
        return self._switched_by_typing(turn, Lang.EN if turn.lang is Lang.CY else Lang.CY)

    def _switched_by_typing(self, turn: Turn, lang: Lang) -> Reply:
        """Remember a language asked for by typing, and say so at the top of the welcome card in it."""
        # Typed, it is said first, at the top of the welcome (below it, on a phone, it was out of sight); in a group,
        # where the welcome is everyone's, on its own before it.
        changed = self._strings.text("language.changed", lang)
        if turn.is_private:
            return Reply(card=self._welcome_card(turn, lang, notice=changed), language=lang)
        return Reply(card=notice_card(changed), more=[self._welcome_card(turn, lang)], language=lang)

    async def thanks(self, turn: Turn) -> Reply:
        """A short friendly word for thanks and goodbyes."""
        return Reply(card=notice_card(self._strings.text("home.thanks", turn.lang)))

    async def ok(self, turn: Turn) -> Reply:
        """A short friendly word for a lone "ok", and what to do next."""
        return Reply(card=notice_card(self._strings.text("home.ok", turn.lang)))

    async def not_answered(self, turn: Turn) -> Reply:
        """Sorry, and how to go on from the answer that missed: Not helpful, then the headteacher."""
        return Reply(card=notice_card(self._strings.text("home.not_answered", turn.lang)))

    async def why(self, turn: Turn) -> Reply:
        """Where the policy's reasons are, and how to ask the headteacher."""
        return Reply(card=notice_card(self._strings.text("home.why", turn.lang)))

    async def pardon(self, turn: Turn) -> Reply:
        """Sorry if it wasn't clear, and how to ask again or ask the headteacher."""
        return Reply(card=notice_card(self._strings.text("home.pardon", turn.lang)))

    async def are_you_sure(self, turn: Turn) -> Reply:
        """The answer is the policy's own words; the headteacher for a case it may not fit."""
        return Reply(card=notice_card(self._strings.text("home.are_you_sure", turn.lang)))

    async def sworn_at(self, turn: Turn) -> Reply:
        """A calm word on what the bot can do; what was typed is not kept."""
        return Reply(card=notice_card(self._strings.text("home.sworn_at", turn.lang)))

    async def picture(self, turn: Turn) -> Reply:
        """What the bot can and cannot do with a picture sent with no words."""
        return Reply(card=notice_card(self._strings.text("home.picture", turn.lang)))

    async def backed_out(self, turn: Turn) -> Reply:
        """Nothing was sent or changed, and how to start again."""
        return Reply(card=notice_card(self._strings.text("home.backed_out", turn.lang)))

    async def coming_soon(self, turn: Turn) -> Reply:
        """For buttons whose flow is not built yet."""
        return Reply(card=notice_card(self._strings.text("coming_soon", turn.lang)))

    async def unknown_verb(self, turn: Turn) -> Reply:
        """A button no flow owns: explain, change nothing."""
        return Reply(card=error_card(self._strings, turn.lang, "error.unknown_action"))

    async def invalid_card(self, turn: Turn) -> Reply:
        """A button whose data is not what its verb takes (an old or forged card): explain, change nothing."""
        return Reply(card=error_card(self._strings, turn.lang, "error.invalid_card"))


def language_asked_for(text: str) -> Lang | None:
    """The language a whole message asks for: "Welsh please", "newid i'r Saesneg"; "No Welsh please" and "dim Saesneg"
    ask for the other one. None for anything else ("do I have to post in Welsh?" is a question)."""
    said = normalise(text)
    if not _NO_AND_A_PAUSE.search(fold(text)):
        refused = Lang.EN if said_only(said, NOT_WELSH) else Lang.CY if said_only(said, NOT_ENGLISH) else None
        # "Dim Cymraeg?" / "No Welsh?" asks whether there is any (of a quote left in English): a question, not a
        # choice of language.
        if refused is not None:
            return None if text.rstrip().endswith("?") else refused
    if said_only(said, TO_WELSH):
        return Lang.CY
    if said_only(said, TO_ENGLISH):
        return Lang.EN
    return None


def after_greetings(said: str) -> str:
    """A normalised message without the greetings it opens with ("helo dw i n newydd yma", "hi there what is this"
    ask "dw i n newydd yma", "what is this"); the longest greeting first, so "hi there" goes whole."""
    words = said.split()
    start = 0
    while taken := next((size for size in range(min(_GREETING_MOST_WORDS, len(words) - start), 0, -1)
                         if " ".join(words[start:start + size]) in GREETINGS), 0):
        start += taken
    return " ".join(words[start:])


def _in_the_phrases_language(handler: Handler, phrase: str) -> Handler:
    return in_the_listed_language(handler, listed_in_welsh=phrase in _IN_WELSH)


def _thanks_said(said: str, text: str) -> str | None:
    """ "thanks", "ok bye, have a nice weekend": the thanks or goodbye a short message that asks nothing opens with
    (a question after the thanks goes to the policy); a longer one made only of thanks and an ok ("Thank you so much,
    that's really helpful!"); else None."""
    words = said.split()
    if "?" in text or not words:
        return None
    if len(words) > 6:
        parts = [normalise(part) for part in _CLAUSE_END.split(text) if normalise(part).strip()]
        thanks = _thanks_said(parts[0], parts[0]) if len(parts) > 1 else None
        return thanks if thanks and all(_thanks_said(part, part) or said_only(part, OK_WORDS)
                                        for part in parts[1:]) else None
    listed = next((" ".join(words[:size]) for size in (1, 2, 3) if " ".join(words[:size]) in THANKS), None)
    return listed if listed is not None or len(words) > 1 else _thanks_mistyped(words[0])


def _thanks_mistyped(word: str) -> str | None:
    """The one-word thanks a word typed in a hurry stands for, a letter swapped, dropped or added ("thnaks", "dioch",
    "diolc"); None for any other word."""
    if len(word) < MIN_TYPO_LENGTH:
        return None
    return next((thanks for thanks in _ONE_WORD_THANKS if thanks[0] == word[0] and edit_distance(word, thanks) == 1),
                None)


def _sworn_at(said: str, text: str) -> bool:
    """ "this bot is fucking useless", "what a load of shite": a few words with a swear word, asking nothing and saying
    nothing of the writer ("a parent called me a dick" is about what happened to them, and read as any other)."""
    words = said.split()
    return ("?" not in text and len(words) <= SWORN_AT_MOST_WORDS and any(word in SWEARING for word in words)
            and not any(word in _ABOUT_THE_WRITER for word in words))


def _sworn_in_welsh(said: str) -> bool:
    """ "Blydi bot", "ffycin hel": each swear word in it listed in Welsh only, and none of the small English words an
    English sentence has around one ("this bot is ffycin useless" is English)."""
    words = said.split()
    return (all(word in _SWEARING_IN_WELSH for word in words if word in SWEARING)
            and not any(word in ENGLISH_STOPWORDS and word not in WELSH_STOPWORDS for word in words))

