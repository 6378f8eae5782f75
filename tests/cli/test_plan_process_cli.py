"""``manikit plan`` as a process ends without the interpreter's teardown (``cli.main
.end_without_teardown``): what it prints and its exit code are exactly what the same plan says in
this process (where nothing ends early), whatever the output's size; a stdout that cannot take the
output ends the process as the interpreter's own exit does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import Result, ends_on_a_full_disk, run_cli, run_process

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web-{i}, namespace: shop, labels: {{app: web-{i}}}}}
spec:
  replicas: 0
  selector: {{matchLabels: {{app: web-{i}}}}}
  template:
    metadata: {{labels: {{app: web-{i}}}}}
    spec:
      containers:
        - name: web
          image: nginx:{tag}
"""
ENV = {"MANIKIT_NOW": "2025-06-01T12:00:00Z", "NO_COLOR": "1"}


def manifests(root: Path, tag: str, count: int = 200) -> Path:
    docs = ["apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"]
    docs += [DEPLOYMENT.format(i=i, tag=tag if i % 2 else "1.27") for i in range(count)]
    (root / "all.yaml").write_text("---\n".join(docs), encoding="utf-8")
    return root / "all.yaml"


def in_process(*args: str) -> Result:
    return run_cli(*args, env=ENV)


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_the_process_says_what_the_plan_says(tmp_path: Path, output: str) -> None:
    state = tmp_path / "state.db"
    path = manifests(tmp_path, "1.27")
    created = run_process(
        "plan", "--state", str(state), "-o", output, "--detailed-exitcode", str(path), env=ENV
    )
    assert created.exit_code == 2, created.stderr
    if output != "markdown":  # (cut to fit a GitHub comment)
        assert len(created.stdout) > 65_536  # more than a pipe holds: all of it flushed before the end
    applied = run_process("apply", "--state", str(state), "--auto-approve", str(path), env=ENV)
    assert applied.exit_code == 0, applied.stderr
    for tag in ("1.27", "1.28"):  # no change, then half of them changed
        path = manifests(tmp_path, tag)
        args = ("plan", "--state", str(state), "-o", output, "--detailed-exitcode", str(path))
        process, here = run_process(*args, env=ENV), in_process(*args)
        assert (process.exit_code, process.stdout, process.stderr) == (
            here.exit_code,
            here.stdout,
            here.stderr,
        )
        assert process.exit_code == (0 if tag == "1.27" else 2)


def test_a_refused_plan_exits_as_it_says(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    path = manifests(tmp_path, "1.27", count=3)
    assert run_process("apply", "--state", str(state), "--auto-approve", str(path), env=ENV).exit_code == 0
    text = path.read_text(encoding="utf-8").replace("matchLabels: {app: web-1}", "matchLabels: {app: web-9}")
    path.write_text(text.replace("labels: {app: web-1}}", "labels: {app: web-9}}"), encoding="utf-8")
    args = ("plan", "--state", str(state), str(path))
    process, here = run_process(*args, env=ENV), in_process(*args)
    assert process.exit_code == here.exit_code == 1
    assert (process.stdout, process.stderr) == (here.stdout, here.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_stdout_that_takes_nothing_ends_the_process_as_the_interpreter_would(tmp_path: Path) -> None:
    """The fast end only follows a flush that worked: a full disk is the interpreter's to report."""
    path = manifests(tmp_path, "1.27", count=20)
    args = ["plan", "--state", str(tmp_path / "state.db"), str(path)]
    ended = ends_on_a_full_disk(lambda _: args, ENV)
    assert ended[0] == ended[1]
    assert ended[0][0] != 0
