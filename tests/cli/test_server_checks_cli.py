"""The API server's checks through the CLI: they cannot be switched off by the configuration or
suppressed by an annotation or comment (each attempt is said so), and every code is explained and
listed in SARIF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli
from tests.lint.helpers import RULE_FIXTURES, write

FAIL = RULE_FIXTURES / "limit-below-request" / "fail.yaml"


def test_validate_reports_the_server_errors(tmp_path: Path) -> None:
    result = run_cli("validate", str(FAIL))
    assert result.exit_code == 1
    assert f"{FAIL}:18:29: error MK102 limit-below-request: " in result.stdout


@pytest.mark.parametrize(
    "config",
    [
        "rules:\n  limit-below-request: warning\n",
        "rules:\n  MK102: off\n",
        "ignore:\n  - {rule: MK102, kind: Deployment}\n",
    ],
    ids=["level", "off", "ignore"],
)
def test_config_cannot_switch_a_server_check_off(tmp_path: Path, config: str) -> None:
    path = write(tmp_path, ".manikit.yaml", config)
    result = run_cli("lint", "--config", str(path), str(FAIL))
    assert result.exit_code == 2
    assert (
        "MK102 limit-below-request is an error of the Kubernetes API server: it cannot be switched off"
        in (result.stderr)
    )


def test_annotation_cannot_suppress_a_server_check(tmp_path: Path) -> None:
    text = FAIL.read_text().replace(
        "  name: web\n", '  name: web\n  annotations: {manikit.dev/ignore: "MK102"}\n', 1
    )
    manifest = write(tmp_path, "d.yaml", text)
    result = run_cli("lint", "--format", "json", str(manifest))
    problems = json.loads(result.stdout)["problems"]
    assert [p["code"] for p in problems if p["level"] == "error"].count("MK102") == 2
    refused = [p for p in problems if p["code"] == "MK900"]
    assert refused and refused[0]["line"] == 5
    assert (
        "MK102 limit-below-request cannot be suppressed: the Kubernetes API server refuses"
        in refused[0]["message"]
    )


def test_comment_cannot_suppress_a_server_check(tmp_path: Path) -> None:
    text = FAIL.read_text().replace(
        'requests: {cpu: "2", memory: 1Gi}', 'requests: {cpu: "2", memory: 1Gi}  # manikit: ignore[MK102]'
    )
    manifest = write(tmp_path, "d.yaml", text)
    result = run_cli("lint", "--format", "json", str(manifest))
    codes = [p["code"] for p in json.loads(result.stdout)["problems"]]
    assert codes.count("MK102") == 2 and "MK900" in codes


def test_sarif_lists_every_catalogued_code(tmp_path: Path) -> None:
    result = run_cli("lint", "--format", "sarif", str(FAIL))
    ids = {rule["id"] for rule in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert {"MK015", "MK020", "MK021", "MK022", "MK023", "MK102", "MK202", "MK900"} <= ids
