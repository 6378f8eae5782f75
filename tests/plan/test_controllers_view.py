"""What the controllers' cached view holds (``cluster.deployments.controllers_view``: the Deployments
a reconcile in this process decoded), read instead of the store by the rollout report and by the
refresh of an apply's notes, against the store itself: the same report, and the same notes written
row for row, after writes the view has to catch up with."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import manikit.apply.report as report
import manikit.cluster.deployments as deployments
import manikit.cluster.recorded as recorded
from manikit.apply.executor import execute
from manikit.apply.report import rollout_report
from manikit.cluster import LocalCluster, open_cluster
from manikit.cluster.deployments import controllers_view
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.runtime.store.sqlite import SqliteStore
from tests.stored_rows import QUERIES, START

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, namespace: shop, labels: {{app: app-{i}}}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}}}}}
    spec:
      containers:
        - name: main
          image: "nginx:1.{i}"
          resources: {{requests: {{cpu: {cpu}}}}}
"""
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {mode: a}\n"
#: replicas and CPU of each: none, some that run, and some no node can hold (Pending)
SHAPES = [(0, "100m"), (0, "100m"), (2, "64"), (1, "100m"), (0, "100m"), (3, "100m")]


def _write(path: Path, count: int) -> Path:
    docs = [DEPLOYMENT.format(i=i, replicas=r, cpu=c) for i, (r, c) in enumerate(SHAPES[:count])]
    path.write_text("---\n".join([NAMESPACE, CONFIG, *docs]), encoding="utf-8")
    return path


def _applied(tmp: Path, name: str, count: int = len(SHAPES)) -> LocalCluster:
    """``count`` Deployments applied and reconciled in this process (the view holds them)."""
    cluster = open_cluster(str(tmp / f"{name}.db"), now=START, default_cluster=True)
    assert isinstance(cluster, LocalCluster)
    desired = load_desired([str(_write(tmp / f"{name}.yaml", count))], applyset="default", admit=True)
    assert desired.errors == []
    execute(cluster, make_plan(cluster, desired, applyset="default"))
    cluster.run()
    return cluster


def _after(cluster: LocalCluster) -> None:
    """Writes after the reconcile, by others than the controllers: the view catches up on them."""
    cluster.patch("Deployment", "app-0", "shop", {"spec": {"paused": True}}, manager="someone")
    cluster.patch("Deployment", "app-1", "shop", {"metadata": {"labels": {"team": "a"}}}, manager="someone")
    cluster.patch("Deployment", "app-4", "shop", {"metadata": {"annotations": {"x": "y"}}}, manager="someone")
    cluster.delete("Deployment", "app-5", "shop")
    cluster.delete("Pod", cluster.list("Pod", "shop")[0]["metadata"]["name"], "shop", grace_period=0)
    # a kind the view need not hold: read from the store (its note moves: bookkeeping only)
    bookkeeping = {"metadata": {"annotations": {"deployment.kubernetes.io/x": "1"}}}
    cluster.patch("ConfigMap", "settings", "shop", bookkeeping, manager="someone")


def _without_view(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deployments, "controllers_view", lambda cluster: None)  # recorded's too
    monkeypatch.setattr(report, "controllers_view", lambda cluster: None)


@pytest.mark.parametrize("writes", [False, True])
def test_the_report_from_the_view_is_the_report_from_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: bool
) -> None:
    cluster = _applied(tmp_path, "state")
    assert controllers_view(cluster) is not None
    if writes:
        _after(cluster)
    viewed = rollout_report(cluster)
    _without_view(monkeypatch)
    stored = rollout_report(cluster)
    cluster.close()
    assert viewed == stored
    assert any(not line.ok for line in stored.deployments) and stored.pending  # a report that says something
    behind = {line.text.split(" ")[0] for line in stored.deployments if not line.ok}
    assert ("deployment.apps/app-0" in behind) is writes  # paused since the reconcile: the view caught up


def test_a_report_of_many_deployments_from_the_view_is_the_one_from_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = _applied(tmp_path, "state")
    # more Deployments than a report shows lines for
    extra = "---\n".join(
        DEPLOYMENT.format(i=i, replicas=i % 2, cpu="64" if i % 3 == 0 else "10m") for i in range(10, 40)
    )
    (tmp_path / "more.yaml").write_text("---\n".join([NAMESPACE, extra]), encoding="utf-8")
    desired = load_desired([str(tmp_path / "more.yaml")], applyset="more", admit=True)
    execute(cluster, make_plan(cluster, desired, applyset="more"))
    cluster.run()
    _after(cluster)
    viewed = rollout_report(cluster)
    _without_view(monkeypatch)
    stored = rollout_report(cluster)
    cluster.close()
    assert viewed == stored
    assert stored.deployments[0].text.endswith("deployments fully rolled out")


def _notes(cluster: LocalCluster) -> tuple[int, list[tuple[Any, ...]]]:
    count = recorded.refresh_applied(cluster)
    assert isinstance(cluster.store, SqliteStore)
    location = cluster.store.location
    cluster.close()
    with sqlite3.connect(location) as conn:
        rows = list(conn.execute(QUERIES["notes"]))
    conn.close()
    return count, rows


@pytest.mark.parametrize("writes", [False, True])
def test_the_refresh_from_the_view_writes_what_the_one_from_the_store_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: bool
) -> None:
    viewed = _applied(tmp_path, "viewed")
    stored = _applied(tmp_path, "stored")
    if writes:
        _after(viewed)
        _after(stored)
    assert controllers_view(viewed) is not None
    with_view = _notes(viewed)
    _without_view(monkeypatch)
    from_store = _notes(stored)
    assert with_view == from_store
    assert with_view[0] >= 2  # notes moved: a comparison of something


def test_a_body_the_view_holds_at_another_revision_is_read_from_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The view's body is taken only at the revision SQLite found: one at another (here planted: a
    spec the apply did not leave, at an older revision) is not, and the note moves as the store says."""
    viewed = _applied(tmp_path, "viewed")
    stored = _applied(tmp_path, "stored")
    view = controllers_view(viewed)
    assert view is not None
    real = view.find

    def stale(kind: str, name: str, namespace: str | None = None) -> Any:
        body = real(kind, name, namespace)
        if kind != "Deployment" or body is None:
            return body
        meta = {**body["metadata"], "resourceVersion": str(int(body["metadata"]["resourceVersion"]) - 1)}
        return {**body, "metadata": meta, "spec": {**body["spec"], "replicas": 7}}

    monkeypatch.setattr(view, "find", stale)
    with_view = _notes(viewed)
    monkeypatch.undo()
    _without_view(monkeypatch)
    assert with_view == _notes(stored)
    assert with_view[0] == len(SHAPES)
