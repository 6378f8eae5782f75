"""The JSON report: every problem as a mapping, and a summary (the shape ``manikit validate`` uses)."""

from __future__ import annotations

import json

from manikit.diagnostics import Level
from manikit.lint.engine import LintReport


def render(report: LintReport, color: bool = False) -> str:
    summary = {
        "files": len(report.files),
        "documents": report.documents,
        "errors": report.count(Level.ERROR),
        "warnings": report.count(Level.WARNING),
        "infos": report.count(Level.INFO),
        "passed_over": dict(report.passed_over),
        "fail_on": str(report.config.fail_on),
    }
    return (
        json.dumps({"problems": [p.to_dict() for p in report.problems], "summary": summary}, indent=2) + "\n"
    )
