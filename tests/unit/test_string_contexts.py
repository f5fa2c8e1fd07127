"""A Welsh string is written for one place: a string key is never used both on its own and inside another string,
and no Welsh placeholder sits where Welsh grammar would mutate what fills it (WELSH.md, "Register and grammar").

The mistake these catch: a status word written to follow "ei" ("Cafodd eich cais ei gymeradwyo"), so mutated, then
reused standing alone in a list ("· gymeradwyo"), where it should be the radical form ("Cymeradwywyd")."""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Mapping

from bot.domain.people import Lang
from cards.gallery import gallery
from cards.i18n import Catalogue, load_catalogue

# Words after which Welsh mutates the next word (soft, aspirate or nasal): a name or phrase filled in after one of
# them would stay unmutated, so the sentence must be turned round instead ("Mae {name} wedi ateb", not "gan {name}").
MUTATING = frozenset({
    "a", "â", "am", "ar", "at", "dan", "dau", "dros", "drwy", "dwy", "dy", "ei", "fy", "gan", "go", "gyda", "heb",
    "hyd", "i", "mor", "na", "neu", "ni", "o", "pa", "rhy", "tan", "trwy", "tua", "wrth", "y", "yn", "yr",
})
# Placeholders always filled with digits, dates or references, which no mutation changes.
NEVER_MUTATED = frozenset({"count", "id", "length", "limit", "minutes", "read", "ref", "total", "when"})
_BEFORE_PLACEHOLDER = re.compile(r"(?:^|[\s(\"'])([^\W\d_]+)\s+\{([a-z_]+)\}", re.IGNORECASE)


class _Looked(str):
    """A catalogue string that remembers which lookup made it."""

    lookup: int


class RecordingCatalogue(Catalogue):
    """The real catalogue, noting for each lookup whether its text was then filled into another string."""

    def __init__(self, entries: Mapping[str, Mapping[str, str]]) -> None:
        super().__init__(entries)
        self.keys_looked: list[str] = []
        self.filled_into: dict[int, set[str]] = defaultdict(set)

    def text(self, key: str, lang: Lang, /, **values: object) -> str:
        for value in values.values():
            if isinstance(value, _Looked):
                self.filled_into[value.lookup].add(key)
        result = _Looked(super().text(key, lang, **values))
        result.lookup = len(self.keys_looked)
        self.keys_looked.append(key)
        return result

    def uses(self) -> dict[str, set[str]]:
        """For each key: "alone" when some lookup's text went onto a card by itself (or joined to other text by
        code), and "in KEY" for each string some lookup's text was filled into."""
        found: dict[str, set[str]] = defaultdict(set)
        for lookup, key in enumerate(self.keys_looked):
            outer = self.filled_into.get(lookup)
            found[key] |= {f"in {o}" for o in outer} if outer else {"alone"}
        return found


def _entries() -> dict[str, dict[str, str]]:
    strings = load_catalogue()
    return {key: {lang.value: strings.text(key, lang) for lang in Lang} for key in strings.keys()}


def _both_ways(uses: Mapping[str, set[str]]) -> dict[str, list[str]]:
    return {key: sorted(ways) for key, ways in uses.items() if "alone" in ways and len(ways) > 1}


def test_no_string_is_shown_both_on_its_own_and_inside_another_string() -> None:
    recording = RecordingCatalogue(_entries())

    gallery(recording)

    uses = recording.uses()
    assert any(ways != {"alone"} for ways in uses.values()), "no string was filled into another: not recording"
    assert len(uses) > 150, "the gallery looked up too few strings for this check to mean anything"
    assert _both_ways(uses) == {}, "give each place its own key, written for that place"


def test_a_key_reused_standalone_and_in_a_sentence_is_caught() -> None:
    entries = _entries()
    entries["x.word"] = {"en": "approved", "cy": "gymeradwyo"}
    entries["x.title"] = {"en": "Your request was {decision}", "cy": "Cafodd eich cais ei {decision}"}
    recording = RecordingCatalogue(entries)

    recording.text("x.title", Lang.CY, decision=recording.text("x.word", Lang.CY))
    recording.text("x.word", Lang.CY)

    assert _both_ways(recording.uses()) == {"x.word": ["alone", "in x.title"]}


def _mutated_placeholders(template: str) -> list[str]:
    return [f"{word} {{{name}}}" for word, name in _BEFORE_PLACEHOLDER.findall(template)
            if word.casefold() in MUTATING and name not in NEVER_MUTATED]


def test_no_welsh_placeholder_follows_a_word_that_would_mutate_it() -> None:
    strings = load_catalogue()
    formatter = string.Formatter()

    found = {key: _mutated_placeholders(strings.text(key, Lang.CY)) for key in strings.keys()
             if any(name for _, name, _, _ in formatter.parse(strings.text(key, Lang.CY)))}

    assert {key: places for key, places in found.items() if places} == {}


def test_a_placeholder_after_a_mutating_word_is_caught() -> None:
    assert _mutated_placeholders("Rwyf wedi anfon eich cwestiwn at {name}.") == ["at {name}"]
    assert _mutated_placeholders("Cafodd eich cais {id} ei {decision}") == ["ei {decision}"]
    assert _mutated_placeholders("Yn aros (am {name})") == ["am {name}"]
    assert _mutated_placeholders("Mae {name} wedi ateb ({when}); anfonwyd ar {when}.") == []
    assert _mutated_placeholders("Nodyn ar gyfer {name}: {first}, ac yna {then}") == []
