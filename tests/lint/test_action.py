"""The GitHub Action: action.yml parses and uses every input; its run step (scripts/action_run.py) is run
as a runner runs it (a GITHUB_* environment in a temp dir), on an ordinary repository, and its SARIF
is checked against the SARIF 2.1.0 schema (a copy kept in tests/schemas, with its OASIS notice)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from tests.conftest import REPO
from tests.lint.helpers import RULE_FIXTURES
from tests.ordinary_repo import make_ordinary_repo

ACTION = REPO / "action.yml"
SCRIPT = REPO / "scripts" / "action_run.py"
SARIF_SCHEMA = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
BAD = (RULE_FIXTURES / "limit-below-request" / "fail.yaml").read_text()


def test_action_parses_and_uses_every_input() -> None:
    action = YAML(typ="safe").load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    inputs = set(action["inputs"])
    assert inputs == {"paths", "config", "fail-on", "format", "sarif-file", "only-changed"}
    steps = json.dumps(action["runs"]["steps"])
    assert set(re.findall(r"inputs\.([a-z-]+)", steps)) == inputs
    lint = next(s for s in action["runs"]["steps"] if s.get("id") == "lint")
    assert lint["shell"] == "bash" and "scripts/action_run.py" in lint["run"]
    assert "${{" not in lint["run"]  # inputs reach the script as environment, never as code
    for output in action["outputs"].values():
        assert output["value"].startswith("${{ steps.lint.outputs.")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An ordinary repository checked out as a runner has it, with a bad manifest under bad/."""
    work = make_ordinary_repo(tmp_path / "workspace")
    (work / "bad" / "nested").mkdir(parents=True)
    (work / "bad" / "nested" / "web.yaml").write_text(BAD)
    return work


def run_action(
    workspace: Path, event: dict[str, object] | None = None, **inputs: str
) -> tuple[int, str, dict[str, str], str]:
    """The step as the runner runs it: (exit code, log, outputs, job summary)."""
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    outputs, summary, event_file = runner / "output", runner / "summary.md", runner / "event.json"
    for f in (outputs, summary):
        f.write_text("")
    event_file.write_text(json.dumps(event or {}))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MANIKIT"))},
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_EVENT_PATH": str(event_file),
        "GITHUB_EVENT_NAME": "push",
        "MANIKIT": str(Path(sys.executable).with_name("manikit")),
        "NO_COLOR": "1",
        **{f"MANIKIT_{k.upper()}": v for k, v in inputs.items()},
    }
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=workspace, env=env, capture_output=True, text=True, timeout=300
    )
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return done.returncode, done.stdout + done.stderr, values, summary.read_text()


def sarif_of(path: Path) -> dict[str, object]:
    log = json.loads(path.read_text())
    jsonschema.validate(log, SARIF_SCHEMA)
    return log


def test_default_paths_on_an_ordinary_repository_pass(workspace: Path) -> None:
    shutil.rmtree(workspace / "bad")
    code, log, outputs, summary = run_action(workspace)
    assert code == 0, log
    assert outputs == {"exit-code": "0", "sarif-file": "manikit.sarif", "findings": "0"}
    assert sarif_of(workspace / "manikit.sarif")["runs"][0]["results"] == []  # type: ignore[index]
    assert summary.startswith("## manikit lint: passed: no findings at or above error")
    assert "| error | 0 |" in summary


def test_multi_line_and_glob_paths_and_a_sarif_directory_that_does_not_exist(workspace: Path) -> None:
    code, log, outputs, summary = run_action(
        workspace, paths="deploy/*.yaml\n  bad/**/*.yaml\ntemplated", sarif_file="out/reports/x.sarif"
    )
    assert code == 1, log
    assert "::error file=bad/nested/web.yaml,line=18,col=29,title=MK102 limit-below-request::" in log
    assert outputs["exit-code"] == "1" and outputs["sarif-file"] == "out/reports/x.sarif"
    results = sarif_of(workspace / "out" / "reports" / "x.sarif")["runs"][0]["results"]  # type: ignore[index]
    assert [r["ruleId"] for r in results] == ["MK102", "MK102"]
    assert "Paths: `deploy/cache-pod.yaml` `deploy/namespace.yaml`" in summary
    assert "`bad/nested/web.yaml`" in summary and "`templated`" in summary
    assert "| error | 2 |" in summary and "| MK102 limit-below-request | 2 |" in summary
    assert "| `bad/nested/web.yaml:18` | error | MK102 limit-below-request | Invalid value: " in summary


def test_a_glob_that_matches_nothing_is_a_warning(workspace: Path) -> None:
    code, log, _, _ = run_action(workspace, paths="deploy nothing/**/*.yaml")
    assert code == 0, log
    assert "::warning title=manikit::paths: nothing/**/*.yaml matches no file" in log


@pytest.mark.parametrize(
    ("paths", "expected"), [("missing-dir", 2), ("deploy", 2)], ids=["missing", "bad-config"]
)
def test_sarif_is_written_when_the_run_fails(workspace: Path, paths: str, expected: int) -> None:
    config = "nope.yaml" if paths == "deploy" else ""
    code, log, outputs, summary = run_action(workspace, paths=paths, sarif_file="out/x.sarif", config=config)
    assert code == expected, log
    assert outputs["exit-code"] == str(expected) and outputs["sarif-file"] == "out/x.sarif"
    invocation = sarif_of(workspace / "out" / "x.sarif")["runs"][0]["invocations"][0]  # type: ignore[index]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == expected
    assert "error:" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert summary.startswith(f"## manikit lint: could not lint (exit {expected})")


def _git(workspace: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(workspace.parent),
    }
    done = subprocess.run(["git", *args], cwd=workspace, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_only_changed_annotates_the_lines_a_push_changed(workspace: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _git(workspace, "init", "-q")
    _git(workspace, "add", ".")
    _git(workspace, "commit", "-qm", "base")
    before = _git(workspace, "rev-parse", "HEAD")
    web = workspace / "deploy" / "web-deployment.yaml"
    web.write_text(web.read_text().replace("image: ", "image: nginx  # was: ", 1))
    text = web.read_text()
    changed_line = next(i for i, line in enumerate(text.splitlines(), 1) if "# was:" in line)
    _git(workspace, "commit", "-qam", "latest tag")
    _, log, outputs, _ = run_action(
        workspace, {"before": before}, paths=".", only_changed="true", fail_on="info"
    )
    annotations = [line for line in log.splitlines() if line.startswith("::")]
    assert annotations, log
    assert all("file=deploy/web-deployment.yaml" in a for a in annotations), annotations
    assert all(f"line={changed_line}," in a for a in annotations), annotations
    assert int(outputs["findings"]) > len(annotations)  # the bad/ findings are still counted, not annotated


def _script() -> object:
    spec = importlib.util.spec_from_file_location("action_run", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_summary_of_many_findings_is_cut_with_a_count() -> None:
    script: Any = _script()
    problems = [
        {
            "file": f"k8s/{i}.yaml",
            "line": 3,
            "level": "warning",
            "code": "MK301",
            "name": "latest-tag",
            "message": "x|y",
        }
        for i in range(45)
    ]
    text = script.summary_markdown(["k8s"], "error", 0, problems, "")
    assert "| warning | 45 |" in text and "| MK301 latest-tag | 45 |" in text
    assert text.count("| `k8s/") == script.SUMMARY_ROWS
    assert "... and 25 more findings" in text
    assert "x\\|y" in text  # a pipe in a message does not break the table


def test_paths_split_on_spaces_and_newlines_and_parse_diff() -> None:
    script: Any = _script()
    assert script.expand("a b\n  c\n")[0] == ["a", "b", "c"]
    diff = "+++ b/k8s/web.yaml\n@@ -3,0 +4,2 @@\n+x\n+y\n+++ b/k8s/svc.yaml\n@@ -1 +1 @@\n-a\n+b\n"
    assert script.parse_diff(diff) == {"k8s/web.yaml": {4, 5}, "k8s/svc.yaml": {1}}
