"""``refresh_applied``'s narrowing (SQLite picks the notes whose version moved and reads only those
bodies: ``SqliteStore.moved_notes``) against the general path that reads every note and every version
(``recorded._refresh_all``): the same notes written, row for row, whatever the notes hold."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import manikit.cluster.recorded as recorded
from manikit.apply.executor import execute
from manikit.cluster import LocalCluster, open_cluster
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.runtime.store import codec
from manikit.runtime.store.sqlite import SqliteStore
from tests.stored_rows import QUERIES, START

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, namespace: shop, labels: {{app: app-{i}}}}}
spec:
  replicas: 0
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}}}}}
    spec: {{containers: [{{name: main, image: "nginx:1.{i}"}}]}}
"""
OTHERS = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: a}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""
COUNT = 4


def _applied(path: Path) -> Path:
    """A state of ``COUNT`` Deployments and some other objects, applied and reconciled; the second
    Deployment then labelled by another manager (its settled view is no longer the noted one)."""
    text = "---\n".join([OTHERS, *(DEPLOYMENT.format(i=i) for i in range(COUNT))])
    (path / "all.yaml").write_text(text, encoding="utf-8")
    state = path / "applied.db"
    cluster = open_cluster(str(state), now=START, default_cluster=False)
    desired = load_desired([str(path / "all.yaml")], applyset="default", admit=True)
    assert desired.errors == []
    execute(cluster, make_plan(cluster, desired, applyset="default"))
    cluster.run()
    cluster.patch("Deployment", "app-1", "shop", {"metadata": {"labels": {"team": "a"}}}, manager="other")
    cluster.close()
    return state


#: what a note's value may be turned into: its version (second) as the object's, an older one, or
#: the object's as a string or float (no revision to SQLite), or no integer at all
VERSIONS = st.sampled_from(["current", "old", "string", "float", "none", "big", "bool"])


def _version(kind: str, current: int) -> Any:
    return {
        "current": current,
        "old": current - 1,
        "string": str(current),
        "float": float(current),
        "none": None,
        "big": 2**70,
        "bool": True,
    }[kind]


EDITS = st.one_of(
    st.tuples(st.just("version"), VERSIONS),
    st.tuples(st.just("shape"), st.sampled_from(["two", "four", "object", "number", "settled-int"])),
    st.tuples(st.just("key"), st.sampled_from(["missing", "four-parts", "no-slash"])),
    st.tuples(st.just("keep"), st.just("")),
)


def _edit(conn: sqlite3.Connection, key: str, edit: tuple[str, str]) -> None:
    """Change the ``applied`` note of ``key`` as ``edit`` says (the state is otherwise as applied)."""
    value = codec.loads(
        conn.execute("SELECT value FROM notes WHERE topic = 'applied' AND key = ?", (key,)).fetchone()[0]
    )
    kind, name, ns = key.split("/")[0], key.split("/")[2], key.split("/")[1]
    rev = conn.execute(
        "SELECT rev FROM objects WHERE kind = ? AND namespace = ? AND name = ?", (kind, ns, name)
    ).fetchone()[0]
    what, how = edit
    new_key, new_value = key, value
    if what == "version":
        new_value = [value[0], _version(how, rev), *value[2:]]
    elif what == "shape":
        new_value = {
            "two": value[:2],
            "four": [*value, "x"],
            "object": {"a": value},
            "number": 7,
            "settled-int": [value[0], value[1], 5],
        }[how]
    elif what == "key":
        new_key = {
            "missing": f"{kind}/{ns}/gone",
            "four-parts": f"{key}/x",
            "no-slash": key.replace("/", ""),
        }[how]
    conn.execute("DELETE FROM notes WHERE topic = 'applied' AND key = ?", (key,))
    conn.execute(
        "INSERT OR REPLACE INTO notes (topic, key, value) VALUES ('applied', ?, ?)",
        (new_key, codec.dumps(new_value)),
    )


def _refreshed(state: Path, general: bool) -> tuple[int, list[tuple[Any, ...]]]:
    cluster = open_cluster(str(state), now=START, default_cluster=False)
    assert isinstance(cluster, LocalCluster) and isinstance(cluster.store, SqliteStore)
    if general:
        with cluster.store.transaction():
            count = recorded._refresh_all(cluster.store)
    else:
        count = recorded.refresh_applied(cluster)
    cluster.close()
    with sqlite3.connect(state) as conn:
        rows = list(conn.execute(QUERIES["notes"]))
    conn.close()
    return count, rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=COUNT + 3, max_size=COUNT + 3))
def test_the_narrowed_refresh_writes_what_the_general_one_writes(
    tmp_path_factory: Any, edits: list[tuple[str, str]]
) -> None:
    tmp = tmp_path_factory.mktemp("refresh")
    applied = _applied(tmp)
    keys = [f"Deployment/shop/app-{i}" for i in range(COUNT)] + [
        "ConfigMap/shop/settings",
        "Service/shop/web",
        "Namespace//shop",
    ]
    conn = sqlite3.connect(applied)
    with conn:
        for key, edit in zip(keys, edits, strict=True):
            _edit(conn, key, edit)
    conn.close()
    fast, general = tmp / "fast.db", tmp / "general.db"
    shutil.copy(applied, fast)
    shutil.copy(applied, general)
    assert _refreshed(fast, general=False) == _refreshed(general, general=True)


def test_the_refresh_moves_the_notes_of_settled_objects_only(tmp_path: Path) -> None:
    """The case the differential test edits: the Deployments the controllers wrote move, the one
    another manager labelled does not (a guard that the comparison above compares something)."""
    state = _applied(tmp_path)
    count, rows = _refreshed(state, general=False)
    assert count == COUNT - 1
    conn = sqlite3.connect(state)
    versions = {
        f"{k}/{ns}/{n}": rev
        for k, ns, n, rev in conn.execute("SELECT kind, namespace, name, rev FROM objects")
    }
    conn.close()
    at = {
        key for topic, key, value in rows if topic == "applied" and codec.loads(value)[1] == versions.get(key)
    }
    assert {f"Deployment/shop/app-{i}" for i in range(COUNT)} - at == {"Deployment/shop/app-1"}
