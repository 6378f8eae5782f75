"""A bare Pod that no controller owns.

## What it does
Flags a Pod manifest without an owner reference marked `controller: true`.

## Why it matters
Nothing recreates a bare Pod: when its node fails, is drained or upgraded, the pod is gone for good.
A Deployment (or a Job for run-to-completion work) keeps it running.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata: {name: cache}
```

## Fix
Wrap the pod spec in a Deployment's `spec.template` (or a Job's); or, for a deliberate bare pod,
suppress it with the annotation `manikit.dev/ignore: naked-pod` and a `manikit.dev/ignore-reason`.
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.models.pod import Pod

CODE = "MK308"
NAME = "naked-pod"
DEFAULT_LEVEL: Level | None = Level.WARNING
KINDS = frozenset({"Pod"})


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    model = obj.model
    if not isinstance(model, Pod):
        return
    if any(ref.controller for ref in model.metadata.owner_references or []):
        return
    yield Finding(
        ("kind",),
        f'Pod "{model.name}" is not owned by a controller: nothing recreates it when its node goes away',
        "run it from a Deployment (or a Job)",
    )
