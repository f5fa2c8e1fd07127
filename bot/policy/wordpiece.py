"""BERT's uncased WordPiece tokenizer in plain Python, reading the model's own tokenizer.json.

It gives the same ids as Hugging Face's `tokenizers` for this model (tests/unit/test_wordpiece.py compares
them), without that library's ~15 MB in the bot's memory: the bot's memory target is 200 MB.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

_CONTROL_KEEP = "\t\n\r"


class WordPiece:
    """Text to word-piece ids: clean, lower-case, strip accents, split on spaces and punctuation, then the
    longest pieces from the vocabulary, with [CLS] and [SEP] around them."""

    def __init__(self, tokenizer_json: Path, max_pieces: int) -> None:
        """Read the vocabulary and special tokens; `max_pieces` counts [CLS] and [SEP]."""
        spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
        model = spec["model"]
        if model.get("type") != "WordPiece" or not spec["normalizer"].get("lowercase", False):
            raise ValueError(f"{tokenizer_json.name}: not an uncased WordPiece tokenizer")
        self._vocab: dict[str, int] = model["vocab"]
        self._prefix: str = model.get("continuing_subword_prefix", "##")
        self._longest_word: int = model.get("max_input_chars_per_word", 100)
        self._unknown = self._vocab[model.get("unk_token", "[UNK]")]
        self._first = self._vocab["[CLS]"]
        self._last = self._vocab["[SEP]"]
        self._max_pieces = max_pieces

    def encode(self, text: str) -> list[int]:
        """The ids of a text, truncated to `max_pieces` in all."""
        ids = [self._first]
        room = self._max_pieces - 1
        for word in _words(text):
            ids.extend(self._pieces(word))
            if len(ids) >= room:
                break
        return ids[:room] + [self._last]

    def knows_whole(self, word: str) -> bool:
        """Whether a (lower-case) word is one piece of the vocabulary: a word the model has a meaning for as it stands,
        not one it spells out in pieces ("facebok" is "face", "##bo", "##k")."""
        return word in self._vocab

    def _pieces(self, word: str) -> list[int]:
        if len(word) > self._longest_word:
            return [self._unknown]
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else self._prefix + word[start:end]
                found = self._vocab.get(piece)
                if found is not None:
                    pieces.append(found)
                    break
                end -= 1
            else:
                return [self._unknown]
            start = end
        return pieces


def _words(text: str) -> list[str]:
    """BERT's basic tokenizer: drop control characters, space out Chinese characters, lower-case, strip accents,
    split on white space, and make each punctuation mark a word of its own."""
    cleaned = []
    for ch in text:
        code = ord(ch)
        if code == 0 or code == 0xFFFD or _is_control(ch):
            continue
        if _is_chinese(code):
            cleaned.append(f" {ch} ")
        else:
            cleaned.append(" " if _is_space(ch) else ch)
    # Character by character, as the reference does: str.lower() would turn a word-final Σ into ς, not σ.
    lowered = unicodedata.normalize("NFD", "".join(ch.lower() for ch in "".join(cleaned)))
    plain = "".join(ch for ch in lowered if unicodedata.category(ch) != "Mn")
    words: list[str] = []
    for chunk in plain.split():
        current = ""
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                    current = ""
                words.append(ch)
            else:
                current += ch
        if current:
            words.append(current)
    return words


def whole_words(tokenizer_json: Path, *, below: int | None = None) -> frozenset[str]:
    """The vocabulary's whole words of letters (not the pieces of a word, nor "[CLS]" and the like): the English words,
    and the names, the model knows as they stand; with `below`, only those of a lower id (the vocabulary is in the
    order of how often its words are written, so the commonest)."""
    vocab: dict[str, int] = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(word for word, at in vocab.items() if word.isalpha() and (below is None or at < below))


def _is_space(ch: str) -> bool:
    return ch.isspace()


def _is_control(ch: str) -> bool:
    if ch in _CONTROL_KEEP:
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co", "Cs")


def _is_punctuation(ch: str) -> bool:
    code = ord(ch)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_chinese(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )
