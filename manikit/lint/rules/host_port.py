"""A container port bound to a port of the node (`hostPort`).

## What it does
Flags every container port with a non-zero `hostPort`.

## Why it matters
Only one pod per node can hold a given host port: replicas beyond the number of nodes stay Pending,
and the port bypasses Services and network policies.

## Example
```yaml
ports:
  - containerPort: 8080
    hostPort: 80
```

## Fix
Remove `hostPort` and expose the port with a Service (NodePort or LoadBalancer when it must be
reachable from outside).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_containers

CODE = "MK307"
NAME = "host-port"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    for at in iter_containers(pod):
        for i, port in enumerate(at.container.ports or []):
            if port.host_port:
                yield Finding(
                    (*at.path, "ports", i, "hostPort"),
                    f"{container_label(at)}: port {port.container_port} is bound to "
                    f"host port {port.host_port}",
                    "remove hostPort and use a Service",
                )
