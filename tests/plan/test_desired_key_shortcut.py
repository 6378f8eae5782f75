"""A copy of a desired object with the same body keeps the key already made of it (``Desired.replaced``,
issue 17: 10,000 keys made twice per plan): the key ``ObjectKey.of`` makes of the copy's body, field
for field (apiVersion too, which equality leaves out)."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from manikit.plan.actions import ObjectKey
from manikit.plan.changes import Desired
from manikit.plan.packed import Packed

BODY = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web", "namespace": "shop"}, "data": {}}
OTHER = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}}


def _fields(key: ObjectKey) -> tuple[str, str, str, str]:
    return (key.kind, key.namespace, key.name, key.api_version)


def _plain(read_key: bool) -> Desired:
    item = Desired(dict(BODY), "f:1", dict(BODY), sent=("default", "d"))
    if read_key:
        assert item.key is not None
    return item


def _packed(read_key: bool) -> Desired:
    packed = Packed.of(None, dict(BODY))
    assert packed is not None
    # the key loading gives it differs from its body's in apiVersion: a copy must not keep it
    return Desired.packed(ObjectKey("ConfigMap", "shop", "web", "v1beta1"), "f:1", packed)


def _restored(read_key: bool) -> Desired:
    item: Desired = pickle.loads(pickle.dumps(_plain(read_key)))
    return item


@pytest.mark.parametrize("make", [_plain, _packed, _restored])
@pytest.mark.parametrize("read_key", [False, True])
@pytest.mark.parametrize(
    "change",
    [
        {"manifest": {"kind": "x"}},
        {"manifest": {"kind": "x"}, "member_of": "default"},
        {"takes": ("a",), "adopts": True},
        {"body": dict(OTHER)},
        {"body": dict(OTHER), "manifest": dict(OTHER)},
    ],
)
def test_a_copy_has_the_key_of_its_body(make: Any, read_key: bool, change: dict[str, Any]) -> None:
    copy = make(read_key).replaced(**change)
    assert _fields(copy.key) == _fields(ObjectKey.of(copy.body))
