"""A container without a cpu request (init containers count).

## What it does
Flags each container and init container that sets no `resources.requests.cpu`.
A request is not missing when the container sets a cpu limit: Kubernetes defaults the request to the
limit when it creates the pod, for bare Pods and for pods made from a Deployment or ReplicaSet
template alike.

## Why it matters
The scheduler places a pod by its requests. Without a cpu request the pod is placed as if it
needed no cpu, nodes get overcommitted, and under contention the container gets the smallest share.

## Example
```yaml
containers:
  - name: web
    image: nginx:1.27
    resources:
      requests: {}   # no cpu
```

## Fix
Set `resources.requests.cpu` from what the container uses (e.g. `250m`).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.rules._missing import find_missing
from manikit.lint.walk import POD_KINDS

CODE = "MK103"
NAME = "missing-cpu-request"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    return find_missing(obj, "requests", "cpu")
