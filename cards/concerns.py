"""Cards of the concern flow: the kind form, the receipt, the holder's card, the reporter's view, reminders, the
lists of the reports a person sent and of those they hold.

Everything a person typed, and every display name, is shown only as a cleaned TextRun (or an input's value or a
choice's title), so it can never render as markdown, a link or a mention on a card the bot wrote.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.domain.concerns import (
    LIMITS,
    About,
    ConcernReport,
    Doubt,
    Naming,
    Note,
    NoteKind,
    Pace,
    ReportKind,
    ReportState,
    Role,
    Route,
)
from bot.domain.people import Lang, Person, StaffContact
from bot.domain.text import clean_user_text, without_accents
from bot.policy.places import PolicyPlace
from bot.policy.welsh import welsh_sentences
from cards.answer import VERB_SECTION, goes_on_day, place_data, shown_in, when_read
from cards.common import VERB_CONCERN_FORM
from cards.elements import (
    MAX_CARD_BYTES,
    Card,
    Element,
    action_set,
    card,
    card_bytes,
    execute,
    heading,
    labelled,
    paged,
    plain_heading,
    plain_text,
    refused,
    sub_heading,
    text,
    user_text,
)
from cards.i18n import Catalogue

VERB_SUBMIT = "concern.submit"
VERB_ACKNOWLEDGE = "concern.acknowledge"
VERB_ESCALATE = "concern.escalate"
VERB_CLOSE = "concern.close"
VERB_REOPEN = "concern.reopen"
VERB_ADD = "concern.add"
VERB_SHOW = "concern.show"
VERB_MINE = "concern.mine"
VERB_HELD = "concern.held"
MAX_LISTED = 20  # reports on one list card
# A note or outcome too long for its box, shown in it again to shorten: whole when a client let a little too much
# through, cut when a forged press sent far more, so the card stays within Teams' 28 KB.
MAX_DRAFT = 3000
# Teams refuses a card over 28 KB; the empty form is under 3 KB, so the staff list may take this much (about 240
# people with typical names and emails). A form re-shown with long answers drops the list if it would not fit.
STAFF_LIST_BUDGET = 20_000


def _private(strings: Catalogue, lang: Lang, body: Sequence[Element], actions: Sequence[Element] = ()) -> Card:
    """A card of this flow. Its notification line, which a phone's lock screen shows to anyone near it, is the same
    for every one: nothing of the report, not even whose it is (as the messages the bot sends later)."""
    return card(body, actions, notification=strings.text("notify.private", lang))


def _role_phrase(strings: Catalogue, lang: Lang, contact: StaffContact, role: Role) -> str:
    return strings.text(f"concern.role.{role.value}", lang, name=contact.name)


def _chain_phrase(strings: Catalogue, lang: Lang, people: Sequence[tuple[StaffContact, Role]]) -> str:
    phrases = [_role_phrase(strings, lang, contact, role) for contact, role in people]
    joined = phrases[0]
    for phrase in phrases[1:]:
        joined = strings.text("concern.then", lang, first=joined, then=phrase)
    return joined


@dataclass(frozen=True)
class FormView:
    """What the form says and carries: who it goes to (in order, with their roles), and whose form it is."""

    chain: tuple[tuple[StaffContact, Role], ...]
    token: str
    kind: ReportKind = ReportKind.COLLEAGUE
    staff: tuple[tuple[str, str], ...] = ()  # (title, value) of each colleague on the staff list


DOUBT_HIGHER, DOUBT_NOT_THEM = "higher", "not"


def doubt_value(answer: str, contact: StaffContact, said: str = "") -> str:
    """The value of an answer to "who do you mean?" (`DOUBT_HIGHER`: it may be them, send it past them;
    `DOUBT_NOT_THEM`: it is not them), for the person asked about, and `said`, what she had written when asked
    (`said_key`): "it is not them" answers only those words, not any she writes after."""
    return f"{answer}:{contact.aad_object_id.lower()}" + (f":{said}" if said else "")


def said_key(typed: Sequence[str]) -> str:
    """A short key of everything the reporter wrote (`Subject.typed`), for an answer to be about those words only."""
    return hashlib.sha256("\x1f".join(typed).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class DoubtAsked:
    """Asked on the form before anything is sent: words of hers (`words`) may mean `person`, whom it would go to
    first (`why`: how they may), so it would go to `instead`, unless she says they do not."""

    person: StaffContact
    words: str
    why: Route
    instead: StaffContact
    said: str = ""  # `said_key` of what she had written when asked
    # How her words may mean them, when `person` is the headteacher, who would hold it first in the line manager's
    # place (the words are then said to be the headteacher's, not her line manager's); None for a line manager.
    head_doubt: Doubt | None = None
    # Whom it goes to if she says they are not meant (nor anyone she would be asked about next), when known.
    then: StaffContact | None = None


_DOUBT_SENTENCES = {Route.MANAGER_UNNAMED: "concern.doubt.unnamed", Route.MANAGER_NEAR_NAME: "concern.doubt.near_name",
                    Route.MANAGER_POST_UNCLEAR: "concern.doubt.post",
                    Route.MANAGER_NAME_SHARED: "concern.doubt.name_shared",
                    Route.HEAD_MAY_BE_MANAGER: "concern.doubt.head"}
# The reporter's own notes, said to her on her own view.
_HERS = frozenset({NoteKind.ADDED, NoteKind.NOT_RESOLVED})
# The same, of the headteacher, who would hold it first in the line manager's place.
_HEAD_DOUBT_SENTENCES = {Doubt.UNNAMED: "concern.doubt.head_unnamed", Doubt.NEAR_NAME: "concern.doubt.head_near_name",
                         Doubt.NAME_SHARED: "concern.doubt.head_name_shared", Doubt.POST: "concern.doubt.head",
                         Doubt.BOSS: "concern.doubt.head_boss"}


def _doubt_asked(strings: Catalogue, lang: Lang, asked: DoubtAsked, given: str) -> Element:
    """Who her words may mean, and the choice: send it past them (the default), or to them."""
    person, instead = asked.person.name, asked.instead.name
    choices = [(strings.text("concern.doubt.higher", lang, manager=person, name=instead),
                doubt_value(DOUBT_HIGHER, asked.person, asked.said)),
               (strings.text("concern.doubt.not_them", lang, manager=person)
                if asked.then is None or asked.then.aad_object_id == asked.person.aad_object_id else
                strings.text("concern.doubt.not_them_to", lang, manager=person, name=asked.then.name),
                doubt_value(DOUBT_NOT_THEM, asked.person, asked.said))]
    chosen = given if given in {value for _, value in choices} else choices[0][1]
    return {"type": "Container", "style": "warning", "items": [
        plain_text(strings.text(_HEAD_DOUBT_SENTENCES[asked.head_doubt] if asked.head_doubt in _HEAD_DOUBT_SENTENCES
                                else _DOUBT_SENTENCES.get(asked.why, "concern.doubt.post"), lang, words=asked.words,
                                manager=person)),
        plain_text(strings.text("concern.doubt.ask", lang)),
        {"type": "Input.ChoiceSet", "id": "doubt", "label": strings.text("concern.doubt.label", lang),
         "style": "expanded",
         "choices": [{"title": title, "value": value} for title, value in choices], "value": chosen}]}


def findable(name: str) -> str:
    """A colleague's name as the report form lists it. Teams filters the list by the letters typed as they are, so
    "sian" never finds "Siân": a name with accents is followed by its words without them, from the first accented one
    ("Mrs Siân Roberts (Sian Roberts)"); any other name is listed as it is."""
    words = name.split(" ")
    first = next((at for at, word in enumerate(words) if without_accents(word) != word), None)
    if first is None:
        return name
    return f"{name} ({without_accents(' '.join(words[first:]))})"


def staff_choices(members: Sequence[tuple[str, str]], budget: int = STAFF_LIST_BUDGET, *,
                  addresses: Mapping[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """The staff list as (title, value) choices sorted by name, each findable by its name typed without accents (and
    with their address, from `addresses` by value, else the value itself, when someone else has the same name), or
    nothing when it does not fit in `budget` bytes of card (a list cut short would silently leave people out)."""
    titled = [(findable(clean_user_text(title, limit=100)), value) for title, value in members]
    # Two people of one name are told apart by their address: listed alike, a reporter meaning one could pick the other.
    names = Counter(title.casefold() for title, _ in titled)
    address = addresses or {}
    told_apart = [(f"{title} ({address.get(value, value)})" if names[title.casefold()] > 1 else title, value)
                  for title, value in titled]
    chosen = sorted(told_apart, key=lambda choice: choice[0].casefold())
    # Counted escaped, as any serializer may write it, with the comma and space between choices.
    used = sum(len(json.dumps({"title": title, "value": value}).encode()) + 2 for title, value in chosen)
    return tuple(chosen) if used <= budget else ()


def form_card(strings: Catalogue, lang: Lang, view: FormView, *, values: Mapping[str, Any] | None = None,
              error: str = "", notice: str = "", asked: DoubtAsked | None = None,
              errors: Mapping[str, str] | None = None, answered: Sequence[str] = ()) -> Card:
    """The short, kind form; it says plainly who will see the report, in order, and that nobody named will; `asked`:
    what she is asked before it is sent, when words of hers may mean whoever it would go to first; `error`: why it was
    not sent, at its foot; `errors`: what is wrong with a box, by its id, under the box and in its label."""
    given = values or {}
    problems = errors or {}
    outside = view.kind is ReportKind.NOT_COLLEAGUE

    def value(key: str) -> str:
        raw = given.get(key)
        return clean_user_text(raw, limit=LIMITS.get(key, 300)) if isinstance(raw, str) else ""

    def field(key: str, *, multiline: bool = False, required: bool = False) -> list[Element]:
        label = strings.text(f"concern.field.{key}_outside" if outside and key == "who" else f"concern.field.{key}",
                             lang)
        element: Element = {"type": "Input.Text", "id": key, "label": label, "isMultiline": multiline,
                            "maxLength": LIMITS[key], "isRequired": required}
        if required:
            element["errorMessage"] = strings.text("concern.required", lang)
        if value(key):
            element["value"] = value(key)
        return refused(element, problems[key]) if problems.get(key) else [element]

    def toggle(key: str, title: str, *, label: str = "") -> Element:
        element: Element = {"type": "Input.Toggle", "id": key, "title": title, "valueOn": "true", "valueOff": "false",
                            "value": "true" if value(key) == "true" else "false", "wrap": True}
        if label:
            element["label"] = label
        return element

    first, first_role = view.chain[0]
    who_sees = (strings.text("concern.who_sees", lang, first=_role_phrase(strings, lang, first, first_role),
                             first_name=first.name, rest=_chain_phrase(strings, lang, view.chain[1:]))
                if len(view.chain) > 1 else
                strings.text("concern.who_sees_only", lang, first=_role_phrase(strings, lang, first, first_role)))
    roles_after = {role for _, role in view.chain[1:]}
    if Role.CHAIR in roles_after and (Role.HEADTEACHER in roles_after or first_role is Role.HEADTEACHER):
        who_sees += " " + strings.text("concern.who_sees_head", lang)
    body: list[Element] = [heading(strings.text("concern.outside_form_title" if outside else "concern.form_title",
                                                lang)),
                           text(strings.text("concern.outside_form_intro" if outside else "concern.form_intro", lang)),
                           {"type": "Container", "style": "emphasis", "items": [plain_text(who_sees)]}]
    if not outside:
        specials = [(strings.text(f"concern.about.{about.value}", lang), about.value) for about in About]
        body.append({"type": "Input.ChoiceSet", "id": "about", "label": strings.text("concern.field.about", lang),
                     "style": "filtered", "placeholder": strings.text("concern.about_placeholder", lang),
                     "choices": [{"title": title, "value": choice} for title, choice in (*specials, *view.staff)],
                     **({"value": value("about")} if value("about") else {})})
        if first_role is Role.LINE_MANAGER:
            body.append(toggle("involves_manager", strings.text("concern.field.involves_manager_yes", lang),
                               label=_named(strings.text("concern.field.involves_manager", lang, name=first.name))))
    body += [*field("what", multiline=True, required=True), *field("since"), *field("where"), *field("who"),
             *field("evidence", multiline=True), toggle("meeting", strings.text("concern.field.meeting", lang)),
             toggle("urgent", strings.text("concern.field.urgent", lang))]
    if asked is not None:
        body.append(_doubt_asked(strings, lang, asked, value("doubt")))
    if notice:
        body.append({"type": "Container", "style": "warning", "items": [plain_text(notice)]})
    if error:
        body.append({"type": "TextBlock", "text": error, "color": "Attention", "wrap": True})
    data = {"form": view.token, "kind": view.kind.value, **shown_in(lang)}  # answered in the form's language
    # Whom the form says it goes to (object ids, in order): Send sends nothing if that has changed since.
    data["goes_to"] = " ".join(contact.aad_object_id.lower() for contact, _ in view.chain)
    if answered:  # what she said of anyone asked about before on this form (`doubt_value`s), so she is not asked again
        data["answered"] = " ".join(answered)
    form = _private(strings, lang, body, [execute(strings.text("concern.submit", lang), VERB_SUBMIT, data,
                                                  style="positive", associated_inputs="auto")])
    if card_bytes(form) > MAX_CARD_BYTES and view.staff:
        return form_card(strings, lang, replace(view, staff=()), values=values, error=error, notice=notice,
                         asked=asked, answered=answered)
    return form


def not_colleague_card(strings: Catalogue, lang: Lang, *, guidance: PolicyPlace | None, what: str = "") -> Card:
    """Someone who isn't a colleague: what the policy's route covers, and what can be done instead. `what` (the
    person's own words, on their private card) goes with the form buttons, so the form opens with it filled in; the
    guidance opens at its passage (the one on offensive comments), not at the top of its long section. Each opens in
    this card's language."""
    typed = {"what": clean_user_text(what, limit=LIMITS["what"])} if what.strip() else {}
    typed |= shown_in(lang)
    # A button a row: Teams never wraps a row, and three in one (two, in Welsh, on a phone) were cut short.
    buttons = [execute(strings.text("concern.tell_head", lang), VERB_CONCERN_FORM,
                       {"kind": ReportKind.NOT_COLLEAGUE.value, **typed}, style="positive")]
    if guidance is not None:
        buttons.append(execute(strings.text("concern.read_guidance", lang), VERB_SECTION,
                               place_data(guidance) | shown_in(lang)))
    buttons.append(execute(strings.text("concern.it_is_a_colleague", lang), VERB_CONCERN_FORM, typed))
    return _private(strings, lang, [heading(strings.text("concern.not_colleague_title", lang)),
                 text(strings.text("concern.not_colleague_body", lang)),
                 text(strings.text("concern.not_colleague_offer", lang)), *(action_set([b]) for b in buttons)])


def nobody_card(strings: Catalogue, lang: Lang, *, no_chair: bool = False) -> Card:
    """Everyone the report could go to is named in it (or, `no_chair`, it could only go to a chair of governors the
    settings do not name): it is not sent, and the person is told why and where else to go."""
    if no_chair:
        return _private(strings, lang, [heading(strings.text("concern.no_chair_title", lang)),
                     text(strings.text("concern.no_chair_body", lang))])
    return _private(strings, lang, [heading(strings.text("concern.nobody_title", lang)),
                                    text(strings.text("concern.nobody_body", lang))])


def _why(strings: Catalogue, lang: Lang, report: ConcernReport, left: Mapping[str, tuple[StaffContact, Naming]]) -> str:
    """Why the report went to its holder; where words of hers may be someone it was kept from, those words (`left`:
    who was left out, and how the report may be about them, by object id)."""
    holder, involved = report.holder.name, report.involved_manager
    manager = left.get(involved.aad_object_id) if involved is not None else None
    doubted = (Route.MANAGER_NEAR_NAME, Route.MANAGER_POST_UNCLEAR, Route.MANAGER_UNNAMED, Route.MANAGER_NAME_SHARED)
    if report.route in doubted and manager is not None and manager[1].words:
        return strings.text(f"concern.why.{report.route.value}", lang, word=manager[1].words, words=manager[1].words,
                            manager=manager[0].name, name=holder)
    head = next((found for found in left.values() if found[1].doubt is Doubt.POST), None)
    if report.route is Route.HEAD_MAY_BE_MANAGER and head is not None:
        return strings.text("concern.why.head_may_be_manager", lang, words=head[1].words, head=head[0].name,
                            name=holder)
    route = {Route.HEAD_MAY_BE_MANAGER: Route.ABOUT_HEAD}.get(
        report.route, Route.MANAGER_INVOLVED if report.route in doubted else report.route)
    return strings.text(f"concern.why.{route.value}", lang, name=holder)


def receipt_card(strings: Catalogue, lang: Lang, report: ConcernReport, roles: Sequence[Role],
                 *, passed_up_at: datetime | None, passed_up_goes: datetime | None = None,
                 left_out: Sequence[StaffContact] = (),
                 namings: Sequence[Naming] = (), holder_has_opened: bool = True,
                 past_cleared: Sequence[tuple[StaffContact, Naming]] = (), zone: str = "") -> Card:
    """What the reporter sees once it is sent: a reference, who has it and why (and that it waits for them, when they
    have never opened the bot), who else could and the day it goes on to them if nobody acknowledges it (`passed_up_at`;
    the hour it reaches them, `passed_up_goes`, when that waits for school hours: UK time, said so to a reader whose
    clocks, `zone`, show another hour), who never will (`left_out`, and how
    the report may be about each: `namings`, in their order; and `past_cleared`, those she said it is not about whom it
    still goes past if it moves on, with the words)."""
    holder = report.holder
    why = dict(zip((c.aad_object_id for c in left_out), namings, strict=False))
    left = {c.aad_object_id: (c, n) for c, n in zip(left_out, namings, strict=False)}
    body = [heading(strings.text("concern.receipt_title", lang, ref=report.reference)),
            plain_text(strings.text("concern.receipt_to", lang, name=holder.name), weight="Bolder"),
            plain_text(_why(strings, lang, report, left))]
    if not holder_has_opened:
        key = "concern.receipt_not_opened" if report.next_up is not None else "concern.receipt_not_opened_last"
        body.append(plain_text(strings.text(key, lang, name=holder.name, ref=report.reference), weight="Bolder"))
    if report.next_up is not None:
        rest = list(zip(report.chain, roles, strict=True))[report.level + 1:]
        body.append(plain_text(strings.text("concern.receipt_further", lang,
                                            rest=_chain_phrase(strings, lang, rest))))
    if report.next_up is not None and passed_up_at is not None:
        # There is no acting line manager: a reporter whose manager is away should know it does not wait for him, and
        # when it goes on (after the school holidays, for one sent on the last day of term).
        key = "concern.receipt_unacknowledged" + ("_urgent" if report.pace is Pace.URGENT else "")
        body.append(plain_text(strings.text(key, lang, holder=holder.name, name=report.next_up.name,
                                            on_day=goes_on_day(strings, lang, passed_up_at, passed_up_goes,
                                                               zone=zone))))
    for person in left_out:
        naming = why.get(person.aad_object_id)
        near = naming is not None and naming.doubt is Doubt.NEAR_NAME and naming.words and not (
            report.involved_manager is not None and person.aad_object_id == report.involved_manager.aad_object_id)
        # Words that may mean the headteacher, asked about before it was sent ("Miss"), are quoted as a near name is.
        maybe = naming is not None and naming.doubt in {Doubt.UNNAMED, Doubt.NAME_SHARED} and naming.words and not (
            report.involved_manager is not None and person.aad_object_id == report.involved_manager.aad_object_id)
        if near and naming is not None:
            said = strings.text("concern.receipt_left_out_near", lang, name=person.name, word=naming.words)
        elif maybe and naming is not None:
            said = strings.text("concern.receipt_left_out_maybe", lang, name=person.name, word=naming.words)
        else:
            said = strings.text("concern.receipt_left_out", lang, name=person.name)
        body.append(plain_text(said, weight="Bolder"))
    for person, naming in past_cleared:
        key = "concern.receipt_past_cleared" if naming.words else "concern.receipt_left_out"
        body.append(plain_text(strings.text(key, lang, name=person.name, word=naming.words), weight="Bolder"))
    body.append(text(strings.text("concern.receipt_next", lang, ref=report.reference), subtle=True))
    return _private(strings, lang, body, [execute(strings.text("concern.my_reports", lang), VERB_MINE)])


def _note_label(strings: Catalogue, lang: Lang, note: Note, report: ConcernReport, *, yours: bool = False,
                zone: str = "") -> str:
    """What a note is, when it was written (UK time, said so to a reader whose clocks, `zone`, show another hour) and
    by whom: a holder's note (passing it on, or the outcome) is written by whoever held it at its level (the chain
    before the holder never changes); the reporter's names nobody, and on her own view (`yours`) is said to her."""
    name = report.chain[note.level].name if note.level < len(report.chain) else ""
    if note.kind in _HERS:
        if yours:
            return strings.text(f"concern.note_yours.{note.kind.value}", lang,
                                when=when_read(strings, lang, note.at, zone))
        if note.kind is NoteKind.ADDED:
            name = report.reporter.name
    return strings.text(f"concern.note.{note.kind.value}", lang, when=when_read(strings, lang, note.at, zone),
                        name=name)


def _notes(strings: Catalogue, lang: Lang, notes: Sequence[Note], report: ConcernReport, *,
           yours: bool = False, zone: str = "") -> list[Element]:
    rows: list[Element] = []
    for note in notes:
        rows += [plain_text(_note_label(strings, lang, note, report, yours=yours, zone=zone), weight="Bolder",
                            size="Small"),
                 user_text(note.text, limit=LIMITS["note"])]
    return rows


def _state(strings: Catalogue, lang: Lang, report: ConcernReport, viewer: Person | None = None, zone: str = ""
           ) -> Element:
    """Where the report is, said to the one who holds it as "you" (since when: UK time, said so to a reader whose
    clocks, `zone`, show another hour)."""
    moment = {ReportState.OPEN: report.submitted_at, ReportState.ACKNOWLEDGED: report.acknowledged_at,
              ReportState.ESCALATED: report.escalated_at, ReportState.CLOSED: report.closed_at}[report.state]
    key = "concern.state_yours" if viewer is not None and report.handled_by(viewer) else "concern.state"
    return plain_text(strings.text(f"{key}.{report.state.value}", lang, when=when_read(strings, lang, moment, zone),
                                   name=report.holder.name), weight="Bolder")


def _pace(strings: Catalogue, lang: Lang, report: ConcernReport) -> list[Element]:
    """How soon the report is chased if nobody acknowledges it: urgent (one working day) or normal (two). Once
    acknowledged or closed nothing is chased, so an urgent report only says it was marked urgent, a normal one
    nothing."""
    urgent = report.pace is Pace.URGENT
    if report.is_settled or report.acknowledged_at is not None:
        return [text(strings.text("concern.pace_marked.urgent", lang), size="Small")] if urgent else []
    return [text(strings.text(f"concern.pace.{report.pace.value}", lang), size="Small",
                 color="Attention" if urgent else "Default", weight="Bolder" if urgent else "Default")]


def _about(strings: Catalogue, lang: Lang, report: ConcernReport, *, yours: bool = False) -> list[Element]:
    """Whom she said it is about, said to the holder, or to her on her own view (`yours`)."""
    rows: list[Element] = []
    if report.about in {a.value for a in About}:
        # Not the form's words ("Someone else (not on this list)"): the holder never saw its list.
        key = "concern.about_yours" if yours and report.about != About.NOT_COLLEAGUE else "concern.about_shown"
        rows.append(labelled(strings.text("concern.label.about", lang), strings.text(f"{key}.{report.about}", lang)))
    elif report.about_name:
        rows.append(labelled(strings.text("concern.label.about", lang), report.about_name, limit=100))
    if report.involves_manager:
        key = "concern.flag.involves_your_manager" if yours else "concern.flag.involves_manager"
        rows.append(text(strings.text(key, lang), weight="Bolder"))
    return rows


def _details(strings: Catalogue, lang: Lang, report: ConcernReport, viewer: Person, zone: str = "") -> list[Element]:
    return [*_words(strings, lang, report, submitted=True, zone=zone),
            *_notes(strings, lang, report.notes_for(viewer), report, zone=zone)]


def _words(strings: Catalogue, lang: Lang, report: ConcernReport, *, submitted: bool = False,
           yours: bool = False, zone: str = "") -> list[Element]:
    """What the reporter wrote on the form, and whom she picked (`submitted`: when it was sent, after what happened;
    `yours`: on her own view, said to her)."""
    rows: list[Element] = [user_text(report.what, limit=LIMITS["what"])]
    if submitted:
        rows.append(labelled(strings.text("concern.label.submitted", lang),
                             when_read(strings, lang, report.submitted_at, zone)))
    for key, value in (("since", report.since), ("where", report.where), ("who", report.who)):
        if value:
            rows.append(labelled(strings.text(f"concern.label.{key}", lang), value, limit=LIMITS[key]))
    rows += _about(strings, lang, report, yours=yours)
    if report.evidence:
        rows += [text(strings.text("concern.label.evidence", lang), weight="Bolder", size="Small"),
                 user_text(report.evidence, limit=LIMITS["evidence"])]
    return rows


def _flags(strings: Catalogue, lang: Lang, report: ConcernReport) -> list[Element]:
    """What the reporter asked for besides reading it (urgent, a meeting): read before a description of any length."""
    rows: list[Element] = []
    if report.urgent:
        rows.append({"type": "TextBlock", "text": strings.text("concern.flag.urgent", lang), "color": "Attention",
                     "weight": "Bolder", "wrap": True})
    if report.wants_meeting:
        rows.append(text(strings.text("concern.flag.meeting", lang), weight="Bolder"))
    return rows


def _holder_next(report: ConcernReport) -> str:
    """What the holder is asked to do now: acknowledge it, deal with it, or nothing (closed)."""
    if report.is_settled:
        return "concern.holder_next.closed"
    return "concern.holder_next.acknowledge" if report.acknowledged_at is None else "concern.holder_next.acknowledged"


def _passed_over(report: ConcernReport, viewer: Person) -> list[StaffContact]:
    """The holders the reporter's additions took the report past, as they may be about them, that `viewer` may know of
    (those below them, who read those additions): each never has it again, and should not be told of it."""
    return [report.chain[note.level - 1] for note in report.notes_for(viewer)
            if note.kind is NoteKind.ADDED and note.passed_over and 0 < note.level <= len(report.chain)]


def _written_in(report: ConcernReport) -> Lang | None:
    """The language the reporter wrote the report in, when her words and the form she sent it on agree (a report kept
    before the form's language was has only her words): a holder reading the bot in the other language is told, so
    that he need not find a translation elsewhere, and can talk to her in it."""
    written = Lang.CY if welsh_sentences(report.what) else Lang.EN
    return written if report.lang in {None, written} else None


def _named(sentence: str) -> str:
    """A sentence naming someone, for an input's label: the renderer draws a label as typed (a tick box's title is
    drawn as markdown, so a name never goes there), and cleaning takes out what a card never shows."""
    return clean_user_text(sentence, limit=400)


def _typed(draft: str) -> dict[str, str]:
    """A box's value: what the person typed in it, to go on from (none when they typed nothing)."""
    value = clean_user_text(draft, limit=MAX_DRAFT)
    return {"value": value} if value else {}


@dataclass(frozen=True)
class Asked:
    """A holder's note may name or describe the next person up (`named`): whom to pass the report to, that person or
    `after` (the next person the note does not name; None when there is nobody), with the note as written."""

    named: StaffContact
    after: StaffContact | None
    note: str


def _escalation(strings: Catalogue, lang: Lang, report: ConcernReport, asked: Asked | None,
                draft: str = "") -> Element:
    """Escalate, with a note for the next person up (`draft`: what they typed in it, shown in it again); once asked,
    whom to: past the person the note names, or to them anyway (each button sends who, `to`, with the note)."""
    data = {"ref": report.reference}
    next_name = report.next_up.name if report.next_up else ""
    note: Element = {"type": "Input.Text", "id": "note", "isMultiline": True, "maxLength": LIMITS["note"],
                     "label": strings.text("concern.note_label", lang, name=next_name), **_typed(draft)}
    if asked is None:
        return {"type": "Container", "separator": True, "spacing": "Medium", "items": [
            plain_text(strings.text("concern.escalate_offer", lang, name=next_name)), note,
            action_set([execute(strings.text("concern.escalate", lang), VERB_ESCALATE, data,
                                associated_inputs="auto")])]}
    if asked.note:
        note["value"] = clean_user_text(asked.note, limit=LIMITS["note"])
    named = asked.named.name
    said = strings.text("concern.note_names_next", lang, named=named, after=asked.after.name) if asked.after else \
        strings.text("concern.note_names_last", lang, named=named)
    buttons = ([execute(strings.text("concern.send_higher", lang), VERB_ESCALATE,
                        {**data, "to": asked.after.aad_object_id}, style="positive", associated_inputs="auto")]
               if asked.after else [])
    buttons.append(execute(strings.text("concern.escalate_anyway", lang), VERB_ESCALATE,
                           {**data, "to": asked.named.aad_object_id}, associated_inputs="auto"))
    # A button a row: the two did not fit a phone's width side by side in Welsh.
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": [
        {"type": "Container", "style": "warning", "items": [plain_text(said)]}, note,
        *(action_set([button]) for button in buttons)]}


def holder_card(strings: Catalogue, lang: Lang, report: ConcernReport, viewer: Person, *, reminder: bool = False,
                passed_up_at: datetime | None = None, passed_up_goes: datetime | None = None,
                closing: bool = False, error: str = "",
                notice: str = "", draft: str = "", asked: Asked | None = None, news: str = "", zone: str = "") -> Card:
    """The private card of whoever holds (or held) the report: only what `viewer` may read, and what they can do now.
    `closing` shows the outcome box that closing needs; a `reminder` says the day it is passed up (`passed_up_at`; with
    the hour it reaches the next person, `passed_up_goes`, when that waits for school hours); `draft`, what they typed
    in the outcome box (when closing) or the note box, shown in it again; `asked`, whom to pass it to, as their note may
    name the next person up; `news`, what is new on a card sent again (the reporter added to it), said under its title,
    where a card whose title is the first one's is read from. Its times are UK time, said so to a reader whose clocks,
    `zone`, show another hour (a line manager at a conference in Canada)."""
    reporter, holder = report.reporter.name, report.holder.name
    kind = "outside" if report.kind is ReportKind.NOT_COLLEAGUE else "colleague"
    if not report.handled_by(viewer):  # someone who held it before: it has gone from them to `holder`
        body: list[Element] = [
            plain_heading(strings.text("concern.passed_on_title", lang, ref=report.reference, name=reporter,
                                       holder=holder)),
            plain_text(strings.text("concern.passed_on_closed" if report.is_settled else "concern.passed_on", lang,
                                    holder=holder))]
    else:
        title_key = "concern.reminder_title" if reminder else (
            "concern.escalated_title" if report.level > 0 else "concern.manager_title")
        body = [plain_heading(strings.text(title_key, lang, ref=report.reference, name=reporter))]
        if news:
            body.append({"type": "Container", "style": "accent", "items": [plain_text(news, weight="Bolder")]})
        if reminder and report.next_up is not None and passed_up_at is not None:
            key = "concern.reminder_body" + ("_urgent" if report.pace is Pace.URGENT else "")
            body.append({"type": "Container", "style": "warning", "items": [plain_text(strings.text(
                key, lang, name=report.next_up.name,
                on_day=goes_on_day(strings, lang, passed_up_at, passed_up_goes, zone=zone)))]})
        # Past the first holder it came from whoever had it, not from her, as its title says.
        intro = "concern.holder_intro_passed" if report.level > 0 else "concern.holder_intro"
        body.append(plain_text(f"{strings.text(f'{intro}.{kind}', lang, name=reporter)} "
                               f"{strings.text(_holder_next(report), lang)}"))
        if report.level in report.passed_up and report.handled_by(viewer):
            # Passed up by the reminder task: why it came to them (the one before did not acknowledge it in time).
            body.append(plain_text(strings.text("concern.holder_passed_up", lang,
                                                name=report.chain[report.level - 1].name)))
        if report.involved_manager is not None:
            # Passed over for being named, described or ticked: whoever has it instead should know not to pass it on
            # to him, or talk it over with him.
            body.append(plain_text(strings.text("concern.holder_instead_of_manager", lang,
                                                manager=report.involved_manager.name), weight="Bolder"))
        for passed in _passed_over(report, viewer):
            body.append(plain_text(strings.text("concern.holder_past_named_holder", lang, name=passed.name,
                                                reporter=reporter), weight="Bolder"))
        if report.route in {Route.ABOUT_HEAD, Route.HEAD_MAY_BE_MANAGER}:
            # Sent to the governors because it may be about the head: the chair should not take it up with her.
            body.append(plain_text(strings.text("concern.holder_instead_of_head", lang), weight="Bolder"))
        if (written := _written_in(report)) is not None and written is not lang:
            body.append(plain_text(strings.text(f"concern.written_in.{written.value}", lang, name=reporter)))
    body += [_state(strings, lang, report, viewer, zone), *_flags(strings, lang, report),
             *_details(strings, lang, report, viewer, zone)]
    if notice:
        body.append({"type": "Container", "style": "warning", "items": [plain_text(notice)]})
    data = {"ref": report.reference}
    # Teams never wraps a row of buttons, so no row has more than two, and the next holder's name is in the
    # sentence above Escalate, not in its title, where it was cut off.
    actions: list[Element] = []
    if report.can_act(viewer) and closing:
        # Whatever `error` says is about the outcome box (left empty, or too long): said under it and at it.
        outcome: Element = {"type": "Input.Text", "id": "outcome", "isMultiline": True, "maxLength": LIMITS["outcome"],
                            "isRequired": True, "label": strings.text("concern.outcome_label", lang),
                            "errorMessage": strings.text("concern.outcome_required", lang), **_typed(draft)}
        body += [*(refused(outcome, error) if error else [outcome]),
                 {"type": "Input.Toggle", "id": "share_outcome", "valueOn": "true", "valueOff": "false",
                  "value": "false", "wrap": True, "title": strings.text("concern.share_outcome_yes", lang),
                  "label": _named(strings.text("concern.share_outcome", lang, name=reporter))}]
        actions = [execute(strings.text("concern.close_confirm", lang), VERB_CLOSE, data, style="destructive",
                           associated_inputs="auto"),
                   execute(strings.text("concern.close_cancel", lang), VERB_SHOW, data)]
    elif report.can_act(viewer):
        row = [execute(strings.text("concern.acknowledge", lang), VERB_ACKNOWLEDGE, data, style="positive")] \
            if report.acknowledged_at is None else []
        body.append(action_set([*row, execute(strings.text("concern.close", lang), VERB_CLOSE, data)]))
        if report.next_up is not None:
            body.append(_escalation(strings, lang, report, asked, draft))
        body.append(text(strings.text("concern.held_hint", lang), subtle=True))
    return _private(strings, lang, body, actions)


def reporter_card(strings: Catalogue, lang: Lang, report: ConcernReport, *, title_key: str = "concern.yours_title",
                  notice: str = "", draft: str = "", zone: str = "") -> Card:
    """The reporter's own view: status, who holds it, dates, what she sent and added, an outcome shared with them; while
    it is open, a box to add to it, and (once, after closing) "this isn't resolved" (`draft`: what they typed in the
    note box, shown in it again). Its times as `holder_card` says them (`zone`)."""
    reporter = report.reporter
    body: list[Element] = [heading(strings.text(title_key, lang, ref=report.reference)),
                           labelled(strings.text("concern.label.submitted", lang),
                                    when_read(strings, lang, report.submitted_at, zone)),
                           _state(strings, lang, report, zone=zone)]
    if report.reopened_at is not None:
        body.append(labelled(strings.text("concern.label.reopened", lang),
                             when_read(strings, lang, report.reopened_at, zone)))
    # Her own words, and what she added since, so she can check what she sent without asking anyone.
    body += [sub_heading(strings.text("concern.yours_words", lang)), *_words(strings, lang, report, yours=True),
             *_notes(strings, lang, report.notes_for(reporter), report, yours=True, zone=zone)]
    if notice:
        body.append({"type": "Container", "style": "warning", "items": [plain_text(notice)]})
    actions: list[Element] = []
    if not report.is_settled:
        body += [plain_text(strings.text("concern.add_explained", lang, name=report.holder.name)),
                 {"type": "Input.Text", "id": "note", "isMultiline": True, "maxLength": LIMITS["note"],
                  "label": strings.text("concern.add_label", lang), **_typed(draft)}]
        actions.append(execute(strings.text("concern.add", lang), VERB_ADD, {"ref": report.reference},
                               associated_inputs="auto"))
    if report.can_reopen and report.next_up is not None:
        name = report.next_up.name
        body += [plain_text(strings.text("concern.reopen_explained", lang, name=name)),
                 {"type": "Input.Text", "id": "note", "isMultiline": True, "maxLength": LIMITS["note"],
                  "label": strings.text("concern.reopen_note_label", lang, name=name), **_typed(draft)}]
        actions.append(execute(strings.text("concern.reopen", lang), VERB_REOPEN, {"ref": report.reference},
                               associated_inputs="auto"))
    elif report.is_settled and report.next_up is None:
        body.append(plain_text(strings.text("concern.last_person", lang, name=report.holder.name), subtle=True))
    actions.append(execute(strings.text("concern.my_reports", lang), VERB_MINE))
    return _private(strings, lang, body, actions)


def my_reports_card(strings: Catalogue, lang: Lang, reports: Sequence[ConcernReport], *, start: int = 0,
                    notice: str = "", holding: bool = False, zone: str = "") -> Card:
    """The reporter's list, newest first: each report's reference, date, status, holder and pace (never its text or
    notes). From the `start`th, as many as fit (`MAX_LISTED` at most); when there are more, how many, and Show more,
    which goes on after the last one shown (older). `notice`: why the list begins where it does (a Show more that found
    nothing after the last one it showed). `holding`: they hold open reports sent to them, which are not on it (a line
    manager typing "my reports" for those), so it says where those are, with a button to them."""
    # With none, the same button the welcome and help cards have.
    empty = [text(strings.text("concern.mine_empty", lang)),
             action_set([execute(strings.text("button.concern", lang), VERB_CONCERN_FORM)])]
    listed = _report_list(strings, lang, reports, title="concern.mine_title", count="concern.mine_count", empty=empty,
                          more=lambda place, last: _show_more(strings, lang, VERB_MINE, place, last),
                          start=start, notice=notice, zone=zone)
    if holding:
        listed["body"].insert(1, {"type": "Container", "style": "emphasis", "items": [
            text(strings.text("concern.mine_held", lang), weight="Bolder"),
            action_set([execute(strings.text("concern.reports_for_me", lang), VERB_HELD)])]})
    return listed


def held_reports_card(strings: Catalogue, lang: Lang, reports: Sequence[ConcernReport], viewer: Person, *,
                      start: int = 0, notice: str = "", zone: str = "") -> Card:
    """The reports `viewer` holds, open ones only, those waiting for them to acknowledge first, then oldest first: each
    one's reference, when it was sent, whom from (as their own card of it names her: this list goes to them alone),
    its state as their own card says it, its pace, and Show (their card of it). Never its text. Paged as
    `my_reports_card`; Show more also says whether the last one shown was still waiting (`waiting`), where the list
    goes on after it though it was acknowledged since."""
    def more(place: int, last: ConcernReport) -> Element:
        waiting = {"waiting": "true" if last.acknowledged_at is None else "false"}
        return _show_more(strings, lang, VERB_HELD, place, last, waiting)

    return _report_list(strings, lang, reports, title="concern.held_title", count="concern.held_count",
                        empty=[text(strings.text("concern.held_empty", lang))], viewer=viewer, more=more, start=start,
                        notice=notice, whose=True, zone=zone)


def _report_list(strings: Catalogue, lang: Lang, reports: Sequence[ConcernReport], *, title: str, count: str,
                 empty: list[Element], more: Callable[[int, ConcernReport], Element], viewer: Person | None = None,
                 start: int = 0, notice: str = "", whose: bool = False, zone: str = "") -> Card:
    """A list of reports (each its reference, date, `whose`: its reporter, state as `viewer` reads it, pace, and Show)
    from the `start`th, as many as fit (`MAX_LISTED` at most); past that, how many there are (`count`) and `more` below
    the last one shown. Times as `holder_card` says them (`zone`)."""
    body: list[Element] = [heading(strings.text(title, lang))]
    if notice:
        body.append(text(notice, weight="Bolder"))
    if not reports:
        body += empty
    def entry(report: ConcernReport) -> Element:
        return {"type": "Container", "separator": True, "items": [
            sub_heading(strings.text("concern.mine_row", lang, ref=report.reference,
                                     when=when_read(strings, lang, report.submitted_at, zone))),
            *([plain_text(strings.text("concern.held_from", lang, name=report.reporter.name))] if whose else []),
            _state(strings, lang, report, viewer, zone),
            *_pace(strings, lang, report),
            action_set([execute(strings.text("concern.show", lang, ref=report.reference), VERB_SHOW,
                               {"ref": report.reference})])]}

    return paged(body, reports, start, entry=entry, more=more, most=MAX_LISTED,
                 notification=strings.text("notify.private", lang),
                 count=lambda first, shown: _list_count(strings, lang, count, len(reports), first, shown))


def _list_count(strings: Catalogue, lang: Lang, key: str, total: int, start: int, shown: int) -> Element:
    """How many reports the list has, and which ones this card shows."""
    return text(strings.text(key, lang, count=total, first=start + 1, last=start + shown), weight="Bolder")


def _show_more(strings: Catalogue, lang: Lang, verb: str, start: int, last: ConcernReport,
               extra: Mapping[str, str] | None = None) -> Element:
    """Show more: the list's next reports, after `last`, the last one shown (`after`), with its place then (`start`,
    as the other lists' Show more sends it) and the card's language."""
    return execute(strings.text("list.show_more_reports", lang), verb,
                   {"start": str(start), "after": last.reference, **shown_in(lang), **(extra or {})})


def reminder_card(strings: Catalogue, lang: Lang, report: ConcernReport, *, passed_up_at: datetime,
                  passed_up_goes: datetime | None = None, zone: str = "") -> Card:
    """The reminder to the holder: their card, with a warning above it saying the day it goes to the next person (the
    hour too, `passed_up_goes`, when it waits for school hours; UK time, said so to a reader whose clocks, `zone`, show
    another hour)."""
    holder = Person(report.reporter.tenant_id, report.holder.aad_object_id, report.holder.name)
    return holder_card(strings, lang, report, holder, reminder=True, passed_up_at=passed_up_at,
                       passed_up_goes=passed_up_goes, zone=zone)


def acknowledged_card(strings: Catalogue, lang: Lang, report: ConcernReport) -> Card:
    """Tells the reporter their report was read, and by whom."""
    return _private(strings, lang, [heading(strings.text("concern.acknowledged_title", lang, ref=report.reference)),
                 plain_text(strings.text("concern.acknowledged_body", lang, name=report.holder.name))],
                [execute(strings.text("concern.my_reports", lang), VERB_MINE)])


def escalated_for_reporter(strings: Catalogue, lang: Lang, report: ConcernReport) -> Card:
    """Tells the reporter who holds their report now (never the note that went with it)."""
    name = report.holder.name
    return _private(strings, lang, [plain_heading(strings.text("concern.escalated_reporter_title", lang,
                                                               ref=report.reference, name=name)),
                                    plain_text(strings.text("concern.escalated_reporter_body", lang, name=name))],
                    [execute(strings.text("concern.my_reports", lang), VERB_MINE)])


def passed_on_for_reporter(strings: Catalogue, lang: Lang, report: ConcernReport) -> Card:
    """Tells the reporter who holds their report now, because whoever held it has left (or left that post)."""
    name, former = report.holder.name, report.chain[report.level - 1].name
    return _private(strings, lang, [plain_heading(strings.text("concern.escalated_reporter_title", lang,
                                                               ref=report.reference, name=name)),
                                    plain_text(strings.text("concern.passed_on_reporter_body", lang, former=former,
                                                            name=name))],
                    [execute(strings.text("concern.my_reports", lang), VERB_MINE)])


def closed_for_reporter(strings: Catalogue, lang: Lang, report: ConcernReport, zone: str = "") -> Card:
    """Tells the reporter their report was closed (with the outcome only if the holder shared it; times as
    `reporter_card` says them)."""
    return reporter_card(strings, lang, report, title_key="concern.closed_reporter_title", zone=zone)


def deleted_card(strings: Catalogue, lang: Lang, reference: str, months: int) -> Card:
    """What a card of a report says once retention has deleted the report: its reference and why, nothing of it."""
    return _private(strings, lang, [heading(strings.text("concern.deleted_title", lang, ref=reference)),
                 text(strings.text("concern.deleted_body", lang, months=months))])


def moved_on_card(strings: Catalogue, lang: Lang, reference: str) -> Card:
    """What a card of a report says to a holder it went past (what the reporter added may be about them): its reference
    and that it is no longer with them, never why, nor who has it now, nor anything of it."""
    return _private(strings, lang, [heading(strings.text("concern.deleted_title", lang, ref=reference)),
                                    text(strings.text("concern.moved_on_body", lang))])


def line_manager_card(strings: Catalogue, lang: Lang, *, manager: str = "", from_staff_list: bool = False,
                      goes_to: str = "") -> Card:
    """ "Who is my line manager?": the asker's own (`manager`, found in Microsoft 365 or, `from_staff_list`, on the
    office's list), where that comes from and what to do if it is wrong; when none is known, that, and who a report
    goes to instead (`goes_to`, when not the manager)."""
    body: list[Element] = [heading(strings.text("concern.my_manager_title", lang))]
    if manager:
        source = "concern.my_manager_from_staff_list" if from_staff_list else "concern.my_manager_from_graph"
        body += [plain_text(strings.text("concern.my_manager", lang, name=manager)), text(strings.text(source, lang)),
                 text(strings.text("concern.my_manager_if_wrong", lang))]
        if not goes_to:
            body.append(text(strings.text("concern.my_manager_goes_to", lang)))
    else:
        body.append(text(strings.text("concern.my_manager_unknown", lang)))
    if goes_to:
        body.append(plain_text(strings.text("concern.my_manager_instead", lang, name=goes_to)))
    return _private(strings, lang, body)
