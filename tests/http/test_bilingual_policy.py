"""A bilingual policy (each English paragraph followed by its Welsh, as Welsh schools publish): Welsh cards quote the
document's own Welsh and say so; English cards quote its English."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from aiohttp.test_utils import TestClient

from bot.import_policy_command import import_policy_command
from bot.settings import Settings
from tests.conftest import local_settings
from tests.support.activities import CARYS, card_action, message
from tests.support.cards import press
from tests.support.connector import Connector
from tests.support.policies import write_policy_without_welsh

REPO = Path(__file__).resolve().parents[2]
FRIENDS_EN = "Staff must not accept friend requests from pupils on their personal accounts."
FRIENDS_CY = "Ni ddylai staff dderbyn ceisiadau ffrind gan ddisgyblion ar eu cyfrifon personol."
PRIVATE_EN = "Keep your personal accounts private and check your privacy settings every term."
PRIVATE_CY = "Cadwch eich cyfrifon personol yn breifat a gwiriwch eich gosodiadau preifatrwydd bob tymor."
PHOTOS_EN = "Photographs of pupils may be taken only on school devices, never on a personal phone."
PHOTOS_CY = "Dim ond ar ddyfeisiau'r ysgol y ceir tynnu lluniau o ddisgyblion, byth ar ffôn personol."


@pytest.fixture
def settings(azurite: str, table_prefix: str, tmp_path: Path) -> Settings:
    """Local settings whose POLICY_FILE is a bilingual Word document as `import-policy` writes it."""
    document = docx.Document()
    document.add_paragraph("Staff Social Media Policy / Polisi Cyfryngau Cymdeithasol Staff", style="Title")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Version / Fersiwn", "2"
    for heading, pairs in (("Personal accounts / Cyfrifon personol", ((FRIENDS_EN, FRIENDS_CY),
                                                                      (PRIVATE_EN, PRIVATE_CY))),
                           ("Photographs / Lluniau", ((PHOTOS_EN, PHOTOS_CY),))):
        document.add_heading(heading, level=1)
        for english, welsh in pairs:
            document.add_paragraph(english)
            document.add_paragraph(welsh)
    source, imported = tmp_path / "polisi.docx", tmp_path / "imported.json"
    document.save(str(source))
    no_welsh = write_policy_without_welsh(tmp_path)  # the imported headings stay English
    assert import_policy_command([str(source), "--out", str(imported), "--policy", str(no_welsh)]) == 0
    return local_settings(azurite, table_prefix, imported)


def _texts(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_a_welsh_question_is_answered_in_the_documents_own_welsh(client: TestClient,
                                                                       connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "Ga i dderbyn cais ffrind gan ddisgybl?", connector.url,
                                                    locale="cy-GB"))

    card = _texts(connector.cards()[-1])
    assert FRIENDS_CY in card and FRIENDS_EN not in card
    assert "Cyfrifon personol" in card
    assert "Mae'r polisi'n cael ei ddyfynnu yn ei eiriau ei hun, o'i destun Cymraeg." in card


async def test_an_english_question_is_answered_in_its_english(client: TestClient, connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "can I accept a friend request from a pupil?",
                                                    connector.url))

    card = _texts(connector.cards()[-1])
    assert FRIENDS_EN in card and FRIENDS_CY not in card


def _source_line(card: dict[str, Any]) -> str:
    """The card's source line (buttons follow it)."""
    return str(next(b["text"] for b in card["body"] if b.get("text", "").startswith("Ffynhonnell:")))


async def test_a_welsh_section_card_shows_the_welsh_text(client: TestClient, connector: Connector) -> None:
    card = await press(client, connector, card_action(CARYS, "policy.section", {"section": "personal-accounts"},
                                                      connector.url, locale="cy-GB"))

    shown = _texts(card)
    assert card["body"][0]["text"] == "Adran: Cyfrifon personol"
    assert FRIENDS_CY in shown and PRIVATE_CY in shown and FRIENDS_EN not in shown
    assert "o'i destun Cymraeg" in _source_line(card)
