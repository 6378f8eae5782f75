"""bench/store_backends.py runs against both backends and prints its figures (tiny sizes; no timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.runtime.store.etcd_cluster import Cluster

BENCH = Path(__file__).resolve().parents[3] / "bench" / "store_backends.py"


def test_bench_prints_writes_and_plan_time_for_both_backends(etcd_cluster: Cluster) -> None:
    url = etcd_cluster.url(prefix="bench")
    result = subprocess.run(
        [sys.executable, str(BENCH), "--resources", "40", "--writes", "30", "--batch", "10", "--etcd", url],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert [line.strip() for line in lines if line.startswith("  ") and not line.startswith("    ")] == [
        "sqlite:",
        "etcd:",
    ]
    assert sum("object writes: " in line and line.endswith(" writes/s") for line in lines) == 2
    assert sum("plan 60 objects (no changes): " in line for line in lines) == 2
