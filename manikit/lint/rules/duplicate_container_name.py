"""Two containers of one pod with the same name (the API server's check, done by validation).

## What it does
Flags every container, init container or ephemeral container whose name was already used in the
same pod spec: `spec.containers[1].name: Duplicate value: "app"`. A validation check: always on, and
neither the configuration nor an annotation can turn it off.

## Why it matters
The API server rejects the pod: container names identify logs, exec sessions, statuses and restarts.

## Example
```yaml
containers:
  - {name: app, image: web:1.0}
  - {name: app, image: proxy:2.1}
```

## Fix
Give each container its own name.
"""

from __future__ import annotations

from manikit.diagnostics import Level

CODE = "MK206"
NAME = "duplicate-container-name"
DEFAULT_LEVEL: Level | None = Level.ERROR
BUILTIN = True
