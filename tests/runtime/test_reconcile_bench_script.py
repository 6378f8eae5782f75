"""bench/reconcile.py runs, settles and prints its figures, and with ``--by-controller`` where the
first reconcile's writes came from (sizes kept tiny; nothing asserted about time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "reconcile.py"


def run_bench(*extra: str) -> list[str]:
    command = [sys.executable, str(BENCH), "--replicas", "30", "--nodes", "4", *extra]
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # exit 0: settled
    return result.stdout.splitlines()


def test_the_bench_settles_and_prints_its_figures() -> None:
    lines = run_bench()
    assert lines[0] == "deployment of 30 replicas onto 4 nodes"
    assert any(line.startswith("  reconcile: ") and "reconciled in" in line for line in lines)
    assert "  pods running: 30, ready replicas: 30, nodes used: 4" in lines
    assert not any("by controller" in line for line in lines)


def test_by_controller_names_every_controller_and_adds_up_to_the_writes() -> None:
    lines = run_bench("--by-controller")
    reconciled = next(line for line in lines if line.startswith("  reconcile: "))
    writes = int(reconciled.split("(")[-1].split()[0])
    start = lines.index(
        "  first reconcile by controller (CPU s, writes; the rest is the loop and the commits):"
    )
    rows = [line.split() for line in lines[start + 1 :]]
    names = [row[0] for row in rows]
    assert names == [
        "namespace",
        "garbage-collector",
        "deployment",
        "replicaset",
        "node-lifecycle",
        "scheduler",
        "node-agent",
        "endpoints",
    ]
    assert sum(int(row[-1]) for row in rows) == writes
    by_name = {row[0]: int(row[-1]) for row in rows}
    assert by_name["scheduler"] == 30  # one binding per pod
    assert by_name["replicaset"] >= 30  # the pods it created, and its status
