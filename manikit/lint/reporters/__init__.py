"""Reporters: a LintReport rendered as text, JSON, SARIF 2.1.0, GitHub workflow commands or JUnit XML.

Each is a function ``render(report, color=False) -> str``; the CLI prints what it returns.
"""

from __future__ import annotations

from collections.abc import Callable

from manikit.lint.engine import LintReport
from manikit.lint.reporters import github, json_report, junit, sarif, text

Render = Callable[[LintReport, bool], str]

REPORTERS: dict[str, Render] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
}
