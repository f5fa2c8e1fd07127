"""The bot answers from the policy POLICY_FILE names (here one imported from the school's document), and Welsh
cards show the document's details in Welsh."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
SHIPPED_TEXT = REPO / "bot/policy/data/social-media-policy-2022.txt"


@pytest.fixture
def settings(azurite: str, table_prefix: str, tmp_path: Path) -> Settings:
    """Local settings whose POLICY_FILE is the 2022 document as `import-policy` writes it."""
    imported = tmp_path / "imported.json"
    no_welsh = write_policy_without_welsh(tmp_path)  # the imported headings stay English
    assert import_policy_command([str(SHIPPED_TEXT), "--out", str(imported), "--policy", str(no_welsh)]) == 0
    return local_settings(azurite, table_prefix, imported)


def _texts(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_the_about_card_in_english(client: TestClient, connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "about this policy", connector.url))

    about = _texts(connector.cards()[-1])
    for shown in ("Social Media Policy for Staff", "Daniel Owen / Elen Chennetier", "12.10.2022", "Governing Body",
                  "Chair of Governing Body, 12.10.2022", "Autumn 2024", "has passed",
                  "Llanidloes High School, Llanidloes Primary School"):
        assert shown in about


async def test_the_about_card_in_welsh(client: TestClient, connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "am y polisi", connector.url, locale="cy-GB"))

    about = _texts(connector.cards()[-1])
    for shown in ("Polisi Cyfryngau Cymdeithasol i Staff", "Daniel Owen / Elen Chennetier", "12 Hydref 2022",
                  "Cytunwyd gan", "Y Corff Llywodraethu", "Cadeirydd y Corff Llywodraethu, 12 Hydref 2022",
                  "Tymor yr Hydref 2024", "Ysgol Uwchradd Llanidloes, Ysgol Gynradd Llanidloes"):
        assert shown in about
    for english in ("Governing Body", "Autumn", "12.10.2022", "Social Media Policy"):
        assert english not in about


async def test_a_welsh_section_card_cites_the_document_in_welsh_with_its_english_heading(
        client: TestClient, connector: Connector) -> None:
    card = await press(client, connector, card_action(
        CARYS, "policy.section", {"section": "using-social-networking-personal-use"}, connector.url, locale="cy-GB"))

    assert card["body"][0]["text"] == "Adran: Using social networking for personal use"
    source = next(b["text"] for b in card["body"] if b.get("text", "").startswith("Ffynhonnell:"))
    assert source.startswith("Ffynhonnell: Polisi Cyfryngau Cymdeithasol i Staff, Fersiwn 1, 12 Hydref 2022, "
                             'adran "Using social networking for personal use" (ei phennawd yn y ddogfen Saesneg).')
    assert "Mae'r polisi'n cael ei ddyfynnu yn ei eiriau ei hun, yn Saesneg." in source
