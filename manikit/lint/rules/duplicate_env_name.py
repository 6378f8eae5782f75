"""An environment variable set twice in one container's `env`.

## What it does
Flags the second (and later) entry of a container's `env` list with a name already used.

## Why it matters
The API server accepts it and the last value wins, so the first entry is dead: someone changes it and
nothing happens. Usually a merge of two edits.

## Example
```yaml
env:
  - {name: LOG_LEVEL, value: info}
  - {name: LOG_LEVEL, value: debug}
```

## Fix
Keep one entry per name.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_containers

CODE = "MK207"
NAME = "duplicate-env-name"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    for at in iter_containers(pod):
        seen: set[str] = set()
        for i, var in enumerate(at.container.env or []):
            if var.name in seen:
                yield Finding(
                    (*at.path, "env", i, "name"),
                    f'{container_label(at)} sets env "{var.name}" twice; the last one wins',
                    "remove one of the entries",
                )
            seen.add(var.name)
