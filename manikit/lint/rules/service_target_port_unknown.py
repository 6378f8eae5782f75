"""A Service's named targetPort that no container of the selected pods declares.

## What it does
For each Service port whose `targetPort` is a name (not a number), looks at the pods and pod
templates the Service selects in the input set and flags the port when none of their containers
declares a port of that name. Services that select nothing are left to service-selects-nothing.

## Why it matters
Kubernetes resolves a named targetPort per pod; a pod without the name gets no endpoint for that
port, so the Service port accepts no connection.

## Example
```yaml
ports:
  - port: 80
    targetPort: http       # the containers name their port "web"
```

## Fix
Name the container port (`ports: [{name: http, containerPort: 8080}]`) or use the port number.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.facts import InputSet
from manikit.lint.findings import Finding, RuleContext, SetFinding

CODE = "MK205"
NAME = "service-target-port-unknown"
DEFAULT_LEVEL: Level | None = Level.ERROR


def check_set(inputs: InputSet, ctx: RuleContext) -> Iterator[SetFinding]:
    for service in inputs.services:
        if not service.named_target_ports:
            continue
        pods = inputs.selected_by(service)
        if not pods:
            continue
        declared = set().union(*(pod.port_names for pod in pods))
        for index, name in service.named_target_ports:
            if name in declared:
                continue
            known = ", ".join(sorted(declared)) or "none"
            yield SetFinding(
                service.doc,
                Finding(
                    ("spec", "ports", index, "targetPort"),
                    f'targetPort "{name}" is not a port name of any selected container '
                    f"(named ports: {known})",
                    "name the container port or use its number",
                ),
            )
