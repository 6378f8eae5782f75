"""The GitHub Action: action.yml parses, every input is used; its run step (scripts/action-run.sh)
lints, prints annotations, writes SARIF and the step outputs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import EXAMPLES, REPO
from tests.lint.helpers import RULE_FIXTURES

ACTION = REPO / "action.yml"
SCRIPT = REPO / "scripts" / "action-run.sh"


def test_action_parses_and_uses_every_input() -> None:
    action = YAML(typ="safe").load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    inputs = set(action["inputs"])
    assert inputs == {"paths", "config", "fail-on", "format", "sarif-file"}
    steps = json.dumps(action["runs"]["steps"])
    used = set(re.findall(r"inputs\.([a-z-]+)", steps))
    assert used == inputs
    lint = next(s for s in action["runs"]["steps"] if s.get("id") == "lint")
    assert lint["shell"] == "bash" and "action-run.sh" in lint["run"]
    assert "${{" not in lint["run"]  # inputs reach the script as environment, never as code
    for output in action["outputs"].values():
        assert output["value"].startswith("${{ steps.lint.outputs.")


def run_step(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    outputs, summary = tmp_path / "github_output", tmp_path / "summary.md"
    env = {
        **os.environ,
        "MANIKIT": str(Path(sys.executable).with_name("manikit")),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "NO_COLOR": "1",
        **{f"MANIKIT_{k.upper()}": v for k, v in inputs.items()},
    }
    done = subprocess.run(
        ["bash", str(SCRIPT)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert summary.read_text().startswith("manikit lint ")
    return done, values


def test_run_step_with_findings(tmp_path: Path) -> None:
    bad = RULE_FIXTURES / "limit-below-request" / "fail.yaml"
    done, outputs = run_step(
        tmp_path, paths=f"{bad} {EXAMPLES / 'app'}", sarif_file="out.sarif", fail_on="error"
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(f"::error file={bad},line=18,col=29,title=MK102 limit-below-request::")
    assert outputs == {"exit-code": "1", "sarif-file": "out.sarif"}
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["MK102", "MK102"]


def test_run_step_clean_with_config_and_no_sarif(tmp_path: Path) -> None:
    (tmp_path / "strict.yaml").write_text("fail-on: warning\n")
    done, outputs = run_step(
        tmp_path, paths=str(EXAMPLES / "app"), config="strict.yaml", sarif_file="", format="text"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs == {"exit-code": "0", "sarif-file": ""}


def test_run_step_usage_error_is_exit_2(tmp_path: Path) -> None:
    done, outputs = run_step(tmp_path, paths="does-not-exist")
    assert done.returncode == 2
    assert outputs["exit-code"] == "2"
    assert "does-not-exist: no such file or directory" in done.stderr
