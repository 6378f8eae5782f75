"""Scenarios as a learner of the course runs them, through the CLI, in simulated time: a crash loop's
back-off, a rollout seen half way, a namespace held by a finalizer, a node that goes down, a drain,
the cluster's own objects, and the same history from the same commands."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cli.cluster_state import State


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def apply(state: State, path: str, *extra: str) -> None:
    result = state.run("apply", path, "--auto-approve", "--no-preview", *extra)
    assert result.exit_code == 0, result.stderr


def rows(state: State, *args: str) -> list[list[str]]:
    result = state.run("get", *args)
    assert result.exit_code == 0, result.stderr
    return [line.split() for line in result.stdout.splitlines()[1:]]


CRASHER = """\
apiVersion: v1
kind: Pod
metadata:
  name: crasher
  annotations: {sim.manikit.io/crash-every: 5s}
spec:
  containers:
  - {name: app, image: "busybox:1.36"}
"""


def test_a_crashing_container_backs_off_10s_doubling(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    apply(state, write(tmp_path, "pod.yaml", CRASHER))  # runs until settled: in CrashLoopBackOff
    assert rows(state, "po")[0][1:4] == ["0/1", "CrashLoopBackOff", "1"]
    watched = state.run("get", "po", "-w", "--for", "4m").stdout.splitlines()
    restarts = [(r[3], r[-1]) for r in (line.split() for line in watched[1:]) if r[2] == "Running"]
    # pulled for 5 s, each run lasts 5 s; the first restart is immediate, then 10 s, 20 s, 40 s, 80 s
    assert restarts == [("2", "25s"), ("3", "50s"), ("4", "95s"), ("5", "3m")]
    described = state.run("describe", "pod", "crasher").stdout
    assert (
        "Reason:     CrashLoopBackOff" in described
        and "back-off 2m40s restarting failed container=app" in described
    )
    assert "Last State: Terminated" in described and "Exit Code:  1" in described
    events = state.run("events").stdout
    assert "Back-off restarting failed container app in pod crasher_default(" in events


@pytest.mark.parametrize(
    ("policy", "annotations", "status"),
    [
        ("Never", {"sim.manikit.io/exit-code": "1"}, "Error"),
        ("OnFailure", {"sim.manikit.io/exit-code": "0", "sim.manikit.io/exit-after": "30s"}, "Completed"),
        ("Always", {"sim.manikit.io/memory-growth": "10Mi"}, "OOMKilled"),
    ],
    ids=["never-error", "onfailure-completed", "oomkilled"],
)
def test_container_exits_by_restart_policy(
    tmp_path: Path, policy: str, annotations: dict[str, str], status: str
) -> None:
    state = State(tmp_path / "s.db")
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "job", "annotations": annotations},
        "spec": {
            "restartPolicy": policy,
            "containers": [
                {"name": "main", "image": "busybox:1.36", "resources": {"limits": {"memory": "100Mi"}}}
            ],
        },
    }
    apply(state, write(tmp_path, "pod.yaml", yaml.safe_dump(pod)), "--for", "1m")
    statuses = {
        line.split()[2] for line in state.run("get", "po", "-w", "--for", "1m").stdout.splitlines()[1:]
    }
    assert status in statuses


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {{kubernetes.io/change-cause: "image {image}"}}
spec:
  replicas: 4
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: "nginx:{image}"
        readinessProbe: {{httpGet: {{path: /, port: 80}}, initialDelaySeconds: 10, periodSeconds: 5}}
"""


def test_a_rollout_observed_part_way(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    apply(state, write(tmp_path, "web.yaml", DEPLOYMENT.format(image="1.25")))
    apply(state, write(tmp_path, "web.yaml", DEPLOYMENT.format(image="1.26")), "--for", "8s")
    sets = {r[0]: r[1:4] for r in rows(state, "rs", "-o", "wide")}
    images = {r[0]: r[6] for r in rows(state, "rs", "-o", "wide")}
    new = next(name for name, image in images.items() if image == "nginx:1.26")
    old = next(name for name, image in images.items() if image == "nginx:1.25")
    # maxSurge 25% of 4 rounds up to 1, maxUnavailable down to 1: 5 pods at most, 3 available
    assert sets[new] == ["2", "2", "0"] and sets[old] == ["3", "3", "3"]
    assert sorted(r[2] for r in rows(state, "po")).count("Running") == 5
    status = state.run("rollout", "status", "deploy", "web")
    assert status.exit_code == 0
    assert status.stdout.splitlines()[0] == (
        'Waiting for deployment "web" rollout to finish: 2 out of 4 new replicas have been updated...'
    )
    assert status.stdout.splitlines()[-1] == 'deployment "web" successfully rolled out'
    sets = {r[0]: r[1:4] for r in rows(state, "rs")}
    assert sets[new] == ["4", "4", "4"] and sets[old] == ["0", "0", "0"]
    history = state.run("rollout", "history", "deploy", "web").stdout.splitlines()[2:]
    assert [h.split(maxsplit=1) for h in history] == [["1", "image 1.25"], ["2", "image 1.26"]]


HELD = """\
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: Pod
metadata: {name: held, namespace: demo, finalizers: [example.com/block]}
spec:
  containers:
  - {name: c, image: "nginx:1.25"}
"""


def test_a_namespace_stuck_terminating_on_a_finalizer_is_released(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    apply(state, write(tmp_path, "ns.yaml", HELD))
    assert state.run("events", "-n", "demo").stdout  # the pod's events live in the namespace
    assert state.run("delete", "ns", "demo").exit_code == 0
    assert rows(state, "ns", "demo")[0][1] == "Terminating"
    assert rows(state, "po", "-n", "demo")[0][2] == "Terminating"
    ns = yaml.safe_load(state.run("get", "ns", "demo", "-o", "yaml").stdout)
    conditions = {c["type"]: c for c in ns["status"]["conditions"]}
    assert conditions["NamespaceFinalizersRemaining"]["message"] == (
        "Some content in the namespace has finalizers remaining: example.com/block in 1 resource instances"
    )
    assert conditions["NamespaceContentRemaining"]["reason"] == "SomeResourcesRemain"
    assert conditions["NamespaceDeletionContentFailure"]["status"] == "False"
    patched = state.run("patch", "pod", "held", "-n", "demo", "-p", '{"metadata":{"finalizers":null}}')
    assert patched.exit_code == 0 and patched.stdout.strip() == "pod/held patched"
    assert state.run("get", "ns", "demo").exit_code != 0
    assert "demo" not in state.run("events", "-A").stdout  # events went with their namespace


REPLICATED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "nginx:1.25"}
"""


def on_node(state: State, node: str) -> list[list[str]]:
    return [r for r in rows(state, "po", "-o", "wide") if r[6] == node]


def test_a_stopped_nodes_pods_are_evicted_after_300s_and_rescheduled(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    apply(state, write(tmp_path, "web.yaml", REPLICATED))
    victims = {r[0] for r in on_node(state, "node-1")}
    assert victims
    assert state.run("nodes", "stop", "node-1", "--for", "39s").exit_code == 0
    assert rows(state, "no")[0][1] == "Ready"  # the node monitor grace period is 40 s
    state.run("advance", "1s")
    assert rows(state, "no")[0][1] == "NotReady"
    node = yaml.safe_load(state.run("get", "no", "node-1", "-o", "yaml").stdout)
    assert {(t["key"], t["effect"]) for t in node["spec"]["taints"]} == {
        ("node.kubernetes.io/unreachable", "NoSchedule"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
    }
    state.run("advance", "299s")
    assert {r[0] for r in on_node(state, "node-1") if r[2] == "Running"} == victims
    state.run("advance", "1s")  # 300 s of tolerationSeconds are up
    assert {r[0] for r in on_node(state, "node-1") if r[2] == "Terminating"} == victims
    running = [r for r in rows(state, "po", "-o", "wide") if r[2] == "Running"]
    assert len(running) == 3 and all(r[6] != "node-1" for r in running)
    assert "TaintManagerEviction" in state.run("events").stdout
    state.run("nodes", "start", "node-1")  # its kubelet finishes the deleted pods
    assert on_node(state, "node-1") == [] and rows(state, "no")[0][1] == "Ready"


BARE = """\
---
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  nodeName: node-2
  containers:
  - {name: c, image: "nginx:1.25"}
"""


def test_drain_respects_the_workloads(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    bare = BARE
    apply(state, write(tmp_path, "all.yaml", REPLICATED + bare))
    refused = state.run("nodes", "drain", "node-2")
    assert refused.exit_code == 1
    assert (
        "cannot delete Pods that declare no controller (use --force to override): default/bare"
        in refused.stderr
    )
    assert rows(state, "no")[1][1] == "Ready,SchedulingDisabled"  # cordoned all the same, as kubectl
    drained = state.run("nodes", "drain", "node-2", "--force")
    assert drained.exit_code == 0 and drained.stdout.splitlines()[-1] == "node/node-2 drained"
    assert "Warning: deleting Pods that declare no controller: default/bare" in drained.stderr
    assert on_node(state, "node-2") == []
    web = [r for r in rows(state, "po", "-o", "wide") if r[0].startswith("web-")]
    assert len(web) == 3 and all(r[2] == "Running" for r in web)
    assert state.run("get", "po", "bare").exit_code != 0  # a bare pod does not come back
    assert state.run("nodes", "uncordon", "node-2").stdout.strip() == "node/node-2 uncordoned"


def test_the_cluster_has_what_kubeadm_makes(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    services = rows(state, "svc")
    assert services == [["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP", "0s"]]
    assert [r[0] for r in rows(state, "ns")] == ["default", "kube-node-lease", "kube-public", "kube-system"]
    default = yaml.safe_load(state.run("get", "ns", "default", "-o", "yaml").stdout)
    assert default["metadata"]["labels"]["kubernetes.io/metadata.name"] == "default"


def test_the_same_commands_give_the_same_history(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        state = State(tmp_path / f"{run}.db")
        apply(state, write(tmp_path, "web.yaml", REPLICATED))
        apply(state, write(tmp_path, "pod.yaml", CRASHER), "--for", "90s")
        state.run("nodes", "stop", "node-3", "--for", "6m")
        svc = (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
            "spec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80}]\n"
        )
        apply(state, write(tmp_path, "svc.yaml", svc))
        outputs.append(
            [
                state.run(*args).stdout
                for args in (("events", "-A"), ("get", "po", "-o", "yaml"), ("get", "svc", "-o", "yaml"))
            ]
        )
    assert outputs[0] == outputs[1]
    assert "TaintManagerEviction" in outputs[0][0] and "BackOff" in outputs[0][0]


def test_apply_wait_reports_progress_while_it_waits(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    path = write(tmp_path, "web.yaml", DEPLOYMENT.format(image="1.25"))
    result = state.run("apply", path, "--auto-approve", "--no-preview", "--for", "1s", "--wait")
    assert result.exit_code == 0, result.stderr
    waiting = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("waiting:")]
    assert waiting == ["waiting: deployment.apps/web (default): 0/4 ready, 4 up-to-date: rolling out"]
    assert result.stdout.rstrip().endswith("4/4 ready, 4 up-to-date: successfully rolled out")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("advance", "5x"), "DURATION"),
        (("scale", "deploy", "web", "--replicas", "2", "--for", "10q"), "--for"),
        (("rollout", "status", "deploy", "web", "--timeout", "soon"), "--timeout"),
    ],
    ids=["advance", "scale-for", "rollout-timeout"],
)
def test_a_bad_duration_is_a_usage_error_naming_the_option(
    tmp_path: Path, args: tuple[str, ...], option: str
) -> None:
    state = State(tmp_path / "s.db")
    state.seed()
    result = state.run(*args)
    assert result.exit_code == 2 and f"Invalid value for {option}: invalid duration" in result.stderr
    assert "Traceback" not in result.stderr


def test_describe_node_shows_why_it_is_not_ready(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    state.run("nodes", "stop", "node-2", "--for", "1m")
    described = state.run("describe", "node", "node-2").stdout
    row = next(line.split(None, 2) for line in described.splitlines() if line.strip().startswith("Ready "))
    assert row[:2] == ["Ready", "Unknown"] and row[2].endswith(
        "NodeStatusUnknown   Kubelet stopped posting node status."
    )
