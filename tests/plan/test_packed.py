"""A desired object loaded in a worker process: packed, unpacked on first read to exactly what the
sequential path holds, across pickling too; and a copy made with ``replaced``."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from manikit.plan.actions import ObjectKey
from manikit.plan.changes import Desired
from manikit.plan.desired import Packing, as_written
from manikit.plan.packed import Packed
from manikit.plan.unchanged import sent_digest
from manikit.source.documents import load_file
from tests.conftest import write

BODY: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "settings", "namespace": "shop"},
    "data": {"mode": "fast", "ratio": "0.5"},
}
ODD_VALUES: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "odd"},
    "values": [float("inf"), -0.0, 2**70, None, True, "", "ünïcode", [], {}],
}


def _packed(body: dict[str, Any], manifest: dict[str, Any] | None, sent: Any = None) -> Desired:
    packed = Packed.of(body, manifest)
    assert packed is not None
    return Desired.packed(ObjectKey.of(body), "app.yaml:3", packed, sent)


@pytest.mark.parametrize("body", [BODY, ODD_VALUES], ids=["config-map", "odd-values"])
def test_a_packed_object_unpacks_to_the_same_data(body: dict[str, Any]) -> None:
    manifest = {**body, "metadata": {**body["metadata"], "labels": {"a": "b"}}}
    item = _packed(body, manifest)
    plain = Desired(body, "app.yaml:3", manifest)
    assert (
        item.key
        == plain.key
        == ObjectKey("ConfigMap", body["metadata"].get("namespace", ""), body["metadata"]["name"], "v1")
    )
    assert item.body == body and item.manifest == manifest and item == plain
    assert item.body is item.body  # unpacked once, then kept
    assert item.body is not body  # a copy: the sender's dicts are not shared


def test_a_manifest_without_one_unpacks_as_none() -> None:
    item = _packed(BODY, None)
    assert item.manifest is None and item.body == BODY


def test_pickling_keeps_an_object_packed_or_not() -> None:
    for item in (_packed(BODY, BODY, ("default", "d1")), Desired(BODY, "app.yaml:3", BODY, ("x",), True)):
        back = pickle.loads(pickle.dumps(item))
        assert back == item and back.key == item.key and back.sent == item.sent
        assert (back.takes, back.adopts, back.source) == (item.takes, item.adopts, item.source)


def test_replaced_changes_only_what_it_is_given() -> None:
    item = _packed(BODY, BODY, ("default", "d1"))
    answer = {**BODY, "data": {"mode": "slow"}}
    copy = item.replaced(body=answer, takes=("data.mode from kubectl",), adopts=True)
    assert copy.body == answer and copy.manifest == BODY and copy.source == item.source
    assert copy.takes == ("data.mode from kubectl",) and copy.adopts
    assert copy.sent == item.sent  # the same manifest: the same digest
    other = item.replaced(manifest={**BODY, "data": {}})
    assert other.manifest == {**BODY, "data": {}} and other.body == BODY and other.sent is None
    assert item.body == BODY and item.takes == () and not item.adopts  # the original is unchanged


def test_what_marshal_cannot_write_is_kept_as_it_is() -> None:
    odd = {**BODY, "data": {"when": object()}}
    assert Packed.of(odd, None) is None


ALIASED = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: aliased
  annotations: &shared {a: "1"}
  labels: *shared
data: {mode: fast}
"""


def test_a_packed_manifest_holds_aliased_nodes_as_separate_copies(tmp_path: Path) -> None:
    """As the sequential path's copy of the manifest makes them: a change to one never shows in the
    other."""
    (doc,) = load_file(str(write(tmp_path, "aliased.yaml", ALIASED))).documents
    body = {**doc.data, "metadata": {**doc.data["metadata"], "namespace": "default"}}
    item = Packing("default").pack(body, "aliased.yaml:1", doc.data)
    sequential = Desired(body, "aliased.yaml:1", as_written(doc.data, body))
    assert item == sequential
    manifest = item.manifest
    assert manifest is not None
    assert manifest["metadata"]["labels"] == manifest["metadata"]["annotations"]
    assert manifest["metadata"]["labels"] is not manifest["metadata"]["annotations"]


def test_the_digest_a_worker_computes_is_the_plans_own(tmp_path: Path) -> None:
    (doc,) = load_file(str(write(tmp_path, "aliased.yaml", ALIASED))).documents
    body = {**doc.data, "metadata": {**doc.data["metadata"], "namespace": "default"}}
    item = Packing("shop").pack(body, "aliased.yaml:1", doc.data)
    sequential = Desired(body, "aliased.yaml:1", as_written(doc.data, body))
    assert item.sent is not None and item.sent[0] == "shop"
    assert item.sent[1] == sent_digest(sequential, "shop") != sent_digest(sequential, "default")
    assert sent_digest(item, "default") == sent_digest(sequential, "default")  # another set: computed
    assert Packing(None).pack(body, "aliased.yaml:1", doc.data).sent is None
