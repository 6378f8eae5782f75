"""The command's process ends fast and loses nothing: ``run()`` freezes the heap before the interpreter's
teardown (issue 17), and what the command printed, committed and exited with is what a normal exit
gives."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from manikit.cli import main as cli_main
from tests.cli.helpers import ends_on_a_full_disk, many_apps, run_cli, run_process

NOW = {"MANIKIT_NOW": "2025-01-01T00:00:00Z"}


def _many(path: Path, count: int) -> Path:
    """``count`` Deployments (0 replicas) and their Services in one file: a plan printed on stdout far
    larger than a pipe's buffer."""
    path.write_text(many_apps(count), encoding="utf-8")
    return path


def test_run_freezes_the_heap_then_exits_with_the_commands_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_main, "main", lambda **_: 4)
    monkeypatch.setattr(cli_main, "_END_FAST", [False])  # an in-process plan earlier in this worker set it
    try:
        with pytest.raises(SystemExit) as done:
            cli_main.run()
        assert done.value.code == 4
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(700, 10, 10)  # run() raised them for a command's process; pytest's defaults back


def test_a_piped_apply_prints_everything_commits_and_exits_0(tmp_path: Path) -> None:
    manifest = str(_many(tmp_path / "many.yaml", 150))
    state = str(tmp_path / "state.db")
    piped = run_process("apply", "--state", state, "--auto-approve", manifest, env=NOW)
    assert piped.exit_code == 0, piped.stderr
    assert len(piped.stdout.encode()) > 256 * 1024  # several pipe buffers: flushed at exit or lost
    # the same command in this process, a normal return: the same bytes on stdout
    here = run_cli("apply", "--state", str(tmp_path / "here.db"), "--auto-approve", manifest, env=NOW)
    assert here.exit_code == 0, here.stderr
    assert piped.stdout == here.stdout
    assert piped.stdout.endswith("150 of 150 deployments fully rolled out\n")
    # committed: a later process plans no change and reads what the apply and its reconcile wrote
    again = run_process("plan", "--state", state, manifest, "--detailed-exitcode", "--no-preview", env=NOW)
    assert again.exit_code == 0, again.stdout + again.stderr
    listed = run_process("get", "replicasets", "--state", state, env=NOW)
    assert listed.exit_code == 0, listed.stderr
    assert len([line for line in listed.stdout.splitlines() if line.startswith("web-")]) == 150


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(("plan", "--detailed-exitcode", "--no-preview"), 2, id="changes-present"),
        pytest.param(("apply", "--auto-approve", "--timeout", "x"), 2, id="usage-error"),
        pytest.param(("apply",), 1, id="refused-without-a-terminal"),
    ],
)
def test_exit_codes_survive_the_fast_exit(tmp_path: Path, args: tuple[str, ...], code: int) -> None:
    manifest = str(_many(tmp_path / "many.yaml", 3))
    done = run_process(*args, "--state", str(tmp_path / "state.db"), manifest, env=NOW)
    assert done.exit_code == code, done.stdout + done.stderr


def test_python_dash_m_exits_the_same_way(tmp_path: Path) -> None:
    """``python -m manikit`` goes through the same ``run()``."""
    manifest = str(_many(tmp_path / "many.yaml", 2))
    state = str(tmp_path / "s.db")
    done = subprocess.run(
        [sys.executable, "-m", "manikit", "apply", "--state", state, "--auto-approve", manifest],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Apply complete! Resources: 4 added" in done.stdout


def test_an_apply_ends_without_teardown_only_once_its_state_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``apply`` asks for the fast end (``end_without_teardown``) after its state is committed and
    closed; an apply that fails (here: refused without a terminal) ends as before."""
    manifest = str(_many(tmp_path / "many.yaml", 3))
    monkeypatch.setattr(cli_main, "_END_FAST", [False])
    refused = run_cli("apply", "--state", str(tmp_path / "s.db"), manifest, env=NOW)
    assert refused.exit_code == 1
    assert cli_main._END_FAST == [False]
    done = run_cli("apply", "--state", str(tmp_path / "s.db"), "--auto-approve", manifest, env=NOW)
    assert done.exit_code == 0, done.stderr
    assert cli_main._END_FAST == [True]
    cli_main._END_FAST[0] = False
    unchanged = run_cli("apply", "--state", str(tmp_path / "s.db"), "--auto-approve", manifest, env=NOW)
    assert unchanged.exit_code == 0, unchanged.stderr
    assert "No changes." in unchanged.stdout
    assert cli_main._END_FAST == [True]


def test_an_apply_keeps_its_control_plane_to_the_end_of_its_process_only(tmp_path: Path) -> None:
    """What the fast end keeps from being freed on the way out (the control plane and its caches, the
    plan) stays until the process ends, through run(); an in-process caller gets it freed when main()
    returns."""
    manifest = str(_many(tmp_path / "many.yaml", 3))
    done = run_cli("apply", "--state", str(tmp_path / "here.db"), "--auto-approve", manifest, env=NOW)
    assert done.exit_code == 0, done.stderr
    assert cli_main._KEPT == []
    entry = (
        "import sys; from manikit.cli import main as m\n"
        "code = m.main(sys.argv[1:], process_ends=True)\n"
        "print('kept', [type(k).__name__ for k in m._KEPT]); sys.exit(code)"
    )
    args = ["apply", "--state", str(tmp_path / "s.db"), "--auto-approve", manifest]
    ended = subprocess.run(
        [sys.executable, "-c", entry, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **NOW},
        timeout=120,
    )
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout.rstrip().endswith("kept ['ControlPlane', 'Plan']")


def test_an_apply_that_ends_fast_leaves_its_state_checkpointed(tmp_path: Path) -> None:
    """The process's state is as a normal exit leaves it: closed, its write-ahead log checkpointed into
    the file (no -wal left), readable by a later process, and the same as the in-process apply's."""
    manifest = str(_many(tmp_path / "many.yaml", 40))
    states = {name: tmp_path / f"{name}.db" for name in ("process", "here")}
    done = run_process("apply", "--state", str(states["process"]), "--auto-approve", manifest, env=NOW)
    here = run_cli("apply", "--state", str(states["here"]), "--auto-approve", manifest, env=NOW)
    assert (done.exit_code, done.stdout, done.stderr.replace("process.db", "here.db")) == (
        here.exit_code,
        here.stdout,
        here.stderr,
    )
    wal = Path(f"{states['process']}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    listed = {
        name: run_process("get", "deployments", "-A", "--state", str(path), env=NOW)
        for name, path in states.items()
    }
    assert listed["process"].exit_code == 0, listed["process"].stderr
    assert listed["process"].stdout == listed["here"].stdout
    assert listed["process"].stdout.count("web-") == 40


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_apply_whose_stdout_takes_nothing_ends_as_the_interpreter_would(tmp_path: Path) -> None:
    """The fast end only follows a flush that worked: a full disk is the interpreter's to report."""

    manifest = str(_many(tmp_path / "many.yaml", 20))
    ended = ends_on_a_full_disk(
        lambda i: ["apply", "--state", str(tmp_path / f"s{i}.db"), "--auto-approve", manifest], NOW
    )
    assert ended[0] == ended[1]
    assert ended[0][0] != 0


def test_a_full_disk_is_said_as_the_users_error_and_nothing_is_applied(tmp_path: Path) -> None:
    """Not "a bug in manikit": the machine's disk is full (stdout here), exit 1, the apply not made."""
    manifest = str(_many(tmp_path / "many.yaml", 200))  # a plan far larger than stdout's buffer
    ended = ends_on_a_full_disk(
        lambda i: ["apply", "--state", str(tmp_path / f"s{i}.db"), "--auto-approve", manifest], NOW
    )
    assert ended == [(1, "error: cannot write: No space left on device")] * 2
    for i in range(2):
        listed = run_cli("get", "deployments", "-A", "--state", str(tmp_path / f"s{i}.db"))
        assert "web-" not in listed.stdout


def test_other_os_errors_are_still_bugs(monkeypatch: pytest.MonkeyPatch) -> None:
    import manikit.cli.app as app_module

    def denied(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(app_module, "app", denied)
    done = run_cli("validate", "x.yaml")
    assert done.exit_code == 3 and "This is a bug in manikit" in done.stderr
