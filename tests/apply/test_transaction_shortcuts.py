"""The apply transaction's shortcuts (issue 17) against the general path they stand for: each stores
exactly what the general path stores, row for row, note for note."""

from __future__ import annotations

import ipaddress
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from manikit.models.base import validate_checked
from manikit.models.meta import ObjectMeta
from manikit.runtime.api import allocators
from manikit.runtime.api import objects as api_objects
from manikit.runtime.api.allocators import ServiceRanges
from manikit.runtime.api.objects import meta_body
from manikit.validate import admitted
from tests.stored_rows import applied_rows

#: a mixed set: Namespaces, Deployments, Services of every type, ConfigMaps; cluster-scoped and not
MIXED = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 80, name: http}]}]}
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
apiVersion: apps/v1
kind: Deployment
metadata: {name: plain}
spec:
  replicas: 1
  selector: {matchLabels: {app: plain}}
  template:
    metadata: {labels: {app: plain}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: edge, namespace: shop, labels: {tier: edge}}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, name: http}, {port: 443, name: tls}]
---
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: headless, namespace: shop}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: outside, namespace: shop}
spec: {type: ExternalName, externalName: example.com}
---
apiVersion: v1
kind: Service
metadata: {name: fixed}
spec:
  clusterIP: 10.96.0.77
  ports: [{port: 53, protocol: UDP}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop, labels: {tier: web}, annotations: {a: "1"}}
data: {level: info, odd.key: "ü"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: bare}
data: {}
"""


def _stored(tmp_path: Path, name: str) -> list[tuple[Any, ...]]:
    """Every object, revision and note an apply of MIXED leaves in a new state (the clock pinned)."""
    return applied_rows(tmp_path, name, (MIXED,), ("objects", "revisions", "notes"), reconcile=False)


def _counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[bool]:
    """Each call of ``module.name``: True when it answered (not None)."""
    seen: list[bool] = []
    real: Callable[..., Any] = getattr(module, name)

    def spy(*args: Any) -> Any:
        answer = real(*args)
        seen.append(answer is not None)
        return answer

    monkeypatch.setattr(module, name, spy)
    return seen


# ObjectMeta taken as it is (validate/admitted._plain_meta) ---------------------------------------------


def test_the_store_holds_the_same_with_and_without_taking_objectmeta_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _counted(monkeypatch, admitted, "_plain_meta")
    fast = _stored(tmp_path, "fast")
    assert taken.count(True) >= 12  # every create of MIXED took its ObjectMeta as it is
    monkeypatch.setattr(admitted, "_plain_meta", lambda raw: None)
    assert _stored(tmp_path, "full") == fast


def _validated(raw: dict[str, Any]) -> ObjectMeta | None:
    """``admitted._object_meta``'s general path: the model validated (None: refused)."""
    managed = raw.get("managedFields")
    shallow = raw
    if type(managed) is list and all(type(e) is dict for e in managed):
        shallow = {**raw, "managedFields": [dict.fromkeys(e) for e in managed]}
    try:
        meta = validate_checked(ObjectMeta, shallow)
    except ValidationError:
        return None
    if type(managed) is list:
        meta.managed_fields = managed
    return meta


class _Str(str):
    pass


TEXTS = st.sampled_from(["web", "", "é", "a/b", "x" * 70])
ODD = st.one_of(st.integers(-2, 2**70), st.none(), st.booleans(), st.just(_Str("s")), st.just(["a"]))
STRING_MAPS = st.dictionaries(TEXTS, TEXTS, max_size=3)
ENTRY = st.dictionaries(
    st.sampled_from(["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"]),
    st.one_of(TEXTS, st.just({"f:spec": {"f:a": {}}}), st.integers(-1, 2**70)),
    max_size=6,
)
FIELDS = {
    "name": st.one_of(TEXTS, ODD),
    "generateName": st.one_of(TEXTS, ODD),
    "namespace": st.one_of(TEXTS, ODD),
    "labels": st.one_of(STRING_MAPS, ODD, st.dictionaries(TEXTS, ODD, min_size=1, max_size=1)),
    "annotations": st.one_of(STRING_MAPS, ODD, st.just({1: "a"})),
    "managedFields": st.one_of(st.lists(ENTRY, max_size=2), ODD, st.just([{1: "a"}]), st.just(["x"])),
    "uid": TEXTS,
    "generation": st.integers(0, 3),
    "finalizers": st.lists(TEXTS, max_size=1),
    "resourceVersion": TEXTS,
    "other": TEXTS,
}
RAW = st.fixed_dictionaries({}, optional=FIELDS)


@settings(max_examples=600, deadline=None)
@given(RAW)
def test_objectmeta_taken_as_it_is_is_the_validated_model(raw: dict[str, Any]) -> None:
    """Where ``_plain_meta`` answers, validation accepts ``raw`` and makes the same model: the same
    values, the same fields set, the same dumps key for key."""
    plain = admitted._plain_meta(raw)
    if plain is None:
        return
    full = _validated(raw)
    assert full is not None, raw
    assert plain.__dict__ == full.__dict__
    assert plain.model_fields_set == full.model_fields_set
    assert plain == full
    assert json.dumps(meta_body(plain)) == json.dumps(meta_body(full))
    assert json.dumps(plain.to_k8s()) == json.dumps(full.to_k8s())


def test_objectmeta_of_a_server_side_create_is_taken_as_it_is() -> None:
    """The shortcut answers for what the API hands over (the property above is not vacuous)."""
    raw = {
        "name": "web",
        "namespace": "shop",
        "labels": {"applyset.kubernetes.io/part-of": "applyset-x-v1", "app": "web"},
        "annotations": {"a": "b"},
        "managedFields": [{"manager": "manikit", "operation": "Apply", "fieldsV1": {"f:spec": {}}}],
    }
    plain = admitted._plain_meta(raw)
    assert plain is not None and plain == _validated(raw)
    assert plain.labels is not raw["labels"]  # a copy, as validation makes


# A Service's seeded draw (runtime/api/allocators: one generator per thread, addresses formatted) --------


def _former_cluster_ip(used: set[str], seed: str, ranges: ServiceRanges) -> str:
    """``allocate_cluster_ip`` as it was: a generator made for the Service, the address an object."""
    rng = random.Random(seed)
    base = int(ranges.cidr.network_address)
    upper = range(max(1, ranges.static_ips), ranges.cidr.num_addresses - 1)
    if upper:
        for _ in range(64):
            candidate = str(ipaddress.IPv4Address(base + rng.choice(upper)))
            if candidate not in used and candidate != ranges.kubernetes_ip:
                return candidate
    for offset in range(1, ranges.cidr.num_addresses - 1):
        candidate = str(ipaddress.IPv4Address(base + offset))
        if candidate != ranges.kubernetes_ip and candidate not in used:
            return candidate
    raise AssertionError("full")


def _former_node_port(used: set[int], seed: str, ranges: ServiceRanges) -> int:
    rng = random.Random(seed)
    upper = ranges.ports[ranges.static_ports :]
    for _ in range(64):
        drawn: int = upper[rng.randrange(len(upper))]
        if drawn not in used:
            return drawn
    raise AssertionError("unlucky")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["10.96.0.0/12", "0.0.0.0/12", "255.240.0.0/12", "192.168.7.0/24", "10.0.0.248/29"]),
    st.lists(st.text(max_size=12), min_size=1, max_size=4),
    st.integers(0, 4),
)
def test_a_services_draws_are_the_former_ones(cidr: str, seeds: list[str], taken: int) -> None:
    """Each seed gives the address and port a generator made for it gave, whatever was drawn from
    this thread's generator before (draws interleaved with other seeds)."""
    ranges = ServiceRanges(ipaddress.IPv4Network(cidr))
    used_ips: set[str] = set()
    for seed in seeds:
        expected = _former_cluster_ip(used_ips, seed, ranges)
        assert allocators.allocate_cluster_ip(used_ips, allocators.seeded(seed), ranges) == expected
        used_ips.add(expected)
        rng = allocators.seeded(seed)
        rng.random()  # a draw left half way: the next seed starts afresh
        used_ports = set(range(30100, 30100 + taken))
        assert allocators.allocate_node_port(used_ports, allocators.seeded(seed), ranges) == (
            _former_node_port(used_ports, seed, ranges)
        )


@given(st.integers(0, 2**32 - 1))
def test_an_address_is_written_as_ipaddress_writes_it(address: int) -> None:
    assert allocators.dotted(address) == str(ipaddress.IPv4Address(address))


def test_the_store_holds_the_same_with_and_without_the_services_shortcuts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _stored(tmp_path, "fast")
    assert sum(b'"nodePort"' in str(row[-1]).encode() for row in fast) >= 2
    monkeypatch.setattr(allocators, "seeded", random.Random)
    monkeypatch.setattr(allocators, "dotted", lambda n: str(ipaddress.IPv4Address(n)))
    assert _stored(tmp_path, "former") == fast


# ObjectMeta written without pydantic's dump (runtime/api/objects._plain_dump) ----------------------------


def _former_meta_body(meta: ObjectMeta) -> dict[str, Any]:
    managed = meta.managed_fields
    out: dict[str, Any] = meta.model_dump(
        by_alias=True, exclude_none=True, mode="json", exclude={"managed_fields"}
    )
    if managed is None:
        return out
    link = out.pop("selfLink", None)
    out["managedFields"] = managed
    if link is not None:
        out["selfLink"] = link
    return out


OWNER = {"apiVersion": "v1", "kind": "ReplicaSet", "name": "r", "uid": "u", "controller": True}
META_FIELDS = {
    **{k: FIELDS[k] for k in ("name", "generateName", "namespace", "labels", "annotations", "managedFields")},
    "uid": TEXTS,
    "resourceVersion": TEXTS,
    "generation": st.integers(-(2**63), 2**63 - 1),
    "creationTimestamp": TEXTS,
    "deletionGracePeriodSeconds": st.integers(0, 30),
    "finalizers": st.lists(TEXTS, max_size=2),
    "ownerReferences": st.lists(st.just(OWNER), max_size=1),
    "selfLink": TEXTS,
}


@settings(max_examples=600, deadline=None)
@given(st.fixed_dictionaries({}, optional=META_FIELDS), st.sampled_from([None, "default", "shop"]))
def test_objectmeta_is_written_as_pydantic_dumps_it(raw: dict[str, Any], namespace: str | None) -> None:
    meta = _validated(raw)
    if meta is None:
        return
    if namespace is not None:
        meta.namespace = namespace  # as ``to_body`` defaults it
    assert json.dumps(meta_body(meta)) == json.dumps(_former_meta_body(meta))


def test_the_store_holds_the_same_with_and_without_writing_objectmeta_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = _counted(monkeypatch, api_objects, "_plain_dump")
    fast = _stored(tmp_path, "fast")
    assert written.count(True) >= 12
    monkeypatch.setattr(api_objects, "_plain_dump", lambda meta: None)
    assert _stored(tmp_path, "former") == fast
