"""The SQLite store writes queued history rows and events in batches inside the open transaction:
what a rollback (whole, or to a savepoint) leaves must not depend on where a batch ended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manikit.runtime.store import EventRecord
from manikit.runtime.store import sqlite as sqlite_store
from manikit.runtime.store.sqlite import SqliteStore


def pod(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}}


def event(uid: str) -> EventRecord:
    return EventRecord("Pod", "default", uid, uid, "Normal", "Created", "made", "test", "t0", "t0")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SqliteStore:
    monkeypatch.setattr(sqlite_store, "FLUSH_ROWS", 3)
    return SqliteStore.open(tmp_path / "state.db")


def test_a_failed_transaction_leaves_nothing_of_its_flushed_batches(store: SqliteStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        for number in range(8):
            store.create("Pod", "default", f"p{number}", pod(f"p{number}"))
            store.record_event(event(f"p{number}"))
        raise RuntimeError("boom")
    assert store.revision() == 0
    assert list(store.history(0)) == [] and store.events() == []


def test_a_savepoint_rolled_back_after_a_batch_drops_exactly_its_writes(store: SqliteStore) -> None:
    with store.transaction():
        store.create("Pod", "default", "a", pod("a"))
        store.record_event(event("a"))
        with pytest.raises(RuntimeError), store.transaction():
            for number in range(7):
                store.create("Pod", "default", f"p{number}", pod(f"p{number}"))
                store.record_event(event(f"p{number}"))
            raise RuntimeError("boom")
        store.create("Pod", "default", "b", pod("b"))
    assert [h.name for h in store.history(0)] == ["a", "b"]
    assert [h.revision for h in store.history(0)] == [1, 2]
    assert [e.uid for e in store.events()] == ["a"]


def test_every_row_of_a_committed_transaction_is_kept_in_order(store: SqliteStore) -> None:
    with store.transaction():
        for number in range(10):
            store.create("Pod", "default", f"p{number}", pod(f"p{number}"))
            store.record_event(event(f"p{number}"))
    assert [h.revision for h in store.history(0)] == list(range(1, 11))
    assert sorted(e.uid for e in store.events()) == sorted(f"p{n}" for n in range(10))
