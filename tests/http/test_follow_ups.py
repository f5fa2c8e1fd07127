"""A follow-up ("what about Instagram?", "a beth am Instagram?") goes on from the person's last question whichever
instance answered it: two ask flows over one Azurite, as two App Service instances share the question log, with a
clock the test moves. Only the same person's own question, in the same conversation, in the last half hour, and never
one deleted in Teams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.errors import StorageUnavailable
from bot.domain.federation import load_federation
from bot.domain.live_policy import PolicyInForce
from bot.domain.outbox import QueueingNotifier
from bot.domain.people import Lang, Person
from bot.domain.questions import QuestionRecord
from bot.policy import PolicyIndex
from bot.storage.limits import TableRateLimiter
from bot.storage.outbox import TableOutbox
from bot.storage.questions import TableQuestionLog
from bot.storage.tables import TableStore
from bot.storage.users import TableUserProfiles
from cards.i18n import load_catalogue
from dialogs.ask import AskFlow
from dialogs.base import Scope, Turn
from tests.conftest import SharedIndexes
from tests.support.activities import CARYS, OWAIN, TENANT
from tests.support.counted import counted_store
from tests.support.policies import fixture_policy

REPO = Path(__file__).resolve().parents[2]
HER = Person(TENANT, CARYS["aadObjectId"], CARYS["name"])
HIM = Person(TENANT, OWAIN["aadObjectId"], OWAIN["name"])
HER_CHAT = "a:personal-29:carys"
PAIRS = [("Can I friend a parent on Facebook?", "what about Instagram?", "what about TikTok?", Lang.EN),
         ("Ga i fod yn ffrindiau efo rhiant ar Facebook?", "a beth am Instagram?", "a beth am TikTok?", Lang.CY)]
IN_EACH_LANGUAGE = pytest.mark.parametrize(("question", "follow_up", "next_follow_up", "lang"), PAIRS,
                                           ids=["English", "Welsh"])
# The instance the follow-up reaches: the one that answered the question, or the other.
ON_EITHER = pytest.mark.parametrize("reached", [0, 1], ids=["same instance", "other instance"])


class Clock:
    """The time both instances read, moved on by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class TwoInstances:
    """Two ask flows sharing the tables (and nothing else) and a clock."""

    def __init__(self, store: TableStore, policy_in_force: PolicyInForce[PolicyIndex]) -> None:
        self.store = store
        self.clock = Clock()
        self.instances = [self._instance(policy_in_force) for _ in range(2)]

    def _instance(self, in_force: PolicyInForce[PolicyIndex]) -> AskFlow:
        return AskFlow(strings=load_catalogue(), federation=load_federation(REPO / "config" / "federation.local.json"),
                       in_force=lambda: in_force,
                       questions=TableQuestionLog(self.store), notifier=QueueingNotifier(TableOutbox(self.store)),
                       profiles=TableUserProfiles(self.store), limiter=TableRateLimiter(self.store),
                       question_limit=10, reply_limit=50, clock=self.clock)

    async def says(self, instance: int, person: Person, text: str, *, lang: Lang, conversation: str = HER_CHAT,
                   message_id: str = "") -> None:
        """The person types `text`; the turn reaches `instance`."""
        await self.instances[instance].ask(Turn(actor=person, lang=lang, scope=Scope.PERSONAL, text=text,
                                                message_id=message_id, conversation=conversation))

    async def asked(self) -> list[QuestionRecord]:
        """Every question kept, newest first."""
        return await TableQuestionLog(self.store).list_asked_until(self.clock.now + timedelta(days=1))

    async def texts(self) -> list[str]:
        return [record.text for record in await self.asked()]


@pytest.fixture
async def bots(store: TableStore, shared_policy_indexes: SharedIndexes) -> AsyncIterator[TwoInstances]:
    await store.ensure_tables(["questions"])
    policy = fixture_policy()
    yield TwoInstances(store, PolicyInForce(policy, shared_policy_indexes(policy)))


@IN_EACH_LANGUAGE
async def test_a_follow_up_on_the_other_instance_goes_on_from_the_question_and_so_does_the_next(
        bots: TwoInstances, question: str, follow_up: str, next_follow_up: str, lang: Lang) -> None:
    """The second follow-up, 40 minutes after the question but 11 after the first follow-up, goes on from the question
    they both follow, not from the first follow-up's words."""
    await bots.says(0, HER, question, lang=lang)
    bots.clock.now += timedelta(minutes=29)
    await bots.says(1, HER, follow_up, lang=lang)
    bots.clock.now += timedelta(minutes=11)

    await bots.says(0, HER, next_follow_up, lang=lang)

    [latest, first, asked] = await bots.asked()
    assert (asked.text, first.text, latest.text) == (
        question, f"{question} {follow_up}", f"{question} {next_follow_up}")
    assert first.follows_id == latest.follows_id == asked.question_id
    assert {r.conversation_id for r in (asked, first, latest)} == {HER_CHAT}


@IN_EACH_LANGUAGE
@ON_EITHER
async def test_no_follow_up_after_half_an_hour(bots: TwoInstances, question: str, follow_up: str,
                                               next_follow_up: str, lang: Lang, reached: int) -> None:
    await bots.says(0, HER, question, lang=lang)
    bots.clock.now += timedelta(minutes=30, seconds=1)

    await bots.says(reached, HER, follow_up, lang=lang)

    assert await bots.texts() == [follow_up, question]


@IN_EACH_LANGUAGE
@ON_EITHER
@pytest.mark.parametrize(("follower", "asked_in", "followed_up_in"), [(HIM, "19:group", "19:group"),
                                                                     (HER, HER_CHAT, "19:group")],
                         ids=["someone else in a chat both are in", "she in a group chat after her 1:1 chat"])
async def test_a_follow_up_never_goes_on_from_someone_elses_question_or_one_asked_in_another_chat(
        bots: TwoInstances, question: str, follow_up: str, next_follow_up: str, lang: Lang, reached: int,
        follower: Person, asked_in: str, followed_up_in: str) -> None:
    """What she asked privately stays private, and a colleague's "what about Instagram?" is his own."""
    await bots.says(0, HER, question, lang=lang, conversation=asked_in)
    bots.clock.now += timedelta(minutes=1)

    await bots.says(reached, follower, follow_up, lang=lang, conversation=followed_up_in)

    assert await bots.texts() == [follow_up, question]


@IN_EACH_LANGUAGE
@ON_EITHER
async def test_a_question_deleted_in_teams_never_comes_back_with_a_follow_up(
        bots: TwoInstances, question: str, follow_up: str, next_follow_up: str, lang: Lang, reached: int) -> None:
    """Deleted after a first follow-up: the next goes on from nothing, although the first follow-up's record (kept
    until its own message is deleted) holds the deleted question's words."""
    await bots.says(0, HER, question, lang=lang, message_id="1732200000001")
    bots.clock.now += timedelta(minutes=1)
    await bots.says(0, HER, follow_up, lang=lang, message_id="1732200000002")
    await bots.instances[0].forget_message(HER, "1732200000001")
    bots.clock.now += timedelta(minutes=1)

    await bots.says(reached, HER, next_follow_up, lang=lang, message_id="1732200000003")

    assert await bots.texts() == [next_follow_up, f"{question} {follow_up}"]


@IN_EACH_LANGUAGE
@ON_EITHER
async def test_a_question_deleted_in_teams_but_kept_for_the_school_never_comes_back_with_a_follow_up(
        bots: TwoInstances, question: str, follow_up: str, next_follow_up: str, lang: Lang, reached: int) -> None:
    """The headteacher replied before she deleted it, so its record stays as the school's advice on record: still
    she took it back from the chat, and a follow-up does not bring it back."""
    await bots.says(0, HER, question, lang=lang, message_id="1732200000001")
    [asked] = await bots.asked()
    log = TableQuestionLog(bots.store)
    await log.update(replace(asked, escalated_at=bots.clock.now, escalated_to="Mrs Siân Roberts",
                             reply="Please don't.", replied_by="Mrs Siân Roberts", replied_at=bots.clock.now))
    await bots.instances[0].forget_message(HER, "1732200000001")
    bots.clock.now += timedelta(minutes=1)

    await bots.says(reached, HER, follow_up, lang=lang, message_id="1732200000002")

    assert await bots.texts() == [follow_up, question]


@IN_EACH_LANGUAGE
async def test_an_edited_follow_up_still_goes_on_from_the_question_it_followed(
        bots: TwoInstances, question: str, follow_up: str, next_follow_up: str, lang: Lang) -> None:
    """The edit takes back the follow-up's words first sent (with its record), then asks it as it now reads."""
    await bots.says(0, HER, question, lang=lang, message_id="1732200000001")
    bots.clock.now += timedelta(minutes=1)
    await bots.says(1, HER, follow_up, lang=lang, message_id="1732200000002")
    bots.clock.now += timedelta(minutes=1)

    await bots.instances[0].forget_message(HER, "1732200000002", edited=True)
    await bots.says(0, HER, next_follow_up, lang=lang, message_id="1732200000002")

    assert await bots.texts() == [f"{question} {next_follow_up}", question]


async def test_a_follow_up_is_still_answered_when_the_question_log_cannot_be_read(
        bots: TwoInstances, monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked as it came, rather than not at all."""
    async def unreadable(*_: object, **__: object) -> list[QuestionRecord]:
        raise StorageUnavailable("injected")

    await bots.says(0, HER, "Can I friend a parent on Facebook?", lang=Lang.EN)
    bots.clock.now += timedelta(minutes=1)
    monkeypatch.setattr(TableQuestionLog, "list_asked_in", unreadable)

    reply = await bots.instances[1].ask(Turn(actor=HER, lang=Lang.EN, scope=Scope.PERSONAL,
                                             text="what about Instagram?", conversation=HER_CHAT))

    assert reply.card is not None
    assert await bots.texts() == ["what about Instagram?", "Can I friend a parent on Facebook?"]


async def test_only_a_message_that_could_be_a_follow_up_reads_the_question_log(
        azurite: str, table_prefix: str, shared_policy_indexes: SharedIndexes) -> None:
    """What a question turn costs the flow in storage calls (the edge adds its read of the person): an ordinary
    question the write of its record, and its count against TYPED_QUESTION_LIMIT_PER_DAY (a read and a write of the
    person's day); a follow-up one more, the read of the person's last half hour."""
    policy = fixture_policy()
    tables = ["questions", "outbox", "outboxsent", "users", "ratelimits"]
    async with counted_store(azurite, table_prefix, tables) as (store, counts):
        bot = TwoInstances(store, PolicyInForce(policy, shared_policy_indexes(policy)))
        before = counts.snapshot()
        await bot.says(0, HER, "Can I friend a parent on Facebook?", lang=Lang.EN)
        question = counts.snapshot() - before
        bot.clock.now += timedelta(minutes=1)
        before = counts.snapshot()
        await bot.says(1, HER, "what about Instagram?", lang=Lang.EN)
        follow_up = counts.snapshot() - before
        asked = await bot.texts()

    assert question == {"POST questions": 1, "GET ratelimits": 1, "POST ratelimits": 1}
    # The other instance reads her day before counting on it (an instance that counted it last knows its etag).
    assert follow_up == {"GET questions": 1, "POST questions": 1, "GET ratelimits": 1, "PUT ratelimits": 1}
    assert asked == ["Can I friend a parent on Facebook? what about Instagram?", "Can I friend a parent on Facebook?"]
