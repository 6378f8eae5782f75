"""NodePorts: a pod's hostPorts must be free on the node (same protocol and port, and the same IP or
either side bound to 0.0.0.0)."""

from __future__ import annotations

from collections.abc import Collection

from manikit.runtime.scheduler.framework import SUCCESS, CycleState, Status, unschedulable
from manikit.runtime.scheduler.nodeinfo import DEFAULT_BIND_ALL_HOST_IP, HostPort, NodeInfo, PodInfo

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
        if fits(node.used_ports, pod.host_ports):
            return SUCCESS
        return unschedulable(NAME, REASON)


def new() -> NodePorts:
    return NodePorts()
