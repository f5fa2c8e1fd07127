"""INDEX_CACHE_FOLDER's upkeep: files no instance used lately go, with two instances sharing the folder (App Service's
/home), and never from under an instance reading one."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.policy.index_cache import IndexCache, Pruned
from bot.policy.sentence import SentenceVectors, kept_file
from tests.support.model import linked_model
from tests.support.policies import fixture_policy

DAY = 24 * 3600.0
KEY_OLD, KEY_NEW = "0123456789abcdef" * 4, "fedcba9876543210" * 4
WEIGHTS = np.arange(1000, dtype=np.float32)


@pytest.fixture
def model(tmp_path: Path) -> Path:
    (tmp_path / "package").mkdir()
    return linked_model(tmp_path / "package")


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "index-cache"


def _upkeep(cache: Path, *, max_bytes: int = 10**9) -> IndexCache:
    return IndexCache(cache, keep_for=30 * DAY, max_bytes=max_bytes, grace=DAY)


def _used(path: Path, *, days_ago: float) -> Path:
    when = time.time() - days_ago * DAY
    os.utime(path, (when, when))
    return path


def _keep(instance: SentenceVectors, key: str, *, days_ago: float) -> Path:
    """Arrays an instance worked out and kept, last used `days_ago`."""
    instance.remembered("classifier", key, lambda: {"weights": WEIGHTS})
    assert instance.cache_folder is not None
    return _used(instance.cache_folder / kept_file("classifier", key), days_ago=days_ago)


def _read(instance: SentenceVectors, key: str) -> tuple[np.ndarray, list[str]]:
    """What the instance reads for `key`, and whether it had to work it out again."""
    worked_out: list[str] = []

    def again() -> dict[str, Any]:
        worked_out.append(key)
        return {"weights": WEIGHTS}

    return instance.remembered("classifier", key, again)["weights"], worked_out


def test_files_no_instance_used_for_the_keeping_period_go_and_nothing_else(model: Path, cache: Path) -> None:
    instance = SentenceVectors(model, cache=cache)
    unused, lately = _keep(instance, KEY_OLD, days_ago=31), _keep(instance, KEY_NEW, days_ago=29)
    others = [cache / "notes.txt", cache / "rows-not-a-key.npz", cache / "backup"]
    others[0].write_text("the technician's")
    others[1].write_bytes(b"not the bot's name")
    others[2].mkdir()
    for path in others:
        _used(path, days_ago=400)
    shipped = model / kept_file("classifier", KEY_NEW)  # the package's, beside the model
    shipped.write_bytes(b"the shipped policy's")
    _used(shipped, days_ago=400)

    pruned = _upkeep(cache).prune()

    assert not unused.exists() and lately.exists() and all(path.exists() for path in [*others, shipped])
    assert (pruned.deleted, pruned.kept) == (1, 1)


def test_the_policy_in_force_is_kept_while_an_instance_answers_from_it_however_long(model: Path, cache: Path) -> None:
    """An instance that runs for months read its policy's files once, at start: its passes mark them, so another
    instance's pass never takes them from the next start."""
    answering, other = SentenceVectors(model, cache=cache), SentenceVectors(model, cache=cache)
    here, there = _upkeep(cache), _upkeep(cache)
    built = here.building(lambda policy: _keep(answering, KEY_OLD, days_ago=0))(fixture_policy())
    _used(built, days_ago=45)  # months on, as its modified time would say without the marks

    here.prune()
    there.prune()

    rows, worked_out = _read(other, KEY_OLD)
    assert built.exists() and np.array_equal(rows, WEIGHTS) and worked_out == []


def test_a_file_an_instance_opens_as_another_chooses_it_is_put_back_and_read_whole(
        model: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other instance starts and reads the old version's file just after this pass chose it for deletion."""
    path = _keep(SentenceVectors(model, cache=cache), KEY_OLD, days_ago=45)
    starting = SentenceVectors(model, cache=cache)
    real_rename = os.rename
    read: list[tuple[np.ndarray, list[str]]] = []

    def reader_first(source: Any, destination: Any) -> None:
        if Path(source) == path and not read:
            read.append(_read(starting, KEY_OLD))  # opens it and marks it used
        real_rename(source, destination)

    monkeypatch.setattr(os, "rename", reader_first)
    pruned = _upkeep(cache).prune()

    [(rows, worked_out)] = read
    assert np.array_equal(rows, WEIGHTS) and worked_out == []
    assert path.exists() and pruned.deleted == 0
    assert sorted(p.name for p in cache.iterdir()) == [path.name]  # no claim left behind


def test_a_file_deleted_while_an_instance_has_it_open_is_read_whole(
        model: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _keep(SentenceVectors(model, cache=cache), KEY_OLD, days_ago=45)
    starting = SentenceVectors(model, cache=cache)
    real_utime = os.utime
    pruned: list[Pruned] = []

    def pass_between_open_and_mark(target: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(target, int) and not pruned:
            pruned.append(_upkeep(cache).prune())  # the other instance's pass, while this one has it open
        real_utime(target, *args, **kwargs)

    monkeypatch.setattr(os, "utime", pass_between_open_and_mark)
    rows, worked_out = _read(starting, KEY_OLD)

    assert np.array_equal(rows, WEIGHTS) and worked_out == []
    assert pruned[0].deleted == 1 and not path.exists()


def test_a_file_deleted_before_an_instance_opens_it_is_worked_out_again_quietly(
        model: Path, cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    _keep(SentenceVectors(model, cache=cache), KEY_OLD, days_ago=45)
    _upkeep(cache).prune()

    rows, worked_out = _read(SentenceVectors(model, cache=cache), KEY_OLD)

    assert np.array_equal(rows, WEIGHTS) and worked_out == [KEY_OLD]
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []


def test_over_its_size_the_least_lately_used_go_first_never_one_used_within_the_grace(
        model: Path, cache: Path) -> None:
    instance = SentenceVectors(model, cache=cache)
    keys = [f"{n:016x}" * 4 for n in range(4)]
    paths = [_keep(instance, key, days_ago=days) for key, days in zip(keys, (10, 5, 2, 0.5), strict=True)]
    size = paths[0].stat().st_size

    pruned = _upkeep(cache, max_bytes=int(size * 2.5)).prune()
    after_one = [path.exists() for path in paths]
    still = _upkeep(cache, max_bytes=size // 2).prune()  # over even with one: that one was used within the grace

    assert after_one == [False, False, True, True] and pruned.deleted == 2
    assert [path.exists() for path in paths] == [False, False, False, True] and (still.deleted, still.kept) == (1, 1)


def test_two_instances_pruning_at_once_delete_each_file_once_and_keep_the_rest(model: Path, cache: Path) -> None:
    instance = SentenceVectors(model, cache=cache)
    old = [_keep(instance, f"{n:016x}" * 4, days_ago=40) for n in range(30)]
    recent = _keep(instance, KEY_NEW, days_ago=1)
    together = threading.Barrier(2)
    passes: list[int] = []

    def one_pass() -> None:
        together.wait()
        passes.append(_upkeep(cache).prune().deleted)

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(passes) == len(old) and len(passes) == 2
    assert sorted(p.name for p in cache.iterdir()) == [recent.name]


def test_what_a_stopped_writer_or_pass_left_goes_at_the_next_pass(model: Path, cache: Path) -> None:
    instance = SentenceVectors(model, cache=cache)
    kept = _keep(instance, KEY_NEW, days_ago=1)
    stale_write = cache / f".{kept.stem}.x1y2z3ab.npz"  # a writer stopped half-way (mkstemp's name)
    stale_write.write_bytes(b"half")
    _used(stale_write, days_ago=2)
    writing_now = cache / f".{kept.stem}.q9w8e7rt.npz"
    writing_now.write_bytes(b"half")
    stale_claim = cache / f".pruning-{int(time.time() - 2 * 3600)}-0a1b2c3d-{kept_file('rows', KEY_OLD)}"
    stale_claim.write_bytes(b"claimed by a pass that stopped")

    _upkeep(cache).prune()

    assert sorted(p.name for p in cache.iterdir()) == sorted([kept.name, writing_now.name])
