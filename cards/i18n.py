"""The catalogue of everything a person reads, in English and Welsh."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.domain.people import Lang
from bot.policy.document_lines import PolicyImportError
from bot.policy.notes import Note

STRINGS_DIR = Path(__file__).resolve().parent / "strings"


class CatalogueError(ValueError):
    """A strings file is wrong; the message names the file and key."""


class Catalogue:
    """Strings by key and language; values are filled with `str.format` after lookup."""

    def __init__(self, entries: Mapping[str, Mapping[str, str]]) -> None:
        self._entries = dict(entries)

    def text(self, key: str, lang: Lang, /, **values: object) -> str:
        """The string for `key` in `lang`, with `{placeholders}` filled from `values`."""
        template = self._entries[key][lang.value]
        return template.format(**values) if values else template

    def keys(self) -> list[str]:
        """Every key, sorted."""
        return sorted(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries


def load_catalogue(directory: Path = STRINGS_DIR) -> Catalogue:
    """Merge every `*.json` strings file, refusing duplicates and missing languages."""
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(directory.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise CatalogueError(f"{path.name}: expected an object of key -> {{en, cy}}")
        for key, value in raw.items():
            if key in entries:
                raise CatalogueError(f"{path.name}: key {key!r} is defined twice")
            if not isinstance(value, dict) or set(value) != {"en", "cy"}:
                raise CatalogueError(f"{path.name}: key {key!r} needs exactly 'en' and 'cy'")
            if not all(isinstance(text, str) and text.strip() for text in value.values()):
                raise CatalogueError(f"{path.name}: key {key!r} has an empty string")
            entries[key] = {"en": value["en"], "cy": value["cy"]}
    return Catalogue(entries)


def and_list(items: Sequence[str], lang: Lang) -> str:
    """ "parents, pupils and the public"; in Welsh "a" becomes "ac" before a vowel and "a'r" before "y"."""
    if len(items) < 2:
        return "".join(items)
    *first, last = items
    if lang is not Lang.CY:
        return f"{', '.join(first)} and {last}"
    if last.startswith("y "):
        joined = f"a'r {last[2:]}"
    elif last[:1].lower() in "aeiouwyâêîôûŵŷ":
        joined = f"ac {last}"
    else:
        joined = f"a {last}"
    return f"{', '.join(first)} {joined}"


def note_text(strings: Catalogue, note: Note, lang: Lang) -> str:
    """A note of the importer or the policy check for the policy owner, in `lang`: a value that is a note (a detail's
    name, a place in the document) is said in `lang` too, and a tuple of them as a list."""
    def said(value: object) -> object:
        if isinstance(value, Note):
            return note_text(strings, value, lang)
        if isinstance(value, tuple):
            return ", ".join(str(said(item)) for item in value)
        return value

    return strings.text(note.key, lang, **{name: said(value) for name, value in note.values.items()})


def refusal_text(strings: Catalogue, error: PolicyImportError, lang: Lang) -> str:
    """Why a document cannot be imported, in `lang` where the string tables say it, else in the importer's words."""
    return note_text(strings, error.note, lang) if error.note is not None else str(error)
