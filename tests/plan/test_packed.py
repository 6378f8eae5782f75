"""A desired object loaded in a worker process: packed, unpacked on first read to exactly what the
sequential path holds, across pickling too; and a copy made with ``replaced``."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from manikit.plan import desired
from manikit.plan.actions import ObjectKey
from manikit.plan.changes import Desired
from manikit.plan.desired import Packing, as_written
from manikit.plan.normalize import desired_body
from manikit.plan.packed import Packed
from manikit.plan.unchanged import sent_digest
from manikit.source.documents import load_file
from manikit.validate.validator import validate_documents
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


def _loaded(tmp_path: Path, text: str, packing: Packing) -> tuple[Desired, Desired]:
    """The one object of ``text`` as a worker packs it and as the sequential path holds it."""
    path = write(tmp_path, "app.yaml", text)
    (worker,) = validate_documents(load_file(str(path)).documents).objects
    (here,) = validate_documents(load_file(str(path)).documents).objects
    body = desired_body(here.obj, "default", owned=True)
    sequential = Desired(body, "app.yaml:1", as_written(here.doc.data, body))
    return packing.pack(
        worker.obj, "app.yaml:1", worker.doc.data, "default", aliased=worker.doc.aliased
    ), sequential


@pytest.mark.parametrize("hinted", [False, True], ids=["sent-plain", "sent-packed"])
def test_a_workers_manifest_holds_aliased_nodes_as_separate_copies(tmp_path: Path, hinted: bool) -> None:
    """As the sequential path's copy of the manifest makes them: a change to one never shows in the
    other, whether the object is sent as plain data or packed (named applied by the state's record)."""
    first, sequential = _loaded(tmp_path, ALIASED, Packing("default"))
    assert first.sent is not None and first.sent[1] is not None
    applied = {(first.key.kind, first.key.namespace, first.key.name): first.sent[1]} if hinted else None
    item = pickle.loads(pickle.dumps(_loaded(tmp_path, ALIASED, Packing("default", applied))[0]))
    assert item == sequential and item.key == sequential.key
    manifest = item.manifest
    assert manifest is not None
    assert manifest["metadata"]["labels"] == manifest["metadata"]["annotations"]
    assert manifest["metadata"]["labels"] is not manifest["metadata"]["annotations"]


def test_the_digest_a_worker_computes_is_the_plans_own(tmp_path: Path) -> None:
    item, sequential = _loaded(tmp_path, ALIASED, Packing("shop"))
    assert item.sent is not None and item.sent[0] == "shop"
    assert item.sent[1] == sent_digest(sequential, "shop") != sent_digest(sequential, "default")
    assert sent_digest(item, "default") == sent_digest(sequential, "default")  # another set: computed
    assert _loaded(tmp_path, ALIASED, Packing(None))[0].sent is None


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2.0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 8080}]
        resources: {requests: {cpu: 100m, memory: 64Mi}}
"""
NODE = """\
apiVersion: v1
kind: Node
metadata: {name: node-9, namespace: ignored}
status: {capacity: {cpu: "4", memory: 8Gi, pods: "110"}}
"""


@pytest.mark.parametrize("text", [DEPLOYMENT, NODE, ALIASED], ids=["deployment", "node", "config-map"])
def test_an_object_left_undefaulted_is_defaulted_as_loading_does_when_read(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker leaves out the body of an object the state recorded as applied from the same
    manifest; read after all, it is the body the sequential path made, and its key the same."""
    first, sequential = _loaded(tmp_path, text, Packing("default"))
    assert first.sent is not None and first.sent[1] is not None
    applied = {(first.key.kind, first.key.namespace, first.key.name): first.sent[1]}
    defaulted: list[str] = []
    monkeypatch.setattr(desired, "desired_body", lambda obj, *a, **k: defaulted.append(obj.kind))
    (worker,) = validate_documents(load_file(str(tmp_path / "app.yaml")).documents).objects
    item = Packing("default", applied).pack(
        worker.obj, "app.yaml:1", worker.doc.data, "default", aliased=worker.doc.aliased
    )
    assert defaulted == []  # the worker did not default it
    monkeypatch.undo()
    assert item.key == sequential.key and item.key.api_version == sequential.key.api_version
    assert item.sent == sequential_sent(sequential)
    assert item.manifest == sequential.manifest
    assert item.body == sequential.body and item == sequential
    # an object whose digest differs from the recorded one is defaulted by the worker, as before
    other, _ = _loaded(tmp_path, text, Packing("default", {k: "another" for k in applied}))
    assert other == sequential


def sequential_sent(item: Desired) -> tuple[str, str | None]:
    return ("default", sent_digest(item, "default"))
