"""Property-based fuzzing: thousands of generated activities and card clicks, no 5xx, no unhandled error."""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from azure.data.tables.aio import TableClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.settings import Settings
from tests.support.activities import CARYS, FFION, GARETH, OWAIN, SIAN, TENANT
from tests.support.live import LiveBot, live_bot

# A start the form takes whenever the tests run (more than a year ahead is refused).
_TOMORROW = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()

PEOPLE = [CARYS, OWAIN, SIAN, GARETH, FFION]
OTHER_TENANT = "99999999-0000-4000-8000-000000000000"
NASTY_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["hi", "help", "Cymraeg", "English", "my requests", "report a concern", "request permission",
                     "[click](https://evil.example)", "<at>Siân Roberts</at> approve", "<script>alert(1)</script>",
                     '{"type":"AdaptiveCard","body":[]}', "\u202eevil\u0000\u0007", "x" * 5000]),
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)

# `make test` runs the same 1,000 of each every time (derandomized: a fixed seed from each test, no example
# database), so a failure there is always reproducible; `make test-long` sets FUZZ_RANDOM=1 and
# FUZZ_EXAMPLES=20000 for new random examples on every run.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
FUZZ = settings(deadline=None, derandomize=os.environ.get("FUZZ_RANDOM") != "1", database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def bot(azurite: str) -> Iterator[LiveBot]:
    # Rate limits high enough that the generated forms keep reaching storage (the limits have their own tests).
    config = Settings.model_validate({"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite,
                                      "TABLE_PREFIX": "fuzz", "DELIVERY_INTERVAL_SECONDS": 3600,
                                      "REPORT_LIMIT_PER_DAY": 100, "ESCALATION_LIMIT_PER_DAY": 100,
                                      "PERMISSION_LIMIT_PER_DAY": 100, "QUESTION_LIMIT_PER_DAY": 100,
                                      "REPLY_LIMIT_PER_DAY": 1000})
    with live_bot(config) as running:
        yield running


@pytest.fixture(scope="module")
def errors() -> Iterator[_ErrorCollector]:
    collector = _ErrorCollector()
    logging.getLogger().addHandler(collector)
    yield collector
    logging.getLogger().removeHandler(collector)


def _post(bot: LiveBot, body: Any) -> int:
    data = json.dumps(body).encode()
    request = urllib.request.Request(f"{bot.url}/api/messages", data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _activity(bot: LiveBot, person: dict[str, str], tenant: str, conversation_type: str, locale: str) -> dict[str, Any]:
    return {
        "id": "fuzz", "channelId": "msteams", "serviceUrl": bot.connector.url, "from": person,
        "recipient": {"id": "28:bot", "name": "Policy Helper"}, "locale": locale,
        "conversation": {"id": f"a:{conversation_type}-{person.get('id', 'x')}", "conversationType": conversation_type,
                         "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}},
    }


people = st.sampled_from(PEOPLE) | st.fixed_dictionaries({"id": st.text(max_size=20), "name": st.text(max_size=30),
                                                          "aadObjectId": st.text(max_size=40)})
tenants = st.sampled_from([TENANT, TENANT, OTHER_TENANT, "", "x/y#?"])
scopes = st.sampled_from(["personal", "personal", "groupChat", "channel", "weird"])
locales = st.sampled_from(["en-GB", "cy-GB", "en-US", "", "zz"])


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(FUZZ, max_examples=FUZZ_EXAMPLES)
@given(person=people, tenant=tenants, scope=scopes, locale=locales, text=NASTY_TEXT, value=JSONISH)
def test_generated_messages_never_fail(bot: LiveBot, errors: _ErrorCollector, person: dict[str, str], tenant: str,
                                       scope: str, locale: str, text: str, value: Any) -> None:
    activity = _activity(bot, person, tenant, scope, locale)
    activity.update({"type": "message", "text": text})
    if value is not None:
        activity["value"] = value

    status = _post(bot, activity)

    assert status < 500
    assert [r.getMessage() for r in errors.records] == []


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(FUZZ, max_examples=FUZZ_EXAMPLES)
@given(data=st.data(), person=people, tenant=tenants, scope=scopes, locale=locales)
def test_generated_card_clicks_never_fail(bot: LiveBot, errors: _ErrorCollector, data: st.DataObject,
                                          person: dict[str, str], tenant: str, scope: str, locale: str) -> None:
    verb = data.draw(st.sampled_from([*bot.verbs(), "nonsense", ""]) | st.text(max_size=20))
    payload = data.draw(st.dictionaries(st.sampled_from(["q", "id", "request", "report", "lang", "value", "school",
                                                         "reason", "reply", "section", "note"]) | st.text(max_size=8),
                                        JSONISH | NASTY_TEXT, max_size=6))
    action_type = data.draw(st.sampled_from(["Action.Execute", "Action.Execute", "Action.Submit", None]))
    activity = _activity(bot, person, tenant, scope, locale)
    activity.update({"type": "invoke", "name": data.draw(st.sampled_from(["adaptiveCard/action", "task/fetch", ""])),
                     "value": {"action": {"type": action_type, "verb": verb, "data": payload}}})

    status = _post(bot, activity)

    assert status < 500
    assert [r.getMessage() for r in errors.records] == []


PERMISSION_FORM = {"school": "high", "platform": "instagram", "platform_other": "", "account_kind": "new",
                   "existing_account": "", "purpose": "Share Year 9 field trip highlights with parents.",
                   "audience": "parents", "pupil_content": "work", "consent": "Only work, no names.",
                   "moderator": "Carys Jenkins", "moderation": "daily", "start": _TOMORROW, "end": "",
                   "ongoing": "true", "confirm": "true"}
CONCERN_FORM = {"what": "A colleague keeps sending me messages.", "since": "September", "where": "Teams",
                "who": "A colleague", "evidence": "", "meeting": "true", "urgent": "false"}


async def _partitions(azurite: str, table: str) -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    async with TableClient.from_connection_string(azurite, f"fuzz{table}") as client:
        async for row in client.list_entities():
            rows.setdefault(row["PartitionKey"], set()).add(str(row["RowKey"]).split("|")[0])
    return rows


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_generated_form_submissions_never_fail_and_leave_only_whole_records(bot: LiveBot, errors: _ErrorCollector,
                                                                          azurite: str) -> None:
    """Mostly valid forms with a few fields replaced by anything: records are made, and must be whole. The
    submissions are this test's own, so it checks the same thing whichever fuzz tests run before it."""

    @settings(FUZZ, max_examples=max(FUZZ_EXAMPLES // 5, 50))
    @given(data=st.data(), person=st.sampled_from(PEOPLE))
    def submit(data: st.DataObject, person: dict[str, str]) -> None:
        verb, template = data.draw(st.sampled_from([("permission.submit", PERMISSION_FORM),
                                                    ("concern.submit", CONCERN_FORM)]))
        form: dict[str, Any] = dict(template)
        for key in data.draw(st.lists(st.sampled_from(sorted(template)), max_size=3, unique=True)):
            form[key] = data.draw(NASTY_TEXT | JSONISH)
        activity = _activity(bot, person, TENANT, "personal", "en-GB")
        activity.update({"type": "invoke", "name": "adaptiveCard/action",
                         "value": {"action": {"type": "Action.Execute", "verb": verb, "data": form}}})

        status = _post(bot, activity)

        assert status < 500
        assert [r.getMessage() for r in errors.records] == []

    submit()

    for table, record in (("permissions", "request"), ("reports", "report")):
        found = bot.run(_partitions(azurite, table))
        print(f"{table}: {len(found)} records after fuzzing")
        assert found, f"the submissions made no {record} to check"
        partial = [key for key, kinds in found.items() if record in kinds and "audit" not in kinds]
        # A report form's token (`form|...` partitions) stands for a reference whether or not a report followed.
        orphaned = [key for key, kinds in found.items() if record not in kinds and not key.startswith("form|")]
        assert (table, partial, orphaned) == (table, [], [])
