"""The kubelet, simulated: bound pods start, get an IP from their node's podCIDR, and become Ready.

A readiness probe's initialDelaySeconds delays Ready in simulated time (a timer for the reconcile
loop). A pod with restartPolicy Never or OnFailure whose annotation ``sim.manikit.io/exit-code`` is
set runs to completion: "0" -> Succeeded; another code -> Failed under Never (OnFailure would
restart it forever, so it stays Running). Nodes without a Ready condition get one, as a kubelet
posts it.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from manikit.runtime.api import qos_class
from manikit.runtime.clock import parse_time, rfc3339
from manikit.runtime.controllers.common import condition, status_patch
from manikit.runtime.controllers.context import PassContext
from manikit.runtime.store import Body

EXIT_CODE_ANNOTATION = "sim.manikit.io/exit-code"
SOURCE = "kubelet"


def reconcile(ctx: PassContext) -> None:
    api = ctx.api
    nodes = {n["metadata"]["name"]: n for n in api.list("Node")}
    for node in nodes.values():
        _post_node_ready(ctx, node)
    pods = api.list("Pod")
    used: dict[str, Addresses] = {}
    for pod in pods:
        status = pod.get("status") or {}
        if status.get("podIP") and status.get("phase") not in ("Succeeded", "Failed"):
            used.setdefault(pod["spec"].get("nodeName", ""), Addresses()).taken.add(status["podIP"])
    for pod in pods:
        node_name = pod["spec"].get("nodeName")
        if not node_name or node_name not in nodes or "deletionTimestamp" in pod["metadata"]:
            continue
        phase = (pod.get("status") or {}).get("phase", "Pending")
        if phase == "Pending":
            _start(ctx, pod, nodes[node_name], used.setdefault(node_name, Addresses()))
        elif phase == "Running" and condition(pod, "Ready") is not None and not _ready(pod):
            _maybe_ready(ctx, pod)


def _post_node_ready(ctx: PassContext, node: Body) -> None:
    status = node.get("status") or {}
    if any(c.get("type") == "Ready" for c in status.get("conditions") or []):
        return
    stamp = rfc3339(ctx.now())
    ready = {
        "type": "Ready",
        "status": "True",
        "reason": "KubeletReady",
        "message": "kubelet is posting ready status",
        "lastTransitionTime": stamp,
    }
    new = {**status, "conditions": [*(status.get("conditions") or []), ready]}
    ctx.api.update_status(status_patch(node, new), trusted=True)


def _ready(pod: Body) -> bool:
    cond = condition(pod, "Ready")
    return cond is not None and cond.get("status") == "True"


@dataclass
class Addresses:
    """A node's pod IPs in use, and the offset below which every address is taken (addresses are
    only added during a pass, so the next lowest free one is never below the last one given)."""

    taken: set[str] = field(default_factory=set)
    floor: int = 2  # .1 is the bridge


def _start(ctx: PassContext, pod: Body, node: Body, used: Addresses) -> None:
    now = ctx.now()
    stamp = rfc3339(now)
    spec = pod["spec"]
    status: dict[str, Any] = dict(pod.get("status") or {})
    ip = _allocate_ip(node, used)
    host_ip = _host_ip(node)
    exit_code = _exit_code(pod)
    finished = exit_code is not None and spec.get("restartPolicy", "Always") != "Always"
    if finished and exit_code != 0 and spec.get("restartPolicy") == "OnFailure":
        finished = False
    ready_at = _ready_at(spec, now)
    ready = not finished and ready_at <= now
    if not ready and not finished:
        ctx.wake_at(ready_at)
    names = " ".join(c["name"] for c in spec["containers"])
    phase = ("Succeeded" if exit_code == 0 else "Failed") if finished else "Running"
    conditions = [
        {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": stamp},
        {"type": "Initialized", "status": "True", "lastTransitionTime": stamp},
        _cond("Ready", ready, stamp, finished, names),
        _cond("ContainersReady", ready, stamp, finished, names),
        condition(pod, "PodScheduled")
        or {"type": "PodScheduled", "status": "True", "lastTransitionTime": stamp},
    ]
    status.update(
        phase=phase,
        conditions=conditions,
        hostIP=host_ip,
        podIP=ip,
        podIPs=[{"ip": ip}],
        startTime=stamp,
        qosClass=status.get("qosClass") or qos_class(spec),
        containerStatuses=[
            _container_status(c, ready, stamp, exit_code if finished else None) for c in spec["containers"]
        ],
    )
    ctx.api.update_status(status_patch(pod, status), trusted=True)
    for container in spec["containers"]:
        _container_events(ctx, pod, container)


def _container_events(ctx: PassContext, pod: Body, container: dict[str, Any]) -> None:
    """What the kubelet reports starting a container (the image is always present here)."""
    name = container["name"]
    image = container.get("image", "")
    api = ctx.api
    api.record_event(pod, "Normal", "Pulled", f'Container image "{image}" already present on machine', SOURCE)
    api.record_event(pod, "Normal", "Created", f"Created container: {name}", SOURCE)
    api.record_event(pod, "Normal", "Started", f"Started container {name}", SOURCE)


def _cond(type_: str, ready: bool, stamp: str, finished: bool, names: str) -> dict[str, Any]:
    cond: dict[str, Any] = {
        "type": type_,
        "status": "True" if ready else "False",
        "lastTransitionTime": stamp,
    }
    if not ready:
        cond["reason"] = "PodCompleted" if finished else "ContainersNotReady"
        if not finished:
            cond["message"] = f"containers with unready status: [{names}]"
    return cond


def _container_status(
    container: dict[str, Any], ready: bool, stamp: str, exit_code: int | None
) -> dict[str, Any]:
    name = container["name"]
    state: dict[str, Any]
    if exit_code is not None:
        reason = "Completed" if exit_code == 0 else "Error"
        state = {
            "terminated": {"exitCode": exit_code, "reason": reason, "startedAt": stamp, "finishedAt": stamp}
        }
    else:
        state = {"running": {"startedAt": stamp}}
    return {
        "name": name,
        "image": container.get("image", ""),
        "imageID": "",
        "containerID": "sim://" + hashlib.sha256(f"{stamp}/{name}".encode()).hexdigest()[:16],
        "ready": ready,
        "started": exit_code is None,
        "restartCount": 0,
        "state": state,
    }


def _ready_at(spec: dict[str, Any], now: datetime) -> datetime:
    delays = [
        int((c.get("readinessProbe") or {}).get("initialDelaySeconds", 0) or 0) for c in spec["containers"]
    ]
    return now + timedelta(seconds=max(delays, default=0))


def _maybe_ready(ctx: PassContext, pod: Body) -> None:
    start = (pod.get("status") or {}).get("startTime")
    if not start:
        return
    ready_at = _ready_at(pod["spec"], parse_time(start))
    if ready_at > ctx.now():
        ctx.wake_at(ready_at)
        return
    stamp = rfc3339(ctx.now())
    status = dict(pod["status"])
    status["conditions"] = [
        {"type": c["type"], "status": "True", "lastTransitionTime": stamp}  # reason/message dropped
        if c.get("type") in ("Ready", "ContainersReady")
        else c
        for c in status.get("conditions") or []
    ]
    status["containerStatuses"] = [{**c, "ready": True} for c in status.get("containerStatuses") or []]
    ctx.api.update_status(status_patch(pod, status), trusted=True)


def _exit_code(pod: Body) -> int | None:
    value = (pod["metadata"].get("annotations") or {}).get(EXIT_CODE_ANNOTATION)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return 1


def _host_ip(node: Body) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address["address"])
    return ""


def _allocate_ip(node: Body, used: Addresses) -> str:
    """The lowest free address of the node's podCIDR from .2 (.1 is the bridge), as host-local IPAM."""
    cidr = node["spec"].get("podCIDR") or _fallback_cidr(node["metadata"]["name"])
    base, size = _network(cidr)
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
def _network(cidr: str) -> tuple[int, int]:
    network = ipaddress.ip_network(cidr, strict=False)
    return int(network.network_address), network.num_addresses


def _fallback_cidr(name: str) -> str:
    digest = hashlib.sha256(name.encode()).digest()
    return f"10.{245 + digest[0] % 10}.{digest[1]}.0/24"
