"""A copy on local disk of the policy version in force, so a bot started while storage cannot be reached answers from
the version the head published, not from the file it shipped with.

Each time the bot learns which version is current (at start, when one is published, made current or withdrawn, on
this instance or another), it writes that version's policy and record to POLICY_COPY_FILE: to a file of its own
beside it, then renamed over it, so a reader finds the old copy or the new one whole, never half of one. The copy names
the federation and the version and holds a sha256 of everything else in it. At start with storage unreachable the
bot answers from it; a copy that cannot be read, whose sha256 does not match, that another federation's bot wrote or
that is older than the shipped file is passed over with one line in the log, and the shipped file answers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.domain.policy_versions import PolicyChanges, PolicyVersion, PublishRefused, version_number
from bot.policy.loader import PolicyFileError, policy_from_data
from bot.policy.model import Policy

log = logging.getLogger(__name__)

KIND = "policy-in-force-copy"
FORMAT = 1


class CopyUnusable(Exception):
    """Why a copy on disk is not answered from (said in the log)."""


@dataclass(frozen=True)
class KeptPolicy:
    """The version the copy holds: its policy, checked, and its record as storage gave it (less the publisher's
    Entra id)."""

    policy: Policy
    record: PolicyVersion


def _record_data(record: PolicyVersion) -> dict[str, Any]:
    return {"version": record.version, "sha256": record.sha256, "title": record.title,
            # The publisher's name, as About and What's new show it; not their Entra id, which no card shows.
            "published_at": record.published_at.isoformat(), "published_by": record.published_by, "file": record.file,
            "date_of_issue": record.date_of_issue.isoformat() if record.date_of_issue else "",
            "changes": record.changes.as_data(), "campaign": record.campaign}


def _record(raw: Any) -> PolicyVersion:
    if not isinstance(raw, dict):
        raise CopyUnusable("no record of the version")
    try:
        issued = str(raw.get("date_of_issue") or "")
        return PolicyVersion(
            version=str(raw["version"]), sha256=str(raw["sha256"]), title=str(raw["title"]),
            published_at=datetime.fromisoformat(str(raw["published_at"])), published_by=str(raw["published_by"]),
            file=str(raw.get("file") or ""),
            date_of_issue=date.fromisoformat(issued) if issued else None,
            changes=PolicyChanges.from_data(raw.get("changes")), campaign=raw.get("campaign") is not False)
    except (KeyError, ValueError) as error:
        raise CopyUnusable(f"its record of the version is unreadable ({type(error).__name__})") from error


def _sha256(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _older(version: str, than: str) -> bool:
    try:
        return version_number(version) < version_number(than)
    except PublishRefused:
        return False  # a shipped file without a usable number: nothing to compare with


class PolicyCopy:
    """The copy at `path`, for the federation serving `tenant_ids`."""

    def __init__(self, path: Path, *, tenant_ids: Iterable[str]) -> None:
        self.path = path
        self._federation = sorted({tenant.strip().lower() for tenant in tenant_ids})

    def write(self, record: PolicyVersion, data: Mapping[str, Any]) -> None:
        """Keep this version as the one in force (OSError when the folder cannot be written: the copy kept before, of
        a version no longer in force, is then removed, so a start while storage is down never answers from it)."""
        try:
            self._write(record, data)
        except OSError:
            try:
                self.remove()
            except (IsADirectoryError, NotADirectoryError):
                pass  # no copy there to answer from (a folder at the path, or a file where its folder should be)
            except OSError as error:
                log.warning("policy copy %s holds a version no longer in force and could not be removed (%s): a start "
                            "while storage is down would answer from it", self.path, type(error).__name__)
            raise

    def _write(self, record: PolicyVersion, data: Mapping[str, Any]) -> None:
        body: dict[str, Any] = {"kind": KIND, "format": FORMAT, "federation": self._federation,
                                "version": record.version, "record": _record_data(record), "policy": dict(data)}
        text = json.dumps({**body, "sha256": _sha256(body)}, ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A file of this writer's own in the same folder, renamed over the copy: instances sharing /home may write at
        # once, and a reader (or a crash mid-write) never sees a copy half written.
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def remove(self) -> None:
        """Storage holds no version: the shipped file is in force, and no copy is kept (OSError if it stays)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def read(self, *, shipped_version: str) -> KeptPolicy | None:
        """The version the copy holds, or None (none kept, or not usable: said in the log)."""
        try:
            return self._read(shipped_version)
        except FileNotFoundError:
            return None
        except CopyUnusable as reason:
            log.warning("policy copy %s ignored: %s", self.path, reason)
            return None

    def _text(self) -> str:
        """What the copy holds, read only from a file: a named pipe or a device (or a link to one) at the path would
        hold a start while storage is down for ever, or read without end."""
        handle = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(handle, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise CopyUnusable("not a file (a folder, a named pipe or a device)")
            return file.read().decode("utf-8")

    def _read(self, shipped_version: str) -> KeptPolicy:
        try:
            raw = json.loads(self._text())
        except FileNotFoundError:
            raise
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:  # nested past what json reads
            raise CopyUnusable(f"unreadable ({type(error).__name__})") from error
        if not isinstance(raw, dict) or raw.get("kind") != KIND:
            raise CopyUnusable("not a copy of the policy in force")
        if raw.get("format") != FORMAT:
            raise CopyUnusable(f"written in format {raw.get('format')!r}, which this bot does not read")
        body = {key: value for key, value in raw.items() if key != "sha256"}
        if raw.get("sha256") != _sha256(body):
            raise CopyUnusable("its sha256 does not match what it holds (damaged or edited)")
        if raw.get("federation") != self._federation:
            raise CopyUnusable("written by the bot of another federation (its tenant ids differ)")
        record = _record(raw.get("record"))
        if str(raw.get("version")) != record.version:
            raise CopyUnusable("its version and its record's differ")
        try:
            policy = policy_from_data(raw.get("policy"), f"policy copy {self.path}")
        except PolicyFileError as error:
            raise CopyUnusable(f"its policy is unreadable: {error.problems[:3]}") from error
        if _older(record.version, shipped_version):
            raise CopyUnusable(f"it holds version {record.version}, older than the shipped file's "
                               f"{shipped_version}")
        return KeptPolicy(policy, record)
