"""The policy in force in this process, switched without a restart when another version becomes current.

Every instance polls one small row (the current pointer); when it moves, the new version is loaded and its answer
index built on a worker thread, then swapped in whole: a turn reads the policy and its index together, so it
never answers from one version and cites another. The shipped file is the default while storage holds none.

Each version it learns is current is also kept on local disk (`PolicyCopy`), so a start while storage cannot be
reached answers from that version rather than from the shipped file, until storage answers again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.domain.errors import DomainError
from bot.domain.policy_copy import PolicyCopy
from bot.domain.policy_versions import PolicyVersion, PolicyVersions
from bot.policy.loader import PolicyFileError, policy_from_data
from bot.policy.model import Policy

log = logging.getLogger(__name__)

IndexT = TypeVar("IndexT")
IndexT_co = TypeVar("IndexT_co", covariant=True)


@dataclass(frozen=True)
class PolicyInForce(Generic[IndexT_co]):
    """One version and its answer index, always used together."""

    policy: Policy
    index: IndexT_co
    # The stored version's record; None for the shipped default file.
    record: PolicyVersion | None = None


class LivePolicy(Generic[IndexT]):
    """Holds the policy in force and follows the current pointer in storage."""

    def __init__(self, versions: PolicyVersions, *, default: Callable[[], Policy],
                 build_index: Callable[[Policy], IndexT], copy: PolicyCopy | None = None) -> None:
        self._versions = versions
        self._copy = copy
        # True while answering from the copy on disk, storage not yet read: its first answer is checked against it.
        self._from_copy = False
        self._default = default
        self._build_index = build_index
        self._in_force: PolicyInForce[IndexT] | None = None
        self._marker: str | None = None
        self._lock = asyncio.Lock()

    def current(self) -> PolicyInForce[IndexT]:
        """The policy in force now (read it once per turn)."""
        if self._in_force is None:
            raise RuntimeError("LivePolicy.start() was not awaited")
        return self._in_force

    async def start(self) -> None:
        """Load the current stored version, or the shipped default when there is none or storage is down."""
        try:
            await self.refresh()
        except DomainError as error:
            await self._start_offline(type(error).__name__)
        if self._in_force is None:
            self._in_force = await self._build(self._default(), None)

    async def _start_offline(self, error: str) -> None:
        """Storage cannot be reached: answer from the copy of the version last in force, else the shipped file."""
        kept = None
        if self._copy is not None:
            shipped = self._default()
            kept = await asyncio.to_thread(self._copy.read, shipped_version=shipped.details.version)
        if kept is None:
            log.warning("policy versions unreadable at start-up (%s): answering from the shipped file", error)
            return
        self._in_force = await self._build(kept.policy, kept.record)
        self._from_copy = True
        log.warning("policy versions unreadable at start-up (%s): answering from the copy of version %s kept at %s "
                    "until storage answers", error, kept.record.version, self._copy.path if self._copy else "-")

    async def _keep(self, record: PolicyVersion | None, data: dict[str, Any] | None) -> None:
        """Keep the version now current on disk (None: the shipped file, so no copy); a failure is only logged."""
        if self._copy is None:
            return
        try:
            if record is None or data is None:
                await asyncio.to_thread(self._copy.remove)
            else:
                await asyncio.to_thread(self._copy.write, record, data)
        except OSError as error:
            log.warning("policy copy %s not written (%s): a start while storage is down answers from the shipped "
                        "file", self._copy.path, type(error).__name__)

    async def refresh(self) -> int:
        """Switch to the current stored version if it changed; 1 when it switched. Storage errors propagate."""
        async with self._lock:
            pointer = await self._versions.get_pointer()
            if pointer is None:
                if self._marker is None and not self._from_copy and self._in_force is not None:
                    return 0  # still none since the last look
                await self._keep(None, None)
                self._from_copy = False
                if self._in_force is not None and self._in_force.record is not None:
                    self._in_force, self._marker = await self._build(self._default(), None), None
                    return 1
                return 0
            if pointer.marker == self._marker:
                return 0
            in_force = self._in_force
            if in_force is not None and in_force.record is not None and in_force.record.version == pointer.version:
                if not self._from_copy:
                    self._marker = pointer.marker
                    return 0
                if (await self._versions.get(pointer.version)).sha256 == in_force.record.sha256:
                    # Storage answers again and the copy held the version in force: nothing to switch.
                    self._marker, self._from_copy = pointer.marker, False
                    log.info("policy version %s is in force", pointer.version)
                    return 0
            record = await self._versions.get(pointer.version)
            data = await self._versions.get_policy_data(pointer.version)
            try:
                policy = policy_from_data(data, f"stored version {pointer.version}")
            except PolicyFileError as error:
                # Checked when it was published, so this means damage in storage: keep answering from what we have.
                log.error("stored policy version %s is unreadable; keeping version %s: %s", pointer.version,
                          in_force.policy.details.version if in_force else "-", error.problems[:3])
                self._marker = pointer.marker
                return 0
            await self._keep(record, data)
            self._in_force = await self._build(policy, record)
            self._marker, self._from_copy = pointer.marker, False
            log.info("policy version %s is in force", pointer.version)
            return 1

    async def _build(self, policy: Policy, record: PolicyVersion | None) -> PolicyInForce[IndexT]:
        # Building an index embeds new texts (seconds): a worker thread keeps the event loop answering meanwhile.
        index = await asyncio.to_thread(self._build_index, policy)
        return PolicyInForce(policy, index, record)
