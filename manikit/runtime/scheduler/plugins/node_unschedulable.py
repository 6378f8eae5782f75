"""NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods unless they tolerate
the ``node.kubernetes.io/unschedulable:NoSchedule`` taint."""

from __future__ import annotations

from manikit.runtime.scheduler.framework import SUCCESS, CycleState, Status, unschedulable
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo

NAME = "NodeUnschedulable"
REASON_UNSCHEDULABLE = "node(s) were unschedulable"
TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"


def tolerates_unschedulable(pod: PodInfo) -> bool:
    return any(t.tolerates(TAINT_NODE_UNSCHEDULABLE, None, "NoSchedule") for t in pod.tolerations)


class NodeUnschedulable:
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        if not node.unschedulable or tolerates_unschedulable(pod):
            return SUCCESS
        return unschedulable(NAME, REASON_UNSCHEDULABLE, resolvable=False)


def new() -> NodeUnschedulable:
    return NodeUnschedulable()
