"""What a pod requests: Kubernetes' PodRequests (k8s.io/component-helpers/resource), the one definition
that the scheduler, lint, the preview, ``get nodes`` and ``describe node`` use."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manikit.kinds.resources import pod_requests
from manikit.models.pod import PodSpec


def container(
    name: str, cpu: str | None = None, *, sidecar: bool = False, limit: str | None = None
) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    if cpu is not None:
        resources["requests"] = {"cpu": cpu}
    if limit is not None:
        resources["limits"] = {"cpu": limit}
    out: dict[str, Any] = {"name": name, "image": "x", "resources": resources}
    if sidecar:
        out["restartPolicy"] = "Always"
    return out


def cpu_of(spec: dict[str, Any], *, pod_defaults: bool = False) -> str:
    found = pod_requests(PodSpec.model_validate(spec), pod_defaults=pod_defaults)
    return found["cpu"].canonical() if "cpu" in found else "0"


@pytest.mark.parametrize(
    ("spec", "cpu"),
    [
        ({"containers": [container("a", "1"), container("b", "500m")]}, "1500m"),
        ({"initContainers": [container("i", "2")], "containers": [container("a", "1")]}, "2"),
        (
            {"initContainers": [container("s", "500m", sidecar=True)], "containers": [container("a", "1")]},
            "1500m",
        ),
        (
            {
                "initContainers": [container("s", "500m", sidecar=True), container("i", "2500m")],
                "containers": [container("a", "1")],
            },
            "3",
        ),
        (
            {
                "initContainers": [container("i", "2500m"), container("s", "500m", sidecar=True)],
                "containers": [container("a", "1")],
            },
            "2500m",
        ),
        (
            {
                "initContainers": [
                    container("s1", "1", sidecar=True),
                    container("s2", "1", sidecar=True),
                    container("i", "1500m"),
                ],
                "containers": [container("a", "100m")],
            },
            "3500m",
        ),
        ({"containers": [container("a", "1")], "overhead": {"cpu": "250m"}}, "1250m"),
        ({"containers": [container("a")]}, "0"),
    ],
    ids=[
        "apps-summed",
        "init-larger",
        "sidecar-added",
        "init-after-sidecar",
        "init-before-sidecar",
        "sidecars-cumulative",
        "overhead",
        "best-effort",
    ],
)
def test_kubernetes_pod_requests(spec: dict[str, Any], cpu: str) -> None:
    assert cpu_of(spec) == cpu


def test_a_limit_alone_is_requested_once_defaulted() -> None:
    spec = {"containers": [container("a", limit="2")]}
    assert (cpu_of(spec, pod_defaults=True), cpu_of(spec)) == ("2", "0")


_INIT = st.tuples(st.integers(0, 4000), st.booleans())


@given(
    st.lists(st.integers(0, 4000), min_size=1, max_size=4), st.lists(_INIT, max_size=5), st.integers(0, 300)
)
def test_the_request_is_the_largest_phase_of_the_pod(
    apps: list[int], inits: list[tuple[int, bool]], overhead: int
) -> None:
    """Every moment of the pod's life fits in what it requests, and the request is one of those moments:
    all app containers with all sidecars, or one init container with the sidecars started before it."""
    spec = {
        "initContainers": [container(f"i{n}", f"{m}m", sidecar=s) for n, (m, s) in enumerate(inits)],
        "containers": [container(f"a{n}", f"{m}m") for n, m in enumerate(apps)],
        "overhead": {"cpu": f"{overhead}m"},
    }
    phases = [sum(apps) + sum(m for m, s in inits if s)]
    started = 0
    for m, sidecar in inits:
        phases.append(m + started)
        started += m if sidecar else 0
    found = pod_requests(PodSpec.model_validate(spec), pod_defaults=False)
    assert found["cpu"].milli() == max(phases) + overhead
