"""A container that may run as root: runAsNonRoot not set (pod-level settings count).

## What it does
Flags each container and init container whose effective security context (the container's own
settings over the pod's `securityContext`) neither sets `runAsNonRoot: true` nor a `runAsUser`
other than 0. `runAsUser: 0` is flagged even with `runAsNonRoot: true` (the kubelet then refuses to
start the container).

## Why it matters
Most images run as root by default. A process running as root in a container is one kernel bug or
misconfiguration away from root on the node.

## Example
```yaml
spec:
  containers:
    - name: web
      image: web:1.4.2     # no runAsNonRoot here or at pod level
```

## Fix
Set `securityContext: {runAsNonRoot: true}` at pod level (and a non-zero `runAsUser` when the image
has no numeric USER).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import POD_KINDS, container_label, iter_containers

CODE = "MK306"
NAME = "run-as-root"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = POD_KINDS


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    pod_sc = pod.spec.security_context
    for at in iter_containers(pod):
        sc = at.container.security_context
        non_root = sc.run_as_non_root if sc and sc.run_as_non_root is not None else None
        if non_root is None and pod_sc is not None:
            non_root = pod_sc.run_as_non_root
        user = sc.run_as_user if sc and sc.run_as_user is not None else None
        if user is None and pod_sc is not None:
            user = pod_sc.run_as_user
        where = (*at.path, "securityContext") if sc is not None else at.path
        if user == 0:
            yield Finding(
                (*at.path, "securityContext", "runAsUser")
                if sc and sc.run_as_user is not None
                else (*pod.path, "securityContext", "runAsUser"),
                f"{container_label(at)} runs as root (runAsUser: 0)",
                "use a non-zero runAsUser",
            )
        elif not non_root and not user:
            yield Finding(
                where,
                f"{container_label(at)} may run as root: runAsNonRoot is not set for it or the pod",
                "set securityContext.runAsNonRoot: true at pod level",
            )
