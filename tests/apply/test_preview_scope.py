"""The focused scheduling preview (only what the change touches is simulated) says exactly what the
whole cluster's simulation says: the same Pending pods by name with kube-scheduler's messages, the same
counts and usage, the same per-node pictures, scenario by scenario; and the whole cluster is simulated
where the focus could not say the same."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from manikit import library
from manikit.apply import preview as preview_module
from manikit.apply.preview_scope import Listed, focus
from manikit.cluster import open_cluster
from manikit.cluster.local import LocalCluster
from manikit.cluster.seeded import seeded_simulation
from manikit.plan.actions import SchedulingPreview


def node(name: str, cpu: str = "4", labels: str = "", taints: str = "[]") -> str:
    return f"""---
apiVersion: v1
kind: Node
metadata:
  name: {name}
  labels: {{kubernetes.io/hostname: {name}, topology.kubernetes.io/zone: zone-{name[-1]}{labels}}}
spec:
  taints: {taints}
status:
  capacity: {{cpu: "{cpu}", memory: 8Gi, pods: "110"}}
  allocatable: {{cpu: "{cpu}", memory: 8Gi, pods: "110"}}
"""


GPU_TAINT = "[{key: gpu, value: 'true', effect: NoSchedule}]"
NODES = node("node-a", labels=", pool: general") + node("node-b", labels=", pool: general")
NODES += node("node-c", labels=", pool: gpu", taints=GPU_TAINT)
NAMESPACE = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"


def deployment(
    name: str,
    replicas: int,
    cpu: str = "1",
    image: str = "web:1",
    extra: str = "",
    annotations: str = "{}",
) -> str:
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
      annotations: {annotations}
    spec:
      containers:
        - name: main
          image: "{image}"
          resources:
            requests: {{cpu: "{cpu}", memory: 64Mi}}{extra}
"""


ON_GPU = """
      nodeSelector: {pool: gpu}
      tolerations: [{key: gpu, operator: Equal, value: 'true', effect: NoSchedule}]"""
#: next to an api pod (whose ReplicaSet the focus leaves out), away from web if it can, spread by zone
NEAR_API = """
      affinity:
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: api}}
              topologyKey: kubernetes.io/hostname
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                labelSelector: {matchLabels: {app: web}}
                topologyKey: kubernetes.io/hostname
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {matchLabels: {app: spread}}"""
SERVICE = """---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {level: info}
"""
LOOSE = """---
apiVersion: v1
kind: Pod
metadata: {name: loose, namespace: shop, labels: {app: loose}}
spec:
  containers: [{name: main, image: "busybox:1", resources: {requests: {cpu: 500m}}}]
"""
#: general nodes: 8 cpu; web 3 + api 2 + crashy 0.1 + the loose pod 0.5 leave no node 2.5 cpu free,
#: so ``wait`` (applied last) stays Pending; batch runs on the gpu node; crashy restarts forever
WAIT = deployment("wait", 1, cpu="2500m")
CRASHY = deployment("crashy", 1, cpu="100m", annotations="{sim.manikit.io/crash-every: 20s}")
BASE = (
    NODES
    + NAMESPACE
    + SERVICE
    + LOOSE
    + deployment("web", 3)
    + deployment("api", 2)
    + deployment("batch", 2, extra=ON_GPU)
    + WAIT
    + CRASHY
)


@pytest.fixture
def cluster() -> Iterator[LocalCluster]:
    with open_cluster(":memory:", default_cluster=False) as opened:
        assert isinstance(opened, LocalCluster)
        library.apply(BASE.replace(WAIT, ""), opened)
        library.apply(BASE, opened)
        assert opened.is_settled()
        yield opened


def count_seeded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A spy on ``seeded_simulation``: the list grows by one per focused simulation the preview makes."""
    calls: list[int] = []

    def counted(*args: Any) -> LocalCluster:
        calls.append(1)
        return seeded_simulation(*args)

    monkeypatch.setattr("manikit.apply.preview.seeded_simulation", counted)
    return calls


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many focused simulations the preview made."""
    return count_seeded(monkeypatch)


def both(
    cluster: LocalCluster, manifests: str, *, prune: bool = False
) -> tuple[SchedulingPreview, SchedulingPreview]:
    plan = library.plan(manifests, cluster, prune=prune, preview=False)
    focused = preview_module.with_preview(cluster, plan, whole_cluster=False).preview
    whole = preview_module.with_preview(cluster, plan, whole_cluster=True).preview
    assert focused is not None and whole is not None
    return focused, whole


def replaced(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return change


SCENARIOS = [
    pytest.param(replaced(deployment("web", 3), deployment("web", 4)), 1, id="scale-up-that-fits"),
    pytest.param(replaced(deployment("web", 3), deployment("web", 9)), 6, id="scale-up-that-does-not-fit"),
    pytest.param(replaced(deployment("api", 2), ""), 0, id="deletion-frees-room-for-pending"),
    pytest.param(
        replaced(deployment("batch", 2, extra=ON_GPU), deployment("batch", 5, extra=ON_GPU)),
        2,
        id="node-selector-and-taint",
    ),
    pytest.param(lambda text: text + deployment("fresh", 2, cpu="500m"), 1, id="new-deployment"),
    pytest.param(
        replaced(deployment("web", 3), deployment("web", 3, image="web:2")), 1, id="rolling-update-surge"
    ),
    pytest.param(lambda text: text + deployment("loose", 2, cpu="500m"), 1, id="adopts-an-orphan-pod"),
    pytest.param(
        lambda text: text + deployment("spread", 3, cpu="100m", extra=NEAR_API),
        2,
        id="affinity-and-spread-beside-other-pods",
    ),
    pytest.param(lambda text: text + node("node-d", cpu="8", labels=", pool: general"), 0, id="new-node"),
    pytest.param(
        replaced(CRASHY, deployment("crashy", 3, cpu="100m")), 1, id="crash-looping-workload-changed"
    ),
    pytest.param(
        lambda text: replaced(deployment("web", 3), deployment("web", 1))(text).replace(
            "port: 80", "port: 81"
        ),
        0,
        id="scale-down-beside-a-service-change",
    ),
]


@pytest.mark.parametrize(("edit", "pending"), SCENARIOS)
def test_the_focused_preview_says_what_the_whole_cluster_says(
    cluster: LocalCluster, seeded: list[int], edit: Callable[[str], str], pending: int
) -> None:
    focused, whole = both(cluster, edit(BASE), prune=True)
    assert seeded == [1]  # the focused one was made (the whole one is not seeded)
    assert focused == whole
    assert len(focused.pending) == pending
    assert focused.nodes_before != focused.nodes_after


def test_the_messages_and_names_of_pending_pods_are_the_whole_clusters(cluster: LocalCluster) -> None:
    focused, whole = both(cluster, replaced(deployment("web", 3), deployment("web", 9))(BASE), prune=True)
    assert [(p.namespace, p.name, p.owner, p.message) for p in focused.pending] == [
        (p.namespace, p.name, p.owner, p.message) for p in whole.pending
    ]
    web = [p for p in focused.pending if p.owner.startswith("ReplicaSet/web-")]
    assert len(web) == 5
    assert (
        web[0].message
        == "0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 Insufficient cpu."
    )


def test_a_deleted_deployment_frees_room_for_a_pending_one(cluster: LocalCluster) -> None:
    pending = [p for p in cluster.list("Pod") if not p["spec"].get("nodeName")]
    assert [p["metadata"]["name"].split("-")[0] for p in pending] == ["wait"]
    focused, _ = both(cluster, replaced(deployment("api", 2), "")(BASE), prune=True)
    assert not [p for p in focused.pending if "wait" in p.owner]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(replaced(GPU_TAINT, "[]"), id="node-changed"),
        pytest.param(replaced(NAMESPACE + SERVICE + LOOSE, ""), id="namespace-deleted"),
    ],
)
def test_what_the_focus_cannot_reproduce_is_simulated_whole(
    cluster: LocalCluster, seeded: list[int], edit: Callable[[str], str]
) -> None:
    plan = library.plan(edit(BASE), cluster, prune=True, preview=False)
    assert focus(plan, _listed(cluster)) is None
    focused, whole = both(cluster, edit(BASE), prune=True)
    assert seeded == []
    assert focused == whole


def test_the_environment_variable_asks_for_the_whole_cluster(
    cluster: LocalCluster, seeded: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = library.plan(replaced(deployment("web", 3), deployment("web", 4))(BASE), cluster, preview=False)
    monkeypatch.setenv(preview_module.WHOLE_CLUSTER_ENV, "1")
    whole = preview_module.with_preview(cluster, plan)
    assert seeded == []
    monkeypatch.delenv(preview_module.WHOLE_CLUSTER_ENV)
    assert preview_module.with_preview(cluster, plan) == whole
    assert seeded == [1]


def test_the_focus_holds_the_touched_workloads_and_every_pod(cluster: LocalCluster) -> None:
    plan = library.plan(replaced(deployment("web", 3), deployment("web", 4))(BASE), cluster, preview=False)
    focused = focus(plan, _listed(cluster))
    assert focused is not None
    kinds: dict[str, set[str]] = {}
    for kind, body in focused.objects:
        kinds.setdefault(kind, set()).add(body["metadata"]["name"])
    # web (changed), wait (Pending) and crashy (restarting): their Deployments and ReplicaSets only
    assert kinds["Deployment"] == {"web", "wait", "crashy"}
    assert {name.rsplit("-", 1)[0] for name in kinds["ReplicaSet"]} == {"web", "wait", "crashy"}
    assert "Service" not in kinds and "ConfigMap" not in kinds and "Endpoints" not in kinds
    assert kinds["Pod"] == {p["metadata"]["name"] for p in cluster.list("Pod")}
    assert kinds["Node"] == {"node-a", "node-b", "node-c"}
    namespace_uid = cluster.get("Namespace", "shop")["metadata"]["uid"]
    for kind, body in focused.objects:
        refs = body["metadata"].get("ownerReferences") or []
        if kind == "Pod" and body["metadata"]["labels"]["app"] in ("api", "batch"):
            assert [r["uid"] for r in refs] == [namespace_uid]  # owned by a workload left out
            assert refs[0]["kind"] == "ReplicaSet" and refs[0]["name"].startswith(
                body["metadata"]["labels"]["app"]
            )
        elif kind == "Pod" and refs:
            assert refs[0]["uid"] != namespace_uid
    assert [c.key.name for c in focused.changes] == ["web"]


def _listed(cluster: LocalCluster) -> Listed:
    def find(namespace: str, name: str) -> dict[str, Any] | None:
        return cluster.find("Deployment", name, namespace)

    return Listed(*(cluster.list(k) for k in ("Namespace", "Node", "ReplicaSet", "Pod")), find)
