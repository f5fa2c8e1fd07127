"""The figures card: what a headteacher tells the governors each term, in Teams, as counts only."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.figures import SMALLEST_SHOWN, ReadFigures, ReportFigures, RequestFigures, Term
from bot.domain.people import Lang
from cards.elements import Card, Element, card, facts, heading, sub_heading, text
from cards.i18n import Catalogue, and_list


def figures_card(strings: Catalogue, lang: Lang, *, term: Term, schools: Sequence[str], requests: RequestFigures,
                 reads: ReadFigures | None, reports: ReportFigures,
                 installed_again: tuple[str, str] | None = None) -> Card:
    """This term's permission decisions and those waiting, read and confirm of the version in force (`reads`: None when
    none was sent round; `installed_again`: the version in force, the one installed, and the last version sent round,
    withdrawn), and the federation's concern reports as counts, small ones as "fewer than 5"."""
    def count(value: int | None) -> str:
        return strings.text("figures.fewer_than", lang, count=SMALLEST_SHOWN) if value is None else str(value)

    body: list[Element] = [
        heading(strings.text("figures.title", lang)),
        text(strings.text(f"figures.term.{term.name.value}", lang, date=f"{term.starts:%d/%m/%Y}")),
        text(strings.text("figures.schools", lang, schools=and_list(schools, lang)), subtle=True, size="Small"),
        sub_heading(strings.text("figures.requests_title", lang)),
        facts([(strings.text("figures.approved", lang), str(requests.approved)),
               (strings.text("figures.declined", lang), str(requests.declined)),
               (strings.text("figures.waiting", lang), str(requests.waiting))]),
    ]
    if reads is None and installed_again is not None:
        version, latest = installed_again
        body.append(text(strings.text("figures.reads_installed_again", lang, version=version, latest=latest)))
    elif reads is None:
        body.append(text(strings.text("figures.reads_none", lang)))
    else:
        body += [sub_heading(strings.text("figures.reads_title", lang, version=reads.version)),
                 facts([(strings.text("figures.asked", lang), str(reads.asked)),
                        (strings.text("figures.confirmed", lang), str(reads.confirmed)),
                        (strings.text("figures.still_to_read", lang), str(reads.still_to_read))])]
    body += [sub_heading(strings.text("figures.reports_title", lang)),
             facts([(strings.text("figures.received", lang), count(reports.received)),
                    (strings.text("figures.still_open", lang), count(reports.still_open))]),
             text(strings.text("figures.reports_note", lang), subtle=True, size="Small"),
             text(strings.text("figures.for_the_record", lang), subtle=True, size="Small")]
    return card(body)
