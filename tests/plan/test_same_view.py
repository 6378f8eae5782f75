"""``settled.same_view``: the refresh of apply's notes takes a body the controllers wrote as holding the
settled view the apply left when the two share it (``cluster.recorded``), without digesting it. It
must never say so of two bodies whose digests differ; and after a real apply and reconcile it says so
of every Deployment, and the notes are those the digests write."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import manikit.cluster.recorded as recorded
from manikit.cluster.settled import same_view, settled_digest
from tests.plan.test_controllers_view import _after, _applied, _notes


def _then() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "uid": "u-1",
            "resourceVersion": "5",
            "generation": 1,
            "labels": {"app": "web"},
            "annotations": {"note": "x"},
            "managedFields": [
                {
                    "manager": "manikit",
                    "operation": "Apply",
                    "apiVersion": "apps/v1",
                    "time": "2025-01-01T00:00:00Z",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:spec": {"f:replicas": {}}},
                }
            ],
        },
        "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
        "status": {"replicas": 0},
    }


def _meta(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """``body`` as a status write makes it: the top level and metadata copied, the rest shared."""
    meta = {**body["metadata"], **changes}
    return {**body, "metadata": {k: v for k, v in meta.items() if v is not _DROP}}


_DROP = object()


def _entry(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    first, *rest = body["metadata"]["managedFields"]
    return _meta(body, managedFields=[{**first, **changes}, *rest])


def _annotations(body: dict[str, Any]) -> dict[str, Any]:
    return dict(body["metadata"].get("annotations") or {})


OPS: dict[str, Any] = {
    "status": lambda b: {**b, "status": {"replicas": 1}},
    "no status": lambda b: {k: v for k, v in b.items() if k != "status"},
    "resourceVersion": lambda b: _meta(b, resourceVersion="9"),
    "generation": lambda b: _meta(b, generation=2),
    "revision annotation": lambda b: _meta(
        b, annotations={**_annotations(b), "deployment.kubernetes.io/revision": "1"}
    ),
    "annotations copied": lambda b: _meta(b, annotations=dict(_annotations(b))),
    "annotations none": lambda b: _meta(b, annotations=_DROP),
    "annotation changed": lambda b: _meta(
        b, annotations={**b["metadata"].get("annotations", {}), "note": "y"}
    ),
    "annotation added": lambda b: _meta(b, annotations={**b["metadata"].get("annotations", {}), "more": "z"}),
    "label changed": lambda b: _meta(b, labels={"app": "api"}),
    "label an int": lambda b: _meta(b, labels={"app": 1}),
    "labels null": lambda b: _meta(b, labels=None),
    "labels empty": lambda b: _meta(b, labels={}),
    "finalizers": lambda b: _meta(b, finalizers=["x"]),
    "spec copied": lambda b: {**b, "spec": copy.deepcopy(b["spec"])},
    "spec changed": lambda b: {**b, "spec": {**b["spec"], "replicas": 2}},
    "replicas a float": lambda b: {**b, "spec": {**b["spec"], "replicas": 1.0}},
    "top-level field": lambda b: {**b, "extra": 1},
    "kind": lambda b: {**b, "kind": "ReplicaSet"},
    "apiVersion": lambda b: {**b, "apiVersion": "apps/v2"},
    "entry time": lambda b: _entry(b, time="2026-01-01T00:00:00Z"),
    "entry no time": lambda b: _meta(
        b,
        managedFields=[
            {k: v for k, v in b["metadata"]["managedFields"][0].items() if k != "time"},
            *b["metadata"]["managedFields"][1:],
        ],
    ),
    "entry fields": lambda b: _entry(b, fieldsV1={"f:spec": {}}),
    "entry key": lambda b: _entry(b, subresource="status"),
    "other entry": lambda b: _meta(
        b, managedFields=[*b["metadata"]["managedFields"], {"manager": "kcm", "operation": "Update"}]
    ),
    "another applier first": lambda b: _meta(
        b,
        managedFields=[
            {"manager": "manikit", "operation": "Apply", "fieldsV1": {}},
            *b["metadata"]["managedFields"],
        ],
    ),
}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(sorted(OPS)), max_size=5))
def test_bodies_said_to_share_their_view_have_the_same_digest(ops: list[str]) -> None:
    then = _then()
    now = then
    for op in ops:
        now = OPS[op](now)
    if same_view(then, now):
        assert settled_digest(now) == settled_digest(then)


@pytest.mark.parametrize(
    "ops",
    [
        [],
        ["status"],
        ["status", "resourceVersion", "generation"],
        ["revision annotation", "entry time", "other entry", "status"],
        ["annotations copied"],
        ["no status"],
    ],
)
def test_what_a_status_write_leaves_shares_the_view(ops: list[str]) -> None:
    then = _then()
    now = then
    for op in ops:
        now = OPS[op](now)
    assert same_view(then, now)


@pytest.mark.parametrize(
    "op",
    ["spec copied", "annotation changed", "label an int", "replicas a float", "entry fields", "entry key"],
)
def test_a_part_not_shared_or_changed_is_not_taken_as_the_same(op: str) -> None:
    then = _then()
    assert not same_view(then, OPS[op](then))


def test_a_kind_without_a_view_never_shares_one() -> None:
    service = {**_then(), "kind": "Service"}
    assert not same_view(service, {**service, "status": {}})


@pytest.mark.parametrize("writes", [False, True])
def test_the_refresh_that_takes_shared_views_writes_the_notes_digests_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: bool
) -> None:
    shared = _applied(tmp_path, "shared")
    digested = _applied(tmp_path, "digested")
    if writes:
        _after(shared)
        _after(digested)
    taken: list[bool] = []
    real = recorded.same_view

    def counted(then: dict[str, Any], now: dict[str, Any]) -> bool:
        taken.append(real(then, now))
        return taken[-1]

    monkeypatch.setattr(recorded, "same_view", counted)
    with_shared = _notes(shared)
    assert taken.count(True) >= 2  # the refresh took shared views
    recorded._LEFT.clear()  # what the applies left, forgotten: every body digested
    taken.clear()
    assert _notes(digested) == with_shared
    assert taken == []
