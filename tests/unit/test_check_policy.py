"""check-policy: a new version's changes against the steering data are listed, and a clean one says OK."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.check_policy_command import check_policy_command
from bot.domain.people import Lang
from bot.policy.check import check
from bot.policy.loader import validate_policy_data
from bot.policy.model import Policy, PolicyPassage
from bot.policy.notes import Note, problem_note
from bot.policy.retrieval import PolicyIndex
from bot.policy.steering import NotCovered, Steering, Wordings, text_key
from cards.i18n import load_catalogue, note_text
from tests.support.policies import FIXTURE_POLICY_FILE, fixture_policy

PHONES = "Schools staff should be aware of the example they set pupils in the use of mobile devices"
STRINGS = load_catalogue()


def english(lines: list[Note]) -> list[str]:
    """The report's lines as the English report prints them."""
    return [note_text(STRINGS, line, Lang.EN) for line in lines]


AI = "Staff must only use generative AI tools, such as ChatGPT, that the headteacher has approved for school work."


def _steering(policy: Policy) -> Steering:
    """Wordings for two passages and a not-covered list checked against every 2022 passage."""
    logo, phones = policy.passage("personal-use.1"), policy.passage("mobile-devices.1")
    return Steering(
        (
            Wordings(logo.id, logo.text, ("can I put the school badge on my facebook", "is the logo ok on my page")),
            Wordings(phones.id, phones.text, ("can I check my phone in class", "texting during lessons ok?")),
        ),
        (NotCovered(("can I use ChatGPT to write my reports?", "how many days of annual leave do I get?"),
                    frozenset(text_key(p.text) for p in policy.all_passages())),),
    )


def _revised(policy: Policy) -> Policy:
    """The 2022 policy with the phones rule reworded and a section on AI tools added."""
    sections = []
    for section in policy.sections:
        passages = tuple(
            replace(p, text=p.text.replace("Schools staff should", "All staff must")) if p.text.startswith(PHONES)
            else p for p in section.passages)
        sections.append(replace(section, passages=passages))
    ai = replace(policy.sections[-1], id="ai", heading_en="Generative AI", passages=(PolicyPassage("ai.1", AI),))
    return replace(policy, sections=(*sections, ai))


def test_a_revision_lists_reworded_passages_new_passages_and_answered_not_covered_questions() -> None:
    policy = _revised(fixture_policy())
    index = PolicyIndex(policy, steering=_steering(fixture_policy()))

    report = check(policy, index)

    assert any(line.startswith("mobile-devices.1 (2 wordings)") for line in english(report.stale))
    # Two lists for two of 43 passages: another version's data, set aside, so no passage has wordings: one line.
    assert len(report.without_wordings) == 1 and english(report.without_wordings)[0].startswith(
        f"none of the {len(policy.all_passages())} passages has wordings")
    assert english(report.switched_off) == [
        "'can I use ChatGPT to write my reports?' is near enough ai.1 by its own words and meaning"]
    assert report.problems() > 0
    assert index.answer("can I use ChatGPT to write my reports?").passages[0].id == "ai.1"


def test_a_new_passage_beside_passages_with_wordings_is_listed_by_name() -> None:
    policy = fixture_policy()
    everyone = Steering(tuple(Wordings(p.id, p.text, (f"question about {p.id}",)) for p in policy.all_passages()), ())
    revised = _revised(policy)

    report = check(revised, PolicyIndex(revised, steering=everyone))

    assert [line.split(":")[0] for line in english(report.without_wordings)] == ["mobile-devices.1", "ai.1"]


def test_the_version_the_data_was_written_for_keeps_every_list() -> None:
    policy = fixture_policy()
    index = PolicyIndex(policy, steering=_steering(policy))

    report = check(policy, index)

    assert report.stale == [] and report.switched_off == [] and report.inline == []
    assert not index.answer("can I use ChatGPT to write my reports?").answered


def test_a_model_policys_placeholders_and_a_policy_of_one_section_are_listed() -> None:
    policy = fixture_policy()
    first = policy.sections[0]
    filled = replace(first.passages[0], text="Staff of [School name] must ask the headteacher (delete as appropriate).")
    changed = replace(first, passages=(filled, *first.passages[1:]))
    unfinished = replace(policy, sections=(changed, *policy.sections[1:]))
    one_section = replace(policy, sections=(replace(first, passages=policy.all_passages()),))

    listed = check(unfinished, PolicyIndex(unfinished, steering=Steering((), ()))).unfinished
    merged = check(one_section, PolicyIndex(one_section, steering=Steering((), ()))).unfinished

    assert english(listed) == [f"{filled.id}: '[School name]' in {filled.text}"]
    assert english(merged) == [f"the policy has one section of {len(policy.all_passages())} passages: its headings "
                               "were not found, so cards cannot say where a rule comes from"]
    assert check(policy, PolicyIndex(policy, steering=Steering((), ()))).unfinished == []


def _check_with_wordings(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         wordings: list[dict[str, object]]) -> tuple[int, str]:
    """check-policy on the fixture policy with a steering file of these wording lists: its status and output."""
    steering = tmp_path / "steering.json"
    steering.write_text(json.dumps({"passages": wordings}), encoding="utf-8")
    status = check_policy_command(["--policy", str(FIXTURE_POLICY_FILE), "--steering", str(steering)])
    return status, capsys.readouterr().out


def test_the_command_exits_1_with_the_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _check_with_wordings(tmp_path, capsys, [
        {"passage": "old.1", "text": "A rule that is no longer in the policy.", "asked_as": ["is it still there?"]}])

    assert status == 1
    assert "Wording lists whose passage text is no longer in the policy (not used): 1" in out
    assert "old.1 (1 wordings): A rule that is no longer in the policy." in out
    # Counted in passages, not in lines: it said ": 1" over "none of the 42 passages has wordings".
    assert "Passages with no wordings in the steering data (answered from their own words alone): 42\n" in out
    assert "\n1 note(s) above" not in out and "2 note(s) above" not in out


def test_another_documents_steering_data_is_one_line_not_a_list(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _check_with_wordings(tmp_path, capsys, [
        {"passage": f"old.{n}", "text": f"Rule number {n} of another school's policy.", "asked_as": ["and this?"]}
        for n in range(20)])

    assert status == 1
    assert "Wording lists whose passage text is no longer in the policy (not used): 20\n" in out
    assert "none of the steering file's 20 wording lists fits a passage of this policy" in out
    assert "old.3" not in out


def test_the_last_line_says_plainly_whether_anything_stops_the_version_going_live(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The policy owner reads the last line: steering data written for the version before (the bot answers the new
    one from its own words) does not stop it being published, as the preview in Teams says; a model policy's
    "[School name]" left in does."""
    revised = tmp_path / "policy-2026.json"
    raw = json.loads(FIXTURE_POLICY_FILE.read_text(encoding="utf-8"))
    for section in raw["sections"]:
        for passage in section["passages"]:
            passage["text"] = passage["text"].replace("Schools staff should", "All staff must")
    revised.write_text(json.dumps(raw), encoding="utf-8")
    raw["sections"][0]["passages"][0]["text"] = "Staff of [School name] must ask the headteacher first."
    unfinished = tmp_path / "policy-draft.json"
    unfinished.write_text(json.dumps(raw), encoding="utf-8")
    steering = tmp_path / "steering.json"
    steering.write_text(json.dumps({"passages": [
        {"passage": "old.1", "text": "A rule that is no longer in the policy.", "asked_as": ["is it still there?"]}]}),
        encoding="utf-8")

    status = check_policy_command(["--policy", str(revised), "--steering", str(steering)])
    last = capsys.readouterr().out.splitlines()[-1]
    draft_status = check_policy_command(["--policy", str(unfinished), "--steering", str(steering)])
    draft_last = capsys.readouterr().out.splitlines()[-1]

    assert status == 1 and "before this policy file goes live" not in last
    assert "nothing here stops this version being published" in last.casefold() and "steering.json" in last
    assert draft_status == 1 and "1 thing(s) to put right before this policy file goes live" in draft_last


@pytest.mark.parametrize("chosen", [["--lang", "cy"], []])
def test_a_welsh_policy_owner_reads_the_report_in_welsh(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch, chosen: list[str]) -> None:
    """check-policy's report (its headings, each line, the smoke figures and the last line) was English only, though
    import-policy and publish-policy speak Welsh with --lang cy or a Welsh LANG."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8" if chosen else "cy_GB.UTF-8")
    steering = tmp_path / "steering.json"
    steering.write_text(json.dumps({"passages": [
        {"passage": "old.1", "text": "A rule that is no longer in the policy.", "asked_as": ["is it still there?"]}]}),
        encoding="utf-8")

    status = check_policy_command(["--policy", str(FIXTURE_POLICY_FILE), "--steering", str(steering), *chosen])
    out = capsys.readouterr().out

    assert status == 1
    assert "Rhestrau geiriadau nad yw testun eu darn yn y polisi bellach (heb eu defnyddio): 1\n" in out, out
    assert "old.1 (1 geiriad): A rule that is no longer in the policy." in out  # the policy's words as written
    assert "dydy'r un o'r 42 darn yn cael geiriadau yn y data llywio" in out
    assert "Gwerthusiad sydyn: darnau sy'n cael eu canfod gan eu geiriau eu hunain: " in out
    assert "Does dim byd yma yn atal cyhoeddi'r fersiwn hon" in out.splitlines()[-1]
    assert not any(english in out for english in ("Wording lists", "none of the", "Smoke evaluation", "nearest "
                                                  "passage now", "Nothing here", "passages found")), out


def test_a_policy_file_that_is_not_valid_is_listed_in_welsh(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Each problem keeps its place in the file ($.…) and is said in Welsh with --lang cy; in English as before."""
    bad = tmp_path / "policy.json"
    bad.write_text(json.dumps({"title_en": "Policy", "extra": 1, "sections": [
        {"id": "a", "heading_en": "A", "passages": [{"id": "b.1", "text": ""}]}]}), encoding="utf-8")

    welsh = check_policy_command(["--policy", str(bad), "--lang", "cy"]), capsys.readouterr().out.splitlines()
    english = check_policy_command(["--policy", str(bad), "--lang", "en"]), capsys.readouterr().out.splitlines()

    assert welsh[0] == english[0] == 1
    assert english[1] == ["$.extra: unknown key", "$.sections[0].passages[0].text: empty",
                          "$.sections[0].passages[0].id: must start with its section id, like 'a.1', not 'b.1'"]
    assert welsh[1] == ["$.extra: allwedd anhysbys", "$.sections[0].passages[0].text: gwag",
                        "$.sections[0].passages[0].id: rhaid iddo ddechrau ag id ei adran, fel 'a.1', yn lle 'b.1'"]


def test_every_problem_of_a_broken_file_reads_in_english_as_the_check_says_it() -> None:
    """The problems are said from the string tables; in English each is word for word what validate-policy prints."""
    raw = json.loads(FIXTURE_POLICY_FILE.read_text(encoding="utf-8"))
    raw.update(extra=1, date_of_issue="soon", title_cy=3, schools="High", document={"sha256": "x"}, author_cy="Awdur")
    raw.pop("author", None)
    first, second = raw["sections"][0], raw["sections"][1]
    first.update(id="Not A Slug", heading_cy="")
    second["id"] = first["id"]
    passage = second["passages"][0]
    passage.update(id=first["passages"][0]["id"], clause="x", continues="yes", next_steps=["fly"], text="y" * 700,
                   asked_as=["", "q" * 400])
    problems = validate_policy_data(raw)

    assert len(problems) > 12
    assert [note_text(STRINGS, problem_note(p, raw, by_path=True), Lang.EN) for p in problems] == problems
    welsh = [note_text(STRINGS, problem_note(p, raw, by_path=True), Lang.CY) for p in problems]
    assert sum(w != p for w, p in zip(welsh, problems, strict=True)) == len(problems), [
        p for w, p in zip(welsh, problems, strict=True) if w == p]
