"""SARIF 2.1.0: the rules with their docs, and each finding with its file region, for code scanning."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from manikit import __version__
from manikit.diagnostics import Level, Problem
from manikit.lint.engine import LintReport
from manikit.lint.registry import sorted_checks
from manikit.lint.rule import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/manikit/manikit"
_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}


def render(report: LintReport, color: bool = False) -> str:
    checks = sorted_checks()
    index = {rule.code: i for i, rule in enumerate(checks)}
    enabled = report.config.enabled()
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "manikit",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule, enabled) for rule in checks],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(p, index) for p in report.problems],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"


def _rule(rule: Rule, enabled: dict[str, Level]) -> dict[str, Any]:
    level = rule.default_level if rule.builtin else enabled.get(rule.code)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {
            "enabled": level is not None,
            "level": _LEVELS[level if level is not None else Level.WARNING],  # the level when enabled
        },
        "properties": {"tags": [_family(rule.code)]},
    }


def _family(code: str) -> str:
    families = {"MK0": "validation", "MK1": "resources", "MK2": "metadata", "MK3": "security", "MK9": "lint"}
    return families.get(code[:3], "lint")


def _result(problem: Problem, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(problem.file)}}
    if problem.line > 0:
        region: dict[str, Any] = {"startLine": problem.line}
        if problem.col > 0:
            region["startColumn"] = problem.col
        location["region"] = region
    subject = f"{problem.path}: " if problem.path else ""
    text = subject + problem.message + (f" ({problem.hint})" if problem.hint else "")
    result: dict[str, Any] = {
        "ruleId": problem.code,
        "level": _LEVELS[problem.level],
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
    }
    if problem.code in index:
        result["ruleIndex"] = index[problem.code]
    if problem.object_ref:
        result["properties"] = {"object": problem.object_ref}
    return result


def artifact_uri(file: str) -> str:
    """A path relative to the working directory (what code scanning expects), with / separators."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_uri()
    return os.fspath(path).replace(os.sep, "/")
