"""The policy owner's 'questions for review' list stays within Teams' 28 KB with long questions, and says how many
it leaves out."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.domain.people import Lang
from cards.answer import ReviewItem, review_card
from cards.elements import MAX_CARD_BYTES, card_bytes
from cards.i18n import load_catalogue

STRINGS = load_catalogue()
QUESTION = ("A allaf i rannu lluniau o'r daith i Gaerdydd ar dudalen Facebook yr ysgol os yw'r rhieni wedi rhoi "
            "caniatâd, ac a oes angen i mi ofyn i'r pennaeth yn gyntaf? ") * 4


@pytest.mark.parametrize("lang", list(Lang))
def test_25_long_questions_from_an_earlier_version_fit_and_the_rest_are_counted(lang: Lang) -> None:
    """25 questions of 500 letters, each unhelpful on a section of version 3 and waiting for a reply, made a card of
    29 KB in Welsh (28.5 KB in English), which Teams refuses: the policy owner saw no list at all."""
    section = STRINGS.text("ask.review_section_of_version", lang, version="3",
                           section="Defnyddio cyfryngau cymdeithasol yn bersonol a phroffesiynol")
    items = [ReviewItem(question=QUESTION, asked_at=datetime(2026, 11, 2, 9, n, tzinfo=UTC), unanswered=False,
                        section=section, question_id=f"Q-{n:026d}", waiting=True, more_from_asker=3)
             for n in range(25)]

    listed = review_card(STRINGS, lang, items, left_out=4975)

    shown = sum(json.dumps(listed, ensure_ascii=False).count(f"Q-{n:026d}") for n in range(25))
    left_out = STRINGS.text("ask.review_left_out", lang, count=4975 + 25 - shown)
    assert card_bytes(listed) <= MAX_CARD_BYTES
    assert shown > 0 and left_out in json.dumps(listed, ensure_ascii=False)
