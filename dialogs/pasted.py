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
# "and can I", "a ga i": where a second question starts in a sentence that has one "?" at its end.
SECOND_QUESTIONS = read_phrases("second-questions.txt")
# Welsh "a" after these is "whether", not "and": "dw i ddim yn siŵr a ddylwn i bostio…" is one question.
ASKING_WHETHER = frozenset(read_phrases("asking-whether.txt"))
_SECOND_QUESTION_MOST_WORDS = max((len(phrase.split()) for phrase in SECOND_QUESTIONS), default=0) + 2


def _asks_about_what_came_before(part: str) -> bool:
    """A "question" short or of small words alone ("Why?", "Is that ok?", "What do I do?", "Beth ddylwn i ei wneud?"):
    it asks about the words before it, and has nothing to ask on its own."""
    said = normalise(part).split()
    return len(said) < QUESTION_LEAST_WORDS or all(
        word in ENGLISH_STOPWORDS or word in WELSH_STOPWORDS for word in said)


def _one_by_one(question: str) -> list[str]:
    """A question that holds a second one after "and can I" or "a ga i" ("Can I post photos of the trip and can I
    friend parents?") as its questions, each ending "?" (the joining word left out); else the question alone. Each
    must be a question of its own, not small words alone."""
    found = list(re.finditer(r"\S+", question))
    said = [normalise("and" if word.group() == "&" else word.group()).strip() for word in found]
    for at in range(QUESTION_LEAST_WORDS, len(found) - 1):
        following = " ".join(word for word in said[at:at + _SECOND_QUESTION_MOST_WORDS] if word)
        if opening(following, SECOND_QUESTIONS) is None or said[at - 1] in ASKING_WHETHER:
            continue
        first = f"{question[:found[at].start()].rstrip(' ,;-')}?"
        rest = question[found[at + 1].start():]
        if not _asks_about_what_came_before(first) and not _asks_about_what_came_before(rest):
            return [first, *_one_by_one(rest)]
    return [question]


def _said_once(text: str) -> str:
    """A message that is the same words twice over ("can i friend parents" pasted twice, with no "?" between) as the
    words once; any other message as it came."""
    found = list(re.finditer(r"\S+", text))
    said = [normalise(word.group()) for word in found]
    half = len(said) // 2
    if len(said) < 2 * QUESTION_LEAST_WORDS or len(said) % 2 or said[:half] != said[half:]:
        return text
    return text[: found[half - 1].end()]


def questions_in(text: str) -> list[str]:
    """The questions of a message that asks more than one ("Can I friend a parent on Facebook? And what about
    Instagram?", or "Can I post photos of the trip and can I friend parents?" with one "?"), each with the story told
    around it; a message of one question (however much story is around it), or
    of more than `MOST_QUESTIONS`, is one. A question pasted twice (or more) is asked once."""
    text = _said_once(text)
    questions: list[str] = []
    story = ""
    typed = (piece.strip() for piece in _AFTER_A_QUESTION.split(text.strip()))
    for part in (each for piece in typed for each in (_one_by_one(piece) if piece.endswith("?") else [piece])):
        if not part.endswith("?"):  # words after the last question: the story goes with it
            story = f"{story} {part}".strip()
        elif questions and _asks_about_what_came_before(part):
            questions[-1] = f"{questions[-1]} {part}"
        else:
            questions.append(f"{story} {part}".strip())
            story = ""
    if story and questions:
        questions[-1] = f"{questions[-1]} {story}"
    said = [normalise(question).split() for question in questions]
    asked = [question for n, question in enumerate(questions) if said[n] not in said[:n]]
    if len(asked) == 1 < len(questions):  # "Can I …? Can I …?": the same question pasted twice is asked once
        return asked
    return asked if 2 <= len(asked) and len(questions) <= MOST_QUESTIONS else [text]
