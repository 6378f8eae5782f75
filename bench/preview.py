"""Benchmark: the plan's scheduling preview on a settled cluster where 1% of the Deployments change.

    python bench/preview.py [--resources 4000] [--nodes 200] [--changed 0.01] [--runs 3] [--profile]

The state holds the generated repository (Deployments of 1-5 replicas, Services, Pods) applied and
reconciled onto ``--nodes`` nodes; then ``replicas`` of 1% of the Deployments is raised and the plan
made. Prints the preview alone (``with_preview``: simulate the change, then per-node usage before and
after), median of the runs, in process; ``--profile`` prints its cProfile instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan import change_some
from plan_apply_common import manifest_tree, nodes_file

from manikit.apply.executor import execute
from manikit.apply.preview import with_preview
from manikit.cluster import open_cluster
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
        walls, cpus = [], []
        for _ in range(args.runs):
            start, cpu = time.perf_counter(), time.process_time()
            preview = with_preview(cluster, plan).preview
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
    assert preview is not None
    print(
        f"preview: {args.resources} objects, {pods} pods on {args.nodes} nodes (applied and reconciled in "
        f"{settled:.1f} s); {changed} Deployments changed"
    )
    print(
        f"  with_preview, median of {args.runs}: {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU; {len(preview.pending)} pending of {preview.pods} pods"
    )


if __name__ == "__main__":
    main()
