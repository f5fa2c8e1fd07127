"""A message in, the welcome card out, through the real app and a local connector."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from bot.domain.errors import StorageUnavailable
from bot.domain.people import Person
from bot.domain.profiles import UserProfile
from bot.storage.users import TableUserProfiles
from tests.support.activities import (
    CARYS,
    SIAN,
    STAFF_TEAM,
    TENANT,
    card_action,
    in_team,
    install,
    installation_update,
    message,
)
from tests.support.cards import actions
from tests.support.connector import Connector

WELSH_WELCOME = "Cynorthwyydd y polisi cyfryngau cymdeithasol"


async def test_hi_gets_the_welcome_card(client: TestClient, connector: Connector) -> None:
    response = await client.post("/api/messages", json=message(CARYS, "hi", connector.url))

    assert response.status == 200
    cards = connector.cards()
    assert len(cards) == 1
    assert cards[0]["body"][0]["text"] == "Social media policy helper"
    verbs = {a["verb"] for block in cards[0]["body"] if block["type"] == "ActionSet" for a in block["actions"]}
    assert {"permission.form", "concern.form", "policy.sections", "language.set"} <= verbs


async def test_welsh_locale_gets_welsh(client: TestClient, connector: Connector) -> None:
    await client.post("/api/messages", json=message(CARYS, "shwmae", connector.url, locale="cy-GB"))

    assert connector.cards()[0]["body"][0]["text"].startswith("Cynorthwyydd y polisi cyfryngau cymdeithasol")


async def test_language_choice_is_remembered(client: TestClient, connector: Connector) -> None:
    switch = await client.post("/api/messages", json=card_action(CARYS, "language.set", {"lang": "cy"}, connector.url))
    assert switch.status == 200
    body = await switch.json()
    assert body["value"]["body"][0]["text"].startswith("Cynorthwyydd y polisi cyfryngau cymdeithasol")

    await client.post("/api/messages", json=message(CARYS, "hi", connector.url, locale="en-GB"))

    assert connector.cards()[-1]["body"][0]["text"].startswith("Cynorthwyydd y polisi cyfryngau cymdeithasol")


async def test_small_talk_gets_help_or_a_friendly_word_not_a_policy_quote(client: TestClient,
                                                                           connector: Connector) -> None:
    said = ["What can you help me with?", "Are you ChatGPT?", "ok bye, have a nice weekend", "Diolch yn fawr!",
            "thanks, but can I post photos of my class on my own Instagram?"]
    for text in said:
        await client.post("/api/messages", json=message(CARYS, text, connector.url))

    cards = [json.dumps(card, ensure_ascii=False) for card in connector.cards()]
    assert len(cards) == len(said)
    assert ["What I can do" in c for c in cards] == [True, True, False, False, False]
    assert ["You're welcome" in c for c in cards] == [False, False, True, False, False]
    assert "Croeso." in cards[3]  # thanks in Welsh, answered in Welsh
    assert all("From the policy" not in c for c in cards[:4])
    assert "From the policy" in cards[4]  # a question after the thanks is still answered


@pytest.mark.parametrize(("locale", "opened_with", "backs_out_with", "told"), [
    ("cy-GB", "codi pryder", "canslo", "dw i ddim wedi anfon dim byd newydd"),
    ("cy-GB", "caniatâd cyfryngau cymdeithasol", "dim ots", "dw i ddim wedi anfon dim byd newydd"),
    ("en-GB", "report a concern", "never mind", "I haven't sent anything new"),
    ("en-GB", "ask to use social media", "I've changed my mind", "I haven't sent anything new"),
])
async def test_backing_out_of_a_form_by_typing_says_nothing_was_sent(
        staffed: TestClient, connector: Connector, locale: str, opened_with: str, backs_out_with: str,
        told: str) -> None:
    """Not a policy quote ("Abuse of the guidance…", to someone about to report being targeted), nor "not covered"."""
    await staffed.post("/api/messages", json=message(CARYS, opened_with, connector.url, locale=locale))
    assert "Input.Text" in json.dumps(connector.cards()[-1])  # the form is open

    await staffed.post("/api/messages", json=message(CARYS, backs_out_with, connector.url, locale=locale))

    reply = json.dumps(connector.cards()[-1], ensure_ascii=False)
    assert told in reply
    assert "ask.feedback" not in reply and "ask.escalate" not in reply


async def test_the_language_of_their_teams_is_written_only_when_it_changes(client: TestClient, connector: Connector,
                                                                           azurite: str, table_prefix: str) -> None:
    """Kept in the profile row the first message writes; another message from the same Teams writes nothing."""

    async def row() -> tuple[dict[str, Any], str]:
        async with TableClient.from_connection_string(azurite, table_prefix + "users") as users:
            entity = await users.get_entity(TENANT, CARYS["aadObjectId"])
        return dict(entity), str(entity.metadata["etag"])

    await client.post("/api/messages", json=message(CARYS, "shwmae", connector.url, locale="cy-GB"))
    first, first_etag = await row()
    await client.post("/api/messages", json=message(CARYS, "help", connector.url, locale="cy-GB"))
    _, etag_after_the_same = await row()
    await client.post("/api/messages", json=message(CARYS, "hi", connector.url, locale="en-GB"))
    changed, _ = await row()

    assert (first["TeamsLanguage"], first.get("Language", "")) == ("cy", "")  # no choice made: none written
    assert etag_after_the_same == first_etag
    assert changed["TeamsLanguage"] == "en" and changed["ConversationRef"] == first["ConversationRef"]


async def test_a_language_chosen_while_another_device_writes_the_profile_is_kept(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Carys presses "English" on her laptop as her phone (Teams in Welsh) says hi, its read of her profile answered
    late: the phone writes where to reach her, and her choice stays."""
    await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    real_read, late = TableUserProfiles._read, {"phone": asyncio.Event()}

    async def read(profiles: TableUserProfiles, person: Person) -> Any:
        row = await real_read(profiles, person)
        if not late["phone"].is_set():  # the phone's read, answered once the laptop's choice is saved
            late["phone"].set()
            await chosen.wait()
        return row

    chosen = asyncio.Event()
    monkeypatch.setattr(TableUserProfiles, "_read", read)
    phone = asyncio.create_task(client.post("/api/messages", json=message(CARYS, "hi", connector.url,
                                                                           locale="cy-GB")))
    await late["phone"].wait()
    laptop = await client.post("/api/messages", json=card_action(CARYS, "language.set", {"lang": "en"},
                                                                  connector.url))
    chosen.set()
    assert laptop.status == 200 and (await phone).status == 200

    async with TableClient.from_connection_string(azurite, table_prefix + "users") as users:
        row = await users.get_entity(TENANT, CARYS["aadObjectId"])
    assert (row["Language"], row["TeamsLanguage"]) == ("en", "cy"), "her choice of English was overwritten"


@pytest.mark.parametrize("installation_update_first", [True, False])
async def test_a_new_member_of_staff_whose_teams_is_in_welsh_is_welcomed_once_in_welsh(
        client: TestClient, connector: Connector, installation_update_first: bool) -> None:
    """Teams sends two activities for one install, in either order; only the installationUpdate carries her locale."""
    both = [installation_update(CARYS, connector.url, locale="cy-GB"), install(CARYS, connector.url)]
    for activity in both if installation_update_first else both[::-1]:
        response = await client.post("/api/messages", json=activity)
        assert response.status == 200

    [welcome] = connector.cards()
    assert welcome["body"][0]["text"] == WELSH_WELCOME


@pytest.mark.parametrize("action", ["add-upgrade", "remove", "remove-upgrade"])
async def test_updating_or_removing_the_app_sends_no_welcome(client: TestClient, connector: Connector,
                                                              action: str) -> None:
    response = await client.post("/api/messages", json=installation_update(CARYS, connector.url, action=action))

    assert response.status == 200
    assert connector.cards() == []


async def test_removing_the_app_forgets_only_where_to_reach_her(client: TestClient, connector: Connector,
                                                                 azurite: str, table_prefix: str) -> None:
    """Her chat with the bot is gone: its reference is forgotten (so nothing is sent there, and she counts as not
    reachable); her language is kept for when she comes back."""
    await client.post("/api/messages", json=message(CARYS, "Cymraeg", connector.url))

    await client.post("/api/messages", json=installation_update(CARYS, connector.url, action="remove"))

    async with TableClient.from_connection_string(azurite, table_prefix + "users") as users:
        row = await users.get_entity(TENANT, CARYS["aadObjectId"])
    assert (row["ConversationRef"], row["Language"], row["Name"]) == ("", "cy", "Carys Jenkins")


async def test_a_removal_storage_could_not_record_is_logged_and_says_nothing(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Sends to the old reference then fail and are kept for later, as any refused send; no error goes to a chat the
    bot is no longer in."""
    await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    sent = len(connector.sent)

    async def storage_down(profiles: TableUserProfiles, profile: UserProfile) -> None:
        raise StorageUnavailable("timed out")

    monkeypatch.setattr(TableUserProfiles, "save_contact", storage_down)
    caplog.set_level(logging.INFO, logger="bot.edge.teams")
    response = await client.post("/api/messages", json=installation_update(CARYS, connector.url, action="remove"))

    assert response.status == 200
    assert connector.sent[sent:] == []
    assert [getattr(r, "outcome", "") for r in caplog.records if r.getMessage() == "turn"] == ["removal-not-recorded"]


async def test_re_adding_the_bot_greets_in_the_language_of_the_teams_they_last_wrote_from(
        client: TestClient, connector: Connector) -> None:
    """Her profile knows her Teams is Welsh: an install that carries no locale of its own is greeted in Welsh."""
    await client.post("/api/messages", json=message(CARYS, "shwmae", connector.url, locale="cy-GB"))
    without_locale = installation_update(CARYS, connector.url)
    del without_locale["locale"]

    await client.post("/api/messages", json=without_locale)

    assert [card["body"][0]["text"] for card in connector.cards()] == [WELSH_WELCOME, WELSH_WELCOME]


async def test_an_install_from_english_teams_is_greeted_in_english_though_her_teams_was_welsh_before(
        client: TestClient, connector: Connector) -> None:
    """The Teams she writes from now decides (not her profile's older one), unless she chose a language."""
    await client.post("/api/messages", json=message(CARYS, "shwmae", connector.url, locale="cy-GB"))

    await client.post("/api/messages", json=installation_update(CARYS, connector.url, locale="en-GB"))

    assert connector.cards()[-1]["body"][0]["text"] == "Social media policy helper"


WELSH_FOR_EVERYONE = ["Helo bawb.", "teipiwch @, dewiswch fy enw i", "agorwch sgwrs bersonol â mi"]
ENGLISH_FOR_EVERYONE = ["Hello, everyone.", "type @ and pick my name", "open a personal chat with me"]


def _welsh_then_english(card: dict[str, Any]) -> bool:
    """Every Welsh part of the shared welcome shown, then every English part, on the one card."""
    shown = json.dumps(card, ensure_ascii=False)
    if any(words not in shown for words in WELSH_FOR_EVERYONE + ENGLISH_FOR_EVERYONE):
        return False
    return max(shown.index(words) for words in WELSH_FOR_EVERYONE) < min(
        shown.index(words) for words in ENGLISH_FOR_EVERYONE)


@pytest.mark.parametrize("locale", ["en-GB", "cy-GB"])
async def test_the_welcome_posted_to_a_team_is_for_everyone_in_welsh_then_english_whoever_added_it(
        client: TestClient, connector: Connector, locale: str) -> None:
    """The head adds the bot to the staff team: every teacher used to see "Hello Siân" and her Pending requests and
    Questions for review buttons, and then a welcome in the language of her Teams alone, so a Welsh school's staff
    team read it in English only (or Welsh only). A school's shared messages are bilingual, Welsh first (Welsh
    Language Standards): one card, whoever added it; and without the bot's name in either language (staff whose
    Teams is in Welsh find it as "Cynorthwyydd Polisi")."""
    response = await client.post("/api/messages", json=in_team(installation_update(SIAN, connector.url, locale=locale)))

    assert response.status == 200
    [welcome] = connector.cards(STAFF_TEAM)
    shown = json.dumps(welcome, ensure_ascii=False)
    assert _welsh_then_english(welcome)
    assert "Siân" not in shown and "Policy Helper" not in shown and "Cynorthwyydd Polisi" not in shown
    assert actions(welcome) == []  # nobody's own buttons: forms and lists are opened in a personal chat
    assert len(json.dumps(welcome).encode()) < 28 * 1024
    assert connector.cards("a:personal-29:sian") == []


async def test_a_group_chat_greeted_by_the_headteacher_gets_the_welcome_for_everyone(
        client: TestClient, connector: Connector) -> None:
    """Added to a group chat, or greeted there ("@Policy Helper hi"), the bot speaks to the group, not to Siân."""
    await client.post("/api/messages", json=installation_update(SIAN, connector.url, conversation_type="groupChat"))
    await client.post("/api/messages", json=message(SIAN, "<at>Policy Helper</at> hi", connector.url,
                                                     conversation_type="groupChat"))

    added, greeted = connector.cards("19:group")
    assert added == greeted
    assert _welsh_then_english(added) and "Siân" not in json.dumps(added, ensure_ascii=False)


async def test_a_group_chat_greeted_in_welsh_gets_the_same_bilingual_welcome(client: TestClient,
                                                                             connector: Connector) -> None:
    """Greeted from a Welsh Teams ("@Policy Helper shwmae"), the group gets the same card: Welsh, then English."""
    await client.post("/api/messages", json=message(SIAN, "<at>Policy Helper</at> shwmae", connector.url,
                                                     conversation_type="groupChat", locale="cy-GB"))

    [greeted] = connector.cards("19:group")
    assert _welsh_then_english(greeted)


async def test_the_headteacher_adding_the_bot_for_herself_gets_her_own_welcome(client: TestClient,
                                                                               connector: Connector) -> None:
    await client.post("/api/messages", json=installation_update(SIAN, connector.url))

    [welcome] = connector.cards("a:personal-29:sian")
    assert "Hello Siân." in json.dumps(welcome, ensure_ascii=False)
    assert {"permission.pending", "ask.review"} <= {a.get("verb") for a in actions(welcome)}
