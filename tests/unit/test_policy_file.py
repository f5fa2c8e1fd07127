"""Every command, and the bot, reads the policy named by `--policy`, else POLICY_FILE, else the shipped file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.policy.loader import DEFAULT_POLICY_FILE, policy_file
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SHIPPED_TEXT = REPO / "bot/policy/data/social-media-policy-2022.txt"


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped policy with a different title, a renamed section and another Welsh heading."""
    raw: dict[str, Any] = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    raw["title_en"] = "Social Media Policy (variant)"
    raw["source"] = "Variant policy"
    personal = next(s for s in raw["sections"] if s["id"] == "personal-use")
    personal["heading_en"] = "Personal use (variant)"
    legislation = next(s for s in raw["sections"] if s["id"] == "legislation")
    legislation["heading_cy"] = "Deddfwriaeth (amrywiad)"
    path = tmp_path_factory.mktemp("variant") / "variant.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A policy file that is not JSON."""
    path = tmp_path_factory.mktemp("broken") / "broken.json"
    path.write_text("{ not json", encoding="utf-8")
    return path


def run(*args: str, policy_env: Path | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with POLICY_FILE set to `policy_env` (or unset)."""
    env = {k: v for k, v in os.environ.items() if k != "POLICY_FILE"}
    if policy_env is not None:
        env["POLICY_FILE"] = str(policy_env)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120, check=False)


def test_the_rule() -> None:
    assert policy_file(None, {}) == DEFAULT_POLICY_FILE
    assert policy_file(None, {"POLICY_FILE": " "}) == DEFAULT_POLICY_FILE
    assert policy_file(None, {"POLICY_FILE": "/x.json"}) == Path("/x.json")
    assert policy_file("/y.json", {"POLICY_FILE": "/x.json"}) == Path("/y.json")
    assert policy_file(Path("z.json"), {}) == Path("z.json")


def test_the_bot_follows_the_same_rule() -> None:
    base = {"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": "UseDevelopmentStorage=true"}

    assert Settings.model_validate(base).policy_file == DEFAULT_POLICY_FILE
    assert Settings.model_validate({**base, "POLICY_FILE": ""}).policy_file == DEFAULT_POLICY_FILE
    assert Settings.model_validate({**base, "POLICY_FILE": "/x.json"}).policy_file == Path("/x.json")


def test_ask(variant: Path, broken: Path) -> None:
    question = "Can I put the school logo on my personal Facebook page?"

    from_env = run("ask", "--json", question, policy_env=variant)
    option_wins = run("ask", "--json", "--policy", str(variant), question, policy_env=broken)
    env_broken = run("ask", "--json", question, policy_env=broken)

    assert json.loads(from_env.stdout)["section"] == "Personal use (variant)", from_env.stderr
    assert json.loads(option_wins.stdout)["section"] == "Personal use (variant)", option_wins.stderr
    assert env_broken.returncode == 2 and str(broken) in env_broken.stderr


def test_validate_policy(variant: Path, broken: Path) -> None:
    from_env = run("validate-policy", policy_env=broken)
    option_wins = run("validate-policy", "--policy", str(variant), policy_env=broken)
    positional = run("validate-policy", str(variant), policy_env=broken)
    default = run("validate-policy")

    assert from_env.returncode == 1 and from_env.stdout.startswith("$: not valid JSON")
    assert (option_wins.returncode, option_wins.stdout.split(",")[0]) == (0, f"OK: {variant}")
    assert (positional.returncode, positional.stdout.split(",")[0]) == (0, f"OK: {variant}")
    assert (default.returncode, default.stdout.split(",")[0]) == (0, f"OK: {DEFAULT_POLICY_FILE}")


def test_validate_policy_names_the_file_it_checked_where_it_came_from_and_its_version(variant: Path,
                                                                                      tmp_path: Path) -> None:
    """POLICY_FILE set to last year's file: validate-policy said only "OK", so the policy owner could not tell which
    file it had checked. The OK line names the file as the error line does, with its title, version and date."""
    bare: dict[str, Any] = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    for key in ("version", "status", "date_of_issue", "issued_as", "source"):
        bare.pop(key, None)
    undated = tmp_path / "undated.json"
    undated.write_text(json.dumps(bare), encoding="utf-8")

    from_env = run("validate-policy", policy_env=variant)
    option = run("validate-policy", "--policy", str(variant))
    positional = run("validate-policy", str(undated))
    default = run("validate-policy")

    assert from_env.returncode == 0, from_env.stdout + from_env.stderr
    assert from_env.stdout == (f"OK: {variant}, the policy file named by POLICY_FILE: Social Media Policy (variant), "
                               "Version 1, issued 12.10.2022\n")
    assert option.stdout.startswith(f"OK: {variant}, the policy file named by --policy: ")
    assert positional.stdout == (f"OK: {undated}, the policy file named on the command line: Social Media Policy for "
                                 "Staff (it gives no version or date of issue)\n")
    assert default.stdout == (f"OK: {DEFAULT_POLICY_FILE}, the shipped policy file: Social Media Policy for Staff, "
                              "Version 1, issued 12.10.2022\n")


def test_validate_policy_names_the_file_whose_problems_it_lists(broken: Path, tmp_path: Path) -> None:
    """The problems ("$.title_en: missing") did not say which file they were in either."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"sections": []}', encoding="utf-8")

    from_env = run("validate-policy", policy_env=broken)
    positional = run("validate-policy", str(bad))

    assert from_env.returncode == 1
    assert from_env.stdout.splitlines()[-1] == f"1 problem in {broken}, the policy file named by POLICY_FILE"
    assert positional.returncode == 1
    assert positional.stdout.splitlines()[0] == "$.title_en: missing"
    assert positional.stdout.splitlines()[-1] == f"2 problems in {bad}, the policy file named on the command line"


def test_cards(variant: Path, broken: Path, tmp_path: Path) -> None:
    from_env = run("cards", "--dump", str(tmp_path / "env"), policy_env=variant)
    option_wins = run("cards", "--dump", str(tmp_path / "option"), "--policy", str(variant), policy_env=broken)
    env_broken = run("cards", "--dump", str(tmp_path / "broken"), policy_env=broken)

    assert from_env.returncode == 0 and option_wins.returncode == 0, from_env.stderr + option_wins.stderr
    for folder in ("env", "option"):
        assert "Social Media Policy (variant)" in (tmp_path / folder / "about.en.json").read_text(encoding="utf-8")
        assert "Variant policy" in (tmp_path / folder / "section.en.json").read_text(encoding="utf-8")
    assert env_broken.returncode == 2 and str(broken) in env_broken.stderr
    assert not (tmp_path / "broken").exists()


def test_import_policy_keeps_the_welsh_headings_of_the_policy_it_reads(variant: Path, broken: Path,
                                                                        tmp_path: Path) -> None:
    def welsh_headings(out: Path) -> dict[str, str]:
        data = json.loads(out.read_text(encoding="utf-8"))
        return {s["heading_en"]: s.get("heading_cy", "") for s in data["sections"]}

    from_env = run("import-policy", str(SHIPPED_TEXT), "--out", str(tmp_path / "env.json"), policy_env=variant)
    option_wins = run("import-policy", str(SHIPPED_TEXT), "--out", str(tmp_path / "option.json"),
                      "--policy", str(variant), policy_env=broken)
    env_broken = run("import-policy", str(SHIPPED_TEXT), "--out", str(tmp_path / "broken.json"), policy_env=broken)

    assert from_env.returncode == 0 and option_wins.returncode == 0, from_env.stderr + option_wins.stderr
    for out in ("env.json", "option.json"):
        headings = welsh_headings(tmp_path / out)
        assert headings["Legislation"] == "Deddfwriaeth (amrywiad)"
        assert headings["Using social networking for personal use"] == ""  # renamed in the variant
    assert env_broken.returncode == 0 and "the current policy could not be read" in env_broken.stderr
    assert set(welsh_headings(tmp_path / "broken.json").values()) == {""}


MISSING_POLICY_COMMANDS = {
    "ask": ["ask", "Can I use TikTok with my class?"],
    "validate-policy": ["validate-policy"],
    "check-policy": ["check-policy"],
    "cards": ["cards", "--dump", "{out}"],
    "import-policy": ["import-policy", str(SHIPPED_TEXT), "--out", "{out}"],
}


@pytest.mark.parametrize("named_by", ["--policy", "POLICY_FILE"])
@pytest.mark.parametrize("command", list(MISSING_POLICY_COMMANDS))
def test_a_policy_file_that_is_not_there_is_named_in_one_line_by_every_command(command: str, named_by: str,
                                                                               tmp_path: Path) -> None:
    """POLICY_FILE left pointing at last year's file, or a typo in --policy: validate-policy and check-policy said
    only "$: cannot read the file", ask and cards two lines, and import-policy wrote its file without the Welsh."""
    missing, out = tmp_path / "policy-2026.json", tmp_path / "out.json"
    args = [arg.format(out=out) for arg in MISSING_POLICY_COMMANDS[command]]
    if named_by == "--policy":
        result = run(*args, "--policy", str(missing), policy_env=DEFAULT_POLICY_FILE)
    else:
        result = run(*args, policy_env=missing)

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stdout + result.stderr
    assert str(missing) in result.stderr and named_by in result.stderr
    assert result.stderr.startswith(f"{command}: ")
    assert not out.exists()


def test_validate_policy_names_a_file_given_on_the_command_line_that_is_not_there(tmp_path: Path) -> None:
    missing = tmp_path / "policy-2026.json"

    result = run("validate-policy", str(missing))

    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"validate-policy: cannot read {missing}, the policy file named on the command line: " \
                            "No such file or directory\n"


def test_validate_policy_with_lang_cy_says_what_is_wrong_and_what_it_checked_in_welsh(variant: Path,
                                                                                      tmp_path: Path) -> None:
    """The primary school's office checks the policy file in Welsh, as `import-policy --lang cy` and `check-policy
    --lang cy` speak: `validate-policy` refused `--lang` outright, and said every line in English."""
    from bot.domain.people import Lang
    from cards.i18n import load_catalogue

    strings = load_catalogue()
    missing, bad, document = tmp_path / "policy-2026.json", tmp_path / "bad.json", tmp_path / "policy.txt"
    bad.write_text('{"sections": []}', encoding="utf-8")
    document.write_text("Social Media Policy\n", encoding="utf-8")

    not_there = run("validate-policy", str(missing), "--lang", "cy")
    problems = run("validate-policy", str(bad), "--lang", "cy")
    a_document = run("validate-policy", "--policy", str(document), "--lang", "cy")
    fine = run("validate-policy", "--lang", "cy", policy_env=variant)

    assert (not_there.returncode, problems.returncode, a_document.returncode, fine.returncode) == (2, 1, 1, 0)
    assert not_there.stderr == "validate-policy: " + strings.text(
        "policy.cannot_read", Lang.CY, path=missing, where=strings.text("policy.origin.command_line", Lang.CY),
        reason=strings.text("import.os.no_file", Lang.CY)) + "\n"
    assert problems.stdout.splitlines()[-1] == strings.text(
        "validate.problems", Lang.CY, count=2, path=bad, where=strings.text("policy.origin.command_line", Lang.CY))
    assert "missing" not in problems.stdout and "is the policy document" not in a_document.stdout
    assert a_document.stdout.splitlines()[-1] == strings.text(
        "validate.problems_one", Lang.CY, count=1, path=document, where=strings.text("policy.origin.option", Lang.CY))
    assert fine.stdout == strings.text(
        "validate.ok", Lang.CY, path=variant, where=strings.text("policy.origin.environment", Lang.CY),
        identity="Polisi Cyfryngau Cymdeithasol i Staff, Fersiwn 1, cyhoeddwyd 12 Hydref 2022") + "\n", fine.stdout


@pytest.mark.parametrize("command", ["validate-policy", "check-policy", "import-policy"])
def test_with_lang_cy_a_policy_file_that_is_not_there_is_named_in_welsh(command: str, tmp_path: Path) -> None:
    """`check-policy --lang cy` and `import-policy --lang cy`, whose every other line is Welsh, named a POLICY_FILE left
    pointing at a file that has gone in English."""
    from bot.domain.people import Lang
    from cards.i18n import load_catalogue

    strings = load_catalogue()
    missing, out = tmp_path / "policy-2026.json", tmp_path / "out.json"
    args = [arg.format(out=out) for arg in MISSING_POLICY_COMMANDS[command]]

    result = run(*args, "--lang", "cy", policy_env=missing)

    assert result.returncode == 2 and result.stdout == "", result.stdout + result.stderr
    assert result.stderr == f"{command}: " + strings.text(
        "policy.cannot_read", Lang.CY, path=missing, where=strings.text("policy.origin.environment", Lang.CY),
        reason=strings.text("import.os.no_file", Lang.CY)) + "\n"
    assert not out.exists()
