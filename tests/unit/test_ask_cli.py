"""`python -m bot ask` and `validate-policy` run without Teams or storage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cards.gallery import gallery
from tests.support.policies import FIXTURE_POLICY_FILE, fixture_policy

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_ask_json_prints_one_object_with_a_verbatim_quote() -> None:
    result = run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE),
                 "Can I put the school logo on my personal Facebook page?")

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"answered", "section", "quote", "score", "tentative", "source"}
    assert answer["answered"] is True and isinstance(answer["score"], float)
    assert answer["section"] == "Using social networking for personal use"
    passages = [p.text for p in fixture_policy().all_passages()]
    assert answer["quote"] in passages or all(
        part in " ".join(passages) for part in answer["quote"].split("\n")
    )


def test_a_welsh_question_on_a_bilingual_policy_shows_the_documents_welsh(tmp_path: Path) -> None:
    raw = json.loads(FIXTURE_POLICY_FILE.read_text(encoding="utf-8"))
    for section in raw["sections"]:
        for passage in section["passages"]:
            passage["text_cy"] = f"(Cymraeg) {passage['text'][:580]}"
    bilingual = tmp_path / "bilingual.json"
    bilingual.write_text(json.dumps(raw), encoding="utf-8")
    question = "Ga i roi logo'r ysgol ar fy nhudalen Facebook bersonol?"

    as_json = json.loads(run("ask", "--json", "--policy", str(bilingual), question).stdout)
    plain = run("ask", "--policy", str(bilingual), question).stdout
    english = json.loads(run("ask", "--json", "--policy", str(bilingual), "Can I put the school logo on my "
                             "personal Facebook page?").stdout)

    assert as_json["answered"] is True and as_json["quote_cy"].startswith("(Cymraeg) ")
    assert not as_json["quote"].startswith("(Cymraeg)") and as_json["quote_cy"] in plain
    assert "quote_cy" not in english


def test_ask_json_reads_one_question_a_line() -> None:
    result = run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE), "-",
                 stdin="what is the wifi password\nCan I use my phone in lessons?\n")

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [line["answered"] for line in lines] == [False, True]
    assert lines[0] == {"answered": False, "section": "", "quote": "", "score": lines[0]["score"], "tentative": False,
                        "source": "Social Media Policy, Version 1, 12.10.2022"}


def test_validate_policy(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"sections": []}', encoding="utf-8")

    good = run("validate-policy", "bot/policy/data/social-media-policy.json")
    wrong = run("validate-policy", str(bad))

    assert good.returncode == 0
    assert good.stdout == ("OK: bot/policy/data/social-media-policy.json, the policy file named on the command line: "
                           "Social Media Policy for Staff, Version 1, issued 12.10.2022\n")
    assert wrong.returncode == 1 and "$.title_en: missing" in wrong.stdout.splitlines()


def test_the_commands_import_no_sdk() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['bot', 'validate-policy', 'bot/policy/data/social-media-policy.json']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('botbuilder', 'aiohttp', 'azure', 'msal')]\n"
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60, check=False
    )

    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_ask_answers_a_question_about_the_document_from_its_details() -> None:
    details = fixture_policy().details
    assert details.author is not None

    text = run("ask", "--policy", str(FIXTURE_POLICY_FILE), "Who wrote this policy?")
    as_json = run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE), "Who wrote this policy?")

    assert text.returncode == 0 and as_json.returncode == 0
    assert text.stdout.strip().splitlines()[-1] == f"About the document, author: {details.author.en}"
    assert json.loads(as_json.stdout) == {"answered": True, "section": "", "quote": "", "score": 1.0,
                                          "tentative": False, "source": details.citation.en, "detail": "author",
                                          "value": details.author.en}


TENTATIVE = "Can I post on my Facebook that a certain family hasn't paid for the residential trip?"
SURE = "Can I be friends with pupils on Facebook?"


def test_ask_says_when_staff_are_told_the_answer_may_not_be_exact() -> None:
    """The policy owner checking an answer saw a confident quote where staff's card says "This is the nearest the
    policy comes, and it may not answer your question exactly"."""
    unsure = json.loads(run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE), TENTATIVE).stdout)
    sure = json.loads(run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE), SURE).stdout)
    plain = run("ask", "--policy", str(FIXTURE_POLICY_FILE), "-", stdin=f"{TENTATIVE}\n{SURE}\n").stdout

    assert unsure["answered"] is True and unsure["tentative"] is True
    assert sure["answered"] is True and sure["tentative"] is False
    first, second = plain.split(f"(score {sure['score']:.2f})")
    assert "may not answer your question exactly" in first and "may not answer" not in second


def test_ask_names_the_file_and_the_version_it_answers_from(tmp_path: Path) -> None:
    """After a new version is published in Teams, `ask` still reads POLICY_FILE: it says which file and version."""
    raw = json.loads(FIXTURE_POLICY_FILE.read_text(encoding="utf-8"))
    newer = tmp_path / "policy-2026.json"
    newer.write_text(json.dumps(raw | {"version": "2", "source": "Social Media Policy, Version 2, 01.09.2026"}),
                     encoding="utf-8")

    shipped = run("ask", "--policy", str(FIXTURE_POLICY_FILE), SURE).stdout
    revised = run("ask", "--policy", str(newer), SURE).stdout
    as_json = json.loads(run("ask", "--json", "--policy", str(newer), SURE).stdout)

    assert str(FIXTURE_POLICY_FILE) in shipped and "Social Media Policy, Version 1, 12.10.2022" in shipped
    assert str(newer) in revised and "Version 2, 01.09.2026" in revised and "Version 1" not in revised
    assert "published in Teams" in revised
    assert as_json["source"] == "Social Media Policy, Version 2, 01.09.2026"


def test_ask_about_a_last_review_the_document_does_not_give_gives_its_date_of_issue() -> None:
    shown = run("ask", "--policy", str(FIXTURE_POLICY_FILE), "When was the policy last reviewed?").stdout

    assert shown.strip().splitlines()[-1] == ("About the document, last reviewed: (the document does not say; its "
                                              "date of issue is 12.10.2022)")


@pytest.mark.parametrize(("question", "detail"), [
    ("Pwy gytunodd ar y polisi?", "agreed_by"),
    ("Pryd mae'r adolygiad nesaf?", "next_review"),
    ("Pa ysgolion mae'r polisi yn eu cynnwys?", "schools"),
])
def test_a_welsh_question_about_the_document_gets_the_welsh_details_the_card_shows(question: str,
                                                                                   detail: str) -> None:
    """The policy owner checking the Welsh saw "Governing Body" where the Welsh About card says "Y Corff
    Llywodraethu", and --json had no Welsh value at all."""
    details = fixture_policy().details
    welsh, english = details.asked(detail, "cy"), details.asked(detail, "en")
    welsh_card = json.dumps(gallery(policy=fixture_policy())["about.cy"], ensure_ascii=False)

    plain = run("ask", "--policy", str(FIXTURE_POLICY_FILE), question)
    as_json = json.loads(run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE), question).stdout)

    assert welsh != english and welsh in welsh_card
    assert plain.returncode == 0 and plain.stdout.strip().splitlines()[-1].endswith(f": {welsh}"), plain.stdout
    assert english not in plain.stdout.strip().splitlines()[-1]
    assert (as_json["detail"], as_json["value"], as_json["value_cy"]) == (detail, english, welsh)


def test_a_welsh_question_about_a_last_review_not_given_gets_the_welsh_date_of_issue() -> None:
    shown = run("ask", "--policy", str(FIXTURE_POLICY_FILE), "Pryd cafodd y polisi ei adolygu ddiwethaf?").stdout

    assert shown.strip().splitlines()[-1].endswith("(the document does not say; its date of issue is 12 Hydref 2022)")


def test_an_english_question_about_the_document_has_no_welsh_value() -> None:
    as_json = json.loads(run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE), "Who agreed this policy?").stdout)

    assert as_json["value"] == "Governing Body" and "value_cy" not in as_json


def test_a_question_about_the_schools_a_document_does_not_name_gets_what_it_applies_to(tmp_path: Path) -> None:
    """As the About card: it says the document names no schools, and gives the federation it applies to."""
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"title_en": "Social Media Policy", "federation": "Llanidloes Schools Federation",
                                  "sections": [{"id": "purpose", "heading_en": "Purpose", "passages": [
                                      {"id": "purpose.1", "text": "This policy covers all social media tools."}]}]}),
                      encoding="utf-8")

    shown = run("ask", "--policy", str(policy), "Pa ysgolion mae'r polisi yn eu cynnwys?").stdout

    assert shown.strip().splitlines()[-1] == ("About the document, schools (Welsh card): (the document does not name "
                                              "the schools it covers; it applies to Llanidloes Schools Federation)")


def test_json_about_a_last_review_not_given_carries_the_date_of_issue_the_plain_output_gives() -> None:
    """--json said `value: ""` where the plain output and the About card give the date of issue instead."""
    english = json.loads(run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE),
                             "When was the policy last reviewed?").stdout)
    welsh = json.loads(run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE),
                           "Pryd cafodd y polisi ei adolygu ddiwethaf?").stdout)

    assert (english["detail"], english["value"], english["value_is"]) == (
        "last_reviewed", "12.10.2022", "date_of_issue"), english
    assert "value_cy" not in english
    assert (welsh["value"], welsh["value_cy"], welsh["value_is"]) == ("12.10.2022", "12 Hydref 2022",
                                                                      "date_of_issue"), welsh


def test_json_about_the_schools_a_document_does_not_name_carries_what_it_applies_to(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"title_en": "Social Media Policy", "federation": "Llanidloes Schools Federation",
                                  "sections": [{"id": "purpose", "heading_en": "Purpose", "passages": [
                                      {"id": "purpose.1", "text": "This policy covers all social media tools."}]}]}),
                      encoding="utf-8")

    shown = json.loads(run("ask", "--json", "--policy", str(policy), "Which schools does the policy cover?").stdout)

    assert (shown["detail"], shown["value"], shown["value_is"]) == (
        "schools", "Llanidloes Schools Federation", "applies_to"), shown


def test_json_about_a_detail_given_says_nothing_of_a_fallback() -> None:
    shown = json.loads(run("ask", "--json", "--policy", str(FIXTURE_POLICY_FILE), "When was the policy issued?").stdout)

    assert shown["detail"] == "date_of_issue" and shown["value"] == "12.10.2022" and "value_is" not in shown
