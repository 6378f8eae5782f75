"""GitHub Actions workflow commands: one annotation per finding (``::error file=...,line=...::``)."""

from __future__ import annotations

from manikit.diagnostics import Level
from manikit.lint.engine import LintReport

_COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: LintReport, color: bool = False) -> str:
    lines = []
    for p in report.problems:
        props = [f"file={escape_property(p.file)}"]
        if p.line > 0:
            props.append(f"line={int(p.line)}")
            if p.col > 0:
                props.append(f"col={int(p.col)}")
        props.append(f"title={escape_property(f'{p.code} {p.name}')}")
        subject = f"{p.path}: " if p.path else ""
        message = subject + p.message + (f" ({p.hint})" if p.hint else "")
        lines.append(f"::{_COMMANDS[p.level]} {','.join(props)}::{escape_data(message)}\n")
    return "".join(lines)
