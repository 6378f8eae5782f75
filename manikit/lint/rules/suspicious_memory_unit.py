"""Memory with a milli suffix (`512m` is half a byte) or a tiny value without unit (`512` bytes).

## What it does
Flags a memory request or limit that is written with the milli suffix `m` (`512m` means 0.512
bytes, not megabytes), or that is a plain number below `min_unitless_bytes` (default 1Mi: `512` is
512 bytes), and names the value that was probably meant (`512Mi`).

## Why it matters
Both parse as valid quantities, so the API server accepts them, and the container then cannot start
(the runtime refuses a limit of a few bytes) or the scheduler reserves nothing.

## Example
```yaml
resources:
  limits:
    memory: 512m    # 0.512 bytes
```

## Fix
Write the unit: `512Mi` (mebibytes) or `512M` (megabytes).

Options: `min_unitless_bytes` (default 1048576).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_resource_values

CODE = "MK107"
NAME = "suspicious-memory-unit"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS

_MILLI = re.compile(r"^([0-9]+(?:\.[0-9]*)?)m$")
_PLAIN = re.compile(r"^[0-9]+(?:\.[0-9]*)?$")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when configured
    min_unitless_bytes: int = Field(1024 * 1024, ge=0)


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    options = ctx.options_as(Options)
    pod = obj.pod
    if pod is None:
        return
    for rv in iter_resource_values(pod):
        if rv.resource != "memory":
            continue
        text = rv.quantity.text
        milli = _MILLI.match(text) if text.endswith("m") else None
        if milli:
            yield Finding(
                rv.path,
                f'{container_label(rv.at)}: memory {rv.section[:-1]} "{text}" is {milli.group(1)} '
                "thousandths of a byte (m is milli)",
                f'did you mean "{milli.group(1)}Mi"?',
            )
        elif _PLAIN.match(text) and rv.quantity.value < options.min_unitless_bytes:
            yield Finding(
                rv.path,
                f'{container_label(rv.at)}: memory {rv.section[:-1]} "{text}" is {text} bytes (no unit)',
                f'did you mean "{text}Mi"?',
            )
