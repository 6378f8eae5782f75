"""A Deployment applied, scaled and deleted through the CLI: the pods, their events, the Endpoints and
the garbage collection a user sees (what the reconcile loop's caches must leave exactly as before)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.cluster_state import State

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 12
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{name: http, containerPort: 8080}]
        resources: {requests: {cpu: 100m, memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
"""


def _pods(state: State) -> list[dict[str, object]]:
    listed = state.run("get", "pods", "-o", "json")
    assert listed.exit_code == 0, listed.stderr
    items: list[dict[str, object]] = json.loads(listed.stdout)["items"]
    return items


def test_apply_scale_and_delete_a_deployment_show_what_kubernetes_shows(tmp_path: Path) -> None:
    state = State(tmp_path / "state.db")
    (tmp_path / "app.yaml").write_text(APP)
    applied = state.run("apply", "-f", str(tmp_path / "app.yaml"), "--auto-approve")
    assert applied.exit_code == 0, applied.stderr
    assert "12/12 ready" in applied.stdout
    first = {p["metadata"]["name"] for p in _pods(state)}  # type: ignore[index]
    assert len(first) == 12
    scaled = state.run("scale", "deployment", "web", "--replicas", "13")
    assert scaled.exit_code == 0, scaled.stderr
    pods = _pods(state)
    assert len(pods) == 13
    for pod in pods:
        status = pod["status"]
        assert status["phase"] == "Running"  # type: ignore[index]
        conditions = {c["type"]: c["status"] for c in status["conditions"]}  # type: ignore[index]
        assert conditions == {
            "PodReadyToStartContainers": "True",
            "Initialized": "True",
            "Ready": "True",
            "ContainersReady": "True",
            "PodScheduled": "True",
        }
    (new,) = {p["metadata"]["name"] for p in pods} - first  # type: ignore[index]
    described = state.run("describe", "pod", new)
    assert described.exit_code == 0, described.stderr
    reasons = [
        line.split()[1]
        for line in described.stdout.split("Events:")[1].splitlines()
        if line.startswith("  Normal")
    ]
    assert reasons == ["Scheduled", "Pulled", "Created", "Started"]  # the node holds the image already
    events = state.run("events").stdout
    assert events.count("SuccessfulCreate") == 13 and events.count(" Scheduled ") == 13
    endpoints = state.run("get", "endpoints", "web", "-o", "json")
    subsets = json.loads(endpoints.stdout)["subsets"]
    assert sum(len(s["addresses"]) for s in subsets) == 13
    deleted = state.run("delete", "deployment", "web")
    assert deleted.exit_code == 0, deleted.stderr
    assert _pods(state) == [] and "No resources found" in state.run("get", "replicasets").stderr
