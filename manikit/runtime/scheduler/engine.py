"""``schedule`` and ``explain``: build the snapshot, order the queue, decide pod after pod.

Two interchangeable deciders share the snapshot: the plugin path (``runner.schedule_one``, the
readable definition) and the numpy fast path (``fastpath.FastScheduler``), which tests hold to the
same placements and messages. ``schedule`` uses the fast path.

Verdicts: the plugin path records every node's verdict. The fast path records, for a pod that stays
Pending, every node's filter verdict (plugin and reasons: what ``describe`` prints), and for a bound
pod only the chosen node's per-plugin scores; ``explain`` recomputes the full table for one pod on
demand with the plugin path, so 5,000 nodes x 10,000 pods of score tables are never built for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from manikit.models.node import Node
from manikit.models.pod import Pod
from manikit.runtime.scheduler.fastpath import FastScheduler
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo, PodInfoCache, node_info
from manikit.runtime.scheduler.profile import DEFAULT_PROFILE, Profile
from manikit.runtime.scheduler.queue import is_live, queue_order
from manikit.runtime.scheduler.runner import schedule_one
from manikit.runtime.scheduler.types import Decision


@dataclass
class Snapshot:
    nodes: list[NodeInfo]  # sorted by name: the tie-break order
    by_name: dict[str, NodeInfo]
    pending: list[PodInfo]  # queue order


def take_snapshot(nodes: Sequence[Node], pods: Sequence[Pod]) -> Snapshot:
    infos = sorted((node_info(n) for n in nodes), key=lambda n: n.name)
    by_name = {n.name: n for n in infos}
    cache = PodInfoCache()
    pending = []
    for pod in pods:
        if not is_live(pod):
            continue
        bound_to = pod.spec.node_name
        if not bound_to:
            pending.append(cache.get(pod))
        elif bound_to in by_name:
            by_name[bound_to].add(cache.get(pod))
    return Snapshot(infos, by_name, queue_order(pending))


def schedule_pods(
    nodes: Sequence[Node], pods: Sequence[Pod], *, fast: bool = True, profile: Profile = DEFAULT_PROFILE
) -> list[Decision]:
    """Decisions for every unbound live pod, in queue order (see ``types.schedule``)."""
    snap = take_snapshot(nodes, pods)
    if fast and profile is DEFAULT_PROFILE:
        return FastScheduler(snap.nodes).run(snap.pending)
    decisions = []
    for pod in snap.pending:
        outcome = schedule_one(profile, pod, snap.nodes)
        if outcome.node is not None:
            snap.by_name[outcome.node].add(pod)
        decisions.append(Decision(pod.namespace, pod.name, outcome.node, outcome.message, outcome.verdicts))
    return decisions


def explain(
    nodes: Sequence[Node], pods: Sequence[Pod], namespace: str, name: str, profile: Profile = DEFAULT_PROFILE
) -> Decision | None:
    """Every node's verdict for one unbound pod against the bound pods of ``pods`` (for describe).

    None when the pod is not among ``pods`` or is already bound.
    """
    snap = take_snapshot(nodes, pods)
    for pod in snap.pending:
        if pod.namespace == namespace and pod.name == name:
            outcome = schedule_one(profile, pod, snap.nodes)
            return Decision(pod.namespace, pod.name, outcome.node, outcome.message, outcome.verdicts)
    return None
