"""What the dashboard's pages share: links to objects, pods' states, and the not-found error."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from manikit.server.backend import Body

#: cluster-scoped objects have no namespace: this stands for it in an object's address
NO_NAMESPACE = "_"


class NotFound(Exception):
    """The page names an object or kind that is not there."""


def object_url(kind: str, namespace: str | None, name: str) -> str:
    ns = namespace or NO_NAMESPACE
    return f"/ui/object/{quote(kind, safe='')}/{quote(ns, safe='')}/{quote(name, safe='')}"


def link(body: Body) -> dict[str, str]:
    meta = body["metadata"]
    ns = meta.get("namespace") or ""
    return {
        "text": f"{ns}/{meta['name']}" if ns else meta["name"],
        "url": object_url(body["kind"], ns, meta["name"]),
    }


def is_pending(pod: Body) -> bool:
    """Active, not being deleted, and on no node: what kubectl shows as Pending for want of a node."""
    status = pod.get("status") or {}
    return (
        not (pod.get("spec") or {}).get("nodeName")
        and status.get("phase") not in ("Succeeded", "Failed")
        and not pod["metadata"].get("deletionTimestamp")
    )


def scheduling_message(pod: Body) -> str:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("status") == "False":
            return str(cond.get("message") or cond.get("reason") or "not scheduled")
    return "not scheduled yet"


def kept(items: list[Any], limit: int) -> tuple[list[Any], int]:
    """The first ``limit`` items and how many were left out."""
    return items[:limit], max(len(items) - limit, 0)
