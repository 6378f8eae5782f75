"""A container without a memory limit (init containers count).

## What it does
Flags each container and init container that sets no `resources.limits.memory`.

## Why it matters
Memory is not compressible: a container without a memory limit can grow until the node runs out,
and the kernel's OOM killer then picks processes of other pods too.

## Example
```yaml
containers:
  - name: web
    image: nginx:1.27
    resources:
      limits: {}   # no memory
```

## Fix
Set `resources.limits.memory` from what the container uses (e.g. `256Mi`).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.rules._missing import find_missing
from manikit.lint.walk import POD_KINDS

CODE = "MK105"
NAME = "missing-memory-limit"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    return find_missing(obj, "limits", "memory")
