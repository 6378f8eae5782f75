"""The scheduler: binds pending pods onto nodes with kube-scheduler's Filter and Score plugins.

The contract the rest of the control plane relies on is ``schedule(nodes, pods)`` below and the
``Decision`` value it returns, and ``explain(nodes, pods, namespace, name)`` for one pod's full
per-node verdicts; everything else in this package is the scheduler's own business.
"""

from __future__ import annotations

from collections.abc import Sequence

from manikit.models.node import Node
from manikit.models.pod import Pod
from manikit.runtime.scheduler.engine import explain as explain_pod
from manikit.runtime.scheduler.engine import schedule_pods
from manikit.runtime.scheduler.nodeinfo import PodInfoCache as SchedulerCache
from manikit.runtime.scheduler.types import Decision, NodeVerdict


def schedule(
    nodes: Sequence[Node], pods: Sequence[Pod], cache: SchedulerCache | None = None
) -> list[Decision]:
    """Decide placements for every pod of ``pods`` without ``spec.nodeName``.

    ``pods`` holds every live pod: those already bound (``spec.nodeName`` set) count against their
    node's resources, host ports and spreading; the unbound ones are scheduled one at a time in
    queue order (priority, highest first, then creationTimestamp, then namespace/name), each decision
    taking the earlier ones of the same call into account. Deterministic: same input, same output.
    Pods in phase Succeeded or Failed, or with a deletionTimestamp, are ignored, and so are unbound
    pods whose spec.schedulerName names another scheduler (they get no decision). Decisions come in
    queue order.

    A ``cache`` passed from one call to the next keeps what was derived from the pod models (the
    very same objects) of the last call: give it the same models while their pods are unchanged.
    """
    return schedule_pods(nodes, pods, cache)


def explain(nodes: Sequence[Node], pods: Sequence[Pod], namespace: str, name: str) -> Decision | None:
    """Every node's verdict (filter and reasons, or per-plugin scores) for one unbound pod, computed
    on demand against the bound pods of ``pods``; None if that pod is not there or already bound.

    ``schedule`` keeps its verdicts compact (see engine.py); ``describe pod`` can ask for all of them.
    """
    return explain_pod(nodes, pods, namespace, name)


__all__ = ["Decision", "NodeVerdict", "SchedulerCache", "explain", "schedule"]
