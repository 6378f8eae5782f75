"""The Endpoints controller: each Service with a selector lists its pods' IPs, ready or not.

Target ports are resolved per pod (a named targetPort looks up the container port of that name),
pods resolving to the same ports share a subset; addresses are sorted by IP. As upstream, an
Endpoints object holds at most 1,000 addresses and is then annotated ``over-capacity: truncated``.
"""

from __future__ import annotations

import functools
from typing import Any

from manikit.runtime.controllers.common import CONTROLLER_MANAGER, is_ready
from manikit.runtime.controllers.context import PassContext, settle
from manikit.runtime.store import Body

NAME = "endpoints"
MAX_ADDRESSES = 1000
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"


def reconcile(ctx: PassContext) -> None:
    """Derived from the Services and pods alone, in one step: not again from the very same objects
    (its own writes included)."""
    api = ctx.api
    settle(
        ctx,
        NAME,
        lambda: tuple(api.written_at(kind) for kind in ("Service", "Endpoints", "Pod")),
        lambda: _sync(ctx, api.list("Service"), api.list("Endpoints"), api.list("Pod")),
        fixpoint=True,
    )


def _sync(
    ctx: PassContext, service_list: list[Body], endpoints_list: list[Body], pod_list: list[Body]
) -> None:
    api = ctx.api
    services = {(s["metadata"]["namespace"], s["metadata"]["name"]): s for s in service_list}
    existing = {(e["metadata"]["namespace"], e["metadata"]["name"]): e for e in endpoints_list}
    index = PodIndex(pod_list)
    for key, svc in services.items():
        selector = svc["spec"].get("selector")
        if not selector or svc["spec"].get("type") == "ExternalName":
            continue
        pods = index.select(key[0], selector)
        subsets, truncated = endpoint_subsets(svc, pods)
        _write(ctx, svc, existing.get(key), subsets, truncated)
    for key, _endpoints in existing.items():
        if key not in services:
            api.delete("Endpoints", key[1], key[0])


class PodIndex:
    """Pods by (namespace, label key, label value), built once per pass: a Service's candidates are
    the pods carrying the rarest of its selector's labels, not every pod of its namespace."""

    def __init__(self, pods: list[Body]) -> None:
        self._by_label: dict[tuple[str, str, Any], list[Body]] = {}
        for pod in pods:
            meta = pod["metadata"]
            namespace = meta["namespace"]
            for label, value in (meta.get("labels") or {}).items():
                self._by_label.setdefault((namespace, label, value), []).append(pod)

    def select(self, namespace: str, selector: dict[str, str]) -> list[Body]:
        """The pods of ``namespace`` whose labels hold every pair of ``selector`` (non-empty), in
        the order they were given."""
        rarest: list[Body] | None = None
        for label, value in selector.items():
            found = self._by_label.get((namespace, label, value))
            if not found:
                return []
            if rarest is None or len(found) < len(rarest):
                rarest = found
        assert rarest is not None, "an empty selector selects nothing here"
        return [p for p in rarest if _selected(selector, p)]


def _selected(selector: dict[str, str], pod: Body) -> bool:
    labels = pod["metadata"].get("labels") or {}
    return all(labels.get(k) == v for k, v in selector.items())


def endpoint_subsets(svc: Body, pods: list[Body]) -> tuple[list[dict[str, Any]], bool]:
    publish_not_ready = bool(svc["spec"].get("publishNotReadyAddresses"))
    groups: dict[tuple[tuple[str, int, str], ...], dict[str, list[dict[str, Any]]]] = {}
    count = 0
    for pod in sorted(pods, key=_ip_key):
        status = pod.get("status") or {}
        if not status.get("podIP") or "deletionTimestamp" in pod["metadata"]:
            continue
        if status.get("phase") in ("Succeeded", "Failed"):
            continue
        ports = _resolve_ports(svc, pod)
        if ports is None:
            continue
        if count >= MAX_ADDRESSES:
            return _subsets(groups), True
        count += 1
        address = {
            "ip": status["podIP"],
            "nodeName": pod["spec"].get("nodeName"),
            "targetRef": {
                "kind": "Pod",
                "namespace": pod["metadata"]["namespace"],
                "name": pod["metadata"]["name"],
                "uid": pod["metadata"]["uid"],
            },
        }
        group = groups.setdefault(ports, {"addresses": [], "notReadyAddresses": []})
        ready = publish_not_ready or is_ready(pod)
        group["addresses" if ready else "notReadyAddresses"].append(address)
    return _subsets(groups), False


def _ip_key(pod: Body) -> tuple[tuple[int, ...], str]:
    """Addresses in numeric order (IPv4 dotted quads; anything else sorts first, by name)."""
    return (_numeric_ip((pod.get("status") or {}).get("podIP") or ""), pod["metadata"]["name"])


@functools.lru_cache(maxsize=1 << 16)
def _numeric_ip(ip: str) -> tuple[int, ...]:
    parts = ip.split(".")
    return tuple(int(p) for p in parts) if len(parts) == 4 and all(p.isdigit() for p in parts) else ()


def _resolve_ports(svc: Body, pod: Body) -> tuple[tuple[str, int, str], ...] | None:
    resolved = []
    for port in svc["spec"].get("ports") or []:
        target = port.get("targetPort", port.get("port"))
        if isinstance(target, str):
            number = _named_port(pod, target, port.get("protocol", "TCP"))
            if number is None:
                continue  # upstream skips the port for this pod
            target = number
        resolved.append((port.get("name", ""), int(target), port.get("protocol", "TCP")))
    return tuple(resolved) if resolved or not svc["spec"].get("ports") else None


def _named_port(pod: Body, name: str, protocol: str) -> int | None:
    for container in pod["spec"].get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == name and port.get("protocol", "TCP") == protocol:
                return int(port["containerPort"])
    return None


def _subsets(
    groups: dict[tuple[tuple[str, int, str], ...], dict[str, list[dict[str, Any]]]],
) -> list[dict[str, Any]]:
    subsets = []
    for ports, group in sorted(groups.items()):
        subset: dict[str, Any] = {k: v for k, v in group.items() if v}
        port_list = []
        for name, number, protocol in ports:
            entry: dict[str, Any] = {"port": number, "protocol": protocol}
            if name:
                entry["name"] = name
            port_list.append(entry)
        if port_list:
            subset["ports"] = port_list
        subsets.append(subset)
    return subsets


def _write(
    ctx: PassContext, svc: Body, current: Body | None, subsets: list[dict[str, Any]], truncated: bool
) -> None:
    meta = svc["metadata"]
    labels = meta.get("labels")
    annotations = {OVER_CAPACITY: "truncated"} if truncated else None
    if current is not None:
        same = (
            (current.get("subsets") or []) == subsets
            and current["metadata"].get("labels") == labels
            and current["metadata"].get("annotations") == annotations
        )
        if same:
            return
    new_meta: dict[str, Any] = {"name": meta["name"], "namespace": meta["namespace"]}
    if labels:
        new_meta["labels"] = labels
    if annotations:
        new_meta["annotations"] = annotations
    body: dict[str, Any] = {"apiVersion": "v1", "kind": "Endpoints", "metadata": new_meta}
    if subsets:
        body["subsets"] = subsets
    if current is None:
        ctx.api.create(body, trusted=True, manager=CONTROLLER_MANAGER)
    else:
        ctx.api.update(body, trusted=True, manager=CONTROLLER_MANAGER)
