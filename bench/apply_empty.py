"""Benchmark: the issue-17 apply case. One file of 10,000 objects (5,000 Deployments with 0 replicas and
their 5,000 Services, after the 20 Namespaces they live in) applied to an empty state.

    python bench/apply_empty.py [--resources 10000] [--runs 3]

Prints `manikit apply --auto-approve FILE` as a whole process (median wall and CPU seconds, peak RSS;
CPU is the steadier figure on a shared machine), then where that time goes: the start-up (interpreter
and imports, in a process of its own) and the command's steps run in this process as the command runs
them (the same calls, the cyclic collector off, the plan printed to /dev/null by a forked child while
the transaction runs, cli/print_aside.py, and the state's log checkpointed by a thread,
runtime/store/checkpoints.py): open, load, plan, apply transaction (with the plan printed
meanwhile), reconcile, rollout report, the refresh of the apply's notes (``refresh_applied``); what the
whole process spent beyond their sum (exit, the load's worker processes starting and ending, the imports
done while they parse) is printed as the rest. CPU figures count finished children: the printing
child's CPU is in its step.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import one_file
from plan_apply_common import EXE, NAMESPACES

from manikit.apply.executor import execute
from manikit.apply.preview import with_preview
from manikit.apply.report import rollout_report
from manikit.cli.main import GC_THRESHOLDS
from manikit.cli.print_aside import can_print_aside, printed_aside
from manikit.cluster import open_cluster
from manikit.cluster.recorded import refresh_applied
from manikit.cluster.statefile import checkpoints_aside, keep_backup
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan

#: what `manikit apply` imports before it reads a file (the start-up step, in a process of its own);
#: the rest of its imports (the API, the controllers, numpy) it does while the load's workers parse
#: (cli/apply_cmd.py ``import_applying``): this process has them already, so whatever of them the
#: workers do not hide shows in the whole process only, in "the rest"
STARTUP = "import manikit.cli.main, manikit.cli.app, manikit.cli.apply_cmd"


def measure(command: list[str]) -> None:
    """Helper mode: run ``command`` once; print its wall and CPU seconds and peak RSS (KiB) as JSON."""
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"wall": wall, "cpu": cpu, "kib": usage.ru_maxrss, "code": proc.returncode,
                      "stderr": proc.stderr[-2000:]}))  # fmt: skip


def whole(command: list[str]) -> dict[str, float]:
    """One run of ``command`` in a fresh helper process, so that peak RSS is this run's own."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", *command], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout)
    if result["code"] != 0:
        sys.exit(f"{' '.join(command)} exited {result['code']}:\n{result['stderr']}")
    return result


def manifest(path: Path, resources: int) -> Path:
    """One stream: the Namespaces, then ``resources`` Deployments (0 replicas) and Services."""
    one_file(path, resources)
    namespaces = "".join(
        f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{i}\n---\n" for i in range(NAMESPACES)
    )
    path.write_text(namespaces + path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def phases(tmp: Path, file: Path) -> dict[str, tuple[float, float, int]]:
    """Wall and CPU seconds (this process's and its workers') of each step of an apply from empty,
    in this process, as the command runs them (``manikit.cli.apply_cmd``)."""
    times: dict[str, tuple[float, float, int]] = {}
    gc.set_threshold(*GC_THRESHOLDS)
    gc.disable()  # as `manikit apply` runs (cli/main.py collector_off)

    def cpu() -> float:  # this process's and its finished children's (the load's workers)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    def lap(name: str) -> None:
        nonlocal clock
        now = (time.perf_counter(), cpu())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # MiB, this process's
        times[name] = (now[0] - clock[0], now[1] - clock[1], peak)
        clock = now

    clock = (time.perf_counter(), cpu())
    cluster = open_cluster(tmp / "phases.db")
    lap("open the state (default cluster)")
    # as `manikit apply` loads: in its apply set, nothing recorded yet (the state is new)
    desired = load_desired([str(file)], applyset="default", applied=lambda: None, admit=True)
    lap("load (read, parse, validate)")
    plan = with_preview(cluster, make_plan(cluster, desired, applyset="default"))
    del desired  # as the command lets it go once planned
    lap("plan (with its scheduling preview)")
    with contextlib.ExitStack() as beside:
        with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
            # the bench's whole process prints it to /dev/null too: by a child, while it applies
            assert can_print_aside(plan, cluster.atomic_batches)
            with printed_aside(plan) as printer:
                beside.enter_context(checkpoints_aside(cluster))  # the log copied by a thread
                keep_backup(cluster)
                execute(cluster, plan, before_commit=printer.wait)
        # the command keeps the plan to the end (cli/apply_cmd.py): so does this process
        lap("apply transaction (plan printed meanwhile)")
        settled = cluster.run()  # as the command's reconcile (ControlPlane.reconcile)
        passes = settled.summary.removeprefix("reconciled in ").replace(" (", ", ").rstrip(")")
        lap(f"reconcile ({passes})")
        rollout_report(cluster)
        lap("rollout report")
        refresh_applied(cluster)  # as the command's end (cli/apply_cmd.py _finish)
        lap("refresh the apply's notes")
    cluster.close()
    lap("close")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        file = manifest(tmp / "all.yaml", args.resources)
        runs = [
            whole([EXE, "apply", "--state", str(tmp / f"s{i}.db"), "--auto-approve", str(file)])
            for i in range(args.runs)
        ]
        startup = [whole([sys.executable, "-c", STARTUP]) for _ in range(args.runs)]
        split = {
            "start-up (interpreter, imports)": (
                statistics.median(r["wall"] for r in startup),
                statistics.median(r["cpu"] for r in startup),
                max(int(r["kib"]) for r in startup) // 1024,
            ),
            **phases(tmp, file),
        }
    wall = statistics.median(r["wall"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    peak = max(int(r["kib"]) for r in runs) // 1024
    split["the rest (exit, workers, imports; whole - steps)"] = (
        wall - sum(w for w, _, _ in split.values()),
        cpu - sum(c for _, c, _ in split.values()),
        peak,
    )
    total = args.resources + NAMESPACES
    half = args.resources // 2
    print(
        f"apply from empty: one file of {total:,} objects ({half:,} Deployments with 0 replicas, "
        f"{args.resources - half:,} Services, {NAMESPACES} Namespaces)"
    )
    print(
        f"  `manikit apply --auto-approve FILE` whole process, median of {args.runs}: {wall:.2f} s wall, "
        f"{cpu:.2f} s CPU = {total / wall:,.0f} objects/s; peak RSS {peak} MiB (target < 5 s, issue 17)"
    )
    print(
        "  where the time goes, step by step (wall, CPU; steps after start-up in one process, with its "
        "peak RSS so far):"
    )
    for step, (w, c, mib) in split.items():
        print(f"    {step:<50} {w:6.2f} s  {c:6.2f} s  {mib:5d} MiB")


if __name__ == "__main__":
    main()
