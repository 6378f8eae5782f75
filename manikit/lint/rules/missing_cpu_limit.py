"""A container without a cpu limit (init containers count).

## What it does
Flags each container and init container that sets no `resources.limits.cpu`.

## Why it matters
Off by default: CPU limits are debated. A limit caps a noisy neighbour, but CFS throttling can hurt
latency even when the node is idle. Enable it when your policy requires limits (e.g. for Guaranteed QoS).

## Example
```yaml
containers:
  - name: web
    image: nginx:1.27
    resources:
      limits: {}   # no cpu
```

## Fix
Set `resources.limits.cpu` from what the container uses (e.g. `250m`).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.rules._missing import find_missing
from manikit.lint.walk import POD_KINDS

CODE = "MK106"
NAME = "missing-cpu-limit"
DEFAULT_LEVEL: Level | None = None
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    return find_missing(obj, "limits", "cpu")
