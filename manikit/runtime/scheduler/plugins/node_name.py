"""NodeName: a pod that names a node (spec.nodeName) fits only that node."""

from __future__ import annotations

import numpy as np

from manikit.runtime.scheduler.framework import SUCCESS, CycleState, Status, unschedulable
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.vectorised import NodeFailures, TemplateView

NAME = "NodeName"
REASON = "node(s) didn't match the requested node name"


def fits(pod: PodInfo, node_name: str) -> bool:
    wanted = pod.pod.spec.node_name
    return not wanted or wanted == node_name


class NodeName:
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        if fits(pod, node.name):
            return SUCCESS
        return unschedulable(NAME, REASON, resolvable=False)

    def filter_nodes(self, t: TemplateView) -> NodeFailures:
        names = t.cluster.names
        codes = np.zeros(len(names), dtype=np.int64)
        if t.info.pod.spec.node_name:  # only bound pods carry one: kept for completeness
            codes[:] = [not fits(t.info, name) for name in names]
        return NodeFailures(codes, ((REASON,),))


def new() -> NodeName:
    return NodeName()
