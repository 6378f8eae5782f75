"""Service (v1): Kubernetes' rules for the kind (ValidateService and the allocators, v1.31), the fields
the control plane allocates (clusterIP, nodePorts) and what is immutable (a set clusterIP)."""

from __future__ import annotations

import ipaddress
from typing import Any

from manikit.kinds import names
from manikit.kinds.field import (
    NAME,
    ROOT,
    FieldError,
    FieldPath,
    duplicate,
    forbidden,
    invalid,
    raw,
    required,
)
from manikit.kinds.meta import validate_labels, validate_object_meta
from manikit.models.service import Service, ServicePort, ServiceSpec

KIND = "Service"
NAMESPACED = True
NODE_PORT_RANGE = (30000, 32767)
ALLOCATED: tuple[tuple[str, ...], ...] = (
    ("spec", "clusterIP"),
    ("spec", "clusterIPs"),
    ("spec", "ipFamilies"),
    ("spec", "ipFamilyPolicy"),
)


def is_headless(spec: ServiceSpec) -> bool:
    return (spec.type or "ClusterIP") == "ClusterIP" and _cluster_ip(spec) == "None"


def _cluster_ip(spec: ServiceSpec) -> str:
    return spec.cluster_ip or (spec.cluster_ips[0] if spec.cluster_ips else "")


def validate_create(svc: Service) -> list[FieldError]:
    errors = validate_object_meta(svc.metadata, NAMESPACED, names.name_is_dns1035_label)
    spec = svc.spec
    path = ROOT.child("spec")
    kind = spec.type or "ClusterIP"
    if not spec.ports and not is_headless(spec) and kind != "ExternalName":
        errors.append(required(path.child("ports"), hint="list the ports, e.g. ports: [{port: 80}]"))
    if kind == "ExternalName":
        errors += _external_name(spec, path)
    else:
        errors += _cluster_ips(spec, path, kind)
    errors += _ports(spec.ports or [], path.child("ports"), kind)
    errors += validate_labels(spec.selector, path.child("selector"))
    for i, ip in enumerate(spec.external_ips or []):
        errors += [invalid(path.child("externalIPs").index(i), ip, m) for m in names.ip_address(ip)]
    return errors + _external_traffic(spec, path, kind)


def _external_traffic(spec: ServiceSpec, path: FieldPath, kind: str) -> list[FieldError]:
    """Fields that only mean something for traffic from outside the cluster."""
    errors: list[FieldError] = []
    reachable = kind in ("NodePort", "LoadBalancer") or (kind == "ClusterIP" and bool(spec.external_ips))
    if spec.external_traffic_policy is not None and not reachable:
        detail = "may only be set for externally-accessible services"
        hint = "use type: NodePort or LoadBalancer, or remove externalTrafficPolicy"
        errors.append(
            invalid(path.child("externalTrafficPolicy"), spec.external_traffic_policy, detail, hint=hint)
        )
    ranges = spec.load_balancer_source_ranges or []
    if ranges and kind != "LoadBalancer":
        detail = "may only be used when `type` is 'LoadBalancer'"
        errors.append(forbidden(path.child("loadBalancerSourceRanges"), detail))
    for i, cidr in enumerate(ranges if kind == "LoadBalancer" else []):
        try:
            ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            detail = "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 "
            errors.append(invalid(path.child("loadBalancerSourceRanges").index(i), cidr, detail))
    return errors


def _external_name(spec: ServiceSpec, path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    if _cluster_ip(spec):
        errors.append(forbidden(path.child("clusterIP"), "may not be set for `type` 'ExternalName'"))
    cname = (spec.external_name or "").removesuffix(".")
    if not cname:
        errors.append(required(path.child("externalName"), hint="name the DNS name the Service points at"))
    else:
        errors += [invalid(path.child("externalName"), cname, m) for m in names.dns1123_subdomain(cname)]
    return errors


def _cluster_ips(spec: ServiceSpec, path: FieldPath, kind: str) -> list[FieldError]:
    errors: list[FieldError] = []
    given = list(spec.cluster_ips or ([spec.cluster_ip] if spec.cluster_ip else []))
    field = path.child("clusterIPs") if spec.cluster_ips else path.child("clusterIP")
    for i, ip in enumerate(given):
        at = field.index(i) if spec.cluster_ips else field
        if ip == "None":
            if i > 0 or kind != "ClusterIP":
                errors.append(invalid(at, ip, f"may not be set to 'None' for {kind} services"))
            continue
        hint = "a headless Service is clusterIP: None (capital N)" if ip.lower() == "none" else ""
        errors += [invalid(at, ip, m, hint=hint) for m in names.ip_address(ip)]
    return errors


def _ports(ports: list[ServicePort], path: FieldPath, kind: str) -> list[FieldError]:
    errors: list[FieldError] = []
    port_names: set[str] = set()
    seen: set[tuple[int, str]] = set()
    node_ports: set[tuple[int, str]] = set()
    for i, port in enumerate(ports):
        at = path.index(i)
        protocol = port.protocol or "TCP"
        if not port.name:
            if len(ports) > 1:
                errors.append(
                    required(at.child("name"), code=NAME, hint="with more than one port, name every port")
                )
        else:
            errors += [
                invalid(at.child("name"), port.name, m, code=NAME) for m in names.dns1123_label(port.name)
            ]
            if port.name in port_names:
                errors.append(duplicate(at.child("name"), port.name))
            port_names.add(port.name)
        errors += _target_port(port, at.child("targetPort"))
        if port.node_port:
            errors += _node_port(port.node_port, at.child("nodePort"), kind)
            if (port.node_port, protocol) in node_ports:
                errors.append(duplicate(at.child("nodePort"), port.node_port))
            node_ports.add((port.node_port, protocol))
        if (port.port, protocol) in seen:
            shown = raw(f'core.ServicePort{{Port:{port.port}, Protocol:"{protocol}"}}')
            errors.append(duplicate(at, shown, hint="each (port, protocol) may appear once"))
        seen.add((port.port, protocol))
    return errors


def _target_port(port: ServicePort, at: FieldPath) -> list[FieldError]:
    target = port.target_port
    if isinstance(target, int):
        return [] if target == 0 else [invalid(at, target, m) for m in names.port_number(target)]
    if target is None or target == "":
        return []
    hint = f"write the number without quotes: targetPort: {target}" if target.isdigit() else ""
    return [invalid(at, target, m, code=NAME, hint=hint) for m in names.port_name(target)]


def _node_port(node_port: int, at: FieldPath, kind: str) -> list[FieldError]:
    if kind == "ClusterIP":
        return [
            forbidden(
                at,
                "may not be used when `type` is 'ClusterIP'",
                hint="use type: NodePort, or remove nodePort",
            )
        ]
    low, high = NODE_PORT_RANGE
    if kind in ("NodePort", "LoadBalancer") and not low <= node_port <= high:
        detail = f"provided port is not in the valid range. The range of valid ports is {low}-{high}"
        return [invalid(at, node_port, detail)]
    return []


def validate_update(old: dict[str, Any], new: dict[str, Any]) -> list[FieldError]:
    """A set clusterIP is immutable (unless the Service is or becomes ExternalName)."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    before, after = old_spec.get("clusterIP"), new_spec.get("clusterIP")
    external = "ExternalName" in (old_spec.get("type"), new_spec.get("type"))
    if before and after != before and not external:
        at = ROOT.child("spec", "clusterIPs").index(0)
        return [invalid(at, raw(f'[]string{{"{after}"}}'), "field is immutable")]
    return []


def forces_replacement(path: str, change_kind: str, before: dict[str, Any]) -> bool:
    return path == "spec.clusterIP" and bool((before.get("spec") or {}).get("clusterIP"))


def keep_allocated(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Kubernetes' patchAllocatedValues: a clusterIP and nodePorts the manifest does not carry survive."""
    old_spec = old["spec"]
    new_spec = new["spec"] = dict(new["spec"])  # the caller's dicts may be shared: copy, then fill
    if new_spec.get("type", "ClusterIP") != "ExternalName":
        for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            if field in old_spec and field not in new_spec:
                new_spec[field] = old_spec[field]
    if new_spec.get("type") not in ("NodePort", "LoadBalancer"):
        return  # only a type that still needs node ports keeps them (needsNodePort, upstream)
    old_ports = {(p.get("port"), p.get("protocol")): p for p in old_spec.get("ports") or []}
    ports = [dict(p) for p in new_spec.get("ports") or []]
    for port in ports:
        previous = old_ports.get((port.get("port"), port.get("protocol")))
        if previous and previous.get("nodePort") and not port.get("nodePort"):
            port["nodePort"] = previous["nodePort"]
    if ports:
        new_spec["ports"] = ports


def default(svc: Service) -> None:
    """The API server's defaults for a Service."""
    spec = svc.spec
    if spec.type is None:
        spec.type = "ClusterIP"
    if spec.session_affinity is None:
        spec.session_affinity = "None"
    if spec.type != "ExternalName" and spec.internal_traffic_policy is None:
        spec.internal_traffic_policy = "Cluster"
    if spec.type in ("NodePort", "LoadBalancer") and spec.external_traffic_policy is None:
        spec.external_traffic_policy = "Cluster"
    for port in spec.ports or []:
        if port.protocol is None:
            port.protocol = "TCP"
        if port.target_port is None:
            port.target_port = port.port
