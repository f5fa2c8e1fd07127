"""A subject access request (UK GDPR Article 15) as the data protection officer answers it, against Azurite: the rows
the bot keeps about one member of staff, made through the bot as staff use it, in one folder; another person's data
in them (who reported her, and what they wrote) is listed by reference, never disclosed unless the DPO asks to review
it."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableClient

from app import SERVICES, STORE
from bot.__main__ import main as bot_main
from bot.domain.directory import StaffMember, read_staff_csv
from bot.policy_commands import publish_policy_command
from bot.storage.directory import TableStaffDirectory
from bot.storage.tables import TableStore, service_client
from tests.support.activities import CARYS, FFION, GARETH, OWAIN, SIAN, TENANT, message
from tests.support.cards import verb_data
from tests.support.concerns import CARYS_CHAT, CHAIR_ID, REPO, click, import_staff, reference_in, say_hi, send_report
from tests.support.connector import Connector
from tests.support.faults import storage_refusing_access
from tests.support.policies import write_revised

COMMAND = "export-subject-access"
CARYS_EMAIL = "carys.jenkins@llanidloes.example.cymru"
CARYS_PURPOSE = "Share Year 9 geography field trip highlights with parents."
OWAIN_PURPOSE = "A class blog of Year 3's nature walks for families."
QUESTION = "How many days of annual leave do I get?"
REPLY = "See the staff handbook, section 4."
CARYS_WORDS = "A colleague in the staffroom keeps commenting on my Instagram photos"
OWAIN_WORDS = "She posts about my class in the staff WhatsApp group every evening"
OUTCOME = "Spoke to the colleague; the comments have stopped."
NAMING_CARYS = "Mrs Jenkins shares screenshots of my posts with parents"
# Everything of Owain's reports about Carys that would tell her who made them or what they say.
NOT_FOR_CARYS = (OWAIN_WORDS, NAMING_CARYS, OWAIN["aadObjectId"], "Owain", "owain.pritchard", FFION["aadObjectId"],
                 "Ffion")


@dataclass(frozen=True)
class Term:
    """What a few weeks of the bot left in storage: the ids and references staff were given."""

    carys_request: str
    owain_request: str
    carys_report: str
    report_about_carys: str
    report_naming_carys: str


def _form(**overrides: str) -> dict[str, str]:
    """The permission form's values as Teams sends them."""
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    return {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
            "existing_account": "", "purpose": CARYS_PURPOSE, "audience": "parents", "pupil_content": "work",
            "consent": "Only work, no names; parents opted in.", "moderator": "Carys Jenkins", "moderation": "daily",
            "start": tomorrow, "end": "", "ongoing": "true", "confirm": "true", **overrides}


@pytest.fixture
async def term(client: TestClient, connector: Connector, tool_environment: None, tmp_path: Path) -> Term:
    """Through the bot: Carys asks permission (Siân approves), asks a question the policy does not cover (Siân
    replies), reports a colleague (to Gareth, who acknowledges it and closes it with an outcome he does not share with
    her) and confirms reading a new version; Owain asks
    permission too and reports Carys twice (to his line manager, Ffion): picked from the staff list, then by her name
    in what he wrote."""
    await import_staff(client.app[STORE])
    await say_hi(client, connector, CARYS, OWAIN, SIAN, GARETH, FFION)
    sent = await click(client, connector, CARYS, "permission.submit", _form())
    carys_request = str(verb_data(sent, "permission.withdraw")["id"])
    await click(client, connector, SIAN, "permission.approve", {"id": carys_request, "reason": "Lovely idea."})
    sent = await click(client, connector, OWAIN, "permission.submit",
                       _form(school="primary", purpose=OWAIN_PURPOSE, moderator="Owain Pritchard"))
    owain_request = str(verb_data(sent, "permission.withdraw")["id"])
    await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
    await client.app[SERVICES].deliverer.drain()
    question = str(verb_data(connector.cards(CARYS_CHAT)[-1], "ask.escalate")["q"])
    await click(client, connector, CARYS, "ask.escalate", {"q": question})
    await click(client, connector, SIAN, "ask.reply", {"q": question, "reply": REPLY})
    carys_report = reference_in(await send_report(client, connector, CARYS, what=CARYS_WORDS))
    await click(client, connector, GARETH, "concern.acknowledge", {"ref": carys_report})
    await click(client, connector, GARETH, "concern.close", {"ref": carys_report, "outcome": OUTCOME})
    about_carys = reference_in(await send_report(client, connector, OWAIN, what=OWAIN_WORDS, about=CARYS_EMAIL))
    naming_carys = reference_in(await send_report(client, connector, OWAIN, what=NAMING_CARYS, about="someone_else"))
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path)), "--yes"]) == 0
    await click(client, connector, CARYS, "policy.confirm_read", {"version": "2"})
    return Term(carys_request, owain_request, carys_report, about_carys, naming_carys)


@dataclass(frozen=True)
class Export:
    """What the command said, and the folder it wrote."""

    code: int
    out: str
    err: str
    folder: Path

    @property
    def records(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.folder / "records.json").read_text(encoding="utf-8"))
        return loaded

    @property
    def summary(self) -> str:
        return (self.folder / "summary.txt").read_text(encoding="utf-8")

    def rows(self, what: str) -> list[dict[str, Any]]:
        return [row for row in self.records["rows"] if row["what"] == what]

    def everything(self) -> str:
        """Every file it wrote, and what it printed."""
        return self.summary + (self.folder / "records.json").read_text(encoding="utf-8") + self.out


async def _export(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> Export:
    code = await asyncio.to_thread(bot_main, [COMMAND, *args, "--out", str(folder)])
    shown = capsys.readouterr()
    return Export(code, shown.out, shown.err, folder)


async def test_the_dpo_gets_all_carys_made_and_only_the_reference_of_the_report_about_her(
        term: Term, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = await _export(capsys, tmp_path / "sar-carys", CARYS_EMAIL)

    assert export.code == 0, export.err
    counts = export.records["counts"]
    for what in ("profile (language, and where to reach them in Teams)", "staff list entry",
                 "permission request they made", "entry of their list of requests", "question they asked",
                 "concern report they made", "concern report about them", "asked to read a policy version",
                 "confirmed reading a policy version"):
        assert counts.get(what) == 1, (what, counts)
    assert counts["permission request audit entry"] >= 3 and counts["concern report audit entry"] >= 3
    assert counts["daily limit count"] >= 3 and counts["mark of a message sent to them"] >= 3
    [request] = export.rows("permission request they made")
    assert request["reference"] == term.carys_request and request["row"]["Purpose"] == CARYS_PURPOSE
    assert (request["row"]["State"], request["row"]["Comment"]) == ("approved", "Lovely idea.")
    assert (request["row"]["DecidedAt"].endswith("+00:00") or request["row"]["DecidedAt"].endswith("+01:00"))
    [question] = export.rows("question they asked")
    assert (question["row"]["Text"], question["row"]["Reply"]) == (QUESTION, REPLY)
    [made] = export.rows("concern report they made")
    assert made["reference"] == term.carys_report and made["row"]["What"] == CARYS_WORDS
    assert made["row"]["Notes"] == [] and made["withheld_columns"] == ["Notes"]  # Gareth's outcome, not shared
    [about] = export.rows("concern report about them")
    assert about["reference"] == term.report_about_carys
    assert set(about["row"]) == {"PartitionKey", "RowKey", "SubmittedAt", "State"}  # open: no ClosedAt yet
    assert {"What", "ReporterId", "ReporterName", "Chain", "Evidence"} <= set(about["withheld_columns"])
    assert "withheld_for_review" not in about
    assert "the colleague it is about" in " ".join(about["why"])
    [naming] = export.rows("concern report whose words may name them")
    assert naming["reference"] == term.report_naming_carys and "What" in naming["withheld_columns"]
    everything = export.everything()
    for secret in (*NOT_FOR_CARYS, OUTCOME):
        assert secret not in everything, secret
    assert term.owain_request not in everything and OWAIN_PURPOSE not in everything
    assert f"{term.report_about_carys}: concern report about them" in export.summary
    assert "ReporterId" in export.summary and "Held back: another person's data" in export.summary
    assert "another person's data held back in 3 record(s), listed, not disclosed" in export.out
    assert term.report_about_carys in export.out and "     1  concern report about them" in export.out
    assert stat.S_IMODE(export.folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in export.folder.iterdir()} == {0o600}


async def test_a_holder_and_a_decider_see_their_own_part_never_the_reporters_words(
        term: Term, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gareth = await _export(capsys, tmp_path / "sar-gareth", GARETH["aadObjectId"].upper())
    sian = await _export(capsys, tmp_path / "sar-sian", "siân roberts")

    assert (gareth.code, sian.code) == (0, 0), (gareth.err, sian.err)
    [held] = gareth.rows("concern report they hold or held, or would be passed up to")
    assert held["reference"] == term.carys_report and held["row"]["State"] == "closed"
    assert [note["text"] for note in held["row"]["Notes"]] == [OUTCOME]  # his own words
    assert [holder["place"] for holder in held["row"]["Chain"]] == [1]
    assert {"What", "ReporterId", "ReporterName"} <= set(held["withheld_columns"])
    trail = [row for row in gareth.rows("concern report audit entry") if row["reference"] == term.carys_report]
    assert sorted(row["row"]["Action"] for row in trail if "Action" in row["row"]) == ["acknowledged", "closed"]
    [managed] = gareth.rows("staff list entry naming them as line manager")
    assert managed["row"]["Name"] == "Carys Jenkins" and "ObjectId" in managed["withheld_columns"]
    for secret in (CARYS_WORDS, CARYS["aadObjectId"], CARYS_PURPOSE, QUESTION):
        assert secret not in gareth.everything(), secret
    [decided] = sian.rows("permission request they decided")
    assert decided["reference"] == term.carys_request and decided["row"]["Comment"] == "Lovely idea."
    assert decided["row"]["ApprovedFrom"]  # the day her approval runs from is part of her decision
    assert {"Purpose", "RequesterName", "ObjectId"} <= set(decided["withheld_columns"])
    [passed] = sian.rows("question passed to them to answer")
    assert passed["row"]["Reply"] == REPLY and "Text" in passed["withheld_columns"]
    assert {row["reference"] for row in sian.rows("concern report they hold or held, or would be passed up to")} \
        == {term.carys_report, term.report_about_carys, term.report_naming_carys}
    for secret in (CARYS_WORDS, OWAIN_WORDS, CARYS_PURPOSE, QUESTION):
        assert secret not in sian.everything(), secret
    assert "headteacher of Llanidloes High School" in sian.summary and "the policy owner" in sian.summary


async def test_whoever_ended_an_approval_gets_the_ending_and_the_requester_reads_it_in_her_request(
        term: Term, client: TestClient, connector: Connector, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ffion, the delegate, ends the permission Siân gave Carys: her export lists it as a request she ended, with the
    ending and not Carys's words; Carys's own request says it was ended, by whom, when and why."""
    await click(client, connector, FFION, "permission.end", {"id": term.carys_request,
                                                             "reason": "The account was closed."})

    ffion = await _export(capsys, tmp_path / "sar-ffion", FFION["aadObjectId"])
    carys = await _export(capsys, tmp_path / "sar-carys", CARYS_EMAIL)

    assert (ffion.code, carys.code) == (0, 0), (ffion.err, carys.err)
    [ended] = ffion.rows("permission request they ended")
    assert ended["reference"] == term.carys_request and "they ended it" in ended["why"]
    assert (ended["row"]["State"], ended["row"]["EndedById"], ended["row"]["EndReason"]) == (
        "ended", FFION["aadObjectId"], "The account was closed.")
    assert ended["row"]["EndedAt"]
    assert {"Purpose", "RequesterName", "ObjectId", "DecidedById"} <= set(ended["withheld_columns"])
    assert CARYS_PURPOSE not in ffion.everything()
    [request] = carys.rows("permission request they made")
    assert (request["row"]["State"], request["row"]["EndedById"], request["row"]["EndReason"]) == (
        "ended", FFION["aadObjectId"], "The account was closed.")
    assert [row["row"]["Action"] for row in carys.rows("permission request audit entry")
            if row["reference"] == term.carys_request and row["row"].get("Action") == "ended"] == ["ended"]


async def test_for_the_dpos_own_review_what_was_held_back_is_written_marked_not_for_sending(
        term: Term, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = await _export(capsys, tmp_path / "review-carys", CARYS["aadObjectId"], "--include-withheld")

    assert export.code == 0, export.err
    [about] = export.rows("concern report about them")
    assert about["withheld_for_review"]["What"] == OWAIN_WORDS
    assert about["withheld_for_review"]["ReporterId"] == OWAIN["aadObjectId"]
    assert export.records["includes_withheld_for_review"] is True
    assert export.summary.splitlines()[4].startswith("FOR THE DATA PROTECTION OFFICER'S REVIEW ONLY")
    assert "included for your review only (do not send this folder)" in export.out


async def _set_pace(client: TestClient, reference: str, pace: str | None) -> None:
    """The report's `Pace` column set to `pace`, or taken out (a row written before it existed) when None."""
    table = client.app[STORE].table("reports")
    row = {k: v for k, v in dict(await table.get_entity(reference, "report")).items() if not k.startswith("odata")}
    row.pop("Pace", None)
    await table.upsert_entity(row if pace is None else {**row, "Pace": pace}, mode=UpdateMode.REPLACE)


async def test_the_reporter_and_the_holder_are_given_the_reports_pace(
        term: Term, client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """How soon a report is chased (`Pace`: reminders after one working day or two) was held back from Gareth, who was
    reminded by it, and missing for Carys when her report was written before it was kept. Both are given it now; a row
    without it reads as standard, as the bot chases it."""
    await _set_pace(client, term.carys_report, None)
    carys = await _export(capsys, tmp_path / "sar-carys", CARYS_EMAIL)
    gareth = await _export(capsys, tmp_path / "sar-gareth", GARETH["aadObjectId"])
    await _set_pace(client, term.carys_report, "urgent")
    urgent = await _export(capsys, tmp_path / "sar-gareth-urgent", GARETH["aadObjectId"])

    [made] = carys.rows("concern report they made")
    [held] = gareth.rows("concern report they hold or held, or would be passed up to")
    [held_urgent] = urgent.rows("concern report they hold or held, or would be passed up to")
    assert (made["row"]["Pace"], held["row"]["Pace"], held_urgent["row"]["Pace"]) == ("standard", "standard", "urgent")
    assert "Pace" not in held["withheld_columns"]


async def test_a_leaver_given_by_entra_id_still_gets_the_report_that_picked_her_listed(
        term: Term, client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Carys has left the staff list, so the DPO gives her Entra id, as the tool asks: the records that pair that id
    with her address (the read-and-confirm she was asked) still find Owain's report about her, picked by address."""
    listed = await TableStaffDirectory(client.app[STORE]).list_members()
    await TableStaffDirectory(client.app[STORE]).replace_all([m for m in listed if m.email != CARYS_EMAIL])

    export = await _export(capsys, tmp_path / "sar-carys", CARYS["aadObjectId"])

    assert export.code == 0, export.err
    [about] = export.rows("concern report about them")
    assert about["reference"] == term.report_about_carys and "What" in about["withheld_columns"]
    assert export.records["person"]["emails"] == [CARYS_EMAIL]
    assert f"addresses {CARYS_EMAIL} (found in the records)" in export.summary
    for secret in NOT_FOR_CARYS:
        assert secret not in export.everything(), secret


async def test_with_no_address_known_the_summary_says_a_report_picking_them_cannot_be_found(
        store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Someone the records know by id alone: the DPO is told to give their address, not left to think the export
    holds every report about them."""
    await TableStaffDirectory(store).replace_all([m for m in await TableStaffDirectory(store).list_members()
                                                  if m.email != CARYS_EMAIL])
    await store.ensure_tables(["users"])
    async with store.call():
        await store.table("users").create_entity({"PartitionKey": TENANT, "RowKey": CARYS["aadObjectId"],
                                                  "Name": "Carys Jenkins"})

    export = await _export(capsys, tmp_path / "sar-carys", CARYS["aadObjectId"])

    assert export.code == 0, export.err
    assert "no email address of theirs is known" in export.summary
    assert "--email" in export.summary and "no email address of theirs is known" in export.out


@pytest.fixture
async def store(azurite: str, table_prefix: str, tool_environment: None) -> AsyncIterator[TableStore]:
    """The bot's storage with the fictional staff list imported, and nothing else."""
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=5) as service:
        tables = TableStore(service, prefix=table_prefix, timeout=5)
        await tables.ensure_tables(["directory"])
        await import_staff(tables)
        yield tables


async def test_a_request_naming_her_moderator_as_mrs_jenkins_is_listed_for_the_dpo_to_check(
        client: TestClient, connector: Connector, tool_environment: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Owain typed "Mrs Jenkins" as his account's moderator: Carys's export lists the request as one whose moderator
    may be her, with neither Owain, his purpose nor the name as typed in it (the DPO checks with the reference)."""
    await import_staff(client.app[STORE])
    await say_hi(client, connector, OWAIN, SIAN, FFION)
    sent = await click(client, connector, OWAIN, "permission.submit",
                       _form(school="primary", purpose=OWAIN_PURPOSE, moderator="Mrs Jenkins"))
    request = str(verb_data(sent, "permission.withdraw")["id"])

    export = await _export(capsys, tmp_path / "sar-carys", CARYS_EMAIL)

    assert export.code == 0, export.err
    [moderated] = export.rows("permission request naming them as moderator")
    assert moderated["reference"] == request and "may be them" in " ".join(moderated["why"])
    assert {"Moderator", "Purpose", "ObjectId", "RequesterName"} <= set(moderated["withheld_columns"])
    for secret in (OWAIN_PURPOSE, OWAIN["aadObjectId"], "Owain", "Mrs Jenkins"):
        assert secret not in export.everything(), secret


@pytest.mark.parametrize("words", ["CJ shares screenshots of my posts with parents",
                                   "Mrs J. shares screenshots of my posts with parents",
                                   "Caz shares screenshots of my posts with parents"])
async def test_a_report_naming_her_by_initials_or_a_nickname_is_listed_for_the_dpo_to_check(
        client: TestClient, connector: Connector, tool_environment: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], words: str) -> None:
    """Owain's report calls Carys by her initials or nickname, as a report the concern flow keeps from her would: her
    export lists it as one whose words may name her, for the DPO to check (before, only her name or address did)."""
    await import_staff(client.app[STORE])
    await say_hi(client, connector, OWAIN, FFION)
    naming = reference_in(await send_report(client, connector, OWAIN, what=words, about="someone_else"))

    export = await _export(capsys, tmp_path / "sar-carys", CARYS_EMAIL)

    assert export.code == 0, export.err
    [listed] = export.rows("concern report whose words may name them")
    assert listed["reference"] == naming and "What" in listed["withheld_columns"]
    assert words not in export.everything() and OWAIN["aadObjectId"] not in export.everything()


# A report that calls them by their post or their title on the staff list, as the concern flow reads it: before, the
# export of someone a report describes, and so was kept from, did not list it as one that may name them.
@pytest.mark.parametrize(("words", "person"), [
    ("The Head of Humanities shares screenshots of my posts with parents", "gareth.hughes@llanidloes.example.cymru"),
    ("Mae'r pennaeth yn rhannu sgrinluniau o fy negeseuon gyda rhieni", "sian.roberts@llanidloes.example.cymru"),
    ("The chair of governors shares screenshots of my posts with parents", CHAIR_ID),
])
async def test_a_report_calling_them_by_their_post_or_title_is_listed_for_the_dpo_to_check(
        client: TestClient, connector: Connector, tool_environment: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], words: str, person: str) -> None:
    await import_staff(client.app[STORE])
    await say_hi(client, connector, OWAIN, FFION, SIAN)
    naming = reference_in(await send_report(client, connector, OWAIN, what=words, about="someone_else"))

    export = await _export(capsys, tmp_path / "sar", person)

    assert export.code == 0, export.err
    [listed] = export.rows("concern report whose words may name them")
    assert listed["reference"] == naming and "What" in listed["withheld_columns"]
    assert "post" in " ".join(listed["why"])
    assert words not in export.everything() and OWAIN["aadObjectId"] not in export.everything()


async def test_a_report_calling_her_my_line_manager_is_listed_as_about_her(
        client: TestClient, connector: Connector, tool_environment: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Owain's report calls Ffion "my line manager": it never went to her, and her export lists it as one about her."""
    await import_staff(client.app[STORE])
    await say_hi(client, connector, OWAIN, FFION, SIAN)
    words = "My line manager shares screenshots of my posts with parents"
    naming = reference_in(await send_report(client, connector, OWAIN, what=words, about="someone_else"))

    export = await _export(capsys, tmp_path / "sar-ffion", "ffion.morgan@llanidloes.example.cymru")

    assert export.code == 0, export.err
    [about] = export.rows("concern report about them")
    assert about["reference"] == naming and "line manager" in " ".join(about["why"])
    assert words not in export.everything() and OWAIN["aadObjectId"] not in export.everything()


async def test_a_question_passed_on_before_its_recipients_id_was_kept_is_listed_for_the_policy_owner(
        store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A question passed to Mrs Siân Roberts before the bot kept the recipient's id (the record names her only) is
    hers to see listed, without who asked or what."""
    await store.ensure_tables(["questions"])
    asked = datetime.now(UTC) - timedelta(days=30)
    async with store.call():
        await store.table("questions").create_entity({
            "PartitionKey": "log", "RowKey": "q-older", "TenantId": TENANT, "ObjectId": OWAIN["aadObjectId"],
            "AskerName": "Owain Pritchard", "Text": QUESTION, "Lang": "en", "AskedAt": asked, "Answered": False,
            "EscalatedAt": asked, "EscalatedTo": "Mrs Siân Roberts", "Reply": REPLY, "RepliedBy": "Mrs Siân Roberts",
            "RepliedAt": asked + timedelta(days=1)})

    export = await _export(capsys, tmp_path / "sar-sian", SIAN["aadObjectId"])

    assert export.code == 0, export.err
    [passed] = export.rows("question passed to them to answer")
    assert passed["reference"] == "q-older" and passed["row"]["Reply"] == REPLY
    assert {"Text", "ObjectId", "AskerName"} <= set(passed["withheld_columns"])
    assert QUESTION not in export.everything() and OWAIN["aadObjectId"] not in export.everything()


async def test_a_question_replied_to_by_the_policy_owner_it_was_not_passed_to_is_listed_for_her(
        client: TestClient, connector: Connector, tool_environment: None, azurite: str, table_prefix: str,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Carys's question went to the policy owner before Mrs Siân Roberts, who answers it from her review list. The
    record named her only by her display name, with no id, so her own subject access export left out her reply."""
    former = "c0ffee00-0000-4000-8000-000000000077"
    await say_hi(client, connector, CARYS, SIAN)
    await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
    question = str(verb_data(connector.cards("a:personal-29:carys")[-1], "ask.escalate")["q"])
    await click(client, connector, CARYS, "ask.escalate", {"q": question})
    async with TableClient.from_connection_string(azurite, table_prefix + "questions") as table:
        row = await table.get_entity("log", question)
        row["EscalatedToId"], row["EscalatedTo"] = former, "Mr Elis Parry"  # her predecessor in the role
        await table.update_entity(row)
    await click(client, connector, SIAN, "ask.reply", {"q": question, "reply": REPLY})

    export = await _export(capsys, tmp_path / "sar-sian", SIAN["aadObjectId"])

    assert export.code == 0, export.err
    [replied] = export.rows("question they replied to")
    assert replied["reference"] == question and replied["row"]["Reply"] == REPLY
    assert replied["row"]["RepliedById"] == SIAN["aadObjectId"]
    assert {"Text", "ObjectId", "AskerName", "EscalatedToId"} <= set(replied["withheld_columns"])
    for others in (QUESTION, CARYS["aadObjectId"], former, "Elis Parry"):
        assert others not in export.everything(), others


async def _replied_twenty_days(client: TestClient, connector: Connector) -> str:
    """Carys's question, passed to Siân, who replies "Twenty days."; its id."""
    await say_hi(client, connector, CARYS, SIAN)
    await client.post("/api/messages", json=message(CARYS, QUESTION, connector.url))
    question = str(verb_data(connector.cards("a:personal-29:carys")[-1], "ask.escalate")["q"])
    await click(client, connector, CARYS, "ask.escalate", {"q": question})
    await click(client, connector, SIAN, "ask.reply", {"q": question, "reply": "Twenty days."})
    return question


async def test_a_reply_the_policy_owner_corrected_for_her_predecessor_is_listed_for_her_with_both_replies(
        client: TestClient, connector: Connector, tool_environment: None, azurite: str, table_prefix: str,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Mr Elis Parry, policy owner before Mrs Siân Roberts, replied to Carys's question with a mistake; Siân, who holds
    the role now, corrects it. Her export lists the question with the reply as first sent, her correction and when, and
    holds back who asked, what, and who replied first."""
    former = "c0ffee00-0000-4000-8000-000000000077"
    question = await _replied_twenty_days(client, connector)
    async with TableClient.from_connection_string(azurite, table_prefix + "questions") as table:
        row = await table.get_entity("log", question)
        row["EscalatedToId"], row["EscalatedTo"] = former, "Mr Elis Parry"  # he had it, and replied
        row["RepliedById"], row["RepliedBy"] = former, "Mr Elis Parry"
        await table.update_entity(row)
    opened = await click(client, connector, SIAN, "ask.correct_reply", {"q": question})
    await click(client, connector, SIAN, "ask.reply", {**verb_data(opened, "ask.reply"), "reply": REPLY})

    export = await _export(capsys, tmp_path / "sar-sian", SIAN["aadObjectId"])

    assert export.code == 0, export.err
    [corrected] = export.rows("question they replied to")
    assert corrected["reference"] == question and "they corrected its reply" in corrected["why"]
    assert (corrected["row"]["Reply"], corrected["row"]["FirstReply"]) == (REPLY, "Twenty days.")
    assert corrected["row"]["CorrectedById"] == SIAN["aadObjectId"] and corrected["row"]["CorrectedAt"]
    assert {"Text", "ObjectId", "AskerName", "EscalatedToId", "RepliedById"} <= set(corrected["withheld_columns"])
    for others in (QUESTION, CARYS["aadObjectId"], former, "Elis Parry"):
        assert others not in export.everything(), others


async def test_every_correction_of_a_reply_is_in_the_askers_export_and_in_each_correctors(
        client: TestClient, connector: Connector, tool_environment: None, azurite: str, table_prefix: str,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Siân replied "Twenty days." and corrected it twice; the question, its reply and the second correction are then
    made Mr Elis Parry's (the policy owner before her, as if he had them). Only the first reply and the latest
    correction were kept, so Carys's export lacked the correction in between, and Siân, no longer the latest to
    correct it, was not found at all. Now Carys gets every correction with who made it and when; Siân gets the row with
    her own correction, and Elis's name and id held back."""
    former = "c0ffee00-0000-4000-8000-000000000077"
    question = await _replied_twenty_days(client, connector)
    for words in ("Twenty-two days.", REPLY):
        opened = await click(client, connector, SIAN, "ask.correct_reply", {"q": question})
        await click(client, connector, SIAN, "ask.reply", {**verb_data(opened, "ask.reply"), "reply": words})
    async with TableClient.from_connection_string(azurite, table_prefix + "questions") as table:
        row = await table.get_entity("log", question)
        row["EscalatedToId"], row["EscalatedTo"] = former, "Mr Elis Parry"  # he had it, replied, and made the last
        row["RepliedById"], row["RepliedBy"] = former, "Mr Elis Parry"      # correction
        row["CorrectedById"], row["CorrectedBy"] = former, "Mr Elis Parry"
        kept = json.loads(row["Corrections"])
        kept[-1].update({"By": "Mr Elis Parry", "ById": former})
        row["Corrections"] = json.dumps(kept)
        await table.update_entity(row)

    carys = await _export(capsys, tmp_path / "sar-carys", CARYS["aadObjectId"])
    sian = await _export(capsys, tmp_path / "sar-sian", SIAN["aadObjectId"])

    assert carys.code == 0 and sian.code == 0, carys.err + sian.err
    [asked] = carys.rows("question they asked")
    assert [(c["Reply"], c["By"]) for c in asked["row"]["Corrections"]] == [
        ("Twenty-two days.", "Mrs Siân Roberts"), (REPLY, "Mr Elis Parry")]
    assert all(c["At"].startswith(str(datetime.now(UTC).year)) for c in asked["row"]["Corrections"])
    [corrected] = sian.rows("question they replied to")
    assert corrected["reference"] == question and "they corrected its reply" in corrected["why"]
    assert [c["Reply"] for c in corrected["row"]["Corrections"]] == ["Twenty-two days.", REPLY]
    assert corrected["row"]["Corrections"][0]["ById"] == SIAN["aadObjectId"]
    assert {"Corrections", "CorrectedBy", "CorrectedById"} <= set(corrected["withheld_columns"])
    for others in (QUESTION, CARYS["aadObjectId"], former, "Elis Parry"):
        assert others not in sian.everything(), others


async def test_an_id_nothing_names_is_said_in_one_line_and_nothing_is_written(
        store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unknown = "c0ffee00-0000-4000-8000-000000000099"

    export = await _export(capsys, tmp_path / "sar", unknown)

    assert (export.code, export.out) == (2, "")
    assert export.err == (f"{COMMAND}: nothing in the records names Entra object id {unknown} (no staff list entry, "
                          "profile, request, report, question or message): check the id; nothing was written\n")
    assert not export.folder.exists()


async def test_the_chair_who_never_used_the_bot_is_told_apart_from_a_mistyped_id(
        store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = await _export(capsys, tmp_path / "sar", CHAIR_ID)

    assert (export.code, export.out) == (2, "")
    assert export.err.endswith("check the id; only the federation's settings name them, as chair of governors; "
                               "nothing was written\n")
    assert not export.folder.exists()


async def test_a_name_two_people_share_is_refused_naming_both(
        store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listed = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                            schools=["high", "primary"]).staff
    namesake = StaffMember("Carys Jenkins", "c.jenkins@llanidloes.example.cymru", "primary", "Teaching Assistant",
                           "ffion.morgan@llanidloes.example.cymru", "a1000000-0000-4000-8000-0000000000c2")
    await TableStaffDirectory(store).replace_all([*listed, namesake])

    export = await _export(capsys, tmp_path / "sar", "Carys Jenkins")

    assert (export.code, export.out) == (2, "")
    first, *candidates = export.err.splitlines()
    assert first == (f"{COMMAND}: 2 people on the staff list are 'Carys Jenkins': give the email or Entra object id "
                     "of the one who asked; nothing was written")
    assert sorted(candidates) == sorted([
        f"  Carys Jenkins <{CARYS_EMAIL}>, high, Teacher of Geography, {CARYS['aadObjectId']}",
        "  Carys Jenkins <c.jenkins@llanidloes.example.cymru>, primary, Teaching Assistant, "
        "a1000000-0000-4000-8000-0000000000c2"])
    assert not export.folder.exists()


async def test_a_name_on_the_list_once_is_found_in_any_case_and_an_unknown_email_is_refused(
        store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = await _export(capsys, tmp_path / "sar-owain", "owain PRITCHARD")
    by_id = await _export(capsys, tmp_path / "sar-owain-id", OWAIN["aadObjectId"], "--email", "O.Pritchard@hwb.cymru")
    unknown = await _export(capsys, tmp_path / "sar-dai", "dai.price@llanidloes.example.cymru")

    assert found.code == 0, found.err
    assert found.records["person"]["entra_object_id"] == OWAIN["aadObjectId"]
    assert found.records["counts"] == {"staff list entry": 1}
    assert by_id.records["person"]["emails"] == ["o.pritchard@hwb.cymru", "owain.pritchard@llanidloes.example.cymru"]
    assert (unknown.code, unknown.out) == (2, "")
    assert unknown.err == (f"{COMMAND}: dai.price@llanidloes.example.cymru is not on the staff list: for someone "
                           "who has left it, give their Entra object id, with --email "
                           "dai.price@llanidloes.example.cymru; nothing was written\n")
    assert not unknown.folder.exists()


async def test_a_folder_already_holding_files_is_refused_before_storage_is_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "sar"
    folder.mkdir()
    (folder / "records.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("APP_ENV", "local")
    async with storage_refusing_access() as (connection_string, asked):
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string)

        export = await _export(capsys, folder, CARYS_EMAIL)

    assert (export.code, export.out, asked) == (2, "", [])
    assert export.err == f"{COMMAND}: {folder} already exists and is not an empty folder: give a new one; nothing " \
                         "was written\n"
    assert (folder / "records.json").read_text(encoding="utf-8") == "{}"


async def test_while_the_data_role_applies_it_says_403_in_one_line_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("APP_ENV", "local")
    async with storage_refusing_access() as (connection_string, asked):
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string)

        export = await _export(capsys, tmp_path / "sar", CARYS_EMAIL)

    assert (export.code, export.out) == (1, "") and asked == ["GET"]
    [line] = export.err.splitlines()
    assert line.startswith(f"{COMMAND}: storage refused access (403 AuthorizationPermissionMismatch)")
    assert line.endswith("; nothing was written")
    assert not export.folder.exists()


async def test_a_reminder_withheld_from_her_because_she_had_confirmed_is_in_her_export(
        store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bot now records a read-and-confirm card it did not send Carys because she had confirmed by then: that row
    is about her, so her export lists it with the rest of what the campaign kept, and Owain's is not in it."""
    await store.ensure_tables(["policyreads"])
    at = datetime.now(UTC) - timedelta(days=3)
    async with store.call():
        for person in (CARYS, OWAIN):
            await store.table("policyreads").create_entity({
                "PartitionKey": "v|00002", "RowKey": f"withheld|{TENANT}|{person['aadObjectId']}|2",
                "TenantId": TENANT, "ObjectId": person["aadObjectId"], "Name": person["name"], "Reminder": 2,
                "MessageId": f"policy|00002|remind2|{person['aadObjectId']}", "WithheldAt": at})

    export = await _export(capsys, tmp_path / "sar-carys", CARYS["aadObjectId"])

    assert export.code == 0, export.err
    [withheld] = export.rows("asked to read a policy version")
    assert withheld["reference"] == "00002" and withheld["row"]["Reminder"] == 2
    assert "not sent, as they had confirmed it" in " ".join(withheld["why"])
    assert OWAIN["aadObjectId"] not in export.everything()


async def test_with_lang_cy_it_says_what_it_wrote_and_why_it_refused_in_welsh(
        store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The data protection officer, who works in Welsh, ran export-subject-access with `--lang cy`: only a storage
    fault was Welsh; what it wrote, the rows it counted, a person the staff list does not know or knows twice, the chair
    named only by the settings and a folder already used were English."""
    listed = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                            schools=["high", "primary"]).staff
    namesake = StaffMember("Carys Jenkins", "c.jenkins@llanidloes.example.cymru", "primary", "",
                           "ffion.morgan@llanidloes.example.cymru", "")
    await TableStaffDirectory(store).replace_all([*listed, namesake])

    found = await _export(capsys, tmp_path / "sar-owain", "Owain Pritchard", "--lang", "cy")
    again = await _export(capsys, tmp_path / "sar-owain", "Owain Pritchard", "--lang", "cy")
    twice = await _export(capsys, tmp_path / "sar", "Carys Jenkins", "--lang", "cy")
    unknown = await _export(capsys, tmp_path / "sar", "dai.price@llanidloes.example.cymru", "--lang", "cy")
    chair = await _export(capsys, tmp_path / "sar", CHAIR_ID, "--lang", "cy")

    assert [e.code for e in (found, again, twice, unknown, chair)] == [0, 2, 2, 2, 2], found.err
    assert found.out == (f"ysgrifennwyd 1 rhes yn y ffolder {tmp_path / 'sar-owain'}, am y person hwn: Owain "
                         f"Pritchard ({OWAIN['aadObjectId']}); summary.txt, records.json\n"
                         "     1  cofnod ar y rhestr staff\n")
    assert found.records["counts"] == {"staff list entry": 1}  # the files stay in English, as the README says
    assert again.err == (f"{COMMAND}: mae {tmp_path / 'sar-owain'} yn bodoli eisoes a dydy hi ddim yn ffolder wag: "
                         "rhowch un newydd; chafodd dim byd ei ysgrifennu\n")
    first, *candidates = twice.err.splitlines()
    assert first == (f"{COMMAND}: mae 2 o bobl ar y rhestr staff o'r enw 'Carys Jenkins': rhowch e-bost neu ID "
                     "gwrthrych Entra yr un a ofynnodd; chafodd dim byd ei ysgrifennu")
    assert sorted(candidates) == sorted([
        f"  Carys Jenkins <{CARYS_EMAIL}>, high, Teacher of Geography, {CARYS['aadObjectId']}",
        "  Carys Jenkins <c.jenkins@llanidloes.example.cymru>, primary, dim rôl, dim ID gwrthrych Entra ar y rhestr"])
    assert unknown.err == (f"{COMMAND}: dydy dai.price@llanidloes.example.cymru ddim ar y rhestr staff: ar gyfer "
                           "rhywun sydd wedi ei gadael, rhowch ei ID gwrthrych Entra, gyda --email "
                           "dai.price@llanidloes.example.cymru; chafodd dim byd ei ysgrifennu\n")
    assert chair.err.endswith("gwiriwch yr ID; dim ond gosodiadau'r ffederasiwn sy'n ei enwi, fel cadeirydd y "
                              "llywodraethwyr; chafodd dim byd ei ysgrifennu\n"), chair.err
