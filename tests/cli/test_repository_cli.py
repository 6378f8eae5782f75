"""An ordinary repository through the CLI: only manifests are judged, the rest is passed over and
counted; --strict-files restores judging everything; hook mode reports on the changed files only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import run_cli, run_process
from tests.ordinary_repo import NOT_MANIFESTS, make_ordinary_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_ordinary_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["lint", "validate"])
def test_whole_repository_passes_and_names_what_it_passed_over(repo: Path, command: str) -> None:
    result = run_cli(command, ".")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "MK006" not in result.stdout
    assert "5 files are not Kubernetes manifests (no apiVersion or kind), passed over: " in result.stderr
    for name in NOT_MANIFESTS:
        assert name in result.stderr
    assert "notice: charts/web is a Helm chart (Go templates), passed over" in result.stderr
    assert "vendor" not in result.stdout + result.stderr  # excluded by .manikit.yaml, for every command
    assert "8 documents in 13 files: 0 errors" in result.stderr


def test_strict_files_judges_every_file(repo: Path) -> None:
    result = run_cli("lint", "--strict-files", ".")
    assert result.exit_code == 1
    assert "package.json:1:1: error MK006 missing-type" in result.stdout
    assert "docker-compose.yml:1:1: error MK006 missing-type" in result.stdout


def test_a_document_with_kind_but_no_apiversion_stays_an_error(repo: Path) -> None:
    (repo / "deploy" / "half.yaml").write_text("kind: ConfigMap\nmetadata: {name: x}\n")
    result = run_cli("lint", "deploy")
    assert result.exit_code == 1
    assert "deploy/half.yaml:1:1: error MK006 missing-type: missing 'apiVersion' key" in result.stdout


@pytest.mark.parametrize("command", ["lint", "validate"])
def test_named_files_without_manifests_exit_2(repo: Path, command: str) -> None:
    result = run_cli(command, "package.json", "docker-compose.yml")
    assert result.exit_code == 2
    assert (
        "no manifests found in package.json, docker-compose.yml: the files are not Kubernetes"
        in result.stderr
    )


@pytest.mark.parametrize("command", ["lint", "validate"])
@pytest.mark.parametrize("flag", ["--hook", "--allow-no-manifests"])
def test_hooks_and_ci_handed_only_other_files_pass(repo: Path, command: str, flag: str) -> None:
    result = run_cli(command, flag, "package.json", ".github/workflows/ci.yml")
    assert result.exit_code == 0, result.stderr
    assert "nothing to check" in result.stderr or "passed" in result.stderr or "valid" in result.stderr


@pytest.mark.parametrize("command", ["lint", "validate"])
def test_a_hook_run_whose_files_are_all_excluded_passes(repo: Path, command: str) -> None:
    result = run_cli(command, "--hook", "vendor/broken.yaml")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "nothing to check" in result.stderr


def test_hook_mode_gives_cross_object_rules_the_whole_tree(repo: Path) -> None:
    alone = run_cli("lint", "deploy/web-service.yaml")
    assert "MK204 service-selects-nothing" in alone.stdout  # without context the Service selects nothing
    hook = run_cli("lint", "--hook", "deploy/web-service.yaml")
    assert hook.exit_code == 0
    assert hook.stdout == ""
    assert "1 document in 1 file: 0 errors, 0 warnings" in hook.stderr


def test_hook_mode_reports_on_changed_files_only(repo: Path) -> None:
    bad = (repo / "deploy" / "web-deployment.yaml").read_text().replace("memory: 256Mi", "memory: 256mi", 1)
    assert bad != (repo / "deploy" / "web-deployment.yaml").read_text()
    (repo / "deploy" / "web-deployment.yaml").write_text(bad)
    other = run_cli("lint", "--hook", "deploy/web-service.yaml")
    assert other.exit_code == 0 and "MK101" not in other.stdout
    changed = run_cli("lint", "--hook", "deploy/web-deployment.yaml")
    assert changed.exit_code == 1
    assert "deploy/web-deployment.yaml:" in changed.stdout and "MK101 invalid-quantity" in changed.stdout


def test_hook_mode_rechecks_templates_when_a_values_file_changes(repo: Path) -> None:
    values = repo / "templated" / "values" / "staging.yaml"
    values.write_text(values.read_text() + "  resources: {limits: {memory: 1gb}}\n")  # broken on purpose
    result = run_cli("lint", "--hook", "templated/values/staging.yaml")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "templated/web-deployment.yaml.j2:" in result.stdout
    assert '"1gb" is not a valid quantity' in result.stdout
    partial = run_cli("validate", "--hook", "templated/_helpers.j2")
    assert partial.exit_code == 0, partial.stdout + partial.stderr
    assert "4 files" in partial.stderr


def test_whole_process_lint_of_the_repository(repo: Path) -> None:
    result = run_process("lint", "-f", ".", cwd=repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "passed over" in result.stderr


def test_plan_and_apply_name_the_kinds_they_do_not_manage(repo: Path) -> None:
    (repo / "deploy" / "extra.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: settings, namespace: shop}\n---\n"
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\n"
    )
    env = {"MANIKIT_NOW": "2025-06-01T12:00:00Z"}
    notice = (
        "notice: 2 objects not managed here (kinds manikit does not model; not planned or applied): "
        "Secret/shop/settings, StatefulSet/shop/db"
    )
    plan = run_cli("plan", "deploy", env=env)
    assert plan.exit_code == 0 and notice in plan.stderr
    apply = run_cli("apply", "-f", "deploy", "-y", env=env)
    assert apply.exit_code == 0 and notice in apply.stderr
    again = run_cli("plan", "deploy", env=env)
    assert again.stdout.startswith("No changes.") and notice in again.stderr  # never "No changes" in silence
