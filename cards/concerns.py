"""Cards of the concern flow: the kind form, the receipt, the line manager's card, reminders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.concerns import LIMITS, ConcernReport, ReportState
from bot.domain.people import Lang
from cards.answer import when
from cards.elements import Card, Element, card, clean_user_text, execute, facts, heading, text, user_text
from cards.i18n import Catalogue

VERB_SUBMIT = "concern.submit"
VERB_ACKNOWLEDGE = "concern.acknowledge"
VERB_ESCALATE = "concern.escalate"
VERB_CLOSE = "concern.close"


def form_card(strings: Catalogue, lang: Lang, *, manager: str, contact: str, reference: str = "",
              values: Mapping[str, Any] | None = None, error: str = "") -> Card:
    """The short, kind form; it says plainly who will see the report (`contact` empty: nobody else)."""
    given = values or {}

    def value(key: str) -> str:
        raw = given.get(key)
        return clean_user_text(raw, limit=LIMITS.get(key, 300)) if isinstance(raw, str) else ""

    def field(key: str, *, multiline: bool = False, required: bool = False) -> Element:
        element: Element = {"type": "Input.Text", "id": key, "label": strings.text(f"concern.field.{key}", lang),
                            "isMultiline": multiline, "maxLength": LIMITS[key], "isRequired": required}
        if required:
            element["errorMessage"] = strings.text("concern.required", lang)
        if value(key):
            element["value"] = value(key)
        return element

    def toggle(key: str) -> Element:
        return {"type": "Input.Toggle", "id": key, "title": strings.text(f"concern.field.{key}", lang),
                "valueOn": "true", "valueOff": "false", "value": "true" if value(key) == "true" else "false",
                "wrap": True}

    body: list[Element] = [heading(strings.text("concern.form_title", lang)),
                           text(strings.text("concern.form_intro", lang)),
                           {"type": "Container", "style": "emphasis", "items": [
                               text(strings.text("concern.who_sees", lang, name=manager, contact=contact) if contact
                                    else strings.text("concern.who_sees_only", lang, name=manager))]},
                           field("what", multiline=True, required=True), field("since"), field("where"),
                           field("who"), field("evidence", multiline=True), toggle("meeting"), toggle("urgent")]
    if error:
        body.append({"type": "TextBlock", "text": error, "color": "Attention", "wrap": True})
    data = {"ref": reference} if reference else None
    return card(body, [execute(strings.text("concern.submit", lang), VERB_SUBMIT, data, style="positive",
                               associated_inputs="auto")])


def receipt_card(strings: Catalogue, lang: Lang, report: ConcernReport) -> Card:
    """What the reporter sees once it is sent: a reference, who it went to, and why."""
    name = report.assigned_to.name
    return card([heading(strings.text("concern.receipt_title", lang, ref=report.reference)),
                 text(strings.text("concern.receipt_to", lang, name=name), weight="Bolder"),
                 text(strings.text(f"concern.why.{report.route.value}", lang, name=name)),
                 text(strings.text("concern.receipt_next", lang, ref=report.reference), subtle=True)])


def _details(strings: Catalogue, lang: Lang, report: ConcernReport) -> list[Element]:
    rows: list[Element] = [user_text(report.what, limit=LIMITS["what"])]
    pairs = [(strings.text("concern.label.submitted", lang), when(report.submitted_at))]
    for key, value in (("since", report.since), ("where", report.where), ("who", report.who)):
        if value:
            pairs.append((strings.text(f"concern.label.{key}", lang), clean_user_text(value, limit=LIMITS[key])))
    rows.append(facts(pairs))
    if report.evidence:
        rows += [text(strings.text("concern.label.evidence", lang), weight="Bolder", size="Small"),
                 user_text(report.evidence, limit=LIMITS["evidence"])]
    if report.escalation_note:
        rows += [text(strings.text("concern.label.note", lang), weight="Bolder", size="Small"),
                 user_text(report.escalation_note, limit=LIMITS["note"])]
    if report.urgent:
        rows.append({"type": "TextBlock", "text": strings.text("concern.flag.urgent", lang), "color": "Attention",
                     "weight": "Bolder", "wrap": True})
    if report.wants_meeting:
        rows.append(text(strings.text("concern.flag.meeting", lang), weight="Bolder"))
    return rows


def _state(strings: Catalogue, lang: Lang, report: ConcernReport) -> Element:
    moment = {ReportState.OPEN: report.submitted_at, ReportState.ACKNOWLEDGED: report.acknowledged_at,
              ReportState.ESCALATED: report.escalated_at, ReportState.CLOSED: report.closed_at}[report.state]
    return text(strings.text(f"concern.state.{report.state.value}", lang, when=when(moment),
                             name=report.escalation_contact.name), weight="Bolder")


def holder_card(strings: Catalogue, lang: Lang, report: ConcernReport, *, reminder: bool = False,
                can_act: bool = True) -> Card:
    """The line manager's (or escalation contact's) private card, with what they can do next."""
    reporter = clean_user_text(report.reporter.name, limit=100)
    escalated = report.state is ReportState.ESCALATED
    title_key = "concern.escalated_title" if escalated else "concern.manager_title"
    body: list[Element] = [heading(strings.text(title_key, lang, ref=report.reference, name=reporter))]
    if reminder:
        body.append({"type": "TextBlock", "text": strings.text("concern.reminder_body", lang,
                                                                 name=report.escalation_contact.name),
                     "color": "Warning", "wrap": True})
    body += [text(strings.text("concern.manager_intro", lang, name=reporter)), _state(strings, lang, report),
             *_details(strings, lang, report)]
    data = {"ref": report.reference}
    actions: list[Element] = []
    if can_act and report.state is not ReportState.CLOSED:
        if report.acknowledged_at is None:
            actions.append(execute(strings.text("concern.acknowledge", lang), VERB_ACKNOWLEDGE, data, style="positive"))
        if not escalated and report.can_escalate:
            name = report.escalation_contact.name
            body.append({"type": "Input.Text", "id": "note", "isMultiline": True, "maxLength": LIMITS["note"],
                         "label": strings.text("concern.note_label", lang, name=name)})
            actions.append(execute(strings.text("concern.escalate", lang, name=name), VERB_ESCALATE, data,
                                   associated_inputs="auto"))
        actions.append(execute(strings.text("concern.close", lang), VERB_CLOSE, data))
    return card(body, actions)


def reminder_title(strings: Catalogue, lang: Lang, report: ConcernReport) -> Card:
    """The reminder: the same card, with a warning above it."""
    result = holder_card(strings, lang, report, reminder=True)
    result["body"][0]["text"] = strings.text("concern.reminder_title", lang, ref=report.reference)
    return result


def acknowledged_card(strings: Catalogue, lang: Lang, report: ConcernReport, *, by: str) -> Card:
    """Tells the reporter their report was read."""
    return card([heading(strings.text("concern.acknowledged_title", lang, ref=report.reference)),
                 text(strings.text("concern.acknowledged_body", lang, name=by))])


def escalated_for_reporter(strings: Catalogue, lang: Lang, report: ConcernReport) -> Card:
    """Tells the reporter who can now see their report."""
    name = report.escalation_contact.name
    return card([heading(strings.text("concern.escalated_reporter_title", lang, ref=report.reference, name=name)),
                 text(strings.text("concern.escalated_reporter_body", lang, name=name))])
