"""Field sets: ``changed_fields`` (what a write added, changed or removed, walking only what differs)
agrees with comparing the two whole field sets path by path; ``owns_any`` with reading the set."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.fields.fields_v1 import (
    ITEM,
    Path,
    changed_fields,
    field_set,
    from_fields_v1,
    owns_any,
    to_fields_v1,
    value_at,
)

LEAVES = st.one_of(
    st.integers(0, 3), st.sampled_from(["a", "b"]), st.just({}), st.lists(st.integers(0, 2), max_size=2)
)
CONTAINER = st.fixed_dictionaries(
    {"name": st.sampled_from(["web", "side", "init"])},
    optional={
        "image": st.sampled_from(["nginx:1", "nginx:2"]),
        "args": st.lists(st.sampled_from(["-v"]), max_size=2),
    },
)
BODIES = st.fixed_dictionaries(
    {"apiVersion": st.just("v1"), "kind": st.just("Pod")},
    optional={
        "metadata": st.fixed_dictionaries(
            {"name": st.just("p")},
            optional={"labels": st.dictionaries(st.sampled_from(["a", "b", "c"]), LEAVES, max_size=3)},
        ),
        "spec": st.fixed_dictionaries(
            {},
            optional={
                "containers": st.lists(CONTAINER, max_size=3, unique_by=lambda c: c["name"]),
                "replicas": LEAVES,
                "template": st.dictionaries(st.sampled_from(["x", "y"]), LEAVES, max_size=2),
            },
        ),
        "status": st.dictionaries(st.sampled_from(["phase"]), LEAVES, max_size=1),
    },
)


def reference(old: dict[str, Any], new: dict[str, Any]) -> tuple[set[Path], set[Path]]:
    """Every path compared: new or with another value; gone. A list item itself only by appearing."""
    after, before = field_set(new), field_set(old)
    same_place = {p for p in after & before if p[-1] != ITEM and value_at(old, p) != value_at(new, p)}
    return (after - before) | same_place, before - after


@settings(max_examples=300, deadline=None)
@given(BODIES, BODIES)
def test_changed_fields_agrees_with_comparing_every_field(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert changed_fields(old, new) == reference(old, new)


@settings(max_examples=200, deadline=None)
@given(BODIES, BODIES)
def test_owns_any_agrees_with_reading_the_whole_set(one: dict[str, Any], other: dict[str, Any]) -> None:
    owned, asked = field_set(one), field_set(other)
    assert owns_any(to_fields_v1(owned), asked) == bool(owned & asked)
    assert from_fields_v1(to_fields_v1(owned)) == owned


def test_an_unchanged_write_changes_nothing_and_a_status_change_only_the_status() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c"}]},
    }
    assert changed_fields(pod, pod) == (set(), set())
    ready = {"phase": "Running"}
    assert changed_fields({"phase": "Pending"}, ready, ("f:status",)) == ({("f:status", "f:phase")}, set())


def test_fields_v1_of_is_the_field_set_spelled_as_managed_fields() -> None:
    from manikit.fields.fields_v1 import field_set, fields_v1_of, to_fields_v1

    config = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "a", "namespace": "b", "labels": {"x": "1"}, "uid": "u"},
        "spec": {
            "replicas": 2,
            "strategy": {},
            "template": {
                "spec": {
                    "containers": [
                        {"name": "c", "env": [{"name": "A", "value": "1"}], "ports": [{"containerPort": 80}]}
                    ],
                    "volumes": [],
                }
            },
        },
        "status": {"replicas": 1},
    }
    assert fields_v1_of(config) == to_fields_v1(field_set(config))


DUPLICATED = st.fixed_dictionaries(
    {"apiVersion": st.just("v1"), "kind": st.just("Pod")},
    optional={
        "spec": st.fixed_dictionaries(
            {"containers": st.lists(CONTAINER, max_size=4)},  # names may repeat: items then merge
            optional={"replicas": LEAVES, "template": st.dictionaries(st.sampled_from(["x"]), LEAVES)},
        ),
        "metadata": st.fixed_dictionaries({"name": st.just("p"), "uid": st.just("u")}),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(BODIES, DUPLICATED))
def test_fields_tree_is_the_field_set_as_managed_fields_spell_it_key_for_key(body: dict[str, Any]) -> None:
    from manikit.fields.fields_v1 import fields_tree
    from manikit.runtime.store.codec import dumps

    # the same text once stored: the same fields and the same key order
    assert dumps(fields_tree(body)) == dumps(to_fields_v1(field_set(body)))


def test_fields_tree_with_keys_that_are_not_strings_sorts_them_by_name() -> None:
    from manikit.fields.fields_v1 import fields_tree
    from manikit.runtime.store.codec import dumps

    body = {"data": {10: "a", 9: "b", True: "c"}, "spec": {"x": 1, "10": 2}}
    assert dumps(fields_tree(body)) == dumps(to_fields_v1(field_set(body)))


@pytest.mark.parametrize(
    "name",
    ["web", "é-accent", 'a"quote', "back\\slash", "tab\there", "\x7f", "<&>", 80, True, None, 2.5, 10**20],
)
def test_fields_v1_of_names_keyed_items_as_json_writes_them(name: object) -> None:
    from manikit.fields.fields_v1 import field_set, fields_v1_of, to_fields_v1

    config = {"spec": {"containers": [{"name": name, "image": "x"}], "ports": [{"containerPort": name}]}}
    assert fields_v1_of(config) == to_fields_v1(field_set(config))
    item = f"k:{json.dumps({'name': name}, separators=(',', ':'))}"
    assert item in fields_v1_of(config)["f:spec"]["f:containers"]


#: anything a body may hold: nulls, directives, repeated merge keys, tuples, NaN, keys of other types,
#: server fields at the top two levels, escapes in names
WILD_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.integers(0, 2),
        st.booleans(),
        st.floats(allow_nan=True, allow_infinity=False),
        st.sampled_from(["a", "web", 'q"x', "é"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=2).map(tuple),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["name", "port", "containerPort", "$patch", "x", "status", "uid", "managedFields"]
                ),
                st.integers(0, 1),
            ),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=14,
)
WILD = st.dictionaries(
    st.sampled_from(
        ["apiVersion", "kind", "metadata", "spec", "status", "containers", "ports", "env", "finalizers", "$x"]
    ),
    WILD_VALUES,
    max_size=5,
)


@settings(max_examples=600, deadline=None)
@given(st.one_of(BODIES, DUPLICATED, WILD))
def test_the_strict_walk_builds_the_general_tree_and_takes_only_plain_bodies(body: dict[str, Any]) -> None:
    from manikit.fields.fields_v1 import _general_tree, plain_tree
    from manikit.fields.strategic import copies_plainly
    from manikit.runtime.store.codec import dumps

    tree = plain_tree(body)
    if tree is not None:  # plain: the same tree, text for text, and an apply may copy it
        assert dumps(tree) == dumps(_general_tree(body))
        assert copies_plainly({k: v for k, v in body.items() if k != "status"})


def test_the_strict_walk_takes_a_manifest_and_leaves_the_rest_to_the_general_walk() -> None:
    from manikit.fields.fields_v1 import fields_tree, plain_tree

    manifest = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "a", "namespace": "b", "labels": {"x": "1"}},
        "spec": {
            "replicas": 2,
            "template": {
                "spec": {
                    "containers": [
                        {"name": "c", "env": [{"name": "A", "value": "1"}], "ports": [{"containerPort": 80}]},
                        {"name": "b", "args": ["-v", 1.5, True]},
                    ]
                }
            },
        },
        "status": {"replicas": None},
    }
    assert plain_tree(manifest) == to_fields_v1(field_set(manifest))
    for odd in (
        {"spec": {"replicas": None}},  # a null: the merge drops it
        {"spec": {"$patch": "replace"}},  # a directive
        {"spec": {"containers": [{"name": "a"}, {"name": "a", "image": "x"}]}},  # items that merge
        {"spec": {"args": ("-v",)}},  # not JSON's list
        {"data": {1: "a"}},  # a key that is not a string
        {"metadata": {"name": "a", "managedFields": [{"manager": None}]}},  # left out, still copied
    ):
        assert plain_tree(odd) is None, odd
        assert fields_tree(odd) == to_fields_v1(field_set(odd))


def test_the_strict_walk_names_known_keys_from_its_cache_and_still_refuses_what_is_not_plain() -> None:
    from manikit.fields.fields_v1 import _PLAIN_NAMES, plain_tree

    class Key(str):
        pass

    body = {"spec": {"x": {"a": 1, "containers": [{"name": "n", "c": {"d": True}}]}}}
    tree = plain_tree(body)
    item = {".": {}, "f:c": {"f:d": {}}, "f:name": {}}
    assert tree == {"f:spec": {"f:x": {"f:a": {}, "f:containers": {'k:{"name":"n"}': item}}}}
    assert {"a", "containers", "c", "d", "name", "x"} <= set(_PLAIN_NAMES)
    assert plain_tree(body) == tree  # named from the cache the second time: the same tree
    assert plain_tree({"spec": {"x": {Key("a"): 1}}}) is None  # equal to a known key, but not a str
    assert plain_tree({"spec": {"x": {"$patch": "replace"}}}) is None
    assert plain_tree({"spec": {"x": {1: "a"}}}) is None
    assert plain_tree({"$x": {"status": 0}}) is None  # a directive, though none of its fields is owned
    assert plain_tree({"$x": {"status": 0}}) is None  # a directive, though none of its fields is owned
