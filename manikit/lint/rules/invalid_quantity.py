"""A request or limit that is not a Kubernetes quantity, with the spelling that was probably meant.

## What it does
Flags a resource value (requests, limits, node capacity, pod overhead) that Kubernetes cannot parse as
a quantity, and suggests the likely intended spelling: `128mi` -> `128Mi`, `1gb` -> `1G` or `1Gi`,
`0.5cpu` -> `500m`, `2 Gi` -> `2Gi`.

This check is done by validation (`manikit validate` reports it too) and is always on; lint reports it
once, never twice.

## Why it matters
The API server rejects the whole object: nothing of it is applied. Unit suffixes are case-sensitive
(`m` is milli, `M` is mega, `Mi` is mebi), which makes these typos easy to write and hard to see.

## Example
```yaml
resources:
  limits:
    memory: 128mi   # not a quantity
```

## Fix
Use a quantity: a number with an optional suffix `m` (milli), `k M G T P E` (powers of 1000) or
`Ki Mi Gi Ti Pi Ei` (powers of 1024), e.g. `memory: 128Mi`, `cpu: 500m`.
"""

from __future__ import annotations

from manikit.diagnostics import Level

CODE = "MK101"
NAME = "invalid-quantity"
DEFAULT_LEVEL: Level | None = Level.ERROR
BUILTIN = True
