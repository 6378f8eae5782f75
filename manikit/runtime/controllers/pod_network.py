"""Pod IPs as host-local IPAM hands them out: the lowest free address of the node's podCIDR."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
from dataclasses import dataclass, field

from manikit.runtime.store import Body


@dataclass
class Addresses:
    """A node's pod IPs in use, and the offset below which every address is taken (addresses are
    only added during a pass, so the next lowest free one is never below the last one given)."""

    taken: set[str] = field(default_factory=set)
    floor: int = 2  # .1 is the bridge


def host_ip(node: Body) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address["address"])
    return ""


def allocate_ip(node: Body, used: Addresses) -> str:
    """The lowest free address of the node's podCIDR from .2 (.1 is the bridge), as host-local IPAM."""
    cidr = node["spec"].get("podCIDR") or fallback_cidr(node["metadata"]["name"])
    base, size = network_of(cidr)
    for offset in range(used.floor, size - 1):
        value = base + offset
        candidate = f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"
        if candidate not in used.taken:
            used.taken.add(candidate)
            used.floor = offset + 1
            return candidate
    used.floor = max(used.floor, size - 1)
    return ""


@functools.lru_cache(maxsize=4096)
def network_of(cidr: str) -> tuple[int, int]:
    network = ipaddress.ip_network(cidr, strict=False)
    return int(network.network_address), network.num_addresses


def fallback_cidr(name: str) -> str:
    digest = hashlib.sha256(name.encode()).digest()
    return f"10.{245 + digest[0] % 10}.{digest[1]}.0/24"
