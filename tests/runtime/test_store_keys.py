"""The SQLite store's reads that decode no body (for plans of many objects): keys by label, every
object's revision, and a topic's notes at once, pending ones included."""

from pathlib import Path

import pytest

from manikit.runtime.store.sqlite import SqliteStore


def pod(name: str, **labels: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels}}


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore.open(tmp_path / "state.db")


def test_keys_by_label_and_revisions_without_bodies(store: SqliteStore) -> None:
    a = store.create("Pod", "shop", "a", pod("a", app="web"))
    b = store.create("Pod", "shop", "b", pod("b", app="db"))
    c = store.create("Pod", "dev", "c", pod("c", app="web"))
    assert store.list_keys("Pod", {"app": "web"}) == [("dev", "c", "v1", c), ("shop", "a", "v1", a)]
    assert store.list_keys("Pod") == [("dev", "c", "v1", c), ("shop", "a", "v1", a), ("shop", "b", "v1", b)]
    assert store.list_keys("Service") == []
    moved = store.update("Pod", "shop", "a", pod("a", app="web"), a)
    assert store.versions() == {("Pod", "shop", "a"): moved, ("Pod", "shop", "b"): b, ("Pod", "dev", "c"): c}
    store.delete("Pod", "shop", "b")
    assert ("Pod", "shop", "b") not in store.versions()


def test_notes_of_a_topic_include_pending_ones_and_roll_back(store: SqliteStore) -> None:
    store.put_note("applied", "Pod/shop/a", ["d1", 1])
    store.put_note("other", "x", 1)
    with store.transaction():
        store.put_note("applied", "Pod/shop/b", ["d2", 2])
        store.delete_note("applied", "Pod/shop/a")
        assert store.notes_of("applied") == {"Pod/shop/b": ["d2", 2]}  # pending, read in the transaction
    with pytest.raises(RuntimeError), store.transaction():
        store.put_note("applied", "Pod/shop/c", ["d3", 3])
        raise RuntimeError
    assert store.notes_of("applied") == {"Pod/shop/b": ["d2", 2]}
    assert store.notes_of("none") == {}
