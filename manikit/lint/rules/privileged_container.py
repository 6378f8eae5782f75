"""A container that runs privileged.

## What it does
Flags `securityContext.privileged: true` on any container or init container.

## Why it matters
A privileged container has all capabilities and every device of the host: escaping to the node is
trivial. Few workloads (CNI plugins, some storage drivers) need it.

## Example
```yaml
securityContext:
  privileged: true
```

## Fix
Remove `privileged`; grant only the capabilities needed (`capabilities: {add: [NET_ADMIN]}`).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_containers

CODE = "MK304"
NAME = "privileged-container"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    for at in iter_containers(pod):
        sc = at.container.security_context
        if sc is not None and sc.privileged:
            yield Finding(
                (*at.path, "securityContext", "privileged"),
                f"{container_label(at)} runs privileged: it has full access to the host",
                "drop privileged and add only the capabilities needed",
            )
