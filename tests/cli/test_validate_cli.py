import json
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli, run_process
from tests.conftest import EXAMPLES, write

BAD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources:
          limits:
            memory: 128mi
"""


def test_examples_are_valid() -> None:
    result = run_cli("validate", str(EXAMPLES))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "0 errors" in result.stderr


def test_errors_exit_1_with_file_line_col_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "deploy.yaml", BAD)
    result = run_cli("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.strip() == (
        f"{path}:17:21: error MK101 invalid-quantity: "
        "spec.template.spec.containers[name=web].resources.limits.memory: "
        '"128mi" is not a valid quantity; did you mean "128Mi"?'
    )


def test_json_format(tmp_path: Path) -> None:
    path = write(tmp_path, "deploy.yaml", BAD)
    result = run_cli("validate", "--format", "json", str(path))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"]["errors"] == 1
    problem = data["problems"][0]
    assert (problem["line"], problem["column"], problem["code"]) == (17, 21, "MK101")
    assert problem["object"] == "Deployment/web"


def test_no_manifests_is_exit_2_never_a_silent_pass(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "no manifests found" in result.stderr


def test_only_empty_files_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path, "empty.yaml", "")
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 2


def test_missing_path_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'missing.yaml'}: no such file or directory"


def test_usage_error_exits_2() -> None:
    assert run_cli("validate").exit_code == 2
    assert run_cli("validate", "--format", "xml", "x.yaml").exit_code == 2


def test_stdin() -> None:
    result = run_cli("validate", "-", input="apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    assert result.exit_code == 0, result.stderr


def test_other_kinds_get_a_notice(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: c}\n")
    result = run_cli("validate", str(path))
    assert result.exit_code == 0
    assert "passed over 1 object of kinds manikit does not model: Secret (1)" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01binary",
        b"a: \xff\xfe\n",
        b"[" * 50_000,
        b"a: &a [1]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n".encode()
            for i in range(10)
        ),
    ],
    ids=["binary", "not-utf8", "deep", "alias-bomb"],
)
def test_hostile_input_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    result = run_process("validate", str(path), timeout=60)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert str(path) in result.stdout


def test_duplicate_objects_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    write(tmp_path, "b.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\n")
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "MK201 duplicate-object" in result.stdout


def test_version_and_help() -> None:
    version = run_cli("--version")
    assert version.exit_code == 0 and version.stdout.startswith("manikit ")
    for command in ("validate", "schema"):
        help_text = run_cli(command, "--help")
        assert help_text.exit_code == 0 and "Usage" in help_text.stdout


def test_no_color_when_piped_or_no_color(tmp_path: Path) -> None:
    path = write(tmp_path, "deploy.yaml", BAD)
    piped = run_process("validate", str(path))
    assert "\x1b[" not in piped.stdout
    forced = run_process("validate", str(path), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in forced.stdout


def test_internal_errors_say_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from manikit.validate import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "validate_outcomes", broken)  # what validate_files runs the files with
    result = run_cli("validate", str(write(tmp_path, "a.yaml", "a: 1")))
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "This is a bug in manikit" in result.stderr
    assert "Traceback" not in result.stderr


def test_shell_completion_is_offered() -> None:
    assert "--install-completion" in run_cli("--help").stdout
