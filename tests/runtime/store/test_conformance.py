"""One conformance suite for every store backend: each test runs against SQLite and against etcd."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from manikit.errors import AlreadyExistsError, ConflictError, LockError, NotFoundError
from manikit.runtime.store import EventRecord, Store
from tests.runtime.store.conftest import Opener


def pod(name: str, **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels}}


def names(store: Store, kind: str, namespace: str | None = None, **labels: str) -> list[str]:
    return [f"{o.namespace}/{o.name}" for o in store.list(kind, namespace, labels or None)]


def test_new_state_has_identity_and_revision_zero(opener: Opener) -> None:
    store = opener()
    assert store.revision() == 0
    assert len(store.identity) == 36
    assert opener().identity == store.identity


def test_create_get_and_list_by_kind_namespace_labels(store: Store) -> None:
    store.create("Pod", "b", "web-1", pod("web-1", app="web"))
    store.create("Pod", "a", "web-2", pod("web-2", app="web", tier="front"))
    store.create("Pod", "a", "db", pod("db", app="db"))
    store.create("Pod", "a-b", "x", pod("x"))
    store.create("Node", "", "node-1", {"metadata": {"name": "node-1"}})
    got = store.get("Pod", "a", "db")
    assert got is not None and (got.revision, got.body["metadata"]["resourceVersion"]) == (3, "3")
    assert store.get("Pod", "b", "db") is None
    assert names(store, "Pod") == ["a/db", "a/web-2", "a-b/x", "b/web-1"]
    assert names(store, "Pod", "a") == ["a/db", "a/web-2"]
    assert names(store, "Pod", app="web") == ["a/web-2", "b/web-1"]
    assert names(store, "Pod", "a", app="web", tier="front") == ["a/web-2"]
    assert names(store, "Node") == ["/node-1"]
    assert (store.count("Pod"), store.count("Pod", "a"), store.count("Node")) == (4, 2, 1)
    assert store.namespaces_in_use() == {"a": 2, "a-b": 1, "b": 1}


def test_update_with_stale_revision_is_a_conflict(opener: Opener) -> None:
    one, two = opener(), opener()
    one.create("Pod", "default", "a", pod("a", v="1"))
    two.update("Pod", "default", "a", pod("a", v="2"), expected=1)
    with pytest.raises(ConflictError, match="the object has been modified"):
        one.update("Pod", "default", "a", pod("a", v="3"), expected=1)
    with pytest.raises(ConflictError):
        one.delete("Pod", "default", "a", expected=1)
    stored = one.get("Pod", "default", "a")
    assert stored is not None and stored.body["metadata"]["labels"] == {"v": "2"}
    assert stored.revision == 2


def test_missing_duplicate_and_delete(store: Store) -> None:
    with pytest.raises(NotFoundError, match='pods "a" not found'):
        store.update("Pod", "default", "a", pod("a"), expected=None)
    store.create("Pod", "default", "a", pod("a"))
    with pytest.raises(AlreadyExistsError, match='pods "a" already exists'):
        store.create("Pod", "default", "a", pod("a"))
    assert store.delete("Pod", "default", "a") == 2
    assert store.get("Pod", "default", "a") is None
    with pytest.raises(NotFoundError):
        store.delete("Pod", "default", "a")
    assert store.revision() == 2


def test_history_since_a_revision(store: Store) -> None:
    store.create("Pod", "default", "a", pod("a"))
    store.create("Service", "default", "s", {"metadata": {"name": "s"}})
    store.update("Pod", "default", "a", pod("a", v="2"), expected=1)
    store.delete("Pod", "default", "a")
    assert [(h.revision, h.op, h.kind) for h in store.history(1)] == [
        (2, "ADDED", "Service"),
        (3, "MODIFIED", "Pod"),
        (4, "DELETED", "Pod"),
    ]
    assert [h.revision for h in store.history(0, kinds=["Pod"])] == [1, 3, 4]
    deleted = next(iter(store.history(3)))
    assert deleted.body["metadata"]["labels"] == {"v": "2"}
    assert list(store.history(4)) == []


def test_transaction_is_atomic_and_reads_its_own_writes(opener: Opener) -> None:
    store, other = opener(), opener()
    with pytest.raises(RuntimeError), store.transaction():
        store.create("Namespace", "", "shop", {"metadata": {"name": "shop"}})
        store.create("Pod", "shop", "a", pod("a"))
        assert store.get("Namespace", "", "shop") is not None
        assert names(store, "Pod", "shop") == ["shop/a"]
        assert other.get("Pod", "shop", "a") is None  # nothing visible before the commit
        raise RuntimeError("boom")
    assert store.get("Pod", "shop", "a") is None
    assert store.revision() == 0 and list(store.history(0)) == []
    with store.transaction():
        store.create("Namespace", "", "shop", {"metadata": {"name": "shop"}})
        store.create("Pod", "shop", "a", pod("a"))
        store.update("Pod", "shop", "a", pod("a", v="2"), expected=2)
        store.delete("Namespace", "", "shop")
        assert store.revision() == 4
    assert names(other, "Pod") == ["shop/a"] and other.get("Namespace", "", "shop") is None
    assert [h.op for h in other.history(0)] == ["ADDED", "ADDED", "MODIFIED", "DELETED"]


def test_nested_transaction_rolls_back_only_itself(store: Store) -> None:
    with store.transaction():
        store.create("Pod", "default", "a", pod("a"))
        with pytest.raises(AlreadyExistsError), store.transaction():
            store.create("Pod", "default", "b", pod("b"))
            store.put_note("t", "k", 1)
            store.create("Pod", "default", "a", pod("a"))
        store.create("Pod", "default", "c", pod("c"))
    assert names(store, "Pod") == ["default/a", "default/c"]
    assert [h.revision for h in store.history(0)] == [1, 2]
    assert store.get_note("t", "k") is None


def test_large_apply_commits_whole(opener: Opener) -> None:
    """More writes than etcd's default txn limit of 128 ops: still all or nothing."""
    store, other = opener(), opener()
    with store.transaction():
        for index in range(300):
            store.create("Pod", "big", f"p{index:03d}", pod(f"p{index:03d}", app="big"))
        assert other.count("Pod") == 0
    assert other.count("Pod", "big") == 300
    assert other.revision() == 300
    assert len(list(other.history(0))) == 300


def test_notes(opener: Opener) -> None:
    store, other = opener(), opener()
    store.put_note("scheduler", "shop/web-1", {"fits": ["node-1"]})
    store.put_note("clock", "now", "2025-01-01T00:00:00Z")
    assert other.get_note("scheduler", "shop/web-1") == {"fits": ["node-1"]}
    with store.transaction():
        store.delete_note("clock", "now")
        assert store.get_note("clock", "now") is None
        assert other.get_note("clock", "now") == "2025-01-01T00:00:00Z"
    assert other.get_note("clock", "now") is None
    assert store.get_note("nothing", "here") is None


def event(reason: str, uid: str = "u1", namespace: str = "shop", stamp: str = "t1") -> EventRecord:
    return EventRecord(
        "Pod", namespace, "web", uid, "Normal", reason, f"{reason} it", "kubelet", stamp, stamp
    )


def test_events_aggregate_and_filter(opener: Opener) -> None:
    store, other = opener(), opener()
    store.record_event(event("Scheduled", stamp="t1"))
    store.record_event(event("Pulled", stamp="t2"))
    with store.transaction():
        store.record_event(event("Scheduled", stamp="t3"))
        store.record_event(event("Started", uid="u2", namespace="other", stamp="t4"))
    events = other.events()
    assert [(e.reason, e.count, e.first_timestamp, e.last_timestamp) for e in events] == [
        ("Pulled", 1, "t2", "t2"),
        ("Scheduled", 2, "t1", "t3"),
        ("Started", 1, "t4", "t4"),
    ]
    assert [e.reason for e in other.events(namespace="other")] == ["Started"]
    assert [e.reason for e in other.events(uid="u1")] == ["Pulled", "Scheduled"]
    assert other.events(kind="Node") == []


def test_in_memory_copy_has_identity_revisions_and_never_writes_back(store: Store) -> None:
    store.create("Pod", "default", "a", pod("a"))
    store.put_note("t", "k", [1])
    store.record_event(event("Scheduled"))
    copy = store.copy_in_memory()
    assert (copy.identity, copy.revision()) == (store.identity, 1)
    assert copy.get_note("t", "k") == [1] and [e.reason for e in copy.events()] == ["Scheduled"]
    got = copy.get("Pod", "default", "a")
    assert got is not None and got.revision == 1
    assert copy.update("Pod", "default", "a", pod("a"), expected=1) == 2
    assert store.revision() == 1 and [h.revision for h in copy.history(0)] == [1, 2]


def test_lock_is_exclusive(opener: Opener) -> None:
    one, two = opener(), opener()
    with one.acquire_lock("apply", "manikit apply -f a.yaml") as holder:
        current = two.lock_holder("apply")
        assert current is not None and current.token == holder.token
        with pytest.raises(LockError, match=r"locked by pid \d+ .*\(manikit apply -f a.yaml\)"):
            with two.acquire_lock("apply", "manikit apply", timeout=0.2):
                pass
    assert two.lock_holder("apply") is None
    with two.acquire_lock("apply", "manikit apply"):
        assert one.lock_holder("apply") is not None


HOLDER = """
import socket, sys, time
if sys.argv[2] != "same-host":
    socket.gethostname = lambda: sys.argv[2]  # as if on another machine: its pid cannot be checked
from manikit.runtime.store import open_store
store = open_store(sys.argv[1])
with store.acquire_lock("apply", "manikit apply (crashed)"):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.mark.parametrize("host", ["same-host", "another-host"])
def test_a_dead_holders_lock_is_freed(opener: Opener, state: str, host: str) -> None:
    """A holder killed with SIGKILL. On this host both backends see its pid is gone and take over.
    On another host only a lease can tell: etcd frees the lock when the lease runs out (lock_ttl=2
    here); a SQLite file on one machine has no such holder in practice and keeps refusing."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLDER), state, host], stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"held"
        proc.kill()
        proc.wait()
        store = opener()
        holder = store.lock_holder("apply")
        assert holder is not None and holder.command == "manikit apply (crashed)"
        if host == "another-host" and not state.startswith("etcd://"):
            with pytest.raises(LockError, match="another-host"):
                with store.acquire_lock("apply", "manikit apply", timeout=0.2):
                    pass
            return
        with store.acquire_lock("apply", "manikit apply", timeout=15) as mine:
            assert mine.pid == os.getpid()
            current = store.lock_holder("apply")
            assert current is not None and current.token == mine.token
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
