"""The Deployments page: each Deployment's replicas and its rollout history drawn from the store's
history as a timeline: one column per change of its ReplicaSets' sizes, stacked by rollout revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manikit.server.backend import Backend, Body, HistoryEntry
from manikit.server.ui.common import link

REVISION = "deployment.kubernetes.io/revision"
STEPS = 40  # columns drawn: the latest changes
COLUMN, GAP, HEIGHT = 14, 3, 90
PALETTE = ("#8c959f", "#0969da", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#cf222e", "#1b7c83")


@dataclass(frozen=True)
class Step:
    revision: int  # the store revision of the write
    sizes: tuple[tuple[str, int], ...]  # ReplicaSet name -> spec.replicas, after the write


def _owner(body: Body) -> str:
    for ref in body["metadata"].get("ownerReferences") or []:
        if ref.get("kind") == "Deployment":
            return str(ref.get("uid", ""))
    return ""


def timelines(entries: list[HistoryEntry]) -> tuple[dict[str, list[Step]], dict[str, dict[str, Any]]]:
    """Per Deployment uid, the steps at which its ReplicaSets' sizes changed; per ReplicaSet name, its
    rollout revision and images (from its last stored body)."""
    sizes: dict[str, dict[str, int]] = {}
    steps: dict[str, list[Step]] = {}
    info: dict[str, dict[str, Any]] = {}
    for entry in entries:
        owner = _owner(entry.body)
        if not owner:
            continue
        key = f"{entry.namespace}/{entry.name}"
        current = sizes.setdefault(owner, {})
        size = 0 if entry.op == "DELETED" else int((entry.body.get("spec") or {}).get("replicas", 1))
        annotations = entry.body["metadata"].get("annotations") or {}
        containers = (((entry.body.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
            "containers"
        ) or []
        info[key] = {
            "rollout": int(annotations.get(REVISION, "0") or 0),
            "images": ", ".join(c.get("image", "") for c in containers),
            "name": entry.name,
        }
        if current.get(key, -1) == size and entry.op != "ADDED":
            continue
        current[key] = size
        steps.setdefault(owner, []).append(Step(entry.revision, tuple(sorted(current.items()))))
    return steps, info


def chart(steps: list[Step], info: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An SVG's rectangles: a column per step, a segment per ReplicaSet, coloured by its revision."""
    shown = steps[-STEPS:]
    peak = max((sum(n for _, n in s.sizes) for s in shown), default=0) or 1
    rects = []
    for i, step in enumerate(shown):
        y = HEIGHT
        ordered = sorted(step.sizes, key=lambda item: info[item[0]]["rollout"])
        for key, n in ordered:
            if n <= 0:
                continue
            h = max(round(n * HEIGHT / peak), 1)
            y -= h
            rollout = info[key]["rollout"]
            rects.append(
                {
                    "x": i * (COLUMN + GAP),
                    "y": y,
                    "w": COLUMN,
                    "h": h,
                    "fill": PALETTE[rollout % len(PALETTE)],
                    "title": f"revision {rollout}: {info[key]['name']} {n} replicas (store revision "
                    f"{step.revision})",
                }
            )
    rollouts = sorted({info[k]["rollout"] for s in shown for k, _ in s.sizes})
    legend = [
        {"rollout": r, "fill": PALETTE[r % len(PALETTE)], "sets": _sets(info, r, shown)} for r in rollouts
    ]
    return {
        "rects": rects,
        "width": max(len(shown) * (COLUMN + GAP), COLUMN),
        "height": HEIGHT,
        "peak": peak,
        "steps": len(steps),
        "shown": len(shown),
        "legend": legend,
    }


def _sets(info: dict[str, dict[str, Any]], rollout: int, steps: list[Step]) -> str:
    names = sorted({k for s in steps for k, _ in s.sizes if info[k]["rollout"] == rollout})
    return "; ".join(f"{info[k]['name']} ({info[k]['images']})" for k in names)


def deployment_views(backend: Backend) -> list[dict[str, Any]]:
    deps, _ = backend.list("Deployment", None, None)
    steps, info = timelines(backend.history(0, ["ReplicaSet"]))
    views = []
    for dep in sorted(deps, key=lambda d: (d["metadata"].get("namespace", ""), d["metadata"]["name"])):
        status = dep.get("status") or {}
        own = steps.get(dep["metadata"].get("uid", ""), [])
        views.append(
            {
                **link(dep),
                "replicas": (dep.get("spec") or {}).get("replicas", 1),
                "ready": status.get("readyReplicas", 0),
                "updated": status.get("updatedReplicas", 0),
                "available": status.get("availableReplicas", 0),
                "rollout": (dep["metadata"].get("annotations") or {}).get(REVISION, ""),
                "chart": chart(own, info),
            }
        )
    return views


def context(backend: Backend, params: dict[str, str]) -> dict[str, Any]:
    return {"title": "Deployments", "deployments": deployment_views(backend)}
