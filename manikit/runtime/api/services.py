"""Service admission: allocate a clusterIP and NodePorts on create, check them on update."""

from __future__ import annotations

import random
from dataclasses import dataclass

from manikit.runtime.api import allocators
from manikit.runtime.api.allocators import ServiceRanges
from manikit.runtime.api.kinds import invalid
from manikit.runtime.store import Body


@dataclass
class Allocations:
    """The clusterIPs and NodePorts in use, as of store revision ``revision``. Kept by the Api
    between creates so that creating N Services reads the Services once, not N times."""

    revision: int
    ips: set[str]
    ports: set[int]
    ranges: ServiceRanges

    @classmethod
    def of(cls, existing: list[Body], revision: int, ranges: ServiceRanges) -> Allocations:
        used_ips, used_ports = allocators.used_cluster_ips(existing), allocators.used_node_ports(existing)
        return cls(revision, used_ips, used_ports, ranges)


def allocate(body: Body, taken: Allocations) -> None:
    """Give a new Service its clusterIP and NodePorts, and mark them taken."""
    spec = body.setdefault("spec", {})
    name = body["metadata"]["name"]
    rng = allocators.seeded(f"{body['metadata'].get('namespace')}/{name}/{taken.revision}")
    if spec.get("type") == "ExternalName":
        return
    ip = spec.get("clusterIP")
    if ip != "None":
        if ip:
            problem = allocators.check_cluster_ip(ip, taken.ips, taken.ranges)
            if problem:
                raise invalid("Service", name, problem)
        else:
            ip = allocators.allocate_cluster_ip(taken.ips, rng, taken.ranges, _named(body))
        taken.ips.add(ip)
        spec["clusterIP"] = ip
        spec["clusterIPs"] = [ip]
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
    _allocate_node_ports(body, taken.ports, rng, taken.ranges)


def _allocate_node_ports(body: Body, used: set[int], rng: random.Random, ranges: ServiceRanges) -> None:
    spec = body["spec"]
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        for index, port in enumerate(spec.get("ports") or []):
            if port.get("nodePort"):
                raise invalid(
                    "Service",
                    body["metadata"]["name"],
                    f"spec.ports[{index}].nodePort: Forbidden: may not be used when `type` is "
                    f"'{spec.get('type', 'ClusterIP')}'",
                )
        return
    for index, port in enumerate(spec.get("ports") or []):
        wanted = port.get("nodePort")
        if wanted:
            problem = allocators.check_node_port(index, wanted, used, ranges)
            if problem:
                raise invalid("Service", body["metadata"]["name"], problem)
        else:
            port["nodePort"] = allocators.allocate_node_port(used, rng, ranges, _named(body))
        used.add(port["nodePort"])


def check_update(body: Body, old: Body, existing: list[Body], ranges: ServiceRanges) -> None:
    """NodePorts newly asked for on update must be free; a type change may need allocation."""
    others = [
        s
        for s in existing
        if s["metadata"]["name"] != old["metadata"]["name"]
        or s["metadata"].get("namespace") != old["metadata"].get("namespace")
    ]
    spec = body["spec"]
    meta = body["metadata"]
    rng = allocators.seeded(
        f"{meta.get('namespace')}/{meta['name']}/{old['metadata'].get('resourceVersion')}"
    )
    if not spec.get("clusterIP") and spec.get("type") != "ExternalName":
        ip = allocators.allocate_cluster_ip(allocators.used_cluster_ips(others), rng, ranges, _named(body))
        spec["clusterIP"], spec["clusterIPs"] = ip, [ip]
    _allocate_node_ports(body, allocators.used_node_ports(others), rng, ranges)


def _named(body: Body) -> str:
    meta = body["metadata"]
    return f"{meta.get('namespace') or 'default'}/{meta['name']}"
