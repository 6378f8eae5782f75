"""NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory would be used in equal
proportion after placing the pod. Best-effort pods (no requests) skip it, as upstream since 1.32."""

from __future__ import annotations

import math
from collections.abc import Sequence

from manikit.runtime.scheduler.framework import MAX_NODE_SCORE, SUCCESS, Code, CycleState, Status
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.resources import CPU, MEMORY

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


def new() -> BalancedAllocation:
    return BalancedAllocation()
