"""When storage stops, people get a clear message (not silence, not a 500) and readiness says so."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables.aio import TableClient, TableServiceClient

from app import SERVICES, STORE, STRINGS, TABLES, create_app
from bot.domain.people import Lang, Person
from bot.domain.policy_versions import PolicyVersion
from bot.policy.loader import load_policy_data
from bot.settings import Settings
from bot.storage.concerns import TableConcernReports
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.tables import TableStore, service_client
from tests.conftest import local_settings, running_azurite
from tests.http.test_permission_flow import SIAN_CHAT
from tests.http.test_permission_flow import form as permission_form
from tests.support.activities import CARYS, GARETH, GUEST, SIAN, TENANT, card_action, message
from tests.support.cards import press, verb_data
from tests.support.concerns import CARYS_CHAT, concern_flow, import_staff, say_hi
from tests.support.connector import Connector
from tests.support.faults import fail_next_enqueue, storage_refusing_access
from tests.support.outage import storage_outage
from tests.support.policies import FIXTURE_POLICY_FILE
from tests.support.processes import AZURITE_KEY, azurite_connection_string
from tests.support.publishing import until


async def test_storage_stopped_gives_a_plain_message(aiohttp_client: Any, connector: Connector) -> None:
    with running_azurite() as connection_string:
        settings = Settings.model_validate({"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": connection_string,
                                            "DELIVERY_INTERVAL_SECONDS": 3600, "STORAGE_TIMEOUT_SECONDS": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        before = await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    # Azurite is stopped now.

    said = await client.post("/api/messages", json=message(CARYS, "Cymraeg", connector.url))
    clicked = await client.post("/api/messages", json=card_action(CARYS, "language.set", {"lang": "cy"}, connector.url))
    ready = await client.get("/readyz")

    assert before.status == 200
    assert said.status == 200
    assert "couldn't reach the bot's records" in json.dumps(connector.cards()[-1])
    assert clicked.status == 200
    assert "couldn't reach the bot's records" in json.dumps(await clicked.json())
    assert ready.status == 503


async def test_hung_storage_gives_a_plain_message(aiohttp_client: Any, connector: Connector) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # keep the connection open and say nothing, like a hung server

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = Settings.model_validate({"APP_ENV": "local", "DELIVERY_INTERVAL_SECONDS": 3600,
                                        "STORAGE_TIMEOUT_SECONDS": 1,
                                        "AZURE_STORAGE_CONNECTION_STRING": azurite_connection_string(port)})
    try:
        client: TestClient = await aiohttp_client(create_app(settings))
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
        said = await client.post("/api/messages", json=message(CARYS, "my requests", connector.url))
    finally:
        for writer in accepted:
            writer.close()
        server.close()

    assert (health.status, ready.status, said.status) == (200, 503, 200)
    assert "couldn't reach the bot's records" in json.dumps(connector.cards()[-1])


async def test_storage_refusing_the_bot_at_start_up_is_explained_in_one_line_of_the_log(
        aiohttp_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    """The role assignment of step 4 has not applied yet: every call is refused with 403."""
    caplog.set_level(logging.INFO)
    async with storage_refusing_access() as (connection_string, asked):
        settings = Settings.model_validate({"APP_ENV": "local", "DELIVERY_INTERVAL_SECONDS": 3600,
                                            "STORAGE_TIMEOUT_SECONDS": 1,
                                            "AZURE_STORAGE_CONNECTION_STRING": connection_string})
        client: TestClient = await aiohttp_client(create_app(settings))
        ready = await client.get("/readyz")

    said = [record.getMessage() for record in caplog.records if record.name == "app"]
    explained = [line for line in said if "403 AuthorizationPermissionMismatch" in line]
    assert ready.status == 503 and asked
    # At start-up, and again when readiness is asked (the technician's curl of step 6).
    assert [line.split(" (")[0] for line in explained] == ["storage unavailable at start-up",
                                                          "readiness: storage unavailable"], said
    assert not [line for line in explained if "\n" in line or "RequestId" in line or AZURITE_KEY in line]


async def test_someone_who_chose_cymraeg_hears_a_storage_fault_in_welsh_though_their_teams_is_in_english(
        client: TestClient, connector: Connector, monkeypatch: pytest.MonkeyPatch) -> None:
    """Carys pressed Cymraeg; her Teams is in English. Storage fails as the question she passes on is queued."""
    await client.post("/api/messages", json=message(CARYS, "Cymraeg", connector.url))
    await client.post("/api/messages", json=message(CARYS, "How many days of annual leave do I get?", connector.url))
    question = str(verb_data(connector.cards(CARYS_CHAT)[-1], "ask.escalate")["q"])
    fail_next_enqueue(monkeypatch, about=question)

    clicked = await client.post("/api/messages", json=card_action(CARYS, "ask.escalate", {"q": question},
                                                                  connector.url))
    await client.post("/api/messages", json=message(CARYS, "hi", connector.url))

    said = json.dumps(await clicked.json(), ensure_ascii=False)
    assert "Allwn i ddim cyrraedd cofnodion y bot" in said and "couldn't reach" not in said
    assert "Cynorthwyydd y polisi" in json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)  # as every reply


async def test_when_the_profile_cannot_be_read_the_fault_is_told_in_the_language_of_their_teams(
        aiohttp_client: Any, connector: Connector) -> None:
    with running_azurite() as connection_string:
        settings = Settings.model_validate({"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": connection_string,
                                            "DELIVERY_INTERVAL_SECONDS": 3600, "STORAGE_TIMEOUT_SECONDS": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    # Azurite is stopped now.

    await client.post("/api/messages", json=message(CARYS, "fy ngheisiadau", connector.url, locale="cy-GB"))

    assert "Allwn i ddim cyrraedd cofnodion y bot" in json.dumps(connector.cards()[-1], ensure_ascii=False)


async def test_a_message_deleted_while_storage_is_stopped_gets_no_answer(aiohttp_client: Any,
                                                                          connector: Connector) -> None:
    """Teams shows nothing for a delete, so the bot says nothing either, even that it could not delete the question."""
    with running_azurite() as connection_string:
        settings = Settings.model_validate({"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": connection_string,
                                            "DELIVERY_INTERVAL_SECONDS": 3600, "STORAGE_TIMEOUT_SECONDS": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        asked = message(CARYS, "Can I accept a friend request from a pupil?", connector.url)
        await client.post("/api/messages", json=asked)
    answered = len(connector.sent)
    deleted = message(CARYS, "", connector.url)
    deleted.update({"type": "messageDelete", "id": asked["id"]})
    deleted["channelData"]["eventType"] = "softDeleteMessage"

    response = await client.post("/api/messages", json=deleted)

    assert response.status == 200
    assert len(connector.sent) == answered


async def test_a_table_storage_lost_while_the_bot_ran_is_told_as_a_storage_fault_and_made_again(
        client: TestClient, connector: Connector, azurite: str, table_prefix: str) -> None:
    """The tables are gone (the storage account was replaced, or its tables deleted, while the bot ran): the person is
    told storage could not be reached and to try again in a minute, never "Something went wrong ... tell the school
    office"; the bot makes its tables again, so the try a minute later works."""
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
    await client.app[SERVICES].deliverer.drain()
    async with TableServiceClient.from_connection_string(azurite) as service:
        for table in TABLES:
            await service.delete_table(table_prefix + table)

    first = await client.post("/api/messages", json=card_action(CARYS, "permission.submit", permission_form(),
                                                                connector.url))
    async with TableServiceClient.from_connection_string(azurite) as service:
        async def made_again() -> bool:
            query = f"TableName ge '{table_prefix}' and TableName lt '{table_prefix}~'"
            return len([t async for t in service.query_tables(query)]) == len(TABLES)

        await until(made_again)
    await client.post("/api/messages", json=message(CARYS, "hi", connector.url))  # where to reach her, kept again
    await client.post("/api/messages", json=message(SIAN, "hi", connector.url))
    again = await press(client, connector, card_action(CARYS, "permission.submit", permission_form(), connector.url))

    said = json.dumps(await first.json())
    assert "couldn't reach the bot's records" in said and "Something went wrong" not in said
    assert "permission.withdraw" in json.dumps(again)
    assert len([c for c in connector.cards(SIAN_CHAT) if "permission.approve" in json.dumps(c)]) == 1


async def test_a_policy_question_asked_while_storage_is_down_is_answered_in_her_language_and_nothing_else_is_lost(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Carys chose Cymraeg (her Teams is in English); then storage goes down and she asks about the policy. The answer
    is the policy's own words, which need no storage: she gets it, in Welsh, with no buttons to rate it or pass it on
    (its record could not be kept, and is not kept later). Before, her profile was read first and she was told only to
    try again in a minute. Her choice of Welsh stays as it was."""
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        await client.post("/api/messages", json=message(CARYS, "Cymraeg", connector.url))
        await outage.down()

        asked = await client.post("/api/messages", json=message(CARYS, "Can I be friends with pupils on Facebook?",
                                                                connector.url))
        answer = json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)
        await outage.up()
        await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
        async with TableClient.from_connection_string(azurite, table_prefix + "questions") as questions:
            kept = [row async for row in questions.list_entities()]

    assert asked.status == 200
    assert "couldn't reach" not in answer and "Allwn i ddim cyrraedd" not in answer
    assert "O'r polisi" in answer and "friends" in answer
    assert "ask.feedback" not in answer and "Defnyddiol" not in answer  # nothing to rate: no record of it
    assert kept == []
    assert "Cynorthwyydd y polisi" in json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)


# Each background job makes its first pass at start-up and no other within a test.
_ONE_PASS_EACH = {name: 3600 for name in ("delivery_interval_seconds", "catch_up_interval_seconds",
                                          "report_check_interval_seconds", "campaign_check_interval_seconds",
                                          "retention_interval_seconds")}


async def test_a_question_asked_while_storage_hangs_waits_on_storage_once_and_is_answered(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Storage hangs: it takes the connection and the request and never answers. Carys asks about the policy. Her
    profile's read gives up after one budget; then the turn asks storage nothing more (it has just been shown to answer
    nothing) and she gets the policy's words. Before, the day's count of her questions was asked for too and waited a
    whole budget of its own, and a follow-up's question log, a not-covered question's staff list another: 4-8 s before
    an answer, which Teams shows as the bot typing (README, Reliability)."""
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1, "policy_poll_seconds": 3600, **_ONE_PASS_EACH})
        client: TestClient = await aiohttp_client(create_app(settings))
        await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
        await outage.quiet()  # the background jobs' first passes done: what the hang takes is the turn's
        outage.hang()

        asked = await client.post("/api/messages", json=message(CARYS, "Can I be friends with pupils on Facebook?",
                                                                connector.url))
        answer = json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)
        taken = list(outage.unanswered)
        outage.answer()
        async with TableClient.from_connection_string(azurite, table_prefix + "questions") as questions:
            kept = [row async for row in questions.list_entities()]

    assert asked.status == 200
    assert "From the policy" in answer and "friends" in answer and "couldn't reach" not in answer
    tables = [line.split("/")[2].split("(")[0].removeprefix(table_prefix) for line in taken]
    assert tables.count("users") == 1 and "ratelimits" not in tables and "questions" not in tables, taken
    assert kept == []


async def test_buttons_that_open_the_policy_are_answered_while_storage_is_down(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Carys has the answer to her question and the welcome card; then storage goes down. "Read the whole section" on
    the answer, "Read the policy" and "About this policy" open the policy's own words, which the process holds: she
    gets them. Before, each told her only that the bot's records could not be reached, though a typed question was
    answered, and "Read the whole section" was the very next thing an answer offered her. A button that does need the
    records (Helpful) still says so, and changes nothing."""
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
        await client.post("/api/messages", json=message(CARYS, "Can I be friends with pupils on Facebook?",
                                                        connector.url))
        answer = connector.cards(CARYS_CHAT)[-1]
        await outage.down()

        opened = []
        for verb, data in (("policy.section", verb_data(answer, "policy.section")), ("policy.sections", {}),
                           ("policy.about", {})):
            seen = len(connector.sent)
            pressed = await client.post("/api/messages", json=card_action(CARYS, verb, data, connector.url))
            assert pressed.status == 200
            opened.append(json.dumps(connector.sent[seen:], ensure_ascii=False) + await pressed.text())
        rated = await client.post("/api/messages", json=card_action(
            CARYS, "ask.feedback", verb_data(answer, "ask.feedback"), connector.url))
        await outage.up()

    section, sections, about = opened
    assert not any("couldn't reach" in said for said in opened), opened
    assert "Personal use" in section or "personal" in section.lower()
    assert "The staff social-media policy" in sections
    assert "About this policy" in about and "Version" in about
    assert "couldn't reach the bot's records" in await rated.text()


async def test_readiness_says_not_ready_while_the_bots_tables_are_gone_and_has_them_made_again(
        client: TestClient, azurite: str, table_prefix: str) -> None:
    """The tables are gone (the storage account replaced, or its tables deleted) and nobody has written to the bot
    since: the technician's `curl "$readyUrl"` (infra/README.md step 6) says not ready until the bot has made them
    again, and asking it is enough for them to be made. Before, it said ready, as storage answered, while every turn
    would have been told storage could not be reached."""
    ready_before = await client.get("/readyz")
    async with TableServiceClient.from_connection_string(azurite) as service:
        for table in TABLES:
            await service.delete_table(table_prefix + table)

        gone = await client.get("/readyz")

        async def made_again() -> bool:
            query = f"TableName ge '{table_prefix}' and TableName lt '{table_prefix}~'"
            return len([t async for t in service.query_tables(query)]) == len(TABLES)

        await until(made_again)
    ready_after = await client.get("/readyz")

    assert (ready_before.status, gone.status, ready_after.status) == (200, 503, 200)


ANOTHER_TENANT = "9d6c4c1e-0000-4000-8000-0000000000ff"


async def test_while_storage_is_down_only_the_policys_own_words_are_given_and_never_to_another_tenant(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Hostile probe 5: a question goes on without storage, answered from the policy kept in the process (and so do
    the buttons that open its words). Nothing else does: a guest from another organisation asking the same question is
    refused as ever (the tenant is checked before storage is), the head typing "who has read version 2?" or "pending
    requests", Gareth typing "reports for me", and any button that needs the records get only the storage message,
    with no name, no count and no record; a question the policy does not answer has no button to pass it on (nothing
    was kept to pass on)."""
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        for person in (CARYS, SIAN, GARETH):
            await client.post("/api/messages", json=message(person, "hi", connector.url))
        seen = len(connector.sent)
        await outage.down()

        guest = await client.post("/api/messages", json=message(GUEST, "Can I be friends with pupils on Facebook?",
                                                                connector.url, tenant=ANOTHER_TENANT))
        for person, typed in ((SIAN, "Who has read version 2?"), (SIAN, "pending requests"),
                              (GARETH, "reports for me"), (SIAN, "questions for review")):
            await client.post("/api/messages", json=message(person, typed, connector.url))
        pressed = await client.post("/api/messages", json=card_action(
            CARYS, "ask.escalate", {"q": "Q0000000000000ABCD"}, connector.url))
        said = [json.dumps(a, ensure_ascii=False) for a in connector.sent[seen:]]
        # A question the policy does not answer: no button to pass it on (nothing was kept to pass on).
        await client.post("/api/messages", json=message(CARYS, "Can I park in the staff car park at the weekend?",
                                                        connector.url))
        not_covered = json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)
        await outage.up()

    assert (guest.status, pressed.status) == (200, 200)
    [to_guest, *to_staff] = said
    assert "This bot only serves staff of" in to_guest and "friends" not in to_guest
    assert len(to_staff) == 4 and all("couldn't reach the bot's records" in s for s in to_staff)
    assert not any("Who has read" in s or "Carys" in s or "Owain" in s for s in to_staff)
    assert "couldn't reach the bot's records" in json.dumps(await pressed.json())
    assert "couldn't reach" not in not_covered and "ask.escalate" not in not_covered


async def test_a_burst_of_readiness_checks_from_anyone_while_the_tables_are_gone_makes_them_once(
        client: TestClient, azurite: str, table_prefix: str, caplog: pytest.LogCaptureFixture) -> None:
    """Hostile probe 5: `/readyz` takes no token, and a check that finds the bot's tables gone has them made. A burst
    of 60 checks at once from an outsider shares one look at storage and starts one making of the tables (one line
    of each in the log, not sixty), and every check says 503 with nothing about which tables."""
    caplog.set_level(logging.INFO)
    async with TableServiceClient.from_connection_string(azurite) as service:
        for table in TABLES:
            await service.delete_table(table_prefix + table)

        answers = await asyncio.gather(*(client.get("/readyz") for _ in range(60)))
        bodies = [await answer.text() for answer in answers]

        async def made_again() -> bool:
            query = f"TableName ge '{table_prefix}' and TableName lt '{table_prefix}~'"
            return len([t async for t in service.query_tables(query)]) == len(TABLES)

        await until(made_again)

    logged = [record.getMessage() for record in caplog.records if record.name == "app"]
    assert {answer.status for answer in answers} == {503}
    assert set(bodies) == {json.dumps({"status": "storage unavailable"})}
    assert len([line for line in logged if line.startswith("readiness: storage unavailable")]) == 1
    assert len([line for line in logged if "making the tables again" in line]) == 1


@pytest.mark.parametrize("locale", ["en-GB", "cy-GB"])
async def test_buttons_answered_without_storage_check_who_presses_them_and_trust_nothing_the_card_says(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector, locale: str) -> None:
    """Safety review: with storage down, the buttons that open the policy's words are answered without the clicker's
    profile. A guest from another organisation pressing them (in English or Welsh) is refused as a typed question is;
    Carys pressing Help with card data forged to look like the head's gets only her own commands, not the head's
    lists; a forged section or a version not yet published gets no policy text it should not, and no records."""
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        for person in (CARYS, SIAN):
            await client.post("/api/messages", json=message(person, "hi", connector.url, locale=locale))
        await outage.down()

        guest = []
        for verb in ("policy.section", "policy.sections", "policy.about", "help.show", "ask.disclaimer",
                     "ask.photos"):
            seen = len(connector.sent)
            pressed = await client.post("/api/messages", json=card_action(
                GUEST, verb, {"section": "1", "lang": "cy"}, connector.url, tenant=ANOTHER_TENANT, locale=locale))
            guest.append(json.dumps(connector.sent[seen:], ensure_ascii=False) + await pressed.text())
        forged = {"aadObjectId": SIAN["aadObjectId"], "actor": SIAN["aadObjectId"], "role": "headteacher",
                  "decides": "true", "oversees": "true"}
        answers = []
        for person, verb, data in (
                (CARYS, "help.show", forged), (SIAN, "help.show", {}),
                (CARYS, "policy.section", {"section": "../../users", "version": "999.0", "passage": "x" * 5000})):
            seen = len(connector.sent)
            pressed = await client.post("/api/messages", json=card_action(person, verb, data, connector.url,
                                                                          locale=locale))
            assert pressed.status == 200
            answers.append(json.dumps(connector.sent[seen:], ensure_ascii=False) + await pressed.text())
        await outage.up()

    for said in guest:
        assert "This bot only serves staff of" in said or "Dim ond staff" in said, said
        assert "policy.section" not in said and "Version" not in said and "Fersiwn" not in said
    carys, sian, forged_section = answers
    assert "pending requests" in sian or "ceisiadau sy'n aros" in sian
    assert "pending requests" not in carys and "questions for review" not in carys
    assert "ceisiadau sy'n aros" not in carys and "cwestiynau i'w hadolygu" not in carys
    assert "users" not in forged_section and "Traceback" not in forged_section


@pytest.mark.parametrize(("locale", "involves_manager", "holder", "not_to"), [
    ("en-GB", "false", GARETH, SIAN), ("cy-GB", "true", SIAN, GARETH)])
@pytest.mark.parametrize(("after", "key"), [("report", "concern.maybe_saved"), ("to-holder", "concern.saved_not_sent")])
async def test_storage_hung_after_the_report_is_written_loses_nothing_sends_it_once_and_only_to_its_holder(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector, locale: str,
        involves_manager: str, holder: dict[str, str], not_to: dict[str, str], after: str, key: str) -> None:
    """Safety review: Carys presses Send and storage takes the write of her report (it is made) but hangs before it
    answers, and answers nothing more in that turn; or it hangs after the message to her holder is written. She is
    told it may have been saved (or that it is saved, not yet sent), in her language, with her words still on the
    form (never that it was sent, nor that it was not); she presses Send again once storage answers,
    and the reminder task runs. Her report is stored once, reaches its holder once (Gareth; Siân when she ticked that
    it involves him), and never the other, nor anything of it on a lock screen."""
    what = "Dafydd keeps sending me messages late at night about my lessons"
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        store = client.app[STORE]
        await import_staff(store)
        await say_hi(client, connector, CARYS, GARETH, SIAN)
        await client.post("/api/messages", json=message(CARYS, "report a concern", connector.url, locale=locale))
        data = {**verb_data(connector.cards(CARYS_CHAT)[-1], "concern.submit"), "what": what,
                "involves_manager": involves_manager}

        outage.hang_after = what.encode() if after == "report" else after.encode()
        seen = len(connector.sent)
        first = await client.post("/api/messages", json=card_action(CARYS, "concern.submit", data, connector.url,
                                                                     locale=locale))
        told = json.dumps(connector.sent[seen:], ensure_ascii=False) + await first.text()
        outage.answer()
        await client.post("/api/messages", json=card_action(CARYS, "concern.submit", data, connector.url,
                                                            locale=locale))
        await concern_flow(store, datetime.now(UTC)).check_reports()
        deliverer = client.app[SERVICES].deliverer
        await deliverer.drain()
        for person in (CARYS, GARETH, SIAN):
            await deliverer.deliver_to(Person(TENANT, person["aadObjectId"], person["name"]))
        reports = await TableConcernReports(store).list_all()

    strings, lang = client.app[STRINGS], Lang.from_locale(locale)
    assert first.status == 200
    assert strings.text(key, lang, name="", minutes=0).split(",")[0] in told, told
    assert what in told  # her words, still on the form
    [report] = reports
    assert report.holder.aad_object_id == holder["aadObjectId"]
    to_holder = [a for a in connector.sent if a["conversation"]["id"] == f"a:personal-{holder['id']}"
                 and what in json.dumps(a, ensure_ascii=False)]
    assert len(to_holder) == 1, to_holder
    elsewhere = json.dumps([a for a in [*connector.sent, *connector.updated]
                            if a["conversation"]["id"] == f"a:personal-{not_to['id']}"], ensure_ascii=False)
    assert what not in elsewhere and report.reference not in elsewhere
    for activity in connector.sent:  # nothing of it on a lock screen
        assert what not in str(activity.get("summary", "")) + str(activity.get("text", ""))


async def test_hi_and_help_typed_while_storage_is_down_get_the_welcome_and_help_cards_in_their_language(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Storage goes down. Carys types "hi", "helo", "help" and "cymorth"; Siân, the head, types "help". The welcome
    and help cards are what the process holds (the commands each person may use come from the federation's settings,
    not from storage), so each is answered, "helo" and "cymorth" in Welsh as ever, Siân's help naming her lists.
    Before, each was told only that the bot's records could not be reached, though a question about the policy, and the
    Help button, were answered. Choosing a language ("Cymraeg") must be remembered, so it still gets
    the storage message, and nothing of the choice is kept."""
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1})
        client: TestClient = await aiohttp_client(create_app(settings))
        for person in (CARYS, SIAN):
            await client.post("/api/messages", json=message(person, "hi", connector.url))
        await outage.down()

        said = {}
        for person, typed in ((CARYS, "hi"), (CARYS, "helo"), (CARYS, "help"), (CARYS, "cymorth"), (SIAN, "help"),
                              (CARYS, "Cymraeg")):
            seen = len(connector.sent)
            answered = await client.post("/api/messages", json=message(person, typed, connector.url))
            assert answered.status == 200
            said[(person["name"], typed)] = json.dumps(connector.sent[seen:], ensure_ascii=False)
        await outage.up()
        await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
        after = json.dumps(connector.cards(CARYS_CHAT)[-1], ensure_ascii=False)

    carys, sian = CARYS["name"], SIAN["name"]
    for typed in ("hi", "helo", "help", "cymorth"):
        assert "couldn't reach" not in said[(carys, typed)] and "Allwn i ddim cyrraedd" not in said[(carys, typed)]
    assert "Social media policy helper" in said[(carys, "hi")]
    assert "Cynorthwyydd y polisi" in said[(carys, "helo")]  # Welsh for hello, answered in Welsh as ever
    assert "What I can do" in said[(carys, "help")] and "pending requests" not in said[(carys, "help")]
    assert "Beth alla i ei wneud" in said[(carys, "cymorth")]
    assert "What I can do" in said[(sian, "help")] and "pending requests" in said[(sian, "help")]
    assert "couldn't reach the bot's records" in said[(carys, "Cymraeg")]
    assert "Social media policy helper" in after  # her choice of Welsh was never kept


async def test_a_question_asked_while_storage_answers_slowly_is_answered_before_its_record_is_written_and_kept_once(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector) -> None:
    """Storage answers, but each answer takes about half a budget (a proxy in front of Azurite holds each one). Carys
    asks a question the policy answers. Its answer needs only the policy, kept in the process, and her profile (for her
    language): she gets it once her profile is read, while the day's count of her questions and the question's record
    are still being written; they finish after it, and the question is kept once, with the buttons on her card naming
    it. Before, the turn waited for each of those writes, one after another, before she saw anything (a budget or
    more at this pace, a few seconds for Teams to show the bot typing)."""
    question = "Can I be friends with pupils on Facebook?"
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 2, "policy_poll_seconds": 3600, **_ONE_PASS_EACH})
        client: TestClient = await aiohttp_client(create_app(settings))
        await client.post("/api/messages", json=message(CARYS, "hi", connector.url))
        await outage.quiet()  # the background jobs' first passes done: what storage answers after is the turn's
        answered_before = len(outage.answered)
        waited_for: list[str] = []

        async def note_what_storage_had_answered(activity: dict[str, Any]) -> None:
            if activity["conversation"]["id"] == CARYS_CHAT and not waited_for:
                waited_for.extend(outage.answered[answered_before:])

        connector.on_send = note_what_storage_had_answered
        outage.delay = 1.5  # within the budget of 2 s; the answer waits at most 1 s for the records

        asked = await client.post("/api/messages", json=message(CARYS, question, connector.url))
        answer = connector.cards(CARYS_CHAT)[-1]
        await client.app[SERVICES].deliverer.drain()  # what the turn left for after its answer
        outage.delay = 0.0
        async with TableClient.from_connection_string(azurite, table_prefix + "questions") as questions:
            kept = [row async for row in questions.list_entities()]

    assert asked.status == 200
    assert "From the policy" in json.dumps(answer) and "friends" in json.dumps(answer)
    tables = [line.split("/")[2].split("(")[0].removeprefix(table_prefix) for line in waited_for]
    assert tables == ["users"], waited_for  # her profile's read, and nothing written yet
    [row] = kept
    assert row["Text"] == question
    assert row["RowKey"] in json.dumps(verb_data(answer, "ask.feedback"))  # her Helpful / Not helpful name it


def _version_of(number: str) -> dict[str, Any]:
    """The fixture policy given out as version `number` (its words as they were)."""
    return {**load_policy_data(FIXTURE_POLICY_FILE), "version": number}


async def _publish(versions: TablePolicyVersions, number: str, sha: str) -> None:
    """Version `number` published from Teams as the head does it (its read-and-confirm campaign set aside)."""
    record = PolicyVersion(version=number, sha256=sha * 64, title=f"Social Media Policy {number}",
                           published_at=datetime(2026, 9, 1, 9, tzinfo=UTC), published_by="Siân Morgan",
                           campaign=False)
    await versions.publish(record, _version_of(number), expected=await versions.get_pointer())


async def _version_on_the_about_card(client: TestClient, connector: Connector) -> str:
    """The version the About card gives Carys."""
    await client.post("/api/messages", json=message(CARYS, "about", connector.url))
    facts = next(item["facts"] for item in connector.cards(CARYS_CHAT)[-1]["body"] if "facts" in item)
    return str(next(fact["value"] for fact in facts if fact["title"] == "Version"))


async def test_a_bot_restarted_while_storage_is_down_answers_from_the_version_published_then_follows_storage(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """Siân published version 2 in Teams; storage goes down mid-morning and the bot is restarted. Before, it answered
    Carys from the file it shipped with (version 1) until storage came back; now from its copy of version 2, and its
    log says so. Storage back, with version 3 made current meanwhile, it answers from 3 within a poll."""
    caplog.set_level(logging.INFO)
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1, "policy_poll_seconds": 0.5,
                    "policy_copy_file": str(tmp_path / "data" / "policy-in-force.json")})
        first: TestClient = await aiohttp_client(create_app(settings))
        await _publish(TablePolicyVersions(first.app[STORE]), "2", "b")
        await until(lambda: _shows(first, connector, "2"))
        await first.close()
        await outage.down()

        restarted: TestClient = await aiohttp_client(create_app(settings))
        while_down = await _version_on_the_about_card(restarted, connector)
        async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=5) as service:
            await _publish(TablePolicyVersions(TableStore(service, prefix=table_prefix, timeout=5)), "3", "c")
        await outage.up()
        await until(lambda: _shows(restarted, connector, "3"))

    said = [record.getMessage() for record in caplog.records if record.name == "bot.domain.live_policy"]
    assert while_down == "2"
    assert [line for line in said if "answering from the copy of version 2" in line], said
    assert not [line for line in said if "answering from the shipped file" in line], said
    assert "policy version 3 is in force" in said


async def _shows(client: TestClient, connector: Connector, version: str) -> bool:
    return await _version_on_the_about_card(client, connector) == version


async def test_a_version_withdrawn_is_not_the_one_a_restart_while_storage_is_down_answers_from(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector, tmp_path: Path) -> None:
    """Siân published version 3, then withdrew it (version 2 is current again); storage goes down and the bot is
    restarted: Carys is answered from version 2, not the withdrawn 3 nor the shipped 1."""
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1, "policy_poll_seconds": 0.5,
                    "policy_copy_file": str(tmp_path / "policy-in-force.json")})
        first: TestClient = await aiohttp_client(create_app(settings))
        versions = TablePolicyVersions(first.app[STORE])
        await _publish(versions, "2", "b")
        await _publish(versions, "3", "c")
        await until(lambda: _shows(first, connector, "3"))
        await versions.make_current("2", by="Siân Morgan", expected=await versions.get_pointer())
        await until(lambda: _shows(first, connector, "2"))
        await first.close()
        await outage.down()

        restarted: TestClient = await aiohttp_client(create_app(settings))
        while_down = await _version_on_the_about_card(restarted, connector)

    assert while_down == "2"


async def test_a_copy_that_cannot_be_written_is_said_in_the_log_and_the_version_published_is_answered_from_all_the_same(
        aiohttp_client: Any, settings: Settings, connector: Connector, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """POLICY_COPY_FILE names a folder that cannot be made (a file is in its place): Siân's version 2 is still answered
    from at once, and the log says the copy was not written."""
    caplog.set_level(logging.INFO)
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    client: TestClient = await aiohttp_client(create_app(settings.model_copy(update={
        "policy_poll_seconds": 0.5, "policy_copy_file": str(tmp_path / "data" / "policy-in-force.json")})))

    await _publish(TablePolicyVersions(client.app[STORE]), "2", "b")
    await until(lambda: _shows(client, connector, "2"))

    said = [record.getMessage() for record in caplog.records if record.name == "bot.domain.live_policy"]
    assert [line for line in said if line.startswith(f"policy copy {tmp_path / 'data'}") and "not written" in line]


async def test_a_copy_nested_past_what_the_json_reader_takes_lets_a_restart_while_storage_is_down_answer(
        aiohttp_client: Any, azurite: str, table_prefix: str, connector: Connector, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """Hostile probe 6: what stands at POLICY_COPY_FILE is 200,000 opening brackets (edited, or another program's
    file), and the bot is restarted while storage is down. Before, the copy's read raised RecursionError out of the
    start, so the bot never started; it is now passed over with its line in the log, and the shipped file answers."""
    caplog.set_level(logging.INFO)
    path = tmp_path / "policy-in-force.json"
    async with storage_outage(azurite) as outage:
        settings = local_settings(outage.connection_string, table_prefix, FIXTURE_POLICY_FILE).model_copy(
            update={"storage_timeout_seconds": 1, "policy_copy_file": str(path)})
        await outage.down()
        path.write_text("[" * 200_000, encoding="utf-8")

        restarted: TestClient = await aiohttp_client(create_app(settings))
        while_down = await _version_on_the_about_card(restarted, connector)

    said = [record.getMessage() for record in caplog.records if record.name.startswith("bot.domain.")]
    assert while_down == "1"
    assert [line for line in said if line.startswith(f"policy copy {path} ignored: unreadable")], said
