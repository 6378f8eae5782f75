"""A Deployment or ReplicaSet whose selector is empty or does not match its own pod template's labels
(the API server's check, done by validation).

## What it does
Flags `spec.selector` of a Deployment or ReplicaSet when it is empty (`empty selector is invalid for
deployment`) and `spec.template.metadata.labels` when they do not satisfy the selector (matchLabels and
matchExpressions, with Kubernetes' semantics): ``Invalid value: map[string]string{"app":"frontend"}:
`selector` does not match template `labels` ``. A validation check: always on, and neither the
configuration nor an annotation can turn it off.

## Why it matters
The API server rejects the object. Were it accepted, the controller would never count its own pods
and would create new ones without end.

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

from manikit.diagnostics import Level

CODE = "MK203"
NAME = "deployment-selector-mismatch"
DEFAULT_LEVEL: Level | None = Level.ERROR
BUILTIN = True
