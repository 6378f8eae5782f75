"""README's command blocks run as written from a fresh clone: every `manikit ...` line of every ```sh
block, in README order (the plan and apply blocks make the state the later blocks read), in a clone
of this checkout's HEAD. Lines that are not manikit commands are named in SKIPPED with the reason.
Every ```python block runs as a new user's script would, in a clone of its own."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

README = REPO / "README.md"
MANIKIT = Path(sys.executable).with_name("manikit")
#: Commands README shows that this test does not run, and why.
SKIPPED = {
    "make": "make demo / make test build a virtualenv: CI runs them itself",
    "pip": "installs from the package index",
    "export": "the etcd block needs a running etcd cluster (tests/runtime/store covers etcd)",
}


def shell_blocks(text: str) -> list[list[str]]:
    """The command lines of each ```sh block (comments and blank lines dropped)."""
    blocks = []
    for body in re.findall(r"```sh\n(.*?)```", text, re.S):
        lines = [shlex.split(line, comments=True) for line in body.splitlines()]
        blocks.append([shlex.join(words) for words in lines if words])
    return blocks


def commands() -> list[list[str]]:
    found = []
    for block in shell_blocks(README.read_text(encoding="utf-8")):
        if any("etcd://" in line for line in block):
            continue  # needs an etcd cluster
        if any(line.startswith("manikit serve") for line in block):
            continue  # a server that runs until stopped, and kubectl: tests/server runs both
        for line in block:
            words = shlex.split(line)
            if words[0] in SKIPPED:
                continue
            assert words[0] == "manikit", f"README runs {line!r}: add it to SKIPPED with a reason, or fix it"
            found.append(words)
    return found


def test_readme_blocks_are_found() -> None:
    found = commands()
    assert len(found) >= 30
    assert ["manikit", "get", "deployment.apps/web", "-n", "shop", "-o", "yaml"] in found


def fresh_clone(tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    if shutil.which("git") and (REPO / ".git").exists():
        done = subprocess.run(
            ["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            return clone
    shutil.copytree(REPO / "examples", clone / "examples")  # not a git checkout: what the blocks read
    return clone


@pytest.mark.slow
def test_every_readme_command_runs_as_written_from_a_clone(tmp_path: Path) -> None:
    clone = fresh_clone(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MANIKIT")}
    env.update(
        {
            "NO_COLOR": "1",
            "MANIKIT_NOW": "2025-06-01T12:00:00Z",
            "MANIKIT_CACHE_DIR": "off",
            "HOME": str(tmp_path),
        }
    )
    for words in commands():
        done = subprocess.run(
            [str(MANIKIT), *words[1:]], cwd=clone, env=env, capture_output=True, text=True, timeout=300
        )
        shown = shlex.join(words)
        assert done.returncode == 0, (
            f"{shown} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
        assert "Traceback" not in done.stderr, shown
    assert (clone / "manikit.sarif").is_file() and (clone / "release.mkplan").is_file()
    assert (clone / ".manikit" / "state.db").is_file()


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_readme_python_blocks_are_found() -> None:
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert blocks and all("import manikit" in block for block in blocks)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks(README.read_text(encoding="utf-8")))))
def test_every_readme_python_block_runs_as_written_from_a_clone(tmp_path: Path, index: int) -> None:
    clone = fresh_clone(tmp_path)
    script = clone / "example.py"
    script.write_text(python_blocks(README.read_text(encoding="utf-8"))[index], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MANIKIT")}
    env.update({"MANIKIT_CACHE_DIR": "off", "HOME": str(tmp_path), "PYTHONSAFEPATH": "1"})
    done = subprocess.run(
        [sys.executable, str(script)], cwd=clone, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"README python block {index} failed:\n{done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr
    if index == 0:  # the example's own printed results: the plan, the apply, the rollout, a refusal
        assert "{'create': 4}" in done.stdout and "created 4 objects" in done.stdout
        assert "web ready: 3 of 3" in done.stdout
        assert "refused: the manifests have 2 error(s): <text>:" in done.stdout


# a figure may break across lines: "5,986\npods/s" is one figure
FIGURE = re.compile(r"\b\d[\d,]*(?:\.\d+)?\s+(?:s|ms|MiB|resources/s|objects/s|pods/s|writes/s)\b")


def test_readme_performance_figures_come_from_bench_figures() -> None:
    """Every figure README's Performance sections quote is in bench/FIGURES.md (make bench), so two
    figures of one thing cannot come from different runs; the etcd section says it is from elsewhere."""
    figures = (REPO / "bench" / "FIGURES.md").read_text(encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    sections = re.findall(r"### Performance\n(.*?)(?=\n## |\Z)", readme, re.S)
    assert len(sections) >= 6
    quoted = [
        f
        for section in sections
        if "earlier run of this script" not in section
        for f in FIGURE.findall(section)
    ]
    assert len(quoted) >= 20
    missing = [f for f in quoted if re.sub(r"\s+", " ", f.replace("*", "")) not in figures]
    assert missing == [], f"README quotes figures that bench/FIGURES.md does not hold: {missing}"
