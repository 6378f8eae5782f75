"""Benchmark: the plan's scheduling preview on a settled cluster where 1% of the Deployments change,
and of a plan that moves no pod.

    python bench/preview.py [--resources 4000] [--nodes 200] [--changed 0.01] [--still 10000]
                            [--runs 3] [--profile]

The state holds the generated repository (Deployments of 1-5 replicas, Services, Pods) applied and
reconciled onto ``--nodes`` nodes; then ``replicas`` of 1% of the Deployments is raised and the plan
made. Prints the preview alone (``with_preview``: simulate the change, then per-node usage before and
after), median of the runs, in process: simulating only what the change touches (the default) and the
whole cluster (``whole_cluster=True``, as before), which must say the same; ``--profile`` prints the
focused one's cProfile instead.

Then, on the same cluster, a plan of ``--still`` objects that moves no pod: one file of Deployments with
0 replicas and Services (the issue-17 case), new objects in new namespaces. Its preview needs no
simulation; the same preview made by simulating the whole cluster anyway (as before the shortcut) is
printed beside it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent))
from generate import one_file
from plan import change_some
from plan_apply_common import manifest_tree, nodes_file

from manikit.apply import preview as preview_module
from manikit.apply.executor import execute
from manikit.apply.preview import with_preview
from manikit.cluster import Cluster, open_cluster
from manikit.plan.actions import Plan, SchedulingPreview
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.source.reader import expand_paths


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=4_000)
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--still", type=int, default=10_000, help="objects of the plan that moves no pod")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "manifests"
        files = manifest_tree(root, args.resources)
        nodes_file(root / "nodes.yaml", args.nodes)
        cluster = open_cluster(str(Path(tmp) / "state.db"), default_cluster=False)
        names = expand_paths([str(root)])
        start = time.perf_counter()
        execute(cluster, make_plan(cluster, load_desired(names), applyset="default"))
        cluster.run()
        settled = time.perf_counter() - start
        pods = len(cluster.list("Pod"))
        changed = change_some(files, int(args.resources * args.changed))
        plan = make_plan(cluster, load_desired(names), applyset="default")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(with_preview, cluster, plan)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            return
        print(
            f"preview: {args.resources} objects, {pods} pods on {args.nodes} nodes (applied and reconciled "
            f"in {settled:.1f} s); {changed} Deployments changed"
        )
        focused = timed(args.runs, lambda: with_preview(cluster, plan))
        whole = timed(args.runs, lambda: with_preview(cluster, plan, whole_cluster=True))
        assert focused[2] == whole[2], "the focused preview differs from the whole cluster's"
        for name, (walls, cpus, preview) in (("focused (default)", focused), ("whole cluster", whole)):
            print(
                f"  with_preview, {name}, median of {args.runs}: {statistics.median(walls):.2f} s wall, "
                f"{statistics.median(cpus):.2f} s CPU; {len(preview.pending)} pending of {preview.pods} pods"
            )
        still_case(cluster, Path(tmp) / "still" / "all.yaml", args.still, args.runs)


def still_case(cluster: Cluster, path: Path, count: int, runs: int) -> None:
    """The plan of ``count`` new objects that move no pod: previewed, and simulated anyway."""
    one_file(path, count)
    path.write_text(path.read_text().replace(" app-", " still-").replace("team-", "still-team-"))
    namespaces = "".join(
        f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: still-team-{i}\n---\n" for i in range(20)
    )
    path.write_text(namespaces + path.read_text())
    plan = make_plan(cluster, load_desired([str(path)]), applyset="still")
    walls, cpus, preview = timed(runs, lambda: with_preview(cluster, plan))
    with mock.patch.object(preview_module, "_needs_simulation", lambda *_: True):
        old_walls, old_cpus, simulated = timed(runs, lambda: with_preview(cluster, plan, whole_cluster=True))
    assert preview == simulated, "the shortcut's preview differs from the simulation's"
    print(f"preview of a plan that moves no pod: {len(plan.changes)} objects created (0 replicas, Services)")
    for name, w, c in (("with_preview", walls, cpus), ("simulated anyway", old_walls, old_cpus)):
        print(
            f"  {name}, median of {runs}: {statistics.median(w):.2f} s wall, "
            f"{statistics.median(c):.2f} s CPU; {len(preview.pending)} pending of {preview.pods} pods"
        )


def timed(runs: int, make: Callable[[], Plan]) -> tuple[list[float], list[float], SchedulingPreview]:
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        preview = make().preview
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    assert preview is not None
    return walls, cpus, preview


if __name__ == "__main__":
    main()
