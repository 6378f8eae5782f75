"""Which changes of a plan can move a pod: create, delete or reschedule one, or change what the
scheduler sees. The scheduling preview simulates a plan only when some change can; a plan of Services,
ConfigMaps, new Namespaces and Deployments with 0 replicas leaves every pod and node as it is.

Conservative by design: a kind not named here, a Pod, a Node, a Namespace's update or deletion and
any workload change that touches its spec (replicas, template, selector, strategy, paused...) can.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from manikit.models.selector import LabelSelector
from manikit.plan.actions import Action, Plan, ResourceChange

Body = dict[str, Any]

#: kinds no controller or scheduler reads: Services feed only Endpoints, ConfigMaps nothing
_INERT_KINDS = frozenset({"ConfigMap", "Service"})
_WORKLOADS = frozenset({"Deployment", "ReplicaSet"})
#: paths whose change leaves a workload's pods alone (its own labels and annotations)
_METADATA_ONLY = ("metadata.labels", "metadata.annotations")


def moves_pods(plan: Plan, pods: Iterable[Body], replica_sets: Iterable[Body]) -> bool:
    """Whether any change of ``plan`` can move a pod. ``pods`` and ``replica_sets`` are the cluster's:
    a workload with 0 replicas still adopts the orphans (objects without a controller) its selector
    matches, so beside any such it counts as one that can."""
    orphans = Orphans([*pods, *replica_sets])
    return any(can_move_pods(change, orphans) for change in plan.changes)


class Orphans:
    """The labels of the cluster's objects without a controller, by namespace and by label pair."""

    def __init__(self, bodies: Iterable[Body]) -> None:
        self._by_namespace: dict[str, list[dict[str, str]]] = {}
        self._by_label: dict[tuple[str, str, Any], list[dict[str, str]]] = {}
        for body in bodies:
            meta = body.get("metadata") or {}
            if any(ref.get("controller") for ref in meta.get("ownerReferences") or ()):
                continue
            namespace, labels = meta.get("namespace") or "", meta.get("labels") or {}
            self._by_namespace.setdefault(namespace, []).append(labels)
            for pair in labels.items():
                self._by_label.setdefault((namespace, *pair), []).append(labels)

    def any_selected(self, namespace: str, selector: Any) -> bool:
        """Whether ``selector`` (a workload's spec.selector) matches an orphan of ``namespace``; True
        for one that is not a valid selector (conservative)."""
        if namespace not in self._by_namespace:
            return False
        if not isinstance(selector, dict):
            return True
        pairs = selector.get("matchLabels") or {}
        if not isinstance(pairs, dict):
            return True
        pools = [self._by_label.get((namespace, k, v), []) for k, v in pairs.items()]
        pool = min(pools, key=len) if pools else self._by_namespace[namespace]
        if not pool:
            return False
        try:
            parsed = LabelSelector.model_validate(selector)
        except ValidationError:
            return True
        return any(parsed.matches(labels) for labels in pool)


NO_ORPHANS = Orphans(())


def can_move_pods(change: ResourceChange, orphans: Orphans = NO_ORPHANS) -> bool:
    action, kind = change.action, change.key.kind
    if action is Action.NOOP or kind in _INERT_KINDS:
        return False
    if kind == "Namespace":
        return action is not Action.CREATE  # a new namespace holds no pod; labels feed namespaceSelector
    if kind not in _WORKLOADS or action is Action.REPLACE:
        return True
    if action is Action.UPDATE and all(_metadata_only(c.path) for c in change.changes):
        return False
    bodies = [body for body in (change.before, change.after) if body is not None]
    if any(orphans.any_selected(change.key.namespace, (b.get("spec") or {}).get("selector")) for b in bodies):
        return True
    return any(_replicas(body) != 0 for body in bodies)


def _metadata_only(path: str) -> bool:
    return any(path == p or path.startswith(p + ".") for p in _METADATA_ONLY)


def _replicas(body: Body) -> int | None:
    """spec.replicas (defaulted to 1 as the API server does), or None when the status still counts
    pods: a workload at 0 whose pods are not all gone yet."""
    spec = body.get("spec") or {}
    status = body.get("status") or {}
    replicas = spec.get("replicas", 1)
    if status.get("replicas"):
        return None
    return replicas if isinstance(replicas, int) else None
