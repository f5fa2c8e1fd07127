"""The policy in force in this process, switched without a restart when another version becomes current.

Every instance polls one small row (the current pointer); when it moves, the new version is loaded and its answer
index built on a worker thread, then swapped in whole: a turn reads the policy and its index together, so it
never answers from one version and cites another. The shipped file is the default while storage holds none.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.domain.errors import DomainError
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
                 build_index: Callable[[Policy], IndexT]) -> None:
        self._versions = versions
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
            log.warning("policy versions unreadable at start-up (%s): answering from the shipped file",
                        type(error).__name__)
        if self._in_force is None:
            self._in_force = await self._build(self._default(), None)

    async def refresh(self) -> int:
        """Switch to the current stored version if it changed; 1 when it switched. Storage errors propagate."""
        async with self._lock:
            pointer = await self._versions.get_pointer()
            if pointer is None:
                if self._in_force is not None and self._in_force.record is not None:
                    self._in_force, self._marker = await self._build(self._default(), None), None
                    return 1
                return 0
            if pointer.marker == self._marker:
                return 0
            in_force = self._in_force
            if in_force is not None and in_force.record is not None and in_force.record.version == pointer.version:
                self._marker = pointer.marker
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
            self._in_force = await self._build(policy, record)
            self._marker = pointer.marker
            log.info("policy version %s is in force", pointer.version)
            return 1

    async def _build(self, policy: Policy, record: PolicyVersion | None) -> PolicyInForce[IndexT]:
        # Building an index embeds new texts (seconds): a worker thread keeps the event loop answering meanwhile.
        index = await asyncio.to_thread(self._build_index, policy)
        return PolicyInForce(policy, index, record)
