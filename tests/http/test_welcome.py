"""A message in, the welcome card out, through the real app and a local connector."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE, create_app
from bot.domain.errors import StorageUnavailable
from bot.domain.outbox import OutboundMessage, in_school_hours
from bot.domain.people import Person
from bot.domain.profiles import UserProfile
from bot.domain.school_calendar import SchoolCalendar
from bot.settings import Settings
from bot.storage.outbox import TableOutbox
from bot.storage.users import TableUserProfiles
from tests.support.activities import (
    CARYS,
    FFION,
    OWAIN,
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


@pytest.fixture
async def with_clock(aiohttp_client: Any, settings: Settings) -> tuple[TestClient, list[datetime]]:
    """The app keeping school hours (08:00 to 17:00, UK clocks) on a clock the test moves (`clock[0]`)."""
    clock = [datetime(2026, 12, 8, 10, 0, tzinfo=UTC)]
    app = create_app(settings.model_copy(update={"school_hours": "08:00-17:00"}), clock=lambda: clock[0])
    return await aiohttp_client(app), clock


async def _installed(client: TestClient, user: dict[str, str], url: str, locale: str) -> None:
    for activity in (install(user, url), installation_update(user, url, locale=locale)):
        assert (await client.post("/api/messages", json=activity)).status == 200


@pytest.mark.parametrize(("installed", "opens"), [
    # Tuesday 8 December, 02:10 GMT: IT's setup policy installs the app for all staff; the welcome goes at 08:00.
    (datetime(2026, 12, 8, 2, 10, tzinfo=UTC), datetime(2026, 12, 8, 8, 0, tzinfo=UTC)),
    # Friday 11 December, 22:00 GMT: at the weekend's edge; Monday 14th at 08:00, not Saturday.
    (datetime(2026, 12, 11, 22, 0, tzinfo=UTC), datetime(2026, 12, 14, 8, 0, tzinfo=UTC)),
])
async def test_the_app_installed_for_staff_overnight_welcomes_them_when_school_hours_start(
        with_clock: tuple[TestClient, list[datetime]], connector: Connector, installed: datetime,
        opens: datetime) -> None:
    """IT installed the app for everyone overnight: each person's phone rang with the welcome at that hour, though
    nobody had pressed anything. It waits for the next working day's school hours, in each person's language."""
    client, clock = with_clock
    services = client.app[SERVICES]
    clock[0] = installed
    await _installed(client, CARYS, connector.url, "cy-GB")
    await _installed(client, SIAN, connector.url, "en-GB")
    await services.deliverer.drain()

    assert connector.cards() == []
    clock[0] = opens - timedelta(minutes=1)
    assert await services.deliverer.deliver_due() == 0
    clock[0] = opens
    assert await services.deliverer.deliver_due() == 2
    assert connector.cards(f"a:personal-{CARYS['id']}")[0]["body"][0]["text"] == WELSH_WELCOME
    assert connector.cards(f"a:personal-{SIAN['id']}")[0]["body"][0]["text"] == "Social media policy helper"


async def test_someone_who_adds_the_bot_at_night_and_writes_to_it_is_not_welcomed_again_in_the_morning(
        with_clock: tuple[TestClient, list[datetime]], connector: Connector) -> None:
    """Owain adds the bot at 22:00 and asks it something at once: he is answered then, and the welcome his install
    keeps for the morning is taken back (he has met the bot); an install in school hours is welcomed at once."""
    client, clock = with_clock
    services = client.app[SERVICES]
    clock[0] = datetime(2026, 12, 8, 22, 0, tzinfo=UTC)
    await _installed(client, OWAIN, connector.url, "en-GB")
    clock[0] += timedelta(minutes=1)
    await client.post("/api/messages", json=message(OWAIN, "hi", connector.url))
    await services.deliverer.drain()
    assert len(connector.cards(f"a:personal-{OWAIN['id']}")) == 1  # the answer to his "hi"

    clock[0] = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
    assert await services.deliverer.deliver_due() == 0
    assert len(connector.cards(f"a:personal-{OWAIN['id']}")) == 1
    clock[0] = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
    await _installed(client, CARYS, connector.url, "en-GB")
    assert connector.cards(f"a:personal-{CARYS['id']}")[0]["body"][0]["text"] == "Social media policy helper"


async def test_what_was_owed_to_someone_the_app_is_installed_for_at_night_waits_for_school_hours(
        with_clock: tuple[TestClient, list[datetime]], connector: Connector) -> None:
    """Ffion had never opened the bot: the head's Publish left her read-and-confirm card waiting, and the reminder
    after five school days with it. IT installed the app for her at 22:00 on a Friday, and both rang her phone then.
    Nobody pressed anything at 22:00: the card the head's press sent goes at the next start of school hours (08:00 on
    the Saturday: nothing a person sent waits more than one night), the reminder and the welcome on the Monday."""
    client, clock = with_clock
    services = client.app[SERVICES]
    ffion = Person(TENANT, FFION["aadObjectId"], FFION["name"])
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Please read it"}]}
    reminder = {**card, "body": [{"type": "TextBlock", "text": "A reminder"}]}
    thursday = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    await TableOutbox(client.app[STORE]).enqueue([
        OutboundMessage(recipient=ffion, message_id="policy|2|read|f", card=card, created_at=thursday),
        *in_school_hours([OutboundMessage(recipient=ffion, message_id="policy|2|remind|f", card=reminder,
                                          created_at=thursday)], SchoolCalendar(), thursday)])
    clock[0] = datetime(2026, 12, 11, 22, 0, tzinfo=UTC)
    await _installed(client, FFION, connector.url, "en-GB")
    await services.deliverer.drain()
    clock[0] += timedelta(minutes=30)
    await services.deliverer.deliver_due()

    def texts() -> list[str]:
        return [c["body"][0]["text"] for c in connector.cards(f"a:personal-{FFION['id']}")]

    assert texts() == []
    clock[0] = datetime(2026, 12, 12, 8, 0, tzinfo=UTC)
    await services.deliverer.deliver_due()
    assert texts() == ["Please read it"]
    clock[0] = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)
    await services.deliverer.deliver_due()
    assert sorted(texts()) == ["A reminder", "Please read it", "Social media policy helper"]
