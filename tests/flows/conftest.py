"""Flow tests in milliseconds: the real flows, router and cards on the memory stores; no HTTP, no Azurite.

A test speaks as a person of the fictional federation (a `Turn` carries who they are, as the Teams edge builds it from
the activity) and looks at real outcomes: the card that came back, the records kept, and the messages owed to each
person in the outbox (the edge's sender delivers those; the HTTP tests cover that part).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import pytest

from bot.domain.directory import read_staff_csv
from bot.domain.federation import Federation, load_federation, parse_federation
from bot.domain.live_policy import PolicyInForce
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfile
from bot.policy import PolicyIndex
from bot.policy.model import Policy
from bot.storage.memory import (
    MemoryConcernReports,
    MemoryOutbox,
    MemoryPermissionRequests,
    MemoryPolicyReads,
    MemoryPolicyVersions,
    MemoryQuestionLog,
    MemoryRateLimiter,
    MemoryStaffDirectory,
    MemoryStore,
    MemoryUserProfiles,
)
from cards.elements import Card
from cards.i18n import Catalogue, load_catalogue
from dialogs.ask import AskFlow, Retriever
from dialogs.base import Reply, Router, Scope, Turn
from dialogs.concerns import ConcernFlow, offensive_comments_guidance
from dialogs.figures import FiguresFlow
from dialogs.home import HomeFlow
from dialogs.permission_requests import PermissionFlow
from dialogs.policy_reads import ReadingFlow
from tests.conftest import SharedIndexes
from tests.support import activities
from tests.support.activities import TENANT
from tests.support.concerns import CHAIR_ID
from tests.support.policies import fixture_policy

REPO = Path(__file__).resolve().parents[2]
FEDERATION = load_federation(REPO / "config" / "federation.local.json")


def _as_the_edge_names(user: Mapping[str, str]) -> Person:
    """A person of tests/support/activities as the Teams edge makes them from an activity: the federation's settings
    name the people they name (headteachers, delegates, the chair)."""
    return Person(TENANT, user["aadObjectId"], FEDERATION.display_name(user["aadObjectId"], user.get("name", "")))


CARYS, OWAIN, SIAN, GARETH, FFION = (_as_the_edge_names(user) for user in (
    activities.CARYS, activities.OWAIN, activities.SIAN, activities.GARETH, activities.FFION))
CHAIR = _as_the_edge_names({"aadObjectId": CHAIR_ID})


class Clock:
    """The bot's clock, moved on by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def with_school_holidays(*holidays: Mapping[str, str | list[str]]) -> Federation:
    """The fictional federation's settings with a `school_holidays` list, as the office writes it."""
    raw = json.loads((REPO / "config" / "federation.local.json").read_text(encoding="utf-8"))
    return parse_federation({**raw, "school_holidays": list(holidays)})


def text_of(cards: object) -> str:
    """Everything a card (or a list of cards) says and carries, as one string to look for words in."""
    return json.dumps(cards, ensure_ascii=False)


async def _answered(turn: Awaitable[Reply]) -> Reply:
    """The turn's reply, once what it leaves for after its answer is done too (the edge runs that in the background)."""
    reply = await turn
    if reply.afterwards is not None:
        await reply.afterwards()
    return reply


@dataclass
class BotInMemory:
    """The flows as app.py builds them, on one memory store; `says` and `clicks` are a person's turns."""

    store: MemoryStore
    router: Router
    federation: Federation
    # The background job that reads the staff list again (app.py runs it every `STAFF_LIST_KEPT`).
    staff_list_job: Callable[[], Awaitable[int]] | None = None
    # The concern reports' reminder task and the read-and-confirm reminders (app.py runs them every 15 minutes).
    report_check: Callable[[], Awaitable[int]] | None = None
    read_reminders: Callable[[], Awaitable[int]] | None = None

    async def meets(self, *people: Person) -> None:
        """Each person has opened the bot (the edge keeps where to reach them), so messages can reach them."""
        profiles = MemoryUserProfiles(self.store)
        for person in people:
            await profiles.save_profile(UserProfile(person=person, conversation_ref=f'{{"user": "{person.name}"}}'))

    async def has_the_staff_list(self) -> None:
        """The office's fictional staff list: Carys's line manager is Gareth, Gareth's is Siân."""
        staff = read_staff_csv((REPO / "config" / "staff.local.csv").read_text(encoding="utf-8"),
                               schools=[s.school_id for s in self.federation.schools])
        await MemoryStaffDirectory(self.store).replace_all(staff.staff)

    async def keeps_the_staff_list(self) -> None:
        """The background job reads the staff list again, as it does every `STAFF_LIST_KEPT`."""
        assert self.staff_list_job is not None
        await self.staff_list_job()

    async def checks_reports(self) -> int:
        """One pass of the concern reports' reminder task, at the bot's clock."""
        assert self.report_check is not None
        return await self.report_check()

    async def reminds_readers(self) -> int:
        """One pass of the read-and-confirm reminders, at the bot's clock."""
        assert self.read_reminders is not None
        return await self.read_reminders()

    async def says(self, person: Person, text: str, *, lang: Lang = Lang.EN, scope: Scope = Scope.PERSONAL,
                   conversation: str = "", time_zone: str = "") -> Reply:
        """The person types `text`, in `conversation` (by default their 1:1 chat with the bot, or the group chat), in
        Teams set to `time_zone` (none told by default)."""
        conversation = conversation or (f"a:personal-{person.aad_object_id}" if scope is Scope.PERSONAL else "19:group")
        return await _answered(self.router.route(Turn(actor=person, lang=lang, scope=scope, text=text,
                                                      conversation=conversation, time_zone=time_zone)))

    async def clicks(self, person: Person, verb: str, data: Mapping[str, Any], *, lang: Lang = Lang.EN,
                     scope: Scope = Scope.PERSONAL, time_zone: str = "") -> Reply:
        """The person presses a card's button: `verb` with the card's `data` (whoever the data names, the actor is
        `person`, as the edge takes it from the activity), in Teams set to `time_zone` (none told by default)."""
        return await _answered(self.router.route(Turn(actor=person, lang=lang, scope=scope, verb=verb, data=data,
                                                      is_invoke=True, time_zone=time_zone)))

    async def cards_for(self, person: Person) -> list[Card]:
        """The cards owed to a person, oldest first: what the sender will bring to their chat."""
        return [dict(m.card) for m in await MemoryOutbox(self.store).list_for_recipient(person)]

    async def cards_going_to(self, person: Person, at: datetime) -> list[Card]:
        """The cards owed to a person that the background sender takes at `at` (its due scan): not one kept back for
        school hours."""
        return [dict(m.card) for m in await MemoryOutbox(self.store).list_due(at) if m.recipient.key == person.key]


def open_bot(strings: Catalogue, federation: Federation, in_force: Callable[[], PolicyInForce[Retriever]], *,
             store: MemoryStore | None = None,
             policy_version: Callable[[str], Awaitable[Policy | None]] | None = None,
             clock: Callable[[], datetime] = lambda: datetime.now(UTC),
             question_retention_months: int = 12) -> BotInMemory:
    """The flows wired as `app.build_flows` wires them, each on the memory port of its Table adapter (of `store`: the
    records another bot kept, as after a restart with new settings); `policy_version` gives earlier versions, and
    `clock` the time every flow reads; `question_retention_months`, QUESTION_RETENTION_MONTHS."""
    store = store if store is not None else MemoryStore()
    profiles, directory = MemoryUserProfiles(store), MemoryStaffDirectory(store)
    notifier, limiter = QueueingNotifier(MemoryOutbox(store)), MemoryRateLimiter(store)
    home = HomeFlow(strings, federation)
    ask = AskFlow(strings=strings, federation=federation, in_force=in_force, questions=MemoryQuestionLog(store),
                  notifier=notifier, profiles=profiles, limiter=limiter, question_limit=10, reply_limit=50,
                  shipped=fixture_policy(), policy_version=policy_version, staff=directory, clock=clock,
                  question_retention_months=question_retention_months)
    concerns = ConcernFlow(strings=strings, federation=federation, reports=MemoryConcernReports(store),
                           directory=directory, managers=[directory], notifier=notifier, profiles=profiles,
                           limiter=limiter, report_limit=5, escalation_limit=10,
                           guidance=lambda: offensive_comments_guidance(in_force().policy), question=ask.ask,
                           clock=clock)
    permissions = PermissionFlow(strings=strings, federation=federation, requests=MemoryPermissionRequests(store),
                                 notifier=notifier, profiles=profiles, directory=directory, limiter=limiter,
                                 request_limit=10, policy_question=ask.ask, questions_for_review=ask.review,
                                 reports_held=concerns.held_if_any,
                                 clock=clock)
    reading = ReadingFlow(strings=strings, federation=federation, versions=MemoryPolicyVersions(store),
                          reads=MemoryPolicyReads(store), directory=directory, notifier=notifier, profiles=profiles,
                          in_force=in_force, clock=clock)
    figures = FiguresFlow(strings=strings, federation=federation, requests=MemoryPermissionRequests(store),
                          versions=MemoryPolicyVersions(store), reads=MemoryPolicyReads(store), directory=directory,
                          reports=MemoryConcernReports(store), notifier=notifier, profiles=profiles, clock=clock)
    router = Router([reading, home, concerns, permissions, figures, ask], fallback=home.help,
                    unknown_verb=home.unknown_verb, invalid_data=home.invalid_card)
    return BotInMemory(store, router, federation, ask.keep_staff_list, concerns.check_reports, reading.remind)


@pytest.fixture(scope="session")
def strings() -> Catalogue:
    """Every card string, English and Welsh."""
    return load_catalogue()


@pytest.fixture(scope="session")
def federation() -> Federation:
    """The fictional federation `make run` uses."""
    return FEDERATION


@pytest.fixture(scope="session")
def policy_in_force(shared_policy_indexes: SharedIndexes) -> PolicyInForce[PolicyIndex]:
    """The 2022 policy with its answer index, built once for the whole session (apps started in tests share it)."""
    policy = fixture_policy()
    return PolicyInForce(policy, shared_policy_indexes(policy))


class NoIndex:
    """The answer index of a bot that should never be asked a question: asking one fails the test."""

    def answer(self, question: str) -> NoReturn:
        """Fail: the test asked a question."""
        pytest.fail("this test asks a question: use the `answering_bot` fixture")

    def sections_speaking_of(self, message: str) -> NoReturn:
        """Fail: the test asked a question."""
        pytest.fail("this test asks a question: use the `answering_bot` fixture")


@pytest.fixture
def bot(strings: Catalogue, federation: Federation) -> BotInMemory:
    """The bot on an empty memory store, for flows that quote no policy (asking a question fails the test)."""
    in_force = PolicyInForce(fixture_policy(), NoIndex())
    return open_bot(strings, federation, lambda: in_force)


@pytest.fixture
def answering_bot(strings: Catalogue, federation: Federation,
                  policy_in_force: PolicyInForce[PolicyIndex]) -> BotInMemory:
    """The bot on an empty memory store, answering from the 2022 policy."""
    return open_bot(strings, federation, lambda: policy_in_force)
