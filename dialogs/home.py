"""Greeting, help and choosing a language: the flow every other flow leans on."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.domain.federation import Federation
from bot.domain.people import Lang
from bot.domain.text import fold
from cards.common import VERB_HELP, VERB_LANGUAGE, error_card, help_card, notice_card, welcome_card
from cards.i18n import Catalogue
from dialogs.base import CardData, Handler, Reply, Text, Turn, Verb, normalise, opens
from dialogs.language import in_the_words_typed

GREETINGS = frozenset({"hi", "hello", "hey", "helo", "shwmae", "su mae", "sut mae", "bore da", "prynhawn da",
                       "hiya", "start", "dechrau", "menu", "bwydlen", "hi there", "hello there", "good morning",
                       "good afternoon", "noswaith dda"})
HELP_WORDS = frozenset({"help", "help me", "cymorth", "helpu", "commands", "gorchmynion", "?", "what can you do",
                        "what can you help me with", "what can you help with", "what do you do", "how does this work",
                        "who are you", "what are you", "are you a bot", "are you chatgpt", "who built you",
                        "who made you", "beth alli di wneud", "beth allwch chi wneud", "pwy wyt ti", "pwy ydych chi",
                        "sut mae hwn yn gweithio",
                        # Asking for it in everyday words, as the whole message ("I need help with a parent posting
                        # about me" is a question).
                        "i need help", "i need some help", "need help", "need some help", "can you help",
                        "can you help me", "could you help me", "helpa fi", "helpwch fi", "dw i angen help",
                        "dwi angen help", "dw i angen cymorth", "dwi angen cymorth", "angen help", "angen cymorth",
                        "alli di helpu", "alli di fy helpu", "allwch chi helpu", "allwch chi fy helpu",
                        # How it is said every day, north and south: "Mae angen help arna i", "Alli di helpu fi?",
                        # "Fedrwch chi fy helpu?", "Wnewch chi helpu fi?".
                        "mae angen help arna i", "mae angen help arnaf i", "angen help arna i",
                        "mae angen cymorth arna i", "angen cymorth arna i", "rwy angen help", "rydw i angen help",
                        "wi angen help", "helpa", "helpwch", "alli di helpu fi",
                        "allwch chi helpu fi", "elli di helpu", "elli di fy helpu", "elli di helpu fi",
                        "ellwch chi helpu", "ellwch chi fy helpu", "fedri di helpu", "fedri di fy helpu",
                        "fedri di helpu fi", "fedrwch chi helpu", "fedrwch chi fy helpu", "fedrwch chi helpu fi",
                        "wnei di fy helpu", "wnei di helpu fi", "wnewch chi fy helpu", "wnewch chi helpu fi",
                        # The polite conditional ("Allech chi fy helpu?") and "Ga i help?".
                        "allech chi helpu", "allech chi fy helpu", "allech chi helpu fi", "fedrech chi helpu",
                        "fedrech chi fy helpu", "fedrech chi helpu fi", "ga i help", "gaf i help", "ga i gymorth",
                        "gaf i gymorth"})
# Thanks and goodbyes get a short friendly word, not a search of the policy.
THANKS = frozenset({"thanks", "thank you", "thankyou", "thanks a lot", "cheers", "ta", "diolch", "diolch yn fawr",
                    "bye", "ok bye", "ok thanks", "okay thanks", "great thanks", "hwyl", "hwyl fawr", "ta ra",
                    "thank you very much", "many thanks", "perfect thanks", "lovely thanks", "nice one"})
# Backing out of a form by typing, as the whole message: a short word that nothing was sent, never a policy search
# (which quoted "Abuse of the guidance" at someone about to report being targeted) nor a question for review.
BACKING_OUT = frozenset({"cancel", "cancel that", "cancel it", "cancel this", "never mind", "nevermind", "forget it",
                         "forget that", "forget about it", "i ve changed my mind", "i have changed my mind",
                         "i changed my mind", "changed my mind", "no thanks", "no thank you", "not now", "leave it",
                         "don t worry", "dont worry", "don t worry about it", "doesn t matter", "it doesn t matter",
                         "scrap that", "ignore that", "stop", "canslo", "canslo fe", "canslo fo", "canslo hwn",
                         "canslo hynny", "dim ots", "dim ots am hynny", "anghofia fo", "anghofia fe", "anghofia hi",
                         "anghofia hynny", "anghofia am y peth", "anghofiwch", "anghofiwch e", "anghofiwch fe",
                         "anghofiwch fo", "anghofiwch hynny", "anghofiwch am y peth", "dim diolch", "dim nawr",
                         "dim rwan", "wedi newid fy meddwl", "dw i wedi newid fy meddwl", "dwi wedi newid fy meddwl",
                         "rydw i wedi newid fy meddwl", "paid poeni", "paid a phoeni", "peidiwch poeni",
                         "peidiwch a phoeni", "gad o", "gad e", "gadewch e", "gadewch o", "stopio",
                         # More of how staff type it, north and south (accents and apostrophes are folded away:
                         # "dio'm ots" is "dio m ots", "rŵan" is "rwan"), and without the mutation after "â".
                         "na diolch", "dim angen", "canslo e", "canslo hi", "canslo r ffurflen", "sdim ots",
                         "does dim ots", "dio m ots", "dim otsh", "anghofia e", "anghofia r peth", "ddim nawr",
                         "ddim rwan", "dim ar hyn o bryd", "newid fy meddwl", "di newid fy meddwl",
                         "dwi di newid fy meddwl", "dw i di newid fy meddwl", "wi wedi newid fy meddwl",
                         "wi di newid fy meddwl", "rwy wedi newid fy meddwl", "rwyf wedi newid fy meddwl",
                         "wedi newid meddwl", "dwi wedi newid meddwl", "paid a poeni", "peidiwch a poeni",
                         "paid becso", "paid a becso", "peidiwch becso", "peidiwch a becso", "gad hi",
                         "gadewch hi", "gad o fod", "gad e fod", "stopia",
                         # The polite imperative ("Canslwch", "Stopiwch", "Gadewch e fod"), as staff write to "chi".
                         "canslwch", "canslwch e", "canslwch fe", "canslwch fo", "canslwch hi", "canslwch hwn",
                         "canslwch hynny", "canslwch y ffurflen", "stopiwch", "gadewch o fod", "gadewch e fod",
                         "anghofia am hynny", "anghofiwch am hynny", "anghofiwch hi", "does dim angen",
                         "sdim angen", "canslwch o"})
# Words around a back-out, a call for help or a language that change nothing: "ok, never mind then", "o, dim ots",
# "I've changed my mind, sorry", "Welsh please", "Cymraeg os gwelwch yn dda", "help plis".
_BEFORE = frozenset({"oh", "ok", "okay", "actually", "sorry", "no", "nah", "um", "erm", "hmm", "well", "o", "iawn",
                     "na", "sori", "wel", "oce", "ym", "please", "plis"})
_AFTER = frozenset({"then", "thanks", "please", "sorry", "anyway", "now", "te", "diolch", "plis", "sori", "nawr",
                    "rwan", "ta", "felly", "pls", "plz", "thank you", "os gwelwch yn dda", "os gwelwch chi n dda",
                    "os gweli di n dda", "os gweli n dda", "ogydd", "diolch yn fawr", "diolch i chi"})
_AFTER_WORDS = tuple(tuple(phrase.split()) for phrase in _AFTER)
# Asking for a language by its name, in English or Welsh ("switch to Welsh", "newid i'r Gymraeg", "yn ôl i'r
# Saesneg"), as the whole message: "do I have to post in Welsh?" is a question.
_ASKING_FOR = ("{}", "in {}", "yn {}", "switch to {}", "change to {}", "switch back to {}", "back to {}",
               "change language to {}", "switch language to {}", "speak {}", "siarad {}", "newid i {}", "newid i r {}",
               "newid iaith i r {}", "newid yn ol i r {}", "yn ol i r {}", "nol i r {}", "newid iaith i {}",
               "siaradwch {}", "siarada {}", "ga i {}", "gaf i {}")
TO_WELSH = frozenset({"cy", *(way.format(name) for way in _ASKING_FOR for name in ("welsh", "cymraeg", "gymraeg"))})
TO_ENGLISH = frozenset({"en", *(way.format(name) for way in _ASKING_FOR for name in ("english", "saesneg"))})
# Saying no to a language is asking for the other one ("No Welsh please", "not in Welsh", "dim Saesneg plis"); but
# "No, English please", with a pause after the no, answers the card it was shown and asks for English.
_REFUSING = ("no {}", "not {}", "not in {}", "no more {}", "don t want {}", "i don t want {}", "dont want {}",
             "i dont want {}", "don t speak {}", "i don t speak {}", "dont speak {}", "i dont speak {}",
             "dim {}", "ddim {}", "dim yn {}", "ddim yn {}", "nid {}", "nid yn {}", "dim mwy o {}",
             "dw i ddim yn siarad {}", "dwi ddim yn siarad {}", "dw i ddim yn deall {}", "dwi ddim yn deall {}",
             "dydw i ddim yn siarad {}", "dydw i ddim yn deall {}", "sa i n siarad {}", "sa i n deall {}",
             "dwi m yn siarad {}", "dwi m yn deall {}")
NOT_WELSH = frozenset(way.format(name) for way in _REFUSING for name in ("welsh", "cymraeg", "gymraeg"))
NOT_ENGLISH = frozenset(way.format(name) for way in _REFUSING for name in ("english", "saesneg"))
_NO_AND_A_PAUSE = re.compile(r"\b(no|nope|nah|na|not|dim|ddim)\s*[,.;:!—–-]")


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
        return {VERB_LANGUAGE: Verb(self.switch_language, LanguageData), VERB_HELP: Verb(opens(self.help))}

    def match_text(self, turn: Turn) -> Handler | None:
        """Greetings, help words and language names."""
        said = normalise(turn.text)
        # Answered in the words' language, as a question is: "cymorth", "dim diolch" get Welsh whatever Teams is set to.
        if said in GREETINGS:
            return in_the_words_typed(self.welcome)
        if _says_only(said, HELP_WORDS) or turn.text.strip() == "?":
            return in_the_words_typed(self.help)
        if _says_only(said, BACKING_OUT):
            return in_the_words_typed(self.backed_out)
        if _is_thanks(said, turn.text):
            return in_the_words_typed(self.thanks)
        if language_asked_for(turn.text) is not None:
            return self.switch_language
        return None

    async def welcome(self, turn: Turn) -> Reply:
        """The welcome card."""
        return Reply(card=welcome_card(self._strings, turn.lang, name=turn.actor.name,
                                       federation=self._federation.name(turn.lang), decides=self._decides(turn),
                                       oversees=self._oversees(turn)))

    def _decides(self, turn: Turn) -> bool:
        """A headteacher or a named delegate: who sees the pending requests."""
        return bool(self._federation.schools_decided_by(turn.actor))

    def _oversees(self, turn: Turn) -> bool:
        """The policy owner or a headteacher: who sees the questions for review and who has read the policy (not a
        named delegate, who stands in on permission requests only, as `AskFlow` and `ReadingFlow` hold)."""
        owner = self._federation.policy_owner.aad_object_id == turn.actor.aad_object_id
        return owner or self._federation.is_headteacher(turn.actor)

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
        welcome = welcome_card(self._strings, lang, name=turn.actor.name, federation=self._federation.name(lang),
                               decides=self._decides(turn), oversees=self._oversees(turn))
        return Reply(card=welcome, more=[notice_card(self._strings.text("language.changed", lang))]
                     if not turn.verb else [], language=lang)

    async def thanks(self, turn: Turn) -> Reply:
        """A short friendly word for thanks and goodbyes."""
        return Reply(card=notice_card(self._strings.text("home.thanks", turn.lang)))

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
        refused = Lang.EN if _says_only(said, NOT_WELSH) else Lang.CY if _says_only(said, NOT_ENGLISH) else None
        # "Dim Cymraeg?" / "No Welsh?" asks whether there is any (of a quote left in English): a question, not a
        # choice of language.
        if refused is not None:
            return None if text.rstrip().endswith("?") else refused
    if _says_only(said, TO_WELSH):
        return Lang.CY
    if _says_only(said, TO_ENGLISH):
        return Lang.EN
    return None


def _is_thanks(said: str, text: str) -> bool:
    """ "thanks", "ok bye, have a nice weekend": a short message that opens with thanks or goodbye and asks
    nothing (a question after the thanks goes to the policy)."""
    words = said.split()
    if "?" in text or not words or len(words) > 6:
        return False
    return any(" ".join(words[:size]) in THANKS for size in (1, 2, 3))


def _says_only(said: str, phrases: frozenset[str]) -> bool:
    """ "cancel", "ok, never mind then", "Welsh please", "help plis": the whole message is one of `phrases` once words
    that change nothing are taken off either end (a question that mentions one, "can I cancel a post I made?", "do I
    have to post in Welsh?", "I need help with a parent posting about me", is not)."""
    words = said.split()
    for start in range(len(words) + 1):
        end = len(words)
        # Checked after each courtesy taken off the end, since some back-outs end in one ("dim nawr, diolch").
        while start < end:
            if " ".join(words[start:end]) in phrases:
                return True
            taken = max((len(after) for after in _AFTER_WORDS if tuple(words[start:end][-len(after):]) == after),
                        default=0)
            if not taken:
                break
            end -= taken
        if start == len(words) or words[start] not in _BEFORE:
            return False
    return False
