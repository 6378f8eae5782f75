"""PodTopologySpread with the system default constraints: a controller's replicas spread across
nodes (maxSkew 3, kubernetes.io/hostname) and zones (maxSkew 5, topology.kubernetes.io/zone), as a
preference (ScheduleAnyway): nodes and zones already holding fewer replicas score higher.

Upstream selects "the same workload" with the selectors of the pod's Services and controller; the
scheduler is handed pods only, so the group is the pod's controller ownerReference (which, for a
ReplicaSet, selects exactly its pods, pod-template-hash included). Pods with explicit
topologySpreadConstraints are not spread by the defaults (as upstream) and their own constraints
are not evaluated here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from manikit.runtime.scheduler.framework import MAX_NODE_SCORE, SUCCESS, Code, CycleState, Status
from manikit.runtime.scheduler.nodeinfo import HOSTNAME_LABEL, ZONE_LABEL, Group, NodeInfo, PodInfo
from manikit.runtime.scheduler.plugins.node_affinity import matches_required

NAME = "PodTopologySpread"
#: (topologyKey, maxSkew) of kube-scheduler's systemDefaultConstraints, both ScheduleAnyway.
SYSTEM_DEFAULT_CONSTRAINTS = ((HOSTNAME_LABEL, 3), (ZONE_LABEL, 5))


@dataclass(frozen=True)
class SpreadState:
    group: Group
    host_weight: float
    zone_weight: float
    zone_counts: dict[str, int]


def normalizing_weight(size: int) -> float:
    """log(size + 2): counts in small topologies are not watered down by big ones."""
    return math.log(float(size + 2))


def go_round(value: float) -> int:
    """Go's math.Round for non-negative values: halves away from zero (Python's round() is banker's)."""
    whole = math.trunc(value)
    return int(whole) + (1 if value - whole >= 0.5 else 0)


def raw_score(host_count: int, zone_count: int | None, host_weight: float, zone_weight: float) -> int:
    """Sum over the constraints of count * weight + (maxSkew - 1); the zone term only for nodes
    that carry a zone label (``zone_count`` None otherwise)."""
    (_, host_skew), (_, zone_skew) = SYSTEM_DEFAULT_CONSTRAINTS
    score = 0.0
    score += float(host_count) * host_weight + float(host_skew - 1)
    if zone_count is not None:
        score += float(zone_count) * zone_weight + float(zone_skew - 1)
    return go_round(score)


def normalize_spread(scores: Sequence[int]) -> list[int]:
    """Fewest matching pods scores 100: 100 * (max + min - s) / max."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high == 0:
        return [MAX_NODE_SCORE for _ in scores]
    return [MAX_NODE_SCORE * (high + low - s) // high for s in scores]


def applies(pod: PodInfo) -> bool:
    return pod.group is not None and not pod.pod.spec.topology_spread_constraints


class PodTopologySpread:
    name = NAME

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], all_nodes: Sequence[NodeInfo]
    ) -> Status:
        if pod.group is None or not applies(pod) or not all_nodes:
            return Status(Code.SKIP, plugin=NAME)
        zones = {n.labels.get(ZONE_LABEL, "") for n in feasible}
        counts: Counter[str] = Counter({z: 0 for z in zones})
        for node in all_nodes:
            zone = node.labels.get(ZONE_LABEL, "")
            # nodeAffinityPolicy Honor: only nodes the pod could be placed on count toward a zone.
            if zone in zones and matches_required(pod.pod.spec, node.labels, node.name):
                counts[zone] += node.group_counts[pod.group]
        state.data[NAME] = SpreadState(
            group=pod.group,
            host_weight=normalizing_weight(len(feasible)),
            zone_weight=normalizing_weight(len(zones)),
            zone_counts=dict(counts),
        )
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        s: SpreadState = state.data[NAME]
        zone = node.labels.get(ZONE_LABEL)
        zone_count = s.zone_counts[zone] if zone is not None else None
        return raw_score(node.group_counts[s.group], zone_count, s.host_weight, s.zone_weight)

    def normalize(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]
    ) -> list[int]:
        return normalize_spread(scores)


def new() -> PodTopologySpread:
    return PodTopologySpread()
