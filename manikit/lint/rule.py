"""The shape of a rule, as the engine and the registry see it.

A rule is a module (see ``rules/``): ``CODE``, ``NAME``, ``DEFAULT_LEVEL`` (None: off by default),
``Options`` (a pydantic model), a docstring that is its user doc, and one pure function: ``check(obj,
ctx)`` for a rule that looks at one object at a time (optionally ``KINDS``, the kinds it looks at, so
that it is not called for others), or ``check_set(inputs, ctx)`` for one that needs the whole input
set. A rule with ``BUILTIN = True`` is done by validation and is always on.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from pydantic import BaseModel

from manikit.diagnostics import Level
from manikit.lint.facts import InputSet
from manikit.lint.findings import Finding, LintObject, NoOptions, RuleContext, SetFinding

ObjectCheck = Callable[[LintObject, RuleContext], Iterator[Finding]]
SetCheck = Callable[[InputSet, RuleContext], Iterator[SetFinding]]

DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Fix")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    default_level: Level | None  # None: off unless the config enables it
    options: type[BaseModel]
    doc: str
    check: ObjectCheck | None = None
    check_set: SetCheck | None = None
    builtin: bool = False  # done by validation, always on, its level fixed
    kinds: frozenset[str] | None = None  # the kinds a per-object rule looks at; None: every kind

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    def default_options(self) -> BaseModel:
        # What ``self.options()`` gives (defaults are never validated), without building the model's
        # validator: a run that configures no option of a rule never builds it (issue 17).
        return self.options.model_construct()

    def level_or_error(self) -> Level:
        return self.default_level if self.default_level is not None else Level.ERROR


def rule_from_module(module: ModuleType) -> Rule:
    """Read a rule module; a module missing a part of the shape is a programming error."""
    doc = inspect.cleandoc(module.__doc__ or "")
    check = getattr(module, "check", None)
    check_set = getattr(module, "check_set", None)
    builtin = bool(getattr(module, "BUILTIN", False))
    if not builtin and (check is None) == (check_set is None):
        raise ValueError(f"rule module {module.__name__} must define exactly one of check, check_set")
    level = module.DEFAULT_LEVEL
    if level is not None and not isinstance(level, Level):
        raise ValueError(f"rule module {module.__name__}: DEFAULT_LEVEL must be a Level or None")
    return Rule(
        code=module.CODE,
        name=module.NAME,
        default_level=level,
        options=getattr(module, "Options", NoOptions),
        doc=doc,
        check=check,
        check_set=check_set,
        builtin=builtin,
        kinds=getattr(module, "KINDS", None),
    )


def build_registry(rules: Iterable[Rule]) -> dict[str, Rule]:
    """Rules keyed by code; a code or a name used twice is a programming error."""
    registry: dict[str, Rule] = {}
    names: set[str] = set()
    for rule in rules:
        if rule.code in registry or rule.name in names:
            raise ValueError(f"rule {rule.code} {rule.name} is registered twice")
        registry[rule.code] = rule
        names.add(rule.name)
    return registry
