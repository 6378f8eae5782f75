"""Service clusterIPs from 10.96.0.0/12 and NodePorts from 30000-32767, without collisions.

As the API server (KEP-3070, KEP-3668): a dynamic value is drawn at random from the upper part of the
range, leaving the lower "static" band (the first 256 addresses, the first 86 ports) to values asked
for by name, such as the ``kubernetes`` Service's 10.96.0.1 or kube-dns's 10.96.0.10; only when the
upper part is full does it draw from the band. The draw is seeded by the object and the store
revision, so the same history gives the same values.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable
from typing import Any

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
RESERVED_IPS = frozenset({SERVICE_CIDR.network_address + 1})
NODE_PORT_RANGE = range(30000, 32768)
#: min(max(16, size/16), 256) addresses and min(max(16, size/32), 128) ports, as upstream
STATIC_IPS = min(max(16, SERVICE_CIDR.num_addresses // 16), 256)
STATIC_PORTS = min(max(16, len(NODE_PORT_RANGE) // 32), 128)
KUBERNETES_SERVICE_IP = str(SERVICE_CIDR.network_address + 1)


def seeded(seed: str) -> random.Random:
    return random.Random(seed)


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


def allocate_cluster_ip(used: set[str], rng: random.Random) -> str:
    """A free address drawn from above the static band (then from the band, when that is full)."""
    base = int(SERVICE_CIDR.network_address)
    upper = range(STATIC_IPS, SERVICE_CIDR.num_addresses - 1)
    for _ in range(64):
        candidate = str(ipaddress.IPv4Address(base + rng.choice(upper)))
        if candidate not in used:
            return candidate
    return str(SERVICE_CIDR.network_address + free_ip_offset(used, 1))


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


def allocate_node_port(used: set[int], rng: random.Random) -> int:
    upper = NODE_PORT_RANGE[STATIC_PORTS:]
    for _ in range(64):
        drawn: int = upper[rng.randrange(len(upper))]
        if drawn not in used:
            return drawn
    for port in range(NODE_PORT_RANGE.start, NODE_PORT_RANGE.stop):
        if port not in used:
            return port
    raise RuntimeError("the NodePort range 30000-32767 is full")
