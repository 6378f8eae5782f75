"""The scheduling preview skips the simulation when no change can move a pod on a settled cluster, and
then says exactly what the simulation would have said; any change that can move a pod is simulated."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from manikit import library
from manikit.apply import preview as preview_module
from manikit.apply.pod_impact import Orphans, can_move_pods
from manikit.cluster import open_cluster
from manikit.cluster.local import LocalCluster
from manikit.cluster.seeded import seeded_simulation
from manikit.plan.actions import Action, ObjectKey, Plan, ResourceChange
from manikit.plan.diff import FieldChange

NODES = "".join(
    f"""---
apiVersion: v1
kind: Node
metadata:
  name: node-{i}
  labels: {{kubernetes.io/hostname: node-{i}}}
spec:
  taints: []
status:
  capacity: {{cpu: "2", memory: 8Gi, pods: "110"}}
  allocatable: {{cpu: "2", memory: 8Gi, pods: "110"}}
"""
    for i in (1, 2)
)
NAMESPACE = """---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
"""


def deployment(name: str, replicas: int, cpu: str = "1500m", image: str = "web:1") -> str:
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: shop
  labels: {{app: {name}}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: main
          image: {image}
          resources:
            requests: {{cpu: {cpu}, memory: 64Mi}}
"""


def service(name: str) -> str:
    return f"""---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: shop
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80}}]
"""


CONFIGMAP = """---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data: {level: info}
"""
#: two nodes of 2 cpu, three pods of 1.5 cpu: one stays Pending (and a new template's surge pod too)
BASE = NODES + NAMESPACE + deployment("web", 3) + service("web")


@pytest.fixture
def cluster() -> Iterator[LocalCluster]:
    with open_cluster(":memory:", default_cluster=False) as opened:
        assert isinstance(opened, LocalCluster)
        library.apply(BASE, opened)
        yield opened


@pytest.fixture
def simulations(cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many simulations the preview started (a spy on ``cluster.simulation``, the whole cluster's,
    and on ``seeded_simulation``, the focused one's)."""
    calls: list[int] = []
    real: Callable[[], LocalCluster] = cluster.simulation

    def counted() -> LocalCluster:
        calls.append(1)
        return real()

    def counted_seeded(*args: Any) -> LocalCluster:
        calls.append(1)
        return seeded_simulation(*args)

    monkeypatch.setattr(cluster, "simulation", counted)
    monkeypatch.setattr("manikit.apply.preview.seeded_simulation", counted_seeded)
    return calls


def simulated(cluster: LocalCluster, plan: Plan, monkeypatch: pytest.MonkeyPatch) -> Plan:
    """The preview as it was made before the shortcut: always from a simulation."""
    with monkeypatch.context() as patch:
        patch.setattr(preview_module, "_needs_simulation", lambda *_: True)
        return preview_module.with_preview(cluster, plan)


def planned(cluster: LocalCluster, manifests: str, *, prune: bool = False) -> Plan:
    return library.plan(manifests, cluster, prune=prune, preview=False)


INERT = (
    BASE.replace("labels: {app: web}\nspec:", "labels: {app: web, tier: front}\nspec:", 1)
    + CONFIGMAP
    + "".join(deployment(f"idle-{i}", 0) + service(f"idle-{i}") for i in range(5))
    + NAMESPACE.replace("shop", "empty")
)


def test_a_plan_that_moves_no_pod_runs_no_simulation(
    cluster: LocalCluster, simulations: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = planned(cluster, INERT)
    assert plan.counts()[Action.CREATE] == 12 and plan.counts()[Action.UPDATE] == 1
    shown = preview_module.with_preview(cluster, plan).preview
    assert simulations == []
    assert shown is not None
    assert [(p.namespace, p.owner) for p in shown.pending] == [("shop", "ReplicaSet/" + _rs(cluster))]
    assert "Insufficient cpu" in shown.pending[0].message
    assert (shown.pods, shown.nodes) == (3, 2)
    assert shown.nodes_before == shown.nodes_after and len(shown.nodes_before) == 2
    assert shown == simulated(cluster, plan, monkeypatch).preview  # what the simulation says too


@pytest.mark.parametrize(
    ("manifests", "prune", "pending", "pods"),
    [
        pytest.param(NODES + NAMESPACE + deployment("web", 0) + service("web"), False, 0, 0, id="scale-to-0"),
        pytest.param(NODES, True, 0, 0, id="delete-namespace-with-pods"),
        pytest.param(
            NODES.replace("taints: []", "taints: [{key: dedicated, value: db, effect: NoExecute}]")
            + NAMESPACE
            + deployment("web", 3)
            + service("web"),
            False,
            3,
            3,
            id="node-taints",
        ),
        pytest.param(
            NODES + NAMESPACE + deployment("web", 3, image="web:2") + service("web"),
            False,
            2,
            4,
            id="template",
        ),
        pytest.param(
            NODES + NAMESPACE + deployment("web", 3, cpu="500m") + service("web"), False, 0, 3, id="requests"
        ),
    ],
)
def test_a_plan_that_can_move_pods_is_simulated(
    cluster: LocalCluster,
    simulations: list[int],
    monkeypatch: pytest.MonkeyPatch,
    manifests: str,
    prune: bool,
    pending: int,
    pods: int,
) -> None:
    plan = planned(cluster, manifests, prune=prune)
    shown = preview_module.with_preview(cluster, plan).preview
    assert simulations == [1]
    assert shown is not None
    assert (len(shown.pending), shown.pods) == (pending, pods)
    assert shown == simulated(cluster, plan, monkeypatch).preview


def test_a_cluster_that_did_not_settle_is_simulated(simulations: list[int]) -> None:
    with open_cluster(":memory:", default_cluster=False) as fresh:
        assert isinstance(fresh, LocalCluster)
        library.apply(BASE, fresh, wait=timedelta(seconds=1))  # ran for 1s: images still pulling
        assert not fresh.is_settled()
        calls: list[int] = []
        real = fresh.simulation
        fresh.simulation = lambda: calls.append(1) or real()  # type: ignore[method-assign]
        preview_module.with_preview(fresh, planned(fresh, INERT))
        assert calls == [1]
    assert simulations == []  # the fixture's cluster was not asked


def test_a_zero_replica_workload_beside_orphan_pods_is_simulated(
    cluster: LocalCluster, simulations: list[int]
) -> None:
    orphan = """---
apiVersion: v1
kind: Pod
metadata: {name: loose, namespace: shop, labels: {app: idle}}
spec:
  containers: [{name: main, image: busybox, resources: {requests: {cpu: 100m}}}]
"""
    library.apply(BASE + orphan, cluster)
    assert cluster.is_settled()
    preview_module.with_preview(cluster, planned(cluster, BASE + orphan + deployment("idle", 0)))
    assert simulations == [1]


def test_writing_after_a_settled_run_is_not_settled(cluster: LocalCluster) -> None:
    assert cluster.is_settled()
    cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "shop"}})
    assert not cluster.is_settled()
    cluster.run()
    assert cluster.is_settled()
    cluster.set_node_stopped("node-1", True)
    assert not cluster.is_settled()


def _rs(cluster: LocalCluster) -> str:
    (rs,) = cluster.list("ReplicaSet", "shop")
    return str(rs["metadata"]["name"])


def change(kind: str, action: Action, before: int | None, after: int | None, *paths: str) -> ResourceChange:
    def body(replicas: int | None) -> dict[str, object] | None:
        return None if replicas is None else {"kind": kind, "spec": {"replicas": replicas}}

    return ResourceChange(
        ObjectKey(kind, "shop", "x"),
        action,
        body(before),
        body(after),
        tuple(FieldChange(p, "change") for p in paths),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("made", "moves"),
    [
        (change("Service", Action.DELETE, 1, None), False),
        (change("ConfigMap", Action.UPDATE, 1, 1, "data.x"), False),
        (change("Namespace", Action.CREATE, None, 1), False),
        (change("Namespace", Action.UPDATE, 1, 1, "metadata.labels.team"), True),
        (change("Namespace", Action.DELETE, 1, None), True),
        (change("Node", Action.UPDATE, 1, 1, "spec.taints"), True),
        (change("Pod", Action.CREATE, None, 1), True),
        (change("Secret", Action.CREATE, None, 1), True),
        (change("Deployment", Action.CREATE, None, 0), False),
        (change("Deployment", Action.CREATE, None, 2), True),
        (change("ReplicaSet", Action.CREATE, None, 0), False),
        (change("Deployment", Action.UPDATE, 2, 2, "metadata.labels.tier"), False),
        (change("Deployment", Action.UPDATE, 2, 2, "metadata.labelsx"), True),
        (change("Deployment", Action.UPDATE, 2, 0, "spec.replicas"), True),
        (change("Deployment", Action.UPDATE, 0, 0, "spec.template.spec.containers"), False),
        (change("Deployment", Action.UPDATE, 2, 2, "spec.paused"), True),
        (change("Deployment", Action.REPLACE, 0, 0, "spec.selector"), True),
        (change("Deployment", Action.DELETE, 0, None), False),
        (change("Deployment", Action.DELETE, 1, None), True),
    ],
)
def test_which_changes_can_move_pods(made: ResourceChange, moves: bool) -> None:
    assert can_move_pods(made) is moves


def test_a_zero_replica_workload_can_adopt_orphans_its_selector_matches() -> None:
    made = change("Deployment", Action.CREATE, None, 0)
    assert made.after is not None
    made.after["spec"]["selector"] = {"matchLabels": {"app": "x"}}  # type: ignore[index]

    def orphan(namespace: str, app: str, controlled: bool = False) -> dict[str, object]:
        refs = [{"kind": "ReplicaSet", "name": "rs", "controller": True}] if controlled else []
        return {"metadata": {"namespace": namespace, "labels": {"app": app}, "ownerReferences": refs}}

    assert can_move_pods(made, Orphans([orphan("shop", "x")]))
    assert not can_move_pods(made, Orphans([orphan("shop", "y"), orphan("other", "x")]))
    assert not can_move_pods(made, Orphans([orphan("shop", "x", controlled=True)]))
    made.after["spec"]["selector"] = {"matchExpressions": [{"key": "app", "operator": "Exists"}]}  # type: ignore[index]
    assert can_move_pods(made, Orphans([orphan("shop", "y")]))
