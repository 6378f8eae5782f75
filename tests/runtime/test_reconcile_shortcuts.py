"""The reconcile's shortcuts against their general paths (issue 17: the controllers' passes of a big
apply): every row of the store -- objects, revisions, events -- after applies and the reconciles after
them (Deployments of 0 and more replicas, Services, a rolling update, a scale-down) is the same with
each shortcut and without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manikit.fields import fields_v1, ownership
from manikit.runtime.controllers import template_hash
from tests.stored_rows import applied_rows

BASE = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}, annotations: {kubernetes.io/change-cause: one}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80, name: http}]
        env: [{name: A, value: "1"}]
        resources: {requests: {cpu: 100m, memory: 64Mi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: idle, namespace: shop}
spec:
  replicas: 0
  selector: {matchLabels: {app: idle}}
  template:
    metadata: {labels: {app: idle}}
    spec: {containers: [{name: c, image: busybox, args: ["sleep", "1"]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch, namespace: shop}
spec:
  replicas: 2
  strategy: {type: Recreate}
  minReadySeconds: 5
  selector: {matchLabels: {app: batch}}
  template:
    metadata: {labels: {app: batch}}
    spec: {containers: [{name: c, image: busybox, args: ["sleep", "1"]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: idle, namespace: shop}
spec:
  selector: {app: idle}
  ports: [{port: 81}]
"""
#: the second apply: a rolling update of web (new image, more replicas), batch recreated and scaled down
CHANGED = (
    BASE.replace("nginx:1.27", "nginx:1.28")
    .replace("replicas: 3", "replicas: 4")
    .replace("change-cause: one", "change-cause: two")
    .replace('replicas: 2\n  strategy', 'replicas: 1\n  strategy')
    .replace('args: ["sleep", "1"]}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web',
             'args: ["sleep", "2"]}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web')
)  # fmt: skip
#: (where, name, what stands for it when it is off): each shortcut, and the general path or the former
#: behaviour in its place (the plain walk's orders: none kept, a cold cache; the regex over the whole
#: text; a batch of templates per template)
SHORTCUTS: list[tuple[Any, str, Any]] = [
    (ownership, "_record_first_status", lambda *args: False),
    (fields_v1, "_MAX_PLAIN_ORDERS", 0),
    (fields_v1, "_PLAIN_ORDERS", {}),
    (template_hash, "_has_float", lambda data: template_hash._FLOAT.search(data) is not None),
    (template_hash, "BATCH_BYTES", 1),
]


def _rows(tmp_path: Path, name: str) -> list[tuple[Any, ...]]:
    return applied_rows(tmp_path, name, (BASE, CHANGED), ("objects", "revisions", "events"))


def test_the_applies_exercise_what_the_shortcuts_cut(tmp_path: Path) -> None:
    rows = _rows(tmp_path, "fast")
    kinds = {row[3] for row in rows if row[0] == "revisions"}
    assert {"Deployment", "ReplicaSet", "Pod", "Endpoints"} <= kinds
    assert sum(1 for row in rows if row[0] == "objects" and row[1] == "ReplicaSet") >= 4  # old ones kept
    assert any(row[0] == "events" and "Scaled down" in str(row) for row in rows)


@pytest.mark.parametrize("off", [*range(len(SHORTCUTS)), None], ids=[s[1] for s in SHORTCUTS] + ["all"])
def test_the_store_holds_the_same_rows_with_and_without_a_shortcut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, off: int | None
) -> None:
    fast = _rows(tmp_path, "fast")
    for where, name, general in SHORTCUTS if off is None else [SHORTCUTS[off]]:
        monkeypatch.setattr(where, name, general)
    assert _rows(tmp_path, "general") == fast
