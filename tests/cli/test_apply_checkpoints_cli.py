"""A big `manikit apply` leaves its state's checkpoints to a thread (runtime/store/checkpoints.py):
the same state and output as with checkpoints in each commit."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import manikit.cli.apply_cmd as apply_cmd
from manikit.runtime.store import checkpoints
from tests.cli.helpers import many_apps, run_cli

NOW = {"MANIKIT_NOW": "2025-01-01T00:00:00Z"}


def _manifest(path: Path, count: int) -> Path:
    path.write_text(many_apps(count, replicas=1, services=False), encoding="utf-8")
    return path


def test_an_apply_with_checkpoints_aside_ends_as_one_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = str(_manifest(tmp_path / "m.yaml", 30))
    started: list[int] = []
    thread_start = checkpoints.Checkpointer.start

    def counted(self: checkpoints.Checkpointer) -> None:
        started.append(1)
        thread_start(self)

    monkeypatch.setattr(checkpoints.Checkpointer, "start", counted)
    seen = {}
    for least in (1, 10**9):
        monkeypatch.setattr(apply_cmd, "CHECKPOINTS_ASIDE_MIN_CHANGES", least)
        state = tmp_path / f"s{least}.db"
        done = run_cli("apply", "--state", str(state), "--auto-approve", manifest, env=NOW)
        assert done.exit_code == 0, done.stderr
        listed = run_cli("get", "deployments,replicasets,pods", "-A", "-o", "json", "--state", str(state))
        assert listed.exit_code == 0, listed.stderr
        seen[least] = (done.stdout, listed.stdout)
        assert not Path(f"{state}-wal").exists()
    assert started == [1]  # the first apply ran the thread, the second did not
    assert seen[1] == seen[10**9]
    assert [t for t in threading.enumerate() if t.name == "manikit-checkpoints"] == []
