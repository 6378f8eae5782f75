"""Findings as values: a Problem is where (file:line:col, object, field path), what, and the fix.

Validation, lint rules and the planner all produce Problems; only the CLI prints them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Level(enum.IntEnum):
    """Severity, ordered so that ``level >= Level.WARNING`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Level:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(lvl.name.lower() for lvl in cls)
            raise ValueError(f"unknown level {text!r}; expected one of {names}") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Problem:
    """One finding. Ordered by file, line, column, then code, so sorting a list sorts the report."""

    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    code: str
    name: str
    level: Level = field(compare=False)
    message: str = field(compare=False)
    path: str = field(default="", compare=False)  # field path, e.g. spec.template.spec.containers[name=web]
    object_ref: str = field(default="", compare=False)  # Kind/namespace/name of the object, when known
    hint: str = field(default="", compare=False)  # how to fix it, when there is more to say than the message

    def location(self) -> str:
        if self.line <= 0:
            return self.file
        if self.col <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"

    def headline(self) -> str:
        """``file:line:col: level CODE name: path: message`` as validate and lint print it."""
        subject = f"{self.path}: " if self.path else ""
        text = f"{self.location()}: {self.level} {self.code} {self.name}: {subject}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.col,
            "level": str(self.level),
            "code": self.code,
            "name": self.name,
            "path": self.path,
            "object": self.object_ref,
            "message": self.message,
            "hint": self.hint,
        }
