"""The objects an apply's batch creates, handed to the controllers' cached view as the bodies the API
wrote (``Api.recording``, ``Api.take_created``, ``ObjectCache.seed``) instead of read back from the
store (issue 17: an apply of 10,000 objects into an empty state, then its reconcile).

What the view holds after the hand-over is what it reads from the store without it, kind by kind,
whatever else wrote in the batch or after it; and every row the reconciles leave is the same."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manikit.apply.executor import execute
from manikit.cluster import open_cluster
from manikit.cluster.local import LocalCluster
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.runtime.api import Api
from manikit.runtime.api import core as api_core
from manikit.runtime.api.kinds import API_KINDS
from manikit.validate import admitted
from tests.runtime.test_reconcile_shortcuts import BASE, CHANGED
from tests.stored_rows import START, applied_rows

FIRST = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 81}]
"""
MORE = """\
apiVersion: v1
kind: Service
metadata: {name: more, namespace: shop}
spec:
  selector: {app: more}
  ports: [{port: 82}]
"""


def _service(name: str, port: int = 83) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"selector": {"app": name}, "ports": [{"port": port}]},
    }


def _config_map(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "shop"}}


def _apply(
    cluster: LocalCluster, tmp_path: Path, text: str, before_commit: Callable[[], None] | None = None
) -> None:
    file = tmp_path / f"m{cluster.revision()}.yaml"
    file.write_text(text, encoding="utf-8")
    desired = load_desired([str(file)], admit=True)
    assert desired.errors == []
    execute(cluster, make_plan(cluster, desired, applyset="default"), before_commit=before_commit)


def _handed_over(cluster: LocalCluster) -> set[str]:
    """The kinds handed to a new view, which must then hold what the store holds, kind by kind."""
    created = cluster.api.take_created()
    view = cluster.api.cached()
    if created is not None:
        view.seed(*created)
    for kind in API_KINDS:
        assert view.list(kind) == [o.body for o in cluster.store.list(kind)], kind
    return set(created[1]) if created is not None else set()


@pytest.fixture
def cluster(tmp_path: Path) -> LocalCluster:
    return open_cluster(tmp_path / "state.db", now=START)


def test_an_apply_from_empty_hands_over_its_kinds_with_those_there_before(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    assert cluster.store.count("Service") == 1  # the ``kubernetes`` Service: there before, read then
    _apply(cluster, tmp_path, FIRST)
    assert _handed_over(cluster) == {"Namespace", "Deployment", "Service"}
    assert cluster.api.take_created() is None  # once


def test_the_bodies_handed_over_are_those_the_apply_wrote(cluster: LocalCluster, tmp_path: Path) -> None:
    answers: list[dict[str, Any]] = []
    apply = cluster.apply

    def kept(obj: Any, **kwargs: Any) -> dict[str, Any]:
        answers.append(apply(obj, **kwargs))
        return answers[-1]

    cluster.apply = kept  # type: ignore[method-assign]
    _apply(cluster, tmp_path, FIRST)
    created = cluster.api.take_created()
    assert created is not None
    view = cluster.api.cached()
    view.seed(*created)
    web = view.get("Deployment", "web", "shop")
    assert any(web is answer for answer in answers)  # not decoded again


def test_a_kind_that_held_many_objects_is_read_from_the_store(
    cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(cluster, tmp_path, FIRST)
    cluster.run()
    monkeypatch.setattr(api_core, "FEW_BEFORE", 2)  # three Services now
    _apply(cluster, tmp_path, FIRST + "---\n" + MORE)
    assert "Service" not in _handed_over(cluster)


def test_a_write_by_another_api_in_the_batch_stops_the_hand_over(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    def sneak() -> None:
        Api(cluster.store, cluster.clock).create(_service("sneaked"), manager="other")
        cluster.api.create(_config_map("after"), manager="other")  # the revisions go on from there

    _apply(cluster, tmp_path, FIRST, before_commit=sneak)
    _handed_over(cluster)


def test_a_kind_written_otherwise_than_created_is_read_from_the_store(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    def relabel() -> None:
        web = cluster.api.get("Deployment", "web", "shop")
        meta = {**web["metadata"], "labels": {"app": "web", "tier": "front"}}
        cluster.api.update({**web, "metadata": meta}, manager="other")

    _apply(cluster, tmp_path, FIRST, before_commit=relabel)
    assert "Deployment" not in _handed_over(cluster)


def test_a_create_whose_body_its_caller_still_holds_is_read_from_the_store(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    def create_and_change() -> None:
        service = _service("shared")
        cluster.api.create(service, trusted=True)  # the body shares the caller's spec
        service["spec"]["ports"][0]["port"] = 9999  # not what was stored

    _apply(cluster, tmp_path, FIRST, before_commit=create_and_change)
    assert "Service" not in _handed_over(cluster)


def test_a_create_rolled_back_in_the_batch_is_not_handed_over(cluster: LocalCluster, tmp_path: Path) -> None:
    def roll_back() -> None:
        extra = _service("gone")
        admitted.keep([(extra, extra)])  # a plain create, as the apply's own
        with contextlib.suppress(RuntimeError), cluster.api.transaction():
            cluster.api.apply(extra, "manikit")
            raise RuntimeError

    _apply(cluster, tmp_path, FIRST, before_commit=roll_back)
    assert cluster.api.find("Service", "gone", "shop") is None
    _handed_over(cluster)


def test_a_write_after_the_batch_stops_the_hand_over(cluster: LocalCluster, tmp_path: Path) -> None:
    _apply(cluster, tmp_path, FIRST)
    Api(cluster.store, cluster.clock).create(_service("later"), manager="other")
    _handed_over(cluster)


def test_the_store_holds_the_same_rows_with_and_without_the_hand_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = ("objects", "revisions", "events", "notes")
    fast = applied_rows(tmp_path, "fast", (FIRST, BASE, CHANGED), tables)
    monkeypatch.setattr(Api, "take_created", lambda self: None)
    assert applied_rows(tmp_path, "general", (FIRST, BASE, CHANGED), tables) == fast
