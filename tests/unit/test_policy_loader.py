"""A bad policy file gives exactly what is wrong and where."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.policy.details import Detail
from bot.policy.loader import DEFAULT_POLICY_FILE, PolicyFileError, load_policy, validate_policy_file


def good() -> dict[str, Any]:
    """A deep copy of the shipped policy file's content."""
    raw: dict[str, Any] = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    return copy.deepcopy(raw)


def write(tmp_path: Path, raw: Any) -> Path:
    """Write raw JSON to a file and return its path."""
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, good()))

    assert policy.section("personal-use").passages[2].id == "personal-use.3"
    assert validate_policy_file(write(tmp_path, good())) == []


def test_missing_keys(tmp_path: Path) -> None:
    raw = good()
    del raw["title_en"]
    del raw["sections"][1]["heading_en"]
    del raw["sections"][2]["passages"][0]["text"]

    assert validate_policy_file(write(tmp_path, raw)) == [
        "$.title_en: missing",
        "$.sections[1].heading_en: missing",
        "$.sections[2].passages[0].text: missing",
    ]


def test_every_detail_and_welsh_heading_is_optional(tmp_path: Path) -> None:
    raw = good()
    for key in ("title_cy", "federation", "federation_cy", "version", "author", "date_of_issue", "agreed_by",
                "next_review", "review_date", "source"):
        del raw[key]
    del raw["sections"][1]["heading_cy"]

    policy = load_policy(write(tmp_path, raw))

    details = policy.details
    assert (details.version, details.author, details.date_of_issue, details.review_date) == ("", None, None, None)
    assert details.citation.en == "Social Media Policy for Staff"
    assert policy.sections[1].heading("cy") == "Legislation" and policy.sections[0].heading("cy") != "Legislation"
    assert not policy.review_overdue(date(2100, 1, 1))


def test_welsh_overrides_and_their_english(tmp_path: Path) -> None:
    raw = good()
    raw["agreed_by_cy"] = "Corff Llywodraethu'r Ffederasiwn"
    raw["author_cy"] = "Daniel Owen / Elen Chennetier (Cymraeg)"
    del raw["agreed_by"]
    raw["schools"] = [{"en": "Llanidloes High School"}, {"en": "Ysgol Bro Hyddgen", "cy": ""}, "x"]
    raw["document"] = {"file": "policy.docx", "sha256": "abc"}
    raw["authorised_on"] = "12.10.2022"

    assert validate_policy_file(write(tmp_path, raw)) == [
        "$.agreed_by_cy: a Welsh agreed_by needs the English $.agreed_by",
        "$.authorised_on: not a date in YYYY-MM-DD form: '12.10.2022'",
        "$.schools[1].cy: empty",
        "$.schools[2]: must be an object",
        "$.document.sha256: must be 64 lower-case hex digits",
    ]
    raw["agreed_by"] = "Governing Body"
    del raw["schools"][1:], raw["document"], raw["authorised_on"]
    details = load_policy(write(tmp_path, raw)).details
    assert details.agreed_by is not None and details.agreed_by.cy == "Corff Llywodraethu'r Ffederasiwn"
    assert details.author is not None and details.author.cy == "Daniel Owen / Elen Chennetier (Cymraeg)"
    assert details.schools == (Detail("Llanidloes High School", "Ysgol Uwchradd Llanidloes"),)


def test_duplicate_ids(tmp_path: Path) -> None:
    raw = good()
    raw["sections"][0]["passages"][1]["id"] = "purpose.1"
    raw["sections"][7]["id"] = "legislation"

    problems = validate_policy_file(write(tmp_path, raw))

    assert (
        "$.sections[0].passages[1].id: duplicate passage id 'purpose.1' "
        "(also at $.sections[0].passages[0].id)" in problems
    )
    assert "$.sections[7].id: duplicate section id 'legislation' (also at $.sections[1].id)" in problems


def test_empty_and_long_passages(tmp_path: Path) -> None:
    raw = good()
    raw["sections"][0]["passages"][0]["text"] = "   "
    raw["sections"][1]["passages"][0]["text"] = "x" * 601
    raw["sections"][4]["passages"] = []

    assert validate_policy_file(write(tmp_path, raw)) == [
        "$.sections[0].passages[0].text: empty",
        "$.sections[1].passages[0].text: 601 characters, more than 600; split the passage",
        "$.sections[4].passages: must be a non-empty list",
    ]


def test_a_passage_s_welsh_text_is_optional_and_checked_as_its_english_is(tmp_path: Path) -> None:
    raw = good()
    raw["sections"][0]["passages"][0]["text_cy"] = "Mae'r polisi hwn yn berthnasol i bob aelod o staff."
    raw["sections"][0]["passages"][1]["text_cy"] = " "
    raw["sections"][1]["passages"][0]["text_cy"] = "y" * 601

    assert validate_policy_file(write(tmp_path, raw)) == [
        "$.sections[0].passages[1].text_cy: empty",
        "$.sections[1].passages[0].text_cy: 601 characters, more than 600; split the passage",
    ]
    del raw["sections"][0]["passages"][1]["text_cy"], raw["sections"][1]["passages"][0]["text_cy"]
    first, second = load_policy(write(tmp_path, raw)).sections[0].passages[:2]
    assert first.quote("cy") == "Mae'r polisi hwn yn berthnasol i bob aelod o staff." != first.quote("en")
    assert second.quote("cy") == second.quote("en") == second.text


def test_unknown_next_step_and_unknown_key(tmp_path: Path) -> None:
    raw = good()
    raw["sections"][2]["passages"][1]["next_steps"] = ["request_permission", "phone_the_head"]
    raw["sections"][2]["passages"][2]["next_step"] = ["report_concern"]

    assert validate_policy_file(write(tmp_path, raw)) == [
        "$.sections[2].passages[1].next_steps[1]: unknown next step 'phone_the_head'; "
        "use one of blog_disclaimer, photo_checklist, report_concern, request_permission",
        "$.sections[2].passages[2].next_step: unknown key",
    ]


def test_bad_dates(tmp_path: Path) -> None:
    raw = good()
    raw["review_date"] = "Autumn 2024"
    raw["date_of_issue"] = "2022-13-45"

    assert validate_policy_file(write(tmp_path, raw)) == [
        "$.date_of_issue: not a date in YYYY-MM-DD form: '2022-13-45'",
        "$.review_date: not a date in YYYY-MM-DD form: 'Autumn 2024'",
    ]


def test_passage_id_must_name_its_section(tmp_path: Path) -> None:
    raw = good()
    raw["sections"][1]["passages"][0]["id"] = "legal.1"

    assert validate_policy_file(write(tmp_path, raw)) == [
        "$.sections[1].passages[0].id: must start with its section id, like 'legislation.1', not 'legal.1'"
    ]


def test_not_json_and_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{ nope", encoding="utf-8")

    assert validate_policy_file(path)[0].startswith("$: not valid JSON")
    assert validate_policy_file(write(tmp_path, [1, 2])) == ["$: must be a JSON object"]
    assert validate_policy_file(tmp_path / "absent.json")[0].startswith("$: cannot read the file")


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    raw = good()
    del raw["title_en"]
    raw["sections"][0]["id"] = "Purpose!"

    with pytest.raises(PolicyFileError) as caught:
        load_policy(write(tmp_path, raw))

    assert caught.value.problems[0] == "$.title_en: missing"
    assert (
        "$.sections[0].id: must be lower-case words joined by hyphens, not 'Purpose!'"
        in caught.value.problems
    )
    assert "$.title_en: missing" in str(caught.value)


def test_validate_policy_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.validate_policy_command import validate_policy_command

    raw = good()
    del raw["title_en"]

    assert validate_policy_command([str(write(tmp_path, raw))]) == 1
    assert capsys.readouterr().out == (f"$.title_en: missing\n1 problem in {tmp_path / 'policy.json'}, the policy file "
                                       "named on the command line\n")
    assert validate_policy_command([str(DEFAULT_POLICY_FILE)]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {DEFAULT_POLICY_FILE}, the policy file named on the command line: ")


def test_bad_asked_as_and_not_covered(tmp_path: Path) -> None:
    raw = good()
    raw["sections"][0]["passages"][0]["asked_as"] = ["what is social media", "", "x" * 201]
    raw["sections"][1]["passages"][0]["asked_as"] = "what laws apply"
    raw["not_covered"] = ["parking", 7]

    assert validate_policy_file(write(tmp_path, raw)) == [
        "$.not_covered[1]: must be non-empty text",
        "$.sections[0].passages[0].asked_as[1]: must be non-empty text",
        "$.sections[0].passages[0].asked_as[2]: 201 characters, more than 200",
        "$.sections[1].passages[0].asked_as: must be a list of questions",
    ]


def test_asked_as_and_not_covered_are_optional(tmp_path: Path) -> None:
    raw = good()
    raw.pop("not_covered", None)
    for section in raw["sections"]:
        for passage in section["passages"]:
            passage.pop("asked_as", None)

    policy = load_policy(write(tmp_path, raw))

    assert policy.not_covered == () and all(p.asked_as == () for p in policy.all_passages())
