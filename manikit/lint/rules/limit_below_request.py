"""A limit below the request for the same resource.

## What it does
Flags, for every container and init container and every resource, a limit that is smaller than the
request (`requests.memory: 1Gi` with `limits.memory: 512Mi`). Quantities are compared exactly, so
`500m` and `0.5` are equal.

## Why it matters
The API server rejects the object ("must be less than or equal to memory limit"): nothing of it is
applied. It usually means the two values were swapped or a unit is off by 1000 (`M` for `Mi`, `m`).

## Example
```yaml
resources:
  requests: {cpu: "2"}
  limits: {cpu: 500m}    # below the request
```

## Fix
Raise the limit to at least the request, or lower the request.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_containers

CODE = "MK102"
NAME = "limit-below-request"
DEFAULT_LEVEL: Level | None = Level.ERROR
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    for at in iter_containers(pod):
        res = at.container.resources
        if res is None or not res.limits or not res.requests:
            continue
        requests = res.requests
        for resource, limit in res.limits.items():
            request = requests.get(resource)
            if request is not None and limit < request:
                yield Finding(
                    at.resource_path("limits", resource),
                    f"{container_label(at)}: {resource} limit {limit.text} is below its request "
                    f"{request.text}; the API server rejects this",
                    f"raise limits.{resource} to at least {request.text}",
                )
