"""What a person asked, from a message pasted from an email or sent from a phone: without the signature under it and
the lines of an email it quotes."""

from __future__ import annotations

import re

from bot.policy.lexicon import ENGLISH_STOPWORDS, WELSH_STOPWORDS
from dialogs.base import normalise
from dialogs.phrases import opening, read_phrases

SIGNATURE_LINES = read_phrases("signature-lines.txt")
SIGN_OFFS = frozenset(read_phrases("sign-offs.txt"))
# A signature under a sign-off: a name, a job, a school, a phone number; a few short lines, none of them a question.
SIGNATURE_MOST_LINES = 6
SIGNATURE_LINE_MOST_WORDS = 8


def _signature_line(line: str) -> bool:
    said = normalise(line)
    return opening(said, SIGNATURE_LINES) is not None


def _signed_below(lines: list[str]) -> bool:
    """True when what is under a sign-off reads as a signature: a few short lines with no question in them."""
    below = [line for line in lines if line.strip()]
    return len(below) <= SIGNATURE_MOST_LINES and all(
        "?" not in line and len(line.split()) <= SIGNATURE_LINE_MOST_WORDS for line in below)


def words_asked(text: str) -> str:
    """The message without what was pasted around the person's own words: from a signature line ("Sent from my
    iPhone", "Anfonwyd o'm iPhone") or a sign-off with a signature ("Thanks,\\nCarys Jenkins\\nTeacher of English")
    down, and the lines of an email it quotes ("> Dear Miss Jenkins, ..."). A message that is nothing else is kept as
    it came, and so is a one-line message ("thanks" on its own is a thanks, not a signature)."""
    lines = text.splitlines()
    if len(lines) < 2:
        return text
    own = [line for line in lines if not line.lstrip().startswith(">")]
    for number, line in enumerate(own):
        if number == 0 or not any(earlier.strip() for earlier in own[:number]):
            continue
        if _signature_line(line) or (normalise(line) in SIGN_OFFS and _signed_below(own[number + 1:])):
            own = own[:number]
            break
    kept = "\n".join(own).strip()
    return kept or text


# Most questions of one message answered one by one; a message of more is asked as it came, as one.
MOST_QUESTIONS = 3
# A shorter "question" is a follow-on of the one before it ("Can I post photos of pupils? Why?"), not one of its own; so
# is one of small words alone ("… on my own page? Is that ok?", a parent's email forwarded, then "What do I do?").
QUESTION_LEAST_WORDS = 3
_AFTER_A_QUESTION = re.compile(r"(?<=\?)\s+")


def _asks_about_what_came_before(part: str) -> bool:
    """A "question" short or of small words alone ("Why?", "Is that ok?", "What do I do?", "Beth ddylwn i ei wneud?"):
    it asks about the words before it, and has nothing to ask on its own."""
    said = normalise(part).split()
    return len(said) < QUESTION_LEAST_WORDS or all(
        word in ENGLISH_STOPWORDS or word in WELSH_STOPWORDS for word in said)


def questions_in(text: str) -> list[str]:
    """The questions of a message that asks more than one ("Can I friend a parent on Facebook? And what about
    Instagram?"), each with the story told around it; a message of one question (however much story is around it), or
    of more than `MOST_QUESTIONS`, is one."""
    questions: list[str] = []
    story = ""
    for part in (part.strip() for part in _AFTER_A_QUESTION.split(text.strip())):
        if not part.endswith("?"):  # words after the last question: the story goes with it
            story = f"{story} {part}".strip()
        elif questions and _asks_about_what_came_before(part):
            questions[-1] = f"{questions[-1]} {part}"
        else:
            questions.append(f"{story} {part}".strip())
            story = ""
    if story and questions:
        questions[-1] = f"{questions[-1]} {story}"
    return questions if 2 <= len(questions) <= MOST_QUESTIONS else [text]
