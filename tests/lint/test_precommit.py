"""The pre-commit hooks, for real: `pre-commit try-repo` of this repository's HEAD commit on a temp git
repository with a good and a bad manifest. pre-commit installs manikit into a virtualenv of its own
from the committed tree (the dependencies come from the package index), so this test is slow."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import REPO
from tests.lint.helpers import RULE_FIXTURES
from tests.ordinary_repo import make_ordinary_repo

HOOKS = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def test_hooks_file_declares_both_hooks() -> None:
    hooks = {h["id"]: h for h in YAML(typ="safe").load(HOOKS.read_text())}
    assert set(hooks) == {"manikit-lint", "manikit-validate"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True  # cross-object rules need every file in one run
        assert hook["files"] == r"\.(ya?ml|json|j2)$"  # templates and their values files too
        assert "exclude" not in hook  # non-manifests are passed over by manikit itself
    assert hooks["manikit-lint"]["entry"] == "manikit lint --hook"
    assert hooks["manikit-validate"]["entry"] == "manikit validate --hook"


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: manikit is installed into pre-commit's virtualenv once."""
    return tmp_path_factory.mktemp("pre-commit-cache")


def _environment(tmp_path: Path, cache: Path) -> dict[str, str]:
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
        "PRE_COMMIT_HOME": str(cache),
        "NO_COLOR": "1",
    }
    return env


def _head(env: dict[str, str]) -> str:
    try:
        head = _git("rev-parse", "HEAD", cwd=REPO, env=env)
        _git("cat-file", "-e", f"{head}:.pre-commit-hooks.yaml", cwd=REPO, env=env)
    except subprocess.CalledProcessError:
        pytest.skip(f"{REPO} is not a git checkout with .pre-commit-hooks.yaml committed")
    return head


@pytest.mark.slow
@pytest.mark.xdist_group("pre-commit")  # one worker, one cache: manikit is installed once (make unit)
def test_try_repo_passes_a_good_manifest_and_fails_a_bad_one(tmp_path: Path, cache: Path) -> None:
    env = _environment(tmp_path, cache)
    head = _head(env)
    work = tmp_path / "work"
    work.mkdir()
    (work / "good.yaml").write_text((RULE_FIXTURES / "limit-below-request" / "pass.yaml").read_text())
    bad = (RULE_FIXTURES / "limit-below-request" / "fail.yaml").read_text()
    (work / "bad.yaml").write_text(bad.replace("name: web\n", "name: web-bad\n", 1))  # hooks see both files
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


def documented_config() -> str:
    """README's .pre-commit-config.yaml block, as a user copies it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", readme, re.S)
    assert block is not None, "README shows no .pre-commit-config.yaml block"
    return block.group(1)


def test_documented_config_pins_a_commit_and_names_both_hooks() -> None:
    config = YAML(typ="safe").load(documented_config())
    repo = config["repos"][0]
    assert repo["repo"] == "https://github.com/manikit/manikit"
    assert re.fullmatch(r"<commit SHA>|[0-9a-f]{40}", repo["rev"])  # no tag exists before the first release
    assert [h["id"] for h in repo["hooks"]] == ["manikit-lint", "manikit-validate"]


@pytest.mark.slow
@pytest.mark.xdist_group("pre-commit")
def test_documented_config_on_an_ordinary_repository(tmp_path: Path, cache: Path) -> None:
    """Real pre-commit, README's config pointed at this checkout's HEAD, on a repository with workflows,
    compose files, a Helm chart, templates and manifests: commits of any of them pass; a bad manifest,
    or a values file that breaks a template, fails on that file only."""
    env = _environment(tmp_path, cache)
    head = _head(env)
    work = make_ordinary_repo(tmp_path / "work")
    config = documented_config().replace("https://github.com/manikit/manikit", str(REPO))
    config = re.sub(r"rev: (<commit SHA>|[0-9a-f]{40})", f"rev: {head}", config)
    (work / ".pre-commit-config.yaml").write_text(config)
    _git("init", "-q", cwd=work, env=env)
    _git("add", ".", cwd=work, env=env)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(PRE_COMMIT), "run", *args]
        return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=900)

    everything = run("--all-files")
    assert everything.returncode == 0, everything.stdout + everything.stderr
    assert everything.stdout.count("Passed") == 2
    alone = run("--files", "deploy/web-service.yaml", "package.json", ".github/workflows/ci.yml")
    assert alone.returncode == 0, alone.stdout  # a Service committed alone selects its pods in the tree
    excluded = run("--files", "vendor/broken.yaml")
    assert excluded.returncode == 0, excluded.stdout
    staging = work / "templated" / "values" / "staging.yaml"
    staging.write_text(staging.read_text() + "  resources: {limits: {memory: 1gb}}\n")
    broken = run("--files", "templated/values/staging.yaml")
    assert broken.returncode == 1, broken.stdout
    assert "templated/web-deployment.yaml.j2" in broken.stdout and "MK101 invalid-quantity" in broken.stdout
