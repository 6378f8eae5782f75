"""The CLI on etcd-held state: ``--state etcd://...`` and ``MANIKIT_STATE`` work as a state file does."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES
from tests.runtime.store.conftest import etcd_cluster  # noqa: F401  (the session's etcd cluster)
from tests.runtime.store.etcd_cluster import Cluster

APP = str(EXAMPLES / "app")


def test_apply_then_plan_get_describe_on_etcd(etcd_cluster: Cluster) -> None:  # noqa: F811
    state = etcd_cluster.url()
    applied = run_cli("apply", "--state", state, "--auto-approve", APP)
    assert applied.exit_code == 0, applied.stderr
    assert "Apply complete! Resources: 4 added" in applied.stdout
    assert f"applying 4 changes to {state}" in applied.stderr
    again = run_cli("plan", "--state", state, APP, "--detailed-exitcode")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == "No changes. Your manifests match the recorded state."
    pods = run_cli("get", "pods", "-n", "shop", env={"MANIKIT_STATE": state})
    assert pods.exit_code == 0, pods.stderr
    lines = pods.stdout.splitlines()
    assert lines[0].split()[:3] == ["NAME", "READY", "STATUS"]
    assert sum(line.startswith("web-") for line in lines) == 3
    assert any(line.startswith("cache ") for line in lines)
    described = run_cli("describe", "deployment", "web", "-n", "shop", "--state", state)
    assert described.exit_code == 0, described.stderr
    assert "Replicas:" in described.stdout


def test_dry_run_on_etcd_writes_nothing(etcd_cluster: Cluster, tmp_path: Path) -> None:  # noqa: F811
    state = etcd_cluster.url()
    assert run_cli("apply", "--state", state, "--auto-approve", APP).exit_code == 0
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    deployment = app / "web-deployment.yaml"
    deployment.write_text(deployment.read_text().replace("replicas: 3", "replicas: 5"))
    plan = run_cli("plan", "--state", state, str(app), "--detailed-exitcode")
    assert plan.exit_code == 2 and "1 to change" in plan.stdout, plan.stdout + plan.stderr
    assert run_cli("plan", "--state", state, APP, "--detailed-exitcode").exit_code == 0


def test_unreachable_etcd_is_one_line_naming_the_endpoint() -> None:
    result = run_cli("get", "pods", "--state", "etcd://127.0.0.1:1/manikit")
    assert result.exit_code != 0
    message = result.stderr.strip()
    assert "cannot reach etcd at etcd://127.0.0.1:1/manikit" in message
    assert "\n" not in message and "Traceback" not in message


def test_bad_etcd_url_is_a_config_error() -> None:
    result = run_cli("get", "pods", "--state", "etcd://127.0.0.1:notaport/x")
    assert result.exit_code == 2
    assert "endpoint '127.0.0.1:notaport' is not host:port" in result.stderr
