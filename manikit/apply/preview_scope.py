"""What the scheduling preview simulates of a settled local cluster: only what the change touches.

In: every Namespace and Node; the workloads the plan can move pods of (created, changed and deleted
Deployments and ReplicaSets, with their ReplicaSets and pods); the workloads of every pod that is not
steady (a Pending pod may take room a change frees; a restarting one is its controllers' business);
the ReplicaSets no Deployment owns; and every other pod as it is, holding its room, its ports and its
labels on its node. Out: Services, Endpoints, ConfigMaps and the other Deployments and ReplicaSets,
which on a settled cluster would change no pod. The plan's changes to what is out are not carried out.

A pod of a workload left out keeps its owner's kind and name (the scheduler spreads a workload's pods
by them) but points at its namespace's uid, so that nothing collects it for a missing owner and no
ReplicaSet takes it as an orphan; it is the same pod to the scheduler. Whatever this cannot reproduce
is left to the whole cluster's simulation (``focus`` answers None): a change to an existing Node, the
deletion of a Namespace, a kind it does not know, a pod whose workload is not found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from manikit.apply.pod_impact import Orphans, can_move_pods
from manikit.cluster import Cluster
from manikit.cluster.seeded import is_steady
from manikit.plan.actions import Action, Plan, ResourceChange

Body = dict[str, Any]
Key = tuple[str, str]  # (namespace, name)

#: kinds whose changes are left out: no controller reads them to place a pod
_LEFT_OUT = frozenset({"ConfigMap", "Service"})
_WORKLOADS = frozenset({"Deployment", "ReplicaSet"})


@dataclass(frozen=True)
class Listed:
    """The cluster's objects the preview reads, listed once; Deployments are read one by one, only
    those the focus takes (``find_deployment(namespace, name)``)."""

    namespaces: list[Body]
    nodes: list[Body]
    replica_sets: list[Body]
    pods: list[Body]
    find_deployment: Callable[[str, str], Body | None]


@dataclass(frozen=True)
class Focus:
    """What to seed the simulation with ((kind, body), namespaces first) and the changes to carry out."""

    objects: tuple[tuple[str, Body], ...]
    changes: tuple[ResourceChange, ...]


def focus(plan: Plan, listed: Listed) -> Focus | None:
    """The part of the cluster the preview of ``plan`` needs, or None for the whole cluster."""
    orphans = Orphans([*listed.pods, *listed.replica_sets])
    changes: list[ResourceChange] = []
    planned: dict[str, set[Key]] = {"Deployment": set(), "ReplicaSet": set()}
    for change in plan.changes:
        carried = _carried(change, orphans)
        if carried is None:
            return None
        if carried:
            changes.append(change)
            if change.key.kind in planned:
                planned[change.key.kind].add((change.key.namespace, change.key.name))
    workloads = _Workloads(listed)
    for kind, keys in planned.items():
        workloads.take_keys(kind, keys)
    for pod in listed.pods:
        if not is_steady(pod) and not workloads.take_pod(pod):
            return None
    fixed = _fixed_pods(listed, workloads)
    if fixed is None:
        return None
    objects = [
        *(("Namespace", b) for b in listed.namespaces),
        *(("Node", b) for b in listed.nodes),
        *(("Deployment", b) for b in workloads.deployments),
        *(("ReplicaSet", b) for b in listed.replica_sets if _uid(b) in workloads.uids),
        *(("Pod", b) for b in fixed),
    ]
    return Focus(tuple(objects), tuple(changes))


def _carried(change: ResourceChange, orphans: Orphans) -> bool | None:
    """Carry ``change`` out in the focused simulation (True), leave it out (False), or None: only the
    whole cluster's simulation shows what it does."""
    kind, action = change.key.kind, change.action
    if action is Action.NOOP or kind in _LEFT_OUT:
        return False
    if kind == "Namespace":
        return True if action in (Action.CREATE, Action.UPDATE) else None
    if kind == "Node":
        return True if action is Action.CREATE else None
    if kind == "Pod":
        owned = any(
            (b.get("metadata") or {}).get("ownerReferences") for b in (change.before, change.after) if b
        )
        return None if owned else True
    if kind in _WORKLOADS:
        return can_move_pods(change, orphans)
    return None


class _Workloads:
    """The Deployments and ReplicaSets taken into the focus (by uid), with their ReplicaSets: a taken
    Deployment brings every ReplicaSet it owns; a ReplicaSet without a controller is always taken."""

    def __init__(self, listed: Listed) -> None:
        self.uids: set[str] = set()
        self.deployments: list[Body] = []
        self._find_deployment = listed.find_deployment
        self._replica_sets = {_uid(b): b for b in listed.replica_sets}
        self._rs_by_key = {_key(b): b for b in listed.replica_sets}
        self._owned: dict[str, list[Body]] = {}
        for rs in listed.replica_sets:
            owner = _controller(rs)
            if owner is None:
                self.uids.add(_uid(rs))
            else:
                self._owned.setdefault(owner, []).append(rs)

    def take_keys(self, kind: str, keys: Iterable[Key]) -> None:
        for namespace, name in sorted(keys):
            if kind == "Deployment":
                self._take_deployment(self._find_deployment(namespace, name))
            else:
                found = self._rs_by_key.get((namespace, name))
                if found is not None:  # a created one is not there yet: the plan makes it
                    self._take_replica_set(found)

    def take_pod(self, pod: Body) -> bool:
        """Take the workload of ``pod`` (a pod of no workload needs none); False when its controller
        is not a known ReplicaSet."""
        owner = _controller(pod)
        if owner is None:
            return True
        rs = self._replica_sets.get(owner)
        if rs is None:
            return False
        self._take_replica_set(rs)
        return True

    def _take_replica_set(self, rs: Body) -> None:
        """The ReplicaSet and the Deployment that owns it (with its other ReplicaSets): a ReplicaSet
        simulated without its Deployment would not be scaled as the Deployment scales it."""
        self.uids.add(_uid(rs))
        ref = next((r for r in rs["metadata"].get("ownerReferences") or () if r.get("controller")), None)
        if ref is not None and ref.get("kind") == "Deployment":
            found = self._find_deployment(rs["metadata"].get("namespace") or "", str(ref.get("name")))
            if found is not None and _uid(found) == ref.get("uid"):
                self._take_deployment(found)

    def _take_deployment(self, deployment: Body | None) -> None:
        if deployment is None or _uid(deployment) in self.uids:
            return  # a created one is not there yet (the plan makes it), or taken already
        uid = _uid(deployment)
        self.uids.add(uid)
        self.deployments.append(deployment)
        for rs in self._owned.get(uid, ()):
            self.uids.add(_uid(rs))


def _fixed_pods(listed: Listed, workloads: _Workloads) -> list[Body] | None:
    """Every pod: those of taken workloads (and of none) as they are; the others pointed at their
    namespace's uid. None when a namespace is missing."""
    namespaces = {b["metadata"]["name"]: _uid(b) for b in listed.namespaces}
    pods = []
    for pod in listed.pods:
        meta = pod["metadata"]
        refs = meta.get("ownerReferences")
        if not refs or _controller(pod) in workloads.uids:
            pods.append(pod)
            continue
        namespace = namespaces.get(meta.get("namespace") or "")
        if namespace is None:
            return None
        moved = [{**ref, "uid": namespace} for ref in refs]
        pods.append({**pod, "metadata": {**meta, "ownerReferences": moved}})
    return pods


def pods_after(simulation: Cluster, since: int, pods: list[Body]) -> list[Body]:
    """The pods at the end of the focused simulation: ``pods`` (the cluster's, as listed before it)
    with what the simulation wrote since revision ``since``, in the order a list gives them."""
    current = {_key(p): p for p in pods}
    for entry in simulation.watch(since, ["Pod"]):
        key = (entry.namespace, entry.name)
        if entry.op == "DELETED":
            current.pop(key, None)
        else:  # without the copy's resourceVersion, which could be a real one: never taken for it
            meta = {k: v for k, v in entry.body["metadata"].items() if k != "resourceVersion"}
            current[key] = {**entry.body, "metadata": meta}
    return [current[k] for k in sorted(current)]


def _key(body: Body) -> Key:
    meta = body["metadata"]
    return (meta.get("namespace") or "", meta["name"])


def _uid(body: Body) -> str:
    return str(body["metadata"].get("uid") or "")


def _controller(body: Body) -> str | None:
    for ref in body["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return str(ref.get("uid"))
    return None
