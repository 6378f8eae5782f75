"""The nodes page: each node's requests and limits per resource as stacked bars against its
allocatable, and the pods on it."""

from __future__ import annotations

from typing import Any

from manikit.plan.capacity import NodeUsage, node_usages
from manikit.plan.render.html import bar
from manikit.server.backend import Backend
from manikit.server.ui.common import kept, object_url

#: pods listed per node on the nodes page (the count is always whole)
PODS_SHOWN = 200


def node_views(backend: Backend, pods_shown: int) -> list[dict[str, Any]]:
    nodes, _ = backend.list("Node", None, None)
    pods, _ = backend.list("Pod", None, None)
    return [_view(usage, pods_shown) for usage in node_usages(nodes, pods)]


def _view(usage: NodeUsage, pods_shown: int) -> dict[str, Any]:
    shown, left = kept(list(usage.pods), pods_shown)
    return {
        "name": usage.node,
        "url": object_url("Node", None, usage.node),
        "full": usage.full,
        "pod_count": len(usage.pods),
        "pods": [{"text": p, "url": object_url("Pod", *p.split("/", 1))} for p in shown],
        "pods_left": left,
        "bars": [{"resource": u.resource, **(bar(u) or {})} for u in usage.usages],
    }


def context(backend: Backend, params: dict[str, str]) -> dict[str, Any]:
    views = node_views(backend, PODS_SHOWN)
    return {"title": "Nodes", "nodes": views, "full": [n["name"] for n in views if n["full"]]}
