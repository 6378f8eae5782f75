"""The plan as Markdown for a pull-request comment, rendered with a sandboxed jinja2 template.

It always fits in one GitHub comment (65,536 characters): the summary and the table of objects come
first, the field-by-field details are collapsed, and whatever does not fit is cut with a count.
"""

from __future__ import annotations

import dataclasses
from importlib import resources
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from manikit.plan.actions import Plan
from manikit.plan.capacity import Usage
from manikit.plan.render.bars import capacity_rows, full_nodes, share, text_bar
from manikit.plan.render.pending import group_pending, pods
from manikit.plan.render.text import NOT_ATOMIC, render_text

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
GITHUB_COMMENT_LIMIT = 65_536
_MARGIN = 1_000  # room for the cut notices and the pending block's own lines
_PENDING_GROUPS = 20
_CAPACITY_NODES = 30
_MD_WIDTH = 10


def render_markdown(plan: Plan, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    source = (
        resources.files("manikit.plan.render").joinpath("templates/plan.md.j2").read_text(encoding="utf-8")
    )
    template = _ENV.from_string(source)
    changes = [
        {
            "symbol": c.action.symbol,
            "address": str(c.key),
            "action": c.action.value,
            "fields": ", ".join(f"`{p}`" for p in [f.path for f in c.changes][:5])
            + (" ..." if len(c.changes) > 5 else ""),
        }
        for c in plan.changes
    ]
    details = [
        _diff_line(line.text)
        for line in render_text(dataclasses.replace(plan, refusals=(), atomic=True))[2:]
        if line.text.strip()
    ]
    pending = list(plan.preview.pending) if plan.preview is not None else []
    context: dict[str, Any] = {
        "empty": plan.empty,
        "summary": plan.summary(),
        "refusals": [{**r.to_dict(), "message": " ".join(r.message.split())} for r in plan.refusals],
        "atomic": plan.atomic,
        "not_atomic": NOT_ATOMIC,
        "changes": changes,
        "changes_left": 0,
        "details": details,
        "details_left": 0,
        "pending": group_pending(pending)[:_PENDING_GROUPS],
        "pending_count": pods(len(pending)),
        **_capacity(plan),
    }
    text = template.render(**context)
    if len(text) <= limit:
        return text
    return template.render(**_fit(context, template.render(**{**context, "details": []}), limit))


def _fit(context: dict[str, Any], without_details: str, limit: int) -> dict[str, Any]:
    """Cut the details to the room the rest leaves; if the table alone is too long, cut it too."""
    budget = limit - _MARGIN
    changes, details = context["changes"], context["details"]
    room = budget - len(without_details)
    if room < 0:
        kept, size = 0, len(without_details)
        row_sizes = [
            len(f"| `{c['symbol']}` | `{c['address']}` | {c['action']} | {c['fields']} |\n") for c in changes
        ]
        size -= sum(row_sizes)
        for row in row_sizes:
            if size + row > budget:
                break
            size += row
            kept += 1
        return {**context, "changes": changes[:kept], "changes_left": len(changes) - kept, "details": []}
    kept_lines: list[str] = []
    for line in details:
        room -= len(line) + 1
        if room < 0:
            break
        kept_lines.append(line)
    return {**context, "details": kept_lines, "details_left": len(details) - len(kept_lines)}


def _capacity(plan: Plan) -> dict[str, Any]:
    """The per-node chart: rows of the nodes whose requests change (every node when none does), at
    most ``_CAPACITY_NODES`` of them; the rest are counted."""
    preview = plan.preview
    if preview is None or not preview.nodes_after:
        return {"capacity": [], "capacity_left": 0}
    rows = capacity_rows(preview.nodes_before, preview.nodes_after)
    changed = {r.node for r in rows if r.changed}
    rows = [r for r in rows if r.node in changed] or rows
    names = sorted({r.node for r in rows})
    kept = set(names[:_CAPACITY_NODES])
    full = set(full_nodes(preview.nodes_after))
    shown = [
        {
            "node": r.node,
            "resource": r.resource,
            "before": _cell(r.before, "not there"),
            "after": _cell(r.after, "gone"),
            "full": r.node in full and r.resource == "cpu",  # said once per node
        }
        for r in rows
        if r.node in kept
    ]
    return {"capacity": shown, "capacity_left": len(names) - len(kept)}


def _cell(usage: Usage | None, missing: str) -> str:
    if usage is None:
        return f"_{missing}_"
    return f"`{text_bar(usage, _MD_WIDTH)}` {share(usage)}"


def _diff_line(text: str) -> str:
    """Lines starting with + or - colour themselves in a ```diff block."""
    stripped = text.lstrip()
    if stripped.startswith(("+", "-")) and not stripped.startswith("-/+"):
        return stripped[0] + " " + text
    return "  " + text
