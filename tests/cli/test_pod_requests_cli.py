"""A pod with a sidecar and a big init container is counted the same by every view: the scheduler,
``get nodes``, ``describe node``, lint and the apply preview (Kubernetes' PodRequests: 3 CPU, 576Mi
here, where summing every container would say 4.5 CPU and leaving the sidecar out 2.5)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import run_cli

POD = """apiVersion: v1
kind: Pod
metadata: {name: side, namespace: default}
spec:
  initContainers:
  - name: log-shipper
    image: "busybox:1.36"
    restartPolicy: Always
    resources: {requests: {cpu: 500m, memory: 64Mi}}
  - name: migrate
    image: "busybox:1.36"
    resources: {requests: {cpu: 2500m, memory: 512Mi}}
  containers:
  - name: app
    image: "nginx:1.25"
    resources: {requests: {cpu: "1", memory: 256Mi}}
"""

PROBE = """apiVersion: v1
kind: Pod
metadata: {name: probe, namespace: default}
spec:
  containers:
  - {name: app, image: "nginx:1.25", resources: {requests: {cpu: 1m, memory: 1Mi}}}
"""


def node(name: str, cpu: str, memory: str) -> str:
    return f"""apiVersion: v1
kind: Node
metadata:
  name: {name}
  labels: {{kubernetes.io/hostname: {name}}}
status:
  capacity: {{cpu: "{cpu}", memory: {memory}, pods: "110"}}
  allocatable: {{cpu: "{cpu}", memory: {memory}, pods: "110"}}
"""


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def test_every_view_counts_a_sidecar_pod_alike(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    pod = write(tmp_path / "pod.yaml", POD)
    assert (
        run_cli(
            "nodes", "add", "--state", state, write(tmp_path / "solo.yaml", node("solo", "3", "4Gi"))
        ).exit_code
        == 0
    )

    applied = run_cli("apply", "--state", state, "--auto-approve", pod)
    assert applied.exit_code == 0, applied.stderr
    assert "cpu     requested 3 of 3 allocatable (100%)" in applied.stdout  # the preview
    assert "memory  requested 576Mi of 4Gi allocatable (14%)" in applied.stdout

    # the scheduler: 3 CPU fit the 3-CPU node (it counts no more), and then not even 1m does (no less)
    placed = run_cli("get", "pod", "side", "--state", state, "-o", "wide")
    assert placed.stdout.splitlines()[1].split()[6] == "solo"
    run_cli("apply", "--state", state, "--auto-approve", write(tmp_path / "probe.yaml", PROBE))
    pending = run_cli("describe", "pod", "probe", "--state", state)
    assert "0/1 nodes are available: 1 Insufficient cpu." in pending.stdout

    nodes = run_cli("get", "nodes", "--state", state).stdout.splitlines()
    assert nodes[0].split()[5:7] == ["CPU(REQ/ALLOC)", "MEMORY(REQ/ALLOC)"]
    assert nodes[1].split()[4:6] == ["3/3", "576Mi/4Gi"]  # solo has no kubelet version: one cell fewer

    described = run_cli("describe", "node", "solo", "--state", state).stdout
    allocated = described[described.index("Allocated resources:") :].splitlines()
    assert allocated[3].split() == ["cpu", "3", "(100%)"]
    assert allocated[4].split() == ["memory", "576Mi", "(14%)"]

    just_short = write(tmp_path / "small.yaml", node("small", "2999m", "575Mi"))
    linted = run_cli("lint", "--nodes", just_short, pod)
    assert (
        "the pod requests cpu 3, more than the largest node's allocatable (2999m on small)" in linted.stdout
    )
    assert "the pod requests memory 576Mi, more than the largest node's allocatable (575Mi on small)" in (
        linted.stdout
    )
    enough = run_cli("lint", "--nodes", write(tmp_path / "enough.yaml", node("big", "3", "576Mi")), pod)
    assert "MK111" not in enough.stdout
