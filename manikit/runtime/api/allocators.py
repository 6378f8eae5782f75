"""Service clusterIPs and NodePorts from their ranges (10.96.0.0/12 and 30000-32767 unless configured),
without collisions.

As the API server (KEP-3070, KEP-3668): a dynamic value is drawn at random from the upper part of the
range, leaving the lower "static" band (the first 256 addresses, the first 86 ports) to values asked
for by name, such as the ``kubernetes`` Service's 10.96.0.1 or kube-dns's 10.96.0.10; only when the
upper part is full does it draw from the band. The draw is seeded by the object and the store
revision, so the same history gives the same values. A full range is a ``RangeFullError`` that names
the range and what to do, never an internal error.

The ranges are kube-apiserver's ``--service-cluster-ip-range`` and ``--service-node-port-range``, here
the environment variables ``MANIKIT_SERVICE_CLUSTER_IP_RANGE`` and ``MANIKIT_SERVICE_NODE_PORT_RANGE``.
"""

from __future__ import annotations

import ipaddress
import os
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from manikit.errors import ConfigError, RangeFullError
from manikit.kinds.service import NODE_PORT_RANGE as VALID_NODE_PORTS

IP_RANGE_ENV = "MANIKIT_SERVICE_CLUSTER_IP_RANGE"
PORT_RANGE_ENV = "MANIKIT_SERVICE_NODE_PORT_RANGE"
SERVICE_CIDR = ipaddress.IPv4Network("10.96.0.0/12")
#: the range manikit's validation allows (``manikit.kinds.service``); a configured range lies inside it
NODE_PORT_RANGE = range(VALID_NODE_PORTS[0], VALID_NODE_PORTS[1] + 1)
#: Kubernetes' limit on a service range (2^20 addresses); at least two usable ones (/30).
LARGEST_PREFIX, SMALLEST_PREFIX = 12, 30
KUBERNETES_SERVICE_IP = str(SERVICE_CIDR.network_address + 1)


def static_band(size: int, most: int, step: int) -> int:
    """Kubernetes' calculateRangeOffset: size/step, from 16 to ``most``; none for a range under 16."""
    if size < 16:
        return 0
    return min(max(16, size // step), most)


@dataclass(frozen=True)
class ServiceRanges:
    """The Service clusterIP range and the NodePort range of the control plane."""

    cidr: ipaddress.IPv4Network = SERVICE_CIDR
    ports: range = field(default=NODE_PORT_RANGE)

    @cached_property  # read for every allocation
    def static_ips(self) -> int:
        return static_band(self.cidr.num_addresses, 256, 16)

    @cached_property  # read for every allocation
    def static_ports(self) -> int:
        return static_band(len(self.ports), 128, 32)

    @cached_property  # read for every allocation
    def kubernetes_ip(self) -> str:
        """The first address of the range: the ``kubernetes`` Service's."""
        return str(self.cidr.network_address + 1)

    @property
    def port_text(self) -> str:
        return f"{self.ports.start}-{self.ports.stop - 1}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceRanges:
        env = os.environ if environ is None else environ
        ips, ports = env.get(IP_RANGE_ENV, "").strip(), env.get(PORT_RANGE_ENV, "").strip()
        return cls(_cidr(ips) if ips else SERVICE_CIDR, _ports(ports) if ports else NODE_PORT_RANGE)


def _cidr(raw: str) -> ipaddress.IPv4Network:
    shown = f"{IP_RANGE_ENV}={raw[:40]!r}"
    try:
        cidr = ipaddress.IPv4Network(raw, strict=True)
    except ValueError as exc:
        raise ConfigError(f"{shown} is not an IPv4 CIDR such as 10.96.0.0/12: {exc}") from exc
    if not LARGEST_PREFIX <= cidr.prefixlen <= SMALLEST_PREFIX:
        raise ConfigError(
            f"{shown}: the prefix length must be from /{LARGEST_PREFIX} (at most 2^20 addresses, as "
            f"kube-apiserver allows) to /{SMALLEST_PREFIX} (two usable addresses)"
        )
    return cidr


def _ports(raw: str) -> range:
    """``30000-32767`` (kube-apiserver's form), inside 30000-32767: manikit's validation checks
    nodePorts against that range before admission sees them."""
    low, dash, high = raw.partition("-")
    if not (dash and low.strip().isdigit() and high.strip().isdigit()):
        raise ConfigError(f"{PORT_RANGE_ENV}={raw[:40]!r} is not a port range such as 30000-32767")
    first, last = int(low), int(high)
    if not NODE_PORT_RANGE.start <= first <= last < NODE_PORT_RANGE.stop:
        raise ConfigError(
            f"{PORT_RANGE_ENV}={raw[:40]!r}: the range must lie within 30000-32767, first port first"
        )
    return range(first, last + 1)


def seeded(seed: str) -> random.Random:
    """The generator of ``seed``: what ``random.Random(seed)`` is (seeding resets every bit of its
    state), without making one per Service: this thread's own, seeded again. Use it before the next
    call in the same thread."""
    rng: random.Random | None = getattr(_SEEDED, "rng", None)
    if rng is None:
        rng = _SEEDED.rng = random.Random()
    rng.seed(seed)
    return rng


_SEEDED = threading.local()


def dotted(address: int) -> str:
    """``str(ipaddress.IPv4Address(address))`` for an address of 0 to 2^32-1, without the object."""
    return f"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}"


def used_cluster_ips(services: Iterable[dict[str, Any]]) -> set[str]:
    return {ip for svc in services for ip in [svc.get("spec", {}).get("clusterIP")] if ip and ip != "None"}


def used_node_ports(services: Iterable[dict[str, Any]]) -> set[int]:
    return {
        port["nodePort"]
        for svc in services
        for port in svc.get("spec", {}).get("ports") or []
        if port.get("nodePort")
    }


def check_cluster_ip(ip: str, used: set[str], ranges: ServiceRanges) -> str | None:
    """Why a requested clusterIP cannot be had (Kubernetes' wording), or None."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return f'spec.clusterIPs: Invalid value: []string{{"{ip}"}}: must be a valid IP address'
    if address not in ranges.cidr:
        return (
            f'spec.clusterIPs: Invalid value: []string{{"{ip}"}}: failed to allocate IP {ip}: '
            f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {ranges.cidr}"
        )
    if ip in used:
        return (
            f'spec.clusterIPs: Invalid value: []string{{"{ip}"}}: failed to allocate IP {ip}: '
            "provided IP is already allocated"
        )
    return None


def allocate_cluster_ip(used: set[str], rng: random.Random, ranges: ServiceRanges, name: str = "") -> str:
    """A free address drawn from above the static band (then from the band, when that is full), for
    the Service ``name`` (namespace/name, for the message)."""
    base = int(ranges.cidr.network_address)
    upper = range(max(1, ranges.static_ips), ranges.cidr.num_addresses - 1)
    if upper:
        for _ in range(64):
            candidate = dotted(base + rng.choice(upper))
            if candidate not in used and candidate != ranges.kubernetes_ip:
                return candidate
    for offset in range(1, ranges.cidr.num_addresses - 1):
        candidate = str(ipaddress.IPv4Address(base + offset))
        if candidate != ranges.kubernetes_ip and candidate not in used:
            return candidate
    raise RangeFullError(
        "Internal error occurred: failed to allocate a serviceIP: range is full: the Service clusterIP "
        f"range {ranges.cidr} has no free address{_for(name)}; delete a Service you no longer need, use a "
        f"headless Service (clusterIP: None), or set a wider range with {IP_RANGE_ENV}",
        kind="services",
        name=name.rpartition("/")[2],
    )


def _for(name: str) -> str:
    return f" for Service {name}" if name else ""


def check_node_port(index: int, port: int, used: set[int], ranges: ServiceRanges) -> str | None:
    if port not in ranges.ports:
        return (
            f"spec.ports[{index}].nodePort: Invalid value: {port}: provided port is not in the valid "
            f"range. The range of valid ports is {ranges.port_text}"
        )
    if port in used:
        return f"spec.ports[{index}].nodePort: Invalid value: {port}: provided port is already allocated"
    return None


def allocate_node_port(used: set[int], rng: random.Random, ranges: ServiceRanges, name: str = "") -> int:
    upper = ranges.ports[ranges.static_ports :]
    if upper:
        for _ in range(64):
            drawn: int = upper[rng.randrange(len(upper))]
            if drawn not in used:
                return drawn
    for port in ranges.ports:
        if port not in used:
            return port
    raise RangeFullError(
        "Internal error occurred: failed to allocate a nodePort: range is full: the NodePort range "
        f"{ranges.port_text} has no free port{_for(name)}; delete a NodePort or LoadBalancer Service you "
        f"no longer need, use type ClusterIP, or set a wider range with {PORT_RANGE_ENV}",
        kind="services",
        name=name.rpartition("/")[2],
    )
