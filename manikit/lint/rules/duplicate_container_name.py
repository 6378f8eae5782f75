"""Two containers of one pod with the same name (init containers included).

## What it does
Flags every container, init container or ephemeral container whose name was already used in the
same pod spec.

## Why it matters
The API server rejects the pod ("Duplicate value"): container names identify logs, exec sessions,
statuses and restarts.

## Example
```yaml
containers:
  - {name: app, image: web:1.0}
  - {name: app, image: proxy:2.1}
```

## Fix
Give each container its own name.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, iter_containers

CODE = "MK206"
NAME = "duplicate-container-name"
DEFAULT_LEVEL: Level | None = Level.ERROR
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    seen: set[str] = set()
    places = [(at.path, at.container.name) for at in iter_containers(pod)]
    places += [
        ((*pod.path, "ephemeralContainers", i), c.name)
        for i, c in enumerate(pod.spec.ephemeral_containers or [])
    ]
    for path, name in places:
        if name in seen:
            yield Finding(
                (*path, "name"),
                f'container name "{name}" is used twice in the pod; the API server rejects this',
                "rename one of the containers",
            )
        seen.add(name)
