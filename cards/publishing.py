"""Cards of a new policy version: the policy owner's preview and publish, read-and-confirm for staff, the count
for the headteacher, and "what's new"."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.domain.federation import School
from bot.domain.people import Lang
from bot.domain.policy_reads import Audience, NotYet, SchoolReads, not_yet
from bot.domain.policy_versions import BY_COMMAND, PolicyChanges, SectionChange
from bot.policy.details import PolicyDetails
from cards.answer import goes_on_day, when_read
from cards.common import VERB_SECTIONS, headings_in_english_note
from cards.elements import (
    Card,
    Element,
    action_set,
    button_rows,
    card,
    execute,
    facts,
    heading,
    sub_heading,
    text,
    user_text,
)
from cards.i18n import Catalogue

VERB_PUBLISH = "policy.publish"
VERB_CANCEL = "policy.publish_cancel"
VERB_CONFIRM_READ = "policy.confirm_read"
VERB_READ_REQUEST = "policy.read_request"
VERB_READS = "policy.reads"
VERB_WHATS_NEW = "policy.whats_new"
VERB_REMIND = "policy.remind"
VERB_WITHDRAW = "policy.withdraw"
# A card shows this many changed sections; a longer list ends with "…and N more".
MAX_CHANGES_SHOWN = 15
# A "who has read it" card names staff who have not confirmed up to this many characters in all (about 150 names,
# well within Teams' 28 KB); Show more lists the next ones.
NOT_YET_PER_CARD = 2500

_LABELS = {"added": "publish.change_added", "changed": "publish.change_changed", "removed": "publish.change_removed"}


def _other(lang: Lang) -> Lang:
    return Lang.EN if lang is Lang.CY else Lang.CY


def _labelled(label: str, value: str) -> Element:
    """A bold label and text from the document (a heading), shown inert."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": label, "weight": "Bolder"},
                                                 {"type": "TextRun", "text": " " + value}]}


def _counts(strings: Catalogue, lang: Lang, change: SectionChange) -> str:
    parts = [strings.text(key, lang, n=n) for key, n in (("publish.count_reworded", change.reworded),
                                                         ("publish.count_added", change.added),
                                                         ("publish.count_removed", change.removed)) if n]
    return f"{strings.text('publish.passages_label', lang)}: {' · '.join(parts)}" if parts else ""


def changes_elements(strings: Catalogue, lang: Lang, changes: PolicyChanges, *, same: bool = False,
                     unread: bool = False) -> list[Element]:
    """What changed from the version before, section by section, with headings in the reader's language; `same`: the
    document is that version's, details and all, so no section changed and nor did anything else; `unread`: for a
    reader who never confirmed the version before (a new starter, or one behind), to whom the rules are not "the
    same"."""
    if not changes.previous:
        return [text(strings.text("publish.changes_first", lang), subtle=True)]
    title = sub_heading(strings.text("publish.changes_title", lang, previous=changes.previous))
    if not changes.sections:
        if changes.welsh:
            none = strings.text("publish.changes_welsh", lang, previous=changes.previous, n=changes.welsh)
        elif same:
            none = strings.text("publish.changes_nothing", lang, previous=changes.previous)
        elif changes.details is None:  # a version stored before its details' changes were kept
            none = strings.text("publish.changes_none", lang, previous=changes.previous)
        else:
            key = ("publish.changes_number_only" if not changes.details
                   else "reads.changes_details_unread" if unread else "publish.changes_details")
            none = strings.text(key, lang, previous=changes.previous)
        return [title, text(none), *_details_changed(strings, lang, changes)]
    shown: list[Element] = [title]
    for change in changes.sections[:MAX_CHANGES_SHOWN]:
        heading_text = change.heading(lang.value)
        if was := change.was(lang.value):
            heading_text += " " + strings.text("publish.change_renamed", lang, was=was)
        label = _LABELS.get(change.kind, "publish.change_changed")
        if change.kind == "changed" and change.was_en and not (change.added or change.removed or change.reworded):
            label = "publish.change_renamed_only"  # its words as they were: "Changed" sent staff looking for a rule
        items = [_labelled(strings.text(label, lang), heading_text)]
        if change.kind == "changed" and (counts := _counts(strings, lang, change)):
            items.append(text(counts, subtle=True, size="Small"))
        shown.append({"type": "Container", "spacing": "Small", "items": items})
    hidden = len(changes.sections) - MAX_CHANGES_SHOWN
    if hidden > 0:
        shown.append(text(strings.text("publish.changes_more", lang, n=hidden), subtle=True))
    in_english = any(not change.heading_cy or (change.was_en and not change.was_cy)
                     for change in changes.sections[:MAX_CHANGES_SHOWN])
    # New dates beside new sections (a normal new version): before, details were listed only when no section changed.
    also = [text(strings.text("publish.details_also", lang)), *_details_changed(strings, lang, changes)
            ] if changes.details else []
    return [*shown, *headings_in_english_note(strings, lang, in_english), *also]


# The label each detail has on the About card.
_DETAIL_LABELS = {"title": "publish.detail_title", "author": "ask.about_author", "date_of_issue": "ask.about_issued",
                  "agreed_by": "ask.about_agreed", "last_reviewed": "ask.about_last_reviewed",
                  "next_review": "ask.about_review", "authorisation": "ask.about_authorised",
                  "schools": "ask.about_schools"}


def _details_changed(strings: Catalogue, lang: Lang, changes: PolicyChanges) -> list[Element]:
    """The document's details given otherwise than the version before gave them, each as it is and as it was."""
    if not changes.details:
        return []
    rows = []
    for change in changes.details:
        # Both read alike in Welsh (two English titles, one Welsh name): the English, which did change.
        code = lang.value if change.now(lang.value) != change.was(lang.value) else "en"
        rows.append((strings.text(_DETAIL_LABELS.get(change.name, "publish.detail_other"), lang),
                     strings.text("publish.detail_was", lang, now=change.now(code), was=change.was(code))))
    return [facts(rows)]


def _version_facts(strings: Catalogue, lang: Lang, details: PolicyDetails, version: str) -> list[tuple[str, str]]:
    code = lang.value
    rows = [(strings.text("ask.about_version", lang), version)]
    if (issued := details.issued()) is not None:
        rows.append((strings.text("ask.about_issued", lang), issued.text(code)))
    if details.agreed_by:
        rows.append((strings.text("ask.about_agreed", lang), details.agreed_by.text(code)))
    if details.next_review:
        rows.append((strings.text("ask.about_review", lang), details.next_review.text(code)))
    return rows


def audience_elements(strings: Catalogue, lang: Lang, *, version: str, audience: Audience | None,
                      reinstate: bool = False, previous: str = "", unconfirmed: int = 0,
                      goes: Sequence[tuple[School, datetime]] = (), now: datetime | None = None,
                      zone: str = "") -> list[Element]:
    """Who Publish sends a card to, asking them to read and confirm the version: how many, school by school, and who
    cannot be asked; or that nobody is (no staff list yet). `reinstate`: a version published before, made current
    again, and `audience` those on the staff list who have not confirmed it, asked to read it again (or that everyone
    has). With `unconfirmed`, how many have still to confirm `previous`, the version in force, which this one replaces;
    with `goes` (by school, when cards queued `now` reach staff: `cards_go_elements`), when they go, outside school
    hours."""
    said: list[Element] = [sub_heading(strings.text("publish.audience_title", lang))]
    if audience is None or not audience.listed:
        return [*said, text(strings.text("publish.no_staff_list_yet", lang))]
    if reinstate:
        if audience.asked == 0:
            return [*said, text(strings.text("publish.reinstate_all_read", lang, version=version))]
        said += [text(strings.text("publish.reinstate_asks", lang, version=version, count=audience.asked)),
                 facts([(school.name(lang), str(count)) for school, count in audience.schools])]
        return said + (cards_go_elements(strings, lang, goes=goes, now=now, zone=zone) if now is not None else [])
    if audience.asked == 0:
        said.append(text(strings.text("publish.will_ask_none", lang, version=version)))
    else:
        key = "publish.will_ask_one" if audience.asked == 1 else "publish.will_ask"
        if now is not None and any(at > now for _, at in goes):  # not "at once": they wait for school hours
            key += "_held"
        said += [text(strings.text(key, lang, version=version, count=audience.asked), weight="Bolder"),
                 facts([(school.name(lang), str(count)) for school, count in audience.schools])]
        if now is not None:
            said += cards_go_elements(strings, lang, goes=goes, now=now, zone=zone)
    if audience.unreachable:
        said.append(text(strings.text("publish.done_unreachable", lang, count=audience.unreachable), subtle=True))
    if unconfirmed and previous:
        said.append(text(previous_unconfirmed(strings, lang, previous=previous, version=version, count=unconfirmed)))
    return said


def cards_go_elements(strings: Catalogue, lang: Lang, *, goes: Sequence[tuple[School, datetime]],
                      now: datetime, zone: str = "") -> list[Element]:
    """When staff's cards queued at `now` reach them (`goes`: by school, the start of its next school hours, or `now`
    within them): nothing when they go at once; one time when every school's is the same, else school by school; in
    UK time, said so to a reader whose clocks (`zone`) show another hour."""
    if not any(at > now for _, at in goes):
        return []
    times = {at for _, at in goes}
    if len(times) == 1:
        return [text(strings.text("reads.cards_go", lang,
                                  when=goes_on_day(strings, lang, now, times.pop(), zone=zone)))]
    return [text(strings.text("reads.cards_go_by_school", lang)),
            facts([(school.name(lang), goes_on_day(strings, lang, now, at, zone=zone) if at > now
                    else strings.text("reads.cards_go_now", lang)) for school, at in goes])]


def cards_go_text(strings: Catalogue, lang: Lang, *, goes: Sequence[tuple[School, datetime]], now: datetime,
                  zone: str = "") -> str:
    """`cards_go_elements` as one line (for a command's output); "" when they go at once."""
    if not any(at > now for _, at in goes):
        return ""
    if len({at for _, at in goes}) == 1:
        return strings.text("reads.cards_go", lang, when=goes_on_day(strings, lang, now, goes[0][1], zone=zone))
    return strings.text("reads.cards_go_by_school", lang) + " " + "; ".join(
        f"{school.name(lang)}: " + (goes_on_day(strings, lang, now, at, zone=zone) if at > now
                                   else strings.text("reads.cards_go_now", lang)) for school, at in goes)


def previous_unconfirmed(strings: Catalogue, lang: Lang, *, previous: str, version: str, count: int) -> str:
    """That `count` members of staff have still to confirm `previous`, the version in force, and what publishing
    `version` in its place does to their cards (the preview and `publish-policy` say it alike)."""
    return strings.text(_one_or_more("publish.previous_unconfirmed", count), lang, previous=previous, version=version,
                        count=count)


def _publish_buttons(strings: Catalogue, lang: Lang, *, draft_id: str, version: str,
                     audience: Audience | None, replaces: str = "") -> list[Element]:
    """Publish (with how many the card said it asks, so a staff list changed since is told before anything goes, and
    the version in force it was compared with, so one made current since is too) and Cancel."""
    publish = {"draft": draft_id} if audience is None else {"draft": draft_id, "asked": str(audience.asked)}
    if replaces:
        publish["replaces"] = replaces
    return [execute(strings.text("publish.button", lang, version=version), VERB_PUBLISH, publish, style="positive"),
            execute(strings.text("publish.cancel", lang), VERB_CANCEL, {"draft": draft_id})]


def preview_card(strings: Catalogue, lang: Lang, *, draft_id: str, file_name: str, details: PolicyDetails,
                 current_version: str, sections: int, passages: int, changes: PolicyChanges,
                 problems: Sequence[str] = (), notes: Sequence[str] = (),
                 refusal: tuple[str, Mapping[str, str]] | None = None, audience: Audience | None = None,
                 reinstate: bool = False, unconfirmed: int = 0, goes: Sequence[tuple[School, datetime]] = (),
                 now: datetime | None = None, zone: str = "") -> Card:
    """What the policy owner is about to publish, checked and compared with the current version, and who Publish asks
    to read it (`audience`; `reinstate`: a version published before, made current again: nobody), and when their cards
    go if it is published `now` (`goes`, outside school hours). A version refused
    or stopped by the check replaces nothing, so says only its own number."""
    version = details.version or "—"
    shown_version = version
    publishable = not problems and refusal is None
    if current_version and details.version and current_version != details.version and publishable:
        shown_version = strings.text("publish.version_replaces", lang, version=version, current=current_version)
    rows = _version_facts(strings, lang, details, shown_version)
    rows.append((strings.text("publish.size", lang),
                 strings.text("publish.size_value", lang, sections=sections, passages=passages)))
    # Refused or stopped by the check, it says so first, and why: nothing below is a question to answer.
    body: list[Element] = [heading(strings.text("publish.preview_title" if publishable else "publish.refused_title",
                                                lang))]
    if refusal is not None:
        key, values = refusal
        body.append({"type": "Container", "style": "warning", "items": [text(strings.text(key, lang, **values))]})
    body += [
        _labelled(strings.text("publish.file", lang) + ":", file_name),
        user_text(details.title.text(lang.value), limit=300),
        facts(rows),
        # Refused as the version in force already: "only the document's details did" would send her looking for one.
        *changes_elements(strings, lang, changes,
                          same=refusal is not None and refusal[0] == "publish.already_current"),
        sub_heading(strings.text("publish.check_title", lang)),
    ]
    if problems:
        body.append(text(strings.text("publish.check_failed", lang), weight="Bolder"))
        body.extend(user_text(f"• {problem}", limit=400) for problem in problems[:10])
    else:
        body.append(text(strings.text("publish.check_passed" if refusal is None else "publish.check_passed_refused",
                                      lang)))
    if notes and refusal is not None:
        # Work on a document that will not be published as it is: they come with the next one's preview.
        body.append(text(strings.text("publish.notes_later", lang), subtle=True))
    elif notes:
        body.append(text(strings.text("publish.notes", lang), subtle=True))
        body.extend(user_text(f"• {note}", limit=400) for note in notes[:10])
    if not publishable:
        return card(body)
    body += audience_elements(strings, lang, version=version, audience=audience, reinstate=reinstate,
                              previous=current_version, unconfirmed=unconfirmed, goes=goes, now=now,
                              zone=zone)
    return card(body, _publish_buttons(strings, lang, draft_id=draft_id, version=version,
                                       audience=None if reinstate else audience, replaces=current_version))


def audience_changed_card(strings: Catalogue, lang: Lang, *, draft_id: str, version: str, audience: Audience,
                          was: int, replaces: str = "") -> Card:
    """Publish pressed on a preview whose count the staff list no longer gives: nothing was published; who it would ask
    now, and Publish again (`replaces`: the version in force the preview was compared with, still in force)."""
    return card([heading(strings.text("publish.preview_title", lang)),
                 {"type": "Container", "style": "warning", "items": [
                     text(strings.text("publish.audience_changed", lang, version=version, count=audience.asked,
                                       was=was))]},
                 *audience_elements(strings, lang, version=version, audience=audience)],
                _publish_buttons(strings, lang, draft_id=draft_id, version=version, audience=audience,
                                 replaces=replaces))


def published_card(strings: Catalogue, lang: Lang, *, version: str, asked: int | None, reinstated: bool,
                   cards_later: bool = False, unreachable: int = 0, previous: str = "", previous_asked: bool = False,
                   by_school: Sequence[tuple[School, int]] = (), goes: Sequence[tuple[School, datetime]] = (),
                   now: datetime | None = None, zone: str = "") -> Card:
    """The preview once published: the bot answers from it, and who is being asked to read it (`cards_later`: the
    cards go out on the periodic pass; `unreachable`: how many on the staff list have no Entra id to ask them by;
    `reinstated`: a version published before, made current again, and `asked` how many on the staff list who have not
    confirmed it are asked to read it again, `by_school`); `previous`: the version it replaced, which Withdraw goes
    back to (asking first, and saying, `previous_asked`, that those who have not confirmed it are asked to read it
    again); `goes`: when the cards queued `now` reach staff, outside school hours (`cards_go_elements`)."""
    if cards_later:
        body = strings.text("publish.done_later", lang)
    elif asked is None:
        body = strings.text("publish.done_no_staff", lang)
    elif reinstated:
        body = (strings.text("publish.reinstated_body_asks", lang, version=version, count=asked) if asked
                else strings.text("publish.reinstated_body_all_read", lang, version=version))
    elif asked == 1:
        body = strings.text("publish.done_body_one", lang)
    else:
        body = strings.text("publish.done_body", lang, count=asked)
    said = [heading(strings.text("publish.done_title", lang, version=version)), text(body)]
    if reinstated and asked and not cards_later:
        said.append(facts([(school.name(lang), str(count)) for school, count in by_school]))
    if asked and not cards_later and now is not None:
        said += cards_go_elements(strings, lang, goes=goes, now=now, zone=zone)
    if unreachable and asked is not None and not reinstated and not cards_later:
        said.append(text(strings.text("publish.done_unreachable", lang, count=unreachable)))
    buttons = [execute(strings.text("publish.see_reads", lang), VERB_READS, {"version": version})]
    if previous:  # sent again too: the version it replaced this time is what Withdraw goes back to
        confirm = {"type": "AdaptiveCard",
                   "body": [text(strings.text("publish.withdraw_confirm_asks" if previous_asked
                                              else "publish.withdraw_confirm", lang, version=version,
                                              previous=previous))],
                   "actions": [execute(strings.text("publish.withdraw_yes", lang), VERB_WITHDRAW,
                                       {"version": version, "back": previous}, style="destructive")]}
        buttons.append({"type": "Action.ShowCard", "title": strings.text("publish.withdraw", lang, version=version),
                        "card": confirm})
        return card([*said, *button_rows(buttons)])  # on a phone the two titles do not fit side by side in Welsh
    return card(said, buttons)


def withdrawn_card(strings: Catalogue, lang: Lang, *, version: str, previous: str, asked_again: bool,
                   all_read: bool = False, goes: Sequence[tuple[School, datetime]] = (), now: datetime | None = None,
                   zone: str = "") -> Card:
    """A version withdrawn by the policy owner: the one it replaced is current again, and who is asked to read it (and
    when their cards go, outside school hours: `cards_go_elements`); `all_read`: staff were asked to read it and
    everyone on the staff list has confirmed it, so nobody is asked again."""
    asked = ("publish.withdrawn_all_read" if all_read else "publish.withdrawn_asked" if asked_again
             else "publish.withdrawn_not_asked")
    return card([heading(strings.text("publish.withdrawn_title", lang, version=version)),
                 text(strings.text("publish.withdrawn_body", lang, version=version, previous=previous)),
                 text(strings.text(asked, lang, previous=previous)),
                 *(cards_go_elements(strings, lang, goes=goes, now=now, zone=zone)
                   if asked_again and now is not None else [])])


def read_request_card(strings: Catalogue, lang: Lang, *, details: PolicyDetails, changes: PolicyChanges,
                      reminder: bool = False, superseded: str = "", recorded_nothing: bool = False,
                      typed: bool = False, late: bool = False, kept: datetime | None = None,
                      behind: str = "", not_yet: bool = False, zone: str = "") -> Card:
    """Sent to every member of staff: what changed, a way to read it, and "I have read it". In place of a card about
    an older version (`superseded`), it says so first (and, `recorded_nothing`, that its click recorded nothing); in
    answer to "I have read it" typed (`typed`), that the button records it and the words do not. `late`: to someone
    asked on a later day than it was published (a new starter), who is asked to read the policy in force, not what is
    new in it. `kept`: when they confirmed the version of the card pressed (withdrawn since), which stays on record.
    `behind`: the version this one replaced, which they were asked to read and never confirmed, so what changed since
    it is not all they have to read. Either way "the rules are the same" is not said: they are not the same to them.
    "Read the policy" names the version, so an instance that has not switched to it yet does so first. `zone`: the
    reader's time zone, for `kept` (`when_read`)."""
    code = lang.value
    issued = details.issued()
    # Welsh gives the named policy its article ("Mae'r {title}"), once: a title that has its own loses it here.
    named = details.title.text(code) if lang is Lang.EN else without_article(details.title.cy)
    values = {"title": named, "version": details.version}
    body = "reads.request_body_late" if late else "reads.request_body_behind" if behind else "reads.request_body"
    if behind and not late:
        values["previous"] = behind
    intro = (strings.text(body, lang, issued=issued.text(code), **values) if issued
             else strings.text(f"{body}_undated", lang, **values))
    title = strings.text(("reads.reminder_title" if reminder else "reads.request_title") + "_late" * late, lang)
    notes: list[Element] = []
    if superseded:
        note = strings.text("reads.superseded", lang, version=superseded, current=details.version)
        if kept is not None:
            note += " " + strings.text("reads.kept_on_record", lang, version=superseded,
                                       when=when_read(strings, lang, kept, zone))
        elif recorded_nothing:
            note += " " + strings.text("reads.nothing_recorded", lang, version=superseded)
        notes.append({"type": "Container", "style": "warning", "items": [text(note)]})
    if typed:
        notes.append({"type": "Container", "style": "emphasis",
                      "items": [text(strings.text("reads.typed_confirm", lang, version=details.version))]})
    if not_yet:  # asked "Have I confirmed?"
        notes.append({"type": "Container", "style": "emphasis",
                      "items": [text(strings.text("reads.please_confirm", lang))]})
    why = [text(strings.text("reads.same_rules_why", lang))] if changes.same_rules and not (late or behind) else []
    return card([heading(title), *notes, text(intro),
                 *changes_elements(strings, lang, changes, unread=late or bool(behind)), *why, *button_rows([
        execute(strings.text("reads.confirm", lang), VERB_CONFIRM_READ, {"version": details.version}, style="positive"),
        execute(strings.text("button.sections", lang), VERB_SECTIONS, {"version": details.version}),
        execute(strings.text("button.switch_language", lang), VERB_READ_REQUEST,
                {"version": details.version, "lang": _other(lang).value})])])


def without_article(welsh: str) -> str:
    """A Welsh title without the article it opens with ("Y Polisi …" is "Polisi …"), to follow one."""
    return re.sub(r"^(?:y|yr)\s+(?=\w)", "", welsh.strip(), flags=re.IGNORECASE)


def read_confirmed_card(strings: Catalogue, lang: Lang, *, version: str, at: datetime, already: bool,
                        replaced: str = "", asked: bool = False, zone: str = "") -> Card:
    """The read-and-confirm card once confirmed (a second click says when the first was). `replaced`: the version the
    card pressed was about, no longer in force, when `version` (in force) is the one they confirmed. `asked`: the
    answer to "Have I confirmed?", which version and when, the version in force. `zone`: the reader's time zone
    (`when_read`)."""
    if replaced:
        said = strings.text("reads.replaced_confirmed", lang, version=replaced, current=version,
                            when=when_read(strings, lang, at, zone))
        return card([{"type": "Container", "style": "warning", "items": [text(said)]}],
                    [execute(strings.text("button.sections", lang), VERB_SECTIONS, {"version": version})])
    key = "reads.have_confirmed" if asked else "reads.already_confirmed" if already else "reads.confirmed"
    return card([text(strings.text(key, lang, when=when_read(strings, lang, at, zone), version=version))],
                [execute(strings.text("button.sections", lang), VERB_SECTIONS, {"version": version})])


def _names(strings: Catalogue, lang: Lang, names: Sequence[str], *, limit: int, version: str) -> list[Element]:
    """As many whole names as fit the card's budget, and how many more there are (never cut off silently)."""
    shown: list[str] = []
    used = 0
    for name in names:
        used += len(name) + 2
        if used > limit:
            break
        shown.append(name)
    items = [user_text(", ".join(shown), limit=limit)]
    if len(shown) < len(names):
        more = len(names) - len(shown)
        items.append(text(strings.text(_one_or_more("reads.summary_more", more), lang, count=more, version=version),
                          subtle=True, size="Small"))
    return items


def _one_or_more(key: str, count: int) -> str:
    """The key saying `count` of something: its "_one" form for one (Welsh agrees with one: "heb ei ddangos")."""
    return f"{key}_one" if count == 1 else key


def _not_yet_page(entries: Sequence[NotYet], start: int) -> list[NotYet]:
    """The staff one card names from the `start`th of those who have not confirmed: whole names, as many as
    NOT_YET_PER_CARD holds (one at least)."""
    shown: list[NotYet] = []
    used = 0
    for entry in entries[start:]:
        used += len(entry.name) + 2
        if shown and used > NOT_YET_PER_CARD:
            break
        shown.append(entry)
    return shown


def _about(version: str, school: str) -> dict[str, str]:
    """A button's data: the version, and the one school its card is about (none: every school the presser sees)."""
    return {"version": version, "school": school} if school else {"version": version}


def _show_more(strings: Catalogue, lang: Lang, version: str, last: NotYet, place: int, school: str = "") -> Element:
    """Show more: the next names, after the last one this card shows (`after`, their email; `start`, the place after
    it then), of the one school the card is about, if it is about one."""
    return execute(strings.text("list.show_more_names", lang), VERB_READS,
                   {**_about(version, school), "after": last.email, "start": str(place)})


def read_summary_card(strings: Catalogue, lang: Lang, *, version: str, schools: Sequence[SchoolReads],
                      no_staff: bool = False, replaced_by: tuple[str, bool] | None = None,
                      one_school: str = "", goes: Sequence[tuple[School, datetime]] = (),
                      now: datetime | None = None, zone: str = "") -> Card:
    """For the headteacher and policy owner: per school, "read by 34 of 41", and who has not yet (the first of them,
    school by school, and Show more for the rest; on a card of several schools, each school whose names do not all fit
    opens a list of its own). `replaced_by`: the version in force now, and whether staff are asked to read it, when
    `version` is no longer in force; `one_school`: the one school the card is about, kept in its buttons' data; `goes`
    and `now`: when reminders sent now would reach staff (Send a reminder's question says so outside school hours)."""
    entries = not_yet(schools)
    page = _not_yet_page(entries, 0)
    body: list[Element] = [heading(strings.text("reads.summary_title", lang, version=version))]
    if replaced_by is not None:
        body.append({"type": "Container", "style": "warning", "items": [
            text(strings.text("reads.summary_replaced", lang, version=version, current=replaced_by[0]))]})
    if no_staff:
        body.append(text(strings.text("reads.summary_no_staff", lang)))
    if any(school.unreachable for school in schools):  # the staff-only check goes by those ids (dialogs/staff_only)
        body.append({"type": "Container", "style": "warning",
                     "items": [text(strings.text("reads.summary_check_off", lang))]})
    for school in schools:
        items: list[Element] = [sub_heading(strings.text("reads.summary_school", lang, school=school.school.name(lang),
                                                         read=school.read, total=school.total))]
        if school.outstanding:
            names = [entry.name for entry in page if entry.school.school_id == school.school.school_id]
            hidden = len(school.outstanding) - len(names)
            # A version no longer in force can never be confirmed now: "Not yet" would have the head chase it.
            outstanding = "reads.summary_outstanding" if replaced_by is None else "reads.summary_outstanding_replaced"
            items.append(text(strings.text(outstanding, lang), subtle=True, size="Small"))
            if names:
                items.append(user_text(", ".join(names), limit=NOT_YET_PER_CARD))
            if hidden:
                key = "reads.summary_more_below" if names else "reads.summary_all_below"
                items.append(text(strings.text(_one_or_more(key, hidden), lang, count=hidden), subtle=True,
                                  size="Small"))
                if len(schools) > 1:  # its own list, without paging through the schools before it
                    items.append(action_set([execute(strings.text("reads.school_list", lang,
                                                                  school=school.school.name(lang)), VERB_READS,
                                                     _about(version, school.school.school_id))]))
        elif school.total:
            items.append(text(strings.text("reads.summary_all_read", lang), subtle=True, size="Small"))
        elif not no_staff:  # "read by 0 of 0" alone would read as all well there
            items.append(text(strings.text("reads.summary_school_empty", lang), subtle=True, size="Small"))
        if school.unreachable:
            items.append(text(strings.text("reads.summary_unreachable", lang), subtle=True, size="Small"))
            items.extend(_names(strings, lang, school.unreachable, limit=2000, version=version))
        body.append({"type": "Container", "separator": True, "items": items})
    body.append(text(strings.text("reads.summary_export", lang, version=version), subtle=True, size="Small"))
    buttons = [execute(strings.text("reads.refresh", lang), VERB_READS, _about(version, one_school))]
    if len(page) < len(entries):
        buttons.insert(0, _show_more(strings, lang, version, page[-1], len(page), one_school))
    if replaced_by is None and entries:
        buttons.append(remind_button(strings, lang, version, one_school, goes=goes, now=now, zone=zone))
    if replaced_by is not None and replaced_by[1]:
        buttons.append(execute(strings.text("reads.summary_title", lang, version=replaced_by[0]), VERB_READS,
                               {"version": replaced_by[0]}))
    if len(buttons) == 1:
        return card(body, buttons)
    return card([*body, *button_rows(buttons)])


def remind_button(strings: Catalogue, lang: Lang, version: str, school: str = "", *,
                  goes: Sequence[tuple[School, datetime]] = (), now: datetime | None = None,
                  zone: str = "") -> Element:
    """Send a reminder, asking first (it goes to everyone the card counts who has not confirmed: of `school` alone on a
    card about one school); asked outside school hours (`goes`, `now`: `cards_go_elements`), not "now" but when the
    reminders would reach them."""
    later = cards_go_elements(strings, lang, goes=goes, now=now, zone=zone) if now is not None else []
    question = text(strings.text("reads.remind_confirm_later" if later else "reads.remind_confirm", lang,
                                 version=version))
    confirm = {"type": "AdaptiveCard", "body": [question, *later],
               "actions": [execute(strings.text("reads.remind_yes", lang), VERB_REMIND, _about(version, school),
                                   style="positive")]}
    return {"type": "Action.ShowCard", "title": strings.text("reads.remind", lang), "card": confirm}


def reminded_card(strings: Catalogue, lang: Lang, *, version: str, reminded: Sequence[tuple[School, int]],
                  already: int, asked_today: int = 0, goes: Sequence[tuple[School, datetime]] = (),
                  now: datetime | None = None, zone: str = "") -> Card:
    """What Send the reminder did: how many were sent a reminder, school by school, and how many were not because they
    were reminded earlier today, or asked to read it today (`asked_today`), or that nobody is left to remind; `goes`:
    when the reminders queued `now` reach staff, outside school hours (`cards_go_elements`)."""
    count = sum(n for _, n in reminded)
    body: list[Element] = [heading(strings.text("reads.reminded_title", lang, version=version))]
    if count:
        key = "reads.reminded_one" if count == 1 else "reads.reminded"
        body += [text(strings.text(key, lang, version=version, count=count)),
                 facts([(school.name(lang), str(n)) for school, n in reminded])]
        if now is not None:
            body += cards_go_elements(strings, lang, goes=[(school, at) for school, at in goes
                                                           if any(s == school and n for s, n in reminded)], now=now,
                                      zone=zone)
    elif already or asked_today:
        body.append(text(strings.text("reads.reminded_none", lang, version=version)))
    else:
        body.append(text(strings.text("reads.remind_nobody", lang, version=version)))
    if already:
        body.append(text(strings.text("reads.reminded_today", lang, count=already), subtle=True))
    if asked_today:
        body.append(text(strings.text("reads.asked_today", lang, count=asked_today), subtle=True))
    return card(body, [execute(strings.text("reads.summary_title", lang, version=version), VERB_READS,
                               {"version": version})])


def read_not_yet_card(strings: Catalogue, lang: Lang, *, version: str, schools: Sequence[SchoolReads], start: int,
                      notice: str = "", one_school: str = "", replaced: bool = False) -> Card:
    """Show more on "who has read it": the next staff who have not confirmed, from the `start`th, school by school,
    saying which it shows (`notice`: why it begins at the top; `one_school`: the one school the card is about;
    `replaced`: the version is no longer in force, so they did not confirm it while it was)."""
    entries = not_yet(schools)
    page = _not_yet_page(entries, start)
    body: list[Element] = [heading(strings.text("reads.summary_title", lang, version=version))]
    if notice:
        body.append(text(notice))
    body.append(text(strings.text("reads.not_yet_count_replaced" if replaced else "reads.not_yet_count", lang,
                                  count=len(entries), first=start + 1, last=start + len(page))))
    for school in schools:
        names = [entry.name for entry in page if entry.school.school_id == school.school.school_id]
        if names:
            body.append({"type": "Container", "separator": True, "items": [
                sub_heading(school.school.name(lang)), user_text(", ".join(names), limit=NOT_YET_PER_CARD)]})
    if start + len(page) >= len(entries):
        return card(body)
    return card(body, [_show_more(strings, lang, version, page[-1], start + len(page), one_school)])


def not_asked_summary_card(strings: Catalogue, lang: Lang, *, version: str, latest: str = "") -> Card:
    """ "Who has read it" while the version in force is one staff are never asked to confirm (the shipped file, gone
    back to): nobody to count, and the latest version they were asked to read, to see who read that."""
    body: list[Element] = [heading(strings.text("reads.summary_title", lang, version=version)),
                           text(strings.text("reads.summary_not_asked", lang, version=version))]
    if not latest:
        return card(body)
    body.append(text(strings.text("reads.summary_export", lang, version=latest), subtle=True, size="Small"))
    return card(body, [execute(strings.text("reads.summary_title", lang, version=latest), VERB_READS,
                               {"version": latest})])


def published_text(strings: Catalogue, lang: Lang, at: datetime, by: str, zone: str = "") -> str:
    """ "Published in the bot on … by …", the publisher named in the reader's language when no person was named; the
    time in UK time, said so to a reader whose clocks (`zone`) show another hour (`when_read`)."""
    name = strings.text("reads.by_command", lang) if by == BY_COMMAND else by
    return strings.text("reads.published_on", lang, when=when_read(strings, lang, at, zone), name=name)


def whats_new_card(strings: Catalogue, lang: Lang, *, details: PolicyDetails, changes: PolicyChanges | None,
                   published: tuple[datetime, str] | None = None, confirmed_at: datetime | None = None,
                   installed_again: bool = False, late: bool = False, behind: str = "", zone: str = "") -> Card:
    """The version in force, its dates, and what changed from the one before (None: the shipped default, never
    replaced, or `installed_again` after a rollback to it; nobody is asked to confirm it). To someone who has not
    confirmed it, asked on a later day than it came out (`late`) or never having confirmed the version it replaced
    (`behind`), the rules are not said to be the same; `behind` tells them to read the whole policy. Times are UK time,
    said so to a reader whose clocks (`zone`) show another hour."""
    code = lang.value
    body: list[Element] = [heading(strings.text("reads.whats_new_title", lang)),
                           user_text(details.title.text(code), limit=300),
                           facts(_version_facts(strings, lang, details, details.version or "—"))]
    if changes is None:
        key = "reads.whats_new_installed_again" if installed_again else "reads.whats_new_default"
        body.append(text(strings.text(key, lang)))
        return card(body, [execute(strings.text("button.sections", lang), VERB_SECTIONS)])
    if published is not None:
        body.append(text(published_text(strings, lang, *published, zone=zone), subtle=True, size="Small"))
    body.extend(changes_elements(strings, lang, changes, unread=late or bool(behind)))
    actions = [execute(strings.text("button.sections", lang), VERB_SECTIONS)]
    if confirmed_at is not None:
        body.append(text(strings.text("reads.you_confirmed", lang, when=when_read(strings, lang, confirmed_at, zone)),
                         subtle=True))
    else:
        if behind:
            body.append(text(strings.text("reads.whats_new_behind", lang, previous=behind)))
        elif changes.same_rules and not late:
            body.append(text(strings.text("reads.same_rules_why", lang)))
        body.append(text(strings.text("reads.please_confirm", lang), subtle=True))
        actions.insert(0, execute(strings.text("reads.confirm", lang), VERB_CONFIRM_READ,
                                  {"version": details.version}, style="positive"))
    return card([*body, *button_rows(actions)])
