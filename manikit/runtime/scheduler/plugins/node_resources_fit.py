"""NodeResourcesFit: the pod's requests must fit in what the node has left, and the node must have
room for one more pod (filter); nodes with the most left over score highest (LeastAllocated)."""

from __future__ import annotations

from collections.abc import Sequence

from manikit.runtime.scheduler.framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    CycleState,
    Status,
    unschedulable,
)
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.resources import CPU, EPHEMERAL_STORAGE, MEMORY, PODS

NAME = "NodeResourcesFit"
REASON_TOO_MANY_PODS = "Too many pods"
REASON_INSUFFICIENT = "Insufficient {resource}"
#: LeastAllocated's default resources and weights (NodeResourcesFitArgs.ScoringStrategy).
SCORED_RESOURCES = ((CPU, 1), (MEMORY, 1))
_FIRST = (CPU, MEMORY, EPHEMERAL_STORAGE)


def checked_resources(pod_requests: dict[str, int]) -> list[str]:
    """The resources Fit compares, in upstream's order: cpu, memory, ephemeral-storage, then extended
    resources (sorted by name here, where Go's map order is random). Zero requests are not checked."""
    others = sorted(r for r in pod_requests if r not in _FIRST and r != PODS)
    return [r for r in (*_FIRST, *others) if pod_requests.get(r, 0) > 0]


def insufficient(pod_requests: dict[str, int], node: NodeInfo) -> list[str]:
    """Every reason the pod does not fit the node ("Too many pods" first), not just the first."""
    reasons = []
    if node.pod_count + 1 > node.allowed_pods:
        reasons.append(REASON_TOO_MANY_PODS)
    for resource in checked_resources(pod_requests):
        free = node.allocatable.get(resource, 0) - node.requested.get(resource, 0)
        if pod_requests[resource] > free:
            reasons.append(REASON_INSUFFICIENT.format(resource=resource))
    return reasons


def least_requested_score(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def least_allocated(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    """Weighted mean of the per-resource scores, resources the node lacks left out (integer maths)."""
    total = weights = 0
    for (_, weight), req, alloc in zip(SCORED_RESOURCES, requested, allocatable, strict=True):
        if alloc == 0:
            continue
        total += least_requested_score(req, alloc) * weight
        weights += weight
    return total // weights if weights else 0


def least_allocated_score(pod: PodInfo, node: NodeInfo) -> int:
    """LeastAllocated counts non-zero requests: 100m / 200Mi for containers that name none."""
    requested = (node.non_zero_cpu + pod.non_zero[0], node.non_zero_memory + pod.non_zero[1])
    allocatable = (node.allocatable.get(CPU, 0), node.allocatable.get(MEMORY, 0))
    return least_allocated(requested, allocatable)


class NodeResourcesFit:
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        reasons = insufficient(pod.requests, node)
        return unschedulable(NAME, *reasons) if reasons else SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return least_allocated_score(pod, node)


def new() -> NodeResourcesFit:
    return NodeResourcesFit()
