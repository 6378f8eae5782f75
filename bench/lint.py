"""Benchmark: `manikit lint` (validation plus every rule) as a whole process on N generated resources.

    python bench/lint.py [--resources 10000] [--runs 3] [--jobs N]

Uses the shared generator (bench/generate.py) for two repositories: a clean one (no findings), where
lint is compared with `manikit validate` on the same files, and one with typical mistakes. Prints
resources/s (median of the runs), the CPU time (user + system of the whole process tree: the steadier
figure when other work shares the machine) and the peak RSS of the manikit process tree (getrusage of
the children, measured in a fresh helper process per run so that runs do not mask each other).
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
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate


def measure(command: list[str]) -> None:
    """Helper mode: run ``command`` once; print wall and CPU seconds (user + system, the whole process
    tree), peak RSS (KiB) and exit code as JSON."""
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    summary = {"wall": wall, "cpu": cpu, "peak_kib": usage.ru_maxrss, "code": proc.returncode}
    print(json.dumps({**summary, "stderr": proc.stderr[-2000:]}))


@dataclass
class Figures:
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peak_mib: int = 0

    def add(self, command: list[str], allowed: tuple[int, ...]) -> None:
        out = subprocess.run(
            [sys.executable, __file__, "--measure", *command], capture_output=True, text=True, check=True
        )
        result = json.loads(out.stdout)
        if result["code"] not in allowed:
            sys.exit(
                f"{' '.join(command[:2])} exited {result['code']}, expected one of {allowed}:\n"
                + result["stderr"]
            )
        self.walls.append(result["wall"])
        self.cpus.append(result["cpu"])
        self.peak_mib = max(self.peak_mib, result["peak_kib"] // 1024)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


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
    validate, lint, messy = Figures(), Figures(), Figures()
    with tempfile.TemporaryDirectory() as tmp:
        clean_dir, messy_dir = Path(tmp) / "clean", Path(tmp) / "messy"
        files = generate(clean_dir, n)
        generate(messy_dir, n, seed=2, clean=False)
        for _ in range(args.runs):  # interleaved, so that a busy moment of the machine hits all three
            validate.add([exe, "validate", "--quiet", *jobs, str(clean_dir)], (0,))
            lint.add([exe, "lint", "--quiet", "--fail-on", "info", *jobs, str(clean_dir)], (0,))
            messy.add([exe, "lint", "--quiet", *jobs, str(messy_dir)], (0, 1))
    print(f"lint benchmark: {n} resources in {len(files)} files, median of {args.runs} runs")
    for label, figures in (
        ("validate, clean repo", validate),
        ("lint, clean repo (no finding)", lint),
        ("lint, repo with findings", messy),
    ):
        print(
            f"  {label:<30} {n / figures.wall:8,.0f} resources/s  ({figures.wall:.2f} s wall, "
            f"{figures.cpu:.2f} s CPU, peak RSS {figures.peak_mib} MiB)"
        )
    print(
        f"  lint / validate on the clean repo: {lint.wall / validate.wall:.2f}x the wall time, "
        f"{lint.cpu / validate.cpu:.2f}x the CPU time"
    )


if __name__ == "__main__":
    main()
