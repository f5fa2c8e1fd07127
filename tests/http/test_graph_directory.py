"""Line managers: msal and Graph over real HTTP against a local authority, then the staff list, then routing."""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import msal
import pytest
import requests

from app import graph_line_managers
from bot.domain.concerns import ConcernReport, Route
from bot.domain.directory import LineManagers, StaffMember, find_line_manager, read_staff_csv
from bot.domain.federation import load_federation
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person, StaffContact
from bot.graph.client import GraphLineManagers, SecretTokens
from bot.settings import Settings
from bot.storage.concerns import TableConcernReports
from bot.storage.directory import TableStaffDirectory
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from cards.i18n import load_catalogue
from dialogs.base import Scope, Turn
from dialogs.concerns import ConcernFlow
from tests.support.concerns import send_as_she_would
from tests.support.fake_graph import CLIENT_ID, CLIENT_SECRET, IDENTITY_CLIENT_ID, FakeGraph, run_fake_graph

REPO = Path(__file__).resolve().parents[2]
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
OWAIN = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
SIAN = Person(TENANT, "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
GARETH = {"id": "a1000000-0000-4000-8000-000000000004", "displayName": "Gareth Hughes",
          "mail": "gareth.hughes@llanidloes.example.cymru"}
FFION = {"id": "a1000000-0000-4000-8000-000000000005", "displayName": "Ffion Morgan",
         "userPrincipalName": "ffion.morgan@llanidloes.example.cymru"}
FEDERATION = load_federation(REPO / "config" / "federation.local.json")


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[FakeGraph]:
    async with run_fake_graph(tmp_path) as running:
        running.managers[CARYS.aad_object_id] = GARETH
        yield running


class Clock:
    """A monotonic clock the test moves on."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def graph(fake: FakeGraph, clock: Clock) -> AsyncIterator[GraphLineManagers]:
    trusted = requests.Session()
    trusted.verify = str(fake.ca_file)
    trusted.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override `verify`

    def app(tenant: str) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(CLIENT_ID, client_credential=CLIENT_SECRET,
                                                  authority=f"{fake.base_url}/{tenant}", instance_discovery=False,
                                                  http_client=trusted)

    async with _trusting(fake) as session:
        graph = GraphLineManagers(session, base_url=fake.base_url, tokens=SecretTokens(
            authority_host=fake.base_url, base_url=fake.base_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
            app_factory=app), clock=clock)
        yield graph
        await graph.close()
    trusted.close()


def _trusting(fake: FakeGraph) -> aiohttp.ClientSession:
    """An HTTP session that trusts the fake's certificate (as the app's trusts Graph's)."""
    context = ssl.create_default_context(cafile=str(fake.ca_file))
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context))


@pytest.fixture
async def directory(store: TableStore) -> TableStaffDirectory:
    staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                           schools=["high", "primary"])
    assert staff.problems == ()
    listing = TableStaffDirectory(store)
    await listing.replace_all(staff.staff)
    return listing


async def test_graph_gives_the_manager_and_the_token_is_cached(graph: GraphLineManagers, fake: FakeGraph) -> None:
    first = await graph.line_manager_of(CARYS)
    second = await graph.line_manager_of(CARYS)

    assert first == StaffContact(GARETH["id"], "Gareth Hughes", GARETH["mail"]) == second
    assert (fake.token_requests, fake.manager_requests) == (1, 2)


async def test_graph_throttling_is_waited_out_as_its_retry_after_asks(graph: GraphLineManagers, fake: FakeGraph,
                                                                       clock: Clock) -> None:
    """Graph answers 429 with Retry-After when a tenant asks too much: every concern form and Send asking again
    meanwhile would only keep it throttled. Until then the staff list answers (None here: Graph cannot say)."""
    fake.throttle_retry_after = "30"
    throttled = await graph.line_manager_of(CARYS)
    clock.seconds += 29
    fake.throttle_retry_after = ""
    still_waiting = await graph.line_manager_of(CARYS)
    asked_meanwhile = fake.manager_requests
    clock.seconds += 2
    after = await graph.line_manager_of(CARYS)

    assert throttled is None and still_waiting is None and asked_meanwhile == 1
    assert after is not None and after.name == "Gareth Hughes" and fake.manager_requests == 2


async def test_graph_404_means_no_manager(graph: GraphLineManagers, fake: FakeGraph) -> None:
    assert await graph.line_manager_of(OWAIN) is None
    assert fake.manager_requests == 1


async def test_wrong_secret_means_graph_cannot_say(fake: FakeGraph) -> None:
    trusted = requests.Session()
    trusted.verify = str(fake.ca_file)
    trusted.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override `verify`
    async with _trusting(fake) as session:
        graph = GraphLineManagers(session, base_url=fake.base_url, tokens=SecretTokens(
            authority_host=fake.base_url, base_url=fake.base_url, client_id=CLIENT_ID, client_secret="wrong",
            app_factory=lambda tenant: msal.ConfidentialClientApplication(
                CLIENT_ID, client_credential="wrong", authority=f"{fake.base_url}/{tenant}",
                instance_discovery=False, http_client=trusted)))
        assert await graph.line_manager_of(CARYS) is None
        await graph.close()
    trusted.close()
    assert fake.manager_requests == 0


async def test_graph_first_then_the_staff_list(graph: GraphLineManagers, directory: TableStaffDirectory) -> None:
    from_graph = await find_line_manager(CARYS, [graph, directory])
    from_list = await find_line_manager(OWAIN, [graph, directory])
    nobody = await find_line_manager(Person(TENANT, "a1000000-0000-4000-8000-0000000000ff"), [graph, directory])

    assert from_graph is not None and from_graph.name == "Gareth Hughes"
    assert from_list is not None and from_list.name == "Ffion Morgan"
    assert nobody is None


def _flow(store: TableStore, managers: list[LineManagers]) -> tuple[ConcernFlow, TableConcernReports]:
    directory = TableStaffDirectory(store)
    reports = TableConcernReports(store)
    return ConcernFlow(strings=load_catalogue(), federation=FEDERATION, reports=reports, directory=directory,
                       managers=managers, notifier=QueueingNotifier(TableOutbox(store)),
                       profiles=TableUserProfiles(store), limiter=TableRateLimiter(store), report_limit=5,
                       escalation_limit=10), reports


# Whom the form says it goes to (`goes_to`) when Ffion Morgan is the line manager: her, the headteacher, the chair.
_TO_FFION = f"{FFION['id']} a1000000-0000-4000-8000-000000000003 a1000000-0000-4000-8000-000000000006"


async def _submit(flow: ConcernFlow, reports: TableConcernReports, person: Person, who: str = "",
                  goes_to: str = "") -> ConcernReport:
    """Send on a form that says it goes to `goes_to` (a form posted before, that says nothing, comes back once)."""
    said = {"goes_to": goes_to} if goes_to else {}
    reply = await send_as_she_would(flow, Turn(actor=person, lang=Lang.EN, scope=Scope.PERSONAL,
                                               verb="concern.submit", is_invoke=True,
                                               data={"what": "unkind messages", "who": who, **said}))
    assert reply.card is not None
    reference = json.dumps(reply.card).split("Your report ")[1].split()[0]
    return await reports.get(reference)


async def test_graph_knows_the_manager_so_the_report_goes_there(
        graph: GraphLineManagers, fake: FakeGraph, directory: TableStaffDirectory, store: TableStore) -> None:
    fake.managers[CARYS.aad_object_id] = FFION  # Graph and the staff list disagree: Graph wins
    flow, reports = _flow(store, [graph, directory])

    report = await _submit(flow, reports, CARYS, goes_to=_TO_FFION)

    # Shown by the one name the federation's settings give her, whatever Graph calls her.
    assert (report.assigned_to.name, report.route) == ("Mrs Ffion Morgan", Route.LINE_MANAGER)
    assert fake.manager_requests == 1


async def test_graph_404_falls_back_to_the_staff_list(
        graph: GraphLineManagers, fake: FakeGraph, directory: TableStaffDirectory, store: TableStore) -> None:
    flow, reports = _flow(store, [graph, directory])

    report = await _submit(flow, reports, OWAIN, goes_to=_TO_FFION)

    assert (report.assigned_to.name, report.route) == ("Mrs Ffion Morgan", Route.LINE_MANAGER)
    assert fake.manager_requests == 1


async def test_when_neither_knows_it_goes_to_the_headteacher_and_says_why(
        graph: GraphLineManagers, directory: TableStaffDirectory, store: TableStore) -> None:
    nobody = Person(TENANT, "a1000000-0000-4000-8000-0000000000ff", "Ann Lewis")
    # On the staff list (only staff on it may report, in Hwb's one tenant for all Wales), with no line manager there.
    await directory.replace_all([*await directory.list_members(), StaffMember(
        "Ann Lewis", "ann.lewis@llanidloes.example.cymru", "high", "Cover Supervisor", "", nobody.aad_object_id)])
    flow, reports = _flow(store, [graph, directory])

    report = await _submit(flow, reports, nobody)

    assert (report.assigned_to.name, report.route) == ("Mrs Siân Roberts", Route.NO_MANAGER)


async def test_a_report_about_graphs_manager_goes_to_the_headteacher(
        graph: GraphLineManagers, directory: TableStaffDirectory, store: TableStore) -> None:
    flow, reports = _flow(store, [graph, directory])

    report = await _submit(flow, reports, CARYS, who="Mr Hughes")

    assert (report.assigned_to.name, report.route) == ("Mrs Siân Roberts", Route.MANAGER_INVOLVED)


# The office's export: school addresses, no object ids (the import warns and accepts it).
WITHOUT_IDS = """name,email,school,role,line_manager_email
Carys Jenkins,carys.jenkins@llanidloes.example.cymru,high,Teacher of Geography,gareth.hughes@llanidloes.example.cymru
Gareth Hughes,gareth.hughes@llanidloes.example.cymru,high,Head of Humanities,sian.roberts@llanidloes.example.cymru
Siân Roberts,sian.roberts@llanidloes.example.cymru,high,Executive Headteacher,
"""


@pytest.mark.parametrize("as_graph_knows_him", [
    {"displayName": "Gareth Hughes", "mail": "HughesG42@hwbcymru.net"},
    {"displayName": "Gareth Hughes", "mail": None, "userPrincipalName": "HughesG42@hwbcymru.net"},
    {"displayName": "Staff 42", "mail": "s42@hwbcymru.net", "otherMails": ["gareth.hughes@llanidloes.example.cymru"]},
    {"displayName": "Staff 42", "mail": "s42@hwbcymru.net",
     "proxyAddresses": ["SMTP:s42@hwbcymru.net", "smtp:Gareth.Hughes@llanidloes.example.cymru"]},
], ids=["hwb-mail", "upn-only", "other-mails", "proxy-addresses"])
async def test_a_report_about_the_picked_line_manager_never_reaches_him(
        graph: GraphLineManagers, fake: FakeGraph, store: TableStore, as_graph_knows_him: dict[str, object]) -> None:
    fake.managers[CARYS.aad_object_id] = {"id": GARETH["id"], **as_graph_knows_him}  # type: ignore[dict-item]
    staff = read_staff_csv(WITHOUT_IDS, schools=["high", "primary"])
    assert staff.problems == () and staff.warnings
    await TableStaffDirectory(store).replace_all(staff.staff)
    flow, reports = _flow(store, [graph, TableStaffDirectory(store)])

    receipt = await send_as_she_would(flow, Turn(
        actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.submit", is_invoke=True,
        data={"what": "Unkind messages about my lessons, late at night",
              "about": "gareth.hughes@llanidloes.example.cymru"}))

    [report] = await reports.list_all()
    gareth = Person(TENANT, GARETH["id"], "Gareth Hughes")
    assert GARETH["id"] not in [c.aad_object_id for c in report.chain]
    assert await TableOutbox(store).list_for_recipient(gareth) == []
    assert "It went to Mrs Siân Roberts." in json.dumps(receipt.card, ensure_ascii=False)


async def test_the_apps_own_msal_setup_works_offline_against_a_custom_authority(
        fake: FakeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.ca_file))  # msal's own requests session trusts the test CA
    settings = _settings({"MicrosoftAppId": CLIENT_ID, "MicrosoftAppPassword": CLIENT_SECRET,
                          "GRAPH_AUTHORITY_HOST": fake.base_url, "GRAPH_BASE_URL": fake.base_url})
    async with _trusting(fake) as session:
        graph = graph_line_managers(settings, session)
        assert graph is not None
        found = await asyncio.gather(graph.line_manager_of(CARYS), graph.line_manager_of(CARYS))
        await graph.close()

    assert [m.name if m else None for m in found] == ["Gareth Hughes", "Gareth Hughes"]
    assert fake.token_requests == 1
    assert fake.identity_requests == []


def _settings(values: dict[str, str]) -> Settings:
    return Settings.model_validate({"APP_ENV": "local", "AZURE_STORAGE_CONNECTION_STRING": "UseDevelopmentStorage=true",
                                    **values})


# The documented deployment: the bot runs as a user-assigned managed identity and has no secret at all.
MANAGED = {"MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppId": IDENTITY_CLIENT_ID, "MicrosoftAppTenantId": TENANT}


async def test_the_managed_identity_gets_graph_tokens_from_app_service_and_they_are_cached(
        fake: FakeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in fake.identity_environment().items():
        monkeypatch.setenv(name, value)
    settings = _settings({**MANAGED, "GRAPH_BASE_URL": fake.base_url})
    async with _trusting(fake) as session:
        graph = graph_line_managers(settings, session)
        assert graph is not None
        found = [await graph.line_manager_of(CARYS), await graph.line_manager_of(CARYS)]
        nobody = await graph.line_manager_of(OWAIN)
        await graph.close()

    assert [m.name if m else None for m in found] == ["Gareth Hughes", "Gareth Hughes"] and nobody is None
    assert fake.identity_requests == [{"api-version": "2019-08-01", "resource": fake.base_url,
                                       "client_id": IDENTITY_CLIENT_ID}]
    assert (fake.token_requests, fake.manager_requests) == (0, 3)  # no secret, so msal's authority is never asked


async def test_a_managed_identity_the_endpoint_refuses_means_graph_cannot_say(
        fake: FakeGraph, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", fake.identity_endpoint)
    monkeypatch.setenv("IDENTITY_HEADER", "not-the-header-app-service-set")
    settings = _settings({**MANAGED, "GRAPH_BASE_URL": fake.base_url})
    async with _trusting(fake) as session:
        graph = graph_line_managers(settings, session)
        assert graph is not None
        found = await graph.line_manager_of(CARYS)
        await graph.close()

    assert found is None and fake.manager_requests == 0
    assert "Graph line manager lookup failed: PermissionError" in caplog.text


def test_without_a_secret_or_a_managed_identity_graph_is_not_asked() -> None:
    assert graph_line_managers(_settings({}), session=None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("what", [
    "Gareth keeps sending me messages late at night about my appearance",
    "Mae Gareth yn anfon negeseuon ataf yn hwyr y nos am fy ngolwg",
])
async def test_a_report_naming_the_manager_as_the_staff_list_calls_him_never_reaches_him(
        graph: GraphLineManagers, fake: FakeGraph, directory: TableStaffDirectory, store: TableStore,
        what: str) -> None:
    # Graph's display name for him is the one pupils see; the staff list has his whole name, as the reporter writes it.
    fake.managers[CARYS.aad_object_id] = {**GARETH, "displayName": "Mr G Hughes"}
    flow, reports = _flow(store, [graph, directory])

    receipt = await send_as_she_would(flow, Turn(actor=CARYS, lang=Lang.EN, scope=Scope.PERSONAL, verb="concern.submit",
                                     is_invoke=True, data={"what": what}))

    [report] = await reports.list_all()
    gareth = Person(TENANT, GARETH["id"], "Gareth Hughes")
    assert GARETH["id"] not in [c.aad_object_id for c in report.chain]
    assert await TableOutbox(store).list_for_recipient(gareth) == []
    assert "It went to Mrs Siân Roberts." in json.dumps(receipt.card, ensure_ascii=False)
