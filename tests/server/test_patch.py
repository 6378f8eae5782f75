"""Patch semantics without a server: merge patch, JSON patch, strategic merge and its directives."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.server.patch import json_patch, merge_patch, strategic_merge
from manikit.server.status import ApiError

POD: dict[str, Any] = {
    "metadata": {"name": "p", "labels": {"a": "1", "b": "2"}, "finalizers": ["x"]},
    "spec": {
        "containers": [
            {"name": "web", "image": "nginx:1", "ports": [{"containerPort": 80}, {"containerPort": 443}]},
            {"name": "side", "image": "envoy"},
        ],
        "tolerations": [{"key": "k1"}],
    },
}


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"metadata": {"labels": {"a": None, "c": "3"}}}, {"b": "2", "c": "3"}),
        ({"metadata": {"labels": None}}, None),
        ({}, {"a": "1", "b": "2"}),
    ],
    ids=["null-deletes-and-adds", "null-map", "empty"],
)
def test_merge_patch(patch: dict[str, Any], expected: Any) -> None:
    assert merge_patch(POD, patch)["metadata"].get("labels") == expected


def test_merge_patch_replaces_lists_and_leaves_input_alone() -> None:
    result = merge_patch(POD, {"spec": {"containers": [{"name": "only"}]}})
    assert result["spec"]["containers"] == [{"name": "only"}]
    assert len(POD["spec"]["containers"]) == 2


def names(pod: dict[str, Any]) -> list[str]:
    return [c["name"] for c in pod["spec"]["containers"]]


@pytest.mark.parametrize(
    ("patch", "check"),
    [
        (
            {"spec": {"containers": [{"name": "web", "image": "nginx:2"}]}},
            lambda r: (names(r), r["spec"]["containers"][0]["image"]) == (["web", "side"], "nginx:2"),
        ),
        ({"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}, lambda r: names(r) == ["web"]),
        ({"spec": {"containers": [{"$patch": "replace"}, {"name": "new"}]}}, lambda r: names(r) == ["new"]),
        (
            {
                "spec": {
                    "$setElementOrder/containers": [{"name": "side"}, {"name": "web"}],
                    "containers": [{"name": "web", "image": "n"}],
                }
            },
            lambda r: names(r) == ["side", "web"],
        ),
        (
            {"metadata": {"$deleteFromPrimitiveList/finalizers": ["x"]}},
            lambda r: r["metadata"]["finalizers"] == [],
        ),
        ({"metadata": {"finalizers": ["y"]}}, lambda r: r["metadata"]["finalizers"] == ["x", "y"]),
        ({"spec": {"tolerations": [{"key": "k2"}]}}, lambda r: r["spec"]["tolerations"] == [{"key": "k2"}]),
        (
            {"spec": {"containers": [{"name": "web", "ports": [{"containerPort": 8080}]}]}},
            lambda r: [p["containerPort"] for p in r["spec"]["containers"][0]["ports"]] == [80, 443, 8080],
        ),
        (
            {"metadata": {"labels": {"$patch": "replace", "z": "9"}}},
            lambda r: r["metadata"]["labels"] == {"z": "9"},
        ),
        (
            {"spec": {"$retainKeys": ["containers"], "containers": [{"name": "web"}]}},
            lambda r: "tolerations" not in r["spec"],
        ),
        ({"metadata": {"labels": {"a": None}}}, lambda r: r["metadata"]["labels"] == {"b": "2"}),
    ],
    ids=[
        "merge-by-name",
        "delete-directive",
        "replace-directive-list",
        "set-element-order",
        "delete-from-primitive-list",
        "merged-primitive-list",
        "atomic-list-replaced",
        "ports-by-container-port",
        "replace-directive-map",
        "retain-keys",
        "null-deletes",
    ],
)
def test_strategic_merge(patch: dict[str, Any], check: Any) -> None:
    assert check(strategic_merge(POD, patch))


def test_json_patch_operations() -> None:
    ops = [
        {"op": "add", "path": "/metadata/labels/c", "value": "3"},
        {"op": "remove", "path": "/metadata/labels/a"},
        {"op": "replace", "path": "/spec/containers/0/image", "value": "nginx:9"},
        {"op": "copy", "from": "/metadata/labels/b", "path": "/metadata/labels/d"},
        {"op": "move", "from": "/metadata/labels/d", "path": "/metadata/labels/e"},
        {"op": "test", "path": "/metadata/labels/e", "value": "2"},
        {"op": "add", "path": "/spec/containers/-", "value": {"name": "last"}},
    ]
    result = json_patch(POD, ops)
    assert result["metadata"]["labels"] == {"b": "2", "c": "3", "e": "2"}
    assert names(result) == ["web", "side", "last"] and result["spec"]["containers"][0]["image"] == "nginx:9"


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "test", "path": "/metadata/name", "value": "other"}],
        [{"op": "remove", "path": "/metadata/missing"}],
        [{"op": "add", "path": "/spec/containers/9", "value": {}}],
        [{"op": "frobnicate", "path": "/x"}],
        {"op": "add"},
    ],
    ids=["failed-test", "remove-missing", "index-out-of-range", "unknown-op", "not-a-list"],
)
def test_json_patch_errors(ops: Any) -> None:
    with pytest.raises(ApiError) as caught:
        json_patch(POD, ops)
    assert caught.value.reason in ("Invalid", "BadRequest")
