"""manikit plan and manikit apply through the CLI, as a user runs them."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from manikit.runtime.api import Api
from manikit.runtime.store import open_store
from tests.cli.helpers import run_cli, run_process
from tests.conftest import EXAMPLES, REPO, write

APP = str(EXAMPLES / "app")


@pytest.fixture
def state(tmp_path: Path) -> str:
    return str(tmp_path / "state.db")


def apply(state: str, *args: str) -> object:
    return run_cli("apply", "--state", state, "--auto-approve", *args)


def test_plan_apply_plan_is_no_changes(state: str) -> None:
    first = run_cli("plan", "--state", state, APP, "--detailed-exitcode")
    assert first.exit_code == 2, first.stderr
    assert "Plan: 4 to add, 0 to change, 0 to destroy." in first.stdout
    assert "spec.clusterIP: (known after apply)" in first.stdout
    assert '+ spec.selector.app: "web"\n' in first.stdout  # the manifest's
    assert '+ spec.sessionAffinity: "None" # (server default)' in first.stdout  # the server's
    assert "every pod would be scheduled" in first.stdout
    applied = run_cli("apply", "--state", state, "--auto-approve", APP)
    assert applied.exit_code == 0, applied.stderr
    assert "Apply complete! Resources: 4 added, 0 changed, 0 replaced, 0 destroyed." in applied.stdout
    assert "deployment.apps/web (shop): 3/3 ready" in applied.stdout
    again = run_cli("plan", "--state", state, APP, "--detailed-exitcode")
    assert again.exit_code == 0
    assert again.stdout.strip() == "No changes. Your manifests match the recorded state."


def test_json_and_markdown_formats(state: str) -> None:
    result = run_cli("plan", "--state", state, APP, "--format", "json")
    data = json.loads(result.stdout)
    schema = json.loads((REPO / "schemas" / "plan.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["summary"]["add"] == 4
    assert [c["action"] for c in data["resource_changes"]] == ["create"] * 4
    markdown = run_cli("plan", "--state", state, APP, "--format", "markdown")
    assert markdown.stdout.startswith("### manikit plan")
    assert "| `+` | `Deployment/shop/web` | create |" in markdown.stdout


@pytest.mark.parametrize(
    "args",
    [["--bogus", APP], ["/does/not/exist"], []],
    ids=["unknown-option", "missing-path", "no-paths"],
)
def test_errors_never_exit_2_with_detailed_exitcode(state: str, args: list[str]) -> None:
    result = run_cli("plan", "--state", state, "--detailed-exitcode", *args)
    assert result.exit_code == 1


def test_invalid_manifests_stop_the_plan(state: str, tmp_path: Path) -> None:
    bad = write(
        tmp_path,
        "bad.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n",
    )
    result = run_cli("plan", "--state", state, str(bad))
    assert result.exit_code == 1
    assert f"{bad}:4:" in result.stderr and "nothing planned" in result.stderr


def test_apply_refuses_without_a_terminal_or_auto_approve(state: str) -> None:
    result = run_cli("apply", "--state", state, APP)
    assert result.exit_code == 1
    assert "--auto-approve" in result.stderr
    api = Api(open_store(state))
    assert api.find("Namespace", "shop") is None


def test_a_scale_of_replicas_the_manifests_set_is_a_conflict_naming_the_scaler(state: str) -> None:
    apply(state, APP)
    assert (
        run_cli("scale", "--state", state, "deployment", "web", "-n", "shop", "--replicas", "5").exit_code
        == 0
    )
    refused = run_cli("plan", "--state", state, APP, "--no-preview")
    assert refused.exit_code == 1
    assert "Error: Deployment/shop/web would be refused" in refused.stdout
    assert 'conflict with "manikit-scale"' in refused.stdout and ".spec.replicas" in refused.stdout
    assert "--force-conflicts" in refused.stdout
    result = run_cli("plan", "--state", state, APP, "--no-preview", "--force-conflicts")
    assert result.exit_code == 0, result.stdout
    assert '! takes .spec.replicas from "manikit-scale"' in result.stdout
    assert "~ spec.replicas: 5 -> 3" in result.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in result.stdout
    taken = apply(state, APP, "--force-conflicts")
    assert taken.exit_code == 0 and "1 changed" in taken.stdout
    assert run_cli("plan", "--state", state, APP, "--detailed-exitcode").exit_code == 0


def test_fields_the_manifests_never_set_are_left_to_whoever_set_them(state: str, tmp_path: Path) -> None:
    """An autoscaler's (or a person's) replicas and a paused rollout survive every apply of manifests
    that do not say; after resume no phantom `spec.paused` is planned."""
    text = (EXAMPLES / "app" / "web-deployment.yaml").read_text()
    assert "  replicas: 3\n" in text
    write(tmp_path, "d/web.yaml", text.replace("  replicas: 3\n", ""))
    write(tmp_path, "d/ns.yaml", (EXAMPLES / "app" / "namespace.yaml").read_text())
    folder = str(tmp_path / "d")
    assert apply(state, folder).exit_code == 0
    run_cli("scale", "--state", state, "deployment", "web", "-n", "shop", "--replicas", "5")
    assert run_cli("rollout", "pause", "deployment/web", "-n", "shop", "--state", state).exit_code == 0
    assert run_cli("plan", "--state", state, folder, "--detailed-exitcode").exit_code == 0
    write(tmp_path, "d/web.yaml", text.replace("  replicas: 3\n", "").replace("LOG_LEVEL", "LOG_LEVELS"))
    changed = apply(state, folder)
    assert changed.exit_code == 0 and "1 changed" in changed.stdout
    shown = run_cli("get", "deployment", "web", "-n", "shop", "-o", "json", "--state", state)
    spec = json.loads(shown.stdout)["spec"]
    assert spec["replicas"] == 5 and spec["paused"] is True
    assert run_cli("rollout", "resume", "deployment/web", "-n", "shop", "--state", state).exit_code == 0
    after = run_cli("plan", "--state", state, folder, "--no-preview")
    assert after.stdout.strip() == "No changes. Your manifests match the recorded state."


def test_saved_plan_applies_exactly_and_stale_is_refused(state: str, tmp_path: Path) -> None:
    planfile = str(tmp_path / "p.mkplan")
    assert run_cli("plan", "--state", state, APP, "--out", planfile).exit_code == 0
    ok = run_cli("apply", "--state", state, "--auto-approve", planfile)
    assert ok.exit_code == 0, ok.stderr
    run_cli("scale", "--state", state, "deployment", "web", "-n", "shop", "--replicas", "5")
    assert run_cli("plan", "--state", state, APP, "--force-conflicts", "--out", planfile).exit_code == 0
    run_cli("scale", "--state", state, "deployment", "web", "-n", "shop", "--replicas", "6")
    stale = run_cli("apply", "--state", state, "--auto-approve", planfile)
    assert stale.exit_code == 1
    assert (
        "stale" in stale.stderr and "Deployment/shop/web" in stale.stderr and "manikit plan" in stale.stderr
    )


def test_prune_guard_and_prune(state: str, tmp_path: Path) -> None:
    apply(state, APP)
    refused = run_cli("apply", "--state", state, "--auto-approve", "--prune")
    assert refused.exit_code == 2  # no paths: usage
    empty = write(tmp_path, "empty/readme.yaml", "# nothing yet\n")
    guarded = run_cli("plan", "--state", state, "--prune", str(empty))
    assert guarded.exit_code in (1, 2)
    everything = run_cli("apply", "--state", state, "--auto-approve", "--prune", "--allow-empty")
    assert everything.exit_code == 0, everything.stderr
    assert "4 destroyed" in everything.stdout


def test_prevent_destroy(state: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: keep\n  annotations:\n"
        "    manikit.dev/prevent-destroy: 'true'\nspec: {ports: [{port: 80}]}\n",
    )
    apply(state, str(path))
    other = write(
        tmp_path,
        "other/svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 1}]}\n",
    )
    result = run_cli("plan", "--state", state, "--prune", str(other))
    assert result.exit_code == 1
    assert "prevent-destroy" in result.stderr and "Service/default/keep" in result.stderr


def test_immutable_change_is_refused_unless_replace_is_asked(state: str, tmp_path: Path) -> None:
    text = (EXAMPLES / "app" / "web-deployment.yaml").read_text()
    path = write(tmp_path, "d/web.yaml", text)
    write(tmp_path, "d/ns.yaml", (EXAMPLES / "app" / "namespace.yaml").read_text())
    apply(state, str(tmp_path / "d"))
    path.write_text(text.replace("app: web", "app: storefront"))
    refused = run_cli(
        "plan", "--state", state, str(tmp_path / "d"), "--no-preview", "-out", str(tmp_path / "p")
    )
    assert refused.exit_code == 1
    assert "Error: Deployment/shop/web would be refused" in refused.stdout
    assert "field is immutable" in refused.stdout
    assert "plan with --replace Deployment/shop/web" in refused.stdout
    assert "-/+" not in refused.stdout
    assert "not saved" in refused.stderr and not (tmp_path / "p").exists()
    not_applied = apply(state, str(tmp_path / "d"))
    assert not_applied.exit_code == 1 and "nothing applied" in not_applied.stderr

    result = run_cli(
        "plan", "--state", state, str(tmp_path / "d"), "--no-preview", "--replace", "Deployment/shop/web"
    )
    assert result.exit_code == 0, result.stderr
    assert "-/+ Deployment/shop/web" in result.stdout
    assert 'spec.selector.matchLabels.app: "web" -> "storefront" # forces replacement' in result.stdout
    assert "(1 to replace: Deployment/shop/web)" in result.stdout
    replaced = apply(state, str(tmp_path / "d"), "--replace", "Deployment/shop/web")
    assert replaced.exit_code == 0, replaced.stderr
    assert "0 added, 0 changed, 1 replaced, 0 destroyed" in replaced.stdout


def test_equal_quantities_and_env_reorder(state: str, tmp_path: Path) -> None:
    text = (EXAMPLES / "app" / "web-deployment.yaml").read_text()
    path = write(tmp_path, "d/web.yaml", text)
    write(tmp_path, "d/ns.yaml", (EXAMPLES / "app" / "namespace.yaml").read_text())
    apply(state, str(tmp_path / "d"))
    path.write_text(text.replace("cpu: 250m", "cpu: 0.25").replace("memory: 512Mi", "memory: 0.5Gi"))
    assert run_cli("plan", "--state", state, str(tmp_path / "d"), "--detailed-exitcode").exit_code == 0
    log = "            - name: LOG_LEVEL\n              value: info\n"
    mode = "            - name: MODE\n              value: fast\n"
    two_vars = text.replace(log, log + mode)
    path.write_text(two_vars)
    apply(state, str(tmp_path / "d"))
    path.write_text(text.replace(log, mode + log))
    result = run_cli("plan", "--state", state, str(tmp_path / "d"), "--no-preview")
    assert 'env: reordered ["LOG_LEVEL", "MODE"] -> ["MODE", "LOG_LEVEL"]' in result.stdout
    assert "1 to change" in result.stdout


def test_preview_and_wait_report_pending_pods(state: str, tmp_path: Path) -> None:
    text = (
        (EXAMPLES / "app" / "web-deployment.yaml")
        .read_text()
        .replace("cpu: 250m", 'cpu: "3"')
        .replace('cpu: "1"', 'cpu: "4"')
    )
    write(tmp_path, "d/web.yaml", text.replace("replicas: 3", "replicas: 4"))
    write(tmp_path, "d/ns.yaml", (EXAMPLES / "app" / "namespace.yaml").read_text())
    plan = run_cli("plan", "--state", state, str(tmp_path / "d"))
    assert (
        "! 1 pod would stay Pending:\n        1 x 0/3 nodes are available: 3 Insufficient cpu. (shop/web-"
        in (plan.stdout)
    )
    result = run_cli(
        "apply", "--state", state, "--auto-approve", "--wait", "--timeout", "60", str(tmp_path / "d")
    )
    assert result.exit_code == 1
    assert (
        "! 1 pod Pending:\n        1 x 0/3 nodes are available: 3 Insufficient cpu. (shop/web-"
        in result.stdout
    )
    assert result.stderr.splitlines()[-1].startswith("error: --wait: the rollout did not complete within 60s")


def test_wait_succeeds_when_converged(state: str) -> None:
    result = run_cli("apply", "--state", state, "--auto-approve", "--wait", APP)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_lock_held_by_another_process_and_stale_lock(state: str) -> None:
    store = open_store(state)
    with store.acquire_lock("apply", "manikit apply (test holder)"):
        result = run_process("apply", "--state", state, "--auto-approve", "--lock-timeout", "0.3", APP)
        assert result.exit_code != 0
        assert "manikit apply (test holder)" in result.stderr
        assert str(os.getpid()) in result.stderr
    store.close()
    # a holder whose process died is detected and taken over
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    conn_store = open_store(state)
    conn_store._conn.execute(  # type: ignore[attr-defined]
        "INSERT OR REPLACE INTO locks (name, pid, host, command, acquired_at, token) VALUES (?,?,?,?,?,?)",
        ("apply", dead.pid, __import__("socket").gethostname(), "dead apply", "2025-01-01T00:00:00Z", "t"),
    )
    conn_store.close()
    result = run_process("apply", "--state", state, "--auto-approve", APP)
    assert result.exit_code == 0, result.stderr


@pytest.mark.slow
def test_kill_9_mid_apply_leaves_the_previous_state(state: str, tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate  # type: ignore[import-not-found]

    generate(tmp_path / "many", 3000)
    namespaces = "---\n".join(
        f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: team-{i}}}\n" for i in range(20)
    )
    (tmp_path / "many" / "namespaces.yaml").write_text(namespaces)
    assert run_process("apply", "--state", state, "--auto-approve", APP).exit_code == 0
    before = Api(open_store(state)).revision()
    exe = Path(sys.executable).with_name("manikit")
    proc = subprocess.Popen(
        [str(exe), "apply", "--state", state, "--auto-approve", "--no-preview", str(tmp_path / "many")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if line.startswith("applying"):
            break
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    api = Api(open_store(state))
    if api.find("Namespace", "team-0") is None:  # killed inside the transaction: nothing of it landed
        assert api.revision() == before
        assert api.list("Deployment", "team-1") == []
    else:  # it had committed already: then all of it landed
        landed = run_process(
            "plan", "--state", state, str(tmp_path / "many"), "--no-preview", "--detailed-exitcode"
        )
        assert landed.exit_code == 0
    assert api.find("Deployment", "web", "shop") is not None
    again = run_process("plan", "--state", state, APP, "--detailed-exitcode", "--no-preview")
    assert again.exit_code == 0


def test_apply_lets_the_desired_set_go_before_the_controllers_run_and_keeps_the_plan(
    state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: what the plan does not hold of the manifests is freed before reconcile fills the
    controllers' caches; the plan itself is kept to the end of the process (freeing it there cost more
    time than its memory is worth: cli/apply_cmd.py), and freed when an in-process caller's main()
    returns."""
    import gc

    from manikit.cli.state import ControlPlane
    from manikit.plan.actions import Plan
    from manikit.plan.desired import DesiredSet

    alive: list[tuple[int, int]] = []
    reconcile = ControlPlane.reconcile

    def counting(self: ControlPlane, *args: object, **kwargs: object) -> object:
        gc.collect()
        objects = gc.get_objects()
        alive.append(
            (sum(isinstance(o, Plan) for o in objects), sum(isinstance(o, DesiredSet) for o in objects))
        )
        return reconcile(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ControlPlane, "reconcile", counting)
    applied = apply(state, APP)
    assert applied.exit_code == 0, applied.stderr
    assert "Apply complete! Resources: 4 added" in applied.stdout
    assert alive == [(1, 0)]
    gc.collect()
    assert sum(isinstance(o, Plan) for o in gc.get_objects()) == 0
