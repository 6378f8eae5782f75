"""The scheduling preview of a plan: apply it to an in-memory copy of the state, run the controllers
and the scheduler there, and report which pods would stay Pending (with kube-scheduler's message) and
the cluster's requested against allocatable resources. Nothing reaches the cluster itself.

On a settled local cluster the copy holds only what the change touches (``preview_scope``: the
workloads it can move pods of, those with pods that are not steady, every node and every pod as it
is) and says exactly what a copy of the whole state would; a plan that can move no pod
(``pod_impact``) is not simulated at all: its preview is the cluster as it is, the same before and
after. ``MANIKIT_PREVIEW_WHOLE_CLUSTER=1`` (or ``whole_cluster=True``) simulates the whole cluster
whatever the plan, as tests and bench/preview.py do to compare."""

from __future__ import annotations

import dataclasses
import os
from fractions import Fraction

from manikit.apply.executor import execute
from manikit.apply.pod_impact import moves_pods
from manikit.apply.preview_scope import Listed, focus, pods_after
from manikit.cluster import Cluster
from manikit.cluster.local import LocalCluster
from manikit.cluster.seeded import seeded_simulation
from manikit.models.node import Node
from manikit.models.quantity import Quantity, QuantityFormat
from manikit.plan.actions import PendingPod, Plan, ResourceUsage, SchedulingPreview
from manikit.plan.capacity import Body, PodResources, node_usages

RESOURCES = ("cpu", "memory", "pods")
#: set to 1: every preview that simulates copies the whole cluster (the reference the focused one is
#: held to by tests and bench/preview.py)
WHOLE_CLUSTER_ENV = "MANIKIT_PREVIEW_WHOLE_CLUSTER"


def with_preview(cluster: Cluster, plan: Plan, *, whole_cluster: bool | None = None) -> Plan:
    """``plan`` with its scheduling preview and each node's usage before and after (the plan itself is
    unchanged); an empty plan as it is. ``whole_cluster``: simulate a copy of the whole cluster even
    where a focused simulation would do (default: ``MANIKIT_PREVIEW_WHOLE_CLUSTER``)."""
    if plan.empty:
        return plan
    # The pods and nodes the change leaves alone are the same objects (uid, resourceVersion) before and
    # after: their requests and each such node's usage are computed once, for both pictures.
    resources = PodResources()
    nodes, pods = cluster.list("Node"), cluster.list("Pod")
    before = tuple(node_usages(nodes, pods, resources))
    listed = _Lister(cluster, nodes, pods)
    if not _needs_simulation(cluster, plan, listed):
        unchanged = _preview(nodes, pods, resources)
        return dataclasses.replace(
            plan, preview=dataclasses.replace(unchanged, nodes_before=before, nodes_after=before)
        )
    if whole_cluster is None:
        whole_cluster = os.environ.get(WHOLE_CLUSTER_ENV) == "1"
    focused = None
    if not whole_cluster and _at_rest(cluster, listed):
        focused = focus(plan, listed.all())
    if focused is None:
        simulation = cluster.simulation()
        execute(simulation, plan)
        simulation.run()
        nodes, pods = simulation.list("Node"), simulation.list("Pod")
    else:
        assert isinstance(cluster, LocalCluster)  # _at_rest
        simulation = seeded_simulation(cluster, focused.objects)
        try:
            since = simulation.revision()
            execute(simulation, dataclasses.replace(plan, changes=focused.changes))
            simulation.run()
            nodes, pods = simulation.list("Node"), pods_after(simulation, since, pods)
        finally:
            simulation.close()
    after = dataclasses.replace(
        _preview(nodes, pods, resources),
        nodes_before=before,
        nodes_after=tuple(node_usages(nodes, pods, resources)),
    )
    return dataclasses.replace(plan, preview=after)


class _Lister:
    """The cluster's objects the preview reads, each kind listed once, when first needed."""

    def __init__(self, cluster: Cluster, nodes: list[Body], pods: list[Body]) -> None:
        self._cluster = cluster
        self._lists: dict[str, list[Body]] = {"Node": nodes, "Pod": pods}

    def __call__(self, kind: str) -> list[Body]:
        found = self._lists.get(kind)
        if found is None:
            found = self._lists[kind] = self._cluster.list(kind)
        return found

    def all(self) -> Listed:
        def find_deployment(namespace: str, name: str) -> Body | None:
            return self._cluster.find("Deployment", name, namespace)

        return Listed(self("Namespace"), self("Node"), self("ReplicaSet"), self("Pod"), find_deployment)


def _needs_simulation(cluster: Cluster, plan: Plan, listed: _Lister) -> bool:
    """Whether running the plan could show anything but the cluster as it is: some change can move a
    pod, or the cluster itself would still change them (a remote cluster, a run that did not settle)."""
    if not _at_rest(cluster, listed):
        return True
    return moves_pods(plan, listed("Pod"), listed("ReplicaSet"))


def _at_rest(cluster: Cluster, listed: _Lister) -> bool:
    """A local cluster whose controllers would change no pod and no node's size: its last run settled,
    or it has no pod and no workload (controllers never create nodes nor change their allocatable)."""
    if not isinstance(cluster, LocalCluster):
        return False
    return cluster.is_settled() or not (listed("Pod") or listed("ReplicaSet") or listed("Deployment"))


def preview_of(cluster: Cluster) -> SchedulingPreview:
    return _preview(cluster.list("Node"), cluster.list("Pod"), PodResources())


def _preview(nodes: list[Body], all_pods: list[Body], resources: PodResources) -> SchedulingPreview:
    pods = [p for p in all_pods if _active(p)]
    return SchedulingPreview(pending_pods(pods), _usage(nodes, pods, resources), len(pods), len(nodes))


def pending_pods(pods: list[dict[str, object]]) -> tuple[PendingPod, ...]:
    """The active pods no node was found for, with the scheduler's message."""
    found = []
    for pod in pods:
        spec = pod.get("spec")
        meta = pod.get("metadata")
        if isinstance(spec, dict) and isinstance(meta, dict) and not spec.get("nodeName") and _active(pod):
            found.append(PendingPod(meta["namespace"], meta["name"], _owner(pod), _message(pod)))
    return tuple(found)


def _active(pod: dict[str, object]) -> bool:
    status = pod.get("status") or {}
    assert isinstance(status, dict)
    return status.get("phase") not in ("Succeeded", "Failed")


def _owner(pod: dict[str, object]) -> str:
    meta = pod["metadata"]
    assert isinstance(meta, dict)
    refs = meta.get("ownerReferences") or []
    return f"{refs[0]['kind']}/{refs[0]['name']}" if refs else ""


def _message(pod: dict[str, object]) -> str:
    status = pod.get("status") or {}
    assert isinstance(status, dict)
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("status") == "False":
            return str(cond.get("message") or cond.get("reason") or "not scheduled")
    return "not scheduled yet"


def _usage(nodes: list[Body], pods: list[Body], resources: PodResources) -> tuple[ResourceUsage, ...]:
    allocatable: dict[str, Fraction] = dict.fromkeys(RESOURCES, Fraction(0))
    for body in nodes:
        for name, q in Node.model_validate(body).allocatable().items():
            if name in allocatable:
                allocatable[name] += q.value
    requested: dict[str, Fraction] = dict.fromkeys(RESOURCES, Fraction(0))
    for body in pods:
        spec = body.get("spec")
        if not isinstance(spec, dict) or not spec.get("nodeName"):
            continue
        requested["pods"] += 1
        for name, value in resources.of(body)[0].items():
            if name in requested:
                requested[name] += value
    return tuple(
        ResourceUsage(
            name,
            _show(requested[name], name),
            _show(allocatable[name], name),
            int(requested[name] * 100 / allocatable[name]) if allocatable[name] else 0,
        )
        for name in RESOURCES
    )


def _show(value: Fraction, resource: str) -> str:
    fmt = QuantityFormat.BINARY_SI if resource == "memory" else QuantityFormat.DECIMAL_SI
    return Quantity.from_value(value, fmt).canonical()
