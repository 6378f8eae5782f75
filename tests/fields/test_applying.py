"""Server-side apply's field sets, conflicts and removals, without a server."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.errors import ConflictError
from manikit.fields import field_set, from_fields_v1, merge_applied, to_fields_v1


def config(replicas: int, env: list[str], label: str | None = "x") -> dict[str, Any]:
    labels = {"app": "a", **({"extra": label} if label else {})}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "labels": labels},
        "spec": {
            "replicas": replicas,
            "template": {
                "spec": {"containers": [{"name": "c", "env": [{"name": n, "value": "1"} for n in env]}]}
            },
        },
    }


def applied(live: dict[str, Any], cfg: dict[str, Any], manager: str, force: bool = False) -> dict[str, Any]:
    return merge_applied(live, cfg, field_set(cfg), manager, force, "2025-01-01T00:00:00Z")


def test_field_set_keys_list_items_and_round_trips() -> None:
    paths = field_set(config(2, ["A"]))
    assert ("f:spec", "f:replicas") in paths
    container = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"c"}')
    assert (*container, ".") in paths
    assert (*container, "f:env", 'k:{"name":"A"}', "f:value") in paths
    assert not any(p[:2] == ("f:metadata", "f:name") for p in paths)
    assert from_fields_v1(to_fields_v1(paths)) == paths


def test_a_different_value_owned_by_another_is_a_conflict_unless_forced() -> None:
    live = applied({"metadata": {}}, config(2, ["A"]), "first")
    with pytest.raises(ConflictError) as caught:
        applied(live, config(3, ["A"]), "second")
    assert caught.value.reason == "Conflict"
    assert caught.value.details["causes"] == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "first"',  # an applier: named alone, as kube names it
            "field": ".spec.replicas",
        }
    ]
    forced = applied(live, config(3, ["A"]), "second", force=True)
    owners = {m["manager"]: from_fields_v1(m["fieldsV1"]) for m in forced["metadata"]["managedFields"]}
    assert ("f:spec", "f:replicas") in owners["second"] and ("f:spec", "f:replicas") not in owners["first"]
    assert forced["spec"]["replicas"] == 3


def test_the_same_value_is_shared_without_conflict() -> None:
    live = applied({"metadata": {}}, config(2, ["A"]), "first")
    both = applied(live, config(2, ["A"]), "second")
    owners = {m["manager"]: from_fields_v1(m["fieldsV1"]) for m in both["metadata"]["managedFields"]}
    assert ("f:spec", "f:replicas") in owners["first"] and ("f:spec", "f:replicas") in owners["second"]


def test_fields_no_longer_applied_are_removed_unless_owned_by_another() -> None:
    live = applied({"metadata": {}}, config(2, ["A", "B"]), "me")
    smaller = applied(live, config(2, ["A"], label=None), "me")
    assert smaller["metadata"]["labels"] == {"app": "a"}
    assert [e["name"] for e in smaller["spec"]["template"]["spec"]["containers"][0]["env"]] == ["A"]
    shared = applied(
        live,
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"extra": "x"}}},
        "other",
    )
    kept = applied(shared, config(2, ["A"], label=None), "me")
    assert kept["metadata"]["labels"] == {"app": "a", "extra": "x"}


def test_applied_order_wins_for_shared_items_and_live_only_items_keep_their_place() -> None:
    """As structured-merge-diff merges an associative list: an env reordered in the applied
    configuration is reordered on the object; an item only the live object has stays before the item
    it preceded."""
    from manikit.fields.strategic import strategic_merge

    live = {"env": [{"name": "A", "value": "1"}, {"name": "X", "value": "x"}, {"name": "B", "value": "2"}]}
    patch = {"env": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}, {"name": "C", "value": "3"}]}
    merged = strategic_merge(live, patch, applied=True)
    assert [e["name"] for e in merged["env"]] == ["X", "B", "A", "C"]
    refilled = strategic_merge(
        {"env": [{"name": "B"}]}, {"env": [{"name": "A"}, {"name": "B"}]}, applied=True
    )
    assert [e["name"] for e in refilled["env"]] == ["A", "B"]  # a new item where the applied list has it
    assert [e["name"] for e in strategic_merge(live, patch)["env"]] == ["A", "X", "B", "C"]  # a patch keeps


def test_a_list_or_map_left_empty_by_a_removal_goes_as_go_omits_it() -> None:
    from manikit.fields.fields_v1 import remove

    obj = {
        "spec": {
            "ports": [{"containerPort": 1}],
            "nodeSelector": {"disk": "ssd"},
            "emptyDir": {"medium": "x"},
        }
    }
    remove(obj, ("f:spec", "f:ports", 'k:{"containerPort":1}'))
    remove(obj, ("f:spec", "f:nodeSelector", "f:disk"))
    remove(obj, ("f:spec", "f:emptyDir", "f:medium"))
    assert obj == {"spec": {"emptyDir": {}}}  # a struct left empty is still there: it means something


def test_an_empty_list_applied_then_filled_keeps_what_is_applied_now() -> None:
    """``env: []`` owned as a leaf, then ``env: [A]``: the field is applied through its item now and
    is not removed as no longer applied; the other way round, ``env: []`` empties it and stays."""
    emptied = applied({"metadata": {}}, config(1, []), "manikit")
    assert emptied["spec"]["template"]["spec"]["containers"][0]["env"] == []
    filled = applied(emptied, config(1, ["A"]), "manikit")
    assert [e["name"] for e in filled["spec"]["template"]["spec"]["containers"][0]["env"]] == ["A"]
    again = applied(filled, config(1, []), "manikit")
    assert again["spec"]["template"]["spec"]["containers"][0]["env"] == []


@pytest.mark.parametrize(
    "cfg",
    [
        config(2, ["A", "B"]),
        config(0, [], label=None),
        {**config(1, ["A", "A"]), "status": {"replicas": 3}},  # a repeated key merges; status is not applied
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v", "e": ""}},
    ],
)
def test_an_apply_that_creates_is_the_merge_of_an_empty_object_byte_for_byte(cfg: dict[str, Any]) -> None:
    from manikit.fields import created_applied
    from manikit.runtime.store.codec import dumps

    stamp = "2025-01-01T00:00:00Z"
    general = merge_applied({"metadata": {}}, cfg, field_set(cfg), "manikit", False, stamp)
    assert dumps(created_applied(cfg, "manikit", stamp)) == dumps(general)


PLAIN_OR_NOT = st.recursive(
    st.one_of(st.none(), st.integers(0, 2), st.sampled_from(["a", "web"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "port", "containerPort", "$patch", "x"]), inner, max_size=3),
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(["containers", "env", "ports", "finalizers", "args", "metadata", "spec", "data"])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(FIELDS, PLAIN_OR_NOT, max_size=4))
def test_a_plain_copy_stands_for_the_merge_only_where_the_merge_would_copy(patch: dict[str, Any]) -> None:
    from manikit.fields.strategic import applied_to_nothing, strategic_merge
    from manikit.runtime.store.codec import dumps

    copied = applied_to_nothing(patch)
    if copied is not None:  # directives, nulls and repeated keys take the merge
        assert dumps(copied) == dumps(strategic_merge({"metadata": {}}, patch, applied=True))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(FIELDS, PLAIN_OR_NOT, max_size=4))
def test_the_check_without_a_copy_agrees_with_the_copy(patch: dict[str, Any]) -> None:
    from manikit.fields.strategic import applied_to_nothing, copies_plainly

    assert copies_plainly(patch) is (applied_to_nothing(patch) is not None)


@pytest.mark.parametrize(
    "cfg",
    [
        config(2, ["A", "B"]),
        {**config(1, ["A", "A"]), "status": {"replicas": 3}},
        {"kind": "X", "spec": {"a": None}},
    ],
    ids=["plain", "merged", "null"],
)
def test_an_apply_that_creates_leaves_its_configuration_as_it_was(cfg: dict[str, Any]) -> None:
    from manikit.fields import created_applied

    before = copy.deepcopy(cfg)
    created = created_applied(cfg, "manikit", "2025-01-01T00:00:00Z")
    assert cfg == before
    assert "managedFields" not in (cfg.get("metadata") or {})
    assert created["metadata"]["managedFields"][0]["manager"] == "manikit"


def test_a_plain_manifest_is_copied_and_one_the_merge_would_change_is_merged() -> None:
    from manikit.fields.strategic import applied_to_nothing

    assert applied_to_nothing(config(2, ["A", "B"])) is not None
    assert applied_to_nothing({"spec": {"replicas": None}}) is None
    assert applied_to_nothing({"spec": {"containers": [{"name": "a"}, {"name": "a", "image": "x"}]}}) is None
    assert applied_to_nothing({"spec": {"template": {"$patch": "replace"}}}) is None
