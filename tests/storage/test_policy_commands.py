"""`publish-policy` and `policy-versions` as IT runs them, against Azurite: the version in force is the one stored,
else the policy file the bot ships with, whatever POLICY_FILE the shell still has from checking a new version."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from azure.data.tables import UpdateMode

from bot.domain.people import Lang, Person
from bot.domain.policy_versions import CurrentPointer
from bot.domain.uk_time import in_uk
from bot.policy.documents import read_source
from bot.policy.loader import DEFAULT_POLICY_FILE, load_policy, load_policy_data
from bot.policy_commands import TABLES, policy_versions_command, publish_policy_command, rollback_policy_command
from bot.storage.directory import TableStaffDirectory
from bot.storage.outbox import TableOutbox
from bot.storage.policy_reads import TablePolicyReads
from bot.storage.policy_versions import TablePolicyVersions
from bot.storage.tables import TableStore, service_client
from cards.i18n import load_catalogue
from tests.support.activities import TENANT
from tests.support.concerns import import_staff
from tests.support.faults import storage_refusing_access
from tests.support.policies import write_revised
from tests.support.terminal import Terminal


@pytest.fixture
async def store(azurite: str, table_prefix: str) -> AsyncIterator[TableStore]:
    async with service_client(connection_string=azurite, endpoint="", credential=None, timeout=5) as service:
        yield TableStore(service, prefix=table_prefix, timeout=5)


def _checked_policy_file(folder: Path) -> Path:
    """policy-2026.json as `import-policy` writes it from the revised document (version 2)."""
    out = folder / "policy-2026.json"
    data = read_source(write_revised(folder), load_policy()).data
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return out


async def test_a_policy_file_left_set_from_checking_is_not_taken_for_the_version_in_force(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """IT checked policy-2026.json with POLICY_FILE and left it set: `policy-versions` said the bot answers from
    version 2 and publishing that very file was refused as "already the current version (2)", while nothing was
    stored and the bot answered from the shipped version 1 (a different version 2 was published with no version 1
    kept to roll back to)."""
    checked = _checked_policy_file(tmp_path)
    monkeypatch.setenv("POLICY_FILE", str(checked))

    listed_code = await asyncio.to_thread(policy_versions_command, [])
    listed = capsys.readouterr()
    published_code = await asyncio.to_thread(publish_policy_command, [str(checked), "--yes"])
    published = capsys.readouterr()

    assert listed_code == 0
    assert f"the bot answers from {DEFAULT_POLICY_FILE} (version 1)" in listed.out
    assert f"POLICY_FILE names {checked} (version 2)" in listed.err
    assert published_code == 0, published.err
    assert "published version 2" in published.out
    assert f"POLICY_FILE names {checked} (version 2)" in published.err
    versions = TablePolicyVersions(store)
    assert [v.version for v in await versions.list_versions()] == ["1", "2"]
    assert await versions.get_policy_data("1") == load_policy_data(DEFAULT_POLICY_FILE)


async def test_no_note_when_policy_file_names_the_file_the_bot_ships_with(
        tool_environment: None, store: TableStore, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POLICY_FILE", str(DEFAULT_POLICY_FILE))

    code = await asyncio.to_thread(policy_versions_command, [])

    shown = capsys.readouterr()
    assert code == 0 and "POLICY_FILE" not in shown.err
    assert f"the bot answers from {DEFAULT_POLICY_FILE} (version 1)" in shown.out


async def test_a_mistyped_file_name_is_said_before_storage_is_asked_anything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The policy owner typed "Social Media Polciy 2026.docx" on the morning the technician's data role was still
    applying: she was told storage refused access, and looked for the fault there."""
    mistyped = tmp_path / "Social Media Polciy 2026.docx"
    monkeypatch.setenv("APP_ENV", "local")
    async with storage_refusing_access() as (connection_string, asked):
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string)

        code = await asyncio.to_thread(publish_policy_command, [str(mistyped)])

    out, err = capsys.readouterr()
    assert (code, out, asked) == (2, "", [])
    assert err == f"publish-policy: cannot read {mistyped}: No such file or directory; nothing was published\n"


async def test_with_lang_cy_a_mistyped_file_name_is_said_in_welsh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """With `--lang cy` the mistyped name was told in English: `cannot read …: No such file or directory; nothing was
    published`."""
    mistyped = tmp_path / "Polisi Cyfryngau Cymdeithasol 2026.docx"
    monkeypatch.setenv("APP_ENV", "local")
    async with storage_refusing_access() as (connection_string, asked):
        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection_string)

        codes = [await asyncio.to_thread(publish_policy_command, [str(source), "--lang", "cy"])
                 for source in (mistyped, tmp_path)]

    out, err = capsys.readouterr()
    strings = load_catalogue()
    assert (codes, out, asked) == ([2, 2], "", [])
    assert err.splitlines() == [
        "publish-policy: " + strings.text("publish.cmd_cannot_read", Lang.CY, file=source,
                                          reason=strings.text(key, Lang.CY))
        for source, key in ((mistyped, "import.os.no_file"), (tmp_path, "import.os.folder"))]
    assert err.startswith(f"publish-policy: does dim modd darllen {mistyped}: does dim ffeil "), err
    assert err.splitlines()[1].endswith("; chafodd dim byd ei gyhoeddi"), err


async def test_policy_versions_says_when_a_version_was_published_in_uk_time(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Published at 00:30 on 1 September (BST), version 2 was listed "published 2026-08-31 23:30": before its own date
    of issue, and an hour off the "about" card and the exports, which give UK time."""
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path)), "--yes"]) == 0
    async with store.call():
        [version_2] = [row async for row in store.table("policies").list_entities()
                       if row["RowKey"].startswith("version|") and row.get("Version") == "2"]
        await store.table("policies").update_entity(
            {"PartitionKey": version_2["PartitionKey"], "RowKey": version_2["RowKey"],
             "PublishedAt": datetime(2026, 8, 31, 23, 30, tzinfo=UTC)}, mode=UpdateMode.MERGE)
    capsys.readouterr()

    code = await asyncio.to_thread(policy_versions_command, [])

    [line] = [line for line in capsys.readouterr().out.splitlines() if "version 2 " in line]
    assert code == 0
    assert "issued 2026-09-01  published 2026-09-01 00:30 by " in line, line


async def test_a_heading_a_version_in_between_dropped_gets_its_welsh_back_when_it_returns(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Version 2 renamed "Legislation" to "The law"; version 3 went back to "Legislation". Its Welsh heading
    ("Deddfwriaeth", in the version the bot was installed with) was lent only by the version in force, which no longer
    had it: Welsh cards showed "Legislation" in English, and the preview counted one more heading without Welsh."""
    renamed = write_revised(tmp_path, "v2.txt", renamed={"Legislation": "The law"})
    restored = write_revised(tmp_path, "v3.txt", version="3", issued="01.09.2027")
    assert await asyncio.to_thread(publish_policy_command, [str(renamed), "--yes"]) == 0
    capsys.readouterr()

    code = await asyncio.to_thread(publish_policy_command, [str(restored), "--yes"])

    err = capsys.readouterr().err
    data = await TablePolicyVersions(store).get_policy_data("3")
    headings = {section["heading_en"]: section.get("heading_cy") for section in data["sections"]}
    assert code == 0
    assert headings["Legislation"] == "Deddfwriaeth"
    assert "1 of 8 headings has no Welsh" in err, err  # the new section on AI tools


async def _the_staff_list(store: TableStore) -> None:
    """The fictional staff list imported (its tables created as the tools create them)."""
    await store.ensure_tables(TABLES)
    await import_staff(store)


@pytest.mark.parametrize("answer", ["", "y", "3"])
async def test_publish_policy_says_who_it_would_ask_and_publishes_nothing_until_confirmed(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], answer: str) -> None:
    """`publish-policy` sent a card to every member of staff on the list the moment it was run: a wrong file, or the
    right one a week early, messaged them all. It now says the version and how many it asks at which schools, and asks
    for the version number; from a script (no terminal) it needs --yes. (In school hours, whenever it runs: cards go at
    once.)"""
    monkeypatch.setenv("SCHOOL_HOURS", "any")
    await _the_staff_list(store)
    document = write_revised(tmp_path)

    from_a_script = await asyncio.to_thread(publish_policy_command, [str(document)])
    script = capsys.readouterr()
    monkeypatch.setattr("sys.stdin", Terminal(answer + "\n"))
    not_confirmed = await asyncio.to_thread(publish_policy_command, [str(document)])
    terminal = capsys.readouterr()

    said = ("publishing version 2 (in place of version 1) sends a card at once to 5 members of staff on the staff "
            "list, asking each to read and confirm it: Llanidloes High School 3, Llanidloes Primary School 2")
    assert (from_a_script, not_confirmed) == (2, 1)
    assert said in script.out and said in terminal.out
    assert "--yes" in script.err
    assert "Type 2 to publish it" in terminal.out
    assert "nothing was published" in terminal.err
    versions = TablePolicyVersions(store)
    assert await versions.get_pointer() is None
    assert await TablePolicyReads(store).list_asked("2") == []


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_publish_policy_run_outside_school_hours_says_when_the_cards_go_before_it_asks(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], lang: str) -> None:
    """Run in the evening, `publish-policy` said it "sends a card at once" to every member of staff and asked for the
    version number, though the cards wait for school hours; only once published did it say when they go. What it says
    before it asks is what it does: no "at once", and when they go."""
    await _the_staff_list(store)
    hour = in_uk(datetime.now(UTC)).hour  # school hours an hour long, starting two hours from now: not now
    monkeypatch.setenv("SCHOOL_HOURS", f"{hour + 2:02d}:00-{hour + 3:02d}:00" if hour <= 20 else "01:00-02:00")

    code = await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path)), "--lang", lang])

    will, *rest = capsys.readouterr().out.splitlines()
    strings = load_catalogue()
    cards_go = strings.text("reads.cards_go", Lang(lang), when="{when}").partition("{when}")[0]
    assert code == 2 and await TablePolicyVersions(store).get_pointer() is None
    assert {"en": "at once", "cy": "ar unwaith"}[lang] not in will, will
    assert [line for line in rest if line.startswith(cards_go)], rest


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_publish_and_rollback_with_yes_run_at_night_say_when_the_cards_go_once(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], lang: str) -> None:
    """`publish-policy --yes` from the office's evening script printed "They go at 08:00 on …" twice, once after what
    it would do and again after what it did, with nothing asked between the two; `rollback-policy 2 --yes` did the
    same. It is said once, after it is done, and still without "at once" before."""
    await _the_staff_list(store)
    hour = in_uk(datetime.now(UTC)).hour  # school hours an hour long, starting two hours from now: not now
    monkeypatch.setenv("SCHOOL_HOURS", f"{hour + 2:02d}:00-{hour + 3:02d}:00" if hour <= 20 else "01:00-02:00")
    strings = load_catalogue()
    cards_go = strings.text("reads.cards_go", Lang(lang), when="{when}").partition("{when}")[0]
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    capsys.readouterr()

    published = await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--yes", "--lang", lang])
    published_lines = capsys.readouterr().out.splitlines()
    rolled_back = await asyncio.to_thread(rollback_policy_command, ["2", "--yes", "--lang", lang])
    rolled_back_lines = capsys.readouterr().out.splitlines()

    assert (published, rolled_back) == (0, 0)
    for lines in (published_lines, rolled_back_lines):
        when = [n for n, line in enumerate(lines) if line.startswith(cards_go)]
        assert when == [len(lines) - 1], lines  # the last line, after what was done
    will = published_lines[0]
    assert {"en": "at once", "cy": "ar unwaith"}[lang] not in will, will
    assert strings.text("publish.cmd_done", Lang(lang), version="3", count=5) in published_lines, published_lines


async def test_publish_policy_publishes_once_the_version_number_is_typed_or_with_yes(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await _the_staff_list(store)
    monkeypatch.setattr("sys.stdin", Terminal("2\n"))

    typed = await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path))])
    out = capsys.readouterr().out
    with_yes = await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--yes"])

    assert (typed, with_yes) == (0, 0)
    assert "published version 2; 5 member(s) of staff asked" in out
    assert (await TablePolicyVersions(store).get_pointer() or CurrentPointer("", "")).version == "3"
    assert len(await TablePolicyReads(store).list_asked("3")) == 5


async def test_rollback_policy_takes_back_the_cards_of_the_version_rolled_back_from(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nobody has opened the bot yet, so every card waits in the outbox. Version 3 was rolled back to 2: each member of
    staff was still owed version 3's card (a version no longer in force) and nothing for version 2 (its cards taken
    back when version 3's were queued)."""
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    assert await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--yes"]) == 0

    code = await asyncio.to_thread(rollback_policy_command, ["2", "--yes"])

    assert code == 0, capsys.readouterr().err
    outbox = TableOutbox(store)
    staff = await TableStaffDirectory(store).list_members()
    for member in staff:
        person = Person(TENANT, member.aad_object_id, member.name)
        assert [m.message_id for m in await outbox.list_for_recipient(person)] == [
            f"policy|00002|read|{member.aad_object_id}"]
    assert await TablePolicyVersions(store).list_owed_campaigns() == []


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_rollback_policy_says_those_who_have_not_confirmed_the_version_are_sent_its_card_again_and_when(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        lang: str) -> None:
    """Version 3 rolled back to 2: before and after, it told the technician "nobody is asked to read it again", though
    each member of staff who had not confirmed version 2 was sent its card again (waiting in the outbox). It now says
    so, and when: in school hours on a working day of their school, as every automatic card goes."""
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    assert await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--yes"]) == 0
    capsys.readouterr()

    code = await asyncio.to_thread(rollback_policy_command, ["2", "--yes", "--lang", lang])

    lines = capsys.readouterr().out.splitlines()
    staff = await TableStaffDirectory(store).list_members()
    owed = [m.message_id for member in staff
            for m in await TableOutbox(store).list_for_recipient(Person(TENANT, member.aad_object_id, member.name))]
    assert code == 0 and owed == [f"policy|00002|read|{member.aad_object_id}" for member in staff]
    said = {"en": ("staff on the staff list who have not confirmed version 2 are asked to read it again, its card "
                   "going to each of them it has not reached yet, in school hours on a working day of their school "
                   "(one due outside them goes at the start of the next)"),
            "cy": ("bydd staff ar y rhestr staff sydd heb gadarnhau fersiwn 2 yn cael cais i'w darllen eto, gyda'i "
                   "cherdyn yn mynd at bob un ohonyn nhw sydd heb ei gael eto, yn ystod oriau ysgol ar un o "
                   "ddiwrnodau gwaith eu hysgol (bydd un sy'n ddyledus y tu allan iddyn nhw yn mynd ar ddechrau'r "
                   "oriau nesaf)")}[lang]
    # Outside school hours, once (--yes: after it is done), when they go, as publish-policy says it (at once in school
    # hours: nothing more to say).
    cards_go = load_catalogue().text("reads.cards_go", Lang(lang), when="{when}").partition("{when}")[0]
    when = [line for line in lines if line.startswith(cards_go)]
    will, done = [line for line in lines if line not in when]
    for line in (will, done):
        assert line.endswith(said), line
        assert "nobody is asked" not in line and "fydd neb yn cael cais" not in line, line
    assert len(when) in (0, 1), lines


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_publish_policy_of_a_version_published_before_says_who_is_asked_to_read_it_again(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        lang: str) -> None:
    """Version 2 was rolled back to 1, then IT published version 2 again: before and after, `publish-policy` said
    "nobody is asked to read it again", though each of the five on the staff list, none of whom had confirmed it, was
    owed its card again (waiting in the outbox). It says who is asked to read it again, school by school, and how many;
    outside school hours, when their cards go."""
    await _the_staff_list(store)
    v2 = write_revised(tmp_path, "v2.txt")
    assert await asyncio.to_thread(publish_policy_command, [str(v2), "--yes"]) == 0
    assert await asyncio.to_thread(rollback_policy_command, ["1", "--yes"]) == 0
    capsys.readouterr()

    code = await asyncio.to_thread(publish_policy_command, [str(v2), "--yes", "--lang", lang])

    lines = capsys.readouterr().out.splitlines()
    strings = load_catalogue()
    staff = await TableStaffDirectory(store).list_members()
    owed = [m.message_id for member in staff
            for m in await TableOutbox(store).list_for_recipient(Person(TENANT, member.aad_object_id, member.name))]
    schools = {"en": "Llanidloes High School 3, Llanidloes Primary School 2",
               "cy": "Ysgol Uwchradd Llanidloes 3, Ysgol Gynradd Llanidloes 2"}[lang]
    assert code == 0 and owed == [f"policy|00002|read|{member.aad_object_id}" for member in staff]
    for line in lines:
        assert "nobody is asked" not in line and "fydd neb yn cael cais" not in line, line
    will = strings.text("publish.cmd_reinstate_asks", Lang(lang), version="2", count=5, schools=schools)
    done = strings.text("publish.cmd_done_reinstated_asks", Lang(lang), version="2", count=5)
    # Outside school hours, once (--yes: after it is done), when the cards go (at once in school hours: nothing more to
    # say).
    cards_go = strings.text("reads.cards_go", Lang(lang), when="{when}").partition("{when}")[0]
    when = [line for line in lines if line.startswith(cards_go)]
    assert [line for line in lines if line not in when] == [will, done] and len(when) in (0, 1), lines


async def test_rollback_policy_to_a_version_everyone_has_confirmed_says_nobody_is_asked_to_read_it_again(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Everyone had confirmed version 2 when version 3 came out; IT rolled back to 2 in the evening. It said staff who
    have not confirmed version 2 "are asked to read it again" and when "they go", before and after, though nobody was
    asked and no card went: as publish-policy sending version 2 again says, nobody is asked to read it again."""
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    reads = TablePolicyReads(store)
    for member in await TableStaffDirectory(store).list_members():
        await reads.confirm("2", Person(TENANT, member.aad_object_id, member.name), datetime.now(UTC))
    assert await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--yes"]) == 0
    hour = in_uk(datetime.now(UTC)).hour  # school hours an hour long, starting two hours from now: not now
    monkeypatch.setenv("SCHOOL_HOURS", f"{hour + 2:02d}:00-{hour + 3:02d}:00" if hour <= 20 else "01:00-02:00")
    capsys.readouterr()

    code = await asyncio.to_thread(rollback_policy_command, ["2", "--yes"])

    will, done = capsys.readouterr().out.splitlines()
    assert code == 0 and (await TablePolicyVersions(store).get_pointer() or CurrentPointer("", "")).version == "2"
    assert will.endswith("(nobody is asked to read it again)") and "nobody is asked to read it again" in done


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_rollback_policy_run_outside_school_hours_says_when_the_cards_go_before_it_asks(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], lang: str) -> None:
    """Run in the evening, `rollback-policy 2` asked for the version number having said only that cards go "in school
    hours"; when they would go (08:00 tomorrow, or after a weekend or a holiday) came only once it was done. It says
    when before it asks, as `publish-policy` does."""
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    assert await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--yes"]) == 0
    hour = in_uk(datetime.now(UTC)).hour  # school hours an hour long, starting two hours from now: not now
    monkeypatch.setenv("SCHOOL_HOURS", f"{hour + 2:02d}:00-{hour + 3:02d}:00" if hour <= 20 else "01:00-02:00")
    capsys.readouterr()

    code = await asyncio.to_thread(rollback_policy_command, ["2", "--lang", lang])

    out = capsys.readouterr().out
    cards_go = load_catalogue().text("reads.cards_go", Lang(lang), when="{when}").partition("{when}")[0]
    assert code == 2 and (await TablePolicyVersions(store).get_pointer() or CurrentPointer("", "")).version == "3"
    assert [line for line in out.splitlines() if line.startswith(cards_go)], out


@pytest.mark.parametrize("answer", ["", "y", "3"])
async def test_rollback_policy_changes_nothing_until_the_version_number_is_typed_or_with_yes(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], answer: str) -> None:
    """`rollback-policy 2`, typed for `policy-versions` (or 2 for 3), made version 2 the policy every member of staff
    at both schools is answered from, and took back version 3's cards still waiting, the moment it was run, while
    `publish-policy`, which does the same for a version published before, asks first. It now says what it would do
    and asks for the version number; from a script (no terminal) it needs --yes."""
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    assert await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--yes"]) == 0
    capsys.readouterr()

    from_a_script = await asyncio.to_thread(rollback_policy_command, ["2"])
    script = capsys.readouterr()
    monkeypatch.setattr("sys.stdin", Terminal(answer + "\n"))
    not_confirmed = await asyncio.to_thread(rollback_policy_command, ["2"])
    terminal = capsys.readouterr()
    current = await TablePolicyVersions(store).get_pointer()
    outbox = TableOutbox(store)
    owed = {m.aad_object_id: [o.message_id for o in await outbox.list_for_recipient(
        Person(TENANT, m.aad_object_id, m.name))] for m in await TableStaffDirectory(store).list_members()}
    monkeypatch.setattr("sys.stdin", Terminal("2\n"))
    typed = await asyncio.to_thread(rollback_policy_command, ["2"])
    done = capsys.readouterr()

    assert (from_a_script, not_confirmed, typed) == (2, 1, 0), (script.err, terminal.err, done.err)
    said = "rolling back makes version 2 current in place of version 3"
    assert said in script.out and said in terminal.out
    assert "--yes" in script.err and "nothing was changed" in script.err
    assert "Type 2 to make it current" in terminal.out
    assert "nothing was changed" in terminal.err
    assert "version 2 is current (was 3)" in done.out
    assert current is not None and current.version == "3"
    assert owed and all(ids == [f"policy|00003|read|{key}"] for key, ids in owed.items()), owed


async def test_policy_versions_says_the_version_the_bot_was_installed_with_was_shipped_with_it(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Kept when version 2 was published, version 1 was listed "published … by shipped with the bot"."""
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path)), "--yes"]) == 0
    capsys.readouterr()

    code = await asyncio.to_thread(policy_versions_command, [])

    lines = capsys.readouterr().out.splitlines()
    [shipped] = [line for line in lines if "version 1 " in line]
    [published] = [line for line in lines if "version 2 " in line]
    assert code == 0
    assert re.search(r"issued 2022-10-12  shipped with the bot \(kept in storage since \d{4}-\d\d-\d\d \d\d:\d\d\)  ",
                     shipped), shipped
    assert "by shipped" not in shipped and "published" not in shipped
    assert " published " in published and " by the policy owner (command line) " in published, published


async def test_rollback_policy_does_not_give_its_own_shells_poll_interval_for_the_running_bots(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """It said running bots answer "within 30 s", from POLICY_POLL_SECONDS as the technician's shell had it (unset:
    the default), not as the running bots have it, which it cannot read."""
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path)), "--yes"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("POLICY_POLL_SECONDS", "5")

    code = await asyncio.to_thread(rollback_policy_command, ["1", "--yes"])

    out = capsys.readouterr().out.splitlines()[-1] + "\n"
    assert code == 0
    assert out == ("version 1 is current (was 2); running bots answer from it once they next check which version is "
                   "current (every POLICY_POLL_SECONDS of their own settings), and nobody is asked to read it again\n")


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_publish_policy_says_how_many_have_still_to_confirm_the_version_it_replaces(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        lang: str) -> None:
    """Version 2 went to the five staff; Carys confirmed it. The preview in Teams of version 3 said version 2 was still
    being confirmed by four, whose cards of it publishing takes back; `publish-policy` said only that version 3 asks
    five, as if version 2 were done with, and the technician published it without telling the head."""
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    carys = next(m for m in await TableStaffDirectory(store).list_members() if m.name == "Carys Jenkins")
    await TablePolicyReads(store).confirm("2", Person(TENANT, carys.aad_object_id, carys.name), datetime.now(UTC))
    capsys.readouterr()

    code = await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--lang", lang])

    out = capsys.readouterr().out
    said = load_catalogue().text("publish.previous_unconfirmed", Lang(lang), previous="2", version="3", count=4)
    assert code == 2
    assert said in out, out


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_publish_policy_refuses_in_the_language_of_its_notes(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        lang: str) -> None:
    """Run with `--lang cy`, as the primary school's office runs it, the same document published again (a second run of
    the script) and an older one gave their notes in Welsh and why nothing was published in English, though the
    string tables say it in Welsh."""
    v2, v3 = write_revised(tmp_path, "v2.txt"), write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")
    assert await asyncio.to_thread(publish_policy_command, [str(v2), "--yes"]) == 0
    assert await asyncio.to_thread(publish_policy_command, [str(v3), "--yes"]) == 0
    capsys.readouterr()

    again = await asyncio.to_thread(publish_policy_command, [str(v3), "--yes", "--lang", lang])
    again_err = capsys.readouterr().err
    older = await asyncio.to_thread(publish_policy_command, [str(v2), "--yes", "--lang", lang])
    older_err = capsys.readouterr().err

    strings = load_catalogue()
    assert (again, older) == (1, 1)
    assert f"publish-policy: {strings.text('publish.already_current', Lang(lang), version='3')}\n" in again_err
    assert f"publish-policy: {strings.text('publish.older', Lang(lang), version='2', current='3')}\n" in older_err


class _WhileItWaits(Terminal):
    """A terminal where, while the command waits for the version number, someone else runs `publish-policy ARGS`."""

    def __init__(self, typed: str, meanwhile: list[str]) -> None:
        super().__init__(typed)
        self.meanwhile = meanwhile

    def readline(self, size: int = -1, /) -> str:  # type: ignore[override]  # as io.StringIO's
        """What was typed, once the other run (in its own thread, as another shell) has finished."""
        other = threading.Thread(target=publish_policy_command, args=(self.meanwhile,))
        other.start()
        other.join()
        return super().readline(size)


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_publish_policy_publishes_nothing_when_the_version_in_force_changed_while_it_waited(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], lang: str) -> None:
    """The technician ran `publish-policy` for version 3, which said it replaces version 2, and went to fetch the head
    before typing 3; meanwhile the office published version 2.1. Typing 3 put version 3 in place of 2.1, and the command
    said "published version 3" as if it had replaced version 2, as it had said."""
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    v21 = write_revised(tmp_path, "v21.txt", version="2.1", issued="01.10.2026")
    monkeypatch.setattr("sys.stdin", _WhileItWaits("3\n", [str(v21), "--yes"]))
    capsys.readouterr()

    code = await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--lang", lang])

    out, err = capsys.readouterr()
    said = load_catalogue().text("publish.command_in_force_changed", Lang(lang), version="3", was="2", now="2.1")
    assert code == 1, (out, err)
    assert f"publish-policy: {said}\n" in err, err
    versions = TablePolicyVersions(store)
    assert (await versions.get_pointer() or CurrentPointer("", "")).version == "2.1"
    assert "3" not in [v.version for v in await versions.list_versions()]


async def test_publish_policy_with_lang_cy_says_what_it_does_and_did_in_welsh(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`publish-policy --lang cy`, as the primary school's office runs it: its notes and refusals were in Welsh, but
    who it would ask and what it had done came in English, the two lines she needed most."""
    await _the_staff_list(store)
    strings = load_catalogue()

    code = await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path)), "--yes", "--lang", "cy"])

    out = capsys.readouterr().out
    named = strings.text("publish.cmd_named_replacing", Lang.CY, version="2", current="1")
    assert code == 0
    # Run outside school hours, it says once (--yes: after it is done) when the cards go (in Welsh too), and not "at
    # once"; in them, nothing more.
    cards_go = strings.text("reads.cards_go", Lang.CY, when="{when}").partition("{when}")[0]
    when = [line for line in out.splitlines() if line.startswith(cards_go)]
    will = "publish.cmd_will_ask_held" if when else "publish.cmd_will_ask"
    assert [line for line in out.splitlines() if line not in when] == [
        strings.text(will, Lang.CY, named=named, count=5,
                     schools="Ysgol Uwchradd Llanidloes 3, Ysgol Gynradd Llanidloes 2"),
        strings.text("publish.cmd_done", Lang.CY, version="2", count=5)], out
    assert len(when) in (0, 1), out


async def test_publish_policy_with_lang_cy_asks_for_the_version_number_in_welsh(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """With `--lang cy` it said in Welsh who it would ask, then asked "Type 2 to publish it, or anything else to stop"
    and answered a wrong number, or a script with no terminal, in English."""
    await _the_staff_list(store)
    document = str(write_revised(tmp_path))
    strings = load_catalogue()

    from_a_script = await asyncio.to_thread(publish_policy_command, [document, "--lang", "cy"])
    script = capsys.readouterr()
    monkeypatch.setattr("sys.stdin", Terminal("3\n"))
    mistyped = await asyncio.to_thread(publish_policy_command, [document, "--lang", "cy"])
    terminal = capsys.readouterr()

    assert (from_a_script, mistyped) == (2, 1)
    assert f"publish-policy: {strings.text('publish.cmd_no_terminal', Lang.CY)}\n" in script.err, script.err
    assert strings.text("publish.cmd_type_to_confirm", Lang.CY, word="2") in terminal.out
    assert f"publish-policy: {strings.text('publish.cmd_not_confirmed', Lang.CY)}\n" in terminal.err, terminal.err
    assert await TablePolicyVersions(store).get_pointer() is None


async def test_rollback_policy_with_lang_cy_says_what_it_does_asks_and_did_in_welsh(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The technician who published version 3 with `publish-policy --lang cy` rolled it back to 2 the same way: it
    refused `--lang` outright, and without it said what it would do, asked for the number and said what it had done
    in English only (as it did a version not stored, and one already current)."""
    monkeypatch.setenv("SCHOOL_HOURS", "any")  # in school hours whenever it runs: no line of when the cards go
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    assert await asyncio.to_thread(publish_policy_command, [
        str(write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")), "--yes"]) == 0
    capsys.readouterr()
    strings = load_catalogue()

    missing = await asyncio.to_thread(rollback_policy_command, ["7", "--lang", "cy"])
    not_stored = capsys.readouterr()
    from_a_script = await asyncio.to_thread(rollback_policy_command, ["2", "--lang", "cy"])
    script = capsys.readouterr()
    monkeypatch.setattr("sys.stdin", Terminal("3\n"))
    mistyped = await asyncio.to_thread(rollback_policy_command, ["2", "--lang", "cy"])
    terminal = capsys.readouterr()
    monkeypatch.setattr("sys.stdin", Terminal("2\n"))
    typed = await asyncio.to_thread(rollback_policy_command, ["2", "--lang", "cy"])
    done = capsys.readouterr()
    again = await asyncio.to_thread(rollback_policy_command, ["2", "--yes", "--lang", "cy"])
    twice = capsys.readouterr()

    assert (missing, from_a_script, mistyped, typed, again) == (1, 2, 1, 0, 0)
    assert not_stored.err == "rollback-policy: " + strings.text("rollback.not_stored", Lang.CY, asked="'7'",
                                                                stored="1, 2, 3") + "\n"
    will = strings.text("rollback.will_replacing_asking", Lang.CY, version="2", current="3")
    assert script.out == will + "\n" and terminal.out.startswith(will + "\n")
    assert script.err == f"rollback-policy: {strings.text('rollback.no_terminal', Lang.CY)}\n"
    assert strings.text("rollback.type_to_confirm", Lang.CY, word="2") in terminal.out
    assert terminal.err == f"rollback-policy: {strings.text('rollback.not_confirmed', Lang.CY)}\n"
    was = strings.text("rollback.was", Lang.CY, previous="3")
    # Then, outside school hours, when its cards go (test_rollback_policy_says_those_who_have_not_confirmed_…).
    assert strings.text("rollback.done_asking", Lang.CY, version="2", was=was, settled="") + "\n" in done.out, done.out
    assert twice.out == strings.text("rollback.already_current", Lang.CY, version="2") + "\n"
    assert (await TablePolicyVersions(store).get_pointer() or CurrentPointer("", "")).version == "2"



@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_rollback_policy_changes_nothing_when_the_version_in_force_changed_while_it_waited(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], lang: str) -> None:
    """The technician ran `rollback-policy 1`, which said it replaces version 2, and went to fetch the head before
    typing 1; meanwhile the office published version 3. Typing 1 changed nothing (rightly), but the command said
    "storage answered 412 UpdateConditionNotSatisfied", a storage fault, and she went looking for one."""
    await _the_staff_list(store)
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path, "v2.txt")), "--yes"]) == 0
    v3 = write_revised(tmp_path, "v3.txt", version="3", issued="01.01.2027")
    monkeypatch.setattr("sys.stdin", _WhileItWaits("1\n", [str(v3), "--yes"]))
    capsys.readouterr()

    code = await asyncio.to_thread(rollback_policy_command, ["1", "--lang", lang])

    out, err = capsys.readouterr()
    said = load_catalogue().text("rollback.in_force_changed", Lang(lang), version="1", now="3")
    assert code == 1, (out, err)
    assert err.splitlines()[-1] == f"rollback-policy: {said}", err
    assert (await TablePolicyVersions(store).get_pointer() or CurrentPointer("", "")).version == "3"


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize(("name", "content"), [
    ("policy-2026.txt", "Social Media Policy\nsome words with no heading under the title\n"),
    ("policy-2026.json", '{"title_en": "Social Media Policy", "sections": '),
    ("policy-2026.pdf", "%PDF-1.7\n"),
], ids=["no-headings", "cut-off-json", "pdf"])
async def test_publish_policy_refusing_a_document_says_nothing_was_published(
        tool_environment: None, store: TableStore, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str,
        name: str, content: str) -> None:
    """A document the policy check refused (no headings, a policy file cut off, a PDF) was answered with the reason
    alone: "policy-2026.txt: no headings found: …", exit 1, and the technician could not tell whether staff had been
    sent anything, as every other refusal of the command says."""
    document = tmp_path / name
    document.write_text(content, encoding="utf-8")

    code = await asyncio.to_thread(publish_policy_command, [str(document), "--yes", "--lang", lang])

    out, err = capsys.readouterr()
    [line] = err.splitlines()
    assert (code, out) == (1, "")
    assert line.startswith(f"publish-policy: {name}: ") and line.endswith(
        "; " + load_catalogue().text("publish.cmd_nothing_published", Lang(lang))), line
    assert await TablePolicyVersions(store).list_versions() == []


async def test_policy_versions_with_lang_cy_lists_the_versions_in_welsh(
        tool_environment: None, store: TableStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`policy-versions`, run before `rollback-policy --lang cy` to find the number, said in English that nothing was
    stored, how each version was published or shipped, which is current, and that POLICY_FILE names a file for
    checking (as `publish-policy --lang cy` did)."""
    strings = load_catalogue()
    checked = _checked_policy_file(tmp_path)
    none = await asyncio.to_thread(policy_versions_command, ["--lang", "cy"])
    nothing_stored = capsys.readouterr().out
    assert await asyncio.to_thread(publish_policy_command, [str(write_revised(tmp_path)), "--yes"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("POLICY_FILE", str(checked))

    listed = await asyncio.to_thread(policy_versions_command, ["--lang", "cy"])
    shown = capsys.readouterr()

    assert (none, listed) == (0, 0)
    assert nothing_stored == strings.text("versions.none_stored", Lang.CY, file=DEFAULT_POLICY_FILE,
                                          version="1") + "\n"
    lines = shown.out.splitlines()
    assert lines[-1] == strings.text("versions.current_mark", Lang.CY)
    assert strings.text("versions.shipped", Lang.CY, at="")[:20] in lines[0], lines
    assert strings.text("versions.published", Lang.CY, at="", by="")[:10] in lines[1], lines
    assert shown.err == strings.text("versions.checking_note", Lang.CY, named=f"{checked} (fersiwn 2)",
                                     shipped=DEFAULT_POLICY_FILE) + "\n"
    assert not re.search(r"\b(?:version|issued|published|shipped|current)\b", shown.out), shown.out
