"""Policy versions and read confirmations: a version is stored whole or not at all, the pointer
moves only from what was seen, a policy larger than one property is kept in chunks, a confirmation is kept once. Each
runs on Tables (Azurite) and in memory."""

from __future__ import annotations

import asyncio
import random
import string
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from azure.data.tables.aio import TableClient

from bot.domain.errors import ConcurrentChange, RecordExists, RecordNotFound
from bot.domain.people import Person
from bot.domain.policy_reads import AlreadyConfirmed, AskedStaff, Withheld, WithheldBecause
from bot.domain.policy_versions import Draft, PolicyChanges, PolicyTooLarge, PolicyVersion, SectionChange
from bot.policy.loader import load_policy_data
from tests.storage.conftest import Backend, opened_tables

NOW = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)
CARYS = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000001", "Carys Jenkins")
OWAIN = Person("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b", "a1000000-0000-4000-8000-000000000002", "Owain Pritchard")


def _record(version: str, *, sha: str = "a" * 64, changes: PolicyChanges | None = None) -> PolicyVersion:
    return PolicyVersion(version=version, sha256=sha, title="Social Media Policy for Staff", published_at=NOW,
                         published_by="Mrs Siân Roberts", published_by_id="a3", file="policy.docx",
                         changes=changes or PolicyChanges())


def _bulky(kilobytes: int) -> dict[str, Any]:
    """A valid policy whose text does not compress away (random words), about `kilobytes` KB."""
    rng = random.Random(7)
    passages = [{"id": f"s.{n}", "text": " ".join("".join(rng.choices(string.ascii_lowercase, k=8))
                                                  for _ in range(60))} for n in range(1, kilobytes * 2)]
    return {"title_en": "Bulky", "version": "9", "sections": [{"id": "s", "heading_en": "S", "passages": passages}]}


async def test_a_version_round_trips_and_becomes_current_with_its_campaign_owed(backend: Backend) -> None:
    versions = await backend.policy_versions()
    shipped = load_policy_data()
    changes = PolicyChanges("1", (SectionChange("added", "ai", "Generative AI tools", added=2),), welsh=3)

    await versions.publish(_record("2", changes=changes), shipped, expected=None)
    pointer = await versions.get_pointer()

    assert pointer is not None and pointer.version == "2" and pointer.marker
    assert await versions.get_policy_data("2") == shipped
    assert (await versions.get("2")).changes == changes
    assert await versions.list_owed_campaigns() == ["2"]
    await versions.campaign_queued("2")
    await versions.campaign_queued("2")  # already gone is fine
    assert await versions.list_owed_campaigns() == []


async def test_a_policy_larger_than_a_property_is_kept_in_chunks(backend: Backend) -> None:
    versions = await backend.policy_versions()
    bulky = _bulky(400)

    await versions.publish(_record("9"), bulky, expected=None)

    chunks = await backend.policy_chunks()
    assert len(chunks) >= 4 and all(len(chunk) <= 60_000 for chunk in chunks)
    assert await versions.get_policy_data("9") == bulky


async def test_a_policy_too_large_for_one_transaction_is_refused_before_anything_is_written(backend: Backend) -> None:
    versions = await backend.policy_versions()

    with pytest.raises(PolicyTooLarge):
        await versions.publish(_record("9"), _bulky(4000), expected=None)

    assert await backend.policy_rows() == []


async def test_a_stale_pointer_rolls_the_whole_version_back(backend: Backend) -> None:
    versions = await backend.policy_versions()
    await versions.publish(_record("2"), load_policy_data(), expected=None)
    seen = await versions.get_pointer()
    await versions.make_current("2", by="someone else", expected=seen)  # the pointer moves meanwhile
    before = await backend.policy_rows()

    with pytest.raises(ConcurrentChange):
        await versions.publish(_record("3", sha="b" * 64), _bulky(200), expected=seen)
    with pytest.raises(RecordExists):
        await versions.publish(_record("4", sha="c" * 64), load_policy_data(), expected=None)

    assert await backend.policy_rows() == before
    assert [v.version for v in await versions.list_versions()] == ["2"]
    with pytest.raises(RecordNotFound):
        await versions.get_policy_data("3")


async def test_two_publishers_at_once_exactly_one_wins(backend: Backend) -> None:
    versions = await backend.policy_versions()
    await versions.publish(_record("2"), load_policy_data(), expected=None)
    seen = await versions.get_pointer()

    results = await asyncio.gather(
        versions.publish(_record("3", sha="b" * 64), load_policy_data(), expected=seen),
        versions.publish(_record("4", sha="c" * 64), load_policy_data(), expected=seen), return_exceptions=True)

    assert sorted(type(r).__name__ for r in results) == ["ConcurrentChange", "NoneType"]
    assert len(await versions.list_versions()) == 2


async def test_the_pointer_keeps_the_version_in_force_before_it_moved(backend: Backend) -> None:
    """What Withdraw on the card of a version sent again goes back to: the version it replaced this time (3 made
    current again after a rollback to 1 replaced 1, not the 2 it replaced when first published)."""
    versions = await backend.policy_versions()
    shipped = load_policy_data()
    await versions.publish(_record("2", sha="b" * 64, changes=PolicyChanges("1")), shipped, expected=None)
    first = await versions.get_pointer()
    await versions.publish(_record("3", sha="c" * 64, changes=PolicyChanges("2")), shipped, expected=first)
    published = await versions.get_pointer()
    await versions.make_current("2", by="Mrs Siân Roberts", expected=published)
    rolled = await versions.get_pointer()
    await versions.make_current("3", by="Mrs Siân Roberts", expected=rolled)

    again = await versions.get_pointer()
    assert first is not None and first.previous == "1"
    assert published is not None and published.previous == "2"
    assert rolled is not None and (rolled.version, rolled.previous) == ("2", "3")
    assert again is not None and (again.version, again.previous) == ("3", "2")


async def test_versions_list_in_order_and_the_shipped_one_is_kept_beside_the_first(backend: Backend) -> None:
    versions = await backend.policy_versions()
    shipped = replace(_record("1", sha="s" * 64), published_by="shipped with the bot", campaign=False)
    await versions.publish(_record("2"), load_policy_data(), expected=None, earlier=(shipped, load_policy_data()))
    await versions.publish(_record("10", sha="b" * 64), load_policy_data(), expected=await versions.get_pointer())
    await versions.publish(_record("2.1", sha="c" * 64), load_policy_data(), expected=await versions.get_pointer())

    await versions.make_current("1", by="Siân", expected=await versions.get_pointer())

    listed = await versions.list_versions()
    assert [v.version for v in listed] == ["1", "2", "2.1", "10"]
    assert [v.campaign for v in listed] == [False, True, True, True]
    assert (await versions.get_pointer()).version == "1"  # type: ignore[union-attr]
    # Made current again, version 1 owes its queue settled: the other versions' waiting cards taken back.
    assert sorted(await versions.list_owed_campaigns()) == ["1", "10", "2", "2.1"]
    with pytest.raises(RecordNotFound):
        await versions.make_current("7", by="Siân", expected=None)


async def test_a_draft_is_kept_until_deleted(backend: Backend) -> None:
    versions = await backend.policy_versions()
    draft = Draft("D-0123456789abcdef", _bulky(150), ("a note",), "a3", NOW)

    await versions.save_draft(draft)
    kept = await versions.get_draft(draft.draft_id)
    await versions.delete_draft(draft.draft_id)
    await versions.delete_draft(draft.draft_id)

    assert kept == draft
    with pytest.raises(RecordNotFound):
        await versions.get_draft(draft.draft_id)
    assert await backend.policy_rows() == []


async def test_a_confirmation_is_kept_once_and_a_reminder_marked_once(backend: Backend) -> None:
    reads = await backend.policy_reads()
    asked = AskedStaff("carys.jenkins@llanidloes.example.cymru", "Carys Jenkins", "high", CARYS.aad_object_id, NOW)
    await reads.add_asked("2", asked)
    await reads.add_asked("2", replace(asked, asked_at=NOW + timedelta(days=3)))  # the first time stands

    first = await reads.confirm("2", CARYS, NOW + timedelta(hours=1))
    with pytest.raises(AlreadyConfirmed) as again:
        await reads.confirm("2", CARYS, NOW + timedelta(hours=2))
    [stored] = await reads.list_asked("2")
    await reads.mark_reminded("2", stored, NOW + timedelta(days=7))
    with pytest.raises(ConcurrentChange):
        await reads.mark_reminded("2", stored, NOW + timedelta(days=8))

    assert stored.asked_at == NOW
    assert again.value.confirmation.read_at == first.read_at == NOW + timedelta(hours=1)
    assert [c.person.name for c in await reads.list_confirmed("2")] == ["Carys Jenkins"]
    assert await reads.list_confirmed("3") == []
    assert (await reads.list_asked("2"))[0].reminded_at == NOW + timedelta(days=7)
    assert (await reads.list_asked("2"))[0].reminders == 1


async def test_each_reminders_time_is_kept_and_a_card_withheld_is_recorded_once(backend: Backend) -> None:
    """The governors' record says when each reminder was, not only the latest; a card not sent because its
    recipient had confirmed by then is recorded once, however often a sender met it; a confirmation is found by
    its person."""
    reads = await backend.policy_reads()
    await reads.add_asked("2", AskedStaff("carys.jenkins@llanidloes.example.cymru", "Carys Jenkins", "high",
                                          CARYS.aad_object_id, NOW))
    for days in (7, 9, 12):
        [asked] = await reads.list_asked("2")
        await reads.mark_reminded("2", asked, NOW + timedelta(days=days))
    await reads.confirm("2", CARYS, NOW + timedelta(days=12, hours=1))
    for _ in range(2):
        await reads.add_withheld("2", Withheld(CARYS, 3, NOW + timedelta(days=12, hours=2), "policy|00002|remind3|x"))
    await reads.add_withheld("2", Withheld(OWAIN, 0, NOW + timedelta(days=13), because=WithheldBecause.REPLACED))

    [asked] = await reads.list_asked("2")
    found = await reads.get_confirmation("2.0", CARYS)
    with pytest.raises(RecordNotFound):
        await reads.get_confirmation("2", OWAIN)
    with pytest.raises(RecordNotFound):
        await reads.get_confirmation("3", CARYS)

    assert asked.reminders == 3 and asked.reminded_at == NOW + timedelta(days=12)
    assert asked.each_reminder() == tuple(NOW + timedelta(days=d) for d in (7, 9, 12))
    assert found.read_at == NOW + timedelta(days=12, hours=1)
    assert [(w.person.name, w.number, w.at, w.because) for w in await reads.list_withheld("2")] == [
        ("Carys Jenkins", 3, NOW + timedelta(days=12, hours=2), WithheldBecause.CONFIRMED),
        ("Owain Pritchard", 0, NOW + timedelta(days=13), WithheldBecause.REPLACED)]
    assert await reads.list_withheld("3") == []


async def test_a_card_withheld_owed_again_is_marked_and_withheld_again_it_is_the_new_withholding_that_stands(
        backend: Backend) -> None:
    """Owain's card held back while he was off the staff list is owed again when he is put back (marked once, so the
    periodic pass queues it once); should he be taken off again before it goes, that withholding is recorded afresh."""
    reads = await backend.policy_reads()
    first = Withheld(OWAIN, 0, NOW, "policy|00002|read|x", because=WithheldBecause.LEFT)
    await reads.add_withheld("2", first)
    await reads.owe_again("2", first, NOW + timedelta(hours=6))
    [owed] = await reads.list_withheld("2")
    await reads.add_withheld("2", replace(first, at=NOW + timedelta(days=2)))
    [again] = await reads.list_withheld("2")
    await reads.add_withheld("2", replace(first, at=NOW + timedelta(days=3)))  # not owed since: the last stands
    await reads.owe_again("3", first, NOW)  # none there: no matter

    assert owed.owed_again_at == NOW + timedelta(hours=6) and owed.at == NOW
    assert again.owed_again_at is None and again.at == NOW + timedelta(days=2) and again.because is WithheldBecause.LEFT
    assert [w.at for w in await reads.list_withheld("2")] == [NOW + timedelta(days=2)]
    assert await reads.list_withheld("3") == []


async def test_a_member_recorded_before_their_entra_id_was_on_the_list_counts_as_asked_when_reached(
        backend: Backend) -> None:
    reads = await backend.policy_reads()
    unreachable = AskedStaff("owain.pritchard@llanidloes.example.cymru", "Owain Pritchard", "high", "", NOW)
    await reads.add_asked("2", unreachable)  # as an earlier bot recorded staff it could not reach
    await reads.add_asked("2", replace(unreachable, object_id=OWAIN.aad_object_id, asked_at=NOW + timedelta(days=2)))
    await reads.add_asked("2", replace(unreachable, object_id=OWAIN.aad_object_id, asked_at=NOW + timedelta(days=3)))
    await reads.add_asked("2", replace(unreachable, asked_at=NOW + timedelta(days=4)))

    [stored] = await reads.list_asked("2")
    assert stored.object_id == OWAIN.aad_object_id and stored.asked_at == NOW + timedelta(days=2)


async def test_a_new_starter_given_a_leavers_address_is_recorded_as_asked_and_reminded_on_their_own_row(
        backend: Backend) -> None:
    """Owain left after he was asked; the office gave his address to Owen, who started since. Owen's card is queued
    (he is a new Entra id), so he must be recorded as asked, or the periodic pass asks him at every run and he is
    never reminded."""
    reads = await backend.policy_reads()
    email = "owain.pritchard@llanidloes.example.cymru"
    await reads.add_asked("2", AskedStaff(email, "Owain Pritchard", "primary", OWAIN.aad_object_id, NOW))
    owen = AskedStaff(email, "Owen Price", "primary", "a1000000-0000-4000-8000-000000000009", NOW + timedelta(days=30))
    await reads.add_asked("2", owen)
    await reads.add_asked("2", replace(owen, asked_at=NOW + timedelta(days=31)))  # his first time stands

    asked = {a.name: a for a in await reads.list_asked("2")}
    await reads.mark_reminded("2", asked["Owen Price"], NOW + timedelta(days=40))
    after = {a.name: a for a in await reads.list_asked("2")}

    assert sorted(asked) == ["Owain Pritchard", "Owen Price"]
    assert asked["Owen Price"].object_id == owen.object_id and asked["Owen Price"].asked_at == owen.asked_at
    assert after["Owen Price"].reminded_at == NOW + timedelta(days=40) and after["Owain Pritchard"].reminded_at is None


async def test_a_member_asked_under_a_key_made_before_todays_escaping_is_reminded_on_that_row(
        azurite: str, table_prefix: str) -> None:
    # Before keys escaped "#" as "!23", it became "_": a campaign under way at the upgrade keeps such rows.
    async with opened_tables(azurite, table_prefix) as tables:
        reads = await tables.policy_reads()
        await reads.add_asked("2", AskedStaff("carys.jenkins@llanidloes.example.cymru", "Carys Jenkins", "high",
                                              CARYS.aad_object_id, NOW))
        async with TableClient.from_connection_string(azurite, table_prefix + "policyreads") as raw:
            await raw.create_entity({
                "PartitionKey": "v|00002", "RowKey": "asked|dai_jones@llanidloes.example.cymru",
                "Email": "dai#jones@llanidloes.example.cymru", "Name": "Dai Jones", "School": "high",
                "ObjectId": OWAIN.aad_object_id, "AskedAt": NOW})

        for asked in await reads.list_asked("2"):
            await reads.mark_reminded("2", asked, NOW + timedelta(days=7))

        rows = await reads.list_asked("2")
        assert sorted(a.name for a in rows) == ["Carys Jenkins", "Dai Jones"]  # no second row for Dai
        assert [a.reminded_at for a in rows] == [NOW + timedelta(days=7)] * 2


async def test_each_reminder_is_counted_on_the_asked_row_and_a_row_from_before_counts_its_one(
        azurite: str, table_prefix: str) -> None:
    """The head may now remind again, and each reminder has its own message id by its number: a row kept before then
    has its one reminder in RemindedAt alone, and must count it, or the head's next reminder would reuse its id (a
    message sent already: never sent again)."""
    async with opened_tables(azurite, table_prefix) as tables:
        reads = await tables.policy_reads()
        await reads.add_asked("2", AskedStaff("carys.jenkins@llanidloes.example.cymru", "Carys Jenkins", "high",
                                              CARYS.aad_object_id, NOW))
        async with TableClient.from_connection_string(azurite, table_prefix + "policyreads") as raw:
            await raw.create_entity({
                "PartitionKey": "v|00002", "RowKey": "asked|owain.pritchard@llanidloes.example.cymru",
                "Email": "owain.pritchard@llanidloes.example.cymru", "Name": "Owain Pritchard", "School": "primary",
                "ObjectId": OWAIN.aad_object_id, "AskedAt": NOW, "RemindedAt": NOW + timedelta(days=7)})

        before = {a.name: a.reminders for a in await reads.list_asked("2")}
        for asked in await reads.list_asked("2"):
            await reads.mark_reminded("2", asked, NOW + timedelta(days=14))
        after = {a.name: a.reminders for a in await reads.list_asked("2")}

        times = {a.name: a.each_reminder() for a in await reads.list_asked("2")}

    assert before == {"Carys Jenkins": 0, "Owain Pritchard": 1}
    assert after == {"Carys Jenkins": 1, "Owain Pritchard": 2}
    assert times == {"Carys Jenkins": (NOW + timedelta(days=14),),
                     "Owain Pritchard": (NOW + timedelta(days=7), NOW + timedelta(days=14))}
