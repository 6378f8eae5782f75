"""A Deployment or ReplicaSet whose selector does not match its own pod template's labels.

## What it does
Flags `spec.selector` of a Deployment or ReplicaSet when it is empty or when the labels of
`spec.template.metadata.labels` do not satisfy it (matchLabels and matchExpressions, with Kubernetes'
semantics).

## Why it matters
The API server rejects the object ("selector does not match template labels"). Were it accepted,
the controller would never count its own pods and would create new ones without end.

## Example
```yaml
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: frontend}
```

## Fix
Make the template's labels include every selector label (the selector is immutable after
creation, so change the labels).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.models.workloads import Deployment, ReplicaSet

CODE = "MK203"
NAME = "deployment-selector-mismatch"
DEFAULT_LEVEL: Level | None = Level.ERROR
KINDS = frozenset({"Deployment", "ReplicaSet"})


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    model = obj.model
    if not isinstance(model, (Deployment, ReplicaSet)) or model.spec.template is None:
        return
    selector = model.spec.selector
    labels = model.spec.template.metadata.labels or {}
    if selector.is_empty():
        yield Finding(
            ("spec", "selector"),
            f"{model.kind} selector is empty; the API server requires a non-empty selector",
            "select the template's labels, e.g. matchLabels: {app: <name>}",
        )
    elif not selector.matches(labels):
        shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "none"
        yield Finding(
            ("spec", "selector"),
            f"{model.kind} selector does not match its template's labels ({shown}); "
            "the API server rejects this",
            "add the selector's labels to spec.template.metadata.labels",
        )
