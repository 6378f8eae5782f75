"""A name Kubernetes refuses (the API server's check, done by validation).

## What it does
Checks names by the rule of their kind, with the API server's messages (Kubernetes v1.31):
`metadata.name` and `generateName` (Namespace a DNS-1123 label: lowercase letters, digits and `-`, at
most 63 characters, starting and ending alphanumeric; Service a DNS-1035 label, starting with a letter;
Pod, Deployment, ReplicaSet and Node a DNS-1123 subdomain, labels joined by `.`, at most 253
characters), `metadata.namespace`, container and volume names (DNS-1123 labels), container port names
and a Service's `targetPort` given as a string (IANA service names: at most 15 characters, a letter
among them, no `--`: `targetPort: "8080"` is a name, not a number), Service port names, and a Service
with more than one port must name every port. A validation check: always on, and neither the
configuration nor an annotation can turn it off.

## Why it matters
The API server rejects the object. Upper case and `_` are the usual culprits, copied from a
variable or file name.

## Example
```yaml
kind: Service
metadata:
  name: Web_Frontend
```

## Fix
Use lowercase letters, digits and `-` (`web-frontend`).
"""

from __future__ import annotations

from manikit.diagnostics import Level

CODE = "MK202"
NAME = "invalid-name"
DEFAULT_LEVEL: Level | None = Level.ERROR
BUILTIN = True
