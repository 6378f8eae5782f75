"""kubectl's habits in every inspection and write command: KIND/NAME and KIND.GROUP/NAME arguments,
the names `-o name` prints passed back, -f for inputs, -o for the output format, List for listings,
kubectl's exit codes, "Error from server" only for what the control plane answered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES

APP = str(EXAMPLES / "app")
ENV = {"MANIKIT_NOW": "2025-06-01T12:00:00Z", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """examples/app applied with kubectl's -f; the environment that names its state."""
    env = {**ENV, "MANIKIT_STATE": str(tmp_path_factory.mktemp("state") / "state.db")}
    result = run_cli("apply", "-f", APP, "--auto-approve", env=env)
    assert result.exit_code == 0, result.stderr
    return env


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = run_cli(
        "--state", env["MANIKIT_STATE"], *args, env={k: v for k, v in env.items() if k != "MANIKIT_STATE"}
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("get", "deploy/web"),
        ("get", "deployment.apps/web"),
        ("get", "deployments.apps", "web"),
        ("get", "deploy", "web"),
    ],
    ids=["kind-slash-name", "kind-group-slash-name", "kind-group-name", "kind-name"],
)
def test_get_takes_every_kubectl_form(applied: dict[str, str], args: tuple[str, ...]) -> None:
    code, out, err = run(applied, *args, "-n", "shop")
    assert code == 0, err
    assert out.splitlines()[1].split()[0] == "web"


def test_names_printed_by_o_name_are_taken_back_by_every_command(applied: dict[str, str]) -> None:
    code, names, _ = run(applied, "get", "deploy,po", "-n", "shop", "-o", "name")
    assert code == 0
    deployment, pod = names.split()[0], next(n for n in names.split() if n.startswith("pod/web-"))
    assert deployment == "deployment.apps/web"
    assert run(applied, "get", deployment, pod, "-n", "shop")[0] == 0
    code, out, err = run(applied, "describe", pod, "-n", "shop")
    assert code == 0, err and out.startswith("Name:")
    assert run(applied, "describe", deployment, "-n", "shop")[1].startswith("Name:")
    assert run(applied, "rollout", "status", deployment, "-n", "shop")[0] == 0
    assert run(applied, "rollout", "history", "deploy/web", "-n", "shop")[0] == 0
    code, out, err = run(applied, "scale", deployment, "--replicas", "3", "-n", "shop")
    assert code == 0, err
    assert out.startswith("deployment.apps/web scaled")
    assert run(applied, "events", "--for", deployment, "-n", "shop")[0] == 0


def test_delete_takes_kind_slash_name(tmp_path: Path) -> None:
    env = {**ENV, "MANIKIT_STATE": str(tmp_path / "state.db")}
    assert run_cli("apply", "-f", APP, "-y", env=env).exit_code == 0
    code, out, err = run(env, "delete", "pod/cache", "service/web", "-n", "shop")
    assert code == 0, err
    assert out.splitlines()[:2] == ['pod "cache" deleted', 'service "web" deleted']


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize(
    ("args", "count"),
    [(("svc", "-n", "kube-public"), 0), (("svc", "-n", "shop"), 1), (("po", "-n", "shop"), -1)],
    ids=["none", "one", "many"],
)
def test_a_listing_is_always_a_list(
    applied: dict[str, str], fmt: str, args: tuple[str, ...], count: int
) -> None:
    code, out, _ = run(applied, "get", *args, "-o", fmt)
    assert code == 0
    if fmt == "json":
        data = json.loads(out)
    else:
        from ruamel.yaml import YAML

        data = YAML(typ="safe").load(out)
    assert data["kind"] == "List" and data["apiVersion"] == "v1"
    assert len(data["items"]) == count if count >= 0 else len(data["items"]) > 1


def test_one_object_by_name_is_bare_as_kubectl_prints_it(applied: dict[str, str]) -> None:
    code, out, _ = run(applied, "get", "deploy/web", "-n", "shop", "-o", "json")
    assert code == 0 and json.loads(out)["kind"] == "Deployment"


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (("get", "pdos"), 'error: the server doesn\'t have a resource type "pdos"; did you mean "pods"?'),
        (
            ("describe", "deploymnt/web"),
            'error: the server doesn\'t have a resource type "deploymnt"; did you mean "deployment"?',
        ),
        (
            ("get", "deployment.batch/web"),
            'error: the server doesn\'t have a resource type "deployment.batch"; did you mean "deployment"?',
        ),
        (
            ("get", "deploy/nope", "-n", "shop"),
            'Error from server (NotFound): deployments.apps "nope" not found',
        ),
        (
            ("describe", "deploy", "nope", "-n", "shop"),
            'Error from server (NotFound): deployments.apps "nope" not found',
        ),
        (
            ("scale", "deploy/nope", "--replicas", "1", "-n", "shop"),
            'Error from server (NotFound): deployments.apps "nope" not found',
        ),
    ],
    ids=["typo", "typo-slash", "wrong-group", "get-not-found", "describe-not-found", "scale-not-found"],
)
def test_kubectl_exit_codes_and_messages(applied: dict[str, str], args: tuple[str, ...], stderr: str) -> None:
    code, _, err = run(applied, *args)
    assert code == 1  # kubectl exits 1 for not-found and unknown resource types
    assert err.strip().splitlines()[-1] == stderr


def test_mixing_kind_and_kind_slash_name_is_refused(applied: dict[str, str]) -> None:
    code, _, err = run(applied, "get", "deploy", "deploy/web")
    assert code == 2
    assert "there is no need to specify a resource type as a separate argument" in err


def test_a_local_state_error_is_not_from_a_server(tmp_path: Path) -> None:
    broken = tmp_path / "state.db"
    broken.write_text("not sqlite at all " * 100)
    result = run_cli("get", "pods", env={**ENV, "MANIKIT_STATE": str(broken)})
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(f"error: state {broken} is not a manikit state")
    assert "Error from server" not in result.stderr


def test_plan_o_is_the_output_format_and_out_saves_the_plan(tmp_path: Path) -> None:
    env = {**ENV, "MANIKIT_STATE": str(tmp_path / "state.db")}
    plan_json = run_cli("plan", "-f", APP, "-o", "json", env=env)
    assert plan_json.exit_code == 0, plan_json.stderr
    assert json.loads(plan_json.stdout)["summary"]
    assert not (tmp_path / "json").exists()
    saved = run_cli("plan", APP, "-out", str(tmp_path / "app.plan"), env=env)
    assert saved.exit_code == 0 and (tmp_path / "app.plan").is_file()
    assert run_cli("apply", str(tmp_path / "app.plan"), "-y", env=env).exit_code == 0


def test_lint_and_validate_take_f_and_o(tmp_path: Path) -> None:
    result = run_cli("lint", "-f", APP, "-o", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["problems"] == []
    result = run_cli(
        "validate", "-f", f"{APP}/web-deployment.yaml", "-f", f"{APP}/web-service.yaml", "-o", "json"
    )
    assert result.exit_code == 0 and json.loads(result.stdout)["summary"]["documents"] == 2
