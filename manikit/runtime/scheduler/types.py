"""The scheduler's contract: what it is given and what it decides (values, never side effects)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from manikit.models.node import Node
from manikit.models.pod import Pod


@dataclass(frozen=True)
class NodeVerdict:
    """One node's outcome for one pod: the filter that rejected it (with reasons) or its total score."""

    node: str
    feasible: bool
    plugin: str = ""  # the filter plugin that rejected the node, when not feasible
    reasons: tuple[str, ...] = ()  # kube-scheduler's reason strings, e.g. "Insufficient cpu"
    scores: dict[str, int] = field(default_factory=dict)  # plugin name -> weighted score
    total: int = 0


@dataclass(frozen=True)
class Decision:
    """Where one pending pod goes, or why it stays Pending.

    ``message`` is kube-scheduler's FailedScheduling text when ``node`` is None, e.g.
    ``0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.``
    ``reason`` is then the PodScheduled condition's reason: ``Unschedulable`` (post a FailedScheduling
    event with ``message``) or ``SchedulingGated`` (spec.schedulingGates is not empty: upstream sets
    the condition only, no event).
    """

    namespace: str
    name: str
    node: str | None
    message: str = ""
    verdicts: tuple[NodeVerdict, ...] = ()
    reason: str = ""


def schedule(nodes: Sequence[Node], pods: Sequence[Pod]) -> list[Decision]:
    """Decide placements for every pod of ``pods`` without ``spec.nodeName``.

    ``pods`` holds every live pod: those already bound (``spec.nodeName`` set) count against their
    node's resources, host ports and spreading; the unbound ones are scheduled one at a time in
    queue order (priority, highest first, then creationTimestamp, then namespace/name), each decision
    taking the earlier ones of the same call into account. Deterministic: same input, same output.
    Pods in phase Succeeded or Failed, or with a deletionTimestamp, are ignored, and so are unbound
    pods whose spec.schedulerName names another scheduler (they get no decision). Decisions come in
    queue order.
    """
    # Imported here: the engine builds Decisions, so it imports this module.
    from manikit.runtime.scheduler.engine import schedule_pods

    return schedule_pods(nodes, pods)


def explain(nodes: Sequence[Node], pods: Sequence[Pod], namespace: str, name: str) -> Decision | None:
    """Every node's verdict (filter and reasons, or per-plugin scores) for one unbound pod, computed
    on demand against the bound pods of ``pods``; None if that pod is not there or already bound.

    ``schedule`` keeps its verdicts compact (see engine.py); ``describe pod`` can ask for all of them.
    """
    from manikit.runtime.scheduler.engine import explain as explain_pod

    return explain_pod(nodes, pods, namespace, name)
