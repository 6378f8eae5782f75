"""The Pending page: pods no node was found for, grouped by kube-scheduler's message, each group with
the per-node filter verdicts and scores of the last scheduling attempt (of its first pod)."""

from __future__ import annotations

from typing import Any

from manikit.server.backend import Backend, Body
from manikit.server.ui.common import is_pending, kept, link, scheduling_message

NAMES_SHOWN = 20
VERDICTS_SHOWN = 100


def groups(backend: Backend, names_shown: int = NAMES_SHOWN) -> list[dict[str, Any]]:
    pods, _ = backend.list("Pod", None, None)
    by_message: dict[str, list[Body]] = {}
    for pod in pods:
        if is_pending(pod):
            by_message.setdefault(scheduling_message(pod), []).append(pod)
    ordered = sorted(by_message.items(), key=lambda item: (-len(item[1]), item[0]))
    out = []
    for message, members in ordered:
        members.sort(key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))
        shown, left = kept(members, names_shown)
        note = backend.scheduling_note(members[0]["metadata"].get("uid", ""))
        verdicts, verdicts_left = kept(_verdicts(note), VERDICTS_SHOWN)
        out.append(
            {
                "message": message,
                "count": len(members),
                "pods": [link(p) for p in shown],
                "pods_left": left,
                "example": link(members[0]),
                "verdicts": verdicts,
                "verdicts_left": verdicts_left,
            }
        )
    return out


def _verdicts(note: Body | None) -> list[dict[str, Any]]:
    if note is None:
        return []
    rows = []
    for v in note.get("verdicts") or []:
        scores = ", ".join(f"{name} {score}" for name, score in sorted((v.get("scores") or {}).items()))
        rows.append(
            {
                "node": v.get("node", ""),
                "feasible": bool(v.get("feasible")),
                "plugin": v.get("plugin", ""),
                "reasons": ", ".join(v.get("reasons") or []),
                "scores": scores,
                "total": v.get("total", 0),
            }
        )
    return sorted(rows, key=lambda r: (r["feasible"], r["node"]))


def context(backend: Backend, params: dict[str, str]) -> dict[str, Any]:
    found = groups(backend)
    return {"title": "Pending pods", "groups": found, "pending": sum(g["count"] for g in found)}
