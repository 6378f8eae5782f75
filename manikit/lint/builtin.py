"""The checks validation and templates do (``manikit.catalogue``) as lint sees them: always on, listed
by ``manikit rules`` beside the rules; and lint's own MK900.

The API server's checks with a rule module of their own for the full doc (MK101, MK102, MK201, MK202,
MK203, MK206) are ``BUILTIN`` rule modules: validation reports them.
"""

from __future__ import annotations

from manikit.catalogue import CATALOGUE, CodeInfo
from manikit.diagnostics import Level
from manikit.lint.findings import NoOptions
from manikit.lint.rule import Rule


def _doc(info: CodeInfo) -> str:
    if info.doc:
        return info.doc
    family = "template" if info.code.startswith("MK02") else "validation"
    text = f"{info.summary}\n\nA {family} check (also run by `manikit validate`): always on, "
    text += f"at level {info.level}."
    if info.server:
        text += " An error of the Kubernetes API server: it cannot be switched off or suppressed."
    return text


BUILTIN_CHECKS: tuple[Rule, ...] = tuple(
    Rule(info.code, info.name, info.level, NoOptions, _doc(info), builtin=True)
    for info in CATALOGUE.values()
    if info.code != "MK900"
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
