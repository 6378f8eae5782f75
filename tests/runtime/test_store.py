"""The SQLite store: revisions, optimistic concurrency, history, events, notes, locks, migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.errors import AlreadyExistsError, ConflictError, LockError, NotFoundError, StateError
from manikit.runtime.store import SCHEMA_VERSION, EventRecord, open_store, resolve_state_path, sqlite_checks
from manikit.runtime.store.sqlite import SqliteStore
from manikit.runtime.store.sqlite_checks import PAGE_SIZE


def pod(name: str, **labels: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels}}


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore.open(tmp_path / "state.db")


def test_new_store_has_identity_and_revision_zero(store: SqliteStore) -> None:
    assert store.revision() == 0
    assert len(store.identity) == 36


def test_identity_survives_reopen(tmp_path: Path) -> None:
    first = SqliteStore.open(tmp_path / "s.db")
    identity = first.identity
    first.close()
    assert SqliteStore.open(tmp_path / "s.db").identity == identity


def test_writes_assign_increasing_revisions_and_resource_version(store: SqliteStore) -> None:
    assert store.create("Pod", "default", "a", pod("a")) == 1
    body = pod("a")
    assert store.update("Pod", "default", "a", body, expected=1) == 2
    assert body["metadata"]["resourceVersion"] == "2"
    assert store.delete("Pod", "default", "a") == 3
    assert store.revision() == 3
    assert [(h.revision, h.op) for h in store.history(0)] == [(1, "ADDED"), (2, "MODIFIED"), (3, "DELETED")]


def test_stale_update_is_a_conflict_never_an_overwrite(store: SqliteStore) -> None:
    store.create("Pod", "default", "a", pod("a", v="1"))
    store.update("Pod", "default", "a", pod("a", v="2"), expected=1)
    with pytest.raises(ConflictError, match="the object has been modified"):
        store.update("Pod", "default", "a", pod("a", v="3"), expected=1)
    stored = store.get("Pod", "default", "a")
    assert stored is not None and stored.body["metadata"]["labels"] == {"v": "2"}


def test_missing_and_duplicate(store: SqliteStore) -> None:
    with pytest.raises(NotFoundError, match='pods "a" not found'):
        store.update("Pod", "default", "a", pod("a"), expected=None)
    with pytest.raises(NotFoundError):
        store.delete("Pod", "default", "a")
    store.create("Pod", "default", "a", pod("a"))
    with pytest.raises(AlreadyExistsError, match='pods "a" already exists'):
        store.create("Pod", "default", "a", pod("a"))
    assert store.revision() == 1


def test_failed_transaction_leaves_nothing(store: SqliteStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.create("Pod", "default", "a", pod("a"))
        raise RuntimeError("boom")
    assert store.get("Pod", "default", "a") is None
    assert store.revision() == 0
    assert list(store.history(0)) == []


def test_nested_transaction_is_a_savepoint(store: SqliteStore) -> None:
    with store.transaction():
        store.create("Pod", "default", "a", pod("a"))
        with pytest.raises(AlreadyExistsError), store.transaction():
            store.create("Pod", "default", "b", pod("b"))
            store.create("Pod", "default", "a", pod("a"))
        store.create("Pod", "default", "c", pod("c"))
    assert [o.name for o in store.list("Pod")] == ["a", "c"]
    assert [h.revision for h in store.history(0)] == [1, 2]


def test_list_by_kind_namespace_and_labels(store: SqliteStore) -> None:
    with store.transaction():
        store.create("Pod", "default", "a", pod("a", app="web", tier="front"))
        store.create("Pod", "default", "b", pod("b", app="db"))
        store.create("Pod", "other", "c", pod("c", app="web"))
        store.create("Service", "default", "web", pod("web", app="web"))
    assert [o.name for o in store.list("Pod")] == ["a", "b", "c"]
    assert [o.name for o in store.list("Pod", "default")] == ["a", "b"]
    assert [o.name for o in store.list("Pod", None, {"app": "web"})] == ["a", "c"]
    assert [o.name for o in store.list("Pod", "default", {"app": "web", "tier": "front"})] == ["a"]
    assert store.count("Pod") == 3
    assert store.namespaces_in_use() == {"default": 3, "other": 1}


def test_listing_uses_the_key_index_and_reads_each_body_by_its_revision(store: SqliteStore) -> None:
    """A list walks objects_key, then fetches each body from the history by its rowid: never a scan
    of the history (which holds every write ever made)."""
    queries = [
        "SELECT namespace, name, rev, body FROM current_objects WHERE kind = ? AND namespace = ?",
        "SELECT namespace, name, rev, body FROM current_objects WHERE kind = ?"
        " AND json_extract(body, '$.metadata.labels.app') = ? ORDER BY namespace, name",
        "SELECT rev, body FROM current_objects WHERE kind = ? AND namespace = ? AND name = ?",
    ]
    for sql in queries:
        plan = store._conn.execute(f"EXPLAIN QUERY PLAN {sql}", ("Pod", "default", "a")[: sql.count("?")])
        details = [str(row[-1]) for row in plan.fetchall()]
        assert any("objects_key" in d for d in details), (sql, details)
        assert any("SEARCH r USING INTEGER PRIMARY KEY" in d for d in details), (sql, details)
        assert not any(d.startswith("SCAN") for d in details), (sql, details)
        assert not any("TEMP B-TREE" in d for d in details), (sql, details)


def test_history_since_and_by_kind(store: SqliteStore) -> None:
    with store.transaction():
        store.create("Pod", "default", "a", pod("a"))
        store.create("Service", "default", "s", pod("s"))
        store.create("Pod", "default", "b", pod("b"))
    assert [h.name for h in store.history(1)] == ["s", "b"]
    assert [h.name for h in store.history(0, ["Pod"])] == ["a", "b"]


def test_events_aggregate_by_reason_and_message(store: SqliteStore) -> None:
    def event(message: str, at: str) -> EventRecord:
        return EventRecord("Pod", "default", "a", "u1", "Warning", "FailedScheduling", message, "s", at, at)

    store.record_event(event("no room", "2025-01-01T00:00:00Z"))
    store.record_event(event("no room", "2025-01-01T00:00:05Z"))
    store.record_event(event("other", "2025-01-01T00:00:06Z"))
    events = store.events(uid="u1")
    assert [(e.message, e.count, e.last_timestamp) for e in events] == [
        ("no room", 2, "2025-01-01T00:00:05Z"),
        ("other", 1, "2025-01-01T00:00:06Z"),
    ]


def test_a_new_event_record_is_the_constructors_record() -> None:
    args = ("Pod", "default", "a", "u1", "Normal", "Pulled", "done", "kubelet")
    made = EventRecord.new(*args, "2025-01-01T00:00:00Z")
    assert made == EventRecord(*args, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z")
    assert (made.count, made.id) == (1, 0)
    assert hash(made) == hash(EventRecord(*args, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"))
    with pytest.raises(AttributeError):
        made.count = 2  # type: ignore[misc]


def test_events_recorded_in_and_out_of_a_transaction_aggregate_alike(store: SqliteStore) -> None:
    def event(at: str) -> EventRecord:
        return EventRecord.new("Pod", "default", "a", "u1", "Normal", "Pulled", "done", "kubelet", at)

    store.record_event(event("2025-01-01T00:00:00Z"))  # a transaction of its own
    with store.transaction():
        store.record_event(event("2025-01-01T00:00:01Z"))
        store.record_event(event("2025-01-01T00:00:02Z"))
        assert [(e.count, e.last_timestamp) for e in store.events(uid="u1")] == [(3, "2025-01-01T00:00:02Z")]
    with pytest.raises(RuntimeError), store.transaction():
        store.record_event(event("2025-01-01T00:00:03Z"))
        raise RuntimeError("rolled back")
    assert [(e.count, e.last_timestamp) for e in store.events(uid="u1")] == [(3, "2025-01-01T00:00:02Z")]


def test_a_new_state_has_large_pages_in_a_file_and_in_memory(store: SqliteStore) -> None:
    assert store._conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384
    memory = SqliteStore.open(":memory:")
    assert memory._conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    assert store.copy_in_memory()._conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE


def test_a_state_made_with_another_page_size_keeps_it_and_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_checks, "PAGE_SIZE", 4096)  # as states made before it changed
    SqliteStore.open(tmp_path / "old.db").close()
    monkeypatch.undo()
    old = SqliteStore.open(tmp_path / "old.db")
    assert old._conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    with old.transaction():
        for index in range(50):
            old.create("Pod", "default", f"p{index}", pod(f"p{index}", app="web"))
    assert [o.name for o in old.list("Pod", labels={"app": "web"})][:3] == ["p0", "p1", "p10"]
    assert old.check() == []


def test_notes_round_trip(store: SqliteStore) -> None:
    store.put_note("scheduling", "u1", {"node": None, "verdicts": [1, 2]})
    assert store.get_note("scheduling", "u1") == {"node": None, "verdicts": [1, 2]}
    store.delete_note("scheduling", "u1")
    assert store.get_note("scheduling", "u1") is None


def test_in_memory_copy_is_independent(store: SqliteStore) -> None:
    store.create("Pod", "default", "a", pod("a"))
    copy = store.copy_in_memory()
    assert copy.identity == store.identity and copy.revision() == 1
    copy.create("Pod", "default", "b", pod("b"))
    assert store.get("Pod", "default", "b") is None
    assert copy.get("Pod", "default", "a") is not None


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    one = SqliteStore.open(tmp_path / "s.db")
    two = SqliteStore.open(tmp_path / "s.db")
    with one.acquire_lock("apply", "manikit apply -f a.yaml") as holder:
        assert two.lock_holder("apply") == holder
        with pytest.raises(LockError, match=r"locked by pid \d+ .*\(manikit apply -f a.yaml\)"):
            with two.acquire_lock("apply", "manikit apply", timeout=0.1):
                pass
    with two.acquire_lock("apply", "manikit apply"):
        assert two.lock_holder("apply") is not None
    assert two.lock_holder("apply") is None


def test_stale_lock_of_a_dead_process_is_taken_over(store: SqliteStore) -> None:
    import socket

    dead_pid = _dead_pid()
    store._conn.execute(
        "INSERT INTO locks (name, pid, host, command, acquired_at, token)"
        " VALUES ('apply', ?, ?, 'manikit apply', '2025-01-01T00:00:00Z', 't')",
        (dead_pid, socket.gethostname()),
    )
    with store.acquire_lock("apply", "manikit apply") as holder:
        assert holder.pid == os.getpid()


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_schema_version_recorded_and_newer_refused(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "s.db")
    version = store._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION
    store._conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(StateError, match="newer than this manikit understands"):
        SqliteStore.open(tmp_path / "s.db")


def test_not_a_state_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StateError):
        SqliteStore.open(path)


def test_wal_mode(store: SqliteStore) -> None:
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_resolve_state_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MANIKIT_STATE", raising=False)
    assert resolve_state_path(None, tmp_path) == tmp_path / ".manikit" / "state.db"
    monkeypatch.setenv("MANIKIT_STATE", "env.db")
    assert resolve_state_path(None, tmp_path) == tmp_path / "env.db"
    assert resolve_state_path("opt.db", tmp_path) == tmp_path / "opt.db"


def test_open_store_memory() -> None:
    store = open_store(":memory:")
    store.create("Pod", "default", "a", pod("a"))
    assert store.revision() == 1
    assert isinstance(store, SqliteStore)
    assert isinstance(store._conn, sqlite3.Connection)


@settings(max_examples=30, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
        st.dictionaries(
            st.sampled_from(["app", "tier", "x.io/y"]),
            st.from_regex(r"([A-Za-z0-9][-A-Za-z0-9_.]{0,6})?", fullmatch=True),
            max_size=3,
        ),
        max_size=8,
    )
)
def test_store_returns_what_was_written(objects: dict[str, dict[str, str]]) -> None:
    store = open_store(":memory:")
    with store.transaction():
        for name, labels in objects.items():
            store.create("Pod", "default", name, pod(name, **labels))
    for name, labels in objects.items():
        got = store.get("Pod", "default", name)
        assert got is not None and got.body["metadata"]["labels"] == labels
    for name, labels in objects.items():
        for key, value in labels.items():
            assert name in [o.name for o in store.list("Pod", "default", {key: value})]


def test_in_memory_copy_is_of_committed_state_only(store: SqliteStore) -> None:
    with store.transaction():
        store.create("Pod", "default", "a", pod("a"))
        store.put_note("t", "k", 1)
        with pytest.raises(StateError, match="outside transaction"):
            store.copy_in_memory()
    copy = store.copy_in_memory()
    assert [h.name for h in copy.history(0)] == ["a"]
    assert copy.get_note("t", "k") == 1


def test_queued_appends_are_readable_before_commit(store: SqliteStore) -> None:
    with store.transaction():
        store.create("Pod", "default", "a", pod("a"))
        store.put_note("t", "k", {"x": 1})
        assert [h.name for h in store.history(0)] == ["a"]
        assert store.get_note("t", "k") == {"x": 1}
        store.delete_note("t", "k")
        assert store.get_note("t", "k") is None
    assert store.get_note("t", "k") is None


def test_unopenable_path_is_a_state_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StateError, match="cannot open state"):
        SqliteStore.open(blocker / "sub" / "state.db")


def test_a_newer_manikit_migrates_an_older_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manikit.runtime.store import schema

    old = SqliteStore.open(tmp_path / "s.db")
    old.create("Pod", "default", "a", pod("a"))
    identity = old.identity
    old.close()

    def v2(db: object) -> None:
        schema_db = db
        assert hasattr(schema_db, "execute")
        schema_db.execute("CREATE TABLE extra (x TEXT)")  # type: ignore[attr-defined]

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, v2))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    new = SqliteStore.open(tmp_path / "s.db")
    version = new._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert version == str(len(schema.MIGRATIONS))
    assert new._conn.execute("SELECT count(*) FROM extra").fetchone()[0] == 0
    assert new.identity == identity and new.get("Pod", "default", "a") is not None
