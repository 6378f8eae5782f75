"""A pod that shares the host's network, PID or IPC namespace.

## What it does
Flags `hostNetwork: true`, `hostPID: true` and `hostIPC: true` in a pod spec.

## Why it matters
The pod sees the node's network interfaces, processes or shared memory: it can sniff traffic, signal
other pods' processes, or read their memory. Only node agents need this.

## Example
```yaml
spec:
  hostNetwork: true
```

## Fix
Remove the field; expose ports with a Service instead of the host network.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS

CODE = "MK305"
NAME = "host-namespaces"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    spec = pod.spec
    for field, value, what in (
        ("hostNetwork", spec.host_network, "network"),
        ("hostPID", spec.host_pid, "process (PID)"),
        ("hostIPC", spec.host_ipc, "IPC"),
    ):
        if value:
            yield Finding(
                (*pod.path, field),
                f"the pod shares the host's {what} namespace",
                f"remove {field} unless this is a node agent",
            )
