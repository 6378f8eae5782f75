"""NodeResourcesFit: the pod's requests must fit in what the node has left, and the node must have
room for one more pod (filter); nodes with the most left over score highest (LeastAllocated)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from manikit.runtime.scheduler.framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    CycleState,
    Status,
    unschedulable,
)
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.resources import CPU, EPHEMERAL_STORAGE, MEMORY, PODS
from manikit.runtime.scheduler.vectorised import TemplateView
from manikit.runtime.scheduler.vectors import Ints

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

    # vectorised -----------------------------------------------------------------------------------
    def usage_reasons(self, pod: PodInfo) -> tuple[str, ...]:
        checked = checked_resources(pod.requests)
        return (REASON_TOO_MANY_PODS, *(REASON_INSUFFICIENT.format(resource=r) for r in checked))

    def filter_usage(self, t: TemplateView, ix: Ints) -> Ints:
        c, requests = t.cluster, t.info.requests
        bits: Ints = np.where(c.pod_count[ix] + 1 > c.allowed_pods[ix], 1, 0)
        for k, resource in enumerate(checked_resources(requests), start=1):
            free = c.allocatable(resource)[ix] - c.requested(resource)[ix]
            bits |= np.where(requests[resource] > free, 1 << k, 0)
        return bits

    def skips_score(self, pod: PodInfo) -> bool:
        return False

    def score_usage(self, t: TemplateView, ix: Ints) -> Ints:
        return least_allocated_vector(t, ix)


def least_allocated_vector(t: TemplateView, ix: Ints) -> Ints:
    """``least_allocated_score`` of the nodes ``ix``."""
    c = t.cluster
    (cpu, cpu_weight), (memory, memory_weight) = SCORED_RESOURCES
    pod_cpu, pod_memory = t.info.non_zero
    if c.all_allocatable(cpu) and c.all_allocatable(memory):
        # Every node has both: no resource drops out of the weighted mean, nothing divides by 0;
        # a request above capacity gives a negative quotient, clipped to upstream's 0.
        alloc = c.allocatable(cpu)[ix]
        cpu_score = np.maximum((alloc - (c.non_zero_cpu[ix] + pod_cpu)) * MAX_NODE_SCORE // alloc, 0)
        alloc = c.allocatable(memory)[ix]
        memory_score = np.maximum((alloc - (c.non_zero_memory[ix] + pod_memory)) * MAX_NODE_SCORE // alloc, 0)
        mean: Ints = (cpu_score * cpu_weight + memory_score * memory_weight) // (cpu_weight + memory_weight)
        return mean
    total: Ints = np.zeros(1, dtype=np.int64)
    weights: Ints = np.zeros(1, dtype=np.int64)
    for (resource, weight), used, wanted in zip(
        SCORED_RESOURCES, (c.non_zero_cpu, c.non_zero_memory), (pod_cpu, pod_memory), strict=True
    ):
        alloc = c.allocatable(resource)[ix]
        requested = used[ix] + wanted
        present = alloc != 0
        fits = present & (requested <= alloc)
        score = np.where(fits, (alloc - requested) * MAX_NODE_SCORE // np.where(present, alloc, 1), 0)
        total = total + score * weight * present
        weights = weights + weight * present
    least: Ints = np.where(weights > 0, total // np.maximum(weights, 1), 0)
    return least


def new() -> NodeResourcesFit:
    return NodeResourcesFit()
