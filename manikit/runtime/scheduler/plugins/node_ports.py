"""NodePorts: a pod's hostPorts must be free on the node (same protocol and port, and the same IP or
either side bound to 0.0.0.0)."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from manikit.runtime.scheduler.framework import SUCCESS, CycleState, Status, unschedulable
from manikit.runtime.scheduler.nodeinfo import DEFAULT_BIND_ALL_HOST_IP, HostPort, NodeInfo, PodInfo
from manikit.runtime.scheduler.vectorised import TemplateView
from manikit.runtime.scheduler.vectors import Ints

NAME = "NodePorts"
REASON = "node(s) didn't have free ports for the requested pod ports"


def conflicts(used: Collection[HostPort], wanted: HostPort) -> bool:
    """kube-scheduler's HostPortInfo.CheckConflict."""
    ip, protocol, port = wanted
    if ip == DEFAULT_BIND_ALL_HOST_IP:
        return any(p == protocol and n == port for _, p, n in used)
    return (DEFAULT_BIND_ALL_HOST_IP, protocol, port) in used or wanted in used


def fits(used: Collection[HostPort], wanted: Collection[HostPort]) -> bool:
    return not any(conflicts(used, w) for w in wanted)


class NodePorts:
    name = NAME

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        if not pod.host_ports or fits(node.used_ports, pod.host_ports):
            return SUCCESS
        return unschedulable(NAME, REASON)

    # vectorised: only the nodes where one of the pod's ports is in use can conflict
    def usage_reasons(self, pod: PodInfo) -> tuple[str, ...]:
        return (REASON,)

    def filter_usage(self, t: TemplateView, ix: Ints) -> Ints:
        bits = np.zeros(len(ix), dtype=np.int64)
        wanted, c = t.info.host_ports, t.cluster
        users = c.port_users
        candidates = {i for _, protocol, port in wanted for i in users.get((protocol, port), ())}
        for i in sorted(candidates):
            at = int(np.searchsorted(ix, i))
            if at < len(ix) and ix[at] == i and not fits(c.nodes[i].used_ports, wanted):
                bits[at] = 1
        return bits


def new() -> NodePorts:
    return NodePorts()
