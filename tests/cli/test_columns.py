"""Column helpers: a pod's reserved requests and kubectl's pod STATUS."""

from __future__ import annotations

from fractions import Fraction

from manikit.cli.columns import pod_requests, pod_status_text


def test_pod_requests_sum_containers_and_take_the_init_max() -> None:
    spec = {
        "containers": [
            {"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}},
            {"name": "b", "resources": {"requests": {"cpu": "200m"}}},
        ],
        "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "1", "memory": "32Mi"}}}],
        "overhead": {"cpu": "50m"},
    }
    assert pod_requests(spec) == {"cpu": Fraction(21, 20), "memory": Fraction(64 * 2**20)}


def test_pod_requests_count_a_sidecar_as_the_scheduler_does() -> None:
    """`get nodes` used to take only the init max, under-counting a pod with a sidecar."""
    spec = {
        "containers": [{"name": "app", "resources": {"requests": {"cpu": "500m", "memory": "128Mi"}}}],
        "initContainers": [
            {
                "name": "proxy",
                "restartPolicy": "Always",
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
            }
        ],
    }
    assert pod_requests(spec) == {"cpu": Fraction(6, 10), "memory": Fraction(192 * 2**20)}


def test_pod_status_text() -> None:
    base = {"metadata": {"name": "p"}, "spec": {}}
    assert pod_status_text({**base, "status": {"phase": "Pending"}}) == "Pending"
    done = {"phase": "Succeeded", "containerStatuses": [{"state": {"terminated": {"reason": "Completed"}}}]}
    assert pod_status_text({**base, "status": done}) == "Completed"
    gone = {"metadata": {"name": "p", "deletionTimestamp": "2025-01-01T00:00:00Z"}, "spec": {}, "status": {}}
    assert pod_status_text(gone) == "Terminating"
