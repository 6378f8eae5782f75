"""The simulated kubelet's timeline, step by step in simulated time: image pulls, probes, liveness
restarts, image changes, graceful termination; and its pure parts (behaviour, back-off)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from manikit.runtime.api import Api
from manikit.runtime.clock import format_duration, parse_duration, parse_time
from manikit.runtime.controllers import container_state
from manikit.runtime.controllers.behaviour import behaviour, failed_at, ready_at, stop_time
from manikit.runtime.reconcile import reconcile
from tests.runtime.control_plane import new_api, pod


@pytest.fixture
def api() -> Api:
    return new_api()


def run(api: Api, seconds: float) -> None:
    reconcile(api, until=api.clock.now() + timedelta(seconds=seconds))


def container(api: Api, name: str) -> dict[str, Any]:
    status: dict[str, Any] = api.get("Pod", name)["status"]["containerStatuses"][0]
    return status


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("5m", 300), ("1m30s", 90), ("2h", 7200), ("45", 45), ("1.5s", 1.5), ("500ms", 0.5)],
)
def test_durations_read_as_go_writes_them(text: str, seconds: float) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "5x", "m5", "1m 30s", "-5s"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


def test_durations_print_as_go() -> None:
    assert [format_duration(timedelta(seconds=s)) for s in (10, 80, 300, 3600)] == [
        "10s",
        "1m20s",
        "5m0s",
        "1h0m0s",
    ]


def test_image_pull_shows_container_creating_then_running(api: Api) -> None:
    api.create(pod("p", nodeName="node-1"))
    run(api, 4)
    assert container(api, "p")["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert api.get("Pod", "p")["status"]["phase"] == "Pending"
    run(api, 1)
    assert "running" in container(api, "p")["state"] and api.get("Pod", "p")["status"]["phase"] == "Running"
    reasons = [e.reason for e in api.events(obj=api.get("Pod", "p"))]
    assert reasons == ["Pulling", "Pulled", "Created", "Started"]
    api.create(pod("q", nodeName="node-1"))  # the node holds the image now
    run(api, 0)
    assert "running" in container(api, "q")["state"]
    pulled = [e.message for e in api.events(obj=api.get("Pod", "q")) if e.reason == "Pulled"]
    image = body_image = api.get("Pod", "q")["spec"]["containers"][0]["image"]
    assert pulled == [f'Container image "{image}" already present on machine'] and body_image


def test_readiness_probe_timing_and_failure(api: Api) -> None:
    body = pod("p", nodeName="node-1")
    body["metadata"]["annotations"] = {
        "sim.manikit.io/ready-after": "12s",
        "sim.manikit.io/unhealthy-after": "60s",
    }
    body["spec"]["containers"][0]["readinessProbe"] = {
        "httpGet": {"port": 80},
        "initialDelaySeconds": 5,
        "periodSeconds": 5,
    }
    api.create(body)
    run(api, 5 + 14)  # pulled at 5 s; probes at +5, +10, +15: the first after 12 s succeeds
    assert container(api, "p")["ready"] is False
    run(api, 1)
    assert container(api, "p")["ready"] is True
    run(api, 54)  # failing from +60 (the probe at +60), the third failure in a row at +70 = 75 s
    assert container(api, "p")["ready"] is True
    run(api, 1)
    assert container(api, "p")["ready"] is False
    unhealthy = [e.message for e in api.events(obj=api.get("Pod", "p")) if e.reason == "Unhealthy"]
    assert unhealthy == ["Readiness probe failed: HTTP probe failed with statuscode: 500"]


def test_liveness_failure_restarts_the_container(api: Api) -> None:
    body = pod("p", nodeName="node-1")
    body["metadata"]["annotations"] = {"sim.manikit.io/unhealthy-after": "30s"}
    body["spec"]["containers"][0]["livenessProbe"] = {
        "tcpSocket": {"port": 80},
        "periodSeconds": 10,
        "failureThreshold": 3,
    }
    api.create(body)
    run(api, 5 + 50)
    assert container(api, "p")["restartCount"] == 1
    last = container(api, "p")["lastState"]["terminated"]
    assert (last["exitCode"], last["finishedAt"]) == (137, "2025-01-01T00:00:55Z")  # probes at 30, 40, 50
    messages = [e.message for e in api.events(obj=api.get("Pod", "p"))]
    assert "Container main failed liveness probe, will be restarted" in messages


def test_an_image_change_restarts_a_bare_pods_container(api: Api) -> None:
    api.create(pod("p", nodeName="node-1"))
    reconcile(api)
    body = api.get("Pod", "p")
    body["spec"]["containers"][0]["image"] = "nginx:1.26"
    api.update(body)
    reconcile(api)
    status = container(api, "p")
    assert status["image"] == "nginx:1.26" and status["restartCount"] == 1 and "running" in status["state"]
    assert "Container main definition changed, will be restarted" in [e.message for e in api.events(obj=body)]


def test_deletion_waits_for_the_prestop_hook_within_the_grace_period(api: Api) -> None:
    body = pod("p", nodeName="node-1")
    body["spec"]["terminationGracePeriodSeconds"] = 20
    body["spec"]["containers"][0]["lifecycle"] = {
        "preStop": {"exec": {"command": ["/bin/sh", "-c", "sleep 15"]}}
    }
    api.create(body)
    reconcile(api)
    api.delete("Pod", "p")
    meta = api.get("Pod", "p")["metadata"]
    assert meta["deletionGracePeriodSeconds"] == 20
    run(api, 14)
    assert api.find("Pod", "p") is not None and container(api, "p")["ready"] is False
    run(api, 1)
    assert api.find("Pod", "p") is None


def test_behaviour_reads_pod_and_container_annotations() -> None:
    body = {
        "metadata": {
            "annotations": {"sim.manikit.io/crash-every": "30s", "sim.manikit.io/exit-code.side": "0"}
        }
    }
    main, side = behaviour(body, "main"), behaviour(body, "side")
    assert (main.exit_code, main.exit_after) == (1, timedelta(seconds=30))
    assert side.exit_code == 0
    assert behaviour({"metadata": {}}, "main").exit_code is None


def test_probe_and_stop_timing() -> None:
    start = parse_time("2025-01-01T00:00:00Z")
    probe = {"initialDelaySeconds": 10, "periodSeconds": 10, "failureThreshold": 3}
    c = {"readinessProbe": probe, "lifecycle": {"preStop": {"sleep": {"seconds": 40}}}}
    b = behaviour({"metadata": {}}, "c")
    assert ready_at(c, b, start) == start + timedelta(seconds=10)
    assert failed_at(probe, start, timedelta(seconds=25)) == start + timedelta(seconds=50)
    assert stop_time(c, b, 30) == timedelta(seconds=30)  # cut short by the grace period


def test_backoff_doubles_to_five_minutes_and_resets_after_ten() -> None:
    t = parse_time("2025-01-01T00:00:00Z")
    entry = None
    delays = []
    for _ in range(8):
        entry = container_state._next_backoff(entry, t)
        delays.append(entry[0])
    assert delays == [10, 20, 40, 80, 160, 300, 300, 300]
    later = t + timedelta(minutes=10, seconds=1)
    assert container_state._next_backoff(entry, later)[0] == 10


def test_a_new_node_gets_the_kubelets_conditions_and_addresses() -> None:
    api = new_api(nodes=False)
    api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}})
    reconcile(api)
    status = api.get("Node", "n1")["status"]
    assert {c["type"]: c["status"] for c in status["conditions"]} == {
        "MemoryPressure": "False",
        "DiskPressure": "False",
        "PIDPressure": "False",
        "Ready": "True",
    }
    assert [a["type"] for a in status["addresses"]] == ["InternalIP", "Hostname"]
