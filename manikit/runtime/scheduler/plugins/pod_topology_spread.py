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

import numpy as np

from manikit.runtime.scheduler import spreading
from manikit.runtime.scheduler.framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    Code,
    CycleState,
    Status,
    unschedulable,
)
from manikit.runtime.scheduler.nodeinfo import HOSTNAME_LABEL, Group, NodeInfo, PodInfo
from manikit.runtime.scheduler.plugins.node_affinity import projected
from manikit.runtime.scheduler.spreading import SYSTEM_DEFAULT_CONSTRAINTS, Constraint
from manikit.runtime.scheduler.vectorised import TemplateView
from manikit.runtime.scheduler.vectors import ClusterArrays, GroupCounts, Ints

NAME = "PodTopologySpread"
REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
REASON_NODE_LABEL_NOT_MATCH = REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"
_NO_DOMAIN = 2**31 - 1  # upstream's criticalPaths start at MaxInt32
__all__ = ["NAME", "SYSTEM_DEFAULT_CONSTRAINTS", "PodTopologySpread", "SpreadScorer", "new"]


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


class PodTopologySpread:
    name = NAME

    # vectorised: the system default constraints of pods without constraints of their own ----------
    def covers(self, cluster: ClusterArrays, pod: PodInfo) -> bool:
        return not pod.pod.spec.topology_spread_constraints

    def vector_scorer(self, cluster: ClusterArrays) -> SpreadScorer:
        return SpreadScorer(cluster)

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


def _rounded_table(zones: Ints, used: int, width: int, host_weight: float, zone_weight: float) -> Ints:
    """go_round of the raw score of every (zone row, pod count) cell, flattened (row * width + count):
    ``count * host_weight + (3 - 1)`` plus, in a zone's row, ``zone's pods * zone_weight + (5 - 1)``
    (the last row: nodes without a zone). Cells of counts no node has are 0."""
    (_, host_skew), (_, zone_skew) = SYSTEM_DEFAULT_CONSTRAINTS
    host = np.arange(used, dtype=np.float64) * host_weight + float(host_skew - 1)
    zone = zones * zone_weight + float(zone_skew - 1)
    table = np.zeros((len(zones) + 1, width), dtype=np.float64)
    table[: len(zones), :used] = host[None, :] + zone[:, None]
    table[len(zones), :used] = host
    fraction, whole = np.modf(table)
    rounded: Ints = (whole + (fraction >= 0.5)).astype(np.int64).ravel()  # go_round
    return rounded


def _rounded_row(pods: int, used: int, host_weight: float, zone_weight: float) -> list[int]:
    """One zone's row of ``_rounded_table`` (its first ``used`` cells) in Python floats: the same
    IEEE operations in the same order; the values are never negative, so ``int`` truncates as
    ``modf`` does."""
    (_, host_skew), (_, zone_skew) = SYSTEM_DEFAULT_CONSTRAINTS
    host_term, zone = float(host_skew - 1), pods * zone_weight + float(zone_skew - 1)
    row = []
    for count in range(used):
        value = (count * host_weight + host_term) + zone
        whole = int(value)
        row.append(whole + 1 if value - whole >= 0.5 else whole)
    return row


class SpreadState:
    """For one template and one controller: per zone, the controller's pods on nodes the template's
    required affinity admits (nodeAffinityPolicy Honor), and how many feasible nodes sit in each
    (zone row, pod count) cell of the spread table - both kept current as pods are assumed, so a
    decision never scans the nodes for a minimum or maximum."""

    def __init__(self, t: TemplateView, group: GroupCounts) -> None:
        cluster = t.cluster
        self.template = t
        self.admitted = projected(t)[0]
        self.zones: Ints = np.bincount(
            cluster.zone_of[self.admitted], weights=group.counts[self.admitted], minlength=cluster.zone_count
        ).astype(np.int64)
        self.cells: Ints | None = None
        self.cells_epoch = -1
        self.cells_width = 0
        self._table: Ints | None = None
        self._table_key: tuple[int, int, float, float] = (0, 0, 0.0, 0.0)
        self._table_zones: list[int] = []

    def rounded(self, used: int, width: int, host_weight: float, zone_weight: float) -> Ints:
        """``_rounded_table`` for the current zone counts (kept: read-only for the caller). Between
        two decisions one zone gains a pod: only that zone's row is computed again."""
        zones = self.zones.tolist()
        key = (used, width, host_weight, zone_weight)
        if self._table is None or key != self._table_key:
            self._table = _rounded_table(self.zones, used, width, host_weight, zone_weight)
        else:
            for row, (pods, before) in enumerate(zip(zones, self._table_zones, strict=True)):
                if pods != before:
                    start = row * width
                    self._table[start : start + used] = _rounded_row(pods, used, host_weight, zone_weight)
        self._table_key, self._table_zones = key, zones
        return self._table

    def feasible_cells(self, group: GroupCounts) -> Ints:
        t = self.template
        if self.cells is None or self.cells_epoch != t.epoch or self.cells_width != group.width:
            size = (len(self.zones) + 1) * group.width
            self.cells = np.bincount(group.index[t.feasible], minlength=size).astype(np.int64)
            self.cells_epoch, self.cells_width = t.epoch, group.width
        return self.cells

    def moved(self, i: int, zone: int, group: GroupCounts) -> None:
        """A pod of the controller landed on node ``i`` (its count there is already raised)."""
        if self.admitted[i]:
            self.zones[zone] += 1
        if self.cells is not None and self.cells_width == group.width and self.template.feasible[i]:
            new = int(group.index[i])
            self.cells[new - 1] -= 1
            self.cells[new] += 1


class SpreadScorer:
    """The system default constraints' score for one ``schedule`` call, per (template, controller)."""

    def __init__(self, cluster: ClusterArrays) -> None:
        self.cluster = cluster
        self.states: dict[tuple[str, Group], SpreadState] = {}
        self.by_group: dict[Group, list[SpreadState]] = {}
        self.weights: dict[str, tuple[int, float, float]] = {}  # signature -> (epoch, host, zone)

    def score(self, t: TemplateView, pod: PodInfo, weight: int) -> Ints | None:
        """The weighted, normalized score on every node (infeasible ones ignored).

        A node's raw score depends only on its zone row and its count of the controller's pods, so
        the float arithmetic runs on a small (zones + 1) x counts table, with the same IEEE
        operations as ``PodTopologySpread.score``; the nodes then only gather from it.
        """
        if pod.group is None:  # the controller is the pod's, not the template's
            return None
        c = self.cluster
        counts = c.group(pod.group)
        state = self._state(t, pod.group, counts)
        host_weight, zone_weight = self._weights(t)
        rounded = state.rounded(counts.highest + 1, counts.width, host_weight, zone_weight)
        # the cells feasible nodes occupy: a few dozen, where Python's min and max beat numpy's calls
        among = rounded[np.flatnonzero(state.feasible_cells(counts))].tolist()
        low, high = min(among), max(among)
        if high == 0:
            return np.full(c.size, weight * MAX_NODE_SCORE, dtype=np.int64)
        normalized = weight * (MAX_NODE_SCORE * (high + low - rounded) // high)
        weighted: Ints = normalized[counts.index]
        return weighted

    def _state(self, t: TemplateView, group: Group, counts: GroupCounts) -> SpreadState:
        key = (t.info.signature, group)
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = SpreadState(t, counts)
            self.by_group.setdefault(group, []).append(state)
        return state

    def _weights(self, t: TemplateView) -> tuple[float, float]:
        """normalizing_weight of the feasible nodes and of the zones they are in."""
        found = self.weights.get(t.info.signature)
        if found is None or found[0] != t.epoch:
            zones = np.bincount(self.cluster.zone_of[t.feasible], minlength=self.cluster.zone_count)
            host = normalizing_weight(t.feasible_count)
            found = self.weights[t.info.signature] = (
                t.epoch,
                host,
                normalizing_weight(int(np.count_nonzero(zones))),
            )
        return found[1], found[2]

    def assumed(self, i: int, pod: PodInfo) -> None:
        if pod.group is None or pod.group not in self.by_group:
            return
        zone = int(self.cluster.zone_of[i])
        group = self.cluster.group(pod.group)
        for state in self.by_group[pod.group]:
            state.moved(i, zone, group)

    def forget(self, signature: str) -> None:
        for key in [k for k in self.states if k[0] == signature]:
            dropped = self.states.pop(key)
            self.by_group[key[1]] = [s for s in self.by_group[key[1]] if s is not dropped]
        self.weights.pop(signature, None)


def new() -> PodTopologySpread:
    return PodTopologySpread()
