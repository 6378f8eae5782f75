"""NodeAffinity: nodeSelector and required node affinity terms must match a node (filter); the
weights of the preferred terms a node matches add up to its score (normalized to 0..100)."""

from __future__ import annotations

from collections.abc import Sequence

from manikit.models.pod import PodSpec, PreferredSchedulingTerm
from manikit.runtime.scheduler.framework import (
    SUCCESS,
    CycleState,
    Status,
    default_normalize,
    unschedulable,
)
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo

NAME = "NodeAffinity"
REASON_POD = "node(s) didn't match Pod's node affinity/selector"


def matches_required(spec: PodSpec, labels: dict[str, str], node_name: str) -> bool:
    """nodeSelector (every pair) and requiredDuringScheduling terms (any term) both hold."""
    for key, value in (spec.node_selector or {}).items():
        if labels.get(key) != value:
            return False
    affinity = spec.affinity.node_affinity if spec.affinity else None
    required = affinity.required_during_scheduling_ignored_during_execution if affinity else None
    return required is None or required.matches(labels, node_name)


def preferred_terms(spec: PodSpec) -> list[PreferredSchedulingTerm]:
    affinity = spec.affinity.node_affinity if spec.affinity else None
    return list(affinity.preferred_during_scheduling_ignored_during_execution or []) if affinity else []


def preferred_score(terms: Sequence[PreferredSchedulingTerm], labels: dict[str, str], node_name: str) -> int:
    """Sum of the weights of matching preferred terms (an empty term matches nothing, as upstream)."""
    return sum(t.weight for t in terms if t.preference.matches(labels, node_name))


class NodeAffinity:
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        if matches_required(pod.pod.spec, node.labels, node.name):
            return SUCCESS
        return unschedulable(NAME, REASON_POD, resolvable=False)

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], all_nodes: Sequence[NodeInfo]
    ) -> Status:
        state.data[NAME] = preferred_terms(pod.pod.spec)
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return preferred_score(state.data[NAME], node.labels, node.name)

    def normalize(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]
    ) -> list[int]:
        return default_normalize(scores)


def new() -> NodeAffinity:
    return NodeAffinity()
