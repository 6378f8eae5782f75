"""bench/schedule.py runs and prints its figures (sizes kept tiny; nothing asserted about time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "schedule.py"


def test_bench_script_prints_throughput_and_rss() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--nodes", "40", "--pods", "120", "--workloads", "6", "--runs", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "schedule: 120 pending pods (grouped order), 40 nodes"
    assert lines[1].startswith("  bound ") and ", pending 20" in lines[1]  # workload 0 fits nowhere
    assert any(line.startswith("  throughput: ") and line.endswith(" pods/s") for line in lines)
    assert any(line.startswith("  peak RSS: ") for line in lines)
