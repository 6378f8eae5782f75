"""The state's log checkpointed by a thread while a big apply commits (runtime/store/checkpoints.py)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from manikit.runtime.store import SqliteStore
from manikit.runtime.store import checkpoints as checkpoints_module
from manikit.runtime.store.checkpoints import AUTOCHECKPOINT_PAGES, Checkpointer


def _body(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"x": "y" * 4000}}


def _write(store: SqliteStore, count: int, prefix: str = "cm") -> None:
    with store.transaction():
        for i in range(count):
            store.create("ConfigMap", "default", f"{prefix}-{i}", _body(f"{prefix}-{i}"))


def _autocheckpoint(store: SqliteStore) -> int:
    return int(store._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "manikit-checkpoints"]


def test_commits_leave_their_pages_to_the_thread_which_copies_them(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore.open(path)
    try:
        before = path.stat().st_size
        with store.checkpoints_aside() as thread:
            assert isinstance(thread, Checkpointer)
            assert _autocheckpoint(store) == 0  # the committing connection copies nothing itself
            _write(store, 300)
        # the thread's last checkpoint, with the store still open, copied the commit into the file
        assert path.stat().st_size > before + 300 * 4000
        assert thread.checkpoints >= 1 and thread.failure is None
        assert _autocheckpoint(store) == AUTOCHECKPOINT_PAGES
        assert _threads() == []
        assert len(store.list("ConfigMap")) == 300
    finally:
        store.close()
    assert not Path(f"{path}-wal").exists()  # the last connection's close checkpointed and removed it
    reopened = SqliteStore.open(path)
    try:
        assert len(reopened.list("ConfigMap")) == 300
    finally:
        reopened.close()


def test_without_the_thread_the_file_would_not_have_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the test above checks is the thread's doing: with checkpoints that do nothing, the file
    holds none of the commit until the store closes."""
    monkeypatch.setattr(Checkpointer, "_checkpoint", lambda self, conn: None)
    path = tmp_path / "s.db"
    store = SqliteStore.open(path)
    try:
        before = path.stat().st_size
        with store.checkpoints_aside():
            _write(store, 300)
        assert path.stat().st_size < before + 300 * 4000
    finally:
        store.close()
    reopened = SqliteStore.open(path)
    try:
        assert len(reopened.list("ConfigMap")) == 300
    finally:
        reopened.close()


def test_a_reader_sees_each_commit_while_the_thread_checkpoints(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore.open(path)
    reader = sqlite3.connect(path)
    try:
        with store.checkpoints_aside():
            for round_ in range(3):
                _write(store, 50, prefix=f"r{round_}")
                assert reader.execute("SELECT count(*) FROM objects").fetchone()[0] >= 50 * (round_ + 1)
    finally:
        reader.close()
        store.close()


def test_an_error_inside_stops_the_thread_and_restores_the_checkpoints(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "s.db")
    try:
        with pytest.raises(RuntimeError), store.checkpoints_aside():
            _write(store, 10)
            raise RuntimeError("the apply failed")
        assert _threads() == []
        assert _autocheckpoint(store) == AUTOCHECKPOINT_PAGES
    finally:
        store.close()


def test_a_state_without_a_log_gets_no_thread() -> None:
    store = SqliteStore.open(":memory:")
    try:
        with store.checkpoints_aside() as thread:
            assert thread is None
            _write(store, 5)
        assert _threads() == []
    finally:
        store.close()


def test_a_thread_that_cannot_open_the_file_says_so_and_the_apply_goes_on(tmp_path: Path) -> None:
    thread = Checkpointer(str(tmp_path / "missing" / "s.db"))  # mode=rw: never created
    thread.start()
    thread.wait_opened()
    thread.stop()
    assert thread.failure is not None and thread.checkpoints == 0


def test_a_busy_checkpoint_is_left_to_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Busy:
        def execute(self, sql: str) -> Any:
            raise sqlite3.OperationalError("database is locked")

    thread = Checkpointer(str(tmp_path / "s.db"))
    thread._checkpoint(Busy())  # type: ignore[arg-type]
    assert thread.failure == "database is locked" and thread.checkpoints == 0
    assert checkpoints_module.INTERVAL > 0
