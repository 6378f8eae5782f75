"""Two manifests for the same object: same kind, namespace (after defaulting) and name.

## What it does
Flags the second (and any later) document that defines an object already defined in the input set.
Objects are the same when their API group, kind, namespace and name are equal; a namespaced object
that names no namespace is in `default` (or `--namespace`). Kinds manikit does not model count too.

This check is done by validation (`manikit validate` reports it too) and is always on.

## Why it matters
`kubectl apply` applies both, one after the other: the last one wins silently and the first one's
settings are lost. Usually one of them was copied and not renamed.

## Example
```yaml
apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}   # the same object
```

## Fix
Rename one of the objects, put it in another namespace, or delete the copy.
"""

from __future__ import annotations

from manikit.diagnostics import Level

CODE = "MK201"
NAME = "duplicate-object"
DEFAULT_LEVEL: Level | None = Level.ERROR
BUILTIN = True
