"""An object on an API version that Kubernetes has removed (beta APIs of other kinds).

## What it does
Flags `apiVersion` of objects whose API version was removed from Kubernetes: DaemonSet and
StatefulSet before `apps/v1`, Ingress before `networking.k8s.io/v1`, CronJob `batch/v1beta1`,
PodDisruptionBudget `policy/v1beta1`, HorizontalPodAutoscaler `v2beta*`, RBAC and CRD `v1beta1`,
PodSecurityPolicy. It names the version that replaces it and the release that removed it.
(Deployments and ReplicaSets on removed versions are validation errors, MK007.)

## Why it matters
A cluster at or after that release refuses the object: `no matches for kind ... in version ...`.

## Example
```yaml
apiVersion: batch/v1beta1   # removed in Kubernetes 1.25
kind: CronJob
```

## Fix
Move to the replacement API version (and its schema changes, if any).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.models.registry import REMOVED_OTHER_APIS

CODE = "MK209"
NAME = "deprecated-api-version"
DEFAULT_LEVEL: Level | None = Level.ERROR


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    data = obj.doc.data  # a mapping: the engine checks only those
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return
    removed = REMOVED_OTHER_APIS.get((api_version.strip(), kind.strip()))
    if removed is None:
        return
    replacement, release = removed
    yield Finding(
        ("apiVersion",),
        f"{kind} {api_version} was removed in Kubernetes {release}",
        f"use apiVersion: {replacement}",
    )
