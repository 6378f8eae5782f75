"""NodeAffinity: nodeSelector and required node affinity terms must match a node (filter); the
weights of the preferred terms a node matches add up to its score (normalized to 0..100)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from manikit.models.pod import PodSpec, PreferredSchedulingTerm
from manikit.runtime.scheduler.framework import (
    SUCCESS,
    CycleState,
    Status,
    default_normalize,
    unschedulable,
)
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.vectorised import (
    NodeFailures,
    TemplateView,
    default_normalize_vector,
)
from manikit.runtime.scheduler.vectors import Bools, Ints

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


def projected(t: TemplateView) -> tuple[Bools, Ints]:
    """The required match and the raw preferred score of every node, evaluated once per distinct
    projection of the nodes onto the label keys (and, if a term uses matchFields, the name) the pod
    reads; kept in the template's memo (PodTopologySpread's vector form reads the match too)."""
    found: tuple[Bools, Ints] | None = t.memo.get(NAME)
    if found is None:
        found = t.memo[NAME] = _project(t)
    return found


def _project(t: TemplateView) -> tuple[Bools, Ints]:
    c, spec = t.cluster, t.info.pod.spec
    terms = preferred_terms(spec)
    keys, by_name = _referenced_keys(spec)
    columns = [c.label_column(k) for k in keys]
    parts = [codes for codes, _ in columns]
    if by_name:
        parts.append(np.arange(c.size, dtype=np.int32))
    if not parts:
        matches = matches_required(spec, {}, "")
        raw = preferred_score(terms, {}, "")
        return np.full(c.size, matches, dtype=bool), np.full(c.size, raw, dtype=np.int64)
    rows, inverse = np.unique(np.stack(parts, axis=1), axis=0, return_inverse=True)
    match_rows = np.zeros(len(rows), dtype=bool)
    raw_rows = np.zeros(len(rows), dtype=np.int64)
    for r, row in enumerate(rows):
        codes = row[: len(keys)]
        labels = {k: vals[code - 1] for k, (_, vals), code in zip(keys, columns, codes, strict=True) if code}
        name = c.names[row[-1]] if by_name else ""
        match_rows[r] = matches_required(spec, labels, name)
        raw_rows[r] = preferred_score(terms, labels, name)
    inverse = inverse.reshape(-1)
    return match_rows[inverse], raw_rows[inverse]


def _referenced_keys(spec: PodSpec) -> tuple[list[str], bool]:
    """Label keys the pod's nodeSelector and node affinity read, and whether any term reads fields."""
    keys = set(spec.node_selector or {})
    affinity = spec.affinity.node_affinity if spec.affinity else None
    terms = []
    if affinity is not None:
        required = affinity.required_during_scheduling_ignored_during_execution
        terms += required.node_selector_terms if required else []
        terms += [p.preference for p in affinity.preferred_during_scheduling_ignored_during_execution or []]
    keys.update(r.key for t in terms for r in t.match_expressions or [])
    by_name = any(t.match_fields for t in terms)
    return sorted(keys), by_name


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

    # vectorised -----------------------------------------------------------------------------------
    def filter_nodes(self, t: TemplateView) -> NodeFailures:
        matches, _ = projected(t)
        return NodeFailures((~matches).astype(np.int64), ((REASON_POD,),))

    def score_nodes(self, t: TemplateView) -> Ints:
        return projected(t)[1]

    def normalize_nodes(self, raw: Ints, feasible: Bools) -> Ints:
        return default_normalize_vector(raw, feasible)


def new() -> NodeAffinity:
    return NodeAffinity()
