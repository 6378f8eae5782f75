"""Benchmark: `manikit plan` with 10,000 recorded objects and 1% of them changed in the manifests.

    python bench/plan.py [--resources 10000] [--changed 0.01] [--runs 3] [--settled | --as-left]
                         [--one-file | --tree] [--unrefreshed]

Each layout is measured on two states, each printed as its own lines: as the apply's transaction
left it, and after the controllers settled it (as `manikit apply` leaves it: they wrote every
Deployment's status and revision annotation, and the apply moved its notes to the versions they left:
``refresh_applied``); ``--settled`` or ``--as-left`` measures one. ``--unrefreshed`` adds the settled
state without that refresh (as after controllers wrote since the last apply: each plan then reads
the objects written since to check them). Prints
the planning step alone (recorded state read, compared and diffed), the manifest loading step (as
`manikit plan` loads them: the state's record of applies read first, documents known from their
text not parsed), the same load parsing every document (``MANIKIT_PARSE_EVERY_DOCUMENT=1``), and
`manikit plan --no-preview` as a whole process with its peak RSS (issue 17's target: under 2 s and
300 MB). Both layouts by default: the manifests as one stream (issue 17's case: 10,000 objects in
one file, loaded in pieces on every core), then as a tree of small files; ``--one-file`` or
``--tree`` runs one of them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import one_file
from plan_apply_common import EXE, NAMESPACES, manifest_tree

from manikit.apply.executor import execute
from manikit.cli.main import GC_THRESHOLDS
from manikit.cluster import Cluster, LocalCluster, open_cluster
from manikit.cluster.recorded import applied_record, refresh_applied
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.plan.textual import SKIP_ENV
from manikit.runtime.store.sqlite import SqliteStore
from manikit.source.reader import expand_paths


def change_some(files: list[Path], count: int, seed: int = 7) -> int:
    """Bump ``replicas`` in ``count`` Deployments (one per file); returns how many changed."""
    rng = random.Random(seed)
    deployments = [f for f in files if "kind: Deployment" in f.read_text()]
    chosen = rng.sample(deployments, max(1, min(count, len(deployments))))
    for path in chosen:
        text = path.read_text()
        path.write_text(text.replace("  replicas: ", "  replicas: 1", 1))
    return len(chosen)


def one_stream(root: Path, resources: int) -> list[Path]:
    """The namespaces and ``resources`` generated objects as one file in ``root``."""
    path = one_file(root / "all.yaml", resources)
    namespaces = "".join(
        f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{i}\n---\n" for i in range(NAMESPACES)
    )
    path.write_text(namespaces + path.read_text(encoding="utf-8"), encoding="utf-8")
    return [path]


def change_in_stream(path: Path, count: int, seed: int = 7) -> int:
    """Bump ``replicas`` in ``count`` Deployments of one stream; returns how many changed."""
    docs = path.read_text(encoding="utf-8").split("---\n")
    deployments = [i for i, doc in enumerate(docs) if "kind: Deployment" in doc]
    chosen = random.Random(seed).sample(deployments, max(1, min(count, len(deployments))))
    for i in chosen:
        docs[i] = docs[i].replace("  replicas: ", "  replicas: 1", 1)
    path.write_text("---\n".join(docs), encoding="utf-8")
    return len(chosen)


def cpu_seconds() -> float:
    """CPU seconds of this process and of the workers it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


#: Runs a command and prints its wall seconds, CPU seconds and peak RSS (os.wait4: the process and
#: the children it waited for). Run in a fresh interpreter, so that the measured process is forked
#: from a small one: Linux counts the memory a child shared with its parent before exec in its peak.
MEASURE = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps([time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                  os.waitstatus_to_exitcode(status)]))
"""


def run_measured(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (MiB, its largest process) of ``manikit ARGS`` alone."""
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, EXE, *args], capture_output=True, text=True, check=True
    )
    wall, cpu, peak, code = json.loads(proc.stdout)
    if code not in ok:
        sys.exit(f"manikit {' '.join(args)} exited {code}:\n{proc.stderr[-2000:]}")
    return wall, cpu, peak // 1024


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)  # as the `manikit` command sets it
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--runs", type=int, default=3)
    states = parser.add_mutually_exclusive_group()
    states.add_argument(
        "--settled",
        action="store_true",
        help="only the state after the controllers ran (as `manikit apply` leaves it: they wrote "
        "every Deployment's status and revision annotation)",
    )
    states.add_argument(
        "--as-left", action="store_true", help="only the state as the apply's transaction left it"
    )
    parser.add_argument(
        "--unrefreshed",
        action="store_true",
        help="also the settled state without the apply's refresh of its notes (each plan checks the "
        "objects the controllers wrote)",
    )
    layout = parser.add_mutually_exclusive_group()
    layout.add_argument("--one-file", action="store_true", help="only the manifests as one stream")
    layout.add_argument("--tree", action="store_true", help="only the manifests as a tree of small files")
    args = parser.parse_args()
    for stream in (True, False):
        if (stream and args.tree) or (not stream and args.one_file):
            continue
        bench(args, stream)


def bench(args: argparse.Namespace, stream: bool) -> None:
    """One layout's figures (the manifests as one ``stream``, or as a tree of small files), for the
    state as the apply left it and after the controllers settled it (each its own lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "manifests"
        files = one_stream(root, args.resources) if stream else manifest_tree(root, args.resources)
        state = Path(tmp) / "state.db"
        cluster = open_cluster(str(state), default_cluster=False)
        names = expand_paths([str(root)])
        desired = load_desired(names, applyset="default", note=True)  # as `manikit apply` loads them
        execute(cluster, make_plan(cluster, desired, applyset="default"))
        cases: list[tuple[str, Path, Cluster]] = []
        if not args.settled:
            cases.append(("as the apply's transaction left it", state, cluster))
        if not args.as_left:
            settled = Path(tmp) / "settled.db"
            assert isinstance(cluster, LocalCluster) and isinstance(cluster.store, SqliteStore)
            cluster.store.backup_to(settled)  # before any measured plan adds the default nodes
            reconciled = open_cluster(str(settled), default_cluster=False)
            reconciled.run()  # as `manikit apply` does after its transaction
            if args.unrefreshed:
                unrefreshed = Path(tmp) / "unrefreshed.db"
                assert isinstance(reconciled, LocalCluster) and isinstance(reconciled.store, SqliteStore)
                reconciled.store.backup_to(unrefreshed)
                label = "controllers settled after the apply, its notes not refreshed"
                cases.append((label, unrefreshed, open_cluster(str(unrefreshed), default_cluster=False)))
            refresh_applied(reconciled)  # as `manikit apply` does after its reconcile
            cases.append(("controllers settled after the apply", settled, reconciled))
        count = int(args.resources * args.changed)
        changed = change_in_stream(files[0], count) if stream else change_some(files, count)
        where = "in one file" if stream else f"in a tree of {len(files)} files"
        for label, path, case in cases:
            measure(args, case, path, names, root, f"{where}, {changed} Deployments changed", label)


def measure(
    args: argparse.Namespace,
    cluster: Cluster,
    state: Path,
    names: list[str],
    root: Path,
    what: str,
    label: str,
) -> None:
    """The figures of planning the changed manifests against ``cluster`` (kept in ``state``)."""
    recorded = sum(len(cluster.list(kind)) for kind in ("Deployment", "Service", "Pod"))
    loads, load_cpus, plans, plan_cpus, counts = [], [], [], [], []
    full_loads: list[float] = []
    full_load_cpus: list[float] = []
    for _ in range(args.runs):
        start, cpu = time.perf_counter(), cpu_seconds()
        desired = load_desired(names, applyset="default", applied=lambda: applied_record(cluster))
        loads.append(time.perf_counter() - start)
        load_cpus.append(cpu_seconds() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        plan = make_plan(cluster, desired, applyset="default")
        plans.append(time.perf_counter() - start)
        plan_cpus.append(time.process_time() - cpu)
        counts.append(plan.counts())
        start, cpu = time.perf_counter(), cpu_seconds()
        os.environ[SKIP_ENV] = "1"  # every document parsed: what the notes of their text save
        try:
            load_desired(names, applyset="default", applied=lambda: applied_record(cluster))
        finally:
            del os.environ[SKIP_ENV]
        full_loads.append(time.perf_counter() - start)
        full_load_cpus.append(cpu_seconds() - cpu)
    walls, cpus, peaks = [], [], []
    for _ in range(args.runs):
        wall, cpu, peak = run_measured(
            ["plan", "--state", str(state), "--no-preview", "--detailed-exitcode", str(root)], ok=(2,)
        )
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
    changes = sum(n for action, n in counts[0].items() if action.value != "noop")
    print(f"plan: {recorded} recorded objects {what} ({changes} changes), {label}")
    print(
        f"  planning step (read recorded, compare, diff), median of {args.runs}: "
        f"{statistics.median(plans):.2f} s ({statistics.median(plan_cpus):.2f} CPU s)"
    )
    print(
        "  loading the manifests (parse, validate, default), median: "
        f"{statistics.median(loads):.2f} s ({statistics.median(load_cpus):.2f} CPU s, workers included)"
    )
    print(
        f"  the same with {SKIP_ENV}=1 (every document parsed), median: "
        f"{statistics.median(full_loads):.2f} s "
        f"({statistics.median(full_load_cpus):.2f} CPU s, workers included)"
    )
    print(
        f"  `manikit plan --no-preview` whole process, median: {statistics.median(walls):.2f} s "
        f"({statistics.median(cpus):.2f} CPU s)"
    )
    print(f"  peak RSS of `manikit plan` (its largest process): {max(peaks)} MiB")


if __name__ == "__main__":
    main()
