"""Locks are leases: renewed while their holder works, taken over (saying whose) once they expire,
broken on purpose with ``manikit state unlock LOCK_ID``."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from manikit.errors import LockError
from manikit.runtime.store import SqliteStore
from manikit.runtime.store.sqlite_lease import LEASE_SECONDS, Renewer
from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES

APP = str(EXAMPLES / "app")


def _lock(state: Path, host: str, pid: int, renewed_ago: float | None, token: str = "lock-1") -> None:
    store = SqliteStore.open(state)
    renewed = None if renewed_ago is None else time.time() - renewed_ago
    store._conn.execute(
        "INSERT OR REPLACE INTO locks (name, pid, host, command, acquired_at, token, renewed_at)"
        " VALUES ('apply', ?, ?, 'manikit apply k8s/', '2026-01-01T00:00:00Z', ?, ?)",
        (pid, host, token, renewed),
    )
    store.close()


@pytest.mark.parametrize("where", ["another host", "a pid now reused here"])
def test_an_expired_lease_is_taken_over_naming_its_holder(tmp_path: Path, where: str) -> None:
    host, pid = ("ci-runner-7", 4242) if where == "another host" else (socket.gethostname(), os.getpid())
    state = tmp_path / "state.db"
    _lock(state, host, pid, renewed_ago=LEASE_SECONDS + 5)
    result = run_cli("apply", "-y", "--no-preview", "--state", str(state), APP)
    assert result.exit_code == 0, result.stderr
    assert f"warning: took over the apply lock of state {state} from pid {pid} on {host}" in result.stderr
    assert "(manikit apply k8s/)" in result.stderr and "its lease was not renewed for" in result.stderr
    assert SqliteStore.open(state).lock_holder("apply") is None


def test_a_live_lease_elsewhere_blocks_and_says_how_to_break_it(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    _lock(state, "ci-runner-7", 4242, renewed_ago=1)
    blocked = run_cli("apply", "-y", "--state", str(state), APP)
    assert blocked.exit_code == 1
    assert "locked by pid 4242 on ci-runner-7 (manikit apply k8s/)" in blocked.stderr
    assert "`manikit state unlock lock-1`" in blocked.stderr
    refused = run_cli("state", "unlock", "lock-1", "--state", str(state))
    assert refused.exit_code == 1 and "pass --yes" in refused.stderr
    unknown = run_cli("state", "unlock", "nope", "-y", "--state", str(state))
    assert unknown.exit_code == 1 and "holds no lock with ID nope" in unknown.stderr
    broken = run_cli("state", "unlock", "lock-1", "--yes", "--state", str(state))
    assert broken.exit_code == 0 and "lock lock-1" in broken.stdout
    assert run_cli("apply", "-y", "--no-preview", "--state", str(state), APP).exit_code == 0


def test_a_dead_holder_on_this_host_is_taken_over_at_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    state = tmp_path / "state.db"
    _lock(state, socket.gethostname(), proc.pid, renewed_ago=0)
    result = run_cli("apply", "-y", "--no-preview", "--state", str(state), APP)
    assert result.exit_code == 0
    assert f"from pid {proc.pid} on {socket.gethostname()}" in result.stderr
    assert "its process is gone" in result.stderr


def test_the_holder_renews_its_lease_at_commits_and_from_its_thread(tmp_path: Path) -> None:
    one = SqliteStore.open(tmp_path / "s.db")
    two = SqliteStore.open(tmp_path / "s.db")
    with one.acquire_lock("apply", "manikit apply") as holder:
        one._conn.execute("UPDATE locks SET renewed_at = 0")  # as if it had not renewed for ages
        with one.transaction():
            one.put_note("t", "k", 1)  # a commit renews
        renewed = float(two.lock_holder("apply").extra["renewed_at"])  # type: ignore[union-attr]
        assert time.time() - renewed < LEASE_SECONDS
        with pytest.raises(LockError):
            with two.acquire_lock("apply", "other"):
                pass
        one._conn.execute("UPDATE locks SET renewed_at = 0")
        renewer = Renewer(str(tmp_path / "s.db"), holder, every=0.01)
        deadline = time.monotonic() + 10
        while float(two.lock_holder("apply").extra["renewed_at"]) == 0:  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the renewal thread never renewed"
            time.sleep(0.01)
        renewer.stop()
