"""describe, delete, scale, rollout, events and nodes add, through the CLI on a state file."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.runtime.store import open_store
from tests.cli.cluster_state import State
from tests.cli.helpers import run_process
from tests.conftest import write
from tests.runtime.control_plane import deployment, namespace, service, with_image


@pytest.fixture
def state(tmp_path: Path) -> State:
    s = State(tmp_path / "state.db")
    s.seed(deployment(replicas=2), service())
    return s


def squeezed(text: str) -> str:
    """Output with runs of spaces made one: columns are aligned to the widest label."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def pod_names(state: State) -> list[str]:
    return [line.split()[0] for line in state.run("get", "po").stdout.splitlines()[1:]]


def test_describe_deployment(state: State) -> None:
    out = squeezed(state.run("describe", "deploy", "web").stdout)
    assert "Name:" in out and "web" in out
    assert "2 desired | 2 updated | 2 total | 2 available | 0 unavailable" in out
    assert "RollingUpdateStrategy: 25% max unavailable, 25% max surge" in out
    assert "NewReplicaSet:" in out and "(2/2 replicas created)" in out
    assert "Available True MinimumReplicasAvailable" in out
    assert "ScalingReplicaSet" in out and "Scaled up replica set web-" in out


def test_describe_pending_pod_gives_each_nodes_reason(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    state.seed(deployment("big", replicas=1, cpu="6"))
    (name,) = pod_names(state)
    out = squeezed(state.run("describe", "pod", name).stdout)
    assert "Status: Pending" in out
    assert "Scheduling: 0/3 nodes are available: 3 Insufficient cpu." in out
    for node in ("node-1", "node-2", "node-3"):
        assert any(
            line.split()[:4] == [node, "rejected", "NodeResourcesFit", "Insufficient"]
            for line in out.splitlines()
        )
    assert "Warning FailedScheduling" in out


def test_describe_service_and_node(state: State) -> None:
    svc = squeezed(state.run("describe", "svc", "web").stdout)
    assert "TargetPort: http/TCP" in svc and "Endpoints: 10.244." in svc
    node = state.run("describe", "node", "node-1").stdout
    assert "Allocated resources:" in node and "Non-terminated Pods" in node


def test_describe_missing(state: State) -> None:
    result = state.run("describe", "svc", "nope")
    assert (
        result.exit_code == 1
        and result.stderr.strip() == 'Error from server (NotFound): services "nope" not found'
    )


def test_delete_deployment_cascades(state: State) -> None:
    result = state.run("delete", "deployment", "web")
    assert result.exit_code == 0 and result.stdout.strip() == 'deployment.apps "web" deleted'
    assert pod_names(state) == []
    assert state.run("get", "rs").stderr.strip() == "No resources found in default namespace."


def test_delete_with_cascade_orphan_keeps_pods(state: State) -> None:
    assert state.run("delete", "deploy", "web", "--cascade=orphan").exit_code == 0
    assert len(pod_names(state)) == 2
    assert len(state.run("get", "rs").stdout.splitlines()) == 2


def test_delete_missing_is_not_found(state: State) -> None:
    result = state.run("delete", "deploy", "nope")
    assert result.exit_code == 1
    assert result.stderr.strip() == 'Error from server (NotFound): deployments.apps "nope" not found'


def test_delete_namespace_removes_its_content(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    dep = deployment(replicas=1)
    dep["metadata"]["namespace"] = "team"
    state.seed(namespace("team"), dep)
    assert state.run("delete", "ns", "team").stdout.strip() == 'namespace "team" deleted'
    assert "team" not in state.run("get", "ns").stdout
    assert state.run("get", "po", "-n", "team").stdout == ""


def test_delete_default_namespace_is_forbidden(state: State) -> None:
    result = state.run("delete", "ns", "default")
    assert result.exit_code == 1
    assert "Error from server (Forbidden)" in result.stderr


def test_scale(state: State) -> None:
    result = state.run("scale", "deployment", "web", "--replicas", "4")
    assert result.exit_code == 0 and result.stdout.strip() == "deployment.apps/web scaled"
    assert len(pod_names(state)) == 4
    state.run("scale", "deploy", "web", "--replicas", "1")
    assert len(pod_names(state)) == 1
    assert state.run("scale", "svc", "web", "--replicas", "1").exit_code == 2


def test_rollout_status_history_undo(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    dep = deployment(replicas=2)
    state.seed(dep)
    status = state.run("rollout", "status", "deployment", "web")
    assert status.exit_code == 0 and status.stdout.strip() == 'deployment "web" successfully rolled out'
    store = open_store(state.path)
    from manikit.runtime.api import Api

    api = Api(store)
    api.update(with_image(dep, "nginx:1.26"))
    store.close()
    state.run("get", "po")  # a read does not reconcile ...
    waiting = state.run("rollout", "status", "deploy", "web", "--no-watch")
    assert waiting.exit_code == 1 and waiting.stdout.startswith("Waiting for deployment")
    # ... watching does: kubectl's progress lines, each once, until it is done
    watched = state.run("rollout", "status", "deploy", "web")
    lines = watched.stdout.splitlines()
    assert watched.exit_code == 0 and lines[-1] == 'deployment "web" successfully rolled out'
    assert len(lines) == len(set(lines)) >= 3 and all(line.startswith("Waiting for") for line in lines[:-1])
    history = state.run("rollout", "history", "deploy", "web").stdout.splitlines()
    assert history[1].split() == ["REVISION", "CHANGE-CAUSE"] and [h.split()[0] for h in history[2:]] == [
        "1",
        "2",
    ]
    undo = state.run("rollout", "undo", "deploy", "web")
    assert undo.exit_code == 0 and undo.stdout.strip() == "deployment.apps/web rolled back"
    images = state.run("get", "deploy", "web", "-o", "wide").stdout.splitlines()[1]
    assert "nginx:1.25" in images
    assert [
        h.split()[0] for h in state.run("rollout", "history", "deploy", "web").stdout.splitlines()[2:]
    ] == ["2", "3"]
    shown = state.run("rollout", "history", "deploy", "web", "--revision", "3").stdout
    assert "image: nginx:1.25" in shown and "pod-template-hash" not in shown


def test_rollout_undo_without_history(state: State) -> None:
    result = state.run("rollout", "undo", "deploy", "web")
    assert result.exit_code == 2 and 'no rollout history found for deployment "web"' in result.stderr


def test_rollout_pause_and_resume(state: State) -> None:
    assert state.run("rollout", "pause", "deploy", "web").stdout.strip() == "deployment.apps/web paused"
    status = state.run("rollout", "status", "deploy", "web")
    assert status.exit_code == 1 and "is paused" in status.stdout
    assert state.run("rollout", "resume", "deploy", "web").stdout.strip() == "deployment.apps/web resumed"


def test_events(state: State) -> None:
    lines = state.run("events").stdout.splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    reasons = {line.split()[2] for line in lines[1:]}
    assert {"ScalingReplicaSet", "SuccessfulCreate", "Scheduled"} <= reasons
    only = state.run("events", "--for", "deploy/web").stdout.splitlines()
    assert all("deployment/web" in line for line in only[1:]) and len(only) == 2
    assert state.run("events", "-A").stdout.splitlines()[0].startswith("NAMESPACE")


NODE = """\
apiVersion: v1
kind: Node
metadata:
  name: big
  labels: {topology.kubernetes.io/zone: zone-d}
spec:
  podCIDR: 10.244.50.0/24
status:
  capacity: {cpu: "16", memory: 64Gi, pods: "110"}
"""


def test_nodes_add_lets_pending_pods_run(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    state.seed(deployment("big", replicas=1, cpu="6"))
    assert "Pending" in state.run("get", "po").stdout
    path = write(tmp_path, "node.yaml", NODE)
    result = state.run("nodes", "add", str(path))
    assert result.exit_code == 0 and result.stdout.strip() == "node/big created"
    line = state.run("get", "po", "-o", "wide").stdout.splitlines()[1].split()
    assert line[2] == "Running" and line[6] == "big"
    nodes = state.run("get", "nodes").stdout
    assert "big" in nodes and "6/16" in nodes


def test_nodes_add_refuses_other_kinds(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    path = write(
        tmp_path,
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 80}]}\n",
    )
    result = state.run("nodes", "add", str(path))
    assert result.exit_code == 2 and "Node manifests only" in result.stderr


def test_a_real_process_prints_kubectl_errors(tmp_path: Path) -> None:
    env = {"MANIKIT_STATE": str(tmp_path / "p.db")}
    result = run_process("get", "deploy", "web", env=env)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == 'Error from server (NotFound): deployments.apps "web" not found'


def test_simulated_time_carries_over_between_commands(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    slow = deployment(replicas=1)
    slow["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "tcpSocket": {"port": 8080},
        "initialDelaySeconds": 45,
    }
    state.seed(slow, settle=False)
    # reconciles: a 5 s image pull, then the 45 s readiness delay
    assert state.run("scale", "deploy", "web", "--replicas", "1").exit_code == 0
    line = state.run("get", "po").stdout.splitlines()[1].split()
    assert line[1:3] == ["1/1", "Running"] and line[4] == "50s"
    assert state.run("get", "deploy").stdout.splitlines()[1].split()[-1] == "50s"


def test_nodes_added_to_a_fresh_state_replace_the_default_cluster(tmp_path: Path) -> None:
    state = State(tmp_path / "fresh.db")
    result = state.run("nodes", "add", str(write(tmp_path, "node.yaml", NODE)))
    assert result.exit_code == 0 and "default cluster" not in result.stderr
    assert [line.split()[0] for line in state.run("get", "no").stdout.splitlines()[1:]] == ["big"]
    assert "default cluster" not in state.run("get", "no").stderr
