"""``manikit get``: kubectl's columns, names, namespaces, selectors and output formats."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest

from tests.cli.cluster_state import State
from tests.runtime.control_plane import deployment, namespace, service


@pytest.fixture
def state(tmp_path: Path) -> State:
    s = State(tmp_path / "state.db")
    other = deployment("api", replicas=1)
    other["metadata"]["namespace"] = "team"
    s.seed(deployment(replicas=2), service(type="NodePort"), namespace("team"), other)
    return s


def test_first_use_announces_the_default_cluster_once(tmp_path: Path) -> None:
    state = State(tmp_path / "fresh.db")
    read = state.run("get", "nodes")  # a read-only command creates nothing: it reads an empty cluster
    assert read.exit_code == 0 and "created the embedded default cluster" not in read.stderr
    assert "note: no state at " in read.stderr and not state.path.exists()
    write = state.run("delete", "po", "nothing")  # a write creates the state, and says so once
    assert write.exit_code == 1 and "created the embedded default cluster" in write.stderr
    assert state.path.exists()
    first = state.run("get", "nodes")
    lines = first.stdout.splitlines()
    assert lines[0].split() == [
        "NAME",
        "STATUS",
        "ROLES",
        "AGE",
        "VERSION",
        "CPU(REQ/ALLOC)",
        "MEMORY(REQ/ALLOC)",
        "PODS",
    ]
    assert [line.split()[:2] for line in lines[1:]] == [
        ["node-1", "Ready"],
        ["node-2", "Ready"],
        ["node-3", "Ready"],
    ]
    assert lines[1].split()[-3:] == ["0/4", "0/8Gi", "0/110"]
    again = state.run("get", "no")
    assert "default cluster" not in again.stderr


def test_state_file_defaults_to_dot_manikit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.cli.helpers import run_cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MANIKIT_STATE", raising=False)
    assert run_cli("get", "ns").exit_code == 0
    assert not (tmp_path / ".manikit").exists()  # read-only: nothing created
    assert run_cli("scale", "deploy", "web", "--replicas", "1").exit_code == 1  # NotFound, after creating it
    assert (tmp_path / ".manikit" / "state.db").is_file()
    assert run_cli("delete", "po", "x", "--state", str(tmp_path / "other.db")).exit_code == 1
    assert (tmp_path / "other.db").is_file()


@pytest.mark.parametrize("kind", ["pods", "pod", "po", "Pod"])
def test_pods_by_any_name(state: State, kind: str) -> None:
    result = state.run("get", kind)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert len(lines) == 3
    assert all(line.split()[1:4] == ["1/1", "Running", "0"] for line in lines[1:])


def test_pods_wide(state: State) -> None:
    lines = state.run("get", "po", "-o", "wide").stdout.splitlines()
    assert lines[0].split()[5:7] == ["IP", "NODE"]
    assert lines[1].split()[5].startswith("10.244.") and lines[1].split()[6].startswith("node-")


def test_deployments_columns(state: State) -> None:
    lines = state.run("get", "deploy").stdout.splitlines()
    assert lines[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert lines[1].split() == ["web", "2/2", "2", "2", "0s"]


def test_services_columns(state: State) -> None:
    lines = state.run("get", "svc").stdout.splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert lines[1].split()[:5] == ["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP"]
    name, kind, ip, external, ports, _ = lines[2].split()
    assert (name, kind, external) == ("web", "NodePort", "<none>")
    assert ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12")
    assert ports.startswith("80:3") and ports.endswith("/TCP")


def test_replicasets_and_namespaces(state: State) -> None:
    rs = state.run("get", "rs").stdout.splitlines()
    assert rs[0].split() == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    assert rs[1].split()[1:4] == ["2", "2", "2"]
    ns = state.run("get", "ns").stdout.splitlines()
    assert [line.split()[:2] for line in ns[1:]] == [
        ["default", "Active"],
        ["kube-node-lease", "Active"],
        ["kube-public", "Active"],
        ["kube-system", "Active"],
        ["team", "Active"],
    ]


def test_namespace_and_all_namespaces(state: State) -> None:
    team = state.run("get", "deploy", "-n", "team").stdout.splitlines()
    assert [line.split()[0] for line in team[1:]] == ["api"]
    everywhere = state.run("get", "deploy", "-A").stdout.splitlines()
    assert everywhere[0].split()[:2] == ["NAMESPACE", "NAME"]
    assert [line.split()[:2] for line in everywhere[1:]] == [["default", "web"], ["team", "api"]]


def test_label_selector(state: State) -> None:
    assert len(state.run("get", "po", "-A", "-l", "app=api").stdout.splitlines()) == 2
    assert len(state.run("get", "po", "-A", "-l", "app in (api,web)").stdout.splitlines()) == 4
    empty = state.run("get", "po", "-l", "app=nothing")
    assert empty.exit_code == 0 and empty.stdout == ""
    assert empty.stderr.strip() == "No resources found in default namespace."


def test_output_name_yaml_json(state: State) -> None:
    assert state.run("get", "deploy", "-o", "name").stdout.strip() == "deployment.apps/web"
    one = json.loads(state.run("get", "deploy", "web", "-o", "json").stdout)
    assert one["kind"] == "Deployment" and one["status"]["readyReplicas"] == 2
    listed = json.loads(state.run("get", "po", "-o", "json").stdout)
    assert listed["kind"] == "List" and len(listed["items"]) == 2
    text = state.run("get", "svc", "web", "-o", "yaml").stdout
    assert text.startswith("apiVersion: v1\nkind: Service\n") and "clusterIP: 10.1" in text


def test_several_kinds(state: State) -> None:
    out = state.run("get", "deploy,svc").stdout
    assert "deployment.apps/web" in out and "service/web" in out


def test_not_found_is_kubectls_message(state: State) -> None:
    result = state.run("get", "deployment", "nope")
    assert result.exit_code == 1
    assert result.stderr.strip() == 'Error from server (NotFound): deployments.apps "nope" not found'


def test_unknown_kind(state: State) -> None:
    result = state.run("get", "widgets")
    assert result.exit_code == 1  # kubectl's exit code
    assert result.stderr == 'error: the server doesn\'t have a resource type "widgets"\n'
    typo = state.run("get", "pdos")
    assert typo.exit_code == 1
    assert typo.stderr == 'error: the server doesn\'t have a resource type "pdos"; did you mean "pods"?\n'


def test_show_labels(state: State) -> None:
    lines = state.run("get", "po", "--show-labels").stdout.splitlines()
    assert lines[0].split()[-1] == "LABELS"
    assert lines[1].split()[-1].startswith("app=web,pod-template-hash=")
