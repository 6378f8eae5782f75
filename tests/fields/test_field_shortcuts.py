"""Shortcuts of ``fields`` against the general paths they stand for, byte for byte.

``ownership._record_first_status``: a status write to an object without a status, its entry built as
a tree. ``fields_v1._PLAIN_ORDERS``: the plain walk's sorted keys, remembered per tuple of keys."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.fields import field_set, ownership, record_update, to_fields_v1
from manikit.fields.fields_v1 import _general_tree, owns_any, owns_any_of_tree, plain_map_tree, plain_tree

STAMP = "2026-01-01T00:00:00Z"
MANAGERS = st.sampled_from(["kube-controller-manager", "manikit", "kubectl"])
KEYS = st.sampled_from(["replicas", "readyReplicas", "observedGeneration", "uid", "name", "x", "$patch"])
LEAVES = st.one_of(st.integers(0, 3), st.sampled_from(["True", "", "é"]), st.booleans(), st.none())
CONDITION = st.fixed_dictionaries(
    {"type": st.sampled_from(["Available", "Progressing", "Ready"])},
    optional={"status": st.sampled_from(["True", "False"]), "reason": st.sampled_from(["A", "B"])},
)
STATUS = st.one_of(
    st.dictionaries(
        KEYS,
        st.one_of(LEAVES, st.dictionaries(KEYS, LEAVES, max_size=2), st.lists(LEAVES, max_size=2)),
        max_size=4,
    ),
    st.fixed_dictionaries(
        {"conditions": st.lists(CONDITION, max_size=3)}, optional={"replicas": st.integers(0, 2)}
    ),
    st.just({}),
    st.none(),
    st.just("odd"),
)
ANNOTATIONS = st.dictionaries(st.sampled_from(["a", "b", "deployment.kubernetes.io/revision"]), st.just("1"))


def _tree(status: Any, annotations: dict[str, str]) -> dict[str, Any]:
    """A fieldsV1 owning some of ``status`` and ``annotations`` (what another manager may hold)."""
    paths = set()
    if isinstance(status, dict):
        paths |= field_set(status, ("f:status",))
    paths |= field_set(annotations, ("f:metadata", "f:annotations"))
    return to_fields_v1(paths)


@st.composite
def writes(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(live, the body a status write makes of it, the manager writing)."""
    manager = draw(MANAGERS)
    before = draw(ANNOTATIONS)
    after = draw(st.one_of(st.just(before), ANNOTATIONS))
    status = draw(STATUS)
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        owned = _tree(draw(STATUS), draw(ANNOTATIONS))
        entry = {
            "manager": draw(MANAGERS),
            "operation": draw(st.sampled_from(["Update", "Apply"])),
            "apiVersion": "apps/v1",
            "time": draw(st.sampled_from(["2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z"])),
            "fieldsType": "FieldsV1",
            "fieldsV1": owned,
        }
        if draw(st.booleans()):
            entry["subresource"] = "status"
        entries.append(entry)
    meta: dict[str, Any] = {"name": "web", "namespace": "shop", "uid": "u", "resourceVersion": "3"}
    if before:
        meta["annotations"] = before
    if entries:
        meta["managedFields"] = entries
    live: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": {}}
    if draw(st.booleans()):
        live["status"] = draw(st.sampled_from([{}, None, "odd"]))
    new = {**live, "metadata": dict(meta), "status": status}
    if status is None:
        del new["status"]
    if after:
        new["metadata"]["annotations"] = after
    else:
        new["metadata"].pop("annotations", None)
    return live, new, manager


@settings(max_examples=600, deadline=None)
@given(writes())
def test_a_first_status_write_records_what_the_general_path_records(
    case: tuple[dict[str, Any], dict[str, Any], str],
) -> None:
    live, new, manager = case
    fast, plain = copy.deepcopy(new), copy.deepcopy(new)
    record_update(copy.deepcopy(live), fast, manager, STAMP, "status")
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(ownership, "_record_first_status", lambda *args: False)
        record_update(copy.deepcopy(live), plain, manager, STAMP, "status")
    assert orjson.dumps(fast) == orjson.dumps(plain)  # key order included


def test_the_shortcut_is_taken_for_a_controllers_first_status_write() -> None:
    """What the tests above compare is the shortcut's work, not the general path's every time."""
    live = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web", "managedFields": [{"manager": "m", "operation": "Update",
                                                        "fieldsV1": {"f:spec": {"f:replicas": {}}}}]},
    }  # fmt: skip
    new = {**live, "metadata": dict(live["metadata"]), "status": {"replicas": 0, "conditions": []}}
    assert ownership._record_first_status(live, new, "kube-controller-manager", STAMP)
    mine = new["metadata"]["managedFields"][-1]
    assert mine["subresource"] == "status" and mine["fieldsV1"] == {
        "f:status": {"f:conditions": {}, "f:replicas": {}}
    }


@settings(max_examples=400, deadline=None)
@given(STATUS, STATUS, ANNOTATIONS)
def test_owns_any_of_a_tree_is_owns_any_of_its_paths(
    mine: Any, theirs: Any, annotations: dict[str, str]
) -> None:
    tree, fields = _tree(theirs, annotations), _tree(mine, {})
    paths = {p for p in field_set(mine, ("f:status",))} if isinstance(mine, dict) else set()
    assert owns_any_of_tree(tree, fields) == owns_any(tree, paths)


@settings(max_examples=400, deadline=None)
@given(STATUS)
def test_the_plain_tree_of_a_map_is_its_field_sets(status: Any) -> None:
    if not isinstance(status, dict):
        return
    tree = plain_map_tree(status)
    if tree is None:  # not plain: the general path
        return
    general = to_fields_v1(field_set(status, ("f:status",))).get("f:status", {})
    assert orjson.dumps(tree) == orjson.dumps(general)


ORDERED_KEYS = st.permutations(["name", "image", "b", "a", "z", "ports"]).map(
    lambda keys: keys[: len(keys) // 2 + 1]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ORDERED_KEYS, min_size=1, max_size=4))
def test_maps_of_the_same_keys_in_any_order_are_walked_as_the_general_walk_does(
    orders: list[list[str]],
) -> None:
    """The remembered order is that of the tuple of keys as the map has them: the same keys in
    another order (met before or after) are sorted for what they are."""
    for keys in [*orders, *orders]:  # each order twice: the second walk from what was remembered
        body = {
            "spec": {
                "template": {
                    "spec": {k: (i if k != "ports" else [{"containerPort": i}]) for i, k in enumerate(keys)}
                }
            }
        }
        tree = plain_tree(body)
        assert tree is not None
        assert (
            orjson.dumps(tree)
            == orjson.dumps(_general_tree(body))
            == orjson.dumps(to_fields_v1(field_set(body)))
        )
