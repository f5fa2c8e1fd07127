"""Policies for tests: the 2022 policy the tests pin their expectations on (kept as a fixture, so a new version of
the shipped policy file does not break tests about the 2022 words), and revised versions of the 2022 document as a
school would write them, in .txt and .docx."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import docx

from bot.policy.loader import load_policy
from bot.policy.model import Policy

FIXTURE_POLICY_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "policy-2022.json"


@cache
def fixture_policy() -> Policy:
    """The 2022 policy as a policy file (without steering data, which lives in the steering file)."""
    return load_policy(FIXTURE_POLICY_FILE)


REPO = Path(__file__).resolve().parents[2]
TEXT_2022 = REPO / "bot" / "policy" / "data" / "social-media-policy-2022.txt"
AI_SECTION = ("Generative AI tools",
              "Staff must not enter pupils' names, photographs or personal details into generative AI tools such as "
              "ChatGPT or Copilot.",
              "Content produced with generative AI and shared on school social media must be checked by a member of "
              "staff before it is posted.")
OLD_LOGO_RULE = ("Llanidloes School logos should not be used by individuals on their personal web pages or social "
                 "networking pages.")
NEW_LOGO_RULE = ("School logos and crests must never appear on staff members' personal web pages, profiles or social "
                 "networking pages.")
REMOVED_SECTION = "Use of personal mobile devices at work"


def revised_text(*, version: str = "2", issued: str = "01.09.2026", review: str = "Autumn 2028",
                 agreed: str = "Governing Body", renamed: Mapping[str, str] | None = None) -> str:
    """The 2022 text as a new version: a new section on generative AI, the mobile devices section removed, the
    logo rule reworded, new version and dates; `agreed` who agreed it, `renamed` headings given new words."""
    lines = TEXT_2022.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        if line == REMOVED_SECTION:
            skipping = True
            continue
        if skipping and line == "Abuse of the guidance":
            out += [AI_SECTION[0], "", AI_SECTION[1], "", AI_SECTION[2], ""]
            skipping = False
        if skipping:
            continue
        line = line.replace("Version 1", f"Version {version}").replace("12.10.2022", issued)
        line = line.replace("Autumn 2024", review).replace(OLD_LOGO_RULE, NEW_LOGO_RULE)
        if line == "Agreed by\tGoverning Body":
            line = f"Agreed by\t{agreed}"
        out.append((renamed or {}).get(line, line))
    return "\n".join(out) + "\n"


def write_revised(folder: Path, name: str = "Social Media Policy 2026.txt", **changes: Any) -> Path:
    """The revised text as a file."""
    path = folder / name
    path.write_text(revised_text(**changes), encoding="utf-8")
    return path


def write_policy_without_welsh(folder: Path) -> Path:
    """A policy file with nothing to lend an import (`--policy`): the imported headings stay English."""
    path = folder / "policy-without-welsh.json"
    path.write_text(json.dumps({"title_en": "Another policy", "sections": [
        {"id": "another", "heading_en": "Another section", "passages": [{"id": "another.1", "text": "Nothing."}]}]}),
        encoding="utf-8")
    return path


def typed_into_word(text: str, headings: set[str], path: Path) -> Path:
    """A policy's text typed into Word as a school would: Title style, a details table, Heading 1 for `headings`,
    List Bullet for "- " lines, everything else a paragraph."""
    lines = [line for line in text.splitlines() if line.strip()]
    details = [tuple(line.split("\t", 1)) for line in lines if "\t" in line]
    document = docx.Document()
    document.add_paragraph(lines[0], style="Title")
    document.add_paragraph(lines[1])
    table = document.add_table(rows=len(details), cols=max(len(row) for row in details))
    for row, values in zip(table.rows, details, strict=True):
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = value
    for line in lines[2:]:
        if "\t" in line:
            continue
        if line in headings:
            document.add_heading(line, level=1)
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def revised_docx(folder: Path, name: str = "Social Media Policy 2026.docx", **changes: Any) -> Path:
    """The revised version typed into Word."""
    headings = {"The purpose of this policy", "Legislation", AI_SECTION[0], "Abuse of the guidance",
                "Using social networking for communicating with the public (including pupils)",
                "Llanidloes High School's social media activity", "Llanidloes Primary School's social media activity",
                "Using social networking for personal use"}
    headings |= set(dict(changes.get("renamed") or {}).values())
    return typed_into_word(revised_text(**changes), headings, folder / name)
