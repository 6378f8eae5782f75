"""Linting fixtures in tests: one rule switched on whatever its default, with the fixture nodes."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from manikit.diagnostics import Level, Problem
from manikit.lint.config import LintConfig
from manikit.lint.engine import LintReport, lint_files
from manikit.lint.nodes import load_nodes
from manikit.lint.rule import Rule

FIXTURES = Path(__file__).parent / "fixtures"
RULE_FIXTURES = FIXTURES / "rules"
NODES = FIXTURES / "nodes.yaml"
_EXPECT = re.compile(r"^# expect: (\d+):(\d+) (MK\d+)$", re.MULTILINE)


def config_enabling(rule: Rule, base: LintConfig | None = None) -> LintConfig:
    config = base or LintConfig()
    levels = dict(config.levels)
    if not rule.builtin and levels.get(rule.code) is None:
        levels[rule.code] = Level.WARNING
    return dataclasses.replace(config, levels=levels)


def lint_paths(*paths: Path, config: LintConfig | None = None, nodes: bool = True) -> LintReport:
    capacities = load_nodes([str(NODES)]) if nodes else ()
    return lint_files([str(p) for p in paths], config or LintConfig(), capacities, jobs=1)


def triples(problems: list[Problem], code: str | None = None) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.code) for p in problems if code is None or p.code == code]


def expected_triples(path: Path) -> list[tuple[int, int, str]]:
    """The ``# expect: LINE:COL CODE`` lines of a fixture (kept at its end so they shift nothing)."""
    return [(int(line), int(col), code) for line, col, code in _EXPECT.findall(path.read_text())]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
