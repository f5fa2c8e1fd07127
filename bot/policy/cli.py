"""Command-line checks of the policy without Teams or storage: `ask` (`validate-policy`, which speaks Welsh too, is
bot/validate_policy_command.py).

It reads the policy file named by `--policy`, else POLICY_FILE, else the shipped one (`loader.policy_file`).
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.policy.details import PolicyDetails
from bot.policy.loader import (
    PolicyFileError,
    PolicyFileUnreadable,
    add_policy_option,
    load_policy,
    readable_policy_file,
)
from bot.policy.model import quotes
from bot.policy.retrieval import Answer, PolicyIndex
from bot.policy.sentence import ModelMissing

# What a card says above a tentative answer (`ask.tentative`), for the policy owner checking it.
TENTATIVE = ('Tentative: the card tells staff "This is the nearest the policy comes, and it may not answer your '
             'question exactly."')


def answer_json(answer: Answer, details: PolicyDetails | None = None) -> str:
    """One answer as the JSON object `ask --json` prints (`quote` in the document's English; `quote_cy` its Welsh,
    for a Welsh question on a bilingual document; `clause` the quoted clause's number, where the document numbers
    them; `tentative` when the card says it may not answer the question exactly; `source` the version answered from,
    as cards cite it); a question about the document adds the `detail` asked for and its `value`, and for a Welsh
    question `value_cy`, the detail as the Welsh About card shows it. Where the document does not give
    the detail but the card gives another in its place, `value` is that one and `value_is` says which:
    "date_of_issue" for a last review, "applies_to" (the federation line) for the schools."""
    section = answer.section.heading_en if answer.answered and answer.section else ""
    shown: dict[str, object] = {"answered": answer.answered, "section": section, "quote": answer.quote,
                                "score": answer.score, "tentative": answer.answered and answer.tentative}
    if details:
        shown["source"] = details.citation.en
    if answer.language == "cy" and any(p.text_cy for p in answer.passages):  # quoted from a bilingual document
        shown["quote_cy"] = " ".join(p.quote("cy") for p in answer.passages)
    if clauses := [p.clause for p in answer.passages if p.clause]:
        shown["clause"] = clauses[0]
    if answer.detail:
        detail = answer.detail
        instead = details.given_instead(detail) if details and not details.asked(detail, "en") else None

        def value(lang: str) -> str:
            if instead is not None:
                return instead[1].text(lang)
            return details.asked(detail, lang) if details else ""

        shown.update(detail=detail, value=value("en"))
        if answer.language == "cy":
            shown["value_cy"] = value("cy")
        if instead is not None:
            shown["value_is"] = instead[0]
    return json.dumps(shown, ensure_ascii=False)


def ask_command(argv: list[str]) -> int:
    """`ask [--json] [--policy FILE] QUESTION|-`: answer one question, or one per line from stdin."""
    parser = argparse.ArgumentParser(
        prog="python -m bot ask", description="Answer a question from the policy."
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per question")
    add_policy_option(parser)
    parser.add_argument("question", help='the question, or "-" to read one question a line from stdin')
    args = parser.parse_args(argv)
    try:
        path = readable_policy_file(args.policy)
    except PolicyFileUnreadable as error:
        print(f"ask: {error}", file=sys.stderr)
        return 2
    try:
        policy = load_policy(path)
        index = PolicyIndex(policy)
    except (PolicyFileError, ModelMissing) as error:
        print(error, file=sys.stderr)
        return 2
    if not args.json:  # the bot answers from the version published in Teams, once there is one; this is the file
        print(f"Answering from {path}: {policy.details.citation.en}. (The bot answers from the version published in "
              "Teams once there is one: `python -m bot policy-versions` lists them.)\n", flush=True)
    questions = (line.rstrip("\n") for line in sys.stdin) if args.question == "-" else iter([args.question])
    for question in questions:
        if args.question == "-" and not question.strip():
            continue
        answer = index.answer(question)
        if args.json:
            print(answer_json(answer, policy.details), flush=True)
        elif answer.detail:  # in the language the bot would answer in, as its About card shows the detail
            lang = answer.language
            value = policy.details.asked(answer.detail, lang) or _not_given(policy.details, answer.detail, lang)
            card = " (Welsh card)" if lang == "cy" else ""
            print(f"About the document, {answer.detail.replace('_', ' ')}{card}: {value}\n", flush=True)
        elif answer.answered and answer.section:
            heading = answer.section.heading(answer.language)
            shown = " ".join(quotes(policy.in_context(answer.passages), answer.language))
            note = f"\n{TENTATIVE}" if answer.tentative else ""
            print(f"{heading} (score {answer.score:.2f}):\n{shown}{note}\n", flush=True)
        else:
            closest = ", ".join(answer.closest_sections) or "none"
            print(
                f"Not covered by the policy (score {answer.score:.2f}); closest sections: {closest}\n",
                flush=True,
            )
    return 0


def _not_given(details: PolicyDetails, detail: str, lang: str) -> str:
    """As the About card says it: for the last review, with the date the document does give; for the schools, with
    what it applies to."""
    instead = details.given_instead(detail)
    if instead is None:
        return "(the document does not say)"
    what, value = instead[0], instead[1].text(lang)
    if what == "date_of_issue":
        return f"(the document does not say; its date of issue is {value})"
    return f"(the document does not name the schools it covers; it applies to {value})"
