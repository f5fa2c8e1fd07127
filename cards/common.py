"""Cards every flow shares: welcome, help, short notices and errors."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.people import Lang, first_name
from cards.elements import Card, Element, button_rows, card, execute, heading, plain_text, text
from cards.i18n import Catalogue

# Verbs of the shared buttons; the flows that own them register handlers for the same names.
VERB_PERMISSION_FORM = "permission.form"
VERB_CONCERN_FORM = "concern.form"
VERB_MY_REQUESTS = "permission.mine"
VERB_PENDING = "permission.pending"
VERB_SECTIONS = "policy.sections"
VERB_ABOUT = "policy.about"
VERB_LANGUAGE = "language.set"
VERB_HELP = "help.show"
VERB_FIGURES = "figures.show"


def _other(lang: Lang) -> Lang:
    return Lang.EN if lang is Lang.CY else Lang.CY


def language_button(strings: Catalogue, lang: Lang) -> dict[str, object]:
    """The button that switches to the other language."""
    return execute(strings.text("button.switch_language", lang), VERB_LANGUAGE, {"lang": _other(lang).value})


VERB_REVIEW = "ask.review"


def welcome_card(strings: Catalogue, lang: Lang, *, name: str, federation: str, decides: bool = False,
                 oversees: bool = False, notice: str = "") -> Card:
    """The card shown on install and on "hi": what the bot does, a button for each job (and the pending requests for
    whoever `decides` them, the questions for review for whoever `oversees` the policy), in rows that fit a phone.
    `notice`: what the person's message just did ("I'll speak Welsh with you from now on"), first under the heading."""
    first = first_name(name)
    return card(
        [
            heading(strings.text("welcome.title", lang)),
            *([text(notice, weight="Bolder")] if notice else []),
            # The name comes from Teams: a cleaned TextRun, so a display name cannot format the card.
            plain_text(strings.text("welcome.intro", lang, name=first, federation=federation)) if first
            else text(strings.text("welcome.intro_anonymous", lang, federation=federation)),
            text("- " + strings.text("welcome.ask", lang)
                 + "\n- " + strings.text("welcome.permission", lang)
                 + "\n- " + strings.text("welcome.concern", lang)),
            text(strings.text("welcome.try", lang), subtle=True),
            *button_rows([
                execute(strings.text("button.permission", lang), VERB_PERMISSION_FORM),
                execute(strings.text("button.concern", lang), VERB_CONCERN_FORM),
                execute(strings.text("button.my_requests", lang), VERB_MY_REQUESTS),
            ]),
            *button_rows([
                execute(strings.text("button.sections", lang), VERB_SECTIONS),
                execute(strings.text("button.about", lang), VERB_ABOUT),
            ]),
            *button_rows([*_head_tools(strings, lang, decides=decides, oversees=oversees),
                          language_button(strings, lang)]),
        ],
    )


def _head_tools(strings: Catalogue, lang: Lang, *, decides: bool, oversees: bool) -> list[Element]:
    """The buttons of the lists only some people open: the pending requests for whoever `decides` them, the questions
    for review and the figures for the governors for whoever `oversees` the policy."""
    return [*([execute(strings.text("button.pending", lang), VERB_PENDING)] if decides else []),
            *([execute(strings.text("button.review", lang), VERB_REVIEW)] if oversees else []),
            *([execute(strings.text("button.figures", lang), VERB_FIGURES)] if oversees else [])]


def everyone_welcome_card(strings: Catalogue, *, federation: Mapping[Lang, str]) -> Card:
    """The welcome posted to a team or a group chat, for everyone in it: what the bot does, how to ask it there (an
    @mention), and that requests and reports are made in a personal chat. In Welsh, then English, whoever added the
    bot: a Welsh school's shared messages treat Welsh no less favourably. Each language is a container named for it
    (`cy`, `en`). No buttons: a form or a list opened from a shared card would be the clicker's, in front of
    everyone."""
    def part(lang: Lang) -> Element:
        return {"type": "Container", "id": lang.value, "separator": lang is Lang.EN, "items": [
            heading(strings.text("welcome.title", lang)),
            text(strings.text("welcome.everyone.intro", lang, federation=federation[lang])),
            text(strings.text("welcome.everyone.ask", lang)),
            text(strings.text("welcome.everyone.private", lang)),
        ]}
    return card([part(Lang.CY), part(Lang.EN)])


def help_card(strings: Catalogue, lang: Lang, *, decides: bool = False, oversees: bool = False) -> Card:
    """The things to type or click, only those this person can use: the pending list for whoever `decides` requests
    (a headteacher or named delegate); the questions for review and who has read the policy for whoever `oversees` it
    (a headteacher or the policy owner: a delegate stands in on permission requests only), each with its button as on
    the welcome card (on a phone, a tap, not the words typed). Everyone is told how the people who hold concern reports
    list them: nothing here can tell a line manager Graph names from anyone else."""
    names = ["help", "permission", "concern", "my_reports", "my_requests",
             *(["pending"] if decides else []), *(["review"] if oversees else []),
             "whats_new", *(["reads", "figures"] if oversees else []), "sections", "about", "language"]
    commands = ", ".join(f"**{strings.text(f'help.command.{name}', lang)}**" for name in names)
    return card([
        heading(strings.text("help.title", lang)), text(strings.text("help.commands", lang, commands=commands)),
        text(strings.text("help.holders", lang), subtle=True),
        *button_rows([
            execute(strings.text("button.permission", lang), VERB_PERMISSION_FORM),
            execute(strings.text("button.concern", lang), VERB_CONCERN_FORM),
            execute(strings.text("button.sections", lang), VERB_SECTIONS),
            *_head_tools(strings, lang, decides=decides, oversees=oversees),
            language_button(strings, lang),
        ]),
    ])


def notice_card(message: str, *, title: str = "") -> Card:
    """A short message on its own card."""
    body = [heading(title)] if title else []
    return card([*body, text(message)], notification=message)


def error_card(strings: Catalogue, lang: Lang, key: str, **values: object) -> Card:
    """A plain explanation that nothing was changed."""
    return notice_card(strings.text(key, lang, **values), title=strings.text("error.title", lang))


def headings_in_english_note(strings: Catalogue, lang: Lang, shown_in_english: bool) -> list[Element]:
    """On a Welsh card listing headings some of which have no Welsh in the document (a new version's, until someone
    writes them), a line saying those are shown in English; nothing otherwise."""
    if lang is not Lang.CY or not shown_in_english:
        return []
    return [text(strings.text("policy.headings_in_english", lang), subtle=True, size="Small")]

