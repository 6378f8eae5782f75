"""The write path's shortcuts against their plain definitions (issue 17: cheaper API writes).

``objects.meta_body`` (server-side apply's create keeps the managedFields it made instead of having
pydantic dump them) against ``ObjectMeta.to_k8s``, key order included; and the rows an apply and the
reconcile after it leave in the store, with and without the shortcut.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.fields.applying import created_applied
from manikit.runtime.api import objects
from manikit.validate import admitted
from tests.stored_rows import applied_rows

KEYS = st.sampled_from(["a", "b", "name", "port", "containerPort", "image", "env", "x.io/y"])
SCALARS = st.one_of(
    st.integers(-(2**40), 2**40), st.sampled_from(["", "v", "é"]), st.booleans(), st.floats(-1e6, 1e6)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.dictionaries(KEYS, inner, max_size=3),
        st.lists(inner, max_size=3),
        st.lists(
            st.fixed_dictionaries({"name": st.sampled_from(["p", "q", "r"])}, optional={"v": inner}),
            max_size=3,
        ),
    ),
    max_leaves=12,
)
LABELS = st.dictionaries(
    st.sampled_from(["app", "tier", "x.io/y"]), st.sampled_from(["web", "db", ""]), max_size=3
)
METADATA = st.fixed_dictionaries(
    {"name": st.sampled_from(["web", "db-1"])},
    optional={
        "namespace": st.sampled_from(["default", "shop"]),
        "labels": LABELS,
        "annotations": LABELS,
        "finalizers": st.lists(st.sampled_from(["a.io/f", "b.io/g"]), max_size=2),
        "selfLink": st.just("/api/v1/x"),
        "generateName": st.just("web-"),
        "managedFields": st.just([{"manager": "other", "operation": "Update"}]),
    },
)
CONFIGS = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from(["v1", "apps/v1"]), "kind": st.sampled_from(["ConfigMap", "Deployment"])},
    optional={"metadata": METADATA, "spec": st.dictionaries(KEYS, VALUES, max_size=4), "status": VALUES},
)


@settings(max_examples=300, deadline=None)
@given(CONFIGS)
def test_the_metadata_of_an_applied_create_is_the_models_dump(config: dict[str, Any]) -> None:
    config.setdefault("metadata", {"name": "web"})
    created = created_applied(config, "manikit", "2026-01-01T00:00:00Z")
    meta = admitted._object_meta(created["metadata"])
    if meta is None:  # refused: the full admission says why, with no shortcut
        return
    fast = objects.meta_body(meta)
    plain = meta.to_k8s()
    assert fast == plain
    assert orjson.dumps(fast) == orjson.dumps(plain)  # the same keys in the same order


def test_without_managed_fields_the_dump_is_the_models() -> None:
    meta = admitted._object_meta({"name": "web", "labels": {"a": "b"}, "selfLink": "/x"})
    assert meta is not None
    assert orjson.dumps(objects.meta_body(meta)) == orjson.dumps(meta.to_k8s())


MIXED = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80, name: http}]
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        resources: {requests: {cpu: 100m, memory: 64Mi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: idle, namespace: shop, annotations: {note: "x"}}
spec:
  replicas: 0
  selector: {matchLabels: {app: idle}}
  template:
    metadata: {labels: {app: idle}}
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
kind: ConfigMap
metadata: {name: settings, namespace: shop, labels: {tier: web}}
data: {level: info, odd.key: "ü"}
"""
#: what differs between two runs of the same apply: times
_TIMES = re.compile(rb'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"')


def _rows(tmp_path: Path, name: str) -> list[tuple[Any, ...]]:
    rows = applied_rows(tmp_path, name, (MIXED,), ("objects", "revisions"))
    return [tuple(_TIMES.sub(b'"T"', v.encode()) if isinstance(v, str) else v for v in row) for row in rows]


def test_the_store_holds_the_same_rows_with_and_without_the_shortcut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _rows(tmp_path, "fast")
    assert any(b'"managedFields"' in row[-1] for row in fast if isinstance(row[-1], bytes))
    monkeypatch.setattr(objects, "meta_body", lambda meta: meta.to_k8s())
    assert _rows(tmp_path, "plain") == fast


ITEM_VALUES = st.one_of(
    st.sampled_from(["web", "é", 'q"uote', ""]),
    st.integers(-3, 3),
    st.booleans(),
    st.floats(allow_nan=False),
    st.none(),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.sampled_from(["a"]), st.integers(0, 2), max_size=1),
)
ONE_ITEM = st.tuples(
    st.sampled_from(["containers", "ports", "env", "ownerReferences", "finalizers", "args"]),
    st.sampled_from(["name", "containerPort", "port", "uid", "other"]),
    ITEM_VALUES,
    st.dictionaries(
        st.sampled_from(["image", "value", "protocol"]), st.sampled_from(["x", "TCP"]), max_size=2
    ),
)


@settings(max_examples=400, deadline=None)
@given(ONE_ITEM)
def test_a_one_item_list_is_named_as_a_longer_lists_items_are(
    case: tuple[str, str, Any, dict[str, Any]],
) -> None:
    """``fields_v1._plain_list``'s one-item shortcut: the general walk's tree, or no plain tree where
    the items' values could not be told apart (a value that does not hash)."""
    from manikit.fields.fields_v1 import _general_tree, field_set, plain_tree, to_fields_v1
    from manikit.fields.strategic import list_key

    field, key, value, rest = case
    item = {key: value, **rest}
    body = {"spec": {field: [item]}}
    tree = plain_tree(body)
    try:
        hash(value)
    except TypeError:
        if list_key(field, [item]) == key:  # the merge key's value: items could not be told apart
            assert tree is None
            return
    if tree is None:
        assert value is None  # a null is no plain body, the one reason here
        return
    assert tree == _general_tree(body) == to_fields_v1(field_set(body))
    assert orjson.dumps(tree) == orjson.dumps(_general_tree(body))
