"""PodTopologySpread: a pod's DoNotSchedule topologySpreadConstraints keep it off nodes where the
skew would exceed maxSkew (filter); its ScheduleAnyway constraints - or, without any, the system
defaults that spread a controller's replicas over nodes (maxSkew 3) and zones (maxSkew 5) - make
nodes and zones holding fewer matching pods score higher.

For the system defaults upstream selects "the same workload" with the selectors of the pod's
Services and controller; the scheduler is handed pods only, so the workload is the pod's controller
ownerReference (for a ReplicaSet exactly its pods, pod-template-hash included).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from manikit.runtime.scheduler import spreading
from manikit.runtime.scheduler.framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    Code,
    CycleState,
    Status,
    unschedulable,
)
from manikit.runtime.scheduler.nodeinfo import HOSTNAME_LABEL, NodeInfo, PodInfo
from manikit.runtime.scheduler.spreading import SYSTEM_DEFAULT_CONSTRAINTS, Constraint

NAME = "PodTopologySpread"
REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
REASON_NODE_LABEL_NOT_MATCH = REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"
_NO_DOMAIN = 2**31 - 1  # upstream's criticalPaths start at MaxInt32
__all__ = ["NAME", "SYSTEM_DEFAULT_CONSTRAINTS", "PodTopologySpread", "new"]


@dataclass(frozen=True)
class FilterState:
    constraints: list[Constraint]
    counts: list[dict[str, int]]  # per constraint: topology value -> matching pods


@dataclass(frozen=True)
class ScoreState:
    constraints: list[Constraint]
    ignored: set[str]  # feasible nodes lacking a key of explicit constraints: score 0
    weights: list[float]
    counts: list[dict[str, int]]  # per non-hostname constraint: topology value -> matching pods


def normalizing_weight(size: int) -> float:
    """log(size + 2): counts in small topologies are not watered down by big ones."""
    return math.log(float(size + 2))


def go_round(value: float) -> int:
    """Go's math.Round for non-negative values: halves away from zero (Python's round() is banker's)."""
    whole = math.trunc(value)
    return int(whole) + (1 if value - whole >= 0.5 else 0)


def normalize_spread(scores: Sequence[int]) -> list[int]:
    """Fewest matching pods scores 100: 100 * (max + min - s) / max."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high == 0:
        return [MAX_NODE_SCORE for _ in scores]
    return [MAX_NODE_SCORE * (high + low - s) // high for s in scores]


def applies(pod: PodInfo) -> bool:
    """Whether the system default constraints spread this pod."""
    return pod.group is not None and not pod.pod.spec.topology_spread_constraints


class PodTopologySpread:
    name = NAME

    # filter ---------------------------------------------------------------------------------------
    def pre_filter(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        constraints = spreading.explicit(pod, spreading.DO_NOT_SCHEDULE)
        if not constraints:
            return Status(Code.SKIP, plugin=NAME)
        counts: list[dict[str, int]] = [{} for _ in constraints]
        for node in nodes:
            if not spreading.has_keys(node, constraints):
                continue
            for c, by_value in zip(constraints, counts, strict=True):
                if c.includes(pod, node):
                    value = node.labels[c.key]
                    by_value[value] = by_value.get(value, 0) + c.count(node, pod)
        state.data[NAME + "/filter"] = FilterState(constraints, counts)
        return SUCCESS

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        s: FilterState = state.data[NAME + "/filter"]
        for c, by_value in zip(s.constraints, s.counts, strict=True):
            value = node.labels.get(c.key)
            if value is None:
                return unschedulable(NAME, REASON_NODE_LABEL_NOT_MATCH, resolvable=False)
            least = min(by_value.values(), default=_NO_DOMAIN)
            if len(by_value) < c.min_domains:
                least = 0  # too few domains: the global minimum counts as 0
            skew = by_value.get(value, 0) + (1 if c.selects(pod) else 0) - least
            if skew > c.max_skew:
                return unschedulable(NAME, REASON_CONSTRAINTS_NOT_MATCH)
        return SUCCESS

    # score ----------------------------------------------------------------------------------------
    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], all_nodes: Sequence[NodeInfo]
    ) -> Status:
        constraints, require_all = spreading.for_scoring(pod)
        if not constraints or not all_nodes:
            return Status(Code.SKIP, plugin=NAME)
        ignored = {n.name for n in feasible if require_all and not spreading.has_keys(n, constraints)}
        counted = [n for n in feasible if n.name not in ignored]
        counts: list[dict[str, int]] = [
            {} if c.key == HOSTNAME_LABEL else {n.labels.get(c.key, ""): 0 for n in counted}
            for c in constraints
        ]
        weights = [
            normalizing_weight(len(counted) if c.key == HOSTNAME_LABEL else len(by_value))
            for c, by_value in zip(constraints, counts, strict=True)
        ]
        for node in all_nodes:
            if require_all and not spreading.has_keys(node, constraints):
                continue
            for c, by_value in zip(constraints, counts, strict=True):
                value = node.labels.get(c.key, "")
                # per-node counts (hostname) are taken in score; other values only if a candidate has them
                if c.key != HOSTNAME_LABEL and value in by_value and c.includes(pod, node):
                    by_value[value] += c.count(node, pod)
        state.data[NAME] = ScoreState(constraints, ignored, weights, counts)
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        s: ScoreState = state.data[NAME]
        if node.name in s.ignored:
            return 0
        score = 0.0
        for c, weight, by_value in zip(s.constraints, s.weights, s.counts, strict=True):
            value = node.labels.get(c.key)
            if value is None:
                continue
            count = c.count(node, pod) if c.key == HOSTNAME_LABEL else by_value[value]
            score += float(count) * weight + float(c.max_skew - 1)
        return go_round(score)

    def normalize(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]
    ) -> list[int]:
        s: ScoreState = state.data[NAME]
        kept = [score for node, score in zip(nodes, scores, strict=True) if node.name not in s.ignored]
        normalized = iter(normalize_spread(kept))
        return [0 if node.name in s.ignored else next(normalized) for node in nodes]


def new() -> PodTopologySpread:
    return PodTopologySpread()
