"""A request above the limit for the same resource (the API server's check, done by validation).

## What it does
Flags, for every container and init container and every resource, a request that is larger than
the limit (`requests.memory: 1Gi` with `limits.memory: 512Mi`), with the API server's words:
`resources.requests[memory]: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi`.
Quantities are compared exactly, so `500m` and `0.5` are equal. A validation check: always on, and
neither the configuration nor an annotation can turn it off, since the server would refuse the object.

## Why it matters
The API server rejects the object: nothing of it is applied. It usually means the two values were
swapped or a unit is off by 1000 (`M` for `Mi`, `m`).

## Example
```yaml
resources:
  requests: {cpu: "2"}
  limits: {cpu: 500m}    # below the request
```

## Fix
Raise the limit to at least the request, or lower the request.
"""

from __future__ import annotations

from manikit.diagnostics import Level

CODE = "MK102"
NAME = "limit-below-request"
DEFAULT_LEVEL: Level | None = Level.ERROR
BUILTIN = True
