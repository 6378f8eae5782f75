"""The apply transaction reads an apply set's members once, before it writes (issue 17): a set with no
parent yet (a new one, or one an older manikit kept) is moved to the ApplySet standard at the end of
the transaction from the members read then (``live.inventory_before_apply``), not from a second
listing of every kind after 10,000 writes. Against the general path: the same rows, the same notes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from manikit.apply import executor
from manikit.apply.executor import execute
from manikit.cluster import open_cluster
from manikit.cluster.legacy import INVENTORY_TOPIC, LEGACY_LABEL
from manikit.plan import live
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from tests.stored_rows import QUERIES, START

OLD = {LEGACY_LABEL: "default"}


def _configmap(name: str, labels: dict[str, str], data: str = "a") -> dict[str, Any]:
    meta = {"name": name, "namespace": "default", "labels": labels}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"v": data}}


#: the manifest applied over the old set: two of its members (one changed), a new object
MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: kept, namespace: default, labels: {manikit.dev/applyset: default}}
data: {v: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: changed, namespace: default}
data: {v: b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: new, namespace: default}
data: {v: c}
"""


def _rows(tmp_path: Path, name: str, *, prune: bool) -> list[tuple[Any, ...]]:
    """What an apply of MANIFEST leaves in a state an older manikit left: members labelled the old way
    (one also labelled by another manager's update, which apply leaves), one only in the old
    inventory, one of each not in the manifest."""
    state = tmp_path / f"{name}.db"
    cluster = open_cluster(state, now=START)
    for cm in ("kept", "changed", "gone"):
        cluster.create(_configmap(cm, OLD))
    cluster.create(_configmap("listed", {}))
    cluster.create(_configmap("other", {"team": "x"}))
    cluster.update(_configmap("changed", {**OLD, "team": "y"}), manager="kubectl-edit")
    cluster.store.put_note(
        INVENTORY_TOPIC,
        "default",
        [["ConfigMap", "default", "listed", "v1"], ["ConfigMap", "default", "new", "v1"]],
    )
    file = tmp_path / f"{name}.yaml"
    file.write_text(MANIFEST, encoding="utf-8")
    desired = load_desired([str(file)], applyset="default", admit=True)
    execute(cluster, make_plan(cluster, desired, applyset="default", prune=prune))
    cluster.close()
    with sqlite3.connect(state) as conn:
        rows = [(t, *row) for t in ("objects", "revisions", "notes") for row in conn.execute(QUERIES[t])]
    conn.close()
    return rows


@pytest.mark.parametrize("prune", [False, True])
def test_the_store_holds_the_same_with_and_without_the_members_read_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prune: bool
) -> None:
    given: list[object] = []
    real = live._migrate

    def spy(cluster: Any, aset: Any, keys: Any, legacy: Any = None) -> None:
        given.append(legacy)
        real(cluster, aset, keys, legacy)

    monkeypatch.setattr(live, "_migrate", spy)
    fast = _rows(tmp_path, "fast", prune=prune)
    assert len(given) == 1 and given[0]  # moved from the members read before the writes
    monkeypatch.setattr(
        executor,
        "inventory_before_apply",
        lambda cluster, applyset: (live.inventory(cluster, applyset), None),
    )
    full = _rows(tmp_path, "full", prune=prune)
    assert given[1:] == [None]
    assert full == fast
    bodies = {r[3]: r[5] for r in fast if r[0] == "objects" and r[1] == "ConfigMap" and r[2] == "default"}
    for name in ("kept",) if prune else ("listed", "kept", "gone"):
        assert "applyset.kubernetes.io/part-of" in bodies[name]  # moved to the standard


def test_a_new_set_in_an_empty_state_reads_no_member_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed: list[str] = []
    real = live._legacy_members

    def spy(cluster: Any, applyset: str) -> Any:
        listed.append(applyset)
        return real(cluster, applyset)

    monkeypatch.setattr(live, "_legacy_members", spy)
    cluster = open_cluster(tmp_path / "s.db", now=START)
    file = tmp_path / "m.yaml"
    file.write_text(MANIFEST, encoding="utf-8")
    plan = make_plan(cluster, load_desired([str(file)], applyset="default", admit=True), applyset="default")
    listed.clear()
    execute(cluster, plan)
    assert listed == ["default"]
    assert live.inventory(cluster, "default") == {c.key for c in plan.changes}
    cluster.close()
