"""Strategic merge patch and its directives, over the kinds' merge keys."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.fields import list_key, strategic_merge

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


def test_the_input_is_left_alone_and_ports_are_keyed_by_their_kind() -> None:
    before = repr(POD)
    strategic_merge(POD, {"spec": {"containers": [{"name": "web", "image": "x"}]}})
    assert repr(POD) == before
    assert list_key("ports", [{"containerPort": 80}]) == "containerPort"
    assert list_key("ports", [{"port": 80}]) == "port"
    assert list_key("tolerations", [{"key": "k"}]) is None


@pytest.mark.parametrize(
    ("live", "patch"),
    [
        (None, [{"name": {"a": 1}}]),
        ([{"name": "x", "image": "a"}], [{"name": ["x"]}, {"name": "x", "image": "b"}]),
        ([{"name": {"a": 1}}], [{"name": "y"}]),
    ],
)
def test_a_keyed_list_whose_items_cannot_be_named_is_taken_whole(live: Any, patch: list[Any]) -> None:
    """A merge key's value that does not hash (an object, a list) cannot name an item: the list is
    replaced as an atomic list is, not merged (it used to raise a TypeError)."""
    merged = strategic_merge({"containers": live} if live is not None else {}, {"containers": patch})
    assert merged["containers"] == patch
