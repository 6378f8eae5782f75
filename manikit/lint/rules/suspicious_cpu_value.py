"""CPU so large that it was probably meant in millicores (`cpu: 500` is 500 cores).

## What it does
Flags a cpu request or limit above `max_cores` (default 64) and names the millicore value that was
probably meant (`500m`).

## Why it matters
`cpu: 500` is a valid quantity of 500 whole cores. No node has that many, so a request of it keeps
the pod Pending forever; a limit of it is no limit at all.

## Example
```yaml
resources:
  requests:
    cpu: 500     # 500 cores
```

## Fix
Write millicores with the `m` suffix (`cpu: 500m`), or cores as a small number (`cpu: "0.5"`).

Options: `max_cores` (default 64).
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_resource_values

CODE = "MK108"
NAME = "suspicious-cpu-value"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when configured
    max_cores: int = Field(64, ge=1)


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    options = ctx.options_as(Options)
    pod = obj.pod
    if pod is None:
        return
    for rv in iter_resource_values(pod):
        if rv.resource != "cpu" or rv.quantity.value <= options.max_cores:
            continue
        text = rv.quantity.text
        hint = (
            f'did you mean "{text}m"?' if text.isdigit() else "cpu is counted in cores; 500m is half a core"
        )
        yield Finding(
            rv.path,
            f'{container_label(rv.at)}: cpu {rv.section[:-1]} "{text}" is {rv.quantity.canonical()} cores, '
            f"more than {options.max_cores}",
            hint,
        )
