"""``comparable`` shares a pod spec whose quantities are canonical already instead of copying it
(issue 17: 5,000 Deployments copied level by level for nothing): the same comparable form, value for
value and type for type, as when every level was copied, and ``body`` untouched."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.plan import normalize
from manikit.plan.normalize import comparable


def _former_pod_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """``_canonical_pod_spec`` as it was: every level copied."""
    out = dict(spec)
    for field in normalize._CONTAINER_LISTS:
        containers = spec.get(field)
        if containers:
            out[field] = [_former_container(c) for c in containers]
    if spec.get("overhead"):
        out["overhead"] = normalize._canonical_map(spec["overhead"])
    volumes = spec.get("volumes")
    if volumes and any(
        "emptyDir" in v and (v["emptyDir"] or {}).get("sizeLimit") is not None for v in volumes
    ):
        out["volumes"] = [
            {
                **v,
                "emptyDir": {**v["emptyDir"], "sizeLimit": normalize._canonical(v["emptyDir"]["sizeLimit"])},
            }
            if (v.get("emptyDir") or {}).get("sizeLimit") is not None
            else v
            for v in volumes
        ]
    return out


def _former_container(container: dict[str, Any]) -> dict[str, Any]:
    resources = container.get("resources")
    if not resources:
        return (
            {k: v for k, v in container.items() if k != "resources"}
            if "resources" in container
            else container
        )
    fixed = {
        k: normalize._canonical_map(v) if k in ("requests", "limits") else v for k, v in resources.items()
    }
    return {**container, "resources": fixed}


def _former(body: dict[str, Any], monkeypatch: Any) -> dict[str, Any]:
    with monkeypatch.context() as patch:
        patch.setattr(normalize, "_canonical_pod_spec", _former_pod_spec)
        # the Deployment branch as it was: template and spec copied whatever the pod spec
        if body.get("kind") in ("Deployment", "ReplicaSet"):
            out = comparable({**body, "kind": "Other"})
            out["kind"] = body["kind"]
            spec = out.get("spec")
            if isinstance(spec, dict):
                template = spec.get("template")
                if isinstance(template, dict) and isinstance(template.get("spec"), dict):
                    pod = _former_pod_spec(template["spec"])
                    out["spec"] = {**spec, "template": {**template, "spec": pod}}
            return out
        return comparable(body)


class _Str(str):
    pass


QUANTITY = st.one_of(
    st.sampled_from(["100m", "0.1", "1", "1Gi", "1024Mi", "512Mi", "2", "1e3", "x", "", "0", "1.5"]),
    st.integers(-2, 2000),
    st.sampled_from([0.5, 1.0, 2.0, float("nan")]),
    st.booleans(),
    st.none(),
    st.just(_Str("100m")),
    st.just(_Str("0.1")),
)
MAPS = st.dictionaries(st.sampled_from(["cpu", "memory", "pods", "x"]), QUANTITY, max_size=3)
RESOURCES = st.one_of(
    st.none(),
    st.just({}),
    st.fixed_dictionaries(
        {}, optional={"requests": MAPS, "limits": MAPS, "claims": st.just([{"name": "a"}])}
    ),
)
CONTAINER = st.builds(
    lambda name, resources, has: {"name": name, **({"resources": resources} if has else {})},
    st.sampled_from(["a", "b"]),
    RESOURCES,
    st.booleans(),
)
POD_SPEC = st.fixed_dictionaries(
    {},
    optional={
        "containers": st.lists(CONTAINER, max_size=3),
        "initContainers": st.lists(CONTAINER, max_size=2),
        "overhead": MAPS,
        "volumes": st.lists(
            st.one_of(
                st.just({"name": "v"}),
                st.builds(lambda q: {"name": "e", "emptyDir": {"sizeLimit": q}}, QUANTITY),
                st.just({"name": "e", "emptyDir": {}}),
            ),
            max_size=2,
        ),
        "nodeName": st.just("n"),
    },
)


def _body(kind: str, pod: dict[str, Any], status: bool) -> dict[str, Any]:
    meta = {"name": "a", "namespace": "b", "labels": {"app": "a"}, "uid": "u"}
    body: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": meta}
    if kind == "Pod":
        body["spec"] = pod
    else:
        body["spec"] = {"replicas": 1, "template": {"metadata": {"labels": {"app": "a"}}, "spec": pod}}
    if status:
        body["status"] = {"phase": "Running"}
    return body


def _typed(value: Any) -> Any:
    """``value`` with each leaf's exact type beside it (equality takes 1 for 1.0 and True)."""
    if isinstance(value, dict):
        return ("dict", type(value).__name__, {k: _typed(v) for k, v in value.items()})
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, value)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["Pod", "Deployment", "ReplicaSet", "Job"]), POD_SPEC, st.booleans())
def test_the_comparable_form_is_the_same_as_when_every_level_was_copied(
    kind: str, pod: dict[str, Any], status: bool
) -> None:
    import pytest

    body = _body(kind, pod, status)
    before = copy.deepcopy(body)
    with pytest.MonkeyPatch.context() as monkeypatch:
        former = _former(body, monkeypatch)
    assert _typed(body) == _typed(before)  # the former path left it alone too
    now = comparable(body)
    assert _typed(now) == _typed(former)
    assert _typed(body) == _typed(before)


def test_a_canonical_pod_spec_is_shared() -> None:
    pod = {"containers": [{"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "1Gi"}}}]}
    body = _body("Deployment", pod, False)
    assert comparable(body)["spec"] is body["spec"]
    assert comparable(_body("Pod", pod, False))["spec"] is pod
    changed = {"containers": [{"name": "a", "resources": {"requests": {"cpu": "0.1"}}}]}
    assert comparable(_body("Pod", changed, False))["spec"]["containers"][0]["resources"] == {
        "requests": {"cpu": "100m"}
    }
