"""The overview: every node's bars, the Pending pods by reason, the Deployments and the latest
events on one page."""

from __future__ import annotations

from typing import Any

from manikit.server.backend import Backend
from manikit.server.ui import deployments, events, nodes, pending

PODS_SHOWN = 12
EVENTS_SHOWN = 15
NAMES_SHOWN = 5


def context(backend: Backend, params: dict[str, str]) -> dict[str, Any]:
    views = nodes.node_views(backend, PODS_SHOWN)
    groups = pending.groups(backend, NAMES_SHOWN)
    return {
        "title": "Overview",
        "nodes": views,
        "full": [n["name"] for n in views if n["full"]],
        "groups": groups,
        "pending": sum(g["count"] for g in groups),
        "deployments": deployments.deployment_views(backend),
        "events": events.recent(backend, EVENTS_SHOWN),
    }
