"""The pre-commit hooks, for real: `pre-commit try-repo` of this repository's HEAD commit on a temp git
repository with a good and a bad manifest. pre-commit installs manikit into a virtualenv of its own
from the committed tree (the dependencies come from the package index), so this test is slow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import REPO
from tests.lint.helpers import RULE_FIXTURES

HOOKS = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def test_hooks_file_declares_both_hooks() -> None:
    hooks = {h["id"]: h for h in YAML(typ="safe").load(HOOKS.read_text())}
    assert set(hooks) == {"manikit-lint", "manikit-validate"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True  # cross-object rules need every file in one run
        assert hook["files"] == r"\.(ya?ml|json)$"
    assert hooks["manikit-lint"]["entry"] == "manikit lint"
    assert hooks["manikit-validate"]["entry"] == "manikit validate"


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.slow
def test_try_repo_passes_a_good_manifest_and_fails_a_bad_one(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed; pre-commit needs it")
    if not PRE_COMMIT.exists():
        pytest.skip(f"pre-commit is not installed at {PRE_COMMIT} (pip install -e '.[test]')")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(tmp_path),  # no user git config, no user pre-commit cache
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "NO_COLOR": "1",
    }
    try:
        head = _git("rev-parse", "HEAD", cwd=REPO, env=env)
        _git("cat-file", "-e", f"{head}:.pre-commit-hooks.yaml", cwd=REPO, env=env)
    except subprocess.CalledProcessError:
        pytest.skip(f"{REPO} is not a git checkout with .pre-commit-hooks.yaml committed")
    work = tmp_path / "work"
    work.mkdir()
    (work / "good.yaml").write_text((RULE_FIXTURES / "limit-below-request" / "pass.yaml").read_text())
    (work / "bad.yaml").write_text((RULE_FIXTURES / "limit-below-request" / "fail.yaml").read_text())
    _git("init", "-q", cwd=work, env=env)
    _git("add", "good.yaml", "bad.yaml", cwd=work, env=env)

    def try_repo(hook: str, file: str) -> subprocess.CompletedProcess[str]:
        command = [str(PRE_COMMIT), "try-repo", str(REPO), hook, "--ref", head, "--files", file]
        return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=900)

    good = try_repo("manikit-lint", "good.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "manikit lint" in good.stdout and "Passed" in good.stdout
    bad = try_repo("manikit-lint", "bad.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "bad.yaml:18:29: error MK102 limit-below-request" in bad.stdout
    validate = try_repo("manikit-validate", "good.yaml")
    assert validate.returncode == 0, validate.stdout + validate.stderr
