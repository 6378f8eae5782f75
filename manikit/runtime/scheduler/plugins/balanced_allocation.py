"""NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory would be used in equal
proportion after placing the pod. Best-effort pods (no requests) skip it, as upstream since 1.32."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from manikit.runtime.scheduler.framework import MAX_NODE_SCORE, SUCCESS, Code, CycleState, Status
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.resources import CPU, MEMORY
from manikit.runtime.scheduler.vectorised import TemplateView
from manikit.runtime.scheduler.vectors import Ints

NAME = "NodeResourcesBalancedAllocation"
RESOURCES = (CPU, MEMORY)


def balanced_score(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    """(1 - standard deviation of the used fractions) * 100, fractions capped at 1, in float64."""
    # float(r) / float(a), as Go converts before dividing (Python's int / int rounds only once).
    pairs = zip(requested, allocatable, strict=True)
    fractions = [min(float(r) / float(a), 1.0) for r, a in pairs if a != 0]
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = math.sqrt(sum((f - mean) * (f - mean) for f in fractions) / len(fractions))
    return int((1 - std) * MAX_NODE_SCORE)


def is_best_effort(pod: PodInfo) -> bool:
    return not any(pod.requests.get(r, 0) for r in RESOURCES)


def balanced_allocation_score(pod: PodInfo, node: NodeInfo) -> int:
    """Unlike LeastAllocated, this counts the requests as written (upstream's useRequested)."""
    requested = [node.requested.get(r, 0) + pod.requests.get(r, 0) for r in RESOURCES]
    allocatable = [node.allocatable.get(r, 0) for r in RESOURCES]
    return balanced_score(requested, allocatable)


class BalancedAllocation:
    name = NAME

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], all_nodes: Sequence[NodeInfo]
    ) -> Status:
        if is_best_effort(pod):
            return Status(Code.SKIP, plugin=NAME)
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return balanced_allocation_score(pod, node)

    # vectorised -----------------------------------------------------------------------------------
    def skips_score(self, pod: PodInfo) -> bool:
        return is_best_effort(pod)

    def score_usage(self, t: TemplateView, ix: Ints) -> Ints:
        """``balanced_allocation_score`` of the nodes ``ix`` (two resources: the std is |a - b| / 2)."""
        c, requests = t.cluster, t.info.requests
        cpu, memory = RESOURCES
        if c.all_allocatable(cpu) and c.all_allocatable(memory):
            # int64 / float64 converts before dividing, as Go does; fractions capped at 1.
            used_cpu = np.minimum(
                (c.requested(cpu)[ix] + requests.get(cpu, 0)) / c.allocatable_float(cpu)[ix], 1.0
            )
            used_memory = np.minimum(
                (c.requested(memory)[ix] + requests.get(memory, 0)) / c.allocatable_float(memory)[ix], 1.0
            )
            balanced: Ints = ((1 - np.abs((used_cpu - used_memory) / 2)) * MAX_NODE_SCORE).astype(np.int64)
            return balanced
        fractions = []
        presents = []
        for resource in RESOURCES:
            alloc = c.allocatable(resource)[ix]
            present = alloc != 0
            requested = (c.requested(resource)[ix] + requests.get(resource, 0)).astype(np.float64)
            fractions.append(np.minimum(requested / np.where(present, alloc, 1).astype(np.float64), 1.0))
            presents.append(present)
        std = np.where(presents[0] & presents[1], np.abs((fractions[0] - fractions[1]) / 2), 0.0)
        scores: Ints = ((1 - std) * MAX_NODE_SCORE).astype(np.int64)
        return scores


def new() -> BalancedAllocation:
    return BalancedAllocation()
