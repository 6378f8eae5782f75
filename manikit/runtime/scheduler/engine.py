"""``schedule`` and ``explain``: build the snapshot, order the queue, decide pod after pod.

One scheduler, two ways to run its plugins over the snapshot: node by node (``runner.schedule_one``,
the readable definition) or vectorised (``vectorpath.VectorScheduler``, from each plugin's vector form),
which tests hold to the same placements and messages. ``schedule`` takes the vectorised path when
every plugin of the profile has a vector form (``vectorised.vector_profile``), else the per-node one.

Verdicts: the per-node path records every node's verdict. The vectorised path records, for a pod that stays
Pending, every node's filter verdict (plugin and reasons: what ``describe`` prints), and for a bound
pod only the chosen node's per-plugin scores; ``explain`` recomputes the full table for one pod on
demand with the per-node path, so 5,000 nodes x 10,000 pods of score tables are never built for nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from manikit.models.node import Node
from manikit.models.pod import Pod
from manikit.runtime.scheduler.message import (
    SCHEDULING_GATED,
    SCHEDULING_GATED_MESSAGE,
    UNSCHEDULABLE,
)
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo, PodInfoCache, node_info
from manikit.runtime.scheduler.profile import DEFAULT_PROFILE, Profile
from manikit.runtime.scheduler.queue import is_live, queue_order
from manikit.runtime.scheduler.runner import Outcome, schedule_one
from manikit.runtime.scheduler.types import Decision
from manikit.runtime.scheduler.vectorised import vector_profile
from manikit.runtime.scheduler.vectorpath import VectorScheduler

#: Pods naming another scheduler (spec.schedulerName) are left to it: no decision, no placement.
DEFAULT_SCHEDULER = "default-scheduler"


@dataclass
class Snapshot:
    nodes: list[NodeInfo]  # sorted by name: the tie-break order
    by_name: dict[str, NodeInfo]
    pending: list[PodInfo]  # queue order


def take_snapshot(nodes: Sequence[Node], pods: Sequence[Pod], cache: PodInfoCache | None = None) -> Snapshot:
    infos = sorted((node_info(n) for n in nodes), key=lambda n: n.name)
    by_name = {n.name: n for n in infos}
    cache = PodInfoCache() if cache is None else cache
    pending = []
    for pod in pods:
        if not is_live(pod):
            continue
        bound_to = pod.spec.node_name
        if not bound_to:
            if (pod.spec.scheduler_name or DEFAULT_SCHEDULER) == DEFAULT_SCHEDULER:
                pending.append(cache.get(pod))
        elif bound_to in by_name:
            by_name[bound_to].add(cache.get(pod))
    cache.end_snapshot()
    return Snapshot(infos, by_name, queue_order(pending))


def schedule_pods(
    nodes: Sequence[Node],
    pods: Sequence[Pod],
    cache: PodInfoCache | None = None,
    *,
    fast: bool = True,
    profile: Profile = DEFAULT_PROFILE,
) -> list[Decision]:
    """Decisions for every unbound live pod, in queue order (see ``manikit.runtime.scheduler.schedule``)."""
    with _long_lived_objects_frozen():
        snap = take_snapshot(nodes, pods, cache)
        decide: Callable[[PodInfo], Decision]
        plan = vector_profile(profile) if fast else None
        if plan is not None:
            decide = VectorScheduler(plan, snap.nodes).schedule
        else:
            decide = partial(_plugin_decision, profile, snap)
        return [gated(pod) if pod.pod.spec.scheduling_gates else decide(pod) for pod in snap.pending]


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Keep the cyclic GC from rescanning the caller's (typically hundreds of thousands of) model
    objects each time the scheduler's own allocations trigger a full collection: a measured 10-15%
    of a 10,000-pod call. Left alone when someone else already froze objects (gc.freeze is global)."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _plugin_decision(profile: Profile, snap: Snapshot, pod: PodInfo) -> Decision:
    outcome = schedule_one(profile, pod, snap.nodes)
    if outcome.node is not None:
        snap.by_name[outcome.node].add(pod)
    return decision_of(pod, outcome)


def decision_of(pod: PodInfo, outcome: Outcome) -> Decision:
    reason = "" if outcome.node is not None else UNSCHEDULABLE
    return Decision(pod.namespace, pod.name, outcome.node, outcome.message, outcome.verdicts, reason)


def gated(pod: PodInfo) -> Decision:
    """A pod with scheduling gates is not scheduled (and holds nothing) until they are removed."""
    return Decision(pod.namespace, pod.name, None, SCHEDULING_GATED_MESSAGE, reason=SCHEDULING_GATED)


def explain(
    nodes: Sequence[Node], pods: Sequence[Pod], namespace: str, name: str, profile: Profile = DEFAULT_PROFILE
) -> Decision | None:
    """Every node's verdict for one unbound pod against the bound pods of ``pods`` (for describe).

    None when the pod is not among ``pods`` or is already bound.
    """
    snap = take_snapshot(nodes, pods)
    for pod in snap.pending:
        if pod.namespace == namespace and pod.name == name:
            return decision_of(pod, schedule_one(profile, pod, snap.nodes))
    return None
