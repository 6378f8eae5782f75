"""Service clusterIPs from 10.96.0.0/12 and NodePorts from 30000-32767, without collisions.

Allocation is deterministic (lowest free value), unlike the API server's random choice, so that the
same manifests give the same state. 10.96.0.1 stays reserved for the ``kubernetes`` Service.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
RESERVED_IPS = frozenset({SERVICE_CIDR.network_address + 1})
NODE_PORT_RANGE = range(30000, 32768)


def used_cluster_ips(services: Iterable[dict[str, Any]]) -> set[str]:
    return {ip for svc in services for ip in [svc.get("spec", {}).get("clusterIP")] if ip and ip != "None"}


def used_node_ports(services: Iterable[dict[str, Any]]) -> set[int]:
    return {
        port["nodePort"]
        for svc in services
        for port in svc.get("spec", {}).get("ports") or []
        if port.get("nodePort")
    }


def check_cluster_ip(ip: str, used: set[str]) -> str | None:
    """Why a requested clusterIP cannot be had (Kubernetes' wording), or None."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return f'spec.clusterIPs: Invalid value: []string{{"{ip}"}}: must be a valid IP address'
    if address not in SERVICE_CIDR:
        return (
            f'spec.clusterIPs: Invalid value: []string{{"{ip}"}}: failed to allocate IP {ip}: '
            f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
        )
    if ip in used:
        return (
            f'spec.clusterIPs: Invalid value: []string{{"{ip}"}}: failed to allocate IP {ip}: '
            "provided IP is already allocated"
        )
    return None


def allocate_cluster_ip(used: set[str], start: int = 1) -> str:
    """The lowest free address at or above offset ``start`` (every offset below it is taken)."""
    return str(SERVICE_CIDR.network_address + free_ip_offset(used, start))


def free_ip_offset(used: set[str], start: int = 1) -> int:
    base = int(SERVICE_CIDR.network_address)
    for offset in range(max(1, start), SERVICE_CIDR.num_addresses - 1):
        candidate = ipaddress.IPv4Address(base + offset)
        if candidate in RESERVED_IPS:
            continue
        if str(candidate) not in used:
            return offset
    raise RuntimeError("the service IP range 10.96.0.0/12 is full")


def check_node_port(index: int, port: int, used: set[int]) -> str | None:
    if port not in NODE_PORT_RANGE:
        return (
            f"spec.ports[{index}].nodePort: Invalid value: {port}: provided port is not in the valid "
            "range. The range of valid ports is 30000-32767"
        )
    if port in used:
        return f"spec.ports[{index}].nodePort: Invalid value: {port}: provided port is already allocated"
    return None


def allocate_node_port(used: set[int]) -> int:
    for port in NODE_PORT_RANGE:
        if port not in used:
            return port
    raise RuntimeError("the NodePort range 30000-32767 is full")
