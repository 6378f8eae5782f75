"""kubectl's columns per kind for ``get`` (and the table layout: left-aligned, three spaces apart)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

from manikit.cluster import Body
from manikit.cluster.objects import is_ready
from manikit.cluster.times import human_age
from manikit.kinds.resources import pod_requests as kinds_pod_requests
from manikit.models.pod import PodSpec
from manikit.models.quantity import QuantityFormat, format_quantity, parse_quantity

Row = list[str]


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in [headers, *rows]:
        lines.append("   ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


def _age(body: Body, now: datetime) -> str:
    return human_age(body["metadata"].get("creationTimestamp"), now)


def _selector_text(selector: dict[str, Any] | None) -> str:
    if not selector:
        return "<none>"
    labels = (
        selector.get("matchLabels", selector)
        if "matchLabels" in selector or "matchExpressions" in selector
        else selector
    )
    parts = [f"{k}={v}" for k, v in sorted((labels or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        values = ",".join(expr.get("values") or [])
        parts.append(f"{expr['key']} {expr['operator'].lower()} ({values})")
    return ",".join(parts) or "<none>"


def pod_status_text(pod: Body) -> str:
    """kubectl's STATUS: Terminating, the container's waiting/terminated reason, Completed, phase."""
    if "deletionTimestamp" in pod["metadata"]:
        return "Terminating"
    status = pod.get("status") or {}
    phase = status.get("phase", "Pending")
    for container in status.get("containerStatuses") or []:
        state = container.get("state") or {}
        if "waiting" in state and state["waiting"].get("reason"):
            return str(state["waiting"]["reason"])
        if "terminated" in state and state["terminated"].get("reason"):
            return str(state["terminated"]["reason"])
    return str(status.get("reason") or phase)


def _pod_row(pod: Body, now: datetime, wide: bool) -> Row:
    status = pod.get("status") or {}
    containers = pod["spec"].get("containers") or []
    ready = sum(1 for c in status.get("containerStatuses") or [] if c.get("ready"))
    row = [
        pod["metadata"]["name"],
        f"{ready}/{len(containers)}",
        pod_status_text(pod),
        _restarts(status, now),
        _age(pod, now),
    ]
    if wide:
        row += [status.get("podIP") or "<none>", pod["spec"].get("nodeName") or "<none>", "<none>", "<none>"]
    return row


def _restarts(status: dict[str, Any], now: datetime) -> str:
    """kubectl's RESTARTS: the count, and how long ago the last restarted container last ended."""
    statuses = status.get("containerStatuses") or []
    count = sum(c.get("restartCount", 0) for c in statuses)
    ends = [
        ((c.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        for c in statuses
        if c.get("restartCount", 0)
    ]
    latest = max((e for e in ends if e), default=None)
    return f"{count} ({human_age(latest, now)} ago)" if count and latest else str(count)


def _containers(template: dict[str, Any]) -> list[str]:
    containers = (template.get("spec") or {}).get("containers") or []
    return [",".join(c["name"] for c in containers), ",".join(c.get("image", "") for c in containers)]


def _deployment_row(dep: Body, now: datetime, wide: bool) -> Row:
    status = dep.get("status") or {}
    replicas = dep["spec"].get("replicas", 1)
    row = [
        dep["metadata"]["name"],
        f"{status.get('readyReplicas', 0)}/{replicas}",
        str(status.get("updatedReplicas", 0)),
        str(status.get("availableReplicas", 0)),
        _age(dep, now),
    ]
    if wide:
        row += [*_containers(dep["spec"]["template"]), _selector_text(dep["spec"].get("selector"))]
    return row


def _replicaset_row(rs: Body, now: datetime, wide: bool) -> Row:
    status = rs.get("status") or {}
    row = [
        rs["metadata"]["name"],
        str(rs["spec"].get("replicas", 1)),
        str(status.get("replicas", 0)),
        str(status.get("readyReplicas", 0)),
        _age(rs, now),
    ]
    if wide:
        row += [*_containers(rs["spec"].get("template") or {}), _selector_text(rs["spec"].get("selector"))]
    return row


def _ports_text(spec: dict[str, Any]) -> str:
    parts = []
    for port in spec.get("ports") or []:
        text = str(port["port"])
        if port.get("nodePort"):
            text += f":{port['nodePort']}"
        parts.append(f"{text}/{port.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def _service_row(svc: Body, now: datetime, wide: bool) -> Row:
    spec = svc["spec"]
    svc_type = spec.get("type", "ClusterIP")
    if svc_type == "ExternalName":
        external = spec.get("externalName", "<none>")
    elif spec.get("externalIPs"):
        external = ",".join(spec["externalIPs"])
    elif svc_type == "LoadBalancer":
        external = "<pending>"
    else:
        external = "<none>"
    row = [
        svc["metadata"]["name"],
        svc_type,
        spec.get("clusterIP", "<none>"),
        external,
        _ports_text(spec),
        _age(svc, now),
    ]
    if wide:
        row.append(_selector_text(spec.get("selector")))
    return row


def _namespace_row(ns: Body, now: datetime, wide: bool) -> Row:
    return [ns["metadata"]["name"], (ns.get("status") or {}).get("phase", "Active"), _age(ns, now)]


def _configmap_row(cm: Body, now: datetime, wide: bool) -> Row:
    count = len(cm.get("data") or {}) + len(cm.get("binaryData") or {})
    return [cm["metadata"]["name"], str(count), _age(cm, now)]


def _endpoints_row(ep: Body, now: datetime, wide: bool) -> Row:
    pairs = [
        f"{address['ip']}:{port['port']}"
        for subset in ep.get("subsets") or []
        for address in subset.get("addresses") or []
        for port in subset.get("ports") or [{"port": 0}]
    ]
    shown = ",".join(pairs[:3]) + (f" + {len(pairs) - 3} more..." if len(pairs) > 3 else "")
    return [ep["metadata"]["name"], shown or "<none>", _age(ep, now)]


def node_usage(node: Body, pods: Sequence[Body]) -> dict[str, tuple[Fraction, Fraction]]:
    """Requested / allocatable cpu, memory and pods of a node, from its non-terminated pods."""
    status = node.get("status") or {}
    alloc = {**(status.get("capacity") or {}), **(status.get("allocatable") or {})}
    requested = {"cpu": Fraction(0), "memory": Fraction(0), "pods": Fraction(0)}
    for pod in pods:
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        requested["pods"] += 1
        for resource, value in pod_requests(pod["spec"]).items():
            requested[resource] += value
    return {
        resource: (
            requested[resource],
            parse_quantity(alloc[resource]).value if resource in alloc else Fraction(0),
        )
        for resource in ("cpu", "memory", "pods")
    }


def pod_requests(spec: dict[str, Any]) -> dict[str, Fraction]:
    """cpu and memory a pod reserves, as the scheduler counts them (``manikit.kinds``' definition:
    sidecars and overhead included)."""
    found = kinds_pod_requests(PodSpec.model_validate(spec), pod_defaults=False)
    return {r: found[r].value if r in found else Fraction(0) for r in ("cpu", "memory")}


def _quantity(resource: str, value: Fraction) -> str:
    if resource == "pods":
        return str(int(value))
    fmt = QuantityFormat.BINARY_SI if resource == "memory" else QuantityFormat.DECIMAL_SI
    return format_quantity(value, fmt)


def _node_row_with(pods_by_node: dict[str, list[Body]]) -> Callable[[Body, datetime, bool], Row]:
    def row(node: Body, now: datetime, wide: bool) -> Row:
        name = node["metadata"]["name"]
        usage = node_usage(node, pods_by_node.get(name, []))
        labels = node["metadata"].get("labels") or {}
        roles = ",".join(
            sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/"))
        )
        cells = [
            name,
            node_status_text(node),
            roles or "<none>",
            _age(node, now),
            str(((node.get("status") or {}).get("nodeInfo") or {}).get("kubeletVersion", "")),
        ]
        for resource in ("cpu", "memory", "pods"):
            used, total = usage[resource]
            cells.append(f"{_quantity(resource, used)}/{_quantity(resource, total)}")
        if wide:
            addresses = (node.get("status") or {}).get("addresses") or []
            internal = next((a["address"] for a in addresses if a.get("type") == "InternalIP"), "<none>")
            cells += [internal, labels.get("topology.kubernetes.io/zone", "<none>")]
        return cells

    return row


def node_status_text(node: Body) -> str:
    conditions = (node.get("status") or {}).get("conditions") or []
    ready = next((c for c in conditions if c.get("type") == "Ready"), None)
    text = "Ready" if ready and ready.get("status") == "True" else "NotReady" if ready else "Unknown"
    if node["spec"].get("unschedulable"):
        text += ",SchedulingDisabled"
    return text


HEADERS: dict[str, tuple[list[str], list[str]]] = {
    "Pod": (
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
    ),
    "Deployment": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
    "ReplicaSet": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
    "Service": (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ["SELECTOR"]),
    "Namespace": (["NAME", "STATUS", "AGE"], []),
    "Endpoints": (["NAME", "ENDPOINTS", "AGE"], []),
    "ConfigMap": (["NAME", "DATA", "AGE"], []),
    "Node": (
        ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "CPU(REQ/ALLOC)", "MEMORY(REQ/ALLOC)", "PODS"],
        ["INTERNAL-IP", "ZONE"],
    ),
}


def rows_for(
    kind: str, bodies: Sequence[Body], now: datetime, wide: bool, pods: Sequence[Body] = ()
) -> list[Row]:
    """The table rows of ``bodies`` (``pods``: every pod, for the nodes' requested resources)."""
    makers: dict[str, Callable[[Body, datetime, bool], Row]] = {
        "Pod": _pod_row,
        "Deployment": _deployment_row,
        "ReplicaSet": _replicaset_row,
        "Service": _service_row,
        "Namespace": _namespace_row,
        "Endpoints": _endpoints_row,
        "ConfigMap": _configmap_row,
    }
    if kind == "Node":
        by_node: dict[str, list[Body]] = {}
        for pod in pods:
            if pod["spec"].get("nodeName"):
                by_node.setdefault(pod["spec"]["nodeName"], []).append(pod)
        makers["Node"] = _node_row_with(by_node)
    return [makers[kind](body, now, wide) for body in bodies]


def headers_for(kind: str, wide: bool) -> list[str]:
    base, extra = HEADERS[kind]
    return [*base, *extra] if wide else list(base)


__all__ = ["format_table", "headers_for", "is_ready", "node_status_text", "pod_status_text", "rows_for"]
