"""The default report: ``file:line:col: level CODE name: message``, the source line and a caret."""

from __future__ import annotations

from manikit.diagnostics import Level, Problem
from manikit.lint.engine import LintReport, SourceLines

_COLORS = {Level.ERROR: "\x1b[1;31m", Level.WARNING: "\x1b[33m", Level.INFO: "\x1b[36m"}
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


def render(report: LintReport, color: bool = False) -> str:
    return "".join(render_problem(p, report.sources, color) for p in report.problems)


def render_problem(problem: Problem, sources: SourceLines, color: bool) -> str:
    head = problem.headline()
    if color:
        rest = head[len(f"{problem.location()}: {problem.level} {problem.code} ") :]
        head = (
            f"{_BOLD}{problem.location()}:{_RESET} {_COLORS[problem.level]}{problem.level}{_RESET} "
            f"{_BOLD}{problem.code}{_RESET} {rest}"
        )
    out = head + "\n"
    source = sources.line(problem.file, problem.line) if problem.line > 0 else ""
    if source.strip():
        shown = source.expandtabs(1)
        caret = " " * (max(problem.col, 1) - 1) + "^"
        if color:
            caret = f"{_COLORS[problem.level]}{caret}{_RESET}"
            shown = f"{_DIM}{shown}{_RESET}"
        out += f"    {shown}\n    {caret}\n"
    return out
