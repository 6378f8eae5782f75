"""The CLI against a Kubernetes API server through a kubeconfig (``--context``, ``--kubeconfig``,
``--state https://...``), with a running ``manikit serve`` on 127.0.0.1 as the remote cluster and the
real kubectl as the witness."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from manikit.cli.app import ROOT_CONTEXT_OPTION, ROOT_KUBECONFIG_OPTION
from tests.cli.helpers import Result, run_cli
from tests.server.conftest import Served, server  # noqa: F401  (the module's server fixture)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "app"


def _env(served: Served, tmp: Path | None = None) -> dict[str, str]:
    env = {"KUBECONFIG": str(served.kubeconfig), "MANIKIT_STATE": "", "NO_COLOR": "1"}
    if tmp is not None:
        env["XDG_CONFIG_HOME"] = str(tmp)
    return env


def _namespace(served: Served, name: str) -> None:
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    made = served.kubectl("apply", "-f", "-", input=json.dumps(body))  # kubectl create sends protobuf
    assert made.returncode == 0, made.stderr


def _one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_get_reads_the_context(server: Served) -> None:  # noqa: F811
    _namespace(server, "seen")
    shown = run_cli("--context", "manikit", "get", "ns", env=_env(server))
    assert shown.exit_code == 0, shown.stderr
    assert "seen" in [line.split()[0] for line in shown.stdout.splitlines()[1:]]
    after = run_cli("get", "nodes", "--context", "manikit", "-o", "name", env=_env(server))
    assert after.stdout.split() == ["node/node-1", "node/node-2", "node/node-3"]


def test_plan_and_apply_with_a_context_then_kubectl_sees_it(server: Served, tmp_path: Path) -> None:  # noqa: F811
    env = _env(server, tmp_path)
    planned = run_cli("plan", str(EXAMPLE), "--context", "manikit", env=env)
    assert planned.exit_code == 0, planned.stderr
    assert "to add" in planned.stdout
    applied = run_cli("apply", str(EXAMPLE), "--context", "manikit", "--auto-approve", env=env)
    assert applied.exit_code == 0, applied.stderr
    assert "Apply complete!" in applied.stdout
    assert "(context manikit)" in applied.stderr
    seen = server.kubectl("get", "deployment", "web", "-n", "shop", "-o", "json")
    assert seen.returncode == 0, seen.stderr
    assert json.loads(seen.stdout)["metadata"]["name"] == "web"
    again = run_cli("plan", str(EXAMPLE), "--context", "manikit", "--detailed-exitcode", env=env)
    assert again.exit_code == 0, again.stdout
    assert "No changes" in again.stdout


def test_write_commands_through_the_servers_url(server: Served) -> None:  # noqa: F811
    _namespace(server, "url")
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "url"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "api"}},
            "template": {
                "metadata": {"labels": {"app": "api"}},
                "spec": {"containers": [{"name": "api", "image": "nginx:1.25"}]},
            },
        },
    }
    created = server.kubectl("apply", "-f", "-", input=json.dumps(deployment))
    assert created.returncode == 0, created.stderr
    scaled = run_cli(
        "scale", "deploy", "api", "-n", "url", "--replicas", "4", "--state", server.url, env=_env(server)
    )
    assert scaled.exit_code == 0, scaled.stderr
    assert "deployment.apps/api scaled" in scaled.stdout
    replicas = server.kubectl("get", "deploy", "api", "-n", "url", "-o", "jsonpath={.spec.replicas}")
    assert replicas.stdout == "4"
    label = '{"metadata":{"labels":{"t":"x"}}}'
    patched = run_cli(
        "--state", server.url, "patch", "deploy", "api", "-n", "url", "-p", label, env=_env(server)
    )
    assert patched.exit_code == 0, patched.stderr
    deleted = run_cli("--state", server.url, "delete", "deploy", "api", "-n", "url", env=_env(server))
    assert deleted.exit_code == 0, deleted.stderr
    assert server.kubectl("get", "deploy", "api", "-n", "url").returncode == 1


def test_describe_a_pending_pod_shows_the_schedulers_message(server: Served) -> None:  # noqa: F811
    _namespace(server, "pending")
    big = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "big", "namespace": "pending"},
        "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "64"}}}]},
    }
    assert server.kubectl("apply", "-f", "-", input=json.dumps(big)).returncode == 0
    for _ in range(100):
        shown = run_cli("describe", "pod", "big", "-n", "pending", "--context", "manikit", env=_env(server))
        assert shown.exit_code == 0, shown.stderr
        if "Scheduling:" in shown.stdout:
            break
        time.sleep(0.1)
    scheduling = [line for line in shown.stdout.splitlines() if line.startswith("Scheduling:")]
    assert len(scheduling) == 1 and "0/3 nodes are available" in scheduling[0]
    assert "Node verdicts" not in shown.stdout


def test_rollout_status_follows_a_rollout_in_progress(server: Served) -> None:  # noqa: F811
    _namespace(server, "roll")
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "slow", "namespace": "roll"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "slow"}},
            "template": {
                "metadata": {"labels": {"app": "slow"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]},  # pulled for seconds
            },
        },
    }
    assert server.kubectl("apply", "-f", "-", input=json.dumps(deployment)).returncode == 0
    followed = run_cli(
        "rollout", "status", "deploy/slow", "-n", "roll", "--context", "manikit", env=_env(server)
    )
    assert followed.exit_code == 0, followed.stderr
    lines = followed.stdout.strip().splitlines()
    assert lines[-1] == 'deployment "slow" successfully rolled out'
    assert len(lines) > 1  # it was still rolling out when the command started


def test_an_api_error_is_kubectls_line(server: Served) -> None:  # noqa: F811
    missing = run_cli("--context", "manikit", "get", "pod", "nope", "-n", "default", env=_env(server))
    assert _one_line_error(missing, 1) == 'Error from server (NotFound): pods "nope" not found'


def test_a_bad_context_is_a_clear_error(server: Served) -> None:  # noqa: F811
    bad = run_cli("get", "pods", "--context", "nope", env=_env(server))
    line = _one_line_error(bad, 2)
    assert line == f'error: context "nope" not found in {server.kubeconfig}; the contexts are: manikit'


def test_a_missing_kubeconfig_is_a_clear_error(tmp_path: Path) -> None:
    missing = run_cli("--kubeconfig", str(tmp_path / "nope"), "get", "pods", env={"MANIKIT_STATE": ""})
    assert _one_line_error(missing, 2) == f"error: --kubeconfig {tmp_path / 'nope'}: no such file"


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: gone\n"
        "clusters: [{name: gone, cluster: {server: 'https://127.0.0.1:9'}}]\n"
        "users: [{name: gone, user: {token: sekrit}}]\n"
        "contexts: [{name: gone, context: {cluster: gone, user: gone}}]\n"
    )
    failed = run_cli("get", "pods", "--kubeconfig", str(config), env={"MANIKIT_STATE": ""})
    line = _one_line_error(failed, 1)
    assert line.startswith(
        "error: cannot reach the Kubernetes API server at https://127.0.0.1:9 (context gone)"
    )
    assert "sekrit" not in failed.stderr + failed.stdout


def test_simulated_time_is_the_local_states_only(server: Served) -> None:  # noqa: F811
    refused = run_cli("--context", "manikit", "advance", "5m", env=_env(server))
    line = _one_line_error(refused, 2)
    assert (
        line == f"error: manikit advance works on a local state only, not on {server.url} (context manikit)"
    )


@pytest.mark.parametrize("command", ["state check", "serve"], ids=["state", "serve"])
def test_local_only_commands_refuse_a_context(command: str) -> None:
    refused = run_cli("--context", "prod", *command.split(), env={"MANIKIT_STATE": ""})
    line = _one_line_error(refused, 2)
    assert line.startswith(
        "error: --context prod names an API server, but this command works on a local state"
    )


def test_state_and_context_together_are_refused(tmp_path: Path) -> None:
    both = run_cli(
        "get", "pods", "--state", str(tmp_path / "s.db"), "--context", "x", env={"MANIKIT_STATE": ""}
    )
    assert "name two clusters: give one of them" in _one_line_error(both, 2)


def test_kubeconfig_alone_keeps_the_local_state(server: Served, tmp_path: Path) -> None:  # noqa: F811
    local = run_cli("get", "ns", "--state", str(tmp_path / "state.db"), env=_env(server))
    assert local.exit_code == 0, local.stderr
    assert "no state at" in local.stderr  # the local state, not the server's namespaces


def test_the_root_options_are_the_commands_options() -> None:
    from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION

    assert (ROOT_CONTEXT_OPTION.help, ROOT_CONTEXT_OPTION.metavar) == (
        CONTEXT_OPTION.help,
        CONTEXT_OPTION.metavar,
    )
    assert (ROOT_KUBECONFIG_OPTION.help, ROOT_KUBECONFIG_OPTION.metavar) == (
        KUBECONFIG_OPTION.help,
        KUBECONFIG_OPTION.metavar,
    )


@pytest.mark.parametrize(
    "command",
    ["get", "describe", "events", "plan", "apply", "scale", "delete", "patch", "top nodes", "rollout status"],
)
def test_commands_take_the_options(command: str) -> None:
    shown = run_cli(*command.split(), "--help")
    assert "--context" in shown.stdout and "--kubeconfig" in shown.stdout


def test_a_local_command_never_imports_lightkube(tmp_path: Path) -> None:
    probe = (
        "from manikit.cli.main import main\n"
        f"main(['get', 'pods', '--state', {str(tmp_path / 's.db')!r}])\n"
        "import sys\nprint(sorted(m for m in sys.modules if m.startswith(('lightkube', 'httpx2'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
