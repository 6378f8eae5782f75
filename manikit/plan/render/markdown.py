"""The plan as Markdown for a pull-request comment, rendered with a sandboxed jinja2 template."""

from __future__ import annotations

from importlib import resources

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from manikit.plan.actions import Plan
from manikit.plan.render.text import render_text

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def render_markdown(plan: Plan) -> str:
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
    details = [_diff_line(line.text) for line in render_text(plan)[1:] if line.text.strip()]
    pending = list(plan.preview.pending) if plan.preview is not None else []
    return template.render(
        empty=plan.empty, summary=plan.summary(), changes=changes, details=details, pending=pending
    )


def _diff_line(text: str) -> str:
    """Lines starting with + or - colour themselves in a ```diff block."""
    stripped = text.lstrip()
    if stripped.startswith(("+", "-")) and not stripped.startswith("-/+"):
        return stripped[0] + " " + text
    return "  " + text
