"""The copy of the policy in force kept on local disk: what a start while storage is down answers from, and each copy
it must pass over (unreadable, edited, another federation's, older than the shipped file), said in the log."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.policy_copy import PolicyCopy
from bot.domain.policy_versions import PolicyChanges, PolicyVersion, SectionChange
from bot.policy.loader import load_policy_data
from tests.support.policies import FIXTURE_POLICY_FILE

OURS = ("5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b",)
THEIRS = ("0a0b0c0d-1111-4222-8333-444455556666",)


def _version(number: str) -> tuple[PolicyVersion, dict[str, Any]]:
    record = PolicyVersion(version=number, sha256="b" * 64, title="Social Media Policy 2026",
                           published_at=datetime(2026, 9, 1, 9, 30, tzinfo=UTC), published_by="Siân Morgan",
                           published_by_id="aad-sian", file="Social Media Policy 2026.docx",
                           date_of_issue=date(2026, 9, 1),
                           changes=PolicyChanges("1", (SectionChange("added", "ai", "Generative AI tools", added=2),),
                                                 welsh=3, details=()))
    return record, {**load_policy_data(FIXTURE_POLICY_FILE), "version": number}


def _said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "bot.domain.policy_copy"]


def test_the_version_kept_is_read_back_whole_less_the_publishers_id_and_nothing_else_is_left_in_the_folder(
        tmp_path: Path) -> None:
    copy = PolicyCopy(tmp_path / "data" / "policy-in-force.json", tenant_ids=OURS)
    record, data = _version("2")

    copy.write(*_version("3"))
    copy.write(record, data)  # a later switch (a withdrawal) replaces it
    kept = copy.read(shipped_version="1")

    assert kept is not None and kept.record == replace(record, published_by_id="")  # no Entra id on the disk
    assert kept.policy.details.version == "2"
    assert [path.name for path in (tmp_path / "data").iterdir()] == ["policy-in-force.json"]


def test_no_copy_is_none_and_nothing_is_said(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    copy = PolicyCopy(tmp_path / "policy-in-force.json", tenant_ids=OURS)
    copy.write(*_version("2"))
    copy.remove()

    assert copy.read(shipped_version="1") is None
    assert _said(caplog) == []


@pytest.mark.parametrize(("damage", "said"), [
    (lambda text: text[: len(text) // 2], "unreadable (JSONDecodeError)"),  # cut short (a disk full, a crash)
    (lambda text: text.replace("friends", "Friends", 1), "sha256 does not match"),  # edited by hand
    (lambda text: "[]", "not a copy of the policy in force"),
    (lambda text: "\udcff" + text, "unreadable (UnicodeDecodeError)"),  # a byte that is not UTF-8
])
def test_a_damaged_copy_is_passed_over_with_a_line_in_the_log(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Any, said: str) -> None:
    path = tmp_path / "policy-in-force.json"
    copy = PolicyCopy(path, tenant_ids=OURS)
    copy.write(*_version("2"))
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8", errors="surrogateescape")

    assert copy.read(shipped_version="1") is None
    assert [line for line in _said(caplog) if str(path) in line and said in line], _said(caplog)


def test_a_copy_another_federations_bot_wrote_is_passed_over(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The same /home shared with another federation's bot, or a copy carried from another deployment."""
    path = tmp_path / "policy-in-force.json"
    PolicyCopy(path, tenant_ids=THEIRS).write(*_version("2"))

    assert PolicyCopy(path, tenant_ids=OURS).read(shipped_version="1") is None
    assert [line for line in _said(caplog) if "another federation" in line], _said(caplog)


def test_a_copy_older_than_the_shipped_file_is_passed_over(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A new deployment ships version 3; the copy, left from before, holds 2."""
    copy = PolicyCopy(tmp_path / "policy-in-force.json", tenant_ids=OURS)
    copy.write(*_version("2"))

    assert copy.read(shipped_version="3") is None
    assert copy.read(shipped_version="2") is not None  # the same version is not older
    assert [line for line in _said(caplog) if "version 2, older than the shipped file's 3" in line], _said(caplog)


def test_a_copy_whose_policy_is_not_a_policy_is_passed_over(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Written whole and hashed, but of a policy this build of the bot cannot read."""
    path = tmp_path / "policy-in-force.json"
    record, data = _version("2")
    PolicyCopy(path, tenant_ids=OURS).write(record, {**data, "sections": []})

    assert PolicyCopy(path, tenant_ids=OURS).read(shipped_version="1") is None
    assert [line for line in _said(caplog) if "its policy is unreadable" in line], _said(caplog)
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == "2"


def test_a_copy_path_that_is_a_symlink_is_replaced_not_followed_when_written(tmp_path: Path) -> None:
    """Hostile probe 6: POLICY_COPY_FILE left as a link to another file (the shipped policy, say): a switch writes a
    copy of its own in the link's place and leaves the file it pointed at as it was."""
    target = tmp_path / "shipped.json"
    target.write_text('{"kept": true}', encoding="utf-8")
    link = tmp_path / "policy-in-force.json"
    link.symlink_to(target)
    copy = PolicyCopy(link, tenant_ids=OURS)

    copy.write(*_version("2"))

    assert target.read_text(encoding="utf-8") == '{"kept": true}'
    assert not link.is_symlink()
    kept = copy.read(shipped_version="1")
    assert kept is not None and kept.record.version == "2"


@pytest.mark.parametrize("kind", ["folder", "fifo", "link to a fifo", "dangling link"])
def test_a_copy_path_that_is_not_a_file_is_passed_over_at_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str) -> None:
    """Hostile probe 6: what stands at POLICY_COPY_FILE is a folder, a named pipe (or a link to one) that nobody
    writes to, or a link to nothing: a start while storage is down must not wait on it for ever; it is passed over
    (with a line in the log, but for the link to nothing, which is no copy) and the shipped file answers."""
    import os
    import threading

    path = tmp_path / "policy-in-force.json"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to a fifo":
        os.mkfifo(tmp_path / "pipe")
        path.symlink_to(tmp_path / "pipe")
    else:
        path.symlink_to(tmp_path / "nowhere.json")
    copy = PolicyCopy(path, tenant_ids=OURS)
    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(copy.read(shipped_version="1")), daemon=True)

    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # free the thread the read holds, so the test ends
        with open(path, "w", encoding="utf-8"):
            pass
        reader.join()
        pytest.fail("the read waited on the pipe")

    assert result == [None]
    assert len(_said(caplog)) == (0 if kind == "dangling link" else 1)


def _rehashed(path: Path, change: Any) -> None:
    """The copy edited by hand and its sha256 worked out again, as someone who read this module could."""
    from bot.domain.policy_copy import _sha256

    raw = json.loads(path.read_text(encoding="utf-8"))
    body = change({key: value for key, value in raw.items() if key != "sha256"})
    path.write_text(json.dumps({**body, "sha256": _sha256(body)}), encoding="utf-8")


@pytest.mark.parametrize("change", [
    lambda body: {**body, "record": {**body["record"], "published_at": None}},
    lambda body: {**body, "version": ["2"]},
    lambda body: {**body, "policy": {**body["policy"], "sections": "none"}},
    lambda body: {**body, "policy": [body["policy"]]},
], ids=["published-none", "version-list", "sections-text", "policy-list"])
def test_a_copy_edited_by_hand_with_its_sha256_worked_out_again_is_passed_over_never_raised(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, change: Any) -> None:
    """Hostile probe 6: the sha256 only shows damage; a copy edited on purpose, its sum worked out again, with a field
    of the wrong shape, must be passed over with its line in the log: an exception out of the read stopped the start
    of a bot while storage was down (it answered nobody)."""
    path = tmp_path / "policy-in-force.json"
    copy = PolicyCopy(path, tenant_ids=OURS)
    copy.write(*_version("2"))
    _rehashed(path, change)

    assert copy.read(shipped_version="1") is None
    assert len(_said(caplog)) == 1


def test_a_copy_nested_past_what_the_json_reader_takes_is_passed_over(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Hostile probe 6: a copy of 200,000 opening brackets (edited, or another program's file at the path)."""
    path = tmp_path / "policy-in-force.json"
    path.write_text("[" * 200_000, encoding="utf-8")

    assert PolicyCopy(path, tenant_ids=OURS).read(shipped_version="1") is None
    assert len(_said(caplog)) == 1


def test_a_copy_that_cannot_be_written_over_leaves_no_older_version_to_answer_from(tmp_path: Path) -> None:
    """Hostile probe 6: version 3 kept; Siân withdraws it (2 is current again) while the disk is full, so the new copy
    cannot be written. Before, the copy of the withdrawn 3 stayed, and a restart while storage was down answered staff
    from it, though the log had said such a start answers from the shipped file; the stale copy is now removed."""
    import resource
    import signal

    copy = PolicyCopy(tmp_path / "policy-in-force.json", tenant_ids=OURS)
    copy.write(*_version("3"))
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, limits[1]))  # a file may grow to 1 KB: the disk is all but full
    try:
        with pytest.raises(OSError):
            copy.write(*_version("2"))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)

    assert copy.read(shipped_version="1") is None
    assert list(tmp_path.iterdir()) == []
