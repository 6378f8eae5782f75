"""A long-running container without a liveness probe.

## What it does
Flags each app container (not init containers) of a Pod, Deployment or ReplicaSet that has no
`livenessProbe`. Bare Pods with `restartPolicy: Never` or `OnFailure` (run to completion) are skipped.

## Why it matters
A process that hangs without exiting (a deadlock, a stuck event loop) is never restarted: the pod
looks Running while it serves nothing.

## Example
```yaml
containers:
  - name: web
    image: web:1.4.2      # no livenessProbe
```

## Fix
Add a `livenessProbe` that fails only when a restart would help; keep it cheaper and more
tolerant than the readiness probe.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.rules._probes import find_missing_probe
from manikit.lint.walk import POD_KINDS

CODE = "MK303"
NAME = "missing-liveness-probe"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    return find_missing_probe(obj, "liveness_probe", "liveness", "a hung process is never restarted")
