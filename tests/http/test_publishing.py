"""Publishing a new policy version from Teams (the policy owner's Word file) and by command, read-and-confirm, the
reminder, the heads' count, and every refusal and fault, at HTTP level against Azurite."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE
from bot.domain.directory import StaffMember, read_staff_csv
from bot.domain.errors import StorageUnavailable
from bot.domain.federation import Federation, load_federation, parse_federation
from bot.domain.outbox import DeliveryState, OutboundMessage, QueueingNotifier
from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfile
from bot.domain.school_calendar import SchoolHours
from bot.domain.uk_time import in_uk
from bot.export import uk_time
from bot.settings import Settings
from bot.storage.directory import TableStaffDirectory
from bot.storage.outbox import TableOutbox
from bot.storage.policy_reads import TablePolicyReads
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from cards.i18n import load_catalogue
from dialogs.base import Scope, Turn
from dialogs.policy_reads import ReadingFlow, StillToRead
from tests.support.activities import CARYS, FFION, GARETH, OWAIN, SIAN, TENANT, card_action, file_message, message
from tests.support.cards import actions, verb_data
from tests.support.concerns import CALENDAR
from tests.support.connector import Connector
from tests.support.faults import fail_next_enqueue
from tests.support.files import FileServer, run_file_server
from tests.support.policies import AI_SECTION, TEXT_2022, revised_docx, write_revised
from tests.support.publishing import app_with_staff_list
from tests.support.publishing import bot_command as _command
from tests.support.publishing import delivered as _delivered
from tests.support.publishing import send as _send
from tests.support.publishing import until as _until

REPO = Path(__file__).resolve().parents[2]
STAFF = (CARYS, OWAIN, SIAN, GARETH, FFION)
CHAT = {person["id"]: f"a:personal-{person['id']}" for person in STAFF}
AI_QUESTION = "Can I put pupils' names into ChatGPT?"


@pytest.fixture
async def bot(aiohttp_client: Any, settings: Settings) -> TestClient:
    """The app, polling for a new current version every half second, with the federation's staff list."""
    return await app_with_staff_list(aiohttp_client, settings)


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    async with run_file_server() as server:
        yield server


def _text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def _click(bot: TestClient, user: dict[str, str], verb: str, data: dict[str, Any], url: str,
                 **kwargs: Any) -> dict[str, Any]:
    response = await bot.post("/api/messages", json=card_action(user, verb, data, url, **kwargs))
    assert response.status == 200
    body: dict[str, Any] = (await response.json())["value"]
    return body


async def _hi(bot: TestClient, connector: Connector, *people: dict[str, str]) -> None:
    for person in people:
        await _send(bot, message(person, "hi", connector.url))


async def _preview(bot: TestClient, connector: Connector, files: FileServer, document: Path,
                   user: dict[str, str] = SIAN) -> dict[str, Any]:
    url = files.add(await asyncio.to_thread(document.read_bytes))
    await _send(bot, file_message(user, connector.url, name=document.name, download_url=url))
    return connector.cards(CHAT[user["id"]])[-1]


# These tests run on the wall clock: an automatic card kept back for school hours would make them fail at night and
# at weekends. Keeping back is tested on the flows' fake clock (tests/flows, test_school_calendar).
ANY_TIME = SchoolHours.parse("any")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The local settings, automatic messages going whenever they are due (`SCHOOL_HOURS=any`)."""
    return settings.model_copy(update={"school_hours": str(ANY_TIME)})


def _reading(store: TableStore, now: datetime | None = None, federation: Federation | None = None) -> ReadingFlow:
    directory = TableStaffDirectory(store)
    federation = federation or load_federation(REPO / "config" / "federation.local.json")
    return ReadingFlow(strings=load_catalogue(), federation=replace(federation, school_hours=ANY_TIME),
                       versions=TablePolicyVersions(store), reads=TablePolicyReads(store), directory=directory,
                       notifier=QueueingNotifier(TableOutbox(store)), profiles=TableUserProfiles(store),
                       clock=(lambda: now) if now else (lambda: datetime.now(UTC)))


def _read_cards(connector: Connector, user: dict[str, str]) -> list[dict[str, Any]]:
    return [c for c in connector.cards(CHAT[user["id"]]) if any(a.get("verb") == "policy.confirm_read"
                                                                for a in actions(c))]


async def _publish_revised(bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path
                           ) -> dict[str, Any]:
    preview = await _preview(bot, connector, files, revised_docx(tmp_path))
    published = await _click(bot, SIAN, "policy.publish", verb_data(preview, "policy.publish"), connector.url)
    await _until(lambda: _answered_from_version(bot, connector, "2"))
    return published


async def _answered_from_version(bot: TestClient, connector: Connector, version: str) -> bool:
    await _send(bot, message(GARETH, "about", connector.url))
    return f'"value": "{version}"' in _text(connector.cards(CHAT[GARETH["id"]])[-1])


async def _rows(azurite: str, table: str) -> list[dict[str, Any]]:
    async with TableClient.from_connection_string(azurite, table) as client:
        return [dict(row) async for row in client.list_entities()]


# From Teams


async def test_the_policy_owner_publishes_a_word_file_and_each_member_of_staff_is_asked_once(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str,
        table_prefix: str) -> None:
    await _hi(bot, connector, *STAFF)

    preview = await _preview(bot, connector, files, revised_docx(tmp_path))
    published = await _click(bot, SIAN, "policy.publish", verb_data(preview, "policy.publish"), connector.url)
    for person in STAFF:
        await connector.wait_for_cards(CHAT[person["id"]], 2)
    await _until(lambda: _answered_from_version(bot, connector, "2"))
    store = bot.app[STORE]
    await asyncio.gather(_reading(store).check_campaigns(), _reading(store).check_campaigns())
    await _delivered(bot)

    shown = _text(preview)
    assert "Publish a new version of the policy?" in shown and "2 (replaces version 1)" in shown
    assert "New section:" in shown and "Generative AI tools" in shown
    assert "Removed:" in shown and "Use of personal mobile devices at work" in shown
    assert "Changed:" in shown and "Using social networking for personal use" in shown and "reworded: 1" in shown
    assert "The policy check found nothing that stops it being published." in shown
    assert files.requests == [{"method": "GET", "authorization": ""}]
    assert "Version 2 is now the current policy" in _text(published) and "5 members of staff" in _text(published)
    assert [len(_read_cards(connector, person)) for person in STAFF] == [1, 1, 1, 1, 1]
    read_card = _text(_read_cards(connector, CARYS)[0])
    assert "A new version of the staff social-media policy" in read_card and "Generative AI tools" in read_card
    assert "Read the policy" in read_card
    await _send(bot, message(CARYS, AI_QUESTION, connector.url))
    answer = _text(connector.cards(CHAT[CARYS["id"]])[-1])
    assert AI_SECTION[1] in answer and "Version 2" in answer
    questions = await _rows(azurite, f"{table_prefix}questions")
    assert {row["PolicyVersion"] for row in questions if row["Text"] == AI_QUESTION} == {"2"}
    about = _text(connector.cards(CHAT[GARETH["id"]])[-1])
    assert "Changes from version 1" in about and "01.09.2026" in about and "Generative AI tools" in about


async def test_a_teacher_abroad_whose_press_carries_no_time_zone_is_told_her_time_in_uk_time(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str,
        table_prefix: str) -> None:
    """Carys, on a course in New York, wrote to the bot from Teams there (its clientInfo said America/New_York); her
    press of I have read it came without a clientInfo, as a card's invoke may, and the card said "You confirmed on
    01/12/2026 10:00", read as New York's 10:00. Her profile keeps the zone her Teams last gave, written with where to
    reach her (no write of its own), and a press that carries none is read in it."""
    hi = message(CARYS, "hi", connector.url)
    hi["entities"] = [{"type": "clientInfo", "locale": "en-GB", "country": "US", "platform": "Web",
                       "timezone": "America/New_York", "localTimezone": "America/New_York"}]
    await _send(bot, hi)
    await _hi(bot, connector, SIAN)
    await _publish_revised(bot, connector, files, tmp_path)
    await connector.wait_for_cards(CHAT[CARYS["id"]], 2)

    confirmed = await _click(bot, CARYS, "policy.confirm_read", {"version": "2"}, connector.url)

    [row] = [r for r in await _rows(azurite, f"{table_prefix}users") if r["RowKey"] == CARYS["aadObjectId"]]
    assert row["TimeZone"] == "America/New_York"
    assert "UK time that you have read version 2" in _text(confirmed), _text(confirmed)


async def test_a_welsh_speaker_gets_the_card_in_welsh(bot: TestClient, connector: Connector, files: FileServer,
                                                     tmp_path: Path) -> None:
    await _hi(bot, connector, SIAN)
    await _send(bot, message(OWAIN, "Cymraeg", connector.url))

    await _publish_revised(bot, connector, files, tmp_path)
    await connector.wait_for_cards(CHAT[OWAIN["id"]], 2)  # the welcome saying he chose Welsh, then the read card

    [card] = _read_cards(connector, OWAIN)
    welsh = _text(card)
    assert "Fersiwn newydd o'r Polisi Cyfryngau Cymdeithasol i Staff" in welsh
    assert "fersiwn 2, mewn grym bellach (dyddiad cyhoeddi: 1 Medi 2026)" in welsh
    assert "Dyfeisiau symudol personol yn y gwaith" in welsh and "Rydw i wedi'i ddarllen" in welsh
    english = await _click(bot, OWAIN, "policy.read_request", verb_data(card, "policy.read_request"), connector.url)
    assert "A new version of the staff social-media policy" in _text(english)


async def test_a_welsh_speaker_who_first_opens_the_bot_after_publishing_gets_the_card_in_welsh(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    """Owain's Teams is in Welsh; the campaign was queued before he ever opened the bot, so nobody knew his language
    then: his card is chosen in his language when it is sent."""
    await _hi(bot, connector, SIAN)
    await _publish_revised(bot, connector, files, tmp_path)
    await bot.app[SERVICES].deliverer.drain()

    await _send(bot, message(OWAIN, "helo", connector.url, locale="cy-GB"))
    await _delivered(bot)
    await connector.wait_for_cards(CHAT[OWAIN["id"]], 2)

    [card] = _read_cards(connector, OWAIN)
    welsh = _text(card)
    assert "Fersiwn newydd o'r Polisi Cyfryngau Cymdeithasol i Staff" in welsh and "Rydw i wedi'i ddarllen" in welsh
    assert verb_data(card, "policy.read_request") == {"version": "2", "lang": "en"}


async def test_someone_who_first_opens_the_bot_after_two_versions_gets_only_the_card_of_the_version_in_force(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path) -> None:
    """Version 2, then 2.1 correcting its review date, both published before Owain first opened the bot: he got two
    cards, the first asking him to confirm a version no longer in force. He gets version 2.1's card alone."""
    await _hi(bot, connector, SIAN)
    for version, review in (("2", "Autumn 2028"), ("2.1", "Summer 2027")):
        published = await asyncio.to_thread(_command, settings, "publish-policy", "--yes", str(
            write_revised(tmp_path, f"v{version}.txt", version=version, review=review)))
        assert published.returncode == 0, published.stderr
    await _until(lambda: _answered_from_version(bot, connector, "2.1"))

    await _send(bot, message(OWAIN, "hi", connector.url))
    await _delivered(bot)

    [card] = _read_cards(connector, OWAIN)
    assert verb_data(card, "policy.confirm_read") == {"version": "2.1"}


async def test_anyone_else_sending_a_file_is_refused_and_it_is_never_downloaded(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str,
        table_prefix: str) -> None:
    refused = await _preview(bot, connector, files, revised_docx(tmp_path), user=CARYS)
    welsh = file_message(GARETH, connector.url, name="policy.docx", download_url=files.add(b"PK\x03\x04"),
                         locale="cy-GB")
    await _send(bot, welsh)

    assert "only the policy owner (Mrs Siân Roberts) can publish a new version" in _text(refused)
    assert "dim ond perchennog y polisi (Mrs Siân Roberts)" in _text(connector.cards(CHAT[GARETH["id"]])[-1])
    assert files.requests == []
    assert await _rows(azurite, f"{table_prefix}policies") == []


async def test_a_file_in_a_group_chat_is_not_opened(bot: TestClient, connector: Connector, files: FileServer,
                                                    tmp_path: Path) -> None:
    url = files.add(revised_docx(tmp_path).read_bytes())
    await _send(bot, file_message(SIAN, connector.url, name="p.docx", download_url=url, conversation_type="groupChat"))

    assert "not here" in _text(connector.cards("19:group")[-1])
    assert files.requests == []


@pytest.mark.parametrize(("content", "name", "reason"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "policy.docx", "not a readable text file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Social Media Policy.pdf", "a PDF cannot be read reliably"),
    (b"PK\x03\x04 this is not really a zip", "policy.docx", "not a Word document"),
    (b"Minutes of the governing body\n\nWe met and agreed things.\n", "../../etc/minutes.txt", "minutes.txt"),
])
async def test_a_file_that_is_not_a_policy_gets_the_import_error_and_changes_nothing(
        bot: TestClient, connector: Connector, files: FileServer, azurite: str, table_prefix: str, content: bytes,
        name: str, reason: str) -> None:
    await _send(bot, file_message(SIAN, connector.url, name=name, download_url=files.add(content)))

    shown = _text(connector.cards(CHAT[SIAN["id"]])[-1])
    assert "can't be published as the policy, and nothing was changed" in shown and reason in shown
    assert "policy.publish" not in shown and "../" not in shown
    assert await _rows(azurite, f"{table_prefix}policies") == []


async def test_a_download_that_is_too_large_or_gone_changes_nothing(bot: TestClient, connector: Connector,
                                                                    files: FileServer, azurite: str,
                                                                    table_prefix: str) -> None:
    await _send(bot, file_message(SIAN, connector.url, name="big.docx", download_url=files.add(b"x" * (11 << 20))))
    too_large = _text(connector.cards(CHAT[SIAN["id"]])[-1])
    await _send(bot, file_message(SIAN, connector.url, name="gone.docx",
                                  download_url=f"{files.url}download.aspx?tempauth=expired"))
    gone = _text(connector.cards(CHAT[SIAN["id"]])[-1])

    assert "larger than 10 MB" in too_large
    assert "couldn't download that file from Teams" in gone
    assert await _rows(azurite, f"{table_prefix}policies") == []


async def test_the_same_file_twice_and_an_older_version_start_no_second_campaign(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    await _hi(bot, connector, *STAFF)
    document = revised_docx(tmp_path)
    first = await _preview(bot, connector, files, document)
    await _click(bot, SIAN, "policy.publish", verb_data(first, "policy.publish"), connector.url)
    await _until(lambda: _answered_from_version(bot, connector, "2"))

    again = await _preview(bot, connector, files, document)
    second_click = await _click(bot, SIAN, "policy.publish", verb_data(first, "policy.publish"), connector.url)
    older = await _preview(bot, connector, files, TEXT_2022)
    await _delivered(bot)

    assert "already the current version (2)" in _text(again) and "policy.publish" not in _text(again)
    assert "no longer available" in _text(second_click) or "already the current version" in _text(second_click)
    assert "This is version 1, which is older than the current version, 2" in _text(older)
    assert "policy.publish" not in _text(older)
    assert [len(_read_cards(connector, person)) for person in STAFF] == [1, 1, 1, 1, 1]


async def test_a_confirmation_storage_made_but_answered_late_is_not_called_unmade(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str, table_prefix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Storage keeps Carys's "I have read it" but answers after the budget. Before, she was told "nothing was
    changed" though the governors' record says she confirmed (and she is never reminded)."""
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    await connector.wait_for_cards(CHAT[CARYS["id"]], 2)
    [card] = _read_cards(connector, CARYS)
    real_confirm, late = TablePolicyReads.confirm, {"left": 1}

    async def confirm(reads: TablePolicyReads, *args: Any) -> Any:
        kept = await real_confirm(reads, *args)
        if late["left"]:  # storage made the write; its answer came after the budget
            late["left"] -= 1
            raise StorageUnavailable("injected: TimeoutError")
        return kept

    monkeypatch.setattr(TablePolicyReads, "confirm", confirm)
    pressed = await _click(bot, CARYS, "policy.confirm_read", verb_data(card, "policy.confirm_read"), connector.url,
                           locale="cy-GB")

    reads = [r for r in await _rows(azurite, f"{table_prefix}policyreads") if r["RowKey"].startswith("read|")]
    assert [r["Name"] for r in reads] == ["Carys Jenkins"]
    assert "does dim wedi newid" not in _text(pressed).lower() and "nothing was changed" not in _text(pressed)
    assert "policy.confirm_read" not in _text(pressed)


async def test_staff_confirm_once_and_the_head_sees_who_has_read_it(bot: TestClient, connector: Connector,
                                                                    files: FileServer, tmp_path: Path,
                                                                    azurite: str, table_prefix: str) -> None:
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    await connector.wait_for_cards(CHAT[CARYS["id"]], 2)
    [card] = _read_cards(connector, CARYS)

    first = await _click(bot, CARYS, "policy.confirm_read", verb_data(card, "policy.confirm_read"), connector.url)
    second = await _click(bot, CARYS, "policy.confirm_read", verb_data(card, "policy.confirm_read"), connector.url)
    forged = await _click(bot, CARYS, "policy.confirm_read", {"version": "9"}, connector.url)
    await _send(bot, message(SIAN, "who has read it", connector.url))
    summary = _text(connector.cards(CHAT[SIAN["id"]])[-1])
    await _send(bot, message(CARYS, "who has read it", connector.url))
    staff_view = _text(connector.cards(CHAT[CARYS["id"]])[-1])
    await _send(bot, message(CARYS, "what's new", connector.url))
    whats_new = _text(connector.cards(CHAT[CARYS["id"]])[-1])

    assert "Thank you. You confirmed on" in _text(first) and "version 2 of the policy" in _text(first)
    assert "You had already confirmed" in _text(second) and "Nothing was changed" in _text(second)
    assert "Sorry" in _text(forged)
    reads = [r for r in await _rows(azurite, f"{table_prefix}policyreads") if r["RowKey"].startswith("read|")]
    assert [r["Name"] for r in reads] == ["Carys Jenkins"]
    assert "Llanidloes High School: read by 1 of 3" in summary
    assert "Llanidloes Primary School: read by 0 of 2" in summary
    assert "Gareth Hughes, Siân Roberts" in summary and "Carys Jenkins" not in summary
    assert "Only the headteacher and the policy owner can see who has read the policy" in staff_view
    assert "What's new in the policy" in whats_new and "You confirmed on" in whats_new
    assert "policy.confirm_read" not in whats_new


async def test_who_has_read_it_typed_in_a_group_chat_names_nobody_there(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    await _reading(bot.app[STORE]).check_campaigns()  # her own "please read" card is in before the commands
    await bot.app[SERVICES].deliverer.drain()
    before = len(connector.cards(CHAT[SIAN["id"]]))

    await _send(bot, message(SIAN, "who has read it", connector.url, conversation_type="groupChat"))
    await _send(bot, message(SIAN, "pwy sydd wedi darllen", connector.url, conversation_type="channel"))
    await _send(bot, message(SIAN, "what's new", connector.url, conversation_type="groupChat"))

    group = " ".join(_text(card) for card in connector.cards("19:group"))
    assert "I've sent that to you privately" in group
    assert not any(person["name"] in group for person in STAFF)
    private = [_text(c) for c in connector.cards(CHAT[SIAN["id"]])[before:]]
    assert len(private) == 3 and all("Gareth Hughes" in card for card in private[:2])
    assert "Published in the bot on" in private[2]


async def test_i_have_read_it_pressed_in_a_group_chat_leaves_the_groups_card_and_thanks_the_reader_privately(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str,
        table_prefix: str) -> None:
    """Carys's card, forwarded to a group chat: her press there is hers (the activity says who), but the card the
    group sees must not turn into "Thank you. You confirmed" for everyone, Owain included, who has not."""
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    await connector.wait_for_cards(CHAT[CARYS["id"]], 2)
    [card] = _read_cards(connector, CARYS)
    privately_before = len(connector.cards(CHAT[CARYS["id"]]))

    pressed = await _click(bot, CARYS, "policy.confirm_read", verb_data(card, "policy.confirm_read"), connector.url,
                           conversation_type="groupChat")
    welsh = await _click(bot, OWAIN, "policy.read_request", {"version": "2", "lang": "cy"}, connector.url,
                         conversation_type="groupChat")
    await bot.app[SERVICES].deliverer.drain()

    assert "You confirmed" not in _text(pressed) and "policy.confirm_read" not in _text(pressed)
    assert "policy.confirm_read" not in _text(welsh)  # the group's English card stays English for the others
    group = " ".join(_text(c) for c in connector.cards("19:group"))
    assert "Carys" not in group and "You confirmed" not in group
    reads = [r for r in await _rows(azurite, f"{table_prefix}policyreads") if r["RowKey"].startswith("read|")]
    assert [r["Name"] for r in reads] == ["Carys Jenkins"]
    privately = " ".join(_text(c) for c in connector.cards(CHAT[CARYS["id"]])[privately_before:])
    assert "Thank you. You confirmed on" in privately
    assert "Rydw i wedi'i ddarllen" in " ".join(_text(c) for c in connector.cards(CHAT[OWAIN["id"]]))


async def test_one_reminder_after_five_school_days_to_those_who_have_not_confirmed(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    store = bot.app[STORE]
    outbox = TableOutbox(store)
    await connector.wait_for_cards(CHAT[CARYS["id"]], 2)
    await _click(bot, CARYS, "policy.confirm_read", {"version": "2"}, connector.url)
    asked_at = (await TablePolicyReads(store).list_asked("2"))[0].asked_at

    five_school_days = CALENDAR.add_working_days(asked_at, 5)  # whatever bank holiday falls in between
    four_days = await _reading(store, five_school_days - timedelta(minutes=1)).remind()
    a_week = await asyncio.gather(*(_reading(store, five_school_days + timedelta(minutes=1)).remind()
                                    for _ in range(3)))
    later = await _reading(store, asked_at + timedelta(days=20)).remind()

    assert asked_at.weekday() in range(7)
    reminded: dict[str, int] = {}
    for person in STAFF:
        queued = [m for m in await outbox.list_for_recipient(Person(TENANT, person["aadObjectId"]))
                  if "|remind|" in m.message_id]
        reminded[person["name"]] = len(queued) + len([c for c in connector.cards(CHAT[person["id"]])
                                                      if "Reminder: please read the new policy" in _text(c)])
    assert four_days == 0 and later == 0 and sum(a_week) == 4
    assert reminded == {"Carys Jenkins": 0, "Owain Pritchard": 1, "Siân Roberts": 1, "Gareth Hughes": 1,
                        "Ffion Morgan": 1}


async def test_the_reminder_waits_for_the_school_days_of_the_school_of_the_person_reminded(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    """An INSET day of the primary school in the five school days: the primary's staff are reminded a school day
    later, the high school's (and the executive head of both) on the fifth. Before, one list served both schools and
    nobody was reminded on the fifth day."""
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    store = bot.app[STORE]
    await _reading(store).check_campaigns()  # everyone asked (it also runs in the background)
    asked_at = (await TablePolicyReads(store).list_asked("2"))[0].asked_at
    inset = in_uk(CALENDAR.add_working_days(asked_at, 1)).date()  # whatever bank holiday falls in between
    raw = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
    federation = parse_federation({**raw, "school_holidays": [
        {"from": inset.isoformat(), "schools": ["Ysgol Gynradd Llanidloes"], "name": "INSET day"}]})

    on_the_fifth = await _reading(store, CALENDAR.add_working_days(asked_at, 5) + timedelta(minutes=1),
                                  federation).remind()
    reminded_first = {a.name for a in await TablePolicyReads(store).list_asked("2") if a.reminded_at is not None}
    on_the_sixth = await _reading(store, CALENDAR.add_working_days(asked_at, 6) + timedelta(minutes=1),
                                  federation).remind()

    assert reminded_first == {"Carys Jenkins", "Siân Roberts", "Gareth Hughes"}
    assert (on_the_fifth, on_the_sixth) == (3, 2)


async def test_a_reminder_waiting_for_someone_who_has_confirmed_since_is_withheld_not_sent(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str,
        table_prefix: str) -> None:
    """Owain had not opened the bot, so his card, then his reminder, waited in the outbox; he pressed I have read it
    on the card a colleague forwarded to the department's group chat. Opening the bot, he got the reminder asking
    him to confirm what he had confirmed: it is checked when it goes, withheld, and the withholding recorded."""
    await _hi(bot, connector, CARYS, SIAN, GARETH, FFION)
    await _publish_revised(bot, connector, files, tmp_path)
    store = bot.app[STORE]
    await _reading(store).check_campaigns()
    await _delivered(bot)
    asked_at = (await TablePolicyReads(store).list_asked("2"))[0].asked_at
    await _reading(store, CALENDAR.add_working_days(asked_at, 5) + timedelta(minutes=1)).remind()
    await _delivered(bot)

    await _click(bot, OWAIN, "policy.confirm_read", {"version": "2"}, connector.url, conversation_type="groupChat")
    await _hi(bot, connector, OWAIN)
    await _delivered(bot)

    owain = [_text(card) for card in connector.cards(CHAT[OWAIN["id"]])]
    assert any("Thank you. You confirmed on" in card for card in owain)
    assert await _reminders(connector, OWAIN) == 0 and _read_cards(connector, OWAIN) == []
    assert await _reminders(connector, CARYS) == 1  # she has not confirmed: hers went
    assert await TableOutbox(store).list_for_recipient(Person(TENANT, OWAIN["aadObjectId"])) == []
    withheld = [r for r in await _rows(azurite, f"{table_prefix}policyreads") if r["RowKey"].startswith("withheld|")]
    assert [(r["Name"], r["Reminder"]) for r in withheld] == [("Owain Pritchard", 1)]


async def test_a_reminder_still_owed_is_not_lost_when_its_check_fails_or_its_sender_dies_after_checking(
        aiohttp_client: Any, settings: Settings, connector: Connector, files: FileServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Owain has not confirmed. The check before his reminder goes first cannot reach storage (it waits, and goes at
    the next pass), then the instance sending it dies between the check and the send (its lease runs out, and
    another instance checks again and sends it): he gets it, once."""
    bot = await app_with_staff_list(aiohttp_client, settings.model_copy(update={"outbox_lease_seconds": 1.0}))
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    store = bot.app[STORE]
    await _reading(store).check_campaigns()
    await _delivered(bot)
    asked_at = (await TablePolicyReads(store).list_asked("2"))[0].asked_at
    owain = Person(TENANT, OWAIN["aadObjectId"], OWAIN["name"])
    deliverer = bot.app[SERVICES].deliverer
    checking = asyncio.Event()
    checked = asyncio.Event()
    real_check = StillToRead.still_owed

    async def storage_down(self: StillToRead, message: OutboundMessage, now: datetime) -> bool:
        raise StorageUnavailable("injected")

    async def dies_after_checking(self: StillToRead, message: OutboundMessage, now: datetime) -> bool:
        owed = await real_check(self, message, now)
        checked.set()
        await checking.wait()  # never set: the instance is killed here
        return owed

    await _reading(store, CALENDAR.add_working_days(asked_at, 5) + timedelta(minutes=1)).remind()
    monkeypatch.setattr(StillToRead, "still_owed", storage_down)
    await deliverer.deliver_to(owain)
    after_the_fault = await _reminders(connector, OWAIN)
    monkeypatch.setattr(StillToRead, "still_owed", dies_after_checking)
    dying = asyncio.create_task(deliverer.deliver_to(owain))
    await asyncio.wait_for(checked.wait(), 10)
    dying.cancel()
    monkeypatch.undo()
    after_the_crash = await _reminders(connector, OWAIN)
    await asyncio.sleep(1.2)  # its lease runs out
    await _delivered(bot)
    await _delivered(bot)

    assert (after_the_fault, after_the_crash) == (0, 0)
    assert await _reminders(connector, OWAIN) == 1
    assert await TableOutbox(store).list_for_recipient(owain) == []


async def _version_3_out_while_a_sender_holds_owains_version_2_card(
        bot: TestClient, connector: Connector, settings: Settings, files: FileServer, tmp_path: Path) -> None:
    """Version 2 published (Owain has not opened the bot: his card waits), then version 3 by command while a sender
    holds his version 2 card, so version 3's campaign cannot take it back; then he opens the bot."""
    await _hi(bot, connector, CARYS, SIAN, GARETH, FFION)
    await _publish_revised(bot, connector, files, tmp_path)
    store = bot.app[STORE]
    await _reading(store).check_campaigns()
    await _delivered(bot)
    outbox = TableOutbox(store)
    [waiting] = await outbox.list_for_recipient(Person(TENANT, OWAIN["aadObjectId"], OWAIN["name"]))
    held = await outbox.claim(waiting, datetime.now(UTC))  # the sender that found no chat for him yet
    published = await asyncio.to_thread(_command, settings, "publish-policy", "--yes", str(
        write_revised(tmp_path, "v3.txt", version="3", issued="01.10.2026")))
    assert published.returncode == 0, published.stderr
    await outbox.release(replace(held, state=DeliveryState.PENDING, next_attempt_at=None))
    await _until(lambda: _answered_from_version(bot, connector, "3"))
    await _reading(store).check_campaigns()
    await _hi(bot, connector, OWAIN)
    await _delivered(bot)


async def test_a_card_of_a_version_replaced_while_a_sender_held_it_is_withheld_not_sent(
        bot: TestClient, connector: Connector, settings: Settings, files: FileServer, tmp_path: Path,
        azurite: str, table_prefix: str) -> None:
    """Version 3, a correction, came out while version 2's campaign was still going out: a sender held Owain's version
    2 card (he had not opened the bot yet), so version 3's campaign could not take it back, and it went when he opened
    the bot, with version 3's card, asking him to confirm a version no longer in force. (Probed with 120 staff and
    Teams answering each send in 0.4 s: 32 were sent version 2's card after version 3 was published.)"""
    await _version_3_out_while_a_sender_holds_owains_version_2_card(bot, connector, settings, files, tmp_path)

    cards = [_text(card) for card in _read_cards(connector, OWAIN)]
    assert len(cards) == 1 and '"version": "3"' in cards[0] and '"version": "2"' not in cards[0]
    assert await TableOutbox(bot.app[STORE]).list_for_recipient(Person(TENANT, OWAIN["aadObjectId"])) == []
    withheld = [r for r in await _rows(azurite, f"{table_prefix}policyreads") if r["RowKey"].startswith("withheld|")]
    assert [(r["PartitionKey"], r["Name"], r["Reminder"], r["Because"]) for r in withheld] == [
        ("v|00002", "Owain Pritchard", 0, "replaced")]


async def test_a_card_withheld_as_its_version_was_replaced_is_owed_again_when_that_version_comes_back(
        bot: TestClient, connector: Connector, settings: Settings, files: FileServer, tmp_path: Path) -> None:
    """Owain's version 2 card was withheld as it went, version 3 having come out; version 3 had a mistake and was
    rolled back to 2, which owes its card again to everyone who has not confirmed it, but not to anyone it reached:
    the withheld card must not count as one that reached him, or he is never asked to confirm the version in force."""
    await _version_3_out_while_a_sender_holds_owains_version_2_card(bot, connector, settings, files, tmp_path)
    before = [_text(card) for card in _read_cards(connector, OWAIN)]  # version 2's withheld; version 3's, he has
    store = bot.app[STORE]

    rolled = await asyncio.to_thread(_command, settings, "rollback-policy", "2", "--yes")
    await _until(lambda: _answered_from_version(bot, connector, "2"))
    await _reading(store).check_campaigns()
    await _delivered(bot)

    assert rolled.returncode == 0, rolled.stderr
    assert len(before) == 1 and '"version": "3"' in before[0]
    after = [_text(card) for card in _read_cards(connector, OWAIN)][1:]
    assert len(after) == 1 and '"version": "2"' in after[0] and '"version": "3"' not in after[0]


async def _staff_list(bot: TestClient, edit: Callable[[str], str]) -> None:
    """The office re-imports the staff list, edited."""
    text = (REPO / "config" / "staff.local.csv").read_text(encoding="utf-8")
    staff = read_staff_csv(edit(text), schools=["high", "primary"]).staff
    await TableStaffDirectory(bot.app[STORE]).replace_all(staff)


async def _reminders(connector: Connector, person: dict[str, str]) -> int:
    return len([c for c in connector.cards(CHAT[person["id"]]) if "Reminder: please read the new policy" in _text(c)])


async def test_a_member_whose_entra_id_is_added_after_publishing_is_asked_then_reminded(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    store = bot.app[STORE]
    await _staff_list(bot, lambda text: text.replace(f",{OWAIN['aadObjectId']}", ","))
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    await bot.app[SERVICES].deliverer.drain()
    unreachable = _read_cards(connector, OWAIN)

    await _staff_list(bot, lambda text: text)  # the office adds his Entra id
    await _reading(store).check_campaigns()
    await _reading(store).check_campaigns()
    await _delivered(bot)
    asked = {a.name: a for a in await TablePolicyReads(store).list_asked("2")}
    reminded = await _reading(store, CALENDAR.add_working_days(asked["Owain Pritchard"].asked_at, 5)).remind()
    await _delivered(bot)

    assert unreachable == []
    assert len(_read_cards(connector, OWAIN)) == 2  # asked once, reminded once
    assert asked["Owain Pritchard"].object_id == OWAIN["aadObjectId"]
    assert reminded == 5 and await _reminders(connector, OWAIN) == 1


async def test_a_member_who_left_the_school_is_not_reminded(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    store = bot.app[STORE]
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    await _reading(store).check_campaigns()  # the campaign has asked everyone (it also runs in the background)
    asked = await TablePolicyReads(store).list_asked("2")
    await _staff_list(bot, lambda text: "\n".join(line for line in text.splitlines() if not line.startswith("Owain")))
    asked_at = asked[0].asked_at

    reminded = await _reading(store, CALENDAR.add_working_days(asked_at, 5)).remind()
    await _delivered(bot)

    assert OWAIN["aadObjectId"] in {a.object_id for a in asked}  # he was asked before he left
    assert reminded == 4
    assert await _reminders(connector, OWAIN) == 0 and await _reminders(connector, CARYS) == 1


async def test_someone_who_left_before_opening_the_bot_is_not_then_sent_the_card_asking_them_to_confirm(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str,
        table_prefix: str) -> None:
    """Owain had not opened the bot when version 2 came out, so his card waited; he left at half term and the office
    took him off the staff list. A Hwb account goes with a teacher to their next school in Wales: opening the bot there
    he was sent the federation's card asking him to read and confirm its policy (and, pressing it, told only staff are
    asked). It is withheld as it goes, and why is kept with the campaign."""
    await _hi(bot, connector, CARYS, SIAN, GARETH, FFION)
    await _publish_revised(bot, connector, files, tmp_path)
    store = bot.app[STORE]
    await _reading(store).check_campaigns()
    await _delivered(bot)
    await _staff_list(bot, lambda text: "\n".join(line for line in text.splitlines() if not line.startswith("Owain")))

    await _hi(bot, connector, OWAIN)
    await _delivered(bot)

    assert _read_cards(connector, OWAIN) == [] and len(_read_cards(connector, CARYS)) == 1
    assert await TableOutbox(store).list_for_recipient(Person(TENANT, OWAIN["aadObjectId"])) == []
    withheld = [r for r in await _rows(azurite, f"{table_prefix}policyreads") if r["RowKey"].startswith("withheld|")]
    assert [(r["Name"], r["Reminder"], r["Because"]) for r in withheld] == [("Owain Pritchard", 0, "left")]


async def test_someone_taken_off_the_staff_list_by_mistake_gets_the_card_held_for_them_once_back_on_it(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str,
        table_prefix: str) -> None:
    """Owain had not opened the bot when version 2 came out. The office imported the list without him by mistake, and
    he opened the bot that morning: his card was withheld (he was not on the list). Put back that afternoon, he was on
    the head's "not yet" list and had no card to press until the reminder a week later. The periodic pass now owes him
    the card held back, once, as for anyone it reaches late."""
    await _hi(bot, connector, CARYS, SIAN, GARETH, FFION)
    await _publish_revised(bot, connector, files, tmp_path)
    store = bot.app[STORE]
    await _reading(store).check_campaigns()
    await _delivered(bot)
    await _staff_list(bot, lambda text: "\n".join(line for line in text.splitlines() if not line.startswith("Owain")))
    await _hi(bot, connector, OWAIN)
    await _delivered(bot)
    withheld = _read_cards(connector, OWAIN)

    await _staff_list(bot, lambda text: text)  # put back
    await _reading(store).check_campaigns()
    await _reading(store).check_campaigns()
    await _delivered(bot)

    assert withheld == []
    [card] = _read_cards(connector, OWAIN)
    assert '"version": "2"' in _text(card) and "Reminder" not in _text(card)
    assert len(_read_cards(connector, CARYS)) == 1
    asked = [a for a in await TablePolicyReads(store).list_asked("2") if a.object_id == OWAIN["aadObjectId"]]
    assert len(asked) == 1 and asked[0].reminders == 0


async def test_a_member_whose_email_changes_is_asked_once_and_listed_once_for_the_governors(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path, settings: Settings) -> None:
    await _hi(bot, connector, *STAFF)
    await _publish_revised(bot, connector, files, tmp_path)
    await _reading(bot.app[STORE]).check_campaigns()  # asked under her old email (it also runs in the background)
    await bot.app[SERVICES].deliverer.drain()
    await _click(bot, CARYS, "policy.confirm_read", {"version": "2"}, connector.url)
    await _staff_list(bot, lambda text: text.replace("Carys Jenkins,carys.jenkins@", "Carys Pugh,carys.pugh@"))

    await _reading(bot.app[STORE]).check_campaigns()
    await _delivered(bot)
    exported = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "2")

    assert len(_read_cards(connector, CARYS)) == 1
    carys = [row for row in csv.reader(io.StringIO(exported.stdout)) if "Carys" in row[2]]
    assert len(carys) == 1 and carys[0][2:4] == ["Carys Pugh", "carys.pugh@llanidloes.example.cymru"]
    assert carys[0][7] == "read" and carys[0][4]  # asked at is kept


# Faults


async def test_a_campaign_left_owed_by_a_storage_fault_is_sent_once_by_the_next_pass(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await _hi(bot, connector, *STAFF)
    preview = await _preview(bot, connector, files, revised_docx(tmp_path))
    fail_next_enqueue(monkeypatch)

    published = await _click(bot, SIAN, "policy.publish", verb_data(preview, "policy.publish"), connector.url)
    await _until(lambda: _answered_from_version(bot, connector, "2"))
    versions = TablePolicyVersions(bot.app[STORE])
    owed = await versions.list_owed_campaigns()
    sent_before = sum(len(_read_cards(connector, person)) for person in STAFF)
    await asyncio.gather(_reading(bot.app[STORE]).check_campaigns(), _reading(bot.app[STORE]).check_campaigns())
    await _delivered(bot)

    assert "Version 2 is now the current policy" in _text(published)
    assert owed == ["2"] and sent_before == 0
    assert [len(_read_cards(connector, person)) for person in STAFF] == [1, 1, 1, 1, 1]
    assert await versions.list_owed_campaigns() == []


async def test_a_heads_reminder_storage_failed_part_way_leaves_her_the_button_it_tells_her_to_press_again(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Storage fails as Siân's "Send a reminder" queues the reminders: she is told it can't tell and to press the
    button again, so the card with the button stays and the word comes below it. Before, the word took the card's
    place, and the button with it."""
    published = await asyncio.to_thread(_command, settings, "publish-policy", "--yes", str(write_revised(tmp_path)))
    assert published.returncode == 0, published.stderr
    await _until(lambda: _answered_from_version(bot, connector, "2"))
    store = bot.app[STORE]
    await _reading(store).check_campaigns()
    asked_at = (await TablePolicyReads(store).list_asked("2"))[0].asked_at
    next_day = CALENDAR.add_working_days(asked_at, 1) + timedelta(minutes=1)
    head = Person(TENANT, SIAN["aadObjectId"], "Mrs Siân Roberts")
    fail_next_enqueue(monkeypatch, about="remind")

    failed = await _reading(store, next_day).remind_now(Turn(actor=head, lang=Lang.CY, scope=Scope.PERSONAL,
                                                             verb="policy.remind", data={"version": "2"},
                                                             is_invoke=True))

    assert failed.card is not None and failed.new_message
    assert load_catalogue().text("error.storage_unsure", Lang.CY) in _text(failed.card)


async def test_storage_failing_while_publishing_changes_nothing(bot: TestClient, connector: Connector,
                                                               files: FileServer, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    preview = await _preview(bot, connector, files, revised_docx(tmp_path))

    async def storage_down(*args: Any, **kwargs: Any) -> None:
        raise StorageUnavailable("injected")

    monkeypatch.setattr(TablePolicyVersions, "publish", storage_down)
    failed = await _click(bot, SIAN, "policy.publish", verb_data(preview, "policy.publish"), connector.url)
    monkeypatch.undo()
    versions = TablePolicyVersions(bot.app[STORE])

    assert "couldn't reach the bot's records just now, so nothing was changed" in _text(failed)
    assert await versions.get_pointer() is None and await versions.list_versions() == []
    assert not await _answered_from_version(bot, connector, "2")
    retried = await _click(bot, SIAN, "policy.publish", verb_data(preview, "policy.publish"), connector.url)
    assert "Version 2 is now the current policy" in _text(retried)


# By command


async def test_publish_by_command_then_roll_back_and_export_for_the_governors(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path) -> None:
    await _hi(bot, connector, *STAFF)

    published = await asyncio.to_thread(_command, settings, "publish-policy", str(write_revised(tmp_path)),
                                        "--by", "Mrs Siân Roberts", "--yes")
    await _until(lambda: _answered_from_version(bot, connector, "2"))
    await _delivered(bot)
    await _click(bot, OWAIN, "policy.confirm_read", {"version": "2"}, connector.url)
    twice = await asyncio.to_thread(_command, settings, "publish-policy", str(write_revised(tmp_path)), "--yes")
    bad = await asyncio.to_thread(_command, settings, "publish-policy", str(write_revised(tmp_path, version="Draft")))
    rolled = await asyncio.to_thread(_command, settings, "rollback-policy", "1", "--yes")
    missing = await asyncio.to_thread(_command, settings, "rollback-policy", "7", "--yes")
    await _until(lambda: _answered_from_version(bot, connector, "1"))
    await _reading(bot.app[STORE]).check_campaigns()  # the shipped version 1 is kept, never campaigned for
    await _delivered(bot)
    listed = await asyncio.to_thread(_command, settings, "policy-versions")
    exported = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "2")
    typed_otherwise = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "2.0")

    assert published.returncode == 0, published.stderr
    assert "published version 2; 5 member(s) of staff asked" in published.stdout
    assert [len(_read_cards(connector, person)) for person in STAFF] == [1, 1, 1, 1, 1]
    assert twice.returncode == 1 and "already the current version (2)" in twice.stderr
    assert bad.returncode == 1 and "The document gives no version number" in bad.stderr
    assert rolled.returncode == 0 and "version 1 is current (was 2)" in rolled.stdout
    assert missing.returncode == 1 and "is not stored (stored: 1, 2)" in missing.stderr
    assert "* version 1 " in listed.stdout and "shipped with the bot" in listed.stdout
    assert "  version 2 " in listed.stdout and "by Mrs Siân Roberts" in listed.stdout
    assert [len(_read_cards(connector, person)) for person in STAFF] == [1, 1, 1, 1, 1]
    lines = exported.stdout.splitlines()
    assert lines[0].startswith('"version","school","name","email","asked at","reminded at","read at","status",')
    assert len(lines) == 6 and all(line.startswith('"2","Llanidloes ') for line in lines[1:])
    status = {row[2]: row[7] for row in csv.reader(io.StringIO(exported.stdout))}
    # Rolled back from, version 2 can be confirmed by nobody now: Carys did not confirm it while it was in force.
    assert status["Owain Pritchard"] == "read" and status["Carys Jenkins"] == "did not confirm it while it was in force"
    assert typed_otherwise.stdout == exported.stdout  # "2.0" is version 2, as stored


async def _published_then_reminded_twice(bot: TestClient, connector: Connector, settings: Settings,
                                         tmp_path: Path) -> tuple[datetime, datetime]:
    """Version 2 published and its cards sent; the reminder after five school days sent, then the head's Send a
    reminder pressed the next day (not yet delivered). When each was: a minute after the fifth and sixth school day."""
    published = await asyncio.to_thread(_command, settings, "publish-policy", "--yes", str(write_revised(tmp_path)))
    assert published.returncode == 0, published.stderr
    await _until(lambda: _answered_from_version(bot, connector, "2"))
    store = bot.app[STORE]
    await _reading(store).check_campaigns()
    await _delivered(bot)
    asked_at = (await TablePolicyReads(store).list_asked("2"))[0].asked_at
    fifth = CALENDAR.add_working_days(asked_at, 5) + timedelta(minutes=1)
    sixth = CALENDAR.add_working_days(asked_at, 6) + timedelta(minutes=1)
    head = Person(TENANT, SIAN["aadObjectId"], "Mrs Siân Roberts")
    await _reading(store, fifth).remind()
    await _delivered(bot)
    await _reading(store, sixth).remind_now(Turn(actor=head, lang=Lang.EN, scope=Scope.PERSONAL,
                                                 verb="policy.remind", data={"version": "2"}, is_invoke=True))
    return fifth, sixth


async def test_the_governors_export_says_how_many_reminders_each_person_had_and_when(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path) -> None:
    """Five school days on, everyone who has not confirmed is reminded; the next day the head reminds again, and
    Carys confirms before hers reaches her. The CSV gave each person's latest reminder alone: Owain's two, and when,
    were not to be seen, nor that Carys's second was never sent."""
    await _hi(bot, connector, *STAFF)
    fifth, sixth = await _published_then_reminded_twice(bot, connector, settings, tmp_path)
    await _click(bot, CARYS, "policy.confirm_read", {"version": "2"}, connector.url)
    await _delivered(bot)
    exported = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "2")

    assert exported.returncode == 0, exported.stderr
    rows = {row[2]: row for row in csv.reader(io.StringIO(exported.stdout))}
    assert rows["name"][8:11] == ["reminders", "reminder times", "reminders not sent (already read)"]
    assert rows["Owain Pritchard"][5] == uk_time(sixth)
    assert rows["Owain Pritchard"][7:] == ["not yet", "2", f"{uk_time(fifth)}; {uk_time(sixth)}", "0", "0", "0", "0",
                                           "0"]
    assert rows["Carys Jenkins"][5] == uk_time(fifth)
    assert rows["Carys Jenkins"][7:] == ["read", "1", uk_time(fifth), "1", "0", "0", "0", "0"]
    assert await _reminders(connector, CARYS) == 1 and await _reminders(connector, OWAIN) == 2


async def test_the_governors_export_counts_the_reminders_that_reached_each_person_not_those_queued(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path) -> None:
    """Ffion works two days a week and had not opened the bot: the reminder after five school days waited for her, and
    the head's reminder the next day took its place, still waiting. The governors' CSV said she had had two reminders,
    at their times, when none had reached her; Owain, who had both, read the same."""
    await _hi(bot, connector, CARYS, OWAIN, SIAN, GARETH)
    fifth, sixth = await _published_then_reminded_twice(bot, connector, settings, tmp_path)
    await _delivered(bot)
    exported = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "2")

    assert exported.returncode == 0, exported.stderr
    rows = {row[2]: row for row in csv.reader(io.StringIO(exported.stdout))}
    assert rows["name"][11:] == ["reminders waiting (bot not opened yet)", "reminders refused by Teams (tried again)",
                                 "reminders taken back unsent", "reminders held for school hours"]
    assert await _reminders(connector, OWAIN) == 2 and _read_cards(connector, FFION) == []
    assert rows["Owain Pritchard"][5] == uk_time(sixth)
    assert rows["Owain Pritchard"][7:] == ["not yet", "2", f"{uk_time(fifth)}; {uk_time(sixth)}", "0", "0", "0", "0",
                                           "0"]
    assert rows["Ffion Morgan"][5] == ""
    assert rows["Ffion Morgan"][7:] == ["not yet", "0", "", "0", "1", "0", "1", "0"]


async def test_exporting_the_version_staff_were_never_asked_to_read_lists_nobody_as_not_yet(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path) -> None:
    """Version 1 is the file the bot was installed with, kept when version 2 was published; nobody was asked to
    confirm it, so a CSV for the governors with every member of staff "not yet" beside it would be untrue."""
    published = await asyncio.to_thread(_command, settings, "publish-policy", "--yes",
                                        str(write_revised(tmp_path)))
    assert published.returncode == 0, published.stderr

    exported = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "1")
    written = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "1", "--out",
                                      str(tmp_path / "reads-v1.csv"))

    assert exported.returncode == 1 and exported.stdout == ""
    assert exported.stderr.splitlines() == [
        "export-acknowledgements: staff were not asked to confirm version 1 (the version the bot was installed "
        "with), so there is nobody to list; staff were asked to read version 2: --version 2"]
    assert written.returncode == 1 and not (tmp_path / "reads-v1.csv").exists()


async def test_exporting_a_version_no_longer_in_force_lists_only_the_staff_asked_to_read_it(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path) -> None:
    """Nia started after version 3 replaced version 2, so was only ever asked to read version 3: the governors' CSV of
    version 2 listed her as "not yet", as if she had been asked and not read it."""
    for version in ("2", "3"):
        published = await asyncio.to_thread(_command, settings, "publish-policy", "--yes", str(
            write_revised(tmp_path, f"v{version}.txt", version=version)))
        assert published.returncode == 0, published.stderr
    directory = TableStaffDirectory(bot.app[STORE])
    await directory.replace_all([*await directory.list_members(), StaffMember(
        "Nia Newydd", "nia.newydd@llanidloes.example.cymru", "high", "Teacher of Welsh", "",
        "a1000000-0000-4000-8000-000000000099")])
    await _reading(bot.app[STORE]).check_campaigns()

    version_2 = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "2")
    version_3 = await asyncio.to_thread(_command, settings, "export-acknowledgements", "--version", "3")

    assert version_2.returncode == 0 and version_3.returncode == 0, version_2.stderr + version_3.stderr
    assert "Nia Newydd" not in version_2.stdout and len(version_2.stdout.splitlines()) == 6
    assert version_2.stderr == ("note: version 2 is no longer in force (version 3 is): staff who were never asked to "
                                "read it are not listed\n")
    assert version_3.stderr == ""
    assert '"Nia Newydd","nia.newydd@llanidloes.example.cymru"' in version_3.stdout
    assert len(version_3.stdout.splitlines()) == 7


async def test_rolling_back_to_the_current_version_written_another_way_changes_nothing(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path) -> None:
    """Version 2 is current; the policy owner types `rollback-policy 2.0`."""
    published = await asyncio.to_thread(_command, settings, "publish-policy", "--yes",
                                        str(write_revised(tmp_path)))
    assert published.returncode == 0, published.stderr

    rolled = await asyncio.to_thread(_command, settings, "rollback-policy", "2.0", "--yes")
    listed = await asyncio.to_thread(_command, settings, "policy-versions")

    assert rolled.returncode == 0 and "version 2 is already current; nothing was changed" in rolled.stdout
    assert "* version 2 " in listed.stdout
    pointer = await TablePolicyVersions(bot.app[STORE]).get_pointer()
    assert pointer is not None and pointer.version == "2"


def _last_card_saying(connector: Connector, person: dict[str, str], words: str) -> str:
    """The newest card in the person's chat with these words (their read-and-confirm card may come after it)."""
    return next(text for text in map(_text, reversed(connector.cards(CHAT[person["id"]]))) if words in text)


async def test_whats_new_after_the_documented_publish_command_names_the_publisher_in_the_readers_language(
        bot: TestClient, connector: Connector, settings: Settings, tmp_path: Path) -> None:
    """`python -m bot publish-policy FILE`, as the README gives it (no `--by`)."""
    await _hi(bot, connector, *STAFF)
    published = await asyncio.to_thread(_command, settings, "publish-policy", "--yes",
                                        str(write_revised(tmp_path)))
    await _until(lambda: _answered_from_version(bot, connector, "2"))

    await _send(bot, message(OWAIN, "Cymraeg", connector.url))
    await _send(bot, message(OWAIN, "beth sy'n newydd", connector.url))
    await _send(bot, message(CARYS, "what's new", connector.url))

    assert published.returncode == 0, published.stderr
    welsh = _last_card_saying(connector, OWAIN, "Beth sy'n newydd yn y polisi")
    english = _last_card_saying(connector, CARYS, "What's new in the policy")
    assert "(perchennog y polisi, o'r llinell orchymyn)." in welsh
    assert "policy owner" not in welsh and "command line" not in welsh
    assert "by the policy owner, from the command line." in english


async def test_a_campaign_to_a_whole_staff_list_sends_each_person_one_card(
        bot: TestClient, connector: Connector, files: FileServer, tmp_path: Path) -> None:
    size = 120
    store = bot.app[STORE]
    staff = [StaffMember(f"Member {n:03d}", f"member{n:03d}@llanidloes.example.cymru", ("high", "primary")[n % 2],
                         "Teacher", "", f"b2000000-0000-4000-8000-{n:012d}") for n in range(size)]
    await TableStaffDirectory(store).replace_all(staff)
    profiles = TableUserProfiles(store)
    for member in staff:  # each has opened the bot: a 1:1 conversation reference to the local connector
        reference = {"bot": {"id": "28:policy-helper", "name": "Policy Helper"}, "channelId": "msteams",
                     "conversation": {"id": f"a:personal-{member.aad_object_id}", "conversationType": "personal",
                                      "tenantId": TENANT},
                     "serviceUrl": connector.url, "user": {"id": f"29:{member.aad_object_id}", "name": member.name}}
        await profiles.save_profile(UserProfile(Person(TENANT, member.aad_object_id, member.name),
                                                conversation_ref=json.dumps(reference), updated_at=datetime.now(UTC)))
    await _send(bot, message(SIAN, "hi", connector.url))
    preview = await _preview(bot, connector, files, revised_docx(tmp_path))

    started = asyncio.get_running_loop().time()
    published = await _click(bot, SIAN, "policy.publish", verb_data(preview, "policy.publish"), connector.url)
    click_seconds = asyncio.get_running_loop().time() - started
    for member in staff:
        await connector.wait_for_cards(f"a:personal-{member.aad_object_id}", 1, within=120)
    all_sent_seconds = asyncio.get_running_loop().time() - started
    await asyncio.gather(_reading(store).check_campaigns(), _reading(store).check_campaigns())
    await _delivered(bot)
    print(f"\ncampaign of {size}: Publish answered in {click_seconds:.2f} s, every card sent {all_sent_seconds:.1f} s "
          "after the click")

    assert f"{size} members of staff" in _text(published)
    counts = {len(connector.cards(f"a:personal-{m.aad_object_id}")) for m in staff}
    assert counts == {1}
    assert len(await TablePolicyReads(store).list_asked("2")) == size
