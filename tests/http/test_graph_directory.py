"""Line managers: msal and Graph over real HTTP against a local authority, then the staff list, then routing."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import msal
import pytest
import requests

from bot.domain.concerns import Route, route
from bot.domain.directory import find_line_manager, read_staff_csv
from bot.domain.federation import load_federation
from bot.domain.people import Person, StaffContact
from bot.graph.client import GraphLineManagers
from bot.storage.directory import TableStaffDirectory
from bot.storage.tables import TableStore, service_client
from tests.support.fake_graph import CLIENT_ID, CLIENT_SECRET, FakeGraph, run_fake_graph

REPO = Path(__file__).resolve().parents[2]
TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
CARYS = Person(TENANT, "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
OWAIN = Person(TENANT, "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")
SIAN = Person(TENANT, "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
GARETH = {"id": "a1000000-0000-4000-8000-000000000004", "displayName": "Gareth Hughes",
          "mail": "gareth.hughes@llanidloes.example.cymru"}
FEDERATION = load_federation(REPO / "config" / "federation.local.json")


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[FakeGraph]:
    async with run_fake_graph(tmp_path) as running:
        running.managers[CARYS.aad_object_id] = GARETH
        yield running


@pytest.fixture
async def graph(fake: FakeGraph) -> AsyncIterator[GraphLineManagers]:
    trusted = requests.Session()
    trusted.verify = str(fake.ca_file)
    trusted.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override `verify`

    def app(tenant: str) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(CLIENT_ID, client_credential=CLIENT_SECRET,
                                                  authority=f"{fake.base_url}/{tenant}", instance_discovery=False,
                                                  http_client=trusted)

    context = ssl.create_default_context(cafile=str(fake.ca_file))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as session:
        yield GraphLineManagers(session, authority_host=fake.base_url, base_url=fake.base_url, client_id=CLIENT_ID,
                                client_secret=CLIENT_SECRET, app_factory=app)
    trusted.close()


@pytest.fixture
async def directory(azurite: str, table_prefix: str) -> AsyncIterator[TableStaffDirectory]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=3) as service:
        store = TableStore(service, prefix=table_prefix, timeout=3)
        await store.ensure_tables(["directory"])
        staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                               schools=["high", "primary"])
        assert staff.problems == ()
        listing = TableStaffDirectory(store)
        await listing.replace_all(staff.staff)
        yield listing


async def test_graph_gives_the_manager_and_the_token_is_cached(graph: GraphLineManagers, fake: FakeGraph) -> None:
    first = await graph.line_manager_of(CARYS)
    second = await graph.line_manager_of(CARYS)

    assert first == StaffContact(GARETH["id"], "Gareth Hughes", GARETH["mail"]) == second
    assert (fake.token_requests, fake.manager_requests) == (1, 2)


async def test_graph_404_means_no_manager(graph: GraphLineManagers, fake: FakeGraph) -> None:
    assert await graph.line_manager_of(OWAIN) is None
    assert fake.manager_requests == 1


async def test_wrong_secret_means_graph_cannot_say(fake: FakeGraph) -> None:
    trusted = requests.Session()
    trusted.verify = str(fake.ca_file)
    trusted.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override `verify`
    context = ssl.create_default_context(cafile=str(fake.ca_file))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as session:
        graph = GraphLineManagers(session, authority_host=fake.base_url, base_url=fake.base_url,
                                  client_id=CLIENT_ID, client_secret="wrong", app_factory=lambda tenant:
                                  msal.ConfidentialClientApplication(CLIENT_ID, client_credential="wrong",
                                                                     authority=f"{fake.base_url}/{tenant}",
                                                                     instance_discovery=False, http_client=trusted))
        assert await graph.line_manager_of(CARYS) is None
    trusted.close()
    assert fake.manager_requests == 0


async def test_graph_first_then_the_staff_list(graph: GraphLineManagers, directory: TableStaffDirectory) -> None:
    from_graph = await find_line_manager(CARYS, [graph, directory])
    from_list = await find_line_manager(OWAIN, [graph, directory])
    nobody = await find_line_manager(Person(TENANT, "a1000000-0000-4000-8000-0000000000ff"), [graph, directory])

    assert from_graph is not None and from_graph.name == "Gareth Hughes"
    assert from_list is not None and from_list.name == "Ffion Morgan"
    assert nobody is None


def test_routing_for_each_case() -> None:
    gareth = StaffContact(GARETH["id"], "Gareth Hughes", GARETH["mail"])
    head = FEDERATION.schools[0].headteacher
    chair = FEDERATION.chair_of_governors

    assert route(CARYS, "a parent group", gareth, FEDERATION, "high") == (gareth, Route.LINE_MANAGER)
    assert route(CARYS, "", None, FEDERATION, "high") == (head, Route.NO_MANAGER)
    assert route(CARYS, "mr gareth hughes", gareth, FEDERATION, "high") == (head, Route.MANAGER_INVOLVED)
    assert route(CARYS, "Hughes keeps messaging me", gareth, FEDERATION, "high") == (head, Route.MANAGER_INVOLVED)
    assert route(SIAN, "", None, FEDERATION, "high") == (chair, Route.REPORTER_IS_HEAD)
    assert route(CARYS, "Siân Roberts", StaffContact(head.aad_object_id, head.name), FEDERATION, "high") == (
        chair, Route.MANAGER_INVOLVED)


def test_bad_staff_csv_reports_every_row_and_imports_nothing() -> None:
    text = ("name,email,school,role,line_manager_email,aad_object_id\n"
            "Carys Jenkins,carys@llanidloes.example.cymru,high,Teacher,boss@llanidloes.example.cymru,\n"
            ",not-an-email,atlantis,Teacher,,\n"
            "Self Managed,self@llanidloes.example.cymru,high,Teacher,self@llanidloes.example.cymru,xyz\n"
            "Carys Again,carys@llanidloes.example.cymru,high,Teacher,,\n")

    result = read_staff_csv(text, schools=["high", "primary"])

    assert result.staff == ()
    problems = "\n".join(result.problems)
    for expected in ("line 2: line manager boss@llanidloes.example.cymru is not in the file",
                     "line 3: name is empty", "line 3: email 'not-an-email'", "line 3: school 'atlantis'",
                     "line 4: is their own line manager", "line 4: aad_object_id 'xyz'",
                     "line 5: carys@llanidloes.example.cymru is already on line 2"):
        assert expected in problems
    assert read_staff_csv("who,what\nx,y\n", schools=["high"]).problems[0].startswith("line 1: missing column")


