"""Cards of the permission flow: the form, the requester's status, the headteacher's decision card, lists."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.people import Lang
from bot.domain.permission_requests import (
    AUDIENCES,
    CHANGES,
    LIMITS,
    MODERATION,
    PLATFORMS,
    PUPIL_CONTENT,
    PermissionRequest,
    RequestState,
    approval_problem,
    latest_end,
    latest_start,
    read_date,
)
from bot.domain.text import clean_user_text
from bot.domain.uk_time import in_uk, uk_today
from cards.answer import goes_on_day, shown_in, when_read
from cards.common import VERB_MY_REQUESTS, VERB_PENDING, VERB_PERMISSION_FORM, error_card
from cards.elements import (
    MAX_CARD_BYTES,
    Card,
    Element,
    action_set,
    button_rows,
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
from cards.i18n import Catalogue, and_list

VERB_SUBMIT = "permission.submit"
VERB_APPROVE = "permission.approve"
VERB_DECLINE = "permission.decline"
VERB_WITHDRAW = "permission.withdraw"
VERB_OPEN = "permission.open"
VERB_REGISTER = "permission.register"
VERB_END = "permission.end"
MAX_LISTED = 20  # requests on one list card
LISTED_IN_FULL = 3  # a pending list this long shows each request whole; a longer one, a summary of each
MAX_SUMMARISED = 10  # summaries on one pending list (the oldest), then how many more wait
SHORTENED_TO = 300  # characters of a purpose or consent the pending list shows

_PLATFORM_TITLES = {"x": "X (Twitter)", "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube",
                    "tiktok": "TikTok"}


def _choice(strings: Catalogue, lang: Lang, value: str) -> str:
    return _PLATFORM_TITLES.get(value) or strings.text(f"perm.choice.{value}", lang)


def _refused(strings: Catalogue, lang: Lang, errors: Mapping[str, str], box: Element) -> list[Element]:
    key = errors.get(box["id"])
    return refused(box, strings.text(key, lang)) if key else [box]


def form_card(strings: Catalogue, lang: Lang, *, schools: Sequence[tuple[str, str]], today: date,
              values: Mapping[str, Any] | None = None, errors: Mapping[str, str] | None = None,
              notice: str = "", form: str = "", replaces: str = "", anyway: bool = False) -> Card:
    """The request form, with the person's values kept and each problem shown under its field (`notice`: why
    a valid form was not sent; `form`: the token its Send carries, so a second press is the same request; `replaces`:
    her waiting request for the same account, which a second button, "Send in place of …", withdraws as it sends
    this, with `replaces` in its data beside the Send's; `anyway`: she has been told the policy does not name its
    platform, so its Sends carry `anyway` and send it). Its Send
    carries the form's language, so a form asked for in Welsh is answered in Welsh whatever Teams is set to. The date
    pickers start at `today` (on UK calendars), the first day the bot accepts; a client may ignore that, and the bot
    still checks."""
    given = values or {}
    problems = errors or {}

    def value(key: str) -> str:
        raw = given.get(key)
        return clean_user_text(raw, limit=LIMITS.get(key, 200) + 50) if isinstance(raw, str) else ""

    def label(key: str) -> str:
        return strings.text(f"perm.field.{key}", lang)

    def choice_set(key: str, options: Sequence[tuple[str, str]], *, multi: bool = False, expanded: bool = False,
                   required: bool = True) -> list[Element]:
        element: Element = {"type": "Input.ChoiceSet", "id": key, "label": label(key), "isRequired": required,
                            "errorMessage": strings.text(f"perm.error.{key}", lang),
                            "choices": [{"title": title, "value": val} for val, title in options],
                            "style": "expanded" if expanded or multi else "compact"}
        if multi:
            element["isMultiSelect"] = True
        elif element["style"] == "compact":
            # Nothing chosen yet: an empty box on iOS, the first choice seemingly picked on Android, without it.
            element["placeholder"] = strings.text(f"perm.placeholder.{key}", lang)
        if value(key):
            element["value"] = value(key)
        return _refused(strings, lang, problems, element)

    def text_input(key: str, *, multiline: bool = False, required: bool = False) -> list[Element]:
        element: Element = {"type": "Input.Text", "id": key, "label": label(key), "isMultiline": multiline,
                            "maxLength": LIMITS.get(key, 200), "isRequired": required}
        if required:
            # What Teams shows (and reads out) under the empty box: what this box needs, not "fill this in".
            element["errorMessage"] = strings.text(f"perm.error.{key}", lang)
        if value(key):
            element["value"] = value(key)
        return _refused(strings, lang, problems, element)

    def date_input(key: str, *, required: bool) -> list[Element]:
        # Teams' own placeholder is English ("Select a date..."), even on a Welsh card.
        element: Element = {"type": "Input.Date", "id": key, "label": label(key), "isRequired": required,
                            "placeholder": strings.text("perm.date_placeholder", lang), "min": today.isoformat()}
        element["max"] = (latest_start(today) if key == "start" else latest_end(today)).isoformat()
        if required:
            element["errorMessage"] = strings.text(f"perm.error.{key}", lang)
        # A date box holds yyyy-mm-dd only: a date typed another way (01/09/26) comes back as the day it names.
        if day := read_date(value(key)):
            element["value"] = day.isoformat()
        return _refused(strings, lang, problems, element)

    def toggle(key: str, *, required: bool) -> list[Element]:
        # A required input needs a label; an optional toggle's title says it all without repeating it.
        element: Element = {"type": "Input.Toggle", "id": key, "title": label(key),
                            "valueOn": "true", "valueOff": "false", "isRequired": required, "wrap": True,
                            "value": "true" if value(key) == "true" else "false"}
        if required:
            element["label"] = strings.text("perm.field.confirm_label", lang)
            element["errorMessage"] = strings.text("perm.error.confirm", lang)
        return _refused(strings, lang, problems, element)

    body: list[Element] = [heading(strings.text("perm.form_title", lang)), text(strings.text("perm.form_intro", lang))]
    if problems or notice:
        body.append({"type": "TextBlock", "text": notice or strings.text("perm.form_has_errors", lang),
                     "color": "Attention", "weight": "Bolder", "wrap": True})
    body += choice_set("school", schools)
    body += choice_set("platform", [(p, _choice(strings, lang, p)) for p in PLATFORMS])
    body += text_input("platform_other")
    body += choice_set("account_kind", [(k, strings.text(f"perm.choice.{k}", lang)) for k in ("new", "existing")],
                       expanded=True)
    body += text_input("existing_account")
    body += text_input("purpose", multiline=True, required=True)
    body += choice_set("audience", [(a, _choice(strings, lang, a)) for a in AUDIENCES], multi=True)
    body += choice_set("pupil_content", [(c, _choice(strings, lang, c)) for c in PUPIL_CONTENT], multi=True)
    body += text_input("consent", multiline=True)
    body += text_input("moderator", required=True)
    body += choice_set("moderation", [(m, _choice(strings, lang, m)) for m in MODERATION])
    body += date_input("start", required=True)
    body += date_input("end", required=False)
    body += toggle("ongoing", required=False)
    body += toggle("confirm", required=True)
    sent = {"form": form, "lang": lang.value} if form else {"lang": lang.value}
    if anyway:
        sent["anyway"] = "yes"
    buttons = [execute(strings.text("perm.submit", lang), VERB_SUBMIT, sent, style="positive",
                       associated_inputs="auto")]
    if not replaces:
        return card(body, buttons)
    in_place = execute(strings.text("perm.send_in_place", lang, id=replaces), VERB_SUBMIT,
                       {**sent, "replaces": replaces}, style="positive", associated_inputs="auto")
    buttons[0].pop("style")  # one positive button: the one the notice above asks her to press
    # In rows of their own: Teams never wraps a row of buttons, and the two titles do not fit a phone side by side.
    return card([*body, *button_rows([in_place, *buttons])])


def waiting_reminder_card(strings: Catalogue, lang: Lang, request: PermissionRequest, *, since: str, school: str,
                          delegate_named: bool, last: bool = False) -> Card:
    """To whoever decides a request that has waited a school week: which, since when, and the way to open it; where the
    school names no delegate, that IT can name one (nobody else decides while the head is away); `last`, that this
    second reminder is the last."""
    said = strings.text("perm.waiting_reminder", lang, id=request.request_id, name=who_asked(strings, lang, request),
                        when=since)
    # Her display name is in the sentence: a cleaned TextRun, so a name written as markdown shows as typed.
    body = [heading(strings.text("perm.waiting_reminder_title", lang, id=request.request_id)), plain_text(said)]
    if last:
        body.append(text(strings.text("perm.waiting_reminder_last", lang)))
    if not delegate_named:
        body.append(text(strings.text("perm.waiting_reminder_no_delegate", lang, school=school)))
    return card(body, [_see_in_full(strings, lang, request)], notification=said)


def still_waiting_card(strings: Catalogue, lang: Lang, request: PermissionRequest, *, since: str,
                       deciders: Sequence[str], last: bool = False) -> Card:
    """To the member of staff whose request has waited a school week: it still waits, whoever decides it was reminded
    (`last`: a second and last time), and what to do if it cannot wait."""
    said = strings.text("perm.waiting_told_last" if last else "perm.waiting_told", lang, when=since)
    body = [heading(strings.text("perm.waiting_told_title", lang, id=request.request_id)), text(said)]
    if deciders:
        body.append(plain_text(strings.text("perm.waiting_told_deciders", lang, names=and_list(deciders, lang))))
    return card(body, [execute(strings.text("button.my_requests", lang), VERB_MY_REQUESTS, shown_in(lang))],
                notification=said)


def who_asked(strings: Catalogue, lang: Lang, request: PermissionRequest) -> str:
    """Who asked, as cards name her: her display name, or for a request stored without one (Teams gave none and no
    staff list named her) a member of staff by the Entra object id IT can look her up by."""
    return request.requester.name or strings.text("perm.requester_unnamed", lang, id=request.requester.aad_object_id)


def who_asks(strings: Catalogue, lang: Lang, request: PermissionRequest) -> str:
    """Who asked, where a request is shown to be decided: `who_asked`, and on a copy named as Teams names her now, the
    name it was sent under ("Carys Morgan (Carys Jenkins when the request was sent)"): the head knows her by either."""
    name = who_asked(strings, lang, request)
    if request.sent_as is None or not request.requester.name:
        return name
    if not request.sent_as:
        return strings.text("perm.requester_named_since", lang, name=name)
    return strings.text("perm.requester_renamed", lang, name=name, sent_as=request.sent_as)


def _about_her(strings: Catalogue, key: str, lang: Lang, request: PermissionRequest, *, as_sent: bool = False,
               **values: str) -> str:
    """The string `key` with who asked as its `name` (`who_asked`; with `as_sent`, `who_asks`), begun with a capital
    where it begins with her."""
    name = who_asks(strings, lang, request) if as_sent else who_asked(strings, lang, request)
    said = strings.text(key, lang, name=name, **values)
    return said if request.requester.name else _begun_with_a_capital(said)


def _begun_with_a_capital(said: str) -> str:
    return said[:1].upper() + said[1:]


def asks_sentence(strings: Catalogue, lang: Lang, request: PermissionRequest, *, yours: bool = False) -> str:
    """What is asked, in one sentence: "Carys Jenkins asks to start a new Instagram account for parents"; said to her
    on her own cards (`yours`), "You asked to start …"."""
    kind = "existing" if request.account_kind == "existing" else "new"
    key = f"perm.asks_{kind}_blog" if request.platform == "blog" else f"perm.asks_{kind}"
    audience = and_list([strings.text(f"perm.audience.{a}", lang) for a in request.audiences if a in AUDIENCES],
                        lang)
    if yours:
        return strings.text(key.replace("perm.asks_", "perm.you_asked_"), lang, platform=request.platform_name,
                            audience=audience)
    return _about_her(strings, key, lang, request, as_sent=True, platform=request.platform_name, audience=audience)


def _risks(strings: Catalogue, lang: Lang, request: PermissionRequest, *, decider: bool) -> list[Element]:
    """What falls short of the policy, in a box nobody can miss (a word, not only a colour): for the headteacher
    "Check before approving" while it waits; for the requester, that it is below what the policy expects."""
    if request.moderation == "daily" or (decider and request.state is not RequestState.PENDING):
        return []
    title = "perm.risk_title" if decider else "perm.risk_title_requester"
    return [{"type": "Container", "style": "attention", "items": [
        sub_heading(strings.text(title, lang), color="Attention"),
        text(strings.text("perm.moderation_warning", lang), size="Small")]}]


@dataclass(frozen=True)
class _Details:
    """A request's details as a card shows them, and whether any field was cut short to fit."""

    rows: list[Element]
    shortened: bool


def _field(label: str, value: str, limit: int) -> tuple[Element, bool]:
    """A labelled field, and whether its value was cut to `limit` characters."""
    return labelled(label, value, limit=limit), len(clean_user_text(value, limit=len(value) + 1)) > limit


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _dates(strings: Catalogue, lang: Lang, request: PermissionRequest) -> str:
    """From when, and until when or "ongoing", as the request asked and its approval allows: an approval given after
    the start asked for runs from the day it was given, and says the start asked for beside it; one ended early says
    the (UK) day it was ended, and that it was ended before it started when that day is before its first."""
    first = request.permitted_from or request.start
    shown = f"{_day(first)} – " + (_day(request.end) if request.end else strings.text("perm.ongoing", lang))
    if first != request.start:
        shown += " " + strings.text("perm.asked_start", lang, start=_day(request.start))
    if request.state is RequestState.ENDED and request.ended_at is not None:
        ended = uk_today(request.ended_at)
        said = "perm.ended_before_start_on" if ended < first else "perm.ended_early_on"
        shown += " " + strings.text(said, lang, day=_day(ended))
    return shown


def _approved_late(request: PermissionRequest) -> bool:
    """Whether an approval came after the start asked for, so it runs from the day it was given."""
    first = request.permitted_from
    return first is not None and first != request.start


def _dates_notice(strings: Catalogue, lang: Lang, request: PermissionRequest, today: date | None, *,
                  short: bool = False) -> list[Element]:
    """For whoever decides a waiting request, in a box nobody can miss: that the dates asked for have ended (so it can
    only be declined), or that the start asked for has passed (approved today, it runs from today). `short`: the few
    words a summary on the pending list has room for."""
    if today is None or request.state is not RequestState.PENDING:
        return []
    if request.dates_ended_by(today) and request.end is not None:
        sentence = _about_her(strings, "perm.summary_dates_ended" if short else "perm.dates_ended", lang, request,
                              end=_day(request.end))
    elif request.start_passed_by(today):
        sentence = strings.text("perm.summary_start_passed" if short else "perm.start_passed", lang,
                                start=_day(request.start), today=_day(today))
    else:
        return []
    # The requester's display name comes from Teams: a cleaned TextRun keeps it from being read as markdown.
    return [{"type": "Container", "style": "attention", "items": [
        plain_text(sentence, weight="Bolder", color="Attention", size="Small" if short else "Default")]}]


def _in_place_of(strings: Catalogue, lang: Lang, request: PermissionRequest, *, decider: bool) -> list[Element]:
    """What a request was sent in place of, after, or beside: for whoever decides it, in a box nobody can miss, that the
    member of staff withdrew her waiting request for this one and what changed (so the extra is not missed), or that it
    asks more of her approval in force for the same account, or follows her declined request for it, what changed and
    the way to open that one; and while it
    waits, her requests for the same purpose on other platforms that were waiting when it was sent (each its own
    decision); for her, the request it replaced."""
    if not decider:
        return [text(strings.text("perm.status_in_place", lang, id=request.replaces), size="Small")] \
            if request.replaces else []
    said: list[str] = []
    if request.replaces:
        # "; " between them: a change may hold commas of its own ("pupils' photos, names or work").
        changed = "; ".join(strings.text(f"perm.changed.{c}", lang) for c in request.changed if c in CHANGES)
        said.append(_about_her(strings, "perm.sent_in_place" if changed else "perm.sent_in_place_unchanged", lang,
                               request, id=request.replaces, changed=changed))
    elif request.approved_before:
        changed = "; ".join(strings.text(f"perm.changed.{c}", lang) for c in request.changed if c in CHANGES)
        said.append(_about_her(strings, "perm.approved_before" if changed else "perm.approved_before_unchanged", lang,
                               request, id=request.approved_before, changed=changed))
        if request.state is RequestState.PENDING:
            # For a while (it has a last day): the approval it replaces stands again after it (`SupersededUntil`).
            replaces = "perm.approved_before_replaces_for_a_while" if request.end else "perm.approved_before_replaces"
            said.append(strings.text(replaces, lang, id=request.approved_before))
    elif request.declined_before:
        changed = "; ".join(strings.text(f"perm.changed.{c}", lang) for c in request.changed if c in CHANGES)
        said.append(_about_her(strings, "perm.declined_before" if changed else "perm.declined_before_unchanged", lang,
                               request, id=request.declined_before, changed=changed))
    if request.alongside and request.state is RequestState.PENDING:
        said.append(_about_her(strings, "perm.also_waiting", lang, request,
                               ids=and_list(list(request.alongside), lang)))
    if request.colleague_approved and request.state is RequestState.PENDING:
        said.append(_about_her(strings, "perm.colleague_approved", lang, request, id=request.colleague_approved))
    # The requester's display name comes from Teams: a cleaned TextRun keeps it from being read as markdown.
    before = ("" if request.replaces else request.approved_before or request.declined_before) or (
        request.colleague_approved if request.state is RequestState.PENDING else "")
    # Opening it sends nothing typed on the card (her reason stays in its box): the data of See … in full elsewhere.
    opens = [action_set([execute(strings.text("perm.open", lang, id=before), VERB_OPEN,
                                 {"id": before, **shown_in(lang)}, associated_inputs="none")])] if before else []
    return [{"type": "Container", "style": "attention", "items": [
        *(plain_text(sentence, weight="Bolder", size="Small") for sentence in said), *opens]}] if said else []


def _left_notice(strings: Catalogue, lang: Lang, request: PermissionRequest) -> list[Element]:
    """For whoever decides a waiting request, in a box nobody can miss: the member of staff who asked is no longer on
    the staff list."""
    if request.state is not RequestState.PENDING:
        return []
    # The requester's display name comes from Teams: a cleaned TextRun keeps it from being read as markdown.
    return [{"type": "Container", "style": "attention", "items": [
        plain_text(_about_her(strings, "perm.pending_left", lang, request), weight="Bolder",
                   color="Attention", size="Small")]}]


def _details(strings: Catalogue, lang: Lang, request: PermissionRequest, school: str, *, decider: bool,
             limit: int = 1000, titled: bool = False, today: date | None = None, left: bool = False,
             zone: str = "") -> _Details:
    """What a decision needs: the request in a sentence (unless the card is `titled` with it), where and when it was
    sent (UK time, said so to a reader whose clocks, `zone`, show another hour), for a decider on `today` whether its
    dates have passed, anything that falls short, the purpose, pupils' content, consent and moderation, the account and
    dates."""
    dates = _dates(strings, lang, request)
    content = (strings.text("perm.pupil_content_none", lang) if request.pupil_content in ((), ("none",))
               else ", ".join(_choice(strings, lang, c) for c in request.pupil_content))
    rows: list[Element] = [] if titled else [plain_text(asks_sentence(strings, lang, request, yours=not decider),
                                                         weight="Bolder")]
    # The requester's card is headed with the request's id already.
    sent = strings.text("perm.request_line" if decider else "perm.sent_line", lang, id=request.request_id,
                        school=school, when=when_read(strings, lang, request.submitted_at, zone))
    rows += [plain_text(sent, subtle=True, size="Small"), *_in_place_of(strings, lang, request, decider=decider),
             *(_dates_notice(strings, lang, request, today) if decider else []),
             *(_left_notice(strings, lang, request) if decider and left else []),
             *_risks(strings, lang, request, decider=decider)]
    fields = [(strings.text("perm.label.purpose", lang), request.purpose, limit),
              (strings.text("perm.label.pupil_content", lang), content, limit)]
    if request.consent:
        fields.append((strings.text("perm.label.consent", lang), request.consent, limit))
    fields.append((strings.text("perm.label.moderation", lang),
                   f"{request.moderator} · {_choice(strings, lang, request.moderation)}", 300))
    if request.account_kind == "existing":
        fields.append((strings.text("perm.label.account", lang),
                       f"{strings.text('perm.choice.existing', lang)}: {request.existing_account}", 300))
    fields.append((strings.text("perm.label.dates", lang), dates, 100))
    shown = [_field(label, value, most) for label, value, most in fields]
    return _Details(rows + [row for row, _ in shown], any(cut for _, cut in shown))


def outcome_sentence(strings: Catalogue, lang: Lang, request: PermissionRequest, zone: str = "") -> str:
    """The last change to a settled request, who made it and when (UK time, said so to a reader whose clocks, `zone`,
    show another hour): "Approved by …", "Ended by …"."""
    if request.state is RequestState.ENDED:
        return strings.text("perm.status_ended", lang, name=request.ended_by,
                            when=when_read(strings, lang, request.ended_at, zone))
    return _decided_sentence(strings, lang, request, request.state, zone)


def _decided_sentence(strings: Catalogue, lang: Lang, request: PermissionRequest, state: RequestState,
                      zone: str = "") -> str:
    """Who decided it and when, saying so when a named delegate of the school decided it in the headteacher's place."""
    delegate = "_delegate" if request.decided_as_delegate and state in (RequestState.APPROVED,
                                                                         RequestState.DECLINED) else ""
    return strings.text(f"perm.status_{state.value}{delegate}", lang, name=request.decided_by,
                        when=when_read(strings, lang, request.decided_at, zone))


def _ending(strings: Catalogue, lang: Lang, request: PermissionRequest, *, limit: int, zone: str = ""
            ) -> list[Element]:
    """Under an approval ended early: why, if a reason was given, and the approval it ended."""
    if request.state is not RequestState.ENDED:
        return []
    block: list[Element] = []
    if request.end_reason:
        block.append(labelled(strings.text("perm.label.end_reason", lang), request.end_reason, limit=limit))
    # The approver's display name comes from Teams: a cleaned TextRun keeps it from being read as markdown.
    block.append(plain_text(_decided_sentence(strings, lang, request, RequestState.APPROVED, zone), size="Small"))
    return block


def _sent_again(strings: Catalogue, lang: Lang, request: PermissionRequest) -> list[Element]:
    """Under a request withdrawn for another sent in its place: which one."""
    return [text(strings.text("perm.replaced_by", lang, id=request.replaced_by), weight="Bolder")] \
        if request.replaced_by and request.state is RequestState.WITHDRAWN else []


def _replacing(strings: Catalogue, lang: Lang, request: PermissionRequest, **style: Any) -> list[Element]:
    """On an approval replaced by a wider one, which and from when (replaced in turn, the one that stands in their
    place: `superseded_through`); on the wider, the one it replaces, from when."""
    through = request.superseded_through if request.superseded_through != request.superseded_by else ""
    if request.superseded_by and request.superseded_from is not None and through:
        if request.superseded_until is not None:
            return [text(strings.text("perm.superseded_through_until", lang, between=request.superseded_by, id=through,
                                      day=_day(request.superseded_from), until=_day(request.superseded_until),
                                      back=_day(request.superseded_until + timedelta(days=1))), **style)]
        return [text(strings.text("perm.superseded_through", lang, between=request.superseded_by, id=through,
                                  day=_day(request.superseded_from)), **style)]
    if request.superseded_by and request.superseded_from is not None and request.superseded_until is not None:
        return [text(strings.text("perm.superseded_until", lang, id=request.superseded_by,
                                  day=_day(request.superseded_from), until=_day(request.superseded_until),
                                  back=_day(request.superseded_until + timedelta(days=1))), **style)]
    if request.superseded_by and request.superseded_from is not None:
        return [text(strings.text("perm.superseded", lang, id=request.superseded_by,
                                  day=_day(request.superseded_from)), **style)]
    if request.supersedes and request.state in (RequestState.APPROVED, RequestState.ENDED):
        # For a while (it has a last day, or was ended): the one it replaced stands again after it.
        for_a_while = request.end is not None or request.state is RequestState.ENDED
        return [text(strings.text("perm.supersedes_for_a_while" if for_a_while else "perm.supersedes", lang,
                                  id=request.supersedes, day=_day(request.permitted_from or request.start)), **style)]
    return []


def _outcome(strings: Catalogue, lang: Lang, request: PermissionRequest, zone: str = "") -> list[Element]:
    if request.state is RequestState.PENDING:
        return []
    # The decider's display name comes from Teams: a cleaned TextRun keeps it from being read as markdown.
    block: list[Element] = [plain_text(outcome_sentence(strings, lang, request, zone), weight="Bolder", size="Medium"),
                            *_replacing(strings, lang, request, weight="Bolder"),
                            *_sent_again(strings, lang, request),
                            *_ending(strings, lang, request, limit=500, zone=zone)]
    if _approved_late(request) and request.permitted_from is not None:
        block.append(text(strings.text("perm.approved_from_later", lang, day=_day(request.permitted_from),
                                       start=_day(request.start)), weight="Bolder"))
    if request.reason:
        block += [text(strings.text("perm.label.reason", lang), weight="Bolder", size="Small"),
                  user_text(request.reason, limit=500)]
    if request.comment:
        block += [text(strings.text("perm.label.comment", lang), weight="Bolder", size="Small"),
                  user_text(request.comment, limit=500)]
    return block


def status_card(strings: Catalogue, lang: Lang, request: PermissionRequest, *, school: str, approver: str,
                today: date, undelivered: bool = False, not_queued: bool = False, delegate: bool = False,
                headteacher_of: str = "", also: Sequence[str] = (), held_until: datetime | None = None,
                zone: str = "") -> Card:
    """The requester's card on `today` (UK): where the request is, with Withdraw while it waits and End permission
    while its approval is in force or still to start (`delegate`: the approver is the named delegate who decides the
    headteacher's own requests; `headteacher_of`: the approver heads that other school and decides them, the request's
    school having no delegate; no `approver`: nobody is named to decide it; `also`: the headteacher's named delegates,
    who may decide it in her place; `held_until`: sent outside school hours, when its cards reach them, said in UK time
    to a reader whose clocks, `zone`, show another hour)."""
    body: list[Element] = [heading(strings.text("perm.status_title", lang, id=request.request_id))]
    actions: list[Element] = []
    if request.state is RequestState.PENDING:
        waiting = "perm.status_pending_delegate" if delegate else "perm.status_pending"
        if headteacher_of:
            waiting = "perm.status_pending_other_head"
        if not approver:
            waiting = "perm.status_pending_nobody"
        body.append(text(strings.text(waiting, lang, name=approver, school=school, other=headteacher_of),
                         weight="Bolder"))
        if also and approver and waiting == "perm.status_pending":
            # Display names come from the settings or Teams: a cleaned TextRun keeps them from being read as markdown.
            body.append(plain_text(strings.text("perm.status_pending_also", lang, delegates=and_list(also, lang))))
        body.append(text(strings.text("perm.status_pending_next", lang)))
        if held_until is not None and approver:
            # The approver's display name comes from the settings or Teams: a cleaned TextRun.
            body.append(plain_text(strings.text("perm.status_held", lang, name=approver, when=goes_on_day(
                strings, lang, request.submitted_at, held_until, zone=zone))))
        if not_queued:
            body.append(text(strings.text("perm.status_not_queued", lang, name=approver), subtle=True))
        elif undelivered:
            body.append(text(strings.text("perm.status_undelivered", lang, name=approver), subtle=True))
        actions.append(withdraw_button(strings, lang, {"id": request.request_id, **shown_in(lang)}))
    elif request.is_active_on(today):
        actions.append(end_button(strings, lang, request, {"id": request.request_id, **shown_in(lang)}))
    body += _outcome(strings, lang, request, zone)
    body += _next_step(strings, lang, request)
    body += _details(strings, lang, request, school, decider=False, zone=zone).rows
    actions.append(execute(strings.text("button.my_requests", lang), VERB_MY_REQUESTS, shown_in(lang)))
    return card(body, actions)


def withdraw_button(strings: Catalogue, lang: Lang, data: Mapping[str, Any], *, listed: bool = False) -> Element:
    """Withdraw, asking first: a request withdrawn is off the decider's list for good, and asking again is the whole
    form again, so a slip of the thumb should not do it. Teams opens the question below the button, with the one
    button that withdraws (the same verb and data as before). `listed`: on a list of requests, named for its request
    (a screen reader lists the buttons alone)."""
    confirm = {"type": "AdaptiveCard", "body": [text(strings.text("perm.withdraw_confirm", lang))],
               "actions": [execute(strings.text("perm.withdraw_yes", lang), VERB_WITHDRAW, data, style="destructive")]}
    title = strings.text("perm.withdraw_listed", lang, id=data["id"]) if listed else strings.text("perm.withdraw", lang)
    return {"type": "Action.ShowCard", "title": title, "card": confirm}


def end_button(strings: Catalogue, lang: Lang, request: PermissionRequest, data: Mapping[str, Any], *,
               decider: bool = False, listed: bool = False) -> Element:
    """End permission, asking first, as Withdraw does: an approval ended is off Official accounts for good, and using
    the account again means asking again. For whoever decides the request (`decider`), a box for the reason, which the
    member of staff is told. `listed`: on a list, named for its request, and so is its box."""
    # An approval of more: ending it gives the account back to the approval it replaced (`restored_narrower`), which
    # is said before the press.
    key = ("perm.end_confirm_decider" if decider else "perm.end_confirm_requester") + (
        "_replaced" if request.supersedes else "")
    confirm = _about_her(strings, key, lang, request, id=request.supersedes) if decider \
        else strings.text(key, lang, id=request.supersedes)
    # The requester's display name comes from Teams: a cleaned TextRun keeps it from being read as markdown.
    body: list[Element] = [plain_text(confirm)]
    if decider:
        body.append({"type": "Input.Text", "id": note_input_id(request.request_id) if listed else "reason",
                     "isMultiline": True, "maxLength": LIMITS["reason"],
                     "label": strings.text("perm.end_reason_label_listed", lang, id=request.request_id) if listed
                     else strings.text("perm.end_reason_label", lang)})
    ends = execute(strings.text("perm.end_yes", lang), VERB_END, data, style="destructive",
                   associated_inputs="auto" if decider else None)
    title = strings.text("perm.end_listed", lang, id=request.request_id) if listed else strings.text("perm.end", lang)
    return {"type": "Action.ShowCard", "title": title, "card": {"type": "AdaptiveCard", "body": body,
                                                                "actions": [ends]}}


def end_refused_card(strings: Catalogue, lang: Lang, request: PermissionRequest, today: date | None = None) -> Card:
    """Why End changed nothing on `today` (UK; None: replaced whenever it was): a wider approval replaces it, the
    approval's last day has passed, or there is no approval in force (the request waits, or was declined or
    withdrawn)."""
    replaced = request.superseded_from is not None and (today is None or request.is_superseded_on(today))
    if (request.state is RequestState.APPROVED and replaced and request.superseded_from is not None
            and request.superseded_through not in ("", request.superseded_by)):
        # Replaced in turn: the one to end is the approval that stands in their place, not the one between.
        return error_card(strings, lang, "perm.end_superseded_through", id=request.superseded_through,
                          between=request.superseded_by, day=_day(request.superseded_from))
    if request.state is RequestState.APPROVED and replaced and request.superseded_from is not None:
        return error_card(strings, lang, "perm.end_superseded", id=request.superseded_by,
                          day=_day(request.superseded_from))
    if request.state is RequestState.APPROVED and request.end is not None:
        return error_card(strings, lang, "perm.end_run_out", end=_day(request.end))
    return error_card(strings, lang, "perm.end_not_in_force")


def _next_step(strings: Catalogue, lang: Lang, request: PermissionRequest) -> list[Element]:
    """After an approval: keep to what was approved, and ask again for anything new; after a decline: not to use the
    account for work, and that a new request may meet the reason; after it was ended: stop using the account, and ask
    again to use it again."""
    if request.state is RequestState.ENDED and request.supersedes:
        # Ending what a wider approval added gives the account back to the approval it replaced (`restored_narrower`).
        return [text(strings.text("perm.ended_next_replaced", lang, id=request.supersedes))]
    if request.state is RequestState.ENDED:
        return [text(strings.text("perm.ended_next", lang))]
    if request.state is RequestState.DECLINED:
        return [text(strings.text("perm.declined_next", lang))]
    if request.state is not RequestState.APPROVED:
        return []
    return [text(strings.text("perm.approved_next", lang))]


def approver_card(strings: Catalogue, lang: Lang, request: PermissionRequest, *, school: str, today: date,
                  error: str = "", opened: bool = False, note: str = "", left: bool = False,
                  note_error: str = "", not_recorded: str = "", not_recorded_why: str = "", zone: str = "") -> Card:
    """The headteacher's card on `today` (UK; its times said to be UK time to a reader whose clocks, `zone`, show
    another hour), titled with what is asked: the whole request, and Approve / Decline
    while it waits (Decline only once the dates asked for have ended, which it says, as it says when the start has
    passed); the outcome after, with End permission while an approval is in force or still to start. `opened`: a copy
    opened from the pending list, whose buttons say so (`"from": "open"`), so a decision made on it still updates the
    card the request came in (a click on that card updates it itself). `note`: the reason or comment already typed,
    kept in its box; `note_error`, what is wrong with it, under the box and in its label. `left`: the member of staff
    who asked is no longer on the staff list, which a waiting request's card says. `not_recorded`: the button she
    pressed on a request settled before her press reached it, which changed nothing; said under the outcome, with
    `note` (what she wrote, sent to nobody) given back to her; `not_recorded_why`, the sentence that says why when it
    is not the usual one (she had decided it herself, the other way)."""
    body: list[Element] = [plain_heading(asks_sentence(strings, lang, request)),
                           *_outcome(strings, lang, request, zone),
                           *not_recorded_block(strings, lang, not_recorded, note, request=request,
                                               why=not_recorded_why),
                           *_details(strings, lang, request, school, decider=True, titled=True, today=today,
                                     left=left, zone=zone).rows]
    data = {"id": request.request_id, **({"from": "open"} if opened else {}), **shown_in(lang)}
    if request.is_active_on(today):
        return card(body, [end_button(strings, lang, request, data, decider=True)])
    if request.state is not RequestState.PENDING:
        # Withdrawn for another sent in its place: the one to decide now is a tap away, not up the chat.
        later = request.replaced_by if request.state is RequestState.WITHDRAWN else ""
        return card(body, [execute(strings.text("perm.open", lang, id=later), VERB_OPEN,
                                   {"id": later, **shown_in(lang)})] if later else ())
    reason: Element = {"type": "Input.Text", "id": "reason", "isMultiline": True, "maxLength": LIMITS["reason"],
                       "label": strings.text("perm.reason_label", lang)}
    if note:
        reason["value"] = clean_user_text(note, limit=LIMITS["reason"])
    body += refused(reason, note_error) if note_error else [reason]
    if error:
        body.append({"type": "TextBlock", "text": error, "color": "Attention", "wrap": True})
    return card(body, _decision_buttons(strings, lang, request, data, today))


def not_recorded_sentence(strings: Catalogue, lang: Lang, button: str, note: str, *,
                          request: PermissionRequest | None = None, why: str = "") -> str:
    """That a press of `button` on a request already settled was not recorded (`why`: another sentence saying so, of
    `request`), and, when she wrote `note`, that it was sent to nobody and follows, to copy."""
    said = (_about_her(strings, why, lang, request, button=strings.text(button, lang)) if why and request is not None
            else strings.text("perm.not_recorded", lang, button=strings.text(button, lang)))
    return f"{said} {strings.text('perm.not_recorded_words', lang)}" if note.strip() else said


def not_recorded_block(strings: Catalogue, lang: Lang, button: str, note: str, *,
                       request: PermissionRequest | None = None, why: str = "") -> list[Element]:
    """Under a settled request's outcome: that her press of `button` changed nothing (`why`: see
    `not_recorded_sentence`), and her words given back as typed (inert); nothing when no press was lost."""
    if not button:
        return []
    # The requester's display name may be in the sentence: a cleaned TextRun keeps it from being read as markdown.
    block: list[Element] = [plain_text(not_recorded_sentence(strings, lang, button, note, request=request, why=why),
                                       weight="Bolder")]
    if note.strip():
        block.append(user_text(note, limit=LIMITS["reason"], italic=True))
    return block


def _decision_buttons(strings: Catalogue, lang: Lang, request: PermissionRequest, data: Mapping[str, Any],
                      today: date, *, listed: bool = False) -> list[Element]:
    """Approve and Decline; Decline alone once every day asked for has passed (an approval would be backdated).
    `listed`: on the pending list, named for their request (a screen reader lists the buttons alone)."""
    def title(key: str) -> str:
        return strings.text(f"{key}_listed", lang, id=request.request_id) if listed else strings.text(key, lang)

    buttons = [execute(title("perm.decline"), VERB_DECLINE, data, style="destructive", associated_inputs="auto")]
    if not approval_problem(request, today):
        buttons.insert(0, execute(title("perm.approve"), VERB_APPROVE, data, style="positive",
                                  associated_inputs="auto"))
    return buttons


def decision_card(strings: Catalogue, lang: Lang, request: PermissionRequest, *, school: str, zone: str = "") -> Card:
    """The message the requester gets when their request is decided, or when its approval is ended by whoever decides
    it (its times said to be UK time to a reader whose clocks, `zone`, show another hour)."""
    body: list[Element] = [heading(strings.text(f"perm.decision_title.{request.state.value}", lang,
                                                id=request.request_id))]
    body += _outcome(strings, lang, request, zone)
    body += _next_step(strings, lang, request)
    body += _details(strings, lang, request, school, decider=False, zone=zone).rows
    again = [execute(strings.text("button.permission", lang), VERB_PERMISSION_FORM, shown_in(lang))] \
        if request.state is RequestState.DECLINED else []
    return card(body, [execute(strings.text("button.my_requests", lang), VERB_MY_REQUESTS, shown_in(lang)), *again])


def ended_by_requester_card(strings: Catalogue, lang: Lang, request: PermissionRequest, *, school: str,
                            zone: str = "") -> Card:
    """The message each person who decides a request gets when the member of staff who asked ends its approval
    herself: it is off Official accounts, and there is nothing for them to do (times as `approver_card` says them)."""
    body: list[Element] = [
        plain_heading(_about_her(strings, "perm.ended_by_requester_title", lang, request, id=request.request_id)),
        # Ending what a wider approval added gives the account back to the approval it replaced (`restored_narrower`).
        text(strings.text("perm.ended_by_requester_line_replaced", lang, id=request.supersedes) if request.supersedes
             else strings.text("perm.ended_by_requester_line", lang)), *_outcome(strings, lang, request, zone),
        *_details(strings, lang, request, school, decider=True, zone=zone).rows]
    return card(body, [execute(strings.text("perm.button.register", lang), VERB_REGISTER, shown_in(lang))])


def ended_by_decider_card(strings: Catalogue, lang: Lang, request: PermissionRequest, *, school: str,
                          zone: str = "") -> Card:
    """The short message each other person who decides a request gets when one of them (the headteacher or a named
    delegate) ends its approval: what it was, who ended it and why; the member of staff has been told, and there is
    nothing for them to do (their copy of the request's card is edited as well; times as `approver_card` says them)."""
    # Display names come from Teams: cleaned TextRuns keep them from being read as markdown.
    body: list[Element] = [
        plain_heading(strings.text("perm.ended_by_decider_title", lang, name=request.ended_by, id=request.request_id)),
        plain_text(asks_sentence(strings, lang, request), weight="Bolder"),
        plain_text(strings.text("perm.request_line", lang, id=request.request_id, school=school,
                                when=when_read(strings, lang, request.submitted_at, zone)), subtle=True, size="Small"),
        plain_text(_about_her(strings, "perm.ended_by_decider_line_replaced", lang, request, id=request.supersedes)
                   if request.supersedes else _about_her(strings, "perm.ended_by_decider_line", lang, request)),
        *_outcome(strings, lang, request, zone)]
    return card(body, [execute(strings.text("perm.button.register", lang), VERB_REGISTER, shown_in(lang))])


def _line(strings: Catalogue, lang: Lang, request: PermissionRequest, school: str, today: date | None = None
          ) -> Element:
    """A request's first line on a list: its id, platform, school and state (an approval replaced by a wider one, once
    the wider runs on `today`, or on any day without one: replaced)."""
    replaced = request.state is RequestState.APPROVED and request.superseded_from is not None and (
        today is None or request.is_superseded_on(today))
    state = strings.text(f"perm.status_label.{'superseded' if replaced else request.state.value}", lang)
    return {"type": "RichTextBlock", "inlines": [
        {"type": "TextRun", "text": request.request_id, "weight": "Bolder"},
        {"type": "TextRun", "text": f" · {clean_user_text(request.platform_name, limit=60)} · {school} · {state}"}]}


def _decided(strings: Catalogue, lang: Lang, request: PermissionRequest, zone: str = "") -> list[Element]:
    """On the person's list: who decided (withdrew, ended) a request and when, on UK clocks (said so to a reader whose
    clocks, `zone`, show another hour), and the reason or comment."""
    if request.state is RequestState.PENDING:
        return []
    # The decider's display name comes from Teams: a cleaned TextRun keeps it from being read as markdown.
    items = [plain_text(outcome_sentence(strings, lang, request, zone), size="Small"),
             *_replacing(strings, lang, request, size="Small"), *_sent_again(strings, lang, request),
             *_ending(strings, lang, request, limit=300, zone=zone)]
    for label, note in (("perm.label.reason", request.reason), ("perm.label.comment", request.comment)):
        if note:
            items.append(labelled(strings.text(label, lang), note, limit=300))
    return items


def my_requests_card(strings: Catalogue, lang: Lang, requests: Sequence[tuple[PermissionRequest, str]], *,
                     today: date, notice: str = "", how_to_change: bool = False, start: int = 0,
                     zone: str = "") -> Card:
    """A person's requests, newest first: each one's state, who decided it, when and why, its own card one click away,
    Withdraw on those still waiting, and End on approvals in force or still to start on `today` (UK). From the
    `start`th, as many as fit (`MAX_LISTED` at most); when there are
    more, how many, and Show more, which goes on after the last one shown (older).
    `how_to_change`: a request sent is never edited, so how to change one (withdraw it and ask again)."""
    body: list[Element] = [heading(strings.text("perm.mine_title", lang))]
    if notice:
        # What a press did names whoever made the change, as Teams gives the name: a cleaned TextRun, never markdown.
        body.append(plain_text(notice, weight="Bolder"))
    if not requests:
        body.append(text(strings.text("perm.mine_empty", lang)))
    elif how_to_change:
        body.append(text(strings.text("perm.mine_change", lang)))
    footer = [execute(strings.text("button.permission", lang), VERB_PERMISSION_FORM, shown_in(lang))]

    def entry(row: tuple[PermissionRequest, str]) -> Element:
        request, school = row
        items: list[Element] = [_line(strings, lang, request, school, today),
                                user_text(request.purpose, limit=200, italic=True),
                                *_decided(strings, lang, request, zone)]
        buttons = [_see_in_full(strings, lang, request)]
        if request.state is RequestState.PENDING:
            buttons.append(withdraw_button(strings, lang, {"id": request.request_id, "from": "list", **shown_in(lang)},
                                           listed=True))
        elif request.is_active_on(today):
            buttons.append(end_button(strings, lang, request, {"id": request.request_id, "from": "list",
                                                               **shown_in(lang)}, listed=True))
        return {"type": "Container", "separator": True, "items": [*items, *button_rows(buttons)]}

    # Show more goes below the list, not beside the form's button: the two would not fit a phone's width.
    return paged(body, requests, start, entry=entry, footer=footer, most=MAX_LISTED,
                 count=lambda first, shown: _mine_count(strings, lang, len(requests), first, shown),
                 more=lambda place, row: _show_more(strings, lang, VERB_MY_REQUESTS, place, row[0]))


def missed_card(strings: Catalogue, lang: Lang, requests: Sequence[tuple[PermissionRequest, str]], *,
                since: datetime, first_look: bool, by_anyone: bool = False, today: date | None = None,
                zone: str = "") -> Card:
    """What someone else (her named delegate, or the headteacher) approved, declined or ended since the reader last
    asked what waited for her (`since`; with `first_look`, the day this term began), newest first: each request, who
    decided it, when and why, its own card one click away. As many as fit (`MAX_LISTED` at most), then how many
    more. `by_anyone`: "what has been decided?", everything decided this term, hers too. `today` (UK): an approval
    labelled as it stands that day (replaced only while the wider one runs), as on My requests."""
    if by_anyone:
        title = strings.text("perm.decided_title", lang)
        intro = strings.text("perm.decided_this_term" if requests else "perm.decided_none", lang,
                             count=len(requests), day=_day(in_uk(since).date()))
    else:
        title = strings.text("perm.missed_title", lang)
        intro = strings.text("perm.missed_this_term" if first_look else "perm.missed_since", lang,
                             count=len(requests), day=_day(in_uk(since).date()),
                             when=when_read(strings, lang, since, zone))
    body: list[Element] = [heading(title), text(intro)]
    footer = [execute(strings.text("perm.button.register", lang), VERB_REGISTER, shown_in(lang))]
    for shown, (request, school) in enumerate(requests):
        entry: Element = {"type": "Container", "separator": True, "items": [
            _line(strings, lang, request, school, today), plain_text(who_asks(strings, lang, request), size="Small"),
            user_text(request.purpose, limit=200, italic=True), *_decided(strings, lang, request, zone),
            action_set([_see_in_full(strings, lang, request)])]}
        more = [text(strings.text("perm.missed_more", lang, count=len(requests) - shown), weight="Bolder")]
        if shown >= MAX_LISTED or (shown and card_bytes(card([*body, entry, *more], footer)) > MAX_CARD_BYTES):
            body += more
            break
        body.append(entry)
    return card(body, footer)


def _mine_count(strings: Catalogue, lang: Lang, total: int, start: int, shown: int) -> Element:
    """How many requests the person has made, and which ones this card shows."""
    return text(strings.text("perm.mine_count", lang, count=total, first=start + 1, last=start + shown),
                weight="Bolder")


def _show_more(strings: Catalogue, lang: Lang, verb: str, start: int, last: PermissionRequest) -> Element:
    """Show more: the list `verb` opens, going on after `last`, the last request shown (`after`); `start`, its place
    then, is what cards sent before `after` was read carry, and is still sent alongside it."""
    which = "list.show_more_accounts" if verb == VERB_REGISTER else "list.show_more_requests"
    return execute(strings.text(which, lang), verb, {"start": str(start), "after": last.request_id, **shown_in(lang)})


def note_input_id(request_id: str) -> str:
    """The id of a request's reason/comment box on the pending list (ids must be unique on a card)."""
    return f"reason_{request_id}"


def pending_card(strings: Catalogue, lang: Lang, requests: Sequence[tuple[PermissionRequest, str]], *, today: date,
                 notice: str = "", errors: Mapping[str, str] | None = None, start: int = 0,
                 left: Collection[str] = (), typed: Mapping[str, str] | None = None, zone: str = "") -> Card:
    """What waits for the headteacher on `today` (UK; its times said to be UK time to a reader whose clocks, `zone`,
    show another hour), oldest first, and how many. A short list shows each request with
    what a decision needs beside its reason box and Approve / Decline; a request cut short to fit is decided only on its
    full card, one click away. A longer list shows a summary of each, with its full card one click away. Each says when
    its start has passed or its dates have ended. From the `start`th, as many as fit; when more wait, how many, and
    Show more, which goes on after the last one shown. Teams refreshes the list whenever it is shown (from where this
    card begins), so a request withdrawn or decided since leaves it. `left`: the ids of the requests whose member of
    staff is no longer on the staff list, each of which says so. `typed`: what each reason box held (by its id), when
    a decision on the list was refused, kept in it."""
    problems = errors or {}
    body: list[Element] = [heading(strings.text("perm.pending_title", lang))]
    if notice:
        # What a press did names whoever made the change, as Teams gives the name: a cleaned TextRun, never markdown.
        body.append(plain_text(notice, weight="Bolder"))
    summarised = is_summary(len(requests))
    if not requests:
        body.append(text(strings.text("perm.pending_empty", lang)))
    else:
        count = strings.text("perm.pending_count", lang, count=len(requests))
        body.append(text(f"{count} {strings.text('perm.pending_summaries', lang)}" if summarised else count))
    start = min(max(start, 0), max(len(requests) - 1, 0))
    # Where this card begins: its refresh, and a decision on it, answer with the list from here.
    here = {"start": str(start), "after": requests[start - 1][0].request_id} if start else {}
    footer = [execute(strings.text("perm.button.register", lang), VERB_REGISTER, shown_in(lang))]
    most = MAX_SUMMARISED if summarised else MAX_LISTED
    for shown, (request, school) in enumerate(requests[start:]):
        problem = problems.get(request.request_id, "")
        gone = request.request_id in left
        items = _summary(strings, lang, request, school, problem, today, gone, zone=zone) if summarised else _in_full(
            strings, lang, request, school, problem, today, here, gone,
            typed=(typed or {}).get(note_input_id(request.request_id), ""), zone=zone)
        entry = {"type": "Container", "separator": True, "spacing": "Large", "items": items}
        # Teams refuses a card over 28 KB: the oldest requests first, as many as fit with how many more wait and Show
        # more (the one before this, the last shown, is where it goes on after).
        more = _pending_more(strings, lang, len(requests) - start - shown, summarised,
                             start + shown, requests[start + shown - 1][0] if shown else request)
        if shown >= most or (shown and card_bytes(card([*body, entry, *more], footer)) > MAX_CARD_BYTES):
            body += more
            break
        body.append(entry)
    listed = card(body, footer)
    # A refresh shows the card again from where it begins, as the Show more that opened it did.
    listed["refresh"] = {"action": execute(strings.text("button.pending", lang), VERB_PENDING,
                                           {**here, **shown_in(lang)})}
    return listed


def _pending_more(strings: Catalogue, lang: Lang, waiting: int, summarised: bool, start: int,
                  last: PermissionRequest) -> list[Element]:
    """How many more wait after this card, and Show more, which goes on after `last`, the last one it shows."""
    return [text(strings.text("perm.more_summarised" if summarised else "perm.more_waiting", lang, count=waiting),
                 weight="Bolder"),
            action_set([_show_more(strings, lang, VERB_PENDING, start, last)])]


def is_summary(waiting: int) -> bool:
    """Whether a pending list of this many requests shows a summary of each (decided only on its full card)."""
    return waiting > LISTED_IN_FULL


def _on_the_list(strings: Catalogue, lang: Lang, request: PermissionRequest, school: str,
                 today: date | None = None, left: bool = False, zone: str = "") -> _Details:
    return _details(strings, lang, request, school, decider=True, limit=SHORTENED_TO, today=today, left=left,
                    zone=zone)


def cut_short_on_list(strings: Catalogue, lang: Lang, request: PermissionRequest, school: str) -> bool:
    """Whether a short pending list shows this request only in part (so it is decided only on its full card)."""
    return _on_the_list(strings, lang, request, school).shortened


def _see_in_full(strings: Catalogue, lang: Lang, request: PermissionRequest) -> Element:
    """The way from a list to a request's own card, named for the request."""
    return execute(strings.text("perm.open", lang, id=request.request_id), VERB_OPEN,
                   {"id": request.request_id, **shown_in(lang)})


def _problem(strings: Catalogue, lang: Lang, problem: str) -> list[Element]:
    """Why a decision clicked on the list was not made (a decline without a reason)."""
    return [{"type": "TextBlock", "text": strings.text(problem, lang), "color": "Attention", "wrap": True}] if problem \
        else []


def _in_full(strings: Catalogue, lang: Lang, request: PermissionRequest, school: str, problem: str,
             today: date, here: Mapping[str, str], left: bool = False, typed: str = "", zone: str = ""
             ) -> list[Element]:
    """A request on a short pending list: its details, and its decision there unless a detail had to be cut short;
    `here`, where the list card begins (`after`, `start`), which the decision's answer begins at too; `left`: its member
    of staff is no longer on the staff list; `typed`: what its reason box held when a decision was refused."""
    details = _on_the_list(strings, lang, request, school, today, left, zone)
    if details.shortened:
        return [*details.rows, text(strings.text("perm.shortened", lang), weight="Bolder"),
                *_problem(strings, lang, problem), action_set([_see_in_full(strings, lang, request)])]
    data = {"id": request.request_id, "from": "list", **here, **shown_in(lang)}
    box: Element = {"type": "Input.Text", "id": note_input_id(request.request_id), "isMultiline": True,
                    "maxLength": LIMITS["reason"],
                    "label": strings.text("perm.reason_label_listed", lang, id=request.request_id)}
    if typed:
        box["value"] = clean_user_text(typed, limit=LIMITS["reason"])
    # What is wrong with the reason is said at its box (in its label); a request too late to approve, under it.
    at_the_box = bool(problem) and problem != approval_problem(request, today)
    items: list[Element] = [*details.rows, *(refused(box, strings.text(problem, lang)) if at_the_box else
                                             [box, *_problem(strings, lang, problem)])]
    return [*items, *button_rows([*_decision_buttons(strings, lang, request, data, today, listed=True),
                                  _see_in_full(strings, lang, request)])]


def _summary(strings: Catalogue, lang: Lang, request: PermissionRequest, school: str, problem: str,
             today: date, left: bool = False, *, zone: str = "") -> list[Element]:
    """A request on a long pending list: who asks, for which platform, its purpose on one line, whether its dates have
    passed, whether its member of staff has left the staff list (`left`), and its full card."""
    sent = strings.text("perm.request_line", lang, id=request.request_id, school=school,
                        when=when_read(strings, lang, request.submitted_at, zone))
    asked = who_asks(strings, lang, request) if request.requester.name else _begun_with_a_capital(
        who_asked(strings, lang, request))
    return [plain_text(f"{asked} · {request.platform_name}", weight="Bolder"),
            user_text(clean_user_text(request.purpose, limit=48, one_line=True), italic=True),
            plain_text(sent, subtle=True, size="Small"), *_dates_notice(strings, lang, request, today, short=True),
            *(_left_notice(strings, lang, request) if left else []),
            *_problem(strings, lang, problem), action_set([_see_in_full(strings, lang, request)])]


def register_card(strings: Catalogue, lang: Lang, requests: Sequence[tuple[PermissionRequest, str]], *,
                  start: int = 0, notice: str = "", endable: Collection[str] = (), left: Collection[str] = (),
                  zone: str = "") -> Card:
    """The federation's official accounts: approved permissions still in force, each with when it was approved (UK
    time, said so to a reader whose clocks, `zone`, show another hour) and
    the dates approved (an account approved until the summer is not a permanent one). From the `start`th, as many as
    fit (`MAX_LISTED` at most); when there are more, how many, and Show more, which goes on after the last one shown.
    `notice`: why the list begins where it does (a Show more that found nothing after the last one it showed), or what
    an End pressed on it did. `endable`: the ids of the requests the reader decides, each with End (its answer is the
    list from where this card begins); `left`: those whose member of staff is no longer on the staff list, marked."""
    body: list[Element] = [heading(strings.text("perm.register_title", lang))]
    if notice:
        # What a press did names whoever made the change, as Teams gives the name: a cleaned TextRun, never markdown.
        body.append(plain_text(notice, weight="Bolder"))
    if not requests:
        body.append(text(strings.text("perm.register_empty", lang)))
    start = min(max(start, 0), max(len(requests) - 1, 0))
    here = {"start": str(start), "after": requests[start - 1][0].request_id} if start else {}
    footer = [execute(strings.text("button.pending", lang), VERB_PENDING, shown_in(lang))]
    entries: list[Element] = []
    for request, school in requests[start:]:
        account = request.existing_account or request.purpose
        approved = strings.text("perm.register_line", lang, id=f"**{request.request_id}**", school=school,
                                when=when_read(strings, lang, request.decided_at, zone))
        items: list[Element] = [
            text(approved),
            user_text(f"{request.platform_name}: {account} ({who_asked(strings, lang, request)})", limit=300),
            labelled(strings.text("perm.label.dates", lang), _dates(strings, lang, request), limit=100),
            # Still standing until the wider approval's first day: from when it no longer does.
            *(_replacing(strings, lang, request, size="Small") if request.superseded_from else [])]
        if request.request_id in left:
            # The name comes from Teams: a cleaned TextRun keeps it from being read as markdown.
            items.append(plain_text(_about_her(strings, "perm.register_left", lang, request),
                                    weight="Bolder", color="Attention"))
        if request.request_id in endable:
            data = {"id": request.request_id, "from": "register", **here, **shown_in(lang)}
            items.append(action_set([end_button(strings, lang, request, data, decider=True, listed=True)]))
        entry = {"type": "Container", "separator": True, "items": items}
        # Teams refuses a card over 28 KB: as many as fit with the count and Show more, which opens the next ones.
        more = _show_more(strings, lang, VERB_REGISTER, start + len(entries) + 1, request)
        if entries and (len(entries) >= MAX_LISTED or card_bytes(card(
                [*body, *_register_more(strings, lang, len(requests), start, len(entries) + 1), *entries, entry,
                 *button_rows([more, *footer])])) > MAX_CARD_BYTES):
            break
        entries.append(entry)
    if start or start + len(entries) < len(requests):
        body += _register_more(strings, lang, len(requests), start, len(entries))
        if start + len(entries) < len(requests):
            last, _ = requests[start + len(entries) - 1]
            # Show more and Pending requests in rows that fit a phone: one row of card actions is never wrapped.
            return card([*body, *entries, *button_rows(
                [_show_more(strings, lang, VERB_REGISTER, start + len(entries), last), *footer])])
    return card([*body, *entries], footer)


def _register_more(strings: Catalogue, lang: Lang, total: int, start: int, shown: int) -> list[Element]:
    """How many official accounts there are, which ones this card shows, and where the whole record is."""
    return [text(strings.text("perm.register_count", lang, count=total, first=start + 1, last=start + shown),
                 weight="Bolder"),
            text(strings.text("perm.register_export", lang), subtle=True, size="Small")]
