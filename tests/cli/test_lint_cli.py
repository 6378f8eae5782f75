"""`manikit lint` as users meet it: formats, exit codes 0/1/2/3, --fail-on, config, nodes, stdin."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.registry import RULES
from tests.cli.helpers import run_cli, run_process
from tests.conftest import EXAMPLES
from tests.lint.helpers import RULE_FIXTURES, write

NODES = EXAMPLES / "cluster" / "nodes.yaml"
ERRORS = RULE_FIXTURES / "limit-below-request" / "fail.yaml"  # two errors
WARNINGS = RULE_FIXTURES / "latest-tag" / "fail.yaml"  # two warnings, no error


@pytest.fixture(autouse=True)
def _no_config_around(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty directory, so that no config file of the checkout applies."""
    home = tmp_path / "cwd"
    home.mkdir()
    monkeypatch.chdir(home)


@pytest.mark.parametrize("nodes", [False, True], ids=["default", "with-nodes"])
def test_examples_lint_clean(nodes: bool) -> None:
    """Meta-test: examples/ has no finding at warning or above with the default config."""
    args = ["lint", "--fail-on", "warning", str(EXAMPLES)]
    result = run_cli(*args, *(["--nodes", str(NODES)] if nodes else []))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "0 errors, 0 warnings" in result.stderr


def test_text_format_exit_1_on_errors() -> None:
    result = run_cli("lint", str(ERRORS))
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{ERRORS}:18:29: error MK102 limit-below-request: ")
    assert result.stdout.splitlines()[1] == '                requests: {cpu: "2", memory: 1Gi}'
    assert result.stdout.splitlines()[2] == "                                ^"
    assert "2 errors, 0 warnings" in result.stderr and "failed at --fail-on error" in result.stderr


def test_fail_on_decides_the_exit_code() -> None:
    assert run_cli("lint", str(WARNINGS)).exit_code == 0
    assert run_cli("lint", "--fail-on", "warning", str(WARNINGS)).exit_code == 1
    assert (
        run_cli("lint", "--fail-on", "error", str(RULE_FIXTURES / "latest-tag" / "pass.yaml")).exit_code == 0
    )


def test_color_only_on_a_terminal() -> None:
    plain = run_cli("lint", str(ERRORS), env={"NO_COLOR": "1"})
    colored = run_cli("lint", str(ERRORS), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" not in plain.stdout
    assert "\x1b[1;31merror\x1b[0m" in colored.stdout


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "junit"])
def test_machine_formats(fmt: str) -> None:
    result = run_cli("lint", "--format", fmt, str(ERRORS))
    assert result.exit_code == 1
    out = result.stdout
    if fmt == "json":
        assert [p["code"] for p in json.loads(out)["problems"]] == ["MK102", "MK102"]
    elif fmt == "sarif":
        assert [r["ruleId"] for r in json.loads(out)["runs"][0]["results"]] == ["MK102", "MK102"]
    elif fmt == "github":
        assert out.splitlines()[0].startswith(
            f"::error file={ERRORS},line=18,col=29,title=MK102 limit-below-request::"
        )
    else:
        assert ET.fromstring(out).find("testsuite/testcase/failure") is not None
    assert result.stderr == ""


def test_output_file_and_sarif_file(tmp_path: Path) -> None:
    report, sarif = tmp_path / "report.txt", tmp_path / "out.sarif"
    result = run_cli(
        "lint", "-o", "github", "--output-file", str(report), "--sarif-file", str(sarif), str(ERRORS)
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert report.read_text().startswith("::error ")
    assert json.loads(sarif.read_text())["version"] == "2.1.0"


def test_config_found_upward_and_given_explicitly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    write(project, ".manikit.yaml", "fail-on: warning\nrules:\n  latest-tag: off\n")
    manifest = write(project, "k8s/deploy.yaml", (RULE_FIXTURES / "latest-tag" / "fail.yaml").read_text())
    monkeypatch.chdir(project / "k8s")
    assert run_cli("lint", "deploy.yaml").exit_code == 0  # latest-tag is off
    strict = write(tmp_path, "strict.yaml", "fail-on: warning\n")
    result = run_cli("lint", "--config", str(strict), str(manifest))
    assert result.exit_code == 1 and "MK301" in result.stdout


def test_pyproject_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", "[tool.manikit]\nfail-on = 'warning'\n")
    write(tmp_path, "deploy.yaml", WARNINGS.read_text())
    monkeypatch.chdir(tmp_path)
    assert run_cli("lint", "deploy.yaml").exit_code == 1


def test_exclude_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, ".manikit.yaml", "exclude: ['vendor/*']\n")
    write(tmp_path, "vendor/bad.yaml", ERRORS.read_text())
    write(tmp_path, "app/ok.yaml", (RULE_FIXTURES / "limit-below-request" / "pass.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", ".")
    assert result.exit_code == 0, result.stdout
    assert "in 1 file:" in result.stderr


def test_capacity_rules_with_nodes_from_cli_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = write(
        tmp_path,
        "big.yaml",
        (RULE_FIXTURES / "missing-cpu-limit" / "fail.yaml").read_text().replace("cpu: 100m", "cpu: '6'"),
    )
    assert run_cli("lint", str(big)).exit_code == 0  # without nodes the capacity rules are silent
    result = run_cli("lint", "--nodes", str(NODES), str(big))
    assert result.exit_code == 1
    assert "MK111 request-exceeds-node-capacity" in result.stdout
    assert "largest node's allocatable (3800m on node-a)" in result.stdout
    write(tmp_path, ".manikit.yaml", f"nodes: {NODES}\n")
    monkeypatch.chdir(tmp_path)
    assert "MK111" in run_cli("lint", str(big)).stdout


def test_standard_input() -> None:
    result = run_cli("lint", "-", input=ERRORS.read_text())
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:18:29: error MK102")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lint", "no/such/dir"], "no/such/dir: no such file or directory"),
        (["lint", "--format", "xml", "x"], "Invalid value for '--output'"),
        (["lint", "--nodes", "missing-nodes.yaml", "x.yaml"], "missing-nodes.yaml"),
        (["lint", "--config", "missing.yaml", "x.yaml"], "missing.yaml: no such configuration file"),
    ],
    ids=["missing-path", "bad-format", "missing-nodes", "missing-config"],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_no_manifests_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("lint", str(empty))
    assert result.exit_code == 2 and "no manifests found" in result.stderr


def test_bad_config_exit_2_with_file_and_line(tmp_path: Path) -> None:
    config = write(tmp_path, "bad.yaml", "rules:\n  naked-pod: sometimes\n")
    result = run_cli("lint", "--config", str(config), str(ERRORS))
    assert result.exit_code == 2
    assert f"error: {config}:2:14: level 'sometimes' is not one of off, info, warning, error" in result.stderr


def test_bad_nodes_file_exit_2(tmp_path: Path) -> None:
    nodes = write(tmp_path, "nodes.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n")
    result = run_cli("lint", "--nodes", str(nodes), str(ERRORS))
    assert result.exit_code == 2 and "no Node manifest" in result.stderr


def test_internal_error_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
        raise RuntimeError("boom")

    monkeypatch.setitem(RULES, "MK103", dataclasses.replace(RULES["MK103"], check=broken))
    result = run_cli("lint", "--jobs", "1", str(ERRORS))
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.stderr


def test_whole_process_parallel_run(tmp_path: Path) -> None:
    """The installed script with worker processes: same findings as in one process."""
    paths = [str(p) for p in sorted(RULE_FIXTURES.glob("*/fail.yaml"))]
    serial = run_process("lint", "-o", "json", "--jobs", "1", *paths, cwd=tmp_path)
    parallel = run_process("lint", "-o", "json", "--jobs", "2", *paths, cwd=tmp_path)
    assert serial.exit_code == parallel.exit_code == 1
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)


def test_templates_with_values_and_set() -> None:
    """Templates render with --values/--set as in validate; findings point into the template."""
    templated = EXAMPLES / "templated"
    production = templated / "values" / "production.yaml"
    assert run_cli("lint", "--fail-on", "warning", str(templated), "--values", str(production)).exit_code == 0
    result = run_cli(
        "lint", str(templated), "--set", "web.image.tag=latest", "--set", "web.resources.limits.cpu=50m"
    )
    assert result.exit_code == 1
    heads = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    template = templated / "web-deployment.yaml.j2"
    assert heads[0].startswith(f"{template}:32:18: warning MK301 latest-tag: ")
    assert heads[1].startswith(f"{template}:42:13: error MK102 limit-below-request: ")
    assert "image: {{ web.image.repository }}:{{ web.image.tag }}" in result.stdout
