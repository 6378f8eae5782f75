"""A limit more than `max_ratio` times its request (off by default).

## What it does
Flags, per container and resource, a limit larger than `max_ratio[resource]` times the request (the
check a LimitRange's `maxLimitRequestRatio` makes at admission). Only resources named in `max_ratio`
are checked; defaults: cpu 4, memory 2.

## Why it matters
The scheduler places pods by their requests, the kernel enforces their limits. A large gap lets a
node be overcommitted: for memory, pods on it are OOM-killed or evicted once they use what their
limits allow.

## Example
```yaml
resources:
  requests: {memory: 128Mi}
  limits: {memory: 2Gi}       # 16 times the request
```

## Fix
Bring request and limit closer (for memory, equal is the safe choice), or raise `max_ratio`.

Options: `max_ratio` (mapping of resource name to the largest allowed limit/request ratio).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_containers

CODE = "MK109"
NAME = "limit-request-ratio"
DEFAULT_LEVEL: Level | None = None
KINDS = POD_KINDS


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when configured
    # finite and within reason: a ratio is compared exactly (Fraction), which infinity cannot be
    max_ratio: dict[str, Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)]] = Field(
        default_factory=lambda: {"cpu": 4.0, "memory": 2.0}
    )


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    options = ctx.options_as(Options)
    pod = obj.pod
    if pod is None:
        return
    for at in iter_containers(pod):
        requests = at.container.requests()
        for resource, limit in at.container.limits().items():
            request = requests.get(resource)
            allowed = options.max_ratio.get(resource)
            if request is None or allowed is None or request.value <= 0:
                continue
            ratio = limit.value / request.value
            if ratio > Fraction(allowed):
                yield Finding(
                    at.resource_path("limits", resource),
                    f"{container_label(at)}: {resource} limit {limit.text} is {float(ratio):g} times its "
                    f"request {request.text}, more than {allowed:g}",
                    f"raise the request or lower the limit to at most {allowed:g}x",
                )
