"""NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods unless they tolerate
the ``node.kubernetes.io/unschedulable:NoSchedule`` taint."""

from __future__ import annotations

import numpy as np

from manikit.runtime.scheduler.framework import SUCCESS, CycleState, Status, unschedulable
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.vectorised import NodeFailures, TemplateView

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

    def filter_nodes(self, t: TemplateView) -> NodeFailures:
        cordoned = t.cluster.unschedulable
        codes = (
            np.zeros(cordoned.shape, np.int64)
            if tolerates_unschedulable(t.info)
            else cordoned.astype(np.int64)
        )
        return NodeFailures(codes, ((REASON_UNSCHEDULABLE,),))


def new() -> NodeUnschedulable:
    return NodeUnschedulable()
