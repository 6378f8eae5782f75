"""The store under real processes: concurrent writers lose no update; kill -9 leaves it consistent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from manikit.runtime.store.sqlite import SqliteStore

pytestmark = pytest.mark.slow

INCREMENTER = """
import sys
from manikit.errors import ConflictError
from manikit.runtime.store.sqlite import SqliteStore

store = SqliteStore.open(sys.argv[1])
done = retries = 0
while done < int(sys.argv[2]):
    current = store.get("Counter", "", "c")
    body = current.body
    body["value"] += 1
    try:
        store.update("Counter", "", "c", body, expected=current.revision)  # read-modify-write, optimistic
        done += 1
    except ConflictError:
        retries += 1
print(retries)
"""

BATCHER = """
import sys
from manikit.runtime.store.sqlite import SqliteStore

store = SqliteStore.open(sys.argv[1])
batch = first = store.get("Progress", "", "p").body["batches"]
while True:
    with store.transaction():
        for i in range(50):
            name = f"b{batch}-{i}"
            store.create("Pod", "default", name, {"metadata": {"name": name}, "payload": "x" * 500})
        progress = store.get("Progress", "", "p")
        body = progress.body
        body["batches"] = batch + 1
        store.update("Progress", "", "p", body, expected=progress.revision)
    batch += 1
    if batch == first + 1:
        print("started", flush=True)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def test_two_processes_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStore.open(path)
    store.create("Counter", "", "c", {"metadata": {"name": "c"}, "value": 0})
    runs = 300
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", INCREMENTER, str(path), str(runs)], stdout=subprocess.PIPE, env=_env()
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    final = store.get("Counter", "", "c")
    assert final is not None
    assert final.body["value"] == 2 * runs
    assert store.revision() == 1 + 2 * runs
    assert len(list(store.history(0))) == 1 + 2 * runs


def test_kill_9_at_any_point_leaves_a_consistent_store(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStore.open(path)
    store.create("Progress", "", "p", {"metadata": {"name": "p"}, "batches": 0})
    store.close()
    for delay in (0.05, 0.13, 0.21, 0.34, 0.08):
        proc = subprocess.Popen(
            [sys.executable, "-c", BATCHER, str(path)], stdout=subprocess.PIPE, env=_env()
        )
        assert proc.stdout is not None
        watchdog = threading.Timer(60, proc.kill)  # never hang a test run
        watchdog.start()
        started = proc.stdout.readline()  # at least one batch committed in this round
        watchdog.cancel()
        assert started == b"started\n"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    store = SqliteStore.open(path)
    progress = store.get("Progress", "", "p")
    assert progress is not None
    batches = progress.body["batches"]
    assert batches >= 5
    assert store.count("Pod") == 50 * batches  # every batch whole or absent
    history = list(store.history(0))
    assert store.revision() == history[-1].revision == len(history)
    current = {(o.namespace, o.name): o.revision for o in store.list("Pod")}
    written = {(h.namespace, h.name): h.revision for h in history if h.kind == "Pod"}
    assert current == written
