"""A full Service range from the CLI: a clear error naming the range and what to do, exit 1, nothing
written; a bad range is a configuration error (exit 2)."""

from __future__ import annotations

from pathlib import Path

from manikit.runtime.api.allocators import IP_RANGE_ENV, PORT_RANGE_ENV
from tests.cli.helpers import run_cli


def _services(path: Path, count: int, kind: str = "ClusterIP") -> Path:
    docs = [
        f"apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\n"
        f"spec:\n  type: {kind}\n  ports: [{{port: 80}}]\n"
        for i in range(count)
    ]
    path.write_text("---\n".join(docs))
    return path


def test_cli_a_full_service_ip_range_is_a_clear_error_exit_1(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    env = {IP_RANGE_ENV: "10.96.0.0/29"}
    fits = run_cli(
        "apply", "--state", state, "--auto-approve", str(_services(tmp_path / "five.yaml", 5)), env=env
    )
    assert fits.exit_code == 0, fits.stderr
    listed = run_cli("get", "svc", "--state", state, "-o", "name", env=env)
    assert len(listed.stdout.split()) == 6  # the kubernetes Service and five more
    full = run_cli(
        "apply", "--state", state, "--auto-approve", str(_services(tmp_path / "six.yaml", 6)), env=env
    )
    assert full.exit_code == 1
    assert full.stderr.strip().splitlines()[-1] == (
        "Error from server (InternalError): Internal error occurred: failed to allocate a serviceIP: "
        "range is full: the Service clusterIP range 10.96.0.0/29 has no free address for Service "
        "default/s5; delete a Service you no longer need, use a headless Service (clusterIP: None), "
        "or set a wider range with MANIKIT_SERVICE_CLUSTER_IP_RANGE"
    )
    assert "internal error" not in full.stderr and "bug" not in full.stderr
    after = run_cli("get", "svc", "s5", "--state", state, env=env)
    assert after.exit_code == 1  # nothing of the failed apply was written


def test_cli_a_full_node_port_range_is_a_clear_error_exit_1(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    env = {PORT_RANGE_ENV: "30000-30001"}
    manifest = _services(tmp_path / "np.yaml", 3, "NodePort")
    full = run_cli("apply", "--state", state, "--auto-approve", str(manifest), env=env)
    assert full.exit_code == 1
    last = full.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "Error from server (InternalError): Internal error occurred: failed to allocate a nodePort"
    )
    assert "the NodePort range 30000-30001 has no free port for Service default/s" in last
    assert "MANIKIT_SERVICE_NODE_PORT_RANGE" in last


def test_cli_a_bad_range_is_a_config_error(tmp_path: Path) -> None:
    manifest = _services(tmp_path / "one.yaml", 1)
    result = run_cli(
        "apply",
        "--state",
        str(tmp_path / "s.db"),
        "--auto-approve",
        str(manifest),
        env={IP_RANGE_ENV: "nonsense"},
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: MANIKIT_SERVICE_CLUSTER_IP_RANGE='nonsense' is not an IPv4 CIDR")
