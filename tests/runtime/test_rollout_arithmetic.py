"""The Deployment controller's arithmetic, table-driven against Kubernetes' documented behaviour."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.runtime.controllers import rollout
from manikit.runtime.controllers import template_hash as template_hash_module
from tests.runtime.control_plane import deployment


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "expected"),
    [
        (10, "25%", "25%", (3, 2)),  # surge rounds up (2.5 -> 3), unavailable down (2.5 -> 2)
        (3, "25%", "25%", (1, 0)),
        (4, "25%", "25%", (1, 1)),
        (3, 0, 0, (0, 1)),  # both zero: one may be unavailable
        (3, "0%", "0%", (0, 1)),
        (5, 2, 1, (2, 1)),
        (1, "100%", "0%", (1, 0)),
    ],
    ids=[
        "10-quarters",
        "3-quarters",
        "4-quarters",
        "both-zero",
        "both-zero-percent",
        "absolute",
        "1-all-surge",
    ],
)
def test_fenceposts(replicas: int, surge: object, unavailable: object, expected: tuple[int, int]) -> None:
    dep = deployment(
        replicas=replicas,
        strategy={
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
        },
    )
    assert rollout.fenceposts(dep) == expected


def test_recreate_has_no_fenceposts() -> None:
    assert rollout.fenceposts(deployment(strategy={"type": "Recreate"})) == (0, 0)


def test_max_unavailable_never_exceeds_replicas() -> None:
    dep = deployment(replicas=2, strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 5}})
    assert rollout.max_unavailable(dep) == 2


def test_template_hash_is_stable_and_sensitive() -> None:
    template = deployment()["spec"]["template"]
    again = deployment()["spec"]["template"]
    other = deployment(image="nginx:1.26")["spec"]["template"]
    assert rollout.template_hash(template) == rollout.template_hash(again)
    assert rollout.template_hash(template) != rollout.template_hash(other)
    assert set(rollout.template_hash(template)) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_new_replicas_respect_max_surge() -> None:
    dep = deployment(replicas=10)  # surge 3
    old = {"spec": {"replicas": 10}}
    new = {"spec": {"replicas": 0}}
    assert rollout.new_rs_replicas(dep, [old, new], new) == 3
    assert rollout.new_rs_replicas(dep, [{"spec": {"replicas": 8}}, {"spec": {"replicas": 3}}], None) == 2


def _rs(replicas: int, max_replicas: int, created: str) -> dict[str, object]:
    return {
        "metadata": {
            "name": f"rs-{created}",
            "creationTimestamp": created,
            "annotations": {rollout.MAX_REPLICAS: str(max_replicas)},
        },
        "spec": {"replicas": replicas},
    }


def test_proportional_scaling_matches_the_kubernetes_docs_example() -> None:
    """10 replicas, maxSurge 3, stuck mid-rollout at old 8 / new 5; scaled to 15: +3 old, +2 new."""
    dep = deployment(
        replicas=15, strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}
    )
    old, new = _rs(8, 13, "1"), _rs(5, 13, "2")
    sizes = {rs["metadata"]["name"]: size for rs, size in rollout.proportional_sizes(dep, [old, new], 13)}
    assert sizes == {"rs-1": 11, "rs-2": 7}


def test_proportional_scaling_down_to_zero() -> None:
    dep = deployment(replicas=0)
    sizes = [size for _, size in rollout.proportional_sizes(dep, [_rs(3, 4, "1"), _rs(1, 4, "2")], 4)]
    assert sizes == [0, 0]


def _fnv1a_32(data: bytes) -> int:
    """FNV-1a 32, byte by byte, as its definition says."""
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def test_the_template_hash_is_fnv_1a_32_of_every_length() -> None:
    from manikit.runtime.controllers.rollout import _ALPHANUMS, _fnv_encoded

    assert _fnv1a_32(b"a") == 0xE40C292C  # the published test vector
    for length in range(12):
        data = bytes(range(200, 200 + length))
        expected = "".join(_ALPHANUMS[ord(ch) % len(_ALPHANUMS)] for ch in str(_fnv1a_32(data)))
        assert _fnv_encoded(data) == expected


def _reference_hash(template: dict[str, Any], collision_count: int = 0) -> str:
    """The template hash as defined: json.dumps' canonical text, FNV-1a 32 byte by byte."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += str(collision_count).encode()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[ord(ch) % len(alphabet)] for ch in str(_fnv1a_32(data)))


#: values where orjson's text and json.dumps' differ, or may: the hash must not see it
_AWKWARD: list[Any] = [
    1.5, 1e16, 1e-7, -0.0, 2**70, float("nan"), float("inf"), None, "é", "\x7f", "\n", "a:1.5,b",
    "nginx:1.25", {"b": 1, "a": {"z": [1, 2.5]}}, [True, False],
]  # fmt: skip


@pytest.mark.parametrize("count", [1, template_hash_module.BATCH_MIN, 300], ids=["one", "batch", "many"])
def test_template_hashes_agree_with_the_definition_however_computed(count: int) -> None:
    templates = [
        {
            "metadata": {"labels": {"app": f"app-{i}"}},
            "spec": {
                "containers": [{"name": "c", "image": "nginx:1.25", "x": _AWKWARD[i % len(_AWKWARD)]}]
                * (i % 4),
                "extra": "y" * (i * 7 % 50),
            },
        }
        for i in range(count)
    ]
    template_hash_module._known.clear()
    assert rollout.template_hashes(templates) == [_reference_hash(t) for t in templates]
    assert rollout.template_hashes(templates, 2) == [_reference_hash(t, 2) for t in templates]
    assert [rollout.template_hash(t) for t in templates] == [_reference_hash(t) for t in templates]


def test_the_batched_hash_is_fnv_1a_32_of_every_length() -> None:
    datas = [bytes((200 + i * 7) % 256 for i in range(length)) for length in range(70)]
    assert template_hash_module._fnv_many(datas) == [_fnv1a_32(d) for d in datas]


_TEXTS = st.text(alphabet='a:1.5e-E,"\\[]{}0 é', max_size=8)
_JSON = st.recursive(
    st.one_of(
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([1e16, -1e-7, 2.5e300]),  # printed otherwise by orjson (1e16) and json (1e+16)
        _TEXTS,
        st.booleans(),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXTS, inner, max_size=3)),
    max_leaves=10,
)


@settings(max_examples=800, deadline=None)
@given(st.dictionaries(_TEXTS, _JSON, max_size=4))
def test_the_encoded_template_is_the_canonical_json_whatever_its_strings_and_numbers(
    template: dict[str, Any],
) -> None:
    """``encode`` takes orjson's text unless it may differ from json.dumps' (``_has_float`` looks for
    floats outside strings only): numbers and strings that look like them, quotes and backslashes."""
    assert (
        template_hash_module.encode(template)
        == json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    )


@pytest.mark.parametrize("budget", [1, 40, 100, 1 << 20])
def test_the_batched_hash_is_the_same_in_batches_of_any_size(
    budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of at most ``BATCH_BYTES`` bytes (one row each, a few, all at once)."""
    datas = [
        bytes((31 + i * 7 + length) % 256 for i in range(length)) for length in (0, 3, 9, 9, 20, 41, 64, 5)
    ]
    monkeypatch.setattr(template_hash_module, "BATCH_BYTES", budget)
    shapes: list[tuple[int, int]] = []
    zeros = np.zeros
    monkeypatch.setattr(np, "zeros", lambda shape, **kw: shapes.append(shape) or zeros(shape, **kw))
    assert template_hash_module._fnv_many(datas) == [_fnv1a_32(d) for d in datas]
    assert sum(rows for _, rows in shapes) == len(datas)
    assert all(longest * rows <= budget or rows == 1 for longest, rows in shapes)  # the bound kept
