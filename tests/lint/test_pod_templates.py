"""Every pod template is linted: StatefulSet, DaemonSet, Job, CronJob and ReplicationController get the
container and pod rules through one walker, without full models of those kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli

CONTAINERS = """\
      containers:
        - name: app
          image: app:1.0
          resources:
            requests: {cpu: "2", memory: 256Mi}
            limits: {cpu: 500m, memory: 256Mi}
"""
TEMPLATE = "  template:\n    metadata: {labels: {app: x}}\n    spec:\n"
SELECTOR = "  selector: {matchLabels: {app: x}}\n"
CRON = (
    "spec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n"
    "        metadata: {labels: {app: x}}\n        spec:\n          restartPolicy: OnFailure\n"
)
HEADS = {
    "StatefulSet": ("apps/v1", f"spec:\n  serviceName: x\n  replicas: 3\n{SELECTOR}{TEMPLATE}", "      "),
    "DaemonSet": ("apps/v1", f"spec:\n{SELECTOR}{TEMPLATE}", "      "),
    "Job": ("batch/v1", f"spec:\n{TEMPLATE}      restartPolicy: Never\n", "      "),
    "CronJob": ("batch/v1", CRON, "          "),
    "ReplicationController": ("v1", f"spec:\n  replicas: 2\n  selector: {{app: x}}\n{TEMPLATE}", "      "),
}
TEMPLATE_PATH = {
    "CronJob": "spec.jobTemplate.spec.template.spec",
    **dict.fromkeys(["StatefulSet", "DaemonSet", "Job", "ReplicationController"], "spec.template.spec"),
}


def manifest(kind: str) -> str:
    api_version, head, indent = HEADS[kind]
    body = "".join(indent + line[6:] + "\n" for line in CONTAINERS.splitlines())
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x, namespace: shop}}\n{head}{body}"


def valid_manifest(kind: str) -> str:
    return manifest(kind).replace('cpu: "2"', "cpu: 100m")


@pytest.mark.parametrize("kind", sorted(HEADS))
def test_the_servers_resource_checks_see_every_pod_template(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(manifest(kind))
    result = run_cli("lint", "-o", "json", str(path))
    assert result.exit_code == 1, result.stdout + result.stderr
    problems = json.loads(result.stdout)["problems"]
    mk102 = [p for p in problems if p["code"] == "MK102"]
    assert len(mk102) == 1
    assert mk102[0]["path"] == f"{TEMPLATE_PATH[kind]}.containers[0].resources.requests[cpu]"
    assert mk102[0]["level"] == "error"  # the API server's check, as for a Deployment's template
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "requests:" in text)
    assert mk102[0]["line"] == line


@pytest.mark.parametrize("kind", sorted(HEADS))
def test_lint_rules_see_every_valid_pod_template(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(valid_manifest(kind))
    result = run_cli("lint", "-o", "json", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    problems = json.loads(result.stdout)["problems"]
    probes = {p["code"] for p in problems} & {"MK302", "MK303"}
    assert probes == (set() if kind in ("Job", "CronJob") else {"MK302", "MK303"})  # Jobs run to completion


def test_a_service_selecting_a_statefulsets_pods_selects_something(tmp_path: Path) -> None:
    (tmp_path / "db.yaml").write_text(valid_manifest("StatefulSet"))
    (tmp_path / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: shop}\n"
        "spec: {selector: {app: x}, ports: [{port: 80}]}\n"
    )
    result = run_cli("lint", str(tmp_path))
    assert "MK204" not in result.stdout
    assert (
        "pod templates of StatefulSets, DaemonSets, Jobs, CronJobs and ReplicationControllers are linted"
        in result.stderr
    )


def test_an_invalid_template_spec_is_left_to_validation(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(manifest("DaemonSet").replace("- name: app", "- name: 3"))
    result = run_cli("lint", str(path))
    assert "MK102" not in result.stdout  # no rule guesses on a spec that is not a PodSpec
