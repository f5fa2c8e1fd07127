"""Storage contract: what every backend of the foundation's ports must do, run against Tables (Azurite) and memory."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import ConcurrentChange, RecordNotFound
from bot.domain.outbox import CardSlot, DeliveryState, OutboundMessage, Outbox, Owed
from bot.domain.people import Lang, Person
from bot.domain.profiles import UserProfile, UserProfiles, preferred_language
from tests.storage.conftest import Backend

CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
SIAN = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000003", "Siân Roberts")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _message(message_id: str, *, card_key: str = "", recipient: Person = SIAN) -> OutboundMessage:
    return OutboundMessage(recipient=recipient, message_id=message_id, card={"type": "AdaptiveCard", "n": message_id},
                           card_key=card_key, created_at=NOW)


class UserProfilesContract:
    """Subclass and provide `profiles`."""

    async def test_missing_profile_raises(self, profiles: UserProfiles) -> None:
        with pytest.raises(RecordNotFound):
            await profiles.get_profile(CARYS)

    async def test_saved_profile_reads_back(self, profiles: UserProfiles) -> None:
        saved = UserProfile(person=CARYS, language=Lang.CY, conversation_ref='{"x":1}', updated_at=NOW)

        await profiles.save_profile(saved)
        loaded = await profiles.get_profile(CARYS)

        assert (loaded.person.name, loaded.language, loaded.conversation_ref, loaded.updated_at) == (
            "Carys Jenkins", Lang.CY, '{"x":1}', NOW)


    async def test_a_profile_read_for_someone_else_is_the_saved_one_and_a_missing_one_is_missing(
            self, profiles: UserProfiles) -> None:
        with pytest.raises(RecordNotFound):
            await profiles.recent_profile(CARYS)
        await profiles.save_profile(UserProfile(person=CARYS, language=Lang.CY, conversation_ref='{"x":1}',
                                                updated_at=NOW))
        first = await profiles.recent_profile(replace(CARYS, name=""))
        await profiles.save_profile(UserProfile(person=CARYS, language=Lang.EN, conversation_ref='{"x":2}',
                                                updated_at=NOW))
        second = await profiles.recent_profile(CARYS)

        assert (first.person.name, first.language, first.conversation_ref) == ("Carys Jenkins", Lang.CY, '{"x":1}')
        assert (second.language, second.conversation_ref) == (Lang.EN, '{"x":2}')  # this instance's save, at once

    async def test_the_language_of_their_teams_is_kept_with_the_profile(self, profiles: UserProfiles) -> None:
        await profiles.save_profile(UserProfile(person=CARYS, teams_language=Lang.CY, conversation_ref='{"x":1}',
                                                updated_at=NOW))

        loaded = await profiles.get_profile(CARYS)

        assert (loaded.language, loaded.teams_language) == (None, Lang.CY)

    @pytest.mark.parametrize(("chosen", "teams", "written_to"), [
        (Lang.CY, Lang.EN, Lang.CY),  # pressed Cymraeg, Teams in English
        (Lang.EN, Lang.CY, Lang.EN),  # pressed English, Teams in Welsh
        (None, Lang.CY, Lang.CY),  # never chose: their Teams
        (None, None, Lang.EN),  # nothing known
    ])
    async def test_messages_to_someone_are_in_the_language_they_chose_else_that_of_their_teams(
            self, profiles: UserProfiles, chosen: Lang | None, teams: Lang | None, written_to: Lang) -> None:
        await profiles.save_profile(UserProfile(person=CARYS, language=chosen, teams_language=teams,
                                                conversation_ref='{"x":1}', updated_at=NOW))

        assert await preferred_language(profiles, CARYS) is written_to
        assert await preferred_language(profiles, SIAN) is Lang.EN  # never talked to the bot

    async def test_a_name_is_kept_to_what_a_row_holds(self, profiles: UserProfiles) -> None:
        await profiles.save_profile(UserProfile(person=replace(CARYS, name="C" * 300), updated_at=NOW))

        loaded = await profiles.get_profile(CARYS)

        assert loaded.person.name == "C" * 200 and loaded.language is None


    async def test_a_language_chosen_while_another_device_writes_where_to_reach_them_is_kept(
            self, profiles: UserProfiles) -> None:
        await profiles.save_profile(UserProfile(person=CARYS, conversation_ref='{"x":1}', updated_at=NOW))
        read_by_the_phone = await profiles.get_profile(CARYS)

        await profiles.save_language(CARYS, Lang.EN)  # "English", pressed on her laptop
        await profiles.save_contact(read_by_the_phone.refreshed('{"x":2}', NOW, CARYS.name, Lang.CY))

        loaded = await profiles.get_profile(CARYS)
        assert (loaded.language, loaded.teams_language, loaded.conversation_ref) == (Lang.EN, Lang.CY, '{"x":2}')

    async def test_where_to_reach_them_written_while_they_choose_a_language_is_kept(
            self, profiles: UserProfiles) -> None:
        await profiles.save_contact(UserProfile(person=CARYS, conversation_ref='{"x":1}', updated_at=NOW))

        await profiles.save_language(CARYS, Lang.CY)

        loaded = await profiles.get_profile(CARYS)
        assert (loaded.language, loaded.conversation_ref, loaded.updated_at) == (Lang.CY, '{"x":1}', NOW)

    async def test_a_language_chosen_before_they_have_a_profile_is_kept(self, profiles: UserProfiles) -> None:
        await profiles.save_language(CARYS, Lang.CY)

        loaded = await profiles.get_profile(CARYS)
        assert (loaded.language, loaded.conversation_ref) == (Lang.CY, "")

    async def test_when_she_last_asked_what_waited_is_kept_beside_her_language_and_chat(
            self, profiles: UserProfiles) -> None:
        await profiles.save_profile(UserProfile(person=SIAN, conversation_ref='{"x":1}', updated_at=NOW))
        read_by_the_phone = await profiles.get_profile(SIAN)

        await profiles.save_caught_up(SIAN, NOW)  # "what did I miss?" on her laptop
        await profiles.save_language(SIAN, Lang.CY)
        await profiles.save_contact(read_by_the_phone.refreshed('{"x":2}', NOW, SIAN.name))

        loaded = await profiles.get_profile(SIAN)
        assert (loaded.caught_up_at, loaded.language, loaded.conversation_ref) == (NOW, Lang.CY, '{"x":2}')


    async def test_the_time_zone_her_teams_gave_is_kept_until_it_gives_another(self, profiles: UserProfiles) -> None:
        """Written with where to reach her (clientInfo's localTimezone), it stays when a later write gives none (an
        activity without a clientInfo), and a new zone replaces it."""
        await profiles.save_contact(UserProfile(person=CARYS, conversation_ref='{"x":1}', updated_at=NOW,
                                                time_zone="America/New_York"))
        kept = await profiles.get_profile(CARYS)
        await profiles.save_contact(kept.refreshed('{"x":2}', NOW, CARYS.name))
        still = await profiles.get_profile(CARYS)
        await profiles.save_contact(still.refreshed('{"x":2}', NOW, CARYS.name, time_zone="Europe/Madrid"))

        assert (kept.time_zone, still.time_zone) == ("America/New_York", "America/New_York")
        assert not still.needs_refresh('{"x":2}', NOW, time_zone="America/New_York")
        assert still.needs_refresh('{"x":2}', NOW, time_zone="Europe/Madrid")
        assert (await profiles.get_profile(CARYS)).time_zone == "Europe/Madrid"

class OutboxContract:
    """Subclass and provide `outbox`."""

    async def test_enqueue_is_idempotent(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1"), _message("m1"), _message("m2")])

        pending = await outbox.list_for_recipient(SIAN)

        assert sorted(m.message_id for m in pending) == ["m1", "m2"]

    async def test_queuing_several_where_one_is_stored_already_stores_the_others(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])

        await outbox.enqueue([replace(_message("m1"), card={"type": "AdaptiveCard", "n": "changed"}), _message("m2"),
                              _message("m3"), _message("to-carys", recipient=CARYS), _message("m2")])

        pending = {m.message_id: m.card for m in await outbox.list_for_recipient(SIAN)}
        assert pending == {"m1": {"type": "AdaptiveCard", "n": "m1"}, "m2": {"type": "AdaptiveCard", "n": "m2"},
                           "m3": {"type": "AdaptiveCard", "n": "m3"}}
        assert [m.message_id for m in await outbox.list_for_recipient(CARYS)] == ["to-carys"]

    async def test_a_card_in_both_languages_is_kept_in_both_and_a_card_in_one_is_that_one_in_either(
            self, outbox: Outbox) -> None:
        """A campaign queued before its recipients opened the bot: their language is chosen when it is sent."""
        english, welsh = {"type": "AdaptiveCard", "n": "en"}, {"type": "AdaptiveCard", "n": "cy"}
        await outbox.enqueue([replace(_message("both"), card=english, card_cy=welsh), _message("one")])

        pending = {m.message_id: m for m in await outbox.list_for_recipient(SIAN)}

        assert [pending["both"].card_in(lang) for lang in (Lang.EN, Lang.CY)] == [english, welsh]
        assert [pending["one"].card_in(lang) for lang in (Lang.EN, Lang.CY)] == [pending["one"].card] * 2

    async def test_the_notification_line_is_kept_in_the_language_its_card_is_sent_in(self, outbox: Outbox) -> None:
        """A campaign's line for the lock screen goes out in the language its card does; a message queued before
        messages had one still shows Teams' own "Sent a card"."""
        english, welsh = {"type": "AdaptiveCard", "n": "en"}, {"type": "AdaptiveCard", "n": "cy"}
        await outbox.enqueue([replace(_message("both"), card=english, card_cy=welsh, preview="Please read it.",
                                      preview_cy="Darllenwch hi."), _message("none")])

        pending = {m.message_id: m for m in await outbox.list_for_recipient(SIAN)}

        assert [pending["both"].preview_in(lang) for lang in Lang] == ["Please read it.", "Darllenwch hi."]
        assert [pending["none"].preview_in(lang) for lang in Lang] == ["", ""]

    async def test_only_one_of_two_senders_claims(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [message] = await outbox.list_for_recipient(SIAN)

        results = await asyncio.gather(outbox.claim(message, NOW), outbox.claim(message, NOW),
                                       return_exceptions=True)

        assert sum(isinstance(r, OutboundMessage) for r in results) == 1
        assert sum(isinstance(r, ConcurrentChange) for r in results) == 1

    async def test_sent_messages_leave_the_queue(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [message] = await outbox.list_for_recipient(SIAN)
        claimed = await outbox.claim(message, NOW)

        await outbox.mark_sent(claimed)

        assert await outbox.list_for_recipient(SIAN) == []
        assert await outbox.list_due(NOW) == []

    async def test_a_message_queued_again_after_it_was_sent_is_not_sent_again(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [message] = await outbox.list_for_recipient(SIAN)
        await outbox.mark_sent(await outbox.claim(message, NOW))

        await outbox.enqueue([_message("m1")])
        again = await outbox.list_for_recipient(SIAN) + await outbox.list_due(NOW)

        for queued in again:
            with pytest.raises(RecordNotFound):
                await outbox.claim(queued, NOW)
        assert await outbox.list_for_recipient(SIAN) == []
        assert await outbox.list_due(NOW) == []

    async def test_released_message_waits_for_its_time(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [message] = await outbox.list_for_recipient(SIAN)
        claimed = await outbox.claim(message, NOW)

        await outbox.release(claimed.retry_later(NOW, "503"))
        [back] = await outbox.list_for_recipient(SIAN)

        assert back.state is DeliveryState.PENDING
        assert back.attempts == 1
        assert await outbox.list_due(NOW) == []
        assert [m.message_id for m in await outbox.list_due(NOW + timedelta(hours=1))] == ["m1"]

    async def test_slots_remember_where_a_card_was_posted(self, outbox: Outbox) -> None:
        with pytest.raises(RecordNotFound):
            await outbox.get_slot(SIAN, "perm-1|head")

        await outbox.save_slot(CardSlot(SIAN, "perm-1|head", "activity-9", "a:conv"))

        assert (await outbox.get_slot(SIAN, "perm-1|head")).activity_id == "activity-9"


    async def test_what_is_owed_comes_with_the_slots_of_its_cards(self, outbox: Outbox) -> None:
        later = [replace(_message(f"m{n}", card_key=key), created_at=NOW + timedelta(seconds=n))
                 for n, key in enumerate(["perm-1|head", "perm-2|head", "", "perm-1|head"])]
        await outbox.enqueue(later[::-1])
        await outbox.enqueue([_message("to-carys", card_key="perm-2|head", recipient=CARYS)])
        await outbox.save_slot(CardSlot(SIAN, "perm-1|head", "activity-1", "a:conv"))
        await outbox.save_slot(CardSlot(SIAN, "perm-9|head", "activity-9", "a:conv"))  # no message of its own
        await outbox.save_slot(CardSlot(CARYS, "perm-2|head", "activity-c", "a:conv"))  # someone else's

        owed = await outbox.owed_to(SIAN)

        assert [m.message_id for m in owed.messages] == ["m0", "m1", "m2", "m3"]  # oldest first
        assert {key: slot.activity_id for key, slot in owed.slots.items()} == {"perm-1|head": "activity-1"}
        assert owed.slots["perm-1|head"] == CardSlot(SIAN, "perm-1|head", "activity-1", "a:conv")

    async def test_what_is_owed_has_the_slots_of_many_cards(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message(f"m{n}", card_key=f"perm-{n}|head") for n in range(40)])
        for n in range(0, 40, 3):
            await outbox.save_slot(CardSlot(SIAN, f"perm-{n}|head", f"activity-{n}"))

        owed = await outbox.owed_to(SIAN)

        assert len(owed.messages) == 40
        assert {key: slot.activity_id for key, slot in owed.slots.items()} == {
            f"perm-{n}|head": f"activity-{n}" for n in range(0, 40, 3)}

    async def test_what_is_owed_leaves_out_a_copy_queued_again_after_it_was_sent(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message(f"m{n}") for n in range(20)])
        for message in (await outbox.owed_to(SIAN)).messages[::2]:
            await outbox.mark_sent(await outbox.claim(message, NOW, checked=True))

        await outbox.enqueue([_message(f"m{n}") for n in range(20)])
        owed = await outbox.owed_to(SIAN)

        assert sorted(m.message_id for m in owed.messages) == sorted(f"m{n}" for n in range(1, 20, 2))
        assert sorted(m.message_id for m in await outbox.list_for_recipient(SIAN)) == sorted(
            f"m{n}" for n in range(1, 20, 2))  # the copies were dropped

    async def test_a_message_sent_after_it_was_read_as_owed_is_not_claimed_again(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1")])
        [read] = (await outbox.owed_to(SIAN)).messages
        [listed] = await outbox.list_due(NOW)
        await outbox.mark_sent(await outbox.claim(listed, NOW))  # another sender, meanwhile
        await outbox.enqueue([_message("m1")])  # and a flow queues it again

        with pytest.raises(ConcurrentChange):
            await outbox.claim(read, NOW, checked=True)

    async def test_a_sent_card_keeps_its_new_place(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1", card_key="perm-1|head")])
        [message] = (await outbox.owed_to(SIAN)).messages
        claimed = await outbox.claim(message, NOW, checked=True)

        await outbox.mark_sent(claimed, slot=CardSlot(SIAN, "perm-1|head", "activity-2", "a:conv"))

        assert (await outbox.get_slot(SIAN, "perm-1|head")).activity_id == "activity-2"
        assert await outbox.owed_to(SIAN) == Owed([], {})

    async def test_a_sent_card_keeps_its_new_place_when_the_lease_ran_out(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("m1", card_key="perm-1|head"), _message("m2", card_key="perm-2|head")])
        [first, second] = (await outbox.owed_to(SIAN)).messages
        slow_first = await outbox.claim(first, NOW, lease=timedelta(seconds=1), checked=True)
        slow_second = await outbox.claim(second, NOW, lease=timedelta(seconds=1), checked=True)
        later = NOW + timedelta(seconds=2)
        for expired in await outbox.list_due(later):  # another sender takes both over; it finishes the second
            taken = await outbox.claim(expired, later)
            if taken.message_id == "m2":
                await outbox.mark_sent(taken)

        with pytest.raises(ConcurrentChange):
            await outbox.mark_sent(slow_first, slot=CardSlot(SIAN, "perm-1|head", "activity-1"))
        await outbox.mark_sent(slow_second, slot=CardSlot(SIAN, "perm-2|head", "activity-2"))  # gone: no error

        assert (await outbox.get_slot(SIAN, "perm-1|head")).activity_id == "activity-1"
        assert (await outbox.get_slot(SIAN, "perm-2|head")).activity_id == "activity-2"
        assert [m.message_id for m in await outbox.list_for_recipient(SIAN)] == ["m1"]  # the other sender's now

    async def test_a_card_recalled_from_people_it_is_no_longer_for_never_reaches_them(self, outbox: Outbox) -> None:
        """A request's card queued for a head who has since left the post (she never opened the bot)."""
        gareth = replace(SIAN, aad_object_id="a1000000-0000-4000-8000-000000000004", name="Gareth Hughes")
        await outbox.enqueue([_message("to-sian", card_key="P-1|decide"), _message("other", card_key="P-2|decide"),
                              _message("to-gareth", card_key="P-1|decide", recipient=gareth)])
        [on_its_way] = await outbox.list_for_recipient(gareth)
        await outbox.claim(on_its_way, NOW)  # a sender has the new head's copy at this moment

        recalled = await outbox.recall("P-1|decide", keep=[CARYS])

        assert recalled == 1
        assert [m.message_id for m in (await outbox.owed_to(SIAN)).messages] == ["other"]
        assert sorted(m.message_id for m in await outbox.list_due(NOW + timedelta(hours=1))) == ["other", "to-gareth"]

    async def test_a_recalled_card_queued_again_for_its_person_reaches_them(self, outbox: Outbox) -> None:
        """Recalled is not sent: if the settings name her again, her card is queued anew and goes."""
        await outbox.enqueue([_message("to-sian", card_key="P-1|decide"), _message("to-carys", card_key="P-1|decide",
                                                                                    recipient=CARYS)])

        await outbox.recall("P-1|decide", keep=[CARYS])
        await outbox.enqueue([_message("to-sian", card_key="P-1|decide")])

        assert [m.message_id for m in (await outbox.owed_to(SIAN)).messages] == ["to-sian"]
        assert [m.message_id for m in (await outbox.owed_to(CARYS)).messages] == ["to-carys"]

    async def test_messages_taken_back_before_a_sender_has_them_never_go(self, outbox: Outbox) -> None:
        """A change undone after a fault: what it had queued is taken back (one never stored is no matter), and a
        message queued again later, when the change is made after all, goes."""
        await outbox.enqueue([_message("C-1|escalated", card_key="C-1|sian"), _message("C-1|note", recipient=CARYS)])

        taken = await outbox.take_back([_message("C-1|escalated", card_key="C-1|sian"),
                                        _message("C-1|note", recipient=CARYS), _message("C-1|never-stored")])
        left = await outbox.list_due(NOW + timedelta(hours=1))
        await outbox.enqueue([_message("C-1|escalated", card_key="C-1|sian")])

        assert taken is True and left == []
        assert [m.message_id for m in (await outbox.owed_to(SIAN)).messages] == ["C-1|escalated"]

    async def test_a_message_a_sender_holds_or_has_sent_is_not_taken_back(self, outbox: Outbox) -> None:
        await outbox.enqueue([_message("on-its-way"), _message("sent"), _message("waiting", recipient=CARYS)])
        listed = {m.message_id: m for m in await outbox.list_for_recipient(SIAN)}
        await outbox.claim(listed["on-its-way"], NOW)
        await outbox.mark_sent(await outbox.claim(listed["sent"], NOW))

        held = await outbox.take_back([_message("on-its-way")])
        sent = await outbox.take_back([_message("sent")])
        some = await outbox.take_back([_message("waiting", recipient=CARYS), _message("on-its-way")])

        assert (held, sent, some) == (False, False, False)
        assert [m.message_id for m in await outbox.list_for_recipient(SIAN)] == ["on-its-way"]  # still on its way
        assert await outbox.list_for_recipient(CARYS) == []  # what could be taken back was


    async def test_a_message_discarded_by_the_sender_holding_it_goes_when_queued_again(self, outbox: Outbox) -> None:
        """A card withheld as it was to go (its version replaced) leaves the queue unsent and unremembered: owed again
        (a rollback), it goes. A sender whose lease ran out cannot discard it from under the one that took it over."""
        await outbox.enqueue([_message("policy|00002|read|a1"), _message("stale")])
        listed = {m.message_id: m for m in await outbox.list_for_recipient(SIAN)}
        held = await outbox.claim(listed["policy|00002|read|a1"], NOW)
        stale = await outbox.claim(listed["stale"], NOW, lease=timedelta(seconds=1))
        taken_over = await outbox.claim(
            next(m for m in await outbox.list_due(NOW + timedelta(seconds=2)) if m.message_id == "stale"),
            NOW + timedelta(seconds=2))

        await outbox.discard(held)
        with pytest.raises(ConcurrentChange):
            await outbox.discard(stale)
        await outbox.enqueue([_message("policy|00002|read|a1")])

        assert sorted(m.message_id for m in (await outbox.owed_to(SIAN)).messages) == ["policy|00002|read|a1", "stale"]
        await outbox.mark_sent(taken_over)


class TestUserProfiles(UserProfilesContract):
    @pytest.fixture
    async def profiles(self, backend: Backend) -> UserProfiles:
        return await backend.profiles()


class TestOutbox(OutboxContract):
    @pytest.fixture
    async def outbox(self, backend: Backend) -> Outbox:
        return await backend.outbox()


async def test_a_sent_message_leaves_the_table_the_sender_scans(backend: Backend) -> None:
    outbox = await backend.outbox()
    await outbox.enqueue([_message("m1"), _message("m2")])
    [first, _] = await outbox.list_due(NOW)

    await outbox.mark_sent(await outbox.claim(first, NOW))

    assert await backend.queued_messages() == ["m2"]
    assert await backend.sent_messages() == ["m1"]


async def test_two_instances_send_each_message_once_even_when_it_is_queued_again(backend: Backend) -> None:
    mine = await backend.outbox()
    await mine.enqueue([_message(f"m{i}") for i in range(6)])
    sent: list[str] = []

    async def sender(outbox: Outbox) -> None:
        for message in await outbox.list_due(NOW):
            try:
                claimed = await outbox.claim(message, NOW)
            except (ConcurrentChange, RecordNotFound):
                continue
            sent.append(claimed.message_id)
            await outbox.enqueue([_message(claimed.message_id)])  # a flow queues it again meanwhile: no-op
            await outbox.mark_sent(claimed)

    async with backend.other() as other:
        other_instance = await other.outbox()
        await asyncio.gather(sender(mine), sender(other_instance))
        await other_instance.enqueue([_message(f"m{i}") for i in range(6)])  # and again, after it was sent
        await asyncio.gather(sender(mine), sender(other_instance))

    assert sorted(sent) == [f"m{i}" for i in range(6)]
    assert await backend.queued_messages() == []


async def test_a_message_another_instance_took_over_does_not_vanish_under_it(backend: Backend) -> None:
    mine = await backend.outbox()
    await mine.enqueue([_message("m1")])
    [message] = await mine.list_due(NOW)
    slow = await mine.claim(message, NOW, lease=timedelta(seconds=1))  # its lease runs out before it finishes
    async with backend.other() as other:
        other_instance = await other.outbox()
        [expired] = await other_instance.list_due(NOW + timedelta(seconds=2))
        taken_over = await other_instance.claim(expired, NOW + timedelta(seconds=2))

        with pytest.raises(ConcurrentChange):
            await mine.mark_sent(slow)

        assert await backend.queued_messages() == ["m1"]  # still there for the instance holding it
        await other_instance.mark_sent(taken_over)
    assert await backend.queued_messages() == []


async def test_sent_rows_from_before_the_move_leave_on_the_next_scan(backend: Backend) -> None:
    outbox = await backend.outbox()
    await outbox.enqueue([_message("old"), _message("new")])
    [old] = [m for m in await outbox.list_for_recipient(SIAN) if m.message_id == "old"]
    await outbox.release(replace(old, state=DeliveryState.SENT))  # how a sent row used to be kept

    due = await outbox.list_due(NOW)
    await outbox.enqueue([_message("old")])

    assert [m.message_id for m in due] == ["new"]
    assert await backend.sent_messages() == ["old"]
    [queued_again] = [m for m in await outbox.list_for_recipient(SIAN) if m.message_id == "old"]
    with pytest.raises(RecordNotFound):
        await outbox.claim(queued_again, NOW)
