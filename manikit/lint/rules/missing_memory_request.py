"""A container without a memory request (init containers count).

## What it does
Flags each container and init container that sets no `resources.requests.memory`.
A request is not missing when the container sets a memory limit: Kubernetes defaults the request to the
limit when it creates the pod, for bare Pods and for pods made from a Deployment or ReplicaSet
template alike.

## Why it matters
The scheduler places a pod by its requests. Without a memory request the pod is placed as if it
needed no memory; under memory pressure its pods (BestEffort or Burstable) are the first evicted.

## Example
```yaml
containers:
  - name: web
    image: nginx:1.27
    resources:
      requests: {}   # no memory
```

## Fix
Set `resources.requests.memory` from what the container uses (e.g. `256Mi`).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.rules._missing import find_missing
from manikit.lint.walk import POD_KINDS

CODE = "MK104"
NAME = "missing-memory-request"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    return find_missing(obj, "requests", "memory")
