"""Benchmark: `manikit lint` (validation plus every rule) as a whole process on N generated resources.

    python bench/lint.py [--resources 10000] [--runs 3] [--jobs N]

Uses the shared generator (bench/generate.py) for two repositories: a clean one (no findings), where
lint is compared with `manikit validate` on the same files, and one with typical mistakes. Prints
resources/s (median of the runs) and the peak RSS of the manikit process tree (getrusage of the
children, measured in a fresh helper process per run so that runs do not mask each other).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate


def measure(command: list[str]) -> None:
    """Helper mode: run ``command`` once; print wall seconds, peak RSS (KiB) and exit code as JSON."""
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"wall": wall, "peak_kib": peak, "code": proc.returncode}))


def run(command: list[str], runs: int, allowed: tuple[int, ...]) -> tuple[float, int]:
    """Median wall seconds and the largest peak RSS (MiB) over ``runs`` runs."""
    walls, peaks = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--measure", *command], capture_output=True, text=True, check=True
        )
        result = json.loads(out.stdout)
        if result["code"] not in allowed:
            sys.exit(f"{' '.join(command[:2])} exited {result['code']}, expected one of {allowed}")
        walls.append(result["wall"])
        peaks.append(result["peak_kib"] // 1024)
    return statistics.median(walls), max(peaks)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="passed to manikit (default: automatic)")
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("manikit"))
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    n = args.resources
    with tempfile.TemporaryDirectory() as tmp:
        clean, messy = Path(tmp) / "clean", Path(tmp) / "messy"
        files = generate(clean, n)
        generate(messy, n, seed=2, clean=False)
        validate_wall, validate_rss = run([exe, "validate", "--quiet", *jobs, str(clean)], args.runs, (0,))
        lint_wall, lint_rss = run(
            [exe, "lint", "--quiet", "--fail-on", "info", *jobs, str(clean)], args.runs, (0,)
        )
        messy_wall, messy_rss = run([exe, "lint", "--quiet", *jobs, str(messy)], args.runs, (0, 1))
    print(f"lint benchmark: {n} resources in {len(files)} files, median of {args.runs} runs")
    for label, wall, rss in (
        ("validate, clean repo", validate_wall, validate_rss),
        ("lint, clean repo (no finding)", lint_wall, lint_rss),
        ("lint, repo with findings", messy_wall, messy_rss),
    ):
        print(f"  {label:<30} {n / wall:8,.0f} resources/s  ({wall:.2f} s, peak RSS {rss} MiB)")
    print(f"  lint / validate on the clean repo: {lint_wall / validate_wall:.2f}x the time")


if __name__ == "__main__":
    main()
