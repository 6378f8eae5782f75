"""The same container port (number and protocol) or port name declared twice in one pod.

## What it does
Flags a `containerPort` with a protocol (TCP by default) already declared by a container of the same
pod, and a port name already used in the pod.

## Why it matters
Containers of a pod share one network namespace: two processes cannot listen on the same port, and a
named port (a Service's `targetPort: http`) must resolve to one number.

## Example
```yaml
containers:
  - name: web
    ports: [{containerPort: 8080}]
  - name: metrics
    ports: [{containerPort: 8080}]
```

## Fix
Use distinct ports and names, or remove the duplicate declaration.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, ContainerAt, container_label, iter_containers

CODE = "MK208"
NAME = "duplicate-container-port"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    numbers: dict[tuple[int, str, str], ContainerAt] = {}  # first declared by; labelled when reported
    names: dict[str, ContainerAt] = {}
    for at in iter_containers(pod):
        if at.init and at.container.restart_policy != "Always":
            continue  # plain init containers run before the others, one at a time
        for i, port in enumerate(at.container.ports or []):
            key = (port.container_port, port.protocol or "TCP", port.host_ip or "")
            if key in numbers:
                yield Finding(
                    (*at.path, "ports", i, "containerPort"),
                    f"{container_label(at)}: port {port.container_port}/{key[1]} is already declared "
                    f"by {container_label(numbers[key])}",
                    "declare each port once per pod",
                )
            else:
                numbers[key] = at
            if port.name and port.name in names:
                first = container_label(names[port.name])
                yield Finding(
                    (*at.path, "ports", i, "name"),
                    f'{container_label(at)}: port name "{port.name}" is already used by {first}',
                    "give each port its own name",
                )
            elif port.name:
                names[port.name] = at
