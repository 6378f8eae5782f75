"""The checks validation does (MK0xx): always on in lint, listed by ``manikit rules`` beside the rules.

MK101 invalid-quantity and MK201 duplicate-object are validation checks too, but have rule modules
of their own (``rules/invalid_quantity.py``, ``rules/duplicate_object.py``) for their full docs.
"""

from __future__ import annotations

from manikit.diagnostics import Level
from manikit.lint.findings import NoOptions
from manikit.lint.rule import Rule

_CHECKS: tuple[tuple[str, str, Level, str], ...] = (
    ("MK001", "invalid-value", Level.ERROR, "A field holds a value of the wrong type or outside its range."),
    (
        "MK002",
        "unknown-field",
        Level.ERROR,
        "A field Kubernetes does not know (a typo), with a did-you-mean.",
    ),
    ("MK003", "missing-field", Level.ERROR, "A required field is missing."),
    ("MK004", "yaml-syntax", Level.ERROR, "The file is not valid YAML (or is an unrendered template)."),
    ("MK005", "duplicate-key", Level.ERROR, "A mapping has the same key twice; Kubernetes rejects it."),
    ("MK006", "missing-type", Level.ERROR, "A document without apiVersion and kind, or not a mapping."),
    ("MK007", "removed-api-version", Level.ERROR, "A Deployment or ReplicaSet on an API removed in 1.16."),
    ("MK009", "unreadable-file", Level.ERROR, "A file that is binary, not UTF-8, or too large."),
    ("MK010", "yaml-limits", Level.ERROR, "A document too deep or too large (alias bombs)."),
    ("MK011", "merge-key", Level.ERROR, "A YAML merge key (<<), which Kubernetes' decoder rejects."),
    ("MK012", "empty-file", Level.WARNING, "A file that holds no manifest."),
    ("MK013", "wrong-api-version", Level.ERROR, "A kind under an apiVersion that does not serve it."),
    (
        "MK014",
        "partial-object",
        Level.INFO,
        "A kustomize patch: a partial object, checked as far as it goes.",
    ),
)

BUILTIN_CHECKS: tuple[Rule, ...] = tuple(
    Rule(
        code,
        name,
        level,
        NoOptions,
        f"{summary}\n\nA validation check (also run by `manikit validate`): always on, at level {level}.",
        builtin=True,
    )
    for code, name, level, summary in _CHECKS
)

INVALID_SUPPRESSION = Rule(
    "MK900",
    "invalid-suppression",
    Level.ERROR,
    NoOptions,
    """A suppression that names a rule manikit does not know.

## What it does
Flags a `manikit.dev/ignore` annotation or a `# manikit: ignore[...]` comment that names an unknown
rule code or name. (An unknown rule in the configuration file is a configuration error, exit 2.)

## Why it matters
A misspelt suppression suppresses nothing, silently: the finding it was meant for comes back, or a
later rename of a rule is never noticed.

## Example
```yaml
metadata:
  annotations:
    manikit.dev/ignore: "MK9999,naked-pods"
```

## Fix
Use the codes and names `manikit rules` lists.""",
    builtin=True,
)
