"""What `near_name` reads, over a fixed body of text, so a change to it can be compared before and after.

`python scripts/near_name_differential.py OUT` writes to OUT one line for each text and colleague it reads a word of as
near the colleague's name (`source`, the colleague, the text, the word), and prints how many it read and found. Run it
before and after a change and `diff` the two: every line that differs is a text now read otherwise. The texts:

- every question of `eval/sets/*.jsonl` (its "q" only), as written and in capitals, against everyone on the fictional
  staff list and against made-up colleagues holding every three- to eight-letter name of `bot/domain/data/names.txt`
  and `nicknames.txt` (a dozen names to a colleague, so each question is read some 60 times, not 600);
- every string of the concern tests (`tests/flows/test_concern*.py`, `tests/unit/test_report_rules.py`,
  `tests/http/test_concern_safety.py`, `tests/support/concerns.py`), against the same colleagues;
- each of those names slipped (a letter dropped, added or changed, two side by side or apart swapped, stretched, with a
  nickname's ending, two slips, Welsh mutated and then slipped), written in the sentences of `TEMPLATES` (with its
  capital, in small letters, in capitals, first in a sentence, after a title, after a Welsh word that mutates it,
  before a capitalised word), against a colleague of that name alone.

Some 4.4 million readings, 766,000 of them near a name (a 45 MB file): about 7 minutes on a quiet machine.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.domain.concerns import _data_lines, _mutated, near_name, nicknames  # noqa: E402
from bot.domain.directory import read_staff_csv  # noqa: E402
from bot.domain.people import StaffContact  # noqa: E402
from bot.domain.text import fold  # noqa: E402

TEST_FILES = (*sorted((REPO / "tests" / "flows").glob("test_concern*.py")), REPO / "tests/unit/test_report_rules.py",
              REPO / "tests/http/test_concern_safety.py", REPO / "tests/support/concerns.py")
# {c}: the slip with its capital, {s}: in small letters, {u}: in capitals.
TEMPLATES = (
    "{c} keeps messaging me",
    "It was late. {c} sent it",
    "I get nasty messages from {c} every night",
    "i get nasty messages from {s} every night",
    "{u} KEEPS MESSAGING ME",
    "It's {u} who keeps messaging me",
    "Rwy'n cael negeseuon cas gan {c}",
    "rwy'n cael negeseuon cas gan {s} bob nos",
    "Mae {c} yn anfon negeseuon cas ataf",
    "Mr {s} keeps messaging me",
    "We went to {c} Castle on the trip",
    "Messages from {c}, Dafydd and Rhodri",
)
LETTERS = "aeiouyhlnrs"
GROUP = 12


def names() -> list[str]:
    """The three- to eight-letter names of names.txt and nicknames.txt, folded, sorted."""
    found = {fold(word) for line in _data_lines("names.txt") for word in line.split()}
    found |= {form for line in nicknames() for form in line}
    return sorted(n for n in found if n.isalpha() and 3 <= len(n) <= 8)


def questions() -> list[str]:
    return sorted({json.loads(line)["q"] for path in (REPO / "eval" / "sets").glob("*.jsonl")
                   for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})


def test_texts() -> list[str]:
    """Every string constant of the concern tests that has a space in it: their report texts and more."""
    found = set()
    for path in TEST_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value.strip():
                found.add(node.value)
    return sorted(found)


def one_slip(name: str) -> set[str]:
    n = len(name)
    out = {name[:i] + name[i + 1:] for i in range(n)}
    out |= {name[:i] + ch + name[i + 1:] for i in range(n) for ch in LETTERS}
    out |= {name[:i] + ch + name[i:] for i in range(n + 1) for ch in LETTERS}
    return out | swaps(name) | stretches(name) | {name + end for end in ("y", "ie", "o")}


def swaps(name: str) -> set[str]:
    n = len(name)
    return {name[:i] + name[j] + name[i + 1:j] + name[i] + name[j + 1:] for i in range(n) for j in range(i + 1, n)}


def stretches(name: str) -> set[str]:
    out = {name[:i + 1] + name[i] + name[i + 1:] for i in range(len(name))} | {name + name[-1] * 2}
    return out | {name[:i] + name[i + 1:] for i in range(1, len(name)) if name[i] == name[i - 1]}


def two_slips(name: str) -> set[str]:
    """Two swaps, or a swap and a letter dropped or stretched (a sample: every pair of one slip would be thousands)."""
    n = len(name)
    near = {name[:i] + name[i + 1] + name[i] + name[i + 2:] for i in range(n - 1)}
    out: set[str] = set()
    for word in near:
        out |= swaps(word) | {word[:i] + word[i + 1:] for i in range(len(word))} | stretches(word)
    return out


def slips(name: str) -> set[str]:
    out = one_slip(name) | two_slips(name)
    for mutated in _mutated(name):
        out |= {mutated} | swaps(mutated) | stretches(mutated) | {mutated[:i] + mutated[i + 1:]
                                                                for i in range(1, len(mutated))}
    return {w for w in out if w and w != name}


def colleagues() -> list[StaffContact]:
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"]).staff
    return [StaffContact(m.aad_object_id, m.name, m.email) for m in staff]


def readings() -> Iterator[tuple[str, StaffContact, str]]:
    every = names()
    groups = [StaffContact(f"names-{n}", " ".join(w.capitalize() for w in every[n:n + GROUP]))
              for n in range(0, len(every), GROUP)]
    against = [*colleagues(), *groups]
    for q in questions():
        for text in (q, q.upper()):
            for contact in against:
                yield "eval", contact, text
    for text in test_texts():
        for contact in against:
            yield "tests", contact, text
    for name in every:
        contact = StaffContact(f"name-{name}", name.capitalize())
        for slip in sorted(slips(name)):
            for template in TEMPLATES:
                yield "slips", contact, template.format(c=slip.capitalize(), s=slip, u=slip.upper())


def main(out: Path) -> None:
    read = found = 0
    digest = hashlib.sha256()
    with out.open("w", encoding="utf-8") as lines:
        for source, contact, text in readings():
            read += 1
            if word := near_name(text, contact):
                found += 1
                line = f"{source}\t{contact.name}\t{json.dumps(text, ensure_ascii=False)}\t{word}\n"
                lines.write(line)
                digest.update(line.encode())
    print(f"{read} readings, {found} near a name, sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
