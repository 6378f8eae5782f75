"""Per-node capacity: what the pods on each node request and are limited to, against its allocatable.

Requests are counted as the scheduler counts them (``manikit.kinds.resources.pod_requests``); limits as
``kubectl describe node`` sums them (containers' limits, raised to the largest init container's). The
plan's preview, ``manikit top nodes`` and the dashboard all draw from these values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from manikit.kinds.resources import pod_requests
from manikit.models.pod import PodSpec
from manikit.models.quantity import Quantity, QuantityFormat, parse_quantity

Body = dict[str, Any]
RESOURCES = ("cpu", "memory", "pods")
#: A node whose requests reach this share of some resource is drawn as full.
FULL_PERCENT = 95


@dataclass(frozen=True)
class Usage:
    """One resource on one node. ``limits`` is None for pods (a count has no limit)."""

    resource: str
    requested: Fraction
    limits: Fraction | None
    allocatable: Fraction

    @property
    def percent(self) -> int:
        return _percent(self.requested, self.allocatable)

    @property
    def limit_percent(self) -> int:
        return _percent(self.limits or Fraction(0), self.allocatable)

    def shown(self, value: Fraction | None) -> str:
        return show_quantity(value or Fraction(0), self.resource)

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "requested": self.shown(self.requested),
            "limits": None if self.limits is None else self.shown(self.limits),
            "allocatable": self.shown(self.allocatable),
            "percent": self.percent,
        }


@dataclass(frozen=True)
class NodeUsage:
    node: str
    usages: tuple[Usage, ...]
    pods: tuple[str, ...] = ()  # namespace/name of the pods bound there

    @property
    def full(self) -> bool:
        return any(u.allocatable and u.percent >= FULL_PERCENT for u in self.usages)

    def usage(self, resource: str) -> Usage:
        return next(u for u in self.usages if u.resource == resource)


def _percent(part: Fraction, whole: Fraction) -> int:
    return int(part * 100 / whole) if whole else 0


def show_quantity(value: Fraction, resource: str) -> str:
    if resource == "pods":
        return str(int(value))
    fmt = QuantityFormat.BINARY_SI if resource == "memory" else QuantityFormat.DECIMAL_SI
    return Quantity.from_value(value, fmt).canonical()


def is_active(pod: Body) -> bool:
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def pod_limits(spec: PodSpec) -> dict[str, Fraction]:
    """cpu and memory limits of a pod as kubectl's ``describe node`` adds them up."""
    total: dict[str, Fraction] = {}
    for c in spec.containers:
        for res, q in c.limits().items():
            total[res] = total.get(res, Fraction(0)) + q.value
    for c in spec.init_containers or []:
        for res, q in c.limits().items():
            if q.value > total.get(res, Fraction(0)):
                total[res] = q.value
    return total


Totals = tuple[dict[str, Fraction], dict[str, Fraction]]  # a pod's requests and limits


class PodResources:
    """Each pod's requests and limits, and each node's usage, computed once per version of the objects.

    The plan's preview asks for the whole cluster before the change and again after it, and a change
    touches a few pods: the pods and nodes it does not touch come back with the same uid and
    resourceVersion (the simulation is a copy of the state), so their figures are reused instead of
    validating every pod again. Objects without a uid or resourceVersion are always computed.
    """

    def __init__(self) -> None:
        self._pods: dict[tuple[str, str], Totals] = {}
        self._nodes: dict[tuple[Any, ...], NodeUsage] = {}

    def of(self, pod: Body) -> Totals:
        key = _version(pod)
        if key is None:
            return _pod_totals(pod)
        found = self._pods.get(key)
        if found is None:
            found = self._pods[key] = _pod_totals(pod)
        return found

    def node(self, node: Body, pods: list[Body]) -> NodeUsage:
        # A node's status changes as the simulation runs (heartbeats): its name and capacity are what
        # its usage depends on.
        status = node.get("status") or {}
        versions = [_version(p) for p in pods]
        if None in versions:
            return _node_usage(node, pods, self)
        capacity = (status.get("capacity"), status.get("allocatable"))
        key = (node["metadata"]["name"], repr(capacity), *versions)
        found = self._nodes.get(key)
        if found is None:
            found = self._nodes[key] = _node_usage(node, pods, self)
        return found


def _version(body: Body) -> tuple[str, str] | None:
    meta = body.get("metadata") or {}
    uid, version = meta.get("uid"), meta.get("resourceVersion")
    return (uid, version) if uid and version else None


# What pod_requests and pod_limits read of a spec: a recorded pod is valid, so validating only these
# gives the same figures as the whole spec (its volumes, affinity, ... are most of a pod's fields).
_RESOURCE_FIELDS = ("containers", "initContainers", "overhead")


def _pod_totals(pod: Body) -> Totals:
    body = pod["spec"]
    spec = PodSpec.model_validate({k: body[k] for k in _RESOURCE_FIELDS if k in body})
    requests = {res: q.value for res, q in pod_requests(spec, pod_defaults=False).items()}
    return requests, pod_limits(spec)


def node_usages(
    nodes: Sequence[Body], pods: Iterable[Body], resources: PodResources | None = None
) -> list[NodeUsage]:
    """Every node's usage by the active pods bound to it, in node name order (``resources``: figures
    already computed for the same objects, see PodResources)."""
    memo = resources if resources is not None else PodResources()
    by_node: dict[str, list[Body]] = {}
    for pod in pods:
        node = (pod.get("spec") or {}).get("nodeName")
        if node and is_active(pod):
            by_node.setdefault(node, []).append(pod)
    return [
        memo.node(node, by_node.get(node["metadata"]["name"], []))
        for node in sorted(nodes, key=lambda n: n["metadata"]["name"])
    ]


def _node_usage(node: Body, pods: list[Body], memo: PodResources) -> NodeUsage:
    status = node.get("status") or {}
    alloc = {**(status.get("capacity") or {}), **(status.get("allocatable") or {})}
    requested = dict.fromkeys(RESOURCES, Fraction(0))
    limits = dict.fromkeys(RESOURCES, Fraction(0))
    for pod in pods:
        pod_requested, pod_limited = memo.of(pod)
        requested["pods"] += 1
        for res, value in pod_requested.items():
            if res in requested:
                requested[res] += value
        for res, value in pod_limited.items():
            if res in limits:
                limits[res] += value
    usages = tuple(
        Usage(
            res,
            requested[res],
            None if res == "pods" else limits[res],
            parse_quantity(str(alloc[res])).value if res in alloc else Fraction(0),
        )
        for res in RESOURCES
    )
    names = tuple(f"{p['metadata'].get('namespace', '')}/{p['metadata']['name']}" for p in pods)
    return NodeUsage(node["metadata"]["name"], usages, tuple(sorted(names)))
