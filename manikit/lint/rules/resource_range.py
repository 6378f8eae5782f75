"""A request or limit outside the range the configuration allows (off by default).

## What it does
Flags a request or limit below `min[resource]` or above `max[resource]`. Values on the bounds are
inside the range. Only resources named in `min` or `max` are checked; defaults: cpu 10m..32,
memory 16Mi..128Gi.

## Why it matters
Teams usually know the sane range for their cluster: a request of 1m cpu starves a container, a
limit of 1Ti memory is a typo. A range catches what the unit checks cannot.

## Example
```yaml
# .manikit.yaml
rules:
  resource-range: {level: warning, min: {memory: 64Mi}, max: {cpu: "4"}}
```

## Fix
Bring the value inside the range, or widen the range in the configuration.

Options: `min` and `max` (mappings of resource name to quantity).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_resource_values
from manikit.models.quantity import parse_quantity

CODE = "MK110"
NAME = "resource-range"
DEFAULT_LEVEL: Level | None = None
KINDS = POD_KINDS

QuantityValue = str | int | float


def _quantity(value: QuantityValue) -> QuantityValue:
    parse_quantity(value)  # a QuantityError is a ValueError, which pydantic reports with its key
    return value


QuantityOption = Annotated[QuantityValue, AfterValidator(_quantity)]
DEFAULT_MIN: dict[str, QuantityValue] = {"cpu": "10m", "memory": "16Mi"}
DEFAULT_MAX: dict[str, QuantityValue] = {"cpu": "32", "memory": "128Gi"}


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when configured
    min: dict[str, QuantityOption] = Field(default_factory=lambda: dict(DEFAULT_MIN))
    max: dict[str, QuantityOption] = Field(default_factory=lambda: dict(DEFAULT_MAX))


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    options = ctx.options_as(Options)
    pod = obj.pod
    if pod is None:
        return
    for rv in iter_resource_values(pod):
        low, high = options.min.get(rv.resource), options.max.get(rv.resource)
        what = f"{container_label(rv.at)}: {rv.resource} {rv.section[:-1]} {rv.quantity.text}"
        if low is not None and rv.quantity < parse_quantity(low):
            yield Finding(rv.path, f"{what} is below the minimum {low}", f"use at least {low}")
        elif high is not None and rv.quantity > parse_quantity(high):
            yield Finding(rv.path, f"{what} is above the maximum {high}", f"use at most {high}")
