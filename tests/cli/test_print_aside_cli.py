"""An approved apply's big plan printed by a child while the parent applies it (cli/print_aside.py):
what anyone reads, and what is applied, is what the apply printing it in turn gives."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from manikit.cli import print_aside
from manikit.cli.print_aside import can_print_aside, printed_aside
from manikit.plan.actions import Plan
from tests.cli.helpers import many_apps, run_cli

NOW = {"MANIKIT_NOW": "2025-01-01T00:00:00Z", "NO_COLOR": "1"}


def _entry(aside: bool) -> str:
    """The console entry, printing aside from the first change (or never), and saying in the file
    $ASIDE_MARK each time it forks to print."""
    least = 1 if aside else 10**9
    return (
        "import os, manikit.cli.print_aside as p\n"
        f"p.ASIDE_MIN_CHANGES = {least}\n"
        "forked = p.printed_aside\n"
        "def marked(plan):\n"
        "    with open(os.environ['ASIDE_MARK'], 'a') as mark:\n"
        "        mark.write('forked\\n')\n"
        "    return forked(plan)\n"
        "p.printed_aside = marked\n"
        "from manikit.cli.main import run; run()"
    )


def _many(path: Path, count: int) -> Path:
    path.write_text(many_apps(count, replicas=1), encoding="utf-8")
    return path


def _apply(tmp: Path, manifest: Path, aside: bool, stdout: int | object, stderr: int | object) -> int:
    """`manikit apply --auto-approve` as a process, onto the state tmp/s.db; its exit code."""
    env = {**os.environ, **NOW, "ASIDE_MARK": str(tmp / "mark")}
    args = ["apply", "--state", str(tmp / "s.db"), "--auto-approve", str(manifest)]
    done = subprocess.run(
        [sys.executable, "-c", _entry(aside), *args], stdout=stdout, stderr=stderr, env=env, timeout=120
    )
    return done.returncode


def _state(tmp: Path) -> str:
    listed = run_cli(
        "get", "deployments,replicasets,services,pods", "-A", "-o", "json", "--state", str(tmp / "s.db")
    )
    assert listed.exit_code == 0, listed.stderr
    return listed.stdout


def _ours(state: str) -> list[object]:
    """The objects of ``_many`` in a listing (not the default namespace's kubernetes Service)."""
    return [item for item in json.loads(state)["items"] if item["metadata"]["name"].startswith("web-")]


def _forked(tmp: Path) -> bool:
    return (tmp / "mark").exists()


@pytest.mark.parametrize("together", [True, False], ids=["stdout-and-stderr-in-one-file", "apart"])
def test_the_output_and_the_state_are_those_of_an_apply_printing_in_turn(
    tmp_path: Path, together: bool
) -> None:
    manifest = _many(tmp_path / "many.yaml", 40)
    seen = {}
    for aside in (False, True):
        run = tmp_path / ("aside" if aside else "in-turn")
        run.mkdir()
        with open(run / "out", "wb") as out, open(run / "err", "wb") as err:
            code = _apply(run, manifest, aside, out, out if together else err)
        assert code == 0, (run / "err").read_text()
        assert _forked(run) is aside
        texts = [(run / name).read_text().replace(str(run), "RUN") for name in ("out", "err")]
        seen[aside] = (texts, _state(run))
    assert seen[True] == seen[False]
    (out, err), state = seen[True]
    assert out.index("Plan: 80 to add") < out.index("Apply complete!")
    if together:  # what the parent says on stderr comes after the whole plan, as in turn
        assert out.index("web-39") < out.index("applying 80 changes")
    assert len(_ours(state)) == 40 * 4  # each Deployment, its ReplicaSet, pod and Service


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_plan_stdout_does_not_take_is_not_applied(tmp_path: Path) -> None:
    manifest = _many(tmp_path / "many.yaml", 40)
    ended = {}
    for aside in (False, True):
        run = tmp_path / ("aside" if aside else "in-turn")
        run.mkdir()
        with open("/dev/full", "wb") as full:
            code = _apply(run, manifest, aside, full, subprocess.PIPE)
        assert _forked(run) is aside
        assert _ours(_state(run)) == []  # nothing applied
        ended[aside] = code
    assert ended[True] == ended[False] != 0


def test_a_reader_that_stops_early_gets_nothing_applied(tmp_path: Path) -> None:
    """`manikit apply -y big.yaml | head -1`: the plan is larger than the pipe, the writer meets the
    closed pipe, and the apply does not happen, aside or in turn."""
    manifest = _many(tmp_path / "many.yaml", 200)
    for aside in (False, True):
        run = tmp_path / ("aside" if aside else "in-turn")
        run.mkdir()
        env = {**os.environ, **NOW, "ASIDE_MARK": str(run / "mark")}
        args = ["apply", "--state", str(run / "s.db"), "--auto-approve", str(manifest)]
        with subprocess.Popen(
            [sys.executable, "-c", _entry(aside), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        ) as proc:
            assert proc.stdout is not None
            assert proc.stdout.readline().startswith(b"Plan: 400 to add")
            proc.stdout.close()
            proc.wait(timeout=120)
        assert _forked(run) is aside
        assert _ours(_state(run)) == []


def _plan(changes: int = 0) -> Plan:
    plan = Plan(changes=(), store_id="s", base_revision=0, applyset="default")
    object.__setattr__(plan, "changes", (None,) * changes)  # only counted
    return plan


def test_only_a_big_plan_to_a_file_or_pipe_on_an_atomic_cluster_is_printed_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big, small = _plan(print_aside.ASIDE_MIN_CHANGES), _plan(print_aside.ASIDE_MIN_CHANGES - 1)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    with open(tmp_path / "out", "w") as file:
        monkeypatch.setattr(sys, "stdout", file)
        assert can_print_aside(big, atomic=True)
        assert not can_print_aside(small, atomic=True)
        assert not can_print_aside(big, atomic=False)  # a real cluster's writes cannot wait
        monkeypatch.setenv("FORCE_COLOR", "1")
        assert not can_print_aside(big, atomic=True)  # rich prints colours line by line
    monkeypatch.delenv("FORCE_COLOR")
    primary, secondary = os.openpty()
    with os.fdopen(secondary, "w") as terminal:
        monkeypatch.setattr(sys, "stdout", terminal)
        assert not can_print_aside(big, atomic=True)  # a person reads a terminal as it comes
    os.close(primary)
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # an in-process capture (CliRunner): no file,
    assert not can_print_aside(big, atomic=True)  # a child's text would be lost


def test_the_parent_goes_on_only_once_the_plan_is_whole_even_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open(tmp_path / "out", "w") as file:
        monkeypatch.setattr(sys, "stdout", file)
        with pytest.raises(ValueError), printed_aside(_plan()) as aside:
            raise ValueError("the apply failed")
        print("after")
    text = (tmp_path / "out").read_text()
    assert text.endswith("after\n") and "No changes" in text.split("after")[0]
    with pytest.raises(ChildProcessError):
        os.waitpid(aside._pid, os.WNOHANG)  # the child was reaped


def test_what_printing_raised_is_raised_by_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open("/dev/full", "w") as full:
        monkeypatch.setattr(sys, "stdout", full)
        with pytest.raises(OSError) as raised, printed_aside(_plan()) as aside:
            aside.wait()
        assert raised.value.errno == 28  # ENOSPC, as printing in turn raises it
    import manikit.cli.plan_support as plan_support

    def broken(*_: object) -> None:
        raise KeyError("a bug in rendering")

    monkeypatch.setattr(plan_support, "print_plan", broken)
    with open(tmp_path / "out", "w") as file:
        monkeypatch.setattr(sys, "stdout", file)
        with pytest.raises(RuntimeError, match="KeyError"), printed_aside(_plan()) as aside:
            aside.wait()


def test_a_child_interrupted_stops_the_parent_as_ctrl_c_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import manikit.cli.plan_support as plan_support

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(plan_support, "print_plan", interrupted)
    with open(tmp_path / "out", "w") as file:
        monkeypatch.setattr(sys, "stdout", file)
        with pytest.raises(KeyboardInterrupt), printed_aside(_plan()) as aside:
            aside.wait()
