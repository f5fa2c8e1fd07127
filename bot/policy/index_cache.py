"""Upkeep of INDEX_CACHE_FOLDER: the files no instance has used lately are deleted, so the folder stops growing.

Every policy version and draft whose answer index is worked out leaves its files there (`rows-<key>.npz` and the
rest: a few MB a version), and nothing else ever deleted them. A file's modified time says when an instance last used
it: set when it is written, and when it is read (`SentenceVectors._read` marks it once it has it open). Each running
instance, every pass, marks again the files of the policy it answers from, so none of them ages while any instance
may read it at its next start; then it deletes the files unused for `keep_for`, and, while the folder holds more than
`max_bytes`, the least lately used, though never one used within `grace` (longer than a pass: another instance's own
files are marked by its passes). Only files the bot writes are touched (their names say so); the shipped policy's,
beside the model in the package, never.

Instances share the folder (App Service mounts the same /home on each), so a file is deleted in two steps. It is
first claimed by renaming it to a name no reader looks for (one pass wins; another finds it gone), then looked at
again: marked since it was chosen (an instance opened it meanwhile), it is put back; otherwise it is deleted. A reader
that has the file open reads it whole whatever happens to its name (POSIX and SMB both keep an open file for its
reader); one that comes after the claim finds no file and works it out again, as for any version not kept, which only
happens to a file no instance used for `keep_for`. A pass that stops part-way leaves files or claims the next pass
deletes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.policy.model import Policy
from bot.policy.sentence import noting_kept_files

log = logging.getLogger(__name__)

T = TypeVar("T")

# What `SentenceVectors.remembered` keeps (`kept_file`), what its writes leave while under way (`mkstemp`), and this
# upkeep's own claims: nothing else in the folder is touched.
KEPT = re.compile(r"[a-z][a-z-]*-[0-9a-f]{16}\.npz")
WRITING = re.compile(r"\.[a-z][a-z-]*-[0-9a-f]{16}\.\w+\.npz")
CLAIMED = re.compile(r"\.pruning-(\d+)-[0-9a-f]{8}-[a-z][a-z-]*-[0-9a-f]{16}\.npz")  # when it was claimed
# A write left this long is one whose writer stopped; a claim, one whose pass stopped.
WRITE_ABANDONED = 24 * 3600.0
CLAIM_ABANDONED = 3600.0


@dataclass(frozen=True)
class Pruned:
    """What one pass did: the files deleted and their bytes, and what the folder keeps."""

    deleted: int = 0
    deleted_bytes: int = 0
    kept: int = 0
    kept_bytes: int = 0


class IndexCache:
    """INDEX_CACHE_FOLDER's upkeep on one instance: notes the files its policy in force was built from, and prunes."""

    def __init__(self, folder: Path, *, keep_for: float, max_bytes: int, grace: float,
                 clock: Callable[[], float] = time.time) -> None:
        self._folder = folder
        self._keep_for = keep_for
        self._max_bytes = max_bytes
        self._grace = grace
        self._clock = clock
        self._in_use: frozenset[str] = frozenset()

    def building(self, build: Callable[[Policy], T]) -> Callable[[Policy], T]:
        """`build` (an answer index of the policy that comes into force), noting the kept files it used as this
        instance's own: each pass marks them used, until the next policy comes into force."""
        def noted(policy: Policy) -> T:
            with noting_kept_files() as used:
                built = build(policy)
            self._in_use = frozenset(used)
            return built

        return noted

    def prune(self) -> Pruned:
        """One pass: mark this instance's own files used, then delete what no instance used for `keep_for`, and the
        least lately used beyond `max_bytes` (never one used within `grace`)."""
        now = self._clock()
        if not self._folder.is_dir():
            return Pruned()  # nothing kept yet (the first policy worked out creates it)
        for name in self._in_use:
            with contextlib.suppress(OSError):  # not kept here (the shipped policy's, beside the model)
                os.utime(self._folder / name, (now, now))
        kept: list[tuple[int, int, Path]] = []
        for path in self._folder.iterdir():
            try:
                seen = path.stat()
            except OSError:
                continue  # gone meanwhile
            claimed = CLAIMED.fullmatch(path.name)
            if KEPT.fullmatch(path.name):
                kept.append((seen.st_mtime_ns, seen.st_size, path))
            elif (WRITING.fullmatch(path.name) and seen.st_mtime < now - WRITE_ABANDONED) or (
                    claimed and int(claimed[1]) < now - CLAIM_ABANDONED):
                with contextlib.suppress(OSError):
                    path.unlink()
        kept.sort()
        total = sum(size for _, size, _ in kept)
        deleted = deleted_bytes = 0
        for used, size, path in kept:
            unused = used / 1e9 < now - self._keep_for
            over = total > self._max_bytes and used / 1e9 < now - self._grace
            if not (unused or over):
                continue
            if self._delete_unless_used(path, used, now):
                deleted, deleted_bytes, total = deleted + 1, deleted_bytes + size, total - size
        pruned = Pruned(deleted, deleted_bytes, len(kept) - deleted, total)
        if deleted:
            log.info("index cache: deleted %d file(s) (%.1f MB) no instance used lately; %d kept (%.1f MB)", deleted,
                     deleted_bytes / 1e6, pruned.kept, total / 1e6)
        if total > self._max_bytes:
            log.warning("index cache: %s holds %.1f MB, more than its %.1f MB, all used within the last %.1f hours",
                        self._folder, total / 1e6, self._max_bytes / 1e6, self._grace / 3600)
        return pruned

    def _delete_unless_used(self, path: Path, used: int, now: float) -> bool:
        """Delete `path`, last used at `used` (ns), unless an instance marked it used since (it opened it)."""
        claim = path.with_name(f".pruning-{int(now)}-{uuid.uuid4().hex[:8]}-{path.name}")
        try:
            os.rename(path, claim)
        except OSError:
            return False  # another pass claimed it, or the file system will not rename a file in use
        try:
            if claim.stat().st_mtime_ns != used:  # opened and marked since it was chosen: still wanted
                if path.exists():
                    claim.unlink()  # worked out again and kept meanwhile: that copy stays
                else:
                    os.replace(claim, path)
                return False
            claim.unlink()
        except OSError as error:
            log.warning("index cache: %s was not deleted (%s); the next pass finishes it", path.name,
                        type(error).__name__)
            return False
        return True
