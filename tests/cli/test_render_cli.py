"""``manikit render`` and the template options of ``manikit validate``, as a user meets them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manikit.source.yamlfast import load_yaml
from tests.cli.helpers import run_cli, run_process
from tests.conftest import EXAMPLES, REPO, write

TEMPLATED = EXAMPLES / "templated"
ENVIRONMENTS = ["staging", "production"]

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {{ name }}
spec:
  containers:
    - name: main
      image: {{ image }}
      resources:
        limits:
          memory: {{ memory }}
"""


def docs_of(stream: str) -> list[dict[str, Any]]:
    docs, problems = load_yaml(stream, "stdout")
    assert not problems
    return [d.data for d in docs if d.data is not None]


@pytest.fixture
def pod_tree(tmp_path: Path) -> Path:
    write(tmp_path, "manikit.values.yaml", "name: cache\nimage: redis:7\nmemory: 128Mi\n")
    write(tmp_path, "values/big.yaml", "memory: 1Gi\nimage: redis:7.2\n")
    write(tmp_path, "values/bigger.yaml", "memory: 2Gi\n")
    write(tmp_path, "pod.yaml.j2", POD)
    write(tmp_path, "plain.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: plain\n")
    return tmp_path


def test_render_prints_every_file_with_its_source(pod_tree: Path) -> None:
    result = run_cli("render", str(pod_tree))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("---\n# Source: ") == 2
    assert f"# Source: {pod_tree / 'pod.yaml.j2'}\n" in result.stdout
    namespace, pod = docs_of(result.stdout)  # files in name order: plain.yaml, pod.yaml.j2
    assert pod["metadata"] == {"name": "cache"}
    assert namespace["metadata"] == {"name": "plain"}
    assert "{{" not in result.stdout


def test_values_precedence_on_the_command_line(pod_tree: Path) -> None:
    big, bigger = pod_tree / "values/big.yaml", pod_tree / "values/bigger.yaml"
    cases = [
        ((), "128Mi", "redis:7"),
        (("--values", str(big)), "1Gi", "redis:7.2"),
        (("--values", str(big), "--values", str(bigger)), "2Gi", "redis:7.2"),
        (("--values", str(bigger), "--values", str(big)), "1Gi", "redis:7.2"),
        (("--set", "memory=3Gi", "--values", str(bigger)), "3Gi", "redis:7"),
    ]
    for args, memory, image in cases:
        result = run_cli("render", str(pod_tree / "pod.yaml.j2"), *args)
        assert result.exit_code == 0, result.stderr
        container = docs_of(result.stdout)[0]["spec"]["containers"][0]
        assert (container["resources"]["limits"]["memory"], container["image"]) == (memory, image), args


def test_render_failure_exits_1_naming_template_file_and_line(pod_tree: Path) -> None:
    write(pod_tree, "broken.yaml.j2", "a: 1\nb: {{ nope.deeper }}\n")
    result = run_cli("render", str(pod_tree))
    assert result.exit_code == 1
    assert (
        f'{pod_tree / "broken.yaml.j2"}:2: error MK021 undefined-value: "nope" is undefined' in result.stderr
    )
    assert "# Source:" in result.stdout  # the files that did render are still shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--values", "missing.yaml"), "error: missing.yaml: cannot read values file"),
        (("--set", "nonsense"), "error: --set 'nonsense': expected NAME=VALUE"),
    ],
    ids=["missing-values-file", "bad-set"],
)
def test_bad_values_are_usage_errors(pod_tree: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("render", str(pod_tree), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr


def test_bad_values_file_names_file_and_line(pod_tree: Path) -> None:
    bad = write(pod_tree, "values/bad.yaml", "memory: 1Gi\nimage: [redis\n")
    result = run_cli("validate", str(pod_tree), "--values", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}:3:1: bad values file: "), result.stderr


def test_env_needs_allow_env(pod_tree: Path) -> None:
    write(pod_tree, "pod.yaml.j2", POD.replace("{{ image }}", '{{ env("MANIKIT_IMAGE", "redis:7") }}'))
    refused = run_cli("render", str(pod_tree / "pod.yaml.j2"), env={"MANIKIT_IMAGE": "redis:8"})
    assert refused.exit_code == 1
    assert "pod.yaml.j2:8: error MK022 template-refused" in refused.stderr
    assert "--allow-env" in refused.stderr
    allowed = run_cli(
        "render", str(pod_tree / "pod.yaml.j2"), "--allow-env", env={"MANIKIT_IMAGE": "redis:8"}
    )
    assert allowed.exit_code == 0, allowed.stderr
    assert "image: redis:8\n" in allowed.stdout


def test_sandbox_escape_is_refused_from_the_cli(pod_tree: Path) -> None:
    write(pod_tree, "pod.yaml.j2", POD.replace("{{ name }}", "{{ ''.__class__.__mro__ }}"))
    result = run_cli("validate", str(pod_tree))
    assert result.exit_code == 1
    assert "pod.yaml.j2:4: error MK022 template-refused: refused: '__class__' of a str is off limits" in (
        result.stdout
    )


def test_validate_findings_point_at_the_template(pod_tree: Path) -> None:
    result = run_cli("validate", str(pod_tree), "--set", "memory=128mi")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "MK" in line]
    assert len(lines) == 1
    assert lines[0].startswith(
        f"{pod_tree / 'pod.yaml.j2'}:11:19: error MK101 invalid-quantity: "
        "spec.containers[name=main].resources.limits.memory"
    )


def test_validate_json_reports_template_positions(pod_tree: Path) -> None:
    result = run_cli("validate", str(pod_tree), "--set", "memory=128mi", "--format", "json")
    problem = json.loads(result.stdout)["problems"][0]
    assert (Path(problem["file"]).name, problem["line"], problem["column"]) == ("pod.yaml.j2", 11, 19)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_templated_example_validates_clean_in_each_environment(environment: str) -> None:
    result = run_cli(
        "validate", str(TEMPLATED), "--values", str(TEMPLATED / "values" / f"{environment}.yaml")
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings (valid)" in result.stderr


def test_templated_example_environments_differ() -> None:
    rendered = {
        env: docs_of(
            run_cli("render", str(TEMPLATED), "--values", str(TEMPLATED / "values" / f"{env}.yaml")).stdout
        )
        for env in ENVIRONMENTS
    }
    namespaces = {
        env: sorted({d["metadata"]["namespace"] for d in docs if "namespace" in d["metadata"]})
        for env, docs in rendered.items()
    }
    assert namespaces == {"staging": ["shop-staging"], "production": ["shop-production"]}
    kinds = {env: sorted(str(d["kind"]) for d in docs) for env, docs in rendered.items()}
    assert kinds["staging"] == ["Deployment", "Namespace", "Pod", "Service"]
    assert kinds["production"] == ["Deployment", "Namespace", "Service"]  # the cache pod is staging's only


def test_render_output_is_what_validate_reads(tmp_path: Path) -> None:
    """Rendering to files and validating those gives the same verdict as validating the templates."""
    result = run_cli("render", str(TEMPLATED), "--values", str(TEMPLATED / "values" / "production.yaml"))
    out = write(tmp_path, "rendered.yaml", result.stdout)
    again = run_cli("validate", str(out))
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "3 documents in 1 file:" in again.stderr


def test_jobs_and_template_options_in_a_real_process(pod_tree: Path) -> None:
    for i in range(4):
        write(pod_tree, f"more/pod{i}.yaml.j2", POD.replace("{{ name }}", f"{{{{ name }}}}-{i}"))
    serial = run_process("validate", str(pod_tree), "--set", "memory=1gb", "-j", "1")
    parallel = run_process("validate", str(pod_tree), "--set", "memory=1gb", "-j", "3")
    assert serial.exit_code == parallel.exit_code == 1
    assert parallel.stdout == serial.stdout
    assert serial.stdout.count(":11:19: error MK101 invalid-quantity") == 5


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_templated_example_lints_and_applies_clean_in_each_environment(
    environment: str, tmp_path: Path
) -> None:
    values = ("--values", str(TEMPLATED / "values" / f"{environment}.yaml"))
    lint = run_cli("lint", str(TEMPLATED), *values)
    assert lint.exit_code == 0, lint.stdout + lint.stderr
    state = ("--state", str(tmp_path / "state.db"))
    applied = run_cli("apply", str(TEMPLATED), *values, *state, "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert f"shop-{environment}" in applied.stdout
    again = run_cli("plan", str(TEMPLATED), *values, *state, "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_templated_example_renders_as_reviewed(
    environment: str, monkeypatch: pytest.MonkeyPatch, golden: Callable[[Path, str], None]
) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli(
        "render", "examples/templated", "--values", f"examples/templated/values/{environment}.yaml"
    )
    assert result.exit_code == 0, result.stderr
    golden(Path(__file__).parent / "golden" / "render" / f"templated-{environment}.yaml", result.stdout)
