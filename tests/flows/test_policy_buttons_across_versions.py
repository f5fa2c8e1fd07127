"""Buttons that open the policy, posted under one version and pressed under a later one (cards stay in chats for
months while the federation publishes new versions): the same words where the policy still has them, the section
from its start where only the section is left, and otherwise a plain "the policy has changed" with the sections of
the version in force. The 2022 fixture stands for the shipped file; later versions are imported from the school's
document, as the policy owner publishes them (section ids from headings, passage ids by position)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.domain.federation import Federation
from bot.domain.live_policy import PolicyInForce
from bot.domain.people import Lang
from bot.import_policy_command import import_policy_command
from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy
from bot.policy.model import Policy
from cards.i18n import Catalogue
from dialogs.ask import Retriever
from tests.conftest import SharedIndexes
from tests.flows.conftest import CARYS, SIAN, BotInMemory, NoIndex, open_bot, text_of
from tests.support.cards import verb_data
from tests.support.policies import TEXT_2022, fixture_policy, revised_text

OFFENSIVE = "Handle offensive comments swiftly"
SECTION_START = "Social media tools present unique opportunities"
PERSONAL_USE_START = "Llanidloes School logos should not be used by individuals"
# Version 3 adds a rule near the top of the section on communicating with the public: every passage id after it
# (they are positions) names the passage before it now.
NEW_RULE = "Staff must not post pupils' full names alongside photographs on any school account."
BELOW_NEW_RULE = "Social media enables people to express opinions"
NOT_FOUND = "I can't find that record"
MOVED_TO = "Comments on school accounts"


class PolicyOwner:
    """The policy in force, as the policy owner publishes one version after another (read once a turn)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def __call__(self) -> PolicyInForce[Retriever]:
        return PolicyInForce(self.policy, NoIndex())


def _imported(folder: Path, name: str, text: str) -> Policy:
    """A version as `import-policy` makes it from the school's document."""
    source, out = folder / f"{name}.txt", folder / f"{name}.json"
    source.write_text(text, encoding="utf-8")
    assert import_policy_command([str(source), "--out", str(out), "--policy", str(DEFAULT_POLICY_FILE)]) == 0
    return load_policy(out)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Policy]:
    """Version 2: the 2022 text again, published from the document; version 3: a rule added near the top of the
    section on communicating with the public; "moved": the rule on offensive comments moved to a section of its own;
    "revised": a section added, one removed, a rule reworded."""
    folder = tmp_path_factory.mktemp("versions")
    text = TEXT_2022.read_text(encoding="utf-8")
    [rule] = [line for line in text.splitlines() if line.startswith(OFFENSIVE)]
    return {"2": _imported(folder, "v2", text.replace("Version 1", "Version 2")),
            "3": _imported(folder, "v3", text.replace("Version 1", "Version 3").replace(
                BELOW_NEW_RULE, f"{NEW_RULE}\n\n{BELOW_NEW_RULE}")),
            "moved": _imported(folder, "moved", text.replace("Version 1", "Version 2").replace(f"{rule}\n\n", "")
                               .replace("Abuse of the guidance\n", f"{MOVED_TO}\n\n{rule}\n\nAbuse of the guidance\n")),
            "revised": _imported(folder, "revised", revised_text(version="2"))}


def _bot(strings: Catalogue, federation: Federation, policy: Policy) -> tuple[BotInMemory, PolicyOwner]:
    owner = PolicyOwner(policy)
    return open_bot(strings, federation, owner), owner


def _quotes(card: dict[str, Any] | None) -> list[str]:
    """The policy's words a section card shows, in the order it shows them."""
    return [run["text"] for box in (card or {}).get("body", []) if box.get("type") == "Container"
            and box.get("style") == "emphasis" for item in box["items"] for run in item.get("inlines", [])]


def _title(card: dict[str, Any] | None) -> str:
    return str((card or {})["body"][0]["text"])


def _rows(card: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The data of each section row to tap on a card."""
    return [dict(box["selectAction"]["data"]) for box in (card or {}).get("body", [])
            if box.get("selectAction", {}).get("verb") == "policy.section"]


async def _guidance(bot: BotInMemory, lang: Lang = Lang.EN) -> dict[str, Any]:
    """The data of the not-a-colleague card's "Guidance: offensive comments" button."""
    offer = await bot.says(CARYS, "I'm being targeted by a parent on Facebook", lang=lang)
    return verb_data(offer.card or {}, "policy.section")


async def test_the_guidance_posted_under_the_version_before_opens_at_offensive_comments_after_a_rule_is_added_above(
        strings: Catalogue, federation: Federation, versions: dict[str, Policy]) -> None:
    bot, owner = _bot(strings, federation, versions["2"])
    posted = await _guidance(bot)
    owner.policy = versions["3"]

    opened = await bot.clicks(CARYS, "policy.section", posted)

    assert _quotes(opened.card)[0].startswith(OFFENSIVE)
    assert NEW_RULE in _quotes(opened.card)  # the section of version 3, in full


async def test_a_guidance_button_posted_before_buttons_carried_its_words_never_opens_at_another_passage(
        strings: Catalogue, federation: Federation, versions: dict[str, Policy]) -> None:
    """Section and passage id only, posted under version 2; version 3 is in force: the id names another passage."""
    v2, v3 = versions["2"], versions["3"]
    passage = next(p.id for p in v2.all_passages() if p.text.startswith(OFFENSIVE))
    assert not v3.passage(passage).text.startswith(OFFENSIVE)
    bot, _ = _bot(strings, federation, v3)

    opened = await bot.clicks(CARYS, "policy.section", {"section": v2.section_of(passage).id, "passage": passage})

    assert _quotes(opened.card)[0].startswith(SECTION_START)


async def test_the_guidance_posted_under_the_shipped_file_opens_at_its_passage_once_a_version_comes_from_the_document(
        strings: Catalogue, federation: Federation, versions: dict[str, Policy]) -> None:
    """The shipped file's ids are hand-made ("communicating-with-public"); the document's come from its headings."""
    bot, owner = _bot(strings, federation, fixture_policy())
    posted_now = await _guidance(bot)
    posted_before_words = {"section": "communicating-with-public", "passage": "communicating-with-public.12"}
    owner.policy = versions["2"]

    for posted in (posted_now, posted_before_words):
        opened = await bot.clicks(CARYS, "policy.section", posted)

        assert NOT_FOUND not in text_of(opened.card)
        assert _quotes(opened.card)[0].startswith(OFFENSIVE), posted


async def test_the_guidance_opens_at_its_words_in_the_section_a_new_version_moved_them_to(
        strings: Catalogue, federation: Federation, versions: dict[str, Policy]) -> None:
    bot, owner = _bot(strings, federation, fixture_policy())
    posted = await _guidance(bot)
    owner.policy = versions["moved"]

    opened = await bot.clicks(CARYS, "policy.section", posted)

    assert _title(opened.card) == f"Section: {MOVED_TO}"
    assert _quotes(opened.card)[0].startswith(OFFENSIVE)


async def test_a_section_button_posted_under_the_shipped_file_opens_its_section_once_the_ids_are_renamed(
        strings: Catalogue, federation: Federation, versions: dict[str, Policy]) -> None:
    """The answer card's "Read the section" and the rows of the sections list, posted before and after buttons
    carried the heading's words, pressed once version 2 (ids from headings) is in force."""
    bot, owner = _bot(strings, federation, fixture_policy())
    listed = await bot.says(CARYS, "read the policy")
    [row_now] = [row for row in _rows(listed.card) if row["section"] == "personal-use"]
    owner.policy = versions["2"]

    for posted in (row_now, {"section": "personal-use"}):
        opened = await bot.clicks(CARYS, "policy.section", posted)

        assert _title(opened.card) == "Section: Using social networking for personal use"
        assert _quotes(opened.card)[0].startswith(PERSONAL_USE_START)


@pytest.mark.parametrize("lang", list(Lang))
async def test_a_button_for_a_section_the_new_version_no_longer_has_says_the_policy_has_changed(
        strings: Catalogue, federation: Federation, versions: dict[str, Policy], lang: Lang) -> None:
    """The revised version removes "Use of personal mobile devices at work"."""
    bot, owner = _bot(strings, federation, fixture_policy())
    listed = await bot.says(CARYS, "read the policy", lang=lang)
    [row] = [row for row in _rows(listed.card) if row["section"] == "mobile-devices"]
    owner.policy = versions["revised"]

    for posted in (row, {"section": "mobile-devices"}):
        changed = await bot.clicks(CARYS, "policy.section", posted, lang=lang)

        assert _title(changed.card) == strings.text("ask.policy_changed_title", lang)
        assert strings.text("ask.policy_changed", lang) in text_of(changed.card)
        assert [r["section"] for r in _rows(changed.card)] == [s.id for s in versions["revised"].sections]
        assert strings.text("error.not_found", lang) not in text_of(changed.card)


@pytest.mark.parametrize("mark", ["zz", "x" * 200_000, "<at>Head</at>", "0" * 12, "../../etc/passwd", "\u200b", None],
                         ids=["short", "huge", "mention", "names-nothing", "path", "invisible", "null"])
async def test_a_hostile_mark_opens_the_named_section_from_its_start_and_is_never_repeated(
        bot: BotInMemory, mark: object, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        opened = await bot.clicks(CARYS, "policy.section", {"section": "communicating-with-public",
                                                            "section_mark": mark, "passage_mark": mark})

    assert _quotes(opened.card)[0].startswith(SECTION_START)
    if isinstance(mark, str) and len(mark) > 100:
        assert mark[:100] not in text_of(opened.card) and mark[:100] not in caplog.text


@pytest.mark.parametrize("mark", [12, ["0" * 12], {"id": "x"}, True], ids=["number", "list", "object", "bool"])
async def test_a_mark_of_the_wrong_type_is_refused_as_an_old_card(bot: BotInMemory, strings: Catalogue,
                                                                   mark: object) -> None:
    opened = await bot.clicks(CARYS, "policy.section", {"section": "communicating-with-public", "passage_mark": mark})

    assert strings.text("error.invalid_card", Lang.EN) in text_of(opened.card)


async def test_a_question_answered_before_a_new_version_reaches_the_head_with_the_section_it_was_answered_from(
        strings: Catalogue, federation: Federation, versions: dict[str, Policy],
        shared_policy_indexes: SharedIndexes) -> None:
    """Carys is answered from the shipped file (version 1); version 2 comes in from the document (section ids from
    its headings); she marks the answer not helpful and passes it on: the headteacher was shown "A question the policy
    doesn't answer", and the review list lost the section."""
    shipped, v2 = fixture_policy(), versions["2"]
    in_force = {"policy": PolicyInForce(shipped, shared_policy_indexes(shipped))}

    async def earlier(version: str) -> Policy | None:  # as app.py's: the shipped file is version 1
        return shipped if version == "1" else None

    bot = open_bot(strings, federation, lambda: in_force["policy"], policy_version=earlier)
    await bot.meets(CARYS, SIAN)
    asked = await bot.says(CARYS, "Can I be friends with pupils on Facebook?")
    [record] = bot.store.questions.values()
    heading = shipped.section(record.section_id).heading("en")
    assert record.section_id not in {s.id for s in v2.sections}
    in_force["policy"] = PolicyInForce(v2, shared_policy_indexes(v2))

    rated = await bot.clicks(CARYS, "ask.feedback", verb_data(asked.card or {}, "ask.feedback") | {
        "value": "not_helpful"})
    await bot.clicks(CARYS, "ask.escalate", verb_data(rated.card or {}, "ask.escalate"))
    [to_head] = await bot.cards_for(SIAN)
    review = await bot.says(SIAN, "questions for review")

    assert _title(to_head) == strings.text("ask.head_title_not_helpful", Lang.EN)
    assert heading in text_of(to_head)
    assert f"· {heading}" in text_of(review.card)
