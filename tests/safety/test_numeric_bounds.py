"""Out-of-range numbers never reach the control plane: validate refuses what Kubernetes' types cannot
hold, the control plane refuses more replicas than it can run, and later commands are unaffected."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.errors import ConfigError, ForbiddenError
from manikit.models.quantity import Quantity
from manikit.models.workloads import Deployment
from manikit.runtime.api.limits import check_replicas
from tests.cli.helpers import run_cli
from tests.conftest import write

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  progressDeadlineSeconds: {deadline}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {{requests: {{cpu: {cpu}, memory: {memory}}}}}
"""
GOOD = {"replicas": 2, "deadline": 600, "cpu": "10m", "memory": "10Mi"}


def _manifest(tmp_path: Path, **changes: object) -> str:
    return str(write(tmp_path, "m/web.yaml", DEPLOY.format(**{**GOOD, **changes})))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"replicas": 2147483648}, "spec.replicas: 2147483648: must be less than or equal to 2147483647"),
        ({"replicas": 10**40}, "replicas: 100000000000000000000000000... (41 digits) is out of range"),
        ({"deadline": 10**20}, "progressDeadlineSeconds: 100000000000000000000 is out of range"),
        ({"cpu": "1E"}, 'requests.cpu: "1E": too large: Kubernetes quantities hold at most 2^63-1'),
        ({"memory": "99999Ei"}, 'requests.memory: "99999Ei": too large'),
    ],
)
def test_out_of_range_values_are_refused_and_later_commands_work(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    state = str(tmp_path / "state.db")
    assert run_cli("apply", "--state", state, "-y", _manifest(tmp_path)).exit_code == 0
    refused = run_cli("apply", "--state", state, "-y", _manifest(tmp_path, **changes))
    assert refused.exit_code == 1
    assert message in refused.stderr
    assert "internal error" not in refused.stderr
    assert run_cli("scale", "--state", state, "deployment", "web", "--replicas", "3").exit_code == 0
    listed = run_cli("get", "--state", state, "deploy")
    assert listed.exit_code == 0 and "3/3" in listed.stdout


def test_scale_is_bounded_by_int32_and_the_control_planes_limit(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    assert run_cli("apply", "--state", state, "-y", _manifest(tmp_path)).exit_code == 0
    huge = run_cli("scale", "--state", state, "deployment", "web", "--replicas", "99999999999999999999")
    assert huge.exit_code == 2 and "less than or equal to 2147483647" in huge.stderr
    over = run_cli("scale", "--state", state, "deployment", "web", "--replicas", "2147483647")
    assert over.exit_code == 1
    assert "over the local control plane's limit of 100000 replicas" in over.stderr
    assert "2/2" in run_cli("get", "--state", state, "deploy").stdout


def test_plan_refuses_a_workload_the_control_plane_cannot_run(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    result = run_cli("plan", "--state", state, _manifest(tmp_path, replicas=2147483647))
    assert result.exit_code == 1
    assert "spec.replicas 2147483647 is over the local control plane's limit" in result.stderr


def test_the_replica_limit_can_be_raised_and_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"metadata": {"name": "web"}, "spec": {"replicas": 200_000}}
    with pytest.raises(ForbiddenError):
        check_replicas("Deployment", body)
    check_replicas("Service", body)
    monkeypatch.setenv("MANIKIT_MAX_REPLICAS", "300000")
    check_replicas("Deployment", body)
    monkeypatch.setenv("MANIKIT_MAX_REPLICAS", "lots")
    with pytest.raises(ConfigError, match="not a replica count"):
        check_replicas("Deployment", body)


def test_models_bound_integers_and_quantities() -> None:
    spec = {
        "selector": {"matchLabels": {"a": "b"}},
        "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c"}]}},
    }
    ok = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": spec}
    Deployment.model_validate({**ok, "spec": {**spec, "replicas": 2**31 - 1}})
    with pytest.raises(ValueError, match="less than or equal to 2147483647"):
        Deployment.model_validate({**ok, "spec": {**spec, "replicas": 2**31}})
    assert Quantity("8Pi").milli() < 2**63  # the largest realistic values stay valid
    assert Quantity("1E").value == 10**18  # the parser itself is exact; the model bounds it


def test_a_stored_replicaset_over_the_limit_is_contained_with_an_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An object stored before the limit (or under a higher MANIKIT_MAX_REPLICAS) creates no pods, says
    why in an event, and leaves every later command working."""
    state = str(tmp_path / "state.db")
    manifest = _manifest(tmp_path)
    rs = (
        Path(manifest)
        .read_text()
        .replace("kind: Deployment", "kind: ReplicaSet")
        .replace("  progressDeadlineSeconds: 600\n", "")
    )
    write(tmp_path, "rs/rs.yaml", rs.replace("replicas: 2", "replicas: 500"))
    monkeypatch.setenv("MANIKIT_MAX_REPLICAS", "1000")
    assert run_cli("apply", "--state", state, "-y", "--no-preview", str(tmp_path / "rs")).exit_code == 0
    monkeypatch.setenv("MANIKIT_MAX_REPLICAS", "100")
    events = run_cli("events", "--state", state, "--for", "rs/web")
    assert events.exit_code == 0
    scaled = run_cli("nodes", "add", "--state", state, str(write(tmp_path, "n.yaml", NODE)))
    assert scaled.exit_code == 0, scaled.stderr
    events = run_cli("events", "--state", state, "--for", "rs/web")
    assert "FailedCreate" in events.stdout
    assert "replicas 500 is over the local control plane's limit of 100" in events.stdout
    assert run_cli("get", "--state", state, "rs").exit_code == 0


NODE = """apiVersion: v1
kind: Node
metadata: {name: extra}
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
"""
