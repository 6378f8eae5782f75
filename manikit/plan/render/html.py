"""The plan as one self-contained HTML page (``manikit plan --html FILE``): the summary, the objects,
per-node capacity bars before and after, the Pending pods and the details. Inline CSS, no script, no
asset from anywhere else; rendered by an autoescaping sandboxed jinja2 template."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from manikit.plan.actions import Plan
from manikit.plan.capacity import Usage
from manikit.plan.render.bars import capacity_rows, full_nodes, segments, share
from manikit.plan.render.pending import group_pending, pods
from manikit.plan.render.text import render_text

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
#: cells of a bar: percentages of its width come from these, so a bar and its text agree
_CELLS = 100


def render_html(plan: Plan) -> str:
    source = (
        resources.files("manikit.plan.render").joinpath("templates/plan.html.j2").read_text(encoding="utf-8")
    )
    preview = plan.preview
    pending = list(preview.pending) if preview is not None else []
    context: dict[str, Any] = {
        "empty": plan.empty,
        "summary": plan.summary(),
        "changes": [
            {"symbol": c.action.symbol, "address": str(c.key), "action": c.action.value, "source": c.source}
            for c in plan.changes
        ],
        "details": [line.text for line in render_text(plan)[2:]],
        "pending": group_pending(pending),
        "pending_count": pods(len(pending)),
        "capacity": _capacity(plan),
    }
    return _ENV.from_string(source).render(**context)


def bar(usage: Usage | None) -> dict[str, Any] | None:
    """A bar's segments in percent of its width and its label (None: the node is not there)."""
    if usage is None:
        return None
    s = segments(usage, _CELLS)
    return {"requests": s.requests, "limits": s.limits, "label": share(usage), "full": usage.percent >= 95}


def _capacity(plan: Plan) -> list[dict[str, Any]]:
    preview = plan.preview
    if preview is None or not preview.nodes_after:
        return []
    full = set(full_nodes(preview.nodes_after))
    return [
        {
            "node": r.node,
            "resource": r.resource,
            "before": bar(r.before),
            "after": bar(r.after),
            "changed": r.changed,
            "full": r.node in full,
        }
        for r in capacity_rows(preview.nodes_before, preview.nodes_after)
    ]
