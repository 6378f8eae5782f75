"""The scheduler's contract: what it is given and what it decides (values, never side effects)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
