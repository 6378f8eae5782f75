"""The plan as JSON, format version 1; schemas/plan.schema.json gives the meaning of each field."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from manikit.plan.actions import Action, Plan

#: the JSON output's own version (stable: fields are added, never removed); saved plan files have theirs
JSON_FORMAT_VERSION = 1


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    counts = plan.counts()
    return {
        "format_version": JSON_FORMAT_VERSION,
        "applyset": plan.applyset,
        "store_id": plan.store_id,
        "base_revision": plan.base_revision,
        "prune": plan.prune,
        "atomic": plan.atomic,
        "force_conflicts": plan.force_conflicts,
        "summary": {
            "add": counts[Action.CREATE] + counts[Action.REPLACE],
            "change": counts[Action.UPDATE],
            "destroy": counts[Action.DELETE] + counts[Action.REPLACE],
            "replace": counts[Action.REPLACE],
            "unchanged": plan.unchanged,
            "refused": len(plan.refusals),
        },
        "refusals": [r.to_dict() for r in plan.refusals],
        "resource_changes": [c.to_dict() for c in plan.changes],
        "scheduling_preview": _preview(plan),
    }


def _preview(plan: Plan) -> dict[str, Any] | None:
    preview = plan.preview
    if preview is None:
        return None
    return {
        "pending": [asdict(p) for p in preview.pending],
        "usage": [asdict(u) for u in preview.usage],
        "pods": preview.pods,
        "nodes": preview.nodes,
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), indent=2, default=str)
