"""Cards of the question flow: answers quoted from the policy, no-answer, sections, about, escalation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.people import Lang, StaffContact
from bot.domain.questions import MAX_QUESTION, MAX_REPLY
from bot.domain.text import clean_user_text, shortened
from bot.domain.uk_time import clocks_differ_from_uk, in_uk, uk_clock
from bot.policy.details import PolicyDetails, reads_as_english, version_in
from bot.policy.model import PolicyPassage, PolicySection, quotes
from bot.policy.places import PolicyPlace, heading_mark
from cards.common import (
    VERB_CONCERN_FORM,
    VERB_PERMISSION_FORM,
    VERB_REVIEW,
    VERB_SECTIONS,
    headings_in_english_note,
    notice_card,
)
from cards.elements import (
    MAX_CARD_BYTES,
    Card,
    Element,
    action_set,
    button_rows,
    card,
    card_bytes,
    execute,
    facts,
    heading,
    plain_heading,
    plain_text,
    quote,
    sub_heading,
    text,
    user_text,
)
from cards.i18n import Catalogue

VERB_SECTION = "policy.section"
VERB_FEEDBACK = "ask.feedback"
VERB_ESCALATE = "ask.escalate"
VERB_REPLY = "ask.reply"
VERB_DISCLAIMER = "ask.disclaimer"
VERB_PHOTOS = "ask.photos"
VERB_QUESTION = "ask.question"
VERB_CORRECT_REPLY = "ask.correct_reply"

QUESTION_SHOWN = 200  # characters of a question echoed to the asker: a pasted email is not repeated whole

# Next steps a passage may lead to, and the button (verb, string key) that takes the person there.
NEXT_STEPS: dict[str, tuple[str, str]] = {
    "request_permission": (VERB_PERMISSION_FORM, "button.permission"),
    "report_concern": (VERB_CONCERN_FORM, "button.concern"),
    "blog_disclaimer": (VERB_DISCLAIMER, "ask.copy_disclaimer"),
    "photo_checklist": (VERB_PHOTOS, "ask.photo_checklist"),
}


@dataclass(frozen=True)
class SectionView:
    """A section as a card shows it."""

    section_id: str
    heading: str
    passages: tuple[str, ...] = ()
    # The heading in the English document, so a Welsh reader can find the section there.
    heading_en: str = ""
    # How many of `passages` are the document's own Welsh (a bilingual document), not its English.
    welsh_passages: int = 0
    # How many of `passages`, moved to the front, are the part a button named (the rest follow in document order).
    leading: int = 0
    # The mark of its heading's words, so a button to it finds it again in a later version.
    heading_mark: str = ""
    # The language it is shown in, so a button to it opens it in the language of the card it sits on.
    lang: str = ""
    # Shown on a Welsh card with its English heading: the document gives it no Welsh.
    heading_in_english: bool = False


def _paragraph(passages: Sequence[PolicyPassage], passage_id: str) -> tuple[int, int]:
    """Where the paragraph holding this passage starts and ends in `passages`; (0, 0) when it is not there."""
    at = next((n for n, p in enumerate(passages) if p.id == passage_id), None)
    if at is None:
        return 0, 0
    start, end = at, at + 1
    while start > 0 and passages[start].continues:
        start -= 1
    while end < len(passages) and passages[end].continues:
        end += 1
    return start, end


def section_view(section: PolicySection, lang: Lang, *, full: bool = False, first: str = "") -> SectionView:
    """A section in a language, with its passages, each in the document's words in that language where it has
    them, when the card shows it in full; `first`, a passage id, puts that passage's paragraph before the rest."""
    shown = section.passages if full else ()
    start, end = _paragraph(shown, first) if first else (0, 0)
    shown = (*shown[start:end], *shown[:start], *shown[end:])
    welsh = sum(bool(p.text_cy) for p in shown) if lang is Lang.CY else 0
    return SectionView(section.id, section.heading(lang.value), tuple(quotes(shown, lang.value)), section.heading_en,
                       welsh, end - start, heading_mark(section), lang.value,
                       heading_in_english=lang is Lang.CY and not section.heading_cy)


def place_data(place: PolicyPlace) -> dict[str, str]:
    """A `policy.section` button's data: the ids every card posted before sends, and the marks of their words."""
    optional = {"passage": place.passage, "section_mark": place.section_mark, "passage_mark": place.passage_mark}
    return {"section": place.section, **{key: value for key, value in optional.items() if value}}


def _section_data(section: SectionView, version: str = "") -> dict[str, str]:
    shown_in = {"lang": section.lang} if section.lang else {}
    of_version = {"version": version} if version else {}
    return place_data(PolicyPlace(section.section_id, section_mark=section.heading_mark)) | shown_in | of_version


def shown_in(lang: Lang) -> dict[str, str]:
    """The data of a button (optional `lang`): what it opens or answers comes in the card's language, whatever the
    language of the Teams it is clicked in."""
    return {"lang": lang.value}


def _next_steps(strings: Catalogue, lang: Lang, steps: Sequence[str]) -> list[Element]:
    """The buttons to what a passage leads to (the disclaimer, the photo checklist, the permission and concern forms),
    each opening in the card's language: a Welsh answer leads to Welsh, whatever the language of the person's Teams."""
    return [execute(strings.text(NEXT_STEPS[step][1], lang), NEXT_STEPS[step][0], shown_in(lang))
            for step in steps if step in NEXT_STEPS]


def source_line(strings: Catalogue, lang: Lang, source: str, section: SectionView, *, quoted: int = 0,
                quoted_welsh: int = 0) -> Element:
    """Where quoted words come from; on a Welsh card also the section's English heading, and whether the policy is
    quoted in its own Welsh (`quoted_welsh` of the `quoted` passages) or in its English words."""
    english = section.heading_en or section.heading
    if lang is not Lang.CY or (section.heading == english and not section.heading_in_english):
        # In English, or a heading the document gives in Welsh only (a section typed in Welsh): no English to name.
        line = strings.text("ask.source", lang, source=source, section=section.heading)
    elif section.heading != english:
        line = strings.text("ask.source_translated", lang, source=source, section=section.heading, section_en=english)
    else:
        line = strings.text("ask.source_english_heading", lang, source=source, section=english)
    if lang is Lang.CY:
        note = ("ask.quote_language_note" if not quoted_welsh else
                "ask.quote_welsh_note" if quoted_welsh >= quoted else "ask.quote_mixed_note")
        line = f"{line} {strings.text(note, lang)}"
    return text(line, subtle=True, size="Small")


def _listed(strings: Catalogue, lang: Lang, sections: Sequence[SectionView], *, version: str = "") -> list[Element]:
    """The sections' rows and, on a Welsh card where some heading has no Welsh, a line saying it is in English."""
    return [*section_rows(sections, version=version),
            *headings_in_english_note(strings, lang, any(s.heading_in_english for s in sections))]


def section_rows(sections: Sequence[SectionView], *, version: str = "") -> list[Element]:
    """Each section a full-width row to tap: a heading wraps whole, where a button's title is cut off. With `version`,
    each button names the version its section is from."""
    return [{"type": "Container", "separator": index > 0, "spacing": "Small",
             "selectAction": execute(section.heading, VERB_SECTION, _section_data(section, version)),
             "items": [{"type": "RichTextBlock", "inlines": [
                 {"type": "TextRun", "text": f"{section.heading} ›", "color": "Accent"}]}]}
            for index, section in enumerate(sections)]


def when(moment: datetime | None) -> str:
    """A date and time as staff read it: UK style, on UK clocks (BST in summer), saying BST or GMT in the hour the
    clocks go back, which comes twice."""
    return uk_clock(moment, "%d/%m/%Y %H:%M") if moment else "—"


def when_read(strings: Catalogue, lang: Lang, moment: datetime | None, zone: str = "") -> str:
    """`when`, saying "UK time" ("amser y DU") after it to a reader whose clocks (`zone`: the time zone of their
    Teams, as its clientInfo gave it on this turn or an earlier one) show another hour then: "01/12/2026 10:00 UK
    time". A time already marked BST or GMT (the hour the clocks go back) says which, and so says it is UK time."""
    shown = when(moment)
    if moment is None or not clocks_differ_from_uk(zone, moment) or shown.endswith((" BST", " GMT")):
        return shown
    return strings.text("date.uk_time_after", lang, when=shown)


def on_day(strings: Catalogue, lang: Lang, moment: datetime) -> str:
    """The UK day of a moment as a sentence says when something happens: "on Monday 7 September", "ddydd Llun 7
    Medi"."""
    day = in_uk(moment)
    return strings.text(f"date.on_day.{day.weekday()}", lang, day=day.day,
                        month=strings.text(f"date.month.{day.month}", lang))


def goes_on_day(strings: Catalogue, lang: Lang, due: datetime, goes: datetime | None = None, *,
                zone: str = "") -> str:
    """When something due at `due` reaches people, as a sentence says it: `on_day` of `due`; when it is kept back to
    `goes` (school hours), the hour and day it really goes: "at 08:00 on Saturday 7 November", "am 08:00 ddydd Sadwrn
    7 Tachwedd", saying "UK time" ("amser y DU") to a reader whose clocks (`zone`, Teams' clientInfo) show another
    hour then."""
    if goes is None or goes <= due:
        return on_day(strings, lang, due)
    key = "date.at_on_day_uk" if clocks_differ_from_uk(zone, goes) else "date.at_on_day"
    return strings.text(key, lang, when=uk_clock(goes, "%H:%M"), on_day=on_day(strings, lang, goes))


def answer_card(strings: Catalogue, lang: Lang, *, question_id: str, section: SectionView, quotes: Sequence[str],
                source: str, next_steps: Sequence[str], rated: bool = False, not_helpful: bool = False,
                related: Sequence[SectionView] = (), escalated_to: str = "", welsh_quotes: int = 0,
                tentative: bool = False, picture_unread: bool = False, link_unread: bool = False, notice: str = "",
                already_rated: bool = False, escalated_before: datetime | None = None, question: str = "",
                replied_before: datetime | None = None, owner_asking: bool = False, about_owner: str = "",
                in_a_group: bool = False, earlier: tuple[str, str] | None = None, not_named: str = "",
                zone: str = "") -> Card:
    """The policy's own words that answer a question (`welsh_quotes` of them the document's Welsh), where they come
    from, and what to do next; once marked not helpful, where to go from there (ask again, a related section, the
    headteacher; with `notice`, why it could not be passed on just now). A tentative answer says it is the nearest the
    policy comes, and, while it can still be rated, how to go on as Not helpful will offer it (ask again, and ask the
    headteacher, or tell someone privately, or, for the policy owner, put it on her Questions for review). With
    `picture_unread`, that only the words were answered, not the picture sent with them; with `link_unread`, nor the
    link. A button pressed again (a double tap, a copy of the card on another device) shows the card as it stands,
    saying it was `already_rated`, or passed on at `escalated_before` (replied to at `replied_before`). With `question`,
    one of several a message asked, which one it answers (its buttons carry `with_question`, so the card drawn again
    after a press still says). With `owner_asking` (the policy owner's own question, whom questions are passed to), no
    offer to pass it on: it is on her Questions for review. With `about_owner` (her name: the question says someone is
    pestering or targeting its asker, and may be about her), no offer to pass it to her, but why, and Report a
    concern; `in_a_group` (drawn in a group chat or channel, where she may be reading), neither why nor Report a
    concern, which go to the asker's own chat (`about_owner_card`). Drawn again once another version is in force
    (`earlier`: the version it quotes and the one in force), it says so, and to ask again. With `not_named` (the tools a
    question names that the policy does not: "Seesaw"), that the policy does not name them, what its rule on permission
    asks, where to ask if the school already provides them, and how to ask the headteacher's permission."""
    body: list[Element] = [heading(strings.text("ask.answer_title", lang, section=section.heading))]
    body += _unread(strings, lang, picture=picture_unread, link=link_unread)
    body += _versions_note(strings, lang, "ask.answered_from_earlier", earlier)
    if question:
        body += _your_question(strings, lang, question)
    asked = {"with_question": "1"} if question else {}
    if not_named:
        body.append(text(strings.text("ask.not_named", lang, tool=not_named)))
    if tentative:
        rating = bool(question_id) and not (rated or not_helpful or escalated_to)
        note = strings.text("ask.tentative", lang)
        next_step = strings.text(_tentative_next(owner_asking, about_owner, in_a_group=in_a_group), lang)
        body.append(text(f"{note} {next_step}" if rating else note))
    body.extend(quote(passage) for passage in quotes)
    body.append(source_line(strings, lang, source, section, quoted=len(quotes), quoted_welsh=welsh_quotes))
    buttons = [execute(strings.text("ask.read_section", lang), VERB_SECTION, _section_data(section)),
               *_next_steps(strings, lang, next_steps)]
    body += button_rows(buttons)
    if escalated_to:
        body.append(plain_text(_escalated(strings, lang, escalated_to, escalated_before, replied_before, zone),
                               weight="Bolder"))
    elif not_helpful:
        body += _after_not_helpful(strings, lang, question_id, related, notice=notice, asked=asked,
                                   owner_asking=owner_asking, about_owner=about_owner, in_a_group=in_a_group)
        if already_rated:
            body.append(text(strings.text("ask.already_rated", lang), subtle=True))
    elif rated:
        body.append(text(strings.text("ask.already_rated" if already_rated else "ask.thanks_feedback", lang),
                         subtle=True))
    elif question_id:
        body.append(action_set([
            execute(strings.text("ask.helpful", lang), VERB_FEEDBACK, {"q": question_id, "value": "helpful", **asked}),
            execute(strings.text("ask.not_helpful", lang), VERB_FEEDBACK,
                    {"q": question_id, "value": "not_helpful", **asked}),
        ]))
    return card(body)


def _versions_note(strings: Catalogue, lang: Lang, key: str, earlier: tuple[str, str] | None) -> list[Element]:
    """On a card drawn again once another version is in force: the version it quotes or searched, the one in force, and
    to ask again."""
    if earlier is None:
        return []
    return [{"type": "Container", "style": "warning", "items": [text(strings.text(
        key, lang, version=earlier[0], current=earlier[1]))]}]


def _tentative_next(owner_asking: bool, about_owner: str, *, in_a_group: bool) -> str:
    """How an uncertain answer's asker goes on, as Not helpful will offer it: to the policy owner, her own Questions
    for review; for a question that may be about her, telling someone privately (in a group, only asking again: the
    rest goes to the asker's own chat); else asking the headteacher."""
    if owner_asking:
        return "ask.tentative_next_owner"
    if about_owner:
        return "ask.tentative_next_again" if in_a_group else "ask.tentative_next_concern"
    return "ask.tentative_next"


def _after_not_helpful(strings: Catalogue, lang: Lang, question_id: str, related: Sequence[SectionView], *,
                       notice: str = "", asked: Mapping[str, str] | None = None,
                       owner_asking: bool = False, about_owner: str = "", in_a_group: bool = False) -> list[Element]:
    """Not a dead end: ask again in other words, read a related section, or ask the headteacher (with `notice`, why it
    could not be passed on just now); the policy owner is told it is on her Questions for review instead, and a question
    that may be about her (`about_owner`, her name) is not offered to her, but Report a concern (`in_a_group`: neither,
    as the asker's own chat has them)."""
    steps: list[Element] = [
        {"type": "Container", "separator": True, "spacing": "Medium", "items": [
            text(strings.text("ask.not_helpful_title", lang), weight="Bolder"),
            text(strings.text("ask.not_helpful_rephrase", lang))]}]
    if related:
        steps += [text(strings.text("ask.not_helpful_related", lang)), *_listed(strings, lang, related[:3])]
    if question_id and owner_asking:
        steps.append(text(strings.text("ask.yours_to_review", lang)))
    elif about_owner:
        steps += [] if in_a_group else _not_to_them(strings, lang, about_owner)
    elif question_id:
        steps += [text(strings.text(_ask_head_how(in_a_group), lang)),
                  *([_attention(notice)] if notice else []),
                  action_set([execute(strings.text("ask.ask_head", lang), VERB_ESCALATE,
                                      {"q": question_id, **(asked or {})}, style="positive")])]
    return steps


def _ask_head_how(in_a_group: bool) -> str:
    """What Ask the headteacher does: the reply comes back to the chat it is pressed in, or, pressed in a group chat or
    channel (passing it on happens privately), to the asker's own chat with the bot."""
    return "ask.not_helpful_head_group" if in_a_group else "ask.not_helpful_head"


def _not_to_them(strings: Catalogue, lang: Lang, name: str) -> list[Element]:
    """Why a question that may be about the person questions go to (`name`) is not passed to them, and the private
    route instead, which never goes to anyone a report names."""
    return [text(strings.text("ask.about_the_owner", lang, name=name)),
            action_set([execute(strings.text("button.concern", lang), VERB_CONCERN_FORM, shown_in(lang))])]


def _unread(strings: Catalogue, lang: Lang, *, picture: bool, link: bool) -> list[Element]:
    """That only the words typed were answered: a picture or a link sent with them was not looked at."""
    return [text(strings.text(key, lang), subtle=True)
            for key, sent in (("ask.picture_unread", picture), ("ask.link_unread", link)) if sent]


def _escalated(strings: Catalogue, lang: Lang, name: str, before: datetime | None,
               replied: datetime | None = None, zone: str = "") -> str:
    """Who the question was passed to; pressed again, when (and when they replied, if they have), in UK time, said so
    to a reader whose clocks (`zone`) show another hour."""
    if before is None:
        return strings.text("ask.escalated", lang, name=name)
    if replied is not None:
        return strings.text("ask.already_escalated_replied", lang, name=name,
                            when=when_read(strings, lang, before, zone),
                            replied=when_read(strings, lang, replied, zone))
    return strings.text("ask.already_escalated", lang, name=name, when=when_read(strings, lang, before, zone))


def passed_on_already_card(strings: Catalogue, lang: Lang, *, name: str, before: datetime,
                           replied: datetime | None = None, zone: str = "") -> Card:
    """Ask the headteacher pressed again on a card in a group chat or channel: that it was passed on already, to whom
    and when (and replied to: times as `_escalated` says them), and that the reply is in the asker's own chat, not
    this one."""
    if replied is not None:
        return notice_card(strings.text("ask.already_escalated_replied_group", lang, name=name,
                                        when=when_read(strings, lang, before, zone),
                                        replied=when_read(strings, lang, replied, zone)))
    return notice_card(strings.text("ask.already_escalated_group", lang, name=name,
                                    when=when_read(strings, lang, before, zone)))


def _attention(notice: str) -> Element:
    """Why something could not be done just now, said in words as well as colour."""
    return {"type": "TextBlock", "text": notice, "color": "Attention", "wrap": True}


def _your_question(strings: Catalogue, lang: Lang, question: str) -> list[Element]:
    """The asker's question echoed under its label; a long one (a parent's email pasted in, names and all) only its
    start, under a label that says so. It is kept, and goes to the headteacher, whole."""
    whole = clean_user_text(question, limit=MAX_QUESTION)
    shown = shortened(whole, limit=QUESTION_SHOWN)
    label = "ask.your_question" if shown == whole else "ask.your_question_start"
    return [text(strings.text(label, lang), weight="Bolder", size="Small"),
            user_text(shown, limit=QUESTION_SHOWN + 1, italic=True)]


def no_answer_card(strings: Catalogue, lang: Lang, *, question_id: str, question: str,
                   closest: Sequence[SectionView], escalated_to: str = "", notice: str = "",
                   names_colleague: bool = False, picture_unread: bool = False, link_unread: bool = False,
                   escalated_before: datetime | None = None, replied_before: datetime | None = None,
                   owner_asking: bool = False, about_owner: str = "", in_a_group: bool = False,
                   earlier: tuple[str, str] | None = None, zone: str = "") -> Card:
    """An honest "not covered", the closest sections, and the offer to ask the headteacher, saying where the reply
    comes (`in_a_group`: to the asker's own chat; with `notice`, why it could not be sent just now); without a
    `question_id` (the question could not be kept) no offer, but why not; to the policy owner (`owner_asking`:
    questions are passed to her) none, but that it is on her Questions for review.
    A question that `names_colleague` (someone on the staff list) also points to the private route, Report a concern,
    in case it is about how that colleague behaved. With `picture_unread` or `link_unread`, that only the words were
    read. Ask the
    headteacher pressed again says when it was passed on (`escalated_before`), and replied to (`replied_before`). A
    question that may be about the person questions go to (`about_owner`, her name) is not offered to her, but says why
    and offers Report a concern; `in_a_group` (drawn where she may be reading), neither, which go to the asker's own
    chat (`about_owner_card`). Drawn again once another version is in force (`earlier`: the version searched and the
    one in force), it says so, and to ask again."""
    body: list[Element] = [
        heading(strings.text("ask.no_answer_title", lang)),
        *_unread(strings, lang, picture=picture_unread, link=link_unread),
        *_versions_note(strings, lang, "ask.not_covered_in_earlier", earlier),
        *_your_question(strings, lang, question),
        text(strings.text("ask.no_answer_body", lang)),
    ]
    if closest:
        body.append(text(strings.text("ask.closest_sections", lang), subtle=True))
        body += _listed(strings, lang, closest[:3])
    if escalated_to:
        body.append(text(_escalated(strings, lang, escalated_to, escalated_before, replied_before, zone),
                         weight="Bolder"))
        return card(body)
    if about_owner and not owner_asking:
        return card(body if in_a_group else [*body, *_not_to_them(strings, lang, about_owner)])
    if names_colleague:  # its own row under the line (two titles side by side are cut off on a phone)
        body += [text(strings.text("ask.names_colleague", lang)),
                 action_set([execute(strings.text("button.concern", lang), VERB_CONCERN_FORM, shown_in(lang))])]
    if not question_id:
        body.append(text(strings.text("ask.not_recorded", lang), subtle=True))
        return card(body)
    if owner_asking:
        body.append(text(strings.text("ask.yours_to_review", lang)))
        return card(body)
    body.append(text(strings.text(_ask_head_how(in_a_group), lang)))
    if notice:
        body.append(_attention(notice))
    return card(body, [execute(strings.text("ask.ask_head", lang), VERB_ESCALATE, {"q": question_id},
                               style="positive")])


def speaking_of_card(strings: Catalogue, lang: Lang, *, typed: str, sections: Sequence[SectionView],
                     picture_unread: bool = False, link_unread: bool = False) -> Card:
    """A word typed alone ("photos", "lluniau") that the policy does not answer as a question: the sections whose own
    words speak of it, each to open, and to ask a whole question for an answer (with `picture_unread` or
    `link_unread`, that only the words were read). No offer to ask the headteacher: a word is no question."""
    return card([heading(strings.text("ask.speaking_of_title", lang)),
                 *_unread(strings, lang, picture=picture_unread, link=link_unread),
                 text(strings.text("ask.speaking_of_you_typed", lang), weight="Bolder", size="Small"),
                 user_text(shortened(clean_user_text(typed, limit=MAX_QUESTION), limit=QUESTION_SHOWN),
                           limit=QUESTION_SHOWN + 1, italic=True),
                 text(strings.text("ask.speaking_of_body", lang)),
                 *_listed(strings, lang, sections)])


def also_answered_card(strings: Catalogue, lang: Lang, *, question: str) -> Card:
    """Right under the answer to one of several questions a message asked: another of them that the same words answer,
    so it is not taken for dropped."""
    return card([text(strings.text("ask.also_answered", lang)),
                 user_text(shortened(clean_user_text(question, limit=MAX_QUESTION), limit=QUESTION_SHOWN),
                           limit=QUESTION_SHOWN + 1, italic=True)])


def colleague_named_card(strings: Catalogue, lang: Lang, *, question: str) -> Card:
    """For the asker's own chat, when a question asked in a group chat or channel names a colleague and the policy does
    not cover it: the pointer to Report a concern, which the card in front of the group (the colleague may be reading
    it) leaves out."""
    return card([heading(strings.text("ask.names_colleague_title", lang)), *_your_question(strings, lang, question),
                 text(strings.text("ask.names_colleague", lang)),
                 action_set([execute(strings.text("button.concern", lang), VERB_CONCERN_FORM, shown_in(lang))])])


def about_owner_card(strings: Catalogue, lang: Lang, *, question: str, name: str) -> Card:
    """For the asker's own chat, when a question asked in a group chat or channel may be about the person questions go
    to (`name`): why it is not passed to them, and Report a concern, which the card in front of the group (they may be
    reading it) leaves out."""
    return card([heading(strings.text("ask.names_colleague_title", lang)), *_your_question(strings, lang, question),
                 *_not_to_them(strings, lang, name)])


FIRST_PASSAGES = 5  # a long section shows this many, and the rest behind one tap


def _passages(passages: Sequence[str]) -> Element:
    """The policy's words, verbatim, in one box (a box each made a long section about 2,300 px tall)."""
    return {"type": "Container", "style": "emphasis", "items": [
        {"type": "RichTextBlock", "spacing": "Small" if index else "None",
         "inlines": [{"type": "TextRun", "text": passage}]} for index, passage in enumerate(passages)]}


def section_card(strings: Catalogue, lang: Lang, section: SectionView, *, source: str,
                 next_steps: Sequence[str] = ()) -> Card:
    """A whole section, verbatim: compact on a phone, with the rest of a long one one tap away."""
    body: list[Element] = [heading(strings.text("ask.section_title", lang, section=section.heading))]
    passages = section.passages
    # The first few and the rest one tap away; opened at a passage (a button naming it), that passage and the rest.
    shown = section.leading or FIRST_PASSAGES
    if len(passages) > shown and (section.leading or len(passages) > FIRST_PASSAGES + 1):
        rest_id = f"rest-{section.section_id}"
        rest = _passages(passages[shown:])
        rest.update({"id": rest_id, "isVisible": False, "spacing": "None"})
        body += [_passages(passages[:shown]), rest, action_set([{
            "type": "Action.ToggleVisibility", "targetElements": [rest_id],
            "title": strings.text("ask.section_rest", lang, count=len(passages) - shown)}])]
    elif passages:
        body.append(_passages(passages))
    body.append(source_line(strings, lang, source, section, quoted=len(passages), quoted_welsh=section.welsh_passages))
    actions = [execute(strings.text("button.sections", lang), VERB_SECTIONS, shown_in(lang)),
               *_next_steps(strings, lang, next_steps)]
    return card([*body, *button_rows(actions[:5])])


def sections_card(strings: Catalogue, lang: Lang, sections: Sequence[SectionView], *, version: str = "",
                  superseded: str = "") -> Card:
    """The policy's sections, each a row to tap (whole headings, never cut off; naming `version` when given); opened
    from a card about another version (`superseded`, its number), saying these are the version in force's."""
    notice: list[Element] = [{"type": "Container", "style": "warning", "items": [text(strings.text(
        "ask.sections_superseded", lang, version=superseded, current=version))]}] if superseded else []
    return card([heading(strings.text("ask.sections_title", lang)), *notice,
                 text(strings.text("ask.sections_intro", lang), subtle=True),
                 *_listed(strings, lang, sections, version=version)])


def policy_changed_card(strings: Catalogue, lang: Lang, sections: Sequence[SectionView]) -> Card:
    """A button posted under an earlier version whose section the version in force no longer has: says so plainly,
    with the sections in force to choose from."""
    return card([heading(strings.text("ask.policy_changed_title", lang)),
                 text(strings.text("ask.policy_changed", lang)), *_listed(strings, lang, sections)])


def about_card(strings: Catalogue, lang: Lang, details: PolicyDetails, *, overdue: bool,
               changes: Sequence[Element] = (), asked: str = "", published: str = "",
               picture_unread: bool = False) -> Card:
    """The document's details in the reader's language, a plain note when the review date has passed or when the
    detail a question `asked` for ("author") is not in the document, and, when the bot keeps versions, when and by
    whom the version in force was published (`published`, already worded) and what changed from the version before
    (`changes`, already built). With `picture_unread`, that only the words were answered, as every answer says."""
    code = lang.value
    rows: list[tuple[str, str]] = []
    if details.version:
        rows.append((strings.text("ask.about_version", lang), details.version))
    if details.status and not version_in(details.status.en):
        rows.append((strings.text("ask.about_status", lang), details.status.text(code)))
    if details.author:
        rows.append((strings.text("ask.about_author", lang), details.author.text(code)))
    if (issued := details.issued()) is not None:
        rows.append((strings.text("ask.about_issued", lang), issued.text(code)))
    if details.agreed_by:
        rows.append((strings.text("ask.about_agreed", lang), details.agreed_by.text(code)))
    if (authorisation := details.authorisation()) is not None:
        rows.append((strings.text("ask.about_authorised", lang), authorisation.text(code)))
    if (reviewed := details.reviewed()) is not None:
        rows.append((strings.text("ask.about_last_reviewed", lang), reviewed.text(code)))
    review = due.text(code) if (due := details.review_due()) is not None else ""
    if review:
        rows.append((strings.text("ask.about_review", lang), review))
    if details.schools:
        rows.append((strings.text("ask.about_schools", lang), ", ".join(s.text(code) for s in details.schools)))
    elif details.federation:
        rows.append((strings.text("ask.about_applies_to", lang), details.federation.text(code)))
    body: list[Element] = [heading(strings.text("ask.about_title", lang))]
    if picture_unread:
        body.append(text(strings.text("ask.picture_unread", lang), subtle=True))
    body.append(sub_heading(details.title.text(code)))
    if rows:
        body.append(facts(rows))
    if lang is Lang.CY and _left_in_english(details):
        body.append(text(strings.text("ask.about_as_written", lang), subtle=True, size="Small"))
    if published:
        body.append(text(published, subtle=True, size="Small"))
    if asked and not details.asked(asked, code):
        body.append({"type": "Container", "style": "emphasis", "items": [text(_not_given(strings, lang, details,
                                                                                         asked))]})
    if overdue and review:
        body.append({"type": "Container", "style": "warning",
                     "items": [text(strings.text("ask.about_overdue", lang, review=review))]})
    body.extend(changes)
    return card(body, [execute(strings.text("button.sections", lang), VERB_SECTIONS, shown_in(lang))])


def _left_in_english(details: PolicyDetails) -> bool:
    """Whether a detail the About card shows has no Welsh and reads as English words (a name left as written does
    not: it is in no language)."""
    shown = (details.title, details.status, details.author, details.agreed_by, details.authorisation(),
             details.review_due(), details.federation)
    return any(d is not None and d.cy == d.en and reads_as_english(d.en) for d in shown)


def _not_given(strings: Catalogue, lang: Lang, details: PolicyDetails, asked: str) -> str:
    """That the document does not give the detail asked for; for its last review, the date it does give (of issue)."""
    instead = details.given_instead(asked)
    if instead is not None and instead[0] == "date_of_issue":
        return strings.text("ask.about_not_given_last_reviewed_issued", lang, issued=instead[1].text(lang.value))
    return strings.text(f"ask.about_not_given_{asked}", lang)


def disclaimer_card(strings: Catalogue, lang: Lang, disclaimer: str, *, source: str, section: SectionView) -> Card:
    """The policy's standard blog disclaimer to read, again in a box it can really be copied from (text on a card
    cannot be selected in Teams on a phone; the text of a box can), and where it comes from."""
    return card([heading(strings.text("ask.disclaimer_title", lang)), text(strings.text("ask.disclaimer_intro", lang)),
                 quote(disclaimer),
                 {"type": "Input.Text", "id": "disclaimer", "value": disclaimer, "isMultiline": True,
                  "maxLength": max(len(disclaimer), 1), "label": strings.text("ask.disclaimer_copy", lang)},
                 source_line(strings, lang, source, section)])


def photo_checklist_card(strings: Catalogue, lang: Lang, passages: Sequence[str]) -> Card:
    """The checks before posting photographs, with the policy's words they come from."""
    checks = "\n".join(f"- {strings.text(f'ask.photo_check_{n}', lang)}" for n in range(1, 5))
    body: list[Element] = [heading(strings.text("ask.photo_title", lang)), text(checks),
                           text(strings.text("ask.photo_intro", lang), subtle=True)]
    body.extend(quote(passage) for passage in passages)
    return card(body, [execute(strings.text("button.permission", lang), VERB_PERMISSION_FORM)])


def head_question_card(strings: Catalogue, lang: Lang, *, question_id: str, asker: str, asked_at: datetime,
                       question: str, reply: str = "", replied_by: str = "", replied_at: datetime | None = None,
                       error: str = "", draft: str = "", answered_from: str = "",
                       earlier: tuple[str, str] | None = None, heading_in_english: bool = False,
                       corrected_by: str = "", corrected_at: datetime | None = None, correcting: str = "",
                       zone: str = "") -> Card:
    """The headteacher's card (its times in UK time, said so to a reader whose clocks, `zone`, show another hour): the
    question (and, when the bot's answer did not help, where it answered from, and
    from which version when it was one before the version in force: `earlier`, those two numbers; not covered, which
    version was searched), and a reply box
    (or the reply once sent, and who last corrected it, with Correct my reply); `draft` is what they had typed when it
    could not be sent. `correcting`: the reply's mark (`QuestionRecord.reply_mark`), for the box that corrects it,
    filled with the reply. `heading_in_english`: the section's heading has no Welsh, so a Welsh card says headings
    without Welsh are shown in English."""
    body: list[Element] = [
        heading(strings.text("ask.head_title_not_helpful" if answered_from else "ask.head_title", lang)),
        plain_text(strings.text("ask.head_from", lang, name=asker, when=when_read(strings, lang, asked_at, zone)),
                   subtle=True),
        user_text(question, limit=MAX_QUESTION),
    ]
    if answered_from and earlier is not None:
        body.append(text(strings.text("ask.head_answered_from_earlier", lang, section=answered_from,
                                      version=earlier[0], current=earlier[1]), subtle=True))
    elif earlier is not None:
        body.append(text(strings.text("ask.head_not_covered_in_earlier", lang, version=earlier[0],
                                      current=earlier[1]), subtle=True))
    elif answered_from:
        body.append(text(strings.text("ask.head_answered_from", lang, section=answered_from), subtle=True))
    body += headings_in_english_note(strings, lang, bool(answered_from) and heading_in_english)
    if replied_at is not None:
        replied = strings.text("ask.head_replied", lang, name=replied_by,
                               when=when_read(strings, lang, replied_at, zone))
        body.append(plain_text(replied, weight="Bolder"))
        if corrected_at is not None:
            body.append(plain_text(strings.text("ask.head_corrected", lang, name=corrected_by,
                                                when=when_read(strings, lang, corrected_at, zone)), subtle=True))
        if not correcting:
            body.append(user_text(reply))
            return card(body, [execute(strings.text("ask.correct_button", lang), VERB_CORRECT_REPLY,
                                       {"q": question_id})])
    box: Element = {"type": "Input.Text", "id": "reply", "isMultiline": True, "maxLength": MAX_REPLY,
                    "isRequired": True,
                    "label": strings.text("ask.correct_label" if correcting else "ask.head_reply_label", lang),
                    "errorMessage": strings.text("ask.head_reply_required", lang)}
    if draft or correcting:
        box["value"] = clean_user_text(draft or reply, limit=MAX_REPLY)
    body.append(box)
    if error:
        body.append({"type": "TextBlock", "text": error, "color": "Attention", "wrap": True})
    if correcting:
        return card(body, [execute(strings.text("ask.correct_send", lang), VERB_REPLY,
                                   {"q": question_id, "of": correcting}, style="positive", associated_inputs="auto")])
    return card(body, [execute(strings.text("ask.head_send", lang), VERB_REPLY, {"q": question_id},
                               style="positive", associated_inputs="auto")])


def reply_card(strings: Catalogue, lang: Lang, *, name: str, question: str, reply: str,
               corrected: bool = False) -> Card:
    """The headteacher's reply, delivered to the person who asked; `corrected`: the words of a correction, `name` who
    corrected it."""
    body: list[Element] = [
        plain_heading(strings.text("ask.correction_title" if corrected else "ask.reply_title", lang, name=name)),
        *_your_question(strings, lang, question)]
    if corrected:
        body.append(text(strings.text("ask.corrected_reply", lang), weight="Bolder", size="Small"))
    return card([*body, user_text(reply)])


def reply_card_corrected(strings: Catalogue, lang: Lang, *, replied_by: str, question: str, reply: str,
                         corrected_by: str, corrected_at: datetime | None, zone: str = "") -> Card:
    """The card that brought the first reply, as it reads once the reply is corrected: it says so, when (UK time, said
    so to a reader whose clocks, `zone`, show another hour), and shows the corrected words in place of the mistake (a
    new card says so too, below)."""
    return card([
        plain_heading(strings.text("ask.reply_title", lang, name=replied_by)),
        *_your_question(strings, lang, question),
        plain_text(strings.text("ask.reply_was_corrected", lang, name=corrected_by,
                                when=when_read(strings, lang, corrected_at, zone)),
                   color="Attention"),
        text(strings.text("ask.corrected_reply", lang), weight="Bolder", size="Small"),
        user_text(reply)])


@dataclass(frozen=True)
class ReviewItem:
    """One line of the review list."""

    question: str
    asked_at: datetime
    unanswered: bool
    section: str = ""
    # Set when the person reading the list is the one to reply to it: a button opens it with its reply box.
    question_id: str = ""
    waiting: bool = False  # passed on, and nobody has replied yet
    # While it waits, the name of the one person who may reply (the policy owner) when that is not the reader.
    waiting_for: str = ""
    more_from_asker: int = 0  # on the last shown from someone: how many more they asked that the list leaves out
    replied_by: str = ""  # who replied to it, once someone has
    replied_at: datetime | None = None
    section_in_english: bool = False  # its section's heading has no Welsh: shown in English on a Welsh list
    correct_id: str = ""  # set when the person reading the list may correct its reply: a button opens the box
    listed_id: str = ""  # the question's id, which the list's Show more goes on after when it is the last shown


def _earlier(ids: Sequence[str]) -> dict[str, str]:
    """The review list's `earlier`: the ids of the questions the cards so far showed, space-separated (none: no
    field)."""
    return {"earlier": " ".join(ids)} if ids else {}


def headteacher_card(strings: Catalogue, lang: Lang, heads: Sequence[tuple[str, StaffContact]]) -> Card:
    """ "Who is the headteacher?": each school's (`heads`: the asker's own school, or every school when the staff list
    does not give theirs) as the federation's settings name them, with their address, and how to ask them through the
    bot."""
    body: list[Element] = [heading(strings.text("ask.headteacher_title", lang))]
    for school, head in heads:
        if head.email:
            said = strings.text("ask.headteacher_of_with_email", lang, school=school, name=head.name, email=head.email)
        else:
            said = strings.text("ask.headteacher_of", lang, school=school, name=head.name)
        body.append(plain_text(said))
    body.append(text(strings.text("ask.headteacher_how", lang)))
    return card(body, [execute(strings.text("button.permission", lang), VERB_PERMISSION_FORM, shown_in(lang))])


def questions_kept_card(strings: Catalogue, lang: Lang, *, owner: str, months: int) -> Card:
    """What the bot keeps of a question, who can read it and for how long: the school's policy owner and retention
    period (QUESTION_RETENTION_MONTHS) named."""
    period = (strings.text("ask.kept_one_month", lang) if months == 1
              else strings.text("ask.kept_months", lang, months=months))
    return notice_card(strings.text("ask.questions_kept", lang, owner=owner, period=period))


def review_card(strings: Catalogue, lang: Lang, items: Sequence[ReviewItem], *, left_out: int = 0, start: int = 0,
                before: str = "", notice: str = "", earlier: Sequence[str] = (), zone: str = "") -> Card:
    """Questions to consider at the policy's next review: those waiting for a reply first, then the newest, each
    passed-on one with who replied and when; how many more the list has after them, and Show more, which opens the
    next ones. `start`: the place of the first in the whole list, and `before`, the id of the one
    before it (a card Show more opened: it says which it shows). Teams asks for the list again whenever it is shown
    (from where the card begins), so a question replied to since (from its own card, a card the list opened) stops
    waiting. `notice`: why the list begins where it does (a Show more that found nothing after its last one).
    `earlier`: the ids of the questions the cards before it showed, which its refresh names, and its Show more with
    those it shows (`earlier`, space-separated), so the next card shows none of them again."""
    body: list[Element] = [heading(strings.text("ask.review_title", lang)),
                           text(strings.text("ask.review_intro", lang), subtle=True)]
    if notice:
        body.append(text(notice, weight="Bolder"))
    if not items:
        body.append(text(strings.text("ask.review_empty", lang)))
    here = {"after": before, "start": str(start), **_earlier(earlier), **shown_in(lang)} if start else {}
    refresh = {"action": execute(strings.text("button.review", lang), VERB_REVIEW, here)}
    total = start + len(items) + left_out

    def count(shown: int) -> list[Element]:
        return [text(strings.text("ask.review_count", lang, count=total, first=start + 1, last=start + shown),
                     subtle=True)] if start else []

    def more(on_card: Sequence[ReviewItem]) -> list[Element]:
        after = total - start - len(on_card)
        if not after:
            return []
        return [text(strings.text("ask.review_left_out", lang, count=after), subtle=True),
                action_set([execute(strings.text("list.show_more_questions", lang), VERB_REVIEW, {
                    "after": on_card[-1].listed_id, "start": str(start + len(on_card)),
                    **_earlier([*earlier, *(item.listed_id for item in on_card)]), **shown_in(lang)})])]

    entries: list[Element] = []
    listed_items: list[ReviewItem] = []
    for item in items:
        label = strings.text("ask.review_unanswered" if item.unanswered else "ask.review_not_helpful", lang)
        suffix = f" · {item.section}" if item.section and not item.unanswered else ""
        waiting = f" · {strings.text('ask.review_waiting', lang)}" if item.waiting else ""
        if item.waiting and item.waiting_for:
            waiting = f" · {strings.text('ask.review_waiting_for', lang, name=item.waiting_for)}"
        if item.replied_at is not None:
            waiting = " · " + strings.text("ask.review_replied", lang, name=item.replied_by,
                                           when=when_read(strings, lang, item.replied_at, zone))
        # The replier's display name comes from Teams: one cleaned TextRun keeps it from being read as markdown.
        # Numbered as the count above numbers them, so each Reply is named for its question in a screen reader's list
        # of buttons, which gives them without their rows.
        place = start + len(entries) + 1
        number = strings.text("ask.review_number", lang, n=place)
        shown = [plain_text(f"{number} · {when_read(strings, lang, item.asked_at, zone)} · {label}{suffix}{waiting}",
                            subtle=True, size="Small"),
                 user_text(item.question, limit=500)]
        if item.more_from_asker:
            asked_more = "ask.review_more_from_asker_one" if item.more_from_asker == 1 else "ask.review_more_from_asker"
            shown.append(text(strings.text(asked_more, lang, count=item.more_from_asker), subtle=True, size="Small"))
        if item.question_id:
            shown.append(action_set([execute(strings.text("ask.review_reply", lang, n=place), VERB_QUESTION,
                                             {"q": item.question_id})]))
        elif item.correct_id:
            shown.append(action_set([execute(strings.text("ask.review_correct", lang, n=place), VERB_CORRECT_REPLY,
                                             {"q": item.correct_id})]))
        entry = {"type": "Container", "separator": True, "items": shown}
        # Teams refuses a card over 28 KB: long questions take fewer places, and the rest come on Show more.
        fits = [*body, *count(len(entries) + 1), *entries, entry, *more([*listed_items, item])]
        if entries and card_bytes(card(fits) | {"refresh": refresh}) > MAX_CARD_BYTES:
            break
        entries.append(entry)
        listed_items.append(item)
    body += [*count(len(entries)), *entries]
    body += headings_in_english_note(strings, lang, any(i.section_in_english and i.section and not i.unanswered
                                                         for i in listed_items))
    if listed_items:
        body += more(listed_items)
    elif left_out:
        body.append(text(strings.text("ask.review_left_out", lang, count=left_out), subtle=True))
    listed = card(body)
    listed["refresh"] = refresh
    return listed
