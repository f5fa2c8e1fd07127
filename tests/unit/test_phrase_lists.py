"""The lists of words and phrases the flows recognise (dialogs/data/): each is read, none is empty, a phrase is in no
two lists that would answer it differently, and a phrase added to a file is read as people type it."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.domain.permission_requests import PLATFORMS
from dialogs import ask, concerns, home, permission_requests, policy_reads, publishing
from dialogs.base import normalise
from dialogs.phrases import DATA_FOLDER, listed_in_welsh, read_patterns, read_phrases, read_table, said_only

PATTERN_LISTS = ("language-asking.txt", "language-refusing.txt", "policy-section-asking.txt")
# Lists compared word by word with the words of a message: a line of two words there would never match.
WORD_LISTS = ("asking-whether.txt", "courtesy-before.txt", "language-no-and-a-pause.txt", "my-request-asked.txt",
              "my-account-asked.txt", "my-request-to-the-head.txt", "my-request-for-an-account.txt",
              "my-request-articles.txt", "my-request-said-twice.txt", "my-request-when.txt")
DIALOGS = Path(home.__file__).resolve().parent


def entries(name: str) -> tuple[str, ...]:
    """A list's entries as the flows read them (a table's words)."""
    if name.endswith(".tsv"):
        return tuple(read_table(name))
    return read_patterns(name) if name in PATTERN_LISTS else read_phrases(name)


def data_files() -> list[str]:
    return sorted(path.name for path in DATA_FOLDER.iterdir() if path.is_file())


@pytest.mark.parametrize("name", data_files())
def test_every_list_is_read_by_a_flow_and_none_is_empty(name: str) -> None:
    """A file no flow reads would take a Welsh speaker's new phrase and do nothing with it."""
    readers = [path.name for path in DIALOGS.glob("*.py")
               if any(f"{quote}{name}{quote}" in path.read_text(encoding="utf-8") for quote in "\"'")]

    assert readers, f"no flow reads {name}"
    assert entries(name), f"{name} has no phrases"


@pytest.mark.parametrize("name", WORD_LISTS)
def test_lists_compared_word_by_word_hold_one_word_a_line(name: str) -> None:
    assert [entry for entry in entries(name) if len(entry.split()) != 1] == []


def test_the_platforms_named_pick_choices_the_form_has() -> None:
    assert set(read_table("form-platforms.tsv").values()) <= set(PLATFORMS) - {"other"}
    assert not set(read_table("form-platforms.tsv")) & set(read_table("form-other-platforms.tsv"))


def test_no_command_is_in_two_lists_that_answer_it_differently() -> None:
    """A help phrase that is also a back-out, "fy nghais" that is also a concern command: whichever flow is asked
    first would win, silently. Asking for Welsh and refusing English are one answer."""
    commands = {
        "greetings.txt": home.GREETINGS, "help.txt": home.HELP_WORDS, "thanks.txt": home.THANKS,
        "acknowledgements.txt": home.OK_WORDS,
        "backing-out.txt": home.BACKING_OUT, "asking for Welsh or refusing English": home.TO_WELSH | home.NOT_ENGLISH,
        "asking for English or refusing Welsh": home.TO_ENGLISH | home.NOT_WELSH,
        "language-other.txt": home.OTHER_LANGUAGE,
        "permission-form.txt": permission_requests.FORM_WORDS,
        "permission-my-requests.txt": permission_requests.MINE_WORDS,
        "permission-pending.txt": permission_requests.PENDING_WORDS,
        "permission-register.txt": permission_requests.REGISTER_WORDS,
        "permission-deciding.txt": permission_requests.DECIDING_WORDS,
        "permission-waiting-for-me.txt": permission_requests.WAITING_WORDS,
        "concern-form.txt": concerns.FORM_WORDS, "concern-my-reports.txt": concerns.MINE_WORDS,
        "concern-held-reports.txt": concerns.HELD_WORDS, "concern-my-line-manager.txt": concerns.MY_MANAGER_WORDS,
        "answer-complaints.txt": home.ANSWER_COMPLAINTS, "why.txt": home.WHY_WORDS,
        "pardon.txt": home.PARDON_WORDS, "are-you-sure.txt": home.ARE_YOU_SURE_WORDS,
        "about-my-questions.txt": ask.QUESTIONS_KEPT_WORDS,
        "who-is-the-headteacher.txt": ask.HEADTEACHER_WORDS, "policy-in-welsh.txt": ask.POLICY_IN_WELSH_WORDS,
        "policy-sections.txt": ask.SECTIONS_WORDS, "policy-about.txt": ask.ABOUT_WORDS,
        "policy-review.txt": ask.REVIEW_WORDS, "policy-whats-new.txt": policy_reads.WHATS_NEW_WORDS,
        "policy-reads.txt": policy_reads.READS_WORDS, "policy-publish.txt": publishing.PUBLISH_WORDS,
        "policy-read-confirmed.txt": policy_reads.READ_CONFIRMED_WORDS,
        "policy-read-must-confirm.txt": policy_reads.MUST_CONFIRM_WORDS,
        "policy-read-have-i.txt": policy_reads.HAVE_I_CONFIRMED_WORDS}
    # Word lists whose words must not be in both: an article is skipped, so it could never say where a request went;
    # "i" before a word of "my said twice" is not "to", so it could never name the head or what the request is for.
    roles = [("my-request-articles.txt", "my-request-to-the-head.txt"),
             ("my-request-articles.txt", "my-request-for-an-account.txt"),
             ("my-request-said-twice.txt", "my-request-to-the-head.txt"),
             ("my-request-said-twice.txt", "my-request-for-an-account.txt"),
             ("form-new-account.txt", "form-existing-account.txt")]

    assert {name: set(entries(name)) for name in commands if name.endswith(".txt")} == {
        name: set(phrases) for name, phrases in commands.items() if name.endswith(".txt")}  # each command, its file
    both = [f"{phrase!r} is in {a} and {b}" for (a, first), (b, second) in itertools.combinations(commands.items(), 2)
            for phrase in sorted(first & second)]
    both += [f"{word!r} is in {a} and {b}" for a, b in roles for word in sorted(set(entries(a)) & set(entries(b)))]

    assert both == []


def test_a_phrase_added_to_a_list_is_read_as_people_type_it(tmp_path: Path) -> None:
    """Capitals, accents, apostrophes and question marks make no difference; a line of punctuation alone is kept."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_FOLDER, folder)
    with (folder / "help.txt").open("a", encoding="utf-8") as help_list:
        help_list.write("\n# Added by a Welsh speaker\nFyddech chi'n fodlon fy helpu?\n")
    with (folder / "language-asking.txt").open("a", encoding="utf-8") as asking:
        asking.write("\nByddai'n well gen i {}\n")

    extended = frozenset(read_phrases("help.txt", folder=folder))
    typed = normalise("Ok, fyddech chi’n fodlon fy helpu? Diolch yn fawr")

    assert "fyddech chi n fodlon fy helpu" in extended and "?" in extended
    assert said_only(typed, extended) == "fyddech chi n fodlon fy helpu" and said_only(typed, home.HELP_WORDS) is None
    assert read_patterns("language-asking.txt", folder=folder)[-1] == "byddai n well gen i {}"
    assert "fyddech chi n fodlon fy helpu" in listed_in_welsh("help.txt", folder=folder)  # still under # Cymraeg


def test_only_a_phrase_listed_under_cymraeg_alone_is_taken_for_welsh(tmp_path: Path) -> None:
    """A phrase both languages use goes under both headings, and is answered in the person's own language; one above
    either heading is in neither."""
    written = ["# A LIST", "?", "", "# English", "ok", "grand", "", "# Cymraeg", "Iawn", "grand", "# a note", "Gwych!"]
    (tmp_path / "list.txt").write_text("\n".join(written), encoding="utf-8")

    assert listed_in_welsh("list.txt", folder=tmp_path) == {"iawn", "gwych"}


@pytest.mark.parametrize(("name", "line", "reader"), [
    ("language-asking.txt", "newid i Gymraeg", read_patterns),
    ("language-asking.txt", "{} neu {}", read_patterns),
    ("form-platforms.tsv", "insta    instagram", read_table),
])
def test_a_line_the_flows_could_not_use_stops_them_saying_which_line(
        tmp_path: Path, name: str, line: str, reader: Callable[..., object]) -> None:
    shutil.copytree(DATA_FOLDER, tmp_path, dirs_exist_ok=True)
    with (tmp_path / name).open("a", encoding="utf-8") as data:
        data.write(f"\n{line}\n")
    count = len((tmp_path / name).read_text(encoding="utf-8").splitlines())

    with pytest.raises(ValueError, match=rf"{name}: line {count}"):
        reader(name, folder=tmp_path)
