"""Greeting, help and choosing a language: the flow every other flow leans on."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.federation import Federation
from bot.domain.people import Lang
from cards.common import VERB_HELP, VERB_LANGUAGE, error_card, help_card, notice_card, welcome_card
from cards.i18n import Catalogue
from dialogs.base import Handler, Reply, Turn, normalise

GREETINGS = frozenset({"hi", "hello", "hey", "helo", "shwmae", "su mae", "sut mae", "bore da", "prynhawn da",
                       "hiya", "start", "dechrau", "menu", "bwydlen"})
HELP_WORDS = frozenset({"help", "help me", "cymorth", "helpu", "commands", "gorchmynion", "?"})
TO_WELSH = frozenset({"cymraeg", "welsh", "yn gymraeg", "in welsh", "cy"})
TO_ENGLISH = frozenset({"english", "saesneg", "yn saesneg", "in english", "en"})


class HomeFlow:
    """Welcome, help and the language switch."""

    def __init__(self, strings: Catalogue, federation: Federation) -> None:
        self._strings = strings
        self._federation = federation

    def verbs(self) -> Mapping[str, Handler]:
        """The shared buttons this flow answers."""
        return {VERB_LANGUAGE: self.switch_language, VERB_HELP: self.help}

    def match_text(self, turn: Turn) -> Handler | None:
        """Greetings, help words and language names."""
        said = normalise(turn.text)
        if said in GREETINGS:
            return self.welcome
        if said in HELP_WORDS or turn.text.strip() == "?":
            return self.help
        if said in TO_WELSH or said in TO_ENGLISH:
            return self.switch_language
        return None

    async def welcome(self, turn: Turn) -> Reply:
        """The welcome card."""
        return Reply(card=welcome_card(self._strings, turn.lang, name=turn.actor.name,
                                       federation=self._federation.name(turn.lang), decides=self._decides(turn)))

    def _decides(self, turn: Turn) -> bool:
        owner = self._federation.policy_owner.aad_object_id == turn.actor.aad_object_id
        return owner or bool(self._federation.schools_decided_by(turn.actor))

    async def help(self, turn: Turn) -> Reply:
        """The help card."""
        return Reply(card=help_card(self._strings, turn.lang))

    async def switch_language(self, turn: Turn) -> Reply:
        """Remember the chosen language and show the welcome card in it."""
        wanted = turn.data.get("lang") if turn.verb else None
        if not turn.verb:
            wanted = Lang.CY.value if normalise(turn.text) in TO_WELSH else Lang.EN.value
        if wanted not in {lang.value for lang in Lang}:
            return Reply(card=error_card(self._strings, turn.lang, "error.unknown_action"))
        lang = Lang(str(wanted))
        welcome = welcome_card(self._strings, lang, name=turn.actor.name, federation=self._federation.name(lang),
                               decides=self._decides(turn))
        return Reply(card=welcome, more=[notice_card(self._strings.text("language.changed", lang), lang)]
                     if not turn.verb else [], language=lang)

    async def coming_soon(self, turn: Turn) -> Reply:
        """For buttons whose flow is not built yet."""
        return Reply(card=notice_card(self._strings.text("coming_soon", turn.lang), turn.lang))

    async def unknown_verb(self, turn: Turn) -> Reply:
        """A button no flow owns: explain, change nothing."""
        return Reply(card=error_card(self._strings, turn.lang, "error.unknown_action"))
