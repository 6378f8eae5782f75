"""Reporters: a LintReport rendered as text, JSON, SARIF 2.1.0, GitHub workflow commands or JUnit XML.

Each is a module with a function ``render(report, color=False) -> str``; the CLI prints what it returns.
A reporter's module is imported when its format is first asked for: a text report does not pay for
XML (JUnit) or the installed version's metadata (SARIF) at start-up (issue 17).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from manikit.lint.engine import LintReport

Render = Callable[["LintReport", bool], str]

#: format name -> the module (in this package) that renders it
MODULES: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
}


class Reporters(Mapping[str, Render]):
    """The ``render`` function of each format, its module imported on first use."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = modules

    def __getitem__(self, name: str) -> Render:
        module = importlib.import_module(f"{__name__}.{self._modules[name]}")
        render: Render = module.render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


REPORTERS = Reporters(MODULES)
