"""Topology spread constraints as PodTopologySpread evaluates them: the pod's own
(topologySpreadConstraints, with matchLabelKeys folded into the selector) or, for a pod without any,
kube-scheduler's system defaults, which count the pods of the same controller."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from manikit.models.selector import LabelSelector, LabelSelectorRequirement
from manikit.runtime.scheduler.nodeinfo import HOSTNAME_LABEL, ZONE_LABEL, NodeInfo, PodInfo
from manikit.runtime.scheduler.plugins.node_affinity import matches_required
from manikit.runtime.scheduler.plugins.taint_toleration import first_untolerated

DO_NOT_SCHEDULE = "DoNotSchedule"
SCHEDULE_ANYWAY = "ScheduleAnyway"
#: (topologyKey, maxSkew) of kube-scheduler's systemDefaultConstraints, both ScheduleAnyway.
SYSTEM_DEFAULT_CONSTRAINTS = ((HOSTNAME_LABEL, 3), (ZONE_LABEL, 5))


@dataclass(frozen=True)
class Constraint:
    key: str
    max_skew: int
    #: Which pods count: those the selector matches (None: none, as a missing labelSelector selects
    #: nothing upstream) - or, for the system defaults, the pods of the same controller.
    selector: LabelSelector | None = None
    by_controller: bool = False
    min_domains: int = 1
    honor_affinity: bool = True  # nodeAffinityPolicy Honor (the default)
    honor_taints: bool = False  # nodeTaintsPolicy Ignore (the default)

    def selects(self, pod: PodInfo) -> bool:
        return self.selector is not None and self.selector.matches(pod.pod.labels)

    def count(self, node: NodeInfo, pod: PodInfo) -> int:
        """Matching pods on ``node``, in the incoming pod's namespace."""
        if self.by_controller:
            return node.group_counts[pod.group] if pod.group is not None else 0
        return sum(1 for p in node.pods if p.namespace == pod.namespace and self.selects(p))

    def includes(self, pod: PodInfo, node: NodeInfo) -> bool:
        """Whether the node's pods count at all (the node inclusion policies)."""
        if self.honor_affinity and not matches_required(pod.pod.spec, node.labels, node.name):
            return False
        return not (self.honor_taints and first_untolerated(node.taints, pod.tolerations) is not None)


def has_keys(node: NodeInfo, constraints: Iterable[Constraint]) -> bool:
    return all(c.key in node.labels for c in constraints)


def explicit(pod: PodInfo, action: str) -> list[Constraint]:
    """The pod's own constraints with ``whenUnsatisfiable == action``."""
    found = []
    for c in pod.pod.spec.topology_spread_constraints or []:
        if c.when_unsatisfiable != action:
            continue
        found.append(
            Constraint(
                key=c.topology_key,
                max_skew=c.max_skew,
                selector=_with_label_keys(c.label_selector, c.match_label_keys or [], pod.pod.labels),
                min_domains=c.min_domains or 1,
                honor_affinity=(c.node_affinity_policy or "Honor") == "Honor",
                honor_taints=(c.node_taints_policy or "Ignore") == "Honor",
            )
        )
    return found


def for_scoring(pod: PodInfo) -> tuple[list[Constraint], bool]:
    """ScheduleAnyway constraints and whether nodes must carry every key (only for explicit ones)."""
    if pod.pod.spec.topology_spread_constraints:
        return explicit(pod, SCHEDULE_ANYWAY), True
    if pod.group is None:
        return [], False
    return [Constraint(key, skew, by_controller=True) for key, skew in SYSTEM_DEFAULT_CONSTRAINTS], False


def _with_label_keys(
    selector: LabelSelector | None, keys: list[str], labels: dict[str, str]
) -> LabelSelector | None:
    """matchLabelKeys: the incoming pod's values for those keys, ANDed with the selector."""
    if selector is None:
        return None
    extra = [LabelSelectorRequirement(key=k, operator="In", values=[labels[k]]) for k in keys if k in labels]
    if not extra:
        return selector
    return LabelSelector(
        match_labels=selector.match_labels, match_expressions=[*(selector.match_expressions or []), *extra]
    )
