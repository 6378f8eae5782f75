"""The node lifecycle controller and the taint eviction controller (pkg/controller/nodelifecycle,
pkg/controller/tainteviction).

A stopped node (``manikit nodes stop``: its kubelet no longer posts status) turns Ready=Unknown after
the node monitor grace period (40 s), gets the ``node.kubernetes.io/unreachable`` NoSchedule and
NoExecute taints, and its pods are marked not ready. Pods on a node with NoExecute taints are evicted
(deleted) at once unless they tolerate every such taint, or when their tolerationSeconds run out
(300 s by the DefaultTolerationSeconds admission). A cordoned node carries the
``node.kubernetes.io/unschedulable`` NoSchedule taint. A node started again loses its unreachable taints.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from manikit.runtime.api import Api
from manikit.runtime.clock import parse_time, rfc3339
from manikit.runtime.controllers.common import condition, status_patch
from manikit.runtime.controllers.context import PassContext
from manikit.runtime.store import Body

SOURCE = "node-controller"
EVICTION_SOURCE = "taint-eviction-controller"
STOPPED_NOTE = ("cluster", "stopped-nodes")
GRACE_PERIOD = timedelta(seconds=40)
UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"


def stopped_nodes(api: Api) -> dict[str, str]:
    """Nodes whose kubelet is stopped, and since when (RFC3339)."""
    return dict(api.store.get_note(*STOPPED_NOTE) or {})


def set_stopped(api: Api, name: str, stopped: bool) -> bool:
    """Stop or start a node's kubelet; False when it already was so."""
    current = stopped_nodes(api)
    if (name in current) == stopped:
        return False
    if stopped:
        current[name] = rfc3339(api.clock.now())
    else:
        del current[name]
    api.store.put_note(*STOPPED_NOTE, current)
    return True


def reconcile(ctx: PassContext) -> None:
    api = ctx.api
    stopped = stopped_nodes(api)
    pods_by_node: dict[str, list[Body]] = {}
    nodes = api.list("Node")
    if not stopped and not any(_has_taints(n) or n["spec"].get("unschedulable") for n in nodes):
        return
    for pod in api.list("Pod"):
        if pod["spec"].get("nodeName"):
            pods_by_node.setdefault(pod["spec"]["nodeName"], []).append(pod)
    for node in nodes:
        name = node["metadata"]["name"]
        node = _monitor(ctx, node, stopped.get(name), pods_by_node.get(name, []))
        node = _sync_taints(ctx, node, name in stopped)
        _evict(ctx, node, pods_by_node.get(name, []))


def _has_taints(node: Body) -> bool:
    return bool(node["spec"].get("taints"))


def _monitor(ctx: PassContext, node: Body, since: str | None, pods: list[Body]) -> Body:
    """Ready=Unknown once a stopped node has not posted status for the grace period."""
    if since is None:
        return node
    unknown_at = parse_time(since) + GRACE_PERIOD
    ready = condition(node, "Ready")
    if unknown_at > ctx.now():
        ctx.wake_at(unknown_at)
        return node
    if ready is not None and ready.get("status") == "Unknown":
        return node
    stamp = rfc3339(ctx.now())
    status = dict(node.get("status") or {})
    posted = {
        "type": "Ready",
        "status": "Unknown",
        "reason": "NodeStatusUnknown",
        "message": "Kubelet stopped posting node status.",
        "lastHeartbeatTime": since,
        "lastTransitionTime": stamp,
    }
    status["conditions"] = [*(c for c in status.get("conditions") or [] if c.get("type") != "Ready"), posted]
    node = ctx.api.update_status(status_patch(node, status), trusted=True)
    name = node["metadata"]["name"]
    ctx.api.record_event(node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady", SOURCE)
    for pod in pods:
        _mark_not_ready(ctx, pod)
    return node


def _mark_not_ready(ctx: PassContext, pod: Body) -> None:
    status = dict(pod.get("status") or {})
    if status.get("phase") in ("Succeeded", "Failed"):
        return
    stamp = rfc3339(ctx.now())
    status["conditions"] = [
        {**c, "status": "False", "lastTransitionTime": stamp}
        if c.get("type") == "Ready" and c.get("status") == "True"
        else c
        for c in status.get("conditions") or []
    ]
    ctx.api.update_status(status_patch(pod, status), trusted=True)
    ctx.api.record_event(pod, "Warning", "NodeNotReady", "Node is not ready", SOURCE)


def _sync_taints(ctx: PassContext, node: Body, stopped: bool) -> Body:
    ready = condition(node, "Ready")
    unreachable = stopped and ready is not None and ready.get("status") == "Unknown"
    wanted: list[tuple[str, str]] = []
    if unreachable:
        wanted += [(UNREACHABLE, "NoSchedule"), (UNREACHABLE, "NoExecute")]
    if node["spec"].get("unschedulable"):
        wanted.append((UNSCHEDULABLE, "NoSchedule"))
    ours = (UNREACHABLE, UNSCHEDULABLE)
    taints = list(node["spec"].get("taints") or [])
    kept = [t for t in taints if t.get("key") not in ours or (t["key"], t.get("effect")) in wanted]
    have = {(t.get("key"), t.get("effect")) for t in kept}
    stamp = rfc3339(ctx.now())
    added = [
        {"key": key, "effect": effect, **({"timeAdded": stamp} if effect == "NoExecute" else {})}
        for key, effect in wanted
        if (key, effect) not in have
    ]
    if kept == taints and not added:
        return node
    spec = {**node["spec"], "taints": kept + added}
    if not spec["taints"]:
        del spec["taints"]
    return ctx.api.update({**node, "spec": spec}, trusted=True)


def tolerates(toleration: dict[str, Any], taint: dict[str, Any]) -> bool:
    """v1 Toleration.ToleratesTaint."""
    effect = toleration.get("effect")
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key")
    if key and key != taint.get("key"):
        return False
    if toleration.get("operator", "Equal") == "Exists":
        return True
    return bool(toleration.get("value", "") == taint.get("value", ""))


def eviction_time(pod: Body, taints: list[dict[str, Any]]) -> datetime | None:
    """When the pod must go: None if it tolerates every taint for ever, else the earliest moment its
    tolerations allow (a taint it does not tolerate: at once, i.e. the taint's timeAdded)."""
    moments = []
    for taint in taints:
        added = parse_time(taint["timeAdded"]) if taint.get("timeAdded") else None
        matching = [t for t in pod["spec"].get("tolerations") or [] if tolerates(t, taint)]
        if not matching:
            return added or datetime.min.replace(tzinfo=UTC)
        limits = [t["tolerationSeconds"] for t in matching if t.get("tolerationSeconds") is not None]
        if limits and added is not None:
            moments.append(added + timedelta(seconds=max(0, min(int(s) for s in limits))))
    return min(moments) if moments else None


def _evict(ctx: PassContext, node: Body, pods: list[Body]) -> None:
    taints = [t for t in node["spec"].get("taints") or [] if t.get("effect") == "NoExecute"]
    if not taints:
        return
    for pod in pods:
        meta = pod["metadata"]
        if "deletionTimestamp" in meta:
            continue
        moment = eviction_time(pod, taints)
        if moment is None:
            continue
        if moment > ctx.now():
            ctx.wake_at(moment)
            continue
        message = f"Marking for deletion Pod {meta['namespace']}/{meta['name']}"
        ctx.api.record_event(pod, "Normal", "TaintManagerEviction", message, EVICTION_SOURCE)
        ctx.api.delete("Pod", meta["name"], meta["namespace"])
