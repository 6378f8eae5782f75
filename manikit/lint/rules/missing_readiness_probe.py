"""A long-running container without a readiness probe.

## What it does
Flags each app container (not init containers) of a Pod, Deployment or ReplicaSet that has no
`readinessProbe`. Bare Pods with `restartPolicy: Never` or `OnFailure` (run to completion) are skipped.

## Why it matters
Without a readiness probe a pod receives Service traffic as soon as its process starts, before it
can answer, and a rolling update moves on to the next pod while this one is still warming up.

## Example
```yaml
containers:
  - name: web
    image: web:1.4.2      # no readinessProbe
```

## Fix
Add a `readinessProbe` that succeeds when the container can serve (an HTTP health path, a TCP port).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.rules._probes import find_missing_probe
from manikit.lint.walk import POD_KINDS

CODE = "MK302"
NAME = "missing-readiness-probe"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    return find_missing_probe(obj, "readiness_probe", "readiness", "it gets traffic before it can serve")
