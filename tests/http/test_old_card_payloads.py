"""Cards posted in chats weeks ago keep sending the data they were made with, after every release: the card data
field names in use are a public contract. Every shape of data an earlier release's cards sent
(`tests/fixtures/old_card_payloads.json`, each with the commits whose cards sent it) is replayed here against this
release over Azurite, first as someone the button was not for, then as the person it was for. The wrong person gets
a plain refusal in their language and nothing changes; the right person gets what the button promised. Never an
error, "out of date or not valid", or a click that silently does nothing."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from app import SERVICES, STORE, STRINGS
from bot.domain.concerns import ReportState
from bot.domain.errors import RecordNotFound
from bot.domain.people import Lang, Person
from bot.domain.permission_requests import RequestState
from bot.storage.concerns import TableConcernReports
from bot.storage.permission_requests import TablePermissionRequests
from bot.storage.policy_reads import TablePolicyReads
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.questions import TableQuestionLog
from bot.storage.users import TableUserProfiles
from cards.gallery import gallery
from tests.support.activities import CARYS, FFION, GARETH, OWAIN, SIAN, TENANT, card_action, file_message, message
from tests.support.cards import actions, press, verb_data
from tests.support.concerns import import_staff, reference_in, send_report
from tests.support.connector import Connector
from tests.support.files import FileServer, run_file_server
from tests.support.policies import AI_SECTION, fixture_policy, revised_docx
from tests.support.tables import every_row

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "old_card_payloads.json"
OLD_PAYLOADS: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["payloads"]
# Someone the buttons were not for: a primary school teacher, not a headteacher, line manager or policy owner, nobody
# in these requests, reports or questions, whose Teams is in Welsh.
STRANGER = OWAIN
ANSWERED = "can i use the school logo on my own page"
NOT_COVERED = "How many days of annual leave does Dafydd Price get?"
# What no click of an old card may ever bring, in either language.
NEVER = ("error.unexpected", "error.invalid_card", "error.unknown_action")


def _person(user: dict[str, str]) -> Person:
    return Person(TENANT, user["aadObjectId"], user["name"])


@dataclass
class Chats:
    """The app, the people's chats, and the records a scene made for the old card to name."""

    client: TestClient
    connector: Connector
    files: FileServer
    folder: Path
    ids: dict[str, str] = field(default_factory=dict)
    pressed: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str, lang: Lang = Lang.EN, **values: object) -> str:
        """A string of the bot's catalogue, as a card shows it."""
        return json.dumps(self.client.app[STRINGS].text(key, lang, **values), ensure_ascii=False)[1:-1]

    async def press(self, user: dict[str, str], verb: str, data: dict[str, Any], *, locale: str = "en-GB") -> str:
        """The person presses the button; what they then see, as text."""
        seen = await press(self.client, self.connector, card_action(user, verb, data, self.connector.url,
                                                                    locale=locale))
        return json.dumps(seen, ensure_ascii=False)

    async def say(self, user: dict[str, str], text: str) -> None:
        await self.client.post("/api/messages", json=message(user, text, self.connector.url))
        await self.client.app[SERVICES].deliverer.drain()

    def last_card(self, user: dict[str, str]) -> dict[str, Any]:
        return self.connector.cards(f"a:personal-{user['id']}")[-1]

    @property
    def requests(self) -> TablePermissionRequests:
        return TablePermissionRequests(self.client.app[STORE])

    @property
    def reports(self) -> TableConcernReports:
        return TableConcernReports(self.client.app[STORE])

    @property
    def questions(self) -> TableQuestionLog:
        return TableQuestionLog(self.client.app[STORE])


# What each old button needs in storage before it is pressed


async def _nothing(chats: Chats) -> None:
    return None


async def _a_request(chats: Chats) -> None:
    """Carys asks the high school's headteacher for permission (as this release's form sends it)."""
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    status = await chats.press(CARYS, "permission.submit", {
        "school": "high", "platform": "instagram", "account_kind": "new", "audience": "parents",
        "purpose": "Share Year 9 geography field trip highlights with parents.", "pupil_content": "work",
        "consent": "Only work, no names.", "moderator": "Carys Jenkins", "moderation": "daily", "start": tomorrow,
        "ongoing": "true", "confirm": "true"})
    chats.ids["request"] = str(verb_data(json.loads(status), "permission.withdraw")["id"])


async def _an_approved_request(chats: Chats) -> None:
    await _a_request(chats)
    await chats.press(SIAN, "permission.approve", {"id": chats.ids["request"], "reason": ""})


async def _a_report(chats: Chats) -> None:
    """Carys reports a colleague; it goes to her line manager, Gareth."""
    chats.ids["report"] = reference_in(await send_report(chats.client, chats.connector))


async def _a_closed_report(chats: Chats) -> None:
    await _a_report(chats)
    await chats.press(GARETH, "concern.close", {"ref": chats.ids["report"], "outcome": "Talked to both.",
                                                "share_outcome": "true"})


async def _an_answer(chats: Chats) -> None:
    """Carys asks something the policy answers."""
    await chats.say(CARYS, ANSWERED)
    chats.ids["question"] = str(verb_data(chats.last_card(CARYS), "ask.feedback")["q"])


async def _not_covered(chats: Chats) -> None:
    """Carys asks something the policy does not cover."""
    await chats.say(CARYS, NOT_COVERED)
    chats.ids["question"] = str(verb_data(chats.last_card(CARYS), "ask.escalate")["q"])


async def _passed_on(chats: Chats) -> None:
    """... and passes it to the policy owner, Siân."""
    await _not_covered(chats)
    await chats.press(CARYS, "ask.escalate", {"q": chats.ids["question"]})


async def _replied_to(chats: Chats) -> None:
    """... which Siân replies to, with a mistake; a correction's box (`of`) names that reply."""
    await _passed_on(chats)
    question = chats.ids["question"]
    await chats.press(SIAN, "ask.reply", {"q": question, "reply": "Twenty days."})
    opened = json.loads(await chats.press(SIAN, "ask.correct_reply", {"q": question}))
    chats.ids["mark"] = str(verb_data(opened, "ask.reply")["of"])


async def _to_reply_or_correct(chats: Chats) -> None:
    """A question passed on, to reply to; or, for a correction's Send (`of`), replied to, to correct."""
    await (_replied_to(chats) if "of" in chats.pressed else _passed_on(chats))


async def _a_draft(chats: Chats) -> None:
    """Siân, the policy owner, sends the revised policy in Word; the preview names its draft."""
    document = revised_docx(chats.folder)
    url = chats.files.add(await asyncio.to_thread(document.read_bytes))
    await chats.client.post("/api/messages", json=file_message(SIAN, chats.connector.url, name=document.name,
                                                               download_url=url))
    chats.ids["draft"] = str(verb_data(chats.last_card(SIAN), "policy.publish")["draft"])


async def _published_if_named(chats: Chats) -> None:
    """Version 2 published when the old card names a version (Read the policy on a read card); nothing otherwise."""
    if chats.pressed.get("version") == "{version}":
        await _published(chats)


async def _published(chats: Chats) -> None:
    """... and publishes it: version 2, which every member of staff is asked to read."""
    await _a_draft(chats)
    await chats.press(SIAN, "policy.publish", {"draft": chats.ids["draft"]})
    chats.ids["version"] = "2"
    # Every read card sent before anyone presses anything, so what the press changes is all that changes.
    deadline = asyncio.get_running_loop().time() + 30
    while not all(any(a.get("verb") == "policy.confirm_read" for c in chats.connector.cards(f"a:personal-{u['id']}")
                      for a in actions(c)) for u in (CARYS, OWAIN, SIAN, GARETH, FFION)):
        assert asyncio.get_running_loop().time() < deadline, "the read cards were not all sent"
        await asyncio.sleep(0.2)
        await chats.client.app[SERVICES].deliverer.drain()


async def _published_yesterday(chats: Chats) -> None:
    """... version 2, published the day before: nobody is reminded on the day they were asked to read it."""
    await _published(chats)
    store = chats.client.app[STORE]
    table = store.table("policyreads")
    async with store.call():
        rows = [dict(e) async for e in table.query_entities("RowKey ge 'asked|' and RowKey lt 'asked}'")]
    for row in rows:
        row["AskedAt"] = row["AskedAt"] - timedelta(days=1)
        async with store.call():
            await table.update_entity(row)


# What each old button promised: the record changed, or the card it opens, in the language the card said it was in


async def _report_state(chats: Chats) -> ReportState:
    return (await chats.reports.get(chats.ids["report"])).state


Check = Callable[[Chats, str, Lang], Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    """An old button's world: what it needs first, who it is for, what it promised, what anyone else is told."""

    set_up: Callable[[Chats], Awaitable[None]]
    person: dict[str, str]
    kept_its_word: Check
    refusal: str = ""  # the catalogue key a stranger gets; "" when the button is anyone's to press
    refusal_values: tuple[tuple[str, str], ...] = ()


async def _sent_a_request(chats: Chats, seen: str, lang: Lang) -> None:
    [request] = await chats.requests.list_by_requester(_person(CARYS))
    assert request.state is RequestState.PENDING and request.request_id in seen


def _request_now(state: RequestState) -> Check:
    """The request the button named is now in `state` (approved, declined, withdrawn, ended)."""
    async def check(chats: Chats, seen: str, lang: Lang) -> None:
        assert (await chats.requests.get(chats.ids["request"])).state is state

    return check


async def _the_request_to_decide(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.ids["request"] in seen and "permission.approve" in seen


async def _pending_list(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("perm.pending_title", lang) in seen and chats.ids["request"] in seen


async def _the_figures(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("figures.title", lang) in seen and chats.text("figures.requests_title", lang) in seen


async def _the_register(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("perm.register_title", lang) in seen and chats.ids["request"] in seen


async def _my_requests(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("perm.mine_title", lang) in seen and chats.ids["request"] in seen


async def _the_request_form(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("perm.form_title", lang) in seen and "permission.submit" in seen


async def _the_report_form(chats: Chats, seen: str, lang: Lang) -> None:
    assert "concern.submit" in seen
    outside = '"kind": "outside"' in seen
    assert chats.text("concern.outside_form_title" if outside else "concern.form_title", lang) in seen
    assert chats.pressed.get("what", "") in seen  # the words that opened it, to start the form with


async def _sent_a_report(chats: Chats, seen: str, lang: Lang) -> None:
    """The report is sent; from a form that did not say whom it goes to (`goes_to`, forms posted before), once the form
    has come back saying who will see it now, and its Send is pressed."""
    if "goes_to" not in chats.pressed:
        assert await chats.reports.list_by_reporter(_person(CARYS)) == []
        assert chats.text("concern.goes_to_not_known", lang) in seen
        seen = await chats.press(CARYS, "concern.submit", {**verb_data(json.loads(seen), "concern.submit"),
                                                           **{k: v for k, v in chats.pressed.items()
                                                              if k not in {"form", "ref", "kind", "lang"}}})
    [report] = await chats.reports.list_by_reporter(_person(CARYS))
    assert report.state is ReportState.OPEN and report.reference in seen


def _report_now(state: ReportState, *, level: int = 0) -> Check:
    """The report the button named is now in `state`, held `level` steps up its chain."""
    async def check(chats: Chats, seen: str, lang: Lang) -> None:
        report = await chats.reports.get(chats.ids["report"])
        assert (report.state, report.level) == (state, level)

    return check


async def _closed_or_asked_how(chats: Chats, seen: str, lang: Lang) -> None:
    """Closing needs an outcome now: a Close without its box (cards posted before it) opens the box, which closes."""
    if "outcome" not in chats.pressed:
        assert await _report_state(chats) is ReportState.OPEN and '"id": "outcome"' in seen
        await chats.press(GARETH, "concern.close", {**verb_data(json.loads(seen), "concern.close"),
                                                    "outcome": "Talked to both.", "share_outcome": "false"})
    assert await _report_state(chats) is ReportState.CLOSED


async def _added_to(chats: Chats, seen: str, lang: Lang) -> None:
    """The reporter's note is on the report, for Gareth Hughes, who still holds it."""
    report = await chats.reports.get(chats.ids["report"])
    assert [n.text for n in report.notes] == [chats.pressed["note"]] and report.level == 0
    assert chats.pressed["note"] in seen


async def _the_report(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.ids["report"] in seen


async def _my_reports(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("concern.mine_title", lang) in seen and chats.ids["report"] in seen


async def _held_reports(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("concern.held_title", lang) in seen and chats.ids["report"] in seen


async def _rated(chats: Chats, seen: str, lang: Lang) -> None:
    assert (await chats.questions.get(chats.ids["question"])).feedback.value == chats.pressed["value"]


async def _passed_to_the_owner(chats: Chats, seen: str, lang: Lang) -> None:
    assert (await chats.questions.get(chats.ids["question"])).escalated_to_id == SIAN["aadObjectId"]


async def _replied(chats: Chats, seen: str, lang: Lang) -> None:
    assert (await chats.questions.get(chats.ids["question"])).reply == "Twenty-five days, as your contract says."


async def _the_reply_to_correct(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("ask.correct_send", lang) in seen and "Twenty days." in seen


async def _the_question(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("ask.head_title", lang) in seen and NOT_COVERED in seen and "ask.reply" in seen


async def _the_review(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("ask.review_title", lang) in seen and NOT_COVERED in seen


async def _the_disclaimer(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("ask.disclaimer_title", lang) in seen


async def _the_photo_checklist(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("ask.photo_title", lang) in seen


async def _switched(chats: Chats, seen: str, lang: Lang) -> None:
    profile = await TableUserProfiles(chats.client.app[STORE]).get_profile(_person(CARYS))
    assert profile.language is lang and chats.text("welcome.title", lang) in seen


async def _about(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("ask.about_title", lang) in seen


async def _the_sections(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("ask.sections_title", lang) in seen and "policy.section" in seen
    if "version" in chats.ids:  # the version the card named: version 2, with its new section
        assert AI_SECTION[0] in seen


async def _the_section(chats: Chats, seen: str, lang: Lang) -> None:
    section = next(s for s in fixture_policy().sections if s.id == chats.pressed["section"])
    assert chats.text("ask.section_title", lang, section=section.heading(lang.value)) in seen


async def _published_it(chats: Chats, seen: str, lang: Lang) -> None:
    pointer = await TablePolicyVersions(chats.client.app[STORE]).get_pointer()
    assert pointer is not None and pointer.version == "2"
    assert chats.text("publish.done_title", lang, version="2") in seen


async def _dropped_it(chats: Chats, seen: str, lang: Lang) -> None:
    with pytest.raises(RecordNotFound):
        await TablePolicyVersions(chats.client.app[STORE]).get_draft(chats.ids["draft"])
    assert chats.text("publish.cancelled", lang) in seen


async def _confirmed(chats: Chats, seen: str, lang: Lang) -> None:
    confirmed = await TablePolicyReads(chats.client.app[STORE]).list_confirmed("2")
    assert [c.person.aad_object_id for c in confirmed] == [CARYS["aadObjectId"]]


async def _withdrawn(chats: Chats, seen: str, lang: Lang) -> None:
    pointer = await TablePolicyVersions(chats.client.app[STORE]).get_pointer()
    assert pointer is not None and pointer.version == "1"
    assert chats.text("publish.withdrawn_title", lang, version="2") in seen


async def _the_read_card(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("reads.request_title", lang) in seen and "policy.confirm_read" in seen


def _of_the_school_pressed(chats: Chats) -> dict[str, str]:
    """A member of staff at the school the button names (a card about one school), else at the high school."""
    return OWAIN if chats.pressed.get("school") == "primary" else CARYS


async def _who_has_read_it(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("reads.summary_title", lang, version="2") in seen
    assert _of_the_school_pressed(chats)["name"] in seen
    if chats.pressed.get("school") == "primary":
        assert CARYS["name"] not in seen


async def _reminded(chats: Chats, seen: str, lang: Lang) -> None:
    assert chats.text("reads.reminded_title", lang, version="2") in seen
    reminded = {a.object_id: a.reminders for a in await TablePolicyReads(chats.client.app[STORE]).list_asked("2")}
    assert reminded[_of_the_school_pressed(chats)["aadObjectId"]] == 1
    if chats.pressed.get("school") == "primary":
        assert reminded[CARYS["aadObjectId"]] == 0


OWNER = (("owner", "Mrs Siân Roberts"),)
SCENES: dict[str, Scene] = {
    "permission.submit": Scene(_nothing, CARYS, _sent_a_request),
    "permission.approve": Scene(_a_request, SIAN, _request_now(RequestState.APPROVED), "perm.not_your_decision"),
    "permission.decline": Scene(_a_request, SIAN, _request_now(RequestState.DECLINED), "perm.not_your_decision"),
    "permission.withdraw": Scene(_a_request, CARYS, _request_now(RequestState.WITHDRAWN), "error.not_found"),
    "permission.end": Scene(_an_approved_request, SIAN, _request_now(RequestState.ENDED), "perm.not_yours_to_end"),
    "permission.open": Scene(_a_request, SIAN, _the_request_to_decide, "perm.not_your_decision"),
    "permission.pending": Scene(_a_request, SIAN, _pending_list, "perm.only_heads"),
    "figures.show": Scene(_a_request, SIAN, _the_figures, "figures.only_heads"),
    "permission.register": Scene(_an_approved_request, SIAN, _the_register, "perm.only_heads_register"),
    "permission.mine": Scene(_a_request, CARYS, _my_requests),
    "permission.form": Scene(_nothing, CARYS, _the_request_form),
    "concern.form": Scene(_nothing, CARYS, _the_report_form),
    "concern.submit": Scene(_nothing, CARYS, _sent_a_report),
    "concern.acknowledge": Scene(_a_report, GARETH, _report_now(ReportState.ACKNOWLEDGED), "error.not_found"),
    "concern.escalate": Scene(_a_report, GARETH, _report_now(ReportState.ESCALATED, level=1), "error.not_found"),
    "concern.close": Scene(_a_report, GARETH, _closed_or_asked_how, "error.not_found"),
    "concern.reopen": Scene(_a_closed_report, CARYS, _report_now(ReportState.ESCALATED, level=1), "error.not_found"),
    "concern.add": Scene(_a_report, CARYS, _added_to, "error.not_found"),
    "concern.show": Scene(_a_report, CARYS, _the_report, "error.not_found"),
    "concern.mine": Scene(_a_report, CARYS, _my_reports),
    "concern.held": Scene(_a_report, GARETH, _held_reports),
    "ask.feedback": Scene(_an_answer, CARYS, _rated, "ask.only_asker"),
    "ask.escalate": Scene(_not_covered, CARYS, _passed_to_the_owner, "ask.only_asker"),
    "ask.reply": Scene(_to_reply_or_correct, SIAN, _replied, "error.not_found"),
    "ask.correct_reply": Scene(_replied_to, SIAN, _the_reply_to_correct, "error.not_found"),
    "ask.question": Scene(_passed_on, SIAN, _the_question, "error.not_found"),
    "ask.review": Scene(_passed_on, SIAN, _the_review, "ask.review_only_owner"),
    "ask.disclaimer": Scene(_nothing, CARYS, _the_disclaimer),
    "ask.photos": Scene(_nothing, CARYS, _the_photo_checklist),
    "language.set": Scene(_nothing, CARYS, _switched),
    "policy.about": Scene(_nothing, CARYS, _about),
    "policy.sections": Scene(_published_if_named, CARYS, _the_sections),
    "policy.section": Scene(_nothing, CARYS, _the_section),
    "policy.publish": Scene(_a_draft, SIAN, _published_it, "publish.not_owner_click", OWNER),
    "policy.publish_cancel": Scene(_a_draft, SIAN, _dropped_it, "publish.not_owner_click", OWNER),
    "policy.confirm_read": Scene(_published, CARYS, _confirmed),
    "policy.read_request": Scene(_published, CARYS, _the_read_card),
    "policy.reads": Scene(_published, SIAN, _who_has_read_it, "reads.only_heads"),
    "policy.remind": Scene(_published_yesterday, SIAN, _reminded, "reads.only_heads_remind"),
    "policy.withdraw": Scene(_published, SIAN, _withdrawn, "publish.not_owner_withdraw", OWNER),
}


def _filled(old: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """The old card's data with the inputs a person filled in, naming the scene's records."""
    values = {**ids, "tomorrow": (datetime.now(UTC).date() + timedelta(days=1)).isoformat()}

    def fill(text: str) -> str:
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text

    return {fill(key): fill(value) if isinstance(value, str) else value
            for key, value in {**old["data"], **old["inputs"]}.items()}


def _name(old: dict[str, Any]) -> str:
    """The test's id: the shape, and the value that tells payloads of one shape apart."""
    shape = ",".join(sorted(old["data"])) + ("+" + ",".join(sorted(old["inputs"])) if old["inputs"] else "")
    told_apart = old["data"].get("value") or (old["data"]["section"] if set(old["data"]) == {"section"} else "")
    return f"{old['verb']}[{shape}]{told_apart}"


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    async with run_file_server() as server:
        yield server


@pytest.mark.parametrize("old", OLD_PAYLOADS, ids=[_name(old) for old in OLD_PAYLOADS])
async def test_an_old_cards_button_does_what_it_said_for_its_person_and_nothing_for_anyone_else(
        client: TestClient, connector: Connector, files: FileServer, tmp_path: Path, azurite: str,
        table_prefix: str, caplog: pytest.LogCaptureFixture, old: dict[str, Any]) -> None:
    await import_staff(client.app[STORE])
    chats = Chats(client, connector, files, tmp_path)
    for person in (CARYS, SIAN, GARETH, FFION):
        await chats.say(person, "hi")
    await client.post("/api/messages", json=message(STRANGER, "shwmae", connector.url, locale="cy-GB"))
    scene = SCENES[old["verb"]]
    chats.pressed = old["data"]
    await scene.set_up(chats)
    chats.pressed = _filled(old, chats.ids)
    # A card says the language it is in, or (cards before buttons said) is answered in the person's.
    said = old["data"].get("lang")

    if scene.refusal:
        before = await every_row(azurite, table_prefix)
        refused = await chats.press(STRANGER, old["verb"], chats.pressed, locale="cy-GB")
        assert chats.text(scene.refusal, Lang(said or "cy"), **dict(scene.refusal_values)) in refused
        assert await every_row(azurite, table_prefix) == before
    seen = await chats.press(scene.person, old["verb"], chats.pressed)

    for lang in Lang:
        assert not [key for key in NEVER if chats.text(key, lang) in seen]
    await scene.kept_its_word(chats, seen, Lang(said or "en"))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


Shape = tuple[str, tuple[str, ...], tuple[str, ...]]


def _shape(verb: str, data: Iterable[str], inputs: Iterable[str]) -> Shape:
    """A payload's shape: its verb, its data's field names and the ids of the inputs sent with it (a list's box per
    request, `reason_<id>`, counted once)."""
    boxes = {re.sub(r"^reason_.*", "reason_<id>", i) for i in inputs}
    return verb, tuple(sorted(data)), tuple(sorted(boxes))


def _shapes_on(card: dict[str, Any], around: frozenset[str] = frozenset()) -> set[Shape]:
    """The shapes a card's buttons send: each with the inputs of its own card and the cards around it (a Show card's
    own card sends the inputs of the card it opens from, as Teams does)."""
    def own_inputs(node: object) -> set[str]:
        if isinstance(node, list):
            return {i for item in node for i in own_inputs(item)}
        if not isinstance(node, dict):
            return set()
        here = {node["id"]} if str(node.get("type", "")).startswith("Input.") and "id" in node else set()
        return here | {i for key, value in node.items() if key != "card" for i in own_inputs(value)}

    inputs = around | own_inputs(card)
    found: set[Shape] = set()

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.add(_shape(node["verb"], node.get("data", {}), inputs))
            if node.get("type") == "Action.ShowCard":
                found.update(_shapes_on(node["card"], frozenset(inputs)))
                return
            for value in node.values():
                walk(value)

    walk(card)
    return found


def test_every_shape_this_release_sends_is_kept_in_the_fixture() -> None:
    """Once posted, a shape is sent for months: each one this release's cards send is recorded, so a later release
    that stops accepting it fails the replay above."""
    kept = {_shape(old["verb"], old["data"], old["inputs"]) for old in OLD_PAYLOADS}
    sent = {shape: name for name, card in gallery().items() for shape in _shapes_on(card)}

    assert {shape: name for shape, name in sent.items() if shape not in kept} == {}
