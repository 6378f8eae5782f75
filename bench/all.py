"""Every benchmark in one run, its figures written to one file that README quotes from.

    python bench/all.py [--out bench/FIGURES.md] [--only validate,lint,...]

Each benchmark runs as its own process, one after another, with its default sizes; the file records
when, on how many cores and under what load average, so that figures of one run are compared with
each other and never with another run's. store_backends needs etcd installed and is skipped without;
validate and lint compare with the tools of the bench extra (pip install -e '.[bench]'), skipped without.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = (
    "startup", "validate", "lint", "render", "plan", "preview", "apply", "apply_empty", "reconcile",
    "schedule", "store", "serve",
    "store_backends",
)  # fmt: skip


def run(name: str) -> tuple[str, float]:
    if name == "store_backends" and shutil.which("etcd") is None:
        return "skipped: etcd is not installed (apt-get install etcd-server)\n", 0.0
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / f"{name}.py")], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    text = done.stdout
    if done.returncode != 0:
        text += f"\nFAILED (exit {done.returncode}):\n{done.stderr[-3000:]}"
    return text, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=HERE / "FIGURES.md")
    parser.add_argument("--only", default=",".join(BENCHES))
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n]
    unknown = sorted(set(names) - set(BENCHES))
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(unknown)}")
    load = os.getloadavg()
    lines = [
        "# manikit benchmark figures",
        "",
        f"Written by `make bench` (bench/all.py) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: Python "
        f"{platform.python_version()}, {os.cpu_count()} cores, load average {load[0]:.1f} at the start. "
        "README quotes these figures; rerun `make bench` to refresh them all at once.",
        "",
    ]
    for name in names:
        print(f"bench/{name}.py ...", file=sys.stderr, flush=True)
        text, elapsed = run(name)
        lines += [
            f"## {name}",
            "",
            f"`python bench/{name}.py` ({elapsed:.0f} s in all)",
            "",
            "```",
            text.rstrip(),
            "```",
            "",
        ]
    end = os.getloadavg()
    lines.append(f"Load average at the end: {end[0]:.1f}.")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
