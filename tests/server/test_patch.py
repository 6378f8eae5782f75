"""Patch semantics without a server: merge patch and JSON patch (strategic merge: tests/fields)."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.server.patch import json_patch, merge_patch
from manikit.server.status import ApiError
from tests.fields.test_strategic import POD


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
