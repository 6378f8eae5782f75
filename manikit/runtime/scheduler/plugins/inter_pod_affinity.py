"""InterPodAffinity: required pod affinity and anti-affinity - the pod's own, and existing pods'
anti-affinity against it - decide where it may go (filter); preferred terms, both ways, and
existing pods' required affinity (hardPodAffinityWeight 1) make topologies attractive or not (score).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from manikit.runtime.scheduler.framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    Code,
    CycleState,
    Status,
    unschedulable,
)
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.podaffinity import AffinityTerm, PodAffinityTerms
from manikit.runtime.scheduler.vectors import ClusterArrays

NAME = "InterPodAffinity"
REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules"
REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1  # InterPodAffinityArgs default

Pair = tuple[str, str]  # (topology key, value)


@dataclass(frozen=True)
class FilterState:
    terms: PodAffinityTerms
    existing_anti: Counter[Pair]  # where existing pods' required anti-affinity forbids this pod
    affinity: Counter[Pair]  # where pods matching all of this pod's required affinity terms run
    anti: Counter[Pair]  # where pods matching one of its required anti-affinity terms run


def matches(term: AffinityTerm, pod: PodInfo) -> bool:
    return term.matches(pod.namespace, pod.pod.labels)


def _count(counts: Counter[Pair], term: AffinityTerm, node: NodeInfo, amount: int = 1) -> None:
    value = node.labels.get(term.topology_key)
    if value is not None:
        counts[(term.topology_key, value)] += amount


def _pre_filter_counts(pod: PodInfo, terms: PodAffinityTerms, nodes: Sequence[NodeInfo]) -> FilterState:
    existing_anti: Counter[Pair] = Counter()
    affinity: Counter[Pair] = Counter()
    anti: Counter[Pair] = Counter()
    for node in nodes:
        for other in node.pods_with_affinity:
            assert other.affinity is not None
            for term in other.affinity.required_anti_affinity:
                if matches(term, pod):
                    _count(existing_anti, term, node)
        if not terms.required_affinity and not terms.required_anti_affinity:
            continue
        for other in node.pods:
            if terms.required_affinity and all(matches(t, other) for t in terms.required_affinity):
                for term in terms.required_affinity:
                    _count(affinity, term, node)
            for term in terms.required_anti_affinity:
                if matches(term, other):
                    _count(anti, term, node)
    return FilterState(terms, existing_anti, affinity, anti)


def _satisfies_affinity(s: FilterState, pod: PodInfo, node: NodeInfo) -> bool:
    found = True
    for term in s.terms.required_affinity:
        value = node.labels.get(term.topology_key)
        if value is None:
            return False  # every topology key must be on the node
        if s.affinity[(term.topology_key, value)] <= 0:
            found = False
    if found:
        return True
    # The first of a series of pods with affinity to each other: nothing matches anywhere yet and
    # the pod matches its own terms, so it may start the series.
    return not s.affinity and all(matches(t, pod) for t in s.terms.required_affinity)


class InterPodAffinity:
    name = NAME

    def covers(self, cluster: ClusterArrays, pod: PodInfo) -> bool:
        """The vector form: a pod with no terms of its own, that no placed pod's term selects, is
        neither filtered nor scored by this plugin (both PreFilter and PreScore answer SKIP)."""
        return pod.affinity is None and not cluster.concerned_by_affinity(pod)

    def pre_filter(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        terms = pod.affinity or PodAffinityTerms()
        s = _pre_filter_counts(pod, terms, nodes)
        if not s.existing_anti and not terms.required_affinity and not terms.required_anti_affinity:
            return Status(Code.SKIP, plugin=NAME)
        state.data[NAME + "/filter"] = s
        return SUCCESS

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        s: FilterState = state.data[NAME + "/filter"]
        if not _satisfies_affinity(s, pod, node):
            return unschedulable(NAME, REASON_AFFINITY_RULES_NOT_MATCH, resolvable=False)
        for term in s.terms.required_anti_affinity:
            value = node.labels.get(term.topology_key)
            if value is not None and s.anti[(term.topology_key, value)] > 0:
                return unschedulable(NAME, REASON_ANTI_AFFINITY_RULES_NOT_MATCH)
        if s.existing_anti and any(s.existing_anti[pair] > 0 for pair in node.labels.items()):
            return unschedulable(NAME, REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH)
        return SUCCESS

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], all_nodes: Sequence[NodeInfo]
    ) -> Status:
        terms = pod.affinity or PodAffinityTerms()
        own = bool(terms.preferred_affinity or terms.preferred_anti_affinity)
        scores: dict[str, Counter[str]] = {}

        def add(term: AffinityTerm, node: NodeInfo, amount: int) -> None:
            value = node.labels.get(term.topology_key)
            if value is not None:
                scores.setdefault(term.topology_key, Counter())[value] += amount

        for node in all_nodes:
            for other in node.pods if own else node.pods_with_affinity:
                for term in terms.preferred_affinity:
                    if matches(term, other):
                        add(term, node, term.weight)
                for term in terms.preferred_anti_affinity:
                    if matches(term, other):
                        add(term, node, -term.weight)
                theirs = other.affinity
                if theirs is None:
                    continue
                for term in theirs.required_affinity:
                    if matches(term, pod):
                        add(term, node, HARD_POD_AFFINITY_WEIGHT)
                for term in theirs.preferred_affinity:
                    if matches(term, pod):
                        add(term, node, term.weight)
                for term in theirs.preferred_anti_affinity:
                    if matches(term, pod):
                        add(term, node, -term.weight)
        if not scores:
            return Status(Code.SKIP, plugin=NAME)
        state.data[NAME] = scores
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        scores: dict[str, Counter[str]] = state.data[NAME]
        return sum(by_value[node.labels[key]] for key, by_value in scores.items() if key in node.labels)

    def normalize(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]
    ) -> list[int]:
        """Min-max scaled to 0..100 in float64, truncated, as upstream."""
        low, high = min(scores, default=0), max(scores, default=0)
        spread = high - low
        if spread <= 0:
            return [0 for _ in scores]
        return [int(float(MAX_NODE_SCORE) * (float(s - low) / float(spread))) for s in scores]


def new() -> InterPodAffinity:
    return InterPodAffinity()
