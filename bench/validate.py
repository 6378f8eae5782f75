"""Benchmark: `manikit validate` as a whole process on N generated resources.

    python bench/validate.py [--resources 10000] [--runs 3]

Prints resources/s (median of the runs) and the peak RSS of the manikit process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate


def run_once(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MiB of the child, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) // 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="passed to manikit (default: automatic)")
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("manikit"))
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp), args.resources)
        command = [exe, "validate", "--quiet", tmp]
        if args.jobs:
            command[2:2] = ["--jobs", str(args.jobs)]
        walls, peaks = [], []
        for _ in range(args.runs):
            wall, peak, code = run_once(command)
            if code != 0:
                sys.exit(f"manikit validate exited {code} on generated manifests")
            walls.append(wall)
            peaks.append(peak)
    median = statistics.median(walls)
    print(f"validate: {args.resources} resources in {len(files)} files")
    print(f"  wall time (median of {args.runs}): {median:.2f} s")
    print(f"  throughput: {args.resources / median:,.0f} resources/s")
    print(f"  peak RSS (largest process): {max(peaks)} MiB")


if __name__ == "__main__":
    main()
