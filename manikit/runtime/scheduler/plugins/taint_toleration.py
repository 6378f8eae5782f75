"""TaintToleration: NoSchedule and NoExecute taints a pod does not tolerate keep it off a node
(filter); each untolerated PreferNoSchedule taint makes a node less attractive (score, reversed)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from manikit.models.node import Taint
from manikit.models.pod import Toleration
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

NAME = "TaintToleration"
REASON_UNTOLERATED = "node(s) had untolerated taint {{{key}: {value}}}"
DO_NOT_SCHEDULE_EFFECTS = ("NoSchedule", "NoExecute")


def is_tolerated(taint: Taint, tolerations: Sequence[Toleration]) -> bool:
    return any(t.tolerates(taint.key, taint.value, taint.effect) for t in tolerations)


def first_untolerated(taints: Sequence[Taint], tolerations: Sequence[Toleration]) -> Taint | None:
    """The first NoSchedule/NoExecute taint, in the node's order, that no toleration matches."""
    for taint in taints:
        if taint.effect in DO_NOT_SCHEDULE_EFFECTS and not is_tolerated(taint, tolerations):
            return taint
    return None


def untolerated_reason(taint: Taint) -> str:
    return REASON_UNTOLERATED.format(key=taint.key, value=taint.value or "")


def prefer_no_schedule_tolerations(tolerations: Sequence[Toleration]) -> tuple[Toleration, ...]:
    """Upstream scores only with tolerations whose effect is PreferNoSchedule or empty."""
    return tuple(t for t in tolerations if not t.effect or t.effect == "PreferNoSchedule")


def intolerable_count(taints: Sequence[Taint], tolerations: Sequence[Toleration]) -> int:
    """How many PreferNoSchedule taints of a node the (filtered) tolerations leave untolerated."""
    return sum(1 for t in taints if t.effect == "PreferNoSchedule" and not is_tolerated(t, tolerations))


class TaintToleration:
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        taint = first_untolerated(node.taints, pod.tolerations)
        if taint is None:
            return SUCCESS
        return unschedulable(NAME, untolerated_reason(taint), resolvable=False)

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], all_nodes: Sequence[NodeInfo]
    ) -> Status:
        state.data[NAME] = prefer_no_schedule_tolerations(pod.tolerations)
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return intolerable_count(node.taints, state.data[NAME])

    def normalize(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]
    ) -> list[int]:
        return default_normalize(scores, reverse=True)

    # vectorised: evaluated once per distinct taint list (ClusterArrays.taint_sets), not per node
    def filter_nodes(self, t: TemplateView) -> NodeFailures:
        c = t.cluster
        reasons: list[tuple[str, ...]] = []
        per_set = np.zeros(len(c.taint_sets), dtype=np.int64)
        for k, taints in enumerate(c.taint_sets):
            taint = first_untolerated(taints, t.info.tolerations)
            if taint is not None:
                reasons.append((untolerated_reason(taint),))
                per_set[k] = len(reasons)
        return NodeFailures(per_set[c.taint_set_of], tuple(reasons))

    def score_nodes(self, t: TemplateView) -> Ints:
        c = t.cluster
        prefer = prefer_no_schedule_tolerations(t.info.tolerations)
        per_set = np.array([intolerable_count(taints, prefer) for taints in c.taint_sets], dtype=np.int64)
        raw: Ints = per_set[c.taint_set_of]
        return raw

    def normalize_nodes(self, raw: Ints, feasible: Bools) -> Ints:
        return default_normalize_vector(raw, feasible, reverse=True)


def new() -> TaintToleration:
    return TaintToleration()
